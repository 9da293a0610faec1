"""Contrast prompts: the prompt with one attribute changed, for composed guidance.

``generate_image_codes(..., contrast_prompts=…, contrast_scale=c)`` adds ``c·(cond − contrast)`` to
the guided logits. When the contrast prompt differs from the prompt only in its gender words, the
term pushes along gender alone and leaves everything else the prompt asks for to the usual CFG term.
"""

from __future__ import annotations

import re

# English gender words, both directions; "her" and "his" are handled on their own (see swap_gender)
_PAIRS = [
    ("man", "woman"), ("men", "women"), ("boy", "girl"), ("boys", "girls"), ("male", "female"),
    ("males", "females"), ("he", "she"), ("him", "her"), ("himself", "herself"),
    ("gentleman", "lady"), ("gentlemen", "ladies"), ("father", "mother"), ("son", "daughter"),
    ("brother", "sister"), ("husband", "wife"), ("grandfather", "grandmother"), ("grandson", "granddaughter"),
    ("uncle", "aunt"), ("nephew", "niece"), ("king", "queen"), ("masculine", "feminine"), ("mr", "ms"),
    ("guy", "gal"), ("dad", "mom"), ("grandpa", "grandma"), ("businessman", "businesswoman"),
    ("schoolboy", "schoolgirl"), ("actor", "actress"), ("waiter", "waitress"),
]
_SWAP = {a: b for a, b in _PAIRS if a != "him"} | {b: a for a, b in _PAIRS if b != "her"} | {"him": "her", "hers": "his"}
_WORD = re.compile(r"[A-Za-z]+")
# "her"/"his" followed by a noun-like word are possessive ("her eyes" ↔ "his eyes"); otherwise "her" is
# the object ("him") and "his" stands alone ("hers")
_DETERMINER = re.compile(r"\b(?:her|his)\b(?=\s+(?!and\b|or\b|to\b|in\b|with\b|as\b|at\b|from\b)[A-Za-z])",
                         re.IGNORECASE)


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[0].isupper():
        return word[0].upper() + word[1:]
    return word


def swap_gender(text: str) -> str | None:
    """``text`` with every gender word swapped for its opposite (case kept), or None when it has none.

    >>> swap_gender("A smiling young woman. Her eyes are open; she wears glasses.")
    'A smiling young man. His eyes are open; he wears glasses.'
    """
    determiner = {m.start() for m in _DETERMINER.finditer(text)}
    changed = False

    def repl(m: re.Match) -> str:
        nonlocal changed
        word, low = m.group(0), m.group(0).lower()
        if low in ("her", "his"):
            new = {"her": ("him", "his"), "his": ("hers", "her")}[low][m.start() in determiner]
        elif low in _SWAP:
            new = _SWAP[low]
        else:
            return word
        changed = True
        return _match_case(new, word)

    out = _WORD.sub(repl, text)
    return out if changed else None


# ---------------------------------------------------------------------------------------------- age
# The age groups of the data and evaluation (inclusive bounds), a typical age for prompts that name
# a group but no number, and the subject noun used for each group and gender.
_AGE_GROUPS = (("child", 0, 12, 6), ("teen", 13, 19, 16), ("young adult", 20, 35, 27),
               ("middle-aged", 36, 55, 45), ("senior", 56, 200, 70))
_AGE_NOUN = {
    ("child", "male"): "boy", ("child", "female"): "girl", ("child", None): "child",
    ("teen", "male"): "teenage boy", ("teen", "female"): "teenage girl", ("teen", None): "teenager",
    ("young adult", "male"): "young man", ("young adult", "female"): "young woman", ("young adult", None): "young adult",
    ("middle-aged", "male"): "middle-aged man", ("middle-aged", "female"): "middle-aged woman",
    ("middle-aged", None): "middle-aged person",
    ("senior", "male"): "elderly man", ("senior", "female"): "elderly woman", ("senior", None): "elderly person",
}
_AGE_WORDS = {"baby": "child", "little": "child", "teenage": "teen", "teenaged": "teen", "young": None, "middle-aged": "middle-aged",
              "elderly": "senior", "older": "senior", "old": "senior", "senior": "senior", "aged": "senior"}
_HEAD_GENDER = {"boy": "male", "man": "male", "gentleman": "male", "girl": "female", "woman": "female",
                "lady": "female", "child": None, "kid": None, "teenager": None, "teen": None, "person": None,
                "adult": None}
_HEAD_GROUP = {"boy": "child", "girl": "child", "child": "child", "kid": "child", "teenager": "teen", "teen": "teen"}
# an optional age word, then the subject noun ("little girl", "elderly man", "teenager", "man")
_SUBJECT = re.compile(r"\b(?:(baby|little|teenaged?|young|middle-aged|elderly|older|old|senior|aged)\s+)?"
                      r"(boy|girl|man|woman|gentleman|lady|child|kid|teenager|teen|person|adult)\b", re.IGNORECASE)
# a stated age: "24-year-old", "24 years old", "aged 24", "age 24"; and a baby's "under one year old"
_INFANT = re.compile(r"\bunder (?:one|1) years? old\b", re.IGNORECASE)
_YEARS = re.compile(r"\b(\d{1,3})(?=(?:-year-old|\s+years?\s+old)\b)|(?<=\baged\s)(\d{1,3})\b|(?<=\bage\s)(\d{1,3})\b",
                    re.IGNORECASE)


def age_group(age: float) -> str:
    """The age group of an age in years (child 0–12, teen 13–19, young adult 20–35, middle-aged 36–55, senior 56+)."""
    return next(name for name, lo, hi, _ in _AGE_GROUPS if age <= hi)


def shift_age(text: str, years: int = 20, pivot: int = 35) -> str | None:
    """``text`` describing someone ``years`` years nearer the middle of life, or None when it states no age.

    An age below ``pivot`` moves up, one at or above it moves down, so guidance against the result
    pushes every face away from the middle: children younger, seniors older. The new age is always
    in another age group (when ``years`` is not enough, it is the next group's typical age). The stated age and the
    subject noun both change ("an elderly man who is 70 years old" → "a middle-aged man who is 50
    years old"); the age is read from the number, else from the noun's age word.

    >>> shift_age("A close-up photo of a little girl who is 5 years old. She is smiling.")
    'A close-up photo of a young woman who is 25 years old. She is smiling.'
    """
    found = [int(next(g for g in m.groups() if g)) for m in _YEARS.finditer(text)]
    if found:
        age = found[0]
    elif _INFANT.search(text):
        age = 0
    else:
        groups = [_AGE_WORDS.get((m.group(1) or "").lower()) or _HEAD_GROUP.get(m.group(2).lower())
                  for m in _SUBJECT.finditer(text)]
        named = next((g for g in groups if g), None)
        if named is None:
            return None
        age = next(typical for name, _, _, typical in _AGE_GROUPS if name == named)
    up = age < pivot
    new_age = max(1, age + years if up else age - years)
    new_group = age_group(new_age)
    if new_group == age_group(age):  # still the same group (a 90-year-old): the next group's typical age
        names = [name for name, *_ in _AGE_GROUPS]
        new_group = names[names.index(new_group) + (1 if up else -1)]
        new_age = next(typical for name, _, _, typical in _AGE_GROUPS if name == new_group)

    def subject(m: re.Match) -> str:
        head = m.group(2).lower()
        if head in ("person", "adult") and m.group(1) is None:
            return m.group(0)  # "a male person": no age in it, and replacing it would drop "male"
        return _match_case(_AGE_NOUN[new_group, _HEAD_GENDER[head]], m.group(0))

    out = _SUBJECT.sub(subject, text)
    out = _YEARS.sub(lambda m: str(new_age), out)
    out = _INFANT.sub(lambda m: _match_case(f"aged {new_age}", m.group(0)), out)
    return _fix_articles(out)


def _fix_articles(text: str) -> str:
    """"a"/"an" agreeing with the word after it, where a replacement changed that word."""
    def repl(m: re.Match) -> str:
        article, word = m.group(1), m.group(2)
        head = word.split("-")[0]
        vowel = (word[0].lower() in "aeiou") if not head.isdigit() else (head.startswith("8") or head in ("11", "18"))
        want = "an" if vowel else "a"
        return _match_case(want, article) + " " + word
    return re.sub(r"\b([Aa]n?)\s+([A-Za-z0-9][\w-]*)", repl, text)

"""Multiple-choice questions as vision-language benchmarks ask them (MMBench, SEED-Bench, ScienceQA style):

    What is the gender of the person in the image?
    A. Male
    B. Female
    Answer with the option's letter from the given choices directly.

The model was trained on open questions, so it is asked the question alone ("What is the gender of the person in
the image?"; its answer is grounded as any other) and the answer is then matched to an option: by the attribute
value both state (gender, age group, emotion, …, or an age inside a range such as "30-39"), by yes/no, or by the
option's words found in the answer. Options that each name several attributes ("A. a smiling child B. a neutral
senior C. a smiling older woman"), or a stem that asks no question the model answers ("Which of these best describes
her?"), are matched against the photo's description instead: the option it bears out best. The reply is the
option's letter when the instruction asks for a letter, else the letter and the option ("C. adult"). An answer that
matches no option, or more than one, is returned as decoded: an honest answer rather than a guessed letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

# an option's marker: "A." "A)" "(A)" "A:" "[A]" at a line's start, or inline after a space, a colon or a "?"; in
# lower case only as "a)" or "(a)" ("Age range? a) 0-17 b) 18-35 c) 36-60 d) 60+" got "Roughly 11 to 31 years old"):
# "a." and "a:" are words too often
_MARKER = re.compile(r"(?:^|(?<=[\s:?]))(?:\(([A-Ha-h])\)|\[([A-H])\]|([A-H])[.):]|([a-h])\))[ \t]*(?=\S)", re.M)
# the instruction after the options ("Answer with the option's letter from the given choices directly.",
# "Please select the correct answer.", "Choose one.", "Respond with A, B, C or D only.")
_INSTRUCTION = re.compile(
    r"(?:\n|(?<=[.?!])\s+|^)\s*(?:please\s+)?(?:answer|respond|reply|choose|select|pick|give|return|output|write)\b"
    r"(?=[^\n]*\b(?:letter|option|options|choices?|answers?|one|correct|best|[A-H](?:\s*,\s*[A-H])*,?\s+or\s+[A-H])\b)"
    r"[^\n]*$", re.I)
_LABEL = re.compile(r"\s*(?:options|choices|candidates|answers?)\s*:\s*$", re.I)
_RANGE = re.compile(r"(\d{1,3})\s*(?:-|–|to|and)\s*(\d{1,3})|(?:under|below|less than|younger than)\s+(\d{1,3})|"
                    r"(\d{1,3})\s*(?:\+|or (?:more|older|above)|and (?:over|above|older))|(?:over|above|older than)\s+(\d{1,3})",
                    re.I)


@dataclass(frozen=True)
class Choices:
    """A multiple-choice question: the question alone, its options as (letter, text), and whether the reply
    should be the letter alone; ``lettered``: False for options written without letters (:func:`listed_choices`;
    they are lettered A, B, … here, and the reply is the option's words)."""
    stem: str
    options: tuple[tuple[str, str], ...]
    letter_only: bool
    lettered: bool = True
    option_only: bool = False  # options without letters that an instruction asks the reply to be one of

    @cached_property
    def values(self) -> tuple[dict, ...]:
        """The attribute values each option names, read once ("a smiling older woman" → gender, age group, smile)."""
        from unif2ace.evaluation.attributes import ATTRIBUTES, parse_attribute

        if gender_letters([text for _, text in self.options]):  # 'M' or 'F': the gender's letter
            return tuple({"gender": "male" if text.lower() == "m" else "female"} for _, text in self.options)
        return tuple({a: v for a in ATTRIBUTES if (v := parse_attribute(text, a, loose=True)) is not None}
                     for _, text in self.options)

    @property
    def combined(self) -> bool:
        """Whether an option names values of two or more attributes ("a smiling older woman")."""
        return any(len(v) > 1 for v in self.values)

    @property
    def asked(self) -> str:
        """What the model is asked: the stem; a request for the photo's description when the options combine
        attributes, or when the stem asks about no attribute while the options name some ("Which of these best
        describes her?\nA. Male\nB. Female"). Options listed without letters in a question ("Which is more likely:
        man or woman?") are asked as typed, whose answer ("A woman.") is the reply; the description only when an
        instruction asks for the option alone ("Reply with just 'M' or 'F'." got "Slightly open, with the lips
        parted.")."""
        from unif2ace.data.questions import as_meant, asked_attributes, is_yes_no
        from unif2ace.evaluation.attributes import question_attribute

        named = sum(bool(v) for v in self.values) > 1
        if not self.lettered and named and not self.combined and not is_yes_no(self.stem) \
                and not asked_attributes(as_meant(self.stem)):
            # a stem whose answer is checked against no attribute ("Give me your best guess: child, teen, adult?" got
            # "Yes, he is a young adult." of a boy described as 12, hence "Adult."): the description, which the options
            # are read from
            return DESCRIBE
        if not self.lettered and not self.option_only:
            return self.stem
        if self.combined or named and not question_attribute(self.stem) and not is_yes_no(self.stem):
            return DESCRIBE
        return self.stem


# asked in place of a stem the options answer only through the description (data.questions.asks_description)
DESCRIBE = "Describe the person in the photo."


def multiple_choice(question: str) -> Choices | None:
    """The options a question offers with letters (at least two, lettered A, B, … in order), or None for any
    other question ("Is this a man or a woman?" offers its choice in words and is asked as it is)."""
    text = question.strip()
    instruction = _INSTRUCTION.search(text)
    body = text[:instruction.start()] if instruction else text
    found = [(m, next(g for g in m.groups() if g)) for m in _MARKER.finditer(body)]
    start = next((i for i, (_, letter) in enumerate(found) if letter in ("A", "a")), None)
    if start is None:
        return None
    run = [found[start]]
    for m, letter in found[start + 1:]:
        if ord(letter) == ord(run[-1][1]) + 1:
            run.append((m, letter))
    if len(run) < 2:
        return None
    options = []
    for k, (m, letter) in enumerate(run):
        end = run[k + 1][0].start() if k + 1 < len(run) else len(body)
        option = re.sub(r"[\s,;.]+(?:or\s*)?$", "", body[m.end():end].strip()).strip()
        if not option:
            return None
        options.append((letter, option))
    stem = _LABEL.sub("", body[:run[0][0].start()]).strip()
    stem = re.sub(r"^\s*question\s*:\s*", "", stem, flags=re.I).strip()
    if not re.search(r"\w", stem):
        return None
    letter_only = bool(instruction and re.search(r"\bletters?\b|\b[A-H](?:\s*,\s*[A-H])*,?\s+or\s+[A-H]\b",
                                                 instruction[0], re.I))
    return Choices(stem, tuple(options), letter_only)


# options written out without letters: the words that may introduce them, the instructions that offer a choice,
# and the words an option may not hold (a clause: "is she happy or sad" is a question, not options)
_LISTED_LEAD = re.compile(r"(?::|\s*[—–]\s*|\s+-\s+|\b(?:one of|as|with|between(?!\s+\d{1,3}\s+and\s+\d)|into|from|either|is (?:he|she|they|it|this(?: person)?)|"
                          r"is (?:the|this|that) (?:person|man|woman|kid|child|boy|girl|guy|lady|individual|subject)|"
                          r"are (?:they|you)|"
                          # the person named first ("Would you say the person is a kid, a teenager or grown up?")
                          r"(?:the|this) (?:person|man|woman|kid|child|boy|girl|guy|lady|individual|subject) "
                          r"(?:is|looks?(?: like)?|seems?)|"
                          # the instruction itself ("Answer male, female, or unsure.", "Reply with just 'M' or 'F'.")
                          r"(?:answer|respond|reply|say|output|pick|choose|select)(?:\s+(?:only|just|with|using))*)\b|"
                          r"\()\s*", re.I)  # "(child / teenager / adult / elderly)"
_INSTRUCTING = (r"answer|respond|reply|output|return|write|say|classify|categori[sz]e|label|choose|pick|select|put|"
               r"estimate")
_CHOOSING = re.compile(rf"\b(?:{_INSTRUCTING}|guess|one of|which|group|bracket|category|class|range|band|options?|give|"
                       r"choices?)\b", re.I)
# an instruction that the reply be one of the options ("Answer male, female, or unsure.", "Choose one: …"); a question
# that lists them ("Which age group does this person belong to: child, teen, …?") keeps an answer that names one
_OPTION_ONLY = re.compile(rf"\b(?:{_INSTRUCTING})\b|(?<!best )(?<!your )(?<!a )\bguess\b|\bone of\b",
                          re.I)  # not "your best guess"
_CLAUSE_WORDS = re.compile(r"\b(?:is|are|was|does|do|did|can|could|would|will|he|she|they|his|her|their|it|this|that|"
                           r"you|i|me|my|look|looks|yes|no)\b", re.I)
_SPLIT_OPTIONS = re.compile(r"\s*(?:,\s*(?:or\s+)?|/|\|)\s*|\s+or\s+", re.I)
# life stages as ages (the labeller's groups for the groups' own words; "adult" from 18): an option with no number
# (a baby 0-3, an infant under 2, a newborn under 1, a toddler 1-3: "Infant or toddler?" of a girl of 3 got "An infant")
_STAGES = ((r"babies|baby", 0, 4), (r"infants?", 0, 2), (r"newborns?", 0, 1), (r"toddlers?", 1, 4),
           (r"minors?|under ?age", 0, 18),
           (r"adults?|grown[ -]?ups?|grownups?", 18, 120),
           # "young, middle-aged or old": younger and older than the labeller's middle-aged
           (r"young(?: (?:person|people|one|ones))?", 0, 36), (r"old|older(?: (?:person|people|one|ones))?", 56, 120),
           # what a time of life does: at school or university, and retired (at 60 or later in most countries)
           (r"students?|pupils?|schoolchild(?:ren)?", 5, 25), (r"retirees?|pensioners?", 60, 120),
           # stages of schooling, as constraints' age bounds read them ("in high school or college?" got "I can't tell")
           (r"kindergarten(?:ers?)?|preschool(?:ers?)?", 3, 7),
           (r"(?:elementary|primary|grade)[- ]?school(?:ers?| students?)?", 5, 12),
           (r"(?:middle[- ]?school(?:ers?| students?)?|junior high)", 11, 15),
           (r"high[- ]?school(?:ers?| students?)?", 14, 19),
           (r"(?:college|university)(?: students?)?|undergrad(?:uate)?s?", 18, 25))
_OLDEST = 120  # the top of an open range ("60+", "senior"), so that the narrower of two that hold an age is the one
# that says more ("senior" over "adult" for 64)


_GENDER_LETTERS = re.compile(r"\W*(?:(?:gender|sex)\W*)?\(?\s*([mf])\s*(?:or|/)\s*([mf])\s*\)?\s*[?.!]*\s*", re.I)


def gender_letters(options) -> bool:
    """Whether options are the gender's letters, "M" and "F", in either order and case."""
    return sorted(o.lower() for o in options) == ["f", "m"]


def listed_choices(question: str) -> Choices | None:
    """Options written out without letters, as people offer them: after a colon ("Guess the age bracket: 0-12,
    13-19, 20-39, 40-59, 60+."), after an instruction ("Classify the age as child, teen, adult or senior.",
    "Output: male or female.", "Respond with one of: child, teen, adult, senior.") or three or more in a question
    ("Is he a child, a teen, an adult or a senior?"). At least two options must be age ranges or name values of
    attributes; two options in a question with no instruction ("Is this a man or a woman?") are left to be asked
    as they are. None for any other question."""
    from unif2ace.data.questions import trailing_form, without_reason_after

    text = without_reason_after(question)  # the reason is added to the reply (pipeline: reason_added)
    if "\n" in text or multiple_choice(text):
        return None
    if (m := _GENDER_LETTERS.fullmatch(text)) and gender_letters(m.groups()):
        # the gender's letters alone ("M or F?", "Gender (M/F)?" got "I can't tell from this photo." and "A man.")
        return Choices(text, tuple(zip("AB", m.groups())), False, lettered=False, option_only=True)
    before, form = trailing_form(text)  # "… or 60 and over? Respond with the range only.": the options before it
    # the options in the whole message ("What's their gender? Answer male, female, or unsure." is read as a form),
    # else before the form asked
    for body, instructed in ((text, False), (before, True)) if form else ((text, False),):
        options = _listed(re.sub(r"[\s.?!)]+$", "", body), instructed)
        if options:
            return Choices(text, tuple(zip("ABCDEFGH", options)), False, lettered=False,
                           # (the gender's letters are replied as a letter: "Give the gender as M or F." got "It is a
                           # woman.")
                           option_only=bool(form or _OPTION_ONLY.search(text)) or gender_letters(options))
    return None


def _listed(body: str, instructed: bool) -> list[str] | None:
    """The options listed at the end of ``body`` after a lead (:func:`listed_choices`)."""
    from unif2ace.evaluation.attributes import ATTRIBUTES, parse_attribute

    for lead in reversed(list(_LISTED_LEAD.finditer(body))):
        items = [i.strip().strip("\"'`“”‘’").strip() for i in _SPLIT_OPTIONS.split(body[lead.end():]) if i.strip()]
        # the verb before the first ("Is the person looking happy, sad, or something else?" got "Looking happy: …")
        items = [re.sub(r"^(?:looking|feeling|seeming|acting)\s+(?=\w)", "", i, flags=re.I) for i in items]
        # and the decade's owner ("Is this person in their 20s, 30s, or 40s?")
        items = [re.sub(r"^in\s+(?:their|his|her)\s+(?=\d0'?s\b)", "", i, flags=re.I) for i in items]
        if any(not i for i in items):
            continue
        # (an age range may take more words: "younger than 30, between 30 and 50, or older than 50")
        if not 2 <= len(items) <= 8 or any(len(i.split()) > (5 if option_range(i) else 3) or _CLAUSE_WORDS.search(i)
                                           for i in items):
            continue
        if len({i.lower() for i in items}) < len(items):
            return None
        told = instructed or bool(_CHOOSING.search(body[:lead.start()]) or _BLANK.search(body[:lead.start()]) or re.search(
            r"\bone of\b|\b(?:answer|respond|reply|say|output|pick|choose|select)\b", lead[0], re.I))
        if len(items) < 3 and not told:
            return None
        letters = gender_letters(items)  # 'M' or 'F'
        meaningful = [letters or option_range(i) is not None
                      or any(parse_attribute(i, a, loose=True) is not None for a in ATTRIBUTES) for i in items]
        if sum(meaningful) < 2:  # "White, Black, Asian, Indian or other": the options name values, "other" too
            return None
        return items
    return None


# values given codes to reply with, as datasets label them ("Please output the gender as 0 for male and 1 for
# female." got "It is a woman."; "Is she smiling? Answer 1 for yes, 0 for no."; "male=0, female=1")
_CODE_FOR = re.compile(r"(?<![\w.])(\d{1,2})\s*(?:for|=|means|:|->|→)\s*(?:an?\s+)?([A-Za-z][\w-]*(?:[ -][A-Za-z][\w-]*)?)",
                       re.I)
_FOR_CODE = re.compile(r"\b([A-Za-z][\w-]*)\s*(?:=|:|->|→)\s*(\d{1,2})(?![\w.])", re.I)
_CODE_LEAD = re.compile(r"[\s,;:(]*(?:\b(?:as|using|with|where|use|answer|reply|respond|output|return|encoded as|"
                        r"coded as)\b[\s,;:]*)*$", re.I)


def coded_choices(question: str) -> Choices | None:
    """Values of one attribute, or yes and no, each given a number to reply with ("Please output the gender as 0 for
    male and 1 for female.", "male=0, female=1", "Answer 1 for yes, 0 for no."): the options lettered by their codes,
    the reply the code; the question before the codes is what is asked. None for any other question."""
    from unif2ace.evaluation.attributes import ATTRIBUTES, parse_attribute
    from unif2ace.metrics.text import normalize_answer

    text = question.strip()
    found = [(m.start(), m[1], m[2]) for m in _CODE_FOR.finditer(text)]
    if len(found) < 2:
        found = [(m.start(), m[2], m[1]) for m in _FOR_CODE.finditer(text)]
    codes = [c for _, c, _ in found]
    if len(found) < 2 or len(set(codes)) < len(codes):
        return None
    values = [re.sub(r"\s+(?:and|or)$", "", v.strip(), flags=re.I) for _, _, v in found]
    if {normalize_answer(v) for v in values} != {"yes", "no"} and not any(
            all(parse_attribute(v, a, loose=True) is not None for v in values)
            and len({parse_attribute(v, a, loose=True) for v in values}) == len(values) for a in ATTRIBUTES) \
            and not all(option_range(v) is not None for v in values):
        return None  # not the values of one attribute ("Rate 1 for low to 5 for high")
    # what is asked: the question before its codes, and after them when it comes last ("Code: 0=male, 1=female. What
    # is the gender?")
    before = _CODE_LEAD.sub("", text[:found[0][0]]).strip(" ,;:(")
    after = re.sub(r"^[^.?!]*[.?!]\s*", "", text[found[-1][0]:], count=1).strip()
    stem = before if re.search(r"[A-Za-z]{3}", before) else after
    if not re.search(r"[A-Za-z]{3}", stem):
        return None
    return Choices(stem, tuple(zip(codes, values)), letter_only=True)


def option_range(option: str) -> tuple[float, float] | None:
    """The ages an option holds as [low, high): a range ("30-39", "under 18", "60+", "over 60") or a life stage
    ("child", "a teen", "adult", "seniors"); None for an option that names no age."""
    from unif2ace.data.captions import DECADE_WORDS
    from unif2ace.data.labelling.labeller import AGE_GROUPS
    from unif2ace.evaluation.attributes import parse_attribute

    plain = re.sub(r"^(?:an?|the)\s+", "", option.strip().lower())
    # a decade ("20s, 30s, 40s, 50s or 60s?" got "Neither: she looks about 41 years old."; "their forties")
    if d := re.fullmatch(rf"(?:in\s+(?:the|their|his|her)\s+)?(?:([1-9]0)'?s|({'|'.join(DECADE_WORDS)}))", plain):
        low = int(d[1]) if d[1] else DECADE_WORDS[d[2]]
        return low, low + 10
    m = _RANGE.search(option)
    if m:
        low, high, under, plus, over = m.groups()
        if low:
            return int(low), int(high) + (1 if int(high) >= int(low) else 0)
        if under:
            return 0, int(under)
        return (int(plus), _OLDEST) if plus else (int(over) + 1e-9, _OLDEST)
    for words, low, high in _STAGES:
        if re.fullmatch(rf"(?:{words})", plain):
            return low, high
    group = parse_attribute(option, "age_group", loose=True)
    if group is None or len(plain.split()) > 2:
        return None
    bounds = [0] + [upper + 1 for upper, _ in AGE_GROUPS]  # child ≤ 12: [0, 13), …, senior [56, …)
    k = next(i for i, (_, name) in enumerate(AGE_GROUPS) if name == group)
    return bounds[k], (bounds[k + 1] if k + 1 < len(AGE_GROUPS) else _OLDEST)


def _in_range(option: str, years: float) -> bool | None:
    """Whether an age range option ("30-39", "under 18", "60+", "a senior") holds ``years``; None for an option with no
    range."""
    bounds = option_range(option)
    return None if bounds is None else bounds[0] <= years < bounds[1]


def chosen_option(choices: Choices, answer: str) -> tuple[str, str] | None:
    """The one option ``answer`` (the model's answer to ``choices.stem``) names, or None when it names none or
    several."""
    from unif2ace.evaluation.attributes import (
        ATTRIBUTES,
        parse_age_years,
        parse_attribute,
        polarity,
        question_attribute,
    )
    from unif2ace.metrics.text import normalize_answer

    def only(matches: list[tuple[str, str]]) -> tuple[str, str] | None:
        return matches[0] if len(matches) == 1 else None

    texts = [t for _, t in choices.options]
    if choices.combined:
        return _described_option(choices, answer)
    if all(normalize_answer(t) in ("yes", "no") for t in texts):
        said = polarity(answer)
        return only([o for o in choices.options if normalize_answer(o[1]) == said]) if said else None
    years = parse_age_years(answer)
    if years is None and (bare := re.fullmatch(r"\W*(\d{1,3})\W*", answer)):  # "27." (an age asked in one word)
        years = float(bare[1])
    if years is not None and all(option_range(t) is not None for t in texts):
        held = [o for o in choices.options if _in_range(o[1], years)]
        if len(held) > 1:  # "adult" and "senior" both hold 64: the narrower says more
            width = {o: option_range(o[1])[1] - option_range(o[1])[0] for o in held}
            held = [o for o in held if width[o] == min(width.values())]
        return only(held)
    if gender_letters(texts):  # "M" or "F": the gender's letter
        said = parse_attribute(answer, "gender", loose=True)
        return only([o for o in choices.options if said and o[1].lower() == said[0]])
    asked = question_attribute(choices.stem)
    for attribute in ([asked] if asked else []) + [a for a in ATTRIBUTES if a != asked]:
        values = [v.get(attribute) for v in choices.values]  # asked is one of ATTRIBUTES
        if sum(v is not None for v in values) < 2:
            continue  # the options do not name values of this attribute
        said = parse_attribute(answer, attribute, loose=True)
        if said is not None:
            match = only([o for o, v in zip(choices.options, values) if v == said])
            if match:
                return match
        break
    # the option's own words in the answer ("adult" in "a young adult"); the longest wins over its own part
    words = f" {normalize_answer(answer)} "
    plain = {letter: normalize_answer(text) for letter, text in choices.options}
    inside = [o for o in choices.options if plain[o[0]] and f" {plain[o[0]]} " in words]
    inside = [o for o in inside if not any(p is not o and plain[o[0]] in plain[p[0]] for p in inside)]
    return only(inside)


def _described_option(choices: Choices, answer: str) -> tuple[str, str] | None:
    """The option that the description ``answer`` bears out best: most of its values stated less those
    contradicted ("a smiling older woman" of "… a 64-year-old White senior woman … She is smiling …"), as a
    benchmark's question has one best option even when none fits in every word; glasses and facial hair count as
    absent when not described (the description names them only when it sees them). None when two options tie or
    the best states nothing the description bears out (the description is then the honest reply)."""
    from unif2ace.evaluation.attributes import parse_caption

    described = {"glasses": False, "facial_hair": False, **parse_caption(answer)}
    scored = []
    for option, named in zip(choices.options, choices.values):
        values = {a: v for a, v in named.items() if a in described}
        agree = sum(described[a] == v for a, v in values.items())
        scored.append((agree - (len(values) - agree), agree, option))
    best = max(score for score, _, _ in scored)
    top = [(agree, option) for score, agree, option in scored if score == best]
    return top[0][1] if len(top) == 1 and top[0][0] else None


def _has_words(answer: str, option: str) -> bool:
    """Whether ``answer`` holds ``option``'s own words ("teen" in "She is a teen."; not in "a teenager")."""
    from unif2ace.metrics.text import normalize_answer

    return f" {normalize_answer(option)} " in f" {normalize_answer(answer)} "


def _stems_in(answer: str, option: str) -> bool:
    """Whether each of ``option``'s words starts a word of ``answer`` ("teen" in "She is a teenager."; "joy" not in
    "He looks happy.")."""
    from unif2ace.metrics.text import normalize_answer

    said = normalize_answer(answer).split()
    return all(any(w.startswith(o) for w in said) for o in normalize_answer(option).split())


def _names(answer: str, option: str) -> bool:
    """Whether ``answer`` names ``option``: in its words, or as the same value of an attribute ("She is 14 years old,
    so she is a teenager." names "teen"; "47 years old: middle-aged." does not name "adult")."""
    from unif2ace.data.captions import DECADE_WORDS
    from unif2ace.evaluation.attributes import ATTRIBUTES, parse_attribute

    if _has_words(answer, option):
        return True
    # a decade is no age group ("Roughly how old — teens, twenties, thirties?" kept "He is 27 years old, so he is a
    # young adult.", the group words counting "twenties" as young adult)
    decade = re.search(rf"\d|\b(?:{'|'.join(DECADE_WORDS)})\b", option, re.I) is not None
    return any((value := parse_attribute(option, a, loose=True)) is not None
               and parse_attribute(answer, a, loose=True) == value for a in ATTRIBUTES if not (decade and a == "age_group"))


_BLANK = re.compile(r"_{2,}|\[\s*blank\s*\]|\(\s*blank\s*\)", re.I)  # a sentence's place to fill in
_OFFERED = re.compile(r"\s*\([^()]*\)")  # the options offered in brackets after it


def option_reply(choices: Choices, answer: str) -> str:
    """The reply to a multiple-choice question: the chosen option's letter ("C") when a letter is asked for, else
    "C. adult"; for options listed without letters, the option's words ("An adult.", "Adult." when one word is
    asked), or the answer itself when it names the option and no instruction asks for the option alone ("Which age
    group …: child, teen, young adult, …?" → "Young adult (20–35 years)."); "Neither: he is a man." when every option
    names the other gender than the answer (``constraints.other_gender_option``); else the answer as decoded when it
    names no option or several."""
    from unif2ace.data.questions import asked_length
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute
    from unif2ace.generation.constraints import other_gender_option, reads_as_description

    # "Estimate: girl or woman?" of a man: "Neither: he is a man.", not his description (nor "Girl." of a boy)
    if (neither := other_gender_option([text for _, text in choices.options], answer)) is not None:
        return neither
    chosen = chosen_option(choices, answer)
    if chosen is None:
        return answer
    letter, text = chosen
    if not choices.lettered and (m := _BLANK.search(choices.stem)):
        # a sentence to complete ("The person looks ___ (happy/sad/neutral)." got her whole description): completed
        done = choices.stem[:m.start()] + text + _OFFERED.sub("", choices.stem[m.end():])
        return done.strip() + ("" if done.strip()[-1:] in ".!?" else ".")
    if not choices.lettered:  # "An adult.", "40-59."
        if not choices.option_only and _names(answer, text) and not reads_as_description(answer):
            if _stems_in(answer, text) or parse_attribute(text, "emotion", loose=True) is None:
                return answer  # "Young adult (20–35 years).", "This is a woman." (to "boy or girl?"): it names the
                # option, and says more
            # an expression in other words ("…: joy, sorrow, neutral?" got "He looks happy."): the option first
            return f"{text[0].upper()}{text[1:]}: {answer[0].lower()}{answer[1:]}"
        if asked_length(choices.stem) == ("words", 1):  # "Is this person a minor or an adult? One word."
            text = re.sub(r"^(?:an?|the)\s+", "", text, flags=re.I)
        elif not choices.option_only and re.search(r"\d", text) and option_range(text) is not None \
                and (said := re.sub(r"^(?:yes|no)\b[,.]?\s*", "", answer.strip(), flags=re.I)) != answer.strip() \
                and said and parse_age_years(said) is not None:
            # ranges offered in a yes/no question, whose answer's Yes or No says nothing of them, with the age that
            # chose one ("Is he younger than 30, between 30 and 50, or older than 50?" → "Younger than 30: he looks
            # about 27 years old.")
            return f"{text[0].upper()}{text[1:].rstrip('.')}: {said[0].lower()}{said[1:]}"
        return text[0].upper() + text[1:] + ("" if text[-1] in ".!?" else ".")
    return letter if choices.letter_only else f"{letter}{'.' if letter.isupper() else ')'} {text}"  # "b) 18-35"

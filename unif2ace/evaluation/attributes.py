"""Face attributes parsed back from text: captions, answers and prompts (a rule set, tested).

``parse_caption(text)`` reads the attributes a description states, in the dataset's value
vocabulary (``records.jsonl``: gender male/female, age_group child … senior, emotion happy/…,
smile True/False, mouth closed/slightly open/wide open, …). It understands the template captions
of :mod:`unif2ace.data.captions` exactly (tested on random attribute sets) and the common ways free
text says the same things (tested on hand-written captions). An attribute the text does not
mention is absent from the result; a negated one ("no glasses", "not smiling") is ``False``.

``question_attribute`` maps a VQA question to the attribute it asks about, and ``answer_key``
reduces an answer to what is compared: yes/no for polar questions, the attribute value for
which/what/how-old questions, else the normalised text.
"""

from __future__ import annotations

import re
from typing import Any

from unif2ace.data.captions import GRANDFATHER_WORDS, GRANDMOTHER_WORDS
from unif2ace.data.labelling.labeller import age_group
from unif2ace.generation.contrast import BLACK_AND_WHITE
from unif2ace.metrics.text import normalize_answer

# Attributes the parser reads and evaluation scores, in report order. "age" (exact years) is
# scored through its group; skin tone is never stated by the data, so never scored.
ATTRIBUTES = ("gender", "age_group", "ethnicity", "emotion", "smile", "mouth", "eyes", "head_pose", "head_tilt",
              "glasses", "facial_hair", "color", "sharpness", "lighting")
AGE_GROUPS = ("child", "teen", "young adult", "middle-aged", "senior")

_PERSON = (r"(?:person|people|man|men|woman|women|boy|boys|girl|girls|child|children|kid|baby|infant|toddler|"
           r"teenager|teen|adult|lady|gentleman|guy|male|female|individual|senior|adolescent)")
_W = r"[\w'-]+"


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


def _first(patterns: dict[Any, str], text: str) -> Any:
    """The value whose pattern matches earliest in ``text`` (None if none does)."""
    best, pos = None, None
    for value, pat in patterns.items():
        m = re.search(pat, text)
        if m and (pos is None or m.start() < pos):
            best, pos = value, m.start()
    return best


def _clean(text: str) -> str:
    t = text.lower().replace("’", "'").replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", t)


# ----------------------------------------------------------------------------- one attribute each
def _gender(t: str, loose: bool) -> str | None:
    nouns = {
        # kin nouns name a gender too ("Is this person somebody's grandpa?" got "Yes, she is a senior." of a woman)
        "female": rf"\b(?:woman|women|girl|girls|lady|gal|lass|lassie|female|mother|daughter|{GRANDMOTHER_WORDS}|nanas?)\b",
        "male": rf"\b(?:man|men|boy|boys|gentleman|guy|dude|bloke|lad|chap|fella|male|father|son|{GRANDFATHER_WORDS})\b",
    }
    g = _first(nouns, t)
    if g:
        return g
    pronouns = {"female": r"\b(?:she|her|hers|herself)\b", "male": r"\b(?:he|his|him|himself)\b"}
    return _first(pronouns, t)


def _age_years(t: str) -> float | None:
    if _has(r"\b(?:under (?:one|1|a) years? old|less than (?:one|1|a) years? old|newborn|infant|baby)\b", t):
        return 0.5
    # a range read by its best guess or middle ("roughly 17 to 37 years old (my best guess: 27)" was read as 37)
    if m := re.search(r"\bbest guess(?: is|:)? (?:about |around )?(\d{1,3})\b", t):
        return float(m.group(1))
    if m := re.search(r"\b(\d{1,3}) ?(?:to|-|–) ?(\d{1,3})[- ]years?[- ]old\b", t):
        return (float(m.group(1)) + float(m.group(2))) / 2
    for pat in (r"\b(\d{1,3})[- ]years?[- ]old\b", r"\baged (\d{1,3})\b", r"\bage (?:of |is )?(\d{1,3})\b",
                r"\b(\d{1,3}) years? of age\b"):
        m = re.search(pat, t)
        if m:
            return float(m.group(1))
    m = re.search(r"\b(?:in (?:his|her|their) )?(early |mid-? ?|late )?(\d)0s\b", t)
    if m:
        decade, part = int(m.group(2)) * 10, (m.group(1) or "").strip().rstrip("-")
        return decade + {"early": 2, "mid": 5, "late": 8}.get(part, 5)
    return None


def _age_group(t: str, loose: bool) -> str | None:
    years = _age_years(t)
    if years is not None:
        return age_group(years)
    groups = {
        "teen": r"\b(?:teen|teens|teenage|teenager|teenagers|adolescent|adolescents)\b",
        "senior": r"\b(?:senior|elderly|older (?:man|woman|person|adult|lady|gentleman)|old (?:man|woman|person|lady)|"
                  rf"aged (?:man|woman|person)|{GRANDMOTHER_WORDS}|{GRANDFATHER_WORDS}|"  # "Is this a granddad?" (got "No. It is in color.")
                  r"grandparents?|pensioners?|"
                  # "Is this person old enough to retire?" (got "Yes. It is a photo of a girl." of a girl of 3)
                  r"retirees?|retired|retirement age|old enough (?:to retire|for (?:retirement|a pension))|"
                  r"old[- ]timer|old (?:guy|gentleman|gent)|seventies|sixties|eighties|"
                  r"(?:of )?advanced age|advanced in years|(?:getting )?up in years|getting on in years)\b",
        "middle-aged": r"\b(?:middle[- ]aged?|forties|fifties)\b",
        # "a young guy", "a young lad" (the noun alone says no age: "Is that a young lad?" got "Yes. He is a photo of a
        # man." of a man of 52)
        "young adult": r"\b(?:young adults?|young (?:[a-z-]+ )?(?:man|woman|lady|person|male|female|men|women|guy|gal|"
                       r"lad|lass|fella|chap|dude|bloke)|"
                       r"twenties)\b",
        "child": r"\b(?:child|children|kid|kids|kiddo|little (?:boy|girl)|young (?:boy|girl)|toddler|boy|girl|"
                 r"preschooler|youngsters?|schoolboy|schoolgirl|baby|infant)\b",
    }
    return _first(groups, t)


def _ethnicity(t: str, loose: bool) -> str | None:
    t = re.sub(r"black[- ]and[- ]white", " ", t)
    words = {"Indian": r"(?:south asian|indian)", "White": r"(?:white|caucasian)", "Black": r"(?:black|african)",
             "Asian": r"(?<!south )asian"}
    noun = rf"(?:\s+(?:little|young|teenage|middle-aged|elderly|older|senior|baby|adult|{_W}-year-old))*\s+{_PERSON}\b"
    pats = {v: rf"\b{w}{noun}" for v, w in words.items()}
    found = _first(pats, t)
    if found:
        return found
    ctx = {v: rf"(?:ethnicity|labell?ed as|identified as) (?:is |as )?{w}\b" for v, w in words.items()}
    found = _first(ctx, t)
    if found or not loose:
        return found
    return _first({v: rf"^\W*{w}\W*$|\b{w}\b" for v, w in words.items()}, t)


_EMOTIONS = {
    "happy": r"\b(?:happy|happiness|joyful|joyous|joy|cheerful|delighted|pleased|glad|in (?:a )?good mood|in (?:good|high) spirits|contented|(?:looks?|seems?|appears?|feels?|(?:he|she|they|you)(?:'s|'re| is| are)|(?:is|are) (?:he|she|they|the person|this person)) (?:very |quite )?content)\b",
    "neutral": r"\b(?:neutral|expressionless|calm|impassive|blank)\b",
    # ("Does the person look like they are about to cry?" got "Yes, it is a photo of a person." of a smiling boy)
    "sad": r"\b(?:sad|sadness|unhappy|displeased|sorrowful|crying|cry|cries|weeping|sobbing|in tears|teary|upset|"
           # ("Which of these best describes the expression: joy, sorrow, neutral?" chose none)
           r"tearful|in (?:a )?bad mood|in low spirits|sorrow|glum|gloomy|melancholy|melancholic|miserable|downcast|"
           r"dejected)\b",
    "surprise": r"\b(?:surprised|surprise|astonished|amazed|shocked)\b",
}


def _emotion(t: str, loose: bool) -> str | None:
    return _first(_EMOTIONS, t)


def _smile(t: str, loose: bool) -> bool | None:
    if _has(r"\b(?:not|isn't|aren't|never|without|no)\b(?: \w+)? (?:smile|smiling|grin|grinning)\b"
            r"|\bno smile\b|\bunsmiling\b|\bstraight[- ]faced?\b|\bstraight face\b|\bsolemn\b"
            r"|\bserious(?: face| expression| look)?\b|\bstern\b", t):  # the training data's "Does she look serious?"
        return False
    if _has(r"\b(?:smile|smiles|smiling|smiled|grin|grins|grinning|laugh|laughs|laughing|beaming)\b", t):
        return True
    return None


def _mouth(t: str, loose: bool) -> str | None:
    ctx = r"(?:mouth|lips)"
    pats = {
        "wide open": rf"\b{ctx} (?:is |are )?(?:opened |open )?(?:wide open|opened wide|open wide|agape)\b|\bwide[- ]open {ctx}\b",
        "slightly open": rf"\b{ctx} (?:is |are )?(?:slightly|partly|partially|a little) (?:open|opened|parted|apart)\b"
                         rf"|\bslightly (?:open|parted) {ctx}\b|\bparted lips\b|\blips (?:are )?parted\b",
        "closed": rf"\b{ctx} (?:is |are |kept |pressed )?(?:closed|shut|together)\b|\bclosed {ctx}\b",
    }
    v = _first(pats, t)
    if v or not loose:
        return v
    return _first({"wide open": r"\bwide(?:ly)? open|\bopened wide\b", "slightly open": r"\bslightly|\bparted|\bpartly",
                   "closed": r"\bclosed\b|\bshut\b"}, t)


def _eyes(t: str, loose: bool) -> str | None:
    pats = {
        # ("Are the eyes half closed?" got "No. He is not smiling.")
        "narrowed": r"\b(?:narrowed|narrow|squinting|squint|squints|squinty|half-closed)\b|"
                    r"\beyes?\b[^.?!]{0,20}?\bhalf[- ]?(?:closed|shut|open)\b|\bhalf[- ]?(?:closed|shut|open)\s+eyes?\b",
        "closed": r"\beyes (?:are |were )?(?:closed|shut)\b|\b(?:closed|shut) eyes\b",
        "open": r"\beyes (?:are |were )?(?:wide )?open\b|\b(?:open|wide-open) eyes\b|\beyes are both open\b"
                r"|\bboth of (?:his|her|their) eyes are open\b",
    }
    v = _first(pats, t)
    if v or not loose:
        return v
    return _first({"narrowed": r"\bnarrow", "closed": r"\bclosed|\bshut", "open": r"\bopen"}, t)


def _head_pose(t: str, loose: bool) -> str | None:
    frontal = (r"\b(?:faces|facing|face|looks|looking|turned|toward|towards) (?:straight |directly )?(?:at |toward |towards |into )?"
               r"the camera\b|\bfrontal\b|\bstraight[- ]on\b|\bhead[- ]on\b|\blooking straight ahead\b")
    m = re.search(r"\b(?:turned|turning|facing|faces|looking|looks|rotated)\b(?: \w+){0,2}? (slightly |a little |somewhat )?"
                  r"(?:toward |towards |to )?(?:the )?(?:image's |frame's |picture's |photo's )?(left|right)\b", t)
    if not m:
        m = re.search(r"\b(slightly |a little )?(?:toward|towards|to) the (left|right)(?: side)?(?: of the (?:frame|image|picture|photo))?", t) \
            if loose else None
    f = re.search(frontal, t)
    if f and (not m or f.start() < m.start()):
        return "frontal"
    if m:
        slight = bool(m.group(1)) or _has(r"\b(?:slightly|a little|somewhat)\b", m.group(0))
        return f"{'slightly ' if slight else ''}turned {m.group(2)}"
    if loose and _has(r"\bstraight\b|\bcamera\b|\bforward\b", t):
        return "frontal"
    return None


def _head_tilt(t: str, loose: bool) -> str | None:
    if _has(r"\bnot tilted\b|\bupright\b|\blevel head\b|\bhead (?:is |held )?(?:level|straight)\b", t):
        return "upright"
    if _has(r"\btilt(?:ed|s|ing)?\b", t):
        return "tilted"
    return None


def _glasses(t: str, loose: bool) -> bool | None:
    item = r"(?:glasses|eyeglasses|spectacles|sunglasses|eyewear)"
    if _has(rf"\b(?:no|without|not wearing|doesn't wear|does not wear|isn't wearing|is not wearing|free of)\b(?: any)? {item}", t):
        return False
    return True if _has(rf"\b{item}\b", t) else None


def _facial_hair(t: str, loose: bool) -> bool | None:
    item = r"(?:beard|moustache|mustache|facial hair|goatee|stubble|whiskers)"
    if _has(rf"\b(?:no|without|not have|doesn't have|does not have)\b(?: any| a)? {item}|\bclean[- ]shaven\b", t):
        return False
    return True if _has(rf"\b{item}s?\b|\bbearded\b", t) else None


def _color(t: str, loose: bool) -> str | None:
    bw = BLACK_AND_WHITE + r"|\bsepia\b"  # a sepia print is monochrome ("Is the image in sepia?" got "Yes, it is a
    # photo of a person." of a colour photo)
    col = (r"\b(?:full[- ])?colou?r(?:ed)?\b(?:,? [\w-]+){0,3}? (?:photo|photograph|picture|image|portrait|shot)\b"
           r"|\bin (?:full )?colou?r\b")
    return _first({"black and white": bw, "color": col}, t)


def _sharpness(t: str, loose: bool) -> str | None:
    # "clear" of the photo ("Is the image clear?"), not "clearly smiling" nor "clear from the photo"
    photo = r"(?:photo|photograph|picture|image|pic|shot|portrait)"
    clear = rf"\bclear {photo}\b|\b{photo} (?:is |looks |seems )?(?:very |quite |pretty |really |fairly )?clear\b(?! (?:from|whether|if|that)\b)"
    # ("Is there any blur?" got "No. It is a photo of a man.")
    return _first({"blurry": r"\b(?:blurry|blurred|out[- ]of[- ]focus|soft[- ]focus|unsharp|fuzzy|unclear|blurriness)\b|"
                             r"\bnot clear\b|\b(?:any|some|much|a lot of|motion|a bit of|a little)\s+blur\b",
                   "sharp": rf"\b(?:sharp|well[- ]focused|in focus|crisp|in sharp focus)\b|{clear}"}, t)


def _lighting(t: str, loose: bool) -> str | None:
    light = r"(?:light|lighting|lit|illumination|illuminated)"
    pats = {
        "dim": rf"\b(?:dim|dimly|dark|low|poor|poorly|underexposed)\b(?:[ ,]+[\w-]+)?[ ,]+{light}\b|\b{light} (?:is )?(?:dim|dark|low)\b",
        "bright": rf"\b(?:bright|brightly|high[- ]key|strong|overexposed)\b(?:[ ,]+[\w-]+)?[ ,]+{light}\b|\b{light} (?:is )?bright\b",
        "even": rf"\b(?:even|evenly|soft|uniform|uniformly|balanced)\b(?:[ ,]+[\w-]+)?[ ,]+{light}\b|\b{light} (?:is )?even\b",
    }
    v = _first(pats, t)
    if v or not loose:
        return v
    return _first({"dim": r"\bdim|\bdark", "bright": r"\bbright", "even": r"\beven"}, t)


_PARSERS = {
    "gender": _gender, "age_group": _age_group, "ethnicity": _ethnicity, "emotion": _emotion, "smile": _smile,
    "mouth": _mouth, "eyes": _eyes, "head_pose": _head_pose, "head_tilt": _head_tilt, "glasses": _glasses,
    "facial_hair": _facial_hair, "color": _color, "sharpness": _sharpness, "lighting": _lighting,
}


def parse_attribute(text: str, attribute: str, loose: bool = False) -> Any:
    """The value of one attribute stated in ``text`` (None if not stated).

    ``loose`` reads short answers whose context is the question ("Wide open.", "Toward the left side
    of the image.", "Dim."): bare value words count.
    """
    return _PARSERS[attribute](_clean(text), loose)


def parse_age_years(text: str) -> float | None:
    """The age in years that ``text`` states ("aged 66", "35 years old", "in her early 30s"; 0.5 for a
    baby), or None."""
    return _age_years(_clean(text))


def parse_caption(text: str) -> dict[str, Any]:
    """Every attribute a description states, as ``{attribute: value}`` in the dataset's vocabulary."""
    t = _clean(text)
    out = {}
    for name, fn in _PARSERS.items():
        v = fn(t, False)
        if v is not None:
            out[name] = v
    return out


def stated_attributes(record) -> dict[str, Any]:
    """The reference: values of the attributes a record's text states (``meta.stated``), scorable ones only."""
    stated = record.meta.get("stated")
    names = stated if stated is not None else [k for k, lab in record.attributes.items() if lab.confidence >= 0.6]
    return {k: record.attributes[k].value for k in names if k in _PARSERS and k in record.attributes}


# ----------------------------------------------------------------------------- questions and answers
_QUESTION_ATTRIBUTE = (
    (r"\bman or a woman\b|\bboy or a girl\b|\bgender\b|\bmale or female\b|\bsex\b", "gender"),
    (r"\bage group\b|\bhow old\b|\bage\b|\bchild\b|\bteenager\b|\byoung adult\b|\bmiddle-aged\b|\bsenior\b", "age_group"),
    (r"\bethnicity\b|\brace\b", "ethnicity"),
    (r"\bsmil", "smile"),
    (r"\bexpression\b|\bemotion\b|\bfeel\b|\bmood\b", "emotion"),
    (r"\bmouth\b|\blips\b", "mouth"),
    (r"\beyes?\b", "eyes"),
    (r"\bhead (?:is )?turned\b|\bwhich way\b|\bfacing\b|\bpose\b", "head_pose"),
    (r"\btilt", "head_tilt"),
    (r"\bglasses\b|\bspectacles\b", "glasses"),
    (r"\bfacial hair\b|\bbeard\b|\bmoustache\b|\bmustache\b", "facial_hair"),
    (r"\bblack-and-white\b|\bin colou?r\b|\bcolou?r photo\b", "color"),
    (r"\bsharp\b|\bblurry\b|\bin focus\b", "sharpness"),
    (r"\blit\b|\blighting\b|\blight\b", "lighting"),
)


def question_attribute(question: str) -> str | None:
    q = _clean(question)
    for pat, name in _QUESTION_ATTRIBUTE:
        if re.search(pat, q):
            return name
    return None


def is_polar(question: str) -> bool:
    """A yes/no question: starts with an auxiliary verb and offers no ``X or Y`` choice."""
    q = _clean(question).strip()
    return bool(re.match(r"^(?:is|are|does|do|can|has|have|was|were|did|will|would|could)\b", q)) and " or " not in q


def polarity(answer: str) -> str | None:
    words = normalize_answer(answer).split()
    if words and words[0] in ("yes", "no"):
        return words[0]
    for w in words:
        if w in ("yes", "no"):
            return w
    return None


def answer_key(question: str, answer: str, attribute: str | None = None) -> str:
    """What two answers to ``question`` are compared by: ``yes``/``no``, ``age_group=teen``, or normalised text."""
    if is_polar(question):
        p = polarity(answer)
        return p if p else "?" + normalize_answer(answer)
    attribute = attribute or question_attribute(question)
    if attribute:
        v = parse_attribute(answer, attribute, loose=True)
        if v is not None:
            return f"{attribute}={v}"
    return normalize_answer(answer)

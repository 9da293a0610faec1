"""Descriptions as short as a user asks for them.

"Describe her in one sentence.", "Describe him briefly." and "Give me three words to describe her." are read
as description requests (:func:`unif2ace.data.questions.description_length`); the model writes its usual
description, and the answer is composed from what that description states, so it says nothing the
description does not:

    brief_description(caption, ("sentences", 1))
        → "A 57-year-old White man, smiling, wearing glasses, in a black-and-white photo."
    brief_description(caption, ("words", 3))  → "Smiling, elderly man."
    brief_description(caption, ("sentences", 2))  → the description's first two sentences

and a question about one attribute asked in one word ("What's the emotion on the face, in one word?") gets the
value alone (:func:`one_word`: "Happy.").
"""

from __future__ import annotations

import re

from unif2ace.data.questions import EMOTION_ADJ, ETHNICITY_WORD, _cased, _gender_word

_AGE_ADJECTIVE = {"child": "young", "teen": "teenage", "young adult": "young", "middle-aged": "middle-aged",
                  "senior": "elderly"}
_EXPRESSION = {**{e: f"looking {adj}" for e, adj in EMOTION_ADJ.items()}, "neutral": "with a neutral expression"}
_EXPRESSION_WORD = {**EMOTION_ADJ, "neutral": "calm"}


def brief_description(caption: str, length: tuple[str, int], adjectives: bool = False, exact: bool = False) -> str:
    """``caption`` (the model's description) said in ``length``: ("sentences", 1) one composed sentence,
    ("sentences", n) its first n sentences, ("words", n) at most n words (fewer when it states fewer
    things); ``adjectives``: words asked as adjectives ("Give me three adjectives for this face." got "Happy, young
    man."), so no noun ("Happy, young, White."); ``exact``: exactly n words where what the description states
    can fill them (:func:`exactly`). A description that states neither a gender nor an age is returned whole, as it
    is."""
    from unif2ace.evaluation.attributes import ATTRIBUTES, parse_age_years, parse_attribute

    kind, n = length
    if kind == "sentences" and n > 1:
        return " ".join(_sentences(caption)[:n])
    attrs = {a: v for a in ATTRIBUTES if (v := parse_attribute(caption, a)) is not None}
    if "gender" not in attrs and "age_group" not in attrs:
        return caption
    years = parse_age_years(caption)
    if kind == "words" and exact and not adjectives and (said := exactly(attrs, years, n)) is not None:
        return said
    if kind == "words" and n >= 6 and not adjectives:  # room for a sentence ("under 10 words"): the composed one
        sentence = _sentence(attrs, years)
        return sentence if len(sentence.split()) <= n else _words(attrs, n)
    return _words(attrs, n, noun=not adjectives) if kind == "words" else _sentence(attrs, years)


# "Describe this face in exactly 10 words." (got "A 27-year-old White man, looking happy.", seven)
_EXACTLY = re.compile(r"\bexactly\s+(?:\w+\s+)?words?\b|\b(?:no more,? no less|no more and no less)\b", re.I)


# a number of words as a bound after it ("10 words or less"; before it, "under 10 words", data.questions._WORD_BOUND)
_BOUND_AFTER = re.compile(r"\bwords?\s+(?:or\s+(?:less|fewer)|max)\b", re.I)


def asks_exact_length(question: str) -> bool:
    """Whether a question asks for a number of words to be filled: "in exactly 10 words", and five or more words
    asked with no bound ("Give a 15-word description." got seven); not "in under 10 words" (at most) or fewer than
    five ("Describe her in three words.", which :func:`_words` fills as far as the description states)."""
    from unif2ace.data.questions import _WORD_BOUND, asked_length

    if _EXACTLY.search(question) is not None:
        return True
    length = asked_length(question)
    bound = re.search(rf"\b{_WORD_BOUND}", question.lower()) or _BOUND_AFTER.search(question)
    return length is not None and length[0] == "words" and length[1] >= 5 and bound is None


def _facts(attrs: dict, his: str) -> list[list[str]]:
    """What a description states beyond who the person is, most telling first, each in the ways it can be said
    (shortest first): the expression, the eyes, the mouth, the pose, glasses and facial hair, the photo."""
    facts = []
    emotion = attrs.get("emotion")
    if attrs.get("smile") is True:
        facts.append(["smiling", *(["looking happy"] if emotion == "happy" else []), "with a smile",
                      f"with a smile on {his} face"])
    elif emotion == "neutral":
        facts.append(["calm", "looking calm", "with a neutral expression"])
    elif emotion in EMOTION_ADJ:
        facts.append([f"looking {EMOTION_ADJ[emotion]}", f"with a {emotion} expression",
                      f"with a {emotion} look on {his} face"])
    if (eyes := attrs.get("eyes")) in ("open", "closed", "narrowed"):
        facts.append([f"eyes {eyes}", f"with {his} eyes {eyes}"])
    if (mouth := attrs.get("mouth")) in ("closed", "slightly open", "wide open"):
        facts.append([f"mouth {mouth}", f"with {his} mouth {mouth}"])
    pose = attrs.get("head_pose")
    if pose == "frontal":
        facts.append(["facing the camera", "looking straight at the camera"])
    elif pose and (side := re.search(r"\b(left|right)\b", pose)):
        how = "slightly " if "slightly" in pose else ""
        facts.append([f"head turned {how}{side[1]}", f"{his} head turned {how}{side[1]}"])
    if attrs.get("glasses"):
        facts.append(["wearing glasses"])
    if attrs.get("facial_hair"):
        facts.append(["with facial hair"])
    photo = "black-and-white" if attrs.get("color") == "black and white" else "color" if attrs.get("color") else None
    if photo:
        sharp = "sharp " if attrs.get("sharpness") == "sharp" else ""
        lit = "evenly lit " if attrs.get("lighting") == "even" else ""
        facts.append(list(dict.fromkeys([f"in a {photo} photo", f"in a {sharp}{photo} photo",
                                         f"in a {sharp}{lit}{photo} photo".replace("sharp evenly", "sharp, evenly")])))
    return facts


def exactly(attrs: dict, years: float | None, n: int) -> str | None:
    """A description in exactly ``n`` words (as whitespace separates them: "27-year-old" is one), composed of what
    ``attrs`` (a description's) states: the person ("A 27-year-old man") and then the most telling facts that fill
    the count, each said shorter or longer (:func:`_facts`; the ethnicity after the expression): "A 27-year-old White
    man, looking happy, eyes open, mouth closed." for 10. None when no choice of them makes ``n`` words (too few facts
    stated, or ``n`` too small for the person)."""
    from itertools import product

    from unif2ace.data.questions import Person

    his = Person.of(attrs).his if attrs.get("gender") in ("male", "female") else "the"
    ethnicity = ETHNICITY_WORD.get(attrs.get("ethnicity"), attrs.get("ethnicity"))
    age = f"{round(years)}-year-old" if years is not None and years >= 1 else _AGE_ADJECTIVE.get(attrs.get("age_group"))
    facts = _facts(attrs, his)
    # the ethnicity is said inside the person's phrase, but weighed as the second fact
    ways = [facts[0], [ethnicity], *facts[1:]] if facts and ethnicity else [[ethnicity], *facts] if ethnicity else facts
    at = ways.index([ethnicity]) if ethnicity else None
    best = None
    # each fact left out (None) or said one way; more telling facts first, then shorter ways (more facts fit)
    for choice in product(*[[None, *w] for w in ways]):
        head = " ".join(w for w in (age, None if at is None else choice[at], _noun(attrs, years)) if w)
        said = [w for k, w in enumerate(choice) if w and k != at]
        if len(head.split()) + 1 + sum(len(w.split()) for w in said) != n:
            continue
        score = ([w is not None for w in choice], [-len(w.split()) if w else 0 for w in choice])
        if best is None or score > best[0]:
            best = (score, head, said)
    if best is None:
        return None
    _, head, said = best
    text = f"{_article(head)} {head}" + "".join(f", {w}" for w in said) + "."
    return text[0].upper() + text[1:]


def asks_adjectives(question: str) -> bool:
    """Whether a description is asked in adjectives ("Give me three adjectives for this face.")."""
    return re.search(r"\badjectives?\b", question, re.I) is not None


def _sentences(text: str) -> list[str]:
    """``text`` split after each sentence's full stop, question or exclamation mark."""
    return re.split(r"(?<=[.!?])\s+", text.strip())


def one_sentence(answer: str) -> str:
    """An answer of several sentences said as one, for a question asked to be answered in one sentence or line
    that is no description request ("Tell me his age and mood in one line." got "He is 75 years old, so he is a
    senior. He looks happy."): "He is 75 years old, so he is a senior, and he looks happy."; a leading Yes or No
    keeps its comma ("No, she looks about 34 years old."). An answer of one sentence, or in a form (JSON, lines), is
    returned as it is."""
    if answer.lstrip().startswith(("{", "[")) or "\n" in answer.strip():  # JSON, a table, a list: a form, not prose
        return answer
    sentences = [t for t in _sentences(answer) if t]
    if len(sentences) < 2:
        return answer
    first, *rest = sentences
    if re.fullmatch(r"(?:yes|no|true|false)[.!]", first, re.I):  # "No. She …" → "No, she …"
        first, *rest = f"{first[:-1]}, {_lower_first(rest[0])}", *rest[1:]
        if not rest:
            return first
    parts = [first.rstrip(".!"), *(_lower_first(t).rstrip(".!") for t in rest[:-1])]
    last = _lower_first(rest[-1])
    joined = "; ".join(parts) + (f"; and {last}" if len(parts) > 1 else f", and {last}")
    return joined if joined.endswith((".", "!", "?")) else joined + "."


def _lower_first(sentence: str) -> str:
    """``sentence`` with its first word in lower case, unless that word is "I" or a name ("White", "Black", …:
    any word that is not a pronoun, an article or a common sentence opening)."""
    word = sentence.split(maxsplit=1)[0] if sentence.strip() else ""
    return sentence[0].lower() + sentence[1:] if word.lower().strip(",.") in _OPENING_WORDS else sentence


_OPENING_WORDS = frozenset({"he", "she", "they", "it", "his", "her", "their", "its", "this", "that", "the", "a", "an",
                            "there", "both", "you", "we", "my", "yes", "no"})


def _noun(attrs: dict, years: float | None) -> str:
    """"man", "girl", "teenage girl" (a teenager of no stated age), "person", "child"."""
    group = attrs.get("age_group")
    if attrs.get("gender") is None:
        return {"child": "child", "teen": "teenager"}.get(group, "person")
    noun = _gender_word(attrs).split()[-1]  # "a boy" → "boy", as the training data's answers say it
    return f"teenage {noun}" if group == "teen" and years is None else noun


def _article(word: str) -> str:
    """"a" or "an" before ``word`` as it is spoken ("an 8-year-old", "an 11-year-old", "a 1-year-old")."""
    spoken_vowel = re.match(r"(?:8|11-|18-|[aeiou])", word, re.I) is not None
    return "an" if spoken_vowel else "a"


def _expression(attrs: dict) -> str | None:
    if attrs.get("smile") is True:
        return "smiling"
    return _EXPRESSION.get(attrs.get("emotion"))


def _sentence(attrs: dict, years: float | None) -> str:
    """"A 57-year-old White man, smiling, wearing glasses, in a black-and-white photo."."""
    head = [f"{round(years)}-year-old"] if years is not None and years >= 1 else []
    if "ethnicity" in attrs:
        head.append(ETHNICITY_WORD.get(attrs["ethnicity"], attrs["ethnicity"]))
    head.append(_noun(attrs, years))
    phrase = " ".join(head)
    extras = [e for e in (_expression(attrs), "wearing glasses" if attrs.get("glasses") else None,
                          "with facial hair" if attrs.get("facial_hair") else None,
                          "in a black-and-white photo" if attrs.get("color") == "black and white" else None) if e]
    text = f"{_article(phrase)} {phrase}" + "".join(f", {e}" for e in extras) + "."
    return text[0].upper() + text[1:]


def _words(attrs: dict, n: int, noun: bool = True) -> str:
    """At most ``n`` words, the most telling first: the expression, the age, the person ("Smiling, elderly
    man."); then the ethnicity and glasses. ``noun=False``: adjectives alone ("Smiling, elderly, White.")."""
    expression = "smiling" if attrs.get("smile") is True else _EXPRESSION_WORD.get(attrs.get("emotion"))
    picks = [("expression", expression), ("age", _AGE_ADJECTIVE.get(attrs.get("age_group"))),
             ("noun", _noun(attrs, None).split()[-1] if "gender" in attrs and noun else None),
             ("ethnicity", ETHNICITY_WORD.get(attrs.get("ethnicity"), attrs.get("ethnicity"))),
             ("glasses", "bespectacled" if attrs.get("glasses") else None)]
    chosen, used = {}, 0
    if n >= 2 and (person := dict(picks)["noun"]):  # the person is named from two words on ("Calm woman.", not "Calm, young.")
        chosen["noun"], used = person, len(person.split())
    for name, word in picks:
        size = len(word.split()) if word and noun else 1  # adjectives are counted as such ("South Asian" is one)
        if word and name not in chosen and used + size <= n:
            chosen[name] = word
            used += size
    adjectives = [chosen[k] for k in ("expression", "age", "glasses", "ethnicity") if k in chosen]
    text = (", ".join(adjectives) + (f" {chosen['noun']}" if "noun" in chosen else "")).strip()
    return text[0].upper() + text[1:] + "." if text else _sentence(attrs, None)


_VALUE_WORD = {"emotion": lambda v: EMOTION_ADJ[v], "gender": lambda v: v,
               "age_group": lambda v: {"teen": "teenager"}.get(v, v), "ethnicity": lambda v: ETHNICITY_WORD.get(v, v)}


def one_word(question: str, answer: str, typed: str | None = None) -> str | None:
    """The answer to a question about one attribute that asks for one word ("What's the emotion on the face,
    in one word?" → "Happy.", not "He looks happy."): the value the answer names, alone; None when the
    question asks no such thing or the answer names no value (it is left as it is). ``typed``: the question as
    typed, whose last sentence may set the length ("What is her expression? Answer in one word."), when
    ``question`` is read without it (``data.questions.as_meant``)."""
    from unif2ace.data.questions import asked_attribute, asked_length
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute

    if asked_length(typed or question) != ("words", 1) or (attr := asked_attribute(question)) not in _VALUE_WORD:
        return None
    group = re.search(r"\b(?:age\s*group|group|category|bracket|stage|range|class)\b", question, re.I)
    if attr == "age_group" and not group and (years := parse_age_years(answer)) is not None and years >= 1:
        return f"{round(years)}."  # "One word: how old does he look?" → "57."; "Which age group …?" → "Child."
    value = parse_attribute(answer, attr, loose=True)
    if value is None:
        return None
    word = _VALUE_WORD[attr](value)
    return f"{word[0].upper()}{word[1:]}."


def yes_no_word(question: str, answer: str) -> str | None:
    """The answer to a yes/no question that asks for one word ("Is the person smiling?\nAnswer the question using a
    single word or phrase.", as LLaVA's VQA prompts ask; "Is this a woman? Answer in one word."; ``question`` as
    typed): its Yes or No alone ("Yes."); None when the question asks no such thing or the answer has no Yes or No
    ("I can't tell from this photo." stays)."""
    from unif2ace.data.questions import asked_length
    from unif2ace.evaluation.attributes import polarity

    words = answer.strip().split(maxsplit=1)
    said = polarity(words[0]) if words else None
    if asked_length(question) != ("words", 1) or said is None:
        return None
    return f"{said.capitalize()}."


_TRUE_OR_FALSE = re.compile(r"\btrue\s*(?:or|/)\s*false\b", re.I)
_LEADING_YES_NO = re.compile(r"^\s*(yes|no)\b[,.:;!]?\s*", re.I)


def true_or_false(question: str, answer: str) -> str:
    """``answer`` in the words a "true or false" question asks for ("True or false: this is a child." got "Yes, he is
    a child."; now "True. He is a child."); any other question or answer as it is. The last step of an answer:
    what reads answers before it reads their Yes or No."""
    if not _TRUE_OR_FALSE.search(question) or (m := _LEADING_YES_NO.match(answer)) is None:
        return answer
    rest = answer[m.end():]
    said = "True." if m[1].lower() == "yes" else "False."
    return f"{said} {rest[0].upper()}{rest[1:]}" if rest else said


_Y_OR_N = re.compile(r"(?<![\w'])[yY]\s*(?:or|/)\s*[nN](?![\w'])")


def yes_no_letter(question: str, answer: str) -> str:
    """The letter a question asks its yes or no in ("Smiling? Answer Y or N." got "Yes. She is smiling."; now
    "Y."); any other question or answer as it is. With :func:`true_or_false`, the last step of an answer."""
    if not _Y_OR_N.search(question) or (m := _LEADING_YES_NO.match(answer)) is None:
        return answer
    return "Y." if m[1].lower() == "yes" else "N."


# a request for more than a word: "in detail", "describe", "elaborate"
_DETAIL = re.compile(r"\bin\s+(?:more\s+|great\s+|full\s+|some\s+)?detail\b|\bdetailed\b|\belaborate\b|\bdescribe\b|"
                     r"\btell me (?:more|everything|all)\b", re.I)
# a description's sentences about the expression: the expression itself, the smile, the mouth and the eyes
_FACE_SENTENCE = re.compile(r"\b(?:expression|smil\w*|grin\w*|mouth|lips|teeth|eyes?|frown\w*|looks\s+\w+)\b", re.I)


def detailed_expression(question: str, answer: str, caption: str | None) -> str | None:
    """The answer to a request for the expression in detail ("Describe the person's expression in detail." got
    "Happy."): the description's sentences about the expression, the smile, the mouth and the eyes, in its order
    ("He has a happy expression. He is clearly smiling, with his lips slightly parted. His eyes are open."); None
    when the question asks no such thing, one word was asked, the description states none of it, or the answer
    already says more than they do."""
    from unif2ace.data.questions import asked_attribute, asked_length

    if caption is None or not _DETAIL.search(question) or asked_length(question) is not None or \
            asked_attribute(question) not in ("emotion", "smile"):
        return None
    said = [s.strip() for s in _sentences(caption)
            if _FACE_SENTENCE.search(s) and not re.search(r"\b(?:image|photo|picture|shows)\b", s, re.I)]
    text = " ".join(said)
    return text if said and len(text) > len(answer.strip()) else None


# the words of a description that state each attribute a request may leave out (data.questions.left_out)
_AGE_WORDS = [r",?\s+(?:who is|aged|age)\s+\d{1,3}(?:\s+years?\s+old)?", r"\b\d{1,3}-(?:year|month)-old\s+",
              r"\b(?:young|middle-aged|elderly|old|older|teenage|little)\s+(?=(?:[A-Z][\w-]*\s+)*(?:wom[ae]n|m[ae]n|girls?|"
              r"boys?|persons?|child|teenager|adult)\b)"]
_ETHNICITY_WORDS = [r"\b(?:White|Black|Asian|South Asian|Indian)\s+(?=(?:[a-z-]+\s+)*(?:wom[ae]n|m[ae]n|girls?|boys?|"
                    r"persons?|child|teenager|adult|senior)\b)"]
_AGE_SENTENCE = re.compile(r"\b(?:is|are|looks?)\s+(?:about\s+)?\d{1,3}\s+years?\s+old\b|\bage\b", re.I)


# a gendered word and its neutral one, and a pronoun's verb in the plural ("She has" → "They have")
_NEUTRAL_NOUN = {**dict.fromkeys(("man", "woman", "gentleman", "lady", "guy"), "person"),
                 **dict.fromkeys(("men", "women", "gentlemen", "ladies"), "people"),
                 **dict.fromkeys(("boy", "girl"), "child"), **dict.fromkeys(("boys", "girls"), "children")}
_PLURAL_VERB = {"is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't", "wasn't": "weren't",
                "doesn't": "don't", "hasn't": "haven't"}


def without_gender(text: str) -> str:
    """``text`` (a description) with no word that says the person's gender: nouns made neutral ("a White woman" →
    "a White person", "a little boy" → "a little child"), "he"/"she" as "they" with the verb after in the plural
    ("She has a happy expression." → "They have a happy expression."), "his"/"her" as "their" and "him" as "them"."""
    nouns = r"\b(" + "|".join(_NEUTRAL_NOUN) + r")\b"
    text = re.sub(nouns, lambda m: _cased(_NEUTRAL_NOUN[m[1].lower()], m[1]), text, flags=re.I)

    def subject(m: re.Match) -> str:
        verb = m[2]
        plural = _PLURAL_VERB.get(verb.lower()) or (verb[:-1] if re.fullmatch(r"[a-z]+[^s]s", verb) and not
                                                    verb.endswith(("ies", "ches", "shes", "sses", "xes")) else
                                                    verb[:-2] if verb.endswith(("ches", "shes", "sses", "xes")) else
                                                    verb[:-3] + "y" if verb.endswith("ies") else verb)
        return f"{_cased('they', m[1])} {plural}"

    text = re.sub(r"\b(he|she)\s+([a-z']+)", subject, text, flags=re.I)
    text = re.sub(r"\b(himself|herself)\b", lambda m: _cased("themselves", m[1]), text, flags=re.I)
    text = re.sub(r"\b(his|her)\b(?=\s+[a-z])", lambda m: _cased("their", m[1]), text, flags=re.I)
    return re.sub(r"\b(him|her)\b", lambda m: _cased("them", m[1]), text, flags=re.I)


def description_without(caption: str, omit: set[str]) -> str:
    """``caption`` (a description) without what states the attributes in ``omit`` ("age_group", "ethnicity",
    "emotion", "gender"): "Describe him without mentioning his age." got "He is 29 years old, so he is a young
    adult."; it gets "The photo is a close-up portrait; it shows a Black man. He looks neutral. …". Sentences about
    the expression go whole; an age and an ethnicity go from the sentence that names the person, an article before
    them agreeing with the next word; the gender is said in neutral words (:func:`without_gender`)."""
    from unif2ace.data.captions import indefinite_article

    if not omit:
        return caption
    if "gender" in omit:  # ("Describe the person without mentioning age or gender." got "This is a woman.")
        caption = without_gender(caption)
    sentences = _sentences(caption)
    if "emotion" in omit:
        sentences = [s for s in sentences if not re.search(r"\b(?:expression|smil\w*|grin\w*|looks?\s+(?:happy|sad|"
                                                           r"neutral|surprised|angry|calm|scared|disgusted))\b", s, re.I)]
    if "age_group" in omit:
        sentences = [s for s in sentences if not _AGE_SENTENCE.search(s) or re.search(r"\b(?:shows?|photo|picture|"
                                                                                      r"image|portrait)\b", s, re.I)]
    patterns = (_AGE_WORDS if "age_group" in omit else []) + (_ETHNICITY_WORDS if "ethnicity" in omit else [])
    text = " ".join(sentences)
    for pattern in patterns:
        text = re.sub(pattern, lambda m: " " if m[0].startswith(",") else "", text)
    # ("An 85-year-old White woman, …" without the age was "An woman, …")
    text = re.sub(r"\b([Aa]n?)\s+(?=([\w-]+))", lambda m: indefinite_article(m[2]) + " " if m[1].islower() else
                  indefinite_article(m[2]).capitalize() + " ", text)
    text = re.sub(r"\s+([.,;])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    # a description in words loses its last adjective's comma with it ("Happy, elderly, White woman." without the
    # ethnicity was "Happy, elderly, woman.")
    return re.sub(r",\s+(?=(?:wom[ae]n|m[ae]n|girls?|boys?|person|people|child|kid|baby|teenagers?|teens?)\b)", " ", text)

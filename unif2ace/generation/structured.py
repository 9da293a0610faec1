"""Replies in JSON or in a form the question writes out, as people ask a vision-language model for labels they
will parse:

    Return JSON with the keys gender, age and emotion.            → {"gender": "female", "age": 29, "emotion": "happy"}
    Give me her sex and race as JSON.                              → {"sex": "female", "race": "Asian"}
    Return a JSON object with keys "gender", "age", "hair_color".  → {"gender": "female", "age": 29, "hair_color": null}
    Output a JSON object describing her.                           → every attribute the description states
    Answer in JSON: is she over 50?                                → {"answer": "No. She looks about 29 years old."}

and as OpenAI clients ask for it (``response_format`` ``{"type": "json_object"}``, or ``{"type": "json_schema",
...}`` whose properties name the keys and their types). The values are read from the photo's one description
(the one every grounded answer agrees with: ``UniF2ace.converse``), in the dataset's vocabulary: a key the
description does not state, or that names nothing the model was taught (hair colour, a name), is ``null``,
as an honest "I can't tell". A question asked beside the instruction that names no key ("is she over 50?") gets
its grounded answer under ``"answer"``.

The same values fill a form written out in the question (:func:`format_request`):

    Respond in the format 'Age: N'.                                → Age: 29
    Reply in this format: gender=<gender>; age=<age>               → gender=female; age=29
    Please answer in the form "She is N years old."                → She is 29 years old.
    List gender, age and emotion, separated by commas.             → female, 29, happy
    Give the gender and age as CSV.                                → gender,age / female,29 (two lines)
    | Gender | Age |  (a table's header)                          → the header, then | female | 29 |
    Give me the age and gender as a table.                         → | Age | Gender |, |---|---|, | 29 | female |

a value the description does not state being "unknown".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from unif2ace.data.captions import NUMBER_WORDS

# the words that name a key the description answers, and the attribute each reads ("age" is the age in years,
# "description" the description itself); longer names first so "age group" is not read as "age"
_KEY_WORDS: tuple[tuple[str, str | None], ...] = (
    (r"age[ _-]?(?:group|range|bracket|category|band)", "age_group"), (r"age", "age"), (r"how old", "age"),
    (r"gender|sex", "gender"), (r"ethnicity|race|ethnic(?:[ _-]?group)?", "ethnicity"),
    (r"(?:facial[ _-]?)?expression|emotion|mood|feeling", "emotion"),
    (r"smil(?:e|es|ing)|is[ _-]smiling", "smile"), (r"(?:eye)?glasses|spectacles|eyewear", "glasses"),
    (r"facial[ _-]?hair|beard|moustache|mustache", "facial_hair"), (r"mouth", "mouth"),
    (r"eyes", "eyes"), (r"head[ _-]?(?:pose|direction)|pose|facing", "head_pose"), (r"head[ _-]?tilt|tilt", "head_tilt"),
    (r"(?<!hair )(?<!eye )(?<!skin )(?<!hair_)(?<!eye_)(?<!skin_)(?:colou?r|grayscale|greyscale)", "color"),
    (r"sharpness|blur(?:ry|riness)?|focus", "sharpness"), (r"lighting|brightness|light", "lighting"),
    (r"description|caption|summary", "description"),
    (r"(?:face[ _-]?)?(?:bounding[ _-]?box|bbox|box)|coordinates", "face_box"),  # the detector's, when it aligned
    # keys people ask for that no description states: written null, an honest "I can't tell"
    (r"(?:hair|eye|skin)[ _-]?(?:colou?r|tone|style|length|type)|hair[ _-]?style|hairstyle|skin[ _-]?tone|"
     r"name(?!\s+(?:her|his|their|its|the|this|that|a|an|all|each|every|some|any)\b)|"  # not "Name her age in JSON"
     r"height|weight|job|occupation|profession|nationality|religion|location|clothing|clothes|outfit|makeup|make-up|"
     r"accessories|background|"
     # a confidence asked beside the values ("Return JSON with the gender and a confidence score." dropped it): the
     # model gives none
     r"confidence(?:[ _-]?(?:score|level|value))?|certainty|probability", None),
)
_KEY = re.compile("|".join(rf"\b(?P<k{i}>{p})\b" for i, (p, _) in enumerate(_KEY_WORDS)), re.I)
_JSON = re.compile(r"\bjson\b|\{\s*[\"'][A-Za-z][\w -]*[\"']\s*:", re.I)  # the word, or an object's shape
_YAML = re.compile(r"\bya?ml\b", re.I)  # the same object in YAML ("Describe her in YAML.", which got her age)
# and as a Python dict ("Give the gender, age and emotion as a Python dict." got three sentences)
_PYTHON = re.compile(r"\bpython\b[^.?!\n]{0,20}?\b(?:dict(?:ionary)?|object|literal)\b|\bdict\b|\bas a dictionary\b", re.I)
# the keys as written out: quoted ("gender", 'age_group', `hair_color`), between braces ({gender, age}) or listed
# after "keys:" ("with keys: gender, estimated_age, expression")
# (an apostrophe inside a word is no quote: "What's the probability she's over 50? Answer in JSON." was read as the key
# "s the probability she")
_QUOTED = re.compile(r"(?<![A-Za-z])[\"'`“‘]([A-Za-z][\w -]{0,40}?)[\"'`”’](?![A-Za-z])")
_BRACED = re.compile(r"\{([^{}]*)\}")
_LISTED = re.compile(r"\b(?:keys|fields|properties)\b\s*(?:named|called|:|-|=)?\s*([^.?!\n]+)", re.I)
# keys written as identifiers after "JSON with" ("Give me a JSON object with age_estimate and confidence." got every
# attribute): kept as written when one is an identifier (an underscore or camelCase)
_WITH_KEYS = re.compile(r"\b(?:json|yaml|object|dict(?:ionary)?)\b[^.?!\n]{0,20}?\b(?:with|containing|including|having)\s+"
                        r"(?:the\s+)?([^.?!\n]+)", re.I)
# where the instruction ends and a question begins: "Answer in JSON: is she smiling?", "In JSON. How old?"
_CLAUSE = re.compile(r"(?<=[.:;!?\n])\s*")


@dataclass(frozen=True)
class JsonAsk:
    """A request for a structured reply: the keys to write, each with the attribute it reads (None: nothing the
    model can tell, written null) and, from a JSON schema, the type it must have; ``asked``: a question asked beside
    the instruction that names no key, answered under ``"answer"``; no keys and no question: every stated attribute.
    ``form``: "json" ("yaml": the same object in YAML; "python", as a Python dict literal); "template", the keys filling ``layout``'s ``{0}``, ``{1}``, … in words; "list", the keys'
    values joined by ``layout`` (the separator); "csv", a header line of the keys and a line of their values,
    separated by ``layout``; "table", ``layout`` (a markdown table's header, as typed) and a row of the values (with no
    key named, a row per stated attribute); "bullets", one item a line after ``layout`` ("- ", or "1. " numbered)."""
    keys: tuple[tuple[str, str | None, dict], ...] = ()
    asked: str | None = None
    form: str = "json"
    layout: str = ""
    count: int | None = None  # "bullets": how many items were asked ("in three bullet points")
    sentences: bool = False  # "bullets": the description's sentences, not the attributes ("Describe her in bullets.")

    @property
    def attributes(self) -> set[str]:
        """The attributes the reply reads (every one when no key is named and no question asked)."""
        from unif2ace.evaluation.attributes import ATTRIBUTES

        if self.keys:
            return {a for _, a, _ in self.keys if a is not None}
        return set() if self.asked is not None else set(ATTRIBUTES)


def _attribute(word: str) -> str | None:
    """The attribute a key name reads: its first key word ("estimated_age" → age, "is_smiling" → smile,
    "hair_color" → None: no description states a hair colour)."""
    m = _KEY.search(word.replace("_", " ").strip())
    if m is None:
        return None
    return next(_KEY_WORDS[int(name[1:])][1] for name, v in m.groupdict().items() if v)


def _key_name(word: str) -> str:
    return re.sub(r"[\s-]+", "_", word.strip().lower())


def _named_keys(text: str) -> list[tuple[str, str | None, dict]]:
    """The keys ``text`` names: written out (quoted, in braces or listed after "keys:", each kept as written and
    read by its first key word, null when it names nothing known) when there are any, else the key words it uses
    ("her gender and age" → gender, age)."""
    written = [w for m in _BRACED.finditer(text) for w in re.split(r"[,;|]", m[1])] or _QUOTED.findall(text)
    if not written and (m := _LISTED.search(text)):
        written = [w for w in re.split(r"\s*(?:,|;|\band\b|&)\s*", m[1]) if len(w.split()) <= 3]
    if not written and (m := _WITH_KEYS.search(text)):
        items = [w.strip() for w in re.split(r"\s*(?:,|;|\band\b|&)\s*", m[1]) if w.strip()]
        if all(len(w.split()) == 1 for w in items) and any("_" in w or re.search(r"[a-z][A-Z]", w) for w in items):
            written = items
    written = [w.strip().strip("\"'`“”‘’").split(":")[0].strip() for w in written]
    written = [w for w in written if w and re.fullmatch(r"[A-Za-z][\w -]*", w)]
    if written:
        return list({w: (w, _attribute(w), {}) for w in written}.values())
    seen: dict[str, tuple[str, str | None, dict]] = {}
    for m in _KEY.finditer(text):
        attr = _attribute(m[0])
        key = "age" if attr == "age" else "smiling" if attr == "smile" and m[0].lower() == "is smiling" \
            else _key_name(m[0])
        if attr is None or attr not in {a for _, a, _ in seen.values()}:
            seen[key] = (key, attr, {})
    return list(seen.values())


def json_request(question: str, response_format: Any = None) -> JsonAsk | None:
    """The JSON reply a question asks for ("… as JSON", "Return JSON with the keys …"), or that
    ``response_format`` sets for it (OpenAI's ``{"type": "json_object"}`` or ``{"type": "json_schema",
    "json_schema": {"schema": {...}}}``; ``"json"`` is the first); None for a reply in words."""
    kind = response_format.get("type") if isinstance(response_format, dict) else response_format
    if kind == "json_schema":
        return schema_request(response_format, question)
    said = isinstance(question, str) and (_JSON.search(question) or _YAML.search(question) or _PYTHON.search(question))
    if kind not in ("json_object", "json") and not said:
        return None
    # YAML or a Python dict when the question asks it and no client asked JSON
    form = "json" if kind is not None or _JSON.search(question) else "yaml" if _YAML.search(question) else "python"
    clauses = [c for c in _CLAUSE.split(question.strip()) if c.strip()]
    rest = " ".join(c for c in clauses if not _JSON.search(c) and not _YAML.search(c) and not _PYTHON.search(c)).strip()
    keys = _named_keys(question)
    if keys:
        return JsonAsk(tuple(keys), form=form)
    # the question as a sentence ("Answer in JSON: is she over 50?" asks "Is she over 50?")
    return JsonAsk(asked=rest[0].upper() + rest[1:] if re.search(r"[A-Za-z]", rest) and _asks(rest) else None,
                   form=form)


def _asks(text: str) -> bool:
    """Whether ``text`` (what is left beside the JSON instruction) asks a question of its own."""
    from unif2ace.data.questions import as_meant, asked_attribute, asks_description, is_yes_no

    meant = as_meant(text)
    return text.rstrip().endswith("?") or is_yes_no(meant) or asked_attribute(meant) is not None \
        and not asks_description(meant)


def schema_request(response_format: dict, question: str = "") -> JsonAsk:
    """A JSON schema's reply (OpenAI's ``{"type": "json_schema", "json_schema": {"name", "schema"}}``, or the
    schema itself): one key per property, read by its name ("age", "smiling", "hair_color" → null) and written in
    its type; a schema without properties is a JSON object reply."""
    schema = response_format.get("json_schema", response_format) if isinstance(response_format, dict) else {}
    schema = schema.get("schema", schema) if isinstance(schema, dict) else {}
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict) or not props:
        return json_request(question, "json_object")
    return JsonAsk(tuple((name, _attribute(str(name)), spec if isinstance(spec, dict) else {})
                         for name, spec in props.items()))


# a form written out: "in the format 'Age: N'", "Format: <age>, <sex>", "Reply in this format: gender=<gender>",
# "answer in the form \"She is N years old.\"", "Fill in: Gender: ___, Age: ___", "Use this template: {gender}/{age}"
_FORM_CUE = re.compile(r"\b(?:format|form|template|pattern|fill[ -]in(?:\s+the\s+blanks?)?|fill\s+out|"
                       r"complete\s+this|complete\s+(?:the\s+)?(?:following\s+)?sentence|like\s+this|as\s+follows)\b", re.I)
_QUOTE_PAIRS = {'"': '"', "'": "'", "`": "`", "“": "”", "‘": "’"}
# a slot: a key in angle brackets, braces or square brackets, or a blank the key beside it names ("Age: N",
# "gender=X", "Age: ___", "N years old")
_SLOT = re.compile(r"<\s*([A-Za-z][\w /|-]{0,40}?)\s*>|\{\{?\s*([A-Za-z][\w /|-]{0,40}?)\s*\}\}?|\[\s*([A-Za-z][\w /|-]{0,40}?)\s*\]|"
                   r"(\b(?:yes/no|no/yes|y/n|true/false|false/true|t/f|male/female|female/male|m/f|f/m|man/woman|woman/man|"
                   r"he/she|she/he|his/her|her/his|him/her|her/him)\b|"
                   r"_{2,}|\.{3}|…|\?{2,}|(?<=[=:])\s*\?(?=\s*(?:[,;|]|$))|#+|\b(?-i:N|NN|X|XX|Y|Z)\b)",
                   re.I)
# a blank written as the choice it holds ("Smiling: yes/no", "Sex: M/F"): the value is written in its words
_NEGATIVE = re.compile(r"^(?:no|n|false|f)$|\b(?:no|not|non|without|never|false)\b", re.I)
# the alternatives a bracketed slot offers: "<smiling or not smiling>", "<male/female>"
_ALTERNATIVES = re.compile(r"\s*(?:/|\||\bor\b)\s*", re.I)
_FIELD_END = re.compile(r"[,;|\n/]")
# a list of values: "separated by commas", "comma-separated", "as CSV", "one per line"
_SEPARATED = re.compile(
    r"\b(?:separated|delimited|split)\s+(?:by|with)\s+(?:an?\s+)?(?P<by>commas?|semi-?colons?|pipes?|tabs?|slash(?:es)?|"
    r"spaces?|new\s?lines?|line\s?breaks?)\b|"
    r"\b(?P<kind>comma|semi-?colon|pipe|tab|slash|space|newline|line)[ -](?:separated|delimited)\b|"
    r"\b(?P<csv>csv|tsv)\b|\b(?P<lines>one per line|(?:each\s+)?on\s+(?:its\s+own|a\s+(?:new|separate)|separate)\s+lines?)\b|"
    # "Give me the age and gender as a table." (got "This is a woman. She is 36 years old, …"): a markdown table
    r"\b(?P<table>(?:as|in(?:to)?)\s+(?:a\s+)?(?:markdown\s+|md\s+)?table|table\s+(?:format|form)|tabular|tabulated?|"
    # "Make a table of her attributes." (got "No. It is a photo of a person.")
    r"(?:make|create|build|draw|produce|give\s+me|show\s+me)\s+a\s+(?:markdown\s+|md\s+)?table)\b|"
    # "List the attributes as bullet points.", "Use a numbered list." (each got "I can't tell from this photo.")
    r"\b(?P<bullets>bullet(?:ed)?[ -]?(?:points?|list)|bullets|(?P<numbered>numbered)[ -]list|(?:as|in)\s+a\s+list|"
    r"list\s+form)\b",
    re.I)
# what a list or table naming no key holds: every stated attribute
_EVERY_ATTRIBUTE = re.compile(r"\b(?:attributes|characteristics|traits|features|details|properties|facts|everything|"
                              r"all you (?:can|know|see))\b", re.I)
_COUNT_WORDS = "|".join(w for w, n in NUMBER_WORDS.items() if 0 < n < 10)
_ITEM_COUNT = re.compile(rf"\b(\d|{_COUNT_WORDS})\s+(?:bullet(?:ed)?\s+)?(?:points?|bullets|items|lines|facts|things)\b",
                         re.I)
_SEPARATORS = {"comma": ", ", "semicolon": "; ", "pipe": " | ", "tab": "\t", "slash": " / ", "space": " ",
               "newline": "\n", "line": "\n"}  # by the separator's name as it starts ("spaces", "semi-colons")
# a table's header row: "| Gender | Age |" (then "|---|---|"), or "Gender | Age | Emotion" alone on its line
_TABLE_ROW = re.compile(r"^\s*\|?\s*[A-Za-z][\w -]*(?:\s*\|\s*[A-Za-z][\w -]*)+\s*\|?\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$")


# a form given by its slots alone after an instruction: "Reply as <male/female>", "Answer: {gender}, {age}"
_SLOTS_GIVEN = re.compile(r"\b(?:answer|reply|respond|output|return|write|give)\b[^<{:\n]{0,40}?(?:\bas\b|:)\s*(?=\S)",
                          re.I)


_ALONE = "\x00"  # marks a form written alone, whose every place must name a key ("Is [this] a [man]?" is none)
_BRACKETED = re.compile(r"<[^<>\n]{1,40}>|\{[^{}\n]{1,40}\}|\[[^\[\]\n]{1,40}\]|_{3,}")


def _template(question: str) -> str | None:
    """The form a question writes out after a cue ("format", "template", "fill in", …): the quoted text after
    the cue, else the rest of the message after it; or the slots an instruction gives ("Reply as <male/female>")."""
    cued = _FORM_CUE.search(question) is not None
    if not cued and (given := _SLOTS_GIVEN.search(question)):
        rest = question[given.end():]
        if _SLOT.search(rest):  # "Return: age=?, gender=?"
            # the form in quotes, the message's full stop after them ("reply as "age: N"." got '"age: 13".')
            whole = re.fullmatch(r"\s*([\"'`“‘])(.+?)[\"'`”’]\s*[.!]?\s*", rest)
            return whole[2].strip() if whole else rest.strip()
        quoted = re.match(r"([\"'`“‘])(.{3,60}?)[\"'`”’]", rest)
        if quoted and _named_row(quoted[2]):  # "Respond as 'gender/age', e.g. 'male/35'."
            return quoted[2]
    if not cued and len(_BRACKETED.findall(question)) >= 2:
        return _ALONE + question.strip()  # a form alone: "age: [number], smiling: [yes/no]"
    for cue in _FORM_CUE.finditer(question):
        rest = question[cue.end():]
        quoted = re.match(r"[^\"'`“‘\n]{0,30}?([\"'`“‘])", rest)
        if quoted:
            close = _QUOTE_PAIRS[quoted[1]]
            end = rest.find(close, quoted.end())
            if end > quoted.end():
                return rest[quoted.end():end]
        rest = re.sub(r"^(?:\s*(?:of|below|like|please|exactly|this|that|the|following)\b)*\s*(?:->|=>|→|[:,.-])*\s*",
                      "", rest, flags=re.I)
        # "Format your answer as: <gender>, …": the form is what follows the colon
        lead = re.match(r"([^:\n]{0,40}?):\s*(?=\S)", rest)
        if lead and not _KEY.search(lead[1]) and not _SLOT.search(lead[1]):
            rest = rest[lead.end():]
        if rest.strip():
            return rest.strip()
    return None


def _blank_attribute(layout: str, start: int, end: int) -> str | None:
    """The attribute a blank at ``layout[start:end]`` stands for: the last key word before it in its field ("Age:
    N"), else "N years old"'s age or the first key word after it."""
    field_start = max((m.end() for m in _FIELD_END.finditer(layout, 0, start)), default=0)
    before = [m for m in _KEY.finditer(layout[field_start:start])]
    if before:
        return _attribute(before[-1][0])
    after = layout[end:]
    if re.match(r"\s*-?\s*(?:years?|yrs?|y/?o)\b", after, re.I):
        return "age"
    if re.search(r"\b(?:looks?|seems?|appears?)(?:\s+to\s+be)?\s*$", layout[field_start:start], re.I):
        return "emotion"  # "Complete the sentence: The person looks ..." (got "Senior (56 or older man.")
    field_end = _FIELD_END.search(after)
    m = _KEY.search(after[:field_end.start()] if field_end else after)
    return _attribute(m[0]) if m else None


def _slots(layout: str) -> tuple[str, list[tuple[str, str | None, dict]]] | None:
    """``layout`` with its slots as ``{0}``, ``{1}``, … (the rest with its braces doubled) and the keys they
    read; None when it has no slot, or a blank whose key cannot be told."""
    parts, keys, last = [], [], 0
    for m in _SLOT.finditer(layout):
        word = next((g for g in m.groups()[:3] if g), None)
        offered = m[4] if m[4] and "/" in m[4] else word if word and _ALTERNATIVES.search(word) else None
        choice = [c for c in _ALTERNATIVES.split(offered) if c] if offered else None
        if choice and len(choice) < 2:
            choice = None
        attr = _attribute(word) if word else None
        if attr is None and choice:
            attr = _choice_attribute(choice)  # "Man/Woman, age N", "<male/female>"
        if attr is None and (choice or not word or not _KEY.search(word)):
            # "Age: N", "Smiling: <yes or no>", "age: [number]" (a word naming no key: the value's kind): the key
            # beside it
            attr = _blank_attribute(layout, m.start(), m.end())
        if word is None and attr is None:
            return None  # "___" beside no key: no telling what goes there
        parts.append(layout[last:m.start()].replace("{", "{{").replace("}", "}}") + f"{{{len(keys)}}}")
        name = _key_name(word) if word and not choice else attr or ""
        keys.append((name, attr, {"choice": choice} if choice else {}))
        last = m.end()
    if not keys:
        return _named_row(layout)
    tail = layout[last:]
    if not tail.strip() and m[0] in ("...", "…") and re.search(r"[A-Za-z]\s*(?:\.\.\.|…)$", layout):
        tail = "."  # a sentence left open to complete ("The person looks ...") ends when completed
    parts.append(tail.replace("{", "{{").replace("}", "}}"))
    return "".join(parts), keys


def _named_row(layout: str) -> tuple[str, list[tuple[str, str | None, dict]]] | None:
    """A form of key words alone between separators ("gender | age | mood", "gender, age"), each key word its
    value's place; None for any other text."""
    line = layout.strip().rstrip(".")
    cells = re.split(r"(\s*[|,;/]\s*)", line)
    names, seps = cells[::2], cells[1::2]
    if len(names) < 2 or not all(re.fullmatch(r"[A-Za-z][\w -]{0,30}", n) and _attribute(n) for n in names):
        return None
    pieces = [f"{{{k}}}" + (seps[k] if k < len(seps) else "") for k in range(len(names))]
    return "".join(pieces), [(_key_name(n), _attribute(n), {}) for n in names]


# keys listed in square brackets, each a slot: "[gender, age]"
_KEYS_IN_BRACKETS = re.compile(r"\[\s*([A-Za-z][\w -]*(?:\s*,\s*[A-Za-z][\w -]*)+)\s*\]")


def format_request(question: str) -> JsonAsk | None:
    """The written-out form a question asks its reply in (module docstring): a template with slots, values
    separated by a delimiter, CSV, or a table's header; None for a reply in words (a question that names no
    attribute for its form to hold is answered in words)."""
    if not isinstance(question, str) or not question.strip():
        return None
    text = question.strip()
    if (m := _KEYS_IN_BRACKETS.search(text)) is not None:  # "Return a list: [gender, age]" (got the answers in prose)
        names = [n.strip() for n in m[1].split(",")]
        if all(_attribute(n) for n in names):
            slots = ", ".join(f"{{{k}}}" for k in range(len(names)))
            return JsonAsk(tuple((_key_name(n), _attribute(n), {}) for n in names), form="template",
                           layout=f"[{slots}]")
    layout = _template(text)
    alone = layout is not None and layout.startswith(_ALONE)
    if layout is not None and (found := _slots(layout.lstrip(_ALONE))) \
            and not (alone and not all(attr for _, attr, _ in found[1])):
        return JsonAsk(tuple(found[1]), form="template", layout=found[0])
    lines = text.splitlines()
    for k, line in enumerate(lines):  # "| Gender | Age |\n|---|---|", or "Gender | Age | Emotion" on a line
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if _TABLE_ROW.match(line) and all(_attribute(c) for c in cells):
            ruled = k + 1 < len(lines) and _TABLE_RULE.match(lines[k + 1])
            header = "\n".join(lines[k:k + 2] if ruled else lines[k:k + 1]).strip()
            return JsonAsk(tuple((_key_name(c), _attribute(c), {}) for c in cells), form="table", layout=header)
    m = _SEPARATED.search(text)
    if m is None:
        return None
    keys = tuple(_named_keys(_SEPARATED.sub(" ", text)))
    if not any(attr for _, attr, _ in keys):
        from unif2ace.data.questions import as_meant, asks_description

        # ("Describe her in three bullet points." asks the description: the words around the form left out)
        bare = re.sub(r"[,\s]*\b(?:in|as|with|using|into)\s+(?:\w+\s+){0,3}?(?:bullet(?:ed)?[ -]?(?:points?|list)|bullets|"
                      r"numbered[ -]list|a\s+list|list\s+form)\b", "", text, flags=re.I)
        describe = bool(m["bullets"]) and not _EVERY_ATTRIBUTE.search(text) \
            and asks_description(as_meant(_SEPARATED.sub("", bare)))
        if not (m["bullets"] or m["table"]) or not (describe or _EVERY_ATTRIBUTE.search(text)):
            return None
        if m["table"]:  # a row per stated attribute
            return JsonAsk((), form="table", layout="| Attribute | Value |\n|---|---|")
        keys = ()
    if m["bullets"]:
        n = _ITEM_COUNT.search(text)
        count = None if n is None else int(n[1]) if n[1].isdigit() else NUMBER_WORDS[n[1].lower()]
        return JsonAsk(keys, form="bullets", layout="1. " if m["numbered"] else "- ", count=count,
                       sentences=not keys and describe)
    if m["table"]:
        names = [key.replace("_", " ").capitalize() for key, _, _ in keys]
        return JsonAsk(keys, form="table", layout="| " + " | ".join(names) + " |\n|" + "---|" * len(names))
    if m["csv"]:
        return JsonAsk(keys, form="csv", layout="," if m["csv"].lower() == "csv" else "\t")
    word = re.sub(r"[\s-]", "", (m["by"] or m["kind"] or "line").lower()) if not m["lines"] else "line"
    return JsonAsk(keys, form="list", layout=next(v for k, v in _SEPARATORS.items() if word.startswith(k)))


# A description asked as a report gives ("Describe the person as a police report would." and "Write a witness statement
# describing this person." got the whole description in prose): the fields such a report lists, from the description
# (a police sketch artist is given the description in prose, which says more of the face)
_REPORT = re.compile(r"\b(?:police|witness|suspect|missing[- ]persons?|incident|security)\s+(?:report|statement|"
                     r"description|bulletin|file|record)s?\b|\b(?:APB|BOLO)\b", re.I)
_REPORT_FORM = ('Answer in the format "Sex: <sex>. Apparent age: <age>. Ethnicity: <ethnicity>. Expression: <emotion>. '
                'Glasses: <glasses>. Facial hair: <facial hair>."')


def report_request(question: str) -> JsonAsk | None:
    """The form of a description asked as a police or witness report gives it ("Describe her like a police report."
    → "Sex: female. Apparent age: 25. Ethnicity: South Asian. Expression: happy. Glasses: unknown. Facial hair:
    unknown."); None for any other question."""
    from unif2ace.data.questions import as_meant, asks_description

    if not isinstance(question, str) or _REPORT.search(question) is None:
        return None
    if asks_description(as_meant(question)) or re.search(r"\b(?:describ\w*|write|give|draft|compose|fill|prepare)\b",
                                                          question, re.I):
        return format_request(_REPORT_FORM)
    return None


def _choice_attribute(choice: list[str]) -> str | None:
    """The attribute whose values a slot's alternatives name ("male/female", "M/F" → gender; "smiling or not
    smiling" → smile), None when no one attribute reads every alternative."""
    from unif2ace.evaluation.attributes import ATTRIBUTES, parse_attribute
    from unif2ace.generation.options import gender_letters

    if gender_letters(choice):
        return "gender"
    return next((a for a in ATTRIBUTES if all(parse_attribute(c, a, loose=True) is not None for c in choice)), None)


def _in_words(value: Any, choice: list[str] | None = None, attr: str | None = None) -> str:
    """A value as a form's text writes it: "yes"/"no", a box as [l, t, r, b], "unknown" for what is not stated;
    in the words of the ``choice`` its blank offers ("yes/no" → "yes", "M/F" → "F", "<smiling or not smiling>" →
    "not smiling")."""
    from unif2ace.evaluation.attributes import parse_attribute
    from unif2ace.generation.options import gender_letters

    if value is None:
        return "unknown"
    if choice and isinstance(value, bool):
        said = [c for c in choice if bool(_NEGATIVE.search(c)) != value]
        return said[0] if said else "yes" if value else "no"
    if choice and value in ("male", "female") and gender_letters(choice):
        return next(c for c in choice if c.lower() == value[0])
    if choice and attr:
        from unif2ace.data.questions import EMOTION_ADJ, ETHNICITY_WORD

        said = {"emotion": EMOTION_ADJ, "ethnicity": ETHNICITY_WORD}.get(attr, {})  # _value's words, as parsed
        named = next((k for k, v in said.items() if v == value), value)
        return next((c for c in choice if parse_attribute(c, attr, loose=True) == named), value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def structured_reply(ask: JsonAsk, description: str, answer: str | None = None, facts: str | None = None,
                     box: tuple | None = None) -> str:
    """The reply ``ask`` asks for (JSON, or a form written out: :class:`JsonAsk`), its values read as
    :func:`json_reply` reads them."""
    if ask.form == "json":
        return json_reply(ask, description, answer, facts, box)
    values = _reply_values(ask, description, answer, facts, box)
    if ask.form == "yaml":
        return _yaml_text(values)
    if ask.form == "python":  # {'gender': 'female', 'age': 32}, as Python prints it
        return repr(values)
    # (name, value in words) of each key, or with no key named every stated attribute
    named = [(key.replace("_", " "), _in_words(values[key], spec.get("choice"), attr)) for key, attr, spec in ask.keys] \
        or [(k.replace("_", " "), _in_words(v)) for k, v in values.items() if k != "description"]
    said = [f"{name}: {value}" for name, value in named] if not ask.keys else [value for _, value in named]
    if ask.form == "bullets":
        items = [t.strip() for t in re.split(r"(?<=[.!?])\s+", description.strip()) if t.strip()] if ask.sentences \
            else [f"{name}: {value}" for name, value in named]  # the description's sentences, or the attributes
        items = items[:ask.count] if ask.count else items
        return "\n".join(f"{k + 1}. {t}" if ask.layout == "1. " else f"- {t}" for k, t in enumerate(items))
    if ask.form == "table" and not ask.keys:  # a row per stated attribute
        return ask.layout + "".join(f"\n| {name.capitalize()} | {value} |" for name, value in named)
    if ask.form == "template":
        return ask.layout.format(*said)
    if ask.form == "table":
        return f"{ask.layout}\n| " + " | ".join(said) + " |" if ask.layout.lstrip().startswith("|") \
            else f"{ask.layout}\n" + " | ".join(said)
    if ask.form == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, delimiter=ask.layout, lineterminator="\n")
        writer.writerow([key for key, _, _ in ask.keys])
        writer.writerow(said)
        return out.getvalue().rstrip("\n")
    return ask.layout.join(said)


def _yaml_text(values: dict) -> str:
    """``values`` in YAML, one key a line and a list on its key's line ("face_box: [15, 15, 194, 194]"), in the keys'
    order."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(list, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
    return yaml.dump(values, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=1000,
                     default_flow_style=False).rstrip("\n")


def _value(attr: str | None, read: str, description: str, box: tuple | None = None) -> Any:
    """The value of ``attr`` that ``read`` states (``description`` itself for the key "description", ``box`` for
    the face's box)."""
    from unif2ace.data.questions import EMOTION_ADJ, ETHNICITY_WORD
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute

    if attr is None:
        return None
    if attr == "description":
        return description
    if attr == "face_box":
        return None if box is None else [int(v) for v in box]
    if attr == "age":
        years = parse_age_years(read)
        return None if years is None else round(years)
    value = parse_attribute(read, attr)
    said = {"emotion": EMOTION_ADJ, "ethnicity": ETHNICITY_WORD}.get(attr, {})  # as the answers in words say them
    return said.get(value, value)


def _typed(value: Any, spec: dict) -> Any:
    """``value`` in the type a schema property asks (a boolean as "yes"/"no" for a string, a number for an
    integer, an enum's own spelling); null when it cannot be."""
    if value is None or not spec:
        return value
    kinds = spec.get("type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds} if kinds else set()
    if "enum" in spec and isinstance(spec["enum"], list):
        said = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        return next((e for e in spec["enum"] if str(e).lower() == said.lower() or e is value), None)
    if not kinds or kinds & {bool: {"boolean"}, int: {"integer", "number"}, str: {"string"},
                             list: {"array"}}.get(type(value), set()):
        return value
    if isinstance(value, bool):
        return ("yes" if value else "no") if "string" in kinds else None
    if isinstance(value, int):
        return str(value) if "string" in kinds else None
    return None  # a word ("young adult") where the schema asks a number or a boolean, a box where it asks a word


def json_reply(ask: JsonAsk, description: str, answer: str | None = None, facts: str | None = None,
               box: tuple | None = None) -> str:
    """The JSON text ``ask`` asks for, its values read from ``description`` (the photo's description) and
    ``answer`` (the grounded answer to ``ask.asked``); ``facts``: the description with the lighting, sharpness and
    smile it leaves out filled in (``UniF2ace._facts``), read for the values when given; ``box``: the face's box in
    the photo (left, top, right, bottom) when the detector found it."""
    return json.dumps(_reply_values(ask, description, answer, facts, box), ensure_ascii=False)


def _reply_values(ask: JsonAsk, description: str, answer: str | None, facts: str | None, box: tuple | None) -> dict:
    """The values of :func:`json_reply`'s object, by key (a form written out fills its places with them)."""
    from unif2ace.evaluation.attributes import ATTRIBUTES

    read = facts or description
    if ask.keys:
        return {key: _typed(_value(attr, read, description, box), spec) for key, attr, spec in ask.keys}
    if ask.asked is not None:
        return {"answer": answer}
    names = ("gender", "age", *(a for a in ATTRIBUTES if a != "gender"), "face_box")  # the age beside its group
    out = {a: v for a in names if (v := _value(a, read, description, box)) is not None}
    out["description"] = description
    return out

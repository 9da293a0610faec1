"""Replies in JSON, as people ask a vision-language model for labels they will parse:

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
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

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
     r"accessories|background", None),
)
_KEY = re.compile("|".join(rf"\b(?P<k{i}>{p})\b" for i, (p, _) in enumerate(_KEY_WORDS)), re.I)
_JSON = re.compile(r"\bjson\b", re.I)
# the keys as written out: quoted ("gender", 'age_group', `hair_color`), between braces ({gender, age}) or listed
# after "keys:" ("with keys: gender, estimated_age, expression")
_QUOTED = re.compile(r"[\"'`“‘]([A-Za-z][\w -]{0,40}?)[\"'`”’]")
_BRACED = re.compile(r"\{([^{}]*)\}")
_LISTED = re.compile(r"\b(?:keys|fields|properties)\b\s*(?:named|called|:|-|=)?\s*([^.?!\n]+)", re.I)
# where the instruction ends and a question begins: "Answer in JSON: is she smiling?", "In JSON. How old?"
_CLAUSE = re.compile(r"(?<=[.:;!?\n])\s*")


@dataclass(frozen=True)
class JsonAsk:
    """A request for a JSON reply: the keys to write, each with the attribute it reads (None: nothing the model
    can tell, written null) and, from a JSON schema, the type it must have; ``asked``: a question asked beside the
    instruction that names no key, answered under ``"answer"``; no keys and no question: every stated attribute."""
    keys: tuple[tuple[str, str | None, dict], ...] = ()
    asked: str | None = None

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
    if kind not in ("json_object", "json") and not (isinstance(question, str) and _JSON.search(question)):
        return None
    clauses = [c for c in _CLAUSE.split(question.strip()) if c.strip()]
    rest = " ".join(c for c in clauses if not _JSON.search(c)).strip()
    keys = _named_keys(question)
    if keys:
        return JsonAsk(tuple(keys))
    # the question as a sentence ("Answer in JSON: is she over 50?" asks "Is she over 50?")
    return JsonAsk(asked=rest[0].upper() + rest[1:] if re.search(r"[A-Za-z]", rest) and _asks(rest) else None)


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
    from unif2ace.evaluation.attributes import ATTRIBUTES

    read = facts or description
    if ask.keys:
        out = {key: _typed(_value(attr, read, description, box), spec) for key, attr, spec in ask.keys}
    elif ask.asked is not None:
        out = {"answer": answer}
    else:
        names = ("gender", "age", *(a for a in ATTRIBUTES if a != "gender"), "face_box")  # the age beside its group
        out = {a: v for a in names if (v := _value(a, read, description, box)) is not None}
        out["description"] = description
    return json.dumps(out, ensure_ascii=False)

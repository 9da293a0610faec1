"""Replies in JSON, or in a form the question writes out, as people ask for them, scored: does the reply parse (as
a JSON object, or as the form asked), does it have the keys asked for (in that order), and do its values agree with
the photo's labels (gender; the age's group; the smile; an age range or life stage holds the labelled age).

    python scripts/json_replies.py --model unif2ace/assets/models/default --split val [--held-out] [--forms]

``VAL`` was written on 5 Dec 2026 while building the JSON replies (``generation/structured.py``); ``HELD_OUT`` the same
day before any reply to it was read: choose on val, run the held-out wordings on test once. ``--forms`` asks
``FORMS_VAL`` (written while building the written-out forms and the options listed without letters,
``generation/options.py``, on 5 Dec 2026, later) or ``FORMS_HELD_OUT`` (written the same day before any reply to
them was read; ``--second``: ``FORMS_HELD_OUT_2``, written after the first held-out run, before its mending;
``--third``: ``FORMS_HELD_OUT_3``, written after the second, before its mending; ``--fourth``: likewise). A label counts when its confidence is at least 0.6; a null value counts wrong. Run from another
checkout (``PYTHONPATH``) to score the code before: its replies are sentences, so none parses.
"""

from __future__ import annotations

import argparse
import json

# (wording, the keys its reply must have, in order; None: any keys, the reply describes the whole person)
VAL = (("Return JSON with the keys gender, age and emotion.", ["gender", "age", "emotion"]),
       ("Give me this person's gender and age as JSON.", ["gender", "age"]),
       ('Output a JSON object with the fields "sex", "age_group" and "smiling".', ["sex", "age_group", "smiling"]),
       ("Describe this person in JSON.", None))
HELD_OUT = (("Please respond in JSON format with keys: gender, estimated_age, expression.",
             ["gender", "estimated_age", "expression"]),
            ("JSON only. Fields: is_smiling, age_group, gender", ["is_smiling", "age_group", "gender"]),
            ("Can you give me a JSON with the person's age and sex?", ["age", "sex"]),
            ("Analyze the face and return the result as a JSON object.", None))
# (wording, the reply's form: a regular expression matched in full, ignoring case, whose named groups are scored:
# gender, age (its group), age_group, smile ("smiling"/"yes" or not), option (an age range or life stage holding the
# labelled age))
FORMS_VAL = (("Respond in the format 'Age: N'.", r"Age: (?P<age>\d+)"),
             ("List gender, age and emotion, separated by commas.", r"(?P<gender>male|female), (?P<age>\d+), [\w ]+"),
             ("Classify the age as child, teen, adult or senior.", r"(?P<option>child|teen|adult|senior)\."),
             ("Output: male or female.", r"(?P<gender>male|female)\."))
FORMS_HELD_OUT = (("Fill in the blanks: Sex: ____ Age: ____", r"Sex: (?P<gender>male|female) Age: (?P<age>\d+)"),
                  ("Give me the person's age group and gender, comma separated.",
                   r"(?P<age_group>child|teen|young adult|middle-aged|senior), (?P<gender>male|female)"),
                  ("Which age range fits best: under 20, 20-39, 40-59, or 60 and over? Respond with the range only.",
                   r"(?P<option>under 20|20-39|40-59|60 and over)\.?"),
                  ("Format your answer as: <gender>, <age> years old, <smiling or not smiling>",
                   r"(?P<gender>male|female), (?P<age>\d+) years old, (?P<smile>smiling|not smiling)"))
# written after FORMS_HELD_OUT's replies had been read (two of its four wordings failed, and were then mended), before
# the mending and before any reply to these was read: the held-out figure after the mending
FORMS_HELD_OUT_2 = (("Age (number only) and gender (M or F), separated by a slash.",
                     r"(?P<age>\d+)\s*/\s*(?P<gender>m|f|male|female)"),
                    ("Output one line in this format: gender | age | mood",
                     r"(?P<gender>male|female) \| (?P<age>\d+) \| [\w -]+"),
                    ("Classify this face's age into one of these buckets: 0-17, 18-34, 35-54, 55+",
                     r"(?P<option>0-17|18-34|35-54|55\+)\.?"),
                    ("What's their gender? Answer male, female, or unsure.", r"(?P<gender>male|female|unsure)\.?"),
                    ("Return the estimated age as a bare integer.", r"(?P<age>\d+)\.?"))
# written after FORMS_HELD_OUT_2's replies had been read (three of its five wordings failed), before mending them
FORMS_HELD_OUT_3 = (("Provide the age as a number and the gender as a word, separated by a comma.",
                     r"(?P<age>\d+), (?P<gender>male|female)"),
                    ("Return: age=?, gender=?", r"age=(?P<age>\d+), gender=(?P<gender>male|female)"),
                    ("Is this person a minor or an adult? One word.", r"(?P<option>minor|adult)\.?"),
                    ("Tell me the gender and approximate age in the form 'gender, age'.",
                     r"(?P<gender>male|female), (?P<age>\d+)"),
                    ("Smiling? Answer Y or N.", r"(?P<smile>y|n)\.?"))
# written after FORMS_HELD_OUT_3's replies had been read (three of its five wordings failed), before mending them
FORMS_HELD_OUT_4 = (("Reply with just 'M' or 'F'.", r"(?P<gender>m|f)\.?"),
                    ("age: [number], smiling: [yes/no]", r"age: (?P<age>\d+), smiling: (?P<smile>yes|no)"),
                    ("Estimate the age bracket (child / teenager / adult / elderly).",
                     r"(?P<option>child|teenager|adult|elderly)\.?"),
                    ("I need a CSV line: gender,age_group",
                     r"(?:gender,age_group\n)?(?P<gender>male|female),(?P<age_group>child|teen|young adult|middle-aged|senior)"),
                    ("Answer in the form: He/She is a [age group] [man/woman].",
                     r"(?:he|she) is an? (?P<age_group>child|teen|young adult|middle-aged|senior) (?P<gender>man|woman)\.?"))
# written after FORMS_HELD_OUT_4's replies had been read (four of its five wordings failed), before mending them
FORMS_HELD_OUT_5 = (("Output format -> sex: <M|F>", r"sex: (?P<gender>m|f)"),
                    ("Give the person's gender and age group, separated by a semicolon.",
                     r"(?P<gender>male|female); (?P<age_group>child|teen|young adult|middle-aged|senior)"),
                    ("Age group? Choose one: kid, teen, adult, senior", r"(?P<option>kid|teen|adult|senior)\.?"),
                    ('Reply in this exact format: {"gender": ..., "age": ...}',
                     r'\{"gender": "(?P<gender>male|female)", "age": (?P<age>\d+)\}'),
                    ("Is this a man? Respond only with true or false.", r"(?P<form>true|false)\.?"))
# written after FORMS_HELD_OUT_5's replies had been read and mended, before any reply to these was read: the last
# held-out figure, on the code as it ends the round of mending
FORMS_HELD_OUT_6 = (("Respond as 'gender/age', e.g. 'male/35'.", r"(?P<gender>male|female)/(?P<age>\d+)"),
                    ("Give me three values, comma separated: gender, age, ethnicity.",
                     r"(?P<gender>male|female), (?P<age>\d+), (?:white|black|asian|indian|south asian|other)"),
                    ("Is the person young, middle-aged or old? Answer with one of those words.",
                     r"(?P<stage>young|middle-aged|old)\.?"),
                    ("Format: Age=<years>; Sex=<M/F>", r"Age=(?P<age>\d+); Sex=(?P<gender>m|f)"),
                    ("How old are they? Give a number between 0 and 100 and nothing else.", r"(?P<age>\d+)\.?"))
# which label a key is scored on, by the attribute it names (generation.structured reads keys the same way)
_SCORED = {"gender": "gender", "age": "age_group", "age_group": "age_group", "smile": "smile"}


def _scores(reply: str, keys: list[str] | None, record) -> tuple[bool, bool, dict[str, tuple[int, int]]]:
    """(parses as a JSON object, has the keys asked in order, {label: (agree, scored)})."""
    try:
        got = json.loads(reply)
    except ValueError:
        return False, False, {}
    if not isinstance(got, dict):
        return False, False, {}
    from unif2ace.data.labelling.labeller import age_group
    from unif2ace.generation.structured import _attribute

    out: dict[str, tuple[int, int]] = {}
    for key, value in got.items():
        label_name = _SCORED.get(_attribute(key) or "")
        label = record.attributes.get(label_name) if label_name else None
        if label is None or label.confidence < 0.6:
            continue
        if _attribute(key) == "age":
            value = age_group(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        agree = value is not None and value == label.value
        a, n = out.get(label_name, (0, 0))
        out[label_name] = (a + agree, n + 1)
    return True, keys is None or list(got) == keys, out


def _form_scores(reply: str, form: str, record) -> tuple[bool, dict[str, tuple[int, int]]]:
    """(the reply is the form asked, {label: (agree, scored)}) for a reply in a written-out form."""
    import re

    from unif2ace.data.labelling.labeller import age_group
    from unif2ace.generation.options import _in_range

    m = re.fullmatch(form, reply.strip(), re.I)
    if m is None:
        return False, {}
    out: dict[str, tuple[int, int]] = {}
    for name, value in m.groupdict().items():
        label_name = {"age": "age_group", "option": "age"}.get(name, name)
        label = record.attributes.get(label_name)
        if label is None or label.confidence < 0.6:
            continue
        if name == "age":
            agree = age_group(int(value)) == label.value
        elif name == "option":
            agree = bool(_in_range(value, float(label.value)))
        elif name == "smile":
            agree = (value.lower() in ("smiling", "yes", "y")) == label.value
        else:  # "man", "F" name a gender too
            value = {"man": "male", "woman": "female", "m": "male", "f": "female"}.get(value.lower(), value)
            agree = value.lower() == str(label.value).lower()
        out[label_name] = (int(agree), 1)
    return True, out


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap)
    ap.add_argument("--held-out", action="store_true", help="ask HELD_OUT instead of VAL")
    ap.add_argument("--forms", action="store_true", help="ask the written-out forms (FORMS_VAL, FORMS_HELD_OUT)")
    ap.add_argument("--second", action="store_true", help="with --forms --held-out: FORMS_HELD_OUT_2")
    ap.add_argument("--third", action="store_true", help="with --forms --held-out: FORMS_HELD_OUT_3")
    ap.add_argument("--fourth", action="store_true", help="with --forms --held-out: FORMS_HELD_OUT_4")
    ap.add_argument("--fifth", action="store_true", help="with --forms --held-out: FORMS_HELD_OUT_5")
    ap.add_argument("--sixth", action="store_true", help="with --forms --held-out: FORMS_HELD_OUT_6")
    args = ap.parse_args()

    from unif2ace.evaluation.models import ask_images
    from unif2ace.evaluation.tasks import open_split

    pipe, records, images = open_split(args)
    parsed = keyed = asked = 0
    totals: dict[str, tuple[int, int]] = {}
    held_forms = (FORMS_HELD_OUT_6 if args.sixth else FORMS_HELD_OUT_5 if args.fifth else FORMS_HELD_OUT_4 if args.fourth else FORMS_HELD_OUT_3
                  if args.third else FORMS_HELD_OUT_2 if args.second else FORMS_HELD_OUT)
    wordings = (held_forms if args.held_out else FORMS_VAL) if args.forms else HELD_OUT if args.held_out else VAL
    for question, keys in wordings:
        replies = ask_images(pipe, images, [question] * len(images), args.batch_size, desc=question)
        p = k = 0
        for record, reply in zip(records, replies):
            if args.forms:
                ok, agree = _form_scores(reply, keys, record)
                right_keys = ok
            else:
                ok, right_keys, agree = _scores(reply, keys, record)
            p, k = p + ok, k + right_keys
            for name, (a, n) in agree.items():
                ta, tn = totals.get(name, (0, 0))
                totals[name] = (ta + a, tn + n)
        parsed, keyed, asked = parsed + p, keyed + k, asked + len(replies)
        print(f"{question!r:80} parses {p}/{len(replies)}, keys as asked {k}/{len(replies)}  e.g. {replies[0][:100]!r}",
              flush=True)
    if args.forms:
        print(f"\nreplies in the form asked: {parsed}/{asked} = {parsed / max(asked, 1):.1%}")
    else:
        print(f"\nreplies that parse as a JSON object: {parsed}/{asked} = {parsed / max(asked, 1):.1%}; "
              f"with the keys asked, in order: {keyed}/{asked} = {keyed / max(asked, 1):.1%}")
    for name, (a, n) in sorted(totals.items()):
        print(f"{name:10} agrees with the label {a}/{n} = {a / max(n, 1):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

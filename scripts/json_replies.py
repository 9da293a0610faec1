"""Replies in JSON as people ask for them, scored: does the reply parse as a JSON object, does it have the keys asked
for (in that order), and do its values agree with the photo's labels (gender; the age's group; the smile).

    python scripts/json_replies.py --model unif2ace/assets/models/default --split val [--held-out]

``VAL`` was written on 5 Dec 2026 while building the JSON replies (``generation/structured.py``); ``HELD_OUT`` the same
day before any reply to it was read: choose on val, run the held-out wordings on test once. A label counts when its
confidence is at least 0.6; a null value counts wrong. Run from another checkout (``PYTHONPATH``) to score the code
before: its replies are sentences, so none parses.
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


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap)
    ap.add_argument("--held-out", action="store_true", help="ask HELD_OUT instead of VAL")
    args = ap.parse_args()

    from unif2ace.evaluation.models import ask_images
    from unif2ace.evaluation.tasks import open_split

    pipe, records, images = open_split(args)
    parsed = keyed = asked = 0
    totals: dict[str, tuple[int, int]] = {}
    for question, keys in HELD_OUT if args.held_out else VAL:
        replies = ask_images(pipe, images, [question] * len(images), args.batch_size, desc=question)
        p = k = 0
        for record, reply in zip(records, replies):
            ok, right_keys, agree = _scores(reply, keys, record)
            p, k = p + ok, k + right_keys
            for name, (a, n) in agree.items():
                ta, tn = totals.get(name, (0, 0))
                totals[name] = (ta + a, tn + n)
        parsed, keyed, asked = parsed + p, keyed + k, asked + len(replies)
        print(f"{question!r:80} parses {p}/{len(replies)}, keys as asked {k}/{len(replies)}  e.g. {replies[0][:100]!r}",
              flush=True)
    print(f"\nreplies that parse as a JSON object: {parsed}/{asked} = {parsed / max(asked, 1):.1%}; "
          f"with the keys asked, in order: {keyed}/{asked} = {keyed / max(asked, 1):.1%}")
    for name, (a, n) in sorted(totals.items()):
        print(f"{name:10} agrees with the label {a}/{n} = {a / max(n, 1):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

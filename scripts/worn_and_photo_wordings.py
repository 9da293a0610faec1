"""Questions naming the person by what they wear, about the photo's clarity and light, and an age asked rounded, in
wordings of our own (in no data or test file), scored against the labels.

    python scripts/worn_and_photo_wordings.py --model unif2ace/assets/models/default --split val [--held-out]

Per group of wordings: how many answers agree with the photo's label (labelled photos only, confidence >= 0.6;
"I can't tell" counts wrong), and for the clarity and light groups how many photos (all of the draw) got one value
from every wording. The rounded age also needs a multiple of 10. ``VAL`` was written on 5 Dec 2026 from the failures found by
asking val photos; ``HELD_OUT`` was written the same day before any answer to it was read: choose on val, run the
held-out wordings on test once.
"""

from __future__ import annotations

import argparse
import re

# (group, wording); each group is scored on one label
VAL = (("worn", "Is the person in the hat smiling?", "smile"),
       ("worn", "How old is the person in the red cap?", "age_group"),
       ("worn", "Is the individual in the scarf a man?", "gender"),
       ("worn", "Does the one wearing earrings look happy?", "smile"),
       ("clarity", "How clear is this picture?", "sharpness"),
       ("clarity", "Is the image in focus?", "sharpness"),
       ("clarity", "Is the photo blurry at all?", "sharpness"),
       ("light", "Tell me about the lighting.", "lighting"),
       ("light", "Is it dark in this photo?", "lighting"),
       ("light", "Is it a well-lit photo?", "lighting"),
       ("rounded", "Guess the age to the nearest decade.", "age_group"),
       # added the same evening from a second round of val questions
       ("turned", "Is the head turned?", "head_pose"),
       ("sides", "Is this person more likely under 30 or over 30?", "age"),
       ("smile", "Is there a smile?", "smile"),
       ("smile", "Do they look like they're about to laugh?", "smile"),
       ("smile", "Is the person grinning?", "smile"))
HELD_OUT = (("worn", "Is the person with the necklace smiling?", "smile"),
            ("worn", "What age is the person in the hoodie?", "age_group"),
            ("worn", "Is the subject in the jacket a woman?", "gender"),
            ("worn", "Does the person in the cap look cheerful?", "smile"),
            ("clarity", "Is this a crisp photo?", "sharpness"),
            ("clarity", "Is the shot out of focus?", "sharpness"),
            ("clarity", "How fuzzy is the picture?", "sharpness"),
            ("light", "How is the lighting here?", "lighting"),
            ("light", "Is the picture too dark?", "lighting"),
            ("light", "Is the face in shadow?", "lighting"),
            ("rounded", "What's the age, rounded to the nearest 10 years?", "age_group"),
            # written with the second round of val questions, before any test answer was read
            ("turned", "Is the face turned?", "head_pose"),
            ("sides", "Would you say over 40 or under 40?", "age"),
            ("smile", "Any smile on that face?", "smile"),
            ("smile", "Does the person have a smile?", "smile"),
            ("smile", "Can you see a smile?", "smile"))


def _binary(value, attr: str):
    """A label's or an answer's value as the wordings ask it: blurry or not, dim or not; others as they are."""
    if value is None or attr not in ("sharpness", "lighting", "head_pose"):
        return value
    if attr == "head_pose":  # turned from the camera or not
        return value != "frontal"
    return value == ("blurry" if attr == "sharpness" else "dim")


def _value(question: str, answer: str, attr: str):
    """The value of ``attr`` (:func:`_binary`) an answer gives: its words for an open question, its Yes or No applied
    to the value a yes/no question names; None when it gives none ("I can't tell")."""
    from unif2ace.data.labelling.labeller import age_group
    from unif2ace.data.questions import as_meant, is_yes_no
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute, polarity

    meant = as_meant(question)
    if attr == "age":  # a side of an age ("Under 30: …"): whether the age is over the bound, as the answer says it
        side = re.match(r"\W*(over|older|above|under|younger|below)\b", answer, re.I)
        return None if side is None else side[1].lower() in ("over", "older", "above")
    if not is_yes_no(meant):
        if attr == "age_group" and (years := parse_age_years(answer)) is not None:
            return age_group(years)
        return _binary(parse_attribute(answer, attr, loose=True), attr)
    yes = polarity(answer.split(maxsplit=1)[0]) if answer.strip() else None
    if yes is None:
        return None
    if attr == "gender":
        named = parse_attribute(meant, "gender")
        return named if yes == "yes" else {"male": "female", "female": "male"}[named]
    named = {"smile": True, "head_pose": True, "lighting": bool(re.search(r"\b(?:dark|shadow)", meant, re.I)),
             "sharpness": _binary(parse_attribute(meant, "sharpness"), "sharpness")}[attr]
    return named if yes == "yes" else not named


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap)
    ap.add_argument("--held-out", action="store_true", help="ask HELD_OUT instead of VAL")
    ap.add_argument("--groups", nargs="+", default=None, help="ask only these groups (default: all)")
    args = ap.parse_args()

    from unif2ace.evaluation.models import ask_images
    from unif2ace.evaluation.tasks import open_split

    pipe, records, images = open_split(args)
    wordings = [w for w in (HELD_OUT if args.held_out else VAL) if args.groups is None or w[0] in args.groups]
    right, seen, values = {}, {}, {}
    for group, question, attr in wordings:
        answers = ask_images(pipe, images, [question] * len(images), args.batch_size, desc=question)
        ok = n = 0
        for rec, answer in zip(records, answers):
            value = _value(question, answer, attr)
            if group == "rounded":
                years = [int(y) for y in re.findall(r"\b(\d{1,3})\b", answer)]
                value = value if years and years[0] % 10 == 0 or "under 10" in answer else None
            values.setdefault((group, rec.id), []).append(value)  # every photo, labelled or not
            label = rec.attributes.get(attr)
            if label is None or label.confidence < 0.6:
                continue
            n += 1
            truth = label.value > int(re.findall(r"\d+", question)[0]) if attr == "age" else _binary(label.value, attr)
            ok += value is not None and value == truth
        right[group] = right.get(group, 0) + ok
        seen[group] = seen.get(group, 0) + n
        print(f"{group:8} {question!r:52} {ok}/{n}  e.g. {answers[0]!r}", flush=True)
    print()
    for group in dict.fromkeys(g for g, _, _ in wordings):
        line = f"{group:8} agree with the label {right[group]}/{seen[group]} = {right[group] / max(seen[group], 1):.1%}"
        if group in ("clarity", "light", "smile"):
            photos = [v for (g, _), v in values.items() if g == group]
            one = sum(None not in v and len(set(v)) == 1 for v in photos)
            line += f"; one value from every wording {one}/{len(photos)}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

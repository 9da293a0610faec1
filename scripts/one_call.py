"""Whether the answers of one ``pipe.ask`` call about one photo name one age and one gender.

    python scripts/one_call.py --model unif2ace/assets/models/default --split val --num-samples 48

Each photo of the split is asked :data:`QUESTIONS` in one call, as a user of the Python API asks them
(``pipe.ask(photo, questions)``, ``--max-new-tokens`` 128 as its default): three wordings of its age, a
yes/no age bound, a description in two wordings (one brief), its gender and smile; none names a pronoun,
so a "he" or "she" in an answer is the model's. Prints how many photos got more than one age in years, or
more than one gender, across one call's answers, with examples; ``--out`` writes report.json with every
answer.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

QUESTIONS = ("How old is this person?", "Is this person over 40?", "Tell me about this person.",
             "What's the person's age, roughly?", "Is the person smiling?", "Guess the age.", "Man or woman?",
             "Describe the face in one sentence.")


def named(answers: list[str]) -> tuple[set[int], set[str]]:
    """(the ages in whole years, the genders) that ``answers`` name."""
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute

    ages = {round(y) for a in answers if (y := parse_age_years(a)) is not None}
    genders = {g for a in answers if (g := parse_attribute(a, "gender", loose=True)) is not None}
    return ages, genders


def summary(rows: list[dict]) -> str:
    """Counts of the photos whose answers name more than one age / gender."""
    n = len(rows)
    ages = sum(len(r["ages"]) > 1 for r in rows)
    genders = sum(len(r["genders"]) > 1 for r in rows)
    return (f"{ages} of {n} photos got more than one age in one call ({100 * ages / max(n, 1):.1f}%); "
            f"{genders} of {n} more than one gender ({100 * genders / max(n, 1):.1f}%)")


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments, open_split
    from unif2ace.io import atomic_write_text
    from unif2ace.progress import bar, setup_logging

    setup_logging()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap, num_samples=48)
    ap.add_argument("--max-new-tokens", type=int, default=128, help="longest answer (default: pipe.ask's, 128)")
    ap.add_argument("--out", default=None, help="folder for report.json")
    args = ap.parse_args()
    pipe, records, images = open_split(args)
    rows = []
    with bar(len(images), "asking", unit="photo") as b:
        for rec, image in zip(records, images):
            answers = pipe.ask([image], list(QUESTIONS), align=False, max_new_tokens=args.max_new_tokens)
            ages, genders = named(answers)
            rows.append({"id": rec.id, "ages": sorted(ages), "genders": sorted(genders), "answers": answers})
            b.update(1)
    text = summary(rows)
    print(text)
    for r in [r for r in rows if len(r["ages"]) > 1 or len(r["genders"]) > 1][:3]:
        print(f"\n{r['id']}:")
        for q, a in zip(QUESTIONS, r["answers"]):
            print(f"  {q} → {a}")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out / "report.json", json.dumps({"command": " ".join(sys.argv), "questions": QUESTIONS,
                                                           "summary": text, "photos": rows}, indent=1))
        print(f"wrote {out / 'report.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

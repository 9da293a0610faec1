"""Open questions about the expression: the model's own answer against the description's expression.

    python scripts/described_open.py --model unif2ace/assets/models/default --split val

Each photo of the split's draw (the understanding evaluation's: ``--num-samples 128 --seed 0``) is described
once and asked every question below once without grounding. Prints, per question, how many answers name
the photo's labelled expression (labelled photos only, confidence >= 0.6): the answer's own, and the
description's where it states one (the answer's own otherwise), which is what grounding answers
(:func:`~unif2ace.generation.constraints.grounded_answer`). None of these questions is in the evaluation;
choose on val, run test once.
"""

from __future__ import annotations

import argparse

QUESTIONS = ("What is the dominant emotion?", "How is this person feeling?", "What's her mood?",
             "Describe the expression in one word.")


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap)
    args = ap.parse_args()

    from unif2ace.evaluation.attributes import parse_attribute
    from unif2ace.evaluation.models import ask_images
    from unif2ace.evaluation.tasks import open_split
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    pipe, records, images = open_split(args)
    captions = ask_images(pipe, images, [CAPTION_QUESTION] * len(images), args.batch_size, desc="describing",
                          grounded_answers=False)
    labels = [r.attributes["emotion"].value if "emotion" in r.attributes and r.attributes["emotion"].confidence >= 0.6
              else None for r in records]
    print(f"{args.split}, {len(records)} photos, {sum(x is not None for x in labels)} with a labelled expression")
    print(f"{'question':40s} {'own':>5s} {'described':>10s}")
    for question in QUESTIONS:
        answers = ask_images(pipe, images, [question] * len(images), args.batch_size, desc=question,
                             grounded_answers=False)
        own = described = 0
        for label, answer, caption in zip(labels, answers, captions):
            if label is None:
                continue
            said = parse_attribute(answer, "emotion", loose=True)
            seen = parse_attribute(caption, "emotion")
            own += said == label
            described += (seen if seen is not None else said) == label
        print(f"{question:40s} {own:5d} {described:10d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

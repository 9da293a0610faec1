"""Yes/no questions about the head pose, the mouth, the lighting and the expression: the model's own Yes/No
against the grounded one.

    python scripts/described_yes_no.py --model unif2ace/assets/models/default --split val

Each photo of the split's draw (the understanding evaluation's: ``--num-samples 128 --seed 0``) is described
once and asked every question below once without grounding; :func:`~unif2ace.generation.constraints.grounded_yes_no`
then judges each answer against the description, as the pipeline does. Prints, per question, the accuracy
of the first word against the photo's label (labelled photos only, confidence >= 0.6) before and after
grounding, and of always answering the majority. None of these questions is in the evaluation; choose on
val, run test once.
"""

from __future__ import annotations

import argparse

QUESTIONS = {  # question -> (label, the value asked: data.questions.same_value says whether a label is it)
    "Is this person facing the camera?": ("head_pose", "frontal"),
    "Is the person looking at the camera?": ("head_pose", "frontal"),
    "Is this person looking away?": ("head_pose", "away"),
    "Is the person turned to the side?": ("head_pose", "away"),
    "Is the mouth closed?": ("mouth", "closed"),
    "Is this person's mouth closed?": ("mouth", "closed"),
    "Is the lighting good?": ("lighting", "good"),
    "Is the photo too dark?": ("lighting", "dim"),
    "Is this person happy?": ("emotion", "happy"),
    "Does the person look happy?": ("emotion", "happy"),
    "Does the person look neutral?": ("emotion", "neutral"),
    "Is this person White?": ("ethnicity", "White"),
    "Is this person Black?": ("ethnicity", "Black"),
    "Is this person Asian?": ("ethnicity", "Asian"),
}


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap)
    ap.add_argument("--only", default=None, help="ask only the questions containing this text (e.g. 'lighting', 'happy')")
    args = ap.parse_args()

    from unif2ace.data.questions import same_value
    from unif2ace.evaluation.models import ask_images
    from unif2ace.evaluation.tasks import open_split
    from unif2ace.evaluation.understanding import _first_word
    from unif2ace.generation.constraints import grounded_yes_no
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    pipe, records, images = open_split(args)
    captions = ask_images(pipe, images, [CAPTION_QUESTION] * len(images), args.batch_size, desc="describing",
                          grounded_answers=False)
    print(f"{args.split}, {len(records)} photos")
    print(f"{'question':40s} {'n':>4s} {'own':>6s} {'grounded':>9s} {'majority':>9s}")
    for question, (label, value) in QUESTIONS.items():
        if args.only and args.only.lower() not in question.lower():
            continue
        answers = ask_images(pipe, images, [question] * len(images), args.batch_size, desc=question,
                             grounded_answers=False)
        rows = [(same_value(label, r.attributes[label].value, value), a, c) for r, a, c in zip(records, answers, captions)
                if label in r.attributes and r.attributes[label].confidence >= 0.6]
        own = sum((_first_word(a) == "yes") == truth for truth, a, _ in rows)
        grounded = sum((_first_word(grounded_yes_no(question, a, c) or a) == "yes") == truth for truth, a, c in rows)
        yes = sum(truth for truth, _, _ in rows)
        n = len(rows)
        print(f"{question:40s} {n:4d} {own / n:6.1%} {grounded / n:9.1%} {max(yes, n - yes) / n:9.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

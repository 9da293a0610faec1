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
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", default="runs/data/utkface")
    ap.add_argument("--split", default="val")
    ap.add_argument("--num-samples", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0, help="the photos' draw (the evaluation's default: 0)")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--threads", type=int, default=None, help="CPU threads (default: the cores others leave free)")
    args = ap.parse_args()

    from unif2ace.commands.inference_common import set_threads

    set_threads(args.threads)

    import torch

    from unif2ace.evaluation.attributes import parse_attribute
    from unif2ace.evaluation.models import ask_images
    from unif2ace.evaluation.tasks import load_images, load_records
    from unif2ace.pipeline import UniF2ace
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    store, records = load_records(args.data, args.split, args.num_samples, args.seed)
    images = load_images(store, records)
    pipe = UniF2ace.from_pretrained(args.model, device="cpu", dtype=torch.float32)
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

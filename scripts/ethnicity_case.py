"""Faces drawn from an ethnicity typed in lower case against the same word as the training prompts write it.

The training captions capitalise ethnicities ("a Black man", "a White woman") and say "black-and-white" of the
greyscale photos, so a user's "a black man" reads to the model like a black-and-white photo: pale, grey faces.
``contrast.in_training_words`` (``training_words``, on by default) now capitalises such a word before a person
noun. This script draws 6 subjects × ``--seeds`` seeds with the word as typed and as trained, without the rewrite,
and prints a table: colourfulness (the labeller's chroma, mean max − min over RGB; below 6 it calls a photo black
and white), the face's mean luma, and how many faces dlib finds exactly one face in.

    python scripts/ethnicity_case.py --model unif2ace/assets/models/default --seeds 4 --threads 2
"""

from __future__ import annotations

import argparse
import sys

SUBJECTS = ("a {} man", "a {} woman", "an old {} man", "a {} boy", "a smiling {} girl", "a middle-aged {} woman")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="a model folder")
    p.add_argument("--seeds", type=int, default=4, help="faces per subject and word")
    p.add_argument("--words", nargs="+", default=["black", "Black", "white", "White"], help="the words compared")
    p.add_argument("--threads", type=int, default=None, help="CPU threads for torch")
    p.add_argument("--device", default="cpu")
    args = p.parse_args()

    import numpy as np
    import torch

    from unif2ace import UniF2ace
    from unif2ace.evaluation.detectors import chroma, inspect_images
    from unif2ace.pipeline.faces import face_luminance
    from unif2ace.progress import bar

    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        pipe = UniF2ace.from_pretrained(args.model, device=args.device, dtype="float32")
    except (OSError, ValueError) as exc:
        print(f"ethnicity_case: error: {exc}", file=sys.stderr)
        return 2
    print("| word | faces | mean chroma | chroma < 6 (grey) | face luma | dlib finds one face |")
    print("|---|---:|---:|---:|---:|---:|")
    for word in args.words:
        images = []
        with bar(args.seeds, f"drawing '{word}'", unit="seed") as shown:
            for seed in range(args.seeds):
                images += pipe.generate([s.format(word) for s in SUBJECTS], seed=seed, training_words=False)
                shown.update(1)
        colour = np.array([chroma(np.asarray(im.convert("RGB"))) for im in images])
        luma = np.mean([face_luminance(im) for im in images])
        faces = sum(r["dlib"] == 1 for r in inspect_images(images))
        print(f"| {word} | {len(images)} | {colour.mean():.1f} | {(colour < 6).sum()} | {luma:.0f} | {faces} |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

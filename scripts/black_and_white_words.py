"""Faces drawn from prompts that say "black" or "white" as users type them, against the same prompts in training
words (``contrast.in_training_words``, the default ``training_words``).

The training captions capitalise ethnicities ("a Black man") and say "black-and-white" of the greyscale photos,
so a lower-case "black" or "white" reads to the model like a black-and-white photo: "a black man", "a man with
black hair", "an old man with white hair" all drew pale, grey faces. In training words such a word before a
person noun is capitalised ("a Black man"), and before hair, glasses or clothes becomes a near colour ("dark
hair", "silver hair", "a light shirt"), and before anything else a near colour too ("a woman with a dark cat").
Each prompt is drawn ``--seeds`` times both ways with the same seeds and
a table printed: colourfulness (the labeller's chroma, mean max − min over RGB; below 6 it calls a photo black
and white; "a man" alone: about 48), the face's mean luma, and how many faces dlib finds exactly one face in.

    python scripts/black_and_white_words.py --model unif2ace/assets/models/default --seeds 4 --threads 2
"""

from __future__ import annotations

import argparse
import sys

PROMPTS = {
    "ethnicity": ("a black man", "a black woman", "an old black man", "a white boy", "a smiling white girl",
                  "a middle-aged white woman"),
    "hair, glasses, clothes": ("a man with black hair", "an old man with white hair", "a woman wearing black glasses",
                               "a smiling woman in a white shirt", "a white-haired grandmother",
                               "a young man with a black beard"),
    "other things": ("a woman with a black cat", "a man in front of a white car", "a young man in a black leather jacket",
                     "a girl with a white flower in her hair", "an old man with a black dog", "a smiling woman with white teeth"),
}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="a model folder")
    p.add_argument("--seeds", type=int, default=4, help="faces per prompt and way")
    p.add_argument("--threads", type=int, default=None, help="CPU threads for torch")
    p.add_argument("--device", default="cpu")
    p.add_argument("--groups", nargs="+", choices=list(PROMPTS), default=list(PROMPTS), help="prompt groups to draw")
    args = p.parse_args()

    import numpy as np
    import torch

    from unif2ace import UniF2ace
    from unif2ace.evaluation.detectors import chroma, inspect_images
    from unif2ace.generation.contrast import in_training_words
    from unif2ace.pipeline.faces import face_luminance
    from unif2ace.progress import bar

    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        pipe = UniF2ace.from_pretrained(args.model, device=args.device, dtype="float32")
    except (OSError, ValueError) as exc:
        print(f"black_and_white_words: error: {exc}", file=sys.stderr)
        return 2
    rows = []
    for group, typed in ((g, PROMPTS[g]) for g in args.groups):
        for way, prompts in (("as typed", list(typed)), ("training words", [in_training_words(t) for t in typed])):
            images = []
            with bar(args.seeds, f"{group}, {way}", unit="seed") as shown:
                for seed in range(args.seeds):
                    images += pipe.generate(prompts, seed=seed, training_words=False)
                    shown.update(1)
            colour = np.array([chroma(np.asarray(im.convert("RGB"))) for im in images])
            luma = np.mean([face_luminance(im) for im in images])
            faces = sum(r["dlib"] == 1 for r in inspect_images(images))
            rows.append(f"| {group} | {way} | {len(images)} | {colour.mean():.1f} | {luma:.0f} | {faces} |")
    print("| prompts | drawn | faces | mean chroma | face luma | dlib finds one face |")
    print("|---|---|---:|---:|---:|---:|")
    print("\n".join(rows))
    for group, typed in ((g, PROMPTS[g]) for g in args.groups):
        print(f"\n{group}: " + "; ".join(f"{t!r} → {in_training_words(t)!r}" for t in typed))
    return 0


if __name__ == "__main__":
    sys.exit(main())

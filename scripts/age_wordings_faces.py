"""Does any wording of an age draw faces of that age? Faces of one age group asked in several wordings (nouns,
ages in years, framed as the evaluation's prompts, caption sentences), each drawn as written (no training-words
rewording) for a man and a woman with the same seeds, read by the evaluation's labeller.

    python scripts/age_wordings_faces.py --model unif2ace/assets/models/default --seeds 8 --threads 2

Per wording: how many faces the labeller puts in the asked age group, how many of the asked gender, how many dlib
finds, and the median age it reads. Written on 5 Dec 2026 to look for a wording lever on the age of generated
faces (docs/history.md, "5 Dec 2026, night").
"""

from __future__ import annotations

import argparse

# {age group: wordings}; "{w}" is "woman" / "man", "{g}" "girl" / "boy"
WORDINGS = {
    "senior": ("an old {w}", "an elderly {w}", "a senior {w}", "an older {w}", "an old {w} aged 75", "a {w} aged 75",
               "a 75-year-old {w}", "A close-up photo of an elderly {w}.", "an elderly {w} who is 75 years old",
               "an old {w} with grey hair", "A close-up photo of a White elderly {w}.",
               "A headshot of an elderly {w} who is 75 years old. It is a full-color, sharp picture with even lighting."),
    "middle-aged": ("a middle-aged {w}", "a {w} aged 50", "a 50-year-old {w}"),
    "teen": ("a teenage {g}", "a {g} aged 15", "a 15-year-old {g}", "A close-up photo of a White teenage {g}."),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--seeds", type=int, default=8, help="faces per wording and gender")
    ap.add_argument("--seed", type=int, default=100)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--groups", nargs="+", default=None, help="only these age groups (default: all)")
    args = ap.parse_args()

    import torch

    from unif2ace import UniF2ace
    from unif2ace.evaluation.detectors import inspect_images
    from unif2ace.evaluation.faces import judge_images
    from unif2ace.evaluation.realism import one_face

    if args.threads:
        torch.set_num_threads(args.threads)
    pipe = UniF2ace.from_pretrained(args.model, dtype="float32")
    print(f"{'asked':12} {'wording':60} {'group':>7} {'gender':>7} {'dlib':>7} {'median age':>10}")
    for group, wordings in WORDINGS.items():
        if args.groups and group not in args.groups:
            continue
        for wording in wordings:
            rows = []
            for gender, woman, girl in (("female", "woman", "girl"), ("male", "man", "boy")):
                text = wording.replace("{w}", woman).replace("{g}", girl)
                faces = pipe.generate([text], num_images_per_prompt=args.seeds, seed=args.seed, training_words=False)
                found = [bool(one_face(v, "dlib")) for v in inspect_images(faces)]
                rows += [(v.get("age_group") == group, v.get("gender") == gender, f, v.get("age"))
                         for v, f in zip(judge_images(faces), found)]
            ages = sorted(round(a) for *_, a in rows if a is not None)
            median = ages[len(ages) // 2] if ages else None
            n = len(rows)
            print(f"{group:12} {wording[:60]:60} {sum(r[0] for r in rows):>3}/{n:<3} {sum(r[1] for r in rows):>3}/{n:<3} "
                  f"{sum(r[2] for r in rows):>3}/{n:<3} {median!s:>10}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

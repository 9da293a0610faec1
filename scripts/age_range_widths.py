"""How far the described age falls from the labelled one, by the described age's group: the half-widths of the
age ranges a user is given (``unif2ace.generation.constraints.AGE_RANGE_HALF_WIDTH``).

    python scripts/age_range_widths.py --model unif2ace/assets/models/default --split val --num-samples 256

Each photo is described once (as ``pipe.caption`` describes it); its described age is compared with the dataset's
age. Prints, per group of the described age, how many photos, the median and the 80th percentile of the absolute
difference in years: a range of the described age ± the 80th percentile holds the labelled age 8 times in 10.
Choose on val.
"""

from __future__ import annotations

import argparse


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap, num_samples=256)
    ap.add_argument("--share", type=float, default=0.8, help="the share of ages a range should hold")
    args = ap.parse_args()

    from unif2ace.data.labelling.labeller import AGE_GROUPS, age_group
    from unif2ace.evaluation.attributes import parse_age_years
    from unif2ace.evaluation.models import caption_images
    from unif2ace.evaluation.tasks import open_split

    pipe, records, images = open_split(args)
    captions = caption_images(pipe, images, args.batch_size, desc="descriptions")
    gaps: dict[str, list[float]] = {name: [] for _, name in AGE_GROUPS}
    for record, caption in zip(records, captions):
        said, label = parse_age_years(caption), record.attributes.get("age")
        if said is not None and label is not None:
            gaps[age_group(said)].append(abs(said - float(label.value)))
    print(f"{'described age':14} {'photos':>6} {'median':>7} {f'{args.share:.0%} within':>10}")
    for name, found in gaps.items():
        found.sort()
        if found:
            print(f"{name:14} {len(found):6d} {found[len(found) // 2]:7.1f} {found[min(int(args.share * len(found)), len(found) - 1)]:10.1f}")
        else:
            print(f"{name:14} {0:6d} {'—':>7} {'—':>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How far off the descriptions' ages are, as a yes/no answer about a number needs it.

    python scripts/described_age_spans.py --model unif2ace/assets/models/default --split val --num-samples 0

Describes a split's photos once and places every span of a kind at every age 1-99 ("about N": N ± 3; "Is she N?":
N ± 2). For each whole number of years the described age lies outside the span, it prints how often the labelled
age is inside it: the chance that a Yes to "Is she about 40?" is right when the description says 32. This chose
:data:`unif2ace.generation.constraints.NUMBER_MARGIN_YEARS` (docs/inference.md, "A number asked is a near miss
only within five years"). ``--num-samples 0``: every photo of the split.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

SPANS = {"about N (N ± 3)": 3, "Is she N? (N ± 2)": 2}


def span_table(pairs: list[tuple[float, float]], half_width: int, cap: int = 12) -> dict:
    """{years outside (0 = inside, ``cap`` = that many or more): (spans, spans holding the labelled age)} over
    (described age, labelled age) ``pairs``, each span N ± ``half_width`` for N = 1 … 99."""
    table: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for described, label in pairs:
        for n in range(1, 100):
            lo, up = max(n - half_width, 0), n + half_width
            outside = max(lo - described, described - up, 0)
            row = table[min(int(outside + 0.999), cap)]  # 0.5 years outside counts as 1
            row[0] += 1
            row[1] += int(lo <= label <= up)
    return {k: tuple(v) for k, v in sorted(table.items())}


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap, num_samples=0)
    args = ap.parse_args()
    args.num_samples = args.num_samples or None

    from unif2ace.evaluation.attributes import parse_age_years
    from unif2ace.evaluation.models import caption_images
    from unif2ace.evaluation.tasks import open_split
    from unif2ace.evaluation.understanding import record_labels

    pipe, records, images = open_split(args)
    captions = caption_images(pipe, images, args.batch_size, desc="descriptions")
    pairs = [(d, a) for r, c in zip(records, captions)
             if (d := parse_age_years(c)) is not None and (a := record_labels(r).get("age")) is not None]
    errors = sorted(abs(d - a) for d, a in pairs)
    print(f"{len(pairs)} of {len(records)} photos with a described and a labelled age; described age off by "
          f"{sum(errors) / max(len(errors), 1):.1f} years on average (median {errors[len(errors) // 2] if errors else 0:g})")
    for name, half in SPANS.items():
        print(f"\n{name}\n| years outside | spans | labelled age inside |\n|---:|---:|---:|")
        for k, (n, inside) in span_table(pairs, half).items():
            print(f"| {'inside' if k == 0 else f'{k}+' if k == 12 else k} | {n} | {100 * inside / n:.1f}% |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

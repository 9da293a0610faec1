"""Descriptions read from a photo alone and from the photo with its mirror image (the pipeline's
``mirror_views``, generation/views.py): attribute accuracy of each on a split's photos.

    python scripts/flip_views.py --model unif2ace/assets/models/default --split val --num-samples 256

Each photo of the split's draw (the understanding evaluation's: ``--seed 0``) is described greedily twice:
from the photo alone ("photo") and with ``mirror_views`` ("photo+mirror": each token by the mean of the
photo's and its mirror's log-probabilities, the mirror's "left" and "right" exchanged). Prints, per attribute
the reference caption states, the share of descriptions that state it rightly
(``evaluation.attributes.parse_caption``), and the time each took.
"""

from __future__ import annotations

import argparse


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap, num_samples=256)
    args = ap.parse_args()

    import time

    from unif2ace.evaluation.attributes import parse_caption
    from unif2ace.evaluation.tasks import open_split
    from unif2ace.evaluation.understanding import caption_reference
    from unif2ace.progress import bar

    pipe, records, images = open_split(args)
    crops = pipe.prepare(images, align=False)
    said, seconds = {}, {}
    for name, mirror in (("photo", False), ("photo+mirror", True)):
        pipe.mirror_views = mirror
        said[name], t = [], time.perf_counter()
        with bar(len(crops), f"describing ({name})", unit="img") as progress:
            for s in range(0, len(crops), args.batch_size):
                said[name] += pipe.caption(crops[s:s + args.batch_size], align=False)
                progress.update(len(crops[s:s + args.batch_size]))
        seconds[name] = time.perf_counter() - t

    refs = [caption_reference(r) for r in records]
    attrs = [a for a in ("gender", "age_group", "ethnicity", "emotion", "smile", "eyes", "head_pose")
             if any(a in r for r in refs)]
    print(f"{args.split}, {len(records)} photos: descriptions stating the reference's value")
    print(f"{'attribute':12s} {'n':>4s} " + " ".join(f"{k:>12s}" for k in said))
    for a in attrs:
        rows = [i for i, r in enumerate(refs) if a in r]
        cells = [sum(parse_caption(said[k][i]).get(a) == refs[i][a] for i in rows) / len(rows) for k in said]
        print(f"{a:12s} {len(rows):4d} " + " ".join(f"{c:12.1%}" for c in cells))
    print(f"{'seconds':12s} {'':4s} " + " ".join(f"{seconds[k]:12.1f}" for k in said))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

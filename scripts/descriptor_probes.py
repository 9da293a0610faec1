"""How well each stored face descriptor tells gender and age group, children apart (issue 20).

For each descriptor the data set stores (``unif2ace data encode --encoder dlib|facenet``), the linear probe
of ``unif2ace.evaluation.probe`` is fitted on the train split's given labels and scored on every photo of
val and test, by age band (children 0–12 and 13 and older, by the given age): the same numbers as the
probe columns of ``eval understanding``'s by-age-band table, over whole splits. A reference for what a
model reading that descriptor can be expected to get; it never loads a model.

    python scripts/descriptor_probes.py --data runs/data/utkface [--json runs/descriptor-probes.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="a dataset folder built by `unif2ace data build`")
    p.add_argument("--splits", nargs="+", default=["val", "test"], help="splits to score (default: val test)")
    p.add_argument("--json", default=None, help="also write the table here (JSON)")
    args = p.parse_args()

    from unif2ace.data.store import FaceStore
    from unif2ace.evaluation.probe import PROBE_FEATURES
    from unif2ace.evaluation.understanding import age_band_scores
    from unif2ace.io import atomic_write_text

    try:
        store = FaceStore.open(args.data)
    except (FileNotFoundError, ValueError) as exc:
        print(f"descriptor_probes: error: {exc}", file=sys.stderr)
        return 2
    rows = []
    for features in PROBE_FEATURES:
        for split in args.splits:
            recs = list(store.records(split))
            out = age_band_scores(store, recs, [], [], features=features)
            if not out["probe"]["status"].startswith("ok"):
                print(f"{features}: {out['probe']['status']}", file=sys.stderr)
                break
            for band, v in out["bands"].items():
                rows.append({"features": features, "split": split, "band": band, "photos": v["photos"],
                             "gender": v["probe_gender"]["accuracy"], "age_group": v["probe_age_group"]["accuracy"]})
    print("| descriptor | split | age band | photos | gender | age group |\n|---|---|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['features']} | {r['split']} | {r['band']} | {r['photos']} | {100 * r['gender']:.1f}% | "
              f"{100 * r['age_group']:.1f}% |")
    if args.json:
        atomic_write_text(Path(args.json), json.dumps({"data": args.data, "rows": rows}, indent=1))
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())

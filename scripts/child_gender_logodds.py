"""Children's gender from the model's own log-odds, against its description (issue 20).

For every photo of a split whose given age is at most ``--max-age`` (default 12), the model scores "This is a
boy." and "This is a girl." as answers to "Is this a boy or a girl?", read from the photo and its mirror (the
mean of the two), and describes the photo. Printed: the description's gender accuracy, its confusion, and the
accuracy of the log-odds at thresholds from −5 to 5 in steps of 0.25 (boy when log p(boy) − log p(girl) > threshold). A check of
whether a threshold fitted on one split would read children's gender better than the description does.

    python scripts/child_gender_logodds.py --model unif2ace/assets/models/default --data runs/data/utkface \\
        --split val --threads 1 [--json OUT.json]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--split", default="val", choices=("train", "val", "test"))
    p.add_argument("--max-age", type=int, default=12)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--json", default=None, help="also write every photo's row here")
    args = p.parse_args()

    import torch
    from PIL import ImageOps

    from unif2ace import UniF2ace
    from unif2ace.evaluation.attributes import parse_attribute
    from unif2ace.evaluation.tasks import load_images, load_records
    from unif2ace.progress import bar

    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        store, recs = load_records(args.data, args.split, None)
        pipe = UniF2ace.from_pretrained(args.model, dtype="float32")
    except (FileNotFoundError, ValueError) as exc:
        print(f"child_gender_logodds: error: {exc}", file=sys.stderr)
        return 2
    recs = [r for r in recs if r.attributes["age"].value <= args.max_age]
    question = "Is this a boy or a girl?"
    rows = []
    with bar(len(recs), "children", unit="photo") as progress:
        for s in range(0, len(recs), args.batch_size):
            batch = recs[s:s + args.batch_size]
            images = load_images(store, batch)
            captions = pipe.caption(images, align=False)
            both = images + [ImageOps.mirror(im) for im in images]
            boy = pipe.score_texts(both, ["This is a boy."] * len(both), question=question, align=False)
            girl = pipe.score_texts(both, ["This is a girl."] * len(both), question=question, align=False)
            for r, caption, d in zip(batch, captions, (boy - girl).view(2, -1).mean(0).tolist()):
                rows.append({"id": r.id, "age": r.attributes["age"].value, "label": r.attributes["gender"].value,
                             "described": parse_attribute(caption, "gender"), "log_odds_boy": d})
            progress.update(len(batch))
    n = len(rows)
    if not n:
        print(f"child_gender_logodds: no photo of {args.split} is {args.max_age} or younger", file=sys.stderr)
        return 1
    described = sum(r["described"] == r["label"] for r in rows) / n
    print(f"{args.split}: {n} photos aged {args.max_age} or younger")
    print(f"the description's gender: {100 * described:.1f}%; (label, described): "
          f"{dict(collections.Counter((r['label'], r['described']) for r in rows))}")
    print("| threshold | log-odds accuracy |\n|---:|---:|")
    for t in [x / 4 for x in range(-20, 21)]:
        acc = sum(("male" if r["log_odds_boy"] > t else "female") == r["label"] for r in rows) / n
        print(f"| {t:+.2f} | {100 * acc:.1f}% |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())

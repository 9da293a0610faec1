"""Would a second image encoder help the model read children's gender? (issue 20: held-out gender is lost on
children, docs/evaluation.md "Gender of children").

Linear probes of gender on the children (age 0–12) of a split, on dlib's 128-d descriptor (the one the shipped
model's understanding reads), on the FID Inception's 2048-d pool feature (the only generic pretrained image
encoder available offline, and the offline default of the ``clip``/semantic expert, which the shipped model
was trained without), and on both side by side. Each probe (``evaluation.probe.fit_logistic``, features
standardised on the training rows) is fitted on a seeded sample of the train split's children and scored on
every child of val and test, for each L2 weight given.

    python scripts/children_gender_probes.py --data runs/data/utkface --images UTKFACE_CHIPS \\
        [--train-children 1000] [--l2 0.01 0.1 1 3 10] [--threads 2] [--cache runs/children-probes]

``--data`` needs the dlib descriptors stored (``unif2ace data encode --encoder dlib``); the Inception features
are computed from ``--images`` (the chips the dataset was built from) and kept in ``--cache``, so a second run
with other L2 weights takes seconds. Gender and age are the dataset's given labels.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="a dataset folder built by `unif2ace data build`, dlib features stored")
    p.add_argument("--images", required=True, help="the folder of the photos the dataset was built from")
    p.add_argument("--train-children", type=int, default=1000, help="train-split children to fit on (seeded sample)")
    p.add_argument("--max-age", type=int, default=12)
    p.add_argument("--l2", type=float, nargs="+", default=[0.01, 0.1, 1.0, 3.0, 10.0])
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cache", default=None, help="folder for the Inception features (default: none kept)")
    args = p.parse_args()

    import torch
    from PIL import Image

    from unif2ace.data.store import FaceStore
    from unif2ace.encoders.semantic import FIDInceptionEncoder
    from unif2ace.evaluation.probe import ProbeJudge, fit_logistic, given_labels
    from unif2ace.progress import bar

    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        store = FaceStore.open(args.data)
        if not store.shard_ids("features", "dlib-128"):
            raise ValueError(f"{args.data} has no dlib-128 features: run `unif2ace data encode --encoder dlib`")
    except (FileNotFoundError, ValueError) as exc:
        print(f"children_gender_probes: error: {exc}", file=sys.stderr)
        return 2
    rows = {}
    for split in ("train", "val", "test"):
        kids = []
        for rec in store.records(split):
            labels, age = given_labels(rec), rec.attributes.get("age")
            if labels.get("gender") in ("male", "female") and age is not None and age.value <= args.max_age:
                kids.append((rec, int(labels["gender"] == "female")))
        if split == "train":
            random.Random(args.seed).shuffle(kids)
            kids = kids[:args.train_children]
        rows[split] = kids
    encoder = FIDInceptionEncoder(device="cpu", batch_size=16)
    features = {}
    for split, kids in rows.items():
        cache = Path(args.cache) / f"inception-{split}-{args.seed}-{len(kids)}.pt" if args.cache else None
        if cache is not None and cache.is_file():
            inception = torch.load(cache)
        else:
            out = []
            with bar(len(kids), f"Inception features ({split})", unit="photo") as progress:
                for start in range(0, len(kids), 32):
                    part = kids[start:start + 32]
                    out.append(encoder.encode([Image.open(Path(args.images) / rec.image).convert("RGB")
                                               for rec, _ in part]))
                    progress.update(len(part))
            inception = torch.cat(out)
            if cache is not None:
                cache.parent.mkdir(parents=True, exist_ok=True)
                torch.save(inception, cache)
        _, dlib = store.read_shards("features", "dlib-128", [rec.id for rec, _ in kids])
        y = torch.tensor([g for _, g in kids])
        both = torch.cat([dlib.double(), inception.double()], 1)
        features[split] = ({"dlib-128": dlib.double(), "fid-inception-2048": inception.double(), "both": both}, y)
    print(f"children (age ≤ {args.max_age}): train {len(rows['train'])}, val {len(rows['val'])}, "
          f"test {len(rows['test'])}; gender accuracy of a linear probe\n")
    print("| features | L2 | val | test |\n|---|---:|---:|---:|")
    genders = ["male", "female"]  # class k is the label y == k
    for name in ("dlib-128", "fid-inception-2048", "both"):
        train = features["train"][0][name]
        mean, std = train.mean(0), train.std(0).clamp_min(1e-6)  # standardised as evaluation.probe.fit_probe does
        for l2 in args.l2:
            w = fit_logistic((train - mean) / std, features["train"][1], 2, l2=l2)
            probe = ProbeJudge(mean, std, {"gender": (genders, w)}, len(train), name)
            acc = []
            for s in ("val", "test"):
                said = [genders.index(v["gender"]) for v in probe.predict(features[s][0][name])]
                acc.append(sum(a == b for a, b in zip(said, features[s][1].tolist())) / len(said))
            print(f"| {name} | {l2:g} | {100 * acc[0]:.1f}% | {100 * acc[1]:.1f}% |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

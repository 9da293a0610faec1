"""What does best-of-N (``generate(candidates=N)``) buy, paired on the same prompts?

    python benchmarks/best_of_n.py --data runs/data/utkface --split val --num-samples 128 --candidates 4

The prompts are ``unif2ace eval generation``'s (the first ``--num-samples`` records of the split in
its seeded order, caption and attribute prompts alternating). For each, N faces are drawn by
``generate_candidates`` — the pool ``generate(..., candidates=N)`` picks from, with the same seeds
(batches of ``--batch-size`` prompts, seed ``--seed`` + first index) — every face is judged by the
labeller and the descriptor probes (``docs/evaluation.md``; ``--probe-features``: dlib's, the
evaluation's judge, and FaceNet's, which shares no network with the shipped model's
understanding — that reads dlib's descriptor, and so does the face-picking), and the face the
model's own ``score_texts`` picks is compared with the
average candidate — the expected result of drawing one face — on the same prompt. The gain's ±
is the standard error of the per-prompt differences. Needs the dataset with dlib features (for
the probe) and the evaluation extras; prints a markdown table and writes ``--out``/best_of_n.json.
Takes about 23 minutes for 128 prompts × 4 on a 2-core CPU (fp32, as the evaluation runs).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="unif2ace/assets/models/default")
    ap.add_argument("--data", default="runs/data/utkface")
    ap.add_argument("--split", default="val")
    ap.add_argument("--num-samples", type=int, default=128)
    ap.add_argument("--candidates", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=8, help="prompts per generate call (as the evaluation)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--probe-features", default="dlib-128,facenet-512",
                    help="comma-separated stored features to fit a probe judge on (those the dataset lacks are skipped)")
    ap.add_argument("--out", default="runs/best-of-n")
    args = ap.parse_args()
    if args.candidates < 2:
        raise SystemExit("--candidates must be at least 2 to compare a pick with its candidates")

    from unif2ace.evaluation import faces
    from unif2ace.evaluation.probe import FEATURES, fit_probe, held_out_accuracy
    from unif2ace.evaluation.tasks import generation_prompts, load_records
    from unif2ace.pipeline import UniF2ace

    pipe = UniF2ace.from_pretrained(args.model, device=args.device)
    store, recs = load_records(args.data, args.split, None, args.seed)
    prompts = generation_prompts(recs[: args.num_samples], "both")
    n, c = len(prompts), args.candidates

    t = time.perf_counter()
    images, scores = [], []
    for i in range(0, n, args.batch_size):
        batch, batch_scores = pipe.generate_candidates([p.text for p in prompts[i : i + args.batch_size]],
                                                       seed=args.seed + i, candidates=c)
        images += batch
        scores += batch_scores.tolist()
    generate_s = time.perf_counter() - t
    pick = np.asarray(scores).argmax(1)

    judges = {"labeller": faces.judge_images(images)}
    ceilings = {}
    for features in filter(None, args.probe_features.split(",")):
        name = "probe" if features == FEATURES else f"probe ({features})"
        probe, status = fit_probe(store, "train", features=features)
        if probe is None:
            print(f"{name} {status}")
            continue
        judges[name] = probe.judge(images)
        ceilings[name] = held_out_accuracy(probe, store, args.split)

    rows_out = []
    for judge, seen in judges.items():
        for attr in ("gender", "age_group"):
            diffs, picked, average = [], [], []
            for i, p in enumerate(prompts):
                if attr not in p.asks:
                    continue
                ok = [seen[i * c + j].get(attr) == p.asks[attr] for j in range(c)]
                picked.append(ok[pick[i]])
                average.append(float(np.mean(ok)))
                diffs.append(ok[pick[i]] - average[-1])
            d = np.asarray(diffs, dtype=float)
            rows_out.append({"judge": judge, "attribute": attr, "n": len(d), "average_candidate": float(np.mean(average)),
                             "picked": float(np.mean(picked)), "gain": float(d.mean()),
                             "gain_se": float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan")})

    print(f"\nbest of {c} on {n} {args.split} prompts ({args.model}; generation and scoring {generate_s:.0f} s)")
    for name, acc in ceilings.items():
        print(f"{name} on the real full-size {args.split} photos: " +
              ", ".join(f"{attr} {100 * a['accuracy']:.1f}% (n = {a['n']})" for attr, a in acc.items()))
    print()
    print("| judge | attribute | n | average candidate | picked by the model | gain (± s.e., paired) |")
    print("|---|---|---:|---:|---:|---:|")
    for r in rows_out:
        print(f"| {r['judge']} | {r['attribute']} | {r['n']} | {100 * r['average_candidate']:.1f}% | "
              f"{100 * r['picked']:.1f}% | {100 * r['gain']:+.1f} ± {100 * r['gain_se']:.1f} |")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "best_of_n.json").write_text(json.dumps({"settings": vars(args), "generate_s": generate_s,
                                                   "probe_ceilings": ceilings, "rows": rows_out}, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""The paper's ablations (Tables 3 and 4) at small scale: same data, steps and seed for every variant.

    python benchmarks/ablations.py --recipe recipes/ablation-base.yaml --out runs/ablations [--steps 300]

Variants: D3Diff (α = 0.01) vs mask only (Show-o's loss) vs score only; token MoE + sequence MoE
vs each alone vs dense. Each is trained with ``unif2ace train`` and measured on the held-out split
by the trainer's validation losses (the masked-token CE of images and the answer CE, comparable
across loss variants) and, unless ``--no-eval``, by ``unif2ace eval`` (attribute agreement of
generated faces, VQA accuracy). Prints a Markdown table and writes it to OUT/ablations.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

VARIANTS = {
    "d3diff+both-moe": [],
    "mask-only": ["objective.mode=mask"],
    "score-only": ["objective.mode=score"],
    "token-moe-only": ["model.overrides.sequence_moe=null"],
    "sequence-moe-only": ["model.overrides.token_moe=null"],
    "dense": ["model.overrides.token_moe=null", "model.overrides.sequence_moe=null"],
}


def last_val(run: Path) -> dict:
    """The last validation record of a run's metrics.jsonl."""
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()]
    vals = [r for r in rows if any(k.startswith("val/") for k in r)]
    return vals[-1] if vals else {}


def run(cmd: list[str], log: Path) -> None:
    print("$", " ".join(cmd), file=sys.stderr)
    with open(log, "w") as fh:
        subprocess.run(cmd, check=True, stdout=fh, stderr=subprocess.STDOUT)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipe", default="recipes/ablation-base.yaml")
    ap.add_argument("--out", default="runs/ablations")
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--only", nargs="*", help="a subset of variants")
    ap.add_argument("--data", default="runs/data/utkface", help="dataset for evaluation (its test split)")
    ap.add_argument("--no-eval", action="store_true")
    ap.add_argument("--eval-samples", type=int, default=48)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    exe = [sys.executable, "-m", "unif2ace"]
    results = {}
    for name, overrides in VARIANTS.items():
        if args.only and name not in args.only:
            continue
        run_dir = out / name
        extra = [f"out={run_dir}", *overrides] + ([f"steps={args.steps}"] if args.steps else [])
        if not (run_dir / "model" / "config.json").is_file():
            run(exe + ["train", args.recipe, *extra], out / f"{name}.train.log")
        row = {k: v for k, v in last_val(run_dir).items() if k.startswith("val/")}
        if not args.no_eval:
            for kind in ("generation", "understanding"):
                report = run_dir / f"eval-{kind}"
                if not (report / "report.json").is_file():
                    extra_eval = ["--diversity-prompts", "0", "--identity-samples", "0"] if kind == "generation" else []
                    run(exe + ["eval", kind, "--model", str(run_dir / "model"), "--data", args.data, "--out",
                               str(report), "--num-samples", str(args.eval_samples), "--quiet", *extra_eval],
                        out / f"{name}.eval-{kind}.log")
                head = json.loads((report / "report.json").read_text()).get("headline", {})
                row.update({f"{kind}/{k}": v for k, v in head.items() if isinstance(v, (int, float))})
        results[name] = row
        (out / "ablations.json").write_text(json.dumps(results, indent=2))
    keys = sorted({k for r in results.values() for k in r})
    lines = ["| variant | " + " | ".join(keys) + " |", "|---|" + "---:|" * len(keys)]
    for name, row in results.items():
        cells = [f"{row[k]:.4g}" if isinstance(row.get(k), (int, float)) else "—" for k in keys]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    (out / "ablations.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()

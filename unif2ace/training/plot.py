"""``unif2ace plot RUN``: training and validation loss curves from ``RUN/metrics.jsonl`` to a PNG."""

from __future__ import annotations

import json
from pathlib import Path


def read_metrics(run: str | Path) -> list[dict]:
    path = Path(run) / "metrics.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; is {run} a training run folder?")
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def plot_run(run: str | Path, out: str | Path | None = None) -> Path:
    try:
        import matplotlib
    except ImportError:
        raise ValueError("plotting needs matplotlib (pip install matplotlib, or the [data] extra)") from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = read_metrics(run)
    out = Path(out) if out else Path(run) / "loss.png"
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    for ax, group in zip(axes, (("loss", "val/loss"), ("t2i/loss", "val/t2i/loss", "t2i/mask_ce", "val/t2i/mask_ce"),
                                ("mmu/ce", "val/mmu/ce", "lm/ce"))):
        for key in group:
            pts = [(r["step"], r[key]) for r in rows if key in r]
            if pts:
                xs, ys = zip(*pts)
                ax.plot(xs, ys, marker="o" if key.startswith("val/") else None, markersize=3, label=key)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
        ax.legend()
    axes[0].set_title("total")
    axes[1].set_title("image generation (D3Diff)")
    axes[2].set_title("understanding (answer CE)")
    fig.suptitle(str(run))
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out

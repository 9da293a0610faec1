"""Dataset statistics: counts, attribute distributions (with a PNG chart), caption and QA lengths."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from unif2ace.data.store import FaceStore


def _bucket(name: str, value: Any) -> str:
    if name == "age":
        return f"{int(value) // 10 * 10}s"
    if name == "skin_ita":
        return f"{int(value // 15 * 15)}°"
    return str(value)


def dataset_stats(folder: str | Path, tokenizer: str = "phi") -> dict[str, Any]:
    from unif2ace.data.labelling import TEXT_THRESHOLD
    from unif2ace.text import load_text_tokenizer

    store = FaceStore.open(folder)
    tok = load_text_tokenizer(tokenizer)
    dist: dict[str, Counter] = defaultdict(Counter)
    stated_dist: dict[str, Counter] = defaultdict(Counter)
    cap_tokens, qa_counts, stated_counts = [], [], []
    qa_kinds: Counter = Counter()
    sources: Counter = Counter()
    expression_smile: Counter = Counter()  # how the two labels go together (generation.constraints._described)
    for rec in store:
        sources[rec.source] += 1
        if (e := rec.attributes.get("emotion")) and (sm := rec.attributes.get("smile")):
            expression_smile[f"{e.value}, {'smiling' if sm.value else 'not smiling'}"] += 1
        for name, lab in rec.attributes.items():
            dist[name][_bucket(name, lab.value)] += 1
            if lab.confidence >= TEXT_THRESHOLD:
                stated_dist[name][_bucket(name, lab.value)] += 1
        stated = rec.meta.get("stated")
        if stated is None:
            stated = [k for k, lab in rec.attributes.items() if lab.confidence >= TEXT_THRESHOLD and k != "face_detected"]
        stated_counts.append(len(stated))
        cap_tokens.append(len(tok.encode(rec.caption)))
        qa_counts.append(len(rec.qa))
        qa_kinds.update(t.kind or "other" for t in rec.qa)
    n = len(cap_tokens)
    splits = {}
    if store.splits_path.is_file():
        doc = json.loads(store.splits_path.read_text())
        splits = {k: len(doc.get(k, [])) for k in ("train", "val", "test")}

    def summary(xs: list[int]) -> dict[str, float]:
        a = np.asarray(xs or [0])
        return {"mean": round(float(a.mean()), 2), "min": int(a.min()), "median": float(np.median(a)), "max": int(a.max())}

    return {
        "records": n,
        "sources": dict(sources),
        "splits": splits,
        "problems": len(store.problems()),
        "tokenizer": tokenizer,
        "caption_tokens": summary(cap_tokens),
        "qa_per_image": summary(qa_counts),
        "qa_kinds": dict(qa_kinds.most_common()),
        "stated_attribute_types_per_image": summary(stated_counts),
        "attributes_all": {k: dict(v.most_common()) for k, v in sorted(dist.items())},
        "attributes_stated": {k: dict(v.most_common()) for k, v in sorted(stated_dist.items())},
        "emotion_and_smile": dict(expression_smile.most_common()),
        "_cap_tokens": cap_tokens,
    }


def plot_stats(stats: dict[str, Any], path: str | Path) -> Path:
    """One bar chart per stated attribute plus the caption-length histogram, in one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    attrs = stats["attributes_stated"]
    names = [k for k in attrs if k not in ("skin_ita",)] + ["caption tokens"]
    cols = 4
    rows = (len(names) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3 * rows))
    for ax, name in zip(np.ravel(axes), names):
        if name == "caption tokens":
            ax.hist(stats["_cap_tokens"], bins=30, color="tab:green")
            ax.set_title(f"caption tokens ({stats['tokenizer']})")
            continue
        if name == "age":
            items = sorted(attrs[name].items(), key=lambda kv: int(kv[0][:-1]))
        else:
            items = list(attrs[name].items())[:10]
        ax.bar([str(k) for k, _ in items], [v for _, v in items], color="tab:blue")
        ax.set_title(f"{name} (stated, n={sum(attrs[name].values())})")
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    for ax in np.ravel(axes)[len(names):]:
        ax.axis("off")
    fig.suptitle(f"{stats['records']} records")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def format_stats(stats: dict[str, Any]) -> str:
    lines = [
        f"records: {stats['records']}  sources: {stats['sources']}  splits: {stats['splits']}  skipped files: {stats['problems']}",
        f"caption tokens ({stats['tokenizer']}): {stats['caption_tokens']}",
        f"QA pairs per image: {stats['qa_per_image']}  kinds: {stats['qa_kinds']}",
        f"attribute types stated per image: {stats['stated_attribute_types_per_image']}",
        "stated attributes:",
    ]
    for name, counts in stats["attributes_stated"].items():
        top = ", ".join(f"{k}: {v}" for k, v in list(counts.items())[:8])
        lines.append(f"  {name:<14} {top}")
    if stats.get("emotion_and_smile"):
        lines.append("emotion and smile labels together: "
                     + ", ".join(f"{k}: {v}" for k, v in stats["emotion_and_smile"].items()))
    return "\n".join(lines)

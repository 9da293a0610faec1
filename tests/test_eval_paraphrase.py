"""The paraphrase split of `eval understanding`: held-out wordings, yes/no balance, off-topic, consistency."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from PIL import Image

from unif2ace.data.captions import write_caption
from unif2ace.data.qa import write_all_qa
from unif2ace.data.records import FaceRecord, Label
from unif2ace.data.store import FaceStore
from unif2ace.evaluation.understanding import paraphrase_items, paraphrase_markdown, paraphrase_scores

GROUPS = {"child": 7, "teen": 15, "young adult": 28, "middle-aged": 47, "senior": 70}


def records(n: int = 12) -> list[FaceRecord]:
    rng = random.Random(0)
    out = []
    for i in range(n):
        group = list(GROUPS)[i % 5]
        attrs = {"age": GROUPS[group], "age_group": group, "gender": ["female", "male"][i % 2], "smile": bool(i % 3),
                 "emotion": rng.choice(["happy", "neutral"]), "color": "color"}
        rec = FaceRecord(id=f"r{i:02d}", image=f"r{i:02d}.png", attributes={k: Label(v) for k, v in attrs.items()},
                         meta={"stated": sorted(attrs)})
        rec.caption = write_caption(attrs, rec.id)
        rec.qa = write_all_qa(attrs, rec.caption, rec.id)
        out.append(rec)
    return out


def test_reference_answers_score_one_and_wrong_answers_score_what_they_should():
    recs = records()
    items = paraphrase_items(recs, seed=0)
    ref = [q.answer for _, q in items]
    caps = [r.caption for r in recs]
    p = paraphrase_scores(recs, items, ref, caps)
    for split in ("train", "held-out"):
        for attr in ("gender", "age_group", "smile"):
            assert p["by_split"][split][attr]["accuracy"] == 1.0, (split, attr)
    assert p["gap"]["gender"] == 0.0
    assert p["yes_no_all"]["true_premise"]["accuracy"] == 1.0 and p["yes_no_all"]["false_premise"]["accuracy"] == 1.0
    assert p["off_topic"]["all"]["accuracy"] == 1.0 and p["cant_tell"]["accuracy"] == 1.0
    assert p["age_consistency"]["accuracy"] == 1.0 and p["age_consistency"]["n"] == len(recs)
    assert p["caption_answer"]["gender"]["accuracy"] == 1.0 and p["caption_answer"]["gender"]["n"] == len(recs)
    assert p["yes_no_all"]["misnamed"]["accuracy"] == 0.0  # the training data's "no" names what was asked

    # the same answers, each false-premise gender "no" repeating its own value after "not"
    garbled = [_repeat_own_value(q, a) for (_, q), a in zip(items, ref)]
    p = paraphrase_scores(recs, items, garbled, caps)
    yn = [(q, a) for (_, q), a in zip(items, garbled) if q.kind == "yes/no"]
    bent = sum(a != q.answer for q, a in yn)
    assert bent > 0 and p["yes_no_all"]["misnamed"]["accuracy"] == pytest.approx(bent / len(yn))
    assert p["yes_no_all"]["false_premise"]["accuracy"] == 1.0  # the first word alone is still right

    # a model that always says "Yes, this is a woman aged 30" and captions everyone as a senior man
    bad = ["Yes, she is 30 years old." for _ in items]
    p = paraphrase_scores(recs, items, bad, ["An elderly man, 80 years old."] * len(recs))
    women = sum(r.attributes["gender"].value == "female" for r in recs)
    held_gender = [(i, q) for i, q in items if q.attribute == "gender" and q.kind == "open" and q.split == "held-out"]
    want = sum(recs[i].attributes["gender"].value == "female" for i, _ in held_gender) / len(held_gender)
    assert p["by_split"]["held-out"]["gender"]["accuracy"] == pytest.approx(want)
    ya = [(i, q) for i, q in items if q.kind == "age-3way" and q.split == "train"]
    assert p["by_split"]["train"]["age_group"]["accuracy"] == pytest.approx(
        sum(recs[i].attributes["age_group"].value == "young adult" for i, _ in ya) / len(ya))
    assert p["yes_no_all"]["true_premise"]["accuracy"] == 1.0 and p["yes_no_all"]["false_premise"]["accuracy"] == 0.0
    assert p["off_topic"]["all"]["accuracy"] == 0.0 and p["cant_tell"]["accuracy"] == 0.0
    assert p["age_consistency"]["accuracy"] == 1.0  # consistently wrong is still consistent
    assert p["caption_answer"]["gender"]["accuracy"] == 0.0  # caption says man, answers say woman
    assert p["caption_answer"]["age_group"]["accuracy"] == 0.0
    assert 0 < women < len(recs)


def _repeat_own_value(q, answer: str) -> str:
    """A false-premise gender answer "No, this is a girl, not a boy." as "No, this is a girl, not a girl."."""
    if q.kind != "yes/no" or q.attribute != "gender" or q.premise:
        return answer
    own, sep, _ = answer.partition(", not ")
    return f"{own}, not {own.split(' is ', 1)[1]}" if sep else answer


def test_eval_understanding_reports_the_paraphrase_split_with_the_reference_model(tmp_path):
    pytest.importorskip("sacrebleu")
    from unif2ace.cli import main

    recs = records(6)
    img = tmp_path / "img"
    img.mkdir()
    rng = np.random.default_rng(0)
    for r in recs:
        Image.fromarray(rng.integers(0, 255, (40, 40, 3), dtype=np.uint8)).save(img / r.image)
    store = FaceStore.create(tmp_path / "ds", {"source": "folder", "root": str(img)})
    store.append(recs)
    (tmp_path / "ds" / "splits.json").write_text(json.dumps({"train": ["r00", "r01"], "val": [],
                                                             "test": [r.id for r in recs]}))
    out = tmp_path / "u"
    assert main(["eval", "understanding", "--model", "reference", "--data", str(tmp_path / "ds"), "--out", str(out),
                 "--num-samples", "6", "--quiet"]) == 0
    rep = json.loads((out / "report.json").read_text())
    h = rep["headline"]
    for key in ("heldout_gender_accuracy", "heldout_age_group_accuracy", "template_gender_accuracy",
                "yes_no_true_premise", "yes_no_false_premise", "off_topic_no_rate", "caption_answer_gender",
                "caption_answer_age_group", "age_group_consistency_3_wordings"):
        assert h[key] == 1.0, key
    assert h["gender_phrasing_gap"] == 0.0
    md = (out / "report.md").read_text()
    assert "## Paraphrase split (held-out wordings)" in md and "caption–answer consistency, gender" in md
    assert "| gender | 100.0% | 100.0% | 0.0% |" in md and paraphrase_markdown({"headline": {}}) == ""
    assert main(["eval", "understanding", "--model", "reference", "--data", str(tmp_path / "ds"), "--out",
                 str(tmp_path / "v"), "--num-samples", "6", "--no-paraphrase", "--quiet"]) == 0
    assert "paraphrase" not in json.loads((tmp_path / "v" / "report.json").read_text())

"""The trainer: recipes and overrides, the data pipeline, a run folder, exact resume, the model folder.

A synthetic FaceStore (captions, QA, attributes, random 4×4 codes over 64 codes) stands in for the
real dataset, so these tests need neither ../shared nor trained tokenizers.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from unif2ace.data.records import FaceRecord, Label, QATurn
from unif2ace.data.store import FaceStore
from unif2ace.training.config import apply_overrides, from_dict, load_recipe

N_CODES, N_TOKENS = 64, 16


def make_store(folder, n: int = 24, seed: int = 0) -> FaceStore:
    rng = np.random.default_rng(seed)
    store = FaceStore.create(folder, {"source": "synthetic", "root": "."})
    recs = []
    for i in range(n):
        gender = ["female", "male"][i % 2]
        group = ["child", "young adult", "senior"][i % 3]
        smile = bool(i % 4 < 2)
        noun = {"female": "woman", "male": "man"}[gender]
        caption = f"A {'smiling' if smile else 'serious'} {group} {noun} faces the camera."
        qa = [QATurn("Is this person smiling?", "Yes." if smile else "No.", "yes/no"),
              QATurn("Which age group?", group.capitalize() + ".", "which"),
              QATurn("Describe this face in detail.", caption, "describe")]
        attrs = {"gender": Label(gender), "age_group": Label(group), "smile": Label(smile, 0.9, "landmarks"),
                 "head_pose": Label("turned left", 0.9, "landmarks")}
        recs.append(FaceRecord(id=f"r{i:03d}", image=f"r{i:03d}.jpg", caption=caption, qa=qa, attributes=attrs,
                               source="synthetic", meta={"stated": ["gender", "age_group", "smile", "head_pose"]}))
    store.append(recs)
    store.write_splits((0.75, 0.25, 0.0), seed=0)
    ids = sorted(r.id for r in recs)
    codes = torch.from_numpy(rng.integers(0, N_CODES, (n, N_TOKENS)))
    meta = {"codebook_size": str(N_CODES), "num_tokens": str(N_TOKENS), "resolution": "32", "tokenizer": "synthetic"}
    store.write_shard("codes", "synth", ids[: n // 2], codes[: n // 2], meta=meta)
    store.write_shard("codes", "synth", ids[n // 2:], codes[n // 2:], meta=meta)
    return store


def tiny_recipe(tmp_path, **extra) -> dict:
    doc = {
        "out": str(tmp_path / "run"), "steps": 4, "batch_size": 4, "mmu_fraction": 0.5, "seed": 0,
        "precision": "fp32", "log_every": 1, "eval_every": 2, "eval_examples": 4, "sample_every": 0,
        "ckpt_every": 2, "keep_last": 2, "sample_photos": 2,
        "model": {"preset": "tiny", "overrides": {"num_layers": 2, "hidden_size": 64, "num_heads": 2,
                                                  "intermediate_size": 128, "max_text_len": 32,
                                                  "max_position_embeddings": 128}},
        "data": {"dataset": str(tmp_path / "data"), "codes": "synth", "text_tokenizer": "bpe-1024",
                 "max_answer_tokens": 24},
        "optim": {"lr": 3e-3, "warmup_steps": 1},
    }
    return apply_overrides(doc, [f"{k}={v}" for k, v in extra.items()])


@pytest.fixture
def data(tmp_path):
    return make_store(tmp_path / "data")


def test_recipe_overrides_and_unknown_keys(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("steps: 3\noptim:\n  lr: 0.01\n")
    cfg = load_recipe(path, ["optim.lr=2e-3", "model.overrides.num_layers=2", "ema=0.99"])
    assert cfg.steps == 3 and cfg.optim.lr == 2e-3 and cfg.model.overrides == {"num_layers": 2} and cfg.ema == 0.99
    with pytest.raises(ValueError, match="unknown recipe keys"):
        from_dict({"stpes": 3})
    with pytest.raises(ValueError, match="section 'optim'"):
        from_dict({"optim": {"learning_rate": 1}})

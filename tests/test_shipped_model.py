"""The shipped default model loads from the package and runs both directions."""

import json

import pytest
import torch

from unif2ace.pipeline import DEFAULT_MODEL_DIR, UniF2ace

pytestmark = pytest.mark.skipif(not (DEFAULT_MODEL_DIR / "config.json").is_file(), reason="no shipped model")


def test_shipped_model_generates_and_answers():
    gen = json.loads((DEFAULT_MODEL_DIR / "generation_config.json").read_text())
    size = sum(f.stat().st_size for f in DEFAULT_MODEL_DIR.rglob("*") if f.is_file())
    assert size <= 60 * 2**20  # the repository's budget for shipped weights
    pipe = UniF2ace.from_pretrained()
    assert pipe.config.token_moe is not None and pipe.config.sequence_moe is not None
    faces = pipe.generate("a smiling young woman", steps=2, seed=0)
    assert faces[0].size == (gen["image_size"], gen["image_size"])
    answer = pipe.ask(faces, "Is this a man or a woman?", align=False, max_new_tokens=12)[0]
    assert answer.strip() and torch.is_tensor(pipe.encode_images(faces))

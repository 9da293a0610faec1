"""Shipping a model folder in fp16: smaller files, same architecture, weights equal up to fp16 rounding."""

import json

import torch
from safetensors import safe_open

from unif2ace.checkpoint import load_pretrained
from unif2ace.pipeline import write_random_model
from unif2ace.training.export import reexport


def test_reexport_fp16_halves_weights_and_loads(tmp_path):
    src = write_random_model(tmp_path / "m", preset="tiny", image_size=32)
    out = reexport(src, tmp_path / "m16", torch.float16)
    for part in ("model.safetensors", "image_tokenizer/model.safetensors"):
        with safe_open(str(out / part), "pt") as f:
            assert {f.get_tensor(k).dtype for k in f.keys()} == {torch.float16}
    assert (out / "model.safetensors").stat().st_size < 0.6 * (src / "model.safetensors").stat().st_size
    a, b = load_pretrained(src), load_pretrained(out)
    for (k, va), (_, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert torch.allclose(va, vb, rtol=1e-3, atol=1e-4), k
    gen = [json.loads((f / "generation_config.json").read_text()) for f in (src, out)]
    assert gen[0] == gen[1]


def test_exporting_over_a_folder_keeps_its_model_card(tmp_path):
    src = write_random_model(tmp_path / "m", preset="tiny", image_size=32)
    out = reexport(src, tmp_path / "shipped", torch.float16)
    (out / "README.md").write_text("# model card\n")
    (out / "stale.bin").write_bytes(b"x")
    reexport(src, out, torch.float16)
    assert (out / "README.md").read_text() == "# model card\n"
    assert not (out / "stale.bin").exists()  # everything else is the new export's

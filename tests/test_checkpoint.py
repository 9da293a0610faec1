"""Show-o / Phi-1.5 / own checkpoints load through one explicit mapping; errors list every key."""

import pytest
import torch
from safetensors.torch import save_file

from unif2ace.checkpoint import (
    CheckpointError,
    load_backbone,
    load_pretrained,
    read_state_dict,
    save_pretrained,
)
from unif2ace.config import ModelConfig
from unif2ace.model import UniF2aceModel


def dense_cfg(**kw):
    return ModelConfig.from_name("tiny", token_moe=None, sequence_moe=None, **kw)


def as_showo(model):
    """Our state dict under Show-o's names (showo.model.* / showo.lm_head.*)."""
    return {("showo." + k if k.startswith("lm_head") else "showo.model." + k): v.clone()
            for k, v in model.state_dict().items()}


def test_showo_checkpoint_file_loads_with_qk_layernorms(tmp_path):
    torch.manual_seed(0)
    src = UniF2aceModel(dense_cfg()).eval()
    sd = as_showo(src)
    assert any(k.endswith("self_attn.q_layernorm.weight") for k in sd)
    path = tmp_path / "showo.safetensors"
    save_file(sd, str(path))
    dst = UniF2aceModel(ModelConfig.from_name("tiny")).eval()  # MoE model: upcycled from the dense checkpoint
    report = load_backbone(dst, read_state_dict(path))
    assert all("moe" in k for k in report["initialised"])
    ids = torch.randint(0, src.config.vocab_size, (2, 9))
    with torch.no_grad():
        assert torch.equal(dst(ids, groups=torch.tensor([0, 1])).logits, src(ids).logits)


def test_plain_phi_checkpoint_initialises_qk_layernorm_and_resizes_vocab():
    pytest.importorskip("transformers")
    import transformers

    cfg = dense_cfg()
    hf = transformers.PhiForCausalLM(transformers.PhiConfig(
        vocab_size=cfg.vocab_size + 37, hidden_size=cfg.hidden_size, intermediate_size=cfg.intermediate_size,
        num_hidden_layers=cfg.num_layers, num_attention_heads=cfg.num_heads, qk_layernorm=False))
    ours = UniF2aceModel(cfg)
    report = load_backbone(ours, hf.state_dict(), source="phi")
    assert any("q_layernorm" in k for k in report["initialised"])
    ln = ours.layers[0].self_attn.q_layernorm
    assert torch.equal(ln.weight, torch.ones_like(ln.weight)) and torch.equal(ln.bias, torch.zeros_like(ln.bias))
    # like resize_token_embeddings: the first min(V_ckpt, V) rows are copied
    assert torch.equal(ours.embed_tokens.weight, hf.model.embed_tokens.weight[: cfg.vocab_size])


def test_mismatched_checkpoint_lists_missing_and_unexpected_keys():
    sd = as_showo(UniF2aceModel(dense_cfg()))
    del sd["showo.model.layers.1.mlp.fc1.weight"]
    sd["showo.model.layers.9.mlp.fc1.weight"] = torch.zeros(1)
    sd["mm_projector.0.weight"] = torch.zeros(1)
    with pytest.raises(CheckpointError) as err:
        load_backbone(UniF2aceModel(dense_cfg()), sd)
    msg = str(err.value)
    assert "layers.1.mlp.fc1.weight" in msg and "layers.9.mlp.fc1.weight" in msg and "mm_projector.0.weight" in msg


def test_wrong_config_gives_shape_error():
    sd = as_showo(UniF2aceModel(dense_cfg()))
    with pytest.raises(CheckpointError, match="shape mismatch"):
        load_backbone(UniF2aceModel(dense_cfg(intermediate_size=256)), sd)


def test_save_and_load_pretrained_round_trip(tmp_path):
    model = UniF2aceModel(ModelConfig.from_name("tiny")).eval()
    save_pretrained(model, tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["config.json", "model.safetensors"]
    loaded = load_pretrained(tmp_path / "m").eval()
    ids = torch.randint(0, model.config.vocab_size, (1, 7))
    with torch.no_grad():
        assert torch.equal(loaded(ids, features={"noise": torch.zeros(1, 16)}).logits,
                           model(ids, features={"noise": torch.zeros(1, 16)}).logits)


def test_corrupt_or_missing_checkpoint_errors(tmp_path):
    bad = tmp_path / "model.safetensors"
    bad.write_bytes(b"not a safetensors file")
    with pytest.raises(CheckpointError, match="corrupt"):
        read_state_dict(bad)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no weights"):
        read_state_dict(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_state_dict(tmp_path / "nope.safetensors")


def test_build_for_loading_skips_the_fills_and_restores_them(tmp_path):
    """A model built for loading has the shapes, the rotary frequencies and, once loaded, the weights of a
    normally built one, and torch.nn.init is left as it was, also when the build fails."""
    from unif2ace.model import build_for_loading

    before = {n: getattr(torch.nn.init, n) for n in dir(torch.nn.init)}
    cfg = ModelConfig.from_name("tiny")
    torch.manual_seed(0)
    ref = UniF2aceModel(cfg).eval()
    built = build_for_loading(cfg)
    assert {n: getattr(torch.nn.init, n) for n in dir(torch.nn.init)} == before
    assert {k: v.shape for k, v in built.state_dict().items()} == {k: v.shape for k, v in ref.state_dict().items()}
    assert torch.equal(built.rotary.inv_freq, ref.rotary.inv_freq)
    save_pretrained(ref, tmp_path / "m")
    loaded = load_pretrained(tmp_path / "m").eval()
    ids = torch.randint(0, cfg.vocab_size, (2, 9))
    with torch.no_grad():
        assert torch.equal(loaded(ids, groups=torch.tensor([0, 1])).logits, ref(ids, groups=torch.tensor([0, 1])).logits)
    from unittest import mock

    def fail(self, config):
        assert torch.nn.init.normal_ is not before["normal_"]  # inside the build: the fills are off
        raise RuntimeError("build failed")

    with mock.patch.object(UniF2aceModel, "__init__", fail), pytest.raises(RuntimeError, match="build failed"):
        build_for_loading(cfg)
    assert {n: getattr(torch.nn.init, n) for n in dir(torch.nn.init)} == before


def test_loading_the_shipped_model_does_not_import_the_compiler():
    """from_pretrained, a caption and a face never import torch._dynamo (1.5 s of a CPU command's start):
    building on the meta device did, through torch's Python references."""
    import subprocess
    import sys

    code = ("import sys, torch\n"
            "from PIL import Image\n"
            "from unif2ace.pipeline import UniF2ace\n"
            "pipe = UniF2ace.from_pretrained(None, device='cpu', dtype=torch.float32)\n"
            "pipe.generate_codes(['a smiling woman'], seed=0, steps=2)\n"
            "pipe.caption([Image.new('RGB', (64, 64), (120, 100, 90))], align=False, max_new_tokens=4)\n"
            "print('torch._dynamo' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "False"

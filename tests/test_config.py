"""Presets, parameter counts at full size (meta device), config files and the CLI entry point."""

import json
import subprocess
import sys

import pytest
import torch

from unif2ace.config import ModelConfig
from unif2ace.model import UniF2aceModel


def build_meta(name):
    with torch.device("meta"):
        return UniF2aceModel(ModelConfig.from_name(name))


def test_showo_preset_has_showo_exact_parameter_count():
    assert build_meta("showo-1.3b").num_parameters() == 1_448_176_770
    plain = ModelConfig.from_name("showo-1.3b", qk_layernorm=False)
    with torch.device("meta"):
        assert UniF2aceModel(plain).num_parameters() == 1_448_170_626


def test_unif2ace_preset_size():
    model = build_meta("unif2ace-1.8b")
    total = model.num_parameters()
    assert 1.84e9 < total < 1.88e9, total
    # token MoE: 24 layers × (2 groups × 8 experts × (2048·256·2 + 256 + 2048) + 16 routers × 2048)
    moe = sum(p.numel() for n, p in model.named_parameters() if "token_moe" in n)
    assert moe == 24 * (16 * (2048 * 256 * 2 + 256 + 2048) + 16 * 2048)


def test_config_round_trip_and_errors(tmp_path):
    cfg = ModelConfig.from_name("tiny")
    cfg.save(tmp_path)
    assert ModelConfig.load(tmp_path) == cfg
    (tmp_path / "config.json").write_text(json.dumps({"hidden_size": 10, "bogus": 1}))
    with pytest.raises(ValueError, match="unknown keys"):
        ModelConfig.load(tmp_path)
    with pytest.raises(ValueError, match="not divisible"):
        ModelConfig.from_name("tiny", num_heads=3)
    with pytest.raises(ValueError, match="unknown model preset"):
        ModelConfig.from_name("huge")
    with pytest.raises(FileNotFoundError):
        ModelConfig.load(tmp_path / "missing")


def test_cli_help_and_info():
    out = subprocess.run([sys.executable, "-m", "unif2ace", "--help"], capture_output=True, text=True, check=True)
    assert "unif2ace" in out.stdout
    out = subprocess.run([sys.executable, "-m", "unif2ace", "info", "showo-1.3b"], capture_output=True, text=True,
                         check=True)
    assert "1,448,176,770" in out.stdout

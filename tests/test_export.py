"""Shipping a model folder in fp16: smaller files, same architecture, weights equal up to fp16 rounding."""

import json

import pytest
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


def _perturbed_copy(src, out, scale, seed):
    """A model folder with ``src``'s architecture and tokenizers and weights moved by seeded noise."""
    from unif2ace.training.export import export_model_folder, read_generation_config

    model = load_pretrained(src)
    g = torch.Generator().manual_seed(seed)
    state = {k: (v + scale * torch.randn(v.shape, generator=g) if v.is_floating_point() else v)
             for k, v in model.state_dict().items()}
    return export_model_folder(model, src / "text_tokenizer", src / "image_tokenizer", out,
                               read_generation_config(src), state_dict=state)


def test_average_is_the_weighted_mean_of_the_weights(tmp_path):
    from safetensors.torch import load_file

    from unif2ace.training.export import average_models

    a = write_random_model(tmp_path / "a", preset="tiny", image_size=32)
    (a / "README.md").write_text("# model a\n")
    b = _perturbed_copy(a, tmp_path / "b", 0.5, seed=1)
    c = _perturbed_copy(a, tmp_path / "c", 0.5, seed=2)
    out = average_models([a, b, c], tmp_path / "soup", weights=[0.2, 0.3, 0.5])
    got = load_file(str(out / "model.safetensors"))
    ws = [load_file(str(f / "model.safetensors")) for f in (a, b, c)]
    changed = 0
    for key, v in got.items():
        ref = 0.2 * ws[0][key].double() + 0.3 * ws[1][key].double() + 0.5 * ws[2][key].double()
        assert v.dtype == ws[0][key].dtype
        assert torch.allclose(v.double(), ref, rtol=0, atol=1e-6), key
        changed += not torch.equal(v, ws[0][key])
    assert changed > 0
    model = load_pretrained(out)  # loads and runs
    assert torch.isfinite(model(torch.zeros(1, 4, dtype=torch.long)).logits).all()
    assert json.loads((out / "generation_config.json").read_text()) == json.loads(
        (a / "generation_config.json").read_text())
    assert (out / "README.md").read_text() == (a / "README.md").read_text()  # the first model's card
    # weight 1 on one model gives that model back exactly
    one = average_models([a, b], tmp_path / "one", weights=[0.0, 1.0])
    assert all(torch.equal(v, ws[1][k]) for k, v in load_file(str(one / "model.safetensors")).items())


def test_average_refuses_models_that_do_not_match(tmp_path):
    import pytest

    from unif2ace.training.export import average_models

    a = write_random_model(tmp_path / "a", preset="tiny", image_size=32)
    other_tokenizer = write_random_model(tmp_path / "b", preset="tiny", image_size=32, seed=3)
    with pytest.raises(ValueError, match="image tokenizers"):
        average_models([a, other_tokenizer], tmp_path / "x")
    with pytest.raises(ValueError, match="sum to 1"):
        average_models([a, a], tmp_path / "x", weights=[0.5, 0.6])
    with pytest.raises(ValueError, match="one weight per model"):
        average_models([a, a], tmp_path / "x", weights=[1.0])
    with pytest.raises(FileNotFoundError, match="not a model folder"):
        average_models([a, tmp_path], tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_average_of_one_group_leaves_the_other_group_computing_exactly_as_before(tmp_path):
    """--group und: the und group's own weights (routed experts and their router rows, the sequence router,
    the clip/face injection experts) averaged, every other weight the first model's; a gen row's logits are
    then bitwise the first model's, an und row's are not (and the same the other way round)."""
    from safetensors.torch import load_file

    from unif2ace.training.export import average_models, group_only_weights

    base = write_random_model(tmp_path / "base", preset="tiny", image_size=32)
    a = _perturbed_copy(base, tmp_path / "a", 0.05, seed=3)  # routed experts' w2 no longer zero
    b = _perturbed_copy(base, tmp_path / "b", 0.05, seed=4)
    ids = torch.randint(0, 1000, (2, 12), generator=torch.Generator().manual_seed(0))
    g = torch.Generator().manual_seed(1)
    feats = {0: {"semantic": torch.randn(2, 64, generator=g), "identity": torch.randn(2, 32, generator=g)},
             1: {"noise": torch.randn(2, 16, generator=g)}}

    def logits(folder, group):
        with torch.no_grad():
            return load_pretrained(folder).eval()(ids, groups=torch.full((2,), group), features=feats[group]).logits

    wa, wb = (load_file(str(f / "model.safetensors")) for f in (a, b))
    for name, kept, mixed in (("und", 1, 0), ("gen", 0, 1)):
        out = average_models([a, b], tmp_path / name, weights=[0.0, 1.0], group=name)
        got = load_file(str(out / "model.safetensors"))
        only = group_only_weights(load_pretrained(a).config, name, got)
        assert any(".token_moe." in k for k in only) and any(".sequence_moe.routers." in k for k in only)
        for key, v in got.items():
            part = only.get(key, ...)
            if key not in only:
                assert torch.equal(v, wa[key]), key
            else:
                part = slice(None) if part is None else part
                assert torch.equal(v[part], wb[key][part]), key
                rest = torch.ones(v.shape[0], dtype=torch.bool)
                rest[part] = False
                assert torch.equal(v[rest], wa[key][rest]), key
        assert torch.equal(logits(out, kept), logits(a, kept))  # the other group: exactly the first model
        assert not torch.allclose(logits(out, mixed), logits(a, mixed))
    with pytest.raises(ValueError, match="choose one of und, gen"):
        group_only_weights(load_pretrained(a).config, "both", got)

"""The backbone equals Hugging Face's PhiForCausalLM with the same weights; the KV cache is exact."""

import pytest
import torch

from unif2ace.checkpoint import load_backbone
from unif2ace.config import ModelConfig
from unif2ace.model import UniF2aceModel

transformers = pytest.importorskip("transformers")


def tiny_dense(qk: bool) -> ModelConfig:
    return ModelConfig(name="t", text_vocab_size=90, eot_token_id=0, codebook_size=20, hidden_size=64,
                       num_layers=2, num_heads=4, intermediate_size=128, qk_layernorm=qk,
                       max_position_embeddings=128)


def hf_phi(cfg: ModelConfig):
    hf_cfg = transformers.PhiConfig(
        vocab_size=cfg.vocab_size, hidden_size=cfg.hidden_size, intermediate_size=cfg.intermediate_size,
        num_hidden_layers=cfg.num_layers, num_attention_heads=cfg.num_heads,
        partial_rotary_factor=cfg.partial_rotary_factor, qk_layernorm=cfg.qk_layernorm,
        max_position_embeddings=cfg.max_position_embeddings, layer_norm_eps=cfg.layer_norm_eps,
        resid_pdrop=0.0, embd_pdrop=0.0, attention_dropout=0.0, hidden_act="gelu_new",
    )
    torch.manual_seed(0)
    model = transformers.PhiForCausalLM(hf_cfg).eval()
    with torch.no_grad():  # non-trivial LayerNorms so a misplaced norm is caught
        for name, p in model.named_parameters():
            if "layernorm" in name:
                p.add_(0.1 * torch.randn_like(p))
    return model


@pytest.mark.parametrize("qk", [False, True])
def test_logits_equal_hf_phi(qk):
    cfg = tiny_dense(qk)
    ref = hf_phi(cfg)
    ours = UniF2aceModel(cfg).eval()
    load_backbone(ours, ref.state_dict(), source="phi")
    ids = torch.randint(0, cfg.vocab_size, (3, 17), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = ref(input_ids=ids).logits
        got = ours(ids).logits
    assert (got - expected).abs().max().item() <= 1e-5


def test_padding_mask_equals_hf():
    cfg = tiny_dense(True)
    ref = hf_phi(cfg)
    ours = UniF2aceModel(cfg).eval()
    load_backbone(ours, ref.state_dict(), source="phi")
    ids = torch.randint(0, cfg.vocab_size, (2, 12), generator=torch.Generator().manual_seed(2))
    am = torch.ones(2, 12, dtype=torch.long)
    am[1, 9:] = 0  # right padding on row 1
    with torch.no_grad():
        expected = ref(input_ids=ids, attention_mask=am).logits
        got = ours(ids, attention_mask=am.bool()).logits
    assert (got[0] - expected[0]).abs().max() <= 1e-5
    assert (got[1, :9] - expected[1, :9]).abs().max() <= 1e-5


def test_kv_cache_decoding_equals_full_recompute():
    cfg = ModelConfig.from_name("tiny")  # with both MoE levels
    torch.manual_seed(0)
    model = UniF2aceModel(cfg).eval()
    _randomise_moe(model)
    ids = torch.randint(0, cfg.text_vocab_size, (2, 14), generator=torch.Generator().manual_seed(3))
    router = torch.zeros(2, 14, dtype=torch.bool)
    router[:, :8] = True
    noise = torch.randn(2, cfg.sequence_moe.noise_dim)
    with torch.no_grad():
        full = model(ids, router_mask=router, features={"noise": noise}).logits
        cache = model.new_kv_cache(2, 32)
        prefill = model(ids[:, :8], kv_cache=cache, router_mask=router[:, :8], features={"noise": noise}).logits
        steps = [model(ids[:, i:i + 1], kv_cache=cache, features={"noise": noise}).logits for i in range(8, 14)]
    cached = torch.cat([prefill] + steps, dim=1)
    assert (cached - full).abs().max() <= 1e-5


def _randomise_moe(model):
    """Give routers and routed experts non-trivial weights so MoE paths matter in equality tests."""
    g = torch.Generator().manual_seed(123)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "token_moe" in name or "sequence_moe" in name:
                p.copy_(torch.randn(p.shape, generator=g) * 0.2)

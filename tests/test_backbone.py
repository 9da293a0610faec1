"""The backbone equals Hugging Face's PhiForCausalLM with the same weights; the KV cache is exact."""

import copy

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




def _one_query_attention(module, x, past_k, past_v, mask, dtype, cache_dtype):
    """module's output (B, 1, d) in float64 for one new query after past keys/values (B, H, S-1, D),
    the module in ``dtype``, its KV cache in ``cache_dtype``."""
    from unif2ace.model.attention import KVCache, RotaryEmbedding

    B, H, S1, D = past_k.shape
    cfg = tiny_dense(qk=True)
    cos, sin = RotaryEmbedding(cfg.rotary_dim, cfg.rope_theta)(torch.full((B, 1), S1), torch.float32)
    cache = KVCache(1, B, H, D, S1 + 1, dtype=cache_dtype)
    cache.keys[0][:, :, :S1] = past_k.to(dtype).to(cache_dtype)  # what a prefill in `dtype` would have stored
    cache.values[0][:, :, :S1] = past_v.to(dtype).to(cache_dtype)
    cache.length = S1
    with torch.no_grad():
        m = copy.deepcopy(module).to(dtype)
        out = m(x.to(dtype), cos.to(dtype), sin.to(dtype), mask, kv_cache=cache)
    assert out.dtype == dtype
    return out.double()


def test_bf16_decoding_with_an_fp32_cache_is_as_close_to_float64_as_a_bf16_cache():
    """Text decoding in bf16 on a CPU keeps its KV cache in fp32 (generation/text.py: SDPA's one-query
    bf16 path is ~4× slower there), so attention runs in fp32: its error against float64 must not
    exceed the all-bf16 error, with a padding mask and keys of several lengths; fp32 is exact."""
    from unif2ace.generation.text import _cache_dtype
    from unif2ace.model.attention import Attention

    assert _cache_dtype(torch.zeros(1, dtype=torch.bfloat16)) == torch.float32
    assert _cache_dtype(torch.zeros(1, dtype=torch.float32)) == torch.float32
    cfg = tiny_dense(qk=True)
    g = torch.Generator().manual_seed(0)
    attn = Attention(cfg, 0).eval()
    with torch.no_grad():
        for p in attn.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.3)
    B, H, D = 3, cfg.num_heads, cfg.head_dim
    for S in (1, 17, 300):
        x = torch.randn(B, 1, cfg.hidden_size, generator=g)
        past = torch.randn(B, H, S - 1, D, generator=g), torch.randn(B, H, S - 1, D, generator=g)
        mask = torch.ones(B, 1, 1, S, dtype=torch.bool)
        mask[0, ..., : S // 3] = False  # a left-padded row
        exact = _one_query_attention(attn, x, *past, mask, torch.float64, torch.float64)
        bf16 = (_one_query_attention(attn, x, *past, mask, torch.bfloat16, torch.bfloat16) - exact).abs().max()
        wide = (_one_query_attention(attn, x, *past, mask, torch.bfloat16, torch.float32) - exact).abs().max()
        assert wide <= bf16 * 1.05 + 1e-3, (S, float(wide), float(bf16))
        fp32 = _one_query_attention(attn, x, *past, mask, torch.float32, torch.float32)
        assert (fp32 - exact).abs().max() <= 1e-5

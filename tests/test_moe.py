"""Grouped token-level and sequence-level MoE against naive references and their invariants."""

import math

import torch
import torch.nn.functional as F

from unif2ace.checkpoint import load_backbone
from unif2ace.config import ModelConfig
from unif2ace.model import GROUP_GEN, GROUP_UND, UniF2aceModel
from unif2ace.model.moe import GroupedTokenMoE, balance_loss
from unif2ace.sequences import SequenceBuilder


def randomise(module, seed=0, scale=0.2):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype) * scale)


def naive_token_moe(moe: GroupedTokenMoE, x, group):
    """Per-token loop in float64: route with the token's group router, sum gated expert outputs."""
    E, k = moe.num_experts, moe.top_k
    W = moe.router.weight.double()
    out = torch.zeros_like(x, dtype=torch.float64)
    for b in range(x.shape[0]):
        g = int(group[b])
        for t in range(x.shape[1]):
            v = x[b, t].double()
            probs = (W[g * E:(g + 1) * E] @ v).softmax(-1)
            top = probs.topk(k)
            gates = top.values / top.values.sum()
            for gate, e in zip(gates, top.indices):
                j = g * E + int(e)
                h = F.gelu(v @ moe.w1[j].double() + moe.b1[j].double(), approximate="tanh")
                out[b, t] += gate * (h @ moe.w2[j].double() + moe.b2[j].double())
    return out


def test_token_routing_equals_naive_reference():
    cfg = ModelConfig.from_name("tiny")
    moe = GroupedTokenMoE(cfg)
    randomise(moe)
    x = torch.randn(3, 7, cfg.hidden_size)
    group = torch.tensor([GROUP_UND, GROUP_GEN, GROUP_GEN])
    got, _ = moe(x, group)
    expected = naive_token_moe(moe, x, group)
    assert torch.allclose(got.double(), expected, atol=1e-5)


def test_padding_tokens_are_not_routed():
    cfg = ModelConfig.from_name("tiny")
    moe = GroupedTokenMoE(cfg)
    randomise(moe)
    x = torch.randn(2, 5, cfg.hidden_size)
    valid = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    group = torch.tensor([0, 1])
    got, _ = moe(x, group, valid)
    full, _ = moe(x, group)
    assert (got[0, 3:] == 0).all()
    assert torch.allclose(got[valid], full[valid], atol=1e-6)


def test_balance_loss_equals_formula():
    cfg = ModelConfig.from_name("tiny")
    moe = GroupedTokenMoE(cfg).train()
    randomise(moe, seed=1)
    x = torch.randn(4, 6, cfg.hidden_size)
    group = torch.tensor([0, 0, 1, 1])
    _, aux = moe(x, group)
    E, k, lam = moe.num_experts, moe.top_k, moe.balance_coef
    expected = 0.0
    for g in (0, 1):
        xs = x[group == g].reshape(-1, cfg.hidden_size).double()
        probs = (xs @ moe.router.weight[g * E:(g + 1) * E].double().T).softmax(-1)
        chosen = probs.topk(k).indices
        f = torch.stack([(chosen == i).sum() for i in range(E)]).double() / (k * xs.shape[0])
        P = probs.mean(0)
        expected += lam * E * float((f * P).sum().detach())
    assert abs(float(aux) - expected) < 1e-6
    # perfectly balanced routing gives E·Σ (1/E)(1/E) = 1
    uniform = torch.full((8, 4), 0.25)
    chosen = torch.arange(8).remainder(4).unsqueeze(1)
    assert abs(float(balance_loss(uniform, chosen, 4)) - 1.0) < 1e-6


def test_upcycled_dense_checkpoint_gives_dense_outputs_exactly():
    moe_cfg = ModelConfig.from_name("tiny")
    dense_cfg = moe_cfg.replace(token_moe=None, sequence_moe=None)
    torch.manual_seed(0)
    dense = UniF2aceModel(dense_cfg).eval()
    upcycled = UniF2aceModel(moe_cfg).eval()
    report = load_backbone(upcycled, dense.state_dict(), source="unif2ace", allow_new=True)
    assert any("token_moe" in k for k in report["initialised"])
    b = SequenceBuilder(moe_cfg)
    t2i = b.t2i([[5, 6, 7], [8]], torch.randint(0, moe_cfg.codebook_size, (2, 9)))
    mmu = b.mmu(torch.randint(0, moe_cfg.codebook_size, (2, 9)), [[([9, 10], False), ([11], True)]] * 2)
    for batch in (t2i, mmu):
        with torch.no_grad():
            expected = dense(batch.input_ids, **batch.model_inputs()).logits
            got = upcycled(batch.input_ids, **batch.model_inputs()).logits
        assert torch.equal(got, expected)


def test_sequence_router_ignores_generated_tokens():
    cfg = ModelConfig.from_name("tiny")
    torch.manual_seed(0)
    model = UniF2aceModel(cfg).eval()
    randomise(model, seed=3, scale=0.1)
    b = SequenceBuilder(cfg)
    prompts = [[5, 6, 7], [8, 9]]
    noise = torch.randn(2, cfg.sequence_moe.noise_dim)
    routes = []
    for seed in (0, 1):  # different image tokens being generated
        codes = torch.randint(0, cfg.codebook_size, (2, 9), generator=torch.Generator().manual_seed(seed))
        batch = b.t2i(prompts, codes)
        cache = model.new_kv_cache(2, batch.input_ids.shape[1])
        with torch.no_grad():
            model(batch.input_ids, **batch.model_inputs(), features={"noise": noise}, kv_cache=cache)
        routes.append(cache.state["routes"])
    for (i0, g0), (i1, g1) in zip(*routes):
        # same experts; gates equal up to float summation order (matmuls over different totals)
        assert torch.equal(i0, i1) and torch.allclose(g0, g1, atol=1e-6, rtol=0)
    # …while a different prompt changes the routing input
    codes = torch.zeros(2, 9, dtype=torch.long)
    x = [b.t2i(p, codes) for p in (prompts, [[1, 2, 3], [4, 4]])]
    pooled = []
    for batch in x:
        out = model(batch.input_ids, **batch.model_inputs(), features={"noise": noise}, return_hidden=True)
        pooled.append(out.hidden_states)
    assert not torch.allclose(pooled[0], pooled[1])


def test_missing_features_are_never_routed():
    cfg = ModelConfig.from_name("tiny")
    model = UniF2aceModel(cfg).eval()
    moe = model.layers[0].sequence_moe
    with torch.no_grad():  # make the CLIP and Face experts the router's favourites
        moe.routers[0].bias.copy_(torch.tensor([10.0, 9.0, 0.0, 0.0]))
    h = torch.randn(2, 5, cfg.hidden_size)
    group = torch.tensor([GROUP_UND, GROUP_UND])
    mask = torch.ones(2, 5, dtype=torch.bool)
    _, top_i, _ = moe.route(h, group, mask, available={"semantic": torch.tensor([True, False])})
    assert 0 in top_i[0].tolist()  # the CLIP expert where semantic features exist
    assert not {0, 1} & set(top_i[1].tolist())  # neither injection expert where nothing was given


def test_sequence_moe_matches_expert_definitions():
    """y = Σ gate·E(h) with copy(h)=h, zero(h)=0, inject(h)=w·h+(1−w)·LN(S(F)), checked per sequence."""
    cfg = ModelConfig.from_name("tiny")
    model = UniF2aceModel(cfg).eval()
    randomise(model, seed=5, scale=0.3)
    moe, shared = model.layers[1].sequence_moe, model.sequence_moe_shared
    h = torch.randn(2, 4, cfg.hidden_size)
    feats = {"semantic": torch.randn(2, cfg.sequence_moe.semantic_dim), "noise": torch.randn(2, cfg.sequence_moe.noise_dim),
             "identity": torch.randn(2, cfg.sequence_moe.identity_dim)}
    vectors = shared.vectors(feats)
    top_i = torch.tensor([[0, 2], [2, 1]])
    gates = torch.tensor([[0.7, 0.3], [0.4, 0.6]])
    group = torch.tensor([GROUP_UND, GROUP_GEN])
    got = moe(h, group, (top_i, gates), vectors)
    w = moe.gate_logits["semantic"].softmax(0)[0]
    v_sem = moe.inject_norms["semantic"](vectors["semantic"])
    w_n = moe.gate_logits["noise"].softmax(0)[0]
    v_noise = moe.inject_norms["noise"](vectors["noise"])
    # row 0 (und: clip, face, copy, copy): 0.7·clip + 0.3·copy
    exp0 = 0.7 * (w * h[0] + (1 - w) * v_sem[0]) + 0.3 * h[0]
    # row 1 (gen: copy, zero, noise, copy): 0.4·noise + 0.6·zero
    exp1 = 0.4 * (w_n * h[1] + (1 - w_n) * v_noise[1])
    assert torch.allclose(got[0], exp0, atol=1e-5) and torch.allclose(got[1], exp1, atol=1e-5)


def test_sequence_router_leaves_copy_copy_under_training():
    """From the identity start (Copy+Copy), the balance loss gives the router a gradient, so training
    moves probability to the other experts (the task loss alone cannot: both Copies output h)."""
    cfg = ModelConfig.from_name("tiny")
    model = UniF2aceModel(cfg).train()
    b = SequenceBuilder(cfg)
    batch = b.t2i([[5, 6, 7], [8, 9]], torch.randint(0, cfg.codebook_size, (2, 9)))
    out = model(batch.input_ids, **batch.model_inputs())
    out.aux_loss.backward()
    router = model.layers[0].sequence_moe.routers[1]  # gen group
    assert router.bias.grad is not None and router.bias.grad.abs().sum() > 0
    copy = [i for i, e in enumerate(cfg.sequence_moe.gen_experts) if e == "copy"]
    assert (router.bias.grad[copy] > 0).all()  # descending the loss lowers the Copies' logits


def test_reset_router_with_negative_copy_bias_routes_to_the_feature_expert():
    """Re-initialising only the understanding routers with a negative Copy bias makes the face expert
    win (with one Copy) wherever identity features exist, and leaves the generation routers alone."""
    cfg = ModelConfig.from_name("tiny")
    model = UniF2aceModel(cfg)
    moe = model.layers[0].sequence_moe
    with torch.no_grad():
        moe.routers[1].bias.add_(0.25)
    gen_before = moe.routers[1].bias.clone()
    moe.reset_router(["und"], copy_bias=-1.0)
    und = cfg.sequence_moe.und_experts
    assert moe.routers[0].bias.tolist() == [-1.0 if e == "copy" else 0.0 for e in und]
    assert torch.equal(moe.routers[1].bias, gen_before)
    h = torch.randn(2, 5, cfg.hidden_size)
    group = torch.tensor([GROUP_UND, GROUP_UND])
    mask = torch.ones(2, 5, dtype=torch.bool)
    probs, top_i, gates = moe.route(h, group, mask, available={"identity": torch.tensor([True, False])})
    face = und.index("face")
    assert face in top_i[0].tolist() and face not in top_i[1].tolist()
    # gates of face + copy: e^0 / (e^0 + e^-1)
    torch.testing.assert_close(gates[0].max(), torch.tensor(1 / (1 + math.exp(-1.0))))


# ---------------------------------------------------------------- sync-free grouped dispatch (issue 22)
def _moe_case(seed=0, capacity_factor=None):
    cfg = ModelConfig.from_name("tiny")
    cfg.token_moe.capacity_factor = capacity_factor
    moe = GroupedTokenMoE(cfg)
    moe.dispatch = "grouped"  # the sync-free path ("auto" takes the loop in eager on a CPU)
    randomise(moe, seed=seed)
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(4, 9, cfg.hidden_size, generator=g)
    group = torch.tensor([GROUP_UND, GROUP_GEN, GROUP_GEN, GROUP_UND])
    valid = torch.ones(4, 9, dtype=torch.bool)
    valid[0, :3] = False  # left padding
    valid[2, 7:] = False
    return cfg, moe, x, group, valid


def _reference_forward(moe, x, group, valid):
    """The forward as it was before the grouped matmul: boolean-index the valid tokens, loop dispatch."""
    from unif2ace.model.moe import reference_dispatch

    B, L, d = x.shape
    flat = x.reshape(-1, d)
    idx = valid.reshape(-1).nonzero().squeeze(1)
    xs, gs = flat[idx], group.view(B, 1).expand(B, L).reshape(-1)[idx]
    probs, top_i, gates = moe.route(xs, gs)
    routed = reference_dispatch(moe, xs, gs.unsqueeze(1) * moe.num_experts + top_i, gates)
    aux = sum(moe.balance_coef * balance_loss(probs[gs == g], top_i[gs == g], moe.num_experts) for g in (0, 1))
    return torch.zeros_like(flat).index_copy(0, idx, routed).view(B, L, d), aux


def test_grouped_dispatch_matches_the_loop_dispatch_forward_and_backward():
    _, moe, x, group, valid = _moe_case()
    moe.train()
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    out, aux = moe(x1, group, valid)
    params = list(moe.parameters())
    w = torch.randn(out.shape, generator=torch.Generator().manual_seed(5))
    grads = torch.autograd.grad((out * w).sum() + aux, [x1, *params])
    ref_out, ref_aux = _reference_forward(moe, x2, group, valid)
    ref_grads = torch.autograd.grad((ref_out * w).sum() + ref_aux, [x2, *params])
    assert torch.allclose(out, ref_out, atol=1e-5, rtol=1e-5)
    assert (out[~valid] == 0).all()
    assert abs(float(aux) - float(ref_aux)) < 1e-6
    for got, exp in zip(grads, ref_grads):
        assert torch.allclose(got, exp, atol=1e-5, rtol=1e-4)


def test_grouped_dispatch_equals_float64_reference_with_padding():
    _, moe, x, group, valid = _moe_case(seed=3)
    got, _ = moe(x, group, valid)
    expected = naive_token_moe(moe, x, group) * valid.unsqueeze(-1)
    assert torch.allclose(got.double(), expected, atol=1e-5)


def test_masked_expert_loop_fallback_matches_grouped_mm(monkeypatch):
    from unif2ace.model import moe as moe_module

    _, moe, x, group, valid = _moe_case(seed=4)
    fast, _ = moe(x, group, valid)
    monkeypatch.setattr(moe_module, "_grouped_mm_ok", lambda x, w: False)
    slow, _ = moe(x, group, valid)
    assert torch.allclose(fast, slow, atol=1e-6)
    moe.dispatch = "auto"  # eager on a CPU: the loop, the same results
    assert torch.allclose(fast, moe(x, group, valid)[0], atol=1e-5)


def test_capacity_factor_drops_assignments_past_capacity_in_token_order():
    cfg, moe, x, group, valid = _moe_case(seed=6, capacity_factor=0.5)
    got, _ = moe(x, group, valid)
    # reference: per group, walk the real tokens in order; an expert takes an assignment while it has room
    E, k, d = moe.num_experts, moe.top_k, cfg.hidden_size
    flat, gs = x.reshape(-1, d), group.view(-1, 1).expand(x.shape[:2]).reshape(-1)
    keep = valid.reshape(-1)
    probs, top_i, gates = moe.route(flat, gs)
    expected = torch.zeros(flat.shape, dtype=torch.float64)
    dropped = 0
    for g in (0, 1):
        tokens = [t for t in range(flat.shape[0]) if gs[t] == g and keep[t]]
        capacity = math.ceil(0.5 * len(tokens) * k / E)
        used = [0] * E
        for t in tokens:
            for j in range(k):
                e = int(top_i[t, j])
                if used[e] >= capacity:
                    dropped += 1
                    continue
                used[e] += 1
                n = g * E + e
                h = F.gelu(flat[t].double() @ moe.w1[n].double() + moe.b1[n].double(), approximate="tanh")
                expected[t] += gates[t, j].double() * (h @ moe.w2[n].double() + moe.b2[n].double())
    assert dropped > 0  # the case exercises dropping
    assert torch.allclose(got.reshape(-1, d).double(), expected, atol=1e-5)
    moe.capacity_factor = 100.0  # room for everything: the same as no capacity
    roomy, _ = moe(x, group, valid)
    moe.capacity_factor = None
    assert torch.equal(roomy, moe(x, group, valid)[0])


def test_capacity_factor_must_be_positive():
    import pytest

    cfg = ModelConfig.from_name("tiny")
    cfg.token_moe.capacity_factor = 0.0
    with pytest.raises(ValueError, match="capacity_factor"):
        cfg.validate()


def test_sequence_moe_routes_and_loss_are_per_group_without_boolean_indexing():
    """The mask-based router gives, row by row, what each group's router alone gives."""
    from unif2ace.model.sequence_moe import SequenceMoE

    cfg = ModelConfig.from_name("tiny")
    moe = SequenceMoE(cfg)
    randomise(moe, seed=2)
    h = torch.randn(5, 6, cfg.hidden_size)
    group = torch.tensor([0, 1, 1, 0, 1])
    mask = torch.ones(5, 6, dtype=torch.bool)
    available = {"semantic": torch.tensor([1, 0, 1, 1, 0], dtype=torch.bool),
                 "identity": torch.ones(5, dtype=torch.bool)}
    probs, top_i, gates = moe.route(h, group, mask, available)
    for r in range(5):
        probs_r, top_r, _ = moe.route(h[r:r + 1], group[r:r + 1], mask[r:r + 1],
                                      {k: v[r:r + 1] for k, v in available.items()})
        assert torch.allclose(probs[r], probs_r[0], atol=1e-6)
        assert torch.equal(top_i[r], top_r[0])
    loss = moe.aux_loss(probs, top_i, group)
    expected = 0.0
    for g, experts in enumerate(moe.experts):
        rows = group == g
        expected += moe.balance_coef * float(balance_loss(probs[rows, :len(experts)], top_i[rows], len(experts)))
    assert abs(float(loss) - expected) < 1e-6


def test_cached_forwards_reuse_the_sequence_moe_mixture_exactly():
    """With a KV cache the routes and features are fixed at prefill, so each layer's coef·h + vec is
    computed once and reused; the reused one gives the very logits a fresh computation gives."""
    cfg = ModelConfig.from_name("tiny")
    torch.manual_seed(0)
    model = UniF2aceModel(cfg).eval()
    for block in model.layers:
        randomise(block.sequence_moe, seed=7)
    ids = torch.randint(0, cfg.text_vocab_size, (2, 6), generator=torch.Generator().manual_seed(2))
    feats = {"identity": torch.randn(2, cfg.sequence_moe.identity_dim)}
    cache = model.new_kv_cache(2, 12)
    with torch.no_grad():
        model(ids, kv_cache=cache, features=feats, compute_logits=False)
        for t in range(3):
            token = torch.full((2, 1), 3 + t)
            if t == 2:  # force a fresh mixture for this step and compare
                saved = cache.state.pop("sequence_moe_mixtures")
                fresh = model(token, kv_cache=cache, features=feats).logits
                cache.crop(cache.length - 1)
                cache.state["sequence_moe_mixtures"] = saved
            logits = model(token, kv_cache=cache, features=feats).logits
        assert len(cache.state["sequence_moe_mixtures"]) == cfg.num_layers
    assert torch.equal(logits, fresh)


def test_every_expert_dispatch_for_few_tokens_equals_float64_reference():
    """Text decoding on a CPU (few tokens, no grad) runs every expert on every token in one batched
    matmul pair and keeps each token's own (moe.every_expert_dispatch): the same result as the
    float64 naive MoE, padding included, and as the loop dispatch."""
    from unif2ace.model import moe as moe_module

    _, moe, x, group, valid = _moe_case(seed=7)
    x, valid = x[:, -3:], valid[:, -3:]  # 12 tokens: one decoding step of 12 rows
    valid[1, 0] = False
    assert x.shape[0] * x.shape[1] <= moe_module.DENSE_MAX_TOKENS
    moe.dispatch = "auto"
    calls = []
    real = moe_module.every_expert_dispatch
    moe_module.every_expert_dispatch = lambda *a: calls.append(1) or real(*a)
    try:
        with torch.no_grad():
            got, _ = moe(x, group, valid)
            moe.dispatch = "loop"
            loop, _ = moe(x, group, valid)
    finally:
        moe_module.every_expert_dispatch = real
    assert calls == [1]  # the dense path ran once (auto), the loop the second time
    expected = naive_token_moe(moe, x, group) * valid.unsqueeze(-1)
    assert torch.allclose(got.double(), expected, atol=1e-5)
    assert torch.allclose(got, loop, atol=1e-6)
    assert (got[~valid] == 0).all()

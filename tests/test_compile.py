"""The fast paths are capturable as whole graphs (issue 22): ``torch.compile(fullgraph=True)`` raises
on any graph break, and a host sync (``.item()``, ``.tolist()``, ``nonzero``, a data-dependent
shape) is a graph break, so a passing capture proves the step runs without one.

The captures use the ``aot_eager`` backend: Dynamo's graph capture and AOTAutograd's tracing are
the same as with inductor, without minutes of C++ code generation on a 2-core CPU (inductor's
speed is measured in ``benchmarks/inference.py``, not here). Each compiled result is checked
against eager: bitwise for the sampler, within 1e-5 in float32 for the network.
"""

from __future__ import annotations

import pytest
import torch

from unif2ace.config import ModelConfig
from unif2ace.diffusion.schedulers import MaskGITScheduler, maskgit_step_static
from unif2ace.model import UniF2aceModel
from unif2ace.model.moe import GroupedTokenMoE

BACKEND = "aot_eager"


@pytest.fixture(autouse=True)
def _fresh_dynamo():
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


def _step_inputs(seed: int, B=3, N=20, K=11, known_first=0):
    g = torch.Generator().manual_seed(seed)
    sample = torch.full((B, N), K, dtype=torch.long)
    if known_first:  # inpainting-like rows: some positions given, different counts per row
        for b in range(B):
            keep = torch.rand(N, generator=g) < 0.2 * (b + 1)
            sample[b, keep] = torch.randint(0, K, (int(keep.sum()),), generator=g)
    logits = torch.randn(B, N, K, generator=g) * 2
    return sample, logits


def _random_numbers_of_step(sample, K, noise, seed):
    """The uniforms ``MaskGITScheduler.step`` draws (code draw, then confidence noise), laid out per position."""
    g = torch.Generator().manual_seed(seed)
    where = (sample == K).nonzero(as_tuple=True)
    draw = torch.rand((where[0].numel(), 1), generator=g)
    uniforms = torch.zeros(sample.shape).index_put(where, draw.squeeze(1))
    gumbel = torch.rand(sample.shape, generator=g) if noise else None
    return uniforms, gumbel


@pytest.mark.parametrize("known_first", [0, 1])
@pytest.mark.parametrize("temperature", [0.0, 1.0])
def test_static_maskgit_step_equals_the_step_given_its_random_numbers(known_first, temperature):
    K, steps = 11, 5
    scheduler = MaskGITScheduler("cosine", mask_id=K)
    scheduler.set_timesteps(steps)
    sample, _ = _step_inputs(0, K=K, known_first=known_first)
    for k in range(steps):
        _, logits = _step_inputs(10 + k, K=K)
        unknown = sample == K
        M = int(unknown.sum(1).max())
        positions = torch.argsort((~unknown).to(torch.int8), dim=1, stable=True)[:, :M]
        progress, last, scheduled = scheduler.static_arguments(k, sample.shape[1])
        noise = temperature * (1 - progress) != 0
        uniforms, gumbel = _random_numbers_of_step(sample, K, noise, seed=k)
        expected = scheduler.step(logits, sample, k, generator=torch.Generator().manual_seed(k),
                                  temperature=temperature)
        at = logits.gather(1, positions.unsqueeze(-1).expand(-1, -1, K))
        got = maskgit_step_static(at, positions, sample, K, progress, last, scheduled, uniforms, gumbel, temperature)
        assert torch.equal(got, expected), k
        sample = expected
    assert (sample < K).all()


def test_static_maskgit_step_compiles_without_graph_breaks_and_matches_eager():
    K = 11
    scheduler = MaskGITScheduler("cosine", mask_id=K)
    scheduler.set_timesteps(4)
    sample, logits = _step_inputs(1, K=K, known_first=1)
    unknown = sample == K
    positions = torch.argsort((~unknown).to(torch.int8), dim=1, stable=True)[:, :int(unknown.sum(1).max())]
    at = logits.gather(1, positions.unsqueeze(-1).expand(-1, -1, K))
    args = scheduler.static_arguments(1, sample.shape[1])
    uniforms, gumbel = torch.rand(sample.shape), torch.rand(sample.shape)
    compiled = torch.compile(maskgit_step_static, fullgraph=True, backend=BACKEND)
    got = compiled(at, positions, sample, K, *args, uniforms, gumbel, 1.0)
    assert torch.equal(got, maskgit_step_static(at, positions, sample, K, *args, uniforms, gumbel, 1.0))


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_token_moe_compiles_without_graph_breaks(dtype):
    cfg = ModelConfig.from_name("tiny")
    torch.manual_seed(0)
    moe = GroupedTokenMoE(cfg).to(dtype).eval()
    with torch.no_grad():
        for p in moe.parameters():
            p.normal_(0, 0.1)
    x = torch.randn(3, 6, cfg.hidden_size, dtype=dtype)
    group = torch.tensor([0, 1, 1])
    valid = torch.ones(3, 6, dtype=torch.bool)
    valid[0, :2] = False
    compiled = torch.compile(moe, fullgraph=True, backend=BACKEND)
    with torch.no_grad():
        got, expected = compiled(x, group, valid)[0], moe(x, group, valid)[0]
    tol = 1e-5 if dtype == torch.float32 else 2e-2
    assert torch.allclose(got.float(), expected.float(), atol=tol, rtol=tol)


def _tiny_model():
    torch.manual_seed(0)
    cfg = ModelConfig.from_name("tiny")
    return cfg, UniF2aceModel(cfg).eval()


def test_cached_decode_step_compiles_without_graph_breaks_and_matches_eager():
    """One KV-cached text token through the whole network (token and sequence MoE included)."""
    cfg, model = _tiny_model()
    ids = torch.randint(0, cfg.text_vocab_size, (2, 9), generator=torch.Generator().manual_seed(1))
    token = torch.tensor([[5], [7]])
    position = torch.full((2, 1), 9)
    results = []
    for compile_ in (False, True):
        cache = model.new_kv_cache(2, 16)
        with torch.no_grad():
            model(ids, kv_cache=cache, compute_logits=False)  # prefill (eager: routes are fixed here)

            def step(token, position, cache=cache):
                return model(token, position_ids=position, kv_cache=cache).logits

            fn = torch.compile(step, fullgraph=True, backend=BACKEND) if compile_ else step
            results.append(fn(token, position))
        assert cache.length == 10
    assert torch.allclose(results[0], results[1], atol=1e-5, rtol=1e-5)


def test_image_step_forward_compiles_without_graph_breaks_and_matches_eager():
    """A MaskGIT step's forward: image positions over a cached t2i prompt, final hidden states out."""
    from unif2ace.sequences import SequenceBuilder

    cfg, model = _tiny_model()
    N = 16
    builder = SequenceBuilder(cfg)
    codes = torch.full((2, N), cfg.codebook_size)
    codes[0, :5] = 3
    batch = builder.t2i([[4, 5, 6], [7]], codes)
    L = batch.input_ids.shape[1]
    P = L - N - 2
    results = []
    for compile_ in (False, True):
        cache = model.new_kv_cache(2, L)
        with torch.no_grad():
            model(batch.input_ids[:, :P], attention_mask=batch.attention_mask[:, :, :P, :P],
                  position_ids=batch.position_ids[:, :P], groups=batch.groups, router_mask=batch.router_mask[:, :P],
                  kv_cache=cache, compute_logits=False)

            def step(ids, cache=cache):
                return model(ids, attention_mask=batch.attention_mask[:, :, P:, :], position_ids=batch.position_ids[:, P:],
                             image_mask=batch.image_mask[:, P:], kv_cache=cache, compute_logits=False,
                             return_hidden=True).hidden_states

            fn = torch.compile(step, fullgraph=True, backend=BACKEND) if compile_ else step
            results.append(fn(batch.input_ids[:, P:]))
    assert torch.allclose(results[0], results[1], atol=1e-5, rtol=1e-5)


@pytest.mark.slow
def test_training_forward_and_backward_compile_without_graph_breaks_and_match_eager():
    """A t2i training loss through both MoE levels (routing, balance losses, the noise feature drawn
    inside the model) and its gradients: captured whole, equal to eager."""
    from unif2ace.sequences import SequenceBuilder

    cfg = ModelConfig.from_name("tiny")
    cfg.num_layers = 2  # two blocks show the same capture as four, at half the tracing time
    torch.manual_seed(0)
    model = UniF2aceModel(cfg).train()
    batch = SequenceBuilder(cfg).t2i([[4, 5, 6], [7]], torch.randint(0, cfg.codebook_size, (2, 16)))
    inputs = batch.model_inputs()

    def loss_fn(ids):
        out = model(ids, **inputs)
        return out.logits.float().logsumexp(-1).mean() + out.aux_loss

    results = []
    for fn in (loss_fn, torch.compile(loss_fn, fullgraph=True, backend=BACKEND)):
        model.zero_grad(set_to_none=True)
        torch.manual_seed(1)
        loss = fn(batch.input_ids)
        loss.backward()
        results.append((loss.detach(), [p.grad.clone() for p in model.parameters() if p.grad is not None]))
    (l0, g0), (l1, g1) = results
    assert len(g0) == len(g1) and len(g0) > 0
    assert torch.allclose(l0, l1, atol=1e-5, rtol=1e-5)
    for a, b in zip(g0, g1):
        assert torch.allclose(a, b, atol=1e-5, rtol=1e-4)


# ------------------------------------------------------------------------ static-shape text decoding
def _decode_model_and_batch():
    from unif2ace.sequences import SequenceBuilder

    cfg, model = _tiny_model()
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "moe" in name:  # routers and experts that matter, so routing differences would show
                p.add_(torch.randn(p.shape, generator=g) * 0.1)
    codes = torch.randint(0, cfg.codebook_size, (3, 8), generator=torch.Generator().manual_seed(0))
    texts = [[([11, 12, 13], False)], [([14], False)], [([15, 16], False)]]  # left-padded rows of 3 lengths
    return model, SequenceBuilder(cfg).mmu(codes, texts, left_pad=True)


def _decode(model, batch, decode, sample=False):
    from unif2ace.generation.text import TextGenerationConfig, generate_text

    seen = []

    def record(step, logits):
        seen.append(logits.clone())
        return logits

    cfg = TextGenerationConfig(max_new_tokens=10, do_sample=sample, top_k=50, decode=decode)
    tokens = generate_text(model, batch, cfg, torch.Generator().manual_seed(5), logits_processor=record)
    return tokens, torch.stack(seen)


@pytest.mark.parametrize("decode", ["static", "compile"])
def test_static_shape_decoding_equals_the_growing_cache(decode, monkeypatch):
    import unif2ace.generation.text as text

    monkeypatch.setattr(text, "COMPILE_BACKEND", BACKEND)
    model, batch = _decode_model_and_batch()
    for sample in (False, True):
        tokens, logits = _decode(model, batch, "eager", sample)
        got_tokens, got_logits = _decode(model, batch, decode, sample)
        assert got_tokens == tokens and got_logits.shape == logits.shape
        assert torch.allclose(got_logits, logits, atol=1e-5, rtol=1e-5)


def _decode_steps_static_and_compiled():
    from unif2ace.generation.text import StaticDecodeStep

    model, batch = _decode_model_and_batch()
    P = batch.input_ids.shape[1]
    outs = {}
    for mode in ("static", "compile"):
        cache = model.new_kv_cache(3, P + 8)
        with torch.no_grad():
            model(batch.input_ids, **batch.model_inputs(), kv_cache=cache, compute_logits=False)
            step = StaticDecodeStep(model, cache, mode)
            tokens = torch.tensor([3, 4, 5])
            positions = batch.position_ids[:, -1] + 1
            logits = []
            for t in range(8):
                if mode == "compile" and t == 2:
                    torch.compiler.set_stance("fail_on_recompile")
                try:
                    logits.append(step(tokens, positions + t, P + t))
                finally:
                    torch.compiler.set_stance("default")
                tokens = logits[-1].argmax(-1)
        outs[mode] = torch.stack(logits)
    return outs


def test_compiled_static_decode_step_is_one_graph_for_every_token(monkeypatch):
    """After the first two tokens (the second stores the sequence-MoE mixtures in the cache), no token
    recompiles: positions are tensors, never guards, so a CUDA graph of the step can be replayed."""
    import unif2ace.generation.text as text

    monkeypatch.setattr(text, "COMPILE_BACKEND", BACKEND)
    # a changed host int would otherwise be made a symbol after one recompile, and then pass unseen
    with torch._dynamo.config.patch(automatic_dynamic_shapes=False):
        outs = _decode_steps_static_and_compiled()
    assert torch.allclose(outs["static"], outs["compile"], atol=1e-5, rtol=1e-5)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA graphs need a CUDA device")
def test_cuda_graph_decoding_equals_the_growing_cache():
    model, batch = _decode_model_and_batch()
    model, batch = model.cuda(), batch.to("cuda")
    tokens, logits = _decode(model, batch, "eager")
    got_tokens, got_logits = _decode(model, batch, "cuda-graph")
    assert got_tokens == tokens and torch.allclose(got_logits, logits, atol=1e-5, rtol=1e-5)


def test_decode_modes_are_checked():
    from unif2ace.generation.text import StaticDecodeStep, TextGenerationConfig

    with pytest.raises(ValueError, match="decode must be one of eager, static, compile, cuda-graph"):
        TextGenerationConfig(decode="fast")
    with pytest.raises(ValueError, match="needs the KV cache"):
        TextGenerationConfig(decode="static", use_cache=False)
    if not torch.cuda.is_available():
        _, model = _tiny_model()
        with pytest.raises(ValueError, match="needs the model on a CUDA device"):
            StaticDecodeStep(model, model.new_kv_cache(1, 4), "cuda-graph")


def test_whole_static_maskgit_draw_compiles_without_graph_breaks_and_matches_eager():
    """Prefill and every step of a fresh draw (guidance, code draw, confidence noise) in one graph: no host sync
    anywhere, which is what lets graph='cuda-graph' record it."""
    from unif2ace.generation.image import (
        ImageGenerationConfig,
        _maskgit_static,
        generate_image_codes,
        maskgit_plan,
    )
    from unif2ace.sequences import SequenceBuilder

    cfg, model = _tiny_model()
    N, K, B = 16, cfg.codebook_size, 2
    config = ImageGenerationConfig(num_tokens=N, steps=3, guidance_scale=2.0, temperature=1.0)
    prompts, negatives = [[5, 6, 7], [8]], [[], []]
    g = torch.Generator().manual_seed(4)
    noise = torch.randn(B, cfg.sequence_moe.noise_dim, generator=g)
    scheduler = config.make_scheduler(K)
    plan = maskgit_plan(scheduler, config, N)
    draws = []
    for step in plan:
        draws.append(torch.rand((B * step.masked, 1), generator=g))
        draws.append(torch.rand((B, N), generator=g) if step.noise else None)
    batch = SequenceBuilder(cfg).t2i(prompts + negatives, torch.full((2 * B, N), K))
    P = batch.input_ids.shape[1] - N - 2
    feats = {"noise": noise.repeat(2, 1)}
    args = (plan, [1.0], config.temperature, P, N, K)
    with torch.no_grad():
        eager = generate_image_codes(model, prompts, config, torch.Generator().manual_seed(4))
        compiled = torch.compile(_maskgit_static, fullgraph=True, backend=BACKEND)
        got = compiled(model, *args, batch=batch, features=feats, feature_mask={}, draws=draws)
    assert torch.equal(got, eager)

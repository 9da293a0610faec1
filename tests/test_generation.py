"""Image and text generation loops: cached == uncached, seeds, inpainting, stopping."""

import math

import pytest
import torch

from unif2ace.config import GUIDANCE_SCHEDULES, ModelConfig
from unif2ace.generation import (
    ImageGenerationConfig,
    TextGenerationConfig,
    generate_image_codes,
    generate_text,
)
from unif2ace.generation.text import choose_next_token
from unif2ace.model import UniF2aceModel
from unif2ace.sequences import SequenceBuilder


def model_with_random_moe(seed=0):
    torch.manual_seed(seed)
    cfg = ModelConfig.from_name("tiny")
    model = UniF2aceModel(cfg).eval()
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "moe" in name:
                p.add_(torch.randn(p.shape, generator=g) * 0.1)
            if "lm_head.weight" in name:
                p.mul_(20)  # peakier distributions so sampling decisions matter
    return model


PROMPTS = [[5, 6, 7, 8], [9, 10]]


def test_cached_and_uncached_image_sampling_give_identical_tokens():
    model = model_with_random_moe()
    for guidance in (0.0, 2.0):
        results = []
        for use_cache, full_vocab in ((True, False), (False, True)):
            config = ImageGenerationConfig(num_tokens=16, steps=6, guidance_scale=guidance, use_cache=use_cache,
                                           full_vocab=full_vocab)
            results.append(generate_image_codes(model, PROMPTS, config, torch.Generator().manual_seed(7)))
        assert torch.equal(results[0], results[1])
        assert (results[0] < model.config.codebook_size).all()


def test_image_sampling_is_seedable_and_varies_with_seed():
    model = model_with_random_moe()
    config = ImageGenerationConfig(num_tokens=16, steps=4)
    a = generate_image_codes(model, PROMPTS, config, torch.Generator().manual_seed(1))
    b = generate_image_codes(model, PROMPTS, config, torch.Generator().manual_seed(1))
    c = generate_image_codes(model, PROMPTS, config, torch.Generator().manual_seed(2))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_mdlm_sampler_runs_and_inpainting_keeps_fixed_codes():
    model = model_with_random_moe()
    K = model.config.codebook_size
    init = torch.full((2, 16), K)
    init[:, :8] = torch.arange(8)  # keep the top half
    for sampler in ("maskgit", "mdlm"):
        config = ImageGenerationConfig(num_tokens=16, steps=5, sampler=sampler)
        out = generate_image_codes(model, PROMPTS, config, torch.Generator().manual_seed(3), init_codes=init)
        assert torch.equal(out[:, :8], init[:, :8]) and (out < K).all()


def test_head_on_masked_positions_only_matches_the_full_recompute_when_rows_differ():
    """The cached loop projects only still-masked positions (padded to the longest row); with rows
    that keep different regions it must still give the full recompute's tokens, for both samplers."""
    model = model_with_random_moe(seed=3)
    K = model.config.codebook_size
    init = torch.full((2, 16), K)
    init[0, :10] = torch.arange(10)  # row 0 keeps 10 codes, row 1 keeps 3 scattered ones
    init[1, [2, 7, 11]] = torch.tensor([4, 5, 6])
    for sampler in ("maskgit", "mdlm"):
        results = [generate_image_codes(model, PROMPTS, ImageGenerationConfig(
            num_tokens=16, steps=5, guidance_scale=1.5, sampler=sampler, use_cache=use_cache),
            torch.Generator().manual_seed(11), init_codes=init) for use_cache in (True, False)]
        assert torch.equal(results[0], results[1]), sampler
        kept = init < K
        assert torch.equal(results[0][kept], init[kept])


@pytest.mark.parametrize("steps", [1, 5, 18])
def test_guidance_schedules_have_the_closed_form_and_mean_the_guidance_scale(steps):
    w = 7.5
    for name in GUIDANCE_SCHEDULES:
        config = ImageGenerationConfig(steps=steps, guidance_scale=w, guidance_schedule=name)
        got = [config.guidance_at(i) for i in range(steps)]
        x = [(i + 0.5) / steps for i in range(steps)]
        want = {"constant": [w] * steps, "linear": [2 * w * t for t in x],
                "cosine": [w * (1 - math.cos(math.pi * t)) for t in x]}[name]
        assert got == pytest.approx(want, rel=1e-12)
        assert sum(got) / steps == pytest.approx(w, rel=1e-12)
        if name != "constant" and steps > 1:
            assert all(a < b for a, b in zip(got, got[1:]))  # rising: weak guidance while the layout is drawn
    with pytest.raises(ValueError, match="unknown guidance_schedule 'ramp'"):
        ImageGenerationConfig(guidance_schedule="ramp")


def test_the_sampler_applies_the_scheduled_weight_at_each_step():
    model = model_with_random_moe(seed=5)
    seen = []

    class Recording(ImageGenerationConfig):
        def guidance_at(self, step):
            seen.append(step)
            return super().guidance_at(step)

    def run(schedule, steps, cls=ImageGenerationConfig, use_cache=True):
        config = cls(num_tokens=16, steps=steps, guidance_scale=3.0, guidance_schedule=schedule, use_cache=use_cache)
        return generate_image_codes(model, PROMPTS, config, torch.Generator().manual_seed(4))

    linear = run("linear", 6, Recording)
    assert seen == list(range(6))
    assert torch.equal(linear, run("linear", 6, use_cache=False))
    assert not torch.equal(linear, run("constant", 6))
    # one step: the linear weight 2w·½ is w, so it is the constant schedule exactly
    assert torch.equal(run("linear", 1), run("constant", 1))


def _qa_batch(cfg, left_pad=True):
    b = SequenceBuilder(cfg)
    codes = torch.randint(0, cfg.codebook_size, (3, 8), generator=torch.Generator().manual_seed(0))
    texts = [[([11, 12, 13], False)], [([14], False)], [([15, 16], False)]]
    return b.mmu(codes, texts, left_pad=left_pad)


def test_cached_text_decoding_equals_recompute():
    model = model_with_random_moe()
    batch = _qa_batch(model.config)
    for sample in (False, True):
        outs = []
        for use_cache in (True, False):
            cfg = TextGenerationConfig(max_new_tokens=12, do_sample=sample, top_k=50, top_p=0.9, use_cache=use_cache)
            outs.append(generate_text(model, batch, cfg, torch.Generator().manual_seed(5)))
        assert outs[0] == outs[1]


def test_batched_decoding_equals_one_row_at_a_time():
    model = model_with_random_moe()
    batch = _qa_batch(model.config)
    cfg = TextGenerationConfig(max_new_tokens=10)
    together = generate_text(model, batch, cfg)
    b = SequenceBuilder(model.config)
    codes = torch.randint(0, model.config.codebook_size, (3, 8), generator=torch.Generator().manual_seed(0))
    texts = [[([11, 12, 13], False)], [([14], False)], [([15, 16], False)]]
    for i in range(3):
        single = b.mmu(codes[i:i + 1], texts[i:i + 1], left_pad=True)
        assert generate_text(model, single, cfg) == [together[i]]


def test_decoding_stops_at_eot():
    model = model_with_random_moe()
    eot = model.config.eot_token_id
    with torch.no_grad():  # make <|eot|> the most likely next token everywhere
        model.lm_head.bias[eot] = 1e4
    out = generate_text(model, _qa_batch(model.config), TextGenerationConfig(max_new_tokens=5))
    assert out == [[], [], []]


def test_top_k_and_top_p_filtering():
    logits = torch.tensor([[4.0, 3.0, 2.0, -10.0]])
    g = torch.Generator().manual_seed(0)
    picks = {int(choose_next_token(logits, TextGenerationConfig(do_sample=True, top_k=2), g)) for _ in range(200)}
    assert picks == {0, 1}
    # top_p: softmax ≈ [0.665, 0.245, 0.09, 0]; top_p = 0.8 keeps tokens 0 and 1 only
    picks = {int(choose_next_token(logits, TextGenerationConfig(do_sample=True, top_p=0.8), g)) for _ in range(200)}
    assert picks == {0, 1}
    assert int(choose_next_token(logits, TextGenerationConfig())) == 0


def _first_step_logits(model, prompts, config, monkeypatch, **kw):
    """The (float64) logits the sampler receives at the first step (every token still masked)."""
    from unif2ace.diffusion.schedulers import MaskGITScheduler

    seen = []
    original = MaskGITScheduler.step

    def step(self, logits, *args, **kwargs):
        seen.append(logits.double().clone())
        return original(self, logits, *args, **kwargs)

    monkeypatch.setattr(MaskGITScheduler, "step", step)
    generate_image_codes(model, prompts, config, torch.Generator().manual_seed(9), **kw)
    monkeypatch.undo()
    return seen[0]


@pytest.mark.parametrize("use_cache", [True, False])
def test_composed_guidance_is_the_closed_form_of_separate_conditional_passes(monkeypatch, use_cache):
    """cond + w·(cond − negative) + Σ c_i·(cond − contrast_i), against unguided runs, one per prompt set."""
    model = model_with_random_moe(seed=6)
    negatives, first, second = [[11, 12], [13]], [[5, 6, 7, 9], [9, 14]], [[3], [8, 8, 2]]
    w, c1, c2 = 2.5, 4.0, -1.5

    def alone(prompts):
        return _first_step_logits(model, prompts, ImageGenerationConfig(num_tokens=16, steps=3, use_cache=use_cache),
                                  monkeypatch)

    cond, neg, con1, con2 = alone(PROMPTS), alone(negatives), alone(first), alone(second)
    config = ImageGenerationConfig(num_tokens=16, steps=3, guidance_scale=w, use_cache=use_cache)
    got = _first_step_logits(model, PROMPTS, config, monkeypatch, negative_prompts=negatives, contrasts=[(first, c1)])
    torch.testing.assert_close(got, cond + w * (cond - neg) + c1 * (cond - con1), rtol=1e-5, atol=1e-4)
    got = _first_step_logits(model, PROMPTS, config, monkeypatch, negative_prompts=negatives,
                             contrasts=[(first, c1), (second, c2)])
    torch.testing.assert_close(got, cond + w * (cond - neg) + c1 * (cond - con1) + c2 * (cond - con2),
                               rtol=1e-5, atol=1e-4)
    # without CFG the contrast terms stand alone; the default negative is the empty prompt
    got = _first_step_logits(model, PROMPTS, ImageGenerationConfig(num_tokens=16, steps=3, use_cache=use_cache),
                             monkeypatch, contrasts=[(first, c1), (second, c2)])
    torch.testing.assert_close(got, cond + c1 * (cond - con1) + c2 * (cond - con2), rtol=1e-5, atol=1e-4)
    empty = alone([[], []])
    got = _first_step_logits(model, PROMPTS, config, monkeypatch)
    torch.testing.assert_close(got, cond + w * (cond - empty), rtol=1e-5, atol=1e-4)


def test_guidance_prompts_default_to_plain_cfg_and_are_checked():
    model = model_with_random_moe(seed=7)
    config = ImageGenerationConfig(num_tokens=16, steps=4, guidance_scale=2.0)

    def run(**kw):
        return generate_image_codes(model, PROMPTS, config, torch.Generator().manual_seed(5), **kw)

    plain = run()
    assert torch.equal(plain, run(negative_prompts=[[], []]))
    assert torch.equal(plain, run(contrasts=[(PROMPTS, 3.0)]))  # cond − cond adds nothing
    assert torch.equal(plain, run(contrasts=[([[1], [2]], 0.0)]))
    assert not torch.equal(plain, run(contrasts=[([[1], [2]], 3.0)]))
    with pytest.raises(ValueError, match=r"contrasts\[1\] must give one prompt per row \(2\), got 1"):
        run(contrasts=[(PROMPTS, 1.0), ([[1]], 1.0)])
        run(negative_prompts=[[1], [2], [3]])


@pytest.mark.parametrize("guidance, schedule, temperature, contrast", [
    (0.0, "constant", 1.0, 0.0), (2.0, "linear", 1.0, 1.5), (3.0, "constant", 0.0, 0.0), (1.0, "cosine", 4.5, 2.0)])
def test_static_maskgit_draw_gives_the_eager_codes(guidance, schedule, temperature, contrast, monkeypatch):
    """graph='static' (no host sync: the body a CUDA graph records) draws the eager loop's codes for a seed."""
    from unif2ace.diffusion.schedulers import MaskGITScheduler

    model = model_with_random_moe()
    contrasts = [([[11, 12], [13]], contrast)] if contrast else []
    out = {}
    for graph in ("eager", "static"):
        if graph == "static":  # the static body must not fall back to the eager step
            monkeypatch.setattr(MaskGITScheduler, "step", lambda *a, **k: pytest.fail("eager step called"))
        config = ImageGenerationConfig(num_tokens=16, steps=7, guidance_scale=guidance, guidance_schedule=schedule,
                                       temperature=temperature, graph=graph)
        out[graph] = generate_image_codes(model, PROMPTS, config, torch.Generator().manual_seed(3), contrasts=contrasts,
                                          negative_prompts=[[9], []] if guidance else None)
    assert torch.equal(out["eager"], out["static"]) and (out["static"] < model.config.codebook_size).all()


def test_maskgit_plan_is_what_the_eager_step_leaves_masked():
    from unif2ace.diffusion.schedulers import MaskGITScheduler
    from unif2ace.generation.image import maskgit_plan

    K, N = 11, 30
    for steps in (1, 4, 18):
        config = ImageGenerationConfig(num_tokens=N, steps=steps)
        scheduler = MaskGITScheduler("cosine", mask_id=K)
        scheduler.set_timesteps(steps)
        g = torch.Generator().manual_seed(0)
        sample = torch.full((3, N), K)
        for k, step in zip(scheduler.timesteps.tolist(), maskgit_plan(scheduler, config, N)):
            assert ((sample == K).sum(1) == step.masked).all(), (steps, k)
            sample = scheduler.step(torch.randn(3, N, K, generator=g), sample, k, generator=g)
        assert (sample < K).all()


def test_graph_modes_fall_back_or_are_checked():
    model = model_with_random_moe()
    with pytest.raises(ValueError, match="graph"):
        ImageGenerationConfig(graph="fast")
    # inpainting and MDLM run eagerly under graph="static": same codes as eager
    init = torch.full((2, 16), model.config.codebook_size)
    init[:, :8] = torch.arange(8)
    for kw in (dict(init_codes=init), {}):
        sampler = "maskgit" if kw else "mdlm"
        a, b = (generate_image_codes(model, PROMPTS, ImageGenerationConfig(num_tokens=16, steps=4, sampler=sampler,
                                                                           graph=graph),
                                     torch.Generator().manual_seed(1), **kw) for graph in ("eager", "static"))
        assert torch.equal(a, b)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="needs the model on a CUDA device"):
            generate_image_codes(model, PROMPTS, ImageGenerationConfig(num_tokens=16, steps=2, graph="cuda-graph"))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA graphs need a CUDA device")
def test_cuda_graph_draw_gives_the_eager_codes_and_replays():
    model = model_with_random_moe().cuda()
    for seed in (1, 2):  # the second call replays the graph the first captured
        out = {}
        for graph in ("eager", "cuda-graph"):
            config = ImageGenerationConfig(num_tokens=16, steps=5, guidance_scale=2.0, graph=graph)
            out[graph] = generate_image_codes(model, PROMPTS, config, torch.Generator("cuda").manual_seed(seed))
        assert torch.equal(out["eager"], out["cuda-graph"])

import math

import pytest
import torch
import torch.nn.functional as F

from unif2ace.diffusion.schedulers import MaskGITScheduler, MDLMScheduler, draw_categorical, sample_codes

CODES = 16
MASK = CODES  # code-space mask id, the default


def random_logits(batch, num_tokens, seed, scale=3.0):
    g = torch.Generator().manual_seed(seed)
    return scale * torch.randn(batch, num_tokens, CODES, generator=g)


def run(scheduler, sample, num_steps, seed, logits_seed=100, **kwargs):
    """Full sampling loop with fresh random logits at every step; returns every intermediate."""
    scheduler.set_timesteps(num_steps)
    g = torch.Generator().manual_seed(seed)
    history = [sample]
    for k in scheduler.timesteps:
        logits = random_logits(*sample.shape, seed=logits_seed + int(k))
        sample = scheduler.step(logits, sample, k, generator=g, **kwargs)
        history.append(sample)
    return history


def all_masked(batch, num_tokens):
    return torch.full((batch, num_tokens), MASK, dtype=torch.long)


@pytest.mark.parametrize("cls", [MaskGITScheduler, MDLMScheduler])
def test_same_seed_same_tokens_and_no_mask_at_the_end(cls):
    a = run(cls(), all_masked(3, 64), 8, seed=0)[-1]
    b = run(cls(), all_masked(3, 64), 8, seed=0)[-1]
    c = run(cls(), all_masked(3, 64), 8, seed=1)[-1]
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert (a != MASK).all() and (a >= 0).all() and (a < CODES).all()


@pytest.mark.parametrize("schedule", ["cosine", "linear"])
@pytest.mark.parametrize("num_steps", [12, 30])  # at 30 steps the "#unknown − 1" bound bites early on
def test_maskgit_masked_count_follows_the_schedule(schedule, num_steps):
    num_tokens = 100
    history = run(MaskGITScheduler(schedule), all_masked(2, num_tokens), num_steps, seed=3)
    ratio = {"cosine": lambda r: math.cos(math.pi / 2 * r), "linear": lambda r: 1 - r}[schedule]
    unknown = num_tokens
    for k in range(num_steps):
        if k == num_steps - 1:
            expected = 0
        else:
            expected = max(1, min(unknown - 1, math.floor(num_tokens * ratio((k + 1) / num_steps))))
        counts = (history[k + 1] == MASK).sum(1).tolist()
        assert counts == [expected, expected], (k, counts, expected)
        unknown = expected
    assert unknown == 0


def test_maskgit_few_steps_keeps_at_least_one_token_back():
    # 2 steps over 4 tokens: cos(π/4)·4 = 2.83 → 2 stay masked after step 0, then none.
    history = run(MaskGITScheduler(), all_masked(1, 4), 2, seed=0)
    assert [(h == MASK).sum().item() for h in history] == [4, 2, 0]
    # 3 steps over 2 tokens: floor(2·cos(π/3)) = 1 but only 1 is unknown: it stays masked (≥ 1).
    history = run(MaskGITScheduler(), all_masked(1, 2), 3, seed=0)
    assert [(h == MASK).sum().item() for h in history] == [2, 1, 1, 0]


@pytest.mark.parametrize("cls", [MaskGITScheduler, MDLMScheduler])
def test_fixed_and_revealed_tokens_never_change(cls):
    g = torch.Generator().manual_seed(4)
    start = torch.randint(0, CODES, (4, 48), generator=g)
    region = torch.rand(4, 48, generator=g) < 0.6  # inpaint 60 %
    start = start.masked_fill(region, MASK)
    history = run(cls(), start, 10, seed=5)
    for before, after in zip(history[:-1], history[1:]):
        known = before != MASK
        assert torch.equal(after[known], before[known])
    assert torch.equal(history[-1][~region], start[~region])
    assert (history[-1] != MASK).all()


@pytest.mark.parametrize("cls", [MaskGITScheduler, MDLMScheduler])
def test_peaked_logits_give_the_argmax(cls):
    target = torch.randint(0, CODES, (3, 40), generator=torch.Generator().manual_seed(6))
    logits = 40.0 * F.one_hot(target, CODES).float()
    scheduler = cls()
    scheduler.set_timesteps(6)
    sample, g = all_masked(3, 40), torch.Generator().manual_seed(7)
    for k in scheduler.timesteps:
        sample = scheduler.step(logits, sample, k, generator=g)
    assert torch.equal(sample, target)


def test_maskgit_confidence_picks_the_most_certain_tokens_without_noise():
    # With temperature 0, the positions revealed first are those with the highest log p.
    num_tokens = 10
    sharpness = torch.arange(num_tokens, dtype=torch.float32)  # position i has p(code 0) rising with i
    logits = torch.zeros(1, num_tokens, CODES)
    logits[0, :, 0] = sharpness
    scheduler = MaskGITScheduler()
    scheduler.set_timesteps(4)
    out = scheduler.step(
        logits, all_masked(1, num_tokens), 0, torch.Generator().manual_seed(0), temperature=0.0
    )
    revealed = (out[0] != MASK).nonzero().flatten().tolist()
    keep = max(1, min(num_tokens - 1, math.floor(num_tokens * math.cos(math.pi / 8))))
    assert revealed == list(range(keep, num_tokens))


def test_maskgit_gumbel_noise_randomises_the_choice():
    # Same logits as above, huge temperature: the revealed set is no longer the most confident one.
    num_tokens = 10
    logits = torch.zeros(1, num_tokens, CODES)
    logits[0, :, 0] = torch.arange(num_tokens, dtype=torch.float32)
    scheduler = MaskGITScheduler()
    scheduler.set_timesteps(4)
    revealed_sets = set()
    for seed in range(5):
        g = torch.Generator().manual_seed(seed)
        out = scheduler.step(logits, all_masked(1, num_tokens), 0, g, temperature=1e4)
        revealed_sets.add(tuple((out[0] != MASK).nonzero().flatten().tolist()))
    assert len(revealed_sets) > 1


def test_mdlm_unmask_probability_matches_the_schedule_empirically():
    batch, num_tokens, num_steps = 4, 4096, 8
    scheduler = MDLMScheduler("cosine")
    history = run(scheduler, all_masked(batch, num_tokens), num_steps, seed=11)
    for k in range(num_steps):
        m_t, m_s = math.cos(math.pi / 2 * k / num_steps), math.cos(math.pi / 2 * (k + 1) / num_steps)
        p = 1.0 if k == num_steps - 1 else (m_t - m_s) / m_t
        assert scheduler.unmask_probability(k) == pytest.approx(p, rel=1e-12)
        masked_before = history[k] == MASK
        revealed = masked_before & (history[k + 1] != MASK)
        n = masked_before.sum().item()
        observed = revealed.sum().item() / n
        assert abs(observed - p) <= 5 * math.sqrt(p * (1 - p) / n) + 1e-12, (k, observed, p, n)


def test_sample_codes_follows_the_softmax():
    logits = torch.log(torch.tensor([0.1, 0.2, 0.7])).expand(1, 30000, 3)
    draws = sample_codes(logits, torch.Generator().manual_seed(0))
    freq = torch.bincount(draws.flatten(), minlength=3).float() / draws.numel()
    assert torch.allclose(freq, torch.tensor([0.1, 0.2, 0.7]), atol=0.01)


def test_draw_categorical_matches_the_float64_softmax_and_never_draws_impossible_codes():
    # A skewed 64-code row with impossible codes at both ends and in the middle, drawn 200,000 times:
    # every frequency within 5 standard errors of the float64 softmax, and the returned log p exact.
    gen = torch.Generator().manual_seed(3)
    row = torch.randn(64, generator=gen, dtype=torch.float64) * 2
    row[[0, 31, 63]] = float("-inf")
    p = torch.softmax(row, 0)
    codes, log_p = draw_categorical(row.float().expand(200_000, 64), torch.Generator().manual_seed(0))
    assert codes.shape == log_p.shape == (200_000,)
    freq = torch.bincount(codes, minlength=64).double() / len(codes)
    assert freq[[0, 31, 63]].sum() == 0
    se = (p * (1 - p) / len(codes)).sqrt()
    assert ((freq - p).abs() <= 5 * se + 1e-12).all()
    assert torch.allclose(log_p.double(), torch.log(p[codes]), atol=1e-5)


def test_draw_categorical_is_reproducible_and_handles_one_hot_rows():
    logits = torch.randn(3, 7, 50, generator=torch.Generator().manual_seed(1))
    a, _ = draw_categorical(logits, torch.Generator().manual_seed(5))
    b, _ = draw_categorical(logits, torch.Generator().manual_seed(5))
    assert a.shape == (3, 7) and torch.equal(a, b)
    one_hot = torch.full((1000, 50), float("-inf"))
    one_hot[:, 49] = 0.0  # the last code is the only possible one: the top of the CDF must still find it
    codes, log_p = draw_categorical(one_hot, torch.Generator().manual_seed(0))
    assert (codes == 49).all() and (log_p == 0).all()


def test_add_noise_and_errors():
    scheduler = MaskGITScheduler(mask_id=MASK)
    codes = torch.randint(0, CODES, (2, 32))
    noisy, mask = scheduler.add_noise(codes, torch.tensor([0.0, 0.5]), torch.Generator().manual_seed(0))
    assert mask.sum(1).tolist() == [32, round(32 * math.cos(math.pi / 4))]
    assert torch.equal(noisy[mask], torch.full((int(mask.sum()),), MASK))
    with pytest.raises(ValueError, match="mask_id"):
        MaskGITScheduler().add_noise(codes, torch.tensor([0.0, 0.5]))
    with pytest.raises(RuntimeError, match="set_timesteps"):
        MDLMScheduler().step(random_logits(2, 32, 0), all_masked(2, 32), 0)
    scheduler.set_timesteps(4)
    with pytest.raises(ValueError, match="outside"):
        scheduler.step(random_logits(2, 32, 0), all_masked(2, 32), 4)
    with pytest.raises(ValueError, match="unknown mask schedule"):
        MDLMScheduler("sqrt")


# ----------------------------------------------------------------------------- top-k / top-p / code temperature
def test_top_k_keeps_exactly_the_k_most_likely_codes():
    from unif2ace.diffusion.schedulers import filter_logits

    logits = random_logits(4, 10, seed=7)
    for k in (1, 3, CODES - 1, CODES):
        out = filter_logits(logits, top_k=k)
        kept = torch.isfinite(out)
        assert (kept.sum(-1) == k).all()
        top = logits.argsort(-1, descending=True)[..., :k]  # distinct random values: no ties
        assert torch.equal(kept, torch.zeros_like(kept).scatter_(-1, top, True))
        assert torch.equal(out[kept], logits[kept])  # kept logits unchanged


@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, 0.9, 0.999])
def test_top_p_keeps_the_smallest_set_reaching_p(p):
    """Against a float64 loop: sort by probability, keep codes until their total reaches p."""
    from unif2ace.diffusion.schedulers import filter_logits

    logits = random_logits(3, 8, seed=11)
    kept = torch.isfinite(filter_logits(logits, top_p=p))
    probs = torch.softmax(logits.double(), -1)
    for row in range(3 * 8):
        pr = probs.view(-1, CODES)[row]
        order = pr.argsort(descending=True).tolist()
        want, total = set(), 0.0
        for code in order:
            want.add(code)
            total += float(pr[code])
            if total >= p:
                break
        assert set(kept.view(-1, CODES)[row].nonzero().flatten().tolist()) == want


def test_code_temperature_divides_the_logits_and_bad_values_are_refused():
    from unif2ace.diffusion.schedulers import filter_logits

    logits = random_logits(2, 5, seed=3)
    for t in (0.5, 2.0):
        assert torch.allclose(torch.softmax(filter_logits(logits, temperature=t).double(), -1),
                              torch.softmax(logits.double() / t, -1), atol=1e-6)
    for bad in ({"temperature": 0.0}, {"top_p": 0.0}, {"top_p": 1.5}, {"top_k": -1}):
        with pytest.raises(ValueError):
            filter_logits(logits, **bad)


@pytest.mark.parametrize("cls", [MaskGITScheduler, MDLMScheduler])
def test_top_k_1_draws_the_most_likely_code(cls):
    """With top_k = 1 every revealed code is the argmax of its logits (any seed)."""
    sched = cls()
    sched.set_timesteps(4)
    logits = random_logits(2, 32, seed=5)
    sample = all_masked(2, 32)
    for k in sched.timesteps:
        sample = sched.step(logits, sample, k, generator=torch.Generator().manual_seed(int(k)), top_k=1)
    assert torch.equal(sample, logits.argmax(-1))


def test_top_k_draws_follow_the_renormalised_distribution():
    """Codes outside the top k never appear; inside, frequencies match the renormalised softmax."""
    from unif2ace.diffusion.schedulers import draw_categorical, filter_logits

    logits = torch.tensor([2.0, 1.0, 0.5, 0.0, -1.0]).expand(40_000, 5)
    codes, _ = draw_categorical(filter_logits(logits, top_k=3), torch.Generator().manual_seed(0))
    freq = torch.bincount(codes, minlength=5).double() / len(codes)
    want = torch.softmax(torch.tensor([2.0, 1.0, 0.5]).double(), 0)
    assert freq[3:].sum() == 0
    assert torch.allclose(freq[:3], want, atol=0.01)  # 4 standard errors at n = 40,000


def test_the_draw_options_are_sampling_config_fields_and_are_checked():
    from unif2ace.generation.image import ImageGenerationConfig
    from unif2ace.validation import InvalidInput

    c = ImageGenerationConfig().with_overrides(top_k=50, top_p=0.9, code_temperature=0.8)
    assert (c.top_k, c.top_p, c.code_temperature) == (50, 0.9, 0.8)
    assert (ImageGenerationConfig().top_k, ImageGenerationConfig().top_p) == (0, 1.0)  # off by default
    for bad in ({"top_k": -1}, {"top_k": 2.5}, {"top_p": 0.0}, {"top_p": 1.5}, {"code_temperature": 0.0}):
        with pytest.raises(InvalidInput):
            ImageGenerationConfig(**bad)


def test_maskgit_step_on_the_masked_positions_only_equals_the_full_logits():
    """positions (B, M): logits of each row's unknown positions first (then known ones as padding),
    as the generation loop projects them: the same sample, bit for bit, as the full (B, N, K)
    logits with the same generator, at every step of a whole decode, with filters on."""
    B, N = 3, 24
    sched = MaskGITScheduler()
    sched.set_timesteps(6)
    sample_full = sample_pos = all_masked(B, N)
    sample_full[1, :5] = sample_pos[1, :5] = torch.arange(5)  # a row partly given
    g_full, g_pos = torch.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    for k in sched.timesteps:
        logits = random_logits(B, N, seed=50 + int(k))
        unknown = sample_pos == MASK
        M = int(unknown.sum(1).max())
        pos = torch.argsort((~unknown).to(torch.int8), dim=1, stable=True)[:, :M]
        compact = logits.gather(1, pos.unsqueeze(-1).expand(-1, -1, CODES))
        sample_full = sched.step(logits, sample_full, k, generator=g_full, top_k=8, temperature=2.0)
        sample_pos = sched.step(compact, sample_pos, k, generator=g_pos, top_k=8, temperature=2.0, positions=pos)
        assert torch.equal(sample_full, sample_pos)
    assert (sample_pos != MASK).all()
    sched.set_timesteps(6)
    sample = all_masked(B, N)
    with pytest.raises(ValueError, match="every unknown position"):
        sched.step(random_logits(B, N - 1, 0), sample, 0, positions=torch.arange(N - 1).expand(B, -1))
    with pytest.raises(ValueError, match="positions"):
        sched.step(random_logits(B, N, 0), sample, 0, positions=torch.arange(N - 1).expand(B, -1))

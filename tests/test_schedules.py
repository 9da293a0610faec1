import math

import pytest
import torch

from unif2ace.diffusion.schedules import (
    RATIO_EPS,
    SIGMA_MAX,
    get_schedule,
    mask_codes,
    stratified_uniform,
)

NAMES = ("cosine", "linear", "loglinear")


def test_endpoints():
    cos, lin, loglin = (get_schedule(n) for n in NAMES)
    ends = torch.tensor([0.0, 1.0])
    assert cos.mask_ratio(ends).tolist() == [1.0, 0.0]  # fully masked at u = 0 (Show-o)
    assert lin.mask_ratio(ends).tolist() == [0.0, 1.0]
    assert torch.allclose(loglin.mask_ratio(ends), torch.tensor([0.0, 1.0 - 1e-3]))
    # SEDD's log-linear noise: σ(1) = −log ε, rate (1 − ε)/ε.
    assert loglin.sigma(torch.tensor(1.0, dtype=torch.float64)).item() == pytest.approx(-math.log(1e-3))
    assert loglin.dsigma_du(torch.tensor(1.0, dtype=torch.float64)).item() == pytest.approx(0.999 / 1e-3)
    assert cos.mask_ratio(torch.tensor(0.5)).item() == pytest.approx(math.cos(math.pi / 4))
    # Progress runs from all-masked to clean whatever the schedule's direction.
    for sched in (cos, lin):
        assert sched.ratio_at_progress(0.0).item() == 1.0
        assert sched.ratio_at_progress(1.0).item() == pytest.approx(0.0, abs=1e-12)
    assert cos.ratio_at_progress(0.3).item() == pytest.approx(math.cos(0.15 * math.pi))
    assert lin.ratio_at_progress(0.3).item() == pytest.approx(0.7)


@pytest.mark.parametrize("name", NAMES)
def test_clamped_quantities_are_finite(name):
    sched = get_schedule(name)
    u = torch.tensor([0.0, 1e-9, 0.5, 1 - 1e-9, 1.0])
    for values in (sched.sigma(u), sched.dsigma_du(u), sched.clean_odds(u)):
        assert torch.isfinite(values).all()
    assert (sched.sigma(u) <= SIGMA_MAX + 1e-4).all()
    assert (sched.clean_odds(u) <= (1 - RATIO_EPS) / RATIO_EPS * 1.001).all()


@pytest.mark.parametrize("name", NAMES)
def test_sigma_and_odds_against_closed_form(name):
    sched = get_schedule(name)
    u = torch.linspace(0.05, 0.95, 19, dtype=torch.float64)
    m = {"cosine": torch.cos(math.pi * u / 2), "linear": u, "loglinear": 0.999 * u}[name]
    assert torch.allclose(sched.sigma(u), -torch.log(1 - m))
    assert torch.allclose(sched.clean_odds(u), (1 - m) / m)


@pytest.mark.parametrize("name", NAMES)
def test_dsigma_du_matches_finite_differences(name):
    sched = get_schedule(name)
    u = torch.linspace(0.06, 0.94, 23, dtype=torch.float64)  # inside the unclamped range
    h = 1e-6
    numeric = ((sched.sigma(u + h) - sched.sigma(u - h)) / (2 * h)).abs()
    assert torch.allclose(sched.dsigma_du(u), numeric, rtol=1e-6, atol=1e-8)


def test_unknown_schedule_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown mask schedule 'cosin'.*cosine, linear, loglinear"):
        get_schedule("cosin")


def test_stratified_uniform_covers_every_stratum():
    g = torch.Generator().manual_seed(0)
    u = stratified_uniform(64, g)
    assert u.shape == (64,) and u.dtype == torch.float32
    strata = torch.floor(u * 64).long().sort().values
    assert strata.tolist() == list(range(64))
    assert (torch.floor(u * 64).long() != torch.arange(64)).any()  # shuffled
    again = stratified_uniform(64, torch.Generator().manual_seed(0))
    assert torch.equal(u, again)


@pytest.mark.parametrize("name", NAMES)
def test_mask_codes_masks_exactly_n_per_row(name):
    batch, num_tokens, mask_id = 40, 37, 999
    g = torch.Generator().manual_seed(1)
    codes = torch.randint(0, 500, (batch, num_tokens), generator=g)
    u = torch.rand(batch, generator=g)
    u[:3] = torch.tensor([0.0, 1.0, 0.5])
    noisy, mask = mask_codes(codes, u, name, mask_id, torch.Generator().manual_seed(2))
    m = {
        "cosine": lambda x: math.cos(math.pi * x / 2),
        "linear": lambda x: x,
        "loglinear": lambda x: 0.999 * x,
    }
    expected = [min(num_tokens, max(1, round(num_tokens * m[name](x)))) for x in u.tolist()]
    assert mask.sum(1).tolist() == expected
    assert torch.equal(noisy[mask], torch.full((sum(expected),), mask_id))
    assert torch.equal(noisy[~mask], codes[~mask])
    # Seedable: same generator seed → same positions, another seed → others.
    noisy2, mask2 = mask_codes(codes, u, name, mask_id, torch.Generator().manual_seed(2))
    _, mask3 = mask_codes(codes, u, name, mask_id, torch.Generator().manual_seed(3))
    assert torch.equal(mask, mask2) and torch.equal(noisy, noisy2)
    assert not torch.equal(mask, mask3)


def test_mask_codes_positions_are_uniform():
    # Each position should be masked with probability n/N.
    codes = torch.zeros(20000, 8, dtype=torch.long)
    u = torch.full((20000,), 0.5)
    _, mask = mask_codes(codes, u, "linear", 1, torch.Generator().manual_seed(0))
    freq = mask.float().mean(0)
    assert torch.allclose(freq, torch.full((8,), 0.5), atol=0.02)


def test_mask_codes_rejects_bad_shapes():
    with pytest.raises(ValueError, match="one time per row"):
        mask_codes(torch.zeros(2, 4, dtype=torch.long), torch.rand(3), "cosine", 9)

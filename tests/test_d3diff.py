import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from unif2ace.diffusion.d3diff import D3DiffLoss, d3diff_loss
from unif2ace.diffusion.schedules import mask_codes

EPS = 1e-3  # SEDD's log-linear ε


# Written from DESIGN §4 directly, independent of unif2ace.diffusion.schedules.
def ref_ratio(name, u):
    return {"cosine": math.cos(math.pi * u / 2), "linear": u, "loglinear": (1 - EPS) * u}[name]


def ref_weight(name, u):  # |dσ/du| = |m'| / (1 − m)
    if name == "cosine":
        return (math.pi / 2) * math.sin(math.pi * u / 2) / (1 - math.cos(math.pi * u / 2))
    if name == "linear":
        return 1 / (1 - u)
    return (1 - EPS) / (1 - (1 - EPS) * u)


def ref_d3diff(logits, clean, mask, u, name, score_param):
    """(L_mask, L_score, per-position ℓ list) in float64, loops over rows and positions."""
    logits = np.asarray(logits, dtype=np.float64)
    batch, num_tokens, _ = logits.shape
    ce_all, score_rows, ells = [], [], []
    for b in range(batch):
        m = ref_ratio(name, float(u[b]))
        a = (1 - m) / m
        row = 0.0
        for i in range(num_tokens):
            if not mask[b, i]:
                continue
            z = logits[b, i]
            log_p = z - (z.max() + np.log(np.exp(z - z.max()).sum()))
            y0 = int(clean[b, i])
            ce_all.append(-log_p[y0])
            log_s = log_p - np.log(m) if score_param == "paper" else np.log(a) + log_p
            ell = np.exp(log_s).sum() - a * log_s[y0] + a * (np.log(a) - 1)
            ells.append(ell)
            row += ell
        score_rows.append(ref_weight(name, float(u[b])) * row)
    return float(np.mean(ce_all)), float(np.mean(score_rows)), ells


def make_batch(batch=3, num_tokens=10, codes=7, name="cosine", seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    logits = (2 * torch.randn(batch, num_tokens, codes, generator=g, dtype=torch.float64)).to(dtype)
    clean = torch.randint(0, codes, (batch, num_tokens), generator=g)
    u = 0.1 + 0.8 * torch.rand(batch, generator=g, dtype=torch.float64)  # away from the clamps
    _, mask = mask_codes(clean, u, name, codes, g)
    return logits, clean, mask, u


@pytest.mark.parametrize("name", ["cosine", "linear", "loglinear"])
@pytest.mark.parametrize("score_param", ["paper", "exact"])
def test_matches_float64_reference(name, score_param):
    logits, clean, mask, u = make_batch(name=name)
    out = d3diff_loss(logits, clean, mask, u.float(), name, alpha=0.01, score_param=score_param)
    ref_mask, ref_score, _ = ref_d3diff(
        logits.numpy(), clean.numpy(), mask.numpy(), u.numpy(), name, score_param
    )
    assert out.total.dtype == torch.float32
    assert out.mask_loss.item() == pytest.approx(ref_mask, rel=1e-5)
    assert out.score_loss.item() == pytest.approx(ref_score, rel=1e-4)
    assert out.total.item() == pytest.approx(ref_mask + 0.01 * ref_score, rel=1e-5)
    assert int(out.num_masked) == int(mask.sum())
    assert not out.mask_loss.requires_grad and not out.score_loss.requires_grad

    out64 = d3diff_loss(logits.double(), clean, mask, u, name, alpha=0.01, score_param=score_param)
    assert out64.score_loss.item() == pytest.approx(ref_score, rel=1e-10)
    assert out64.mask_loss.item() == pytest.approx(ref_mask, rel=1e-12)


def test_low_precision_logits_are_computed_in_float32():
    logits, clean, mask, u = make_batch()
    out16 = d3diff_loss(logits.bfloat16(), clean, mask, u)
    out32 = d3diff_loss(logits.bfloat16().float(), clean, mask, u)
    assert out16.total.dtype == torch.float32
    assert out16.total.item() == out32.total.item()


@pytest.mark.parametrize("name", ["cosine", "linear", "loglinear"])
@pytest.mark.parametrize("score_param", ["paper", "exact"])
def test_score_gradient_is_weighted_cross_entropy(name, score_param):
    # ∇ L_score = ∇ mean_b w_b·a_b·Σ_{masked i} CE_i: the score term is a weighted CE + const.
    logits, clean, mask, u = make_batch(
        batch=4, num_tokens=12, codes=9, name=name, seed=3, dtype=torch.float64
    )
    logits.requires_grad_(True)
    num_tokens = logits.shape[1]
    score = (
        d3diff_loss(logits, clean, mask, u, name, mode="score", score_param=score_param).total * num_tokens
    )
    (grad,) = torch.autograd.grad(score, logits)

    weights = torch.tensor(
        [ref_weight(name, x) * (1 - ref_ratio(name, x)) / ref_ratio(name, x) for x in u.tolist()],
        dtype=torch.float64,
    )
    ce = F.cross_entropy(logits.transpose(1, 2), clean, reduction="none")  # (B, N)
    weighted = (weights * (ce * mask).sum(1)).mean()
    (ref_grad,) = torch.autograd.grad(weighted, logits)
    assert grad.abs().max() > 1e-3
    torch.testing.assert_close(grad, ref_grad, rtol=1e-9, atol=1e-12)


def test_paper_and_exact_parameterisations_have_the_same_gradient():
    logits, clean, mask, u = make_batch(batch=4, num_tokens=16, codes=11, seed=5, dtype=torch.float64)
    grads = []
    for score_param in ("paper", "exact"):
        x = logits.clone().requires_grad_(True)
        out = d3diff_loss(x, clean, mask, u, "cosine", alpha=0.01, score_param=score_param)
        grads.append(torch.autograd.grad(out.total, x)[0])
    torch.testing.assert_close(grads[0], grads[1], rtol=1e-9, atol=1e-12)
    # ... while their values differ by a θ-independent constant.
    values = [
        d3diff_loss(logits, clean, mask, u, score_param=p).score_loss.item() for p in ("paper", "exact")
    ]
    assert abs(values[0] - values[1]) > 1e-3


def test_exact_score_entropy_is_nonnegative_and_zero_at_the_optimum():
    logits, clean, mask, u = make_batch(batch=6, num_tokens=20, codes=5, seed=7, dtype=torch.float64)
    _, _, ells = ref_d3diff(logits.numpy(), clean.numpy(), mask.numpy(), u.numpy(), "cosine", "exact")
    assert min(ells) >= 0
    for b in range(6):  # row by row: w_b·Σ ℓ ≥ 0 from the implementation
        out = d3diff_loss(
            logits[b : b + 1], clean[b : b + 1], mask[b : b + 1], u[b : b + 1], score_param="exact"
        )
        assert out.score_loss.item() > 0
    perfect = 60.0 * F.one_hot(clean, 5).double()  # p(y0) = 1 − 4e^{−60}
    out = d3diff_loss(perfect, clean, mask, u, score_param="exact")
    assert out.score_loss.item() == pytest.approx(0.0, abs=1e-12)  # float64 rounding of a − a·log a …
    assert out.mask_loss.item() == pytest.approx(0.0, abs=1e-20)
    out32 = d3diff_loss(perfect.float(), clean, mask, u.float(), score_param="exact")
    assert abs(out32.score_loss.item()) < 1e-4
    # The paper's parameterisation is not 0 there: its constant remains.
    assert d3diff_loss(perfect, clean, mask, u, score_param="paper").score_loss.item() > 0.1


def test_alpha_zero_is_show_o_masked_cross_entropy():
    logits, clean, mask, u = make_batch(batch=5, num_tokens=16, codes=13, seed=11)
    showo = F.cross_entropy(logits[mask], clean[mask])
    for out in (
        d3diff_loss(logits, clean, mask, u, alpha=0.0),
        d3diff_loss(logits, clean, mask, u, alpha=0.5, mode="mask"),
    ):
        assert out.total.item() == pytest.approx(showo.item(), rel=1e-6)
        assert out.score_loss.item() > 0  # still reported for logging


def test_score_mode_is_the_per_token_score_term():
    logits, clean, mask, u = make_batch(seed=13)
    out = d3diff_loss(logits, clean, mask, u, mode="score", alpha=0.3)
    assert out.total.item() == pytest.approx(out.score_loss.item() / logits.shape[1], rel=1e-6)
    d3 = d3diff_loss(logits, clean, mask, u, alpha=0.3)
    assert d3.total.item() == pytest.approx(d3.mask_loss.item() + 0.3 * d3.score_loss.item(), rel=1e-6)


def test_score_term_is_about_n_times_the_masked_term():
    # DESIGN §4: at N = 256, random logits, linear schedule, L_score ≈ N·L_mask (why α = 0.01).
    # w·a·m = |m'| = 1 for the linear schedule, so the exact parameterisation gives N per sample.
    # Observed (K = 8192, u = (i + 0.5)/16, CE ≈ 9.52): L_score/L_mask = 257.4 = 1.005·N (exact);
    # 331.6 = 1.30·N (paper), whose θ-independent constant w·n·(u/(1−u) + log(1−u)) per row adds
    # ≈ 0.3·N·CE here. Same run, cosine: 1.006·N / 1.77·N; log-linear: 1.003·N / 1.29·N.
    batch, num_tokens, codes = 16, 256, 8192
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(batch, num_tokens, codes, generator=g)
    clean = torch.randint(0, codes, (batch, num_tokens), generator=g)
    u = (torch.arange(batch) + 0.5) / batch
    _, mask = mask_codes(clean, u, "linear", codes, g)
    ratios = {}
    for score_param in ("exact", "paper"):
        out = d3diff_loss(logits, clean, mask, u, "linear", score_param=score_param)
        ratios[score_param] = (out.score_loss / out.mask_loss).item() / num_tokens
    assert 0.95 < ratios["exact"] < 1.05, ratios
    assert 1.0 < ratios["paper"] < 2.5, ratios


def test_config_dataclass_and_errors():
    logits, clean, mask, u = make_batch(seed=17)
    loss = D3DiffLoss(alpha=0.05, schedule="linear", score_param="exact")
    direct = d3diff_loss(logits, clean, mask, u, "linear", alpha=0.05, score_param="exact")
    assert loss(logits, clean, mask, u).total.item() == direct.total.item()
    with pytest.raises(ValueError, match="unknown D3Diff mode 'both'"):
        D3DiffLoss(mode="both")
    with pytest.raises(ValueError, match="unknown score_param 'radd'"):
        D3DiffLoss(score_param="radd")
    with pytest.raises(ValueError, match="unknown mask schedule"):
        D3DiffLoss(schedule="square")
    with pytest.raises(ValueError, match="mask must be a bool"):
        d3diff_loss(logits, clean, mask.long(), u)
    with pytest.raises(ValueError, match="must both be"):
        d3diff_loss(logits, clean[:, :-1], mask, u)

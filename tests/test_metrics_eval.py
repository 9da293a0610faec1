"""FID/KID against closed forms and torchmetrics; VQA normalisation; BLEU/ROUGE-L sanity."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from unif2ace.metrics import (
    FIDReference,
    bleu,
    fid_bootstrap,
    fid_from_features,
    fid_torchmetrics,
    frechet_distance,
    gaussian_stats,
    kid_from_features,
    mmd2_unbiased,
    normalize_answer,
    rouge_l,
)


def test_fid_of_a_set_with_itself_is_zero():
    f = np.random.default_rng(0).normal(size=(64, 32))
    assert fid_from_features(f, f) == pytest.approx(0.0, abs=1e-9)
    assert fid_from_features(f, f + 0.5) == pytest.approx(0.25 * 32, rel=1e-9)  # a shift adds ‖Δμ‖² only


def test_fid_of_two_known_gaussians_equals_closed_form():
    # closed form for commuting covariances: ‖μ1−μ2‖² + Σ_i (√λ1_i − √λ2_i)²
    rng = np.random.default_rng(1)
    q, _ = np.linalg.qr(rng.normal(size=(6, 6)))  # a shared eigenbasis
    l1, l2 = np.array([1, 2, 3, 4, 5, 6.0]), np.array([6, 1, 0.5, 2, 9, 1.0])
    s1, s2 = q @ np.diag(l1) @ q.T, q @ np.diag(l2) @ q.T
    mu1, mu2 = rng.normal(size=6), rng.normal(size=6)
    exact = float(((mu1 - mu2) ** 2).sum() + ((np.sqrt(l1) - np.sqrt(l2)) ** 2).sum())
    assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(exact, rel=1e-10)
    # and from samples of those Gaussians (sampling error shrinks as 1/√n)
    a = rng.multivariate_normal(mu1, s1, size=200_000)
    b = rng.multivariate_normal(mu2, s2, size=200_000)
    assert fid_from_features(a, b) == pytest.approx(exact, rel=0.02)


def test_fid_matches_torchmetrics_on_rank_deficient_features():
    pytest.importorskip("torchmetrics")
    rng = np.random.default_rng(2)
    real = np.abs(rng.normal(size=(40, 100)))  # fewer samples than dimensions, as with few generated faces
    fake = np.abs(rng.normal(size=(40, 100)) * 1.3 + 0.2)
    assert fid_torchmetrics(real, fake) == pytest.approx(fid_from_features(real, fake), rel=1e-6)


def _direct(real: np.ndarray, fake: np.ndarray) -> float:
    """The d×d route: both covariances, Σ1^½ by eigensolve, then Σ1^½ Σ2 Σ1^½'s eigenvalues."""
    return frechet_distance(*gaussian_stats(real), *gaussian_stats(fake))


@pytest.mark.parametrize("n_real, n_fake, d", [(40, 40, 100), (30, 60, 100), (300, 300, 20), (300, 10, 20)])
def test_fid_reference_equals_the_direct_frechet_distance_for_any_rows(n_real, n_fake, d):
    """Fewer real samples than dimensions (the low-rank P), more (Σ_r^½), and either set the smaller."""
    rng = np.random.default_rng(3)
    real, fake = rng.normal(size=(n_real, d)), rng.normal(size=(n_fake, d)) * 1.2 + 0.1
    ref = FIDReference(real)
    # rel 1e-7: with n < d the d×d route takes square roots of the round-off eigenvalues (≈1e-15) of the
    # null space, ≈3e-8 each; the SVD of the n×m projection never sees them
    assert ref.fid(fake) == pytest.approx(_direct(real, fake), rel=1e-7)
    assert fid_from_features(real, fake) == pytest.approx(_direct(real, fake), rel=1e-7)
    assert fid_from_features(fake, real) == pytest.approx(_direct(real, fake), rel=1e-7)  # symmetric
    rows = rng.integers(0, n_fake, n_fake)  # a resample, repeats included
    assert ref.fid(fake, ref.project(fake), rows) == pytest.approx(_direct(real, fake[rows]), rel=1e-7)


def test_fid_of_sets_smaller_than_their_width_equals_scipy_in_the_subspace_they_span():
    """Features that live in a k-dimensional subspace of a d-dimensional space (k < n < d): the FID in d
    dimensions equals the FID of their k coordinates, where both covariances are full rank and scipy's
    general matrix square root is an independent reference (the route of pytorch-fid)."""
    from scipy import linalg

    rng = np.random.default_rng(5)
    k, n, d = 8, 40, 300
    basis, _ = np.linalg.qr(rng.normal(size=(d, k)))  # d×k, orthonormal columns
    a = rng.normal(size=(n, k)) @ rng.normal(size=(k, k)) + 0.5
    b = rng.normal(size=(n + 7, k)) * 0.7 - 0.2
    mu1, s1, mu2, s2 = a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False)
    exact = float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(linalg.sqrtm(s1 @ s2).real))
    assert fid_from_features(a @ basis.T, b @ basis.T) == pytest.approx(exact, rel=1e-10)


def test_fid_bootstrap_spread_and_the_paired_difference():
    rng = np.random.default_rng(4)
    real, fake = rng.normal(size=(120, 16)), rng.normal(size=(120, 16)) + 0.3
    single = fid_bootstrap(real, fake, n_boot=100, seed=0)
    assert single["value"] == pytest.approx(fid_from_features(real, fake), rel=1e-7)
    assert single["se"] > 0 and single["low"] < single["value"] < single["high"]
    assert fid_bootstrap(real, fake, n_boot=100, seed=0) == single  # seeded
    # the same images twice: the difference is exactly 0 in every draw
    same = fid_bootstrap(real, fake, fake.copy(), n_boot=50)
    assert same["value"] == 0 and same["se"] == 0 and same["low"] == same["high"] == 0
    # a set further from the reference by a known shift: a difference whose interval excludes 0; swapping
    # the two sets negates every draw (the same rows are drawn for both)
    worse = fake + 0.5
    paired = fid_bootstrap(real, worse, fake, n_boot=200)
    assert paired["value"] == pytest.approx(fid_from_features(real, worse) - fid_from_features(real, fake), rel=1e-6)
    assert paired["low"] > 0
    swapped = fid_bootstrap(real, fake, worse, n_boot=200)
    assert swapped["value"] == pytest.approx(-paired["value"]) and swapped["se"] == pytest.approx(paired["se"])
    assert swapped["low"] == pytest.approx(-paired["high"]) and swapped["high"] == pytest.approx(-paired["low"])
    with pytest.raises(ValueError, match="same prompts"):
        fid_bootstrap(real, fake, fake[:-1])


def test_kid_matches_torchmetrics_and_is_unbiased():
    pytest.importorskip("torchmetrics")
    from torchmetrics.image.kid import poly_mmd

    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(50, 16)), rng.normal(size=(50, 16)) + 0.3
    ref = float(poly_mmd(torch.from_numpy(x), torch.from_numpy(y)))
    assert mmd2_unbiased(x, y) == pytest.approx(ref, rel=1e-10)
    assert kid_from_features(x, y, subset_size=50)[0] == pytest.approx(ref, rel=1e-10)
    # two samples of one distribution: the unbiased estimate is centred on 0 (it can be negative)
    same = [kid_from_features(rng.normal(size=(60, 16)), rng.normal(size=(60, 16)))[0] for _ in range(20)]
    assert abs(np.mean(same)) < 3 * np.std(same) / np.sqrt(20)
    assert kid_from_features(x, y + 1.0, subsets=10, subset_size=20)[0] > kid_from_features(x, y, subsets=10, subset_size=20)[0]


@pytest.mark.parametrize("raw, norm", [
    ("Yes, she is smiling.", "yes she is smiling"),
    ("  YES. ", "yes"),
    ("Two.", "2"),
    ("The man", "man"),
    ("A woman!", "woman"),
    ("He's 3.5 years old", "he's 3.5 years old"),
    ("Child (0–12 years).", "child 0 12 years"),
    ("dont know", "don't know"),
])
def test_vqa_normalisation(raw, norm):
    assert normalize_answer(raw) == norm


def test_bleu_and_rouge_l():
    pytest.importorskip("sacrebleu")
    pytest.importorskip("rouge_score")
    refs = ["a smiling young woman with glasses faces the camera", "an elderly man with a beard"]
    assert bleu(refs, refs) == pytest.approx(100.0)
    assert rouge_l(refs, refs) == pytest.approx(1.0)
    assert rouge_l(["a b c d"], ["a x c d"]) == pytest.approx(0.75)
    assert bleu(["completely unrelated words here now"], refs[:1]) < 5
    with pytest.raises(ValueError):
        bleu(refs, refs[:1])

"""PSNR / SSIM / FID (unif2ace.metrics) against independent references: closed forms, scikit-image, scipy."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from unif2ace.metrics import (
    InceptionFeatures,
    fid_from_features,
    frechet_distance,
    gaussian_stats,
    psnr,
    ssim,
)


def test_psnr_closed_form():
    x = torch.zeros(2, 3, 8, 8)
    y = x.clone()
    y[0] += 0.1  # MSE 0.01 → 20 dB
    y[1, :, :4] += 0.5  # MSE 0.125 → 9.03 dB
    torch.testing.assert_close(psnr(y, x), torch.tensor([20.0, 10 * np.log10(8.0)], dtype=torch.float64))


def test_ssim_matches_scikit_image():
    from skimage.metrics import structural_similarity

    g = torch.Generator().manual_seed(0)
    x = torch.rand(2, 3, 40, 36, generator=g)
    y = (x + 0.1 * torch.randn(2, 3, 40, 36, generator=g)).clamp(0, 1)
    ours = ssim(x, y)
    for i in range(2):
        ref = structural_similarity(x[i].permute(1, 2, 0).double().numpy(), y[i].permute(1, 2, 0).double().numpy(),
                                    data_range=1.0, channel_axis=2, gaussian_weights=True, sigma=1.5,
                                    use_sample_covariance=False)
        assert float(ours[i]) == pytest.approx(ref, abs=1e-6)
    assert float(ssim(x, x)[0]) == pytest.approx(1.0)


def test_frechet_distance_matches_scipy_sqrtm():
    from scipy import linalg

    rng = np.random.default_rng(0)
    a = rng.normal(size=(300, 16))
    b = rng.normal(size=(300, 16)) @ rng.normal(size=(16, 16)) * 0.5 + 0.3
    mu1, s1 = gaussian_stats(a)
    mu2, s2 = gaussian_stats(b)
    covmean = linalg.sqrtm(s1 @ s2).real
    ref = float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))
    assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(ref, rel=1e-8)
    assert fid_from_features(a, a) == pytest.approx(0.0, abs=1e-8)
    # closed form for diagonal covariances: Σ (√v1 − √v2)² + ‖μ1 − μ2‖²
    v1, v2 = np.array([1.0, 4.0]), np.array([9.0, 1.0])
    assert frechet_distance(np.zeros(2), np.diag(v1), np.ones(2), np.diag(v2)) == pytest.approx(2 + 4 + 1)


def test_inception_features():
    feats = InceptionFeatures(batch_size=2)
    x = torch.rand(3, 3, 64, 64)
    f = feats(x)
    assert f.shape == (3, 2048) and f.dtype == np.float64 and np.isfinite(f).all() and (f >= 0).all()
    np.testing.assert_allclose(feats(x[:1]), f[:1], rtol=1e-4, atol=1e-5)

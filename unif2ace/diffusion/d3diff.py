"""D3Diff: Show-o's masked-token CE plus α · the SEDD score-entropy term, from the same logits.

DESIGN §4. Per masked image position i with clean code y0, at time u with mask ratio m(u),
σ = −log(1 − m) and a = (1 − m)/m = 1/(e^σ − 1) (all from ``schedules``):

    L_mask  = mean over the batch's masked positions of CE_i = −log p_θ(y0 | x_t)
    ℓ_i     = Σ_y s_{i,y} − a·log s_{i,y0} + a·(log a − 1)         (absorbing score entropy)
    L_score = mean over the batch of w(u)·Σ_{masked i} ℓ_i,  w(u) = |dσ/du|
    L       = L_mask + α·L_score

with the score from the same logits, either the paper's relation s = p_θ / m
(``score_param="paper"``: log s = log_softmax − log m) or the exact absorbing score of RADD
(``"exact"``: log s = log a + log_softmax, for which ℓ = a·CE ≥ 0, 0 at the optimum). Both are
a·CE_i plus a θ-independent constant, so they have the same gradient, that of w·a·Σ CE_i; they
differ only in the logged value.

Scale: w·a·m = |m'(u)|, which integrates to 1 over u, so E[L_score] ≈ N·E[CE] for any schedule
(N = image tokens): the score term is about N times the masked term, hence α = 0.01 at N = 256.
``mode="score"`` ("score only" of the paper's ablation) returns L_score / N, the per-token
negative ELBO, which has the scale of L_mask, so the same learning rate and the same weight of
the understanding loss still fit; α is not used there.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from unif2ace.diffusion.schedules import MaskSchedule, get_schedule

MODES = ("d3diff", "mask", "score")
SCORE_PARAMS = ("paper", "exact")


@dataclass(frozen=True)
class D3DiffOutput:
    """``total`` is differentiable; the parts are detached copies for logging.

    ``score_loss`` is the unscaled L_score (before α or 1/N); ``num_masked`` a 0-dim long tensor
    (kept on the device, so logging it costs no synchronisation until it is read).
    """

    total: Tensor
    mask_loss: Tensor
    score_loss: Tensor
    num_masked: Tensor


def _check_options(alpha: float, mode: str, score_param: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown D3Diff mode '{mode}'; choose one of {', '.join(MODES)}")
    if score_param not in SCORE_PARAMS:
        raise ValueError(f"unknown score_param '{score_param}'; choose one of {', '.join(SCORE_PARAMS)}")
    if alpha < 0:
        raise ValueError(f"D3Diff alpha must be >= 0, got {alpha}")


def d3diff_loss(
    code_logits: Tensor,
    clean_codes: Tensor,
    mask: Tensor,
    u: Tensor,
    schedule: str | MaskSchedule = "cosine",
    *,
    alpha: float = 0.01,
    mode: str = "d3diff",
    score_param: str = "paper",
) -> D3DiffOutput:
    """The D3Diff loss of a batch of noised image-code sequences.

    code_logits: (B, N, K) logits over the K image codes at the N image positions (any float
    dtype; the loss is computed in float32, or float64 for float64 input). clean_codes: (B, N)
    long in [0, K). mask: (B, N) bool, True where the input was masked. u: (B,) the times the
    masks were drawn at (``schedules.mask_codes``).
    """
    _check_options(alpha, mode, score_param)
    if code_logits.dim() != 3:
        raise ValueError(f"code_logits must be (batch, tokens, codes), got {tuple(code_logits.shape)}")
    batch, num_tokens, _ = code_logits.shape
    if clean_codes.shape != (batch, num_tokens) or mask.shape != (batch, num_tokens):
        raise ValueError(
            f"clean_codes {tuple(clean_codes.shape)} and mask {tuple(mask.shape)} must both be "
            f"({batch}, {num_tokens}), the first two dims of code_logits"
        )
    if mask.dtype != torch.bool:
        raise ValueError(f"mask must be a bool tensor (True = masked), got {mask.dtype}")
    sched = get_schedule(schedule)
    dtype = torch.promote_types(code_logits.dtype, torch.float32)
    device = code_logits.device

    # Only masked positions enter either term: select them before the float32 log-softmax.
    rows = torch.arange(batch, device=device).unsqueeze(1).expand(batch, num_tokens)[mask]  # (M,)
    log_probs = torch.log_softmax(code_logits[mask].to(dtype), dim=-1)  # (M, K)
    log_p_clean = log_probs.gather(1, clean_codes[mask].unsqueeze(1)).squeeze(1)  # (M,)
    num_masked = mask.sum()
    mask_loss = -log_p_clean.sum() / num_masked.clamp(min=1)

    u = u.to(device=device, dtype=dtype)
    sigma = sched.sigma(u)  # (B,)
    a = 1.0 / torch.expm1(sigma)
    log_a = -torch.log(torch.expm1(sigma))
    if score_param == "paper":
        log_scale = -torch.log(-torch.expm1(-sigma))  # −log m
    else:
        log_scale = log_a
    scale_i, a_i, log_a_i = log_scale[rows], a[rows], log_a[rows]
    log_s_clean = log_p_clean + scale_i
    # Σ_y s_y through a logsumexp (exactly e^{scale} for a normalised p; kept general and stable).
    sum_s = torch.exp(torch.logsumexp(log_probs, dim=-1) + scale_i)
    ell = sum_s - a_i * log_s_clean + a_i * (log_a_i - 1.0)  # (M,)
    per_row = torch.zeros(batch, device=device, dtype=dtype).index_add(0, rows, ell)
    score_loss = (sched.dsigma_du(u) * per_row).mean()

    if mode == "mask" or (mode == "d3diff" and alpha == 0):
        total = mask_loss  # no 0·L_score term: keeps Show-o's loss exact even if L_score overflows
    elif mode == "score":
        total = score_loss / num_tokens
    else:
        total = mask_loss + alpha * score_loss
    return D3DiffOutput(total, mask_loss.detach(), score_loss.detach(), num_masked)


@dataclass
class D3DiffLoss:
    """The loss configuration (α, mode, schedule name, score parameterisation); call it on a batch."""

    alpha: float = 0.01
    mode: str = "d3diff"
    schedule: str = "cosine"
    score_param: str = "paper"

    def __post_init__(self) -> None:
        _check_options(self.alpha, self.mode, self.score_param)
        get_schedule(self.schedule)

    def __call__(self, code_logits: Tensor, clean_codes: Tensor, mask: Tensor, u: Tensor) -> D3DiffOutput:
        return d3diff_loss(
            code_logits,
            clean_codes,
            mask,
            u,
            self.schedule,
            alpha=self.alpha,
            mode=self.mode,
            score_param=self.score_param,
        )


__all__ = ["D3DiffLoss", "D3DiffOutput", "d3diff_loss", "MODES", "SCORE_PARAMS"]

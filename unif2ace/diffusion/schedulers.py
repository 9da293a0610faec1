"""Samplers for masked image-token diffusion, in the pattern of diffusers' schedulers (DESIGN §5).

A scheduler holds no model: the pipeline calls ``set_timesteps(K)`` and then, for k in
``timesteps``, runs the model to get code logits and calls ``step(code_logits, sample, k,
generator)``. Samples live in *code space*: (B, N) long, a code in [0, K) at known positions and
``mask_id`` at unknown ones (``mask_id=None`` means K, the id right after the codes — the order of
the full vocabulary, where the mask follows the codes). Positions that are known when sampling
starts (inpainting, editing) are never changed. Both samplers use the training schedule
(``schedules``), are vectorised over the batch, run on the device of their inputs and are
deterministic for a given ``torch.Generator`` (which must live on that device).

- ``MaskGITScheduler``: Show-o's / MaskGIT's confidence-based parallel decoding.
- ``MDLMScheduler``: the ancestral sampler of absorbing diffusion (MDLM, SEDD).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from unif2ace.diffusion.schedules import MaskSchedule, _lowest_ranks, get_schedule, mask_codes


def _gumbel(shape: torch.Size, generator: torch.Generator | None, device: torch.device) -> Tensor:
    uniform = torch.rand(shape, generator=generator, device=device)
    return -torch.log(-torch.log(uniform.clamp_min(torch.finfo(uniform.dtype).tiny)))


def draw_categorical(logits: Tensor, generator: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
    """One draw per row of ``logits`` (..., K) from softmax(logits), with its log-probability.

    Inverse-CDF sampling: cumulative sum of the probabilities, one uniform per row scaled to the
    row's total, ``searchsorted`` for the first cumulative value above it. Exact like Gumbel-max
    but one random number per row instead of K, and no logarithms over (rows, K): 1,024 rows of
    8,192 codes take 29 ms against Gumbel-max's 111 ms and ``torch.multinomial``'s 201 ms on two
    CPU threads (``benchmarks/inference.py``). Codes of probability 0 (logit −inf) are never drawn.
    Returns (codes (...) long, log p(code) (...) float32).
    """
    probs = torch.softmax(logits, dim=-1, dtype=torch.float32)  # bf16 logits: upcast inside, no copy
    cdf = torch.cumsum(probs, dim=-1)
    total = cdf[..., -1:]
    u = torch.rand(total.shape, generator=generator, device=logits.device) * total
    # rounding may put u on the row's total: keep it strictly below, so the last non-zero code can be hit
    u = torch.minimum(u, torch.nextafter(total, torch.zeros_like(total)))
    codes = torch.searchsorted(cdf, u, right=True).clamp_max(logits.shape[-1] - 1)
    # a drawn code has probability > 0, so its log is finite
    return codes.squeeze(-1), torch.log(probs.gather(-1, codes)).squeeze(-1)


def filter_logits(logits: Tensor, top_k: int = 0, top_p: float = 1.0, temperature: float = 1.0) -> Tensor:
    """``logits`` (..., K) divided by ``temperature``, with every code outside the ``top_k`` most likely
    (0: no limit) or outside the nucleus (the fewest most likely codes whose probability reaches
    ``top_p``; 1: no limit) set to −inf. The most likely code always stays. Returns a new tensor.

    Ties at the k-th value keep exactly k codes (``torch.topk``'s choice among the tied ones).
    """
    if temperature <= 0 or not math.isfinite(temperature):
        raise ValueError(f"temperature must be a positive number, got {temperature}")
    if not 0 < top_p <= 1:
        raise ValueError(f"top_p must be in (0, 1], got {top_p}")
    if top_k < 0:
        raise ValueError(f"top_k must be 0 (off) or positive, got {top_k}")
    out = logits.float() / temperature if temperature != 1 else logits.float().clone()
    K = out.shape[-1]
    if 0 < top_k < K:
        keep = torch.zeros_like(out, dtype=torch.bool).scatter_(-1, out.topk(top_k, dim=-1).indices, True)
        out = out.masked_fill(~keep, float("-inf"))
    if top_p < 1:
        probs, order = torch.softmax(out, dim=-1).sort(dim=-1, descending=True)
        # a code stays if the probability of the codes ranked above it is still below top_p
        above = torch.cumsum(probs, dim=-1) - probs
        drop_sorted = above >= top_p
        drop_sorted[..., 0] = False
        out = out.masked_fill(torch.zeros_like(drop_sorted).scatter_(-1, order, drop_sorted), float("-inf"))
    return out


def sample_codes(code_logits: Tensor, generator: torch.Generator | None = None) -> Tensor:
    """(B, N) codes drawn from softmax(code_logits) (float32, any device); see :func:`draw_categorical`."""
    return draw_categorical(code_logits, generator)[0]


class _MaskedDiffusionScheduler:
    def __init__(self, schedule: str | MaskSchedule = "cosine", mask_id: int | None = None) -> None:
        self.schedule = get_schedule(schedule)
        self.mask_id = mask_id
        self.num_inference_steps: int | None = None
        self.timesteps = torch.empty(0, dtype=torch.long)

    def set_timesteps(self, num_steps: int) -> None:
        """Prepare ``num_steps`` steps; ``timesteps`` are the step indices 0 … num_steps − 1."""
        if num_steps < 1:
            raise ValueError(f"num_steps must be at least 1, got {num_steps}")
        self.num_inference_steps = num_steps
        self.timesteps = torch.arange(num_steps)

    def add_noise(
        self, codes: Tensor, u: Tensor, generator: torch.Generator | None = None
    ) -> tuple[Tensor, Tensor]:
        """Training-time noising, ``schedules.mask_codes``: (noisy codes, mask)."""
        if self.mask_id is None:
            raise ValueError("add_noise needs the mask id: build the scheduler with mask_id=<codebook size>")
        return mask_codes(codes, u, self.schedule, self.mask_id, generator)

    def _begin_step(self, code_logits: Tensor, sample: Tensor, step_index: int | Tensor,
                    positions: Tensor | None = None) -> tuple[int, int]:
        if self.num_inference_steps is None:
            raise RuntimeError("call set_timesteps(num_steps) before step()")
        step_index = int(step_index)
        if not 0 <= step_index < self.num_inference_steps:
            raise ValueError(f"step_index {step_index} is outside [0, {self.num_inference_steps})")
        if positions is not None:
            if code_logits.dim() != 3 or positions.shape != code_logits.shape[:2] or sample.shape[0] != positions.shape[0]:
                raise ValueError(f"with positions (B, M), code_logits must be (B, M, K) and sample (B, N); got "
                                 f"{tuple(positions.shape)}, {tuple(code_logits.shape)} and {tuple(sample.shape)}")
        elif code_logits.dim() != 3 or sample.shape != code_logits.shape[:2]:
            raise ValueError(
                f"code_logits must be (B, N, K) and sample (B, N); got {tuple(code_logits.shape)} "
                f"and {tuple(sample.shape)}"
            )
        mask_id = code_logits.shape[-1] if self.mask_id is None else self.mask_id
        return step_index, mask_id

    def _progress_ratio(self, progress: float) -> float:
        return float(self.schedule.ratio_at_progress(progress))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(schedule={self.schedule!r}, mask_id={self.mask_id})"


class MaskGITScheduler(_MaskedDiffusionScheduler):
    """MaskGIT decoding as in Show-o: predict all, keep the most confident, re-mask the rest.

    Step k of K: draw a code at every unknown position from softmax(logits) (the logits of known
    positions are never read, so a caller may leave them uncomputed), score
    the new ones by confidence log p(code) + τ·(1 − (k+1)/K)·Gumbel (noise annealed to 0), and
    leave the floor(N·m((k+1)/K)) least confident masked, clamped to [1, #unknown − 1] so every
    step reveals at least one token and keeps one for later; the last step reveals all.
    N counts all positions, as in Show-o, also when only a region is being inpainted.
    """

    def step(
        self,
        code_logits: Tensor,
        sample: Tensor,
        step_index: int | Tensor,
        generator: torch.Generator | None = None,
        temperature: float = 1.0,
        top_k: int = 0,
        top_p: float = 1.0,
        code_temperature: float = 1.0,
        positions: Tensor | None = None,
    ) -> Tensor:
        """One decoding step. code_logits (B, N, K), sample (B, N) long → the new sample (B, N).

        temperature scales the confidence noise; top_k, top_p and code_temperature shape the
        distribution each code is drawn from (:func:`filter_logits`; its log-probability is then the
        confidence). The defaults draw from softmax(logits) unchanged.

        positions (B, M): code_logits (B, M, K) holds only these positions' logits, each row's unknown
        positions first in increasing order, then any known ones (``argsort(~unknown, stable=True)[:, :M]``),
        as a caller that projects only the masked positions has them; the step is then the same as
        with those logits placed in a (B, N, K) tensor, without building it."""
        step_index, mask_id = self._begin_step(code_logits, sample, step_index, positions)
        num_steps = self.num_inference_steps
        assert num_steps is not None
        batch, num_tokens = sample.shape
        unknown = sample == mask_id
        where = unknown.nonzero(as_tuple=True)  # only unknown positions are drawn: logits elsewhere are ignored
        if positions is None:
            logits = code_logits[where]
        else:
            at_unknown = unknown.gather(1, positions)
            logits = code_logits[at_unknown]  # row-major, so in the order of `where`
            if logits.shape[0] != where[0].shape[0]:
                raise ValueError("positions must list every unknown position of each row first")
        if top_k or top_p < 1 or code_temperature != 1:
            logits = filter_logits(logits, top_k, top_p, code_temperature)
        new, new_log_prob = draw_categorical(logits, generator)  # (M,) each
        drawn = sample.index_put(where, new)

        progress = (step_index + 1) / num_steps
        last = step_index == num_steps - 1
        num_unknown = unknown.sum(dim=1)  # (B,)
        scheduled = 0 if last else math.floor(num_tokens * self._progress_ratio(progress))
        keep_masked = torch.minimum(num_unknown - 1, torch.full_like(num_unknown, scheduled))
        keep_masked = torch.minimum(keep_masked.clamp(min=0 if last else 1), num_unknown)

        # known positions: +inf (never re-masked; adding finite noise keeps them there)
        confidence = torch.full(sample.shape, float("inf"), device=sample.device).index_put(
            where, new_log_prob)
        noise_scale = temperature * (1.0 - progress)
        if noise_scale != 0:
            confidence = confidence + noise_scale * _gumbel(confidence.shape, generator, confidence.device)
        remask = _lowest_ranks(confidence, keep_masked)
        return drawn.masked_fill(remask, mask_id)

    def static_arguments(self, step_index: int, num_tokens: int) -> tuple[float, bool, int]:
        """(progress, last, scheduled) of step ``step_index`` for :func:`maskgit_step_static`."""
        num_steps = self.num_inference_steps
        if num_steps is None:
            raise RuntimeError("call set_timesteps(num_steps) before step()")
        progress = (step_index + 1) / num_steps
        last = step_index == num_steps - 1
        return progress, last, 0 if last else math.floor(num_tokens * self._progress_ratio(progress))


def maskgit_step_static(code_logits: Tensor, positions: Tensor, sample: Tensor, mask_id: int, progress: float,
                        last: bool, scheduled: int, uniforms: Tensor, gumbel_uniforms: Tensor | None,
                        temperature: float = 1.0) -> Tensor:
    """:meth:`MaskGITScheduler.step` with static shapes and its random numbers given: no ``nonzero``,
    no shape that depends on the data, no host sync, so ``torch.compile(fullgraph=True)`` captures it
    and a CUDA graph can replay it (the random numbers are drawn outside, with static shapes).

    code_logits (B, M, K) at ``positions`` (B, M), each row's unknown positions first in increasing
    order, padded with known ones (``argsort(~unknown, stable=True)[:, :M]``, M ≥ every row's unknown
    count); sample (B, N); uniforms (B, N), the code draw's uniform for each position; gumbel_uniforms
    (B, N), the confidence noise's (unused when the noise scale is 0). progress, last, scheduled: as
    :meth:`MaskGITScheduler.static_arguments` gives them. Given the uniforms ``step`` would draw (its
    i-th unknown position in row-major order takes its i-th uniform) the result equals ``step``'s.
    """
    unknown = sample == mask_id
    at_unknown = unknown.gather(1, positions)  # (B, M): False on the padding positions
    probs = torch.softmax(code_logits, dim=-1, dtype=torch.float32)
    cdf = torch.cumsum(probs, dim=-1)
    total = cdf[..., -1:]
    u = uniforms.gather(1, positions).unsqueeze(-1) * total
    u = torch.minimum(u, torch.nextafter(total, torch.zeros_like(total)))
    codes = torch.searchsorted(cdf, u, right=True).clamp_max(code_logits.shape[-1] - 1)
    log_prob = torch.log(probs.gather(-1, codes)).squeeze(-1)
    codes = codes.squeeze(-1)
    drawn = sample.scatter(1, positions, torch.where(at_unknown, codes, sample.gather(1, positions)))
    num_unknown = unknown.sum(dim=1)
    keep_masked = torch.minimum(num_unknown - 1, torch.full_like(num_unknown, scheduled))
    keep_masked = torch.minimum(keep_masked.clamp(min=0 if last else 1), num_unknown)
    inf = torch.full(sample.shape, float("inf"), device=sample.device)
    confidence = inf.scatter(1, positions, torch.where(at_unknown, log_prob, float("inf")))
    noise_scale = temperature * (1.0 - progress)
    if noise_scale != 0:
        g = -torch.log(-torch.log(gumbel_uniforms.clamp_min(torch.finfo(gumbel_uniforms.dtype).tiny)))
        confidence = confidence + noise_scale * g
    return drawn.masked_fill(_lowest_ranks(confidence, keep_masked), mask_id)


class MDLMScheduler(_MaskedDiffusionScheduler):
    """The ancestral sampler of absorbing diffusion (MDLM, SEDD) on the training schedule.

    Step k of K goes from progress k/K to (k+1)/K, i.e. from mask ratio m_t to m_s < m_t: every
    masked position is revealed with probability (m_t − m_s)/m_t, its code drawn from
    softmax(logits); revealed and known positions stay. The last step reveals everything.
    """

    def unmask_probability(self, step_index: int) -> float:
        """(m_t − m_s)/m_t of step ``step_index`` (1 at the last step)."""
        num_steps = self.num_inference_steps
        if num_steps is None:
            raise RuntimeError("call set_timesteps(num_steps) first")
        if step_index == num_steps - 1:
            return 1.0
        ratio_t = self._progress_ratio(step_index / num_steps)
        ratio_s = self._progress_ratio((step_index + 1) / num_steps)
        return min(1.0, max(0.0, (ratio_t - ratio_s) / ratio_t)) if ratio_t > 0 else 1.0

    def step(
        self,
        code_logits: Tensor,
        sample: Tensor,
        step_index: int | Tensor,
        generator: torch.Generator | None = None,
        top_k: int = 0,
        top_p: float = 1.0,
        code_temperature: float = 1.0,
    ) -> Tensor:
        """One ancestral step. code_logits (B, N, K), sample (B, N) long → the new sample (B, N);
        top_k, top_p and code_temperature as in :func:`filter_logits`."""
        step_index, mask_id = self._begin_step(code_logits, sample, step_index)
        if top_k or top_p < 1 or code_temperature != 1:
            code_logits = filter_logits(code_logits, top_k, top_p, code_temperature)
        drawn = sample_codes(code_logits, generator)
        reveal_draw = torch.rand(sample.shape, generator=generator, device=sample.device)
        reveal = (sample == mask_id) & (reveal_draw < self.unmask_probability(step_index))
        return torch.where(reveal, drawn, sample)


__all__ = ["MaskGITScheduler", "MDLMScheduler", "draw_categorical", "maskgit_step_static", "filter_logits", "sample_codes"]

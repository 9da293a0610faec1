"""Text-to-image-code generation with classifier-free guidance and a cached prompt prefix.

The t2i prompt prefix ``[pad…] <|t2i|> <|sot|> prompt <|eot|>`` is causal and never attends to
image tokens, so its keys/values are computed once and reused at every step: each step runs the
model on the N + 2 image positions only, projects only the image positions onto the code
vocabulary (and only the positions still masked), and evaluates the conditional and
unconditional rows in one batch.

``use_cache=False, full_vocab=True`` is Show-o's algorithm (whole sequence and full-vocabulary head
at every step), kept as a reference mode for tests and benchmarks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import torch

from unif2ace.config import GUIDANCE_SCHEDULES
from unif2ace.diffusion.schedulers import MaskGITScheduler, MDLMScheduler
from unif2ace.sequences import SequenceBuilder

SAMPLERS = ("maskgit", "mdlm")


@dataclass(frozen=True)
class ImageGenerationConfig:
    """Every sampling option of text → image, as one value from the CLI, the server and the API down to
    the sampler. It checks itself when made (finite numbers, whole steps, known names), so an invalid
    config cannot exist; ``with_overrides`` gives a checked copy with per-call changes.

    ``candidates``, ``gender_contrast``, ``age_contrast`` and ``greyscale_when_asked`` are the pipeline's
    (``UniF2ace.generate``): best-of-N, the contrast terms built from rewritten prompts and the
    desaturation of faces whose prompt asks for black and white; ``generate_image_codes`` ignores them.
    """

    num_tokens: int = 256  # image codes per image (e.g. 16×16)
    steps: int = 18
    guidance_scale: float = 0.0  # CFG: (1 + w)·cond − w·uncond; w is this on average over the steps
    guidance_schedule: str = "constant"  # or "linear" / "cosine": w rises from ~0 over the steps (GUIDANCE_SCHEDULES)
    temperature: float = 1.0  # MaskGIT confidence-noise scale, annealed to 0
    sampler: str = "maskgit"  # or "mdlm"
    schedule: str = "cosine"
    use_cache: bool = True
    full_vocab: bool = False  # Show-o's reference: project onto the whole vocabulary, then slice
    candidates: int = 1  # faces drawn per returned face, the best kept by the model's own reading
    gender_contrast: float = 0.0  # guidance against the prompt with its gender words swapped (swap_gender)
    age_contrast: float = 0.0  # guidance against the prompt with its age moved toward the middle (shift_age)
    # what each code is drawn from (schedulers.filter_logits): the k most likely codes (0: all), the
    # nucleus of probability top_p (1: all), softmax(logits / code_temperature)
    top_k: int = 0
    top_p: float = 1.0
    code_temperature: float = 1.0
    # faces whose prompt asks for black and white (contrast.asks_black_and_white) are turned greyscale
    # after decoding: the image tokenizer cannot return a greyscale picture (its reconstructions of
    # greyscale photos keep a colour cast), so the model alone never gives one
    greyscale_when_asked: bool = True

    def __post_init__(self) -> None:
        # normalise in place (18.0 → 18) so equal settings compare equal, e.g. as the server's batch key
        for name, value in self._checked().items():
            object.__setattr__(self, name, value)

    def _checked(self) -> dict:
        from unif2ace.diffusion.schedules import SCHEDULES
        from unif2ace.validation import choice, finite_number, flag, whole_number

        return dict(
            num_tokens=whole_number(self.num_tokens, "num_tokens"),
            steps=whole_number(self.steps, "steps", maximum=10_000),
            guidance_scale=finite_number(self.guidance_scale, "guidance_scale"),
            guidance_schedule=choice(self.guidance_schedule, "guidance_schedule", GUIDANCE_SCHEDULES),
            temperature=finite_number(self.temperature, "temperature"),
            sampler=choice(self.sampler, "sampler", SAMPLERS),
            schedule=choice(self.schedule, "schedule", SCHEDULES),
            use_cache=flag(self.use_cache, "use_cache"),
            full_vocab=flag(self.full_vocab, "full_vocab"),
            candidates=whole_number(self.candidates, "candidates"),
            gender_contrast=finite_number(self.gender_contrast, "gender_contrast"),
            age_contrast=finite_number(self.age_contrast, "age_contrast"),
            top_k=whole_number(self.top_k, "top_k", minimum=0),
            top_p=finite_number(self.top_p, "top_p", minimum=1e-6, maximum=1.0),
            code_temperature=finite_number(self.code_temperature, "code_temperature", minimum=1e-3),
            greyscale_when_asked=flag(self.greyscale_when_asked, "greyscale_when_asked"),
        )

    def with_overrides(self, **overrides) -> ImageGenerationConfig:
        """A checked copy with ``overrides`` applied; a ``None`` value keeps this config's setting.

        Unknown names are an error listing the options (a typo must not be silently ignored).
        """
        names = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise TypeError(f"unknown sampling option{'s' * (len(unknown) > 1)} {', '.join(unknown)}; "
                            f"the options are {', '.join(sorted(names))}")
        changes = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **changes) if changes else self

    def guidance_at(self, step: int) -> float:
        """The CFG weight of step ``step`` (0-based) of ``steps``; its mean over the steps is ``guidance_scale``.

        With x = (step + ½) / steps: constant w; linear 2w·x; cosine w·(1 − cos πx). The rising
        schedules guide little while the first, layout-setting tokens are drawn and strongly at the
        end (Muse; Wang et al. 2024, "Analysis of Classifier-Free Guidance Weight Schedulers").
        """
        w, x = self.guidance_scale, (step + 0.5) / self.steps
        if self.guidance_schedule == "linear":
            return 2 * w * x
        if self.guidance_schedule == "cosine":
            return w * (1 - math.cos(math.pi * x))
        return w

    def make_scheduler(self, mask_code: int):
        if self.sampler == "maskgit":
            scheduler = MaskGITScheduler(self.schedule, mask_id=mask_code)
        elif self.sampler == "mdlm":
            scheduler = MDLMScheduler(self.schedule, mask_id=mask_code)
        else:  # unreachable for a checked config; a subclass may add samplers
            raise ValueError(f"unknown sampler '{self.sampler}'; use one of {', '.join(SAMPLERS)}")
        scheduler.set_timesteps(self.steps)
        return scheduler


@torch.no_grad()
def generate_image_codes(
    model,
    prompts: Sequence[Sequence[int]],
    config: ImageGenerationConfig,
    generator: torch.Generator | None = None,
    init_codes: torch.Tensor | None = None,
    features: dict[str, torch.Tensor] | None = None,
    feature_mask: dict[str, torch.Tensor] | None = None,
    negative_prompts: Sequence[Sequence[int]] | None = None,
    contrasts: Sequence[tuple[Sequence[Sequence[int]], float]] = (),
) -> torch.Tensor:
    """Generate image codes (B, N) for tokenised prompts.

    Guidance (each weight follows ``config.guidance_at``, scaled from ``guidance_scale``)::

        logits = cond + w·(cond − negative) + Σ_i c_i·(cond − contrast_i)

    negative_prompts: one per row, what CFG guides away from (default: the empty prompt, as trained
        with prompt dropout); contrasts: (prompts, c_i) pairs, one prompt per row, each a further
        term, e.g. the prompt with one attribute changed, which pushes along that attribute only
        (composed guidance, Liu et al. 2022). Each term adds B rows to every step's batch; a term
        with c_i = 0 is left out.

    init_codes: (B, N) with K (= codebook size) at positions to generate and codes elsewhere
        (inpainting / editing keeps the given codes); default: everything masked.
    features: sequence-MoE features per row (e.g. {"identity": (B, D)}); noise is drawn here from
        ``generator`` so a seed fixes the whole result.
    """
    cfg = model.config
    device = model.lm_head.weight.device
    B, N, K = len(prompts), config.num_tokens, cfg.codebook_size
    builder = SequenceBuilder(cfg)
    codes = torch.full((B, N), K, dtype=torch.long, device=device) if init_codes is None else init_codes.to(device)
    if codes.shape != (B, N):
        raise ValueError(f"init_codes must be ({B}, {N}), got {tuple(codes.shape)}")
    cfg_on = config.guidance_scale != 0
    given = [("negative_prompts", negative_prompts)] + [(f"contrasts[{i}]", p) for i, (p, _) in enumerate(contrasts)]
    for name, block in given:
        if block is not None and len(block) != B:
            raise ValueError(f"{name} must give one prompt per row ({B}), got {len(block)}")
    # row blocks of B: the prompts, then each guidance term's prompts with its weight relative to w
    terms: list[tuple[Sequence[Sequence[int]], float]] = []
    if cfg_on:
        terms.append((list(negative_prompts) if negative_prompts is not None else [[]] * B, 1.0))
    for block, scale in contrasts:
        if scale != 0:
            terms.append((list(block), scale / config.guidance_scale if cfg_on else scale))
    rows = list(prompts) + [r for block, _ in terms for r in block]
    T = 1 + len(terms)  # row blocks per step
    feats = dict(features or {})
    fmask = dict(feature_mask or {})
    if cfg.sequence_moe is not None and "noise" not in feats:
        feats["noise"] = torch.randn(B, cfg.sequence_moe.noise_dim, generator=generator, device=device)
    if terms:  # the guidance rows share the noise; conditioning features are dropped for them
        on, off = torch.ones(B, dtype=torch.bool, device=device), torch.zeros(B, dtype=torch.bool, device=device)
        feats = {k: v.repeat(T, *([1] * (v.dim() - 1))) for k, v in feats.items()}
        fmask = {k: torch.cat([v.to(device)] + [off] * (T - 1)) for k, v in fmask.items()}
        for k in feats:
            if k != "noise" and k not in fmask:
                fmask[k] = torch.cat([on] + [off] * (T - 1))
    batch = builder.t2i(rows, codes.repeat(T, 1)).to(device)
    L = batch.input_ids.shape[1]
    P = L - N - 2
    inputs = batch.model_inputs()
    vocab = slice(cfg.code_offset, cfg.code_offset + K)
    scheduler = config.make_scheduler(K)
    dtype = model.lm_head.weight.dtype

    cache = None
    if config.use_cache:
        cache = model.new_kv_cache(len(rows), L, device=device, dtype=dtype)
        model(batch.input_ids[:, :P], attention_mask=batch.attention_mask[:, :, :P, :P],
              position_ids=batch.position_ids[:, :P], groups=batch.groups, router_mask=batch.router_mask[:, :P],
              features=feats, feature_mask=fmask, kv_cache=cache, compute_logits=False)

    sample = codes
    # With the cache, the head projects only the still-masked positions (the sampler reads no
    # other logits): rows' unknown positions first, padded with known ones to a common count M.
    # MaskGIT takes them as they are (its `positions`); MDLM draws everywhere, so they are written
    # into a (B, N, K) buffer whose other entries it ignores.
    maskgit = isinstance(scheduler, MaskGITScheduler)
    buffer = torch.zeros(B, N, K, device=device, dtype=dtype) if cache is not None and not maskgit else None
    # the head is affine, so guidance is folded into the final hidden states before it (in float32):
    # one head row per face instead of T, and no (T·B, M, K) logits to upcast and combine
    head_w, head_b = model.lm_head.weight[vocab], model.lm_head.bias[vocab]
    for k in scheduler.timesteps.tolist():
        w = config.guidance_at(k) if cfg_on else 1.0
        image_ids = builder.codes_to_ids(sample).repeat(T, 1)
        if cache is not None:
            cache.crop(P)
            unknown = sample == K
            M = int(unknown.sum(1).max())
            pos = torch.argsort((~unknown).to(torch.int8), dim=1, stable=True)[:, :M]  # (B, M)
            out = model(torch.cat([batch.input_ids[:, P:P + 1], image_ids, batch.input_ids[:, -1:]], 1),
                        attention_mask=batch.attention_mask[:, :, P:, :], position_ids=batch.position_ids[:, P:],
                        image_mask=batch.image_mask[:, P:], features=feats, feature_mask=fmask, kv_cache=cache,
                        compute_logits=False, return_hidden=True)
            at = (1 + pos.repeat(T, 1)).unsqueeze(-1).expand(-1, -1, out.hidden_states.shape[-1])
            hidden = _guide(out.hidden_states.gather(1, at).float(), terms, w)  # (B, M, d)
            logits = torch.nn.functional.linear(hidden.to(dtype), head_w, head_b)  # the sampler upcasts
        else:
            ids = batch.input_ids.clone()
            ids[:, P + 1:P + 1 + N] = image_ids
            out = model(ids, **inputs, features=feats, feature_mask=fmask,
                        logits_positions=slice(P + 1, P + 1 + N), logits_vocab=None if config.full_vocab else vocab)
            logits = out.logits[..., vocab] if config.full_vocab else out.logits
            logits = _guide(logits.float(), terms, w)  # Show-o's order: guidance on the logits
        if buffer is not None:
            logits = buffer.scatter_(1, pos.unsqueeze(-1).expand(-1, -1, K), logits)
        draw = {"top_k": config.top_k, "top_p": config.top_p, "code_temperature": config.code_temperature}
        if maskgit:
            sample = scheduler.step(logits, sample, k, generator=generator, temperature=config.temperature,
                                    positions=pos if cache is not None else None, **draw)
        else:
            sample = scheduler.step(logits, sample, k, generator=generator, **draw)
    return sample


def _guide(x: torch.Tensor, terms: Sequence[tuple[object, float]], w: float) -> torch.Tensor:
    """cond + Σ_i w·rel_i·(cond − other_i) over T = 1 + len(terms) row blocks of x (T·B, ...) -> (B, ...).

    Affine in x, so it gives the same guided logits whether applied to the logits or to the final
    hidden states before the (affine) head.
    """
    if not terms:
        return x
    cond, *others = x.chunk(1 + len(terms))
    return cond + sum(w * rel * (cond - other) for (_, rel), other in zip(terms, others))

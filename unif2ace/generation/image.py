"""Text-to-image-code generation with classifier-free guidance and a cached prompt prefix.

The t2i prompt prefix ``[pad…] <|t2i|> <|sot|> prompt <|eot|>`` is causal and never attends to
image tokens, so its keys/values are computed once and reused at every step: each step runs the
model on the N + 2 image positions only, projects only the image positions onto the code
vocabulary (and only the positions still masked), and evaluates the conditional and
unconditional rows in one batch.

``use_cache=False, full_vocab=True`` is Show-o's algorithm (whole sequence and full-vocabulary head
at every step), kept as a reference mode for tests and benchmarks.

``graph`` (MaskGIT from an all-masked start, with the cache and the plain code draw): ``"static"``
runs the whole draw, prefill to last step, without one host synchronisation. Every row of a fresh
draw has the same number of masked positions at each step, fixed by the schedule, so the step sizes
are computed beforehand (:func:`maskgit_plan`), the random numbers are drawn in the order the eager
loop draws them (same codes for the same seed, tested) and the step is
:func:`~unif2ace.diffusion.schedulers.maskgit_step_static`. ``"cuda-graph"`` captures that body once
per batch shape and model as one CUDA graph and replays it for every later batch of that shape: one
launch instead of thousands (the batch-1 loop is launch-bound on a GPU). Other calls (inpainting,
MDLM, top-k/top-p) run eagerly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import torch
from torch.utils import _pytree as pytree

from unif2ace.config import GUIDANCE_SCHEDULES
from unif2ace.diffusion.schedulers import MaskGITScheduler, MDLMScheduler
from unif2ace.sequences import SequenceBatch, SequenceBuilder

SAMPLERS = ("maskgit", "mdlm")
GRAPHS = ("eager", "static", "cuda-graph")


@dataclass(frozen=True)
class ImageGenerationConfig:
    """Every sampling option of text → image, as one value from the CLI, the server and the API down to
    the sampler. It checks itself when made (finite numbers, whole steps, known names), so an invalid
    config cannot exist; ``with_overrides`` gives a checked copy with per-call changes.

    ``candidates``, ``face_retries``, ``gender_contrast``, ``age_contrast``, ``greyscale_when_asked`` and
    ``greyscale_from_colour`` and ``training_words`` are the pipeline's (``UniF2ace.generate``): best-of-N, the redraw of faces without
    a face, the contrast terms built from rewritten prompts, the desaturation of faces whose prompt asks for
    black and white and their drawing in colour first; ``generate_image_codes`` ignores them.
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
    # redraw a face up to this many times while dlib's CNN detector finds no single face in it
    # (generation.face_check; the first draw is kept when every redraw fails too)
    face_retries: int = 0
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
    # such a prompt's face is drawn as a colour one (the prompt asking for colour: contrast.as_colour), then
    # desaturated: the model's black-and-white drawing is its weakest (few training photos are greyscale), and a
    # greyscale photo is a colour one without its chroma. Needs greyscale_when_asked.
    greyscale_from_colour: bool = False
    # a prompt in words users type that no training prompt uses ("a cheerful grandmother in her seventies") is
    # drawn from its training-word version ("a happy old woman aged 75": contrast.in_training_words)
    training_words: bool = False
    graph: str = "eager"  # eager | static | cuda-graph: how a fresh MaskGIT draw runs (module docstring)

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
            face_retries=whole_number(self.face_retries, "face_retries", minimum=0, maximum=16),
            gender_contrast=finite_number(self.gender_contrast, "gender_contrast"),
            age_contrast=finite_number(self.age_contrast, "age_contrast"),
            top_k=whole_number(self.top_k, "top_k", minimum=0),
            top_p=finite_number(self.top_p, "top_p", minimum=1e-6, maximum=1.0),
            code_temperature=finite_number(self.code_temperature, "code_temperature", minimum=1e-3),
            greyscale_when_asked=flag(self.greyscale_when_asked, "greyscale_when_asked"),
            greyscale_from_colour=flag(self.greyscale_from_colour, "greyscale_from_colour"),
            training_words=flag(self.training_words, "training_words"),
            graph=choice(self.graph, "graph", GRAPHS),
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

    if (config.graph != "eager" and config.use_cache and isinstance(scheduler, MaskGITScheduler)
            and init_codes is None and config.top_k == 0 and config.top_p == 1.0 and config.code_temperature == 1.0):
        plan = maskgit_plan(scheduler, config, N)
        # the random numbers, in the eager loop's order: one uniform per masked position, then the noise
        draws = []
        for step in plan:
            draws.append(torch.rand((B * step.masked, 1), generator=generator, device=device))
            draws.append(torch.rand((B, N), generator=generator, device=device) if step.noise else None)
        draw = _maskgit_static if config.graph == "static" else _graph_draw
        return draw(model, plan, [rel for _, rel in terms], config.temperature, P, N, K, batch=batch, features=feats,
                    feature_mask=fmask, draws=draws)

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
            unknown = sample == K
            pos, logits = _cached_step_logits(model, batch, cache, P, image_ids, unknown, int(unknown.sum(1).max()),
                                              terms, w, feats, fmask, head_w, head_b)
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


@dataclass(frozen=True)
class PlannedStep:
    """One MaskGIT step of a fresh draw, as far as the host must know it beforehand."""

    masked: int  # masked positions of every row before the step
    progress: float
    last: bool
    scheduled: int
    weight: float  # the CFG weight
    noise: bool  # whether the confidence noise is drawn (its scale is not 0)


def maskgit_plan(scheduler: MaskGITScheduler, config: ImageGenerationConfig, num_tokens: int) -> list[PlannedStep]:
    """The steps of a draw whose rows start all masked: ``MaskGITScheduler.step`` leaves
    min(max(min(masked − 1, scheduled), 1 or 0 at the last step), masked) positions masked in every
    row, the same for all rows, so each step's count is known without reading the sample."""
    plan, masked = [], num_tokens
    for k in scheduler.timesteps.tolist():
        progress, last, scheduled = scheduler.static_arguments(k, num_tokens)
        weight = config.guidance_at(k) if config.guidance_scale != 0 else 1.0
        plan.append(PlannedStep(masked, progress, last, scheduled, weight, config.temperature * (1.0 - progress) != 0))
        masked = min(max(min(masked - 1, scheduled), 0 if last else 1), masked)
    return plan


def _cached_step_logits(model, batch, cache, P: int, image_ids, unknown, M: int, terms, w: float, features,
                        feature_mask, head_w, head_b):
    """One MaskGIT step's code logits over the cached prompt: the image positions through the model,
    the final hidden states of each row's M first unknown positions (then known ones: ``pos``, (B, M)),
    guidance folded on them in float32, the code head once per face. Returns (pos, logits (B, M, K))."""
    cache.crop(P)
    pos = torch.argsort((~unknown).to(torch.int8), dim=1, stable=True)[:, :M]
    out = model(torch.cat([batch.input_ids[:, P:P + 1], image_ids, batch.input_ids[:, -1:]], 1),
                attention_mask=batch.attention_mask[:, :, P:, :], position_ids=batch.position_ids[:, P:],
                image_mask=batch.image_mask[:, P:], features=features, feature_mask=feature_mask, kv_cache=cache,
                compute_logits=False, return_hidden=True)
    at = (1 + pos.repeat(1 + len(terms), 1)).unsqueeze(-1).expand(-1, -1, out.hidden_states.shape[-1])
    hidden = _guide(out.hidden_states.gather(1, at).float(), terms, w)  # (B, M, d)
    return pos, torch.nn.functional.linear(hidden.to(head_w.dtype), head_w, head_b)  # the sampler upcasts


def _maskgit_static(model, plan: list[PlannedStep], rels: list[float], temperature: float, P: int, N: int, K: int,
                    batch, features: dict, feature_mask: dict, draws: list) -> torch.Tensor:
    """The fresh MaskGIT draw with no host synchronisation (``graph="static"``; the body a CUDA graph
    records): prefill, then per step the image positions over the cached prompt, guidance on the final
    hidden states of the masked positions, the code head, and ``maskgit_step_static`` with the given
    random numbers laid out per position (``masked_scatter`` fills the masked positions in row-major
    order, as the eager step draws them)."""
    from unif2ace.diffusion.schedulers import maskgit_step_static

    cfg = model.config
    device = batch.input_ids.device
    R = batch.input_ids.shape[0]
    B = R // (1 + len(rels))
    builder = SequenceBuilder(cfg)
    vocab = slice(cfg.code_offset, cfg.code_offset + K)
    head_w, head_b = model.lm_head.weight[vocab], model.lm_head.bias[vocab]
    dtype = head_w.dtype
    terms = [(None, rel) for rel in rels]
    cache = model.new_kv_cache(R, batch.input_ids.shape[1], device=device, dtype=dtype)
    model(batch.input_ids[:, :P], attention_mask=batch.attention_mask[:, :, :P, :P],
          position_ids=batch.position_ids[:, :P], groups=batch.groups, router_mask=batch.router_mask[:, :P],
          features=features, feature_mask=feature_mask, kv_cache=cache, compute_logits=False)
    sample = torch.full((B, N), K, dtype=torch.long, device=device)
    for i, step in enumerate(plan):
        unknown = sample == K
        image_ids = builder.codes_to_ids(sample).repeat(1 + len(rels), 1)
        pos, logits = _cached_step_logits(model, batch, cache, P, image_ids, unknown, step.masked, terms, step.weight,
                                          features, feature_mask, head_w, head_b)
        uniforms = torch.zeros(B, N, device=device).masked_scatter(unknown, draws[2 * i])
        sample = maskgit_step_static(logits, pos, sample, K, step.progress, step.last, step.scheduled, uniforms,
                                     draws[2 * i + 1], temperature)
    return sample


class _CapturedDraw:
    """One CUDA graph of :func:`_maskgit_static` for one batch shape: the inputs (a pytree of tensors,
    the batch as a dict of its fields) are copied into the buffers it was recorded with, and a replay
    runs the whole draw."""

    def __init__(self, model, args: tuple, inputs: dict):
        self.inputs = pytree.tree_map_only(torch.Tensor, torch.clone, inputs)
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):  # warm-up: lazy inits and the allocator, off the graph
            _maskgit_static(model, *args, **_unpack(self.inputs))
        torch.cuda.current_stream().wait_stream(stream)
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self.out = _maskgit_static(model, *args, **_unpack(self.inputs))

    def __call__(self, inputs: dict) -> torch.Tensor:
        for dst, src in zip(pytree.tree_leaves(self.inputs), pytree.tree_leaves(inputs)):
            if dst is not None:  # draws hold None where a step draws no noise
                dst.copy_(src)
        self.graph.replay()
        return self.out.clone()


def _unpack(inputs: dict) -> dict:
    return {**inputs, "batch": SequenceBatch(**inputs["batch"])}


_RUNNERS: dict = {}


def _graph_draw(model, plan, rels, temperature, P, N, K, batch, **inputs) -> torch.Tensor:
    """The draw through its captured graph for this model, settings and batch shape (captured on first
    use, kept while the model lives; at most 8 shapes per model, the oldest dropped)."""
    if model.lm_head.weight.device.type != "cuda":
        raise ValueError("graph='cuda-graph' needs the model on a CUDA device; use graph='static' or 'eager'")
    import weakref

    inputs = {**inputs, "batch": {f.name: getattr(batch, f.name) for f in fields(batch)}}
    leaves, spec = pytree.tree_flatten(inputs)
    key = (tuple(plan), tuple(rels), temperature, P, N, K, str(spec),
           tuple(None if t is None else (t.shape, t.dtype) for t in leaves))
    per_model = _RUNNERS.setdefault(id(model), {})
    if not per_model:
        weakref.finalize(model, _RUNNERS.pop, id(model), None)
    if key not in per_model:
        if len(per_model) >= 8:
            per_model.pop(next(iter(per_model)))
        per_model[key] = _CapturedDraw(model, (plan, list(rels), temperature, P, N, K), inputs)
    return per_model[key](inputs)


def _guide(x: torch.Tensor, terms: Sequence[tuple[object, float]], w: float) -> torch.Tensor:
    """cond + Σ_i w·rel_i·(cond − other_i) over T = 1 + len(terms) row blocks of x (T·B, ...) -> (B, ...).

    Affine in x, so it gives the same guided logits whether applied to the logits or to the final
    hidden states before the (affine) head.
    """
    if not terms:
        return x
    cond, *others = x.chunk(1 + len(terms))
    return cond + sum(w * rel * (cond - other) for (_, rel), other in zip(terms, others))

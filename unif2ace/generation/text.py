"""Batched autoregressive text decoding with a KV cache (captions, answers, chat).

Rows are left-padded so every row's next token is at the same column; positions are packed, so
padding never changes a row's result. One prefill over the prompts, then one single-token forward
per new token; rows stop at ``<|eot|>`` and the loop ends when all have.

``use_cache=False`` recomputes the whole sequence for every token (Show-o's ``mmu_generate``),
kept as a reference mode for tests and benchmarks.

``decode`` chooses how the per-token step runs (the prefill is always eager):

- ``"eager"`` (default): the cache grows by one position per token; shapes change every token.
- ``"static"``: the step has one shape for the whole answer (:class:`StaticDecodeStep`: the token is
  written at a tensor position and attention runs over the cache's whole buffer, masked), still eager.
- ``"compile"``: that step under ``torch.compile(fullgraph=True)``, one graph for every token
  (``mode="reduce-overhead"`` on CUDA, which replays it as a CUDA graph). Compiling takes seconds to
  minutes, so it pays for long or many answers from one process (a server).
- ``"cuda-graph"``: the step captured once per call with ``torch.cuda.CUDAGraph`` and replayed for
  every token: no compiler, no per-kernel launch cost (CUDA only).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from unif2ace.sequences import SequenceBatch, omni_attention_mask

DECODE_MODES = ("eager", "static", "compile", "cuda-graph")
COMPILE_BACKEND = "inductor"  # torch.compile backend of decode="compile" (tests use "aot_eager")


@dataclass
class TextGenerationConfig:
    max_new_tokens: int = 128
    do_sample: bool = False  # False: greedy
    temperature: float = 1.0
    top_k: int | None = None
    top_p: float | None = None
    use_cache: bool = True
    decode: str = "eager"  # eager | static | compile | cuda-graph (see the module docstring)

    def __post_init__(self) -> None:
        if self.decode not in DECODE_MODES:
            raise ValueError(f"decode must be one of {', '.join(DECODE_MODES)}, got {self.decode!r}")
        if self.decode != "eager" and not self.use_cache:
            raise ValueError(f"decode={self.decode!r} needs the KV cache (use_cache=True)")
        if self.max_new_tokens < 1:
            raise ValueError("max_new_tokens must be at least 1")
        if self.do_sample and self.temperature <= 0:
            raise ValueError("temperature must be > 0 when sampling (use do_sample=False for greedy)")
        if self.top_p is not None and not 0 < self.top_p <= 1:
            raise ValueError("top_p must be in (0, 1]")


def choose_next_token(logits: torch.Tensor, config: TextGenerationConfig,
                      generator: torch.Generator | None = None) -> torch.Tensor:
    """logits (B, V) -> next token ids (B,): greedy, or sampled with temperature / top-k / top-p."""
    if not config.do_sample:
        return logits.argmax(-1)
    logits = logits.float() / config.temperature
    if config.top_k is not None and config.top_k < logits.shape[-1]:
        kth = logits.topk(config.top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if config.top_p is not None and config.top_p < 1:
        sorted_logits, order = logits.sort(dim=-1, descending=True)
        probs = sorted_logits.softmax(-1)
        # drop a token when the tokens ranked above it already reach top_p (the first always stays)
        drop_sorted = probs.cumsum(-1) - probs >= config.top_p
        drop = torch.zeros_like(drop_sorted).scatter(1, order, drop_sorted)
        logits = logits.masked_fill(drop, float("-inf"))
    probs = logits.softmax(-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(1)


def _cache_dtype(weight: torch.Tensor) -> torch.dtype:
    """The KV cache's dtype for decoding, in which attention then runs: fp32 for a bf16/fp16 model on a
    CPU, whose fused attention kernel takes ~4× longer for one query in bf16 than in fp32 (1.05 vs
    0.29 ms for 6 rows × 4 heads × 300 keys, one thread, torch 2.13); it accumulates in fp32 either way.
    Elsewhere the model's dtype."""
    if weight.device.type == "cpu" and weight.dtype in (torch.bfloat16, torch.float16):
        return torch.float32
    return weight.dtype


class StaticDecodeStep:
    """One new token per row through the model at a fixed shape, for a prefilled cache.

    The inputs live in buffers that keep their addresses (token, position, cache position), the keys
    and values are written at a tensor position (``KVCache.write``) and attention covers the cache's
    whole buffer under a mask, so every token runs the same kernels on the same memory: one
    ``torch.compile`` graph without recompiles, or one CUDA graph replayed per token.
    ``step(tokens (B,), positions (B,), cache_position int)`` returns the logits (B, V').
    """

    def __init__(self, model, cache, mode: str = "static", vocab: slice | None = None, extra: dict | None = None):
        if mode not in ("static", "compile", "cuda-graph"):
            raise ValueError(f"unknown static decode mode {mode!r}")
        device = model.lm_head.weight.device
        if mode == "cuda-graph" and device.type != "cuda":
            raise ValueError("decode='cuda-graph' needs the model on a CUDA device; use 'static' or 'compile'")
        B = cache.batch_size
        self.model, self.cache, self.mode, self.vocab, self.extra = model, cache, mode, vocab, extra or {}
        self.token = torch.zeros(B, 1, dtype=torch.long, device=device)
        self.position = torch.zeros(B, 1, dtype=torch.long, device=device)
        self.cache_position = torch.zeros(1, dtype=torch.long, device=device)
        self.graph = self.out = None
        self.fn = self._forward
        if mode == "compile":
            cache.mark_static()
            self.fn = torch.compile(self._forward, fullgraph=True, backend=COMPILE_BACKEND,
                                    mode="reduce-overhead" if device.type == "cuda" and COMPILE_BACKEND == "inductor"
                                    else None)

    def _forward(self, token, position, cache_position):
        return self.model(token, position_ids=position, kv_cache=self.cache, cache_position=cache_position,
                          logits_vocab=self.vocab, **self.extra).logits[:, -1]

    def __call__(self, tokens: torch.Tensor, positions: torch.Tensor, cache_position: int) -> torch.Tensor:
        self.token.copy_(tokens.view(-1, 1))
        self.position.copy_(positions.view(-1, 1))
        self.cache_position.fill_(cache_position)
        if self.mode != "cuda-graph":
            return self.fn(self.token, self.position, self.cache_position)
        if self.graph is None:
            self._capture()
        self.graph.replay()
        return self.out.clone()  # the next replay overwrites the graph's output buffer

    def _capture(self) -> None:
        """Warm up on a side stream (the caching allocator and lazy inits), then record one step. Both
        write this token's keys and values at this position, which the replay writes again."""
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            for _ in range(2):
                self._forward(self.token, self.position, self.cache_position)
        torch.cuda.current_stream().wait_stream(stream)
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self.out = self._forward(self.token, self.position, self.cache_position)


@torch.no_grad()
def generate_text(model, batch: SequenceBatch, config: TextGenerationConfig,
                  generator: torch.Generator | None = None, features: dict | None = None,
                  feature_mask: dict | None = None, text_vocab_only: bool = True,
                  logits_processor=None) -> list[list[int]]:
    """Continue left-padded prompt rows (``SequenceBuilder.mmu(..., left_pad=True)``); returns the new
    tokens of each row, without the final ``<|eot|>``.

    logits_processor: ``f(step, logits (B, V)) -> logits`` applied before each token is chosen
    (e.g. :class:`unif2ace.generation.constraints.YesNoFirst`).

    text_vocab_only: restrict choices to the text vocabulary (image codes and specials are never
    valid in an answer).
    """
    cfg = model.config
    device = model.lm_head.weight.device
    batch = batch.to(device)
    eot = cfg.eot_token_id
    B, P = batch.input_ids.shape
    vocab = slice(0, cfg.text_vocab_size) if text_vocab_only else None
    inputs = batch.model_inputs()
    finished = torch.zeros(B, dtype=torch.bool, device=device)
    out_tokens = torch.full((B, config.max_new_tokens), eot, dtype=torch.long, device=device)
    next_pos = batch.position_ids[:, -1] + 1
    extra = dict(features=features, feature_mask=feature_mask)

    if config.use_cache:
        cache = model.new_kv_cache(B, P + config.max_new_tokens, device=device, dtype=_cache_dtype(model.lm_head.weight))
        logits = model(batch.input_ids, **inputs, **extra, kv_cache=cache, logits_positions=slice(P - 1, P),
                       logits_vocab=vocab).logits[:, -1]
        static = StaticDecodeStep(model, cache, config.decode, vocab, extra) if config.decode != "eager" else None
    else:
        ids, valid = batch.input_ids, batch.input_ids != cfg.pad_token_id
        im = batch.image_mask  # <|soi|> img… <|eoi|>: the codes plus one position either side
        image_block = im | im.roll(1, 1) | im.roll(-1, 1)
        logits = model(ids, **inputs, **extra, logits_positions=slice(P - 1, P), logits_vocab=vocab).logits[:, -1]

    for t in range(config.max_new_tokens):
        if logits_processor is not None:
            logits = logits_processor(t, logits)
        token = choose_next_token(logits, config, generator)
        token = torch.where(finished, torch.full_like(token, eot), token)
        out_tokens[:, t] = token
        finished |= token == eot
        if bool(finished.all()) or t == config.max_new_tokens - 1:
            break
        if config.use_cache and static is not None:
            logits = static(token, next_pos + t, P + t)
        elif config.use_cache:
            logits = model(token[:, None], position_ids=(next_pos + t)[:, None], kv_cache=cache,
                           logits_vocab=vocab, **extra).logits[:, -1]
        else:  # reference: append and recompute everything
            ids = torch.cat([ids, token[:, None]], 1)
            valid = torch.cat([valid, torch.ones(B, 1, dtype=torch.bool, device=device)], 1)
            image_block = torch.cat([image_block, torch.zeros(B, 1, dtype=torch.bool, device=device)], 1)
            positions = torch.cat([inputs["position_ids"], (next_pos[:, None] + torch.arange(t + 1, device=device))], 1)
            router = torch.cat([inputs["router_mask"], torch.zeros(B, t + 1, dtype=torch.bool, device=device)], 1)
            logits = model(ids, attention_mask=omni_attention_mask(valid, image_block), position_ids=positions,
                           groups=batch.groups, router_mask=router, **extra,
                           logits_positions=slice(ids.shape[1] - 1, ids.shape[1]), logits_vocab=vocab).logits[:, -1]
    results = []
    for row in out_tokens.tolist():
        results.append(row[: row.index(eot)] if eot in row else row)
    return results

"""Batched autoregressive text decoding with a KV cache (captions, answers, chat).

Rows are left-padded so every row's next token is at the same column; positions are packed, so
padding never changes a row's result. One prefill over the prompts, then one single-token forward
per new token; rows stop at ``<|eot|>`` and the loop ends when all have.

``use_cache=False`` recomputes the whole sequence for every token (Show-o's ``mmu_generate``),
kept as a reference mode for tests and benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from unif2ace.sequences import SequenceBatch, omni_attention_mask


@dataclass
class TextGenerationConfig:
    max_new_tokens: int = 128
    do_sample: bool = False  # False: greedy
    temperature: float = 1.0
    top_k: int | None = None
    top_p: float | None = None
    use_cache: bool = True

    def __post_init__(self) -> None:
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
        if config.use_cache:
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

"""Token sequences for both tasks and the omni-attention mask (DESIGN §2).

Rows, with Show-o's layout::

    t2i:  [pad…] <|t2i|> <|sot|> prompt <|eot|> <|soi|> img_1…img_N <|eoi|>
    mmu:  <|mmu|> <|soi|> img_1…img_N <|eoi|> <|sot|> USER: q ASSISTANT: a <|eot|> … [pad…]
    lm:   <|sot|> text <|eot|> [pad…]

Omni-attention: text is causal; every position of ``<|soi|>…<|eoi|>`` sees the text before it and
the whole image block; padding is never attended, and padding rows attend nothing.

Labels: t2i rows carry the clean image *code* (0…K−1) at image positions; mmu rows carry the token
id at answer positions (the model predicts position i from position i−1); −100 elsewhere.

Everything here works on token ids; :class:`Prompter` adds a text tokenizer and the chat template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import torch

from unif2ace.config import ModelConfig
from unif2ace.model.transformer import GROUP_GEN, GROUP_UND

IGNORE = -100


@dataclass
class SequenceBatch:
    input_ids: torch.Tensor  # (B, L) long
    attention_mask: torch.Tensor  # (B, 1, L, L) bool, True = may attend
    position_ids: torch.Tensor  # (B, L) long
    labels: torch.Tensor  # (B, L) long, IGNORE where no loss
    image_mask: torch.Tensor  # (B, L) bool, image-code positions
    router_mask: torch.Tensor  # (B, L) bool, the sequence router's conditioning positions
    groups: torch.Tensor  # (B,) long, GROUP_GEN / GROUP_UND

    def to(self, device) -> SequenceBatch:
        return SequenceBatch(**{f.name: getattr(self, f.name).to(device) for f in fields(self)})

    def model_inputs(self) -> dict:
        """Keyword arguments for ``UniF2aceModel.forward``."""
        return dict(attention_mask=self.attention_mask, position_ids=self.position_ids, groups=self.groups,
                    router_mask=self.router_mask, image_mask=self.image_mask)

    @staticmethod
    def concat(batches: Sequence[SequenceBatch], pad_id: int) -> SequenceBatch:
        """Stack batches of different lengths by right-padding (t2i rows must then not be mixed with
        rows that need left padding: use this for equal-length batches or for mmu/lm rows)."""
        L = max(b.input_ids.shape[1] for b in batches)

        def pad(t, value):
            extra = L - t.shape[1]
            if extra == 0:
                return t
            return torch.cat([t, t.new_full((t.shape[0], extra, *t.shape[2:]), value)], dim=1)

        out = {}
        for f in ("input_ids", "position_ids", "labels", "image_mask", "router_mask"):
            value = {"input_ids": pad_id, "labels": IGNORE}.get(f, 0)
            out[f] = torch.cat([pad(getattr(b, f), value) for b in batches])
        masks = []
        for b in batches:
            m = b.attention_mask
            extra = L - m.shape[-1]
            masks.append(torch.nn.functional.pad(m, (0, extra, 0, extra), value=False) if extra else m)
        out["attention_mask"] = torch.cat(masks)
        out["groups"] = torch.cat([b.groups for b in batches])
        return SequenceBatch(**out)


def omni_attention_mask(valid: torch.Tensor, image_block: torch.Tensor) -> torch.Tensor:
    """valid, image_block (B, L) bool -> (B, 1, L, L) bool.

    causal ∧ both ends valid, plus full attention inside the image block (``<|soi|>…<|eoi|>``).
    """
    L = valid.shape[1]
    causal = torch.ones(L, L, dtype=torch.bool, device=valid.device).tril()
    mask = causal & valid[:, :, None] & valid[:, None, :]
    mask |= image_block[:, :, None] & image_block[:, None, :]
    return mask.unsqueeze(1)


def packed_positions(valid: torch.Tensor) -> torch.Tensor:
    """Positions that count only valid tokens (padding does not shift anything)."""
    return (valid.long().cumsum(1) - 1).clamp_min(0)


class SequenceBuilder:
    """Builds t2i / mmu / lm rows from token ids for one model config."""

    def __init__(self, config: ModelConfig):
        self.config = config
        sp = config.special_token_ids
        self.pad, self.soi, self.eoi = sp["<|pad|>"], sp["<|soi|>"], sp["<|eoi|>"]
        self.t2i_id, self.mmu_id, self.eot = sp["<|t2i|>"], sp["<|mmu|>"], sp["<|eot|>"]
        self.sot = sp["<|sot|>"]
        self.code_offset = config.code_offset
        self.mask_code = config.codebook_size  # the mask in code space; its vocabulary id is mask_token_id

    def codes_to_ids(self, codes: torch.Tensor) -> torch.Tensor:
        """Image codes (0…K−1, or K = masked) -> vocabulary ids (the mask follows the codes)."""
        return codes + self.code_offset

    def _prompt_ids(self, prompt: Sequence[int]) -> list[int]:
        # Show-o's rule: <|t2i|> <|sot|> prompt <|eot|> holds at most max_text_len + 1 tokens
        prompt = list(prompt)[: self.config.max_text_len - 2]
        return [self.t2i_id, self.sot, *prompt, self.eot]

    # ------------------------------------------------------------------ t2i
    def t2i(self, prompts: Sequence[Sequence[int]], codes: torch.Tensor, drop: torch.Tensor | None = None
            ) -> SequenceBatch:
        """prompts: token ids per row (without sot/eot); codes (B, N) image codes (K = masked);
        drop (B,) bool: replace the prompt by the empty one (condition dropout for CFG)."""
        B, N = codes.shape
        if len(prompts) != B:
            raise ValueError(f"{len(prompts)} prompts for {B} images")
        dropped = drop.tolist() if drop is not None else [False] * B  # one device sync, not one per row
        rows = [self._prompt_ids([] if dropped[i] else p) for i, p in enumerate(prompts)]
        P = max(len(r) for r in rows)
        L = P + N + 2
        device = codes.device
        ids = torch.full((B, L), self.pad, dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, P - len(r):P] = torch.tensor(r)
        ids = ids.to(device)
        ids[:, P] = self.soi
        ids[:, P + 1:P + 1 + N] = self.codes_to_ids(codes)
        ids[:, -1] = self.eoi
        valid = ids != self.pad
        image_block = torch.zeros(B, L, dtype=torch.bool, device=device)
        image_block[:, P:] = True
        image_mask = torch.zeros_like(image_block)
        image_mask[:, P + 1:P + 1 + N] = True
        labels = torch.full((B, L), IGNORE, dtype=torch.long, device=device)
        labels[:, P + 1:P + 1 + N] = torch.where(codes == self.mask_code, IGNORE, codes)
        router = valid & ~image_block
        if self.config.position_style == "showo":  # as if every prompt were left-padded to max_text_len
            shift = (self.config.max_text_len + 1) - P
            positions = (torch.arange(L, device=device) + shift).expand(B, L).clone()
        else:
            positions = packed_positions(valid)
        return SequenceBatch(ids, omni_attention_mask(valid, image_block), positions, labels, image_mask, router,
                             torch.full((B,), GROUP_GEN, dtype=torch.long, device=device))

    # ------------------------------------------------------------------ mmu
    def mmu(self, codes: torch.Tensor, texts: Sequence[Sequence[tuple[Sequence[int], bool]]],
            left_pad: bool = False) -> SequenceBatch:
        """codes (B, N); texts[i] = the text segments after the image as (ids, is_answer) pairs.

        The row is ``<|mmu|> <|soi|> img <|eoi|> <|sot|> segments…``; answer segments get labels.
        The router sees everything up to the first answer. ``left_pad`` puts padding first (for
        batched generation); positions are packed either way, so padding never changes results.
        """
        B, N = codes.shape
        if len(texts) != B:
            raise ValueError(f"{len(texts)} texts for {B} images")
        device = codes.device
        head = 3 + N
        text_rows, label_rows, cond_rows = [], [], []
        for segments in texts:
            ids, labels, cond, seen_answer = [self.sot], [IGNORE], [True], False
            for seg, is_answer in segments:
                seg = list(seg)
                ids += seg
                labels += seg if is_answer else [IGNORE] * len(seg)
                seen_answer |= is_answer
                cond += [not seen_answer] * len(seg)
            text_rows.append(ids)
            label_rows.append(labels)
            cond_rows.append(cond)
        T = max(len(r) for r in text_rows)
        L = head + T
        ids = torch.full((B, L), self.pad, dtype=torch.long)
        labels = torch.full((B, L), IGNORE, dtype=torch.long)
        router = torch.zeros(B, L, dtype=torch.bool)
        starts = []
        for i, (r, lab, cond) in enumerate(zip(text_rows, label_rows, cond_rows)):
            start = L - head - len(r) if left_pad else 0
            starts.append(start)
            ids[i, start] = self.mmu_id
            ids[i, start + 1] = self.soi
            ids[i, start + 2 + N] = self.eoi
            ids[i, start + head:start + head + len(r)] = torch.tensor(r)
            labels[i, start + head:start + head + len(r)] = torch.tensor(lab)
            router[i, start:start + head] = True
            router[i, start + head:start + head + len(r)] = torch.tensor(cond)
        ids, labels, router = ids.to(device), labels.to(device), router.to(device)
        start_t = torch.tensor(starts, device=device)
        code_pos = start_t[:, None] + 2 + torch.arange(N, device=device)
        ids.scatter_(1, code_pos, self.codes_to_ids(codes))
        valid = ids != self.pad
        offs = torch.arange(L, device=device)[None] - start_t[:, None]
        image_block = (offs >= 1) & (offs <= N + 2)
        image_mask = (offs >= 2) & (offs <= N + 1)
        return SequenceBatch(ids, omni_attention_mask(valid, image_block), packed_positions(valid), labels,
                             image_mask, router, torch.full((B,), GROUP_UND, dtype=torch.long, device=device))

    # ------------------------------------------------------------------ plain text
    def lm(self, texts: Sequence[Sequence[int]], device=None) -> SequenceBatch:
        """Plain language-modelling rows ``<|sot|> text <|eot|> [pad…]`` with loss on every token."""
        rows = [[self.sot, *t, self.eot] for t in texts]
        L = max(len(r) for r in rows)
        ids = torch.full((len(rows), L), self.pad, dtype=torch.long, device=device)
        for i, r in enumerate(rows):
            ids[i, :len(r)] = torch.tensor(r)
        valid = ids != self.pad
        labels = torch.where(valid, ids, IGNORE)
        labels[:, 0] = IGNORE
        none = torch.zeros_like(valid)
        return SequenceBatch(ids, omni_attention_mask(valid, none), packed_positions(valid), labels, none,
                             valid.clone(), torch.full((len(rows),), GROUP_UND, dtype=torch.long, device=device))


class Prompter:
    """String-level prompts: a text tokenizer plus the chat template.

    Chat template (one row may hold several turns; every answer ends with ``<|eot|>`` so decoding
    stops there)::

        <|sot|> USER: {question} ASSISTANT: {answer}<|eot|> USER: … ASSISTANT: …<|eot|>
    """

    user_prefix = "USER: "
    assistant_prefix = " ASSISTANT:"

    def __init__(self, config: ModelConfig, tokenizer):
        self.config = config
        self.tokenizer = tokenizer
        self.builder = SequenceBuilder(config)
        if getattr(tokenizer, "vocab_size", config.text_vocab_size) != config.text_vocab_size:
            raise ValueError(
                f"text tokenizer has {tokenizer.vocab_size} tokens but the model expects {config.text_vocab_size}; "
                "use the tokenizer saved with the model"
            )

    def encode_prompt(self, text: str) -> list[int]:
        return self.tokenizer.encode(text)

    def chat_segments(self, turns: Sequence[tuple[str, str | None]]) -> list[tuple[list[int], bool]]:
        """turns: (question, answer) pairs; the last answer may be None (to be generated)."""
        segments: list[tuple[list[int], bool]] = []
        for i, (question, answer) in enumerate(turns):
            lead = "" if i == 0 else " "
            segments.append((self.tokenizer.encode(f"{lead}{self.user_prefix}{question}{self.assistant_prefix}"),
                             False))
            if answer is not None:
                segments.append((self.tokenizer.encode(" " + answer) + [self.builder.eot], True))
        return segments

    def t2i(self, prompts: Sequence[str], codes: torch.Tensor, drop: torch.Tensor | None = None) -> SequenceBatch:
        return self.builder.t2i([self.encode_prompt(p) for p in prompts], codes, drop)

    def mmu(self, codes: torch.Tensor, conversations: Sequence[Sequence[tuple[str, str | None]]],
            left_pad: bool = False) -> SequenceBatch:
        return self.builder.mmu(codes, [self.chat_segments(c) for c in conversations], left_pad=left_pad)

"""Reading a photo together with its mirror image (a test-time view ensemble for greedy text decoding).

A face photo and its left-right mirror show the same person, so whatever the model reads off one it
should read off the other; where the two readings disagree, neither view alone is the better bet. With
mirror views, every answer row is decoded twice, from the photo and from its mirror, and each token is
chosen by the **mean of the two rows' log-probabilities** (both rows are then given that token, so they
stay one text). Only one thing in a face description changes under a mirror: which way the head turns.
The mirror row's probabilities of "left" and "right" are exchanged before the mean, so "turned slightly
left" is read the same from both views (:func:`mirror_swaps`).

On the shipped model it costs almost nothing on a CPU (two rows decode in the time of one: one token at
a time is bound by per-call overheads, docs/inference.md) and it is greedy only: a sampled token would
differ between the two rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

# a mirror exchanges these words; the ones a tokenizer writes as one token each are swapped
MIRRORED_WORDS = ((" left", " right"), ("left", "right"), (" Left", " Right"), ("Left", "Right"),
                  (" leftward", " rightward"))


def mirror_swaps(tokenizer, pairs: Sequence[tuple[str, str]] = MIRRORED_WORDS) -> list[tuple[int, int]]:
    """(token, token) pairs a mirror exchanges: each pair of words that the tokenizer writes as one token
    each. A word split into several tokens has no single token to swap and is left out; with the bundled
    BPE " left" and " right", the words of every description, are single tokens."""
    out = []
    for a, b in pairs:
        ta, tb = list(tokenizer.encode(a)), list(tokenizer.encode(b))
        if len(ta) == 1 and len(tb) == 1 and ta != tb:
            out.append((ta[0], tb[0]))
    return out


class PairedViews:
    """A ``generate_text`` logits processor for rows laid out in pairs: rows 2k and 2k+1 are one answer
    read from a photo and from its mirror. Both rows get the mean of the pair's log-probabilities (the
    mirror row's swapped tokens exchanged first), so greedy decoding gives them the same token."""

    def __init__(self, swaps: Sequence[tuple[int, int]] = ()):
        a = [i for i, j in swaps] + [j for i, j in swaps]
        b = [j for i, j in swaps] + [i for i, j in swaps]
        self.src = torch.tensor(b, dtype=torch.long)  # column a takes the mirror's probability of b
        self.dst = torch.tensor(a, dtype=torch.long)

    def __call__(self, step: int, logits: torch.Tensor) -> torch.Tensor:
        if logits.shape[0] % 2:
            raise ValueError(f"PairedViews needs rows in pairs (photo, mirror), got {logits.shape[0]} rows")
        logp = logits.float().log_softmax(-1).view(-1, 2, logits.shape[-1])
        if self.dst.numel():
            mirror = logp[:, 1].clone()
            mirror[:, self.dst.to(logits.device)] = logp[:, 1][:, self.src.to(logits.device)]
            logp = torch.stack([logp[:, 0], mirror], 1)
        return logp.mean(1).repeat_interleave(2, 0)

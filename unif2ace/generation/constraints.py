"""Constraints on decoded answers: a yes/no question's answer starts with the model's Yes or No.

:class:`YesNoFirst` is a logits processor for :func:`unif2ace.generation.text.generate_text`: on the
rows it marks, the first answer tokens are restricted to the start of " Yes" / " No" as the training
data writes them (with the bpe-1024 tokenizer: a space token, then ``Yes`` or ``No``), and the
choice between the two is the model's own (the larger logit under greedy decoding, a draw from the
two when sampling). The rest of the answer is decoded as usual, so "No, she is not smiling." keeps
its explanation. Rows without the mark are untouched.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


class YesNoFirst:
    """Restrict the first tokens of the marked rows to " Yes" or " No".

    rows: (B,) bool, True for a yes/no question. ``tokenizer.encode`` gives the token ids of the
    answer text as training wrote it (" " + answer). Tokens shared by both words (the space) are
    forced; at the first token where they differ, only the two are allowed.
    """

    def __init__(self, tokenizer, rows: Sequence[bool] | torch.Tensor, yes: str = " Yes", no: str = " No"):
        y, n = list(tokenizer.encode(yes)), list(tokenizer.encode(no))
        k = 0
        while k < min(len(y), len(n)) and y[k] == n[k]:
            k += 1
        if k >= min(len(y), len(n)):
            raise ValueError(f"{yes!r} and {no!r} give the same first tokens; cannot choose between them")
        self.prefix = y[:k]  # forced, one per step
        self.choice = (y[k], n[k])  # (yes token, no token): the model picks
        self.rows = torch.as_tensor(rows, dtype=torch.bool)

    @property
    def steps(self) -> int:
        """How many decoding steps are constrained."""
        return len(self.prefix) + 1

    def __call__(self, step: int, logits: torch.Tensor) -> torch.Tensor:
        """logits (B, V) of decoding step ``step`` → logits with the marked rows' other tokens at -inf."""
        if step >= self.steps or not bool(self.rows.any()):
            return logits
        allowed = [self.prefix[step]] if step < len(self.prefix) else list(self.choice)
        keep = torch.full_like(logits, float("-inf"))
        keep[:, allowed] = 0.0
        rows = self.rows.to(logits.device)[:, None]
        return torch.where(rows, logits + keep, logits)

"""Phi-1.5's text tokenizer (CodeGen's), rebuilt offline from GPT-2's BPE ranks.

Phi-1.5 = GPT-2's 50,257 byte-level BPE tokens (``<|endoftext|>`` = 50256) plus CodeGen's added
whitespace tokens: runs of 31 down to 2 spaces (ids 50257–50286) and of 9 down to 2 tabs
(50287–50294); 50,295 in all. Like Hugging Face's added tokens, whitespace runs are cut out of the
text first (leftmost, longest run up to 31 / 9) and the pieces between them go through GPT-2's
BPE separately, so Show-o checkpoints see exactly the ids they were trained on.

GPT-2's ranks ship inside the ``openai-whisper`` sdist (``whisper/assets/gpt2.tiktoken``; install
it with ``--no-deps`` — it is only read as a data file) and are run by ``tiktoken``.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from functools import cached_property
from pathlib import Path

from unif2ace.text import CONFIG_NAME, EOT_TEXT, SHOWO_SPECIAL_TOKENS

GPT2_PAT = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
GPT2_EOT_ID = 50256
RANKS_FILE = "gpt2.tiktoken"
# CodeGen's added tokens, in id order.
WHITESPACE_TOKENS = tuple(" " * n for n in range(31, 1, -1)) + tuple("\t" * n for n in range(9, 1, -1))
WHITESPACE_START = 50257
PHI_VOCAB_SIZE = WHITESPACE_START + len(WHITESPACE_TOKENS)  # 50295
_WS_RUN = re.compile(r" {2,31}|\t{2,9}")


def find_gpt2_ranks() -> Path:
    """Path of ``gpt2.tiktoken`` from the installed ``openai-whisper`` package (never imported)."""
    spec = importlib.util.find_spec("whisper")
    if spec is not None and spec.submodule_search_locations:
        path = Path(spec.submodule_search_locations[0]) / "assets" / RANKS_FILE
        if path.is_file():
            return path
    raise FileNotFoundError(
        "GPT-2 BPE ranks not found: run `pip install --no-deps openai-whisper` (used only for its "
        "whisper/assets/gpt2.tiktoken data file) or pass a folder holding gpt2.tiktoken"
    )


class PhiTokenizer:
    """Exact Phi-1.5 / CodeGen text vocabulary (50,295 ids); Show-o specials follow at 50295–50304."""

    name = "phi"

    def __init__(self, ranks_path: str | Path | None = None):
        self.ranks_path = Path(ranks_path) if ranks_path else find_gpt2_ranks()
        self._ws_ids = {tok: WHITESPACE_START + i for i, tok in enumerate(WHITESPACE_TOKENS)}
        self._specials = {tok: PHI_VOCAB_SIZE + i for i, tok in enumerate(SHOWO_SPECIAL_TOKENS)}

    @cached_property
    def _enc(self):
        import tiktoken
        from tiktoken.load import load_tiktoken_bpe

        ranks = load_tiktoken_bpe(str(self.ranks_path))
        if len(ranks) != GPT2_EOT_ID:
            raise ValueError(f"{self.ranks_path} has {len(ranks)} ranks, expected GPT-2's {GPT2_EOT_ID}")
        return tiktoken.Encoding(
            name="gpt2", pat_str=GPT2_PAT, mergeable_ranks=ranks, special_tokens={EOT_TEXT: GPT2_EOT_ID}
        )

    @property
    def vocab_size(self) -> int:
        return PHI_VOCAB_SIZE

    @property
    def eot_id(self) -> int:
        return GPT2_EOT_ID

    def encode(self, text: str) -> list[int]:
        """Text ids; special-token strings in ``text`` are treated as plain text."""
        ids: list[int] = []
        pos = 0
        for m in _WS_RUN.finditer(text):
            if m.start() > pos:
                ids.extend(self._enc.encode_ordinary(text[pos : m.start()]))
            ids.append(self._ws_ids[m.group()])
            pos = m.end()
        if pos < len(text):
            ids.extend(self._enc.encode_ordinary(text[pos:]))
        return ids

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return [self.encode(t) for t in texts]

    def decode(self, ids: list[int]) -> str:
        """Text for ``ids``; Show-o specials become their names, ``<|endoftext|>`` is kept."""
        out: list[str] = []
        run: list[int] = []

        def flush() -> None:
            if run:
                out.append(self._enc.decode_bytes(run).decode("utf-8", errors="replace"))
                run.clear()

        for i in ids:
            i = int(i)
            if 0 <= i < GPT2_EOT_ID:
                run.append(i)
                continue
            flush()
            if i == GPT2_EOT_ID:
                out.append(EOT_TEXT)
            elif WHITESPACE_START <= i < PHI_VOCAB_SIZE:
                out.append(WHITESPACE_TOKENS[i - WHITESPACE_START])
            elif PHI_VOCAB_SIZE <= i < PHI_VOCAB_SIZE + len(SHOWO_SPECIAL_TOKENS):
                out.append(SHOWO_SPECIAL_TOKENS[i - PHI_VOCAB_SIZE])
            else:
                raise ValueError(f"id {i} is outside the phi vocabulary (0..{PHI_VOCAB_SIZE + 9})")
        flush()
        return "".join(out)

    def save(self, folder: str | Path) -> Path:
        """Write a self-contained folder (config + a copy of the GPT-2 ranks)."""
        from unif2ace.io import atomic_write, atomic_write_text

        folder = Path(folder)
        atomic_write(folder / RANKS_FILE, lambda tmp: shutil.copyfile(self.ranks_path, tmp))
        cfg = {"type": "phi", "vocab_size": self.vocab_size, "eot_id": self.eot_id, "ranks": RANKS_FILE}
        return atomic_write_text(folder / CONFIG_NAME, json.dumps(cfg, indent=2) + "\n")

    @classmethod
    def load(cls, folder: str | Path) -> PhiTokenizer:
        ranks = Path(folder) / RANKS_FILE
        return cls(ranks if ranks.is_file() else None)

    def __repr__(self) -> str:
        return f"PhiTokenizer(vocab_size={self.vocab_size}, eot_id={self.eot_id})"

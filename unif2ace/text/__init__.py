"""Text tokenizers: ``phi`` (Phi-1.5's exact vocabulary, built offline) and ``bpe`` (small, trained).

Both expose the same small protocol (:class:`TextTokenizer`) and append Show-o's ten special
tokens after the text vocabulary (DESIGN §2)::

    tok = load_text_tokenizer("phi")          # or a folder written by tok.save(folder)
    ids = tok.encode("a smiling woman")        # text ids only, no specials
    cfg = ModelConfig(text_vocab_size=tok.vocab_size, eot_token_id=tok.eot_id, ...)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol, runtime_checkable

# Show-o's special tokens, in id order right after the text vocabulary (DESIGN §2).
SHOWO_SPECIAL_TOKENS = (
    "<|pad|>", "<|soi|>", "<|eoi|>", "<|sov|>", "<|eov|>", "<|t2i|>", "<|mmu|>", "<|t2v|>", "<|v2v|>", "<|lvg|>",
)
EOT_TEXT = "<|endoftext|>"
CONFIG_NAME = "text_tokenizer.json"


@runtime_checkable
class TextTokenizer(Protocol):
    """What the model, trainer and pipelines need from a text tokenizer.

    ``vocab_size`` counts the text part only; Show-o specials follow at ``vocab_size + i``.
    ``<|sot|>`` and ``<|eot|>`` are both ``eot_id``.
    """

    name: str

    @property
    def vocab_size(self) -> int: ...

    @property
    def eot_id(self) -> int: ...

    def encode(self, text: str) -> list[int]: ...

    def decode(self, ids: list[int]) -> str: ...

    def save(self, folder: str | Path) -> Path: ...


def special_token_ids(tok: TextTokenizer) -> dict[str, int]:
    """Ids of Show-o's specials for ``tok`` (same numbers as ``ModelConfig.special_token_ids``)."""
    ids = {name: tok.vocab_size + i for i, name in enumerate(SHOWO_SPECIAL_TOKENS)}
    ids["<|sot|>"] = ids["<|eot|>"] = tok.eot_id
    return ids


def load_text_tokenizer(name_or_path: str | Path) -> TextTokenizer:
    """``"phi"``, ``"bpe"`` / ``"bpe-1024"`` (shipped, trained on template captions), or a saved folder."""
    name = str(name_or_path)
    if name == "phi":
        from unif2ace.text.phi import PhiTokenizer

        return PhiTokenizer()
    if name in ("bpe", "bpe-8192", "bpe-1024"):
        from unif2ace.text.bpe import BPETokenizer

        return BPETokenizer.shipped(1024 if name == "bpe-1024" else 8192)
    path = Path(name)
    if path.is_dir() and (path / CONFIG_NAME).is_file():
        kind = json.loads((path / CONFIG_NAME).read_text()).get("type")
        if kind == "phi":
            from unif2ace.text.phi import PhiTokenizer

            return PhiTokenizer.load(path)
        if kind == "bpe":
            from unif2ace.text.bpe import BPETokenizer

            return BPETokenizer.load(path)
        raise ValueError(f"{path / CONFIG_NAME} has unknown tokenizer type {kind!r}; expected 'phi' or 'bpe'")
    raise ValueError(
        f"unknown text tokenizer {name!r}: use 'phi', 'bpe', 'bpe-1024' or a folder containing {CONFIG_NAME}"
    )


__all__ = ["TextTokenizer", "load_text_tokenizer", "special_token_ids", "SHOWO_SPECIAL_TOKENS", "EOT_TEXT"]

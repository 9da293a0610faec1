"""A small byte-level BPE trained on captions, for models too small for a 50k vocabulary.

Id 0 is ``<|endoftext|>`` (so ``eot_id`` = 0, as in the ``tiny``/``small`` presets); the text
vocabulary is exactly ``vocab_size`` ids (ids the trainer did not fill are simply never produced),
and Show-o's specials follow. Byte-level, so any string round-trips.

``load_text_tokenizer("bpe")`` / ``("bpe-1024")`` return the shipped 8,192 / 1,024 vocabularies,
trained on this project's template captions and QA (``unif2ace/text/assets``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from unif2ace.text import CONFIG_NAME, EOT_TEXT, SHOWO_SPECIAL_TOKENS

ASSETS = Path(__file__).parent / "assets"
MODEL_FILE = "bpe.json"


class BPETokenizer:
    """Byte-level BPE (Hugging Face ``tokenizers``) with a fixed text vocabulary size."""

    name = "bpe"

    def __init__(self, tokenizer, vocab_size: int):
        self._tok = tokenizer
        trained = tokenizer.get_vocab_size(with_added_tokens=True)
        if trained > vocab_size:
            raise ValueError(f"BPE model has {trained} tokens but vocab_size is {vocab_size}")
        if tokenizer.token_to_id(EOT_TEXT) != 0:
            raise ValueError(f"BPE model must have {EOT_TEXT} at id 0")
        self._vocab_size = vocab_size

    @classmethod
    def train(cls, texts: Iterable[str], vocab_size: int = 8192, min_frequency: int = 2) -> BPETokenizer:
        """Train on ``texts``; ``vocab_size`` includes ``<|endoftext|>`` (id 0)."""
        from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

        if vocab_size < 257 + 1:
            raise ValueError(f"vocab_size {vocab_size} is too small for byte-level BPE (need ≥ 258)")
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size,
            min_frequency=min_frequency,
            special_tokens=[EOT_TEXT],
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        )
        tok.train_from_iterator(texts, trainer=trainer)
        return cls(tok, vocab_size)

    @property
    def vocab_size(self) -> int:
        return self._vocab_size

    @property
    def eot_id(self) -> int:
        return 0

    def encode(self, text: str) -> list[int]:
        # ``<|endoftext|>`` written in the text stays plain text, as in ``PhiTokenizer``.
        # (split it so the trained special token cannot match).
        out: list[int] = []
        for i, part in enumerate(text.split(EOT_TEXT)):
            if i:
                out.extend(self._encode_plain("<|") + self._encode_plain("endoftext|>"))
            out.extend(self._encode_plain(part))
        return out

    def _encode_plain(self, text: str) -> list[int]:
        return self._tok.encode(text, add_special_tokens=False).ids if text else []

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return [self.encode(t) for t in texts]

    def decode(self, ids: list[int]) -> str:
        out: list[str] = []
        run: list[int] = []
        for i in ids:
            i = int(i)
            if 0 < i < self._vocab_size:
                run.append(i)
                continue
            if run:
                out.append(self._tok.decode(run, skip_special_tokens=False))
                run = []
            if i == 0:
                out.append(EOT_TEXT)
            elif self._vocab_size <= i < self._vocab_size + len(SHOWO_SPECIAL_TOKENS):
                out.append(SHOWO_SPECIAL_TOKENS[i - self._vocab_size])
            else:
                raise ValueError(f"id {i} is outside the bpe vocabulary (0..{self._vocab_size + 9})")
        if run:
            out.append(self._tok.decode(run, skip_special_tokens=False))
        return "".join(out)

    def save(self, folder: str | Path) -> Path:
        from unif2ace.io import atomic_write_text

        folder = Path(folder)
        atomic_write_text(folder / MODEL_FILE, self._tok.to_str())
        cfg = {"type": "bpe", "vocab_size": self.vocab_size, "eot_id": 0, "model": MODEL_FILE}
        return atomic_write_text(folder / CONFIG_NAME, json.dumps(cfg, indent=2) + "\n")

    @classmethod
    def load(cls, folder: str | Path) -> BPETokenizer:
        from tokenizers import Tokenizer

        folder = Path(folder)
        cfg = json.loads((folder / CONFIG_NAME).read_text())
        return cls(Tokenizer.from_file(str(folder / cfg.get("model", MODEL_FILE))), int(cfg["vocab_size"]))

    @classmethod
    def shipped(cls, vocab_size: int = 8192) -> BPETokenizer:
        folder = ASSETS / f"bpe-{vocab_size}"
        if not (folder / CONFIG_NAME).is_file():
            raise FileNotFoundError(
                f"shipped BPE tokenizer {folder} is missing; reinstall unif2ace or train one with BPETokenizer.train"
            )
        return cls.load(folder)

    def __repr__(self) -> str:
        return f"BPETokenizer(vocab_size={self.vocab_size}, eot_id=0)"

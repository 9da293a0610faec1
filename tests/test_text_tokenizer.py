"""Phi-1.5 tokenizer against known GPT-2 ids and an independent Hugging Face `tokenizers` build."""

from __future__ import annotations

import pytest

from unif2ace.config import ModelConfig
from unif2ace.text import SHOWO_SPECIAL_TOKENS, TextTokenizer, load_text_tokenizer, special_token_ids

pytest.importorskip("tiktoken", reason="phi tokenizer needs tiktoken")
try:
    from unif2ace.text.phi import find_gpt2_ranks

    RANKS = find_gpt2_ranks()
except FileNotFoundError:  # pragma: no cover
    pytest.skip("openai-whisper (for gpt2.tiktoken) is not installed", allow_module_level=True)

TEXTS = [
    "Hello world",
    "A smiling woman in her 30s with short curly red hair, freckles and round glasses.",
    "def f(x):\n    return x  +  1\n\n\tif y:\n\t\tpass\n        z = 0",
    "tabs\t\t\t\tand 40 spaces" + " " * 40 + "end",
    "unicode: café naïve 日本語 🙂 — “quotes”",
    " leading space, trailing  ",
    "  \n   \n\t \t",
    "it's we'll they're 1234567 3.14",
]


@pytest.fixture(scope="module")
def phi():
    return load_text_tokenizer("phi")


def test_known_gpt2_ids(phi):
    # Published GPT-2 ids (independent of this code).
    assert phi.encode("Hello world") == [15496, 995]
    assert phi.encode(" the") == [262]
    assert phi.encode("\n") == [198]
    assert phi.encode(",") == [11]
    assert phi.eot_id == 50256
    assert phi.vocab_size == 50295
    assert isinstance(phi, TextTokenizer)


def test_codegen_whitespace_ids(phi):
    # CodeGen order: 50257 = 31 spaces ... 50286 = 2 spaces; 50287 = 9 tabs ... 50294 = 2 tabs.
    assert phi.encode(" " * 31) == [50257]
    assert phi.encode(" " * 2) == [50286]
    assert phi.encode("\t" * 9) == [50287]
    assert phi.encode("\t" * 2) == [50294]
    ids = phi.encode("if x:\n    return 1")
    assert 50257 + 31 - 4 in ids  # a run of 4 spaces inside code is one token: id 50284
    assert phi.encode(" " * 35) == [50257, 50257 + 31 - 4]


def test_specials_follow_text_vocab(phi):
    ids = special_token_ids(phi)
    cfg = ModelConfig.from_name("showo-1.3b")
    assert ids == cfg.special_token_ids
    assert ids["<|pad|>"] == 50295 and ids["<|lvg|>"] == 50304
    assert phi.decode([50301, 15496]) == "<|mmu|>Hello"
    assert len(SHOWO_SPECIAL_TOKENS) == 10


@pytest.mark.parametrize("text", TEXTS)
def test_roundtrip(phi, text):
    assert phi.decode(phi.encode(text)) == text


def _hf_reference():
    """Phi-1.5 as Hugging Face builds it: byte-level BPE + CodeGen's whitespace AddedTokens."""
    tokenizers = pytest.importorskip("tokenizers")
    from transformers.convert_slow_tokenizer import TikTokenConverter

    from unif2ace.text.phi import GPT2_PAT, WHITESPACE_TOKENS

    tok = TikTokenConverter(vocab_file=str(RANKS), pattern=GPT2_PAT).tokenizer()
    tok.pre_tokenizer = tokenizers.pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = tokenizers.decoders.ByteLevel()
    tok.add_special_tokens([tokenizers.AddedToken("<|endoftext|>", special=True)])
    tok.add_tokens([tokenizers.AddedToken(w, normalized=True) for w in WHITESPACE_TOKENS])
    return tok


def test_matches_huggingface_tokenizers(phi):
    ref = _hf_reference()
    assert ref.get_vocab_size() == 50295
    assert ref.token_to_id(" " * 31) == 50257 and ref.token_to_id("\t\t") == 50294
    for text in TEXTS:
        assert phi.encode(text) == ref.encode(text).ids, text


def test_save_load(phi, tmp_path):
    phi.save(tmp_path / "tok")
    again = load_text_tokenizer(tmp_path / "tok")
    assert again.encode(TEXTS[2]) == phi.encode(TEXTS[2])


def test_unknown_name():
    with pytest.raises(ValueError, match="unknown text tokenizer"):
        load_text_tokenizer("nope")

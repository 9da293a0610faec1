"""Small byte-level BPE: training, round trips, layout of specials, save/load."""

from __future__ import annotations

import pytest

from unif2ace.config import ModelConfig
from unif2ace.text import TextTokenizer, load_text_tokenizer, special_token_ids

pytest.importorskip("tokenizers")
from unif2ace.text.bpe import BPETokenizer  # noqa: E402

CORPUS = [
    f"A {adj} {who} in {pron} {age}s with {hair} hair, looking {mood}."
    for adj in ("smiling", "serious", "young", "elderly")
    for who, pron in (("woman", "her"), ("man", "his"))
    for age in (20, 30, 40, 60)
    for hair in ("short black", "long curly red", "grey", "blond")
    for mood in ("happy", "neutral", "surprised")
]


@pytest.fixture(scope="module")
def bpe():
    return BPETokenizer.train(CORPUS, vocab_size=512)


def test_layout(bpe):
    assert isinstance(bpe, TextTokenizer)
    assert bpe.vocab_size == 512 and bpe.eot_id == 0
    ids = bpe.encode("A smiling woman in her 30s")
    assert ids and all(0 < i < 512 for i in ids)
    # frequent words became single tokens
    assert len(bpe.encode(" smiling")) == 1
    sp = special_token_ids(bpe)
    assert sp["<|pad|>"] == 512 and sp["<|sot|>"] == 0
    cfg = ModelConfig.from_name("tiny", text_vocab_size=bpe.vocab_size, eot_token_id=bpe.eot_id)
    assert sp == cfg.special_token_ids


@pytest.mark.parametrize("text", ["unseen: 日本語 🙂 café", "  two  spaces\tand tabs\n", "<|endoftext|> in text", ""])
def test_roundtrip_any_text(bpe, text):
    ids = bpe.encode(text)
    assert 0 not in ids  # eot only where the caller puts it
    assert bpe.decode(ids) == text


def test_decode_specials(bpe):
    assert bpe.decode([0, 512 + 1] + bpe.encode("hi")) == "<|endoftext|><|soi|>hi"
    with pytest.raises(ValueError, match="outside"):
        bpe.decode([10_000])


def test_save_load(bpe, tmp_path):
    bpe.save(tmp_path)
    again = load_text_tokenizer(tmp_path)
    assert again.vocab_size == 512 and again.encode(CORPUS[5]) == bpe.encode(CORPUS[5])


def test_too_small():
    with pytest.raises(ValueError, match="too small"):
        BPETokenizer.train(CORPUS, vocab_size=100)


@pytest.mark.parametrize("name,preset", [("bpe", "small"), ("bpe-1024", "tiny")])
def test_shipped_vocabularies_fit_presets(name, preset):
    tok = load_text_tokenizer(name)
    cfg = ModelConfig.from_name(preset)
    assert (tok.vocab_size, tok.eot_id) == (cfg.text_vocab_size, cfg.eot_token_id)
    text = "A smiling woman in her 30s with short curly red hair, freckles and round glasses."
    ids = tok.encode(text)
    assert tok.decode(ids) == text and len(ids) < 30  # face words are whole tokens, not bytes
    if name == "bpe":
        assert len(tok.encode(" freckles")) == 1

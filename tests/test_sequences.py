"""Token layout and the omni-attention mask, checked rule by rule on real rows."""

import torch

from unif2ace.config import ModelConfig
from unif2ace.sequences import IGNORE, SequenceBuilder


def showo_cfg():
    return ModelConfig.from_name("showo-1.3b")


def test_showo_special_ids():
    cfg = showo_cfg()
    sp = cfg.special_token_ids
    assert (sp["<|pad|>"], sp["<|soi|>"], sp["<|eoi|>"], sp["<|t2i|>"], sp["<|mmu|>"], sp["<|lvg|>"]) == (
        50295, 50296, 50297, 50300, 50301, 50304)
    assert sp["<|sot|>"] == sp["<|eot|>"] == 50256
    assert cfg.code_offset == 50305 and cfg.mask_token_id == 58497 and cfg.vocab_size == 58498


def test_t2i_row_layout_and_mask():
    cfg = showo_cfg()
    b = SequenceBuilder(cfg)
    codes = torch.tensor([[5, 6, 7, 8], [1, 2, 3, 4]])
    batch = b.t2i([[11, 12, 13], [21]], codes)
    ids, m = batch.input_ids, batch.attention_mask[:, 0]
    # row 1 has a shorter prompt: left padded by two
    assert ids[1, :2].tolist() == [50295, 50295]
    assert ids[0, :6].tolist() == [50300, 50256, 11, 12, 13, 50256]
    assert ids[0, 6] == 50296 and ids[0, -1] == 50297
    assert ids[0, 7:11].tolist() == [50305 + c for c in [5, 6, 7, 8]]
    assert batch.labels[0, 7:11].tolist() == [5, 6, 7, 8] and (batch.labels[0, :7] == IGNORE).all()
    P = 6
    for r in range(2):
        valid = ids[r] != 50295
        # pads are never attended, and pad rows attend nothing
        assert not m[r][:, ~valid].any()
        assert not m[r][~valid].any()
        # text rows are causal: no text row sees a later position
        for i in range(P):
            if valid[i]:
                assert not m[r, i, i + 1:].any()
                assert m[r, i, :i + 1][valid[:i + 1]].all()
        # every row of <|soi|>…<|eoi|> sees the whole text prefix and the whole image block
        for i in range(P, ids.shape[1]):
            assert m[r, i, valid].all()
    assert batch.router_mask[0].tolist() == [True] * 6 + [False] * 6
    assert batch.image_mask[0].tolist() == [False] * 7 + [True] * 4 + [False]


def test_showo_positions_match_fixed_left_padding():
    cfg = showo_cfg()
    batch = SequenceBuilder(cfg).t2i([[1, 2, 3]], torch.zeros(1, 4, dtype=torch.long))
    soi = (batch.input_ids[0] == 50296).nonzero().item()
    assert batch.position_ids[0, soi] == cfg.max_text_len + 1  # Show-o: 129 prefix tokens before <|soi|>


def test_condition_dropout_gives_empty_prompt():
    b = SequenceBuilder(showo_cfg())
    batch = b.t2i([[11, 12], [21, 22]], torch.zeros(2, 3, dtype=torch.long), drop=torch.tensor([True, False]))
    row = batch.input_ids[0][batch.input_ids[0] != 50295]
    assert row[:3].tolist() == [50300, 50256, 50256]


def test_mmu_row_layout_and_mask():
    cfg = ModelConfig.from_name("tiny")
    b = SequenceBuilder(cfg)
    codes = torch.tensor([[1, 2, 3], [4, 5, 6]])
    texts = [[([100, 101], False), ([200, 201, cfg.eot_token_id], True)], [([102], False), ([202, 0], True)]]
    batch = b.mmu(codes, texts)
    ids, m, sp = batch.input_ids, batch.attention_mask[:, 0], cfg.special_token_ids
    assert ids[0, :5].tolist() == [sp["<|mmu|>"], sp["<|soi|>"], *(c + cfg.code_offset for c in [1, 2, 3])]
    assert ids[0, 5:7].tolist() == [sp["<|eoi|>"], sp["<|sot|>"]]
    assert batch.labels[0].tolist() == [IGNORE] * 9 + [200, 201, 0]
    # image block (<|soi|>…<|eoi|>) is bidirectional: the first image token sees the last one
    assert m[0, 2, 4] and m[0, 1, 5] and not m[0, 1, 6]
    # text after the image is causal and sees the whole image
    assert m[0, 8, :9].all() and not m[0, 8, 9:].any()
    # row 1 is shorter: right padding never attended
    valid = ids[1] != sp["<|pad|>"]
    assert not m[1][:, ~valid].any() and not m[1][~valid].any()
    # the router sees image + question, not the answer
    assert batch.router_mask[0].tolist() == [True] * 9 + [False] * 3


def test_mmu_left_padding_keeps_packed_positions():
    cfg = ModelConfig.from_name("tiny")
    b = SequenceBuilder(cfg)
    codes = torch.tensor([[1, 2], [3, 4]])
    batch = b.mmu(codes, [[([7, 8, 9], False)], [([7], False)]], left_pad=True)
    ids = batch.input_ids
    assert ids[1, :2].tolist() == [cfg.pad_token_id] * 2 and ids[1, 2] == cfg.special_token_ids["<|mmu|>"]
    assert batch.position_ids[1, 2:].tolist() == list(range(7))
    assert batch.position_ids[0].tolist() == list(range(9))

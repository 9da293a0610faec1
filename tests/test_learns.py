"""Proof that it learns: the tiny preset memorises a few captions→codes and image→answer pairs.

MaskGIT sampling from a training prompt must reproduce ≥ 90% of the image's codes, and greedy
decoding must reproduce the answers exactly.
"""

import torch

from unif2ace.config import ModelConfig
from unif2ace.generation import (
    ImageGenerationConfig,
    TextGenerationConfig,
    generate_image_codes,
    generate_text,
)
from unif2ace.model import UniF2aceModel
from unif2ace.sequences import SequenceBuilder
from unif2ace.training import Objective, ObjectiveConfig


def test_tiny_model_memorises_images_and_answers():
    torch.manual_seed(0)
    cfg = ModelConfig.from_name("tiny")
    model = UniF2aceModel(cfg)
    g = torch.Generator().manual_seed(0)
    n, N = 4, 64
    captions = [torch.randint(1, 500, (6,), generator=g).tolist() for _ in range(n)]
    codes = torch.randint(0, cfg.codebook_size, (n, N), generator=g)
    questions = [torch.randint(500, 900, (4,), generator=g).tolist() for _ in range(n)]
    answers = [torch.randint(1, 1000, (5,), generator=g).tolist() for _ in range(n)]
    builder = SequenceBuilder(cfg)
    mmu = builder.mmu(codes, [[(q, False), (a + [cfg.eot_token_id], True)] for q, a in zip(questions, answers)])

    objective = Objective(model, ObjectiveConfig(cond_dropout=0.1))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
    model.train()
    for _ in range(400):  # 250 reached 82.8% on an AVX2-only AMD CPU (1 Dec 2026), 90%+ elsewhere
        t2i_loss, _ = objective.t2i(captions, codes, generator=g)
        mmu_loss, _ = objective.text(mmu)
        loss = t2i_loss + mmu_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    model.eval()

    sample_cfg = ImageGenerationConfig(num_tokens=N, steps=12, guidance_scale=0.0, temperature=1.0)
    generated = generate_image_codes(model, captions, sample_cfg, torch.Generator().manual_seed(1))
    match = (generated == codes).float().mean().item()
    assert match >= 0.9, f"reproduced only {match:.1%} of the codes"

    prompts = builder.mmu(codes, [[(q, False)] for q in questions], left_pad=True)
    decoded = generate_text(model, prompts, TextGenerationConfig(max_new_tokens=10))
    assert decoded == answers

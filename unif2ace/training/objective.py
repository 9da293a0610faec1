"""The training objective of DESIGN §4:

    L = L_D3Diff(t2i rows) + c_mmu · CE(answer tokens of mmu rows) [+ c_lm · CE(plain text)] + balance losses

t2i rows are noised here with the shared schedule (``diffusion.schedules.mask_codes``) at
stratified times, their prompts dropped with probability ``cond_dropout`` for classifier-free
guidance; the model projects only image positions onto the code vocabulary (t2i) and only answer
positions onto the text vocabulary (mmu).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from unif2ace.diffusion.d3diff import D3DiffLoss
from unif2ace.diffusion.schedules import mask_codes, stratified_uniform
from unif2ace.sequences import IGNORE, SequenceBatch, SequenceBuilder


@dataclass
class ObjectiveConfig:
    d3diff: D3DiffLoss = field(default_factory=D3DiffLoss)
    mmu_coef: float = 1.0
    lm_coef: float = 1.0
    cond_dropout: float = 0.1

    def __post_init__(self) -> None:
        if isinstance(self.d3diff, dict):
            self.d3diff = D3DiffLoss(**self.d3diff)
        if not 0 <= self.cond_dropout < 1:
            raise ValueError("cond_dropout must be in [0, 1)")


class Objective:
    def __init__(self, model, config: ObjectiveConfig | None = None):
        self.model = model
        self.config = config or ObjectiveConfig()
        self.builder = SequenceBuilder(model.config)

    def t2i(self, prompts: Sequence[Sequence[int]], codes: torch.Tensor, generator: torch.Generator | None = None,
            features: dict | None = None, feature_mask: dict | None = None) -> tuple[torch.Tensor, dict]:
        """D3Diff loss (plus balance losses) of a batch of tokenised prompts and clean codes (B, N)."""
        cfg = self.model.config
        B, N = codes.shape
        device = codes.device
        u = stratified_uniform(B, generator=generator, device=device)
        noisy, masked = mask_codes(codes, u, self.config.d3diff.schedule, cfg.codebook_size, generator)
        drop = torch.rand(B, generator=generator, device=device) < self.config.cond_dropout
        return self.t2i_noised(prompts, codes, noisy, masked, u, drop, features, feature_mask)

    def t2i_noised(self, prompts: Sequence[Sequence[int]], codes: torch.Tensor, noisy: torch.Tensor,
                   masked: torch.Tensor, u: torch.Tensor, drop: torch.Tensor, features: dict | None = None,
                   feature_mask: dict | None = None) -> tuple[torch.Tensor, dict]:
        """:meth:`t2i` with the noise already drawn: noisy/masked (B, N), u (B,), drop (B,) bool.

        The trainer draws them for the whole global batch from one per-step seed, so a row gets the
        same noise whichever process or micro-batch computes it (1 process == K processes).
        """
        model, cfg = self.model, self.model.config
        B, N = codes.shape
        device = codes.device
        batch = self.builder.t2i(prompts, noisy, drop)
        if feature_mask is not None or features:
            feature_mask = {k: (v if (v := (feature_mask or {}).get(k)) is not None
                                else torch.ones(B, dtype=torch.bool, device=device)) & ~drop
                            for k in (features or {}) if k != "noise"}
        L = batch.input_ids.shape[1]
        out = model(batch.input_ids, **batch.model_inputs(), features=features, feature_mask=feature_mask,
                    logits_positions=slice(L - N - 1, L - 1),
                    logits_vocab=slice(cfg.code_offset, cfg.code_offset + cfg.codebook_size))
        d3 = self.config.d3diff(out.logits, codes, masked, u)
        logs = {"t2i/loss": d3.total.detach(), "t2i/mask_ce": d3.mask_loss, "t2i/score": d3.score_loss,
                "t2i/aux": out.aux_loss.detach()}
        return d3.total + out.aux_loss, logs

    def text(self, batch: SequenceBatch, features: dict | None = None, feature_mask: dict | None = None,
             prefix: str = "mmu") -> tuple[torch.Tensor, dict]:
        """Next-token CE on labelled positions (answers of mmu rows, all text of lm rows)."""
        model, cfg = self.model, self.model.config
        out = model(batch.input_ids, **batch.model_inputs(), features=features, feature_mask=feature_mask,
                    compute_logits=False, return_hidden=True)
        targets = batch.labels[:, 1:]
        select = targets != IGNORE
        hidden = out.hidden_states[:, :-1][select]
        logits = F.linear(hidden, model.lm_head.weight[: cfg.text_vocab_size], model.lm_head.bias[: cfg.text_vocab_size])
        ce = F.cross_entropy(logits.float(), targets[select])
        coef = self.config.mmu_coef if prefix == "mmu" else self.config.lm_coef
        return coef * ce + out.aux_loss, {f"{prefix}/ce": ce.detach(), f"{prefix}/aux": out.aux_loss.detach()}

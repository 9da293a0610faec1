"""Grouped sequence-level Mixture-of-Experts (DESIGN §3).

One router decision per *sequence* and layer, from the mean of LN(h) over the sequence's
conditioning prefix only (t2i: the prompt; mmu: the image and the question), so the decision
does not change while tokens are generated and prompt KV caches stay valid.

Experts act on the residual stream h (B, L, d):
    copy(h) = h,   zero(h) = 0,   inject_src(h) = w·h + (1−w)·v_src
where v_src = LN_layer(S_src(F_src)) is a d-vector per sequence: F_src a frozen encoder's output
(semantic/"clip", identity/"face") or Gaussian noise ("noise"), S_src a resampler shared across
layers, LN_layer a per-layer LayerNorm whose weight is the per-layer scale, and w = softmax of two
learnable logits (≈0.9 at init). Every expert is affine in h, so the mixture is computed as
``coef·h + vector`` with per-sequence coef and vector — one fused op whatever the top-k.

An expert whose feature is absent for a sequence is never faked: its router logit is −inf.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from unif2ace.config import GROUPS, SEQ_EXPERT_FEATURE, ModelConfig
from unif2ace.model.moe import balance_loss

FEATURE_KINDS = ("semantic", "identity", "noise")


class Resampler(nn.Module):
    """Maps encoder features (B, Df) or (B, T, Df) to one d-vector per sequence (B, d).

    Learned queries attend over the projected feature tokens; the queries' outputs are averaged.
    """

    def __init__(self, in_dim: int, hidden_size: int, num_queries: int):
        super().__init__()
        self.proj = nn.Linear(in_dim, hidden_size)
        self.queries = nn.Parameter(torch.randn(num_queries, hidden_size) / math.sqrt(hidden_size))
        self.out = nn.Sequential(nn.LayerNorm(hidden_size), nn.Linear(hidden_size, hidden_size))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        if features.dim() == 2:
            features = features[:, None]
        x = self.proj(features.to(self.proj.weight.dtype))  # (B, T, d)
        attn = torch.einsum("qd,btd->bqt", self.queries, x) / math.sqrt(x.shape[-1])
        pooled = torch.einsum("bqt,btd->bqd", attn.softmax(-1), x).mean(1)
        return self.out(pooled)


class SequenceMoEShared(nn.Module):
    """What all layers share: one resampler per feature source."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        sm = config.sequence_moe
        assert sm is not None
        used = {SEQ_EXPERT_FEATURE[e] for g in GROUPS for e in sm.experts(g) if e in SEQ_EXPERT_FEATURE}
        dims = {"semantic": sm.semantic_dim, "identity": sm.identity_dim, "noise": sm.noise_dim}
        self.resamplers = nn.ModuleDict(
            {kind: Resampler(dims[kind], config.hidden_size, sm.resampler_queries) for kind in FEATURE_KINDS
             if kind in used}
        )
        self.noise_dim = sm.noise_dim

    def vectors(self, features: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Resampled (B, d) vectors for the feature kinds present in ``features``."""
        return {k: self.resamplers[k](v) for k, v in features.items() if k in self.resamplers}


class SequenceMoE(nn.Module):
    """One layer's sequence-level MoE: a router per group, the layer's LayerNorms and gate logits."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        sm = config.sequence_moe
        assert sm is not None
        self.top_k = sm.top_k
        self.balance_coef = sm.balance_coef
        self.image_only = sm.inject_positions == "image"
        self.experts = [sm.experts(g) for g in GROUPS]
        self.max_experts = max(len(e) for e in self.experts)
        d = config.hidden_size
        self.router_norm = nn.LayerNorm(d, eps=config.layer_norm_eps)
        self.routers = nn.ModuleList(nn.Linear(d, len(e)) for e in self.experts)
        kinds = sorted({SEQ_EXPERT_FEATURE[e] for g in self.experts for e in g if e in SEQ_EXPERT_FEATURE})
        self.inject_norms = nn.ModuleDict({k: nn.LayerNorm(d, eps=config.layer_norm_eps) for k in kinds})
        # softmax([a, b])[0] = w_init  <=>  a − b = logit(w_init)
        self.gate_logits = nn.ParameterDict(
            {k: nn.Parameter(torch.tensor([math.log(sm.w_init), math.log(1 - sm.w_init)])) for k in kinds}
        )
        self.copy_bias_init = sm.copy_bias_init
        self.reset_router()

    def reset_router(self, groups=None, copy_bias: float | None = None) -> None:
        """Zero weights, and a bias that makes Copy experts win: the layer starts as the identity.

        groups: the group names to reset (default: all). copy_bias: the Copy experts' bias
        (default: the config's ``copy_bias_init``); a negative one makes the injection experts win
        instead, which lets a trained model start using features it was never routed to.
        """
        bias = self.copy_bias_init if copy_bias is None else float(copy_bias)
        for name, router, experts in zip(GROUPS, self.routers, self.experts):
            if groups is not None and name not in groups:
                continue
            nn.init.zeros_(router.weight)
            with torch.no_grad():
                router.bias.copy_(torch.tensor([bias if e == "copy" else 0.0 for e in experts]))

    def route(self, h: torch.Tensor, group: torch.Tensor, router_mask: torch.Tensor,
              available: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Choose experts per sequence.

        h (B, L, d); group (B,); router_mask (B, L) bool, the conditioning positions;
        available: feature kind -> (B,) bool. Returns probs (B, Emax), top-k indices (B, k),
        gates (B, k).
        """
        w = router_mask.to(h.dtype).unsqueeze(-1)
        pooled = (self.router_norm(h) * w).sum(1) / w.sum(1).clamp_min(1.0)
        # every group's router on every row, kept where the row is in that group: masks, not boolean
        # indexing, so no shape depends on the data (no host sync)
        logits = torch.full((h.shape[0], self.max_experts), float("-inf"), device=h.device, dtype=torch.float32)
        for g, (router, experts) in enumerate(zip(self.routers, self.experts)):
            lg = router(pooled).float()
            for j, e in enumerate(experts):
                kind = SEQ_EXPERT_FEATURE.get(e)
                if kind is not None and kind != "noise":
                    ok = available.get(kind)
                    if ok is None:
                        lg[:, j] = float("-inf")
                    else:
                        lg[:, j] = lg[:, j].masked_fill(~ok, float("-inf"))
            if len(experts) < self.max_experts:
                lg = torch.cat([lg, lg.new_full((lg.shape[0], self.max_experts - len(experts)), float("-inf"))], 1)
            logits = torch.where((group == g).unsqueeze(1), lg, logits)
        probs = logits.softmax(-1)
        top_p, top_i = probs.topk(self.top_k, dim=-1)
        gates = top_p / top_p.sum(-1, keepdim=True)
        return probs, top_i, gates

    def forward(self, h: torch.Tensor, group: torch.Tensor, routes: tuple[torch.Tensor, torch.Tensor],
                vectors: dict[str, torch.Tensor], image_mask: torch.Tensor | None = None) -> torch.Tensor:
        """Apply routed experts: h (B, L, d), routes = (top-k indices, gates) (B, k) each."""
        return self.apply_mixture(h, *self.mixture(group, routes, vectors, h.shape[-1]), image_mask)

    def mixture(self, group: torch.Tensor, routes: tuple[torch.Tensor, torch.Tensor],
                vectors: dict[str, torch.Tensor], hidden_size: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The routed mixture as ``coef·h + vec``: coef (B,), vec (B, d), both float32.

        It depends on the routes and features only, so a KV-cached forward computes it once
        (``Block._sequence_moe`` keeps it in the cache's state) and every later token reuses it.
        """
        top_i, gates = routes
        B = top_i.shape[0]
        coef = torch.zeros(B, dtype=torch.float32, device=top_i.device)
        vec = torch.zeros(B, hidden_size, dtype=torch.float32, device=top_i.device)
        w = {k: v.softmax(0)[0] for k, v in self.gate_logits.items()}
        normed = {k: self.inject_norms[k](v).float() for k, v in vectors.items() if k in self.inject_norms}
        for g, experts in enumerate(self.experts):
            rows = (group == g).float()
            for j, e in enumerate(experts):
                sel = ((top_i == j).float() * gates).sum(-1) * rows  # gate of expert j per sequence
                if e == "copy":
                    coef = coef + sel
                elif e == "zero":
                    continue
                else:
                    kind = SEQ_EXPERT_FEATURE[e]
                    coef = coef + sel * w[kind]
                    if kind in normed:
                        vec = vec + (sel * (1 - w[kind])).unsqueeze(-1) * normed[kind]
        return coef, vec

    def apply_mixture(self, h: torch.Tensor, coef: torch.Tensor, vec: torch.Tensor,
                      image_mask: torch.Tensor | None = None) -> torch.Tensor:
        """coef·h + vec per sequence (h (B, L, d)); in "image" injection mode only at image positions."""
        B = h.shape[0]
        out = coef.to(h.dtype).view(B, 1, 1) * h + vec.to(h.dtype).unsqueeze(1)
        if self.image_only and image_mask is not None:
            out = torch.where(image_mask.unsqueeze(-1), out, h)
        return out

    def aux_loss(self, probs: torch.Tensor, top_i: torch.Tensor, group: torch.Tensor) -> torch.Tensor:
        loss = probs.new_zeros(())
        if self.balance_coef <= 0:
            return loss
        for g, experts in enumerate(self.experts):
            loss = loss + self.balance_coef * balance_loss(probs[:, : len(experts)], top_i.clamp_max(len(experts) - 1), len(experts),
                                                    group == g)  # other groups' rows count 0
        return loss

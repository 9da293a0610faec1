"""The UniF²ace network: Show-o's Phi backbone with grouped token- and sequence-level MoE.

Block (DESIGN §3)::

    a = LN(x)
    h = x + Attn(a) + FFN(a) [+ TokenMoE[group](a)]     # Phi's parallel residual
    y = SequenceMoE[group](h, features)                 # optional; Copy is the identity

Module names follow Hugging Face's ``PhiForCausalLM`` (``embed_tokens``, ``layers.N.self_attn.q_proj``,
``layers.N.mlp.fc1``, ``final_layernorm``, ``lm_head``) so Phi-1.5 and Show-o checkpoints map onto
this model by stripping a prefix (see :mod:`unif2ace.checkpoint`).

The model knows nothing about sampling: samplers and pipelines drive it through ``forward`` and a
:class:`KVCache`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

from unif2ace.config import GROUPS, ModelConfig
from unif2ace.model.attention import Attention, KVCache, RotaryEmbedding
from unif2ace.model.moe import MLP, GroupedTokenMoE
from unif2ace.model.sequence_moe import SequenceMoE, SequenceMoEShared

GROUP_UND, GROUP_GEN = GROUPS.index("und"), GROUPS.index("gen")


@dataclass
class ModelOutput:
    logits: torch.Tensor | None  # (B, L', V') for the requested positions / vocabulary slice
    aux_loss: torch.Tensor  # sum of MoE balance losses (0 when dense or in eval mode)
    hidden_states: torch.Tensor | None = None  # final-LN output (B, L, d) when requested


class Block(nn.Module):
    def __init__(self, config: ModelConfig, layer_index: int):
        super().__init__()
        self.input_layernorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.self_attn = Attention(config, layer_index)
        self.mlp = MLP(config.hidden_size, config.intermediate_size)  # the shared expert when MoE is on
        self.token_moe = GroupedTokenMoE(config) if config.token_moe is not None else None
        self.sequence_moe = SequenceMoE(config) if config.sequence_moe is not None else None
        self.resid_dropout = nn.Dropout(config.dropout)

    def forward(self, x, cos, sin, mask, ctx: _ForwardContext):
        a = self.input_layernorm(x)
        ffn = self.mlp(a)
        aux = x.new_zeros((), dtype=torch.float32)
        if self.token_moe is not None:
            routed, aux = self.token_moe(a, ctx.group, ctx.valid)
            ffn = ffn + routed
        h = x + self.resid_dropout(self.self_attn(a, cos, sin, mask, ctx.kv_cache, ctx.cache_position)) + self.resid_dropout(ffn)
        if self.sequence_moe is not None:
            h, seq_aux = self._sequence_moe(h, ctx)
            aux = aux + seq_aux
        return h, aux

    def _sequence_moe(self, h, ctx: _ForwardContext):
        moe = self.sequence_moe
        layer = self.self_attn.layer_index
        aux = h.new_zeros((), dtype=torch.float32)
        routes = ctx.routes[layer] if ctx.routes is not None else None
        if routes is None:
            probs, top_i, gates = moe.route(h, ctx.group, ctx.router_mask, ctx.available)
            routes = (top_i, gates)
            if ctx.new_routes is not None:
                ctx.new_routes[layer] = routes
            if self.training:
                aux = moe.aux_loss(probs, top_i, ctx.group)
        mixes = None
        if ctx.routes is not None and ctx.kv_cache is not None and not self.training:
            # routes and features are fixed at prefill, so the mixture is too: compute it once per cache
            mixes = ctx.kv_cache.state.setdefault("sequence_moe_mixtures", {})
        if mixes is not None and layer in mixes:
            coef, vec = mixes[layer]
        else:
            coef, vec = moe.mixture(ctx.group, routes, ctx.vectors, h.shape[-1])
            if mixes is not None:
                mixes[layer] = (coef, vec)
        return moe.apply_mixture(h, coef, vec, ctx.image_mask), aux


@dataclass
class _ForwardContext:
    """Per-forward state every block reads (kept out of the block signatures for checkpointing)."""

    group: torch.Tensor
    valid: torch.Tensor | None
    router_mask: torch.Tensor | None
    image_mask: torch.Tensor | None
    vectors: dict
    available: dict
    routes: list | None
    new_routes: list | None
    kv_cache: KVCache | None
    cache_position: torch.Tensor | None = None


class UniF2aceModel(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size)
        self.embed_dropout = nn.Dropout(config.dropout)
        self.layers = nn.ModuleList(Block(config, i) for i in range(config.num_layers))
        self.final_layernorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size)
        self.rotary = RotaryEmbedding(config.rotary_dim, config.rope_theta)
        self.sequence_moe_shared = SequenceMoEShared(config) if config.sequence_moe is not None else None
        self.gradient_checkpointing = False
        self.apply(self._init_weights)
        for block in self.layers:  # re-apply the MoE-specific inits that _init_weights overwrote
            if block.token_moe is not None:
                block.token_moe.reset_parameters()
            if block.sequence_moe is not None:
                block.sequence_moe.reset_router()

    def _init_weights(self, module: nn.Module) -> None:
        std = self.config.initializer_range
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, std=std)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, std=std)
        elif isinstance(module, nn.LayerNorm):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)

    # ------------------------------------------------------------------ helpers
    def num_parameters(self, active_only: bool = False) -> int:
        """All parameters, or those one token uses (shared FFN + its top-k routed experts)."""
        total = sum(p.numel() for p in self.parameters())
        if not active_only:
            return total
        for block in self.layers:
            if block.token_moe is not None:
                total -= sum(p.numel() for p in block.token_moe.parameters())
                total += block.token_moe.active_parameters()
        return total

    def infer_groups(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Generation group for rows containing <|t2i|>, understanding group otherwise."""
        t2i = self.config.special_token_ids["<|t2i|>"]
        return torch.where((input_ids == t2i).any(1), GROUP_GEN, GROUP_UND)

    def new_kv_cache(self, batch_size: int, max_length: int, device=None, dtype=None) -> KVCache:
        p = self.lm_head.weight
        return KVCache.for_model(self.config, batch_size, max_length, device or p.device, dtype or p.dtype)

    # ------------------------------------------------------------------ forward
    def forward(
        self,
        input_ids: torch.Tensor,
        *,
        attention_mask: torch.Tensor | None = None,
        position_ids: torch.Tensor | None = None,
        groups: torch.Tensor | None = None,
        router_mask: torch.Tensor | None = None,
        image_mask: torch.Tensor | None = None,
        features: dict[str, torch.Tensor] | None = None,
        feature_mask: dict[str, torch.Tensor] | None = None,
        kv_cache: KVCache | None = None,
        logits_positions: torch.Tensor | slice | None = None,
        logits_vocab: slice | None = None,
        compute_logits: bool = True,
        return_hidden: bool = False,
        cache_position: torch.Tensor | None = None,
    ) -> ModelOutput:
        """Run the network on ``input_ids`` (B, L).

        attention_mask: None (causal), a key mask (B, S) bool with S = cached + L (causal + padding),
            or a full mask (B, 1, L, S) / (B, L, S) bool, True = may attend (e.g. the omni-attention mask).
        position_ids: (B, L); default ``cache.length + arange(L)``.
        groups: (B,) 0 = und, 1 = gen; default: rows containing <|t2i|> are gen.
        router_mask: (B, L) bool, the conditioning positions the sequence router averages over;
            default: all attendable positions. With a cache, routes are fixed at the first call.
        image_mask: (B, L) bool, image-code positions (sequence-MoE injection "image" mode).
        features: {"semantic": (B, Df) | (B, T, Df), "identity": (B, Di), "noise": (B, Dn)};
            feature_mask: {kind: (B,) bool} when only some rows have a feature.
        logits_positions: positions to project (slice, or (B, L') index); logits_vocab: vocabulary
            slice (e.g. the image codes). Both reduce the head's cost; default: everything.
        cache_position: static-shape decoding (CUDA graphs, ``torch.compile`` without recompiles): a (1,)
            long tensor, where in ``kv_cache`` the new positions go; attention then runs over the
            cache's whole buffer with the positions after them masked, and ``kv_cache.length`` is
            neither read nor advanced. Needs ``kv_cache`` (already prefilled), ``position_ids`` and
            no ``attention_mask``.
        """
        B, L = input_ids.shape
        if cache_position is not None:
            if kv_cache is None or position_ids is None or attention_mask is not None:
                raise ValueError("cache_position needs kv_cache and position_ids, and no attention_mask")
            past = None  # never read: a host int here would make every position its own graph
        else:
            past = kv_cache.length if kv_cache is not None else 0
        state = kv_cache.state if kv_cache is not None else {}
        if groups is None:
            groups = state.get("groups")
            if groups is None:
                groups = self.infer_groups(input_ids)
        groups = groups.to(input_ids.device)
        if kv_cache is not None and "groups" not in state:
            state["groups"] = groups
        if position_ids is None:
            position_ids = past + torch.arange(L, device=input_ids.device).expand(B, L)

        if cache_position is None:
            mask, valid = self._attention_mask(attention_mask, B, L, past, kv_cache, input_ids.device)
        else:
            mask, valid = self._static_mask(kv_cache, cache_position, L), None

        x = self.embed_dropout(self.embed_tokens(input_ids))
        cos, sin = self.rotary(position_ids, x.dtype)
        ctx = self._context(groups, valid, router_mask, image_mask, features, feature_mask, kv_cache, B, x)
        ctx.cache_position = cache_position

        aux = x.new_zeros((), dtype=torch.float32)
        for block in self.layers:
            if self.gradient_checkpointing and self.training:
                x, a = checkpoint(block, x, cos, sin, mask, ctx, use_reentrant=False)
            else:
                x, a = block(x, cos, sin, mask, ctx)
            aux = aux + a
        if kv_cache is not None:
            if cache_position is None:
                kv_cache.advance(L)
            if ctx.new_routes is not None:
                state["routes"] = ctx.new_routes

        h = self.final_layernorm(x)
        logits = None
        if compute_logits:
            hs = h
            if isinstance(logits_positions, slice):
                hs = h[:, logits_positions]
            elif logits_positions is not None:
                hs = h.gather(1, logits_positions.unsqueeze(-1).expand(-1, -1, h.shape[-1]))
            if logits_vocab is None:
                logits = self.lm_head(hs)
            else:
                logits = nn.functional.linear(hs, self.lm_head.weight[logits_vocab], self.lm_head.bias[logits_vocab])
        return ModelOutput(logits=logits, aux_loss=aux, hidden_states=h if return_hidden else None)

    def _attention_mask(self, attention_mask, B, L, past, kv_cache, device):
        """Return the SDPA mask (None = plain causal) and the per-position validity (B, L) or None."""
        S = past + L
        valid = None
        if attention_mask is None:
            if kv_cache is not None and (past > 0 or not bool(kv_cache.key_valid[:, :S].all())):
                mask = self._causal(L, past, device).unsqueeze(0) & kv_cache.key_valid[:, None, :S]
                return mask.unsqueeze(1), None
            return None, None
        attention_mask = attention_mask.to(device=device, dtype=torch.bool)
        if attention_mask.dim() == 2:  # key mask over all S positions
            if attention_mask.shape != (B, S):
                raise ValueError(f"2-D attention_mask must be (batch, cached + new) = {(B, S)}, got {tuple(attention_mask.shape)}")
            if kv_cache is not None:
                kv_cache.key_valid[:, :S] = attention_mask
            valid = attention_mask[:, past:]
            mask = (self._causal(L, past, device).unsqueeze(0) & attention_mask[:, None, :]).unsqueeze(1)
        else:
            mask = attention_mask if attention_mask.dim() == 4 else attention_mask.unsqueeze(1)
            if mask.shape[-2:] != (L, S):
                raise ValueError(f"attention_mask must end in (new, cached + new) = {(L, S)}, got {tuple(mask.shape)}")
            # padding rows attend nothing (the builders' rule); every other row attends at least itself
            valid = mask[:, 0].any(-1) if mask.shape[1] == 1 else mask.any(-1).any(1)
            if kv_cache is not None:
                kv_cache.key_valid[:, past:S] = valid
        # a row that may attend nothing (a padding query) would give NaN in SDPA: let it see itself
        # (computed unconditionally: checking first would cost a device sync per forward)
        # (built by comparison: an index assignment of True copies a host scalar, which CUDA graph capture forbids)
        eye = torch.arange(S, device=device)[None, :] == (past + torch.arange(L, device=device))[:, None]
        mask = mask | (~mask.any(-1, keepdim=True) & eye)
        return mask, valid

    @staticmethod
    def _static_mask(kv_cache: KVCache, cache_position: torch.Tensor, L: int) -> torch.Tensor:
        """(B, 1, L, max_length): query i sees the valid cached keys up to ``cache_position + i``."""
        device = cache_position.device
        keys = torch.arange(kv_cache.max_length, device=device)
        last = cache_position + torch.arange(L, device=device)
        return ((keys[None, :] <= last[:, None])[None] & kv_cache.key_valid[:, None, :]).unsqueeze(1)

    @staticmethod
    def _causal(L: int, past: int, device) -> torch.Tensor:
        return torch.ones(L, past + L, dtype=torch.bool, device=device).tril(past)

    def _context(self, groups, valid, router_mask, image_mask, features, feature_mask, kv_cache, B, x):
        state = kv_cache.state if kv_cache is not None else {}
        routes = state.get("routes")
        vectors, available = {}, {}
        new_routes = None
        if self.sequence_moe_shared is not None:
            feats = dict(features or {})
            if "noise" in self.sequence_moe_shared.resamplers and "noise" not in feats:
                noise = state.get("noise")
                if noise is None:
                    noise = torch.randn(B, self.sequence_moe_shared.noise_dim, device=x.device)
                    if kv_cache is not None:
                        state["noise"] = noise
                feats["noise"] = noise
            if routes is not None and kv_cache is not None and "sequence_moe_mixtures" in state:
                vectors = {}  # every layer's mixture is cached (Block._sequence_moe): the vectors are not read
            else:
                vectors = self.sequence_moe_shared.vectors(feats)
            for kind, _v in feats.items():
                m = (feature_mask or {}).get(kind)
                available[kind] = torch.ones(B, dtype=torch.bool, device=x.device) if m is None else m.to(x.device)
            if routes is None:
                if router_mask is None:
                    router_mask = valid if valid is not None else torch.ones(x.shape[:2], dtype=torch.bool, device=x.device)
                new_routes = [None] * len(self.layers)
        return _ForwardContext(group=groups, valid=valid, router_mask=router_mask, image_mask=image_mask,
                               vectors=vectors, available=available, routes=routes, new_routes=new_routes,
                               kv_cache=kv_cache)


_INIT_LOCK = threading.Lock()


def build_for_loading(config: ModelConfig) -> UniF2aceModel:
    """The model for ``config`` with its weights allocated but not initialised: every parameter is then
    read from a checkpoint. ``torch.nn.init``'s fill functions are no-ops while it is built (as
    transformers' ``no_init_weights`` does); the rotary frequencies, which no checkpoint holds, are computed
    as usual. Building on the meta device instead would skip the fills too, but torch routes meta
    operations through its Python references, whose first call imports the compiler (``torch._dynamo``):
    1.5 s of every command's start on a CPU, for nothing."""
    names = [n for n in dir(nn.init) if n.endswith("_") and not n.startswith("_")]
    with _INIT_LOCK:  # the functions are module-wide: one build at a time
        saved = {n: getattr(nn.init, n) for n in names}
        try:
            for n in names:
                setattr(nn.init, n, _leave)
            return UniF2aceModel(config)
        finally:
            for n, f in saved.items():
                setattr(nn.init, n, f)


def _leave(tensor: torch.Tensor, *args, **kwargs) -> torch.Tensor:
    return tensor


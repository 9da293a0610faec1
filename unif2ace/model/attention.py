"""Show-o's Phi attention: partial rotary, QK-LayerNorm, SDPA, and a small KV-cache object.

Shapes: B batch, L new positions, S = cached + new positions, H heads, D head dim.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from unif2ace.config import ModelConfig


class RotaryEmbedding(nn.Module):
    """Rotary position embedding on the first ``rotary_dim`` channels of each head (GPT-NeoX layout)."""

    def __init__(self, rotary_dim: int, theta: float):
        super().__init__()
        self.rotary_dim, self.theta = rotary_dim, theta
        self.register_buffer("inv_freq", self._inv_freq(), persistent=False)

    def _inv_freq(self, device=None) -> torch.Tensor:
        steps = torch.arange(0, self.rotary_dim, 2, dtype=torch.float32, device=device)
        return 1.0 / (self.theta ** (steps / self.rotary_dim))

    def reset_parameters(self) -> None:
        """Recompute the (non-persistent) frequencies, e.g. after building on the meta device."""
        self.inv_freq = self._inv_freq(self.inv_freq.device)

    def forward(self, position_ids: torch.Tensor, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
        """position_ids (B, L) -> cos, sin (B, 1, L, rotary_dim)."""
        freqs = position_ids[..., None].float() * self.inv_freq.float()
        emb = torch.cat((freqs, freqs), dim=-1)[:, None]
        return emb.cos().to(dtype), emb.sin().to(dtype)


def apply_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x (B, H, L, D): rotate the first cos.shape[-1] channels, pass the rest through."""
    rd = cos.shape[-1]
    x_rot, x_pass = x[..., :rd], x[..., rd:]
    half = rd // 2
    rotated = torch.cat((-x_rot[..., half:], x_rot[..., :half]), dim=-1)
    return torch.cat((x_rot * cos + rotated * sin, x_pass), dim=-1)


class KVCache:
    """Pre-allocated keys/values for every layer plus the per-sequence state fixed at prefill.

    ``length`` positions are filled. A forward pass with the cache writes its new keys/values at
    ``[length, length + L)`` and advances ``length``; :meth:`crop` rewinds (MaskGIT reuses a prompt
    prefix at every step by cropping back to it). ``key_valid`` (B, max_len) marks positions that
    may be attended (False for padding). ``state`` holds what the model fixes at prefill: the
    sequence group, the sequence-MoE routes, the noise features.
    """

    def __init__(self, num_layers: int, batch_size: int, num_heads: int, head_dim: int, max_length: int,
                 device: torch.device | str | None = None, dtype: torch.dtype = torch.float32):
        shape = (batch_size, num_heads, max_length, head_dim)
        self.keys = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(num_layers)]
        self.values = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(num_layers)]
        self.key_valid = torch.ones(batch_size, max_length, dtype=torch.bool, device=device)
        self.length = 0
        self.max_length = max_length
        self.state: dict = {}

    @classmethod
    def for_model(cls, config: ModelConfig, batch_size: int, max_length: int,
                  device: torch.device | str | None = None, dtype: torch.dtype = torch.float32) -> KVCache:
        return cls(config.num_layers, batch_size, config.num_heads, config.head_dim, max_length, device, dtype)

    @property
    def dtype(self) -> torch.dtype:
        return self.keys[0].dtype

    @property
    def batch_size(self) -> int:
        return self.key_valid.shape[0]

    def update(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Write k, v (B, H, L, D) after the filled part; return all keys/values so far (B, H, S, D)."""
        end = self.length + k.shape[2]
        if end > self.max_length:
            raise ValueError(f"KV cache overflow: {end} positions > max_length {self.max_length}")
        self.keys[layer][:, :, self.length:end] = k
        self.values[layer][:, :, self.length:end] = v
        return self.keys[layer][:, :, :end], self.values[layer][:, :, :end]

    def write(self, layer: int, k: torch.Tensor, v: torch.Tensor, start: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Static-shape update: write k, v (B, H, L, D) at positions ``start + arange(L)`` (``start`` a
        (1,) long tensor, so no host value enters the computation) and return the whole buffers
        (B, H, max_length, D). ``length`` is neither read nor advanced: the caller keeps the position."""
        where = start + torch.arange(k.shape[2], device=start.device)
        self.keys[layer].index_copy_(2, where, k)
        self.values[layer].index_copy_(2, where, v)
        return self.keys[layer], self.values[layer]

    def mark_static(self) -> None:
        """Tell torch.compile that the buffers keep their addresses (CUDA graphs then update them in place)."""
        for t in (*self.keys, *self.values, self.key_valid):
            torch._dynamo.mark_static_address(t)

    def advance(self, n: int) -> None:
        self.length += n

    def crop(self, length: int) -> None:
        """Forget every position from ``length`` on (their keys are overwritten by the next write)."""
        if not 0 <= length <= self.length:
            raise ValueError(f"cannot crop a cache of length {self.length} to {length}")
        self.length = length
        self.key_valid[:, length:] = True


class Attention(nn.Module):
    """Multi-head self-attention of Phi-1.5 with Show-o's QK-LayerNorm (before the rotary embedding)."""

    def __init__(self, config: ModelConfig, layer_index: int):
        super().__init__()
        self.layer_index = layer_index
        self.num_heads = config.num_heads
        self.head_dim = config.head_dim
        d = config.hidden_size
        self.q_proj = nn.Linear(d, d)
        self.k_proj = nn.Linear(d, d)
        self.v_proj = nn.Linear(d, d)
        self.dense = nn.Linear(d, d)
        self.qk_layernorm = config.qk_layernorm
        if config.qk_layernorm:
            self.q_layernorm = nn.LayerNorm(self.head_dim, eps=config.layer_norm_eps)
            self.k_layernorm = nn.LayerNorm(self.head_dim, eps=config.layer_norm_eps)
        self.dropout = config.dropout

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, mask: torch.Tensor | None,
                kv_cache: KVCache | None = None, cache_position: torch.Tensor | None = None) -> torch.Tensor:
        """x (B, L, d); mask: None (causal over the new positions) or bool (B, 1, L, S), True = attend.
        cache_position: (1,) long, the static-shape cache write (``KVCache.write``; S = max_length)."""
        B, L, _ = x.shape
        q = self.q_proj(x).view(B, L, self.num_heads, self.head_dim)
        k = self.k_proj(x).view(B, L, self.num_heads, self.head_dim)
        v = self.v_proj(x).view(B, L, self.num_heads, self.head_dim)
        if self.qk_layernorm:
            q, k = self.q_layernorm(q), self.k_layernorm(k)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        q, k = apply_rotary(q, cos, sin), apply_rotary(k, cos, sin)
        if kv_cache is not None:
            # a cache kept in a wider dtype than the model (text decoding in bf16 on a CPU, see
            # generation/text.py) makes the attention itself run in that dtype
            k, v = k.to(kv_cache.dtype), v.to(kv_cache.dtype)
            if cache_position is None:
                k, v = kv_cache.update(self.layer_index, k, v)
            else:
                k, v = kv_cache.write(self.layer_index, k, v, cache_position)
            q = q.to(kv_cache.dtype)
        dropout = self.dropout if self.training else 0.0
        if mask is None:
            out = F.scaled_dot_product_attention(q, k, v, is_causal=L > 1, dropout_p=dropout)
        else:
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout)
        return self.dense(out.to(x.dtype).transpose(1, 2).reshape(B, L, -1))

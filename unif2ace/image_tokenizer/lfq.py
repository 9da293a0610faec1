"""Lookup-free quantisation (LFQ, MAGVIT-v2): each latent channel is quantised to its sign.

Code index order is Show-o's: the bit of channel 0 is the most significant,
``index = Σ_j [z_j > 0] · 2^(B−1−j)``, so an index means the same image patch here and in
``showlab/magvitv2``. Written here rather than taken from vector-quantize-pytorch because the
model path may import nothing beyond torch (DESIGN §8) and because the entropy term below is exact
and cheap for our codebook sizes.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class LFQ(nn.Module):
    def __init__(self, code_bits: int, entropy_temperature: float = 0.1, max_entropy_tokens: int = 4096):
        super().__init__()
        self.code_bits = code_bits
        self.codebook_size = 2**code_bits
        self.entropy_temperature = entropy_temperature
        self.max_entropy_tokens = max_entropy_tokens
        # Not saved: both follow from code_bits (the Show-o key mapping checks its copies against them).
        self.register_buffer("powers", 2 ** torch.arange(code_bits - 1, -1, -1), persistent=False)

    # ----- indices <-> codes
    def bits_to_indices(self, z: torch.Tensor) -> torch.Tensor:
        """[B, C, h, w] latents (sign read) → [B, h*w] int64 indices."""
        bits = (z > 0).long()
        return torch.einsum("bchw,c->bhw", bits, self.powers).flatten(1)

    def indices_to_codes(self, indices: torch.Tensor, shape: tuple[int, int]) -> torch.Tensor:
        """[B, h*w] indices → [B, C, h, w] codes in {−1, +1}."""
        if indices.min() < 0 or indices.max() >= self.codebook_size:
            raise ValueError(f"code indices must lie in [0, {self.codebook_size}); got "
                             f"[{int(indices.min())}, {int(indices.max())}]")
        h, w = shape
        if indices.shape[-1] != h * w:
            raise ValueError(f"{indices.shape[-1]} codes per image cannot be laid out as {h}×{w}")
        bits = (indices.long().unsqueeze(-1) // self.powers) % 2  # [B, N, C]
        codes = bits.float() * 2 - 1
        return codes.view(indices.shape[0], h, w, self.code_bits).permute(0, 3, 1, 2).contiguous()

    def codebook(self) -> torch.Tensor:
        """[2^B, B] all codes in index order (Show-o's ``quantize.embedding``)."""
        return self.indices_to_codes(torch.arange(self.codebook_size, device=self.powers.device)[None],
                                     (1, self.codebook_size))[0].permute(1, 2, 0)[0]

    # ----- training forward
    def forward(self, z: torch.Tensor) -> dict[str, torch.Tensor]:
        """z: [B, C, h, w] float → z_q (straight-through), indices [B, h*w], commitment, entropy terms."""
        z = z.float()
        q = torch.where(z > 0, 1.0, -1.0)
        z_q = z + (q - z).detach()
        commitment = F.mse_loss(z, q)
        sample_entropy, codebook_entropy = self.entropies(z)
        return {"z_q": z_q, "indices": self.bits_to_indices(z), "commitment": commitment,
                "sample_entropy": sample_entropy, "codebook_entropy": codebook_entropy}

    def entropies(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean per-token code entropy and the entropy of the batch's mean code distribution (nats).

        With p(c | z) = softmax_c(2 z·c / τ) the distribution factorises over bits,
        p(bit_j = 1) = σ(4 z_j / τ), so the per-token entropy is a sum over bits; the batch
        distribution does not factorise and is computed over all 2^B codes (on a token subsample).
        """
        flat = z.permute(0, 2, 3, 1).reshape(-1, self.code_bits)
        if flat.shape[0] > self.max_entropy_tokens:
            pick = torch.randperm(flat.shape[0], device=flat.device)[: self.max_entropy_tokens]
            flat = flat[pick]
        logits = 4 * flat / self.entropy_temperature
        log_p1, log_p0 = F.logsigmoid(logits), F.logsigmoid(-logits)
        sample_entropy = -(log_p1.exp() * log_p1 + log_p0.exp() * log_p0).sum(-1).mean()
        if self.code_bits > 16:  # 2^B too large: fall back to the sum of per-bit marginal entropies
            m1 = log_p1.exp().mean(0).clamp(1e-6, 1 - 1e-6)
            return sample_entropy, -(m1 * m1.log() + (1 - m1) * (1 - m1).log()).sum()
        bits = ((torch.arange(self.codebook_size, device=z.device)[:, None] // self.powers) % 2).float()
        log_pc = log_p1 @ bits.T + log_p0 @ (1 - bits).T  # [N, 2^B]: log p(code | token)
        log_mean = torch.logsumexp(log_pc, dim=0) - math.log(log_pc.shape[0])
        codebook_entropy = -(log_mean.exp() * log_mean).sum()
        return sample_entropy, codebook_entropy

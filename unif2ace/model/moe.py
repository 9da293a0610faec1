"""Grouped token-level Mixture-of-Experts (DESIGN §3).

The dense Phi FFN is the *shared expert* (module ``mlp`` of the block, so dense checkpoints load
unchanged); this module adds, per group (und / gen), ``E`` routed FFNs of which each token uses
its top-k. Routed experts' output projections start at zero, so an upcycled model computes
exactly what the dense checkpoint computed.

Dispatch sorts the (token, expert) assignments by expert and runs one matmul pair per expert on
its contiguous slice: the cost is the routed FLOPs, and there is no Python loop over tokens.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from unif2ace.config import GROUPS, ModelConfig


def gelu_new(x: torch.Tensor) -> torch.Tensor:
    """GPT-2's tanh GELU, as Phi-1.5 uses."""
    return F.gelu(x, approximate="tanh")


class MLP(nn.Module):
    """Phi's FFN: fc1 -> gelu_new -> fc2."""

    def __init__(self, hidden_size: int, intermediate_size: int):
        super().__init__()
        self.fc1 = nn.Linear(hidden_size, intermediate_size)
        self.fc2 = nn.Linear(intermediate_size, hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(gelu_new(self.fc1(x)))


def balance_loss(probs: torch.Tensor, chosen: torch.Tensor, num_experts: int) -> torch.Tensor:
    """Switch-style load-balancing loss E·Σ_i f_i·P_i (without the λ factor).

    probs (T, E) router probabilities; chosen (T, k) expert indices. f_i is the fraction of the
    T·k assignments that went to expert i, P_i the mean router probability of expert i.
    """
    counts = torch.bincount(chosen.reshape(-1), minlength=num_experts).to(probs.dtype)
    f = counts / chosen.numel()
    p = probs.mean(0)
    return num_experts * (f * p).sum()


class GroupedTokenMoE(nn.Module):
    """Routed experts of both groups, stored stacked: expert ``g·E + e`` is expert e of group g."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        moe = config.token_moe
        assert moe is not None
        self.num_groups = len(GROUPS)
        self.num_experts = moe.num_experts
        self.top_k = moe.top_k
        self.balance_coef = moe.balance_coef
        d, f, n = config.hidden_size, moe.expert_hidden_size, self.num_groups * moe.num_experts
        self.router = nn.Linear(d, n, bias=False)  # rows g·E..(g+1)·E-1 are group g's router
        self.w1 = nn.Parameter(torch.empty(n, d, f))
        self.b1 = nn.Parameter(torch.zeros(n, f))
        self.w2 = nn.Parameter(torch.zeros(n, f, d))  # zero: an upcycled model starts as the dense one
        self.b2 = nn.Parameter(torch.zeros(n, d))
        self.init_std = config.initializer_range
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.normal_(self.router.weight, std=self.init_std)
        nn.init.normal_(self.w1, std=self.init_std)
        nn.init.zeros_(self.b1)
        nn.init.zeros_(self.w2)
        nn.init.zeros_(self.b2)

    def route(self, x: torch.Tensor, group: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """x (T, d), group (T,) -> probs (T, E) fp32, top-k local indices (T, k), gates (T, k) summing to 1."""
        logits = self.router(x).view(-1, self.num_groups, self.num_experts)
        logits = logits.gather(1, group.view(-1, 1, 1).expand(-1, 1, self.num_experts)).squeeze(1)
        probs = logits.float().softmax(-1)
        top_p, top_i = probs.topk(self.top_k, dim=-1)
        gates = top_p / top_p.sum(-1, keepdim=True)
        return probs, top_i, gates

    def forward(self, x: torch.Tensor, group: torch.Tensor, valid: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, L, d), group (B,) long, valid (B, L) bool -> routed output (B, L, d), balance loss.

        Padding positions (valid False) are not routed: their routed output is zero.
        """
        B, L, d = x.shape
        flat = x.reshape(-1, d)
        token_group = group.view(B, 1).expand(B, L).reshape(-1)
        if valid is None:
            idx = None
            xs, gs = flat, token_group
        else:
            idx = valid.reshape(-1).nonzero().squeeze(1)
            xs, gs = flat[idx], token_group[idx]
        probs, top_i, gates = self.route(xs, gs)
        routed = self._dispatch(xs, gs.unsqueeze(1) * self.num_experts + top_i, gates)
        if idx is None:
            out = routed.view(B, L, d)
        else:
            out = torch.zeros_like(flat).index_copy(0, idx, routed).view(B, L, d)
        aux = x.new_zeros((), dtype=torch.float32)
        if self.training and self.balance_coef > 0:
            for g in range(self.num_groups):
                sel = gs == g
                if sel.any():
                    aux = aux + self.balance_coef * balance_loss(probs[sel], top_i[sel], self.num_experts)
        return out, aux

    def _dispatch(self, x: torch.Tensor, experts: torch.Tensor, gates: torch.Tensor) -> torch.Tensor:
        """x (T, d); experts, gates (T, k) -> Σ_k gate·expert(x) (T, d)."""
        T, k = experts.shape
        flat_experts = experts.reshape(-1)
        order = flat_experts.argsort(stable=True)
        counts = torch.bincount(flat_experts, minlength=self.w1.shape[0]).tolist()
        token_of = order // k
        xs = x[token_of]
        outs = []
        start = 0
        for e, n in enumerate(counts):
            if n == 0:
                continue
            h = gelu_new(torch.addmm(self.b1[e], xs[start:start + n], self.w1[e]))
            outs.append(torch.addmm(self.b2[e], h, self.w2[e]))
            start += n
        ys = torch.cat(outs) if outs else xs.new_zeros(0, x.shape[1])
        ys = ys.to(x.dtype) * gates.reshape(-1)[order].unsqueeze(1).to(x.dtype)
        return torch.zeros_like(x).index_add(0, token_of, ys)

    def active_parameters(self) -> int:
        """Parameters one token touches: its group's router plus top-k experts."""
        per_expert = sum(p[0].numel() for p in (self.w1, self.b1, self.w2, self.b2))
        return self.top_k * per_expert + self.num_experts * self.router.in_features


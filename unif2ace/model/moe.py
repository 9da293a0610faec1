"""Grouped token-level Mixture-of-Experts (DESIGN §3).

The dense Phi FFN is the *shared expert* (module ``mlp`` of the block, so dense checkpoints load
unchanged); this module adds, per group (und / gen), ``E`` routed FFNs of which each token uses
its top-k. Routed experts' output projections start at zero, so an upcycled model computes
exactly what the dense checkpoint computed.

Dispatch (``dispatch="grouped"``, the default on GPUs and under ``torch.compile``) sorts the
(token, expert) assignments by expert and runs one grouped matmul pair over the
contiguous per-expert slices (``torch._grouped_mm``, whose group sizes are a device tensor): the
cost is the routed FLOPs, and nothing in the forward waits for the host — no ``.tolist()``,
``.item()``, ``nonzero`` or shape that depends on the routing — so the layer runs inside
``torch.compile(fullgraph=True)`` and CUDA graphs. Padding positions are routed like any token
but with gate 0 (their routed output is exactly zero). Where ``torch._grouped_mm`` cannot run
(a torch without it, or a device/dtype it does not take) a masked loop over the experts stands in:
still free of host syncs, at E times the routed FLOPs. :func:`reference_dispatch` keeps the
earlier per-expert loop (it reads the group sizes on the host); ``dispatch="auto"`` keeps using it
in eager mode on a CPU, where a host sync costs nothing and the two run at the same speed.

``capacity_factor`` (config ``token_moe.capacity_factor``, default None = off): each expert takes
at most ceil(capacity_factor · A_g / E) of the batch's (token, expert) assignments, A_g the real
(non-padding) assignments of its group, first come first served in token order; the rest are dropped (gate 0, the token keeps its shared FFN and other experts),
as in Switch Transformers. Off, no token is ever dropped.
"""

from __future__ import annotations

import functools

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
        if _fuse_linear_gelu(x, self.fc1.weight):
            # oneDNN's matmul with the bias and GELU applied before its bf16 output is rounded: one
            # pass instead of three (matmul, bias, GELU), within a bf16 rounding of the unfused ops
            h = torch.ops.mkldnn._linear_pointwise(x, self.fc1.weight, self.fc1.bias, "gelu", [], "tanh")
        else:
            h = gelu_new(self.fc1(x))
        return self.fc2(h)


def _fuse_linear_gelu(x: torch.Tensor, weight: torch.Tensor) -> bool:
    """Inference in bf16 on a CPU whose oneDNN has bf16: fuse fc1 with its GELU (MLP.forward).
    Not under torch.compile, which fuses it itself (inductor lowers this op only for frozen weights)."""
    return (x.device.type == "cpu" and not torch.compiler.is_compiling() and x.dtype == torch.bfloat16 and weight.dtype == torch.bfloat16
            and not torch.is_grad_enabled() and not torch.is_autocast_enabled("cpu") and _MKLDNN_BF16)


_MKLDNN_BF16 = (torch.backends.mkldnn.is_available() and hasattr(torch.ops.mkldnn, "_linear_pointwise")
                and torch.ops.mkldnn._is_mkldnn_bf16_supported())


def balance_loss(probs: torch.Tensor, chosen: torch.Tensor, num_experts: int,
                 weight: torch.Tensor | None = None) -> torch.Tensor:
    """Switch-style load-balancing loss E·Σ_i f_i·P_i (without the λ factor).

    probs (T, E) router probabilities; chosen (T, k) expert indices; weight (T,) 0/1, the tokens
    that count (default: all). f_i is the fraction of the counted tokens' assignments that went to
    expert i, P_i the counted tokens' mean router probability of expert i; 0 when none counts.
    Masks instead of boolean indexing keep every shape static (no host sync).
    """
    counts = F.one_hot(chosen, num_experts).sum(1).to(probs.dtype)  # (T, E) assignments per token
    if weight is None:
        n = torch.full((), chosen.shape[0], dtype=probs.dtype, device=probs.device)
        f, p = counts.sum(0), probs.sum(0)
    else:
        w = weight.to(probs.dtype)
        n = w.sum()
        f, p = (counts * w[:, None]).sum(0), (probs * w[:, None]).sum(0)
    n = n.clamp_min(1)
    return num_experts * ((f / (n * chosen.shape[1])) * (p / n)).sum()


def _grouped_mm_ok(x: torch.Tensor, w: torch.Tensor) -> bool:
    """Whether ``torch._grouped_mm`` takes these operands (CPU: any float dtype, bf16 under
    torch.compile; CUDA: bf16 on sm90+ with 16-byte aligned rows)."""
    if not hasattr(torch, "_grouped_mm"):
        return False
    if torch.compiler.is_compiling() and x.dtype != torch.bfloat16:
        return False  # its meta function (shape inference under torch.compile) takes bf16 only
    if x.device.type == "cpu":
        return True
    if x.device.type != "cuda" or x.dtype != torch.bfloat16:
        return False
    return _cuda_major(x.device.index or 0) >= 9 and x.shape[-1] % 8 == 0 and w.shape[-1] % 8 == 0


@functools.cache
def _cuda_major(index: int) -> int:
    return torch.cuda.get_device_capability(index)[0]


def grouped_linear(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, ends: torch.Tensor,
                   expert_of: torch.Tensor) -> torch.Tensor:
    """Rows of x sorted by expert through their expert's affine map, without a host sync.

    x (A, d_in) sorted by expert; w (n, d_in, d_out); b (n, d_out); ends (n,) int32, the cumulative
    row counts (expert e owns rows [ends[e-1], ends[e])); expert_of (A,) each row's expert.
    Returns (A, d_out).
    """
    if torch.is_autocast_enabled(x.device.type):  # _grouped_mm is not on autocast's lists: cast as addmm would
        dt = torch.get_autocast_dtype(x.device.type)
        x, w, b = x.to(dt), w.to(dt), b.to(dt)
    if _grouped_mm_ok(x, w):
        y = torch._grouped_mm(x, w, offs=ends)
    else:  # every expert on every row, kept where the row is its own: E× the FLOPs, still sync-free
        y = x.new_zeros(x.shape[0], w.shape[-1])
        for e in range(w.shape[0]):
            y = torch.where((expert_of == e).unsqueeze(1), x @ w[e], y)
    return y + b.index_select(0, expert_of)


def reference_dispatch(moe: GroupedTokenMoE, x: torch.Tensor, experts: torch.Tensor,
                       gates: torch.Tensor) -> torch.Tensor:
    """The dispatch before the grouped matmul (kept for tests and benchmarks): one matmul pair per
    expert on its slice, whose size it reads on the host (``bincount(...).tolist()``).

    x (T, d); experts, gates (T, k) -> Σ_k gate·expert(x) (T, d).
    """
    T, k = experts.shape
    flat_experts = experts.reshape(-1)
    order = flat_experts.argsort(stable=True)
    counts = torch.bincount(flat_experts, minlength=moe.w1.shape[0]).tolist()
    token_of = order // k
    xs = x[token_of]
    outs = []
    start = 0
    for e, n in enumerate(counts):
        if n == 0:
            continue
        h = gelu_new(torch.addmm(moe.b1[e], xs[start:start + n], moe.w1[e]))
        outs.append(torch.addmm(moe.b2[e], h, moe.w2[e]))
        start += n
    ys = torch.cat(outs) if outs else xs.new_zeros(0, x.shape[1])
    ys = ys.to(x.dtype) * gates.reshape(-1)[order].unsqueeze(1).to(x.dtype)
    return torch.zeros_like(x).index_add(0, token_of, ys)


# A few tokens (text decoding: one per row) on a CPU: every expert on every token in one batched matmul
# pair is cheaper than the per-expert loop, whose ~25 small ops and host read cost more than the extra
# FLOPs (n_experts / top_k times the routed ones): shipped model, 6 rows, 6 layers, one thread.
DENSE_MAX_TOKENS = 32


def every_expert_dispatch(moe: GroupedTokenMoE, x: torch.Tensor, experts: torch.Tensor,
                          gates: torch.Tensor) -> torch.Tensor:
    """Σ_k gate·expert(x) computed by running all n experts on all T tokens and keeping each token's own.

    x (T, d); experts, gates (T, k) -> (T, d). Each kept expert output is the same affine-GELU-affine
    map as in :func:`reference_dispatch`; for k = 2 the sum of the two weighted outputs is the same
    single addition in either order.
    """
    T, d = x.shape
    n = moe.w1.shape[0]
    h = gelu_new(torch.baddbmm(moe.b1.unsqueeze(1), x.unsqueeze(0).expand(n, T, d), moe.w1))  # (n, T, f)
    y = torch.baddbmm(moe.b2.unsqueeze(1), h, moe.w2)  # (n, T, d)
    mine = y[experts, torch.arange(T, device=x.device).unsqueeze(1)]  # (T, k, d)
    return (mine.to(x.dtype) * gates.unsqueeze(-1).to(x.dtype)).sum(1)


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
        self.capacity_factor = moe.capacity_factor
        # "auto": the grouped matmul on GPUs and under torch.compile, where a host sync costs; the
        # per-expert loop (reference_dispatch) in eager on a CPU, where it does not: the same speed
        # there (benchmarks/inference.py) and the numerics the CPU-trained models were made with
        self.dispatch = "auto"  # or "grouped" / "loop"
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

        Padding positions (valid False) get no routed output (exactly zero) and do not count in
        the balance loss; they are routed with gate 0 so that every shape stays static.
        """
        B, L, d = x.shape
        flat = x.reshape(-1, d)
        token_group = group.view(B, 1).expand(B, L).reshape(-1)
        probs, top_i, gates = self.route(flat, token_group)
        keep = None if valid is None else valid.reshape(-1)
        if keep is not None:
            gates = gates * keep.unsqueeze(1).to(gates.dtype)
        out = self._dispatch(flat, token_group.unsqueeze(1) * self.num_experts + top_i, gates, keep).view(B, L, d)
        aux = x.new_zeros((), dtype=torch.float32)
        if self.training and self.balance_coef > 0:
            for g in range(self.num_groups):
                sel = token_group == g
                if keep is not None:
                    sel = sel & keep
                aux = aux + self.balance_coef * balance_loss(probs, top_i, self.num_experts, sel)
        return out, aux

    def _within_capacity(self, ends: torch.Tensor, sorted_experts: torch.Tensor, real: torch.Tensor
                         ) -> torch.Tensor:
        """(A,) bool over the A sorted assignments: False past their expert's capacity,
        ceil(capacity_factor · the group's real assignments / E). real (A,) bool: not padding
        (padding sorts after the real assignments of its expert and never counts)."""
        E = self.num_experts
        starts = torch.cat([ends.new_zeros(1), ends[:-1]]).long()
        rank = torch.arange(sorted_experts.shape[0], device=ends.device) - starts[sorted_experts]
        per_group = torch.zeros(ends.shape[0] // E, device=ends.device).index_add(
            0, sorted_experts // E, real.to(torch.float32))
        capacity = torch.ceil(self.capacity_factor * per_group / E).repeat_interleave(E)
        return (rank < capacity[sorted_experts]) & real

    def _dispatch(self, x: torch.Tensor, experts: torch.Tensor, gates: torch.Tensor,
                  keep: torch.Tensor | None = None) -> torch.Tensor:
        """x (T, d); experts, gates (T, k); keep (T,) bool or None -> Σ_k gate·expert(x) (T, d), sync-free.

        The T·k assignments sorted by expert (stable: token order within an expert) go through one
        grouped matmul pair; ``ends`` (cumulative counts per expert) stays on the device.
        """
        eager_cpu = self.dispatch == "auto" and x.device.type == "cpu" and not torch.compiler.is_compiling()
        if self.capacity_factor is None:
            if eager_cpu and x.shape[0] <= DENSE_MAX_TOKENS and not torch.is_grad_enabled():
                return every_expert_dispatch(self, x, experts, gates)
            if eager_cpu or self.dispatch == "loop":
                return reference_dispatch(self, x, experts, gates)
        T, k = experts.shape
        n = self.w1.shape[0]
        flat_experts = experts.reshape(-1)
        key = flat_experts
        if keep is not None and self.capacity_factor is not None:  # padding after real tokens: it takes no slot
            key = flat_experts * 2 + (~keep).repeat_interleave(k).long()
        order = key.argsort(stable=True)
        sorted_experts = flat_experts[order]
        ends = torch.searchsorted(sorted_experts, torch.arange(1, n + 1, device=x.device)).to(torch.int32)
        token_of = order // k
        g = gates.reshape(-1)[order]
        if self.capacity_factor is not None:
            real = torch.ones_like(token_of, dtype=torch.bool) if keep is None else keep[token_of]
            g = g * self._within_capacity(ends, sorted_experts, real).to(g.dtype)
        h = gelu_new(grouped_linear(x.index_select(0, token_of), self.w1, self.b1, ends, sorted_experts))
        ys = grouped_linear(h, self.w2, self.b2, ends, sorted_experts)
        ys = ys.to(x.dtype) * g.unsqueeze(1).to(x.dtype)
        return torch.zeros_like(x).index_add(0, token_of, ys)

    def active_parameters(self) -> int:
        """Parameters one token touches: its group's router plus top-k experts."""
        per_expert = sum(p[0].numel() for p in (self.w1, self.b1, self.w2, self.b2))
        return self.top_k * per_expert + self.num_experts * self.router.in_features


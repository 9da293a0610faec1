"""AdamW with decay only on matrices, warm-up + cosine learning rate, EMA of the weights."""

from __future__ import annotations

import functools
import math

import torch
from torch import nn


def param_groups(model: nn.Module, weight_decay: float) -> list[dict]:
    """Decay weight matrices; never norms, biases or embeddings (they are not scale-free)."""
    embeddings = {id(m.weight) for m in model.modules() if isinstance(m, nn.Embedding)}
    decay, no_decay = [], []
    for _, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (no_decay if p.ndim < 2 or id(p) in embeddings else decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def make_optimizer(model: nn.Module, optim_cfg, device_type: str) -> torch.optim.AdamW:
    kwargs = {}
    if device_type == "cuda":
        kwargs["fused"] = True
    return torch.optim.AdamW(param_groups(model, optim_cfg.weight_decay), lr=optim_cfg.lr,
                             betas=tuple(optim_cfg.betas), eps=optim_cfg.eps, **kwargs)


def lr_factor(step: int, warmup: int, total: int, min_ratio: float) -> float:
    """Linear warm-up from 0 to 1 over ``warmup`` steps, then cosine to ``min_ratio`` at ``total``."""
    if warmup > 0 and step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


class WarmupCosine:
    """``lr_factor`` as a callable object, so LambdaLR saves and restores its fields with the
    scheduler; ``total`` may be shortened during a run (a time-capped run's cosine ends in time)."""

    def __init__(self, warmup: int, total: int, min_ratio: float):
        self.warmup, self.total, self.min_ratio = int(warmup), int(total), float(min_ratio)

    def __call__(self, step: int) -> float:
        return lr_factor(step, self.warmup, self.total, self.min_ratio)


def make_scheduler(optimizer, optim_cfg, total_steps: int) -> torch.optim.lr_scheduler.LambdaLR:
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, WarmupCosine(optim_cfg.warmup_steps, total_steps, optim_cfg.min_lr_ratio))


def fit_horizon(schedule: WarmupCosine, step: int, seconds_per_step: float, seconds_left: float, limit: int,
                safety: float = 0.95) -> int:
    """Move the cosine's end to the step a wall-time budget reaches; returns the new total.

    Called again during a run as the step time becomes known better: the end may move later (never
    past ``limit``, the configured steps) while the cosine is still running, but once it has ended
    the LR stays at its minimum. Never ends before ``step`` or the warm-up."""
    if step >= schedule.total:
        return schedule.total
    reachable = step + int(safety * seconds_left / max(seconds_per_step, 1e-9))
    schedule.total = max(min(limit, reachable), step + 1, schedule.warmup + 1)
    return schedule.total


def _keep_rows(rows: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
    return grad * rows.to(grad.dtype)


class GroupOnly:
    """Train only the weights one group's rows alone read (``export.group_only_weights``), e.g. "und": the
    understanding experts learn while every face the model draws stays the same to the bit.

    Tensors no row of the group owns stop requiring gradients (no optimizer state, no weight decay). Tensors
    whose first-dimension rows are shared out between the groups (the routed token experts and their router)
    keep their gradient only on the group's rows, and :meth:`restore` puts the other rows back after each
    optimizer step (AdamW's decoupled weight decay would otherwise shrink them). Call it with the model before
    it is wrapped for DDP, so DDP sees only the parameters that learn."""

    def __init__(self, model: nn.Module, config, group: str):
        from unif2ace.training.export import group_only_weights

        params = dict(model.named_parameters())
        owned = group_only_weights(config, group, params)
        if not owned:
            raise ValueError(f"model.trainable: {group} needs a model with MoE experts, but {config.name} has none; "
                             "use trainable: all")
        unknown = sorted(set(owned) - set(params))
        if unknown:
            raise ValueError(f"model.trainable: {group} names weights the model lacks ({unknown[0]}, ...)")
        self.kept: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = []  # (param, other rows, their values)
        for name, p in params.items():
            if name not in owned:
                p.requires_grad_(False)
            elif owned[name] is not None:
                mine = torch.zeros(p.shape[0], dtype=torch.bool, device=p.device)
                mine[owned[name]] = True
                self.kept.append((p, ~mine, p.detach()[~mine].clone()))
                p.register_hook(functools.partial(_keep_rows, mine.view((-1,) + (1,) * (p.ndim - 1))))
        self.trained = sum(p.numel() for p in params.values() if p.requires_grad) \
            - sum(int(rows.sum()) * p[0].numel() for p, rows, _ in self.kept)

    @torch.no_grad()
    def restore(self) -> None:
        for p, rows, values in self.kept:
            p[rows] = values


class EMA:
    """Exponential moving average of the parameters, kept in float32 on the parameters' device."""

    def __init__(self, model: nn.Module, decay: float):
        self.decay = decay
        self.shadow = {k: p.detach().float().clone() for k, p in model.named_parameters()}

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        for k, p in model.named_parameters():
            self.shadow[k].lerp_(p.detach().float(), 1 - self.decay)

    def state_dict(self) -> dict:
        return {k: _full(v) for k, v in self.shadow.items()}

    def load_state_dict(self, state: dict) -> None:
        for k, v in self.shadow.items():
            if k not in state:
                raise KeyError(f"EMA checkpoint lacks {k}; was the run started without EMA?")
            src = state[k].to(v.device, v.dtype)
            if hasattr(v, "device_mesh"):  # a DTensor shard (FSDP): take our slice of the full tensor
                from torch.distributed.tensor import distribute_tensor

                src = distribute_tensor(src, v.device_mesh, v.placements)
            v.copy_(src)


def _full(t: torch.Tensor) -> torch.Tensor:
    return t.full_tensor() if hasattr(t, "full_tensor") else t

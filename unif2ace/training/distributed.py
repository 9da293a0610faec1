"""Processes started by ``torchrun``: PyTorch DDP, or FSDP2 (``fully_shard``) for models that do not fit.

    torchrun --nproc-per-node 8 -m unif2ace train recipes/small.yaml parallel=fsdp

Single-process runs skip all of this. Gloo on CPU, NCCL on GPU.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn


@dataclass
class Dist:
    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        return self.rank == 0

    @property
    def on(self) -> bool:
        return self.world > 1

    def barrier(self) -> None:
        if self.on:
            dist.barrier()

    def mean(self, values: dict[str, float]) -> dict[str, float]:
        """Average scalars over processes (one all-reduce)."""
        if not self.on or not values:
            return values
        keys = sorted(values)
        t = torch.tensor([float(values[k]) for k in keys], dtype=torch.float64)
        if dist.get_backend() == "nccl":
            t = t.cuda()
        dist.all_reduce(t)
        return {k: float(v) / self.world for k, v in zip(keys, t.tolist())}


def setup(device: str | None) -> tuple[Dist, torch.device]:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    dev = torch.device(device)
    if dev.type == "cuda":
        dev = torch.device("cuda", local if world > 1 else (dev.index or 0))
        torch.cuda.set_device(dev)
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if dev.type == "cuda" else "gloo", device_id=dev if dev.type == "cuda" else None)
    return Dist(rank, world, local), dev


def teardown() -> None:
    """Destroy the process group once every rank has got here: a rank that tears gloo down while
    another still sends can abort at exit ("terminate called without an active exception")."""
    if dist.is_initialized():
        try:
            dist.barrier()
        finally:
            dist.destroy_process_group()


def wrap(step_module: nn.Module, model: nn.Module, mode: str, d: Dist, device: torch.device) -> nn.Module:
    """DDP over the loss module, or FSDP2 on every block and the root model."""
    if not d.on:
        return step_module
    if mode == "fsdp":
        import warnings

        try:
            from torch.distributed.fsdp import fully_shard
        except ImportError:
            raise ValueError(f"parallel=fsdp needs torch>=2.6 (fully_shard); this is torch {torch.__version__}; "
                             "use parallel=ddp") from None

        # our outputs are slices (logits of some positions), never modified in place
        warnings.filterwarnings("ignore", message="FSDP2-wrapped module .* returned a view tensor")

        for block in model.layers:
            fully_shard(block)
        # the root keeps its (embedding, head, final norm) parameters gathered after forward: the
        # understanding loss reads lm_head rows outside forward (Objective.text)
        fully_shard(model, reshard_after_forward=False)
        return step_module
    from torch.nn.parallel import DistributedDataParallel as DDP

    # routed experts and absent-feature experts get no gradient in some steps
    return DDP(step_module, device_ids=[device.index] if device.type == "cuda" else None,
               find_unused_parameters=True)


def full_model_state(model: nn.Module, mode: str, d: Dist) -> dict:
    """The full (unsharded) model state dict on rank 0 (CPU); {} elsewhere under FSDP."""
    if d.on and mode == "fsdp":
        from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

        return get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}


def full_optimizer_state(model: nn.Module, optimizer, mode: str, d: Dist) -> dict:
    if d.on and mode == "fsdp":
        from torch.distributed.checkpoint.state_dict import StateDictOptions, get_optimizer_state_dict

        return get_optimizer_state_dict(model, optimizer,
                                        options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    return optimizer.state_dict()


def load_full_state(model: nn.Module, optimizer, model_state: dict, optim_state: dict | None, mode: str,
                    d: Dist) -> None:
    if d.on and mode == "fsdp":
        from torch.distributed.checkpoint.state_dict import (
            StateDictOptions,
            set_model_state_dict,
            set_optimizer_state_dict,
        )

        opts = StateDictOptions(full_state_dict=True)
        set_model_state_dict(model, model_state, options=opts)
        if optim_state is not None:
            set_optimizer_state_dict(model, optimizer, optim_state, options=opts)
        return
    model.load_state_dict(model_state)
    if optim_state is not None:
        optimizer.load_state_dict(optim_state)

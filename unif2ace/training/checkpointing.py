"""Run checkpoints: everything needed to continue a run exactly.

::

    RUN/checkpoints/step-000200/model.safetensors   model weights (+ config.json)
                               /ema.safetensors     EMA weights (when enabled)
                               /state.pt            optimizer, scheduler, step, data position
                               /rng-rank0.pt …      each process's torch RNG state
                               (both plain data + tensors, read with weights_only=True: never code)
    RUN/checkpoints/latest                          name of the newest complete checkpoint

A checkpoint is written into ``.tmp-step-…`` and renamed when complete (then ``latest`` is
rewritten atomically), and one is deleted by renaming it to ``.del-step-…`` first, so a killed run
leaves only complete checkpoints under listed names. The newest ``keep_last`` are kept.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import torch

from unif2ace.io import atomic_write, atomic_write_text, save_safetensors

STEP_DIR = re.compile(r"^step-(\d+)$")


def checkpoint_dir(run: Path) -> Path:
    return Path(run) / "checkpoints"


def list_checkpoints(run: Path) -> list[Path]:
    folder = checkpoint_dir(run)
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_dir() and STEP_DIR.match(p.name) and (p / "state.pt").is_file()]
    return sorted(found, key=lambda p: int(STEP_DIR.match(p.name).group(1)))


def latest_checkpoint(run: Path) -> Path | None:
    found = list_checkpoints(run)
    return found[-1] if found else None


def tmp_dir(run: Path, step: int) -> Path:
    return checkpoint_dir(run) / f".tmp-step-{step:06d}"


def write_rank_files(folder: Path, rank: int) -> None:
    """Per-process state (RNG); every process calls this before rank 0 commits."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = {"cpu": torch.get_rng_state()}
    if torch.cuda.is_available():
        rng["cuda"] = torch.cuda.get_rng_state()
    atomic_write(folder / f"rng-rank{rank}.pt", lambda tmp: torch.save(rng, tmp))


def write_main_files(folder: Path, model_state: dict, config, state: dict, ema_state: dict | None) -> None:
    """Rank 0: weights, optimizer/scheduler/step/position (first, before any rank's files)."""
    if folder.exists():  # left by a run killed while writing this step: its torn files must not be kept
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    save_safetensors({k: v.detach().cpu() for k, v in model_state.items()}, folder / "model.safetensors",
                     metadata={"format": "unif2ace"})
    config.save(folder)
    if ema_state is not None:
        save_safetensors({k: v.detach().cpu() for k, v in ema_state.items()}, folder / "ema.safetensors")
    atomic_write(folder / "state.pt", lambda tmp: torch.save(state, tmp))


def set_aside(folder: Path) -> Path:
    """Rename a checkpoint folder out of the listed ``step-…`` names (atomic) and return its new path, to be
    deleted after: a kill during ``rmtree`` of the folder itself left ``state.pt`` without ``rng-rank0.pt``,
    a checkpoint listed but unreadable."""
    trash = folder.with_name(f".del-{folder.name}")
    if trash.exists():
        shutil.rmtree(trash, ignore_errors=True)
    os.replace(folder, trash)
    return trash


def commit(run: Path, step: int, keep_last: int) -> Path:
    """Rename the finished temporary folder into place, point ``latest`` at it, prune old ones."""
    tmp = tmp_dir(run, step)
    final = checkpoint_dir(run) / f"step-{step:06d}"
    for f in tmp.iterdir():  # make the folder's contents durable before it becomes visible
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    if final.exists():  # the same step again: set aside, so the new one takes its name at once
        set_aside(final)
    os.replace(tmp, final)
    atomic_write_text(checkpoint_dir(run) / "latest", final.name + "\n")
    for old in list_checkpoints(run)[:-keep_last] if keep_last > 0 else []:
        set_aside(old)
    for stale in [*checkpoint_dir(run).glob(".tmp-step-*"), *checkpoint_dir(run).glob(".del-step-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    for stale in checkpoint_dir(run).glob(".*.tmp"):  # a killed atomic write's temporary (e.g. of 'latest')
        if stale.is_file():
            stale.unlink(missing_ok=True)
    return final


def safe_load(path: Path, map_location="cpu"):
    """``torch.load`` with ``weights_only=True``: tensors, dicts, lists, tuples, numbers and text only.

    A checkpoint is a pickle, and a crafted pickle runs code when loaded; the weights-only unpickler
    refuses anything else, so resuming from a folder someone else wrote cannot run their code.
    """
    import pickle

    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as exc:
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise UnsafeCheckpoint(f"{path} holds objects other than tensors, numbers and text, which could run code "
                               f"when loaded; refused (only tensors and plain data are read: {first[:200]})") from None
    except (RuntimeError, EOFError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise ValueError(f"cannot read {path} ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); "
                         "the checkpoint is damaged: resume from an earlier one") from None


class UnsafeCheckpoint(ValueError):
    """A checkpoint file that needs more than the weights-only unpickler (it could run code)."""


def load_state(folder: Path) -> dict:
    return safe_load(folder / "state.pt")


def restore_rng(folder: Path, rank: int) -> None:
    path = folder / f"rng-rank{rank}.pt"
    if not path.is_file():
        path = folder / "rng-rank0.pt"  # resumed on more processes than were saved
    rng = safe_load(path)
    torch.set_rng_state(rng["cpu"])
    if "cuda" in rng and torch.cuda.is_available():
        torch.cuda.set_rng_state(rng["cuda"])

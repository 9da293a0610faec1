"""Training survives being killed anywhere: SIGKILL at random moments and inside file writes (a temporary
file cut in half, then the kill), ``--resume`` after each, gives bitwise the weights and metrics of an
uninterrupted run, and no checkpoint on disk is ever unreadable. A crafted ``state.pt`` or
``rng-rank0.pt`` (a pickle that would run code) is refused, and the code does not run.

The tiny run and synthetic data come from tests/test_train.py.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from test_train import make_store, tiny_recipe

from unif2ace.training import checkpointing as ckpt
from unif2ace.training.config import from_dict

REPO = Path(__file__).resolve().parents[1]

# The child: a tiny run resumed from whatever is on disk, killed (SIGKILL: no cleanup, no finally) either
# inside its N-th atomic write, after writing half of the temporary file, or after T seconds of training.
CHILD = r"""
import json, os, signal, sys, threading
import torch
torch.set_num_threads(1)
import unif2ace.io as io
import unif2ace.training.checkpointing as ck
import unif2ace.training.samples as samples
doc, mode, value = json.loads(sys.argv[1]), sys.argv[2], float(sys.argv[3])
original, count = io.atomic_write, [0]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def hooked(path, write):
    count[0] += 1
    if mode == "write" and count[0] == int(value):
        def torn(tmp):
            write(tmp)
            with open(tmp, "r+b") as fh:
                fh.truncate(os.path.getsize(tmp) // 2)
            die()
        return original(path, torn)
    return original(path, write)

io.atomic_write = ck.atomic_write = samples.atomic_write = hooked
from unif2ace.training.config import from_dict
from unif2ace.training.trainer import train
if mode == "time":
    threading.Timer(value, die).start()
train(from_dict(doc), resume=True)
print("WRITES", count[0])
"""


def _child(doc: dict, mode: str, value: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", CHILD, json.dumps(doc), mode, str(value)], capture_output=True,
                          text=True, env=env, timeout=120)


def _check_checkpoints(run: Path) -> int:
    """Every checkpoint the trainer could resume from reads completely; returns how many there are."""
    found = ckpt.list_checkpoints(run)
    for folder in found:
        state = ckpt.load_state(folder)
        assert isinstance(state["step"], int) and state["optimizer"]
        ckpt.safe_load(folder / "rng-rank0.pt")
        for name in ("model.safetensors", "ema.safetensors"):
            assert load_file(str(folder / name))
        json.loads((folder / "config.json").read_text())
    return len(found)


def _rows(run: Path) -> list[dict]:
    rows = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    return [{k: v for k, v in r.items() if k not in ("time", "tokens_per_s")} for r in rows]


def test_sigkill_anywhere_then_resume_is_bitwise_the_uninterrupted_run(tmp_path, monkeypatch):
    import unif2ace.io as io
    import unif2ace.training.samples as samples
    from unif2ace.training.trainer import train

    make_store(tmp_path / "data")
    extra = {"data.dataset": str(tmp_path / "data"), "ema": 0.9, "steps": 6, "ckpt_every": 2, "eval_every": 3}
    # the uninterrupted run, counting its atomic writes: the kill points are drawn among them
    writes, original = [], io.atomic_write
    counting = lambda path, write: writes.append(path) or original(path, write)  # noqa: E731
    for module in (io, ckpt, samples):
        monkeypatch.setattr(module, "atomic_write", counting)
    whole = train(from_dict(tiny_recipe(tmp_path / "a", **extra)))
    monkeypatch.undo()
    assert any(p.name == "state.pt" for p in writes) and any(p.name == "latest" for p in writes)
    doc = tiny_recipe(tmp_path / "b", **extra)
    run = Path(doc["out"])
    rng = random.Random(21)
    # inside the first state.pt write, then random writes early enough that the resumed run still makes
    # them (a resumed run makes fewer), and a kill at a random moment
    first_state = 1 + next(i for i, p in enumerate(writes) if p.name == "state.pt")
    kills = [("write", first_state)] + [("write", rng.randint(1, len(writes) // 2)) for _ in range(3)]
    kills.insert(2, ("time", round(rng.uniform(0.5, 3.0), 2)))
    log = []
    for mode, value in kills:
        out = _child(doc, mode, value)
        log.append((mode, value, out.returncode))
        assert out.returncode in (0, -signal.SIGKILL), out.stderr[-2000:]
        assert "Traceback" not in out.stderr, out.stderr[-2000:]
        _check_checkpoints(run)
    print(f"kills (mode, point, exit code): {log}")  # noqa: T201 - what the report quotes
    final = _child(doc, "none", 0)
    assert final.returncode == 0, final.stderr[-2000:]
    assert sum(code == -signal.SIGKILL for *_, code in log) >= 4, log  # the kills did happen
    assert _check_checkpoints(run) >= 1
    a = load_file(str(whole / "model" / "model.safetensors"))
    b = load_file(str(run / "model" / "model.safetensors"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a), log
    assert _rows(whole) == _rows(run), log
    assert not list(run.rglob("*.tmp")) and not list((run / "checkpoints").glob(".tmp-step-*")), log


class _RunsCode:
    """Unpickling this calls os.system: what a crafted checkpoint would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("name", ["state.pt", "rng-rank0.pt"])
def test_a_crafted_checkpoint_is_refused_and_runs_nothing(tmp_path, name):
    from unif2ace.training.trainer import train

    make_store(tmp_path / "data")
    cfg = from_dict(tiny_recipe(tmp_path, **{"data.dataset": str(tmp_path / "data")}))
    train(cfg, stop_at=2)
    folder = ckpt.latest_checkpoint(Path(cfg.out))
    marker = tmp_path / "pwned"
    with open(folder / name, "wb") as fh:
        pickle.dump({"step": 2, "payload": _RunsCode(marker)}, fh)
    with pytest.raises(ckpt.UnsafeCheckpoint, match=f"{name} holds objects other than tensors") as err:
        train(cfg, resume=True)
    assert "\n" not in str(err.value)
    assert not marker.exists()


def test_a_damaged_state_file_is_a_one_line_error(tmp_path):
    (tmp_path / "state.pt").write_bytes(b"PK\x03\x04 not really a checkpoint")
    with pytest.raises(ValueError, match="the checkpoint is damaged") as err:
        ckpt.load_state(tmp_path)
    assert "\n" not in str(err.value)


def test_a_torn_last_metrics_line_does_not_block_resume(tmp_path, capsys):
    from unif2ace.training.trainer import train

    make_store(tmp_path / "data")
    cfg = from_dict(tiny_recipe(tmp_path, **{"data.dataset": str(tmp_path / "data")}))
    train(cfg, stop_at=2)
    metrics = Path(cfg.out) / "metrics.jsonl"
    with open(metrics, "a") as fh:
        fh.write('{"step": 3, "loss": 1.2')  # the kill came mid-line
    train(cfg, resume=True)
    assert "dropped line" in capsys.readouterr().err
    rows = [json.loads(x) for x in metrics.read_text().splitlines()]  # every line is whole again
    assert rows[-1]["step"] == 4


def test_written_files_and_exported_folders_follow_the_umask(tmp_path):
    from unif2ace.pipeline import UniF2ace, write_random_model

    mask = os.umask(0o022)
    try:
        folder = write_random_model(tmp_path / "m")
        exported = UniF2ace.from_pretrained(folder).save_pretrained(tmp_path / "exported")
    finally:
        os.umask(mask)
    for root in (folder, exported):
        assert oct(root.stat().st_mode & 0o777) == oct(0o755)
        for path in root.rglob("*"):
            want = 0o755 if path.is_dir() else 0o644
            assert oct(path.stat().st_mode & 0o777) == oct(want), path


@pytest.mark.parametrize("stage", ["prune", "replace"])
def test_a_kill_while_deleting_a_checkpoint_leaves_none_half_deleted(tmp_path, monkeypatch, stage):
    """The random-time kill of the test above once landed inside ``shutil.rmtree`` of a checkpoint being pruned:
    ``step-000002`` kept ``state.pt`` but lost ``rng-rank0.pt``, a checkpoint listed yet unreadable. A deletion
    now renames the folder out of the listed names first and deletes it last; here ``rmtree`` dies after its first
    file (a kill), after pruning an old checkpoint or replacing one of the same step, and every listed checkpoint
    still reads, the new one in place."""
    run = tmp_path / "run"

    def write(step: int) -> None:
        folder = ckpt.tmp_dir(run, step)
        folder.mkdir(parents=True)
        torch.save({"step": step, "optimizer": {"lr": 1.0}}, folder / "state.pt")
        ckpt.write_rank_files(folder, 0)

    write(2)
    ckpt.commit(run, 2, keep_last=1)
    real_rmtree = ckpt.shutil.rmtree

    def killed_after_one_file(path, ignore_errors=False):
        rng = Path(path) / "rng-rank0.pt"  # the torn case seen: the RNG file gone, state.pt still there
        (rng if rng.is_file() else next(p for p in Path(path).iterdir() if p.is_file())).unlink()
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(ckpt.shutil, "rmtree", killed_after_one_file)
    write(4 if stage == "prune" else 2)
    with pytest.raises(KeyboardInterrupt):
        ckpt.commit(run, 4 if stage == "prune" else 2, keep_last=1)
    monkeypatch.setattr(ckpt.shutil, "rmtree", real_rmtree)
    listed = ckpt.list_checkpoints(run)
    for folder in listed:
        assert ckpt.load_state(folder)["optimizer"] and ckpt.safe_load(folder / "rng-rank0.pt")["cpu"] is not None
    assert [p.name for p in listed] == ["step-000004" if stage == "prune" else "step-000002"]
    write(6)  # the next commit clears what the killed deletion left
    ckpt.commit(run, 6, keep_last=1)
    assert [p.name for p in ckpt.list_checkpoints(run)] == ["step-000006"]
    assert not list(ckpt.checkpoint_dir(run).glob(".del-*")) and not list(ckpt.checkpoint_dir(run).glob(".tmp-*"))

"""Crash-safe file writes: write to a temporary file in the same folder, fsync, then rename.

A killed process leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp_path)`` and atomically move the result to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        # mkstemp makes 0600 files, and some writers (safetensors) recreate the file 0600: give the
        # permissions a plain open() would (0644 under the usual umask), after the writer is done
        os.chmod(tmp, 0o666 & ~_umask())
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def make_dir_like_mkdir(path: str | Path) -> Path:
    """Give a ``tempfile.mkdtemp`` folder (0700) the permissions ``mkdir`` would (0755 under the usual umask)."""
    os.chmod(path, 0o777 & ~_umask())
    return Path(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text))


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def save_safetensors(tensors: dict, path: str | Path, metadata: dict[str, str] | None = None) -> Path:
    """Atomically save a state dict as safetensors (tensors made contiguous, shared storage split)."""
    from safetensors.torch import save_file

    clean = {k: v.detach().contiguous().clone() if _shares_storage(v, tensors) else v.detach().contiguous()
             for k, v in tensors.items()}
    return atomic_write(path, lambda tmp: save_file(clean, tmp, metadata=metadata))


def _shares_storage(t, tensors: dict) -> bool:
    ptr = t.untyped_storage().data_ptr()
    return sum(1 for v in tensors.values() if v.untyped_storage().data_ptr() == ptr) > 1

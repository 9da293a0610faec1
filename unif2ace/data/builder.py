"""Build a labelled face dataset: read a source, label each photo, write captions and QA, split.

Resumable: records already in ``OUT/records.jsonl`` are skipped, so an interrupted build picks up
where it stopped (``unif2ace data build`` again with the same arguments).
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import numpy as np

from unif2ace.data.labelling import TEXT_THRESHOLD, FaceLabeller, LabellerOptions
from unif2ace.data.records import FaceRecord
from unif2ace.data.store import FaceStore

SOURCES = ("utkface", "celeba", "folder", "conversations")


def read_source(source: str, root: str | Path, on_problem: Callable[[str, str], None]) -> Iterator[FaceRecord]:
    from unif2ace.data import readers

    if source == "utkface":
        return readers.read_utkface(root, on_problem=on_problem)
    if source == "celeba":
        return readers.read_celeba(root, on_problem=on_problem)
    if source == "folder":
        return readers.read_image_folder(root, on_problem=on_problem)
    if source == "conversations":
        root = Path(root)
        files = sorted(p for p in root.iterdir() if p.suffix in (".json", ".jsonl", ".parquet")) if root.is_dir() else [root]
        return (r for f in files for r in readers.read_conversations(f, on_problem=on_problem))
    raise ValueError(f"unknown source {source!r}; choose one of {', '.join(SOURCES)}")


def check_source(source: str, root: str | Path) -> int | None:
    """Fail before anything is written when ``root`` cannot be ``source``; returns how many records it
    will give when that is cheap to know (files to list), else None."""
    from unif2ace.data import readers

    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; choose one of {', '.join(SOURCES)}")
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"{root} does not exist: give the folder (or file) of the {source} data")
    if source in ("utkface", "folder"):
        photos = readers.folder_images(root)
        if source == "folder" and (root / "metadata.jsonl").is_file():
            with open(root / "metadata.jsonl", encoding="utf-8") as f:
                return sum(1 for line in f if line.strip())
        if not photos:
            raise FileNotFoundError(f"{root} has no images ({', '.join(readers.IMAGE_EXTS)})"
                                    + (" and no metadata.jsonl" if source == "folder" else ""))
        return len(photos)
    return None


def image_base(source: str, root: str | Path) -> Path:
    """Folder that relative image paths of ``source`` are resolved against."""
    root = Path(root)
    return root.parent if source == "conversations" and root.is_file() else root


def load_rgb(rec: FaceRecord, base: Path) -> np.ndarray:
    from PIL import Image

    if isinstance(rec.image, (bytes, bytearray)):
        img = Image.open(io.BytesIO(rec.image))
    elif isinstance(rec.image, str):
        img = Image.open(base / rec.image)
    else:
        raise ValueError("record has no image")
    return np.asarray(img.convert("RGB"))


# modules the labellers import (the data extra); the labellers' model files come with these packages
DATA_EXTRA_MODULES = ("dlib", "face_recognition_models", "h5py")


def require_data_extra() -> None:
    """Fail fast, with what to install, when the data extra is missing."""
    import importlib.util

    missing = [m for m in DATA_EXTRA_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise ImportError(f"data build needs the data extra ({', '.join(missing)} not installed): "
                          "pip install 'unif2ace[data]'")


def _relative_to(path, folder) -> str | None:
    """``path`` as seen from ``folder``, relative; None where there is no such path (another drive on Windows)."""
    try:
        return os.path.relpath(os.path.abspath(path), os.path.abspath(folder))
    except ValueError:
        return None


def build(
    source: str,
    root: str | Path,
    out: str | Path,
    *,
    limit: int | None = None,
    options: LabellerOptions | None = None,
    label: bool = True,
    rewriter=None,
    chunk: int = 64,
    progress: bool = True,
    threads: int | None = 1,
    fractions: tuple[float, float, float] = (0.9, 0.05, 0.05),
    seed: int = 0,
) -> dict:
    """Label ``source`` photos under ``root`` into the dataset folder ``out``; returns a summary."""
    from unif2ace.data.captions import write_caption
    from unif2ace.data.qa import write_all_qa

    options = options or LabellerOptions()
    count = check_source(source, root)  # before the store exists: a wrong root must not leave an empty dataset
    if label:
        require_data_extra()  # before any photo: without the labellers every photo would be 'a problem'
    if threads:
        import torch

        torch.set_num_threads(threads)  # small models: one thread each is fastest on shared CPUs
    store = FaceStore.create(
        out,
        {
            "source": source,
            "root": str(root),  # as given (keep it relative): never an absolute machine path by default
            # and from the dataset folder, so the photos are found from any working directory
            "root_from_folder": _relative_to(root, out),
            "labeller": asdict(options) if label else None,
            "text_threshold": TEXT_THRESHOLD,
            "splits": {"fractions": list(fractions), "seed": seed},
        },
    )
    store.repair()
    done = store.ids()
    labeller = FaceLabeller(options)
    base = image_base(source, root)
    problems = 0

    def on_problem(item: str, reason: str) -> None:
        nonlocal problems
        problems += 1
        store.log_problem(item, reason)

    records = read_source(source, root, on_problem)
    bar = None
    if progress:
        from unif2ace.progress import bar as progress_bar

        total = min(x for x in (limit, count) if x is not None) if (limit, count) != (None, None) else None
        bar = progress_bar(total, f"labelling {source}", unit="img")
    t0, new, seen, buf = time.time(), 0, 0, []
    for rec in records:
        if limit is not None and seen >= limit:
            break
        seen += 1
        if bar is not None:
            bar.update()
        if rec.id in done:
            continue
        try:
            if label:
                rgb = load_rgb(rec, base)
                rec.attributes = labeller.label(rgb, given=rec.attributes)
        except ImportError as exc:  # a missing package fails every photo alike: stop, do not log each one
            raise ImportError(f"{exc}; install the data extra: pip install 'unif2ace[data]'") from exc
        except Exception as exc:  # noqa: BLE001 — a bad image must not stop a 100k-image run
            on_problem(rec.image if isinstance(rec.image, str) else rec.id, f"{type(exc).__name__}: {exc}")
            continue
        stated = rec.confident(TEXT_THRESHOLD)
        stated.pop("face_detected", None)
        if not rec.caption:
            rec.caption = write_caption(stated, rec.id)
            if rewriter is not None:
                rec.caption = rewriter.rewrite_caption(rec.caption, stated) or rec.caption
        if not rec.qa:
            rec.qa = write_all_qa(stated, rec.caption, rec.id)
            if rewriter is not None:
                rec.qa += rewriter.extra_qa(rec.caption, stated)
        rec.meta["stated"] = sorted(stated)
        buf.append(rec)
        done.add(rec.id)
        if len(buf) >= chunk:
            new += store.append(buf)
            buf = []
    new += store.append(buf)
    if bar is not None:
        bar.close()
    splits = store.write_splits(fractions, seed)
    for name, fraction in zip(("train", "val", "test"), fractions):
        if fraction > 0 and done and not splits[name]:  # a few photos hashed at 5%: training needs val records
            print(f"warning: the '{name}' split is empty ({len(done)} records at {fraction:g}); training evaluates "
                  f"on val and eval reads val or test: rebuild with a larger share, e.g. --split 0.8,0.1,0.1 "
                  "(the same command; nothing is labelled again)", file=sys.stderr)
    elapsed = time.time() - t0
    summary = {
        "records": len(done),
        "new": new,
        "problems": len(store.problems()),
        "seconds_this_run": round(elapsed, 1),
        "split_sizes": {k: len(splits[k]) for k in ("train", "val", "test")},
    }
    runs = store.manifest.get("build_runs", [])
    store.update_manifest(build_runs=runs + [{"new": new, "seconds": summary["seconds_this_run"]}], records=len(done))
    return summary


def summary_json(summary: dict) -> str:
    return json.dumps(summary, indent=2)

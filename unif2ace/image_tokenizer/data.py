"""Training images for the tokenizer: list, split deterministically, decode once into a uint8 cache.

Sources: a folder of images (searched recursively), a text file with one image path per line,
a ``.jsonl`` file whose records carry an ``image`` path, a ready ``.npy`` uint8 array
[N, H, W, 3], or a dataset folder built by ``unif2ace data build`` (its **train** split only, so the
val and test photos stay unseen; prepared exactly as ``unif2ace encode-codes`` prepares them). Unreadable files are skipped with a warning (never a crash); grey, CMYK or RGBA
images are converted to RGB. Images are centre-cropped to a square and resized (Lanczos).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif", ".tif", ".tiff"}


def list_images(source: str | Path) -> list[Path]:
    source = Path(source)
    if source.is_dir():
        files = sorted(p for p in source.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    elif source.suffix == ".jsonl":
        files = [source.parent / json.loads(line)["image"] for line in source.read_text().splitlines() if line.strip()]
    elif source.suffix == ".txt":
        files = [source.parent / line.strip() for line in source.read_text().splitlines() if line.strip()]
    elif not source.exists():
        raise FileNotFoundError(f"no images at {source}; pass a folder of images, a .txt/.jsonl list or a .npy array")
    else:
        raise ValueError(f"cannot read images from {source}; pass a folder, a .txt/.jsonl list or a .npy array")
    if not files:
        raise ValueError(f"no image files ({', '.join(sorted(IMAGE_SUFFIXES))}) found in {source}")
    return files


def split_holdout(names: list[str], fraction: float = 0.1) -> tuple[list[int], list[int]]:
    """Deterministic split by the SHA-1 of each file name: the lowest ``fraction`` of hashes is held out.

    Independent of listing order and of the machine; adding files moves no other file across the split
    unless it changes the cut-off. Returns (train indices, held-out indices), both sorted.
    """
    order = sorted(range(len(names)), key=lambda i: hashlib.sha1(Path(names[i]).name.encode()).hexdigest())
    n_hold = round(len(names) * fraction)
    return sorted(order[n_hold:]), sorted(order[:n_hold])


def load_image(path: str | Path, size: int) -> np.ndarray:
    """One image → uint8 [size, size, 3] (RGB, centre-cropped square, Lanczos-resized)."""
    try:
        with Image.open(path) as im:
            im.load()
            rgb = im.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValueError(f"cannot read image {path}: {exc}") from exc
    return centre_square(rgb, size)


def centre_square(rgb: Image.Image, size: int) -> np.ndarray:
    """An RGB picture as the tokenizer sees it: its centred square, Lanczos-resized to ``size`` → uint8
    [size, size, 3]. The one crop of tokenizer training, ``encode-codes`` and the dataset split."""
    w, h = rgb.size
    s = min(w, h)
    rgb = rgb.crop(((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s))
    if s != size:
        rgb = rgb.resize((size, size), Image.Resampling.LANCZOS)
    return np.asarray(rgb, dtype=np.uint8)


def load_images(files: list[Path], size: int, progress: bool = True) -> tuple[np.ndarray, list[Path]]:
    """Decode files into uint8 [N, size, size, 3]; unreadable ones are skipped (warned on stderr)."""
    return _decode(files, lambda f: load_image(f, size), "the images", progress)


def _decode(items: list, load, what: str, progress: bool) -> tuple[np.ndarray, list]:
    """``load`` applied to each item → (stacked uint8 arrays, the items that loaded); an item that
    raises OSError/ValueError/SyntaxError is skipped and the skips are warned about once on stderr."""
    from unif2ace.progress import bar

    arrays, kept, bad = [], [], []
    for item in bar(len(items), "decoding images", unit="img", disable=None if progress else True, iterable=items):
        try:
            arrays.append(load(item))
            kept.append(item)
        except (OSError, ValueError, SyntaxError) as exc:
            bad.append(str(exc))
    if bad:
        print(f"warning: skipped {len(bad)} unreadable image(s), e.g. {bad[0]}", file=sys.stderr)
    if not arrays:
        raise ValueError(f"none of {what} could be read")
    return np.stack(arrays), kept


def load_split(source: str | Path, size: int, holdout: float, cache_dir: str | Path | None,
               progress: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(train, held-out) uint8 arrays [N, size, size, 3], cached as .npy under ``cache_dir``."""
    source = Path(source)
    if source.suffix == ".npy":  # a ready array: split by index hash
        arr = np.load(source, mmap_mode="r")
        if arr.dtype != np.uint8 or arr.ndim != 4 or arr.shape[-1] != 3:
            raise ValueError(f"{source} must hold uint8 images [N, H, W, 3]; got {arr.dtype} {arr.shape}")
        tr, ho = split_holdout([f"{i:09d}" for i in range(len(arr))], holdout)
        return np.ascontiguousarray(arr[tr]), np.ascontiguousarray(arr[ho])
    if (source / "manifest.json").is_file() and (source / "records.jsonl").is_file():
        return _load_dataset_split(source, size, holdout, cache_dir, progress)
    files = list_images(source)
    names = [str(f) for f in files]
    # the resolved paths key the cache: the same cache for relative and absolute paths
    cache = _cache_file(cache_dir, source.name, [str(f.resolve()) for f in files], size, holdout)
    if cache and cache.is_file():
        return _read_cache(cache)
    tr, ho = split_holdout(names, holdout)
    train, _ = load_images([files[i] for i in tr], size, progress)
    held, _ = load_images([files[i] for i in ho], size, progress)
    _write_cache(cache, train, held)
    return train, held


def _cache_file(cache_dir: str | Path | None, name: str, keys: list[str], size: int, holdout: float) -> Path | None:
    """Where the decoded images of ``keys`` (paths or record ids) at ``size`` px are cached; None: no cache."""
    if not cache_dir:
        return None
    key = hashlib.sha1(("\n".join(keys) + f"|{size}|{holdout}").encode()).hexdigest()[:12]
    return Path(cache_dir) / f"images-{name}-{size}px-{key}.npz"


def _read_cache(cache: Path) -> tuple[np.ndarray, np.ndarray]:
    with np.load(cache) as data:
        return data["train"], data["holdout"]


def _write_cache(cache: Path | None, train: np.ndarray, held: np.ndarray) -> None:
    if cache:
        from unif2ace.io import atomic_write

        def write(tmp: str) -> None:
            with open(tmp, "wb") as fh:
                np.savez(fh, train=train, holdout=held)

        atomic_write(cache, write)


def _load_dataset_split(folder: Path, size: int, holdout: float, cache_dir: str | Path | None,
                        progress: bool) -> tuple[np.ndarray, np.ndarray]:
    """(train, held-out) images of a built dataset's train split, held out by the SHA-1 of record ids."""
    from unif2ace.data.store import FaceStore
    from unif2ace.training.codes import _load

    store = FaceStore.open(folder)
    try:
        records = list(store.records("train"))
    except (FileNotFoundError, KeyError, ValueError) as exc:
        raise ValueError(f"{folder} has no train split ({exc}); build it with `unif2ace data build`") from exc
    if not records:
        raise ValueError(f"{folder}'s train split is empty; build the dataset with `unif2ace data build`")
    ids = [r.id for r in records]
    cache = _cache_file(cache_dir, f"{folder.name}-train", ids, size, holdout)
    if cache and cache.is_file():
        return _read_cache(cache)
    base = store.image_root()
    images, loaded = _decode(records, lambda r: _load(r, base, size), f"{folder}'s train images", progress)
    tr, ho = split_holdout([r.id for r in loaded], holdout)
    train, held = images[tr], images[ho]  # an empty part keeps its (0, size, size, 3) shape
    _write_cache(cache, train, held)
    return train, held

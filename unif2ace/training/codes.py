"""Precompute image-tokenizer codes for a dataset, so training never runs the image tokenizer.

    unif2ace encode-codes runs/data/utkface --tokenizer runs/tokenizer-face-f8/final [--name face-f8] [--flip]

Codes land in ``DATASET/shards/codes/NAME-*.safetensors`` (int64, (N_images, tokens)), with the
tokenizer's codebook size, token count and resolution in the shard metadata. Ids already stored
are skipped, so a killed run resumes where it stopped. ``--flip`` also stores the codes of the
horizontally mirrored photos as ``NAME-flip`` (a free augmentation for t2i rows).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch


def _load(record, base: Path, size: int) -> np.ndarray:
    """The image as the tokenizer was trained on it: centre-cropped square, Lanczos-resized, RGB."""
    import io

    from PIL import Image

    if isinstance(record.image, (bytes, bytearray)):
        im = Image.open(io.BytesIO(record.image))
    elif isinstance(record.image, str):
        im = Image.open(base / record.image)
    else:
        raise ValueError(f"record {record.id} has no image")
    with im:
        rgb = im.convert("RGB")
    w, h = rgb.size
    s = min(w, h)
    rgb = rgb.crop(((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s))
    if s != size:
        rgb = rgb.resize((size, size), Image.Resampling.LANCZOS)
    return np.asarray(rgb, dtype=np.uint8)


def codes_meta(store, name: str) -> dict:
    """Metadata of a stored codes shard: codebook_size, num_tokens, resolution, tokenizer."""
    from safetensors import safe_open

    index_path = store.folder / "shards" / "codes" / f"{name}.index.json"
    if not index_path.is_file():
        raise FileNotFoundError(f"no codes '{name}' in {store.folder}; run `unif2ace encode-codes {store.folder} "
                                "--tokenizer TOKENIZER_FOLDER` first")
    shard = json.loads(index_path.read_text())["shards"][0]
    with safe_open(str(index_path.parent / shard), "pt") as fh:
        meta = fh.metadata() or {}
    return {k: (int(v) if k in ("codebook_size", "num_tokens", "resolution") else v) for k, v in meta.items()
            if k != "ids"}


def precompute_codes(store, tokenizer, name: str, batch_size: int = 32, shard_size: int = 2048,
                     flip: bool = False, limit: int | None = None, progress: bool = True) -> int:
    """Encode every record not yet in ``codes/NAME`` (and ``NAME-flip`` with ``flip``); returns how many."""
    cfg = tokenizer.config
    size = cfg.resolution
    meta = {"codebook_size": str(cfg.codebook_size), "num_tokens": str(cfg.tokens_per_image),
            "resolution": str(size), "tokenizer": cfg.name}
    names = [name] + ([f"{name}-flip"] if flip else [])
    done = set.intersection(*[store.shard_ids("codes", n) for n in names])
    base = store.image_root()
    todo = [r for r in store if r.id not in done][:limit]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc=f"encoding codes '{name}'", unit="img")
    ids: list[str] = []
    rows: dict[str, list[torch.Tensor]] = {n: [] for n in names}
    written = 0
    for start in range(0, len(todo), batch_size):
        batch = todo[start:start + batch_size]
        images = torch.from_numpy(np.stack([_load(r, base, size) for r in batch])).permute(0, 3, 1, 2).float() / 255
        rows[name].append(tokenizer.encode(images).cpu().long())
        if flip:
            rows[f"{name}-flip"].append(tokenizer.encode(images.flip(-1)).cpu().long())
        ids += [r.id for r in batch]
        if bar is not None:
            bar.update(len(batch))
        if len(ids) >= shard_size or start + batch_size >= len(todo):
            for n in names:  # an id counts as done once it is in every shard (a torn pair is redone)
                store.write_shard("codes", n, ids, torch.cat(rows[n]), meta=meta)
                rows[n] = []
            written += len(ids)
            ids = []
    if bar is not None:
        bar.close()
    return written

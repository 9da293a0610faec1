"""Precompute image-tokenizer codes for a dataset, so training never runs the image tokenizer.

    unif2ace encode-codes runs/data/utkface --tokenizer runs/tokenizer-face-f8/final [--name face-f8] [--flip] [--grey]

Codes land in ``DATASET/shards/codes/NAME-*.safetensors`` (int64, (N_images, tokens)), with the
tokenizer's codebook size, token count and resolution in the shard metadata. Ids already stored
are skipped, so a killed run resumes where it stopped. ``--flip`` also stores the codes of the
horizontally mirrored photos as ``NAME-flip`` (a free augmentation for t2i rows); ``--grey`` those of
the photos turned greyscale as ``NAME-grey`` (t2i rows pair them with a black-and-white prompt: about 1%
of UTKFace is black and white, too few for "black and white" to be learnt). Each variant is encoded
only for the ids it lacks, so a variant can be added to a dataset whose plain codes exist.
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

    from unif2ace.image_tokenizer.data import centre_square

    if isinstance(record.image, (bytes, bytearray)):
        im = Image.open(io.BytesIO(record.image))
    elif isinstance(record.image, str):
        im = Image.open(base / record.image)
    else:
        raise ValueError(f"record {record.id} has no image")
    with im:
        rgb = im.convert("RGB")
    return centre_square(rgb, size)


def greyscale(images: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) RGB in [0, 1] -> the same images in greyscale (ITU-R BT.601 luma in all three channels)."""
    weights = images.new_tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)
    return (images * weights).sum(1, keepdim=True).expand_as(images).contiguous()


VARIANTS = {"": lambda x: x, "-flip": lambda x: x.flip(-1), "-grey": greyscale}


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
                     flip: bool = False, grey: bool = False, limit: int | None = None, progress: bool = True) -> int:
    """Encode every record not yet in ``codes/NAME`` (and ``NAME-flip`` with ``flip``, ``NAME-grey`` with
    ``grey``); returns how many records were encoded into at least one of them."""
    cfg = tokenizer.config
    size = cfg.resolution
    meta = {"codebook_size": str(cfg.codebook_size), "num_tokens": str(cfg.tokens_per_image),
            "resolution": str(size), "tokenizer": cfg.name}
    suffixes = [""] + (["-flip"] if flip else []) + (["-grey"] if grey else [])
    done = {s: store.shard_ids("codes", name + s) for s in suffixes}
    base = store.image_root()
    todo = [r for r in store if any(r.id not in d for d in done.values())][:limit]
    bar = None
    if progress:
        from unif2ace.progress import bar as progress_bar

        bar = progress_bar(len(todo), f"encoding codes '{name}'" + "".join(f" +'{s[1:]}'" for s in suffixes[1:]),
                           unit="img")
    ids: dict[str, list[str]] = {s: [] for s in suffixes}
    rows: dict[str, list[torch.Tensor]] = {s: [] for s in suffixes}
    for start in range(0, len(todo), batch_size):
        batch = todo[start:start + batch_size]
        images = torch.from_numpy(np.stack([_load(r, base, size) for r in batch])).permute(0, 3, 1, 2).float() / 255
        for s in suffixes:
            need = [j for j, r in enumerate(batch) if r.id not in done[s]]
            if need:
                rows[s].append(tokenizer.encode(VARIANTS[s](images[need])).cpu().long())
                ids[s] += [batch[j].id for j in need]
        if bar is not None:
            bar.update(len(batch))
        last = start + batch_size >= len(todo)
        for s in suffixes:
            if ids[s] and (len(ids[s]) >= shard_size or last):
                store.write_shard("codes", name + s, ids[s], torch.cat(rows[s]), meta=meta)
                ids[s], rows[s] = [], []
    if bar is not None:
        bar.close()
    return len(todo)

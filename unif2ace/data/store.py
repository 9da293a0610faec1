"""The dataset folder: records, a stored split, a manifest, problems and shards of features.

::

    DIR/manifest.json      format, version, source, root (as given to the builder), labellers, options
    DIR/records.jsonl      one FaceRecord per line, appended in flushed chunks (resumable)
    DIR/splits.json        {"train": [...ids], "val": [...], "test": [...]} + how it was made
    DIR/problems.jsonl     files the builder skipped, with the reason
    DIR/shards/KIND/NAME-00000.safetensors + KIND/NAME.index.json
                           precomputed image codes / encoder features, keyed by record id

Image paths in records are relative to ``root``; the manifest stores ``root`` as the user gave it
(relative paths are resolved against the current directory, then against the dataset folder).
A crash can leave at most one torn last line in ``records.jsonl``; :meth:`FaceStore.open` drops it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from unif2ace.data.records import FaceRecord
from unif2ace.io import atomic_write_text

FORMAT = "unif2ace-faces"
VERSION = 1
SPLITS = ("train", "val", "test")


def split_of(key: str, fractions: tuple[float, float, float] = (0.9, 0.05, 0.05), seed: int = 0) -> str:
    """Deterministic split from a hash of ``key`` (record id, or identity when known).

    Stable under resumption and when records are added: a record's split never changes.
    """
    h = int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest()[:8], "big") / 2**64
    return "train" if h < fractions[0] else "val" if h < fractions[0] + fractions[1] else "test"


class FaceStore:
    """Read and append records of one dataset folder."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    # ------------------------------------------------------------------ paths
    @property
    def records_path(self) -> Path:
        return self.folder / "records.jsonl"

    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.json"

    @property
    def splits_path(self) -> Path:
        return self.folder / "splits.json"

    @property
    def problems_path(self) -> Path:
        return self.folder / "problems.jsonl"

    # ------------------------------------------------------------------ manifest
    @classmethod
    def create(cls, folder: str | Path, manifest: dict[str, Any]) -> FaceStore:
        store = cls(folder)
        store.folder.mkdir(parents=True, exist_ok=True)
        if store.manifest_path.is_file():
            old = store.manifest
            if old.get("source") != manifest.get("source"):
                raise ValueError(
                    f"{store.folder} already holds a '{old.get('source')}' dataset; use another --out folder"
                )
        store.write_manifest({"format": FORMAT, "version": VERSION, **manifest})
        return store

    @classmethod
    def open(cls, folder: str | Path) -> FaceStore:
        store = cls(folder)
        if not store.manifest_path.is_file():
            raise FileNotFoundError(f"{store.folder} is not a dataset folder (no manifest.json); build one with "
                                    f"`unif2ace data build --source folder --root PHOTOS --out {store.folder}` "
                                    "(docs/data.md)")
        if store.manifest.get("format") != FORMAT:
            raise ValueError(f"{store.manifest_path} is not a {FORMAT} manifest")
        store.repair()
        return store

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads(self.manifest_path.read_text())

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        atomic_write_text(self.manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")

    def update_manifest(self, **fields: Any) -> None:
        self.write_manifest({**self.manifest, **fields})

    def image_root(self) -> Path:
        """Where relative image paths point: the manifest's root as seen from the dataset folder (a dataset
        built with ``--root ../shared/data/utkface`` is read from any working directory), else from cwd or
        from the folder (datasets built before ``root_from_folder`` was written)."""
        root = Path(self.manifest.get("root", "."))
        if root.is_absolute():
            return root
        if (rel := self.manifest.get("root_from_folder")) is not None and (self.folder / rel).exists():
            return self.folder / rel
        if root.exists():
            return root
        return (self.folder / root) if (self.folder / root).exists() else root

    # ------------------------------------------------------------------ records
    def repair(self) -> None:
        """Drop a torn last line left by a killed writer."""
        path = self.records_path
        if not path.is_file() or path.stat().st_size == 0:
            return
        with open(path, "rb+") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 1))
            if fh.read(1) == b"\n":
                return
            data = path.read_bytes()
            keep = data.rfind(b"\n") + 1
            fh.truncate(keep)

    def append(self, records: Iterable[FaceRecord]) -> int:
        """Append records and fsync, so a crash loses at most the chunk being written."""
        lines = [json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records]
        if not lines:
            return 0
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.records_path, "a", encoding="utf-8") as fh:
            fh.writelines(lines)
            fh.flush()
            os.fsync(fh.fileno())
        return len(lines)

    def __iter__(self) -> Iterator[FaceRecord]:
        if not self.records_path.is_file():
            return
        with open(self.records_path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield FaceRecord.from_dict(json.loads(line))

    def ids(self) -> set[str]:
        if not self.records_path.is_file():
            return set()
        out = set()
        with open(self.records_path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    out.add(json.loads(line)["id"])
        return out

    def __len__(self) -> int:
        return len(self.ids())

    def log_problem(self, item: str, reason: str) -> None:
        with open(self.problems_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"item": item, "reason": reason}) + "\n")

    def problems(self) -> list[dict[str, str]]:
        if not self.problems_path.is_file():
            return []
        seen: dict[str, dict[str, str]] = {}
        for line in self.problems_path.read_text().splitlines():
            if line.strip():
                p = json.loads(line)
                seen[p["item"]] = p  # a resumed run reports the same file again
        return list(seen.values())

    # ------------------------------------------------------------------ splits
    def write_splits(self, fractions: tuple[float, float, float] = (0.9, 0.05, 0.05), seed: int = 0) -> dict:
        splits: dict[str, list[str]] = {s: [] for s in SPLITS}
        for rec in self:
            splits[split_of(rec.identity or rec.id, fractions, seed)].append(rec.id)
        for ids in splits.values():
            ids.sort()
        by = "identity when known, else record id"
        doc = {"fractions": list(fractions), "seed": seed, "hashed": by, **splits}
        atomic_write_text(self.splits_path, json.dumps(doc, indent=1) + "\n")
        return doc

    def split_ids(self, split: str) -> list[str]:
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}; choose from {SPLITS}")
        if not self.splits_path.is_file():
            raise FileNotFoundError(f"{self.splits_path} missing; run `unif2ace data build` to finish the dataset")
        return json.loads(self.splits_path.read_text())[split]

    def records(self, split: str | None = None) -> Iterator[FaceRecord]:
        if split is None:
            yield from self
            return
        wanted = set(self.split_ids(split))
        yield from (r for r in self if r.id in wanted)

    # ------------------------------------------------------------------ shards of codes / features
    def write_shard(self, kind: str, name: str, ids: list[str], tensor, meta: dict[str, str] | None = None) -> Path:
        """Store ``tensor[i]`` for record ``ids[i]`` as the next shard of ``kind/name``.

        ``kind`` is e.g. ``"codes"`` or ``"features"``; ``name`` the tokenizer/encoder (``"magvitv2-256"``,
        ``"dlib-128"``). The index maps each id to (shard, row).
        """
        from unif2ace.io import save_safetensors

        if len(ids) != tensor.shape[0]:
            raise ValueError(f"{len(ids)} ids for a tensor of {tensor.shape[0]} rows")
        folder = self.folder / "shards" / kind
        index_path = folder / f"{name}.index.json"
        index = json.loads(index_path.read_text()) if index_path.is_file() else {"shards": [], "rows": {}}
        shard = f"{name}-{len(index['shards']):05d}.safetensors"
        save_safetensors({"data": tensor}, folder / shard, metadata={"ids": json.dumps(ids), **(meta or {})})
        index["shards"].append(shard)
        for row, rid in enumerate(ids):
            index["rows"][rid] = [len(index["shards"]) - 1, row]
        atomic_write_text(index_path, json.dumps(index) + "\n")
        return folder / shard

    def shard_ids(self, kind: str, name: str) -> set[str]:
        index_path = self.folder / "shards" / kind / f"{name}.index.json"
        return set(json.loads(index_path.read_text())["rows"]) if index_path.is_file() else set()

    def read_shards(self, kind: str, name: str, ids: list[str] | None = None):
        """Rows for ``ids`` (all stored ids when None), stacked in that order: ``(ids, tensor)``."""
        import torch
        from safetensors.torch import load_file

        folder = self.folder / "shards" / kind
        index_path = folder / f"{name}.index.json"
        if not index_path.is_file():
            raise FileNotFoundError(f"no {kind} '{name}' stored in {self.folder}; precompute them first")
        index = json.loads(index_path.read_text())
        ids = list(index["rows"]) if ids is None else ids
        missing = [i for i in ids if i not in index["rows"]]
        if missing:
            raise KeyError(f"{len(missing)} ids have no {kind} '{name}' (e.g. {missing[:3]})")
        cache: dict[int, Any] = {}
        rows = []
        for rid in ids:
            s, r = index["rows"][rid]
            if s not in cache:
                cache[s] = load_file(str(folder / index["shards"][s]))["data"]
            rows.append(cache[s][r])
        return ids, torch.stack(rows) if rows else torch.empty(0)

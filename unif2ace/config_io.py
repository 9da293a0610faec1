"""What every named-preset dataclass config shares: presets, checked overrides, config.json I/O.

A config class sets ``KIND`` (its name in error messages) and ``presets()`` (name -> factory).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, ClassVar

_SIMPLE = {"int": (int,), "float": (int, float), "bool": (bool,), "str": (str,), "None": (type(None),)}


def _fits(value: Any, annotation: Any) -> bool:
    """Whether a JSON value fits a simple field annotation ("int", "float | None", …); others are not checked."""
    parts = [p.strip() for p in str(annotation).split("|")]
    if not all(p in _SIMPLE for p in parts):
        return True
    if isinstance(value, bool) and "bool" not in parts:
        return False  # true is not a number
    return any(isinstance(value, _SIMPLE[p]) for p in parts)


class PresetConfigMixin:
    KIND: ClassVar[str] = "config"

    @classmethod
    def presets(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def from_name(cls, name: str, **overrides: Any):
        presets = cls.presets()
        if name not in presets:
            raise ValueError(f"unknown {cls.KIND} preset '{name}'; choose one of {', '.join(presets)}")
        cfg = presets[name]()
        return cfg.replace(**overrides) if overrides else cfg

    def replace(self, **overrides: Any):
        fields = {f.name for f in dataclasses.fields(self)}
        unknown = set(overrides) - fields
        if unknown:
            raise ValueError(f"unknown {self.KIND} config keys {sorted(unknown)}; valid keys: {sorted(fields)}")
        return dataclasses.replace(self, **overrides)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        fields = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - fields
        if unknown:
            raise ValueError(f"config.json has unknown keys {sorted(unknown)}; is it a {cls.KIND} config?")
        for f in dataclasses.fields(cls):  # "128" where 128 belongs fails here, not deep inside the model
            if f.name in data and not _fits(data[f.name], f.type):
                raise ValueError(f"config.json: {f.name} must be {f.type}, got {data[f.name]!r}")
        return cls(**data)

    def save(self, folder: str | Path) -> Path:
        from unif2ace.io import atomic_write_text

        path = Path(folder) / "config.json"
        atomic_write_text(path, json.dumps(self.to_dict(), indent=2) + "\n")
        return path

    @classmethod
    def load(cls, path: str | Path):
        path = Path(path)
        if path.is_dir():
            path = path / "config.json"
        if not path.is_file():
            raise FileNotFoundError(f"no {cls.KIND} config at {path}; expected a folder with config.json")
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path} is not valid JSON ({exc}); re-save the folder") from exc
        if not isinstance(data, dict):
            raise ValueError(f"{path} must hold a JSON object of {cls.KIND} settings")
        try:
            return cls.from_dict(data)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{path}: {str(exc).removeprefix('config.json: ')}") from None

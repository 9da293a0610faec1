"""The training run's configuration: a tree of dataclasses, read from a YAML recipe plus overrides.

    cfg = load_recipe("recipes/tiny.yaml", ["optim.lr=1e-3", "steps=200"])

A recipe is a small YAML mapping with the sections below; ``key=value`` overrides use dotted
paths (``model.overrides.num_layers=2``) and YAML values (``true``, ``1e-3``, ``[1, 2]``). The
resolved config is written to ``RUN/config.yaml`` so a run can always be reproduced or resumed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass
class ModelSection:
    preset: str = "tiny"  # ModelConfig.from_name
    overrides: dict = field(default_factory=dict)  # ModelConfig fields (codebook_size comes from the codes)
    # "scratch", or a folder / file: our model folder, a Show-o or a Phi-1.5 checkpoint
    init: str = "scratch"
    init_format: str | None = None  # showo | phi | unif2ace (default: detected from the keys)
    upcycle: bool = False  # accept missing MoE parameters when `init` is one of our dense models
    # {group: copy_bias}: re-initialise these groups' sequence routers after loading `init` (zero
    # weights, Copy experts' bias = copy_bias, others 0); e.g. {und: -1.0} routes understanding
    # to the feature experts of a model that never used them
    reset_routers: dict = field(default_factory=dict)
    # the weights this run updates: "all", or "und" / "gen": only those that group's rows alone read
    # (export.group_only_weights: its routed token experts, routers and feature injection), every other
    # weight kept as loaded, so the other group computes exactly what the init model computes
    trainable: str = "all"


@dataclass
class DataSection:
    dataset: str = "runs/data/utkface"  # a FaceStore folder
    codes: str = ""  # shard name under shards/codes (written by `unif2ace encode-codes`)
    flip_codes: str | None = None  # optional shard of horizontally flipped images' codes (augmentation)
    grey_codes: str | None = None  # optional shard of the images turned greyscale (`encode-codes --grey`) ...
    grey_fraction: float = 0.0  # ... used for this share of t2i rows, with a black-and-white prompt
    text_tokenizer: str = "bpe-1024"  # load_text_tokenizer name or folder
    image_tokenizer: str | None = None  # folder; needed for sample grids and the exported model
    features: dict = field(default_factory=dict)  # {"semantic": shard name, "identity": shard name}
    train_split: str = "train"
    val_split: str = "val"
    question_noise: float = 0.0  # mmu rows: share of questions retyped by data.wordings.vary_surface
    attribute_prompts: float = 0.3  # t2i rows: share of short prompts built from stated attributes
    prompt_frames: float = 0.0  # ... of which this share is framed as people write ("A photo of …."; data.PROMPT_FRAMES)
    # t2i rows: {"<gender> <age group>": weight} ("female senior": 3, "male teen": 3), how often a photo of that
    # stated gender × age group is drawn against 1 for the rest (each epoch drawn with replacement); {} walks the
    # split's permutation as before
    t2i_cell_weights: dict = field(default_factory=dict)
    mmu_cell_weights: dict = field(default_factory=dict)  # the same for understanding rows' photos
    qa: bool = True  # stage 2: QA turns; stage 1 (False): only "describe this face" -> caption
    max_turns: int = 3  # QA turns per mmu row
    max_answer_tokens: int = 96
    limit: int | None = None  # use only the first N training records (smoke runs)


@dataclass
class OptimSection:
    lr: float = 1e-3
    min_lr_ratio: float = 0.1
    warmup_steps: int = 100
    weight_decay: float = 0.1
    betas: tuple = (0.9, 0.95)
    eps: float = 1e-8
    grad_clip: float = 1.0


@dataclass
class ObjectiveSection:
    alpha: float = 0.01  # D3Diff score-term weight
    mode: str = "d3diff"  # d3diff | mask (Show-o's loss) | score (score entropy only): the paper's ablation
    score_param: str = "paper"  # paper (s = p/m) | exact (RADD: s = a·p)
    schedule: str = "cosine"
    mmu_coef: float = 1.0
    lm_coef: float = 0.5
    cond_dropout: float = 0.1


SCRATCH_GENERATION = {"steps": 18, "guidance_scale": 2.0, "temperature": 1.0}


@dataclass
class TrainConfig:
    out: str = "runs/train"
    steps: int = 1000
    batch_size: int = 16  # global rows per optimizer step (t2i + mmu + lm)
    micro_batch_size: int | None = None  # rows per forward per process; default: batch_size / processes
    mmu_fraction: float = 0.5  # share of rows that are understanding rows
    lm_fraction: float = 0.0  # share of rows that are plain-text LM rows (captions as text)
    seed: int = 0
    precision: str = "bf16"  # bf16 (autocast, CPU and GPU) | fp32
    gradient_checkpointing: bool = False
    compile: bool = False
    # build step k+1's batches in a background thread while step k runs (default: on GPUs, where
    # the CPU would otherwise leave the device idle; batches are the same either way)
    prefetch: bool | None = None
    ema: float | None = None  # e.g. 0.999: keep an EMA of the weights (exported when set)
    # export the weights of the evaluation with the lowest held-out image-code + answer cross-entropy
    # (val/t2i/mask_ce + val/mmu/ce, kept in RUN/best/) instead of the last step's: long runs on
    # small datasets can overfit before the end
    export_best: bool = False
    parallel: str = "ddp"  # ddp | fsdp (only used under torchrun with >1 process)
    threads: int | None = None  # torch.set_num_threads on CPU
    device: str | None = None  # default: cuda when available
    log_every: int = 10
    eval_every: int = 200
    eval_examples: int = 64
    sample_every: int = 500
    sample_prompts: list = field(default_factory=lambda: [
        "a smiling young woman with long hair", "an old man with a beard and glasses",
        "a child laughing, black and white photo", "a middle-aged Asian woman facing the camera"])
    sample_photos: int = 4  # captions for this many fixed validation photos
    ckpt_every: int = 200
    keep_last: int = 2
    max_minutes: float | None = None  # stop (and checkpoint) after this wall time
    tensorboard: bool = False
    # sampling defaults written to the exported generation_config.json, over the init model folder's own
    # (a fine-tune samples as its base does unless told otherwise) or, from scratch, over SCRATCH_GENERATION
    generation: dict = field(default_factory=dict)
    model: ModelSection = field(default_factory=ModelSection)
    data: DataSection = field(default_factory=DataSection)
    optim: OptimSection = field(default_factory=OptimSection)
    objective: ObjectiveSection = field(default_factory=ObjectiveSection)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["optim"]["betas"] = list(d["optim"]["betas"])
        return d


_SECTIONS = {"model": ModelSection, "data": DataSection, "optim": OptimSection, "objective": ObjectiveSection}


def from_dict(data: dict[str, Any]) -> TrainConfig:
    """Build a TrainConfig; unknown keys are an error naming the valid ones."""
    data = dict(data or {})
    kwargs: dict[str, Any] = {}
    top = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = set(data) - top
    if unknown:
        raise ValueError(f"unknown recipe keys {sorted(unknown)}; valid keys: {sorted(top)}")
    for key, value in data.items():
        if key in _SECTIONS:
            cls = _SECTIONS[key]
            names = {f.name for f in dataclasses.fields(cls)}
            bad = set(value or {}) - names
            if bad:
                raise ValueError(f"unknown keys {sorted(bad)} in recipe section '{key}'; valid keys: {sorted(names)}")
            kwargs[key] = cls(**_coerce(cls, value or {}))
        else:
            kwargs[key] = value
    cfg = TrainConfig(**_coerce(TrainConfig, kwargs))
    cfg.optim.betas = tuple(cfg.optim.betas)
    if cfg.precision not in ("bf16", "fp32"):
        raise ValueError(f"precision must be 'bf16' or 'fp32', got {cfg.precision!r}")
    if cfg.parallel not in ("ddp", "fsdp"):
        raise ValueError(f"parallel must be 'ddp' or 'fsdp', got {cfg.parallel!r}")
    if not 0 <= cfg.mmu_fraction + cfg.lm_fraction <= 1:
        raise ValueError("mmu_fraction + lm_fraction must lie in [0, 1]")
    if cfg.model.trainable not in ("all", "und", "gen"):
        raise ValueError(f"model.trainable must be 'all', 'und' or 'gen', got {cfg.model.trainable!r}")
    if cfg.model.trainable != "all" and cfg.parallel == "fsdp":
        raise ValueError("model.trainable is not supported with parallel: fsdp; use parallel: ddp (or trainable: all)")
    if not 0 <= cfg.data.question_noise <= 1:
        raise ValueError(f"data.question_noise must lie in [0, 1], got {cfg.data.question_noise}")
    if not 0 <= cfg.data.grey_fraction <= 1:
        raise ValueError(f"data.grey_fraction must lie in [0, 1], got {cfg.data.grey_fraction}")
    if cfg.data.grey_fraction > 0 and not cfg.data.grey_codes:
        raise ValueError("data.grey_fraction > 0 needs data.grey_codes (the shard `unif2ace encode-codes --grey` "
                         "writes, e.g. face-f8-grey), or set data.grey_fraction=0")
    for stream in ("t2i", "mmu"):
        cell_weights(getattr(cfg.data, f"{stream}_cell_weights"), f"data.{stream}_cell_weights")
    return cfg


def cell_weights(weights: dict, name: str) -> dict[tuple[str, str], float]:
    """``data.t2i_cell_weights`` or ``data.mmu_cell_weights`` (``name``) checked and keyed by (gender, age group)."""
    from unif2ace.evaluation.attributes import AGE_GROUPS

    out = {}
    for key, value in (weights or {}).items():
        parts = str(key).split(" ", 1)
        if len(parts) != 2 or parts[0] not in ("female", "male") or parts[1] not in AGE_GROUPS:
            raise ValueError(f"{name}: {key!r} is not '<gender> <age group>'; write e.g. 'female senior' "
                             f"(genders: female, male; age groups: {', '.join(AGE_GROUPS)})")
        try:
            w = float(value)
        except (TypeError, ValueError):
            w = -1.0
        if not w >= 0:
            raise ValueError(f"{name}: the weight of {key!r} must be a number ≥ 0, got {value!r}")
        out[(parts[0], parts[1])] = w
    return out


def _coerce(cls, values: dict[str, Any]) -> dict[str, Any]:
    """YAML reads ``1e-3`` (no dot) as a string: turn such strings into the field's number type."""
    types = {f.name: str(f.type) for f in dataclasses.fields(cls)}
    out = dict(values)
    for key, value in values.items():
        if isinstance(value, str) and key in types:
            kind = "float" if "float" in types[key] else "int" if types[key].startswith("int") else None
            if kind:
                try:
                    out[key] = float(value) if kind == "float" else int(value)
                except ValueError:
                    raise ValueError(f"{key} must be a number, got {value!r}") from None
    return out


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """``a.b.c=value`` strings (value parsed as YAML) applied to a nested dict."""
    data = dict(data)
    for item in overrides:
        if "=" not in item:
            raise ValueError(f"override {item!r} must look like key=value (e.g. optim.lr=1e-3)")
        key, text = item.split("=", 1)
        value = yaml.safe_load(text) if text else None
        node = data
        parts = key.strip().split(".")
        for part in parts[:-1]:
            child = node.get(part)
            child = dict(child) if isinstance(child, dict) else {}
            node[part] = child
            node = child
        node[parts[-1]] = value
    return data


def load_recipe(path: str | Path, overrides: list[str] | None = None) -> TrainConfig:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"recipe {path} does not exist; see recipes/ for examples")
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict):
        raise ValueError(f"recipe {path} must be a YAML mapping of keys to values")
    return from_dict(apply_overrides(data, overrides or []))


def save_config(cfg: TrainConfig, path: str | Path) -> None:
    from unif2ace.io import atomic_write_text

    atomic_write_text(path, yaml.safe_dump(cfg.to_dict(), sort_keys=False))

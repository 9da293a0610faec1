"""The model folder that inference reads::

    MODEL/config.json + MODEL/model.safetensors     (unif2ace.checkpoint.save_pretrained)
    MODEL/text_tokenizer/                           (the text tokenizer's .save(folder))
    MODEL/image_tokenizer/                          (ImageTokenizer.save_pretrained)
    MODEL/generation_config.json                    {"image_size", "num_image_tokens", "steps", "guidance_scale",
                                                     "temperature", ...}

Written into a temporary sibling folder and renamed into place, so a reader sees the old folder
or the complete new one.
"""

from __future__ import annotations

import glob
import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import torch

GENERATION_CONFIG = "generation_config.json"


def export_model_folder(model, text_tokenizer_name_or_folder, image_tokenizer_folder, out,
                        generation_defaults: dict | None = None, dtype: torch.dtype | None = None,
                        state_dict: dict | None = None, model_card: str | Path | None = None) -> Path:
    """Write the complete model folder ``out`` (replacing an existing one).

    model: a UniF2aceModel (``state_dict`` overrides its weights, e.g. EMA weights).
    text_tokenizer_name_or_folder: a ``load_text_tokenizer`` name or folder, or a tokenizer object.
    image_tokenizer_folder: an ImageTokenizer folder (or None: no image tokenizer, e.g. codes-only runs).
    generation_defaults: at least ``num_image_tokens``; ``image_size`` is derived from the image
    tokenizer when missing; ``steps`` 18, ``guidance_scale`` 2.0, ``temperature`` 1.0 by default.
    model_card: a README.md to give ``out`` when it has no card of its own (an existing folder's card is kept).
    """
    from unif2ace.config import ModelConfig
    from unif2ace.io import atomic_write_text, make_dir_like_mkdir
    from unif2ace.text import load_text_tokenizer

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tok = (load_text_tokenizer(text_tokenizer_name_or_folder)
           if isinstance(text_tokenizer_name_or_folder, (str, os.PathLike)) else text_tokenizer_name_or_folder)
    cfg: ModelConfig = model.config
    if tok.vocab_size != cfg.text_vocab_size or tok.eot_id != cfg.eot_token_id:
        raise ValueError(f"text tokenizer ({tok.vocab_size} ids, eot {tok.eot_id}) does not match the model "
                         f"(text_vocab_size {cfg.text_vocab_size}, eot_token_id {cfg.eot_token_id})")
    gen = {"steps": 18, "guidance_scale": 2.0, "temperature": 1.0, **(generation_defaults or {})}
    if "num_image_tokens" not in gen:
        raise ValueError("generation_defaults needs num_image_tokens (image codes per image)")

    tmp = make_dir_like_mkdir(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        _save_model(model, tmp, dtype, state_dict)
        tok.save(tmp / "text_tokenizer")
        if image_tokenizer_folder is not None:
            from unif2ace.image_tokenizer import ImageTokenizer

            itok = (ImageTokenizer.from_pretrained(image_tokenizer_folder)
                    if isinstance(image_tokenizer_folder, (str, os.PathLike)) else image_tokenizer_folder)
            if itok.config.codebook_size != cfg.codebook_size:
                raise ValueError(f"image tokenizer has {itok.config.codebook_size} codes, the model "
                                 f"{cfg.codebook_size}; export the tokenizer the codes came from")
            if dtype is not None:
                itok = itok.to(dtype)
            itok.save_pretrained(tmp / "image_tokenizer")
            side = math.isqrt(int(gen["num_image_tokens"]))
            gen.setdefault("image_size", side * itok.config.downsample_factor)
        if "image_size" not in gen:
            raise ValueError("generation_defaults needs image_size when no image tokenizer is exported")
        atomic_write_text(tmp / GENERATION_CONFIG, json.dumps(gen, indent=2) + "\n")
        card = out / "README.md"
        if not card.is_file() and model_card is not None and Path(model_card).is_file():
            card = Path(model_card)
        if card.is_file() and not (tmp / "README.md").exists():  # keep the folder's model card, else the given one
            shutil.copy2(card, tmp / "README.md")
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        # a process killed inside an earlier export of this folder left its temporary behind
        for stale in out.parent.glob(f".{glob.escape(out.name)}.*.tmp"):
            shutil.rmtree(stale, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _save_model(model, folder: Path, dtype, state_dict) -> None:
    from unif2ace.checkpoint import save_pretrained

    if state_dict is None:
        save_pretrained(model, folder, dtype=dtype)
        return
    from unif2ace.checkpoint import WEIGHTS_NAME
    from unif2ace.io import save_safetensors

    folder.mkdir(parents=True, exist_ok=True)
    own = model.state_dict()
    state = {k: state_dict.get(k, v) for k, v in own.items()}
    state = {k: (v.to(dtype) if dtype is not None and v.is_floating_point() else v).cpu() for k, v in state.items()}
    save_safetensors(state, folder / WEIGHTS_NAME, metadata={"format": "unif2ace"})
    model.config.save(folder)


def reexport(folder, out, dtype: torch.dtype | None = torch.float16) -> Path:
    """Copy a model folder into ``out`` with its weights (model and image tokenizer) cast to ``dtype``.

    Used to ship small models: fp16 halves the size, and loading casts back to the model's dtype.
    """
    from unif2ace.checkpoint import load_pretrained

    folder = Path(folder)
    model = load_pretrained(folder)
    image = folder / "image_tokenizer"
    return export_model_folder(model, folder / "text_tokenizer", image if image.is_dir() else None, out,
                               read_generation_config(folder), dtype=dtype)


def read_generation_config(folder) -> dict:
    path = Path(folder) / GENERATION_CONFIG
    if not path.is_file():
        raise FileNotFoundError(f"{path} missing; export the model with unif2ace.training.export_model_folder")
    return json.loads(path.read_text())


def group_only_weights(config, group: str, keys) -> dict[str, slice | None]:
    """The weights (of the state-dict ``keys``) that only ``group``'s rows read, each with the slice of its first
    dimension that is the group's (None: the whole tensor): the group's routed token experts and their
    router rows, its sequence-MoE router, and the injection experts (resampler, per-layer norm, mixing
    logits) of the feature sources that only this group's sequence experts use. A row of the other group
    never reads them, so changing them cannot change what the other group computes."""
    from unif2ace.config import GROUPS, SEQ_EXPERT_FEATURE

    if group not in GROUPS:
        raise ValueError(f"group {group!r}: choose one of {', '.join(GROUPS)}")
    g, out = GROUPS.index(group), {}
    for i in range(config.num_layers):
        if config.token_moe is not None:
            e = config.token_moe.num_experts
            for name in ("w1", "b1", "w2", "b2", "router.weight"):
                out[f"layers.{i}.token_moe.{name}"] = slice(g * e, (g + 1) * e)
    sm = config.sequence_moe
    if sm is not None:
        sources = {name: {h for h in GROUPS if any(SEQ_EXPERT_FEATURE.get(x) == name for x in sm.experts(h))}
                   for name in set(SEQ_EXPERT_FEATURE.values())}
        mine = sorted(name for name, users in sources.items() if users == {group})
        for i in range(config.num_layers):
            for name in ("weight", "bias"):
                out[f"layers.{i}.sequence_moe.routers.{g}.{name}"] = None
            for src in mine:
                out[f"layers.{i}.sequence_moe.gate_logits.{src}"] = None
                for name in ("weight", "bias"):
                    out[f"layers.{i}.sequence_moe.inject_norms.{src}.{name}"] = None
        out.update({k: None for k in keys for src in mine if k.startswith(f"sequence_moe_shared.resamplers.{src}.")})
    return out


def average_models(folders, out, weights=None, dtype: torch.dtype | None = None, group: str | None = None) -> Path:
    """Write ``out``: the weighted average of the weights of models that share one architecture and
    both tokenizers (a "model soup"; WiSE-FT's interpolation when one model is a fine-tune of the other).

    folders: two or more model folders; weights: one per folder, non-negative, summing to 1 (default:
    equal). The average is taken in float64 and stored in the first model's dtype (or ``dtype``). The
    generation config and model card come from the first folder. Errors name what differs.
    group ("und" or "gen"): average only the weights that group alone reads (:func:`group_only_weights`)
    and copy every other weight from the first model, so the other group computes exactly what the first
    model computes (e.g. take a fine-tune's understanding experts and keep the first model's faces).
    """
    from unif2ace.checkpoint import load_pretrained, read_state_dict
    from unif2ace.config import ModelConfig

    folders = [Path(f) for f in folders]
    if len(folders) < 2:
        raise ValueError("average needs two or more model folders")
    weights = [1.0 / len(folders)] * len(folders) if weights is None else [float(w) for w in weights]
    if len(weights) != len(folders):
        raise ValueError(f"{len(weights)} weights for {len(folders)} models; give one weight per model")
    if any(not math.isfinite(w) or w < 0 for w in weights) or abs(sum(weights) - 1.0) > 1e-6:
        raise ValueError(f"weights {weights} must be non-negative and sum to 1")
    for f in folders:
        if not (f / "config.json").is_file():
            raise FileNotFoundError(f"{f} is not a model folder (no config.json); pass folders written by "
                                    "unif2ace train or unif2ace export")
    first = folders[0]
    config = ModelConfig.load(first)
    for f in folders[1:]:
        if ModelConfig.load(f) != config:
            raise ValueError(f"{f} has another architecture than {first} (config.json differs); "
                             "only models of one architecture can be averaged")
        _same_tokenizers(first, f)
    states = [read_state_dict(f) for f in folders]
    only = None if group is None else group_only_weights(config, group, states[0])
    if only is not None and not set(only) <= set(states[0]):
        raise ValueError(f"{first} lacks some of the {group} group's weights ({sorted(set(only) - set(states[0]))[0]}); "
                         "average it without --group")
    merged = {}
    for key, ref in states[0].items():
        if any(key not in s or s[key].shape != ref.shape for s in states[1:]):
            raise ValueError(f"weight {key} is missing or has another shape in one of {folders}")
        if not ref.is_floating_point():
            if any(not torch.equal(s[key], ref) for s in states[1:]):
                raise ValueError(f"integer weight {key} differs between the models; they cannot be averaged")
            merged[key] = ref
            continue
        if only is not None and key not in only:
            merged[key] = ref.to(dtype or ref.dtype)
            continue
        part = slice(None) if only is None or only[key] is None else only[key]
        total = ref.to(torch.float64).clone()
        total[part] = sum(w * s[key][part].to(torch.float64) for w, s in zip(weights, states))
        merged[key] = total.to(dtype or ref.dtype)
    model = load_pretrained(first)
    image = first / "image_tokenizer"
    return export_model_folder(model, first / "text_tokenizer", image if image.is_dir() else None, out,
                               read_generation_config(first), dtype=dtype, state_dict=merged,
                               model_card=first / "README.md")


def _same_tokenizers(a: Path, b: Path) -> None:
    """Raise unless model folders ``a`` and ``b`` hold the same text tokenizer (files) and image tokenizer
    (weights equal once both are in the lower of their two precisions)."""
    from unif2ace.checkpoint import read_state_dict

    files = [{p.relative_to(d / "text_tokenizer"): p.read_bytes()
              for p in sorted((d / "text_tokenizer").rglob("*")) if p.is_file()} for d in (a, b)]
    if files[0] != files[1]:
        raise ValueError(f"{a} and {b} have different text tokenizers; only models of one tokenizer can be averaged")
    has = [(d / "image_tokenizer").is_dir() for d in (a, b)]
    if has[0] != has[1]:
        raise ValueError(f"only one of {a} and {b} has an image tokenizer")
    if not has[0]:
        return
    sa, sb = (read_state_dict(d / "image_tokenizer") for d in (a, b))
    for key, va in sa.items():
        vb = sb.get(key)
        if vb is None or vb.shape != va.shape:
            raise ValueError(f"{a} and {b} have different image tokenizers ({key}); average models that share one")
        if va.is_floating_point():
            low = va.dtype if va.element_size() <= vb.element_size() else vb.dtype
            va, vb = va.to(low), vb.to(low)
        if not torch.equal(va, vb):
            raise ValueError(f"{a} and {b} have different image tokenizers ({key}); average models that share one")

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
                        state_dict: dict | None = None) -> Path:
    """Write the complete model folder ``out`` (replacing an existing one).

    model: a UniF2aceModel (``state_dict`` overrides its weights, e.g. EMA weights).
    text_tokenizer_name_or_folder: a ``load_text_tokenizer`` name or folder, or a tokenizer object.
    image_tokenizer_folder: an ImageTokenizer folder (or None: no image tokenizer, e.g. codes-only runs).
    generation_defaults: at least ``num_image_tokens``; ``image_size`` is derived from the image
    tokenizer when missing; ``steps`` 18, ``guidance_scale`` 2.0, ``temperature`` 1.0 by default.
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
        if card.is_file() and not (tmp / "README.md").exists():  # keep the folder's model card
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

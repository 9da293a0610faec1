"""What a run shows while it trains: faces for fixed prompts and captions for fixed validation photos.

    RUN/samples/step-000500.png    two prompts per row, two seeds each, decoded by the image tokenizer
    RUN/samples/step-000500.json   {"prompts": [...], "captions": [{"id", "reference", "generated"}]}
    RUN/samples/photos.png         the captioned validation photos (decoded from their codes), once

Without an image tokenizer (codes-only runs) the generated codes are stored instead of a PNG.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from unif2ace.io import atomic_write, atomic_write_text

_TOKENIZERS: dict = {}


def _image_tokenizer(folder):
    if folder is None:
        return None
    if folder not in _TOKENIZERS:
        from unif2ace.image_tokenizer import ImageTokenizer

        _TOKENIZERS[folder] = ImageTokenizer.from_pretrained(folder).eval()
    return _TOKENIZERS[folder]


def grid(images: torch.Tensor, columns: int):
    """images (B, 3, H, W) in [0, 1] -> one PIL image, ``columns`` per row, 2 px gaps."""
    from PIL import Image

    from unif2ace.image_tokenizer import to_pil

    pils = to_pil(images)
    w, h = pils[0].size
    rows = (len(pils) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * (w + 2), rows * (h + 2)), "white")
    for i, im in enumerate(pils):
        sheet.paste(im, ((i % columns) * (w + 2), (i // columns) * (h + 2)))
    return sheet


@torch.no_grad()
def write_samples(model, cfg, tokenizer, val_data, folder: Path, step: int, device, write: bool = True,
                  seeds: int = 2, generation: dict | None = None) -> None:
    from unif2ace.generation import (
        ImageGenerationConfig,
        TextGenerationConfig,
        generate_image_codes,
        generate_text,
    )
    from unif2ace.training.data import DESCRIBE, spread

    folder = Path(folder)
    gen = cfg.generation if generation is None else generation
    prompts = list(cfg.sample_prompts)
    codes = None
    if prompts:
        ids = [tokenizer.encode(p) for p in prompts for _ in range(seeds)]
        icfg = ImageGenerationConfig(num_tokens=val_data.num_tokens, steps=int(gen.get("steps", 18)),
                                     guidance_scale=float(gen.get("guidance_scale", 2.0)),
                                     temperature=float(gen.get("temperature", 1.0)))
        codes = generate_image_codes(model, ids, icfg, torch.Generator(device).manual_seed(cfg.seed)).cpu()
    idx = spread(len(val_data), cfg.sample_photos)
    n = len(idx)
    captions = []
    if n:
        question = val_data.prompter.chat_segments([(DESCRIBE[0], None)])
        batch = val_data.prompter.builder.mmu(val_data.codes[idx], [question] * n, left_pad=True)
        feats = {k: v[idx].to(device) for k, v in val_data.features.items()} or None
        out = generate_text(model, batch, TextGenerationConfig(max_new_tokens=val_data.data_cfg.max_answer_tokens),
                            features=feats)
        captions = [{"id": val_data.ids[i], "reference": val_data.records[i].caption,
                     "generated": tokenizer.decode(o).strip()} for i, o in zip(idx, out)]
    if not write:
        return
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"step": step, "prompts": prompts, "captions": captions}
    itok = _image_tokenizer(cfg.data.image_tokenizer)
    if codes is not None:
        if itok is not None:
            sheet = grid(itok.decode(codes), columns=seeds * 2)
            atomic_write(folder / f"step-{step:06d}.png", lambda tmp: sheet.save(tmp, format="PNG"))
        else:
            doc["codes"] = codes.tolist()
    if itok is not None and n and not (folder / "photos.png").is_file():
        photos = grid(itok.decode(val_data.codes[idx]), columns=n)
        atomic_write(folder / "photos.png", lambda tmp: photos.save(tmp, format="PNG"))
    atomic_write_text(folder / f"step-{step:06d}.json", json.dumps(doc, indent=1) + "\n")

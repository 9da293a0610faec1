"""Evaluate a tokenizer on held-out images: ``unif2ace tokenizer eval --model DIR --data FOLDER``.

Reports PSNR and SSIM (per image, averaged), reconstruction FID (Inception features of the
reconstructions vs the originals), codebook usage (fraction of the 2^B codes used, perplexity of the
code histogram) and, beside the real-vs-real floor (FID between the first and the second half of the
originals), the same FID with the second half reconstructed (``rfid_halves``). Only the latter is
comparable with the floor, and with a generator's FID against held-out photos: rFID pairs every
reconstruction with its own original, so its floor is 0, not the halves' FID.
Writes ``metrics.json`` and ``metrics.md`` and a PNG of originals over reconstructions.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from .model import ImageTokenizer


def comparison_grid(originals: torch.Tensor, recons: torch.Tensor, path: Path) -> Path:
    """Save originals (top row) over reconstructions (bottom row); tensors [B, 3, H, W] in [0, 1]."""
    from PIL import Image

    from unif2ace.io import atomic_write

    top = torch.cat(list(originals.float().cpu()), dim=-1)
    bottom = torch.cat(list(recons.float().cpu()), dim=-1)
    grid = (torch.cat([top, bottom], dim=-2).clamp(0, 1) * 255).round().byte().permute(1, 2, 0).numpy()
    return atomic_write(path, lambda tmp: Image.fromarray(grid).save(tmp, format="PNG"))


def codebook_usage(codes: torch.Tensor, codebook_size: int) -> dict[str, float]:
    counts = torch.bincount(codes.flatten().long(), minlength=codebook_size).double()
    p = counts / counts.sum()
    entropy = float(-(p[p > 0] * p[p > 0].log()).sum())
    return {"codes_used": int((counts > 0).sum()), "codebook_size": codebook_size,
            "usage": float((counts > 0).float().mean()), "perplexity": math.exp(entropy),
            "tokens": int(counts.sum())}


MIN_FID_IMAGES = 4  # two feature vectors per half for the real-vs-real floor


@torch.no_grad()
def evaluate(model: ImageTokenizer, images: np.ndarray, batch_size: int = 32, fid: bool = True,
             progress: bool = True, cache_dir: str | Path | None = None, bf16: bool = True) -> tuple[dict, torch.Tensor]:
    """images: uint8 [N, H, W, 3] → (metrics dict, reconstructions [N, 3, H, W] in [0, 1]).

    The Inception features of the originals are cached under ``cache_dir`` (keyed by the pixels).
    bf16: encode and decode under bfloat16 autocast (as a bf16 pipeline does); else float32.
    """
    from unif2ace.metrics import psnr, ssim
    from unif2ace.progress import bar

    if fid and len(images) < MIN_FID_IMAGES:
        raise ValueError(f"FID needs at least {MIN_FID_IMAGES} images (its floor compares two halves of the originals), "
                         f"got {len(images)}; evaluate more images or pass fid=False (--no-fid)")
    started = time.time()
    model.eval()
    device = next(model.parameters()).device
    x_all = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float() / 255
    recons, codes, psnrs, ssims = [], [], [], []
    starts = range(0, len(x_all), batch_size)
    for i in bar(len(starts), "reconstructing", unit="batch", disable=None if progress else True, iterable=starts):
        x = x_all[i : i + batch_size].to(device)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            c = model.encode(x)
            r = model.decode(c, model.config.latent_shape(*x.shape[-2:]))
        r = (r * 255).round() / 255  # what a saved PNG would hold
        recons.append(r.cpu())
        codes.append(c.cpu())
        psnrs.append(psnr(r.cpu(), x.cpu()))
        ssims.append(ssim(r.cpu(), x.cpu()))
    rec = torch.cat(recons)
    metrics: dict = {"images": len(x_all), "resolution": list(images.shape[1:3]),
                     "psnr": float(torch.cat(psnrs).mean()), "ssim": float(torch.cat(ssims).mean()),
                     **codebook_usage(torch.cat(codes), model.config.codebook_size),
                     "tokens_per_image": int(codes[0].shape[1])}
    if fid:
        from unif2ace.metrics import InceptionFeatures, fid_from_features

        feats = InceptionFeatures(device)
        real = real_features(x_all, images, feats, cache_dir)
        fake = feats(rec)
        half = len(real) // 2
        metrics["rfid"] = fid_from_features(real, fake)
        metrics["fid_real_vs_real_halves"] = fid_from_features(real[:half], real[half : 2 * half])
        metrics["rfid_halves"] = fid_from_features(real[:half], fake[half : 2 * half])
    metrics["seconds"] = round(time.time() - started, 1)
    return metrics, rec


def real_features(x: torch.Tensor, images: np.ndarray, feats, cache_dir: str | Path | None) -> np.ndarray:
    import hashlib

    path = None
    if cache_dir:
        key = hashlib.sha1(np.ascontiguousarray(images).tobytes()).hexdigest()[:16]
        path = Path(cache_dir) / f"inception-{key}.npy"
        if path.is_file():
            return np.load(path)
    real = feats(x)
    if path is not None:
        from unif2ace.io import atomic_write

        def write(tmp: str) -> None:
            with open(tmp, "wb") as fh:
                np.save(fh, real)

        atomic_write(path, write)
    return real


def metrics_markdown(m: dict, title: str) -> str:
    rows = [("images", f"{m['images']} at {m['resolution'][0]}×{m['resolution'][1]} px"),
            ("codes per image", f"{m['tokens_per_image']}"),
            ("PSNR", f"{m['psnr']:.2f} dB"), ("SSIM", f"{m['ssim']:.4f}")]
    if "rfid" in m:
        rows += [("rFID (reconstructions vs their own originals; floor 0)", f"{m['rfid']:.2f}"),
                 ("FID, first half of the originals vs the second half reconstructed", f"{m['rfid_halves']:.2f}"),
                 ("FID floor, first half of the originals vs the second half", f"{m['fid_real_vs_real_halves']:.2f}")]
    rows += [("codebook usage", f"{m['usage']:.1%} ({m['codes_used']} of {m['codebook_size']} codes)"),
             ("code perplexity", f"{m['perplexity']:.0f}")]
    return f"# {title}\n\n| metric | value |\n|---|---|\n" + "".join(f"| {a} | {b} |\n" for a, b in rows)


def run_eval(model_dir: str, data: str, out: str | None, resolution: int | None, holdout: float,
             split: str, cache_dir: str, limit: int, batch_size: int, fid: bool, device: str,
             dtype: str = "auto") -> dict:
    from unif2ace.io import atomic_write_text

    from .checkpoint import load_tokenizer
    from .data import load_split

    if fid and limit and limit < MIN_FID_IMAGES:
        raise ValueError(f"FID needs at least {MIN_FID_IMAGES} images (its floor compares two halves of the originals); "
                         f"give --limit {MIN_FID_IMAGES} or more, or --no-fid")
    from unif2ace.pipeline.loading import resolve_dtype

    bf16 = resolve_dtype(dtype, device) == torch.bfloat16  # auto: bf16 where it is native, as the pipeline
    model = load_tokenizer(model_dir, device)
    size = resolution or model.config.resolution
    train_imgs, held = load_split(data, size, holdout, cache_dir)
    images = held if split == "holdout" else train_imgs
    if limit:
        images = images[:limit]
    metrics, rec = evaluate(model, images, batch_size=batch_size, fid=fid, cache_dir=cache_dir or None, bf16=bf16)
    metrics.update({"model": str(model_dir), "data": str(data), "split": split, "holdout": holdout,
                    "dtype": "bfloat16" if bf16 else "float32"})
    out_dir = Path(out) if out else Path(model_dir) / "eval"
    atomic_write_text(out_dir / "metrics.json", json.dumps(metrics, indent=2) + "\n")
    atomic_write_text(out_dir / "metrics.md", metrics_markdown(metrics, f"Tokenizer {model_dir} on {data} ({split})"))
    x = torch.from_numpy(np.ascontiguousarray(images[:8])).permute(0, 3, 1, 2).float() / 255
    comparison_grid(x, rec[:8], out_dir / "reconstructions.png")
    return metrics

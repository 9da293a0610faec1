"""MAGVIT-v2 image tokenizer: conv ResNet encoder → LFQ → conv ResNet decoder.

Module names follow Show-o's ``models/modeling_magvitv2.py`` (the taming-transformers layout),
so the Show-o key mapping in ``checkpoint.py`` is short and auditable. Pixels inside the network
are in [−1, 1] as in Show-o; the public API takes and returns [0, 1].

    tok = ImageTokenizer(ImageTokenizerConfig.from_name("face-f8"))
    codes = tok.encode(images)          # [B, 3, H, W] in [0, 1] or PIL images → [B, (H/f)·(W/f)] int64
    images = tok.decode(codes)          # → [B, 3, H, W] in [0, 1]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from .config import ImageTokenizerConfig
from .lfq import LFQ


def _norm(channels: int, groups: int) -> nn.GroupNorm:
    return nn.GroupNorm(groups, channels, eps=1e-6)


class ResnetBlock(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, groups: int):
        super().__init__()
        self.norm1 = _norm(in_ch, groups)
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, padding=1)
        self.norm2 = _norm(out_ch, groups)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, padding=1)
        self.nin_shortcut = nn.Conv2d(in_ch, out_ch, 1) if in_ch != out_ch else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.nin_shortcut is None else self.nin_shortcut(x)) + h


class AttnBlock(nn.Module):
    """Single-head self-attention over all positions (used once, at the lowest resolution)."""

    def __init__(self, ch: int, groups: int):
        super().__init__()
        self.norm = _norm(ch, groups)
        self.q, self.k, self.v = (nn.Conv2d(ch, ch, 1) for _ in range(3))
        self.proj_out = nn.Conv2d(ch, ch, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        n = self.norm(x)
        q, k, v = (m(n).flatten(2).transpose(1, 2) for m in (self.q, self.k, self.v))  # [B, hw, C]
        out = F.scaled_dot_product_attention(q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1))[:, 0]
        return x + self.proj_out(out.transpose(1, 2).reshape(b, c, h, w))


class Downsample(nn.Module):
    def __init__(self, ch: int):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.pad(x, (0, 1, 0, 1)))  # asymmetric pad as in Show-o/taming


class Upsample(nn.Module):
    def __init__(self, ch: int):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class _Mid(nn.Module):
    def __init__(self, ch: int, groups: int):
        super().__init__()
        self.block_1 = ResnetBlock(ch, ch, groups)
        self.attn_1 = AttnBlock(ch, groups)
        self.block_2 = ResnetBlock(ch, ch, groups)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block_2(self.attn_1(self.block_1(x)))


class _Level(nn.Module):
    """One resolution: ``block`` ResNet blocks, then an optional ``downsample``/``upsample``."""

    def __init__(self, in_ch: int, out_ch: int, n_blocks: int, groups: int, resample: str | None):
        super().__init__()
        self.block = nn.ModuleList(ResnetBlock(in_ch if i == 0 else out_ch, out_ch, groups) for i in range(n_blocks))
        if resample == "down":
            self.downsample = Downsample(out_ch)
        elif resample == "up":
            self.upsample = Upsample(out_ch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.block:
            x = block(x)
        if hasattr(self, "downsample"):
            x = self.downsample(x)
        if hasattr(self, "upsample"):
            x = self.upsample(x)
        return x


class Encoder(nn.Module):
    def __init__(self, cfg: ImageTokenizerConfig):
        super().__init__()
        g, chs = cfg.norm_groups, [cfg.ch * m for m in cfg.ch_mult]
        self.conv_in = nn.Conv2d(cfg.in_channels, cfg.ch, 3, padding=1)
        levels, prev = [], cfg.ch
        for i, (ch, n) in enumerate(zip(chs, cfg.num_res_blocks)):
            levels.append(_Level(prev, ch, n, g, "down" if i < len(chs) - 1 else None))
            prev = ch
        self.down = nn.ModuleList(levels)
        self.mid = _Mid(prev, g)
        self.norm_out = _norm(prev, g)
        self.conv_out = nn.Conv2d(prev, cfg.code_bits, 3, padding=1)
        self.quant_conv = nn.Conv2d(cfg.code_bits, cfg.code_bits, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(x)
        for level in self.down:
            h = level(h)
        h = self.conv_out(F.silu(self.norm_out(self.mid(h))))
        return self.quant_conv(h)


class Decoder(nn.Module):
    def __init__(self, cfg: ImageTokenizerConfig):
        super().__init__()
        g, chs = cfg.norm_groups, [cfg.ch * m for m in cfg.dec_ch_mult]
        self.post_quant_conv = nn.Conv2d(cfg.code_bits, cfg.code_bits, 1)
        self.conv_in = nn.Conv2d(cfg.code_bits, chs[-1], 3, padding=1)
        self.mid = _Mid(chs[-1], g)
        # up[i] works at the resolution of encoder level i; it runs from the last level to the first.
        levels, prev = {}, chs[-1]
        for i in reversed(range(len(chs))):
            levels[i] = _Level(prev, chs[i], cfg.dec_num_res_blocks[i], g, "up" if i > 0 else None)
            prev = chs[i]
        self.up = nn.ModuleList(levels[i] for i in range(len(chs)))
        self.norm_out = _norm(prev, g)
        self.conv_out = nn.Conv2d(prev, cfg.in_channels, 3, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.mid(self.conv_in(self.post_quant_conv(z)))
        for level in reversed(self.up):
            h = level(h)
        return self.conv_out(F.silu(self.norm_out(h)))


ImageInput = torch.Tensor | Image.Image | Sequence[Image.Image] | np.ndarray


class ImageTokenizer(nn.Module):
    def __init__(self, cfg: ImageTokenizerConfig, entropy_temperature: float = 0.1):
        super().__init__()
        self.config = cfg
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)
        self.quantize = LFQ(cfg.code_bits, entropy_temperature)

    # ----- training path (pixels in [−1, 1])
    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """x: [B, 3, H, W] in [−1, 1] → dict(recon [−1, 1], indices, commitment, *_entropy)."""
        out = self.quantize(self.encoder(x))
        out["recon"] = self.decoder(out["z_q"].to(x.dtype))
        return out

    # ----- public API (pixels in [0, 1])
    @torch.no_grad()
    def encode(self, images: ImageInput) -> torch.Tensor:
        """Images ([B, 3, H, W] in [0, 1], a PIL image or a list of them) → codes [B, (H/f)·(W/f)] int64."""
        x = to_tensor(images, self.config.in_channels).to(self._device())
        f = self.config.downsample_factor
        if x.shape[-2] % f or x.shape[-1] % f:
            raise ValueError(f"image size {tuple(x.shape[-2:])} must be a multiple of {f}; resize or crop first")
        return self.quantize.bits_to_indices(self.encoder(x * 2 - 1))

    @torch.no_grad()
    def decode(self, codes: torch.Tensor, shape: tuple[int, int] | None = None) -> torch.Tensor:
        """Codes [B, h·w] → images [B, 3, h·f, w·f] in [0, 1]; ``shape`` = (h, w), default square."""
        codes = torch.as_tensor(codes).to(self._device())
        if codes.dim() == 1:
            codes = codes[None]
        if shape is None:
            side = math.isqrt(codes.shape[-1])
            shape = (side, side)
        z = self.quantize.indices_to_codes(codes, shape).to(self._dtype())
        return ((self.decoder(z).float() + 1) / 2).clamp(0, 1)

    def decode_to_pil(self, codes: torch.Tensor, shape: tuple[int, int] | None = None) -> list[Image.Image]:
        return to_pil(self.decode(codes, shape))

    def _device(self) -> torch.device:
        return self.encoder.conv_in.weight.device

    def _dtype(self) -> torch.dtype:
        return self.encoder.conv_in.weight.dtype

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    # ----- persistence (a folder: config.json + model.safetensors)
    def save_pretrained(self, folder) -> None:
        from .checkpoint import save_tokenizer

        save_tokenizer(self, folder)

    @classmethod
    def from_pretrained(cls, folder, device: str | torch.device = "cpu") -> ImageTokenizer:
        from .checkpoint import load_tokenizer

        return load_tokenizer(folder, device)


def to_tensor(images: ImageInput, channels: int = 3) -> torch.Tensor:
    """PIL image(s), uint8/float arrays or tensors → float [B, C, H, W] in [0, 1] (RGB)."""
    if isinstance(images, Image.Image):
        images = [images]
    if isinstance(images, (list, tuple)):
        if not images:
            raise ValueError("no images given")
        arrays = []
        for im in images:
            if not isinstance(im, Image.Image):
                raise TypeError(f"expected PIL images in the list, got {type(im).__name__}")
            arrays.append(np.asarray(im.convert("RGB"), dtype=np.uint8))
        if len({a.shape for a in arrays}) > 1:
            raise ValueError("images in one batch must share a size; resize them first")
        images = np.stack(arrays)
    if isinstance(images, np.ndarray):
        x = torch.from_numpy(images)
        x = x.float() / 255 if images.dtype == np.uint8 else x.float()
        if x.dim() == 3:
            x = x[None]
        if x.shape[-1] in (1, 3, 4) and x.shape[1] not in (1, 3, 4):  # NHWC
            x = x.permute(0, 3, 1, 2)
    elif isinstance(images, torch.Tensor):
        x = images.float() if images.dtype != torch.uint8 else images.float() / 255
        if x.dim() == 3:
            x = x[None]
    else:
        raise TypeError(f"cannot read images of type {type(images).__name__}; pass PIL images or a tensor in [0, 1]")
    if x.dim() != 4:
        raise ValueError(f"expected images shaped [B, C, H, W]; got {tuple(x.shape)}")
    if x.shape[1] == 1 and channels == 3:
        x = x.expand(-1, 3, -1, -1)
    elif x.shape[1] == 4 and channels == 3:
        x = x[:, :3]
    if x.shape[1] != channels:
        raise ValueError(f"expected {channels} channels; got {x.shape[1]}")
    if x.min() < -1e-3 or x.max() > 1 + 1e-3:
        raise ValueError(f"image values must lie in [0, 1]; got [{float(x.min()):.3g}, {float(x.max()):.3g}]")
    return x.clamp(0, 1).contiguous()


def to_pil(x: torch.Tensor) -> list[Image.Image]:
    """[B, 3, H, W] in [0, 1] → PIL images."""
    arr = (x.detach().float().clamp(0, 1) * 255).round().to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()
    return [Image.fromarray(a) for a in arr]

"""Typed configuration of the MAGVIT-v2 image tokenizer, with named presets.

Presets (``ImageTokenizerConfig.from_name``):

- ``magvitv2``  — exactly Show-o's ``showlab/magvitv2``: 16× downsampling, 13 bits (8,192 codes);
  256 px → 16×16 = 256 codes. Its decoder is *not* the mirror of the encoder: Show-o builds it
  with ch_mult (1, 1, 2, 2, 4) and res blocks (4, 4, 3, 4, 3) (see ``models/modeling_magvitv2.py``).
- ``face-f16``  — a small face tokenizer trainable on CPU: 16×, 128 px → 8×8 = 64 codes.
- ``face-f8``   — the same width at 8×: 128 px → 16×16 = 256 codes.
- ``tiny``      — for tests (a few thousand parameters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from unif2ace.config_io import PresetConfigMixin


@dataclass
class ImageTokenizerConfig(PresetConfigMixin):
    KIND: ClassVar[str] = "image tokenizer"

    name: str = "custom"
    ch: int = 128
    ch_mult: tuple[int, ...] = (1, 2, 2, 4, 4)
    num_res_blocks: tuple[int, ...] = (4, 3, 4, 3, 4)
    # Decoder levels, indexed like the encoder's (level 0 = full resolution); None mirrors the encoder.
    decoder_ch_mult: tuple[int, ...] | None = None
    decoder_num_res_blocks: tuple[int, ...] | None = None
    code_bits: int = 13  # LFQ: one bit per latent channel, codebook_size = 2**code_bits
    in_channels: int = 3
    norm_groups: int = 32
    resolution: int = 256  # the training resolution; any multiple of the downsampling factor works

    @property
    def downsample_factor(self) -> int:
        return 2 ** (len(self.ch_mult) - 1)

    @property
    def codebook_size(self) -> int:
        return 2**self.code_bits

    @property
    def dec_ch_mult(self) -> tuple[int, ...]:
        return tuple(self.decoder_ch_mult or self.ch_mult)

    @property
    def dec_num_res_blocks(self) -> tuple[int, ...]:
        return tuple(self.decoder_num_res_blocks or self.num_res_blocks)

    def latent_shape(self, height: int | None = None, width: int | None = None) -> tuple[int, int]:
        f = self.downsample_factor
        return (height or self.resolution) // f, (width or self.resolution) // f

    @property
    def tokens_per_image(self) -> int:
        h, w = self.latent_shape()
        return h * w

    def __post_init__(self) -> None:
        for key in ("ch_mult", "num_res_blocks", "decoder_ch_mult", "decoder_num_res_blocks"):
            value = getattr(self, key)
            if value is not None:
                setattr(self, key, tuple(int(v) for v in value))
        self.validate()

    def validate(self) -> None:
        def bad(msg: str) -> ValueError:
            return ValueError(f"bad image tokenizer config '{self.name}': {msg}")

        if len(self.num_res_blocks) != len(self.ch_mult):
            raise bad(f"num_res_blocks {self.num_res_blocks} needs one entry per ch_mult level {self.ch_mult}")
        if len(self.dec_ch_mult) != len(self.ch_mult) or len(self.dec_num_res_blocks) != len(self.ch_mult):
            raise bad("the decoder needs as many levels as the encoder (same downsampling factor)")
        if not 1 <= self.code_bits <= 20:
            raise bad(f"code_bits {self.code_bits} must be between 1 and 20")
        for m in set(self.ch_mult) | set(self.dec_ch_mult):
            if (self.ch * m) % self.norm_groups:
                raise bad(f"channels {self.ch * m} are not divisible by norm_groups {self.norm_groups}")
        if self.resolution % self.downsample_factor:
            raise bad(f"resolution {self.resolution} is not a multiple of the downsampling factor")

    # ----- presets and config.json: unif2ace.config_io.PresetConfigMixin
    @classmethod
    def presets(cls) -> dict:
        return PRESETS


PRESETS = {
    "magvitv2": lambda: ImageTokenizerConfig(
        name="magvitv2",
        ch=128,
        ch_mult=(1, 2, 2, 4, 4),
        num_res_blocks=(4, 3, 4, 3, 4),
        decoder_ch_mult=(1, 1, 2, 2, 4),
        decoder_num_res_blocks=(4, 4, 3, 4, 3),
        code_bits=13,
        resolution=256,
    ),
    "face-f16": lambda: ImageTokenizerConfig(
        name="face-f16", ch=32, ch_mult=(1, 2, 2, 4, 4), num_res_blocks=(1, 1, 2, 2, 2),
        code_bits=13, norm_groups=16, resolution=128,
    ),
    "face-f8": lambda: ImageTokenizerConfig(
        name="face-f8", ch=32, ch_mult=(1, 2, 4, 4), num_res_blocks=(1, 1, 2, 2),
        code_bits=13, norm_groups=16, resolution=128,
    ),
    "tiny": lambda: ImageTokenizerConfig(
        name="tiny", ch=8, ch_mult=(1, 2, 2), num_res_blocks=(1, 1, 1), code_bits=6, norm_groups=4, resolution=32,
    ),
}

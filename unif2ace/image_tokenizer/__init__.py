"""The image tokenizer (DESIGN §6): MAGVIT-v2 conv encoder/decoder with lookup-free quantisation.

    from unif2ace.image_tokenizer import ImageTokenizer, ImageTokenizerConfig
    tok = ImageTokenizer.from_pretrained("runs/tokenizer-face/final")
    codes = tok.encode(pil_images)      # [B, N] int64 in [0, 2**code_bits)
    images = tok.decode(codes)          # [B, 3, H, W] in [0, 1]
"""

from .config import PRESETS, ImageTokenizerConfig
from .lfq import LFQ
from .model import ImageTokenizer, to_pil, to_tensor

__all__ = ["ImageTokenizer", "ImageTokenizerConfig", "LFQ", "PRESETS", "to_pil", "to_tensor"]

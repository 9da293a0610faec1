"""The image tokenizer (DESIGN §6): MAGVIT-v2 conv encoder/decoder with lookup-free quantisation.

    from unif2ace.image_tokenizer import ImageTokenizer, ImageTokenizerConfig
    tok = ImageTokenizer.from_pretrained("runs/tokenizer-face/final")
    codes = tok.encode(pil_images)      # [B, N] int64 in [0, 2**code_bits)
    images = tok.decode(codes)          # [B, 3, H, W] in [0, 1]
"""

# imported on first use: the CLI imports this package to register its verbs, and torch takes seconds
_LAZY = {"PRESETS": ".config", "ImageTokenizerConfig": ".config", "LFQ": ".lfq", "ImageTokenizer": ".model",
         "to_pil": ".model", "to_tensor": ".model"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ImageTokenizer", "ImageTokenizerConfig", "LFQ", "PRESETS", "to_pil", "to_tensor"]

"""Loops that drive the model with a sampler: image codes (MaskGIT / MDLM) and text (KV-cached decoding).

The samplers' arithmetic lives in :mod:`unif2ace.diffusion.schedulers` (image) and
:mod:`unif2ace.generation.text` (token choice); the model knows nothing about sampling.
"""

from unif2ace.generation.image import ImageGenerationConfig, generate_image_codes
from unif2ace.generation.text import TextGenerationConfig, generate_text

__all__ = ["ImageGenerationConfig", "generate_image_codes", "TextGenerationConfig", "generate_text"]

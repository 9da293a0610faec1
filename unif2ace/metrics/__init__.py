"""Image metrics shared by the tokenizer and the generation evaluation: PSNR, SSIM, FID."""

from .fid import InceptionFeatures, fid_from_features, frechet_distance, gaussian_stats
from .image import psnr, ssim

__all__ = ["InceptionFeatures", "fid_from_features", "frechet_distance", "gaussian_stats", "psnr", "ssim"]

"""Metrics shared by the tokenizer and the evaluation: PSNR, SSIM, FID, KID, VQA normalisation, BLEU, ROUGE-L."""

from .fid import (
    FIDReference,
    InceptionFeatures,
    fid_bootstrap,
    fid_from_features,
    fid_torchmetrics,
    frechet_distance,
    gaussian_stats,
)
from .image import psnr, ssim
from .kid import kid_from_features, mmd2_unbiased
from .text import bleu, normalize_answer, rouge_l

__all__ = ["FIDReference", "InceptionFeatures", "bleu", "fid_bootstrap", "fid_from_features", "fid_torchmetrics",
           "frechet_distance", "gaussian_stats", "kid_from_features", "mmd2_unbiased", "normalize_answer", "psnr", "rouge_l", "ssim"]

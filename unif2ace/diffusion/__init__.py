"""Masked discrete diffusion over image codes: schedule, D3Diff loss and samplers.

- ``schedules``  — the masking schedule (cosine, linear, log-linear) shared by training and
  sampling; ``mask_codes`` noises a batch, ``stratified_uniform`` draws its times.
- ``d3diff``     — the D3Diff loss: masked CE + α · SEDD score entropy (DESIGN §4).
- ``schedulers`` — ``MaskGITScheduler`` (Show-o's decoding) and ``MDLMScheduler`` (ancestral).
"""

from unif2ace.diffusion.d3diff import D3DiffLoss, D3DiffOutput, d3diff_loss
from unif2ace.diffusion.schedulers import MaskGITScheduler, MDLMScheduler, draw_categorical, sample_codes
from unif2ace.diffusion.schedules import (
    CosineSchedule,
    LinearSchedule,
    LogLinearSchedule,
    MaskSchedule,
    get_schedule,
    mask_codes,
    stratified_uniform,
)

__all__ = [
    "D3DiffLoss",
    "D3DiffOutput",
    "d3diff_loss",
    "MaskGITScheduler",
    "MDLMScheduler",
    "draw_categorical",
    "sample_codes",
    "MaskSchedule",
    "CosineSchedule",
    "LinearSchedule",
    "LogLinearSchedule",
    "get_schedule",
    "mask_codes",
    "stratified_uniform",
]

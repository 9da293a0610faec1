"""dlib's face descriptor network (``dlib_face_recognition_resnet_model_v1.dat``) in PyTorch.

dlib ships the network as its own binary serialisation of ``anet_type`` (dlib's
``dnn_face_recognition_ex.cpp``): a 150×150 RGB chip, a 7×7/2 convolution and a 3×3/2 max pool, 14
residual blocks of two 3×3 convolutions (32, 64, 128, 256 and 256 filters; the first block of each
width after the first downsamples with a stride-2 convolution and a 2×2 average pool on the shortcut),
a global average pool and a 256→128 linear map without bias. Its batch norms are stored as ``affine``
layers (a per-channel scale and shift). This module reads the file itself (:func:`read_dlib_net`: the
parts of dlib's format that this file uses, every layer checked against that layout) and runs the same
arithmetic in torch, where it is batched and uses the CPU's vector units: about 6 ms a face on two
cores against dlib's 75 ms (dlib-bin is built without BLAS). ``tests/test_encoders.py`` compares it
with dlib's own ``compute_face_descriptor`` on real faces.

Two of dlib's rules matter for equality: convolutions and pools with a stride of 2 have no padding (so
a 150 px chip runs 72, 35, 17, 8, 4, 2 px), and a residual sum of two tensors of different sizes (3×3
against the shortcut's 4×4, or 32 against 64 channels) zero-pads the smaller one at the end of each
axis (``add_prev``, ``tt::add``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

CHIP_SIZE, CHIP_PADDING = 150, 0.25  # dlib.get_face_chip's arguments, as compute_face_descriptor uses them


class DlibFormatError(ValueError):
    """The file is not dlib's face recognition ResNet as this module reads it."""


@dataclass
class _Layer:
    kind: str  # "input", "con", "affine", "relu", "max_pool", "avg_pool", "add_prev", "fc"
    params: np.ndarray | None = None
    shape: tuple[int, ...] = ()  # con: (filters, channels, rows, cols); fc: (inputs, outputs); affine: channels
    stride: int = 1
    padding: int = 0
    window: int = 0  # pools; 0: the whole image (avg_pool_everything)
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)  # input: the per-channel mean dlib subtracts


class _Reader:
    """dlib's serialisation primitives (``dlib/serialize.h``, ``dlib/cuda/tensor.h``)."""

    def __init__(self, data: bytes, pos: int = 0):
        self.data, self.pos = data, pos

    def int(self) -> int:  # a size byte (low 4 bits: byte count, bit 7: sign), then little-endian bytes
        head = self.data[self.pos]
        n = head & 0x0F
        value = int.from_bytes(self.data[self.pos + 1:self.pos + 1 + n], "little")
        self.pos += 1 + n
        return -value if head & 0x80 else value

    def str(self) -> str:
        n = self.int()
        text = self.data[self.pos:self.pos + n].decode("latin-1")
        self.pos += n
        return text

    def float(self) -> float:  # float_details: mantissa and exponent, both as ints
        mantissa = self.int()
        return mantissa * 2.0 ** self.int()

    def tensor(self) -> np.ndarray:  # version 2, (num_samples, k, nr, nc), then raw little-endian float32
        if self.int() != 2:
            raise DlibFormatError("unknown tensor version")
        shape = tuple(self.int() for _ in range(4))
        n = int(np.prod(shape))
        if self.pos + 4 * n > len(self.data):
            raise DlibFormatError("tensor runs past the end of the file")
        out = np.frombuffer(self.data, "<f4", n, self.pos).reshape(shape)
        self.pos += 4 * n
        return out

    def alias(self) -> tuple[int, ...]:  # an alias_tensor: version 1 and a shape into the layer's params
        if self.int() != 1:
            raise DlibFormatError("unknown alias_tensor version")
        return tuple(self.int() for _ in range(4))


# the layer details' version strings of the file dlib.net distributes (written by dlib 19.x)
_DETAILS = {"input_rgb_image_sized": "input", "con_4": "con", "affine_": "affine", "relu_": "relu",
            "max_pool_2": "max_pool", "avg_pool_2": "avg_pool", "add_prev_": "add_prev", "fc_2": "fc"}
_NAME = re.compile(b"\x01(.)(" + b"|".join(re.escape(k.encode()) for k in _DETAILS) + b")", re.S)


def read_dlib_net(path: str | Path) -> list[_Layer]:
    """The layers of dlib's serialised face descriptor network, input first.

    dlib writes a network from the outside in: each layer's version, then its input (recursively), then
    its details, then training state (flags and tensors that this file leaves empty). So the details
    appear input first; each starts with its version string, found here from where the last one
    ended (never inside a weight tensor)."""
    data = Path(path).read_bytes()
    layers, pos = [], 0
    while (m := _NAME.search(data, pos)) is not None:
        if m.group(1)[0] != len(m.group(2)):  # a length byte that does not fit: not a string header
            pos = m.start() + 1
            continue
        r = _Reader(data, m.start())
        kind = _DETAILS[r.str()]
        if kind == "input":
            mean = (r.float(), r.float(), r.float())
            rows, cols = r.int(), r.int()
            if (rows, cols) != (CHIP_SIZE, CHIP_SIZE):
                raise DlibFormatError(f"the network reads {rows}×{cols} chips, not {CHIP_SIZE}×{CHIP_SIZE}")
            layer = _Layer(kind, mean=mean)
        elif kind == "con":
            params = r.tensor()
            filters, rows, cols, stride_y, stride_x, pad_y, pad_x = (r.int() for _ in range(7))
            shape = r.alias()
            if r.alias() != (1, filters, 1, 1) or shape[0] != filters or (rows, cols) != shape[2:] \
                    or stride_y != stride_x or pad_y != pad_x or rows != cols or params.size != np.prod(shape) + filters:
                raise DlibFormatError("a convolution whose shape this reader does not know")
            layer = _Layer(kind, params.reshape(-1), shape, stride_y, pad_y)
        elif kind == "affine":
            params = r.tensor()
            gamma, beta = r.alias(), r.alias()
            r.int()  # mode: per channel (CONV_MODE) in this network, checked by the shapes
            if gamma != beta or gamma[0] != 1 or gamma[2:] != (1, 1) or params.size != 2 * gamma[1]:
                raise DlibFormatError("an affine layer that is not per channel")
            layer = _Layer(kind, params.reshape(-1), (gamma[1],))
        elif kind in ("max_pool", "avg_pool"):
            rows, cols, stride_y, stride_x, pad_y, pad_x = (r.int() for _ in range(6))
            if rows != cols or stride_y != stride_x or pad_y != 0 or pad_x != 0:
                raise DlibFormatError("a pooling layer this reader does not know")
            layer = _Layer(kind, window=rows, stride=stride_y)
        elif kind == "fc":
            outputs, inputs = r.int(), r.int()
            params = r.tensor()
            weights, biases = r.alias(), r.alias()
            if weights[:2] != (inputs, outputs) or any(biases) or params.size != inputs * outputs:
                raise DlibFormatError("a linear layer with a bias, which this network does not have")
            layer = _Layer(kind, params.reshape(-1), (inputs, outputs))
        else:
            layer = _Layer(kind)
        layers.append(layer)
        pos = r.pos
    return layers


class _Block(nn.Module):
    """relu(affine(conv(relu(affine(conv(x))))) + shortcut(x)); the shortcut is a 2×2 average pool when the
    first convolution has a stride of 2."""

    def __init__(self, conv1: nn.Conv2d, norm1: _Affine, conv2: nn.Conv2d, norm2: _Affine, down: bool):
        super().__init__()
        self.conv1, self.norm1, self.conv2, self.norm2, self.down = conv1, norm1, conv2, norm2, down

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.norm2(self.conv2(F.relu(self.norm1(self.conv1(x)))))
        return F.relu(_padded_sum(y, F.avg_pool2d(x, 2, 2) if self.down else x))


class _Affine(nn.Module):
    def __init__(self, params: np.ndarray, channels: int):
        super().__init__()
        p = torch.tensor(params)
        self.register_buffer("gamma", p[:channels].view(1, -1, 1, 1))
        self.register_buffer("beta", p[channels:].view(1, -1, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gamma + self.beta


def _padded_sum(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """dlib's add_prev: the sum at the larger size of each axis, the smaller tensor zero-padded at the end."""
    if a.shape == b.shape:
        return a + b
    c, h, w = (max(a.shape[i], b.shape[i]) for i in (1, 2, 3))

    def grow(t):
        return F.pad(t, (0, w - t.shape[3], 0, h - t.shape[2], 0, c - t.shape[1]))

    return grow(a) + grow(b)


def _conv(layer: _Layer) -> nn.Conv2d:
    filters, channels, k, _ = layer.shape
    conv = nn.Conv2d(channels, filters, k, stride=layer.stride, padding=layer.padding)
    n = filters * channels * k * k
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(layer.params[:n]).view(layer.shape))
        conv.bias.copy_(torch.tensor(layer.params[n:]))
    return conv


# a residual block's layers as dlib lists them, input first; a downsampling block pools its shortcut
_BLOCK = ["con", "affine", "relu", "con", "affine", "add_prev", "relu"]
_DOWN_BLOCK = _BLOCK[:5] + ["avg_pool"] + _BLOCK[5:]


class DlibResNet(nn.Module):
    """dlib's face descriptor: (N, 150, 150, 3) uint8 RGB chips (``dlib.get_face_chip(img, shape, 150,
    0.25)``) → (N, 128) descriptors exactly as ``compute_face_descriptor`` returns them (not normalised)."""

    def __init__(self, layers: list[_Layer]):
        super().__init__()
        kinds = [layer.kind for layer in layers]
        stem = ["input", "con", "affine", "relu", "max_pool"]
        if kinds[:5] != stem or kinds[-2:] != ["avg_pool", "fc"] or layers[-2].window != 0:
            raise DlibFormatError("not the layout of dlib's face recognition ResNet (stem, blocks, pool, fc)")
        self.register_buffer("mean", torch.tensor(layers[0].mean, dtype=torch.float32).view(1, 3, 1, 1))
        self.conv = _conv(layers[1])
        self.norm = _Affine(layers[2].params, layers[2].shape[0])
        self.pool = layers[4]
        blocks, i = [], 5
        while i < len(layers) - 2:
            down = kinds[i:i + len(_DOWN_BLOCK)] == _DOWN_BLOCK and layers[i + 5].window == 2
            if not down and kinds[i:i + len(_BLOCK)] != _BLOCK:
                raise DlibFormatError(f"layer {i} ({kinds[i]}) does not start a residual block")
            a, b = layers[i], layers[i + 3]
            blocks.append(_Block(_conv(a), _Affine(layers[i + 1].params, a.shape[0]), _conv(b),
                                 _Affine(layers[i + 4].params, b.shape[0]), down))
            i += len(_DOWN_BLOCK if down else _BLOCK)
        self.blocks = nn.Sequential(*blocks)
        fc = layers[-1]
        self.fc = nn.Linear(*fc.shape, bias=False)
        with torch.no_grad():
            self.fc.weight.copy_(torch.tensor(fc.params).view(fc.shape).T)

    @classmethod
    def from_file(cls, path: str | Path) -> DlibResNet:
        return cls(read_dlib_net(path)).eval()

    def forward(self, chips: torch.Tensor) -> torch.Tensor:
        x = (chips.permute(0, 3, 1, 2).float() - self.mean) / 256.0  # dlib's input_rgb_image scaling
        x = F.max_pool2d(F.relu(self.norm(self.conv(x))), self.pool.window, self.pool.stride)
        return self.fc(self.blocks(x).mean((2, 3)))

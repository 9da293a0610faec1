"""Measurements from pixels and landmarks: face state, head pose, skin tone (ITA), photo properties.

Every function returns plain numbers; :mod:`unif2ace.data.labelling.labeller` turns them into
labels with confidences (values near a decision threshold get low confidence and stay out of text).
All landmark indices are the 68-point iBUG layout.
"""

from __future__ import annotations

import numpy as np


def _dist(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b))


def eye_aspect_ratio(p: np.ndarray) -> float:
    """Mean eye aspect ratio (Soukupová & Čech 2016) of both eyes; ≈0.3 open, <0.15 closed."""

    def ear(e: np.ndarray) -> float:
        return (_dist(e[1], e[5]) + _dist(e[2], e[4])) / (2.0 * _dist(e[0], e[3]) + 1e-6)

    return (ear(p[36:42]) + ear(p[42:48])) / 2.0


def mouth_opening(p: np.ndarray) -> float:
    """Inner-lip gap over mouth width (points 62–66 / 60–64): ≈0 closed, >0.2 clearly open."""
    gap = np.mean([_dist(p[61], p[67]), _dist(p[62], p[66]), _dist(p[63], p[65])])
    return gap / (_dist(p[60], p[64]) + 1e-6)


def smile_measure(p: np.ndarray) -> tuple[float, float]:
    """(mouth width / inter-ocular distance, corner lift / mouth width).

    A smile widens the mouth and lifts its corners above the line through the lips' centre.
    """
    iod = _dist(p[36:42].mean(0), p[42:48].mean(0)) + 1e-6
    width = _dist(p[48], p[54])
    centre_y = (p[51, 1] + p[57, 1] + p[62, 1] + p[66, 1]) / 4.0
    lift = (centre_y - (p[48, 1] + p[54, 1]) / 2.0) / (width + 1e-6)
    return width / iod, lift


def head_pose(p: np.ndarray) -> tuple[float, float]:
    """(yaw ratio, roll degrees). Yaw ratio: nose tip offset from the jaw's midline over jaw width
    (negative: nose towards the image's left). Roll: angle of the line through the eye centres."""
    jaw_l, jaw_r = p[0], p[16]
    mid = (jaw_l + jaw_r) / 2.0
    width = _dist(jaw_l, jaw_r) + 1e-6
    axis = (jaw_r - jaw_l) / width
    yaw = float(np.dot(p[30] - mid, axis) / width)
    le, re = p[36:42].mean(0), p[42:48].mean(0)
    roll = float(np.degrees(np.arctan2(re[1] - le[1], re[0] - le[0])))
    return yaw, roll


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) uint8 sRGB → CIELAB (D65)."""
    c = rgb.astype(np.float64) / 255.0
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    m = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    L = 116 * f[..., 1] - 16
    a = 500 * (f[..., 0] - f[..., 1])
    b = 200 * (f[..., 1] - f[..., 2])
    return np.stack([L, a, b], -1)


def skin_patches(rgb: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Pixels (N, 3) from both cheeks and the forehead centre, placed by landmarks."""
    iod = _dist(p[36:42].mean(0), p[42:48].mean(0))
    r = max(2, int(0.12 * iod))
    centres = [
        (p[41] + p[48]) / 2.0 + np.array([-0.1 * iod, 0]),  # left cheek (image left)
        (p[46] + p[54]) / 2.0 + np.array([0.1 * iod, 0]),  # right cheek
        (p[21] + p[22]) / 2.0 - np.array([0, 0.35 * iod]),  # forehead above the brows
    ]
    h, w = rgb.shape[:2]
    out = []
    for cx, cy in centres:
        x0, x1 = int(max(cx - r, 0)), int(min(cx + r, w))
        y0, y1 = int(max(cy - r, 0)), int(min(cy + r, h))
        if x1 > x0 and y1 > y0:
            out.append(rgb[y0:y1, x0:x1].reshape(-1, 3))
    return np.concatenate(out) if out else np.zeros((0, 3), np.uint8)


def individual_typology_angle(pixels: np.ndarray) -> tuple[float, float]:
    """(ITA degrees, spread): ITA = atan((L* − 50) / b*) of the median skin colour (Chardon et al. 1991).

    Spread = the interquartile range of per-pixel ITA, a confidence signal (shadows, hair, glare).
    """
    lab = _srgb_to_lab(pixels)
    # discard specular highlights and deep shadows
    keep = (lab[:, 0] > 15) & (lab[:, 0] < 95)
    lab = lab[keep] if keep.sum() > 20 else lab
    per_pixel = np.degrees(np.arctan2(lab[:, 0] - 50, np.maximum(lab[:, 2], 1e-3)))
    L, b = np.median(lab[:, 0]), np.median(lab[:, 2])
    ita = float(np.degrees(np.arctan2(L - 50, max(b, 1e-3))))
    q1, q3 = np.percentile(per_pixel, [25, 75])
    return ita, float(q3 - q1)


def photo_properties(rgb: np.ndarray) -> dict[str, float]:
    """Colourfulness (mean max channel difference), Laplacian-variance sharpness, mean luminance 0–255."""
    x = rgb.astype(np.float32)
    chroma = float(np.mean(x.max(-1) - x.min(-1)))
    grey = x @ np.array([0.299, 0.587, 0.114], np.float32)
    lap = grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:] - 4 * grey[1:-1, 1:-1]
    return {"chroma": chroma, "sharpness": float(lap.var()), "luminance": float(grey.mean())}


def glasses_score(rgb: np.ndarray, p: np.ndarray) -> float:
    """Edge strength across the nose bridge between the eyes, where a glasses frame crosses.

    Mean |vertical gradient| in a band between the inner eye corners (39, 42), from the top of the
    nose (27) to just below the eye line (29), over the same measure on the cheeks' skin; frames
    give a sharp horizontal edge there, bare skin does not.
    """
    grey = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    iod = _dist(p[36:42].mean(0), p[42:48].mean(0))
    x0, x1 = int(p[39, 0] + 0.1 * iod), int(p[42, 0] - 0.1 * iod)
    y0, y1 = int(p[27, 1] - 0.25 * iod), int(p[29, 1])
    h, w = grey.shape
    x0, x1, y0, y1 = max(x0, 0), min(x1, w - 1), max(y0, 1), min(y1, h - 2)
    if x1 - x0 < 2 or y1 - y0 < 3:
        return 0.0
    gy = np.abs(grey[y0 + 1 : y1 + 1, x0:x1] - grey[y0 - 1 : y1 - 1, x0:x1])
    # the strongest row of horizontal edges (a frame is a line, not texture)
    row = gy.mean(1)
    return float(row.max() / (np.median(row) + 4.0))


def facial_hair_score(rgb: np.ndarray, p: np.ndarray) -> float:
    """How much darker the chin and the upper lip are than the cheeks (relative luminance, summed).

    A beard darkens the chin below the lower lip, a moustache the band between nose and lip;
    normalising by the cheeks' own luminance keeps the measure comparable across skin tones.
    """
    grey = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    h, w = grey.shape
    iod = _dist(p[36:42].mean(0), p[42:48].mean(0))

    def region(x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
        x0, x1 = int(max(x0, 0)), int(min(x1, w))
        y0, y1 = int(max(y0, 0)), int(min(y1, h))
        return grey[y0:y1, x0:x1].ravel()

    r = 0.12 * iod
    cheeks = [(p[41] + p[48]) / 2 - [0.1 * iod, 0], (p[46] + p[54]) / 2 + [0.1 * iod, 0]]
    cheek = np.concatenate([region(c[0] - r, c[0] + r, c[1] - r, c[1] + r) for c in cheeks])
    chin = region(p[7, 0], p[9, 0], p[57, 1] + 0.25 * (p[8, 1] - p[57, 1]), p[8, 1] - 0.05 * iod)
    lip = region(p[49, 0], p[53, 0], p[33, 1] + 0.1 * (p[51, 1] - p[33, 1]), p[51, 1] - 0.1 * (p[51, 1] - p[33, 1]))
    if cheek.size == 0 or chin.size == 0 or lip.size == 0:
        return 0.0
    ref = float(np.median(cheek)) + 1.0
    return (ref - float(np.median(chin))) / ref + (ref - float(np.median(lip))) / ref

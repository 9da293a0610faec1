"""scripts/photo_conditions.py: the changed photos, the scores, and a faceless photo costing only itself."""

import runpy
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("dlib")
skimage_data = pytest.importorskip("skimage.data")

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "photo_conditions.py"


@pytest.fixture(scope="module")
def script():
    return runpy.run_path(str(SCRIPT))


@pytest.fixture(scope="module")
def astronaut():
    return Image.fromarray(skimage_data.astronaut()).crop((120, 20, 330, 230))  # a chip-like crop of her face


def _record(gender: str, age: int):
    return SimpleNamespace(attributes={"gender": SimpleNamespace(value=gender), "age": SimpleNamespace(value=age)})


def test_each_condition_changes_the_photo_as_named(script, astronaut):
    background = Image.fromarray(skimage_data.coffee())
    out = {name: change(astronaut, background, 3) for name, change in script["CONDITIONS"].items()}
    assert out["chip, aligned"] is astronaut
    for name in ("in a 640×480 picture", "in a picture, tilted 20°", "small face (60 px wide)"):
        assert out[name].size == script["FRAME"]
    # the same picture on its side (a quarter turn, whose way alternates with the photo's index) and upside down
    picture = np.asarray(out["in a 640×480 picture"])
    assert np.array_equal(np.asarray(out["in a picture, on its side (turned 90°)"]), np.rot90(picture, 1))
    assert np.array_equal(np.asarray(out["in a picture, upside down"]), np.rot90(picture, 2))
    phone = np.asarray(out["high resolution (1600 px, grain)"], np.float64)
    smooth = np.asarray(astronaut.resize((1600, 1600), Image.BICUBIC), np.float64)
    assert phone.shape == (1600, 1600, 3) and 5 < (phone - smooth).std() < 12  # σ 8 grain, and JPEG's own
    grey = np.asarray(out["black-and-white"], np.int16)
    assert (grey[..., 0] == grey[..., 1]).all() and (grey[..., 1] == grey[..., 2]).all()
    mean = {k: np.asarray(v, np.float64).mean() for k, v in out.items()}
    assert mean["dim (brightness × 0.4)"] < 0.5 * mean["chip, aligned"] < mean["bright (brightness × 1.8)"] / 1.5
    assert np.asarray(out["washed out (contrast × 0.5)"]).std() < 0.6 * np.asarray(astronaut).std()
    # the same seed places the face at the same spot; another seed elsewhere
    again = script["in_frame"](astronaut, background, 3)
    assert np.array_equal(np.asarray(again), np.asarray(out["in a 640×480 picture"]))
    assert not np.array_equal(np.asarray(script["in_frame"](astronaut, background, 4)), np.asarray(again))


def test_scores_count_misses_and_compare_with_labels_and_the_chip(script):
    records = [_record("male", 40), _record("female", 8), _record("female", 70), _record("male", 25)]
    reference = ["A photo of a 40-year-old man.", "A photo of a 8-year-old girl.", "A photo of a 70-year-old woman.",
                 "A photo of a 25-year-old woman."]
    captions = ["A photo of a 45-year-old man.", None, "A photo of a 30-year-old woman.", "A photo of a 25-year-old man."]
    s = script["scores"](records, captions, reference)
    assert s["n"] == 4 and s["found"] == 0.75
    assert s["gender_found"] == 1.0 and s["gender_all"] == 0.75  # the miss counts wrong over all
    assert s["age_group_found"] == pytest.approx(2 / 3) and s["age_group_all"] == 0.5
    assert s["same_gender_as_chip"] == pytest.approx(2 / 3)  # the last photo: "man" against the chip's "woman"
    assert s["same_age_group_as_chip"] == pytest.approx(2 / 3)  # 70 against 30
    assert "| x | 75.0% | 100.0% / 66.7% | 75.0% / 50.0% | 66.7% / 66.7% |" in script["table"]({"x": s})


def test_a_faceless_photo_costs_only_its_own_description(script, tmp_path, astronaut):
    from unif2ace.pipeline import UniF2ace, write_random_model

    pipe = UniF2ace.from_pretrained(write_random_model(tmp_path / "tiny"), dtype="float32")
    blank = Image.new("RGB", (200, 200), (128, 128, 128))
    out = script["describe"](pipe, [astronaut, blank, astronaut], True, 2)
    assert out[1] is None and isinstance(out[0], str) and out[0] == out[2]

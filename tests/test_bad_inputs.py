"""The bad-input corpus (scripts/make_bad_inputs.py) through all three interfaces on a tiny random model.

Each case has an expected outcome: "ok" (unusual but valid: CMYK, palette, animated GIF, RTL text, emoji,
a 2.0 for steps, …) must work; "error" must be refused clearly. Clearly means: the Python API raises a
ValueError / OSError subclass with a one-line message; the CLI exits 2 with one ``unif2ace …: error:``
line and no traceback; the server answers 4xx with a one-line JSON error, never 5xx. Every case must
finish quickly (no hang): the slowest allowed is a few seconds.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from unif2ace.cli import main as cli_main
from unif2ace.pipeline import UniF2ace, write_random_model
from unif2ace.pipeline.faces import detect_face, load_image

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from unif2ace.serve import Limits, create_app  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SLOW = 20.0  # seconds: anything slower counts as a hang (the 2-core test machine is shared)


def _load_script():
    spec = importlib.util.spec_from_file_location("make_bad_inputs", REPO / "scripts" / "make_bad_inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bad = _load_script()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    assert bad.main([str(out)]) == 0
    return out, json.loads((out / "manifest.json").read_text())


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return write_random_model(tmp_path_factory.mktemp("model") / "tiny", steps=1)


@pytest.fixture(scope="module")
def pipe(model_dir):
    return UniF2ace.from_pretrained(model_dir)


@pytest.fixture(scope="module")
def client(pipe):
    app = create_app(pipe, Limits(max_new_tokens=2), max_wait_ms=1)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _api(call):
    """("ok", result) or ("error", message); anything else (a bug's exception) propagates."""
    start = time.perf_counter()
    try:
        result = ("ok", call())
    except (ValueError, OSError) as exc:
        message = str(exc)
        assert message and "\n" not in message, repr(message)
        result = ("error", message)
    assert time.perf_counter() - start < SLOW
    return result


def _cli(capsys, argv: list[str]) -> tuple[int, str]:
    """(exit code, stderr); stdout stays in ``_cli.out``."""
    start = time.perf_counter()
    try:
        code = cli_main(argv)
    except SystemExit as exc:  # argparse's usage errors exit (2) from inside parse_args
        code = exc.code
    captured = capsys.readouterr()
    err, _cli.out = captured.err, captured.out
    assert time.perf_counter() - start < SLOW
    assert "Traceback" not in err, err
    if code:
        lines = [x for x in err.splitlines() if x.strip()]
        assert code == 2 and lines and all(": error: " in x for x in lines), err
    return code, err


def _server(response) -> str:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert 400 <= response.status_code < 500
        message = response.json()["error"]
        assert message and "\n" not in message
        return "error"
    return "ok"


# ------------------------------------------------------------------ images
def test_the_corpus_covers_every_case_of_the_issue(corpus):
    folder, manifest = corpus
    names = {c["file"] for c in manifest["images"]}
    for needed in ("cmyk.jpg", "palette.png", "animated.gif", "one-pixel.png", "bomb-12000.png", "svg-renamed.png",
                   "truncated.jpg", "truncated.png", "grey16.png"):
        assert needed in names
    ids = {c["id"] for c in manifest["texts"]}
    assert {"nul", "lone-high-surrogate", "rtl", "zero-width", "emoji", "empty", "huge"} <= ids
    total = sum(len(v) for v in manifest.values())
    print(f"corpus: {total} cases")  # noqa: T201 - the size the report quotes
    assert total >= 130


def test_images_through_the_api(pipe, corpus):
    folder, manifest = corpus
    for case in manifest["images"]:
        path = folder / "images" / case["file"]
        outcome, value = _api(lambda path=path: pipe.prepare([path], align=False))
        assert outcome == case["expect"], (case, value)
        if outcome == "ok":
            assert value[0].size == (pipe.image_size, pipe.image_size) and value[0].mode == "RGB"
        else:
            assert case["file"] in value, value  # the message names the file


def test_images_through_the_cli(model_dir, corpus, capsys):
    folder, manifest = corpus
    cases = manifest["images"]
    paths = [str(folder / "images" / c["file"]) for c in cases]
    code, err = _cli(capsys, ["caption", *paths, "--model", str(model_dir), "--no-align", "--max-new-tokens", "1",
                              "--json", "-q"])
    out = _cli.out
    assert code == 2  # some failed, and the exit says so at the end
    captioned = {json.loads(line)["image"] for line in out.splitlines() if line.startswith("{")}
    for case, path in zip(cases, paths):
        # every photo was processed: the good ones captioned, the bad ones one error line each
        assert (path in captioned) == (case["expect"] == "ok"), case
        assert (path in err) == (case["expect"] == "error"), case


def test_images_through_the_server(client, corpus):
    folder, manifest = corpus
    for case in manifest["images"]:
        data = (folder / "images" / case["file"]).read_bytes()
        response = client.post("/v1/caption", files={"images": (case["file"], data)}, data={"align": "false"})
        assert _server(response) == case["expect"], (case, response.text)


def test_exif_rotation_and_16_bit_grey_are_read_as_seen(corpus):
    folder, manifest = corpus
    if not (folder / "images" / "face-exif-rotated.jpg").exists():
        pytest.skip("scikit-image is not installed: no face photo for the EXIF case")
    pytest.importorskip("dlib")
    from unif2ace.data.labelling.face import _detector

    def upright_face(rgb: np.ndarray) -> bool:  # dlib's detector on the photo as given (detect_face also turns it)
        return any(_detector().run(rgb, upsample, 0.0)[0] for upsample in (0, 1))

    rotated = folder / "images" / "face-exif-rotated.jpg"
    assert upright_face(np.asarray(load_image(rotated)))
    with Image.open(rotated) as raw:  # as stored, without the tag: the face lies on its side
        assert raw.size == (256, 256) and not upright_face(np.asarray(raw.convert("RGB")))
        # (detect_face finds it on a quarter-turned look all the same: a photo whose tag was lost)
        assert detect_face(np.asarray(raw.convert("RGB"))) is not None
    grey = np.asarray(load_image(folder / "images" / "grey16.png"), dtype=np.float64)
    with Image.open(folder / "images" / "grey16.png") as raw16:
        want = np.asarray(raw16, dtype=np.float64) / 257  # the 8-bit values the 16-bit ones came from
    assert np.abs(grey[..., 0] - want).max() <= 1 and grey.std() > 30  # scaled, not clipped to white
    assert detect_face(np.asarray(load_image(folder / "images" / "face-grey16.png"))) is not None


def test_arrays_and_tensors_are_read_as_torchvision_and_numpy_give_them():
    """uint8 (H, W, C) arrays, (C, H, W) tensors of floats in [0, 1] (torchvision's to_tensor) or uint8, greyscale
    and boolean masks give the same pixels as the PIL image; other values are one line saying what is wanted."""
    from unif2ace.pipeline.pipeline import _as_list
    from unif2ace.validation import InvalidInput

    rgb = np.random.default_rng(0).integers(0, 256, (20, 24, 3), dtype=np.uint8)
    chw = torch.from_numpy(rgb).permute(2, 0, 1)
    for given in (rgb, chw, chw.float() / 255, chw.double() / 255, rgb.astype(np.float32) / 255):
        assert np.array_equal(np.asarray(load_image(given)), rgb), type(given)
    grey = rgb[..., 0]
    for given in (grey, grey[..., None], torch.from_numpy(grey)[None].float() / 255):
        assert np.array_equal(np.asarray(load_image(given))[..., 1], grey)
    mask = np.zeros((20, 24), bool)
    mask[5:10] = True
    assert np.array_equal(np.asarray(load_image(mask))[..., 0], mask * 255)
    for bad, says in ((chw.float(), r"values in \[0, 1\].*\(x \+ 1\) / 2"), (chw.float() / 127.5 - 1, r"\[0, 1\]"),
                      (rgb.astype(np.int64), "uint8 values or floats"), (np.zeros((2, 20, 24, 3), np.uint8), "(H, W)"),
                      (torch.full((3, 20, 24), float("nan")), r"\[0, 1\]")):
        with pytest.raises(InvalidInput, match=says):
            load_image(bad)
    batch = torch.stack([chw, chw]).float() / 255  # (N, C, H, W): a batch is a list of photos
    assert [np.array_equal(np.asarray(load_image(x)), rgb) for x in _as_list(batch)] == [True, True]


def test_mask_errors_of_edit_are_422(client):
    photo = Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8))

    def png(im):
        import io

        buf = io.BytesIO()
        im.save(buf, "PNG")
        return buf.getvalue()

    for mask in (Image.new("L", (32, 32), 255), Image.new("L", (64, 64), 0)):
        response = client.post("/v1/edit", files={"image": ("p.png", png(photo)), "mask": ("m.png", png(mask))},
                               data={"prompt": "a man", "align": "false", "steps": "1"})
        assert response.status_code == 422 and "mask" in response.json()["error"], response.text


# ------------------------------------------------------------------ texts
def test_texts_through_the_api(pipe, corpus):
    photo = Image.new("RGB", (64, 64), "grey")
    for case in corpus[1]["texts"]:
        text = bad.decode_value(case["text"])
        outcome, value = _api(lambda text=text: pipe.generate(text, steps=1, seed=0))
        assert outcome == case["expect"], (case["id"], value)
        outcome, value = _api(lambda text=text: pipe.ask([photo], [text], align=False, max_new_tokens=1))
        assert outcome == case["expect"], (case["id"], value)


def test_texts_through_the_cli(model_dir, corpus, capsys, tmp_path):
    for case in corpus[1]["texts"]:
        text = bad.decode_value(case["text"])
        code, err = _cli(capsys, ["generate", text, "--model", str(model_dir), "--steps", "1", "--seed", "0",
                                  "--out", str(tmp_path), "-q"])
        assert (code == 0) == (case["expect"] == "ok"), (case["id"], err)


def test_texts_through_the_server(client, corpus):
    for case in corpus[1]["texts"]:
        text = bad.decode_value(case["text"])
        body = json.dumps({"prompt": text, "steps": 1, "seed": 0})  # ensure_ascii: "\ud800" escapes, as JS sends
        response = client.post("/v1/generate", content=body, headers={"content-type": "application/json"})
        want = case["expect"] if len(text) <= Limits().max_prompt_chars else "error"  # the server's own cap
        assert _server(response) == want, (case["id"], response.text)
        # a form field carries bytes: a lone surrogate arrives as the invalid UTF-8 a careless client sends
        data = {"questions": text.encode("utf-8", "surrogatepass")}
        files = {"images": ("p.png", _png_bytes())}
        response = client.post("/v1/ask", files=files, data={**data, "align": "false"})
        assert _server(response) == want, (case["id"], response.text)


def _png_bytes() -> bytes:
    import io

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), "grey").save(buf, "PNG")
    return buf.getvalue()


def test_a_non_utf8_argument_is_one_line(model_dir, tmp_path):
    """A real process: the shell passes bytes that are not UTF-8 (Python sees lone surrogates)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    argv = [os.fsencode(sys.executable), b"-m", b"unif2ace", b"generate", b"a \xff\xfe man", b"--model",
            os.fsencode(model_dir), b"--steps", b"1", b"--out", os.fsencode(tmp_path), b"-q"]
    out = subprocess.run(argv, capture_output=True, env=env, timeout=120)
    err = out.stderr.decode("utf-8", "replace")
    assert out.returncode == 2 and "Traceback" not in err and "unpaired surrogate" in err, err
    assert len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------ numbers and bodies
INT_OPTIONS = ("steps", "candidates", "seed")


def _number_call(pipe, option, value):
    if option == "seed":
        return pipe.generate("a man", steps=1, seed=value)
    kw = {"steps": 1, option: value} if option != "steps" else {option: value}
    if option == "candidates":
        kw["steps"] = 1
    return pipe.generate("a man", seed=0, **kw)


def test_numbers_through_the_api(pipe, corpus):
    for case in corpus[1]["numbers"]:
        value = bad.decode_value(case["value"])
        outcome, message = _api(lambda case=case, value=value: _number_call(pipe, case["option"], value))
        assert outcome == case["expect"], (case, message)
        if outcome == "error":
            assert case["option"] in message, message  # the message names the option


def test_numbers_through_the_cli(model_dir, corpus, capsys, tmp_path):
    checked = 0
    for case in corpus[1]["numbers"]:
        value = bad.decode_value(case["value"])
        if isinstance(value, (str, bool, list, dict)) or value is None:
            continue  # a command line has only text: these type cases exist for JSON
        expect = case["expect"]
        if case["option"] in INT_OPTIONS and isinstance(value, float):
            expect = "error"  # "2.0" is not an integer option's value on a command line (argparse int)
        flag = "--" + case["option"].replace("_", "-")
        argv = ["generate", "a man", "--model", str(model_dir), "--out", str(tmp_path), "-q", flag, str(value)]
        if case["option"] != "steps":
            argv += ["--steps", "1"]
        code, err = _cli(capsys, argv)
        assert (code == 0) == (expect == "ok"), (case, err)
        checked += 1
    assert checked >= 40


def test_numbers_through_the_server(client, corpus):
    for case in corpus[1]["numbers"]:
        value = bad.decode_value(case["value"])
        body = {"prompt": "a man", case["option"]: value}
        body.setdefault("steps", 1)
        expect = case["expect"]
        if case["option"] in INT_OPTIONS and isinstance(value, float):
            expect = "error"  # JSON requests are strict about types: 2.0 is not an integer
        if case["option"] == "candidates" and isinstance(value, int) and value > Limits().max_images:
            expect = "error"
        response = client.post("/v1/generate", content=json.dumps(body, allow_nan=True),
                               headers={"content-type": "application/json"})
        assert _server(response) == expect, (case, response.text)


def test_wrong_bodies_through_the_server(client, corpus):
    for case in corpus[1]["bodies"]:
        response = client.post("/v1/generate", content=case["body"].encode("utf-8"),
                               headers={"content-type": "application/json"})
        assert _server(response) == case["expect"], (case, response.text)


def test_model_folder_mistakes_are_one_line_cli_errors(model_dir, tmp_path, capsys):
    import shutil

    cases = {}
    broken = tmp_path / "truncated"
    shutil.copytree(model_dir, broken)
    weights = broken / "image_tokenizer" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:3000])
    cases["truncated"] = (broken, "image_tokenizer/model.safetensors")
    typed = tmp_path / "typed"
    shutil.copytree(model_dir, typed)
    cfg = json.loads((typed / "config.json").read_text())
    (typed / "config.json").write_text(json.dumps({**cfg, "hidden_size": str(cfg["hidden_size"])}))
    cases["string"] = (typed, "hidden_size must be int")
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(model_dir / "model.safetensors", bare)
    cases["no-config"] = (bare, "config.json is missing")
    cases["weights-file"] = (model_dir / "model.safetensors", f"pass the folder, --model {model_dir}")
    cases["nowhere"] = (tmp_path / "nowhere", "does not exist")
    gen = tmp_path / "gen"
    shutil.copytree(model_dir, gen)
    (gen / "generation_config.json").write_text(json.dumps({"image_size": 64, "num_image_tokens": 64,
                                                            "steps": "many"}))
    cases["generation-config"] = (gen, "generation_config.json: steps must be a whole number")
    for name, (path, says) in cases.items():
        code, err = _cli(capsys, ["generate", "a man", "--model", str(path), "--steps", "1", "-q",
                                  "--out", str(tmp_path / "o")])
        assert code == 2 and says in err and len(err.strip().splitlines()) == 1, (name, err)
        assert len(err) < 600, (name, len(err))  # a summary, not a list of hundreds of keys


@pytest.mark.parametrize("argv, says", [
    (["--threads", "-1"], "--threads must be a whole number ≥ 1"),
    (["--device", "gpu"], "unknown device 'gpu'"),
    (["--device", "cuda:99"], "device 'cuda:99'"),
    (["--steps", "2.5"], "invalid int value: '2.5'"),
    (["--guidance-scale", "nan"], "guidance_scale must be a finite number"),
    (["--temperature=-inf"], "temperature must be a finite number"),
    (["--age-contrast", "-2"], "age_contrast must be at least 0"),
    (["--guidance-schedule", "ramp"], "invalid choice: 'ramp'"),
])
def test_option_mistakes_are_one_line_cli_errors(model_dir, tmp_path, capsys, argv, says):
    code, err = _cli(capsys, ["generate", "a man", "--model", str(model_dir), "-q", "--out", str(tmp_path), *argv])
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err


def test_known_errors_show_their_traceback_when_asked(model_dir, tmp_path, capsys):
    code = cli_main(["generate", "", "--model", str(model_dir), "--out", str(tmp_path), "-v"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" in err and "the prompt is empty" in err.strip().splitlines()[-1]


def test_data_build_without_the_data_extra_fails_fast(tmp_path, monkeypatch, capsys):
    import importlib.util as util

    from unif2ace.data import builder

    real = util.find_spec
    monkeypatch.setattr(util, "find_spec", lambda name, *a: None if name == "dlib" else real(name, *a))
    photos = tmp_path / "photos"
    photos.mkdir()
    Image.new("RGB", (32, 32)).save(photos / "a.png")
    with pytest.raises(ImportError, match=r"install the data extra|pip install 'unif2ace\[data\]'"):
        builder.build("folder", photos, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # failed before creating the dataset


def test_a_large_photo_is_aligned_like_its_small_copy():
    """Faces in large photos are found on a downscaled copy; the crop still comes from the full photo,
    framed as the small copy's: the same centre, size and tilt (relative to the photo) within a few %."""
    skimage_data = pytest.importorskip("skimage.data")
    pytest.importorskip("dlib")
    from unif2ace.pipeline.faces import DETECT_SIDE, prepare_face

    small = Image.fromarray(skimage_data.astronaut())  # 512 px: detected as is
    large = small.resize((3 * DETECT_SIDE, 3 * DETECT_SIDE), Image.BICUBIC)
    start = time.perf_counter()
    crop, warp_large = prepare_face(large, 128)
    assert time.perf_counter() - start < SLOW and crop.size == (128, 128)
    _, warp_small = prepare_face(small, 128)

    def framing(warp, side):  # (centre x, centre y, crop side, tilt) as fractions of the photo
        a, b, c, d, e, f = warp.coeffs
        return np.array([(a * 64 + b * 64 + c) / side, (d * 64 + e * 64 + f) / side, 128 * np.hypot(a, d) / side,
                         np.arctan2(d, a)])

    got, want = framing(warp_large, large.width), framing(warp_small, small.width)
    assert np.abs(got[:3] - want[:3]).max() < 0.02 and abs(got[3] - want[3]) < 0.03, (got, want)


def test_questions_through_the_cli_each_on_its_own(model_dir, corpus, capsys, tmp_path):
    photo = tmp_path / "face.png"
    Image.new("RGB", (64, 64), "grey").save(photo)
    cases = [c for c in corpus[1]["texts"] if c["id"] != "huge"]  # one command line: the OS caps its length
    texts = [bad.decode_value(c["text"]) for c in cases]
    code, err = _cli(capsys, ["ask", str(photo), *texts, "--model", str(model_dir), "--no-align",
                              "--max-new-tokens", "1", "--json", "-q"])
    answered = [json.loads(line)["question"] for line in _cli.out.splitlines() if line.startswith("{")]
    assert answered == [t for t, c in zip(texts, cases) if c["expect"] == "ok"]
    assert code == 2 and err.count("unif2ace ask: error: question ") == sum(c["expect"] == "error" for c in cases)


def test_a_question_that_is_only_an_image_placeholder_is_one_error_line(model_dir, capsys, tmp_path):
    """7 Dec 2026 (afternoon): `unif2ace ask PHOTO "<image>" "How old?"` failed as a whole ("the question is empty"):
    the placeholder is left out of a question, so nothing was left to ask, and the other question went unanswered."""
    photo = tmp_path / "face.png"
    Image.new("RGB", (64, 64), "grey").save(photo)
    code, err = _cli(capsys, ["ask", str(photo), "<image>", "How old?", "--model", str(model_dir), "--no-align",
                              "--max-new-tokens", "1", "--json", "-q"])
    answered = [json.loads(line)["question"] for line in _cli.out.splitlines() if line.startswith("{")]
    assert answered == ["How old?"]
    assert code == 2 and "question 1: the question is empty" in err

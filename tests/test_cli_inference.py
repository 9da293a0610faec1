"""The inference verbs: generate, edit, caption, ask (serve's app is covered by test_serve)."""

import json

import numpy as np
import pytest
from PIL import Image

from unif2ace.cli import main
from unif2ace.pipeline import write_random_model

skimage_data = pytest.importorskip("skimage.data")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    write_random_model(root / "model", steps=2)
    photo = root / "astronaut.png"
    Image.fromarray(skimage_data.astronaut()).save(photo)
    mask = Image.new("L", (512, 512), 0)
    mask.paste(255, (170, 130, 280, 175))
    mask.save(root / "mask.png")
    Image.new("RGB", (90, 90), "white").save(root / "blank.png")
    return root


def test_generate_writes_images(files, capsys):
    out = files / "faces"
    assert main(["generate", "a smiling woman", "an old man", "-n", "2", "--out", str(out), "--model",
                 str(files / "model"), "--seed", "3", "--device", "cpu"]) == 0
    written = sorted(p.name for p in out.glob("*.png"))
    assert written == ["prompt00-00.png", "prompt00-01.png", "prompt01-00.png", "prompt01-01.png"]
    assert Image.open(out / "prompt01-01.png").size == (64, 64)
    assert "an old man" in capsys.readouterr().out
    # the sampling options reach the pipeline: the same faces as through Python
    best = files / "best"
    assert main(["generate", "an old man", "--out", str(best), "--model", str(files / "model"), "--seed", "3",
                 "--steps", "3", "--candidates", "2", "--guidance-schedule", "linear", "--negative-prompt", "a blur",
                 "--gender-contrast", "2", "--age-contrast", "1.5", "--dtype", "float32"]) == 0
    from unif2ace.pipeline import UniF2ace

    want = UniF2ace.from_pretrained(files / "model", dtype="float32").generate(
        "an old man", seed=3, steps=3, candidates=2, guidance_schedule="linear", negative_prompt="a blur",
        gender_contrast=2, age_contrast=1.5)[0]
    assert np.array_equal(np.asarray(Image.open(best / "prompt00-00.png")), np.asarray(want))
    grey = files / "grey"
    assert main(["generate", "an old man, black and white photo", "--out", str(grey), "--model", str(files / "model"),
                 "--seed", "3", "--steps", "3", "--greyscale-from-colour", "--dtype", "float32"]) == 0
    want = UniF2ace.from_pretrained(files / "model", dtype="float32").generate(
        "an old man, black and white photo", seed=3, steps=3, greyscale_from_colour=True)[0]
    assert np.array_equal(np.asarray(Image.open(grey / "prompt00-00.png")), np.asarray(want))
    plain = files / "plain"
    capsys.readouterr()
    assert main(["generate", "grandpa laughing", "--out", str(plain), "--model", str(files / "model"),
                 "--seed", "3", "--steps", "3", "--training-words", "--dtype", "float32"]) == 0
    said = capsys.readouterr().err
    want = UniF2ace.from_pretrained(files / "model", dtype="float32").generate("old man smiling", seed=3, steps=3)[0]
    assert np.array_equal(np.asarray(Image.open(plain / "prompt00-00.png")), np.asarray(want))
    assert "'grandpa laughing' is drawn as 'old man smiling'" in said
    # a prompt in another language is drawn, with a warning that says so
    assert main(["generate", "una mujer sonriente", "--out", str(files / "es"), "--model", str(files / "model"),
                 "--seed", "3", "--steps", "1"]) == 0
    said = capsys.readouterr().err
    assert "warning: 'una mujer sonriente' does not read as English" in said and "warning: warning" not in said


def test_generate_out_a_png_file(files, capsys):
    """--out face.png writes that one file (it made a folder named face.png); more faces than one, or another
    image type, is an error before the model loads; a name with another dot is still a folder."""
    model = ["--model", str(files / "model"), "--seed", "3", "--steps", "1", "-q"]
    face = files / "one" / "face.png"
    assert main(["generate", "an old man", "--out", str(face), *model]) == 0
    assert capsys.readouterr().out.split("\t")[0] == str(face) and face.is_file()
    replay = files / "one" / "again.png"  # a replay to a file: the same face
    assert main(["generate", "--from-png", str(face), "--out", str(replay), "-q"]) == 0
    assert np.array_equal(np.asarray(Image.open(replay)), np.asarray(Image.open(face)))
    for args, words in ((["-n", "2"], "names one file, but 2 faces are drawn"), ([], "generate writes PNG files")):
        out = str(face) if args else str(files / "one" / "face.jpg")
        assert main(["generate", "an old man", "--out", out, *args, *model]) == 2
        assert words in capsys.readouterr().err
    assert main(["generate", "an old man", "--out", str(files / "run.v2"), *model]) == 0
    assert (files / "run.v2" / "prompt00-00.png").is_file()


def test_caption_and_ask(files, capsys):
    model = ["--model", str(files / "model")]
    assert main(["caption", str(files / "astronaut.png"), "--max-new-tokens", "4", "--json", *model]) == 0
    line = json.loads(capsys.readouterr().out.strip())
    assert line["image"].endswith("astronaut.png") and isinstance(line["caption"], str)
    assert main(["ask", str(files / "astronaut.png"), "Is she smiling?", "Age?", "--max-new-tokens", "3", *model]) == 0
    assert capsys.readouterr().out.count("Q: ") == 2
    # --mirror-views reaches the pipeline: the caption the Python option gives
    from unif2ace.pipeline import UniF2ace

    assert main(["caption", str(files / "astronaut.png"), "--max-new-tokens", "8", "--json", "--mirror-views",
                 "--dtype", "float32", *model]) == 0
    pipe = UniF2ace.from_pretrained(files / "model", dtype="float32")
    pipe.mirror_views = True
    want = pipe.caption(Image.open(files / "astronaut.png"), max_new_tokens=8)[0]
    pipe.mirror_views = False
    assert json.loads(capsys.readouterr().out.strip())["caption"] == want != pipe.caption(
        Image.open(files / "astronaut.png"), max_new_tokens=8)[0]


def test_edit(files, capsys):
    out = files / "edited.png"
    assert main(["edit", str(files / "astronaut.png"), str(files / "mask.png"), "a thick beard", "--out", str(out),
                 "--model", str(files / "model"), "--seed", "0"]) == 0
    assert Image.open(out).size == Image.open(files / "astronaut.png").size  # the photo, edited inside the mask
    # what the region was drawn from, and a prompt not in English, each said once
    capsys.readouterr()
    assert main(["edit", str(files / "astronaut.png"), str(files / "mask.png"), "grandma laughing", "--out", str(out),
                 "--model", str(files / "model"), "--seed", "0", "--steps", "1", "--training-words"]) == 0
    assert "'grandma laughing' is drawn as 'old woman smiling'" in capsys.readouterr().err
    assert main(["edit", str(files / "astronaut.png"), str(files / "mask.png"), "una barba", "--out", str(out),
                 "--model", str(files / "model"), "--seed", "0", "--steps", "1"]) == 0
    said = capsys.readouterr().err
    assert "warning: 'una barba' does not read as English" in said and "warning: warning" not in said
    # --out a folder (any path without an image extension) gets IMAGE-edited.png; a file its own format ("--out
    # edits" got PIL's "unknown file extension:" after the edit was drawn, and the edit was lost)
    base = ["--model", str(files / "model"), "--seed", "0", "--steps", "1", "-q"]
    for out, written in ((files / "edits", files / "edits" / "astronaut-edited.png"), (files, files / "astronaut-edited.png"),
                         (files / "run.v2", files / "run.v2" / "astronaut-edited.png"), (files / "e.jpg", files / "e.jpg")):
        assert main(["edit", str(files / "astronaut.png"), str(files / "mask.png"), "a beard", "--out", str(out), *base]) == 0
        assert capsys.readouterr().out.strip() == str(written)
        with Image.open(written) as im:
            assert im.format == ("JPEG" if written.suffix == ".jpg" else "PNG") and im.size == (512, 512)
    assert main(["edit", str(files / "astronaut.png"), str(files / "mask.png"), "a beard", "--out", str(files / "e.psd"),
                 *base]) == 2
    assert "'.psd' images can be read but not written" in capsys.readouterr().err and not (files / "e.psd").exists()


def test_user_errors_are_one_line(files, capsys, monkeypatch, tmp_path):
    # -q: only the error on stderr; without it, the loading messages come first and the error is the last line
    assert main(["caption", str(files / "blank.png"), "--model", str(files / "model"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "no face found" in err and err.count("\n") == 1
    assert main(["caption", str(files / "blank.png"), "--model", str(files / "model")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.splitlines()[-1].startswith("unif2ace caption: error: ")
    assert "no face found" in err.splitlines()[-1] and err.splitlines()[0].startswith("loading ")
    assert main(["caption", str(files / "missing.png"), "--model", str(files / "model")]) == 2
    assert "does not exist" in capsys.readouterr().err
    # a folder: caption reads the images in it ("image photos/ does not exist" before); ask takes one photo
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("b.png", "a.JPG"):
        Image.open(files / "astronaut.png").convert("RGB").save(photos / name)
    (photos / "notes.txt").write_text("not a photo")
    assert main(["caption", str(photos), "--model", str(files / "model"), "--max-new-tokens", "2", "-q"]) == 0
    assert [line.split(":")[0] for line in capsys.readouterr().out.splitlines()] == [str(photos / "a.JPG"),
                                                                                     str(photos / "b.png")]
    (tmp_path / "empty").mkdir()
    assert main(["caption", str(tmp_path / "empty"), "--model", str(files / "model"), "-q"]) == 2
    assert "holds no image files" in capsys.readouterr().err
    assert main(["ask", str(photos), "How old?", "--model", str(files / "model"), "-q"]) == 2
    assert f"{photos} is a folder, not an image file" in capsys.readouterr().err
    import unif2ace.pipeline.loading as loading

    monkeypatch.setattr(loading, "DEFAULT_MODEL_DIR", tmp_path / "absent")
    assert main(["generate", "x", "-q"]) == 2
    err = capsys.readouterr().err
    assert "shipped model is not installed" in err and err.count("\n") == 1


def test_demo_writes_its_pngs_and_a_timing_table(files, capsys, tmp_path):
    out = tmp_path / "demo"
    assert main(["demo", "--model", str(files / "model"), "--out", str(out), "--steps", "2",
                 "--dtype", "float32"]) == 0
    text = capsys.readouterr().out
    assert sorted(p.name for p in out.glob("*.png")) == ["captions.png", "generated.png", "real_photo.png"]
    assert "| generate 6 faces |" in text and "s/face" in text and "astronaut" in text
    assert str(out / "generated.png") in text
    assert main(["demo", "--model", str(files / "model"), "--out", str(out), "--steps", "2", "--candidates", "2",
                 "--gender-contrast", "3", "--age-contrast", "2", "--dtype", "float32"]) == 0
    assert "| generate 6 faces, best of 2 each |" in capsys.readouterr().out


def test_auto_dtype_uses_bf16_only_where_it_is_native(monkeypatch):
    import torch

    import unif2ace.pipeline.loading as loading

    monkeypatch.setattr(loading, "_cpu_has_native_bf16", lambda: True)
    assert loading.auto_dtype("cpu") == torch.bfloat16
    monkeypatch.setattr(loading, "_cpu_has_native_bf16", lambda: False)
    assert loading.auto_dtype("cpu") == torch.float32

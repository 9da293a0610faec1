"""UniF2ace pipeline: loading (ours, Show-o format), generate/caption/ask/chat/inpaint against the
generation loops they wrap, batching, seeds, face alignment and its errors, identity conditioning."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from unif2ace.config import ModelConfig, SequenceMoEConfig
from unif2ace.generation import (
    ImageGenerationConfig,
    TextGenerationConfig,
    generate_image_codes,
    generate_text,
)
from unif2ace.pipeline import (
    CAPTION_QUESTION,
    NoFaceError,
    UniF2ace,
    chat_turns,
    prepare_face,
    write_random_model,
)
from unif2ace.pipeline.faces import detect_face

skimage_data = pytest.importorskip("skimage.data")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return write_random_model(tmp_path_factory.mktemp("model") / "tiny")


@pytest.fixture(scope="module")
def pipe(model_dir):
    return UniF2ace.from_pretrained(model_dir, dtype="float32")  # compared with float32 references below


@pytest.fixture(scope="module")
def astronaut():
    return Image.fromarray(skimage_data.astronaut())


def same(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and np.array_equal(np.asarray(a), np.asarray(b))


def test_from_pretrained_reads_the_folder(pipe, model_dir):
    assert pipe.config.name == "tiny" and pipe.image_size == 64 and pipe.generation.num_image_tokens == 64
    assert pipe.generation.steps == json.loads((model_dir / "generation_config.json").read_text())["steps"]
    assert not pipe.model.training


def test_from_pretrained_takes_dtype_names_like_the_cli(model_dir, monkeypatch):
    import unif2ace.pipeline.loading as loading

    assert next(UniF2ace.from_pretrained(model_dir, dtype="bfloat16").model.parameters()).dtype == torch.bfloat16
    monkeypatch.setattr(loading, "_cpu_has_native_bf16", lambda: False)
    assert next(UniF2ace.from_pretrained(model_dir, dtype="auto").model.parameters()).dtype == torch.float32
    with pytest.raises(ValueError, match="unknown dtype 'bf16'; choose auto"):
        UniF2ace.from_pretrained(model_dir, dtype="bf16")


def test_generate_is_the_generation_loop_decoded(pipe):
    prompts = ["a smiling woman with red hair", "an old man"]
    images = pipe.generate(prompts, num_images_per_prompt=2, steps=4, guidance_scale=1.5, seed=11)
    assert len(images) == 4 and all(im.size == (64, 64) and im.mode == "RGB" for im in images)
    ids = [pipe.text_tokenizer.encode(p) for p in prompts for _ in range(2)]
    config = ImageGenerationConfig(num_tokens=64, steps=4, guidance_scale=1.5, temperature=pipe.generation.temperature)
    codes = generate_image_codes(pipe.model, ids, config, torch.Generator().manual_seed(11))
    reference = pipe.image_tokenizer.decode_to_pil(codes, (8, 8))
    assert all(same(a, b) for a, b in zip(images, reference))


def test_black_and_white_prompts_give_greyscale_faces_with_the_same_draw(pipe):
    from unif2ace.evaluation.detectors import chroma

    prompts = ["an old man, black and white photo", "a smiling woman", "a monochrome portrait of a girl"]
    images = pipe.generate(prompts, steps=3, guidance_scale=1.0, seed=5)
    raw = pipe.generate(prompts, steps=3, guidance_scale=1.0, seed=5, greyscale_when_asked=False)
    assert same(images[1], raw[1]) and chroma(raw[0]) > 0 and chroma(raw[2]) > 0
    for im, before in ((images[0], raw[0]), (images[2], raw[2])):
        rgb = np.asarray(im).astype(int)
        assert chroma(im) == 0 and im.mode == "RGB"
        # the draw is the same: only the colour goes (PIL's ITU-R 601-2 luma as the reference)
        assert np.abs(rgb[..., 0] - np.asarray(before.convert("L")).astype(int)).max() == 0


def test_greyscale_from_colour_draws_a_black_and_white_prompt_in_colour_then_desaturates(pipe):
    from unif2ace.evaluation.detectors import chroma
    from unif2ace.generation.contrast import as_colour

    prompts = ["an old man, black and white photo", "a monochrome portrait of a girl"]
    images = pipe.generate(prompts, steps=3, guidance_scale=1.0, seed=5, greyscale_from_colour=True)
    # the faces the prompts asking for colour draw, with the same seed, then desaturated (PIL's luma)
    colour = pipe.generate([as_colour(p) for p in prompts], steps=3, guidance_scale=1.0, seed=5)
    assert [as_colour(p) for p in prompts] == ["an old man, color photo", "a color portrait of a girl"]
    assert all(chroma(c) > 0 for c in colour)
    for im, c in zip(images, colour):
        assert chroma(im) == 0 and same(im, c.convert("L").convert("RGB"))
    # not what the black-and-white prompts draw themselves
    direct = pipe.generate(prompts, steps=3, guidance_scale=1.0, seed=5)
    assert not all(same(a, b) for a, b in zip(images, direct))
    # a prompt that asks for colour draws the same face either way; without greyscale_when_asked nothing changes
    assert same(pipe.generate(["a smiling woman"], steps=3, seed=2, greyscale_from_colour=True)[0],
                pipe.generate(["a smiling woman"], steps=3, seed=2)[0])
    off = pipe.generate(prompts, steps=3, guidance_scale=1.0, seed=5, greyscale_from_colour=True,
                        greyscale_when_asked=False)
    raw = pipe.generate(prompts, steps=3, guidance_scale=1.0, seed=5, greyscale_when_asked=False)
    assert all(same(a, b) for a, b in zip(off, raw))
    with pytest.raises(ValueError, match="greyscale_from_colour"):
        pipe.generate(prompts, steps=3, greyscale_from_colour="yes")


def test_training_words_draw_a_users_prompt_from_its_training_word_version(pipe):
    from unif2ace.generation.contrast import in_training_words

    prompts = ["a cheerful grandmother in her seventies", "a smiling woman"]
    plain = [in_training_words(p) for p in prompts]
    assert plain == ["a happy old woman aged 75", "a smiling woman"]
    images = pipe.generate(prompts, steps=3, guidance_scale=1.0, seed=5, training_words=True)
    want = pipe.generate(plain, steps=3, guidance_scale=1.0, seed=5)
    assert all(same(a, b) for a, b in zip(images, want))
    typed = pipe.generate(prompts, steps=3, guidance_scale=1.0, seed=5)
    assert not same(images[0], typed[0]) and same(images[1], typed[1])  # a prompt in training words: as before
    with pytest.raises(ValueError, match="training_words"):
        pipe.generate(prompts, steps=3, training_words="yes")
    # what each face is drawn from, said by the pipeline (the CLI and the server show it)
    assert pipe.drawn_prompt("granny in b&w", training_words=True, greyscale_from_colour=True) == "old woman in color"
    assert pipe.drawn_prompt("granny in b&w", training_words=False, greyscale_from_colour=False) == "granny in b&w"


def test_the_folder_default_guidance_schedule_is_used_and_a_bad_one_is_named(model_dir, tmp_path):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(model_dir, folder)
    gen_path = folder / "generation_config.json"
    gen = json.loads(gen_path.read_text())
    gen_path.write_text(json.dumps({**gen, "guidance_schedule": "linear"}))
    pipe = UniF2ace.from_pretrained(folder)
    assert pipe.generation.guidance_schedule == "linear"
    ids = [pipe.text_tokenizer.encode("an old man")]
    out = {}
    for schedule in ("linear", "constant"):
        config = ImageGenerationConfig(num_tokens=64, steps=4, guidance_scale=3.0, guidance_schedule=schedule,
                                       temperature=pipe.generation.temperature)
        out[schedule] = generate_image_codes(pipe.model, ids, config, torch.Generator().manual_seed(2))
    assert not torch.equal(out["linear"], out["constant"])
    assert torch.equal(pipe.generate_codes(["an old man"], steps=4, guidance_scale=3.0, seed=2), out["linear"])
    assert torch.equal(pipe.generate_codes(["an old man"], steps=4, guidance_scale=3.0, seed=2,
                                           guidance_schedule="constant"), out["constant"])
    gen_path.write_text(json.dumps({**gen, "guidance_schedule": "ramp"}))
    with pytest.raises(ValueError, match="unknown guidance_schedule 'ramp'; use one of constant, linear, cosine"):
        UniF2ace.from_pretrained(folder)
    for bad in (0, 2.5, True):
        gen_path.write_text(json.dumps({**gen, "candidates": bad}))
        with pytest.raises(ValueError, match=f"candidates must be a whole number ≥ 1, got {bad!r}"):
            UniF2ace.from_pretrained(folder)


def test_score_texts_is_the_answer_log_likelihood(pipe, astronaut):
    """Against the full-vocabulary logits, one row at a time, in float64: Σ log p(text token | image, question, text so far)."""
    from unif2ace.sequences import IGNORE

    texts = ["a smiling woman with red hair", "an old man", "a child"]
    crops = pipe.prepare([astronaut] * 3)
    got = pipe.score_texts([astronaut] * 3, texts)
    codes = pipe.encode_images(crops[:1])
    for text, score in zip(texts, got.tolist()):
        batch = pipe.prompter.mmu(codes, [[(CAPTION_QUESTION, text)]])
        with torch.no_grad():
            logits = pipe.model(batch.input_ids, **batch.model_inputs(),
                                features=pipe.understanding_features(crops[:1])).logits[0].double()
        labels = batch.labels[0]
        want = sum(logits[t - 1, : pipe.config.text_vocab_size].log_softmax(-1)[labels[t]].item()
                   for t in range(1, len(labels)) if labels[t] != IGNORE)
        assert score == pytest.approx(want, rel=1e-5, abs=1e-4)
    assert got[0] != got[1]
    with pytest.raises(ValueError, match="2 images for 1 texts"):
        pipe.score_texts([astronaut] * 2, ["x"])


def test_candidates_keep_the_best_scored_face_per_image(pipe):
    prompts = ["a smiling woman with red hair", "an old man"]
    best = pipe.generate(prompts, num_images_per_prompt=2, candidates=3, steps=3, guidance_scale=1.5, seed=4)
    rows = [p for p in prompts for _ in range(6)]
    codes = pipe.generate_codes(rows, steps=3, guidance_scale=1.5, seed=4)
    pool = pipe.decode_images(codes)
    scores = pipe.score_texts(pool, rows, align=False, codes=codes)  # scored on the codes drawn, not re-encoded
    want = [pool[3 * i + int(scores[3 * i: 3 * i + 3].argmax())] for i in range(4)]
    assert len(best) == 4 and all(same(a, b) for a, b in zip(best, want))
    with pytest.raises(ValueError, match="candidates must be a whole number ≥ 1, got 0"):
        pipe.generate(prompts, candidates=0)


def test_face_retries_redraw_only_the_faces_without_a_face(pipe, monkeypatch):
    """Rows the face check rejects are drawn again from the same generator, at most face_retries times;
    a row whose redraws all fail keeps its first draw; the others are the plain draw, untouched."""
    import unif2ace.generation.face_check as face_check

    verdicts = iter([False, True, False, True,  # first draw: rows 0 and 2 have no face
                     True, False,               # redraw 1 of rows 0, 2: row 0 now has one
                     False])                    # redraw 2 of row 2: still none, so its first draw stays
    calls = []
    monkeypatch.setattr(face_check, "face_found", lambda im: calls.append(im) or next(verdicts))
    rows = ["a smiling woman", "an old man", "a girl", "a young man"]
    got = pipe.generate(rows, steps=3, guidance_scale=1.5, seed=7, face_retries=2)
    assert len(calls) == 7
    g = torch.Generator().manual_seed(7)
    first = pipe.decode_images(pipe.generate_codes(rows, steps=3, guidance_scale=1.5, generator=g))
    redraw = pipe.decode_images(pipe.generate_codes([rows[0], rows[2]], steps=3, guidance_scale=1.5, generator=g))
    assert same(got[0], redraw[0]) and not same(got[0], first[0])
    assert all(same(got[i], first[i]) for i in (1, 2, 3))
    monkeypatch.setattr(face_check, "face_found", lambda im: True)  # every face passes: the plain draw
    assert all(same(a, b) for a, b in zip(pipe.generate(rows, steps=3, guidance_scale=1.5, seed=7, face_retries=2),
                                          pipe.generate(rows, steps=3, guidance_scale=1.5, seed=7)))
    with pytest.raises(ValueError, match="face_retries must be a whole number from 0 to 16, got -1"):
        pipe.generate(rows, face_retries=-1)


def test_face_check_finds_one_real_face_and_none_in_a_flat_image(astronaut):
    pytest.importorskip("dlib")
    pytest.importorskip("face_recognition_models")
    from unif2ace.generation.face_check import face_found

    assert face_found(astronaut.crop((120, 0, 270, 190)).resize((128, 160)))
    assert not face_found(Image.new("RGB", (128, 128), (128, 110, 100)))


def test_contrasts_and_negative_prompts_reach_the_loop(model_dir, tmp_path):
    """The pipeline swaps gender words and shifts the age for the contrast rows (a prompt the
    rewrite leaves alone contrasts with itself), takes the folder's default weights, and repeats
    negatives like the prompts."""
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(model_dir, folder)
    gen_path = folder / "generation_config.json"
    gen_path.write_text(json.dumps({**json.loads(gen_path.read_text()), "gender_contrast": 2.0, "age_contrast": 1.0}))
    pipe = UniF2ace.from_pretrained(folder)
    assert (pipe.generation.gender_contrast, pipe.generation.age_contrast) == (2.0, 1.0)
    prompts = ["a smiling woman with red hair who is 70 years old", "a face"]
    enc = pipe.text_tokenizer.encode
    config = ImageGenerationConfig(num_tokens=64, steps=3, guidance_scale=1.5, temperature=pipe.generation.temperature)
    rows = [p for p in prompts for _ in range(2)]
    swapped = [enc("a smiling man with red hair who is 70 years old")] * 2 + [enc("a face")] * 2
    shifted = [enc("a smiling middle-aged woman with red hair who is 50 years old")] * 2 + [enc("a face")] * 2

    def want(contrasts):
        return pipe.decode_images(generate_image_codes(
            pipe.model, [enc(p) for p in rows], config, torch.Generator().manual_seed(3),
            negative_prompts=[enc("a blurry photo")] * 4, contrasts=contrasts))

    images = pipe.generate(prompts, num_images_per_prompt=2, steps=3, guidance_scale=1.5, seed=3,
                           negative_prompt="a blurry photo")
    assert all(same(a, b) for a, b in zip(images, want([(swapped, 2.0), (shifted, 1.0)])))
    gender_only = pipe.generate(prompts, num_images_per_prompt=2, steps=3, guidance_scale=1.5, seed=3,
                                negative_prompt="a blurry photo", age_contrast=0)
    assert all(same(a, b) for a, b in zip(gender_only, want([(swapped, 2.0)])))
    assert not all(same(a, b) for a, b in zip(images, gender_only))
    plain = pipe.generate(prompts, num_images_per_prompt=2, steps=3, guidance_scale=1.5, seed=3, gender_contrast=0,
                          age_contrast=0)
    assert not all(same(a, b) for a, b in zip(gender_only, plain))
    with pytest.raises(ValueError, match=r"give one negative prompt or one per prompt \(2\), not 3"):
        pipe.generate(prompts, negative_prompt=["a", "b", "c"])


def test_generate_seeds(pipe):
    a = pipe.generate("a face", seed=1, steps=3)
    b = pipe.generate("a face", seed=1, steps=3)
    c = pipe.generate("a face", seed=2, steps=3)
    assert same(a[0], b[0]) and not same(a[0], c[0])


def test_generate_rejects_bad_arguments(pipe):
    with pytest.raises(ValueError, match="no prompts"):
        pipe.generate([])
    with pytest.raises(ValueError, match="num_images_per_prompt"):
        pipe.generate("x", num_images_per_prompt=0)


def test_caption_is_the_text_loop_on_the_aligned_crop(pipe, astronaut):
    caption = pipe.caption([astronaut], max_new_tokens=12)[0]
    crop = prepare_face(astronaut, 64)[0]
    codes = pipe.image_tokenizer.encode([crop])
    batch = pipe.prompter.mmu(codes, [[(CAPTION_QUESTION, None)]], left_pad=True)
    tokens = generate_text(pipe.model, batch, TextGenerationConfig(max_new_tokens=12))[0]
    assert caption == pipe.text_tokenizer.decode(tokens).strip() and caption
    pipe.text_decode = "static"  # the static-shape step gives the same caption (tests/test_compile.py)
    try:
        assert pipe.caption([astronaut], max_new_tokens=12)[0] == caption
    finally:
        pipe.text_decode = "eager"


def test_ask_batched_equals_one_at_a_time(pipe, astronaut):
    flipped = astronaut.transpose(Image.FLIP_LEFT_RIGHT)
    questions = ["Is the person smiling?", "How old is this person?"]
    together = pipe.ask([astronaut, flipped], questions, max_new_tokens=10)
    alone = [pipe.ask([im], [q], max_new_tokens=10)[0] for im, q in zip([astronaut, flipped], questions)]
    assert together == alone
    # one photo, several questions; one question, several photos
    assert pipe.ask(astronaut, questions, max_new_tokens=10) == pipe.ask([astronaut, astronaut], questions,
                                                                          max_new_tokens=10)
    with pytest.raises(ValueError, match="3 images for 2 questions"):
        pipe.ask([astronaut] * 3, questions)


def test_chat_multi_turn(pipe, astronaut):
    messages = [{"role": "user", "content": "How old is she?"}, {"role": "assistant", "content": "About 40."},
                {"role": "user", "content": "Is she smiling?"}]
    reply = pipe.chat(astronaut, messages, max_new_tokens=8)
    assert reply == pipe.converse([astronaut], [chat_turns(messages)], max_new_tokens=8)[0]
    assert reply != pipe.chat(astronaut, messages[-1:], max_new_tokens=8) or reply == ""  # history is used


def test_chat_turns_validation():
    assert chat_turns([("q1", "a1"), ("q2", None)]) == [("q1", "a1"), ("q2", None)]
    with pytest.raises(ValueError, match="alternate"):
        chat_turns([{"role": "assistant", "content": "hi"}])
    with pytest.raises(ValueError, match="last message"):
        chat_turns([{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}])
    with pytest.raises(ValueError, match="empty"):
        chat_turns([])
    # two messages in a row from one side are one turn, as OpenAI's service reads them
    assert chat_turns([{"role": "user", "content": "Hi."}, {"role": "user", "content": " How old is she? "}]) == [
        ("Hi. How old is she?", None)]
    assert chat_turns([{"role": "user", "content": "Age?"}, {"role": "assistant", "content": "About 40."},
                       {"role": "assistant", "content": "A woman."}, {"role": "user", "content": "Sure?"}]) == [
        ("Age?", "About 40. A woman."), ("Sure?", None)]


def test_no_face_found_is_a_clear_error(pipe, tmp_path):
    blank = Image.new("RGB", (200, 200), "white")
    path = tmp_path / "blank.png"
    blank.save(path)
    with pytest.raises(NoFaceError, match=r"no face found in .*blank.png"):
        pipe.caption([str(path)])
    assert isinstance(pipe.caption([blank], align=False, max_new_tokens=3)[0], str)  # skippable


def test_alignment_levels_the_eyes_and_frames_the_face(astronaut):
    tilted = astronaut.rotate(15, resample=Image.BICUBIC)
    crop, _ = prepare_face(tilted, 256)
    found = detect_face(np.asarray(crop))
    assert found is not None
    (left, top, right, bottom), pts = found
    dx, dy = pts[0:2].mean(0) - pts[2:4].mean(0)
    assert abs(math.degrees(math.atan2(dy, dx))) < 4
    assert 0.75 < (right - left) / 256 < 1.0  # UTKFace-like framing: the face box fills ~0.9 of the crop
    assert abs((left + right) / 2 - 128) < 20


def test_a_weak_larger_detection_does_not_win_over_a_clear_face(astronaut, monkeypatch):
    import io

    import unif2ace.data.labelling.face as face

    # the photo as a user's JPEG: dlib also finds the round mission patch on her suit (score 0.07, a
    # larger box than her face, which scores 1.6); the face must be the one taken
    buf = io.BytesIO()
    astronaut.save(buf, "JPEG", quality=75)
    jpeg = np.asarray(Image.open(buf).convert("RGB"))
    (left, top, right, bottom), _ = detect_face(jpeg)
    assert abs(left - 179) < 15 and abs(top - 83) < 15 and bottom < 200  # her face, not the patch at y ≈ 330
    crop, _ = prepare_face(Image.fromarray(jpeg), 64)
    crop_png, _ = prepare_face(astronaut, 64)
    assert np.abs(np.asarray(crop, float) - np.asarray(crop_png, float)).mean() < 12

    class Rect:  # the rule itself, on detections given directly: (box, score)
        def __init__(self, *box):
            self.box = box

        def area(self):
            return (self.box[2] - self.box[0]) * (self.box[3] - self.box[1])

        def left(self):
            return self.box[0]

        def top(self):
            return self.box[1]

        def right(self):
            return self.box[2]

        def bottom(self):
            return self.box[3]

    class Detector:
        def __init__(self, dets, scores):
            self.dets, self.scores = dets, scores

        def run(self, rgb, upsample, threshold):
            return self.dets, self.scores, [0] * len(self.dets)

    class Shape:
        def parts(self):
            return [type("P", (), {"x": 0, "y": 0})()] * 5

    monkeypatch.setattr(face, "_predictor", lambda kind: lambda rgb, rect: Shape())
    cases = [([Rect(0, 0, 10, 10), Rect(0, 0, 50, 50)], [1.5, 0.1], (0, 0, 10, 10)),  # weak big one loses
             ([Rect(0, 0, 10, 10), Rect(0, 0, 50, 50)], [1.5, 0.9], (0, 0, 50, 50)),  # two clear faces: largest
             ([Rect(0, 0, 10, 10)], [0.3], (0, 0, 10, 10))]
    for dets, scores, expected in cases:
        monkeypatch.setattr(face, "_detector", lambda d=dets, sc=scores: Detector(d, sc))
        assert detect_face(np.zeros((60, 60, 3), np.uint8))[0] == expected
        # the labeller (weak detections kept, threshold -0.3) takes the same face
        assert face.locate_face(np.zeros((60, 60, 3), np.uint8)).box == expected
    # every detection weak (the labeller keeps scores down to -0.3): the best-scoring one, not the largest
    monkeypatch.setattr(face, "_detector", lambda: Detector([Rect(0, 0, 10, 10), Rect(0, 0, 50, 50)], [-0.05, -0.25]))
    assert face.locate_face(np.zeros((60, 60, 3), np.uint8)).box == (0, 0, 10, 10)


def test_inpaint_keeps_everything_outside_the_mask(pipe, astronaut):
    mask = Image.new("L", astronaut.size, 0)
    mask.paste(255, (170, 130, 280, 175))  # mouth and chin region
    edited = pipe.inpaint(astronaut, mask, "a man with a thick beard", seed=0, steps=3, paste_back=False)
    crop, warp = prepare_face(astronaut, 64)
    inside = np.asarray(warp.apply(mask, Image.NEAREST)) > 127
    assert inside.any() and not inside.all()
    a, b = np.asarray(edited), np.asarray(crop)
    assert np.array_equal(a[~inside], b[~inside])
    with pytest.raises(ValueError, match="mask is empty"):
        pipe.inpaint(astronaut, Image.new("L", astronaut.size, 0), "x")
    with pytest.raises(ValueError, match="the mask is 10×10"):
        pipe.inpaint(astronaut, Image.new("L", (10, 10), 255), "x")


def test_edit_returns_the_photo_at_full_resolution_changed_only_inside_the_mask(pipe, astronaut):
    """The edited crop goes back through the inverse warp: same size as the photo, every pixel outside
    the mask the photo's own; the crop-space result equals the paste_back=False one (same seed)."""
    mask = Image.new("L", astronaut.size, 0)
    mask.paste(255, (185, 130, 260, 168))  # mouth and chin, inside the face crop
    res = pipe.edit(astronaut, mask, "a man with a thick beard", seed=0, steps=3)
    out, photo, inside = np.asarray(res.image), np.asarray(astronaut), np.asarray(mask) > 127
    assert res.image.size == astronaut.size and res.warnings == [] and res.mask_outside_crop == 0
    assert np.array_equal(out[~inside], photo[~inside])
    assert not np.array_equal(out[inside], photo[inside])  # something was pasted back
    assert same(res.edited_crop, pipe.inpaint(astronaut, mask, "a man with a thick beard", seed=0, steps=3,
                                              paste_back=False))
    assert same(pipe.inpaint(astronaut, mask, "a man with a thick beard", seed=0, steps=3), res.image)
    # a mask reaching beyond the face crop: edited where it can be, the rest untouched, and said so
    wide = Image.new("L", astronaut.size, 0)
    wide.paste(255, (0, 130, 512, 175))
    res = pipe.edit(astronaut, wide, "a man with a thick beard", seed=0, steps=3)
    assert 0 < res.mask_outside_crop < 1 and "outside the face crop" in res.warnings[0]
    beyond = (np.asarray(wide) > 127) & ~prepare_face(astronaut, 64)[1].footprint(astronaut.size)
    assert np.array_equal(np.asarray(res.image)[beyond], photo[beyond])


def test_edit_draws_the_region_from_the_prompt_in_training_words(pipe, astronaut):
    mask = Image.new("L", astronaut.size, 0)
    mask.paste(255, (185, 130, 260, 168))
    res = pipe.edit(astronaut, mask, "an old lady crying", seed=0, steps=3, training_words=True)
    assert res.drawn_prompt == "an old woman, sad"
    plain = pipe.edit(astronaut, mask, "an old woman, sad", seed=0, steps=3)
    assert same(res.image, plain.image) and plain.drawn_prompt == "an old woman, sad"
    typed = pipe.edit(astronaut, mask, "an old lady crying", seed=0, steps=3, training_words=False)
    assert typed.drawn_prompt == "an old lady crying" and not same(typed.edited_crop, res.edited_crop)
    assert res.warnings == [] and "does not read as English" in pipe.edit(astronaut, mask, "una barba", seed=0,
                                                                          steps=1).warnings[0]


def test_identity_needs_a_face_expert(pipe, astronaut):
    with pytest.raises(ValueError, match="without a 'face' expert"):
        pipe.generate("x", identity_image=astronaut)


class FakeIdentityEncoder:
    """A deterministic stand-in for dlib/ArcFace with the tiny model's identity width."""

    name, dim = "fake-32", 32

    def __init__(self):
        self.calls = 0

    def encode(self, images):
        self.calls += 1
        out = torch.stack([torch.from_numpy(np.asarray(im, np.float32)[::16, ::16].reshape(-1)[:32].copy())
                           for im in images])
        return torch.nn.functional.normalize(out + 1, dim=-1)


def test_identity_conditioned_generation(tmp_path, astronaut):
    config = ModelConfig.from_name("tiny", sequence_moe=SequenceMoEConfig(
        gen_experts=("copy", "face", "noise", "copy"), semantic_dim=64, identity_dim=32, noise_dim=16,
        resampler_queries=2, copy_bias_init=0.0))
    folder = write_random_model(tmp_path / "face-gen", config)
    encoder = FakeIdentityEncoder()
    pipe = UniF2ace.from_pretrained(folder, identity_encoder=encoder)
    with torch.no_grad():  # make the face expert win the router so the identity matters
        for block in pipe.model.layers:
            block.sequence_moe.routers[1].bias.copy_(torch.tensor([0.0, 5.0, 0.0, 0.0]))
    a = pipe.generate("a face", identity_image=astronaut, seed=3, steps=3)
    b = pipe.generate("a face", identity_image=astronaut.transpose(Image.FLIP_TOP_BOTTOM), seed=3, steps=3,
                      align=False)
    c = pipe.generate("a face", seed=3, steps=3)
    assert encoder.calls == 2 and not same(a[0], b[0]) and not same(a[0], c[0])
    with pytest.raises(NoFaceError):
        pipe.generate("a face", identity_image=Image.new("RGB", (64, 64)))


def test_showo_checkpoint_loads_through_the_key_mapping(tmp_path, pipe, model_dir):
    """A Show-o-format folder (its config.json, 'showo.'-prefixed weights) with a separate tokenizer folder."""
    from safetensors.torch import save_file

    from unif2ace.model import UniF2aceModel

    dense = ModelConfig.from_name("tiny", token_moe=None, sequence_moe=None)
    torch.manual_seed(0)
    ref = UniF2aceModel(dense).eval()
    folder = tmp_path / "show-o"
    folder.mkdir()
    state = {("showo.lm_head." + k[len("lm_head."):] if k.startswith("lm_head.") else "showo.model." + k): v
             for k, v in ref.state_dict().items()}
    save_file(state, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps({"_class_name": "Showo", "codebook_size": 1024,
                                                    "llm_vocab_size": 1024, "num_vq_tokens": 64}))
    loaded = UniF2ace.from_pretrained(folder, preset=dense, text_tokenizer="bpe-1024",
                                      image_tokenizer=model_dir / "image_tokenizer", dtype="float32")
    assert loaded.generation.num_image_tokens == 64 and loaded.generation.steps == 18
    ids = torch.randint(0, 1024, (2, 9))
    assert torch.equal(loaded.model(ids).logits, ref(ids).logits)
    with pytest.raises(FileNotFoundError, match="MAGVIT-v2"):
        UniF2ace.from_pretrained(folder, preset=dense, text_tokenizer="bpe-1024")


def test_missing_default_model_is_one_clear_line(monkeypatch, tmp_path):
    import unif2ace.pipeline.loading as loading

    monkeypatch.setattr(loading, "DEFAULT_MODEL_DIR", tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match="shipped model is not installed") as info:
        UniF2ace.from_pretrained()
    assert "\n" not in str(info.value)


def test_import_stays_light():
    code = "import sys, unif2ace; assert 'torch' not in sys.modules; from unif2ace import UniF2ace; print(UniF2ace.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "UniF2ace"


# ----------------------------------------------------------------------------- editing: back into the photo
def test_the_warp_inverse_round_trips(astronaut):
    """Closed form: the inverse coefficients compose with the warp to the identity, points map back, and
    a smooth photo warped to a crop and back is the photo again inside the crop's footprint."""
    from unif2ace.pipeline.faces import FaceWarp, face_warp

    def matrix(c):
        return np.array([c[:3], c[3:], (0, 0, 1)], np.float64)

    tilted = astronaut.rotate(15, resample=Image.BICUBIC)
    for warp in (face_warp(tilted, 256), FaceWarp((0.8, -0.3, 40.0, 0.3, 0.8, -7.0), 64)):
        assert np.allclose(matrix(warp.coeffs) @ matrix(warp.inverse_coeffs()), np.eye(3), atol=1e-12)
        a, b, c, d, e, f = warp.coeffs
        assert warp.scale == pytest.approx(math.sqrt(abs(a * e - b * d)))
    warp = face_warp(tilted, 256)
    x, y = 37.5, 101.25  # a crop point → the photo → back
    a, b, c, d, e, f = warp.coeffs
    px, py = a * x + b * y + c, d * x + e * y + f
    ia, ib, ic, id_, ie, if_ = warp.inverse_coeffs()
    assert (ia * px + ib * py + ic, id_ * px + ie * py + if_) == pytest.approx((x, y), abs=1e-9)
    # a linear ramp (float pixels, bilinear: interpolation is exact on it) goes to the crop and back unchanged
    yy, xx = np.mgrid[0:tilted.size[1], 0:tilted.size[0]]
    ramp = Image.fromarray((0.37 * xx + 0.21 * yy).astype(np.float32), "F")
    back = warp.apply(ramp, Image.BILINEAR).transform(ramp.size, Image.AFFINE, warp.inverse_coeffs(), Image.BILINEAR)
    inside = warp.footprint(ramp.size)
    side = 256 * warp.scale  # the crop's side in photo pixels: its footprint is about side² (less the rim)
    assert 0.9 * side**2 < inside.sum() < side**2
    assert np.abs(np.asarray(back, np.float64) - np.asarray(ramp, np.float64))[inside].max() < 1e-3


def test_paste_back_changes_only_masked_pixels_and_feathers_inwards(astronaut):
    from unif2ace.pipeline.faces import face_warp

    warp = face_warp(astronaut, 64)
    mask = np.zeros(astronaut.size[::-1], bool)
    mask[130:175, 170:280] = True
    out = np.asarray(warp.paste_back(Image.new("RGB", (64, 64), (0, 255, 0)), astronaut, mask), np.int16)
    photo = np.asarray(astronaut, np.int16)
    assert np.array_equal(out[~mask], photo[~mask])  # outside the mask: the photo, untouched
    centre, edge = out[152, 225], out[130, 225]
    assert tuple(centre) == (0, 255, 0)  # deep inside: the pasted crop
    assert 0 < edge[1] - photo[130, 225, 1] < 255 - photo[130, 225, 1]  # at the seam: a blend of both
    # the blend rises from the edge inwards with no step: the old weight (the region's Gaussian blur, kept inside
    # it) was 0.5 right at the edge, a visible line where an edited rectangle crossed the nose
    share = [(out[y, 225, 1] - photo[y, 225, 1]) / (255 - photo[y, 225, 1]) for y in range(130, 140)]
    assert share[0] < 0.25 and all(a <= b + 0.02 for a, b in zip(share, share[1:])) and share[-1] > 0.9


def test_identity_features_are_encoded_once_per_crop(model_dir, astronaut):
    """A caption and then questions (or a chat's turns) about the same photos encode each crop once;
    a different crop is encoded; the cache stays bounded and returns what the encoder returns."""

    class Counting:
        name, dim = "counting", 128

        def __init__(self):
            self.seen = []

        def encode(self, images):
            self.seen.append(len(images))
            return torch.stack([torch.as_tensor(np.asarray(im, np.float32).mean((0, 1))).repeat(43)[:128]
                                for im in images])

    enc = Counting()
    pipe = UniF2ace.from_pretrained(model_dir, dtype="float32", identity_encoder=enc)
    a = astronaut.resize((64, 64))
    b, c = a.transpose(Image.Transpose.FLIP_LEFT_RIGHT), a.rotate(10)
    first = pipe._encode_cached("identity", enc, [a, b, a])
    assert enc.seen == [2] and torch.equal(first[0], first[2]) and torch.equal(first, enc.encode([a, b, a]))
    enc.seen.clear()
    again = pipe._encode_cached("identity", enc, [b, c])
    assert enc.seen == [1] and torch.equal(again[0], first[1])
    pipe.FEATURE_CACHE_SIZE = 2
    pipe._encode_cached("identity", enc, [a])
    assert len(pipe._features) == 2
    enc.seen.clear()
    pipe._encode_cached("identity", enc, [b])  # evicted: least recently used
    assert enc.seen == [1]



def test_detect_faces_counts_the_clear_faces_and_the_crop_carries_the_count(astronaut):
    from unif2ace.pipeline.faces import detect_faces

    one = np.asarray(astronaut)
    two = np.concatenate([one, one[:, ::-1]], 1)  # her and her mirror image side by side
    assert detect_faces(one)[1] == 1  # the mission patch (a weak detection) is not a face
    assert detect_faces(two)[1] == 2
    assert detect_faces(np.zeros((60, 60, 3), np.uint8)) == (None, 0)
    crop, warp = prepare_face(Image.fromarray(two), 64)
    assert warp.faces == 2 and crop.info["faces"] == 2
    assert prepare_face(crop, 64, align=False)[0].info["faces"] == 2  # a crop prepared again keeps it
    assert "faces" not in prepare_face(astronaut, 64, align=False)[0].info  # nothing was counted


def test_how_many_people_is_answered_from_the_faces_the_aligner_counted(pipe, astronaut):
    one = np.asarray(astronaut)
    two = Image.fromarray(np.concatenate([one, one[:, ::-1]], 1))
    got = pipe.ask([two, astronaut, astronaut], ["How many people are in this picture?", "Is she alone?",
                                                 "How many people are in this picture?"], max_new_tokens=3)
    assert got == ["I see 2 faces in this photo; I describe the largest one.", "Yes, I see one face in this photo.",
                   "I see one face in this photo."]
    # a crop given as already aligned was never looked at whole: its count is unknown
    assert pipe.ask(astronaut, "How many people are in this picture?", align=False,
                    max_new_tokens=3) == ["I can't tell from this photo."]


def test_where_the_face_is_is_the_detectors_box(pipe, astronaut):
    """"Output the bounding box of the face." got an age, "What are the coordinates of the face?" an expression: the
    model sees only the aligned crop, but the detector that aligned it found the box, kept in the crop's info (and
    when the crop is prepared again)."""
    from unif2ace.pipeline.faces import detect_faces

    (box, _), _ = detect_faces(np.asarray(astronaut))  # the photo is under DETECT_SIDE: no shrinking
    want = tuple(int(round(v)) for v in box)
    crop = prepare_face(astronaut, 64)[0]
    assert crop.info["face_box"] == want and prepare_face(crop, 64, align=False)[0].info["face_box"] == want
    left, top, right, bottom = want
    assert 150 < left < right < 300 and 50 < top < bottom < 200  # her face, in the 512-px photo
    said = f"The face's box in the photo is [{left}, {top}, {right}, {bottom}] (left, top, right, bottom, in pixels)."
    # "where" is said in words too, by thirds of the photo (her face's centre is in the middle third across, the top
    # third down)
    where = f"The face is at the top of the photo: its box is [{left}, {top}, {right}, {bottom}] (left, top, right, " \
            f"bottom, in pixels)."
    assert pipe.ask(astronaut, ["Output the bounding box of the face.", "Where is her face in the photo?"],
                    max_new_tokens=3) == [said, where]
    # a crop given as already aligned was never looked at whole: where its face lay is unknown
    assert pipe.ask(astronaut, "Output the bounding box of the face.", align=False, max_new_tokens=3) != [said]
    import json

    assert json.loads(pipe.ask(astronaut, "Return JSON with the keys bbox and hair_color.")[0]) == {
        "bbox": list(want), "hair_color": None}



def test_the_face_box_of_a_photo_shrunk_on_upload_is_in_the_uploads_pixels(astronaut):
    """The server shrinks large uploads before alignment; the box is told in the upload's own pixels (twice the
    shrunk photo's here)."""
    pytest.importorskip("fastapi")
    from unif2ace.pipeline.faces import detect_faces
    from unif2ace.serve.app import _shrink

    big = astronaut.resize((1024, 1024))
    shrunk = _shrink(big, 512)
    assert shrunk.info["pixel_scale"] == 2.0
    told = prepare_face(shrunk, 64)[0].info["face_box"]
    (found, _), _ = detect_faces(np.asarray(shrunk))
    assert told == tuple(int(round(2 * v)) for v in found)


def test_the_photos_size_and_the_faces_are_told_in_pixels(pipe, astronaut):
    """"What's the resolution of this image?" got "Neutral." and "How big is her face?" an age: the photo's own size
    (upright, the upload's where the server shrank it) and the detector's box are known, and told."""
    pytest.importorskip("fastapi")
    from unif2ace.serve.app import _shrink

    wide = astronaut.resize((640, 480))
    assert pipe.ask([astronaut, wide, wide], ["What's the resolution of this image?", "How big is the photo?",
                                              "Image dimensions?"], max_new_tokens=3) == [
        "The photo is 512 × 512 pixels (width × height).", "The photo is 640 × 480 pixels (width × height).",
        "The photo is 640 × 480 pixels (width × height)."]
    assert prepare_face(_shrink(astronaut.resize((2048, 1536)), 1024), 64)[0].info["photo_size"] == (2048, 1536)
    crop = prepare_face(wide, 64)[0]
    assert prepare_face(crop, 64, align=False)[0].info["photo_size"] == (640, 480)  # a crop prepared again
    assert prepare_face(astronaut.resize((96, 96)), 64, align=False)[0].info["photo_size"] == (96, 96)
    left, top, right, bottom = prepare_face(astronaut, 64)[0].info["face_box"]
    assert pipe.ask(astronaut, "How big is her face?", max_new_tokens=3) == [
        f"The face's box is {right - left} × {bottom - top} pixels (width × height): [{left}, {top}, {right}, "
        f"{bottom}] (left, top, right, bottom, in pixels)."]


def test_a_close_up_is_told_from_how_much_of_the_photo_the_face_fills(pipe, astronaut):
    """"Is this a close-up?" got "No. It is a photo of a person." of a baby's chip: the model sees only the aligned
    crop (always a close-up). It is answered from the face box's share of the photo's shorter side: the
    astronaut's 512-px photo (her face box under a fifth of it) is no close-up, her face cropped out is, and so is
    a crop given as already aligned (all face)."""
    from unif2ace.generation.constraints import CLOSE_UP_SHARE, FAR_SHARE

    crop, warp = prepare_face(astronaut, 64)
    face = astronaut.crop((190, 90, 270, 170)).resize((240, 240))  # the face fills the photo
    assert warp.face_share < FAR_SHARE < CLOSE_UP_SHARE < prepare_face(face, 64)[1].face_share
    assert crop.info["face_share"] == warp.face_share
    assert prepare_face(crop, 64, align=False)[0].info["face_share"] == warp.face_share  # kept when prepared again
    assert prepare_face(astronaut, 64, align=False)[0].info["face_share"] == 1.0
    got = pipe.ask([astronaut, face, astronaut], ["Is this a close-up?", "Is this a close-up?", "Is it a headshot?"],
                   max_new_tokens=3)
    assert got == ["No, the face takes up only a small part of the photo.", "Yes, the face fills most of the photo.",
                   "No, the face takes up only a small part of the photo."]
    assert pipe.ask(astronaut, "Is this a close-up?", align=False, max_new_tokens=3) == [
        "Yes, the face fills most of the photo."]


# ----------------------------------------------------------------------------- faces the first look misses
def test_a_face_turned_past_the_upright_detector_is_found_and_levelled(astronaut):
    """Turned by 60°, the astronaut is beyond what dlib's HOG detector finds as given (upright faces, about
    ±15°). detect_faces' turned looks find her, and the warp undoes exactly the turn: its angle is the upright
    photo's minus 60°, its scale the same, and the crop is the upright one (as close as two detections of one
    face are: the upright photo turned by 5°, found on the first look, differs from it by as much)."""
    from unif2ace.data.labelling.face import _detector
    from unif2ace.pipeline.faces import face_warp

    def coarse(im):
        return np.asarray(im.resize((16, 16), Image.BOX), np.float64)

    upright = face_warp(astronaut, 64)
    for degrees in (60, -60):
        turned = astronaut.rotate(degrees, Image.BICUBIC, expand=True)
        rgb = np.asarray(turned)
        assert not any(_detector().run(rgb, up, 0.0)[0] for up in (0, 1))  # the first look misses her
        warp = face_warp(turned, 64)
        assert abs(warp.roll - upright.roll + degrees) < 3
        assert warp.scale == pytest.approx(upright.scale, rel=0.03)
    near = coarse(prepare_face(astronaut.rotate(5, Image.BICUBIC, expand=True), 64)[0])
    crop = coarse(prepare_face(astronaut.rotate(60, Image.BICUBIC, expand=True), 64)[0])
    reference = coarse(prepare_face(astronaut, 64)[0])
    unaligned = coarse(astronaut.resize((64, 64)))
    assert np.abs(crop - reference).mean() < 1.2 * np.abs(near - reference).mean() < 0.5 * np.abs(unaligned - reference).mean()


def test_a_photo_on_its_side_or_upside_down_is_read_upright(astronaut):
    """A phone photo whose orientation tag was lost lies on its side or upside down: the quarter-turned looks
    find the face, and the warp turns it upright (its angle the upright photo's minus the turn, modulo 360°), so
    the crop is the upright one."""
    from unif2ace.generation.constraints import orientation_answer
    from unif2ace.pipeline.faces import face_warp

    def coarse(im):
        return np.asarray(im.resize((16, 16), Image.BOX), np.float64)

    upright = face_warp(astronaut, 64)
    reference = coarse(prepare_face(astronaut, 64)[0])
    near = coarse(prepare_face(astronaut.rotate(5, Image.BICUBIC, expand=True), 64)[0])
    for degrees in (90, -90, 180):
        turned = astronaut.rotate(degrees, expand=True)  # exact: a quarter turn moves whole pixels
        warp = face_warp(turned, 64)
        off = (warp.roll - upright.roll + degrees + 180) % 360 - 180
        assert abs(off) < 3 and warp.scale == pytest.approx(upright.scale, rel=0.03)
        crop = coarse(prepare_face(turned, 64)[0])
        assert np.abs(crop - reference).mean() < 1.2 * np.abs(near - reference).mean()
        # the turn is kept with the crop, for questions about which way up the photo is
        roll = prepare_face(turned, 64)[0].info["face_roll"]
        assert abs((roll - upright.roll + degrees + 180) % 360 - 180) < 3
        answer = orientation_answer("Is the photo upside down?", roll)
        assert answer.startswith("Yes, the photo is upside down" if degrees == 180 else "No, the photo is on its side")
    assert orientation_answer("Is the photo upside down?", prepare_face(astronaut, 64)[0].info["face_roll"]) == \
        "No, the face is upright in the photo."
    assert "face_roll" not in prepare_face(astronaut, 64, align=False)[0].info  # not looked for


def test_an_overexposed_face_is_found_on_the_equalised_look(astronaut):
    from PIL import ImageEnhance

    from unif2ace.data.labelling.face import _detector
    from unif2ace.pipeline.faces import detect_faces

    bright = np.asarray(ImageEnhance.Brightness(astronaut).enhance(2.2))
    assert not any(_detector().run(bright, up, 0.0)[0] for up in (0, 1))
    (box, _), count = detect_faces(bright)
    (want, _), _ = detect_faces(np.asarray(astronaut))
    assert count == 1 and np.allclose(box, want, atol=12)  # her face, not anything else


def test_turned_maps_its_pixels_back_to_the_photo():
    """Closed form: one lit pixel, turned by ±25° and ±90°, maps back to where it was."""
    from unif2ace.pipeline.faces import _turned

    photo = np.zeros((90, 120, 3), np.uint8)
    photo[30, 80] = 255
    for degrees in (25.0, -25.0, 90.0, -90.0):
        turned, to_photo = _turned(photo, degrees)
        weight = turned[..., 0].astype(np.float64)  # the lit pixel, spread by bilinear resampling: its centroid
        yy, xx = np.mgrid[: weight.shape[0], : weight.shape[1]]
        x, y = (weight * xx).sum() / weight.sum(), (weight * yy).sum() / weight.sum()
        assert np.abs(to_photo(np.array([[x, y]]))[0] - (80, 30)).max() < 0.05
        # nothing is cut off: the turned copy holds every pixel of the photo
        assert turned.shape[0] * turned.shape[1] >= photo.shape[0] * photo.shape[1]


@pytest.mark.parametrize("name", ["coffee", "chelsea", "rocket", "moon", "page", "horse", "text", "brick",
                                  "grass", "gravel", "logo", "colorwheel", "immunohistochemistry", "hubble_deep_field"])
def test_the_extra_looks_find_no_face_where_there_is_none(name):
    """scikit-image's photos without a person stay faceless through every look (its "coins" does not: a
    turned look takes a coin for a face at score 0.11, docs/inference.md)."""
    from unif2ace.pipeline.faces import detect_faces

    image = getattr(skimage_data, name)()
    if image.dtype != np.uint8:
        image = (image * 255).astype(np.uint8) if image.max() <= 1 else image.astype(np.uint8)
    if image.ndim == 2:
        image = np.stack([image] * 3, -1)
    assert detect_faces(np.ascontiguousarray(image[..., :3])) == (None, 0)


# ----------------------------------------------------------------------------- exposure
def test_face_luminance_is_the_luma_of_the_middle_half():
    from unif2ace.pipeline.faces import face_luminance

    crop = np.zeros((64, 64, 3), np.uint8)
    crop[16:48, 16:48] = (200, 100, 50)  # the middle half; the rest (black) does not count
    assert face_luminance(Image.fromarray(crop)) == pytest.approx(0.299 * 200 + 0.587 * 100 + 0.114 * 50)


def test_exposure_outside_the_training_range_is_brought_to_its_median(astronaut):
    from PIL import ImageEnhance

    from unif2ace.pipeline.faces import EXPOSURE_RANGE, face_luminance, normalise_exposure

    low, middle, high = EXPOSURE_RANGE
    crop = prepare_face(astronaut, 64)[0]
    assert low <= face_luminance(crop) <= high and normalise_exposure(crop) is crop  # lit as training photos are
    dim = ImageEnhance.Brightness(crop).enhance(0.3)
    dim.info["faces"] = 1
    assert face_luminance(dim) < low
    fixed = normalise_exposure(dim)
    assert face_luminance(fixed) == pytest.approx(middle, abs=1.5) and fixed.info["faces"] == 1
    assert normalise_exposure(fixed) is fixed  # once in range it stays as it is
    # a plain gain: the result is the original crop scaled to the median, up to the rounding of the dim one
    want = np.clip(np.asarray(crop, np.float64) * middle / face_luminance(crop), 0, 255)
    assert np.abs(np.asarray(fixed, np.float64) - want).mean() < 1.5
    bright = Image.fromarray(np.full((64, 64, 3), 240, np.uint8))
    assert face_luminance(normalise_exposure(bright)) == pytest.approx(middle, abs=0.5)


def test_prepare_normalises_exposure_unless_told_not_to(pipe, astronaut):
    from PIL import ImageEnhance

    from unif2ace.pipeline.faces import normalise_exposure

    dim = ImageEnhance.Brightness(astronaut).enhance(0.3)
    raw = prepare_face(dim, pipe.image_size)[0]
    assert same(pipe.prepare([dim])[0], normalise_exposure(raw)) and not same(normalise_exposure(raw), raw)
    pipe.normalise_exposure = False
    try:
        assert same(pipe.prepare([dim])[0], raw)
    finally:
        pipe.normalise_exposure = True


def test_a_face_mostly_blown_out_or_black_is_warned_about(pipe, astronaut, caplog):
    from PIL import ImageEnhance

    from unif2ace.pipeline.faces import CLIPPED_SHARE, exposure_warning

    def crop(value: int, share: float) -> Image.Image:
        """A grey crop whose middle half has its top ``share`` of rows at ``value``."""
        size = pipe.image_size
        rgb, q = np.full((size, size, 3), 128, np.uint8), size // 4
        rgb[q:-q, q:-q][: round(2 * q * share)] = value
        return Image.fromarray(rgb)

    assert exposure_warning(crop(128, 1.0)) is None
    assert "over-exposed" in exposure_warning(crop(255, CLIPPED_SHARE + 0.1))
    assert "under-exposed" in exposure_warning(crop(0, CLIPPED_SHARE + 0.1))
    assert exposure_warning(crop(255, CLIPPED_SHARE - 0.1)) is None and exposure_warning(crop(0, 0.4)) is None
    with caplog.at_level("WARNING", logger="unif2ace.pipeline"):
        pipe.prepare([astronaut])
        assert not caplog.records  # a photo lit as photos are: no warning
        pipe.prepare([ImageEnhance.Brightness(astronaut).enhance(2.2)])
    assert len(caplog.records) == 1 and "over-exposed" in caplog.records[0].getMessage()


def test_prepare_keeps_the_photos_own_lighting_before_normalising(pipe, astronaut):
    """The labeller reads the lighting from the photo's mean luma; normalising the exposure hid a dark photo from
    the model ("Is it a dark photo?" of the astronaut at 0.25 brightness got "No, the lighting is even.")."""
    from PIL import ImageEnhance

    from unif2ace.data.labelling.measures import photo_properties

    dim = ImageEnhance.Brightness(astronaut).enhance(0.25)
    crop = pipe.prepare([dim])[0]
    raw = prepare_face(dim, pipe.image_size)[0]
    assert crop.info["luminance"] == pytest.approx(photo_properties(np.asarray(raw))["luminance"])
    assert crop.info["luminance"] < 60 < photo_properties(np.asarray(crop))["luminance"]  # brightened for the model
    # a crop prepared again without alignment keeps the photo's own
    assert pipe.prepare([crop], align=False)[0].info["luminance"] == crop.info["luminance"]


# ----------------------------------------------------------------------------- a crop past the photo's edges
def test_a_crop_past_the_photo_edges_carries_the_edge_pixels_there():
    """Closed form, with nearest-pixel sampling at whole-pixel offsets: where the crop reaches past the
    photo, it holds the photo's edge pixels carried outwards (numpy's "edge" padding); inside, the photo;
    and a crop inside the photo is apply's to the bit."""
    from unif2ace.pipeline.faces import FaceWarp

    photo = np.random.default_rng(0).integers(0, 256, (50, 60, 3), dtype=np.uint8)
    pil = Image.fromarray(photo)
    warp = FaceWarp((1.0, 0.0, -10.0, 0.0, 1.0, -5.0), 40)  # crop (x, y) = photo (x − 10, y − 5)
    crop = np.asarray(warp.apply_padded(pil, Image.NEAREST))
    want = np.pad(photo, ((5, 0), (10, 0), (0, 0)), mode="edge")[:40, :40]
    assert np.array_equal(crop, want)
    assert (np.asarray(warp.apply(pil, Image.NEAREST))[:, :10] == 0).all()  # apply: black there
    inside = FaceWarp((0.9, 0.1, 12.0, -0.1, 0.9, 8.0), 32)
    assert np.array_equal(np.asarray(inside.apply_padded(pil)), np.asarray(inside.apply(pil)))
    # far past every edge of a tiny photo: its pixels carried out, never an error or a black band
    tiny = Image.fromarray(photo[:3, :2])
    big = np.asarray(FaceWarp((1.0, 0.0, -20.0, 0.0, 1.0, -20.0), 48).apply_padded(tiny, Image.NEAREST))
    assert big.shape == (48, 48, 3) and set(map(tuple, big.reshape(-1, 3))) <= set(map(tuple, photo[:3, :2].reshape(-1, 3)))


def test_a_photo_much_larger_than_the_crop_is_averaged_down_not_sampled():
    """A phone photo read at 128 px: an affine transform samples one photo pixel per crop pixel, so the photo's
    grain stays at full strength in the crop (noise of σ 20 keeps σ > 10); averaged over k × k photo pixels
    first, it falls to about σ / k. And the averaging moves nothing: on a linear ramp, which bicubic sampling and
    box averaging both reproduce exactly, the crop is apply's within rounding (a half reduced pixel off would be
    2 units)."""
    from unif2ace.pipeline.faces import FaceWarp

    rng = np.random.default_rng(0)
    grain = Image.fromarray(rng.normal(128, 20, (1024, 1024, 3)).clip(0, 255).astype(np.uint8))
    warp = FaceWarp((8.0, 0.0, 0.0, 0.0, 8.0, 0.0), 128)  # 8 photo pixels per crop pixel
    assert np.asarray(warp.apply(grain), np.float64).std() > 10
    assert np.asarray(warp.apply_padded(grain), np.float64).std() < 1.5 * 20 / 8
    ramp = Image.fromarray(np.repeat(np.tile(np.arange(256, dtype=np.uint8), (256, 1))[..., None], 3, -1))
    warp = FaceWarp((4.0, 0.0, 60.0, 0.0, 4.0, 40.0), 32)  # crop x = i → photo x = 62 + 4i
    plain = np.asarray(warp.apply(ramp), np.float64)[4:-4, 4:-4]
    averaged = np.asarray(warp.apply_padded(ramp), np.float64)[4:-4, 4:-4]
    assert np.abs(plain - (62 + 4 * np.arange(4, 28))[None, :, None]).max() <= 1
    assert np.abs(averaged - plain).max() <= 1


def test_an_aligned_close_up_has_no_black_band(astronaut):
    face = astronaut.crop((190, 90, 270, 170)).resize((240, 240))  # the face fills the photo, cut at its edges
    crop, warp = prepare_face(face, 64)
    outside = np.asarray(warp.apply(Image.new("RGB", face.size, (255, 255, 255))), np.int16).sum(-1) == 0
    assert outside.mean() > 0.1  # a tenth of the crop lies past the photo's edges
    assert np.asarray(crop, np.int16).sum(-1)[outside].min() > 30  # where apply would leave it black


def _jpeg_with_exif(image: Image.Image, tags: dict, sub: dict | None = None) -> bytes:
    """``image`` as JPEG bytes whose EXIF holds ``tags`` in IFD0 and ``sub`` in the Exif sub-IFD."""
    import io

    exif = Image.Exif()
    for tag, value in tags.items():
        exif[tag] = value
    for tag, value in (sub or {}).items():
        exif.get_ifd(0x8769)[tag] = value
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def test_the_date_a_photo_file_holds_is_kept_with_its_crop(astronaut):
    """7 Dec 2026 (night): "When was this photo taken?" and "What year was he born?" got "I can't tell" of phone
    photos whose files say when they were taken (EXIF DateTimeOriginal, else DateTimeDigitized, else DateTime)."""
    import io

    from unif2ace.pipeline.faces import load_image, photo_taken

    dated = _jpeg_with_exif(astronaut, {306: "2019:01:02 10:00:00"}, {36867: "2024:03:14 09:30:00"})
    assert photo_taken(Image.open(io.BytesIO(dated))) == "2024-03-14"  # the original date before the file's
    assert load_image(dated).info["taken"] == "2024-03-14"
    assert load_image(Image.open(io.BytesIO(dated))).info["taken"] == "2024-03-14"  # a PIL image given
    assert prepare_face(load_image(dated), 64)[0].info["taken"] == "2024-03-14"  # aligned
    crop = prepare_face(dated, 64, align=False)[0]
    assert crop.info["taken"] == "2024-03-14" and prepare_face(crop, 64, align=False)[0].info["taken"] == "2024-03-14"
    # the file's own date when no original is stored; none, or a date that is no date, is no date
    assert load_image(_jpeg_with_exif(astronaut, {306: "2015:06:30 08:00:00"})).info["taken"] == "2015-06-30"
    for tags in ({}, {306: "0000:00:00 00:00:00"}, {306: "2015:13:40 08:00:00"}, {306: "garbage"}):
        assert "taken" not in load_image(_jpeg_with_exif(astronaut, tags)).info, tags
    assert "taken" not in prepare_face(astronaut, 64)[0].info


def test_a_photos_date_is_answered_through_the_pipeline(astronaut, tmp_path):
    from unif2ace.pipeline import UniF2ace, write_random_model

    pipe = UniF2ace.from_pretrained(write_random_model(tmp_path / "tiny"))
    dated = tmp_path / "dated.jpg"
    dated.write_bytes(_jpeg_with_exif(astronaut.resize((128, 128)), {}, {36867: "2019:07:21 14:02:11"}))
    got = pipe.ask([str(dated), astronaut.resize((128, 128))], "When was this photo taken?", align=False,
                   max_new_tokens=2)
    assert got[0] == "On 21 July 2019, by the date stored in the photo file (its EXIF data)."
    assert got[1].startswith("I can't tell: the photo file holds no date")

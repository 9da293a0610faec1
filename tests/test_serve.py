"""The HTTP server: endpoints, batching of concurrent requests, limits and JSON errors, survival."""

import base64
import io
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
pytest.importorskip("multipart")
skimage_data = pytest.importorskip("skimage.data")

from fastapi.testclient import TestClient  # noqa: E402

from unif2ace.pipeline import UniF2ace, write_random_model  # noqa: E402
from unif2ace.serve import Limits, create_app  # noqa: E402
from unif2ace.serve.batcher import Batcher  # noqa: E402


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    return UniF2ace.from_pretrained(write_random_model(tmp_path_factory.mktemp("model") / "tiny"))


@pytest.fixture(scope="module")
def client(pipe):
    app = create_app(pipe, Limits(max_upload_bytes=2 * 2**20, max_pixels=1_000_000, max_prompt_chars=200,
                                  max_images=4, max_new_tokens=8), max_batch=16, max_wait_ms=200)
    with TestClient(app) as c:
        yield c


def png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


ASTRONAUT = png(Image.fromarray(skimage_data.astronaut()))


def decode(url: str) -> np.ndarray:
    assert url.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))))


def test_health_and_page(client):
    h = client.get("/health").json()
    assert h["status"] == "ok" and h["image_size"] == 64 and h["preset"] == "tiny"
    page = client.get("/")
    assert page.status_code == 200 and 'id="prompt"' in page.text and 'id="photo"' in page.text


def test_generate_and_its_seed(client):
    r = client.post("/v1/generate", json={"prompt": "a smiling woman", "n": 2, "seed": 5, "steps": 3})
    assert r.status_code == 200
    body = r.json()
    assert len(body["images"]) == 2 and body["seed"] == 5
    assert decode(body["images"][0]).shape == (64, 64, 3)
    again = client.post("/v1/generate", json={"prompt": "a smiling woman", "n": 2, "seed": 5, "steps": 3}).json()
    assert np.array_equal(decode(again["images"][1]), decode(body["images"][1]))
    two = client.post("/v1/generate", json={"prompt": ["a", "b"], "steps": 2}).json()
    assert len(two["images"]) == 2 and two["prompts"] == ["a", "b"]
    ramp = {"prompt": "a smiling woman", "n": 2, "seed": 5, "steps": 3, "guidance_scale": 3.0}
    linear = client.post("/v1/generate", json={**ramp, "guidance_schedule": "linear"}).json()
    constant = client.post("/v1/generate", json=ramp).json()
    again = client.post("/v1/generate", json={**ramp, "guidance_schedule": "linear"}).json()
    assert np.array_equal(decode(again["images"][0]), decode(linear["images"][0]))
    assert not np.array_equal(decode(constant["images"][0]), decode(linear["images"][0]))


def test_generate_takes_a_negative_prompt_and_the_contrasts(client, pipe):
    prompt = "a smiling woman who is 60 years old"
    body = {"prompt": prompt, "seed": 5, "steps": 2, "guidance_scale": 1.5,
            "negative_prompt": "a blurry photo", "gender_contrast": 3.0, "age_contrast": 2.0}
    r = client.post("/v1/generate", json=body)
    want = pipe.generate([prompt], steps=2, guidance_scale=1.5, seed=5, negative_prompt="a blurry photo",
                         gender_contrast=3.0, age_contrast=2.0)
    assert r.status_code == 200 and np.array_equal(decode(r.json()["images"][0]), np.asarray(want[0]))
    for off in ({"negative_prompt": None}, {"gender_contrast": 0}, {"age_contrast": 0}):
        other = client.post("/v1/generate", json={**body, **off}).json()
        assert not np.array_equal(decode(other["images"][0]), np.asarray(want[0])), off
    for key in ("gender_contrast", "age_contrast"):
        r = client.post("/v1/generate", json={**body, key: -1})
        assert r.status_code == 422 and key in r.json()["error"]
    r = client.post("/v1/generate", json={**body, "negative_prompt": "x" * 201})
    assert r.status_code == 422 and "negative_prompt has 201 characters; at most 200" in r.json()["error"]


def test_generate_takes_greyscale_from_colour(client, pipe):
    body = {"prompt": "an old man, black and white photo", "seed": 5, "steps": 2, "guidance_scale": 1.5}
    r = client.post("/v1/generate", json={**body, "greyscale_from_colour": True})
    want = pipe.generate([body["prompt"]], steps=2, guidance_scale=1.5, seed=5, greyscale_from_colour=True)
    assert r.status_code == 200 and np.array_equal(decode(r.json()["images"][0]), np.asarray(want[0]))
    r = client.post("/v1/generate", json={**body, "greyscale_from_colour": "yes"})
    assert r.status_code == 422 and "greyscale_from_colour" in r.json()["error"]


def test_generate_takes_training_words(client, pipe):
    body = {"prompt": "a cheerful grandmother", "seed": 5, "steps": 2, "guidance_scale": 1.5}
    r = client.post("/v1/generate", json={**body, "training_words": True})
    want = pipe.generate(["a happy old woman"], steps=2, guidance_scale=1.5, seed=5)
    assert r.status_code == 200 and np.array_equal(decode(r.json()["images"][0]), np.asarray(want[0]))
    assert r.json()["prompts"] == ["a cheerful grandmother"]  # the user's prompt is what the reply names,
    assert r.json()["drawn_prompts"] == ["a happy old woman"]  # and what it was drawn from
    r = client.post("/v1/generate", json={**body, "training_words": "often"})
    assert r.status_code == 422 and "training_words" in r.json()["error"]


@pytest.mark.parametrize("option, value, too_many", [("candidates", 3, 9), ("face_retries", 1, 5)])
def test_generate_sampling_option_is_the_pipelines(client, pipe, option, value, too_many):
    """Best of N and the redraw of faces without a face: the server's faces are the pipeline's."""
    if option == "face_retries":
        pytest.importorskip("dlib")
        pytest.importorskip("face_recognition_models")
    body = {"prompt": "an old man", "seed": 3, "steps": 2, "guidance_scale": 1.5, option: value}
    got = client.post("/v1/generate", json=body).json()
    want = pipe.generate(["an old man"], steps=2, guidance_scale=1.5, seed=3, **{option: value})
    assert np.array_equal(decode(got["images"][0]), np.asarray(want[0]))
    r = client.post("/v1/generate", json={**body, option: too_many})
    assert r.status_code == 422 and option in r.json()["error"]


@pytest.mark.parametrize("body,status,message", [
    ({"prompt": ""}, 422, "empty"),
    ({"prompt": "x" * 201}, 422, "at most 200"),
    ({"prompt": "x", "n": 5}, 422, "at most 4"),
    ({"prompt": "x", "steps": 0}, 422, "steps"),
    ({"prompt": "x", "seed": -1}, 422, "seed"),
    ({"prompt": "x", "guidance_schedule": "ramp"}, 422, "guidance_schedule"),
    ({"prompt": 3}, 422, "prompt"),
    ({}, 422, "prompt"),
])
def test_generate_rejects_bad_input_with_json(client, body, status, message):
    r = client.post("/v1/generate", json=body)
    assert r.status_code == status and message in r.json()["error"]


def test_malformed_json_is_a_4xx(client):
    r = client.post("/v1/generate", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "error" in r.json()


def test_caption_and_ask(client):
    r = client.post("/v1/caption", files={"images": ("a.png", ASTRONAUT, "image/png")})
    assert r.status_code == 200 and isinstance(r.json()["captions"][0], str) and r.json()["captions"][0]
    r = client.post("/v1/ask", files=[("images", ("a.png", ASTRONAUT, "image/png"))],
                    data={"questions": ["Is she smiling?", "How old is she?"]})
    assert r.status_code == 200 and len(r.json()["answers"]) == 2
    assert r.json()["warnings"] == []  # a photo lit as photos are


def test_a_blown_out_face_comes_with_a_warning(client):
    """The astronaut at 2.2× brightness (86% of the face pure white) was described as a man with a neutral
    expression, with nothing to say the answers could not be trusted; each route now says so in words."""
    from PIL import ImageEnhance

    blown = png(ImageEnhance.Brightness(Image.fromarray(skimage_data.astronaut())).enhance(2.2))
    r = client.post("/v1/ask", files={"images": ("a.png", blown, "image/png")}, data={"questions": "Man or woman?"})
    assert r.status_code == 200 and len(r.json()["warnings"]) == 1 and "over-exposed" in r.json()["warnings"][0]
    r = client.post("/v1/caption", files={"images": ("a.png", blown, "image/png")})
    assert r.status_code == 200 and "over-exposed" in r.json()["warnings"][0]
    url = "data:image/png;base64," + base64.b64encode(blown).decode()
    r = client.post("/v1/chat", json={"image": url, "messages": [{"role": "user", "content": "Man or woman?"}]})
    assert r.status_code == 200 and "over-exposed" in r.json()["warnings"][0]
    # OpenAI's chat route too (a field of its own, which OpenAI's clients keep), streamed or not
    messages = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": url}},
                                             {"type": "text", "text": "Man or woman?"}]}]
    r = client.post("/v1/chat/completions", json={"messages": messages})
    assert r.status_code == 200 and "over-exposed" in r.json()["warnings"][0]
    r = client.post("/v1/chat/completions", json={"messages": messages, "stream": True})
    first = json.loads(r.text.split("\n\n")[0].removeprefix("data: "))
    assert first["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert "over-exposed" in first["warnings"][0]


def test_a_field_a_route_does_not_read_is_named(client):
    """{"prompt": "a man", "num_images": 2} drew one face at the default settings, the misspelt setting
    unseen; every native route now names such a field (and the nearest one it reads) instead."""
    for body, words in (({"prompt": "a man", "num_images": 2}, "'num_images' is not a field of /v1/generate: its"),
                        ({"prompt": "a man", "guidance": 4.0}, "did you mean 'guidance_scale'?"),
                        ({"prompt": "a man", "seeds": 3}, "did you mean 'seed'?")):
        r = client.post("/v1/generate", json=body)
        assert r.status_code == 422 and words in r.json()["error"], r.text
    r = client.post("/v1/caption", files={"images": ("a.png", ASTRONAUT, "image/png")}, data={"allign": "false"})
    assert r.status_code == 422 and "'allign' is not a field of /v1/caption: did you mean 'align'?" in r.json()["error"]
    r = client.post("/v1/edit", files={"image": ("a.png", ASTRONAUT, "image/png")},
                    data={"prompt": "smiling", "strength": "0.5"})
    assert r.status_code == 422 and "'strength' is not a field of /v1/edit" in r.json()["error"]
    # "image" and "question" are read as "images" and "questions", as one photo is often named
    r = client.post("/v1/ask", files={"image": ("a.png", ASTRONAUT, "image/png")}, data={"question": "Is she smiling?"})
    assert r.status_code == 200 and len(r.json()["answers"]) == 1
    # OpenAI's image options that mean nothing here are accepted; a field neither OpenAI's nor ours is not
    r = client.post("/v1/images/generations", json={"prompt": "a man", "quality": "hd", "style": "vivid", "user": "u",
                                                    "steps": 1, "seed": 0})
    assert r.status_code == 200 and len(r.json()["data"]) == 1
    r = client.post("/v1/images/generations", json={"prompt": "a man", "negative": "a hat"})
    assert r.status_code == 422 and "did you mean 'negative_prompt'?" in r.json()["error"]["message"]


def test_bad_uploads(client):
    blank = png(Image.new("RGB", (120, 120), "white"))
    cases = [
        (dict(files={"images": ("x.png", b"not an image", "image/png")}), 415, "not an image"),
        (dict(files={"images": ("blank.png", blank, "image/png")}), 422, "no face found"),
        (dict(files={"images": ("big.png", png(Image.new("RGB", (1200, 1000))), "image/png")}), 413, "pixels"),
        (dict(files={"images": ("huge.bin", b"0" * (2 * 2**20 + 1), "image/png")}), 413, "larger than"),
        (dict(files=[("images", ("a.png", ASTRONAUT, "image/png"))] * 5), 422, "at most 4"),
        (dict(data={"align": "true"}), 415, "multipart"),
        (dict(files={"other": ("a.png", ASTRONAUT, "image/png")}), 422, "'other' is not a field of /v1/caption"),
        (dict(files={"align": (None, "true")}), 422, "no photo given: send it as 'images'"),
        (dict(files={"images": ("a.png", ASTRONAUT, "image/png")}, data={"align": "maybe"}), 422, "true or false"),
    ]
    for kwargs, status, message in cases:
        r = client.post("/v1/caption", **kwargs)
        assert r.status_code == status, (message, r.text)
        assert message in r.json()["error"]
    r = client.post("/v1/ask", files={"images": ("a.png", ASTRONAUT, "image/png")})
    assert r.status_code == 422 and "question" in r.json()["error"]
    assert client.get("/health").json()["status"] == "ok"  # still alive


def test_edit(client):
    mask = Image.new("L", (512, 512), 0)
    mask.paste(255, (170, 130, 280, 175))
    files = {"image": ("a.png", ASTRONAUT, "image/png"), "mask": ("m.png", png(mask), "image/png")}
    r = client.post("/v1/edit", files=files, data={"prompt": "a thick beard", "seed": "1", "steps": "2"})
    # the photo comes back at its own size, edited inside the mask; this mask reaches past the face crop
    assert r.status_code == 200 and decode(r.json()["image"]).shape == (512, 512, 3)
    assert 0 < r.json()["mask_outside_crop"] < 1 and "outside the face crop" in r.json()["warnings"][0]
    r = client.post("/v1/edit", files=files, data={"prompt": "x", "steps": "many"})
    assert r.status_code == 422 and "steps must be a number" in r.json()["error"]
    r = client.post("/v1/edit", files=files, data={"prompt": "x", "guidance_schedule": "ramp"})
    assert r.status_code == 422 and "guidance_schedule must be one of constant, linear, cosine" in r.json()["error"]
    r = client.post("/v1/edit", files=files, data={"prompt": "x", "guidance_schedule": "cosine", "steps": "2"})
    assert r.status_code == 200
    r = client.post("/v1/edit", files=files)
    assert r.status_code == 422 and "prompt" in r.json()["error"]


def test_generate_warns_of_a_prompt_not_in_english(client):
    r = client.post("/v1/generate", json={"prompt": ["una mujer sonriente", "a smiling woman"], "steps": 1, "seed": 2})
    assert r.status_code == 200 and len(r.json()["images"]) == 2
    assert len(r.json()["warnings"]) == 1 and "'una mujer sonriente' does not read as English" in r.json()["warnings"][0]
    r = client.post("/v1/generate", json={"prompt": "a smiling woman", "steps": 1, "seed": 2})
    assert r.status_code == 200 and r.json()["warnings"] == []


def test_edit_takes_training_words(client, pipe):
    mask = Image.new("L", (512, 512), 0)
    mask.paste(255, (185, 130, 260, 168))
    files = {"image": ("a.png", ASTRONAUT, "image/png"), "mask": ("m.png", png(mask), "image/png")}
    form = {"prompt": "an old lady crying", "seed": "3", "steps": "2"}
    r = client.post("/v1/edit", files=files, data={**form, "training_words": "true"})
    want = pipe.edit(Image.open(io.BytesIO(ASTRONAUT)), mask, "an old woman, sad", seed=3, steps=2)
    assert r.status_code == 200 and r.json()["drawn_prompt"] == "an old woman, sad"
    assert np.array_equal(decode(r.json()["image"]), np.asarray(want.image))
    r = client.post("/v1/edit", files=files, data={**form, "training_words": "false"})
    assert r.status_code == 200 and r.json()["drawn_prompt"] == "an old lady crying"
    r = client.post("/v1/edit", files=files, data={**form, "training_words": "often"})
    assert r.status_code == 422 and "training_words must be true or false" in r.json()["error"]


def test_concurrent_requests_are_batched(client):
    batcher = client.app.state.batcher
    before = len(batcher.batch_sizes)
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda i: client.post("/v1/generate", json={"prompt": f"face {i}", "steps": 2}),
                                range(6)))
    assert all(r.status_code == 200 and len(r.json()["images"]) == 1 for r in results)
    assert max(list(batcher.batch_sizes)[before:]) > 1


def test_batcher_isolates_a_failing_request():
    def run(key, payloads):
        if "bad" in payloads:
            raise ValueError("bad payload")
        return [p.upper() for p in payloads]

    batcher = Batcher(run, max_rows=8, max_wait=0.2)
    futures = [batcher.submit("k", p) for p in ("a", "bad", "c")]
    assert futures[0].result(5) == "A" and futures[2].result(5) == "C"
    with pytest.raises(ValueError, match="bad payload"):
        futures[1].result(5)
    other = batcher.submit("other-key", "z")  # different keys never share a batch
    assert other.result(5) == "Z"
    batcher.close()


def test_an_idle_batcher_holds_no_finished_request():
    import gc
    import weakref

    class Photo:  # a request's payload (an image in the server)
        pass

    batcher = Batcher(lambda key, payloads: [1 for _ in payloads], max_rows=4, max_wait=0)
    photo = Photo()
    ref = weakref.ref(photo)
    assert batcher.submit("k", photo).result(5) == 1
    del photo
    time.sleep(0.1)  # the worker is back waiting for the next job
    gc.collect()
    assert ref() is None
    batcher.close()


def test_batcher_respects_max_rows():
    seen = []
    gate = threading.Event()

    def run(key, payloads):
        gate.wait(5)
        seen.append(len(payloads))
        return payloads

    batcher = Batcher(run, max_rows=2, max_wait=0.05)
    futures = [batcher.submit("k", i) for i in range(5)]
    time.sleep(0.1)
    gate.set()
    assert [f.result(5) for f in futures] == list(range(5))
    assert max(seen) <= 2
    batcher.close()

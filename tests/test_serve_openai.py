"""The OpenAI-compatible routes, driven by the official ``openai`` client against a real server,
and the native JSON bodies (/v1/caption, /v1/ask with base64 images; /v1/chat).

Every answer is checked against the pipeline called directly with the same inputs."""

import base64
import io
import json

import numpy as np
import pytest
from live_server import running_server
from PIL import Image

pytest.importorskip("fastapi")
pytest.importorskip("multipart")
openai = pytest.importorskip("openai")
uvicorn = pytest.importorskip("uvicorn")
skimage_data = pytest.importorskip("skimage.data")


from unif2ace.pipeline import UniF2ace, write_random_model  # noqa: E402
from unif2ace.serve import Limits, create_app  # noqa: E402

MAX_TOKENS = 8


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    return UniF2ace.from_pretrained(write_random_model(tmp_path_factory.mktemp("model") / "tiny"))


@pytest.fixture(scope="module")
def server(pipe):
    """A real uvicorn server on a free local port, in a background thread."""
    app = create_app(pipe, Limits(max_images=4, max_new_tokens=MAX_TOKENS, max_prompt_chars=200), max_wait_ms=50)
    with running_server(app) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server + "/v1", api_key="unused", max_retries=0, timeout=120)


def png_b64(image: Image.Image) -> str:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


@pytest.fixture(scope="module")
def crop(pipe):
    """The astronaut photo, aligned and cropped as the server does it."""
    return pipe.prepare([Image.fromarray(skimage_data.astronaut())])[0]


def test_models_lists_the_served_model(client, pipe):
    models = client.models.list()
    assert [m.id for m in models.data] == [pipe.name]


def test_images_generate_is_the_pipelines(client, pipe):
    out = client.images.generate(model=pipe.name, prompt="a smiling woman", n=2, size="64x64",
                                 response_format="b64_json", extra_body={"seed": 5, "steps": 2})
    assert len(out.data) == 2 and out.data[0].revised_prompt == "a smiling woman"
    got = [np.asarray(Image.open(io.BytesIO(base64.b64decode(d.b64_json)))) for d in out.data]
    want = pipe.generate(["a smiling woman"], num_images_per_prompt=2, steps=2, seed=5)
    for g, w in zip(got, want):
        assert g.shape == (64, 64, 3) and np.array_equal(g, np.asarray(w))
    assert out.model_extra["seed"] == 5
    # without a seed the server draws one and says which: replaying it gives the same face
    first = client.images.generate(prompt="an old man", extra_body={"steps": 2})
    seed = first.model_extra["seed"]
    again = client.images.generate(prompt="an old man", size="auto", extra_body={"steps": 2, "seed": seed})
    assert first.data[0].b64_json == again.data[0].b64_json
    # revised_prompt says what a face was drawn from: the prompt in the words the model was trained on
    plain = client.images.generate(prompt="grandpa laughing", extra_body={"steps": 2, "seed": 1, "training_words": True})
    assert plain.data[0].revised_prompt == "old man smiling"


def test_images_generate_rejects_what_it_cannot_do(client):
    with pytest.raises(openai.BadRequestError, match="64x64"):
        client.images.generate(prompt="a face", size="1024x1024")
    with pytest.raises(openai.BadRequestError, match="b64_json"):
        client.images.generate(prompt="a face", response_format="url")
    with pytest.raises(openai.UnprocessableEntityError, match="at most 4"):
        client.images.generate(prompt="a face", n=5)
    with pytest.raises(openai.NotFoundError, match="not served here"):
        client.images.generate(prompt="a face", model="dall-e-3")
    with pytest.raises(openai.UnprocessableEntityError, match="steps"):
        client.images.generate(prompt="a face", extra_body={"steps": 0})


def _messages(image_b64: str, *text: str) -> list[dict]:
    """A conversation about one photo: the first user turn carries the photo, turns alternate."""
    out = [{"role": "user", "content": [{"type": "text", "text": text[0]},
                                        {"type": "image_url", "image_url": {"url": "data:image/png;base64,"
                                                                                  + image_b64}}]}]
    for k, t in enumerate(text[1:]):
        out.append({"role": "assistant" if k % 2 == 0 else "user", "content": t})
    return out


def test_chat_completions_and_stream_are_the_pipelines(client, pipe, crop):
    photo = png_b64(Image.fromarray(skimage_data.astronaut()))
    messages = _messages(photo, "Is this a man or a woman?", "A woman.", "Is she smiling?")
    want = pipe.chat(crop, [{"role": "user", "content": "Is this a man or a woman?"},
                            {"role": "assistant", "content": "A woman."},
                            {"role": "user", "content": "Is she smiling?"}], align=False, max_new_tokens=MAX_TOKENS)
    out = client.chat.completions.create(model=pipe.name, messages=messages)
    assert out.choices[0].message.role == "assistant" and out.choices[0].finish_reason == "stop"
    assert out.choices[0].message.content == want and want
    system = [{"role": "system", "content": "You are a helpful assistant."}] + messages
    pieces, finish = [], None
    for chunk in client.chat.completions.create(model=pipe.name, messages=system, stream=True):
        pieces.append(chunk.choices[0].delta.content or "")
        finish = chunk.choices[0].finish_reason or finish
    assert "".join(pieces) == want and finish == "stop" and len(pieces) > 2
    # max_tokens shortens the reply to the pipeline's reply at that length
    short = client.chat.completions.create(model=pipe.name, messages=messages, max_tokens=2)
    assert short.choices[0].message.content == pipe.chat(crop, [{"role": "user", "content": m} for m in
                                                                ("Is this a man or a woman?",)] + [
        {"role": "assistant", "content": "A woman."}, {"role": "user", "content": "Is she smiling?"}],
        align=False, max_new_tokens=2)


def test_chat_completions_rejects_bad_conversations(client):
    photo = png_b64(Image.fromarray(skimage_data.astronaut()))
    with pytest.raises(openai.UnprocessableEntityError, match="no photo"):
        client.chat.completions.create(model="", messages=[{"role": "user", "content": "Hi?"}])
    with pytest.raises(openai.UnprocessableEntityError, match="alternate"):  # the assistant cannot speak first
        client.chat.completions.create(model="", messages=[{"role": "assistant", "content": "Hello?"}] + _messages(
            photo, "Hi?"))
    with pytest.raises(openai.BadRequestError, match="web address"):
        client.chat.completions.create(model="", messages=[{"role": "user", "content": [
            {"type": "text", "text": "Hi?"}, {"type": "image_url", "image_url": {"url": "https://x.org/a.png"}}]}])
    with pytest.raises(openai.UnprocessableEntityError, match="no face"):
        blank = png_b64(Image.new("RGB", (200, 200), "gray"))
        client.chat.completions.create(model="", messages=_messages(blank, "Hi?"))


def test_chat_completions_read_messages_as_openai_clients_send_them(client, pipe, crop):
    """Two user messages in a row are one turn (a client sending the photo, then the question), a photo sent with
    no words asks for a description, ``n`` gives that many replies (greedy: the same one), ``stop`` cuts a reply
    before its stop string, ``usage`` counts tokens, and options whose reply this server cannot give are a 400."""
    photo = png_b64(Image.fromarray(skimage_data.astronaut()))
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64," + photo}}
    want = pipe.chat(crop, [{"role": "user", "content": "Is she smiling?"}], align=False, max_new_tokens=MAX_TOKENS)
    split = [{"role": "user", "content": [image]}, {"role": "user", "content": "Is she smiling?"}]
    out = client.chat.completions.create(model="", messages=split)
    assert out.choices[0].message.content == want  # got 422 "messages must alternate"
    described = pipe.chat(crop, [{"role": "user", "content": "Describe this photo."}], align=False,
                          max_new_tokens=MAX_TOKENS)
    for content in ([image], [image, {"type": "text", "text": ""}]):  # got 422 "the message is empty"
        assert client.chat.completions.create(model="", messages=[{"role": "user", "content": content}]
                                              ).choices[0].message.content == described
    many = client.chat.completions.create(model="", messages=split, n=3)
    assert [c.message.content for c in many.choices] == [want] * 3 and [c.index for c in many.choices] == [0, 1, 2]
    encode = pipe.text_tokenizer.encode
    assert many.usage.completion_tokens == 3 * len(encode(want))
    assert many.usage.total_tokens == many.usage.prompt_tokens + many.usage.completion_tokens
    assert many.usage.prompt_tokens > pipe.generation.num_image_tokens
    sampled = client.chat.completions.create(model="", messages=split, n=2, temperature=1.0, seed=4)
    assert len(sampled.choices) == 2
    cut = want[len(want) // 2:][:2]
    stopped = client.chat.completions.create(model="", messages=split, stop=[cut, "never there"])
    assert stopped.choices[0].message.content == want[:want.find(cut)]
    with pytest.raises(openai.BadRequestError, match="response_format"):
        client.chat.completions.create(model="", messages=split, response_format={"type": "xml"})
    with pytest.raises(openai.BadRequestError, match="json_schema"):
        client.chat.completions.create(model="", messages=split, response_format={"type": "json_schema"})
    with pytest.raises(openai.BadRequestError, match="tools"):
        client.chat.completions.create(model="", messages=split, tools=[
            {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}])
    with pytest.raises(openai.BadRequestError, match="logprobs"):
        client.chat.completions.create(model="", messages=split, logprobs=True)
    with pytest.raises(openai.UnprocessableEntityError, match="n must be"):
        client.chat.completions.create(model="", messages=split, n=9)
    with pytest.raises(openai.UnprocessableEntityError, match="stop"):
        client.chat.completions.create(model="", messages=split, stop=["a", "b", "c", "d", "e"])


def test_chat_completions_reply_in_json_as_response_format_asks(client, pipe, crop):
    """``response_format`` json_object and json_schema: the reply is the JSON the pipeline gives for the same
    conversation and format (read from the photo's description), and it parses."""
    photo = png_b64(Image.fromarray(skimage_data.astronaut()))
    schema = {"type": "json_schema", "json_schema": {"name": "face", "schema": {"type": "object", "properties": {
        "age": {"type": "integer"}, "gender": {"type": "string"}, "hair_color": {"type": "string"}}}}}
    for fmt, question in (({"type": "json_object"}, "What is the gender?"), (schema, "Describe her.")):
        want = pipe.chat(crop, [{"role": "user", "content": question}], align=False, max_new_tokens=MAX_TOKENS,
                         response_format=fmt)
        out = client.chat.completions.create(model="", messages=_messages(photo, question), response_format=fmt)
        assert out.choices[0].message.content == want
        got = json.loads(want)
        assert list(got) == (["gender"] if fmt["type"] == "json_object" else ["age", "gender", "hair_color"])
        assert got.get("hair_color") is None


def test_native_json_bodies_and_chat(server, pipe, crop):
    import httpx

    photo = png_b64(Image.fromarray(skimage_data.astronaut()))
    with httpx.Client(base_url=server, timeout=120) as http:
        r = http.post("/v1/caption", json={"images": [photo, "data:image/png;base64," + photo]})
        want = pipe.caption([crop], align=False, max_new_tokens=MAX_TOKENS)[0]
        assert r.status_code == 200 and r.json()["captions"] == [want, want]
        cropped = png_b64(crop)
        r = http.post("/v1/ask", json={"images": cropped, "questions": ["Is the person smiling?"], "align": False})
        assert r.status_code == 200
        assert r.json()["answers"] == pipe.ask([crop], "Is the person smiling?", align=False,
                                               max_new_tokens=MAX_TOKENS)
        messages = [{"role": "user", "content": "How old is this person?"}]
        r = http.post("/v1/chat", json={"image": photo, "messages": messages})
        assert r.status_code == 200 and r.json()["reply"] == pipe.chat(crop, messages, align=False,
                                                                        max_new_tokens=MAX_TOKENS)
        r = http.post("/v1/chat", json={"image": photo, "messages": messages, "response_format": "json"})
        assert r.status_code == 200 and r.json()["reply"] == pipe.chat(
            crop, messages, align=False, max_new_tokens=MAX_TOKENS, response_format="json")
        assert list(json.loads(r.json()["reply"])) == ["age"]  # "How old …?" names the age
        for path, body, status, words in (
                ("/v1/caption", {"images": ["not base64!"]}, 400, "not valid base64"),
                ("/v1/caption", {"images": []}, 422, "no photo given: send it as 'images'"),
                ("/v1/ask", {"image": photo, "question": "Is she smiling?", "qestion": "x"}, 422,
                 "'qestion' is not a field of /v1/ask: did you mean 'question'?"),
                ("/v1/chat", {"image": photo, "messages": messages, "max_tokens": 9}, 422,
                 "'max_tokens' is not a field of /v1/chat: did you mean 'max_new_tokens'?"),
                ("/v1/ask", {"images": photo}, 422, "no question"),
                ("/v1/chat", {"messages": messages}, 422, "no 'image'"),
                ("/v1/chat", {"image": photo, "messages": []}, 422, "messages is empty"),
                ("/v1/chat", {"image": photo, "messages": messages, "response_format": "yaml"}, 400,
                 "response_format 'yaml' is not supported"),
                ("/v1/chat", {"image": photo, "messages": messages, "response_format": "json_schema"}, 400,
                 "needs a 'json_schema' object")):
            r = http.post(path, json=body)
            assert r.status_code == status and words in r.json()["error"], (path, r.text)
        r = http.post("/v1/caption", content=b"{oops", headers={"content-type": "application/json"})
        assert r.status_code == 400 and "JSON" in r.json()["error"]


def test_served_model_names(pipe, crop):
    """`serve --served-model-name`: clients written for another server name their model ("unif2ace", "gpt-4o");
    each listed name is served and named in the reply, any other is a 404 that lists them."""
    from fastapi.testclient import TestClient

    app = create_app(pipe, Limits(max_new_tokens=MAX_TOKENS), served_names=["unif2ace", "gpt-4o", "unif2ace"])
    with TestClient(app) as http:
        assert [m["id"] for m in http.get("/v1/models").json()["data"]] == ["unif2ace", "gpt-4o"]
        photo = png_b64(Image.fromarray(skimage_data.astronaut()))
        want = pipe.chat(crop, [{"role": "user", "content": "Is she smiling?"}], align=False, max_new_tokens=MAX_TOKENS)
        for name, named in (("gpt-4o", "gpt-4o"), (None, "unif2ace")):
            body = {"messages": _messages(photo, "Is she smiling?"), "max_tokens": MAX_TOKENS}
            reply = http.post("/v1/chat/completions", json=body | ({"model": name} if name else {})).json()
            assert reply["model"] == named and reply["choices"][0]["message"]["content"] == want
        wrong = http.post("/v1/chat/completions", json={"model": pipe.name, "messages": _messages(photo, "Hi?")})
        assert wrong.status_code == 404 and "'unif2ace' or 'gpt-4o'" in wrong.json()["error"]["message"]

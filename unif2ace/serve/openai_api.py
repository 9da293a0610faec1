"""OpenAI-compatible routes and the native chat route, beside the native API of :mod:`unif2ace.serve.app`.

    GET  /v1/models               → {"object": "list", "data": [{"id": <model name>, "object": "model", …}]}
    POST /v1/images/generations   JSON {"prompt", "n", "size", "response_format": "b64_json", "seed",
                                        "steps", "guidance_scale", …}  (seed and the sampling options are
                                        extensions; any option of /v1/generate is accepted)
                                  → {"created", "data": [{"b64_json", "revised_prompt"}], "seed"}
    POST /v1/chat/completions     JSON {"messages": [...], "max_tokens", "temperature", "top_p", "seed",
                                        "stream"}; the photo is an ``image_url`` part holding a data URL
                                  → a ``chat.completion`` (or, with ``"stream": true``, server-sent
                                    ``chat.completion.chunk`` events ending with ``data: [DONE]``)
    POST /v1/chat                 JSON {"image": base64 or data URL, "messages": [{"role", "content"}],
                                        "align", "max_new_tokens", "response_format"} → {"reply", "warnings"}

The official ``openai`` Python client works against these routes (``base_url=http://HOST:PORT/v1``,
any api_key). Everything goes through the app's batcher, so these requests share batches with the
native ones. Images are checked and face-aligned like every upload (``align`` defaults to true;
send ``"align": false`` for crops that are already aligned). What differs from OpenAI's service:
``size`` must be the model's one image size (or ``"auto"``), ``response_format`` must be ``b64_json``
(there is no file host for URLs), a conversation is about exactly one photo, ``n`` is at most
:data:`MAX_CHOICES` (greedy replies are one reply repeated), ``response_format`` ``json_object`` and ``json_schema`` give a
reply in JSON read from the photo's description (:mod:`unif2ace.generation.structured`; a schema's properties
name the keys), other formats, tools and logprobs are refused with a 400 that says so, and a streamed reply is decoded whole and then sent in
word-sized chunks (the text decoder has no token callback). As OpenAI's service does, two messages in a row
from one side are one turn, and ``stop`` cuts a reply before the first stop string; ``usage`` counts the
prompt's text and image tokens and the replies' tokens. A user message that holds only the photo asks for a
description (:data:`PHOTO_ONLY`).

:class:`JsonForm` lets the multipart routes (/v1/caption, /v1/ask, /v1/edit) take a JSON body too:
file fields hold base64 strings or data URLs, lists where the form would repeat a field.
"""

import base64
import binascii
import json
import time
import uuid
from collections.abc import Sequence
from typing import Any

from unif2ace.serve.app import BadRequest

# the JSON fields that hold images (base64 or data URLs) instead of text
IMAGE_FIELDS = ("images", "image", "mask")
# /v1/images/generations: OpenAI options read here, and those accepted but meaningless for this model
IMAGE_OPTIONS_READ = frozenset({"model", "response_format", "size", "stream", "output_format"})
IGNORED_IMAGE_OPTIONS = frozenset({"quality", "style", "background", "user", "moderation", "output_compression",
                                   "partial_images"})
CHAT_FIELDS = frozenset({"image", "messages", "align", "max_new_tokens", "temperature", "top_p", "seed",
                         "response_format"})
# what a user message holding only the photo asks (ChatGPT-style clients send a photo with no words)
PHOTO_ONLY = "Describe this photo."
# the most replies one chat completion may ask for (``n``)
MAX_CHOICES = 8


def _cut_at_stop(text: str, stops: list[str]) -> str:
    """``text`` up to the first of ``stops`` it contains (OpenAI's ``stop``: the stop string is not returned)."""
    ends = [i for i in (text.find(s) for s in stops) if i >= 0]
    return text[:min(ends)] if ends else text


class _Upload:
    """A decoded base64 image that reads like Starlette's ``UploadFile``."""

    def __init__(self, data: bytes, filename: str):
        self.data, self.filename = data, filename

    async def read(self, size: int = -1) -> bytes:
        return self.data if size < 0 else self.data[:size]


def decode_base64(value: Any, name: str) -> bytes:
    """Bytes of a base64 string or ``data:<type>;base64,`` URL; a 400 BadRequest naming ``name`` otherwise."""
    if not isinstance(value, str) or not value:
        raise BadRequest(f"{name} must be a base64 string or a data URL (data:image/png;base64,…)", 400)
    if value.startswith("data:"):
        head, sep, value = value.partition(",")
        if not sep or not head.endswith(";base64"):
            raise BadRequest(f"{name} is a data URL without base64 data: expected data:image/png;base64,…", 400)
    elif value.startswith(("http://", "https://")):
        raise BadRequest(f"{name} is a web address: the server fetches nothing; send the image itself as a "
                         "data URL", 400)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(f"{name} is not valid base64", 400) from None


class JsonForm:
    """A JSON object seen through the form interface (``keys``, ``get``, ``getlist``) the multipart routes read."""

    def __init__(self, body: dict):
        self.body = body

    def keys(self):
        return self.body.keys()

    def get(self, name: str, default=None):
        values = self.getlist(name)
        return values[0] if values else default

    def getlist(self, name: str) -> list:
        value = self.body.get(name)
        values = [] if value is None else list(value) if isinstance(value, list) else [value]
        if name in IMAGE_FIELDS:
            return [_Upload(decode_base64(v, f"{name}[{i}]"), f"{name}[{i}]") for i, v in enumerate(values)]
        return values


def create_router(pipe, batcher, limits, generate_route, generate_request, served_names: Sequence[str] = ()):
    """The OpenAI-compatible routes and /v1/chat for ``create_app``.

    ``generate_route`` is the app's /v1/generate handler and ``generate_request`` its request model:
    image generation goes through exactly the native path (validation, batching, seeds).
    """
    from fastapi import APIRouter, Request
    from fastapi.responses import StreamingResponse
    from pydantic import ValidationError
    from starlette.concurrency import run_in_threadpool

    from unif2ace.pipeline.pipeline import chat_turns
    from unif2ace.serve.app import (
        _check_text,
        _crops,
        _decode_image,
        check_fields,
        photo_warnings,
        validation_message,
        wait_for_job,
    )

    router = APIRouter()  # native routes: errors are {"error": message} like the rest of the app
    compat = APIRouter(route_class=_openai_route_class())  # OpenAI's routes: OpenAI's error shape
    created = int(time.time())

    async def _json(request: Request) -> dict:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise BadRequest("the body is not JSON: send Content-Type: application/json with a JSON object", 400) from None
        if not isinstance(body, dict):
            raise BadRequest("the body must be a JSON object")
        return body

    names = list(dict.fromkeys(served_names or [pipe.name]))  # `serve --served-model-name`; the first is the main one

    def _model_check(body: dict) -> str:
        """The name a request's ``model`` asks for, which its reply names (the main one when it names none)."""
        model = body.get("model")
        if model in (None, ""):
            return names[0]
        if model not in names:
            listed = " or ".join(repr(n) for n in names)
            raise BadRequest(f"model {model!r} is not served here; this server serves {listed} (GET /v1/models; "
                             "`unif2ace serve --served-model-name` adds names)", 404)
        return model

    async def _photo(value, name: str):
        data = decode_base64(value, name)
        if len(data) > limits.max_upload_bytes:
            raise BadRequest(f"{name} is larger than {limits.max_upload_bytes} bytes", 413)
        # shrunk like the native routes' uploads (a face needs no 24-megapixel original)
        return await run_in_threadpool(_decode_image, data, name, limits.max_pixels,
                                       getattr(limits, "max_side", None))

    async def _reply(crop, turns, max_new_tokens: int, sampling: dict, request: Request) -> str:
        key = ("text", max_new_tokens, tuple(sorted(sampling.items())))
        return (await wait_for_job(batcher.submit(key, [(crop, turns)], rows=1), request))[0]

    def _max_tokens(value, name: str) -> int:
        if value is None:
            return limits.max_new_tokens
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise BadRequest(f"{name} must be a whole number ≥ 1")
        return min(value, limits.max_new_tokens)

    def _sampling(body: dict) -> dict:
        """OpenAI's temperature/top_p/seed → the text decoder's; temperature 0 or absent: greedy."""
        out: dict = {}
        t, p, seed = body.get("temperature"), body.get("top_p"), body.get("seed")
        for name, v in (("temperature", t), ("top_p", p)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 2):
                raise BadRequest(f"{name} must be a number between 0 and 2")
        if p is not None and not 0 < p <= 1:
            raise BadRequest("top_p must be in (0, 1]")
        if t:
            out = {"do_sample": True, "temperature": float(t)}
            if p is not None and p < 1:
                out["top_p"] = float(p)
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
                raise BadRequest("seed must be a whole number between 0 and 2**63 - 1")
            out["seed"] = seed
        return out

    @compat.get("/v1/models")
    async def models():
        return {"object": "list", "data": [{"id": name, "object": "model", "created": created, "owned_by": "unif2ace"}
                                           for name in names]}

    @compat.post("/v1/images/generations")
    async def images_generations(request: Request):
        body = await _json(request)
        _model_check(body)
        fmt = body.pop("response_format", None)
        if fmt not in (None, "b64_json"):
            raise BadRequest(f"response_format {fmt!r} is not supported: use 'b64_json' (images come back in the "
                             "response; this server hosts no files)", 400)
        size = body.pop("size", None)
        expected = f"{pipe.image_size}x{pipe.image_size}"
        if size not in (None, "auto", expected):
            raise BadRequest(f"size {size!r} is not available: this model draws {expected} faces "
                             f"(send size '{expected}' or 'auto')", 400)
        if body.pop("stream", None):
            raise BadRequest("stream is not supported for images: the faces come back in one response", 400)
        if body.pop("output_format", None) not in (None, "png"):
            raise BadRequest("output_format must be 'png'", 400)
        # OpenAI's other options mean nothing for this model; any other field is a mistake to name (as OpenAI does)
        for name in IGNORED_IMAGE_OPTIONS | {"model"}:
            body.pop(name, None)
        try:
            req = generate_request(**body)
        except ValidationError as exc:
            fields = set(generate_request.model_fields) | IGNORED_IMAGE_OPTIONS | IMAGE_OPTIONS_READ
            raise BadRequest(validation_message(exc.errors(), "/v1/images/generations", fields)) from None
        if not isinstance(req.prompt, str):
            raise BadRequest("prompt must be one string (send n for several images)")
        out = await generate_route(req)
        # the prompt the face was drawn from (training words: "a cheerful grandmother" → "a happy old woman")
        data = [{"b64_json": url.split(",", 1)[1], "revised_prompt": out["drawn_prompts"][0]} for url in out["images"]]
        return {"created": int(time.time()), "data": data, "seed": out["seed"]}

    def _openai_messages(messages) -> tuple[str, list[dict]]:
        """OpenAI chat messages → (the photo's data URL, plain {"role", "content": str} messages)."""
        if not isinstance(messages, list) or not messages:
            raise BadRequest("messages must be a non-empty list of {role, content}")
        image, plain = None, []
        for i, m in enumerate(messages):
            if not isinstance(m, dict):
                raise BadRequest(f"messages[{i}] must be an object with role and content")
            role, content = m.get("role"), m.get("content")
            if role in ("system", "developer"):
                continue  # the model was trained without system prompts
            if isinstance(content, list):
                texts = []
                for j, part in enumerate(content):
                    kind = part.get("type") if isinstance(part, dict) else None
                    if kind == "text" and isinstance(part.get("text"), str):
                        texts.append(part["text"])
                    elif kind == "image_url":
                        url = part.get("image_url")
                        url = url.get("url") if isinstance(url, dict) else url
                        if image is not None:
                            raise BadRequest("a conversation is about one photo: send one image_url in all")
                        image = url
                    else:
                        raise BadRequest(f"messages[{i}].content[{j}] must be a text or image_url part")
                content = " ".join(texts)
            if not isinstance(content, str):
                raise BadRequest(f"messages[{i}].content must be a string or a list of parts")
            if role == "user" and not content.strip() and isinstance(m.get("content"), list) and image is not None:
                content = PHOTO_ONLY  # a photo sent with no words, as chat clients send it: a request to describe it
            if plain and plain[-1]["role"] == role == "user" and PHOTO_ONLY in (plain[-1]["content"], content):
                # the photo's message, then the question (chat_turns joins two messages from one side): the question
                plain[-1]["content"] = content if plain[-1]["content"] == PHOTO_ONLY else plain[-1]["content"]
                continue
            plain.append({"role": role, "content": content})
        if image is None:
            raise BadRequest("no photo: add an image_url part with a data URL (data:image/jpeg;base64,…) to a message")
        return image, plain

    def _turns(messages: list[dict]) -> list:
        try:
            turns = chat_turns(messages)
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
        for q, _ in turns:
            _check_text(q, "message", limits.max_prompt_chars)
        return turns

    def _response_format(body: dict) -> str | None:
        """The JSON reply a chat completion asks for (``{"type": "json_object"}`` or ``{"type": "json_schema",
        "json_schema": {"name", "schema"}}``, whose properties name the keys: ``generation.structured``), as JSON
        text to travel in the batch key; None for text. Any other type is a 400 (a client that asked for XML would
        otherwise read text as it)."""
        fmt = body.get("response_format")
        kind = fmt.get("type") if isinstance(fmt, dict) else fmt
        if kind in (None, "text"):
            return None
        if kind not in ("json", "json_object", "json_schema"):
            raise BadRequest(f"response_format {kind!r} is not supported: send 'text', 'json_object' or "
                             "'json_schema', or leave it out", 400)
        if kind == "json_schema" and not (isinstance(fmt, dict) and isinstance(fmt.get("json_schema"), dict)):
            raise BadRequest("response_format json_schema needs a 'json_schema' object with the 'schema' whose "
                             "properties name the keys", 400)
        return json.dumps(fmt)  # not sorted: a schema's properties keep their order in the reply

    def _unsupported(body: dict) -> None:
        """A 400 for an OpenAI option whose reply this server cannot give (a client that asked for a tool call
        would otherwise read plain text as one)."""
        if (body.get("tools") or body.get("functions")) and body.get("tool_choice") != "none":
            raise BadRequest("tools are not supported: this model answers in text and calls no functions", 400)
        if body.get("logprobs") or body.get("top_logprobs"):
            raise BadRequest("logprobs are not supported: the replies are grounded and rewritten after decoding, "
                             "so no per-token probabilities describe them", 400)

    def _stops(value) -> list[str]:
        if value is None:
            return []
        stops = [value] if isinstance(value, str) else value if isinstance(value, list) else None
        if stops is None or len(stops) > 4 or not all(isinstance(x, str) and x for x in stops):
            raise BadRequest("stop must be a non-empty string or a list of at most 4 of them")
        return stops

    def _choices(body: dict) -> int:
        n = body.get("n", 1)
        if n is None:
            return 1
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_CHOICES:
            raise BadRequest(f"n must be a whole number from 1 to {MAX_CHOICES}")
        return n

    @compat.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        body = await _json(request)
        model = _model_check(body)
        _unsupported(body)
        n, stops = _choices(body), _stops(body.get("stop"))
        image, messages = _openai_messages(body.get("messages"))
        turns = _turns(messages)
        max_tokens = _max_tokens(body.get("max_completion_tokens", body.get("max_tokens")), "max_tokens")
        sampling = _sampling(body)
        if (fmt := _response_format(body)) is not None:  # replies in JSON, read from the photo's description
            sampling["response_format"] = fmt
        photo = await _photo(image, "image_url")
        crop = (await run_in_threadpool(_crops, pipe, [photo], _align(body)))[0]
        warnings = photo_warnings([crop])  # not OpenAI's: a field its clients keep (e.g. ChatCompletion.warnings)
        # n replies: sampled ones are n rows of one job (each its own draw); greedy ones are one reply n times
        rows = n if sampling.get("do_sample") else 1
        key = ("text", max_tokens, tuple(sorted(sampling.items())))
        replies = await wait_for_job(batcher.submit(key, [(crop, turns)] * rows, rows=rows), request)
        replies = [_cut_at_stop(r, stops) for r in (replies if rows == n else replies * n)]
        prompt_tokens = sum(len(ids) for ids, _ in pipe.prompter.chat_segments(turns)) + pipe.generation.num_image_tokens
        completion = sum(len(pipe.text_tokenizer.encode(r)) for r in replies)
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion,
                 "total_tokens": prompt_tokens + completion}
        cid, now = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if not body.get("stream"):
            return {"id": cid, "object": "chat.completion", "created": now, "model": model,
                    "choices": [{"index": k, "message": {"role": "assistant", "content": r}, "finish_reason": "stop"}
                                for k, r in enumerate(replies)],
                    "usage": usage, "warnings": warnings}

        def chunk(index: int, delta: dict, finish: str | None = None, **extra) -> str:
            event = {"id": cid, "object": "chat.completion.chunk", "created": now, "model": model,
                     "choices": [{"index": index, "delta": delta, "finish_reason": finish}], **extra}
            return f"data: {json.dumps(event)}\n\n"

        def events():
            for k, reply in enumerate(replies):
                # the photo's warnings ride on each reply's first chunk
                yield chunk(k, {"role": "assistant", "content": ""}, warnings=warnings)
                for j, word in enumerate(reply.split(" ")):
                    yield chunk(k, {"content": word if j == 0 else " " + word})
                yield chunk(k, {}, "stop")
            if (body.get("stream_options") or {}).get("include_usage"):
                yield f"data: {json.dumps({'id': cid, 'object': 'chat.completion.chunk', 'created': now, 'model': model, 'choices': [], 'usage': usage})}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    def _align(body: dict) -> bool:
        value = body.get("align", True)
        if not isinstance(value, bool):
            raise BadRequest(f"align must be true or false, got {value!r}")
        return value

    @router.post("/v1/chat")
    async def chat(request: Request):
        body = await _json(request)
        check_fields(body.keys(), "/v1/chat", CHAT_FIELDS)
        if "image" not in body:
            raise BadRequest("no 'image' given: send the photo as base64 or a data URL")
        turns = _turns(body.get("messages") or [])
        max_tokens = _max_tokens(body.get("max_new_tokens"), "max_new_tokens")
        sampling = _sampling(body)
        if (fmt := _response_format(body)) is not None:  # as /v1/chat/completions takes it, or "json"
            sampling["response_format"] = fmt
        photo = await _photo(body["image"], "image")
        crop = (await run_in_threadpool(_crops, pipe, [photo], _align(body)))[0]
        return {"reply": await _reply(crop, turns, max_tokens, sampling, request), "warnings": photo_warnings([crop])}

    router.include_router(compat)
    return router


def _openai_route_class():
    """An APIRoute whose errors take OpenAI's shape, ``{"error": {"message", "type", "param", "code"}}``,
    which OpenAI clients read their exception text from; the app's own handlers still decide the status."""
    import inspect

    from fastapi.responses import JSONResponse
    from fastapi.routing import APIRoute

    class OpenAIRoute(APIRoute):
        def get_route_handler(self):
            handle = super().get_route_handler()

            async def route(request):
                try:
                    return await handle(request)
                except Exception as exc:
                    handler = next((request.app.exception_handlers[c] for c in type(exc).__mro__
                                    if c in request.app.exception_handlers), None)
                    if handler is None:
                        raise
                    response = handler(request, exc)
                    response = await response if inspect.isawaitable(response) else response
                    try:
                        message = json.loads(response.body)["error"]
                    except (ValueError, KeyError, TypeError):
                        return response
                    kind = "invalid_request_error" if response.status_code < 500 else "server_error"
                    return JSONResponse({"error": {"message": str(message), "type": kind, "param": None,
                                                   "code": None}}, status_code=response.status_code)

            return route

    return OpenAIRoute


__all__ = ["JsonForm", "create_router", "decode_base64"]

"""The HTTP server: a FastAPI app around one :class:`~unif2ace.pipeline.UniF2ace`.

    POST /v1/generate   JSON {"prompt": str | [str], "n", "steps", "guidance_scale", "guidance_schedule",
                              "temperature", "candidates", "face_retries", "negative_prompt", "gender_contrast",
                              "age_contrast", "greyscale_from_colour", "training_words", "seed"}
                        → {"images": [PNG data URLs], "prompts", "drawn_prompts" (what each was drawn from),
                           "warnings" (e.g. a prompt not in English), "seed"}
    POST /v1/caption    multipart: images (1…max_images files), align → {"captions": [...], "warnings"}
    POST /v1/ask        multipart: images, questions (one per image, or one for all) → {"answers": [...], "warnings"}
                        ("warnings": e.g. a face mostly blown out, whose answers may be wrong)
                        (both also take JSON with base64 images / data URLs; see serve/openai_api.py)
    POST /v1/chat       JSON {"image", "messages"} → {"reply", "warnings"}               (serve/openai_api.py)
    GET  /v1/models, POST /v1/images/generations, POST /v1/chat/completions: OpenAI-compatible (openai_api.py)
    POST /v1/edit       multipart: image, mask, prompt, steps, guidance_scale, guidance_schedule, temperature,
                        gender_contrast, age_contrast, negative_prompt, training_words, align, seed
                        → {"image", "warnings", "mask_outside_crop", "drawn_prompt"}
    GET  /health        model, device, queue length
    GET  /              the single web page

Photos are decoded, checked and face-aligned in the request (on a thread pool, so a bad photo
fails alone and early); model work goes through a :class:`~unif2ace.serve.batcher.Batcher`, so
concurrent requests run as one batch. A field a route does not read is a 422 that names it (a misspelt setting
would otherwise be left at its default unseen). Every error is JSON ``{"error": message}`` with a 4xx code
for bad input (413 too large, 415 not an image, 422 invalid or no face) and 500 otherwise; the
server keeps running.
"""


import asyncio
import base64
import difflib
import io
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image

from unif2ace.config import GUIDANCE_SCHEDULES
from unif2ace.serve.guards import LOCAL_HOSTS, TEST_HOST, BodyLimit, HostGuard, InternalErrors

STATIC = Path(__file__).resolve().parent / "static"


@dataclass
class Limits:
    max_upload_bytes: int = 10 * 2**20  # per file
    max_request_bytes: int = 40 * 2**20
    max_pixels: int = 4096 * 4096  # width × height of an uploaded photo, read from its header before decoding
    max_side: int = 1024  # photos are shrunk to this longer side before face alignment (its cost grows with pixels)
    max_prompt_chars: int = 1000
    max_images: int = 8  # images generated per request / photos per request
    max_steps: int = 100
    max_new_tokens: int = 256


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


# the fields each form route reads; "image" and "images" name the photo(s) alike, "question" and "questions" too
PHOTO_ALIAS = {"images": "image", "image": "images"}
CAPTION_FIELDS = frozenset({"images", "image", "align"})
ASK_FIELDS = frozenset({"images", "image", "questions", "question", "align"})
EDIT_FIELDS = frozenset({"image", "images", "mask", "prompt", "steps", "guidance_scale", "guidance_schedule",
                         "temperature", "seed", "gender_contrast", "age_contrast", "training_words",
                         "negative_prompt", "align"})


def unknown_field_message(name: str, route: str, fields) -> str:
    """What to say of a field ``route`` does not read ("num_images" sent to /v1/generate, "image" to /v1/ask): a
    misspelt setting silently ignored would draw or answer with the default while the client thinks otherwise."""
    fields = sorted(fields)
    near = difflib.get_close_matches(name, fields, n=1, cutoff=0.6)
    hint = f"did you mean '{near[0]}'? " if near else ""
    return f"'{name}' is not a field of {route}: {hint}its fields are {', '.join(fields)}"


def check_fields(keys, route: str, fields) -> None:
    """A 422 for the first of ``keys`` (a form's or a JSON object's) that is not one of ``fields``."""
    for name in keys:
        if name not in fields:
            raise BadRequest(unknown_field_message(str(name), route, fields))


def validation_message(errors, route: str, fields, skip: int = 0) -> str:
    """pydantic's errors in one line, each "field: what is wrong"; an unknown field named as such. ``skip``: leading
    parts of each error's location to drop (FastAPI's "body")."""
    parts = []
    for e in errors:
        where = ".".join(str(p) for p in e.get("loc", ())[skip:]) or "body"
        if e.get("type") == "extra_forbidden":
            parts.append(unknown_field_message(where, route, fields))
        else:
            parts.append(f"{where}: {e.get('msg')}")
    return "; ".join(parts) or "invalid request"


def create_app(pipe, limits: Limits | None = None, max_batch: int = 16, max_wait_ms: float = 10.0,
               allowed_hosts: Sequence[str] | None = None, cors_origins: Sequence[str] = (),
               served_names: Sequence[str] = ()):
    """The app serving ``pipe``; ``max_batch`` rows per model call, ``max_wait_ms`` to gather a batch.

    ``allowed_hosts``: the ``Host`` names it answers to (default: localhost, 127.0.0.1, ::1 and
    TestClient's ``testserver``); ``cors_origins``: other origins whose pages may call it; ``served_names``: the
    names OpenAI clients may give as ``model`` (default: the pipeline's name), the first the one replies name
    when a request gives none.
    """
    from contextlib import asynccontextmanager

    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse
    from pydantic import BaseModel, ConfigDict, Field
    from starlette.concurrency import run_in_threadpool
    from starlette.datastructures import UploadFile as StarletteUpload
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from unif2ace.generation.contrast import language_warning
    from unif2ace.pipeline import NoFaceError
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION, new_seed
    from unif2ace.serve.batcher import Batcher
    from unif2ace.validation import InvalidInput

    limits = limits or Limits()
    _strict_form_decoding()
    batcher = Batcher(lambda key, payloads: _run_batch(pipe, key, payloads), max_rows=max_batch,
                      max_wait=max_wait_ms / 1000)

    @asynccontextmanager
    async def lifespan(app):
        yield
        batcher.close()

    try:  # /docs with Swagger UI's files from the installed package, never a CDN (works offline)
        from fastapi_offline import FastAPIOffline as _FastAPI

        docs = {"redoc_url": None}
    except ImportError:  # without it /docs would load a CDN's script: keep only /openapi.json
        _FastAPI, docs = FastAPI, {"docs_url": None, "redoc_url": None}
    app = _FastAPI(title="UniF²ace", version="1", lifespan=lifespan, **docs)
    app.state.pipe, app.state.batcher, app.state.limits = pipe, batcher, limits

    # ------------------------------------------------------------------ errors: always JSON
    @app.exception_handler(BadRequest)
    async def bad_request(request, exc: BadRequest):
        return JSONResponse({"error": str(exc)}, status_code=exc.status)

    @app.exception_handler(NoFaceError)
    async def no_face(request, exc: NoFaceError):
        return JSONResponse({"error": str(exc)}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def invalid(request, exc: RequestValidationError):
        message = validation_message(exc.errors(), request.url.path, GenerateRequest.model_fields, skip=1)
        return JSONResponse({"error": message}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request, exc: StarletteHTTPException):
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(InvalidInput)  # the shared checks (validation.py): 422, 413 too large, 415 unreadable
    async def invalid_input(request, exc: InvalidInput):
        return JSONResponse({"error": str(exc)}, status_code=exc.status)

    @app.exception_handler(ValueError)  # the pipeline's checks of what a user sent (a bad mask, …)
    async def value_error(request, exc: ValueError):
        return JSONResponse({"error": str(exc)}, status_code=422)

    # outermost last: unknown hosts and cross-origin posts are refused before a body is read; bodies are
    # counted as they stream in; anything unexpected is a 500 naming a request id (details in the log)
    app.add_middleware(InternalErrors)
    app.add_middleware(BodyLimit, max_bytes=limits.max_request_bytes)
    app.add_middleware(HostGuard, allowed_hosts=(*LOCAL_HOSTS, TEST_HOST) if allowed_hosts is None else allowed_hosts,
                       allowed_origins=cors_origins)
    if cors_origins:  # let the named origins' pages read the answers
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["*"])

    # ------------------------------------------------------------------ routes
    @app.get("/", response_class=HTMLResponse)
    async def index():
        return HTMLResponse((STATIC / "index.html").read_text())

    @app.get("/health")
    async def health():
        return {"status": "ok", "model": pipe.name, "preset": pipe.config.name, "device": str(pipe.device),
                "dtype": str(pipe.dtype).replace("torch.", ""), "image_size": pipe.image_size,
                "queued": batcher.queued, "batches_run": batcher.batches_run, "cancelled": batcher.cancelled}

    class GenerateRequest(BaseModel):
        # strict: "1.5" or true where a number belongs is a client's mistake to report (422), not to guess at;
        # a field it does not know ("num_images", "cfg") likewise, not a setting silently left at its default
        model_config = ConfigDict(strict=True, extra="forbid")

        prompt: str | list[str]
        n: int = Field(1, ge=1)
        steps: int | None = Field(None, ge=1, le=limits.max_steps)
        guidance_scale: float | None = Field(None, ge=0, le=50)
        guidance_schedule: Literal[GUIDANCE_SCHEDULES] | None = None
        candidates: int | None = Field(None, ge=1, le=8)
        face_retries: int | None = Field(None, ge=0, le=4)
        negative_prompt: str | None = None
        gender_contrast: float | None = Field(None, ge=0, le=50)
        age_contrast: float | None = Field(None, ge=0, le=50)
        greyscale_from_colour: bool | None = None
        training_words: bool | None = None
        temperature: float | None = Field(None, ge=0, le=100)
        seed: int | None = Field(None, ge=0, le=2**63 - 1)

    @app.post("/v1/generate")
    async def generate(req: GenerateRequest, request: Request = None):  # None: called by another route
        prompts = [req.prompt] if isinstance(req.prompt, str) else req.prompt
        if not prompts:
            raise BadRequest("prompt is empty: give a prompt or a list of prompts")
        for p in prompts:
            _check_text(p, "prompt", limits.max_prompt_chars)
        rows = len(prompts) * req.n
        if rows > limits.max_images:
            raise BadRequest(f"{rows} images requested; at most {limits.max_images} per request")
        if req.negative_prompt is not None:  # "" is allowed: it is the default's empty prompt
            _check_text(req.negative_prompt, "negative_prompt", limits.max_prompt_chars, allow_empty=True)
        # the sampling fields become one checked ImageGenerationConfig (the model's defaults + the request's);
        # requests with equal configs and negative prompts can share a batch
        config = _sampling_config(pipe, req.model_dump(exclude={"prompt", "n", "seed", "negative_prompt"}))
        # unseeded requests share batches (one seed for the batch); a seeded one runs alone so it is reproducible
        key = ("generate", config, req.negative_prompt, uuid.uuid4().hex if req.seed is not None else None)
        rows_prompts = [p for p in prompts for _ in range(req.n)]
        drawn = rows * config.candidates  # what the batch computes: every candidate
        images, seed = await _wait(batcher.submit(key, {"prompts": rows_prompts, "seed": req.seed}, rows=drawn),
                                   request)
        # what each prompt was drawn from (training words, colour for black and white), so a client can show it
        drawn_prompts = [pipe.drawn_prompt(p, config) for p in prompts]
        warnings = [w for p in dict.fromkeys(prompts) if (w := language_warning(p))]  # e.g. a prompt not in English
        return {"images": [_data_url(im) for im in images], "prompts": prompts, "drawn_prompts": drawn_prompts,
                "warnings": warnings, "seed": seed}

    @app.post("/v1/caption")
    async def caption(request: Request):
        form = await _form(request, CAPTION_FIELDS)
        photos = await _photos(form, "images")
        align = _flag(form.get("align"), True, "align")
        crops = await run_in_threadpool(_crops, pipe, photos, align)
        captions = await _wait(batcher.submit(("text", limits.max_new_tokens),
                                              [(c, CAPTION_QUESTION) for c in crops], rows=len(crops)), request)
        return {"captions": captions, "warnings": photo_warnings(crops)}

    @app.post("/v1/ask")
    async def ask(request: Request):
        form = await _form(request, ASK_FIELDS)
        photos = await _photos(form, "images")
        questions = [q for q in form.getlist("questions") + form.getlist("question") if isinstance(q, str)]
        if not questions:
            raise BadRequest("no question given: add a 'questions' field")
        for q in questions:
            _check_text(q, "question", limits.max_prompt_chars)
        if len(photos) == 1 and len(questions) > 1:
            photos = photos * len(questions)
        elif len(questions) == 1:
            questions = questions * len(photos)
        if len(photos) != len(questions) or len(photos) > limits.max_images:
            raise BadRequest(f"{len(photos)} photos for {len(questions)} questions: give one question per photo "
                             f"(at most {limits.max_images}), one question for all, or one photo for all")
        crops = await run_in_threadpool(_crops, pipe, photos, _flag(form.get("align"), True, "align"))
        answers = await _wait(batcher.submit(("text", limits.max_new_tokens), list(zip(crops, questions)),
                                             rows=len(crops)), request)
        return {"answers": answers, "questions": questions, "warnings": photo_warnings(crops)}

    @app.post("/v1/edit")
    async def edit(request: Request):
        form = await _form(request, EDIT_FIELDS)
        image = (await _photos(form, "image", at_most=1, shrink=False))[0]
        mask = (await _photos(form, "mask", at_most=1, shrink=False))[0]
        if mask.size != image.size:
            raise BadRequest(f"the mask is {mask.size[0]}×{mask.size[1]} but the photo is {image.size[0]}×"
                             f"{image.size[1]}; draw the mask on the photo itself")
        # not shrunk: the edited photo comes back at its own resolution (max_pixels bounds the work)
        prompt = form.get("prompt")
        if not isinstance(prompt, str):
            raise BadRequest("no prompt given: add a 'prompt' field describing the edit")
        _check_text(prompt, "prompt", limits.max_prompt_chars)
        settings = {k: _number(form.get(k), k, cast) for k, cast in
                    (("steps", int), ("guidance_scale", float), ("temperature", float), ("seed", int))}
        if settings["steps"] is not None and not 1 <= settings["steps"] <= limits.max_steps:
            raise BadRequest(f"steps must be between 1 and {limits.max_steps}")
        if settings["seed"] is not None and not 0 <= settings["seed"] < 2**63:
            raise BadRequest("seed must be between 0 and 2**63 - 1")
        schedule = form.get("guidance_schedule") or None
        if schedule is not None and schedule not in GUIDANCE_SCHEDULES:
            raise BadRequest(f"guidance_schedule must be one of {', '.join(GUIDANCE_SCHEDULES)}")
        settings["guidance_schedule"] = schedule
        seed = settings.pop("seed")
        for name, cast in (("gender_contrast", float), ("age_contrast", float)):
            settings[name] = _number(form.get(name), name, cast)
        if form.get("training_words") is not None:
            settings["training_words"] = _flag(form.get("training_words"), True, "training_words")
        negative = form.get("negative_prompt")
        if negative is not None and not isinstance(negative, str):
            raise BadRequest("negative_prompt must be text")
        if negative is not None:
            _check_text(negative, "negative_prompt", limits.max_prompt_chars, allow_empty=True)
        payload = dict(image=image, mask=mask, prompt=prompt, align=_flag(form.get("align"), True, "align"), seed=seed,
                       config=_sampling_config(pipe, settings), negative_prompt=negative)
        out = await _wait(batcher.submit(("edit", uuid.uuid4().hex), payload), request)
        # the photo at its (upload-limited) resolution, edited inside the mask; warnings in plain words
        return {"image": _data_url(out.image), "warnings": out.warnings, "mask_outside_crop": out.mask_outside_crop,
                "drawn_prompt": out.drawn_prompt}

    # ------------------------------------------------------------------ request helpers
    async def _form(request: Request, fields: frozenset[str]):
        """The request's form (multipart, or a JSON object read the same way), every field one of ``fields``."""
        form = await _read_form(request)
        check_fields(form.keys(), request.url.path, fields)
        return form

    async def _read_form(request: Request):
        if request.headers.get("content-type", "").startswith("application/json"):
            from unif2ace.serve.openai_api import JsonForm  # JSON bodies: images as base64 / data URLs

            try:
                body = await request.json()
            except ValueError:
                raise BadRequest("the body is not valid JSON", 400) from None
            if not isinstance(body, dict):
                raise BadRequest("the JSON body must be an object, e.g. {\"images\": [\"<base64>\"]}")
            return JsonForm(body)
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise BadRequest("send multipart/form-data (files and fields), e.g. curl -F images=@face.jpg, "
                             "or JSON with base64 images", 415)
        try:
            return await request.form(max_files=limits.max_images + 2, max_fields=4 * limits.max_images + 16)
        except Exception as exc:  # malformed multipart bodies
            raise BadRequest(f"could not read the form: {exc}", 400) from exc

    async def _photos(form, name: str, at_most: int | None = None, shrink: bool = True) -> list[Image.Image]:
        # "image" for "images" and back: one photo or several, as a client names it
        files = [f for n in (name, PHOTO_ALIAS.get(name)) if n for f in form.getlist(n) if hasattr(f, "read")]
        if not files:
            raise BadRequest(f"no photo given: send it as '{name}' (a file: curl -F {name}=@face.jpg; or in JSON, "
                             "base64 or a data URL)")
        at_most = at_most or limits.max_images
        if len(files) > at_most:
            raise BadRequest(f"{len(files)} '{name}' files; at most {at_most} per request")
        out = []
        for f in files:
            data = await f.read(limits.max_upload_bytes + 1)
            if isinstance(f, StarletteUpload):  # its bytes are read: free the spooled file now, not at collection
                await f.close()
            if len(data) > limits.max_upload_bytes:
                raise BadRequest(f"{f.filename or name} is larger than {limits.max_upload_bytes} bytes", 413)
            out.append(await run_in_threadpool(_decode_image, data, _field_name(f, name), limits.max_pixels,
                                               limits.max_side if shrink else None))
        return out

    _wait = wait_for_job

    from unif2ace.serve.openai_api import create_router  # /v1/models, /v1/images/generations, /v1/chat…

    app.include_router(create_router(pipe, batcher, limits, generate, GenerateRequest, served_names))
    from unif2ace.serve.page import attach_page  # the page's files, /v1/config, per-request progress events

    attach_page(app, pipe, batcher, limits)
    app.state.new_seed = new_seed
    return app


async def wait_for_job(future, request=None):
    """The batcher job's result. If the client (``request``) disconnects while its job waits, the job is
    cancelled: dropped from the queue when it has not started (a running batch finishes)."""
    waiting = asyncio.wrap_future(future)
    while request is not None and not waiting.done():
        await asyncio.wait({waiting}, timeout=0.1)
        if not waiting.done() and await request.is_disconnected():
            future.cancel()
            raise BadRequest("the client disconnected", 499)  # nginx's code; nobody reads it
    return await waiting

def _run_batch(pipe, key, payloads):
    """Runs on the batcher's thread: one model call for a batch of equal-key payloads."""
    from unif2ace.pipeline.pipeline import new_seed

    kind = key[0]
    if kind == "generate":
        seed = payloads[0]["seed"] if len(payloads) == 1 and payloads[0]["seed"] is not None else new_seed()
        rows = [p for payload in payloads for p in payload["prompts"]]
        images = pipe.generate(rows, 1, key[1], seed=seed, negative_prompt=key[2])
        out, start = [], 0
        for payload in payloads:
            n = len(payload["prompts"])
            out.append((images[start:start + n], seed))
            start += n
        return out
    if kind == "text":
        pairs = [pair for payload in payloads for pair in payload]
        # a payload pair is (crop, question) or (crop, chat turns); key[2]: the decoder's sampling options
        options = dict(key[2] if len(key) > 2 else ())
        if "response_format" in options:  # JSON text in the key, so that the key stays hashable
            options["response_format"] = json.loads(options["response_format"])
        answers = pipe.converse([c for c, _ in pairs], [[(q, None)] if isinstance(q, str) else q for _, q in pairs],
                                align=False, max_new_tokens=key[1], **options)
        out, start = [], 0
        for payload in payloads:
            out.append(answers[start:start + len(payload)])
            start += len(payload)
        return out
    if kind == "edit":
        return [pipe.edit(**p) for p in payloads]
    raise ValueError(f"unknown job kind {kind!r}")


def _sampling_config(pipe, options: dict):
    """The request's sampling options over the model's defaults, checked: a bad value is a 422 naming it."""
    from unif2ace.validation import InvalidInput

    try:
        return pipe.sampling_config(**options)
    except InvalidInput as exc:
        raise BadRequest(str(exc)) from None


def _crops(pipe, photos, align: bool):
    return pipe.prepare(photos, align)


def photo_warnings(crops) -> list[str]:
    """What the prepared photos' crops say in words about themselves (``info["warning"]``: a face mostly blown out
    or black), each once."""
    return list(dict.fromkeys(w for c in crops if (w := c.info.get("warning"))))


def _decode_image(data: bytes, name: str, max_pixels: int, max_side: int | None = None) -> Image.Image:
    """An uploaded file → upright RGB image, shrunk to ``max_side`` (longer side) when given.

    The pipeline's one image reader (``load_image``: EXIF rotation, 16-bit, alpha, first frame) checks
    the pixel count from the header before decoding: a few KB of PNG can declare 144 Mpixel. Its
    refusals keep their HTTP codes (413 too large, 415 unreadable, 422 too small). Runs on a worker
    thread, never the event loop.
    """
    from unif2ace.pipeline.faces import load_image
    from unif2ace.validation import InvalidInput

    try:
        rgb = load_image(data, name=name, max_pixels=max_pixels)
    except InvalidInput as exc:
        raise BadRequest(str(exc), exc.status) from None
    return rgb if max_side is None else _shrink(rgb, max_side)


def _shrink(image: Image.Image, max_side: int) -> Image.Image:
    """``image`` scaled down so its longer side is at most ``max_side`` (never up); ``info["pixel_scale"]`` says by
    how much, so that a face box is told in the upload's own pixels."""
    if max(image.size) <= max_side:
        return image
    scale = max_side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    out = image.resize(size, Image.LANCZOS, reducing_gap=3.0)
    out.info["pixel_scale"] = max(image.size) / max(size)  # the upload's pixels per these (the face box says them)
    out.info["photo_size"] = image.size  # the upload's own, which a question about its size is answered with
    return out


def _field_name(upload, field: str) -> str:
    """How an error names an uploaded file: its file name (cut) and form field, never an object repr."""
    filename = getattr(upload, "filename", None)
    return f"'{filename[:80]}' ({field})" if filename else f"the '{field}' file"


def _strict_form_decoding() -> None:
    """Starlette decodes a multipart text field that is not UTF-8 as Latin-1: a lone surrogate or any
    broken text becomes mojibake the model answers silently. Make such a field a 400 that says so."""
    from starlette import formparsers

    if not hasattr(formparsers, "_user_safe_decode"):  # a Starlette without the fallback
        return

    def strict(src: bytes | bytearray, codec: str) -> str:
        try:
            return src.decode(codec)
        except (UnicodeDecodeError, LookupError):
            raise formparsers.MultiPartException("a form field is not valid UTF-8 text; send text as UTF-8") from None

    formparsers._user_safe_decode = strict


def _check_text(text: str, what: str, max_chars: int, allow_empty: bool = False) -> None:
    """The one text check of the API, CLI and server (empty, NUL, lone surrogates, length) as a 422."""
    from unif2ace.validation import InvalidInput, check_text

    try:
        check_text(text, what, allow_empty=allow_empty, max_chars=max_chars)
    except InvalidInput as exc:
        raise BadRequest(str(exc)) from None


def _flag(value, default: bool, name: str) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):  # JSON bodies
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on"):
        return True
    if isinstance(value, str) and value.lower() in ("0", "false", "no", "off"):
        return False
    raise BadRequest(f"{name} must be true or false, got {value!r}")


def _number(value, name: str, cast):
    if value is None or value == "":
        return None
    try:
        return cast(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be a number, got {value!r}") from None


def _data_url(image: Image.Image) -> str:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


__all__ = ["create_app", "Limits"]

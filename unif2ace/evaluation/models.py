"""What is evaluated: a UniF²ace pipeline, any object with the same methods, or the reference model.

The interface (``unif2ace.pipeline.UniF2ace``)::

    pipe.generate(prompts, num_images_per_prompt=1, steps=None, guidance_scale=None, temperature=None, seed=0)
        -> list[PIL.Image]                         # len(prompts) * num_images_per_prompt, prompt-major
    pipe.caption(images) -> list[str]
    pipe.ask(images, questions) -> list[str]       # one question per image

``--model`` is a pipeline folder, ``package.module:factory`` (a callable returning such an object,
for other models and tests), ``reference``: the held-out photos and their reference texts
themselves, which measures the ceiling of every metric with the same code path, or
``reconstructed:TOKENIZER`` (a tokenizer folder, or a model folder holding ``image_tokenizer/``): the
held-out photos passed through that image tokenizer (encoded, then decoded), what a transformer that
drew exactly each photo's codes would score — the ceiling the tokenizer sets on generated faces.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from pathlib import Path
from typing import Any

import numpy as np

RECONSTRUCTED = "reconstructed:"


def load_model(spec: str, data: str | Path | None = None, device: str | None = None, dtype: str | None = None) -> Any:
    """The pipeline to evaluate; ``device`` and ``dtype`` (a name: float32 (default), bfloat16, float16, auto)
    apply to a model folder only."""
    if spec == "reference" or spec.startswith(RECONSTRUCTED):
        if data is None:
            raise ValueError(f"--model {spec.split(':')[0]} needs --data")
        tokenizer = None if spec == "reference" else reconstruction_tokenizer(spec[len(RECONSTRUCTED):], device)
        return ReferenceModel(data, tokenizer=tokenizer)
    if ":" in spec and not Path(spec).exists():
        module, _, attr = spec.partition(":")
        obj = getattr(importlib.import_module(module), attr)
        return obj() if callable(obj) and not _is_pipeline(obj) else obj
    folder = Path(spec)
    if not folder.is_dir():
        raise FileNotFoundError(f"model {spec!r} is neither a folder, 'module:factory' nor 'reference'")
    try:
        from unif2ace.pipeline import UniF2ace
    except ImportError as exc:
        raise ImportError("unif2ace.pipeline is not available in this install; pass --model module:factory") from exc
    params = inspect.signature(UniF2ace.from_pretrained).parameters
    # float32 unless asked: every published evaluation number was measured in float32, while
    # from_pretrained's own default is "auto" (bf16 where the CPU computes it natively)
    kwargs = {k: v for k, v in (("device", device), ("dtype", dtype or "float32")) if v and k in params}
    return UniF2ace.from_pretrained(folder, **kwargs)


def reconstruction_tokenizer(path: str, device: str | None = None):
    """The image tokenizer of ``reconstructed:PATH``: PATH is a tokenizer folder or a model folder with one."""
    folder = Path(path)
    if (folder / "image_tokenizer" / "config.json").is_file():
        folder = folder / "image_tokenizer"
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"--model reconstructed:{path}: no image tokenizer there; give a tokenizer folder "
                                "(config.json + model.safetensors) or a model folder holding image_tokenizer/")
    from unif2ace.image_tokenizer.checkpoint import load_tokenizer

    return load_tokenizer(folder, device or "cpu").float()


def _is_pipeline(obj: Any) -> bool:
    return all(hasattr(obj, m) for m in ("generate", "caption", "ask")) and not inspect.isclass(obj)


def accepts(fn: Any, name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def _kw(fn: Any, **kwargs: Any) -> dict[str, Any]:
    """Only the keyword arguments ``fn`` takes (``align=False`` is optional in the interface)."""
    return {k: v for k, v in kwargs.items() if accepts(fn, k)}


def _bar(total: int, desc: str | None, unit: str):
    """A progress bar labelled ``desc`` (none when ``desc`` is None)."""
    from unif2ace.progress import bar

    return bar(total, desc or "", unit=unit, disable=True if desc is None else None)


def caption_images(pipe: Any, images: list, batch_size: int = 16, desc: str | None = None) -> list[str]:
    """``pipe.caption`` in batches; ``desc``: show a progress bar with this label."""
    out: list[str] = []
    with _bar(len(images), desc, "img") as b:
        for s in range(0, len(images), batch_size):
            out += list(pipe.caption(images[s : s + batch_size], **_kw(pipe.caption, align=False)))
            b.update(len(images[s : s + batch_size]))
    return out


def ask_images(pipe: Any, images: list, questions: list[str], batch_size: int = 32, desc: str | None = None,
               **options: Any) -> list[str]:
    """``pipe.ask`` in batches; ``options`` (e.g. ``constrain_yes_no``) go to it when it takes them;
    ``desc``: show a progress bar with this label."""
    out: list[str] = []
    kw = _kw(pipe.ask, align=False, **options)
    with _bar(len(images), desc, "q") as b:
        for s in range(0, len(images), batch_size):
            out += list(pipe.ask(images[s : s + batch_size], questions[s : s + batch_size], **kw))
            b.update(len(images[s : s + batch_size]))
    return out


def image_key(image) -> str:
    arr = np.asarray(image.convert("RGB"))
    return hashlib.sha1(arr.tobytes() + str(arr.shape).encode()).hexdigest()


class ReferenceModel:
    """Answers with the data itself: ``generate`` returns the photo whose record the prompt came from
    (resized to ``size``; records sharing a prompt are returned in turn), ``caption`` and ``ask`` return the
    record's reference texts.

    ``tokenizer``: an image tokenizer; ``generate`` then returns each photo encoded and decoded by it, at the
    tokenizer's resolution (float32)."""

    def __init__(self, data: str | Path, size: int = 128, tokenizer: Any = None):
        from unif2ace.data.store import FaceStore

        self.store = FaceStore.open(data)
        self.tokenizer = tokenizer
        self.size = tokenizer.config.resolution if tokenizer is not None else size
        self.by_prompt: dict[str, list] = {}  # prompt -> [(record, photo), ...] in the order registered
        self._drawn: dict[str, int] = {}  # how many times each prompt has been drawn
        self.by_image: dict[str, Any] = {}
        self.answers: dict[tuple[str, str], str] = {}  # (image key, question) -> reference answer

    def register(self, records: list, images: list, prompts: list[str] | None = None) -> None:
        for i, (rec, img) in enumerate(zip(records, images)):
            self.by_image[image_key(img)] = rec
            if prompts is not None:  # several records can share a prompt ("A close-up photo of a smiling girl.")
                self.by_prompt.setdefault(prompts[i], []).append((rec, img))

    def register_answers(self, triples: list) -> None:
        """Reference answers to questions that are not in the records' QA: (image, question, answer)."""
        for img, q, a in triples:
            self.answers[(image_key(img), q)] = a

    def generate(self, prompts: list[str], num_images_per_prompt: int = 1, seed: int = 0, **_: Any) -> list:
        out = []
        for p in prompts:
            if p not in self.by_prompt:
                raise KeyError(f"the reference model only knows prompts made from held-out records: {p[:60]!r}")
            # the k-th request of a prompt draws the k-th photo registered with it (cycling), so an evaluation that
            # asks for each record's prompt once, in order, gets every record's own photo
            photos, k = self.by_prompt[p], self._drawn.get(p, 0)
            self._drawn[p] = k + 1
            img = photos[k % len(photos)][1].convert("RGB").resize((self.size, self.size))
            if self.tokenizer is not None:  # encoded and decoded, 8-bit as a saved PNG holds it
                img = self.tokenizer.decode_to_pil(self.tokenizer.encode(img))[0]
            out += [img] * num_images_per_prompt
        return out

    def caption(self, images: list, align: bool = False) -> list[str]:
        return [self._record(im).caption for im in images]

    def ask(self, images: list, questions: list[str], align: bool = False) -> list[str]:
        out = []
        for im, q in zip(images, questions):
            rec = self._record(im)
            given = self.answers.get((image_key(im), q))
            out.append(given if given is not None else next((t.answer for t in rec.qa if t.question == q), ""))
        return out

    def _record(self, image):
        key = image_key(image)
        if key not in self.by_image:
            raise KeyError("the reference model only knows the held-out photos it was given")
        return self.by_image[key]

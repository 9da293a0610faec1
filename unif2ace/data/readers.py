"""Readers turning face data sources into :class:`FaceRecord` streams.

- :func:`read_conversations` — UniF²aceD-1M / LLaVA-style files (``.json``, ``.jsonl``, ``.parquet``):
  ``conversations`` as ``[{"from": "human"|"gpt", "value": ...}]`` or ``[{"role", "content"}]``
  (a list or a JSON string), an optional ``caption``/``text`` column, ``image`` as a path or
  ``{"bytes", "path"}`` (Hugging Face's parquet image feature).
- :func:`read_image_folder` — a folder of images plus a jsonl (``metadata.jsonl`` by default) with
  ``file_name`` (or ``image``) and optional ``caption``/``text``/``attributes``/``identity``.
- :func:`read_utkface` — UTKFace ``AGE_GENDER_RACE_DATE.jpg(.chip.jpg)`` file names.
- :func:`read_celeba` — CelebA's ``list_attr_celeba.txt`` (+ optional ``identity_CelebA.txt``).

Bad files and rows are reported through ``on_problem(path, reason)`` and skipped; a reader never
stops a run because of one bad item.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from unif2ace.data.records import FaceRecord, Label, QATurn

log = logging.getLogger(__name__)
ProblemHandler = Callable[[str, str], None]
IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".webp", ".bmp")

UTK_GENDER = {0: "male", 1: "female"}
UTK_RACE = {0: "White", 1: "Black", 2: "Asian", 3: "Indian", 4: "Other"}
_UTK_NAME = re.compile(r"^(\d+)_(\d)_(\d)_(\d+)")


def warn_problem(path: str, reason: str) -> None:
    log.warning("skipping %s: %s", path, reason)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


# ----------------------------------------------------------------------------- UTKFace
def parse_utkface_name(name: str) -> dict[str, Any] | None:
    """``AGE_GENDER_RACE_DATETIME.jpg.chip.jpg`` → labels, or None when a field is missing."""
    m = _UTK_NAME.match(name)
    if not m:
        return None
    age, gender, race = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if gender not in UTK_GENDER or race not in UTK_RACE or not 0 <= age <= 120:
        return None
    return {"age": age, "gender": UTK_GENDER[gender], "ethnicity": UTK_RACE[race]}


def read_utkface(root: str | Path, on_problem: ProblemHandler = warn_problem) -> Iterator[FaceRecord]:
    """UTKFace photos, labels from the file names (given labels, confidence 1)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"UTKFace folder {root} does not exist")
    for path in sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_EXTS):
        labels = parse_utkface_name(path.name)
        if labels is None:
            on_problem(_rel(path, root), "file name is not AGE_GENDER_RACE_DATE (a label field is missing)")
            continue
        attrs = {k: Label(v, 1.0, "given") for k, v in labels.items()}
        if labels["ethnicity"] == "Other":  # "Others" mixes several groups: not a describable value
            attrs.pop("ethnicity")
        yield FaceRecord(id=path.name.split(".")[0], image=_rel(path, root), attributes=attrs, source="utkface")


# ----------------------------------------------------------------------------- CelebA
def read_celeba(
    root: str | Path,
    attr_file: str = "list_attr_celeba.txt",
    identity_file: str | None = "identity_CelebA.txt",
    image_dir: str = "img_align_celeba",
    on_problem: ProblemHandler = warn_problem,
) -> Iterator[FaceRecord]:
    """CelebA's 40 binary attributes (``1``/``-1``) as given labels; identities when the file exists."""
    root = Path(root)
    attr_path = root / attr_file
    if not attr_path.is_file():
        raise FileNotFoundError(f"CelebA attribute list {attr_path} not found")
    identities: dict[str, str] = {}
    if identity_file and (root / identity_file).is_file():
        for line in (root / identity_file).read_text().splitlines():
            parts = line.split()
            if len(parts) == 2:
                identities[parts[0]] = parts[1]
    lines = attr_path.read_text().splitlines()
    # Header: a count line, then the attribute names; some copies omit the count.
    start = 1 if lines and lines[0].strip().isdigit() else 0
    names = lines[start].split()
    for lineno, line in enumerate(lines[start + 1 :], start + 2):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != len(names) + 1 or any(v not in ("1", "-1") for v in parts[1:]):
            on_problem(f"{attr_file}:{lineno}", f"expected a file name and {len(names)} values of 1/-1")
            continue
        fname = parts[0]
        attrs = {_snake(n): Label(v == "1", 1.0, "given") for n, v in zip(names, parts[1:])}
        yield FaceRecord(
            id=Path(fname).stem,
            image=f"{image_dir}/{fname}",
            attributes=attrs,
            identity=identities.get(fname),
            source="celeba",
        )


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).lower()


# ----------------------------------------------------------------------------- image folder + jsonl
def read_image_folder(
    root: str | Path, metadata: str = "metadata.jsonl", on_problem: ProblemHandler = warn_problem
) -> Iterator[FaceRecord]:
    """A folder of images described by a jsonl (one object per image); without the jsonl, every image
    under ``root`` (sorted, subfolders too) as an unlabelled record for the labellers."""
    root = Path(root)
    meta_path = root / metadata
    if not meta_path.is_file():
        photos = folder_images(root)
        if not photos:
            raise FileNotFoundError(f"{root} has no images ({', '.join(IMAGE_EXTS)}) and no {metadata}: give a "
                                    "folder of face photos")
        for path in photos:
            rel = _rel(path, root)
            yield FaceRecord(id=str(Path(rel).with_suffix("")).replace("/", "__"), image=rel, source="folder")
        return
    for lineno, row in _iter_jsonl(meta_path, on_problem):
        name = row.get("file_name") or row.get("image")
        if not isinstance(name, str):
            on_problem(f"{metadata}:{lineno}", "row has no 'file_name' or 'image'")
            continue
        if not (root / name).is_file():
            on_problem(name, "image file is missing")
            continue
        rec = _record_from_row(row, f"{Path(name).stem}", source=row.get("source", "folder"))
        rec.image = name
        yield rec


def folder_images(root: str | Path) -> list[Path]:
    """Image files under ``root`` (any depth), sorted; [] when ``root`` is not a folder."""
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_EXTS) if root.is_dir() else []


# ----------------------------------------------------------------------------- conversations
def read_conversations(
    path: str | Path, on_problem: ProblemHandler = warn_problem, source: str | None = None
) -> Iterator[FaceRecord]:
    """UniF²aceD-1M / LLaVA conversation files: ``.json`` (a list), ``.jsonl`` or ``.parquet``."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"conversation file {path} not found")
    src = source or path.stem
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        rows: Iterator[tuple[int, dict]] = _iter_jsonl(path, on_problem)
    elif suffix == ".json":
        try:
            data = json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            on_problem(str(path), f"not valid JSON ({exc})")
            return
        if isinstance(data, dict):
            data = data.get("data") or data.get("annotations") or [data]
        rows = enumerate(data)
    elif suffix == ".parquet":
        rows = _iter_parquet(path, on_problem)
    else:
        raise ValueError(f"{path}: unsupported conversation file type {suffix!r}; use .json, .jsonl or .parquet")
    for i, row in rows:
        if not isinstance(row, dict):
            on_problem(f"{path.name}:{i}", "row is not an object")
            continue
        try:
            yield _record_from_row(row, f"{src}-{i}", source=src)
        except (KeyError, TypeError, ValueError) as exc:
            on_problem(f"{path.name}:{i}", f"malformed row ({exc})")


def _iter_jsonl(path: Path, on_problem: ProblemHandler) -> Iterator[tuple[int, dict]]:
    with open(path, encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                on_problem(f"{path.name}:{lineno}", f"not valid JSON ({exc.msg})")
                continue
            if isinstance(row, dict):
                yield lineno, row
            else:
                on_problem(f"{path.name}:{lineno}", "line is not a JSON object")


def _iter_parquet(path: Path, on_problem: ProblemHandler) -> Iterator[tuple[int, dict]]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ImportError("reading .parquet needs pyarrow: pip install pyarrow") from exc
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 — pyarrow raises several types for a bad file
        on_problem(str(path), f"not a readable parquet file ({exc})")
        return
    i = 0
    for batch in pf.iter_batches(batch_size=256):
        for row in batch.to_pylist():
            yield i, row
            i += 1


def _record_from_row(row: dict[str, Any], default_id: str, source: str) -> FaceRecord:
    turns = _turns(row.get("conversations", row.get("conversation", row.get("messages"))))
    caption = next((row[k] for k in ("caption", "text", "description") if isinstance(row.get(k), str)), "")
    if not caption:  # LLaVA-style caption data: the answer to "Describe the image in detail." is the caption
        caption = _described(turns)
    image = row.get("image", row.get("image_path"))
    if isinstance(image, dict):  # Hugging Face image feature
        image = image.get("bytes") or image.get("path")
    if isinstance(image, list):  # a list of images: the first is the face
        image = image[0] if image else None
    attrs = {k: Label.from_dict(v) for k, v in (row.get("attributes") or {}).items()}
    ident = row.get("identity")
    return FaceRecord(
        id=str(row.get("id", default_id)),
        image=image,
        caption=caption,
        qa=turns,
        attributes=attrs,
        identity=None if ident is None else str(ident),
        source=source,
    )


def _described(turns: list[QATurn]) -> str:
    """The answer to the first turn that asks for a description of the whole picture ("Provide a detailed
    description of the given image."), as a row's caption when it has no caption column; "" when none does."""
    from unif2ace.data.questions import asks_description

    return next((t.answer.strip() for t in turns if t.answer.strip() and asks_description(t.question)), "")


def _turns(conv: Any) -> list[QATurn]:
    """Pair human/user turns with the assistant turn that follows; strip LLaVA's ``<image>`` tag."""
    if conv is None:
        return []
    if isinstance(conv, str):
        conv = json.loads(conv)
    turns: list[QATurn] = []
    question: str | None = None
    for msg in conv:
        who = (msg.get("from") or msg.get("role") or "").lower()
        text = msg.get("value", msg.get("content", ""))
        if isinstance(text, list):  # OpenAI-style content parts
            text = " ".join(p.get("text", "") for p in text if isinstance(p, dict))
        text = str(text).replace("<image>", "").strip()
        if who in ("human", "user"):
            question = text
        elif who in ("gpt", "assistant") and question is not None:
            turns.append(QATurn(question, text))
            question = None
    return turns

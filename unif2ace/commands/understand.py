"""``unif2ace caption`` (describe face photos) and ``unif2ace ask`` (questions about a photo)."""

from __future__ import annotations

import argparse
import json

from unif2ace.commands.inference_common import add_model_options, load_pipeline
from unif2ace.progress import emit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("caption", help="describe the face in each photo",
                       description="Example: unif2ace caption me.jpg friend.png")
    p.add_argument("images", nargs="+", help="photos, or folders of them (faces are detected, aligned and cropped "
                                              "first)")
    _text_options(p)
    p.set_defaults(func=run_caption)

    a = sub.add_parser("ask", help="ask questions about the face in a photo",
                       description='Example: unif2ace ask me.jpg "Is the person wearing glasses?" "How old is she?"')
    a.add_argument("image", help="the photo")
    a.add_argument("questions", nargs="+", help="one or more questions")
    _text_options(a)
    a.set_defaults(func=run_ask)


def _text_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-new-tokens", type=int, default=160, help="longest answer, in tokens")
    p.add_argument("--sample", action="store_true", help="sample instead of greedy decoding")
    p.add_argument("--temperature", type=float, default=1.0, help="sampling temperature (with --sample)")
    p.add_argument("--top-p", type=float, default=None,
                   help="nucleus sampling: keep the smallest set of tokens with this much probability "
                        "(with --sample; default: all tokens)")
    p.add_argument("--mirror-views", action=argparse.BooleanOptionalAction, default=None,
                   help="read each photo together with its mirror image: each token of a greedy answer by the mean "
                        "of the two views' log-probabilities (default: the model's generation_config.json)")
    p.add_argument("--batch-size", type=int, default=8, help="photos or questions per model call")
    p.add_argument("--no-align", action="store_true", help="the photos are already aligned face crops")
    p.add_argument("--json", action="store_true", help="print JSON lines")
    add_model_options(p)


def photo_paths(paths: list[str]) -> list[str]:
    """``paths`` with each folder replaced by the image files in it (``data.readers.folder_images``: any depth, by
    name; "unif2ace caption photos/" said "image photos/ does not exist"); a folder with none is an error that says
    so. Files are kept as given, checked when read."""
    from pathlib import Path

    from unif2ace.data.readers import IMAGE_EXTS, folder_images

    out = []
    for path in paths:
        if not Path(path).is_dir():
            out.append(path)
        elif found := folder_images(path):
            out += [str(f) for f in found]
        else:
            raise ValueError(f"folder {path} holds no image files ({', '.join(IMAGE_EXTS)})")
    return out


def _load(args):
    """The pipeline, with ``--mirror-views`` / ``--no-mirror-views`` applied."""
    pipe = load_pipeline(args)
    if args.mirror_views is not None:
        pipe.mirror_views = args.mirror_views
    return pipe


def _sampling(args) -> dict:
    return dict(max_new_tokens=args.max_new_tokens, do_sample=args.sample, temperature=args.temperature,
                top_p=args.top_p, seed=args.seed, align=not args.no_align)


def _answer(pipe, args, n: int, answer, desc: str, show) -> None:
    """``answer(indices)`` for chunks of ``--batch-size`` of ``range(n)``, each answer printed
    (``show(i, text)``) as soon as it is known, under a progress bar counting decoded tokens."""
    from unif2ace.progress import bar, chunks, track_calls

    parts = chunks(n, args.batch_size)
    with bar(len(parts) * args.max_new_tokens, desc, unit="tok") as b:
        for part in parts:
            with track_calls(pipe.model, b, args.max_new_tokens):
                texts = answer(list(part))
            for i, text in zip(part, texts):
                show(i, text)


def run_caption(args: argparse.Namespace) -> int:
    import sys

    from unif2ace.progress import bar

    args.images = photo_paths(args.images)  # before the model loads: an empty folder fails in a second
    pipe = _load(args)
    # every photo is read and aligned on its own: a bad one (no face, not an image, missing) is one error
    # line and the others are still captioned; the exit code says that something failed
    crops, good = [], []
    with bar(len(args.images), "aligning", unit="photo") as b:
        for i, path in enumerate(args.images):
            try:
                crops.append(pipe.prepare([path], align=not args.no_align)[0])
                good.append(i)
            except (ValueError, OSError) as exc:
                text = " ".join(str(exc).split())
                emit_error(f"unif2ace caption: error: {text if str(path) in text else f'{path}: {text}'}")
            b.update(1)

    def show(j: int, text: str) -> None:
        path = args.images[good[j]]
        emit(json.dumps({"image": path, "caption": text}) if args.json else f"{path}: {text}")

    if crops:
        _answer(pipe, args, len(crops),
                lambda part: pipe.caption([crops[j] for j in part], **{**_sampling(args), "align": False}),
                f"captioning {len(crops)}", show)
    failed = len(args.images) - len(crops)
    if failed:
        if len(args.images) > 1:
            print(f"unif2ace caption: error: {failed} of {len(args.images)} photos failed (above)", file=sys.stderr)
        return 2
    return 0


def emit_error(text: str) -> None:
    """An error line on stderr, above any progress bar."""
    import sys

    from tqdm import tqdm

    tqdm.write(text, file=sys.stderr)


def run_ask(args: argparse.Namespace) -> int:
    from unif2ace.pipeline.pipeline import tidy_question
    from unif2ace.validation import InvalidInput, check_text

    # a bad question (empty, NUL, broken text, or nothing but an image placeholder such as "<image>") is one error
    # line; the others are still answered
    good = []
    for i, question in enumerate(args.questions):
        try:
            check_text(question, "question")
            check_text(tidy_question(question), "question")
            good.append(i)
        except InvalidInput as exc:
            emit_error(f"unif2ace ask: error: question {i + 1}: {exc}")
    pipe = _load(args)
    crop = pipe.prepare([args.image], align=not args.no_align)[0]  # align once, not once per question
    args.no_align = True

    def show(j: int, answer: str) -> None:
        question = args.questions[good[j]]
        emit(json.dumps({"question": question, "answer": answer}) if args.json else f"Q: {question}\nA: {answer}")

    if good:
        _answer(pipe, args, len(good),
                lambda part: pipe.ask([crop], [args.questions[good[j]] for j in part], **_sampling(args)),
                f"answering {len(good)}", show)
    return 0 if len(good) == len(args.questions) else 2

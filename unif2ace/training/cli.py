"""Verbs ``train``, ``plot``, ``export``, ``average`` and ``encode-codes``.

    unif2ace encode-codes runs/data/utkface --tokenizer runs/tokenizer-face-f8/final --name face-f8
    unif2ace train recipes/tiny.yaml steps=500 out=runs/tiny [--resume]
    torchrun --nproc-per-node 2 -m unif2ace train recipes/tiny.yaml      # DDP (parallel=fsdp: FSDP2)
    unif2ace plot runs/tiny
    unif2ace average runs/base/model runs/finetune/model --weights 0.5 0.5 --out runs/soup/model
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("train", help="train a UniF²ace model from a YAML recipe (resumable, torchrun-ready)")
    t.add_argument("recipe", help="YAML recipe (see recipes/) or a run's config.yaml")
    t.add_argument("overrides", nargs="*", help="key=value overrides, dotted for sections (optim.lr=1e-3)")
    t.add_argument("--resume", action="store_true", help="continue from the run folder's latest checkpoint")
    t.set_defaults(func=_train)

    p = sub.add_parser("plot", help="draw a run's loss curves to PNG")
    p.add_argument("run", help="run folder (holds metrics.jsonl)")
    p.add_argument("--out", default=None, help="PNG path (default RUN/loss.png)")
    p.set_defaults(func=_plot)

    x = sub.add_parser("export", help="copy a model folder with its weights cast (e.g. fp16, to ship it)")
    x.add_argument("model", help="model folder (a run's RUN/model)")
    x.add_argument("out", help="new model folder")
    x.add_argument("--dtype", default="float16", choices=("float16", "bfloat16", "float32"))
    x.set_defaults(func=_export)

    a = sub.add_parser("average", help="average the weights of models of one architecture (a model soup, "
                       "e.g. a fine-tune and its base)")
    a.add_argument("models", nargs="+", help="two or more model folders")
    a.add_argument("--out", required=True, help="new model folder")
    a.add_argument("--weights", type=float, nargs="+", default=None,
                   help="one weight per model, non-negative, summing to 1 (default: equal)")
    a.add_argument("--dtype", default=None, choices=("float16", "bfloat16", "float32"),
                   help="stored dtype (default: the first model's)")
    a.add_argument("--group", default=None, choices=("und", "gen"),
                   help="average only the weights this group alone reads (its routed experts, routers and "
                        "injection experts) and copy the rest from the first model, whose other group then "
                        "computes exactly as before (default: every weight)")
    a.set_defaults(func=_average)

    e = sub.add_parser("encode-codes", help="precompute image-tokenizer codes for a dataset (resumable)")
    e.add_argument("dataset", help="dataset folder (FaceStore)")
    e.add_argument("--tokenizer", required=True, help="image tokenizer folder (ImageTokenizer.save_pretrained)")
    e.add_argument("--name", default=None, help="shard name (default: the tokenizer folder's parent name)")
    e.add_argument("--flip", action="store_true", help="also store mirrored images' codes as NAME-flip")
    e.add_argument("--grey", action="store_true",
                   help="also store the codes of the images turned greyscale as NAME-grey (for data.grey_codes)")
    e.add_argument("--batch-size", type=int, default=32)
    e.add_argument("--limit", type=int, default=None, help="encode only the first N records (default: all)")
    e.add_argument("--threads", type=int, default=None, help="CPU threads for torch (default: torch's)")
    e.add_argument("--device", default=None, help="cpu, cuda, cuda:1 … (default: cuda when available)")
    e.add_argument("--bf16", action="store_true",
                   help="encode under bf16 autocast (about 2x faster on CPUs with AMX; ~98%% of codes identical)")
    e.set_defaults(func=_encode)


def _train(args: argparse.Namespace) -> int:
    from unif2ace.training.config import load_recipe
    from unif2ace.training.trainer import train

    cfg = load_recipe(args.recipe, args.overrides)
    run = train(cfg, resume=args.resume)
    print(run)
    return 0


def _plot(args: argparse.Namespace) -> int:
    from unif2ace.training.plot import plot_run

    print(plot_run(args.run, args.out))
    return 0


def _average(args: argparse.Namespace) -> int:
    import torch

    from unif2ace.training.export import average_models

    dtype = getattr(torch, args.dtype) if args.dtype else None
    out = average_models(args.models, args.out, args.weights, dtype=dtype, group=args.group)
    weights = args.weights or [1 / len(args.models)] * len(args.models)
    only = f" ({args.group} group's own weights; the rest from {args.models[0]})" if args.group else ""
    print(f"wrote {out}: " + " + ".join(f"{w:g} x {m}" for w, m in zip(weights, args.models)) + only)
    return 0


def _encode(args: argparse.Namespace) -> int:
    from pathlib import Path

    import torch

    from unif2ace.data.store import FaceStore
    from unif2ace.image_tokenizer import ImageTokenizer
    from unif2ace.pipeline.loading import resolve_device
    from unif2ace.training.codes import precompute_codes
    from unif2ace.validation import whole_number

    if args.threads is not None:
        torch.set_num_threads(whole_number(args.threads, "--threads"))
    device = resolve_device(args.device or "auto")
    store = FaceStore.open(args.dataset)
    tok = ImageTokenizer.from_pretrained(args.tokenizer, device=device).eval()
    folder = Path(args.tokenizer).resolve()
    name = args.name or (folder.parent.name if folder.name == "final" else folder.name)
    import contextlib

    from unif2ace.pipeline.loading import emulated_bf16_warning

    if args.bf16 and (warning := emulated_bf16_warning(device, "--bf16", "drop --bf16")):
        print(warning, file=sys.stderr)
    autocast = (torch.autocast(next(tok.parameters()).device.type, dtype=torch.bfloat16) if args.bf16
                else contextlib.nullcontext())
    with autocast:
        n = precompute_codes(store, tok, name, batch_size=args.batch_size, flip=args.flip, grey=args.grey,
                              limit=args.limit)
    print(f"encoded {n} images into {store.folder}/shards/codes/{name} "
          f"({tok.config.tokens_per_image} codes each, codebook {tok.config.codebook_size})")
    return 0


def _export(args: argparse.Namespace) -> int:
    import torch

    from unif2ace.training.export import reexport

    out = reexport(args.model, args.out, getattr(torch, args.dtype))
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"wrote {out} ({size / 2**20:.1f} MiB)")
    return 0

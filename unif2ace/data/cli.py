"""``unif2ace data build|stats|show|quality|encode|rewrite-qa|train-tokenizer`` — build and inspect face datasets."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("data", help="build and inspect labelled face datasets")
    sub = p.add_subparsers(dest="data_verb", metavar="SUBVERB", required=True)

    b = sub.add_parser("build", help="label face photos into a dataset folder (resumable)")
    b.add_argument("--source", required=True, choices=("utkface", "celeba", "folder", "conversations"),
                   help="what --root holds: UTKFace's folder, CelebA's, a folder of photos (with or without "
                        "metadata.jsonl), or conversation files (docs/data.md)")
    b.add_argument("--root", required=True, help="folder (or conversation file) holding the source")
    b.add_argument("--out", required=True, help="dataset folder to create or resume")
    b.add_argument("--limit", type=int, default=None, help="only the first N items of the source")
    b.add_argument("--no-label", action="store_true", help="keep given text only; do not run labellers")
    b.add_argument("--landmarks", choices=("68", "5"), default="68")
    b.add_argument("--no-emotion", action="store_true", help="skip the emotion labeller (faster)")
    b.add_argument("--llm", action="store_true",
                   help="rewrite captions / add QA with an OpenAI-compatible endpoint (UNIF2ACE_LLM_BASE_URL, "
                        "UNIF2ACE_LLM_MODEL, UNIF2ACE_LLM_API_KEY)")
    b.add_argument("--split", default="0.9,0.05,0.05", help="train,val,test fractions")
    b.add_argument("--seed", type=int, default=0)
    b.set_defaults(func=_build)

    s = sub.add_parser("stats", help="counts, attribute distributions (PNG chart), caption lengths")
    s.add_argument("folder")
    s.add_argument("--tokenizer", default="phi")
    s.add_argument("--png", default=None, help="chart path (default FOLDER/stats.png)")
    s.add_argument("--json", action="store_true", help="print the statistics as JSON")
    s.set_defaults(func=_stats)

    w = sub.add_parser("show", help="print a few records")
    w.add_argument("folder")
    w.add_argument("-n", type=int, default=3)
    w.add_argument("--split", default=None, choices=("train", "val", "test"), help="only this split (default: all)")
    w.add_argument("--id", action="append", default=None, help="record id (repeatable)")
    w.set_defaults(func=_show)

    q = sub.add_parser("quality", help="measure labellers against UTKFace's own labels")
    q.add_argument("--root", required=True, help="the photo folder the labels are checked on")
    q.add_argument("-n", type=int, default=300)
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--out", default=None, help="write the table (markdown) here too")
    q.add_argument("--sheet", default=None, help="write a contact sheet of stated emotions (PNG) for a by-eye check")
    q.set_defaults(func=_quality)

    e = sub.add_parser("encode", help="precompute identity / semantic encoder features into the dataset's shards")
    e.add_argument("folder")
    e.add_argument("--encoder", required=True, choices=("dlib", "facenet", "arcface", "fid-inception", "clip"),
                   help="which image encoder's features to store (docs/data.md)")
    e.add_argument("--path", default=None, help="model file/folder for arcface (ONNX) and clip (Hugging Face folder)")
    e.add_argument("--device", default=None, help="cpu, cuda, … (default: cuda when available)")
    e.add_argument("--batch-size", type=int, default=32)
    e.add_argument("--limit", type=int, default=None, help="encode only the first N records (default: all)")
    e.set_defaults(func=_encode)

    r = sub.add_parser("rewrite-qa", help="rewrite a built dataset's template QA from its stored labels (no relabelling)")
    r.add_argument("folder")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=_rewrite_qa)

    t = sub.add_parser("train-tokenizer", help="train a byte-level BPE on a dataset's captions and QA")
    t.add_argument("folder")
    t.add_argument("--vocab-size", type=int, default=8192)
    t.add_argument("--out", required=True, help="folder for the trained tokenizer")
    t.set_defaults(func=_train_tokenizer)


def _build(args: argparse.Namespace) -> int:
    from unif2ace.data.builder import build
    from unif2ace.data.labelling import LabellerOptions

    fractions = tuple(float(x) for x in args.split.split(","))
    if len(fractions) != 3 or abs(sum(fractions) - 1) > 1e-6:
        raise ValueError(f"--split needs three fractions summing to 1, got {args.split!r}")
    rewriter = None
    if args.llm:
        from unif2ace.data.llm_client import CaptionRewriter

        rewriter = CaptionRewriter.from_env(cache_dir=Path(args.out) / "llm_cache")
    opts = LabellerOptions(landmarks=args.landmarks, emotion=not args.no_emotion)
    summary = build(args.source, args.root, args.out, limit=args.limit, options=opts, label=not args.no_label,
                    rewriter=rewriter, fractions=fractions, seed=args.seed)
    print(json.dumps(summary, indent=2))
    return 0


def _stats(args: argparse.Namespace) -> int:
    from unif2ace.data.stats import dataset_stats, format_stats, plot_stats

    st = dataset_stats(args.folder, tokenizer=args.tokenizer)
    png = plot_stats(st, args.png or Path(args.folder) / "stats.png")
    st.pop("_cap_tokens")
    print(json.dumps(st, indent=2) if args.json else format_stats(st))
    print(f"chart: {png}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from unif2ace.data.store import FaceStore

    store = FaceStore.open(args.folder)
    wanted = set(args.id or [])
    shown = 0
    for rec in store.records(args.split):
        if wanted and rec.id not in wanted:
            continue
        print(f"== {rec.id}  ({rec.source})  image: {rec.image if isinstance(rec.image, str) else '<bytes>'}")
        attrs = ", ".join(f"{k}={v.value}" + ("" if v.confidence >= 0.6 else f" (conf {v.confidence:.2f}, not stated)")
                          for k, v in rec.attributes.items())
        print(f"attributes: {attrs}")
        print(f"caption: {rec.caption}")
        for t in rec.qa:
            print(f"  Q [{t.kind}] {t.question}\n  A {t.answer}")
        shown += 1
        if shown >= args.n:
            break
    if not shown:  # an empty or half-built dataset is an error, not an empty success
        what = f"no record with id {', '.join(sorted(wanted))}" if wanted else "no records"
        raise ValueError(f"{args.folder} has {what}" + (f" in the {args.split} split" if args.split else "")
                         + ("" if wanted else "; did `unif2ace data build` finish? (rerun it: it resumes)"))
    return 0


def _quality(args: argparse.Namespace) -> int:
    from unif2ace.data.quality import format_table, measure_quality

    res = measure_quality(args.root, n=args.n, seed=args.seed, sheet=args.sheet)
    table = format_table(res)
    print(table)
    if args.out:
        from unif2ace.io import atomic_write_text

        atomic_write_text(args.out, table + "\n")
    return 0


def _encode(args: argparse.Namespace) -> int:
    from unif2ace.data.store import FaceStore
    from unif2ace.encoders import (
        IDENTITY_ENCODERS,
        load_identity_encoder,
        load_semantic_encoder,
        precompute_features,
    )

    kwargs = {"device": args.device}
    if args.encoder in ("arcface", "clip"):
        if not args.path:
            raise ValueError(f"--encoder {args.encoder} needs --path to the model you downloaded")
        kwargs["path"] = args.path
    load = load_identity_encoder if args.encoder in IDENTITY_ENCODERS else load_semantic_encoder
    encoder = load(args.encoder, **kwargs)
    store = FaceStore.open(args.folder)
    n = precompute_features(store, encoder, batch_size=args.batch_size, limit=args.limit)
    print(f"encoded {n} images with {encoder.name} into {store.folder / 'shards' / 'features'}")
    return 0


def _rewrite_qa(args: argparse.Namespace) -> int:
    from unif2ace.data.qa import rewrite_store_qa

    if not (Path(args.folder) / "records.jsonl").is_file():
        raise ValueError(f"{args.folder} has no records.jsonl; give a folder made by `unif2ace data build`")
    print(json.dumps(rewrite_store_qa(args.folder, progress=not args.quiet), indent=2))
    return 0


def _train_tokenizer(args: argparse.Namespace) -> int:
    from unif2ace.data.store import FaceStore
    from unif2ace.text.bpe import BPETokenizer

    store = FaceStore.open(args.folder)

    def texts():
        for rec in store.records("train" if store.splits_path.is_file() else None):
            yield rec.caption
            for t in rec.qa:
                yield t.question
                yield t.answer

    tok = BPETokenizer.train(texts(), vocab_size=args.vocab_size)
    tok.save(args.out)
    print(f"saved {tok} to {args.out}")
    return 0

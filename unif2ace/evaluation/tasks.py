"""Evaluation items drawn from a held-out split: records, their photos, generation prompts.

Generation prompts come in two kinds, alternating over the records so both are measured at the
cost of one image per record: the record's caption (long, every stated attribute) and a short
attribute prompt built from its stated attributes ("A close-up photo of a smiling middle-aged woman
with glasses."). Each prompt carries the attributes it asks for, which the labellers then check.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unif2ace.data.captions import indefinite_article, plain_noun
from unif2ace.evaluation.attributes import stated_attributes

# What a short prompt may ask for (in this order); the rest of the stated attributes stay in the caption.
SHORT_PROMPT_ATTRIBUTES = ("gender", "age_group", "ethnicity", "emotion", "smile", "glasses", "facial_hair")


@dataclass
class Prompt:
    text: str
    kind: str  # "caption" | "attributes"
    record_id: str
    asks: dict[str, Any] = field(default_factory=dict)  # attribute -> requested value


def load_records(data: str | Path, split: str, n: int | None, seed: int = 0) -> tuple[Any, list]:
    """(store, records): ``n`` records of ``split`` in a seeded random order (all when n is None)."""
    from unif2ace.data.store import FaceStore

    store = FaceStore.open(data)
    recs = sorted(store.records(split), key=lambda r: r.id)
    if not recs:
        raise ValueError(f"split {split!r} of {data} is empty; choose another --split")
    random.Random(seed).shuffle(recs)
    return store, recs if n is None else recs[:n]


def add_split_arguments(ap, num_samples: int = 128, batch_size: int = 8) -> None:
    """The options of the scripts that put questions to a model about a split's photos (``scripts/``):
    the model, the dataset, the split and its draw (the understanding evaluation's), batch size, threads,
    mirror views."""
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", default="runs/data/utkface")
    ap.add_argument("--split", default="val")
    ap.add_argument("--num-samples", type=int, default=num_samples)
    ap.add_argument("--seed", type=int, default=0, help="the photos' draw (the evaluation's default: 0)")
    ap.add_argument("--batch-size", type=int, default=batch_size)
    ap.add_argument("--threads", type=int, default=None, help="CPU threads (default: the cores others leave free)")
    ap.add_argument("--mirror-views", action=argparse.BooleanOptionalAction, default=None,
                    help="read each photo with its mirror image (default: the model's generation_config.json)")


def open_split(args) -> tuple[Any, list, list]:
    """(pipeline in float32 on the CPU, records, their photos) for :func:`add_split_arguments`' options,
    with the threads set first."""
    import torch

    from unif2ace.commands.inference_common import set_threads
    from unif2ace.pipeline import UniF2ace

    set_threads(args.threads)
    store, records = load_records(args.data, args.split, args.num_samples, args.seed)
    images = load_images(store, records)
    pipe = UniF2ace.from_pretrained(args.model, device="cpu", dtype=torch.float32)
    if getattr(args, "mirror_views", None) is not None:
        pipe.mirror_views = args.mirror_views
    return pipe, records, images


def load_images(store, records: list) -> list:
    from PIL import Image

    from unif2ace.data.builder import load_rgb

    base = store.image_root()
    return [Image.fromarray(load_rgb(r, base)) for r in records]


def short_prompt(attrs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """("A close-up photo of a smiling elderly woman with glasses.", the attributes it asks for)."""
    asks = {k: attrs[k] for k in SHORT_PROMPT_ATTRIBUTES if k in attrs}
    if asks.get("smile") is False:
        asks.pop("smile")  # "not smiling" prompts are rare in practice; keep the short prompt positive
    group, gender = asks.get("age_group"), asks.get("gender")
    noun = plain_noun(group, gender)
    eth = {"Indian": "South Asian"}.get(asks.get("ethnicity"), asks.get("ethnicity"))
    adjs = []
    if asks.get("smile"):
        adjs.append("smiling")
    emo = {"happy": "happy", "neutral": "neutral-looking", "sad": "sad", "surprise": "surprised"}.get(asks.get("emotion"))
    if emo and not (emo == "happy" and asks.get("smile")):
        adjs.append(emo)
    elif emo:
        asks.pop("emotion")  # "smiling happy" reads badly; the smile carries it
    if eth:
        adjs.append(eth)
    desc = " ".join(adjs + [noun])
    article = indefinite_article(desc)
    extras = [x for k, x in (("glasses", "glasses"), ("facial_hair", "a beard")) if asks.get(k) is True]
    tail = f" with {' and '.join(extras)}" if extras else ""
    return f"A close-up photo of {article} {desc}{tail}.", asks


def generation_prompts(records: list, kind: str = "both") -> list[Prompt]:
    """One prompt per record: ``caption``, ``attributes`` or ``both`` (alternating, caption first)."""
    out = []
    for i, rec in enumerate(records):
        attrs = stated_attributes(rec)
        use_caption = kind == "caption" or (kind == "both" and i % 2 == 0)
        if use_caption and rec.caption:
            out.append(Prompt(rec.caption, "caption", rec.id, attrs))
        else:
            text, asks = short_prompt(attrs)
            out.append(Prompt(text, "attributes", rec.id, asks))
    return out

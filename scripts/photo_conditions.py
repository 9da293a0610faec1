"""Describe a split's photos as users take them, not as the data set's aligned chips: through alignment.

    python scripts/photo_conditions.py --model unif2ace/assets/models/default --split test --out runs/conditions

Each photo is changed as a photo taken otherwise would be (:data:`CONDITIONS`: placed in a larger picture,
tilted, on its side or upside down, small, over-compressed, under- or over-exposed, washed out, black-and-white, soft, a grainy photo at
phone resolution) and described by
``pipe.caption(..., align=True)``, the path of ``unif2ace caption`` and the server. Per condition it prints:
how often a face is found (the rest get the pipeline's "no face found" error), the gender and age group its
description states against the photo's labels (among the photos found, and over all with a miss counted
wrong), and how often they agree with the description of the chip read as the evaluation reads it (without
alignment: the first row). Writes report.json with every description.

``--exposure`` prints instead the 1st, 50th and 99th percentiles of the face luminance of the split's chips
(``unif2ace.pipeline.faces.face_luminance``), the training range ``EXPOSURE_RANGE`` there is set from
(``--split train --num-samples 0``: every chip); it loads no model (``--model`` is still required).

The "larger picture" is a 640×480 frame whose background is another photo of the split, blurred; the chip
is pasted whole at a seeded place (its own hair and background around the face).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
from pathlib import Path

from PIL import Image, ImageEnhance, ImageFilter, ImageOps

FRAME = (640, 480)


def in_frame(chip: Image.Image, background: Image.Image, seed: int, face_width: float = 0.35,
             degrees: float = 0.0) -> Image.Image:
    """``chip`` resized to ``face_width`` of the frame's width (turned by ``degrees``), pasted at a seeded place
    on a blurred ``background`` (another photo) of :data:`FRAME`'s size."""
    W, H = FRAME
    frame = background.convert("RGB").resize(FRAME).filter(ImageFilter.GaussianBlur(25))
    side = max(8, round(face_width * W))
    piece = chip.convert("RGB").resize((side, side), Image.BICUBIC)
    if degrees:
        piece = piece.rotate(degrees, Image.BICUBIC)
    r = random.Random(seed)
    frame.paste(piece, (r.randint(0, W - side), r.randint(0, H - side)))
    return frame


def close_up(chip: Image.Image, keep: float = 0.85) -> Image.Image:
    """The middle ``keep`` of the chip, at 300 px: a photo the face fills, whose aligned crop reaches past its
    edges."""
    w, h = chip.size
    dx, dy = round(w * (1 - keep) / 2), round(h * (1 - keep) / 2)
    return chip.crop((dx, dy, w - dx, h - dy)).resize((300, 300), Image.BICUBIC)


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def high_resolution(chip: Image.Image, seed: int, side: int = 1600, grain: float = 8.0) -> Image.Image:
    """The chip at ``side`` px with sensor grain (Gaussian, σ ``grain`` levels, seeded) and JPEG quality 90: a phone
    photo, whose face spans ten or more photo pixels per pixel of the model's crop."""
    import numpy as np

    big = np.asarray(chip.convert("RGB").resize((side, side), Image.BICUBIC), np.float64)
    noisy = big + np.random.default_rng(seed).normal(0.0, grain, big.shape)
    return jpeg(Image.fromarray(np.clip(noisy + 0.5, 0, 255).astype(np.uint8)), 90)


# name → (photo, another photo, seed) → the photo taken otherwise
CONDITIONS = {
    "chip, aligned": lambda im, bg, s: im,
    "in a 640×480 picture": lambda im, bg, s: in_frame(im, bg, s),
    "in a picture, tilted 20°": lambda im, bg, s: in_frame(im, bg, s, degrees=20),
    # a phone photo whose orientation tag was lost: the whole picture on its side or upside down
    "in a picture, on its side (turned 90°)": lambda im, bg, s: in_frame(im, bg, s).rotate(90 if s % 2 else -90,
                                                                                          expand=True),
    "in a picture, upside down": lambda im, bg, s: in_frame(im, bg, s).rotate(180),
    "close-up (the face fills the photo)": lambda im, bg, s: close_up(im),
    "small face (60 px wide)": lambda im, bg, s: in_frame(im, bg, s, face_width=60 / FRAME[0]),
    "JPEG quality 10": lambda im, bg, s: jpeg(im, 10),
    "dim (brightness × 0.4)": lambda im, bg, s: ImageEnhance.Brightness(im).enhance(0.4),
    "bright (brightness × 1.8)": lambda im, bg, s: ImageEnhance.Brightness(im).enhance(1.8),
    "washed out (contrast × 0.5)": lambda im, bg, s: ImageEnhance.Contrast(im).enhance(0.5),
    "black-and-white": lambda im, bg, s: ImageOps.grayscale(im).convert("RGB"),
    "soft (Gaussian blur, radius 2)": lambda im, bg, s: im.filter(ImageFilter.GaussianBlur(2)),
    "high resolution (1600 px, grain)": lambda im, bg, s: high_resolution(im, s),
}
REFERENCE = "chip, as the evaluation reads it (no alignment)"


def describe(pipe, photos: list, align: bool, batch_size: int) -> list[str | None]:
    """One description per photo, None where no face is found (a batch that fails is retried photo by photo,
    so one faceless photo costs only its own description)."""
    from unif2ace.pipeline.faces import NoFaceError

    out: list[str | None] = []
    for s in range(0, len(photos), batch_size):
        batch = photos[s:s + batch_size]
        try:
            out += pipe.caption(batch, align=align)
        except NoFaceError:
            for photo in batch:
                try:
                    out += pipe.caption([photo], align=align)
                except NoFaceError:
                    out.append(None)
    return out


def scores(records: list, captions: list[str | None], reference: list[str]) -> dict:
    """Found rate; gender and age group against the labels (among found, over all) and against ``reference``."""
    from unif2ace.data.labelling.labeller import age_group
    from unif2ace.evaluation.attributes import parse_caption

    n = len(records)
    found = [(r, parse_caption(c), parse_caption(ref)) for r, c, ref in zip(records, captions, reference)
             if c is not None]
    k = max(1, len(found))
    right_g = sum(p.get("gender") == r.attributes["gender"].value for r, p, _ in found)
    right_a = sum(p.get("age_group") == age_group(r.attributes["age"].value) for r, p, _ in found)
    same_g = sum(p.get("gender") == q.get("gender") for _, p, q in found)
    same_a = sum(p.get("age_group") == q.get("age_group") for _, p, q in found)
    return {"n": n, "found": len(found) / n,
            "gender_found": right_g / k, "age_group_found": right_a / k,
            "gender_all": right_g / n, "age_group_all": right_a / n,
            "same_gender_as_chip": same_g / k, "same_age_group_as_chip": same_a / k}


def table(rows: dict) -> str:
    def pct(x: float) -> str:
        return f"{100 * x:.1f}%"

    lines = ["| photo | face found | gender / age group, found faces | the same, misses counted wrong | same as the chip's description |",
             "|---|---:|---:|---:|---:|"]
    for name, s in rows.items():
        lines.append(f"| {name} | {pct(s['found'])} | {pct(s['gender_found'])} / {pct(s['age_group_found'])} | "
                     f"{pct(s['gender_all'])} / {pct(s['age_group_all'])} | "
                     f"{pct(s['same_gender_as_chip'])} / {pct(s['same_age_group_as_chip'])} |")
    return "\n".join(lines)


def exposure_percentiles(args) -> int:
    import numpy as np

    from unif2ace.evaluation.tasks import load_images, load_records
    from unif2ace.pipeline.faces import face_luminance

    store, records = load_records(args.data, args.split, args.num_samples or None, args.seed)
    lum = np.array([face_luminance(im) for im in load_images(store, records)])
    low, middle, high = np.percentile(lum, [1, 50, 99])
    print(f"{len(lum)} chips of {args.split}: face luminance 1st / 50th / 99th percentile {low:.1f} / {middle:.1f} / {high:.1f}")
    return 0


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments, open_split
    from unif2ace.io import atomic_write_text
    from unif2ace.progress import bar, setup_logging

    setup_logging()  # the progress bar's log lines when stderr is a file
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap)
    ap.add_argument("--out", default=None, help="folder for report.json (required unless --exposure)")
    ap.add_argument("--exposure", action="store_true",
                    help="print the percentiles of the chips' face luminance and stop (no model is loaded)")
    ap.add_argument("--conditions", nargs="+", default=None, metavar="NAME",
                    help=f"only the conditions whose name contains one of these words (all: {', '.join(CONDITIONS)})")
    args = ap.parse_args()
    if args.exposure:
        return exposure_percentiles(args)
    if args.out is None:
        ap.error("--out is required")
    pipe, records, images = open_split(args)
    chosen = {k: f for k, f in CONDITIONS.items() if not args.conditions or any(w in k for w in args.conditions)}
    if not chosen:
        print(f"error: no condition matches {args.conditions}; choose among: {', '.join(CONDITIONS)}", file=sys.stderr)
        return 2
    backgrounds = images[len(images) // 2:] + images[:len(images) // 2]  # another photo of the split
    with bar(len(images) * (len(chosen) + 1), "describing", unit="photo") as b:
        reference = describe(pipe, images, False, args.batch_size)
        b.update(len(images))
        results = {REFERENCE: {"scores": scores(records, reference, reference), "captions": reference}}
        for name, change in chosen.items():
            photos = [change(im, bg, k) for k, (im, bg) in enumerate(zip(images, backgrounds))]
            captions = describe(pipe, photos, True, args.batch_size)
            results[name] = {"scores": scores(records, captions, reference), "captions": captions}
            b.update(len(images))
    text = table({k: v["scores"] for k, v in results.items()})
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "report.json", json.dumps(
        {"command": " ".join(sys.argv), "ids": [r.id for r in records], "table": text, "conditions": results}, indent=1))
    print(f"wrote {out / 'report.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

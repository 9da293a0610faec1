"""Faces for black-and-white prompts, drawn as asked and drawn in colour then desaturated (issue 19).

UTKFace's splits hold few greyscale photos (val 2, test 7), so the evaluation's prompts hardly ask for black
and white. This script asks for it on every prompt: the short attribute prompt of each of ``--num-samples``
photos of a split, made black and white ("A black-and-white close-up photo of a smiling Asian teenage girl."),
drawn with ``greyscale_from_colour`` off and on, same seeds. Both sets are judged as the evaluation judges
faces (dlib and MTCNN find exactly one face; FID against the same photos desaturated, with the paired
bootstrap interval of the difference; the labeller's gender and age-group agreement with non-faces counted
wrong, the selection rule's step 2), and a grid of the first 12 prompts is written, the two ways side by side.

    python scripts/black_and_white_faces.py --model unif2ace/assets/models/default --data runs/data/utkface \\
        --split val --num-samples 96 --threads 2 --out runs/bw-val
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def black_and_white(prompt: str) -> str:
    """"A close-up photo of …" → "A black-and-white close-up photo of …" (the contact sheet's wording)."""
    return prompt.replace("A close-up photo", "A black-and-white close-up photo", 1)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="a model folder")
    p.add_argument("--data", required=True, help="a dataset folder built by `unif2ace data build`")
    p.add_argument("--split", default="val", choices=("train", "val", "test"))
    p.add_argument("--num-samples", type=int, default=96)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--threads", type=int, default=None, help="CPU threads for torch (default: torch's)")
    p.add_argument("--out", required=True, help="folder for report.json, report.md and grid.png")
    args = p.parse_args()

    import torch
    from PIL import Image

    from unif2ace import UniF2ace
    from unif2ace.evaluation.generation import _to_tensor
    from unif2ace.evaluation.realism import judge_drawn
    from unif2ace.evaluation.tasks import load_images, load_records, short_prompt, stated_attributes
    from unif2ace.io import atomic_write_text
    from unif2ace.metrics.fid import InceptionFeatures, fid_bootstrap, fid_from_features
    from unif2ace.progress import bar

    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        store, recs = load_records(args.data, args.split, args.num_samples, args.seed)
        pipe = UniF2ace.from_pretrained(args.model, dtype="float32")
    except (FileNotFoundError, ValueError) as exc:
        print(f"black_and_white_faces: error: {exc}", file=sys.stderr)
        return 2
    asked = [short_prompt(stated_attributes(r)) for r in recs]
    prompts = [black_and_white(text) for text, _ in asked]
    asks = [{k: v for k, v in a.items() if k in ("gender", "age_group")} for _, a in asked]
    real = [im.convert("L").convert("RGB") for im in load_images(store, recs)]
    faces = {}
    for mode in ("as asked", "colour, then grey"):
        out = []
        with bar(len(prompts), f"drawing ({mode})", unit="face") as progress:
            for s in range(0, len(prompts), args.batch_size):
                out += pipe.generate(prompts[s:s + args.batch_size], seed=args.seed + s,
                                     greyscale_from_colour=mode != "as asked")
                progress.update(len(prompts[s:s + args.batch_size]))
        faces[mode] = out
    size = faces["as asked"][0].size
    real = [im.resize(size) for im in real]
    features = InceptionFeatures()
    real_f = features(_to_tensor(real))
    rows, feats = {}, {}
    for mode, images in faces.items():
        feats[mode] = features(_to_tensor(images))
        # face rates and the labeller's gender and age group, a non-face counted wrong (the selection rule's step 2)
        rows[mode] = {**judge_drawn(images, asks, f"detecting ({mode})"), "fid": fid_from_features(real_f, feats[mode])}
    diff = fid_bootstrap(real_f, feats["colour, then grey"], feats["as asked"])
    report = {"model": args.model, "split": args.split, "n": len(prompts), "seed": args.seed, "rows": rows,
              "fid_difference": diff, "prompts": prompts}
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out_dir / "report.json", json.dumps(report, indent=1))
    lines = [f"Black-and-white prompts, {args.split}, n = {len(prompts)}, seed {args.seed}", "",
             "| drawn | dlib finds one face | MTCNN finds one face | greyscale | FID (against the photos, greyscale) "
             "| gender / age-group agreement, non-faces counted wrong |",
             "|---|---:|---:|---:|---:|---:|"]
    for mode, r in rows.items():
        lines.append(f"| {mode} | {100 * r['dlib_one_face']:.1f}% | {100 * r['mtcnn_one_face']:.1f}% | "
                     f"{100 * r['greyscale']:.0f}% | {r['fid']:.1f} | {100 * r['gender_agreement_nonface_wrong']:.1f}% / "
                     f"{100 * r['age_group_agreement_nonface_wrong']:.1f}% |")
    lines.append(f"\nFID difference (colour, then grey − as asked): {diff['value']:+.1f}, "
                 f"{int(100 * diff['level'])}% paired bootstrap interval {diff['low']:+.1f} … {diff['high']:+.1f}")
    atomic_write_text(out_dir / "report.md", "\n".join(lines) + "\n")
    k, w = min(12, len(prompts)), size[0]
    grid = Image.new("RGB", (3 * w, k * w), "white")  # per row: the photo (grey), as asked, colour then grey
    for i in range(k):
        for j, im in enumerate((real[i], faces["as asked"][i], faces["colour, then grey"][i])):
            grid.paste(im, (j * w, i * w))
    grid.save(out_dir / "grid.png")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

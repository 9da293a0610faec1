"""Faces for prompts as users type them, drawn as typed and in training words (``training_words``).

``scripts/user_prompts.tsv`` holds 32 prompts in words no training prompt uses ("a cheerful grandmother with
grey hair", "a toddler boy crying", "a caucasian man in his fifties, grinning"), each with the gender and age group
it asks for, written before any face was drawn from them. Each is drawn ``--seeds`` times with ``training_words``
off and on, same seeds, and both sets are judged as the evaluation judges faces: dlib and MTCNN find exactly one
face, FID against the photos of a split of ``--data`` (the same photos for both; a paired bootstrap interval of
the difference), and the labeller's gender and age-group agreement with the asked values, a non-face counted
wrong (the selection rule's step 2). A grid shows the first seed of every prompt, the two ways side by side.
``scripts/user_prompts_test.tsv`` holds 32 more, held out (``--prompts``). ``--compare prompt-words`` draws both sets
in training words instead, with every word kept and without the phrases that use words no training prompt uses
(the model's ``prompt_words``, ``contrast.known_words_only``); ``scripts/user_prompts_details.tsv`` holds 32 prompts
with such details ("a young woman with long blonde hair, wearing earrings", "…, studio lighting, 4k").

    python scripts/user_prompt_faces.py --model unif2ace/assets/models/default --data runs/data/utkface \\
        --split val --seeds 4 --threads 2 --out runs/user-prompts
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PROMPTS = Path(__file__).with_name("user_prompts.tsv")


def read_prompts(path: Path) -> list[tuple[str, dict]]:
    rows = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            prompt, gender, group = line.split("\t")
            rows.append((prompt, {"gender": gender, "age_group": group}))
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="a model folder")
    p.add_argument("--prompts", default=str(PROMPTS), help="prompt<TAB>gender<TAB>age group per line")
    p.add_argument("--seeds", type=int, default=4, help="faces per prompt")
    p.add_argument("--data", default=None, help="a dataset folder (`unif2ace data build`) whose photos FID is "
                                                "measured against (default: no FID)")
    p.add_argument("--split", default="val", choices=("train", "val", "test"))
    p.add_argument("--reference", type=int, default=512, help="photos of the split for FID")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=None, help="CPU threads for torch (default: torch's)")
    p.add_argument("--compare", choices=("training-words", "prompt-words"), default="training-words",
                   help="as typed against training words, or training words with every word against without the "
                        "words no training prompt uses")
    p.add_argument("--out", required=True, help="folder for report.json, report.md and grid.png")
    args = p.parse_args()

    import torch
    from PIL import Image

    from unif2ace import UniF2ace
    from unif2ace.evaluation.generation import _to_tensor
    from unif2ace.evaluation.realism import judge_drawn
    from unif2ace.evaluation.tasks import load_images, load_records
    from unif2ace.io import atomic_write_text
    from unif2ace.metrics.fid import InceptionFeatures, fid_bootstrap, fid_from_features
    from unif2ace.progress import bar

    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        asked = read_prompts(Path(args.prompts))
        real = load_images(*load_records(args.data, args.split, args.reference, args.seed)) if args.data else None
        pipe = UniF2ace.from_pretrained(args.model, dtype="float32")
    except (OSError, ValueError, KeyError) as exc:
        print(f"user_prompt_faces: error: {exc}", file=sys.stderr)
        return 2
    prompts = [text for text, _ in asked]
    faces, rows, feats = {}, {}, {}
    features = InceptionFeatures() if real is not None else None
    if args.compare == "prompt-words" and not pipe.generation.prompt_words:
        print(f"user_prompt_faces: error: {args.model} lists no prompt_words to compare", file=sys.stderr)
        return 2
    every_word = pipe.generation.replace(prompt_words=None)
    modes = {"as typed": (False, every_word), "training words": (True, pipe.generation)}
    if args.compare == "prompt-words":
        modes = {"training words, every word": (True, every_word), "training words": (True, pipe.generation)}
    drawn_as = {}
    for mode, (training_words, generation) in modes.items():
        pipe.generation = generation
        drawn_as[mode] = [pipe.drawn_prompt(t, training_words=training_words, greyscale_from_colour=False)
                          for t in prompts]
        out = []
        with bar(len(prompts), f"drawing ({mode})", unit="prompt") as progress:
            for k, text in enumerate(prompts):  # one prompt a call: its faces do not depend on the others
                out += pipe.generate([text], num_images_per_prompt=args.seeds, seed=args.seed + k,
                                     training_words=training_words)
                progress.update(1)
        faces[mode] = out
        rows[mode] = judge_drawn(out, [a for _, a in asked for _ in range(args.seeds)], f"detecting ({mode})")
        if features is not None:
            feats[mode] = features(_to_tensor(out))
    first, second = modes
    diff = None
    if features is not None:
        size = faces[first][0].size
        real_f = features(_to_tensor([im.resize(size) for im in real]))
        for mode in faces:
            rows[mode]["fid"] = fid_from_features(real_f, feats[mode])
        diff = fid_bootstrap(real_f, feats[second], feats[first])
    changed = sum(a != b for a, b in zip(drawn_as[first], drawn_as[second]))
    report = {"model": args.model, "prompts": len(prompts), "compare": args.compare, "changed": changed,
              "seeds": args.seeds, "seed": args.seed, "rows": rows, "fid_difference": diff,
              "fid_reference": f"{args.split}, {len(real)} photos" if real is not None else None,
              "drawn": {t: {mode: drawn_as[mode][k] for mode in modes} for k, t in enumerate(prompts)}}
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out_dir / "report.json", json.dumps(report, indent=1))
    lines = [f"User-typed prompts: {len(prompts)} ({changed} drawn from other words by '{second}' than by '{first}') "
             f"× {args.seeds} seeds", "",
             f"| drawn | dlib finds one face | MTCNN finds one face | FID ({report['fid_reference'] or 'no --data'}) "
             "| gender / age group, found faces | gender / age group, non-faces counted wrong |",
             "|---|---:|---:|---:|---:|---:|"]
    for mode, r in rows.items():
        fid = f"{r['fid']:.1f}" if "fid" in r else "—"
        lines.append(f"| {mode} | {100 * r['dlib_one_face']:.1f}% | {100 * r['mtcnn_one_face']:.1f}% | {fid} | "
                     f"{100 * r['gender_agreement_found']:.1f}% / {100 * r['age_group_agreement_found']:.1f}% | "
                     f"{100 * r['gender_agreement_nonface_wrong']:.1f}% / {100 * r['age_group_agreement_nonface_wrong']:.1f}% |")
    if diff is not None:
        lines.append(f"\nFID difference ({second} − {first}): {diff['value']:+.1f}, "
                     f"{int(100 * diff['level'])}% paired bootstrap interval {diff['low']:+.1f} … {diff['high']:+.1f}")
    atomic_write_text(out_dir / "report.md", "\n".join(lines) + "\n")
    w = faces[first][0].size[0]
    grid = Image.new("RGB", (4 * w, (len(prompts) + 1) // 2 * w), "white")  # two prompts a row, each both ways
    for k in range(len(prompts)):
        for j, mode in enumerate(faces):
            grid.paste(faces[mode][k * args.seeds], ((k % 2) * 2 * w + j * w, (k // 2) * w))
    grid.save(out_dir / "grid.png")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

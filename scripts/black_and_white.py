"""How a model draws black-and-white prompts before the pipeline desaturates them (issue 19).

The contact sheet's four black-and-white prompts and four more in other wordings, 4 faces each (one
batch, seed 0), decoded as the model draws them (``greyscale_when_asked=False``): the mean chroma (max −
min over RGB, averaged over pixels; greyscale below 6), the greyscale rate and dlib's face rate, into
OUT/bw.json, with the faces in OUT/bw.png.

    python scripts/black_and_white.py --model unif2ace/assets/models/default --out runs/bw/shipped
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

EXTRA_PROMPTS = ("a black and white photo of an old man", "monochrome portrait of a smiling young woman",
                 "greyscale picture of a middle-aged Black man", "b&w photo of a little boy")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    p.add_argument("--out", required=True, help="folder for bw.json and bw.png")
    p.add_argument("--threads", type=int, default=None)
    args = p.parse_args()

    import numpy as np
    import torch

    from unif2ace.commands.inference_common import set_threads
    from unif2ace.evaluation.contact_sheet import render, sheet_prompts
    from unif2ace.evaluation.detectors import GREY_CHROMA, chroma
    from unif2ace.pipeline import UniF2ace

    set_threads(args.threads)
    torch.manual_seed(0)
    pipe = UniF2ace.from_pretrained(args.model, dtype="float32")
    prompts = [q.text for q in sheet_prompts() if q.asks["color"] == "black and white"] + list(EXTRA_PROMPTS)
    images = []
    for i, prompt in enumerate(prompts):
        print(f"[{i + 1}/{len(prompts)}] {prompt}", flush=True)
        images += pipe.generate([prompt] * 4, seed=0, greyscale_when_asked=False)
    import dlib

    detector = dlib.get_frontal_face_detector()
    faces = [len(detector(np.asarray(im), 1)) == 1 for im in images]
    chromas = [float(chroma(im)) for im in images]
    result = {"model": args.model or "shipped", "prompts": prompts, "faces_per_prompt": 4,
              "mean_chroma": float(np.mean(chromas)), "greyscale_rate": float(np.mean([c < GREY_CHROMA for c in chromas])),
              "dlib_face_rate": float(np.mean(faces)), "chroma": chromas}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bw.json").write_text(json.dumps(result, indent=1) + "\n")
    render(images, prompts, 4, out / "bw.png")
    print(json.dumps({k: result[k] for k in ("mean_chroma", "greyscale_rate", "dlib_face_rate")}))


if __name__ == "__main__":
    main()

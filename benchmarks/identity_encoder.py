"""dlib's face descriptor: dlib's own network against its torch port (``encoders/dlib_resnet.py``).

    python benchmarks/identity_encoder.py [--images N] [--threads T] [--root DIR] [--json FILE]

Encodes the same photos with ``DlibIdentityEncoder(backend="dlib")`` (dlib finds the face, cuts the chip
and runs its network) and with the default backend (dlib finds the face and cuts the chip; the network
runs in torch, batched), alternating, 3 runs each, medians. Photos: the first N ``*.jpg`` under ``--root``
(e.g. ``../shared/data/utkface``), else scikit-image's astronaut and LFW faces repeated to N. Prints a
markdown table with the time per face, the speed-up and the largest difference of the two encoders'
normalised features; ``--json`` also writes it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path


def photos(root: str | None, n: int) -> list:
    import numpy as np
    from PIL import Image

    if root:
        files = sorted(Path(root).glob("*.jpg"))[:n]
        if files:
            return [Image.open(f).convert("RGB") for f in files]
    from skimage import data

    faces = [Image.fromarray(data.astronaut()[20:220, 130:330])]
    faces += [Image.fromarray((f * 255).astype(np.uint8)).resize((200, 200)).convert("RGB") for f in data.lfw_subset()[:15]]
    return [faces[i % len(faces)] for i in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--images", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--root", default=None, help="a folder of face photos (default: scikit-image's faces)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    import torch

    from unif2ace.encoders.identity import DlibIdentityEncoder

    torch.set_num_threads(args.threads)
    images = photos(args.root, args.images)
    reference = "dlib's network"
    encoders = {reference: DlibIdentityEncoder(backend="dlib"), "torch port": DlibIdentityEncoder()}
    for enc in encoders.values():
        enc.encode(images[:2])  # load the models
    seconds = {k: [] for k in encoders}
    out = {}
    for r in range(args.repeats):
        for name, enc in encoders.items():
            t = time.perf_counter()
            out[name] = enc.encode(images)
            seconds[name].append(time.perf_counter() - t)
            print(f"  {name} run {r + 1}/{args.repeats}: {seconds[name][-1]:.2f} s", flush=True)
    per_face = {k: statistics.median(v) / len(images) for k, v in seconds.items()}
    diff = float((out["torch port"] - out[reference]).abs().max())
    base = per_face[reference]
    print(f"\n{len(images)} faces, {args.threads} threads, median of {args.repeats} runs (face detection and chip included)\n")
    print("| encoder | ms per face | speed-up | max feature difference |")
    print("|---|---:|---:|---:|")
    for name, s in per_face.items():
        print(f"| {name} | {s * 1e3:.1f} | {base / s:.1f}× | {'—' if name == reference else f'{diff:.1e}'} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"images": len(images), "threads": args.threads, "root": bool(args.root),
                                               "ms_per_face": {k: v * 1e3 for k, v in per_face.items()},
                                               "max_feature_difference": diff}, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

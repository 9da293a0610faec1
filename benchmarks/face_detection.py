"""What finding the face costs before a photo is read: ``faces.detect_faces`` on photos it finds at once, on
photos it finds only on a later look (over-exposed, turned by 60°, on its side, upside down), and on a photo
without a face, which pays for every look.

    python benchmarks/face_detection.py [--threads 1] [--repeats 3]

Photos from scikit-image (the astronaut, and its coffee photo for "no face"), at 1024, 640 and 200 px wide.
Prints a markdown table of seconds per photo (the mean of ``--repeats`` runs after one warm-up) and the look
that found the face: 0 is the photo as given, then contrast equalised, then each of ``faces.TILTS``, then the
photo upsampled twice (``faces._looks``).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from PIL import Image, ImageEnhance


def first_look(rgb: np.ndarray) -> int | None:
    """The index of the first look of ``detect_faces`` that finds a face (None: none does)."""
    from unif2ace.data.labelling.face import _detector
    from unif2ace.pipeline.faces import _looks

    det = _detector()
    for index, (image, _, upsamples) in enumerate(_looks(rgb)):
        if any(det.run(image, up, 0.0)[0] for up in upsamples):
            return index
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=1, help="torch and OpenMP threads (dlib's HOG uses one)")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    import torch
    from skimage import data

    from unif2ace.pipeline.faces import detect_faces

    torch.set_num_threads(args.threads)
    astronaut, coffee = Image.fromarray(data.astronaut()), Image.fromarray(data.coffee())
    photos = {
        "astronaut, upright": astronaut,
        "astronaut, brightness × 2.2": ImageEnhance.Brightness(astronaut).enhance(2.2),
        "astronaut, turned 60°": astronaut.rotate(60, Image.BICUBIC, expand=True),
        "astronaut, on its side": astronaut.rotate(90, expand=True),
        "astronaut, upside down": astronaut.rotate(180),
        "coffee (no face)": coffee,
    }
    print("| photo | width | look that finds the face | seconds per photo |")
    print("|---|---:|---:|---:|")
    for name, photo in photos.items():
        for width in (1024, 640, 200):
            rgb = np.asarray(photo.resize((width, round(width * photo.height / photo.width)), Image.BICUBIC))
            detect_faces(rgb)  # warm-up: dlib's models load once
            start = time.perf_counter()
            for _ in range(args.repeats):
                detect_faces(rgb)
            seconds = (time.perf_counter() - start) / args.repeats
            look = first_look(rgb)
            print(f"| {name} | {width} | {'none' if look is None else look} | {seconds:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

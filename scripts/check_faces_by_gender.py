"""Generated faces of men against women, with the shipped model and its default sampling: in how many
does dlib find a face, and which gender does the data pipeline's labeller read?

    nice -n 10 python scripts/check_faces_by_gender.py runs/faces-by-gender    # 24 faces, ~15 min on 2 busy cores

12 prompts per gender (three wordings × ages 22, 30, 45, 60), batches of 8 seeded 0, 8, 16, float32.
Writes the PNGs, a contact sheet (sheet.png: men above, women below) and result.json.
"""

import json
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from unif2ace.pipeline import UniF2ace

FORMS = ("A headshot of a {g}, aged {a}. It is a color, sharp picture with even lighting.",
         "a {g} who is {a} years old, looking neutral",
         "A close-up of a smiling {g}, aged {a}, facing the camera.")
AGES = (22, 30, 45, 60)


def main(out: Path) -> None:
    import dlib

    from unif2ace.data.labelling import FaceLabeller, LabellerOptions

    torch.set_num_threads(1)
    out.mkdir(parents=True, exist_ok=True)
    pipe = UniF2ace.from_pretrained(dtype="float32")
    rows = [(g, f.format(g=g, a=a)) for g in ("man", "woman") for f in FORMS for a in AGES]
    images = []
    for s in range(0, len(rows), 8):
        images += pipe.generate([p for _, p in rows[s:s + 8]], seed=s)
        print(f"{len(images)}/{len(rows)} faces", flush=True)
    detector, labeller = dlib.get_frontal_face_detector(), FaceLabeller(LabellerOptions(emotion=False))
    result: dict[str, list] = {}
    for (g, prompt), im in zip(rows, images):
        arr = np.asarray(im.convert("RGB"))
        gender = labeller.label(arr, given={}).get("gender")
        result.setdefault(g, []).append({"prompt": prompt, "dlib_face": len(detector(arr, 1)) > 0,
                                         "labeller_gender": None if gender is None else gender.value})
        im.save(out / f"{g}-{len(result[g]):02d}.png")
    size = images[0].size[0]
    sheet = Image.new("RGB", (size * 12, size * 2), "white")
    for i, im in enumerate(images):
        sheet.paste(im, ((i % 12) * size, (i // 12) * size))
    sheet.save(out / "sheet.png")
    (out / "result.json").write_text(json.dumps(result, indent=1))
    for g, items in result.items():
        reads = {v: sum(i["labeller_gender"] == v for i in items) for v in {i["labeller_gender"] for i in items}}
        print(f"{g}: dlib finds a face in {sum(i['dlib_face'] for i in items)} of {len(items)}; labeller reads {reads}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "runs/faces-by-gender"))

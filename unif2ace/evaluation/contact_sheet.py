"""The contact sheet: a fixed set of prompts covering every gender × age group, four races and
black-and-white photos, several seeds each, drawn the same way for every model and sampling setting.

``eval generation`` writes it as ``contact_sheet.png`` with every report (one row per prompt, one
column per seed) and measures on its images what a per-record prompt set is too thin for: seed
diversity (several faces of one prompt) and the greyscale rate of black-and-white prompts (about 1%
of UTKFace's photos are black and white, so a held-out sample of 64 holds one or none).
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

from unif2ace.evaluation.tasks import Prompt, short_prompt

# (gender, age group, ethnicity, black and white, smile): both genders × five age groups, each twice
# with a different race; four of them black and white
_SHEET = (
    ("male", "child", "White", False, True), ("male", "child", "Asian", True, False),
    ("female", "child", "Black", False, True), ("female", "child", "Indian", False, False),
    ("male", "teen", "Indian", False, False), ("male", "teen", "Black", False, True),
    ("female", "teen", "Asian", False, True), ("female", "teen", "White", True, False),
    ("male", "young adult", "Black", False, True), ("male", "young adult", "Asian", False, False),
    ("female", "young adult", "White", False, True), ("female", "young adult", "Indian", False, False),
    ("male", "middle-aged", "White", True, False), ("male", "middle-aged", "Indian", False, True),
    ("female", "middle-aged", "Black", False, False), ("female", "middle-aged", "Asian", False, True),
    ("male", "senior", "Asian", False, True), ("male", "senior", "Black", False, False),
    ("female", "senior", "Indian", False, True), ("female", "senior", "White", True, False),
)


def sheet_prompts(count: int | None = None) -> list[Prompt]:
    """The first ``count`` (default all 20) contact-sheet prompts, each with the attributes it asks for."""
    out = []
    for i, (gender, group, eth, bw, smile) in enumerate(_SHEET[:count]):
        text, asks = short_prompt({"gender": gender, "age_group": group, "ethnicity": eth, "smile": smile})
        if bw:
            text = text.replace("A close-up photo", "A black-and-white close-up photo")
        asks["color"] = "black and white" if bw else "color"
        out.append(Prompt(text, "sheet", f"sheet-{i:02d}", asks))
    return out


def render(images: list, prompts: list[str], per_prompt: int, path: Path, cell: int = 96,
           text_width: int = 230) -> Path:
    """One row per prompt (its text on the left), ``per_prompt`` faces (one per seed) to the right; PNG."""
    from PIL import Image, ImageDraw

    from unif2ace.io import atomic_write_bytes

    rows = math.ceil(len(images) / per_prompt)
    sheet = Image.new("RGB", (text_width + per_prompt * cell, rows * cell), "white")
    draw = ImageDraw.Draw(sheet)
    for r in range(rows):
        for j, line in enumerate(textwrap.wrap(prompts[r], width=text_width // 6)[:8]):
            draw.text((4, r * cell + 4 + 11 * j), line, fill=(20, 20, 20))
        for c in range(per_prompt):
            if r * per_prompt + c < len(images):
                im = images[r * per_prompt + c].convert("RGB").resize((cell - 2, cell - 2))
                sheet.paste(im, (text_width + c * cell + 1, r * cell + 1))
    import io

    buf = io.BytesIO()
    sheet.save(buf, format="PNG", optimize=True)
    return atomic_write_bytes(path, buf.getvalue())


__all__ = ["sheet_prompts", "render"]

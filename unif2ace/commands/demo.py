"""``unif2ace demo``: the shipped model end to end in about a minute on a laptop CPU.

Generates faces from fine-grained prompts (grid with the prompts under the faces), captions them
back, answers questions about them and about a real photo (scikit-image's astronaut), prints the
timings and tells where the PNGs are.
"""

from __future__ import annotations

import argparse
import textwrap
import time
from pathlib import Path

from unif2ace.commands.inference_common import THREADS_HELP, load_pipeline

DEMO_PROMPTS = (
    "A headshot of a White woman, aged 25. Her facial expression looks happy. She is clearly smiling. "
    "It is a color, sharp picture with even lighting.",
    "A portrait of an old man, aged 75, with a neutral expression. It is a black and white photo.",
    "A close-up of an Asian girl, aged 6, smiling with her lips parted, facing the camera.",
    "a Black man, middle-aged, with facial hair, looking neutral",
    "a young Indian woman, smiling, head held upright",
    "a teenage boy with his eyes open, facing the camera, in color",
)
QUESTIONS = ("Is this a man or a woman?", "Which age group does this person belong to: child, teen, "
             "young adult, middle-aged or senior?", "Is the person smiling?")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="generate faces, caption them and answer questions with the shipped model")
    p.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    p.add_argument("--out", default="outputs/demo", help="where the PNGs go (default: outputs/demo)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", default="auto", choices=("auto", "float32", "bfloat16"),
                   help="transformer dtype (default: bfloat16 where the device computes it natively, else float32)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=None, help=THREADS_HELP)
    p.add_argument("--steps", type=int, default=None, help="MaskGIT steps (default: the model's)")
    p.add_argument("--candidates", type=int, default=None,
                   help="faces drawn per face shown, the best kept by the model's own reading (default: the model's; "
                        "1 is fastest)")
    p.add_argument("--gender-contrast", type=float, default=None,
                   help="guidance against each prompt with its gender words swapped (default: the model's; 0 is off)")
    p.add_argument("--age-contrast", type=float, default=None,
                   help="guidance against each prompt with its age moved toward the middle of life "
                        "(default: the model's; 0 is off)")
    p.set_defaults(func=run)


def grid_with_captions(images, captions, columns: int = 3, width: int = 34):
    """Images in a grid with wrapped text under each (PIL's default font, no extra files)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default()
    size = images[0].size[0]
    cell_w = max(size, 6 * width + 8)
    lines = [textwrap.wrap(c, width)[:9] for c in captions]
    text_h = 12 * max(len(x) for x in lines) + 8
    rows = (len(images) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * cell_w, rows * (size + text_h)), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (im, text) in enumerate(zip(images, lines)):
        x, y = (i % columns) * cell_w, (i // columns) * (size + text_h)
        sheet.paste(im.resize((size, size)), (x + (cell_w - size) // 2, y))
        for j, line in enumerate(text):
            draw.text((x + 4, y + size + 4 + 12 * j), line, fill="black", font=font)
    return sheet


def run(args: argparse.Namespace) -> int:
    from unif2ace.progress import bar, log, track_calls

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    timings = []

    t = time.perf_counter()
    pipe = load_pipeline(args)
    timings.append(("load model", time.perf_counter() - t, ""))
    print(f"model: {pipe.config.name}, {pipe.model.num_parameters():,} parameters, "
          f"{pipe.image_size}×{pipe.image_size} px faces, {str(pipe.dtype).removeprefix('torch.')} on {pipe.device}")

    prompts = list(DEMO_PROMPTS)
    t = time.perf_counter()
    config = pipe.sampling_config(steps=args.steps, candidates=args.candidates, gender_contrast=args.gender_contrast,
                                  age_contrast=args.age_contrast)
    log.info(f"seed {args.seed}")
    with bar(config.steps, f"generating {len(prompts)} faces", unit="step") as b, \
            track_calls(pipe.model, b, config.steps):
        faces = pipe.generate(prompts, 1, config, seed=args.seed)
    dt = time.perf_counter() - t
    c = config.candidates
    timings.append((f"generate {len(faces)} faces" + (f", best of {c} each" if c > 1 else ""), dt,
                    f"{dt / len(faces):.2f} s/face"))
    grid = grid_with_captions(faces, prompts)
    grid.save(out / "generated.png")

    t = time.perf_counter()
    with bar(160, f"captioning {len(faces)} faces", unit="tok") as b, track_calls(pipe.model, b, 160):
        captions = pipe.caption(faces, align=False, max_new_tokens=160)
    dt = time.perf_counter() - t
    timings.append((f"caption {len(faces)} faces", dt, f"{dt / len(faces):.2f} s/caption"))
    grid_with_captions(faces, captions).save(out / "captions.png")

    t = time.perf_counter()
    with bar(len(QUESTIONS) * 128, f"answering {len(QUESTIONS)} questions about each face", unit="tok") as b:
        answers = {}
        for q in QUESTIONS:
            with track_calls(pipe.model, b, 128):
                answers[q] = pipe.ask(faces, q, align=False, max_new_tokens=128)
    dt = time.perf_counter() - t
    timings.append((f"answer {len(QUESTIONS) * len(faces)} questions", dt, ""))

    print("\nGenerated faces, their captions and answers:")
    for i, prompt in enumerate(prompts):
        print(f"\n[{i + 1}] prompt : {prompt}")
        print(f"    caption: {captions[i]}")
        for q in QUESTIONS:
            print(f"    Q: {q}\n    A: {answers[q][i]}")

    try:
        from PIL import Image
        from skimage import data as skdata

        photo = Image.fromarray(skdata.astronaut())
    except ImportError:
        photo = None
        print("\n(scikit-image is not installed: skipping the real photo; pip install scikit-image)")
    if photo is not None:
        t = time.perf_counter()
        with bar(160 + 128, "a real photo: align, caption, answer", unit="tok") as b:
            crop = pipe.prepare([photo])[0]
            with track_calls(pipe.model, b, 160):
                caption = pipe.caption([crop], align=False, max_new_tokens=160)[0]
            with track_calls(pipe.model, b, 128):
                real_answers = pipe.ask([crop], list(QUESTIONS), align=False, max_new_tokens=128)
        timings.append(("real photo: align, caption, 3 answers", time.perf_counter() - t, ""))
        grid_with_captions([crop], [caption], columns=1, width=40).save(out / "real_photo.png")
        print("\nA real photo (scikit-image's astronaut, Eileen Collins), aligned and cropped:")
        print(f"    caption: {caption}")
        for q, a in zip(QUESTIONS, real_answers):
            print(f"    Q: {q}\n    A: {a}")

    print("\n| step | seconds | |\n|---|---:|---|")
    for name, sec, extra in timings:
        print(f"| {name} | {sec:.2f} | {extra} |")
    print(f"\nWrote {out / 'generated.png'}, {out / 'captions.png'}"
          + (f" and {out / 'real_photo.png'}" if photo is not None else ""))
    return 0

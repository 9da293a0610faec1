"""``unif2ace generate`` (text → faces) and ``unif2ace edit`` (text-guided editing of a region)."""

from __future__ import annotations

import argparse
from pathlib import Path

from unif2ace.commands.inference_common import add_model_options, load_pipeline
from unif2ace.config import GUIDANCE_SCHEDULES


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate", help="generate faces from text prompts",
                       description='Example: unif2ace generate "a smiling woman with red hair" -n 4 --out faces/')
    p.add_argument("prompts", nargs="+", help="one or more prompts")
    p.add_argument("-n", "--num-images", type=int, default=1, help="images per prompt (default 1)")
    p.add_argument("--out", default="faces", help="output folder (default ./faces)")
    p.add_argument("--steps", type=int, default=None, help="sampling steps (default: the model's)")
    p.add_argument("--guidance-scale", type=float, default=None, help="classifier-free guidance (default: the model's)")
    p.add_argument("--temperature", type=float, default=None, help="MaskGIT noise temperature (default: the model's)")
    p.add_argument("--guidance-schedule", choices=GUIDANCE_SCHEDULES, default=None,
                   help="how the guidance weight varies over the steps; --guidance-scale is its mean (default: the model's)")
    p.add_argument("--candidates", type=int, default=None,
                   help="draw N faces per image and keep the one the model itself reads as closest to the prompt "
                        "(N times the time; default: the model's)")
    _guidance_options(p)
    p.add_argument("--identity", default=None, help="a photo whose identity conditions generation (face expert)")
    add_model_options(p)
    p.set_defaults(func=run_generate)

    e = sub.add_parser("edit", help="edit the masked region of a face photo from a prompt",
                       description='Example: unif2ace edit me.jpg mask.png "a man with a thick beard" --out edited.png')
    e.add_argument("image", help="the photo")
    e.add_argument("mask", help="a mask the size of the photo: white = regenerate")
    e.add_argument("prompt", help="what the edited face should look like")
    e.add_argument("--out", default=None, help="output file (default: IMAGE-edited.png)")
    e.add_argument("--steps", type=int, default=None)
    e.add_argument("--guidance-scale", type=float, default=None)
    e.add_argument("--temperature", type=float, default=None)
    e.add_argument("--guidance-schedule", choices=GUIDANCE_SCHEDULES, default=None)
    _guidance_options(e)
    e.add_argument("--no-align", action="store_true", help="the photo is already an aligned face crop")
    add_model_options(e)
    e.set_defaults(func=run_edit)


def _guidance_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--negative-prompt", default=None,
                   help="what guidance steers away from instead of the empty prompt, e.g. 'a blurry photo'")
    p.add_argument("--gender-contrast", type=float, default=None,
                   help="weight of guidance against the prompt with its gender words swapped (man ↔ woman, "
                        "his ↔ her, …), so the face shows the named gender more surely; 0 turns it off "
                        "(default: the model's)")
    p.add_argument("--age-contrast", type=float, default=None,
                   help="weight of guidance against the prompt with its stated age moved toward the middle of life "
                        "(a girl of 5 against a young woman of 25, a man of 70 against one of 50), so children look "
                        "younger and seniors older; 0 turns it off (default: the model's)")


# CLI option (dest) → ImageGenerationConfig field, for the options both commands take
SAMPLING_OPTIONS = ("steps", "guidance_scale", "temperature", "guidance_schedule", "candidates", "gender_contrast",
                    "age_contrast")


def sampling_overrides(args: argparse.Namespace) -> dict:
    """The sampling options given on the command line (None: the model's), checked before the model loads."""
    from unif2ace.generation import ImageGenerationConfig

    overrides = {k: getattr(args, k) for k in SAMPLING_OPTIONS if getattr(args, k, None) is not None}
    ImageGenerationConfig().with_overrides(**overrides)  # a bad value fails now, not after loading the model
    return overrides


def run_generate(args: argparse.Namespace) -> int:
    if args.num_images < 1:
        raise ValueError("-n must be at least 1")
    overrides = sampling_overrides(args)
    pipe = load_pipeline(args)
    config = pipe.sampling_config(**overrides)  # the model's defaults with the command line's changes
    images = pipe.generate(args.prompts, args.num_images, config, seed=args.seed, identity_image=args.identity,
                           negative_prompt=args.negative_prompt)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for k, image in enumerate(images):
        i, j = divmod(k, args.num_images)
        path = out / f"prompt{i:02d}-{j:02d}.png"
        image.save(path)
        print(f"{path}\t{args.prompts[i]}")
    return 0


def run_edit(args: argparse.Namespace) -> int:
    overrides = sampling_overrides(args)
    pipe = load_pipeline(args)
    image = pipe.inpaint(args.image, args.mask, args.prompt, pipe.sampling_config(**overrides), seed=args.seed,
                         align=not args.no_align, negative_prompt=args.negative_prompt)
    out = Path(args.out) if args.out else Path(args.image).with_name(Path(args.image).stem + "-edited.png")
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    print(out)
    return 0

"""``unif2ace generate`` (text → faces) and ``unif2ace edit`` (text-guided editing of a region)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from unif2ace.commands.inference_common import add_model_options, load_pipeline
from unif2ace.config import GUIDANCE_SCHEDULES


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate", help="generate faces from text prompts",
                       description='Example: unif2ace generate "a smiling woman with red hair" -n 4 --out faces/')
    p.add_argument("prompts", nargs="*", help="one or more prompts")
    p.add_argument("-n", "--num-images", type=int, default=1, help="images per prompt (default 1)")
    p.add_argument("--batch-size", type=int, default=8,
                   help="faces per model call: -n is generated in chunks of this many, chunk i with seed + i "
                        "(memory does not grow with -n; the same seed and batch size give the same faces)")
    p.add_argument("--from-png", default=None, metavar="PNG",
                   help="replay a face this command wrote: its prompt, seed, model and every sampling setting "
                        "are read from the PNG's text chunks, and the same face is drawn again")
    p.add_argument("--out", default="faces", help="output folder, or a .png file when one face is drawn (default ./faces)")
    p.add_argument("--steps", type=int, default=None, help="sampling steps (default: the model's)")
    p.add_argument("--guidance-scale", type=float, default=None, help="classifier-free guidance (default: the model's)")
    p.add_argument("--temperature", type=float, default=None, help="MaskGIT noise temperature (default: the model's)")
    p.add_argument("--guidance-schedule", choices=GUIDANCE_SCHEDULES, default=None,
                   help="how the guidance weight varies over the steps; --guidance-scale is its mean (default: the model's)")
    p.add_argument("--candidates", type=int, default=None,
                   help="draw N faces per image and keep the one the model itself reads as closest to the prompt "
                        "(N times the time; default: the model's)")
    p.add_argument("--face-retries", type=int, default=None,
                   help="redraw a face up to N times while dlib's CNN face detector finds no single face in it "
                        "(default: the model's)")
    p.add_argument("--greyscale-from-colour", action=argparse.BooleanOptionalAction, default=None,
                   help="draw a black-and-white prompt's face in colour, then desaturate it (default: the model's)")
    _training_words_option(p)
    _guidance_options(p)
    p.add_argument("--graph", choices=("eager", "static", "cuda-graph"), default=None,
                   help="how a draw runs: eager (default), static (no host synchronisation), cuda-graph (on a GPU: "
                        "the whole draw recorded once per batch shape and replayed); the same faces either way")
    p.add_argument("--identity", default=None, help="a photo whose identity conditions generation (face expert)")
    add_model_options(p)
    p.set_defaults(func=run_generate)

    e = sub.add_parser("edit", help="edit the masked region of a face photo from a prompt",
                       description='Example: unif2ace edit me.jpg mask.png "a man with a thick beard" --out edited.png')
    e.add_argument("image", help="the photo")
    e.add_argument("mask", help="a mask the size of the photo: white = regenerate")
    e.add_argument("prompt", help="what the edited face should look like")
    e.add_argument("--out", default=None, help="output file (its extension names the format: .png, .jpg, .webp, …) "
                                                 "or folder (IMAGE-edited.png in it) (default: IMAGE-edited.png beside "
                                                 "the photo)")
    e.add_argument("--steps", type=int, default=None, help="sampling steps (default: the model's)")
    e.add_argument("--guidance-scale", type=float, default=None, help="classifier-free guidance (default: the model's)")
    e.add_argument("--temperature", type=float, default=None, help="MaskGIT noise temperature (default: the model's)")
    e.add_argument("--guidance-schedule", choices=GUIDANCE_SCHEDULES, default=None,
                   help="how the guidance weight varies over the steps (default: the model's)")
    _training_words_option(e)
    _guidance_options(e)
    e.add_argument("--no-align", action="store_true", help="the photo is already an aligned face crop")
    add_model_options(e)
    e.set_defaults(func=run_edit)


def _training_words_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--training-words", action=argparse.BooleanOptionalAction, default=None,
                   help="draw a prompt in words no training prompt uses ('a cheerful grandmother') from its "
                        "training-word version ('a happy old woman'), without the phrases whose words the model "
                        "never learnt when it lists its prompt_words ('…, studio lighting, 4k') (default: the model's)")


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
SAMPLING_OPTIONS = ("steps", "guidance_scale", "temperature", "guidance_schedule", "candidates", "face_retries",
                    "gender_contrast", "age_contrast", "graph", "greyscale_from_colour", "training_words")


def sampling_overrides(args: argparse.Namespace) -> dict:
    """The sampling options given on the command line (None: the model's), checked before the model loads."""
    from unif2ace.generation import ImageGenerationConfig

    overrides = {k: getattr(args, k) for k in SAMPLING_OPTIONS if getattr(args, k, None) is not None}
    ImageGenerationConfig().with_overrides(**overrides)  # a bad value fails now, not after loading the model
    return overrides


PNG_KEY = "unif2ace"  # the PNG text chunk holding everything a replay needs (JSON)


def save_png(image, path: Path, record: dict) -> None:
    """``image`` as a PNG (atomically) with text chunks: ``prompt``, ``seed``, ``model``, ``sampling`` (the
    :class:`ImageGenerationConfig` as JSON) and ``unif2ace`` (the whole ``record``, what ``--from-png`` reads)."""
    import json

    from PIL.PngImagePlugin import PngInfo

    from unif2ace.io import atomic_write

    info = PngInfo()
    for key in ("prompt", "seed", "model_name"):
        info.add_text(key.removesuffix("_name"), str(record[key]))
    info.add_text("sampling", json.dumps(record["config"]))
    info.add_text(PNG_KEY, json.dumps(record))
    atomic_write(path, lambda tmp: image.save(tmp, format="PNG", pnginfo=info))


def read_png_record(path: str) -> dict:
    """The ``unif2ace`` text chunk of a PNG written by ``generate`` (ValueError saying what is wrong)."""
    import json

    from PIL import Image

    try:
        with Image.open(path) as im:
            text = im.text.get(PNG_KEY) if hasattr(im, "text") else None
    except FileNotFoundError:
        raise ValueError(f"--from-png {path}: no such file") from None
    except OSError as exc:
        raise ValueError(f"--from-png {path}: not an image ({exc})") from None
    if text is None:
        raise ValueError(f"--from-png {path}: no '{PNG_KEY}' text chunk; only PNGs written by unif2ace generate "
                         "can be replayed")
    try:
        record = json.loads(text)
        record["batch"], record["index"], record["seed"], record["config"]  # noqa: B018 — all must be there
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"--from-png {path}: its '{PNG_KEY}' chunk is damaged ({exc})") from None
    return record


def run_generate(args: argparse.Namespace) -> int:
    import dataclasses

    from unif2ace.progress import bar, chunks, emit, log, track_calls
    from unif2ace.validation import whole_number

    if args.num_images < 1:
        raise ValueError("-n must be at least 1")
    if args.batch_size < 1:
        raise ValueError("--batch-size must be at least 1")
    replay = None
    if args.from_png:
        if args.prompts:
            raise ValueError("give prompts or --from-png, not both")
        replay = read_png_record(args.from_png)
        if args.model is None:
            args.model = replay.get("model")
        if args.dtype == "auto" and replay.get("dtype"):
            args.dtype = replay["dtype"]  # the dtype changes the pixels: replay with the recorded one
    elif not args.prompts:
        raise ValueError("give at least one prompt (or --from-png FILE to replay a face)")
    # --out face.png: that one file ("--out face.png" made a folder named face.png); checked before the model loads
    fmt = image_file_format(args.out)
    single = Path(args.out) if fmt is not None else None
    if single is not None:
        count = 1 if replay is not None else len(args.prompts) * args.num_images
        if fmt != "PNG":
            raise ValueError(f"--out {args.out}: generate writes PNG files (they carry the prompt and settings "
                             "--from-png replays); end it with .png, or give a folder")
        if count > 1:
            raise ValueError(f"--out {args.out} names one file, but {count} faces are drawn: give a folder "
                             f"(e.g. --out {single.with_suffix('')}/)")
    overrides: dict = {}  # checked before the model loads (a bad value fails in a second), under the clock
    pipe = load_pipeline(args, before=lambda: overrides.update(sampling_overrides(args)))
    from unif2ace.generation import ImageGenerationConfig  # torch: imported under load_pipeline's clock
    from unif2ace.generation.contrast import language_warning
    from unif2ace.pipeline.pipeline import MAX_SEED, new_seed

    if replay is not None:
        config = pipe.sampling_config(ImageGenerationConfig(**replay["config"]))
        if replay.get("device") and replay["device"] != str(pipe.device):
            log.warning(f"the face was drawn on {replay['device']}, this replay runs on {pipe.device}: "
                        "pixels may differ slightly")
        # the sampler draws one random stream for a whole call: redraw the face's whole batch
        rows, seed = replay["batch"], int(replay["seed"])
        parts, names = [range(len(rows))], [None]
        negative, identity = replay.get("negative_prompt"), replay.get("identity")
    else:
        config = pipe.sampling_config(**overrides)  # the model's defaults with the command line's changes
        rows = [p for p in args.prompts for _ in range(args.num_images)]
        seed = new_seed() if args.seed is None else whole_number(args.seed, "--seed", minimum=0, maximum=MAX_SEED)
        parts = chunks(len(rows), args.batch_size)
        names = [f"prompt{i:02d}-{j:02d}.png" for i in range(len(args.prompts)) for j in range(args.num_images)]
        negative, identity = args.negative_prompt, args.identity
    for prompt in dict.fromkeys(rows):  # say what a face is drawn from when it is not the prompt as typed
        if warning := language_warning(prompt):
            log.warning(warning)
        if (drawn := pipe.drawn_prompt(prompt, config)) != prompt:
            log.info(f"{prompt!r} is drawn as {drawn!r} (in the words the model was trained on, and in colour where "
                     "black and white is asked, then desaturated: --no-training-words, --no-greyscale-from-colour)")
    log.info(f"seed {seed}" + (f" (chunk i uses seed + i; replay with --seed {seed})" if len(parts) > 1 else
                               f" (replay with --seed {seed})"))
    out = Path(args.out) if single is None else single.parent
    out.mkdir(parents=True, exist_ok=True)
    if single is not None:  # the one face's file
        names = [single.name]
    record = {"model": args.model, "model_name": pipe.name, "dtype": str(pipe.dtype).removeprefix("torch."),
              "device": str(pipe.device), "config": dataclasses.asdict(config), "negative_prompt": negative,
              "identity": identity}
    with bar(len(parts) * config.steps, f"generating {len(rows) if replay is None else 1} "
                                          f"face{'s' * (len(rows) > 1 and replay is None)}", unit="step") as b:
        for c, part in enumerate(parts):
            chunk_seed = (seed + c) % (MAX_SEED + 1)
            batch = [rows[k] for k in part]
            with track_calls(pipe.model, b, config.steps):
                images = pipe.generate(batch, 1, config, seed=chunk_seed, identity_image=identity,
                                       negative_prompt=negative)
            if replay is not None:
                k = int(replay["index"])
                path = single or out / (Path(args.from_png).stem + "-replay.png")
                save_png(images[k], path, {**record, "prompt": rows[k], "seed": chunk_seed, "batch": batch, "index": k})
                emit(f"{path}\t{rows[k]}")
                continue
            for index, (k, image) in enumerate(zip(part, images)):
                path = out / names[k]
                save_png(image, path, {**record, "prompt": rows[k], "seed": chunk_seed, "batch": batch,
                                       "index": index})
                emit(f"{path}\t{rows[k]}")
    return 0


def image_file_format(path: str) -> str | None:
    """The image format ``path`` names as a file by its extension ("face.png" → "PNG", "e.JPG" → "JPEG"); None when
    it names a folder: an existing one, one written with a trailing slash, or any path without an image extension
    ("faces", "run.v2"). How ``generate --out`` and ``edit --out`` read a path."""
    from PIL import Image

    Image.init()
    if Path(path).is_dir() or path.endswith(("/", os.sep)):
        return None
    return Image.registered_extensions().get(Path(path).suffix.lower())


def edit_output(image: str, out: str | None) -> tuple[Path, str]:
    """Where ``edit`` writes and in which image format: ``--out FILE`` (a path with an image extension, which names
    the format), ``--out DIR`` (any other path: "edits", "run.v2") or no ``--out`` (beside the photo) get
    IMAGE-edited.png, as ``generate --out`` reads a path. Checked before the model loads: "--out edits" got
    "unknown file extension:" from PIL after the edit was drawn, and the edit was lost."""
    from PIL import Image

    name = Path(image).stem + "-edited.png"
    if out is None:
        return Path(image).with_name(name), "PNG"
    path = Path(out)
    if (fmt := image_file_format(out)) is None:
        return path / name, "PNG"
    if fmt not in Image.SAVE:
        raise ValueError(f"--out {out}: {path.suffix!r} images can be read but not written; end it with .png, .jpg "
                         "or .webp, or give a folder")
    return path, fmt


def run_edit(args: argparse.Namespace) -> int:
    from unif2ace.io import atomic_write
    from unif2ace.progress import bar, log, track_calls

    overrides: dict = {}  # checked before the model loads (a bad value fails in a second), under the clock
    out, fmt = edit_output(args.image, args.out)
    pipe = load_pipeline(args, before=lambda: overrides.update(sampling_overrides(args)))
    from unif2ace.pipeline.pipeline import new_seed

    config = pipe.sampling_config(**overrides)
    seed = new_seed() if args.seed is None else args.seed
    log.info(f"seed {seed} (replay with --seed {seed})")
    with bar(config.steps, "editing", unit="step") as b, track_calls(pipe.model, b, config.steps):
        result = pipe.edit(args.image, args.mask, args.prompt, config, seed=seed, align=not args.no_align,
                           negative_prompt=args.negative_prompt)
    image = result.image if fmt in ("PNG", "WEBP", "TIFF") else result.image.convert("RGB")  # JPEG has no alpha
    atomic_write(out, lambda tmp: image.save(tmp, format=fmt))  # the photo at its own resolution, edited in the mask
    if result.drawn_prompt != args.prompt:
        log.info(f"{args.prompt!r} is drawn as {result.drawn_prompt!r} (in the words the model was trained on: "
                 "--no-training-words)")
    for warning in result.warnings:
        log.warning(warning)
    print(out)
    return 0

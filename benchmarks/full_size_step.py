"""Full-size smoke benchmark: one bf16 training step and one 18-step CFG generation.

    python benchmarks/full_size_step.py --preset unif2ace-1.8b --device cuda
    python benchmarks/full_size_step.py --preset unif2ace-1.8b --device cpu --no-train   # generation only
    python benchmarks/full_size_step.py --preset tiny --device cpu --compile --json out.json

Random weights (speed and memory do not depend on their values). Prints a table: parameters,
training step time (eager, and compiled with ``--compile``), tokens/s, MFU (GPU), peak memory,
generation time per image for ours and for Show-o's algorithm (the reference mode of the same
code: ``use_cache=False, full_vocab=True``) with their ratio. ``--json`` writes the rows.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

import torch

from unif2ace.config import ModelConfig
from unif2ace.generation import ImageGenerationConfig, generate_image_codes
from unif2ace.model import UniF2aceModel
from unif2ace.training import Objective, ObjectiveConfig

PEAK_BF16_FLOPS = {"H100": 989e12, "H200": 989e12, "A100": 312e12}


def peak_flops(device: torch.device) -> float | None:
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    return next((v for k, v in PEAK_BF16_FLOPS.items() if k in name), None)


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="unif2ace-1.8b")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--batch", type=int, default=8, help="t2i rows per training step")
    ap.add_argument("--image-tokens", type=int, default=256)
    ap.add_argument("--prompt-tokens", type=int, default=64)
    ap.add_argument("--steps", type=int, default=18)
    ap.add_argument("--guidance", type=float, default=5.0)
    ap.add_argument("--no-train", action="store_true", help="skip the training step (CPU memory)")
    ap.add_argument("--checkpointing", action="store_true", help="gradient checkpointing")
    ap.add_argument("--compile", action="store_true",
                    help="also time the training step with torch.compile (inductor; the compile time is reported)")
    ap.add_argument("--skip-reference", action="store_true", help="skip Show-o's algorithm (reference mode)")
    ap.add_argument("--json", default=None, help="write the rows here (e.g. benchmarks/results/DATE-gpu.json)")
    args = ap.parse_args()
    device = torch.device(args.device)
    torch.manual_seed(0)
    cfg = ModelConfig.from_name(args.preset)
    t0 = time.perf_counter()
    with torch.device(device):
        model = UniF2aceModel(cfg).to(torch.bfloat16)
    build_s = time.perf_counter() - t0
    n_params, n_active = model.num_parameters(), model.num_parameters(active_only=True)
    rows = [("parameters", f"{n_params:,}"), ("active parameters / token", f"{n_active:,}"),
            ("build (s)", f"{build_s:.1f}")]
    g = torch.Generator(device=device).manual_seed(0)
    prompts = [torch.randint(0, cfg.text_vocab_size, (args.prompt_tokens,), generator=g, device=device).tolist()
               for _ in range(args.batch)]

    if not args.no_train:
        model.train()
        model.gradient_checkpointing = args.checkpointing
        opt = torch.optim.AdamW(model.parameters(), lr=1e-5, fused=device.type == "cuda")
        codes = torch.randint(0, cfg.codebook_size, (args.batch, args.image_tokens), generator=g, device=device)
        tokens = args.batch * (args.prompt_tokens + 3 + args.image_tokens + 2)
        variants = [("eager", model)]
        if args.compile:
            variants.append(("compiled", torch.compile(model)))
        for label, net in variants:
            objective = Objective(net, ObjectiveConfig())
            times = []
            for _ in range(3):  # the first step includes allocator warm-up (and compilation)
                sync(device)
                t = time.perf_counter()
                with torch.autocast(device.type, dtype=torch.bfloat16):
                    loss, _ = objective.t2i(prompts, codes, generator=g)
                loss.backward()
                opt.step()
                opt.zero_grad(set_to_none=True)
                sync(device)
                times.append(time.perf_counter() - t)
            step = min(times[1:])
            suffix = "" if label == "eager" else f", {label}"
            rows += [(f"train step{suffix} (s)", f"{step:.3f}"), (f"train tokens/s{suffix}", f"{tokens / step:,.0f}"),
                     (f"loss{suffix}", f"{loss.item():.3f}")]
            if label != "eager":
                rows.append((f"first step incl. compilation{suffix} (s)", f"{times[0]:.1f}"))
            peak = peak_flops(device)
            if peak:
                rows.append((f"MFU{suffix}", f"{6 * n_active * tokens / step / peak:.1%}"))
        if device.type == "cuda":
            rows.append(("peak memory, training (GiB)", f"{torch.cuda.max_memory_allocated(device) / 2**30:.1f}"))
        del opt
        model.zero_grad(set_to_none=True)

    model.eval()
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    modes = [("ours", dict())] + ([] if args.skip_reference else [("show-o", dict(use_cache=False, full_vocab=True))])
    for label, batch in (("1 image", 1), (f"{args.batch} images", args.batch)):
        seconds = {}
        for mode, extra in modes:
            gen_cfg = ImageGenerationConfig(num_tokens=args.image_tokens, steps=args.steps,
                                            guidance_scale=args.guidance, **extra)
            generate_image_codes(model, prompts[:batch], gen_cfg, torch.Generator(device=device).manual_seed(0))  # warm
            sync(device)
            t = time.perf_counter()
            generate_image_codes(model, prompts[:batch], gen_cfg, torch.Generator(device=device).manual_seed(0))
            sync(device)
            seconds[mode] = time.perf_counter() - t
        text = f"{seconds['ours']:.3f}  ({batch / seconds['ours']:.2f} images/s)"
        if "show-o" in seconds:
            text += f"; show-o {seconds['show-o']:.3f} ({seconds['show-o'] / seconds['ours']:.1f}×)"
        rows.append((f"generate {label}, {args.steps} steps, CFG (s)", text))
    if device.type == "cuda":
        rows.append(("peak memory, generation (GiB)", f"{torch.cuda.max_memory_allocated(device) / 2**30:.1f}"))

    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"\n{args.preset} on {name}, bf16\n")
    print(f"| {'what':<42} | {'value':<28} |\n|{'-' * 44}|{'-' * 30}|")
    for k, v in rows:
        print(f"| {k:<42} | {v:<28} |")
    if args.json:
        from unif2ace.io import atomic_write_text

        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(Path(args.json), json.dumps({
            "date": datetime.date.today().isoformat(), "preset": args.preset, "device": name,
            "torch": torch.__version__, "argv": sys.argv[1:], "rows": dict(rows)}, indent=1) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()

"""Options shared by the inference verbs (generate, edit, caption, ask, serve) and model loading."""

from __future__ import annotations

import argparse


def add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None,
                   help="model folder or local Show-o checkpoint (default: the shipped model)")
    p.add_argument("--image-tokenizer", default=None, help="MAGVIT-v2 folder for a Show-o checkpoint")
    p.add_argument("--device", default="auto", help="cpu, cuda, cuda:1 … (default: cuda when available)")
    p.add_argument("--dtype", default="auto", choices=("auto", "float32", "bfloat16", "float16"),
                   help="transformer dtype (default: bfloat16 on GPUs and on CPUs with native bf16, else float32)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    p.add_argument("--threads", type=int, default=None, help=THREADS_HELP)


THREADS_HELP = ("CPU threads for torch (default: torch's, one per core; when other programs keep the cores busy, "
                "1 is often several times faster, as threads that wait for each other spin)")


def load_pipeline(args: argparse.Namespace, before=None):
    """The pipeline the options name, loaded between two log lines under a ticking clock (importing
    torch and loading take seconds; a silent command looks hung). ``before()``, if given, runs first
    under the same clock (e.g. checking options, which imports torch)."""
    import time

    from unif2ace.progress import loading, log

    t = time.perf_counter()
    with loading(args.model or "the shipped model"):
        if before is not None:
            before()
        import torch

        from unif2ace.pipeline import UniF2ace
        from unif2ace.pipeline.loading import resolve_device, resolve_dtype
        from unif2ace.validation import whole_number

        if args.threads is not None:
            torch.set_num_threads(whole_number(args.threads, "--threads"))
        device = resolve_device(args.device)
        pipe = UniF2ace.from_pretrained(args.model, device=device, dtype=resolve_dtype(args.dtype, device),
                                        image_tokenizer=getattr(args, "image_tokenizer", None))
    log.info(f"loaded {pipe} in {time.perf_counter() - t:.1f} s")
    return pipe

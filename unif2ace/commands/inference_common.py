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


THREADS_HELP = ("CPU threads for torch (default: one per core that other programs (niced ones aside) leave idle, "
                "measured at start; "
                "threads that share a busy core spin waiting for each other and can be 10x slower)")


def idle_cores(seconds: float = 0.2) -> float | None:
    """How many cores other programs leave to this process right now: the share of /proc/stat's CPU
    time over ``seconds`` that was idle or ran niced programs (which yield to ours: a training run
    under ``nice`` does not make a core busy), times the cores (None where there is no /proc)."""
    import os
    import time

    def sample():
        with open("/proc/stat") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
        return fields[1] + fields[3] + fields[4], sum(fields[:8])  # nice + idle + iowait; all but guest time

    try:
        idle0, total0 = sample()
        time.sleep(seconds)
        idle1, total1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    share = (idle1 - idle0) / max(total1 - total0, 1)
    return min(_cores(), share * (os.cpu_count() or _cores()))


def _cores() -> int:
    """The cores this process may run on."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def default_threads() -> int | None:
    """Threads for a command given no ``--threads``: None (torch's default, one per core) on an idle
    machine or when OMP_NUM_THREADS is set, else the cores other programs leave idle (at least 1).
    With a training run on one of 2 cores, a caption took 32.3 s at 2 threads and 4.5 s at 1."""
    import math
    import os

    if os.environ.get("OMP_NUM_THREADS"):
        return None
    cores = _cores()
    idle = idle_cores()
    if idle is None or cores == 1:
        return None
    free = max(1, min(cores, math.floor(idle + 0.25)))  # a core at least 3/4 idle counts as free
    return None if free >= cores else free


def set_threads(threads: int | None) -> None:
    """``--threads`` if given, else :func:`default_threads`; says so when the machine is busy."""
    import torch

    from unif2ace.progress import log
    from unif2ace.validation import whole_number

    if threads is not None:
        torch.set_num_threads(whole_number(threads, "--threads"))
        return
    chosen = default_threads()
    if chosen is not None:
        torch.set_num_threads(chosen)
        log.info(f"other programs keep cores busy: using {chosen} thread{'s' * (chosen > 1)} (--threads N to choose)")


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

        from unif2ace.pipeline import UniF2ace
        from unif2ace.pipeline.loading import resolve_device, resolve_dtype

        set_threads(args.threads)
        device = resolve_device(args.device)
        pipe = UniF2ace.from_pretrained(args.model, device=device, dtype=resolve_dtype(args.dtype, device),
                                        image_tokenizer=getattr(args, "image_tokenizer", None))
    log.info(f"loaded {pipe} in {time.perf_counter() - t:.1f} s")
    return pipe

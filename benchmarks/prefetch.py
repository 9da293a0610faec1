"""Does the trainer's batch prefetch thread overlap with a host-bound training loop?

    python benchmarks/prefetch.py [--recipe recipes/face-gpu.yaml] [--steps 5] [--repeats 3]

A model as small as the shipped one is host-bound on a GPU: its steps are Python and many small
kernel launches. This stands in for such a step on the CPU: each of ``--steps`` steps takes the
step's batch (``--batch`` rows, built from the recipe's dataset) and then runs ``--forwards``
one-row forwards of the model. "in place" builds each batch when it is needed; "prefetch thread"
is the trainer's ``Prefetcher``, which builds step k+1's batch in a thread during step k. If the
thread shared the GIL with the loop, the two columns would be equal; if it overlapped fully, the
gap would be the batch-building time. Needs the recipe's dataset (runs/data/utkface by default)
and model; prints a markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipe", default="recipes/face-gpu.yaml")
    ap.add_argument("--model", default="unif2ace/assets/models/default", help="the weights the forwards use")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--forwards", type=int, default=4, help="one-row forwards per step (the host-bound work)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    import tempfile

    from unif2ace.training.config import load_recipe
    from unif2ace.training.data import MicroBatch, advance, global_step_batches
    from unif2ace.training.trainer import Prefetcher, Trainer, TrainStep

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = load_recipe(args.recipe, [f"out={tmp}/run", f"model.init={args.model}", "device=cpu",
                                        f"batch_size={args.batch}", f"data.image_tokenizer={args.model}/image_tokenizer"])
        tr = Trainer(cfg)
    build = lambda pos, step: global_step_batches(tr.train_data, tr.plan, pos, step, cfg.seed, [0])  # noqa: E731
    t = build(tr.position, 0)[0].t2i
    one = MicroBatch(type(t)(t.prompts[:1], t.codes[:1], t.noisy[:1], t.masked[:1], t.u[:1], t.drop[:1],
                             {k: v[:1] for k, v in t.features.items()}), None, {}, None)
    step_fn = TrainStep(tr.model, tr.objective)

    def forwards(n: int) -> None:
        with torch.no_grad():
            for _ in range(n):
                step_fn(one)

    def loop(prefetch: bool) -> float:
        fetch = Prefetcher(build, tr.plan, prefetch)
        pos = dict(tr.position)
        start = time.perf_counter()
        try:
            for s in range(args.steps):
                fetch.get(pos, s, args.steps)
                forwards(args.forwards)
                pos = advance(pos, tr.plan)
        finally:
            fetch.close()
        return time.perf_counter() - start

    def timed(fn, *a) -> float:
        start = time.perf_counter()
        fn(*a)
        return time.perf_counter() - start

    forwards(2)  # warm-up
    rows = {"batches alone": [], "forwards alone": [], "in place": [], "prefetch thread": []}
    for _ in range(args.repeats):
        rows["batches alone"].append(timed(lambda: [build(tr.position, s) for s in range(args.steps)]))
        rows["forwards alone"].append(timed(forwards, args.forwards * args.steps))
        rows["in place"].append(loop(False))
        rows["prefetch thread"].append(loop(True))
    print(f"{args.steps} steps of a {args.batch}-row batch + {args.forwards} one-row forwards, "
          f"{args.threads} thread(s), median of {args.repeats}:\n")
    print("| what | seconds |\n|---|---:|")
    for name, ts in rows.items():
        print(f"| {name} | {statistics.median(ts):.2f} |")


if __name__ == "__main__":
    main()

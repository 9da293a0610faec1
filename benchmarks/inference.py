"""Inference speed: our generation loops vs Show-o's algorithm (a reference mode of our code) and
transformers' ``PhiForCausalLM.generate`` (DESIGN §5, §9). Random weights; prints a markdown table.

    python benchmarks/inference.py                                   # CPU, tiny preset (minutes)
    python benchmarks/inference.py --device cuda --preset showo-1.3b # one GPU, Show-o's exact size, bf16
    python benchmarks/inference.py --shipped --baseline /tmp/before --json benchmarks/results/DATE-cpu.json
        # the shipped model at `make demo` settings, against an earlier commit exported with
        # `git archive COMMIT unif2ace | tar -x -C /tmp/before` (same run, alternating)

Shipped rows (``--shipped``): the shipped model (bf16 where the CPU computes it natively, as
``unif2ace demo``), the demo's 6 prompts in one batch, the model's sampling (18 steps, CFG 3 = 2
model rows per face) and the default before 30 Nov 2026 (CFG 6 + gender contrast 8 + age contrast 2
= 4 rows per face); the time per face counts code generation and decoding to pixels; captions: the
6 pictures of a 2-step draw of the demo's prompts (decoded in float32, so every tree reads the same
pixels), through ``caption`` (identity features, image codes, text). Each measurement runs in a fresh process, ours and the baseline alternating, and reports
the median wall and process-CPU seconds (CPU time is the steadier number on a shared machine).
MoE row: the token MoE layer alone at the shipped size (24 rows × 258 positions), the sync-free
grouped dispatch against the loop it replaced (``moe.reference_dispatch``), tokens/s.

Image rows: t2i with CFG, ``--steps`` MaskGIT steps, ``--tokens`` image tokens per image.
  ours       prompt KV computed once, image positions only, code-vocabulary head, batched CFG
  show-o     whole sequence + full-vocabulary head at every step (``use_cache=False, full_vocab=True``)
Code-draw rows: one draw per masked position from softmax over the code book, (rows, K) logits.
  ours       inverse CDF (``draw_categorical``: cumsum, one uniform per row, searchsorted)
  show-o     ``torch.multinomial`` on the probabilities (Show-o's ``t2i_generate``)
  gumbel     Gumbel-max (argmax of logits + Gumbel noise; this project's sampler before Nov 2026)
Text rows: an mmu prompt (image tokens + a question), ``--new-tokens`` greedy tokens per row.
  ours       one prefill, then one KV-cached single-token forward per step, batched
  ours, G    (image rows) the same draw with ``graph=G`` (``--image-graph``): one sync-free body (static)
             or that body replayed as one CUDA graph per batch shape (cuda-graph); same codes
  ours, M    the same with ``decode=M`` (``--text-decode``): the static-shape step, eager (static),
             replayed as one CUDA graph per call (cuda-graph) or compiled (compile); same tokens
  show-o     recompute everything for every token, one row at a time (Show-o's ``mmu_generate``)
  hf-phi     transformers' PhiForCausalLM.generate (KV cache) on a dense Phi of the same backbone
             dimensions (no MoE), batched; skipped when transformers is absent
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

from unif2ace.config import ModelConfig
from unif2ace.diffusion import draw_categorical
from unif2ace.diffusion.schedulers import _gumbel  # the draw this project used before inverse CDF
from unif2ace.generation import (
    ImageGenerationConfig,
    TextGenerationConfig,
    generate_image_codes,
    generate_text,
)
from unif2ace.model import UniF2aceModel
from unif2ace.sequences import SequenceBuilder


def timed(fn, device: torch.device, repeats: int) -> float:
    """Median seconds of ``repeats`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def timed_fast_path(fn, device: torch.device, repeats: int, name: str, failures: dict) -> float:
    """:func:`timed` for an opt-in fast path (a graph or compiled mode): a failure is recorded in
    ``failures[name]`` and gives NaN, so that the eager rows and the other modes are still measured."""
    try:
        fn()  # capture / compile outside the timing
        return timed(fn, device, repeats)
    except Exception as e:  # noqa: BLE001 - reported in the table and the JSON
        failures[name] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300]
        print(f"({name} failed: {failures[name]})", flush=True)
        return float("nan")


def build_model(config: ModelConfig, device: torch.device, dtype: torch.dtype) -> UniF2aceModel:
    torch.manual_seed(0)
    with torch.device(device):
        model = UniF2aceModel(config)
    model = model.to(dtype=dtype).eval()
    with torch.no_grad():  # never stop early: every row decodes exactly --new-tokens tokens
        model.lm_head.bias[config.eot_token_id] = -1e4
    return model


def bench_images(model, args, device, batch: int) -> dict[str, float]:
    cfg = model.config
    g = torch.Generator().manual_seed(0)
    prompts = [torch.randint(1, cfg.text_vocab_size, (args.prompt_tokens,), generator=g).tolist() for _ in range(batch)]
    out = {}
    modes = [("ours", True, False, "eager"), ("show-o", False, True, "eager")]
    modes += [(f"ours, {graph}", True, False, graph) for graph in args.image_graph]
    for name, cache, full, graph in modes:
        config = ImageGenerationConfig(num_tokens=args.tokens, steps=args.steps, guidance_scale=args.guidance_scale,
                                       use_cache=cache, full_vocab=full, graph=graph)

        def run(config=config):
            gen = torch.Generator(device=device).manual_seed(1)
            generate_image_codes(model, prompts, config, gen)

        if graph != "eager":  # captured outside the timing (the graph is kept for later calls of this shape)
            out[name] = timed_fast_path(run, device, args.repeats, name, out.setdefault("failed", {}))
        else:
            out[name] = timed(run, device, args.repeats)
    return out


def bench_code_draw(rows: int, codes: int, device, repeats: int) -> dict[str, float]:
    logits = torch.randn(rows, codes, generator=torch.Generator().manual_seed(0)).to(device) * 3
    gen = torch.Generator(device=device).manual_seed(0)

    return {"ours": timed(lambda: draw_categorical(logits, gen), device, repeats),
            "show-o": timed(lambda: torch.multinomial(logits.softmax(-1), 1, generator=gen), device, repeats),
            "gumbel": timed(lambda: (logits + _gumbel(logits.shape, gen, device)).argmax(-1), device, repeats)}


def mmu_batch(cfg: ModelConfig, args, rows: int):
    g = torch.Generator().manual_seed(0)
    codes = torch.randint(0, cfg.codebook_size, (rows, args.tokens), generator=g)
    question = torch.randint(1, cfg.text_vocab_size, (args.prompt_tokens,), generator=g).tolist()
    return SequenceBuilder(cfg).mmu(codes, [[(question, False)]] * rows, left_pad=True)


def bench_text(model, args, device, batch: int) -> dict[str, float]:
    cfg = model.config
    out = {}
    config = TextGenerationConfig(max_new_tokens=args.new_tokens)
    full = mmu_batch(cfg, args, batch)
    out["ours"] = timed(lambda: generate_text(model, full, config), device, args.repeats)
    for mode in args.text_decode:  # the static-shape step (generation/text.py), same tokens
        fast = TextGenerationConfig(max_new_tokens=args.new_tokens, decode=mode)
        out[f"ours, {mode}"] = timed_fast_path(lambda fast=fast: generate_text(model, full, fast), device, args.repeats,
                                               f"ours, {mode}", out.setdefault("failed", {}))
    one = mmu_batch(cfg, args, 1)
    ref = TextGenerationConfig(max_new_tokens=args.new_tokens, use_cache=False)
    if not args.skip_reference_text:
        out["show-o"] = batch * timed(lambda: generate_text(model, one, ref), device, max(1, args.repeats // 2))
    hf = hf_phi(cfg, device, model.lm_head.weight.dtype)
    if hf is not None:
        ids = full.input_ids.clamp_max(hf.config.vocab_size - 1).to(device)
        attn = torch.ones_like(ids)

        def run_hf():
            hf.generate(input_ids=ids, attention_mask=attn, max_new_tokens=args.new_tokens,
                        min_new_tokens=args.new_tokens, do_sample=False, pad_token_id=0, eos_token_id=None)

        out["hf-phi"] = timed(run_hf, device, args.repeats)
    return out


def hf_phi(cfg: ModelConfig, device, dtype):
    try:
        from transformers import PhiConfig, PhiForCausalLM
    except ImportError:
        return None
    hf_cfg = PhiConfig(vocab_size=cfg.vocab_size, hidden_size=cfg.hidden_size, intermediate_size=cfg.intermediate_size,
                       num_hidden_layers=cfg.num_layers, num_attention_heads=cfg.num_heads,
                       partial_rotary_factor=cfg.partial_rotary_factor, qk_layernorm=cfg.qk_layernorm,
                       max_position_embeddings=cfg.max_position_embeddings, rope_theta=cfg.rope_theta)
    torch.manual_seed(0)
    with torch.device(device):
        model = PhiForCausalLM(hf_cfg)
    return model.to(dtype=dtype).eval()


SHIPPED_WORKER = r"""
import json, sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
from unif2ace.pipeline import UniF2ace
from unif2ace.pipeline.loading import resolve_dtype
from unif2ace.commands.demo import DEMO_PROMPTS
what, kw = sys.argv[2], json.loads(sys.argv[3])
pipe = UniF2ace.from_pretrained(None, device="cpu", dtype=resolve_dtype("auto", "cpu"))
prompts = list(DEMO_PROMPTS)
if what == "caption":  # the same 6 pictures in every tree: codes of a 2-step draw, decoded in float32
    faces = pipe.image_tokenizer.decode_to_pil(pipe.generate_codes(prompts, seed=0, steps=2))
    pipe.caption(faces[:1], align=False)  # warm-up
t, c = time.perf_counter(), time.process_time()
if what == "image":
    codes = pipe.generate_codes(prompts, seed=0, **kw)
    pipe.decode_images(codes)
    extra = {"codes": codes.tolist()}
else:
    extra = {"captions": pipe.caption(faces, align=False)}
print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "n": len(prompts), **extra}))
"""


def shipped_worker(tree: str | None, threads: int, what: str, overrides: dict) -> dict:
    """One measurement in a fresh process; ``tree``: a folder holding an exported ``unif2ace`` package;
    ``overrides``: sampling options over the model's defaults."""
    env = dict(os.environ)
    if tree:
        env["PYTHONPATH"] = os.path.abspath(tree)
    out = subprocess.run([sys.executable, "-c", SHIPPED_WORKER, str(threads), what, json.dumps(overrides)],
                         env=env, capture_output=True, text=True, cwd="/" if tree else None)
    if out.returncode != 0:
        raise SystemExit(f"shipped-model worker failed ({tree or 'this tree'}): {out.stderr.strip().splitlines()[-1]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_shipped(args) -> list[dict]:
    """Rows for the shipped model: ours (this tree) and, with --baseline, the exported earlier tree."""
    rows = []
    trees = [("ours", None)] + ([("baseline", args.baseline)] if args.baseline else [])
    before = dict(guidance_scale=6.0, gender_contrast=8.0, age_contrast=2.0)  # the default until 30 Nov 2026
    for label, what, overrides in (("image, the model's sampling (CFG 3: 2 rows/face)", "image", {}),
                                   ("image, CFG 6 + both contrasts (4 rows/face)", "image", before),
                                   ("caption", "caption", {})):
        runs: dict[str, list[dict]] = {name: [] for name, _ in trees}
        for r in range(args.repeats):
            for name, tree in trees:
                res = shipped_worker(tree, args.threads or torch.get_num_threads(), what, overrides)
                runs[name].append(res)
                print(f"  {label}: {name} run {r + 1}/{args.repeats}: {res['wall']:.2f} s wall, "
                      f"{res['cpu']:.2f} s CPU", file=sys.stderr, flush=True)
        row = {"task": label}
        for name, rs in runs.items():
            n = rs[0]["n"]
            row[name] = {"wall_per_item": statistics.median(x["wall"] for x in rs) / n,
                         "cpu_per_item": statistics.median(x["cpu"] for x in rs) / n, "repeats": len(rs)}
        if what == "image" and "baseline" in runs:
            a, b = runs["ours"][0]["codes"], runs["baseline"][0]["codes"]
            same = sum(x == y for ra, rb in zip(a, b) for x, y in zip(ra, rb)) / sum(len(r) for r in a)
            row["codes_equal_to_baseline"] = same
        if what == "caption" and "baseline" in runs:
            row["captions_equal_to_baseline"] = runs["ours"][0]["captions"] == runs["baseline"][0]["captions"]
        rows.append(row)
    return rows


def bench_moe_layer(device, dtype, repeats: int) -> dict[str, float]:
    """The token MoE layer alone at the shipped size: tokens/s of the grouped dispatch and the old loop."""
    from unif2ace.model.moe import GroupedTokenMoE, reference_dispatch

    cfg = ModelConfig.from_name("face-small")
    torch.manual_seed(0)
    with torch.device(device):
        moe = GroupedTokenMoE(cfg).to(dtype).eval()
    moe.dispatch = "grouped"  # ("auto" would take the loop in eager on a CPU)
    with torch.no_grad():
        for p in moe.parameters():
            p.normal_(0, 0.05)
        x = torch.randn(24 * 258, cfg.hidden_size, device=device, dtype=dtype)
        group = torch.ones(x.shape[0], dtype=torch.long, device=device)
        _, top_i, gates = moe.route(x, group)
        experts = group.unsqueeze(1) * moe.num_experts + top_i
        new = timed(lambda: moe._dispatch(x, experts, gates), device, repeats)
        old = timed(lambda: reference_dispatch(moe, x, experts, gates), device, repeats)
    return {"tokens": x.shape[0], "ours": x.shape[0] / new, "loop": x.shape[0] / old}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", default="tiny")
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", default=None, choices=("float32", "bfloat16", "float16"),
                   help="default: bfloat16 on GPU, float32 on CPU")
    p.add_argument("--tokens", type=int, default=256, help="image tokens per image (256 = 256 px with 16×)")
    p.add_argument("--steps", type=int, default=18)
    p.add_argument("--guidance-scale", type=float, default=1.75)
    p.add_argument("--prompt-tokens", type=int, default=24)
    p.add_argument("--new-tokens", type=int, default=100)
    p.add_argument("--batch", type=int, default=16, help="the large batch (the small one is 1)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--skip-reference-text", action="store_true", help="skip the (slow) cache-less text reference")
    p.add_argument("--image-graph", nargs="*", default=None,
                   help="graph modes of a fresh MaskGIT draw timed beside eager (static, cuda-graph; "
                        "default: cuda-graph on CUDA, static on CPU)")
    p.add_argument("--text-decode", nargs="*", default=None,
                   help="static-shape decode modes timed beside the default one (static, compile, cuda-graph; "
                        "default: cuda-graph on CUDA, static on CPU)")
    p.add_argument("--shipped", action="store_true", help="also time the shipped model at `make demo` settings (CPU)")
    p.add_argument("--only-shipped", action="store_true", help="only the shipped-model and MoE rows")
    p.add_argument("--baseline", default=None,
                   help="folder with an earlier commit's exported `unif2ace` package, timed in the same run")
    p.add_argument("--json", default=None, help="write the results here (e.g. benchmarks/results/DATE-cpu.json)")
    args = p.parse_args()
    results: dict = {"date": datetime.date.today().isoformat(), "torch": torch.__version__, "argv": sys.argv[1:],
                     "note": "shared 2-core machine unless stated; medians"}
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if args.text_decode is None:
        args.text_decode = ["cuda-graph"] if device.type == "cuda" else ["static"]
    if args.image_graph is None:
        args.image_graph = ["cuda-graph"] if device.type == "cuda" else ["static"]
    dtype = getattr(torch, args.dtype) if args.dtype else (torch.bfloat16 if device.type == "cuda" else torch.float32)
    cfg = ModelConfig.from_name(args.preset)
    model = build_model(cfg, device, dtype)
    hw = torch.cuda.get_device_name(device) if device.type == "cuda" else f"CPU, {torch.get_num_threads()} threads"
    print(f"# {args.preset} ({model.num_parameters():,} params), {str(dtype).replace('torch.', '')}, {hw}, "
          f"torch {torch.__version__}")
    print(f"images: {args.tokens} tokens, {args.steps} steps, CFG {args.guidance_scale}; text: mmu prompt of "
          f"{args.tokens + 4 + args.prompt_tokens} tokens, {args.new_tokens} new tokens per row\n")
    if device.type != "cuda":
        print("(no CUDA device: the GPU rows — showo-1.3b, unif2ace-1.8b — are skipped; "
              "run with --device cuda --preset showo-1.3b on a GPU)\n")
    moe = bench_moe_layer(device, dtype if device.type == "cuda" else torch.bfloat16, max(args.repeats, 5))
    results["moe_layer"] = moe
    print(f"token MoE layer alone (face-small size, {moe['tokens']} tokens, bf16): sync-free grouped "
          f"{moe['ours']:,.0f} tok/s, loop dispatch {moe['loop']:,.0f} tok/s ({moe['ours'] / moe['loop']:.2f}×)\n",
          flush=True)
    if args.shipped or args.only_shipped:
        rows = bench_shipped(args)
        results["shipped"] = rows
        print("| shipped model, CPU | ours: s/item wall (CPU) | baseline: s/item wall (CPU) | ratio (CPU) | same output |")
        print("|---|---|---|---|---|")
        for row in rows:
            o, b = row["ours"], row.get("baseline")
            base = f"{b['wall_per_item']:.2f} ({b['cpu_per_item']:.2f})" if b else "—"
            ratio = f"{b['cpu_per_item'] / o['cpu_per_item']:.2f}×" if b else "—"
            same = row.get("codes_equal_to_baseline", row.get("captions_equal_to_baseline", "—"))
            same = f"{same:.0%} of codes" if isinstance(same, float) else str(same)
            print(f"| {row['task']} | {o['wall_per_item']:.2f} ({o['cpu_per_item']:.2f}) | {base} | {ratio} | {same} |",
                  flush=True)
        print()
    if args.only_shipped:
        _write_json(args.json, results)
        return
    table = results.setdefault("table", [])
    print("| task | batch | ours | show-o algorithm | ratio | hf-phi generate | ratio |")
    print("|---|---|---|---|---|---|---|")
    for batch in (1, args.batch):
        t = bench_images(model, args, device, batch)
        table.append({"task": "image", "batch": batch, "seconds": t})
        print(f"| image | {batch} | {batch / t['ours']:.2f} img/s ({t['ours']:.3f} s) | "
              f"{batch / t['show-o']:.2f} img/s ({t['show-o']:.3f} s) | {t['show-o'] / t['ours']:.1f}× | — | — |",
              flush=True)
        for graph in args.image_graph:
            s = t[f"ours, {graph}"]
            print(f"| image, graph={graph} | {batch} | {batch / s:.2f} img/s ({s:.3f} s) | eager: {batch / t['ours']:.2f} "
                  f"img/s | {t['ours'] / s:.2f}× | — | — |", flush=True)
    rows = args.batch * args.tokens // 2  # about the masked positions of a batch at mid-sampling
    t = bench_code_draw(rows, cfg.codebook_size, device, max(args.repeats, 5))
    table.append({"task": f"code draw {rows}x{cfg.codebook_size}", "seconds": t})
    print(f"| code draw, {rows}×{cfg.codebook_size} logits | — | {t['ours'] * 1e3:.1f} ms | {t['show-o'] * 1e3:.1f} ms | "
          f"{t['show-o'] / t['ours']:.1f}× | Gumbel-max {t['gumbel'] * 1e3:.1f} ms | {t['gumbel'] / t['ours']:.1f}× |",
          flush=True)
    for batch in (1, args.batch):
        t = bench_text(model, args, device, batch)
        table.append({"task": "text", "batch": batch, "new_tokens": args.new_tokens, "seconds": t})
        n = batch * args.new_tokens
        ref = f"{n / t['show-o']:.0f} tok/s | {t['show-o'] / t['ours']:.1f}×" if "show-o" in t else "— | —"
        hf = f"{n / t['hf-phi']:.0f} tok/s | {t['hf-phi'] / t['ours']:.1f}×" if "hf-phi" in t else "— | —"
        print(f"| text | {batch} | {n / t['ours']:.0f} tok/s ({t['ours']:.3f} s) | {ref} | {hf} |", flush=True)
        for mode in args.text_decode:
            s = t[f"ours, {mode}"]
            print(f"| text, decode={mode} | {batch} | {n / s:.0f} tok/s ({s:.3f} s) | eager cache: {n / t['ours']:.0f} "
                  f"tok/s | {t['ours'] / s:.2f}× | — | — |", flush=True)
    _write_json(args.json, results)


def _write_json(path: str | None, results: dict) -> None:
    if path:
        from unif2ace.io import atomic_write_text

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(Path(path), json.dumps(results, indent=1) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()

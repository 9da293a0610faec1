"""Rounding of the guided code logits: guidance on the logits (the order before Nov 30 2026: a bf16
head per model row, then cond + Σ w·(cond − other)) against guidance on the final hidden states in
float32, then one bf16 head row per face (the sampler since then). Both are compared with the
bf16 network's own guided logits computed exactly (float64 guidance and head: isolates the
rounding the two orders add) and with the float32 model's.

    python benchmarks/guidance_precision.py        # the shipped model, the demo's prompts and sampling

The first MaskGIT step at `make demo` settings (CFG 6, gender contrast 8, age contrast 2; 6 faces,
256 masked positions, 8,192 codes). Prints RMS and max errors and the argmax agreement.
"""

from __future__ import annotations

import copy

import torch

from unif2ace.commands.demo import DEMO_PROMPTS
from unif2ace.generation.contrast import shift_age, swap_gender
from unif2ace.pipeline import UniF2ace
from unif2ace.sequences import SequenceBuilder


def main() -> None:
    torch.set_num_threads(1)
    pipe = UniF2ace.from_pretrained(None, device="cpu", dtype=torch.float32)
    m32 = pipe.model
    m16 = copy.deepcopy(m32).to(torch.bfloat16)
    cfg = m32.config
    K, N = cfg.codebook_size, pipe.generation.num_image_tokens
    prompts = list(DEMO_PROMPTS)
    enc = pipe.prompter.encode_prompt
    rows = ([enc(p) for p in prompts] + [[] for _ in prompts] + [enc(swap_gender(p) or p) for p in prompts]
            + [enc(shift_age(p) or p) for p in prompts])
    w = pipe.generation.guidance_scale
    rels = [1.0, pipe.generation.gender_contrast / w, pipe.generation.age_contrast / w]
    B = len(prompts)
    batch = SequenceBuilder(cfg).t2i(rows, torch.full((4 * B, N), K))
    inputs = batch.model_inputs()
    noise = torch.randn(B, cfg.sequence_moe.noise_dim, generator=torch.Generator().manual_seed(0)).repeat(4, 1)
    P = batch.input_ids.shape[1] - N - 2
    vocab = slice(cfg.code_offset, cfg.code_offset + K)

    def hidden(model):
        with torch.no_grad():
            out = model(batch.input_ids, **inputs, features={"noise": noise.to(model.lm_head.weight.dtype)},
                        compute_logits=False, return_hidden=True)
        return out.hidden_states[:, P + 1:P + 1 + N]

    def guide(x):
        c, *others = x.chunk(4)
        return c + sum(w * r * (c - o) for r, o in zip(rels, others))

    linear = torch.nn.functional.linear
    ref = linear(guide(hidden(m32).double()), m32.lm_head.weight[vocab].double(), m32.lm_head.bias[vocab].double())
    h16 = hidden(m16)
    W16, b16 = m16.lm_head.weight[vocab], m16.lm_head.bias[vocab]
    own = linear(guide(h16.double()), W16.double(), b16.double())
    old = guide(linear(h16, W16, b16).float()).double()
    new = linear(guide(h16.float()).to(torch.bfloat16), W16, b16).double()
    print(f"guided logits: std {ref.std():.2f} (float32 model)\n")
    print("| order | vs bf16 model, exact guidance: RMS / max | vs float32 model: RMS / max | argmax = float32's |")
    print("|---|---|---|---|")
    for name, x in (("guidance on logits (before)", old), ("guidance on hidden states (now)", new)):
        e, e2 = x - ref, x - own
        print(f"| {name} | {e2.pow(2).mean().sqrt():.4f} / {e2.abs().max():.3f} | "
              f"{e.pow(2).mean().sqrt():.4f} / {e.abs().max():.3f} | {(x.argmax(-1) == ref.argmax(-1)).double().mean():.1%} |")


if __name__ == "__main__":
    main()

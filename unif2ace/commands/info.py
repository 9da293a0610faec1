"""``unif2ace info``: presets and their parameter counts (built on the meta device)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("info", help="list model presets with their parameter counts")
    p.add_argument("preset", nargs="?", help="one preset name (default: all)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import torch

    from unif2ace.config import PRESETS, ModelConfig
    from unif2ace.model import UniF2aceModel

    names = [args.preset] if args.preset else list(PRESETS)
    print(f"{'preset':<16}{'layers':>7}{'d':>6}{'vocab':>8}{'params':>16}{'active/token':>15}")
    for name in names:
        cfg = ModelConfig.from_name(name)
        with torch.device("meta"):
            model = UniF2aceModel(cfg)
        total = model.num_parameters()
        active = model.num_parameters(active_only=True)
        print(f"{name:<16}{cfg.num_layers:>7}{cfg.hidden_size:>6}{cfg.vocab_size:>8}{total:>16,}{active:>15,}")
    return 0

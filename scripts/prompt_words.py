"""Write a model folder's ``prompt_words``: the words of the prompts its recipe trains t2i rows on.

The trainer exports them with every model (``training.data.prompt_vocabulary``); this adds them to a model trained
before it did, from the dataset and recipe it was trained on (the union with any already listed). With
``training_words`` on, the pipeline then draws a prompt without the phrases that use other words
(``generation.contrast.known_words_only``).

    python scripts/prompt_words.py --model unif2ace/assets/models/default --data runs/data/utkface \\
        --recipe recipes/face-cpu-composed-wordings-3.yaml
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="a model folder (its generation_config.json is updated)")
    p.add_argument("--data", required=True, help="the dataset folder the model was trained on")
    p.add_argument("--recipe", required=True, help="the recipe whose data section made its t2i prompts")
    p.add_argument("--split", default="train")
    args = p.parse_args()

    from unif2ace.data.store import FaceStore
    from unif2ace.io import atomic_write_text
    from unif2ace.pipeline.loading import GENERATION_CONFIG_NAME
    from unif2ace.training.config import load_recipe
    from unif2ace.training.data import prompt_vocabulary

    try:
        cfg = load_recipe(args.recipe, [])
        records = list(FaceStore.open(args.data).records(args.split))
        path = Path(args.model) / GENERATION_CONFIG_NAME
        gen = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        print(f"prompt_words: error: {exc}", file=sys.stderr)
        return 2
    words = prompt_vocabulary(records, cfg.data, gen.get("prompt_words") or ())
    gen["prompt_words"] = sorted(words)
    atomic_write_text(path, json.dumps(gen, indent=2) + "\n")
    print(f"{path}: {len(words)} prompt words from {len(records)} {args.split} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())

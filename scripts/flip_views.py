"""Descriptions decoded from a photo and its mirror image together (a test-time view ensemble), against
the photo alone: attribute accuracy of the description on a split's photos.

    python scripts/flip_views.py --model unif2ace/assets/models/default --split val --num-samples 256

Each photo of the split's draw (the understanding evaluation's: ``--seed 0``) is described three ways, greedy:
from the photo alone ("plain", what the pipeline does), from its left-right mirror alone ("mirror"), and
from both, each token chosen by the mean of the two views' log-probabilities ("both"). Prints, per
attribute the reference caption states, the share of descriptions that state it rightly
(``evaluation.attributes.parse_caption``). "both" decodes two rows per description, so it costs about twice
the decoding time and two feature encodings; it is not the pipeline's default (docs/inference.md). Note that
a mirror swaps left and right, so a head turned to one side is not averaged meaningfully.
"""

from __future__ import annotations

import argparse


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap, num_samples=256)
    args = ap.parse_args()

    from PIL import ImageOps

    from unif2ace.evaluation.attributes import parse_caption
    from unif2ace.evaluation.tasks import open_split
    from unif2ace.evaluation.understanding import caption_reference
    from unif2ace.generation.text import TextGenerationConfig, generate_text
    from unif2ace.pipeline.pipeline import _CAPTION_TOKENS, CAPTION_QUESTION
    from unif2ace.progress import bar

    pipe, records, images = open_split(args)
    config = TextGenerationConfig(max_new_tokens=_CAPTION_TOKENS)

    def mean_of_pairs(step, logits):  # rows 2k and 2k+1 are one photo's two views: both get the mean
        logp = logits.float().log_softmax(-1)
        return logp.view(-1, 2, logp.shape[-1]).mean(1).repeat_interleave(2, 0)

    def describe(crops, processor=None):
        batch = pipe.prompter.mmu(pipe.encode_images(crops), [[(CAPTION_QUESTION, None)]] * len(crops), left_pad=True)
        tokens = generate_text(pipe.model, batch, config, features=pipe.understanding_features(crops),
                               logits_processor=processor)
        return [pipe.text_tokenizer.decode(t).strip() for t in tokens]

    said = {"plain": [], "mirror": [], "both": []}
    progress = bar(len(images), "describing", unit="img")
    for s in range(0, len(images), args.batch_size):
        crops = pipe.prepare(images[s:s + args.batch_size], align=False)
        mirrors = [ImageOps.mirror(c) for c in crops]
        said["plain"] += describe(crops)
        said["mirror"] += describe(mirrors)
        said["both"] += describe([v for pair in zip(crops, mirrors) for v in pair], mean_of_pairs)[::2]
        progress.update(len(crops))
    progress.close()

    refs = [caption_reference(r) for r in records]
    attrs = [a for a in ("gender", "age_group", "ethnicity", "emotion", "smile", "eyes") if any(a in r for r in refs)]
    print(f"{args.split}, {len(records)} photos: descriptions stating the reference's value")
    print(f"{'attribute':12s} {'n':>4s} " + " ".join(f"{k:>7s}" for k in said))
    for a in attrs:
        rows = [i for i, r in enumerate(refs) if a in r]
        cells = [sum(parse_caption(said[k][i]).get(a) == refs[i][a] for i in rows) / len(rows) for k in said]
        print(f"{a:12s} {len(rows):4d} " + " ".join(f"{c:7.1%}" for c in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

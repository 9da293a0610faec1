"""Choose grounded yes/no answers' age margin: decode once, re-judge at several margins.

    python scripts/yes_no_margins.py --model unif2ace/assets/models/default --split val --margins 5 8 10 12

The yes/no questions of the understanding evaluation's paraphrase split (both premises, training and
held-out wordings) are answered once without grounding, each photo is described once and asked
:data:`unif2ace.generation.constraints.SECOND_WORDING`'s gender question once, and then
:func:`~unif2ace.generation.constraints.grounded_yes_no` re-judges every answer at each margin: the
pipeline's answers at that margin, without decoding again. Prints accuracy on true and false premises per
attribute and overall (column "off": no grounding; "M-flat": margin M for every described age, without the
shrink to half the described age that young faces get), and the share of answers whose "not …" misnames what
was asked before :func:`~unif2ace.generation.constraints.mended_yes_no` mends them. Choose on val; run test once, with the pipeline
(``unif2ace eval understanding``).
"""

from __future__ import annotations

import argparse
from collections import defaultdict


def decode_yes_no(args: argparse.Namespace) -> tuple:
    """(pipe, images, items, plain answers, descriptions, second wordings) of a split's paraphrase yes/no
    questions (``add_split_arguments``' options), each decoded once without grounding."""
    from unif2ace.evaluation.models import ask_images, caption_images
    from unif2ace.evaluation.tasks import open_split
    from unif2ace.evaluation.understanding import paraphrase_items
    from unif2ace.generation.constraints import SECOND_WORDING

    pipe, records, images = open_split(args)
    items = [(i, q) for i, q in paraphrase_items(records, args.seed) if q.kind == "yes/no"]
    plain = ask_images(pipe, [images[i] for i, _ in items], [q.question for _, q in items], args.batch_size,
                       desc="yes/no answers", grounded_answers=False)
    captions = caption_images(pipe, images, args.batch_size, desc="descriptions")
    second = ask_images(pipe, images, [SECOND_WORDING["gender"]] * len(images), args.batch_size,
                        desc="second wording", grounded_answers=False, max_new_tokens=24)
    return pipe, images, items, plain, captions, second


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap, batch_size=16)
    ap.add_argument("--margins", type=float, nargs="+", default=[0, 5, 8, 10, 12, 15])
    args = ap.parse_args()

    from unif2ace.evaluation.understanding import _first_word
    from unif2ace.generation.constraints import grounded_yes_no, mended_yes_no

    pipe, images, items, plain, captions, second = decode_yes_no(args)
    columns = ["off", *args.margins, *[f"{m:g}-flat" for m in args.margins]]  # "-flat": no shrink for the young
    right: dict[tuple, list[bool]] = defaultdict(list)
    for (i, q), answer in zip(items, plain):
        want = "yes" if q.premise else "no"
        for m in columns:
            flat = isinstance(m, str) and m.endswith("-flat")
            margin = float(m[:-5]) if flat else m
            final = answer if m == "off" else (grounded_yes_no(q.question, answer, captions[i], second[i], margin,
                                                               young_margin=not flat) or answer)
            ok = _first_word(final) == want  # scored as the evaluation scores it
            premise = "true" if q.premise else "false"
            right[(f"{q.attribute}, {premise}", m)].append(ok)
            right[(f"all, {premise}", m)].append(ok)
            right[("misnamed \"not …\"", m)].append(mended_yes_no(q.question, final) is not None)
    rows = sorted({k for k, _ in right}, key=lambda k: (k.startswith("misnamed"), k.startswith("all"), k))
    print(f"{'margin (years)':24s}" + "".join(f"{str(m):>8s}" for m in columns) + "       n")
    for k in rows:
        n = len(right[(k, 'off')])
        print(f"{k:24s}" + "".join(f"{100 * sum(right[(k, m)]) / n:8.1f}" for m in columns) + f"{n:8d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

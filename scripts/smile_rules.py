"""Would a smile read off the description help smile yes/no answers? Two rules, judged without decoding again.

    python scripts/smile_rules.py --model unif2ace/assets/models/default --data runs/data/utkface --split val \
        --num-samples 128 --threads 2

When the model's description states no smile, the pipeline leaves a smile yes/no question to the model's own
Yes/No, and wordings disagree ("Is he smiling?" → "Yes", "Any smile?" → "No" of one man described as happy).
The yes/no questions of the understanding evaluation's paraphrase split are answered once without grounding,
each photo is described once, and every answer is then grounded (:func:`~unif2ace.generation.constraints.grounded_yes_no`)
three ways: as now; with a described happy expression read as a smile ("happy=smile"); and with the model's
answer to the training wording "Is the person smiling?" standing in for the smile the description leaves out
("asked"). Prints accuracy on true and false premises per attribute and overall. Choose on val.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

SMILE_WORDING = "Is the person smiling?"


def main() -> int:
    from unif2ace.evaluation.tasks import add_split_arguments

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap, batch_size=16)
    args = ap.parse_args()

    from yes_no_margins import decode_yes_no  # this folder's: the same decoding

    import unif2ace.generation.constraints as constraints
    from unif2ace.evaluation.attributes import parse_attribute, polarity
    from unif2ace.evaluation.models import ask_images
    from unif2ace.evaluation.understanding import _first_word

    pipe, images, items, plain, captions, second = decode_yes_no(args)
    smiles = ask_images(pipe, images, [SMILE_WORDING] * len(images), args.batch_size, desc="smile wording",
                        grounded_answers=False, max_new_tokens=24)
    said = {}
    for caption, answer in zip(captions, smiles):
        words = answer.strip().split()
        said[caption] = {"yes": True, "no": False}.get(polarity(words[0]) if words else None)

    now = constraints._described

    def happy_smiles(caption, names=constraints.ASKED_ATTRIBUTES):
        out = now(caption, names)
        if "smile" in names and "smile" not in out and parse_attribute(caption, "emotion") == "happy":
            out["smile"] = True
        return out

    def asked(caption, names=constraints.ASKED_ATTRIBUTES):
        out = now(caption, names)
        if "smile" in names and "smile" not in out and said.get(caption) is not None:
            out["smile"] = said[caption]
        return out

    rules = {"now": now, "happy=smile": happy_smiles, "asked": asked}
    right: dict[tuple, list[bool]] = defaultdict(list)
    try:
        for name, rule in rules.items():
            constraints._described = rule
            for (i, q), answer in zip(items, plain):
                final = constraints.grounded_yes_no(q.question, answer, captions[i], second[i]) or answer
                ok = _first_word(final) == ("yes" if q.premise else "no")  # scored as the evaluation scores it
                premise = "true" if q.premise else "false"
                right[(f"{q.attribute}, {premise}", name)].append(ok)
                right[(f"all, {premise}", name)].append(ok)
    finally:
        constraints._described = now
    unstated = sum(parse_attribute(c, "smile") is None and parse_attribute(c, "emotion") == "happy" for c in captions)
    print(f"descriptions happy with no smile stated: {unstated} of {len(captions)}; "
          f"'{SMILE_WORDING}' answered yes {sum(v is True for v in said.values())}, no {sum(v is False for v in said.values())}")
    print(f"{'':24s}" + "".join(f"{r:>12s}" for r in rules) + "       n")
    for k in sorted({k for k, _ in right}, key=lambda k: (k.startswith("all"), k)):
        n = len(right[(k, "now")])
        print(f"{k:24s}" + "".join(f"{100 * sum(right[(k, r)]) / n:12.1f}" for r in rules) + f"{n:8d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

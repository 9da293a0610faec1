"""Ask a model questions in wordings that no training template writes, on photos of one split.

    python scripts/own_wordings.py --model unif2ace/assets/models/default --out runs/own/NAME

The open questions are :data:`unif2ace.data.questions.OWN_WORDINGS` (kept out of training like the
held-out templates: neither composed nor retyped into them); the yes/no ones check polarity on both
premises. :data:`unif2ace.data.questions.OWN_OTHER_FORMS` (kept out too) asks in forms no template takes
("Any chance this is a woman?", "He or she?"), totalled apart as "other forms: …". The photos are the
data set's aligned chips, read without alignment as the evaluation reads them. Prints one line per
wording (accuracy, and the first two answers) and writes report.json.

``--questions FILE`` asks a set of its own instead: one question per line, ``question<TAB>attribute`` for an
open question, ``question<TAB>attribute<TAB>value`` for a yes/no one whose premise is true for that value
(``true``/``false`` for the smile); ``#`` starts a comment. ``scripts/wordings_unseen.tsv`` holds wordings
written on 3 December 2026 and used for nothing but measuring.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

# (question, attribute, the value that makes the premise true)
YES_NO = (("Is this a man?", "gender", "male"), ("Is this a woman?", "gender", "female"),
          ("Is the person smiling?", "smile", True), ("Is this a child?", "age_group", "child"),
          ("Is this a senior?", "age_group", "senior"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", default="runs/data/utkface")
    ap.add_argument("--split", default="val")
    ap.add_argument("--num-samples", type=int, default=48)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=None, help="CPU threads (default: the cores others leave free)")
    ap.add_argument("--yes-no-choice", choices=("first", "answer", "answer-per-token"), default=None,
                    help="how a yes/no answer's Yes or No is chosen (default: the pipeline's)")
    ap.add_argument("--consistent-yes-no", action=argparse.BooleanOptionalAction, default=None,
                    help="an answer whose Yes or No contradicts its own words loses to the other (default: the "
                         "pipeline's)")
    ap.add_argument("--grounded-answers", action=argparse.BooleanOptionalAction, default=None,
                    help="answers about gender, age or smile agree with the model's own description of the photo "
                         "(default: the pipeline's)")
    ap.add_argument("--no-tidy", action="store_true",
                    help="skip the pipeline's tidying of questions (outer spaces stripped, runs of spaces collapsed)")
    ap.add_argument("--questions", default=None, help="a TSV of questions to ask instead of the built-in sets "
                    "(question, attribute[, value that makes a yes/no premise true])")
    ap.add_argument("--lower", action="store_true",
                    help="type every question in lower case without its question mark, as people often do")
    args = ap.parse_args()

    from unif2ace.commands.inference_common import set_threads

    set_threads(args.threads)

    from tqdm import tqdm

    from unif2ace.data.questions import OWN_OTHER_FORMS, OWN_WORDINGS
    from unif2ace.evaluation.attributes import parse_attribute
    from unif2ace.evaluation.tasks import load_images, load_records
    from unif2ace.evaluation.understanding import _first_word, record_labels
    from unif2ace.pipeline import UniF2ace

    if args.no_tidy:  # measure what the pipeline's tidying of questions is worth
        import unif2ace.pipeline.pipeline as pipeline_module

        pipeline_module.tidy_question = lambda question: question
    pipe = UniF2ace.from_pretrained(args.model)
    store, recs = load_records(args.data, args.split, args.num_samples, args.seed)
    images = load_images(store, recs)
    labels = [record_labels(r) for r in recs]
    rows, totals = [], defaultdict(list)
    jobs = [(q, a, None, "") for a, qs in OWN_WORDINGS.items() for q in qs] + [(*j, "") for j in YES_NO]
    jobs += [(*j, "other forms: ") for j in OWN_OTHER_FORMS]
    if args.questions:
        jobs = [(*_question_line(line, k), "") for k, line in enumerate(Path(args.questions).read_text().splitlines(), 1)
                if line.strip() and not line.lstrip().startswith("#")]
    ask_kw = {k: v for k, v in (("constrain_yes_no", args.yes_no_choice), ("consistent_yes_no", args.consistent_yes_no),
                                ("grounded_answers", args.grounded_answers)) if v is not None}
    if args.lower:
        jobs = [(q.lower().rstrip("?"), a, v, total) for q, a, v, total in jobs]
    for q, attr, value, total in tqdm(jobs, desc="wordings", unit="q"):
        answers = pipe.ask(images, q, align=False, **ask_kw)  # aligned chips, as the evaluation reads them
        if value is None:
            ok = [parse_attribute(ans, attr, loose=True) == lab[attr] for ans, lab in zip(answers, labels)]
            totals[total + attr].extend(ok)
        else:
            ok = [_first_word(ans) == ("yes" if lab.get(attr) == value else "no")
                  for ans, lab in zip(answers, labels) if lab.get(attr) is not None]
            for good, lab in zip(ok, [lb for lb in labels if lb.get(attr) is not None]):
                totals[total + "yes/no " + ("true premise" if lab[attr] == value else "false premise")].append(good)
        rows.append({"question": q, "attribute": attr, "accuracy": sum(ok) / max(len(ok), 1), "n": len(ok),
                     "examples": answers[:2]})
        print(f"{attr:9s} {rows[-1]['accuracy']:5.0%}  {q!r:42s} e.g. {answers[0]!r} | {answers[1]!r}", flush=True)
    summary = {k: {"accuracy": sum(v) / len(v), "n": len(v)} for k, v in totals.items()}
    for k, v in summary.items():
        print(f"{k:37s} {v['accuracy']:5.1%}  (n = {v['n']})")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report = {"model": args.model, "split": args.split, "n_images": len(recs), "seed": args.seed,
              "yes_no_choice": args.yes_no_choice,
              "consistent_yes_no": args.consistent_yes_no, "grounded_answers": args.grounded_answers, "tidy": not args.no_tidy, "lower": args.lower,
              "summary": summary, "rows": rows}
    (out / "report.json").write_text(json.dumps(report, indent=2))
    return 0


def _question_line(line: str, number: int) -> tuple[str, str, object]:
    """(question, attribute, value or None) from one TSV line of ``--questions``."""
    from unif2ace.data.questions import ASKED_ATTRIBUTES

    parts = [p.strip() for p in line.split("\t")]
    if len(parts) not in (2, 3) or not parts[0] or parts[1] not in ASKED_ATTRIBUTES:
        raise SystemExit(f"--questions line {number}: expected 'question<TAB>attribute[<TAB>value]' with an attribute "
                         f"of {', '.join(ASKED_ATTRIBUTES)}, got {line!r}")
    value = None if len(parts) == 2 else {"true": True, "false": False}.get(parts[2].lower(), parts[2])
    return parts[0], parts[1], value


if __name__ == "__main__":
    raise SystemExit(main())

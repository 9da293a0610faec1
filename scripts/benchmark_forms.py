"""Ask a model questions in the forms vision-language benchmarks use, on photos of one split, and score them.

    python scripts/benchmark_forms.py --model unif2ace/assets/models/default --data runs/data/utkface \\
        --split val --num-samples 64 --out runs/forms/NAME

Forms (each a prompt template of a public benchmark or training set, written before any answer was read):
  mmbench   "Question: …\\nOptions:\\nA. …\\nB. …\\nAnswer with the option's letter from the given choices
            directly." for gender, age group and ethnicity, the options shuffled per photo; right when the reply
            is the letter alone (its form) and the letter is the labelled value's (its accuracy);
  short     LLaVA's VQA prompt, "…\\nAnswer the question using a single word or phrase.", for gender and age
            group; form: at most three words; accuracy: the value the reply names;
  mme       MME's "… Please answer yes or no.": "Is the person in the image a man?" and "… a woman?" (one true
            and one false premise per photo) and "Is there a {cat, dog, car} in the image?" (false); form: the reply
            starts with Yes or No; accuracy: that word.
Prints one line per form and attribute and writes report.json with every answer. Run it from another checkout
(``PYTHONPATH=OTHER``) to measure the code before a change on the same photos and prompts.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from pathlib import Path

OPTIONS = {"gender": {"male": "Male", "female": "Female"},
           "age_group": {"child": "child", "teen": "teenager", "young adult": "young adult",
                         "middle-aged": "middle-aged", "senior": "senior"},
           "ethnicity": {"White": "White", "Black": "Black", "Asian": "Asian", "Indian": "Indian"}}
STEMS = {"gender": "What is the gender of the person in the image?",
         "age_group": "Which age group does the person in the image belong to?",
         "ethnicity": "What is the ethnicity of the person in the image?"}
MMBENCH = "Question: {stem}\nOptions:\n{options}\nAnswer with the option's letter from the given choices directly."
SHORT = "{stem}\nAnswer the question using a single word or phrase."
MME = "{question} Please answer yes or no."


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", default="runs/data/utkface")
    ap.add_argument("--split", default="val", choices=("train", "val", "test"))
    ap.add_argument("--num-samples", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None, help="CPU threads (default: the cores others leave free)")
    ap.add_argument("--forms", nargs="+", choices=("mmbench", "short", "mme"), default=["mmbench", "short", "mme"],
                    help="the forms to ask (default: all)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    from unif2ace.commands.inference_common import set_threads

    set_threads(args.threads)

    from tqdm import tqdm

    from unif2ace.evaluation.attributes import parse_attribute
    from unif2ace.evaluation.tasks import load_images, load_records
    from unif2ace.evaluation.understanding import record_labels
    from unif2ace.pipeline import UniF2ace

    pipe = UniF2ace.from_pretrained(args.model)
    store, recs = load_records(args.data, args.split, args.num_samples, args.seed)
    images = load_images(store, recs)
    labels = [record_labels(r) for r in recs]
    rng = random.Random(args.seed)
    jobs = []  # (form, attribute, photo index, question, scorer(answer) -> (form ok, right))
    for i, lab in enumerate(labels):
        for attr, names in OPTIONS.items():
            if lab.get(attr) not in names:
                continue
            texts = list(names.values())
            rng.shuffle(texts)
            letters = "ABCDEFGH"[:len(texts)]
            want = letters[texts.index(names[lab[attr]])]
            options = "\n".join(f"{k}. {t}" for k, t in zip(letters, texts))
            jobs.append(("mmbench", attr, i, MMBENCH.format(stem=STEMS[attr], options=options),
                         lambda a, want=want: (bool(re.fullmatch(r"\(?[A-H]\)?\.?", a.strip())),
                                               a.strip().strip("().") == want)))
            if attr != "ethnicity":
                jobs.append(("short", attr, i, SHORT.format(stem=STEMS[attr]),
                             lambda a, attr=attr, v=lab[attr]: (len(a.split()) <= 3,
                                                                parse_attribute(a, attr, loose=True) == v)))
        if lab.get("gender") in ("male", "female"):
            for noun, value in (("man", "male"), ("woman", "female")):
                truth = "yes" if lab["gender"] == value else "no"
                jobs.append(("mme", f"gender ({'true' if truth == 'yes' else 'false'} premise)", i,
                             MME.format(question=f"Is the person in the image a {noun}?"),
                             lambda a, truth=truth: _polar(a, truth)))
        thing = ("cat", "dog", "car")[i % 3]
        jobs.append(("mme", "another subject", i, MME.format(question=f"Is there a {thing} in the image?"),
                     lambda a: _polar(a, "no")))
    jobs = [job for job in jobs if job[0] in args.forms]
    by_question = defaultdict(list)
    for k, job in enumerate(jobs):
        by_question[job[3]].append(k)
    answers: dict[int, str] = {}
    for question, ks in tqdm(by_question.items(), desc="prompts", unit="prompt"):
        got = pipe.ask([images[jobs[k][2]] for k in ks], question, align=False)  # aligned chips, as eval reads them
        answers.update(zip(ks, got))
    totals = defaultdict(lambda: [0, 0, 0])
    rows = []
    for k, (form, attr, i, question, score) in enumerate(jobs):
        form_ok, right = score(answers[k])
        t = totals[(form, attr)]
        t[0] += form_ok
        t[1] += right
        t[2] += 1
        rows.append({"form": form, "attribute": attr, "id": recs[i].id, "question": question, "answer": answers[k],
                     "form_ok": form_ok, "right": right})
    summary = {f"{form} {attr}": {"form": f / n, "accuracy": r / n, "n": n} for (form, attr), (f, r, n) in totals.items()}
    for name, v in summary.items():
        print(f"{name:34s} form {v['form']:6.1%}  accuracy {v['accuracy']:6.1%}  (n = {v['n']})")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps({"model": args.model, "split": args.split, "n_images": len(recs),
                                                 "seed": args.seed, "summary": summary, "rows": rows}, indent=2))
    return 0


def _polar(answer: str, truth: str) -> tuple[bool, bool]:
    first = re.match(r"\W*(yes|no)\b", answer.lower())
    return first is not None, first is not None and first[1] == truth


if __name__ == "__main__":
    raise SystemExit(main())

"""Off-topic yes/no questions in wordings of our own (in no data or test file), with the yes/no
consistency judge on and off: how often the model says "no" to "Is there a bicycle in this photo?".
``--person-called``: the person called an animal or a thing ("Is the person in the photo a dog?").

    python scripts/off_topic_wordings.py --model unif2ace/assets/models/default --threads 1 [--person-called]
"""

from __future__ import annotations

import argparse

QUESTIONS = ("Is that a dog?", "is this a picture of a horse", "Is it a car?", "Is this a tree?",
             "Does this show a cat?", "Is this a bowl of fruit?", "Is there a bicycle in this photo?",
             "Can you see a mountain?")
# written on 5 Dec 2026 after "Is the kid in the photo a cat?" got "Yes, she is a child."
PERSON_CALLED = ("Is the person in the photo a dog?", "Is this person a robot?", "Is she or he a cat?",
                 "Is the person shown a horse? Please answer yes or no.", "Is the face a cartoon character?",
                 "Is the individual in the picture a teddy bear?")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", default="runs/data/utkface")
    ap.add_argument("--split", default="val")
    ap.add_argument("--num-samples", type=int, default=8)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--threads", type=int, default=None, help="CPU threads (default: the cores others leave free)")
    ap.add_argument("--person-called", action="store_true", help="ask PERSON_CALLED instead")
    args = ap.parse_args()

    from unif2ace.commands.inference_common import set_threads

    set_threads(args.threads)

    from unif2ace.evaluation.tasks import load_images, load_records
    from unif2ace.pipeline import UniF2ace

    pipe = UniF2ace.from_pretrained(args.model)
    store, recs = load_records(args.data, args.split, args.num_samples, args.seed)
    images = load_images(store, recs)
    said_no = {True: 0, False: 0}
    questions = PERSON_CALLED if args.person_called else QUESTIONS
    for q in questions:
        counts = {}
        for judge in (True, False):
            answers = pipe.ask(images, q, consistent_yes_no=judge)
            counts[judge] = sum(a.startswith("No") for a in answers)
            said_no[judge] += counts[judge]
        print(f"{q!r:36} no: judge on {counts[True]}/{len(images)}, off {counts[False]}/{len(images)}  "
              f"e.g. {answers[0]!r}", flush=True)
    n = len(questions) * len(images)
    print(f"answered no: judge on {said_no[True]}/{n} = {said_no[True] / n:.1%}, off {said_no[False]}/{n} = "
          f"{said_no[False] / n:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

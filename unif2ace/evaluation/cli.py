"""``unif2ace eval generation|understanding`` — every quality claim from one command.

Each writes ``OUT/report.json`` (all numbers), ``OUT/report.md`` (headline first, with its reference
points) and PNG figures.
"""

from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path

from unif2ace.config import GUIDANCE_SCHEDULES


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", required=True,
                   help="model folder, 'package.module:factory', 'reference' (the held-out data itself: the ceiling), or "
                        "'reconstructed:TOKENIZER' (generation: the held-out photos encoded and decoded by that image "
                        "tokenizer or a model folder's, the ceiling the tokenizer sets)")
    p.add_argument("--data", required=True, help="dataset folder (unif2ace data build)")
    p.add_argument("--out", required=True, help="folder for report.json, report.md and figures")
    p.add_argument("--split", default="test", choices=("train", "val", "test"))
    p.add_argument("--num-samples", type=int, default=100,
                   help="faces generated / images understood (default 100: a few minutes on a CPU)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--device", default="cpu", help="device for the model and the FID Inception")
    p.add_argument("--dtype", default="float32", choices=("auto", "float32", "bfloat16", "float16"),
                   help="weights of a model folder (default float32, as every published number was measured; "
                        "auto: bf16 where the device computes it natively)")
    p.add_argument("--judge-url", default=None, help="OpenAI-compatible base URL of a judge (key: UNIF2ACE_JUDGE_API_KEY)")
    p.add_argument("--judge-model", default=None, help="judge model name (e.g. gpt-4o)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    from unif2ace.commands.inference_common import THREADS_HELP

    p.add_argument("--threads", type=int, default=None, help=THREADS_HELP)


def register(subparsers) -> None:
    p = subparsers.add_parser("eval", help="evaluate a model: generation (FID, KID, attributes) or understanding (VQA, captions)")
    sub = p.add_subparsers(dest="eval_verb", metavar="SUBVERB", required=True)

    g = sub.add_parser("generation", help="FID/KID with their real-vs-real floor, attribute agreement, identity, diversity")
    _common(g)
    g.add_argument("--prompts", default="both", choices=("caption", "attributes", "both"))
    g.add_argument("--steps", type=int, default=None, help="sampling steps (default: the model's)")
    g.add_argument("--guidance-scale", type=float, default=None, help="classifier-free guidance (default: the model's)")
    g.add_argument("--temperature", type=float, default=None, help="MaskGIT noise temperature (default: the model's)")
    g.add_argument("--guidance-schedule", choices=GUIDANCE_SCHEDULES, default=None,
                   help="how the CFG weight varies over the steps (default: the model's)")
    g.add_argument("--candidates", type=int, default=None,
                   help="faces drawn per judged face, the best kept by the model's own reading (default: the model's)")
    g.add_argument("--face-retries", type=int, default=None,
                   help="redraw a face up to N times while dlib's CNN detector (not a judge) finds no single face "
                        "in it (default: the model's)")
    g.add_argument("--gender-contrast", type=float, default=None,
                   help="guidance against each prompt with its gender words swapped (default: the model's)")
    g.add_argument("--age-contrast", type=float, default=None,
                   help="guidance against each prompt with its age moved toward the middle of life (default: the model's)")
    g.add_argument("--top-k", type=int, default=None, help="draw each code from the k most likely (0: all; default: the model's)")
    g.add_argument("--top-p", type=float, default=None,
                   help="draw each code from the nucleus of this probability (1: all; default: the model's)")
    g.add_argument("--code-temperature", type=float, default=None,
                   help="draw each code from softmax(logits / this) (default: the model's)")
    g.add_argument("--greyscale-from-colour", action=argparse.BooleanOptionalAction, default=None,
                   help="draw a black-and-white prompt's face in colour, then desaturate it (default: the model's)")
    g.add_argument("--training-words", action=argparse.BooleanOptionalAction, default=None,
                   help="draw a prompt in words no training prompt uses from its training-word version "
                        "(default: the model's)")
    g.add_argument("--diversity-prompts", type=int, default=20,
                   help="contact-sheet prompts (fixed, every gender × age group, four races, black and white; at most "
                        "20) generated several times for contact_sheet.png and seed diversity (0: skip)")
    g.add_argument("--images-per-diversity-prompt", type=int, default=4, help="seeds per contact-sheet prompt")
    g.add_argument("--compare", default=None, metavar="REPORT",
                   help="another eval generation report.json (e.g. the current default's, same split, n and seed): "
                        "apply the selection rule (docs/evaluation.md) to this run against it")
    g.add_argument("--identity-samples", type=int, default=16, help="identity-conditioned samples (0: skip)")
    g.add_argument("--vqascore-model", default=None, help="local Hugging Face image-text-to-text folder for VQAScore")
    g.add_argument("--save-images", action="store_true",
                   help="also write every generated face to OUT/images/NNN.png (items.jsonl is always written)")
    g.set_defaults(func=_generation)

    c = sub.add_parser("compare", help="apply the selection rule to two finished eval generation runs")
    c.add_argument("candidate", help="the candidate's eval generation folder (or its report.json)")
    c.add_argument("current", help="the current default's run: same split, n and seed")
    c.add_argument("--seed", type=int, default=0, help="seed of the paired bootstrap intervals (default: 0)")
    c.add_argument("--json", default=None, metavar="FILE", help="also write the comparison to this JSON file")
    c.set_defaults(func=_compare)

    u = sub.add_parser("understanding", help="VQA accuracy, caption attribute precision/recall, BLEU/ROUGE-L, Desc/Conv judge")
    _common(u)
    u.add_argument("--max-questions", type=int, default=0, help="questions per image (0: all)")
    u.add_argument("--judge-samples", type=int, default=50, help="images whose description/conversation the judge scores")
    u.add_argument("--paraphrase", action=argparse.BooleanOptionalAction, default=True,
                   help="also ask each photo training and held-out wordings, yes/no with true and false premises, "
                        "off-topic and 'I can't tell' questions (the paraphrase split; default on)")
    u.add_argument("--constrain-yes-no", action=argparse.BooleanOptionalAction, default=None,
                   help="start each yes/no answer with the model's Yes or No token (default: the pipeline's)")
    u.add_argument("--yes-no-choice", choices=("first", "answer", "answer-per-token"), default=None,
                   help="with the constraint: Yes or No by the first token's score, or by the whole answer's "
                        "likelihood summed ('answer') or per token ('answer-per-token'), both answers decoded "
                        "(default: the pipeline's)")
    u.add_argument("--consistent-yes-no", action=argparse.BooleanOptionalAction, default=None,
                   help="with 'answer' choices: an answer whose Yes or No contradicts its own words loses to the "
                        "other (default: the pipeline's)")
    u.add_argument("--grounded-answers", action=argparse.BooleanOptionalAction, default=None,
                   help="answers to open questions about gender, age or smile, in any wording, agree with the "
                        "model's own description of the photo (default: the pipeline's)")
    u.add_argument("--mirror-views", action=argparse.BooleanOptionalAction, default=None,
                   help="read each photo together with its mirror image: every token of a greedy answer by the "
                        "mean of the two views' log-probabilities (default: the model's)")
    u.set_defaults(func=_understanding)
    _NEGATABLE.update(a.dest for q in (g, u) for a in q._actions if isinstance(a, argparse.BooleanOptionalAction))


def _setup(args) -> tuple:
    from unif2ace.progress import loading

    with loading(args.model):
        import torch

        from unif2ace.commands.inference_common import set_threads
        from unif2ace.evaluation.judges import Judge
        from unif2ace.evaluation.models import load_model

        set_threads(args.threads)
        torch.manual_seed(args.seed)
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        pipe = load_model(args.model, args.data, args.device, args.dtype)
    judge = Judge.from_args(args.judge_url, args.judge_model, cache_dir=out / "judge_cache")
    meta = {"model": args.model, "data": args.data, "dtype": args.dtype,
            "command": f"unif2ace eval {args.eval_verb} " + " ".join(f"{k} {v}".strip() for k, v in _flags(args))}
    return out, pipe, judge, meta


def _stamp(rep: dict, meta: dict) -> None:
    """What was evaluated and how, into the report (the dtype among its settings)."""
    rep["model"], rep["data"], rep["command"] = meta["model"], meta["data"], meta["command"]
    rep["settings"]["dtype"] = meta["dtype"]


def _flags(args) -> list[tuple[str, str]]:
    """(option, value) pairs that rerun this command; flags come with an empty value (True: ``--name``;
    False: ``--no-name`` for a --name/--no-name pair, else left out, as argparse reads them)."""
    skip = {"func", "eval_verb", "verb", "quiet", "log_quiet", "log_verbose"}
    out = []
    for k, v in vars(args).items():
        if k in skip or v is None:
            continue
        name = k.replace("_", "-")
        if isinstance(v, bool):
            if v or k in _NEGATABLE:
                out.append((f"--{name}" if v else f"--no-{name}", ""))
            continue
        out.append((f"--{name}", shlex.quote(str(v))))
    return out


_NEGATABLE: set[str] = set()  # dests of --name/--no-name options (BooleanOptionalAction)


def _generation(args: argparse.Namespace) -> int:
    from unif2ace.evaluation import report as R
    from unif2ace.evaluation.generation import (
        TARGETS,
        GenerationSettings,
        check_sampling,
        evaluate_generation,
    )

    other = None
    if args.compare:  # read first: a bad file should not cost a whole run
        other = _finished_run(args.compare, "--compare")
    check_sampling(vars(args))  # a bad option fails now, not after loading the model and the data
    out, pipe, judge, meta = _setup(args)
    s = GenerationSettings(split=args.split, num_samples=args.num_samples, prompts=args.prompts, batch_size=args.batch_size,
                           steps=args.steps, guidance_scale=args.guidance_scale, temperature=args.temperature,
                           guidance_schedule=args.guidance_schedule, candidates=args.candidates,
                           face_retries=args.face_retries,
                           gender_contrast=args.gender_contrast, age_contrast=args.age_contrast, top_k=args.top_k,
                           top_p=args.top_p, code_temperature=args.code_temperature,
                           greyscale_from_colour=args.greyscale_from_colour, training_words=args.training_words,
                           seed=args.seed,
                           diversity_prompts=args.diversity_prompts,
                           images_per_diversity_prompt=args.images_per_diversity_prompt,
                           identity_samples=args.identity_samples, device=args.device)
    vqascore = None
    if args.vqascore_model:
        from unif2ace.evaluation.judges import HFVQAScore

        vqascore = HFVQAScore(args.vqascore_model, device=args.device)
    rep, art = evaluate_generation(pipe, args.data, s, vqascore=vqascore, judge=judge, progress=not args.quiet)
    _stamp(rep, meta)
    R.image_grid(art["images"], art["prompts"], out / "grid.png")
    R.image_grid(art["real"], art["prompts"], out / "grid_real.png")
    attrs = list(rep["attributes"])
    R.bar_chart(attrs, {"generated": [rep["attributes"][a]["agreement"] for a in attrs],
                        "ceiling: real photos": [rep["attributes"][a]["ceiling_real_photos"] for a in attrs]},
                out / "attributes.png", "Attribute agreement (independent labellers)", "agreement",
                targets={"gender": TARGETS["gender_agreement"], "age_group": TARGETS["age_group_agreement"]})
    R.write_items(art["items"], out)
    if art["sheet_images"]:
        from unif2ace.evaluation.contact_sheet import render

        render(art["sheet_images"], art["sheet_prompts"], art["sheet_per_prompt"], out / "contact_sheet.png")
    R.write_fid_features(art["fid_features"], out)
    if other is not None:
        rep["comparison"] = _comparison({"rule": rep["rule"], "fid_features": art["fid_features"]}, other,
                                        args.compare, seed=args.seed)
    if args.save_images:
        R.save_images(art["all_images"], out / "images")
    R.write_json(rep, out)
    (out / "report.md").write_text(R.generation_markdown(rep, meta))
    print(json.dumps(R._clean(rep["headline"]), indent=2))
    if "comparison" in rep:
        _print_comparison(rep["comparison"])
    return 0


def _finished_run(path: str, what: str) -> dict:
    """A finished ``eval generation`` run, from its folder or its report.json: the ``rule`` section (with
    per-image tie-break flags, rebuilt from items.jsonl for runs that predate them) and the FID features
    it left beside it (None for runs before 1 Dec 2026). A file that is not such a report exits with one line."""
    from unif2ace.evaluation import report as R

    report = Path(path)
    if report.is_dir():
        report = report / "report.json"
    try:
        rule = json.loads(report.read_text())["rule"]
        if not isinstance(rule, dict):
            raise TypeError("'rule' is not an object")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SystemExit(f"{what} {path}: not a readable eval generation report.json with a 'rule' section "
                         f"({type(exc).__name__}: {exc}); rerun eval generation for it") from None
    if not rule.get("items"):  # a run from before the per-image flags
        rule["items"] = R.read_tiebreak_items(report.parent)
    return {"path": str(report), "rule": rule, "fid_features": R.read_fid_features(report.parent)}


def _comparison(candidate: dict, current: dict, against: str, seed: int = 0) -> dict:
    """The selection rule (docs/evaluation.md) on a candidate run against the current default's, with the
    paired bootstrap intervals of the FID difference and of the tie-break rates. Each run: ``rule`` and
    ``fid_features`` (:func:`_finished_run`)."""
    from unif2ace.evaluation.realism import apply_rule, fid_difference, tiebreak_difference

    return {"against": against, **apply_rule(candidate["rule"], current["rule"]),
            "fid_difference": fid_difference(candidate["fid_features"], current["fid_features"], seed=seed),
            "tiebreak_difference": tiebreak_difference(candidate["rule"], current["rule"], seed=seed)}


def _print_comparison(comparison: dict) -> None:
    from unif2ace.evaluation import report as R

    print(f"selection rule against {comparison['against']}: {comparison['verdict']} ({comparison['why']})")
    print(R.fid_difference_line(comparison["fid_difference"]))
    print(R.tiebreak_difference_line(comparison["tiebreak_difference"]))


def _compare(args: argparse.Namespace) -> int:
    """``unif2ace eval compare CANDIDATE CURRENT``: the selection rule on two finished runs, e.g. candidates
    evaluated side by side; with ``--json`` the comparison is also written (atomically) to that file."""
    candidate = _finished_run(args.candidate, "candidate")
    current = _finished_run(args.current, "current")
    comparison = _comparison(candidate, current, current["path"], seed=args.seed)
    comparison["candidate"] = candidate["path"]
    rows = [("", "candidate", "current")]
    for key in ("face_rate_dlib", "face_rate_mtcnn", "fid", "fid_floor", "gender_agreement_nonface_wrong",
                "age_group_agreement_nonface_wrong", "gender_agreement_found", "age_group_agreement_found"):
        rows.append((key, *(_fmt(run["rule"].get(key)) for run in (candidate, current))))
    width = max(len(r[0]) for r in rows)
    print("\n".join(f"{a:<{width}}  {b:>9}  {c:>9}" for a, b, c in rows))
    _print_comparison(comparison)
    if args.json:
        from unif2ace.io import atomic_write_text

        atomic_write_text(Path(args.json), json.dumps(comparison, indent=2, default=float) + "\n")
    return 0


def _fmt(x) -> str:
    return "—" if x is None else f"{x:.4f}" if isinstance(x, float) else str(x)


def _understanding(args: argparse.Namespace) -> int:
    from unif2ace.evaluation import report as R
    from unif2ace.evaluation.understanding import (
        TARGETS,
        UnderstandingSettings,
        evaluate_understanding,
        paraphrase_markdown,
    )

    out, pipe, judge, meta = _setup(args)
    s = UnderstandingSettings(split=args.split, num_samples=args.num_samples, max_questions=args.max_questions,
                              batch_size=args.batch_size, seed=args.seed, judge_samples=args.judge_samples,
                              paraphrase=args.paraphrase,
                              constrain_yes_no=args.yes_no_choice if args.yes_no_choice and args.constrain_yes_no
                              is not False else args.constrain_yes_no,
                              consistent_yes_no=args.consistent_yes_no, grounded_answers=args.grounded_answers,
                              mirror_views=args.mirror_views)
    rep, art = evaluate_understanding(pipe, args.data, s, judge=judge, progress=not args.quiet)
    _stamp(rep, meta)
    rep["examples"] = {"captions": art["caption_examples"], "qa": art["qa_examples"]}
    # the open questions' accuracy, which the headline's vqa_*_accuracy and their targets are (an attribute's
    # plain entry counts its yes/no questions too: 76.3% against the headline's 72.7% for the age group on test)
    attrs = [k for k in rep["vqa"] if "(" not in k and k not in ("overall", "overall_strict_text")]
    shown = [f"{a} (open)" if f"{a} (open)" in rep["vqa"] else a for a in attrs]
    R.bar_chart(attrs, {"model": [rep["vqa"][a]["accuracy"] for a in shown],
                        "majority answer": [rep["vqa_majority_baseline"].get(a, {}).get("accuracy") for a in shown]},
                out / "vqa.png", "VQA accuracy by attribute, open questions", "accuracy",
                targets={"gender": TARGETS["vqa_gender_accuracy"], "age_group": TARGETS["vqa_age_group_accuracy"]})
    ba = rep["captions"]["attributes"]["by_attribute"]
    R.bar_chart(list(ba), {"precision": [x["precision"] for x in ba.values()], "recall": [x["recall"] for x in ba.values()]},
                out / "captions.png", "Caption attributes parsed back from the text", "rate")
    R.image_grid(art["images"], art["captions"], out / "captions_grid.png", text_lines=9)
    R.write_json(rep, out)
    R.write_items(art["answers"], out, "answers.jsonl")  # every question and its verdict: what the rates are made of
    (out / "report.md").write_text(R.understanding_markdown(rep, meta) + paraphrase_markdown(rep))
    print(json.dumps(R._clean(rep["headline"]), indent=2))
    return 0

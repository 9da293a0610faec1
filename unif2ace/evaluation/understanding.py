"""``unif2ace eval understanding``: VQA accuracy, caption attribute precision/recall, BLEU/ROUGE-L and the
paper's Desc/Conv judge scores, each beside a trivial reference point.

- VQA: every non-describe question of each held-out record is asked of the model. Answers are
  compared through :func:`~unif2ace.evaluation.attributes.answer_key`: the yes/no polarity, the
  attribute value named (for which/what/how-old questions), else the VQA-normalised text.
  Baseline: the majority answer key of the training split for each question.
- Captions: attributes parsed back from the model's caption against the reference attributes the
  reference caption states. Precision counts only claims the reference can check (an attribute
  the reference does not state is "unverifiable" and reported as a rate); recall is over the
  reference's stated attributes. Baseline: a random training caption.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from unif2ace.evaluation.attributes import (
    ATTRIBUTES,
    answer_key,
    is_polar,
    parse_attribute,
    parse_caption,
    question_attribute,
    stated_attributes,
)


@dataclass
class UnderstandingSettings:
    split: str = "test"
    num_samples: int = 100
    max_questions: int = 0  # per image; 0 = all
    batch_size: int = 16
    seed: int = 0
    judge_samples: int = 50
    paraphrase: bool = True  # also ask the training and held-out wordings of data.questions (the paraphrase split)
    constrain_yes_no: bool | str | None = None  # pipe.ask's option (None: the pipeline's default)
    consistent_yes_no: bool | None = None  # pipe.ask's option (None: the pipeline's default)
    grounded_answers: bool | None = None  # pipe.ask's option (None: the pipeline's default)
    mirror_views: bool | None = None  # pipe.mirror_views (None: the pipeline's default)


def qa_items(records: list, max_questions: int = 0) -> list[tuple[int, Any, str | None, str]]:
    """(record index, QA turn, attribute, form) for every non-describe question."""
    out = []
    for i, rec in enumerate(records):
        turns = [t for t in rec.qa if t.kind not in ("describe", "follow-up")]  # a follow-up needs its first turn
        if max_questions:
            turns = turns[:max_questions]
        for t in turns:
            attr = question_attribute(t.question)
            out.append((i, t, attr, "yes/no" if is_polar(t.question) else "open"))
    return out


def _group_key(attr: str | None, form: str) -> str:
    return f"{attr or 'other'} ({form})"


def majority_answers(train_records: list) -> tuple[dict[str, str], dict[str, str]]:
    """Most frequent answer key per exact question and per (attribute, form): the trivial baseline."""
    per_q: dict[str, Counter] = defaultdict(Counter)
    per_group: dict[str, Counter] = defaultdict(Counter)
    for rec in train_records:
        for t in rec.qa:
            if t.kind == "describe":
                continue
            key = answer_key(t.question, t.answer)
            per_q[t.question][key] += 1
            per_group[_group_key(question_attribute(t.question), "yes/no" if is_polar(t.question) else "open")][key] += 1
    return ({q: c.most_common(1)[0][0] for q, c in per_q.items()},
            {g: c.most_common(1)[0][0] for g, c in per_group.items()})


def vqa_verdict(turn, attr: str | None, answer: str) -> int:
    """1 when an answer to a template QA turn names what its reference answer names (:func:`answer_key`)."""
    return int(answer_key(turn.question, answer, attr) == answer_key(turn.question, turn.answer, attr))


def vqa_scores(items: list, answers: list[str]) -> dict[str, Any]:
    """Accuracy overall, per attribute (all forms), per attribute and form; strict = normalised full text."""
    from unif2ace.metrics.text import normalize_answer

    rows: dict[str, list[int]] = defaultdict(list)
    strict = []
    for (_, turn, attr, form), ans in zip(items, answers):
        ok = vqa_verdict(turn, attr, ans)
        rows["overall"].append(ok)
        rows[attr or "other"].append(ok)
        rows[_group_key(attr, form)].append(ok)
        strict.append(int(normalize_answer(ans) == normalize_answer(turn.answer)))
    out = {k: {"n": len(v), "accuracy": sum(v) / len(v)} for k, v in rows.items()}
    out["overall_strict_text"] = {"n": len(strict), "accuracy": sum(strict) / len(strict) if strict else float("nan")}
    return out


def caption_attribute_scores(references: list[dict[str, Any]], captions: list[str]) -> dict[str, Any]:
    """Precision / recall of attributes parsed from ``captions`` against reference attribute dicts."""
    per: dict[str, Counter] = defaultdict(Counter)
    for ref, cap in zip(references, captions):
        got = parse_caption(cap)
        for a in ATTRIBUTES:
            if a in got:
                if a in ref:
                    per[a]["claims_checked"] += 1
                    per[a]["correct"] += int(got[a] == ref[a])
                else:
                    per[a]["claims_unverifiable"] += 1
            if a in ref:
                per[a]["reference"] += 1
                per[a]["recalled"] += int(got.get(a) == ref[a])
    total = sum(per.values(), Counter())

    def summary(c: Counter) -> dict[str, Any]:
        claims = c["claims_checked"] + c["claims_unverifiable"]
        return {"precision": c["correct"] / c["claims_checked"] if c["claims_checked"] else float("nan"),
                "recall": c["recalled"] / c["reference"] if c["reference"] else float("nan"),
                "claims_checked": c["claims_checked"], "reference_attributes": c["reference"],
                "unverifiable_rate": c["claims_unverifiable"] / claims if claims else float("nan")}

    return {"overall": summary(total), "by_attribute": {a: summary(per[a]) for a in ATTRIBUTES if per[a]}}


def caption_reference(record) -> dict[str, Any]:
    """The attributes the record states *and* its reference caption expresses (the data states e.g.
    an upright head in QA but mentions it in only some captions)."""
    stated = stated_attributes(record)
    in_caption = parse_caption(record.caption)
    return {k: v for k, v in stated.items() if k in in_caption}


def evaluate_understanding(pipe, data: str | Path, s: UnderstandingSettings, judge=None,
                           progress: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    import time

    from unif2ace.evaluation.models import ReferenceModel, ask_images, caption_images
    from unif2ace.evaluation.tasks import load_images, load_records
    from unif2ace.metrics.text import bleu, rouge_l

    timings: dict[str, float] = {}
    if s.mirror_views is not None and hasattr(pipe, "mirror_views"):
        pipe.mirror_views = s.mirror_views
    store, recs = load_records(data, s.split, s.num_samples, s.seed)
    images = load_images(store, recs)
    if isinstance(pipe, ReferenceModel):
        pipe.register(recs, images)
    train = list(store.records("train")) if s.split != "train" else recs
    items = qa_items(recs, s.max_questions)

    t0 = time.time()
    captions = caption_images(pipe, images, s.batch_size, desc="captions" if progress else None)
    timings["caption_s"] = round(time.time() - t0, 2)
    t0 = time.time()
    ask_kw = {k: getattr(s, k) for k in ("constrain_yes_no", "consistent_yes_no", "grounded_answers")
              if getattr(s, k) is not None}
    answers = ask_images(pipe, [images[i] for i, *_ in items], [t.question for _, t, *_ in items], s.batch_size,
                         desc="questions" if progress else None, **ask_kw)
    timings["ask_s"] = round(time.time() - t0, 2)

    report: dict[str, Any] = {"kind": "understanding", "settings": asdict(s), "n_images": len(recs),
                              "n_questions": len(items)}
    # --- VQA with the majority baseline
    by_q, by_group = majority_answers(train)
    baseline_answers = []
    for _, t, attr, form in items:
        key = by_q.get(t.question) or by_group.get(_group_key(attr, form)) or ""
        baseline_answers.append(_key_to_answer(key))
    report["vqa"] = vqa_scores(items, answers)
    report["vqa_majority_baseline"] = vqa_scores(items, baseline_answers)
    report["vqa_majority_baseline"]["source"] = "train split" if s.split != "train" else "evaluated split"

    # --- captions: attribute precision/recall, BLEU, ROUGE-L; baseline = a random training caption
    refs = [caption_reference(r) for r in recs]
    rng = random.Random(s.seed)
    pool = [r.caption for r in train if r.caption] or [r.caption for r in recs]
    random_caps = [rng.choice(pool) for _ in recs]
    ref_caps = [r.caption for r in recs]
    report["captions"] = {
        "attributes": caption_attribute_scores(refs, captions),
        "bleu": bleu(captions, ref_caps), "rouge_l": rouge_l(captions, ref_caps),
        "random_train_caption_baseline": {"attributes": caption_attribute_scores(refs, random_caps)["overall"],
                                          "bleu": bleu(random_caps, ref_caps), "rouge_l": rouge_l(random_caps, ref_caps)},
        "parser_check": caption_attribute_scores([stated_attributes(r) for r in recs], ref_caps)["overall"],
        "note": "parser_check: the rule set on the reference captions against all stated attributes "
                "(recall < 1 where the data states an attribute its caption omits, e.g. an upright head)",
    }

    # --- the paper's Desc / Conv scores through a judge endpoint
    if judge is not None:
        from unif2ace.evaluation.judges import prompt_hash

        m = min(s.judge_samples, len(recs))
        t0 = time.time()
        desc = judge.descriptions(ref_caps[:m], captions[:m])
        convs: dict[int, list] = defaultdict(list)
        for (i, t, *_), ans in zip(items, answers):
            if i < m:
                convs[i].append((t.question, t.answer, ans))
        conv = judge.conversations([convs[i] for i in sorted(convs)])
        timings["judge_s"] = round(time.time() - t0, 2)
        report["judge"] = {"model": judge.client.model, "n": m,
                           "desc": {**desc.to_dict(), "prompt": "desc_judge.md", "prompt_sha256": prompt_hash("desc_judge")},
                           "conv": {**conv.to_dict(), "prompt": "conv_judge.md", "prompt_sha256": prompt_hash("conv_judge")}}

    # --- the paraphrase split: training vs held-out wordings, yes/no balance, off-topic, consistency
    p_items: list = []
    p_answers: list[str] = []
    if s.paraphrase:
        t0 = time.time()
        p_items = paraphrase_items(recs, s.seed)
        if isinstance(pipe, ReferenceModel):
            pipe.register_answers([(images[i], q.question, q.answer) for i, q in p_items])
        chunk = 4 * s.batch_size
        bar = None
        if progress:  # the command line's live bar: redrawn every second, so a long chunk does not look hung
            from unif2ace.progress import bar as live_bar

            bar = live_bar(len(p_items), "paraphrase questions", unit="q")
        for c in range(0, len(p_items), chunk):
            part = p_items[c:c + chunk]
            p_answers += ask_images(pipe, [images[i] for i, _ in part], [q.question for _, q in part], s.batch_size,
                                    **ask_kw)
            if bar is not None:
                bar.update(len(part))
        if bar is not None:
            bar.close()
        timings["paraphrase_s"] = round(time.time() - t0, 2)
        report["paraphrase"] = paraphrase_scores(recs, p_items, p_answers, captions)
        report["by_age_band"] = age_band_scores(store, recs, p_items, p_answers)
        report["paraphrase_examples"] = [{"id": recs[i].id, "split": q.split, "kind": q.kind, "question": q.question,
                                          "answer": a, "reference": q.answer}
                                         for (i, q), a in list(zip(p_items, p_answers))[:40]]

    report["headline"] = _headline(report)
    report["timings"] = timings
    examples = [{"id": r.id, "caption": c, "reference": r.caption} for r, c in zip(recs[:8], captions[:8])]
    qa_examples = [{"id": recs[i].id, "question": t.question, "answer": a, "reference": t.answer}
                   for (i, t, *_), a in list(zip(items, answers))[:12]]
    return report, {"caption_examples": examples, "qa_examples": qa_examples, "images": images[:8], "captions": captions[:8],
                    "answers": answer_rows(recs, items, answers, p_items, p_answers)}


def record_labels(record) -> dict[str, Any]:
    """The labels a record's text states (``meta.stated``), exact age included: what questions may ask."""
    names = record.meta.get("stated")
    if names is None:
        names = [k for k, lab in record.attributes.items() if lab.confidence >= 0.6]
    return {k: record.attributes[k].value for k in names if k in record.attributes}


def paraphrase_items(records: list, seed: int = 0) -> list[tuple[int, Any]]:
    """(record index, :class:`~unif2ace.data.questions.EvalQuestion`) for every record."""
    from unif2ace.data.questions import eval_questions

    return [(i, q) for i, rec in enumerate(records) for q in eval_questions(record_labels(rec), f"{rec.id}:{seed}")]


def _rate(xs: list[int]) -> dict[str, Any]:
    return {"n": len(xs), "accuracy": sum(xs) / len(xs) if xs else float("nan")}


def _first_word(answer: str) -> str:
    from unif2ace.metrics.text import normalize_answer

    words = normalize_answer(answer).split()
    return words[0] if words else ""


def paraphrase_verdict(q, answer: str, truth: dict[str, Any]) -> int | None:
    """1 when an answer to a paraphrase-split question is right, as :func:`paraphrase_scores` counts it: an
    open one names the labelled value, a yes/no one starts with the right Yes or No, an off-topic one
    with "no", an "I can't tell" one says so; None for a kind it does not score."""
    from unif2ace.data.questions import says_cant_tell

    if q.kind in ("open", "age-3way"):
        return int(parse_attribute(answer, q.attribute, loose=True) == truth[q.attribute])
    if q.kind == "yes/no":
        return int(_first_word(answer) == ("yes" if q.premise else "no"))
    if q.kind == "off-topic":
        return int(_first_word(answer) == "no")
    if q.kind == "cant-tell":
        return int(says_cant_tell(answer))
    return None


def answer_rows(records: list, items: list, answers: list[str], p_items: list, p_answers: list[str]) -> list[dict]:
    """One row per question asked (``answers.jsonl``): the photo, the question and its kind, the answer, the
    reference answer, the labelled value it asks about and whether the answer was counted right."""
    rows = []
    for (i, turn, attr, form), ans in zip(items, answers):
        rows.append({"id": records[i].id, "part": "template", "kind": form, "attribute": attr, "question": turn.question,
                     "answer": ans, "reference": turn.answer, "correct": vqa_verdict(turn, attr, ans)})
    for (i, q), ans in zip(p_items, p_answers):
        truth = record_labels(records[i])
        rows.append({"id": records[i].id, "part": "paraphrase", "split": q.split, "kind": q.kind, "attribute": q.attribute,
                     "premise": q.premise, "question": q.question, "answer": ans, "reference": q.answer,
                     "label": truth.get(q.attribute), "correct": paraphrase_verdict(q, ans, truth)})
    return rows


def paraphrase_scores(records: list, items: list[tuple[int, Any]], answers: list[str],
                      captions: list[str]) -> dict[str, Any]:
    """Scores of the paraphrase split (see docs/evaluation.md).

    - ``by_split[train|held-out][attribute]``: open questions whose answer names the labelled value
      (:func:`parse_attribute`, loose), and ``gap`` = train − held-out per attribute;
    - ``yes_no[split]``: accuracy on true- and false-premise questions (the first word is yes/no and
      right), the share of answers that start with yes or no, and ``misnamed``: the share whose "not …"
      names something other than what was asked ("Is this a boy?" → "No, this is a girl, not a girl.";
      :func:`unif2ace.generation.constraints.mended_yes_no`);
    - ``off_topic``: share of "is this a cat?"-style questions answered starting with "no";
    - ``cant_tell``: share of name/job/hair-colour questions answered "I can't tell";
    - ``age_consistency``: photos whose three age questions all name one age group;
    - ``caption_answer``: the photo's caption and the answer to a direct training-wording question
      agree on gender / age group (over photos where both state it).
    """
    from unif2ace.generation.constraints import mended_yes_no

    open_rows: dict[str, dict[str, list[int]]] = {"train": defaultdict(list), "held-out": defaultdict(list)}
    yn: dict[str, dict[str, list[int]]] = {"train": defaultdict(list), "held-out": defaultdict(list)}
    off: dict[str, list[int]] = defaultdict(list)
    cant: list[int] = []
    ages: dict[int, list[str | None]] = defaultdict(list)
    direct: dict[tuple[int, str], str] = {}
    for (i, q), ans in zip(items, answers):
        truth = record_labels(records[i])
        ok = paraphrase_verdict(q, ans, truth)
        if q.kind in ("open", "age-3way"):
            open_rows[q.split][q.attribute].append(ok)
            if q.kind == "age-3way":
                ages[i].append(parse_attribute(ans, q.attribute, loose=True))
            if q.split == "train":
                direct.setdefault((i, q.attribute), ans)
        elif q.kind == "yes/no":
            first = _first_word(ans)
            yn[q.split]["true_premise" if q.premise else "false_premise"].append(ok)
            yn[q.split]["starts_yes_no"].append(int(first in ("yes", "no")))
            yn[q.split]["misnamed"].append(int(mended_yes_no(q.question, ans) is not None))
        elif q.kind == "off-topic":
            off[q.split].append(ok)
        elif q.kind == "cant-tell":
            cant.append(ok)
    by_split = {sp: {a: _rate(v) for a, v in rows.items()} for sp, rows in open_rows.items()}
    gap = {a: by_split["train"][a]["accuracy"] - by_split["held-out"][a]["accuracy"]
           for a in by_split["train"] if a in by_split["held-out"]}
    consistency: dict[str, Any] = {}
    for attr in ("gender", "age_group"):
        agree = []
        for i, cap in enumerate(captions):
            said = parse_attribute(cap, attr)
            ans = direct.get((i, attr))
            got = parse_attribute(ans, attr, loose=True) if ans is not None else None
            if said is not None and got is not None:
                agree.append(int(said == got))
        consistency[attr] = {**_rate(agree), "photos": len(captions)}
    three = [int(len(g) == 3 and None not in g and len(set(g)) == 1) for g in ages.values()]
    return {"by_split": by_split, "gap": gap,
            "yes_no": {sp: {k: _rate(v) for k, v in rows.items()} for sp, rows in yn.items()},
            "yes_no_all": {k: _rate(yn["train"][k] + yn["held-out"][k]) for k in ("true_premise", "false_premise",
                                                                                  "starts_yes_no", "misnamed")},
            "off_topic": {**{sp: _rate(v) for sp, v in off.items()}, "all": _rate(off["train"] + off["held-out"])},
            "cant_tell": _rate(cant), "age_consistency": _rate(three), "caption_answer": consistency,
            "n_questions": len(items)}


AGE_BANDS = {"children (0–12)": ("child",), "13 and older": ("teen", "young adult", "middle-aged", "senior")}


def age_band_scores(store, records: list, items: list[tuple[int, Any]], answers: list[str],
                    features: str = "dlib-128") -> dict[str, Any]:
    """Held-out-wording gender and age-group accuracy by age band, beside a linear probe on the same photos.

    The probe is :mod:`unif2ace.evaluation.probe`'s, on ``features`` (the face descriptor the shipped model's
    understanding reads), fitted on the train split's given labels and scored on the stored descriptors of the
    evaluated photos: what a linear reading of that descriptor alone gets there (a reference point, not a
    bound: the model also reads the image codes). Bands come from the dataset's given age (records without
    one count in "all" only).
    """
    from unif2ace.evaluation.probe import fit_probe, given_labels, judged_records

    band_of = {g: band for band, groups in AGE_BANDS.items() for g in groups}
    bands = [band_of.get(given_labels(r).get("age_group")) for r in records]
    model: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for (i, q), ans in zip(items, answers):
        if q.split == "held-out" and q.kind in ("open", "age-3way") and q.attribute in ("gender", "age_group"):
            ok = paraphrase_verdict(q, ans, record_labels(records[i]))
            for band in ("all", bands[i]):
                if band is not None:
                    model[band][q.attribute].append(ok)
    probe_rows: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    probe, status = fit_probe(store, "train", features=features)
    if probe is not None:
        judged = judged_records(probe, store, records)
        for i, pred, truth in judged:
            for attr in set(probe.heads) & set(truth):
                for band in ("all", bands[i]):
                    if band is not None:
                        probe_rows[band][attr].append(int(pred[attr] == truth[attr]))
        status = f"ok: {len(judged)} of {len(records)} photos have '{features}' features and given labels"
    out: dict[str, Any] = {"probe": {"features": features, "status": status,
                                     "train_size": probe.train_size if probe is not None else 0}, "bands": {}}
    for band in ("all", *AGE_BANDS):
        out["bands"][band] = {"photos": sum(1 for b in bands if band in ("all", b)),
                              **{f"model_{a}": _rate(model[band][a]) for a in ("gender", "age_group")},
                              **{f"probe_{a}": _rate(probe_rows[band][a]) for a in ("gender", "age_group")}}
    return out


PARAPHRASE_TARGETS = {"heldout_gender_accuracy": 0.93, "heldout_age_group_accuracy": 0.65, "max_gap": 0.05,
                      "yes_no_true_premise": 0.90, "yes_no_false_premise": 0.90, "off_topic_no_rate": 0.95,
                      "caption_answer_gender": 0.95, "caption_answer_age_group": 0.85}


def _paraphrase_headline(p: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attr in ("gender", "age_group"):
        for sp, name in (("train", "template"), ("held-out", "heldout")):
            out[f"{name}_{attr}_accuracy"] = p["by_split"][sp].get(attr, {}).get("accuracy")
        out[f"{attr}_phrasing_gap"] = p["gap"].get(attr)
    out["yes_no_true_premise"] = p["yes_no_all"]["true_premise"]["accuracy"]
    out["yes_no_false_premise"] = p["yes_no_all"]["false_premise"]["accuracy"]
    out["yes_no_starts_yes_no"] = p["yes_no_all"]["starts_yes_no"]["accuracy"]
    out["yes_no_misnamed"] = p["yes_no_all"]["misnamed"]["accuracy"]
    out["off_topic_no_rate"] = p["off_topic"]["all"]["accuracy"]
    out["cant_tell_rate"] = p["cant_tell"]["accuracy"]
    out["age_group_consistency_3_wordings"] = p["age_consistency"]["accuracy"]
    out["caption_answer_gender"] = p["caption_answer"]["gender"]["accuracy"]
    out["caption_answer_age_group"] = p["caption_answer"]["age_group"]["accuracy"]
    return out


def paraphrase_markdown(r: dict[str, Any]) -> str:
    """The paraphrase section of report.md ("" when the run skipped it)."""
    if "paraphrase" not in r:
        return ""
    p, h = r["paraphrase"], r["headline"]

    def pct(x: Any) -> str:
        return "–" if x is None or x != x else f"{100 * x:.1f}%"

    t = PARAPHRASE_TARGETS
    lines = ["", "## Paraphrase split (held-out wordings)", "",
             f"{p['n_questions']} questions from `unif2ace.data.questions`: each open question once in a training "
             "wording and once in a held-out one (templates kept out of training by a SHA-256 of their text; age "
             "group asked three ways), yes/no questions with true and false premises in both splits, off-topic "
             "\"is this a …?\" questions and \"I can't tell\" questions.", "",
             "| attribute | training wordings | held-out wordings | gap | n (held-out) |", "|---|---|---|---|---|"]
    for a, row in p["by_split"]["train"].items():
        held = p["by_split"]["held-out"].get(a, {})
        lines.append(f"| {a} | {pct(row['accuracy'])} | {pct(held.get('accuracy'))} | {pct(p['gap'].get(a))} | "
                     f"{held.get('n', 0)} |")
    lines += ["", "| measure | value | target |", "|---|---|---|"]
    rows = [("held-out gender accuracy", h.get("heldout_gender_accuracy"), f"≥ {pct(t['heldout_gender_accuracy'])}"),
            ("held-out age group accuracy", h.get("heldout_age_group_accuracy"), f"≥ {pct(t['heldout_age_group_accuracy'])}"),
            ("yes/no, true premise", h.get("yes_no_true_premise"), f"≥ {pct(t['yes_no_true_premise'])}"),
            ("yes/no, false premise", h.get("yes_no_false_premise"), f"≥ {pct(t['yes_no_false_premise'])}"),
            ("yes/no answers that start with yes or no", h.get("yes_no_starts_yes_no"), ""),
            ('yes/no answers whose "not …" misnames what was asked', h.get("yes_no_misnamed"), "lower is better"),
            ("off-topic \"is this a …?\" answered no", h.get("off_topic_no_rate"), f"≥ {pct(t['off_topic_no_rate'])}"),
            ("\"I can't tell\" for name / job / hair colour", h.get("cant_tell_rate"), ""),
            ("age group the same for three wordings", h.get("age_group_consistency_3_wordings"), ""),
            ("caption–answer consistency, gender", h.get("caption_answer_gender"), f"≥ {pct(t['caption_answer_gender'])}"),
            ("caption–answer consistency, age group", h.get("caption_answer_age_group"),
             f"≥ {pct(t['caption_answer_age_group'])}")]
    lines += [f"| {name} | {pct(v)} | {tgt} |" for name, v, tgt in rows]
    if "by_age_band" in r:
        ab = r["by_age_band"]
        lines += ["", "By age band: the model on held-out wordings, and a linear probe on the face descriptor its "
                  f"understanding reads (`{ab['probe']['features']}`, fitted on the train split's given labels) on the "
                  f"same photos: what a linear reading of that descriptor alone gets ({ab['probe']['status']}).", "",
                  "| age band | photos | gender: model | gender: probe | age group: model | age group: probe |",
                  "|---|---|---|---|---|---|"]
        for band, v in ab["bands"].items():
            lines.append(f"| {band} | {v['photos']} | {pct(v['model_gender']['accuracy'])} | "
                         f"{pct(v['probe_gender']['accuracy'])} | {pct(v['model_age_group']['accuracy'])} | "
                         f"{pct(v['probe_age_group']['accuracy'])} |")
    lines += ["", "Yes/no by split: " + "; ".join(
        f"{sp}: true {pct(v.get('true_premise', {}).get('accuracy'))}, false {pct(v.get('false_premise', {}).get('accuracy'))}"
        for sp, v in p["yes_no"].items()) + ".", ""]
    return "\n".join(lines)


def _key_to_answer(key: str) -> str:
    """An answer text that :func:`answer_key` maps back to ``key`` (for the baseline)."""
    if "=" in key:
        attr, value = key.split("=", 1)
        return {"True": "yes", "False": "no"}.get(value, value)
    return key


TARGETS = {"vqa_gender_accuracy": 0.90, "vqa_age_group_accuracy": 0.60}


def _headline(r: dict[str, Any]) -> dict[str, Any]:
    v, b = r["vqa"], r["vqa_majority_baseline"]
    out: dict[str, Any] = {"n_images": r["n_images"], "n_questions": r["n_questions"],
                           "vqa_accuracy": v["overall"]["accuracy"], "vqa_accuracy_majority_baseline": b["overall"]["accuracy"]}
    for name, key in (("gender (open)", "vqa_gender_accuracy"), ("age_group (open)", "vqa_age_group_accuracy")):
        if name in v:
            out[key] = v[name]["accuracy"]
            out[key + "_majority_baseline"] = b[name]["accuracy"]
            out[key + "_target"] = TARGETS[key]
    cap = r["captions"]["attributes"]["overall"]
    out["caption_attribute_precision"], out["caption_attribute_recall"] = cap["precision"], cap["recall"]
    base = r["captions"]["random_train_caption_baseline"]
    out["caption_attribute_precision_random_caption"] = base["attributes"]["precision"]
    out["caption_attribute_recall_random_caption"] = base["attributes"]["recall"]
    out["bleu"], out["rouge_l"] = r["captions"]["bleu"], r["captions"]["rouge_l"]
    if "judge" in r:
        out["desc_score"], out["conv_score"] = r["judge"]["desc"]["mean"], r["judge"]["conv"]["mean"]
    if "paraphrase" in r:
        out.update(_paraphrase_headline(r["paraphrase"]))
    for band, key in (("children (0–12)", "children"), ("13 and older", "13plus"), ("all", "all")):
        v = r.get("by_age_band", {}).get("bands", {}).get(band)
        if v is not None:
            if key != "all":
                out[f"heldout_gender_accuracy_{key}"] = v["model_gender"]["accuracy"]
            out[f"gender_probe_same_photos_{key}"] = v["probe_gender"]["accuracy"]
    return out

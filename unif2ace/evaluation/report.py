"""Writing an evaluation: ``report.json`` (every number), ``report.md`` (the headline first), PNG figures,
and for generation ``items.jsonl`` (each prompt and the judges' verdicts) and optionally every image."""

from __future__ import annotations

import io
import json
import math
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from unif2ace.io import atomic_write_bytes, atomic_write_text


def _clean(obj: Any) -> Any:
    """JSON-safe: NaN → null, numpy scalars → Python numbers."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def fmt(v: Any, pct: bool = False) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    if isinstance(v, float):
        return f"{v:.1%}" if pct else f"{v:.4g}"
    return str(v)


def write_json(report: dict, out: Path) -> Path:
    return atomic_write_text(out / "report.json", json.dumps(_clean(report), indent=2, ensure_ascii=False) + "\n")


def write_items(items: list[dict], out: Path, name: str = "items.jsonl") -> Path:
    """``items.jsonl``: one line per judged item (its prompt and what each judge saw), in report order; for
    understanding ``answers.jsonl``, one line per question asked."""
    return atomic_write_text(out / name, "".join(json.dumps(_clean(x), ensure_ascii=False) + "\n" for x in items))


def read_tiebreak_items(folder: Path) -> dict[str, Any] | None:
    """The per-image tie-break flags (:func:`unif2ace.evaluation.realism.tiebreak_items`) rebuilt from the
    ``items.jsonl`` of a run whose report.json predates them; None when it is absent or unreadable."""
    from unif2ace.evaluation import detectors, realism

    try:
        rows = [json.loads(line) for line in (Path(folder) / "items.jsonl").read_text().splitlines() if line.strip()]
        return realism.tiebreak_items([r["asks"] for r in rows], [r["labeller"] for r in rows],
                                      [bool(detectors.one_face(r["detectors"])) for r in rows],
                                      [r["prompt"] for r in rows])
    except (OSError, ValueError, KeyError, TypeError):
        return None


FID_FEATURES = "fid_features.npz"


def write_fid_features(features: dict[str, Any], out: Path) -> Path:
    """``fid_features.npz``: the run's Inception features (generated and real reference, float32) and
    its prompts, so that a later run's ``--compare`` can resample both runs' rows together."""
    buf = io.BytesIO()
    np.savez_compressed(buf, generated=np.asarray(features["generated"], np.float32),
                        real_reference=np.asarray(features["real_reference"], np.float32),
                        prompts=np.asarray(features["prompts"], dtype=str))
    return atomic_write_bytes(out / FID_FEATURES, buf.getvalue())


def read_fid_features(folder: Path) -> dict[str, Any] | None:
    """What :func:`write_fid_features` wrote in ``folder``; None when it is absent (an older run)."""
    path = Path(folder) / FID_FEATURES
    if not path.is_file():
        return None
    try:
        with np.load(path) as z:
            return {"generated": z["generated"], "real_reference": z["real_reference"], "prompts": list(z["prompts"])}
    except (OSError, ValueError, KeyError) as exc:
        raise SystemExit(f"{path}: unreadable ({type(exc).__name__}: {exc}); delete it or rerun that evaluation") from None


def fid_difference_line(d: dict[str, Any]) -> str:
    """One line for a comparison's ``fid_difference``."""
    if d.get("value") is None:
        return f"FID difference: {d['note']}"
    return (f"FID difference (candidate − current) {d['value']:+.2f}, {100 * d['level']:.0f}% paired bootstrap interval "
            f"{d['low']:+.2f} … {d['high']:+.2f} (se {d['se']:.2f}, {d['n_boot']} resamples of the same prompts); "
            "the rule reads the difference alone")


def tiebreak_difference_line(d: dict[str, Any]) -> str:
    """One line for a comparison's ``tiebreak_difference``."""
    if "note" in d:
        return f"tie-break difference: {d['note']}"
    parts = [f"{k.replace('_', ' ')} {100 * v['value']:+.1f} points, {100 * v['level']:.0f}% paired bootstrap "
             f"interval {100 * v['low']:+.1f} … {100 * v['high']:+.1f} ({v['changed']} of {v['n']} images changed)"
             for k, v in d.items()]
    return "tie-break difference (candidate − current): " + "; ".join(parts) + "; the rule reads the rates alone"


def save_images(images: list, folder: Path) -> None:
    """Every image as ``folder/NNN.png`` (the index of its line in items.jsonl)."""
    for i, im in enumerate(images):
        buf = io.BytesIO()
        im.save(buf, format="PNG")
        atomic_write_bytes(folder / f"{i:03d}.png", buf.getvalue())


# ----------------------------------------------------------------------------- figures
def image_grid(images: list, captions: list[str], path: Path, cols: int = 4, cell: int = 192, text_lines: int = 5) -> Path:
    """Each image with (the start of) its prompt or caption under it."""
    from PIL import Image, ImageDraw

    rows = max(1, math.ceil(len(images) / cols))
    line_h, pad = 11, 4
    h_cell = cell + text_lines * line_h + 2 * pad
    sheet = Image.new("RGB", (cols * cell, rows * h_cell), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (im, cap) in enumerate(zip(images, captions)):
        x, y = (i % cols) * cell, (i // cols) * h_cell
        sheet.paste(im.convert("RGB").resize((cell - 2 * pad, cell - 2 * pad)), (x + pad, y + pad))
        lines = textwrap.wrap(cap, width=cell // 6)[:text_lines]
        for j, line in enumerate(lines):
            draw.text((x + pad, y + cell + j * line_h), line, fill=(20, 20, 20))
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)
    return path


def bar_chart(groups: list[str], series: dict[str, list[float | None]], path: Path, title: str, ylabel: str,
              targets: dict[str, float] | None = None) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(groups) + 2), 4))
    width = 0.8 / max(len(series), 1)
    for k, (name, vals) in enumerate(series.items()):
        xs = [i + (k - (len(series) - 1) / 2) * width for i in range(len(groups))]
        ax.bar(xs, [v if v is not None and math.isfinite(v) else 0 for v in vals], width, label=name)
    for g, t in (targets or {}).items():
        if g in groups:
            i = groups.index(g)
            ax.hlines(t, i - 0.45, i + 0.45, colors="black", linestyles="dashed")
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(ylabel)
    ax.set_title(title + (" (dashed: target)" if targets else ""))
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


# ----------------------------------------------------------------------------- markdown
def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(map(str, r)) + " |" for r in rows]


def _sampling(settings: dict[str, Any]) -> str:
    """"seed 0, steps 18, guidance 10 (linear schedule), best of 4 candidates"."""
    text = f"seed {settings['seed']}, steps {fmt(settings['steps'])}, guidance {fmt(settings['guidance_scale'])}"
    if settings.get("guidance_schedule") not in (None, "constant"):
        text += f" ({settings['guidance_schedule']} schedule)"
    if settings.get("gender_contrast"):
        text += f", gender contrast {fmt(settings['gender_contrast'])}"
    if settings.get("age_contrast"):
        text += f", age contrast {fmt(settings['age_contrast'])}"
    if (settings.get("candidates") or 1) > 1:
        text += f", best of {settings['candidates']} candidates"
    if settings.get("face_retries"):
        text += f", up to {settings['face_retries']} redraws of non-faces"
    if settings.get("top_k"):
        text += f", top-k {settings['top_k']}"
    if settings.get("top_p") not in (None, 1, 1.0):
        text += f", top-p {fmt(settings['top_p'])}"
    if settings.get("code_temperature") not in (None, 1, 1.0):
        text += f", code temperature {fmt(settings['code_temperature'])}"
    if settings.get("greyscale_from_colour"):
        text += ", black and white drawn in colour, then desaturated"
    if settings.get("training_words"):
        text += ", prompts put in training words"
    return text


# probe judges of a generation report (evaluation.generation.PROBES): how report.md introduces each
_PROBE_JUDGES = {"probe": ("second", "dlib face descriptors"),
                 "probe_facenet": ("third", "FaceNet face descriptors (no network shared with the model)")}


def generation_markdown(r: dict[str, Any], meta: dict[str, Any]) -> str:
    h, f, k = r["headline"], r["fid"], r["kid"]
    lines = [f"# Generation evaluation: {meta['model']}", "",
             f"Data `{meta['data']}`, split `{r['settings']['split']}` ({r['split_size']} records); "
             f"**n = {r['n']}** generated faces ({r['prompt_kinds']['caption']} caption prompts, "
             f"{r['prompt_kinds']['attributes']} attribute prompts), {r['image_size'][0]}×{r['image_size'][1]} px, "
             f"{_sampling(r['settings'])}.",
             f"Reproduce: `{meta['command']}`", ""]
    if "realism" in r:
        lines += realism_markdown(r)
    lines += ["## Headline", ""]
    rows = [
        ["gender agreement (labellers see the prompted gender)", fmt(h.get("gender_agreement"), True),
         fmt(h.get("gender_agreement_ceiling_real_photos"), True), fmt(h.get("gender_agreement_ceiling_documented"), True), "≥ 85%"],
        ["gender agreement, teen or older prompts", fmt(h.get("gender_agreement_13plus"), True),
         fmt(h.get("gender_agreement_13plus_ceiling_real_photos"), True), fmt(h.get("gender_agreement_13plus_ceiling_documented"), True), ""],
        ["age group agreement (5 groups)", fmt(h.get("age_group_agreement"), True),
         fmt(h.get("age_group_agreement_ceiling_real_photos"), True), fmt(h.get("age_group_agreement_ceiling_documented"), True), "≥ 50%"],
    ]
    lines += _table(["metric", "generated", "ceiling: labellers on the real photos (same prompts)", "ceiling documented (docs/data.md)", "target"], rows)
    for judge, (ordinal, what) in _PROBE_JUDGES.items():
        p = r.get(f"attributes_{judge}", {})
        if p.get("status") == "ok":
            acc_key = next((k2 for k2 in p if k2.startswith("accuracy_")), None)  # accuracy_<split>_full_size
            acc, split = (p[acc_key], acc_key.split("_")[1]) if acc_key else ({}, "held-out")
            lines += ["", f"A {ordinal} judge, linear probes on {what} fitted on the train split's given labels "
                      f"({p['train_records']} photos; `unif2ace/evaluation/probe.py`):", ""]
            lines += _table(["metric", "generated", "ceiling: probe on the real photos (same prompts)",
                             f"probe on the full-size {split} photos", "target"], [
                [f"gender agreement ({judge})", fmt(h.get(f"gender_agreement_{judge}"), True),
                 fmt(h.get(f"gender_agreement_{judge}_ceiling_real_photos"), True),
                 fmt(acc.get("gender", {}).get("accuracy"), True), "≥ 85%"],
                [f"gender agreement, teen or older prompts ({judge})", fmt(h.get(f"gender_agreement_13plus_{judge}"), True),
                 fmt(h.get(f"gender_agreement_13plus_{judge}_ceiling_real_photos"), True), "", ""],
                [f"age group agreement ({judge})", fmt(h.get(f"age_group_agreement_{judge}"), True),
                 fmt(h.get(f"age_group_agreement_{judge}_ceiling_real_photos"), True),
                 fmt(acc.get("age_group", {}).get("accuracy"), True), "≥ 50%"]])
        elif p:
            lines += ["", f"{ordinal.capitalize()} judge ({what} probes): {p['status']}."]
    lines += ["", *_table(["metric", "generated vs real", "floor: real vs real (same n)", "cross-check"], [
        [f"FID (n = {f['n_generated']})", fmt(f["fid"]) + (f" (bootstrap se {fmt(f['bootstrap']['se'])})" if "bootstrap" in f else ""),
         fmt(f["fid_floor_real_vs_real"]), f"torchmetrics {fmt(f['fid_torchmetrics'])}"],
        [f"KID (subsets of {k['subset_size']})", f"{fmt(k['kid'])} ± {fmt(k['kid_std'])}",
         f"{fmt(k['kid_floor_real_vs_real'])} ± {fmt(k['kid_floor_std'])}", ""]])]
    lines += ["", f"_{f['note']}._", "", "## Attribute agreement", "",
              "Independent labellers (docs/data.md) judge each generated face; the ceiling is the same judge on the "
              "real held-out photo the prompt was written from.", ""]
    lines += _table(["attribute", "n", "generated", "caption prompts", "attribute prompts", "ceiling (real photos)"],
                    [[a, v["n"], fmt(v["agreement"], True), fmt(v.get("agreement_caption_prompts"), True),
                      fmt(v.get("agreement_attributes_prompts"), True), fmt(v["ceiling_real_photos"], True)]
                     for a, v in r["attributes"].items()])
    judges = ["labeller", *(j for j in _PROBE_JUDGES if r.get(f"attributes_{j}", {}).get("status") == "ok")]

    def by_cell(title: str, text: str, key: str, first: str, extra: dict) -> list[str]:
        """A table of one row per prompted cell: each judge on the generated faces and on the real photos, then
        ``extra`` ({column: (row key, as a percentage)})."""
        return ["", f"### {title}", "", text, ""] + _table(
            [first, "n", *(f"{j}{real}" for j in judges for real in ("", ", real")), *extra],
            [[c, v["n"], *(fmt(v.get(j + real), True) for j in judges for real in ("", "_real")),
              *(fmt(v[k], pct) for k, pct in extra.values())] for c, v in r[key].items()])

    if r.get("gender_by_age_group"):
        lines += by_cell("Gender by the prompted age group",
                         "How often each judge sees the prompted gender, on the generated faces and on the real photos "
                         "of the same prompts (every judge is weakest on children's faces).", "gender_by_age_group",
                         "age group", {"dlib finds a face (generated)": ("face_detected", True)})
    if r.get("age_by_gender_age_group"):
        lines += by_cell("Age group by the prompted gender × age group",
                         "How often each judge sees the prompted age group, and the labeller's median age, on the "
                         "generated faces and on the real photos of the same prompts.", "age_by_gender_age_group",
                         "prompted", {"median age": ("median_age_labeller", False),
                                      "median age, real": ("median_age_labeller_real", False)})
    fd, d, ident = r["face_detected"], r["diversity"], r["identity"]
    lines += ["", f"dlib finds a face in {fmt(fd['generated'], True)} of generated images ({fmt(fd['real'], True)} of real ones).",
              "", "## Diversity", "", f"{d['note']}.", ""]
    lines += _table(["measure", "value"], [[k2, fmt(v)] for k2, v in d.items() if k2 != "note"])
    lines += ["", "## Identity", ""]
    if ident.get("status") == "ok":
        lines += [f"dlib identity cosine similarity, generated vs reference photo: **{fmt(ident['similarity'])}** "
                  f"(n = {ident['n']}); unrelated real pairs: {fmt(ident['unrelated_real_pairs'])}."]
    else:
        lines += [f"Identity-conditioned generation: {ident.get('status')}."]
    if "vqascore" in r:
        lines += ["", "## VQAScore", "", f"{fmt(r['vqascore']['mean'])} (real photos: {fmt(r['vqascore']['real_photos'])})."]
    if "vlm_judge" in r:
        j = r["vlm_judge"]
        lines += ["", "## VLM judge", "", f"{j['model']} with `{j['prompt']}` ({j['prompt_sha256']}): mean {fmt(j['mean'])} "
                  f"over {j['n_scored']} (unparsed {j['n_unparsed']}, failed {j['n_failed']}); real photos {fmt(j['real_photos'])}."]
    lines += ["", "## Figures", "", "![generated faces](grid.png)", "", "![attribute agreement](attributes.png)", "",
              "Timings (s): " + ", ".join(f"{k2} {v}" for k2, v in r["timings"].items()), ""]
    return "\n".join(lines)


def realism_markdown(r: dict[str, Any]) -> list[str]:
    """report.md's first section: is it a face (two detectors, per cell), FID, agreement on found faces,
    seed diversity, black and white, and the selection rule's verdict when ``--compare`` gave one."""
    h, real = r["headline"], r["realism"]
    fr = real["face_rate"]
    lines = ["## Realism first", "", f"A face = exactly one face found. {fr['definition']}.", ""]
    rows = [["face rate, dlib", fmt(fr["generated"]["dlib"], True), fmt(fr["real"]["dlib"], True), "≥ 95%"],
            ["face rate, MTCNN (shares no code with dlib)", fmt(fr["generated"]["mtcnn"], True), fmt(fr["real"]["mtcnn"], True), ""],
            ["worst gender × age-group cell, dlib", fmt(h.get("face_rate_dlib_worst_gender_age_cell"), True), "", "≥ 90%"],
            [f"FID (n = {r['n']})", fmt(r["fid"]["fid"]), f"{fmt(r['fid']['fid_floor_real_vs_real'])} (real vs real)",
             f"≤ {fmt(2 * r['fid']['fid_floor_real_vs_real'])} (2× floor)"]]
    above = []  # targets that the labeller does not reach even on the real photos of the same prompts
    for name, label, target in (("gender", "gender agreement", 0.90), ("age_group", "age group agreement", 0.60)):
        on_real = h.get(f"{name}_agreement_found_real_photos")
        rows.append([f"{label}, found faces only (labeller)", fmt(h.get(f"{name}_agreement_found"), True),
                     "" if on_real is None else f"{fmt(on_real, True)} (labeller on the real photos)", f"≥ {target:.0%}"])
        if on_real is not None and on_real < target:
            above.append(f"{label} ≥ {target:.0%} (the real photos: {fmt(on_real, True)})")
        rows.append([f"{label}, non-faces count as wrong (labeller)", fmt(h.get(f"{name}_agreement_nonface_wrong"), True), "",
                     "≤ 5 points below"])
    if "seed_diversity_facenet" in h:
        rows.append(["seed diversity (FaceNet, same prompt)", fmt(h["seed_diversity_facenet"]),
                     f"{fmt(h['seed_diversity_facenet_real'])} (real photos, same attributes)", "≥ 50% of real"])
        rows.append(["greyscale outputs, black-and-white sheet prompts", fmt(h["greyscale_rate_bw_prompts_sheet"], True), "",
                     "≥ 90%"])
        rows.append(["greyscale outputs, colour sheet prompts", fmt(h["greyscale_rate_colour_prompts_sheet"], True), "", "low"])
    lines += _table(["metric", "generated", "real photos / floor", "target"], rows)
    if above:
        lines += ["", "Above what the judge sees on the real photos the prompts were written from, so out of reach of a "
                  "generator as realistic as they are: " + "; ".join(above) + "."]
    lines += ["", "Face rate by the prompted gender and age group:", ""]
    lines += _table(["gender / age group", "n", "dlib", "MTCNN"],
                    [[c, v["n"], fmt(v["dlib"], True), fmt(v["mtcnn"], True)] for c, v in real["by_gender_age"].items()])
    lines += ["", "By colour of the prompt: " + "; ".join(
        f"{c}: n {v['n']}, dlib {fmt(v['dlib'], True)}, MTCNN {fmt(v['mtcnn'], True)}" for c, v in real["by_colour"].items())
        + ". Per gender × age group × race: `report.json` → `realism.by_gender_age_race`.", ""]
    if "comparison" in r:
        c = r["comparison"]
        lines += [f"**Selection rule against `{c['against']}`: {c['verdict']}** ({c['why']}).", ""]
        if "fid_difference" in c:
            lines += [fid_difference_line(c["fid_difference"]) + ".", ""]
        if "tiebreak_difference" in c:
            lines += [tiebreak_difference_line(c["tiebreak_difference"]) + ".", ""]
    if real["contact_sheet"].get("prompts"):
        lines += ["![contact sheet](contact_sheet.png)", ""]
    return lines


def understanding_markdown(r: dict[str, Any], meta: dict[str, Any]) -> str:
    h, v, b, c = r["headline"], r["vqa"], r["vqa_majority_baseline"], r["captions"]
    lines = [f"# Understanding evaluation: {meta['model']}", "",
             f"Data `{meta['data']}`, split `{r['settings']['split']}`: **{r['n_images']} images, {r['n_questions']} questions**, "
             f"seed {r['settings']['seed']}.", f"Reproduce: `{meta['command']}`", "", "## Headline", ""]
    lines += _table(["metric", "model", "baseline", "target"], [
        ["VQA accuracy, all questions", fmt(h["vqa_accuracy"], True), f"{fmt(h['vqa_accuracy_majority_baseline'], True)} (majority answer)", ""],
        ["VQA accuracy, gender", fmt(h.get("vqa_gender_accuracy"), True), fmt(h.get("vqa_gender_accuracy_majority_baseline"), True), "≥ 90%"],
        ["VQA accuracy, age group (5-way and how-old)", fmt(h.get("vqa_age_group_accuracy"), True),
         fmt(h.get("vqa_age_group_accuracy_majority_baseline"), True), "≥ 60%"],
        ["caption attribute precision", fmt(h["caption_attribute_precision"], True),
         f"{fmt(h['caption_attribute_precision_random_caption'], True)} (random training caption)", ""],
        ["caption attribute recall", fmt(h["caption_attribute_recall"], True),
         f"{fmt(h['caption_attribute_recall_random_caption'], True)} (random training caption)", ""],
        ["BLEU-4 (sacrebleu)", fmt(c["bleu"]), fmt(c["random_train_caption_baseline"]["bleu"]), ""],
        ["ROUGE-L F (rouge-score)", fmt(c["rouge_l"]), fmt(c["random_train_caption_baseline"]["rouge_l"]), ""],
    ])
    if "judge" in r:
        j = r["judge"]
        lines += ["", f"Judge {j['model']} on {j['n']} images: Desc **{fmt(j['desc']['mean'])}** / 10 "
                  f"(`{j['desc']['prompt']}` {j['desc']['prompt_sha256']}, unparsed {j['desc']['n_unparsed']}, failed {j['desc']['n_failed']}); "
                  f"Conv **{fmt(j['conv']['mean'])}** / 10 (`{j['conv']['prompt']}` {j['conv']['prompt_sha256']}, "
                  f"unparsed {j['conv']['n_unparsed']}, failed {j['conv']['n_failed']})."]
    lines += ["", "## VQA by attribute", "", "Answers are compared by yes/no polarity, the attribute value they name, "
              "or else their VQA-normalised text.", ""]
    groups = sorted(k for k in v if "(" in k)
    lines += _table(["question group", "n", "accuracy", "majority baseline"],
                    [[g, v[g]["n"], fmt(v[g]["accuracy"], True), fmt(b.get(g, {}).get("accuracy"), True)] for g in groups])
    lines += ["", f"Strict (normalised full-text) match: {fmt(v['overall_strict_text']['accuracy'], True)}.", "",
              "## Caption attributes", ""]
    ba = c["attributes"]["by_attribute"]
    lines += _table(["attribute", "precision", "recall", "claims checked", "reference", "unverifiable claims"],
                    [[a, fmt(x["precision"], True), fmt(x["recall"], True), x["claims_checked"], x["reference_attributes"],
                      fmt(x["unverifiable_rate"], True)] for a, x in ba.items()])
    pc = c["parser_check"]
    lines += ["", f"Parser check on the reference captions: precision {fmt(pc['precision'], True)}, recall {fmt(pc['recall'], True)} "
              f"({c['note']}).", "", "## Figures", "", "![VQA accuracy](vqa.png)", "", "![caption attributes](captions.png)", "",
              "![captions](captions_grid.png)", "", "Timings (s): " + ", ".join(f"{k} {t}" for k, t in r["timings"].items()), ""]
    return "\n".join(lines)

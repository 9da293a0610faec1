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
    gender_contrast: float | None = None
    age_contrast: float | None = None
    seed: int = 0
    diversity_prompts: int = 8
    images_per_diversity_prompt: int = 4
    identity_samples: int = 16
    grid_size: int = 16
    kid_subsets: int = 100
    device: str = "cpu"


# sampling settings beyond steps, guidance and temperature (None: the model's own default)
_OPTIONAL_SAMPLING = ("guidance_schedule", "candidates", "gender_contrast", "age_contrast")


def _timed(log: dict, name: str):
    class _T:
        def __enter__(self):
            self.t = time.time()

        def __exit__(self, *exc):
            log[name] = round(time.time() - self.t, 2)

    return _T()


def _generate(pipe, prompts: list[str], s: GenerationSettings, per_prompt: int = 1, seed_offset: int = 0, **extra) -> list:
    out = []
    # passed only when set, so other models' generate() need not know the options
    extra_kw = {k: getattr(s, k) for k in _OPTIONAL_SAMPLING if getattr(s, k) is not None}
    for i in range(0, len(prompts), s.batch_size):
        out += pipe.generate(prompts[i : i + s.batch_size], num_images_per_prompt=per_prompt, steps=s.steps,
                             guidance_scale=s.guidance_scale, temperature=s.temperature,
                             seed=s.seed + seed_offset + i, **extra_kw,
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
    from unif2ace.metrics import InceptionFeatures, fid_from_features, fid_torchmetrics, kid_from_features

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
        gen = _generate(pipe, [p.text for p in prompts], s)
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
        f_gen, f_a, f_b = inc(_to_tensor(gen)), inc(_to_tensor(real_a)), inc(_to_tensor(real_b))
    kid, kid_std = kid_from_features(f_a, f_gen, subsets=s.kid_subsets, subset_size=n, seed=s.seed)
    kid_floor, kid_floor_std = kid_from_features(f_a, f_b, subsets=s.kid_subsets, subset_size=n, seed=s.seed)
    report["fid"] = {
        "fid": fid_from_features(f_a, f_gen),
        "fid_floor_real_vs_real": fid_from_features(f_a, f_b),
        "fid_torchmetrics": fid_torchmetrics(f_a, f_gen),
        "n_generated": n, "n_real_reference": n,
        "note": f"FID at n={n} is biased upwards; compare it with the floor (two disjoint halves of real held-out photos, same n)",
    }
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

    # --- diversity: Inception-feature spread overall and among images of one prompt
    k = min(s.diversity_prompts, n)
    div: dict[str, Any] = {"all_generated": faces.pairwise_distance(f_gen), "all_real": faces.pairwise_distance(f_b)}
    if k and s.images_per_diversity_prompt >= 2:
        with _timed(timings, "diversity_s"):
            many = _generate(pipe, [p.text for p in prompts[:k]], s, per_prompt=s.images_per_diversity_prompt,
                             seed_offset=10_000)
            f_many = inc(_to_tensor(many)).reshape(k, s.images_per_diversity_prompt, -1)
        div["same_prompt_generated"] = float(np.mean([faces.pairwise_distance(f) for f in f_many]))
        div["prompts"], div["images_per_prompt"] = k, s.images_per_diversity_prompt
    div["note"] = "mean pairwise distance of Inception features; 0 = identical images; real photos of different people for scale"
    report["diversity"] = div

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
    artefacts = {"images": gen[:grid], "prompts": [p.text for p in prompts[:grid]], "real": real_b[:grid],
                 "items": items, "all_images": gen}
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
        row: dict[str, Any] = {"n": len(rows)}
        for key in ("labeller", "labeller_real", *(k + real for k in PROBES for real in ("", "_real"))):
            judged = [x for x in rows if "gender" in x.get(key, {})]
            row[key] = float(np.mean([x[key]["gender"] == x["asks"]["gender"] for x in judged])) if judged else None
        row["face_detected"] = float(np.mean([bool(x["labeller"].get("face_detected")) for x in rows]))
        out[group] = row
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
    out["kid"], out["kid_floor_real_vs_real"] = r["kid"]["kid"], r["kid"]["kid_floor_real_vs_real"]
    return out

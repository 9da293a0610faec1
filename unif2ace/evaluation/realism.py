"""Realism first: how often a generated image is a face at all, for every kind of person, and what
the attribute judges say once non-faces can no longer pass for faces.

Judges read cues (a beard, long hair, wrinkles) off any picture, so an exaggerated smear can agree
with its prompt more often than a real face does. Here every attribute agreement comes twice: on the
images where a face was found (dlib, exactly one face) and over all images with a non-face counted as
wrong. The selection rule (docs/evaluation.md, :func:`apply_rule`) puts face rate and FID first.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from unif2ace.evaluation.detectors import DETECTORS, one_face

# the numbers the selection rule reads (report["realism"]["rule"]) and which way is better
RULE_GATES = {"face_rate_dlib": "higher", "fid": "lower"}
# Agreement with every non-face counted wrong: agreement on found faces alone rewards a setting whose
# only faces are the easy ones (30 Nov 2026: the CFG 6 + contrasts sampling found faces almost only for
# women and won on found-face gender, 93.1% against 70.9%, while drawing faces for 45% of prompts
# against 86%). A smear can raise neither this number nor the gates.
RULE_TIEBREAK = ("gender_agreement_nonface_wrong", "age_group_agreement_nonface_wrong")
NO_FACE = "<no face>"  # the verdict a non-face gets when it is counted as wrong


def _rate(values: list[bool | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return float(np.mean(vals)) if vals else None


def face_rates(verdicts: list[dict[str, Any]]) -> dict[str, float | None]:
    """Per detector: the fraction of images where it found exactly one face (None: it did not run)."""
    return {d: _rate([one_face(v, d) for v in verdicts]) for d in DETECTORS}


def cell_of(ask: dict[str, Any], by: tuple[str, ...]) -> str:
    """``"male / senior / Black"``: the values a prompt asks for, in ``by`` order ("—" where it asks none)."""
    return " / ".join(str(ask.get(k) or "—") for k in by)


def face_rates_by_cell(asks: list[dict[str, Any]], verdicts: list[dict[str, Any]],
                       by: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """``{cell: {"n", "dlib", "mtcnn"}}``: face rates per combination of the asked ``by`` attributes."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ask, v in zip(asks, verdicts):
        groups[cell_of(ask, by)].append(v)
    return {cell: {"n": len(vs), **face_rates(vs)} for cell, vs in sorted(groups.items())}


def colour_key(ask: dict[str, Any]) -> str:
    return "black and white" if ask.get("color") == "black and white" else "colour"


def greyscale(asks: list[dict[str, Any]], verdicts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Greyscale outputs per asked colour: for black-and-white prompts the rate should be 1, for colour 0."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for ask, v in zip(asks, verdicts):
        groups[colour_key(ask)].append(bool(v["greyscale"]))
    return {k: {"n": len(g), "greyscale_rate": float(np.mean(g))} for k, g in sorted(groups.items())}


def agreement_found(asks: list[dict[str, Any]], judged: list[dict[str, Any]], found: list[bool]) -> dict[str, dict]:
    """Attribute agreement twice: ``found_only`` (images with a face) and ``nonface_wrong`` (all images,
    every attribute asked of a non-face counted as not seen). Each is ``faces.agreement``'s table."""
    from unif2ace.evaluation.faces import agreement

    keep = [i for i, f in enumerate(found) if f]
    return {"found_only": agreement([asks[i] for i in keep], [judged[i] for i in keep]),
            "nonface_wrong": agreement(asks, _nonface_wrong(asks, judged, found))}


def judge_drawn(images: list, asks: list[dict[str, Any]], desc: str = "detecting") -> dict[str, float | None]:
    """The selection rule's numbers that need no reference photos, for faces drawn from prompts asking ``asks``:
    how often dlib and MTCNN find exactly one face, and the labeller's gender and age-group agreement on the
    found faces and with every non-face counted wrong (for scripts that draw a set two ways and compare)."""
    from unif2ace.evaluation.detectors import inspect_images
    from unif2ace.evaluation.faces import judge_images

    verdicts = inspect_images(images, progress=True, desc=desc)
    found = [bool(one_face(v, "dlib")) for v in verdicts]
    agree = agreement_found(asks, judge_images(images), found)
    out: dict[str, float | None] = {"dlib_one_face": float(np.mean(found)),
                                    "mtcnn_one_face": float(np.mean([bool(one_face(v, "mtcnn")) for v in verdicts])),
                                    "greyscale": float(np.mean([bool(v.get("greyscale")) for v in verdicts]))}
    for a in ("gender", "age_group"):
        out[f"{a}_agreement_found"] = agree["found_only"].get(a, {}).get("rate")
        out[f"{a}_agreement_nonface_wrong"] = agree["nonface_wrong"].get(a, {}).get("rate")
    return out


def _nonface_wrong(asks: list[dict[str, Any]], judged: list[dict[str, Any]], found: list[bool]) -> list[dict]:
    """The verdicts with every attribute asked of a non-face seen as :data:`NO_FACE` (so counted wrong)."""
    return [v if f else {k: NO_FACE for k in ask} for ask, v, f in zip(asks, judged, found)]


def mean_pairwise_distance(features) -> float:
    """Mean Euclidean distance over all pairs of rows of (n, d) features (nan for fewer than two)."""
    from unif2ace.evaluation.faces import pairwise_distance

    return pairwise_distance(features)


def seed_diversity(features, per_prompt: int) -> float:
    """Mean over prompts of the mean pairwise distance among one prompt's ``per_prompt`` images;
    ``features`` (prompts · per_prompt, d), prompt-major, rows L2-normalised here."""
    f = np.asarray(features, np.float64)
    f = f / np.linalg.norm(f, axis=1, keepdims=True).clip(1e-12)
    return float(np.nanmean([mean_pairwise_distance(g) for g in f.reshape(-1, per_prompt, f.shape[1])]))


def matching_records(records: list, asks: list[dict[str, Any]], per_prompt: int, seed: int = 0,
                     keys: tuple[str, ...] = ("gender", "age_group", "ethnicity")) -> list[list]:
    """For each prompt, ``per_prompt`` records whose stated ``keys`` equal what it asks (seeded choice);
    fewer when the data has fewer (a prompt with under two is left with none)."""
    import random

    from unif2ace.evaluation.attributes import stated_attributes

    index: dict[tuple, list] = defaultdict(list)
    for r in records:
        a = stated_attributes(r)
        index[tuple(a.get(k) for k in keys)].append(r)
    rng = random.Random(seed)
    out = []
    for ask in asks:
        pool = index.get(tuple(ask.get(k) for k in keys), [])
        pick = rng.sample(pool, min(per_prompt, len(pool)))
        out.append(pick if len(pick) >= 2 else [])
    return out


def rule_numbers(report: dict[str, Any]) -> dict[str, Any]:
    """What the selection rule reads from a generation report, with what makes runs comparable."""
    r = report["realism"]
    out = {"split": report["settings"]["split"], "n": report["n"], "seed": report["settings"]["seed"],
           "face_rate_dlib": r["face_rate"]["generated"]["dlib"], "face_rate_mtcnn": r["face_rate"]["generated"]["mtcnn"],
           "fid": report["fid"]["fid"], "fid_floor": report["fid"]["fid_floor_real_vs_real"]}
    tables = r["agreement_labeller"]
    for name in ("gender", "age_group"):
        for table, suffix in (("found_only", "found"), ("nonface_wrong", "nonface_wrong")):
            out[f"{name}_agreement_{suffix}"] = tables[table].get(name, {}).get("rate")
    return out


def apply_rule(candidate: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The selection rule on two ``rule_numbers``: the candidate ships only if its dlib face rate is no
    lower and its FID no higher than the current default's (same split, n and seed), then only if it
    is better on attribute agreement over all images with a non-face counted wrong (gender, then age group)."""
    if any(candidate[k] != current[k] for k in ("split", "n", "seed")):
        return {"verdict": "not comparable",
                "why": "runs differ in split, n or seed: " + ", ".join(
                    f"{k} {candidate[k]} vs {current[k]}" for k in ("split", "n", "seed") if candidate[k] != current[k])}
    gates = {}
    for key, better in RULE_GATES.items():
        c, d = candidate[key], current[key]
        ok = c is not None and d is not None and (c >= d if better == "higher" else c <= d)
        gates[key] = {"candidate": c, "current": d, "no_worse": bool(ok)}
    if not all(g["no_worse"] for g in gates.values()):
        failed = [k for k, g in gates.items() if not g["no_worse"]]
        return {"verdict": "keep the current default", "why": f"worse {' and '.join(failed)}", "gates": gates}
    ties = {k: {"candidate": candidate.get(k), "current": current.get(k)} for k in RULE_TIEBREAK}
    for k in RULE_TIEBREAK:
        c, d = candidate.get(k), current.get(k)
        if c is None or d is None or c == d:
            continue
        verdict = "ship the candidate" if c > d else "keep the current default"
        return {"verdict": verdict, "why": f"face rate and FID no worse; {k} {c:.3f} vs {d:.3f}", "gates": gates,
                "tiebreak": ties}
    return {"verdict": "keep the current default", "why": "face rate and FID no worse, attribute agreement equal",
            "gates": gates, "tiebreak": ties}


def tiebreak_items(asks: list[dict[str, Any]], judged: list[dict[str, Any]], found: list[bool],
                   prompts: list[str]) -> dict[str, Any]:
    """Per generated image, the 0/1 that each :data:`RULE_TIEBREAK` rate averages (None where the image
    does not count: its prompt does not ask the attribute, or the labeller cannot judge it), and a hash of
    the prompts, so that :func:`tiebreak_difference` can pair two runs image by image."""
    import hashlib

    from unif2ace.evaluation.faces import agreement_flags

    flags = agreement_flags(asks, _nonface_wrong(asks, judged, found))
    out: dict[str, Any] = {"prompts_sha1": hashlib.sha1("\n".join(prompts).encode()).hexdigest()}
    for key in RULE_TIEBREAK:
        attr = key.removesuffix("_agreement_nonface_wrong")
        out[key] = [int(f[attr]) if attr in f else None for f in flags]
    return out


def tiebreak_difference(candidate: dict[str, Any], current: dict[str, Any], seed: int = 0, n_boot: int = 2000,
                        level: float = 0.9) -> dict[str, Any]:
    """Candidate − current of each :data:`RULE_TIEBREAK` rate with a paired bootstrap interval (the same
    images of both runs resampled together): how much of the tie-break's margin is the draw of the images.
    ``candidate``/``current``: two runs' ``rule`` sections. Reported beside the verdict; the rule itself
    reads the two rates alone."""
    a, b = candidate.get("items"), current.get("items")
    if not a or not b:
        return {"note": "the compared run's report.json has no per-image tie-break flags (runs since the evening "
                        "of 1 Dec 2026 write them): rerun it for a paired interval"}
    if a["prompts_sha1"] != b["prompts_sha1"]:
        return {"note": "the two runs' prompts differ: no paired interval"}
    rng = np.random.default_rng(seed)
    out = {}
    for key in RULE_TIEBREAK:
        pairs = [(x, y) for x, y in zip(a[key], b[key]) if x is not None and y is not None]
        if not pairs:
            continue
        d = np.array([x - y for x, y in pairs], np.float64)
        draws = d[rng.integers(0, len(d), (n_boot, len(d)))].mean(1)
        lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
        out[key] = {"value": float(d.mean()), "low": float(lo), "high": float(hi), "level": level, "n_boot": n_boot,
                    "n": len(d), "changed": int((d != 0).sum())}
    return out


def fid_difference(candidate: dict[str, Any], current: dict[str, Any] | None, seed: int = 0,
                   n_boot: int | None = None) -> dict[str, Any]:
    """FID(candidate) − FID(current) with a paired bootstrap interval (both runs' generated rows resampled
    together, the real reference fixed): how much of a FID gate's margin is the draw of the images.
    ``candidate``/``current``: the runs' ``fid_features`` (:func:`unif2ace.evaluation.report.read_fid_features`).
    Reported beside the rule's verdict; the rule itself reads the two FIDs alone."""
    from unif2ace.evaluation.generation import FID_PAIRED_BOOTSTRAP
    from unif2ace.metrics import fid_bootstrap

    if current is None or candidate is None:
        which = "compared" if current is None else "candidate"
        return {"value": None, "note": f"the {which} run left no fid_features.npz beside its report.json (runs since "
                                       "1 Dec 2026 write one): rerun it for a paired interval"}
    if list(current["prompts"]) != list(candidate["prompts"]) or \
            np.shape(current["real_reference"]) != np.shape(candidate["real_reference"]):
        return {"value": None, "note": "the two runs' prompts or real references differ: no paired interval"}
    def stored(x):  # both runs as fid_features.npz holds them
        return np.asarray(x, np.float32).astype(np.float64)

    return fid_bootstrap(stored(candidate["real_reference"]), stored(candidate["generated"]),
                         stored(current["generated"]), n_boot=n_boot or FID_PAIRED_BOOTSTRAP, seed=seed)


__all__ = ["face_rates", "face_rates_by_cell", "greyscale", "agreement_found", "seed_diversity", "matching_records",
           "rule_numbers", "apply_rule", "fid_difference", "tiebreak_items", "tiebreak_difference", "RULE_GATES", "RULE_TIEBREAK"]

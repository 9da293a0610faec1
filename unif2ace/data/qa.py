"""Template question–answer pairs from confident labels (≥ 6 per image when labels allow).

Forms: ``describe`` (the caption), ``how-old``, ``which`` (choose between options), ``yes/no``
(balanced: questions are asked about both true and false values) and ``what``. Every answer
follows from a label; nothing is asked about an attribute that was not measured confidently.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from unif2ace.data.captions import seed_of, subject_of, years_old
from unif2ace.data.records import QATurn

AGE_RANGES = {"child": "0–12", "teen": "13–19", "young adult": "20–35", "middle-aged": "36–55", "senior": "56 or older"}
DESCRIBE = [
    "Describe this face in detail.",
    "Give a detailed description of the person in this photo.",
    "What does the person in the image look like?",
    "Write a detailed caption for this face.",
]


def _yn(rng: random.Random, truth: bool, yes: str, no: str) -> str:
    text = yes if truth else no
    word = "Yes" if truth else "No"
    if not text:
        return word + "."
    return rng.choice([f"{word}, {text}", f"{word}. {text[0].upper()}{text[1:]}"])


def write_qa(attrs: dict[str, Any], caption: str, seed: int | str = 0) -> list[QATurn]:
    rng = random.Random(seed_of(f"qa:{seed}") if isinstance(seed, str) else seed + 1)
    subj = subject_of(attrs, rng)
    who = "the person"
    qa: list[QATurn] = []
    if caption:
        qa.append(QATurn(rng.choice(DESCRIBE), caption, "describe"))

    age, group = attrs.get("age"), attrs.get("age_group")
    if isinstance(age, (int, float)) and group:
        years = years_old(age)
        qa.append(QATurn(rng.choice(["How old is the person in the photo?", "What is this person's age?", "How old is this person?"]),
                         f"{subj.cap()} {subj.be()} {years}, so {subj.he} {subj.be()} {_article_group(group)}.", "how-old"))
    elif group:
        qa.append(QATurn("How old does this person look?",
                         f"{subj.cap()} {'look' if subj.plural else 'looks'} like {_article_group(group)} (roughly {AGE_RANGES[group]} years).", "how-old"))
    if group:
        qa.append(QATurn("Which age group does this person belong to: child, teen, young adult, middle-aged or senior?",
                         f"{group.capitalize()} ({AGE_RANGES[group]} years).", "which"))
        other = rng.choice([g for g in AGE_RANGES if g != group])
        ask = rng.choice([group, other])
        qa.append(QATurn(f"Is this person {_article_group(ask)}?",
                         _yn(rng, ask == group, f"{subj.he} {subj.be()} {_article_group(group)}.",
                             f"{subj.he} {subj.be()} {_article_group(group)}, not {_article_group(ask)}."), "yes/no"))

    gender = attrs.get("gender")
    if gender in ("male", "female"):
        adult = group not in ("child", "teen")
        m, f = ("a man", "a woman") if adult else ("a boy", "a girl")
        qa.append(QATurn(f"Is this {m} or {f}?", f"This is {m if gender == 'male' else f}.", "which"))

    eth = attrs.get("ethnicity")
    if eth:
        eth_word = {"Indian": "South Asian"}.get(eth, eth)
        qa.append(QATurn("What ethnicity is the person labelled as?", f"{eth_word}.", "what"))

    emo = attrs.get("emotion")
    emo_adj = {"happy": "happy", "neutral": "neutral", "sad": "sad", "surprise": "surprised"}.get(emo)
    if emo_adj:
        qa.append(QATurn(rng.choice(["What expression does the face show?", "How does this person seem to feel?", "What emotion is visible on the face?"]),
                         f"{subj.cap()} {'look' if subj.plural else 'looks'} {emo_adj}.", "what"))

    smile = attrs.get("smile")
    if smile is not None:
        qa.append(QATurn(rng.choice([f"Is {who} smiling?", "Is there a smile on this face?"]),
                         _yn(rng, smile, f"{subj.he} {subj.be()} smiling.", f"{subj.he} {subj.be()} not smiling."), "yes/no"))

    mouth = attrs.get("mouth")
    if mouth:
        qa.append(QATurn("Is the mouth open or closed?", {"closed": "Closed.", "slightly open": "Slightly open, with the lips parted.", "wide open": "Wide open."}[mouth], "which"))

    eyes = attrs.get("eyes")
    if eyes:
        state = f"{subj.his} eyes are open" + ("" if eyes == "open" else " but narrowed")
        if rng.random() < 0.5:
            qa.append(QATurn("Are the person's eyes open?", _yn(rng, True, state + ".", ""), "yes/no"))
        else:
            qa.append(QATurn("Are the person's eyes closed?", _yn(rng, False, "", state + "."), "yes/no"))

    pose = attrs.get("head_pose")
    if pose:
        ans = "Straight toward the camera." if pose == "frontal" else f"{'Slightly t' if pose.startswith('slightly') else 'T'}oward the {pose.rsplit(' ', 1)[-1]} side of the image."
        qa.append(QATurn("Which way is the head turned?", ans, "which"))

    if attrs.get("glasses") is True:
        qa.append(QATurn("Is this person wearing glasses?", _yn(rng, True, f"{subj.he} {subj.be()} wearing glasses.", ""), "yes/no"))

    if attrs.get("facial_hair") is True:
        qa.append(QATurn("Does this person have facial hair?", _yn(rng, True, f"{subj.he} {subj.has()} a beard or a moustache.", ""), "yes/no"))

    color = attrs.get("color")
    if color:
        ask_bw = rng.random() < 0.5
        qa.append(QATurn("Is this a black-and-white photo?" if ask_bw else "Is this photo in color?",
                         _yn(rng, (color == "black and white") == ask_bw,
                             "it is black-and-white." if color == "black and white" else "it is in color.",
                             "it is in color." if color == "color" else "it is black-and-white."), "yes/no"))
    sharp = attrs.get("sharpness")
    if sharp in ("sharp", "blurry"):
        qa.append(QATurn("Is the photo sharp or blurry?", "Sharp." if sharp == "sharp" else "Blurry.", "which"))
    light = attrs.get("lighting")
    if light:
        qa.append(QATurn("How is the face lit?", {"dim": "The lighting is dim.", "bright": "The lighting is bright.", "even": "The lighting is even."}[light], "what"))
    return qa


def _article_group(group: str) -> str:
    return {"child": "a child", "teen": "a teenager", "young adult": "a young adult", "middle-aged": "middle-aged", "senior": "a senior"}[group]


def write_all_qa(attrs: dict[str, Any], caption: str, seed: int | str = 0) -> list[QATurn]:
    """The template QA of :func:`write_qa` followed by the varied wordings of
    :func:`unif2ace.data.questions.write_questions` (training templates only)."""
    from unif2ace.data.questions import write_questions

    return write_qa(attrs, caption, seed) + write_questions(attrs, seed)


def rewrite_store_qa(folder: str | Path, progress: bool = True) -> dict[str, int]:
    """Rewrite the QA of a built dataset from each record's stated labels, without relabelling.

    A record whose QA begins with its own template QA (:func:`write_qa` of its stated labels and
    caption, as the builder wrote it) gets :func:`write_all_qa`; QA from a source (conversations,
    an LLM) is left alone. ``records.jsonl`` is replaced atomically in one write, so a stop leaves
    the old or the new file, and running it again gives the same file (resumable by re-running).
    Returns counts: records, rewritten, kept, turns.
    """
    import json

    from unif2ace.data.store import FaceStore
    from unif2ace.io import atomic_write_text

    store = FaceStore.open(folder)
    records = list(store)
    bar = None
    if progress:
        from unif2ace.progress import bar as progress_bar

        bar = progress_bar(len(records), "rewriting QA", unit="rec", iterable=records)
    counts = {"records": len(records), "rewritten": 0, "kept": 0, "turns": 0}
    lines = []
    for rec in bar if bar is not None else records:
        stated = {k: rec.attributes[k].value for k in rec.meta.get("stated", []) if k in rec.attributes}
        base = write_qa(stated, rec.caption, rec.id)
        mine = [(t.question, t.answer, t.kind) for t in base]
        if [(t.question, t.answer, t.kind) for t in rec.qa[:len(base)]] == mine and "stated" in rec.meta:
            rec.qa = write_all_qa(stated, rec.caption, rec.id)
            counts["rewritten"] += 1
        else:
            counts["kept"] += 1
        counts["turns"] += len(rec.qa)
        lines.append(json.dumps(rec.to_dict(), ensure_ascii=False) + "\n")
    atomic_write_text(store.records_path, "".join(lines))
    store.update_manifest(qa_rewrite={"module": "unif2ace.data.questions", **counts})
    return counts

"""Varied question wordings: the hash split of templates, honest answers, balance, follow-ups, the QA rewrite."""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter

import pytest

from unif2ace.data import questions as Q
from unif2ace.data import wordings as W
from unif2ace.data.qa import rewrite_store_qa, write_all_qa, write_qa
from unif2ace.data.records import FaceRecord, Label
from unif2ace.data.store import FaceStore
from unif2ace.evaluation.attributes import parse_attribute, polarity

FULL = {"age": 34, "age_group": "young adult", "gender": "female", "ethnicity": "Asian", "emotion": "happy",
        "smile": True, "mouth": "slightly open", "eyes": "open", "head_pose": "slightly turned left",
        "head_tilt": "upright", "color": "color", "sharpness": "sharp", "lighting": "even"}
GROUPS = ("child", "teen", "young adult", "middle-aged", "senior")
AGES = {"child": 6, "teen": 16, "young adult": 27, "middle-aged": 44, "senior": 71}


def random_attrs(rng: random.Random) -> dict:
    group = rng.choice(GROUPS)
    attrs = {"age": AGES[group], "age_group": group, "gender": rng.choice(["male", "female"]),
             "color": rng.choice(["color", "black and white"])}
    for k, values in (("smile", [True, False]), ("emotion", ["happy", "neutral", "sad", "surprise"]),
                      ("mouth", ["closed", "slightly open", "wide open"]),
                      ("head_pose", ["frontal", "turned left", "slightly turned right"]), ("ethnicity", ["White", "Black"])):
        if rng.random() < 0.8:
            attrs[k] = rng.choice(values)
    return attrs


def _fillings(template: str) -> set[str]:
    """Every text a template can become (all pronouns, groups and adjectives)."""
    out = set()
    for g in ("male", "female", None):
        p = Q.Person.of({"gender": g})
        for group in Q.GROUP_NOUN.values():
            for adj in Q.EMOTION_ADJ.values():
                out.add(p.fill(template, group=group, adj=adj))
    return out


def test_held_out_is_the_sha256_of_the_template_text():
    for t in Q.all_templates():
        h = int(hashlib.sha256(t.encode()).hexdigest()[:8], 16) % 100  # independent recomputation
        assert Q.held_out(t) == (h < Q.HELD_OUT_PERCENT and t not in Q.PINNED)
    templates = Q.all_templates()
    share = sum(map(Q.held_out, templates)) / len(templates)
    assert 0.08 < share < 0.35, share
    # every attribute the evaluation scores has wordings on both sides of the split
    for a in Q.EVAL_OPEN:
        assert Q.split_templates(Q.OPEN[a], "train") and Q.split_templates(Q.OPEN[a], "held-out"), a
    assert len(Q.split_templates(Q.OPEN["age_group"], "held-out")) >= 2
    for pool in (Q.OFF_TOPIC_FALSE, Q.OFF_TOPIC_TRUE, Q.CANT_TELL_QUESTIONS):
        assert Q.split_templates(pool, "train") and Q.split_templates(pool, "held-out")
    with pytest.raises(ValueError, match="template split"):
        Q.split_templates(["x"], "test")


def test_no_held_out_template_ever_appears_in_training_data():
    held = set().union(*(_fillings(t) for t in Q.all_templates() if Q.held_out(t)))
    assert len(held) > 40
    rng = random.Random(0)
    seen = set()
    for i in range(400):
        attrs = random_attrs(rng)
        for t in write_all_qa(attrs, "A caption.", f"rec{i}"):
            seen.add(t.question)
    assert not seen & held, sorted(seen & held)[:5]
    kept = {W.normalise(t) for t in Q.kept_out_texts()}  # nor one up to case, punctuation, contractions
    assert not {q for q in seen if W.normalise(q) in kept}
    assert len(seen) > 1000  # many wordings, most of them composed
    filled = set().union(*(_fillings(t) for t in Q.all_templates()))
    assert len(seen & filled) > 150


def test_the_original_template_qa_is_kept_first_and_unchanged():
    for i in range(20):
        attrs = random_attrs(random.Random(i))
        old = write_qa(attrs, "A caption.", f"r{i}")
        new = write_all_qa(attrs, "A caption.", f"r{i}")
        assert [(t.question, t.answer, t.kind) for t in new[:len(old)]] == [(t.question, t.answer, t.kind) for t in old]
        assert len(new) >= len(old) + 8


def test_answers_state_the_labels_and_only_labelled_attributes():
    pools = list(Q.OPEN.items()) + list(Q.FOLLOW_UPS.items())
    pools += [(k, list(W.composed("open", k))) for k in Q.OPEN]
    asks = {}  # every filled open question → the first attribute whose pool holds it
    for k, ts in pools:
        for x in ts:
            for q in _fillings(x):
                asks.setdefault(q, k)
    rng = random.Random(1)
    for i in range(300):
        attrs = random_attrs(rng)
        for t in Q.write_questions(attrs, f"r{i}"):
            a = t.answer
            if t.kind in ("open", "follow-up"):
                attr = asks.get(t.question)
                assert attr is not None, t.question
                assert parse_attribute(a, attr, loose=True) == attrs[attr], (t.question, a)
            if t.kind in ("yes/no", "off-topic"):
                assert re.match(r"^(Yes|No)[,.] ", a), a
            if t.kind == "cant-tell":
                assert Q.says_cant_tell(a)
            for name, cue in (("smile", "smil"), ("emotion", "looks"), ("mouth", "mouth")):
                if name not in attrs and t.kind != "cant-tell":
                    assert cue not in a.lower() or (name == "emotion" and "look like" in a), (name, a)


def test_yes_no_premises_are_balanced_and_off_topic_is_no():
    rng = random.Random(2)
    polar, off = Counter(), Counter()
    for i in range(600):
        attrs = random_attrs(rng)
        for t in Q.write_questions(attrs, f"r{i}"):
            if t.kind == "yes/no":
                polar[polarity(t.answer)] += 1
            elif t.kind == "off-topic":
                true_pool = Q.OFF_TOPIC_TRUE + list(W.composed("off-topic", True))
                off[(t.question in true_pool, polarity(t.answer))] += 1
    assert 0.4 < polar["yes"] / (polar["yes"] + polar["no"]) < 0.6, polar
    assert set(off) == {(True, "yes"), (False, "no")}
    assert 0.4 < off[(True, "yes")] / sum(off.values()) < 0.6


def test_a_follow_up_refers_back_and_comes_right_after_its_first_turn():
    qa = Q.write_questions(FULL, "r")
    kinds = [t.kind for t in qa]
    assert kinds.count("follow-up") == 1
    j = kinds.index("follow-up")
    assert j > 0 and qa[j - 1].kind == "open"
    assert re.match(r"^(And|What about|How old is she, then|How about)", qa[j].question) or "too" in qa[j].question
    assert Q.write_questions(FULL, "r") == qa and Q.write_questions(FULL, "s") != qa  # deterministic, varied


def test_yes_no_detection():
    for q in ("Is she smiling?", "Does he look happy?", "Would you say this is a woman?", "Is this a cat?"):
        assert Q.is_yes_no(q), q
    for q in ("Is this a man or a woman?", "Can you guess how old she is?", "How old is he?", "Male or female?"):
        assert not Q.is_yes_no(q), q
    for ts in Q.OPEN.values():  # open questions never read as yes/no (their answers do not start with one)
        assert not any(Q.is_yes_no(t) for t in ts)


def test_eval_questions_split_and_cover_the_measures():
    items = Q.eval_questions(FULL, "x")
    by = Counter((q.kind, q.split) for q in items)
    assert by[("age-3way", "train")] == 1 and by[("age-3way", "held-out")] == 2
    assert by[("yes/no", "train")] == 2 and by[("yes/no", "held-out")] == 2
    assert {q.premise for q in items if q.kind == "yes/no" and q.split == "held-out"} == {True, False}
    assert by[("off-topic", "held-out")] == 1 and by[("cant-tell", "held-out")] == 1
    for q in items:
        is_held = any(q.question in _fillings(t) for t in Q.all_templates() if Q.held_out(t))
        assert is_held == (q.split == "held-out"), q


def _store(tmp_path) -> FaceStore:
    store = FaceStore.create(tmp_path / "ds", {"source": "synthetic", "root": "."})
    recs = []
    for i in range(6):
        attrs = random_attrs(random.Random(i))
        labels = {k: Label(v) for k, v in attrs.items()}
        rec = FaceRecord(id=f"r{i}", image=f"r{i}.png", caption=f"Caption {i}.", attributes=labels,
                         meta={"stated": sorted(attrs)})
        rec.qa = write_qa(attrs, rec.caption, rec.id)
        recs.append(rec)
    foreign = FaceRecord(id="given", image="g.png", caption="A man.", qa=[], meta={"stated": []})
    foreign.qa = [write_qa({}, "A man.", "given")[0]]
    foreign.qa[0].answer = "Someone else's answer."
    store.append(recs + [foreign])
    return store


def test_rewrite_store_qa_adds_the_wordings_in_place_and_is_repeatable(tmp_path):
    store = _store(tmp_path)
    before = {r.id: r for r in store}
    counts = rewrite_store_qa(store.folder, progress=False)
    assert counts["records"] == 7 and counts["rewritten"] == 6 and counts["kept"] == 1
    first = store.records_path.read_bytes()
    after = {r.id: r for r in FaceStore.open(store.folder)}
    for rid, rec in after.items():
        old = before[rid]
        if rid == "given":
            assert rec.qa[0].answer == "Someone else's answer." and len(rec.qa) == 1
            continue
        assert rec.attributes.keys() == old.attributes.keys() and rec.caption == old.caption
        assert [t.question for t in rec.qa[:len(old.qa)]] == [t.question for t in old.qa]
        assert len(rec.qa) > len(old.qa) + 5
    assert rewrite_store_qa(store.folder, progress=False)["rewritten"] == 6
    assert store.records_path.read_bytes() == first
    assert json.loads(store.manifest_path.read_text())["qa_rewrite"]["rewritten"] == 6


def test_training_keeps_a_follow_up_after_its_first_turn(tmp_path):
    import torch

    from unif2ace.config import ModelConfig
    from unif2ace.text import load_text_tokenizer
    from unif2ace.training.config import from_dict
    from unif2ace.training.data import FaceTrainData

    store = _store(tmp_path)
    rewrite_store_qa(store.folder, progress=False)
    store = FaceStore.open(store.folder)
    store.write_splits((1.0, 0.0, 0.0), seed=0)
    ids = sorted(store.ids())
    meta = {"codebook_size": "64", "num_tokens": "16", "resolution": "32", "tokenizer": "synthetic"}
    store.write_shard("codes", "synth", ids, torch.zeros(len(ids), 16, dtype=torch.long), meta=meta)
    cfg = from_dict({"data": {"codes": "synth", "max_answer_tokens": 24, "max_turns": 3}})
    mc = ModelConfig.from_name("tiny", codebook_size=64, max_text_len=32)
    d = FaceTrainData(store, "train", "synth", load_text_tokenizer("bpe-1024"), mc, cfg.data, cfg.objective, seed=0)
    follow = 0
    for k in range(300):
        i, turns = d.mmu_conversation(k)
        rec = d.records[i]
        pos = {(t.question, t.answer): j for j, t in enumerate(rec.qa)}
        for n, turn in enumerate(turns):
            j = pos.get(turn)
            if j is not None and rec.qa[j].kind == "follow-up":
                follow += 1
                assert n > 0 and turns[n - 1] == (rec.qa[j - 1].question, rec.qa[j - 1].answer)
    assert follow > 5


def test_training_skips_records_whose_features_or_flip_codes_are_not_encoded_yet(tmp_path):
    import torch

    from unif2ace.config import ModelConfig
    from unif2ace.text import load_text_tokenizer
    from unif2ace.training.config import from_dict
    from unif2ace.training.data import FaceTrainData

    store = _store(tmp_path)
    store.write_splits((1.0, 0.0, 0.0), seed=0)
    ids = sorted(store.ids())
    meta = {"codebook_size": "64", "num_tokens": "16", "resolution": "32", "tokenizer": "synthetic"}
    store.write_shard("codes", "synth", ids, torch.zeros(len(ids), 16, dtype=torch.long), meta=meta)
    store.write_shard("codes", "synth-flip", ids[:5], torch.ones(5, 16, dtype=torch.long), meta=meta)
    store.write_shard("features", "dlib-128", ids[1:6], torch.arange(5.0)[:, None].repeat(1, 128))
    cfg = from_dict({"data": {"codes": "synth", "max_answer_tokens": 24}})
    mc = ModelConfig.from_name("tiny", codebook_size=64, max_text_len=32)
    d = FaceTrainData(store, "train", "synth", load_text_tokenizer("bpe-1024"), mc, cfg.data, cfg.objective, seed=0,
                      flip_name="synth-flip", features={"identity": "dlib-128"})
    assert d.ids == ids[1:5] and d.missing == len(ids) - 4
    assert d.features["identity"][:, 0].tolist() == [0.0, 1.0, 2.0, 3.0]  # rows follow the kept ids


def test_composed_templates_cover_each_kind_and_never_equal_a_kept_out_wording():
    kept = {W.normalise(t) for t in Q.kept_out_texts()}
    assert "Male or female?" in Q.kept_out_texts() and "Which sex is this person?" in Q.kept_out_texts()
    assert all(Q.kept_out(q) for q, _, _ in Q.OWN_OTHER_FORMS)  # the other forms too ("He or she?")
    for key in (("open", "gender"), ("open", "age_group"), ("open", "smile"), ("open", "emotion"),
                ("polar", "gender", "male"), ("polar", "age_group", "*"), ("polar", "smile", False),
                ("off-topic", False), ("off-topic", True), ("cant-tell",)):
        pool = W.composed(*key, held_out_texts=Q.kept_out_texts())
        assert len(pool) >= 30, key
        assert not {t for t in pool if W.normalise(t) in kept}, key
        assert len(set(pool)) == len(pool)
        for t in pool:  # open questions never read as yes/no; yes/no ones always do
            filled = Q.Person.of({"gender": "female"}).fill(t, group="a senior", adj="happy")
            assert Q.is_yes_no(filled) == (key[0] in ("polar", "off-topic")), filled
    # a composed wording equal to a kept-out one is dropped: the filter, on a pool that has one
    assert "Is this a cat?" in W._compose()[("off-topic", False)]
    assert "Is this a cat?" not in W.composed("off-topic", False, held_out_texts=frozenset({"is this a CAT"}))
    assert W.normalise("What's   the Colour?!") == W.normalise("what is the color") == "what is the color"


def test_vary_surface_retypes_without_changing_what_is_asked_and_never_yields_a_kept_out_wording():
    import numpy as np

    from unif2ace.training.data import retype

    rng = np.random.default_rng(0)
    base = ["How old is she?", "Is this a man or a woman?", "What is her name?", "Is she smiling?"]
    seen = Counter()
    for _ in range(400):
        for q in base:
            v = W.vary_surface(q, rng)
            seen[v != q] += 1
            content = {w for w in W.normalise(q).split() if len(w) > 4}
            got = W.normalise(v)
            # every long word survives, at most one of them with two letters swapped
            missing = [w for w in content if w not in got.split()]
            assert len(missing) <= 1 and all(sorted(w) in [sorted(x) for x in got.split()] for w in missing), (q, v)
            assert Q.is_yes_no(v) == Q.is_yes_no(q), (q, v)
    assert 0.4 < seen[True] / sum(seen.values()) < 0.99
    # retype keeps the share and never produces a kept-out wording
    assert not any(Q.kept_out(retype(q, rng, 1.0)) for q in base * 50)
    assert sum(retype("Is she smiling?", rng, 0.3) != "Is she smiling?" for _ in range(2000)) / 2000 < 0.3
    assert retype("Is she smiling?", rng, 0.0) == "Is she smiling?"


def test_retype_falls_back_to_the_question_when_the_retyped_one_is_kept_out(monkeypatch):
    import numpy as np

    from unif2ace.training.data import retype

    rng = np.random.default_rng(0)
    monkeypatch.setattr(W, "vary_surface", lambda q, rng: "male or female")  # a held-out wording, retyped
    assert retype("Man or woman?", rng, 1.0) == "Man or woman?"
    monkeypatch.setattr(W, "vary_surface", lambda q, rng: "man or woman")
    assert retype("Man or woman?", rng, 1.0) == "man or woman"


def test_yes_no_detection_after_a_greeting():
    for q in ("Hi! Is she smiling?", "So, is this a cat", "Question: is he a man?", "Can you tell me: is she happy?",
              "I'm curious, does the person look sad?", "In your opinion, is she smiling?", "Btw, is he a man?",
              "Would you guess this person is under 40?", "Could you guess she is over 30?",
              "Would you guess she's over 18?", "Would you say they're smiling?",
              "Would you guess this person has kids?"):  # 6 Dec 2026, session 47: got an age, 7 years off the description's
        assert Q.is_yes_no(q), q
    for q in ("Hey, male or female?", "Question: how old?", "Can you tell me how old he is?", "Would you guess her age?",
              "Could you guess the age?", "Would you guess the person's age?"):
        assert not Q.is_yes_no(q), q


@pytest.mark.parametrize("question, meant", [
    # a reason asked after the question (7 Dec 2026: "Is this person a kid? Why?" got "I can't tell from this photo."):
    # the question is answered, its words giving the reason
    ("Is this person a kid? Why?", "Is this person a kid?"), ("Is the person older than 30? Explain.",
                                                              "Is the person older than 30?"),
    ("How old is she? How do you know?", "How old is she?"), ("Is she happy? And why?", "Is she happy?"),
    ("Why?", "Why?"), ("Why is she sad?", "Why is she sad?"),  # a reason asked alone stays a question of its own
])
def test_a_reason_asked_after_a_question_leaves_the_question(question, meant):
    assert Q.as_meant(question) == meant


@pytest.mark.parametrize("question", [
    # a modal verb, a hedge, a statement with a question mark, or a tag asking to be confirmed (each got "I can't
    # tell from this photo." or an answer without its Yes or No)
    "might this be a man?", "May I ask if she's a senior?", "Should I assume this is a guy?", "Must be a senior, right?",
    "any chance this is a woman?", "Any chance she's over 60", "Is there any chance he is smiling?",
    "so he's in his 30s?", "She's a senior?", "I think she's about 40?", "Perhaps she is sad?", "It's a color photo?",
    "You'd say this is an older person?", "You would say she is smiling?",  # 7 Dec 2026: got "I can't tell …"
    "I'd say this is a woman, am I right?", "This is a man, would you say?", "A kid, is that right?",
    # a value to guess, a question inside another, a yes/no asked for first ("A man.", "I can't tell", a remark)
    "Would you guess female?", "Would you say a senior?", "Any idea if they're smiling?",
    "I'm wondering if this person is a senior.", "How likely is it that she's over 50?",
    "What are the odds this is a woman?", "Yes or no: is this a woman?", "True or false: this person is smiling.",
    "Probability that this is male?", "Likelihood that she is over 50?", "The odds that he is a senior?",
    # how sure the model is of a claim ("How confident are you that this is a man?" got "I can't tell from this photo.")
    "How confident are you that this is a man?", "How sure are you that she is smiling?",
    "What percentage sure are you that this is a woman?",  # 7 Dec 2026: got "I can't tell from this photo."
    "How certain are you that he's over 40?",
    # an "or" that bounds an age is no choice ("Is she 30 or older?" got "30 years old: a young adult.")
    "Is she 30 or older?", "Is he 40 or so?", "Does the person look like they are in their 60s or older?",
    # nor does "give or take" ("Is she between 20 and 30? Give or take." got "I can't tell from this photo.")
    "Is she between 20 and 30? Give or take.", "Is she 25, give or take a few years?", "Is he 40 plus or minus 5?",
    # an age bound after "what about" in a chat ("What about older than 20?" got "I can't tell from the photo alone.")
    "What about older than 20?", "And what about over 60?", "What about 30?",
])
def test_a_yes_no_question_in_any_form_reads_as_one(question):
    assert Q.is_yes_no(Q.as_meant(question))
    assert Q.asked_attributes(Q.as_meant(question)) == []


@pytest.mark.parametrize("question", [
    "May I ask her age?", "Could I know his gender?", "He's how old?", "She is a woman or a girl?",
    "May I ask you what her mood is?", "Any chance you could tell me how old he is?",
    "He looks older.", "I think she's about 40.",  # no question mark: a remark (constraints.remark_reply)
    "Would you guess her age?", "Could you guess the age?", "Any idea how old he is?", "I wonder how old she is.",
    "How likely is it she is smiling or not?", "What are the chances?", "How sure are you?",
    "How confident are you about her age?",
    # requests to repeat or confirm a value ("Can you repeat the age?" got "Yes. He is a senior." of a man of 52)
    "Can you repeat the age?", "Could you say her age again?", "Can you confirm the gender?", "What about a smile?",
])
def test_requests_choices_and_remarks_are_not_yes_no(question):
    assert not Q.is_yes_no(Q.as_meant(question))


@pytest.mark.parametrize("typed, meant", [
    ("Yes or no: is this a woman?", "is this a woman?"), ("True or false: this person is smiling.", "this person is smiling?"),
    ("Smiling or nah?", "Smiling or not?"), ("Is this a teenager, yes or no?", "Is this a teenager?"),
])
def test_the_form_a_question_asks_its_answer_in_is_read_past(typed, meant):
    assert Q.as_meant(typed) == meant


@pytest.mark.parametrize("question, attribute", [
    ("man? woman?", "gender"), ("Boy? Or girl?", "gender"),  # two terse alternatives: a choice
    ("Is this a man or not?", "gender"), ("Is this a man or what?", "gender"),  # got "Slightly open, with …"
    ("Is he a senior or not?", "age_group"), ("Is this a kid or not?", "age_group"), ("Is she smiling or not?", "smile"),
])
def test_a_value_or_not_asks_its_attribute(question, attribute):
    assert Q.asked_attribute(Q.as_meant(question)) == attribute
    assert Q.as_meant("Why? How?") == "Why? How?"  # alternatives that name no attribute stay as typed


@pytest.mark.parametrize("question, attribute", [
    ("Colour or B&W?", "color"), ("Is the photo in colour or black and white?", "color"), ("b/w or color?", "color"),
    ("Is this image colored or grayscale?", "color"), ("And the colour?", "color"),
    ("What color are their eyes?", None), ("What colour is her hair?", None),  # no label states these
    ("What color is the background, white or black?", None),
    ("What color is the photo?", "color"), ("What colour is this image?", "color"),  # got "I can't tell from this photo."
    ("What color is her shirt?", None),
])
def test_the_photo_s_colour_asked_as_a_choice(question, attribute):
    assert Q.asked_attribute(Q.as_meant(question)) == attribute  # "Colour or B&W?" got "Closed."


@pytest.mark.parametrize("question", ["he or she?", "He or she", "Is it him or her?", "so, he or she?"])
def test_a_pronoun_choice_alone_asks_the_gender(question):
    assert Q.asked_attribute(Q.as_meant(question)) == "gender"  # it got "I can't tell from this photo."
    assert Q.as_meant("Is he or she smiling?") == "Is the person smiling?"  # a pronoun left open is one person


@pytest.mark.parametrize("typed, meant", [
    ("is she smilling", "is she smiling"), ("Is this a femal?", "Is this a female?"),
    ("Is he wearing glases?", "Is he wearing glasses?"), ("Is she a teenagr?", "Is she a teenager?"),
    ("Is he happpy?", "Is he happy?"), ("Hows the moood?", "Hows the mood?"),
    ("any chanse this is a woman?", "any chance this is a woman?"), ("perhps a man?", "perhaps a man?"),  # the hedges
    # words of the vocabulary, short words and words two letters from any stay as typed
    ("Is she smelling?", "Is she smelling?"), ("how old r they", "how old r they"),
    ("Is this person Mexican?", "Is this person Mexican?"), ("Is she wearing lipstick?", "Is she wearing lipstick?"),
    # English words one letter from a question word stay as typed
    ("Thanks, that's all", "Thanks, that's all"), ("Is the light good?", "Is the light good?"),
    ("Is she South Asian?", "Is she South Asian?"), ("How many faces are there?", "How many faces are there?"),
    ("Is it bright or dark?", "Is it bright or dark?"), ("Are these three people?", "Are these three people?"),
    ("Is it worse while he smiles?", "Is it worse while he smiles?"), ("Is his cheek red?", "Is his cheek red?"),
])
def test_spelled_reads_a_misspelt_question_as_meant(typed, meant):
    assert Q.spelled(typed) == meant


def test_every_template_is_spelled_as_written():
    for template in Q.all_templates():
        assert Q.spelled(template) == template


@pytest.mark.parametrize("question, attribute", [
    ("How is she feeling?", "emotion"), ("Are they happy or sad?", "emotion"),
    ("Give me one word for their expression.", "emotion"), ("What is the lighting like?", "lighting"),
    ("Is the photo sharp or blurry?", "sharpness"), ("Is she smiling or not?", "smile"),
    ("What's her expression, is she smiling?", None),  # two attributes: none checked
    # an age in months or weeks ("How many months old is he?" got "A boy.")
    ("How many months old is he?", "age_group"), ("How many weeks old is the baby?", "age_group"),
    ("How old is she in dog years?", "age_group"), ("How old is the dog?", None),
    # 7 Dec 2026: each got "I can't tell from this photo."
    # formal wordings (7 Dec 2026: "I can't tell from this photo." and the whole description)
    ("To what extent is the subject exhibiting positive affect?", "emotion"),
    ("Characterize the subject's facial affect.", "emotion"), ("Does the lighting affect the photo?", None),
    ("Guess: over or under 30?", "age_group"), ("Guess: above or below 40?", "age_group"),
    ("How many candles were on their last birthday cake?", "age_group"),
    # an expression on either side of "or" ("Is she delighted or sad?" got "Slightly open, with the lips parted.":
    # only a word before "or" counted, and "delighted" was not one)
    ("Is she delighted or sad?", "emotion"), ("Does she look joyful or angry?", "emotion"),
    ("Is she scared or happy?", "emotion"), ("Is she pleased or upset?", "emotion"),
    ("Is she more angry or more scared?", "emotion"),  # "or more" before a word is a choice, not a bound
    ("Is she smiling or sad?", "smile"),  # a smile before "or": the smile is asked
    ("Is this a man or a woman?", "gender"), ("Is he 30 or more?", None),  # a bound: yes/no
    # a choice of grandparents is one of gender ("Is this someone's grandma or grandpa?" got "In color.")
    ("Is this someone's grandma or grandpa?", "gender"), ("Grandpa or grandma?", "gender"),
    ("Is this a grandfather or a grandmother?", "gender"),
    # "any idea of …" names a topic ("Any idea of the age?" got "Yes. It is a photo of a person."); "any idea if
    # …" asks the yes/no question inside
    ("Any idea of the age?", "age_group"), ("Any idea about her gender?", "gender"), ("Any idea if she smiles?", None),
    ("Is she closer to 20 or to 40?", "age_group"),  # got "I can't tell from this photo."
    # how someone seems is the expression ("how does the person seem" got "She is 56 years old, so she is a senior."
    # of a woman described as 40 and happy)
    ("how does the person seem", "emotion"), ("How does she look?", "emotion"), ("How does he look to you?", "emotion"),
    ("How old does she look?", "age_group"), ("How does the photo look?", None),
])
def test_open_questions_about_the_expression_and_the_photo_are_read(question, attribute):
    assert Q.asked_attribute(question) == attribute


def test_every_expression_word_is_read_as_an_option_on_either_side_of_or():
    """The expression choice reads the words the attribute parser knows (``attributes._EMOTIONS``) and
    those no label states (``UNLABELLED_EXPRESSIONS``): a word added there is read here."""
    from unif2ace.evaluation.attributes import _EMOTIONS

    words = re.findall(r"[a-z]+", "|".join([*_EMOTIONS.values(), Q.UNLABELLED_EXPRESSIONS]).replace("?:", ""))
    words = {w for w in words if len(w) > 3 and w not in {"looks", "seems", "appears", "feels", "good", "high",
                                                              "spirits", "mood", "content", "bad", "low"}}
    assert len(words) > 30
    for word in sorted(words):
        assert Q.asked_attribute(f"Is she {word} or sad?") == "emotion", word
        assert Q.asked_attribute(f"Is he calm or {word}?") == "emotion", word


def test_asked_attributes_lists_every_attribute_asked():
    assert Q.asked_attributes("Is the person male or female, and how old?") == ["gender", "age_group"]
    assert Q.asked_attributes("How old?") == ["age_group"] and Q.asked_attributes("Is he smiling?") == []
    assert Q.asked_attributes("How old is the photo, and is she smiling or not?") == ["smile"]


@pytest.mark.parametrize("question, polar, attribute", [
    # the question a message asks is its last sentence, after thanks or "and"
    ("Thanks. Are they wearing glasses?", True, None), ("Ok, and is she smiling?", True, None),
    ("Great. Is this a man?", True, None), ("I took this yesterday. Is she smiling?", True, None),
    ("Thanks! How old is he?", False, "age_group"), ("Thank you. Man or woman?", False, "gender"),
    ("And how old is he?", False, "age_group"), ("And a smile?", False, "smile"),  # a follow-up fragment stays open
    ("She is my aunt. What is her ethnicity?", False, "ethnicity"),
    # a topic named first ("How about the age, is he over 30?" got an open question's answer)
    ("How about the age, is he over 30?", True, None), ("What about her age: is she a teen?", True, None),
    ("As for gender, is this a woman?", True, None), ("What about his age, how old is he?", False, "age_group"),
    ("How about the age?", False, "age_group"),
])
def test_the_question_a_message_asks_is_read_after_what_comes_before_it(question, polar, attribute):
    assert Q.is_yes_no(question) == polar
    assert Q.asked_attribute(question) == attribute


@pytest.mark.parametrize("question, polar", [
    # question tags ask yes or no
    ("A woman, right?", True), ("Smiling, is he?", True), ("He's young, isn't he?", True),
    ("This is a man, is it not?", True), ("She looks happy, yes?", True), ("Male or female, right?", False),
    ("How old is he, roughly?", False),
    # a request for a value is an open question; "tell if" / "whether" still asks yes or no
    ("Can you tell me her age, roughly?", False), ("Could you guess her age?", False), ("Can you describe her?", False),
    ("Can you tell if she is smiling?", True), ("Could you tell me whether she smiles?", True),
    ("Can you see a smile?", True), ("Would you say she is a senior?", True), ("Would you call her elderly?", True),
    # a terse question that names a value asks yes or no; one that names an attribute asks for its value
    ("Smiling?", True), ("A man?", True), ("Over 50?", True), ("Eyes open?", True), ("Hi! Grinning?", True),
    ("Married?", True), ("A cat?", True), ("Gender?", False), ("Age group?", False), ("Her mood, roughly?", False),
    ("Gender of this person?", False), ("Describe her?", False), ("And a smile?", False), ("Smiling.", False),
    ("Guy or gal?", False), ("How old?", False), ("Colour photo?", True), ("Color?", False),
    ("ok and is the person smiling", True), ("well is he old", True),  # a lead-in without a comma (got "He is smiling.")
])
def test_yes_no_detection_reads_tags_and_requests(question, polar):
    assert Q.is_yes_no(question) == polar


@pytest.mark.parametrize("question", ["Tell me about this person.", "Can you describe her?", "What do you see?",
                                      # 6 Dec 2026: got "I can't tell from this photo."
                                      "Can you describe him as best you can?", "Describe her as well as you can.",
                                      "Describe this person to the best of your ability.",
                                      "Describe her in as much detail as possible.",
                                      # 5 Dec 2026: got "I can't tell from this photo."
                                      "What can you tell me about this gentleman?", "Tell me about this fellow.",
                                      "What can you tell me about him?", "Describe the person in this picture.",
                                      "Hi! Please describe him in detail.", "What's in this picture?",
                                      "Give me a short description of this person.", "What does this person look like?",
                                      "What does she look like?", "What does her face look like?",
                                      "What's going on in this pic?", "What is happening here?", "What am I looking at?",
                                      "What's this picture of?", "Describe her in one sentence.",
                                      "Can you describe him in a few sentences, please?", "How does she look?",
                                      "What can you tell me?", "Describe the person's face briefly.",
                                      "Describe her appearance.", "Describe this man's looks, please.",
                                      "Describe her face.", "Tell me everything you can about this face.",
                                      "Tell me what you see.", "What else can you tell me?",
                                      "What else can you tell me about her?", "What's the first thing you notice?",
                                      "What do you notice first about this face?", "What stands out about this person?",
                                      "What features stand out on this face?",  # 8 Dec 2026: got "Neutral."
                                      "What strikes you most about her?", "What are your first impressions of this photo?",
                                      "What jumps out at you in this picture?", "Describe the subject's face for me",
                                      "Describe the subject.", "what do you make of this photo?",
                                      "What's your take on this picture?", "What do you think of her?",
                                      "ok cool. anything else notable?", "Anything else worth noting about her?",
                                      # whom it is for, and a summary (each got "A man." or "I can't tell")
                                      "Describe this face to a police sketch artist.",
                                      # 7 Dec 2026 (late): each got "I can't tell from this photo."
                                      "Describe them like you would to a police sketch artist.",
                                      "Can you tell me anything about this person?", "what are you looking at",
                                      "What's one thing you can tell me about them?", "What can you see?",
                                      "Tell me everything.",
                                      "Summarise what you told me in one sentence.", "Sum it up, please.",
                                      # "Give me a one-sentence summary." got "A woman."
                                      "Give me a one-sentence summary.", "Write a short summary of this person.",
                                      "Give me an overview of the photo.",
                                      # in whose manner (each got "I can't tell from this photo.")
                                      "Describe her like a police report.", "Describe him as a detective would.",
                                      "Describe this person in the style of a news report.",
                                      # 7 Dec 2026: "This is a woman." and "I can't tell from this photo."
                                      "Tell me something interesting about this photo.",
                                      "What can you infer about this person?", "What can you infer from the photo?",
                                      # 7 Dec 2026 (night): a yes/no answer, and the age alone
                                      "Label this image for a face dataset in one line.", "Annotate this face.",
                                      "Tell me what you see, then tell me the age."])
def test_description_requests_are_read_in_any_wording(question):
    assert Q.asks_description(question)


# 5 December: each got "No. He is in color.", "I can't tell from this photo.", an age or a garbled caption
@pytest.mark.parametrize("question", [
    "Examine the photo and describe what stands out.", "Look at the picture and tell me what you see.",
    "Study the photo and tell me what stands out.", "Examine the image and describe what you see in it.",
    "Take a look at this photo and describe it.", "Have a look at the picture and describe the person.",
    "Describe what stands out.", "Describe what stands out in this photo.", "Tell me what stands out about this person.",
    "Check out this photo and tell me what you think.", "Look at this picture. Describe her.",
    "What are the most noticeable features of this person?", "Point out the key features in the image.",
    "Highlight the key details of this photo.", "List the main features of this face.",
    "<image>\nDescribe the person in the image."])
def test_looking_first_and_naming_features_are_description_requests(question):
    assert Q.asks_description(Q.without_answer_form(question))


@pytest.mark.parametrize("question", [
    "Examine the photo and describe what stands out about her hair.", "Look at the photo and tell me her age.",
    "Describe the details of her smile.", "List the features of her eyes.", "Tell me what you think of her hair.",
    "Look at her eyes and describe them.", "Examine the photo and tell me whether she is smiling."])
def test_a_look_first_request_about_one_thing_is_not_a_description_request(question):
    assert not Q.asks_description(question)


@pytest.mark.parametrize("question, polar", [
    # each got an answer without its Yes or No ("She is smiling.", "Yes, he looks neutral.")
    ("Tell me whether she wears glasses.", True), ("Tell me if this person is smiling.", True),
    ("Let me know if he looks happy.", True), ("I'd like to know whether he is smiling.", True),
    ("Look at the photo and tell me whether he is smiling.", True),
    ("Look closely at his face and tell me if he is happy.", True),
    ("Take a close look at her, then tell me if she is over 50.", True),
    ("Tell me whether this is a man or a woman.", False), ("Look at the photo and tell me how old he is.", False),
    ("Tell me if you can: how old is she?", False), ("Look at the photo.", False),
    # the photo named first (7 Dec 2026, night: "Looking at this headshot, would you say the subject is in their
    # twenties?" got "She is 32 years old, so she is a young adult.")
    ("Looking at this headshot, would you say the subject is in their twenties?", True),
    ("Based on this photo, is she over 30?", True), ("Judging by the picture, is he smiling?", True),
    ("From the picture alone, how old is he?", False), ("In this photo is he smiling?", True)])
def test_a_yes_no_question_inside_a_request_or_after_look_first_is_yes_no(question, polar):
    assert Q.is_yes_no(Q.as_meant(question)) == polar


@pytest.mark.parametrize("question, meant, read", [
    # the checks read a yes/no question; the model reads what was typed (a measured choice: data.questions.as_meant)
    ("Is there a cat in the image? Please answer yes or no.", "Is there a cat in the image?", None),  # MME
    ("Is this person male? Answer with yes or no only.", "Is this person male?", None),  # got "It is a man."
    ("The person is smiling. Please answer yes or no.", "The person is smiling?", None),
    ('Is this a man? Respond with "yes" or "no".', "Is this a man?", None),
    ("Is she happy? Answer with a simple yes or no.", "Is she happy?", None),
    # image placeholders and chat roles are read by neither
    ("<image>\nDescribe the person in the image.", "Describe the person in the image.", ...),  # got "He looks neutral."
    ("USER: <image>\nWhat is the person's ethnicity? ASSISTANT:", "What is the person's ethnicity?", ...),
    ("<|image|>Is he smiling?", "Is he smiling?", ...), ("Is he old?\n\nAnswer:", "Is he old?", ...),
    # and chat templates' special tokens (7 Dec 2026: "[INST] Describe the face. [/INST]" got "I can't tell from this
    # photo.")
    ("[INST] Describe the face. [/INST]", "Describe the face.", ...), ("<s>[INST] How old is she? [/INST]", "How old is she?", ...),
    ("<|im_start|>user\n<image>\nIs he smiling?<|im_end|>\n<|im_start|>assistant\n", "Is he smiling?", ...),
    ("<|start_header_id|>user<|end_header_id|>\n\nHow old?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
     "How old?", ...),
    ("<start_of_turn>user\nDescribe her.<end_of_turn>\n<start_of_turn>model\n", "Describe her.", ...),
    ("### Human: How old is he? ### Assistant:", "How old is he?", ...),
    ("Answer yes or no.", "Answer.", "Answer yes or no."),  # nothing else is asked: as before
    ("What is her age? Answer in one word.", "What is her age?", None),  # its length is read from the question as typed
])
def test_benchmark_prompt_forms_are_left_out(question, meant, read):
    assert Q.as_meant(question) == meant
    assert Q.without_answer_form(question) == (question if read is None else meant if read is ... else read)


@pytest.mark.parametrize("question, meant", [
    ("Tell me whether she wears glasses.", "Does she wear glasses?"), ("Tell me whether he is a woman.", "Is he a woman?"),
    ("Let me know if he looks happy.", "Does he look happy?"), ("Tell me whether he has a beard.", "Does he have a beard?"),
    ("Can you tell me if they are smiling?", "Are they smiling?"), ("Tell me if he's a senior.", "Is he a senior?"),
    ("I'd like to know whether the person in the photo is older than 50.", "Is the person in the photo older than 50?"),
    ("Look at the photo and tell me whether he is smiling.", "Is he smiling?"),
    ("Tell me if he has been crying.", "Has he been crying?"),
    # a choice, a wh-question or another subject: as typed
    ("Tell me whether the person in the photo is a man or a woman.", "Tell me whether the person in the photo is a man or a woman."),
    ("Tell me if you can see her teeth.", "Tell me if you can see her teeth."),
    ("Tell me whether he is older than his sister and how old he is.", "Tell me whether he is older than his sister and how old he is.")])
def test_a_yes_no_question_asked_as_a_request_is_asked_directly(question, meant):
    assert Q.without_answer_form(question) == meant


@pytest.mark.parametrize("question", ["Describe her expression.", "What does her smile look like?", "Describe the head pose of the person.",
                                      "Tell me about her mood.", "What's in the background?", "Tell me her age.",
                                      "What do you see in her eyes?", "Who is this?", "Is this a person?",
                                      "Describe her expression in one sentence.", "How does her face look?",
                                      "How does she look today?", "Describe the person's expression.",
                                      "Describe the man's eyes.", "Describe her face's expression.",
                                      "What stands out about her expression?", "What strikes you about his age?",
                                      "What are your thoughts on her smile?", "Give me a summary of her mood."])
def test_a_request_about_one_thing_is_not_a_description_request(question):
    assert not Q.asks_description(question)


@pytest.mark.parametrize("question, identity", [
    ("Who is this?", True), ("Who do we have here?", True), ("Hi! Who's this?", True), ("Do you know who this is?", True),
    ("Can you identify him?", True), ("Do you recognize her?", True), ("Who might this be?", True),
    ("who is the person in the picture?", True), ("Can you tell me who she is?", True),
    ("Who is older?", False), ("Who looks happier, him or her?", False), ("Whose photo is this?", False),
    ("Who took this photo?", False), ("What is her name?", False), ("Can you tell if she is smiling?", False),
])
def test_a_question_about_who_the_person_is_is_read_as_one(question, identity):
    assert Q.asks_identity(question) == identity


@pytest.mark.parametrize("reads_as", [Q.asks_description, Q.not_english], ids=["a description request", "another language"])
def test_no_question_of_the_data_reads_as(reads_as):
    p = Q.Person.of({"gender": "female"})
    assert not [t for t in Q.all_templates() if reads_as(p.fill(t, group="a senior", adj="happy"))]


def test_every_hand_written_template_reads_as_its_kind():
    p = Q.Person.of({"gender": "female"})
    for kind, pools in (("open", Q.OPEN), ("polar", Q.POLAR)):
        for templates in pools.values():
            for t in templates:
                assert Q.is_yes_no(p.fill(t, group="a senior", adj="happy")) == (kind == "polar"), t
    assert not any(Q.is_yes_no(p.fill(t)) for t in Q.CANT_TELL_QUESTIONS)


def test_a_false_premise_answer_names_what_was_asked():
    rng = random.Random(5)
    girl = {"gender": "female", "age_group": "child", "age": 6, "emotion": "sad"}
    woman = {"gender": "female", "age_group": "young adult", "age": 30, "emotion": "happy"}
    for _ in range(20):
        q, a, truth = Q.polar_question("gender", woman, False, rng)
        assert not truth and a.endswith("a woman, not a man.") and a.startswith("No"), (q, a)
        q, a, _ = Q.polar_question("gender", girl, False, rng)
        assert a.endswith("a girl, not a boy."), (q, a)
        q, a, _ = Q.polar_question("gender", woman, True, rng)
        assert a.lower().endswith("this is a woman.") and a.startswith("Yes"), (q, a)
        q, a, _ = Q.polar_question("emotion", woman, False, rng)
        asked = next(adj for adj in Q.EMOTION_ADJ.values() if adj in q)
        assert a.endswith(f"looks happy, not {asked}.") and asked != "happy", (q, a)


@pytest.mark.parametrize("question, meant", [
    ("Is he or she smiling?", "Is the person smiling?"), ("Is he/she a teenager?", "Is the person a teenager?"),
    ("Are his or her eyes open?", "Are the person's eyes open?"), ("How old is him or her?", "How old is the person?"),
])
def test_a_pronoun_left_open_is_one_person_not_a_choice(question, meant):
    # "Is he or she smiling?" was read as a choice and got "It is a girl. She is not smiling."
    assert Q.as_meant(question) == meant and Q.is_yes_no(meant) == question.startswith(("Is ", "Are "))


@pytest.mark.parametrize("question, meant", [
    # 8 Dec 2026: "Is this man or woman young?" and "Is this boy or girl happy?" got "A man." and "A girl."
    ("Is this man or woman young?", "Is this person young?"), ("Is this boy or girl happy?", "Is this person happy?"),
    ("Is the boy/girl smiling?", "Is the person smiling?"), ("Is this man or woman a senior?", "Is this person a senior?"),
    ("Is the man or woman in the photo smiling?", "Is the person in the photo smiling?"),
    # a choice asked alone, or of where the person is, stays one
    ("Is this man or woman?", "Is this man or woman?"), ("Is this a man or a woman?", "Is this a man or a woman?"),
    ("Is the man or woman in the photo?", "Is the man or woman in the photo?"),
])
def test_nouns_of_either_gender_as_a_subject_are_one_person(question, meant):
    assert Q.as_meant(question) == meant


@pytest.mark.parametrize("question, meant", [
    # 8 Dec 2026: "Can the age of this person be estimated?" got "Yes, he is a photo of a person.", "Is it possible to
    # tell her age?" "No. She is a senior, not a senior."
    ("Can the age of this person be estimated?", "What is the age of this person?"),
    ("Can his gender be determined from this photo?", "What is his gender?"),
    ("Is it possible to tell her age?", "What is her age?"), ("Are you able to estimate his age?", "What is his age?"),
    ("Could you guess the age of this person?", "What is the age of this person?"),
    ("Can you tell her gender from this photo?", "What is her gender?"),
    # whether a photo can say a gender at all (pronoun_answer's), and a yes/no asked, stay
    ("Is it possible to guess the gender?", "Is it possible to guess the gender?"),
    ("Can you tell if she is happy?", "Can you tell if she is happy?"),
])
def test_whether_an_attribute_can_be_told_asks_what_it_is(question, meant):
    assert Q.as_meant(question) == meant


def test_a_description_asked_in_another_language_is_a_description():
    # 8 Dec 2026: "Describe her in Spanish." got "Happy." (and the note that answers are in English)
    assert Q.asks_description("Describe her in Spanish.") and Q.asks_description("Describe this person in Chinese.")
    assert not Q.asks_description("How old is she in Spanish?") and not Q.asks_description("Describe her in Spanish class.")


def test_a_reason_asked_after_a_question_is_left_out_of_what_it_asks():
    assert Q.without_reason_after("Is this person happy or sad, and why?") == "Is this person happy or sad?"
    assert Q.without_reason_after("Is he a kid? Explain.") == "Is he a kid?"
    assert Q.without_reason_after("Classify the age as child, teen, adult or senior. Why? Answer in one word.") == \
        "Classify the age as child, teen, adult or senior. Answer in one word."
    assert Q.without_reason_after("Why is she sad?") == "Why is she sad?"
    assert Q.without_reason_after(" Is she happy? ") == "Is she happy?"


def test_chat_spellings_of_short_words_are_read_as_meant():
    assert Q.as_meant("r u sure?") == "are you sure?" and Q.as_meant("how old do u think") == "how old do you think"
    assert Q.as_meant("whats ur guess, pls") == "what's your guess, please"
    assert Q.as_meant("Is he in the U.S. Army?").startswith("Is he in the U.S.")  # an abbreviation stays
    # 6 Dec 2026: "is ths a girl" of a man described as 52 got "No, this is a boy, not a girl." (not read as a yes/no
    # question, so never checked against the description)
    assert Q.as_meant("is ths a girl") == "is this a girl" and Q.is_yes_no("is this a girl")
    assert Q.as_meant("wat is her mood") == "what is her mood" and Q.as_meant("hw old is she") == "how old is she"
    assert Q.as_meant("isnt she smiling") == "is she smiling"  # mended before the negative is read plainly
    assert Q.as_meant("Is this a dis-ease?") == "Is this a dis-ease?"  # part of a hyphenated word stays
    assert Q.as_meant("is he hapy") == "is he happy"  # 7 Dec 2026: got "I can't tell from this photo."
    # 7 Dec 2026: got "Yes. She looks about 85 years old."
    assert Q.as_meant("Would you say they're more young or more old?") == "Would you say they're young or old?"
    # 7 Dec 2026: "What if he's actually 30?" got "I can't tell from this photo.": a remark on the age given
    assert Q.as_meant("What if he's actually 30?") == "He's actually 30."
    assert Q.as_meant("What if it rains?") == "What if it rains?"
    # 7 Dec 2026: "Indicate whether the photograph is monochromatic." got "I can't tell from the photo alone."
    assert Q.as_meant("Indicate whether the photograph is monochromatic.") == "Is the photograph monochromatic?"
    assert Q.asked_length("Estimate the individual's age in years, giving a single integer.") == ("words", 1)


@pytest.mark.parametrize("question", ["Is this an infant or a toddler?", "Is it a baby or a child?",
                                      "Is this a kid or a teenager?", "Teen or young adult?",
                                      "On a scale from child to senior, where would you put them?"])
def test_a_choice_between_two_young_stages_asks_the_age(question):
    # "Is this an infant or a toddler?" got "A woman." and "Closed."
    assert Q.asked_attribute(question) == "age_group"


@pytest.mark.parametrize("message, parts", [
    ("Is she smiling, and is she wearing glasses?", ["Is she smiling?", "is she wearing glasses?"]),
    ("Is this a woman? Is she over 50?", ["Is this a woman?", "Is she over 50?"]),
    ("Is she young? Is she happy? Is the photo in color?", ["Is she young?", "Is she happy?", "Is the photo in color?"]),
    ("Is this a woman; is she smiling?", ["Is this a woman?", "is she smiling?"]),
    ("How old is she and is she smiling?", ["How old is she?", "is she smiling?"]),
    ("Is it a man, and what is his age?", ["Is it a man?", "what is his age?"]),
    ("Thanks. Is he smiling? And is he old?", ["Thanks. Is he smiling?", "And is he old?"]),
    ("ok, and is he wearing glasses; does he have a beard?", ["ok, and is he wearing glasses?", "does he have a beard?"]),
    # one question: a choice, a tag, fragments, a remark after it, open questions answered together
    ("Is she a senior, or is she middle-aged?", None), ("Is she smiling, is she?", None), ("Man? Woman?", None),
    ("Is he smiling? I think so.", None), ("Man or woman? How old?", None), ("Is he smiling and happy?", None),
    ("Is the person male or female, and how old?", None), ("What? Is she old?", None),
    ("Is this a man? yes or no?", None), ("Is this a man or a woman?", None), ("Describe her.", None),
])
def test_a_message_is_split_into_the_whole_questions_it_asks(message, parts):
    from unif2ace.data.questions import split_questions

    assert split_questions(message) == (parts or [message])


@pytest.mark.parametrize("question, length", [
    ("Give me three words to describe her.", ("words", 3)), ("Describe the person in one sentence.", ("sentences", 1)),
    ("Describe her briefly.", ("sentences", 1)), ("Sum him up in one word.", ("words", 1)),
    ("Describe him in 3 words, please.", ("words", 3)), ("Three words to describe this person?", ("words", 3)),
    ("Give me a short description of this person.", ("sentences", 1)), ("What are three words for her?", ("words", 3)),
    ("Can you describe him in a few sentences, please?", ("sentences", 3)), ("Pick five words that describe him.", ("words", 5)),
    ("Tell me about this person.", None), ("Describe this face in detail.", None),
    ("Describe her expression in one sentence.", None), ("Is she smiling?", None),
])
def test_description_length_reads_how_short_a_description_is_asked_to_be(question, length):
    assert Q.description_length(question) == length


@pytest.mark.parametrize("question, polar", [
    ("I wonder if she's older than 40.", True), ("I do wonder whether he is smiling.", True),  # it got a remark's reply
    ("I wonder how old she is.", False),
    ("Tell me whether the person is smiling.", False),  # the training data's open form: "She is smiling."
])
def test_i_wonder_if_asks_yes_or_no(question, polar):
    assert Q.is_yes_no(question) == polar


@pytest.mark.parametrize("message, other", [
    ("¿Cuántos años tiene esta persona?", True), ("Quel âge a cette personne?", True), ("Wie alt ist diese Person?", True),
    ("Ist sie glücklich?", True), ("Сколько лет этому человеку?", True), ("这个人多大了？", True),
    # function words the English word list holds as borrowings ("es", "una", "oder") do not make them English
    ("¿Es un hombre o una mujer?", True), ("Ist das ein Mann oder eine Frau?", True),
    ("Est-ce un homme ou une femme?", True), ("È un uomo o una donna?", True),
    ("Is this person Latino, like de la Cruz?", False), ("Is this Che Guevara?", False), ("Um, is he smiling?", False),
    # typos, chat spellings, names and lone words stay English
    ("Whats the age of the persn in the pic?", False), ("how old r u", False), ("Is this Barack Obama?", False),
    ("Smilng?", False), ("Is she a señorita?", False), ("ok", False),
])
def test_not_english_finds_messages_in_another_language(message, other):
    assert Q.not_english(message) == other


@pytest.mark.parametrize("question, asked, form, length", [
    ("Is the person smiling?\nAnswer the question using a single word or phrase.", "Is the person smiling?",
     "Answer the question using a single word or phrase.", ("words", 1)),  # LLaVA's VQA prompt
    ("Is this a woman? Answer in one word.", "Is this a woman?", "Answer in one word.", ("words", 1)),
    ("How old is he? Short answer.", "How old is he?", "Short answer.", ("sentences", 1)),
    ("Describe her.\nAnswer in one sentence.", "Describe her.", "Answer in one sentence.", ("sentences", 1)),
    ("Answer me this: is he old?", "is he old?", "Answer me this:", None),  # an instruction first, then the question
    ("Answer in one word.", "Answer in one word.", "", ("words", 1)), ("I have a short question. Is she old?",
                                                                        "I have a short question. Is she old?", "", None),
    # the form set first (each was read with the instruction as part of the question: "Answer only yes or no: is he
    # smiling?" got "He is smiling.", no yes/no question)
    ("Answer only yes or no: is he smiling?", "is he smiling?", "Answer only yes or no:", ("words", 1)),
    ("One word answer: is she happy?", "is she happy?", "One word answer:", ("words", 1)),
    ("Short answer please: how old is he?", "how old is he?", "Short answer please:", ("sentences", 1)),
    ("Answer with yes or no. Is he over 40?", "Is he over 40?", "Answer with yes or no.", None),
    ("Respond with only a number: how old is he?", "how old is he?", "Respond with only a number:", ("words", 1)),
    ("How old is he? Answer with just a number.", "How old is he?", "Answer with just a number.", ("words", 1)),
    # the fifth held-out forms got "False. It is a photo of a woman."
    ("Is this a man? Respond only with true or false.", "Is this a man?", "Respond only with true or false.",
     ("words", 1))])
def test_a_last_sentence_that_sets_the_answers_form_is_read_apart(question, asked, form, length):
    assert Q.answer_form(question) == (asked, form)
    assert Q.asked_length(question) == length
    assert Q.as_meant(question) == asked


def test_a_description_asked_within_a_number_of_words_is_a_description_request():
    """"Give me a caption under 10 words." got "I can't tell from this photo."."""
    for question, length in (("Give me a caption under 10 words.", ("words", 9)),
                             ("Describe her in under 8 words.", ("words", 7)),
                             ("Write a description in no more than twelve words.", ("words", 12)),
                             ("Describe her in 5 words or less.", ("words", 5)), ("Caption this, max 6 words.", ("words", 6))):
        assert Q.asks_description(Q.as_meant(question)) and Q.asked_length(question) == length, question
    assert Q.asked_length("Is she under 10?") is None


def test_a_line_is_a_sentence():
    """6 Dec 2026: "Tell me his age and mood in one line." got two sentences; "Write one line about her." the whole
    description joined into one long line. A line asked is one sentence; a line or sentence written about the person
    is a description request."""
    for question in ("Describe him in one line.", "Write one line about her.", "Write one sentence about her.",
                     "Write a sentence describing him.", "Give me one line about this person."):
        assert Q.asks_description(Q.as_meant(question)) and Q.asked_length(question) == ("sentences", 1), question
    assert Q.asked_length("Tell me his age and mood in one line.") == ("sentences", 1)
    assert not Q.asks_description("Tell me his age and mood in one line.")
    assert Q.asked_length("Is there a line on her forehead?") is None  # a line seen, no length
    assert not Q.asks_description("Tell me a sentence about the weather.")


def test_an_answer_asked_in_one_sentence_is_one_sentence():
    from unif2ace.generation.brief import one_sentence

    assert one_sentence("He is 75 years old, so he is a senior. He looks happy.") == \
        "He is 75 years old, so he is a senior, and he looks happy."
    assert one_sentence("No. She looks about 34 years old.") == "No, she looks about 34 years old."
    assert one_sentence("No. This is a man, not a woman. He looks about 15 years old.") == \
        "No, this is a man, not a woman, and he looks about 15 years old."
    assert one_sentence("Yes. He is smiling. His eyes are open.") == "Yes, he is smiling, and his eyes are open."
    assert one_sentence("I can't tell from this photo.") == "I can't tell from this photo."
    assert one_sentence('{"age": 29, "note": "A woman. She smiles."}') == '{"age": 29, "note": "A woman. She smiles."}'


@pytest.mark.parametrize("question", ["Give me just his age.", "Age only.", "Her age in years, nothing else.",
                                      "What's her age? Just the number please.", "Could you give her age as a number?",
                                      "Can you output her age as an integer?",
                                      # the second held-out forms got "27 years old: a young adult."
                                      "Return the estimated age as a bare integer.", "Give his age as digits.",
                                      "How old are they? Give a number between 0 and 100 and nothing else.",
                                      # 7 Dec 2026: got "She is 20 years old, so she is a young adult."
                                      "Age in numbers only please", "Age? Number only."])
def test_the_age_alone_is_one_word(question):
    """Each got the age in a sentence ("He is 47 years old, so he is middle-aged."); "Can you output her age as an
    integer?" got "Yes." (read as "Would you describe her as young?" is)."""
    assert Q.asked_length(question) == ("words", 1)
    assert not Q.is_yes_no(Q.as_meant(question))
    assert Q.is_yes_no(Q.as_meant("Would you describe her as young?"))


@pytest.mark.parametrize("question", [
    "Give me three adjectives for this face.",  # got a description naming another age than the photo's one
    "What three words describe this face?",  # got the whole description
    "Describe her in three adjectives.", "List three adjectives that describe him.",
    "Describe this face with three adjectives.", "What three words would describe her?",
    "What's the vibe of this picture in three words?"])  # 8 Dec 2026: got "Happy."
def test_a_few_adjectives_are_a_description_of_a_few_words(question):
    from unif2ace.data.questions import asks_description, description_length

    assert asks_description(question) and description_length(question) == ("words", 3)


@pytest.mark.parametrize("question, length", [
    ("How would you describe him?", None),  # got "I can't tell from this photo."
    ("What do you think about this person?", None),  # 8 Dec 2026: got "I can't tell from this photo."
    ("In three words, how would you describe him?", ("words", 3)),  # got "I can't tell from this photo."
    ("How would you describe her in two adjectives?", ("words", 2)), ("Using two words, describe her.", ("words", 2)),
    ("Tell me one thing about his face.", ("sentences", 1)),  # got the whole description
    ("Name one fact about this person.", ("sentences", 1)),
    # a caption asked for (7 Dec 2026: "How would you caption this for Instagram?" got "I can't tell from this photo.";
    # since the evening a social media post's caption is one sentence, as alt text is)
    ("How would you caption this for Instagram?", ("sentences", 1)), ("What caption would you give this photo?", None)])
def test_how_would_you_describe_and_one_thing_are_description_requests(question, length):
    from unif2ace.data.questions import asks_description, description_length

    assert asks_description(question) and description_length(question) == length
    assert not asks_description("How would you describe his mood?")  # one attribute: asked as it is


@pytest.mark.parametrize("question, length", [
    # 7 Dec 2026 (night): "… Give a single number." got "She is 32 years old, so she is a young adult."
    ("What is the most likely age of this person? Give a single number.", ("words", 1)),
    ("How old? Give me a number please.", ("words", 1)), ("Give a single number for her age.", ("words", 1)),
    ("Give a number from 1 to 10 for her happiness.", None), ("Give a number for her mood.", None),
])
def test_a_number_asked_in_a_sentence_of_its_own_is_one_word(question, length):
    assert Q.asked_length(question) == length


@pytest.mark.parametrize("typed, meant", [
    # 7 Dec 2026 (night): English as learners write it ("Is she more then 30?" and "he look how many year?" got "I
    # can't tell from this photo.", "The person's mood is?" "No. Her eyes are open.")
    ("Is she more then 30?", "Is she more than 30?"), ("he look how many year?", "he look how old?"),
    ("how many years is he?", "how old is he?"), ("The person's mood is?", "What is the person's mood?"),
    ("Her age is?", "What is her age?"),
    ("How many years until she turns 50?", "How many years until she turns 50?"),  # a span, not the age
    ("How many years older is he than me?", "How many years older is he than me?"),
    ("How many years old is this person?", "How many years old is this person?"),  # as read before
    ("The person is?", "The person is?"),  # no value named
])
def test_learners_english_is_read_as_meant(typed, meant):
    assert Q.as_meant(typed) == meant


def test_be_concise_and_whats_going_on_with_the_face_ask_a_description():
    # 7 Dec 2026 (night): "Describe. Be concise." got "I can't tell from this photo.", "What's going on with their
    # face?" "Neutral." of a smiling woman
    assert Q.answer_form("Describe. Be concise.") == ("Describe.", "Be concise.")
    assert Q.description_length("Describe. Be concise.") == ("sentences", 1)
    assert Q.asks_description("What's going on with their face?")


def test_chat_follow_ups_found_on_the_night_of_7_december():
    # "Add the gender." after "Give me the age as JSON." got "It is a man.", then "Now as a table." "This is a man."
    assert Q.key_follow_up(["Give me the age as JSON.", "Add the gender."]) == "Give me the age as JSON, and the gender."
    assert Q.form_follow_up(["Give me the age as JSON.", "Add the gender.", "Now as a table."]) == \
        "Give me the age as a table, and the gender."
    assert Q.key_follow_up(["How old is she?", "Add the gender."]) is None  # no form asked
    assert Q.key_follow_up(["Describe her in JSON.", "Add the ethnicity."]) is None  # a description's: its own follow-up
    # "As a range?" after an age rounded got "I can't tell from this photo."
    assert Q.age_follow_up(["How old?", "Round to the nearest ten.", "As a range?"]) == "Give me an age range for this person."
    # "What's this?" got the age, "OK, describe them then." "A man."
    for question in ("What's this?", "OK, describe them then."):
        assert Q.asks_description(Q.as_meant(question)), question
    assert not Q.asks_description("What's this called?")


@pytest.mark.parametrize("message, parts", [
    # 7 Dec 2026 (night): "When was this photo taken, and how old is he?" got the photo's age, not his
    ("When was this photo taken, and how old is he?", ["When was this photo taken?", "how old is he?"]),
    ("What is the resolution? How old is she?", ["What is the resolution?", "How old is she?"]),
    ("Man or woman? How old?", ["Man or woman? How old?"]),  # open questions about the person: answered together
    # 7 Dec 2026 (late): joined by "and" without a comma, the date question starting with "when", was not split
    ("How old is she and when was the photo taken?", ["How old is she?", "when was the photo taken?"]),
    ("How old is he and why do you think so?", ["How old is he and why do you think so?"]),  # one question, its reason
])
def test_a_question_about_the_photo_file_is_asked_apart(message, parts):
    assert Q.split_questions(message) == parts

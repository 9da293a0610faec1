"""Caption and QA templates: state only what was labelled, vary wording, cover the QA forms."""

from __future__ import annotations

import itertools
import random

from unif2ace.data.captions import write_caption
from unif2ace.data.labelling import age_group
from unif2ace.data.qa import write_qa

FULL = {"age": 34, "age_group": "young adult", "gender": "female", "ethnicity": "Asian", "emotion": "happy",
        "smile": True, "mouth": "slightly open", "eyes": "open", "head_pose": "slightly turned left",
        "head_tilt": "upright", "color": "color", "sharpness": "sharp", "lighting": "even", "glasses": True,
        "facial_hair": True}
# words that may only appear when the attribute behind them was labelled
CUES = {"emotion": ["happy", "expression"], "smile": ["smil"], "mouth": ["mouth", "lips"], "glasses": ["glasses"],
        "eyes": ["eyes"], "head_pose": ["camera", "turned", "facing"], "lighting": ["lighting"],
        "ethnicity": ["Asian"], "sharpness": ["sharp", "focus"],
        "facial_hair": ["beard", "moustache"]}


def test_age_groups():
    assert [age_group(a) for a in (0, 12, 13, 19, 20, 35, 36, 55, 56, 90)] == [
        "child", "child", "teen", "teen", "young adult", "young adult", "middle-aged", "middle-aged", "senior", "senior"]


def test_caption_states_only_labelled_attributes():
    for drop in itertools.combinations(CUES, 3):
        attrs = {k: v for k, v in FULL.items() if k not in drop}
        cap = write_caption(attrs, "rec-" + "".join(drop)).lower()
        for name in drop:
            for cue in CUES[name]:
                if name == "eyes" and cue == "eyes" and "eyes narrowed" in cap:
                    continue
                assert cue.lower() not in cap, (name, cue, cap)
        assert "34" in cap and ("woman" in cap)


def test_caption_varies_and_is_deterministic():
    caps = {write_caption(FULL, f"id{i}") for i in range(20)}
    assert len(caps) >= 10
    assert write_caption(FULL, "same") == write_caption(FULL, "same")
    assert len(write_caption(FULL, "x").split()) >= 40


def test_pronouns_follow_gender():
    cap = write_caption({**FULL, "gender": "male", "age": 70, "age_group": "senior"}, 1)
    assert " she " not in f" {cap.lower()} " and " her " not in f" {cap.lower()} "
    neutral = write_caption({k: v for k, v in FULL.items() if k != "gender"}, 2)
    assert " she " not in f" {neutral.lower()} " and "They" in neutral


def test_qa_forms_and_consistency():
    cap = write_caption(FULL, "r")
    qa = write_qa(FULL, cap, "r")
    assert len(qa) >= 6
    kinds = {t.kind for t in qa}
    assert {"describe", "how-old", "which", "yes/no"} <= kinds
    answers = " ".join(t.answer for t in qa)
    assert "34 years old" in answers and "Young adult (20–35 years)" in answers
    assert any(t.question.startswith("Is there a smile") or t.question.endswith("smiling?") for t in qa)
    # nothing asked about attributes that were not labelled
    few = write_qa({"age": 5, "age_group": "child", "color": "color"}, "", "r")
    assert all("smil" not in t.question and "glasses" not in t.question for t in few)


def test_yes_no_questions_are_balanced():
    answers = [t.answer.split(",")[0].split(".")[0] for i in range(200) for t in write_qa(FULL, "", f"r{i}")
               if t.kind == "yes/no" and ("age" in t.question.lower() or "this person a" in t.question or "photo" in t.question)]
    assert 0.25 < answers.count("Yes") / len(answers) < 0.75


def test_ages_in_words_are_grammatical_and_read_back():
    from unif2ace.data.captions import years_old
    from unif2ace.data.questions import open_answer, polar_age_answer
    from unif2ace.evaluation.attributes import parse_age_years

    assert [years_old(a) for a in (0.5, 1, 1.9, 2, 35)] == [
        "less than a year old", "1 year old", "1 year old", "2 years old", "35 years old"]
    baby = {**FULL, "age": 1, "age_group": "child", "gender": "male"}
    texts = [write_caption(baby, f"b{i}") for i in range(30)] + [t.answer for i in range(30)
                                                                 for t in write_qa(baby, f"b{i}")]
    texts += [open_answer("age_group", baby, random.Random(i)) for i in range(4)]
    assert not any("1 years" in t for t in texts), [t for t in texts if "1 years" in t]
    assert any("1 year old" in t for t in texts)
    assert all(parse_age_years(t) == 1 for t in texts if "1 year old" in t)
    rng = random.Random(0)
    assert polar_age_answer(baby, 0.5, False, rng).lower().endswith("he looks less than a year old.")
    assert polar_age_answer(baby, 1.2, False, rng).lower().endswith("he looks about 1 year old.")
    assert parse_age_years(polar_age_answer(baby, 0.5, False, rng)) == 0.5

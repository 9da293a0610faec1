"""The attribute rule set: hand-written captions, the template writer's captions, questions and answers."""

from __future__ import annotations

import random

import pytest

from unif2ace.data.captions import write_caption
from unif2ace.data.qa import write_qa
from unif2ace.evaluation.attributes import (
    answer_key,
    is_polar,
    parse_attribute,
    parse_caption,
    question_attribute,
)
from unif2ace.evaluation.tasks import short_prompt

HAND_WRITTEN = [
    ("A smiling woman in her 30s with short curly red hair, freckles and round glasses.",
     {"gender": "female", "age_group": "young adult", "smile": True, "glasses": True}),
    ("Portrait of an elderly Black man with a grey beard, looking slightly to the left. He is not smiling; his mouth is closed.",
     {"gender": "male", "age_group": "senior", "ethnicity": "Black", "facial_hair": True, "head_pose": "slightly turned left",
      "smile": False, "mouth": "closed"}),
    ("A black-and-white photo of a teenage girl with her eyes closed and lips parted, in dim lighting.",
     {"gender": "female", "age_group": "teen", "color": "black and white", "eyes": "closed", "mouth": "slightly open",
      "lighting": "dim"}),
    ("A young Asian woman without glasses faces the camera with a neutral expression. The image is blurry.",
     {"gender": "female", "age_group": "young adult", "ethnicity": "Asian", "glasses": False, "head_pose": "frontal",
      "emotion": "neutral", "sharpness": "blurry"}),
    ("A close-up of a 4-year-old boy laughing with his mouth wide open, brightly lit.",
     {"gender": "male", "age_group": "child", "smile": True, "mouth": "wide open", "lighting": "bright"}),
    ("A middle-aged South Asian man, clean-shaven, head tilted, photographed in color.",
     {"gender": "male", "age_group": "middle-aged", "ethnicity": "Indian", "facial_hair": False, "head_tilt": "tilted",
      "color": "color"}),
    ("She looks surprised, her head turned to the right, eyes wide open.",
     {"gender": "female", "emotion": "surprise", "head_pose": "turned right", "eyes": "open"}),
    ("A sharp, evenly lit headshot of a 62-year-old White woman with a happy expression.",
     {"gender": "female", "age_group": "senior", "ethnicity": "White", "sharpness": "sharp", "lighting": "even",
      "emotion": "happy"}),
]


@pytest.mark.parametrize("text, expected", HAND_WRITTEN)
def test_parse_hand_written_captions(text, expected):
    assert parse_caption(text) == expected


@pytest.mark.parametrize("text, group", [
    ("Does this person look like a pensioner?", "senior"), ("Is he a retiree?", "senior"),
    ("Is this a granddad?", "senior"), ("Is he a grandad?", "senior"), ("Is this gramps?", "senior"),
    ("Is that an old guy?", "senior"), ("Is she somebody's granny?", "senior"), ("Is she in her fifties?", "middle-aged"),
    ("Is he in his forties?", "middle-aged"), ("Is he in his twenties?", "young adult"), ("Is she a youngster?", "child"),
    ("Is this a baby?", "child"), ("A schoolgirl with a ponytail.", "child"),
    ("Does this person appear to be of advanced age?", "senior"), ("Is he getting on in years?", "senior"),
    ("Would you say they're a grandparent?", "senior"),
])
def test_age_group_words_people_use(text, group):
    assert parse_attribute(text, "age_group") == group


@pytest.mark.parametrize("text, gender", [
    ("Is this a dude?", "male"), ("A bloke with a beard.", "male"), ("Is the lad smiling?", "male"),
    ("Is this gal a senior?", "female"), ("A lady in a hat.", "female"),  # "lady" is no "lad"
    # grandparents name a gender ("Is this person somebody's grandpa?" got "Yes, she is a senior." of a woman)
    ("Is this person somebody's grandpa?", "male"), ("Is this a granddad?", "male"), ("Is this gramps?", "male"),
    ("Is she somebody's granny?", "female"), ("Is this a grandma?", "female"), ("Is this his nana?", "female"),
])
def test_gender_words_people_use(text, gender):
    assert parse_attribute(text, "gender") == gender  # "is this a dude" got "No. This is a man, not a man."


@pytest.mark.parametrize("text, attribute, value", [
    # 7 Dec 2026: each got "Yes, it is a photo of a person." of a boy described as happy, in a colour photo
    ("Does the person look like they are about to cry?", "emotion", "sad"), ("Is he in tears?", "emotion", "sad"),
    ("Is the image in sepia?", "color", "black and white"),
])
def test_crying_is_sad_and_sepia_is_monochrome(text, attribute, value):
    assert parse_attribute(text, attribute) == value


def test_no_attribute_invented_from_neutral_text():
    assert parse_caption("A photo.") == {}
    assert "ethnicity" not in parse_caption("A black-and-white picture of a man wearing a white shirt.")


def _random_attrs(rng: random.Random) -> dict:
    attrs = {}
    choices = {
        "gender": ["male", "female"], "age_group": ["child", "teen", "young adult", "middle-aged", "senior"],
        "ethnicity": ["White", "Black", "Asian", "Indian"], "emotion": ["happy", "neutral", "sad", "surprise"],
        "smile": [True, False], "mouth": ["closed", "slightly open", "wide open"], "eyes": ["open", "narrowed"],
        "head_pose": ["frontal", "slightly turned left", "turned right"], "head_tilt": ["tilted"],
        "glasses": [True], "facial_hair": [True], "color": ["color", "black and white"], "sharpness": ["sharp", "blurry"],
        "lighting": ["dim", "bright", "even"],
    }
    for k, vals in choices.items():
        if rng.random() < 0.7:
            attrs[k] = rng.choice(vals)
    if "age_group" in attrs:  # UTKFace records always carry the age; "man" alone names no group
        attrs["age"] = {"child": 7, "teen": 16, "young adult": 28, "middle-aged": 45, "senior": 70}[attrs["age_group"]]
    attrs.setdefault("gender", rng.choice(["male", "female"]))  # the writer names the age group through a gendered noun
    if "head_tilt" in attrs and "head_pose" not in attrs:
        attrs.pop("head_tilt")  # the writer mentions tilt only together with the pose
    return attrs


def test_parser_reads_back_every_template_caption():
    rng = random.Random(0)
    for i in range(400):
        attrs = _random_attrs(rng)
        caption = write_caption(attrs, seed=i)
        got = parse_caption(caption)
        want = {k: v for k, v in attrs.items() if k != "age"}
        assert got == want, caption


def test_questions_and_answer_keys_of_template_qa():
    rng = random.Random(1)
    for i in range(200):
        attrs = _random_attrs(rng)
        for turn in write_qa(attrs, "", seed=i):
            attr = question_attribute(turn.question)
            assert attr is not None, turn.question
            key = answer_key(turn.question, turn.answer)
            if is_polar(turn.question):
                assert key in ("yes", "no"), (turn.question, turn.answer)
            elif attr in attrs:
                assert key == f"{attr}={attrs[attr]}", (turn.question, turn.answer)


@pytest.mark.parametrize("question, answer, key", [
    ("Is this a man or a woman?", "It is a woman.", "gender=female"),
    ("Is this a man or a woman?", "woman", "gender=female"),
    ("Is the person smiling?", "Yes, she is smiling.", "yes"),
    ("Is the person smiling?", "no", "no"),
    ("Which age group does this person belong to: child, teen, young adult, middle-aged or senior?", "Middle-aged.",
     "age_group=middle-aged"),
    ("How old is this person?", "About 70 years old.", "age_group=senior"),
    ("Is the mouth open or closed?", "Wide open.", "mouth=wide open"),
    ("Which way is the head turned?", "Slightly toward the left side of the image.", "head_pose=slightly turned left"),
    ("How is the face lit?", "Dim.", "lighting=dim"),
    ("What ethnicity is the person labelled as?", "South Asian.", "ethnicity=Indian"),
    ("What colour is the sky?", "Blue!", "blue"),
])
def test_answer_keys(question, answer, key):
    assert answer_key(question, answer) == key


def test_short_prompts_state_what_they_ask():
    text, asks = short_prompt({"gender": "female", "age_group": "senior", "smile": True, "glasses": True, "mouth": "closed"})
    assert text == "A close-up photo of a smiling elderly woman with glasses."
    assert asks == {"gender": "female", "age_group": "senior", "smile": True, "glasses": True}
    assert parse_caption(text) == asks
    text, asks = short_prompt({"gender": "male", "age_group": "teen", "ethnicity": "Indian", "emotion": "neutral",
                               "facial_hair": True})
    assert parse_caption(text) == asks
    assert parse_attribute(text, "ethnicity") == "Indian"


def test_age_by_gender_age_group_counts_each_judge_against_the_prompted_cell():
    """Per prompted gender × age group: the share of each judge's readings that are the prompted age group
    (only items that judge read), and the labeller's median age; prompts without a gender count nowhere."""
    from unif2ace.evaluation.generation import age_by_gender_age_group

    def item(gender, group, lab, age, lab_real, age_real, probe=None):
        return {"asks": {"age_group": group, "gender": gender},
                "labeller": {"age_group": lab, "age": age} if lab else {"face_detected": False},
                "labeller_real": {"age_group": lab_real, "age": age_real},
                "probe": {"age_group": probe} if probe else {}, "probe_real": {"age_group": lab_real}}

    items = [item("female", "senior", "young adult", 27, "senior", 71, "young adult"),
             item("female", "senior", "senior", 66, "senior", 80, "senior"),
             item("female", "senior", None, None, "middle-aged", 50, None),
             item("male", "senior", "senior", 70, "senior", 75, "middle-aged"),
             {"asks": {"age_group": "teen"}, "labeller": {"age_group": "teen", "age": 15}, "labeller_real": {},
              "probe": {}, "probe_real": {}}]
    got = age_by_gender_age_group(items)
    assert list(got) == ["female / senior", "male / senior"]
    f = got["female / senior"]
    assert f["n"] == 3 and f["labeller"] == 0.5 and f["labeller_real"] == pytest.approx(2 / 3)
    assert f["probe"] == 0.5 and f["probe_real"] == pytest.approx(2 / 3) and f["probe_facenet"] is None
    assert f["median_age_labeller"] == 46.5 and f["median_age_labeller_real"] == 71.0
    m = got["male / senior"]
    assert m["labeller"] == 1.0 and m["probe"] == 0.0 and m["median_age_labeller"] == 70.0


def test_gender_by_age_group_counts_each_judge_against_the_prompt():
    from unif2ace.evaluation.generation import gender_by_age_group

    def item(group, want, lab, lab_real, probe, probe_real, face=True):
        return {"asks": {"age_group": group, "gender": want}, "labeller": {"gender": lab, "face_detected": face},
                "labeller_real": {"gender": lab_real}, "probe": {"gender": probe} if probe else {},
                "probe_real": {"gender": probe_real}}

    items = [item("child", "female", "female", "male", "male", "female", face=False),
             item("child", "male", "male", "male", "male", "female"),
             item("child", "male", "female", "male", None, "male"),
             {**item("senior", "female", "female", "female", "female", "female"),
              "probe_facenet": {"gender": "male"}, "probe_facenet_real": {"gender": "female"}},
             {"asks": {"age_group": "teen"}, "labeller": {}, "labeller_real": {}, "probe": {}, "probe_real": {}}]
    got = gender_by_age_group(items)
    assert set(got) == {"child", "senior"}  # a prompt without a gender counts nowhere
    assert got["child"] == {"n": 3, "labeller": pytest.approx(2 / 3), "labeller_real": pytest.approx(2 / 3),
                            "probe": 0.5, "probe_real": pytest.approx(2 / 3), "face_detected": pytest.approx(2 / 3),
                            "probe_facenet": None, "probe_facenet_real": None}  # a judge that did not run: no rate
    assert got["senior"]["n"] == 1 and got["senior"]["labeller"] == 1.0
    assert got["senior"]["probe_facenet"] == 0.0 and got["senior"]["probe_facenet_real"] == 1.0


@pytest.mark.parametrize("text, years", [
    # 7 Dec 2026 (night): a range answer was read by its upper end ("… (my best guess: 27)" as 37)
    ("Roughly 17 to 37 years old (my best guess: 27).", 27.0), ("He is 20-30 years old.", 25.0),
    ("10 to 12 years old", 11.0), ("He is 27 years old.", 27.0), ("a 5-year-old boy", 5.0),
])
def test_an_age_range_is_read_by_its_best_guess_or_middle(text, years):
    from unif2ace.evaluation.attributes import parse_age_years

    assert parse_age_years(text) == years

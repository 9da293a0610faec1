"""Questions users word their own way about the person's clothes, the photo's clarity and light, and a rounded age
(found by asking a val photo questions nobody had tried; docs/inference.md, "Clothes, clarity, light and rounded
ages")."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from unif2ace.data.questions import as_meant, asked_attributes, is_yes_no
from unif2ace.evaluation.attributes import parse_attribute
from unif2ace.generation.constraints import (
    FACT_WORDINGS,
    asked_age_range,
    grounded_answer,
    grounded_yes_no,
    unseen_question,
    with_facts,
    yes_no_grounded,
)


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    from unif2ace.pipeline import UniF2ace, write_random_model

    return UniF2ace.from_pretrained(write_random_model(tmp_path_factory.mktemp("model") / "tiny"))


def _image(seed: int, luminance: float | None = None) -> Image.Image:
    im = Image.fromarray(np.random.default_rng(seed).integers(0, 255, (64, 64, 3), dtype=np.uint8))
    if luminance is not None:
        im.info["luminance"] = luminance  # the photo's own mean luma, as prepare() keeps it
    return im


@pytest.mark.parametrize("question, meant", [
    ("Is the man in the hat smiling?", "Is the man smiling?"),
    ("Is the woman wearing earrings happy?", "Is the woman happy?"),
    ("Is the girl with the bow in her hair a child?", "Is the girl a child?"),
    ("Does the lady in the scarf look happy?", "Does the lady look happy?"),
    ("Is the guy with the red cap smiling?", "Is the guy smiling?"),
    ("Is the woman in the white shirt happy?", "Is the woman happy?"),
    ("How old is the man in the red cap?", "How old is the man?"),  # asked first: the worn thing may end it
    ("Is the girl in the red clothes happy?", "Is the girl happy?"),  # one list of clothes for both readings
    # what is worn, asked about, stays
    ("Is the man in a hat?", "Is the man in a hat?"), ("Is the man wearing a hat?", "Is the man wearing a hat?"),
    ("Is the woman in this picture wearing a necklace?", "Is the woman in this picture wearing a necklace?"),
    # glasses may be described: a premise to check, not left out
    ("Is the woman with glasses smiling?", "Is the woman with glasses smiling?"),
    ("Is the man in the photo smiling?", "Is the man in the photo smiling?"),
    # a list of what is worn is what is asked (7 Dec 2026: "Is the person wearing a hat or glasses?" was read as "Is
    # the person or glasses?" and got "No. She is not smiling.")
    ("Is the person wearing a hat or glasses?", "Is the person wearing a hat or glasses?"),
    ("Is the woman wearing a scarf and earrings?", "Is the woman wearing a scarf and earrings?"),
])
def test_what_is_worn_to_say_who_is_meant_is_read_without_it(question, meant):
    assert as_meant(question) == meant


@pytest.mark.parametrize("question", ["Is the man in the hat smiling?", "Does the lady in the scarf look happy?",
                                      "Is the woman wearing earrings happy?", "How old is the man in the red cap?"])
def test_a_question_naming_the_person_by_what_they_wear_is_answered(question):
    """Each got "I can't tell from this photo.": the hat or earrings made the whole question unseen."""
    assert unseen_question(question) and not unseen_question(as_meant(question))
    meant = as_meant(question)
    assert (yes_no_grounded(meant) if is_yes_no(meant) else asked_attributes(meant))
    assert unseen_question(as_meant("Is the man wearing a hat?"))  # the hat asked about: nothing says
    assert unseen_question("Is there a cardigan in the photo?")  # got "No. It is a photo of a person."


@pytest.mark.parametrize("question, expected", [
    ("How clear is this picture?", ["sharpness"]), ("Rate how clear this photo is.", ["sharpness"]),
    ("Is the photo clear or blurry?", ["sharpness"]),
    ("Relay a brief, clear account of the picture shown.", []),  # a description, clear of the account
    ("Is it clear from the photo whether she is smiling?", []),
])
def test_how_clear_the_photo_is_asks_its_sharpness(question, expected):
    assert [a for a in asked_attributes(question) if a == "sharpness"] == expected


@pytest.mark.parametrize("text, value", [
    ("Is the image clear?", "sharp"), ("Is this a clear photo?", "sharp"), ("Is the photo unclear?", "blurry"),
    ("Is the picture not clear?", "blurry"), ("She is clearly smiling.", None),
    ("Is it clear from the photo whether she is smiling?", None),
])
def test_clear_of_the_photo_is_read_as_sharpness(text, value):
    assert parse_attribute(text, "sharpness") == value


@pytest.mark.parametrize("question, value", [
    ("Is it dark in this photo?", "dim"), ("Is the face in shadow?", "dim"), ("Is the photo too bright?", "bright"),
    ("Is the image bright?", "bright"), ("Is it a well-lit photo?", "good"),
])
def test_yes_no_questions_about_the_light_ask_the_lighting(question, value):
    from unif2ace.generation.constraints import _asked_values

    assert yes_no_grounded(question) == {"lighting"} and _asked_values(question)["lighting"] == value
    assert "lighting" not in yes_no_grounded("Is she a bright kid?")


def test_facts_fill_what_the_description_leaves_out():
    caption = "The image shows a close-up portrait of a White young woman, aged 25. It is a color picture."
    got = with_facts(caption, 130.0, {"sharpness": "Sharp.", "smile": "No, she is not smiling."})
    assert parse_attribute(got, "lighting") == "even" and parse_attribute(got, "sharpness") == "sharp"
    assert parse_attribute(got, "smile") is False and got.endswith("She is not smiling.")
    assert parse_attribute(with_facts(caption, 40.0), "lighting") == "dim"
    assert parse_attribute(with_facts(caption, 220.0, {"sharpness": "Blurry."}), "sharpness") == "blurry"
    assert parse_attribute(with_facts(caption, None, {"smile": "Yes."}), "smile") is True  # a bare Yes
    # near the labeller's thresholds the pixels are not sure; a stated value stands; an answer naming none adds nothing
    assert with_facts(caption, 90.0, {"sharpness": "I can't tell."}) == caption
    stated = "A woman, taken in dim lighting. This is a sharp picture. She is smiling."
    assert with_facts(stated, 130.0, {"sharpness": "Blurry.", "smile": "No."}) == stated
    # a neutral expression already says there is no smile (constraints._described)
    neutral = "A woman, aged 30. She has a neutral expression."
    assert with_facts(neutral, None, {"smile": "Yes, she is smiling."}) == neutral
    # the head pose, in the words a yes/no answer about it uses
    assert with_facts(caption, None, {"head_pose": "Toward the left side of the image."}).endswith("Her head is turned "
                                                                                                  "left.")
    assert with_facts(caption, None, {"head_pose": "Straight toward the camera."}).endswith("She faces the camera.")
    assert parse_attribute(with_facts(caption, None, {"head_pose": "Slightly toward the right side of the image."}),
                           "head_pose") == "slightly turned right"
    turned = "A woman, aged 30. Her head is turned right."
    assert with_facts(turned, None, {"head_pose": "Straight toward the camera."}) == turned


def test_every_wording_about_light_and_focus_agrees_through_the_pipeline(pipe, monkeypatch):
    """"Is the image in focus?" got "No, the photo is blurry." and "Is the photo blurry at all?" "No, the photo is
    sharp." of one photo whose description states no sharpness; "Is it a well-lit photo?" "I can't tell" of one
    whose description states no lighting, though its pixels do."""
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    described = "The image shows a close-up portrait of a White young woman, aged 25. She is smiling. It is a color picture."
    asked = []

    def own(question, n, rows, *a):
        asked.append(question)
        return {i: described if question == CAPTION_QUESTION else "Sharp." for i in rows}  # a training wording

    monkeypatch.setattr(pipe, "_own_answers", own)
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " No, the photo is blurry. ")
    photo = _image(3, luminance=130.0)
    got = pipe.ask([photo] * 3, ["Is the image in focus?", "Is the photo blurry at all?", "How clear is this picture?"],
                   align=False, max_new_tokens=6)
    assert [parse_attribute(a, "sharpness") for a in got] == ["sharp"] * 3
    assert got[0].startswith("Yes") and got[1].startswith("No")
    assert FACT_WORDINGS["sharpness"] in asked
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " No, she is not smiling. ")
    for luminance, light in ((130.0, "even"), (40.0, "dim")):
        got = pipe.ask([_image(3, luminance)] * 2, ["Tell me about the lighting.", "Is it dark in this photo?"],
                       align=False, max_new_tokens=6)
        assert [parse_attribute(a, "lighting") for a in got] == [light] * 2
        assert got[1].startswith("Yes" if light == "dim" else "No")
    asked.clear()
    pipe.ask([_image(3, 130.0)], "Is she smiling?", align=False, max_new_tokens=6)
    assert FACT_WORDINGS["sharpness"] not in asked  # decoded only when a question asks the sharpness
    assert FACT_WORDINGS["smile"] not in asked  # the description states the smile


def _asked_with_a_fact(pipe, monkeypatch, described: str, fact: str, decoded: str, questions: list[str]) -> tuple:
    """The answers to ``questions`` about one photo whose description is ``described``, the model's answer to every
    other wording ``fact`` and its decoded answers ``decoded``; and the wordings the pipeline asked on its own."""
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    asked = []

    def own(question, n, rows, *a):
        asked.append(question)
        return {i: described if question == CAPTION_QUESTION else fact for i in rows}

    monkeypatch.setattr(pipe, "_own_answers", own)
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: f" {decoded} ")
    return pipe.ask([_image(5)] * len(questions), questions, align=False, max_new_tokens=6), asked


def test_every_wording_about_the_smile_agrees_through_the_pipeline(pipe, monkeypatch):
    """"Is there a smile?" got "Yes." and "Do they look like they're about to laugh?" "No. He is not smiling." of a
    man described as looking happy, with no smile stated: both now read the answer to the training wording."""
    got, asked = _asked_with_a_fact(
        pipe, monkeypatch, "The image shows a close-up photo of a White man who is 40 years old. He looks happy. He has "
        "his mouth shut.", "No, he is not smiling.", "Yes. He is smiling.",
        ["Is there a smile?", "Is he smiling?", "Is he grinning?"])
    assert all(a.startswith("No") and parse_attribute(a, "smile") is False for a in got), got
    assert FACT_WORDINGS["smile"] in asked


def test_every_wording_about_the_head_pose_agrees_through_the_pipeline(pipe, monkeypatch):
    """7 Dec 2026: "Is the subject looking straight ahead?" got "No, she looks away from the camera." and "What's the
    head pose?" "Straight toward the camera." of one photo whose description names no pose: both now read the answer
    to the training wording."""
    got, asked = _asked_with_a_fact(
        pipe, monkeypatch, "The photo is a close-up photo; it shows a White elderly woman who is 60 years old. She is "
        "smiling.", "Straight toward the camera.", "No, she looks away from the camera.",
        ["Is the subject looking straight ahead?", "Is she facing the camera?", "Is her head turned to the left?"])
    assert [a.split(",")[0] for a in got] == ["Yes", "Yes", "No"], got
    assert all(parse_attribute(a, "head_pose") == "frontal" for a in got), got
    assert FACT_WORDINGS["head_pose"] in asked


DESCRIBED_25 = "The image shows a close-up portrait of a White young woman, aged 25. She is smiling."


@pytest.mark.parametrize("question, caption, expected", [
    ("Guess her age to the nearest decade.", DESCRIBED_25, "She looks about 30 (25 years old, to the nearest decade)."),
    ("Age, roughly, rounded to 10?", DESCRIBED_25, "She looks about 30 (25 years old, to the nearest decade)."),
    ("Estimate her age to the nearest five years.", DESCRIBED_25, "She looks about 25 years old."),
    ("How old is she, rounded to the nearest 5 years?", "A photo of a White woman, aged 58. She is smiling.",
     "She looks about 60 (58 years old, to the nearest 5 years)."),
    ("Guess his age to the nearest decade.", "A photo of a White boy, aged 3. He is smiling.",
     "He looks under 10 (3 years old, to the nearest decade)."),
])
def test_an_age_asked_rounded_is_rounded(question, caption, expected):
    """"Guess his age to the nearest decade." got "9 years old: a child."."""
    assert grounded_answer(question, "She is 25 years old, so she is a young adult.", caption) == expected


def test_an_answer_whose_bracket_does_not_close_is_restated():
    """"Who looks older, this person or a 40-year-old?" got "Senior (56 or older years old: a senior."."""
    caption = "A photo of a White man, aged 60. He is smiling."
    assert asked_attributes("Who looks older, this person or a 40-year-old?") == ["age_group"]
    got = grounded_answer("Who looks older, this person or a 40-year-old?", "Senior (56 or older years old: a senior.",
                          caption)
    assert got is not None and got.count("(") == got.count(")") and "60" in got


GIRL_3 = "The image shows a close-up photo of a White young girl who is 3 years old. She has a happy expression."


@pytest.mark.parametrize("question", ["Is this person of school age?", "Is this a school-aged kid?"])
def test_school_age_is_an_age(question):
    """"Is this person of school age?" of a man of 60 got "No. It is a photo of a person."."""
    assert asked_age_range(question) == (5, 17)
    got = grounded_yes_no(question, "No. It is a photo of a person.", "A photo of a White man, aged 60. He is smiling.")
    assert got is not None and got.startswith("No") and "60" in got
    # retirement age is the senior group's, as "retiree" and "pensioner" are (no bound of its own)
    assert asked_age_range("Does the person appear to be of retirement age?") is None
    # as is "old enough to retire" (6 Dec 2026, session 47: got "Yes. It is a photo of a girl." of a girl of 3)
    got = grounded_yes_no("Is this person old enough to retire?", "Yes. It is a photo of a girl.", GIRL_3)
    assert got == "No. She is a child, not a senior."


@pytest.mark.parametrize("question, expected", [
    ("Is this person more likely under 30 or over 30?", "Under 30: she looks about 25 years old."),
    ("Over or under 20?", "Over 20: she looks about 25 years old."),
    ("Is she above or below 40?", "Below 40: she looks about 25 years old."),
    ("Is she older or younger than 30?", "Younger: she looks about 25 years old."),
])
def test_a_choice_of_two_sides_of_an_age_names_the_side(question, expected):
    """"Is this person more likely under 30 or over 30?" got "No, she looks about 25 years old."."""
    assert grounded_yes_no(question, "No, she looks about 25 years old.", DESCRIBED_25) == expected


@pytest.mark.parametrize("question", ["Is the head turned?", "Is her face turned?"])
def test_a_head_turned_without_a_side_asks_whether_it_faces_the_camera(question):
    """"Is the head turned?" got "Yes. He is smiling." of a face turned and of one facing the camera."""
    facing = "A photo of a White woman, aged 25. She is smiling. She faces the camera."
    turned = "A photo of a White man, aged 42. He is smiling. His head is turned slightly toward the left side of the image."
    assert grounded_yes_no(question, "Yes. She is smiling.", facing).startswith("No")
    got = grounded_yes_no(question, "No. He is smiling.", turned)
    assert got.startswith("Yes") and parse_attribute(got, "head_pose") is not None
    # a side named is still that side
    assert grounded_yes_no("Is his head turned to the right?", "Yes.", turned).startswith("No")


@pytest.mark.parametrize("question", ["What does the face convey?", "What does her face express?",
                                      # 5 Dec 2026: "How does he come across?" got "I can't tell from this photo."
                                      "How does he come across?", "What is her demeanor?", "What is his disposition?",
                                      "What impression does she give?"])
def test_what_a_face_conveys_is_its_expression(question):
    """"What does the face convey?" got "Neutral." of a face described as happy: nothing read it as an expression
    question, so the described expression did not decide."""
    assert asked_attributes(question) == ["emotion"]
    assert not unseen_question(question)
    described = "The image shows a close-up photo of a White man who is 40 years old. He looks happy."
    assert parse_attribute(grounded_answer(question, "Neutral.", described), "emotion") == "happy"


def test_the_parts_of_one_message_take_the_gender_one_part_corrects(pipe, monkeypatch):
    """"Is the man in the hat smiling, and how old is he?" of a woman got "No. This is a woman, not a man. She is
    smiling. He is 36 years old, so he is middle-aged.": the second part kept the user's "he"."""
    import unif2ace.generation.constraints as constraints
    from unif2ace.generation.constraints import agreeing_pronouns

    corrected = "No. This is a woman, not a man. She is smiling."
    assert agreeing_pronouns([corrected, "He is 36 years old, so he is middle-aged."]) == \
        [corrected, "She is 36 years old, so she is middle-aged."]
    kept = ["Yes, he is smiling.", "He is 1 year old, so he is a child."]
    assert agreeing_pronouns(kept) == kept  # nothing corrected
    monkeypatch.setattr(constraints, "grounded_yes_no", lambda q, a, c, s=None: corrected)
    monkeypatch.setattr(constraints, "grounded_answer", lambda q, a, c, s=None: None)
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " He is 36 years old, so he is middle-aged. ")
    got = pipe.ask([_image(7)], "Is the man in the hat smiling, and how old is he?", align=False, max_new_tokens=6)[0]
    assert got == f"{corrected} She is 36 years old, so she is middle-aged."


@pytest.mark.parametrize("message", ["fine. describe her in one sentence", "Fine, describe him.",
                                     "Sure. Describe the person."])
def test_an_acknowledgement_before_a_request_leaves_the_request(message):
    """"fine. describe her in one sentence" got "She is 21 years old, so she is a young adult." in a chat."""
    from unif2ace.data.questions import asks_description

    assert asks_description(as_meant(message))


@pytest.mark.parametrize("question", ["is the picture any good?", "Is this photo any good?"])
def test_whether_a_photo_is_any_good_is_not_told(question):
    """Got "No. It is a photo of a woman.": no label says what a good photo is."""
    assert unseen_question(question)


@pytest.mark.parametrize("question", ["Is this man bald?", "Is the woman blonde?", "Does the woman have long hair?",
                                      "Is this lady a redhead?", "Is the man balding?", "Is his hair grey?",
                                      "Is the man's hair turning white?"])
def test_the_hair_is_not_told(question):
    """5 Dec 2026: "Is this man bald?" got "Yes. This is a man.", "Is the woman blonde?" "Yes, this is a woman.": the
    subject confirmed and the question not answered; no label states the hair."""
    assert unseen_question(question)


@pytest.mark.parametrize("question", ["Is she smiling with her hair down?", "Is the boy smiling with messy hair?",
                                      "What colour is his hair?"])  # open: left to the model, taught to say it can't tell
def test_a_hair_named_in_passing_leaves_the_question_asked(question):
    assert not unseen_question(question)


@pytest.mark.parametrize("question, caption, expected", [
    ("Is the photo quality good?", "A man. This is a sharp picture with even lighting.",
     "Yes: it is in sharp focus and evenly lit."),
    ("Is this a high quality photo?", "A man. The photo is blurry, in dim lighting.",
     "Not really: it is blurry and dimly lit."),
    ("Is the image quality good?", "A man. This is a sharp picture, in dim lighting.",
     "Partly: it is in sharp focus but dimly lit."),
    ("Rate the photo quality from 1 to 10.", "A man. This is a sharp picture with even lighting.",
     "I can't put a number on a photo's quality, but this one is in sharp focus and evenly lit."),
    ("How would you rate the image quality?", "A man. A black-and-white photo. It is blurry.",
     "I can't put a number on a photo's quality, but this one is blurry and in black and white."),
    ("Could you describe the photo quality?", "A man. This is a sharp picture, in dim lighting.",
     "The photo is in sharp focus and dimly lit."),  # described, not rated: no "I can't put a number" lead
    ("What's the image quality like?", "A man. A black-and-white photo. It is blurry.",
     "The photo is blurry and in black and white."),
    ("Give the picture quality a score out of 10.", "A man. It is blurry.",
     "I can't put a number on a photo's quality, but this one is blurry."),
    ("Is the photo quality good?", "A man, aged 30.", None),  # neither told: "I can't tell" stands
    ("Is this photo good enough for a passport?", "A man. This is a sharp picture with even lighting.", None),
    ("How old is he?", "A man. This is a sharp picture with even lighting.", None),
])
def test_the_photos_quality_is_told_by_its_sharpness_and_light(question, caption, expected):
    """"Is the photo quality good?" and "Rate the photo quality from 1 to 10." got "I can't tell from this photo.":
    no label rates a photo, but its description (its sharpness and light filled in) tells what a user asks."""
    from unif2ace.generation.constraints import photo_quality_answer

    assert photo_quality_answer(question, caption) == expected


def test_the_photos_quality_through_the_pipeline_reads_the_filled_in_facts(pipe, monkeypatch):
    """The sharpness and light a quality question needs are filled in as a question about them fills them."""
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    described = "The image shows a close-up portrait of a White young woman, aged 25. It is a color picture."
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {
        i: described if question == CAPTION_QUESTION else "Blurry." for i in rows})
    got = pipe.ask([_image(3, luminance=130.0)], "Is the photo quality good?", align=False, max_new_tokens=6)[0]
    assert got == "Partly: it is evenly lit but blurry."


@pytest.mark.parametrize("question, answer, expected", [
    ("Give me an age range for him.", "He is 47 years old, so he is middle-aged.",
     "Roughly 33 to 61 years old (my best guess: 47)."),
    ("age range?", "She is 10 years old, so she is a child.", "Roughly 8 to 12 years old (my best guess: 10)."),
    ("Give me an age range for her.", "She is 29 years old.", "Roughly 19 to 39 years old (my best guess: 29)."),
    ("Estimate his age, plus or minus 5 years.", "He is 47 years old.", "Roughly 42 to 52 years old (my best guess: 47)."),
    ("What is the approximate age? Give a range like 20-25.", "aged 1", "Roughly 0 to 3 years old (my best guess: 1)."),
    ("How old is he?", "He is 47 years old.", None), ("Give me an age range for him.", "I can't tell.", None),
    ("What range of emotions does she show?", "She looks happy.", None),
    # "within N years" (5 Dec 2026: "Guess his age within 5 years." got the one age)
    ("Guess his age within 5 years.", "He is 65 years old, so he is a senior.",
     "Roughly 60 to 70 years old (my best guess: 65)."),
    # "±" after a space (6 Dec 2026: "Estimate age ± 5 years." got the one age)
    ("Estimate age ± 5 years.", "She is 36 years old.", "Roughly 31 to 41 years old (my best guess: 36)."),
    ("Age estimate with confidence interval please", "She is 36 years old.",
     "Roughly 22 to 50 years old (my best guess: 36)."),
    # ranges offered to choose from (7 Dec 2026: "In which age range: 0-17, 18-34, 35-54, 55+?" got a range of its own,
    # 33 to 61, whose top chose "55+" for a man described as 47)
    ("In which age range: 0-17, 18-34, 35-54, 55+?", "He is 47 years old, so he is middle-aged.", None),
    ("Which age range is she in? A) 0-17 B) 18-34 C) 35-54 D) 55+", "She is 47 years old.", None),
])
def test_an_age_range_asked_is_the_range_the_models_ages_fall_in(question, answer, expected):
    """"Give me an age range for him." got the one age; the range is the one the model's described ages fall in 8
    times in 10 at that age on val (AGE_RANGE_HALF_WIDTH), or the "plus or minus N" asked."""
    from unif2ace.generation.constraints import age_range_answer

    assert age_range_answer(question, answer) == expected


@pytest.mark.parametrize("question, answer, expected", [
    ("Smiling? Answer Y or N.", "Yes. She is smiling.", "Y."), ("Is she happy? y/n", "No, she looks sad.", "N."),
    ("Is she happy?", "Yes, she is.", "Yes, she is."), ("Smiling? Answer Y or N.", "I can't tell from this photo.",
                                                         "I can't tell from this photo."),
])
def test_a_yes_or_no_asked_as_a_letter_is_the_letter(question, answer, expected):
    """"Smiling? Answer Y or N." got "Yes. She is smiling." (the third held-out forms)."""
    from unif2ace.generation.brief import yes_no_letter

    assert yes_no_letter(question, answer) == expected


def test_a_true_or_false_question_gets_true_or_false_through_the_pipeline(pipe):
    """The answer a yes/no question gets, its Yes or No said as True or False ("True or false: this is a child." got
    "Yes, he is a child.")."""
    from unif2ace.generation.brief import true_or_false

    for question in ("Is this person over 50? True or false.", "True or false: this person is over 50."):
        got = pipe.ask([_image(3)], question, align=False, max_new_tokens=6)[0]
        raw = pipe.ask([_image(3)], question, align=False, max_new_tokens=6,
                       grounded_answers=False)[0]  # the model's own Yes or No (the yes/no constraint)
        assert got.split()[0].rstrip(".,") in ("True", "False"), (question, got)
        assert true_or_false("true or false?", raw).split()[0] == got.split()[0]


def test_a_true_or_false_question_beside_options_or_json_keeps_true_or_false(pipe):
    """7 Dec 2026: asked in one call beside a question with options ("Answer with one word: man or woman?") or one
    asking JSON, "True or false: this person is over 50." got "Yes, …": the rows without options were passed on with
    "True or false:" tidied away."""
    question = "True or false: this person is over 50."
    alone = pipe.ask([_image(3)], question, align=False, max_new_tokens=6)[0]
    assert alone.split()[0].rstrip(".,") in ("True", "False"), alone
    for other in ("Answer with one word: man or woman?", "Give me her age as JSON."):
        got = pipe.ask([_image(3)] * 2, [other, question], align=False, max_new_tokens=6)
        assert got[1] == alone, (other, got)


@pytest.mark.parametrize("caption, expected", [
    ("A close-up photo of a Black woman who is 40 years old. She has a happy expression.", "😊 (she looks happy)"),
    ("A close-up photo of a White girl, aged 8. She has a neutral expression.", "😐 (she looks neutral)"),
    ("A close-up photo of a man, aged 30. He looks surprised.", "😮 (he looks surprised)"),
    ("A close-up photo of a man, aged 30. He is not smiling.", "😐 (he is not smiling)"),  # a smile alone decides
    ("A close-up photo of a man, aged 30.", None),  # no expression stated: the answer stands
])
def test_an_emoji_asked_is_the_described_expressions(caption, expected):
    """7 Dec 2026: "What would be a good emoji for this face?" got the whole description."""
    from unif2ace.generation.constraints import emoji_answer

    assert emoji_answer("What would be a good emoji for this face?", caption) == expected
    assert emoji_answer("What is her expression?", caption) is None  # no emoji asked
    assert asked_attributes("Which emoji matches her expression?") == ["emotion"]


@pytest.mark.parametrize("question", [
    "Does the face show any emotion?", "Is the person showing emotion?", "Is there any emotion on his face?",
    "Is she showing any emotion at all?", "Does he express any feelings?", "Do you see any emotion?",
])
@pytest.mark.parametrize("caption, expected", [
    ("A close-up photo of a White girl, aged 8. She has a neutral expression.", "No, she looks neutral."),
    ("A close-up photo of a Black woman who is 40 years old. She has a happy expression.", "Yes, she looks happy."),
    ("A close-up photo of a man, aged 30. He looks surprised.", "Yes, he looks surprised."),
    ("A close-up photo of a man, aged 30. He is not smiling.", "No, he is not smiling."),  # a smile alone decides
    ("A close-up photo of a man, aged 30. He is smiling.", "Yes, he is smiling."),
    ("A close-up photo of a man, aged 30.", None),  # no expression stated: the answer stands
])
def test_whether_any_emotion_shows_is_the_described_expression(question, caption, expected):
    """7 Dec 2026: "Does the face show any emotion?" got "Yes. It is a photo of a woman." and, of a neutral face, "No. It
    is a photo of a person."."""
    from unif2ace.generation.constraints import shown_emotion_answer

    assert shown_emotion_answer(question, caption) == expected
    for other in ("What emotion does the face show?", "Is the expression neutral?", "Is there an expression of joy?"):
        assert shown_emotion_answer(other, caption) is None  # an expression asked by name: the grounded answers'


def test_whether_any_emotion_shows_through_the_pipeline(pipe, monkeypatch):
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    described = "The image shows a close-up portrait of a White young woman, aged 25. She has a neutral expression."
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {
        i: described if question == CAPTION_QUESTION else "Neutral." for i in rows})
    assert pipe.ask([_image(4)], "Does the face show any emotion?", align=False, max_new_tokens=6)[0] == \
        "No, she looks neutral."


def test_an_emoji_through_the_pipeline(pipe, monkeypatch):
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    described = "The image shows a close-up portrait of a White young woman, aged 25. She looks sad."
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {
        i: described if question == CAPTION_QUESTION else "Sad." for i in rows})
    assert pipe.ask([_image(4)], "Give me an emoji for this person.", align=False, max_new_tokens=6)[0] == \
        "😢 (she looks sad)"


WOMAN_OF_60 = "The image shows a close-up portrait of a White older woman who is 60 years old. She has a happy expression."


@pytest.mark.parametrize("answer, expected", [
    ("She is 85 years old, so she is a senior.", "She is 60 years old, so she is a senior."),
    ("She is 18 years old, so she is a teenager.", "She is 60 years old, so she is a senior."),
    ("20 years old: a young adult.", "She is 60 years old, so she is a senior."),
    ("She is 60 years old, so she is a senior.", None),  # the description's own age
    ("A retiree, probably.", None), ("The legal age is 18 years old.", None),  # no age of the person's first
])
def test_an_age_stated_to_a_question_about_something_else_is_the_described_one(answer, expected):
    """7 Dec 2026: "Is the person more likely a student or a retiree?" got "She is 85 years old, so she is a senior." of
    a woman described as 60 (and, asked beside other questions, "She is 18 years old, …" of one described as 20)."""
    from unif2ace.generation.constraints import age_as_described

    got = age_as_described(answer, WOMAN_OF_60)
    assert got == expected if expected is None else parse_attribute(got, "age_group") == "senior" and "60" in got
    assert age_as_described(answer, "The image shows a close-up portrait of a White woman.") is None  # no age to keep


def test_an_age_stated_to_a_question_about_something_else_through_the_pipeline(pipe, monkeypatch):
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {
        i: WOMAN_OF_60 if question == CAPTION_QUESTION else "Happy." for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: "She is 85 years old, so she is a senior.")
    got = pipe.ask([_image(5)], "Is the person more likely a student or a retiree?", align=False, max_new_tokens=4)[0]
    assert "60 years old" in got and "85" not in got


@pytest.mark.parametrize("question, expected", [
    ("Is the subject's face visible?", "Yes, it is a photo of a woman."),  # got "I can't tell from this photo."
    ("Is the face visible?", "Yes, it is a photo of a woman."), ("Can you see the face?", "Yes, it is a photo of a woman."),
    ("Is the person's face clearly visible in the photo?", "Yes, it is a photo of a woman."),
    # since 7 Dec 2026 (afternoon) the whole face is answered here: left to the other readers, "Can you see my whole
    # face?" got "Yes. This is a girl."; whether any of it is hidden, no label says
    ("Is the whole face visible?", "I can see the face of a woman, but I can't tell whether any part of it is hidden."),
    ("Is the face partly hidden?", None), ("Is her face happy?", None),
])
def test_whether_the_face_can_be_seen(question, expected):
    from unif2ace.generation.constraints import face_visible_answer

    assert face_visible_answer(question, WOMAN_OF_60) == expected
    assert face_visible_answer(question, None) == (expected and expected.replace("a woman", "a person"))


@pytest.mark.parametrize("question, positive", [
    ("Is the face expression positive?", True), ("Is her mood positive?", True), ("Does he look positive?", True),
    ("Is the expression negative?", False), ("Would you say the vibe is upbeat?", True),
])
@pytest.mark.parametrize("caption, felt", [
    ("A close-up photo of a White woman, aged 30. She has a happy expression. She is smiling.", "happy"),
    ("A close-up photo of a White boy, aged 1. He looks neutral.", "neutral"),
    ("A close-up photo of a man, aged 40. He looks sad.", "sad"),
    ("A close-up photo of a man, aged 40. He is smiling.", "happy"),  # a smile alone: happy
])
def test_whether_the_expression_is_positive_is_the_described_expressions(question, positive, caption, felt):
    """7 Dec 2026: "Is the face expression positive?" got "No. She is smiling." of four smiling faces in five."""
    from unif2ace.generation.constraints import valence_yes_no

    got = valence_yes_no(question, caption)
    want = "Yes" if (felt == "happy") == positive and felt != "neutral" else "No"
    assert got.split(",")[0] == want, got
    assert parse_attribute(got, "emotion") == felt or parse_attribute(got, "smile") is True


def test_valence_asked_of_something_else_is_left_alone():
    from unif2ace.generation.constraints import valence_yes_no

    happy = "A close-up photo of a White woman, aged 30. She has a happy expression."
    for question in ("Is she HIV positive?", "Is her blood type negative?", "Is the expression positive or negative?",
                     "Is the photo negative?"):
        assert valence_yes_no(question, happy) is None, question
    assert valence_yes_no("Is the expression positive?", "A close-up photo of a woman.") is None  # nothing stated
    assert valence_yes_no("Is the expression positive?", "A photo of a girl. She looks surprised.").startswith(
        "It could be either")

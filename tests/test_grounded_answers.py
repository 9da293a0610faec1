"""Answers about gender, age and smile, in any wording, agree with the model's own description of the photo."""

from __future__ import annotations

import datetime
import re

import numpy as np
import pytest
from PIL import Image

from unif2ace.data.questions import ASKED_ATTRIBUTES, OPEN, OWN_WORDINGS, Person, asked_attribute
from unif2ace.evaluation.attributes import parse_age_years, parse_attribute
from unif2ace.generation.constraints import (
    AGE_MARGIN_YEARS,
    SECOND_WORDING,
    asked_age_range,
    described_or_cant_tell,
    described_pronouns,
    doubts_age,
    first_person_cant_tell,
    grounded_answer,
    grounded_yes_no,
    identity_answer,
    mended_yes_no,
    off_question_yes_no,
    open_answered_yes_no,
    remark_reply,
    singular_years,
    small_talk,
    unseen_question,
    yes_no_consistent,
    yes_no_grounded,
)


@pytest.mark.parametrize("gender", ["male", "female", None])
def test_every_open_template_is_read_as_the_attribute_it_asks_for(gender):
    """Training and held-out templates alike (the rule is written from word meanings, not from the list)."""
    person = Person.of({"gender": gender} if gender else {})
    for attr, templates in OPEN.items():
        want = attr if attr in ASKED_ATTRIBUTES else None
        for t in templates:
            assert asked_attribute(person.fill(t)) == want, (attr, t)


@pytest.mark.parametrize("question, expected", [
    *[(q, a) for a, qs in OWN_WORDINGS.items() for q in qs],
    ("Would you say this is a guy or a lady?", "gender"), ("dude or chick?", "gender"), ("Is it a he or a she?", "gender"),
    ("What's this person's sex?", "gender"), ("how old r u", "age_group"), ("What decade was she born in?", "age_group"),
    ("Hi! How old is she in this photo?", "age_group"), ("Is he grinning or not?", "smile"),
    ("What does her smile look like?", "smile"),
    # a choice between a younger and an older stage of life is about age; "boy or girl?" is about gender
    ("Kid or grown-up?", "age_group"), ("Is this a child or an adult?", "age_group"), ("Is he a man or a boy?", "age_group"),
    ("Teenager or adult?", "age_group"), ("Boy or girl?", "gender"), ("A man or a woman?", "gender"),
    ("Is the man smiling or is the child?", None),
    # yes/no questions are the yes/no judge's; several attributes, or another subject's age: left alone
    ("Is this a man?", None), ("Is she smiling?", None), ("Is he old?", None), ("Age and gender?", None),
    ("How old is the photo?", None), ("What is the age of this picture?", None), ("How old is the car?", None),
    ("Describe this face in detail.", None), ("Is he happy or sad?", "emotion"), ("What color is her hair?", None),
    ("Which direction is the face pointing?", "head_pose"), ("Where is she looking?", "head_pose"),
    ("Older or younger than 30?", "age_group"), ("Is he looking at the camera or away?", "head_pose"),
    ("Looking away or at the camera?", "head_pose"), ("Is she looking at me or to the side?", "head_pose"),
    # "What's the position of her head?" got "I can't tell from this photo."
    ("What's the position of her head?", "head_pose"), ("What is the orientation of the face?", "head_pose"),
    ("Describe the head's angle.", "head_pose"), ("What is the position of the camera?", None),
])
def test_asked_attribute_reads_wordings_nobody_templated(question, expected):
    assert asked_attribute(question) == expected


CAPTION = "The image shows a close-up portrait of a White older woman, aged 85. She is smiling, with her mouth shut."


WOMAN = ("This is a woman.", "A woman.", "It is a woman.")  # the training data's answer forms (open_answer)
SENIOR = ("She is 85 years old, so she is a senior.", "85 years old: a senior.")


@pytest.mark.parametrize("question, answer, expected", [
    ("Is this person a guy or a gal?", "Closed.", WOMAN),  # names no gender: restated
    ("Would you say this is a man or a woman?", "This is a man.", WOMAN),  # contradicts
    ("Gender?", "Female.", (None,)),  # agrees: the model's own words stand
    ("How old?", "35.", SENIOR),
    ("How old is she?", "She is 85 years old, so she is a senior.", (None,)),  # the description's age
    ("How old is she?", "She is a senior.", (None,)),  # the described group, no age in years: stands
    ("How old is she?", "She is 80 years old, so she is a senior.", SENIOR),  # one age for every wording
    # a choice of life stages asks the age, and a child or an adult is answered as one (age_choice)
    ("Kid or grown-up?", "I can't tell from this photo.", ("A grown-up: she looks about 85 years old.",)),
    ("Teenager or adult?", "I can't tell from this photo.", ("An adult: she looks about 85 years old.",)),
    ("Is she smiling or not?", "She is not smiling.", ("She is smiling.",)),
    ("What color is her hair?", "Brown.", (None,)),  # not an attribute the description is checked for
    ("Is this a man?", "Yes, this is a man.", (None,)),  # yes/no: the yes/no judge's
])
def test_grounded_answer_restates_the_description_only_when_the_answer_disagrees(question, answer, expected):
    got = grounded_answer(question, answer, CAPTION)
    assert got in expected
    assert got == grounded_answer(question, answer, CAPTION)  # the same question always gets the same form


def test_every_wording_of_an_age_question_names_the_described_age():
    answers = {"How old is he?": "He is 65 years old, so he is a senior.", "Roughly what age?": "About 60 years old.",
               "Any idea how old she is?": "She is 70 years old, so she is a senior."}
    restated = [grounded_answer(q, a, CAPTION) for q, a in answers.items()]
    assert {parse_age_years(a) for a in restated} == {85}
    assert {parse_attribute(a, "age_group") for a in restated} == {"senior"}


def test_a_second_wording_outvotes_the_description_when_both_answers_agree():
    man = "This is a man."
    assert grounded_answer("Is this a guy or a gal?", man, CAPTION, second="This is a man.") is None  # 2 against 1: stands
    assert grounded_answer("Is this a guy or a gal?", man, CAPTION, second="It is a woman.") in WOMAN  # 2 against 1
    assert grounded_answer("Is this a guy or a gal?", "Closed.", CAPTION, second="This is a man.") in WOMAN  # a tie: the description
    assert grounded_answer("Is this a guy or a gal?", "Closed.", "A close-up portrait.", second="A man.") in ("This is a man.",
                                                                                                  "A man.", "It is a man.")


def test_a_description_that_does_not_say_leaves_the_answer_alone():
    assert grounded_answer("How old?", "35.", "A close-up photo of a person. The face is turned left.") is None
    child = "It shows a South Asian little boy, aged 2. He is not smiling."
    assert grounded_answer("Guy or girl?", "Neutral.", child) in ("Male.", "Boy.")  # a terse question's forms
    assert grounded_answer("Age?", "Neutral.", child) in ("He is 2 years old, so he is a child.", "2 years old: a child.")


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    from unif2ace.pipeline import UniF2ace, write_random_model

    return UniF2ace.from_pretrained(write_random_model(tmp_path_factory.mktemp("model") / "tiny"))


def _images(n: int, seed: int) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    return [Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)) for _ in range(n)]


@pytest.mark.parametrize("question, expected", [
    ("Is this a young girl?", {"gender", "age_group"}), ("Is the kid a boy?", {"gender", "age_group"}),
    ("Is this a man?", {"gender"}), ("Could she be a senior?", {"age_group"}), ("Does she look solemn?", {"smile"}),
    # the expression is read so that its answer is decided and worded by _emotion_yes_no
    ("Is he smiling?", {"smile"}), ("Is she happy?", {"emotion"}), ("Is this a cat?", set()), ("Is it in color?", {"color"}),
    ("Are they angry?", {"emotion"}), ("Is she happy and smiling?", {"smile"}),
    ("Are her eyes open?", {"eyes"}), ("Is he wearing glasses?", set()),
    ("Is the person looking at the camera?", {"head_pose"}), ("Is his head turned to the left?", {"head_pose"}),
    ("Is she facing me?", {"head_pose"}), ("Is he looking at you?", {"head_pose"}),
    ("Is this photo blurry?", {"sharpness"}), ("Is his head tilted?", {"head_tilt"}),
])
def test_yes_no_grounded_reads_the_values_a_question_names(question, expected):
    assert yes_no_grounded(question) == expected


SEN = "The image shows a close-up portrait of a 53-year-old South Asian middle-aged woman. She is smiling."


@pytest.mark.parametrize("question, answer, expected", [
    # the description contradicts the premise: the other Yes/No, in the training data's words
    ("Is it a child in this picture?", "Yes. She is a child.", "No, she is middle-aged, not a child."),
    ("Is this a man?", "Yes, this is a man.", "No, this is a woman, not a man."),
    ("Does she look solemn?", "Yes. She is not smiling.", "No, she is smiling."),
    ("Is this a young girl?", "Yes. This is a girl.", "No, she is middle-aged, not a child."),  # the age decides
    # the description confirms every value named
    ("Could she be middle-aged?", "No, she is a senior.", "Yes, she is middle-aged."),
    ("Is she smiling?", "No.", "Yes. She is smiling."),
    # the answer agrees already; or the age is a near miss (53 is 3 years from "senior"): left alone
    ("Is this a woman?", "Yes, this is a woman.", None), ("Is she a senior?", "Yes, she is a senior.", "Yes, possibly: she looks about 53 years old."),
    ("Is she a senior?", "No, she is middle-aged.", None),
    # "happy" of a description stating no expression: its smile decides
    ("Is she happy?", "No, she looks sad.", "Yes, she looks happy."),
    # no value the description can check (it states no expression but "happy"'s smile), or no Yes/No to turn
    ("Is she sad?", "No, she looks happy.", None), ("Is this a cat?", "Yes.", None),
    ("Is this a man?", "It is hard to say.", None),
    # a grandparent names a gender as well as an age ("Is this person somebody's grandpa?" got "Yes, she is a senior."
    # of a woman described as 60)
    ("Is this person somebody's grandpa?", "Yes, she is a senior.", "No, this is a woman, not a man."),
])
def test_grounded_yes_no_turns_the_answer_only_when_the_description_decides(question, answer, expected):
    assert grounded_yes_no(question, answer, SEN) == expected


@pytest.mark.parametrize("question, answer, expected", [
    ("Is he happy?", "Yes, he looks happy.", "No, he looks neutral, not happy."),  # the described expression decides
    ("Does he look neutral?", "No.", "Yes, he looks neutral."),
    ("Is he sad?", "Yes, he is even.", "No, he looks neutral, not sad."),
    ("Does he look neutral?", "Yes, he looks neutral.", None),  # agrees, and its words say so
    # a mood in other words: "a good mood" is happy, "a bad mood" sad (got "No. It is a photo of a person.")
    ("Does the subject appear to be in a good mood?", "No. It is a photo of a person.", "No, he looks neutral, not happy."),
    ("Is he in a bad mood?", "Yes. It is a photo of a person.", "No, he looks neutral, not sad."),
    ("Is he in good spirits?", "Yes.", "No, he looks neutral, not happy."),
])
def test_a_described_expression_decides_a_yes_no_question_about_one(question, answer, expected):
    neutral = "The image shows a close-up photo of an Asian boy, aged 1. He has a neutral expression. There is no smile on his face."
    assert _same_answer(grounded_yes_no(question, answer, neutral), expected)


def test_a_yes_no_answer_whose_words_deny_its_yes_no_follows_its_words_when_the_description_is_silent():
    silent = "The photo is a close-up portrait; it shows a White older man who is 80 years old. He has his mouth shut."
    assert _same_answer(grounded_yes_no("Is the photo well lit?", "No. The lighting is even.", silent),
                        "Yes, the lighting is even.")
    assert grounded_yes_no("Is the photo well lit?", "Yes. The lighting is even.", silent) is None  # agrees with itself
    lit = silent + " It is a color photo with even lighting."
    assert grounded_yes_no("Is the photo well lit?", "No. The lighting is even.", lit).startswith("Yes")  # it says


def _same_answer(got: str | None, expected: str | None) -> bool:
    """Equal up to case and the Yes/No's punctuation: the training data writes "Yes, she …" and "Yes.
    She …" alike (polar_answer draws one)."""
    return (got and got.replace(". ", ", ").lower()) == (expected and expected.lower())


NEUTRAL = "The photo is a close-up photo; it shows a White woman who is 30 years old. She has a neutral expression."
HAPPY = "The photo is a close-up photo; it shows a White woman who is 30 years old. She has a happy expression."


@pytest.mark.parametrize("question, answer, caption, expected", [
    # questions about the expression itself: the described expression decides (_emotion_yes_no)
    ("Is she happy?", "Yes, she looks happy.", NEUTRAL, "No, she looks neutral, not happy."),
    ("Does she look neutral?", "No, she looks happy.", NEUTRAL, "Yes, she looks neutral."),
    # an expression other than happy and no smile stated: not smiling; a happy one alone decides nothing
    ("Is she smiling?", "Yes, she is smiling.", NEUTRAL, "No, she is not smiling."),
    ("Is she straight-faced?", "No, she is smiling.", NEUTRAL, "Yes, she is not smiling."),
    ("Is she smiling?", "No, she is not smiling.", HAPPY, None),
    ("Is she smiling?", "Yes, she is smiling.", NEUTRAL + " She is smiling.", None),  # a stated smile comes first
    # an answer whose Yes the description bears out but whose words deny it is worded anew (it got "Yes, he is not
    # smiling." to "Does this person look cheerful?" of a face described as happy and smiling)
    ("Does this person look cheerful?", "Yes, she is not smiling.", HAPPY + " She is smiling.", "Yes, she looks happy."),
    ("Does this person look cheerful?", "Yes, she is smiling.", HAPPY, None),
    ("Is she sad?", "No, she is smiling.", HAPPY, None),
    ("Does she look pleased?", "Yes, she looks happy.", NEUTRAL, "No, she looks neutral, not happy."),
    ("Does she look pleased?", "Yes, she looks happy.", HAPPY, None),
    ("Is she displeased?", "Yes, she looks happy.", HAPPY, "No, she looks happy, not sad."),
])
def test_a_described_expression_other_than_happy_is_no_smile(question, answer, caption, expected):
    assert _same_answer(grounded_yes_no(question, answer, caption), expected)

def test_a_colour_choice_and_a_blink_are_answered_from_the_description():
    grey = "The photo is a close-up photo; it shows a South Asian girl, aged 5. It is a monochrome, sharp picture."
    assert grounded_answer("Colour or B&W?", "Closed.", grey) == "Black and white."  # it got "Closed."
    assert grounded_answer("Colour or B&W?", "In color.", "The photo shows a man.") is None  # nothing stated
    assert grounded_yes_no("Is the person blinking?", "Yes, he is smiling.", "A man. His eyes are open.") == \
        "No, his eyes are open."


EYES_SHUT_BW = "A close-up photo of a White woman who is 30 years old. Her eyes are closed. It is a black-and-white photo."
NEITHER = "A close-up photo of a White woman who is 30 years old. She faces the camera."


@pytest.mark.parametrize("question, answer, caption, expected", [
    # the eyes and the photo's colour, where the description states them, decide
    ("Eyes open?", "Yes, she is smiling.", EYES_SHUT_BW, "No, her eyes are closed."),
    ("Are her eyes closed?", "No, she is smiling.", EYES_SHUT_BW, "Yes, her eyes are closed."),
    ("Is it in color?", "Yes, it is in color.", EYES_SHUT_BW, "No, it is black-and-white."),
    ("Is this a black-and-white photo?", "Yes, it is black-and-white.", EYES_SHUT_BW, None),
    # the description does not say: the model's own Yes/No stands, its words then saying what it means
    ("Eyes open?", "Yes, she is smiling.", NEITHER, "Yes, her eyes are open."),
    ("Is it in color?", "No.", NEITHER, "No, it is black-and-white."),
    ("Is it in color?", "No, it is black-and-white.", NEITHER, None),
])
def test_the_described_eyes_and_colour_decide_questions_about_them(question, answer, caption, expected):
    assert yes_no_grounded(question) == ({"eyes"} if "eye" in question.lower() else {"color"})
    got = grounded_yes_no(question, answer, caption)
    assert _same_answer(got, expected)


@pytest.mark.parametrize("question, answer, expected", [
    # nothing decides and the words name nothing asked: the model's own Yes/No, in the training data's words
    ("Smiling?", "No. It is a photo of a person.", "No, she is not smiling."),
    ("Is she not smiling?", "Yes, it is a photo.", "Yes, she is not smiling."),
    ("Eyes open?", "No, she is a woman.", "No, her eyes are closed."),
    ("Is this a black and white photo?", "No.", "No, it is in color."),
    ("Is she smiling?", "Yes, she is smiling.", None),  # its words say it already
    ("Is she happy?", "Yes, it is a photo.", "Yes, she looks happy."),  # the expression's Yes is the model's own
])
def test_an_undecided_answer_that_names_nothing_asked_is_worded_from_its_own_yes_no(question, answer, expected):
    caption = "The photo is a close-up photo; it shows a White woman who is 30 years old. She has a happy expression."
    got = grounded_yes_no(question, answer, caption)
    assert _same_answer(got, expected)


def test_age_margin_is_years_outside_the_asked_group():
    """53 is 35 years above "teen" (13–19) and 2 below "senior" (56+): beyond and within the margin."""
    assert AGE_MARGIN_YEARS < 35 and AGE_MARGIN_YEARS > 3
    assert grounded_yes_no("Is she a teenager?", "Yes, she is a teenager.", SEN).startswith("No")
    near = SEN.replace("53-year-old", f"{56 - AGE_MARGIN_YEARS}-year-old")  # at the margin below "senior" (56)
    assert grounded_yes_no("Is she a senior?", "Yes, she is a senior.", near) == "Yes, possibly: she looks about 46 years old."
    far = SEN.replace("53-year-old", f"{55 - AGE_MARGIN_YEARS}-year-old")  # one year past it
    assert grounded_yes_no("Is she a senior?", "Yes, she is a senior.", far).startswith("No")


def test_gender_yes_no_is_the_vote_of_description_answer_and_second_wording():
    boy = "The photo is a close-up photo; it shows a White little boy who is 3 years old. He is smiling."
    # the answer's own words say girl, the description boy: the second wording breaks the tie
    assert grounded_yes_no("Is the kid a boy?", "No, this is a girl, not a boy.", boy, "This is a girl.") is None
    assert grounded_yes_no("Is the kid a boy?", "No, this is a girl, not a boy.", boy,
                           "This is a boy.") == "Yes, this is a boy."
    # a bare "No" implies the other gender; without a second wording the description breaks the tie. The
    # No stands, and says what the description says
    assert grounded_yes_no("Is this a girl?", "No.", boy) == "No. This is a boy, not a girl."
    assert grounded_yes_no("Is this a girl?", "No, this is a boy, not a girl.", boy) is None
    # an agreeing Yes/No whose words name nothing asked keeps its Yes/No and gains the description's words
    assert grounded_yes_no("Is this a female?", "No. It is a photo of a person.", boy) == \
        "No, this is a boy, not a girl."
    assert grounded_yes_no("Is he smiling?", "Yes. His eyes are open.", boy) == "Yes. He is smiling."
    assert grounded_yes_no("Is this a boy?", "No.", boy) == "Yes, this is a boy."


@pytest.mark.parametrize("question, expected", [
    ("Is this person older than 50?", (51, 200)), ("Is she over 60?", (61, 200)), ("Is he under 18?", (0, 17)),
    ("Is she younger than 30 years old?", (0, 29)), ("Is he at least 40?", (40, 200)), ("Is she 30 or older?", (30, 200)),
    ("Is he 65+?", (65, 200)), ("Is she at most 20?", (0, 20)), ("Is this an adult?", (18, 200)),
    ("Is this a minor?", (0, 17)), ("Is he over the age of 21?", (22, 200)),
    ("Is she over the moon?", None), ("Is this a senior?", None), ("Is she smiling?", None),
    ("Is she a young adult?", None), ("Does he look like a young-adult?", None),
    # a decade of life; "the 90s" is a time, not an age
    ("Is she in her 20s?", (20, 29)), ("Is he in his late thirties?", (36, 39)), ("Early twenties?", (20, 23)),
    ("Is she in her mid-40s?", (43, 46)), ("Was he born in the 90s?", None),
    # a bare "young" or "old" that ends its clause; "a young man" and "an old photo" do not ("old enough to
    # vote" is the legal age, below)
    ("Is he young?", (0, 35)), ("He's young, isn't he?", (0, 35)), ("Is he youthful?", (0, 35)),
    ("Does she look old?", (56, 200)), ("Is she getting old?", (56, 200)),
    ("Is he a young man?", None), ("Is he old enough to vote?", (18, 200)), ("Is this an old photo?", None),
    ("Is he too young to drive?", None), ("How old?", None), ("How young is she?", None),
    ("Is she a baby?", (0, 3)), ("Is this a toddler?", (0, 3)),
    # a number, a few years either side; "years old" is no bare "old"
    ("Is she 30?", (28, 32)), ("Is he about 40 years old?", (37, 43)), ("Is this person between 20 and 30?", (20, 30)),
    ("Is she around 25?", (22, 28)), ("Is the photo 10 years old?", None), ("Is he 40 years old?", (38, 42)),
    # numbers as words ("older than five" got "Yes. He is a child." of a one-year-old); "more than one person" is no age
    ("Is the child older than five?", (6, 200)), ("Is she over twenty?", (21, 200)),
    ("Is there more than one person here?", None),
    # a decade as a bound, "or so" and "-ish" as "about" (3 Dec 2026)
    ("Do they look like they are in their 60s or older?", (60, 200)), ("Is she in her 30s or younger?", (0, 39)),
    ("Is he 40 or so?", (37, 43)), ("Is she 40-ish?", (37, 43)), ("Is he 50 or thereabouts?", (47, 53)),
    # "give or take" (5 Dec 2026: "Is she 25, give or take a few years?" got "She is smiling."): the years asked, else 3
    ("Is she 25, give or take a few years?", (22, 28)), ("Is she 40, give or take 5?", (35, 45)),
    # the law's age, a preteen, "over the hill" as a bare "old", "years of age" as "years old" (5 Dec 2026: "Is she of
    # legal age?" got "No. She is not smiling.", "Is she a preteen?" "I can't tell from this photo.")
    ("Is she of legal age?", (18, 200)), ("Is she a preteen?", (9, 12)), ("Is he a pre-teen?", (9, 12)),
    ("Is he over the hill?", (56, 200)), ("Is she 30 years of age?", (28, 32)),
    ("Is she in first grade?", (6, 7)), ("Is he a 3rd grader?", (8, 9)), ("Is she in the sixth grade?", (11, 12)),
    ("Is she a centenarian?", (100, 200)), ("Is she in her golden years?", (56, 200)),
    # school (6 Dec 2026: "Is this kid old enough for school?" got "Yes, she is a child." of a girl described as 3)
    ("Is this kid old enough for school?", (5, 200)), ("Is she old enough to go to school?", (5, 200)),
    # a decade of life in Latin ("Is she a nonagenarian?" got "I can't tell from this photo."); "a year" as a number
    # ("Is this baby under a year old?" was read as any baby's 0-3)
    ("Is she a nonagenarian?", (90, 99)), ("Is he an octogenarian?", (80, 89)), ("Is she a sexagenarian?", (60, 69)),
    ("Is this baby under a year old?", (0, 0)), ("Is the baby less than a year old?", (0, 0)),
    # "thirty-something" (got "I can't tell from this photo.")
    ("Would you say thirty-something?", (30, 39)), ("Is he fortysomething?", (40, 49)), ("Is she 30-something?", (30, 39)),
    ("Is he 30 plus or minus 2 years?", (28, 32)), ("Is she 25 ± 4?", (21, 29)),
    ("Is she between 20 and 30? Give or take.", (20, 30)),
    # two bounds together ("older than 30 but younger than 60" read the first alone: a woman described as 60
    # got "Yes"); a span in years; an "or" of two bounds that share no age reads the first
    ("Does the person look older than 30 but younger than 60?", (31, 59)), ("Is she over 20 and under 30?", (21, 29)),
    ("Is she 40+ and under 50?", (40, 49)), ("Is he 30 to 40 years old?", (30, 40)), ("Is this an adult over 30?", (31, 200)),
    ("Is she over 60 or under 10?", (61, 200)),
    # a number in other wordings (3 Dec 2026, late: "Would she pass for 40?" got "I can't tell from this photo.",
    # "Could the baby be two years old?" was read as any baby's 0-3, and "a 20-year-old" as a bare "old", 56+)
    ("Would she pass for 40?", (38, 42)), ("Could he be 25?", (23, 27)), ("Do you think he is 45?", (43, 47)),
    ("She is 30, right?", (28, 32)), ("Does she look 50?", (48, 52)), ("Can she be 30 years old?", (28, 32)),
    ("Could the baby be two years old?", (0, 4)), ("Would she pass for a 20-year-old?", (18, 22)),
    ("Is this a 30-year-old woman?", (28, 32)), ("Is the photo about 40 years old?", None),
    # months: the whole years within three months
    ("Is the baby 6 months old?", (0, 0)), ("Is he 18 months?", (1, 1)), ("Is she 24 months old?", (1, 2)),
    # numbers that are no age
    ("Is this photo from 2010?", None), ("Is he number 10?", None), ("Is she 5 feet tall?", None),
    ("Are there 2 people?", None), ("Is it 3 pm?", None), ("Is she one of 3 sisters?", None),
])
def test_asked_age_range_reads_an_age_bound(question, expected):
    assert asked_age_range(question) == expected
    assert ("age" in yes_no_grounded(question)) == (expected is not None)


@pytest.mark.parametrize("question, answer, years, expected", [
    ("Is this person older than 50?", "Yes. He looks happy.", 13, "No. He looks about 13 years old."),
    ("Is this person older than 50?", "No. He is a child.", 54, "Yes. He looks about 54 years old."),
    ("Is he under 18?", "Yes, he is a child.", 54, "No, he looks about 54 years old."),
    ("Is this a minor?", "No.", 13, "Yes. He looks about 13 years old."),
    # within the margin of the bound, or on the answer's side, and the answer names an age: it stands, a Yes said as
    # the maybe it is
    ("Is this person older than 50?", "Yes. He is middle-aged.", 45, "Yes, possibly: he looks about 45 years old."),
    # a near miss whose words name another age: the Yes/No stands, in words that agree with the description (a
    # Yes as the maybe it is, with the described age: "Yes, he is a young adult." to "older than 30?" of a man
    # described as 29 read as a contradiction of the 29)
    ("Is this an adult?", "Yes, he is a young adult.", 13, "Yes, possibly: he looks about 13 years old."),
    ("Is this person older than 50?", "Yes. He is a senior.", 45, "Yes, possibly: he looks about 45 years old."),
    ("Does this person look older than 30?", "Yes, he is a senior.", 29, "Yes, possibly: he looks about 29 years old."),
    ("Is he younger than 25?", "Yes. He is a young adult.", 29, "Yes, possibly: he looks about 29 years old."),
    ("Is he younger than 25?", "Yes, he looks about 29 years old.", 29, "Yes, possibly: he looks about 29 years old."),
    # a No whose words name a group but no years states the described age, which answers the number asked (6 Dec
    # 2026: "Is she between 35 and 45?" of a woman described as 34 got "No. She is a young adult, not a senior.")
    ("Is he younger than 25?", "No. He is a young adult.", 29, "No, he looks about 29 years old."),
    ("Is he between 35 and 45?", "No. He is a young adult, not a senior.", 34, "No, he looks about 34 years old."),
    ("Is he 40 give or take 5?", "No. He is a young adult, not a senior.", 34, "No. He looks about 34 years old."),
    ("Is he younger than 25?", "Yes. He is a teenager.", 29, "Yes, possibly: he looks about 29 years old."),
    ("Is he over 40?", "No, he is a senior.", 38, "No. He looks about 38 years old."),
    ("Is he under 18?", "No, he is middle-aged.", 54, None),
    # a near miss whose words name no age: answered from the described age, which it states (a bare
    # "Yes" would contradict the age the model gives when asked)
    ("Is this person older than 50?", "Yes. He looks happy.", 45, "No. He looks about 45 years old."),
    ("Is this an adult?", "Yes.", 13, "No, he looks about 13 years old."),
    ("Is she in her thirties?", "Yes, she is not smiling.", 29, "No, he looks about 29 years old."),
    # the right Yes/No, but its words name another age than the description's: it states the described age
    ("Is this person over 40?", "Yes, he is a senior.", 52, "Yes. He looks about 52 years old."),
    ("Is he over 60?", "No. He is 30 years old.", 45, "No. He looks about 45 years old."),
    ("Is he over 60?", "No, he is middle-aged.", 45, None),  # beyond the margin, the described group: stands
    # an answer on the right side whose words name no age is given the described age
    ("Is he under 18?", "No, he is a man.", 54, "No, he looks about 54 years old."),
    ("He's young, isn't he?", "Yes. His eyes are open.", 16, "Yes, he looks about 16 years old."),
    ("Is he old?", "Yes, he is a senior.", 24, "No. He looks about 24 years old."),
    ("Is he in his thirties?", "No.", 34, "Yes, he looks about 34 years old."),
    ("Is he a baby?", "Yes. He is a child.", 20, "No. He looks about 20 years old."),
    # the margin is at most half the described age less a year: 8 is 5 years past a baby's 3, beyond 3
    ("Is he a baby?", "Yes. He is a child.", 8, "No. He looks about 8 years old."),
    ("Is he a baby?", "Yes. He is a child.", 5, "Yes, possibly: he looks about 5 years old."),  # 2 years past, within 2
    # (half the age less a year: 7 Dec 2026 (late), "Is she a toddler?" of a girl described as 6 got "Yes, possibly")
    ("Is he a toddler?", "Yes. He is a child.", 6, "No. He looks about 6 years old."),
])
def test_grounded_yes_no_answers_an_age_bound_from_the_described_age(question, answer, years, expected):
    caption = f"The photo is a close-up photo; it shows a White {'boy' if years < 18 else 'man'} who is {years} years old."
    assert grounded_yes_no(question, answer, caption) == expected


@pytest.mark.parametrize("question, years, expected", [
    # a number or a narrow span: a near miss within 5 years ("about 40" is 37-43), a No beyond (6 Dec 2026: "Would you
    # say she's around 20?" of a woman described as 32 got "Yes, possibly: she looks about 32 years old.")
    ("Is he about 40?", 32, "yes, possibly"), ("Is he about 40?", 31, "no"),
    ("Would you say he's around 20?", 32, "no"), ("Is he 38?", 32, "yes, possibly"),
    ("Is he in his forties?", 32, "no"), ("Is he in his forties?", 35, "yes, possibly"),
    # a one-sided bound keeps the wider margin of the age groups
    ("Is he over 40?", 32, "yes, possibly"),
])
def test_a_number_asked_is_a_near_miss_only_within_five_years(question, years, expected):
    caption = f"The photo is a close-up photo; it shows a White man who is {years} years old."
    got = grounded_yes_no(question, "Yes, he is a young adult.", caption)
    assert got.lower().startswith(expected) and not (expected == "no" and "possibly" in got.lower())
    assert f"about {years} years old" in got


def test_a_no_that_names_no_age_is_given_the_described_group():
    described = "The photo is a close-up photo; it shows a White man who is 52 years old. He is smiling."
    # 52 is a near miss for a senior: the model's No stands, now saying what the description says
    assert grounded_yes_no("Would you call him elderly?", "No. He looks happy, not sad.", described) == \
        "No, he is middle-aged, not a senior."
    assert grounded_yes_no("Is he a senior?", "No.", described) == "No, he is middle-aged, not a senior."
    # an answer that names an age group other than the description's says the description's (6 Dec 2026; it was left
    # alone, and "Is this a teenage girl?" of a woman described as 21 got "No, she is a child, not a teenager."); one
    # that names the description's stands
    assert grounded_yes_no("Is he a senior?", "No, he is a young adult, not a senior.", described) == \
        "No, he is middle-aged, not a senior."
    assert grounded_yes_no("Is he a senior?", "No, he is middle-aged.", described) is None
    assert grounded_yes_no("Is he a senior?", "Yes, he is a senior.", described) == "Yes, possibly: he looks about 52 years old."


def test_a_near_miss_beside_a_confirmed_subject_is_judged_as_one_alone():
    """6 Dec 2026: "Is he an older gentleman?" of a man described as 52 got "Yes, he is not smiling." (the gentleman
    confirmed, the age a near miss: the near-miss rules read one value asked alone); "Is this a teenage girl?" of a
    woman described as 21 got "No, she is a child, not a teenager." (a No whose words name another group)."""
    man = "The photo is a close-up photo; it shows a South Asian man who is 52 years old. He looks happy."
    assert grounded_yes_no("Is he an older gentleman?", "Yes, he is not smiling.", man) == \
        "Yes, possibly: he looks about 52 years old."
    assert grounded_yes_no("Is this a man in his sixties?", "Yes. He is smiling.", man) == \
        "No, he looks about 52 years old."
    woman = "The photo is a close-up photo; it shows a 21-year-old woman. Her facial expression looks happy."
    assert grounded_yes_no("Is this a teenage girl?", "No, she is a child, not a teenager.", woman) == \
        "No, she is a young adult, not a teenager."
    assert grounded_yes_no("Is this a teenage girl?", "No, she is a young adult, not a teenager.", woman) is None
    # a boy or a girl asked about is the gender's question, its noun's age implied: the near miss leaves it alone
    # (test-128: "Is this a young girl?" of a girl described as 14 would have become "Yes, possibly: she looks about 14
    # years old.")
    girl = "The photo shows a White girl who is 14 years old. She looks happy."
    assert grounded_yes_no("Is this a young girl?", "Yes. This is a girl.", girl) is None
    assert grounded_yes_no("Is this little one a girl?", "Yes. This is a girl.", girl) is None
    # a contradicted subject still decides ("Is this a teenage boy?" of a woman)
    assert grounded_yes_no("Is this a teenage boy?", "Yes, he is a teenager.", woman).startswith("No")


def test_a_subject_named_by_one_age_group_asked_about_another():
    """6 Dec 2026: "Is this child a teenager?" of a girl described as 10 got "Yes, she is a child." (read as "Is this a
    child?"); the group asked is the one after the subject, and a near-miss Yes whose own words name the description's
    group is that group's No."""
    girl = "The image shows a close-up photo of a White little girl who is 10 years old. She has a happy expression."
    assert grounded_yes_no("Is this child a teenager?", "Yes, she is a child.", girl) == "No. She is a child, not a teenager."
    assert grounded_yes_no("Is this child smiling?", "Yes, she is a child.", girl) == "Yes, she is smiling."
    man = "The photo is a close-up photo; it shows a White man who is 52 years old. He is smiling."
    assert grounded_yes_no("Is he a senior?", "Yes, he is middle-aged.", man) == "No, he is middle-aged, not a senior."
    assert grounded_yes_no("Is he a senior?", "Yes, he is a senior.", man) == "Yes, possibly: he looks about 52 years old."


def test_beaming_is_a_smile():
    happy = "The photo is a close-up photo; it shows a White woman who is 25 years old. She is clearly smiling."
    assert grounded_yes_no("Is she beaming?", "Yes. She is a young adult.", happy) == "Yes, she is smiling."
    assert parse_attribute("She is beaming.", "smile") is True


def test_a_near_miss_yes_keeps_its_yes_as_a_maybe_with_the_described_age():
    # "Is this a kid?" of a boy described as 16 got "Yes, it is a photo of a person.", and "Is this person a
    # pensioner?" of a man described as 47 "Yes, he is a senior.": the near miss leaves the model's Yes standing
    # (the 10-year margin), said as the maybe it is, in words that agree with the description
    teen = "The image shows a close-up photo of a White teenager, aged 16. He has a neutral expression."
    assert grounded_yes_no("Is this a kid?", "Yes, it is a photo of a person.", teen) == \
        "Yes, possibly: he looks about 16 years old."
    assert grounded_yes_no("Is he a senior?", "Yes. He looks happy.",
                           "A close-up photo of a White man who is 52 years old.") == "Yes, possibly: he looks about 52 years old."
    man = "The image shows a close-up portrait of a White middle-aged man, aged 47. He has a happy expression."
    assert grounded_yes_no("Is this person a pensioner?", "Yes, he is a senior.", man) == \
        "Yes, possibly: he looks about 47 years old."
    assert grounded_yes_no("Is this person retired age?", "Yes. It is a photo of a woman.", man) == \
        "Yes, possibly: he looks about 47 years old."
    assert grounded_yes_no("Is he middle-aged?", "Yes, he is middle-aged.", man) is None  # inside the group
    # beyond the margin the description decides, as before
    assert grounded_yes_no("Is he a senior?", "Yes. He looks happy.", teen) == "No, he is a teenager, not a senior."


def test_an_age_answer_whose_yes_no_stands_names_the_described_group():
    # "Is this person a senior citizen?" of a man described as 37 → "No, he is a young adult, not a senior.":
    # the No is right, its group is not the description's
    described = "The image shows a close-up portrait of a 37-year-old Asian man. He has his mouth closed."
    assert grounded_yes_no("Is this person a senior citizen?", "No, he is a young adult, not a senior.", described) == \
        "No. He is middle-aged, not a senior."
    assert grounded_yes_no("Is he a senior?", "No, he is middle-aged, not a senior.", described) is None
    assert grounded_yes_no("Is he middle-aged?", "Yes, he is middle-aged.", described) is None
    assert grounded_yes_no("Is he a child?", "No. He looks about 30 years old.", described) == \
        "No, he is middle-aged, not a child."


@pytest.mark.parametrize("question, answer, expected", [
    # the asked gender under another noun: the question's noun
    ("A man?", "No. This is a girl, not a boy.", "No. This is a girl, not a man."),
    ("Is this a boy?", "No, this is a woman, not a man.", "No, this is a woman, not a boy."),
    ("Is he a boy?", "No, this is a man, not a boy.", None),
    ("A man?", "No, this is a girl, not a girl.", "No, this is a girl, not a man."),  # mended, then the noun
    ("Is this a man?", "No, this is a boy.", None),  # no "not …": nothing to mend
    ("Is this a young boy?", "No. This is a girl, not a girl.", "No, this is a girl, not a boy."),
    ("Is this a male face?", "No, this is a woman, not a woman.", "No, this is a woman, not a man."),
    ("Is this person male?", "No, this is a girl, not a woman.", "No, this is a girl, not a boy."),
    ("Would you say he looks sad?", "No, he looks neutral, not neutral.", "No, he looks neutral, not sad."),
    ("Is she a young adult?", "No. She is a child, not a child.", "No, she is a child, not a young adult."),
    ("Is it a young adult in this picture?", "No, she is a teenager, not a girl.",
     "No, she is a teenager, not a young adult."),
    ("Does she look middle-aged?", "No, she is a senior, not a woman.", "No. She is a senior, not middle-aged."),
    # well formed, or nothing to mend: left alone
    ("Is this a boy?", "No, this is a girl, not a boy.", None),
    ("Is this person a girl?", "No. This is a boy, not a girl.", None),
    ("Is she smiling?", "No, she is not smiling.", None),
    ("Is this a man?", "Yes, this is a man, not a woman.", None),  # the one other gender: it says something
    ("Is this a man?", "No.", None),
    ("Is it in color?", "No, it is not in color.", None),
    ("Is this a senior?", "No, this is not a senior, not a senior.", None),  # names no value of its own
])
def test_mended_yes_no_names_what_was_asked_after_not(question, answer, expected):
    assert mended_yes_no(question, answer) == expected
    if expected is not None:  # the mended answer keeps its No and is itself well formed
        assert expected.startswith("No") and mended_yes_no(question, expected) is None


@pytest.mark.parametrize("question, answer, expected", [
    # "Is the lady in the photo happy?" got "Yes, she looks happy, not surprised." of women described as happy
    ("Is the lady in the photo happy?", "Yes, she looks happy, not surprised.", "Yes, she looks happy."),
    ("Is he old?", "Yes. He is a senior, not a child.", "Yes. He is a senior."),
    ("Is she happy?", "Yes, she looks happy, not sad. Her eyes are open.", "Yes, she looks happy. Her eyes are open."),
    ("Is she not smiling?", "Yes, she is not smiling.", None), ("Is she smiling?", "Yes, she is smiling.", None),
])
def test_a_yes_sets_no_other_value_against_what_it_bears_out(question, answer, expected):
    assert mended_yes_no(question, answer) == expected


def test_ask_grounds_attribute_answers_on_the_photos_own_caption(pipe, monkeypatch):
    """Through the pipeline, with a grounding rule that shows what it was given: only the attribute questions'
    answers change, each sees the caption ``pipe.caption`` gives for its photo, a photo is described once
    (a second question about it, and questions after ``caption``, reuse the description), and
    ``grounded_answers=False`` or sampling leave every answer as decoded."""
    import unif2ace.generation.constraints as constraints
    import unif2ace.pipeline.pipeline as pipeline_module

    images = _images(3, 5)
    questions = ["Guy or gal?", "What color is her hair?", "How old, roughly?"]
    plain = pipe.ask(images, questions, align=False, max_new_tokens=6, grounded_answers=False)
    seen = []
    monkeypatch.setattr(constraints, "grounded_answer", lambda q, a, c, s=None: seen.append((q, a, c, s)) or f"[{c}]")
    decodes = []
    real = pipeline_module.generate_text
    monkeypatch.setattr(pipeline_module, "generate_text", lambda *a, **k: decodes.append(len(a[1].input_ids)) or real(*a, **k))
    pipe._own.clear()
    grounded = pipe.ask(images, questions, align=False, max_new_tokens=6)
    captions = pipe.caption(images, align=False)
    assert [q for q, *_ in seen] == ["Guy or gal?", "How old, roughly?"]
    assert [a for _, a, *_ in seen] == [plain[0], plain[2]]  # the decoded answers are what is checked
    assert grounded == [f"[{captions[0]}]", plain[1], f"[{captions[2]}]"]
    # the gender question's second wording, answered by the model as asked directly; none for the age question
    second = pipe.ask([images[0]], [SECOND_WORDING["gender"]], align=False, max_new_tokens=24, grounded_answers=False)[0]
    assert [s for *_, s in seen] == [second, None]
    # the answers, one description for each of the two photos asked about, the age wording for both (the tiny
    # model's descriptions name no age: constraints.with_age), the expression wording for the one whose words
    # state no expression nor smile (constraints.with_expression), the second wording for the first
    assert decodes[:5] == [3, 2, 2, 1, 1]
    decodes.clear()
    again = pipe.ask([images[0], images[0]], ["Gender?", "Male or female?"], align=False, max_new_tokens=6)
    assert again == [f"[{captions[0]}]"] * 2 and decodes == [2]  # the answers only: the rest is kept
    pipe._own.clear()
    pipe.caption([images[1]], align=False)  # caption() fills the same store
    decodes.clear()
    assert pipe.ask([images[1]], ["Age?"], align=False, max_new_tokens=6) == [f"[{captions[1]}]"]
    # the answer only: caption() kept the description and, as the tiny model's description names no age, its
    # answer to AGE_WORDING (whose random words name none either, so the description is read as it is)
    assert decodes == [1]
    assert pipe.ask(images, questions, align=False, max_new_tokens=6, grounded_answers=False) == plain
    sampled = pipe.ask(images, questions, align=False, max_new_tokens=6, do_sample=True, seed=0)
    assert not any(a.startswith("[") for a in sampled)


def test_ask_grounds_yes_no_answers_that_name_a_checked_value(pipe, monkeypatch):
    """Yes/no questions naming a gender, age group, smile, the eyes or the photo's colour go to
    ``grounded_yes_no`` with the photo's description (and the second wording when a gender is named);
    other yes/no questions are left alone."""
    import unif2ace.generation.constraints as constraints

    images = _images(3, 11)
    questions = ["Is the kid a boy?", "Is this a portrait photo?", "Could she be a senior?"]
    plain = pipe.ask(images, questions, align=False, max_new_tokens=6, grounded_answers=False)
    seen = []
    monkeypatch.setattr(constraints, "grounded_yes_no", lambda q, a, c, s=None: seen.append((q, a, c, s)) or "Yes.")
    pipe._own.clear()
    got = pipe.ask(images, questions, align=False, max_new_tokens=6)
    captions = pipe.caption(images, align=False)
    second = pipe.ask([images[0]], [SECOND_WORDING["gender"]], align=False, max_new_tokens=24, grounded_answers=False)[0]
    assert seen == [(questions[0], plain[0], captions[0], second), (questions[2], plain[2], captions[2], None)]
    assert got == ["Yes.", plain[1], "Yes."]


@pytest.mark.parametrize("question", [
    "Is she married?", "Does he speak French?", "Is this person rich?", "Is he a doctor?", "Is she a student?",
    "Does he like football?", "Is she American?", "Has she got a dog?", "Is his name John?", "Does she live in London?",
    "Is she pretty?", "A doctor, right?", "Is this someone famous?",
    "What language does this person speak?", "What's his phone number?", "Who is this?", "Where is she from?",
    "What is she wearing?", "Where does he work?", "What's in the background?", "Tell me his name",
    "so where does she live", "Hi! Who is this",
    # of the face or the photo, but stated by no label or description
    "Is the face partly hidden?", "Is it a selfie?", "Is he wearing a hat?", "Is she wearing makeup?",
    "Has this photo been edited?", "Does she have earrings?", "How many people are in the photo?",
    "Is there anything unusual about this photo?", "Anything odd about her face?", "What year was this photo taken?",
    "When was this picture taken?", "Where was the photo taken?", "What's the skin tone?", "What is her complexion like?",
    "Is there more than one person in this picture?", "Is she alone?", "Is anyone else in the photo?",
    "Is this a real photo or a drawing?", "Is this real or fake?", "Is this photo AI-generated or real?",
    "Is this a real person or a drawing?",  # got "A boy." of a woman
    "Is the person making a funny face?", "Is she pulling a face?",  # got "Yes. It is a photo of a person."
    "Does the child look healthy?", "Is she sick?", "Does he look unwell?",  # got "Yes, he is a child."
    "Is the person's age a multiple of ten?", "Is her age an even number?",  # got "Yes, this is a boy." of a girl of 1
    "Are there any shadows on the face?", "Is there a shadow across her face?",  # got "Yes. Her eyes are open."
    "Real person or AI-generated?", "Is this a real human or a cartoon?", "Is this a cartoon or a real face?",
    "Drawing or photo?", "Can you see both ears?", "Is the face centred in the frame?", "Does she have freckles?",
    "What decade was this photo taken in?", "Does he look like a father?", "Can you see teeth?",
    "Is she someone's mother?", "Would you call this a good portrait?", "Is this a professional photo?",
    "Is she light-skinned?", "Is the image grainy?", "What color are the baby's eyes?", "What is her eye colour?",
    "What color are her eyes?",  # no label states it (the model answered "In color." of a baby)
    "Is he clean-shaven?",  # the descriptions state facial hair only when they see it: its absence is unknown
    "What is the color of the background?",  # got "1 year old: a child."
    "Is the background white?", "What colour is his shirt?", "Is the photo taken against a plain backdrop?",
    "Does the person look young for their age?",  # got "No. He is not smiling."
    "Does this person look older than they are?", "Is she younger than her real age?",  # "Yes. It is a photo of …"
    "Does she look younger than her age?", "Does he look older than his years?",  # 6 Dec 2026: "Yes. She is a senior."
    "Is there anything on the head?", "Is she wearing anything on her head?",  # got "Yes. She is smiling."
    "Is this a millennial?", "Is this person Gen Z?", "Is he a baby boomer?",  # the photo's year is unknown
    "Is the face centered?",  # got "Yes. It is a photo of a woman."
    "Is this person's face symmetrical?",  # got "No. It is a photo of a person."
    # the photo's own age ("Is this an old photo?" got "Yes, it is a photo of a boy.")
    "Is this an old photo?", "Is this picture old?", "Is the photo recent?", "Is this a vintage photo?",
    "How old is this photo?", "Is this a new picture?",
    "Is the lighting harsh?", "Is the light natural?", "Was a flash used?",  # got "Yes. It is a photo of a person."
    # the future, and what a photo is for ("What would this person look like in 20 years?" got "She looks happy.")
    "What would this person look like in 20 years?", "How will she look when she is older?",
    "What will he look like in ten years time?", "Could this be a passport photo?", "Is this an ID photo?",
    # looks as a matter of taste ("Is the boy cute?" got "Yes. It is a photo of a boy.")
    "Is the boy cute?", "Is the baby adorable?", "Is she a pretty woman?", "Is the man handsome?",
    # children of one's own (6 Dec 2026, session 47: "Does this person have kids?" got "No. He is a senior, not a
    # child.", "Would you guess this person has kids?" "Yes. She is a child.")
    "Does this person have kids?", "Would you guess this person has kids?", "Does he have children?",
    "Does she have a baby?", "Does she have grandkids?",
])
def test_unseen_question_finds_questions_about_what_no_photo_shows(question):
    assert unseen_question(question)


@pytest.mark.parametrize("question", [
    "Is she smiling?", "Is this a man?", "Is he angry?", "Is she over 60?", "Is this a cat?", "Is this a person?",
    "Is there a face in this picture?", "Is this a human?", "Is it in color?", "Does he wear glasses?",
    "Does he have a beard?", "Is she Asian?", "Is he looking at the camera?", "Are her eyes closed?",
    "Is the photo blurry?", "Is he old?", "Is she a kid?", "Is this a real photo?", "Does she look upset?",
    "Would you call her elderly?", "Smiling, is he?", "Is this a minor?", "Is her mouth open?",
    "Is she looking into the lens?", "Does this show a dog?", "Is he youthful?", "Is he in his thirties?",
    "What does she look like?", "What is this?", "How old is she?", "Man or woman?", "Guy or gal?",
    "What ethnic group is she?", "How is he feeling?", "Why is she sad?",
    "Tell me about this person.", "What mood is she in?", "Which way is he facing?", "Young or old?",
    "What colour is his hair?", "Thanks!", "Hello", "Nice photo.",  # not questions: left to the model
    "Is she looking away?", "Is the lighting good?", "Is the photo too dark?", "What's going on in this pic?",
    "Is this a drawing?", "Is this a cartoon character?", "Is this a painting of a bowl of fruit?",
    "Is this a real person?", "Describe the person's face briefly.", "Which decade of life is this person in?",
    "Do you think she's in her 20s or 30s?", "Is this a man, a woman or a child?", "Is he grinning from ear to ear?",
    "Which direction is the face pointing?", "Tell me everything you can about this face.",
    "Is the person in the photo old?", "How old is the person in this picture?", "Is this a photo of an old woman?",
    "Is the lighting dim?", "Is the light even?", "Is the photo brightly lit?",
    "Does she look pleased?", "Is he pleased?", "Does she seem joyous?",  # "pleased" got "I can't tell from this photo."
    "Is she displeased?", "Is she pretty old?", "Is he pretty young?",  # "pretty" as "rather"
    "Does the kid have a happy face?", "Is this a child?", "Is the child smiling?",  # a child seen, not one had
    "Does he have a baby face?",
])
def test_unseen_question_leaves_what_the_model_can_see(question):
    assert not unseen_question(question)


def test_every_attribute_question_of_the_data_and_the_evaluation_is_about_something_seen():
    from unif2ace.data import qa as QA
    from unif2ace.data import questions as Q
    from unif2ace.data import wordings as W

    p = Person.of({"gender": "female"})
    templates = [t for pools in (Q.OPEN, Q.POLAR, Q.FOLLOW_UPS) for ts in pools.values() for t in ts]
    templates += Q.OFF_TOPIC_FALSE + Q.OFF_TOPIC_TRUE + QA.DESCRIBE
    for key in (("open", "gender"), ("open", "age_group"), ("open", "smile"), ("open", "emotion"),
                ("polar", "gender", "male"), ("polar", "age_group", "*"), ("polar", "smile", False),
                ("off-topic", False), ("off-topic", True)):
        templates += W.composed(*key, held_out_texts=Q.kept_out_texts())
    flagged = [q for t in templates if unseen_question(q := p.fill(t, group="a senior", adj="happy"))]
    assert not flagged and len(templates) > 400


def test_ask_mends_yes_no_answers_and_says_cant_tell_only_under_grounding(pipe, monkeypatch):
    """Every yes/no row's final answer, grounded or not ("Is this a portrait photo?" names no grounded value),
    goes through ``mended_yes_no``; open questions do not; ``grounded_answers=False`` skips it."""
    import unif2ace.generation.constraints as constraints

    images = _images(4, 13)
    questions = ["Is the kid a boy?", "Is this a portrait photo?", "How old?", "Are his eyes closed?"]
    monkeypatch.setattr(constraints, "grounded_yes_no", lambda q, a, c, s=None: "No, this is a girl, not a girl.")
    monkeypatch.setattr(constraints, "grounded_answer", lambda q, a, c, s=None: None)
    plain = pipe.ask(images, questions, align=False, max_new_tokens=6, grounded_answers=False)
    seen = []
    real = constraints.mended_yes_no
    monkeypatch.setattr(constraints, "mended_yes_no", lambda q, a: seen.append((q, a)) or real(q, a))
    got = pipe.ask(images, questions, align=False, max_new_tokens=6)
    mended = "No, this is a girl, not a girl."
    assert seen == [(questions[0], mended), (questions[1], plain[1]), (questions[3], mended)]
    assert got[0] == "No, this is a girl, not a boy." and got[2] == plain[2]
    unseen = pipe.ask(images[:2], ["Is she married?", "What language does he speak?"], align=False, max_new_tokens=6)
    assert unseen == ["I can't tell from this photo."] * 2
    assert pipe.ask(images[:1], ["Is she married?"], align=False, max_new_tokens=6, grounded_answers=False) != unseen[:1]
    seen.clear()
    assert pipe.ask(images, questions, align=False, max_new_tokens=6, grounded_answers=False) == plain and not seen


@pytest.mark.parametrize("question, expected_with, expected_without", [
    ("Is she wearing glasses?", "Yes, he is wearing glasses.", "I can't tell from this photo."),
    ("Does he wear spectacles?", "Yes, he is wearing glasses.", "I can't tell from this photo."),
    ("Does he have a beard?", "Yes, he has facial hair.", "I can't tell from this photo."),
    ("Has he got a moustache?", "Yes, he has facial hair.", "I can't tell from this photo."),
    # a follow-up naming only the thing (6 Dec 2026, session 43: "What about a beard?" after a question about
    # glasses got "He looks happy.")
    ("What about his glasses?", "Yes, he is wearing glasses.", "I can't tell from this photo."),
    ("And a beard?", "Yes, he has facial hair.", "I can't tell from this photo."),
    # two names of one thing (6 Dec 2026, session 47: "Does the person have a beard or mustache?" got "He is not
    # smiling."); two things offered stay a choice
    ("Does the person have a beard or mustache?", "Yes, he has facial hair.", "I can't tell from this photo."),
    ("Is he wearing glasses or sunglasses?", "Yes, he is wearing glasses.", "I can't tell from this photo."),
    ("Does he have glasses or a beard?", None, None),
    ("Is she smiling?", None, None), ("What about his mood?", None, None), ("What color are his glasses?", None, None),
])
def test_glasses_and_facial_hair_are_answered_from_the_description_alone(question, expected_with, expected_without):
    seen = "A close-up photo of a White young man who is 20 years old. He is wearing a pair of glasses. He has a beard."
    unseen = "A close-up photo of a White young man who is 20 years old. He is smiling."
    assert described_or_cant_tell(question, seen) == expected_with
    assert described_or_cant_tell(question, unseen) == expected_without


def test_ask_answers_glasses_questions_from_the_photos_description(pipe, monkeypatch):
    import unif2ace.generation.constraints as constraints

    images = _images(2, 19)
    seen = []
    monkeypatch.setattr(constraints, "described_or_cant_tell",
                        lambda q, c: seen.append((q, c)) or ("[glasses]" if "glasses" in q else None))
    pipe._own.clear()
    got = pipe.ask(images, ["Is she wearing glasses?", "Is this a portrait photo?"], align=False, max_new_tokens=6)
    assert got[0] == "[glasses]" and seen == [("Is she wearing glasses?", pipe.caption(images[:1], align=False)[0])]


def test_ask_answers_who_is_this_from_the_photos_description(pipe, monkeypatch):
    import unif2ace.generation.constraints as constraints

    images = _images(2, 23)
    seen = []
    monkeypatch.setattr(constraints, "identity_answer",
                        lambda q, c: seen.append((q, c)) or ("[who]" if q.startswith("Who") else None))
    pipe._own.clear()
    got = pipe.ask(images, ["Who is this?", "Is she married?"], align=False, max_new_tokens=6)
    assert got == ["[who]", "I can't tell from this photo."]
    assert seen == [("Who is this?", pipe.caption(images[:1], align=False)[0])]
    # without grounding the model answers alone
    seen.clear()
    assert pipe.ask(images[:1], ["Who is this?"], align=False, max_new_tokens=6, grounded_answers=False) != ["[who]"]
    assert not seen
    # a description that names no gender or age: "I can't tell" as for any question about nothing seen
    monkeypatch.setattr(constraints, "identity_answer", lambda q, c: None)
    assert pipe.ask(images[:1], ["Who is this?"], align=False, max_new_tokens=6) == ["I can't tell from this photo."]


def test_a_description_request_in_any_wording_is_asked_as_the_training_data_asks_it(pipe, monkeypatch):
    from unif2ace.generation.constraints import AGE_WORDING, EXPRESSION_WORDING
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    images = _images(2, 17)
    asked = []
    real = pipe.prompter.mmu
    monkeypatch.setattr(pipe.prompter, "mmu", lambda codes, convs, **k: asked.append([t[-1][0] for t in convs])
                        or real(codes, convs, **k))
    got = pipe.ask(images, ["Tell me about this person.", "Describe her expression."], align=False, max_new_tokens=8)
    # the description of its photo alone (and, as the tiny model's names no age nor expression, the age and
    # expression wordings: constraints.with_age, with_expression), then the other question: a description is
    # never decoded beside others
    assert [a for a in asked if a not in ([AGE_WORDING], [EXPRESSION_WORDING])][:2] == \
        [[CAPTION_QUESTION], ["Describe her expression."]]
    assert got[0] == pipe.ask(images[:1], [CAPTION_QUESTION], align=False, max_new_tokens=8)[0]
    asked.clear()
    pipe.ask(images[:1], ["Tell me about this person."], align=False, max_new_tokens=8, grounded_answers=False)
    assert asked == [["Tell me about this person."]]
    # in a chat, the description is asked of the photo alone, so that it is the one every grounded answer
    # reads (a chat's "Describe him." and "How old is he?" name one age); other turns keep their history
    asked.clear()
    convs = []
    monkeypatch.setattr(pipe.prompter, "mmu", lambda codes, cv, **k: convs.append(cv) or real(codes, cv, **k))
    chat = [{"role": "user", "content": "What do you see?"}, {"role": "assistant", "content": "A face."},
            {"role": "user", "content": "Can you describe her?"}]
    pipe._own.clear()  # not the description kept from the questions above
    described = pipe.chat(images[0], chat, align=False, max_new_tokens=8)
    assert convs[0] == [[(CAPTION_QUESTION, None)]]
    assert described == pipe.ask(images[:1], [CAPTION_QUESTION], align=False, max_new_tokens=8)[0]
    convs.clear()
    pipe.chat(images[0], chat[:2] + [{"role": "user", "content": "Is she smiling?"}], align=False, max_new_tokens=8)
    assert [q for q, _ in convs[0][0]] == ["What do you see?", "Is she smiling?"]


@pytest.mark.parametrize("question, caption, expected", [
    ("How many months old is the baby?", "The photo shows a 1-year-old White young boy.", "He looks about 12 months old (1 year)."),
    ("What is her age in months?", "The photo shows an Asian baby girl who is less than a year old.",
     "She looks less than a year old (under 12 months)."),
    ("Age in weeks?", "It shows a White girl who is 2 years old.", "She looks about 104 weeks old (2 years)."),
    ("How old is he in months?", "The image shows a White man who is 52 years old.",
     "He looks about 52 years old (about 624 months)."),
    # (7 Dec 2026: "How old is she in dog years?" got "She is 1 year old, so she is a child.", the dog read as the
    # subject asked about)
    ("How old is she in dog years?", "It shows a White girl who is 2 years old.",
     "About 14 in dog years, by the rule of seven dog years to a human one: she looks about 2 years old."),
    # in words (8 Dec 2026: "Tell me the person's age in words, not digits." got "29 years old: a young adult.")
    ("Tell me the person's age in words, not digits.", "It shows a South Asian woman who is 29 years old.",
     "She looks about twenty-nine years old."),
    ("Spell out his age.", "The image shows a White man who is 1 year old.", "He looks about one year old."),
])
def test_an_age_asked_in_months_or_weeks_is_said_in_them(question, caption, expected):
    """"How many months old is the baby?" got "A boy."; "Guess the age in months." an age in years."""
    assert grounded_answer(question, "A boy.", caption) == expected
    assert grounded_answer(question, "He is 30 years old.", caption) == expected


@pytest.mark.parametrize("question, caption, expected", [
    # "How old will she be in 10 years?" got "I can't tell from this photo." (the future rule)
    ("How old will she be in 10 years?", "It shows a White woman who is 30 years old.",
     "She looks about 30 years old now, so in 10 years she would be about 40."),
    ("What age will he be in twenty years?", "It shows a White man who is 45 years old.",
     "He looks about 45 years old now, so in 20 years he would be about 65."),
    ("How old was she a decade ago?", "It shows a White woman who is 30 years old.",
     "She looks about 30 years old now, so 10 years ago she was about 20."),
    ("How old was he 5 years ago?", "It shows a White boy who is 1 year old.",
     "He looks about 1 year old now, so 5 years ago he was not born yet."),
    # (6 Dec 2026: "… 10 years ago she was about 0.")
    ("How old was she 10 years ago?", "It shows a White girl who is 10 years old.",
     "She looks about 10 years old now, so 10 years ago she was about to be born, or a newborn."),
])
def test_an_age_asked_at_another_time_moves_the_described_age(question, caption, expected):
    from unif2ace.generation.constraints import unseen_question

    assert not unseen_question(question)
    assert grounded_answer(question, "She is 33.", caption) == expected


WOMAN_SMILING = "The photo is a close-up photo; it shows a White woman who is 30 years old. She is smiling."
MAN_NOT_SMILING = "The photo shows a White man who is 40 years old. He has a neutral expression. There is no smile on his face."


@pytest.mark.parametrize("question, answer, caption, expected", [
    # "Is the person neither smiling nor frowning?" got "Yes. She is smiling."
    ("Is the person neither smiling nor frowning?", "Yes. She is smiling.", WOMAN_SMILING, "No, she is smiling."),
    ("Is the person neither smiling nor frowning?", "No.", MAN_NOT_SMILING, "Yes, he is not smiling."),
    ("Is she neither a child nor a senior?", "No.", WOMAN_SMILING, "Yes. She is a young adult, not a child."),
])
def test_neither_nor_is_asked_of_its_first_part_and_denied(question, answer, caption, expected):
    assert grounded_yes_no(question, answer, caption) == expected


@pytest.mark.parametrize("question, close, mid, far", [
    ("Is this a close-up?", "Yes", "No", "No"), ("Is it a headshot?", "Yes", "No", "No"),
    ("Does the face fill the frame?", "Yes", "No", "No"),
    ("Was this taken from far away?", "No", None, "Yes"), ("Is this a wide shot?", "No", None, "Yes"),
    ("Is this a full-body shot?", None, None, None),  # the model sees no body: left to the other rules
    ("Is she smiling?", None, None, None), ("Describe the close-up.", None, None, None),
])
def test_framing_answer_reads_the_face_share_of_the_photo(question, close, mid, far):
    from unif2ace.generation.constraints import framing_answer

    got = [framing_answer(question, share) for share in (0.9, 0.3, 0.1)]
    assert [g if g is None else g.split(",")[0] for g in got] == [close, mid, far]
    assert framing_answer(question, None) is None


def _kept(pipe, seed: int, answers: dict[str, str]):
    """(images, crops) of one random photo whose model answers to ``answers``' questions are kept as given (the
    pipeline's store of its own answers, cleared first)."""
    images = _images(1, seed)
    crops = pipe.prepare(images, align=False)
    pipe._own.clear()
    for question, answer in answers.items():
        pipe._remember(pipe._own_keys(question, crops), [answer])
    return images, crops


def test_a_description_without_an_age_reads_the_models_answer_to_the_age_wording(pipe, monkeypatch):
    """One val description in 48 names no age ("… it shows a Black. He is not smiling …"): "How old?" got the
    model's own 18 and "Is this person over 40?" "Yes. He is a senior.". Age questions then read the model's
    answer to AGE_WORDING as the description's age; a description with an age is read as it is."""
    import unif2ace.generation.constraints as constraints
    from unif2ace.generation.constraints import AGE_WORDING
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    ageless = "The photo is a close-up photo; it shows a Black. He is not smiling."
    images, crops = _kept(pipe, 41, {CAPTION_QUESTION: ageless, AGE_WORDING: "He is 17 years old, so he is a teenager."})
    assert pipe.ask(images, ["How old?"], align=False, max_new_tokens=4) == ["He is 17 years old, so he is a teenager."]
    seen = []
    monkeypatch.setattr(constraints, "grounded_yes_no", lambda q, a, c, s=None: seen.append(c) or "Yes.")
    pipe.ask(images, ["Is this person over 40?"], align=False, max_new_tokens=4)
    mended = "The photo is a close-up photo; it shows a Black boy, aged 17. He is not smiling."
    assert seen == [mended]
    # the user sees the same description, with its noun and age ("it shows a Black." was shown as decoded)
    monkeypatch.undo()
    assert pipe.ask(images, ["Tell me about this person."], align=False) == [mended]
    assert pipe.caption(images, align=False) == [mended]
    seen.clear()
    monkeypatch.setattr(constraints, "grounded_yes_no", lambda q, a, c, s=None: seen.append(c) or "Yes.")
    pipe._remember(pipe._own_keys(CAPTION_QUESTION, crops), ["The photo shows a White man who is 30 years old."])
    pipe.ask(images, ["Is this person over 40?"], align=False, max_new_tokens=4)
    assert seen == ["The photo shows a White man who is 30 years old."]


def test_a_description_asked_beside_other_questions_is_the_photos_one_description(pipe):
    """Decoded in a batch beside other questions (their padding), a description could name another age than the
    one every grounded answer reads: "What's the approximate age?" → 80 and "Describe the face in one sentence."
    → "A 60-year-old White man." in one call (session 24, a val photo). A description is the photo's kept one,
    cut to ``max_new_tokens`` when that is shorter than a description's own length."""
    from unif2ace.pipeline.pipeline import _CAPTION_TOKENS, CAPTION_QUESTION

    images = _images(1, 23)
    pipe._own.clear()
    pipe.caption(images, align=False)
    (key,) = pipe._own_keys(CAPTION_QUESTION, pipe.prepare(images, align=False))
    assert key in pipe._own
    kept = "The image shows a close-up photo of a White older man who is 80 years old. He is smiling."
    pipe._remember([key], [kept])  # a description the tiny random model would never decode: where answers come from
    got = pipe.ask(images * 4, ["Is he smiling?", "Tell me about this person.", "What's his age, roughly speaking?",
                                "Describe him in one sentence."], align=False, max_new_tokens=_CAPTION_TOKENS)
    assert got[1] == kept
    assert "80 years old" in got[2]
    assert got[3] == "An 80-year-old White man, smiling."
    short = pipe.ask(images * 2, ["Is he smiling?", "Describe this face."], align=False, max_new_tokens=5)[1]
    assert short == pipe.text_tokenizer.decode(pipe.text_tokenizer.encode(kept)[:5]).strip()
    assert pipe._own[key] == kept  # kept whole, whatever one answer was cut to


def test_moving_the_model_forgets_its_descriptions(pipe):
    pipe.caption(_images(1, 9), align=False)
    assert pipe._own
    pipe.to(dtype=pipe.dtype)
    assert not pipe._own


MAN_DESCRIBED = "The photo is a close-up photo; it shows a White older man who is 75 years old. He has his mouth closed."
WOMAN_DESCRIBED = "The image shows a close-up photo of a White young woman who is 32 years old."


@pytest.mark.parametrize("question, answer, caption, expected", [
    ("Is the person here grinning?", "Yes. She is smiling.", MAN_DESCRIBED, "Yes. He is smiling."),
    ("Any smile?", "No, there is no smile on her face.", MAN_DESCRIBED, "No, there is no smile on his face."),
    ("Can you see a smile?", "I see her smiling.", MAN_DESCRIBED, "I see him smiling."),
    ("Any smile?", "Yes. He is smiling, his mouth open; he smiles to himself.", WOMAN_DESCRIBED,
     "Yes. She is smiling, her mouth open; she smiles to herself."),
    ("Is she smiling?", "Yes. She is smiling.", MAN_DESCRIBED, None),  # the user's pronoun stays
    ("Is he grinning?", "Yes. He is smiling.", WOMAN_DESCRIBED, None),
    # ... and sets the answer's, whatever the description says
    ("Are her eyes closed?", "No, his eyes are open.", MAN_DESCRIBED, "No, her eyes are open."),
    ("Could he be a senior?", "No, she is middle-aged, not a senior.", WOMAN_DESCRIBED,
     "No, he is middle-aged, not a senior."),
    ("Is she a boy?", "Yes, this is a boy. He is smiling.", WOMAN_DESCRIBED, None),  # its own noun first
    ("Does she like him?", "Yes, he is smiling.", WOMAN_DESCRIBED, None),  # the question's pronouns are mixed
    ("Is she male or female?", "He is.", WOMAN_DESCRIBED, None),  # about the gender: the pronoun never decides
    ("Is she a woman?", "No, he is not.", WOMAN_DESCRIBED, None),
    ("Any smile?", "Yes. He is smiling.", MAN_DESCRIBED, None),  # already the description's
    ("Any smile?", "Yes. It is a photo.", MAN_DESCRIBED, None),  # no pronoun to change
    ("Any smile?", "Yes. She is smiling.", "A close-up photo. It is a color picture.", None),  # no gender described
    ("Guy or gal?", "This is a boy. She is smiling.", WOMAN_DESCRIBED, "This is a boy. He is smiling."),  # its own noun first
    ("Any smile?", "She smiled at him.", MAN_DESCRIBED, None),  # both genders in one clause: left alone
    # both genders in different clauses: one person, so the clause of the other gender is swapped (5 Dec 2026: "Is
    # she a toddler or a schoolgirl?" got "He is 4 years old, so she is a child.")
    ("Is she a toddler or a schoolgirl?", "He is 4 years old, so she is a child.", WOMAN_DESCRIBED,
     "She is 4 years old, so she is a child."),
    ("How old is the kid?", "She is 4 years old, so he is a child.", MAN_DESCRIBED, "He is 4 years old, so he is a child."),
])
def test_described_pronouns_follow_the_user_s_choice_else_the_description(question, answer, caption, expected):
    assert described_pronouns(question, answer, caption) == expected


def test_ask_answers_with_the_described_gender_s_pronouns(pipe, monkeypatch):
    """Through the pipeline: a grounded row's answer takes the pronouns of the photo's own description
    when the question names no one by a pronoun, and keeps the user's when it does."""
    import unif2ace.generation.constraints as constraints

    images = _images(2, 7)
    monkeypatch.setattr(constraints, "grounded_yes_no", lambda q, a, c, s=None: "Yes. She is smiling.")
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: MAN_DESCRIBED for i in rows})
    got = pipe.ask(images, ["Is the person here grinning?", "Is she grinning?"], align=False, max_new_tokens=6)
    assert got == ["Yes. He is smiling.", "Yes. She is smiling."]


def test_every_answer_that_says_he_or_she_gets_the_described_gender_s_pronouns(pipe, monkeypatch):
    """An answer to a question nothing grounds is checked for its pronouns too, against the description;
    one with no pronoun costs no description."""
    girl = "The image shows a close-up portrait of a White little girl who is 1 year old. She is not smiling."
    described = []
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: described.append(rows) or {i: girl for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " He faces the camera. ")
    got = pipe.ask(_images(2, 5), ["What is notable about this face?", "What is notable about his face?"],
                   align=False, max_new_tokens=3)
    assert got == ["She faces the camera.", "He faces the camera."]  # the user's "he" stands
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " Straight toward the camera. ")
    described.clear()
    assert pipe.ask(_images(1, 5), "What is notable about this face?", align=False,
                    max_new_tokens=3) == ["Straight toward the camera."]
    assert described == []


TURNED = "The image shows a close-up photo of a White man who is 65 years old. He is facing slightly to the image's right."
FACING = "The photo is a close-up photo; it shows a South Asian girl, aged 5. She faces the camera, with the head held upright."


@pytest.mark.parametrize("question, answer, caption, expected", [
    # the right No, whose words say nothing asked: the description's words
    ("Is the person looking at the camera?", "No, he is a senior, not a senior.", TURNED, "No, his head is turned slightly right."),
    ("Is the person looking at the camera?", "Yes, it is a photo of a person.", TURNED, "No, his head is turned slightly right."),
    ("Is the person looking at the camera?", "No. His head is turned slightly right.", TURNED, None),
    ("Is she facing the camera?", "No. She is not smiling.", FACING, "Yes, she faces the camera."),
    ("Is she facing the camera?", "Yes. She faces the camera.", FACING, None),
    # the description does not say: the model's own Yes/No, worded from it (a bare No: not frontal)
    ("Is he facing the camera?", "No.", "A close-up photo of a man.", "No, he looks away from the camera."),
    ("Is he facing the camera?", "No, his head is turned left.", "A close-up photo of a man.", None),
    # looking away: any pose but frontal
    ("Is this person looking away?", "Yes. This is a woman.", FACING, "No, she faces the camera."),
    ("Is she turned to the side?", "No. It is a photo of a person.", TURNED, "Yes, his head is turned slightly right."),
    ("Is he looking away from the camera?", "Yes, his head is turned slightly right.", TURNED, None),
    ("Is this a profile shot?", "Yes. He is a man.", "A close-up photo of a man.", "Yes, he looks away from the camera."),
    # a profile shot is a side view (7 Dec 2026, late: of a head turned slightly right it got "Yes, his head is turned
    # slightly right.")
    ("Is this a profile shot?", "Yes, his head is turned slightly right.", TURNED,
     "No, his head is turned only slightly right, not in profile."),
])
def test_facing_the_camera_is_checked_against_the_described_pose(question, answer, caption, expected):
    assert grounded_yes_no(question, answer, caption) == expected


@pytest.mark.parametrize("question, answer, caption, expected", [
    ("Is this photo blurry?", "Yes, it is not smiling.", "It is a full-color, well-focused picture.", "No, the photo is sharp."),
    ("Is the picture sharp?", "No.", "It is a color, sharp picture.", "Yes. The photo is sharp."),
    ("Is it in focus?", "Yes, the photo is sharp.", "It is a color, sharp picture.", None),
    # the description does not say: the model's own Yes/No, worded from it
    ("Is this photo blurry?", "No. He is a man.", "A close-up photo of a man.", "No, the photo is sharp."),
])
def test_a_blurry_photo_is_checked_against_the_described_sharpness(question, answer, caption, expected):
    assert grounded_yes_no(question, answer, caption) == expected


@pytest.mark.parametrize("question, answer, caption, expected", [
    ("Is her head tilted?", "Yes.", FACING, "No, her head is upright."),  # described "with the head held upright"
    ("Is this person's head tilted?", "No. This is a boy, not a boy.", "A close-up photo of a boy, aged 4.",
     "No. His head is upright."),  # not described: the model's No, in words that say what was asked
    ("Is his head upright?", "Yes, his head is upright.", "A close-up photo of a boy, aged 4.", None),
])
def test_a_tilted_head_is_checked_against_the_description(question, answer, caption, expected):
    assert grounded_yes_no(question, answer, caption) == expected


@pytest.mark.parametrize("answer, expected", [
    ("She can't tell from the photo alone.", "I can't tell from the photo alone."),
    ("He cannot tell from this photo.", "I cannot tell from this photo."),
    ("I can't tell from this photo.", None), ("She looks happy.", None), ("She can tell you are happy.", None),
])
def test_only_i_can_t_tell(answer, expected):
    assert first_person_cant_tell(answer) == expected


@pytest.mark.parametrize("question, answer, expected", [
    ("What about their eyes?", "She looks happy.", "Her eyes are open."),
    ("Are his eyes open or closed?", "Closed.", "Her eyes are open."),  # the description's, as for any open answer
    ("How are her eyes?", "Her eyes are open.", None),
    ("What colour are her eyes?", "Blue.", None), ("What do you see in her eyes?", "Happiness.", None),  # not open/closed
])
def test_an_open_question_about_the_eyes_is_answered_from_the_description(question, answer, expected):
    caption = "The image shows a White older woman, aged 60. She has a happy expression. Her eyes are open."
    assert grounded_answer(question, answer, caption) == expected


def test_a_garbled_answer_naming_the_right_value_is_restated():
    """'Slightly open, with middle-aged woman.' names the described age group, and a mouth: garbled."""
    described = "The image shows a close-up portrait of a Black woman who is 40 years old. She has a happy expression."
    # (since 6 Dec 2026, session 47, a choice of two stages of life is answered as one, here neither)
    assert grounded_answer("Is she a teenager or a young adult?", "Slightly open, with middle-aged woman.", described) \
        == "Neither, middle-aged: she looks about 40 years old."
    assert grounded_answer("How old is she?", "40 years old: middle-aged.", described) is None


def test_a_mouth_answer_must_agree_with_its_yes_or_no():
    assert yes_no_consistent("Is her mouth closed?", "No, her mouth is closed.") is False
    assert yes_no_consistent("Is her mouth closed?", "No, her mouth is slightly open.") is True
    assert yes_no_consistent("Is the mouth open?", "Yes, her mouth is slightly open.") is True  # any but closed
    assert yes_no_consistent("Is the mouth open?", "No, her mouth is wide open.") is False


@pytest.mark.parametrize("question, answer, caption, expected", [
    ("Is her mouth closed?", "Yes, her mouth is a senior.", "She is smiling, with her mouth slightly open.",
     "No, her mouth is slightly open."),
    ("Is her mouth closed?", "No.", "She has her mouth closed.", "Yes, her mouth is closed."),
    ("Is the mouth open?", "No. Her mouth is closed.", "She is smiling, with her mouth slightly open.",
     "Yes, her mouth is slightly open."),
    ("Is the mouth open?", "Yes, her mouth is slightly open.", "She is smiling, with her mouth slightly open.", None),
    # not described: the model's own Yes/No, in words when they follow from it
    ("Is her mouth closed?", "Yes, her mouth is a senior.", "A woman.", "Yes, her mouth is closed."),
    ("Is his mouth wide open?", "No.", "A woman.", None),  # slightly open or closed: no words follow
])
def test_the_mouth_is_checked_against_the_description(question, answer, caption, expected):
    assert grounded_yes_no(question, answer, caption) == expected


def test_a_description_given_for_one_attribute_is_no_answer():
    girl = ("The photo is a close-up photo; it shows a South Asian young girl, aged 2. She has a happy expression. "
            "She is smiling, with her mouth slightly open.")
    assert grounded_answer("Give me one word for their expression.", girl, girl) in ("She looks happy.", "Happy.")
    assert grounded_answer("How old is she?", girl, girl) in ("She is 2 years old, so she is a child.", "2 years old: a child.")
    assert grounded_answer("What is the lighting like?", girl, girl) == "I can't tell from this photo."  # not described
    assert grounded_answer("How old is she?", "She is 2 years old, so she is a child.", girl) is None  # a short answer stands


def test_a_question_about_gender_and_age_together_is_grounded_in_both():
    girl = "The image shows a close-up photo of a White little girl who is 7 years old. She has a happy expression."
    question = "Is the person male or female, and how old?"
    got = grounded_answer(question, "It is a boy.", girl)
    assert parse_attribute(got, "gender") == "female" and parse_age_years(got) == 7
    assert got == grounded_answer(question, "It is a boy.", girl)  # one form per question
    assert grounded_answer(question, "This is a girl. She is 7 years old, so she is a child.", girl) is None  # agrees
    # a gender asked outright is named, not left to a pronoun (it got "She is 60 years old, so she is a senior.")
    named = grounded_answer(question, "She is 7 years old, so she is a child.", girl)
    assert named.startswith(("This is a girl.", "A girl.", "It is a girl.", "Female.", "Girl.")) and parse_age_years(named) == 7
    both = grounded_answer("Gender and age?", "She is 10 years old, so she is a child.", girl)
    assert both.startswith(("This is a girl.", "A girl.", "It is a girl.", "Female.", "Girl.")) and parse_age_years(both) == 7
    # the second wording votes on the gender only ("This is a boy." names no age group to vote with)
    teen = "The image shows a close-up photo of a White teenage girl who is 16 years old. She is not smiling."
    voted = grounded_answer("How old again, and boy or girl?", "A boy.", teen, second="This is a boy.")
    assert parse_attribute(voted, "gender") == "male" and parse_age_years(voted) == 16
    assert "he is 16" in voted.lower() and "she" not in voted.lower()  # one gender throughout
    # the description leaves one out: the answer's own value, or "I can't tell" when it names none either
    kept = grounded_answer(question, "It is a boy.", "A close-up photo of a person, aged 7.")
    assert parse_attribute(kept, "gender") == "male" and parse_age_years(kept) == 7
    man = "The photo is a close-up portrait; it shows a White older man who is 80 years old. He has his mouth shut."
    both = grounded_answer("How old is this person, and are they smiling?", "Yes. His head is turned slightly left.", man)
    assert parse_age_years(both) == 80 and both.endswith("I can't tell whether he is smiling.")
    # the expression too ("Sad." of a girl described as happy answered neither)
    assert grounded_answer("How old is she and how does she feel?", "Sad.", girl) == \
        "She is 7 years old, so she is a child. She looks happy."



def test_an_answer_about_several_attributes_is_written_in_whole_sentences():
    # the model's own answer joins the training data's terse forms: the values stand, the words do not
    teen = "The image shows a close-up photo of a White teenage girl who is 13 years old. She has a happy expression."
    assert grounded_answer("What is her mood and age?", "13 years old: a teenager. Happy.", teen) == \
        "She looks happy. She is 13 years old, so she is a teenager."  # in the question's order
    assert grounded_answer("How old is she, and is it a boy or a girl?", "A girl. 13 years old: a teenager.", teen) == \
        "This is a girl. She is 13 years old, so she is a teenager."  # who the person is comes first
    assert grounded_answer("What's the gender and ethnicity of this person?", "This is a girl. White.", teen) == \
        "This is a girl. She is White."
    # one whose sentences already read so stands
    assert grounded_answer("What is her mood and age?", "She looks happy. She is 13 years old, so she is a teenager.",
                           teen) is None
    # a value the description leaves out and the answer names is kept, in a sentence of its own
    unstated = "The image shows a close-up photo of a girl who is 13 years old."
    assert grounded_answer("How old is she and what is her ethnicity?", "13 years old: a teenager. Indian.",
                           unstated) == "She is 13 years old, so she is a teenager. She is South Asian."


@pytest.mark.parametrize("question", ["Does she look calm?", "Is she relaxed?", "Is she content?",
                                      "Does she seem at ease?", "Is this person quite content?", "Is the girl relaxed?"])
def test_an_expression_at_ease_is_borne_out_by_a_happy_or_neutral_face(question):
    # words that two labels bear out (it got "I can't tell from this photo.", and "No. She looks happy." for calm)
    happy = "The image shows a close-up photo of a White teenage girl who is 13 years old. She has a happy expression."
    neutral = happy.replace("a happy", "a neutral")
    sad = happy.replace("a happy", "a sad")
    for caption, said in ((happy, "yes"), (neutral, "yes"), (sad, "no")):
        for answer in ("Yes, she is.", "No, she is not.", "No. She is a teenager."):
            got = grounded_yes_no(question, answer, caption) or answer
            assert got.lower().startswith(said), (caption, answer, got)
            assert parse_attribute(got, "emotion") == parse_attribute(caption, "emotion"), got
    assert not unseen_question(question)


@pytest.mark.parametrize("question", ["What is the content of this image?", "Is the content of this photo a person?",
                                      "Is she happy and relaxed?"])
def test_content_as_a_noun_and_a_named_expression_are_not_at_ease(question):
    from unif2ace.generation.constraints import _asked_values

    assert _asked_values(question).get("emotion") in (None, "happy")


PHOTO = ("The image shows a close-up photo of a White man who is 52 years old. He has a happy expression. It is a "
         "color, sharp picture with even lighting.")


@pytest.mark.parametrize("question, answer, expected", [
    # an expression answer is restated when it names none or another than the described one
    ("Are they happy or sad?", "Slightly open, with the lips parted.", "Happy."),
    ("Give me one word for their expression.", "A man.", "He looks happy."),
    ("How is he feeling?", "He looks sad.", "Happy."), ("How is he feeling?", "He looks happy.", None),
    # the photo's lighting and sharpness, which descriptions state rightly (100% on test), as for the others
    ("What is the lighting like?", "A man.", "The lighting is even."),
    ("Is the photo sharp or blurry?", "Blurry.", "The photo is sharp."),
    ("How is the lighting?", "The lighting is even.", None),
])
def test_open_questions_about_the_expression_and_the_photo_are_grounded(question, answer, expected):
    assert grounded_answer(question, answer, PHOTO) == expected


def test_a_misspelt_question_is_grounded_as_meant(pipe, monkeypatch):
    """"is she smilling" is read as "is she smiling": a yes/no question about the smile."""
    woman = "The image shows a close-up portrait of a White woman, aged 30. She is smiling, with her mouth open."
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: woman for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " Yes. This is a man. ")
    got = pipe.ask(_images(1, 9), "is she smilling", align=False, max_new_tokens=3, constrain_yes_no=False)
    assert got == ["Yes. She is smiling."]


ETHNIC = "The photo is a close-up photo; it shows a South Asian girl, aged 5. She has a happy expression."


@pytest.mark.parametrize("question, answer, expected", [
    ("What ethnicity is this person?", "She is 4 years old, so she is a child.", "South Asian."),
    ("What's her ethnic background?", "This is a girl.", "South Asian."),
    ("What race is she?", "South Asian.", None),  # agrees: stands
    ("What race is she?", "Indian.", None),  # the same value in other words
])
def test_an_ethnicity_question_is_answered_from_the_description(question, answer, expected):
    assert asked_attribute(question) == "ethnicity"
    assert grounded_answer(question, answer, ETHNIC) == expected


@pytest.mark.parametrize("text, expected", [
    ("1 years old: a child.", "1 year old: a child."), ("He is 1 years old, so he is a child.", "He is 1 year old, so he is a child."),
    ("a 1-years-old boy", "a 1-year-old boy"), ("0 years old: a child.", "Less than a year old: a child."),
    ("She is 0 years old.", "She is less than a year old."),
    ("He is 11 years old.", "He is 11 years old."), ("21 years old.", "21 years old."), ("One years old.", "One year old."),
    # punctuation the model starts with (6 Dec 2026: "Is she laughing or just smiling?" got ". She is smiling.")
    (". She is smiling.", "She is smiling."), (", 1 years old.", "1 year old."), ("...", "..."),
    # an age written with "adult" for its unit (7 Dec 2026, the answer to "What's the approximate age bracket?" and a
    # val description); "adult" as a word stays
    ("She is 1 adult, so she is a child.", "She is 1 year old, so she is a child."),
    ("a White little boy who is 1 adult, with even lighting", "a White little boy who is 1 year old, with even lighting"),
    ("a girl aged 3 adult.", "a girl aged 3."), ("He is 40 adults.", "He is 40 years old."),
    ("He is an adult.", "He is an adult."), ("There is 1 adult in the photo.", "There is 1 adult in the photo."),
])
def test_singular_years_writes_ages_as_the_training_data_does(text, expected):
    assert singular_years(text) == expected
    assert singular_years(expected) == expected


def test_answers_never_say_one_years_old(pipe, monkeypatch):
    """Every decoded answer goes through singular_years, grounded or not, sampled or greedy."""
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " He is 1 years old. ")
    for kw in ({"grounded_answers": False}, {"do_sample": True, "seed": 0}):
        assert pipe.ask(_images(1, 3), "How old?", align=False, max_new_tokens=3, **kw) == ["He is 1 year old."]


@pytest.mark.parametrize("question, answer, caption, expected", [
    # "good" lighting is any but dim; the asked value is read from the question's words about the light
    ("Is the lighting good?", "No. She looks happy.", "It is a color picture with even lighting.", "Yes. The lighting is even."),
    ("Is it well lit?", "No.", "The lighting is dim.", "No. The lighting is dim."),  # a bare No, worded
    ("Is the photo well lit?", "Yes, she is smiling.", "The lighting is dim.", "No, the lighting is dim."),
    ("Is the photo too dark?", "Yes. She is smiling.", "It is a color picture with even lighting.", "No, the lighting is even."),
    ("Is the light bright?", "Yes, it is.", "A photo with bright lighting.", "Yes. The lighting is bright."),
    ("Is the lighting even?", "Yes, the lighting is even.", "It is a color picture with even lighting.", None),
    # the description does not say: the model's answer stands when its words speak of the light, and is "I
    # can't tell" when they speak of something else ("Is the face well lit?" → "Yes. He is wears glasses.");
    # a question about skin is not about light
    ("Is the lighting good?", "No, the lighting is dim.", "A close-up photo of a woman.", None),
    ("Is the lighting good?", "No. She looks happy.", "A close-up photo of a woman.", "I can't tell from this photo."),
    ("Is the face well lit?", "Yes. He is wears glasses.", "A close-up photo of a man.", "I can't tell from this photo."),
    ("Is her skin dark?", "Yes.", "The lighting is even.", None),
])
def test_lighting_yes_no_is_checked_against_the_described_lighting(question, answer, caption, expected):
    assert grounded_yes_no(question, answer, caption) == expected


@pytest.mark.parametrize("question, answer, caption, expected", [
    # an expression question whose answer names something else, of a face whose description states none
    ("Does this person look happy or sad?", "Closed.", "A close-up photo of a White man, aged 85. His eyes are open.",
     "I can't tell from this photo."),
    ("What is his mood?", "He is a man.", "A close-up photo of a White man, aged 85.", "I can't tell from this photo."),
    # a smile answers a question about the mood; a named expression stands; a "can't tell" stands
    ("How does he feel?", "He is smiling.", "A close-up photo of a White man, aged 85.", None),
    ("How does he feel?", "Happy.", "A close-up photo of a White man, aged 85.", None),
    ("How does he feel?", "I can't tell.", "A close-up photo of a White man, aged 85.", None),
    # when the description states the value, the answer is restated from it, as before
    ("What is his ethnicity?", "Closed.", "A close-up photo of a White man, aged 85.", "White."),
])
def test_an_open_answer_that_names_something_else_is_no_answer(question, answer, caption, expected):
    assert grounded_answer(question, answer, caption) == expected


@pytest.mark.parametrize("question, caption, expected", [
    ("Who is this?", "The image shows a close-up photo of a White teenager, aged 16. He has a neutral expression.",
     "I can't tell who this is from the photo; it shows a White teenage boy, aged 16."),
    ("Hi! Who do we have here?", "A headshot of a South Asian 3-year-old girl.",
     "I can't tell who this is from the photo; it shows a South Asian girl, aged 3."),
    ("Do you recognise her?", "A close-up photo of an elderly woman.",
     "I can't tell who this is from the photo; it shows an elderly woman."),
    ("Who is this?", "A portrait of a baby under one year old.",
     "I can't tell who this is from the photo; it shows a child, under one year old."),
    ("Who is this?", "A close-up photo. It is a color picture.", None),  # nothing to say what it shows
    ("Who is older?", "A close-up photo of a woman.", None),  # no question of identity
    ("Who took this photo?", "A close-up photo of a woman.", None),
    ("What is her name?", "A close-up photo of a woman.", None),
    # who the person looks like, or whether they are famous (8 Dec 2026: "Who does she look like?" got her whole
    # description, "Is the person in this photo a celebrity?" "I can't tell from this photo.")
    ("Who does she look like?", "A close-up photo of a White woman, aged 30.",
     "I don't match faces to people, famous or not; it shows a White young woman, aged 30."),
    ("Is the person in this photo a celebrity?", "A close-up photo of a man.",
     "I don't match faces to people, famous or not; it shows a man."),
    ("Does he look like anyone famous?", "A close-up photo of a man.",
     "I don't match faces to people, famous or not; it shows a man."),
    ("Which celebrity does he resemble?", "A close-up photo of a man.",
     "I don't match faces to people, famous or not; it shows a man."),
    ("Is she an actress?", "A close-up photo of a woman.", None),  # a job
    # the asker or someone of theirs (8 Dec 2026: "Is this me?" got "No. She looks happy.")
    ("Is this me?", "A close-up photo of a man.", "I can't tell who this is from the photo; it shows a man."),
    ("Could this be my mom?", "A close-up photo of a woman.", "I can't tell who this is from the photo; it shows a woman."),
    ("Does she look like a doctor?", "A close-up photo of a woman.", None),
])
def test_who_is_this_is_answered_with_what_the_photo_shows(question, caption, expected):
    assert identity_answer(question, caption) == expected


@pytest.mark.parametrize("message, kind", [
    ("Hi there", "Hello"), ("Hello!", "Hello"), ("hey", "Hello"), ("Good morning.", "Hello"),
    ("Thanks!", "You're welcome"), ("Thank you so much.", "You're welcome"), ("Great, thanks!", "You're welcome"),
    ("ok", "Anything else"), ("Got it.", "Anything else"), ("Bye!", "Goodbye"), ("Ok bye", "Goodbye"),
    ("Hi, is he happy?", None), ("Is he happy?", None), ("Hello, how old is she?", None), ("Nice photo.", None),
    ("Thanks. Is she smiling?", None), ("Are you sure?", "Not entirely"), ("How confident are you?", "Not entirely"),
    ("How sure are you about that?", "Not entirely"), ("Are you certain about her age?", "Not entirely"),
    ("Hey, can you help me with this photo?", "Sure!"), ("Can you help me?", "Sure!"), ("I have a question", "Sure!"),
    ("Thanks, that's all", "Goodbye"), ("Can you help me find her name?", None), ("ok thanks, bye", "Goodbye"),
    ("Is that a guess?", "It is my best reading"), ("Could you be wrong about that?", "It is my best reading"),
    ("Great, thanks!", "You're welcome"), ("Is that a cat?", None),
    ("Why do you think so?", "From how the face looks"), ("How do you know?", "From how the face looks"),
    # "how can you tell?" after an answer about the age got "I can't tell from this photo."
    ("how can you tell?", "From how the face looks"), ("How did you figure that out?", "From how the face looks"),
    ("What is that based on?", "From how the face looks"), ("How can you tell if she is smiling?", None),
    ("Are you sure she is smiling?", None), ("Why is she sad?", None),
    ("is that your final answer?", "It is my best reading"),  # got "No, it is a photo of a man."
    ("Sticking with that?", "It is my best reading"), ("r u sure?", "Not entirely"),  # read as meant (chat spelling)
    ("Hi, could you look at this photo for me?", "Sure!"),  # got "I can't tell from this photo."
    ("bye now", "Goodbye"),  # got "Yes. It is in color."
    # thanks with a remark, and several sentences of small talk (each got "I can't tell from this photo.")
    ("Thanks, that's helpful!", "You're welcome"), ("Thank you, very useful.", "You're welcome"),
    ("Hi! Can you look at this photo for me?", "Sure!"), ("Hello. Thanks!", "You're welcome"),
    ("Hi! How old is she?", None), ("Thanks! Is she smiling?", None), ("Thanks, that's her age?", None),
    # acknowledgements in a chat (each got a decoded answer about the photo); "Right?" asks, and is left alone
    ("Fine.", "Anything else"), ("Good.", "Anything else"), ("Interesting.", "Anything else"),
    ("Fair enough.", "Anything else"), ("Right?", None), ("Good photo?", None),
    # a doubt that names what it doubts (7 Dec 2026: "Is that right about the age?" after a description got "Yes. She
    # is a senior." of a woman described as 28)
    ("Is that right about the age?", "It is my best reading"), ("Is that correct about her gender?", "It is my best reading"),
    ("Is that accurate?", "It is my best reading"), ("Is that right about the photo?", None),
])
def test_small_talk_gets_a_reply_that_says_nothing_of_the_person(message, kind):
    from unif2ace.data.questions import as_meant

    reply = small_talk(as_meant(message))  # as the pipeline reads it
    assert (reply is None) if kind is None else reply.startswith(kind)


OLD_MAN = "The image shows a close-up portrait of a White elderly man who is 85 years old. He has his mouth closed."


@pytest.mark.parametrize("message, expected", [
    ("Really? He looks younger to me.", "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    ("I think she is 40.", "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    ("That is a woman, not a man.", "I may be wrong, but from this photo this is a man."),
    # a doubt about the age just given, without an age of its own
    ("Could he be younger than that?", "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    ("Might he be a bit older?", "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    # by an amount (each got "I can't tell from this photo.")
    ("Could he be 10 years older?", "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    ("Might he be a few years younger than that?",
     "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    # questions, requests and other remarks are not disputes ("older than 50" is an age bound)
    ("Could he be older than 50?", None), ("Is he younger than his brother?", None),
    ("Is he 10 years older than his brother?", None),
    ("How old is he?", None), ("He looks younger to me?", None), ("Tell me his age.", None), ("His age.", None),
    ("Her age, please.", None), ("Guess his age", None), ("He looks happy.", None), ("Nice photo.", None),
    ("I took this photo in 2010.", None), ("Thanks!", None),
    # a doubt, then a remark (got "No, she is slightly open.")
    ("Are you sure? I'd have guessed older.", "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    ("Really? I thought he was a woman.", "I may be wrong, but from this photo this is a man."),
    ("Are you sure? How old is he?", None),
    # a remark put as a question (6 Dec 2026: "What if I told you she's 50?" got "I can't tell from this photo.")
    ("What if I told you she's 50?", "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    ("Suppose I told you this is a woman?", "I may be wrong, but from this photo this is a man."),
    ("What if I told you he is smiling?", None),
])
def test_a_remark_about_age_or_gender_gets_the_descriptions_view(message, expected):
    assert remark_reply(message, OLD_MAN) == expected


@pytest.mark.parametrize("message, previous, expected", [
    # a dispute of the last answer, which the question before it says was about the gender or age ("I think
    # you're wrong." after "Is this a man or a woman?" got "He is not smiling.")
    ("I think you're wrong.", "Is this a man or a woman?", "I may be wrong, but from this photo this is a man."),
    ("That's not right!", "How old is he?",
     "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    ("No, that's wrong.", "Is he over 40?", "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    # a guess called off (6 Dec 2026, session 43: "Guess the age." then "Too low, try again." got "No. This is a
    # girl, not a girl.")
    ("Too low, try again.", "Guess the age.", "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    ("Way too young!", "How old is he?", "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    ("Try again.", "Man or woman?", "I may be wrong, but from this photo this is a man."),
    ("Nope.", "How old do you think he is?",  # (got "He is smiling.")
     "I may be wrong, but from this photo he looks about 85 years old, so he is a senior."),
    ("No", "Is this a man or a woman?", "I may be wrong, but from this photo this is a man."),
    ("Try again.", "Is the person smiling?", None),
    ("I think you're wrong.", "Is the person smiling?", None),  # another attribute: small talk's reply
    ("I think you're wrong.", None, None),  # nothing before it
    ("How old is he?", "Is this a man?", None),
])
def test_a_dispute_of_the_last_answer_gets_the_descriptions_view(message, previous, expected):
    assert remark_reply(message, OLD_MAN, previous) == expected


def test_a_dispute_of_another_answer_and_a_question_about_what_the_model_does_get_replies():
    assert small_talk("I think you're wrong.").startswith("I may be wrong")
    assert small_talk("What can you do?").startswith("I describe the face in a photo")  # got "I can't tell …"
    assert small_talk("What can I ask you?").startswith("I describe the face in a photo")
    # 7 Dec 2026 (night): each got "I can't tell from this photo."
    assert small_talk("What are you able to tell me about photos?").startswith("I describe the face in a photo")
    for limits in ("What can't you tell from this photo?", "What are your limitations?", "What can't you do?"):
        assert small_talk(limits).startswith("Who the person is (a name, a job"), limits
    # the model asked about itself (7 Dec 2026, night: "How old are you?" got the person's age)
    for about_model in ("How old are you?", "What's your name?", "Are you a robot?", "Are you an AI?"):
        assert small_talk(about_model).startswith("I am UniF²ace, a model that reads and draws faces"), about_model
    assert small_talk("How old are you in this photo?") is None and small_talk("How old do I look?") is None
    # 7 Dec 2026 (late): "Who is older, you or this person?" got the person's age; the asker and the person compared
    # is a question about the photo
    for about_model in ("Who is older, you or this person?", "Are you older than her?"):
        assert small_talk(about_model).startswith("I am UniF²ace, a model that reads and draws faces"), about_model
    assert small_talk("Who is older, him or me?") is None and small_talk("Is she older than me?") is None
    # a photo's description asked is no question about the model
    assert small_talk("What can you tell me about this photo?") is None and small_talk("What can you tell me?") is None


def test_the_pipeline_answers_a_dispute_from_the_description(pipe):
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    images, _ = _kept(pipe, 49, {CAPTION_QUESTION: HAPPY})
    turns = [("Is this a man or a woman?", "This is a woman."), ("I think you're wrong.", None)]
    assert pipe.converse(images, [turns], align=False, max_new_tokens=4)[0] == \
        "I may be wrong, but from this photo this is a woman."
    turns = [("Is she smiling?", "Yes."), ("I think you're wrong.", None)]
    assert pipe.converse(images, [turns], align=False, max_new_tokens=4)[0] == small_talk("I think you're wrong.")


@pytest.mark.parametrize("question, expected", [
    # a doubt of the age with a subject noun: not a yes/no question about the noun ("Yes, she is a child.")
    ("Could the child be a few years older?", True), ("Might the kid be older than that?", True),
    ("Could this girl be older?", True), ("Could she be 10 years older?", True),
    # an age bound or a comparison is a question
    ("Could the child be older than 10?", False), ("Is the child older than her brother?", False),
    ("Is this girl a child?", False), ("How old could the child be?", False),
])
def test_a_doubt_of_the_age_is_told_from_a_question(question, expected):
    assert doubts_age(question) is expected


def test_the_pipeline_answers_a_doubt_of_a_childs_age_from_the_description(pipe):
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    girl = "The photo is a close-up photo; it shows a White girl who is 5 years old. She has a happy expression."
    images, _ = _kept(pipe, 49, {CAPTION_QUESTION: girl})
    for question in ("Could the child be a few years older?", "Could this girl be older?"):
        assert pipe.ask(images, [question], align=False, max_new_tokens=4) == \
            ["I may be wrong, but from this photo she looks about 5 years old, so she is a child."], question


def test_a_doubt_is_about_the_last_turn_that_was_not_small_talk():
    # 7 Dec 2026: "Are you sure?" after "Man or woman?" and "How can you tell?" spoke of the age
    from unif2ace.pipeline.pipeline import _doubted_turn

    turns = [("Man or woman?", "This is a woman."), ("How can you tell?", "From how the face looks …"),
             ("Are you sure?", None)]
    assert _doubted_turn(turns) == ("Man or woman?", "This is a woman.")
    assert small_talk("Are you sure?", *_doubted_turn(turns)).endswith("most of my gender mistakes are about young "
                                                                       "children.")
    assert _doubted_turn([("Hi!", "Hello!"), ("Are you sure?", None)]) == (None, None)
    # a dispute is about the turn before it (8 Dec 2026: "Is he smiling?", "No he isn't.", then "Look again." got
    # "…, most often about the age by a few years")
    turns = [("Is he smiling?", "Yes, he is smiling."), ("No he isn't.", "I may be wrong, but …"), ("Look again.", None)]
    assert _doubted_turn(turns) == ("Is he smiling?", "Yes, he is smiling.")
    assert "expression" in small_talk("Look again.", *_doubted_turn(turns))
    turns = [("How old is she?", "She is 30 years old."), ("She looks younger to me.", "I may be wrong, …"),
             ("Look again.", None)]  # a remark that names what it is about is its own turn
    assert _doubted_turn(turns) == ("She looks younger to me.", "I may be wrong, …")
    assert _doubted_turn([("Are you sure?", None)]) == (None, None)


def test_a_remark_gets_no_reply_when_the_description_does_not_say():
    assert remark_reply("He looks younger to me.", "A close-up photo. It is a color picture.") is None
    assert remark_reply("She looks older.", "A photo of a young girl.") == "I may be wrong, but from this photo she looks like a child."


def test_chat_replies_to_small_talk_and_remarks_through_the_pipeline(pipe, monkeypatch):
    import unif2ace.generation.constraints as constraints

    images = _images(2, 29)
    pipe._own.clear()
    got = pipe.ask(images, ["Hi there!", "Thanks!"], align=False, max_new_tokens=6)
    assert got == [small_talk("Hi there!"), small_talk("Thanks!")]
    monkeypatch.setattr(constraints, "remark_reply", lambda m, c, previous=None: f"[{m}|{c[:10]}]")
    caption = pipe.caption(images[:1], align=False)[0]
    got = pipe.chat(images[0], [{"role": "user", "content": "How old is she?"}, {"role": "assistant", "content": "30."},
                                {"role": "user", "content": "She looks younger to me."}], align=False, max_new_tokens=6)
    assert got == f"[She looks younger to me.|{caption[:10]}]"  # read against the photo's own description
    # without grounding the model answers alone
    assert pipe.ask(images[:1], ["Hi there!"], align=False, max_new_tokens=6, grounded_answers=False) != \
        [small_talk("Hi there!")]


YOUNG_MAN = "The image shows a close-up photo of a South Asian young man, aged 21. He has a neutral expression."
NO_EXPRESSION = "The image shows a close-up photo of a South Asian young man, aged 21. He has his mouth shut."


@pytest.mark.parametrize("question, answer, expected", [
    # an open question answered as a yes/no one is restated, even when it names the right group
    ("How old is he?", "No, he is a young adult, not a senior.", "He is 21 years old, so he is a young adult."),
    ("How old would you guess? Just a number.", "No, he is a young adult, not a senior.", "21."),
    ("How old is he, just a number?", "He is 21 years old, so he is a young adult.", "21."),
    ("How old is he?", "He is 21 years old, so he is a young adult.", None),
])
def test_open_age_answers_that_read_as_yes_no_are_restated_and_a_number_is_a_number(question, answer, expected):
    assert grounded_answer(question, answer, YOUNG_MAN) == expected


@pytest.mark.parametrize("question, answer, caption, expected", [
    # the right gender in a noun of another time of life than the description's is restated
    ("Is this person a female or a male?", "This is a boy.", YOUNG_MAN, "man"),
    ("Male or female?", "A man.", "The image shows a close-up photo of a White boy, aged 5.", "boy"),
    # a noun of the described time of life, or none, stands
    ("Male or female?", "A man.", YOUNG_MAN, None), ("Male or female?", "Male.", YOUNG_MAN, None),
    ("Boy or girl?", "A boy.", "The image shows a close-up photo of a White boy, aged 15.", None),
])
def test_a_gender_answer_names_the_described_time_of_life(question, answer, caption, expected):
    got = grounded_answer(question, answer, caption)
    assert got == expected if expected is None else re.search(rf"\b{expected}\b", got.lower())


@pytest.mark.parametrize("question, answer, caption, expected", [
    # an expression no label names: the described one, or "I can't tell"
    ("Are they angry?", "Yes, he is even.", YOUNG_MAN, "No. He looks neutral."),
    ("Does he look scared?", "Yes.", NO_EXPRESSION, "I can't tell from this photo."),
    # a labelled one: the described expression decides when there is one, else the model's own Yes/No stands;
    # worded when its words name no expression or disagree
    ("Is he sad?", "Yes, he is even.", YOUNG_MAN, "No. He looks neutral, not sad."),
    ("Is he sad?", "Yes, he is even.", NO_EXPRESSION, "Yes. He looks sad."),
    ("Is he sad?", "No. His mouth is closed.", YOUNG_MAN, "No. He looks neutral, not sad."),
    ("Is he sad?", "No. His mouth is closed.", NO_EXPRESSION, "No. He does not look sad."),
    ("Is he sad?", "No, he looks neutral, not sad.", YOUNG_MAN, None),
    ("Is he happy?", "Yes, he is smiling.", YOUNG_MAN, "No. He looks neutral, not happy."),
    ("Is he happy?", "Yes, he is smiling.", NO_EXPRESSION, None),
])
def test_yes_no_about_the_expression_keeps_the_models_word_in_words_that_say_why(question, answer, caption, expected):
    assert grounded_yes_no(question, answer, caption) == expected


@pytest.mark.parametrize("question, answer, off", [
    ("Does this look like a passport photo?", "No. He is a young adult, not a senior.", True),
    ("Is this a professional photo?", "No, he is smiling.", True),
    ("Is this picture old?", "No. He looks about 21 years old.", True),  # the photo's age, not the person's
    ("Is she Hispanic?", "No. She is a young adult, not a senior.", True),
    ("Is she Asian?", "Yes, she is Asian.", False),
    ("Is this a cat?", "No, it is a photo of a person.", False),
    ("Is the photo cropped tightly?", "Yes, it is a photo of a person.", False),
    ("Is this a person?", "Yes, this is a man.", False),
    ("Is this a real photo?", "Yes. This is a man.", False),
    ("Is her expression serious?", "No. She is smiling.", False),  # a smile question in other words
    ("Is she smiling?", "No. It is in color.", False),  # a checked question: grounded_yes_no's
])
def test_a_yes_no_answer_about_something_not_asked_is_found(question, answer, off):
    assert off_question_yes_no(question, answer) == off


def test_no_yes_no_question_of_the_data_with_its_own_answer_reads_as_off_the_question():
    import random

    from unif2ace.data import questions as Q

    people = [{"gender": "female", "age_group": "senior", "age": 70, "smile": True, "emotion": "happy", "eyes": "open",
               "color": "color"},
              {"gender": "male", "age_group": "child", "age": 6, "smile": False, "emotion": "neutral", "eyes": "closed",
               "color": "black and white"}]
    asked = []
    for attrs in people:
        for attr in ("gender", "age_group", "smile", "emotion", "eyes", "color"):
            for truth in (True, False):
                for split in ("train", "held-out"):
                    for seed in range(40):
                        if (got := Q.polar_question(attr, attrs, truth, random.Random(seed), split)) is not None:
                            asked.append(got[:2])
        for truth in (True, False):
            for split in ("train", "held-out"):
                asked += [Q.off_topic(attrs, truth, random.Random(seed), split)[:2] for seed in range(40)]
    assert len(asked) > 1500 and not [qa for qa in asked if off_question_yes_no(*qa)]


def test_bare_old_or_young_of_the_photo_is_no_age():
    assert asked_age_range("Is this picture old?") is None and asked_age_range("Does this photo look old?") is None
    assert asked_age_range("Is he old?") == (56, 200) and asked_age_range("Is the man in this picture old?") == (56, 200)


@pytest.mark.parametrize("question, answer, expected", [
    ("Rate this photo's quality.", "No. He is a young adult, not a senior.", True),
    ("What do you think?", "Yes, he is smiling.", True),
    ("What is her name?", "No, she is a woman.", True),
    ("How old is he?", "No, he is 20.", False),  # an age question: grounded_answer restates it
    ("Describe her expression.", "Yes, she is happy.", False),
    ("Is he smiling?", "Yes.", False), ("Nice photo.", "Yes.", False), ("Hi there", "Yes, he is smiling.", False),
    ("Who is this?", "No.", False), ("Tell me about this person.", "Yes.", False),
])
def test_an_open_question_answered_yes_or_no_about_nothing_checked_is_found(question, answer, expected):
    assert open_answered_yes_no(question, answer) == expected


def test_ask_says_cant_tell_for_answers_off_the_question(pipe, monkeypatch):
    import unif2ace.generation.constraints as constraints

    images = _images(3, 31)
    # (a passport photo is now an unseen question, answered before this rule is asked; a photo's quality is told by
    # its sharpness and light: constraints.photo_quality_answer)
    questions = ["Does this look like a wedding photo?", "Rate this person.", "Is she smiling?"]
    plain = pipe.ask(images, questions, align=False, max_new_tokens=6, grounded_answers=False)
    seen = []
    monkeypatch.setattr(constraints, "off_question_yes_no", lambda q, a: seen.append(("yn", q, a)) or "wedding" in q)
    monkeypatch.setattr(constraints, "open_answered_yes_no", lambda q, a: seen.append(("open", q, a)) or "Rate" in q)
    got = pipe.ask(images, questions, align=False, max_new_tokens=6)
    assert got[:2] == ["I can't tell from this photo."] * 2
    # the yes/no rule reads only yes/no questions whose answers nothing grounded; the open rule the rest
    assert ("yn", questions[0], plain[0]) in seen and ("open", questions[1], plain[1]) in seen
    assert not [x for x in seen if x[1] == questions[2] and x[0] == "yn"]


GIRL_1 = "The image shows a close-up photo of a White little girl, aged 1. She has a neutral expression. Both of her eyes are open."
BOY_3 = ("The photo is a close-up photo; it shows a White young boy who is 3 years old. The expression on his face reads "
         "as neutral. His eyes are open.")


@pytest.mark.parametrize("question, answer, caption, expected", [
    # a young described age shrinks the age group's margin as it does an age bound's: 3 is no near miss of 13
    ("Would you call her a teenager?", "Yes. She is a teenager.", BOY_3, "No. He is a child, not a teenager."),
    # described as 10: 3 years short of 13, within the shrunk margin (half the age less a year, 4 years): a near
    # miss, the Yes stands; described as 9, 4 years short, beyond 3.5 (val: children described as 8-9 were labelled 8-12)
    ("Would you call her a teenager?", "Yes. She is a teenager.", BOY_3.replace("3 years", "10 years"),
     "Yes, possibly: he looks about 10 years old."),
    ("Would you call her a teenager?", "Yes. She is a teenager.", BOY_3.replace("3 years", "9 years"),
     "No. He is a child, not a teenager."),
    # every value confirmed: the answer speaks of what is asked, not of who the person is
    ("Does the child have open eyes?", "Yes. She is a child.", GIRL_1, "Yes. Her eyes are open."),
    # the rest confirmed, the expression decided by the description's, worded
    ("Is the baby crying?", "No. It is a photo of a person.", GIRL_1, "No, she looks neutral, not sad."),
    ("Is the baby crying?", "Yes. It is a photo of a boy.", BOY_3, "No, he looks neutral, not sad."),
])
def test_young_faces_and_subject_nouns_in_yes_no_questions(question, answer, caption, expected):
    assert grounded_yes_no(question, answer, caption) == expected


def test_an_age_answer_that_names_only_a_gender_noun_is_restated():
    assert grounded_answer("Is this person young or old?", "A girl.", GIRL_1) == "1 year old: a child."
    assert grounded_answer("How old is she?", "She is 1 year old, so she is a child.", GIRL_1) is None


@pytest.mark.parametrize("question, answer, caption, expected", [
    # the mouth asked openly is grounded like the eyes ("Is her mouth open or closed?" → "Closed." of a mouth
    # described as slightly open); an answer that speaks of another thing is restated or "I can't tell"
    ("Is her mouth open or closed?", "Closed.", GIRL_1.replace("Both of her eyes are open.", "Her mouth is slightly open."),
     "Slightly open, with the lips parted."),
    ("Are her eyes closed or open?", "Slightly open, with the lips parted.", YOUNG_MAN, "I can't tell from this photo."),
    ("What about his eyes?", "Closed.", BOY_3, "His eyes are open."),
    ("What ethnicity would you guess?", "White woman.", GIRL_1, "White."),
    ("Is her mouth open or closed?", "Slightly open, with the lips parted.", YOUNG_MAN, None),  # the description does not say
])
def test_open_answers_that_speak_of_another_thing_are_restated(question, answer, caption, expected):
    assert grounded_answer(question, answer, caption) == expected



@pytest.mark.parametrize("question, meant", [
    ("Isn't she smiling?", "Is she smiling?"), ("Doesn't this person look old?", "Does this person look old?"),
    ("Hi, aren't they happy?", "Hi, are they happy?"), ("Is she not smiling?", "Is she not smiling?"),
    ("Is this a teenager, yes or no?", "Is this a teenager?"), ("Is he smiling (yes/no)?", "Is he smiling?"),
])
def test_a_negative_question_is_read_as_asked_plainly(question, meant):
    from unif2ace.data.questions import as_meant, is_yes_no

    assert as_meant(question) == meant and is_yes_no(as_meant(question))


def test_a_negative_question_gets_the_yes_of_its_plain_form(pipe, monkeypatch):
    """"Isn't she smiling?" of a woman described as smiling: "Yes, she is smiling." (it got "No. She is
    smiling.", the description read as a premise of "not smiling")."""
    smiling = "The photo is a close-up photo; it shows a White woman who is 39 years old. She is smiling."
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: smiling for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " No. She is smiling. ")
    got = pipe.ask(_images(1, 3), "Isn't she smiling?", align=False, max_new_tokens=3)[0]
    assert got.startswith("Yes") and "smiling" in got and "not" not in got


@pytest.mark.parametrize("question, answer, expected", [
    # the description's ethnicity decides ("Is the person in the photo Asian?" of a White woman got "Yes. It is a
    # photo of a woman."); a South Asian person is Asian
    ("Is the person in the photo Asian?", "Yes. It is a photo of a woman.", "No, she is White, not Asian."),
    ("Is she White?", "No.", "Yes, she is White."),
    ("Is she white?", "Yes, she is White.", None),
])
def test_a_yes_no_question_about_the_ethnicity_follows_the_description(question, answer, expected):
    white = "The photo is a close-up photo; it shows a White woman who is 39 years old. She is smiling."
    assert _same_answer(grounded_yes_no(question, answer, white), expected)


@pytest.mark.parametrize("question, described, expected", [
    # "Is this person East Asian?" of a woman described as South Asian got "Yes, she is South Asian."
    ("Is this person East Asian?", "South Asian", "No, she is South Asian, not East Asian."),
    ("Is she of East Asian descent?", "South Asian", "No. She is South Asian, not East Asian."),
    ("Is this person East Asian?", "Asian", "Yes, she is Asian."),
    ("Is she Asian?", "South Asian", "Yes, she is South Asian."),  # a plain "Asian" is both
    ("Is this person South Asian?", "Asian", "No. She is Asian, not South Asian."),  # not the label's "Indian"
])
def test_east_and_south_asian_are_told_apart(question, described, expected):
    caption = f"The image shows a close-up portrait of {'an' if described == 'Asian' else 'a'} {described} young woman, aged 21."
    assert grounded_yes_no(question, "No.", caption) == expected


def test_a_right_yes_about_the_ethnicity_names_the_described_one():
    """"Is she Asian?" of a woman described as Asian got "Yes, she is South Asian.": the Yes stands, in the
    description's words."""
    asian = "The image shows a close-up portrait of an Asian young woman, aged 21."
    assert grounded_yes_no("Is she Asian?", "Yes, she is South Asian.", asian) == "Yes, she is Asian."
    assert grounded_yes_no("Is she Asian?", "Yes, she is Asian.", asian) is None
    south = "The image shows a close-up portrait of a South Asian young woman, aged 21."
    assert grounded_yes_no("Is she Asian?", "Yes, she is South Asian.", south) is None


def test_ethnicity_words_about_other_things_ask_no_ethnicity():
    south_asian = "The photo is a close-up photo; it shows a South Asian man who is 25 years old."
    got = grounded_yes_no("Is he Asian?", "No.", south_asian)
    assert got.startswith("Yes") and "South Asian" in got
    for question in ("Is the background white?", "Is the photo black and white?", "Is his shirt black?",
                     "Is she Hispanic?"):
        assert "ethnicity" not in yes_no_grounded(question), question


def test_sleeping_is_read_as_closed_eyes():
    awake = "The photo is a close-up photo; it shows a 1-year-old Asian boy. He is not smiling. His eyes are open."
    assert _same_answer(grounded_yes_no("Is this infant sleeping?", "Yes, he looks about 1 year old.", awake),
                        "No, his eyes are open.")


def test_an_agreeing_yes_no_whose_words_name_another_value_is_restated():
    smiling = "The image shows a close-up photo of a 27-year-old young woman. She is smiling, with her mouth slightly open."
    assert _same_answer(grounded_yes_no("Is that a smile?", "Yes, she is not smiling.", smiling), "Yes, she is smiling.")
    assert grounded_yes_no("Is she smiling?", "Yes, she is smiling.", smiling) is None


def test_an_ethnicity_the_description_does_not_state_is_cant_tell():
    no_ethnicity = "The image shows a close-up photo of a 27-year-old young woman. She is smiling."
    assert grounded_yes_no("Is this person of African descent?", "No. She is a young adult, not a senior.",
                           no_ethnicity) == "I can't tell from this photo."


def test_a_young_or_old_person_is_an_age_bound_and_the_answers_words_name_the_described_gender():
    girl = "The image shows a close-up portrait of a South Asian young girl, aged 5. She has a neutral expression."
    # "a young person" is no question about the young-adult group (it got "No. She is a child, not a young adult.")
    assert grounded_yes_no("Would you call this a young person?", "No. She is a child, not a young adult.",
                           girl) == "Yes. She looks about 5 years old."
    assert asked_age_range("Is this an old person?") == (56, 200) and asked_age_range("Is this a young woman?") is None
    # a right No in words that name another gender than the description's (got "No, it is a photo of a boy.")
    assert grounded_yes_no("Is this a photo of a senior citizen?", "No, it is a photo of a boy.", girl) == \
        "No, she is a child, not a senior."
    assert grounded_yes_no("Is this a photo of a senior citizen?", "No, it is a photo of a girl.", girl) is None


def test_an_expression_answer_that_claims_a_smile_the_description_denies_is_restated():
    # no expression described, but no smile: "Is the expression positive or negative?" got "She is smiling."
    no_smile = ("The image shows a close-up photo of a White little girl, aged 3. There is no smile on her face, "
                "with her mouth shut. Her eyes are open.")
    assert grounded_answer("Is the expression positive or negative?", "She is smiling.", no_smile) == \
        "She is not smiling."
    assert grounded_answer("What mood is she in?", "Happy.", no_smile) == "She is not smiling."
    assert grounded_answer("What mood is she in?", "Neutral.", no_smile) is None  # nothing says otherwise


@pytest.mark.parametrize("question, answer, expected", [
    ("Is the photo color?", "No. She is smiling.", "Yes, it is in color."),  # got "I can't tell from this photo."
    ("Is it coloured?", "No.", "Yes. It is in color."), ("Is the photo color?", "Yes, it is in color.", None),
])
def test_a_photo_asked_as_color_is_checked_against_the_description(question, answer, expected):
    girl = "The image shows a close-up portrait of a White little girl who is 1 year old. It is a color picture."
    assert grounded_yes_no(question, answer, girl) == expected


def test_a_last_question_after_thanks_is_read_past_its_lead_in():
    from unif2ace.data.questions import is_yes_no

    q = "Great, thanks. One more: glasses?"  # got "Yes, this is not smiling."
    assert is_yes_no(q) and described_or_cant_tell(q, "A close-up photo of a girl.") == "I can't tell from this photo."


def test_a_question_about_several_attributes_may_ask_the_expression_too():
    # "Tell me the age, gender, and expression." got only "He looks happy."
    man = "The image shows a close-up photo of a 65-year-old White senior man. He has a happy expression. He is smiling."
    assert grounded_answer("Tell me the age, gender, and expression.", "He looks happy.", man) == \
        "This is a man. He is 65 years old, so he is a senior. He looks happy."
    silent = "The image shows a close-up portrait of a White senior woman who is 85 years old."
    assert grounded_answer("What is her age and mood?", "She is 85 years old.", silent) == \
        "She is 85 years old, so she is a senior. I can't tell her expression from this photo."


@pytest.mark.parametrize("question, span", [
    ("Is this person a high schooler?", (14, 18)), ("Is this a college-aged person?", (18, 24)),
    ("Is this kid in elementary school?", (5, 11)), ("Is this person old enough to vote?", (18, 200)),
    ("Is she old enough to drive?", (16, 200)), ("Is he old enough to drink?", (21, 200)),
    # the ages the law and work name ("Is this person of working age?" got "Yes. She is a child.")
    ("Is this person of working age?", (18, 64)), ("Is she of legal drinking age?", (21, 200)),
    ("Is he of voting age?", (18, 200)), ("Is she of driving age?", (16, 200)),
    # what the law allows, asked without "old enough" (6 Dec 2026: "Can this person legally vote?" got "I can't tell")
    ("Can this person legally vote?", (18, 200)), ("Is he allowed to vote?", (18, 200)),
    ("Is she eligible to vote?", (18, 200)), ("Can he legally drink?", (21, 200)), ("Is she allowed to drive?", (16, 200)),
    ("Can she drive?", None),  # what she can do: unseen_question's
    # what only the law stops, asked plainly (8 Dec 2026: "Would this person be able to rent a car?" and "Can this
    # person buy cigarettes?" got "I can't tell from this photo.")
    ("Would this person be able to rent a car?", (21, 200)), ("Can this person buy cigarettes?", (21, 200)),
    ("Is he old enough to smoke?", (21, 200)), ("Could this person gamble in Vegas?", (21, 200)),
    ("Could she buy a lottery ticket?", (18, 200)), ("Is she of smoking age?", (21, 200)),
    ("Can this person drink?", None),  # water, too
    ("Is he able to drive?", None),  # a skill
    # at school now (7 Dec 2026: "Is this person likely to be in school?" got "Yes. He looks about 1 year old.")
    ("Is this person likely to be in school?", (5, 17)), ("Does she go to school?", (5, 17)),
    ("Is he still in school?", (5, 17)), ("Is she wearing a school uniform?", None), ("Is this a school photo?", None),
    # a grown man is an adult (7 Dec 2026: "Is the person a grown man?" got "Yes, this is a boy." of a boy of 1)
    ("Is the person a grown man?", (18, 200)), ("Is this a fully grown woman?", (18, 200)), ("Has he grown?", None),
])
def test_stages_of_schooling_and_of_the_law_are_age_bounds(question, span):
    # "Is this person a high schooler?" got "I can't tell", "Is this a college-aged person?" "No. She is a young
    # adult, not a senior." (read as "aged person"), "Is this person old enough to vote?" "No. It is a photo of a person."
    assert asked_age_range(question) == span


def test_a_baby_asked_about_by_its_mood_is_answered_about_the_mood():
    girl = "The photo is a close-up photo; it shows a 2-year-old girl. She has a happy expression. She is smiling."
    # "content" is happy; the subject noun's age is confirmed (got "Yes, she looks about 2 years old.")
    assert grounded_yes_no("Does the baby look content?", "Yes, she looks about 2 years old.", girl) == "Yes, she looks happy."


@pytest.mark.parametrize("question, answer", [
    ("Is the head turned to the left?", "Yes, her head is turned slightly toward the left side of the image."),
    ("Is she facing right?", "No, her head is turned slightly toward the left side of the image."),
    ("Is she looking to her left?", "No, her head is turned slightly toward the left side of the image."),  # hers is the image's right
])
def test_a_side_is_read_as_the_image_shows_it(question, answer):
    # "Is the head turned to the left?" got "Yes. He looks happy." and "No, her eyes are open."
    girl = "The image shows a close-up photo of a White little girl, aged 3. She is facing slightly to the image's left."
    assert grounded_yes_no(question, "Yes. He looks happy.", girl) == answer
    boy = "The photo is a close-up photo; it shows a 1-year-old Asian boy. He faces the camera, with the head held upright."
    assert grounded_yes_no(question, "Yes. He looks happy.", boy) == "No, he faces the camera."
    assert grounded_yes_no(question, "Yes.", "A close-up photo of a boy, aged 3.") == "I can't tell from this photo."


def test_a_question_tag_is_no_side():
    from unif2ace.generation.constraints import _asked_values

    assert _asked_values("She looks happy, right?") == {"emotion": "happy"}  # the tag, not the head turned right


def test_photographed_from_the_front_is_facing_the_camera():
    from unif2ace.generation.constraints import _asked_values

    # "Is the person photographed from the front?" got "I can't tell from this photo."
    assert _asked_values("Is the person photographed from the front?") == {"head_pose": "frontal"}
    assert _asked_values("Is it a head-on shot?") == {"head_pose": "frontal"}


@pytest.mark.parametrize("text, chroma, expected", [
    ("It is a full-color photo.", 2.0, "It is a black-and-white photo."),
    ("This is a color, sharp image, taken in even lighting.", 2.0, "This is a black-and-white, sharp image, taken in even lighting."),
    ("Yes, it is in color.", 2.0, "Yes, it is in black and white."),
    ("This is a black-and-white, sharp photo.", 20.0, "This is a color, sharp photo."),
    ("It is a full-color photo.", 20.0, "It is a full-color photo."),  # agrees
    ("It is a full-color photo.", 8.0, "It is a full-color photo."),  # the labeller is unsure between 6 and 10
    ("She has a happy expression.", 2.0, "She has a happy expression."),
])
def test_the_photos_colour_follows_its_pixels(text, chroma, expected):
    from unif2ace.generation.constraints import true_colour

    assert true_colour(text, chroma) == expected


@pytest.mark.parametrize("text, luminance, expected", [
    ("It is a color photo with even lighting.", 30.0, "It is a color photo with dim lighting."),
    ("This is a color, sharp image, taken in even lighting.", 230.0,
     "This is a color, sharp image, taken in bright, high-key lighting."),
    ("No, the lighting is even.", 30.0, "No, the lighting is dim."),  # the Yes/No is grounded afterwards
    ("It is evenly lit.", 20.0, "It is dimly lit."),
    ("The face is shown in dim lighting.", 140.0, "The face is shown in even lighting."),
    ("It is a photo with even lighting.", 90.0, "It is a photo with even lighting."),  # near the labeller's 85
    ("It is a photo with dim lighting.", 80.0, "It is a photo with dim lighting."),
    ("It is a photo with even lighting.", None, "It is a photo with even lighting."),  # not measured
    ("She has a happy expression.", 10.0, "She has a happy expression."),
])
def test_the_photos_lighting_follows_its_pixels(text, luminance, expected):
    from unif2ace.generation.constraints import true_light

    assert true_light(text, luminance) == expected


def test_a_description_of_a_dark_photo_does_not_call_it_evenly_lit(pipe, monkeypatch):
    """The crop of a dark photo is brightened before the model sees it; its description's lighting follows the
    photo as it came."""
    lit = _images(1, 3)[0]
    dark = Image.fromarray((np.asarray(lit) * 0.2).astype(np.uint8))
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " She smiles. It is a photo with even lighting. ")
    assert pipe.caption([dark, lit], align=False, max_new_tokens=3) == [
        "She smiles. It is a photo with dim lighting.", "She smiles. It is a photo with even lighting."]


def test_a_description_of_a_black_and_white_photo_does_not_call_it_colour(pipe, monkeypatch):
    # the shipped model described a black-and-white test photo as "It is a full-color photo."
    colour = _images(1, 3)[0]
    grey = colour.convert("L").convert("RGB")
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " She smiles. It is a full-color photo. ")
    assert pipe.caption([grey, colour], align=False, max_new_tokens=3) == [
        "She smiles. It is a black-and-white photo.", "She smiles. It is a full-color photo."]
    assert pipe.caption([grey], align=False, max_new_tokens=3, grounded_answers=False) == [
        "She smiles. It is a full-color photo."]  # the option that checks answers does this too


TEEN_16 = "The image shows a close-up photo of a White teenager, aged 16. He has a neutral expression."


@pytest.mark.parametrize("question, expected", [
    ("Does the kid look happy?", {"age_group"}), ("Is this little girl smiling?", {"gender", "age_group"}),
    ("Is the man smiling?", {"gender"}), ("Is the kid over 10?", {"age_group"}),
    # the subject is all that is asked, or the rest names it too: the subject is the premise
    ("Does the man have a beard?", set()), ("Is the boy there?", set()), ("Is the kid a boy?", set()),
    ("Is this a boy?", set()), ("Is the person a woman?", set()), ("Is the photo in color?", set()),
    # an age bound in the subject ("the baby": 0-3 years), not in what is asked
    ("Does the baby have its eyes open?", {"age_group", "age"}), ("Is the baby over 2?", {"age_group"}),
    # the subject behind "a picture of" (6 Dec 2026: "Is this a picture of a guy in his sixties?" got "Yes. It is a
    # photo of a man." of a man described as 52)
    ("Is this a picture of a guy in his sixties?", {"gender"}), ("Is this a photo of a man?", set()),
])
def test_subject_named_reads_what_only_the_subject_names(question, expected):
    from unif2ace.generation.constraints import _subject_named

    assert _subject_named(question) == expected


def test_a_subject_noun_is_whom_the_question_is_about_not_what_it_asks():
    # "Does the kid look happy?" of a boy described as 16 got "Yes, possibly: he looks about 16 years old.": "the
    # kid" (a near miss, 4 years past a child) was checked as the claim, and the mood was never answered
    def said(*args):  # the Yes/No and its words, whichever of the training data's punctuations joins them
        answer = grounded_yes_no(*args)
        return None if answer is None else re.sub(r"^(yes|no)\. ", r"\1, ", answer.lower())

    assert said("Does the kid look happy?", "Yes. He is a teenager.", TEEN_16) == "no, he looks neutral, not happy."
    happy = TEEN_16.replace("neutral", "happy")
    assert said("Does the kid look happy?", "Yes, he looks happy.", happy) is None
    assert said("Does the kid look happy?", "Yes. He is a teenager.", happy) == "yes, he looks happy."
    smiling = happy + " He is smiling."
    assert said("Is the kid smiling?", "No. He is a teenager.", smiling) == "yes, he is smiling."
    # a subject the description contradicts is still a false premise to answer: the answer says who it is, then
    # what the description says of the rest, asked of the one person in the photo
    woman = "A close-up photo of a White woman, aged 30. She has a happy expression. She is smiling."
    assert said("Is the man smiling?", "Yes, he is smiling.", woman) == "no, this is a woman, not a man. she is smiling."
    assert said("Is the kid smiling?", "Yes, she is smiling.", woman) == \
        "no, she is a young adult, not a child. she is smiling."
    assert said("Is the lady in the photo sad?", "No. This is a woman.", TEEN_16) == \
        "no, this is a boy, not a girl. he looks neutral, not sad."  # a teenager's words
    assert said("Does the baby have its eyes open?", "No, she looks about 30 years old.", woman + " Her eyes are open.") \
        == "no, she looks about 30 years old. her eyes are open."
    # the model's own words already say it: said once
    assert grounded_yes_no("Is the man smiling?", "No, this is a woman, not a man. She is smiling.", woman) is None
    # nothing described of the rest: the correction alone
    assert said("Is the man blinking?", "Yes.", woman) == "no, this is a woman, not a man."


def test_a_description_asked_in_a_number_of_words_or_sentences_is_that_short(pipe, monkeypatch):
    """"Describe her in one sentence." got the five-sentence description: it is now composed from it, and
    the description kept for later turns is the whole one."""
    described = ("The image shows a close-up photo of a White senior man who is 57 years old. He has a happy "
                 "expression. He is smiling, with his mouth slightly open. He is wearing glasses.")
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " " + described + " ")
    images = _images(1, 3) * 4
    pipe._own.clear()  # the mocked description, not one an earlier test kept for this photo
    got = pipe.ask(images, ["Describe him in one sentence.", "Give me three words to describe him.",
                            "Tell me about this person.", "Describe him in two sentences, please."],
                   align=False, max_new_tokens=4)
    assert got == ["A 57-year-old White man, smiling, wearing glasses.", "Smiling, elderly man.", described,
                   "The image shows a close-up photo of a White senior man who is 57 years old. He has a happy expression."]
    from unif2ace.pipeline.pipeline import _CAPTION_TOKENS

    pipe._own.clear()
    assert pipe.ask(images[:1], "Describe him in one sentence.", align=False, max_new_tokens=_CAPTION_TOKENS) == \
        ["A 57-year-old White man, smiling, wearing glasses."]
    assert list(pipe._own.values()) == [described]  # what later turns' grounded answers read


@pytest.mark.parametrize("length, expected", [
    (("sentences", 1), "An 8-year-old South Asian girl, with a neutral expression, in a black-and-white photo."),
    (("words", 1), "Calm."), (("words", 3), "Calm, young girl."), (("words", 6), "Calm, young, South Asian girl."),
    # two words name the person (7 Dec 2026, night: "Even shorter." after "Shorter." got "Calm, young.")
    (("words", 2), "Calm girl."),
])
def test_brief_description_says_only_what_the_description_states(length, expected):
    from unif2ace.generation.brief import brief_description

    girl = ("The photo is a close-up photo; it shows a South Asian girl, aged 8. She has a neutral expression. "
            "It is a black-and-white picture.")
    assert brief_description(girl, length) == expected
    # a description that names no person is kept whole
    assert brief_description("A blurry picture.", length) == "A blurry picture."


def test_a_bound_of_words_with_room_for_a_sentence_gets_the_sentence():
    """"Give me a caption under 10 words." (at most 9): the composed sentence when it fits, else the words."""
    from unif2ace.generation.brief import brief_description

    woman = "The photo shows a 29-year-old Asian young woman. She is smiling."
    assert brief_description(woman, ("words", 9)) == "A 29-year-old Asian woman, smiling."
    assert brief_description(woman, ("words", 4)) == "Smiling, young, Asian woman."
    assert brief_description(woman, ("words", 6)) == "A 29-year-old Asian woman, smiling."


MAN_27_DESCRIBED = ("The photo is a close-up photo; it shows a White man who is 27 years old. He looks happy. He has his mouth "
                    "closed. His eyes are open. He faces the camera. It is a full-color, well-focused image with even "
                    "lighting.")


@pytest.mark.parametrize("n", range(3, 27))
def test_exactly_n_words_are_n_words_of_what_the_description_states(n):
    """7 Dec 2026 (late): "Describe this face in exactly 10 words." got "A 27-year-old White man, looking happy." (7)."""
    from unif2ace.evaluation.attributes import ATTRIBUTES, parse_attribute
    from unif2ace.generation.brief import asks_exact_length, brief_description

    got = brief_description(MAN_27_DESCRIBED, ("words", n), exact=True)
    assert len(got.split()) == n, got
    assert got.startswith("A 27-year-old ") and got.endswith(".")
    stated = {a: parse_attribute(MAN_27_DESCRIBED, a) for a in ATTRIBUTES}
    for attr in ATTRIBUTES:  # nothing the description does not state, nothing against it
        if (value := parse_attribute(got, attr)) is not None:
            assert value == stated[attr], (attr, got)
    if n >= 5:  # the expression before any other fact
        assert "happy" in got
    assert asks_exact_length("Describe this face in exactly 10 words.")
    # five words or more with no bound are filled too ("Give a 15-word description." got seven); a bound is at most
    assert asks_exact_length("Give a 15-word description.") and asks_exact_length("Describe her in 10 words.")
    assert not asks_exact_length("Describe her in under 10 words.") and not asks_exact_length("In 10 words or less?")
    assert not asks_exact_length("Describe her in three words.") and not asks_exact_length("How old is she?")


def test_exactly_n_words_that_the_description_cannot_fill_are_at_most_n():
    from unif2ace.generation.brief import brief_description

    assert brief_description(MAN_27_DESCRIBED, ("words", 60), exact=True) == "A 27-year-old White man, looking happy."
    assert brief_description(MAN_27_DESCRIBED, ("words", 2), exact=True) == "Happy man."


@pytest.mark.parametrize("question, one, three", [
    ("How many people are in this picture?", "I see one face in this photo.",
     "I see 3 faces in this photo; I describe the largest one."),
    ("Is there more than one person in this picture?", "No, I see one face in this photo.",
     "Yes, I see 3 faces in this photo; I describe the largest one."),
    ("Is she alone?", "Yes, I see one face in this photo.", "No, I see 3 faces in this photo; I describe the largest one."),
    ("Is anyone else in the photo?", "No, I see one face in this photo.",
     "Yes, I see 3 faces in this photo; I describe the largest one."),
    # a count asked to be confirmed ("Is it a photo of two people?" got "No. It is a photo of a girl." of a boy)
    ("Is it a photo of two people?", "No, I see one face in this photo.",
     "No, I see 3 faces in this photo; I describe the largest one."),
    ("Are there three people here?", "No, I see one face in this photo.",
     "Yes, I see 3 faces in this photo; I describe the largest one."),
    # whether it shows anyone ("Is there a face in this image? Answer yes or no." got "Yes. Her face photo of a girl.")
    ("Is there a face in this image?", "Yes, I see one face in this photo.",
     "Yes, I see 3 faces in this photo; I describe the largest one."),
    ("Does this photo contain a person?", "Yes, I see one face in this photo.",
     "Yes, I see 3 faces in this photo; I describe the largest one."),
    # the face itself seen (6 Dec 2026: "Is his face visible?" got "I can't tell from this photo."); how much of it
    # is seen is cover, which no label states
    ("Is his face visible?", "Yes, I see one face in this photo.",
     "Yes, I see 3 faces in this photo; I describe the largest one."),
    ("Can you see her face in this picture?", "Yes, I see one face in this photo.",
     "Yes, I see 3 faces in this photo; I describe the largest one."),
    ("Is her face fully visible?", None, None), ("Is his face visible and is he smiling?", None, None),
    ("Is there a cat in the image?", None, None), ("Is there a smile on her face?", None, None),
    ("How old is she?", None, None), ("Is she smiling?", None, None), ("Describe the other people.", None, None),
    ("Is she 2 years old?", None, None), ("Is he in his 2 best photos?", None, None),
])
def test_face_count_answer_says_how_many_faces_were_found(question, one, three):
    from unif2ace.generation.constraints import face_count_answer

    assert face_count_answer(question, 1) == one
    assert face_count_answer(question, 3) == three
    assert face_count_answer(question, None) is None  # nothing counted: left to the other checks


@pytest.mark.parametrize("question, asks", [
    ("What's the resolution of this image?", True), ("Image dimensions?", True), ("How big is the photo?", True),
    ("What size is this picture?", True), ("How many pixels is this?", True), ("What's the photo's width?", True),
    ("How big is her smile?", False), ("What size shirt does he wear?", False), ("How old is she?", False),
    ("Is this a high-quality photo?", False), ("How big is her face?", False),
])
def test_photo_size_answer_tells_the_photos_pixels(question, asks):
    from unif2ace.generation.constraints import photo_size_answer

    said = photo_size_answer(question, (640, 480))
    assert said == ("The photo is 640 × 480 pixels (width × height)." if asks else None)
    assert photo_size_answer(question, None) is None  # size unknown: left to the other checks


@pytest.mark.parametrize("question, square, wide", [
    ("What's the aspect ratio?", "1:1, square (200 × 200 pixels).", "4:3, landscape (640 × 480 pixels)."),
    ("Is this image in portrait or landscape orientation?", "Square: 200 × 200 pixels.", "Landscape: 640 × 480 pixels."),
    ("Is the photo square?", "Yes, it is square: 200 × 200 pixels.", "No, it is landscape: 640 × 480 pixels."),
    ("Is this picture horizontal?", "No, it is square: 200 × 200 pixels.", "Yes, it is landscape: 640 × 480 pixels."),
    ("What's the orientation of her head?", None, None), ("Is she in a portrait?", None, None),
    ("Is it in portrait mode?", "No, it is square: 200 × 200 pixels.", "No, it is landscape: 640 × 480 pixels."),
])
def test_photo_size_answer_tells_the_photos_shape(question, square, wide):
    # 6 Dec 2026: "Is the photo square?" got "No. It is a photo of a person." of a 200 × 200 chip
    from unif2ace.generation.constraints import photo_size_answer

    assert photo_size_answer(question, (200, 200)) == square
    assert photo_size_answer(question, (640, 480)) == wide
    if wide is not None and "ratio" in question:
        assert photo_size_answer(question, (1023, 767)) == "1.33:1, landscape (1023 × 767 pixels)."


@pytest.mark.parametrize("question, affirmed", [
    ("He isn't a child, right?", "He is a child, right?"), ("Would you say he's not a kid anymore?", "Would you say he's a kid?"),
    ("She's not old, is she?", "She's old, is she?"), ("He is no longer a teenager?", "He is a teenager?"),
    ("This isn't a man, right?", "This is a man, right?"), ("She\u2019s not a teen, is she?", "She\u2019s a teen, is she?"),
    # a negative question asks plainly (as_meant), and a denied smile is read by the smile's own words
    ("Is he not a kid?", None), ("Isn't she old?", None), ("He's young, isn't he?", None),  # a tag asks no denial
    ("She's not smiling, right?", None), ("Is she smiling?", None),
])
def test_affirmed_reads_the_claim_a_denial_asks_to_confirm(question, affirmed):
    from unif2ace.generation.constraints import _affirmed

    assert _affirmed(question) == affirmed


def test_a_denied_gender_or_age_is_answered_as_the_denial_it_is():
    # "Would you say he's not a kid anymore?" of a man got "No. He is a senior, not a child.": a Yes, in fact
    man = "The image shows a close-up photo of a White senior man who is 57 years old. He has a happy expression."
    assert grounded_yes_no("Would you say he's not a kid anymore?", "No. He is a senior, not a child.", man) == \
        "Yes, he is a senior, not a child."
    assert grounded_yes_no("He isn't a child, right?", "Yes, he is a senior, not a child.", man) is None  # it stands
    assert grounded_yes_no("This isn't a man, right?", "Yes, this is a man.", man).startswith("No")
    boy = "The image shows a close-up portrait of a White boy who is 6 years old. He is smiling."
    assert grounded_yes_no("He isn't a child, right?", "Yes, he is a senior, not a child.", boy).startswith("No")
    teen = "The image shows a close-up photo of a White teenager, aged 15. She is smiling."
    assert grounded_yes_no("She's not old, right?", "No, she is a senior.", teen) == "Yes. She looks about 15 years old."


def test_an_expression_no_answer_naming_another_expression_than_the_description_is_restated():
    # "Does he look sad?" of a man described as neutral got "No, he looks happy, not sad.": its No stood, and so
    # did words that contradict the description
    neutral = ("The photo is a close-up photo; it shows a White man who is 23 years old. He has a neutral expression. "
               "He is not smiling, with his mouth shut.")
    assert grounded_yes_no("Does he look sad?", "No, he looks happy, not sad.", neutral) == "No, he looks neutral, not sad."
    assert grounded_yes_no("Does he look sad?", "No, he looks neutral.", neutral) is None  # it stands
    # and a Yes whose words name a smile the description denies (7 Dec 2026: "Is the person calm?" of a boy described as
    # neutral got "Yes. He is smiling.")
    assert grounded_yes_no("Is the person calm?", "Yes. He is smiling.", neutral) == "Yes, he looks neutral."
    assert grounded_yes_no("Is the person calm?", "Yes. She is smiling.", HAPPY) is None  # a smile described: it stands


@pytest.mark.parametrize("answer, expected", [
    ("Asian straight toward the right side of the image.", "Asian."),  # 7 Dec 2026, to "Which ethnic group …?"
    ("Asian, with even lighting.", "Asian."), ("Asian.", None), ("She is Asian.", None),
    ("Asian adult.", "Asian."), ("An Asian girl.", "Asian."),  # 7 Dec 2026: "White adult." of a girl described as 8
])
def test_an_ethnicity_answer_that_names_something_else_too_is_restated(answer, expected):
    girl = ("The image shows a close-up photo of an Asian little girl, aged 2. She has a happy expression. She faces "
            "slightly to the right.")
    assert grounded_answer("Which ethnic group does this person belong to?", answer, girl) == expected


def test_a_denial_with_a_positive_tag_is_answered_as_its_tag_asks():
    # "He isn't old, is he?" of a toddler got "Yes. He looks about 2 years old.": the tag asks "Is he old?", and
    # English answers that by the facts ("No, he isn't."), where "…, right?" asks to agree (the test above)
    teen = "The image shows a close-up photo of a White teenager, aged 15. She is smiling."
    assert grounded_yes_no("She's not old, is she?", "No, she is a senior.", teen) == "No, she looks about 15 years old."
    assert grounded_yes_no("She's not old, is she?", "Yes. She looks about 15 years old.", teen) == \
        "No, she looks about 15 years old."
    man = "The image shows a close-up photo of a White senior man who is 57 years old. He has a happy expression."
    assert grounded_yes_no("He isn't a child, is he?", "Yes. He is a senior.", man) == "No. He is a senior, not a child."
    assert grounded_yes_no("He isn't a child, is he?", "No, he is a senior, not a child.", man) is None  # it stands
    assert grounded_yes_no("This isn't a man, is it?", "No. It is a photo of a man.", man) == "Yes. This is a man."
    boy = "The image shows a close-up portrait of a White boy who is 6 years old. He is smiling."
    assert grounded_yes_no("He isn't a child, is he?", "No. He is a senior.", boy).startswith("Yes")


@pytest.mark.parametrize("answer, expected", [
    ("No, he is middle-aged, not a child.", "Yes, he is middle-aged, not a child."), ("Yes. He is a child.", "No. He is a child."),
    ("Yes, possibly: he looks about 15 years old.", "Possibly not: he looks about 15 years old."),
])
def test_other_polarity_swaps_the_yes_and_no(answer, expected):
    from unif2ace.generation.constraints import _other_polarity

    assert _other_polarity(answer) == expected


def test_an_age_answer_whose_group_is_not_its_own_age_s_is_restated():
    # "Guess the age within 5 years." got "She is 50 years old, so she is a senior." (50 is middle-aged)
    woman = "The image shows a close-up photo of a White middle-aged woman who is 50 years old."
    got = grounded_answer("Guess the age within 5 years.", "She is 50 years old, so she is a senior.", woman)
    assert parse_age_years(got) == 50 and parse_attribute(re.sub(r"\d+ years old", "", got), "age_group") == "middle-aged"
    assert grounded_answer("Guess the age.", "She is 50 years old, so she is middle-aged.", woman) is None


@pytest.mark.parametrize("question, value", [
    ("Is the face lit evenly?", "even"), ("Is she lit well?", "good"), ("Is the face lit poorly?", "dim"),
    ("Is he lit brightly?", "bright"),  # "Is the face lit evenly?" got "Yes, he is even."
])
def test_lighting_asked_with_an_adverb_after_lit(question, value):
    from unif2ace.generation.constraints import _asked_values

    assert _asked_values(question)["lighting"] == value


@pytest.mark.parametrize("question, span", [
    ("Is the person older than me? I'm 30.", (31, 200)), ("I am 25. Is she younger than me?", (0, 24)),
    ("Is he older than me?", None),  # no age of the asker's: nothing to compare with
])
def test_an_age_compared_with_the_asker_s_own(question, span):
    assert asked_age_range(question) == span


@pytest.mark.parametrize("question, answer, expected", [
    ("What's the emotion on the face, in one word?", "He looks happy.", "Happy."),
    ("Describe her mood in one word.", "She looks surprised.", "Surprised."),
    ("In one word, what gender?", "This is a woman.", "Female."),
    ("One word: how old does he look?", "He is 57 years old, so he is a senior.", "57."),
    ("What's her ethnicity, in a single word?", "She is South Asian.", "South Asian."),
    ("How old is he?", "He is 5.", None), ("Sum him up in one word.", "Smiling.", None),  # a description request
    ("What's the emotion, in one word?", "I can't tell from this photo.", None),
])
def test_one_word_answers_with_the_value_alone(question, answer, expected):
    from unif2ace.generation.brief import one_word

    assert one_word(question, answer) == expected


def test_an_answer_that_names_the_wrong_thing_for_the_mood_or_two_age_groups_is_garbled():
    boy = ("The image shows a close-up portrait of a South Asian boy who is 1 year old. He has his mouth slightly "
           "open. His eyes are open.")
    # the mouth alone says nothing of the mood (the description states no expression): "I can't tell"
    assert grounded_answer("Do you think the person is happy or sad?", "Slightly open, with the lips parted.", boy) == \
        "I can't tell from this photo."
    assert grounded_answer("How does he feel?", "He is smiling, with his mouth slightly open.", boy) is None
    # two age groups at once: the described age
    got = grounded_answer("Is the person young, middle-aged or old?", "child. He is a senior.", boy)
    assert parse_age_years(got) == 1 and "senior" not in got


def test_a_question_in_another_language_is_told_the_model_reads_english(pipe):
    from unif2ace.data.questions import ENGLISH_ONLY

    got = pipe.ask(_images(2, 4), ["¿Cuántos años tiene esta persona?", "Quel âge a cette personne?"], align=False,
                   max_new_tokens=3)
    assert got == [ENGLISH_ONLY, ENGLISH_ONLY]  # it got "I can't tell from this photo."


WOMAN_85 = ("The image shows a close-up photo of a White elderly woman who is 85 years old. She has her mouth closed. "
            "Her eyes are open.")
WOMAN_25 = ("The photo is a close-up photo; it shows a White woman who is 25 years old. She has a happy expression. "
            "She is smiling, with her mouth slightly open.")
BOY_1 = ("The image shows a close-up portrait of a 1-year-old South Asian young boy. He has a neutral expression. "
         "There is no smile on his face, with his mouth slightly open.")


@pytest.mark.parametrize("question, answer, caption, expected", [
    # the subject ends in a person's noun: "person in" and "woman older" left the age unchecked
    ("Is this person in their twenties?", "Yes. She is smiling.", WOMAN_25, "Yes, she looks about 25 years old."),
    ("Is the woman older than 60?", "Yes. She looks happy.", WOMAN_25, "No. She looks about 25 years old."),
    ("Is the woman older than 60?", "Yes, she is a senior.", WOMAN_85, None),
    # a part of the face given an age, and an age bound answered by a gender noun alone (answers of the shipped model)
    ("Are they in their 60s?", "No. His mouth is a child, not a senior.", BOY_1, "No. He looks about 1 year old."),
    ("Is this person in their twenties?", "No, it is a photo of a boy.", BOY_1, "No, he looks about 1 year old."),
    ("Is this person in their twenties?", "No, he is a child.", BOY_1, None),
])
def test_an_age_asked_yes_or_no_is_answered_with_the_age(question, answer, caption, expected):
    from unif2ace.generation.constraints import grounded_yes_no

    assert grounded_yes_no(question, answer, caption) == expected


def test_a_photo_of_a_part_of_the_face_is_garbled_and_restated():
    from unif2ace.generation.constraints import grounded_yes_no

    # 7 Dec 2026 (late): "Are they smiling and are their eyes open?" got "… Yes. It is a photo of a eyes are open."
    boy = "The image shows a close-up portrait of an Asian little boy who is 1 year old. His eyes are open."
    assert grounded_yes_no("are their eyes open?", "Yes. It is a photo of a eyes are open.", boy) == "Yes. His eyes are open."
    assert grounded_yes_no("Are their eyes open?", "Yes. His eyes are open.", boy) is None


@pytest.mark.parametrize("question, answer, caption, expected", [
    # a gender named only by a pronoun answers another question (the shipped model's answer)
    ("What gender do you think this person is?", "She is 85 years old, so she is a senior.", WOMAN_85, "It is a woman."),
    ("What gender do you think this person is?", "A woman.", WOMAN_85, None),
    # "how happy": the expression, or "I can't tell" when the description states none
    ("How happy does she look, from 1 to 10?", "She is 85 years old, so she is a senior.", WOMAN_85,
     "I can't tell from this photo."),
    ("How happy does she look, from 1 to 10?", "She is 1 year old, so she is a child.", BOY_1, "Neutral."),
])
def test_open_questions_in_new_wordings_answer_what_they_ask(question, answer, caption, expected):
    from unif2ace.generation.constraints import grounded_answer

    assert grounded_answer(question, answer, caption) == expected


MAN_57 = "The image shows a close-up photo of a White senior man who is 57 years old. He has a happy expression. He is smiling."
GIRL_8 = "The image shows a close-up photo of a White girl who is 8 years old. She has a happy expression. She is smiling."


@pytest.mark.parametrize("question, answer, caption, expected", [
    # a choice between older and younger is no Yes/No (it got "Yes, she looks about 27 years old.")
    ("Is the person older or younger than 30?", "Yes, she looks about 8 years old.", GIRL_8,
     "Younger: she looks about 8 years old."),
    ("Is he over or under 50?", "No.", MAN_57, "Over 50: he looks about 57 years old."),
    # a frown is an expression no label names: the described one answers
    ("Is she frowning?", "Yes. She is smiling.", GIRL_8, "No, she looks happy."),
    # a newborn is under a year, not any baby's 0-3
    ("Is this a newborn?", "Yes. She looks about 3 years old.", GIRL_8.replace("8 years", "3 years"),
     "No. She looks about 3 years old."),
    # a subject the description contradicts, and the age asked of it
    ("Is the lady young?", "No. This is a man.", MAN_57, "No. This is a man. He looks about 57 years old."),
    # an age group answered by a noun that does not settle it; one that does stands
    ("Is this someone in their late teens?", "No. It is a photo of a girl.", GIRL_8, "No. She is a child, not a teenager."),
    ("Is this a senior citizen?", "No, it is a photo of a girl.", GIRL_8, None),
])
def test_yes_no_questions_in_new_wordings(question, answer, caption, expected):
    from unif2ace.generation.constraints import grounded_yes_no

    assert grounded_yes_no(question, answer, caption) == expected


def test_where_a_photo_was_taken_is_not_known_and_a_description_may_say_whom_it_is_for():
    from unif2ace.data.questions import asked_attributes, asks_description
    from unif2ace.generation.constraints import grounded_answer, unseen_question

    assert unseen_question("Is this picture taken indoors?") and unseen_question("Was it shot outside?")
    assert asks_description("Describe this face to a police sketch artist.")  # got "A man."
    assert asks_description("Describe her for someone who can't see the photo.")
    assert not asks_description("Describe her expression to me.")
    # up or down, which no label states (it got "A woman."): a face turned to the camera is neither, a face turned
    # aside or a pose not described says nothing (not "Slightly toward the left side of the image.")
    assert asked_attributes("Is the person looking up or down?") == ["head_pose"]
    assert grounded_answer("Is the person looking up or down?", "A woman.", GIRL_8) == "I can't tell from this photo."
    assert grounded_answer("Is the person looking up or down?", "A woman.", GIRL_8 + " She faces the camera.") == \
        "Neither: she faces the camera."
    assert grounded_answer("Is the person looking up or down?", "Slightly toward the left side of the image.",
                           GIRL_8 + " Her head is turned slightly toward the left side of the frame.") == \
        "I can't tell from this photo."


def test_a_choice_asked_as_a_yes_no_question_is_answered_without_yes_or_no():
    from unif2ace.data.questions import as_meant, asks_choice
    from unif2ace.generation.constraints import without_yes_no

    assert asks_choice("Is the head straight or tilted?") and as_meant("Is the head straight or tilted?") == \
        "Is the head tilted?"
    assert not asks_choice("Is the head tilted?")
    assert without_yes_no("No, her head is upright.") == "Her head is upright."
    assert without_yes_no("Yes. His head is tilted.") == "His head is tilted."
    assert without_yes_no("Her head is upright.") == "Her head is upright."


MAN_36 = ("The photo is a close-up portrait; it shows a South Asian man, aged 36. He has a neutral expression. He is not "
          "smiling, with his mouth closed. It is a full-color, well-focused picture.")


@pytest.mark.parametrize("question, answer, caption, expected", [
    # choices between two ages (answers of the shipped model)
    ("Is this person closer to 20 or 40?", "I can't tell from this photo.", MAN_36, "Closer to 40: he looks about 36 years old."),
    ("Would you say he is closer to 30 or 42?", "He is 36 years old.", MAN_36, "Halfway between: he looks about 36 years old."),
    ("Is he a young man or an old man?", "He is smiling.", MAN_36, "36 years old: middle-aged."),
    ("Would you guess this person is in their forties or fifties?", "36 years old: middle-aged.", MAN_36,
     "Neither: he looks about 36 years old."),
    ("Is he in his 30s or 40s?", "He is 36.", MAN_36, "In the 30s: he looks about 36 years old."),
    # every decade a list offers (6 Dec 2026: "… 20s, 30s, 40s, 50s or 60s?" got "Neither: she looks about 41 years old.")
    ("Roughly what age bracket: 20s, 30s, 40s, 50s or 60s?", "He is 36.", MAN_36,
     "In the 30s: he looks about 36 years old."),
    ("Is he in his 20s, 40s or 50s?", "He is 36.", MAN_36, "Neither: he looks about 36 years old."),
    # two ages offered (6 Dec 2026: each got "I can't tell from this photo.")
    ("Is he 20 or 50?", "I can't tell from this photo.", MAN_36, "Closer to 50: he looks about 36 years old."),
    ("What's more likely, that he's 20 or that he's 50?", "I can't tell from this photo.", MAN_36,
     "Closer to 50: he looks about 36 years old."),
    ("Would you say 30 or 40 years old?", "He is 36.", MAN_36, "Closer to 40: he looks about 36 years old."),
    ("25 or 36?", "He is 36.", MAN_36, "36: he looks about 36 years old."),
    ("Is she 20 or 50?", "She is 85.", WOMAN_85, "Neither: she looks about 85 years old."),
    ("Is the subject an adult or a minor?", "She is 1 year old, so she is a child.", BOY_1,
     "A minor: he looks about 1 year old."),
    # the option offered, in its words (6 Dec 2026: "Is this a child or an adult?" of a boy described as 9 got "A minor:
    # …", and "Is this a teen or an adult?" of a man of 40 "40 years old: middle-aged.")
    ("Is this a child or an adult?", "9 years old: a child.", BOY_1, "A child: he looks about 1 year old."),
    ("Kid or grown-up?", "A boy.", MAN_36, "A grown-up: he looks about 36 years old."),
    ("Is this a teen or an adult?", "36 years old: middle-aged.", MAN_36, "An adult: he looks about 36 years old."),
    ("Is this a teen or an adult?", "A boy.", BOY_1, "Neither, a child: he looks about 1 year old."),
    # any two stages of life (6 Dec 2026, session 47: "Is this person a toddler or a teenager?" got "Yes. She is a
    # teenager." of a girl of 3 and "Sharp." of a man of 65): the option that holds the age, the narrower of two, or
    # neither and the age group
    ("Is this person a toddler or a teenager?", "Yes. She is a teenager.", GIRL_1, "A toddler: she looks about 1 year old."),
    ("Is this person a toddler or a teenager?", "Sharp.", WOMAN_85, "Neither, a senior: she looks about 85 years old."),
    ("Adult or senior?", "She is 85.", WOMAN_85, "A senior: she looks about 85 years old."),
    ("Is he a young adult or middle-aged?", "He is 36.", MAN_36, "Middle-aged: he looks about 36 years old."),
    ("Is this person elderly or middle-aged?", "Sharp.", WOMAN_85, "Elderly: she looks about 85 years old."),
    ("Infant or toddler?", "A boy.", "A close-up photo of a White girl who is 3 years old.",
     "A toddler: she looks about 3 years old."),
    ("Infant or toddler?", "A boy.", GIRL_1, "An infant: she looks about 1 year old."),
    ("Is this a child or an adult?", "A teen.", "A close-up photo of a White girl who is 15 years old.",
     "Neither, a teenager: she looks about 15 years old."),
    # what a time of life does (7 Dec 2026: "Is the person more likely a student or a retiree?" got "This is a girl."
    # and "She is 85 years old, so she is a senior." of a woman described as 60)
    ("Is the person more likely a student or a retiree?", "This is a girl.", WOMAN_85,
     "A retiree: she looks about 85 years old."),
    ("Student or pensioner?", "A boy.", "A close-up photo of a White girl who is 10 years old.",
     "A student: she looks about 10 years old."),
    ("Is he a student or a retiree?", "He is 36.", MAN_36, "Neither, middle-aged: he looks about 36 years old."),
    # a fragment, and the photo's light said of the person
    ("Approx. age please", "shows a senior woman.", WOMAN_85, "She is 85 years old, so she is a senior."),
    ("Is the face well lit or in shadow?", "He is dim.", MAN_36, "The lighting is dim."),
    ("What is the lighting like?", "The lighting is dim.", MAN_36, None),
])
def test_open_questions_choosing_between_ages_or_about_the_photo(question, answer, caption, expected):
    from unif2ace.data.questions import as_meant
    from unif2ace.generation.constraints import grounded_answer

    assert grounded_answer(as_meant(question), answer, caption) == expected


@pytest.mark.parametrize("question, answer, caption, expected", [
    ("Is she younger than 25 or older than 25?", "No, she looks about 1 year old.", WOMAN_85, "Older: she looks about 85 years old."),
    ("Is he older or younger than 36?", "Yes.", MAN_36, "About the same: he looks about 36 years old."),
    ("Is she closer to 80 than 60?", "No.", WOMAN_85, "Yes, closer to 80: she looks about 85 years old."),
    ("Is he closer to 20 than to 40?", "Yes.", MAN_36, "No, closer to 40: he looks about 36 years old."),
    ("Is the person making eye contact?", "No. She is not smiling.", WOMAN_85 + " She faces the camera.",
     "Yes. She faces the camera."),
    ("Is this picture colourful?", "No. It is a photo of a girl.", MAN_36, "Yes, it is in color."),
])
def test_yes_no_wordings_of_age_choices_eye_contact_and_colour(question, answer, caption, expected):
    from unif2ace.generation.constraints import grounded_yes_no

    assert grounded_yes_no(question, answer, caption) == expected


@pytest.mark.parametrize("question, attributes", [
    ("is it a grl or boy", ["gender"]), ("male/female?", ["gender"]), ("M/F?", ["gender"]),
    ("Is he a young man or an old man?", ["age_group"]), ("Is this person closer to 20 or 40?", ["age_group"]),
    ("Is it an old or a new photo?", []),
])
def test_terse_and_chat_spelled_choices_are_read(question, attributes):
    from unif2ace.data.questions import as_meant, asked_attributes

    assert asked_attributes(as_meant(question)) == attributes


def test_an_age_choice_asked_yes_or_no_is_checked_not_unseen():
    from unif2ace.generation.constraints import unseen_question, yes_no_grounded

    for question in ("Is she closer to 80 than 60?", "Is he older or younger than 30?"):
        assert yes_no_grounded(question) == {"age"} and not unseen_question(question)  # got "I can't tell"


def test_a_number_of_things_about_the_person_is_a_description_that_long():
    from unif2ace.data.questions import asks_description, description_length

    assert asks_description("Tell me three things about this person.")  # got "I can't tell from this photo."
    assert description_length("Tell me three things about this person.") == ("sentences", 3)
    assert not asks_description("Tell me three things about her hair.")


@pytest.mark.parametrize("question, expected", [
    # instructions as vision-language data and benchmarks word them (each got "I can't tell from this photo.", "Yes.
    # It is a photo of a person." or a garbled caption)
    ("Describe the image concisely.", ("sentences", 1)), ("Provide a detailed description of the given image", None),
    ("Summarize the visual content of the image.", None), ("Write a caption for this photo.", None),
    ("Offer a thorough analysis of the image", None), ("Explain the various aspects of the image before you", None),
    ("Relay a brief, clear account of the picture shown.", ("sentences", 1)),
    ("Analyze the image in a comprehensive and detailed manner", None),
    ("Present a compact description of the photo's key features.", ("sentences", 1)),
    ("Could you write a short caption for this picture?", ("sentences", 1)),
    ("Please provide a description of the person in the photo.", None),
    ("Briefly describe the image.", ("sentences", 1)), ("Give a one-sentence caption.", ("sentences", 1)),
    ("Detailed caption please", None), ("Can you describe what you see?", None),
    ("Tell me what's in the picture.", None), ("What does this image show?", None),
    ("Can you tell me what this image depicts?", None), ("What is the main subject of this image?", None),
    # about one thing, a why or a whether, or no description at all: not a description
    ("Give a detailed description of her hair in the image.", False), ("Analyze the lighting in this photo.", False),
    ("Explain why the person in the photo looks sad.", False), ("Describe the background of the image.", False),
    ("Examine the image closely and tell me if she wears glasses.", False), ("Write a poem about this photo.", False),
    ("Explain how old the person in the image is.", False), ("Create a picture of a smiling man.", False),
    ("Look at the photo and tell me her age.", False), ("Give me a summary of her mood in the picture.", False),
    ("Tell me what she is feeling.", False), ("What does this image show about her mood?", False),
    ("Give a caption about her smile", False), ("What is the subject of this image wearing?", False),
    ("Tell me what you see in her eyes.", False),
])
def test_instructions_to_describe_the_image_are_description_requests(question, expected):
    from unif2ace.data.questions import asks_description, description_length

    assert asks_description(question) is (expected is not False)
    if expected is not False:
        assert description_length(question) == expected


@pytest.mark.parametrize("description, years, expected", [
    ("The photo is a close-up photo; it shows a Black. He is not smiling.", 17,
     "The photo is a close-up photo; it shows a Black boy, aged 17. He is not smiling."),
    ("It shows a South Asian. She is smiling.", 34.6, "It shows a South Asian woman, aged 35. She is smiling."),
    ("It shows an Indian, with her eyes closed.", 0.5, "It shows an Indian girl, less than a year old, with her eyes closed."),
    # a description with a noun but no age, or no person at all, gets a sentence with the age
    ("The photo is a close-up photo of a man. He is smiling.", 40.2,
     "The photo is a close-up photo of a man. He is smiling. He is about 40 years old."),
    ("It is a Black and White photo. A man.", 30, "It is a Black and White photo. A man. He is about 30 years old."),
    ("A close-up photo.", 30, "A close-up photo. They are about 30 years old."),
    # an age glued to a broken word (7 Dec 2026: "… an Asian boy who is 1urry. …" got "He is about 1 year old." at its
    # end, the broken word kept)
    ("The image shows a close-up photo of an Asian boy who is 1urry. He has a happy expression.", 1,
     "The image shows a close-up photo of an Asian boy who is 1 year old. He has a happy expression."),
    ("A photo of a White woman, aged 3parted. She looks sad.", 34.4, "A photo of a White woman, aged 34. She looks sad."),
])
def test_a_description_without_an_age_is_given_one(description, years, expected):
    from unif2ace.generation.constraints import with_age

    assert with_age(description, years) == expected


@pytest.mark.parametrize("description, answer, expected", [
    ("The image shows a close-up photo of a White man who is 52 years old. He has his mouth shut. His eyes are open.",
     "He looks neutral.", "The image shows a close-up photo of a White man who is 52 years old. He looks neutral. He "
     "has his mouth shut. His eyes are open."),
    ("A close-up photo of a girl, aged 3! Her eyes are open.", "She seems surprised.",
     "A close-up photo of a girl, aged 3! She looks surprised. Her eyes are open."),
    ("It shows a Black person, aged 40.", "They look sad.", "It shows a Black person, aged 40. They look sad."),
    # the pronouns decide when no noun names a gender
    ("It is a photo, aged 40. Her eyes are open.", "Happy.", "It is a photo, aged 40. She looks happy. Her eyes are open."),
    # a description stating an expression or a smile, or an answer naming none, is left as it is
    ("It shows a man, aged 40. He has a sad expression.", "He looks happy.", None),
    ("It shows a man, aged 40. He is not smiling.", "He looks happy.", None),
    ("It shows a man, aged 40.", "I can't tell from this photo.", None),
    ("It shows a man, aged 40.", "He looks angry.", None),  # no label names it: the model never learned it
])
def test_a_description_without_an_expression_is_given_the_models_reading(description, answer, expected):
    from unif2ace.generation.constraints import with_expression

    assert with_expression(description, answer) == (description if expected is None else expected)


def test_a_description_without_an_expression_reads_the_models_answer_to_the_expression_wording(pipe, monkeypatch):
    """A third of test descriptions state neither an expression nor a smile; each expression question then read
    its own answer: "What's the vibe of this picture?" "He looks neutral." and "Is the mood cheerful?" "Yes. He
    looks happy." of one val photo (session 26). The description is given the model's answer to
    EXPRESSION_WORDING, which the user sees and every grounded answer reads."""
    import unif2ace.generation.constraints as constraints
    from unif2ace.generation.constraints import AGE_WORDING, EXPRESSION_WORDING
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    blank = "The image shows a White man who is 52 years old. He has his mouth shut."
    images, crops = _kept(pipe, 43, {CAPTION_QUESTION: blank, EXPRESSION_WORDING: "He looks neutral."})
    felt = "The image shows a White man who is 52 years old. He looks neutral. He has his mouth shut."
    assert pipe.caption(images, align=False) == [felt]
    assert pipe.ask(images, ["Is the mood cheerful?"], align=False, max_new_tokens=4)[0].startswith("No")
    seen = []
    monkeypatch.setattr(constraints, "grounded_answer", lambda q, a, c, s=None: seen.append(c) or "ok")
    pipe.ask(images, ["What's the vibe of this picture?"], align=False, max_new_tokens=4)
    assert seen == [felt]
    # a description stating a smile keeps its words, and the expression wording is not asked
    pipe._own.clear()
    asked = []
    real = pipe.prompter.mmu
    monkeypatch.setattr(pipe.prompter, "mmu", lambda codes, convs, **k: asked.append([t[-1][0] for t in convs])
                        or real(codes, convs, **k))
    smiling = "The image shows a White man who is 52 years old. He is smiling."
    pipe._remember(pipe._own_keys(CAPTION_QUESTION, crops), [smiling])
    assert pipe.caption(images, align=False) == [smiling] and asked == []
    assert AGE_WORDING != EXPRESSION_WORDING


GIRL_2 = ("The image shows a close-up portrait of a South Asian young girl, aged 2. She has a happy expression. She is "
          "smiling, with her mouth slightly open. Her eyes are open. Her head is held upright.")


@pytest.mark.parametrize("question, answer, expected", [
    # each answer is the shipped model's before the rule
    ("Is one eye closed?", "No, she is a senior, not a senior.", "No, her eyes are open."),
    ("Is the expression friendly?", "Yes, she is not smiling.", "Yes. She looks happy."),
    ("Is the head straight or tilted?", "Yes, she is smiling.", "No, her head is upright."),
    ("I'd say this is a teenager. Agree?", "Yes. She is a teenager.", "No, she is a child, not a teenager."),
    ("Are both eyes visible?", "Yes, she is a senior.", "Yes, her eyes are open."),  # session 26, of a woman of 60
])
def test_yes_no_questions_about_an_eye_a_friendly_face_a_tilt_and_a_statement_to_agree_with(question, answer, expected):
    from unif2ace.data.questions import as_meant, is_yes_no
    from unif2ace.generation.constraints import grounded_yes_no

    meant = as_meant(question)
    assert is_yes_no(meant) and grounded_yes_no(meant, answer, GIRL_2) == expected


@pytest.mark.parametrize("question, expected", [
    # "Is that a young lad?" of a man of 52 got "Yes. He is a photo of a man.": "young" with any noun for a man or a
    # woman asks a young adult
    ("Is that a young lad?", "No, he is middle-aged, not a young adult."),
    ("Is this a young guy?", "No. He is middle-aged, not a young adult."),
    ("Is she a lass?", "No. This is a man, not a woman."),
])
def test_young_with_any_noun_for_a_person_asks_the_age(question, expected):
    from unif2ace.data.questions import as_meant, is_yes_no
    from unif2ace.generation.constraints import grounded_yes_no

    man = "The image shows a close-up photo of a White man who is 52 years old. He looks neutral. He has his mouth shut."
    meant = as_meant(question)
    assert is_yes_no(meant) and grounded_yes_no(meant, "Yes. He is a photo of a man.", man) == expected


def test_black_or_white_of_a_person_asks_the_ethnicity_and_of_a_photo_the_colour():
    from unif2ace.data.questions import asked_attributes
    from unif2ace.generation.constraints import grounded_answer

    assert asked_attributes("Is this person Black or White?") == ["ethnicity"]  # got "Straight toward the camera."
    assert grounded_answer("Is this person Black or White?", "Straight toward the camera.", GIRL_2) == "South Asian."
    assert asked_attributes("Is the photo black and white or colour?") == ["color"]
    for question in ("Is the photo black or white?", "Is the background black or white?", "Is it black or white?"):
        assert "ethnicity" not in asked_attributes(question)



def test_a_chats_follow_ups_are_read():
    from unif2ace.data.questions import as_meant, asks_description, is_yes_no
    from unif2ace.generation.constraints import grounded_yes_no, unseen_question

    # each got "I can't tell from this photo." or "No. It is a photo of a man." in a chat
    assert is_yes_no(as_meant("And under 50?"))
    assert grounded_yes_no(as_meant("And under 50?"), "No.", MAN_36) == "Yes. He looks about 36 years old."
    for request in ("tell me more", "what else?", "Anything else?", "Go on."):
        assert asks_description(as_meant(request)), request
    assert not asks_description("Tell me more about her eyes.") and not asks_description("What else is in the photo?")
    assert unseen_question("Is that typical for that age?") and not unseen_question("Is this a cat?")


@pytest.mark.parametrize("question, answer, caption, expected", [
    # the right gender in the wrong word for the described age (the shipped model's answer of a girl of 8)
    # (since 7 Dec 2026, afternoon, in the question's own noun: a child is no man or woman, whatever the gender)
    ("Is this a man?", "No. This is a woman, not a man.", GIRL_8, "No, this is a girl, not a man."),
    ("Is this a boy?", "No, this is a man, not a boy.", MAN_36, "No, he is middle-aged, not a child."),
    ("Is this a boy?", "No. This is a girl, not a boy.", GIRL_8, None),
    ("Is this a woman?", "No, this is a man, not a woman.", MAN_36, None),
])
def test_a_yes_no_gender_answer_names_the_described_time_of_life(question, answer, caption, expected):
    from unif2ace.generation.constraints import grounded_yes_no

    assert grounded_yes_no(question, answer, caption) == expected


@pytest.mark.parametrize("question", [
    # each got the model's Yes/No with words about something else (answers of the shipped model)
    "Is the skin smooth?", "Is this a good profile picture?", "Would this work as a LinkedIn photo?",
    "Does the person look tired or rested?", "Is this a celebrity?", "Are the eyes red?", "Is this a forced smile?",
    "Does the smile look genuine?", "Is this picture taken indoors?",
    # an eye colour (6 Dec 2026: "Are the eyes blue?" got "Yes. Her head is turned slightly toward the right …")
    "Are the eyes blue?", "Does she have brown eyes?", "Is he blue-eyed?",
])
def test_questions_about_what_no_label_states_are_unseen(question):
    from unif2ace.generation.constraints import unseen_question

    assert unseen_question(question)


@pytest.mark.parametrize("question", ["Is this a profile shot?", "Is she smiling?", "Is the person Asian?",
                                      "Is this a cat?", "Is the photo sharp?", "Are her eyes open?", "Are his eyes closed?"])
def test_questions_about_what_labels_state_are_not_unseen(question):
    from unif2ace.generation.constraints import unseen_question

    assert not unseen_question(question)



def test_a_good_time_and_happiness_ask_the_expression_and_why_not_gets_a_reply():
    from unif2ace.data.questions import as_meant, asked_attributes

    # each got "I can't tell from this photo." of a girl described as happy
    for question in ("Does the person look like they're having a good time?", "Is she enjoying herself?",
                     "Is he in good spirits?"):
        assert grounded_yes_no(question, "No.", GIRL_8) == "Yes. She looks happy."
    assert asked_attributes("Rate their happiness.") == ["emotion"]
    assert grounded_answer("Rate their happiness.", "I can't tell from this photo.", GIRL_8) == "Happy."
    # of a face whose description states no expression, the answer's words without its Yes (it got "Yes. She is
    # smiling.")
    assert grounded_answer("Rate their happiness.", "Yes. She is smiling.", WOMAN_85) == "She is smiling."
    assert small_talk(as_meant("why not?")).startswith("I can only say what the face in this photo shows")
    assert small_talk("Why not smile?") is None


def test_a_choice_between_the_camera_and_away_is_answered_from_the_described_pose():
    # "Is he looking at the camera or away?" got "He is smiling."
    man = "The image shows a close-up portrait of a White man who is 58 years old. He looks happy. He faces the camera."
    assert grounded_answer("Is he looking at the camera or away?", "He is smiling.", man) == "Straight toward the camera."
    turned = man.replace("He faces the camera.", "His face is turned slightly left.")
    assert grounded_answer("Is he looking at the camera or away?", "He is smiling.", turned) == \
        "Slightly toward the left side of the image."


@pytest.mark.parametrize("years, expected", [(58, "He is in his fifties (about 58 years old)."),
                                             (15, "He is in his teens (about 15 years old)."),
                                             (6, "He looks about 6 years old."), (101, "He looks about 101 years old.")])
def test_a_decade_of_life_is_answered_from_the_described_age(years, expected):
    # "What decade of life is he in?" got "58 years old: a senior."
    man = f"The image shows a close-up portrait of a White man who is {years} years old. He looks happy."
    assert grounded_answer("What decade of life is he in?", "58 years old: a senior.", man) == expected


def test_the_decade_of_a_photo_is_not_a_persons_age():
    assert asked_attribute("What decade was this photo taken in?") is None
    assert asked_attribute("Which decade of her life is she in?") == "age_group"


@pytest.mark.parametrize("question", ["Is the kid grumpy?", "Does she look sleepy?", "Is she shy?"])
def test_an_expression_no_label_names_is_answered_from_the_described_one(question):
    # "Is the kid grumpy?" got "Yes. She is a child."
    girl = "The image shows a close-up photo of a White little girl who is 8 years old. She looks happy."
    assert grounded_yes_no(question, "Yes. She is a child.", girl) in ("No, she looks happy.", "No. She looks happy.")


def test_what_a_person_looks_at_is_the_pose_and_a_photos_decade_is_unseen():
    girl = "The image shows a close-up photo of a White little girl who is 8 years old. Her face is turned slightly right."
    assert grounded_answer("What's she looking at?", "She is smiling.", girl) == "Slightly toward the right side of the image."
    assert unseen_question("Which decade is this picture from?") and unseen_question("What year is this photo from?")
    assert not unseen_question("Which decade of life is she in?")


@pytest.mark.parametrize("question, answer, expected", [
    # an either/or question about the expression answered with neither option ("Is she angry or sad?" got "Happy.")
    ("Is she angry or sad?", "Happy.", "Neither: happy."),
    ("Is she sad or surprised?", "She looks happy.", "Neither: she looks happy."),
    ("Does he look angry, or scared?", "He looks neutral.", "Neither: he looks neutral."),
    ("sad or neutral", "Happy.", "Neither: happy."),
    ("Is she happy or sad?", "Happy.", None),  # an option is the answer
    ("Is he calm or angry?", "He looks neutral.", None),  # "calm" is read as neutral
    ("Is she sad or at ease?", "Happy.", None),  # a happy face may be at ease: not an expression word
    ("Is she smiling or not?", "She is smiling.", None),  # no expression stated
    ("Is this a man or a woman?", "This is a woman.", None),
    ("Is she angry or sad?", "Neither: happy.", None),  # already said
    ("Is she more angry or more scared?", "Happy.", "Neither: happy."),  # a qualifier before the second option
    ("Is she delighted or sad?", "Happy.", None),  # "delighted" is read as happy
])
def test_a_choice_of_two_other_expressions_is_answered_neither(question, answer, expected):
    from unif2ace.generation.constraints import neither_option

    assert neither_option(question, answer) == expected


def test_the_pipeline_says_neither_when_no_option_is_the_described_expression(pipe):
    """Asked "Is she angry or sad?" of a face it describes as happy, the pipeline said "Happy.", naming neither
    option; it now says so."""
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    images, _ = _kept(pipe, 47, {CAPTION_QUESTION: HAPPY})
    answer = pipe.ask(images, ["Is she angry or sad?"], align=False, max_new_tokens=4)[0]
    assert answer.startswith("Neither: ") and "happy" in answer, answer
    assert not pipe.ask(images, ["Is she happy or sad?"], align=False, max_new_tokens=4)[0].startswith("Neither")


@pytest.mark.parametrize("question, feeling_about", [
    ("Is she pleased with the photo?", True), ("What is he sad about?", True), ("How does she feel about it?", True),
    ("Is he proud of his son?", True), ("Is the person happy about something?", True),
    ("Is she happy?", False), ("How is she feeling?", False), ("Does she look happy in this photo?", False),
    ("Is she happy with a big smile?", False), ("Is this a photo of a happy man?", False),  # the expression itself
])
def test_a_question_about_what_a_feeling_is_about_is_read(question, feeling_about):
    from unif2ace.data.questions import asks_feeling_about

    assert asks_feeling_about(question) == feeling_about


@pytest.mark.parametrize("question, caption, expected", [
    ("Is she pleased with the photo?", HAPPY, "The photo shows her expression, not what she feels about it: she looks happy."),
    ("What is he sad about?", "A photo of a Black man who is 40 years old. He is smiling.",
     "The photo shows his expression, not what he feels about it: he is smiling."),
    ("How do they feel about it?", "A photo.", "I can't tell from this photo how they feel about it."),
    ("Is she happy?", HAPPY, None),
])
def test_a_feeling_about_something_is_answered_with_the_expression_alone(question, caption, expected):
    from unif2ace.generation.constraints import feeling_about_answer

    assert feeling_about_answer(question, caption) == expected


def test_the_pipeline_does_not_say_what_a_feeling_is_about(pipe):
    """Asked "Is she pleased with the photo?" of a face it describes as happy, the pipeline said "Yes. She looks
    happy.": what she thinks of the photo is not in it. It now says what the face shows and no more."""
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    images, _ = _kept(pipe, 48, {CAPTION_QUESTION: HAPPY, "Is she pleased with the photo?": "Yes. She looks happy."})
    answer = pipe.ask(images, ["Is she pleased with the photo?"], align=False, max_new_tokens=4)[0]
    assert answer == "The photo shows her expression, not what she feels about it: she looks happy.", answer
    assert pipe.ask(images, ["Does she look pleased?"], align=False, max_new_tokens=4)[0].startswith("Yes")


LIT = HAPPY + " She faces the camera. It is a color, sharp picture with even lighting."


@pytest.mark.parametrize("question, answer, expected", [
    # wordings a user typed that no check read (each got the answer in the comment)
    ("Does she look annoyed?", "Yes, she is smiling.", "No. She looks happy."),  # "I can't tell from this photo."
    ("Is she looking straight at me?", "No. She is smiling.", "Yes, she faces the camera."),  # "I can't tell …"
    ("Is it a dark photo?", "No. It is a photo of a person.", "No, the lighting is even."),
    ("Is the photo dark?", "Yes, she is a young adult.", "No, the lighting is even."),
    ("Is the photo dim?", "No. It is a photo of a person.", "No. The lighting is even."),  # 8 Dec 2026: as typed
    ("Is this a dim picture?", "Yes, she is a young adult.", "No, the lighting is even."),
    # no label says whether a head is raised, but a face turned to the camera is neither ("I can't tell …")
    ("Is the person looking up?", "Yes. She is smiling.", "No, she faces the camera."),
    ("Is her head tipped downward?", "Yes. She is smiling.", "No, she faces the camera."),
    ("Is she looking up at the camera?", "Yes. She is smiling.", None),  # up at the camera faces it
])
def test_unlabelled_expressions_eye_contact_and_a_dark_photo_are_checked(question, answer, expected):
    assert grounded_yes_no(question, answer, LIT, None) == expected


def test_a_raised_or_lowered_head_is_unknown_of_a_turned_face():
    turned = HAPPY + " Her head is turned slightly toward the left side of the image."
    assert grounded_yes_no("Is she looking down?", "No. She is smiling.", turned, None) == "I can't tell from this photo."


@pytest.mark.parametrize("question, unseen", [
    ("Does the person look annoyed?", False), ("Does this person look stressed?", False),  # a happy face rules out
    ("Is he tired?", True), ("Is she excited?", True),  # a happy face may be either: not read from the expression
    ("Is he wearing a dark shirt?", True),
])
def test_an_expression_a_described_one_rules_out_is_not_unseen(question, unseen):
    assert unseen_question(question) == unseen


@pytest.mark.parametrize("question, answer, expected", [
    ("Is the expression positive or negative?", "Happy.", "Positive: happy."),  # got "Happy."
    ("Negative or positive mood?", "She looks sad.", "Negative: she looks sad."),
    ("Is her expression positive or negative?", "He looks neutral.", "Neither: he looks neutral."),
    ("Is the expression positive or negative?", "She looks surprised.", None),  # may be either
    ("Is the expression positive or negative?", "Positive: happy.", None),  # already said
    ("Is she happy or sad?", "Happy.", None),
])
def test_a_positive_or_negative_choice_is_answered_with_an_option(question, answer, expected):
    from unif2ace.generation.constraints import valence_option

    assert valence_option(question, answer) == expected


@pytest.mark.parametrize("question, answer, expected", [
    ("Why is she sad?", "She looks happy.", "I can't tell why from this photo; she looks happy."),
    ("Why is this person smiling?", "He is smiling.", "I can't tell why from this photo; he is smiling."),
    ("Why does he look so old?", "I can't tell from this photo.", None),  # already says so
    ("Why do you think so?", "From how the face looks in this photo.", None),  # about the answer, not the person
    ("Is she sad?", "No, she looks happy.", None), ("Why is that?", "She looks happy.", None),
])
def test_a_question_about_why_the_person_looks_so_says_the_photo_does_not_tell(question, answer, expected):
    from unif2ace.generation.constraints import why_answer

    assert why_answer(question, answer) == expected


@pytest.mark.parametrize("question, answer, expected", [
    # the described expression, whatever the model said ("Why is he sad?" of a man described as happy got "I can't
    # tell from this photo.")
    ("Why is she sad?", "I can't tell from this photo.", "I can't tell why from this photo; she looks happy."),
    ("Why is she smiling?", "She is not smiling.", "I can't tell why from this photo; she looks happy."),
    ("Why does she look so old?", "She is 30 years old.", "I can't tell why from this photo; she is 30 years old."),
])
def test_a_why_question_about_the_expression_gives_the_described_one(question, answer, expected):
    from unif2ace.generation.constraints import why_answer

    assert why_answer(question, answer, HAPPY) == expected


@pytest.mark.parametrize("question, answer, expected", [
    # "How happy is this person on a scale of 1-10?" got "Happy.", as if it were a rating
    ("How happy is this person on a scale of 1-10?", "Happy.", "I can't put a number on that from a photo; she looks happy."),
    ("Rate her smile from 1 to 5.", "She is smiling.", "I can't put a number on that from a photo; she looks happy."),
    ("How would you rate her happiness out of 10?", "She looks sad.",
     "I can't put a number on that from a photo; she looks happy."),
    ("How happy does she look, 1-10?", "She looks happy.", "I can't put a number on that from a photo; she looks "
                                                           "happy."),  # 7 Dec 2026: got "She looks happy."
    ("On a scale of 1 to 10, how old does she look?", "30 years old.", None),  # an age, answered as one
    ("Is she happy?", "Yes, she looks happy.", None), ("Rate this photo's quality.", "I can't tell from this photo.", None),
])
def test_an_expression_asked_on_a_scale_gets_no_number(question, answer, expected):
    from unif2ace.generation.constraints import scale_answer

    assert scale_answer(question, answer, HAPPY) == expected
    # without a description, the answer's own expression (none: nothing to say)
    if expected is not None:
        assert scale_answer(question, "Happy.") == "I can't put a number on that from a photo; happy."
        assert scale_answer(question, "I can't tell from this photo.") is None


OLD_BLACK_MAN = "The photo is a close-up photo; it shows a 60-year-old Black man. He looks happy."
BOY_OF_6 = "The photo is a close-up photo; it shows a 6-year-old White boy."


@pytest.mark.parametrize("question, answer, caption, expected", [
    # who the person is, asked as a gender and an age: the answer says the age ("Is he an old man?" got "Yes, this
    # is a man.", which said nothing of the age asked)
    ("Is he an old man?", "Yes, this is a man.", OLD_BLACK_MAN, "Yes, he is a senior."),
    ("Is this an old man?", "Yes, he is smiling.", OLD_BLACK_MAN, "Yes. He is a senior."),
    ("Is this an old man?", "No, he is smiling.", OLD_BLACK_MAN, "Yes. He is a senior."),
    # both named, the gender in the described pronoun: it stands (it got "Yes. This is a man.")
    ("Is this an old man?", "Yes. He is a senior.", OLD_BLACK_MAN, None),
    ("Is this a man?", "Yes, this is a man.", OLD_BLACK_MAN, None),  # the gender alone asked
    # a child's gender noun says the age too
    ("Is this a boy?", "Yes. This is a boy.", BOY_OF_6, None), ("Is this a boy?", "Yes, he is a child.", BOY_OF_6, None),
    ("Is this a boy?", "Yes, he is smiling.", BOY_OF_6, "Yes, this is a boy."),
])
def test_a_question_about_gender_and_age_is_answered_about_both(question, answer, caption, expected):
    assert grounded_yes_no(question, answer, caption) == expected


GIRL_OF_2 = "The photo is a close-up photo; it shows a 2-year-old White girl. She looks happy."


@pytest.mark.parametrize("question, answer, caption, expected", [
    # a child's gender is read right about three times in four: an answer about it says so
    ("Boy or girl?", "A girl.", GIRL_OF_2, "A girl. " + "A young child's gender is hard to tell from a face, so I may be wrong."),
    ("Is this a boy?", "No. This is a girl, not a boy.", GIRL_OF_2,
     "No. This is a girl, not a boy. A young child's gender is hard to tell from a face, so I may be wrong."),
    # not of an adult, not for another question, nor an answer that names no gender or says it can't tell
    ("Boy or girl?", "A woman.", HAPPY, None), ("How old is she?", "2 years old: a child.", GIRL_OF_2, None),
    ("Is she a child?", "Yes, she is a child.", GIRL_OF_2, None), ("Is she happy?", "Yes, she looks happy.", GIRL_OF_2, None),
    ("Boy or girl?", "I can't tell from this photo.", GIRL_OF_2, None), ("Boy or girl?", "She is smiling.", GIRL_OF_2, None),
])
def test_an_answer_about_a_childs_gender_says_it_may_be_wrong(question, answer, caption, expected):
    from unif2ace.generation.constraints import CHILD_GENDER_CAVEAT, child_gender_caveat

    got = child_gender_caveat(question, answer, caption)
    assert got == expected
    if got is not None:  # once
        assert child_gender_caveat(question, got, caption) is None and got.count(CHILD_GENDER_CAVEAT) == 1
    assert child_gender_caveat(question, answer, None) is None  # no description, nothing to go on


def test_the_pipeline_gives_the_described_expression_to_a_why_question(pipe):
    from unif2ace.pipeline.pipeline import CAPTION_QUESTION

    images, _ = _kept(pipe, 50, {CAPTION_QUESTION: HAPPY, "Why is she sad?": "I can't tell from this photo."})
    assert pipe.ask(images, ["Why is she sad?"], align=False, max_new_tokens=4)[0] == \
        "I can't tell why from this photo; she looks happy."
    images, _ = _kept(pipe, 50, {CAPTION_QUESTION: GIRL_OF_2, "Boy or girl?": "A girl."})
    said = pipe.ask(images, ["Boy or girl?"], align=False, max_new_tokens=4)[0]  # the gender restated ("It is a girl.")
    assert said.endswith(" A young child's gender is hard to tell from a face, so I may be wrong.") and "girl" in said
    images, _ = _kept(pipe, 50, {CAPTION_QUESTION: HAPPY, "How happy is she on a scale of 1-10?": "Happy."})
    assert pipe.ask(images, ["How happy is she on a scale of 1-10?"], align=False, max_new_tokens=4)[0] == \
        "I can't put a number on that from a photo; she looks happy."


@pytest.mark.parametrize("question, answer, expected", [
    ("Is she crying?", "No, it is smiling.", "No, she is smiling."),  # got "No, it is smiling."
    ("Is the person crying?", "No. It is smiling.", "No. She is smiling."),  # the description's gender
    ("Is he happy?", "Yes, it looks happy.", "Yes, he looks happy."),
    # an age group (6 Dec 2026: "Would you call him a senior citizen?" got "Yes, it is a senior.")
    ("Would you call her a senior citizen?", "Yes, it is a senior.", "Yes, she is a senior."),
    ("Is the person a teen?", "No, it is not a teenager.", "No, she is not a teenager."),
    ("Is it in color?", "Yes, it is in color.", None), ("Is this a cat?", "No, it is a photo of a woman.", None),
    # "this" as the subject of what a person does (7 Dec 2026: "Is this lady smiling?" got "Yes, this is smiling.")
    ("Is this lady smiling?", "Yes, this is smiling.", "Yes, she is smiling."),
    ("Is the person happy?", "This looks happy.", "She looks happy."),
    ("Is this a senior?", "Yes, this is a senior.", None), ("Is this a photo?", "Yes, this is a photo of a woman.", None),
])
def test_it_as_the_subject_of_what_a_person_does_is_the_person(question, answer, expected):
    from unif2ace.generation.constraints import described_pronouns

    assert described_pronouns(question, answer, HAPPY) == expected


@pytest.mark.parametrize("question, answer, want", [
    ("Is there a cat in the image?", "No, it is not smiling.", "No, it is a photo of a person."),  # got this
    ("Is this a car?", "Yes, he is smiling.", "No, it is a photo of a person."),
    ("Is this a newborn?", "No. She looks about 25 years old.", None),  # a person's age: left as it is
    ("Can you see a dog in this photo?", "No.", "No, it is a photo of a person."),
    ("Is there a cat in the image?", "No. It is a photo of a man.", None),  # says what the photo shows
    ("Is this a woman?", "No, it is not smiling.", None), ("Is she smiling?", "No, it is not smiling.", None),
    ("Is this a photo?", "Yes.", None), ("Is there a person in the image?", "Yes. It is a photo of a man.", None),
    ("Is this a painting?", "No, she is smiling.", None),
    ("Is she a cat?", "No. She is a senior, not a senior.", "No, it is a photo of a person."),  # got the first
    ("Is the person shown a horse?", "No. Her face photo of her eyes are open.", "No, it is a photo of a person."),
    ("Is she a cat?", "No, she is a woman.", None)])
def test_a_question_about_another_subject_is_answered_as_the_data_answers_it(question, answer, want):
    from unif2ace.generation.constraints import off_topic_answer

    assert off_topic_answer(question, answer) == want


MAN = "The image shows a close-up photo of a White man, aged 80. He has a neutral expression."
GIRL = "A close-up photo of a Black girl, aged 6. She is smiling."


@pytest.mark.parametrize("question, answer, caption, want", [
    ("Is this a flower?", "No, it is a photo of a woman.", MAN, "No, it is a photo of a man."),  # got this, of a man
    ("Is this a cat?", "No. It is a photo of a boy.", MAN, "No, it is a photo of a man."),
    ("Is there a cat in the image?", "No, it is not smiling.", GIRL, "No, it is a photo of a girl."),
    ("Is this a cat?", "No. It is a photo of a man.", MAN, None), ("Is this a cat?", "No, it is a photo of a girl.", GIRL, None),
    ("Is this a cat?", "No, it is a photo of a person.", MAN, None),  # not wrong, so it stands
    ("Is this a car?", "No, it is a photo of a woman.", "A close-up photo.", None)])  # the description names no one
def test_the_person_an_off_topic_answer_names_is_the_described_one(question, answer, caption, want):
    from unif2ace.generation.constraints import off_topic_answer

    assert off_topic_answer(question, answer, caption) == want


@pytest.mark.parametrize("typed, answer, want", [
    ("Is the person smiling?\nAnswer the question using a single word or phrase.", "Yes, he is smiling.", "Yes."),
    ("Is this a woman? Answer in one word.", "No, it is a photo of a man.", "No."),
    ("Is he wearing glasses? One word answer.", "I can't tell from this photo.", None),
    ("Is this a woman?", "No, this is a man.", None)])
def test_a_yes_no_question_asked_in_one_word_gets_its_yes_or_no(typed, answer, want):
    from unif2ace.generation.brief import one_word, yes_no_word

    assert yes_no_word(typed, answer) == want
    assert one_word("What is her expression?", "She looks happy.", "What is her expression? Answer in one word.") == "Happy."


@pytest.mark.parametrize("typed, answer, want", [
    ("True or false: this is a child.", "Yes, he is a child.", "True. He is a child."),  # got "Yes, he is a child."
    ("Is she over 50, true or false?", "No. She looks about 29 years old.", "False. She looks about 29 years old."),
    ("Is she smiling? True/false", "Yes.", "True."),
    ("True or false: she is married.", "I can't tell from this photo.", "I can't tell from this photo."),
    ("Is this a child?", "Yes, he is a child.", "Yes, he is a child."),  # asked yes or no: as it is
    ("Is the statement 'she is happy' true?", "Yes. She looks happy.", "Yes. She looks happy.")])
def test_a_true_or_false_question_is_answered_true_or_false(typed, answer, want):
    from unif2ace.generation.brief import true_or_false

    assert true_or_false(typed, answer) == want


def test_an_age_group_asked_in_one_word_is_the_group_and_how_old_the_years():
    from unif2ace.generation.brief import one_word

    short = "\nAnswer the question using a single word or phrase."
    group = "Which age group does the person in the image belong to?"
    assert one_word(group, "3 years old: a child.", group + short) == "Child."  # got "3."
    assert one_word("How old is he?", "He is 57 years old, so he is a senior.", "How old is he?" + short) == "57."


@pytest.mark.parametrize("question", ["Do you see a smile?", "Is there a hat in the image?", "Can you see a necklace?",
                                      "Is there a beard?", "Can you see her teeth?", "Is there a smile on his face?"])
def test_what_a_face_photo_may_show_is_no_other_subject(question):
    from unif2ace.generation.constraints import off_topic_answer

    assert off_topic_answer(question, "No, she is not smiling.") is None
    assert off_topic_answer(question, "Yes. She is smiling.") is None


@pytest.mark.parametrize("question, answer", [
    ("Is the kid in the photo a cat?", "Yes, she is a child."),  # got this
    ("Is the person shown a dog? Please answer yes or no.", "I can't tell from this photo."),  # got this
    ("Is the person in the image a cat?", "I can't tell from this photo."),
    ("Is she a robot?", "Yes. She is smiling."), ("Is the little girl a teddy bear?", "Yes.")])
def test_the_person_called_an_animal_or_a_thing_is_an_off_topic_question(question, answer):
    from unif2ace.data.questions import as_meant
    from unif2ace.generation.constraints import asks_other_subject, off_topic_answer, unseen_question

    meant = as_meant(question)
    assert asks_other_subject(meant) and not unseen_question(meant)
    assert off_topic_answer(meant, answer, GIRL) == "No, it is a photo of a girl."


@pytest.mark.parametrize("question", ["Is the kid a boy?", "Is she a doctor?", "Is the man a senior?", "Is he a baby?",
                                      "Is the person in the photo a woman?", "Is she happy?", "Is this person married?"])
def test_the_person_called_a_person_or_a_job_is_no_off_topic_question(question):
    from unif2ace.generation.constraints import asks_other_subject

    assert not asks_other_subject(question)


@pytest.mark.parametrize("question", ["Is there a hat in the image?", "Is there a necklace?", "Can you see a scarf?",
                                      "Does the photo show a cap?", "Is there any jewellery?"])
def test_what_no_label_states_is_not_told_by_the_off_topic_answer(question):
    """"Is there a hat in the image?" got "No. It is a photo of a woman." whatever the photo showed: a hat is
    something a face photo may show, and no label states it."""
    from unif2ace.generation.constraints import unseen_question

    assert unseen_question(question)
    assert not unseen_question("Is this a dog wearing a hat?")  # a dog: off-topic, answered No


def test_another_description_than_the_photos_is_the_photos_one():
    from unif2ace.generation.constraints import one_description, reads_as_description

    own = ("The photo is a close-up photo; it shows a 53-year-old White middle-aged woman. Her facial expression "
           "looks happy. She is smiling, with her mouth slightly open.")
    other = ("A close-up photo of a White elderly woman who is 60 years old. She has a happy expression. She is "
             "smiling, with her mouth slightly open.")  # got this to "Give me three adjectives for this face."
    assert reads_as_description(other) and one_description(other, own) == own
    assert one_description(own, own) is None
    assert one_description("She looks happy.", own) is None and one_description("I can't tell from this photo.", own) is None


@pytest.mark.parametrize("question", ["Is there a tie in the photo?", "Is he wearing a suit?", "Is he in uniform?",
                                      "Does she have a bow in her hair?", "Is she wearing a hoodie?"])
def test_clothes_no_label_states_get_cant_tell(question):
    """"Is there a tie in the photo?" got "No. It is a photo of a person." whatever the photo showed."""
    from unif2ace.generation.constraints import unseen_question

    assert unseen_question(question)
    assert not unseen_question("Is this a dog in a shirt?")  # a dog: off-topic, answered No
    # clothes that only say who is meant leave the question as asked
    assert not unseen_question("Is the man in the suit smiling?") and not unseen_question("Which age group suits her?")


@pytest.mark.parametrize("question, mouth, expected", [
    # 6 Dec 2026: "Is she showing her teeth?" got "I can't tell from this photo." of a woman described with her mouth
    # shut; no label states teeth, but a closed mouth hides them
    ("Is she showing her teeth?", "She has her mouth shut.", "No, her mouth is closed."),
    ("Can you see her teeth?", "She has her mouth closed.", "No, her mouth is closed."),
    ("Are her teeth visible?", "She has her mouth closed.", "No, her mouth is closed."),
    # an open mouth may or may not show them (6 Dec 2026: "Is she smiling with teeth?", "Can you see his teeth?" got "I
    # can't tell from this photo." of a woman described smiling with her mouth slightly open)
    ("Is she showing her teeth?", "She is smiling, with her mouth slightly open.",
     "Possibly: her mouth is slightly open, but I can't tell whether her teeth show."),
    ("Is she smiling with teeth?", "She is smiling, with her lips slightly parted.",
     "Possibly: her mouth is slightly open, but I can't tell whether her teeth show."),
    ("Are her teeth showing?", "She is laughing, with her mouth wide open.", "Probably: her mouth is wide open."),
    ("Is it a toothy grin?", "She is smiling, with her lips closed.", "No, her mouth is closed."),
    ("Is she smiling with teeth?", "She is not smiling, with her mouth slightly open.", "No, she is not smiling."),
    ("Is she smiling with teeth?", "She has a sad expression. She has her mouth slightly open.", "No, she is not smiling."),
    ("Are her teeth showing?", "She has a happy expression.", None),  # no mouth stated: "I can't tell"
    ("Does she have nice teeth?", "She has her mouth closed.", None), ("Is she smiling?", "She has her mouth closed.", None),
    ("What colour are her teeth?", "She has her mouth closed.", None),  # not a yes/no question
])
def test_the_described_mouth_says_whether_teeth_show(question, mouth, expected):
    from unif2ace.generation.constraints import teeth_answer

    caption = f"The photo is a close-up photo; it shows a White woman who is 20 years old. {mouth}"
    assert teeth_answer(question, caption) == expected
    assert teeth_answer(question, None) is None


MAN_40 = "The image shows a close-up photo of a White man who is 40 years old. He looks happy."


@pytest.mark.parametrize("question, expected", [
    # no year of the photo in the question: the photo does not say when it was taken (6 Dec 2026: "What year was she
    # born?" got "I can't tell from this photo.", and "When was he born?" "40 years old: middle-aged.")
    # (and the year it would be if the photo is recent: 7 Dec 2026, late)
    ("What year was he born?", "I can't tell when the photo was taken; he looks about 40 years old, so he was born "
                               "about 40 years before it. If the photo is recent (2026), he was born about 1986."),
    ("Year of birth?", "I can't tell when the photo was taken; he looks about 40 years old, so he was born about 40 "
                       "years before it. If the photo is recent (2026), he was born about 1986."),
    # the photo's year given: that year less the described age ("… birth year if the photo was taken in 2017?" got "He
    # is 52 years old, so he is middle-aged." of a man described as 40)
    ("What's the person's approximate birth year if the photo was taken in 2017?",
     "About 1977: he looks about 40 years old, and the photo is from 2017."),
    ("If this photo is from 2017, when was this person born?",
     "About 1977: he looks about 40 years old, and the photo is from 2017."),
    # a yes/no question naming a decade, a bound or a year
    ("Was he born in the 70s? The photo is from 2017.",
     "Yes: he was born about 1977; he looks about 40 years old, and the photo is from 2017."),
    ("Was he born in the nineties? The picture was taken in 2017.",
     "No: he was born about 1977; he looks about 40 years old, and the photo is from 2017."),
    ("Was he born before 1975? The photo is from 2017.",
     "Possibly not: he was born about 1977; he looks about 40 years old, and the photo is from 2017."),
    ("Was he born in 1977? This photo was taken in 2017.",
     "Yes, possibly: he was born about 1977; he looks about 40 years old, and the photo is from 2017."),
    # a decade of birth (7 Dec 2026: "What is the person's approximate birth decade?" got "He is 53 years old, so he
    # is middle-aged.")
    ("What is the person's approximate birth decade?", "I can't tell when the photo was taken; he looks about 40 years "
                                                       "old, so he was born about 40 years before it. If the photo is "
                                                       "recent (2026), he was born about 1986."),
    # the year of birth given, the photo's asked (7 Dec 2026: "If this person was born in 1990, when was the photo
    # taken?" got "I can't tell when the photo was taken; …")
    ("If this person was born in 1990, when was the photo taken?", "About 2030, if he was born in 1990: he looks about "
                                                                   "40 years old."),
    ("He was born in 1975. What year is this picture from?", "About 2015, if he was born in 1975: he looks about 40 "
                                                             "years old."),
    # this year given: the photo's year if it is recent (7 Dec 2026: "What's their approximate birth year if it's 2024
    # now?" said the photo's year was unknown)
    ("What's their approximate birth year if it's 2024 now?", "About 1984: he looks about 40 years old, if the photo "
                                                              "was taken in 2024."),
    ("Assuming the current year is 2025, when was he born?", "About 1985: he looks about 40 years old, if the photo "
                                                             "was taken in 2025."),
    ("Was he born in the 80s? It is 2024 now.", "Yes: he was born about 1984; he looks about 40 years old, if the "
                                                "photo was taken in 2024."),
    # no question about a birth
    ("How old is he?", None), ("Is he a newborn?", None),
])
def test_birth_year_answer_reads_the_described_age_and_a_year_the_question_gives(question, expected):
    from unif2ace.generation.constraints import birth_year_answer

    assert birth_year_answer(question, MAN_40, today=datetime.date(2026, 12, 7)) == expected
    assert birth_year_answer(question, "A close-up photo of a man.") is None  # no age described


def test_birth_year_of_a_baby_says_less_than_a_year():
    from unif2ace.generation.constraints import birth_year_answer

    baby = "A close-up photo of a White baby girl who is 0 years old."
    assert birth_year_answer("When was she born? The photo is from 2017.", baby) == \
        "In 2017 or 2016: she looks less than a year old, and the photo is from 2017."


def test_ask_answers_a_birth_year_from_the_photos_own_description(pipe, monkeypatch):
    import unif2ace.generation.constraints as constraints

    images = _images(1, 29)
    seen = []
    monkeypatch.setattr(constraints, "birth_year_answer",
                        lambda q, c, taken=None: seen.append((q, c)) or ("[born]" if c is not None and "born" in q else None))
    pipe._own.clear()
    questions = ["Was he born before 1990?", "When was she born?"]
    assert pipe.ask(images * 2, questions, align=False, max_new_tokens=6) == ["[born]", "[born]"]
    caption = pipe.caption(images, align=False)[0]
    assert [c for q, c in seen if q in questions] == [caption, caption]


@pytest.mark.parametrize("question", [
    # the face's shape, which no label states (6 Dec 2026: the first got the whole description, the second "Straight
    # toward the camera.")
    "Would you describe the face as round or long?", "Is the face oval or square?", "What shape is her face?",
    "Does he have a round face?", "What is the shape of his face?",
    # and a feature's (8 Dec 2026: "What is the shape of the eyes?" got "His eyes are open.")
    "What is the shape of the eyes?", "What is her eye shape?", "Describe the shape of his nose.",
])
def test_the_faces_shape_is_unseen(question):
    assert unseen_question(question)
    assert not unseen_question("Are the eyes open?")


@pytest.mark.parametrize("question", ["Is her face turned to the left?", "Is the face happy?", "Describe the face.",
                                      "Is the face in focus?"])
def test_other_questions_about_the_face_are_seen(question):
    assert not unseen_question(question)


BOY_9 = ("The image shows a close-up portrait of a Black little boy who is 9 years old. He has a happy expression. He "
         "faces the camera. He is clearly smiling, with his lips slightly parted. His eyes are open. It is a color, "
         "well-focused image with even lighting.")


@pytest.mark.parametrize("question, expected", [
    # (6 Dec 2026: "Describe the person's expression in detail." got "Happy.")
    ("Describe the person's expression in detail.",
     "He has a happy expression. He is clearly smiling, with his lips slightly parted. His eyes are open."),
    ("Tell me more about his expression.",
     "He has a happy expression. He is clearly smiling, with his lips slightly parted. His eyes are open."),
    ("What is his expression?", None),  # no detail asked
    ("Describe his expression in one word.", None),  # one word asked
    ("Describe his age in detail.", None),  # not the expression
])
def test_detailed_expression_gives_the_descriptions_sentences_about_the_face(question, expected):
    from unif2ace.generation.brief import detailed_expression

    assert detailed_expression(question, "Happy.", BOY_9) == expected
    assert detailed_expression(question, "Happy.", "A close-up photo of a man.") is None  # the description says none


def test_ask_gives_the_expression_in_detail_from_the_photos_own_description(pipe, monkeypatch):
    import unif2ace.generation.brief as brief

    images = _images(1, 31)
    caption = pipe.caption(images, align=False)[0]
    seen = []
    question = "Describe her expression in detail."
    monkeypatch.setattr(brief, "detailed_expression",
                        lambda q, a, c: seen.append((q, c)) or ("[detail]" if q == question else None))
    pipe._own.clear()
    assert pipe.ask(images, [question], align=False, max_new_tokens=6) == ["[detail]"]
    assert seen == [(question, caption)]


@pytest.mark.parametrize("question, expected", [
    # an age in a year, from the photo's year when the question gives it (6 Dec 2026: the first got "No. It is in
    # color.": the photo named in the question read as the thing whose age was asked)
    ("How old will he be in 2030 if this photo is from 2017?",
     "He looks about 40 years old in the photo from 2017, so in 2030 he would be about 53."),
    ("How old was he in 2000? The picture is from 2017.",
     "He looks about 40 years old in the photo from 2017, so in 2000 he was about 23."),
    ("How old was he in 1960? The photo was taken in 2017.",
     "He looks about 40 years old in the photo from 2017, so in 1960 he was not born yet."),
    ("How old will he be in 2030?",
     "I can't tell when the photo was taken, so not his age in 2030; he looks about 40 years old in it."),
])
def test_an_age_asked_in_a_year_moves_the_described_age_by_the_photos_year(question, expected):
    assert asked_attribute(question) == "age_group"
    assert grounded_answer(question, "No. It is in color.", MAN_40) == expected


@pytest.mark.parametrize("question", ["If this photo was taken in 2010, how old is he today?",
                                      "This picture is from 2010. How old is he now?"])
def test_an_age_asked_today_moves_the_described_age_from_the_photos_year_to_this_one(question):
    # 7 Dec 2026 (late): the first got "56 years old: a senior.", the age in the photo
    year = datetime.date.today().year
    assert grounded_answer(question, "No. It is in color.", MAN_40) == \
        f"He looks about 40 years old in the photo from 2010, so now, in {year}, he would be about {40 + year - 2010}."
    assert grounded_answer("How old is he in this 2010 photo?", "40 years old.", MAN_40) is None  # no year but the photo's


def test_a_photos_date_given_as_a_premise_leaves_the_question_about_the_person():
    assert asked_attribute("If the photo was taken in 2017, how old is he?") == "age_group"
    assert asked_attribute("How old is the photo?") is None


@pytest.mark.parametrize("question", ["Is this person Hispanic?", "Is she Latina?", "Is he Arab?", "Is she mixed race?"])
def test_ethnicities_no_label_names_are_unseen(question):
    # (6 Dec 2026: "Is this person Hispanic?" got "No. He is a senior, not a senior.")
    assert unseen_question(question)
    assert not unseen_question("Is she White?") and not unseen_question("Is he Asian?")


@pytest.mark.parametrize("question, omitted", [
    ("Describe him without mentioning his age.", {"age_group"}), ("Describe her, but leave out her ethnicity.", {"ethnicity"}),
    ("Describe this person in one sentence, no age.", {"age_group"}),
    ("Describe the person but not their expression.", {"emotion"}), ("Describe him.", set()),
    # several, and the gender (7 Dec 2026, late: the first got "This is a woman.")
    ("Describe the person without mentioning age or gender.", {"age_group", "gender"}),
    ("Describe him, no age, ethnicity or mood.", {"age_group", "ethnicity", "emotion"}),
    ("Describe her but leave out the gender.", {"gender"}),
])
def test_a_description_request_may_leave_out_the_age_ethnicity_or_expression(question, omitted):
    from unif2ace.data.questions import asked_attributes, asks_description, left_out

    # (6 Dec 2026: "Describe him without mentioning his age." got "He is 29 years old, so he is a young adult.")
    assert asks_description(question) and not asked_attributes(question)
    assert left_out(question) == omitted


@pytest.mark.parametrize("omit, expected", [
    ({"age_group"}, "The photo is a close-up photo; it shows an Asian girl. She has a happy expression. She is clearly "
                    "smiling. Her eyes are open."),
    ({"ethnicity"}, "The photo is a close-up photo; it shows a 1-year-old young girl. She has a happy expression. She "
                    "is clearly smiling. Her eyes are open."),
    ({"emotion"}, "The photo is a close-up photo; it shows a 1-year-old Asian young girl. Her eyes are open."),
    ({"age_group", "ethnicity"}, "The photo is a close-up photo; it shows a girl. She has a happy expression. She is "
                                 "clearly smiling. Her eyes are open."),
    ({"gender"}, "The photo is a close-up photo; it shows a 1-year-old Asian young child. They have a happy expression. "
                 "They are clearly smiling. Their eyes are open."),
    (set(), "The photo is a close-up photo; it shows a 1-year-old Asian young girl. She has a happy expression. She is "
            "clearly smiling. Her eyes are open."),
])
def test_description_without_drops_what_states_the_left_out_attributes(omit, expected):
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute
    from unif2ace.generation.brief import description_without

    caption = ("The photo is a close-up photo; it shows a 1-year-old Asian young girl. She has a happy expression. She "
               "is clearly smiling. Her eyes are open.")
    got = description_without(caption, omit)
    assert got == expected
    if "age_group" in omit:
        assert parse_age_years(got) is None
    if "ethnicity" in omit:
        assert parse_attribute(got, "ethnicity") is None
    if "gender" in omit:
        assert parse_attribute(got, "gender") is None and not re.search(r"\b(?:he|she|his|her|him)\b", got, re.I)


def test_without_gender_puts_the_verb_after_they_in_the_plural():
    from unif2ace.generation.brief import without_gender

    assert without_gender("He looks happy. He has his mouth closed. She faces the camera. She is smiling at him.") == \
        "They look happy. They have their mouth closed. They face the camera. They are smiling at them."
    assert without_gender("A 41-year-old White woman, smiling.") == "A 41-year-old White person, smiling."


def test_description_without_the_age_drops_a_sentence_stating_it():
    from unif2ace.generation.brief import description_without

    assert description_without("A close-up photo of an elderly White man. He is 85 years old. He is smiling.",
                               {"age_group"}) == "A close-up photo of a White man. He is smiling."


def test_describe_asks_the_description_and_leaves_out_what_the_request_says(pipe):
    images = _images(1, 37)
    from unif2ace.generation.brief import description_without

    whole = pipe.caption(images, align=False)[0]
    got = pipe.ask(images, ["Describe this person without mentioning their age."], align=False, max_new_tokens=160)[0]
    assert got == description_without(whole, {"age_group"})


@pytest.mark.parametrize("question, length", [
    # more than six words (6 Dec 2026: "Describe the person in exactly ten words." got the whole description)
    ("Describe the person in exactly ten words.", ("words", 10)), ("Describe him in 10 words.", ("words", 10)),
    ("Describe her in 12 words.", ("words", 12)), ("Give me three words to describe her.", ("words", 3)),
    ("Describe her in two sentences.", ("sentences", 2)),
])
def test_a_description_may_be_asked_in_up_to_twenty_words(question, length):
    from unif2ace.data.questions import asks_description, description_length

    assert asks_description(question) and description_length(question) == length


@pytest.mark.parametrize("question", [
    # (6 Dec 2026, session 43: "Describe the background." got "He looks neutral." of a boy described as happy; "Is
    # there any text in the image?" "No. It is a photo of a girl." of him)
    "Describe the background.", "Is there any text in the image?", "Is there text on this photo?",
    "Are there words written on the picture?", "Is there a watermark?", "Was the photo taken at night?",
    "Was this taken during the day?",
])
def test_the_background_and_writing_in_the_photo_are_unseen(question):
    assert unseen_question(question)


@pytest.mark.parametrize("question", ["Describe her.", "Describe the photo in a few words.", "Describe the lighting.",
                                      "Explain her expression.", "Estimate her age.", "Rate her smile."])
def test_a_request_about_what_labels_state_is_not_unseen(question):
    assert not unseen_question(question)


@pytest.mark.parametrize("answer, caption, want", [
    ("No. It is a photo of a girl.", TEEN_16, "No. It is a photo of a boy."),
    ("No, it is a photo of a person.", MAN_57, None),  # never wrong (and the training data's own answer)
    ("Yes. This is a photo of a man.", GIRL_8, "Yes. This is a photo of a girl."),
    ("No, it is a photo of a boy.", TEEN_16, None),  # the described person already
    ("No. She is smiling.", TEEN_16, None),  # not of that form (pronouns are described_pronouns' business)
    ("No. It is a photo of a girl.", "A close-up photo of a smiling face.", None),  # no gender described
])
def test_a_photo_of_answer_names_the_described_person(answer, caption, want):
    from unif2ace.generation.constraints import photo_of_described, says_photo_of

    assert photo_of_described(answer, caption) == want
    assert says_photo_of(answer) == (answer.split(maxsplit=1)[1].lower().startswith(("it", "this")))


@pytest.mark.parametrize("question, description", [
    # (6 Dec 2026, session 43: "Would you describe this person as elderly?" got the whole description)
    ("Would you describe this person as elderly?", False), ("Would you describe this man as middle-aged?", False),
    ("Would you describe him?", True), ("Could you describe her as a person?", True), ("Can you describe her?", True),
])
def test_describe_as_a_value_asks_yes_or_no_not_a_description(question, description):
    from unif2ace.data.questions import asks_description

    assert asks_description(question) == description
    if not description:
        assert "age_group" in yes_no_grounded(question)


def test_a_school_grade_asks_the_age_and_what_a_child_can_do_is_unseen():
    # (6 Dec 2026, session 43: "What grade might this child be in?" got "Yes. He is a child."; "Can this kid walk
    # yet?" "Yes, she is a child." of a girl described as 1)
    assert asked_attribute("What grade might this child be in?") == "age_group"
    assert asked_attribute("Which grade is she in at school?") == "age_group"
    assert asked_attribute("What grade would you give this photo?") is None
    assert grounded_answer("What grade might this child be in?", "Yes. He is a child.", TEEN_16) == \
        "16 years old: a teenager."
    for question in ("Can this kid walk yet?", "Can she talk?", "Can he drive?"):
        assert unseen_question(question)
    assert not unseen_question("Can she smile?")


@pytest.mark.parametrize("question", ["Can you walk me through it?", "Walk me through this photo.", "Talk me through it."])
def test_walk_me_through_asks_the_description(question):
    # (6 Dec 2026, session 43: "Can you walk me through it?" got "I can't tell from this photo.")
    from unif2ace.data.questions import asks_description

    assert asks_description(question) and not unseen_question(question)


def test_a_teeth_question_is_answered_from_the_description_through_the_pipeline(pipe, monkeypatch):
    """6 Dec 2026: "Can you see his teeth?" of a girl described with her mouth shut got "I can't tell from this photo.":
    no description was read for a question that asks no attribute."""
    shut = "The image shows a close-up photo of a White young girl who is 8 years old. She is not smiling, with her mouth shut."
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: shut for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " I can't tell from this photo. ")
    assert pipe.ask(_images(1, 5), "Can you see his teeth?", align=False, max_new_tokens=3) == ["No, her mouth is closed."]


SCHOOLGIRL_8 = "The image shows a close-up photo of a White young girl who is 8 years old. She has a neutral expression."


@pytest.mark.parametrize("question", ["What grade might this child be in?", "What year of school is he in?",
                                      "What year is she in at school?", "What class is she in at school?",
                                      "which grade is this kid in at school", "Which school grade?",
                                      "What grade level would she be?"])
def test_a_school_year_is_asked_as_the_age(question):
    """6 Dec 2026: "What year of school is he in?" got "I can't tell from this photo." (read as the photo's year), and
    "What grade might this child be in?" the terse "8 years old: a child.": the grade of the described age."""
    from unif2ace.data.questions import asked_attributes
    from unif2ace.generation.constraints import school_year_answer, unseen_question

    assert asked_attributes(question) == ["age_group"] and not unseen_question(question)
    assert school_year_answer(question, SCHOOLGIRL_8) == (
        "She looks about 8 years old, the usual age for third grade in the US (Year 4 in the UK); a photo does not show "
        "which class she is in.")
    assert school_year_answer(question, None) is None


@pytest.mark.parametrize("age, expected", [
    (2, "He looks about 2 years old: too young for school."),
    (4, "He looks about 4 years old, the usual age for pre-kindergarten in the US (Reception in the UK)."),
    (5, "He looks about 5 years old, the usual age for kindergarten in the US (Year 1 in the UK); a photo does not show "
        "which class he is in."),
    (6, "He looks about 6 years old, the usual age for first grade in the US (Year 2 in the UK); a photo does not show "
        "which class he is in."),
    (17, "He looks about 17 years old, the usual age for twelfth grade in the US (Year 13 in the UK); a photo does not "
         "show which class he is in."),
    (36, "He looks about 36 years old, past school age."),
])
def test_the_school_year_of_each_age(age, expected):
    from unif2ace.generation.constraints import school_year_answer

    caption = f"The image shows a close-up photo of a White boy who is {age} years old."
    assert school_year_answer("What grade is he in at school?", caption) == expected


@pytest.mark.parametrize("question", ["What year was this photo taken?", "Which year is it?", "What grade would you give "
                                      "this photo?", "What year did she finish school?"])
def test_a_year_that_is_not_of_school_is_not_a_school_year(question):
    from unif2ace.generation.constraints import school_year_answer

    assert school_year_answer(question, SCHOOLGIRL_8) is None


@pytest.mark.parametrize("question", ["What is the person's ethnic background?", "What ethnic background is she?",
                                      "What's her heritage?", "What is his racial background?"])
def test_an_ethnic_background_is_the_ethnicity_not_the_photo_s_background(question):
    """6 Dec 2026: "What is the person's ethnic background?" got "I can't tell from this photo." of a woman described
    as South Asian (the photo's background is unseen)."""
    from unif2ace.data.questions import asked_attributes
    from unif2ace.generation.constraints import grounded_answer, unseen_question

    assert not unseen_question(question) and asked_attributes(question) == ["ethnicity"]
    caption = "The image shows a close-up photo of a South Asian young woman who is 26 years old."
    assert grounded_answer(question, "I can't tell from this photo.", caption) == "South Asian."
    assert unseen_question("Describe the background.") and unseen_question("What color is the background?")


@pytest.mark.parametrize("question", ["Is this person angry or just neutral?", "Is she angry, or is she neutral?",
                                      "Is she sad or does she look neutral?", "Is she angry or simply neutral?"])
def test_an_either_or_expression_question_with_more_words_gets_neither(question):
    """6 Dec 2026: "Is this person angry or just neutral?" got "Happy." (naming neither option)."""
    from unif2ace.generation.constraints import neither_option

    assert neither_option(question, "Happy.") == "Neither: happy."
    assert neither_option(question, "She looks neutral.") is None  # an option the answer names
    assert neither_option("Is she happy or just neutral?", "Happy.") is None


@pytest.mark.parametrize("message, previous, most_often", [
    # 6 Dec 2026: "Are you certain?" after "Is this a man or a woman?" got "…, most often about the age by a few years."
    ("Are you certain?", "Is this a man or a woman?", "most often about a young child's gender"),
    ("Are you sure?", "Is this a boy?", "most often about a young child's gender"),
    ("How sure are you about the gender?", None, "most often about a young child's gender"),
    ("Is that a guess?", "Is she smiling?", "most often about an expression between two (neutral or a faint smile)"),
    ("Are you sure about her mood?", "Describe her.", "most often about an expression between two (neutral or a faint "
                                                      "smile)"),
    ("Are you sure?", "How old is she?", "most often about the age by a few years"),
    ("Are you sure?", "Is he over 40?", "most often about the age by a few years"),
    ("Are you sure?", None, "most often about the age by a few years"),
    ("you sure?", "How old?", "most often about the age by a few years"),  # "u sure?" got "I can't tell from this photo."
    ("Ok and how sure?", "How old?", "most often about the age by a few years"),  # got "I can't tell from this photo."
    ("Are you 100% sure?", "What's the gender?", "most often about a young child's gender"),  # 8 Dec 2026: "I can't tell"
    ("Are you absolutely certain?", "How old?", "most often about the age by a few years"),
    # 8 Dec 2026: "Really? That old?" got "I can't tell from this photo."
    ("Really? That old?", "How old?", "most often about the age by a few years"),
    ("That young?", "How old is she?", "most often about the age by a few years"),
])
def test_a_doubt_says_what_the_doubted_answer_is_most_often_wrong_about(message, previous, most_often):
    from unif2ace.generation.constraints import small_talk

    reply = small_talk(message, previous)
    assert reply is not None and reply.endswith(most_often + ".")
    if most_often.endswith("a few years"):  # a young child's age: by a year or two
        assert small_talk(message, previous, "She is 2 years old.").endswith("by a year or two.")
    assert small_talk("Thanks!", previous) == "You're welcome! Anything else you'd like to know about this photo?"


@pytest.mark.parametrize("previous_answer, grown", [
    ("Yes. This is a man.", True), ("It is a woman.", True), ("No. This is a man, not a woman.", True),
    ("He looks about 53 years old.", True),
    ("No, this is a girl, not a woman.", False), ("A boy.", False), ("Yes, she is a teenager.", False),
    ("He looks about 9 years old.", False), ("Yes.", False), (None, False),
])
def test_a_doubt_of_a_grown_ups_gender_does_not_speak_of_a_child(previous_answer, grown):
    # 7 Dec 2026: "Are you sure?" after "Yes. This is a man." got "…, most often about a young child's gender"
    from unif2ace.generation.constraints import small_talk

    reply = small_talk("Are you sure?", "Is this a man?", previous_answer)
    assert ("child's gender" not in reply) == grown
    assert ("rarely about a grown-up's gender" in reply) == grown


WOMAN_28 = "The image shows a close-up photo of a White young woman, aged 28. She has a happy expression."


@pytest.mark.parametrize("question, expected", [
    # 6 Dec 2026: "What generation is this person from?" got "28 years old: a young adult."; a generation goes by the
    # year of birth, which needs the photo's year
    ("What generation is this person from?", "I can't tell when the photo was taken, and a generation goes by the year "
     "of birth; she looks about 28 years old, so she was born about that many years before it. If the photo is recent "
     "(2026), she was born about 1998, probably Generation Z (born 1997–2012)."),
    ("Is this person a millennial?", "I can't tell when the photo was taken, and a generation goes by the year of birth; "
     "she looks about 28 years old, so she was born about that many years before it. If the photo is recent (2026), "
     "she was born about 1998, probably Generation Z (born 1997–2012)."),
    ("Which generation is she, if this photo is from 2017?", "Probably a Millennial (born 1981–1996): she was born about "
     "1989; she looks about 28 years old, and the photo is from 2017."),
    ("Is she Gen Z? The photo is from 2017.", "No: she was born about 1989; she looks about 28 years old, and the photo "
     "is from 2017."),
    ("Is she a millennial? The photo was taken in 2017.", "Yes: she was born about 1989; she looks about 28 years old, "
     "and the photo is from 2017."),
    # within 3 years of a bound: a maybe
    ("Is she a millennial? The photo was taken in 2012.", "Yes: she was born about 1984; she looks about 28 years old, "
     "and the photo is from 2012."),
    ("Is she a millennial? The photo was taken in 2011.", "Yes, possibly: she was born about 1983; she looks about 28 "
     "years old, and the photo is from 2011."),
    ("Is she Gen Z? The photo was taken in 2023.", "Possibly not: she was born about 1995; she looks about 28 years old, "
     "and the photo is from 2023."),
    ("Is she a boomer? This picture was taken in 1990.", "Yes, possibly: she was born about 1962; she looks about 28 "
     "years old, and the photo is from 1990."),
])
def test_a_generation_goes_by_the_described_age_and_the_photo_s_year(question, expected):
    from unif2ace.generation.constraints import birth_year_answer

    assert birth_year_answer(question, WOMAN_28, today=datetime.date(2026, 12, 7)) == expected
    assert birth_year_answer(question, None) is None


def test_an_age_answer_that_speaks_of_the_photo_is_restated():
    """6 Dec 2026: "Guess their age within 5 years." got "1-focused photo of a child." of a girl described as 1 (its
    group is right, so it had stood, and no range could be read from it)."""
    from unif2ace.generation.constraints import age_range_answer, grounded_answer

    caption = "The photo is a close-up photo; it shows a 1-year-old Asian girl. She has a neutral expression."
    question = "Guess their age within 5 years."
    said = grounded_answer(question, "1-focused photo of a child.", caption)
    assert said == "1 year old: a child."
    assert age_range_answer(question, said) == "Roughly 0 to 6 years old (my best guess: 1)."
    assert grounded_answer("How old is she?", "1 year old: a child.", caption) is None  # a plain answer stands


@pytest.mark.parametrize("question, expected", [
    # 6 Dec 2026: "Happy, sad or neutral?" got "Neither: she looks happy." of a woman described as happy (only the
    # last two options were read)
    ("Happy, sad or neutral?", None), ("Is she happy, sad, or neutral?", None),
    ("Sad, angry or neutral?", "Neither: she looks happy."), ("Is she angry or sad?", "Neither: she looks happy."),
])
def test_every_listed_option_is_read(question, expected):
    from unif2ace.generation.constraints import neither_option

    assert neither_option(question, "She looks happy.") == expected


@pytest.mark.parametrize("question, asked", [
    # 6 Dec 2026: "Is it bright or dark?" got "Straight toward the camera." and "Closed."
    ("Is it bright or dark?", ["lighting"]), ("Is the photo bright or dark?", ["lighting"]), ("Light or dark?", ["lighting"]),
    ("How is the brightness?", ["lighting"]),
    ("Is her skin light or dark?", []), ("Is her hair light or dark?", []),  # not the photo's light
])
def test_how_bright_the_photo_is_asks_the_lighting(question, asked):
    from unif2ace.data.questions import asked_attributes

    assert asked_attributes(question) == asked


def test_a_life_stage_asks_the_age():
    from unif2ace.data.questions import asked_attributes

    # 6 Dec 2026: "What life stage is this person in?" got "I can't tell from this photo."
    assert asked_attributes("What life stage is this person in?") == ["age_group"]


@pytest.mark.parametrize("questions, expected", [
    # 6 Dec 2026: after "Describe this person in two sentences.", "Now make it shorter." got "No. She is not smiling."
    # and "Now in one word." "She is 18 years old, so she is a teenager."
    (["Describe this person in two sentences.", "Now make it shorter."], "Describe this person in one sentence."),
    (["Describe this person in two sentences.", "Now make it shorter.", "Now in one word."],
     "Describe this person in one word."),
    (["Describe her.", "Shorter, please!"], "Describe this person in one sentence."),
    (["Describe her.", "Shorter.", "Even shorter."], "Describe this person in five words."),
    (["Describe her.", "Shorter.", "Even shorter.", "Shorter still"], "Describe this person in two words."),
    (["Describe her.", "Too long!"], "Describe this person in one sentence."),
    (["Describe her.", "Give me a shorter version."], "Describe this person in one sentence."),
    (["Tell me about this person.", "Can you say that in 5 words?"], "Describe this person in five words."),
    (["Describe her.", "Okay, now in two sentences."], "Describe this person in two sentences."),
    (["What do you see?", "More detail, please."], "Describe this person."),
    (["Describe her in three words.", "Can you elaborate?"], "Describe this person."),
    # not after a description
    (["How old is she?", "Now in one word."], None), (["Describe her.", "Is she smiling?", "Shorter."], None),
    (["Shorter."], None), (["Describe her."], None),
])
def test_a_description_asked_again_at_another_length(questions, expected):
    from unif2ace.data.questions import description_follow_up

    assert description_follow_up(questions) == expected


def test_a_chat_gets_the_description_again_at_the_length_asked(pipe, monkeypatch):
    described = ("The image shows a close-up photo of a White senior man who is 57 years old. He has a happy "
                 "expression. He is smiling, with his mouth slightly open.")
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " " + described + " ")
    pipe._own.clear()
    image = _images(1, 3)[0]
    turns = [{"role": "user", "content": "Describe him in two sentences."},
             {"role": "assistant", "content": "The image shows … He has a happy expression."},
             {"role": "user", "content": "Now make it shorter."}]
    assert pipe.chat(image, turns, align=False, max_new_tokens=4) == "A 57-year-old White man, smiling."
    turns += [{"role": "assistant", "content": "A 57-year-old White man, smiling."},
              {"role": "user", "content": "Now in one word."}]
    assert pipe.chat(image, turns, align=False, max_new_tokens=4) == "Smiling."


@pytest.mark.parametrize("message, asked", [
    ("This is my son. Does he look happy?", "Does he look happy?"),
    ("I'm trying to figure out how old my grandma looks here. What do you think?",
     "I'm trying to figure out how old my grandma looks here."),
    ("I want to know her age. Any thoughts?", "I want to know her age."),
    ("Is she smiling? Is she happy?", "Is she smiling? Is she happy?"),  # two questions: the message
    ("How old is she?", "How old is she?"),
])
def test_the_asked_sentence_of_a_message(message, asked):
    """6 Dec 2026: "This is my son. Does he look happy?" got "I can't tell from this photo." (a son is no label), and
    "I'm trying to figure out how old my grandma looks here. What do you think?" the same (nothing asked in the last
    sentence)."""
    from unif2ace.data.questions import asked_attributes, asked_sentence
    from unif2ace.generation.constraints import unseen_question

    assert asked_sentence(message) == asked
    assert not unseen_question(message)
    assert unseen_question("This is my son. Is he married?")  # the question asked is still unseen
    assert asked_attributes("I'm trying to figure out how old my grandma looks here. What do you think?") == ["age_group"]


@pytest.mark.parametrize("message, meant", [
    # 6 Dec 2026: each got "I can't tell from this photo."
    ("My friend says she looks 40. Is she right?", "she looks 40, right?"),
    ("She is about 30. Is that correct?", "She is about 30, right?"),
    ("My mom thinks he is a teenager. Is she right?", "he is a teenager, right?"),
    ("People say she looks young. Are they right?", "she looks young, right?"),
    ("I think this is a man. Am I right?", "this is a man, right?"),
    ("This is my son. Does he look happy?", "This is my son. Does he look happy?"),  # no claim checked
])
def test_a_claim_then_whether_it_is_right_is_a_yes_no_question_about_the_claim(message, meant):
    from unif2ace.data.questions import as_meant, is_yes_no
    from unif2ace.generation.constraints import grounded_yes_no

    assert as_meant(message) == meant and is_yes_no(meant)
    woman = "The photo is a close-up photo; it shows a White older woman who is 60 years old. She looks happy."
    assert grounded_yes_no(as_meant("My friend says she looks 40. Is she right?"), "Yes.", woman) == \
        "No. She looks about 60 years old."


@pytest.mark.parametrize("message, meant, answer", [
    # 7 Dec 2026: "My guess is 40. Am I close?" got "I can't tell from this photo." (a woman described as 36)
    ("My guess is 40. Am I close?", "Is the person between 35 and 45 years old?", "Yes, she looks about 36 years old."),
    ("I'd say 50, close?", "Is the person between 45 and 55 years old?", "No, she looks about 36 years old."),
    ("I think she's 3. In the ballpark?", "Is the person between 0 and 8 years old?", "No, she looks about 36 years old."),
    ("My guess is 36. Right?", "The person is about 36, right?", "Yes, she looks about 36 years old."),
])
def test_an_age_guessed_then_whether_it_is_close_is_a_range_around_it(message, meant, answer):
    from unif2ace.data.questions import as_meant, is_yes_no
    from unif2ace.generation.constraints import grounded_yes_no

    assert as_meant(message) == meant and is_yes_no(meant)
    woman = "The image shows a close-up portrait of a White middle-aged woman, aged 36. She is smiling."
    assert _same_answer(grounded_yes_no(meant, "No." if answer.startswith("Yes") else "Yes.", woman), answer)


@pytest.mark.parametrize("question, expected", [
    # 6 Dec 2026: "Is she older than 25 or younger?" got "Yes, she looks about 60 years old."
    ("Is she older than 25 or younger?", "Older: she looks about 60 years old."),
    ("Is she younger than 25 or older?", "Older: she looks about 60 years old."),
    ("Over 40 or under?", "Over 40: she looks about 60 years old."),
    ("Is she older or younger than 25?", "Older: she looks about 60 years old."),
    ("Is she 30 or older?", None), ("Is she older than 25?", None),  # a bound, no choice
])
def test_either_side_of_an_age_with_the_age_first(question, expected):
    from unif2ace.generation.constraints import age_choice

    woman = "The photo is a close-up photo; it shows a White older woman who is 60 years old."
    assert age_choice(question, woman) == expected


@pytest.mark.parametrize("question, caption, expected", [
    # 7 Dec 2026 (late): "Boy or man?" got "1 year old: a child.", "Girl or woman?" "41 years old: middle-aged."
    ("Boy or man?", "A close-up photo of an Asian boy who is 1 year old.", "A boy: he looks about 1 year old."),
    ("Girl or woman?", "A close-up photo of a White woman who is 41 years old.", "A woman: she looks about 41 years old."),
    ("Is he a boy or a man?", "A photo of a White boy who is 16 years old.", "A boy: he looks about 16 years old."),
    ("Girl or woman?", "A close-up photo of an Asian boy who is 1 year old.", "Neither: this is a boy; he looks about 1 year old."),
    ("Man or woman?", "A close-up photo of a White woman who is 41 years old.", None),  # a choice of gender
    # "What's the age difference between this person and a 10-year-old?" got "He is 1 year old, so he is a child."
    ("What's the age difference between this person and a 10-year-old?", "A close-up photo of an Asian boy who is 1 year "
     "old.", "About 9 years younger: he looks about 1 year old."),
])
def test_a_young_or_grown_noun_and_an_age_gap_are_age_choices(question, caption, expected):
    from unif2ace.generation.constraints import age_choice

    assert age_choice(question, caption) == expected


def test_interest_stated_and_a_tell_me_lead_ask_the_question_and_unseen_states_are_unseen():
    from unif2ace.data.questions import as_meant, asked_attribute, is_yes_no
    from unif2ace.generation.constraints import unseen_question

    # 7 Dec 2026 (late): "I'm curious about the gender." got "Yes, this is a child.", "Tell me, is she happy?" "I can't
    # tell from this photo.", "Would you say the person looks tired or energetic?" "A girl."
    assert as_meant("I'm curious about the gender.") == "What is the gender?"
    assert asked_attribute(as_meant("Just wondering about her age.")) == "age_group"
    assert is_yes_no(as_meant("Tell me, is she happy?"))
    # "Are they young-looking?" got "I can't tell from this photo.", "Asian or not?" "She is smiling."
    assert as_meant("Are they young-looking?") == "Are they young?" and as_meant("Asian or not?") == "Is this person Asian?"
    # "Are the eyes of the subject open?" got "Yes. He is not smiling."
    assert as_meant("Are the eyes of the subject open?") == "Are the subject's eyes open?"
    # "What's the demographic of this person?" got "I can't tell from this photo."
    assert as_meant("What's the demographic of this person?") == "What are the gender, age and ethnicity of this person?"
    assert unseen_question("Would you say the person looks tired or energetic?")
    assert not unseen_question("Does she look tired or happy?") and not unseen_question("Is he smiling or not?")


@pytest.mark.parametrize("question, expected", [
    # 7 Dec 2026 (late): got "I can't tell from this photo.", where "Is this a drawing?" got "No. It is a photo of a person."
    ("Is this a painting or a photo?", "A photo: it shows a girl."), ("Photo or drawing?", "A photo: it shows a girl."),
    ("Is this a real photo or AI-generated?", None),  # how a photo was made, which nothing here can tell
    ("Is this a drawing?", None), ("Is she a girl or a woman?", None),
])
def test_a_photo_or_an_artwork_is_a_photo(question, expected):
    from unif2ace.generation.constraints import medium_answer

    assert medium_answer(question, "A close-up photo of a White girl, aged 3.") == expected


def test_an_answer_said_back_in_the_negative_is_a_dispute_of_what_was_asked():
    from unif2ace.generation.constraints import remark_attribute, remark_reply, small_talk

    # 7 Dec 2026 (late): "No he isn't." after "Is he smiling?" → "Yes." got "Yes, he is not smiling."
    assert remark_attribute("No he isn't.", "Is he smiling?") == "emotion"
    assert remark_attribute("Nope, she's not.", "Is this a woman?") == "gender"
    assert remark_attribute("Yes she is.", "Is she over 50?") == "age_group"
    assert remark_attribute("No he isn't.") is None and remark_attribute("No he isn't.", "Is the photo sharp?") is None
    man = "The photo is a close-up photo; it shows a White older man who is 65 years old. He has a happy expression."
    assert remark_reply("No he isn't.", man, "Is he smiling?") == "I may be wrong, but from this photo he looks happy."
    # the smile disputed, where the description states it: the smile
    assert remark_reply("No he isn't.", man + " He is smiling.", "Is he smiling?") == \
        "I may be wrong, but from this photo he is smiling."
    # "Could it be the other?" and "What are the odds?" after "Man or woman?" (each got "I can't tell from this photo.")
    assert small_talk("Could it be the other?", "Man or woman?", "This is a man.").startswith("It is my best reading")
    assert small_talk("What are the odds?", "Man or woman?", "This is a man.").startswith("I can't put a number on it")
    assert small_talk("What would make you change your mind?").startswith("A sharper, well-lit photo")


def test_a_no_denies_the_noun_the_question_asked():
    from unif2ace.generation.constraints import denied_as_asked

    # 7 Dec 2026 (late): "Does this person look like a grandmother?" of a boy got "No. This is a boy, not a girl."
    assert denied_as_asked("Does this person look like a grandmother?", "No. This is a boy, not a girl.") == \
        "No. This is a boy, not a grandmother."
    assert denied_as_asked("Is he a grandpa?", "No, this is a woman, not a man.") == "No, this is a woman, not a grandpa."
    assert denied_as_asked("Is this a woman?", "No, this is a girl, not a woman.") is None
    assert denied_as_asked("Is this a boy or a man?", "No, this is a girl, not a boy.") is None  # two nouns asked


@pytest.mark.parametrize("question, described", [
    # 6 Dec 2026: got "I can't tell from this photo." of one photo and the description of another
    ("What's the most striking feature of this face?", True), ("What is the most noticeable thing about her?", True),
    ("What are her most distinctive features?", True), ("What is the most striking feature of her hair?", False),
])
def test_the_most_striking_feature_asks_the_description(question, described):
    from unif2ace.data.questions import asks_description

    assert asks_description(question) == described


def test_a_face_tilted_to_the_side_is_a_tilt_not_a_turn():
    """6 Dec 2026: "Is the person's face tilted to the side?" got "Yes, his eyes are open." (read as a turn away, which
    the description did not state, and as a tilt)."""
    from unif2ace.generation.constraints import grounded_yes_no, yes_no_grounded

    upright = "The image shows a close-up photo of a White man who is 58 years old. His head is held upright."
    assert yes_no_grounded("Is the person's face tilted to the side?") == {"head_tilt"}
    assert grounded_yes_no("Is the person's face tilted to the side?", "Yes, his eyes are open.", upright) == \
        "No, his head is upright."
    assert yes_no_grounded("Is his face turned to the side?") == {"head_pose"}


@pytest.mark.parametrize("caption, expected", [
    ("The image shows a White little girl, aged 4. She has a happy expression. She is smiling.",
     "I can only see her face: she is smiling."),
    ("The image shows a White man, aged 40. He has a neutral expression.", "I can only see his face: he looks neutral."),
    ("The image shows a White man, aged 40. He has a surprised expression.", "I can only see his face: he looks surprised."),
    ("The image shows a White man, aged 40.", "I can only see his face, not what he is doing."),
])
def test_what_someone_is_doing_is_what_the_face_shows(caption, expected):
    """6 Dec 2026: "What's the baby doing?" got "I can't tell from the photo alone." of a girl described smiling."""
    from unif2ace.generation.constraints import doing_answer

    for question in ("What's the baby doing?", "What is she doing?", "What are they up to in this photo?"):
        assert doing_answer(question, caption) == expected
    assert doing_answer("What is she wearing?", caption) is None and doing_answer("What is he doing?", None) is None


def test_what_someone_is_doing_is_answered_through_the_pipeline(pipe, monkeypatch):
    smiling = "The image shows a White little girl, aged 4. She has a happy expression. She is smiling."
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: smiling for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " I can't tell from the photo alone. ")
    assert pipe.ask(_images(1, 5), "What's the baby doing?", align=False, max_new_tokens=3) == \
        ["I can only see her face: she is smiling."]


WOMAN_36_HAPPY = "The image shows a close-up portrait of a White middle-aged woman, aged 36. She has a happy expression."
GIRL_10 = "The image shows a close-up photo of a White little girl who is 10 years old. She is smiling."


@pytest.mark.parametrize("question, kind", [
    ("I need the gender for a form. What should I put?", "form"), ("What sex should I put on the application?", "form"),
    ("What pronouns should I use for this person?", "pronouns"), ("Should I use he or she?", "pronouns"),
    ("Which pronoun fits this person?", "pronouns"), ("Would you refer to this person as he or she?", "pronouns"),
    ("Is it okay to guess someone's gender from a photo?", "guessing"),
    ("What gender is this?", None), ("Is she a woman?", None), ("Is this a he or a she?", None),
    ("He or she?", None),  # asks the gender, as "Boy or girl?" does
])
def test_asks_pronouns_tells_what_naming_the_person_asks(question, kind):
    from unif2ace.data.questions import asks_pronouns

    assert asks_pronouns(question) == kind


def test_pronoun_answer_gives_the_look_as_only_a_look():
    """6 Dec 2026: "What pronouns should I use for this person?", "Should I use he or she?" and "I need the gender for
    a form. What should I put?" got "I can't tell from this photo."; "Is it okay to guess someone's gender from a
    photo?" "No. It is a photo of a person."."""
    from unif2ace.generation.constraints import CHILD_GENDER_CAVEAT, pronoun_answer

    assert pronoun_answer("Should I use he or she?", WOMAN_36_HAPPY) == \
        "By how she looks I would say \"she\", but a photo can't tell someone's pronouns: only they can."
    assert pronoun_answer("I need the gender for a form. What should I put?", MAN_36) == \
        "Going by the photo he looks male, but a form should have what the person says, not what a photo suggests."
    assert pronoun_answer("What pronouns should I use?", GIRL_10).endswith(CHILD_GENDER_CAVEAT)
    assert pronoun_answer("Is it okay to guess someone's gender from a photo?", None).startswith(
        "A photo shows how someone looks, not how they identify")
    assert pronoun_answer("Should I use he or she?", "The image shows a close-up portrait.") is None  # no gender
    assert pronoun_answer("How old is she?", WOMAN_36_HAPPY) is None


@pytest.mark.parametrize("question, woman, man", [
    ("What makes you think it's a man?", "I don't: she looks like a woman to me.",
     "From the face as a whole, as I learned from labelled face photos: he looks like a man to me, and I can be wrong."),
    ("Explain why you think she's that age.",
     "From the face as a whole, as I learned from labelled face photos: she looks about 36 years old, and I can be "
     "wrong by a few years.",
     "From the face as a whole, as I learned from labelled face photos: he looks about 36 years old, and I can be "
     "wrong by a few years."),
    ("How can you tell she is a senior?", "I don't: she looks about 36 years old.", "I don't: he looks about 36 years old."),
    ("Why do you say he is 85?", "I don't: she looks about 36 years old.", "I don't: he looks about 36 years old."),
    ("What makes you think she is sad?", "I don't: she looks happy.", "I don't: he looks neutral."),
    ("What makes you think she is happy?", "From her expression: she looks happy.", "I don't: he looks neutral."),
    ("Why do you think so?", None, None), ("How do you know?", None, None),  # about the last answer: small talk's
    # 7 Dec 2026 (night): "Explain your reasoning for the age." got the age again, "Justify your gender call." the
    # gender
    ("Explain your reasoning for the age.",
     "From the face as a whole, as I learned from labelled face photos: she looks about 36 years old, and I can be "
     "wrong by a few years.",
     "From the face as a whole, as I learned from labelled face photos: he looks about 36 years old, and I can be "
     "wrong by a few years."),
    ("Justify your gender call.",
     "From the face as a whole, as I learned from labelled face photos: she looks like a woman to me, and I can be wrong.",
     "From the face as a whole, as I learned from labelled face photos: he looks like a man to me, and I can be wrong."),
    ("Explain the reasoning behind the mood.", "From her expression: she looks happy.", "From his expression: he looks neutral."),
    ("What is your guess based on?",
     "From how the face looks in this photo: I learned from labelled face photos, and I can be wrong.",
     "From how the face looks in this photo: I learned from labelled face photos, and I can be wrong."),
    ("Justify that.", None, None), ("What is the photo based on?", None, None),
])
def test_reason_answer_says_what_a_reading_rests_on(question, woman, man):
    """6 Dec 2026: "What makes you think it's a man?" got "I can't tell from this photo." of a woman, "Explain why you
    think she's that age." the age again."""
    from unif2ace.generation.constraints import reason_answer

    assert reason_answer(question, WOMAN_36_HAPPY) == woman
    assert reason_answer(question, MAN_36) == man
    assert reason_answer(question, None) is None


@pytest.mark.parametrize("questions, meant", [
    # 7 Dec 2026 (late): "Why do you think so?" after "Is she smiling?" got "From how the face looks in this photo: …"
    (["Is she smiling?", "Why do you think so?"], "Explain the reasoning behind the smile."),
    (["Man or woman?", "How can you tell?"], "Justify your gender call."),
    (["How old is he?", "Why?"], "Explain your reasoning for the age."),
    (["Is he over 50?", "why"], "Explain your reasoning for the age."),
    (["Does she look sad?", "What makes you say that?"], "Explain the reasoning behind the mood."),
    (["Is the photo sharp?", "Why?"], None), (["Describe her.", "Why do you think so?"], None),
    (["How old is he?", "Why is he sad?"], None),
])
def test_a_bare_why_after_a_question_asks_that_answers_reason(questions, meant):
    from unif2ace.data.questions import reason_follow_up

    assert reason_follow_up(questions) == meant


def test_a_reason_is_of_the_answer_given_and_a_childs_gender_is_said_to_be_unsure():
    from unif2ace.generation.constraints import CHILD_GENDER_CAVEAT, child_gender_caveat, reason_answer

    boy = "The photo is a close-up photo; it shows a White young boy who is 1 year old. He is smiling."
    # the answer said a girl, a vote against the description's boy: the reason is for the girl ("…: he looks like a
    # boy to me" contradicted the answer it explained)
    got = reason_answer("Justify your gender call.", boy, "This is a girl. " + CHILD_GENDER_CAVEAT)
    assert got == ("From the face as a whole, as I learned from labelled face photos: she looks like a girl to me. "
                   + CHILD_GENDER_CAVEAT)
    assert child_gender_caveat("Justify your gender call.", got, boy) is None  # said once
    assert reason_answer("Explain your reasoning for the age.", boy, "He is 1 year old, so he is a child.") == \
        ("From the face as a whole, as I learned from labelled face photos: he looks about 1 year old, and I can be "
         "wrong by a year or two.")
    assert reason_answer("Explain your reasoning for the age.", MAN_36, "He is 41 years old.").endswith(
        "he looks about 41 years old, and I can be wrong by a few years.")
    # a smile's reason stands for a Yes and a No alike ("No. She is not smiling." then "Why?" got "From his
    # expression: he looks happy.")
    assert reason_answer("Explain the reasoning behind the smile.", MAN_36, "No. He is not smiling.") == \
        "From his mouth and expression in this photo, as I learned from labelled face photos, and I can be wrong about a faint smile."


@pytest.mark.parametrize("question, answer, expected", [
    # 7 Dec 2026 (late): "Is this person happy or sad, and why?" got "Happy.", the reason dropped
    ("Is this person happy or sad, and why?", "Happy.", "Happy. From her expression: she looks happy."),
    ("Is this a man or a woman and why?", "This is a woman.", "This is a woman. From the face as a whole, as I learned "
     "from labelled face photos: she looks like a woman to me, and I can be wrong."),
    ("Is she smiling? Explain.", "Yes. She is smiling.", "Yes. She is smiling. From her mouth and expression in this "
     "photo, as I learned from labelled face photos, and I can be wrong about a faint smile."),
    ("Is she happy?", "Yes.", None), ("Is the image sharp? Explain.", "Yes. The photo is sharp.", None),
    ("Is she happy, and why?", "I can't tell from this photo.", None),
    # the answer's pronouns, not the description's ("What's your best guess for her age, and why?" of a man got "I can't
    # tell from this photo.": "for her age" was read as "Does she look good for her age?")
    ("What's your best guess for his age, and why?", "She is 39 years old, so she is middle-aged.", "She is 39 years old, "
     "so she is middle-aged. From the face as a whole, as I learned from labelled face photos: she looks about 39 years "
     "old, and I can be wrong by a few years."),
])
def test_a_reason_asked_after_a_question_is_added_to_its_answer(question, answer, expected):
    from unif2ace.generation.constraints import reason_added, unseen_question

    assert not unseen_question("What's your best guess for her age?") and unseen_question("Does she look good for her age?")

    woman = "The photo is a close-up photo; it shows a White woman who is 39 years old. She has a happy expression."
    assert reason_added(question, answer, woman) == expected


def test_a_childs_gender_caveat_is_said_once_with_its_reason():
    # 8 Dec 2026: "Man or woman, and why?" of a girl said the caveat twice
    from unif2ace.generation.constraints import CHILD_GENDER_CAVEAT, reason_added

    girl = "The image shows a close-up photo of an Asian young girl, aged 1. She has a happy expression."
    answer = f"It is a girl. {CHILD_GENDER_CAVEAT}"
    assert reason_added("Man or woman, and why?", answer, girl) == f"{answer} From the face as a whole, as I learned " \
        "from labelled face photos: she looks like a girl to me."
    assert reason_added("Man or woman, and why?", "It is a girl.", girl).endswith(f"a girl to me. {CHILD_GENDER_CAVEAT}")


def test_a_reason_asked_in_a_chat_is_of_the_answer_before(pipe, monkeypatch):
    from unif2ace.generation.constraints import CHILD_GENDER_CAVEAT

    boy = "The photo is a close-up photo; it shows a White young boy who is 1 year old. He is smiling."
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: boy for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " I can't tell from this photo. ")
    messages = [{"role": "user", "content": "Man or woman?"},
                {"role": "assistant", "content": f"This is a girl. {CHILD_GENDER_CAVEAT}"},
                {"role": "user", "content": "How can you tell?"}]
    assert pipe.chat(_images(1, 5)[0], messages, align=False, max_new_tokens=3) == \
        f"From the face as a whole, as I learned from labelled face photos: she looks like a girl to me. {CHILD_GENDER_CAVEAT}"


def test_pronouns_and_reasons_are_answered_through_the_pipeline(pipe, monkeypatch):
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: GIRL_10 for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " I can't tell from this photo. ")
    got = pipe.ask(_images(2, 5), ["Should I use he or she?", "What makes you think it's a boy?"], align=False,
                   max_new_tokens=3)
    assert got[0].startswith("By how she looks I would say \"she\"") and got[1] == "I don't: she looks like a girl to me."


@pytest.mark.parametrize("message, about", [
    ("What's your confidence on the gender?", "a young child's gender"), ("How confident are you in the age?", "the age"),
    ("What is your confidence level?", "the age"),
])
def test_a_confidence_asked_is_a_doubt(message, about):
    # 6 Dec 2026: "What's your confidence on the gender?" got "It is a woman."
    from unif2ace.generation.constraints import small_talk

    assert small_talk(message, "How old is she?") == \
        f"Not entirely: I judge from this one photo, and I can be wrong, most often about {about}" + (
            " by a few years." if about == "the age" else ".")



@pytest.mark.parametrize("messages, meant", [
    (["How old is this person?", "And in 10 years?"], "How old will this person be in 10 years?"),
    (["How old is this person?", "And in 10 years?", "What about 10 years ago?"], "How old was this person 10 years ago?"),
    (["How old is she?", "how about twenty years from now"], "How old will this person be in 20 years?"),
    (["Guess the age.", "Give me a range then."], "Give me an age range for this person."),
    (["Guess the age.", "Higher or lower?", "A range?"], "Give me an age range for this person."),
    (["Is she over 30?", "What about 5 years ago?"], "How old was this person 5 years ago?"),
    (["Describe her.", "And in 10 years?", "A range?"], "Give me an age range for this person."),
    (["Is she smiling?", "And in 10 years?"], None), (["How old is she?", "And her mood?"], None),
    (["How old is she?", "Is she happy?", "And in 10 years?"], None), (["And in 10 years?"], None),
    # 7 Dec 2026: "By how many years?" after a comparison with the asker's age got "She is 8 years old, …"
    (["How old is this person?", "Older or younger than me? I'm 25.", "By how many years?"],
     "How many years older or younger than 25 is this person?"),
    (["Is he older than me? I am 40", "By how much?"], "How many years older or younger than 40 is this person?"),
    (["Is she happy? I'm 25.", "By how much?"], None), (["Older or younger than me? I'm 25.", "Is she happy?",
                                                        "By how much?"], None),
    # small talk between them (7 Dec 2026, night: "Give me a range instead." after "How old?" and "Are you sure about
    # that?" got the head pose)
    (["How old?", "Are you sure about that?", "Give me a range instead."], "Give me an age range for this person."),
    (["How old is she?", "Thanks!", "And in 10 years?"], "How old will this person be in 10 years?"),
    (["Is she smiling?", "Are you sure?", "And in 10 years?"], None),
    # 7 Dec 2026 (late): got "He looks happy."
    (["How old is he?", "Are you sure?", "What about in years?"], "How old is this person in years?"),
    # how far off it may be (7 Dec 2026, late: got the age again)
    (["How old is she?", "I think she's older.", "How much older could she be?"], "Give me an age range for this person."),
    (["How old is she?", "How far off could you be?"], "Give me an age range for this person."),
    # 8 Dec 2026: "By how much?" after a doubt of the age got "I can't tell from this photo."
    (["How old?", "Could they be younger?", "By how much?"], "Give me an age range for this person."),
    (["Is she smiling?", "By how much?"], None),
    # another guess, after a remark on the age (got "I can't tell from this photo.")
    (["How old is he?", "That seems too young.", "What's your second guess?"], "Give me an age range for this person."),
    (["How old?", "Another guess?"], "Give me an age range for this person."), (["Is she smiling?", "Another guess?"], None),
])
def test_age_follow_up_reads_an_age_asked_again(messages, meant):
    """6 Dec 2026, in a chat after "How old is this person?": "And in 10 years?" got "I can't tell from this photo.",
    "What about 10 years ago?" "No, she looks about 36 years old.", and "Give me a range then." "It is a girl."."""
    from unif2ace.data.questions import age_follow_up

    assert age_follow_up(messages) == meant


def test_a_pronoun_question_keeps_its_he_or_she():
    from unif2ace.data.questions import as_meant

    assert as_meant("What would you call this person, he or she?") == "What would you call this person, he or she?"
    assert as_meant("Is he or she smiling?") == "Is the person smiling?"


def test_an_age_asked_again_in_a_chat_is_answered_through_the_pipeline(pipe, monkeypatch):
    woman = "The image shows a close-up portrait of a White woman, aged 36. She has a happy expression."
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: woman for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " I can't tell from this photo. ")
    chat = [("How old is this person?", "36 years old: middle-aged."), ("And in 10 years?", None)]
    assert pipe.converse(_images(1, 5), [chat], align=False, max_new_tokens=3) == \
        ["She looks about 36 years old now, so in 10 years she would be about 46."]


@pytest.mark.parametrize("question, expected", [
    ("How many years until she turns 50?", "In about 14 years: she looks about 36 years old now."),
    ("When will she turn 100?", "In about 64 years: she looks about 36 years old now."),
    ("How long until she is 40?", "In about 4 years: she looks about 36 years old now."),
    ("How many years until she turns 30?", "She already looks older than 30: she looks about 36 years old."),
    ("When will she turn 36?", "She already looks about 36: she looks about 36 years old."),
])
def test_the_years_until_an_age_are_counted_from_the_described_age(question, expected):
    """6 Dec 2026: "How many years until she turns 50?" got "She is 36 years old, …", "When will he turn 100?" "I
    can't tell from this photo."."""
    from unif2ace.data.questions import asked_attributes
    from unif2ace.generation.constraints import grounded_answer

    assert asked_attributes(question) == ["age_group"]
    assert grounded_answer(question, "She is 36 years old, so she is middle-aged.", WOMAN_36_HAPPY) == expected


def test_a_young_adult_offered_is_not_the_adult_of_adult_or_minor():
    # 6 Dec 2026: "Is this a young adult or a teenager?" of a man of 85 got "An adult: he looks about 85 years old."
    from unif2ace.data.questions import asked_attributes
    from unif2ace.generation.constraints import age_choice

    # the last two of a longer list are no choice of two (options.listed_choices reads the list)
    for listed in ("Which age group does this person belong to: child, teen, young adult, middle-aged or senior?",
                   "Is he a child, a teen, an adult or a senior?", "Is he a child or a teen or an adult?"):
        assert age_choice(listed, MAN_36) is None, listed
    # (until session 47 it answered nothing here; since, neither option)
    assert age_choice("Is this a young adult or a teenager?", MAN_36) == "Neither, middle-aged: he looks about 36 years old."
    assert age_choice("Is this an adult or a teenager?", MAN_36) == "An adult: he looks about 36 years old."
    assert "age_group" not in asked_attributes("Did she turn her head 45 degrees?")  # "turn 45" is no age


def test_a_head_turned_asked_with_turn_is_the_pose():
    # 6 Dec 2026: "Did she turn her head 45 degrees?" got "No. She is wearing glasses." of a man facing the camera
    from unif2ace.generation.constraints import grounded_yes_no

    question = "Did she turn her head 45 degrees?"
    assert yes_no_grounded(question) == {"head_pose"}
    turned = "The image shows a woman, aged 36. She is facing to the image's right, with the head held upright."
    assert grounded_yes_no(question, "No. She is wearing glasses.", turned) == "Yes. Her head is turned right."
    assert grounded_yes_no(question, "No. She is wearing glasses.", MAN_36 + " He faces the camera.") == \
        "No. He faces the camera."


@pytest.mark.parametrize("question, span", [
    # 6 Dec 2026: "Is this person older than a typical 30 year old?" got "No. She looks about 36 years old."
    ("Is this person older than a 30 year old?", (31, 200)), ("Is she older than a 30-year-old?", (31, 200)),
    ("Is he younger than a 50 year old?", (0, 49)), ("Is this a 30 year old?", (28, 32)),
])
def test_a_person_of_an_age_after_than_is_a_bound(question, span):
    assert asked_age_range(question) == span


def test_a_typical_age_is_the_age():
    from unif2ace.data.questions import as_meant

    assert as_meant("Is this person older than a typical 30 year old?") == "Is this person older than a 30 year old?"


@pytest.mark.parametrize("question, expected", [
    ("Who looks older, this person or a 30-year-old?", "He does: he looks about 36 years old."),
    ("Who looks older, this person or a typical 50 year old?", "The 50-year-old: he looks about 36 years old."),
    ("Who is younger, him or a 50-year-old?", "He does: he looks about 36 years old."),
    ("Who looks older, this person or a 35-year-old?", "About the same: he looks about 36 years old."),
    # 7 Dec 2026: "How old do they look compared to a 30 year old?" got "He is 75 years old, so he is a senior."
    ("How old do they look compared to a 30 year old?", "Older: he looks about 36 years old."),
    ("How does he look next to a typical 50-year-old?", "Younger: he looks about 36 years old."),
    ("His age relative to a 37 year old?", "About the same: he looks about 36 years old."),
    # the asker's own age ("Older or younger than me? I'm 25." got "75 years old: a senior.")
    ("Older or younger than me? I'm 25.", "Older: he looks about 36 years old."),
    ("Is he older or younger than me? I am 50", "Younger: he looks about 36 years old."),
    # the years between ("By how many years?" in a chat is asked as the first of these)
    ("How many years older or younger than 25 is this person?", "About 11 years older: he looks about 36 years old."),
    ("How much younger than me is he? I'm 50.", "About 14 years younger: he looks about 36 years old."),
    ("How many years older than 35 is he?", "About the same age: he looks about 36 years old."),
])
def test_who_looks_older_is_answered_from_the_described_age(question, expected):
    # 6 Dec 2026: "Who looks older, this person or a 30-year-old?" got "She is 36 years old, so she is middle-aged."
    from unif2ace.data.questions import as_meant
    from unif2ace.generation.constraints import age_choice

    assert age_choice(as_meant(question), MAN_36) == expected


@pytest.mark.parametrize("question", ["Give me an Instagram caption for this.", "Suggest a caption for social media.",
                                      "Give me a caption for this picture, please."])
def test_a_caption_for_a_post_is_a_description(question):
    # 6 Dec 2026: "Give me an Instagram caption for this." got "A girl.", "Suggest a caption for social media." "No, it
    # is a photo of a woman."
    from unif2ace.data.questions import asks_description

    assert asks_description(question) and not asks_description("Suggest a hairstyle for her.")


@pytest.mark.parametrize("question, span", [
    # 6 Dec 2026: "Is this person about my age? I'm 35." got "No. She is a young adult, not a senior." of a woman of 36
    ("Is this person about my age? I'm 35.", (32, 38)), ("Is she the same age as me? I am 40.", (37, 43)),
    ("Is he around my age? im 30", (27, 33)), ("Is she my age?", None),  # no age of the asker's: none to compare
])
def test_my_age_is_the_age_the_asker_gives(question, span):
    from unif2ace.data.questions import as_meant

    assert asked_age_range(as_meant(question)) == span


@pytest.mark.parametrize("question, asks", [
    ("Does this person look their age?", True), ("Is he older than he looks?", True), ("What's her real age?", True),
    ("How old does she look?", False), ("Is she older than 30?", False),
])
def test_own_age_answer_says_a_photo_shows_the_age_one_looks(question, asks):
    """6 Dec 2026: "Does this person look their age?" got "Yes. She is a photo of a woman."."""
    from unif2ace.generation.constraints import own_age_answer

    said = own_age_answer(question, WOMAN_36_HAPPY)
    assert said == ("I can't tell: a photo shows how old someone looks, not how old they are; she looks about 36 years "
                    "old." if asks else None)


@pytest.mark.parametrize("question, caption, expected", [
    # 7 Dec 2026: "Girl or woman?" of a man described as 27 got "27 years old: a young adult."
    ("Girl or woman?", "The photo shows a White man who is 27 years old. He looks happy.", "Neither: he is a man."),
    ("Is this a girl or a woman?", "The photo shows a White man who is 27 years old.", "Neither: he is a man."),
    ("Is he a boy or a man?", "A close-up photo of a Black girl, aged 6. She is smiling.", "Neither: she is a girl."),
    ("Would you say a young man or an old man?", MAN_36.replace("man", "woman").replace("He ", "She "),
     "Neither: she is a woman."),
    ("Girl or lady?", "The image shows an Asian young boy, aged 1.", "Neither: he is a boy."),
    ("Girl or woman?", "A close-up photo of a Black girl, aged 6. She is smiling.", None),  # an option is hers
    ("Is this a man or a woman?", "The photo shows a White man who is 27 years old.", None),  # both genders offered
    ("Is she happy or sad?", "The photo shows a White man who is 27 years old.", None),  # no person offered
    ("Is the man smiling or not?", "The photo shows a White woman who is 30 years old.", None),
    ("Girl or woman?", "The photo shows a close-up of a person.", None),  # no gender described
    ("Girl or woman?", None, None),
])
def test_an_either_or_between_people_of_the_other_gender_is_answered_neither(question, caption, expected):
    from unif2ace.generation.constraints import gender_neither

    assert gender_neither(question, caption) == expected


def test_options_of_one_gender_get_neither_before_any_option_is_matched():
    """7 Dec 2026: "Estimate: girl or woman?" (options asked with the description) got a man's whole description, and
    of a boy "Girl." (the option with his age group); lettered options likewise."""
    from unif2ace.generation.options import listed_choices, multiple_choice, option_reply

    man = "The photo is a close-up photo; it shows a White man who is 27 years old. He faces the camera."
    boy = "The photo is a close-up photo; it shows an Asian young boy, aged 1. He has a happy expression."
    girl = "The image shows a close-up photo of a White little girl, aged 10."
    estimate = listed_choices("Estimate: girl or woman?")
    assert option_reply(estimate, man) == "Neither: he is a man."
    assert option_reply(estimate, boy) == "Neither: he is a boy."
    assert option_reply(estimate, girl) == "Girl."
    lettered = multiple_choice("Who is shown?\nA. a girl\nB. a woman\nAnswer with the option's letter.")
    assert option_reply(lettered, "A man.") == "Neither: he is a man."
    assert option_reply(lettered, "A girl.") == "A"


@pytest.mark.parametrize("question", ["Is her head upright?", "Is his head level?", "Is the person's head straight?",
                                      "Is the head held straight?"])
def test_a_head_asked_upright_is_answered_from_the_described_tilt(question):
    """7 Dec 2026: "Is her head upright?" got "No. Her head is tilted." of photos whose "Is the head tilted?" got "No,
    her head is upright.": a description that states no tilt describes an upright head (51 of 8,998 labelled heads
    are tilted), and "level" or "straight" heads are upright ones."""
    upright = "The photo shows a White man who is 27 years old. He faces the camera."
    tilted = "The photo shows a White man who is 27 years old. He faces the camera and the head is tilted."
    assert yes_no_grounded(question) == {"head_tilt"}
    assert grounded_yes_no(question, "No. His head is tilted.", upright).startswith("Yes")
    assert grounded_yes_no(question, "Yes, his head is upright.", tilted).startswith("No")
    assert grounded_yes_no("Is the head tilted?", "Yes, it is tilted.", upright).startswith("No")


@pytest.mark.parametrize("question, value", [
    # 7 Dec 2026: "Is the lighting soft?" got "No. He is not smiling." of photos described with even lighting (harsh
    # light, a kind no label names, stays unseen: unseen_question)
    ("Is the lighting soft?", "even"), ("Is the light soft on her face?", "even"),
])
def test_soft_light_is_asked_as_even_light(question, value):
    from unif2ace.generation.constraints import _asked_values

    assert _asked_values(question)["lighting"] == value
    assert yes_no_grounded(question) == {"lighting"}
    assert grounded_yes_no(question, "No. He is not smiling.",
                           "A photo of a White man, aged 27. It is a color photo with even lighting.").startswith(
        "Yes" if value == "even" else "No")


@pytest.mark.parametrize("question, asks", [
    # 7 Dec 2026: "Could this person be from East Asia?" got "I can't tell from this photo." where "Is the person East
    # Asian?" was answered; "Is she from India?" must not read the label's "Indian" as a country
    ("Could this person be from East Asia?", True), ("Is she from India?", True), ("Where is he from?", True),
    ("What is the person's nationality?", True), ("Which country is she from?", True), ("Is he from the UK?", True),
    ("Is the person East Asian?", False), ("Is this photo from 2015?", False), ("Where is she looking?", False),
    # a nationality's adjective (8 Dec 2026: "Is this person Mexican?" got "I can't tell from this photo."); not a
    # language, nor a label's ("African American" is Black)
    ("Is this person Mexican?", True), ("Is he Chinese?", True), ("Is she American?", True),
    ("Describe her in Chinese.", False), ("Is he African American?", False), ("Is she Asian-American?", False),
    ("Is she Indian?", False),
])
def test_where_someone_is_from_is_not_seen_but_how_they_look_is_said(question, asks):
    from unif2ace.generation.constraints import asks_origin, origin_answer

    assert asks_origin(question) is asks
    said = origin_answer(question, "The photo shows a South Asian woman who is 21 years old.")
    assert said == ("I can't tell where someone is from by their face; from this photo, she looks South Asian."
                    if asks else None)
    assert origin_answer(question, "The photo shows a woman who is 21 years old.") == (
        "I can't tell where someone is from by their face." if asks else None)


def test_girl_or_lady_is_a_choice_of_life_stage():
    """7 Dec 2026: "Girl or lady?" got "Closed." (read as asking nothing); "lady" and "gentleman" are grown-ups."""
    from unif2ace.data.questions import asked_attributes

    assert asked_attributes("Girl or lady?") == ["age_group"]
    assert asked_attributes("Boy or gentleman?") == ["age_group"]


def test_a_description_asked_in_adjectives_names_no_noun():
    """7 Dec 2026: "Give me three adjectives for this face." got "Happy, young man." (two adjectives and a noun)."""
    from unif2ace.generation.brief import asks_adjectives, brief_description

    man = "The photo is a close-up photo; it shows a White man who is 27 years old. He looks happy."
    assert brief_description(man, ("words", 3), adjectives=True) == "Happy, young, White."
    assert brief_description(man, ("words", 3)) == "Happy, young man."
    assert brief_description(man, ("words", 8), adjectives=True) == "Happy, young, White."  # no sentence either
    assert asks_adjectives("Give me three adjectives for this face.") and not asks_adjectives("Describe him in 3 words.")
    # an adjective of two words is one adjective ("Happy, middle-aged." of a South Asian man, before)
    south_asian = "The image shows a close-up photo of a South Asian man who is 42 years old. He has a happy expression."
    assert brief_description(south_asian, ("words", 3), adjectives=True) == "Happy, middle-aged, South Asian."
    assert brief_description(south_asian, ("words", 3)) == "Happy, middle-aged man."


@pytest.mark.parametrize("question, answer, expected", [
    # 7 Dec 2026: of a black-and-white photo; "Are her eyes closed?" got "No, her eyes are open."
    ("Are the eyes closed?", "No. His head is turned slightly toward the left side of the frame. His eyes are open. It "
     "is a monochrome photo with even lighting.", "No. His eyes are open."),
    ("Is he over 50?", "Yes. It is a color photo. He is a senior. His eyes are open.", "Yes. He is a senior."),
    ("Is this lady smiling?", "No. This is a boy, not a girl. He is smiling.", None),  # every sentence is asked
    ("Are the eyes closed?", "No. His eyes are open.", None),  # two sentences
    ("Are the eyes closed?", "No. It is in color. He faces the camera.", None),  # nothing asked named: left as it is
    ("Is this a passport photo?", "No. It is in color. He faces the camera.", None),  # nothing checked
    # the expression a question asks beside its subject ("Is this toddler happy?" of a man got "No. He looks about 53
    # years old.", his happy look cut)
    ("Is this toddler happy?", "No. He looks about 53 years old. He looks happy. It is in color.",
     "No. He looks about 53 years old. He looks happy."),
    ("Is this toddler happy?", "No. He looks about 53 years old. He looks happy.", None),
])
def test_a_long_yes_no_answer_keeps_the_sentences_about_what_was_asked(question, answer, expected):
    from unif2ace.generation.constraints import on_question_sentences

    assert on_question_sentences(question, answer) == expected


@pytest.mark.parametrize("questions, meant", [
    # 7 Dec 2026: "How about 10 years older?" after "Really? I think older." got "No, she is a child, not a senior."
    (["How old?", "Really? I think older.", "How about 10 years older?"], "Could the person be 10 years older?"),
    (["How old is he?", "What about younger?"], "Could the person be younger?"),
    (["Describe her.", "Maybe five years younger?"], "Could the person be five years younger?"),
    (["Is she smiling?", "How about 10 years older?"], None),  # no age asked before
])
def test_another_age_offered_after_an_age_doubts_it(questions, meant):
    from unif2ace.data.questions import age_follow_up
    from unif2ace.generation.constraints import doubts_age

    assert age_follow_up(questions) == meant
    assert meant is None or doubts_age(meant)


@pytest.mark.parametrize("questions, meant", [
    # 7 Dec 2026: "So which is it?" after "Is this person male?" and "Is this person female?" got "I can't tell from
    # this photo."
    (["Is this person male?", "Is this person female?", "So which is it?"], "Is this a man or a woman?"),
    (["Is she happy?", "Which one?"], "How does this person seem to feel?"),
    (["Is he over 50?", "Make up your mind."],
     "Which age group does this person belong to: child, teen, young adult, middle-aged or senior?"),
    (["Describe her.", "So which is it?"], None), (["So which is it?"], None),
    (["Is this person male?", "Which is older?"], None),
])
def test_which_is_it_after_a_question_asks_its_attribute(questions, meant):
    from unif2ace.data.questions import which_follow_up

    assert which_follow_up(questions) == meant


def test_a_doubt_of_the_ethnicity_says_what_it_is_most_often_wrong_about():
    """7 Dec 2026: "Are you sure about that?" after "What ethnicity?" said it was most often wrong "about the age"."""
    from unif2ace.generation.constraints import small_talk

    reply = small_talk("Are you sure about that?", "What ethnicity?")
    assert "South Asian and White" in reply and "age" not in reply
    assert "about the age" in small_talk("Are you sure?", "How old?")


@pytest.mark.parametrize("questions, told", [
    # 7 Dec 2026: "Tell me more." and "Anything else?" after a description got the same description again
    (["What do you see?", "Tell me more."], True), (["Describe this person.", "How old?", "Anything else?"], True),
    (["Describe her in one sentence.", "Tell me more."], False),  # the whole description is more
    (["How old?", "Anything else?"], False), (["Tell me more."], False),
    (["Describe this person.", "Tell me more about her eyes."], False),
])
def test_more_after_the_whole_description_says_that_is_everything(questions, told):
    from unif2ace.data.questions import more_after_description

    assert more_after_description(questions) is told


def test_the_pipeline_says_that_is_everything_after_the_description(pipe):
    from unif2ace.data.questions import ALL_TOLD

    messages = [{"role": "user", "content": "Describe this person."}]
    image = _images(1, 5)[0]
    described = pipe.chat(image, messages, align=False)
    messages += [{"role": "assistant", "content": described}, {"role": "user", "content": "Tell me more."}]
    assert pipe.chat(image, messages, align=False) == ALL_TOLD


@pytest.mark.parametrize("question, length", [
    # 7 Dec 2026 (afternoon): "Give me a short alt text for this image." got "I can't tell from this photo." of one
    # photo and "A girl." of a boy described as a boy
    ("Give me a short alt text for this image.", ("sentences", 1)), ("Write alt text for this photo.", ("sentences", 1)),
    ("Can you write an alt-text for this picture?", ("sentences", 1)), ("What alt text would you use?", ("sentences", 1)),
    ("Generate alternative text for this image.", ("sentences", 1)),
    ("Write alt text for this photo in three sentences.", ("sentences", 3)),  # a length asked wins
    ("Is the alt text correct?", None),
    # "Write a one-line bio for this person." got the whole description, its sentences joined by semicolons
    ("Write a one-line bio for this person.", ("sentences", 1)), ("Write a bio for this man.", None),
])
def test_alt_text_is_a_description_of_one_sentence(question, length):
    from unif2ace.data.questions import description_length

    assert description_length(question) == length


MAN_27 = ("The photo is a close-up photo; it shows a White man who is 27 years old. He looks happy. He has his mouth "
          "closed.")


@pytest.mark.parametrize("question, answer, expected", [
    # 7 Dec 2026 (afternoon): an age bound answered with a group set against another group it did not ask
    ("Is this person older than me? I'm 40.", "No. He is a young adult, not a senior.", "No, he looks about 27 years old."),
    ("Is he younger than 60?", "Yes. He is a young adult, not a senior.", "Yes, he looks about 27 years old."),
    ("Is he older than 40?", "No. He is a young adult.", None),  # the group alone says why
    ("Is he a senior?", "No. He is a young adult, not a senior.", None),  # a group asked: the contrast is the answer
])
def test_an_age_bound_is_answered_with_the_described_age_not_a_contrast_of_groups(question, answer, expected):
    assert grounded_yes_no(question, answer, MAN_27, None) == expected


@pytest.mark.parametrize("question, language", [
    ("Describe this person in Spanish.", "Spanish"), ("How old is she? Answer in French.", "French"),
    ("Translate that into German.", "German"), ("Can you translate your answer to japanese?", "Japanese"),
    ("Describe her in Chinese please", "Chinese"),
    ("Is she in Spanish class?", None), ("Is she Spanish?", None), ("Is he from France?", None),
    ("Answer in English.", None),
])
def test_an_answer_asked_in_another_language_is_read(question, language):
    from unif2ace.data.questions import asked_language

    assert asked_language(question) == language


@pytest.mark.parametrize("questions, meant", [
    (["How old is he?", "Can you say that in German?"], "How old is he?"),
    (["Describe this person.", "Translate that into Spanish."], "Describe this person."),
    (["Is she smiling?", "Now in French, please."], "Is she smiling?"),
    (["How old is he?", "Is he smiling? Answer in German."], None),  # a new question
    (["Translate that into Spanish."], None),  # nothing before
])
def test_a_chat_asking_the_last_answer_in_another_language_asks_the_question_before(questions, meant):
    from unif2ace.data.questions import language_follow_up

    assert language_follow_up(questions) == meant


def test_the_pipeline_answers_in_english_and_says_so(pipe, monkeypatch):
    """7 Dec 2026 (afternoon): "Describe this person in Spanish." got the English description with no word about it,
    and "Translate that into Spanish." after it "I can't tell from this photo."."""
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: MAN_27 for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " I can't tell from this photo. ")
    image = _images(1, 5)
    said = pipe.converse(image, [[("How old is he?", None)]], align=False, max_new_tokens=3)[0]
    assert said.startswith("He is 27 years old")
    chat = [("How old is he?", said), ("Can you say that in German?", None)]
    assert pipe.converse(image, [chat], align=False, max_new_tokens=3) == \
        [f"I can only answer in English, not German. {said}"]
    assert pipe.converse(image, [[("How old is he? Answer in French.", None)]], align=False, max_new_tokens=3) == \
        [f"I can only answer in English, not French. {said}"]
    # a description asked in another language is a description (8 Dec 2026: "Describe her in Spanish." got "Happy.")
    described = pipe.converse(image, [[("Describe him.", None)]], align=False, max_new_tokens=3)[0]
    assert pipe.converse(image, [[("Describe him in Spanish.", None)]], align=False, max_new_tokens=3) == \
        [f"I can only answer in English, not Spanish. {described}"]


@pytest.mark.parametrize("question, meant", [
    # 7 Dec 2026 (afternoon): "Is he younger than my son? My son is 12." got "I can't tell from this photo."
    ("Is he younger than my son? My son is 12.", "Is he younger than 12?"),
    ("My daughter is 8. Is she older than my daughter?", "Is she older than 8?"),
    ("Is she the same age as my sister, who is 30?", "Is she about 30?"),
    ("Is he older than my son, who is 12?", "Is he older than 12?"),
    ("Is he taller than my son? My son is 120 cm.", "Is he taller than my son? My son is 120 cm."),  # no age
    ("Is this my son? My son is 12.", "Is this my son? My son is 12."),  # no comparison
    ("Is she older than me? I'm 30.", "Is she older than me? I'm 30."),  # the asker's own: constraints._my_age_named
])
def test_an_age_given_of_someone_compared_stands_in_for_them(question, meant):
    from unif2ace.data.questions import kin_age_named
    from unif2ace.pipeline.pipeline import tidy_question

    assert kin_age_named(question) == meant
    assert tidy_question(question) == meant


@pytest.mark.parametrize("questions, meant", [
    # 7 Dec 2026 (afternoon): "Does he look angry?" then "What about sad?" and "And surprised?" got "I can't tell from
    # this photo."
    (["Does he look angry?", "What about sad?"], "Does he look sad?"),
    (["Does he look angry?", "And surprised?"], "Does he look surprised?"),
    (["Does he look angry?", "What about sad?", "And surprised?"], "Does he look surprised?"),  # one after another
    (["Is she a teenager?", "And a child?", "What about a senior?"], "Is she a senior?"),
    (["Is she a teenager?", "And a child?"], "Is she a child?"),
    (["Is this a man?", "And a woman?"], "Is this a woman?"),
    (["Is the photo blurry?", "And sharp?"], "Is the photo sharp?"),
    (["Is she sad?", "Or happy?"], "Is she happy?"),
    (["Is he smiling?", "What about her?"], None),  # another person, not another value
    (["Is this a man?", "And surprised?"], None),  # another attribute than the one asked before
    (["How old is he?", "What about sad?"], None),  # the question before is not yes/no
    (["Does she look happy?", "What about the mood?"], None),  # the mood is asked as it is
    (["What about sad?"], None),
])
def test_another_value_after_a_yes_no_question_asks_it_in_the_same_words(questions, meant):
    from unif2ace.data.questions import value_follow_up

    assert value_follow_up(questions) == meant


@pytest.mark.parametrize("message, previous, reply", [
    # 7 Dec 2026 (afternoon): "Older than I thought. Are you sure?" after an age got "I can't tell from this photo."
    ("Older than I thought. Are you sure?", "How old is he?", "Not entirely: I judge from this one photo, and I can be "
                                                              "wrong, most often about the age by a few years."),
    ("Nice photo. Thanks!", None, "You're welcome! Anything else you'd like to know about this photo?"),
    ("Describe him. Thanks!", None, None),  # a request, then thanks: the request is answered
    ("Is she smiling? Thanks!", None, None),
    ("Really? He looks younger to me.", "How old is he?", None),  # a remark last: remark_reply's
])
def test_small_talk_after_a_remark_gets_the_small_talk_reply(message, previous, reply):
    from unif2ace.generation.constraints import small_talk

    assert small_talk(message, previous) == reply


@pytest.mark.parametrize("question, length", [
    # 7 Dec 2026 (afternoon): "Give this photo a title." got "I can't tell from this photo."
    ("Give this photo a title.", ("words", 4)), ("Suggest a title for this picture.", ("words", 4)),
    ("Give me a catchy title for this photo.", ("words", 4)),
    ("Is there a title?", None), ("Give this person a name.", None),
])
def test_a_title_is_a_description_in_a_few_words(question, length):
    from unif2ace.data.questions import description_length

    assert description_length(question) == length


@pytest.mark.parametrize("answer, expected", [
    # 7 Dec 2026 (afternoon): "What about a senior?", with no question before it, got "No. She is a senior, not a senior."
    ("No. She is a senior, not a senior.", "She is a senior."), ("No, he looks neutral, not neutral.", "He looks neutral."),
    ("No, this is a girl, not a boy.", None), ("Yes. He is smiling.", None), ("She is a senior.", None),
])
def test_an_open_answer_that_denies_itself_keeps_what_it_said(answer, expected):
    from unif2ace.generation.constraints import without_self_negation

    assert without_self_negation(answer) == expected


def test_a_no_that_sets_an_asked_value_against_its_own_is_left_alone():
    """7 Dec 2026 (afternoon): "Could she be a grandmother?" of a teenager described as 18 got "No. This is a boy, not a
    girl.", mended by the boy's age to "No. He is a child, not a senior."."""
    from unif2ace.generation.constraints import mended_yes_no

    assert mended_yes_no("Could she be a grandmother?", "No. This is a boy, not a girl.") is None
    assert mended_yes_no("Is this a young boy?", "No, this is a girl, not a girl.") == "No, this is a girl, not a boy."
    # an age set against another, where the gender is asked too, is still said as the gender (val-128's one answer the
    # first version of this rule changed)
    assert mended_yes_no("Is this person a girl?", "No, he is a young adult, not a child.") == "No, this is a man, not a girl."


@pytest.mark.parametrize("question, span", [
    ("Would this person be allowed to buy alcohol in the US?", (21, 200)), ("Could he legally drink?", (21, 200)),
    ("Can she buy a drink?", None),  # not a matter of age alone
])
def test_buying_alcohol_is_an_age_bound(question, span):
    from unif2ace.generation.constraints import asked_age_range

    assert asked_age_range(question) == span


def test_a_gaze_directed_at_the_viewer_asks_whether_the_face_is_frontal():
    """7 Dec 2026 (afternoon): "Is the subject's gaze directed at the viewer?" got "I can't tell from this photo." while
    "Are the subject's eyes looking away?" was answered from the head's turn."""
    from unif2ace.generation.constraints import _asked_values, unseen_question

    for question in ("Is the subject's gaze directed at the viewer?", "Are her eyes fixed on the camera?"):
        assert _asked_values(question) == {"head_pose": "frontal"} and not unseen_question(question)


@pytest.mark.parametrize("question, answer, expected", [
    # 7 Dec 2026 (afternoon): "Is this a woman?" of a girl described as 6 got "Yes. This is a girl."
    ("Is this a woman?", "Yes. This is a girl.", "No, this is a girl, not a woman."),
    # a question that asks an age too is answered with the age
    ("Is the woman older than 60?", "No. This is a girl, not a woman. She looks about 6 years old.",
     "No. She looks about 6 years old."),
    ("Is this a man?", "No. This is a girl, not a man.", "No, this is a girl, not a man."),
    ("Is this a girl?", "Yes. This is a girl.", None), ("Is this person female?", "Yes. This is a girl.", None),
    ("Is this woman smiling?", "Yes.", "Yes, she is smiling."),  # the noun says whom it is about; the smile is asked
])
def test_a_child_is_no_man_or_woman(question, answer, expected):
    girl = "The image shows a close-up photo of a South Asian young girl, aged 6. She has a happy expression."
    assert grounded_yes_no(question, answer, girl, None) == expected


@pytest.mark.parametrize("question, years, expected", [
    # 7 Dec 2026 (afternoon): "Would you guess this person is in high school or college?" got "I can't tell from this
    # photo."
    ("Would you guess this person is in high school or college?", 21, "In college: she looks about 21 years old."),
    ("Is she in middle school or high school?", 13, "In middle school: she looks about 13 years old."),
    ("Is she a high schooler or a college student?", 16, "A high schooler: she looks about 16 years old."),
    ("Is she in high school or college?", 35, "Neither, a young adult: she looks about 35 years old."),
])
def test_a_choice_of_two_stages_of_schooling_is_answered_by_the_described_age(question, years, expected):
    from unif2ace.generation.constraints import age_choice

    caption = f"The photo is a close-up photo; it shows a White woman, aged {years}. She has a happy expression."
    assert age_choice(question, caption) == expected


@pytest.mark.parametrize("question, meant", [
    # 7 Dec 2026 (afternoon): "What's your best guess for her age, and why?" got "I can't tell from this photo."
    ("What's your best guess for her age, and why?", "What's your best guess for her age?"),
    ("Is she happy, and how do you know?", "Is she happy?"), ("Is this a man or a woman and why?", "Is this a man or a woman?"),
])
def test_a_reason_asked_at_the_end_of_a_question_leaves_the_question(question, meant):
    from unif2ace.data.questions import answer_form

    assert answer_form(question) == (meant, "Why?")


@pytest.mark.parametrize("question, expected", [
    # 7 Dec 2026 (afternoon): "Give me an age range of 10 years." got "Roughly 7 to 19 years old …", 12 years wide
    ("Give me an age range of 10 years.", "Roughly 8 to 18 years old (my best guess: 13)."),
    ("Give me a 5-year range for her age.", "Roughly 11 to 16 years old (my best guess: 13)."),
    ("Estimate his age, plus or minus 5 years.", "Roughly 8 to 18 years old (my best guess: 13)."),
])
def test_an_age_range_of_an_asked_width_has_that_width(question, expected):
    from unif2ace.generation.constraints import age_range_answer

    assert age_range_answer(question, "She is 13 years old, so she is a teenager.") == expected


@pytest.mark.parametrize("question, what", [
    # 7 Dec 2026 (afternoon): "Write a haiku about this face." got the whole description, "Write a poem about her." "I
    # can't tell from the photo alone.", "Write a short story about this man." "I may be wrong, but … this is a woman."
    ("Write a haiku about this face.", "haiku"), ("Write a poem about her.", "poem"),
    ("Tell me a joke about this person.", "joke"), ("Roast this person.", "roast"),
    ("Write a short story about this man.", "short story"), ("Make up a name and backstory for this person.", "backstory"),
    ("Give me some pick-up lines for her.", "pick-up line"),
    ("Write a caption for this photo.", None), ("Is she telling a joke?", None), ("Does he look like a poet?", None),
])
def test_a_piece_of_writing_asked_about_the_person_is_read(question, what):
    from unif2ace.data.questions import asks_creative

    assert asks_creative(question) == what


def test_a_piece_of_writing_is_answered_with_a_one_sentence_description_said_to_be_one():
    from unif2ace.data.questions import creative_note

    brief = "A 29-year-old South Asian woman, smiling."
    assert creative_note("Write a haiku about this face.", brief) == \
        f"I don't write haikus; I describe faces and answer questions about them. Here is what I see: {brief}"
    assert creative_note("Write a short story about him.", brief).startswith("I don't write stories;")
    assert creative_note("Describe her.", brief) is None


@pytest.mark.parametrize("caption, omit, expected", [
    # 7 Dec 2026 (afternoon): a description in words or one sentence, with what it names left out in a chat
    ("Happy, elderly, White woman.", {"ethnicity"}, "Happy, elderly woman."),  # was "Happy, elderly, woman."
    ("An 85-year-old White woman, looking happy.", {"ethnicity", "age_group"}, "A woman, looking happy."),  # "An woman"
])
def test_a_short_description_without_an_attribute_reads_well(caption, omit, expected):
    from unif2ace.generation.brief import description_without

    assert description_without(caption, omit) == expected


@pytest.mark.parametrize("questions, meant", [
    # 7 Dec 2026 (afternoon): "Remove the age from the description." after a description got "85 years old: a senior."
    (["Describe her.", "Remove the age from the description."], "Describe this person without mentioning the age."),
    (["Describe her in one sentence.", "Now leave out the ethnicity.", "Make it shorter."],
     "Describe this person in five words without mentioning the ethnicity."),
    (["How old?", "Remove the age."], None),  # no description before
])
def test_a_chat_may_ask_the_description_again_without_an_attribute(questions, meant):
    from unif2ace.data.questions import description_follow_up

    assert description_follow_up(questions) == meant


@pytest.mark.parametrize("question, change", [
    # 7 Dec 2026 (afternoon): "Can you make her smile?" got "Yes. She is smiling.", "Make him look older." "I may be
    # wrong, but from this photo he looks about 85 years old", "Generate a similar face." an age
    ("Can you make her smile?", True), ("Make him look older.", True), ("Can you remove the glasses?", True),
    ("Generate a similar face.", True), ("Change the background to blue.", True), ("Make it black and white.", True),
    ("Generate a caption for this photo.", False), ("Make a guess about her age.", False),
    ("Does the lighting make her look older?", False), ("Write a poem about her.", False),
    ("Remove the age from the description.", False), ("Describe her.", False),
])
def test_a_request_to_change_the_photo_or_draw_is_read(question, change):
    from unif2ace.data.questions import asks_image_change

    assert asks_image_change(question) is change


def test_a_chat_keeps_the_gender_its_answers_already_gave(pipe, monkeypatch):
    """7 Dec 2026 (afternoon): the gender answer is a vote of the description, the answer and a second wording, so a
    chat could describe a girl and then answer "What's the gender?" with a boy. Once the chat's answers gave the
    description's gender, the description decides."""
    from unif2ace.generation.constraints import SECOND_WORDING

    girl = "The image shows a close-up photo of a South Asian young girl, aged 6. She has a happy expression."
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {
        i: "It is a boy." if question == SECOND_WORDING["gender"] else girl for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " It is a boy. ")
    image = _images(1, 5)
    alone = pipe.converse(image, [[("What's the gender?", None)]], align=False, max_new_tokens=3)[0]
    assert "boy" in alone  # two votes of three
    chat = [("How old is she?", "She is 6 years old, so she is a child."), ("What's the gender?", None)]
    assert "girl" in pipe.converse(image, [chat], align=False, max_new_tokens=3)[0]


@pytest.mark.parametrize("question, meant, asker", [
    # 7 Dec 2026 (afternoon): "Is my son smiling?", "How old does my daughter look here?", "Is my mom in her 60s?" and
    # "Describe me." got "I can't tell from this photo."; "Do I look happy in this photo?" "No, she looks neutral."
    ("Is my son smiling?", "Is he smiling?", False), ("How old does my daughter look here?", "How old does she look here?", False),
    ("Is my mom in her 60s?", "Is she in her 60s?", False), ("What is my son's expression?", "What is his expression?", False),
    ("Describe my daughter.", "Describe her.", False), ("Does my baby look happy?", "Does this person look happy?", False),
    ("Do I look happy in this photo?", "Does this person look happy in this photo?", True),
    ("Am I smiling?", "Is this person smiling?", True), ("How old do I look?", "How old does this person look?", True),
    ("How old do you think I am?", "How old do you think this person is?", True),
    ("Describe me.", "Describe this person.", True), ("Rate my selfie.", "Rate this selfie.", True),
    ("Guess my age.", "Guess this person's age.", True),
    # as they are: comparisons with the asker, who the person is, the asker's own judgement or doing
    ("Is she older than me? I'm 30.", "Is she older than me? I'm 30.", False), ("Is he my age?", "Is he my age?", False),
    ("Is this my son?", "Is this my son?", False), ("Is this my daughter's photo?", "Is this my daughter's photo?", False),
    ("This is my son. Does he look happy?", "This is my son. Does he look happy?", False),
    ("I'd say this is a child, am I right?", "I'd say this is a child, am I right?", False),
    ("Am I right that this is a woman?", "Am I right that this is a woman?", False),
    ("Can I see her teeth?", "Can I see her teeth?", False), ("Should I use he or she?", "Should I use he or she?", False),
])
def test_a_question_by_the_askers_relation_or_as_the_asker_is_asked_of_the_person(question, meant, asker):
    from unif2ace.data.questions import about_the_person

    assert about_the_person(question) == (meant, asker)


@pytest.mark.parametrize("answer, said", [
    ("No, she looks neutral.", "No, you look neutral."), ("No. She is not smiling.", "No. You are not smiling."),
    ("Her eyes are open.", "Your eyes are open."), ("He's smiling.", "You're smiling."),
    ("He doesn't look sad.", "You don't look sad."), ("She faces the camera.", "You face the camera."),
    ("This is a woman.", "You look like a woman."),
    ("She is 20 years old, so she is a young adult.", "You look about 20 years old, so you look like a young adult."),
    ("He is 45 years old, so he is middle-aged.", "You look about 45 years old, so you look middle-aged."),
    ("I can't tell from this photo.", "I can't tell from this photo."),
])
def test_an_answer_to_the_asker_about_themselves_says_you(answer, said):
    from unif2ace.data.questions import to_second_person

    assert to_second_person(answer) == said


def test_the_pipeline_answers_the_asker_about_themselves(pipe, monkeypatch):
    woman = "The image shows a close-up portrait of a White woman, aged 34. She has a happy expression. She is smiling."
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: woman for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " Yes. ")
    got = pipe.converse(_images(1, 5) * 2, [[("Do I look older than 30?", None)], [("Is my mom in her 60s?", None)]],
                        align=False, max_new_tokens=3)
    assert got == ["Yes, you look about 34 years old.", "No, she looks about 34 years old."]


@pytest.mark.parametrize("question, meant", [
    ("Am I in my 30s?", "Is this person in their 30s?"),
    ("Do I look like I'm in my 20s?", "Does this person look like this person is in their 20s?"),
])
def test_the_askers_decade_of_life_is_the_persons(question, meant):
    from unif2ace.data.questions import about_the_person

    assert about_the_person(question) == (meant, True)


def test_how_good_something_looks_is_not_seen():
    """7 Dec 2026 (afternoon): "Which looks better, my smile or my eyes?" got "Slightly toward the left side of the
    image."."""
    from unif2ace.generation.constraints import unseen_question

    assert unseen_question("Which looks better, this person's smile or this person's eyes?")
    assert unseen_question("Does she look better smiling?") and not unseen_question("Does she look happy?")


def test_light_enough_and_a_whole_face_and_an_id_photo():
    """7 Dec 2026 (afternoon), as a video-call user asks: "Is there enough light on my face?" got "Yes, your eyes are
    open.", "Can you see my whole face?" "Yes. This is a girl.", "Is this photo good enough for an ID?" "Yes, it is a
    photo of a person."."""
    from unif2ace.data.questions import to_second_person
    from unif2ace.generation.constraints import _asked_values, face_visible_answer, unseen_question

    assert _asked_values("Is there enough light on this person's face?") == {"lighting": "good"}
    assert _asked_values("Is there too little light on her face?") == {"lighting": "dim"}
    man = "The image shows a close-up photo of a White man who is 31 years old."
    whole = face_visible_answer("Can you see this person's whole face?", man)
    assert whole == "I can see the face of a man, but I can't tell whether any part of it is hidden."
    assert to_second_person(whole) == "I can see your face, but I can't tell whether any part of it is hidden."
    assert face_visible_answer("Is the face visible?", man) == "Yes, it is a photo of a man."
    assert unseen_question("Is this photo good enough for an ID?")


def test_several_questions_or_a_choice_asked_as_the_asker_are_answered_to_them(pipe, monkeypatch):
    """7 Dec 2026 (afternoon): "Am I smiling? How old do I look?" and "Am I a child or an adult?" were answered with
    "she": each part, and the choice's stem, is asked in the third person."""
    woman = "The image shows a close-up portrait of a White woman, aged 34. She has a happy expression. She is smiling."
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: woman for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " Yes. ")
    both, choice = pipe.converse(_images(1, 5) * 2, [[("Am I smiling? How old do I look?", None)],
                                                     [("Am I a child or an adult?", None)]], align=False, max_new_tokens=3)
    assert "you look about 34 years old" in both.lower() and "she" not in both.lower()
    assert choice == "An adult: you look about 34 years old."


@pytest.mark.parametrize("question, expected", [
    # 7 Dec 2026 (afternoon): "Is this a person of color?" got "Yes. It is in color.", "Is she Latina?" and "Is he
    # Middle Eastern?" "I can't tell from this photo."
    ("Is this a person of color?", "I can't tell how someone identifies by their face; from this photo, he looks White."),
    ("Is he Middle Eastern?", "I can't tell how someone identifies by their face; from this photo, he looks White."),
    ("Is this person Asian or Hispanic?",
     "I can't tell how someone identifies by their face; from this photo, he looks White."),
    ("Is he from India?", "I can't tell where someone is from by their face; from this photo, he looks White."),
    ("Is he White?", None), ("What color is the photo?", None),
])
def test_how_someone_identifies_is_not_seen_but_how_they_look_is_said(question, expected):
    from unif2ace.generation.constraints import origin_answer

    man = "The image shows a close-up photo of a White older man who is 65 years old. He has a happy expression."
    assert origin_answer(question, man) == expected


def test_a_chats_gender_is_read_from_the_description_as_the_grounded_answers_read_it():
    """7 Dec 2026 (review): a description whose noun names no gender ("a White teenager, aged 13. She …") settled no
    chat, although every grounded answer reads its gender from the pronouns."""
    from unif2ace.pipeline.pipeline import _gender_said_before

    teen = "The photo is a close-up photo; it shows a White teenager, aged 13. She has a happy expression."
    assert _gender_said_before([("How old?", "She is 13 years old."), ("Gender?", None)], teen)
    assert not _gender_said_before([("How old?", "He is 13 years old."), ("Gender?", None)], teen)
    assert not _gender_said_before([("Gender?", None)], teen)


@pytest.mark.parametrize("question", [
    # 7 Dec 2026 (evening): the photo's own date read as the person's age ("How old do you think the photo is?" got
    # "She is 34 years old, …", "Is this photo from the 90s?" "No, she is a young adult, not a senior.") and the
    # light's direction answered about something else ("Is the light coming from the left?" got "No. She is closed.")
    "How old do you think the photo is?", "Is this photo from the 90s?", "Was this picture taken in 1985?",
    "Is the photo from the eighties?", "Is the light coming from the left?", "Where is the light source?",
    "Which side is the light coming from?", "Is she backlit?",
])
def test_the_photos_date_and_the_lights_direction_are_unseen(question):
    from unif2ace.generation.constraints import unseen_question

    assert unseen_question(question)


@pytest.mark.parametrize("question", ["Is she in her 90s?", "Was she born in the 90s?", "Is the lighting even?",
                                      "Is she looking to the left?", "Is the photo dark?", "How old is she in this photo?"])
def test_an_age_a_birth_decade_the_light_and_the_pose_stay_seen(question):
    from unif2ace.generation.constraints import unseen_question

    assert not unseen_question(question)


def test_is_it_dark_asks_the_lighting():
    # "Is it dark?" got "I can't tell from this photo." of a photo described as evenly lit
    man = "The image shows a close-up photo of a White young man, aged 25. It is a color photo with even lighting."
    for question in ("Is it dark?", "Is it too dark?"):
        assert re.fullmatch(r"No[.,] [Tt]he lighting is even\.", grounded_yes_no(question, "Yes.", man)), question


@pytest.mark.parametrize("question, answer, expected", [
    # "What percentage chance is this a woman?" got "Yes. This is a woman."
    ("What percentage chance is this a woman?", "Yes. This is a woman.",
     "I can't put a number on it from one photo; this is a woman."),
    ("Probability that this is male?", "No, this is a girl, not a boy. A young child's gender is hard to tell.",
     "I can't put a number on it from one photo; this is a girl, not a boy. A young child's gender is hard to tell."),
    ("What are the odds she's over 50?", "No, she looks about 34 years old.",
     "I can't put a number on it from one photo; she looks about 34 years old."),
    ("What's the chance this person is a teenager?", "No, she is a young adult, not a teenager.",
     "I can't put a number on it from one photo; she is a young adult, not a teenager."),
    ("Any chance this is a woman?", "Yes. This is a woman.", None),  # asks yes or no, no number
    ("Is this a woman?", "Yes. This is a woman.", None),
    ("What percentage chance is this a woman?", "I can't tell from this photo.", None),  # no Yes or No to replace
    # a confidence score asked beside an open question (7 Dec 2026: "Give a confidence score for your gender
    # prediction." got "A woman.")
    ("Give a confidence score for your gender prediction.", "A woman.",
     "I can't put a number on my confidence from one photo; my reading: a woman."),
    ("How old is she? How confident are you, in percent?", "41 years old: middle-aged.",
     "I can't put a number on my confidence from one photo; my reading: 41 years old: middle-aged."),
    ("Give a confidence score for your gender prediction.", '{"gender": "female"}', None),  # a form keeps its form
    ("How confident are you that this is a woman, from 1 to 5?", "Yes. This is a woman.",
     "I can't put a number on it from one photo; this is a woman."),
    ("What percentage of the photo is the face?", "The face fills most of the photo.", None),
])
def test_odds_asked_as_a_number_say_none_is_read(question, answer, expected):
    from unif2ace.generation.constraints import odds_answer

    assert odds_answer(question, answer) == expected


@pytest.mark.parametrize("question, answer, expected", [
    # 7 Dec 2026 (night): each got the answer alone
    ("Is this person more likely a man or a woman, and how confident are you?", "A man.",
     "A man. I'm fairly sure, but I judge from this one photo and can be wrong, though rarely about a grown-up's "
     "gender: most of my gender mistakes are about young children."),
    ("Boy or girl? How sure are you?", "A girl.",
     "A girl. I'm fairly sure, but I judge from this one photo and can be wrong, most often about a young child's gender."),
    ("Guess the age and tell me how sure you are.", "He is 27 years old, so he is a young adult.",
     "He is 27 years old, so he is a young adult. I'm fairly sure, but I judge from this one photo and can be wrong, "
     "most often about the age by a few years."),
    ("How sure are you?", "A man.", None),  # the doubt alone: small talk's
    ("How old is she? How confident are you, in percent?", "41 years old.", None),  # a number: odds_answer's
    ("Boy or girl, and how sure are you?", "A boy. A young child's gender is hard to tell from a face, so I may be "
     "wrong.", None),  # already said
    ("How old is she, and how sure are you?", '{"age": 41}', None), ("Is she smiling?", "Yes.", None),
    # 8 Dec 2026: "How confident are you that this is a woman?" got "Yes. It is a woman. I'm fairly sure, …"; and a
    # young child's age is off by a year or two, not "a few years"
    ("How confident are you that this is a woman?", "Yes. It is a woman.", "It is a woman. I'm fairly sure, but I judge "
     "from this one photo and can be wrong, though rarely about a grown-up's gender: most of my gender mistakes are "
     "about young children."),
    ("What age group do they belong to, and how sure are you?", "She is 1 year old, so she is a child.",
     "She is 1 year old, so she is a child. I'm fairly sure, but I judge from this one photo and can be wrong, most "
     "often about the age by a year or two."),
])
def test_how_sure_asked_beside_a_question_is_said_after_the_answer(question, answer, expected):
    from unif2ace.generation.constraints import confidence_added

    assert confidence_added(question, answer) == expected


@pytest.mark.parametrize("question, box, expected", [
    ("Is the face centered in the frame?", (200, 150, 440, 390), "Yes, the face is in the middle of the photo"),
    ("Is the face centred?", (20, 200, 200, 400), "No, the face is on the left of the photo"),
    ("Is her face off-center?", (500, 0, 640, 100), "Yes, the face is in the upper right of the photo"),
    ("Where is the face in the picture?", (200, 0, 400, 100), "The face is at the top of the photo"),
])
def test_where_the_face_is_in_the_photo_is_said_in_words(question, box, expected):
    """7 Dec 2026 (night): "Is the face centered in the frame?" got "I can't tell from this photo."; by thirds of
    each side of the photo."""
    from unif2ace.generation.constraints import face_box_answer

    assert face_box_answer(question, box, (640, 480)) == \
        f"{expected}: its box is [{', '.join(map(str, box))}] (left, top, right, bottom, in pixels)."
    # without the photo's size, the box alone, as before
    assert face_box_answer("Where is the face in the picture?", box) == \
        f"The face's box in the photo is [{', '.join(map(str, box))}] (left, top, right, bottom, in pixels)."
    assert face_box_answer("Is she centered?", box, None) is None


def test_a_percentage_chance_asks_the_yes_no_question_inside():
    from unif2ace.data.questions import is_yes_no

    for question in ("What percentage chance is this a woman?", "What's the percentage chance this is a man?"):
        assert is_yes_no(question), question
    assert not is_yes_no("What percentage of the photo is the face?")


@pytest.mark.parametrize("question, expected", [
    # 7 Dec 2026 (evening): "is he 🙂" got "I can't tell from this photo."
    ("is he 🙂", "is he happy"), ("Does she look 😢?", "Does she look sad?"), ("Is he 😂?", "Is he laughing?"),
    ("Is she 😊 or 😢?", "Is she happy or sad?"), ("is she 🙂🙂", "is she happy"), ("she's 😊?", "she's happy?"),
    ("Is the person 😐?", "Is the person neutral?"),
    # first in the message (8 Dec 2026: "😊 or 😐?" got "No. She looks happy, not neutral.", read as "or neutral?")
    ("😊 or 😐?", "happy or neutral?"), ("🙂?", "happy?"),
    # an emoji beside the question is no part of it
    ("How old is she? 😊", "How old is she?"), ("Hi 👋 how old is this guy", "Hi how old is this guy"),
    # a question about emoji keeps them, and an emoji alone is left as typed
    ("Which emoji fits her face? 😊", "Which emoji fits her face? 😊"), ("😊", "😊"),
    ("How old is she?", "How old is she?"),
])
def test_an_expression_typed_as_an_emoji_is_read_as_its_word(question, expected):
    from unif2ace.data.questions import emoji_as_words
    from unif2ace.pipeline.pipeline import tidy_question

    assert emoji_as_words(question) == expected
    assert tidy_question(question) == expected


@pytest.mark.parametrize("question, expected", [
    # 7 Dec 2026 (evening): "Is he older than a teenager?" got "No, he is a senior, not a teenager." of a man of 75,
    # "Is this person older than the average college student?" "No, he looks about 75 years old."
    ("Is he older than a teenager?", (20, 200)), ("Is he older than most teenagers?", (20, 200)),
    ("Is he younger than a teenager?", (0, 12)), ("Is she younger than a senior?", (0, 55)),
    ("Is this person older than the average college student?", (25, 200)),
    ("Is he older than a typical high schooler?", (19, 200)), ("Is he older than a baby?", (4, 200)),
    ("Is he older than a teenager but younger than 60?", (20, 59)),
    ("Is she younger than a senior and older than a child?", (13, 55)),
    ("Is she younger than 56 and older than 12?", (13, 55)),  # not "56 and older"
    ("Is she 60 and older?", (60, 200)), ("Is he 18 and over?", (18, 200)),
    ("Is he older than his sister?", None),  # no age
])
def test_a_time_of_life_is_an_age_bound(question, expected):
    from unif2ace.generation.constraints import asked_age_range

    assert asked_age_range(question) == expected


def test_older_than_a_teenager_is_answered_by_the_described_age():
    old = "The image shows a close-up photo of a White older man who is 75 years old. He has a happy expression."
    boy = "The image shows a close-up photo of a White boy who is 4 years old. He has a happy expression."
    assert grounded_yes_no("Is he older than a teenager?", "No.", old).startswith("Yes")
    assert grounded_yes_no("Is he older than a teenager?", "Yes.", boy).startswith("No")
    assert grounded_yes_no("Is he younger than a teenager?", "No.", boy).startswith("Yes")


@pytest.mark.parametrize("questions, expected", [
    # 7 Dec 2026 (evening): "In months?" after "How old?" got "I can't tell from this photo.", "Narrower." after a
    # range "No, it is a photo of a woman."
    (["How old?", "In months?"], "How old is this person in months?"),
    # 7 Dec 2026: "Round it to the nearest 5." after "Age?" got "I may be wrong, but …"
    (["Age?", "Round it to the nearest 5."], "How old is this person, rounded to the nearest 5 years?"),
    (["How old?", "To the nearest decade please"], "How old is this person, to the nearest decade?"),
    (["Is she smiling?", "Round it to the nearest 5."], None),
    (["How old is she?", "And in dog years?"], "How old is this person in dog years?"),
    (["How old?", "Give me a range instead.", "Narrower."], "Give me an age range for this person, 2 times narrower."),
    (["How old?", "Give me a range instead.", "Narrower.", "Even narrower."],
     "Give me an age range for this person, 4 times narrower."),
    (["Age range?", "Wider please"], "Give me an age range for this person, 2 times wider."),
    (["Give me a range for her age.", "Can you narrow it down?"], "Give me an age range for this person, 2 times narrower."),
    (["Give me a range for her age.", "Narrower.", "Wider."], "Give me an age range for this person."),
    (["How old?", "Narrower."], None),  # no range given to narrow
    (["Is she smiling?", "In months?"], None),  # no age given
])
def test_the_age_again_in_months_and_the_range_again_narrower(questions, expected):
    from unif2ace.data.questions import age_follow_up

    assert age_follow_up(questions) == expected


def test_a_range_asked_narrower_or_wider_scales_the_usual_one():
    from unif2ace.generation.constraints import AGE_RANGE_HALF_WIDTH, age_range_answer

    half = AGE_RANGE_HALF_WIDTH["young adult"]
    usual = age_range_answer("Give me an age range for this person.", "She is 28 years old.")
    assert usual == f"Roughly {28 - half} to {28 + half} years old (my best guess: 28)."
    narrow = age_range_answer("Give me an age range for this person, 2 times narrower.", "She is 28 years old.")
    assert narrow == f"Roughly {28 - half // 2} to {28 + half // 2} years old (my best guess: 28)."
    wide = age_range_answer("Give me an age range for this person, 2 times wider.", "She is 28 years old.")
    assert wide == f"Roughly {max(28 - 2 * half, 0)} to {28 + 2 * half} years old (my best guess: 28)."


@pytest.mark.parametrize("questions, expected", [
    # "Add the ethnicity." after a JSON description got the reply that a chat changes no photo
    (["Describe the person in JSON.", "Add the ethnicity."], "Describe the person in JSON."),
    (["Describe this person in one sentence.", "Remove the age.", "Add the age back."],
     "Describe this person in one sentence."),
    (["Describe this person.", "Remove the mood.", "Remove the race."],
     "Describe this person without mentioning the expression or the ethnicity."),
    (["Describe this person.", "Remove the mood.", "Remove the race.", "Include the emotion please"],
     "Describe this person without mentioning the ethnicity."),
    (["How old is she?", "Add the ethnicity."], None),  # no description before
])
def test_what_a_description_left_out_can_be_put_back(questions, expected):
    from unif2ace.data.questions import asks_image_change, description_follow_up

    assert description_follow_up(questions) == expected
    assert not asks_image_change(questions[-1])


def test_is_that_all_after_the_description_says_it_is_everything():
    from unif2ace.data.questions import more_after_description

    for more in ("Is that all?", "What else can you tell me?", "Is there anything else?", "That's it?"):
        assert more_after_description(["Describe this person.", more]), more
    assert not more_after_description(["How old is she?", "Is that all?"])


def test_look_again_and_that_seems_too_high_are_doubts():
    from unif2ace.generation.constraints import remark_attribute, small_talk

    for doubt in ("Look again.", "Check again please", "Take another look.", "double-check that"):
        assert small_talk(doubt, "Man or woman?").startswith("It is my best reading"), doubt
    for remark in ("That seems too high.", "Way too low", "That is a high estimate."):
        assert remark_attribute(remark, "Age?") == "age_group", remark
        assert remark_attribute(remark, "Is she smiling?") is None, remark  # a number of what?


@pytest.mark.parametrize("question, expected", [
    ("Say it like a pirate.", "voice"), ("Describe her in the style of Shakespeare.", "voice"),
    ("Now say that as a cowboy.", "voice"), ("Write a dating profile for this person.", "dating profile"),
    ("Does she look like a pirate?", None),  # a question, not a voice asked
])
def test_a_voice_or_a_dating_profile_is_writing_the_chat_does_not_do(question, expected):
    from unif2ace.data.questions import asks_creative, creative_note

    assert asks_creative(question) == expected
    if expected:
        assert creative_note(question, "A woman.").endswith("Here is what I see: A woman.")


def test_a_social_media_caption_is_one_sentence():
    from unif2ace.data.questions import asked_length

    for question in ("How would you caption this for Instagram?", "Summarize the photo in a tweet."):
        assert asked_length(question) == ("sentences", 1), question


@pytest.mark.parametrize("question, meant, yes_no", [
    # 7 Dec 2026 (evening): "u think shes happy" got "No. She looks happy." (no question mark: no yes/no question),
    # "Could you possibly estimate, if it is not too much trouble, the age of this person?" "No. He is not smiling."
    ("u think shes happy", "you think she's happy", True),
    ("you think he is over 50", "you think he is over 50", True),
    ("you think so", "you think so", False),
    ("Could you possibly estimate, if it is not too much trouble, the age of this person?",
     "Could you possibly estimate the age of this person?", False),
    ("Can you tell me, if you don't mind, how old she is?", "Can you tell me how old she is?", False),
    ("Could you describe her if possible?", "Could you describe her?", False),
    ("How old is she, if you can tell?", "How old is she, if you can tell?", False),  # no courtesy: kept
    ("Can you tell if she is smiling?", "Can you tell if she is smiling?", True),
])
def test_courtesies_and_chat_typed_questions_are_read_as_asked(question, meant, yes_no):
    from unif2ace.data.questions import as_meant, is_yes_no

    assert as_meant(question) == meant
    assert is_yes_no(as_meant(question)) == yes_no


def test_answer_with_a_single_integer_asks_the_number_alone():
    from unif2ace.data.questions import asked_length

    assert asked_length("Answer with a single integer. Age?") == ("words", 1)
    assert asked_length("Reply with a number: how old is he?") == ("words", 1)
    assert asked_length("Answer with a number of words.") is None


def test_sorrow_and_glum_are_sad():
    for word in ("sorrow", "glum", "gloomy", "melancholy", "downcast"):
        assert parse_attribute(word, "emotion") == "sad", word


@pytest.mark.parametrize("question, expected", [
    # 7 Dec 2026 (evening): an age told beside the question ("He's actually 50. Does he look his age?" got "I can't
    # tell: a photo shows how old someone looks, not how old they are"; "This person is 80 in this photo. Does this
    # person look younger than their age?" "I can't tell from this photo.")
    ("He's actually 50. Does he look his age?", (47, 53)),
    ("Does she look her age? She's 35.", (32, 38)),
    ("She's 35. Does she look young for her age?", (0, 34)),
    ("This person is 80 in this photo. Does this person look younger than their age?", (0, 79)),
    ("I'm 25. Do I look older than I am?", (26, 200)),
    ("I'm 60. Do I look young for my age?", (0, 59)),
    ("Is he 50?", (48, 52)),  # an age asked, not told
    ("Does he look his age?", None),  # no age told: own_age_answer's
])
def test_an_age_told_beside_the_question_is_the_bound_it_names(question, expected):
    from unif2ace.generation.constraints import (
        _my_age_named,
        asked_age_range,
        own_age_answer,
        unseen_question,
    )

    assert asked_age_range(question) == expected
    told = expected is not None and _my_age_named(question) != question
    assert (own_age_answer(question, "A photo of a man who is 58 years old.") is None) == (expected is not None)
    if told:
        assert not unseen_question(question)


def test_the_asker_telling_their_age_is_answered_as_you():
    from unif2ace.data.questions import about_the_person

    assert about_the_person("I'm 25. Do I look older than I am?") == ("I'm 25. Does this person look older than 25?", True)
    assert about_the_person("Do I look my age? I'm 60.") == ("Does this person look about 60? I'm 60.", True)
    # another person compared with the asker stays as it is
    assert about_the_person("Is she older than me? I'm 30.") == ("Is she older than me? I'm 30.", False)


def test_a_year_given_for_the_photo_is_no_question_about_its_date():
    from unif2ace.generation.constraints import unseen_question

    assert not unseen_question("What age will this person be in 2030 if the photo is from 2017?")


def test_a_low_quality_photo_asked_is_answered_the_right_way_round():
    """7 Dec 2026 (evening): "Is the photo low quality?" of a sharp photo got "Yes: it is in sharp focus."."""
    from unif2ace.generation.constraints import photo_quality_answer

    sharp = "The image shows a close-up photo of a man. It is a color photo, sharp, with even lighting."
    blurry = "The image shows a close-up photo of a man. It is a blurry color photo with dim lighting."
    for question in ("Is the photo low quality?", "Is this a bad quality picture?", "Is the photo quality poor?"):
        assert photo_quality_answer(question, sharp) == "No: it is in sharp focus and evenly lit.", question
        assert photo_quality_answer(question, blurry) == "Yes, somewhat: it is blurry and dimly lit.", question
    assert photo_quality_answer("Is the photo high quality?", sharp) == "Yes: it is in sharp focus and evenly lit."
    assert photo_quality_answer("Is the photo high quality?", blurry) == "Not really: it is blurry and dimly lit."


@pytest.mark.parametrize("question, attribute, value", [
    # each got words about something else ("Are the eyes half closed?" → "No. He is not smiling.", "Is there any
    # blur?" → "No. It is a photo of a man.")
    ("Are the eyes half closed?", "eyes", "narrowed"), ("Are her eyes half-shut?", "eyes", "narrowed"),
    ("Is there any blur?", "sharpness", "blurry"), ("Is there some motion blur?", "sharpness", "blurry"),
])
def test_half_closed_eyes_and_any_blur_are_asked_values(question, attribute, value):
    from unif2ace.generation.constraints import _asked_values

    assert _asked_values(question).get(attribute) == value


def test_a_three_quarter_view_is_a_turned_head_and_how_bright_asks_the_lighting():
    from unif2ace.data.questions import asked_attributes

    turned = "The image shows a close-up photo of a man. His head is turned slightly toward the right side of the frame."
    assert grounded_yes_no("Is it a three-quarter view?", "No.", turned).startswith("Yes")
    assert grounded_yes_no("Is it a three-quarter view?", "Yes.", "A photo of a man. He faces the camera.").startswith("No")
    for question in ("How bright is the photo?", "How dark is this picture?"):
        assert asked_attributes(question) == ["lighting"], question


@pytest.mark.parametrize("message, previous, expected", [
    # 7 Dec 2026 (evening): a remark that agrees got "I may be wrong, but …", one about the expression "No, she looks
    # happy, not surprised.", and "You got the age wrong, …" the age again
    ("No, it's a woman.", "Is this a man?", "Yes: from this photo this is a woman."),
    ("No, it's a man.", "Is this a woman?", "I may be wrong, but from this photo this is a woman."),
    ("She is about 60.", "How old?", "Yes: from this photo she looks about 60 years old, so she is a senior."),
    ("They're actually 40.", "How old?", "I may be wrong, but from this photo she looks about 60 years old, so she is a senior."),
    ("Actually they're sad.", "What's the expression?", "I may be wrong, but from this photo she looks happy."),
    ("She looks happy to me.", None, "Yes: from this photo she looks happy."),
    ("She's not smiling.", "Is she smiling?", "I may be wrong, but from this photo she looks happy."),
    ("She is smiling.", "Is she smiling?", "Yes: from this photo she looks happy."),
    ("You got the age wrong, this person is 50.", "Describe this person.",
     "I may be wrong, but from this photo she looks about 60 years old, so she is a senior."),
    ("Wrong gender.", "Describe this person.", "I may be wrong, but from this photo this is a woman."),
    ("Is she smiling?", None, None),  # a question
])
def test_a_remark_is_agreed_with_or_answered_with_the_description(message, previous, expected):
    from unif2ace.generation.constraints import remark_reply

    woman = "The image shows a close-up photo of a White older woman who is 60 years old. She has a happy expression."
    assert remark_reply(message, woman, previous) == expected


@pytest.mark.parametrize("questions, expected", [
    (["Is this person smiling?", "How much?"], "How happy is this person on a scale of 1 to 10?"),
    (["What is her mood?", "To what extent?"], "How happy is this person on a scale of 1 to 10?"),
    (["How old?", "How much?"], None),
])
def test_how_much_after_the_smile_is_a_rating_no_photo_gives(questions, expected):
    from unif2ace.data.questions import intensity_follow_up

    assert intensity_follow_up(questions) == expected


@pytest.mark.parametrize("questions, expected", [
    (["Age?", "Give me your best guess as a single number."], "How old is this person? Answer with a number only."),
    (["How old?", "Just the number please"], "How old is this person? Answer with a number only."),
    (["Is she smiling?", "As a number."], None),
])
def test_the_age_again_as_a_number(questions, expected):
    from unif2ace.data.questions import age_follow_up, asked_length

    assert age_follow_up(questions) == expected
    if expected:
        assert asked_length(expected) == ("words", 1)


def test_a_word_for_a_time_of_life_is_defined_by_the_age_groups():
    from unif2ace.generation.constraints import _BARE_AGE, term_definition

    # "Define young." after "Is this person young?" got "Yes. She is smiling."
    assert term_definition("Define young.").startswith("By young I mean up to 35 years old")
    assert _BARE_AGE[0][1] == (0, 35)  # the span a bare "young" is checked against
    assert term_definition("What counts as a senior?").startswith("By senior I mean 56 or older")
    assert term_definition('Define "middle aged"').startswith("By middle-aged I mean 36 to 55 years old")
    assert term_definition("Define happy.") is None and term_definition("Is she young?") is None
    # 8 Dec 2026: "What age would make them an adult?" got "10 years old: a child."
    assert term_definition("What age would make them an adult?").startswith("By adult I mean 18 or older")
    assert term_definition("At what age does someone become a senior?").startswith("By senior I mean 56 or older")


@pytest.mark.parametrize("message, agrees", [
    # what a remark says the person is not is no agreement ("It is not a man." of a man)
    ("That's a woman, not a man.", False), ("That's a man, not a woman.", True), ("It is not a man.", False),
    ("Not a woman, a man.", True), ("He is not sad, he is happy.", True), ("He is not happy.", False),
    ("He isn't smiling.", False), ("He is smiling.", True), ("He doesn't look happy.", False),
    ("He does not look like a woman.", False),
])
def test_a_remark_agrees_only_with_what_it_says_the_person_is(message, agrees):
    from unif2ace.generation.constraints import remark_reply

    man = "The image shows a close-up photo of a White man who is 40 years old. He has a happy expression. He is smiling."
    reply = remark_reply(message, man, "Is this a woman?")
    assert reply.startswith("Yes: from this photo") == agrees, reply


@pytest.mark.parametrize("question, expected", [
    # "Is this child old enough for kindergarten?" got "Yes, possibly: he looks about 10 years old." (read as being in
    # kindergarten); "Would this kid be in daycare?" "Yes, he is a child." of a boy of 10
    ("Is this child old enough for kindergarten?", (3, 200)), ("Is she old enough to go to college?", (18, 200)),
    ("Is he old enough for high school?", (14, 200)), ("Is he old enough for school?", (5, 200)),
    ("Is she old enough to vote?", (18, 200)), ("Would this kid be in daycare?", (0, 5)),
    ("Is this child in kindergarten?", (3, 6)),
])
def test_old_enough_for_a_stage_is_its_first_year(question, expected):
    from unif2ace.generation.constraints import asked_age_range

    assert asked_age_range(question) == expected


def test_yaml_puts_each_key_on_a_line():
    from unif2ace.generation.structured import json_request, structured_reply

    ask = json_request("Give me age and gender as YAML.")
    said = structured_reply(ask, "The photo shows a woman who is 25 years old. It is a color photo.")
    assert said == "age: 25\ngender: female"
    said = structured_reply(json_request("Describe her in YAML."), "The photo shows a woman who is 25 years old.",
                            box=(1, 2, 3, 4))
    assert "\nface_box: [1, 2, 3, 4]\n" in said and said.startswith("gender: female\nage: 25\n")


def test_an_age_range_after_aged_is_a_span():
    """"Is the person aged 18-25?" got "No. She is a young adult, not a teenager." of a woman described as 28."""
    from unif2ace.generation.constraints import asked_age_range

    assert asked_age_range("Is the person aged 18-25?") == (18, 25)
    assert asked_age_range("Is she in the age range 25-35?") == (25, 35)
    woman = "The image shows a close-up photo of a White young woman who is 28 years old."
    assert grounded_yes_no("Is the person aged 18-25?", "No.", woman) == "No. She looks about 28 years old."


@pytest.mark.parametrize("question, roll, expected", [
    # 7 Dec 2026: "Is the photo upside down?" got "No, it is a photo of a person."
    ("Is the photo upside down?", 2.0, "No, the face is upright in the photo."),
    ("Is the photo upside down?", -178.0, "Yes, the photo is upside down (I turned it round to read the face)."),
    ("Is this picture sideways?", 92.0, "Yes, the photo is on its side, the top of the head to the right (I turned it "
                                        "upright to read the face)."),
    ("Is the image the right way up?", -88.0, "No, the photo is on its side, the top of the head to the left (I turned "
                                              "it upright to read the face)."),
    ("Is the photo rotated?", 179.0, "Yes, the photo is upside down (I turned it round to read the face)."),
    ("Is it upside down?", 20.0, "No, the face is upright in the photo."),  # a tilted head is the head's pose
    # the person's turn, not the photo's; no roll known (a crop read as given)
    ("Is this person turned sideways?", 92.0, None), ("Is she upside down?", 180.0, None),
    ("Is the photo upside down?", None, None), ("How old is she?", 180.0, None),
])
def test_which_way_up_the_photo_is_comes_from_the_faces_roll(question, roll, expected):
    from unif2ace.generation.constraints import orientation_answer

    assert orientation_answer(question, roll) == expected


@pytest.mark.parametrize("question, answer, expected", [
    # 7 Dec 2026: "What's the person's apparent age bracket (e.g. 20-29)?" got "She is 85 years old, so she is a senior."
    ("What's the person's apparent age bracket (e.g. 20-29)?", "She is 85 years old, so she is a senior.",
     "80-89 (my best guess: 85)."),
    ("Age bracket, e.g. 25-34?", "She is 34 years old.", "25-34 (my best guess: 34)."),
    ("Age bracket, e.g. 25-34?", "She is 35 years old.", "35-44 (my best guess: 35)."),
    ("Age bracket, e.g. 25-34?", "She is 3 years old.", "0-4 (my best guess: 3)."),  # the first bracket from 0
    ("Give me an age range for him.", "He is 47 years old.", "Roughly 33 to 61 years old (my best guess: 47)."),
    # a bracket asked alone is the age group (a held-out template of the evaluation)
    ("Which age bracket does this person fall into?", "10 years old: a child.", None),
])
def test_an_age_bracket_shaped_by_an_example_takes_its_width_and_steps(question, answer, expected):
    from unif2ace.generation.constraints import age_range_answer

    assert age_range_answer(question, answer) == expected


@pytest.mark.parametrize("question, answer, expected", [
    # 8 Dec 2026: "Give me your top 3 guesses for the age." got the one age; the others are half the range's
    # half-width apart (14 for the middle-aged, 2 for a child), never below 0
    ("Give me your top 3 guesses for the age.", "He is 47 years old.", "My best guess is 47; next, 40 and 54."),
    ("What are your two best estimates for her age?", "She is 6 years old.", "My best guess is 6; next, 5."),
    ("Give 5 guesses of his age.", "He is 2 years old.", "My best guess is 2; next, 1, 3, 0 and 4."),
    ("Give me three guesses.", "He is 0 years old.", "My best guess is 0; next, 1 and 2."),
    ("Give me three guesses.", "I can't tell from this photo.", None),
])
def test_several_age_guesses_are_the_age_and_others_either_side(question, answer, expected):
    from unif2ace.generation.constraints import age_range_answer

    assert age_range_answer(question, answer) == expected


@pytest.mark.parametrize("message, starts", [
    # 7 Dec 2026: each got "I can't tell from this photo."
    ("What would make you more sure?", "A sharper, well-lit photo"), ("Can you be more specific?", "That is as precise"),
    ("Be more precise.", "That is as precise"),
])
def test_asking_for_more_certainty_or_precision_is_answered(message, starts):
    assert small_talk(message, "How old is he?").startswith(starts)


@pytest.mark.parametrize("caption, expected", [
    # 7 Dec 2026: "Is the face in profile?" of a slightly turned head got "Yes, her head is turned slightly right."
    ("A woman, aged 30. Her head is turned slightly right.", "No, her head is turned only slightly right, not in "
                                                             "profile."),
    ("A woman, aged 30. Her head is turned right.", "No, not in full profile: her head is turned right."),
    ("A woman, aged 30. She faces the camera.", "No, she faces the camera."),
])
def test_a_face_the_detector_found_is_never_in_full_profile(caption, expected):
    for question in ("Is the face in profile?", "Is it a side view?"):
        assert grounded_yes_no(question, "Yes, her head is turned.", caption) == expected
    # turned to the side is what a turned head is
    assert grounded_yes_no("Is her face turned to the side?", "Yes, her head is turned.", caption).startswith(
        "No" if "camera" in caption else "Yes")


@pytest.mark.parametrize("question, answer, expected", [
    # 7 Dec 2026: "How many eyes are open?" got "Her eyes are open."
    ("How many eyes are open?", "Her eyes are open.", "Both: her eyes are open."),
    ("How many of his eyes are closed?", "His eyes are open.", "Neither: his eyes are open."),
    ("How many eyes are open?", "Her eyes are closed.", "Neither: her eyes are closed."),
    ("Are her eyes open?", "Yes, her eyes are open.", None), ("How many eyes are open?", "Both are open.", None),
])
def test_eyes_counted_are_both_or_neither(question, answer, expected):
    from unif2ace.generation.constraints import eyes_counted

    assert eyes_counted(question, answer) == expected


@pytest.mark.parametrize("question, answer, expected", [
    # 7 Dec 2026: "Is the person facing left or right?" of a frontal face got "Straight toward the camera."
    ("Is the person facing left or right?", "Straight toward the camera.", "Neither: straight toward the camera."),
    ("Is she facing left or right?", "She faces the camera.", "Neither: she faces the camera."),
    ("Is the person facing left or right?", "Toward the left side of the image.", None),
    ("Is she facing the camera?", "Yes, she faces the camera.", None),
])
def test_a_side_asked_as_a_choice_of_a_frontal_face_is_neither(question, answer, expected):
    from unif2ace.generation.constraints import neither_side

    assert neither_side(question, answer) == expected


@pytest.mark.parametrize("question, expected", [
    ("When was this photo taken?", "On 21 July 2019, by the date stored in the photo file (its EXIF data)."),
    ("What year was the picture taken?", "On 21 July 2019, by the date stored in the photo file (its EXIF data)."),
    ("What decade was this photo probably taken in?",
     "In the 2010s: it was taken on 21 July 2019, by the date stored in the photo file (its EXIF data)."),
    ("How old is this photo?", "It is about 7 years old: it was taken on 21 July 2019, by the date stored in the photo "
                               "file (its EXIF data)."),
    ("Is this a recent photo?", "Not really: it was taken on 21 July 2019, by the date stored in the photo file (its "
                                "EXIF data), so it is about 7 years old."),
    ("Is this an old picture?", "Not really: it was taken on 21 July 2019, by the date stored in the photo file (its "
                                "EXIF data), so it is about 7 years old."),
    ("What year was he born?", None), ("How old is he?", None), ("Is she an old woman?", None),
    ("When was this photo taken, and how old is he?",  # (the message is split: data.questions.split_questions)
     "On 21 July 2019, by the date stored in the photo file (its EXIF data)."),
])
def test_the_photos_date_is_the_one_its_file_holds(question, expected):
    """7 Dec 2026 (night): "When was this photo taken?" got "I can't tell from this photo." whatever the file said."""
    import datetime

    from unif2ace.generation.constraints import photo_date_answer

    today = datetime.date(2026, 12, 7)
    assert photo_date_answer(question, "2019-07-21", today) == expected
    if expected is not None:
        assert photo_date_answer(question, None, today).startswith("I can't tell: the photo file holds no date")
    assert photo_date_answer("Is this an old photo?", "1990-01-01", today).startswith("Yes: it was taken on 1 January 1990")
    assert photo_date_answer("Is this a new photo?", "2026-06-01", today).startswith("Yes: it was taken on 1 June 2026")


def test_a_year_of_birth_uses_the_photo_files_date_when_the_question_gives_none():
    from unif2ace.generation.constraints import birth_year_answer

    man = "The photo shows a White man who is 27 years old. He has a neutral expression."
    assert birth_year_answer("What year was he born?", man, "2019-07-21") == \
        "About 1992: he looks about 27 years old, and the photo file says it was taken in 2019."
    assert birth_year_answer("Is he a millennial?", man, "2019-07-21") == \
        "Yes: he was born about 1992; he looks about 27 years old, and the photo file says it was taken in 2019."
    # a year the question gives comes first
    assert birth_year_answer("What year was he born, if the photo was taken in 2017?", man, "2019-07-21") == \
        "About 1990: he looks about 27 years old, and the photo is from 2017."
    assert birth_year_answer("What year was he born?", man).startswith("I can't tell when the photo was taken")


@pytest.mark.parametrize("message, previous, expected", [
    # 7 Dec 2026 (night): "Higher." after "Guess the age." got "She is smiling.", then "Lower." "Yes. This is a child."
    ("Higher.", "Guess the age.", "age_group"), ("Higher.", "Higher.", "age_group"), ("No, lower.", "How old?", "age_group"),
    ("Go up a bit.", "Age?", "age_group"), ("Younger.", "How old is she?", "age_group"),
    ("Higher.", "Is she smiling?", None), ("Higher or lower?", "Age?", None), ("Higher.", None, None),
    # 8 Dec 2026: "Still higher." after "Higher." got "He is smiling."
    ("Still higher.", "Higher.", "age_group"), ("Even lower.", "Guess the age.", "age_group"),
    # a dispute said as a supposition (8 Dec 2026: "What if I told you you're wrong?" got "I can't tell from this photo.")
    ("What if I told you you're wrong?", "What's the gender?", "gender"),
])
def test_higher_or_lower_in_a_word_after_an_age_disputes_it(message, previous, expected):
    from unif2ace.generation.constraints import remark_attribute

    assert remark_attribute(message, previous) == expected


def test_like_ten_years_older_after_an_age_is_a_doubt_of_it():
    from unif2ace.data.questions import age_follow_up

    assert age_follow_up(["How old is this person?", "Hmm, I'd say older.", "Like 10 years older."]) == \
        "Could the person be 10 years older?"
    assert age_follow_up(["Is she smiling?", "Like 10 years older."]) is None


@pytest.mark.parametrize("message", ["How accurate are you?", "How reliable is that description?",
                                     "What's the most uncertain part of that description?",
                                     "What are you least sure about?", "Which part are you least confident about?"])
def test_how_reliable_the_answers_are_is_said(message):
    """7 Dec 2026 (night): "What's the most uncertain part of that description?" got "I can't tell from this photo."."""
    from unif2ace.generation.constraints import small_talk

    assert small_talk(message, "Describe this person.").startswith("The age is the least sure part")
    assert small_talk("How good is it?") is None  # the photo, perhaps


def test_a_smiles_sincerity_and_contentment_are_read():
    """7 Dec 2026 (night): "Is he faking a smile?" got "Yes. He is smiling.", "Would you say she's content?" "I can't
    tell from this photo."."""
    from unif2ace.evaluation.attributes import parse_attribute
    from unif2ace.generation.constraints import unseen_question

    assert unseen_question("Is he faking a smile?") and unseen_question("Does her smile look fake?")
    assert not unseen_question("Is he smiling?")
    for happy in ("Would you say she's content?", "Is he content?", "She looks content."):
        assert parse_attribute(happy, "emotion") == "happy", happy
    assert parse_attribute("What is the content of this image?", "emotion") is None


def test_what_would_change_the_models_mind_is_answered():
    from unif2ace.generation.constraints import small_talk

    # 7 Dec 2026 (night): got "I can't tell from this photo."
    assert small_talk("What would change your mind?").startswith("A sharper, well-lit photo")


def test_options_asked_with_a_reason_get_the_option_and_its_reason(pipe, monkeypatch):
    # 8 Dec 2026: "Is he a child, a teen, an adult or a senior, and why?" got "An adult." without a reason, and "Is
    # this person happy or sad, and why?" of a neutral face its whole description
    man = " The photo shows a White man who is 47 years old. He looks neutral. He has his mouth closed. "
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: man for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: man)
    got = pipe.ask(_images(2, 5), ["Is he a child, a teen, an adult or a senior, and why?",
                                   "Is this person happy or sad, and why?"], align=False, max_new_tokens=3)
    assert got[0].startswith("An adult. From the face as a whole") and "about 47 years old" in got[0], got[0]
    assert got[1] == "Neither: he looks neutral. From his expression: he looks neutral.", got[1]


def test_a_number_in_words():
    from unif2ace.generation.constraints import number_words

    assert [number_words(n) for n in (0, 1, 13, 20, 21, 45, 99, 100, 105, 120)] == [
        "zero", "one", "thirteen", "twenty", "twenty-one", "forty-five", "ninety-nine", "one hundred",
        "one hundred and five", "one hundred and twenty"]


@pytest.mark.parametrize("luminance, said", [
    (60.0, None), (90.0, "a little on the dim side"), (140.0, None), (185.0, "a little on the bright side"),
    (220.0, None), (None, None),
])
def test_a_light_between_the_labellers_bands_is_said_as_in_between(luminance, said):
    # 8 Dec 2026: "How is the lighting?" of a photo of mean luma 85 (the labeller's dim threshold) got "I can't tell
    # from this photo."
    from unif2ace.generation.constraints import lighting_between

    got = lighting_between(luminance)
    assert (got is None) if said is None else got.endswith(said + ".")


def test_the_pipeline_says_a_light_in_between_rather_than_cant_tell(pipe, monkeypatch):
    monkeypatch.setattr(pipe, "_own_answers", lambda question, n, rows, *a: {i: MAN_27 for i in rows})
    monkeypatch.setattr(pipe.text_tokenizer, "decode", lambda tokens, *a, **k: " I can't tell from this photo. ")
    image = _images(1, 5)[0]
    crop = pipe.prepare([image], align=False)[0]
    crop.info["luminance"] = 90.0
    assert pipe.ask(crop, "How is the lighting?", align=False, max_new_tokens=3) == \
        ["The lighting is in between: fairly even, a little on the dim side."]
    crop.info["luminance"] = 140.0  # inside the even band: the description's sentence for it
    assert pipe.ask(crop, "How is the lighting?", align=False, max_new_tokens=3)[0] != \
        "The lighting is in between: fairly even, a little on the dim side."


@pytest.mark.parametrize("answer, said", [
    # 8 Dec 2026: "Are they smiling?" got "No. Her mouth is not smiling." of a girl
    ("No. Her mouth is not smiling.", "No. She is not smiling."), ("Yes, his mouth is smiling.", "Yes, he is smiling."),
    ("Their mouth is smiling.", "They are smiling."), ("Her mouth is closed.", None), ("She is smiling.", None),
])
def test_a_smile_said_of_the_mouth_is_said_of_the_person(answer, said):
    from unif2ace.generation.constraints import smile_of_person

    assert smile_of_person(answer) == said


@pytest.mark.parametrize("messages, meant", [
    # 8 Dec 2026: each last message got "I can't tell from this photo." or an answer to another question
    (["Guess the age.", "Higher.", "Still higher.", "Ok, what's your final answer?"], "Guess the age."),
    (["How old is he?", "What about her?"], "How old is he?"),
    (["Rate her happiness from 1 to 10.", "Just give me a number.", "Come on, guess."], "Rate her happiness from 1 to 10."),
    (["Is she smiling?", "Thanks!", "Take a guess."], "Is she smiling?"),
    (["Guess."], None), (["How old?", "Is she happy?"], None), (["How old?", "What about his mood?"], None),
])
def test_insisting_or_another_pronoun_asks_the_question_before_again(messages, meant):
    from unif2ace.data.questions import repeat_follow_up

    assert repeat_follow_up(messages) == meant


def test_whether_it_is_all_right_to_ask_and_questions_about_people_in_general():
    # 8 Dec 2026: "Is that offensive to ask?" after "What ethnicity?" got "Yes. He is smiling.", "Why do people smile in
    # photos?" "He is smiling."
    assert small_talk("Is that offensive to ask?", "What ethnicity?", "White.").startswith("It's fine to ask")
    assert small_talk("Is it rude to ask?").startswith("It's fine to ask")
    assert small_talk("Is she rude?") is None
    assert unseen_question("Why do people smile in photos?") and not unseen_question("Why is she smiling?")


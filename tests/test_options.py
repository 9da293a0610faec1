"""Multiple-choice questions as benchmarks ask them (generation/options.py), read and answered with a letter."""

from __future__ import annotations

import pytest

from unif2ace.generation.options import (
    Choices,
    chosen_option,
    listed_choices,
    multiple_choice,
    option_range,
    option_reply,
)

MMBENCH = ("Question: What is the gender of the person in the image?\nOptions:\nA. Male\nB. Female\n"
           "Answer with the option's letter from the given choices directly.")


@pytest.mark.parametrize("question, stem, options, letter_only", [
    (MMBENCH, "What is the gender of the person in the image?", ("Male", "Female"), True),
    ("What is the emotion of the person?\nA. happy\nB. sad\nC. neutral\nD. surprised\nAnswer with the option's letter.",
     "What is the emotion of the person?", ("happy", "sad", "neutral", "surprised"), True),
    ("Which age group does the person belong to? (A) child (B) teenager (C) adult (D) senior",
     "Which age group does the person belong to?", ("child", "teenager", "adult", "senior"), False),
    ("How old is this person? A) 0-19 B) 20-39 C) 40-59 D) 60+", "How old is this person?", ("0-19", "20-39", "40-59", "60+"), False),
    ("Is the person smiling? A. Yes B. No. Answer with A or B.", "Is the person smiling?", ("Yes", "No"), True),
    ("Which best describes the photo?\n[A] a color photo\n[B] a black-and-white photo\nPlease select the correct answer.",
     "Which best describes the photo?", ("a color photo", "a black-and-white photo"), False),
])
def test_lettered_options_are_read(question, stem, options, letter_only):
    c = multiple_choice(question)
    assert c is not None and c.stem == stem and c.letter_only == letter_only
    assert c.options == tuple(zip("ABCDEFGH", options))


@pytest.mark.parametrize("question", ["Is this a man or a woman?", "What is the U.S.A. flag?", "Is this grade A. quality?",
                                      "A. Male", "Rate her smile: A) wide", "How old is she? B. 20 C. 30",
                                      "Describe her.\nA.", "Is she smiling? Please answer yes or no."])
def test_other_questions_offer_no_options(question):
    assert multiple_choice(question) is None


@pytest.mark.parametrize("answer, letter", [
    ("It is a man.", "A"), ("Male.", "A"), ("This is a woman.", "B"), ("She is 64 years old, so she is a senior.", "B"),
    ("I can't tell from this photo.", None)])
def test_a_gender_answer_chooses_its_option(answer, letter):
    chosen = chosen_option(multiple_choice(MMBENCH), answer)
    assert (chosen[0] if chosen else None) == letter


def test_age_emotion_and_yes_no_answers_choose_their_option():
    groups = Choices("Which age group?", (("A", "child"), ("B", "teenager"), ("C", "adult"), ("D", "senior")), False)
    assert chosen_option(groups, "21 years old: a young adult.") == ("C", "adult")  # the option's word in the answer
    assert chosen_option(groups, "She is 64 years old, so she is a senior.") == ("D", "senior")
    assert chosen_option(groups, "He is a teenager.") == ("B", "teenager")
    ranges = Choices("How old?", (("A", "0-19"), ("B", "20-39"), ("C", "40-59"), ("D", "60+")), True)
    for years, letter in ((19, "A"), (19.5, "A"), (20, "B"), (39, "B"), (59, "C"), (60, "D"), (84, "D")):
        assert chosen_option(ranges, f"He is {years:g} years old.")[0] == letter
    assert chosen_option(ranges, "He looks happy.") is None  # no age said: no range
    bounds = Choices("Age?", (("A", "under 18"), ("B", "18 to 64"), ("C", "65 or older")), True)
    assert [chosen_option(bounds, f"aged {y}")[0] for y in (17, 18, 64, 65)] == ["A", "B", "B", "C"]
    mood = Choices("Emotion?", (("A", "happy"), ("B", "sad"), ("C", "neutral"), ("D", "surprised")), True)
    assert chosen_option(mood, "He looks happy.") == ("A", "happy")
    assert chosen_option(mood, "Neutral.") == ("C", "neutral")
    polar = Choices("Is he smiling?", (("A", "Yes"), ("B", "No")), True)
    assert chosen_option(polar, "Yes, he is smiling.") == ("A", "Yes")
    assert chosen_option(polar, "No. He is not smiling.") == ("B", "No")
    assert chosen_option(polar, "I can't tell from this photo.") is None


def test_the_reply_is_the_letter_or_the_option_and_else_the_answer():
    c = multiple_choice(MMBENCH)
    assert option_reply(c, "It is a man.") == "A"
    spelled = Choices(c.stem, c.options, False)
    assert option_reply(spelled, "It is a man.") == "A. Male"
    assert option_reply(c, "I can't tell from this photo.") == "I can't tell from this photo."
    both = Choices("Which?", (("A", "a man"), ("B", "a smiling man")), True)
    assert option_reply(both, "a smiling man") == "B"  # the longer option, not its part
    tie = Choices("Which?", (("A", "a man"), ("B", "a woman"), ("C", "a man")), True)
    assert option_reply(tie, "It is a man.") == "It is a man."  # two options name the answer: no guess
    assert option_reply(Choices("Mood?", (("A", "joyful"), ("B", "glad")), True), "Happy.") == "Happy."


@pytest.mark.parametrize("question, options", [
    ("Guess the age bracket: 0-12, 13-19, 20-39, 40-59, 60+.", ["0-12", "13-19", "20-39", "40-59", "60+"]),
    ("Classify the age as child, teen, adult or senior.", ["child", "teen", "adult", "senior"]),
    ("Output: male or female.", ["male", "female"]),
    ("Answer with male or female.", ["male", "female"]),
    ("Respond with one of: child, teen, adult, senior.", ["child", "teen", "adult", "senior"]),
    ("Which age group: 18-29, 30-44, 45-64, 65+?", ["18-29", "30-44", "45-64", "65+"]),
    ("Is he a child, a teen, an adult or a senior?", ["a child", "a teen", "an adult", "a senior"]),
    ("Her ethnicity: White, Black, Asian, Indian or other?", ["White", "Black", "Asian", "Indian", "other"]),
    ("Pick one: smiling / not smiling", ["smiling", "not smiling"]),
    # a sentence setting the reply's form after the options (the first held-out run got "27 years old: a young adult.")
    ("Which age range fits best: under 20, 20-39, 40-59, or 60 and over? Respond with the range only.",
     ["under 20", "20-39", "40-59", "60 and over"]),
    # the instruction itself leads the options (the second held-out run got "A woman.")
    ("What's their gender? Answer male, female, or unsure.", ["male", "female", "unsure"]),
    # quoted letters, options in brackets (the fourth held-out run got "She is smiling." and an age)
    ("Reply with just 'M' or 'F'.", ["M", "F"]),
    # 8 Dec 2026: each got an age or "It is a woman."
    ("Give the gender as M or F.", ["M", "F"]), ("Is this person in their 20s, 30s, or 40s?", ["20s", "30s", "40s"]),
    ("Would you say the person is a kid, a teenager or grown up?", ["a kid", "a teenager", "grown up"]),
    ("Estimate the age bracket (child / teenager / adult / elderly).", ["child", "teenager", "adult", "elderly"]),
])
def test_options_written_without_letters_are_read(question, options):
    c = listed_choices(question)
    assert c is not None and not c.lettered and c.stem == question
    assert [t for _, t in c.options] == options


@pytest.mark.parametrize("question", [
    "Is this a man or a woman?", "Male or female?", "Is she angry or sad?", "Kid or grown-up?",
    "Answer with yes or no: is she smiling?", "Question: is she happy or sad?", "Describe her as a doctor would.",
"Is the photo color or black and white?", MMBENCH,
    "Rate her from: good, bad, ugly.", "Answer yes, no or maybe.", "Say hello to her, she is nice.", "M or M?",
    "A or B?",
    # a reason asked after is no option, nor an instruction to pick one (8 Dec 2026: "Is this person happy or sad, and
    # why?" of a neutral face got its whole description, "and why" read as a third option; "Is this a man or a woman
    # and why?" got "A woman." of a girl, the "Why?" read as an instruction)
    "Is this person happy or sad, and why?", "Is this a man or a woman and why?"])
def test_other_questions_offer_no_listed_options(question):
    """Two options asked in a question with no instruction are asked as they are (the model's answer to "Is this a
    man or a woman?" is the reply), as are clauses, yes/no and options that name nothing the model tells."""
    assert listed_choices(question) is None


@pytest.mark.parametrize("question, answer, reply", [
    ("Guess the age bracket: 0-12, 13-19, 20-39, 40-59, 60+.", "47 years old: middle-aged.", "40-59."),
    ("Classify the age as child, teen, adult or senior.", "47 years old: middle-aged.", "Adult."),
    # "adult" holds 64 too: the narrower option says more
    ("Classify the age as child, teen, adult or senior.", "He is 64 years old, so he is a senior.", "Senior."),
    ("Classify the age as child, teen, adult or senior.", "He is 19 years old, so he is a teen.", "Teen."),
    ("Output: male or female.", "This is a woman.", "Female."),
    ("Is he a child, a teen, an adult or a senior?", "47 years old: middle-aged.", "An adult."),
    # a question listing options, not asking for the option alone, keeps an answer that names the option
    ("Her ethnicity: White, Black, Asian, Indian or other?", "She is Asian.", "She is Asian."),
    ("Which age group does this person belong to: child, teen, young adult, middle-aged or senior?",
     "She is 14 years old, so she is a teenager.", "She is 14 years old, so she is a teenager."),
    ("Which age group does this person belong to: child, teen, young adult, middle-aged or senior?",
     "Young adult (20–35 years).", "Young adult (20–35 years)."),
    ("Which age group: 18-29, 30-44, 45-64, 65+?", "He is 47 years old, so he is middle-aged.", "45-64."),
    ("Her ethnicity? Answer White, Black, Asian, Indian or other.", "She is Asian.", "Asian."),
    ("Output: male or female.", "I can't tell from this photo.", "I can't tell from this photo."),
    # an age said alone holds its range; one word asked is the option without its article (the third held-out forms
    # got "27.")
    ("Is this person a minor or an adult? One word.", "27.", "Adult."),
    ("Classify this person as a minor or an adult.", "27.", "An adult."),
    ("Reply with just 'M' or 'F'.", "She is smiling.", "F."), ("Reply with just 'M' or 'F'.", "A man.", "M."),
    # the gender's letters alone (6 Dec 2026: "M or F?" got "I can't tell from this photo.", "Gender (M/F)?" "A man.")
    ("M or F?", "This is a woman.", "F."), ("m/f?", "A man.", "M."), ("Gender (M/F)?", "A man.", "M."),
    ("Give the gender as M or F.", "It is a woman.", "F."),
    # a sentence to complete, the options in brackets after the blank (8 Dec 2026: got the whole description)
    ("The person looks ___ (happy/sad/neutral).", "The photo shows a girl, aged 13. She has a happy expression.",
     "The person looks happy."),
    ("This person is a ___ (man/woman)", "This is a woman.", "This person is a woman."),
    ("Is this person in their 20s, 30s, or 40s?", "She is 21 years old, so she is a young adult.", "20s."),
    ("F or M?", "This is a man.", "M."),
    ("Estimate the age bracket (child / teenager / adult / elderly).", "She is 70 years old.", "Elderly."),
    # young and old as the ages either side of middle-aged (the sixth held-out forms got an age)
    ("Is the person young, middle-aged or old? Answer with one of those words.", "27 years old: a young adult.",
     "Young."),
    ("Is the person young, middle-aged or old? Answer with one of those words.", "aged 70", "Old."),
    ("Is he young, middle-aged or old?", "47 years old: middle-aged.", "47 years old: middle-aged."),
    # the probe's wordings: a question offering two options keeps its answer (an 85-year-old woman is not "Girl.")
    ("Give me your best guess: boy or girl?", "This is a woman.", "This is a woman."),
    ("Which is more likely: man or woman?", "A woman.", "A woman."),
    # an expression offered in other words than the answer's is named first (7 Dec 2026: "Which of these best
    # describes the expression: joy, sorrow, neutral?" got "He looks happy.")
    ("Which of these best describes the expression: joy, sorrow, neutral?", "He looks happy.", "Joy: he looks happy."),
    ("Mood: cheerful, gloomy, or neutral?", "She looks sad.", "Gloomy: she looks sad."),
    ("Which of these best describes the expression: happy, sad, neutral?", "He looks happy.", "He looks happy."),
])
def test_a_listed_option_is_replied_in_its_own_words(question, answer, reply):
    assert option_reply(listed_choices(question), answer) == reply


def test_listed_options_are_asked_as_typed_unless_the_option_alone_is_asked():
    """"Which is more likely: man or woman?" was asked as a request for the description (its stem names no
    attribute) and replied with the whole description; "Reply with just 'M' or 'F'." asked as typed got "Slightly
    open, with the lips parted."."""
    from unif2ace.generation.options import DESCRIBE

    assert listed_choices("Which is more likely: man or woman?").asked == "Which is more likely: man or woman?"
    assert listed_choices("Reply with just 'M' or 'F'.").asked == DESCRIBE
    assert listed_choices("Output: male or female.").asked == "Output: male or female."  # it names the gender


def test_life_stages_hold_the_labellers_age_groups():
    """An option naming an age group holds the ages the labeller puts in it (data.labelling.labeller.age_group),
    so an option and the description's group never disagree."""
    from unif2ace.data.labelling.labeller import age_group
    from unif2ace.generation.options import _in_range

    for years in range(0, 100):
        held = [g for g in ("child", "teen", "young adult", "middle-aged", "senior") if _in_range(g, years)]
        assert held == [age_group(years)]
    assert [_in_range("an adult", y) for y in (17, 18, 90)] == [False, True, True]


def test_options_with_a_reason_asked_after_are_read_without_it():
    c = listed_choices("Is he a child, a teen, an adult or a senior, and why?")
    assert c.stem == "Is he a child, a teen, an adult or a senior?"
    assert [t for _, t in c.options] == ["a child", "a teen", "an adult", "a senior"]
    c = listed_choices("Classify the age as child, teen, adult or senior. Why?")
    assert [t for _, t in c.options] == ["child", "teen", "adult", "senior"] and c.option_only


def test_options_whose_stem_asks_no_attribute_are_read_from_the_description():
    # 8 Dec 2026: "Give me your best guess: child, teen, adult?" got "Yes, he is a young adult." of a boy described as
    # 12 (no answer check reads an attribute from the stem), hence "Adult."
    from unif2ace.generation.options import DESCRIBE

    assert listed_choices("Give me your best guess: child, teen, adult?").asked == DESCRIBE
    assert chosen_option(listed_choices("Guess: child, teen, adult?"),
                         "The image shows a close-up photo of a White boy who is 12 years old.") == ("A", "child")
    for asked in ("Is he a child, a teen, an adult or a senior?", "Which is more likely: man or woman?",
                  "Classify the age as child, teen, adult or senior."):
        c = listed_choices(asked)
        assert c is None or c.asked == c.stem, asked


def test_the_pipeline_asks_the_question_alone_and_replies_with_the_option(tmp_path):
    """Wiring: the model is asked the stem, and its (grounded) answer is matched to the options."""
    pytest.importorskip("PIL")
    import numpy as np
    from PIL import Image

    from unif2ace.pipeline import UniF2ace, write_random_model

    pipe = UniF2ace.from_pretrained(write_random_model(tmp_path / "tiny"))
    crop = pipe.prepare([Image.fromarray(np.full((64, 64, 3), 128, np.uint8))], align=False)[0]
    c = multiple_choice(MMBENCH)
    got = pipe.ask(crop, MMBENCH, align=False, max_new_tokens=8)[0]
    want = option_reply(c, pipe.ask(crop, c.stem, align=False, max_new_tokens=8)[0])
    assert got == want
    listed = "Classify the age as child, teen, adult or senior."  # asked as it is, the answer then matched
    got = pipe.ask(crop, listed, align=False, max_new_tokens=8)[0]
    asked = pipe.ask(crop, listed, align=False, max_new_tokens=8, read_options=False)[0]
    assert got == option_reply(listed_choices(listed), asked)
    from unif2ace.generation.options import coded_choices

    coded = "Please output the gender as 0 for male and 1 for female."  # its stem asked, the answer's code replied
    c = coded_choices(coded)
    got = pipe.ask(crop, coded, align=False, max_new_tokens=8)[0]
    assert got == option_reply(c, pipe.ask(crop, c.stem, align=False, max_new_tokens=8)[0])


def test_options_that_combine_attributes_are_matched_against_the_description():
    """"Which of these best describes her? A. a smiling child B. a neutral senior C. a smiling older woman" got "I
    can't tell from this photo." (the stem alone asks nothing the model answers): the description is asked for,
    and the option it bears out best (most values stated less those contradicted) is chosen."""
    from unif2ace.generation.options import DESCRIBE

    c = multiple_choice("Which of these best describes her? A. a smiling child B. a neutral senior C. a smiling older woman")
    assert c.combined and c.asked == DESCRIBE
    senior = "The photo shows a 64-year-old White senior woman. Her facial expression looks happy. She is smiling."
    assert chosen_option(c, senior) == ("C", "a smiling older woman")
    middle = "The photo shows a 53-year-old White middle-aged woman. She looks happy. She is smiling."
    assert chosen_option(c, middle) == ("C", "a smiling older woman")  # gender and smile stated, the age group not
    child = "A close-up photo of a Black girl, aged 6. She is smiling."
    assert chosen_option(c, child) == ("A", "a smiling child")
    tie = Choices("Which?", (("A", "a smiling man"), ("B", "a neutral woman")), True)
    smiling = "A photo of a woman, aged 30. She has a happy expression. She is smiling."
    assert chosen_option(tie, smiling) is None  # one value right and one wrong each: no guess
    nearer = Choices("Which?", (("A", "a smiling man"), ("B", "a smiling boy")), True)
    assert chosen_option(nearer, "A photo of a woman, aged 30. She is smiling.") == ("A", "a smiling man")
    glasses = Choices("Which?", (("A", "a woman with glasses"), ("B", "a woman without glasses")), True)
    assert chosen_option(glasses, child) == ("B", "a woman without glasses")  # glasses described only when seen


@pytest.mark.parametrize("question, asked", [
    ("Which of these best describes her?\nA. Male\nB. Female\nAnswer with the option's letter.", "description"),
    ("Which option fits? (A) a child (B) an adult (C) a senior", "description"),
    (MMBENCH, "What is the gender of the person in the image?"),
    ("How old is this person? A) 0-19 B) 20-39 C) 40-59 D) 60+", "How old is this person?"),
    ("Is the person smiling? A. Yes B. No. Answer with A or B.", "Is the person smiling?")])
def test_a_stem_that_asks_no_attribute_is_answered_from_the_description(question, asked):
    from unif2ace.data.questions import asks_description
    from unif2ace.generation.options import DESCRIBE

    c = multiple_choice(question)
    assert c.asked == (DESCRIBE if asked == "description" else asked)
    assert asks_description(DESCRIBE)
    if asked == "description" and not c.combined:
        assert chosen_option(c, "The photo shows a 64-year-old White senior woman. She is smiling.")[0] in "BC"


def test_decades_listed_as_options_hold_their_ten_years():
    """6 Dec 2026: "Roughly what age bracket: 20s, 30s, 40s, 50s or 60s?" got "Neither: she looks about 41 years
    old."; a decade is an option's range of ages as "40-49" is."""
    from unif2ace.generation.options import chosen_option, listed_choices, option_range

    assert option_range("40s") == (40, 50) and option_range("the forties") == (40, 50) and option_range("60's") == (60, 70)
    assert option_range("1950s") is None  # a year's decade, no age
    choices = listed_choices("Which decade of life is she in: 20s, 30s, 40s or 50s?")
    assert chosen_option(choices, "She looks about 41 years old.") == ("C", "40s")
    assert chosen_option(choices, "She looks about 61 years old.") is None


@pytest.mark.parametrize("question, answer, reply", [
    # 7 Dec 2026: "Please output the gender as 0 for male and 1 for female." got "It is a woman."
    ("Please output the gender as 0 for male and 1 for female.", "It is a woman.", "1"),
    ("Gender (male=0, female=1)?", "A man.", "0"),
    ("Is she smiling? Answer 1 for yes, 0 for no.", "No, she is not smiling.", "0"),
    ("What is the age group? 0 for child, 1 for teen, 2 for adult, 3 for senior.", "She is 34 years old.", "2"),
    ("Is this person happy? Output 1 for happy and 0 for sad.", "She looks happy.", "1"),
])
def test_values_given_codes_are_replied_with_their_code(question, answer, reply):
    from unif2ace.generation.options import coded_choices

    choices = coded_choices(question)
    assert choices is not None and option_reply(choices, answer) == reply


@pytest.mark.parametrize("question", ["Rate her happiness from 1 for low to 5 for high.", "What is 2 for 1?",
                                      "Is this person 20 or 30?", "Give me 2 for 1 and 3 for 4.", "Is she over 30?"])
def test_numbers_that_code_no_values_are_no_choice(question):
    from unif2ace.generation.options import coded_choices

    assert coded_choices(question) is None


def test_options_lettered_in_lower_case_are_read_and_replied_as_typed():
    """7 Dec 2026 (night): "Age range? a) 0-17 b) 18-35 c) 36-60 d) 60+" got "Roughly 11 to 31 years old (my best
    guess: 21)."; lower-case letters count only as "a)" or "(a)" ("a." and "a:" are words too often)."""
    c = multiple_choice("Age range? a) 0-17 b) 18-35 c) 36-60 d) 60+")
    assert c is not None and c.stem == "Age range?" and c.options == tuple(zip("abcd", ("0-17", "18-35", "36-60", "60+")))
    assert option_reply(c, "Roughly 17 to 37 years old (my best guess: 27).") == "b) 18-35"
    assert multiple_choice("Mood? (a) happy (b) sad") is not None
    for question in ("Is she a. happy b. sad?", "Rate her: a) wide", "Is she a: happy or b: sad?"):
        assert multiple_choice(question) is None, question


def test_age_ranges_in_words_are_listed_options():
    """"Is the person younger than 30, between 30 and 50, or older than 50?" got "No, she looks about 21 years old."
    (the options were not read: "between 30 and 50" has four words, and "between" was read as their lead)."""
    question = "Is the person younger than 30, between 30 and 50, or older than 50?"
    c = listed_choices(question)
    assert c is not None and [t for _, t in c.options] == ["younger than 30", "between 30 and 50", "older than 50"]
    assert option_range("between 30 and 50") == (30, 51)
    # a yes/no answer's Yes or No says nothing of the options: the chosen one, with the age that chose it
    assert option_reply(c, "No, she looks about 21 years old.") == "Younger than 30: she looks about 21 years old."
    assert option_reply(c, "She is 40 years old, so she is middle-aged.") == "Between 30 and 50."
    # "between" still leads options that are not two numbers
    assert [t for _, t in listed_choices("Choose between child, teen, adult.").options] == ["child", "teen", "adult"]


@pytest.mark.parametrize("question, options, answer, reply", [
    # 7 Dec 2026 (night): "Looking happy: she looks happy."; the options after a dash were not read
    ("Is the person looking happy, sad, or something else?", ["happy", "sad", "something else"], "She looks happy.",
     "She looks happy."),
    ("Roughly how old — teens, twenties, thirties?", ["teens", "twenties", "thirties"],
     "He is 27 years old, so he is a young adult.", "Twenties."),  # a decade is no age group
    ("Age - child, adult or senior?", ["child", "adult", "senior"], "9.", "Child."),
])
def test_options_after_a_dash_or_a_verb_are_read(question, options, answer, reply):
    c = listed_choices(question)
    assert c is not None and [t for _, t in c.options] == options
    assert option_reply(c, answer) == reply

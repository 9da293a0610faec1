"""Gender-swapped contrast prompts (unif2ace.generation.contrast)."""

import json
import re
from pathlib import Path

import pytest

from unif2ace.data.labelling.labeller import age_group
from unif2ace.generation.contrast import asks_black_and_white, known_words_only, shift_age, swap_gender


@pytest.mark.parametrize("text, swapped", [
    ("A smiling young woman. Her eyes are open; she wears glasses.",
     "A smiling young man. His eyes are open; he wears glasses."),
    ("There is no smile on his face. His head is turned. The book is his.",
     "There is no smile on her face. Her head is turned. The book is hers."),
    ("She gave him her hat.", "He gave her his hat."),
    ("He looks at her.", "She looks at him."),
    ("A close-up of a little GIRL, a female child, and her grandmother.",
     "A close-up of a little BOY, a male child, and his grandfather."),
    ("Two men and a boy.", "Two women and a girl."),
    # "her" before an -ing verb is the object, before an -ing word that a noun follows the possessive
    ("I see her smiling.", "I see him smiling."), ("I see her smiling at the camera.", "I see him smiling at the camera."),
    ("A woman showing her smiling face.", "A man showing his smiling face."),
    ("A woman and her earring.", "A man and his earring."), ("I saw her on the bus.", "I saw him on the bus."),
    ("a woman in her 40s", "a man in his 40s"),  # was "a man in him 40s"
])
def test_swap_gender_swaps_every_gender_word_and_keeps_case(text, swapped):
    assert swap_gender(text) == swapped


@pytest.mark.parametrize("text, swapped", [
    ("The woman smiles; I see her smiling.", "The woman smiles; I see him smiling."),
    ("This is a girl. Her eyes are open and she smiles to herself.", "This is a girl. His eyes are open and he smiles to himself."),
    ("The actress and the woman.", None),  # nouns only: nothing to swap
])
def test_pronouns_only_swaps_pronouns_and_leaves_nouns(text, swapped):
    assert swap_gender(text, pronouns_only=True) == swapped


def test_words_that_merely_contain_gender_words_are_kept_and_neutral_prompts_give_none():
    assert swap_gender("a photo of a person with a thin manicured hand, the theme is humane") is None
    assert swap_gender("a human shepherd") is None  # "he" inside "shepherd" is not a word
    assert swap_gender("A woman in a manor.") == "A man in a manor."


@pytest.mark.parametrize("text", [
    "A close-up portrait of a White little boy who is 2 years old. Both of his eyes are open. He faces the camera.",
    "A close-up photo of a White middle-aged woman. She is clearly smiling, with her mouth slightly open. Her eyes are open.",
])
def test_caption_style_prompts_swap_back_to_themselves(text):
    assert swap_gender(swap_gender(text)) == text


# ---------------------------------------------------------------------------------------------- age
@pytest.mark.parametrize("text, shifted", [
    ("A close-up photo of a little girl who is 5 years old. She is smiling.",
     "A close-up photo of a young woman who is 25 years old. She is smiling."),
    ("This is a headshot of an 80-year-old White elderly man. His eyes are open.",  # 60 is still senior
     "This is a headshot of a 45-year-old White middle-aged man. His eyes are open."),
    ("The photo shows a South Asian woman, aged 24.", "The photo shows a South Asian middle-aged woman, aged 44."),
    ("A portrait of a Black middle-aged woman who is 45 years old.", "A portrait of a Black young woman who is 25 years old."),
    ("A close-up photo of an Asian teenage boy who is 16 years old.",
     "A close-up photo of an Asian middle-aged man who is 36 years old."),
    ("A close-up photo of a smiling elderly person.", "A close-up photo of a smiling middle-aged person."),
    ("A close-up photo of an ELDERLY WOMAN.", "A close-up photo of a MIDDLE-AGED WOMAN."),
    ("A close-up photo of a White boy.", "A close-up photo of a White young man."),
    ("A Black baby girl under one year old.", "A Black young woman aged 20."),
    ("a White male person who is 30 years old", "a White male person who is 50 years old"),
    ("A unique photo of an 80-year-old man.", "A unique photo of a 45-year-old middle-aged man."),  # "a unique" kept
    ("A portrait photo of a 24-year-old woman.", "A portrait photo of a 44-year-old middle-aged woman."),
    ("A close-up of a 15-year-old teenager. Her eyes are open.", "A close-up of a 35-year-old young adult. Her eyes are open."),
    # wordings users type: a decade, a noun that is an age, "N year old" (which lost its "old": "a 7 year young adult")
    ("a lady in her sixties", "a middle-aged woman in her 40s"), ("a man in his early thirties", "a middle-aged man in his 50s"),
    ("grandma smiling", "middle-aged woman smiling"), ("a toddler", "a young adult"),
    ("a 7 year old kid", "a 27 year old young adult"), ("a senior citizen wearing a hat", "a middle-aged person wearing a hat"),
])
def test_shift_age_moves_the_stated_age_and_the_subject_noun_toward_the_middle(text, shifted):
    assert shift_age(text) == shifted


def test_prompts_stating_no_age_give_none():
    for text in ("a smiling man with glasses", "A close-up photo of a woman.", "a face", "a person in a manor"):
        assert shift_age(text) is None


@pytest.mark.parametrize("years", [10, 20])
def test_the_shifted_age_is_in_another_group_toward_the_middle(years):
    for age in range(1, 100):
        out = shift_age(f"A photo of a man who is {age} years old.", years=years)
        new = int(re.search(r"who is (\d+) years old", out).group(1))
        assert age_group(new) != age_group(age)
        assert (new > age) == (age < 35)
        assert abs(new - age) >= min(years, age - 1 if age >= 35 else years)


def test_age_group_bounds():
    assert [age_group(a) for a in (0, 12, 13, 19, 20, 35, 36, 55, 56, 99)] == [
        "child", "child", "teen", "teen", "young adult", "young adult", "middle-aged", "middle-aged", "senior", "senior"]


def test_shift_age_reads_every_caption_the_data_builder_writes():
    """Every age phrase the caption templates use is found: the contrast states the new age."""
    from unif2ace.data.captions import write_caption

    ages = (0, 1, 7, 12, 13, 15, 19, 20, 27, 44, 63, 88)  # each group's bounds: a noun must fit its age
    for age in ages:
        group = age_group(age)
        for seed in range(24):
            attrs = {"age": age, "age_group": group, "gender": (None, "male", "female")[seed % 3]}
            if seed % 2:
                attrs["ethnicity"] = "White"
            caption = write_caption(attrs, seed)
            out = shift_age(caption)
            assert out is not None and out != caption, caption
            ages = [int(n) for n in re.findall(r"\d+", out)]
            assert ages and age not in ages and age_group(ages[0]) != group, (caption, out)
            if age:  # "24-year-old" stays whole ("under one year old" becomes "aged 20")
                assert out.count("year") == caption.count("year"), (caption, out)


# ------------------------------------------------------------------------------------ black and white
@pytest.mark.parametrize("text, asks", [
    ("an old man, black and white photo", True), ("A black-and-white portrait of a girl", True),
    ("monochrome picture of a smiling woman", True), ("Greyscale photo, a man aged 40", True),
    ("a grayscale image of a child", True), ("B&W shot of an old woman", True), ("b/w photo of a boy", True),
    ("a smiling woman in a black and white dress", False), ("a man, black and white striped shirt", False),
    ("a boy in front of a black-and-white background, monochrome photo", True),
    ("a color photo of a man, not black and white", False), ("a non-monochrome picture", False),
    ("a woman with black hair and white teeth", False), ("a smiling young man", False),
    ("a man in greyish light", False),
    ("a man with a neutral expression, black & white", True),  # 7 Dec 2026: drawn in colour
    ("a monochromatic portrait of a woman", True),
    ("a man in a black & white shirt", False),
])
def test_asks_black_and_white(text, asks):
    assert asks_black_and_white(text) is asks


@pytest.mark.parametrize("text, colour", [
    ("A black-and-white close-up photo of an Asian boy.", "A color close-up photo of an Asian boy."),
    ("an old man, black and white photo", "an old man, color photo"), ("Monochrome picture of a woman", "Color picture of a woman"),
    ("B&W shot of an old woman", "Color shot of an old woman"),
    ("It is a black and white, sharp picture with even lighting.", "It is a color, sharp picture with even lighting."),
    # what asks for no black and white is left as it is
    ("a smiling woman in a black and white dress", None), ("a color photo of a man, not black and white", None),
    ("a boy in front of a black-and-white background, monochrome photo", "a boy in front of a black-and-white background, color photo"),
])
def test_as_colour_asks_for_colour_where_a_prompt_asks_for_black_and_white(text, colour):
    from unif2ace.generation.contrast import as_colour

    assert as_colour(text) == (text if colour is None else colour)


# ------------------------------------------------------------------------------------ training words
@pytest.mark.parametrize("text, plain", [
    ("a cheerful grandmother with grey hair", "a happy old woman with grey hair"),
    ("Grandpa laughing", "Old man smiling"),
    ("An elderly gentleman in his early 60s, caucasian", "An elderly man aged 62, White"),
    ("an African-American lady in her late 40s", "a Black woman aged 48"),
    ("an infant girl, joyful", "a girl, happy"), ("a pleased old man", "a happy old man"), ("an infant smiling", "a child smiling"),
    ("a grinning teen guy", "a smiling teen boy"), ("a middle aged mom, shocked", "a middle-aged woman, surprised"),
    ("A caucasian man in his seventies.", "A White man aged 75."), ("an old lady", "an old woman"),
    # 7 Dec 2026 (late): "a retired man" was drawn as "a man", the age lost
    ("a retired man", "an old man"), ("an ageing Asian woman", "an old Asian woman"), ("retired teacher", "retired teacher"),
    # an expression after the subject becomes a modifier, as the attribute prompts write it
    ("an old lady crying", "an old woman, sad"), ("a lady in her 70s crying", "a woman aged 75, sad"),
    ("a crying toddler", "a sad child"), ("Grandma crying", "Old woman, sad"),
    # an ethnicity in lower case before a person noun is capitalised as the training prompts write it ("a bald
    # middle-aged black man" drew pale smears); a colour is not ("black hair", "a black and white photo of a man")
    ("a bald middle-aged black man", "a bald middle-aged Black man"), ("an indian woman", "a South Asian woman"),
    ("a white boy, smiling", "a White boy, smiling"), ("An asian girl", "An Asian girl"),
    ("a south asian teenage boy", "a South Asian teenage boy"),
    ("a black and white photo of a man", "a black and white photo of a man"),
    ("a black-and-white photo of an old lady", "a black-and-white photo of an old woman"),
    # "black" and "white" as the colour of hair, glasses or clothes read as a black-and-white photo (pale grey
    # faces): a near colour ("a man with black hair": chroma 14.8, "… dark hair" 51.0); an ethnicity after its noun
    # and a black-and-white photo are left
    ("a man with black hair", "a man with dark hair"), ("an old man with white hair", "an old man with silver hair"),
    ("a white-haired grandmother", "a silver-haired old woman"), ("a woman in a white shirt", "a woman in a light shirt"),
    ("a man wearing black glasses", "a man wearing dark glasses"), ("a man with a white beard", "a man with a silver beard"),
    ("a black and white photo of a man with white hair", "a black and white photo of a man with silver hair"),
    ("a black man in a white shirt", "a Black man in a light shirt"), ("a man who is white", "a man who is white"),
    # and of anything else in the picture (only a black-and-white photo is "black" or "white" in lower case in the
    # captions)
    ("a woman with a black cat", "a woman with a dark cat"), ("a man in a black leather jacket", "a man in a dark leather jacket"),
    ("a girl with a white flower in her hair", "a girl with a light flower in her hair"),
    ("a black-and-white portrait of a girl", "a black-and-white portrait of a girl"),
    ("a white photo of a woman", "a white photo of a woman"), ("a woman, black or white", "a woman, black or white"),
    # an expression, a gaze and a beard as users word them (each was drawn without it: "a woman looking happy" →
    # "a woman", its phrase using "looking")
    ("a woman looking happy", "a woman, happy"), ("a grandpa looking cheerful", "an old man, happy"),
    ("a girl looking at the camera", "a girl facing the camera"), ("a serious man", "a neutral-looking man"),
    ("a serious looking teen boy", "a neutral-looking teen boy"),  # was "a neutral-looking looking teen boy"
    ("a man looking serious", "a man with a neutral expression"),
    ("a man with a stern expression", "a man with a neutral expression"),
    ("a woman with a big smile", "a woman, smiling"), ("a woman with a smile, aged 30", "a woman, smiling, aged 30"),
    # a grin as a smile, and anger or a frown as a face that does not smile (7 Dec 2026, night: "a 60-year-old man with
    # a big grin", "an angry man" and "a man with a frown" were drawn without them; "sad" draws grey faces)
    ("a 60-year-old man with a big grin", "a 60-year-old man, smiling"),
    ("a man with a grin and a beard", "a man, smiling, with a beard"),
    ("an angry man", "a neutral-looking man"), ("a man with a frown", "a man with a neutral expression"),
    ("a woman with a frown and glasses", "a woman with a neutral expression and glasses"),
    ("a frightened woman", "a frightened woman"),  # "surprised" drew girls
    # a prompt as a list of tags, and ages after "who is" or roughly (7 Dec 2026, night: "man; 50; black; serious" was
    # drawn as "man; 50; black", the lower-case "black" read as black and white; "a guy who's like 40" as "a man
    # who's"; "a kid, maybe 7 or 8" and "a man who is seventy-two" without the age)
    ("man; 50; black; serious", "man aged 50, Black, neutral-looking"),
    ("woman, 30s, asian, smiling", "woman, aged 35, Asian, smiling"), ("a man, white", "a man, White"),
    ("a guy who's like 40", "a man aged 40"), ("a kid, maybe 7 or 8", "a child, maybe 7 or 8"),  # (drew grown-ups)
    ("a man who is seventy-two", "a man aged 72"),
    ("a man who is 40 years old", "a man who is 40 years old"),  # the captions' own words
    ("a woman, black and white", "a woman, black and white"),
    ("a bearded old man", "an old man with a beard"), ("a bearded man in a suit", "a man with a beard in a suit"),
    ("a closeup portrait of an old man", "a close-up portrait of an old man"),
    # a smile after "and" (it was dropped with its unknown adjective) and a smile before another detail
    ("an elderly lady with glasses and a warm smile", "an elderly woman with glasses, smiling"),
    ("a man with a smile and glasses", "a man, smiling, with glasses"),
    # a nationality as the ethnicity the training prompts name (6 Dec 2026: "… a 45 year old korean woman with short
    # hair" was drawn without it), only before a person; an age said once where kin became an age-group noun ("a
    # grumpy old grandpa" was drawn as "an old old man")
    ("headshot of a 45 year old korean woman with short hair", "headshot of a 45 year old Asian woman with short hair"),
    ("a japanese man", "an Asian man"), ("a pakistani girl", "a South Asian girl"), ("a nigerian woman", "a Black woman"),
    ("a man eating chinese food", "a man eating chinese food"),
    ("a grumpy old grandpa", "a neutral-looking old man"), ("an elderly grandmother", "an old woman"),
    # a child's noun with a teenager's or an adult's age, named as the training prompts name that age (6 Dec 2026: "a
    # boy, aged 16", "a boy who is 15 years old" and "a schoolgirl aged 15, cheerful" drew babies, the labeller
    # reading 15 of 16 faces as aged 0–2), and a man or a woman of a child's age
    ("a boy, aged 16", "a teenage boy, aged 16"), ("a boy who is 15 years old", "a teenage boy who is 15 years old"),
    ("a 15 year old girl, smiling", "a 15 year old teenage girl, smiling"),
    ("a schoolgirl aged 15, cheerful", "a teenage girl aged 15, happy"),
    ("a little girl who is 15 years old", "a teenage girl who is 15 years old"),
    ("a girl in her twenties", "a young woman aged 25"), ("a man aged 5", "a boy aged 5"),
    ("boys aged 14", "teenage boys aged 14"), ("women aged 8", "girls aged 8"),
    ("a boy aged 8", "a boy aged 8"), ("a girl aged 12", "a girl aged 12"), ("a teenage boy, aged 15", "a teenage boy, aged 15"),
    ("a young woman aged 25", "a young woman aged 25"), ("a little boy", "a little boy"),
    # the user's own person, with an article, and kin of no stated age; a bare number after the person as the age (6
    # Dec 2026: "photo of my dad, 45, serious" was drawn as "photo of my man, 45", 4 of 8 faces read as women)
    ("photo of my dad, 45, serious", "photo of a man aged 45, neutral-looking"),
    ("my grandma on her birthday, laughing", "an old woman on her birthday, smiling"),
    ("a photo of my son", "a photo of a boy"), ("My sister, 25, laughing", "A woman aged 25, smiling"),
    ("my 5 year old son", "a 5 year old boy"), ("our old man", "an old man"), ("a woman 70", "a woman aged 70"),
    ("a man, 45 years old", "a man, 45 years old"), ("a man with 2 kids", "a man with 2 children"),
    ("a woman, 30%", "a woman, 30%"), ("their man", "their man"),
    ("a handsome man with a beard, 35", "a handsome man with a beard, aged 35"),
    # an age in words (7 Dec 2026: "a fifty year old man" was drawn as "a year old man", "a woman of about seventy"
    # and "a thirty-five-year-old woman" as "a woman"), and words that are no age
    ("a fifty year old man", "a 50 year old man"), ("a thirty-five-year-old woman", "a 35-year-old woman"),
    ("a woman of about seventy", "a woman aged 70"), ("a man around sixty, smiling", "a man aged 60, smiling"),
    ("a girl aged ten", "a girl aged 10"), ("a twenty five year old woman", "a 25 year old woman"),
    ("a man of about 40", "a man aged 40"),
    ("a woman with one eye closed", "a woman with one eye closed"), ("a man of few words", "a man of few words"),
    ("a photo about one man", "a photo about one man"),
    # (7 Dec 2026: each was drawn with no age)
    ("a man of 80 years", "a man aged 80"), ("a woman, 40ish, smiling", "a woman, aged 40, smiling"),
    ("a smiling woman with glasses, 60, black and white", "a smiling woman with glasses, aged 60, black and white"),
    ("a photo, 1990", "a photo, 1990"), ("2 people, 3", "2 people, 3"),
    # ages as users write them, and "male"/"female" as nouns (6 Dec 2026: "a lady aged around 60" was drawn as "a woman
    # aged", "a guy around 30" and "a woman, mid-thirties" without their ages, "female, 60, smiling" as typed)
    ("a lady aged around 60", "a woman aged 60"), ("a guy around 30", "a man aged 30"), ("a man of 70", "a man aged 70"),
    ("a woman, mid-thirties, brunette", "a woman, aged 35, brunette"), ("a woman in her late 30s", "a woman aged 38"),
    ("a 30ish woman", "a woman aged 30"), ("a 40-something man", "a man aged 45"), ("an old man (80)", "an old man aged 80"),
    ("a portrait of a man, age 45", "a portrait of a man, aged 45"), ("a girl at the age of 5", "a girl aged 5"),
    ("Asian male, 25", "Asian man aged 25"), ("female, 60, smiling", "woman aged 60, smiling"),
    ("my friend Sarah, 28, smiling", "a person Sarah, aged 28, smiling"), ("a male nurse", "a male nurse"),
    ("a man about 6 feet tall", "a man about 6 feet tall"), ("a woman, 5 ft", "a woman, 5 ft"),
    ("a woman about 50 years old", "a woman about 50 years old"), ("a man late 40s", "a man aged 48"),
    ("a man in a photo from the early 80s", "a man in a photo from the early 80s"),  # a period, not an age
    ("Mid-forties man", "Mid-forties man"),
    # 7 Dec 2026 (evening): "photo of a 25yo asian woman" was drawn as "photo of an Asian woman", "A close-up of a 60
    # y/o man" as "… a 60 man", "a girl around 10 years old" as "a girl", "woman, 28, smiling, looking left" without
    # its side, "mugshot of a middle-aged man" as "of a middle-aged man"
    ("photo of a 25yo asian woman", "photo of a 25-year-old Asian woman"), ("a 60 y/o man", "a 60-year-old man"),
    ("a 7 y.o. girl", "a 7-year-old girl"), ("a man, 45 yrs old", "a man aged 45"), ("a boy 12yo", "a boy aged 12"),
    ("a girl around 10 years old", "a girl aged 10"), ("woman, 28, smiling, looking left", "woman aged 28, smiling, head turned left"),
    ("a man looking to the right", "a man, head turned right"), ("mugshot of a middle-aged man", "photo of a middle-aged man"),
    ("a woman looking at the camera", "a woman facing the camera"),
    # 8 Dec 2026: "a 30 yo white guy" was drawn as "an aged 30 White man", "headshot of an old asian grandpa" as "…
    # an old Asian old man", "selfie of a girl around 16" as "of a teenage girl aged 16", a prompt in capitals as typed
    # ("A FACE OF A MAN, 50 YEARS OLD" drew girls, 4 of 4)
    ("a 30 yo white guy", "a 30-year-old White man"), ("a 40 yo lady", "a 40-year-old woman"),
    ("headshot of an old asian grandpa", "headshot of an old Asian man"),
    ("an old South Asian grandma", "an old South Asian woman"),
    ("selfie of a girl around 16 smiling", "photo of a teenage girl aged 16 smiling"),
    ("A FACE OF A MAN, 50 YEARS OLD", "A face of a man, 50 years old"), ("AN OLD LADY", "An old woman"),
    ("a man, ID photo", "a man, ID photo"),  # an abbreviation in a prompt in lower case stays
])
def test_in_training_words_puts_user_words_in_the_training_prompts_words(text, plain):
    from unif2ace.generation.contrast import in_training_words

    assert in_training_words(text) == plain


def test_in_training_words_leaves_every_training_prompt_as_it_is():
    """The captions the data builder writes and the attribute prompts training draws from use training words only,
    so they (and the evaluation's prompts, built the same way) are drawn as before."""
    import numpy as np

    from unif2ace.data.captions import write_caption
    from unif2ace.data.records import FaceRecord, Label
    from unif2ace.evaluation.tasks import short_prompt
    from unif2ace.generation.contrast import in_training_words, language_warning
    from unif2ace.training.data import attribute_prompt, frame_prompt

    rng = np.random.default_rng(0)
    checked = 0
    ages = (0, 1, 7, 12, 13, 15, 19, 20, 27, 44, 63, 88)  # each group's bounds: a noun must fit its age
    for age in ages:
        for seed in range(24):
            attrs = {"age": age, "age_group": age_group(age), "gender": ("male", "female")[seed % 2],
                     "ethnicity": ("White", "Black", "Asian", "Indian")[seed % 4], "smile": bool(seed % 3),
                     "emotion": ("happy", "neutral", "sad", "surprise")[seed % 4],
                     "color": ("color", "black and white")[seed % 5 == 0]}
            caption = write_caption(attrs, seed)
            record = FaceRecord(id=f"r{age}-{seed}", image="x.jpg", caption=caption,
                                attributes={k: Label(v) for k, v in attrs.items()})
            short = short_prompt(attrs)[0]
            for text in (caption, frame_prompt(attribute_prompt(record, rng, black_and_white=seed % 3 == 0), rng),
                         short):
                assert in_training_words(text) == text
                assert language_warning(text) is None  # and none reads as another language
                checked += 1
            # nor loses a word to the shipped model's prompt words (learnt from its training captions, whose ages
            # start at 1; the evaluation's "neutral-looking", which no training prompt says, names the person)
            if age > 0:
                assert known_words_only(caption, SHIPPED_WORDS) == caption
                assert known_words_only(short, SHIPPED_WORDS) == short
    assert checked == len(ages) * 24 * 3


SHIPPED_WORDS = frozenset(json.loads((Path(__file__).parents[1] / "unif2ace/assets/models/default/generation_config.json")
                                     .read_text())["prompt_words"])


@pytest.mark.parametrize("text, drawn", [
    # phrases with words no training prompt uses are left out, and such words before the person's noun
    ("A high-quality photo of a young woman with long blonde hair and blue eyes, wearing earrings",
     "A photo of a young woman"),
    # before the noun too, the article agreeing with the next word kept ("a bald old man" was drawn pale and washed out)
    ("a bald old man", "an old man"), ("an attractive Black woman", "a Black woman"), ("a bald man", "a man"),
    ("a neutral-looking White boy", "a neutral-looking White boy"),  # a compound of a known word: the evaluation's
    ("A curly-haired smiling girl", "A smiling girl"),
    ("portrait of an elderly man with a grey beard, studio lighting, 4k, highly detailed", "portrait of an elderly man"),
    ("a headshot of a middle-aged Asian man in a suit, professional photo", "a headshot of a middle-aged Asian man"),
    ("a grumpy old man with bushy eyebrows", "an old man"),
    ("a Black woman with a bindi, smiling, aged 35", "a Black woman, smiling, aged 35"),  # the comma stays
    ("a smiling old woman with rosy cheeks and glasses", "a smiling old woman with glasses"),
    ("a young man with a beard and a man bun, DSLR photo", "a young man with a beard"),
    ("an old man sitting on a bench", "an old man"), ("A woman. She has blonde hair.", "A woman."),
    ("my old woman on her birthday, smiling", "my old woman, smiling"),
    ("a teen girl with purple streaks in her hair, selfie angle", "a teen girl"),  # "in her hair" goes with them
    ("a man with a hat, in black and white", "a man, in black and white"),  # after a comma, a phrase of its own
    ("a man with a hat, and glasses", "a man, and glasses"),
    ("a teenage boy with acne, looking at the camera", "a teenage boy"),
    # before the person is named, "looking" starts no phrase of its own ("a tired looking old man" was drawn from
    # "old man", its article lost with the phrase "a tired")
    ("a tired looking old man", "an old man"),
    # a frown as in_training_words writes it, in a phrase of its own (8 Dec 2026: "an elderly man, 80s, frowning" was
    # drawn as "an elderly man, aged 85")
    ("an elderly man, aged 85, neutral-looking", "an elderly man, aged 85, neutral-looking"),
    ("a woman, blue-eyed", "a woman"),  # another compound stays out
    # a prompt of known words only, or with no person to draw, is drawn as typed
    ("a 60-year-old man, smiling, black and white photo", "a 60-year-old man, smiling, black and white photo"),
    ("a cute puppy", "a cute puppy"), ("", ""),
])
def test_known_words_only_draws_what_the_training_prompts_say(text, drawn):
    assert known_words_only(text, SHIPPED_WORDS) == drawn


def test_the_prompt_words_are_the_training_prompts_words():
    import types

    from unif2ace.training.data import PROMPT_FRAMES, prompt_vocabulary

    records = [types.SimpleNamespace(caption="A close-up photo of a man's face, aged 30. He is smiling.")]
    none = types.SimpleNamespace(attribute_prompts=0, prompt_frames=0, grey_fraction=0)
    assert prompt_vocabulary(records, none) == {"a", "close-up", "photo", "of", "man", "face", "aged", "he", "is",
                                                "smiling"}
    every = types.SimpleNamespace(attribute_prompts=0.4, prompt_frames=0.5, grey_fraction=0.1)
    words = prompt_vocabulary(records, every)
    assert {"teenager", "monochrome", "headshot", "narrowed"} <= words and not any(c.isdigit() for w in words for c in w)
    assert all(w in words for frame in PROMPT_FRAMES for w in frame.lower().replace("{}", "").strip(" .").split())


@pytest.mark.parametrize("prompt, warned", [
    ("una mujer sonriente de 30 años", True), ("eine lächelnde Frau", True), ("une femme souriante", True),
    ("a smiling woman with red hair", False), ("a portrait of Li Wei smiling", False), ("a cheerful abuela", False),
    ("a bald guy w/ beard", False), ("kid", False),
])
def test_language_warning_names_a_prompt_not_in_english(prompt, warned):
    from unif2ace.generation.contrast import language_warning

    warning = language_warning(prompt)
    assert (warning is not None) == warned
    if warned:
        assert prompt in warning and "English" in warning


def test_language_warning_stays_quiet_for_the_user_prompt_sets():
    from pathlib import Path

    from unif2ace.generation.contrast import language_warning

    for name in ("user_prompts.tsv", "user_prompts_test.tsv"):
        lines = (Path(__file__).resolve().parents[1] / "scripts" / name).read_text().splitlines()
        prompts = [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")]
        assert len(prompts) == 32 and not any(language_warning(p) for p in prompts)

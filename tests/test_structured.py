"""Replies in JSON or a written-out form (``generation.structured``): which keys a question or a response_format
asks for, the values read from a description, and the pipeline's wiring (the reply is the description's values,
checked against the attribute parser on the description the same pipeline gives)."""

import json

import pytest

from unif2ace.generation.structured import (
    format_request,
    json_reply,
    json_request,
    schema_request,
    structured_reply,
)

DESCRIPTION = ("The photo is a close-up photo; it shows a 29-year-old South Asian young woman. The expression on her "
               "face reads as surprised. She is smiling, with her mouth slightly open. She is wearing glasses. It is a "
               "full-color picture with even lighting.")


def reply(question: str, answer: str | None = None, response_format=None) -> dict:
    return json.loads(json_reply(json_request(question, response_format), DESCRIPTION, answer))


@pytest.mark.parametrize("question, want", [
    ("Return JSON with the keys gender, age and emotion.", {"gender": "female", "age": 29, "emotion": "surprised"}),
    ("Give me her sex and race as JSON.", {"sex": "female", "race": "South Asian"}),
    ('Return a JSON object with keys "gender", "age", "hair_color".', {"gender": "female", "age": 29,
                                                                      "hair_color": None}),
    ("json: {gender, age_group, smiling}", {"gender": "female", "age_group": "young adult", "smiling": True}),
    ("What is her age and gender? Reply in JSON.", {"age": 29, "gender": "female"}),
    ("How old is she? Answer in JSON format.", {"age": 29}),
    ("Answer in JSON: is she smiling?", {"smiling": True}),
    ("Give me JSON with her age group and whether she has a beard.", {"age_group": "young adult", "beard": None}),
    ("In JSON, what is her expression and is she wearing glasses?", {"expression": "surprised", "glasses": True}),
    # listed after "keys:", each read by its key word ("estimated_age" is the age; "hair_color" no colour of the photo)
    ("Please respond in JSON format with keys: gender, estimated_age, expression.",
     {"gender": "female", "estimated_age": 29, "expression": "surprised"}),
    ("JSON only. Fields: is_smiling, age_group, hair_color", {"is_smiling": True, "age_group": "young adult",
                                                              "hair_color": None}),
])
def test_the_keys_a_question_names_are_read_from_the_description(question, want):
    assert reply(question) == want


def test_what_no_description_states_is_null_and_a_hair_colour_no_colour_of_the_photo():
    assert reply("Return JSON with her hair color and eye color.") == {"hair_color": None, "eye_color": None}
    assert reply("What is her hair color? Answer in JSON.") == {"hair_color": None}
    assert reply("JSON with her name, job and age") == {"name": None, "job": None, "age": 29}
    assert reply("Name her age and gender in JSON.") == {"age": 29, "gender": "female"}  # "name" the verb
    assert reply('JSON with keys "hair color", "color"') == {"hair color": None, "color": "color"}


@pytest.mark.parametrize("question", ["Output a JSON object describing her.", "JSON please", "Describe her in JSON."])
def test_no_key_named_gives_every_stated_attribute(question):
    got = reply(question)
    assert got == {"gender": "female", "age": 29, "age_group": "young adult", "ethnicity": "South Asian",
                   "emotion": "surprised", "smile": True, "mouth": "slightly open", "glasses": True, "color": "color",
                   "lighting": "even", "description": DESCRIPTION}


@pytest.mark.parametrize("question, asked", [
    ("Answer in JSON: is she over 50?", "Is she over 50?"),
    ("Is this person famous? Answer in JSON.", "Is this person famous?"),
    ("Is he married? Reply as JSON.", "Is he married?"),
])
def test_a_question_naming_no_key_gets_its_answer(question, asked):
    ask = json_request(question)
    assert ask.asked == asked and ask.keys == ()
    assert json.loads(json_reply(ask, DESCRIPTION, "No, she looks about 29 years old.")) == {
        "answer": "No, she looks about 29 years old."}


def test_an_objects_shape_asks_for_json():
    """'Reply in this exact format: {"gender": ..., "age": ...}' got two sentences (the fifth held-out forms)."""
    assert reply('Reply in this exact format: {"gender": ..., "age": ...}') == {"gender": "female", "age": 29}
    assert reply("Return {'age': <int>}") == {"age": 29}


@pytest.mark.parametrize("question", ["Is she smiling?", "Describe her.", "How old is she?", "What's a jsonl file?",
                                      "Is {this} her?"])
def test_no_json_asked_is_no_json_reply(question):
    assert json_request(question) is None


def test_response_format_json_object_reads_the_question():
    assert json_request("Is she smiling?", {"type": "json_object"}).keys == (("smiling", "smile", {}),)
    assert json_request("Is she over 50?", "json").asked == "Is she over 50?"
    assert reply("Describe her.", response_format={"type": "json_object"})["description"] == DESCRIPTION
    assert json_request("Is she smiling?", {"type": "text"}) is None


def test_a_json_schema_names_the_keys_and_their_types():
    schema = {"type": "json_schema", "json_schema": {"name": "face", "schema": {"type": "object", "properties": {
        "age": {"type": "integer"}, "is_smiling": {"type": "boolean"}, "gender": {"type": "string",
                                                                                   "enum": ["Male", "Female"]},
        "glasses": {"type": "string"}, "hair_color": {"type": "string"}, "age_group": {"type": "integer"},
        "smiling": {"enum": ["yes", "no"]}, "age_text": {"type": "string"}, "Ethnicity": {}}}}}
    got = json.loads(json_reply(schema_request(schema), DESCRIPTION))
    assert got == {"age": 29, "is_smiling": True, "gender": "Female", "glasses": "yes", "hair_color": None,
                   "age_group": None, "smiling": "yes", "age_text": "29", "Ethnicity": "South Asian"}
    assert list(got) == list(schema["json_schema"]["schema"]["properties"])  # the schema's order
    # a schema without properties is a JSON object reply
    assert json_request("Is she smiling?", {"type": "json_schema", "json_schema": {"schema": {}}}).keys[0][0] == \
        "smiling"


def test_the_face_box_is_the_detectors_when_it_found_one():
    ask = json_request("Return JSON with the keys gender and bbox.")
    assert json.loads(json_reply(ask, DESCRIPTION)) == {"gender": "female", "bbox": None}  # no box known
    assert json.loads(json_reply(ask, DESCRIPTION, box=(15, 15, 194, 194))) == {"gender": "female",
                                                                               "bbox": [15, 15, 194, 194]}
    schema = {"type": "json_schema", "json_schema": {"name": "f", "schema": {"properties": {
        "bbox": {"type": "array", "items": {"type": "integer"}}, "box_text": {"type": "string"}}}}}
    assert json.loads(json_reply(schema_request(schema), DESCRIPTION, box=(1, 2, 3, 4))) == {  # got null for an array
        "bbox": [1, 2, 3, 4], "box_text": None}
    every = json.loads(json_reply(json_request("JSON please"), DESCRIPTION, box=(1, 2, 3, 4)))
    assert every["face_box"] == [1, 2, 3, 4] and list(every)[-2:] == ["face_box", "description"]


def test_a_description_that_states_nothing_gives_nulls():
    got = json.loads(json_reply(json_request("JSON with gender, age, emotion"), "A photo."))
    assert got == {"gender": None, "age": None, "emotion": None}


@pytest.mark.parametrize("question, want", [
    ("Respond in the format 'Age: N'.", "Age: 29"),
    ("What is the person's apparent age and sex? Format: <age>, <sex>", "29, female"),
    ("Reply in this format: gender=<gender>; age=<age>", "gender=female; age=29"),
    ('Please answer in the form "She is N years old."', "She is 29 years old."),
    ("Fill in: Gender: ___, Age: ___", "Gender: female, Age: 29"),
    # a sentence to complete (7 Dec 2026: "Complete the sentence: The person looks ..." got "Senior (56 or older man.")
    ("Complete the sentence: The person looks ...", "The person looks surprised."),
    ("Complete the following sentence: This person is ___ years old.", "This person is 29 years old."),
    ("Use this template: {gender}/{age_group}", "female/young adult"),
    ("Answer in the format: Gender: X; Age: Y; Smiling: yes/no", "Gender: female; Age: 29; Smiling: yes"),
    ("Template: Sex: M/F | Age: N | Glasses: Y/N", "Sex: F | Age: 29 | Glasses: Y"),
    ("Answer in this format: Man/Woman, age N", "Woman, age 29"),
    ("Format: [gender], [hair colour]", "female, unknown"),  # no description states a hair colour
    # a slot offering its choice is filled with the chosen words; the form after "… as:" (the first held-out forms
    # got "your answer as: female, 27 years old, yes")
    ("Format your answer as: <gender>, <age> years old, <smiling or not smiling>", "female, 29 years old, smiling"),
    ("Reply as <male/female>", "female"),
    ("Format: smiling: <yes or no>", "smiling: yes"),
    ("Format: <gender>, <happy/sad/neutral>", "female, surprised"),  # no alternative names it: the value as it is
    # key words alone between separators are the form's places (the second held-out forms got three sentences)
    ("Output one line in this format: gender | age | mood", "female | 29 | surprised"),
    ("Use the template: gender, age.", "female, 29"),
    # a "?" after "=" or ":" is a blank, the slots given after an instruction's colon (the third held-out forms got
    # two sentences)
    ("Return: age=?, gender=?", "age=29, gender=female"),
    ('Please estimate age; reply as "age: N".', "age: 29"),  # 8 Dec 2026: got '"age: 13".', quotes and all
    # a form written alone, a word naming the value's kind read by the key beside it, and he/she as a choice (the
    # fourth held-out forms got sentences, and "He/She is a young adult woman.")
    ("age: [number], smiling: [yes/no]", "age: 29, smiling: yes"),
    ("Answer in the form: He/She is a [age group] [man/woman].", "She is a young adult woman."),
    # "|" between a slot's choices, an arrow after the cue (the fifth held-out forms got "A woman.")
    ("Output format -> sex: <M|F>", "sex: F"),
    # a quoted form of key words after "as" (the sixth held-out forms got two sentences)
    ("Respond as 'gender/age', e.g. 'male/35'.", "female/29"),
    ("List gender, age and emotion, separated by commas.", "female, 29, surprised"),
    ("Give the gender, age and ethnicity as a comma-separated list.", "female, 29, South Asian"),
    ("Her age, gender and glasses - tab separated", "29\tfemale\tyes"),
    ("Gender and age, one per line.", "female\n29"),
    ("Give the gender and age as CSV.", "gender,age\nfemale,29"),
    ("Gender | Age | Emotion", "Gender | Age | Emotion\nfemale | 29 | surprised"),
    ("Fill this table:\n| Gender | Age |\n|---|---|", "| Gender | Age |\n|---|---|\n| female | 29 |"),
    # a table asked for without its header (6 Dec 2026: got "This is a woman. She is 36 years old, …")
    ("Give me the age and gender as a table.", "| Age | Gender |\n|---|---|\n| 29 | female |"),
    ("Put her gender, age and mood in a markdown table.", "| Gender | Age | Mood |\n|---|---|---|\n| female | 29 | surprised |"),
    # keys in square brackets (7 Dec 2026, late: got three sentences)
    ("Return a list: [gender, age]", "[female, 29]"),
])
def test_a_form_the_question_writes_out_is_filled_from_the_description(question, want):
    """"Respond in the format 'Age: N'." got "She looks happy.", "List gender, age and emotion, separated by commas."
    three sentences: the form is filled with the values a JSON reply would hold, "unknown" for a null."""
    ask = format_request(question)
    assert ask is not None and json_request(question) is None
    assert structured_reply(ask, DESCRIPTION) == want


@pytest.mark.parametrize("question", [
    "Describe her in the form of a poem.", "What form is she in?", "Is this photo in the right format?",
    "List everything you see, comma separated.", "Format: ___", "How old is she?", "Answer in the format you like.",
    "Is this a man or a woman?", "Gender, age?", "Format: the gender", "Answer in the format of your choice, please.",
    "Answer: is she happy?", "Answer as a pirate would: how old?", "Is [this] a [man]?", "Is she happy? [yes/no]",
    "Answer as 'yes' or 'no'.", 'Reply as "a pirate".', "Is she sitting at a table?", "How old is the person at the table?",
    "Is she [smiling, happy]?"])
def test_no_form_or_no_key_is_a_reply_in_words(question):
    assert format_request(question) is None


@pytest.mark.parametrize("question, separator", [
    ("Gender and age separated by spaces.", " "), ("gender and age, separated by pipes", " | "),
    ("gender, age; semi-colon separated", "; "), ("gender and age separated by line breaks", "\n"),
    ("gender and age separated by slashes", " / "), ("gender and age, tab-delimited", "\t"),
    ("gender and age, comma-separated", ", ")])
def test_every_separator_is_read_by_its_name(question, separator):
    """"separated by spaces" and "by pipes" were read as commas (their plural cut to "spac" and "pip")."""
    assert format_request(question).layout == separator


def test_structured_reply_is_json_for_a_json_request():
    ask = json_request("Return JSON with the keys gender and age.")
    assert structured_reply(ask, DESCRIPTION) == json_reply(ask, DESCRIPTION) == '{"gender": "female", "age": 29}'


def test_the_pipeline_replies_with_the_values_of_its_own_description(tmp_path):
    """Wiring: the JSON reply's values are those the attribute parser reads from the description the same
    pipeline gives the photo, and a question beside the instruction gets the answer ask gives it alone."""
    pytest.importorskip("PIL")
    import numpy as np
    from PIL import Image

    from unif2ace.evaluation.attributes import parse_caption
    from unif2ace.generation.constraints import FACT_WORDINGS, states_fact, sure_light
    from unif2ace.pipeline import UniF2ace, write_random_model

    pipe = UniF2ace.from_pretrained(write_random_model(tmp_path / "tiny"))
    crop = pipe.prepare([Image.fromarray(np.full((64, 64, 3), 128, np.uint8))], align=False)[0]
    description = pipe.caption(crop, align=False)[0]
    # the model's own answers to the training wordings, which fill in a smile and a sharpness the description leaves
    # out (the random model's words name neither): as a question about them in words reads them
    said = {FACT_WORDINGS["smile"]: "Yes, she is smiling.", FACT_WORDINGS["sharpness"]: "The photo is blurry."}
    own = pipe._own_answers
    pipe._own_answers = lambda question, n, rows, *rest: {i: said[question] for i in rows} if question in said \
        else own(question, n, rows, *rest)
    got = json.loads(pipe.ask(crop, "Output a JSON object describing this person.", align=False)[0])
    assert got.pop("description") == description
    stated = parse_caption(description)
    filled = {"smile": True, "sharpness": "blurry", "lighting": sure_light(crop.info.get("luminance"))}
    for attr, value in filled.items():
        if not states_fact(description, attr) and value is not None:
            stated[attr] = value
    assert {k: v for k, v in got.items() if k != "age"} == {
        k: {"Indian": "South Asian", "surprise": "surprised"}.get(v, v) for k, v in stated.items()}
    keyed = json.loads(pipe.ask(crop, "Return JSON with the keys gender and hair_color.", align=False)[0])
    assert keyed == {"gender": stated.get("gender"), "hair_color": None}
    answer = pipe.ask(crop, "Is this person over 50?", align=False, max_new_tokens=8)[0]
    wrapped = pipe.ask(crop, "Answer in JSON: is this person over 50?", align=False, max_new_tokens=8)[0]
    assert json.loads(wrapped) == {"answer": answer}
    # response_format, beside a batch row that asks for words
    rows = pipe.ask([crop, crop], ["What is the gender?", "Describe this person."], align=False,
                    response_format={"type": "json_object"})
    assert json.loads(rows[0]) == {"gender": stated.get("gender")}
    assert json.loads(rows[1])["description"] == description
    plain = pipe.ask([crop, crop], ["JSON: gender", "Describe this person."], align=False)
    alone = pipe.ask(crop, "Describe this person.", align=False)[0]  # cut to ask's max_new_tokens, as asked
    assert json.loads(plain[0]) == {"gender": stated.get("gender")} and plain[1] == alone
    # a row asked in words beside a JSON row keeps its own max_new_tokens (the JSON row reads a whole description)
    short = pipe.ask([crop, crop], ["JSON: gender", "Is this person over 50?"], align=False, max_new_tokens=8)
    assert json.loads(short[0]) == {"gender": stated.get("gender")} and short[1] == answer
    # a form written out holds the same values as JSON does ("unknown" for null)
    said = {k: "unknown" if v is None else str(v) for k, v in json.loads(pipe.ask(
        crop, "Return JSON with the keys gender and age.", align=False)[0]).items()}
    assert pipe.ask(crop, "Respond in the format 'Gender: X, age: N'.", align=False)[0] == \
        f"Gender: {said['gender']}, age: {said['age']}"
    assert pipe.ask(crop, "Gender and age, separated by commas.", align=False)[0] == f"{said['gender']}, {said['age']}"


@pytest.mark.parametrize("question, asked", [
    # 7 Dec 2026 (afternoon): "Describe the person as a police report would." got the whole description in prose
    ("Describe the person as a police report would.", True), ("Write a witness statement describing this person.", True),
    ("Give me a suspect description.", True),
    ("Describe this face to a police sketch artist.", False),  # the prose says more of the face
    ("Is this a police report?", False), ("Describe her.", False),
])
def test_a_description_asked_as_a_report_is_the_reports_fields(question, asked):
    from unif2ace.generation.structured import report_request, structured_reply

    ask = report_request(question)
    assert (ask is not None) is asked
    if asked:
        caption = "The image shows a close-up photo of a White man, aged 45. He looks neutral. He is wearing glasses."
        assert structured_reply(ask, caption) == ("Sex: male. Apparent age: 45. Ethnicity: White. Expression: neutral. "
                                                  "Glasses: yes. Facial hair: unknown.")


@pytest.mark.parametrize("form, question, json_question", [
    # 7 Dec 2026 (evening): "Describe the person in YAML." got her age
    ("yaml", "Describe her in YAML.", "Describe her in JSON."),
    ("yaml", "Give me the age and gender in YAML.", "Give me the age and gender in JSON."),
    ("yaml", "Answer in yml: is she over 50?", "Answer in JSON: is she over 50?"),
    # 7 Dec 2026 (night): "Give the gender, age and emotion as a Python dict." got three sentences
    ("python", "Give the gender, age and emotion as a Python dict.", "Give the gender, age and emotion as JSON."),
    ("python", "Return a dict with gender and age.", "Return JSON with gender and age."),
    ("python", "Describe her as a Python dictionary.", "Describe her in JSON."),
])
def test_yaml_or_a_python_dict_asked_is_the_json_object_in_that_form(form, question, json_question):
    """The reply is read back, by an independent parser (PyYAML, Python's own literal parser), as the object JSON
    would give."""
    import ast

    import yaml

    ask = json_request(question)
    assert ask is not None and ask.form == form
    said = structured_reply(ask, DESCRIPTION, "No, she looks about 29 years old.")
    parse = {"yaml": yaml.safe_load, "python": ast.literal_eval}[form]
    assert parse(said) == reply(json_question, "No, she looks about 29 years old.")


def test_a_clients_json_comes_before_a_form_asked_in_words():
    assert json_request("Describe her in YAML.", "json_object").form == "json"
    assert json_request("Give her age as a Python dict.", "json_object").form == "json"
    assert json_request("Is she smiling?") is None and json_request("Is Python her favourite language?") is None


@pytest.mark.parametrize("questions, expected", [
    (["Describe the person in JSON.", "Now as YAML."], "Describe the person as YAML."),
    (["Give me her age and gender as JSON.", "In CSV please."], "Give me her age and gender as CSV."),
    (["Give me her age and gender as JSON.", "As a table."], "Give me her age and gender as a table."),
    (["Describe the person in JSON.", "Now as YAML.", "And as JSON again"], "Describe the person as JSON."),
    (["Describe this person.", "In JSON."], "Describe this person in JSON."),
    (["How old is she?", "In JSON."], "How old is she? Answer in JSON."),
    (["Describe this person.", "As a table."], None),  # a table needs its columns named
    (["Hello", "In JSON."], None),
])
def test_the_reply_again_in_another_form(questions, expected):
    from unif2ace.data.questions import form_follow_up

    assert form_follow_up(questions) == expected


def test_lists_and_tables_that_name_no_key_hold_every_stated_attribute():
    # 7 Dec 2026: "List the attributes as bullet points." and "What are her attributes? Use a numbered list." got "I
    # can't tell from this photo.", "Make a table of her attributes." "No. It is a photo of a person."
    bullets = structured_reply(format_request("List the attributes as bullet points."), DESCRIPTION).splitlines()
    assert bullets[:3] == ["- gender: female", "- age: 29", "- age group: young adult"]
    assert "- glasses: yes" in bullets and all(line.startswith("- ") for line in bullets)
    numbered = structured_reply(format_request("What are her attributes? Use a numbered list."), DESCRIPTION)
    assert numbered.splitlines()[:2] == ["1. gender: female", "2. age: 29"]
    table = structured_reply(format_request("Make a table of her attributes."), DESCRIPTION).splitlines()
    assert table[:4] == ["| Attribute | Value |", "|---|---|", "| Gender | female |", "| Age | 29 |"]
    named = structured_reply(format_request("List her age and gender as bullet points."), DESCRIPTION)
    assert named == "- age: 29\n- gender: female"
    # a description in bullets is its sentences, as many as asked
    three = structured_reply(format_request("Describe her in three bullet points."), DESCRIPTION)
    assert three == ("- The photo is a close-up photo; it shows a 29-year-old South Asian young woman.\n"
                     "- The expression on her face reads as surprised.\n- She is smiling, with her mouth slightly open.")
    assert format_request("Give me a list of ingredients as bullet points.") is None  # nothing of the photo


def test_keys_written_as_identifiers_after_json_with_are_kept():
    # 7 Dec 2026: "Give me a JSON object with age_estimate and confidence." got every attribute
    assert reply("Give me a JSON object with age_estimate and confidence.") == {"age_estimate": 29, "confidence": None}
    assert reply("JSON with her gender and age") == {"gender": "female", "age": 29}  # key words, not identifiers
    # a confidence asked beside the values is written null, not dropped ("Return JSON with the gender and a confidence
    # score." got {"gender": "female"})
    assert reply("Return JSON with the gender and a confidence score.") == {"gender": "female", "confidence_score": None}


def test_an_apostrophe_inside_a_word_is_no_quoted_key():
    # 7 Dec 2026: "What's the probability she's over 50? Answer in JSON." was read as the key "s the probability she"
    assert list(reply("What's the probability she's over 50? Answer in JSON.")) == ["probability"]
    assert reply("Return JSON with keys 'gender' and 'age'.") == {"gender": "female", "age": 29}

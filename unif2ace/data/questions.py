"""Many wordings of each question, split into training and held-out templates by a hash.

:func:`write_questions` adds to a record's template QA (:mod:`unif2ace.data.qa`) the questions a
user actually types: casual, terse and formal wordings, second and third person, with and without a
pronoun, "guess"/"roughly"/"estimate"; yes/no questions whose premise is true or false in equal
measure; questions whose honest answer is "I can't tell from this photo" (name, job, hair colour:
nothing the labellers measure); off-topic questions ("Is this a cat?" → "No, it is a photo of a
person.") with true-premise counterparts; and two-turn conversations whose second question refers
back ("And is she smiling?", kind ``follow-up``: training keeps it right after its first turn).
Every answer states only labelled attributes.

Each template (the question text before its pronouns are filled in) is **held out** when the
SHA-256 of its text falls in the bottom :data:`HELD_OUT_PERCENT` percent, independently of the
code around it. Training data is written from the other templates only; ``unif2ace eval
understanding`` asks the held-out ones of test photos (:func:`eval_questions`) to measure how far
understanding holds off the training wording. The wordings of the original template QA
(:data:`PINNED`) always stay in training, so the shipped model's template figures stay comparable.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from unif2ace.data.captions import GRANDFATHER_WORDS, GRANDMOTHER_WORDS, seed_of, years_old
from unif2ace.data.records import QATurn

HELD_OUT_PERCENT = 20
AGE_RANGES = {"child": "0–12", "teen": "13–19", "young adult": "20–35", "middle-aged": "36–55", "senior": "56 or older"}
GROUP_NOUN = {"child": "a child", "teen": "a teenager", "young adult": "a young adult", "middle-aged": "middle-aged",
              "senior": "a senior"}
EMOTION_ADJ = {"happy": "happy", "neutral": "neutral", "sad": "sad", "surprise": "surprised"}
# An asked expression that two labels bear out ("Does she look relaxed?", "Is he calm?", "Is she content?"): a
# happy or a neutral face is at ease, a sad or a surprised one is not (same_value).
AT_EASE = "at ease"
AT_EASE_WORDS = re.compile(r"\b(?:calm|calmer|relaxed|at ease|contented|peaceful|serene|composed|at peace|"
                           r"comfortable|laid[- ]back|chill|chilled)\b|\b(?:is|are|am|be|look|looks|looking|seem|seems|"
                           r"feel|feels|appear|appears)\s+(?:(?:he|she|they|you|the \w+|this \w+)\s+)?(?:(?:quite|very|so|really|pretty|rather|fairly|perfectly|truly|"
                           r"completely|more|less)\s+)?content\b", re.I)
CANT_TELL = ("I can't tell from this photo.", "I can't tell that from this photo.",
             "I can't tell from the photo alone.")
# The wordings of qa.write_qa (the shipped model's training questions): never held out.
PINNED = frozenset({
    "Is this a man or a woman?", "Is this a boy or a girl?", "How old is the person in the photo?",
    "What is this person's age?", "How old is this person?", "How old does this person look?",
    "Which age group does this person belong to: child, teen, young adult, middle-aged or senior?",
    "Is the person smiling?", "Is there a smile on this face?", "What expression does the face show?",
    "How does this person seem to feel?", "What emotion is visible on the face?", "Is this person {group}?",
    "Is this photo in color?", "Is this a black-and-white photo?", "Is the mouth open or closed?",
    "Are the person's eyes open?", "Are the person's eyes closed?", "Which way is the head turned?",
    "Is this person wearing glasses?", "Does this person have facial hair?", "Is the photo sharp or blurry?",
    "How is the face lit?", "What ethnicity is the person labelled as?", "Describe this face in detail.",
})

# ----------------------------------------------------------------------------- question templates
# Placeholders: {he} {his} {him} {be} (is/are) {does} (does/do) for the person; {person} is a
# gender-neutral noun ("this person"), used where a pronoun would give the answer away.
OPEN: dict[str, list[str]] = {
    "gender": [
        "Is this a man or a woman?", "Man or woman?", "Male or female?", "What gender is this person?",
        "What is the gender of the person in the photo?", "Is the person in this picture male or female?",
        "Would you say this is a man or a woman?", "Tell me the gender of the person in this photo.",
        "Gender?", "Is this person a guy or a gal?", "Could you tell me whether this is a man or a woman?",
        "Which gender would you say this person is?", "Is the face in this photo a man's or a woman's?",
        "Please state the sex of the individual pictured.", "Who is this, a man or a woman?",
        "What sex is the person shown here?", "Guy or girl?", "Is it a male or a female in this image?",
    ],
    "age_group": [
        "How old is the person in the photo?", "What is this person's age?", "How old is this person?",
        "How old is {he}?", "How old?", "Age?", "What age is {he}?", "Guess {his} age.",
        "Roughly how old is {he}?", "Estimate the age of the person in this photo.",
        "How old would you say {he} {be}?", "About how old does {he} look?", "Can you guess how old {he} {be}?",
        "What's {his} age, roughly?", "How many years old is this person?", "Give me an estimate of {his} age.",
        "Please estimate the age of the individual pictured.", "How old do you think this person is?",
        "What age would you put {him} at?", "Any idea how old {he} {be}?",
        "Which age group does this person belong to: child, teen, young adult, middle-aged or senior?",
        "What age group is {he} in?", "Is {he} a child, a teenager, a young adult, middle-aged or a senior?",
        "Which age bracket does this person fall into?", "Age group?", "What stage of life is {he} at?",
    ],
    "smile": [
        "Is {he} smiling or not?", "Smiling or not?", "Does {he} have a smile on {his} face or not?",
        "Tell me whether the person is smiling.", "Is there a smile on this face or not?",
        "Is this person smiling or straight-faced?", "Would you say {he} {be} smiling or not?",
        "Check whether the person in the picture is smiling.",
    ],
    "emotion": [
        "What expression does the face show?", "How does this person seem to feel?",
        "What emotion is visible on the face?", "What's {his} mood?", "How does {he} look, emotionally?",
        "Mood?", "What emotion is {he} showing?", "How would you describe {his} expression?",
        "What feeling does {his} face express?", "Describe the emotion on this face in a word or two.",
        "How is {he} feeling, judging by {his} face?", "What kind of expression does {he} have?",
        "What emotion does this person show?", "What is the mood of the person in the photo?", "What's the emotion here?",
        "What mood is {he} in?", "Expression?", "What is the facial expression?",
    ],
    "mouth": [
        "Is {his} mouth open or closed?", "Mouth open or closed?", "Are {his} lips parted or closed?",
        "How open is {his} mouth?", "Describe the state of the mouth.",
    ],
    "head_pose": [
        "Which way is {he} facing?", "Where is {he} looking, left, right or at the camera?",
        "Is {his} head turned to one side or facing the camera?", "Head pose?",
        "Which direction is the head turned?", "Describe the head pose of the person.",
    ],
    "color": [
        "Is this photo in color or black and white?", "Color or black-and-white?",
        "Is the picture in color or black and white?", "Is this a color photo or a black-and-white one?", "Colour photo or black and white?", "Is this image colored or grayscale?",
    ],
    "ethnicity": [
        "What ethnicity is the person labelled as?", "Which ethnicity is this person labelled as?",
        "What ethnic group is the person labelled as?", "Ethnicity label?",
    ],
}

# Yes/no: (attribute, asked value) -> templates. The answer starts with "Yes" or "No".
POLAR: dict[tuple[str, Any], list[str]] = {
    ("gender", "female"): ["Is this a woman?", "Is this person female?", "Is the person in the photo a woman?",
                           "Is it a woman in this picture?", "Would you say this is a woman?", "Is this a female face?",
                           "Is the subject of this photo a woman?", "Is this a female?", "Is the person a woman?", "Is this a lady?"],
    ("gender", "male"): ["Is this a man?", "Is this person male?", "Is the person in the photo a man?",
                         "Is it a man in this picture?", "Would you say this is a man?", "Is this a male face?"],
    ("gender", "female-young"): ["Is this a girl?", "Is the child in the photo a girl?", "Is this person a girl?", "Is this little one a girl?",
                                 "Is the child female?", "Is this a young girl?"],
    ("gender", "male-young"): ["Is this a boy?", "Is the child in the photo a boy?", "Is this person a boy?", "Is the kid a boy?", "Is this a young boy?"],
    ("age_group", "*"): ["Is {he} {group}?", "Is this person {group}?", "Would you say {he} {be} {group}?",
                         "Does {he} look like {group} to you?", "Is the person in the photo {group}?",
                         "Is it {group} in this picture?", "Could {he} be {group}?"],
    ("smile", True): ["Is {he} smiling?", "Is the person smiling?", "Is there a smile on this face?",
                      "Does {he} have a smile?", "Smiling, is {he}?", "Is {he} grinning?", "Do you see a smile?"],
    ("smile", False): ["Is {he} straight-faced?", "Is {he} keeping a straight face?", "Is {his} face without a smile?",
                       "Is the person unsmiling?", "Does {he} look serious, with no smile?", "Is {he} not smiling?",
                       "Does {he} look solemn?", "Is {his} expression serious?", "Does {he} have a straight face?"],
    ("emotion", "*"): ["Does {he} look {adj}?", "Is {he} {adj}?", "Would you say {he} looks {adj}?",
                       "Does the person seem {adj}?", "Is the expression {adj}?", "Does this face look {adj}?"],
    ("color", "color"): ["Is this photo in color?", "Is the picture in color?", "Is this a color photo?"],
    ("color", "black and white"): ["Is this a black-and-white photo?", "Is the picture black and white?",
                                   "Is this photo monochrome?", "Is this picture in black and white?",
                                   "Is the photo grayscale?", "Is the image black and white?"],
    ("head_pose", "frontal"): ["Is {he} facing the camera?", "Is {he} looking straight at the camera?",
                               "Does {he} face the camera directly?", "Is {he} looking into the lens?",
                               "Is the face turned toward the camera?", "Is {he} looking at the camera?"],
    ("mouth", "wide open"): ["Is {his} mouth wide open?", "Is the mouth wide open?", "Is {he} opening {his} mouth wide?"],
}
OFF_TOPIC_FALSE = [
    "Is this a cat?", "Is this a photo of a cat?", "Is this a dog?", "Is this a picture of a dog?",
    "Is this a car?", "Is this a photo of a house?", "Is this a landscape?", "Is there a horse in this picture?",
    "Is this a bird?", "Is this a photo of a tree?", "Is this a picture of food?", "Is this an animal?",
    "Is this a photo of a bicycle?", "Is this a cartoon character?", "Is this a map?", "Is this a flower?",
    "Is there a dog in this photo?", "Is this a picture of a building?", "Is this a fish?", "Is this a teddy bear?",
]
OFF_TOPIC_TRUE = [
    "Is this a photo of a person?", "Is there a person in this photo?", "Is there a face in this picture?",
    "Is this a human?", "Is this a picture of someone's face?", "Does this photo show a person?",
    "Is this a human face?", "Is there someone in this picture?",
]
CANT_TELL_QUESTIONS = [
    "What is {his} name?", "What's this person's name?", "Who is this?", "What does {he} do for a living?",
    "What is {his} job?", "What color is {his} hair?", "What colour is {his} hair?", "How tall is {he}?",
    "Where does {he} live?", "What is {his} favourite food?", "What is {his} profession?", "What's {his} hair colour?",
    "How much does {he} weigh?", "What is {he} thinking about?", "What is {his} nationality?", "Which city is this?",
]
FOLLOW_UPS: dict[str, list[str]] = {
    "age_group": ["And how old is {he}?", "What about {his} age?", "And {his} age?", "How old is {he}, then?",
                  "And roughly how old?"],
    "smile": ["And is {he} smiling?", "And smiling or not?", "And a smile?", "What about a smile, is there one?"],
    "emotion": ["And {his} mood?", "What about {his} expression?", "And how does {he} seem to feel?",
                "And what emotion does {he} show?"],
    "gender": ["And is that a man or a woman?", "What about the gender?", "And man or woman?", "And the gender?", "And male or female?"],
    "color": ["And is the photo in color or black and white?", "What about the photo, color or black-and-white?", "Color?",
              "And color or black-and-white?"],
}


def template_hash(template: str) -> int:
    """0…99 from the SHA-256 of the template text (stable across Python runs and machines)."""
    return int(hashlib.sha256(template.encode("utf-8")).hexdigest()[:8], 16) % 100


def held_out(template: str) -> bool:
    """True for a held-out template: never written into training data, asked only by evaluation."""
    return template not in PINNED and template_hash(template) < HELD_OUT_PERCENT


def split_templates(templates: list[str], split: str) -> list[str]:
    """The templates of one split: ``train`` or ``held-out``."""
    if split not in ("train", "held-out"):
        raise ValueError(f"unknown template split {split!r}; choose train or held-out")
    return [t for t in templates if held_out(t) == (split == "held-out")]


# Wordings written by hand for spot checks of the shipped model (``scripts/own_wordings.py``): like the
# held-out templates they never reach training, neither composed nor through surface noise.
OWN_WORDINGS: dict[str, tuple[str, ...]] = {
    "gender": ("Is this a guy or a girl?", "male or female", "What's the gender of this person?", "boy or girl?",
               "Tell me if this is a man or a woman.", "Which sex is this person?"),
    "age_group": ("What's the age of this person?", "Roughly how old is this person?", "Guess the age.",
                  "Is this person young or old?", "About what age would you say?"),
}
# Questions in forms no template takes (3 Dec 2026): a modal verb, a hedge, a statement with a question mark, a
# request to confirm, a pronoun choice. (question, attribute, the value whose label makes a yes/no premise true;
# None for an open question.) Kept out of training like OWN_WORDINGS; asked by scripts/own_wordings.py.
OWN_OTHER_FORMS: tuple[tuple[str, str, Any], ...] = (
    ("Any chance this is a woman?", "gender", "female"), ("Might this be a man?", "gender", "male"),
    ("Should I assume this person is smiling?", "smile", True), ("I'd say this is a child, am I right?", "age_group", "child"),
    ("So this person is a senior?", "age_group", "senior"), ("Does this person look cheerful?", "smile", True),
    ("He or she?", "gender", None), ("May I ask how old this person is?", "age_group", None),
    ("Yes or no: is this a woman?", "gender", "female"), ("Would you guess male?", "gender", "male"),
    ("Any idea if this person is smiling?", "smile", True), ("What are the odds this is a senior?", "age_group", "senior"),
)
COMPOSED_SHARE = 0.5  # share of training questions drawn from the composed templates (data.wordings)


@lru_cache(maxsize=1)
def kept_out_texts() -> frozenset[str]:
    """Every wording that must not reach training: the held-out templates, :data:`OWN_WORDINGS` and
    :data:`OWN_OTHER_FORMS`."""
    return frozenset([t for t in all_templates() if held_out(t)] + [t for ts in OWN_WORDINGS.values() for t in ts]
                     + [q for q, _, _ in OWN_OTHER_FORMS])


def kept_out(question: str) -> bool:
    """True when ``question`` is (up to case, punctuation, spacing and contractions) a kept-out wording."""
    from unif2ace.data.wordings import normalise

    return normalise(question) in _kept_out_normalised()


@lru_cache(maxsize=1)
def _kept_out_normalised() -> frozenset[str]:
    from unif2ace.data.wordings import normalise

    return frozenset(normalise(t) for t in kept_out_texts())


def _train_pool(hand: list[str], key: tuple, rng: random.Random, composed_share: float) -> list[str]:
    """Training templates for one question kind: the hand-written ones, or with probability
    ``composed_share`` the composed ones (:func:`unif2ace.data.wordings.composed`; no draw when 0)."""
    hand_t = split_templates(hand, "train")
    if composed_share <= 0:
        return hand_t
    from unif2ace.data.wordings import composed

    comp = split_templates(list(composed(*key, held_out_texts=kept_out_texts())), "train")
    if comp and (not hand_t or rng.random() < composed_share):
        return comp
    return hand_t


def all_templates() -> list[str]:
    """Every question template of this module (for tests and counts)."""
    out = [t for ts in OPEN.values() for t in ts] + [t for ts in POLAR.values() for t in ts]
    out += OFF_TOPIC_FALSE + OFF_TOPIC_TRUE + CANT_TELL_QUESTIONS + [t for ts in FOLLOW_UPS.values() for t in ts]
    return out


# Words a question about a face is read by, for correcting a user's typing (spelled): those of every
# question template, and these.
_MORE_WORDS = ("smiling smile smiles grinning laughing female male woman women girl girls teenager teenage elderly senior "
               "middle-aged adult child children toddler infant glasses beard moustache mustache expression emotion "
               "happy angry surprised neutral ethnicity lighting blurry sharp color colour black white photo picture "
               "person people wearing looking facing camera closed open their there years photograph mood "
               "chance possibility possibly perhaps probably odds likely wondering assume")  # the forms of is_yes_no


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset, tuple]:
    words = set(re.findall(r"[a-z][a-z'-]+", " ".join(all_templates()).lower() + " " + _MORE_WORDS))
    words = {w for w in words if "{" not in w}
    return frozenset(words), tuple(sorted(w for w in words if len(w) >= 4))


@lru_cache(maxsize=1)
def _english():
    """English words with their frequencies (pyspellchecker's list, ~160k words with their inflections)."""
    from spellchecker import SpellChecker

    return SpellChecker(distance=1).word_frequency.dictionary


@lru_cache(maxsize=4096)
def spelled(question: str) -> str:
    """``question`` with each word of five or more letters that is neither a word of the questions'
    vocabulary nor an English word, but one letter from a vocabulary word ("smilling", "femal", "glases",
    "teenagr"), made that word, for reading what it asks ("is she smilling" is a question about the
    smile); the model still reads what was typed. An English word stays as typed, however close to a
    question word: "light" is not "right", "South Asian" not "mouth Asian", "that's" not "what's"."""
    import difflib

    known, long = _vocabulary()

    def fix(m: re.Match) -> str:
        word = m.group(0)
        low = word.lower()
        if len(low) < 5 or low in known or low in _english():
            return word
        close = [w for w in difflib.get_close_matches(low, long, n=3, cutoff=0.8) if _one_edit(low, w)]
        return close[0] if close else word

    return re.sub(r"[A-Za-z][A-Za-z'-]+", fix, question)


ENGLISH_ONLY = "I can only answer questions in English. Please ask in English, for example: \"How old is this person?\""


# Languages an answer may be asked in ("Describe this person in Spanish." got the English description with no word
# about the Spanish): the model writes English only, and says so before its answer (:func:`asked_language`).
_LANGUAGES = ("Spanish French German Italian Portuguese Dutch Russian Chinese Mandarin Cantonese Japanese Korean Arabic "
              "Hindi Urdu Bengali Punjabi Tamil Turkish Polish Swedish Norwegian Danish Finnish Greek Hebrew Vietnamese "
              "Thai Indonesian Malay Tagalog Ukrainian Persian Farsi Swahili Czech Romanian Hungarian Catalan").split()
_LANGUAGE = "|".join(_LANGUAGES)
_IN_LANGUAGE = re.compile(
    # "… in Spanish.", "Answer in French, please.", "Translate that into German." (not "Is she in Spanish class?")
    rf"\b(?:in|into)\s+({_LANGUAGE})(?=\s*(?:[.?!,;:)]|$|please\b|and\b|too\b|as well\b|only\b|instead\b|for me\b))|"
    rf"\btranslat\w*\b[^.?!]*?\b(?:to|into|in)\s+({_LANGUAGE})\b", re.I)


def asked_language(question: str) -> str | None:
    """The language other than English an English message asks the answer in ("Describe this person in Spanish."
    → "Spanish", "How old is she? Answer in French." → "French"); None when it asks none."""
    m = _IN_LANGUAGE.search(question)
    return (m[1] or m[2]).capitalize() if m else None


# A piece of writing asked about the person ("Write a haiku about this face." got the whole description, "Write a poem
# about her." "I can't tell from the photo alone.", "Tell me a joke about this person." "I can't tell from this photo."):
# the model writes none; it says so and describes the face in one sentence (pipeline.converse)
_CREATIVE = re.compile(
    r"\b(?:write|compose|make|make up|tell|create|give|invent|generate|come up with|craft|draft|sing|rap)\b[^.?!]*?\b"
    r"(?P<what>haikus?|poems?|poetry|limericks?|sonnets?|songs?|lyrics|raps?|verses?|rhymes?|(?:short )?stor(?:y|ies)|"
    r"tales?|fables?|jokes?|puns?|backstor(?:y|ies)|back stor(?:y|ies)|fan ?fiction|dialogues?|scripts?|"
    r"pick[- ]?up lines?|dating profiles?|tinder bios?|personal ads?)\b|^\W*(?P<roast>roast)\b|"
    # a voice ("Say it like a pirate." got "I can't tell from this photo.")
    r"\b(?:say|write|describe|tell|put|answer|speak|talk|reply|respond|redo|do|repeat)\b[^.?!]*?"
    r"\b(?P<voice>(?:like|as)\s+(?:a\s+)?(?:pirate|cowboy|shakespeare|yoda|robot|gangster)|in\s+(?:pirate|cowboy|"
    r"shakespearean|old english)(?:\s+(?:speak|talk|english|style))?|in the (?:voice|style) of)\b", re.I)


def asks_creative(question: str) -> str | None:
    """The piece of writing a message asks about the person ("Write a haiku about this face." → "haiku", "Roast this
    person." → "roast"); None for any other message."""
    m = _CREATIVE.search(question)
    if m is None:
        return None
    if m["voice"]:
        return "voice"
    return "roast" if m["roast"] else re.sub(r"(?<=[a-z])s$|ies$", lambda e: "y" if e[0] == "ies" else "", m["what"].lower())


def creative_note(question: str, answer: str) -> str | None:
    """The one-sentence description a piece of writing was asked for, said to be what the model gives instead ("Write a
    haiku about this face." → "I don't write haikus; I describe faces and answer questions about them. Here is what I
    see: A 29-year-old South Asian woman, smiling."); None for any other question."""
    if (what := asks_creative(question)) is None:
        return None
    if what == "voice":
        return f"I only write in my own plain words; I describe faces and answer questions about them. Here is what I see: {answer}"
    kind = {"roast": "roasts", "poetry": "poetry", "lyrics": "lyrics", "fan fiction": "fan fiction",
            "fanfiction": "fan fiction", "story": "stories", "short story": "stories", "backstory": "backstories",
            "back story": "backstories"}.get(what, what + "s")
    return f"I don't write {kind}; I describe faces and answer questions about them. Here is what I see: {answer}"


# A request to change the photo or draw a face ("Can you make her smile?" got "Yes. She is smiling.", "Make him look
# older." "I may be wrong, but from this photo he looks about 85 years old", "Generate a similar face." an age): a chat
# only answers about the photo; editing and drawing are the pipeline's other verbs (IMAGE_CHANGE_REPLY says which)
_IMAGE_CHANGE = re.compile(
    r"^(?:please\s+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?"
    r"(?:(?:make|turn|get)\s+(?:her|him|them|it|this(?:\s+\w+)?|the\s+(?:person|face|photo|picture|image|pic|"
    r"man|woman|girl|boy|kid|child|baby|background))\s+(?:look\s+|appear\s+|seem\s+|into\s+|to\s+)?\w|"
    r"(?:change|edit|modify|alter|remove|erase|delete|add|put|draw|sketch|paint|generate|create|render|produce|"
    r"transform|enhance|retouch|photoshop|swap|replace|colou?ri[sz]e|restore|upscale|sharpen|brighten|darken|crop|"
    r"blur|de-?age|animate|cartoonify|stylize|redraw|recreate|reimagine|morph|fix|improve)\b)", re.I)
IMAGE_CHANGE_REPLY = ("I can't change the photo or draw faces in a conversation: I answer questions about the photo. To "
                      "change the face, use edit (`unif2ace edit`, the API's /v1/edit or the page's Edit tab); to draw "
                      "new faces, use generate (`unif2ace generate`, /v1/generate or the Generate tab).")


def asks_image_change(question: str) -> bool:
    """Whether a message asks to change the photo or draw a face ("Can you make her smile?", "Make him look older.",
    "Remove the glasses.", "Generate a similar face."); not a request for a description in any wording ("Generate a
    caption for this photo.") nor a question ("Does the lighting make her look older?")."""
    q = _core(question)
    return (bool(_IMAGE_CHANGE.match(q)) and not asks_description(as_meant(question)) and asks_creative(question) is None
            # of the words, not the picture ("Remove the age from the description.", "Make the answer shorter.", "Add
            # the ethnicity.")
            and not re.search(r"\b(?:description|caption|answer|text|reply|summary|list|sentences?|words?|paragraph)\b", q)
            and not _REDO_WITH.match(q) and not _REDO_WITHOUT.match(q))


# what a message asking for the last answer in another language may say besides the language ("Translate that into
# Spanish.", "Can you say that in German?", "Now in French, please.")
_BACK_WORDS = frozenset("translate translated translation that this it your the answer answers description reply what you "
                        "said just can could would will please say repeat now and then write put same thing again me "
                        "give do in into to ok okay so".split())


def language_follow_up(questions: Sequence[str]) -> str | None:
    """The question before, when the last message of a chat asks only for the answer to it in another language
    ("How old is he?" then "Can you say that in German?" → "How old is he?"); None otherwise. The answer is the
    English one, said to be English (:func:`english_only_note`)."""
    if len(questions) < 2 or not isinstance(questions[-2], str) or (m := _IN_LANGUAGE.search(questions[-1])) is None:
        return None
    rest = re.findall(r"[a-z']+", (questions[-1][:m.start()] + " " + questions[-1][m.end():]).lower())
    return questions[-2] if all(w in _BACK_WORDS for w in rest) else None


def english_only_note(question: str, answer: str) -> str | None:
    """The answer said to be in English when the question asks for another language ("Describe him in Spanish."
    → "I can only answer in English, not Spanish. The photo is …"); None when it asks for none."""
    if (language := asked_language(question)) is None:
        return None
    return f"I can only answer in English, not {language}. {answer}"


# Function words of the languages users most often write in besides English (Spanish, French, German, Italian,
# Portuguese, Dutch) that the English word list also holds as rare or borrowed words ("es", "una", "de", "oder",
# "persona" is a content word and stays): they count as English for no message. Words English users type in
# English questions ("a", "die", "hat", "um", "er", "me", "so", "met") are not here.
_FOREIGN_FUNCTION_WORDS = frozenset(
    "es un una unos unas el los las del al que con por para su sus se lo le muy esta este está tiene lleva qué cómo "
    "est une il ils elle elles les des du et ou ce cette ces qui quel quelle sont pas avec dans sur "
    "ist das ein eine einen der den dem und oder nicht sie wie mit diese dieser dieses "
    "che di gli questa questo sono lei lui della "
    "uma os ele ela tem essa esse "
    "een het deze dit hij zij heeft".split())


def not_english(message: str) -> bool:
    """Whether a message is written in another language than English ("¿Cuántos años tiene esta persona?",
    "Quel âge a cette personne?", "Сколько лет этому человеку?"): at most two in five of its words are
    English or the questions' own, counting words of two letters or more, of which there are at least two
    (or any in a script other than Latin); another language's function words (:data:`_FOREIGN_FUNCTION_WORDS`:
    "es", "una", "oder") never count as English, although the English word list holds them. Typos ("Whats
    the age of the persn?") and names ("Is this Barack Obama?") leave enough English words; a lone unknown
    word ("Smilng?") is not judged."""
    words = [w for w in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", message.lower()) if len(w) >= 2]
    other_script = any(not ("a" <= c <= "z" or "\u00c0" <= c <= "\u024f" or c == "'") for w in words for c in w)
    if not words or len(words) < 2 and not other_script:
        return False
    known, _ = _vocabulary()
    english = sum((w in known or w in _english()) and w not in _FOREIGN_FUNCTION_WORDS for w in words)
    return english <= 0.4 * len(words)


# a negative question ("Isn't she smiling?", "Doesn't he look old?"): asked plainly, its Yes means the same
_NEGATIVE_AUX = re.compile(r"^(\W*(?:(?:hi|hey|hello|ok|okay|so|well|and|but)\W+)?)(is|are|was|were|does|do|did|has|have|"
                           r"can|could|will|would|should)n[’']t\b", re.I)


# "Is this a teenager, yes or no?": the choice it offers is the answer's form, not two things to choose from
_YES_OR_NO = re.compile(r"\s*[,;:(\u2013\u2014-]?\s*\(?\s*(?:yes or no|yes/no|y/n|true or false)\s*\)?(?=\s*[?.!]*\s*$)",
                        re.I)


# ... and one put first ("Yes or no: is this a woman?" got "A man.", "True or false: this person is smiling." "I
# can't tell from this photo."): what follows is the question, a yes/no one even when typed as a statement
_YES_OR_NO_FIRST = re.compile(r"^\W*(?:yes or no|yes/no|y/n|true or false)\s*[:,;?\u2013\u2014-]\s*(?=\w)", re.I)
# two terse alternatives asked one after the other ("man? woman?" got "I can't tell from this photo."): a choice
_TWO_FRAGMENTS = re.compile(r"^\W*([a-z][\w'-]*(?: [\w'-]+)?)\s*\?+\s*(?:or\s+)?([a-z][\w'-]*(?: [\w'-]+)?)\s*\?+\s*$", re.I)
# "Smiling or nah?", "Is she a senior or nah": "or not" (it got "I can't tell from the photo alone.")
# "Is the head straight or tilted?" (got "Slightly open, with the lips parted."): no open question about the tilt
# was trained, so it is asked as "Is the head tilted?", whose answer says which ("No, her head is upright.")
_STRAIGHT_OR_TILTED = re.compile(r"\b(?:straight|upright|level)\s+or\s+(?:tilted|tilting|slanted|angled|tipped)\b|"
                                 r"\b(?:tilted|tilting|slanted|angled|tipped)\s+or\s+(?:straight|upright|level)\b", re.I)
_OR_NAH = re.compile(r"(?<!yes )\bor (?:nah|nope|no)(?=\s*[?.!]*\s*$)", re.I)


# "he or she", "him/her", "his or her": one person whose gender the user leaves open, not a choice ("Is he or
# she smiling?" got "It is a girl. She is not smiling.")
_TOLD_PASSIVE = re.compile(r"^\W*(?:can|could|may)\s+((?:the|his|her|their|its|this person's|the person's)\s+"
                           r"(?:apparent\s+|approximate\s+)?(?:age|gender|sex|expression|emotion|mood|ethnicity|race)"
                           r"(?:\s+of\s+(?:this|the)\s+(?:person|man|woman|individual|subject|child|kid|boy|girl|baby))?)"
                           r"\s+be\s+(?:\w+\s+)?(?:estimated|determined|guessed|told|judged|inferred|figured out|predicted|"
                           r"detected|identified|read|seen|worked out|made out)\b[^?.!]*[?.!]*\s*$", re.I)
# and in the active ("Is it possible to tell her age?" got "No. She is a senior, not a senior.", "Are you able to estimate
# his age?" "No. It is a photo of a person."); "Is it possible to guess the gender?" asks whether a photo can say
# (pronoun_answer), so a gender only as the person's
_CAN_TELL = re.compile(r"^\W*(?:is it possible (?:for you )?to|are you able to|would you be able to|can (?:you|one|we|anyone)|"
                       r"could (?:you|one|we))\s+(?:tell|estimate|guess|determine|know|judge|work out|figure out|read|see|"
                       r"detect|predict|identify)\s+((?:(?:the|its)\s+(?:apparent\s+|approximate\s+)?(?:age|expression|emotion|"
                       r"mood|ethnicity|race)|(?:his|her|their|this person's|the person's)\s+(?:apparent\s+|approximate\s+)?"
                       r"(?:age|gender|sex|expression|emotion|mood|ethnicity|race))(?:\s+of\s+(?:this|the)\s+(?:person|man|"
                       r"woman|individual|subject|child|kid|boy|girl|baby))?)(?:\s+(?:from|in|by|based on)\s+(?:this|the|"
                       r"their|his|her)\s+(?:photo|picture|image|face|pic))?\s*[?.!]*\s*$", re.I)
_EITHER_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|hers)\s*(?:or|/)\s*(?:he|she|him|her|his|hers)\b", re.I)
# nouns of either gender as the subject of what is asked ("Is this man or woman young?", "Is this boy or girl happy?"
# got "A man." and "A girl.", read as a choice of gender): one person. Not a choice asked alone ("Is this man or
# woman?") nor of where the person is ("Is the man or woman in the photo?")
_GENDERS = r"(?:man|guy|boy|gentleman|male|woman|girl|lady|female)"
_EITHER_NOUN = re.compile(rf"\b(this|the|that)\s+{_GENDERS}\s*(?:or|/)\s*{_GENDERS}\b(?=(?:\s+(?:in|on)\s+(?:the|this)\s+(?:photo|picture|image|pic))?\s+(?!(?:in|on|at|of|here|there|"
                          r"shown|pictured|depicted|seen|visible|photographed|captured|or|and)\b)[a-z])", re.I)


# an age made typical ("Is this person older than a typical 30 year old?" got "I can't tell from this photo.")
_TYPICAL_AGED = re.compile(r"\ban?\s+(?:typical|average|normal|regular|usual|ordinary)\s+(?=\d{1,3}[\s-]*(?:years?|yrs?)[\s-]*old)",
                           re.I)


# chat spellings of short words ("how old do u think", "r u sure?")
_CHAT_WORDS = {"u": "you", "r": "are", "ur": "your", "pls": "please", "plz": "please", "ppl": "people", "cuz": "because",
               "grl": "girl", "gurl": "girl", "yrs": "years",
               # short typos and chat spellings no spelling check mends, which take words of five letters or more ("is
               # ths a girl" of a man described as 52 got "No, this is a boy, not a girl.": not read as a question)
               "ths": "this", "thsi": "this", "teh": "the", "wat": "what", "wut": "what", "wats": "what's",
               "whats": "what's", "hw": "how", "hows": "how's", "iz": "is", "dis": "this", "dat": "that",
               "shes": "she's", "hes": "he's", "whos": "who's", "isnt": "isn't", "doesnt": "doesn't",
               "hapy": "happy", "hppy": "happy"}  # ("is he hapy" got "I can't tell from this photo.")
_CHAT_SPEAK = re.compile(r"(?<![.'\u2019-])\b(?:" + "|".join(_CHAT_WORDS) + r")\b(?![.'\u2019-]\w)", re.I)  # not "U.S."


# ... unless the pair is all that is asked ("He or she?", "Is it him or her?"): a choice, as "Boy or girl?" is (it
# got "I can't tell from this photo.")
_PRONOUN_CHOICE = re.compile(r"^\W*(?:(?:so|ok|okay|and|well|hmm|which|is it|is this|is that|was it)\W+)*"
                             r"(?:he|she|him|her)\s*(?:or|/)\s*(?:he|she|him|her)\W*$", re.I)


# what benchmark prompts put around a question: an image placeholder ("<image>\nDescribe the person." got "He looks
# neutral."), a chat template's roles ("USER: <image>\n… ASSISTANT:"), and a last sentence that asks for a yes/no
# answer (MME's "Please answer yes or no.": "Is this person male? Answer with yes or no only." got "It is a man.")
_IMAGE_PLACEHOLDER = re.compile(r"<\|?/?[\w-]*(?:image|img|vision)[\w-]*\|?>|\[(?:img|image)\]", re.I)
_CHAT_ROLES = re.compile(r"^\s*(?:user|human|question)\s*:\s*|\s*(?:assistant|gpt|answer)\s*:\s*$", re.I)
# and the special tokens of chat templates, with the role each names ("[INST] Describe the face. [/INST]" got "I can't
# tell from this photo."; ChatML's "<|im_start|>user\n…<|im_end|>", Llama 3's headers, Gemma's turns, "### Human:")
_CHAT_TOKENS = re.compile(
    r"\[/?INST\]|<<\s*/?SYS\s*>>|</?s>|<\|(?:begin_of_text|end_of_text|eot_id|im_end|end|endoftext)\|>|"
    r"<\|(?:im_start|start_header_id)\|>\s*(?:user|assistant|system|human)?\s*(?:<\|end_header_id\|>)?|"
    r"<\|(?:user|assistant|system|human)\|>|<(?:start|end)_of_turn>\s*(?:user|model)?|"
    r"^\s*###\s*(?:human|user|instruction|question)\s*:?|###\s*(?:assistant|response|answer)\s*:?\s*$", re.I)
_YES_OR_NO_LAST = re.compile(
    r"(?<=[?.!:])\s*(?:please\s+)?(?:answer|respond|reply)(?:\s+(?:to\s+)?(?:the|this)\s+question)?\s*(?:with|using|in|by)?"
    r"\s*(?:(?:a|an|just|only|simply|one|single|simple)\s+)*(?:\"?yes\"?\s+or\s+\"?no\"?|yes/no|true\s+or\s+false)"
    r"(?:\s+(?:only|answer))*\s*[.!]*\s*$", re.I)


# a yes/no question asked as a request ("Tell me whether he is a woman." got "Neutral."; "Tell me whether she wears
# glasses." "She is smiling."; "Let me know if he looks happy." "Yes, he looks neutral."): asked directly
_ASKED_AS_REQUEST = re.compile(
    r"^(?P<lead>\W*(?:please\s+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?(?:tell me|let me know|say|check|"
    # ("Indicate whether the photograph is monochromatic." got "I can't tell from the photo alone.")
    r"find out|determine|indicate|state|confirm|specify|report|i'd like to know|i would like to know|i want to know|"
    r"i need to know)\s+(?:if|whether)\s+)"
    r"(?P<subject>he|she|they|it|this|that|(?:the|this|that)\s+(?:person|man|woman|guy|lady|girl|boy|kid|child|baby|"
    r"individual|subject|photo|photograph|picture|image|pic)(?:\s+in\s+(?:the|this)\s+(?:photo|picture|image|pic))?)"
    r"(?:(?P<aux>'s|'re|\s+(?:is|are|was|were|can|could|will|would|might|may|should|has been|have been))|"
    r"\s+(?P<verb>has|have|looks?|seems?|appears?|wears?|smiles?|needs?|owns?))\b(?P<rest>[^?]*?)[\s.!?]*$", re.I)


def _asked_directly(m: re.Match) -> str:
    subject, rest = m["subject"], m["rest"].strip()
    if m["aux"]:
        aux = m["aux"].strip().lower()
        if aux in ("has been", "have been"):  # "… if he has been crying": "Has he been crying?"
            aux, rest = aux.split()[0], f"been {rest}"
        aux = {"'s": "is", "'re": "are"}.get(aux, aux)
        return f"{aux.capitalize()} {subject} {rest}".strip() + "?"
    verb = m["verb"].lower()
    base = {"has": "have", "have": "have"}.get(verb, verb[:-1] if verb.endswith("s") else verb)
    do = "Do" if subject.lower() == "they" else "Does"
    return f"{do} {subject} {base} {rest}".strip() + "?"


# an expression typed as an emoji in place of its word ("is he 🙂", "Does she look 😢?" each got "I can't tell from
# this photo."); the word a question about the expression reads ("is he happy")
_EMOJI_WORDS = {"happy": "🙂😊😀😃😄😁☺😆🥰😍🤗", "laughing": "😂🤣", "sad": "😢😭☹🙁😞😔😟😿", "surprised": "😮😲😯😱🤯",
                "neutral": "😐😑😶", "angry": "😠😡🤬", "tired": "😴🥱"}
_EMOJI_WORD = {e: word for word, emojis in _EMOJI_WORDS.items() for e in emojis}
_EMOJI = "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]"
_EMOJI_AS_WORD = re.compile(rf"((?:\b(?:is|are|was|looks?|looking|seems?|seeming|feels?|feeling|appears?|or)|'s|'re)"
                            rf"(?:\s+[\w']+){{0,2}}?\s*)({_EMOJI})"
                            rf"[\ufe0f\U0001F3FB-\U0001F3FF]*(?=(?:\s*{_EMOJI}[\ufe0f]*)*\s*(?:[?.!,]|$|or\b))", re.I)
# first in the message, asked or offered ("😊 or 😐?" got "No. She looks happy, not neutral.", read as "or neutral?");
# an emoji alone is left as typed
_EMOJI_FIRST = re.compile(rf"^(\s*)({_EMOJI})[\ufe0f\U0001F3FB-\U0001F3FF]*(?=\s*(?:\?|or\b))", re.I)
_ANY_EMOJI = re.compile(rf"\s*{_EMOJI}[\ufe0f\u200d\U0001F3FB-\U0001F3FF]*")


def emoji_as_words(question: str) -> str:
    """A question with an expression's emoji typed in place of its word read as the word ("is he 🙂" → "is he
    happy", "Does she look 😢?" → "Does she look sad?") and any other emoji left out ("How old is she? 😊" → "How
    old is she?"); a question that asks about emoji ("Which emoji fits her face?") as it is."""
    if not _ANY_EMOJI.search(question) or re.search(r"\b(?:emojis?|emoticons?|smileys?)\b", question, re.I):
        return question
    question = _EMOJI_FIRST.sub(lambda m: m[1] + _EMOJI_WORD.get(m[2], m[2]), question)
    question = _EMOJI_AS_WORD.sub(lambda m: m[1] + (" " if m[1][-1:] != " " else "") + _EMOJI_WORD.get(m[2], m[2]),
                                  question)
    return _ANY_EMOJI.sub("", question).strip() or question


def without_answer_form(question: str) -> str:
    """A question without a "Yes or no:" or "True or false:" put before it, as a question ("True or false:
    this person is smiling." → "this person is smiling?"); a yes/no question asked as a request, asked directly ("Tell me whether she wears glasses." → "Does she wear glasses?"); without an image
    placeholder, chat roles ("USER: <image>\nIs he smiling? ASSISTANT:" → "Is he smiling?") or an instruction to
    look at the photo first ("Look at the photo and tell me …" → "tell me …"); any other
    question as it is. The pipeline's model reads it so too (``pipeline.tidy_question``): after the prefix
    it went on "Yes, her mouth is a woman."."""
    question = _CHAT_ROLES.sub("", _CHAT_TOKENS.sub(" ", _IMAGE_PLACEHOLDER.sub(" ", question)).strip()).strip()
    question = re.sub(r"[ \t]*\n\s*", "\n", re.sub(r"[ \t]+", " ", question)).strip()
    question = _LOOK_FIRST.sub("", question)  # "Look at the photo and tell me …": what follows is asked
    if m := _YES_OR_NO_FIRST.match(question):
        rest = question[m.end():].strip()
        return rest if rest.endswith("?") else rest.rstrip(".!") + "?"
    if (m := _ASKED_AS_REQUEST.match(question)) and not re.search(r"\bor\b|\b(?:what|how|which|who|why)\b", m["rest"], re.I):
        return _asked_directly(m)
    return question


# what a person wears or carries, named to say whom a question is about ("Is the man in the hat smiling?", "Does
# the lady in the scarf look happy?", "Is the girl with the bow in her hair a child?"): no label states it, and the
# question asks about the rest, so it is read without it ("Is the man smiling?"; each got "I can't tell from this
# photo."). Not when it is all that follows the person ("Is the man in a hat?", "Is the man wearing a hat?" ask
# about the hat), nor glasses or a beard, which the description may state
# garments and what is worn with them: asked about, no label states them (``constraints._UNLABELLED``); naming
# the person, they are read without (``_WORN_NAMING``)
CLOTHES = (r"(?:ties?|neckties?|bow ties?|shirts?|t-shirts?|tee|blouses?|jackets?|coats?|suits?|sweaters?|jumpers?|"
           r"hoodies?|cardigans?|vests?|tops?|collars?|uniforms?|clothes|clothing|outfits?|dress|dresses|headphones|"
           r"earphones|headbands?|hair ?(?:bands?|clips?|bows?)|ribbons?|bows?)")
_WORN_ITEM = (r"(?:hats?|caps?|beanies?|scarf|scarves|headscarf|hijab|turban|bandanas?|earrings?|necklaces?|"
              rf"jewell?e?ry|pendants?|{CLOTHES})")
_WORN_NAMING = re.compile(
    r"\b((?:the|this|that)\s+(?:[\w-]+\s+)?(?:person|man|woman|boy|girl|child|kid|baby|toddler|lady|gentleman|guy|"
    r"gal|dude|teen|teenager|senior|individual|subject|fellow|chap|person here|one))\s+(?:in|with|wearing|who is "
    r"wearing|who's wearing|that is wearing)\s+(?:(?:a|an|the|some|his|her|their)\s+)?(?:[\w-]+\s+){0,2}?"
    rf"{_WORN_ITEM}(?:\s+(?:in|on|around)\s+(?:his|her|their|the)\s+(?:hair|head|ears?|neck))?\b"
    # not a list of what is asked about ("Is the person wearing a hat or glasses?" was read as "Is the person or
    # glasses?")
    r"(?!,?\s+(?:or|and|nor)\b)(?=,?\s+\w|(?P<last>\s*[?.!]*\s*$))", re.I)
# a question that asks before it names the person: the worn thing may end it ("How old is the man in the red cap?")
_ASKED_FIRST = re.compile(r"^\W*(?:how|what|what's|which|guess|estimate)\b", re.I)


def _without_worn(question: str) -> str:
    """``question`` without what the person wears where it only says whom it is about (:data:`_WORN_NAMING`)."""
    asked_first = _ASKED_FIRST.match(question) is not None
    return _WORN_NAMING.sub(lambda m: m[1] if m["last"] is None or asked_first else m[0], question)


def _either(m: re.Match) -> str:
    return "the person's" if re.search(r"\bhis\b", m[0], re.I) else "the person"


def asks_choice(question: str) -> bool:
    """Whether a question, as typed, offers a choice that :func:`as_meant` asks as a yes/no question ("Is the head
    straight or tilted?" → "Is the head tilted?"): its answer then names the choice without a Yes or No."""
    return bool(_STRAIGHT_OR_TILTED.search(question))


# a claim, the user's or someone's, then a question whether it is right ("My friend says she looks 40. Is she right?",
# "She is about 30. Is that correct?": each got "I can't tell from this photo."): the claim as a tag question
_CLAIM_CHECKED = re.compile(
    r"^\W*(?:(?:my|our|a|the)\s+[\w-]+|someone|somebody|people|everyone|they|he|she|i)\s+(?:says?|said|thinks?|thought|"
    r"claims?|claimed|reckons?|guess(?:es|ed)?|believes?|believed|told me|insists?)(?:\s+that)?\s+(.+?)\s*[.!]+\s+"
    r"(?:(?:is|are|was|were)\s+(?:that|this|it|he|she|they|my\s+[\w-]+|the\s+[\w-]+)|am\s+i|(?:is|was)\s+(?:he|she)\s+"
    r"on\s+the\s+money)\s+(?:right|correct|true|accurate|wrong)?\s*\?*\s*$|"
    r"^\W*((?:he|she|they|this\s+(?:person|man|woman|girl|boy|kid|child)|the\s+(?:person|man|woman|girl|boy|kid|child))"
    r"\s+(?:is|are|looks?|seems?|'s|'re)\b[^.!?]*?)\s*[.!]+\s+(?:is|was)\s+(?:that|this|it|i)\s+(?:right|correct|true|"
    r"accurate)\s*\?+\s*$", re.I)


# the user's guess of the age, then whether it is right ("My guess is 40. Am I close?" got "I can't tell from this
# photo."): whether it is close, as the ages within _CLOSE_YEARS of it ("Is the person between 35 and 45 years old?");
# whether it is right, as a tag question ("The person is about 40, right?")
_AGE_GUESS_CHECKED = re.compile(
    r"^\W*(?:my guess is|my guess would be|i(?:'d| would)? (?:say|guess)|i think(?: (?:he|she|they)(?:'s| is| are|'re))?|"
    r"i'm guessing)\s+(?:(?:about|around|roughly|maybe)\s+)?(\d{1,3})(?:\s*(?:years?(?:\s+old)?|yrs?))?\s*[.!,;:-]*\s*"
    r"(?:(?:am i|is that|was i|are we)\s+)?(?:(close|near|warm|in the ballpark)|right|correct|on the money)\s*\?+\s*$",
    re.I)
_CLOSE_YEARS = 5  # a guess this many years off is still close


def _age_guess(m: re.Match) -> str:
    n = int(m[1])
    if m[2]:
        return f"Is the person between {max(0, n - _CLOSE_YEARS)} and {n + _CLOSE_YEARS} years old?"
    return f"The person is about {n}, right?"


# a courtesy set in a request ("Could you possibly estimate, if it is not too much trouble, the age of this person?" got
# "No. He is not smiling.": its "if" read as a yes/no question's)
_POLITE_IF = re.compile(r",?\s*\bif (?:it(?:'s| is| isn't| is not) (?:not )?(?:too much )?(?:trouble|a problem|too much to ask|"
                        r"okay|ok|alright|all right|possible)|(?:you|u) (?:don't|do not|dont) mind|possible|you can|you could|"
                        r"you would|you please|you may|you will)\b\s*(?=[,?.!]|$),?", re.I)  # a whole clause


# what "The person's mood is?" asks the value of
_ASKED_NOUNS = r"mood|age|gender|sex|expression|emotion|ethnicity|race|feeling|head pose|pose|age group|age range"


def as_meant(question: str) -> str:
    """A question as the answer checks read it: typos mended (:func:`spelled`), a negative question
    asked plainly ("Isn't she smiling?" → "Is she smiling?", whose Yes means she is, as in English; it
    got "No. She is smiling."), chat spellings of short words read as words ("r u sure?" → "are you
    sure?"), a pronoun left open read as one person ("Is he or she smiling?" → "Is the person smiling?";
    alone, "He or she?" asks which: "Is this a man or a woman?"), what the person wears named to say whom it is
    about left out ("Is the man in the hat smiling?" → "Is the man smiling?": :data:`_WORN_NAMING`),
    and a "yes or no" that asks for the answer's form left out ("Is this a teenager, yes or no?" got
    "Closed."), as is a last sentence setting only the answer's form (:func:`answer_form`; its length is read from
    the question as typed) or asking for a yes or a no ("The person is smiling. Please answer yes or no." → "The
    person is smiling?"); the model still reads what was typed (with a measured difference of 4 of 256 MME-style
    gender answers, all of children, in favour of the suffix: scripts/benchmark_forms.py)."""
    plain = _CHAT_SPEAK.sub(lambda m: _CHAT_WORDS[m[0].lower()], question)  # "r u sure?": "are you sure?"
    if _POLITE_IF.search(plain):  # "Could you, if you don't mind, estimate her age?": no "if" asked
        plain = re.sub(r"\s+(?=[?.!,]|$)", "", _POLITE_IF.sub(" ", plain)).strip()
    plain = _CLAIM_CHECKED.sub(lambda m: f"{m[1] or m[2]}, right?", plain)  # "My friend says she looks 40. Is she right?": "she looks 40, right?"
    plain = _AGE_GUESS_CHECKED.sub(_age_guess, plain)  # "My guess is 40. Am I close?"
    plain = _NEGATIVE_AUX.sub(lambda m: m[1] + m[2], plain)
    plain = _TYPICAL_AGED.sub("a ", plain)  # "older than a typical 30 year old?": "older than a 30 year old?"
    if _PRONOUN_CHOICE.match(plain):  # "He or she?", "Is it him or her?": which
        plain = "Is this a man or a woman?"
    if asks_pronouns(plain) != "pronouns":  # ("Should I use he or she?" asks which pronoun: kept)
        plain = _EITHER_PRONOUN.sub(_either, plain)  # "Is he or she smiling?": "Is the person smiling?"
    plain = _EITHER_NOUN.sub(r"\1 person", plain)  # "Is this man or woman young?": "Is this person young?"
    plain = _without_worn(plain)  # "Is the man in the hat smiling?": "Is the man smiling?"
    plain = _OR_NAH.sub("or not", plain)  # "Smiling or nah?": "Smiling or not?"
    # English as learners write it (7 Dec 2026, night: "Is she more then 30?" and "he look how many year?" got "I can't
    # tell from this photo.", "The person's mood is?" "No. Her eyes are open.")
    plain = re.sub(r"\b(more|less|older|younger|bigger|greater)\s+then\b", r"\1 than", plain, flags=re.I)
    # ("How many years old is this person?", an evaluation wording, is read as it was)
    plain = re.sub(r"\bhow many years?(?=\s*(?:[?.!]|$|(?:is|are|does|do)\s+(?:he|she|they|the person|this person|"
                   r"it)\s*[?.!]*$))", "how old", plain, flags=re.I)
    plain = re.sub(rf"^\W*((?:the|this|his|her|their|its)\s+(?:[\w']+\s+){{0,2}}?(?:{_ASKED_NOUNS}))\s+(?:is|are)\s*\?+\s*$",
                   lambda m: f"What is {m[1][0].lower()}{m[1][1:]}?", plain, flags=re.I)
    # "What if he's actually 30?" (got "I can't tell from this photo."): a remark on the answer, "He's actually 30."
    plain = re.sub(r"^\W*(?:(?:but|and|so|ok(?:ay)?)\s*,?\s+)?what if\s+((?:he|she|they|the person|this person)(?:'s|'re|\s+is|"
                   r"\s+are|\s+was)\s+(?:actually|really|in fact)\s+[^?]+?)\s*\?*$", lambda m: m[1][0].upper() + m[1][1:] + ".",
                   plain, flags=re.I)
    # whether an attribute can be told, in the passive ("Can the age of this person be estimated?" got "Yes, he is a photo
    # of a person." and "No, he is not smiling."): what it is
    plain = _TOLD_PASSIVE.sub(lambda m: f"What is {m[1][0].lower()}{m[1][1:]}?", plain)
    plain = _CAN_TELL.sub(lambda m: f"What is {m[1][0].lower()}{m[1][1:]}?", plain)  # "Is it possible to tell her age?"
    # an interest stated ("I'm curious about the gender." got "Yes, this is a child."): the question it stands for
    plain = re.sub(rf"^\W*(?:(?:so|well|hmm|ok(?:ay)?)\s*,?\s+)?(?:i'?m|i am|i was|just)\s+(?:curious|wondering|interested)\s+"
                   rf"(?:about|in|regarding)\s+((?:the|his|her|their|its|this person's|the person's)\s+(?:[\w']+\s+)?"
                   rf"(?:{_ASKED_NOUNS}))\s*[.!?]*$", lambda m: f"What is {m[1]}?", plain, flags=re.I)
    # "Are the eyes of the subject open?" (got "Yes. He is not smiling."): "the subject's eyes"
    plain = re.sub(r"\b(the|this) (eyes|mouth|head|face|smile|expression|lips|teeth) of (?:the|this) (subject|person|"
                   r"individual|man|woman|boy|girl|child|kid|lady|guy)\b", r"\1 \3's \2", plain, flags=re.I)
    # "What's the demographic of this person?" (got "I can't tell from this photo."): the gender, age and ethnicity
    plain = re.sub(r"^\W*(?:what(?:'s| is| are)|describe|give me|tell me)\s+(?:the\s+|their\s+|his\s+|her\s+)?"
                   r"(?:demographics?|demographic (?:group|profile|info(?:rmation)?|details?))\b[^?.!]*[?.!]*$",
                   "What are the gender, age and ethnicity of this person?", plain, flags=re.I)
    # "Are they young-looking?" (got "I can't tell from this photo."): young; "Asian or not?" (got "She is smiling."):
    # "Is this person Asian?"
    plain = re.sub(r"\b(young|old|youthful|older|younger)[- ]looking\b", r"\1", plain, flags=re.I)
    plain = re.sub(r"^\W*(asian|white|black|indian|south asian|caucasian)\s*(?:,\s*)?or\s+not\s*[?.!]*$",
                   lambda m: f"Is this person {m[1]}?", plain, flags=re.I)
    # "Would you say they're more young or more old?" (got "Yes. She looks about 85 years old."): "young or old"
    plain = re.sub(r"\bmore (young|old) or more (young|old)\b", r"\1 or \2", plain, flags=re.I)
    plain = _STRAIGHT_OR_TILTED.sub("tilted", plain)  # "Is the head straight or tilted?": "Is the head tilted?"
    if (m := _TWO_FRAGMENTS.match(plain)) and asked_attributes(choice := f"{m[1]} or {m[2]}?"):
        plain = choice  # "Man? Woman?": "Man or woman?"
    plain = without_answer_form(plain)  # "Yes or no: is this a woman?": "is this a woman?"
    if (m := _YES_OR_NO_LAST.search(plain)) and m.start() > 0:  # "… Please answer yes or no.": a yes/no question
        rest = plain[:m.start()].strip()
        plain = rest if rest.endswith("?") else rest.rstrip(".!:") + "?"
    plain = answer_form(plain)[0]  # "Is she smiling?\nAnswer in one word.": "Is she smiling?" (asked_length reads both)
    bare = _YES_OR_NO.sub("", plain)
    return spelled(bare if re.search(r"\w", bare) else plain)  # a bare "Yes or no?" stays


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one inserted, deleted or changed letter, or two swapped neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] \
            and a[diff[1]] == b[diff[0]]
    short, longer = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != longer[k]), len(short))
    return short[i:] == longer[i + 1:]


_WH = re.compile(r"\b(?:what|what's|how|which|who|where|when|why)\b")
_LEAD_IN = re.compile(r"^(?:(?:hi|hey|hello|ok|okay|so|hmm|well|question|quick question|please tell me|"
                      r"can you tell me|tell me|i'd like to know|thanks|thank you|thx|great|cool|nice|perfect|alright|"
                      r"all right|got it|i see|one more thing|one more question|one more|one last thing|one last question|last one|"
                      r"another question|another one|next question|next one|"
                      r"last question|i'm curious|i am curious|just curious|curious|i wonder|i was wondering|"
                      r"just wondering|out of curiosity|by the way|btw|honestly|in your opinion|in your view|"
                      r"what do you think|"
                      # an acknowledgement in a chat ("fine. describe her in one sentence" got an age)
                      r"fine|sure|good|right|understood|noted|gotcha|makes sense|interesting|wow|oh|ah)\s*[:,!.]\s*|"
                      # a topic named first ("How about the age, is he over 30?" got an open question's answer)
                      r"(?:(?:and\s+)?(?:how|what)\s+about|as\s+(?:for|to)|regarding|concerning|about|on)\s+"
                      r"(?:(?:the|his|her|their|its|this|that)\s+)?[a-z'-]+(?:\s+[a-z'-]+)?\s*[,:;]\s*"
                      r"(?=(?:is|are|was|were|does|do|did|has|have|can|could|will|would|might|may|should|am|what|"
                      r"what's|how|which)\b)|(?:and|also|now|then|so|but|ok|okay|alright|right|well)\s+(?=(?:and\s+|also\s+)?(?:is|are|was|were|does|do|did|"
                      r"has|have|can|could|will|would|might|may|should|must|shall|am|what|what's|how|which|who|where|when|why|"
                      # a chat's follow-up bound ("And under 50?" got "I can't tell from this photo.")
                      r"over|under|older|younger|above|below|past|at least|more than|less than)\b))+")


# an instruction to look at the photo before what is asked ("Look at the photo and tell me whether he is smiling."
# got "He is smiling."; "Examine the photo and describe what stands out." got "No. He is in color."): what
# follows is the question
_LOOK_FIRST = re.compile(
    r"^(?:please\s+)?(?:(?:take|have)\s+a\s+(?:(?:close|closer|quick|good|careful)\s+)?look\s+at|"
    r"look\s+(?:(?:closely|carefully)\s+)?at|examine|study|inspect|check\s+out|observe|view)\s+"
    r"(?:(?:this|the|that|my|his|her|their)\s+)?(?:image|photo|photograph|picture|pic|portrait|shot|snapshot|selfie|"
    r"head\s?shot|face|person|man|woman|guy|lady|girl|boy|kid|child|baby|him|her|them|it)"
    r"(?:\s+(?:closely|carefully|for a moment|for a second))?\s*(?:[,.:;]\s*(?:and\s+|then\s+)?|"
    r"(?:and|then|and then)\s+)(?=\w)|"
    # the photo named first in a participle or a phrase ("Looking at this headshot, would you say the subject is in
    # their twenties?" was read as no yes/no question)
    r"^(?:looking at|judging (?:by|from)|based (?:on|off)|going by|from|in)\s+(?:(?:this|the|that|my)\s+)?(?:image|"
    r"photo|photograph|picture|pic|portrait|shot|snapshot|selfie|head\s?shot|face)(?:\s+alone)?(?:\s*,\s*(?=\w)|"
    r"\s+(?=(?:is|are|was|does|do|did|can|could|would|will|has|have|how|what|which)\b))", re.I)


# a last sentence that sets only the answer's form ("Answer the question using a single word or phrase.", LLaVA's;
# "Answer in one word.", "Short answer."): what is asked is before it ("Is the person smiling?\nAnswer the question
# using a single word or phrase." got "He is smiling.", read as no yes/no question)
_FORM_ONLY = re.compile(r"^(?:please\s+)?(?:(?:answer|respond|reply)\b[^.?!]*|"
                        # "Give a single number." (7 Dec 2026, night: got the age in a sentence)
                        r"(?:just\s+)?(?:give|use|provide)\s+(?:me\s+)?(?:a|an|one)\s+(?:single\s+|bare\s+|whole\s+)?"
                        r"(?:number|integer|numeral)(?:\s+only|\s+please)?|"
                        r"(?:in\s+)?(?:one|a single|1)[- ]word(?:\s+answer)?(?:\s+only|\s+please)?|"
                        r"(?:a\s+)?short answer(?:\s+please)?|be (?:brief|concise|succinct|short|quick)|"
                        r"keep it (?:short|brief|concise))[.!:]*$")
# a reason asked after a question ("Is this person a kid? Why?" got "I can't tell from this photo."): the question is
# answered, and its answer's own words give the reason ("No, she looks about 20 years old.")
_REASON_AFTER = re.compile(r"^(?:and\s+)?(?:why|explain(?:\s+(?:why|your answer|your reasoning|yourself))?|how do you know|"
                           r"give (?:a|your) reasons?)[?.!:]*$")


def answer_form(question: str) -> tuple[str, str]:
    """A question without the last sentences that set only its answer's form, and those sentences ("Is she
    smiling?\nAnswer the question using a single word or phrase." → ("Is she smiling?", "Answer the question using a
    single word or phrase.")); ``(question, "")`` when it has none. What is asked is read from the first, how long
    the answer may be from both (:func:`asked_length`)."""
    sentences, form = _trailing_form(question)
    # the form set first ("Answer only yes or no: is he smiling?", "One word answer: is she happy?", "Short answer
    # please: how old is he?" were read as no yes/no question, or with the instruction as part of what is asked)
    while len(sentences) > 1 and _FORM_ONLY.match(sentences[0].lower().replace("\u2019", "'")):
        form.append(sentences.pop(0))  # "Answer with yes or no. Is he smiling?"
    lead = re.match(r"([^.:?!\n]+[.:!])\s+(?=\S)", sentences[0])
    if lead and _FORM_ONLY.match(lead[1].lower().replace("\u2019", "'")):
        form.insert(0, lead[1])
        sentences[0] = sentences[0][lead.end():]
    return " ".join(sentences), " ".join(form)


def _trailing_form(question: str) -> tuple[list[str], list[str]]:
    """A question's sentences, and the last ones that set only its answer's form, apart."""
    sentences = re.split(r"(?<=[.!?])\s+", question.strip())
    form: list[str] = []
    # a reason asked at the end of the question itself ("What's your best guess for her age, and why?" got "I can't
    # tell from this photo."): as after it
    if m := re.match(r"^(.*\w)\s*,?\s+and\s+(?:why|how do you know|how can you tell|what makes you (?:think|say) so)"
                     r"\s*([?.!]*)$", sentences[-1], re.I):
        sentences[-1], form = f"{m[1]}{m[2] or '?'}", ["Why?"]
    while len(sentences) > 1 and (_FORM_ONLY.match(last := sentences[-1].lower().replace("\u2019", "'"))
                                  or _REASON_AFTER.match(last)):
        form.insert(0, sentences.pop())
    return sentences, form


def reason_asked_after(question: str) -> bool:
    """Whether a question asks why after what it asks ("Is she happy, and why?", "Is she smiling? Explain."): a last
    sentence of its form that :data:`_REASON_AFTER` reads."""
    return any(_REASON_AFTER.match(s.lower().replace("\u2019", "'")) for s in _trailing_form(question)[1])


def without_reason_after(question: str) -> str:
    """A question without the reason it asks for after what it asks ("Is this person happy or sad, and why?" → "Is
    this person happy or sad?"; "Is he a kid? Explain." → "Is he a kid?"); the question as it is when it asks none.
    Options are read from what is left: a "why" is no option ("and why" was read as a third, and "Why?" as an
    instruction to pick one)."""
    sentences, form = _trailing_form(question)
    kept = [s for s in form if not _REASON_AFTER.match(s.lower().replace("\u2019", "'"))]
    return question.strip() if len(kept) == len(form) else " ".join(sentences + kept)


def trailing_form(question: str) -> tuple[str, str]:
    """A question without the last sentences that set only its answer's form, and those sentences ("Which age range
    fits best: …? Respond with the range only." → the question, "Respond with the range only."); unlike
    :func:`answer_form`, a form set first is left in place."""
    sentences, form = _trailing_form(question)
    return " ".join(sentences), " ".join(form)


def _without_form(question: str) -> tuple[str, str]:
    """:func:`answer_form` in lower case."""
    return answer_form(question.lower().replace("\u2019", "'"))


# what a request asks to be left out ("Describe him without mentioning his age.", "Describe her, but leave out her
# ethnicity."): read as the request without it, and the description told without it (brief.description_without)
# ("no" and "not" only after a comma, "but" or "and": "Is there no expression on her face?" asks about the expression)
_LEFT_OUT_NAME = r"(?:(?:his|her|their|the|its)\s+)?(?:age|ethnicity|race|expression|emotion|mood|gender|sex)\b"
# (several at once: "without mentioning age or gender" got "This is a woman.")
_LEFT_OUT = re.compile(r"(?:,\s*(?:but\s+|and\s+)?|\s+(?:but|and)\s+|\s+(?=without\b))(?:without|not|no|leaving out|"
                       r"leave out|except(?: for)?|excluding|omitting|omit|skip(?:ping)?|don't mention|do not mention)\s+"
                       r"(?:mentioning\s+|saying\s+|stating\s+|"
                       r"giving\s+|including\s+|any\s+|the\s+)?"
                       rf"({_LEFT_OUT_NAME}(?:\s*(?:,\s*(?:or\s+|and\s+)?|or\s+|and\s+|/\s*){_LEFT_OUT_NAME})*)", re.I)
_LEFT_OUT_ATTRIBUTE = {"age": "age_group", "ethnicity": "ethnicity", "race": "ethnicity", "expression": "emotion",
                       "emotion": "emotion", "mood": "emotion", "gender": "gender", "sex": "gender"}


def left_out(question: str) -> set[str]:
    """The attributes a request asks to be left out ("Describe him without mentioning his age." → {"age_group"},
    "… without age or gender" → {"age_group", "gender"}); the age, the ethnicity, the expression and the gender
    can be."""
    return {_LEFT_OUT_ATTRIBUTE[w.lower()] for m in _LEFT_OUT.finditer(question)
            for w in re.findall(r"[a-z]+", m[1], re.I) if w.lower() in _LEFT_OUT_ATTRIBUTE}


def _core(question: str) -> str:
    """The question a message asks, in lower case, for reading what it asks: its last sentence when that
    is a question after others ("Thanks. Are they wearing glasses?", "I took this yesterday. Is she
    smiling?"), without a greeting, thanks or "and" before it ("Ok, and is she smiling?"), or an instruction
    to look at the photo first ("Look at the photo and tell me …")."""
    q = asked_sentence(_without_form(question)[0])
    return _LEFT_OUT.sub("", _LEAD_IN.sub("", _LOOK_FIRST.sub("", _LEAD_IN.sub("", q))))


# a last sentence that only asks for an opinion on what was said before it ("I'm trying to figure out how old my
# grandma looks here. What do you think?" got "I can't tell from this photo.")
_OPINION_ASKED = re.compile(r"^(?:so|and|well|ok|okay)?[,\s]*(?:what do you think|what would you say|what'?s your (?:guess|take|"
                            r"opinion|view)|(?:any|your) thoughts|thoughts|any ideas?|can you help(?: me)?|could you help"
                            r"(?: me)?|can you tell|any guesses|your guess|guess)\s*[?!.]*$", re.I)


def asked_sentence(message: str) -> str:
    """The sentence of a message that asks: the last one when it is a question after statements ("I took this
    yesterday. Is she smiling?" → "Is she smiling?"), the one before a last that only asks an opinion ("I want to
    know how old she looks. What do you think?" → "I want to know how old she looks."), else the message."""
    parts = re.split(r"(?<=[.!?])\s+", message.strip())
    if len(parts) < 2:
        return message
    if _OPINION_ASKED.match(parts[-1]):
        return parts[-2]
    if parts[-1].endswith("?") and len(parts[-1].split()) >= 2 and not parts[-2].endswith("?"):
        return parts[-1]
    return message


# a tag question's ending: "A woman, right?", "Smiling, is he?", "He's young, isn't he?"
_AUX = r"(?:is|are|was|were|does|do|did|has|have|can|could|will|would|might|may|should|must|shall)"
_TAG = re.compile(rf"(?:[,;]|[.!]\s+(?=(?:do you\s+)?(?:agree|right|correct|true|yes)\b))\s*(?:{_AUX}(?:n't| not)?\s+(?:he|she|it|they|this|that|you)(?: not)?(?:\s+(?:say|think|agree))?|"
                  r"right|correct|true|yes|no|eh|yeah|agreed|agree|do you agree|am i (?:right|wrong|correct)|"
                  r"is that (?:right|correct|true|so))\s*[?!.]*$")
# a yes/no question put as a hedge or a statement with a question mark ("Any chance this is a woman?", "Perhaps
# a senior?", "I'd say she's 40?", "So he's in his 30s?"): each got "I can't tell from this photo." or an answer
# without its Yes or No. A hedge's "any chance" asks without the mark too; a statement needs it, else it is a
# remark ("He looks older.": constraints.remark_reply).
_HEDGE = re.compile(r"^(?:(?:is there|there's|there is)\s+)?(?:any|a|some)\s+(?:chance|possibility)\b")
# a yes/no question inside another ("How likely is it that she's over 50?", "What are the odds this is a woman?",
# "Any idea if they're smiling?" (not "Any idea of the age?", which got "Yes. It is a photo of a person."), "I'm
# wondering if this person is a senior.", and in a chat an age bound after
# "what about": "What about older than 20?"): read as the question inside, whose wh-word or missing question mark
# does not make it an open question or a remark (each got "I can't tell", a bare value, or "I may be wrong, but …")
_EMBEDDED = re.compile(r"^(?:(?:and\s+)?(?:what|how) about(?=\s+(?:older|younger|over|under|above|below|at least|at most|"
                       r"more than|less than|about|around|roughly|\d+)\b)|"
                       r"how (?:likely|probable) is it|how likely|what are the (?:odds|chances)|"
                       # "How confident are you that this is a man?" (got "I can't tell from this photo.")
                       r"how (?:sure|certain|confident) (?:are you|can you be|would you say you are)(?=\s+(?:that|if|whether)\s)|"
                       # ("What percentage sure are you that this is a woman?" got "I can't tell from this photo.")
                       r"(?:what|which|how many) (?:percentage|percent|%)\s+(?:sure|certain|confident|likely)\s+"
                       r"(?:are you|is it)(?=\s+(?:that|if|whether)\s)|"
                       r"(?:what(?:'s| is) )?the (?:percentage |percent |% )?(?:chance|likelihood|probability|odds)|"
                       # ("What percentage chance is this a woman?" got "A woman.")
                       r"(?:what|which) (?:percentage|percent|%)\s+(?:chance|likelihood|probability|odds)(?:\s+is there)?|"
                       # "Probability that this is male?" (got "I can't tell from this photo.")
                       r"(?:chance|likelihood|probability|odds)(?=\s+(?:that|if|whether)\s)|(?:any|got any|no) idea(?!\s+(?:of|about|on|as to|regarding)\b)|(?:i'm |i am |i was |just |i |i do )?"
                       r"(?:wondering|wonder|curious))"  # "I wonder if she's older than 40." (it got a remark's reply)
                       r"\s+(?:that\s+|if\s+|whether\s+)?(?=\w)")
_STATEMENT = re.compile(
    r"^(?:(?:so|and|but|oh|ah|then|ok|okay)[,\s]+)?(?:(?:i (?:think|guess|bet|assume|suppose|reckon|believe|'d say|would say|'d guess|would guess)|my guess is|"
    # ("You'd say this is an older person?" got "I can't tell from this photo.")
    r"i'm guessing|you think|you'd (?:say|guess)|you would (?:say|guess)|you reckon|possibly|perhaps|maybe|probably|"
    r"presumably|surely)(?: that)?[,\s]+)?"
    r"(?:he|she|they|it|this|that|(?:the|this|that) (?:person|man|woman|guy|lady|girl|boy|kid|child|baby|individual|"
    r"subject|one|photo|picture|image|pic))"
    r"(?:'s|'re|\s+(?:is|are|was|looks?|seems?|appears?|has|have|must|might|may|could|would|can't|cannot|isn't|"
    r"aren't|doesn't|does not|is not|wears?|is wearing))\b[^?]*\?+$")
# "you think she's happy", typed as chat is, with no question mark ("u think shes happy" got "No. She looks happy."): the
# question it asks (with one, :data:`_STATEMENT`)
_YOU_THINK = re.compile(r"^(?:(?:so|and|but|hey|hmm)[,\s]+)?(?:do\s+)?(?:you|ya)\s+(?:think|reckon|guess|believe|figure)\s+"
                        r"(?:that\s+)?(?:he|she|they|it|this|that|(?:the|this|that) (?:person|man|woman|guy|lady|girl|boy|"
                        r"kid|child|baby))(?:'s|'re|\s+(?:is|are|was|looks?|seems?|has|might|could|would|must))\b[^?]*$")
# an open question put as a request: "Can you tell me her age?", "Could you guess how old?" (not "Can you
# tell if she is smiling?", which asks yes or no)
_REQUEST = re.compile(r"^(?:(?:may|can|could|might)\s+i\s+(?:please\s+)?(?:ask|know|have|get)\b(?!.*\b(?:if|whether)\b)|"
                      r"(?:can|could|would|will)\s+you\s+(?:please\s+|possibly\s+|kindly\s+|just\s+)?(?:tell|guess|estimate|describe|give|share|output|"
                      r"return|provide|print|write|report|"
                      r"state|name|(?:repeat|confirm|remind me of|say)(?=\s+(?:the|her|his|their|its)\s+(?:\w+\s+)?(?:age|gender|"
                      r"sex|mood|expression|emotion|ethnicity|race)\b))\b(?!.*\b(?:if|whether)\b)(?!(?:\s+\w+){1,4}\s+as\s+(?:an?\s+)?(?!(?:whole|integer|number|numeral|json|list|word)\b)[\w-]+\s*\?*$)"
                      # ("Would you guess this person has kids?" got "He is 36 years old, …" of a man described as 29)
                      r"(?!\s+(?:that\s+)?(?:(?:he|she|they|it|this|the)(?:\s+\w+)?\s+(?:is|are|was|has|have|looks?|seems?)\b|"
                      # "Would you guess she's over 18?" (got "I can't tell from this photo."); not "the person's age"
                      r"(?:he|she|they|it|this|that)(?:'s|'re|’s|’re)\b)))")
# ("Would you describe her as young?" and "Would you guess this person is under 40?" are no requests: they
# ask yes or no, as does a request to guess one bare value: "Would you guess female?", "Would you say a senior?")
_VALUE_GUESS = re.compile(r"^(?:would|could|can|will|do|did)\s+you\s+(?:guess|say|bet on|go with|pick)\s+"
                          r"((?:an?\s+)?(?!(?:her|his|their|its|the|my|me|him|them|it|that|this|so|anything)\b)[\w-]+)"
                          r"\s*[?.!]*$")


# an "or" that bounds an age or a number, not a choice ("Is she 30 or older?" got "30 years old: a young adult.";
# "Is she between 20 and 30? Give or take." got "I can't tell from this photo.")
# ("Is she more angry or more scared?" offers a choice: "more" before a word other than years)
_BOUND_OR = re.compile(r"\bor (?:older|younger|above|below|over|under|so|thereabouts)\b|\bgive or take\b|"
                       r"\bplus or minus\b|"
                       r"\bor (?:more|less)\b(?!\s+(?!(?:years?|yrs|old|than)\b)[a-z])")


# a terse question of a few words that names no attribute to be told ("Smiling?", "A man?", "Over 50?",
# "Eyes open?", "Married?"): yes/no, as "Is he smiling?" is; "Gender?", "Age group?", "Her mood, roughly?",
# "Gender of this person?" ask for a value, and "Describe her?" is a request
_ATTRIBUTE_NAME = re.compile(
    r"\b(?:gender|sex|age|ages|group|mood|expression|emotion|emotions|feeling|feelings|ethnicity|race|"
    r"nationality|origin|pose|colou?r(?!\s+(?:photo|picture|image|pic|shot)\b)|name|job|occupation|profession|"
    r"label|description|details?|lighting|"
    r"hairstyle|style)\b")
_FRAGMENT = re.compile(rf"^(?!(?:{_AUX}|am|and|also|but|describe|tell|guess|estimate|say|give|name|list|caption|"
                       r"explain|rate|count)\b)[a-z0-9][\w'+-]*(?:[ ,]+[\w'+-]+){0,3}\s*\?+$")

# an "or" between two names of one thing ("Does he have a beard or mustache?" got "He is not smiling.", "Is she
# wearing glasses or sunglasses?"): asked yes or no, as the thing alone would be
_FACE_HAIR = r"(?:a\s+|any\s+)?(?:beards?|moustaches?|mustaches?|goatees?|stubble|whiskers|facial hair|sideburns)"
_EYEWEAR = r"(?:a\s+pair\s+of\s+|any\s+)?(?:glasses|eyeglasses|spectacles|sunglasses|shades|eyewear)"
_ONE_THING_OR = re.compile(rf"\b{_FACE_HAIR}\s+or\s+{_FACE_HAIR}\b|\b{_EYEWEAR}\s+or\s+{_EYEWEAR}\b")


def is_yes_no(question: str) -> bool:
    """A yes/no question: starts (after a greeting such as "Hi!" or "Question:") with an auxiliary
    verb, ends with a question tag ("A woman, right?", "Smiling, is he?"), or is a terse question of at
    most four words that names no attribute to be told ("Smiling?", "A man?", "Over 50?"; not "Gender?");
    and offers no "X or Y" choice and asks no wh-question inside ("Can you guess how old he is?" is not
    one, nor is a request such as "Can you tell me her age?"). Also a hedge ("Any chance this is a
    woman?"), a statement with a question mark ("She's a senior?"), a bare value to guess ("Would you
    guess female?") and a yes/no question inside another ("How likely is it that she's over 50?"); an
    "or" that bounds an age ("30 or older") offers no choice."""
    q = _core(question)
    choice = " or " in _ONE_THING_OR.sub("", _BOUND_OR.sub("", q))  # "A or B?" ("30 or older" is no choice)
    if (inside := _EMBEDDED.match(q)) and not _WH.search(q[inside.end():]) and not choice:
        return True
    if m := _VALUE_GUESS.match(q):  # "Would you guess female?" names a value, not something to tell
        return not _ATTRIBUTE_NAME.search(m[1]) and not _WH.search(m[1])
    polar = bool(re.match(rf"^{_AUX}\b|^am\b", q)) and not _REQUEST.match(q) or bool(_TAG.search(q))
    polar = polar or bool(_FRAGMENT.match(q)) and not _ATTRIBUTE_NAME.search(q)
    polar = polar or bool(_HEDGE.match(q) or _STATEMENT.match(q) or _YOU_THINK.match(q))
    return polar and not choice and not _WH.search(q)


# A request for a description of the whole person or photo, in words the training data never used: "Tell me
# about this person.", "Can you describe her?", "What do you see?", "What can you tell me about him?". A request
# about one thing ("Describe her expression.") is not one.
_WHOLE = (r"(?:(?:this|the|that)\s+)?(?:person|face|photo|photograph|picture|image|pic|man|woman|guy|lady|girl|boy|"
          r"kid|child|baby|individual|people|one|portrait|selfie|subject|gentleman|gent|fellow|chap|lad|gal|dude)|"
          r"(?:(?:his|her|their)|(?:(?:this|the|that)\s+)?(?:person|man|woman|guy|lady|girl|boy|kid|child|baby|"
          r"individual|subject)'s)\s+(?:face|appearance|looks)|him|her|them|it|this|that|she|he|they")
# a number of words or sentences a description is asked in
_COUNT = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|1[0-9]|20|[1-9])"
_POLITE = r"^(?:please\s+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?"  # "Could you please …"
_WORDS = r"(?:words?|adjectives?)"  # what a description of a few words is asked in
# a bound on the words ("Give me a caption under 10 words." got "I can't tell from this photo.")
_WORD_BOUND = (r"(?:in\s+)?(under|fewer than|less than|at most|no more than|max(?:imum)?(?: of)?|up to|within)\s+"
               r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty)\s+words?")
_DESCRIPTION_REQUEST = re.compile(
    _POLITE +
    # a length first ("In three words, how would you describe him?", "Using two words, describe her.")
    rf"(?:(?:in|using|with)\s+(?:just |only |exactly )?(?:a|one|{_COUNT}|a few)\s+{_WORDS},?\s+)?"
    # "How would you describe him?" (got "I can't tell from this photo.")
    # and "How would you caption this for Instagram?", "What caption would you give this?" (each got "I can't tell")
    r"(?:how (?:would|do|can|could|might|should) (?:you|i|one|we) (?:describe|caption)|"
    r"what (?:caption|alt[- ]?text|alternative text) (?:would|could|should|do|can|might) (?:you|i|one|we) (?:give|write|use|suggest|put)|"
    # ("Tell me something interesting about this photo." got "This is a woman.")
    # ("Label this image for a face dataset in one line." got "No, she is a young adult, not smiling.")
    r"describe|label|annotate|tell me about|(?:tell me|say) (?:something|anything) (?:(?:interesting|notable|cool|fun|new|else|more)\s+)?about|"
    r"talk about|(?:talk|walk) me through|caption|"
    # "tell me more", "what else?" (each got "I can't tell from this photo.")
    r"tell me more|say more|what else|anything else|go on|"
    # "Summarise what you told me in one sentence." (got "I can't tell from this photo.")
    r"sum (?:it|this|that|everything|it all) up|(?:summari[sz]e|sum up)(?: (?:what you(?: have|'ve)? (?:told me|said|see|saw|found)|everything|it all|all (?:of )?"
    r"(?:that|this)|that|this|it))?|"
    r"tell me (?:everything|all|what) you (?:can(?: tell| say)?|know|see)(?: about)?|tell me what you think(?: of| about)?|"
    # ("What can you see?", "Tell me everything." got "I can't tell from this photo.")
    r"what (?:can|do) you see|tell me everything|"
    # ("What can you infer about this person?" got "I can't tell from this photo.")
    r"what (?:else )?can you (?:tell|say|infer|deduce|gather|conclude)(?: me)?(?: (?:about|from))?|what do you (?:see|notice)(?: first| at first)?(?: in| about| on)?|"
    # ("What's one thing you can tell me about them?" got "I can't tell from this photo.")
    r"what(?:'s| is| are) (?:one|a|some|two|three) (?:thing|fact)s? (?:that )?you (?:can|could) (?:tell|say)(?: me)?(?: about| of)?|"
    r"what (?:stands out|strikes you|jumps out)(?: (?:first|most|to you|at you))*(?: in| about| on)?|"
    # ("What features stand out on this face?" got "Neutral.")
    r"what (?:features?|things?|details?) (?:stands? out|strikes? you|jumps? out)(?: (?:first|most|to you|at you))*"
    r"(?: in| about| on)?|"
    # "What's the most striking feature of this face?" (got "I can't tell from this photo.")
    r"what(?:'s| is| are) (?:the |her |his |their )?(?:most |single most |first )?(?:striking|notable|noticeable|"
    r"distinctive|prominent|remarkable|memorable|defining|standout|interesting|eye-catching) (?:features?|things?|"
    r"details?|aspects?|traits?|characteristics?)(?: (?:of|about|in|on))?|"
    r"what (?:are|were) your (?:first )?(?:impressions?|thoughts)(?: of| on| about)?|what is (?:shown|in)|"
    r"what do you (?:make|think) of|what do you think about|what(?:'s| is) your (?:take|view|opinion) (?:on|of)|"
    r"(?:is there )?anything (?:else )?(?:notable|worth noting|interesting|to note|you (?:notice|see|can tell me))(?: about| in)?|"
    r"what's (?:shown|in)|give (?:me )?a (?:\w+ )?description of|"
    # "Write one line about her." (its answer was the whole description, then joined into one long line)
    rf"(?:write|give|tell|say)(?: me)? (?:a|one|a single|a short|{_COUNT}) (?:short |quick |brief )?(?:line|sentence)s? "
    r"(?:about|on|describing|of)|what (?:does|do) (?=.*\blook like\s*[.?!]*$)|"
    # "Give me a one-sentence summary." (got "A woman.")
    r"(?:give|write|provide)(?: me)? (?:a|an) (?:[\w-]+ )?(?:summary|overview|description|rundown)(?= *(?:of\b|[.?!]*$))"
    r"(?: of)?|"
    # ("What's going on with their face?" got "Neutral." of a smiling woman)
    r"what(?:'s| is) (?:going on|happening)(?: here| with (?:their|his|her|the|this) (?:face|person|expression))?|"
    r"what (?:am i|are you) looking at|what(?:'s| is) (?:this|that)(?= *[?.!]*$)|"
    r"what(?:'s| is) the first thing you (?:notice|see)(?: about| in)?|"
    r"what(?:'s| is) (?:this|the) (?:photo|picture|image|pic) (?:of|about|showing)|"
    # "What is the content of this image?" (got "Neutral."), "Describe the contents."
    r"what(?:'s| is| are) (?:the )?(?:contents?|subject matter) of|(?:describe|summari[sz]e) the contents?(?: of)?|"
    r"how (?:does|do) (?:she|he|they|this person|the person|this (?:man|woman|guy|lady|girl|boy|kid|child)) look"
    r"(?=\s*[.?!]*$))"
    rf"\s*(?:{_WHOLE})?(?:\s+(?:in|on)\s+(?:this|the)\s+(?:photo|picture|image|pic))?(?:\s+look like)?"
    r"(?:\s*,?\s*(?:please|then|in detail|in a few words|briefly|for me|quickly|in (?:one|a|a single|a short) (?:sentence|line)|"
    # how well ("Can you describe him as best you can?" got "I can't tell from this photo.")
    r"as (?:best|well|fully|accurately|completely|precisely|closely|thoroughly) as (?:you (?:can|could)|possible)|"
    r"as best (?:as )?you (?:can|could)|to the best of your (?:ability|abilities|knowledge)|"
    r"in as much detail as (?:you (?:can|could)|possible)|"
    # whom it is for ("Describe this face to a police sketch artist." got "A man.")
    r"(?:to|for) (?:a|an|someone|somebody|me|my)(?:\s+[a-z'-]+){0,5}|"
    r"(?:for|on) (?:instagram|facebook|twitter|tiktok|social media|linkedin)(?:\s+[a-z'-]+){0,2}|"
    rf"{_WORD_BOUND}|"
    # in whose manner ("Describe her like a police report." got "I can't tell from this photo."): the description
    r"(?:like|in the (?:style|manner|voice|form|words) of|in the way)\s+(?:a|an|the|someone|somebody)\b(?:\s+[a-z'-]+){0,5}|"
    # ("Describe them like you would to a police sketch artist." got "I can't tell from this photo.")
    r"(?:like|as) you (?:would|might|could) (?:to|for) (?:a|an|the|someone|somebody)\b(?:\s+[a-z'-]+){0,5}|"
    r"as (?:a|an|the|someone|somebody)(?:\s+[a-z'-]+){1,4}\s+(?:would|might|could|does)|"
    # what a description says anyway, asked after it ("Tell me what you see, then tell me the age." got the age alone)
    r"(?:and|then|and then)\s+(?:tell me|give me|say|include|mention)\s+(?:the|his|her|their)\s+(?:age|gender|mood|"
    r"expression|emotion)|"
    rf"in (?:a few|two|three|[2-5]) sentences|(?:in|using|with) (?:just |only |exactly )?(?:a|one|{_COUNT}|a few) {_WORDS}"
    r"(?: or (?:less|fewer))?))*"
    r"\s*[.?!]*$")
# "Give me three words to describe her.", "Sum him up in one word.", "Three words for this person?": a
# description asked for in a number of words
_WORDS_REQUEST = re.compile(
    # "Tell me three things about this person." (got "I can't tell from this photo.")
    rf"{_POLITE}(?:tell me|give me|list|name|say)\s+(?:a|one|{_COUNT}|a few|some)\s+(?:\w+\s+)?(?:things?|facts?)\s+"
    rf"(?:about|on)\s+(?:{_WHOLE})\s*[.?!]*$|"
    # "Give me three adjectives for this face.", "What three words describe her?" (the first got a description
    # naming another age than the photo's one description, the second the whole description)
    rf"{_POLITE}(?:give me\s+|name\s+|list\s+|pick\s+|what are\s+|what would be\s+|what\s+)?"
    rf"(?:a|one|{_COUNT}|a few|some)\s+(?:\w+\s+)?{_WORDS}\s+(?:(?:to|that|would|could|best)\s+)?"
    rf"(?:describe|describing|sum up|summari[sz]e|for|about|of)\s+(?:{_WHOLE})\s*[.?!]*$|"
    rf"{_POLITE}(?:describe|sum|summari[sz]e)\s+"
    rf"(?:{_WHOLE})(?:\s+up)?\s+(?:in|using|with)\s+(?:just |only |exactly )?(?:a|one|{_COUNT}|a few)\s+{_WORDS}\s*[.?!]*$|"
    # the photo's vibe or impression in words ("What's the vibe of this picture in three words?" got "Happy.")
    rf"{_POLITE}what(?:'s| is)\s+(?:the\s+)?(?:vibe|feel|impression|gist)\s+(?:of|from)\s+(?:{_WHOLE})\s+"
    rf"(?:in|using|with)\s+(?:just |only |exactly )?(?:{_COUNT}|a few)\s+{_WORDS}\s*[.?!]*$")
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "a few": 3, "some": 3}
_BOUND_NUMBERS = {**_NUMBER_WORDS, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20}
# an answer asked to be a bare number or a bare yes or no: one word
_BARE = re.compile(r"\b(?:only|just|simply|solely)\s+(?:(?:with|say|give|answer|reply|respond|use)\s+)?(?:an?\s+)?"
                   r"(?:number|integer|digits?|numeral|yes or no|yes/no|\"yes\" or \"no\"|'yes' or 'no'|true or false|"
                   r"true/false)\b|"
                   r"\b(?:a number|an integer|yes or no|yes/no)\s+only\b|"
                   # ("Age in numbers only please" got "She is 20 years old, so she is a young adult.")
                   r"\b(?:in\s+)?(?:numbers?|digits?|numerals?|figures?)\s+only\b|"
                   # "Return the estimated age as a bare integer." (got "27 years old: a young adult.")
                   r"\bas (?:an? )?(?:single |bare |plain |whole |raw )?(?:number|integer|numeral|digits?)\b|"
                   r"\bbare (?:number|integer|numeral|digits?)\b|"
                   # the age alone ("Give me just his age.", "Age only.", "Her age in years, nothing else.")
                   r"\b(?:only|just)\s+(?:(?:his|her|their|the|its)\s+)?(?:age|number)\b|\bage\s+only\b|"
                   r"\bage\b.*\bnothing else\b|"
                   # "Give a number between 0 and 100 and nothing else." (got the age in a sentence)
                   r"\b(?:number|integer)\b[^.?!]*\bnothing else\b|\bnothing but (?:a |the |an )?(?:number|integer)\b|"
                   # "Answer with a single integer. Age?" (got "He is 36 years old, so he is middle-aged.")
                   r"\b(?:answer|reply|respond)\s+(?:with|in|using)\s+(?:a\s+|an\s+|one\s+)?(?:single\s+|bare\s+|plain\s+|"
                   r"whole\s+)?(?:integer|number|numeral)\b(?!\s+of\b)|"
                   # "… age in years, giving a single integer." (got "He is 52 years old, so he is middle-aged.")
                   # and "… Give a single number." (got "She is 32 years old, so she is a young adult.")
                   r"\bgiv(?:e|ing)\s+(?:me\s+)?(?:a\s+|an\s+|one\s+)?(?:single\s+|bare\s+|plain\s+|whole\s+)?"
                   r"(?:integer|number|numeral)\b(?!\s+(?:of|between|from|to|out)\b)"
                   r"(?!\s+for\s+(?!(?:his|her|their|the|this person's)\s+age\b))")
_ONE_LINE = re.compile(r"\b(?:in|on|as|using)\s+(?:just\s+|only\s+)?(?:one|a|a single)\s+(?:short\s+)?line\b|\bone[- ]liner?\b")
_LENGTH = re.compile(rf"\b(a few|a|one|some|{_COUNT}|a single|a short)(?:\s+|-)(?:\w+\s+)?({_WORDS}|sentences?|things?|facts?)\b")


# An instruction to describe the picture as vision-language data and benchmarks word it ("Provide a detailed
# description of the given image.", "Summarize the visual content of the image.", "Write a caption for this
# photo.", "Analyze the image in a comprehensive and detailed manner."): a verb that describes, or one that
# gives a description noun, then a few words, the picture or person, and a few more. Each of these got "I can't
# tell from this photo.", "Yes. It is a photo of a person." or a garbled caption. What lies between may not ask
# anything else ("Explain why the person in the photo looks sad": a wh-word; "… tell me if she wears glasses").
_DESCRIBING_VERB = (r"(?:describe|summari[sz]e|sum up|caption|depict|portray|narrate|characteri[sz]e|analy[sz]e|"
                    r"examine|illustrate|explain|clarify|interpret|outline|detail|break down|walk (?:me |us )?through|"
                    r"go (?:me |us )?through|look at|study|inspect)")
_GIVING_VERB = (r"(?:give|provide|offer|share|present|relay|render|write|create|generate|produce|compose|craft|"
                r"draft|make|prepare|deliver|come up with|suggest|propose)(?:\s+(?:me|us))?")
# ("Give me a short alt text for this image." got "I can't tell from this photo." of one photo, "A girl." of a boy;
# "Write a one-line bio for this person." the whole description, its sentences joined by semicolons)
_DESCRIPTION_NOUN = (r"(?:description|summary|summarization|summarisation|caption|alt[- ]?text|alternative text|bio|blurb|"
                     r"title|headline|"
                     r"account|explanation|analysis|"
                     r"interpretation|narrative|narration|depiction|rundown|overview|portrayal|breakdown|report|"
                     r"characteri[sz]ation|synopsis|walkthrough|commentary|outline)s?")
_PICTURE = (r"(?:image|photo|photograph|picture|pic|portrait|face|person|scene|shot|snapshot|selfie|visuals?|"
            r"frame|man|woman|girl|boy|child|kid|baby|individual|subject)(?:'s)?")
_NOT_WH = r"(?!(?:why|how|what|whether|if|who|whom|which|when|where)\b)"  # a word that asks nothing else
_WORD = rf"{_NOT_WH}[\w'-]+,?\s+"
_THE_PICTURE = r"(?:this|the|that|my|your)\s+(?:image|photo|photograph|picture|pic|portrait|shot|snapshot|selfie)"
_DESCRIBE_INSTRUCTION = re.compile(
    _POLITE + r"(?:(?:briefly|quickly|concisely|succinctly|carefully|thoroughly|in detail|in brief)\s*,?\s+)?(?:"
    # "Provide a detailed description of the given image.", "Briefly describe the image."
    rf"(?:{_DESCRIBING_VERB}|{_GIVING_VERB}\s+(?:{_WORD}){{0,5}}?{_DESCRIPTION_NOUN})\s+"
    rf"(?:{_WORD}){{0,6}}?{_PICTURE}(?:\s+{_NOT_WH}[\w'-]+,?){{0,8}}|"
    # "Give a one-sentence caption.", "Generate a detailed caption.", "Detailed caption, please."
    # "Give this photo a title." (got "I can't tell from this photo.")
    rf"(?:give|find|suggest|pick|choose)\s+{_THE_PICTURE}\s+(?:a|an)\s+(?:[\w-]+\s+)?(?:title|caption|headline)|"
    rf"{_GIVING_VERB}\s+(?:(?:a|an|the|one)\s+)?(?:[\w-]+\s+){{0,2}}?(?:title|headline)|"
    rf"(?:{_GIVING_VERB}\s+)?(?:(?:a|an|the|one)\s+)?(?:[\w-]+,?\s+){{0,3}}?(?:caption|description|summary|synopsis|"
    r"alt[- ]?text|alternative text)"
    # ("Give me an Instagram caption for this." got "A girl.", "Suggest a caption for social media." "No, it is a
    # photo of a woman.")
    rf"(?:\s*,?\s*(?:please|for me|for it|of it|of this|for this(?:\s+{_PICTURE})?|here|for (?:social media|instagram|"
    rf"facebook|twitter|linkedin|a post|my post|the post|a tweet)|{_WORD_BOUND}))*|"
    # "Can you describe what you see?", "Tell me what's in the picture.", "… what this image depicts?"
    # "Describe what stands out." (got "I can't tell from this photo.")
    rf"(?:describe|tell me|say|explain|list|note)\s+what(?:\s+you\s+(?:can\s+)?(?:see|notice)|"
    r"\s+(?:stands out|strikes you|jumps out|catches your eye)(?:\s+(?:most|first|to you|at you))*)"
    rf"(?:\s+(?:here|in\s+it|in\s+{_THE_PICTURE}|(?:in|about)\s+(?:{_WHOLE})))?|"
    rf"(?:describe|tell me|say|explain)\s+what(?:"
    rf"\s+{_THE_PICTURE}\s+(?:shows|depicts|contains|portrays|captures|is showing)|(?:\s+is|'s)\s+(?:in|shown in|going on in)"
    rf"\s+{_THE_PICTURE})|"
    # "What does this image show?", "What is the main subject of this image?"
    rf"what\s+(?:does|do)\s+{_THE_PICTURE}\s+(?:show|depict|contain|portray|capture|represent)|"
    rf"what(?:'s|\s+is)\s+the\s+(?:main\s+)?(?:subject|focus|content)\s+of\s+{_THE_PICTURE}|"
    # "What are the most noticeable features of this person?" (got "I can't tell from this photo."), "Point out the
    # key features in the image." (got an age)
    r"(?:describe|list|name|point out|highlight|note|mention|identify|summari[sz]e|tell me|what are)\s+"
    r"(?:(?:the|his|her|their|its|some|a few|any)\s+)?(?:[\w-]+,?\s+){0,3}?"
    r"(?:features|details|characteristics|traits|attributes|aspects|elements|things)"
    rf"(?:\s+(?:of|in|about|on)\s+(?:{_WHOLE}))?(?:\s+(?:that\s+)?(?:you\s+(?:can\s+)?(?:see|notice)|stand out))?)"
    r"\s*[.?!:]*$")
# what a description instruction may not name: a part or a property of the person or photo ("Give a detailed
# description of her hair", "Analyze the lighting in this photo")
_ONE_THING = re.compile(
    r"\b(?:hair|hairstyle|eyes?|eyebrows?|nose|mouth|lips|teeth|ears?|skin|cheeks?|chin|jaw|forehead|beard|moustache|"
    r"mustache|glasses|makeup|clothes|clothing|outfit|shirt|hat|jewel(?:le)?ry|background|lighting|light|colou?rs?|"
    r"expression|emotions?|mood|feelings?|affect|smile|age|gender|sex|race|ethnicity|pose|posture|head|quality|sharpness|"
    r"composition|camera|style|feel(?:s|ing)?|looks? (?:happy|sad|angry|old|young))\b")


def asks_description(question: str) -> bool:
    """A request to describe the whole person or photo ("Tell me about this person.", "Can you describe
    her?", "What do you see?", "Give me three words to describe her.", "Provide a detailed description of the
    given image."), however worded; not one about a single attribute."""
    q = _core(question)
    if asked_language(q):  # "Describe her in Spanish." (got "Happy."): a description, said to be in English
        q = re.sub(rf"\s*\b(?:in|into)\s+(?:{_LANGUAGE})\b", "", q, flags=re.I)
    if _DESCRIBED_AS.search(q) and is_yes_no(question):
        return False  # "Would you describe this person as elderly?" (got the whole description): a yes/no question
    if _DESCRIPTION_REQUEST.match(q) or _WORDS_REQUEST.match(q):
        return True
    return bool(_DESCRIBE_INSTRUCTION.match(q)) and not _ONE_THING.search(q) and not asked_attributes(question)


# "… describe this person as elderly?": a value asked to be confirmed (but "… describe her as a person?", "… as you
# see her?" ask a description)
_DESCRIBED_AS = re.compile(r"\bdescribe\s+(?:[\w']+\s+){1,3}?as\s+(?!(?:a\s+)?(?:person|whole|human|individual)\b|"
                           r"(?:you|i|we|best|much|well|if|though|they|she|he|it)\b)(?:an?\s+)?\w")


def description_length(question: str) -> tuple[str, int] | None:
    """How long a description request asks the description to be: ("words", 3) for "Give me three words
    to describe her.", ("sentences", 1) for "Describe him in one sentence." or "Describe her briefly.";
    None for a request that sets no length ("Tell me about this person.") or for any other question."""
    return asked_length(question) if asks_description(question) else None


def asked_length(question: str) -> tuple[str, int] | None:
    """The length any question asks its answer to have: ("words", 1) for "What's her mood, in one word?" or "a
    one-word answer", ("sentences", 1) for "briefly"; None when it sets none."""
    q = " ".join((_core(question), _without_form(question)[1]))  # "…?\nAnswer in one word." sets the length too
    if _BARE.search(q):  # "Respond with only a number: how old is he?", "Answer only yes or no: is he smiling?"
        return "words", 1
    if m := re.search(rf"\b{_WORD_BOUND}", q):  # "under 10 words": at most 9
        n = _BOUND_NUMBERS.get(m[2]) or int(m[2])
        return "words", max(1, n - 1 if m[1] in ("under", "fewer than", "less than") else n)
    if _ONE_LINE.search(q):  # "Tell me his age and mood in one line." (got two sentences)
        return "sentences", 1
    if m := _LENGTH.search(q):
        n = _BOUND_NUMBERS.get(m[1], 1 if m[1] in ("a single", "a short") else None) or int(m[1])
        return ("words" if m[2].startswith(("word", "adjective")) else "sentences", n)
    if re.search(r"\b(?:briefly|in brief|short|quick|quickly|brief|concise|concisely|succinct|succinctly|terse|"
                 r"tersely|compact)\b", q):
        return "sentences", 1
    if re.search(r"\balt[- ]?text\b|\balternative text\b", q):  # alt text is short by convention (one sentence)
        return "sentences", 1
    # and a social media post's caption ("Summarize the photo in a tweet." got the whole description)
    if re.search(r"\b(?:instagram|insta|tweet|twitter|social media|facebook|tiktok|threads post)\b", q):
        return "sentences", 1
    if re.search(r"\b(?:title|headline)\b", q):  # and a title a few words
        return "words", 4
    return None


# A message that asks the description just given again at another length ("Now make it shorter.", "Now in one word.",
# "More detail, please."): after "Describe this person in two sentences.", the first got "No. She is not smiling." and
# the second "She is 18 years old, so she is a teenager."
_REDO_LEAD = (r"^(?:(?:now|ok|okay|and|so|great|thanks|cool|hmm|please|but|alright|good|nice)\s*[,!.]?\s+)*"
              r"(?:(?:can|could|would|will) you\s+(?:please\s+)?|please\s+)?"
              r"(?:(?:make|keep|get) (?:it|that|this|the (?:description|caption)) |"
              r"(?:say|put|write|do|give|tell|describe|sum|summari[sz]e|try|redo) (?:me )?(?:it|that|this|her|him|them)?\s*"
              r"(?:up\s+)?(?:again\s+)?|(?:give me |i want |i'd like )?(?:an? |the )?)?")
_REDO_TAIL = r"(?:\s*,?\s+(?:please|again|instead|then|now|this time))*\s*[.?!]*$"
_REDO_SHORTER = re.compile(_REDO_LEAD + r"(?:(?:a (?:bit|little) |even |much |way )?(?:shorter|briefer|more briefly|"
                           r"more concise(?:ly)?|less wordy)(?: (?:version|one|description))?(?: still)?|shorten(?: it)?|"
                           r"in (?:fewer|less) words|too long|tl;?dr)" + _REDO_TAIL, re.I)
_REDO_LONGER = re.compile(_REDO_LEAD + r"(?:(?:a (?:bit|little) |even |much )?(?:longer|more detailed)(?: (?:version|one|"
                          r"description))?|(?:in|with) (?:more |full |greater )?detail|more detail|in full|elaborate|"
                          r"expand(?: on it)?|too short|the (?:full|whole|long) (?:version|description|thing))"
                          + _REDO_TAIL, re.I)
_REDO_LENGTH = re.compile(_REDO_LEAD + rf"(?:in|using|with) (?:just |only |exactly )?(?:a|one|a single|{_COUNT}) "
                          r"(?:words?|sentences?|lines?)" + _REDO_TAIL, re.I)
_LENGTH_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


# "Remove the age from the description." after a description (got "85 years old: a senior."): the description again,
# without what it names
_REDO_WITHOUT = re.compile(r"^(?:(?:now|ok|okay|then|and|please|can you|could you|would you)\s*,?\s+)*"
                           r"(?:remove|drop|leave out|take out|omit|skip|cut|delete|don't mention|do not mention|without|"
                           r"no more)\s+(?:mentioning\s+)?(?:the\s+|his\s+|her\s+|their\s+)?"
                           r"(?P<what>age|ethnicity|race|expression|emotion|mood)"
                           r"(?:\s+(?:from|in)\s+(?:the\s+|that\s+|your\s+|this\s+)?(?:description|it|that|answer|text))?"
                           r"(?:\s*,?\s*please)?\s*[.!?]*$", re.I)


# "Add the ethnicity." after a description or its JSON (got the reply that the chat changes no photo): the request again,
# with what it names put back if it was left out
_SAME_WORD = {"race": "ethnicity", "emotion": "expression", "mood": "expression", "sex": "gender"}  # one name for each
_REDO_WITH = re.compile(r"^(?:(?:now|ok|okay|then|and|please|can you|could you|would you)\s*,?\s+)*"
                        r"(?:add|include|put (?:in|back)|mention|also (?:give|mention|include|add))\s+(?:back\s+)?"
                        r"(?:the\s+|his\s+|her\s+|their\s+)?(?P<what>age|ethnicity|race|expression|emotion|mood|gender|sex)"
                        r"(?:\s+(?:back|too|as well|also))?(?:\s+(?:to|in|into)\s+(?:the\s+|that\s+|your\s+|this\s+)?"
                        r"(?:description|it|that|answer|text|json|reply))?(?:\s*,?\s*please)?\s*[.!?]*$", re.I)


def _describe_in(length: tuple[str, int] | None, omit: Sequence[str] = ()) -> str:
    """The description request of a length: "Describe this person." (the whole description), "… in two sentences.",
    and without what ``omit`` names ("… without mentioning the age.")."""
    without = f" without mentioning the {' or the '.join(omit)}" if omit else ""
    if length is None:
        return f"Describe this person{without}."
    unit, n = length
    return f"Describe this person in {_LENGTH_WORDS.get(n, str(n))} {unit[:-1] if n == 1 else unit}{without}."


def description_follow_up(questions: Sequence[str]) -> str | None:
    """The description request that the last of a chat's user messages stands for when it asks the description just
    given at another length: "Now make it shorter." after "Describe her in two sentences." → "Describe this person in
    one sentence." (after one sentence: five words; after N words: half as many), "Now in one word." → "Describe this
    person in one word.", "More detail, please." → "Describe this person." (the whole description). None when the
    last message is not such a follow-up or the message before it asked no description (nor was one)."""
    length: tuple[str, int] | None = None
    described = False  # whether the message before asked a description, of ``length``
    last, omit = None, []  # and what it left out
    request = None  # the description's request as typed
    for question in questions:
        q = _core(question)
        last = None
        if described and (m := _REDO_WITH.match(q)):
            what = m["what"].lower()
            omit = [o for o in omit if o != _SAME_WORD.get(what, what)]
            if not omit and length == description_length(request):
                last = request  # "Describe her in JSON." then "Add the ethnicity.": the same request, its form kept
                continue
        elif described and (m := _REDO_WITHOUT.match(q)):
            what = _SAME_WORD.get(m["what"].lower(), m["what"].lower())
            omit = [*omit, what] if what not in omit else omit
        elif described and _REDO_SHORTER.match(q):
            unit, n = length or ("sentences", 2)
            length = ("words", 5) if (unit, n) == ("sentences", 1) else (unit, max(1, n - 1 if unit == "sentences" else n // 2))
        elif described and _REDO_LONGER.match(q):
            length = None
        elif described and _REDO_LENGTH.match(q):
            length = asked_length(q)
        elif asks_description(question):
            length, described, omit, request = description_length(question), True, [], question
            continue
        else:
            described = False
            continue
        last = _describe_in(length, omit)
    return last


# A message that asks the age just given again, shifted in time or as a range ("And in 10 years?" got "I can't tell
# from this photo.", "What about 10 years ago?" "No, she looks about 36 years old.", "Give me a range then." "It is a
# girl."): after a question about the age, the question it stands for
_SHIFT_LEAD = r"^(?:(?:and|so|ok|okay|what|how|about|then|hmm|now)\s*[,.]?\s+)*(?:what|how)?\s*(?:about\s+)?"
_AGE_LATER = re.compile(_SHIFT_LEAD + rf"(?:in\s+)?(?:(?:another|a further)\s+)?({_COUNT}|\d{{1,2}})\s+(?:more\s+)?years?"
                        r"(?:\s+(?:from now|later|on|time|in the future))?\s*[?.!]*$", re.I)
_AGE_EARLIER = re.compile(_SHIFT_LEAD + rf"({_COUNT}|\d{{1,2}})\s+years?\s+(?:ago|earlier|before)\s*[?.!]*$", re.I)
# another age offered for the one just given ("How about 10 years older?" after "Really? I think older." got "No, she is a
# child, not a senior."): a doubt of it, as "Could she be 10 years older?" is
_AGE_OFFSET = re.compile(r"^(?:(?:and|so|ok|okay|then|hmm|well)\s*[,.]?\s+)*(?:(?:how|what) about|maybe|perhaps|or|"
                         r"(?:more\s+)?like)\s+"
                         rf"(?:(?:like|maybe|perhaps)\s+)?(?:({_COUNT}|\d{{1,2}}|a few|a couple of|some)\s+years?\s+)?"
                         r"(older|younger)(?:\s+than that)?\s*[?.!]*$", re.I)
_AGE_RANGE_AGAIN = re.compile(r"^(?:(?:and|so|ok|okay|then|hmm|now|well)\s*[,.]?\s+)*(?:(?:can|could|would) you\s+)?"
                              r"(?:give|tell|make|say)?\s*(?:(?:it|that)\s+)?(?:me\s+)?(?:(?:as|in)\s+)?(?:a|an|the)\s+"
                              r"(?:rough\s+)?(?:range|bracket|span)"
                              r"(?:\s*,?\s+(?:then|instead|please|maybe))*\s*[?.!]*$", re.I)
# another guess at the age just given ("What's your second guess?" after "That seems too young." got "I can't tell from
# this photo."): the range the age may lie in, which is what the one photo allows
_SECOND_GUESS = re.compile(r"^(?:(?:and|so|ok|okay|then|well|fine|alright)\s*[,.]?\s+)*(?:(?:what(?:'s| is| would be)|give me|"
                           r"(?:do|have) you have)\s+)?(?:your|a|an|any)?\s*(?:second|another|other|next|different|"
                           r"backup|alternative)\s+(?:guess|estimate|answer)(?:\s+(?:then|please))?\s*[?.!]*$", re.I)
# how far off the age just given may be ("How much older could she be?" after "I think she's older." got the age again):
# the range it may lie in
_HOW_FAR_OFF = re.compile(r"^(?:(?:and|so|ok|okay|then|well|but)\s*[,.]?\s+)*how (?:much|many years|far) (?:older|younger|off)"
                          r" (?:could|might|can|may|would) (?:he|she|they|it|you|the person|this person) (?:be|have been)"
                          r"(?: (?:wrong|off))?\s*[?.!]*$", re.I)
# the age just given in another unit ("In months?" after "How old?" got "I can't tell from this photo.", "What about
# in years?" after "How old is he?" and "Are you sure?" got "He looks happy.")
_AGE_UNIT_AGAIN = re.compile(r"^(?:(?:and|so|ok|okay|then|now|what about|how about)\s*[,.]?\s+)*(?:(?:can|could) you "
                             r"(?:give|tell|say)(?: me)?(?: it| that)?\s+|(?:how old|what age)\s+)?(?:in|as)\s+"
                             r"(months|weeks|dog[- ]?years|years)(?:\s+(?:then|please|instead))*\s*[?.!]*$", re.I)
# the age just given as a number ("Give me your best guess as a single number." after "Age?" got "I can't tell from this
# photo.")
# what a follow-up may open and end with ("Ok, …", "… please")
_AGAIN_LEAD = r"^(?:(?:and|so|ok|okay|then|now|just|please|can you|could you)\s*[,.]?\s+)*"
_AGAIN_END = r"(?:\s+(?:only|please|then|instead))*\s*[?.!]*$"
_AGE_NUMBER_AGAIN = re.compile(_AGAIN_LEAD + r"(?:(?:can|could) you\s+)?"
                               r"(?:(?:give|tell|say)(?: me)?\s+)?(?:(?:your|a|the)\s+)?(?:best\s+|single\s+|exact\s+)?"
                               r"(?:guess|estimate|age)?\s*(?:as|in)\s+(?:a\s+|one\s+)?(?:single\s+|whole\s+)?(?:number|integer|"
                               r"figure)s?" + _AGAIN_END + r"|^(?:just\s+)?(?:the|a)\s+(?:single\s+)?"
                               r"number(?:\s+(?:only|please))*\s*[?.!]*$", re.I)
# the age just given, rounded ("Round it to the nearest 5." after "Age?" got "I may be wrong, but …")
_AGE_ROUND_AGAIN = re.compile(_AGAIN_LEAD + r"(?:round(?:ed)?(?:\s+(?:it|that|this|the age))?(?:\s+(?:off|up|down))?\s+)?"
                              r"to\s+the\s+nearest\s+(\d{1,2}|five|ten|decade)(?:\s+years?)?" + _AGAIN_END, re.I)
# the range just given, narrower or wider ("Narrower." after "Give me a range instead." got "No, it is a photo of a
# woman.")
_RANGE_AGAIN = re.compile(r"^(?:(?:and|so|ok|okay|then|now|hmm|well|please|can you|could you)\s*[,.]?\s+)*"
                          r"(?:(?:make it|give me|i want|i'd like)\s+)?(?:an?\s+)?(?:(?:a (?:bit|little)|even|much|way)\s+)?"
                          r"(?:(?P<narrow>narrower|tighter|smaller|more precise|more exact)|(?P<wide>wider|broader|bigger|"
                          r"larger|looser))(?:\s+(?:range|one|bracket|span|window))?(?:\s*,?\s+(?:then|please|instead))*"
                          r"\s*[?.!]*$|^(?:(?:can|could) you\s+)?(?P<down>narrow)\s+(?:it|that)\s+down\W*$", re.I)
_ASKED_AGE = re.compile(r"\b(?:how old|age|aged|years? old|older|younger|guess)\b|"
                        r"\b(?:over|under|above|below|past)\s+\d{1,3}\b", re.I)  # "Is she over 30?"
# The person asked about by the asker's relation to them ("Is my son smiling?", "How old does my daughter look here?",
# "Is my mom in her 60s?": each got "I can't tell from this photo.") or as the asker ("Do I look happy in this photo?"
# got "No, she looks neutral."; "Describe me." "I can't tell from this photo."): asked as a question about the person in
# the photo (:func:`about_the_person`), which the model and every check read
_KIN_PRONOUN = {**dict.fromkeys("son dad father daddy papa pa husband brother boyfriend uncle nephew grandpa grandfather "
                                "granddad grandad grandson fiance stepson stepfather stepdad".split(), ("he", "him", "his")),
                **dict.fromkeys("daughter mom mum mother mommy mummy mama ma wife sister girlfriend aunt niece grandma "
                                "grandmother granny nana granddaughter fiancee stepdaughter stepmother stepmom".split(),
                                ("she", "her", "her")),
                **dict.fromkeys("baby kid child friend partner boss cousin teacher colleague coworker co-worker student "
                                "neighbor neighbour spouse parent grandchild toddler teen teenager sibling roommate "
                                "classmate".split(), ("this person", "this person", "this person's"))}
_KIN = "|".join(sorted(_KIN_PRONOUN, key=len, reverse=True))
_MY_KIN_POSSESSIVE = re.compile(rf"\b(?:my|our)\s+({_KIN})'s\b", re.I)
_MY_KIN_SUBJECT = re.compile(rf"(?<!this )(?<!that )(?<!it )(?<!here )\b(is|was|does|did|has|can|could|would|will|"
                             rf"should|might|may)\s+(?:my|our)\s+({_KIN})\b", re.I)
_MY_KIN_OBJECT = re.compile(rf"\b(describe|rate|judge|tell me about|think of|think about|about)\s+(?:my|our)\s+({_KIN})\b",
                            re.I)
# the asker as the person ("Am I smiling?", "How old do I look?", "Describe me.", "Rate my selfie.")
_I_AUX = {"am": "is", "was": "was", "do": "does", "did": "did", "have": "has", "will": "will", "would": "would"}
_I_SUBJECT = re.compile(rf"\b({'|'.join(_I_AUX)})\s+I\b(?!\s*\d)", re.I)
_I_VERB = re.compile(r"\bI\s+(look|seem|appear)\b(?!\s+(?:at|for)\b)", re.I)
_I_AM_IN = re.compile(r"\bI(?:'m|\s+am)\s+in\s+my\b", re.I)  # "Do I look like I'm in my 20s?"
_I_AM_LAST = re.compile(r"\bI\s+am(?=\s*[?.!]*$)|\bI'm(?=\s*[?.!]*$)", re.I)
_ME_OBJECT = re.compile(r"\b(describe|rate|judge|assess|analy[sz]e|evaluate|caption|photo of|picture of|pic of|"
                        r"portrait of|image of|selfie of)\s+me\b", re.I)
_MY_THING = re.compile(r"\bmy\s+(face|selfie|photo|picture|pic|portrait|smile|expression|eyes?|mouth|lips|teeth|hair|skin|"
                       r"head|mood|looks?|appearance|age|gender|ethnicity|race|emotion|pose)\b", re.I)
_ASKER_JUDGES = re.compile(r"\b(?:am|was)\s+I\s+(?:right|correct|wrong|mistaken|sure|close|off)\b|"
                           r"\b(?:this|that|it)\s+is\b|\b(?:this|that|it)'s\b", re.I)
_THIRD_SUBJECT = re.compile(r"\b(?:he|she|they|him|her|them|this person|the person|this (?:man|woman|guy|lady|girl|boy|"
                            r"kid|child|baby))\b", re.I)


def _cased(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def about_the_person(question: str) -> tuple[str, bool]:
    """A question about the person in the photo asked by the asker's relation to them or as the asker, asked of the
    person: "Is my son smiling?" → "Is he smiling?", "How old does my daughter look here?" → "How old does she look
    here?", "Do I look happy?" → "Does this person look happy?", "Describe me." → "Describe this person.", "Rate my
    selfie." → "Rate this selfie."; and whether it was asked as the asker (whose answer then says "you"). A comparison
    with the asker ("Is she older than me? I'm 30.", "Is he my age?") and "Is this my son?" are left as they are."""
    if re.search(r"\b(?:is this|is that|is it|this is|that is|it is|are these|these are)\s+(?:my|our)\b", question, re.I):
        return question, False  # who the person is ("Is this my daughter's photo?"): as it is
    q = _MY_KIN_POSSESSIVE.sub(lambda m: _cased(_KIN_PRONOUN[m[1].lower()][2], m[0]), question)
    q = _MY_KIN_SUBJECT.sub(lambda m: f"{m[1]} {_KIN_PRONOUN[m[2].lower()][0]}", q)
    q = _MY_KIN_OBJECT.sub(lambda m: f"{m[1]} {_KIN_PRONOUN[m[2].lower()][1]}", q)
    if MY_AGE.search(q) and not _THIRD_SUBJECT.search(q) and (_I_SUBJECT.search(q) or _I_VERB.search(q)):
        # the asker asks about themself, telling their age ("I'm 25. Do I look older than I am?" got "Yes, he is a
        # senior."): the age where the question names it ("Do I look older than 25?"), then asked of the person
        from unif2ace.generation.constraints import _my_age_named

        q = _my_age_named(q)
    elif _THIRD_SUBJECT.search(q) or MY_AGE.search(q) or _ASKER_JUDGES.search(q):
        # someone else is asked about, compared with the asker, or the asker's own judgement ("I'd say this is a
        # child, am I right?")
        return q, False
    asker = q
    asker = _I_SUBJECT.sub(lambda m: f"{_cased(_I_AUX[m[1].lower()], m[1])} this person", asker)
    asker = _I_VERB.sub(lambda m: f"this person {m[1].lower()}s", asker)
    asker = _I_AM_IN.sub("this person is in their", asker)
    if asker != q:  # "Am I in my 30s?": their decade of life
        asker = re.sub(r"\bmy\s+(?=(?:[1-9]0'?s|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|"
                       r"teens|early|mid|late)\b)", "their ", asker, flags=re.I)
    asker = _I_AM_LAST.sub("this person is", asker)
    asker = _ME_OBJECT.sub(lambda m: f"{m[1]} this person", asker)
    asker = _MY_THING.sub(lambda m: ("this " if m[1].lower() in ("selfie", "photo", "picture", "pic", "portrait")
                                     else "this person's ") + m[1], asker)
    return asker, asker != q


_YOU_VERB = {"is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't", "wasn't": "weren't",
             "doesn't": "don't", "hasn't": "haven't"}


def to_second_person(answer: str) -> str:
    """An answer about the person said to them, for a question asked as the asker ("Do I look happy?" → "No, she looks
    neutral." → "No, you look neutral."; "Her eyes are open." → "Your eyes are open."; "This is a woman." → "You look
    like a woman.")."""
    def you(m: re.Match) -> str:  # "she looks" → "you look", "he's" → "you're"
        if m["contracted"]:
            return _cased("you", m["who"]) + "'re"
        verb = m["verb"]
        if verb.lower() in _YOU_VERB:
            verb = _YOU_VERB[verb.lower()]
        elif re.fullmatch(r"[a-z]+s", verb) and not verb.endswith("ss"):  # "looks" → "look", "faces" → "face"
            verb = verb[:-2] if verb.endswith(("ches", "shes", "xes")) else verb[:-1]
        # (a modal or a past tense stays: "he can", "she smiled")
        return f"{_cased('you', m['who'])} {verb}"

    text = re.sub(r"\b(?P<who>he|she)(?:\s+(?P<verb>[A-Za-z]+(?:'t)?)|(?P<contracted>'s)\b)", you, answer, flags=re.I)
    text = re.sub(r"\b(his|her)(?=\s+[A-Za-z])", lambda m: _cased("your", m[1]), text, flags=re.I)
    text = re.sub(r"\b(him|her)\b", lambda m: _cased("you", m[1]), text, flags=re.I)
    text = re.sub(r"\b(himself|herself)\b", lambda m: _cased("yourself", m[1]), text, flags=re.I)
    text = re.sub(r"\b(This|It) is (an? (?:\w+\s+){0,2}?(?:man|woman|boy|girl|person|child|teenager|baby)\b)",
                  lambda m: f"You look like {m[2]}", text)
    text = re.sub(r"\bthe face of an? (?:man|woman|boy|girl|person)\b", "your face", text)  # "I can see your face, …"
    # an age said to the one who knows it is how old they look ("You are 20 years old, so you are a young adult." →
    # "You look about 20 years old, so you look like a young adult.")
    text = re.sub(r"\b(you) are (\d{1,3}) (years? old)\b", r"\1 look about \2 \3", text, flags=re.I)
    text = re.sub(r"\b(you) are (an? (?:child|teenager|young adult|senior))\b", r"\1 look like \2", text, flags=re.I)
    return re.sub(r"\b(you) are (middle-aged)\b", r"\1 look \2", text, flags=re.I)


# someone else's age given beside a comparison with them ("Is he younger than my son? My son is 12." got "I can't tell
# from this photo.", the son read as whom the question is about): :func:`kin_age_named`
_KIN_AGE = re.compile(r"\b(?:my|our)\s+(?P<kin>[a-z]+)(?:'s|,?\s+(?:who\s+)?(?:is|just turned|turned))\s+(?P<age>\d{1,3})\b"
                      r"(?!\s*(?:cm|kg|lbs?|%|inches|feet|ft|pounds|kilos))", re.I)


def kin_age_named(question: str) -> str:
    """The question with the age it gives of someone it compares the person with, in place of them: "Is he younger
    than my son? My son is 12." → "Is he younger than 12?"; "Is she as old as my sister, who is 30?" → "Is she about
    30?". Any other question is returned as it is."""
    for m in list(_KIN_AGE.finditer(question)):
        kin, said = re.escape(m["kin"]), rf"(?:,?\s+who\s+is\s+{m['age']}\b)?"
        asked = re.sub(rf"\bthan (?:my|our) {kin}\b{said}", f"than {m['age']}", question, flags=re.I)
        asked = re.sub(rf"\b(?:the same age as|as old as) (?:my|our) {kin}\b{said}", f"about {m['age']}", asked, flags=re.I)
        if asked != question:  # and the sentence that gives the age, which would name a son, goes
            question = re.sub(rf"(?:^|(?<=[.?!]))\s*(?:my|our) {kin}(?:'s|\s+is|\s+just turned|\s+turned)\s+{m['age']}"
                              r"(?:\s*(?:years?|yrs?)(?:\s*old)?)?\s*[.!]?\s*", " ", asked, flags=re.I).strip()
    return question


MY_AGE = re.compile(r"\b(?:I'm|I am|Im|I’m)\s+(\d{1,3})\b(?!\s*(?:cm|kg|lbs?|%))", re.I)  # the asker's own age
# "By how many years?" after "Older or younger than me? I'm 25." (got "He is 75 years old, so he is a senior.")
_HOW_MUCH_AGAIN = re.compile(r"^(?:(?:and|so|ok|okay|then)\s*[,.]?\s+)*(?:by\s+)?how\s+(?:many\s+years|much|many)"
                             r"(?:\s+(?:older|younger))?(?:\s+than\s+(?:me|i\s+am|i'm))?(?:\s+(?:exactly|roughly|then))?"
                             r"\s*[?.!]*$|^(?:and\s+)?by\s+how\s+much\s*[?.!]*$", re.I)


def age_follow_up(questions: Sequence[str]) -> str | None:
    """The age question that the last of a chat's user messages stands for when it asks the age just asked again,
    shifted in time or as a range: "And in 10 years?" after "How old is this person?" → "How old will this person be
    in 10 years?", "What about 10 years ago?" → "How old was this person 10 years ago?", "Give me a range then." →
    "Give me an age range for this person.", and "By how many years?" after "Older or younger than me? I'm 25." →
    "How many years older or younger than 25 is this person?"; None when the last message is not such a follow-up or the message
    before it asked no age."""
    aged, last = False, None  # whether the message before asked the age (or stood for such a question)
    mine = None  # the asker's own age, when the message before compared the person with it
    ranged = None  # the range the message before asked: halved (> 0) or doubled (< 0) that many times from the usual
    from unif2ace.generation.constraints import remark_attribute, small_talk

    for k, question in enumerate(questions):
        if k < len(questions) - 1 and small_talk(question) is not None:
            continue  # "Are you sure?" between "How old?" and "Give me a range instead." (got the head pose)
        if aged and k < len(questions) - 1 and remark_attribute(question) == "age_group":
            continue  # and a remark on the age ("That seems too young." before "What's your second guess?")
        q, last = _core(question), None
        if aged and (_AGE_RANGE_AGAIN.match(q) or _SECOND_GUESS.match(q) or _HOW_FAR_OFF.match(q)):
            last = "Give me an age range for this person."
        if ranged is not None and (m := _RANGE_AGAIN.match(q)):  # "Narrower." after a range
            ranged += 1 if m["narrow"] or m["down"] else -1
            last = _range_request(ranged)
        elif aged and (m := _AGE_UNIT_AGAIN.match(q)):  # "In months?" after "How old?"
            last = f"How old is this person in {m[1].lower()}?"
        elif aged and _AGE_NUMBER_AGAIN.match(q):  # "Give me your best guess as a single number." after "Age?"
            last = "How old is this person? Answer with a number only."
        elif aged and (m := _AGE_ROUND_AGAIN.match(q)):  # "Round it to the nearest 5." after "Age?"
            step = m[1].lower()
            last = ("How old is this person, to the nearest decade?" if step in ("decade", "ten", "10") else
                    f"How old is this person, rounded to the nearest {_BOUND_NUMBERS.get(step, step)} years?")
        if mine is not None and _HOW_MUCH_AGAIN.match(q):  # "Older or younger than me? I'm 25." then "By how much?"
            last = f"How many years older or younger than {mine} is this person?"
        elif aged and last is None and _HOW_MUCH_AGAIN.match(q):  # "By how much?" after "Could they be younger?" (got
            last = "Give me an age range for this person."  # "I can't tell from this photo."): the range it may be in
        mine = m[1] if (m := MY_AGE.search(question)) and re.search(r"\b(?:older|younger)\b", q) else None
        if aged and last is None and (m := _AGE_OFFSET.match(q)):  # "How about 10 years older?" after an age
            last = f"Could the person be {m[1] + ' years ' if m[1] else ''}{m[2].lower()}?"  # a doubt of the age
        for pattern, form in ((_AGE_LATER, "How old will this person be in {} years?"),
                              (_AGE_EARLIER, "How old was this person {} years ago?")):
            if aged and last is None and (m := pattern.match(q)):
                n = m[1].lower()
                if years := int(n) if n.isdigit() else _BOUND_NUMBERS.get(n):  # every word of _COUNT
                    last = form.format(years)
        # (a description states the age too: "Describe her." then "And in 10 years?")
        aged = last is not None or bool(_ASKED_AGE.search(q)) or "age_group" in asked_attributes(q) \
            or asks_description(question) \
            or aged and bool(re.search(r"\b(?:higher|lower)\s+or\s+(?:higher|lower)\b", q))  # "Higher or lower?"
        if last is None or not last.startswith("Give me an age range"):
            ranged = 0 if last is None and _RANGE_ASKED.search(q) else None
        elif last == "Give me an age range for this person.":
            ranged = 0
    return last


_RANGE_ASKED = re.compile(r"\b(?:age[ -]range|range|bracket|plus or minus|give or take)\b", re.I)


def _range_request(steps: int) -> str:
    """The range question that a range asked ``steps`` times narrower (> 0) or wider (< 0) than the usual stands for:
    each step halves or doubles its width (:func:`unif2ace.generation.constraints.age_range_answer`)."""
    if steps == 0:
        return "Give me an age range for this person."
    return f"Give me an age range for this person, {2 ** abs(steps)} times {'narrower' if steps > 0 else 'wider'}."


# "Tell me more." / "Anything else?" after the whole description was given (each got the same description again)
_MORE = re.compile(r"^(?:(?:ok(?:ay)?|and|so|well|hmm)\s*[,.]?\s+)*(?:(?:can|could) you\s+)?(?:tell me more|say more|"
                   r"what else(?:\s+(?:can|could|do) you\s+(?:tell(?: me)?|say|see|notice))?|anything else|go on|more|"
                   # "Is that all?" (got "No, it is a photo of a person.")
                   r"continue|keep going|is that (?:all|it|everything)|that's (?:all|it)|nothing else|"
                   r"(?:is there|do you see) (?:anything|something) (?:else|more))"
                   r"(?:\s+(?:please|then|about (?:her|him|them|this person|the person)))?\W*$", re.I)
ALL_TOLD = ("That is everything I can tell from this photo. Ask me about anything in it (age, expression, pose), or "
            "for a shorter description.")


def more_after_description(questions: Sequence[str]) -> bool:
    """Whether the last of a chat's user messages asks for more ("Tell me more.", "Anything else?") after the whole
    description was given: the description says everything the model reads off a photo, so the reply is
    :data:`ALL_TOLD`, not the same description again. After a shorter one ("Describe her in one sentence.") the
    whole description is more."""
    if len(questions) < 2 or not _MORE.match(_core(questions[-1])):
        return False
    before = next((q for q in reversed(questions[:-1]) if asks_description(as_meant(q))), None)
    return before is not None and description_length(before) is None


# the reply just given again in another form ("Now as YAML." after "Describe the person in JSON." got her age; "In CSV
# please." after "Give me her age and gender as JSON."): the request before, in that form
_FORM_AGAIN = re.compile(r"^(?:(?:now|and|ok|okay|then|so|great|thanks|please|can you|could you)\s*[,.!]?\s+)*"
                         r"(?:(?:give|write|put|return|show|output|format|send|make|do|convert|redo)\s+(?:me\s+)?"
                         r"(?:it|that|this|them|the same)?\s*)?(?:as|in|into|to)\s+(?:a\s+|an\s+)?(?:markdown\s+)?"
                         r"(?P<form>json|ya?ml|csv|table)(?:\s+(?:format|object|instead|please|then|too|again))*\W*$", re.I)
_FORM_WORDS = re.compile(r"\b(?:(?:in|as|into|using)\s+(?:a\s+|an\s+)?(?:markdown\s+)?(?:json|ya?ml|csv|table)"
                         r"(?:\s+(?:format|object))?|json|ya?ml|csv)\b", re.I)


def form_follow_up(questions: Sequence[str]) -> str | None:
    """The request before the last of a chat's user messages, asked in the form the last one names ("Describe the
    person in JSON." then "Now as YAML." → "Describe the person as YAML."; "Give me her age and gender as JSON." then
    "In CSV please." → "Give me her age and gender as CSV."); None when the last message asks no form. A description
    or a question asked in words is asked again in JSON or YAML ("How old is she?" then "In JSON." → "How old is she?
    Answer in JSON."; a table or CSV needs the keys named)."""
    if len(questions) < 2 or not isinstance(questions[-2], str) or (m := _FORM_AGAIN.match(_core(questions[-1]))) is None:
        return None
    form = m["form"].upper() if m["form"].lower() != "table" else "a table"
    before = key_follow_up(questions[:-1]) or form_follow_up(questions[:-1]) or questions[-2]
    said = f"as {form}"
    if _FORM_WORDS.search(before):
        return _FORM_WORDS.sub(said, before, count=1)
    if form not in ("JSON", "YAML", "YML"):
        return None
    if asks_description(as_meant(before)):
        return f"Describe this person in {form}."
    meant = as_meant(before)
    return f"{before.strip()} Answer in {form}." if is_yes_no(meant) or asked_attributes(meant) else None


def key_follow_up(questions: Sequence[str]) -> str | None:
    """The request before the last of a chat's user messages with the value the last one adds, when that request asked
    for values in a form ("Give me the age as JSON." then "Add the gender." → "Give me the age as JSON, and the
    gender."; it got "It is a man."); None for any other chat (a description asked again with what it left out is
    :func:`description_follow_up`'s)."""
    if len(questions) < 2 or not isinstance(questions[-2], str) or (m := _REDO_WITH.match(_core(questions[-1]))) is None:
        return None
    before = key_follow_up(questions[:-1]) or form_follow_up(questions[:-1]) or questions[-2]
    if not _FORM_WORDS.search(before) or asks_description(as_meant(_FORM_WORDS.sub("", before))):
        return None
    what = _SAME_WORD.get(m["what"].lower(), m["what"].lower())
    return f"{before.strip().rstrip('.?!')}, and the {what}."


# "How much?" after a question about the smile or the expression ("Is this person smiling?" then "How much?" got "I
# can't tell from this photo."): asked as a rating, which no photo gives (constraints.scale_answer says so)
_HOW_MUCH = re.compile(r"^(?:(?:and|so|ok|okay|then|but)\s*[,.]?\s+)*(?:how much|how big|how wide|how strongly|how intensely|"
                       r"how intense|to what (?:extent|degree))(?:\s+(?:is|does)\s+(?:she|he|they|it|this person)"
                       r"(?:\s+(?:smil\w*|grin\w*))?)?"
                       r"(?:\s+(?:then|exactly|roughly))?\s*[?.!]*$", re.I)


def intensity_follow_up(questions: Sequence[str]) -> str | None:
    """"How happy is this person on a scale of 1 to 10?" for "How much?" (or "To what extent?") after a question about
    the smile or the expression; None for any other message."""
    if len(questions) < 2 or not isinstance(questions[-2], str) or not _HOW_MUCH.match(_core(questions[-1])):
        return None
    from unif2ace.generation.constraints import asked_of

    return "How happy is this person on a scale of 1 to 10?" if asked_of(as_meant(questions[-2])) & {"smile", "emotion"} \
        else None


# "So which is it?" after two yes/no questions about one attribute ("Is this person male?", "Is this person female?":
# it got "I can't tell from this photo."): the attribute's own question
_WHICH_IS_IT = re.compile(r"^(?:(?:so|ok|okay|well|then|and|hmm|but)\s*[,.]?\s+)*(?:which|what)\s+(?:one\s+)?is\s+it"
                          r"(?:\s+then)?\s*[?.!]*$|^which\s+one(?:\s+then)?\s*[?.!]*$|^(?:please\s+)?make up your mind\W*$",
                          re.I)
_WHICH_QUESTION = {"gender": "Is this a man or a woman?", "emotion": "How does this person seem to feel?",
                   "smile": "Is there a smile on this face?",
                   "age_group": "Which age group does this person belong to: child, teen, young adult, middle-aged or "
                                "senior?"}


def which_follow_up(questions: Sequence[str]) -> str | None:
    """The question that "So which is it?" (or "Which one?", "Make up your mind.") stands for after a question about
    the gender, the expression, the smile or the age group: that attribute's training question ("Is this a man or a
    woman?"); None for any other message, or when the question before asked none of them."""
    if len(questions) < 2 or not _WHICH_IS_IT.match(_core(questions[-1])):
        return None
    asked = _asked_before(questions[-2])
    return next((_WHICH_QUESTION[a] for a in _WHICH_QUESTION if a in asked), None)


# a message that insists on an answer the one before declined or hedged ("Just give me a number." after "Rate her
# happiness from 1 to 10." got "Yes. He is not smiling.", "Come on, guess." "Yes. This is a boy.", "What's your final
# answer?" after "Guess the age." and "Higher." "I can't tell from this photo.")
_INSIST = re.compile(r"^(?:(?:ok(?:ay)?|come on|c'?mon|so|well|please|just|fine|alright)\s*[,.!]?\s+)*"
                     r"(?:(?:just\s+)?(?:give me|tell me|say)\s+(?:a|one|your|the)\s+(?:number|guess|answer|best guess)|"
                     r"(?:just\s+|take a\s+|make a\s+|have a\s+)?guess|humou?r me|(?:just\s+)?try|"
                     r"what(?:'s| is) your (?:final|last) (?:answer|guess)|(?:your\s+)?final answer)"
                     r"(?:\s+(?:then|please|anyway|already|now))*\s*[?.!]*$", re.I)
# the same question of the person by another pronoun ("What about her?" after "How old is he?" got "I can't tell from
# this photo."): the photo shows one person, so the question before
_OTHER_PRONOUN = re.compile(r"^(?:(?:and|so|ok(?:ay)?)\s*,?\s+)?(?:(?:what|how) about|and) (?:him|her|them|this person|"
                            r"the person)\s*[?.!]*$", re.I)


def repeat_follow_up(questions: Sequence[str]) -> str | None:
    """The question a chat's last message asks again when it insists on an answer ("Just give me a number.", "Come
    on, guess.", "What's your final answer?") or asks it of the person by another pronoun ("What about her?"): the
    last earlier question that is neither small talk, a remark on an answer nor such a message; None otherwise."""
    from unif2ace.generation.constraints import remark_attribute, small_talk

    if len(questions) < 2 or not (_INSIST.match(last := _core(questions[-1])) or _OTHER_PRONOUN.match(last)):
        return None
    for k in range(len(questions) - 2, -1, -1):
        q = questions[k]
        core = _core(q)
        if small_talk(q) is not None or _INSIST.match(core) or _OTHER_PRONOUN.match(core) \
                or remark_attribute(as_meant(q), as_meant(questions[k - 1]) if k else None) is not None:
            continue  # "Higher." between "Guess the age." and "What's your final answer?"
        return q
    return None


def _asked_before(question: str) -> set[str]:
    """The attributes a chat's earlier question asked, for a follow-up that refers back to it: a yes/no question's
    checked values (an age bound's as the age group: "Is he over 50?"), an open question's attributes."""
    from unif2ace.generation.constraints import yes_no_grounded

    before = as_meant(question)
    if not is_yes_no(before):
        return set(asked_attributes(before))
    asked = yes_no_grounded(before)
    return asked | {"age_group"} if "age" in asked else asked


# what "Why do you think so?" asks after a question about the gender, the age or the expression ("Is she smiling?" then
# "Why do you think so?" got "From how the face looks in this photo: …", which names nothing): the reason asked of it
_REASON_QUESTION = {"gender": "Justify your gender call.", "age_group": "Explain your reasoning for the age.",
                    "emotion": "Explain the reasoning behind the mood.", "smile": "Explain the reasoning behind the smile."}


def reason_follow_up(questions: Sequence[str]) -> str | None:
    """The question that "Why do you think so?" (or "How can you tell?", ``constraints.WHY_SO``) stands for after a
    question about the gender, the age or the expression: that answer's reason asked (:data:`_REASON_QUESTION`, which
    ``constraints.reason_answer`` answers from the description); None for any other message, or after another
    question."""
    from unif2ace.generation.constraints import WHY_SO

    if len(questions) < 2 or not WHY_SO.match(re.sub(r"[\s!?.,:;]+$", "", _core(questions[-1]))):
        return None
    return reason_question(questions[-2])


def reason_question(question: str) -> str | None:
    """The question that asks the reason for an answer to ``question``, by what it asked (:data:`_REASON_QUESTION`:
    "Is she smiling?" → "Explain the reasoning behind the smile."); None when it asked none of those."""
    asked = _asked_before(question)
    return next((_REASON_QUESTION[a] for a in _REASON_QUESTION if a in asked), None)


# "What about sad?" / "And surprised?" / "How about a child?" after a yes/no question about one value: the question
# before, about that value ("Does he look angry?" then "What about sad?" got "I can't tell from this photo.")
_OTHER_VALUE = re.compile(r"^(?:(?:and|so|ok|okay|well|then|hmm|but)\s*[,.]?\s+)*(?:(?:what|how)\s+about|and|or)\s+"
                          r"(?P<value>[a-z][a-z' -]{0,30}?)(?:\s+then)?\s*[?.!]*$", re.I)
_VALUE_ATTRIBUTES = ("emotion", "smile", "age_group", "gender", "eyes", "mouth", "head_pose", "color", "sharpness",
                     "lighting")


def value_follow_up(questions: Sequence[str]) -> str | None:
    """The yes/no question before, asked of the value the last message names in its stead ("Does he look angry?"
    then "What about sad?" → "Does he look sad?"; "Is she a teenager?" then "And a child?" → "Is she a child?");
    None for any other message, a value of another attribute than the one asked before ("What about her?"), or a
    question before that is not yes/no."""
    if len(questions) < 2 or not isinstance(questions[-2], str) or (m := _OTHER_VALUE.match(_core(questions[-1]))) is None:
        return None
    from unif2ace.evaluation.attributes import parse_attribute
    from unif2ace.generation.constraints import _asked_values, yes_no_grounded

    # the question before may be one itself ("Does he look angry?", "What about sad?", "And surprised?")
    before = as_meant(value_follow_up(questions[:-1]) or questions[-2])
    if not is_yes_no(before):
        return None
    value = re.sub(r"^(?:a|an|the)\s+", "", m["value"].strip(), flags=re.I)
    attr = next((a for a in _VALUE_ATTRIBUTES if parse_attribute(value, a) is not None), None)
    if attr is None or attr not in set(_asked_values(before)) | yes_no_grounded(before):
        return None  # "Is this a man?" then "And smiling?" asks the smile afresh
    wanted = parse_attribute(value, attr)
    words = before.rstrip("?.! ").split()
    for n in (1, 2):  # the rightmost word or two whose place the value takes and asks it
        for i in range(len(words) - n, 0, -1):
            said = " ".join(words[i:i + n])
            if said.lower() in ("a", "an", "the", "he", "she", "they", "it", "this", "that", "person", "look", "looks"):
                continue
            asked = " ".join([*words[:i], value, *words[i + n:]])
            asked = re.sub(r"\b(a|an)\s+(?=(\w))", lambda a: ("an " if a[2].lower() in "aeiou" else "a "), asked) + "?"
            if _asked_values(asked).get(attr) == wanted and _asked_values(before).get(attr) != wanted:
                return asked
    return None


# A question about who the person is ("Who is this?", "Who do we have here?", "Do you know who she is?",
# "Can you identify him?"): nothing in a photo says, but what it shows can be said.
_IDENTITY = re.compile(
    r"^(?:who(?:'s|\s+is|\s+are|\s+was|\s+might|\s+could|\s+would|\s+do|\s+have|\s+am|\s+we)\b(?!.*\b(?:or|more|most|than|older|younger|oldest|youngest|happier|sadder|taller)\b)|"
    r"(?:do|can|could|would)\s+you\s+(?:please\s+)?(?:know|tell(?:\s+me)?|guess|recogni[sz]e|identify)\s+"
    r"(?:who\b|(?:him|her|them|this\s+(?:person|man|woman|guy|lady|girl|boy|kid|child)|the\s+person)\s*[?.!]*$)|"
    # the asker or someone of theirs ("Is this me?" got "No. She looks happy.")
    r"(?:is|could)\s+(?:this|that|it)\s+(?:be\s+)?(?:me|myself|my\s+(?:\w+\s+)?\w+)\s*[?.!]*$)")


# who the person looks like, or whether they are famous ("Who does she look like?" got her whole description, "Is the
# person in this photo a celebrity?" "I can't tell from this photo."): who they are, asked another way
_RESEMBLANCE = re.compile(r"\bwho\s+(?:does|do|might|would)\s+(?:he|she|they|it|this\s+(?:person|man|woman|guy|lady|girl|"
                          r"boy|kid|child)|the\s+person)\s+(?:\w+\s+)?(?:look\s+like|resemble|remind\s+you\s+of)\b|"
                          r"\b(?:resembles?|look(?:s)?\s+like)\s+(?:any(?:one|body)|some(?:one|body)|a)\s+(?:famous|celebrity|"
                          r"well-known|known)\b|\bcelebrity\s+look-?alikes?\b|\blook-?alikes?\b|"
                          r"\b(?:is|are)\s+(?:he|she|they|this\s+(?:person|man|woman|guy|lady|girl|boy)|the\s+person"
                          r"(?:\s+in\s+(?:this|the)\s+(?:photo|picture|image))?)\s+(?:a\s+)?(?:celebrity|famous|"
                          r"someone\s+famous|a\s+famous\s+person|well-known|an?\s+famous\s+\w+)\b|"
                          r"\b(?:which|what)\s+(?:celebrity|famous\s+(?:person|actor|actress|singer|people))\b", re.I)


def asks_resemblance(question: str) -> bool:
    """A question about who the person looks like or whether they are famous ("Who does she look like?", "Is this
    person a celebrity?")."""
    return bool(_RESEMBLANCE.search(question))


def asks_identity(question: str) -> bool:
    """A question about who the person is ("Who is this?", "Who do we have here?", "Do you recognise
    her?"), who they look like or whether they are famous (:func:`asks_resemblance`); not one about who is smiling
    more, or any other comparison."""
    return bool(_IDENTITY.match(_core(question))) or asks_resemblance(question)


# What to call the person ("What pronouns should I use for this person?", "Should I use he or she?", "I need the
# gender for a form. What should I put?": each got "I can't tell from this photo."), and whether a photo can say
# ("Is it okay to guess someone's gender from a photo?" got "No. It is a photo of a person.")
_PRONOUNS_ASK = re.compile(r"\b(?:pronouns?\b|(?:use|say|write|put)\s+(?:\"|')?(?:he|she)(?:\"|')?\s+or\s+(?:\"|')?"
                           r"(?:she|he|they)\b|(?:call|refer to|address|describe)\b.{0,30}\b(?:he|she)(?:\"|')?\s+or\s+"
                           r"(?:\"|')?(?:she|he|they)\b)", re.I)  # not a bare "He or she?", which asks the gender
_FORM_ASK = re.compile(r"\b(?:gender|sex)\b.{0,40}\b(?:form|application|document|paperwork|profile|record)\b|"
                       r"\b(?:form|application|document|paperwork|profile|record)\b.{0,40}\b(?:gender|sex)\b", re.I)
_GUESS_GENDER_OK = re.compile(r"\b(?:ok(?:ay)?|fair|right|appropriate|possible|wrong|accurate|reliable)\b.{0,30}\b(?:guess|tell|"
                              r"judge|assume|infer|know)\w*\s+(?:someone'?s|somebody'?s|a person'?s|people'?s|anyone'?s|"
                              r"their|the)\s+(?:gender|sex)\b", re.I)


def asks_pronouns(message: str) -> str | None:
    """What a message asks about naming the person's gender: ``"pronouns"`` (which pronoun to use), ``"form"``
    (the gender to put on a form), ``"guessing"`` (whether a photo can tell a gender); None for any other."""
    if _GUESS_GENDER_OK.search(message):
        return "guessing"
    if _FORM_ASK.search(message):
        return "form"
    if _PRONOUNS_ASK.search(message):
        return "pronouns"
    return None


# A question about how the person feels about something ("Is she pleased with the photo?" got "Yes. She looks
# happy."; "What is he sad about?", "Is he proud of his son?"): what a face shows is an expression, not what it is
# felt about. Not a feeling "with a smile" or "in the photo", which is the expression itself.
_FEELING_ABOUT = re.compile(
    r"\b(?:happy|happier|pleased|glad|satisfied|content|contented|unhappy|displeased|dissatisfied|sad|upset|angry|"
    r"mad|annoyed|irritated|excited|disappointed|proud|thrilled|delighted|worried|nervous|scared|afraid|frightened|"
    r"embarrassed|ashamed|bothered|bored|tired|sick|jealous|grateful|thankful|surprised|shocked|feel|feels|feeling)"
    r"\s+(?:with|about|over|of|by)\b(?!\s+(?:a|an|her|his|their|the|this)\s+(?:(?:big|wide|broad|little|slight|"
    r"happy|sad)\s+)?(?:smile|grin|expression|face|look)\b)", re.I)


def asks_feeling_about(question: str) -> bool:
    """A question about how the person feels about something ("Is she pleased with the photo?", "What is he
    sad about?", "How does she feel about it?"): the photo shows an expression, not what it is about."""
    return bool(_FEELING_ABOUT.search(_core(question)))


# What an open question asks about, for the attributes whose answers are checked against the model's own
# description (generation.constraints.grounded_answer). Written from what the words mean, not from the
# templates: "how old", "age", "years", a stage of life → age group; gender, sex, or a choice between a
# female and a male word → gender; smiling, a smile, a grin → smile; ethnicity, race → ethnicity; the eyes
# (not their colour) → eyes; expression, mood, feeling, "happy or sad" → emotion; lighting → lighting; sharp,
# blurry, focus → sharpness. A question about the age of something other than the person ("How old is the
# photo?", "What's the age of the car?") is left alone.
# a school grade or year, which goes with the age ("What grade might this child be in?" got "Yes. He is a child.",
# "What year of school is he in?" "I can't tell from this photo.")
SCHOOL_YEAR_ASK = (r"(?:what|which) grade (?:(?:is|might|would|could|should) (?:he|she|they|this|that|the) (?:\w+ )?"
                   r"(?:be )?in|(?:in|at) school)|"
                   r"(?:what|which) (?:year|class|form|grade|standard) (?=(?:[\w']+ ){0,6}?(?:at|in|of) school\b)|"
                   # "Which school grade?", "What grade level?" (got "I can't tell from this photo.")
                   r"(?:what|which) (?:school (?:grade|year)|grade level|year (?:group|level) at school)")
_AGE_ASK = re.compile(r"\b(?:how old|how young|age|ages|aged|years old|how many years|stage of life|life stage|"
                      # "Who looks older, this person or a 40-year-old?" (got "Senior (56 or older years old: a senior.")
                      r"(?:who|which|which one)(?:'s| is| looks| seems| appears)? (?:older|younger)|"
                      r"(?:months|weeks) old|how many (?:months|weeks)|how much (?:older|younger)|"
                      # "Guess: over or under 30?" (got "I can't tell from this photo."); "How many candles were on
                      # their last birthday cake?"
                      r"(?:over|above) or (?:under|below) \d{1,3}|(?:under|below) or (?:over|above) \d{1,3}|"
                      r"how many (?:birthday )?candles|"
                      # "When will he turn 100?" (got "I can't tell from this photo.")
                      r"(?:turns?|reach(?:es)?) \d{1,3}(?!\s*(?:degrees?|°|%))|how (?:long|many years) (?:until|till|before)\b|"
                      rf"{SCHOOL_YEAR_ASK}|"
                      r"(?:from|between) (?:a )?(?:child|kid|baby|infant|young) (?:to|and) (?:a |an )?(?:senior|adult|elderly|old)|"
                      r"young or old|old or young|older or younger|younger or older|generation|born|birth|birthyear|decade|[1-9]0s|[1-9]0's|twenties|thirties|"
                      r"forties|fifties|sixties|seventies|eighties|nineties)\b")
_GENDER_ASK = re.compile(r"\b(?:gender|sex|male or female|female or male)\b|"
                         # "male/female?" (got "I can't tell from this photo."), "m/f"
                         r"\b(?:male|man|boy|m)\s*/\s*(?:female|woman|girl|f)\b|\b(?:female|woman|girl|f)\s*/\s*(?:male|man|boy|m)\b")
# grandparents too ("Is this someone's grandma or grandpa?" got "In color.")
_FEMALE = rf"(?:woman|women|girl|lady|gal|lass|chick|female|feminine|she|{GRANDMOTHER_WORDS}|nana)"
_MALE = rf"(?:man|men|boy|guy|gentleman|dude|male|masculine|lad|bloke|he|{GRANDFATHER_WORDS})"
# "man or woman?", and a list that names both: "Is this a man, a woman or a child?"
_GENDER_CHOICE = re.compile(rf"\b{_FEMALE}\b.*\bor\b.*\b{_MALE}\b|\b{_MALE}\b.*\bor\b.*\b{_FEMALE}\b|"
                            rf"\b(?:{_FEMALE},\s*(?:an?\s+)?{_MALE}|{_MALE},\s*(?:an?\s+)?{_FEMALE})\b(?=.*\bor\b)")
# a choice between a younger and an older stage of life ("Kid or grown-up?", "Is he a man or a boy?"): age
# group; "boy or girl" (both young) and "man or woman" (both grown) are gender choices, not this
_YOUNGER = (r"(?:baby|babies|infant|toddler|kid|kids|child|children|teen|teens|teenager|teenagers|adolescent|"
            r"youngster|minor|boy|girl)")
_OLDER = (r"(?:adult|adults|grown[- ]?up|grown[- ]?ups|grown|senior|seniors|elderly|pensioner|retiree|man|woman|lady|"
          r"gentleman|middle[- ]aged|old person|old man|old woman|old lady)")
# two stages of life offered ("a toddler or a teenager?"), each named by one word (or two), their ages read by
# generation.options.option_range (constraints.age_choice answers the choice)
_LIFE_STAGE = (r"young[- ]adult|middle[- ]aged|(?<!young )(?<!young-)(?:adult|grown[- ]?up)|minor|child|kid|teen|teenager|"
               r"adolescent|baby|infant|toddler|newborn|senior(?:\s+citizen)?|elderly(?:\s+person)?|"
               # what a time of life does ("Is the person more likely a student or a retiree?" got "This is a girl.")
               r"student|pupil|schoolchild|retiree|pensioner|"
               # and stages of schooling ("Would you guess this person is in high school or college?" got "I can't tell
               # from this photo.")
               r"kindergarten|(?:elementary|primary|grade|middle|high)[- ]?school(?:er|\s+student)?|junior high|"
               r"college(?:\s+student)?|university(?:\s+student)?")
TWO_LIFE_STAGES = re.compile(rf"\b(?:an?\s+)?(?P<a>{_LIFE_STAGE})\s+or\s+(?:an?\s+)?(?P<b>{_LIFE_STAGE})\b", re.I)
_AGE_CHOICE = re.compile(rf"\b{_YOUNGER}\b.*\bor\b.*\b{_OLDER}\b|\b{_OLDER}\b.*\bor\b.*\b{_YOUNGER}\b|"
                         # any two stages ("Is this person a toddler or a teenager?" got "Yes. She is a teenager.")
                         rf"{TWO_LIFE_STAGES.pattern}|"
                         # two young stages ("Is this an infant or a toddler?" got "A woman.")
                         r"\b(?:baby|infant|newborn|toddler)\b.*\bor\b.*\b(?:baby|infant|newborn|toddler|kid|child|preschooler)\b|"
                         r"\b(?:kid|child|preschooler)\b.*\bor\b.*\b(?:baby|infant|newborn|toddler|teen|teenager|adolescent)\b|"
                         r"\b(?:teen|teenager|adolescent)\b.*\bor\b.*\b(?:kid|child|young adult)\b|"
                         # "Is he a young man or an old man?" (got "He is smiling."), "closer to 20 or 40?"
                         r"\b(?:young|younger|old|older|elderly|middle-aged)\s+(?:\w+\s+)?or\s+(?:an?\s+)?"
                         r"(?:young|younger|old|older|elderly|middle-aged)\b|\bcloser to\s+\d{1,3}\s+(?:or|than)\s+(?:to\s+)?\d{1,3}\b")
# two ages offered ("Is she 20 or 50?", "What's more likely, that she's 20 or that she's 50?", "Would you say 20 or
# 50?": they got "I can't tell from this photo."), not decades ("20s or 30s") nor counts ("1 or 2 people?":
# _TWO_AGES_COUNTED); constraints.age_choice answers them
_TWO_AGES = re.compile(r"(?<![\w.])(\d{1,3})(?:\s*(?:years?|yrs?)(?:[\s-]*old)?)?,?\s+or\s+(?:(?:that|whether)\s+)?"
                      r"(?:(?:she|he|they|it|the person|this person)(?:'s|'re|’s|’re|\s+is|\s+are|\s+looks?)\s+)?"
                      r"(?:about\s+|around\s+)?(\d{1,3})(?![\w.%'’])", re.I)
_TWO_AGES_COUNTED = re.compile(r"\b(?:how many|people|persons|faces|photos|pictures|times|kids|children|eyes)\b", re.I)


def two_ages(question: str) -> re.Match | None:
    """The two ages a question offers (:data:`_TWO_AGES`: groups 1 and 2), unless it counts something."""
    return None if _TWO_AGES_COUNTED.search(question) else _TWO_AGES.search(question)
_SMILE_ASK = re.compile(r"\b(?:smile|smiles|smiling|grin|grins|grinning|beaming|straight[- ]faced?)\b")
_EYES_ASK = re.compile(r"\beyes?\b")
_NOT_EYES_OPEN = re.compile(r"\bcolou?rs?\b|\bin (?:his|her|their|the|its) eyes\b")  # no label gives these
_ETHNICITY_ASK = re.compile(r"\b(?:ethnicity|ethnicities|ethnic|ethnically|race|racial|descent|ancestry|heritage)\b|"
                            # "Is this person Black or White?" (got "Straight toward the camera.": read as the photo's
                            # colour); a person is named, no photo
                            r"^(?!.*\b(?:photo|picture|image|pic|shot|it)\b)(?=.*\b(?:person|man|woman|he|she|they|boy|"
                            r"girl|kid|child|baby|individual|guy|lady|subject|people)\b).*\b(?:white|black|asian|"
                            r"indian|latino|hispanic)\b.*\bor\b.*\b(?:white|black|asian|indian|latino|hispanic|other)\b")
# the photo's date given as a premise ("How old will he be in 2030 if this photo is from 2017?"): the question is still
# about the person
_PHOTO_DATED = re.compile(r"\b(?:the|this|that)\s+(?:photo|picture|image|shot)\s+(?:is|was)\s+(?:from|taken(?:\s+in)?)\s+"
                          r"(?:\w+\s+)?(?:19|20)\d\d\b", re.I)
_OTHER_SUBJECT = re.compile(r"\b(?:photo|picture|image|shot|camera|building|house|car|dog|cat|background|"
                            r"clothes|shirt|jacket|hair|glasses)(?:'s)?\b(?!\s+of\b)")
_EMOTION_ASK = re.compile(r"\b(?:expression|expressions|emotion|emotions|emotional|emotionally|mood|feel|feels|feeling|"
                          r"happiness|cheerfulness|"  # "Rate their happiness." (got "I can't tell from this photo.")
                          r"feelings|vibe|vibes|demeanou?r|disposition|emojis?|emoticons?)\b|"
                          # ("To what extent is the subject exhibiting positive affect?" got "I can't tell")
                          r"\b(?:facial|emotional|positive|negative|flat|subject's|person's|individual's|her|his|their)\s+"
                          r"affect\b|"
                          # "How does he come across?" (got "I can't tell from this photo.")
                          r"\bcom(?:e|es|ing) across\b|\bwhat impression (?:does|do) .{1,30}? (?:give|make|convey)\b|"
                          # "What does the face convey?" (got "Neutral." of a face described as happy)
                          r"\bwhat (?:does|do) (?:the|his|her|their|this|that) (?:face|look) (?:convey|express|say|tell)\b|"
                          # "How happy does she look, from 1 to 10?" (got "She is 85 years old, so she is a senior.")
                          r"\bhow (?:happy|sad|angry|cheerful|upset|surprised|calm|joyful|glad|grumpy|serious|"
                          r"content|relaxed|tense|nervous|worried)\b|"
                          # "How does the person seem?" (got "She is 56 years old, so she is a senior." of a woman
                          # described as 40 and happy): how they look is the expression, not the age
                          r"^\W*how (?:does|do) (?:he|she|they|(?:the|this|that) (?:person|man|woman|guy|lady|girl|boy|"
                          r"kid|child|baby|individual|subject))\s+(?:seem|look|appear)(?:\s+(?:to you|today|right now|"
                          r"here|in (?:the|this) (?:photo|picture|image)))?\W*$")
# expressions no label states, but a user may offer as an option ("Is she angry or sad?")
UNLABELLED_EXPRESSIONS = (r"angry|mad|furious|annoyed|irritated|scared|afraid|frightened|fearful|disgusted|worried|"
                          r"nervous|anxious|bored")


@lru_cache(maxsize=1)
def _expression_choice() -> re.Pattern:
    """An either/or with an expression on either side of "or" ("Is she happy or sad?", "Is she delighted or
    sad?", which got "Slightly open, with the lips parted." when only a word before "or" counted): the
    labelled expressions' words as :data:`unif2ace.evaluation.attributes._EMOTIONS` reads them, and
    :data:`UNLABELLED_EXPRESSIONS`. An expression after "or" does not count when a smile comes before it ("Is she
    smiling or sad?" asks about the smile)."""
    from unif2ace.evaluation.attributes import _EMOTIONS

    word = "(?:" + "|".join(_EMOTIONS.values()) + rf"|\b(?:{UNLABELLED_EXPRESSIONS})\b)"
    return re.compile(rf"{word}.*\bor\b|^(?!.*\b(?:smile|smiles|smiling|grin|grins|grinning)\b.*\bor\b)"
                      rf".*\bor\s+(?:(?:a|an|more|very|rather|kind of|a bit)\s+)?{word}")


_LIGHTING_ASK = re.compile(r"\b(?:lighting|lit|illumination|illuminated|exposure|exposed|brightness)\b|"
                           # how bright the photo is ("Is it bright or dark?" got "Straight toward the camera.")
                           r"^(?!.*\b(?:skin|skinned|complexion|hair|eyes?|shirt|clothes|top|background)\b)"
                           r".*\b(?:bright or dark|dark or bright|light or dark|dark or light)\s*[.?!]*$|"
                           r"\b(?:it|photo|photograph|picture|image|pic|shot)\s+(?:is\s+|looks?\s+)?(?:too\s+)?(?:dark|bright)\b|"
                           # "How bright is the photo?" (got "He is 56 years old, so he is a senior.")
                           r"\bhow\s+(?:bright|dark|well[- ]lit)\s+(?:is|are)\s+(?:the|this|that|your|it)\b")
_PHOTO_WORD = r"(?:photo|photograph|picture|image|pic|shot|snapshot|portrait)"
# "How clear is this picture?" (got "He is 56 years old, so he is a senior."): how clear the photo is, said of the
# photo, not whether something is clear from it ("Is it clear from the photo whether she smiles?") nor of anything
# else ("a brief, clear account of the picture")
_CLEAR = r"(?:clear|clearer|unclear|crisp|fuzzy|hazy)"
_SHARPNESS_ASK = re.compile(rf"\b(?:sharp|sharpness|blurry|blurred|blur|focus|focused)\b|\b{_CLEAR}\s+{_PHOTO_WORD}\b|"
                            rf"\b{_PHOTO_WORD}\s+(?:is\s+|looks\s+|seems\s+)?(?:very\s+|quite\s+)?{_CLEAR}\b"
                            r"(?!\s+(?:from|whether|if|that)\b)|"
                            rf"\bhow\s+{_CLEAR}\s+(?:is\s+|are\s+)?(?:the\s+|this\s+|that\s+|your\s+)?{_PHOTO_WORD}\b")
_MOUTH_ASK = re.compile(r"\b(?:mouth|lips)\b")
# which way the head or face is turned ("Which direction is the face pointing?" got "A man.")
_POSE_ASK = re.compile(r"\b(?:which way|what direction|which direction|head pose|pose|facing|turned|up or down|"
                       # "What's the position of her head?" (got "I can't tell from this photo.")
                       r"(?:position|orientation|angle|direction) of (?:(?:his|her|their|the|this|that)\s+)?(?:person's\s+)?"
                       r"(?:head|face)|(?:head|face)(?:'s)? (?:position|orientation|angle|direction)|"
                       r"where is (?:he|she|they|the person|this person) looking|"
                       # "What's she looking at?" (got "She is smiling.")
                       r"what(?:'s| is| are) (?:he|she|they|the person|this person|the \w+) (?:looking|staring|gazing) at|"
                       # "Is he looking at the camera or away?" (got "He is smiling.")
                       r"(?:camera|lens|me|us|you) or (?:away|not|elsewhere|somewhere else|to the side|sideways)|"
                       r"away or (?:at|into|toward|towards) (?:the )?(?:camera|lens|me|us|you))\b")
# the photo's colour asked as a choice ("Colour or B&W?" got "Closed.", "Is the photo in colour or black and white?"
# "Straight toward the camera."; not the colour of the eyes or hair, which no label states)
_GREY = r"(?:black[- ]and[- ]white|black & white|b&w|b/w|gr[ae]y[- ]?scale|monochrome|monochromatic)"
_COLOR_ASK = re.compile(rf"\bcolou?r(?:ed|ful)?\b.*\bor\b.*\b{_GREY}(?!\w)|\b{_GREY}(?!\w).*\bor\b.*\bcolou?r(?:ed|ful)?\b|"
                        r"^\W*(?:and\s+|what about\s+)?(?:the\s+)?(?:photo'?s?\s+)?colou?r\s*\?|"
                        # "What color is the photo?" (got "I can't tell from this photo.")
                        r"^\W*what colou?r is (?:the|this|that) (?:photo|picture|image|pic|shot|photograph)\s*[?.!]*$")
ASKED_ATTRIBUTES = ("gender", "age_group", "smile", "ethnicity", "eyes", "emotion", "lighting", "sharpness", "mouth",
                    "head_pose", "color")


# "… or not?", "… or what?" after a value ("Is this a man or what?" got "Slightly open, with the lips parted.")
_OR_NOT = re.compile(r"\s+or (?:not|what|no)\s*[?.!]*$")
_PERSON_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|hers|they|them|their)\b")


def asked_attribute(question: str) -> str | None:
    """The one attribute of :data:`ASKED_ATTRIBUTES` an open (not yes/no) question asks for ("Guy or
    gal?" → gender, "How old?" → age group, "Is she smiling or not?" → smile, "What's her ethnic
    background?" → ethnicity, "What about her eyes?" → eyes, open or closed, not their colour; "How is
    she feeling?" → emotion; "What is the lighting like?" → lighting; "Sharp or blurry?" → sharpness;
    "Is her mouth open or closed?" → mouth; "Which direction is the face pointing?" → head_pose);
    None for a yes/no question, a question about none or several of them, or about the age of something
    else."""
    found = asked_attributes(question)
    return found[0] if len(found) == 1 else None  # neither, or several ("age and gender?")


def asked_attributes(question: str) -> list[str]:
    """Every attribute of :data:`ASKED_ATTRIBUTES` an open question asks for ("Is the person male or
    female, and how old?" → gender and age group), as :func:`asked_attribute` reads them, the gender first
    and the others in the question's order; empty for a yes/no question."""
    if is_yes_no(question):
        return []
    q = _core(question)
    hits = [(name, hit) for name, hit in (("gender", _GENDER_ASK.search(q) or _GENDER_CHOICE.search(q)),
                                          ("age_group", _AGE_ASK.search(q) or _AGE_CHOICE.search(q) or two_ages(q)),
                                          ("smile", _SMILE_ASK.search(q)), ("ethnicity", _ETHNICITY_ASK.search(q)),
                                          ("eyes", None if _NOT_EYES_OPEN.search(q) else _EYES_ASK.search(q)),
                                          ("emotion", _EMOTION_ASK.search(q) or _expression_choice().search(q)), ("lighting", _LIGHTING_ASK.search(q)),
                                          ("sharpness", _SHARPNESS_ASK.search(q)), ("mouth", _MOUTH_ASK.search(q)),
                                          ("head_pose", _POSE_ASK.search(q)), ("color", _COLOR_ASK.search(q))) if hit]
    # the gender first (an answer says who the person is before the rest), the others in the order the question
    # asks them ("What is her mood and age?": the mood, then the age)
    found = [name for name, hit in sorted(hits, key=lambda h: (h[0] != "gender", h[1].start()))]
    if not found and (m := _OR_NOT.search(q)):  # "Is this a man or not?": the attribute of the value it names
        from unif2ace.evaluation.attributes import parse_attribute

        named = _PERSON_PRONOUN.sub(" ", q[:m.start()])  # a pronoun names no gender here
        found = [a for a in ("gender", "age_group", "smile", "emotion") if parse_attribute(named, a) is not None][:1]
    # (an age in dog years is still the person's: "How old is she in dog years?")
    if "age_group" in found and re.search(r"\b(?:how old|what age|age of|the age|decade)\b", q) and _OTHER_SUBJECT.search(
            _PHOTO_DATED.sub(" ", re.sub(r"\b(?:in|from) (?:the|this) (?:photo|picture|image|shot)\b|\bin dog[- ]?years?\b",
                                         " ", q))):
        found.remove("age_group")  # "How old is the photo?", "What's the age of the car?"
    return found


# a message that asks two or more questions at once ("Is this a woman? Is she over 50?", "Is she smiling, and is
# she wearing glasses?", "Is this a woman; is she smiling?"): each part answered on its own, since the model
# answers one question per turn (it answered one of them: "Is this a woman? Is she over 50?" got "No. She looks
# about 20 years old.")
_AFTER_QUESTION = re.compile(r"(?<=\?)\s+(?=\S)")
_JOINED = re.compile(rf"\s*(?:;\s*(?:and\s+|also\s+|plus\s+)?|,\s*(?:and|also|plus)\s+(?:also\s+)?|\s+and\s+(?:also\s+)?)"
                     rf"(?=(?:{_AUX}|am)\s+(?:he|she|they|it|this|that|there|the|his|her|their|you|i|we)\b|"
                     r"(?:what|what's|how|which|who|when|where|why)\b)", re.I)
_WHOLE_QUESTION = re.compile(rf"^(?:{_AUX}|am|what|what's|how|which|who|where|when|why)\s+\S")


def split_questions(message: str) -> list[str]:
    """The questions a message asks, each as a question of its own: ``[message]`` unless it joins two or more
    whole questions (each starts with an auxiliary verb or a wh-word after any lead-in, has at least three
    words, or two for a wh-question: "How old?"), at least one of them yes/no or about the photo file
    (``constraints.asks_photo_file``: "When was this photo taken, and how old is he?"), after a "?", a ";" or an
    "and" that starts the next one ("Is she smiling, and is she wearing glasses?" → "Is she smiling?", "is
    she wearing glasses?"). Fragments ("Man? Woman?"), tags ("Smiling, is she?") and choices ("Is she a
    senior, or is she middle-aged?") stay one question, as do open questions about several attributes
    ("Man or woman? How old?"), which are answered together (``constraints.grounded_answer``)."""
    def whole(part: str) -> bool:
        core = _core(part)
        return bool(_WHOLE_QUESTION.match(core)) and len(core.split()) >= (2 if _WH.match(core) else 3)

    parts = []
    for chunk in _AFTER_QUESTION.split(message.strip()):
        start = 0
        for m in _JOINED.finditer(chunk):  # a joiner after a lead-in ("Ok, and is he …") splits nothing
            if whole(head := chunk[start:m.start()].rstrip(" ,;") + "?"):
                parts.append(head)
                start = m.end()
        parts.append(chunk[start:].strip())
    parts = [p if p.endswith("?") else p.rstrip(" ,;") + "?" for p in parts]
    if len(parts) < 2 or not all(whole(p) for p in parts):
        return [message]
    from unif2ace.generation.constraints import asks_photo_file

    # (and a question about the photo file, which the face does not answer: "When was this photo taken, and how old is
    # he?" got "It is about 7 years old: …", the photo's age)
    return parts if any(is_yes_no(as_meant(p)) or asks_photo_file(p) for p in parts) else [message]


# ----------------------------------------------------------------------------- filling in
@dataclass
class Person:
    he: str
    his: str
    him: str
    plural: bool

    @classmethod
    def of(cls, attrs: dict[str, Any]) -> Person:
        g = attrs.get("gender")
        if g == "male":
            return cls("he", "his", "him", False)
        if g == "female":
            return cls("she", "her", "her", False)
        return cls("they", "their", "them", True)

    def fill(self, template: str, **extra: str) -> str:
        text = template.format(he=self.he, his=self.his, him=self.him, be="are" if self.plural else "is",
                               does="do" if self.plural else "does", **extra)
        return text[0].upper() + text[1:]

    def be(self) -> str:
        return "are" if self.plural else "is"

    def looks(self) -> str:
        return "look" if self.plural else "looks"

    def looks_about(self, years: float) -> str:
        """"she looks about 45 years old" ("less than a year old" under one)."""
        return f"{self.he} {self.looks()} {years_old(years) if years < 1 else f'about {years_old(round(years))}'}"

    def cap(self) -> str:
        return self.he.capitalize()


ETHNICITY_WORD = {"Indian": "South Asian"}  # the label's value (the parser's for "South Asian") as answers say it


def _gender_word(attrs: dict[str, Any]) -> str:
    young = attrs.get("age_group") in ("child", "teen")
    return {("male", False): "a man", ("female", False): "a woman", ("male", True): "a boy",
            ("female", True): "a girl"}[(attrs["gender"], young)]


def _yes_no(rng: random.Random, truth: bool, rest: str) -> str:
    word = "Yes" if truth else "No"
    return rng.choice([f"{word}, {rest}", f"{word}. {rest[0].upper()}{rest[1:]}"])


def open_answer(attr: str, attrs: dict[str, Any], rng: random.Random, question: str = "",
                sentence: bool = False) -> str:
    """The answer to an open question about ``attr`` (only labelled values are stated). ``sentence``: a
    whole sentence about the person, never a terse form ("She looks happy.", not "Happy."), for an answer
    that joins several ("This is a girl. She is 13 years old, so she is a teenager. She looks happy.")."""
    p = Person.of(attrs)
    if sentence and attr == "ethnicity":
        return f"{p.cap()} {p.be()} {ETHNICITY_WORD.get(attrs['ethnicity'], attrs['ethnicity'])}."
    if sentence and attr == "gender":
        return f"This is {_gender_word(attrs)}."
    if sentence and attr == "emotion":
        return f"{p.cap()} {p.looks()} {EMOTION_ADJ[attrs['emotion']]}."
    if attr == "gender":
        w = _gender_word(attrs)
        terse = question.split()[0].lower() in ("male", "gender?", "guy")
        if terse:
            return rng.choice([f"{'Male' if attrs['gender'] == 'male' else 'Female'}.", f"{w[2:].capitalize()}."])
        return rng.choice([f"This is {w}.", f"{w.capitalize()}.", f"It is {w}."])
    if attr == "age_group":
        group, age = attrs["age_group"], attrs.get("age")
        g = GROUP_NOUN[group]
        if isinstance(age, (int, float)):
            years = years_old(age)
            if sentence:
                return f"{p.cap()} {p.be()} {years}, so {p.he} {p.be()} {g}."
            return rng.choice([f"{p.cap()} {p.be()} {years}, so {p.he} {p.be()} {g}.",
                               f"{years[0].upper()}{years[1:]}: {g}."])
        return f"{p.cap()} {'look' if p.plural else 'looks'} like {g} (roughly {AGE_RANGES[group]} years)."
    if attr == "smile":
        return f"{p.cap()} {p.be()} {'smiling' if attrs['smile'] else 'not smiling'}."
    if attr == "emotion":
        adj = EMOTION_ADJ[attrs["emotion"]]
        return rng.choice([f"{p.cap()} {'look' if p.plural else 'looks'} {adj}.", f"{adj.capitalize()}."])
    if attr == "mouth":
        return {"closed": "Closed.", "slightly open": "Slightly open, with the lips parted.",
                "wide open": "Wide open."}[attrs["mouth"]]
    if attr == "head_pose":
        pose = attrs["head_pose"]
        if pose == "frontal":
            return "Straight toward the camera."
        return f"{'Slightly t' if pose.startswith('slightly') else 'T'}oward the {pose.rsplit(' ', 1)[-1]} side of the image."
    if attr == "color":
        return "In color." if attrs["color"] == "color" else "Black and white."
    if attr == "ethnicity":
        return ETHNICITY_WORD.get(attrs["ethnicity"], attrs["ethnicity"]) + "."
    if attr == "eyes":  # asked by users ("What about her eyes?"), not by the training data
        return f"{p.his.capitalize()} eyes are {attrs['eyes']}."
    if attr == "lighting":  # likewise
        return f"The lighting is {attrs['lighting']}."
    if attr == "sharpness":
        return f"The photo is {attrs['sharpness']}."
    raise ValueError(f"no open answer for attribute {attr!r}")


def _polar_values(attr: str, attrs: dict[str, Any]) -> list[Any]:
    """The values a yes/no question about ``attr`` may ask (the labelled one among them)."""
    if attr == "gender":
        return ["female", "male"]
    if attr == "age_group":
        return list(AGE_RANGES)
    if attr == "emotion":
        return list(EMOTION_ADJ)
    if attr in ("smile",):
        return [True, False]
    if attr == "color":
        return ["color", "black and white"]
    if attr == "head_pose":
        return ["frontal"]
    if attr == "mouth":
        return ["wide open"]
    return []


def _polar_key(attr: str, value: Any, attrs: dict[str, Any]) -> tuple[str, Any]:
    if attr == "gender":
        young = attrs.get("age_group") in ("child", "teen")
        return ("gender", f"{value}-young" if young else value)
    if attr in ("age_group", "emotion"):
        return (attr, "*")
    return (attr, value)


def polar_question(attr: str, attrs: dict[str, Any], truth: bool, rng: random.Random,
                   split: str = "train", composed_share: float = 0.0) -> tuple[str, str, bool] | None:
    """(question, answer, premise is true) of a yes/no question about a labelled ``attr``; a false
    premise asks about another value. None when no template of ``split`` fits. ``composed_share``
    (training split only): how often the template comes from the composed ones."""
    actual = attrs.get(attr)
    values = _polar_values(attr, attrs)
    if actual is None or not values:
        return None
    if attr in ("head_pose", "mouth"):
        truth = actual == values[0]  # only one askable value: its truth is the label's
        asked = values[0]
    elif truth:
        asked = actual
    else:
        others = [v for v in values if v != actual]
        if not others:
            return None
        asked = rng.choice(others)
    key = _polar_key(attr, asked, attrs)
    if split == "train" and composed_share > 0:
        templates = _train_pool(POLAR.get(key, []), ("polar", *key), rng, composed_share)
    else:
        templates = split_templates(POLAR.get(key, []), split)
    if not templates:
        return None
    p = Person.of(attrs)
    extra = {}
    if attr == "age_group":
        extra["group"] = GROUP_NOUN[asked]
    if attr == "emotion":
        extra["adj"] = EMOTION_ADJ[asked]
    q = p.fill(rng.choice(templates), **extra)
    rest = _polar_rest(attr, attrs, asked, truth, p)
    return q, _yes_no(rng, truth, rest), truth


def same_value(attr: str, stated: Any, asked: Any) -> bool:
    """Whether a stated value is the asked one: equal; for a mouth asked "open", any but closed; for a
    head asked "away" (from the camera), any pose but frontal; for lighting asked "good", any but dim; a
    South Asian person is Asian, an East Asian one only when labelled Asian; a happy or neutral expression is
    :data:`AT_EASE`."""
    if stated is None:
        return False
    if (attr, asked) == ("emotion", AT_EASE):
        return stated in ("happy", "neutral")
    return stated == asked or (attr, asked) in (("mouth", "open"), ("head_pose", "away"), ("lighting", "good")) and \
        stated not in ("closed", "frontal", "dim") or (attr, asked, stated) in (("ethnicity", "Asian", "Indian"),
                                                                                 ("ethnicity", "East Asian", "Asian"))


def polar_answer(attr: str, attrs: dict[str, Any], asked: Any, rng: random.Random) -> str:
    """The training data's answer to a yes/no question asking whether ``attr`` is ``asked`` of a person
    with ``attrs``: "Yes, she is smiling.", "No, this is a woman, not a man."."""
    truth = same_value(attr, attrs[attr], asked)
    return _yes_no(rng, truth, _polar_rest(attr, attrs, asked, truth, Person.of(attrs)))


def polar_age_answer(attrs: dict[str, Any], years: float, truth: bool, rng: random.Random) -> str:
    """The answer to a yes/no question about an age bound ("Is she over 60?") for a person who looks
    ``years`` old: "No, she looks about 45 years old."."""
    return _yes_no(rng, truth, f"{Person.of(attrs).looks_about(years)}.")


def _polar_rest(attr: str, attrs: dict[str, Any], asked: Any, truth: bool, p: Person) -> str:
    actual = attrs[attr]
    # a false premise names what was asked ("not a man"): the rest of the answer then depends on the
    # question as well as the photo, so the whole-answer yes/no choice can weigh the photo in
    if attr == "gender":
        return f"this is {_gender_word(attrs)}." if truth else \
            f"this is {_gender_word(attrs)}, not {_gender_word({**attrs, 'gender': asked})}."
    if attr == "age_group":
        g = GROUP_NOUN[actual]
        return f"{p.he} {p.be()} {g}." if truth else f"{p.he} {p.be()} {g}, not {GROUP_NOUN[asked]}."
    if attr == "smile":
        return f"{p.he} {p.be()} {'smiling' if actual else 'not smiling'}."
    if attr == "emotion":
        adj = EMOTION_ADJ[actual]
        return f"{p.he} {'look' if p.plural else 'looks'} {adj}" + ("." if truth else f", not {EMOTION_ADJ.get(asked, asked)}.")
    if attr == "color":
        return "it is in color." if actual == "color" else "it is black-and-white."
    if attr == "eyes":
        return f"{p.his} eyes are {actual}."
    if attr == "head_pose":
        if actual == "frontal":
            return f"{p.he} {'face' if p.plural else 'faces'} the camera."
        if actual == "away":  # a pose known only to be not frontal (a bare "No" to "Facing the camera?")
            return f"{p.he} {'look' if p.plural else 'looks'} away from the camera."
        return f"{p.his} head is turned {actual.replace('turned ', '')}."
    if attr == "mouth":
        return f"{p.his} mouth is {actual}."
    if attr == "sharpness":  # asked by users, not by the training data (its captions state it)
        return f"the photo is {actual}."
    if attr == "head_tilt":  # likewise
        return f"{p.his} head is {actual}."
    if attr == "lighting":  # likewise
        return f"the lighting is {actual}."
    if attr == "ethnicity":  # likewise
        said = {"Indian": "South Asian"}.get(actual, actual)
        return f"{p.he} {p.be()} {said}." if truth else f"{p.he} {p.be()} {said}, not {ETHNICITY_WORD.get(asked, asked)}."
    raise ValueError(attr)


def off_topic(attrs: dict[str, Any], truth: bool, rng: random.Random, split: str = "train",
              composed_share: float = 0.0) -> tuple[str, str, bool]:
    """An "is this a …?" question: false premise → "No, it is a photo of a person." (the noun when
    gender is labelled), true premise → "Yes, …"."""
    hand = OFF_TOPIC_TRUE if truth else OFF_TOPIC_FALSE
    pool = (_train_pool(hand, ("off-topic", truth), rng, composed_share) if split == "train" and composed_share > 0
            else split_templates(hand, split))
    noun = _gender_word(attrs) if attrs.get("gender") in ("male", "female") else "a person"
    subject = rng.choice(["a person", noun])
    return rng.choice(pool), _yes_no(rng, truth, f"it is a photo of {subject}."), truth


def cant_tell(attrs: dict[str, Any], rng: random.Random, split: str = "train",
              composed_share: float = 0.0) -> tuple[str, str]:
    p = Person.of(attrs)
    pool = (_train_pool(CANT_TELL_QUESTIONS, ("cant-tell",), rng, composed_share)
            if split == "train" and composed_share > 0 else split_templates(CANT_TELL_QUESTIONS, split))
    return p.fill(rng.choice(pool)), rng.choice(CANT_TELL)


OPEN_ATTRS = ("gender", "age_group", "smile", "emotion", "mouth", "head_pose", "color", "ethnicity")
POLAR_ATTRS = ("gender", "age_group", "smile", "emotion", "color", "head_pose", "mouth")


def _usable(attr: str, attrs: dict[str, Any]) -> bool:
    v = attrs.get(attr)
    if v is None:
        return False
    if attr == "emotion":
        return v in EMOTION_ADJ
    if attr == "gender":
        return v in ("male", "female")
    if attr == "age_group":
        return v in AGE_RANGES
    return True


def write_questions(attrs: dict[str, Any], seed: int | str = 0, n_open: int = 5, n_polar: int = 4,
                    composed_share: float = COMPOSED_SHARE) -> list[QATurn]:
    """Extra QA turns of training wordings for one record (``attrs``: its stated labels).

    ``n_open`` open questions on distinct attributes (gender and age group first when labelled),
    ``n_polar`` yes/no questions (premises alternate true/false from a random start), one off-topic
    question, one "I can't tell" question and one two-turn conversation (its second turn has kind
    ``follow-up``). Deterministic in ``seed``. A ``composed_share`` of the open, yes/no, off-topic and
    "I can't tell" questions use composed templates (:mod:`unif2ace.data.wordings`; 0: the 231
    hand-written wordings alone, as stage 9 was trained).
    """
    rng = random.Random(seed_of(f"questions:{seed}") if isinstance(seed, str) else seed + 7)
    p = Person.of(attrs)
    out: list[QATurn] = []
    usable = [a for a in OPEN_ATTRS if _usable(a, attrs)]
    first = [a for a in ("gender", "age_group") if a in usable]
    rest = [a for a in usable if a not in first]
    rng.shuffle(rest)
    for a in (first + rest)[:n_open]:
        q = p.fill(rng.choice(_train_pool(OPEN[a], ("open", a), rng, composed_share)))
        out.append(QATurn(q, open_answer(a, attrs, rng, q), "open"))
    # distinct attributes; head pose and mouth (one askable value, so no premise balance) rarely
    polar = [a for a in POLAR_ATTRS if _usable(a, attrs) and (a not in ("head_pose", "mouth") or rng.random() < 0.2)]
    truth = rng.random() < 0.5
    for a in rng.sample(polar, min(n_polar, len(polar))):
        got = polar_question(a, attrs, truth, rng, composed_share=composed_share)
        if got is not None:
            out.append(QATurn(got[0], got[1], "yes/no"))
            truth = not got[2]  # balance what was actually asked (head pose / mouth fix their truth)
    q, a, _ = off_topic(attrs, rng.random() < 0.5, rng, composed_share=composed_share)
    out.append(QATurn(q, a, "off-topic"))
    q, a = cant_tell(attrs, rng, composed_share=composed_share)
    out.append(QATurn(q, a, "cant-tell"))
    chain = [a for a in FOLLOW_UPS if _usable(a, attrs)]
    if len(chain) >= 2:
        a1, a2 = rng.sample(chain, 2)
        q1 = p.fill(rng.choice(split_templates(OPEN[a1], "train")))
        out.append(QATurn(q1, open_answer(a1, attrs, rng, q1), "open"))
        q2 = p.fill(rng.choice(split_templates(FOLLOW_UPS[a2], "train")))
        out.append(QATurn(q2, open_answer(a2, attrs, rng, q2), "follow-up"))
    return out


# ----------------------------------------------------------------------------- evaluation items
@dataclass
class EvalQuestion:
    """One question asked of a test photo, with what a correct answer must say."""

    question: str
    answer: str  # a reference answer in the training style
    attribute: str | None  # the attribute scored (None: off-topic / can't tell)
    kind: str  # open | yes/no | off-topic | cant-tell | age-3way
    split: str  # train | held-out (the template's)
    premise: bool | None = None  # yes/no: is the premise true


EVAL_OPEN = ("gender", "age_group", "smile")  # emotion labels are the least reliable (docs/data.md)


def eval_questions(attrs: dict[str, Any], seed: int | str) -> list[EvalQuestion]:
    """The questions asked of one test photo: for each of :data:`EVAL_OPEN` one training and one
    held-out wording (age group three ways in all, for consistency); per template split a true- and
    a false-premise yes/no question; one off-topic question per split (false premise); one
    "I can't tell" question (held-out wording)."""
    rng = random.Random(seed_of(f"eval-questions:{seed}"))
    p = Person.of(attrs)
    out: list[EvalQuestion] = []
    for a in EVAL_OPEN:
        if not _usable(a, attrs):
            continue
        for split in ("train", "held-out"):
            pool = split_templates(OPEN[a], split)
            n = 2 if (a == "age_group" and split == "held-out") else 1
            for t in rng.sample(pool, min(n, len(pool))):
                q = p.fill(t)
                kind = "age-3way" if a == "age_group" else "open"
                out.append(EvalQuestion(q, open_answer(a, attrs, rng, q), a, kind, split))
    polar = [a for a in ("gender", "age_group", "smile", "emotion") if _usable(a, attrs)]
    for split in ("train", "held-out"):
        for truth in (True, False):
            for _ in range(4):  # an attribute whose split has no template for the asked value: try another
                a = rng.choice(polar) if polar else None
                got = polar_question(a, attrs, truth, rng, split) if a else None
                if got is not None and got[2] == truth:
                    out.append(EvalQuestion(got[0], got[1], a, "yes/no", split, truth))
                    break
        q, ans, _ = off_topic(attrs, False, rng, split)
        out.append(EvalQuestion(q, ans, None, "off-topic", split, False))
    q, ans = cant_tell(attrs, rng, "held-out")
    out.append(EvalQuestion(q, ans, None, "cant-tell", "held-out"))
    return out


def says_cant_tell(answer: str) -> bool:
    a = answer.lower().replace("’", "'")
    return bool(re.search(r"\b(?:can't|cannot|can not|unable to) tell\b|\bnot possible to tell\b", a))

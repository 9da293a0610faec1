"""Template captions with varied wording that state only confident labels (DESIGN §7).

``write_caption(attrs, seed)`` takes ``{name: value}`` of labels already filtered by confidence
(``FaceRecord.confident``) and returns a multi-sentence description. Wording is drawn with a seeded
RNG (seeded by the record id in the builder), so a dataset rebuild gives the same text.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from typing import Any


def seed_of(key: str) -> int:
    return zlib.crc32(key.encode())


@dataclass
class Subject:
    """How to refer to the person: noun phrase, pronouns and verb agreement."""

    noun: str  # "woman", "little girl", "person"
    he: str  # he / she / they
    his: str  # his / her / their
    plural: bool = False

    def be(self) -> str:
        return "are" if self.plural else "is"

    def has(self) -> str:
        return "have" if self.plural else "has"

    def verb(self, v: str) -> str:
        """Third-person form of ``v`` for this subject ("wear" → "wears" unless they)."""
        return v if self.plural else (v + "es" if v.endswith(("s", "sh", "ch")) else v + "s")

    def cap(self) -> str:
        return self.he.capitalize()


_NOUNS = {
    ("child", "male"): ["boy", "little boy", "young boy"],
    ("child", "female"): ["girl", "little girl", "young girl"],
    ("child", None): ["child", "young child"],
    ("teen", "male"): ["teenage boy", "teenager"],
    ("teen", "female"): ["teenage girl", "teenager"],
    ("teen", None): ["teenager"],
    ("young adult", "male"): ["young man", "man"],
    ("young adult", "female"): ["young woman", "woman"],
    ("middle-aged", "male"): ["middle-aged man", "man"],
    ("middle-aged", "female"): ["middle-aged woman", "woman"],
    ("senior", "male"): ["elderly man", "older man", "senior man"],
    ("senior", "female"): ["elderly woman", "older woman", "senior woman"],
    (None, "male"): ["man", "male person"],
    (None, "female"): ["woman", "female person"],
}


_PLAIN_NEUTRAL = {"young adult": "young adult", "middle-aged": "middle-aged person", "senior": "elderly person"}


# The gender a person noun names ("a grandma", "the guy"), for reading prompts and questions
NOUN_GENDER = {**dict.fromkeys("man gentleman guy grandfather grandpa granddad dad father husband boy".split(), "male"),
               **dict.fromkeys("woman lady grandmother grandma granny mom mum mother wife girl".split(), "female")}


def plain_noun(group: str | None, gender: str | None) -> str:
    """The plainest subject noun for an age group and gender ("elderly woman", "teenager", "man", "person")."""
    nouns = _NOUNS.get((group, gender))
    if nouns:
        return nouns[0]
    return _PLAIN_NEUTRAL.get(group) or _NOUNS.get((None, gender), ["person"])[0]


def subject_of(attrs: dict[str, Any], rng: random.Random) -> Subject:
    gender = attrs.get("gender")
    group = attrs.get("age_group")
    nouns = _NOUNS.get((group, gender)) or _NOUNS.get((None, gender)) or ["person"]
    noun = rng.choice(nouns)
    if gender == "male":
        return Subject(noun, "he", "his")
    if gender == "female":
        return Subject(noun, "she", "her")
    return Subject(noun, "they", "their", plural=True)


def indefinite_article(word: str) -> str:
    """"a" or "an" before ``word`` ("an 8-year-old", "an 18-year-old", "a White girl")."""
    head = word.split("-")[0].split()[0] if word else ""
    if head.isdigit():  # "an 8-year-old", "an 18-year-old", "an 11-year-old"
        return "an" if head.startswith("8") or head in ("11", "18") else "a"
    return "an" if word[:1].lower() in "aeiou" else "a"


# The decades of life in words ("in her sixties"), read by the answer checks and the contrast prompts alike
# grandparents by every name users give them, as regex alternatives (singular or plural): each names a gender and a
# senior (evaluation.attributes reads both; data.questions offers them as a choice of gender)
GRANDMOTHER_WORDS = r"grandmothers?|grandmas?|grann(?:y|ies)|grandmums?|grandmoms?"
GRANDFATHER_WORDS = r"grandfathers?|grandpas?|grand?dads?|grand?dadd(?:y|ies)|gramps"
# numbers in words (zero to twenty, then the tens), read where users write ages and counts in words
NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
                                                      "seventy": 70, "eighty": 80, "ninety": 90}
DECADE_WORDS = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70,
                "eighties": 80, "nineties": 90}


def years_old(age: float) -> str:
    """An age in words: "less than a year old", "1 year old", "35 years old"."""
    if age < 1:
        return "less than a year old"
    return f"{int(age)} year{'' if int(age) == 1 else 's'} old"


def _intro(attrs: dict[str, Any], subj: Subject, rng: random.Random) -> str:
    eth = attrs.get("ethnicity")
    eth_word = {"Indian": "South Asian"}.get(eth, eth)
    desc = f"{eth_word} {subj.noun}" if eth_word else subj.noun
    age = attrs.get("age")
    if isinstance(age, (int, float)) and age >= 1:
        age_phrase = rng.choice(
            [f"{int(age)}-year-old {desc}", f"{desc} who is {years_old(age)}", f"{desc}, aged {int(age)}"]
        )
    elif age is not None and age < 1:
        age_phrase = f"{desc} under one year old"
    else:
        age_phrase = desc
    kind = rng.choice(["close-up portrait", "tightly cropped face photo", "close-up photo", "portrait photo", "headshot"])
    lead = rng.choice(
        [
            f"This is {indefinite_article(kind)} {kind} of {indefinite_article(age_phrase)} {age_phrase}.",
            f"The image shows {indefinite_article(kind)} {kind} of {indefinite_article(age_phrase)} {age_phrase}.",
            f"{indefinite_article(kind).capitalize()} {kind} of {indefinite_article(age_phrase)} {age_phrase}.",
            f"The photo is {indefinite_article(kind)} {kind}; it shows {indefinite_article(age_phrase)} {age_phrase}.",
        ]
    )
    return lead


def _expression(attrs: dict[str, Any], subj: Subject, rng: random.Random) -> list[str]:
    out = []
    emo, smile, mouth = attrs.get("emotion"), attrs.get("smile"), attrs.get("mouth")
    emo_adj = {"happy": "happy", "neutral": "neutral", "sad": "sad", "surprise": "surprised"}.get(emo)
    if emo_adj:
        out.append(
            rng.choice(
                [
                    f"{subj.his.capitalize()} facial expression looks {emo_adj}.",
                    f"{subj.cap()} {subj.has()} {indefinite_article(emo_adj)} {emo_adj} expression.",
                    f"The expression on {subj.his} face reads as {emo_adj}.",
                ]
            )
        )
    if smile is True:
        s = rng.choice([f"{subj.cap()} {subj.be()} smiling", f"{subj.cap()} {subj.be()} clearly smiling", f"There is a smile on {subj.his} face"])
    elif smile is False:
        s = rng.choice([f"{subj.cap()} {subj.be()} not smiling", f"There is no smile on {subj.his} face"])
    else:
        s = ""
    m = {
        "closed": rng.choice(["mouth closed", "lips closed", "mouth shut"]),
        "slightly open": rng.choice(["lips slightly parted", "mouth slightly open"]),
        "wide open": rng.choice(["mouth wide open", "mouth opened wide"]),
    }.get(mouth)
    if s and m:
        out.append(f"{s}, with {subj.his} {m}.")
    elif s:
        out.append(s + ".")
    elif m:
        out.append(f"{subj.cap()} {subj.has()} {subj.his} {m}.")
    return out


def _eyes_pose(attrs: dict[str, Any], subj: Subject, rng: random.Random) -> list[str]:
    out = []
    eyes, pose, tilt = attrs.get("eyes"), attrs.get("head_pose"), attrs.get("head_tilt")
    if eyes == "open":
        out.append(rng.choice([f"{subj.his.capitalize()} eyes are open.", f"Both of {subj.his} eyes are open."]))
    elif eyes == "narrowed":
        out.append(rng.choice([f"{subj.his.capitalize()} eyes are narrowed.", f"{subj.cap()} {subj.be()} squinting, eyes narrowed."]))
    if pose:
        if pose == "frontal":
            p = rng.choice([f"{subj.cap()} {subj.verb('face')} the camera", f"{subj.his.capitalize()} face is turned straight toward the camera"])
        else:
            side = pose.rsplit(" ", 1)[-1]
            amount = "slightly " if pose.startswith("slightly") else ""
            p = rng.choice(
                [
                    f"{subj.his.capitalize()} head is turned {amount}toward the {side} side of the frame",
                    f"{subj.cap()} {subj.be()} facing {amount}to the image's {side}",
                ]
            )
        if tilt == "tilted":
            p += rng.choice([", with the head tilted to one side", " and the head is tilted"])
        elif tilt == "upright" and rng.random() < 0.5:
            p += ", with the head held upright"
        out.append(p + ".")
    return out


def _accessories(attrs: dict[str, Any], subj: Subject, rng: random.Random) -> list[str]:
    out = []
    if attrs.get("glasses") is True:
        out.append(rng.choice([f"{subj.cap()} {subj.verb('wear')} glasses.", f"{subj.cap()} {subj.be()} wearing a pair of glasses."]))
    if attrs.get("facial_hair") is True:
        out.append(rng.choice([f"{subj.cap()} {subj.has()} facial hair, a beard or a moustache.",
                               f"{subj.his.capitalize()} face shows a beard or moustache."]))
    return out


def _photo(attrs: dict[str, Any], rng: random.Random) -> list[str]:
    adjs = []  # attributive forms: "a black-and-white, sharp photo"
    color, sharp = attrs.get("color"), attrs.get("sharpness")
    if color == "black and white":
        adjs.append(rng.choice(["black-and-white", "monochrome"]))
    elif color == "color":
        adjs.append(rng.choice(["color", "full-color"]))
    if sharp == "blurry":
        adjs.append(rng.choice(["blurry", "out-of-focus"]))
    elif sharp == "sharp":
        adjs.append(rng.choice(["sharp", "well-focused"]))
    light = {"dim": "dim lighting", "bright": "bright, high-key lighting", "even": "even lighting"}.get(attrs.get("lighting"))
    if adjs:
        desc = ", ".join(adjs)
        noun = rng.choice(["photo", "picture", "image"])
        if light:
            return [rng.choice([f"It is {indefinite_article(desc)} {desc} {noun} with {light}.", f"This is {indefinite_article(desc)} {desc} {noun}, taken in {light}."])]
        return [f"It is {indefinite_article(desc)} {desc} {noun}."]
    return [f"The face is shown in {light}."] if light else []


def write_caption(attrs: dict[str, Any], seed: int | str = 0) -> str:
    """A description stating exactly the labels in ``attrs`` (already filtered by confidence)."""
    rng = random.Random(seed_of(seed) if isinstance(seed, str) else seed)
    subj = subject_of(attrs, rng)
    middle = _expression(attrs, subj, rng) + _eyes_pose(attrs, subj, rng) + _accessories(attrs, subj, rng)
    if len(middle) > 2:  # vary sentence order a little, keeping the intro first and photo last
        head, tail = middle[:1], middle[1:]
        rng.shuffle(tail)
        middle = head + tail
    return " ".join([_intro(attrs, subj, rng), *middle, *_photo(attrs, rng)])

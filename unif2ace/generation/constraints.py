"""Constraints on decoded answers: a yes/no question's answer starts with the model's Yes or No.

:class:`YesNoFirst` is a logits processor for :func:`unif2ace.generation.text.generate_text`: on the
rows it marks, the first answer tokens are restricted to the start of " Yes" / " No" as the training
data writes them (with the bpe-1024 tokenizer: a space token, then ``Yes`` or ``No``), and the
choice between the two is the model's own (the larger logit under greedy decoding, a draw from the
two when sampling). The rest of the answer is decoded as usual, so "No, she is not smiling." keeps
its explanation. Rows without the mark are untouched.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import torch

from unif2ace.data.captions import DECADE_WORDS, NOUN_GENDER, NUMBER_WORDS
from unif2ace.data.labelling.labeller import AGE_GROUPS, age_group
from unif2ace.data.questions import (
    _AUX,
    ASKED_ATTRIBUTES,
    AT_EASE,
    AT_EASE_WORDS,
    CLOTHES,
    GROUP_NOUN,
    MY_AGE,
    SCHOOL_YEAR_ASK,
    TWO_LIFE_STAGES,
    UNLABELLED_EXPRESSIONS,
    same_value,
    two_ages,
)


class YesNoFirst:
    """Restrict the first tokens of the marked rows to " Yes" or " No".

    rows: (B,) bool, True for a yes/no question. ``tokenizer.encode`` gives the token ids of the
    answer text as training wrote it (" " + answer). Tokens shared by both words (the space) are
    forced; at the first token where they differ, only the two are allowed.
    """

    def __init__(self, tokenizer, rows: Sequence[bool] | torch.Tensor, yes: str = " Yes", no: str = " No",
                 force: str | None = None):
        y, n = list(tokenizer.encode(yes)), list(tokenizer.encode(no))
        k = 0
        while k < min(len(y), len(n)) and y[k] == n[k]:
            k += 1
        if k >= min(len(y), len(n)):
            raise ValueError(f"{yes!r} and {no!r} give the same first tokens; cannot choose between them")
        self.prefix = y[:k]  # forced, one per step
        self.choice = (y[k], n[k])  # (yes token, no token): the model picks
        if force not in (None, "yes", "no"):
            raise ValueError(f"force must be None, 'yes' or 'no', got {force!r}")
        self.force = force  # or the word is given: " Yes" or " No" only (AnswerChoice tries both)
        self.rows = torch.as_tensor(rows, dtype=torch.bool)

    @property
    def steps(self) -> int:
        """How many decoding steps are constrained."""
        return len(self.prefix) + 1

    def __call__(self, step: int, logits: torch.Tensor) -> torch.Tensor:
        """logits (B, V) of decoding step ``step`` → logits with the marked rows' other tokens at -inf."""
        if step >= self.steps or not bool(self.rows.any()):
            return logits
        if step < len(self.prefix):
            allowed = [self.prefix[step]]
        else:
            allowed = list(self.choice) if self.force is None else [self.choice[self.force == "no"]]
        keep = torch.full_like(logits, float("-inf"))
        keep[:, allowed] = 0.0
        rows = self.rows.to(logits.device)[:, None]
        return torch.where(rows, logits + keep, logits)


class AnswerLogProb:
    """A logits processor that records, per row, the model's log-probability of the greedy answer it
    wraps (``inner`` constrains the choice; the probabilities are the model's own, before it), up to
    and including ``<|eot|>``. For greedy decoding only: the chosen token is the argmax."""

    def __init__(self, inner, eot: int):
        self.inner, self.eot = inner, eot
        self.total: torch.Tensor | None = None
        self.count: torch.Tensor | None = None  # (B,) tokens summed, the <|eot|> included
        self.done: torch.Tensor | None = None

    @property
    def mean(self) -> torch.Tensor:
        """(B,) the answer's log-probability per token (length-normalised)."""
        return self.total / self.count.clamp(min=1)

    def __call__(self, step: int, logits: torch.Tensor) -> torch.Tensor:
        processed = self.inner(step, logits) if self.inner is not None else logits
        chosen = processed.argmax(-1)
        lp = torch.log_softmax(logits.float(), -1).gather(1, chosen[:, None]).squeeze(1)
        if self.total is None:
            self.total = torch.zeros_like(lp)
            self.count = torch.zeros_like(lp)
            self.done = torch.zeros_like(chosen, dtype=torch.bool)
        self.total = self.total + torch.where(self.done, torch.zeros_like(lp), lp)
        self.count = self.count + (~self.done).to(lp.dtype)
        self.done = self.done | (chosen == self.eot)
        return processed


# Attributes whose value a yes/no question can name ("Is this a man?", "Is this a child?", "Is she
# smiling?", "Is he happy?") and an answer can restate ("No, this is a woman."): the rule set of
# unif2ace.evaluation.attributes reads both.
CHECKED_ATTRIBUTES = ("gender", "age_group", "smile", "emotion", "eyes", "color", "sharpness", "head_tilt", "mouth")
# what grounded_yes_no checks against the description: the open questions' attributes; the
# eyes and the photo's colour, which descriptions state with 98% and 99% precision (docs/inference.md); and
# whether the person faces the camera (yes/no right 79% / 79% of the time on val / test-128 against the
# model's own 63% / 68%: scripts/described_yes_no.py); whether the photo is sharp or
# blurry (37 of 37 such statements right on test), whether the head is tilted (4 of 4), and the mouth ("Is
# the mouth closed?" right 74% / 71% against the model's own 60% / 60%), and the ethnicity ("Is this person
# White / Black / Asian?" right 86.0 / 94.7 / 87.7% on val-128 and 90.7 / 94.1 / 91.5% on test against the model's
# own 61.4 / 14.0 / 36.0% and 59.3 / 5.9 / 39.8%). The expression is judged apart, by _emotion_yes_no: the
# described one decides the question about it
YES_NO_CHECKED = ("gender", "age_group", "smile", "eyes", "color", "head_pose", "sharpness", "head_tilt", "mouth",
                  "lighting", "ethnicity")


_PRONOUNS = re.compile(r"\b(?:she|her|hers|herself|he|his|him|himself)\b", re.I)


def _without_pronouns(question: str) -> str:
    """The question with its subject's pronouns blanked: "Is she smiling?" names no gender."""
    return _PRONOUNS.sub(" ", question)


# ("Is the person looking straight at me?" got "I can't tell from this photo.")
_FACING_YOU = re.compile(r"\b(?:facing|face|faces|(?:look|looks|looking|stare|stares|staring|gaze|gazes|gazing)\s+"
                         r"(?:(?:straight|directly|right|dead)\s+)?(?:at|into|toward|towards)|"
                         # "Is the subject's gaze directed at the viewer?" (got "I can't tell from this photo.")
                         r"(?:gaze|eyes|look)\s+(?:is\s+|are\s+)?(?:directed|pointed|aimed|fixed|turned)\s+"
                         r"(?:(?:straight|directly|right)\s+)?(?:at|to|toward|towards|on))"
                         r"\s+(?:me|you|us|the viewer|the lens|the camera|forward|the front|straight ahead)\b", re.I)


# "Is the person making eye contact?" (got "No. She is not smiling."): facing the camera
_EYE_CONTACT = re.compile(r"\beye[- ]contact\b", re.I)
# "Is the person photographed from the front?", "a head-on shot?": facing the camera
_FROM_FRONT = re.compile(r"\bfrom the front\b|\bhead[- ]on\b|\bface[- ]on\b|\bfront[- ]on\b", re.I)


# "Is the head turned to the left?", "Is she facing right?": a side, read as the descriptions name sides, from
# the image's point of view (it got "Yes. He looks happy." of a boy described as facing the camera)
_SIDE_ASKED = re.compile(r"\b(?:turn|turns|turned|turning|facing|faces|face|look|looks|looking|point|points|pointing|"
                         r"pointed|rotated|angled)\b[^?.!,;]*?\b(left|right)\b", re.I)  # not a tag: "She looks happy, right?"


# "Is the person looking up?", "Is his head tipped down?" (got "I can't tell from this photo."): no label says
# whether a head is raised or lowered, but a face turned to the camera is neither (as "up or down?" is answered);
# not "looking up at the camera", which faces it
_RAISED_ASKED = re.compile(r"\b(?:look|looks|looking|facing|faces|face|tilted|tipped|turned|gazing|staring|glancing)\s+"
                           r"(up|upward|upwards|down|downward|downwards)\b(?!\s+(?:at|into|to|toward|towards)\b)",
                           re.I)


# "Is she looking away?", "Is his head turned to the side?", "Is this a profile shot?": any pose but frontal
# (a head tilted or tipped to the side is a tilt: "Is the person's face tilted to the side?" got "Yes, his eyes are open.")
_AWAY = re.compile(r"\b(?:look|looks|looking|glanc\w+|turn|turns|turned|turning|facing|faces|face|gaz\w+)\s+"
                   r"(?:(?!(?:tilt|tip|lean|cock)\w*\b)\w+\s+)?"
                   r"(?:away|aside|sideways|to the side|toward the side|towards the side)\b|\bin profile\b|\bprofile "
                   r"(?:shot|photo|picture|view)\b|\bside view\b|\bfrom the side\b|"
                   # "Is it a three-quarter view?" (got "No. It is a photo of a person.")
                   r"\bthree[- ]quarters?(?:[- ]view|[- ]profile|[- ]angle)?\b|\b3/4 (?:view|profile|angle)\b|\bhalf[- ]profile\b|"
                   # "Is the head turned?" (got "Yes. He is smiling." of a face turned and of one facing the camera)
                   r"\b(?:head|face)\s+(?:is\s+)?turned\b(?!\s+(?:\w+\s+){0,3}?(?:left|right|up|upwards?|down|"
                   r"downwards?|camera|lens|us|me|you)\b)|"
                   # "Did she turn her head 45 degrees?" (got "No. She is wearing glasses." of a man)
                   r"\bturn(?:s|ed|ing)?\s+(?:his|her|their|the|its)\s+(?:head|face)\b(?!\s+(?:\w+\s+){0,3}?(?:left|right|"
                   r"up|upwards?|down|downwards?|camera|lens|us|me|you)\b)", re.I)
# the lighting a yes/no question asks about, when it speaks of the light ("Is the lighting good?", "Is the
# photo well lit?", "Is it too dark?"): "good" is any but dim
_LIGHT_WORD = r"(?:light|lighting|lit|illuminated|illumination|exposure|exposed)"
_LIGHTING_ASKED = [
    ("dim", re.compile(rf"\b(?:dim|dimly|dark|darkly|low|poor|poorly|bad|badly|under-?exposed)\b(?:\s+\w+)?\s+{_LIGHT_WORD}\b|"
                       rf"\b{_LIGHT_WORD}\s+(?:is\s+)?(?:too\s+|very\s+|a bit\s+)?(?:dim|dimly|dark|darkly|low|poor|poorly|bad|badly)\b|"
                       r"\b(?:too|very|quite|a bit|rather)\s+dark\b|\bunder-?exposed\b|"
                       # "Is it a dark photo?" (got "No. It is a photo of a person.")
                       r"\b(?:dark|dim)\s+(?:photo|picture|image|pic|shot|portrait)\b|"
                       # ("Is the photo dim?" got "No. It is a photo of a person.")
                       r"\b(?:photo|picture|image|pic|shot)\s+(?:is\s+|looks\s+|seems\s+)?(?:too\s+|very\s+|a bit\s+|"
                       r"quite\s+|rather\s+)?(?:dark|dim)\b|"
                       # "Is it dark in this photo?" (got "Yes, it is a photo of a woman."), "Is her face in shadow?"
                       r"\bdark in (?:this|the|that) (?:photo|picture|image|pic|shot)\b|\bin (?:the )?shadows?\b|"
                       r"\bshadowy\b|"
                       # "Is there too little light on my face?"
                       r"\b(?:not enough|too little|insufficient|little|poor)\s+light\b|"
                       # "Is it dark?" (got "I can't tell from this photo.")
                       r"^\W*is it (?:too |very |quite |a bit |rather )?dark\W*$", re.I)),
    ("bright", re.compile(rf"\b(?:bright|brightly|over-?exposed)\b(?:\s+\w+)?\s+{_LIGHT_WORD}\b|"
                          rf"\b{_LIGHT_WORD}\s+(?:is\s+)?(?:too\s+|very\s+)?(?:bright|brightly)\b|\bover-?exposed\b|"
                          # "Is the photo too bright?" (got "I can't tell from this photo.")
                          r"\btoo bright\b|\b(?:photo|picture|image|pic|shot)\s+(?:is\s+|looks\s+|seems\s+)?"
                          r"(?:very\s+)?bright\b", re.I)),
    ("even", re.compile(rf"\b(?:even|evenly|uniform|uniformly|soft|balanced)\b(?:\s+\w+)?\s+{_LIGHT_WORD}\b|"
                        # "Is the lighting soft?" (got "No. He is not smiling."), as "soft lighting" is read
                        rf"\b{_LIGHT_WORD}\s+(?:is\s+)?(?:even|evenly|uniform|uniformly|soft|balanced)\b", re.I)),
    ("good", re.compile(rf"\b(?:well|nicely|properly|good|nice|decent|fine|ok|okay|great)\b(?:\s+\w+)?[\s-]+{_LIGHT_WORD}\b|"
                        rf"\b{_LIGHT_WORD}\s+(?:is\s+)?(?:good|nice|decent|fine|ok|okay|great|alright|all right|well|"
                        r"nicely|properly)\b|"
                        # "Is there enough light on my face?" (got "Yes, your eyes are open.")
                        r"\b(?:enough|sufficient|adequate|plenty of)\s+(?:\w+\s+)?light\b|\b(?:lit|bright)\s+enough\b",
                        re.I)),
]


_NOT_ETHNICITY = re.compile(r"\b(?:background|wall|shirt|top|clothes|clothing|dress|hair|eyes|teeth|light|lighting|"
                            r"photo|picture|image|black[- ]and[- ]white|white balance)\b", re.I)


_EAST_ASIAN = re.compile(r"\beast(?:ern)?[- ]asian\b", re.I)


def _asked_values(question: str) -> dict:
    """{attribute: value} that a yes/no question names as its premise. Gender only from nouns ("a
    man"), never from the subject's pronoun ("Is she smiling?" asks about the smile)."""
    from unif2ace.evaluation.attributes import parse_attribute

    out = {}
    for name in CHECKED_ATTRIBUTES:
        value = parse_attribute(_without_pronouns(question) if name == "gender" else question, name)
        if value is not None:
            out[name] = value
    # "Is she facing the camera?", "Is he looking at me?" (not a side's name: "slightly turned left" is not
    # "turned left")
    if parse_attribute(question, "head_pose") == "frontal" or _FACING_YOU.search(question) or _FROM_FRONT.search(question) \
            or _EYE_CONTACT.search(question):
        out["head_pose"] = "frontal"
    elif _AWAY.search(question):
        out["head_pose"] = "away"
    elif side := _SIDE_ASKED.search(question):
        # "left" or "right" as the image shows it (grounded_yes_no answers it: _side_yes_no); the person's own
        # left ("to his left") is the image's right
        own = re.search(r"\b(?:his|her|their|its)\s+(?:own\s+)?(left|right)\b", question, re.I)
        out["head_pose"] = {"left": "right", "right": "left"}[own[1].lower()] if own else side[1].lower()
    elif raised := _RAISED_ASKED.search(question):
        out["head_pose"] = "up" if raised[1].lower().startswith("up") else "down"  # _side_yes_no answers it
    if "age_group" in out and (rest := _without_subject(question)) is not None:
        # a subject that names one age group, asked about another ("Is this child a teenager?" of a girl described as
        # 10 got "Yes, she is a child.", read as "Is this a child?"): the one asked
        other = parse_attribute(rest, "age_group")
        if other is not None and other != out["age_group"]:
            out["age_group"] = other
    # "Is she Asian?", "Is the person in the photo White?": the person's, not a background's or a shirt's
    person = re.sub(r"\b(?:in|from|of) (?:the|this|that) (?:photo|picture|image|pic|shot)\b", " ", question, flags=re.I)
    if not _NOT_ETHNICITY.search(person) and (ethnicity := parse_attribute(person, "ethnicity", loose=True)):
        # "Is this person East Asian?" of a South Asian woman got "Yes, she is South Asian.": the label's Asian is
        # East Asian, its Indian South Asian, and only a plain "Asian" is both
        out["ethnicity"] = "East Asian" if ethnicity == "Asian" and _EAST_ASIAN.search(person) else ethnicity
    if "emotion" not in out and re.search(r"\b(?:friendly|pleasant|welcoming|approachable|warm|kind|nice|joyous|"
                                          r"good[- ]humou?red|good mood|good spirits|having (?:a )?(?:good|great|nice) "
                                          r"time|having fun|enjoying (?:himself|herself|themselves|themself|it))\b",
                                          question, re.I) \
            and not re.search(r"\b(?:light|lighting|lit|photo|picture|image|colou?rs?|tones?)\b", question, re.I):
        out["emotion"] = "happy"  # "Is the expression friendly?" (got "Yes, she is not smiling.")
    if AT_EASE_WORDS.search(question) and parse_attribute(AT_EASE_WORDS.sub(" ", question), "emotion") is None:
        out["emotion"] = AT_EASE  # "Does he look calm?", "Is she relaxed?" (got "I can't tell from this photo.")
    out.pop("lighting", None)  # read from its own words below ("Is it well lit?" asks no value the captions use)
    if (light := next((value for value, pattern in _LIGHTING_ASKED if pattern.search(question)), None)) is not None:
        out["lighting"] = light
    if "eyes" not in out and (m := re.search(r"\b(open|closed|shut)\s+eyes\b", question, re.I)):
        out["eyes"] = "open" if m[1].lower() == "open" else "closed"  # "Does the child have open eyes?"
    if "eyes" not in out and re.search(r"\b(?:one|an|either|a|the|left|right|his|her|their)\s+eye\s+(?:is\s+)?"
                                       r"(?:closed|shut)\b|\bwink(?:s|ing|ed)?\b", question, re.I):
        out["eyes"] = "closed"  # "Is one eye closed?" (got "No, she is a senior, not a senior.")
    if "eyes" not in out and re.search(r"\beyes?\s+(?:(?:are|is)\s+)?(?:(?:both|all|clearly|fully)\s+)?"
                                       r"(?:visible|showing|seen|to be seen|in view)\b", question, re.I):
        out["eyes"] = "open"  # "Are both eyes visible?" (got "Yes, she is a senior.")
    if "eyes" not in out and re.search(r"\b(?:sleeping|asleep|napping|dozing|blinking|blinks?)\b", question, re.I):
        out["eyes"] = "closed"  # "Is this infant sleeping?", "Is he blinking?": what a photo shows is closed eyes
    if "color" not in out and re.search(r"\b(?:photo|picture|image|shot|pic|it)\s+(?:in\s+)?(?:full[- ])?colou?r(?:ed)?\b",
                                        question, re.I):
        out["color"] = "color"  # "Is the photo color?" ("a color photo" and "in color" are read above)
    if "color" not in out and re.search(r"\bcolou?rful\b", question, re.I):
        out["color"] = "color"  # "Is this picture colourful?" (got "No. It is a photo of a girl.")
    if "mouth" not in out and re.search(r"\bmouth\b", question, re.I) and re.search(r"\bopen\b", question, re.I):
        out["mouth"] = "open"  # "Is her mouth open?": slightly or wide, anything but closed
    return out


# "Is this a cat?", "Is it a picture of a car?", "Does this show a dog?", "Is there a horse in this photo?",
# "Can you see a tree?", "A cat?": what the question says the photo shows. A subject that names a person,
# the photo itself or how it looks is left to the attributes above.
_ARTICLE = r"(?:(?:a|an|the|any|some)\s+)?"
_PHOTO = r"(?:photo|picture|image|shot|drawing)"
_SUBJECT = [re.compile(p + r"(?P<x>[a-z][a-z' -]*?)" + tail, re.I) for p, tail in (
    (rf"^\s*(?:is|was)\s+(?:this|that|it)\s+{_ARTICLE}(?:{_PHOTO}\s+of\s+{_ARTICLE})?", r"\s*[?.!]*\s*$"),
    (rf"^\s*(?:does|did)\s+(?:this|that|it|the)\s+(?:{_PHOTO}\s+)?(?:show|depict|contain|have)\s+{_ARTICLE}",
     r"\s*[?.!]*\s*$"),
    (rf"^\s*(?:is|are)\s+there\s+{_ARTICLE}", rf"(?:\s+in\s+(?:this|the|that)\s+{_PHOTO})?\s*[?.!]*\s*$"),
    (rf"^\s*(?:can|do)\s+you\s+see\s+{_ARTICLE}", rf"(?:\s+in\s+(?:this|the|that)\s+{_PHOTO})?\s*[?.!]*\s*$"),
    (r"^\s*(?:an?)\s+", r"\s*\?+\s*$"),  # a terse "A cat?" (data.questions.is_yes_no)
)]
_PERSON_NOUNS = (r"(?:person|people|human|humans|man|men|woman|women|boy|boys|girl|girls|child|children|kid|kids|"
                 r"baby|infant|toddler|teen|teenager|adult|lady|gentleman|guy|male|female|individual|senior|"
                 r"adolescent|someone|somebody|face|faces|he|she)")
_PERSON_WORDS = rf"\b{_PERSON_NOUNS}\b"
# how hair looks, which no label states ("long hair", "hair turning grey": _UNLABELLED)
_HAIR_LOOK = r"long|short|curly|straight|wavy|dark|light|grey|gray|white|black|brown|red|fair|thin|thick|dyed"
# parts of a face no label states: not another subject ("Can you see both ears?"), and unlabelled (_UNLABELLED)
_FACE_PARTS = r"ears?|nose|chin|cheeks?|eyebrows?|forehead|freckles|moles?|wrinkles|dimples?|teeth|tooth"
# fame, which no photo shows: no subject the photo may show ("Is this a celebrity?") and unlabelled (_UNLABELLED)
_FAME = r"celebrity|celebrities|celeb|famous|public figure|politician|actor|actress|singer|athlete"
_NOT_A_SUBJECT = (r"\b(?:photo|photograph|picture|image|selfie|headshot|portrait|close-?up|shot|snapshot|real|"
                  # an adjective, not a thing shown ("Is that typical for that age?" got "No. It is a photo of a man.")
                  r"typical|atypical|normal|usual|unusual|common|rare|possible|likely|true|right|correct|wrong|fine|"
                  rf"{_FAME}|forced|genuine|"
                  r"okay|ok|enough|accurate|sure|certain|"
                  r"colou?r|black|white|grey|gray|monochrome|blurry|sharp|dark|bright|smiling|happy|sad|young|old|"
                  rf"{_FACE_PARTS})\b")


# what a photo of a face does not show beside it: animals, vehicles, buildings, scenery, food
_ELSEWHERE = (r"\b(?:cats?|kittens?|dogs?|pupp(?:y|ies)|horses?|birds?|fish|animals?|pets?|cows?|sheep|elephants?|lions?|"
              r"tigers?|bears?|teddy bears?|cars?|bus|buses|bicycles?|bikes?|trucks?|trains?|planes?|airplanes?|boats?|"
              r"ships?|houses?|buildings?|trees?|flowers?|landscapes?|mountains?|beach|sea|ocean|food|pizza|maps?|"
              r"cartoons?|cartoon characters?|robots?|monsters?|aliens?|statues?)\b")


def asks_other_subject(question: str) -> bool:
    """Whether a question asks if the photo is or shows an animal, a vehicle, a building, scenery or food ("Is this
    a cat?", "Is there a car in the image?"); not what a face photo may show or be ("Is there a hat in the
    image?", "Do you see a smile?", "Is this a newborn?")."""
    from unif2ace.evaluation.attributes import question_attribute

    subject = _asks_other_subject(question)
    if subject is None and (m := _PERSON_CALLED.match(question)):  # "Is the kid in the photo a cat?"
        subject = None if re.search(_PERSON_WORDS, m["x"], re.I) else m["x"].lower()
    return subject is not None and re.search(_ELSEWHERE, subject) is not None \
        and not question_attribute(question) and not stated_only(question)


# "Is the kid in the photo a cat?", "Is the person shown a dog?", "Is she a robot?": the person called something
# (read for the subjects of _ELSEWHERE alone: "Is she a doctor?" is a question about the person)
_PERSON_CALLED = re.compile(
    rf"^\s*(?:is|was)\s+(?:he|she|(?:the|this|that)\s+(?:[a-z]+\s+)?{_PERSON_NOUNS}"
    rf"(?:\s+(?:in|on)\s+(?:this|the|that)\s+{_PHOTO}|\s+(?:shown|here|pictured|depicted|in\s+view))?)"
    rf"\s+(?:an?|some\s+kind\s+of|some\s+sort\s+of)\s+(?P<x>[a-z][a-z' -]*?)\s*[?.!]*\s*$", re.I)


def _asks_other_subject(question: str) -> str | None:
    """What a yes/no question asks the photo to show when it is not a person ("Is this a cat?" → "cat",
    "Is it a picture of a car?" → "car"); None for any other question."""
    x = _subject(question)
    if x is None:
        return None
    x = x.lower()
    return None if re.search(_PERSON_WORDS, x) or re.search(_NOT_A_SUBJECT, x) else x




def off_topic_answer(question: str, answer: str, caption: str | None = None) -> str | None:
    """The answer to a question whether the photo shows something that is not a person ("Is there a cat in the
    image?", "Is this a car?"), as the training data answers it: "No, it is a photo of a man.", the person named as
    the photo's description (``caption``) names them, or "a person" without one. Returned when the decoded answer
    names no person ("Is there a cat in the image?" got "No, it is not smiling.") or another one than the
    description ("Is this a flower?" got "No, it is a photo of a woman." of a man); None when the question asks no
    such thing or the answer stands."""
    from unif2ace.evaluation.attributes import parse_attribute, parse_caption, polarity

    if not asks_other_subject(question):  # "Is this a newborn?", "Do you see a smile?": left to the other checks
        return None
    described = parse_caption(caption) if caption else {}
    noun = _described_person(described) or "a person"
    words = answer.strip().split(maxsplit=1)
    said = polarity(words[0]) if words else None
    rest = re.sub(r"\b(?:he|she)\b", " ", words[1].lower()) if len(words) > 1 else ""
    # a "no" that says what the photo shows ("It is a photo of …", "She is a …") stands; one that contradicts itself
    # or says something else does not ("Is she a cat?" got "No. She is a senior, not a senior.", "Is the person shown
    # a horse?" "No. Her face photo of her eyes are open.")
    says_who = len(words) > 1 and re.match(r"(?:it|this|that|he|she)(?:'s|\s+is)\s", words[1], re.I)
    if said == "no" and says_who and re.search(_PERSON_WORDS, rest) and not re.search(r"\bnot\b", rest):
        named = parse_attribute(rest, "gender")
        young = re.search(r"\b(?:boy|girl|child|kid|baby|toddler|teen|teenager)\b", rest) is not None
        if noun == "a person" or named is None or (named, young) == (described["gender"], noun in ("a boy", "a girl")):
            return None
    return f"No, it is a photo of {noun}."


# a photo offered beside a drawn or painted picture ("Is this a painting or a photo?" got "I can't tell from this photo.",
# where "Is this a drawing?" got "No. It is a photo of a person."); not a photo's making ("a real photo or
# AI-generated?", which nothing here can tell)
_ARTWORK = r"(?:painting|drawing|sketch|cartoon|illustration|artwork|anime|caricature|portrait painting|digital art)"
_PHOTO_NAME = r"(?:photo|photograph|picture|pic|real person|snapshot)"
_PHOTO_OR_ARTWORK = re.compile(rf"\b{_ARTWORK}\b[^?]*\bor\b[^?]*\b(?:an?\s+)?{_PHOTO_NAME}\b|"
                               rf"\b{_PHOTO_NAME}\b[^?]*\bor\b[^?]*\b(?:an?\s+)?{_ARTWORK}\b", re.I)


def asks_medium(question: str) -> bool:
    """Whether a question offers a photo beside a drawn or painted picture ("Is this a painting or a photo?"), not how
    a photo was made ("AI-generated", "edited")."""
    return _PHOTO_OR_ARTWORK.search(question) is not None and not re.search(
        r"\b(?:ai|a\.i\.|generated|fake|deepfake|edited|photoshopped|filter(?:ed)?|rendered|cgi)\b", question, re.I)


def medium_answer(question: str, caption: str | None) -> str | None:
    """The answer to :func:`asks_medium`'s choice: "A photo: it shows a man." (the model reads photos, and takes what it
    is shown for one), the person as the description names them; None for any other question."""
    from unif2ace.evaluation.attributes import parse_caption

    if not asks_medium(question):
        return None
    noun = (_described_person(parse_caption(caption)) if caption else None) or "a person"
    return f"A photo: it shows {noun}."


# "No. It is a photo of a girl.": the training data's answer to a question about something the photo does not show
_PHOTO_OF = re.compile(r"^(?P<head>(?:yes|no)[.,]\s+)(?:it|this)(?:'s|\s+is)\s+(?:a\s+)?(?:photo|picture|image)\s+of\s+"
                       r"(?P<who>an?\s+(?:man|woman|boy|girl|person))\s*\.?\s*$", re.I)


def says_photo_of(answer: str) -> bool:
    """Whether an answer is the training data's "… It is a photo of a man." (:func:`photo_of_described`)."""
    return _PHOTO_OF.match(answer.strip()) is not None


def photo_of_described(answer: str, caption: str | None) -> str | None:
    """An answer "… It is a photo of a girl." whose person is not the one the description (``caption``) names, with
    that one ("Is there any text in the image?" of a boy got "No. It is a photo of a girl." → "No. It is a photo of
    a boy."); None when the answer is not of that form, names the described person or the description names no
    gender, or the answer says "a person" (never wrong). For answers to questions that ask neither the gender nor the
    age (those are checked as asked)."""
    if not caption or (m := _PHOTO_OF.match(answer.strip())) is None or m["who"].lower().endswith("person"):
        return None
    from unif2ace.evaluation.attributes import parse_caption

    noun = _described_person(parse_caption(caption))
    if noun is None or m["who"].lower().split()[-1] == noun.split()[-1]:
        return None
    return f"{m['head']}{answer.strip()[len(m['head']):m.start('who')]}{noun}."


# whether the face can be seen at all ("Is the subject's face visible?" got "I can't tell from this photo." of one photo
# and "No. It is a photo of a person." of another): the model reads a face the detector found (or a face crop), so
# yes; how much of it shows ("Is the whole face visible?", "partly hidden") is left to the other readers
_FACE_VISIBLE = re.compile(r"^\W*(?:is|are|can (?:you|i|we|one) see|do (?:you|i) see|does (?:the|this) (?:photo|picture|image) "
                           r"show)\s+(?:(?:the|this|that|a|his|her|their|its|the subject's|the person's|this person's)\s+)?"
                           r"(?:person's\s+|subject's\s+)?(?P<whole>(?:whole|entire|full|complete)\s+)?faces?\s*"
                           r"(?:(?:clearly|actually|really)\s+)?"
                           r"(?:visible|seen|showing|shown|there|in (?:the|this) (?:photo|picture|image|frame|shot))?"
                           r"(?:\s+(?:in|at)\s+(?:the|this|all)(?:\s+(?:photo|picture|image|frame|shot))?)?\s*[?.!]*$", re.I)


def asks_face_visible(question: str) -> bool:
    """Whether a question asks if the face can be seen at all ("Is the face visible?")."""
    return _FACE_VISIBLE.match(question.strip()) is not None


def face_visible_answer(question: str, caption: str | None) -> str | None:
    """"Yes, it is a photo of a man." to whether the face can be seen ("Is the subject's face visible?", "Can you see
    her face?"), with the person the description names (else "a person"); None for any other question."""
    if not asks_face_visible(question):
        return None
    from unif2ace.evaluation.attributes import parse_caption

    noun = _described_person(parse_caption(caption)) if caption else None
    if _FACE_VISIBLE.match(question.strip())["whole"]:
        # "Can you see my whole face?" (got "Yes. This is a girl."): the face, yes; whether any of it is hidden, no
        # label says
        return f"I can see the face of {noun or 'a person'}, but I can't tell whether any part of it is hidden."
    return f"Yes, it is a photo of {noun or 'a person'}."


def _described_person(described: dict) -> str | None:
    """"a man", "a woman", "a boy" or "a girl", as a parsed description (``parse_caption``) names the person;
    None when it names no gender."""
    from unif2ace.data.questions import _gender_word

    return _gender_word(described) if described.get("gender") in ("male", "female") else None


def _subject(question: str) -> str | None:
    """What an "is this a …?"-style question asks the photo to show, as worded ("Is this a cat?" → "cat",
    "Is this a person?" → "person"); None when the question is not of that form."""
    m = next((m for pattern in _SUBJECT if (m := pattern.match(question))), None)
    return None if m is None else m.group("x").strip()


def yes_no_consistent(question: str, answer: str) -> bool | None:
    """Whether a yes/no answer agrees with itself: its Yes or No against what its own words say.

    "Is this a man?" → "Yes, this is a woman." is inconsistent (False), as is "No, this is a man.";
    "No, this is a woman, not a man." and "Yes. He is smiling." (to "Is he smiling?") are consistent
    (True). A "yes" must restate every value the question names that it restates at all; a "no" must
    contradict at least one. A question whether the photo shows something that is not a person ("Is
    this a cat?") is answered consistently by "no" when the answer names a person ("No, it is a photo
    of a woman."), inconsistently by "yes" ("Yes. It is a photo of a woman."). None when the question
    names no value of ``CHECKED_ATTRIBUTES`` nor another subject, the answer restates none of them, or
    it has no yes/no word."""
    from unif2ace.evaluation.attributes import parse_attribute, polarity

    words = answer.strip().split(maxsplit=1)
    said = polarity(words[0]) if words else None
    if said is None:
        return None
    rest = words[1] if len(words) > 1 else ""
    subject = _asks_other_subject(question)
    if subject:  # "Is this a cat?" → "Yes. It is a photo of a woman." contradicts itself
        nouns = re.sub(r"\b(?:he|she)\b", " ", rest.lower())  # "Yes, she is a doctor" restates no subject
        if re.search(rf"\b{re.escape(subject.split()[-1])}\b", nouns):  # "Yes, a painting of a woman."
            return None
        return (said == "no") if re.search(_PERSON_WORDS, nouns) else None
    asked = _asked_values(question)
    stated = {k: parse_attribute(rest, k) for k in asked}
    agreed = {k: same_value(k, v, asked[k]) for k, v in stated.items() if v is not None}
    if "emotion" in asked and "emotion" not in agreed:  # "Does he look cheerful?" → "Yes. He is not smiling."
        if (smiles := _smile_agrees(asked["emotion"], parse_attribute(rest, "smile"))) is not None:
            agreed["emotion"] = smiles
    if not agreed:
        return None
    agree = all(agreed.values())
    return agree if said == "yes" else not agree


def _smile_agrees(emotion: str, smile: bool | None) -> bool | None:
    """Whether a stated smile agrees with an asked expression, as the labels pair them: a smile is happy
    (and at ease, neither sad, neutral nor surprised); no smile is not happy. None when it says nothing of it."""
    if smile is None:
        return None
    if emotion == "happy":
        return smile
    if emotion == AT_EASE:  # a smile is at ease; no smile may still be neutral
        return True if smile else None
    return False if smile else None


def choose_yes_no_answers(decode, tokenizer, rows: Sequence[bool], eot: int,
                          per_token: bool = False, consistent=None) -> list[list[int]]:
    """Decode twice, the marked rows' answers starting once with " Yes" and once with " No", and keep for
    each the answer the model finds more likely as a whole: log p(Yes/No) + log p(the rest | it), summed
    over the answer's tokens, or with ``per_token`` divided by their number (``<|eot|>`` included).

    The first token alone is a poor judge when the model knows the answer but not its polarity word
    ("Is this a bird?" → "Yes. It is a photo of a person."): the rest of the answer weighs in. A false
    premise's answer is the longer one ("No, this is a woman, not a man." against "Yes, this is a
    woman."), so the sum also charges it for the words that name what was asked; the per-token score
    does not.
    ``decode(processor, keep) -> token lists`` runs greedy ``generate_text`` with that logits processor
    on the rows ``keep`` (indices into ``rows``; None: all). The first run decodes every row (the
    unmarked ones are untouched by the processor), the second only the marked rows.

    consistent: ``(row, answer_tokens) -> bool | None`` (e.g. :func:`yes_no_consistent` on the row's
    question and the decoded text). When exactly one of a row's two answers is judged inconsistent
    (False) — "Yes, this is a woman." to "Is this a man?" — the other is kept whatever the scores; the
    model's own words about the face then set the polarity. When both are ("Is she not smiling?" →
    "No. She is not smiling." and "Yes, she is smiling."), the more likely one is kept with its Yes or No
    turned to agree with its own words ("Yes. She is not smiling."). Otherwise the score decides."""
    rows = list(rows)
    yes = AnswerLogProb(YesNoFirst(tokenizer, rows, force="yes"), eot)
    yes_tokens = decode(yes, None)
    marked = [i for i, m in enumerate(rows) if m]
    no = AnswerLogProb(YesNoFirst(tokenizer, [True] * len(marked), force="no"), eot)
    no_tokens = decode(no, marked)
    yes_score, no_score = (yes.mean, no.mean) if per_token else (yes.total, no.total)
    out = list(yes_tokens)
    k = len(yes.inner.prefix)  # the polarity token's position in every marked answer
    y, n = yes.inner.choice
    for j, i in enumerate(marked):
        take_no = float(no_score[j]) > float(yes_score[i])
        flip = False
        if consistent is not None:
            ok_yes, ok_no = consistent(i, yes_tokens[i]), consistent(i, no_tokens[j])
            if (ok_yes is False) != (ok_no is False):
                take_no = ok_yes is False
            flip = ok_yes is False and ok_no is False
        chosen = list(no_tokens[j] if take_no else yes_tokens[i])
        if flip and len(chosen) > k and chosen[k] in (y, n):
            chosen[k] = y if chosen[k] == n else n
        out[i] = chosen
    return out


# Attributes whose grounded answer is a vote (grounded_answer's ``second``): the description, the decoded
# answer and the model's answer to this wording of the question. Measured on 128 test photos (stage 12):
# gender from the description alone is right 88.3% of the time, the vote of three 91.4%; the age group
# is best from the description alone (69.5%; a vote: 66–67%).
SECOND_WORDING = {"gender": "Is this a man or a woman?"}
# The wording whose answer stands in for the description's age when the description names none ("… it shows a
# Black. He is not smiling …", one val description in 48): a training template, so the model answers it best.
AGE_WORDING = "How old is the person in the photo?"
# The wording whose answer stands in for the description's expression when it states neither an expression nor a
# smile (a third of test descriptions: "… He has his mouth shut. His eyes are open. …"): a training template.
EXPRESSION_WORDING = "How does this person seem to feel?"


def grounded_answer(question: str, answer: str, caption: str, second: str | None = None) -> str | None:
    """The answer to an open question about the person's gender, age group, smile, ethnicity, eyes,
    expression, or the photo's lighting or sharpness (:data:`unif2ace.data.questions.ASKED_ATTRIBUTES`),
    restated from the model's own description of the photo when the answer contradicts it or names no
    value; None when the answer stands (it agrees, or the question asks about something else, or the
    description does not say).

    An answer about the expression is restated like the others ("Are they happy or sad?" → "Slightly
    open, with the lips parted."; "What is the dominant emotion?" → "Neutral." of a face described as
    happy): the description's expression, where it states one, was right for 76 / 80 / 78 / 80 of val-128's
    93 labelled faces against the answers' own 25 / 77 / 67 / 75, and for 77 / 87 / 87 / 88 of test-128's 101
    against 18 / 80 / 76 / 84 (four wordings: ``python scripts/described_open.py``).

    "Guy or gal?" → "Closed." with the description "… a White older woman, aged 85. …" becomes "This is
    a woman."; "How old?" → "35." becomes "She is 85 years old, so she is a senior.", and so does "She is
    80 years old.": an age answer states the description's age, so that the description and every
    wording of the question name one age (on 362 val answers the description's age is off by 5.7 years
    on average, the answers' own by 5.4, and 13% of photos got ages more than 10 years apart from three
    wordings). The restated answer is written as the training data writes answers
    (:func:`unif2ace.data.questions.open_answer`), with the description's gender for the pronoun and its
    age in years when it gives one.

    A question about several of the gender, age group, ethnicity, smile and expression ("Is the person male or
    female, and how old?") is answered with one whole-sentence answer per attribute in the question's order
    ("This is a girl. She is 7 years old, so she is a child."), even when the model's answer states each
    as grounded (its terse training forms read "13 years old: a teenager. Happy."); one the description leaves out is the answer's own when it names one, else said to be
    unknown ("I can't tell whether he is smiling."); the answer stands when the description states none.

    second: the model's answer to the question in another wording (:data:`SECOND_WORDING`). The value
    is then the majority of the description, the answer and it (the description breaks ties), so a
    description that is wrong where both answers agree does not overrule them."""
    from unif2ace.data.questions import asked_attribute, asked_attributes

    attr = asked_attribute(question)
    if attr is not None:
        return _grounded_one(attr, question, answer, caption, second)
    several = asked_attributes(question)
    if len(several) < 2 or not set(several) <= {"gender", "age_group", "ethnicity", "smile", "emotion"}:
        return None
    from unif2ace.evaluation.attributes import parse_attribute

    # the answer is always rewritten, in whole sentences, even when its values are the grounded ones: the model's
    # own joins terse training forms ("What is her mood and age?" → "13 years old: a teenager. Happy.") and may
    # leave a gender asked outright to a pronoun ("Is the person male or female, and roughly how old?" → "She is
    # 60 years old, so she is a senior.")

    # the gender first (the second wording votes on it alone); the other parts speak of the voted gender
    # ("This is a boy. He is 16 years old, …", not "She is …")
    said = _grounded_one("gender", question, answer, caption, second, always=True) if "gender" in several else None
    known = {"gender": g} if said is not None and (g := parse_attribute(said, "gender")) else {}
    parts = [said if a == "gender" else _grounded_one(a, question, answer, caption, None, True, known) for a in several]
    if all(p is None for p in parts):
        return None
    # what the description leaves out: the answer's own value when it names one, else said to be unknown ("How
    # old is this person, and are they smiling?" of a face whose description states no smile got "Yes. His
    # head is turned slightly left.")
    import random

    from unif2ace.data.questions import Person, open_answer
    from unif2ace.evaluation.attributes import parse_age_years

    attrs = {**_described(caption), **known}
    p = Person.of(attrs)
    unstated = {"gender": "I can't tell whether this is a man or a woman.",
                "age_group": f"I can't tell {p.his} age from this photo.",
                "ethnicity": f"I can't tell {p.his} ethnicity from this photo.",
                "smile": f"I can't tell whether {p.he} {p.be()} smiling.",
                "emotion": f"I can't tell {p.his} expression from this photo."}
    for k, (a, part) in enumerate(zip(several, parts)):
        if part is None:
            own = parse_attribute(answer, a, loose=True)
            years = parse_age_years(answer) if a == "age_group" else None
            parts[k] = unstated[a] if own is None else open_answer(
                a, {**attrs, a: own, **({"age": years} if years is not None else {})}, random.Random(question), question,
                sentence=True)
    joined = " ".join(parts)
    return None if joined == answer.strip() else joined


_ETHNICITY_WITH_PERSON = re.compile(r"\b(?:adult|adults|man|men|woman|women|boy|boys|girl|girls|child|children|kid|kids|"
                                    r"baby|babies|teen|teenager|teenage|senior|elderly|old|young|middle-aged|"
                                    r"guy|lady|gentleman|toddler|infant)\b", re.I)
_PHOTO_IN_AGE = re.compile(r"\b(?:photo|photograph|image|picture|portrait|headshot|close-up|focused|lighting)\b", re.I)


def _grounded_one(attr: str, question: str, answer: str, caption: str, second: str | None,
                  always: bool = False, known: dict | None = None) -> str | None:
    """grounded_answer for one attribute; ``always``: the grounded answer even when the answer agrees, as a whole
    sentence (one part of an answer about several attributes);
    ``known``: values that override the description's for the answer's words (the voted gender)."""
    import random

    from unif2ace.data.questions import CANT_TELL, Person, open_answer
    from unif2ace.evaluation.attributes import ATTRIBUTES, parse_age_years, parse_attribute

    attrs = {**_described(caption), **(known or {})}
    said = attrs.get(attr)
    # a whole description given for one attribute ("Give me one word for their expression." → "The image
    # shows a close-up photo of …") answers nothing: the description's value, or "I can't tell"
    described = reads_as_description(answer)
    got = None if described else parse_attribute(answer, attr, loose=True)
    if described and said is None:
        return CANT_TELL[0]
    value = said if second is None else _vote(said, got, parse_attribute(second, attr, loose=True))
    years = parse_age_years(caption)
    # an age answer in the described group that states another age than the description's ("How old?" →
    # 65 and "Roughly what age?" → 60 of a woman described as 85) is restated too, so that every wording
    # of the question, and the description, name one age
    other_age = attr == "age_group" and value == said and years is not None and \
        (stated := parse_age_years(answer)) is not None and round(stated) != round(years)
    # nor does an answer that names the age only by a gender noun ("Is this person young or old?" → "A girl.")
    other_age = other_age or attr == "age_group" and years is not None and parse_age_years(answer) is None \
        and not _AGE_GROUP_WORD.search(answer)
    # a gender answer whose noun is of another time of life than the description's ("Male or female?" → "This is
    # a boy." of a man described as 22): the right gender in the wrong word
    wrong_noun = attr == "gender" and _other_life_stage(answer, attrs.get("age_group"))
    other_age = other_age or wrong_noun
    # nor one that names the gender only by a pronoun ("What gender do you think this person is?" → "She is 85 years
    # old, so she is a senior."): it answers another question
    other_age = other_age or attr == "gender" and not described and \
        parse_attribute(_without_pronouns(answer), "gender", loose=True) is None
    # nor one whose group is not its own age's ("Guess the age within 5 years." → "She is 50 years old, so she
    # is a senior."; the parser reads the years first, so the group word is read without them)
    if attr == "age_group" and (stated := parse_age_years(answer)) is not None:
        worded = parse_attribute(re.sub(r"\b\d{1,3}\s*(?:years?|yrs?)(?:[\s-]*old)?", " ", answer), "age_group")
        other_age = other_age or worded not in (None, parse_attribute(f"{round(stated)} years old", "age_group"))
    # an answer about the gender or age that also speaks of something else is garbled, though it names the
    # right value ("Is she a teenager or a young adult?" → "Slightly open, with middle-aged woman.")
    garbled = attr in ("gender", "age_group") and any(
        parse_attribute(answer, a, loose=True) is not None for a in ATTRIBUTES if a not in ("gender", "age_group", "ethnicity"))
    # an open question answered as a yes/no one ("How old would you guess?" → "No, he is a young adult, not a
    # senior.") is garbled too, whatever it names
    garbled = garbled or _YES_NO_START.match(answer) is not None
    # an answer naming two age groups is garbled too ("Is the person young, middle-aged or old?" → "child. He is
    # a senior." of a boy described as 1)
    garbled = garbled or attr == "age_group" and len({g for part in re.split(r"[.;!?]", answer)
                                                      if (g := parse_attribute(part, "age_group")) is not None}) > 1
    # and one about anything else that speaks of another thing too ("Are her eyes closed or open?" → "Black.
    # Her eyes are open."; "Slightly open, with the lips parted.")
    garbled = garbled or attr not in ("gender", "age_group") and not described and _names_other(answer, attr)
    # an ethnicity is a word or two, so anything else it names is read loosely ("Which ethnic group does this person
    # belong to?" → "Asian straight toward the right side of the image.")
    garbled = garbled or attr == "ethnicity" and not described and _names_other(answer, attr, loose=True)
    # and so is one that names the person by an age or a noun beside it ("White adult." of a girl described as 8): the
    # training answers name the ethnicity alone
    garbled = garbled or attr == "ethnicity" and not described and _ETHNICITY_WITH_PERSON.search(answer) is not None
    if attr == "head_pose" and _UP_OR_DOWN.search(question) and not always:
        # no label says whether a head is raised or lowered ("Is the person looking up or down?" got "A man." and,
        # answered from the turn, "Slightly toward the left side of the image."): a face turned to the camera is
        # neither; otherwise nothing says
        if value != "frontal":
            return CANT_TELL[0]
        p = Person.of(attrs)
        return f"Neither: {p.he} {'face' if p.plural else 'faces'} the camera."
    if attr == "age_group" and value == said and (chosen := age_choice(question, caption)) is not None:
        return chosen  # "Is this person closer to 20 or 40?"
    # a fragment is garbled too ("Approx. age pls" → "shows a senior woman.")
    garbled = garbled or answer[:1].islower()
    # and an age that speaks of the photo ("Guess their age within 5 years." → "1-focused photo of a child." of a girl
    # described as 1)
    garbled = garbled or attr == "age_group" and _PHOTO_IN_AGE.search(answer) is not None
    # and one whose brackets do not close ("Who looks older, this person or a 40-year-old?" → "Senior (56 or older
    # years old: a senior.")
    garbled = garbled or answer.count("(") != answer.count(")")
    if attr == "age_group" and years is not None and value == said and _JUST_A_NUMBER.search(question):
        return f"{round(years)}." if years >= 1 else "Less than a year."  # "How old? Just a number." → "21."
    if attr == "age_group" and years is not None and value == said and (step := _rounding(question)):
        return _age_rounded(years, step, attrs)  # "Guess his age to the nearest decade." got "9 years old: a child."
    if attr == "age_group" and years is not None and value == said and _DECADE_ASKED.search(question):
        return _age_decade(years, attrs)  # "What decade of life is he in?" got "58 years old: a senior."
    if attr == "age_group" and years is not None and value == said and _DOG_YEARS.search(question):
        return _in_dog_years(years, attrs)  # "How old is she in dog years?" got "1 year old: a child."
    if attr == "age_group" and years is not None and value == said and _IN_WORDS.search(question):
        # "Tell me the person's age in words, not digits." got "29 years old: a young adult."
        p = Person.of(attrs)
        n = round(years)
        return f"{p.cap()} {p.looks()} " + (f"about {number_words(n)} year{'' if n == 1 else 's'} old." if years >= 1
                                            else "less than a year old.")
    if attr == "age_group" and years is not None and value == said and (unit := _IN_UNIT.search(question)):
        return _age_in(years, unit[1].lower(), attrs)  # "How many months old is the baby?" got "A boy."
    if attr == "age_group" and years is not None and value == said and (asked := _asked_year(question)) is not None:
        return _age_in_year(years, *asked, attrs)  # "How old will he be in 2030 if this photo is from 2017?" got "No. It
        # is in color."
    if attr == "age_group" and years is not None and value == said and (until := _UNTIL_AGE.search(question)):
        return _age_until(years, int(until[1] or until[2]), attrs)  # "How many years until she turns 50?"
    if attr == "age_group" and years is not None and value == said and (shift := _age_shift(question)) is not None:
        return _age_then(years, shift, attrs)  # "How old will she be in 10 years?" got "I can't tell"
    if value is None and attr == "emotion" and (smile := attrs.get("smile")) is not None and not always:
        # no expression described, but a smile or none: an answer claiming the other ("Is the expression
        # positive or negative?" → "She is smiling." of a girl described with no smile) is restated from it
        claims = parse_attribute(answer, "smile")
        claims = True if claims is None and got == "happy" else claims
        if claims is not None and claims != smile:
            return open_answer("smile", attrs, random.Random(question), question)
    if value is None and got is not None and attr in ("lighting", "sharpness") and _PRONOUN_START.match(answer):
        # the photo's light or focus said of the person ("Is the face well lit or in shadow?" → "He is dim."): the
        # answer's own value, said of the photo
        return open_answer(attr, {**attrs, attr: got}, random.Random(question), question)
    if value is None and _YES_NO_START.match(answer) and not always and not _names_other(answer, attr) \
            and len(answer.split()) > 1:
        # an open question answered as a yes/no one, in words that do answer it ("Rate their happiness." → "Yes. She
        # is smiling."): the words without the Yes or No
        return without_yes_no(answer)
    if value is None:
        # nothing to restate the answer from, and it names something else than was asked ("Does she look
        # happy or sad?" → "Closed." of a face whose description states no expression): it answers nothing
        return CANT_TELL[0] if (got is None or garbled) and not always and _names_other(answer, attr) else None
    if got == value and not other_age and not garbled and not always:
        return None
    attrs[attr] = value
    if years is not None and (attr != "age_group" or value == said):
        attrs["age"] = years
    return open_answer(attr, attrs, random.Random(question), question, sentence=always)


_UP_OR_DOWN = re.compile(r"\bup or down\b|\bdown or up\b|\b(?:looking|look|looks|facing|tilted|tipped)\s+"
                         r"(?:up|down|upward|upwards|downward|downwards)\b", re.I)
_PRONOUN_START = re.compile(r"^\s*(?:he|she|they)\s+(?:is|are|looks?)\b", re.I)
_IN_UNIT = re.compile(r"\b(month|week)s?\b", re.I)
# a number asked in words ("… age in words, not digits", "Spell out her age.")
_IN_WORDS = re.compile(r"\bin (?:words|letters)\b|\bspel(?:l|led|t|ling)\s+(?:it\s+|(?:his|her|their|the)\s+age\s+)?out\b|"
                       r"\bwritten out\b|\bnot (?:in )?(?:digits|numbers|numerals)\b|\bwithout (?:digits|numbers|numerals)\b",
                       re.I)
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
         "seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """A whole number from 0 to 999 in English words ("twenty-nine", "one hundred and five")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10 - 2] + (f"-{_ONES[n % 10]}" if n % 10 else "")
    return f"{_ONES[n // 100]} hundred" + (f" and {number_words(n % 100)}" if n % 100 else "")
_DOG_YEARS = re.compile(r"\bdog[- ]?years?\b", re.I)
# an age asked at another time: "How old will she be in 10 years?", "How old was he 5 years ago?"
_LATER = re.compile(r"\b(?:will|would|'ll)\b.*\bin (\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten|twenty) "
                    r"(years?|decades?)(?: time| from now)?\b", re.I)
_AGO = re.compile(r"\b(\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten|twenty) (years?|decades?) ago\b", re.I)


def _age_shift(question: str) -> int | None:
    """The years an age question looks ahead (+) or back (−), or None: "How old will she be in 10 years?" → 10,
    "How old was he a decade ago?" → −10."""
    for pattern, sign in ((_LATER, 1), (_AGO, -1)):
        if m := pattern.search(question):
            n = {"a": 1, **NUMBER_WORDS}.get(m[1].lower()) if not m[1].isdigit() else int(m[1])
            return sign * n * (10 if m[2].lower().startswith("decade") else 1)
    return None


# the years until an age ("How many years until she turns 50?" got "She is 36 years old, …"; "When will he turn 100?"
# "I can't tell from this photo.")
_UNTIL_AGE = re.compile(r"\b(?:how (?:many|much)\s+(?:more\s+)?(?:years|time)|how long|how much longer|how many more years)\b"
                        r".*?\b(?:turns?|reach(?:es)?|hits?|is|be)\s+(\d{1,3})\b|"
                        r"\b(?:when|what year) (?:will|would|does|do) (?:he|she|they|this person|the person|it) "
                        r"(?:turn|be|reach|hit)\s+(\d{1,3})\b", re.I)


def _age_until(years: float, target: int, attrs: dict) -> str:
    """The years from the described age to ``target`` ("In about 14 years: she looks about 36 years old now."), or
    that the age is past it."""
    from unif2ace.data.questions import Person

    p, now = Person.of(attrs), round(years)
    looks = p.looks_about(years)
    if now >= target:
        return f"{p.cap()} already {p.looks()} {'about ' + str(target) if now == target else f'older than {target}'}: {looks}."
    gap = target - now
    return f"In about {gap} year{'' if gap == 1 else 's'}: {looks} now."


def _age_then(years: float, shift: int, attrs: dict) -> str:
    """The described age moved by ``shift`` years, with the age it starts from ("She looks about 30 years old
    now, so in 10 years she would be about 40." for 30 and +10)."""
    from unif2ace.data.captions import years_old
    from unif2ace.data.questions import Person

    p = Person.of(attrs)
    now = round(years)
    start = f"{p.cap()} {p.looks()} {years_old(years) if years < 1 else f'about {years_old(now)}'} now"
    span = f"{abs(shift)} year{'' if abs(shift) == 1 else 's'}"
    return _moved(start, p, now, shift, f"in {span}" if shift > 0 else f"{span} ago")


def _moved(start: str, p, now: int, shift: int, when: str) -> str:
    """``start`` (the described age) and that age moved by ``shift`` years, said at ``when``: "…, so in 10 years she
    would be about 40.", "…, so in 2000 he was about 23.", "… he was not born yet."."""
    if shift > 0:
        return f"{start}, so {when} {p.he} would be about {now + shift}."
    was = "were" if p.plural else "was"
    then = now + shift
    # ("How old was she 10 years ago?" of a girl of 10 got "… 10 years ago she was about 0.")
    said = "not born yet" if then < 0 else "about to be born, or a newborn" if then == 0 else f"about {then}"
    return f"{start}, so {when} {p.he} {was} {said}."


# an age asked in a year ("How old will he be in 2030?", "How old was she in 2010?")
_IN_YEAR = re.compile(r"\b(?:in|by|during)\s+((?:19|20)\d\d)\b", re.I)


# the present asked about once the photo's year is given ("If this photo was taken in 2010, how old are they today?" got
# the age in the photo)
_TODAY = re.compile(r"\b(?:today|nowadays|these days|currently|at present|right now|now)\b(?!\s+(?:that|in the photo))", re.I)


def _asked_year(question: str, today=None) -> tuple[int, int | None, str] | None:
    """(the year an age question asks about, the photo's year when the question gives it, else None, that year in
    words: "in 2030"); None when it names no year apart from the photo's. "Today" or "now" with the photo's year
    given asks about this year (``today``'s, a ``datetime.date``; the machine's date when None)."""
    import datetime

    taken = _PHOTO_YEAR.search(question)
    rest = question if taken is None else question[:taken.start(1)] + question[taken.end(1):]
    if (m := _IN_YEAR.search(rest)) is not None:
        return int(m[1]), None if taken is None else int(taken[1]), f"in {m[1]}"
    if taken is not None and _TODAY.search(rest) is not None:
        year = (today or datetime.date.today()).year
        return year, int(taken[1]), f"now, in {year},"
    return None


def _age_in_year(years: float, target: int, photo: int | None, when: str, attrs: dict) -> str:
    """The described age moved to the year ``target`` from the photo's year ``photo`` ("He looks about 40 years old in
    the photo from 2017, so in 2030 he would be about 53."); without the photo's year, which the photo does not say,
    the described age alone."""
    from unif2ace.data.questions import Person

    p = Person.of(attrs)
    looks = p.looks_about(years)
    if photo is None:
        return f"I can't tell when the photo was taken, so not {p.his} age in {target}; {looks} in it."
    now, shift = round(years), target - photo
    start = f"{looks[0].upper()}{looks[1:]} in the photo from {photo}"
    return f"{start}." if shift == 0 else _moved(start, p, now, shift, when)


def _in_dog_years(years: float, attrs: dict) -> str:
    """An age in dog years, by the popular rule of seven to a human year ("About 287 in dog years, by the rule of
    seven dog years to a human one: he looks about 41 years old.")."""
    from unif2ace.data.questions import Person

    looks = Person.of(attrs).looks_about(years)
    return f"About {max(1, round(years * 7))} in dog years, by the rule of seven dog years to a human one: {looks}."


def _age_in(years: float, unit: str, attrs: dict) -> str:
    """An age of ``years`` (the description's, in whole years) said in months or weeks ("He looks about 12
    months old."): as rough as the years it comes from, so the years are said too past infancy."""
    from unif2ace.data.questions import Person

    per_year = {"month": 12, "week": 52}[unit]
    p = Person.of(attrs)
    if years < 1:
        return f"{p.cap()} {p.looks()} less than a year old (under {per_year} {unit}s)."
    n = round(years)
    if n < 3:
        return f"{p.cap()} {p.looks()} about {n * per_year} {unit}s old ({n} year{'' if n == 1 else 's'})."
    return f"{p.cap()} {p.looks()} about {n} years old (about {n * per_year:,} {unit}s)."


# a year of birth asked ("What year was she born?", "Year of birth?", "Was he born in the 90s?"): a photo does not
# say when it was taken, so the year comes only from one the question gives ("… if the photo was taken in 2017")
# (and the decade: "What is the person's approximate birth decade?" got "He is 53 years old, so he is middle-aged.")
_BIRTH = re.compile(r"(?<!-)\bborn\b|\bbirth\s*(?:year|decade)\b|\b(?:year|decade) of (?:(?:his|her|their|this person's|"
                    r"the person's)\s+)?birth\b|"
                    r"\bbirthyear\b", re.I)
_PHOTO_YEAR = re.compile(r"\b(?:photo|photograph|picture|image|pic|shot|selfie|taken|snapped)\b[^?!.;]*?\b"
                         r"((?:19|20)\d\d)\b", re.I)
# the year a question says it is now ("What's their birth year if it's 2024 now?", "Assuming the current year is 2025,
# when was she born?"): the photo's year, if the photo is recent
_NOW_YEAR = re.compile(r"\b(?:it(?:'s|\s+is)|(?:the\s+)?(?:current\s+)?year\s+is|this\s+year\s+is|we(?:'re|\s+are)\s+in|"
                       r"today\s+is)\s+((?:19|20)\d\d)\b|\bas\s+of\s+((?:19|20)\d\d)\b|\b((?:19|20)\d\d)\s+now\b", re.I)
# the years a yes/no question asks the birth to fall in: "in 1985", "in the 90s", "in the 1990s", "in the eighties",
# "before 1990", "after 2000"
_BORN_IN = re.compile(r"\bborn\s+(in|before|after|around|about)\s+(?:the\s+)?(?:((?:19|20)\d\d)(s?)|'?([1-9]0)'?s|"
                      rf"({'|'.join(DECADE_WORDS)}))\b", re.I)


# the generations by their years of birth (Pew Research Center's boundaries; others differ by a year or two), and the
# words that name each ("Is this person a millennial?", "Gen Z or Gen X?")
GENERATIONS = (("the Silent Generation", 1928, 1945, r"silent generation"),
               ("a Baby Boomer", 1946, 1964, r"(?:baby[- ])?boomers?"),
               ("Generation X", 1965, 1980, r"gen(?:eration)?[- ]?x(?:er|ers)?"),
               ("a Millennial", 1981, 1996, r"millennials?|gen(?:eration)?[- ]?y"),
               ("Generation Z", 1997, 2012, r"gen(?:eration)?[- ]?z(?:ers?)?|zoomers?"),
               ("Generation Alpha", 2013, 2029, r"gen(?:eration)?[- ]?alpha"))
_GENERATION = re.compile(r"\bgenerations?\b|" + "|".join(rf"\b(?:{words})\b" for *_, words in GENERATIONS), re.I)


def asks_birth(question: str) -> bool:
    """Whether a question asks when the person was born ("What year was she born?", "Year of birth?") or the
    generation, which goes by the year of birth ("What generation is he from?", "Is she a millennial?")."""
    return _BIRTH.search(question) is not None or _GENERATION.search(question) is not None


def _generation_of(born: int) -> tuple[str, int, int] | None:
    """(the name, first and last year of birth) of the generation born in ``born``, None outside them all."""
    return next((g[:3] for g in GENERATIONS if g[1] <= born <= g[2]), None)


def _if_recent(p, n: int, today, generation: bool = False) -> str:
    """What the described age ``n`` says of the year of birth if the photo was taken this year (``today``'s, the
    machine's date when None): " If the photo is recent (2026), he was born about 1986." (with the generation:
    "…, probably a Millennial."), for an answer that cannot know the photo's year."""
    import datetime

    year = (today or datetime.date.today()).year
    born = year - n
    when = f"about {born}" if n >= 1 else f"in {year - 1} or {year}"
    text = f" If the photo is recent ({year}), {p.he} {'were' if p.plural else 'was'} born {when}"
    if generation and (named := _generation_of(born)) is not None:
        text += f", probably {named[0]} (born {named[1]}–{named[2]})"
    return text + "."


def _generation_answer(question: str, born: int | None, said: str, p, n: int | None = None, today=None) -> str:
    """The generation of someone born about ``born`` (None: the photo's year unknown; then what it would be if the
    photo is recent, from the described age ``n``), for :func:`birth_year_answer`; a yes/no question naming one
    generation is answered Yes / Possibly / No, within 3 years of its bounds a maybe."""
    from unif2ace.data.questions import is_yes_no

    was = "were" if p.plural else "was"
    if born is None:
        return (f"I can't tell when the photo was taken, and a generation goes by the year of birth; {said}, so {p.he} "
                f"{was} born about that many years before it." + ("" if n is None else _if_recent(p, n, today, True)))
    named = [g for g in GENERATIONS if re.search(rf"\b(?:{g[3]})\b", question, re.I)]
    if is_yes_no(question) and len(named) == 1:
        _, lo, hi, _ = named[0]
        off = max(lo - born, born - hi, 0)
        inside = min(born - lo, hi - born)
        word = ("Yes" if inside >= 3 else "Yes, possibly") if off == 0 else "Possibly not" if off <= 3 else "No"
        return f"{word}: {p.he} {was} born about {born}; {said}."
    if (generation := _generation_of(born)) is None:
        return f"Born about {born}: {said}."
    name, lo, hi = generation
    return f"Probably {name} (born {lo}–{hi}): {p.he} {was} born about {born}; {said}."


def _born_range(question: str) -> tuple[int, int] | None:
    """The years of birth a yes/no question names ("born in the 90s" → (1990, 1999), "born before 1990" → (0, 1989)), or
    None."""
    m = _BORN_IN.search(question)
    if m is None:
        return None
    how, year, plural, short, word = m.groups()
    if year is not None:
        start, width = int(year), 10 if plural else 1
    else:
        start, width = 1900 + (int(short) if short else DECADE_WORDS[word.lower()]), 10
    how = how.lower()
    if how == "before":
        return 0, start - 1
    if how == "after":
        return start + width, 9999
    if how in ("around", "about"):
        return start - 3, start + width + 2
    return start, start + width - 1


_BORN_GIVEN = re.compile(r"\bborn\s+(?:in\s+)?((?:19|20)\d\d)\b", re.I)
_PHOTO_WHEN = re.compile(r"\bwhen (?:was|is|were) (?:the|this|that|it)\b(?:\s+(?:photo|picture|image|pic|shot|selfie))?\s+"
                         r"(?:taken|shot|made|snapped)\b|\b(?:what|which) year (?:was|is) (?:the|this|that|it)\b(?:\s+(?:photo|"
                         r"picture|image|pic|shot|selfie))?(?:\s+(?:taken|shot|from))?\s*[?.!]*$|\bwhat year is it\b", re.I)


# the photo's date asked ("When was this photo taken?", "What decade was this photo taken in?", "How old is this
# picture?", "Is this a recent photo?"; each got "I can't tell from this photo."): the date its file holds
_PHOTO_NOUN = r"(?:photo|photograph|picture|image|pic|shot|snapshot|file)"  # (_UNLABELLED, _PHOTO_SIZE read it too)
_PHOTO_NOUNS = rf"(?:{_PHOTO_NOUN}|selfie|portrait)"
_PHOTO_DATE = re.compile(rf"\bwhen (?:was|is|were) (?:the|this|that|it|my)\b(?:\s+{_PHOTO_NOUNS})?\s+(?:taken|shot|made|"
                         rf"snapped|captured)\b|\b(?:what|which) (?:year|decade|date|day|month|era|time period)\b[^?.!]*\b"
                         rf"(?:{_PHOTO_NOUNS}|taken)\b|\b(?:date|year|day) (?:taken|of (?:the|this|that) {_PHOTO_NOUNS})\b|"
                         rf"\bhow old is (?:the|this|that|my) {_PHOTO_NOUNS}\b|\b(?:is|was) (?:this|the|that|it) (?:an? )?"
                         rf"(?:(?:really|very)\s+)?(?:old|recent|new|vintage|modern|current) (?:{_PHOTO_NOUNS}|one)\b|"
                         rf"\b{_PHOTO_NOUNS}(?:'s)? (?:date|timestamp)\b|\btimestamp\b", re.I)
_MONTHS = ("January February March April May June July August September October November December").split()


def asks_photo_file(question: str) -> bool:
    """Whether a question asks what the photo file, not the face, says: when it was taken, its size in pixels
    (:func:`photo_date_answer`, :func:`photo_size_answer`); such a question is answered apart from the rest of a
    message that asks about the person too (``data.questions.split_questions``)."""
    return _PHOTO_DATE.search(question) is not None or _PHOTO_SIZE.search(question) is not None


def photo_date_answer(question: str, taken: str | None, today=None) -> str | None:
    """The answer to a question about when the photo was taken, from ``taken``, the date its file holds
    ("2024-03-14", :func:`unif2ace.pipeline.faces.photo_taken`): "On 14 March 2024, by the date stored in the photo
    file (its EXIF data)."; a decade, how old the photo is (from ``today``, a ``datetime.date``, by default the
    clock's) or whether it is old or recent (20 years and more old, 5 and less recent) likewise; without a date,
    that neither the file nor a face says it. None for any other question (a year of birth is
    :func:`birth_year_answer`'s)."""
    import datetime

    from unif2ace.data.questions import is_yes_no

    if not _PHOTO_DATE.search(question) or asks_birth(question):
        return None
    if taken is None:
        return ("I can't tell: the photo file holds no date (no EXIF data, which phone and camera photos usually "
                "carry), and a face does not show when it was taken.")
    date = datetime.date.fromisoformat(taken)
    said = f"{date.day} {_MONTHS[date.month - 1]} {date.year}"
    source = "by the date stored in the photo file (its EXIF data)"
    today = today or datetime.date.today()
    years = (today - date).days / 365.25
    age = "less than a year old" if years < 1 else f"about {round(years)} year{'' if round(years) == 1 else 's'} old"
    if is_yes_no(question) and (m := re.search(r"\b(old|vintage|recent|new|modern|current)\b", question, re.I)):
        old = m[1].lower() in ("old", "vintage")
        verdict = ("Yes" if old else "No") if years >= 20 else ("No" if old else "Yes") if years <= 5 else "Not really"
        return f"{verdict}: it was taken on {said}, {source}, so it is {age}."
    if re.search(rf"\bhow old is (?:the|this|that|my) {_PHOTO_NOUNS}\b", question, re.I):
        return f"It is {age}: it was taken on {said}, {source}."
    if re.search(r"\b(?:decade|era|time period)\b", question, re.I):
        return f"In the {date.year // 10 * 10}s: it was taken on {said}, {source}."
    return f"On {said}, {source}."


def birth_year_answer(question: str, caption: str | None, taken: str | None = None, today=None) -> str | None:
    """The answer to a question about when the person was born, from the description's age: "About 1977: he looks
    about 40 years old, and the photo is from 2017." when the question gives the photo's year; without one, the
    photo does not say ("I can't tell when the photo was taken; he looks about 40 years old, so he was born about 40
    years before it."). A yes/no question naming a year or decade ("Was she born in the 90s?") is answered Yes or
    No from that year, "Possibly not" within 5 years of it (the description's age is off by 5.7 years on
    average). None when the question asks no year of birth or the description gives no age.

    ("What's his approximate birth year if the photo was taken in 2017?" got "He is 52 years old, so he is
    middle-aged." of a man described as 40; "What year was she born?" got "I can't tell from this photo.".) The other
    way round, a year of birth given and the photo's asked: "About 2010, if she was born in 1990: she looks about 20
    years old.". ``taken``: the date the photo file holds ("2024-03-14", EXIF), whose year is the photo's when the
    question gives none ("About 1990: she looks about 34 years old, and the photo file says it was taken in 2024.").
    Without any year of the photo, the year of birth (or generation) it would be if the photo is recent is said
    after (``today``: a ``datetime.date``, the machine's date when None)."""
    from unif2ace.data.questions import Person, is_yes_no
    from unif2ace.evaluation.attributes import parse_age_years

    if caption is None or not asks_birth(question) or (years := parse_age_years(caption)) is None:
        return None
    p = Person.of(_described(caption))
    n = round(years)
    age, was = p.looks_about(years), "were" if p.plural else "was"
    now = None if _PHOTO_YEAR.search(question) is not None else _NOW_YEAR.search(question)
    # the photo's year as given, or this year's when the question gives it ("if it's 2024 now": the photo's year
    # unknown, so the answer holds if the photo is recent)
    photo = int(stated[1]) if (stated := _PHOTO_YEAR.search(question)) is not None else None if now is None else \
        int(next(g for g in now.groups() if g))
    said = None if photo is None else f"{age}, and the photo is from {photo}" if stated is not None else \
        f"{age}, if the photo was taken in {photo}"
    if photo is None and taken is not None and not (_BORN_GIVEN.search(question) and _PHOTO_WHEN.search(question)):
        # the year the photo file says it was taken in (EXIF)
        photo, said = int(taken[:4]), f"{age}, and the photo file says it was taken in {taken[:4]}"
    if _BIRTH.search(question) is None:  # a generation asked
        return _generation_answer(question, None if photo is None else photo - n, age if photo is None else said, p, n,
                                  today)
    if photo is None and (given := _BORN_GIVEN.search(question)) is not None and _PHOTO_WHEN.search(question):
        # the other way round: the year of birth given, the photo's asked ("If this person was born in 1990, when was
        # the photo taken?" got "I can't tell when the photo was taken; …")
        return f"About {int(given[1]) + n}, if {p.he} {was} born in {given[1]}: {age}."
    if photo is None:
        return (f"I can't tell when the photo was taken; {age}, so {p.he} {was} born "
                f"{'less than a year' if years < 1 else f'about {n} year' + ('' if n == 1 else 's')} before it."
                + _if_recent(p, n, today))
    born = photo - n
    if is_yes_no(question) and (span := _born_range(question.replace(str(photo), ""))) is not None:
        off = max(span[0] - born, born - span[1], 0)
        # a decade or a bound is a Yes inside it; one year is a maybe at best
        word = ("Yes" if span[1] - span[0] >= 9 else "Yes, possibly") if off == 0 else "Possibly not" if off <= 5 else "No"
        return f"{word}: {p.he} {was} born about {born}; {said}."
    if years < 1:
        return f"In {photo} or {photo - 1}: {said}."
    return f"About {born}: {said}."


_SCHOOL_YEAR = re.compile(rf"\b(?:{SCHOOL_YEAR_ASK})")  # read on the question in lower case (data.questions._core)
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
             "twelfth")


def school_year_answer(question: str, caption: str | None) -> str | None:
    """The school grade that goes with the description's age, for a question asking it ("What grade might this
    child be in?", "What year of school is he in?", which got "8 years old: a child." and "I can't tell from this
    photo."): "She looks about 8 years old, the usual age for third grade in the US (Year 4 in the UK); a photo
    does not show which class she is in." Under school age and past it, said so. None for another question or
    when the description gives no age."""
    from unif2ace.data.questions import Person, _core
    from unif2ace.evaluation.attributes import parse_age_years

    if caption is None or not _SCHOOL_YEAR.search(_core(question)) or (years := parse_age_years(caption)) is None:
        return None
    p = Person.of(_described(caption))
    n, age = round(years), p.looks_about(years)
    age = age[0].upper() + age[1:]
    if n < 4:
        return f"{age}: too young for school."
    if n == 4:
        return f"{age}, the usual age for pre-kindergarten in the US (Reception in the UK)."
    if n == 5:
        return f"{age}, the usual age for kindergarten in the US (Year 1 in the UK); a photo does not show which " \
               f"class {p.he} {p.be()} in."
    if n <= 17:
        return (f"{age}, the usual age for {_ORDINALS[n - 6]} grade in the US (Year {n - 4} in the UK); a photo does "
                f"not show which class {p.he} {p.be()} in.")
    return f"{age}, past school age."


# an age asked rounded ("to the nearest decade", "rounded to 10", "to the nearest five years")
_ROUNDED = re.compile(r"\b(?:(?:to|within)\s+the\s+nearest|round(?:ed)?(?:\s+off)?(?:\s+to)?(?:\s+the\s+nearest)?)\s+"
                      r"(?:(?:a|one)\s+)?(decade|ten|10|five|5)\b(?:\s*(?:years?|yrs))?", re.I)


def _rounding(question: str) -> int | None:
    """The years an age question asks its answer rounded to (10 or 5), or None."""
    m = _ROUNDED.search(question)
    return None if m is None else 5 if m[1].lower() in ("five", "5") else 10


def _age_rounded(years: float, step: int, attrs: dict) -> str:
    """An age of ``years`` (the description's) rounded to ``step`` years, with the age it comes from: "He looks about
    60 (58 years old, to the nearest decade).", "under 10" for a young child."""
    from unif2ace.data.questions import Person

    p = Person.of(attrs)
    n = round(years)
    unit = "decade" if step == 10 else f"{step} years"
    if years < 1:
        return f"{p.cap()} {p.looks()} less than a year old, so under {step}."
    rounded = int(step * ((years + step / 2) // step))  # half up: 25 → 30
    if rounded == n:
        return f"{p.cap()} {p.looks()} about {n} years old."
    said = f"under {step}" if rounded == 0 else f"about {rounded}"
    return f"{p.cap()} {p.looks()} {said} ({n} year{'' if n == 1 else 's'} old, to the nearest {unit})."


_DECADE_ASKED = re.compile(r"\b(?:what|which)\s+decade\b|\bdecade of (?:(?:his|her|their)\s+)?life\b", re.I)


def _age_decade(years: float, attrs: dict) -> str:
    """The decade of life of an age of ``years`` (the description's): "He is in his fifties (about 58 years
    old).", "in her teens" from 13 to 19; a younger child's age alone."""
    from unif2ace.data.questions import Person

    p = Person.of(attrs)
    n = round(years)
    decade = "teens" if 13 <= n < 20 else next((w for w, d in DECADE_WORDS.items() if d == n // 10 * 10), None)
    if decade is None:  # under 13, or a hundred or more
        text = f"{p.looks_about(years)}."
        return text[0].upper() + text[1:]
    return f"{p.cap()} {p.be()} in {p.his} {decade} (about {n} years old)."


_YOUNG_NOUN = re.compile(r"\b(?:boy|girl|boys|girls)\b", re.I)
_GROWN_NOUN = re.compile(r"\b(?:man|woman|men|women|gentleman|lady)\b", re.I)


def _other_life_stage(text: str, group: str | None) -> bool:
    """Whether ``text`` names the person by a gender noun of another time of life than the described age group
    ``group`` ("a boy" of a man of 22, "a woman" of a girl of 8; a teenager may be either)."""
    return group is not None and bool(_YOUNG_NOUN.search(text) and group in ("young adult", "middle-aged", "senior")
                                      or _GROWN_NOUN.search(text) and group == "child")


# what an answer may name besides the asked attribute and still answer it ("How does she feel?" → "She is
# smiling."; "Is she smiling?" → "Yes, she looks happy.")
_ANSWERS_TOO = {"emotion": ("smile", "mouth"), "smile": ("emotion", "mouth"), "mouth": ("smile", "emotion")}


def _names_other(answer: str, attr: str, loose: bool | None = None) -> bool:
    """Whether an answer states an attribute of the face or photo other than ``attr`` (and those that
    answer it too, :data:`_ANSWERS_TOO`), read loosely as short answers are (``loose``: read loosely or not, whatever
    the length); a pronoun names no gender."""
    from unif2ace.data.questions import says_cant_tell
    from unif2ace.evaluation.attributes import ATTRIBUTES, parse_attribute

    others = [a for a in ATTRIBUTES if a != attr and a not in _ANSWERS_TOO.get(attr, ())]
    words = _without_pronouns(answer)  # "He is smiling." names no gender
    # read loosely only a short answer that does not name the asked attribute itself: "Closed." names the
    # mouth or the eyes, whichever was not asked; "His eyes are closed." names no mouth
    if loose is None:
        loose = len(answer.split()) <= 3 and parse_attribute(answer, attr, loose=True) is None
    if says_cant_tell(answer):
        return False
    if attr == "emotion" and parse_attribute(words, "mouth", loose=True) is not None and \
            parse_attribute(words, "smile") is None and parse_attribute(words, "emotion", loose=True) is None:
        return True  # the mouth alone says nothing of the mood ("Happy or sad?" → "Slightly open, with the lips parted.")
    return any(parse_attribute(words, a, loose=loose) is not None for a in others)


_YES_NO_START = re.compile(r"^\s*(?:yes|no)\b", re.I)
_AGE_GROUP_WORD = re.compile(r"\b(?:child|children|kid|baby|infant|toddler|teen|teens|teenager|teenage|adolescent|"
                             r"young adult|adult|middle-aged|middle aged|senior|elderly|old|older|young|years?)\b", re.I)
_JUST_A_NUMBER = re.compile(r"\b(?:just|only) (?:a|the|one) number\b|\bnumber only\b|\bin a number\b|"
                            r"\bas a number\b", re.I)


def reads_as_description(answer: str) -> bool:
    """Whether an answer is a description of the photo (15 words or more stating 3 attributes or more),
    not an answer to a question about one thing."""
    from unif2ace.evaluation.attributes import parse_caption

    return len(answer.split()) >= 15 and len(parse_caption(answer)) >= 3


def one_description(answer: str, caption: str) -> str | None:
    """The photo's description (``caption``) in place of an answer that is another description of it (an open
    request the readers do not know as one got "A close-up photo of a White elderly woman who is 60 years old. …"
    while "Describe her." and "How old is she?" say 53): one photo, one description. None when the answer is no
    description or is the photo's own."""
    return caption if answer.strip() != caption.strip() and reads_as_description(answer) else None


# an answer that opens by giving the person's age ("She is 85 years old, so she is a senior.", "20 years old: a young
# adult.")
_OPENS_WITH_AGE = re.compile(r"^\W*(?:(?:he|she|they|this person|the person)\s+(?:is|are|looks?|seems?)\s+"
                             r"(?:about\s+|around\s+|roughly\s+)?)?\d{1,3}\s+years?\s+old\b", re.I)


def states_age(answer: str) -> bool:
    """Whether an answer opens by giving the person's age in years (:func:`age_as_described` reads those)."""
    return _OPENS_WITH_AGE.match(answer) is not None


def age_as_described(answer: str, caption: str) -> str | None:
    """The description's age in place of another that an answer opens with, to a question no reader takes for an
    age question ("Is the person more likely a student or a retiree?" got "She is 85 years old, so she is a senior."
    of a woman described as 60, and "She is 18 years old, …" of one described as 20): one photo, one age, as
    :func:`grounded_answer` states it. None when the answer opens with no age, or with the description's, or the
    description names none."""
    from unif2ace.evaluation.attributes import parse_age_years

    if not states_age(answer) or (described := parse_age_years(caption)) is None \
            or parse_age_years(answer) in (None, described):
        return None
    return grounded_answer(AGE_WORDING, answer, caption)


_NOT_A_NOUN = re.compile(r"(,\s+not\s+)(an?)\s+(\w+)(?=\.)")
# a smile said of the mouth ("Are they smiling?" got "No. Her mouth is not smiling." of a girl): said of the person
_MOUTH_SMILING = re.compile(r"\b(His|Her|Their|his|her|their)\s+mouth\s+is\s+(not\s+)?smiling\b")
_MOUTH_OWNER = {"his": "he is", "her": "she is", "their": "they are"}


def smile_of_person(answer: str) -> str | None:
    """``answer`` with a smile said of the mouth said of the person ("Her mouth is not smiling." → "She is not
    smiling."); None when it says none."""
    if not _MOUTH_SMILING.search(answer):
        return None

    def person(m: re.Match) -> str:
        said = _MOUTH_OWNER[m[1].lower()]
        return f"{said[0].upper() if m[1][0].isupper() else said[0]}{said[1:]} {m[2] or ''}smiling"
    return _MOUTH_SMILING.sub(person, answer)


def denied_as_asked(question: str, answer: str) -> str | None:
    """A No whose correction denies another noun of the asked gender than the question's, with the question's
    ("Does this person look like a grandmother?" of a boy got "No. This is a boy, not a girl." → "…, not a
    grandmother."); None when the answer denies the question's own noun, or nothing."""
    from unif2ace.data.captions import indefinite_article

    if (m := _NOT_A_NOUN.search(answer)) is None or (denied := NOUN_GENDER.get(m[3].lower())) is None:
        return None
    asked = [w for w in re.findall(r"[a-z]+", question.lower()) if NOUN_GENDER.get(w) == denied]
    if len(asked) != 1 or asked[0] == m[3].lower():
        return None
    return f"{answer[:m.start()]}{m[1]}{indefinite_article(asked[0])} {asked[0]}{answer[m.end():]}"


def described_pronouns(question: str, answer: str, caption: str) -> str | None:
    """The answer with its pronouns made the gender the user chose, or else the description's; None when
    it stands. A question that names the person by "she" or "he" sets the answer's pronouns ("Are her
    eyes closed?" of a man the model describes as a man → not "No, his eyes are open." but "No, her eyes
    are open."); one that names no one by a pronoun gets the description's ("Is the person here
    grinning?" → not "Yes. She is smiling." but "Yes. He is smiling."). An answer that names a gender
    itself ("This is a boy.") follows its own noun, and an answer or question with pronouns of both
    genders is left alone, as is every answer to a question about the gender that says "she" or "he"
    ("Is she male or female?" → "He is a man." stands: the pronoun must not decide). The pronouns are
    swapped by :func:`unif2ace.generation.contrast.swap_gender` ("her face" → "his face", "I see her
    smiling." → "I see him smiling."). "It" as the subject of what only a person does ("No, it is smiling.") or
    is (an age group: "Yes, it is a senior.") becomes the person's pronoun, as does "this" as the subject of what
    only a person does ("Yes, this is smiling.")."""
    from unif2ace.data.questions import asked_attribute
    from unif2ace.evaluation.attributes import parse_attribute
    from unif2ace.generation.contrast import swap_gender

    chosen = pronoun_genders(question)
    about_gender = asked_attribute(question) == "gender" or "gender" in _asked_values(question)
    if len(chosen) > 1 or chosen and about_gender:
        return None  # a question about the gender is answered by the model, never by the user's pronoun
    # a noun in the answer itself ("This is a boy.", which the grounding may have voted for) comes first
    gender = (parse_attribute(_without_pronouns(answer), "gender") or next(iter(chosen), None)
              or _described(caption).get("gender"))
    found = pronoun_genders(answer)
    if len(found) > 1 and gender is not None and not about_gender and not chosen - {gender}:
        # one person, both genders' pronouns ("He is 4 years old, so she is a child." to "Is she a toddler or a
        # schoolgirl?"): each clause whose pronouns are all the other gender's is swapped
        other = "male" if gender == "female" else "female"
        parts = re.split(r"(?<=[.!?;,])(\s+)", answer)
        fixed = "".join(swap_gender(part, pronouns_only=True) if pronoun_genders(part) == {other} else part
                        for part in parts)
        return fixed if fixed != answer else None
    if not found and gender is not None and (m := _IT_PERSON.match(answer) or _THIS_PERSON.match(answer)):
        # "Is she crying?" got "No, it is smiling.", "Is this lady smiling?" "Yes, this is smiling.": the person
        he = "she" if gender == "female" else "he"
        return m[1] + (he.capitalize() if m[2][0].isupper() else he) + answer[m.end():]
    if len(found) != 1 or gender is None or found == {gender}:
        return None
    return swap_gender(answer, pronouns_only=True)


# an answer that corrects the gender its question supposed ("No. This is a woman, not a man.")
_GENDER_CORRECTED = re.compile(r"\bthis is an? (woman|girl|man|boy), not an? (?:man|boy|woman|girl)\b", re.I)


def agreeing_pronouns(answers: list[str]) -> list[str]:
    """The answers to the parts of one message ("Is the man in the hat smiling, and how old is he?"), each with the
    pronouns of the gender one of them corrects the question to ("No. This is a woman, not a man. She is smiling."
    then "She is 36 years old …", not "He is 36 …"); as they are when none corrects it, or two disagree."""
    from unif2ace.generation.contrast import swap_gender

    said = {"female" if m[1].lower() in ("woman", "girl") else "male" for a in answers if (m := _GENDER_CORRECTED.search(a))}
    if len(said) != 1:
        return answers
    gender = next(iter(said))
    return [swap_gender(a, pronouns_only=True) if pronoun_genders(a) == {"female", "male"} - {gender} else a
            for a in answers]


# "it" as the subject of what only a person does ("No, it is smiling."), never of the photo ("It is in color.")
_PERSON_DOES = (r"\s+(?:is|was)\s+(?:not\s+)?(?:smiling|grinning|frowning|crying|laughing)\b|"
                r"\s+looks\s+(?:happy|sad|neutral|surprised|calm)\b")
_IT_PERSON = re.compile(rf"^(\s*(?:(?:yes|no)[,.]\s+)?)(it)(?={_PERSON_DOES}|"
                        # an age group ("Would you call him a senior citizen?" got "Yes, it is a senior.")
                        r"\s+is\s+(?:not\s+)?(?:an?\s+)?(?:senior|teenager|teen|young adult|middle-aged)\b)", re.I)
# "this" for the person doing it ("Is this lady smiling?" got "Yes, this is smiling."; "Yes, this is a senior." stands)
_THIS_PERSON = re.compile(rf"^(\s*(?:(?:yes|no)[,.]\s+)?)(this)(?={_PERSON_DOES})", re.I)


def pronoun_genders(text: str) -> set[str]:
    """The genders of the third-person pronouns in ``text`` ({"female"}, {"male"}, both or none)."""
    words = {m.group(0).lower() for m in _PRONOUNS.finditer(text)}
    return ({"female"} if words & {"she", "her", "hers", "herself"} else set()) | \
        ({"male"} if words & {"he", "his", "him", "himself"} else set())


_THIRD_PERSON_CANT_TELL = re.compile(r"^\s*(?:he|she|they|it|this person)\s+(?=(?:can't|cannot|can not) tell\b)", re.I)


# expressions a user may offer as one side of a choice ("Is she angry or sad?") that no label states, so never the
# described one; the labelled ones are read by attributes._EMOTIONS ("upset" → sad, "calm" → neutral)
_UNLABELLED_EXPRESSION = re.compile(UNLABELLED_EXPRESSIONS, re.I)
# ("Is this person angry or just neutral?" and "Is she angry, or is she neutral?" got "Happy.")
# and the options listed before them ("Happy, sad or neutral?" got "Neither: she looks happy.")
_EITHER_OR_OPTIONS = re.compile(r"((?:\w+\s*,\s*)*)(\w+)\s*,?\s+or\s+"
                                r"(?:(?:is|are|does|do)\s+(?:he|she|they|it|this person|the person)\s+"
                                r"(?:(?:just|look|looks|seem|seems)\s+)?)?(?:(?:more|very|rather|a bit|just|simply|"
                                r"merely|only|somewhat|kind of|sort of)\s+)?(\w+)\W*$")


# a side asked as a choice ("Is the person facing left or right?" of a frontal face got "Straight toward the camera.")
_SIDE_CHOICE = re.compile(r"\b(?:left|right)\s+or\s+(?:the\s+)?(?:left|right)\b", re.I)


def neither_side(question: str, answer: str) -> str | None:
    """"Neither: straight toward the camera." for a question offering the left or the right side whose answer
    states a frontal pose; None for any other question or answer."""
    from unif2ace.evaluation.attributes import parse_attribute

    if not _SIDE_CHOICE.search(question) or answer.lower().startswith("neither") \
            or parse_attribute(answer, "head_pose", loose=True) != "frontal":
        return None
    return _led_by("Neither:", answer)


def neither_option(question: str, answer: str) -> str | None:
    """"Neither: happy." for an either/or question whose two options both name an expression other than the one
    the answer states ("Is she angry or sad?" got "Happy.", naming neither); None when an option is the answer's
    expression, when an option is not an expression word ("Is she sad or at ease?": a happy face may be at
    ease), or when the answer states no expression."""
    from unif2ace.evaluation.attributes import parse_attribute

    if (m := _EITHER_OR_OPTIONS.search(question.strip())) is None or answer.lower().startswith("neither"):
        return None  # most questions: no regex beyond this one
    said = parse_attribute(answer, "emotion")
    listed = [o.strip() for o in m[1].split(",") if o.strip()]
    options = [parse_attribute(o, "emotion") or ("other" if _UNLABELLED_EXPRESSION.fullmatch(o) else None)
               for o in (*listed, m[2], m[3])]
    if said is None or None in options or said in options:
        return None
    return _led_by("Neither:", answer)


# an either/or between two people at its end ("Girl or woman?", "Is he a boy or a man?", "Estimate: girl or lady?"):
# each option one word, or two ("a young man or an old man?")
_PEOPLE_EITHER_OR = re.compile(r"(?:^|(?<=[\s:,(]))(?:(?:an?|the)\s+)?((?:[\w-]+\s+)?[\w-]+)\s*,?\s+or\s+"
                               r"(?:(?:an?|the)\s+)?((?:[\w-]+\s+)?[\w-]+)\W*$", re.I)


def other_gender_option(options: Sequence[str], caption: str | None) -> str | None:
    """"Neither: he is a man." when every option names one gender ("girl", "woman") and the description
    ``caption`` the other ("Girl or woman?" of a man described as 27 got "27 years old: a young adult.", "Estimate:
    girl or woman?" his whole description); None when an option names another gender or none, or the description
    states no gender or the options' one."""
    from unif2ace.evaluation.attributes import parse_attribute, parse_caption

    genders = {parse_attribute(o, "gender", loose=True) for o in options}
    if caption is None or len(options) < 2 or len(genders) != 1 or None in genders:
        return None
    described = parse_caption(caption)
    if described.get("gender") in (None, *genders):
        return None
    return f"Neither: {'he' if described['gender'] == 'male' else 'she'} is {_described_person(described)}."


def gender_neither(question: str, caption: str | None) -> str | None:
    """:func:`other_gender_option` for an either/or question that ends with its two options ("Is this a girl or a
    woman?")."""
    m = _PEOPLE_EITHER_OR.search(question.strip()) if caption else None
    return None if m is None else other_gender_option([m[1], m[2]], caption)


def _led_by(lead: str, answer: str) -> str:
    """``answer`` after ``lead``, its first letter in lower case ("Neither:" + "She looks happy." → "Neither: she
    looks happy.")."""
    body = answer.strip()
    return f"{lead} {body[0].lower()}{body[1:]}"


_VALENCE_CHOICE = re.compile(r"\bpositive\b.*\bor\b.*\bnegative\b|\bnegative\b.*\bor\b.*\bpositive\b", re.I)
_VALENCE = {"happy": "Positive", "sad": "Negative", "neutral": "Neither"}  # a surprised face may be either


# a yes/no question on the expression's valence ("Is the face expression positive?" got "No. She is smiling." of four
# smiling faces in five; "Is the mood negative?")
_VALENCE_YES_NO = re.compile(r"^\W*(?:is|are|does|do|would you say|would you call)\b(?!.*\bor\b)[\w'\s]{0,40}?\b"
                             r"(positive|negative|upbeat|downbeat)\b", re.I)


def asks_valence(question: str) -> bool:
    """Whether a yes/no question asks if the expression is positive or negative ("Is her expression positive?")."""
    if _VALENCE_YES_NO.match(question.strip()) is None:
        return False
    if _EXPRESSION_NAMED.search(question):
        return True
    # no expression named: not of the photo ("Is the photo negative?") nor of anything no label states ("Is she HIV
    # positive?" is about her health)
    return not re.search(r"\b(?:photo|picture|image|pic|film|shot|test)\b", question, re.I) and not unseen_question(question)


_EXPRESSION_NAMED = re.compile(r"\b(?:expression|face|mood|emotion|emotions|look|looks|vibe|feeling|feelings|"
                               r"demeanou?r|attitude)\b", re.I)


def valence_yes_no(question: str, caption: str | None) -> str | None:
    """The answer to whether the expression is positive (or negative), from the one the description states: "Yes,
    she looks happy.", "No, he looks neutral."; "It could be either: …" for a surprised face; None for
    another question, or a description that states neither an expression nor a smile."""
    if caption is None or not asks_valence(question):
        return None
    attrs = _described(caption, _SHOWN)
    if (shown := _shown_expression(attrs)) is None:
        return None
    felt = _felt_expression(attrs)
    if felt not in _VALENCE:  # surprise: either way
        return f"It could be either: {shown}."
    positive = _VALENCE_YES_NO.match(question.strip())[1].lower() in ("positive", "upbeat")
    truth = _VALENCE[felt] == ("Positive" if positive else "Negative")
    return f"{'Yes' if truth else 'No'}, {shown}."


def valence_option(question: str, answer: str) -> str | None:
    """The option an expression answer takes of "positive or negative?" ("Is the expression positive or
    negative?" got "Happy.", naming neither): "Positive: happy.", "Negative: she looks sad.", "Neither: neutral.";
    None for any other question, an answer that states no expression or one that may be either (surprise)."""
    from unif2ace.evaluation.attributes import parse_attribute

    if not _VALENCE_CHOICE.search(question) or re.match(r"\s*(?:positive|negative|neither)\b", answer, re.I):
        return None
    if (option := _VALENCE.get(parse_attribute(answer, "emotion"))) is None:
        return None
    return _led_by(f"{option}:", answer)


# (not "Why is that?", which asks about the last answer)
_WHY_PERSON = re.compile(r"^\W*why (?:is|are|was|were|does|do|did|has|have|would|might|could) (?:he|she|they|this|that|"
                         r"the|his|her|their)\b(?!\s*[?.!]*$)", re.I)


def asks_why(question: str) -> bool:
    """A question about why the person looks as they do ("Why is she sad?", "Why is this person smiling?"); not
    "Why is that?" or "Why do you think so?", which ask about the last answer."""
    return bool(_WHY_PERSON.match(question))


_EXPRESSION_WORDS = re.compile(r"\b(?:smil\w*|grin\w*|laugh\w*|frown\w*|cry\w*|expression|mood|feel\w*)\b", re.I)


def why_answer(question: str, answer: str, caption: str | None = None) -> str | None:
    """"I can't tell why from this photo; …" for a question about why the person looks as they do: with the
    expression the description states when the question names one ("Why is he sad?" of a man described as happy →
    "I can't tell why from this photo; he looks happy."; it got "I can't tell from this photo."), else before the
    answer ("Why is this person smiling?" → "I can't tell why from this photo; he is smiling."; it got "He is
    smiling.", as if it knew); None for any other question, or an answer that already says it can't tell and no
    description to say more."""
    from unif2ace.data.questions import says_cant_tell
    from unif2ace.evaluation.attributes import parse_attribute

    if not asks_why(question):
        return None
    named = parse_attribute(question, "emotion") or _OTHER_EMOTION.search(question) or _EXPRESSION_WORDS.search(question)
    if caption is not None and named and (shown := _shown_expression(_described(caption, _SHOWN))) is not None:
        return f"I can't tell why from this photo; {shown}."
    if not answer.strip() or says_cant_tell(answer):
        return None
    return _led_by("I can't tell why from this photo;", answer)


# Children's gender is read right about three times in four (the description's on val's 151 children 74.8%, the
# model's on test-128's 46 73.9%, against 97.6% from 13 on; docs/evaluation.md, "Gender of children"): an answer
# about it says so
CHILD_GENDER_CAVEAT = "A young child's gender is hard to tell from a face, so I may be wrong."


def child_gender_caveat(question: str, answer: str, caption: str | None) -> str | None:
    """``answer`` with :data:`CHILD_GENDER_CAVEAT` after it, for a question about the gender (alone, or with the
    age: "Is this a boy?") of a person the description calls a child ("Boy or girl?" → "A girl. A young child's
    gender is hard to tell from a face, so I may be wrong."); None for any other question, person or answer (one
    that names no gender, or says it can't tell)."""
    from unif2ace.data.questions import says_cant_tell
    from unif2ace.evaluation.attributes import parse_attribute

    if caption is None or CHILD_GENDER_CAVEAT in answer or says_cant_tell(answer):
        return None
    asked = asked_of(question)
    # ("Is this a boy?" asks a child's gender and age; the gender is the unsure part)
    if "gender" not in asked or not set(asked) <= {"gender", "age_group"} \
            or _described(caption, ("age_group",)).get("age_group") != "child":
        return None
    if parse_attribute(_without_pronouns(answer), "gender") is None:
        return None
    return f"{answer.rstrip()} {CHILD_GENDER_CAVEAT}"


# A rating asked on a scale ("How happy is she on a scale of 1-10?", "Rate her smile from 1 to 5.",
# "… out of 10?"): the labels name an expression, never how strong it is
_SCALE = re.compile(r"\bon a scale\b|\bscale (?:of|from)\b|\bout of (?:3|4|5|10|100)\b|"
                    r"\bfrom (?:0|1|one|zero) to (?:3|4|5|10|100|five|ten)\b|^\W*(?:please\s+)?(?:rate|score|grade)\b|"
                    r"(?<![\d.])(?:0|1)\s*(?:-|–|/)\s*(?:5|10|100)\b(?![.\d])", re.I)  # "How happy does she look, 1-10?"


# the photo's quality asked ("Is the photo quality good?", "Rate the photo quality from 1 to 10.", "How good is this
# picture?"): each got "I can't tell from this photo."; no label rates a photo, but its sharpness and light are told
_QUALITY_PHOTO = r"(?:photo|photograph|picture|image|pic|shot|snapshot|portrait)"
_PHOTO_QUALITY = re.compile(
    rf"\b{_QUALITY_PHOTO}(?:'s)?\s+quality\b|\bquality of (?:the |this |that |your )?{_QUALITY_PHOTO}|"
    rf"\b(?:image|photo|picture)\s+quality\b|^\W*(?:what(?:'s| is) the |how(?:'s| is) the |rate the |the )?quality\b|"
    rf"\b(?:high|low|good|bad|poor|decent|great|top)[- ]quality\b|"
    rf"\b(?:rate|score|grade|judge|assess|evaluate)\s+(?:the |this |that |my |your )?{_QUALITY_PHOTO}\b|"
    rf"\bhow good is (?:the|this|that|my) {_QUALITY_PHOTO}\b|^\W*is (?:the|this|that|my) {_QUALITY_PHOTO} (?:any )?good\b")
# a quality asked as a flaw, whose Yes is a bad photo's
_POOR_QUALITY = re.compile(r"\b(?:low|bad|poor|terrible|awful|lousy|crappy|worse|inferior|subpar|sub-par)(?:[- ]quality)?\b|"
                           r"\bquality\b[^?]*\b(?:bad|poor|low|lacking)\b", re.I)
# what a photo fit for a purpose needs beyond its look (those stay "I can't tell")
_PHOTO_PURPOSE = re.compile(r"\b(?:passport|id|visa|licen[cs]e|mugshot|linkedin|resume|cv|dating|profile|print)\b")
PHOTO_QUALITY_FACTS = frozenset({"sharpness", "lighting"})
_RATING = re.compile(r"\b(?:rate|rating|score|grade|number|percent|percentage)\b", re.I)  # a number asked


def asks_photo_quality(question: str) -> bool:
    """Whether a question asks how good the photo is, which its sharpness and light answer (not whether it is fit
    for a purpose, "a passport photo", which they do not)."""
    q = question.lower()
    return bool(_PHOTO_QUALITY.search(q)) and not _PHOTO_PURPOSE.search(q)


# teeth shown ("Is she showing her teeth?", "Can you see his teeth?", "Are her teeth visible?", "Is she smiling with
# teeth?", "A toothy grin?"): no label states them, but a closed mouth hides them and an open one may show them
_TEETH_SHOWN = re.compile(r"\b(?:show(?:s|ing)?|see|visible|bar(?:e|es|ing)|flash(?:es|ing)?)\b.*\bteeth\b|"
                          r"\bteeth\b.*\b(?:show(?:s|ing|n)?|visible|seen|out)\b|"
                          r"\bwith\s+(?:(?:his|her|their|its|the|any|some|open|visible)\s+)?teeth\b|\btoothy\b", re.I)
# how far each described mouth shows the teeth
_TEETH_BY_MOUTH = {"closed": "No, {his} mouth is closed.",
                   "slightly open": "Possibly: {his} mouth is slightly open, but I can't tell whether {his} teeth show.",
                   "wide open": "Probably: {his} mouth is wide open."}


def asks_teeth(question: str) -> bool:
    """Whether a yes/no question asks if the teeth show ("Can you see his teeth?", "Is she smiling with teeth?")."""
    from unif2ace.data.questions import is_yes_no

    return bool(_TEETH_SHOWN.search(question)) and is_yes_no(question)


def teeth_answer(question: str, caption: str | None) -> str | None:
    """The answer to a yes/no question about teeth shown, from the mouth the description states: "No, her mouth is
    closed.", "Possibly: her mouth is slightly open, but I can't tell whether her teeth show.", "Probably: his mouth
    is wide open." ("Is she showing her teeth?" got "I can't tell from this photo." of a woman described with her
    mouth shut, "Is she smiling with teeth?" the same of one smiling with her mouth open); None for another
    question, or when the description states no mouth (the answer stays "I can't tell from this photo.")."""
    from unif2ace.data.questions import Person

    if caption is None or not asks_teeth(question):
        return None
    attrs = _described(caption, ("gender", "age_group", "mouth", "smile"))
    p = Person.of(attrs)
    if attrs.get("smile") is False and re.search(r"\b(?:smil|grin)", question, re.I):  # a smile with teeth, and none
        return f"No, {p.he} {p.be()} not smiling."
    if (said := _TEETH_BY_MOUTH.get(attrs.get("mouth"))) is None:
        return None
    return said.format(his=p.his)


# the eyes counted ("How many eyes are open?" got "Her eyes are open."): both or neither, as the description's eyes
# are open or closed together
_HOW_MANY_EYES = re.compile(r"\bhow many (?:of (?:her|his|their|the) )?eyes\b", re.I)


def eyes_counted(question: str, answer: str) -> str | None:
    """"Both: her eyes are open." / "Neither: his eyes are closed." for a question counting the open or closed eyes,
    from an answer that states the eyes; None for any other question or answer."""
    from unif2ace.evaluation.attributes import parse_attribute

    if not _HOW_MANY_EYES.search(question) or (eyes := parse_attribute(answer, "eyes")) not in ("open", "closed") \
            or re.match(r"\s*(?:both|neither|none|two|one)\b", answer, re.I):
        return None
    asked_open = not re.search(r"\b(?:closed|shut)\b", question, re.I)
    return _led_by("Both:" if (eyes == "open") == asked_open else "Neither:", answer)


# what the person is doing ("What's the baby doing?" got "I can't tell from the photo alone.", "What is she doing?"
# "I can't tell from this photo."): a face photo shows the face, and what it does is its expression
_DOING = re.compile(r"^\W*(?:(?:so|and|ok|okay)[,\s]+)?what(?:'s|\s+is|\s+are|\s+was)\s+(?:he|she|they|it|"
                    r"(?:the|this|that)\s+[\w-]+)\s+(?:doing|up\s+to)(?:\s+(?:here|there|in\s+(?:this|the)\s+"
                    r"(?:photo|picture|image|pic)))?\s*[?.!]*$", re.I)


def asks_doing(question: str) -> bool:
    """Whether a question asks what the person is doing ("What is she doing?", "What's the baby up to?")."""
    return _DOING.match(question.strip()) is not None


def doing_answer(question: str, caption: str | None) -> str | None:
    """"I can only see her face: she is smiling." to a question asking what the person is doing, from the description's
    smile or expression ("… not what she is doing." when it states neither); None for another question."""
    from unif2ace.data.questions import EMOTION_ADJ, Person

    if caption is None or not asks_doing(question):
        return None
    attrs = _described(caption, ("gender", "age_group", "smile", "emotion"))
    p = Person.of(attrs)
    if attrs.get("smile"):
        return f"I can only see {p.his} face: {p.he} {p.be()} smiling."
    if (feeling := attrs.get("emotion")) is not None:
        return f"I can only see {p.his} face: {p.he} {p.looks()} {EMOTION_ADJ.get(feeling, feeling)}."
    return f"I can only see {p.his} face, not what {p.he} {p.be()} doing."


def photo_quality_answer(question: str, caption: str | None) -> str | None:
    """The photo's quality as its description (with the sharpness and light filled in: ``UniF2ace._facts``) tells it:
    "Yes: it is in sharp focus and evenly lit." to a yes/no question, "I can't put a number on a photo's quality, but
    this one is in sharp focus and evenly lit." to one that asks a rating, else "The photo is in sharp focus and
    evenly lit."; None for another question, or when the description tells neither the sharpness nor the light."""
    from unif2ace.data.questions import is_yes_no
    from unif2ace.evaluation.attributes import parse_attribute

    if caption is None or not asks_photo_quality(question):
        return None
    sharp, light = parse_attribute(caption, "sharpness"), parse_attribute(caption, "lighting")
    if sharp is None and light is None:
        return None
    good = [w for w, ok in ((("in sharp focus", sharp == "sharp"), ("evenly lit", light == "even"))) if ok]
    bad = [w for w, ok in (("blurry", sharp == "blurry"), ("dimly lit", light == "dim"), ("brightly lit", light == "bright"))
           if ok]
    if is_yes_no(question):
        lead = "Yes" if not bad else "Not really" if not good else "Partly"
        if _POOR_QUALITY.search(question):  # "Is the photo low quality?" (got "Yes: it is in sharp focus.")
            lead = "No" if not bad else "Yes, somewhat" if not good else "Partly"
        said = " and ".join(good) if not bad else " and ".join(bad) if not good else f"{' and '.join(good)} but {' and '.join(bad)}"
        return f"{lead}: it is {said}."
    words = good + bad
    if parse_attribute(caption, "color") == "black and white":
        words.append("in black and white")
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    if _SCALE.search(question) or _RATING.search(question):
        return f"I can't put a number on a photo's quality, but this one is {listed}."
    return f"The photo is {listed}."  # described, not rated ("Could you describe the photo quality?")


# how far the shipped model's described age falls from the labelled one, 8 times in 10, by the described age's group
# (val-256 descriptions against UTKFace's ages, measured again on the weights of 5 Dec 2026, night: children within 2
# years, teens 6, young adults 10, the middle-aged 14, seniors 15 (stage 12's: 2, 8, 12, 14, 14); `python
# scripts/age_range_widths.py --model unif2ace/assets/models/default --split val`): the half-width of an age range
# asked for
AGE_RANGE_HALF_WIDTH = {"child": 2, "teen": 6, "young adult": 10, "middle-aged": 14, "senior": 15}
_AGE_RANGE = re.compile(r"\bage[ -]range\b|\brange of (?:ages|years)\b|\bbetween what ages\b|"
                        r"\b(?:give|estimate|guess|tell)\b[^.?!]*\b(?:a |an )?range\b|\brange like\b|"
                        r"(?:\b(?:plus or minus|give or take)|\+/-|±)\s*(?P<by>\d{1,2})?|"
                        # "Guess his age within 5 years." (got the one age)
                        r"\bwithin\s+(?P<within>\d{1,2})\s*(?:years?|yrs?)\b|"
                        # "Age estimate with confidence interval please" (got the one age)
                        r"\b(?:confidence|credible|prediction|error)\s+(?:interval|range|bars?|margin)\b|\bmargin of error\b")


def age_range_answer(question: str, answer: str) -> str | None:
    """An age range where one is asked ("Give me an age range for him.", "Estimate his age, plus or minus 5 years.",
    "age range?": each got the one age): the answer's age with the range the model's ages fall in 8 times in 10 at
    that age (:data:`AGE_RANGE_HALF_WIDTH`), or the asked "plus or minus N": "Roughly 33 to 61 years old (my best
    guess: 47)."; None for another question, one that offers ranges to choose from, or an answer with no age."""
    from unif2ace.evaluation.attributes import parse_age_years
    from unif2ace.generation.options import listed_choices, multiple_choice

    # a bracket shaped by an example ("What's the person's apparent age bracket (e.g. 20-29)?" got "She is 85 years old,
    # so she is a senior."; a bracket asked alone, "Which age bracket …?", is the age group)
    shown = _EXAMPLE_RANGE.search(question) if re.search(r"\bbrackets?\b", question, re.I) else None
    guesses = _GUESSES.search(question)
    m = _AGE_RANGE.search(question.lower()) or shown or guesses
    if m and (listed_choices(question) or multiple_choice(question)):
        # ranges offered to choose from ("In which age range: 0-17, 18-34, 35-54, 55+?" got a range of its own, whose
        # top, 61, chose "55+" for a man described as 47): the described age chooses
        return None
    years = parse_age_years(answer) if m else None
    if years is None:
        return None
    age = round(years)
    if shown is not None and 2 <= (width := int(shown[2]) - int(shown[1]) + 1) <= 20:
        # the bracket of the example's width and alignment that holds the age (a range given as an example, "Give a
        # range like 20-25.", is the form alone: the usual width)
        start = (age - int(shown[1]) % width) // width * width + int(shown[1]) % width
        return f"{max(start, 0)}-{start + width - 1} (my best guess: {age})."  # the first bracket from 0
    if (wide := _RANGE_WIDTH.search(question)) is not None and 2 <= (width := int(next(filter(None, wide.groups())))) <= 40:
        # a range of a width asked ("Give me an age range of 10 years." got "Roughly 7 to 19 years old")
        low = max(age - width // 2, 0)
        return f"Roughly {low} to {low + width} years old (my best guess: {age})."
    if m is guesses:  # "Give me your top 3 guesses for the age." (got the one age): the age, then others by half
        # the range's half-width on either side
        count = _COUNT_WORDS.get((n := m[1] or m[2]).lower()) or int(n)
        step = max(1, round(AGE_RANGE_HALF_WIDTH[age_group(age)] / 2))
        others = [a for k in range(1, count) for a in (age - k * step, age + k * step) if a >= 0][:count - 1]
        listed = others[0] if len(others) == 1 else f"{', '.join(map(str, others[:-1]))} and {others[-1]}"
        return f"My best guess is {age}; next, {listed}."
    asked = m["by"] or m["within"] if m.re is _AGE_RANGE else None
    half = int(asked) if asked else AGE_RANGE_HALF_WIDTH[age_group(age)]
    if scaled := _RANGE_SCALED.search(question):  # "… 2 times narrower" (a chat's "Narrower." after a range)
        factor = int(scaled[1])
        half = max(1, round(half / factor)) if scaled[2].lower() == "narrower" else half * factor
    return f"Roughly {max(age - half, 0)} to {age + half} years old (my best guess: {age})."


# several guesses asked at once ("Give me your top 3 guesses for the age.", "What are your two best estimates?")
_GUESSES = re.compile(r"\b(?:top|best|first)\s+([2-5]|two|three|four|five)\s+(?:age\s+)?(?:guesses|estimates|picks)\b|"
                      r"\b([2-5]|two|three|four|five)\s+(?:best\s+|top\s+)?(?:age\s+)?(?:guesses|estimates)\b", re.I)
_RANGE_SCALED = re.compile(r"\b(\d{1,2}) times (narrower|wider)\b", re.I)
_EXAMPLE_RANGE = re.compile(r"(?:\be\.?g\.?|\bfor example|\bfor instance|\blike|\bsuch as|\bsay)[,:]?\s*[\"'(]?(\d{1,2})\s*"
                            r"(?:-|–|to)\s*(\d{1,2})\b", re.I)


_RANGE_WIDTH = re.compile(r"\b(?:range|span|window|bracket)\s+of\s+(\d{1,2})\s*(?:years?|yrs?)\b|"
                          r"\b(\d{1,2})[- ](?:years?|yrs?)[- ](?:range|span|window|bracket)\b|"
                          r"\b(\d{1,2})\s*(?:years?|yrs?)\s+wide\b", re.I)


def scale_answer(question: str, answer: str, caption: str | None = None) -> str | None:
    """"I can't put a number on that from a photo; …" for an expression asked as a number on a scale, with the
    expression the description states, else the answer's ("How happy is this person on a scale of 1-10?" got
    "Happy.", as if it were a rating); None for any other question (an age asked "on a scale" is answered as an
    age), or when neither states an expression."""
    from unif2ace.data.questions import asked_attributes, says_cant_tell
    from unif2ace.evaluation.attributes import parse_attribute

    if not _SCALE.search(question):
        return None
    if not ({"emotion", "smile"} & set(asked_attributes(question)) or _EXPRESSION_WORDS.search(question)):
        return None
    if caption is not None and (shown := _shown_expression(_described(caption, _SHOWN))) is not None:
        return f"I can't put a number on that from a photo; {shown}."
    if says_cant_tell(answer) or parse_attribute(answer, "emotion") is None and parse_attribute(answer, "smile") is None:
        return None
    return _led_by("I can't put a number on that from a photo;", answer)


# odds asked as a number ("What percentage chance is this a woman?" got "Yes. This is a woman.", "What are the odds
# she's over 50?"): the model reads no probability, so the answer says so and gives its reading
# (not "Any chance this is a woman?", which asks yes or no)
_ODDS = re.compile(r"\b(?:percentage|percent|probability|odds)\b|%|\bwhat(?:'s| is| are) the chances?\b", re.I)


# a confidence asked as a number beside an open question ("Give a confidence score for your gender prediction." got "A
# woman.", "What's the gender, with your confidence level?")
_CONFIDENCE_NUMBER = re.compile(r"\b(?:confidence|certainty)\s+(?:score|level|rating|value|percentage|number)s?\b|"
                                r"\bhow (?:confident|sure|certain)\b[^?.!]*(?:\b(?:percent|percentage|scale|score)\b|%|"
                                r"\bfrom \d+ to \d+\b|\bout of \d+\b)", re.I)  # "…, from 1 to 5?"


def odds_answer(question: str, answer: str) -> str | None:
    """"I can't put a number on it from one photo; …" before a yes/no answer without its Yes or No, for a yes/no
    question asked as a percentage, a probability, odds or a chance ("What percentage chance is this a woman?" →
    "I can't put a number on it from one photo; this is a woman."), and before the answer to an open question that
    asks a confidence score with it ("Give a confidence score for your gender prediction." → "…; this is a woman.");
    None for any other question or answer."""
    from unif2ace.data.questions import says_cant_tell

    if _YES_NO_START.match(answer):
        return _led_by("I can't put a number on it from one photo;", without_yes_no(answer)) \
            if _ODDS.search(question) or _CONFIDENCE_NUMBER.search(question) else None
    if not _CONFIDENCE_NUMBER.search(question) or says_cant_tell(answer) or "\n" in answer.strip() \
            or answer.lstrip()[:1] in ("{", "[", "|"):
        return None  # (a reply in a form, JSON or a table, keeps its form)
    return _led_by("I can't put a number on my confidence from one photo; my reading:", answer)


# how sure the model is, asked beside a question without a number ("Man or woman, and how confident are you?" and
# "Guess the age and tell me how sure you are." got the answer alone); a number asked is _CONFIDENCE_NUMBER's
_CONFIDENCE_ASKED = re.compile(r"\bhow (?:confident|sure|certain) (?:are|r) (?:you|u)\b|\bhow (?:confident|sure|certain) "
                               r"(?:you are|you're)\b|\b(?:your|the) (?:confidence|certainty)(?! (?:score|rating|value|"
                               r"percentage|number))\b", re.I)


_HOW_SURE_THAT = re.compile(r"^\W*how\s+(?:confident|sure|certain)\s+(?:are\s+you|r\s+u|is\s+the\s+model)\s+that\b", re.I)


def confidence_added(question: str, answer: str) -> str | None:
    """``answer`` with how sure the model is, for a question that asks that beside what it asks ("Is this a man or a
    woman, and how confident are you?" → "A man. I'm fairly sure, but I judge from this one photo and can be wrong,
    though rarely about a grown-up's gender: …"), by what the question asks about (as a doubt is answered:
    "Are you sure?"); None for any other question, a number asked (:func:`odds_answer`), an answer in a form, one
    that already says it may be wrong, or a message that is only the doubt (small talk)."""
    from unif2ace.data.questions import says_cant_tell

    if not _CONFIDENCE_ASKED.search(question) or _CONFIDENCE_NUMBER.search(question) or small_talk(question) \
            or says_cant_tell(answer) or "\n" in answer.strip() or answer.lstrip()[:1] in ("{", "[", "|") \
            or re.search(r"\b(?:I (?:may|might|can|could) be wrong|not (?:entirely )?sure)\b", answer, re.I):
        return None
    wrong = _mostly_wrong_about(question, question, answer)
    body = answer.strip()
    if _HOW_SURE_THAT.match(question):  # "How confident are you that this is a woman?": no "Yes." before the answer
        body = re.sub(r"^yes\b[,.!]?\s*", "", body, flags=re.I)
        body = body[:1].upper() + body[1:]
    return f"{body}{'' if body.endswith(('.', '!', '?')) else '.'} I'm fairly sure, but I judge from this one photo " \
           f"and can be wrong, {wrong}."


# "What would be a good emoji for this face?" (got the whole description), "Which emoji matches her expression?"
_EMOJI_ASKED = re.compile(r"\b(?:emojis?|emoticons?)\b", re.I)
EMOJI = {"happy": "😊", "neutral": "😐", "sad": "😢", "surprise": "😮"}


def emoji_answer(question: str, caption: str | None) -> str | None:
    """An emoji for the expression the description states, and the expression in words: "😊 (she looks happy)";
    a smile alone is 😊, no smile 😐. None for a question that asks no emoji, or a description that states neither."""
    if caption is None or not _EMOJI_ASKED.search(question):
        return None
    attrs = _described(caption, _SHOWN)
    if (shown := _shown_expression(attrs)) is None:
        return None
    return f"{EMOJI[_felt_expression(attrs)]} ({shown})"


# whether the face shows an emotion at all ("Does the face show any emotion?" got "Yes. It is a photo of a woman.",
# "No. It is a photo of a person." of a neutral one; "Is the person showing emotion?", "Is there any emotion on his
# face?"): no label names "some emotion", so it is read from the one the description states
_EMOTION_SHOWN = re.compile(r"^\W*(?:does|do|is|are|can you see|do you see|is there|are there)\b(?:[\w'\s]{0,40}?)\b"
                            r"(?:show|shows|showing|display|displays|displaying|express|expresses|expressing|convey|"
                            r"conveys|conveying|any|some|much|an?)\s+(?:(?:any|some|much|an?|real|visible|strong|"
                            r"clear|particular)\s+)?(?:emotions?|feelings?|expression)\b(?!\s+(?:of|like)\b)"
                            r"(?:\s+(?:on|in)\s+(?:the|his|her|their|this)\s+face)?\s*(?:at all)?\s*[?.!]*$", re.I)


def asks_shown_emotion(question: str) -> bool:
    """Whether a question asks if the face shows any emotion at all ("Does the face show any emotion?")."""
    return bool(_EMOTION_SHOWN.match(question))


def shown_emotion_answer(question: str, caption: str | None) -> str | None:
    """The answer to whether the face shows any emotion, from the expression the description states: "No, she looks
    neutral." (or "No, he is not smiling." where it states a smile's absence alone), "Yes, she looks happy."; None for
    another question, or a description that states neither an expression nor a smile."""
    if caption is None or not asks_shown_emotion(question):
        return None
    attrs = _described(caption, _SHOWN)
    if (shown := _shown_expression(attrs)) is None:
        return None
    return f"{'No' if _felt_expression(attrs) == 'neutral' else 'Yes'}, {shown}."


def first_person_cant_tell(answer: str) -> str | None:
    """"I can't tell …" for an answer that says someone else can't ("She can't tell from the photo
    alone." to "How is this person feeling?": the model's "I can't tell" with the subject's pronoun);
    None when it stands."""
    fixed = _THIRD_PERSON_CANT_TELL.sub("I ", answer, count=1)
    return fixed if fixed != answer else None


_ONE_YEARS = re.compile(r"\b(1|one)(\s*-?\s*)years\b", re.I)
_ZERO_YEARS = re.compile(r"\b0 years old\b", re.I)
# an age written with "adult" for its unit ("She is 1 adult, so she is a child.", and a val description "a White
# little boy who is 1 adult, …", which named no age for the answers to read): the model's slip for "years old"
_ADULT_YEARS = re.compile(r"\b(?:((?:he|she|they|who|it|person|child|kid|baby|boy|girl|man|woman)(?:\s+(?:is|are|was)|'s))|"
                          r"(aged))\s+(\d{1,3})\s+adults?\b", re.I)


def singular_years(text: str) -> str:
    """``text`` with "1 years old" made "1 year old" and "0 years old" "less than a year old", as the
    training data writes ages (:func:`unif2ace.data.captions.years_old`); the model copies the plural
    of every other age onto a one-year-old; an age written "1 adult" ("She is 1 adult, so she is a child.") is
    made "1 year old". Punctuation the model starts an answer with is dropped ("Is she
    laughing or just smiling?" got ". She is smiling.": the stop after a Yes or No it did not write)."""
    text = re.sub(r"^[\s.,;:!?]+(?=\w)", "", text)
    text = _ADULT_YEARS.sub(lambda m: f"{m[1]} {m[3]} years old" if m[1] else f"{m[2]} {m[3]}", text)
    text = _ONE_YEARS.sub(lambda m: m.group(1) + m.group(2) + ("Year" if m.group(0)[-5] == "Y" else "year"), text)
    return _ZERO_YEARS.sub(lambda m: "Less than a year old" if not text[:m.start()].strip(" \"'") or
                           text[:m.start()].rstrip()[-1:] in ".!?" else "less than a year old", text)


def _described(caption: str, names: tuple[str, ...] = ASKED_ATTRIBUTES) -> dict:
    """The gender, age group and smile (or ``names``) the model's description states ({attribute: value}).

    A description that names an expression other than happy but says nothing of a smile ("He has a
    neutral expression. He has his mouth slightly open.") describes a face that is not smiling: in the
    labelled UTKFace data 44 of 3,504 faces with such an expression smile (1.3%), against 5,282 of 5,494
    happy ones (``unif2ace data stats``: "emotion and smile labels together"). A happy expression alone is
    not read as a smile. A description that states no tilt describes an upright head: 51 of the data set's 8,998
    labelled heads are tilted (0.6%; ``unif2ace data stats``), the model's own Yes/No to a tilt was not grounded,
    and "Is her head upright?" got "No. Her head is tilted." of photos whose "Is the head tilted?" got "No, her head
    is upright." (no training question asks a tilt)."""
    from unif2ace.evaluation.attributes import parse_attribute

    out = {k: v for k in names if (v := parse_attribute(caption, k)) is not None}
    if "smile" in names and "smile" not in out and parse_attribute(caption, "emotion") not in (None, "happy"):
        out["smile"] = False
    if "head_tilt" in names and "head_tilt" not in out:
        out["head_tilt"] = "upright"
    return out


# a person named by an ethnicity alone, the noun and age left out ("… it shows a Black. He is not smiling …": one
# val description in 48, decoded greedily)
_BARE_ETHNICITY = re.compile(r"\b(an?)\s+((?:South\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)(?=\s*[.;,])")


def with_age(description: str, years: float) -> str:
    """A description that names no age, given ``years`` (the model's answer to :data:`AGE_WORDING`): a person
    named by an ethnicity alone gets the noun and the age ("it shows a Black." → "it shows a Black boy, aged
    17."), any other description a sentence with the age ("He is about 17 years old.")."""
    from unif2ace.data.captions import years_old
    from unif2ace.data.questions import Person, _gender_word
    from unif2ace.evaluation.attributes import parse_attribute

    attrs = {**_described(description), "age_group": age_group(years)}
    if "gender" not in attrs and len(said := pronoun_genders(description)) == 1:
        attrs["gender"] = next(iter(said))  # "… a Black. He is not smiling …"
    bare = next((m for m in _BARE_ETHNICITY.finditer(description) if parse_attribute(m[2], "ethnicity", loose=True) is not None), None)
    if bare is not None and "gender" in attrs:
        noun = _gender_word(attrs).split(" ", 1)[1]  # "a man" → "man"
        aged = f"aged {round(years)}" if years >= 1 else years_old(years)
        return f"{description[:bare.start()]}{bare[1]} {bare[2]} {noun}, {aged}{description[bare.end():]}"
    if (glued := _GLUED_AGE.search(description)) is not None:
        # an age glued to a broken word ("an Asian boy who is 1urry." of a boy of 1): the age in the words it began
        aged = (f"aged {round(years)}" if years >= 1 else years_old(years)) if glued[1].lower() == "aged" else \
            f"{glued[1]} {years_old(years if years < 1 else round(years))}"
        return f"{description[:glued.start()]}{aged}{description[glued.end():]}"
    p = Person.of(attrs)
    about = years_old(years) if years < 1 else f"about {years_old(round(years))}"
    return f"{description.rstrip()} {p.cap()} {p.be()} {about}."


# an age the decoder glued to a word piece ("who is 1urry.", "aged 3parted"), which reads as no age
_GLUED_AGE = re.compile(r"\b(who (?:is|was)|aged)\s+\d{1,3}(?!(?:s|th|st|nd|rd|yo)\b)[a-z]+\b", re.I)


def states_expression(description: str) -> bool:
    """Whether a description states an expression or a smile (else :func:`with_expression` gives it one)."""
    from unif2ace.evaluation.attributes import parse_attribute

    return any(parse_attribute(description, a) is not None for a in ("emotion", "smile"))


def with_expression(description: str, answer: str) -> str:
    """A description that states neither an expression nor a smile, given the expression ``answer`` names (the
    model's answer to :data:`EXPRESSION_WORDING`) as its second sentence, where training captions state it ("The
    image shows a White man who is 52 years old. He looks neutral. He has his mouth shut. …"). Such a description
    left each expression question to its own decoded answer: "What's the vibe of this picture?" got "He looks
    neutral." and "Is the mood cheerful?" "Yes. He looks happy." of one photo. Any other description, or an
    answer naming no expression, is returned as it is."""
    from unif2ace.data.questions import EMOTION_ADJ, Person
    from unif2ace.evaluation.attributes import parse_attribute

    adjective = EMOTION_ADJ.get(parse_attribute(answer, "emotion"))
    if adjective is None or states_expression(description):
        return description
    attrs = _described(description, ("gender",))
    if "gender" not in attrs and len(said := pronoun_genders(description)) == 1:
        attrs["gender"] = next(iter(said))
    p = Person.of(attrs)
    first, *rest = re.split(r"(?<=[.!])\s+(?=[A-Z])", description.strip(), maxsplit=1)
    return " ".join([first, f"{p.cap()} {p.looks()} {adjective}.", *rest])


def without_yes_no(answer: str) -> str:
    """A yes/no answer without its Yes or No, for a choice asked as a yes/no question ("Is the head straight or
    tilted?", asked as "Is the head tilted?": "No, her head is upright." → "Her head is upright.")."""
    rest = re.sub(r"^\s*(?:yes|no)\b[,.;:]?\s*", "", answer, count=1, flags=re.I)
    return rest[:1].upper() + rest[1:] if rest else answer


def _vote(said, got, second):
    """The majority of the description's value, the answer's and the second wording's (the description
    breaks ties; None values abstain)."""
    votes = [v for v in (said, got, second) if v is not None]
    return max(votes, key=lambda v: (votes.count(v), v == said)) if votes else None


def _names_an_age(words: str) -> bool:
    """Whether ``words`` name an age, in years or as a group."""
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute

    return parse_age_years(words) is not None or parse_attribute(words, "age_group") is not None


_HEDGED = re.compile(r"\s*yes,\s+possibly\b", re.I)  # a Yes already said as a maybe


def _names_described_age(words: str, years: float | None, attrs: dict) -> bool:
    """Whether the age ``words`` name (in years or as a group) is the description's: ``years`` (when it
    gives one) and its group ``attrs["age_group"]`` ("Yes, she is a senior." of a woman described as 52
    names another; so does "No, he is a young adult, not a senior." of a man described as 37)."""
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute

    named = parse_age_years(words)
    group = parse_attribute(words, "age_group")
    return (named is None or years is None or round(named) == round(years)) and \
        (group is None or group == attrs.get("age_group"))


# A yes/no question about the age group is answered "no" from the description only when the age it
# states lies more than this many years outside the asked group's range (AGE_GROUPS): the description's
# age is often off by a few years, and the next group is then a near miss, not a contradiction.
AGE_MARGIN_YEARS = 10
_GROUP_RANGES = {name: (lo, up) for (lo, (up, name)) in zip([0] + [u + 1 for u, _ in AGE_GROUPS[:-1]], AGE_GROUPS)}


# An age asked as a number or a narrow span ("Is she about 40?", "in her thirties", "a high schooler") is a near miss
# only within this many years: on every val photo (428), a described age 6–10 years outside a ±3-year span had the
# labelled age inside it 8.9–12.3% of the time (1–5 years outside: 13.7–26.8%; inside: 48.1%;
# ``scripts/described_age_spans.py``), so "Would you say she's around 20?" of a woman described as 32 is a No, not
# "Yes, possibly". Age groups and one-sided bounds keep ``age_margin``.
NUMBER_MARGIN_YEARS = 5


def _a_number(span: tuple[float, float]) -> bool:
    """Whether an asked age range is a number or a narrow span (both ends, at most 10 years apart), not a bound
    ("over 60" → (61, 200)) or a wide range ("working age" → (18, 64))."""
    return span[1] < 200 and span[1] - span[0] <= 10


def _years_outside(years: float, group: str | tuple[float, float]) -> float:
    lo, up = _GROUP_RANGES[group] if isinstance(group, str) else group
    return max(lo - years, years - up, 0.0)


def _law_age(verb: str, noun: str, plain: bool) -> re.Pattern:
    """A question whether the person is of the age the law sets to ``verb`` ("old enough to vote", "Can he legally
    drive?", "of drinking age"); ``plain``: also with a plain "can" or "able to", for what only the law stops."""
    how = r"(?:legally\s+|be\s+able\s+to\s+)?" if plain else r"legally\s+"
    allowed = r"allowed|eligible|permitted|legally able" + (r"|able" if plain else "")
    return re.compile(rf"\bold enough to {verb}\b|\b(?:can|could|may)\s+(?:he|she|they|this|that|the|it)\b"
                      rf"[\w\s'’]{{0,20}}?\s+{how}{verb}\b|\b(?:{allowed})\s+to\s+{verb}\b|"
                      rf"\b(?:legal\s+)?{noun}[- ]age\b", re.I)


# An age asked as a bound ("older than 50", "over 60", "under 18", "at least 40", "30 or older", "an
# adult", "a minor", "a baby"): the inclusive range of whole years it means. A baby is not any child: "Is
# she a baby?" of a woman described as 20 is a near miss for "child" (0-12) but plainly not for 0-3.
_N = r"(\d{1,3})(?:\s*(?:years?|yrs?)(?:\s*old)?)?"
_AGE_BOUNDS = [
    (re.compile(rf"\b(?:older than|over|above|more than|past)\s+(?:the age of\s+)?{_N}", re.I), lambda n: (n + 1, 200)),
    # (not "younger than 56 and older than 12", two bounds)
    (re.compile(rf"\bat least\s+{_N}|\b{_N}\s*(?:\+|or (?:older|over|above|more)|and (?:over|up|older))"
                r"(?!\s+than\s+(?:\d|an?\b|the\b|most\b))",
                re.I),
     lambda n: (n, 200)),
    (re.compile(rf"\b(?:younger than|under|below|less than)\s+(?:the age of\s+)?{_N}", re.I), lambda n: (0, n - 1)),
    (re.compile(rf"\bat most\s+{_N}|\b{_N}\s*or (?:younger|under|less)", re.I), lambda n: (0, n)),
    # a decade as a bound ("in their 60s or older" got an age without a Yes or No; "30s or younger")
    (re.compile(r"\b([1-9]0)'?s\s+or (?:older|over|above|more)", re.I), lambda n: (n, 200)),
    (re.compile(r"\b([1-9]0)'?s\s+or (?:younger|under|below|less)", re.I), lambda n: (0, n + 9)),
    # (the bounds above name a number; asked_age_range reads them all together)
    (re.compile(r"\b(?<!young )(?<!young-)(?:adult|grown[- ]?up|grownup)\b|"
                # ("Is the person a grown man?" got "Yes, this is a boy." of a boy described as 1)
                r"\b(?:fully[- ])?grown\s+(?=(?:man|woman|men|women|person|people|male|female)\b)", re.I), lambda n: (18, 200)),
    (re.compile(r"\b(?:a )?(?:minor|underage|under age)\b", re.I), lambda n: (0, 17)),
    (re.compile(r"\b(?:newborn|newborns|new-born)\b", re.I), lambda n: (0, 0)),  # not any baby's 0-3
    (re.compile(r"\b(?:baby|babies|infant|infants|toddler|toddlers)\b", re.I), lambda n: (0, 3)),
    # stages of schooling and of the law ("Is this person a high schooler?" got "I can't tell", "Is this a
    # college-aged person?" "No. She is a young adult, not a senior.")
    (re.compile(r"\b(?:kindergarten|kindergartner|preschool|preschooler|nursery school)\b", re.I), lambda n: (3, 6)),
    # ("Would this kid be in daycare?" got "Yes, he is a child." of a boy described as 10)
    (re.compile(r"\b(?:daycare|day[- ]care|creche|crèche|nursery)\b", re.I), lambda n: (0, 5)),
    (re.compile(r"\b(?:elementary|primary|grade) school(?:er|ers)?\b|\bgrade[- ]schooler\b", re.I), lambda n: (5, 11)),
    (re.compile(r"\b(?:middle school(?:er|ers)?|junior high)\b", re.I), lambda n: (11, 14)),
    (re.compile(r"\bhigh[- ]?school(?:er|ers)?\b", re.I), lambda n: (14, 18)),
    (re.compile(r"\bcollege(?:[- ]age[d]?| student| kid)?\b|\buniversity (?:student|age)\b|\bundergrad(?:uate)?\b", re.I),
     lambda n: (18, 24)),
    (re.compile(r"\bold enough to (?:marry|get married)\b", re.I), lambda n: (18, 200)),
    # what the law allows at an age: "old enough to vote", "Can this person legally vote?", "Is he allowed to drive?"
    # (the last two got "I can't tell from this photo."), "of drinking age" (the US's); "Can she drive?" asks what she
    # can do (unseen_question)
    # What only the law stops ("Would this person be able to rent a car?", "Can this person buy cigarettes?" got "I
    # can't tell from this photo.") is asked with a plain "can" or "able to" too (``plain``); driving, which takes
    # skill, only with "legally" or "allowed"
    *[(_law_age(verb, noun, plain), lambda n, lo=lo: (lo, 200))
      for verb, noun, lo, plain in (("vote", "voting", 18, False), ("drive", "driving", 16, False),
                                    # "Would this person be allowed to buy alcohol in the US?" (got "I can't tell")
                                    (r"(?:drink(?:\s+alcohol)?|(?:buy|purchase)\s+(?:alcohol|beer|wine|liquor|booze|"
                                     r"a drink))", "drinking", 21, False),
                                    # the US's ages, as for drinking: tobacco since 2019, car rental firms' least
                                    (r"(?:smoke|vape|(?:buy|purchase)\s+(?:cigarettes|cigars|tobacco|a vape|vapes|"
                                     r"e-cigarettes|cigs|smokes))", "smoking", 21, True),
                                    (r"rent\s+a\s+car", "car[- ]rental", 21, True),
                                    (r"(?:gamble|go\s+(?:in)?to\s+a\s+casino)", "gambling", 21, True),
                                    (r"(?:buy|purchase)\s+(?:a\s+)?lottery\s+tickets?", "lottery", 18, True))],

    # "Is she of legal age?" got "No. She is not smiling.", "Is she a preteen?" "I can't tell from this photo."
    (re.compile(r"\blegal age\b|\bage of majority\b", re.I), lambda n: (18, 200)),
    (re.compile(r"\b(?:pre-?teen|pre-?teenager|tween)s?\b", re.I), lambda n: (9, 12)),
    (re.compile(r"\bover the hill\b|\bgolden years\b", re.I), lambda n: (56, 200)),  # as a bare "old"
    (re.compile(r"\bcentenarians?\b", re.I), lambda n: (100, 200)),
    # a decade of life in Latin ("Is she a nonagenarian?" got "I can't tell from this photo." of a woman of 90)
    *[(re.compile(rf"\b{word}genarians?\b", re.I), lambda n, d=d: (d, d + 9))
      for word, d in (("quadra", 40), ("quinqua", 50), ("sexa", 60), ("septua", 70), ("octo", 80), ("nona", 90))],
    # a school grade, at the ages of US schooling ("Is she in first grade?" got "I can't tell from this photo.")
    *[(re.compile(rf"\b(?:{nth}) grade", re.I), lambda n, k=k: (k + 5, k + 6))
      for k, nth in enumerate(("1st|first", "2nd|second", "3rd|third", "4th|fourth", "5th|fifth", "6th|sixth"), 1)],
    # "Is this kid old enough for school?" got "Yes, she is a child." of a girl described as 3
    (re.compile(r"\bold enough (?:for|to (?:go to|attend|start|be in)) (?:school|(?:primary|elementary|grade) school)\b",
                re.I), lambda n: (5, 200)),
    # the ages the law and work name ("Is this person of working age?" got "Yes. She is a child.")
    (re.compile(r"\b(?:legal\s+)?marrying[- ]age\b", re.I), lambda n: (18, 200)),
    (re.compile(r"\bworking[- ]age\b", re.I), lambda n: (18, 64)),
    # "Is this person of school age?" (got "No. It is a photo of a person." of a man of 60)
    (re.compile(r"\bschool[- ]age[d]?\b", re.I), lambda n: (5, 17)),
    # at school now ("Is this person likely to be in school?" got "I can't tell from this photo." of a girl described
    # as 6, and "Yes. He looks about 1 year old." of a boy described as 1)
    (re.compile(r"\b(?:(?:be|is|are|still)\s+(?:in|at)|attends?|attending|goes to|go to|going to)\s+school\b", re.I),
     lambda n: (5, 17)),
]
_NUMBER_BOUNDS = 6  # the first of _AGE_BOUNDS, each a bound at one number


_NOT_A_GROUP = re.compile(r"\bnot (?:a |an )?(?:child|kid|teen|teenager|young adult|middle-aged|senior|elderly)\b", re.I)


# the person's age told in a statement beside the question ("He's actually 50. Does he look his age?", "This person is
# 80 in this photo. Does this person look younger than their age?": each got "I can't tell: a photo shows how old
# someone looks, not how old they are" or "I can't tell from this photo.")
_THEIR_AGE_GIVEN = re.compile(r"\b(?:he's|she's|they're|he is|she is|they are|(?:this|the) (?:person|man|woman|guy|lady|"
                              r"girl|boy|kid|child|baby) is)\s+(?:actually\s+|really\s+|in fact\s+|only\s+|just\s+|"
                              r"already\s+)?(\d{1,3})(?!\s*(?:cm|kg|lbs?|%|percent))(?:\s*(?:years?|yrs?)(?:\s*old)?)?"
                              r"(?:\s+(?:in|here|now|today)\b[^.?!]*)?\s*[.!]", re.I)
_THEIR_AGE = r"(?:his|her|their)\s+(?:real\s+|actual\s+|true\s+)?age"


def _my_age_named(question: str) -> str:
    """The question with the asker's own age, when it gives one, where it says "me" or "my age": "Is she older than
    me? I'm 30." → "older than 30"; "Is this person about my age? I'm 35." (got "No. She is a young adult, not a
    senior." of a woman of 36) → "about 35"; "Older or younger than me? I'm 25." (got "75 years old: a senior.");
    and the person's, told beside the question, where it says "their age" or "than she is": "He's actually 50. Does he
    look his age?" → "look about 50", "She's 35. Does she look younger than her age?" → "younger than 35"."""
    if m := MY_AGE.search(question):
        question = re.sub(r"\bthan (?:me|I am|I'm|myself)\b", f"than {m[1]}", question, flags=re.I)
        question = re.sub(r"\b(?:(?:about|around|roughly|near|close to|approximately)\s+)?my age\b|"
                          r"\b(?:the same age as|as old as) (?:me|I am|I'm|myself)\b", f"about {m[1]}", question, flags=re.I)
        question = re.sub(r"\b(young|old)\s+for\s+(?:about\s+)?(\d{1,3})\b", r"\1er than \2", question, flags=re.I)
    if m := _THEIR_AGE_GIVEN.search(question):
        n = m[1]
        question = re.sub(rf"\bthan\s+(?:(?:he|she|they)(?:'s|'re|\s+(?:is|are|really is|actually is))|{_THEIR_AGE})\b",
                          f"than {n}", question, flags=re.I)
        question = re.sub(rf"\b(looks?|looking|appears?|seems?)\s+{_THEIR_AGE}\b", rf"\1 about {n}", question, flags=re.I)
        question = re.sub(rf"\b(young|old)\s+for\s+{_THEIR_AGE}\b", rf"\1er than {n}", question, flags=re.I)
    return question


# An age asked as a number ("Is she 30?", "Is he about 40 years old?", "between 20 and 30?"): a few years
# either side, since nobody asking "Is she 30?" of a 31-year-old means No. Read after the bounds above.
_AGE_SPANS = [
    (re.compile(r"\bbetween\s+(?:the ages of\s+)?(\d{1,3})\s*(?:and|-|–|to)\s*(\d{1,3})\b|"
                r"\b(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\s*(?:years?|yrs?)\b|"  # "Is he 30 to 40 years old?"
                # "Is the person aged 18-25?" (got "No. She is a young adult, not a teenager." of a woman described as 28)
                r"\b(?:aged?|ages|in the age range(?: of)?)\s+(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\b", re.I),
     lambda lo, up: (min(lo, up), max(lo, up))),
    # "Is she 25, give or take a few years?" (got "She is smiling."), "… give or take 5?": the years asked, else
    # "about"'s three
    (re.compile(rf"\b{_N},?\s*(?:give or take|plus or minus|\+/-|±)(?:\s+(?:a few|a couple of|some)\s+years?|"
                r"\s*(\d{1,2})\b)?", re.I),
     lambda n, by: (max(n - (by or 3), 0), n + (by or 3))),
    (re.compile(rf"\b(?:about|around|roughly|approximately|approx\.?|nearly|almost|close to|maybe)\s+{_N}|"
                rf"\b{_N}\s*or so\b|\b{_N},?\s*or thereabouts?\b|\b{_N}-?ish\b", re.I),
     lambda n, _: (max(n - 3, 0), n + 3)),
    (re.compile(r"^\W*(?:is|are|was)\s+(?:he|she|they|it|this|that|the)(?:\s+(?:person|man|woman|guy|lady|girl|boy|"
                r"kid|child|baby|individual|one))?\s+(\d{1,3})(?:\s*(?:years?|yrs?)(?:\s*old)?)?\s*[?.!]*\s*$", re.I),
     lambda n, _: (max(n - 2, 0), n + 2)),
    # an age in months ("Is the baby 6 months old?"): the whole years within three months of it
    (re.compile(r"\b(\d{1,3})[\s-]*months?(?:[\s-]*old)?\b", re.I),
     lambda n, _: (max(math.floor((n - 3) / 12), 0), max(math.floor((n + 3) / 12), 0))),
    # an age in years anywhere ("Could the baby be two years old?", "Would she pass for a 20-year-old?", "Is this a
    # 30-year-old woman?"), and a bare number ending the question after a verb ("Could he be 25?", "Would she pass
    # for 40?", "Does she look 50?", "She is 30, right?")
    (re.compile(r"\b(\d{1,3})[\s-]*(?:years?|yrs?)[\s-]*(?:old|of age)\b|"
                r"\b(?:be|is|are|was|'s|look|looks|pass for|passes for|aged)\s+(\d{1,3})\s*"
                r"(?:,?\s*(?:right|correct|isn't (?:he|she|it)|aren't they|or so|maybe))?\s*[?.!]*\s*$", re.I),
     lambda n, _: (max(n - 2, 0), n + 2)),
]
# A decade of life ("in her 30s", "in his late forties", "early twenties") and a bare "young" or "old" that
# ends its clause ("Is he young?", "She's old, isn't she?"; not "a young man", which names an age group).
_DECADE_NAME = rf"(?:([2-9])0'?s|({'|'.join(DECADE_WORDS)}))"  # "40s", "forties": (digit, word)
_DECADE = re.compile(rf"\b(?:in (?:his|her|their) (early|mid|late)?|(early|mid|late))[- ]?{_DECADE_NAME}\b", re.I)
_DECADE_PART = {None: (0, 9), "early": (0, 3), "mid": (3, 6), "late": (6, 9)}


def _decade(digit: str | None, word: str | None) -> int:
    """The first year of a decade matched by :data:`_DECADE_NAME` ("4" → 40, "forties" → 40)."""
    return int(digit) * 10 if digit else DECADE_WORDS[word.lower()]
# "young" or "old" ending the question, or of a person named by no gender ("Would you call this a young
# person?" of a girl of 5 is a Yes: it is no question about the "young adult" group, as "a young woman" is)
_BARE_END = r"(?=\s*(?:[?!.,;]|$)|\s+(?:person|people|one|individual|someone|somebody|human)\b)"
_BARE_AGE = [(re.compile(rf"(?<!how )\b(?:young|youthful){_BARE_END}", re.I), (0, 35)),
             (re.compile(rf"(?<!how )(?<!years )(?<!year )(?<!yrs )\bold{_BARE_END}", re.I), (56, 200))]


_PHOTO_SUBJECT = re.compile(r"^\W*(?:is|was|does|did|do|looks?)\s+(?:this|the|that|it|your)\s+"
                            r"(?:photo|picture|image|pic|shot|photograph|snapshot)\b", re.I)
_PHOTO_AGED = re.compile(_PHOTO_SUBJECT.pattern + r"\s+(?:about\s+|around\s+|over\s+)?\d", re.I)  # "Is the photo 10 years old?"


_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b(?!\s+(?:person|persons|people|face|faces|man|men|"
                          r"woman|women|child|children|kid|kids|of|more|other|another|else|side|eye|eyes)\b)", re.I)


# a time of life as an age bound ("Is he older than a teenager?" got "No, he is a senior, not a teenager." of a man of
# 75, "Is this person older than the average college student?" "No, he looks about 75 years old."): older than its
# last year, younger than its first
_STAGE_BOUND = re.compile(r"\b(older|younger)\s+than\s+((?:(?:an?|the|most|many|typical|average|usual|your|normal)\s+)*"
                          r"(?!(?:but|and|or|yet|than)\b)[a-z][\w-]*(?:\s+(?!(?:but|and|or|yet|than)\b)[a-z][\w-]*){0,2})", re.I)


def _stage_span(phrase: str) -> tuple[int, int] | None:
    """The ages of the time of life ``phrase`` names ("a teenager" → (13, 19), "kindergarten" → (3, 6)): its schooling
    or law's bound, else its age group; None when it names none."""
    from unif2ace.evaluation.attributes import parse_attribute

    span = next((bound(0) for pattern, bound in _AGE_BOUNDS[_NUMBER_BOUNDS:] if pattern.search(phrase)), None)
    if span is None and (group := parse_attribute(phrase, "age_group")) is not None:
        span = _GROUP_RANGES[group]
    return span


# old enough for a time of life ("Is this child old enough for kindergarten?" got "Yes, possibly: he looks about 10
# years old.", read as being in kindergarten): at least its first year
_OLD_ENOUGH = re.compile(r"\bold enough (?:for|to (?:go to|attend|start|be in|enter|join|be))\s+(?:an?\s+|the\s+)?"
                         r"(?P<stage>[a-z][\w -]{0,25}?)(?=\s*(?:[?.!,;]|$))", re.I)


def _old_enough_as_number(m: re.Match) -> str:
    """"old enough for kindergarten" → "at least 3": the first year of the time of life :data:`_OLD_ENOUGH` matched;
    the words as they are when it names none."""
    span = _stage_span(m["stage"])
    return m[0] if span is None or span[0] == 0 else f"at least {span[0]}"


def _stage_as_number(m: re.Match) -> str:
    """"older than a teenager" → "older than 19", "younger than a senior" → "younger than 56": the first or last
    year of the time of life :data:`_STAGE_BOUND` matched (its schooling or law's bound, else its age group); the
    words as they are when they name none, or a bound no age passes (older than an adult)."""

    if (span := _stage_span(m[2])) is None:
        return m[0]
    older = m[1].lower() == "older"
    if older and span[1] >= 120 or not older and span[0] == 0:
        return m[0]
    return f"{m[1]} than {span[1] if older else span[0]}"


def asked_age_range(question: str) -> tuple[int, int] | None:
    """The range of ages in whole years that a yes/no question asks about as a bound ("Is she over 60?" →
    (61, 200), "Is this a minor?" → (0, 17)), a number ("Is she 30?" → (28, 32), "about 40" → (37, 43),
    "between 20 and 30" → (20, 30)), a decade ("Is he in his late 30s?" → (36, 39)) or a bare "young"
    (0–35) or "old" (56 and over); None when it names none of them. Numbers may be words ("older than
    five"; it got "Yes. He is a child." of a one-year-old)."""
    # "thirty-something", "fortysomething" ("Would you say thirty-something?" got "I can't tell from this photo."): the
    # decade
    question = re.sub(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|[2-9]0)[- ]?something\b",
                      lambda m: f"in their {NUMBER_WORDS.get(m[1].lower(), m[1])}s", question, flags=re.I)
    question = _NUMBER_WORD.sub(lambda m: str(NUMBER_WORDS[m[1].lower()]), question)
    # "a year" as a number ("Is this baby under a year old?" got "Yes, she is a child." of a girl described as 1:
    # read as any baby's 0-3)
    question = re.sub(r"\b(under|less than|younger than|below|over|more than|older than)\s+a\s+year\b", r"\1 1 year",
                      question, flags=re.I)
    # a person of an age as the bound ("Is this person older than a 30 year old?" got "No. She looks about 36 years
    # old.": read as "a 30-year-old")
    question = re.sub(r"\b(older|younger)\s+than\s+(?:an?\s+)?(\d{1,3})[\s-]*(?:years?|yrs?)[\s-]*old\b", r"\1 than \2",
                      question, flags=re.I)
    question = _my_age_named(question)
    question = _OLD_ENOUGH.sub(_old_enough_as_number, _STAGE_BOUND.sub(_stage_as_number, question))
    # every number bound the question sets, together ("older than 30 but younger than 60" → (31, 59); one
    # bound alone read the first: a woman described as 60 got "Yes")
    spans = [span(next(int(g) for g in m.groups() if g is not None))
             for pattern, span in _AGE_BOUNDS[:_NUMBER_BOUNDS] for m in pattern.finditer(question)]
    if spans and (lo := max(a for a, _ in spans)) <= (up := min(b for _, b in spans)):
        return lo, up
    for pattern, span in _AGE_BOUNDS[:_NUMBER_BOUNDS]:  # bounds that contradict each other: the first
        if m := pattern.search(question):
            return span(next(int(g) for g in m.groups() if g is not None))
    # a number before a noun's range: "Could the baby be two years old?" asks about 2, not any baby's 0-3
    for pattern, span in _AGE_SPANS:
        if (m := pattern.search(question)) and not _PHOTO_AGED.search(question):
            numbers = [int(g) for g in m.groups() if g is not None]  # the matched alternative's: one or two
            return span(numbers[0], numbers[1] if len(numbers) > 1 else None)
    for pattern, span in _AGE_BOUNDS[_NUMBER_BOUNDS:]:
        if pattern.search(question):
            return span(0)
    if m := _DECADE.search(question):
        part, decade = (m[1] or m[2] or "").lower() or None, _decade(m[3], m[4])
        lo, up = _DECADE_PART[part]
        return decade + lo, decade + up
    if _PHOTO_SUBJECT.search(question):  # "Is this picture old?" asks the photo's age, not the person's
        return None
    return next((span for pattern, span in _BARE_AGE if pattern.search(question)), None)


def yes_no_grounded(question: str) -> set[str]:
    """The attributes :func:`grounded_yes_no` checks a yes/no question's answer on: the gender, age group,
    smile, eyes, photo colour, facing the camera, sharpness, head tilt and mouth that it names
    (:data:`YES_NO_CHECKED`), and "age" for a bound on the age
    ("Is this a young girl?" → {"gender", "age_group"}, "Is he over 50?" → {"age"}); empty for any other."""
    values = _asked_values(question)
    found = set(values) & set(YES_NO_CHECKED)
    if _asks_expression_alone(question, values):
        found.add("emotion")  # worded (and an expression no label has answered) by _emotion_yes_no
    if asks_age_choice(question):
        found.add("age")  # "Is she closer to 80 than 60?": age_choice answers it
    return found - {"age_group"} | {"age"} if asked_age_range(question) or "age" in found else found


def _asks_expression_alone(question: str, values: dict) -> bool:
    """Whether a yes/no question whose named values are ``values`` (:func:`_asked_values`) asks about the
    expression and nothing else ("Is he sad?", "Are they angry?")."""
    return set(values) == {"emotion"} or not values and _OTHER_EMOTION.search(question) is not None


# expressions no label names ("Are they angry?", "Does he look scared?"): the model never learned them
_OTHER_EMOTION = re.compile(r"\b(?:angry|anger|mad|furious|annoyed|irritated|scared|afraid|frightened|fearful|"
                            r"terrified|disgusted|stressed|anxious|nervous|worried|tired|bored|confused|excited|"
                            r"frown|frowns|frowning|scowl|scowls|scowling|grimac\w*|pout|pouts|pouting|in pain|"
                            # "Is the kid grumpy?" (got "Yes. She is a child.")
                            r"grumpy|cranky|moody|sulky|sulking|irritable|sleepy|drowsy|shy|embarrassed|"
                            r"proud|jealous|lonely|guilty|ashamed|disappointed|frustrated|shocked)\b", re.I)


def _words_agree(rest: str, asked: str) -> bool | None:
    """Whether an answer's words after its Yes/No bear out the asked expression: the expression they name,
    else their smile (:func:`_smile_agrees`); None when they name neither ("He faces the camera.")."""
    from unif2ace.evaluation.attributes import parse_attribute

    if (own := parse_attribute(rest, "emotion")) is not None:
        return same_value("emotion", own, asked)
    return _smile_agrees(asked, parse_attribute(rest, "smile"))


def _emotion_yes_no(question: str, asked: str | None, said: str, rest: str, caption: str) -> str | None:
    """The answer to a yes/no question about the expression alone. One no label names ("Are they angry?"):
    "No, he looks neutral." when the description states an expression, else "I can't tell from this
    photo." (the model's own Yes/No about it carries nothing). A labelled one ("Is he sad?"): the
    description's expression decides when it states one ("Is he happy?" of a boy described as neutral →
    "No, he looks neutral, not happy."), and for "happy" its smile when it states no expression; otherwise
    the model's own Yes/No stands. Either is worded as the training data words it when the answer's words
    name no expression or disagree ("Are they sad?" → "Yes, he is even." → "Yes, he looks sad."); None when
    the answer stands as it is. ``asked``: the labelled expression the question names, or None.
    (``python scripts/described_yes_no.py --only person``, the model's own Yes/No before → now: val-128 "Is
    this person happy?" 86.0% → 87.1%, "Does the person look neutral?" 87.1% → 88.2%; test-128 88.1% →
    90.1% and 84.2% → 87.1%.)"""
    import random

    from unif2ace.data.questions import CANT_TELL, EMOTION_ADJ, Person, _yes_no
    from unif2ace.evaluation.attributes import parse_attribute

    attrs = _described(caption, ("gender", "age_group", "emotion", "smile"))
    p = Person.of(attrs)
    looks = p.looks()
    if asked is None:  # an expression no label names
        if (own := attrs.get("emotion")) is None:
            return CANT_TELL[0]
        return _yes_no(random.Random(question), False, f"{p.he} {looks} {EMOTION_ADJ[own]}.")
    own = attrs.get("emotion")
    truth = same_value("emotion", own, asked) if own is not None else \
        _smile_agrees(asked, attrs.get("smile")) if asked in ("happy", AT_EASE) else None
    if truth is not None and truth != (said == "yes"):
        said = "yes" if truth else "no"  # the description says (an expression, or a smile for "happy")
    elif (agrees := _words_agree(rest, asked)) is not None and agrees == (said == "yes") and \
            (own is None or parse_attribute(rest, "emotion") in (None, own)) and \
            parse_attribute(rest, "smile") in (None, attrs.get("smile", parse_attribute(rest, "smile"))):
        # its words name an expression or a smile that bears it out: they say why, unless they name another
        # expression than the description's ("Does he look sad?" of a man described as neutral got "No, he looks
        # happy, not sad.") or a smile it denies ("Is the person calm?" of a boy described as neutral got "Yes. He is
        # smiling.")
        return None
    # "Is she relaxed?" of a woman described as happy: "Yes, she looks happy." (the described expression)
    word = EMOTION_ADJ.get(asked, asked)  # "at ease" has no label's adjective: it is its own
    if said == "yes":
        return _yes_no(random.Random(question), True,
                       f"{p.he} {looks} {EMOTION_ADJ[own] if asked == AT_EASE and own is not None else word}.")
    if own is not None and not same_value("emotion", own, asked):
        return _yes_no(random.Random(question), False, f"{p.he} {looks} {EMOTION_ADJ[own]}, not {word}.")
    return _yes_no(random.Random(question), False, f"{p.he} {'do' if p.plural else 'does'} not look {word}.")


def _verdicts(checked: dict, attrs: dict, caption: str, said: str, rest: str, second: str | None,
              age_margin: float, young_margin: bool) -> dict:
    """{attribute: whether the description bears out the asked value} for each value of ``checked`` the
    description decides (:func:`grounded_yes_no`); a decided gender is written into ``attrs``."""
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute

    verdicts = {}
    for attr, value in checked.items():
        if attr == "gender":
            implied = parse_attribute(rest, "gender")
            if implied is None:
                implied = value if said == "yes" else {"male": "female", "female": "male"}.get(value)
            own = _vote(attrs.get("gender"), implied,
                        None if second is None else parse_attribute(second, "gender", loose=True))
            if own is not None:
                attrs["gender"] = own
                verdicts[attr] = own == value
        elif attr in ("age_group", "age"):
            years = parse_age_years(caption)
            if years is not None and "age_group" in attrs:
                outside = _years_outside(years, value)
                # an age bound's margin shrinks for the young, whose described age is off by fewer years:
                # "Is she a baby?" (0-3) of a girl described as 8 is a No, not a near miss
                # (``young_margin``: so is an age group's: "Would you call him a teenager?" of a boy described
                # as 3 is a No, not a near miss 10 years short of the group). Half the age less a year: "Is she a
                # toddler?" (0-3) of a girl described as 6 got "Yes, possibly" (val: the labels of children described
                # as 5-6 were 6-8)
                margin = age_margin if attr == "age_group" and not young_margin else \
                    min(age_margin, max(2.0, years / 2 - 1))
                if attr == "age" and _a_number(value):
                    margin = min(margin, NUMBER_MARGIN_YEARS)
                if outside > margin or outside == 0:
                    verdicts[attr] = outside == 0
        elif attr in attrs:
            verdicts[attr] = same_value(attr, attrs[attr], value)
    return verdicts


# "Does the kid look happy?", "Is this little girl smiling?", "Was the old man wearing glasses?": a yes/no
# question whose subject is a noun phrase ("the kid") followed by what it asks about that person
# The subject ends in a noun for a person: "Is this person in their twenties?" has the subject "person", not
# "person in", and "Is the woman older than 60?" the subject "woman", not "woman older" (both left nothing
# asked beyond the subject, so the age went unchecked: "Yes. She is smiling." of a woman described as 25)
_SUBJECT_NOUN = (r"(?:person|people|man|men|woman|women|boy|boys|girl|girls|child|children|kid|kids|baby|babies|"
                 r"infant|toddler|teen|teenager|adolescent|youngster|adult|lady|ladies|gentleman|guy|guys|gal|dude|"
                 r"fellow|chap|individual|senior|subject|human|grandma|grandpa|grandmother|grandfather)")
_DEFINITE_SUBJECT = re.compile(r"^\s*(?:is|isn't|was|wasn't|does|doesn't|did|didn't|can|could|would|will|has|hasn't|"
                               r"have|are|aren't|do|don't)\s+(?:the|this|that|your|our)\s+"
                               rf"((?:[a-z-]+\s+)?{_SUBJECT_NOUN})(?=\s+[a-z])", re.I)


_CHILD_NOUN = re.compile(r"\b(?:boys?|girls?)\b", re.I)
_PICTURE_OF = re.compile(r"\b(this|that|it)\s+(?:is\s+)?(?:an?|the)\s+(?:photo|photograph|picture|image|pic|shot|snapshot)"
                         r"\s+of\s+(?=(?:an?|the)\s)", re.I)


def _without_subject(question: str) -> str | None:
    """A yes/no question with its definite subject left out ("Is this child a teenager?" → "Is this  a teenager?"),
    or None when it names none (:data:`_DEFINITE_SUBJECT`)."""
    m = _DEFINITE_SUBJECT.match(question)
    return None if m is None else question[:m.start(1)] + " " + question[m.end(1):]


def _subject_named(question: str) -> set[str]:
    """The attributes (gender, age group) that a yes/no question names only in its subject while it asks
    about something else: "Does the kid look happy?" → {"age_group"}, "Is this little girl smiling?" →
    {"gender", "age_group"}, "Is the kid a boy?" → {"age_group"}; empty when the question asks nothing
    beyond its subject ("Does the man have a beard?", "Is the boy there?") or names it elsewhere too."""
    # "Is this a picture of a guy in his sixties?" names its subject as "Is this a guy in his sixties?" does (it got
    # "Yes. It is a photo of a man." of a man described as 52: the guy was taken for what was asked)
    question = _PICTURE_OF.sub(r"\1 ", question, count=1)
    if (rest := _without_subject(question)) is None:
        return set()
    whole, without = _asked_values(question), _asked_values(rest)
    bound = asked_age_range(rest)
    if not without and not _asks_expression_alone(rest, without) and bound is None:
        return set()  # nothing but the subject is asked: the subject is the premise
    named = {a for a in ("gender", "age_group") if a in whole and a not in without}
    if bound is None and asked_age_range(question) is not None:  # "Does the baby have its eyes open?"
        named |= {"age_group", "age"}
    return named


def _the_rest(asked: dict, named: set[str], caption: str) -> str | None:
    """What the description says of the first value a yes/no question asks beyond its subject ("Is the lady
    happy?" of a man described as happy → "He looks happy."), for an answer that corrects the subject;
    None when the description does not say."""
    from unif2ace.data.questions import Person, _polar_rest
    from unif2ace.evaluation.attributes import parse_age_years

    attrs = _described(caption, (*YES_NO_CHECKED, "emotion"))
    p = Person.of(attrs)
    for attr, value in asked.items():
        if attr in named or attr not in (*YES_NO_CHECKED, "emotion", "age"):
            continue
        if attr == "age" and (years := parse_age_years(caption)) is not None:  # "Is the lady young?" of a man
            text = f"{p.looks_about(years)}."
            return text[0].upper() + text[1:]
        if attr == "emotion" and "emotion" not in attrs and value == "happy" and "smile" in attrs:
            attr, value = "smile", True  # a smile, when no expression is stated, says whether one looks happy
        if attr in attrs and not (attr == "head_pose" and value in ("left", "right")):
            text = _polar_rest(attr, attrs, value, same_value(attr, attrs[attr], value), p)
            return text[0].upper() + text[1:]
    return None


# "He isn't a child, right?", "Would you say he's not a kid anymore?", "She is no longer a teenager?": a
# statement that denies a gender or an age, asked to be confirmed (a negative question, "Isn't he a kid?", asks
# plainly: data.questions.as_meant)
_DENIED = re.compile(r"(?:(?<=\w)\s+(?:is|are|was|were|am)\s+(?:not|no longer)|(?<=\w)['’](?:s|re)\s+(?:not|no longer)|"
                     r"(?<=\w)\s+(?:isn|aren|wasn|weren)['’]t)\s+", re.I)
_ANYMORE = re.compile(r"\s+(?:anymore|any more|any longer)\b", re.I)


# a positive tag after a denial ("She's not old, is she?"): the tag asks the claim itself, answered by the facts
_POSITIVE_TAG = re.compile(rf",\s*{_AUX}\s+(?:he|she|it|they|this|that)\s*[?!.]*\s*$", re.I)


def _affirmed(question: str) -> str | None:
    """The claim a yes/no question denies, affirmed ("He isn't a child, right?" → "He is a child, right?"),
    when what it denies is a gender or an age and nothing else; None for any other question ("Is she not
    smiling?" asks about no smile, which the smile's own words read)."""
    m = _DENIED.search(question)
    if m is None or re.match(r"^\W*(?:is|are|was|were|does|do|did)\b", question, re.I):
        return None  # "Is he not a kid?" asks as "Isn't he a kid?" does
    verb = re.sub(r"n['’]t|\s+(?:not|no longer)", "", m[0].strip(), flags=re.I)  # "is", "'s"
    joiner = "" if verb[0] in "'’" else " "
    affirmed = _ANYMORE.sub("", f"{question[:m.start()]}{joiner}{verb} {question[m.end():]}")
    values = set(_asked_values(affirmed))
    if asked_age_range(affirmed) is not None:
        values.add("age")
    return affirmed if values and values <= {"gender", "age_group", "age"} else None


_NEITHER = re.compile(r"\bneither\s+(.+?)\s+nor\s+.+?(?=[?.!,;]|$)", re.I)


def _neither_first(question: str) -> str | None:
    """A "neither A nor B" question asked of A alone, whose answer it denies ("Is the person neither smiling nor
    frowning?" → "Is the person smiling?"; it got "Yes. She is smiling."); None when the question has no
    "neither … nor" or A names nothing checked. B is left out: A's answer decides (a face described as not
    smiling is taken as neither)."""
    if (m := _NEITHER.search(question)) is None:
        return None
    plain = f"{question[:m.start()]}{m[1]}{question[m.end():]}"
    return plain if _asked_values(plain) else None


def _other_polarity(answer: str) -> str:
    """A yes/no answer said of the denied claim instead of the affirmed one: its Yes and No swapped ("No, he is
    middle-aged, not a child." → "Yes, he is middle-aged, not a child."), a near miss's maybe as one
    ("Yes, possibly: he looks about 15 years old." → "Possibly not: he looks about 15 years old.")."""
    if re.match(r"^\s*yes,\s+possibly:\s*", answer, re.I):
        return re.sub(r"^\s*yes,\s+possibly:", "Possibly not:", answer, flags=re.I)
    return re.sub(r"^(\s*)(yes|no)\b", lambda m: m[1] + {"yes": "No", "no": "Yes"}[m[2].lower()], answer, count=1,
                  flags=re.I)


# A choice between two ages: "Is the person older or younger than 30?" (got "Yes, she looks about 27 years old."),
# "Is she younger than 25 or older than 25?" ("No, she looks about 1 year old."), "Is this person closer to 20 or
# 40?" ("I can't tell from this photo.")
# "older or younger than 30?", "under 30 or over 30?" (got "No, she looks about 25 years old.")
# ("Is she older than 25 or younger?" got "Yes, she looks about 60 years old.": the bound before the "or")
_OLDER_OR_YOUNGER = re.compile(r"\b(?P<first>older|younger|over|under|above|below)\s+(?:(?:than\s+)?(?P<before>\d{1,3})\s+)?or\s+"
                               r"(?P<second>older|younger|over|under|above|below)(?:\s+(?:than\s+)?(?P<bound>\d{1,3}))?\b"
                               r"(?(before)|(?<=\d))", re.I)
_CLOSER = re.compile(r"\bcloser to\s+(\d{1,3})\s+(or|than)\s+(?:to\s+)?(\d{1,3})\b", re.I)
# two stages of life: "an adult or a minor?" (got "She is 1 year old, so she is a child."), "a teen or an adult?"
# (got "40 years old: middle-aged."), "a toddler or a teenager?" (got "Yes. She is a teenager." of a girl of 3,
# "Sharp." of a man of 65); the answer names the option offered ("A child: …" to "a child or an adult?", which got
# "A minor: …"), the narrower of two that hold the age, or neither
# "child, teen, young adult, middle-aged or senior", "a child or a teen or an adult": a list of options
_LISTED_BEFORE, _LISTED_AFTER = re.compile(r"(?:,|\bor)\s*$"), re.compile(r"^\s*(?:,|or\b)")


def _two_stages(question: str) -> re.Match | None:
    """The two stages of life a question offers ("a toddler or a teenager?"), not the last two of a longer list
    ("Which age group: child, teen, young adult, middle-aged or senior?", which options.listed_choices reads)."""
    m = TWO_LIFE_STAGES.search(question)
    listed = m is not None and (_LISTED_BEFORE.search(question[:m.start()]) or _LISTED_AFTER.match(question[m.end():]))
    return None if listed else m


_TWO_DECADES = re.compile(rf"\b{_DECADE_NAME}\s+or\s+(?:(?:in\s+)?(?:his|her|their)\s+)?{_DECADE_NAME}", re.I)
_ANY_DECADE = re.compile(rf"\b{_DECADE_NAME}", re.I)


# "Who looks older, this person or a 30-year-old?" (got "She is 36 years old, so she is middle-aged.")
_WHO_OLDER = re.compile(r"\bwho(?:'s|\s+is)?\s+(?:looks?\s+|seems?\s+|is\s+)?(?P<cmp>older|younger)\b.*?\b(?:an?\s+)?"
                        r"(?P<n>\d{1,3})[\s-]*(?:years?|yrs?)[\s-]*old\b", re.I)


# "How old do they look compared to a 30 year old?" (got "He is 75 years old, so he is a senior."): older or younger
_COMPARED = re.compile(r"\b(?:compared|relative|next)\s+(?:to|with)\s+(?:an?\s+)?(?:typical\s+|average\s+|normal\s+)?"
                       r"(?P<n>\d{1,3})[\s-]*(?:years?|yrs?)[\s-]*old\b", re.I)


# "How many years older than 25 is he?", "How much younger than me is she? I'm 50." (a chat's "By how many years?" after
# "Older or younger than me? I'm 25." is asked as "How many years older or younger than 25 is this person?")
_YEARS_APART = re.compile(r"\bhow\s+(?:many\s+years|much)\s+(?:older|younger)(?:\s+or\s+(?:older|younger))?\s+than\s+"
                          r"(?:an?\s+)?(?P<n>\d{1,3})\b", re.I)


# "What's the age difference between this person and a 10-year-old?" (got "He is 1 year old, so he is a child.")
_AGE_GAP = re.compile(r"\bage\s+(?:difference|gap)\b.*?\b(?:an?\s+)?(?P<n>\d{1,3})[\s-]*(?:years?|yrs?)[\s-]*old\b", re.I)

# "Boy or man?", "Is she a girl or a woman?": one gender's young and grown nouns, a choice of age (got "1 year old: a
# child.", "41 years old: middle-aged."); the answer names the noun
_KID_OR_GROWN = re.compile(r"\b(?:an?\s+)?(?P<a>boy|girl|man|woman|lady|guy|gentleman)\s+or\s+(?:an?\s+)?"
                           r"(?P<b>boy|girl|man|woman|lady|guy|gentleman)\b", re.I)


def _kid_or_grown(question: str) -> str | None:
    """The gender (male / female) of a choice between that gender's young and grown nouns ("boy or man"), else
    None ("man or woman" is a choice of gender)."""
    if (m := _KID_OR_GROWN.search(question)) is None:
        return None
    a, b = m["a"].lower(), m["b"].lower()
    young = [w in ("boy", "girl") for w in (a, b)]
    gender = {NOUN_GENDER[a], NOUN_GENDER[b]}
    return next(iter(gender)) if len(gender) == 1 and young[0] != young[1] else None


def asks_age_choice(question: str) -> bool:
    """Whether a question offers a choice between two ages that :func:`age_choice` answers."""
    question = _my_age_named(question)
    return any(p.search(question) for p in (_OLDER_OR_YOUNGER, _CLOSER, _TWO_DECADES, _WHO_OLDER, _COMPARED,
                                            _YEARS_APART, _AGE_GAP)) or _kid_or_grown(question) is not None \
        or _two_stages(question) is not None \
        or two_ages(question) is not None


def age_choice(question: str, caption: str) -> str | None:
    """The answer to a choice between two ages, from the description's age: "Younger: she looks about 27 years
    old." (older or younger than 30), "Closer to 40: he looks about 36 years old." (closer to 20 or 40; asked
    "closer to 80 than 60?", with a Yes or No first), "A minor: …" (an adult or a minor), "Neither: …" or "In
    the 30s: …" (two decades); None for any other question, or when the description states no age (the model's
    own answer stands)."""
    from unif2ace.data.questions import Person
    from unif2ace.evaluation.attributes import parse_age_years

    question = _my_age_named(question)  # "Older or younger than me? I'm 25."
    older, closer = _OLDER_OR_YOUNGER.search(question), _CLOSER.search(question)
    stages, decades = _two_stages(question), _TWO_DECADES.search(question)
    two = two_ages(question) if closer is None and decades is None else None
    who, compared = _WHO_OLDER.search(question), _COMPARED.search(question)
    apart = _YEARS_APART.search(question) or _AGE_GAP.search(question)
    kid = _kid_or_grown(question)
    if (older is None and closer is None and stages is None and decades is None and two is None and who is None
            and compared is None and apart is None and kid is None) or (years := parse_age_years(caption)) is None:
        return None
    attrs = _described(caption)
    person = Person.of(attrs)
    looks = person.looks_about(years)
    if kid is not None and attrs.get("gender") in ("male", "female"):  # "Boy or man?": the noun of the described age
        from unif2ace.data.questions import _gender_word

        noun = _gender_word({**attrs, "age_group": age_group(years)})
        return f"{noun[0].upper()}{noun[1:]}: {looks}." if attrs["gender"] == kid else f"Neither: this is {noun}; {looks}."
    if apart is not None:  # "How many years older than 25 is he?": the difference, either way
        gap = round(years) - int(apart["n"])
        if abs(gap) <= 1:
            return f"About the same age: {looks}."
        return f"About {abs(gap)} years {'older' if gap > 0 else 'younger'}: {looks}."
    if compared is not None and who is None:  # "compared to a 30 year old": older, younger or about the same
        n = int(compared["n"])
        return f"{'About the same' if abs(years - n) <= 1 else 'Older' if years > n else 'Younger'}: {looks}."
    if who is not None:  # "Who looks older, this person or a 30-year-old?"
        n = int(who["n"])
        if abs(years - n) <= 1:
            return f"About the same: {looks}."
        mine = (years > n) == (who["cmp"].lower() == "older")
        return f"{person.cap()} {'do' if person.plural else 'does'}: {looks}." if mine else f"The {n}-year-old: {looks}."
    if stages is not None:
        from unif2ace.generation.options import option_range

        held = [(r[1] - r[0], k, o.lower()) for k, o in enumerate(stages.group("a", "b"))
                if (r := option_range(o)) is not None and r[0] <= round(years) < r[1]]
        if not held:
            return f"Neither, {GROUP_NOUN[age_group(years)]}: {looks}."
        chosen = min(held)[2]  # the narrower ("a senior" over "an adult" for 64), else the first offered
        if chosen in ("middle-aged", "middle aged", "elderly"):  # an adjective: no article ("An elderly" was written)
            return f"{chosen.capitalize()}: {looks}."
        if re.fullmatch(r"kindergarten|(?:elementary|primary|grade|middle|high)[- ]?school|junior high|college|university",
                        chosen):  # a place of schooling: "In college: …", not "A college: …"
            return f"In {chosen}: {looks}."
        return f"{'An' if chosen[0] in 'aeiou' else 'A'} {chosen}: {looks}."
    if decades is not None:
        # every decade offered, not only the last two ("Roughly what age bracket: 20s, 30s, 40s, 50s or 60s?" got
        # "Neither: she looks about 41 years old.")
        offered = [_decade(*m.group(1, 2)) for m in _ANY_DECADE.finditer(question)]
        inside = next((d for d in offered if d <= years < d + 10), None)
        return f"{'Neither' if inside is None else f'In the {inside}s'}: {looks}."
    if older is not None:
        bound = int(older["bound"] or older["before"])
        if round(years) == bound:
            return f"About the same: {looks}."
        above = years > bound
        # in the question's words: "Older: …" (older or younger than 30), "Under 30: …" (under 30 or over 30)
        word = next((w.lower() for w in (older["first"], older["second"])
                     if (w.lower() in ("older", "over", "above")) == above), "older" if above else "younger")
        return f"{word.capitalize()}{'' if word in ('older', 'younger') else f' {bound}'}: {looks}."
    if two is not None:  # "Is she 20 or 50?": the nearer one
        a, b = int(two[1]), int(two[2])
        if round(years) in (a, b):
            return f"{round(years)}: {looks}."
        if not min(a, b) - 10 < years < max(a, b) + 10:  # "Is he 20 or 50?" of a man of 85
            return f"Neither: {looks}."
        nearer = a if abs(years - a) < abs(years - b) else b
        return f"{'Halfway between' if abs(years - a) == abs(years - b) else f'Closer to {nearer}'}: {looks}."
    a, b = int(closer[1]), int(closer[3])
    if abs(years - a) == abs(years - b):
        return f"{'No, halfway' if closer[2].lower() == 'than' else 'Halfway'} between: {looks}."
    nearer = a if abs(years - a) < abs(years - b) else b
    if closer[2].lower() == "than":  # "Is she closer to 80 than 60?" asks Yes or No
        return f"{'Yes' if nearer == a else 'No'}, closer to {nearer}: {looks}."
    return f"Closer to {nearer}: {looks}."


_PHOTO_OF_PART = re.compile(r"\b(?:photo|picture|image) of (?:an?\s+)?(?:his|her|their|its|eyes?|mouth|lips|head|face|"
                            r"smile|teeth|expression)\b", re.I)
_PART_AS_PERSON = re.compile(r"^\W*(?:his|her|their|the|its)\s+(?:mouth|lips|eyes?|head|face|expression|smile|teeth|"
                             r"hair|skin)\s+(?:is|are|looks?)\s+(?:a|an)\b", re.I)


def grounded_yes_no(question: str, answer: str, caption: str, second: str | None = None,
                    age_margin: float = AGE_MARGIN_YEARS, young_margin: bool = True) -> str | None:
    """The answer to a yes/no question naming the person's gender, age group, smile, eyes, the photo's
    colour or sharpness, facing the camera, a tilted head or the mouth (:data:`YES_NO_CHECKED`: "Is this a
    boy?", "Could she be a senior?", "Does he look solemn?", "Eyes open?", "Is she looking at the
    camera?", "Is her mouth closed?"), restated with the other Yes/No when the model's own description
    of the photo says otherwise; None when the answer stands.

    Each value the question names is checked: gender against the majority of the description, the
    answer (what its words or its Yes/No imply) and ``second`` (:data:`SECOND_WORDING`), as for open
    questions; the smile, the eyes and the photo's colour against the description (:func:`_described`: a
    described expression other than happy, with no smile stated, is no smile); the age group against the
    description's age in years, which contradicts only beyond ``age_margin`` years outside the group and confirms only
    inside it; an age bound ("Is he over 50?", "Is this a minor?": :func:`asked_age_range`) likewise, with
    the margin at most half the described age less a year (a toddler of 6 is no near miss), its answer then stating the
    description's age ("No, he looks about 13 years old."). One contradicted
    value makes the answer "No"; every value confirmed makes it "Yes"; otherwise the model's own Yes/No
    stands, a "No" to an age group that names no age of its own gets the description's group ("No,
    she is middle-aged, not a senior."), and a near miss on an age bound whose words name no age is
    answered from the described age, which it states ("Is she in her thirties?" → "No, she looks about
    29 years old."). A Yes/No that agrees with the description but whose words name
    nothing asked ("Is this a female?" → "No. It is a photo of a person.") is restated with the same
    Yes/No ("No, this is a man, not a woman."). The restated answer is written as the training data writes
    yes/no answers (:func:`unif2ace.data.questions.polar_answer`)."""
    import random

    from unif2ace.data.questions import polar_age_answer, polar_answer
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute, polarity

    if (affirmed := _affirmed(question) or _neither_first(question)) is not None:
        if _POSITIVE_TAG.search(question):
            # "He isn't old, is he?" asks what its tag asks, "Is he old?", and English answers it as such: "No, he
            # looks about 2 years old." (it got "Yes. He looks about 2 years old.", the Yes of agreeing)
            return grounded_yes_no(affirmed, answer, caption, second, age_margin, young_margin)
        # "Would you say he's not a kid anymore?" of a man got "No. He is a senior, not a child.": checked as
        # "… he's a kid?", with the Yes and No of both answers swapped
        grounded = grounded_yes_no(affirmed, _other_polarity(answer), caption, second, age_margin, young_margin)
        return None if grounded is None else _other_polarity(grounded)
    if (chosen := age_choice(question, caption)) is not None:
        return chosen  # a choice between two ages, not a Yes/No
    asked = _asked_values(question)
    if asked.get("head_pose") == "away" and len(asked) == 1 and _PROFILE.search(question) \
            and (side_on := _profile_yes_no(caption)) is not None:
        return side_on
    if asked.get("head_pose") in ("left", "right", "up", "down"):
        if len(asked) == 1:
            return _side_yes_no(asked["head_pose"], caption)
        asked.pop("head_pose")  # "Is the boy looking left?": the other values alone are checked
    if (span := asked_age_range(question)) is not None:  # "older than 50" is the age it names, not a group
        asked.pop("age_group", None)
        asked["age"] = span
    checked = {k: v for k, v in asked.items() if k in (*YES_NO_CHECKED, "age")}  # yes_no_grounded's
    words = answer.strip().split(maxsplit=1)
    said = polarity(words[0]) if words else None
    rest = words[1] if len(words) > 1 else ""  # the answer's words after its Yes/No
    if said is not None and not checked and _asks_expression_alone(question, asked):
        return _emotion_yes_no(question, asked.get("emotion"), said, rest, caption)
    if not checked or said is None:
        return None
    attrs = _described(caption, YES_NO_CHECKED)
    body = _without_pronouns(question)
    if (set(checked) == {"gender"} and attrs.get("age_group") == "child"
            and attrs.get("gender") in ("male", "female") and not _YOUNG_NOUN.search(body)
            and (grown := re.search(r"\b(?:man|woman|gentleman|lady)\b", body, re.I)) is not None):
        # a child is no man or woman ("Is this a woman?" of a girl described as 6 got "Yes. This is a girl.", "Is this
        # a man?" of a boy of 4 "Yes. This is a boy."): the gender the description says, in the child's noun (a
        # question that also asks an age, "Is the woman older than 60?", is answered with the described age as before)
        from unif2ace.data.questions import _gender_word

        return f"No, this is {_gender_word(attrs)}, not a {grown[0].lower()}."
    verdicts = _verdicts(checked, attrs, caption, said, rest, second, age_margin, young_margin)
    named = _subject_named(question)
    if False not in verdicts.values() and named:
        # "Does the kid look happy?" of a boy described as 16: "the kid" says whom the question is about, and
        # what it asks is the mood. A subject the description bears out or nearly does is no premise to
        # answer; one it contradicts still is ("Is the man smiling?" of a woman → "No, this is a woman …")
        for attr in named:
            for values in (asked, checked, verdicts):
                values.pop(attr, None)
        if not checked:
            if _asks_expression_alone(question, asked):
                return _emotion_yes_no(question, asked.get("emotion"), said, rest, caption)
            return None
    # the age the one thing left to judge: every other value asked confirmed ("Is he an older gentleman?" of a man
    # described as 52: the gentleman confirmed, the age a near miss; it got "Yes, he is not smiling.")
    # A boy or a girl asked about is a question about the gender, whose noun implies an age ("Is this person a boy?" of
    # a boy described as 16 stays "Yes, this is a boy.", not "Yes, possibly: he looks about 16 years old.")
    near_alone = all(verdicts.get(k) is True for k in checked if k not in ("age_group", "age")) and not (
        "gender" in checked and _CHILD_NOUN.search(question))
    also = None  # what to say of the rest of a question whose subject the description contradicts
    if False in verdicts.values():
        decisive = next(k for k, ok in verdicts.items() if not ok)
        truth = False
        if decisive in named:
            # "Is the lady happy?" of a man: "No, this is a man, not a woman." says who it is, and the rest is
            # still asked of the one person in the photo ("He looks happy.")
            also = _the_rest(asked, named, caption)
    elif len(verdicts) == len(asked):  # every value the question names confirmed (never the expression)
        # the answer speaks of what is asked about the person, not of who the person is ("Does the child have
        # open eyes?" → "Yes, her eyes are open.", not "Yes. She is a child."); of who the person is, of what its
        # words leave out ("Is he an old man?" → "Yes, this is a man." names the gender, not the age asked)
        decisive = next((k for k in verdicts if k not in ("gender", "age_group", "age")), next(iter(verdicts)))
        if decisive == "gender" and (age := next((k for k in verdicts if k in ("age_group", "age")), None)):
            # who the person is, asked as a gender and an age ("Is he an old man?"): a Yes that names both stands,
            # the gender in the described pronoun too ("Yes. He is a senior." got "Yes. This is a man."); one that
            # names the gender alone is restated with the age ("Yes, this is a man." → "Yes, he is a senior."), and
            # so is one that names neither, of an adult ("Yes, he is smiling." → "Yes, he is a senior."; a child's
            # gender noun says the age: "Yes, this is a boy.")
            noun, aged = parse_attribute(_without_pronouns(rest), "gender"), _names_an_age(rest)
            if said == "yes" and aged and noun is None and pronoun_genders(rest) == {attrs.get("gender")}:
                return None
            if not aged and (noun is not None or attrs.get("age_group") in ("young adult", "middle-aged", "senior")):
                decisive = age
        truth = True
    elif said is not None and set(asked) - set(verdicts) == {"emotion"}:
        # all else confirmed, the expression left ("Is the baby crying?" of a boy described as 3 → "Yes. It is a
        # photo of a boy."): judged as a question about the expression alone, in words that name it
        return _emotion_yes_no(question, asked.get("emotion"), said, rest, caption)
    elif (said == "no" and "age_group" in checked and "age_group" not in verdicts
          and attrs.get("age_group") not in (None, checked["age_group"])
          and parse_attribute(rest, "age_group") != attrs["age_group"]):
        # a near miss left the model's "No" standing, but its words name no age ("Would you call her
        # elderly?" → "No. She looks happy.") or another group than the description's ("Is this a teenage girl?"
        # of a woman described as 21 → "No, she is a child, not a teenager."): say which group the description
        # puts the person in
        return polar_answer("age_group", attrs, checked["age_group"], random.Random(question))
    elif (said == "yes" and near_alone and "age_group" in checked and "age_group" not in verdicts
          and attrs.get("age_group") not in (None, checked["age_group"])
          and parse_attribute(rest, "age_group") == attrs["age_group"]):
        # a near-miss Yes whose own words name the description's group, not the one asked ("Is this child a
        # teenager?" of a girl described as 10 got "Yes, she is a child."): the words and the description agree,
        # and decide ("No, she is a child, not a teenager."), as when a decoding contradicts itself
        return polar_answer("age_group", attrs, checked["age_group"], random.Random(question))
    elif (said == "yes" and near_alone and "age_group" in checked and "age_group" not in verdicts
          and (years := parse_age_years(caption)) is not None
          and (not _names_described_age(rest, years, attrs) or not _names_an_age(rest))):
        # a near miss left the model's "Yes" standing, but its words name no age ("Is this a kid?" of a boy
        # described as 16 → "Yes, it is a photo of a person.") or another group than the description's ("Is
        # this person a pensioner?" of a man described as 47 → "Yes, he is a senior."): its Yes, as the maybe
        # it is, with the described age ("Yes, possibly: he looks about 47 years old.")
        from unif2ace.data.questions import Person

        return f"Yes, possibly: {Person.of(attrs).looks_about(years)}."
    elif ("age" in checked and "age" not in verdicts and near_alone
          and (years := parse_age_years(caption)) is not None and not _names_an_age(rest)):
        # a near miss on an age bound, and the answer's words name no age ("Is she in her thirties?" of a
        # woman described as 29 → "Yes, she is not smiling."): a bare Yes/No would contradict the age the
        # model gives when asked, so answer from that age and state it ("No, she looks about 29 years
        # old."), which lets the user weigh how near it is
        return polar_age_answer(attrs, years, False, random.Random(question))
    elif ("age" in checked and "age" not in verdicts and near_alone
          and (years := parse_age_years(caption)) is not None and "age_group" in attrs
          and (not _names_described_age(rest, years, attrs) or said == "yes" and not _HEDGED.match(answer)
               or said == "no" and parse_age_years(rest) is None)):
        # a near miss on an age bound whose words name another age than the description's ("Does she look
        # older than 30?" of a woman described as 29 → "Yes, she is a senior."): the model's Yes/No stands,
        # in words that agree with the description: a No states the described age, which lies outside the
        # bound ("No, she looks about 29 years old."); a Yes, whatever its words, is said as the maybe it is, with
        # the described age ("Younger than 25?" of a woman described as 29 → "Yes, possibly: she looks about 29
        # years old."; it got "Yes. She is a young adult.", which read as a contradiction of the stated 29); a No
        # whose words name a group but no years says so too ("Is she between 35 and 45?" of a woman described as
        # 34 got "No. She is a young adult, not a senior.", an answer to another question)
        if said == "no":
            return polar_age_answer(attrs, years, False, random.Random(question))
        from unif2ace.data.questions import Person

        return f"Yes, possibly: {Person.of(attrs).looks_about(years)}."
    elif set(checked) == {"ethnicity"} and "ethnicity" not in attrs:
        # the description does not say, and the model's own Yes/No about an ethnicity is mostly wrong (14–61% on
        # val: scripts/described_yes_no.py): "Is this person of African descent?" got "No. She is a young adult,
        # not a senior."
        from unif2ace.data.questions import CANT_TELL

        return CANT_TELL[0]
    elif (len(checked) == 1 and (attr := next(iter(checked))) not in verdicts and attr in YES_NO_CHECKED
          and attr not in attrs and (named := parse_attribute(rest, attr)) is not None
          and same_value(attr, named, checked[attr]) != (said == "yes")):
        # the description does not say, and the answer's words deny its own Yes/No ("Is the photo well lit?" →
        # "No. The lighting is even."): the words decide, as when both decodings contradict themselves
        # (choose_yes_no_answers), and the answer still starts with Yes or No
        attrs[attr] = named
        return polar_answer(attr, attrs, checked[attr], random.Random(question))
    elif (len(checked) == 1 and (attr := next(iter(checked))) in _OWN_WORDS and attr not in verdicts
          and parse_attribute(rest, attr) is None):
        # nothing decides, and the model's words name nothing asked ("Smiling?" → "No. It is a photo of a
        # person."): its own Yes/No, in the training data's words ("No, she is not smiling.")
        own = checked[attr] if said == "yes" else _OWN_WORDS[attr](checked[attr])
        if own is None:  # "Is his mouth wide open?" → No: slightly open or closed, the words cannot say
            return None
        attrs[attr] = own
        return polar_answer(attr, attrs, checked[attr], random.Random(question))
    elif (len(checked) == 1 and (attr := next(iter(checked))) not in verdicts and attr not in attrs
          and attr not in ("gender", "age_group", "age") and parse_attribute(rest, attr) is None):
        # the description does not say, there are no own words to restate it in, and the model's words name
        # nothing asked ("Is the face well lit?" → "Yes. He is wears glasses."): nothing says, so say so
        from unif2ace.data.questions import CANT_TELL

        return CANT_TELL[0]
    else:
        return None
    # (a pronoun names no gender: "Could he be someone's grandfather?" → "Yes. His eyes are open." says nothing asked)
    names = [parse_age_years(rest), parse_attribute(rest, "age_group")] if decisive == "age" else \
        [parse_attribute(_without_pronouns(rest) if decisive == "gender" else rest, decisive,
                         loose=decisive == "ethnicity")]  # "Yes, she is White." names it without a noun
    described_age = decisive not in ("age", "age_group") or _names_described_age(rest, parse_age_years(caption), attrs)
    # the words name the described value, not another ("Is that a smile?" → "Yes, she is not smiling." of a
    # woman described as smiling)
    named = names[0] if decisive not in ("age", "age_group") else None
    described_value = decisive not in attrs or named is None or same_value(decisive, attrs[decisive], named) \
        or same_value(decisive, named, attrs[decisive])
    # an ethnicity's words name the described one itself ("Is she Asian?" → "Yes, she is South Asian." of a woman
    # described as Asian: the Yes is right, its words are not)
    described_value = described_value and (decisive != "ethnicity" or named is None or named == attrs.get(decisive))
    # nor a gender other than the described one ("Is this a photo of a senior citizen?" → "No, it is a photo of
    # a boy." of a girl described as 5)
    spoken = parse_attribute(_without_pronouns(rest), "gender")
    described_gender = spoken is None or attrs.get("gender") in (None, spoken)
    # nor the right gender in the wrong word ("Is this a man?" → "No. This is a woman, not a man." of a girl
    # described as 8)
    said_noun = re.sub(r",?\s+not\s+(?:a|an)\s+\w+", " ", rest)  # the noun it corrects to, not the one it denies
    described_gender = described_gender and not (decisive == "gender"
                                                  and _other_life_stage(said_noun, attrs.get("age_group")))
    # nor words that give a part of the face an age or a gender ("Are they in their 60s?" → "No. His mouth is a
    # child, not a senior." of a boy described as 1)
    garbled = decisive in ("gender", "age_group", "age") and _PART_AS_PERSON.match(rest) is not None
    # or a photo "of" a part of the face or a pronoun ("Are their eyes open?" → "Yes. It is a photo of a eyes are open.")
    garbled = garbled or _PHOTO_OF_PART.search(rest) is not None
    # and an age bound answered by a gender noun alone ("Is this person in their twenties?" → "No, it is a photo of
    # a boy." of a boy described as 1): the age it asks is said
    garbled = garbled or decisive == "age" and parse_age_years(rest) is None and not _AGE_GROUP_WORD.search(rest)
    # and an age bound answered by a group set against another group, which the bound did not ask ("Is this person
    # older than me? I'm 40." of a man described as 27 got "No. He is a young adult, not a senior."): the age is said
    garbled = garbled or decisive == "age" and parse_age_years(rest) is None and _NOT_A_GROUP.search(rest) is not None
    # and an age group answered by a noun that does not settle it ("Is this someone in their late teens?" → "No. It
    # is a photo of a girl."; "a girl" does settle "a senior citizen?")
    garbled = garbled or decisive == "age_group" and parse_age_years(rest) is None and not _AGE_GROUP_WORD.search(rest) \
        and not (_YOUNG_NOUN.search(rest) and checked["age_group"] in ("young adult", "middle-aged", "senior")
                 or _GROWN_NOUN.search(rest) and checked["age_group"] in ("child", "teen"))
    if truth == (said == "yes") and any(v is not None for v in names) and described_age and described_value \
            and described_gender and not garbled and not _self_negating(rest):
        # the model's Yes/No stands, and its words say why (an age's: the described age and group)
        return None if also is None or also.lower() in answer.lower() else f"{answer.strip()} {also}"
    # the other Yes/No, or the same one whose words name nothing asked ("He's young, isn't he?" → "Yes. His
    # eyes are open."; "Is this a female?" → "No. It is a photo of a person."): say what the description says
    if decisive == "age":
        restated = polar_age_answer(attrs, parse_age_years(caption), truth, random.Random(question))
    else:
        restated = polar_answer(decisive, attrs, checked[decisive], random.Random(question))
    return restated if also is None else f"{restated} {also}"


# A photo's colour is a fact of its pixels, the one the labeller states (data/labelling/labeller.py: mean max −
# min over RGB below 6 is greyscale, above 10 surely colour); the model's word for it can be wrong ("It is a
# full-color photo." of a black-and-white one)
_COLOUR_WORD = re.compile(r"\b(?:full[- ])?colou?r(?:ed)?(?=(?:,? [\w-]+){0,3}? (?:photo|photograph|picture|image|portrait|shot)\b)"
                          r"|\bfull[- ]colou?r\b", re.I)
_IN_COLOUR = re.compile(r"\bin (?:full )?colou?r\b", re.I)
_GREY_WORD = re.compile(r"\bblack[- ]and[- ]white\b|\bmonochrome\b|\bgr[ae]yscale\b", re.I)
_IN_GREY = re.compile(r"\bin black[- ]and[- ]white\b|\bin monochrome\b|\bin gr[ae]yscale\b", re.I)


def true_colour(text: str, chroma: float) -> str:
    """``text`` with its word for the photo's colour made to agree with the pixels: a greyscale photo (chroma
    below 6) is "black-and-white", never "full-color"; a surely colourful one (above 10) is never
    "black-and-white". Anything else is left as written."""
    from unif2ace.evaluation.attributes import parse_attribute
    from unif2ace.evaluation.detectors import GREY_CHROMA

    said = parse_attribute(text, "color")
    if chroma < GREY_CHROMA and said == "color":
        return _COLOUR_WORD.sub("black-and-white", _IN_COLOUR.sub("in black and white", text))
    if chroma > 10.0 and said == "black and white":
        return _GREY_WORD.sub("color", _IN_GREY.sub("in color", text))
    return text


# The labeller's lighting is a pixel rule on the whole photo's mean luma (data.labelling.labeller: dim below 85,
# bright above 190), so the photo's own pixels decide a lighting claim where the rule is sure: below 75 the photo
# is dim, above 200 bright, between 100 and 175 evenly lit; near the thresholds the words stand.
LIGHTING_SURE = {"dim": (0.0, 75.0), "even": (100.0, 175.0), "bright": (200.0, 256.0)}
_LIGHT_BEFORE = re.compile(r"\b(?:bright,\s+high-key|high-key|bright|brightly|dim|dimly|dark|low|even|evenly|soft|uniform|"
                           r"uniformly|balanced)(?=\s+(light|lighting|lit)\b)", re.I)
_LIGHT_AFTER = re.compile(r"\b((?:light|lighting)\s+(?:is|was|looks|seems)\s+(?:\w+\s+)?)"
                          r"(?:even|dim|bright|dark|low|soft|uniform|balanced)\b", re.I)
_LIGHT_WORDS = {"dim": ("dim", "dimly"), "bright": ("bright, high-key", "brightly"), "even": ("even", "evenly")}


def sure_light(luminance: float | None) -> str | None:
    """The lighting a photo's mean luma (0–255) gives where :data:`LIGHTING_SURE` is sure: "dim", "even", "bright";
    None near the labeller's thresholds or when unknown."""
    if luminance is None:
        return None
    return next((v for v, (lo, up) in LIGHTING_SURE.items() if lo <= luminance <= up), None)


def lighting_between(luminance: float | None) -> str | None:
    """The lighting of a photo whose mean luma lies between :data:`LIGHTING_SURE`'s bands, where the labeller's rule
    is not sure and the answers checked against it said "I can't tell from this photo." ("How is the lighting?" of a
    photo of luma 85, which a user would call a little dim): said as in between; None inside a band or unknown."""
    if luminance is None or sure_light(luminance) is not None:
        return None
    if LIGHTING_SURE["dim"][1] < luminance < LIGHTING_SURE["even"][0]:
        return "The lighting is in between: fairly even, a little on the dim side."
    if LIGHTING_SURE["even"][1] < luminance < LIGHTING_SURE["bright"][0]:
        return "The lighting is in between: fairly even, a little on the bright side."
    return None


# The wordings whose answers stand in for the description's sharpness, smile and head pose when it states none (two
# thirds of val descriptions state no sharpness, a third no smile, many no pose): training templates. (The pose: "Is
# the subject looking straight ahead?" got "No, she looks away from the camera." and "What's the head pose?"
# "Straight toward the camera." of one photo whose description names no pose.)
FACT_WORDINGS = {"sharpness": "Is the photo sharp or blurry?", "smile": "Is there a smile on this face?",
                 "head_pose": "Which way is the person facing?"}
# the attributes filled in where a question asks them and the description states none (the lighting from the pixels)
FACT_ATTRIBUTES = frozenset({"lighting", *FACT_WORDINGS})


def states_fact(caption: str, attr: str) -> bool:
    """Whether a description states ``attr`` (:data:`FACT_WORDINGS`' attributes and the lighting), as the answers
    checked against it read it (:func:`_described`: an expression other than happy is no smile)."""
    return attr in _described(caption, (attr,))


def with_facts(caption: str, luminance: float | None, answers: dict[str, str] | None = None) -> str:
    """``caption`` with a sentence for each of the photo's lighting, sharpness, the smile and the head pose that it
    states none of: the lighting that the photo's mean luma (``luminance``, 0–255) gives where :data:`LIGHTING_SURE`
    is sure ("It is taken in even lighting."), the sharpness, smile and pose that ``answers`` (the model's answers to
    :data:`FACT_WORDINGS`, by attribute) name ("The photo is sharp.", "He is not smiling.", "Her head is turned
    left."). Anything else as written."""
    from unif2ace.data.questions import Person
    from unif2ace.evaluation.attributes import parse_attribute

    answers = answers or {}
    added = []
    if not states_fact(caption, "lighting") and (light := sure_light(luminance)) is not None:
        added.append(f"It is taken in {light} lighting.")
    if not states_fact(caption, "sharpness") and (said := answers.get("sharpness")) and \
            (sharp := parse_attribute(said, "sharpness", loose=True)) is not None:
        added.append(f"The photo is {sharp}.")
    if not states_fact(caption, "smile") and (said := answers.get("smile")) and \
            (smile := _smile_said(said)) is not None:
        p = Person.of(_described(caption))
        added.append(f"{p.cap()} {p.be()} {'smiling' if smile else 'not smiling'}.")
    if not states_fact(caption, "head_pose") and (said := answers.get("head_pose")) and \
            (pose := parse_attribute(said, "head_pose", loose=True)) is not None:
        from unif2ace.data.questions import _polar_rest

        attrs = {**_described(caption), "head_pose": pose}
        text = _polar_rest("head_pose", attrs, pose, True, Person.of(attrs))
        added.append(text[0].upper() + text[1:])
    return " ".join([caption.rstrip(), *added]) if added else caption


def _smile_said(answer: str) -> bool | None:
    """Whether an answer to "Is there a smile on this face?" says the person smiles: its words, else its Yes/No."""
    from unif2ace.evaluation.attributes import parse_attribute, polarity

    if (said := parse_attribute(answer, "smile")) is not None:
        return said
    yes = polarity(answer.split(maxsplit=1)[0]) if answer.strip() else None
    return None if yes is None else yes == "yes"


def true_light(text: str, luminance: float | None) -> str:
    """``text`` with its word for the lighting made to agree with the photo's mean luma (0–255, measured before
    any exposure normalisation: :meth:`UniF2ace.prepare` keeps it as ``info["luminance"]`` of the crop), where
    :data:`LIGHTING_SURE` is sure ("It is a color photo with even lighting." of a photo darkened to a mean of 30
    → "… with dim lighting."; the model sees the crop brightened, which had hidden the dark); else as written."""
    from unif2ace.evaluation.attributes import parse_attribute

    said = parse_attribute(text, "lighting")
    truth = sure_light(luminance)
    if said is None or truth is None or said == truth:
        return text
    adjective, adverb = _LIGHT_WORDS[truth]
    text = _LIGHT_BEFORE.sub(lambda m: adverb if m[1].lower() == "lit" else adjective, text)
    return _LIGHT_AFTER.sub(lambda m: m[1] + truth, text)


def _side_yes_no(side: str, caption: str) -> str:
    """The answer to "Is the head turned to the left?" from the description's head pose, whose sides are the
    image's ("toward the left side of the image"), as a viewer names them: "No, he faces the camera.", "Yes,
    her head is turned slightly toward the left side of the image."; "I can't tell" when it states none. For
    "up" or "down" ("Is she looking up?"), "No, she faces the camera." of a frontal face, else "I can't tell"."""
    from unif2ace.data.questions import CANT_TELL, Person
    from unif2ace.evaluation.attributes import parse_attribute

    pose = parse_attribute(caption, "head_pose")
    p = Person.of(_described(caption))
    if pose is None or pose == "away" or side in ("up", "down") and pose != "frontal":
        return CANT_TELL[0]  # a turned head may also be raised or lowered: nothing says
    if pose == "frontal":
        return f"No, {p.he} {'face' if p.plural else 'faces'} the camera."
    described = "left" if "left" in pose else "right"
    slightly = "slightly " if "slightly" in pose else ""
    return (f"{'Yes' if described == side else 'No'}, {p.his} head is turned {slightly}toward the {described} "
            f"side of the image.")


# a face seen from the side ("Is the face in profile?", "Is it a side view?"; a profile photo or picture is a social
# media one, read elsewhere)
# (a "profile shot" is a side view; a "profile picture" an account's photo)
_PROFILE = re.compile(r"\b(?:in\s+)?profile\b(?!\s+(?:photo|pic|picture|image))|\bside[- ]?(?:view|on)\b|"
                      r"\bfrom the side\b", re.I)


def _profile_yes_no(caption: str) -> str | None:
    """The answer to whether the face is seen in profile, from the description's head pose: a face the frontal
    detector found is never in full profile, so "No" whichever way it turns, with how far ("No, her head is turned
    only slightly right, not in profile."; "Is the face in profile?" of a slightly turned head got "Yes, her head is
    turned slightly right."); None when the description states no pose."""
    from unif2ace.data.questions import Person
    from unif2ace.evaluation.attributes import parse_attribute

    pose = parse_attribute(caption, "head_pose")
    p = Person.of(_described(caption))
    if pose is None or pose == "away":
        return None
    if pose == "frontal":
        return f"No, {p.he} {'face' if p.plural else 'faces'} the camera."
    side = "left" if "left" in pose else "right"
    if "slightly" in pose:
        return f"No, {p.his} head is turned only slightly {side}, not in profile."
    return f"No, not in full profile: {p.his} head is turned {side}."


def _self_negating(words: str) -> bool:
    """Words that deny what they just said ("he is a senior, not a senior", "this is a girl, not a girl"):
    the model copied its own value where the question's belongs."""
    from unif2ace.evaluation.attributes import parse_attribute

    parts = _NOT.split(words, maxsplit=1)
    if len(parts) != 2:
        return False
    own, negated = ({a: v for a in _MENDED if (v := parse_attribute(part, a)) is not None} for part in parts)
    return bool(negated) and all(own.get(a) == v for a, v in negated.items())  # "a girl, not a boy": gender differs


def without_self_negation(answer: str) -> str | None:
    """An answer to an open question that starts with Yes or No and denies what it just said ("What about a senior?"
    with no question before it got "No. She is a senior, not a senior."), as what it said ("She is a senior."); None
    for any other answer."""
    from unif2ace.evaluation.attributes import polarity

    words = answer.strip().split(maxsplit=1)
    if len(words) < 2 or polarity(words[0]) is None or not _self_negating(words[1]):
        return None
    said = _NOT.split(words[1], maxsplit=1)[0].strip(" ,;")
    return said[:1].upper() + said[1:] + "."


# the attributes with two values, whose answer words follow from a bare Yes/No: the other value
_OWN_WORDS = {"smile": lambda v: not v, "eyes": {"open": "closed", "closed": "open"}.get,
              "sharpness": {"sharp": "blurry", "blurry": "sharp"}.get,
              "head_tilt": {"upright": "tilted", "tilted": "upright"}.get,
              "mouth": {"closed": "open", "open": "closed"}.get,
              "head_pose": {"frontal": "away", "away": "frontal"}.get,
              "color": {"color": "black and white", "black and white": "color"}.get}


_NOT = re.compile(r"[,;]?\s+not\s+", re.I)
_YES_NOT = re.compile(r",\s+not\s+[^.;!?,]+(?=[.;!?]|$)", re.I)  # "…, not surprised." after a Yes
_MENDED = ("gender", "age_group", "emotion")  # the attributes whose "no" answers read "X, not Y"


def mended_yes_no(question: str, answer: str) -> str | None:
    """A "no" answer whose "…, not Y" part does not name what the question asked, restated as the
    training data writes it, and a "yes" answer with a "…, not Y" part that is not a gender, without it
    ("Yes, she looks happy, not surprised." → "Yes, she looks happy."); None when the answer is well formed or is not such
    an answer.

    The model sometimes copies its own value where the question's belongs: "Is this a young boy?" →
    "No, this is a girl, not a girl." becomes "No, this is a girl, not a boy."; "Would you say he looks
    sad?" → "No, he looks neutral, not neutral." becomes "No, he looks neutral, not sad."; "Does she look
    middle-aged?" → "No, she is a senior, not a woman." becomes "No, she is a senior, not middle-aged.".
    The answer's No and its own value stay: only the words after "not" change."""
    import random

    from unif2ace.data.questions import polar_answer
    from unif2ace.evaluation.attributes import parse_attribute, polarity

    words = answer.strip().split(maxsplit=1)
    if len(words) == 2 and polarity(words[0]) == "yes" and (m := _YES_NOT.search(words[1])) \
            and parse_attribute(m[0], "gender") is None:
        # a Yes bears out what was asked, and one of several other values set against it says nothing ("Is the
        # lady happy?" → "Yes, she looks happy, not surprised." says "Yes, she looks happy."); the one other
        # gender does ("Yes, this is a man, not a woman.")
        return f"{words[0]} {_YES_NOT.sub('', words[1])}"
    if len(words) < 2 or polarity(words[0]) != "no":
        return None
    parts = _NOT.split(words[1], maxsplit=1)
    if len(parts) != 2:
        return None
    own, negated = parts
    asked = _asked_values(question)
    # a "not …" that sets the asked gender against the answer's own other one is well formed, whatever else the own
    # words imply ("Could she be a grandmother?" → "No. This is a boy, not a girl." of a teenager of 18 was mended,
    # by the boy's age, to "No. He is a child, not a senior."); an age set against another is still mended to the
    # gender where that is asked too ("Is this person a girl?" → "No, he is a young adult, not a child." → "No, this
    # is a man, not a girl.")
    contrasted = "gender" in asked and (said := parse_attribute(negated, "gender")) is not None \
        and said == asked["gender"] and (mine := parse_attribute(own, "gender")) is not None and mine != said
    for attr in (a for a in _MENDED if a in asked and not contrasted):
        value = parse_attribute(own, attr)
        if value is None or same_value(attr, value, asked[attr]) or parse_attribute(negated, attr) == asked[attr]:
            continue
        attrs = {k: v for k in ("gender", "age_group") if (v := parse_attribute(own, k)) is not None}
        if attr == "gender" and "age_group" not in attrs and "age_group" in asked:
            attrs["age_group"] = asked["age_group"]  # "Is this a young boy?": a girl, not a boy
        attrs[attr] = value
        answer = mended = polar_answer(attr, attrs, asked[attr], random.Random(question))
        break
    else:
        mended = None
    # the asked gender, but another noun for it ("A man?" of a young woman → "No. This is a girl, not a
    # boy."): the noun the question used ("…, not a man.")
    parts = _NOT.split(answer, maxsplit=1)
    negated = parts[-1]
    if len(parts) == 2 and "gender" in asked and (noun := _GENDER_NOUN.search(_without_pronouns(question))):
        said = _GENDER_NOUN.search(negated)
        if said is not None and said.group(1).lower() != noun.group(1).lower() and \
                parse_attribute(said.group(1), "gender") == asked["gender"]:
            return answer[:len(answer) - len(negated)] + negated[:said.start(1)] + noun.group(1).lower() + \
                negated[said.end(1):]
    return mended


_GENDER_NOUN = re.compile(r"\b(man|woman|boy|girl)\b", re.I)


# What the model can see and was taught to answer: a question that names none of it ("Is she married?",
# "Does he speak French?", "What language does she speak?") is answered "I can't tell from this photo."
# instead of a Yes/No or an age about something else ("No. She is not smiling."). Words about the face, its
# age, gender, expression and pose, and about the photo itself, count as seen.
_SEEN_WORDS = re.compile(
    r"\b(?:age|aged|ages|old|older|oldest|young|younger|youngest|youth|youthful|years?|born|generation|elderly|"
    r"twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|"
    r"gender|sex|masculine|feminine|ethnicity|ethnic|race|skin|asian|indian|latin[oa]|hispanic|arab|caucasian|african|"
    r"expression|emotion|emotions|mood|feel|feels|feeling|smil\w*|grin\w*|laugh\w*|frown\w*|cry\w*|tears?|"
    r"angry|anger|mad|scared|afraid|fear\w*|disgust\w*|serious|solemn|calm|upset|cheerful|joyful|gloomy|"
    r"relaxed|content|contented|peaceful|serene|composed|at ease|at peace|comfortable|tense|"
    # expressions no label names that a described one rules out ("Does she look annoyed?" of a face described as
    # happy got "I can't tell from this photo."; _emotion_yes_no: "No, she looks happy.")
    r"annoyed|irritated|irritable|furious|frightened|terrified|stressed|anxious|nervous|worried|scowl\w*|grimac\w*|"
    r"pout\w*|grumpy|cranky|sulky|sulking|disappointed|frustrated|"
    r"face|faces|facial|eyes?|mouth|lips|teeth|head|pose|look(?:s|ing)? (?:at|into|toward|towards|away)|facing|"
    r"turned|profile|tilt\w*|camera|lens|"
    r"photo|photos|photograph|picture|image|selfie|portrait|headshot|close-?up|shot|snapshot|drawing|real|"
    r"colou?r|colou?red|black|white|grey|gray|monochrome|blurry|sharp|focus|light|lighting|lit|dark|bright)\b", re.I)
_SEEN_SUBJECT = re.compile(r"(?:a |an |the )?(?:real |human |actual )?(?:person|human|human being|someone|somebody|"
                           r"people|face|individual)", re.I)


_LOOKS = re.compile(r"\b(?:look|looks|looking|appearance|appear|appears|seem|seems|describe|description)\b|"
                    r"^\s*what(?:'s| is)\s+(?:this|that|it|here|there)\s*[?.!]*\s*$", re.I)


_QUESTION_LIKE = re.compile(r"\?\s*$|^(?:\W*\w+\W+)?(?:what|what's|who|who's|whose|where|when|which|why|how|is|are|"
                            r"was|were|does|do|did|has|have|can|could|will|would|tell me|guess|"
                            # a request ("Describe the background." got "He looks neutral." of a face described as
                            # happy)
                            r"describe|explain)\b", re.I)


# a picture made rather than taken; asked as a choice ("A real photo or a drawing?"), whose honest answer
# the model was never taught ("Is this a drawing?" alone is an off-topic question, answered "No")
_MADE = (r"(?:drawing|painting|cartoon|sketch|illustration|render|rendering|artwork|fake|synthetic|cgi|"
         r"(?:ai|computer)[- ]generated|(?:ai|computer)[- ]made)")
_REAL = r"(?:photo|photograph|picture|image|person|human|face|people)"
# What no label or description states, though it is about the face or the photo: a question naming one is
# answered "I can't tell from this photo." ("Is the face partly hidden?" got "Yes. It is a photo of a man.";
# "How many people are in the photo?" an age: the model sees one aligned face, not the whole photo; "Is there
# anything unusual about this photo?" "Yes, he is in color.": no label says what is usual; "What year was this
# photo taken?" "Yes, it is a child."; "Is this an old photo?" "Yes, it is a photo of a boy."; "Is there more than one person in this picture?" "Yes. He is a senior.";
# "Is this a real photo or a drawing?" "A man."; "Can you see both ears?" "No. It is in color."; "What decade was
# this photo taken in?" not an age; "Does he look like a father?" "Yes. This is a boy." of a one-year-old)
_CLOTHES = rf"{CLOTHES}\b"
_UNLABELLED = re.compile(r"\b(?:hidden|hide|hiding|covered|covering|occluded|obscured|selfie|selfies|make-?up|lipstick|"
                         # a face pulled ("Is the person making a funny face?" got "Yes. It is a photo of a person.")
                         r"(?:funny|silly|goofy|weird|strange) faces?|(?:making|pulling) (?:a |any )?faces?|"
                         # health ("Does the child look healthy?" got "Yes, he is a child.")
                         r"healthy|unhealthy|sick|sickly|unwell|in (?:good|poor|bad) health|"
                         r"tattoos?|tattooed|piercings?|pierced|earrings?|hats?|cap|caps|scarf|headscarf|hijab|"
                         # clothes asked about ("Is there a tie in the photo?" got "No. It is a photo of a person."
                         # whatever it showed; "Is the man in the suit smiling?" asks about the smile)
                         rf"(?:wear|wears|wearing|there|see|have|has|got|any)\s+(?:(?:an?|any|the|some|his|her|their)\s+)?"
                         rf"(?:[\w-]+\s+)?{_CLOTHES}|dressed|"
                         r"jewell?e?ry|necklace|masks?|filter|filtered|photoshopped|edited|retouched|"
                         r"unusual|strange|weird|odd|wrong with|(?:what|which) year(?!(?:\s+[\w']+){0,6}?\s+(?:at|in|of)\s+school\b)|what date|"
                         r"what time|"
                         # "Is that typical for that age?" (got "No. It is a photo of a man.")
                         r"typical|atypical|normal for|usual for|common for|"
                         # the skin, red eyes, a smile's sincerity, a photo's use, being rested, fame (each got the
                         # model's Yes/No with words about something else: "Is the skin smooth?" → "Yes. It is a photo
                         # of a woman.", "Are the eyes red?" → "Yes. His head is even.", "Is this a good profile
                         # picture?" → "No. She faces the camera.", "Is this a celebrity?" → "No, this is a man, not a
                         # senior.")
                         r"skin|smooth|eyes? (?:are |look |is |looks )?(?:red|bloodshot|puffy|swollen)|red[- ]eyes?|"
                         r"forced|genuine|sincere|authentic|"
                         # ("Is he faking a smile?" got "Yes. He is smiling.")
                         r"fak(?:e|ing|ed)\s+(?:a\s+|his\s+|her\s+|their\s+|that\s+|the\s+)?smile|"
                         r"smile\s+(?:is\s+|looks\s+)?(?:fake|faked|put[- ]on|posed)|"
                         r"(?:good|nice|great|decent|bad|suitable|usable|profile|linkedin|dating|cv|resume|r[ée]sum[ée])\s+"
                         r"(?:profile\s+)?(?:photo|pic|picture|image|headshot)|linkedin|dating (?:app|site|profile)|"
                         r"rested|sleepy|exhausted|"
                         # arithmetic on an exact age, which a photo does not show ("Is the person's age a multiple of
                         # ten?" got "Yes, this is a boy." of a girl described as 1)
                         r"multiple of|(?:odd|even|prime|round) number|(?:an? )?(?:odd|even|prime) age|"
                         # shadows, which no label states ("Are there any shadows on the face?" got "Yes. Her eyes are
                         # open.")
                         r"(?:any|some|no|the|harsh|strong|dark|deep)\s+shadows?|shadows?\s+(?:on|across|over|under)|"
                         r"shadowed|"
                         # looks as a matter of taste ("Is the boy cute?" got "Yes. It is a photo of a boy.")
                         r"cute|adorable|beautiful|gorgeous|handsome|attractive|unattractive|good[- ]looking|ugly|sexy|"
                         r"pretty(?=\s*(?:[?.!,]|$|(?:girl|woman|lady|face|child|baby|boy|man)\b))|"
                         rf"{_FAME}|"
                         r"skin (?:tone|colou?r|type)|complexion|(?:light|dark|fair|pale|olive|tan)[- ]?skinned|tanned|"
                         r"grainy|noisy|pixelated|pixellated|low[- ]res(?:olution)?|high[- ]res(?:olution)?|"
                         r"eye colou?rs?|colou?rs? (?:are|is|of) [\w' ]*eyes?|"
                         # ("Are the eyes blue?" got "Yes. Her head is turned slightly toward the right …")
                         r"(?:blue|brown|green|hazel|grey|gray|amber|light|dark)[- ](?:eyes|eyed)|"
                         r"eyes?\s+(?:are\s+|look\s+|is\s+)?(?:blue|brown|green|hazel|grey|gray|amber)\b|"
                         r"clean[- ]shaven|shaven|shaved|stubble|"
                         # ethnicities no label names ("Is this person Hispanic?" got "No. He is a senior, not a senior.";
                         # the labels are White, Black, Asian, Indian and others)
                         r"hispanic|latin[oaxe]s?|latinx|arabs?|arabic|middle[- ]eastern|native american|indigenous|"
                         r"pacific islanders?|mixed[- ]race|biracial|multiracial|"
                         # the face's shape, which no label states ("Would you describe the face as round or long?" got
                         # the whole description, "Is the face oval or square?" "Straight toward the camera.")
                         r"(?:round|oval|square|heart[- ]shaped|diamond[- ]shaped|oblong|chubby|angular)\s+face|"
                         r"face(?:'s)?\s+shape|shape of (?:the|his|her|their|this) face|(?:what|which) shape\b|"
                         # and of a feature ("What is the shape of the eyes?" got "His eyes are open.")
                         r"\b(?:eyes?|nose|lips?|mouth|eyebrows?|jaw|chin|ears?)(?:'s)?\s+shape|shape of (?:the|his|her|"
                         r"their|this person's) (?:eyes?|nose|lips?|mouth|eyebrows?|jaw|chin|ears?)\b|"
                         r"face\s+(?:as\s+|is\s+|looks?\s+)?(?:round|oval|square|long|heart[- ]shaped|oblong|narrow|wide|"
                         r"chubby|angular|thin)\b|"
                         # the hair, which no label states ("Is this man bald?" got "Yes. This is a man.", "Is the woman
                         # blonde?" "Yes, this is a woman.": the subject confirmed, the question not answered)
                         # (a hair named in passing, "Is she smiling with her hair down?", leaves the smile asked)
                         r"bald|balding|haired|hairy|hairstyle|hairdo|haircut|hairline|blond|blonde|brunette|redhead|"
                         # (an open question about the hair, "What colour is his hair?", is left to the model, which
                         # the data taught to say it can't tell)
                         rf"red-head|ginger|(?:{_HAIR_LOOK}|much|any|no) hair|"
                         rf"hair (?:(?:is|are|looks?|seems?|turning|going) )?(?:{_HAIR_LOOK})|"
                         r"(?:when|where) (?:was|were) (?:this|that|the|it)|(?:what|which) (?:decade|era) (?:was|were)|"
                         # "Which decade is this picture from?" (got "Slightly toward the right side of the image.")
                         r"(?:what|which) (?:decade|era|year) (?:is|are|'s) (?:this|that|the|it) (?:\w+ )?(?:from|taken)|"
                         r"taken in (?:the\s+)?(?:[1-9]\d*0s|what|which)|"
                         # the photo's own age ("Is this an old photo?" got "Yes, it is a photo of a boy.")
                         # and a kind of light no label names ("Is the lighting harsh?": "Yes. It is a photo of a
                         # person."; the labels say dim, bright or even)
                         r"(?:harsh|hard|strong|flat|dramatic|natural|studio|artificial|warm|cold|cool)\s+"
                         r"(?:light|lighting|light source)|(?:light|lighting)\s+(?:is\s+|look\s+|looks\s+)?"
                         r"(?:harsh|hard|strong|flat|dramatic|natural|artificial|warm|cold|cool)|flash|"
                         rf"(?:old|older|vintage|antique|recent|new|newer|modern|dated|historic|historical)[- ]{_PHOTO_NOUN}|"
                         rf"^\W*(?:is|was)\s+(?:this|the|that|it|your)\s+{_PHOTO_NOUN}\s+(?:old|vintage|recent|new|dated)|"
                         rf"how old is (?:this|the|that|your) {_PHOTO_NOUN}|taken recently|recently taken|"
                         # ("How old do you think the photo is?" got "She is 34 years old, …"; "Is this photo from the
                         # 90s?" "No, she is a young adult, not a senior.": the decade read as an age)
                         rf"how old (?:do you think|would you say|would you guess|does it look like) (?:this|the|that|your) "
                         rf"{_PHOTO_NOUN}\b|^\W*(?:is|was)\s+(?:this|the|that|it|your)\s+{_PHOTO_NOUN}\s+(?:from|taken in|"
                         rf"made in|dated? (?:from|to))\s+(?:the\s+)?(?:(?:19|20)?\d0'?s|(?:19|20)\d\d|{'|'.join(DECADE_WORDS)}|"
                         r"last century)|"  # (not "… in 2030 if the photo is from 2017?", which gives the year)
                         # the light's direction, which no label states ("Is the light coming from the left?" got "No.
                         # She is closed.")
                         r"(?:light|lighting|lit)\s+(?:is\s+)?(?:coming\s+|falling\s+|shining\s+)?from\s+(?:the\s+)?"
                         r"(?:left|right|above|below|behind|side|front|top|back|window)|light ?sources?|backlit|back-lit|"
                         r"side[- ]lit|(?:which|what) (?:side|direction|angle) (?:is |does )?(?:the )?light|"
                         r"direction of (?:the )?light|"
                         r"how many (?:people|persons|faces|men|women|children|kids|humans)|"
                         rf"(?<!from )(?<!to ){_FACE_PARTS}|eyelashes|wrinkled|"  # the look-behind: not "from ear to ear"
                         r"cent(?:er|re)d?|centered|off-?cent(?:er|re)|in the frame|framed|cropped|zoomed|"
                         r"headwear|head ?gear|helmet|"
                         r"father|mother|dad|daddy|mom|mommy|mum|parent|parents|husband|wife|son|daughter|brother|"
                         r"sister|uncle|aunt|"
                         # children of one's own, not a child's age ("Does this person have kids?" got "No. He is a
                         # senior, not a child.", "Would you guess this person has kids?" "Yes. She is a child.")
                         r"(?:has|have|having|had)\s+(?:any\s+|a\s+|some\s+|(?:his|her|their)\s+own\s+)?"
                         r"(?:kids?|child|children|bab(?:y|ies)(?![- ]?faced?\b)|grand(?:kids?|children|child))|"
                         r"(?:good|nice|great|bad|decent) (?:photo|photograph|picture|portrait|image|shot|headshot|selfie)|"
                         r"quality|professional|amateur|any good|"  # "Is the picture any good?" (got "No. It is a
                         # photo of a woman.")
                         r"more than one|anyone else|anybody else|someone else|somebody else|other (?:people|persons|faces)|"
                         r"alone|by (?:himself|herself|themselves|themself)|"
                         # "Is this a real person or a drawing?" (got "A boy." of a woman) as "a photo or a drawing?"
                         rf"(?:real\s+)?{_REAL}\s+or\s+(?:an?\s+)?{_MADE}|{_MADE}\s+or\s+(?:an?\s+)?(?:real\s+)?{_REAL}|"
                         # (not an ethnic background: "What is the person's ethnic background?" got "I can't tell")
                         r"(?<!ethnic )(?<!racial )(?<!cultural )background|backdrop|shirt|t-shirt|clothes|clothing|"
                         r"outfit|jacket|collar|symmetr\w*|"
                         # writing in the photo ("Is there any text in the image?" got "No. It is a photo of a girl." of
                         # a boy)
                         r"(?:is|are)\s+there\s+(?:any\s+|some\s+)?(?:text|writing|words|letters|lettering)|"
                         rf"(?:text|writing|words|letters|lettering)\s+(?:in|on)\s+(?:the|this|that)\s+{_PHOTO_NOUN}|"
                         r"watermark(?:ed)?|logos?|"
                         # ("Does she look good for her age?"; not a guess for it: "What's your best guess for her age?"
                         # got "I can't tell from this photo.")
                         r"(?<!guess )(?<!guesses )(?<!estimate )(?<!answer )(?<!number )(?<!figure )(?<!range )"
                         r"(?<!bracket )(?<!value )for (?:his|her|their|its) age|"
                         # the real age beside the looks ("Does this person look older than they are?" got "Yes. It
                         # is a photo of a woman."): a photo shows only the looks
                         r"(?:older|younger) than (?:he|she|they|it)(?: really| actually)? (?:is|are)|"
                         r"(?:older|younger) than (?:his|her|their) (?:(?:real|actual|true) )?(?:age|years)\b|"
                         r"ai|ai-generated|generated|rendered|cgi|fake|real or|"
                         # the future ("What would this person look like in 20 years?" got "She looks happy.") and
                         # what a photo is for ("Could this be a passport photo?": "No, it is a photo of a woman.")
                         r"(?<!be )(?<!old )in \d+ years|in (?:\w+ )?(?:years|decades) (?:time|from now)|in the future|"
                         r"(?:will|would) (?:he|she|they|this person|the person) look like (?:in|when|at|as)|"
                         r"when (?:he|she|they) (?:is|are|gets?|grows?) (?:older|old|up)|grows? up to|"
                         r"passport|id (?:photo|card|picture)|driver'?s licen[cs]e|mugshot|visa photo|"
                         # ("Is this photo good enough for an ID?" got "Yes, it is a photo of a person.")
                         r"for (?:an? )?(?:id|identification)\b|"
                         # where it was taken ("Is this picture taken indoors?" got "Yes. It is a photo of a woman.")
                         r"indoors?|outdoors?|(?:taken|shot) (?:inside|outside)|"
                         # a question about people in general ("Why do people smile in photos?" got "He is smiling.")
                         r"^\W*(?:but\s+|and\s+|so\s+)?why do (?:people|humans|we|folks|most people|some people|kids|"
                         r"children|men|women)\b|"
                         # what someone can do ("Can this kid walk yet?" got "Yes, she is a child." of a girl of 1)
                         r"can (?:he|she|they|this|that|the) (?:\w+ )?(?:walk|talk|speak|read|write|drive|swim|"
                         r"crawl|vote)|"
                         # how good something looks, which no label judges ("Which looks better, my smile or my
                         # eyes?" got "Slightly toward the left side of the image.")
                         r"looks?\s+(?:better|best|nicer|nicest|prettier|prettiest|worse|worst|more attractive|"
                         r"most attractive)|"
                         # and when ("Was the photo taken at night?" got "No. It is a photo of a man.")
                         r"at night|night-?time|daytime|during the day|in the (?:morning|evening|afternoon))\b", re.I)


# "How many people are in this picture?", "Is there more than one person here?", "Is she alone?", "Is anyone
# else in the photo?": how many faces the photo holds, which the model (it sees one aligned face) cannot say
# but the face detector that aligned it can
_HOW_MANY = re.compile(r"\bhow many (?:people|persons|faces|humans|individuals|subjects|of them)\b", re.I)
_MORE_THAN_ONE = re.compile(r"\b(?:more than one|several|multiple|many|two or more|other) (?:people|persons|person|faces?|"
                            r"humans|individuals)\b|\b(?:anyone|anybody|someone|somebody) else\b|\bgroup (?:photo|shot|"
                            r"picture)\b", re.I)
# "Is it a photo of two people?", "Are there 3 faces?": a count asked to be confirmed
_COUNTED = re.compile(r"\b(two|three|four|five|2|3|4|5|a couple of|a pair of)\s+(?:\w+\s+)?(?:people|persons|faces|"
                      r"humans|individuals|men|women|kids|children|boys|girls|friends|siblings|adults)\b", re.I)
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "a couple of": 2, "a pair of": 2}
# "Is there a face in this image?", "Does this photo contain a person?": whether it shows anyone at all ("… Answer yes
# or no." got "Yes. Her face photo of a girl.")
_ANY_FACE = re.compile(r"^(?:is|are)\s+there\s+(?:a|an|any)\s+(?:human\s+|real\s+)?(?:face|faces|person|people|human|"
                       r"humans|someone|somebody)\b(?!\s+(?:else|other))|^(?:does|do)\s+(?:this|the|that)\s+(?:image|photo|"
                       r"picture|pic|photograph|shot)\s+(?:contain|show|have|include|feature)\s+(?:a|an|any)\s+(?:human\s+)?"
                       r"(?:face|faces|person|people|human)\b|^(?:can|do)\s+you\s+see\s+(?:a|any)\s+(?:human\s+)?(?:face|person)\b|"
                       # the face itself, seen or not ("Is his face visible?" got "I can't tell from this photo."), but
                       # not how much of it ("Is her face fully visible?" asks about cover, which no label states)
                       r"^(?:is|are)\s+(?:the|his|her|their|this person's|the person's)\s+faces?\s+(?:clearly\s+)?"
                       r"(?:visible|shown|showing|in view|in (?:the )?(?:frame|shot|photo|picture|image))(?:\s+in\s+(?:the|this)\s+"
                       r"(?:photo|picture|image|shot|frame))?\s*[?.!]*$|"
                       r"^(?:can|could|do)\s+(?:you|we|i)\s+(?:clearly\s+)?see\s+(?:the|his|her|their|this person's|the "
                       r"person's)\s+faces?(?:\s+in\s+(?:the|this)\s+(?:photo|picture|image|shot|frame))?\s*[?.!]*$",
                       re.I)
_ALONE = re.compile(r"\balone\b|\bby (?:himself|herself|themselves|themself)\b|\bthe only (?:one|person|face)\b|"
                    r"\b(?:just|only) one (?:person|face)\b", re.I)


def face_count_answer(question: str, faces: int | None) -> str | None:
    """The answer to a question about how many people the photo shows, from ``faces``, the clear faces the
    detector found in it (:func:`unif2ace.pipeline.faces.detect_faces`): "How many people are in this
    picture?" → "I see one face in this photo." or "I see 3 faces in this photo; I describe the largest
    one."; "Is there more than one person?" → "No, I see one face in this photo."; "Is she alone?" → "Yes,
    …"; "Is there a face in this image?" → "Yes, …". None for any other question, or when nothing was counted (a
    crop given without alignment)."""
    from unif2ace.data.questions import is_yes_no

    if not faces:
        return None
    seen = "I see one face in this photo." if faces == 1 else \
        f"I see {faces} faces in this photo; I describe the largest one."
    if _HOW_MANY.search(question):
        return seen
    if not is_yes_no(question):
        return None
    if _MORE_THAN_ONE.search(question):
        return f"{'Yes' if faces > 1 else 'No'}, {seen}"
    if m := _COUNTED.search(question):
        asked = _COUNT_WORDS.get(m[1].lower()) or int(m[1])
        return f"{'Yes' if faces == asked else 'No'}, {seen}"
    if _ALONE.search(question):
        return f"{'Yes' if faces == 1 else 'No'}, {seen}"
    if _ANY_FACE.search(question.strip()):
        return f"Yes, {seen}"
    return None


# "Output the bounding box of the face.", "Where is the face in the photo?", "What are the face's coordinates?": the
# model sees only the aligned crop (each got an age or an expression), but the detector that aligned it found the box
_FACE_BOX = re.compile(r"\b(?:bounding[- ]?box(?:es)?|bbox(?:es)?|(?:pixel\s+)?coordinates|(?:face|its|his|her|their) "
                       r"(?:location|position)|(?:location|position) of (?:the|his|her|their) face|where(?:'s| is| in "
                       r"the (?:photo|picture|image) is) (?:the|his|her|their) face)\b", re.I)


# "How big is her face?" got "She is 22 years old, …" of a boy: the box's size
_FACE_SIZE = re.compile(r"\b(?:how (?:big|large|wide|tall) is (?:the|his|her|their|this|that) face|face(?:'s)? size|"
                        r"size of (?:the|his|her|their) face)\b", re.I)


# "Is the face centered in the frame?" (got "I can't tell from this photo."), "Is her face off-center?"
_CENTRED = re.compile(r"\b(?:cent(?:ered|red)|off[- ]?cent(?:er|re)|in the (?:middle|cent(?:er|re))(?: of (?:the|this) "
                      r"(?:photo|picture|image|frame|shot))?)\b", re.I)


def _place(box: tuple[int, int, int, int], size: tuple[int, int]) -> str:
    """Where ``box`` lies in a photo of ``size`` (width, height), by thirds of each side: "in the middle", "in the
    upper left", "on the right", "at the top" (of the photo)."""
    across = (box[0] + box[2]) / 2 / size[0]
    down = (box[1] + box[3]) / 2 / size[1]
    row = "upper" if down < 1 / 3 else "lower" if down > 2 / 3 else ""
    column = "left" if across < 1 / 3 else "right" if across > 2 / 3 else ""
    if row and column:
        return f"in the {row} {column}"
    if row:
        return f"at the {'top' if row == 'upper' else 'bottom'}"
    return f"on the {column}" if column else "in the middle"


def face_box_answer(question: str, box: tuple[int, int, int, int] | None,
                    size: tuple[int, int] | None = None) -> str | None:
    """The answer to a question about where the face is in the photo, or how big, from ``box``, the detector's box
    (left, top, right, bottom) in the photo's pixels (:func:`unif2ace.pipeline.faces.prepare_face`): "The face's box
    in the photo is [12, 30, 190, 208] (left, top, right, bottom, in pixels)."; "The face's box is 178 × 178 pixels:
    …" to a size question; with the photo's ``size`` (width, height), whether the face is centred ("Yes, the face is
    in the middle of the photo: …", "No, the face is in the upper left of the photo: …", by thirds of each side).
    None for any other question, or when no box is known (a crop given without alignment)."""
    from unif2ace.data.questions import is_yes_no

    if box is None:
        return None
    where = f"[{', '.join(str(v) for v in box)}] (left, top, right, bottom, in pixels)"
    if size is not None and _CENTRED.search(question):
        place = _place(box, size)
        said = f"the face is {place} of the photo: its box is {where}"
        if not is_yes_no(question):
            return f"{said[0].upper()}{said[1:]}."
        off = re.search(r"\boff[- ]?cent", question, re.I) is not None
        return f"{'Yes' if (place == 'in the middle') != off else 'No'}, {said}."
    if _FACE_SIZE.search(question):
        return f"The face's box is {box[2] - box[0]} × {box[3] - box[1]} pixels (width × height): {where}."
    if not _FACE_BOX.search(question):
        return None
    if size is not None and re.search(r"\bwhere\b", question, re.I):  # "Where is the face?": in words too
        return f"The face is {_place(box, size)} of the photo: its box is {where}."
    return f"The face's box in the photo is {where}."


# "What's the resolution of this image?", "How big is the photo?", "Image dimensions?": the photo's own pixels (they
# got "Neutral." and "I can't tell from the photo alone."); not the face's size ("How big is her face?")
_PHOTO_SIZE = re.compile(rf"\b(?:resolution|dimensions|pixel (?:size|count)|how many pixels|megapixels?|"
                         rf"(?:{_PHOTO_NOUN})(?:'s)? (?:size|width|height)|(?:size|width|height) of (?:the|this|that|my) "
                         rf"{_PHOTO_NOUN}|how (?:big|large|wide|tall) is (?:the|this|that|my) {_PHOTO_NOUN}|"
                         rf"what size is (?:the|this|that|my) {_PHOTO_NOUN})\b", re.I)


# "What's the aspect ratio?", "Is this image in portrait or landscape orientation?" (both got "I can't tell"), "Is the
# photo square?" (got "No. It is a photo of a person." of a 200 × 200 chip)
_PHOTO_SHAPE = re.compile(rf"\b(?:aspect[- ]ratio|{_PHOTO_NOUN}(?:'s)? orientation|orientation (?:of|is) (?:the|this|that|my) "
                          rf"{_PHOTO_NOUN}|(?:portrait|landscape) (?:orientation|mode)|portrait or landscape|landscape or portrait|"
                          rf"(?:is|was) (?:the|this|that|my) {_PHOTO_NOUN} (?:a )?(?:square|landscape|wide|tall|"
                          r"horizontal|vertical)|(?:square|landscape|horizontal|vertical) (?:photo|picture|image|format))\b",
                          re.I)


def photo_size_answer(question: str, size: tuple[int, int] | None) -> str | None:
    """The answer to a question about the photo's size, resolution or shape, from ``size`` (width, height) in the
    photo's pixels (:func:`unif2ace.pipeline.faces.prepare_face`): "The photo is 200 × 200 pixels (width ×
    height).", "Square: 200 × 200 pixels." (its shape asked: "portrait or landscape?", "Is the photo square?" with
    a Yes or No first), "4:3, landscape (640 × 480 pixels)." (its aspect ratio); None for any other question, or
    when the size is not known."""
    from math import gcd

    from unif2ace.data.questions import is_yes_no

    if size is None:
        return None
    width, height = size
    pixels = f"{width} × {height} pixels"
    if _PHOTO_SHAPE.search(question):
        shape = "square" if width == height else "landscape" if width > height else "portrait"
        if re.search(r"\baspect[- ]ratio\b", question, re.I):
            k = gcd(width, height)
            ratio = f"{width // k}:{height // k}" if max(width, height) // k <= 32 else f"{max(width, height) / min(width, height):.2f}:1"
            return f"{ratio}, {shape} ({pixels})."
        asked = re.search(r"\b(square|landscape|portrait|wide|horizontal|tall|vertical)\b", question, re.I)
        if is_yes_no(question) and asked is not None:  # "Is the photo square?", "Is it in portrait mode?"
            named = {"wide": "landscape", "horizontal": "landscape", "tall": "portrait", "vertical": "portrait"}.get(
                asked[1].lower(), asked[1].lower())
            return f"{'Yes' if named == shape else 'No'}, it is {shape}: {pixels}."
        return f"{shape.capitalize()}: {pixels}."
    if not _PHOTO_SIZE.search(question):
        return None
    return f"The photo is {pixels} (width × height)."


# A close-up is a photo the face fills: the face box's side at least half the photo's shorter side (a UTKFace
# chip: 0.9; a face 224 px wide pasted into a 640×480 picture: 0.42)
CLOSE_UP_SHARE = 0.5
FAR_SHARE = 0.2  # and below it, a photo taken from further away (a face 60 px wide in a 640×480 picture: 0.11)
_CLOSE_UP = re.compile(r"\b(?:close[- ]?ups?|head[- ]?shots?|face (?:fills?|filling|fill) (?:the|this|the whole|most of the) "
                       r"(?:photo|picture|frame|image|shot))\b", re.I)
_FAR_SHOT = re.compile(r"\b(?:wide[- ]shot|long shot|from (?:far away|far|a distance)|far away|zoomed[- ]out)\b", re.I)


def framing_answer(question: str, share: float | None) -> str | None:
    """The answer to a yes/no question about how close the photo is ("Is this a close-up?", "Is it a
    headshot?", "Was this taken from far away?"), from ``share``, the face box's side over the photo's shorter
    side (:func:`unif2ace.pipeline.faces.prepare_face`; :data:`CLOSE_UP_SHARE` and up is a close-up, below
    :data:`FAR_SHARE` a photo from further away, and between them a question about the body is left alone): the
    model sees only the aligned crop, always a close-up, and its training captions call every photo one. None
    for any other question, or when ``share`` is unknown."""
    from unif2ace.data.questions import is_yes_no

    if share is None or not is_yes_no(question):
        return None
    close, small = share >= CLOSE_UP_SHARE, share < FAR_SHARE
    if _CLOSE_UP.search(question):
        truth = close
    elif _FAR_SHOT.search(question) and (close or small):  # between the two, a face says nothing of the body
        truth = small
    else:
        return None
    said = "the face fills most of the photo" if close else \
        "the face takes up only a small part of the photo" if small else "the face takes up only part of the photo"
    return f"{'Yes' if truth else 'No'}, {said}."


# the photo's orientation asked ("Is the photo upside down?" got "No, it is a photo of a person.", "Is this picture
# sideways?"): the face's roll in the photo (faces.FaceWarp.roll), which the alignment turns upright
_ORIENTATION = re.compile(r"\b(?:(upside[- ]?down)|(sideways|on (?:its|their|the) side|turned (?:on (?:its|the) side|"
                          r"sideways))|(rotated|turned (?:a?round|by \d+))|(the right way up|right side up|upright|the right way round))\b",
                          re.I)
_PHOTO_WORD = re.compile(r"\b(?:photo|photograph|picture|pic|image|shot|selfie)\b", re.I)


def orientation_answer(question: str, roll: float | None) -> str | None:
    """The answer to a yes/no question about which way up the photo is ("Is the photo upside down?", "Is this
    picture sideways?", "Is the image the right way up?"), from ``roll``, how far the face is turned in the photo
    (degrees, 0 upright, 90 a quarter clockwise: :attr:`unif2ace.pipeline.faces.FaceWarp.roll`): within 45° of
    upright the photo is upright (a tilted head is the head's pose), within 45° of 180° upside down, else on its
    side. None for any other question, or when the roll is unknown (a crop read as given)."""
    from unif2ace.data.questions import is_yes_no

    if roll is None or not is_yes_no(question) or (m := _ORIENTATION.search(question)) is None \
            or not (_PHOTO_WORD.search(question[:m.start()]) or m[1] and re.match(r"\W*is (?:it|this)\s+upside",
                                                                                  question, re.I)):
        return None  # the photo's way up, not the person's ("Is this person turned sideways?" asks the head's pose)
    turn = "upright" if abs(roll) < 45 else "upside down" if abs(roll) > 135 else "side"
    asked = "upside down" if m[1] else "side" if m[2] else "upright" if m[4] else None  # None: rotated either way
    if turn == "upright":
        said = "the face is upright in the photo"
    elif turn == "upside down":
        said = "the photo is upside down (I turned it round to read the face)"
    else:
        said = (f"the photo is on its side, the top of the head to the {'right' if roll > 0 else 'left'} (I turned it "
                "upright to read the face)")
    truth = turn == asked if asked is not None else turn != "upright"
    return f"{'Yes' if truth else 'No'}, {said}."


# "Is there anything on the head?" (got "Yes. She is smiling."): what is worn, which no label states (read before
# the other subject it names, "anything on the head"); a generation, which needs the year the photo was taken
# ("Is this a millennial?" got "No. It is a photo of a woman.")
_UNSEEN_BEFORE_SUBJECT = re.compile(r"\b(?:anything|something|what(?:'s| is)?) (?:on|over|covering) "
                                    r"(?:the|his|her|their|its) head\b|"
                                    r"\b(?:millennials?|gen(?:eration)? ?[xyz]|zoomers?|(?:baby )?boomers?)\b", re.I)


# a choice between two states no label names ("Would you say the person looks tired or energetic?" got "A girl.")
_UNSEEN_STATE = (r"(?:tired|energetic|exhausted|rested|well[- ]rested|sleepy|awake|alert|bored|interested|stressed|nervous|"
                 r"confident|insecure|shy|outgoing|sick|ill|healthy|drunk|sober|rich|poor|smart|intelligent|friendly|"
                 r"unfriendly|kind|mean|strict|nice|rude|honest|dishonest|lazy|hard[- ]working|introverted|extroverted|"
                 r"introvert|extrovert)")
_UNSEEN_CHOICE = re.compile(rf"\b{_UNSEEN_STATE}\s*(?:,\s*|\s+or\s+|/\s*){_UNSEEN_STATE}\b", re.I)


def unseen_question(question: str) -> bool:
    """A question about nothing the model can see or was taught (a name, a job, marriage, wealth, a
    language, where someone lives…) or about something of the face or photo that no label states (a
    covered face, make-up, a hat, a selfie, an edited photo, anything unusual: :data:`_UNLABELLED`): its honest answer is
    "I can't tell from this photo." Otherwise False for any
    question naming a gender, an age, an expression, the face, the pose or the photo (:data:`_SEEN_WORDS`,
    and every attribute :mod:`unif2ace.evaluation.attributes` reads), for "is this a …?" questions
    (off-topic or not), for a request for a description, and for an open question about how the person
    looks ("What does she look like?", "What is this?")."""
    from unif2ace.data.questions import asked_attribute, asked_sentence, asks_description, is_yes_no
    from unif2ace.evaluation.attributes import ATTRIBUTES, parse_attribute, question_attribute

    if not _QUESTION_LIKE.search(question.strip()):  # "Thanks!", "Hello": not a question at all
        return False
    # the question after what the user tells first ("This is my son. Does he look happy?" got "I can't tell from this
    # photo.": a son is no label, but what is asked is the expression), with an age told where it names it ("This
    # person is 80. Does this person look younger than their age?" asks "… younger than 80?")
    question = asked_sentence(_my_age_named(question))
    if _UNLABELLED.search(question) and not asks_other_subject(question) or _UNSEEN_BEFORE_SUBJECT.search(question) \
            or _UNSEEN_CHOICE.search(question):
        # "Is the face partly hidden?", "Is it a selfie?", "Is there a hat in the image?": nothing the model was
        # taught to see (but "Is this a dog wearing a hat?" asks about a dog)
        return True
    if _SEEN_WORDS.search(question) or question_attribute(question) or asks_description(question):
        return False
    if is_yes_no(question):
        if _asked_values(question) or asked_age_range(question) is not None or _asks_other_subject(question) \
                or asks_other_subject(question) or asks_age_choice(question):  # "closer to 80 than 60?", "Is she a robot?"
            return False
        if (x := _subject(question)) is not None and _SEEN_SUBJECT.fullmatch(x):  # "Is this a person?"
            return False
    elif asked_attribute(question) or _LOOKS.search(question):
        return False
    body = _without_pronouns(question)  # "Is she married?" names no gender
    return not any(parse_attribute(body, a) is not None for a in ATTRIBUTES)


# Things the description states only when it sees them (the labeller never states their absence): a
# yes/no question about one is answered "Yes" when the description says so, and otherwise "I can't tell".
_STATED_ONLY = {"glasses": ("is wearing glasses", "are wearing glasses"),
                "facial_hair": ("has facial hair", "have facial hair")}


# a follow-up that names only the thing ("Does she have glasses?" then "What about a beard?", which got "She looks
# happy."; "And glasses?"): a yes/no question about it
_FOLLOW_UP_THING = re.compile(r"^\W*(?:and\s+|(?:and\s+|so\s+)?(?:what|how)\s+about\s+)", re.I)


def stated_only(question: str) -> str | None:
    """The attribute ("glasses", "facial_hair") that a yes/no question asks about, or a follow-up naming only it
    ("What about a beard?", "And glasses?"), when it is one the description states only when present; None
    otherwise."""
    from unif2ace.data.questions import is_yes_no
    from unif2ace.evaluation.attributes import question_attribute

    attr = question_attribute(question)
    return attr if attr in _STATED_ONLY and (is_yes_no(question) or _FOLLOW_UP_THING.match(question)) else None


def described_or_cant_tell(question: str, caption: str) -> str | None:
    """The answer to a yes/no question about glasses or facial hair ("Is she wearing glasses?", "Does he
    have a beard?") from the model's own description: "Yes, she is wearing glasses." when it states
    them, else "I can't tell from this photo." (the training data states them only when present, so
    the model's own Yes/No about them carries nothing); None for any other question."""
    from unif2ace.data.questions import CANT_TELL, Person
    from unif2ace.evaluation.attributes import parse_attribute

    if (attr := stated_only(question)) is None:
        return None
    if parse_attribute(caption, attr) is not True:
        return CANT_TELL[0]
    p = Person.of(_described(caption))
    return f"Yes, {p.he} {_STATED_ONLY[attr][p.plural]}."


# where the person is from ("Is the person from India?", "Could this person be from East Asia?", "What is her
# nationality?", "Where is he from?"): no photo says, though the description names how the person looks
_PLACES = (r"asia|africa|europe|america|the americas|australia|oceania|the middle east|the caribbean|latin america|"
           r"scandinavia|india|pakistan|bangladesh|sri lanka|china|japan|korea|vietnam|thailand|the philippines|"
           r"indonesia|nigeria|ghana|kenya|ethiopia|egypt|morocco|mexico|brazil|canada|the (?:us|usa|uk)|england|"
           r"france|germany|italy|spain|russia|ireland|turkey|iran|iraq")
_NATIONALITIES = (r"mexican|chinese|japanese|korean|vietnamese|thai|filipin[oa]|indonesian|pakistani|bangladeshi|"
                  r"sri lankan|nigerian|ghanaian|kenyan|ethiopian|egyptian|moroccan|brazilian|canadian|american|british|"
                  r"english|french|german|italian|spanish|russian|irish|turkish|iranian|persian|iraqi|australian|"
                  r"european|scandinavian|swedish|norwegian|danish|dutch|polish|greek|portuguese|jamaican")
_ORIGIN = re.compile(rf"\bnationality\b|\b(?:what|which) (?:country|continent|part of the world)\b|"
                     r"\bwhere (?:is|are|was|does|do|might|could|would)\s+(?:he|she|they|it|the person|this person|"
                     r"th(?:is|e) (?:man|woman|boy|girl|guy|lady|kid|child|baby|individual|subject))\s+(?:\w+\s+)?"
                     rf"(?:from|come from|originally from|born)\b|\b(?:from|born in|grew up in)\s+(?:(?:east|eastern|"
                     rf"south|southern|southeast|south-east|west|western|north|northern|central|sub-saharan)\s+)?"
                     rf"(?:{_PLACES})\b|"
                     # a nationality by its adjective ("Is this person Mexican?", "Is he Chinese?" got "I can't tell
                     # from this photo.", where "What nationality?" names the look); not a language ("… in Chinese")
                     # nor a label's ("African American", "Asian American" are Black and Asian)
                     rf"(?<!\bin )(?<!\binto )(?<!african )(?<!african-)(?<!asian )(?<!asian-)(?<!native )"
                     rf"\b(?:{_NATIONALITIES})\b", re.I)


# how someone identifies, in words the labels' four ethnicities do not use ("Is this a person of color?" got "Yes. It
# is in color.", "Is she Latina?" and "Is he Middle Eastern?" "I can't tell from this photo.")
_IDENTIFIES = re.compile(r"\b(?:person|people|man|men|woman|women|girl|boy|child|kid)s?\s+of\s+colou?r\b|\bB?IPOC\b|"
                         r"\bPOC\b|\bnon-?white\b|\b(?:ethnic|racial)\s+minority\b|\bLatin[oax]s?\b|\bLatine\b|"
                         r"\bHispanic\b|\bMiddle[- ]Eastern\b|\bArab\b|\bNative American\b|\bIndigenous\b|"
                         r"\bPacific Islander\b|\bmixed[- ]race\b|\bbiracial\b|\bmulti-?racial\b", re.I)


def asks_origin(question: str) -> bool:
    """Whether a question asks where the person is from (:data:`_ORIGIN`), or how they identify in words the labels'
    ethnicities do not use (:data:`_IDENTIFIES`)."""
    return _ORIGIN.search(question) is not None or _IDENTIFIES.search(question) is not None


def origin_answer(question: str, caption: str | None) -> str | None:
    """The answer to a question about where the person is from (:data:`_ORIGIN`; each got "I can't tell from this
    photo.", and "Is she from India?" would read the label's "Indian" as a country): a face does not say, and the
    description's ethnicity is how the person looks ("I can't tell where someone is from by their face; from this
    photo, she looks South Asian."). None for any other question."""
    from unif2ace.data.questions import ETHNICITY_WORD, Person

    if not asks_origin(question):
        return None
    lead = ("I can't tell where someone is from by their face" if _ORIGIN.search(question)
            else "I can't tell how someone identifies by their face")
    attrs = _described(caption, ("gender", "age_group", "ethnicity")) if caption else {}
    if "ethnicity" not in attrs:
        return f"{lead}."
    p = Person.of(attrs)
    looks = ETHNICITY_WORD.get(attrs["ethnicity"], attrs["ethnicity"])
    return f"{lead}; from this photo, {p.he} {p.looks()} {looks}."


def identity_answer(question: str, caption: str) -> str | None:
    """The answer to a question about who the person is ("Who is this?", "Who do we have here?", "Do you
    recognise her?"): nothing in a photo says who someone is, but the model's own description says what
    it shows ("I can't tell who this is from the photo; it shows a White teenage boy, aged 16."; "Who does she look
    like?": "I don't match faces to people, famous or not; it shows …"). None for any other question, or when the
    description names neither a gender nor an age."""
    from unif2ace.data.captions import indefinite_article, plain_noun
    from unif2ace.data.questions import asks_identity, asks_resemblance
    from unif2ace.evaluation.attributes import parse_age_years

    if not asks_identity(question):
        return None
    lead = "I don't match faces to people, famous or not" if asks_resemblance(question) else \
        "I can't tell who this is from the photo"
    attrs = _described(caption, ("gender", "age_group", "ethnicity"))
    if "gender" not in attrs and "age_group" not in attrs:
        return None
    ethnicity = {"Indian": "South Asian"}.get(attrs.get("ethnicity"), attrs.get("ethnicity"))
    who = " ".join(w for w in (ethnicity, plain_noun(attrs.get("age_group"), attrs.get("gender"))) if w)
    if (years := parse_age_years(caption)) is not None:
        who += f", aged {int(years)}" if years >= 1 else ", under one year old"
    return f"{lead}; it shows {indefinite_article(who)} {who}."


def pronoun_answer(question: str, caption: str | None) -> str | None:
    """The answer to a question about what to call the person (:func:`unif2ace.data.questions.asks_pronouns`):
    the pronoun or gender the description's look suggests, said as only that ("By how she looks I would say "she",
    but a photo can't tell someone's pronouns: only they can."; "Going by the photo he looks male, but a form should
    have what the person says, not what a photo suggests."), or what a photo can say of a gender; None for any other
    question, or when the description names no gender."""
    from unif2ace.data.questions import Person, asks_pronouns

    if (kind := asks_pronouns(question)) is None:
        return None
    if kind == "guessing":
        return ("A photo shows how someone looks, not how they identify: I say whether a face looks male or female, "
                "and I can be wrong, most often about young children.")
    attrs = _described(caption or "", ("gender", "age_group"))
    if (gender := attrs.get("gender")) not in ("male", "female"):
        return None
    he = Person.of(attrs).he
    caveat = f" {CHILD_GENDER_CAVEAT}" if attrs.get("age_group") == "child" else ""
    if kind == "form":
        return (f"Going by the photo {he} looks {gender}, but a form should have what the person says, not what a photo "
                f"suggests.{caveat}")
    return f"By how {he} looks I would say \"{he}\", but a photo can't tell someone's pronouns: only they can.{caveat}"


# "Does this person look their age?" (got "Yes. She is a photo of a woman."), "Is he older than he looks?": a photo
# shows how old someone looks, not how old they are
_OWN_AGE = re.compile(r"\blooks?\s+(?:their|his|her|its)\s+(?:real\s+|actual\s+|true\s+)?age\b|"
                      r"\b(?:older|younger)\s+than\s+(?:they|he|she)\s+(?:looks?|appears?|seems?)\b|"
                      r"\b(?:real|actual|true)\s+age\b", re.I)


def asks_own_age(question: str) -> bool:
    """A question about the person's real age beside the one they look ("Does this person look their age?")."""
    return bool(_OWN_AGE.search(question))


def own_age_answer(question: str, caption: str | None) -> str | None:
    """"I can't tell: a photo shows how old someone looks, not how old they are; she looks about 36 years old." for
    :func:`asks_own_age`'s question (without the described age when the description states none); None for any
    other."""
    from unif2ace.data.questions import Person
    from unif2ace.evaluation.attributes import parse_age_years

    if not asks_own_age(question) or _my_age_named(question) != question:  # an age told: checked as an age bound
        return None
    lead = "I can't tell: a photo shows how old someone looks, not how old they are"
    if caption is None or (years := parse_age_years(caption)) is None:
        return f"{lead}."
    return f"{lead}; {Person.of(_described(caption)).looks_about(years)}."


# "What makes you think it's a man?" (got "I can't tell from this photo." of a woman), "Explain why you think she's
# that age." (got the age again): what an answer rests on, and a claim the description does not make disowned
# "Explain your reasoning for the age.", "Justify your gender call.", "What is your age estimate based on?" (each got
# the age or gender again)
_REASON = re.compile(r"\b(?:why (?:do |did |would )?you (?:think|say|believe|guess)|what makes you (?:think|say|believe)|"
                     r"how (?:can|could|do|did) you (?:tell|know)|"
                     r"(?:explain|justify|give(?: me)?|share|walk me through|what(?:'s| is| was| are))\s+(?:your|the)\s+"
                     r"(?:reasoning|reasons?|rationale|basis|logic|evidence|clues?)(?:\s+(?:for|behind|on|about|of))?|"
                     r"justify(?:\s+(?:your|the|that))?|on what basis (?:do|did|would) you (?:say|think|guess|judge)|"
                     r"what (?:is|was|'s) (?=(?:your|that)\b[^?]*\bbased on\b))\b\s*(?:that\s+)?(?P<claim>\S.*)$",
                     re.I)


# what any answer about the person rests on ("Why do you think so?", "What is your guess based on?"); after a question
# about the gender, the age or the expression, what that answer rests on (data.questions.reason_follow_up). Read on
# the message in lower case, without its end punctuation
WHY_SO = re.compile(r"^(?:why(?: do you (?:think|say) (?:so|that))?|how do you know(?: that| this| it)?|"
                    r"what makes you (?:think|say) (?:so|that)|how (?:can|could|do|did) you (?:tell|know|say(?: that| so)?)"
                    r"(?: that| this| it)?|how (?:did|do) you (?:get|work out|figure out|come up with) (?:that|this|it)|"
                    r"how (?:did|do) you (?:work|figure) (?:that|this|it) out|"
                    r"what (?:is|'s) (?:that|this|it) based on|based on what)$")
_FROM_LOOKS = "From how the face looks in this photo: I learned from labelled face photos, and I can be wrong."


def asks_reason(question: str) -> bool:
    """A question about what an answer about the person rests on ("What makes you think it's a man?", "Explain why
    you think she's that age."); the bare "Why do you think so?" is small talk's."""
    m = _REASON.search(question)
    return m is not None and re.sub(r"[\s?.!]+", " ", m["claim"]).strip().lower() not in ("so", "that", "this", "it", "")


def reason_answer(question: str, caption: str | None, before: str | None = None) -> str | None:
    """The answer to :func:`asks_reason`'s question from the description: a gender or age group it claims that the
    description does not state is disowned ("I don't: she looks like a woman to me."), else the reading is said to
    come from the face as a whole, with the described age or gender ("From the face as a whole, as I learned from
    labelled face photos: she looks about 36 years old, and I can be wrong by a few years."); a smile's from the mouth
    and the expression; None for any other question, or a description that states neither. ``before``: the answer
    the reason is asked of in a chat, whose gender and age stand for the description's where it names them (the
    gender answered may be a vote against the description's: "Man or woman?" → "This is a girl." then "How can you
    tell?" got "…: he looks like a boy to me")."""
    from unif2ace.data.questions import EMOTION_ADJ, Person, _gender_word
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute

    if not asks_reason(question) or caption is None:
        return None
    claim = _REASON.search(question)["claim"]
    attrs = _described(caption, ("gender", "age_group", "emotion"))
    years = parse_age_years(caption)
    if before:
        if (said := parse_attribute(_without_pronouns(before), "gender")) in ("male", "female"):
            attrs["gender"] = said
        if (said_years := parse_age_years(before)) is not None:
            years, attrs["age_group"] = said_years, age_group(said_years)
    person = Person.of(attrs)
    # (a child's gender with the caveat every answer about it carries: child_gender_caveat then adds nothing)
    unsure = f". {CHILD_GENDER_CAVEAT}" if attrs.get("age_group") == "child" else ", and I can be wrong."
    by = "a year or two" if years is not None and years < 6 else "a few years"
    gender = attrs.get("gender")
    noun = _gender_word(attrs) if gender in ("male", "female") else None  # "a woman", "a boy"
    looks = f"{person.he} {person.looks()}"
    lead = "From the face as a whole, as I learned from labelled face photos"
    claimed = {a: parse_attribute(_without_pronouns(claim) if a == "gender" else claim, a)
               for a in ("gender", "age_group", "emotion")}
    if claimed["gender"] is not None and noun is not None:
        if claimed["gender"] != gender:
            return f"I don't: {looks} like {noun} to me."
        return f"{lead}: {looks} like {noun} to me{unsure}"
    named_years = int(m[1]) if (m := re.search(r"\b(\d{1,3})\b", claim)) else None
    if years is not None and (claimed["age_group"] not in (None, attrs.get("age_group"))
                              or named_years is not None and abs(named_years - years) > 5):
        return f"I don't: {person.looks_about(years)}."
    if years is not None and re.search(r"\b(?:age|old|young|years?|aged?|\d+)\b", claim, re.I):
        return f"{lead}: {person.looks_about(years)}, and I can be wrong by {by}."
    if noun is not None and re.search(r"\b(?:gender|sex)\b", claim, re.I):  # "Justify your gender call."
        return f"{lead}: {looks} like {noun} to me{unsure}"
    if re.search(r"\bsmil(?:e|es|ing)\b", claim, re.I) and claimed["emotion"] is None:
        # ("Is she smiling?" → "No. She is not smiling." then "Why do you think so?" got "From his expression: he looks
        # happy.", a reason for another answer)
        return (f"From {person.his} mouth and expression in this photo, as I learned from labelled face photos, and I "
                f"can be wrong about a faint smile.")
    mood = re.search(r"\b(?:mood|emotion|expression|feelings?)\b", claim, re.I)  # "… reasoning behind the mood."
    if (claimed["emotion"] is not None or mood) and (shown := EMOTION_ADJ.get(attrs.get("emotion"))) is not None:
        said = f"{looks} {shown}"
        return f"I don't: {said}." if claimed["emotion"] not in (None, attrs["emotion"]) else \
            f"From {person.his} expression: {said}."
    if re.search(r"\b(?:guess|answer|estimate|call|judge?ment|reading|assessment|conclusion)\b", claim, re.I):
        return _FROM_LOOKS
    return None


def reason_added(question: str, answer: str, caption: str | None = None) -> str | None:
    """``answer`` with the reason for it, for a question that asks why after what it asks ("Is this person happy or
    sad, and why?" → "Happy. From her expression: she looks happy."; "Man or woman, and why?"), from
    :func:`reason_answer` of what the answer says (``caption``, the description, for the pronouns); None for any
    other question, or an answer that says it can't tell or is in a form."""
    from unif2ace.data.questions import answer_form, reason_asked_after, reason_question, says_cant_tell

    if not reason_asked_after(question) or says_cant_tell(answer) or "\n" in answer.strip() \
            or answer.lstrip()[:1] in ("{", "[", "|") or (asking := reason_question(answer_form(question)[0])) is None:
        return None
    # (in the answer's own pronouns where it has any: "She is 16 years old, …" of a boy described as such, asked "her")
    why = reason_answer(asking, answer if pronoun_genders(answer) else caption or answer, answer)
    body = answer.strip()
    if why is not None and CHILD_GENDER_CAVEAT in body:  # a child's caveat once ("Man or woman, and why?" of a girl)
        why = why.replace(f". {CHILD_GENDER_CAVEAT}", ".")
    return None if why is None else f"{body}{'' if body.endswith(('.', '!', '?')) else '.'} {why}"


def feeling_about_answer(question: str, caption: str) -> str | None:
    """The answer to a question about how the person feels about something ("Is she pleased with the photo?"
    got "Yes. She looks happy."; "What is he sad about?"): a photo shows an expression, not what it is about, so
    the answer says so and gives the expression the model's description states ("The photo shows her
    expression, not what she feels about it: she looks happy."). None for any other question."""
    from unif2ace.data.questions import Person, asks_feeling_about

    if not asks_feeling_about(question):
        return None
    attrs = _described(caption, _SHOWN)
    p = Person.of(attrs)
    feels = "feel" if p.plural else "feels"
    if (shown := _shown_expression(attrs)) is None:
        return f"I can't tell from this photo how {p.he} {feels} about it."
    return f"The photo shows {p.his} expression, not what {p.he} {feels} about it: {shown}."


_SHOWN = ("gender", "emotion", "smile")  # what _shown_expression reads of a description


def _felt_expression(attrs: dict) -> str:
    """The expression a description states (``attrs``: its :data:`_SHOWN` values), else "happy" or "neutral" by its
    smile (the emoji, whether any emotion shows, and whether it is positive read it alike)."""
    return attrs.get("emotion") or ("happy" if attrs.get("smile") else "neutral")


def _shown_expression(attrs: dict) -> str | None:
    """The expression a description states (``attrs``: its :data:`_SHOWN` values, :func:`_described`), as a clause
    ("she looks happy", else "he is not smiling"); None when it states neither an expression nor a smile."""
    from unif2ace.data.questions import EMOTION_ADJ, Person

    p = Person.of(attrs)
    if "emotion" in attrs:
        return f"{p.he} {p.looks()} {EMOTION_ADJ[attrs['emotion']]}"
    if "smile" in attrs:
        return f"{p.he} {p.be()} {'' if attrs['smile'] else 'not '}smiling"
    return None


# A message that disputes the last answer without saying how ("I think you're wrong.", "That's not right.")
_DISAGREE = re.compile(r"^(?:(?:i think|i believe|i'm pretty sure|i'm sure|pretty sure|but|hmm|no|nope)\s*,?\s*)*"
                     r"(?:you(?:'re| are) (?:wrong|mistaken|incorrect|not right)|(?:that|this|it)(?:'s| is) "
                     r"(?:wrong|not right|not correct|incorrect|not true)|wrong(?: answer)?|i disagree|"
                     r"i don't (?:think so|agree)|no way|not really|that can't be right|"
                     # ("What if I told you you're wrong?" got "I can't tell from this photo.")
                     r"what if i (?:told|tell|said|say) (?:you )?(?:that )?(?:you(?:'re| are| were) (?:wrong|mistaken|"
                     r"incorrect)|(?:that|it)(?:'s| is| was) (?:wrong|not right|incorrect))|"
                     # a guess called off ("Guess the age." then "Too low, try again." got "No. This is a girl, not a
                     # girl.")
                     r"(?:(?:that's|that is|it's|it is|way|much|far|a bit|a little)\s+)*too (?:low|high|young|old)"
                     r"(?:\s*,?\s*(?:try|guess) again)?|(?:try|guess) again|not even close|not quite|close,? but no|"
                     # a bare "No." ("How old do you think she is?" then "Nope." got "She is smiling.")
                     r"no|nope|nah|wrong)$")


# what a question about an answer may say it is about ("Are you sure about the gender?", "Is that right about her age?")
_ABOUT_ANSWER = (r"(?: (?:about|of|in|on|for) (?:that|this|it|your answer|the (?:age|gender|answer|expression|mood|smile)|"
                 r"(?:his|her|their) (?:age|gender|expression|mood|smile)))?")


# Chat that asks nothing of the photo: a greeting, thanks, an acknowledgement, a goodbye ("Hi there" got "Yes,
# he is smiling."), or a question about the answers themselves ("Are you sure?", "Why do you think so?"). The
# replies say nothing about the person.
# what a question about the answers' reliability names ("that description", "your guess", "the age", "you")
_SAID = r"(?:(?:that|this|it|the|your)(?:\s+(?:description|answers?|guess(?:es)?|estimates?|age|reading))?|you)"
_SMALL_TALK = [
    (re.compile(r"^(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day))"
                r"(?:\s+(?:there|again|everyone|all|friend))?$"),
     "Hello! Ask me anything about the person in this photo (age, expression, pose), or ask me to describe it."),
    (re.compile(r"^(?:(?:ok(?:ay)?|great|cool|perfect|awesome|nice)\s*,?\s*)*(?:thanks|thank you|thx|ty|cheers|many thanks)"
                r"(?:\s+(?:so much|a lot|very much|again))?"
                # "Thanks, that's helpful!" (got "I can't tell from this photo.")
                r"(?:\s*,?\s*(?:that's|that is|that was|this is|very|really|so|super)\s+(?:very |really |so |super )?"
                r"(?:helpful|useful|interesting|great|good|nice|kind|perfect|cool|clear))?$"),
     "You're welcome! Anything else you'd like to know about this photo?"),
    # "Fine.", "Good.", "Interesting." (each got a decoded answer about the photo)
    (re.compile(r"^(?:ok|okay|great|cool|perfect|awesome|nice|got it|i see|understood|alright|all right|sure|fine|good|"
                r"noted|gotcha|makes sense|interesting|wow|good to know|fair enough)$"),
     "Anything else you'd like to know about this photo?"),
    # whether it is all right to ask ("Is that offensive to ask?" after "What ethnicity?" got "Yes. He is smiling.")
    (re.compile(r"^(?:(?:but|and|so|hmm|wait)\s*,?\s+)*(?:is (?:it|that|this)|would (?:it|that) be|am i being|was (?:it|that))"
                r"\s+(?:\w+\s+)?(?:offensive|rude|racist|sexist|inappropriate|ok(?:ay)?|alright|all right|fine|appropriate|"
                r"wrong|weird|insensitive|problematic)(?:\s+(?:to|for me to|of me to)\s+(?:ask|say|guess|wonder|want to know)"
                r"(?:\s+(?:that|this|it|about (?:it|that|this)))?)?$"),
     "It's fine to ask: I answer from how the face looks in this photo, which can't say who the person is or how they "
     "identify."),
    # ("What's your confidence on the gender?" got "It is a woman.")
    # ("u sure?" got "I can't tell from this photo."; "Ok and how sure?" too)
    (re.compile(r"^(?:(?:ok(?:ay)?|and|so|but|well|hmm+)\s*,?\s+)*"
                # ("Are you 100% sure?" got "I can't tell from this photo.")
                r"(?:(?:(?:are )?you (?:(?:100%|100 percent|a hundred percent|completely|totally|absolutely|really|"
                r"quite|very|entirely|fully|positive and)\s+)?(?:sure|certain|confident|positive)|"
                r"how (?:sure|certain|confident)(?: are you)?|"
                r"(?:what(?:'s| is) )?your (?:confidence|certainty)(?: level)?|how much confidence do you have)"
                rf"{_ABOUT_ANSWER}|really|seriously|"
                # an age doubted ("Really? That old?" got "I can't tell from this photo.")
                r"(?:that|so|this|really that|really so)\s+(?:old|young))$"),
     "Not entirely: I judge from this one photo, and I can be wrong, {mostly_wrong}."),
    # ("Is that right about the age?" after a description got "Yes. She is a senior." of a woman described as 28)
    (re.compile(r"^(?:is (?:that|this|it) (?:a guess|just a guess|your guess|an estimate|a fact|right|correct|true|certain|"
                rf"accurate|your (?:final|last|best) (?:answer|guess)){_ABOUT_ANSWER}|"
                r"(?:are you )?sticking (?:with|to) (?:that|it|your answer)"
                r"|(?:could|might|can|may) you be (?:wrong|mistaken)(?: about (?:that|this|it))?|are you ever wrong|"
                # "Look again." (got "Yes. It is a photo of a person.")
                r"(?:(?:please|can you|could you)\s+)?(?:look|check|try|think)\s+(?:again|closer|more closely|more carefully|"
                r"harder)(?: please)?|take (?:another|a second|a closer) look|double[- ]check(?: (?:that|it))?|"
                # "Could it be the other?" after "Man or woman?" (got "I can't tell from this photo.")
                r"(?:could|might|can) (?:it|he|she|they|that) (?:be|have been) (?:the other(?: one| way| gender| sex)?|"
                r"the opposite(?: gender| sex)?|otherwise|wrong))$"),
     "It is my best reading of this one photo, and I can be wrong, {mostly_wrong}."),
    # "What are the odds?" after an answer (got "I can't tell from this photo.")
    (re.compile(r"^(?:(?:ok(?:ay)?|and|so|but|well|hmm+)\s*,?\s+)*(?:what are the (?:odds|chances)|how likely(?: is (?:that|it))?|"
                r"what(?:'s| is) the (?:probability|likelihood|chance))(?: (?:of )?(?:that|it|you being (?:wrong|right)))?$"),
     "I can't put a number on it from one photo; I can be wrong, {mostly_wrong}."),
    # ("how can you tell?" got "I can't tell from this photo." after an answer about the age)
    # "why not?" after an answer (it got "I can't tell from this photo.")
    # "What can you do?" (got "I can't tell from this photo.")
    (re.compile(r"^(?:so\s+|and\s+)?(?:what (?:can|could|do) you do|what are you(?: for)?|who are you|what is this(?: app| tool)?|"
                r"what (?:kind of |sort of )?(?:questions |things )?(?:can|could|should) i ask(?: you)?(?: about (?:this|it|the photo))?|"
                r"how does (?:this|it) work|how do i use (?:this|you|it)|"
                # "What are you able to tell me about photos?" (got "I can't tell from this photo.")
                r"what (?:can|could|are) you (?:able to )?(?:tell|say|see|read)(?: me)? (?:about|from|in) (?:photos|"
                r"pictures|images|faces|a (?:photo|picture|face))|what (?:are you|is it) (?:able to|good at)|"
                r"what do you (?:know|see) in (?:photos|faces))$"),
     "I describe the face in a photo and answer questions about it: age, gender, expression and smile, eyes and "
     "mouth, which way the face is turned, and how the photo looks (colour, sharpness, lighting). I judge from the "
     "photo alone, and I can be wrong."),
    # questions about the model itself ("How old are you?" got the person's age, "Are you a robot?" "No. He is a
    # photo of a person."); the person's own are asked in the third person ("How old is she?") or as the asker ("How
    # old do I look?")
    (re.compile(r"^(?:so\s+|and\s+|hey\s*,?\s+)?(?:how old are (?:you|u)|what(?:'s| is) your (?:age|name)|who (?:made|built|"
                r"created|trained) (?:you|u)|are (?:you|u) (?:an? )?(?:human|person|real person|robot|bot|ai|machine|"
                r"computer|program|language model|real)|what(?:'s| is) your gender|are you (?:a )?(?:man|woman|male|female)|"
                # ("Who is older, you or this person?" got the person's age)
                r"who(?:'s| is) (?:older|younger),? (?:you|u) or (?:him|her|them|me|(?:this|the|that) (?:person|man|woman|"
                r"guy|lady|girl|boy|kid|child))|are (?:you|u) (?:older|younger) than (?:him|her|them|me|(?:this|the|that) "
                r"(?:person|man|woman|guy|lady|girl|boy|kid|child)))$"),
     "I am UniF²ace, a model that reads and draws faces; I have no age, name or gender of my own. Ask about the person "
     "in the photo (\"How old is this person?\"), or about yourself in a selfie (\"How old do I look?\")."),
    # "What can't you tell from this photo?" (got "I can't tell from this photo.")
    (re.compile(r"^(?:so\s+|and\s+)?(?:what (?:can't|cannot|can not|couldn't|don't|do not) you (?:tell|do|know|see|say)"
                r"(?: (?:me|from|in|about) (?:this|the|a) (?:photo|picture|image|face))?|what are your (?:limits|limitations|"
                r"weaknesses)|what (?:are you|is it) bad at)$"),
     "Who the person is (a name, a job, where they are from), anything outside the face (hair out of the frame, "
     "clothes, the body), what they feel about something, and when the photo was taken unless its file says. I read "
     "the age, gender, expression, eyes and mouth, the face's pose and how the photo looks, and I can be wrong, most "
     "often about the age by a few years."),
    # "What's the most uncertain part of that description?", "How accurate are you?" (each got "I can't tell from this
    # photo.")
    (re.compile(rf"^(?:so\s+|and\s+|ok(?:ay)?,?\s+)?(?:(?:what(?:'s| is| are)|which (?:part|bit|thing)s?(?: of {_SAID})? "
                r"(?:is|are|were|are you|were you))\s+(?:the\s+)?(?:most uncertain|least (?:certain|sure|confident|reliable)|"
                rf"weakest|shakiest)(?: (?:part|bit|thing)s?)?(?: of {_SAID})?(?: about)?|what are you (?:least|not "
                rf"(?:so |very |entirely )?)\s?sure (?:about|of)|how (?:accurate|reliable) (?:is|are) {_SAID})$"),
     "The age is the least sure part: I can be off by a few years, more for older faces. For a young child the gender "
     "is uncertain too, and an expression between two (neutral or a faint smile) can go either way."),
    # "What would make you more sure?", "Can you be more specific?" (each got "I can't tell from this photo.")
    (re.compile(r"^(?:(?:ok(?:ay)?|and|so|but|well)\s*,?\s+)*(?:what (?:would|could) make you (?:more )?(?:sure|certain|"
                r"confident)|how (?:could|can) you be (?:more )?(?:sure|certain)|what would help(?: you)?|"
                r"what (?:would|could|might) (?:change your mind|make you change your mind|convince you(?: otherwise)?))$"),
     "A sharper, well-lit photo with the face turned to the camera; I read only this one photo, so more photos of the "
     "same person would not change my answer here."),
    (re.compile(r"^(?:(?:ok(?:ay)?|and|so|but|well)\s*,?\s+)*(?:(?:can|could) you )?(?:be )?(?:(?:a bit|any|even) )?"
                r"more (?:specific|precise|exact)(?: please)?$"),  # (a range asked narrower is a follow-up: "Narrower.")
     "That is as precise as I can be from this one photo; ask for a range if you want to know how far off I may be."),
    # "I think you're wrong." after an answer about something other than the age or gender (one about those gets
    # the description's view: remark_reply)
    (_DISAGREE, "I may be wrong: I judge from this one photo, and I can be mistaken."),
    (re.compile(r"^why not$"),
     "I can only say what the face in this photo shows (age, gender, expression, pose and how the photo looks), and "
     "I can be wrong."),
    (WHY_SO, _FROM_LOOKS),
    (re.compile(r"^(?:(?:hi|hello|hey)\s*,?\s*)?(?:(?:(?:can|could|would|will) you\s+(?:please\s+)?)?help(?: me)?(?: out)?"
                r"(?:\s+(?:with|on)\s+(?:this|the|my|a)\s+(?:photo|picture|image|pic|face|selfie))?(?:\s*,?\s*please)?|"
                r"i (?:have|have got|got) (?:a|some) (?:questions?|photo|picture|pic)(?: for you)?|"
                # "Hi, could you look at this photo for me?" (got "I can't tell from this photo.")
                r"(?:(?:can|could|would|will) you\s+(?:please\s+)?)?(?:look at|take a look at|have a look at|check|"
                r"check out|look over)\s+(?:this|the|my|a)\s+(?:photo|picture|image|pic|face|selfie)(?:\s+for me)?"
                r"(?:\s*,?\s*please)?)$"),
     "Sure! Ask me anything about the person in this photo (age, expression, pose), or ask me to describe it."),
    (re.compile(r"^(?:(?:ok(?:ay)?|thanks|thank you|thx|great|cool|alright|all right)\s*,?\s*)*"
                r"(?:bye|goodbye|good bye|see you|see ya|that's all|that is all)"
                r"(?:\s+(?:for now|then|now))?$"),
     "Goodbye!"),
]


# what a doubt of an answer says it is most often wrong about, by what the doubted answer was about ("Are you
# certain?" after "Is this a man or a woman?" got "…, most often about the age by a few years.")
_MOSTLY_WRONG_ABOUT = {"age": "most often about the age by a few years",
                       "gender": "most often about a young child's gender",
                       # the doubted answer named a grown-up ("Are you sure?" after "Yes. This is a man." got "…, most
                       # often about a young child's gender"): eval understanding's gender by age band, test-128,
                       # 3 Dec 2026: 97.6% right from 13 on, 73.9% for children
                       "gender_grown": "though rarely about a grown-up's gender: most of my gender mistakes are "
                                       "about young children",
                       "emotion": "most often about an expression between two (neutral or a faint smile)",
                       "smile": "most often about an expression between two (neutral or a faint smile)",
                       # the shipped model's descriptions of val-256, read with parse_caption against the labels (a
                       # one-off count, 7 Dec 2026): 12 of 28 ethnicity errors were South Asian read as White or back,
                       # and 23 of the 28 photos labelled "other" were named as one of the four
                       "ethnicity": "most often between South Asian and White, and about anyone whose background is "
                                    "none of the four I name (White, Black, Asian, South Asian)"}


_DOUBTED = re.compile(r"\b(?:(gender|sex)|(expression|mood|emotion|smile|feeling)|(age)|"
                      r"(ethnicity|ethnic|race|background|origin))\b", re.I)


def _mostly_wrong_about(message: str, previous: str | None, answer: str | None) -> str:
    """What the model is most often wrong about, for a doubt ``message`` of the answer ``answer`` to ``previous``
    (or how sure it is, asked beside a question: ``confidence_added``): by the attribute doubted, and for a gender
    whether the answer named a grown-up."""
    from unif2ace.evaluation.attributes import parse_age_years

    topic = _doubted_topic(message, previous)
    if topic == "gender" and answer and _names_grown_up(answer):
        topic = "gender_grown"
    about = _MOSTLY_WRONG_ABOUT.get(topic, _MOSTLY_WRONG_ABOUT["age"])
    if about == _MOSTLY_WRONG_ABOUT["age"] and answer and (years := parse_age_years(answer)) is not None and years < 6:
        return "most often about the age by a year or two"  # as reason_answer says (a girl of 1: not "a few years")
    return about


def _doubted_topic(message: str, previous: str | None) -> str | None:
    """What a doubt is about: the attribute it names ("How sure are you about the gender?"), else the one the
    question before it asked ("Are you certain?" after "Man or woman?")."""
    from unif2ace.data.questions import asks_pronouns

    if (m := _DOUBTED.search(message)) is not None:
        return "gender" if m[1] else "emotion" if m[2] else "age" if m[3] else "ethnicity"
    if not previous:
        return None
    if asks_pronouns(previous):  # "Are you sure?" after "Should I use he or she?"
        return "gender"
    asked = asked_of(previous)
    # the gender before the age a noun implies ("Is this a boy?" asks both)
    return next((a for a in ("gender", "emotion", "smile", "age_group", "age", "ethnicity") if a in asked), None)


# what a word for a time of life means here ("Define young." after "Is this person young?" got "Yes. She is smiling.")
_DEFINE = re.compile(r"^(?:(?:ok|okay|so|but|and|well)\s*[,.]?\s+)*(?:please\s+)?(?:define|what do you mean by|what do you call|"
                     r"what counts as|how do you define|what(?:'s| is) your definition of|"
                     # ("What age would make them an adult?" got "10 years old: a child.")
                     r"(?:at )?what age (?:would make|makes|make|does|is) (?:them|him|her|someone|somebody|a person|"
                     r"people|you|one)(?: become| count as| an?)?)\s+(?:a\s+|an\s+)?[\"'“]?"
                     r"(?P<word>young|old|older|elderly|senior|middle[- ]aged|teen|teenager|teenage|child|kid|young adult|"
                     r"adult|grown[- ]up)[\"'”]?\s*[?.!]*$", re.I)
_SENIOR = _GROUP_RANGES["senior"]
_DEFINED = {"young": _BARE_AGE[0][1], "old": _BARE_AGE[1][1], "older": _BARE_AGE[1][1], "elderly": _SENIOR,
            "senior": _SENIOR, "middle-aged": _GROUP_RANGES["middle-aged"], "teen": _GROUP_RANGES["teen"],
            "teenager": _GROUP_RANGES["teen"], "teenage": _GROUP_RANGES["teen"], "child": _GROUP_RANGES["child"],
            "kid": _GROUP_RANGES["child"], "young adult": _GROUP_RANGES["young adult"], "adult": (18, 200),
            "grown-up": (18, 200)}


def _in_years(span: tuple[int, int]) -> str:
    """An age span in words: "up to 35 years old", "36 to 55 years old", "56 or older"."""
    lo, up = span
    return f"up to {up} years old" if lo == 0 else f"{lo} or older" if up >= 120 else f"{lo} to {up} years old"


def term_definition(message: str) -> str | None:
    """What a word for a time of life means in these answers ("Define young." → "By young I mean up to 35 years old,
    the age groups I was trained on being child (12 or younger), teen (13–19), young adult (20–35), middle-aged (36–55)
    and senior (56 or older)."); None for any other message."""
    if (m := _DEFINE.match(message.strip())) is None:
        return None
    word = re.sub(r"[- ]", "-", m["word"].lower()).replace("young-adult", "young adult")
    groups = [f"{name} ({up} or younger)" if lo == 0 else f"{name} ({lo} or older)" if up >= 120 else f"{name} ({lo}–{up})"
              for name, (lo, up) in _GROUP_RANGES.items()]
    return (f"By {word} I mean {_in_years(_DEFINED[word])}, the age groups I was trained on being "
            f"{', '.join(groups[:-1])} and {groups[-1]}.")


def small_talk(message: str, previous: str | None = None, previous_answer: str | None = None) -> str | None:
    """The reply to a message that asks nothing about the photo: a greeting, thanks, an acknowledgement, a
    goodbye ("Hi there!" → "Hello! Ask me anything about …") or a question about the answers themselves
    ("Are you sure?" → "Not entirely: …", which says what it is most often wrong about, by what ``previous``, the
    question before, asked, and of a gender, whether ``previous_answer`` named a grown-up); None for any other
    message."""
    def talk(part: str) -> str | None:
        text = re.sub(r"[\s!?.,:;)(~*-]+$", "", part.strip().lower().replace("\u2019", "'"))
        text = re.sub(r"\s+", " ", text)
        reply = next((reply for pattern, reply in _SMALL_TALK if pattern.match(text)), None)
        if reply is not None and "{mostly_wrong}" in reply:  # a doubt: of what the doubted answer was about
            reply = reply.format(mostly_wrong=_mostly_wrong_about(text, previous, previous_answer))
        return reply

    if (reply := talk(message)) is not None:
        return reply
    # several sentences, each small talk ("Hi! Can you look at this photo for me?" got "I can't tell from this
    # photo."): the last one's reply
    parts = _sentences(message)
    if len(parts) < 2 or (last := talk(parts[-1])) is None:
        return None
    # or a remark, then small talk ("Older than I thought. Are you sure?" got "I can't tell from this photo."): the
    # small talk's reply
    remark = [talk(p) is None and not p.rstrip().endswith("?") and not _REQUEST_START.match(p.strip().lower())
              for p in parts[:-1]]
    return last if all(talk(p) is not None or r for p, r in zip(parts[:-1], remark)) else None


def _names_grown_up(answer: str) -> bool:
    """Whether an answer names the person as a grown-up and never as a child ("Yes. This is a man.", "It is a
    woman.", "He is a young adult, aged 26."; not "No, this is a girl, not a woman.")."""
    from unif2ace.evaluation.attributes import parse_age_years

    said = re.sub(r",?\s+not\s+(?:a|an)\s+[\w-]+", " ", answer)  # the noun it corrects to, not the one it denies
    if _YOUNG_NOUN.search(said) or re.search(r"\b(?:child|kid|baby|toddler|infant|teen\w*)\b", said, re.I):
        return False
    years = parse_age_years(said)
    return _GROWN_NOUN.search(said) is not None if years is None else years >= 18


def _sentences(message: str) -> list[str]:
    return [p for p in re.split(r"(?<=[!?.])\s+", message.strip()) if p.strip()]


def _after_small_talk(message: str) -> str:
    """The message without the small talk that opens it ("Are you sure? I'd have guessed older." → "I'd have
    guessed older.")."""
    parts = _sentences(message)
    while len(parts) > 1 and small_talk(parts[0]) is not None:
        parts.pop(0)
    return " ".join(parts) if parts else message


# A statement, not a question, that disputes the person's age or gender ("Really? He looks younger to me.",
# "That's a woman, not a man."): the reply restates what the description says, as an opinion.
_AGE_REMARK = re.compile(r"\b(?:younger|older|young|old|age|aged|years?|teen\w*|kid|child|baby|senior|elderly|"
                         r"middle-aged|adult|\d{1,3})\b", re.I)
# the age just guessed said to be too low or too high, in a word ("Higher.", "No, lower.", "Go up a bit.")
_HIGHER = re.compile(r"^(?:(?:no|nope|nah|wrong|close|ok|okay|hmm)[,.!]?\s+)?(?:go\s+)?(?:(?:a bit|a little|a lot|much|way|"
                     # ("Still higher." after "Higher." got "He is smiling.")
                     r"slightly|even|bit|still|even|yet)\s+){0,2}(?:higher|lower|older|younger|up|down)(?:\s+(?:a bit|a little|a lot|than that|"
                     r"still|please))*[.!]*$", re.I)
_GENDER_REMARK = re.compile(r"\b(?:man|woman|boy|girl|male|female|guy|lady|gentleman)\b", re.I)


_REQUEST_START = re.compile(r"^(?:what|what's|who|who's|whose|where|when|which|why|how|is|are|was|were|does|do|did|"
                            r"has|have|can|could|will|would|should|am|tell|describe|guess|estimate|say|give|name|"
                            r"list|caption|explain|rate|judge|assess|evaluate|comment|please)\b")


# A question that doubts the age just given, without naming one ("Could he be younger than that?", "Might she
# be older?"): answered like a remark, with the description's age as an opinion (it got "I can't tell").
# ("Could she be 10 years older?", "Might he be a few years younger?" got "I can't tell from this photo.")
_AGE_DOUBT = re.compile(r"^(?:could|might|may|can|is|are|would)\s+(?:\w+\s+){0,3}(?:be\s+)?(?:a\s+(?:bit|little)\s+|"
                        r"maybe\s+|actually\s+|even\s+|much\s+|a lot\s+|way\s+|(?:\d{1,2}|a few|a couple(?: of)?|several|"
                        r"two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty)\s+years?\s+)?(?:younger|older)(?:\s+than\s+(?:that|this|you (?:said|say|think|guessed)|"
                        r"what you (?:said|say|think|guessed)|(?:your|the) (?:guess|estimate)))?(?:\s*,?\s*(?:actually|maybe|perhaps))?"
                        r"\s*\?*$")


def doubts_age(message: str) -> bool:
    """Whether a message doubts the age just given without naming one ("Could she be older?", "Might the kid
    be a few years older than that?"): a remark about the age, not a yes/no question about its subject noun
    ("Could the child be a few years older?" got "Yes, she is a child.")."""
    from unif2ace.data.questions import _core

    return bool(_AGE_DOUBT.match(_core(_after_small_talk(message))))


_TOLD = re.compile(r"^\s*(?:what if|suppose|and if|if)\s+I\s+(?:told|tell|said|say)\s+(?:to\s+)?(?:you\s+)?(?:that\s+)?",
                   re.I)


def remark_attribute(message: str, previous: str | None = None) -> str | None:
    """"age_group" or "gender" when a message is a remark about the person's age or gender rather than a
    question or a request ("He looks younger to me.", "I think she's 40.", "That's a woman, not a man."),
    doubts the age just given ("Could he be younger than that?"), or disputes the answer to ``previous`` (the
    conversation's question before it) when that asked the age or gender ("How old?" then "I think you're
    wrong."); None otherwise ("How old is he?", "Tell me his age.", "His age, please.", "Is he older than 50?")."""
    from unif2ace.data.questions import _core, as_meant, asked_attributes

    if doubts_age(message):
        return "age_group"
    message = _after_small_talk(message)  # "Are you sure? I'd have guessed older." got "No, she is slightly open."
    if m := _GOT_WRONG.search(message):  # "You got the age wrong, this person is 50." (got the age again)
        what = (m["what"] or m["what2"] or m["what3"]).lower()
        return {"age": "age_group", "gender": "gender", "sex": "gender"}.get(what, "emotion")
    # "What if I told you she's 50?" (got "I can't tell from this photo."): the remark it puts as a question
    told = _TOLD.match(message) is not None
    message = _TOLD.sub("", message.rstrip(" ?")) + "." if told else message
    core = _core(message)
    if previous is not None and _DISAGREE.match(re.sub(r"[\s!?.,:;]+$", "", core.replace("\u2019", "'"))):
        # "I think you're wrong." got "She is smiling.": the attribute the previous question asked, if one of these
        previous = as_meant(previous)
        asked = asked_of(previous)
        asked = {"age_group" if a == "age" else a for a in asked} & {"gender", "age_group"}
        return next((a for a in ("gender", "age_group") if a in asked), None) if len(asked) == 1 else None
    if previous is not None and _CONTRADICTED.match(core):
        # "No he isn't." after "Is he smiling?" (got "Yes, he is not smiling."): a dispute of what was asked
        asked = asked_of(as_meant(previous))
        return next(({"smile": "emotion", "age": "age_group"}.get(a, a) for a in ("smile", "emotion", "gender", "age_group",
                                                                                 "age") if a in asked), None)
    if previous is not None and _HIGHER.match(core) and (
            {"age", "age_group"} & asked_of(as_meant(previous)) or _HIGHER.match(_core(previous))):
        return "age_group"  # "Higher." after "Guess the age." (got "She is smiling."), and again after itself
    # (an expression told names the smile or the expression it tells: "She's not smiling." asks nothing)
    asked = set(asked_attributes(message)) - ({"smile", "emotion"} if _EMOTION_REMARK.search(core) else set())
    if (core.endswith("?") or len(core.split()) < 3 and not told or _REQUEST_START.match(core) or asked
            or small_talk(message) is not None):
        return None
    if _AGE_REMARK.search(core):
        return "age_group"
    if previous is not None and _NUMBER_REMARK.search(core) and {"age", "age_group"} & asked_of(as_meant(previous)):
        return "age_group"  # "That seems too high." after "Age?" (got "She looks neutral.")
    if _GENDER_REMARK.search(core):
        return "gender"
    # an expression told ("Actually they're sad." got "No, she looks happy, not surprised."), not asked ("u think shes
    # happy" is a question: data.questions._YOU_THINK)
    from unif2ace.data.questions import _YOU_THINK

    return "emotion" if _EMOTION_REMARK.search(core) and not _YOU_THINK.match(core) else None


# a yes/no answer said back in the negative ("No he isn't.", "She's not.", "Nope, she isn't."), or the positive after a
# No ("Yes she is.")
_CONTRADICTED = re.compile(r"^(?:(?:no|nope|nah|yes|yeah|yep|but|actually)\s*[,.!]?\s+)*(?:he|she|they|it|that)(?:'s|'re|\s+is|"
                           r"\s+are|\s+does|\s+do)?(?:\s*n't|\s+not)?\s*[.!]*$|^(?:(?:no|nope|nah|yes|yeah|yep)\s*[,.!]?\s+)+"
                           r"(?:he|she|they|it|that)\s+(?:is|isn't|are|aren't|does|doesn't|do|don't)\s*[.!]*$", re.I)
# a remark that names what the answer got wrong ("You got the age wrong.", "Wrong gender.", "The expression is off.")
_GOT_WRONG = re.compile(r"\b(?:got|have|had|get)\s+(?:the|her|his|their|my)\s+(?P<what>age|gender|sex|expression|mood|"
                        r"emotion)\s+(?:wrong|incorrect|off)\b|\bwrong\s+(?P<what2>age|gender|sex|expression|mood)\b|"
                        r"\b(?:the|her|his|their)\s+(?P<what3>age|gender|sex|expression|mood)\s+(?:is|was)\s+(?:wrong|"
                        r"incorrect|off|not right)\b", re.I)
def tells_mistake(message: str) -> bool:
    """Whether a message says what an answer got wrong ("You got the age wrong, she is 50."): a remark, not a question
    about the age it names."""
    return _GOT_WRONG.search(message) is not None


# a remark that tells the person's expression ("Actually they're sad.", "She looks sad to me.", "He's not smiling.")
_EMOTION_REMARK = re.compile(r"\b(?:he|she|they|this person|the person)(?:'s|'re|\s+(?:is|are|isn't|aren't|looks?|seems?|"
                             r"doesn't look|does not look|don't look))\s+"
                             r"(?:\w+\s+)?(?:happy|sad|upset|neutral|surprised|shocked|angry|mad|smiling|not smiling|"
                             r"grinning|frowning|serious|unhappy|calm)\b", re.I)


# a remark that the number just given is off ("That seems too high.", "Way too low."), about the age when the question
# before asked it
_NUMBER_REMARK = re.compile(r"\b(?:too|a bit|a little|way|rather|quite|very|pretty|seems?|sounds?|bit)\s+(?:high|low)\b|"
                            r"\b(?:high|low)\s+(?:estimate|guess|number)\b|\b(?:overestimat|underestimat)\w*", re.I)


def asked_of(question: str) -> set[str]:
    """The attributes a question asks: those a yes/no answer is checked on (:func:`yes_no_grounded`, "age" for a bound),
    else those an open question asks (``data.questions.asked_attributes``)."""
    from unif2ace.data.questions import asked_attributes, is_yes_no

    return yes_no_grounded(question) if is_yes_no(question) else set(asked_attributes(question))


def remark_reply(message: str, caption: str, previous: str | None = None) -> str | None:
    """The reply to a remark about the person's age or gender (:func:`remark_attribute`, with ``previous`` the
    conversation's question before it): the model's view from its own description, given as one that may be
    wrong ("He looks younger to me." → "I may be wrong, but from this photo he looks about 85 years old, so he
    is a senior."); None when the message is no such remark or the description does not say."""
    from unif2ace.data.questions import Person, _gender_word, as_meant
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute

    attr = remark_attribute(message, previous)
    attrs = _described(caption, ("gender", "age_group", "emotion", "smile"))
    if attr is None or attr not in attrs and not (attr == "emotion" and _shown_expression(attrs)):
        return None
    p = Person.of(attrs)
    told = _after_small_talk(message)
    # what it says the person is, without what it says they are not ("That's a woman, not a man.", "It is not a man.")
    affirmed = re.sub(r"\b(?:not|never|isn't|aren't|no longer|doesn't|don't)\s+(?:(?:look|seem|appear)(?:s|ing)?\s+)?"
                      r"(?:like\s+)?(?:an?\s+|the\s+)?[\w-]+", " ", told, flags=re.I)
    years = parse_age_years(caption)
    if attr == "gender":
        view = f"this is {_gender_word(attrs)}"
        agrees = parse_attribute(_without_pronouns(affirmed), "gender") == attrs["gender"]
    elif attr == "emotion":
        view = _shown_expression(attrs)
        if previous is not None and "smile" in attrs and "smile" in asked_of(as_meant(previous)):
            # a smile disputed ("No he isn't." after "Is he smiling?"): the described smile, not the expression
            view = f"{p.he} {p.be()} {'smiling' if attrs['smile'] else 'not smiling'}"
        felt, smiled = parse_attribute(affirmed, "emotion"), parse_attribute(told, "smile")
        if felt is not None:
            agrees = felt == _felt_expression(attrs)
        else:  # a smile told ("She is smiling."): the described smile, else a happy face's
            agrees = smiled is not None and smiled == attrs.get("smile", _felt_expression(attrs) == "happy")
    elif years is not None:
        view = f"{p.looks_about(years)}, so {p.he} {p.be()} {GROUP_NOUN[attrs['age_group']]}"
        said = [int(n) for n in re.findall(r"\b\d{1,3}\b", told)]
        agrees = len(said) == 1 and abs(said[0] - years) <= 3
    else:
        view = f"{p.he} {p.looks()} like {GROUP_NOUN[attrs['age_group']]}"
        agrees = False
    if agrees:  # "No, it's a woman." after "Is this a man?" of a woman agrees (it got "I may be wrong, but …")
        return f"Yes: from this photo {view}."
    return f"I may be wrong, but from this photo {view}."


# what a yes/no answer's words may name that a question about something else did not ask
_ANSWER_VALUES = ("gender", "age_group", "smile", "emotion", "eyes", "mouth", "color", "head_pose", "head_tilt",
                  "sharpness", "lighting")
_OFF_TOPIC_WORDS = re.compile(r"^\W*it(?:'s| is) (?:a |an )?(?:photo|picture|image) of\b", re.I)


def off_question_yes_no(question: str, answer: str) -> bool:
    """Whether a yes/no answer speaks of something its question did not ask, about a question that names
    nothing the description can check ("Does this look like a passport photo?" → "No. He is a young adult,
    not a senior."; "Can you see their teeth?" → "No. It is in color."): such an answer says nothing of
    what was asked, and "I can't tell from this photo." is the honest one. "Is this a cat?" → "No, it is a
    photo of a person." and answers to questions that name a checked value are left alone."""
    from unif2ace.data.questions import asked_attribute, is_yes_no
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute, polarity, question_attribute

    words = answer.strip().split(maxsplit=1)
    if len(words) < 2 or polarity(words[0]) is None or not is_yes_no(question):
        return False
    if question_attribute(question) or asked_attribute(question):  # "Is her expression serious?" → "No, she is smiling."
        return False
    if _asked_values(question) or yes_no_grounded(question) or asked_age_range(question) is not None \
            or stated_only(question) or _asks_other_subject(question) \
            or (x := _subject(question)) is not None and re.search(_PERSON_WORDS + r"|\breal\b", x.lower()):
        return False
    rest = words[1]
    if _OFF_TOPIC_WORDS.match(rest):
        return False
    said = _without_pronouns(rest)
    return parse_age_years(rest) is not None or any(parse_attribute(said, a) is not None for a in _ANSWER_VALUES)


def on_question_sentences(question: str, answer: str) -> str | None:
    """A yes/no answer of three sentences or more cut to its Yes/No and the sentences about what the question asks
    ("Are the eyes closed?" of a black-and-white photo got "No. His head is turned slightly toward the left side of
    the frame. His eyes are open. It is a monochrome photo with even lighting.": "No. His eyes are open."); None when
    the question checks nothing (:func:`yes_no_grounded`), the answer is shorter, no sentence names an asked value,
    or every sentence does ("No. This is a boy, not a girl. He is smiling." to "Is this lady smiling?")."""
    from unif2ace.evaluation.attributes import parse_age_years, parse_attribute, polarity

    sentences = _sentences(answer)
    if len(sentences) < 3 or polarity(sentences[0].rstrip(".!,")) is None:
        return None
    asked = yes_no_grounded(question)
    if not asked:
        return None
    # and the expression a question asks beside what it checks ("Is this toddler happy?" of a man got "No. He looks
    # about 53 years old.", the "He looks happy." that grounded_yes_no adds cut)
    asked = asked | ({"emotion"} & set(_asked_values(question)))

    def about(sentence: str) -> bool:
        return any(parse_age_years(sentence) is not None or parse_attribute(sentence, "age_group") is not None
                   if a == "age" else parse_attribute(sentence, a) is not None for a in asked)

    kept = [t for t in sentences[1:] if about(t)]
    if not kept or len(kept) == len(sentences) - 1:
        return None
    return " ".join([sentences[0], *kept])


def open_answered_yes_no(question: str, answer: str) -> bool:
    """Whether an open question that names nothing the description can check got a yes/no answer ("Rate
    this photo's quality." → "No. He is a young adult, not a senior."): it answers nothing asked."""
    from unif2ace.data.questions import _core, asked_attributes, asks_description, asks_identity, is_yes_no
    from unif2ace.evaluation.attributes import question_attribute

    if is_yes_no(question) or not _YES_NO_START.match(answer):
        return False
    if not (_QUESTION_LIKE.search(question.strip()) or _REQUEST_START.match(_core(question))):
        return False  # "Nice photo.": not a question
    return not (asked_attributes(question) or question_attribute(question) or asks_description(question)
                or asks_identity(question) or small_talk(question) or remark_attribute(question))


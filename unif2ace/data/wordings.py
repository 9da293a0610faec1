"""More wordings than anyone writes by hand: composed question templates and surface noise.

The hand-written templates of :mod:`unif2ace.data.questions` give a few dozen wordings per
attribute; a model trained on them answers those and falls apart on the next one ("Which sex is
this person?" → "Straight toward the camera."). Two generic levers widen the training wordings
without looking at any evaluation item:

- :func:`composed` crosses question frames ("Would you say {subj} is {w}?") with subjects
  ("this person", "the individual", a pronoun) and answer options ("a man or a woman", "male or
  female"), a few hundred templates per kind. They go through the same SHA-256 split as the
  hand-written ones, and a composed template whose normalised text (case, punctuation, spacing)
  equals a held-out template is dropped, so no held-out wording reaches training.
- :func:`vary_surface` changes how a question is typed, not what it asks: lower case, no question
  mark, a greeting or a "please", a contraction, one slipped letter. Training applies it on the fly
  to a share of questions (``data.question_noise``).
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from typing import Any

# subjects: (text, verb "be" that agrees with it, possessive); {he}/{be}/{his} are filled per person later
_SUBJECTS = (("this person", "is", "this person's"), ("the person", "is", "the person's"),
             ("the person in the photo", "is", "the person's"), ("the person in this picture", "is", "the person's"),
             ("the individual", "is", "the individual's"), ("the person shown", "is", "the person's"),
             ("the subject", "is", "the subject's"), ("{he}", "{be}", "{his}"))
_NEUTRAL = tuple(s for s in _SUBJECTS if s[0] != "{he}")  # where a pronoun would give the answer away

_GENDER_OPEN_FRAMES = (
    "Is {subj} {pair}?", "Would you say {subj} is {pair}?", "Tell me whether {subj} is {pair}.",
    "Can you tell if {subj} is {pair}?", "Do you think {subj} is {pair}?", "Is {subj} {pair}, would you say?",
)
_GENDER_PAIRS = ("a man or a woman", "male or female", "a woman or a man", "female or male", "a guy or a girl",
                 "a male or a female")
_GENDER_NOUN_FRAMES = ("What is the gender of {subj}?", "What gender is {subj}?", "Which gender is {subj}?",
                       "What's the sex of {subj}?", "What sex is {subj}?", "Gender of {subj}?",
                       "I'd like to know the gender of {subj}.", "Please identify the gender of {subj}.")
_AGE_FRAMES = (
    "How old {be} {subj}?", "How old does {subj} look?", "What age {be} {subj}?", "What is the age of {subj}?",
    "What's the age of {subj}?", "Please estimate the age of {subj}.", "Guess the age of {subj}.",
    "Roughly how old {be} {subj}?", "About how old {be} {subj}?", "What age would you guess for {subj}?",
    "Estimate how old {subj} {be}.", "Tell me how old {subj} {be}.", "Which age group does {subj} belong to?",
    "What age range {be} {subj} in?", "How old would you guess {subj} {be}?", "Approximately what age {be} {subj}?",
)
_SMILE_OPEN_FRAMES = ("Is {subj} smiling or not?", "Tell me if {subj} {be} smiling or not.",
                      "Is {subj} smiling, or not?", "Can you tell whether {subj} {be} smiling or not?",
                      "Is there a smile on {poss} face or not?", "Smiling or not: {subj}?")
_EMOTION_FRAMES = ("What emotion does {subj} show?", "How does {subj} feel?", "What is {poss} expression?",
                   "What mood {be} {subj} in?", "Describe {poss} expression.", "How {be} {subj} feeling?",
                   "What feeling does {poss} face show?", "What kind of mood {be} {subj} in?")
_GENDER_WORDS = {"female": ("a woman", "female", "a lady"), "male": ("a man", "male", "a guy"),
                 "female-young": ("a girl", "female"), "male-young": ("a boy", "male")}
_POLAR_FRAMES = ("Is {subj} {w}?", "Would you say {subj} {be} {w}?", "Do you think {subj} {be} {w}?",
                 "Does {subj} look like {w}?", "Could {subj} be {w}?", "Can you confirm {subj} {be} {w}?")
_SMILE_TRUE_FRAMES = ("Is {subj} smiling?", "Does {subj} smile?", "Is {subj} smiling in this photo?",
                      "Does {subj} have a smile?", "Can you see {subj} smiling?", "Is {subj} smiling here?")
_SMILE_FALSE_FRAMES = ("Is {subj} not smiling?", "Does {subj} look serious?", "Is {subj} without a smile?",
                       "Is {subj} keeping a straight face?", "Does {subj} have a serious face?")
_EMOTION_POLAR_FRAMES = ("Does {subj} look {adj}?", "Is {subj} {adj}?", "Would you say {subj} {be} {adj}?",
                         "Does {subj} seem {adj}?", "Do you think {subj} {be} {adj}?")
_OFF_FRAMES = ("Is this a {x}?", "Is this a photo of a {x}?", "Is there a {x} in this picture?",
               "Does this picture show a {x}?", "Is that a {x}?", "Am I looking at a {x}?",
               "Is this an image of a {x}?", "Is the photo of a {x}?")
_OFF_OBJECTS = ("cat", "dog", "car", "house", "tree", "bird", "horse", "fish", "flower", "bicycle", "building",
                "mountain", "boat", "chair", "computer", "phone", "clock", "cow", "sandwich", "train", "lamp",
                "banana", "robot", "statue", "painting of a bowl of fruit", "truck", "rabbit", "shoe")
_ON_OBJECTS = ("person", "human", "face", "human face", "real person")
_CANT_TELL = ("What is {poss} name?", "What is {poss} job?", "What is {poss} occupation?",
              "What is {poss} phone number?", "What is {poss} address?", "What is {poss} favourite colour?",
              "What is {poss} hometown?", "What is {poss} religion?", "How much does {subj} earn?",
              "When is {poss} birthday?", "What is {poss} height?", "What is {poss} shoe size?",
              "What music does {subj} like?", "What car does {subj} drive?")


def _subj_fill(frame: str, subjects=_SUBJECTS, **extra: str) -> list[str]:
    return [frame.replace("{subj}", subj).replace("{poss}", poss).replace("{be}", be).format_map(_Keep(extra))
            for subj, be, poss in subjects]


class _Keep(dict):
    """str.format_map that leaves unknown placeholders ({he}, {his}, …) for the per-person fill."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _cap(t: str) -> str:
    return t[0].upper() + t[1:]


@cache
def _compose() -> dict[tuple, list[str]]:
    out: dict[tuple, list[str]] = {}
    gender = [t for f in _GENDER_OPEN_FRAMES for p in _GENDER_PAIRS for t in _subj_fill(f, _NEUTRAL, pair=p)]
    gender += [t for f in _GENDER_NOUN_FRAMES for t in _subj_fill(f, _NEUTRAL)]
    gender += [_cap(p) + "?" for p in _GENDER_PAIRS]
    out[("open", "gender")] = gender
    out[("open", "age_group")] = [t for f in _AGE_FRAMES for t in _subj_fill(f)]
    out[("open", "smile")] = [t for f in _SMILE_OPEN_FRAMES for t in _subj_fill(f)]
    out[("open", "emotion")] = [t for f in _EMOTION_FRAMES for t in _subj_fill(f)]
    for key, words in _GENDER_WORDS.items():
        young = (("the child", "is", "the child's"), ("the kid", "is", "the kid's"))
        subjects = _NEUTRAL + young if key.endswith("young") else _NEUTRAL
        out[("polar", "gender", key)] = [t for f in _POLAR_FRAMES for w in words for t in _subj_fill(f, subjects, w=w)]
    out[("polar", "age_group", "*")] = [t for f in _POLAR_FRAMES for t in _subj_fill(f, w="{group}")]
    out[("polar", "smile", True)] = [t for f in _SMILE_TRUE_FRAMES for t in _subj_fill(f)]
    out[("polar", "smile", False)] = [t for f in _SMILE_FALSE_FRAMES for t in _subj_fill(f)]
    out[("polar", "emotion", "*")] = [t for f in _EMOTION_POLAR_FRAMES for t in _subj_fill(f)]
    out[("off-topic", False)] = [f.format(x=x) for f, x in itertools.product(_OFF_FRAMES, _OFF_OBJECTS)]
    out[("off-topic", True)] = [f.format(x=x) for f, x in itertools.product(_OFF_FRAMES, _ON_OBJECTS)]
    out[("cant-tell",)] = [t for f in _CANT_TELL for t in _subj_fill(f)]
    for k, v in out.items():  # capitalised, "a" before a vowel made "an", duplicates dropped
        out[k] = list(dict.fromkeys(re.sub(r"\ba ([aeiou])", r"an \1", _cap(t)) for t in v))
    return out


_EXPAND = ((r"\bwhat's\b", "what is"), (r"\bhow's\b", "how is"), (r"\bisn't\b", "is not"),
           (r"\bdon't\b", "do not"), (r"\bi'd\b", "i would"), (r"\bcolour\b", "color"))


def normalise(question: str) -> str:
    """Case, punctuation, spacing and contractions removed: wordings that differ only there are one."""
    q = question.lower().replace("’", "'")
    for pat, rep in _EXPAND:
        q = re.sub(pat, rep, q)
    return " ".join(re.sub(r"[^\w'{} ]+", " ", q).split())


@cache
def composed(kind: str, *key: Any, held_out_texts: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Composed templates of one kind: ``("open", attr)``, ``("polar", attr, value-key)``,
    ``("off-topic", truth)`` or ``("cant-tell",)``; none equals (normalised) a text in
    ``held_out_texts``. The hash split is the caller's (:func:`unif2ace.data.questions.split_templates`)."""
    banned = {normalise(t) for t in held_out_texts}
    return tuple(t for t in _compose().get((kind, *key), []) if normalise(t) not in banned)


# ----------------------------------------------------------------------------- surface noise
_GREETINGS = ("Hi! ", "Hey, ", "Hello. ", "Quick question: ", "Hmm, ", "OK, ", "So, ")
_ASKS = ("Can you tell me: ", "Please tell me: ", "I'd like to know: ", "Question: ")
_SUFFIXES = (" Thanks.", " Thank you!", " Please.", " Just a guess is fine.", " :)")
_CONTRACT = ((r"\bWhat is\b", "What's"), (r"\bwhat is\b", "what's"), (r"\bdo not\b", "don't"),
             (r"\bis not\b", "isn't"), (r"\bI would\b", "I'd"), (r"\bHow is\b", "How's"))


def vary_surface(question: str, rng) -> str:
    """``question`` as someone might type it: the same words, differently (``rng``: numpy Generator
    or anything with ``random()`` and ``integers``/``randrange``). Never adds or removes a content word."""
    def r() -> float:
        return float(rng.random())

    def pick(seq):
        n = len(seq)
        i = int(rng.integers(n)) if hasattr(rng, "integers") else rng.randrange(n)
        return seq[i]

    q = question.strip()
    if r() < 0.3:
        for pat, rep in _CONTRACT:
            q = re.sub(pat, rep, q)
    if r() < 0.15:  # one slipped letter: two neighbours swapped inside a long word
        words = q.split(" ")
        long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if long:
            i = pick(long)
            w = words[i]
            j = 1 + int(r() * (len(w) - 3))
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
            q = " ".join(words)
    if r() < 0.25:
        q = pick(_ASKS) + q[0].lower() + q[1:] if not q.startswith("I ") else pick(_ASKS) + q
    elif r() < 0.2:
        q = pick(_GREETINGS) + q
    if r() < 0.15:
        q += pick(_SUFFIXES)
    if r() < 0.35:
        q = q.rstrip("?.!") if r() < 0.7 else q.rstrip("?.!") + "??"
    if r() < 0.35:
        q = q.lower()
    return q

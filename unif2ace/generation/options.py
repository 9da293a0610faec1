"""Multiple-choice questions as vision-language benchmarks ask them (MMBench, SEED-Bench, ScienceQA style):

    What is the gender of the person in the image?
    A. Male
    B. Female
    Answer with the option's letter from the given choices directly.

The model was trained on open questions, so it is asked the question alone ("What is the gender of the person in
the image?"; its answer is grounded as any other) and the answer is then matched to an option: by the attribute
value both state (gender, age group, emotion, …, or an age inside a range such as "30-39"), by yes/no, or by the
option's words found in the answer. Options that each name several attributes ("A. a smiling child B. a neutral
senior C. a smiling older woman"), or a stem that asks no question the model answers ("Which of these best describes
her?"), are matched against the photo's description instead: the option it bears out best. The reply is the
option's letter when the instruction asks for a letter, else the letter and the option ("C. adult"). An answer that
matches no option, or more than one, is returned as decoded: an honest answer rather than a guessed letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

# an option's marker: "A." "A)" "(A)" "A:" "[A]" at a line's start, or inline after a space, a colon or a "?"
_MARKER = re.compile(r"(?:^|(?<=[\s:?]))(?:\(([A-H])\)|\[([A-H])\]|([A-H])[.):])[ \t]*(?=\S)", re.M)
# the instruction after the options ("Answer with the option's letter from the given choices directly.",
# "Please select the correct answer.", "Choose one.", "Respond with A, B, C or D only.")
_INSTRUCTION = re.compile(
    r"(?:\n|(?<=[.?!])\s+|^)\s*(?:please\s+)?(?:answer|respond|reply|choose|select|pick|give|return|output|write)\b"
    r"(?=[^\n]*\b(?:letter|option|options|choices?|answers?|one|correct|best|[A-H](?:\s*,\s*[A-H])*,?\s+or\s+[A-H])\b)"
    r"[^\n]*$", re.I)
_LABEL = re.compile(r"\s*(?:options|choices|candidates|answers?)\s*:\s*$", re.I)
_RANGE = re.compile(r"(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})|(?:under|below|less than|younger than)\s+(\d{1,3})|"
                    r"(\d{1,3})\s*(?:\+|or (?:more|older|above)|and (?:over|above|older))|(?:over|above|older than)\s+(\d{1,3})",
                    re.I)


@dataclass(frozen=True)
class Choices:
    """A multiple-choice question: the question alone, its options as (letter, text), and whether the reply
    should be the letter alone."""
    stem: str
    options: tuple[tuple[str, str], ...]
    letter_only: bool

    @cached_property
    def values(self) -> tuple[dict, ...]:
        """The attribute values each option names, read once ("a smiling older woman" → gender, age group, smile)."""
        from unif2ace.evaluation.attributes import ATTRIBUTES, parse_attribute

        return tuple({a: v for a in ATTRIBUTES if (v := parse_attribute(text, a, loose=True)) is not None}
                     for _, text in self.options)

    @property
    def combined(self) -> bool:
        """Whether an option names values of two or more attributes ("a smiling older woman")."""
        return any(len(v) > 1 for v in self.values)

    @property
    def asked(self) -> str:
        """What the model is asked: the stem; a request for the photo's description when the options combine
        attributes, or when the stem asks about no attribute while the options name some ("Which of these best
        describes her?\nA. Male\nB. Female")."""
        from unif2ace.data.questions import is_yes_no
        from unif2ace.evaluation.attributes import question_attribute

        named = sum(bool(v) for v in self.values) > 1
        if self.combined or named and not question_attribute(self.stem) and not is_yes_no(self.stem):
            return DESCRIBE
        return self.stem


# asked in place of a stem the options answer only through the description (data.questions.asks_description)
DESCRIBE = "Describe the person in the photo."


def multiple_choice(question: str) -> Choices | None:
    """The options a question offers with letters (at least two, lettered A, B, … in order), or None for any
    other question ("Is this a man or a woman?" offers its choice in words and is asked as it is)."""
    text = question.strip()
    instruction = _INSTRUCTION.search(text)
    body = text[:instruction.start()] if instruction else text
    found = [(m, next(g for g in m.groups() if g)) for m in _MARKER.finditer(body)]
    start = next((i for i, (_, letter) in enumerate(found) if letter == "A"), None)
    if start is None:
        return None
    run = [found[start]]
    for m, letter in found[start + 1:]:
        if ord(letter) == ord(run[-1][1]) + 1:
            run.append((m, letter))
    if len(run) < 2:
        return None
    options = []
    for k, (m, letter) in enumerate(run):
        end = run[k + 1][0].start() if k + 1 < len(run) else len(body)
        option = re.sub(r"[\s,;.]+(?:or\s*)?$", "", body[m.end():end].strip()).strip()
        if not option:
            return None
        options.append((letter, option))
    stem = _LABEL.sub("", body[:run[0][0].start()]).strip()
    stem = re.sub(r"^\s*question\s*:\s*", "", stem, flags=re.I).strip()
    if not re.search(r"\w", stem):
        return None
    letter_only = bool(instruction and re.search(r"\bletters?\b|\b[A-H](?:\s*,\s*[A-H])*,?\s+or\s+[A-H]\b",
                                                 instruction[0], re.I))
    return Choices(stem, tuple(options), letter_only)


def _in_range(option: str, years: float) -> bool | None:
    """Whether an age range option ("30-39", "under 18", "60+") holds ``years``; None for an option with no range."""
    m = _RANGE.search(option)
    if not m:
        return None
    low, high, under, plus, over = m.groups()
    if low:
        return int(low) <= years <= int(high) + (0.999 if int(high) >= int(low) else 0)
    if under:
        return years < int(under)
    return years >= int(plus) if plus else years > int(over)


def chosen_option(choices: Choices, answer: str) -> tuple[str, str] | None:
    """The one option ``answer`` (the model's answer to ``choices.stem``) names, or None when it names none or
    several."""
    from unif2ace.evaluation.attributes import (
        ATTRIBUTES,
        parse_age_years,
        parse_attribute,
        polarity,
        question_attribute,
    )
    from unif2ace.metrics.text import normalize_answer

    def only(matches: list[tuple[str, str]]) -> tuple[str, str] | None:
        return matches[0] if len(matches) == 1 else None

    texts = [t for _, t in choices.options]
    if choices.combined:
        return _described_option(choices, answer)
    if all(normalize_answer(t) in ("yes", "no") for t in texts):
        said = polarity(answer)
        return only([o for o in choices.options if normalize_answer(o[1]) == said]) if said else None
    years = parse_age_years(answer)
    if years is not None and all(_in_range(t, 0) is not None for t in texts):
        return only([o for o in choices.options if _in_range(o[1], years)])
    asked = question_attribute(choices.stem)
    for attribute in ([asked] if asked else []) + [a for a in ATTRIBUTES if a != asked]:
        values = [v.get(attribute) for v in choices.values]  # asked is one of ATTRIBUTES
        if sum(v is not None for v in values) < 2:
            continue  # the options do not name values of this attribute
        said = parse_attribute(answer, attribute, loose=True)
        if said is not None:
            match = only([o for o, v in zip(choices.options, values) if v == said])
            if match:
                return match
        break
    # the option's own words in the answer ("adult" in "a young adult"); the longest wins over its own part
    words = f" {normalize_answer(answer)} "
    plain = {letter: normalize_answer(text) for letter, text in choices.options}
    inside = [o for o in choices.options if plain[o[0]] and f" {plain[o[0]]} " in words]
    inside = [o for o in inside if not any(p is not o and plain[o[0]] in plain[p[0]] for p in inside)]
    return only(inside)


def _described_option(choices: Choices, answer: str) -> tuple[str, str] | None:
    """The option that the description ``answer`` bears out best: most of its values stated less those
    contradicted ("a smiling older woman" of "… a 64-year-old White senior woman … She is smiling …"), as a
    benchmark's question has one best option even when none fits in every word; glasses and facial hair count as
    absent when not described (the description names them only when it sees them). None when two options tie or
    the best states nothing the description bears out (the description is then the honest reply)."""
    from unif2ace.evaluation.attributes import parse_caption

    described = {"glasses": False, "facial_hair": False, **parse_caption(answer)}
    scored = []
    for option, named in zip(choices.options, choices.values):
        values = {a: v for a, v in named.items() if a in described}
        agree = sum(described[a] == v for a, v in values.items())
        scored.append((agree - (len(values) - agree), agree, option))
    best = max(score for score, _, _ in scored)
    top = [(agree, option) for score, agree, option in scored if score == best]
    return top[0][1] if len(top) == 1 and top[0][0] else None


def option_reply(choices: Choices, answer: str) -> str:
    """The reply to a multiple-choice question: the chosen option's letter ("C") when a letter is asked for, else
    "C. adult"; the answer as decoded when it names no option or several."""
    chosen = chosen_option(choices, answer)
    if chosen is None:
        return answer
    letter, text = chosen
    return letter if choices.letter_only else f"{letter}. {text}"

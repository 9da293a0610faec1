"""Contrast prompts: the prompt with one attribute changed, for composed guidance.

``generate_image_codes(..., contrast_prompts=…, contrast_scale=c)`` adds ``c·(cond − contrast)`` to
the guided logits. When the contrast prompt differs from the prompt only in its gender words, the
term pushes along gender alone and leaves everything else the prompt asks for to the usual CFG term.
"""

from __future__ import annotations

import re

# English gender words, both directions; "her" and "his" are handled on their own (see swap_gender)
_PAIRS = [
    ("man", "woman"), ("men", "women"), ("boy", "girl"), ("boys", "girls"), ("male", "female"),
    ("males", "females"), ("he", "she"), ("him", "her"), ("himself", "herself"),
    ("gentleman", "lady"), ("gentlemen", "ladies"), ("father", "mother"), ("son", "daughter"),
    ("brother", "sister"), ("husband", "wife"), ("grandfather", "grandmother"), ("grandson", "granddaughter"),
    ("uncle", "aunt"), ("nephew", "niece"), ("king", "queen"), ("masculine", "feminine"), ("mr", "ms"),
    ("guy", "gal"), ("dad", "mom"), ("grandpa", "grandma"), ("businessman", "businesswoman"),
    ("schoolboy", "schoolgirl"), ("actor", "actress"), ("waiter", "waitress"),
]
_SWAP = {a: b for a, b in _PAIRS if a != "him"} | {b: a for a, b in _PAIRS if b != "her"} | {"him": "her", "hers": "his"}
_WORD = re.compile(r"[A-Za-z]+")
# "her"/"his" followed by a noun-like word are possessive ("her eyes" ↔ "his eyes"); otherwise "her" is
# the object ("him") and "his" stands alone ("hers")
_DETERMINER = re.compile(r"\b(?:her|his)\b(?=\s+(?!and\b|or\b|to\b|in\b|with\b|as\b|at\b|from\b)[A-Za-z])",
                         re.IGNORECASE)


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[0].isupper():
        return word[0].upper() + word[1:]
    return word


def swap_gender(text: str) -> str | None:
    """``text`` with every gender word swapped for its opposite (case kept), or None when it has none.

    >>> swap_gender("A smiling young woman. Her eyes are open; she wears glasses.")
    'A smiling young man. His eyes are open; he wears glasses.'
    """
    determiner = {m.start() for m in _DETERMINER.finditer(text)}
    changed = False

    def repl(m: re.Match) -> str:
        nonlocal changed
        word, low = m.group(0), m.group(0).lower()
        if low in ("her", "his"):
            new = {"her": ("him", "his"), "his": ("hers", "her")}[low][m.start() in determiner]
        elif low in _SWAP:
            new = _SWAP[low]
        else:
            return word
        changed = True
        return _match_case(new, word)

    out = _WORD.sub(repl, text)
    return out if changed else None

"""Text metrics: VQA answer normalisation, corpus BLEU (sacrebleu) and ROUGE-L (rouge-score).

``normalize_answer`` follows the official VQA evaluation script (Antol et al. 2015): lower case,
punctuation removed (a full stop only when it is not a decimal point), number words to digits,
articles dropped, common contractions repaired. BLEU and ROUGE-L come from the packages everybody
reports with, so our numbers are comparable with others': ``pip install sacrebleu rouge-score``.
"""

from __future__ import annotations

import re

_CONTRACTIONS = {
    "dont": "don't", "doesnt": "doesn't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't",
    "cant": "can't", "wont": "won't", "didnt": "didn't", "hasnt": "hasn't", "havent": "haven't", "shes": "she's",
    "hes": "he's", "theyre": "they're", "thats": "that's", "whats": "what's", "im": "i'm", "youre": "you're",
}
_NUMBERS = {"none": "0", "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
            "seven": "7", "eight": "8", "nine": "9", "ten": "10"}
_ARTICLES = {"a", "an", "the"}
_PUNCT = [";", "/", "[", "]", '"', "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@", "`", ",", "?", "!",
          "*", "#", "%", "^", "&", "$", ":", "–", "—", "“", "”", "‘", "’"]
_COMMA_NUMBER = re.compile(r"(\d)(,)(\d)")
_PERIOD_STRIP = re.compile(r"(?!<=\d)(\.)(?!\d)")


def normalize_answer(text: str) -> str:
    """VQA-style normal form: ``"Yes, she is smiling."`` → ``"yes she is smiling"``; ``"Two."`` → ``"2"``."""
    text = text.replace("\n", " ").replace("\t", " ").strip().lower()
    out = text
    for p in _PUNCT:
        if (p + " " in text or " " + p in text) or re.search(_COMMA_NUMBER, text) is not None:
            out = out.replace(p, "")
        else:
            out = out.replace(p, " ")
    out = _PERIOD_STRIP.sub("", out)
    words = []
    for w in out.split():
        w = _NUMBERS.get(w, w)
        if w in _ARTICLES:
            continue
        words.append(_CONTRACTIONS.get(w, w))
    return " ".join(words)


def bleu(hypotheses: list[str], references: list[str]) -> float:
    """Corpus BLEU-4 (0–100) with sacrebleu's defaults (13a tokenisation), one reference per hypothesis."""
    try:
        import sacrebleu
    except ImportError as exc:
        raise ImportError("BLEU needs sacrebleu: pip install sacrebleu") from exc
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses for {len(references)} references")
    return float(sacrebleu.corpus_bleu(hypotheses, [references]).score)


def rouge_l(hypotheses: list[str], references: list[str]) -> float:
    """Mean ROUGE-L F-measure (0–1) over pairs, with the Porter stemmer (Google's rouge-score)."""
    try:
        from rouge_score import rouge_scorer
    except ImportError as exc:
        raise ImportError("ROUGE-L needs rouge-score: pip install rouge-score") from exc
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses for {len(references)} references")
    if not hypotheses:
        return float("nan")
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    return float(sum(scorer.score(r, h)["rougeL"].fmeasure for h, r in zip(hypotheses, references)) / len(hypotheses))

"""A yes/no question's answer starts with the model's Yes or No (YesNoFirst), chosen by their logits."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from unif2ace.generation import TextGenerationConfig, generate_text
from unif2ace.generation.constraints import YesNoFirst
from unif2ace.generation.text import choose_next_token
from unif2ace.text import load_text_tokenizer
from unif2ace.validation import InvalidInput


def test_the_processor_forces_the_shared_prefix_then_lets_the_logits_choose():
    tok = load_text_tokenizer("bpe-1024")
    proc = YesNoFirst(tok, [True, False, True])
    yes, no = proc.choice
    assert tok.encode(" Yes") == proc.prefix + [yes] and tok.encode(" No") == proc.prefix + [no]
    g = torch.Generator().manual_seed(0)
    V = 1024
    for _ in range(20):
        logits = torch.randn(3, V, generator=g)
        out = [proc(0, logits.clone())]
        for step in range(1, proc.steps + 1):
            out.append(proc(step, logits.clone()))
        for step, lg in enumerate(out):
            assert torch.equal(lg[1], logits[1])  # unmarked row untouched at every step
            if step < len(proc.prefix):
                assert choose_next_token(lg, TextGenerationConfig()).tolist()[0] == proc.prefix[step]
                assert torch.isinf(lg[0]).sum() == V - 1
            elif step == len(proc.prefix):
                for r in (0, 2):  # the larger of the two logits, computed independently
                    want = yes if logits[r, yes] > logits[r, no] else no
                    assert int(lg[r].argmax()) == want
                    assert torch.isfinite(lg[r]).sum() == 2
            else:
                assert torch.equal(lg, logits)  # after the choice: free decoding
    with pytest.raises(ValueError, match="same first tokens"):
        YesNoFirst(tok, [True], yes=" Yes", no=" Yes")


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    from unif2ace.pipeline import UniF2ace, write_random_model

    return UniF2ace.from_pretrained(write_random_model(tmp_path_factory.mktemp("model") / "tiny"))


def test_ask_starts_yes_no_answers_with_yes_or_no_and_leaves_other_questions_alone(pipe):
    rng = np.random.default_rng(0)
    images = [Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)) for _ in range(4)]
    polar = ["Is this a cat?", "Is she smiling?", "Does he look happy?", "Would you say this is a woman?"]
    # the decoded answers, not grounded (a question about another subject, "Is this a cat?", is then answered "No")
    on = pipe.ask(images, polar, align=False, max_new_tokens=6, constrain_yes_no="first", grounded_answers=False)
    assert all(a.startswith(("Yes", "No")) for a in on), on
    off = pipe.ask(images, polar, align=False, max_new_tokens=6, constrain_yes_no=False, grounded_answers=False)
    assert sum(a.startswith(("Yes", "No")) for a in off) < 4  # a random model rarely does

    # the choice is the model's: the same as decoding with only the prefix forced and comparing the two logits
    crops = pipe.prepare(images, False)
    batch = pipe.prompter.mmu(pipe.encode_images(crops), [[(q, None)] for q in polar], left_pad=True)
    proc = YesNoFirst(pipe.text_tokenizer, [True] * 4)
    seen = {}

    def record(step: int, logits: torch.Tensor) -> torch.Tensor:
        if step == len(proc.prefix):
            seen["logits"] = logits.clone()
        return proc(step, logits)

    generate_text(pipe.model, batch, TextGenerationConfig(max_new_tokens=6), features=pipe.understanding_features(crops),
                  logits_processor=record)
    yes, no = proc.choice
    want = ["Yes" if bool(r[yes] > r[no]) else "No" for r in seen["logits"]]
    assert [a[:2] if a.startswith("No") else a[:3] for a in on] == want

    other = ["How old is this person?", "Is this a man or a woman?", "Can you guess how old she is?"]
    ims = images[:3]
    assert pipe.ask(ims, other, align=False, max_new_tokens=6) == pipe.ask(ims, other, align=False, max_new_tokens=6,
                                                                          constrain_yes_no=False)


def test_answer_log_prob_is_the_log_likelihood_of_the_decoded_answer(tmp_path):
    """AnswerLogProb's running sum equals log p(answer tokens, <|eot|>) summed in float64 over the logits
    of the cache-less reference decoding (every token recomputed from scratch), in float32."""
    from unif2ace.generation.constraints import AnswerLogProb
    from unif2ace.pipeline import UniF2ace, write_random_model

    pipe = UniF2ace.from_pretrained(write_random_model(tmp_path / "tiny"), dtype="float32")

    rng = np.random.default_rng(1)
    images = [Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)) for _ in range(3)]
    crops = pipe.prepare(images, False)
    convs = [[("Is she smiling?", None)], [("Describe this face in detail.", None)], [("How old?", None)]]
    batch = pipe.prompter.mmu(pipe.encode_images(crops), convs, left_pad=True)
    feats = pipe.understanding_features(crops)
    eot = pipe.config.eot_token_id
    record = AnswerLogProb(None, eot)
    tokens = generate_text(pipe.model, batch, TextGenerationConfig(max_new_tokens=8), features=feats,
                           logits_processor=record)
    seen = []

    def keep(step, logits):
        seen.append(logits.double())
        return logits

    reference = generate_text(pipe.model, batch, TextGenerationConfig(max_new_tokens=8, use_cache=False),
                              features=feats, logits_processor=keep)
    assert reference == tokens
    for i, answer in enumerate(tokens):
        ids = answer + [eot] if len(answer) < 8 else answer  # the eot counts when it was decoded
        want = sum(float(torch.log_softmax(seen[j][i], -1)[t]) for j, t in enumerate(ids))
        assert abs(float(record.total[i]) - want) < 1e-4 and len(ids) > 1, (i, float(record.total[i]), want)
        assert int(record.count[i]) == len(ids)  # the per-token score's denominator
        assert abs(float(record.mean[i]) - want / len(ids)) < 1e-5


def test_yes_no_answer_choice_keeps_the_more_likely_whole_answer(pipe):
    from unif2ace.generation.constraints import AnswerLogProb, YesNoFirst, choose_yes_no_answers

    rng = np.random.default_rng(2)
    images = [Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)) for _ in range(4)]
    questions = ["Is this a cat?", "How old is this person?", "Is she smiling?", "Is this a man?"]
    crops = pipe.prepare(images, False)
    batch = pipe.prompter.mmu(pipe.encode_images(crops), [[(q, None)] for q in questions], left_pad=True)
    feats = pipe.understanding_features(crops)
    rows = [True, False, True, True]
    cfg = TextGenerationConfig(max_new_tokens=6)

    codes = pipe.encode_images(crops)
    asked = []

    def decode(processor, keep=None):
        asked.append(keep)
        if keep is None:
            return generate_text(pipe.model, batch, cfg, features=feats, logits_processor=processor)
        sub = pipe.prompter.mmu(codes[keep], [[(questions[i], None)] for i in keep], left_pad=True)
        return generate_text(pipe.model, sub, cfg, logits_processor=processor,
                             features=None if feats is None else {k: v[keep] for k, v in feats.items()})

    got = {per_token: choose_yes_no_answers(decode, pipe.text_tokenizer, rows, pipe.config.eot_token_id,
                                            per_token=per_token) for per_token in (False, True)}
    assert asked == [None, [0, 2, 3]] * 2  # the "No" branch decodes the marked rows only
    branches = {}
    for force in ("yes", "no"):  # each branch decoded and scored on its own, on the whole batch
        record = AnswerLogProb(YesNoFirst(pipe.text_tokenizer, rows, force=force), pipe.config.eot_token_id)
        tokens = decode(record)
        lengths = torch.tensor([len(t) + (len(t) < cfg.max_new_tokens) for t in tokens], dtype=torch.float32)
        branches[force] = (tokens, {False: record.total, True: record.total / lengths})
    for per_token, chosen in got.items():
        for i, marked in enumerate(rows):
            if marked:
                score = {f: float(branches[f][1][per_token][i]) for f in ("yes", "no")}
                better = "no" if score["no"] > score["yes"] else "yes"
                assert chosen[i] == branches[better][0][i]
                assert pipe.text_tokenizer.decode(chosen[i]).strip().startswith({"yes": "Yes", "no": "No"}[better])
            else:  # unmarked rows: the free answer
                assert chosen[i] == decode(None)[i]
    # through the pipeline: "answer" sums, "answer-per-token" scores per token; a bad mode is one line
    # (the grounding of answers in the description, which may restate any of them, is tested on its own)
    for mode, per_token in (("answer", False), ("answer-per-token", True)):
        answers = pipe.ask(images, questions, align=False, max_new_tokens=6, constrain_yes_no=mode,
                           consistent_yes_no=False, grounded_answers=False)
        assert answers == [pipe.text_tokenizer.decode(t).strip() for t in got[per_token]]
    with pytest.raises(ValueError, match="constrain_yes_no must be True, False, 'first', 'answer' or 'answer-per-token'"):
        pipe.ask(images[:1], questions[:1], align=False, constrain_yes_no="maybe")
    with pytest.raises(ValueError, match="force must be"):
        YesNoFirst(pipe.text_tokenizer, rows, force="perhaps")


def test_questions_are_tidied_as_the_training_data_writes_them(pipe):
    from unif2ace.pipeline.pipeline import tidy_question

    assert tidy_question("  how old is  he ") == "how old is he"  # the case stays as typed
    assert tidy_question("Is she?\t\tOr not?") == "Is she? Or not?" and tidy_question("3 people?") == "3 people?"
    assert tidy_question("") == ""
    assert tidy_question("Yes or no: is this a woman?") == "is this a woman?"  # the form asked for is no content
    assert tidy_question("Yes or no?") == "Yes or no?"
    rng = np.random.default_rng(4)
    images = [Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)) for _ in range(2)]
    kw = dict(align=False, max_new_tokens=6)
    assert pipe.ask(images, " How old is  this person? ", **kw) == pipe.ask(images, "How old is this person?", **kw)
    with pytest.raises(InvalidInput, match="question"):
        pipe.ask(images, "   ", **kw)


def _logit_for(lp: float, vocab: int) -> float:
    """The logit c of a scripted token (every other logit 0) that gives it log-probability ``lp``."""
    p = np.exp(lp)
    return float(np.log(p * (vocab - 1) / (1 - p)))


class _TwoWordTokenizer:
    """" Yes" → [1, 2], " No" → [1, 3] (a shared space token, then the word), as bpe-1024 writes them."""

    def encode(self, text):
        return {" Yes": [1, 2], " No": [1, 3]}[text]


def test_per_token_score_lets_a_longer_answer_win_that_the_sum_rejects():
    """A false premise's answer is longer ("No, this is a woman, not a man."): scripted logits give the
    "Yes" answer the larger sum and the "No" answer the larger per-token log-probability. The sum keeps
    "Yes", the per-token score "No"; both agree with float64 sums over the scripted tokens."""
    from unif2ace.generation.constraints import choose_yes_no_answers

    vocab, eot, word = 6, 5, 4
    # per branch and row: (log-probability of every scripted token, number of words before <|eot|>)
    script = {"yes": {0: (-0.5, 2), 1: (-0.2, 1), 2: (-0.5, 2)}, "no": {0: (-0.3, 6), 2: (-0.1, 3)}}

    def decode(processor, keep):
        force = processor.inner.force
        rows = list(range(3)) if keep is None else keep
        seqs = [[1, 2 if force == "yes" else 3] + [word] * script[force][r][1] + [eot] for r in rows]
        if keep is None:  # the unmarked row 1 is free: its own answer
            seqs[1] = [word] * script["yes"][1][1] + [eot]
        out = [[] for _ in rows]
        for step in range(max(map(len, seqs))):
            logits = torch.zeros(len(rows), vocab)
            for j, (r, seq) in enumerate(zip(rows, seqs)):
                logits[j, seq[min(step, len(seq) - 1)]] = _logit_for(script[force][r][0], vocab)
            chosen = processor(step, logits).argmax(-1)
            for j, seq in enumerate(seqs):
                if step < len(seq) and seq[step] != eot:
                    assert int(chosen[j]) == seq[step]
                    out[j].append(seq[step])
        return out

    def expected(force, r):  # float64: every token of the answer, <|eot|> included
        lp, words = script[force][r]
        n = 2 + words + 1
        return n * lp, lp

    got = {pt: choose_yes_no_answers(decode, _TwoWordTokenizer(), [True, False, True], eot, per_token=pt)
           for pt in (False, True)}
    for pt, answers in got.items():
        for r in (0, 2):
            yes, no = expected("yes", r)[pt], expected("no", r)[pt]
            assert answers[r][1] == (3 if no > yes else 2), (pt, r)
        assert answers[1] == [word]
    assert got[False][0][1] == 2 and got[True][0][1] == 3  # row 0: the two scores disagree, as scripted
    assert got[False][2][1] == got[True][2][1] == 3


@pytest.mark.parametrize("question, answer, expected", [
    ("Is this a man?", "Yes, this is a woman.", False),
    ("is this a man", "Yes. This is a woman.", False),
    ("Is this a man?", "No, this is a man.", False),
    ("Is this a man?", "No, this is a woman, not a man.", True),
    ("Is this a man?", "Yes. This is a man.", True),
    ("Is this a man?", "Yes, he is a senior.", True),  # the pronoun restates the gender
    ("Is this a woman?", "Yes, this is a man.", False),
    ("Is he smiling?", "Yes. He is smiling.", True),
    ("Is he keeping a straight face?", "No. He is not smiling.", False),  # a straight face is not smiling
    ("Does she look solemn?", "Yes. She is not smiling.", True),
    ("Is she not smiling?", "No. She is not smiling.", False),
    ("Is he smiling?", "No, he is not smiling.", True),
    ("Is she smiling?", "Yes, she is not smiling.", False),
    ("Is she smiling?", "Yes, he is smiling.", True),  # "she" is the subject, not what is asked
    ("Is this a child?", "No, she is a young adult, not a child.", True),
    ("Is this a child?", "Yes, she is 25 years old.", False),
    ("Is this a boy?", "No, this is a girl.", True),
    ("Is this a boy?", "Yes, he is a young adult.", False),
    ("Is she happy?", "No, she looks neutral.", True),
    ("Is this a cat?", "No, it is a photo of a person.", True),  # another subject than a person
    ("Is this a cat?", "Yes. She is a photo of a woman.", False),
    ("is it a picture of a car", "Yes, it is a photo of a man.", False),
    ("Does this show a cat?", "Yes. It is a photo of a person.", False),
    ("Is there a horse in this photo?", "No, it is a photo of a man.", True),
    ("can you see a tree", "Yes, this is a girl.", False),
    ("A cat?", "Yes, this is a girl.", False), ("A cat?", "No, it is a photo of a person.", True),  # terse
    ("Smiling?", "Yes. He is not smiling.", False), ("Smiling?", "No, he is not smiling.", True),
    # an expression asked, a smile answered: the labels pair a smile with happy ("Does this person look
    # cheerful?" got "Yes. He is not smiling.")
    ("Does this person look cheerful?", "Yes. He is not smiling.", False),
    ("Does this person look cheerful?", "No, he is not smiling.", True),
    ("Is he sad?", "Yes, he is smiling.", False), ("Is he sad?", "Yes, he is not smiling.", None),
    ("Does this person have glasses?", "Yes, she is a woman.", None),  # asks about the person
    ("Is this a cat?", "Yes, it is a cat.", None),  # restates no person
    ("Is this a painting?", "Yes, it is a painting of a woman.", None),  # restates the asked subject too
    ("Is this a doctor?", "Yes, she is a doctor.", None),  # a pronoun is no subject
    ("Is this a photo?", "Yes, it is a photo of a woman.", None),  # the photo itself is no other subject
    ("Is this a real person?", "Yes, this is a woman.", None),
    ("Is it sunny?", "Yes, she is smiling.", None),
    ("Is she a senior?", "Yes. She is smiling.", None),  # the answer restates nothing asked
    ("Is this a man?", "This is a woman.", None),  # no yes/no word
])
def test_yes_no_consistency_reads_the_answer_against_its_own_polarity(question, answer, expected):
    from unif2ace.generation.constraints import yes_no_consistent

    assert yes_no_consistent(question, answer) is expected


def test_an_answer_that_contradicts_itself_loses_whatever_its_score():
    """Scripted: the "Yes" answer of rows 0 and 2 scores higher. Row 0's "Yes" answer contradicts itself
    (the judge says False) and its "No" does not: "No" is kept. Row 2's two answers are both judged
    inconsistent: the more likely ("Yes" + its words) is kept with its polarity word turned to "No", so it
    agrees with its own words; row 3's are both unjudged (None): the score, as without the judge."""
    from unif2ace.generation.constraints import choose_yes_no_answers

    vocab, eot = 6, 5
    yes_lp, no_lp = -0.2, -0.9

    def decode(processor, keep):
        force = processor.inner.force
        rows = list(range(4)) if keep is None else keep
        seq = [1, 2 if force == "yes" else 3, 4, eot]  # " Yes"/" No", then the answer's words (4)
        out = [[] for _ in rows]
        c = _logit_for(yes_lp if force == "yes" else no_lp, vocab)
        for step, token in enumerate(seq):
            logits = torch.zeros(len(rows), vocab)
            logits[:, token] = c
            processor(step, logits)
            if token != eot:
                for o in out:
                    o.append(token)
        return out

    judged = {(0, 2): False, (0, 3): True, (2, 2): False, (2, 3): False}
    calls = []

    def consistent(row, tokens):
        calls.append(row)
        return judged.get((row, tokens[1]))

    rows = [True, False, True, True]
    plain = choose_yes_no_answers(decode, _TwoWordTokenizer(), rows, eot)
    judged_answers = choose_yes_no_answers(decode, _TwoWordTokenizer(), rows, eot, consistent=consistent)
    assert [a[1] for a in plain] == [2, 2, 2, 2]  # "Yes" wins every marked row on its score
    assert [a[1] for a in judged_answers] == [3, 2, 3, 2]
    assert judged_answers[2] == [1, 3, 4] and judged_answers[0] == [1, 3, 4]  # the words after it are kept
    assert sorted(set(calls)) == [0, 2, 3]  # only marked rows are judged


def test_ask_uses_the_consistency_judge_by_default(pipe, monkeypatch):
    """Through the pipeline: with a judge that rejects every "Yes" answer, each yes/no answer is "No";
    consistent_yes_no=False ignores the judge."""
    import unif2ace.generation.constraints as constraints

    rng = np.random.default_rng(3)
    images = [Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)) for _ in range(3)]
    questions = ["Is this a man?", "Is she smiling?", "Is this a child?"]
    monkeypatch.setattr(constraints, "yes_no_consistent", lambda q, a: not a.strip().startswith("Yes"))
    judged = pipe.ask(images, questions, align=False, max_new_tokens=6, constrain_yes_no="answer")
    assert all(a.startswith("No") for a in judged), judged
    monkeypatch.setattr(constraints, "yes_no_consistent", lambda q, a: not a.strip().startswith("No"))
    assert all(a.startswith("Yes") for a in pipe.ask(images, questions, align=False, max_new_tokens=6,
                                                      constrain_yes_no="answer"))
    free = pipe.ask(images, questions, align=False, max_new_tokens=6, constrain_yes_no="answer",
                    consistent_yes_no=False)  # the judge that rejects "No" is still installed, and ignored
    monkeypatch.setattr(constraints, "yes_no_consistent", lambda q, a: None)  # a judge without opinion
    neutral = pipe.ask(images, questions, align=False, max_new_tokens=6, constrain_yes_no="answer")
    assert free == neutral and all(a.startswith(("Yes", "No")) for a in free)


def test_a_message_of_several_questions_gets_each_answered_in_turn(pipe):
    """"Is this a woman? Is she smiling?" is asked part by part (after the same earlier turns) and the answers
    are joined; a message of one question, and the other rows of the batch, are answered as before."""
    rng = np.random.default_rng(7)
    images = [Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)) for _ in range(2)]
    kw = dict(align=False, max_new_tokens=6)
    parts = ["Is this a woman?", "is she smiling?"]
    one = pipe.ask(images[:1] * 2, parts, **kw)
    said = " ".join(dict.fromkeys(one))  # the parts' answers, each said once
    assert pipe.ask(images[0], "Is this a woman; is she smiling?", **kw) == [said]
    both = pipe.ask(images, ["Is this a woman? is she smiling?", "How old is this person?"], **kw)
    assert both == [said, pipe.ask(images[1], "How old is this person?", **kw)[0]]
    assert all(a.startswith(("Yes", "No")) for a in one)
    history = [("How old is this person?", "About 30."), ("Is this a woman, and is she smiling?", None)]
    alone = [pipe.converse([images[0]], [[history[0], (q, None)]], **kw)[0] for q in ("Is this a woman?", "is she smiling?")]
    assert pipe.chat(images[0], history, **kw) == " ".join(dict.fromkeys(alone))
    same = pipe.ask(images[0], "Is this a woman? Is this a woman?", **kw)[0]
    assert same == pipe.ask(images[0], "Is this a woman?", **kw)[0]  # one answer said twice is said once

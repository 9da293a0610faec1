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
    on = pipe.ask(images, polar, align=False, max_new_tokens=6, constrain_yes_no="first")
    assert all(a.startswith(("Yes", "No")) for a in on), on
    off = pipe.ask(images, polar, align=False, max_new_tokens=6, constrain_yes_no=False)
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

    got = choose_yes_no_answers(decode, pipe.text_tokenizer, rows, pipe.config.eot_token_id)
    assert asked == [None, [0, 2, 3]]  # the "No" branch decodes the marked rows only
    branches = {}
    for force in ("yes", "no"):  # each branch decoded and scored on its own, on the whole batch
        record = AnswerLogProb(YesNoFirst(pipe.text_tokenizer, rows, force=force), pipe.config.eot_token_id)
        branches[force] = (decode(record), record.total)
    for i, marked in enumerate(rows):
        if marked:
            better = "no" if branches["no"][1][i] > branches["yes"][1][i] else "yes"
            assert got[i] == branches[better][0][i]
            assert pipe.text_tokenizer.decode(got[i]).strip().startswith({"yes": "Yes", "no": "No"}[better])
        else:  # unmarked rows: the free answer
            assert got[i] == decode(None)[i]
    # through the pipeline: the same answers; a bad mode is one line
    answers = pipe.ask(images, questions, align=False, max_new_tokens=6, constrain_yes_no="answer")
    assert answers == [pipe.text_tokenizer.decode(t).strip() for t in got]
    with pytest.raises(ValueError, match="constrain_yes_no must be True, False, 'first' or 'answer'"):
        pipe.ask(images[:1], questions[:1], align=False, constrain_yes_no="maybe")
    with pytest.raises(ValueError, match="force must be"):
        YesNoFirst(pipe.text_tokenizer, rows, force="perhaps")


def test_questions_are_tidied_as_the_training_data_writes_them(pipe):
    from unif2ace.pipeline.pipeline import tidy_question

    assert tidy_question("  how old is  he ") == "How old is he"
    assert tidy_question("Is she?") == "Is she?" and tidy_question("3 people?") == "3 people?"
    assert tidy_question("élan") == "Élan" and tidy_question("") == ""
    rng = np.random.default_rng(4)
    images = [Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)) for _ in range(2)]
    kw = dict(align=False, max_new_tokens=6)
    assert pipe.ask(images, "how old is  this person?", **kw) == pipe.ask(images, "How old is this person?", **kw)
    assert pipe.ask(images, "is this a man", **kw) == pipe.ask(images, "Is this a man", **kw)
    with pytest.raises(InvalidInput, match="question"):
        pipe.ask(images, "   ", **kw)

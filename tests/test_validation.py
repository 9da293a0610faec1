"""The one validation layer: ImageGenerationConfig checks itself and travels as one value (API, CLI,
server), GenerationDefaults reads it from the model folder, the diffusers-style ``pipe(...)``,
``generator=`` and ``save_pretrained``, and the shared text check."""

import dataclasses
import json
import math

import numpy as np
import pytest
import torch

from unif2ace.generation import ImageGenerationConfig
from unif2ace.pipeline import GenerationDefaults, UniF2ace, write_random_model
from unif2ace.validation import InvalidInput, check_text, finite_number, whole_number


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return write_random_model(tmp_path_factory.mktemp("model") / "tiny")


@pytest.fixture(scope="module")
def pipe(model_dir):
    return UniF2ace.from_pretrained(model_dir)


def same_images(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a, b))


@pytest.mark.parametrize("name", ["guidance_scale", "temperature", "gender_contrast", "age_contrast"])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, -0.5, "1.0", None, True])
def test_the_config_refuses_non_finite_negative_or_non_numbers(name, value):
    with pytest.raises(InvalidInput, match=f"^{name} must be"):
        ImageGenerationConfig(**{name: value})


@pytest.mark.parametrize("value", [2.5, 0, -1, math.nan, math.inf, "3", True, 10**6])
def test_steps_must_be_a_whole_number_at_least_one_and_are_never_truncated(value):
    with pytest.raises(InvalidInput, match="^steps must be a whole number"):
        ImageGenerationConfig(steps=value)


def test_the_config_normalises_whole_floats_and_lists_names():
    config = ImageGenerationConfig(steps=4.0, guidance_scale=2, candidates=3.0)
    assert config.steps == 4 and type(config.steps) is int and type(config.guidance_scale) is float
    assert config == ImageGenerationConfig(steps=4, guidance_scale=2.0, candidates=3)  # equal settings, equal values
    with pytest.raises(InvalidInput, match="unknown sampler 'ddim'; use one of maskgit, mdlm"):
        ImageGenerationConfig(sampler="ddim")
    with pytest.raises(InvalidInput, match="unknown schedule 'cos'; use one of cosine, linear, loglinear"):
        ImageGenerationConfig(schedule="cos")
    with pytest.raises(dataclasses.FrozenInstanceError):  # frozen: a config is a value
        config.steps = 5


def test_with_overrides_keeps_none_checks_values_and_names():
    base = ImageGenerationConfig(steps=7, guidance_scale=3.0)
    assert base.with_overrides() is base and base.with_overrides(steps=None, temperature=None) is base
    changed = base.with_overrides(steps=3, guidance_scale=None, age_contrast=1.5)
    assert (changed.steps, changed.guidance_scale, changed.age_contrast) == (3, 3.0, 1.5)
    assert base.steps == 7  # the original is untouched
    with pytest.raises(InvalidInput, match="^guidance_scale must be a finite number"):
        base.with_overrides(guidance_scale=math.nan)
    with pytest.raises(TypeError, match="unknown sampling option gudance_scale; the options are"):
        base.with_overrides(gudance_scale=2.0)


def test_generation_defaults_hold_the_models_config_and_keep_the_file_format(tmp_path, model_dir, pipe):
    raw = json.loads((model_dir / "generation_config.json").read_text())
    defaults = GenerationDefaults.load(model_dir)
    assert isinstance(defaults.sampling, ImageGenerationConfig)
    assert defaults.sampling.steps == raw["steps"] == defaults.steps  # flat attribute access still works
    assert defaults.num_image_tokens == raw["num_image_tokens"] == defaults.sampling.num_tokens
    # an old-style file (only the original keys) still loads, with the old defaults for the rest
    old = {"image_size": 64, "num_image_tokens": 64, "steps": 9, "guidance_scale": 2.5, "temperature": 0.5}
    (tmp_path / "generation_config.json").write_text(json.dumps(old))
    loaded = GenerationDefaults.load(tmp_path)
    assert (loaded.steps, loaded.guidance_scale, loaded.temperature, loaded.candidates) == (9, 2.5, 0.5, 1)
    assert loaded.mirror_views is False  # answers read from the photo alone unless the folder says so
    (tmp_path / "generation_config.json").write_text(json.dumps({**old, "mirror_views": True}))
    assert GenerationDefaults.load(tmp_path).mirror_views is True
    assert UniF2ace(pipe.model, pipe.text_tokenizer, pipe.image_tokenizer, GenerationDefaults.load(tmp_path)).mirror_views
    loaded.save(tmp_path)
    assert GenerationDefaults.load(tmp_path) == loaded and json.loads((tmp_path / "generation_config.json")
                                                                        .read_text())["num_image_tokens"] == 64
    # the training prompts' words: read as a set, kept by a save, and what training_words draws a prompt from
    (tmp_path / "generation_config.json").write_text(json.dumps({**old, "prompt_words": ["A", "man", "smiling"]}))
    worded = GenerationDefaults.load(tmp_path)
    assert worded.prompt_words == {"a", "man", "smiling"} and loaded.prompt_words is None
    worded.save(tmp_path)
    assert GenerationDefaults.load(tmp_path) == worded
    p = UniF2ace(pipe.model, pipe.text_tokenizer, pipe.image_tokenizer, worded)
    assert p.drawn_prompt("a smiling man in a suit, 4k", training_words=True) == "a smiling man"
    assert p.drawn_prompt("a smiling man in a suit, 4k", training_words=False) == "a smiling man in a suit, 4k"
    assert pipe.drawn_prompt("a smiling man in a suit, 4k", training_words=True) == "a smiling man in a suit, 4k"
    for key, bad, says in (("guidance_scale", "NaN", "guidance_scale must be a finite number"),
                           ("steps", 2.5, "steps must be a whole number from 1 to 10000, got 2.5"),
                           ("temperature", "hot", "temperature must be a number"),
                           ("image_size", None, "image_size must be a whole number"),
                           ("mirror_views", "yes", "mirror_views must be true or false, got 'yes'"),
                           ("prompt_words", "a man", "prompt_words must be a list of words")):
        (tmp_path / "generation_config.json").write_text(json.dumps({**old, key: bad}).replace('"NaN"', "NaN"))
        with pytest.raises(InvalidInput, match=f"generation_config.json: {says}") as err:
            GenerationDefaults.load(tmp_path)
        assert "\n" not in str(err.value)
    (tmp_path / "generation_config.json").write_text("[1, 2]")
    with pytest.raises(InvalidInput, match="must hold a JSON object"):
        GenerationDefaults.load(tmp_path)


def test_one_config_drives_generate_and_the_keywords_are_overrides(pipe):
    config = pipe.sampling_config(steps=2, guidance_scale=1.5)
    assert config.num_tokens == pipe.generation.num_image_tokens and config.steps == 2
    assert config.temperature == pipe.generation.temperature  # unset options are the model's
    a = pipe.generate(["an old man", "a girl"], 1, config, seed=3)
    b = pipe.generate(["an old man", "a girl"], seed=3, steps=2, guidance_scale=1.5)
    c = pipe.generate(["an old man", "a girl"], 1, config.with_overrides(steps=3), seed=3)
    assert same_images(a, b) and not same_images(a, c)
    # a config built from scratch gets the model's token count
    d = pipe.generate(["an old man", "a girl"], 1, ImageGenerationConfig(steps=2, guidance_scale=1.5,
                                                                        temperature=pipe.generation.temperature),
                      seed=3)
    assert same_images(a, d)


def test_diffusers_style_call_and_generator(pipe):
    out = pipe("an old man", num_inference_steps=2, guidance_scale=1.5, num_images_per_prompt=2,
               generator=torch.Generator().manual_seed(5))
    assert len(out.images) == 2
    assert same_images(out.images, pipe.generate("an old man", 2, seed=5, steps=2, guidance_scale=1.5))
    assert same_images(pipe.generate("an old man", steps=2, generator=torch.Generator().manual_seed(5)),
                       pipe.generate("an old man", steps=2, seed=5))
    with pytest.raises(InvalidInput, match="seed or generator, not both"):
        pipe("a man", generator=torch.Generator(), seed=1)
    with pytest.raises(InvalidInput, match="^seed must be a whole number"):
        pipe.generate("a man", seed=-1)
    with pytest.raises(InvalidInput, match="^steps must be a whole number from 1 to 10000, got 2.5"):
        pipe("a man", num_inference_steps=2.5)


@pytest.mark.parametrize("prompt, says", [("", "the prompt is empty"), ("   \n", "the prompt is only blank space"),
                                          ("a\x00man", "NUL"), ("a \ud800 man", "unpaired surrogate"),
                                          ("word " * 30_000, "at most")])
def test_bad_prompts_fail_before_any_work(pipe, prompt, says):
    with pytest.raises(InvalidInput, match=says) as err:
        pipe.generate(prompt, steps=1)
    assert "\n" not in str(err.value)


def test_empty_is_only_valid_as_a_negative_prompt(pipe):
    assert len(pipe.generate("a man", steps=1, seed=0, guidance_scale=1.0, negative_prompt="")) == 1
    with pytest.raises(InvalidInput, match="the negative prompt contains a NUL"):
        pipe.generate("a man", steps=1, negative_prompt="\x00")


def test_questions_are_checked_and_limited_by_the_context(pipe):
    photo = pipe.generate("a man", steps=1, seed=0)[0]
    with pytest.raises(InvalidInput, match="the question is empty"):
        pipe.ask([photo], [""], align=False)
    with pytest.raises(InvalidInput, match=r"the question is \d+ tokens long; this model reads at most \d+"):
        pipe.ask([photo], ["why " * 25_000], align=False, max_new_tokens=1)
    with pytest.raises(InvalidInput, match="unpaired surrogate"):
        pipe.ask([photo], ["is it \udc80?"], align=False, max_new_tokens=1)


def test_a_long_chat_keeps_its_latest_turns(pipe):
    """A conversation longer than the context leaves out its oldest turns instead of failing: the reply
    is the reply to the latest turns that fit; a last question too long alone is still an error."""
    photo = pipe.generate("a man", steps=1, seed=0)[0]
    limit = pipe.config.max_position_embeddings - pipe.generation.num_image_tokens - 4
    turn = ("Please describe this person in detail for me? " * 3, "The person is a man with a calm face. " * 3)
    size = len(pipe.prompter.tokenizer.encode(turn[0] + turn[1]))
    turns = [turn] * (2 * limit // size + 2) + [("Is he smiling?", None)]
    assert sum(len(ids) for ids, _ in pipe.prompter.chat_segments(turns)) > limit
    kept = pipe._recent_turns(turns, limit)
    assert 1 < len(kept) < len(turns) and kept[-1] == turns[-1]
    assert sum(len(ids) for ids, _ in pipe.prompter.chat_segments(kept)) <= limit
    assert sum(len(ids) for ids, _ in pipe.prompter.chat_segments(turns[-len(kept) - 1:])) > limit  # no more fit
    kw = {"align": False, "max_new_tokens": 4}
    assert pipe.converse([photo], [turns], **kw) == pipe.converse([photo], [kept], **kw)
    with pytest.raises(InvalidInput, match=r"the question is \d+ tokens long; this model reads at most \d+"):
        pipe.converse([photo], [turns[:2] + [("why " * 25_000, None)]], **kw)


def test_save_pretrained_round_trips(pipe, tmp_path):
    folder = pipe.save_pretrained(tmp_path / "copy")
    again = UniF2ace.from_pretrained(folder)
    assert again.generation == pipe.generation
    assert same_images(again.generate("a smiling woman", steps=2, seed=1), pipe.generate("a smiling woman", steps=2,
                                                                                          seed=1))


def test_shared_checks_name_the_value():
    assert whole_number("12", "n", parse=True) == 12 and whole_number(3.0, "n") == 3
    assert finite_number("0.5", "w", parse=True) == 0.5
    for bad in ("12", "nan", "2.5"):
        with pytest.raises(InvalidInput):
            whole_number(bad, "n", parse=bad != "12")
    with pytest.raises(InvalidInput, match="^n must be a whole number from 1 to 8, got 9"):
        whole_number(9, "n", maximum=8)
    assert check_text("héllo 👋 שלום \u200b", "prompt")  # RTL, zero-width and emoji are ordinary text
    with pytest.raises(InvalidInput, match="the prompt must be text, got bytes"):
        check_text(b"a man", "prompt")

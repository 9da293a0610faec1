"""The trainer: recipes and overrides, the data pipeline, a run folder, exact resume, the model folder.

A synthetic FaceStore (captions, QA, attributes, random 4×4 codes over 64 codes) stands in for the
real dataset, so these tests need neither ../shared nor trained tokenizers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from unif2ace.data.records import FaceRecord, Label, QATurn
from unif2ace.data.store import FaceStore
from unif2ace.training.config import apply_overrides, from_dict, load_recipe

N_CODES, N_TOKENS = 64, 16


def make_store(folder, n: int = 24, seed: int = 0) -> FaceStore:
    from PIL import Image

    rng = np.random.default_rng(seed)
    images = Path(folder) / "images"
    images.mkdir(parents=True)
    store = FaceStore.create(folder, {"source": "synthetic", "root": str(images)})
    recs = []
    for i in range(n):
        gender = ["female", "male"][i % 2]
        group = ["child", "young adult", "senior"][i % 3]
        smile = bool(i % 4 < 2)
        noun = {"female": "woman", "male": "man"}[gender]
        caption = f"A {'smiling' if smile else 'serious'} {group} {noun} faces the camera."
        qa = [QATurn("Is this person smiling?", "Yes." if smile else "No.", "yes/no"),
              QATurn("Which age group?", group.capitalize() + ".", "which"),
              QATurn("Describe this face in detail.", caption, "describe")]
        attrs = {"gender": Label(gender), "age_group": Label(group), "smile": Label(smile, 0.9, "landmarks"),
                 "head_pose": Label("turned left", 0.9, "landmarks")}
        Image.fromarray(rng.integers(0, 255, (20, 24, 3), dtype=np.uint8)).save(images / f"r{i:03d}.png")
        recs.append(FaceRecord(id=f"r{i:03d}", image=f"r{i:03d}.png", caption=caption, qa=qa, attributes=attrs,
                               source="synthetic", meta={"stated": ["gender", "age_group", "smile", "head_pose"]}))
    store.append(recs)
    store.write_splits((0.75, 0.25, 0.0), seed=0)
    ids = sorted(r.id for r in recs)
    codes = torch.from_numpy(rng.integers(0, N_CODES, (n, N_TOKENS)))
    meta = {"codebook_size": str(N_CODES), "num_tokens": str(N_TOKENS), "resolution": "32", "tokenizer": "synthetic"}
    store.write_shard("codes", "synth", ids[: n // 2], codes[: n // 2], meta=meta)
    store.write_shard("codes", "synth", ids[n // 2:], codes[n // 2:], meta=meta)
    return store


def tiny_recipe(tmp_path, **extra) -> dict:
    doc = {
        "out": str(tmp_path / "run"), "steps": 4, "batch_size": 4, "mmu_fraction": 0.5, "seed": 0,
        "precision": "fp32", "log_every": 1, "eval_every": 2, "eval_examples": 4, "sample_every": 0,
        "ckpt_every": 2, "keep_last": 2, "sample_photos": 2,
        "model": {"preset": "tiny", "overrides": {"num_layers": 2, "hidden_size": 64, "num_heads": 2,
                                                  "intermediate_size": 128, "max_text_len": 32,
                                                  "max_position_embeddings": 128}},
        "data": {"dataset": str(tmp_path / "data"), "codes": "synth", "text_tokenizer": "bpe-1024",
                 "max_answer_tokens": 24},
        "optim": {"lr": 3e-3, "warmup_steps": 1},
    }
    return apply_overrides(doc, [f"{k}={v}" for k, v in extra.items()])


@pytest.fixture
def data(tmp_path):
    return make_store(tmp_path / "data")


def test_recipe_overrides_and_unknown_keys(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("steps: 3\noptim:\n  lr: 0.01\n")
    cfg = load_recipe(path, ["optim.lr=2e-3", "model.overrides.num_layers=2", "ema=0.99"])
    assert cfg.steps == 3 and cfg.optim.lr == 2e-3 and cfg.model.overrides == {"num_layers": 2} and cfg.ema == 0.99
    with pytest.raises(ValueError, match="unknown recipe keys"):
        from_dict({"stpes": 3})
    with pytest.raises(ValueError, match="section 'optim'"):
        from_dict({"optim": {"learning_rate": 1}})


# ---------------------------------------------------------------------------------------- data
def _data(store, split="train", grey_name=None, **data_overrides):
    from unif2ace.config import ModelConfig
    from unif2ace.text import load_text_tokenizer
    from unif2ace.training.data import FaceTrainData

    cfg = from_dict({"data": {"codes": "synth", "max_answer_tokens": 24, "grey_codes": grey_name, **data_overrides}})
    mc = ModelConfig.from_name("tiny", codebook_size=N_CODES, max_text_len=32)
    return FaceTrainData(store, split, "synth", load_text_tokenizer("bpe-1024"), mc, cfg.data, cfg.objective,
                         seed=0, grey_name=grey_name), mc


def test_attribute_prompts_state_only_stated_attributes(data):
    from unif2ace.training.data import attribute_prompt

    rec = next(iter(data))
    rec.meta["stated"] = ["gender", "age_group"]
    texts = {attribute_prompt(rec, np.random.default_rng(s)) for s in range(20)}
    assert texts <= {"a girl", "a boy", "a young woman", "a young man", "an old woman", "an old man"}
    rec.meta["stated"] = ["gender", "age_group", "smile", "head_pose"]
    texts = [attribute_prompt(rec, np.random.default_rng(s)) for s in range(40)]
    assert any("head turned left" in t for t in texts) and len(set(texts)) > 3


def test_prompt_frames_wrap_that_share_of_attribute_prompts_and_leave_the_rest(data):
    """data.prompt_frames = 1 frames every attribute prompt ("A photo of a young woman, smiling.") and no
    caption; 0 (the default) leaves the row stream exactly as before the option existed."""
    import re

    from unif2ace.training.data import PROMPT_FRAMES

    patterns = [re.compile("^" + re.escape(f).replace(re.escape("{}"), "(.+)") + "$", re.I) for f in PROMPT_FRAMES]
    plain, _ = _data(data, attribute_prompts=1.0)
    framed, _ = _data(data, attribute_prompts=1.0, prompt_frames=1.0)
    tok = plain.tokenizer
    seen = set()
    for k in range(40):
        before, after = tok.decode(plain.t2i_example(k)[0]), tok.decode(framed.t2i_example(k)[0])
        inner = [m.group(1) for p in patterns if (m := p.match(after))]
        assert inner, after
        assert not re.match(r"^(?:a|an) ", after), after  # a frame, not the bare prompt
        seen.add(next(p.pattern for p in patterns if p.match(after)))
        assert before[0].islower() and re.match(r"^(?:a|an) ", before)  # unframed: "a young woman, …"
    assert len(seen) >= 6  # the frames vary
    same, _ = _data(data, attribute_prompts=1.0, prompt_frames=0.0)
    assert [tok.decode(same.t2i_example(k)[0]) for k in range(10)] == [
        tok.decode(plain.t2i_example(k)[0]) for k in range(10)]
    captions = [_data(data, attribute_prompts=0.0, prompt_frames=f)[0] for f in (0.0, 1.0)]
    assert [tok.decode(captions[0].t2i_example(k)[0]) for k in range(10)] == [
        tok.decode(captions[1].t2i_example(k)[0]) for k in range(10)]  # captions are never framed


@pytest.mark.parametrize("stream, other", [("t2i", "mmu"), ("mmu", "t2i")])
def test_cell_weights_draw_photos_of_a_cell_at_its_weight_and_leave_other_streams_alone(tmp_path, stream, other):
    """data.t2i_cell_weights / data.mmu_cell_weights: a cell of weight w is drawn w times as often per photo as a
    cell of weight 1 (the count over many epochs against the binomial expectation), weight 0 never; the other
    stream and the default (no weights: each photo once per epoch) are as before; a resumed run draws the same
    photos."""
    from unif2ace.training.data import stated_attributes

    store = make_store(tmp_path / "big", n=90)
    plain, _ = _data(store)
    n = len(plain)
    assert sorted(plain.index(stream, k) for k in range(n)) == list(range(n))  # one permutation per epoch
    weights = {"female senior": 4, "male child": 0}
    heavy, _ = _data(store, **{f"{stream}_cell_weights": weights})
    cells = [(stated_attributes(r)["gender"], stated_attributes(r)["age_group"]) for r in heavy.records]
    draws = 60 * n
    seen = [cells[heavy.index(stream, k)] for k in range(draws)]
    w = np.array([{("female", "senior"): 4, ("male", "child"): 0}.get(c, 1) for c in cells], dtype=float)
    expected = draws * w[[c == ("female", "senior") for c in cells]].sum() / w.sum()
    got = sum(c == ("female", "senior") for c in seen)
    assert abs(got - expected) < 4 * np.sqrt(expected), (got, expected)  # ~4 sigma of a binomial
    assert ("male", "child") in cells and ("male", "child") not in seen
    assert [heavy.index(other, k) for k in range(2 * n)] == [plain.index(other, k) for k in range(2 * n)]
    again, _ = _data(store, **{f"{stream}_cell_weights": weights})
    tail = range(draws - 5, draws)
    assert [again.index(stream, k) for k in tail] == [heavy.index(stream, k) for k in tail]


@pytest.mark.parametrize("stream", ["t2i", "mmu"])
@pytest.mark.parametrize("weights, match", [({"woman senior": 2}, "is not '<gender> <age group>'"),
                                            ({"female elderly": 2}, "is not '<gender> <age group>'"),
                                            ({"female senior": -1}, "must be a number ≥ 0"),
                                            ({"female senior": "lots"}, "must be a number ≥ 0")])
def test_a_bad_cell_weight_is_a_one_line_error_naming_its_key(weights, match, stream):
    with pytest.raises(ValueError, match=f"^data.{stream}_cell_weights: .*{match}"):
        from_dict({"data": {f"{stream}_cell_weights": weights}})


@pytest.mark.parametrize("stream", ["t2i", "mmu"])
def test_cell_weights_of_zero_everywhere_is_a_one_line_error(data, stream):
    with pytest.raises(ValueError, match=f"data.{stream}_cell_weights gives every training photo weight 0"):
        _data(data, **{f"{stream}_cell_weights": {f"{g} {a}": 0 for g in ("female", "male")
                                                   for a in ("child", "young adult", "senior")}})


def test_black_and_white_caption_replaces_the_colour_word_or_adds_one():
    from unif2ace.training.data import BW_ADJECTIVES, black_and_white_caption

    for seed in range(8):
        rng = np.random.default_rng(seed)
        out = black_and_white_caption("A smiling woman. It is a full-color, well-focused photo with even lighting.",
                                      rng)
        assert "color" not in out and out.startswith("A smiling woman. It is a ")
        assert any(f"a {w}, well-focused photo with even lighting." in out for w in BW_ADJECTIVES)
        out = black_and_white_caption("This is a color picture, taken in even lighting.", rng)
        assert any(out == f"This is a {w} picture, taken in even lighting." for w in BW_ADJECTIVES)
        # a caption without a colour word (and a word that merely contains "color") gains a closing sentence
        out = black_and_white_caption("A discolored old photo of a man.", rng)
        assert out.startswith("A discolored old photo of a man. It is a ") and out.count("color") == 1


def test_grey_codes_pair_with_black_and_white_prompts_for_their_share_of_t2i_rows(data):
    import re

    from unif2ace.training.config import from_dict

    ids = sorted(data.ids())
    meta = {"codebook_size": str(N_CODES), "num_tokens": str(N_TOKENS), "resolution": "32", "tokenizer": "synthetic"}
    grey = torch.full((len(ids), N_TOKENS), N_CODES - 1)  # a marker: no plain code row is constant
    data.write_shard("codes", "synth-grey", ids, grey, meta=meta)
    plain, _ = _data(data)
    d, _ = _data(data, grey_name="synth-grey", grey_fraction=0.3, attribute_prompts=0.5)
    bw = re.compile(r"black|monochrome|gr[ae]yscale")
    n_grey = 0
    for k in range(400):
        ids_, codes = d.t2i_example(k)
        text = d.tokenizer.decode(ids_)
        is_grey = bool((codes == N_CODES - 1).all())
        n_grey += is_grey
        assert is_grey == bool(bw.search(text)), text  # grey codes exactly when the text says black and white
        if not is_grey:
            assert torch.equal(codes, plain.codes[d.index("t2i", k)])
    assert 0.24 < n_grey / 400 < 0.36
    # a recipe without grey codes draws the same rows as before the option existed
    assert [plain.t2i_example(k)[0] for k in range(20)] == [
        _data(data, grey_fraction=0.0)[0].t2i_example(k)[0] for k in range(20)]
    with pytest.raises(ValueError, match="needs data.grey_codes"):
        from_dict({"data": {"codes": "synth", "grey_fraction": 0.2}})
    with pytest.raises(ValueError, match=r"grey_fraction must lie in \[0, 1\]"):
        from_dict({"data": {"codes": "synth", "grey_codes": "synth-grey", "grey_fraction": 1.5}})


def test_mmu_rows_put_loss_on_answers_only(data):
    from unif2ace.sequences import IGNORE

    d, mc = _data(data)
    batch, _ = d.mmu_rows(list(range(6)))
    eot = mc.eot_token_id
    for i in range(6):
        _, turns = d.mmu_conversation(i)
        labelled = batch.labels[i][batch.labels[i] != IGNORE].tolist()
        expected = []
        for _, answer in turns:
            expected += d.tokenizer.encode(" " + answer)[:23] + [eot]
        assert labelled == expected
        assert not batch.image_mask[i][batch.labels[i] != IGNORE].any()


def test_batches_do_not_depend_on_how_the_work_is_split(data):
    from unif2ace.training.data import BatchPlan, global_step_batches

    d, _ = _data(data)
    plan = BatchPlan.make(8, 2, 0.5, 0.0)
    pos = {"t2i": 5, "mmu": 3, "lm": 0}
    whole = global_step_batches(d, plan, pos, 7, 0, [0, 1, 2, 3])
    parts = global_step_batches(d, plan, pos, 7, 0, [2]) + global_step_batches(d, plan, pos, 7, 0, [3])
    for a, b in zip(whole[2:], parts):
        assert a.t2i.prompts == b.t2i.prompts
        for f in ("codes", "noisy", "masked", "u", "drop"):
            assert torch.equal(getattr(a.t2i, f), getattr(b.t2i, f))
        assert torch.equal(a.mmu.input_ids, b.mmu.input_ids) and torch.equal(a.mmu.labels, b.mmu.labels)
    # epochs are permutations: one pass over the stream sees every training record once
    seen = sorted(d.index("t2i", k) for k in range(len(d)))
    assert seen == list(range(len(d)))


def test_tokenizer_that_does_not_fit_the_model_is_a_one_line_error(tmp_path, data):
    from unif2ace.training.trainer import Trainer

    cfg = from_dict(tiny_recipe(tmp_path, **{"data.text_tokenizer": "bpe"}))
    with pytest.raises(ValueError, match="does not fit model") as err:
        Trainer(cfg)
    assert "\n" not in str(err.value)


def test_encode_codes_is_resumable(tmp_path, data):
    from unif2ace.image_tokenizer import ImageTokenizer, ImageTokenizerConfig
    from unif2ace.training.codes import codes_meta, precompute_codes

    torch.manual_seed(0)
    tok = ImageTokenizer(ImageTokenizerConfig.from_name("tiny", resolution=16)).eval()
    assert precompute_codes(data, tok, "tiny", batch_size=5, shard_size=10, limit=7, progress=False) == 7
    assert precompute_codes(data, tok, "tiny", batch_size=5, shard_size=10, progress=False) == 24 - 7
    assert precompute_codes(data, tok, "tiny", progress=False) == 0
    ids, codes = data.read_shards("codes", "tiny")
    assert len(ids) == 24 and codes.shape == (24, 16) and codes.dtype == torch.int64
    assert codes_meta(data, "tiny") == {"codebook_size": 64, "num_tokens": 16, "resolution": 16, "tokenizer": "tiny"}


def test_encode_codes_adds_flip_and_grey_variants_to_a_dataset_that_has_plain_codes(tmp_path, data):
    from PIL import Image

    from unif2ace.image_tokenizer import ImageTokenizer, ImageTokenizerConfig
    from unif2ace.training.codes import _load, greyscale, precompute_codes

    torch.manual_seed(0)
    tok = ImageTokenizer(ImageTokenizerConfig.from_name("tiny", resolution=16)).eval()
    assert precompute_codes(data, tok, "tiny", batch_size=5, shard_size=10, limit=7, progress=False) == 7
    plain_before = data.read_shards("codes", "tiny")
    # the variants are encoded for every record; the plain codes only for the 17 records that lack them
    assert precompute_codes(data, tok, "tiny", batch_size=5, shard_size=10, flip=True, grey=True,
                            progress=False) == 24
    ids, plain = data.read_shards("codes", "tiny")
    assert len(ids) == len(set(ids)) == 24
    assert torch.equal(plain[:7], plain_before[1]) and ids[:7] == plain_before[0]
    assert precompute_codes(data, tok, "tiny", flip=True, grey=True, progress=False) == 0
    records = list(data)
    images = torch.from_numpy(np.stack([_load(r, data.image_root(), 16) for r in records])).permute(0, 3, 1, 2) / 255
    with torch.no_grad():
        for suffix, variant in [("-flip", images.flip(-1)), ("-grey", greyscale(images))]:
            got = data.read_shards("codes", "tiny" + suffix, [r.id for r in records])[1]
            assert torch.equal(got, tok.encode(variant).long()), suffix
    # greyscale is luma in every channel: PIL's "L" conversion (ITU-R 601-2) as the reference
    rgb = np.random.default_rng(1).integers(0, 256, (9, 11, 3), dtype=np.uint8)
    ours = greyscale(torch.from_numpy(rgb).permute(2, 0, 1)[None].double() / 255)[0]
    pil = np.asarray(Image.fromarray(rgb).convert("L"), dtype=np.float64) / 255
    assert torch.equal(ours[0], ours[1]) and torch.equal(ours[1], ours[2])
    assert np.abs(ours[0].numpy() - pil).max() <= 1 / 255


# ---------------------------------------------------------------------------------------- runs
def test_run_folder_checkpoints_and_model_folder(tmp_path, data):
    from unif2ace.checkpoint import load_pretrained
    from unif2ace.image_tokenizer import ImageTokenizer, ImageTokenizerConfig
    from unif2ace.text import load_text_tokenizer
    from unif2ace.training.trainer import train

    ImageTokenizer(ImageTokenizerConfig.from_name("tiny", resolution=16)).save_pretrained(tmp_path / "itok")
    cfg = from_dict(tiny_recipe(tmp_path, sample_every=4, **{"data.image_tokenizer": str(tmp_path / "itok")}))
    run = train(cfg)
    names = sorted(p.name for p in (run / "checkpoints").iterdir())
    assert names == ["latest", "step-000002", "step-000004"]
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows if "loss" in r] == [1, 2, 3, 4]
    assert {"val/loss", "val/t2i/loss", "val/mmu/ce"} <= set(rows[-1])
    assert (run / "samples" / "step-000004.png").is_file()
    captions = json.loads((run / "samples" / "step-000004.json").read_text())["captions"]
    assert len(captions) == 2 and all("generated" in c for c in captions)
    model = run / "model"
    gen = json.loads((model / "generation_config.json").read_text())
    assert gen["num_image_tokens"] == 16 and gen["image_size"] == 16 and gen["steps"] == 18
    m = load_pretrained(model)
    assert m.config.codebook_size == N_CODES and m.config.num_layers == 2
    assert load_text_tokenizer(model / "text_tokenizer").vocab_size == m.config.text_vocab_size
    assert ImageTokenizer.from_pretrained(model / "image_tokenizer").config.codebook_size == N_CODES
    final = load_file(str(run / "checkpoints" / "step-000004" / "model.safetensors"))
    assert all(torch.equal(final[k], v) for k, v in m.state_dict().items())
    with pytest.raises(ValueError, match="--resume"):
        train(cfg)


def test_killed_run_resumes_exactly(tmp_path, data):
    from unif2ace.training.trainer import train

    whole = train(from_dict(tiny_recipe(tmp_path / "a", **{"data.dataset": str(tmp_path / "data"), "ema": 0.9})))
    part = from_dict(tiny_recipe(tmp_path / "b", **{"data.dataset": str(tmp_path / "data"), "ema": 0.9}))
    train(part, stop_at=2)  # the 'kill': the process ends right after the step-2 checkpoint
    assert not (tmp_path / "b" / "run" / "model").exists()
    torn = tmp_path / "b" / "run" / "checkpoints" / ".tmp-step-000003"  # a kill while writing the next one
    torn.mkdir()
    (torn / "model.safetensors").write_bytes(b"partial")
    resumed = train(part, resume=True)
    assert not torn.exists()
    for name in ("model.safetensors", "ema.safetensors"):
        a = load_file(str(whole / "checkpoints" / "step-000004" / name))
        b = load_file(str(resumed / "checkpoints" / "step-000004" / name))
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a), name
    la = [json.loads(x) for x in (whole / "metrics.jsonl").read_text().splitlines()]
    lb = [json.loads(x) for x in (resumed / "metrics.jsonl").read_text().splitlines()]
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("time", "tokens_per_s")} for r in rows]  # noqa: E731
    assert strip(la) == strip(lb)


def test_prefetched_batches_give_the_same_run(tmp_path, data):
    """Building step k+1's batches in a thread (the default on GPUs) changes nothing, also across a
    kill and resume: the stopped run's pending batches are dropped, the resumed one rebuilds them."""
    from unif2ace.training.trainer import train

    plain = train(from_dict(tiny_recipe(tmp_path / "a", **{"data.dataset": str(tmp_path / "data"),
                                                           "prefetch": False})))
    part = from_dict(tiny_recipe(tmp_path / "b", **{"data.dataset": str(tmp_path / "data"), "prefetch": True}))
    train(part, stop_at=3)
    fetched = train(part, resume=True)
    a, b = (load_file(str(r / "model" / "model.safetensors")) for r in (plain, fetched))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_export_best_exports_the_evaluation_with_the_lowest_held_out_loss(tmp_path, data):
    from unif2ace.training.trainer import train

    run = train(from_dict(tiny_recipe(tmp_path, steps=30, eval_every=3, ckpt_every=3, keep_last=10,
                                      export_best=True, **{"optim.lr": 1e-2, "optim.min_lr_ratio": 1.0, "mmu_fraction": 0.0})))
    vals = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    vals = [r for r in vals if "val/mmu/ce" in r]
    best = min(vals, key=lambda r: r["val/t2i/mask_ce"] + r["val/mmu/ce"])["step"]
    exported = load_file(str(run / "model" / "model.safetensors"))
    at_best = load_file(str(run / "checkpoints" / f"step-{best:06d}" / "model.safetensors"))
    assert exported.keys() == at_best.keys() and all(torch.equal(exported[k], at_best[k]) for k in exported)
    assert best != 30, "the test needs a run whose last evaluation is not its best (raise optim.lr)"


# ---------------------------------------------------------------------------------------- 2 processes
TORCHRUN_SCRIPT = """
import sys
from unif2ace.training.config import load_recipe
from unif2ace.training.distributed import teardown
from unif2ace.training.trainer import Trainer
for recipe in sys.argv[1:]:
    Trainer(load_recipe(recipe)).train()
teardown()
"""


def test_two_processes_match_one_process_ddp_and_fsdp(tmp_path, data):
    """The same global batch (4 rows as 2 micro-batches): 1 process accumulating vs 2 gloo processes,
    with DDP and with FSDP2 (one torchrun launch for both, to keep the test short)."""
    import yaml

    from unif2ace.training.trainer import train

    one = train(from_dict(tiny_recipe(tmp_path, out=str(tmp_path / "one"), micro_batch_size=2)))
    recipes = []
    for parallel in ("ddp", "fsdp"):
        recipes.append(tmp_path / f"{parallel}.yaml")
        recipes[-1].write_text(yaml.safe_dump(tiny_recipe(tmp_path, out=str(tmp_path / parallel), micro_batch_size=2,
                                                          threads=1, parallel=parallel, sample_every=4)))
    (tmp_path / "run2.py").write_text(TORCHRUN_SCRIPT)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
                           str(tmp_path / "run2.py"), *map(str, recipes)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]

    def read(run):
        rows = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
        return rows, load_file(str(run / "model" / "model.safetensors"))

    ref_rows, ref_weights = read(one)
    for parallel in ("ddp", "fsdp"):
        rows, weights = read(tmp_path / parallel)
        assert [r["step"] for r in rows] == [r["step"] for r in ref_rows]
        for ra, rb in zip(ref_rows, rows):
            for k in ("loss", "t2i/loss", "mmu/ce", "val/loss"):
                if k in ra:
                    assert rb[k] == pytest.approx(ra[k], rel=1e-4, abs=1e-5), (parallel, ra["step"], k)
        assert weights.keys() == ref_weights.keys()
        samples = json.loads((tmp_path / parallel / "samples" / "step-000004.json").read_text())
        assert len(samples["codes"]) == 8 and len(samples["captions"]) == 2
        for k in weights:  # Adam turns summation-order noise in near-zero gradients into ~lr-sized steps
            torch.testing.assert_close(weights[k], ref_weights[k], rtol=1e-3, atol=1e-3, msg=f"{parallel} {k}")


def test_start_from_a_dense_folder_by_upcycling(tmp_path, data):
    from unif2ace.checkpoint import save_pretrained
    from unif2ace.config import ModelConfig
    from unif2ace.model import UniF2aceModel
    from unif2ace.training.trainer import Trainer

    doc = tiny_recipe(tmp_path)
    dense_cfg = ModelConfig.from_name("tiny", codebook_size=N_CODES, token_moe=None, sequence_moe=None,
                                      **doc["model"]["overrides"])
    torch.manual_seed(1)
    dense = UniF2aceModel(dense_cfg)
    save_pretrained(dense, tmp_path / "dense")
    cfg = from_dict(apply_overrides(doc, [f"model.init={tmp_path / 'dense'}"]))
    with pytest.raises(ValueError, match="missing keys"):
        Trainer(cfg)  # our own format: missing MoE weights are an error unless upcycling is asked for
    trainer = Trainer(from_dict(apply_overrides(doc, [f"model.init={tmp_path / 'dense'}", "model.upcycle=true",
                                                      f"out={tmp_path / 'run2'}"])))
    assert torch.equal(trainer.model.layers[1].mlp.fc1.weight, dense.layers[1].mlp.fc1.weight)
    assert trainer.model.layers[0].token_moe is not None


def test_gradient_checkpointing_gives_the_same_step(tmp_path, data):
    from unif2ace.training.trainer import train

    a = train(from_dict(tiny_recipe(tmp_path, out=str(tmp_path / "a"), steps=2, eval_every=0)))
    b = train(from_dict(tiny_recipe(tmp_path, out=str(tmp_path / "b"), steps=2, eval_every=0,
                                    gradient_checkpointing=True)))
    wa, wb = (load_file(str(r / "model" / "model.safetensors")) for r in (a, b))
    for k in wa:
        torch.testing.assert_close(wb[k], wa[k], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("group", ["und", "gen"])
def test_training_one_group_only_leaves_every_other_weight_as_loaded(tmp_path, data, group):
    """model.trainable: und (gen) on a mix of both kinds of rows, with weight decay: the weights only that group
    reads move; every other weight, and the other group's rows of the shared-out expert tensors, are bitwise the
    init model's, so the other group computes exactly what the init model computes (tests/test_export.py)."""
    from unif2ace.checkpoint import load_pretrained
    from unif2ace.training.export import group_only_weights
    from unif2ace.training.trainer import train

    ids = sorted(data.ids())
    data.write_shard("features", "sem-8", ids, torch.randn(len(ids), 8))
    data.write_shard("features", "id-4", ids, torch.randn(len(ids), 4))
    feats = {"data.features": {"semantic": "sem-8", "identity": "id-4"}}
    first = train(from_dict(tiny_recipe(tmp_path, out=str(tmp_path / "a"), steps=2, eval_every=0, **feats,
                                        **{"model.reset_routers": "{und: -1.0, gen: -1.0}"})))  # use the features
    before = load_file(str(first / "model" / "model.safetensors"))
    run = train(from_dict(tiny_recipe(tmp_path, out=str(tmp_path / "b"), steps=3, eval_every=0, ckpt_every=3,
                                      **feats, **{"model.preset": "init", "model.init": str(first / "model"),
                                                  "model.trainable": group, "optim.weight_decay": 0.5})))
    after = load_file(str(run / "model" / "model.safetensors"))
    owned = group_only_weights(load_pretrained(first / "model").config, group, after)
    still = []
    for key, v in after.items():
        if key not in owned:
            assert torch.equal(v, before[key]), key
            continue
        mine = torch.zeros(v.shape[0], dtype=torch.bool)
        mine[owned[key] if owned[key] is not None else slice(None)] = True
        assert torch.equal(v[~mine], before[key][~mine]), key
        if torch.equal(v[mine], before[key][mine]):
            still.append(key)
    assert any(".token_moe.w1" in k for k in owned) and not still, still


def test_a_bad_trainable_value_is_a_one_line_error(tmp_path):
    with pytest.raises(ValueError, match="'all', 'und' or 'gen'"):
        from_dict(tiny_recipe(tmp_path, **{"model.trainable": "experts"}))
    with pytest.raises(ValueError, match="parallel: ddp"):
        from_dict(tiny_recipe(tmp_path, parallel="fsdp", **{"model.trainable": "und"}))


@pytest.mark.parametrize("native", [True, False])
def test_bf16_on_a_cpu_that_emulates_it_is_warned_about(tmp_path, data, capsys, monkeypatch, native):
    """bf16 autocast ran ~25x slower than float32 on an AVX2-only CPU (a CPU stage took 86 s a step instead of 3 s,
    and `encode-codes --bf16` 2.1 s an image instead of 0.04 s) with no word why: a one-line warning says what to do."""
    import unif2ace.pipeline.loading as loading
    from unif2ace.training.trainer import Trainer

    monkeypatch.setattr(loading, "_cpu_has_native_bf16", lambda: native)
    Trainer(from_dict(tiny_recipe(tmp_path, precision="bf16", device="cpu")))
    Trainer(from_dict(tiny_recipe(tmp_path, out=str(tmp_path / "b"), precision="fp32", device="cpu")))
    err = capsys.readouterr().err
    assert (err.count("without native bf16") == 1 and "set precision=fp32" in err) != native
    assert loading.emulated_bf16_warning("cpu", "--bf16", "drop --bf16") == (None if native else
        "warning: --bf16 on a CPU without native bf16 (no AVX512-BF16/AMX) runs many times slower than float32 "
        "here; drop --bf16")


def test_encoder_features_feed_the_sequence_experts(tmp_path, data):
    from unif2ace.training.trainer import Trainer

    ids = sorted(data.ids())
    data.write_shard("features", "sem-8", ids, torch.randn(len(ids), 8))
    data.write_shard("features", "id-4", ids, torch.randn(len(ids), 4))
    cfg = from_dict(tiny_recipe(tmp_path, steps=2, eval_every=2,
                                **{"data.features": {"semantic": "sem-8", "identity": "id-4"}}))
    trainer = Trainer(cfg)
    sm = trainer.model_config.sequence_moe
    assert (sm.semantic_dim, sm.identity_dim) == (8, 4)
    mb = trainer.train_data.mmu_rows([0, 1])
    assert set(mb[1]) == {"semantic", "identity"} and mb[1]["semantic"].shape == (2, 8)
    trainer.train()
    rows = [json.loads(x) for x in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert np.isfinite(rows[-1]["val/loss"])
    # shards not written by one of our loadable encoders: inference is not told any encoder
    gen = json.loads((tmp_path / "run" / "model" / "generation_config.json").read_text())
    assert "semantic_encoder" not in gen and "identity_encoder" not in gen


def test_the_exported_generation_config_names_the_encoders_of_the_features(tmp_path, data):
    from unif2ace.encoders import encoder_for_features
    from unif2ace.training.trainer import Trainer

    assert [encoder_for_features(n) for n in ("dlib-128", "fid-inception-2048", "facenet-512", "clip-pooled-1024")] \
        == ["dlib", "fid-inception", "facenet", None]
    ids = sorted(data.ids())
    data.write_shard("features", "fid-inception-2048", ids, torch.randn(len(ids), 2048))
    data.write_shard("features", "dlib-128", ids, torch.randn(len(ids), 128))
    cfg = from_dict(tiny_recipe(tmp_path, steps=1, eval_every=0, generation={"identity_encoder": "facenet"},
                                **{"data.features": {"semantic": "fid-inception-2048", "identity": "dlib-128"}}))
    Trainer(cfg).train()
    gen = json.loads((tmp_path / "run" / "model" / "generation_config.json").read_text())
    assert gen["semantic_encoder"] == "fid-inception"  # derived from the shard name
    assert gen["identity_encoder"] == "facenet"  # the recipe's choice wins


def test_plot_draws_the_loss_curves(tmp_path):
    pytest.importorskip("matplotlib")
    from unif2ace.training.plot import plot_run

    rows = [{"step": s, "loss": 10 / s, "t2i/loss": 6 / s, "mmu/ce": 4 / s} for s in range(1, 11)]
    rows += [{"step": 5, "val/loss": 3.0, "val/t2i/loss": 2.0, "val/mmu/ce": 1.0}]
    (tmp_path / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = plot_run(tmp_path)
    assert out == tmp_path / "loss.png" and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(FileNotFoundError, match="metrics.jsonl"):
        plot_run(tmp_path / "nowhere")


def test_continue_a_trained_folder_resetting_the_understanding_routers(tmp_path, data):
    from unif2ace.training.trainer import Trainer, train

    first = train(from_dict(tiny_recipe(tmp_path, out=str(tmp_path / "a"), steps=2, eval_every=0)))
    loaded = load_file(str(first / "model" / "model.safetensors"))
    base = {"model.preset": "init", "model.init": str(first / "model"), "out": str(tmp_path / "b")}
    trainer = Trainer(from_dict(tiny_recipe(tmp_path, **base, **{"model.reset_routers": "{und: -1.5}"})))
    und = trainer.model_config.sequence_moe.und_experts
    for i, block in enumerate(trainer.model.layers):
        routers = block.sequence_moe.routers
        assert routers[0].bias.tolist() == [-1.5 if e == "copy" else 0.0 for e in und]
        assert not routers[0].weight.any()
        assert torch.equal(routers[1].weight, loaded[f"layers.{i}.sequence_moe.routers.1.weight"])  # gen kept
    with pytest.raises(ValueError, match="reset_routers names"):
        Trainer(from_dict(tiny_recipe(tmp_path, **{**base, "out": str(tmp_path / "c")},
                                      **{"model.reset_routers": "{understanding: -1}"})))


def test_a_fine_tune_samples_as_its_base_unless_the_recipe_says_otherwise(tmp_path, data):
    """The exported generation_config.json starts from the init folder's (sampling defaults chosen for the
    base), the recipe's generation block wins; a run from scratch gets SCRATCH_GENERATION."""
    from unif2ace.training.config import SCRATCH_GENERATION
    from unif2ace.training.trainer import train

    first = train(from_dict(tiny_recipe(tmp_path, out=str(tmp_path / "a"), steps=1, eval_every=0)))
    gen_path = first / "model" / "generation_config.json"
    gen_a = json.loads(gen_path.read_text())
    assert {k: gen_a[k] for k in SCRATCH_GENERATION} == SCRATCH_GENERATION
    # the words of the training prompts, this data's and the base's ("zebra")
    assert gen_a["prompt_words"] and "zebra" not in gen_a["prompt_words"]
    chosen = {**gen_a, "guidance_scale": 3.0, "guidance_schedule": "linear", "training_words": True,
              "num_image_tokens": 999, "image_size": 999, "prompt_words": sorted(gen_a["prompt_words"] + ["zebra"])}
    gen_path.write_text(json.dumps(chosen))
    base = {"model.preset": "init", "model.init": str(first / "model"), "steps": 1, "eval_every": 0}
    gen_b = json.loads((train(from_dict(tiny_recipe(tmp_path, out=str(tmp_path / "b"), **base))) / "model"
                        / "generation_config.json").read_text())
    assert gen_b == {**chosen, "num_image_tokens": gen_a["num_image_tokens"], "image_size": gen_a["image_size"]}
    gen_c = json.loads((train(from_dict(tiny_recipe(tmp_path, out=str(tmp_path / "c"), generation={"steps": 12},
                                                    **base))) / "model" / "generation_config.json").read_text())
    assert gen_c == {**gen_b, "steps": 12}


def test_a_missing_shard_is_named_with_the_command_that_makes_it(tmp_path, data):
    from unif2ace.training.trainer import Trainer

    with pytest.raises(ValueError, match=r"data.features.identity names 'dlib-128' .* `unif2ace data encode "
                                         r".* --encoder dlib`"):
        Trainer(from_dict(tiny_recipe(tmp_path, **{"data.features": {"identity": "dlib-128"}})))
    with pytest.raises(ValueError, match=r"data.flip_codes: no 'train' record .* codes 'synth-flip'; make them with "
                                         r"`unif2ace encode-codes .* --name synth --flip` or set data.flip_codes=null"):
        Trainer(from_dict(tiny_recipe(tmp_path, **{"data.flip_codes": "synth-flip"})))
    for init, says in ((tmp_path / "nowhere", "does not exist"), (tmp_path / "data", "has no config.json")):
        with pytest.raises(ValueError, match=f"model.preset=init reads .* {says}; give a model folder"):
            Trainer(from_dict(tiny_recipe(tmp_path, **{"model.preset": "init", "model.init": str(init)})))
    with pytest.raises(FileNotFoundError, match=r"not a dataset folder .* `unif2ace data build --source folder"):
        Trainer(from_dict(tiny_recipe(tmp_path, **{"data.dataset": str(tmp_path / "nowhere")})))
    val = sorted(data.split_ids("val"))[:1]
    data.write_shard("features", "id-4", val, torch.randn(1, 4))  # features of no train record
    with pytest.raises(ValueError, match=r"data.features.identity: .* or drop it from data.features"):
        Trainer(from_dict(tiny_recipe(tmp_path, **{"data.features": {"identity": "id-4"}})))


def test_a_time_capped_run_reaches_its_minimum_lr_before_the_cap(tmp_path, data, monkeypatch):
    """A fake clock: each reading advances 1 s, then 2 s once the machine "gets busy" after the first fit.
    The cosine is refitted at each checkpoint, so it still ends before time runs out."""
    import types

    from unif2ace.training import trainer as trainer_mod

    clock = {"t": 0.0, "n": 0}

    def fake_time() -> float:
        clock["n"] += 1
        clock["t"] += 1.0 if clock["n"] < 30 else 2.0
        return clock["t"]

    monkeypatch.setattr(trainer_mod, "time", types.SimpleNamespace(time=fake_time, perf_counter=time.perf_counter))
    cfg = from_dict(tiny_recipe(tmp_path, steps=500, max_minutes=3, ckpt_every=5, eval_every=0, keep_last=1,
                                **{"optim.min_lr_ratio": 0.1}))
    run = trainer_mod.train(cfg)
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if '"loss"' in line]
    last = rows[-1]
    assert 30 < last["step"] < 60  # stopped for time, long before the 500 configured steps
    # the cosine ended by the last step: that step ran at the last point of the cosine, within 1% of the peak of its minimum
    assert last["lr_horizon"] <= last["step"] and 0.1 * 3e-3 <= last["lr"] < 0.11 * 3e-3
    assert rows[0]["lr_horizon"] == 500 and max(r["lr"] for r in rows) == pytest.approx(3e-3)


def test_a_time_capped_export_best_run_evaluates_its_last_step(tmp_path, data, monkeypatch):
    """The cosine ends at the time cap, between two evaluations: that last step is evaluated too,
    so export_best can pick it."""
    import types

    from unif2ace.training import trainer as trainer_mod

    clock = {"t": 0.0}

    def fake_time() -> float:
        clock["t"] += 1.0
        return clock["t"]

    monkeypatch.setattr(trainer_mod, "time", types.SimpleNamespace(time=fake_time, perf_counter=time.perf_counter))
    run = trainer_mod.train(from_dict(tiny_recipe(tmp_path, steps=500, max_minutes=1, ckpt_every=5, eval_every=100,
                                                  keep_last=1, export_best=True)))
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    last = max(r["step"] for r in rows)
    assert last < 100 and [r["step"] for r in rows if "val/mmu/ce" in r] == [last]
    exported = load_file(str(run / "model" / "model.safetensors"))
    final = load_file(str(run / "checkpoints" / f"step-{last:06d}" / "model.safetensors"))
    assert all(torch.equal(exported[k], final[k]) for k in final)


def test_a_time_capped_run_ends_its_cosine_in_time_and_resumes_it():
    from unif2ace.training.config import OptimSection
    from unif2ace.training.optim import fit_horizon, lr_factor, make_scheduler

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = make_scheduler(opt, OptimSection(lr=1.0, warmup_steps=10, min_lr_ratio=0.1), total_steps=1000)
    schedule = sched.lr_lambdas[0]
    # 20 steps done at 2 s each with 100 s left: 0.95·100/2 = 47 more steps fit
    assert fit_horizon(schedule, 20, 2.0, 100.0, limit=1000) == 67
    assert fit_horizon(schedule, 30, 1.0, 100.0, limit=1000) == 125  # a refit with a faster step time moves it later
    assert fit_horizon(schedule, 30, 0.001, 1e6, limit=1000) == 1000  # never past the configured steps
    assert fit_horizon(schedule, 5, 2.0, 0.0, limit=1000) == 11  # never before the warm-up ends
    schedule.total = 40
    assert fit_horizon(schedule, 40, 0.001, 1e6, limit=1000) == 40  # an ended cosine stays ended
    for _ in range(30):
        opt.step()
        sched.step()
    assert sched.get_last_lr()[0] == pytest.approx(lr_factor(30, 10, 40, 0.1))
    fresh = make_scheduler(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0),
                           OptimSection(lr=1.0, warmup_steps=10, min_lr_ratio=0.1), total_steps=1000)
    fresh.load_state_dict(sched.state_dict())  # the shortened horizon travels with the checkpoint
    assert fresh.lr_lambdas[0].total == 40


def test_every_recipe_in_the_repository_loads():
    """A recipe with a renamed or misspelt key would fail only when someone runs it (maybe on a lent GPU)."""
    import yaml

    from unif2ace.image_tokenizer.train import TrainConfig as TokenizerTrainConfig

    folder = Path(__file__).resolve().parents[1] / "recipes"
    recipes = sorted(folder.glob("*.yaml"))
    assert len(recipes) > 10
    for path in recipes:
        if path.name.startswith("tokenizer-"):  # `unif2ace tokenizer train --recipe`
            TokenizerTrainConfig.from_dict(yaml.safe_load(path.read_text())).model_config()
            continue
        cfg = load_recipe(path, [])
        assert cfg.steps > 0 and cfg.batch_size > 0, path.name

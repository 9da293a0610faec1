"""The command line's progress, logging and reproducibility: -n in --batch-size chunks, the seed always
logged, PNG text chunks that ``generate --from-png`` replays to identical pixels, -v/-q, help defaults."""

import io
import json
import logging

import numpy as np
import pytest
import torch
from PIL import Image

from unif2ace.cli import build_parser, main
from unif2ace.pipeline import UniF2ace, write_random_model
from unif2ace.progress import bar, chunks, track_calls


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return write_random_model(tmp_path_factory.mktemp("model") / "tiny", steps=3)


@pytest.fixture(scope="module")
def pipe(model):
    return UniF2ace.from_pretrained(model, dtype="auto")


def pixels(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def test_generate_chunks_by_batch_size_and_writes_replayable_pngs(model, pipe, tmp_path, capsys):
    out = tmp_path / "faces"
    args = ["generate", "a smiling woman", "an old man", "-n", "2", "--batch-size", "3", "--seed", "7",
            "--model", str(model), "--out", str(out), "--gender-contrast", "1.5"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "seed 7" in captured.err
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == ["prompt00-00.png", "prompt00-01.png", "prompt01-00.png", "prompt01-01.png"]
    assert captured.out.splitlines()[0] == f"{out / 'prompt00-00.png'}\ta smiling woman"
    # chunk 0 = the first three faces with seed 7, chunk 1 = the last face with seed 8: the pipeline's own faces
    config = pipe.sampling_config(gender_contrast=1.5)
    first = pipe.generate(["a smiling woman", "a smiling woman", "an old man"], 1, config, seed=7)
    last = pipe.generate(["an old man"], 1, config, seed=8)
    for name, want in zip(names, first + last):
        assert np.array_equal(pixels(out / name), np.asarray(want)), name
    # unchunked (batch size ≥ faces) is exactly the pipeline's generate(prompts, n)
    assert main(args[:6] + ["4"] + args[7:] + ["--out", str(tmp_path / "one")]) == 0
    whole = pipe.generate(["a smiling woman", "an old man"], 2, config, seed=7)
    for k, name in enumerate(names):
        assert np.array_equal(pixels(tmp_path / "one" / name), np.asarray(whole[k])), name
    # the text chunks say what made the face
    with Image.open(out / "prompt01-01.png") as im:
        text = dict(im.text)
    assert text["prompt"] == "an old man" and text["seed"] == "8" and text["model"] == pipe.name
    sampling = json.loads(text["sampling"])
    assert sampling["steps"] == 3 and sampling["gender_contrast"] == 1.5 and "guidance_scale" in sampling
    capsys.readouterr()
    # --from-png replays each face to identical pixels, into NAME-replay.png
    for name in ("prompt00-01.png", "prompt01-01.png"):
        assert main(["generate", "--from-png", str(out / name), "--out", str(tmp_path / "replay")]) == 0
        replayed = tmp_path / "replay" / name.replace(".png", "-replay.png")
        assert np.array_equal(pixels(replayed), pixels(out / name)), name
    assert "an old man" in capsys.readouterr().out


def test_a_random_seed_is_logged_and_replays(model, tmp_path, capsys):
    out = tmp_path / "faces"
    assert main(["generate", "a child", "--model", str(model), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    seed = int(err.split("seed ", 1)[1].split()[0])
    assert main(["generate", "a child", "--model", str(model), "--out", str(tmp_path / "again"), "--seed",
                 str(seed), "-q"]) == 0
    assert capsys.readouterr().err == ""  # -q: nothing on stderr when all goes well
    assert np.array_equal(pixels(out / "prompt00-00.png"), pixels(tmp_path / "again" / "prompt00-00.png"))


def test_from_png_errors_are_one_line(model, tmp_path, capsys):
    plain = tmp_path / "plain.png"
    Image.new("RGB", (8, 8)).save(plain)
    for argv, words in ((["--from-png", str(plain)], "no 'unif2ace' text chunk"),
                        (["--from-png", str(tmp_path / "absent.png")], "no such file"),
                        (["x", "--from-png", str(plain)], "not both"),
                        ([], "give at least one prompt"),
                        (["x", "--batch-size", "0"], "--batch-size must be at least 1")):
        assert main(["generate", *argv, "--model", str(model), "-q"]) == 2
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1, (argv, err)


def test_track_calls_counts_forward_passes_and_lands_on_the_total():
    layer = torch.nn.Linear(2, 2)
    b = bar(10, "test", disable=False)
    b.fp = io.StringIO()  # keep the test's output clean; the bar still counts
    with track_calls(layer, b, 4):
        for _ in range(2):
            layer(torch.zeros(1, 2))
        assert b.n == 2
    assert b.n == 4  # a decoder that stops early still completes its share
    with track_calls(layer, b, 3):
        for _ in range(7):
            layer(torch.zeros(1, 2))
        assert b.n == 7  # never past its share
    assert b.n == 7 and not layer._forward_hooks
    b.close()
    assert [list(r) for r in chunks(5, 2)] == [[0, 1], [2, 3], [4]]
    with pytest.raises(ValueError, match="at least 1"):
        chunks(3, 0)


def test_a_bar_in_a_log_file_is_a_line_every_interval_and_one_at_the_end(monkeypatch):
    """stderr not a terminal (nohup, CI): the bar writes whole lines, none with a carriage return, at most
    one per interval, and the last line stands on the total."""
    from unif2ace import progress

    err = io.StringIO()  # not a terminal
    monkeypatch.setattr("sys.stderr", err)
    progress.setup_logging()
    clock = iter(float(t) for t in range(1000))
    b = bar(6, "captions", unit="img", mininterval=2.5)
    b._time = lambda: next(clock)  # one second per call, so the interval is exact
    b.start_t = b._logged_t = b.last_print_t = b._time()
    for _ in range(6):
        b.update(1)
    b.close()
    lines = err.getvalue().splitlines()
    assert "\r" not in err.getvalue() and lines, err.getvalue()
    assert all(line.startswith("captions: ") and "img" in line for line in lines), lines
    assert len(lines) < 6  # not one per update
    assert lines[-1].startswith("captions: 6/6 (100%)"), lines
    quiet = io.StringIO()
    monkeypatch.setattr("sys.stderr", quiet)
    progress.setup_logging(quiet=True)
    with bar(3, "hidden", mininterval=0) as b:
        b.update(3)
    assert quiet.getvalue() == ""  # -q hides it
    progress.setup_logging()


def test_a_bar_in_a_log_file_writes_its_lines_when_nothing_set_up_logging(monkeypatch):
    """A script (scripts/user_prompt_faces.py under nohup) calls no setup_logging: its bar's lines went to a logger
    without a handler, and 15 minutes of drawing left its log empty."""
    from unif2ace import progress

    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    for handler in list(progress.log.handlers):
        progress.log.removeHandler(handler)
    monkeypatch.setattr(progress.log, "level", logging.NOTSET)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # pytest's own capture handlers: as a plain script has none
    with bar(2, "drawing", unit="prompt", mininterval=0) as b:
        b.update(2)
    assert err.getvalue().startswith("drawing: 2/2 (100%)"), err.getvalue()
    # an application that configured logging itself keeps its configuration: the lines go to its handlers
    for handler in list(progress.log.handlers):
        progress.log.removeHandler(handler)
    monkeypatch.setattr(progress.log, "propagate", True)
    mine = logging.StreamHandler(io.StringIO())
    monkeypatch.setattr(root, "handlers", [mine])
    monkeypatch.setattr(root, "level", logging.INFO)
    with bar(2, "drawing", unit="prompt", mininterval=0) as b:
        b.update(2)
    assert not progress.log.handlers and mine.stream.getvalue().startswith("drawing: 2/2 (100%)")
    progress.setup_logging()


def test_a_resumed_training_bar_in_a_log_file_counts_from_its_step_and_shows_the_loss(monkeypatch):
    """The trainer's bar (unif2ace train under nohup): it starts at the resumed step and its lines carry the
    postfix the loop sets (loss, tokens/s)."""
    from unif2ace import progress

    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    progress.setup_logging()
    clock = iter(float(t) for t in range(1000))
    b = bar(20, "train", unit="step", initial=12, mininterval=2.5)
    b._time = lambda: next(clock)
    b.start_t = b._logged_t = b.last_print_t = b._time()
    for _ in range(8):
        b.set_postfix(loss="1.500", tok_s="900", refresh=False)
        b.update(1)
    b.close()
    lines = err.getvalue().splitlines()
    assert lines and "\r" not in err.getvalue()
    assert all(line.startswith("train: ") and line.endswith(", loss=1.500, tok_s=900]") for line in lines), lines
    assert int(lines[0].split()[1].split("/")[0]) > 12 and lines[-1].startswith("train: 20/20 (100%)"), lines


def test_every_progress_bar_in_the_package_is_progress_bar():
    """A bar made with tqdm directly ignores -q and fills a log file with carriage-return redraws; every
    command's bars go through unif2ace.progress.bar instead."""
    import re
    from pathlib import Path

    import unif2ace

    root = Path(unif2ace.__file__).parent
    direct = [f"{p.relative_to(root)}:{i}" for p in root.rglob("*.py") if p.name != "progress.py"
              for i, line in enumerate(p.read_text().splitlines(), 1) if re.search(r"\btqdm\(", line)]
    assert not direct, f"tqdm used directly (use unif2ace.progress.bar): {direct}"


def test_verbosity_and_help_defaults(capsys):
    parser = build_parser()
    args = parser.parse_args(["-q", "info"])
    assert args.log_quiet is True
    args = parser.parse_args(["generate", "x", "-v", "-v"])
    assert args.log_verbose == 2
    with pytest.raises(SystemExit):
        parser.parse_args(["generate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "faces per model call" in text and "faces) (default: 8)" in text and "stderr" in text


def test_eval_reproduce_line_parses_back_to_the_same_options():
    """The "Reproduce:" command of an eval report must be one argparse accepts (flags as flags, not "False")."""
    import shlex

    from unif2ace.evaluation.cli import _flags

    parser = build_parser()
    for argv in (["eval", "generation", "--model", "m", "--data", "d", "--out", "o", "--save-images"],
                 ["eval", "generation", "--model", "m", "--data", "d", "--out", "o"],
                 ["eval", "understanding", "--model", "m", "--data", "d", "--out", "o", "--no-paraphrase",
                  "--quiet", "-v"]):
        args = parser.parse_args(argv)
        line = " ".join(f"{k} {v}".strip() for k, v in _flags(args))
        assert "False" not in line and "True" not in line and "verbose" not in line
        again = parser.parse_args(argv[:2] + shlex.split(line))
        same = {"func", "quiet", "log_verbose"}  # run-time verbosity is not part of what was measured
        assert {k: v for k, v in vars(again).items() if k not in same} == \
               {k: v for k, v in vars(args).items() if k not in same}


def test_close_bars_clears_every_open_bar_before_an_error_line():
    from tqdm import tqdm

    from unif2ace.progress import close_bars

    b = bar(10, "left open", disable=False)
    b.fp = io.StringIO()
    assert b in tqdm._instances
    close_bars()
    assert b not in tqdm._instances and b.disable


def test_every_option_of_every_verb_has_help_and_shows_its_default():
    from unif2ace.cli import _leaf_parsers

    parser = build_parser()
    for verb in _leaf_parsers(parser):
        for action in verb._actions:
            if action.option_strings and action.dest != "help":
                assert action.help, f"{verb.prog} {action.option_strings[-1]} has no help"
        verb.format_help()  # every help string formats (no stray %)
    with pytest.raises(SystemExit):
        parser.parse_args(["demo", "--help"])


def test_eval_logs_the_model_it_loads_under_the_loading_clock(monkeypatch, tmp_path, capsys):
    """eval said nothing while torch and the model loaded (2-3 s on the 2-core machine: benchmarks/silence.py)."""
    import argparse

    import unif2ace.evaluation.models as models
    from unif2ace.evaluation.cli import _setup
    from unif2ace.progress import setup_logging

    monkeypatch.setattr(models, "load_model", lambda *a: "the pipeline")
    args = argparse.Namespace(model="runs/m", data="d", device="cpu", dtype="float32", seed=0, out=str(tmp_path / "o"),
                              judge_url=None, judge_model=None, eval_verb="understanding", threads=1)
    threads = torch.get_num_threads()
    try:
        setup_logging()
        out, pipe, judge, meta = _setup(args)
        assert pipe == "the pipeline" and judge is None and "loading runs/m …" in capsys.readouterr().err
        assert torch.get_num_threads() == 1  # --threads
        setup_logging(quiet=True)
        _setup(args)
        assert capsys.readouterr().err == ""
    finally:
        setup_logging()
        torch.set_num_threads(threads)


def test_threads_default_to_the_cores_other_programs_leave_idle(monkeypatch, caplog):
    import os

    import unif2ace.commands.inference_common as common

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    for idle, expected in [(4.0, None), (3.9, None), (3.5, 3), (2.2, 2), (1.0, 1), (0.3, 1), (0.0, 1)]:
        monkeypatch.setattr(common, "idle_cores", lambda seconds=0.2, idle=idle: idle)
        assert common.default_threads() == expected, idle
    monkeypatch.setattr(common, "idle_cores", lambda seconds=0.2: None)  # no /proc: torch's default
    assert common.default_threads() is None
    monkeypatch.setattr(common, "idle_cores", lambda seconds=0.2: 1.0)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the user's own setting wins
    assert common.default_threads() is None
    monkeypatch.delenv("OMP_NUM_THREADS")
    before = torch.get_num_threads()
    try:
        with caplog.at_level("INFO", logger="unif2ace"):
            common.set_threads(None)
        assert torch.get_num_threads() == 1 and "using 1 thread (--threads N to choose)" in caplog.text
        common.set_threads(2)  # an explicit --threads is taken as given
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_idle_cores_reads_the_machine():
    import os

    import unif2ace.commands.inference_common as common

    idle = common.idle_cores(0.05)
    if not os.path.exists("/proc/stat"):
        assert idle is None
    else:
        assert 0.0 <= idle <= len(os.sched_getaffinity(0))

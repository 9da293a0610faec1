"""End to end: `unif2ace data build/stats/show/train-tokenizer` on a few generated UTKFace-style files."""

from __future__ import annotations

import json

import pytest

from unif2ace.cli import main


@pytest.fixture()
def utk_root(tmp_path):
    skdata = pytest.importorskip("skimage.data")
    from PIL import Image

    face = Image.fromarray(skdata.astronaut()[20:220, 130:330])
    root = tmp_path / "utk"
    root.mkdir()
    face.save(root / "42_1_0_20170101000000001.jpg.chip.jpg")
    face.transpose(Image.FLIP_LEFT_RIGHT).save(root / "8_1_2_20170101000000002.jpg.chip.jpg")
    face.convert("L").save(root / "70_0_1_20170101000000003.jpg.chip.jpg")
    (root / "61_1_20170109142408075.jpg.chip.jpg").write_bytes(b"a label is missing")
    (root / "30_0_0_20170101000000004.jpg.chip.jpg").write_bytes(b"not a jpeg")
    return root


def test_build_resume_stats_show(utk_root, tmp_path, capsys):
    pytest.importorskip("dlib")
    pytest.importorskip("h5py")
    out = tmp_path / "ds"
    assert main(["data", "build", "--source", "utkface", "--root", str(utk_root), "--out", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["records"] == 3 and summary["problems"] == 2
    recs = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    grey = next(r for r in recs if r["id"].startswith("70_"))
    assert grey["attributes"]["color"]["value"] == "black and white"
    assert "black-and-white" in grey["caption"] or "monochrome" in grey["caption"]
    assert all(len(r["qa"]) >= 6 and not r["image"].startswith("/") for r in recs)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["root"] == str(utk_root) and manifest["source"] == "utkface"
    problems = [json.loads(line)["item"] for line in (out / "problems.jsonl").read_text().splitlines()]
    assert sorted(problems) == ["30_0_0_20170101000000004.jpg.chip.jpg", "61_1_20170109142408075.jpg.chip.jpg"]
    # resumable: a second run adds nothing and keeps the split
    splits = (out / "splits.json").read_text()
    assert main(["data", "build", "--source", "utkface", "--root", str(utk_root), "--out", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["new"] == 0
    assert (out / "splits.json").read_text() == splits
    assert len((out / "records.jsonl").read_text().splitlines()) == 3

    pytest.importorskip("matplotlib")
    assert main(["data", "stats", str(out)]) == 0
    text = capsys.readouterr().out
    assert "records: 3" in text and "caption tokens" in text and (out / "stats.png").is_file()
    assert main(["data", "show", str(out), "-n", "1"]) == 0
    assert "caption:" in capsys.readouterr().out
    # precomputed identity features live beside the records, keyed by record id
    assert main(["data", "encode", str(out), "--encoder", "dlib"]) == 0
    from unif2ace.data.store import FaceStore

    ids, feats = FaceStore.open(out).read_shards("features", "dlib-128")
    assert sorted(ids) == sorted(r["id"] for r in recs) and feats.shape == (3, 128)


def test_build_conversations_without_labelling(tmp_path, capsys):
    conv = tmp_path / "conv.jsonl"
    conv.write_text("\n".join(json.dumps({"id": f"c{i}", "image": f"img/{i}.jpg", "caption": f"A face {i}.",
                                          "conversations": [{"from": "human", "value": "Q?"}, {"from": "gpt", "value": "A."}]})
                              for i in range(4)) + "\n")
    out = tmp_path / "ds"
    assert main(["data", "build", "--source", "conversations", "--root", str(conv), "--out", str(out), "--no-label"]) == 0
    assert json.loads(capsys.readouterr().out)["records"] == 4
    pytest.importorskip("tokenizers")
    assert main(["data", "train-tokenizer", str(out), "--vocab-size", "300", "--out", str(tmp_path / "tok")]) == 0
    from unif2ace.text import load_text_tokenizer

    tok = load_text_tokenizer(tmp_path / "tok")
    assert tok.vocab_size == 300 and tok.decode(tok.encode("A face 3.")) == "A face 3."


def test_bad_split_argument(tmp_path):
    assert main(["data", "build", "--source", "utkface", "--root", str(tmp_path), "--out", str(tmp_path / "o"),
                 "--split", "0.5,0.5"]) == 2


def test_a_dataset_built_with_a_relative_root_finds_its_photos_from_any_directory(utk_root, tmp_path, monkeypatch, capsys):
    """``--root ../shared/data/utkface`` is kept as given, and read from the dataset folder: a script run from
    another directory (a worktree, a notebook) finds the photos too."""
    from unif2ace.data.store import FaceStore

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["data", "build", "--source", "utkface", "--root", "../utk", "--out", "runs/ds", "--no-label"]) == 0
    capsys.readouterr()
    manifest = json.loads((work / "runs/ds/manifest.json").read_text())
    assert manifest["root"] == "../utk" and not manifest["root_from_folder"].startswith("/")
    elsewhere = tmp_path / "a" / "b"  # where "../utk" is no folder
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    store = FaceStore.open(work / "runs/ds")
    records = list(store.records())
    assert records and all((store.image_root() / r.image).is_file() for r in records)

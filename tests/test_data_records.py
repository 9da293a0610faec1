"""Records, readers (with bad files), the dataset store (resume, splits, shards)."""

from __future__ import annotations

import json

import pytest

from unif2ace.data.readers import (
    parse_utkface_name,
    read_celeba,
    read_conversations,
    read_image_folder,
    read_utkface,
)
from unif2ace.data.records import FaceRecord, Label, QATurn
from unif2ace.data.store import FaceStore, split_of


def _jpeg(path, color=(200, 150, 120)):
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (32, 32), color).save(path)


def test_record_roundtrip_with_bytes():
    rec = FaceRecord("a", b"\x00\x01img", "cap", [QATurn("q", "a", "yes/no")], {"age": Label(30, 0.9, "m")}, "id7", "src")
    again = FaceRecord.from_dict(json.loads(json.dumps(rec.to_dict())))
    assert again == rec
    assert rec.confident(0.95) == {} and rec.confident(0.5) == {"age": 30}


def test_utkface_names(tmp_path):
    assert parse_utkface_name("26_1_2_20170116174525125.jpg.chip.jpg") == {"age": 26, "gender": "female", "ethnicity": "Asian"}
    assert parse_utkface_name("61_1_20170109142408075.jpg.chip.jpg") is None  # a field is missing
    for name in ("26_1_2_20170116174525125.jpg.chip.jpg", "3_0_4_20170116174525126.jpg.chip.jpg",
                 "61_1_20170109142408075.jpg.chip.jpg"):
        _jpeg(tmp_path / name)
    problems = []
    recs = list(read_utkface(tmp_path, on_problem=lambda p, r: problems.append(p)))
    assert [r.id for r in recs] == ["26_1_2_20170116174525125", "3_0_4_20170116174525126"]
    assert recs[0].image == "26_1_2_20170116174525125.jpg.chip.jpg"  # relative to the root
    assert "ethnicity" not in recs[1].attributes  # "Others" is not a describable value
    assert problems == ["61_1_20170109142408075.jpg.chip.jpg"]


def test_conversations_json_jsonl_parquet(tmp_path):
    row = {"id": "x1", "image": "imgs/x1.jpg", "conversations": [
        {"from": "human", "value": "<image>\nDescribe the face."}, {"from": "gpt", "value": "A man."},
        {"from": "human", "value": "Is he smiling?"}, {"from": "gpt", "value": "No."}]}
    row2 = {"id": "x2", "image": {"bytes": b"raw", "path": None}, "caption": "A woman.",
            "conversations": json.dumps([{"role": "user", "content": "Age?"}, {"role": "assistant", "content": "30."}])}
    (tmp_path / "a.json").write_text(json.dumps([row, "junk"]))
    (tmp_path / "b.jsonl").write_text(json.dumps(row) + "\n{not json\n")
    problems = []
    recs = list(read_conversations(tmp_path / "a.json", on_problem=lambda p, r: problems.append(p)))
    recs += list(read_conversations(tmp_path / "b.jsonl", on_problem=lambda p, r: problems.append(p)))
    assert [t.question for t in recs[0].qa] == ["Describe the face.", "Is he smiling?"]
    assert len(recs) == 2 and len(problems) == 2
    # without a caption column, the answer to a request for a description is the caption (LLaVA-style caption
    # data); a caption column wins, and a row whose turns ask no description has none
    assert recs[0].caption == "A man."
    llava = {"image": "x.jpg", "conversations": [
        {"from": "human", "value": "Is he smiling?"}, {"from": "gpt", "value": "No."},
        {"from": "human", "value": "<image>\nProvide a detailed description of the given image."},
        {"from": "gpt", "value": "A portrait of a man in his forties."}]}
    no_request = {"image": "y.jpg", "conversations": llava["conversations"][:2]}
    (tmp_path / "d.json").write_text(json.dumps([llava, {**llava, "caption": "Given."}, no_request]))
    assert [r.caption for r in read_conversations(tmp_path / "d.json")] == \
        ["A portrait of a man in his forties.", "Given.", ""]
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist([row2]), tmp_path / "c.parquet")
    (rec,) = read_conversations(tmp_path / "c.parquet")
    assert rec.image == b"raw" and rec.caption == "A woman." and rec.qa[0].answer == "30."
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    assert list(read_conversations(tmp_path / "bad.parquet", on_problem=lambda p, r: problems.append(p))) == []


def test_image_folder_and_celeba(tmp_path):
    _jpeg(tmp_path / "f" / "a.jpg")
    (tmp_path / "f" / "metadata.jsonl").write_text(
        json.dumps({"file_name": "a.jpg", "caption": "x", "identity": 5}) + "\n"
        + json.dumps({"file_name": "missing.jpg"}) + "\n")
    problems = []
    (rec,) = read_image_folder(tmp_path / "f", on_problem=lambda p, r: problems.append(p))
    assert rec.caption == "x" and rec.identity == "5" and problems == ["missing.jpg"]
    c = tmp_path / "celeba"
    c.mkdir()
    (c / "list_attr_celeba.txt").write_text("2\nSmiling Eyeglasses Black_Hair\n000001.jpg  1 -1 1\n000002.jpg 1 1\n")
    (c / "identity_CelebA.txt").write_text("000001.jpg 2880\n")
    problems = []
    (rec,) = read_celeba(c, on_problem=lambda p, r: problems.append(p))
    assert rec.attributes["smiling"].value is True and rec.attributes["black_hair"].value is True
    assert rec.attributes["eyeglasses"].value is False and rec.identity == "2880"
    assert rec.image == "img_align_celeba/000001.jpg" and len(problems) == 1


def test_store_resume_splits_shards(tmp_path):
    torch = pytest.importorskip("torch")
    store = FaceStore.create(tmp_path / "ds", {"source": "t", "root": "data"})
    store.append([FaceRecord(f"r{i}", f"{i}.jpg", source="t") for i in range(50)])
    with open(store.records_path, "a") as fh:  # a writer killed mid-line
        fh.write('{"id": "torn", "ima')
    store = FaceStore.open(tmp_path / "ds")
    assert len(store) == 50
    doc = store.write_splits((0.8, 0.1, 0.1), seed=3)
    assert sum(len(doc[s]) for s in ("train", "val", "test")) == 50
    assert doc == store.write_splits((0.8, 0.1, 0.1), seed=3)  # deterministic
    assert all(split_of(i, (0.8, 0.1, 0.1), 3) == "train" for i in doc["train"])
    with pytest.raises(ValueError, match="already holds"):
        FaceStore.create(tmp_path / "ds", {"source": "other"})
    store.write_shard("features", "dlib-128", ["r0", "r1"], torch.ones(2, 4))
    store.write_shard("features", "dlib-128", ["r2"], torch.zeros(1, 4))
    ids, x = store.read_shards("features", "dlib-128", ["r2", "r0"])
    assert x.shape == (2, 4) and x[0].sum() == 0 and x[1].sum() == 4
    assert store.shard_ids("features", "dlib-128") == {"r0", "r1", "r2"}
    with pytest.raises(KeyError):
        store.read_shards("features", "dlib-128", ["r9"])

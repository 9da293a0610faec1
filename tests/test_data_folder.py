"""`data build --source folder` on a plain folder of photos; bad roots fail before anything is written;
`data show` on a dataset without records is an error."""

from PIL import Image

from unif2ace.cli import main


def test_a_plain_folder_of_photos_builds(tmp_path, capsys):
    photos = tmp_path / "photos"
    (photos / "more").mkdir(parents=True)
    Image.new("RGB", (32, 32), "gray").save(photos / "a.jpg")
    Image.new("RGB", (32, 32), "white").save(photos / "more" / "b.png")
    (photos / "notes.txt").write_text("not a photo")
    out = tmp_path / "ds"
    assert main(["data", "build", "--source", "folder", "--root", str(photos), "--out", str(out), "--no-label",
                 "-q"]) == 0
    assert '"records": 2' in capsys.readouterr().out
    from unif2ace.data.store import FaceStore

    records = sorted(FaceStore.open(out).records(), key=lambda r: r.id)
    assert [(r.id, r.image) for r in records] == [("a", "a.jpg"), ("more__b", "more/b.png")]


def test_bad_roots_fail_before_writing_and_show_refuses_an_empty_dataset(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    for root, words in ((tmp_path / "absent", "does not exist"), (tmp_path / "empty", "has no images")):
        out = tmp_path / f"out-{root.name}"
        assert main(["data", "build", "--source", "folder", "--root", str(root), "--out", str(out), "-q"]) == 2
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1
        assert not out.exists()
    from unif2ace.data.store import FaceStore

    FaceStore.create(tmp_path / "half", {"source": "folder"})
    assert main(["data", "show", str(tmp_path / "half")]) == 2
    assert "has no records" in capsys.readouterr().err

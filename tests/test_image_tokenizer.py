"""Image tokenizer (DESIGN §6): shapes, index order, Show-o key mapping, training, data handling."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

from unif2ace.image_tokenizer import LFQ, ImageTokenizer, ImageTokenizerConfig, to_tensor
from unif2ace.image_tokenizer.checkpoint import load_tokenizer, ours_to_showo, showo_to_ours
from unif2ace.image_tokenizer.data import load_images, load_split, split_holdout
from unif2ace.image_tokenizer.evaluate import codebook_usage
from unif2ace.image_tokenizer.train import TrainConfig, train


@pytest.fixture
def tiny() -> ImageTokenizer:
    torch.manual_seed(0)
    return ImageTokenizer(ImageTokenizerConfig.from_name("tiny")).eval()


def smooth_images(n: int, size: int, seed: int = 0) -> np.ndarray:
    """Low-frequency random colour fields (uint8 [n, size, size, 3]): learnable in a few steps."""
    g = torch.Generator().manual_seed(seed)
    low = torch.rand(n, 3, 4, 4, generator=g)
    x = torch.nn.functional.interpolate(low, size=(size, size), mode="bicubic", align_corners=False)
    return (x.clamp(0, 1) * 255).round().byte().permute(0, 2, 3, 1).numpy()


# ----- shapes and round trips
def test_encode_decode_shapes(tiny):
    x = torch.rand(2, 3, 32, 32)
    codes = tiny.encode(x)
    assert codes.shape == (2, 64) and codes.dtype == torch.int64
    assert 0 <= int(codes.min()) and int(codes.max()) < 64
    y = tiny.decode(codes)
    assert y.shape == (2, 3, 32, 32) and float(y.min()) >= 0 and float(y.max()) <= 1
    # non-square images: pass the latent shape
    codes = tiny.encode(torch.rand(1, 3, 16, 32))
    assert tiny.decode(codes, shape=(4, 8)).shape == (1, 3, 16, 32)


def test_pil_in_pil_out(tiny):
    ims = [Image.fromarray(a) for a in smooth_images(3, 32)]
    codes = tiny.encode(ims)
    assert torch.equal(codes, tiny.encode(torch.stack([to_tensor(im)[0] for im in ims])))
    out = tiny.decode_to_pil(codes)
    assert len(out) == 3 and out[0].size == (32, 32) and out[0].mode == "RGB"


def test_codes_round_trip_exactly():
    q = LFQ(code_bits=10)
    idx = torch.arange(1024).view(4, 256)
    codes = q.indices_to_codes(idx, (16, 16))
    assert set(codes.unique().tolist()) == {-1.0, 1.0}
    assert torch.equal(q.bits_to_indices(codes), idx)


def test_decoded_codes_are_re_encoded_by_a_trained_path(tiny):
    # the quantiser is idempotent: quantising a code gives the same code
    z = torch.randn(2, 6, 8, 8)
    q = tiny.quantize
    idx = q.bits_to_indices(z)
    assert torch.equal(q.bits_to_indices(q.indices_to_codes(idx, (8, 8))), idx)


def test_bad_inputs_give_clear_errors(tiny):
    with pytest.raises(ValueError, match="multiple of 4"):
        tiny.encode(torch.rand(1, 3, 30, 30))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        tiny.encode(torch.rand(1, 3, 32, 32) * 2 - 1)
    with pytest.raises(ValueError, match="code indices"):
        tiny.decode(torch.full((1, 64), 64))


# ----- index order (Show-o: the bit of channel 0 is the most significant)
def test_index_order_matches_showo():
    bits = 13
    q = LFQ(bits)
    # Show-o's table: embedding[i] = ((i >> (B-1-j)) & 1) * 2 - 1
    i = torch.arange(2**bits)
    showo_embedding = ((i[:, None] >> torch.arange(bits - 1, -1, -1)) & 1).float() * 2 - 1
    assert torch.equal(q.codebook(), showo_embedding)
    z = -torch.ones(1, bits, 1, 1)
    z[0, 0] = 1.0  # only channel 0 positive
    assert q.bits_to_indices(z).item() == 2 ** (bits - 1)
    z = torch.randn(3, bits, 4, 4)
    showo_indices = ((z > 0).float() * (2 ** torch.arange(bits - 1, -1, -1)).view(1, -1, 1, 1)).sum(1).long()
    assert torch.equal(q.bits_to_indices(z), showo_indices.flatten(1))


def test_lfq_entropy_matches_brute_force():
    torch.manual_seed(0)
    q = LFQ(4, entropy_temperature=0.5)
    z = torch.randn(2, 4, 3, 3)
    sample_h, codebook_h = q.entropies(z)
    flat = z.permute(0, 2, 3, 1).reshape(-1, 4).double()
    p = torch.softmax(2 * flat @ q.codebook().double().T / 0.5, dim=-1)  # softmax over all 16 codes
    ref_sample = -(p * p.log()).sum(-1).mean()
    mean = p.mean(0)
    ref_codebook = -(mean * mean.log()).sum()
    assert float(sample_h) == pytest.approx(float(ref_sample), rel=1e-4)
    assert float(codebook_h) == pytest.approx(float(ref_codebook), rel=1e-4)


# ----- Show-o checkpoint mapping
def showo_reference_keys() -> dict[str, tuple[int, ...]]:
    """Show-o's MAGVIT-v2 state dict names and shapes, enumerated from its modeling code's rules."""
    keys: dict[str, tuple[int, ...]] = {}

    def conv(name, cin, cout, k):
        keys[f"{name}.weight"], keys[f"{name}.bias"] = (cout, cin, k, k), (cout,)

    def norm(name, c):
        keys[f"{name}.weight"], keys[f"{name}.bias"] = (c,), (c,)

    def resnet(name, cin, cout):
        norm(f"{name}.norm1", cin), conv(f"{name}.conv1", cin, cout, 3)
        norm(f"{name}.norm2", cout), conv(f"{name}.conv2", cout, cout, 3)
        if cin != cout:
            conv(f"{name}.nin_shortcut", cin, cout, 1)

    def mid(name, c):
        resnet(f"{name}.block_1", c, c), resnet(f"{name}.block_2", c, c)
        norm(f"{name}.attn_1.norm", c)
        for p in ("q", "k", "v", "proj_out"):
            conv(f"{name}.attn_1.{p}", c, c, 1)

    ch, z = 128, 13
    mult, blocks = (1, 2, 2, 4, 4), (4, 3, 4, 3, 4)
    conv("encoder.conv_in", 3, ch, 3)
    cin = ch
    for lvl in range(5):
        for b in range(blocks[lvl]):
            resnet(f"encoder.down.{lvl}.block.{b}", cin, ch * mult[lvl])
            cin = ch * mult[lvl]
        if lvl != 4:
            conv(f"encoder.down.{lvl}.downsample.conv", cin, cin, 3)
    mid("encoder.mid", cin)
    norm("encoder.norm_out", cin), conv("encoder.conv_out", cin, z, 3), conv("encoder.quant_conv", z, z, 1)
    dmult, dblocks = (1, 1, 2, 2, 4), (4, 4, 3, 4, 3)
    cin = ch * dmult[-1]
    conv("decoder.conv_in", z, cin, 3)
    mid("decoder.mid", cin)
    for lvl in reversed(range(5)):
        for b in range(dblocks[lvl]):
            resnet(f"decoder.up.{lvl}.block.{b}", cin, ch * dmult[lvl])
            cin = ch * dmult[lvl]
        if lvl != 0:
            conv(f"decoder.up.{lvl}.upsample.conv", cin, cin, 3)
    norm("decoder.norm_out", cin), conv("decoder.conv_out", cin, 3, 3), conv("decoder.post_quant_conv", z, z, 1)
    keys["quantize.embedding"], keys["quantize.power_vals"] = (8192, 13), (13,)
    return keys


@pytest.fixture(scope="module")
def full_size_meta() -> ImageTokenizer:
    with torch.device("meta"):
        return ImageTokenizer(ImageTokenizerConfig.from_name("magvitv2"))


def meta_showo_state(keys: dict[str, tuple[int, ...]]) -> dict[str, torch.Tensor]:
    return {k: torch.empty(s, device="meta") for k, s in keys.items()}


def test_full_size_matches_showo_names_and_shapes(full_size_meta):
    ref = showo_reference_keys()
    ours = {k: tuple(v.shape) for k, v in full_size_meta.state_dict().items()}
    assert len(ours) == len(ref) - 2  # everything but the two derived quantiser buffers
    mapped = showo_to_ours(meta_showo_state(ref), full_size_meta)
    assert {k: tuple(v.shape) for k, v in mapped.items()} == ours
    cfg = full_size_meta.config
    assert cfg.downsample_factor == 16 and cfg.codebook_size == 8192 and cfg.latent_shape(256, 256) == (16, 16)


def test_showo_mapping_lists_every_problem(full_size_meta):
    ref = meta_showo_state(showo_reference_keys())
    del ref["encoder.down.0.block.0.conv1.weight"]
    del ref["decoder.up.4.upsample.conv.bias"]
    ref["encoder.down.0.attn.0.q.weight"] = torch.empty(128, 128, 1, 1, device="meta")
    ref["decoder.conv_out.weight"] = torch.empty(3, 64, 3, 3, device="meta")
    with pytest.raises(ValueError) as err:
        showo_to_ours(ref, full_size_meta)
    lines = str(err.value).splitlines()[1:]
    assert len(lines) == 4
    assert "missing from the Show-o checkpoint: encoder.down.0.block.0.conv1.weight" in lines
    assert "missing from the Show-o checkpoint: decoder.up.4.upsample.conv.bias" in lines
    assert "unexpected key in the Show-o checkpoint: encoder.down.0.attn.0.q.weight" in lines
    assert any(line.startswith("shape mismatch: decoder.conv_out.weight") for line in lines)


def test_showo_checkpoint_loads_with_real_values(tmp_path):
    """Small config, real tensors: export under Show-o's names, save, load back, same outputs."""
    from safetensors.torch import save_file

    torch.manual_seed(1)
    cfg = ImageTokenizerConfig.from_name("tiny", decoder_ch_mult=(1, 1, 2), decoder_num_res_blocks=(2, 1, 1))
    src = ImageTokenizer(cfg).eval()
    showo = ours_to_showo(src.state_dict(), src)
    assert "quantize.embedding" in showo and "encoder.down.0.block.0.conv1.weight" in showo
    save_file({k: v.contiguous() for k, v in showo.items()}, tmp_path / "model.safetensors")
    from unif2ace.image_tokenizer.checkpoint import read_state_dict

    dst = ImageTokenizer(cfg).eval()
    dst.load_state_dict(showo_to_ours(read_state_dict(tmp_path), dst), strict=True)
    x = torch.rand(2, 3, 32, 32)
    assert torch.equal(src.encode(x), dst.encode(x))
    codes = src.encode(x)
    torch.testing.assert_close(src.decode(codes), dst.decode(codes))
    # a checkpoint whose code table is in another order is refused
    showo["quantize.embedding"] = showo["quantize.embedding"].flip(-1)
    with pytest.raises(ValueError, match="index order"):
        showo_to_ours(showo, dst)


def test_save_and_load_our_format(tiny, tmp_path):
    tiny.save_pretrained(tmp_path / "tok")
    again = load_tokenizer(tmp_path / "tok")
    x = torch.rand(1, 3, 32, 32)
    assert torch.equal(tiny.encode(x), again.encode(x))


# ----- training
def test_training_reduces_loss_and_resumes(tmp_path):
    np.save(tmp_path / "faces.npy", smooth_images(64, 32))
    cfg = TrainConfig(data=str(tmp_path / "faces.npy"), out=str(tmp_path / "run"), preset="tiny", resolution=32,
                      model={"ch": 16}, batch_size=8, steps=40, lr=5e-3, warmup_steps=5, eval_every=20,
                      eval_images=8, ckpt_every=20, cache_dir="", seed=0)
    train(cfg, progress=False)
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    first, last = np.mean([r["recon"] for r in log[:3]]), np.mean([r["recon"] for r in log[-5:]])
    assert last < 0.85 * first, (first, last)
    assert (tmp_path / "run" / "samples" / "step_000040.png").is_file()
    assert (tmp_path / "run" / "final" / "model.safetensors").is_file()
    with pytest.raises(ValueError, match="--resume"):
        train(cfg, progress=False)
    cfg.steps = 45
    train(cfg, resume=True, progress=False)
    state = torch.load(tmp_path / "run" / "checkpoint.pt", weights_only=True)  # plain data: no code runs
    assert state["step"] == 45


def test_training_with_perceptual_and_discriminator(tmp_path):
    np.save(tmp_path / "faces.npy", smooth_images(16, 32))
    cfg = TrainConfig(data=str(tmp_path / "faces.npy"), out=str(tmp_path / "run"), preset="tiny", resolution=32,
                      batch_size=2, steps=2, perceptual_weight=0.1, disc_weight=0.1, disc_start=1,
                      eval_every=2, eval_images=2, cache_dir="")
    train(cfg, progress=False)
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    assert "perceptual" in log[0] and "g_adv" not in log[0] and "d" in log[1]


def test_discriminator_warmup_and_adaptive_weight(tmp_path):
    """In the warm-up only the discriminator learns; then the GAN term is scaled by VQGAN's gradient-norm ratio."""
    from unif2ace.image_tokenizer.train import adaptive_gan_weight

    np.save(tmp_path / "faces.npy", smooth_images(16, 32))
    cfg = TrainConfig(data=str(tmp_path / "faces.npy"), out=str(tmp_path / "run"), preset="tiny", resolution=32,
                      batch_size=2, steps=3, disc_weight=0.1, disc_start=0, disc_warmup=2, disc_adaptive=True,
                      eval_every=3, eval_images=2, cache_dir="", decoder_only=False)
    train(cfg, progress=False)
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    assert ["d" in r for r in log] == [True] * 3 and ["g_adv" in r for r in log] == [False, False, True]
    assert log[2]["gan_lambda"] > 0
    # the ratio against gradients taken separately, in float64
    w = torch.randn(3, 3, dtype=torch.float64, requires_grad=True)
    x = torch.randn(5, 3, dtype=torch.float64)
    rest, gan = (x @ w).pow(2).mean(), -(x @ w).sin().mean()
    g1, = torch.autograd.grad(rest, w, retain_graph=True)
    g2, = torch.autograd.grad(gan, w, retain_graph=True)
    assert float(adaptive_gan_weight(rest, gan, w)) == pytest.approx(float(g1.norm() / (g2.norm() + 1e-4)), rel=1e-12)
    zero = (w * 0).sum()  # no GAN gradient: the clamp keeps the weight finite
    assert float(adaptive_gan_weight(rest, zero, w)) == pytest.approx(min(float(g1.norm()) / 1e-4, 1e4))


class _Descriptor(torch.nn.Module):
    """A stand-in for dlib's descriptor network: NHWC 0–255 chips → 16-d features (no dlib file needed)."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv = torch.nn.Conv2d(3, 8, 5, stride=3)
        self.fc = torch.nn.Linear(8, 16)

    def forward(self, chips):
        x = (chips.permute(0, 3, 1, 2) - 128.0) / 256.0
        return self.fc(torch.tanh(self.conv(x)).mean((2, 3)))


def test_face_descriptor_loss_is_one_minus_the_descriptors_cosine():
    """At the chip's own size the loss is 1 − cos of the network's descriptors of the 0–255 images, computed here in
    float64 with numpy; 0 for the photo itself; its gradient reaches the reconstruction, never the network."""
    from unif2ace.image_tokenizer.losses import FaceDescriptorLoss

    net = _Descriptor()
    loss = FaceDescriptorLoss(net)
    g = torch.Generator().manual_seed(1)
    target = torch.rand(3, 3, 150, 150, generator=g) * 2 - 1
    recon = (target + 0.3 * torch.randn(3, 3, 150, 150, generator=g)).clamp(-1, 1).requires_grad_(True)
    with torch.no_grad():
        a, b = (net.double()(((t.double() + 1) * 127.5).permute(0, 2, 3, 1)).numpy() for t in (recon, target))
    net.float()
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    got = loss(recon, target)
    assert float(got.detach()) == pytest.approx(float(np.mean(1 - cos)), abs=1e-5)
    assert float(loss(target, target)) == pytest.approx(0.0, abs=1e-6)
    got.backward()
    assert recon.grad is not None and recon.grad.abs().sum() > 0
    assert all(p.grad is None and not p.requires_grad for p in net.parameters())
    # any crop size is read at the chip's 150 px
    small = torch.rand(2, 3, 32, 32, generator=g) * 2 - 1
    assert loss.descriptors(small).shape == (2, 16)


def test_training_with_the_identity_loss(tmp_path, monkeypatch):
    """identity_weight adds the descriptor term (logged as "identity") to a decoder-only fine-tune."""
    import unif2ace.data.labelling.face as face

    monkeypatch.setattr(face, "face_network", lambda device="cpu": _Descriptor())
    np.save(tmp_path / "faces.npy", smooth_images(16, 32))
    cfg = TrainConfig(data=str(tmp_path / "faces.npy"), out=str(tmp_path / "run"), preset="tiny", resolution=32,
                      batch_size=2, steps=2, identity_weight=1.0, eval_every=2, eval_images=2, cache_dir="", bf16=False)
    train(cfg, progress=False)
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    assert all(r["identity"] > 0 for r in log)
    assert log[0]["loss"] > log[0]["recon"]


# ----- data handling
def test_corrupt_and_non_rgb_images(tmp_path, capsys):
    rgb = smooth_images(1, 40)[0]
    Image.fromarray(rgb).save(tmp_path / "a_rgb.jpg")
    Image.fromarray(rgb[..., 0]).save(tmp_path / "b_grey.png")
    Image.fromarray(np.dstack([rgb, np.full(rgb.shape[:2], 128, np.uint8)])).save(tmp_path / "c_rgba.png")
    Image.fromarray(rgb).convert("CMYK").save(tmp_path / "d_cmyk.jpg")
    Image.fromarray(rgb).convert("P").save(tmp_path / "e_palette.gif")
    (tmp_path / "f_corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (tmp_path / "g_empty.png").write_bytes(b"")
    from unif2ace.image_tokenizer.data import list_images

    arr, kept = load_images(list_images(tmp_path), 32, progress=False)
    assert arr.shape == (5, 32, 32, 3) and arr.dtype == np.uint8
    assert [p.name for p in kept] == ["a_rgb.jpg", "b_grey.png", "c_rgba.png", "d_cmyk.jpg", "e_palette.gif"]
    assert "skipped 2 unreadable" in capsys.readouterr().err
    with pytest.raises(ValueError, match="none of the images"):
        load_images([tmp_path / "f_corrupt.jpg"], 32, progress=False)
    # the API converts grey / RGBA PIL images itself
    grey = Image.fromarray(rgb[:32, :32, 0])
    assert to_tensor(grey).shape == (1, 3, 32, 32)


def test_holdout_split_is_deterministic():
    names = [f"/x/{i}_face.jpg" for i in range(1000)]
    tr, ho = split_holdout(names, 0.1)
    assert len(ho) == 100 and len(tr) == 900 and not set(tr) & set(ho)
    tr2, ho2 = split_holdout(list(reversed([f"/other/{i}_face.jpg" for i in range(1000)])), 0.1)
    assert sorted(names[i].split("/")[-1] for i in ho) == sorted(
        list(reversed([f"/other/{i}_face.jpg" for i in range(1000)]))[i].split("/")[-1] for i in ho2)


def test_load_split_caches(tmp_path):
    for i, a in enumerate(smooth_images(10, 24)):
        Image.fromarray(a).save(tmp_path / f"{i}.png")
    tr, ho = load_split(tmp_path, 16, 0.2, tmp_path / "cache", progress=False)
    assert tr.shape == (8, 16, 16, 3) and ho.shape == (2, 16, 16, 3)
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 1
    tr2, ho2 = load_split(tmp_path, 16, 0.2, tmp_path / "cache", progress=False)
    assert np.array_equal(tr, tr2) and np.array_equal(ho, ho2)


# ----- evaluation and CLI
def test_codebook_usage_closed_form():
    u = codebook_usage(torch.tensor([0, 0, 1, 1, 2, 2, 3, 3]), 8)
    assert u["usage"] == 0.5 and u["codes_used"] == 4 and u["perplexity"] == pytest.approx(4.0)


def test_cli_train_then_eval(tmp_path):
    from unif2ace.cli import main

    for i, a in enumerate(smooth_images(20, 32)):
        Image.fromarray(a).save(tmp_path / f"{i:02d}.png")
    run = tmp_path / "run"
    assert main(["tokenizer", "train", "--data", str(tmp_path), "--out", str(run), "--preset", "tiny",
                 "--set", "steps=3", "--set", "resolution=32", "--set", "batch_size=4", "--set", "eval_images=4",
                 "--set", f"cache_dir={tmp_path / 'cache'}", "--set", "model.ch=16", "--no-progress"]) == 0
    assert json.loads((run / "final" / "config.json").read_text())["ch"] == 16
    assert main(["tokenizer", "eval", "--model", str(run / "final"), "--data", str(tmp_path), "--no-fid",
                 "--cache-dir", str(tmp_path / "cache")]) == 0
    metrics = json.loads((run / "final" / "eval" / "metrics.json").read_text())
    assert metrics["images"] == 2 and 0 < metrics["usage"] <= 1 and metrics["psnr"] > 0
    assert (run / "final" / "eval" / "metrics.md").read_text().startswith("# Tokenizer")
    assert main(["tokenizer", "eval", "--model", str(run / "final"), "--data", str(tmp_path), "--limit", "3"]) == 2
    assert main(["tokenizer", "train", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "r2"),
                 "--preset", "tiny", "--no-progress"]) == 2


def test_evaluate_with_fid_caches_real_features(tiny, tmp_path):
    from unif2ace.image_tokenizer.evaluate import evaluate

    images = smooth_images(6, 32)
    m1, rec = evaluate(tiny, images, batch_size=4, progress=False, cache_dir=tmp_path)
    assert rec.shape == (6, 3, 32, 32) and len(list(tmp_path.glob("inception-*.npy"))) == 1
    m2, _ = evaluate(tiny, images, batch_size=4, progress=False, cache_dir=tmp_path)
    assert m1["rfid"] == pytest.approx(m2["rfid"]) and m1["rfid"] > 0
    assert m1["fid_real_vs_real_halves"] >= 0 and 0 < m1["ssim"] < 1
    with pytest.raises(ValueError, match="FID needs at least 4 images .* got 3"):
        evaluate(tiny, images[:3], batch_size=4, progress=False, cache_dir=tmp_path)
    assert evaluate(tiny, images[:3], batch_size=4, progress=False, fid=False)[0]["images"] == 3


class _Lossless(torch.nn.Module):
    """A "tokenizer" whose reconstructions are the images themselves (its codes are the pixels)."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.config = type("C", (), {"codebook_size": 256, "latent_shape": staticmethod(lambda h, w: (h, w))})()

    def encode(self, x):
        return (x * 255).round().long().flatten(1)

    def decode(self, codes, shape):
        return codes.float().reshape(len(codes), 3, *shape) / 255


def test_halves_fid_of_a_lossless_tokenizer_is_the_floor_and_its_rfid_zero(tmp_path):
    """rFID pairs each reconstruction with its own original (floor 0); rfid_halves compares the first half of the
    originals with the reconstructed second half, so a lossless tokenizer sits exactly on the halves' floor."""
    from unif2ace.image_tokenizer.evaluate import evaluate, metrics_markdown

    rng = np.random.default_rng(0)
    images = (rng.random((8, 32, 32, 3)) * 255).astype(np.uint8)
    m, rec = evaluate(_Lossless(), images, batch_size=4, progress=False, bf16=False)
    assert torch.equal((rec * 255).round().byte().permute(0, 2, 3, 1), torch.from_numpy(images))
    assert m["rfid"] == pytest.approx(0, abs=1e-3) and m["fid_real_vs_real_halves"] > 1
    assert m["rfid_halves"] == pytest.approx(m["fid_real_vs_real_halves"], rel=1e-6)
    m_blur, _ = evaluate(_Blurring(), images, batch_size=4, progress=False, bf16=False)
    assert m_blur["rfid_halves"] > m_blur["fid_real_vs_real_halves"] and m_blur["rfid"] > 1
    assert "second half reconstructed" in metrics_markdown({**m, "resolution": [32, 32]}, "t")


class _Blurring(_Lossless):
    """Reconstructions that lose detail: each pixel replaced by its 4×4 block's mean."""

    def decode(self, codes, shape):
        x = super().decode(codes, shape)
        return torch.nn.functional.interpolate(torch.nn.functional.avg_pool2d(x, 4), scale_factor=4)


def test_decoder_only_fine_tune_keeps_every_code(tiny, tmp_path):
    """init + decoder_only: the encoder and quantiser are bitwise the initial ones (so are the codes of
    every image: a transformer trained on them stays valid), the decoder learns and reconstructs better."""
    images = smooth_images(32, 32)
    np.save(tmp_path / "faces.npy", images)
    tiny.save_pretrained(tmp_path / "init")
    cfg = TrainConfig(data=str(tmp_path / "faces.npy"), out=str(tmp_path / "run"), init=str(tmp_path / "init"),
                      decoder_only=True, resolution=32, batch_size=8, steps=60, lr=5e-3, warmup_steps=2,
                      eval_every=60, eval_images=8, ckpt_every=60, cache_dir="", bf16=False, seed=0)
    tuned = load_tokenizer(train(cfg, progress=False))
    before, after = tiny.state_dict(), tuned.state_dict()
    assert before.keys() == after.keys()
    for k in before:
        if not k.startswith("decoder."):
            assert torch.equal(before[k], after[k]), f"{k} changed in a decoder-only run"
    assert any(not torch.equal(before[k], after[k]) for k in before if k.startswith("decoder."))
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255
    codes = tiny.encode(x)
    assert torch.equal(codes, tuned.encode(x))
    err = [(tok.decode(codes) - x).abs().mean().item() for tok in (tiny, tuned)]
    assert err[1] < 0.8 * err[0], err  # 0.254 -> 0.17 at 60 steps (seed 0)
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    assert "commit" not in log[0] and "recon" in log[0]


def test_init_must_match_the_resolution(tiny, tmp_path):
    np.save(tmp_path / "faces.npy", smooth_images(8, 32))
    tiny.save_pretrained(tmp_path / "init")
    cfg = TrainConfig(data=str(tmp_path / "faces.npy"), out=str(tmp_path / "run"), init=str(tmp_path / "init"),
                      resolution=64, steps=1, cache_dir="")
    with pytest.raises(ValueError, match="resolution"):
        train(cfg, progress=False)


def test_a_built_dataset_gives_its_train_split_only(tmp_path):
    from unif2ace.data.records import FaceRecord
    from unif2ace.data.store import FaceStore

    root = tmp_path / "photos"
    root.mkdir()
    for i, a in enumerate(smooth_images(20, 40)):
        Image.fromarray(a).save(root / f"{i}.png")
    store = FaceStore.create(tmp_path / "ds", {"source": "t", "root": str(root)})
    store.append([FaceRecord(f"r{i}", f"{i}.png", source="t") for i in range(20)])
    doc = store.write_splits((0.6, 0.2, 0.2), seed=0)
    (root / f"{doc['train'][0][1:]}.png").write_bytes(b"not an image")  # one bad photo is skipped, not fatal
    tr, ho = load_split(store.folder, 16, 0.25, tmp_path / "cache", progress=False)
    n = len(doc["train"]) - 1
    assert len(tr) + len(ho) == n and len(ho) == round(n * 0.25) and tr.shape[1:] == (16, 16, 3)
    # the pixels are the train records' photos (centre crop, Lanczos), never a val or test photo
    from unif2ace.image_tokenizer.data import load_image

    train_px = {load_image(root / f"{rid[1:]}.png", 16).tobytes() for rid in doc["train"][1:]}
    assert {a.tobytes() for a in np.concatenate([tr, ho])} == train_px
    tr2, _ = load_split(store.folder, 16, 0.25, tmp_path / "cache", progress=False)  # from the cache
    assert np.array_equal(tr, tr2) and len(list((tmp_path / "cache").glob("*.npz"))) == 1

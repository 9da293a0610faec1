"""Train an image tokenizer: ``unif2ace tokenizer train --data FOLDER --out runs/NAME``.

Loss = recon (L1 by default) + commit_weight · commitment + entropy_weight · (per-token entropy
− codebook_entropy_weight · codebook entropy) [+ perceptual_weight · Inception perceptual]
[+ identity_weight · (1 − cos of dlib face descriptors)] [+ disc_weight · λ · hinge GAN]. bf16 autocast
on CPU and GPU. The discriminator learns from step ``disc_start``; the tokenizer feels it from
``disc_start + disc_warmup`` (a discriminator that has not learned yet pushes a trained decoder
anywhere). λ = 1, or with ``disc_adaptive`` the ratio of the gradient norms of the other terms and
of the GAN term at the decoder's last layer (VQGAN, Esser et al. 2021), which makes ``disc_weight``
the GAN's share of that gradient whatever the scale of the discriminator's logits.

``init`` starts from a trained tokenizer's folder (its config replaces ``preset`` and ``model``).
``decoder_only`` keeps the encoder and the quantiser frozen, so every image keeps its codes and a
transformer trained on those codes stays valid; only the decoder learns (recon, perceptual, identity and
GAN terms; the LFQ terms are constant and left out). This is how a shipped model gets sharper pictures
without retraining its transformer.

The run folder holds ``train_config.json``, ``log.jsonl``, ``samples/step_*.png`` (originals
over reconstructions of fixed held-out images), ``checkpoint.pt`` (everything needed to resume:
weights, optimisers, step, RNG state) and, at the end, ``final/`` (config.json + model.safetensors).
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .config import ImageTokenizerConfig
from .model import ImageTokenizer


@dataclass
class TrainConfig:
    data: str = ""
    out: str = "runs/tokenizer"
    preset: str = "face-f8"
    init: str = ""  # a trained tokenizer folder to start from (config.json + model.safetensors)
    decoder_only: bool = False  # freeze encoder + quantiser: the codes of every image stay the same
    model: dict[str, Any] = field(default_factory=dict)  # overrides of the preset's fields
    resolution: int = 128
    holdout: float = 0.1
    cache_dir: str = "runs/cache"
    batch_size: int = 16
    steps: int = 2000
    lr: float = 4e-4
    min_lr_ratio: float = 0.1
    warmup_steps: int = 100
    betas: tuple[float, float] = (0.9, 0.99)
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    recon_loss: str = "l1"
    commit_weight: float = 0.25
    entropy_weight: float = 0.1
    codebook_entropy_weight: float = 1.0
    entropy_temperature: float = 0.1
    perceptual_weight: float = 0.0
    identity_weight: float = 0.0  # dlib face-descriptor loss (losses.FaceDescriptorLoss): keeps who the face is
    disc_weight: float = 0.0
    disc_start: int = 2000
    disc_warmup: int = 0  # steps from disc_start in which only the discriminator learns
    disc_adaptive: bool = False  # scale the GAN term by the gradient-norm ratio at the decoder's last layer
    disc_lr: float = 2e-4
    flip: bool = True
    bf16: bool = True
    eval_every: int = 250
    eval_images: int = 64
    ckpt_every: int = 250
    # Stop (and save) after this much wall time, counted over resumed sessions; 0: no limit. When set,
    # the cosine schedule follows whichever budget runs out first (steps or time), so a run on a
    # shared CPU still anneals its learning rate before the deadline.
    max_minutes: float = 0.0
    threads: int = 0  # torch threads; 0: leave torch's default
    seed: int = 0
    device: str = "cpu"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        fields = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - fields
        if unknown:
            raise ValueError(f"unknown tokenizer training keys {sorted(unknown)}; valid keys: {sorted(fields)}")
        data = dict(data)
        if "betas" in data:
            data["betas"] = tuple(data["betas"])
        return cls(**data)

    def model_config(self) -> ImageTokenizerConfig:
        return ImageTokenizerConfig.from_name(self.preset, resolution=self.resolution, **self.model)


def lr_at(step: int, cfg: TrainConfig, elapsed_s: float = 0.0) -> float:
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    t = min(1.0, (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps))
    if cfg.max_minutes:
        t = max(t, min(1.0, elapsed_s / (cfg.max_minutes * 60)))
    return cfg.lr * (cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * t)))


def adaptive_gan_weight(rest: torch.Tensor, gan: torch.Tensor, last_layer: torch.Tensor) -> torch.Tensor:
    """VQGAN's λ: ‖∇ rest‖ / (‖∇ gan‖ + 1e-4) at ``last_layer``, clamped to [0, 1e4], detached."""
    g_rest = torch.autograd.grad(rest, last_layer, retain_graph=True)[0]
    g_gan = torch.autograd.grad(gan, last_layer, retain_graph=True)[0]
    return (g_rest.norm() / (g_gan.norm() + 1e-4)).clamp(0.0, 1e4).detach()


def to_model_input(batch_uint8: np.ndarray, device: torch.device) -> torch.Tensor:
    """uint8 [B, H, W, 3] → float [B, 3, H, W] in [−1, 1]."""
    x = torch.from_numpy(np.ascontiguousarray(batch_uint8)).to(device).permute(0, 3, 1, 2).float()
    return (x / 127.5 - 1).contiguous(memory_format=torch.channels_last)


class Batches:
    """Epoch-wise shuffled batches, reproducible from (seed, step) so a resumed run sees the same data."""

    def __init__(self, n: int, batch_size: int, seed: int):
        self.n, self.bs, self.seed = n, batch_size, seed
        self.per_epoch = max(1, n // batch_size)

    def indices(self, step: int) -> np.ndarray:
        epoch, pos = divmod(step, self.per_epoch)
        perm = np.random.default_rng((self.seed, epoch)).permutation(self.n)
        return np.sort(perm[pos * self.bs : (pos + 1) * self.bs])


def train(cfg: TrainConfig, resume: bool = False, progress: bool = True) -> Path:
    from unif2ace.io import atomic_write, atomic_write_text
    from unif2ace.progress import bar as progress_bar

    from .checkpoint import save_tokenizer
    from .data import load_split
    from .losses import (
        FaceDescriptorLoss,
        InceptionPerceptualLoss,
        PatchDiscriminator,
        generator_adv_loss,
        hinge_d_loss,
        reconstruction_loss,
    )

    if not cfg.data:
        raise ValueError("no training data: pass --data FOLDER (images) or a .npy/.txt/.jsonl file")
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    out = Path(cfg.out)
    ckpt_path = out / "checkpoint.pt"
    if ckpt_path.exists() and not resume:
        raise ValueError(f"{out} already holds a run; pass --resume to continue it or choose another --out")
    device = torch.device(cfg.device)
    torch.manual_seed(cfg.seed)
    train_imgs, held_imgs = load_split(cfg.data, cfg.resolution, cfg.holdout, cfg.cache_dir, progress)
    print(f"data: {len(train_imgs)} training, {len(held_imgs)} held-out images at {cfg.resolution} px")

    if cfg.init:
        from .checkpoint import load_tokenizer

        model = load_tokenizer(cfg.init, device=device).float().train()
        model.quantize.entropy_temperature = cfg.entropy_temperature
        mcfg = model.config
        if mcfg.resolution != cfg.resolution:
            raise ValueError(f"--set resolution={cfg.resolution} differs from {cfg.init}'s {mcfg.resolution}: "
                             f"train at the resolution the tokenizer was made for")
    else:
        mcfg = cfg.model_config()
        model = ImageTokenizer(mcfg, entropy_temperature=cfg.entropy_temperature).to(device)
    model = model.to(memory_format=torch.channels_last)
    trained = model.decoder if cfg.decoder_only else model
    if cfg.decoder_only:
        model.encoder.requires_grad_(False)
        model.quantize.requires_grad_(False)
    opt = torch.optim.AdamW(trained.parameters(), lr=cfg.lr, betas=cfg.betas, weight_decay=cfg.weight_decay)
    disc = disc_opt = None
    if cfg.disc_weight > 0:
        disc = PatchDiscriminator().to(device)
        disc_opt = torch.optim.AdamW(disc.parameters(), lr=cfg.disc_lr, betas=(0.5, 0.9))
    perceptual = InceptionPerceptualLoss().to(device) if cfg.perceptual_weight > 0 else None
    identity = FaceDescriptorLoss(device=device) if cfg.identity_weight > 0 else None
    step, elapsed_before = 0, 0.0
    if resume and ckpt_path.exists():
        from unif2ace.training.checkpointing import safe_load

        state = safe_load(ckpt_path, map_location=device)  # tensors and plain data only: never runs code
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        if disc is not None and state.get("disc"):
            disc.load_state_dict(state["disc"])
            disc_opt.load_state_dict(state["disc_opt"])
        step = state["step"]
        elapsed_before = state.get("elapsed_s", 0.0)
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed {out} at step {step}")
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "train_config.json", json.dumps(dataclasses.asdict(cfg), indent=2) + "\n")
    print(f"model: {mcfg.name} {model.num_parameters() / 1e6:.2f}M parameters, {mcfg.downsample_factor}× → "
          f"{mcfg.tokens_per_image} codes of {mcfg.code_bits} bits per {cfg.resolution} px image")

    def save_checkpoint() -> None:
        state = {"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                 "torch_rng": torch.get_rng_state(),
                 "elapsed_s": elapsed_before + time.time() - started, "train_config": dataclasses.asdict(cfg),
                 "disc": disc.state_dict() if disc is not None else None,
                 "disc_opt": disc_opt.state_dict() if disc_opt is not None else None}
        atomic_write(ckpt_path, lambda tmp: torch.save(state, tmp))

    eval_x = to_model_input(held_imgs[: cfg.eval_images], device)
    batches = Batches(len(train_imgs), cfg.batch_size, cfg.seed)
    log = open(out / "log.jsonl", "a")
    started = time.time()
    bar = progress_bar(cfg.steps, "tokenizer", unit="step", disable=None if progress else True, initial=step)
    while step < cfg.steps:
        elapsed = elapsed_before + time.time() - started
        if cfg.max_minutes and elapsed > cfg.max_minutes * 60:
            print(f"stopping at step {step}: --max-minutes {cfg.max_minutes} reached")
            break
        x = to_model_input(train_imgs[batches.indices(step)], device)
        if cfg.flip:
            flip = torch.rand(x.shape[0], device=device) < 0.5
            x = torch.where(flip[:, None, None, None], x.flip(-1), x)
        for g in opt.param_groups:
            g["lr"] = lr = lr_at(step, cfg, elapsed)
        use_gan = disc is not None and step >= cfg.disc_start
        gan_to_model = use_gan and step >= cfg.disc_start + cfg.disc_warmup
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cfg.bf16):
            if cfg.decoder_only:
                with torch.no_grad():
                    o = model.quantize(model.encoder(x))
                rec = model.decoder(o["z_q"].to(x.dtype)).float()
                losses = {"recon": reconstruction_loss(rec, x, cfg.recon_loss)}
                loss = losses["recon"]
            else:
                o = model(x)
                rec = o["recon"].float()
                losses = {"recon": reconstruction_loss(rec, x, cfg.recon_loss), "commit": o["commitment"],
                          "entropy": o["sample_entropy"] - cfg.codebook_entropy_weight * o["codebook_entropy"]}
                loss = losses["recon"] + cfg.commit_weight * losses["commit"] + cfg.entropy_weight * losses["entropy"]
            if perceptual is not None:
                losses["perceptual"] = perceptual(rec, x)
                loss = loss + cfg.perceptual_weight * losses["perceptual"]
            if identity is not None:
                losses["identity"] = identity(rec, x)
                loss = loss + cfg.identity_weight * losses["identity"]
            if gan_to_model:
                losses["g_adv"] = generator_adv_loss(disc(rec))
                weight = cfg.disc_weight
                if cfg.disc_adaptive:
                    losses["gan_lambda"] = adaptive_gan_weight(loss, losses["g_adv"], model.decoder.conv_out.weight)
                    weight = weight * losses["gan_lambda"]
                loss = loss + weight * losses["g_adv"]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trained.parameters(), cfg.grad_clip)
        opt.step()
        if use_gan:
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cfg.bf16):
                losses["d"] = hinge_d_loss(disc(x), disc(rec.detach()))
            disc_opt.zero_grad(set_to_none=True)
            losses["d"].backward()
            disc_opt.step()
        step += 1
        psnr_batch = float(10 * torch.log10(4 / (rec.detach() - x).pow(2).mean()))
        record = {"step": step, "loss": float(loss.detach()), "psnr": psnr_batch, "lr": lr,
                  "codebook_entropy": float(o["codebook_entropy"].detach()), "time": round(elapsed_before + time.time() - started, 1),
                  **{k: float(v.detach()) for k, v in losses.items()}}
        bar.update(1)
        bar.set_postfix(loss=f"{record['loss']:.3f}", psnr=f"{psnr_batch:.2f}")
        if step % cfg.eval_every == 0 or step == cfg.steps:
            record.update(quick_eval(model, eval_x, out / "samples" / f"step_{step:06d}.png", cfg.bf16))
            bar.write(f"step {step}: held-out psnr {record['eval_psnr']:.2f} dB, "
                      f"usage {record['eval_usage']:.3f} of codes in {len(eval_x)} images")
        log.write(json.dumps(record) + "\n")
        log.flush()
        if step % cfg.ckpt_every == 0:
            save_checkpoint()
    bar.close()
    save_checkpoint()
    if step % cfg.eval_every:
        quick_eval(model, eval_x, out / "samples" / f"step_{step:06d}.png", cfg.bf16)
    final = save_tokenizer(model.eval(), out / "final")
    print(f"saved {final} after {step} steps ({(time.time() - started) / 60:.1f} min this session)")
    return final


@torch.no_grad()
def quick_eval(model: ImageTokenizer, x: torch.Tensor, png_path: Path, bf16: bool = True) -> dict[str, float]:
    """Held-out PSNR and code usage on a fixed batch; saves originals over reconstructions as a PNG."""
    from .evaluate import comparison_grid

    model.eval()
    recons, codes = [], []
    for i in range(0, len(x), 16):
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=bf16):
            o = model(x[i : i + 16])
        recons.append(o["recon"].float().clamp(-1, 1))
        codes.append(o["indices"])
    model.train()
    rec, codes = torch.cat(recons), torch.cat(codes)
    mse = ((rec - x) / 2).pow(2).flatten(1).mean(1)
    comparison_grid((x[:8] + 1) / 2, (rec[:8] + 1) / 2, png_path)
    return {"eval_psnr": float((10 * torch.log10(1 / mse)).mean()),
            "eval_usage": codes.unique().numel() / model.config.codebook_size}

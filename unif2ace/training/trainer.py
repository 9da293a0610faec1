"""The training loop: recipe → run folder with metrics, checkpoints, samples and a final model folder.

    RUN/config.yaml          the resolved recipe (after command-line overrides)
    RUN/metrics.jsonl        one JSON object per logged step / evaluation
    RUN/checkpoints/…        see :mod:`unif2ace.training.checkpointing` (resume with --resume)
    RUN/samples/step-N.png   generated faces for the fixed prompts; step-N.json captions of fixed photos
    RUN/model/               the exported model folder (:mod:`unif2ace.training.export`)

One optimizer step consumes ``batch_size`` rows split into micro-batches of t2i, mmu and lm rows
(:class:`~unif2ace.training.data.BatchPlan`); each process runs its share of the micro-batches and
gradients are averaged (DDP) or reduce-scattered (FSDP2).
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torch
from torch import nn

from unif2ace.training import checkpointing as ckpt
from unif2ace.training.config import SCRATCH_GENERATION, TrainConfig, save_config
from unif2ace.training.data import (
    BatchPlan,
    FaceTrainData,
    MicroBatch,
    advance,
    global_step_batches,
    prompt_vocabulary,
    shard_command,
    validation_batches,
)
from unif2ace.training.distributed import (
    full_model_state,
    full_optimizer_state,
    load_full_state,
    setup,
    wrap,
)
from unif2ace.training.objective import Objective, ObjectiveConfig
from unif2ace.training.optim import EMA, GroupOnly, fit_horizon, make_optimizer, make_scheduler

PEAK_BF16_FLOPS = {"H100": 989e12, "H200": 989e12, "A100": 312e12, "L40S": 362e12, "A10": 125e12, "4090": 165e12}


class TrainStep(nn.Module):
    """Loss of one micro-batch; the module DDP wraps, so one forward covers all row kinds."""

    def __init__(self, model: nn.Module, objective: Objective):
        super().__init__()
        self.model = model
        self.objective = objective

    def forward(self, mb: MicroBatch) -> tuple[torch.Tensor, dict]:
        loss = torch.zeros((), device=self.model.lm_head.weight.device)
        logs: dict = {}
        if mb.t2i is not None:
            t = mb.t2i
            l_t2i, lg = self.objective.t2i_noised(t.prompts, t.codes, t.noisy, t.masked, t.u, t.drop,
                                                  features=t.features or None)
            loss = loss + l_t2i
            logs.update(lg)
        if mb.mmu is not None:
            l_mmu, lg = self.objective.text(mb.mmu, features=mb.mmu_features or None, prefix="mmu")
            loss = loss + l_mmu
            logs.update(lg)
        if mb.lm is not None:
            l_lm, lg = self.objective.text(mb.lm, prefix="lm")
            loss = loss + l_lm
            logs.update(lg)
        return loss, logs


def _to(mb: MicroBatch, device) -> MicroBatch:
    if device.type == "cpu":
        return mb
    t = mb.t2i
    if t is not None:
        t = type(t)(t.prompts, t.codes.to(device), t.noisy.to(device), t.masked.to(device), t.u.to(device),
                    t.drop.to(device), {k: v.to(device) for k, v in t.features.items()})
    return MicroBatch(t, mb.mmu.to(device) if mb.mmu is not None else None,
                      {k: v.to(device) for k, v in mb.mmu_features.items()},
                      mb.lm.to(device) if mb.lm is not None else None)


class Prefetcher:
    """Optimizer step ``k``'s micro-batches, with step ``k + 1``'s built in a background thread.

    Building a batch is CPU work (tokenising prompts, masking codes): on a GPU it would otherwise
    leave the device idle for as long as it takes. Batches depend only on (step, position), so the
    rows are the same with or without prefetching; a request for another step builds it directly.
    """

    def __init__(self, build, plan: BatchPlan, enabled: bool):
        self.build, self.plan = build, plan
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="prefetch") if enabled else None
        self.pending = None  # ((step, position), future)

    @staticmethod
    def _key(step: int, position: dict) -> tuple:
        return step, tuple(sorted(position.items()))

    def get(self, position: dict, step: int, last: int) -> list[MicroBatch]:
        if self.pending is not None and self.pending[0] == self._key(step, position):
            batches = self.pending[1].result()
        else:
            batches = self.build(position, step)
        self.pending = None
        if self.pool is not None and step + 1 < last:
            nxt = advance(position, self.plan)
            self.pending = (self._key(step + 1, nxt), self.pool.submit(self.build, nxt, step + 1))
        return batches

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.pending = None


# ---------------------------------------------------------------------------------------- set-up
def build_model_config(cfg: TrainConfig, tokenizer, meta: dict, feature_dims: dict):
    from unif2ace.config import ModelConfig

    overrides = dict(cfg.model.overrides)
    if cfg.model.preset == "init":  # the architecture of the model folder the run starts from
        if not (Path(cfg.model.init) / "config.json").is_file():
            raise ValueError(f"model.preset=init reads the architecture of the model.init folder, but "
                             f"{cfg.model.init} " + ("has no config.json" if Path(cfg.model.init).exists()
                                                     else "does not exist") + "; give a model folder as model.init "
                             "or a preset name as model.preset (unif2ace info lists them)")
        mc = ModelConfig.load(cfg.model.init)
    else:
        mc = ModelConfig.from_name(cfg.model.preset)
    K = meta.get("codebook_size")
    if K and overrides.get("codebook_size", K) != K:
        raise ValueError(f"model.overrides.codebook_size={overrides['codebook_size']} but the cached codes use {K}")
    if K:
        overrides["codebook_size"] = K
    if mc.sequence_moe is not None and feature_dims and overrides.get("sequence_moe", {}) is not None:
        sm = dict(mc.sequence_moe.__dict__)
        sm.update({f"{kind}_dim": dim for kind, dim in feature_dims.items()})
        overrides["sequence_moe"] = {**sm, **overrides.get("sequence_moe", {})}
    mc = mc.replace(**overrides)
    if tokenizer.vocab_size != mc.text_vocab_size or tokenizer.eot_id != mc.eot_token_id:
        raise ValueError(f"text tokenizer '{cfg.data.text_tokenizer}' ({tokenizer.vocab_size} ids, eot {tokenizer.eot_id}) "
                         f"does not fit model '{mc.name}' (text_vocab_size {mc.text_vocab_size}, eot_token_id "
                         f"{mc.eot_token_id}); use bpe-1024 for tiny, bpe for small, phi for Show-o sizes")
    return mc


def build_model(cfg: TrainConfig, model_config) -> nn.Module:
    from unif2ace.checkpoint import load_backbone, read_state_dict
    from unif2ace.model import UniF2aceModel

    model = UniF2aceModel(model_config)
    if cfg.model.init != "scratch":
        state = read_state_dict(cfg.model.init)
        report = load_backbone(model, state, source=cfg.model.init_format,
                               allow_new=True if cfg.model.upcycle else None)
        n_new = len(report["initialised"])
        print(f"initialised from {cfg.model.init}" + (f" ({n_new} new MoE/QK-LN tensors at init)" if n_new else ""),
              file=sys.stderr)
    if cfg.model.reset_routers:
        from unif2ace.config import GROUPS

        if model_config.sequence_moe is None:
            raise ValueError("model.reset_routers names groups but the model has no sequence MoE; remove it")
        unknown = sorted(set(cfg.model.reset_routers) - set(GROUPS))
        if unknown:
            raise ValueError(f"model.reset_routers names {unknown} but the model has sequence-MoE groups "
                             f"{list(GROUPS)}; use those group names")
        for group, bias in cfg.model.reset_routers.items():
            for block in model.layers:
                block.sequence_moe.reset_router([group], float(bias))
    return model


def generation_defaults(cfg: TrainConfig) -> dict:
    """The exported model's sampling defaults: the init model folder's ``generation_config.json`` (when
    ``model.init`` is one of our model folders) or SCRATCH_GENERATION, updated by the recipe's ``generation``.
    Its token count and image size are the trained model's own, so they are not inherited."""
    init = Path(cfg.model.init)
    path = init / "generation_config.json"
    if cfg.model.init != "scratch" and path.is_file():
        base = {k: v for k, v in json.loads(path.read_text()).items() if k not in ("num_image_tokens", "image_size")}
    else:
        base = dict(SCRATCH_GENERATION)
    return {**base, **cfg.generation}


def _feature_dims(store, features: dict) -> dict:
    dims = {}
    for kind, name in features.items():
        ids = store.shard_ids("features", name)
        if not ids:
            raise ValueError(f"data.features.{kind} names '{name}' but {store.folder} has no such feature shards; "
                             f"make them with `{shard_command(store.folder, 'features', name)}`, or drop "
                             f"data.features.{kind} (data.features={{}} for none)")
        _, t = store.read_shards("features", name, [next(iter(ids))])
        dims[kind] = int(t.shape[-1])
    return dims


def _metrics_file(run: Path, resume_step: int) -> Path:
    """metrics.jsonl, cut back to the resumed step (a killed run may have logged past its checkpoint)."""
    from unif2ace.io import atomic_write_text

    path = run / "metrics.jsonl"
    if path.is_file():
        keep = []
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:  # a kill in the middle of a write: the line is torn, drop it
                print(f"{path}: dropped line {number}, cut short by the interrupted run", file=sys.stderr)
                continue
            if isinstance(record, dict) and record.get("step", 0) <= resume_step:
                keep.append(line)
        atomic_write_text(path, "".join(line + "\n" for line in keep))
    return path


def _peak_flops(device: torch.device) -> float | None:
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    return next((v for k, v in PEAK_BF16_FLOPS.items() if k in name), None)


# ---------------------------------------------------------------------------------------- loop
class Trainer:
    def __init__(self, cfg: TrainConfig, resume: bool = False):
        from unif2ace.data.store import FaceStore
        from unif2ace.pipeline.loading import emulated_bf16_warning
        from unif2ace.text import load_text_tokenizer
        from unif2ace.training.codes import codes_meta

        self.cfg = cfg
        self.dist, self.device = setup(cfg.device)
        d = self.dist
        if cfg.precision == "bf16" and d.main and (warning := emulated_bf16_warning(
                self.device, "precision: bf16", "set precision=fp32")):
            print(warning, file=sys.stderr)
        if cfg.threads and self.device.type == "cpu":
            torch.set_num_threads(cfg.threads)
        self.run = Path(cfg.out)
        existing = ckpt.latest_checkpoint(self.run)
        if existing is not None and not resume:
            raise ValueError(f"{self.run} already holds checkpoints; pass --resume to continue it or choose another out=")
        torch.manual_seed(cfg.seed)

        self.tokenizer = load_text_tokenizer(cfg.data.text_tokenizer)
        store = FaceStore.open(cfg.data.dataset)
        if not cfg.data.codes:
            raise ValueError("data.codes is empty: name the codes shard written by `unif2ace encode-codes`")
        meta = codes_meta(store, cfg.data.codes)
        self.model_config = build_model_config(cfg, self.tokenizer, meta, _feature_dims(store, cfg.data.features))
        oc = cfg.objective
        from unif2ace.diffusion.d3diff import D3DiffLoss

        self.objective_config = ObjectiveConfig(d3diff=D3DiffLoss(alpha=oc.alpha, schedule=oc.schedule, mode=oc.mode,
                                                                    score_param=oc.score_param),
                                                mmu_coef=oc.mmu_coef, lm_coef=oc.lm_coef,
                                                cond_dropout=oc.cond_dropout)
        kw = dict(codes_name=cfg.data.codes, tokenizer=self.tokenizer, model_config=self.model_config,
                  data_cfg=cfg.data, objective_cfg=oc, seed=cfg.seed, flip_name=cfg.data.flip_codes,
                  features=cfg.data.features, grey_name=cfg.data.grey_codes)
        self.train_data = FaceTrainData(store, cfg.data.train_split, limit=cfg.data.limit, **kw)
        self.val_data = FaceTrainData(store, cfg.data.val_split, **{**kw, "flip_name": None, "grey_name": None})
        if self.train_data.missing and d.main:
            print(f"warning: {self.train_data.missing} training records lack codes '{cfg.data.codes}' (or the flip/grey "
                  "codes or features the recipe names) and are skipped; run encode-codes / data encode again to add "
                  "them", file=sys.stderr)
        N = self.train_data.num_tokens
        need = self.model_config.max_text_len + N + 4
        if need > self.model_config.max_position_embeddings:
            raise ValueError(f"{N} image tokens + {self.model_config.max_text_len} text tokens exceed "
                             f"max_position_embeddings {self.model_config.max_position_embeddings}")

        micro = cfg.micro_batch_size or cfg.batch_size // d.world
        self.plan = BatchPlan.make(cfg.batch_size, micro, cfg.mmu_fraction, cfg.lm_fraction)
        if self.plan.micro_batches % d.world:
            raise ValueError(f"{self.plan.micro_batches} micro-batches per step cannot be shared by {d.world} "
                             "processes; change batch_size or micro_batch_size")
        self.accum = self.plan.micro_batches // d.world

        self.model = build_model(cfg, self.model_config).to(self.device)
        self.model.gradient_checkpointing = cfg.gradient_checkpointing
        self.group_only = None
        if cfg.model.trainable != "all":
            self.group_only = GroupOnly(self.model, self.model_config, cfg.model.trainable)
            if d.main:
                print(f"training only the {cfg.model.trainable} group's own weights: {self.group_only.trained:,} "
                      "numbers; every other weight stays as loaded", file=sys.stderr)
        self.objective = Objective(self.model, self.objective_config)
        self.step_module = wrap(TrainStep(self.model, self.objective), self.model, cfg.parallel, d, self.device)
        self.optimizer = make_optimizer(self.model, cfg.optim, self.device.type)
        self.scheduler = make_scheduler(self.optimizer, cfg.optim, cfg.steps)
        self.ema = EMA(self.model, cfg.ema) if cfg.ema else None
        if cfg.compile:
            self.model.compile(dynamic=True)
        self.step = 0
        self.position = {"t2i": 0, "mmu": 0, "lm": 0}
        if existing is not None:
            self._load(existing)
        if d.main:
            self.run.mkdir(parents=True, exist_ok=True)
            save_config(cfg, self.run / "config.yaml")
        self.metrics_path = _metrics_file(self.run, self.step) if d.main else None
        self.tb = None
        if cfg.tensorboard and d.main:
            try:
                from torch.utils.tensorboard import SummaryWriter
            except ImportError:
                raise ValueError("tensorboard=true needs the optional tensorboard package (pip install tensorboard); "
                                 "metrics.jsonl is always written") from None
            self.tb = SummaryWriter(str(self.run / "tensorboard"))

    # ------------------------------------------------------------------ checkpoints
    def save_checkpoint(self) -> None:
        d, cfg = self.dist, self.cfg
        folder = ckpt.tmp_dir(self.run, self.step)
        model_state = full_model_state(self.model, cfg.parallel, d)
        optim_state = full_optimizer_state(self.model, self.optimizer, cfg.parallel, d)
        ema_state = self.ema.state_dict() if self.ema is not None else None
        if d.main:
            state = {"step": self.step, "position": dict(self.position), "optimizer": optim_state,
                     "scheduler": self.scheduler.state_dict(), "world": d.world}
            ckpt.write_main_files(folder, model_state, self.model_config, state, ema_state)
        d.barrier()
        ckpt.write_rank_files(folder, d.rank)
        d.barrier()
        if d.main:
            ckpt.commit(self.run, self.step, cfg.keep_last)
        d.barrier()

    def _load(self, folder: Path) -> None:
        from unif2ace.checkpoint import read_state_dict

        state = ckpt.load_state(folder)
        load_full_state(self.model, self.optimizer, read_state_dict(folder / "model.safetensors"),
                        state["optimizer"], self.cfg.parallel, self.dist)
        self.scheduler.load_state_dict(state["scheduler"])
        if self.ema is not None:
            self.ema.load_state_dict(read_state_dict(folder / "ema.safetensors"))
        self.step, self.position = state["step"], dict(state["position"])
        ckpt.restore_rng(folder, self.dist.rank)
        if self.dist.main:
            print(f"resumed {self.run} at step {self.step} from {folder.name}", file=sys.stderr)

    # ------------------------------------------------------------------ logging
    def log(self, record: dict) -> None:
        if not self.dist.main:
            return
        with open(self.metrics_path, "a") as fh:
            fh.write(json.dumps(record) + "\n")
        if self.tb is not None:
            for k, v in record.items():
                if k != "step" and isinstance(v, (int, float)):
                    self.tb.add_scalar(k, v, record["step"])

    def autocast(self):
        if self.cfg.precision == "bf16":
            return torch.autocast(self.device.type, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    # ------------------------------------------------------------------ evaluation
    @torch.no_grad()
    def evaluate(self) -> dict:
        self.model.eval()
        sums: dict[str, float] = {}
        batches = validation_batches(self.val_data, self.cfg.eval_examples, max(1, self.plan.t2i + self.plan.mmu),
                                     self.cfg.seed)
        for mb in batches:
            mb = _to(mb, self.device)
            with self.autocast():
                _, logs = TrainStep(self.model, self.objective)(mb)
            for k in ("t2i/loss", "t2i/mask_ce", "mmu/ce"):
                if k in logs:
                    sums[k] = sums.get(k, 0.0) + float(logs[k])
        self.model.train()
        out = {f"val/{k}": v / len(batches) for k, v in sums.items()}
        out["val/loss"] = out.get("val/t2i/loss", 0.0) + out.get("val/mmu/ce", 0.0)
        return out

    def write_samples(self) -> None:
        from unif2ace.training.samples import write_samples

        d = self.dist
        if d.on and self.cfg.parallel == "ddp" and not d.main:  # DDP: the plain model needs no peers
            d.barrier()
            return
        model = self.model
        model.eval()
        try:
            write_samples(model, self.cfg, self.tokenizer, self.val_data, self.run / "samples", self.step,
                          self.device, write=self.dist.main, generation=generation_defaults(self.cfg))
        finally:
            model.train()
        if d.on and self.cfg.parallel == "ddp":
            d.barrier()

    # ------------------------------------------------------------------ the loop
    def train(self, stop_at: int | None = None) -> Path:
        """Train to ``cfg.steps`` (or stop after ``stop_at``, leaving a checkpoint: the test's 'kill')."""
        cfg, d = self.cfg, self.dist
        model = self.model
        model.train()
        n_params = model.num_parameters(active_only=True) if hasattr(model, "num_parameters") else 0
        peak = _peak_flops(self.device)
        started = time.time()
        bar = None
        if d.main:
            from unif2ace.progress import bar as progress_bar

            bar = progress_bar(cfg.steps, "train", unit="step", initial=self.step)  # log lines when not a terminal
        end = cfg.steps if stop_at is None else min(cfg.steps, stop_at)
        my_micro = [d.rank * self.accum + a for a in range(self.accum)]
        self.stopped_for_time = False
        first_step = self.step
        fit_after = max(10, cfg.optim.warmup_steps - first_step)  # steps to time before fitting the LR horizon
        prefetch = cfg.prefetch if cfg.prefetch is not None else self.device.type != "cpu"
        batches = Prefetcher(lambda pos, step: global_step_batches(self.train_data, self.plan, pos, step, cfg.seed,
                                                                   my_micro), self.plan, prefetch)
        try:
            self._loop(batches, end, first_step, fit_after, started, n_params, peak, bar)
        finally:
            batches.close()
            if bar is not None:
                bar.close()
        if self.step >= cfg.steps or self.stopped_for_time:
            self.export()
        return self.run

    def _loop(self, batches: Prefetcher, end: int, first_step: int, fit_after: int, started: float, n_params: int,
              peak: float | None, bar) -> None:
        cfg, d, model = self.cfg, self.dist, self.model
        fit_mark: tuple[float, int] | None = None  # (time, step) the step time is measured from: the last fit
        window_tokens, window_time = 0, 0.0
        while self.step < end:
            t0 = time.perf_counter()
            fit_mark = fit_mark or (time.time(), self.step)  # from the first step on, without the start-up
            mbs = batches.get(self.position, self.step, end)
            logs_sum: dict[str, float] = {}
            tokens = 0
            for i, mb in enumerate(mbs):
                mb = _to(mb, self.device)
                tokens += mb.tokens
                sync = i == len(mbs) - 1 or not d.on or cfg.parallel == "fsdp"
                ctx = self.step_module.no_sync() if (not sync and hasattr(self.step_module, "no_sync")) \
                    else contextlib.nullcontext()
                with ctx:
                    with self.autocast():
                        loss, logs = self.step_module(mb)
                    (loss / self.accum).backward()
                logs_sum["loss"] = logs_sum.get("loss", 0.0) + float(loss.detach())
                for k, v in logs.items():
                    logs_sum[k] = logs_sum.get(k, 0.0) + float(v)
            grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.optim.grad_clip)
            if hasattr(grad_norm, "full_tensor"):
                grad_norm = grad_norm.full_tensor()
            self.optimizer.step()
            if self.group_only is not None:
                self.group_only.restore()
            self.optimizer.zero_grad(set_to_none=True)
            lr = self.scheduler.get_last_lr()[0]
            self.scheduler.step()
            if self.ema is not None:
                self.ema.update(model)
            self.position = advance(self.position, self.plan)
            self.step += 1
            dt = time.perf_counter() - t0
            window_tokens += tokens * d.world
            window_time += dt
            done = self.step - first_step
            if cfg.max_minutes is not None and (done == fit_after or done > fit_after and self.step % cfg.ckpt_every == 0):
                # fit the cosine to the time cap from the step time since the last fit; refitted at each
                # checkpoint, so a machine that gets busier (or quieter) still ends its cosine in time
                now = time.time()
                t = d.mean({"run": now - started, "window": now - fit_mark[0]})  # the same on every rank
                total = fit_horizon(self.scheduler.lr_lambdas[0], self.step, t["window"] / (self.step - fit_mark[1]),
                                    cfg.max_minutes * 60 - t["run"], cfg.steps)
                fit_mark = (now, self.step)
                if d.main and done == fit_after and total < cfg.steps:
                    print(f"max_minutes={cfg.max_minutes}: about {total} steps fit, the LR schedule now ends there "
                          "(refitted at each checkpoint)", file=sys.stderr)
            if self.step % cfg.log_every == 0 or self.step == end:
                logs = d.mean({k: v / len(mbs) for k, v in logs_sum.items()})
                record = {"step": self.step, "lr": lr, "lr_horizon": self.scheduler.lr_lambdas[0].total,
                          "grad_norm": float(grad_norm), **logs,
                          "tokens_per_s": window_tokens / max(window_time, 1e-9),
                          "time": round(time.time() - started, 2)}
                if peak:
                    record["mfu"] = 6 * n_params * record["tokens_per_s"] / (peak * d.world)
                self.log(record)
                if bar is not None:
                    bar.set_postfix(loss=f"{record['loss']:.3f}", tok_s=f"{record['tokens_per_s']:.0f}")
                window_tokens, window_time = 0, 0.0
            if bar is not None:
                bar.update(1)
            if not math.isfinite(logs_sum["loss"]):
                raise FloatingPointError(f"loss is {logs_sum['loss']} at step {self.step}; lower optim.lr or check the data")
            out_of_time = cfg.max_minutes is not None and (time.time() - started) / 60 >= cfg.max_minutes
            if d.on:
                flag = torch.tensor([float(out_of_time)])
                torch.distributed.all_reduce(flag)
                out_of_time = bool(flag.item())
            # a time-capped export_best run also evaluates its last step: its LR ended there
            if cfg.eval_every and (self.step % cfg.eval_every == 0 or self.step == cfg.steps
                                   or (out_of_time and cfg.export_best)):
                scores = self.evaluate()
                self.log({"step": self.step, **scores})
                if cfg.export_best:
                    self._keep_if_best(scores)
            if cfg.sample_every and (self.step % cfg.sample_every == 0 or self.step == cfg.steps):
                self.write_samples()
            if self.step % cfg.ckpt_every == 0 or self.step == end or out_of_time:
                self.save_checkpoint()
            if out_of_time:
                self.stopped_for_time = True
                break

    # ------------------------------------------------------------------ best weights (export_best)
    @property
    def best_path(self) -> Path:
        return self.run / "best" / "model.safetensors"

    def best_so_far(self) -> tuple[int, float] | None:
        """(step, score) of the weights in RUN/best/, if any."""
        if not self.best_path.is_file():
            return None
        from safetensors import safe_open

        with safe_open(str(self.best_path), "pt") as fh:
            meta = fh.metadata() or {}
        return int(meta["step"]), float(meta["score"])

    def _keep_if_best(self, scores: dict) -> None:
        score = scores.get("val/t2i/mask_ce", 0.0) + scores.get("val/mmu/ce", 0.0)
        best = self.best_so_far()
        # weights saved at a later step than this one come from a killed run's lost steps: replace them
        if best is not None and best[0] < self.step and score >= best[1]:
            return
        state = full_model_state(self.model, self.cfg.parallel, self.dist)  # collective under FSDP
        if self.dist.main:
            from unif2ace.io import save_safetensors

            save_safetensors(state, self.best_path, metadata={"step": str(self.step), "score": repr(score)})
        self.dist.barrier()

    def _feature_encoders(self) -> dict:
        """``{kind}_encoder`` for the generation config, named after the feature shards the model was
        trained on, so inference computes the same features; the recipe's ``generation`` block wins."""
        from unif2ace.encoders import encoder_for_features

        out = {}
        for kind, shard in self.cfg.data.features.items():
            key = f"{kind}_encoder"
            if key in self.cfg.generation or kind not in ("identity", "semantic"):
                continue
            if (name := encoder_for_features(shard)) is not None:
                out[key] = name
            else:
                print(f"note: the model was trained on '{shard}' {kind} features; name their encoder in the recipe's "
                      f"generation.{key} (or pass {key}=... to UniF2ace.from_pretrained) so inference computes them",
                      file=sys.stderr)
        return out

    def export(self) -> Path | None:
        from unif2ace.training.export import export_model_folder

        best = self.best_so_far() if self.cfg.export_best else None  # the same file, so the same on every rank
        if best is None:
            model_state = full_model_state(self.model, self.cfg.parallel, self.dist)  # collective under FSDP
            ema = self.ema.state_dict() if self.ema is not None else None
        if not self.dist.main:
            return None
        if best is not None:
            from unif2ace.checkpoint import read_state_dict

            model_state, ema = read_state_dict(self.best_path), None
            print(f"export_best: exporting the weights of step {best[0]} (val image-code + answer CE "
                  f"{best[1]:.4f}, the lowest of the run's evaluations)", file=sys.stderr)
        gen = {"num_image_tokens": self.train_data.num_tokens, **generation_defaults(self.cfg),
               **self._feature_encoders()}
        if gen.get("prompt_words", ()) is not None:  # the base's words and this data's (a recipe's null: none)
            gen["prompt_words"] = sorted(prompt_vocabulary(self.train_data.records, self.cfg.data,
                                                           gen.get("prompt_words") or ()))
        meta_res = None
        if self.cfg.data.image_tokenizer is None:
            from unif2ace.data.store import FaceStore
            from unif2ace.training.codes import codes_meta

            meta_res = codes_meta(FaceStore.open(self.cfg.data.dataset), self.cfg.data.codes).get("resolution")
            if meta_res:
                gen.setdefault("image_size", meta_res)
        out = export_model_folder(self.model, self.tokenizer, self.cfg.data.image_tokenizer, self.run / "model", gen,
                                  state_dict={**model_state, **(ema or {})})
        print(f"model folder: {out}", file=sys.stderr)
        return out


def train(cfg: TrainConfig, resume: bool = False, stop_at: int | None = None) -> Path:
    trainer = Trainer(cfg, resume=resume)
    try:
        return trainer.train(stop_at=stop_at)
    except KeyboardInterrupt:
        last = ckpt.latest_checkpoint(trainer.run)
        if trainer.dist.main:
            print(f"interrupted at step {trainer.step}; " + (f"continue from {last.name} with --resume" if last
                  else "no checkpoint yet"), file=sys.stderr)
        raise
    finally:
        from unif2ace.training.distributed import teardown

        teardown()

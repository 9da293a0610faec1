"""Training batches from a FaceStore and its cached image codes.

Every example of the split gives, on demand:

- a **t2i** row: caption → codes (or, with probability ``attribute_prompts``, a short prompt built
  from the attributes the record's text states, e.g. "a smiling young Asian woman, head turned left");
  with the optional augmentations, the mirrored photo's codes (left and right swapped in the text) or,
  for a ``grey_fraction`` of rows, the greyscale photo's codes with the text saying black and white;
- an **mmu** row: the photo's codes, then 1…``max_turns`` QA turns (stage 2) or one
  "describe this face" → caption turn (stage 1); loss on the answer tokens only;
- an **lm** row (optional): the caption as plain text.

Determinism is the point of this module. Each stream walks its own per-epoch permutation of the
split; the k-th example a stream ever draws is shaped by ``numpy.random.default_rng([seed, stream,
k])`` and the step's diffusion noise by a generator seeded with ``(seed, step)``. Nothing depends on
how many processes or micro-batches share the work, so the data position is three counters, a
resumed run continues exactly, and 1 process computes the same rows as K processes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import torch

from unif2ace.diffusion.schedules import mask_codes, stratified_uniform
from unif2ace.sequences import Prompter, SequenceBatch
from unif2ace.training.config import cell_weights

STREAMS = ("t2i", "mmu", "lm")
DESCRIBE = ("Describe this face in detail.", "Give a detailed description of the person in this photo.",
            "What does the person in the image look like?", "Write a detailed caption for this face.")
ETHNICITY = {"White": "White", "Black": "Black", "Asian": "Asian", "Indian": "South Asian"}
SUBJECTS = {  # (age group, gender) -> noun
    ("child", "female"): "girl", ("child", "male"): "boy", ("child", None): "child",
    ("teen", "female"): "teenage girl", ("teen", "male"): "teenage boy", ("teen", None): "teenager",
    ("young adult", "female"): "young woman", ("young adult", "male"): "young man",
    ("middle-aged", "female"): "middle-aged woman", ("middle-aged", "male"): "middle-aged man",
    ("senior", "female"): "old woman", ("senior", "male"): "old man", ("senior", None): "old person",
}
MODIFIERS = {  # attribute -> value -> phrase (values the labellers state; others are skipped)
    "smile": {True: "smiling", False: "not smiling"},
    "emotion": {"happy": "happy", "neutral": "with a neutral expression", "surprise": "surprised", "sad": "sad"},
    "mouth": {"closed": "mouth closed", "slightly open": "mouth slightly open", "wide open": "mouth wide open"},
    "eyes": {"narrowed": "narrowed eyes"},
    "head_pose": {"frontal": "facing the camera", "slightly turned left": "head slightly turned left",
                  "slightly turned right": "head slightly turned right", "turned left": "head turned left",
                  "turned right": "head turned right"},
    "head_tilt": {"tilted": "head tilted"},
    "color": {"black and white": "black and white photo"},
    "sharpness": {"blurry": "blurry photo"},
    "lighting": {"dim": "dim lighting", "bright": "bright lighting"},
    "glasses": {True: "wearing glasses"},
    "facial_hair": {True: "with a beard or moustache"},
}


def stated_attributes(record, threshold: float = 0.6) -> dict:
    stated = record.meta.get("stated") if record.meta else None
    if stated is None:
        return record.confident(threshold)
    return {k: record.attributes[k].value for k in stated if k in record.attributes}


BW_PHRASES = ("black and white photo", "black-and-white photo", "black and white", "monochrome photo",
              "greyscale photo", "grayscale photo", "black and white picture")
BW_ADJECTIVES = ("black-and-white", "monochrome", "black and white", "greyscale")
_CAPTION_COLOUR = re.compile(r"\b(?:full-color|color|colour)(?=[ ,])")


# How people frame a short description of a face ("A photo of a smiling Black woman."): a share of the
# attribute prompts is written in one of these (data.prompt_frames), so that a framed short prompt is not
# a wording the model has never seen; the captions already begin with several of them.
PROMPT_FRAMES = ("A close-up photo of {}.", "A photo of {}.", "Photo of {}", "A portrait of {}.",
                 "A headshot of {}.", "A picture of {}.", "Close-up of {}.", "An image of {}.",
                 "A face photo of {}", "A realistic photo of {}.", "A portrait photo of {}.", "{}.")


def frame_prompt(text: str, rng: np.random.Generator) -> str:
    """``text`` ("a black young woman, smiling") in one of ``PROMPT_FRAMES``, its first letter capitalised
    when the frame starts with it."""
    frame = PROMPT_FRAMES[int(rng.integers(len(PROMPT_FRAMES)))]
    out = frame.format(text)
    return out[0].upper() + out[1:]


def attribute_prompt(record, rng: np.random.Generator, black_and_white: bool = False) -> str:
    """A short prompt from the stated attributes only, with random order and omissions; with
    ``black_and_white`` (a greyscale-augmented row) it always says so, in one of several wordings."""
    a = stated_attributes(record)
    group = a.get("age_group")
    gender = a.get("gender") if a.get("gender") in ("female", "male") else None
    noun = SUBJECTS.get((group, gender)) or SUBJECTS.get((group, None)) or {"female": "woman", "male": "man"}.get(
        gender, "person")
    words = []
    if "ethnicity" in a and a["ethnicity"] in ETHNICITY and rng.random() < 0.7:
        words.append(ETHNICITY[a["ethnicity"]])
    subject = " ".join(words + [noun])
    if "age" in a and isinstance(a["age"], (int, float)) and rng.random() < 0.3:
        subject += f" aged {int(a['age'])}"
    mods = [MODIFIERS[k][v] for k, v in a.items() if k in MODIFIERS and v in MODIFIERS[k]]
    mods = [m for m in mods if rng.random() < 0.6]
    if black_and_white:
        mods = [m for m in mods if m != MODIFIERS["color"]["black and white"]]
        mods.append(BW_PHRASES[int(rng.integers(len(BW_PHRASES)))])
    rng.shuffle(mods)
    article = "an" if subject[0].lower() in "aeiou" else "a"
    return ", ".join([f"{article} {subject}"] + mods)


_PROMPT_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")


def prompt_vocabulary(records, data_cfg, base=()) -> set[str]:
    """The words of every prompt a t2i row of these records can be trained on: their captions, and as the data
    section makes them the attribute prompts' words, their frames and the black-and-white wordings, with ``base``
    (a fine-tune's init model's). Exported as the model's ``prompt_words`` (``contrast.known_words_only``)."""
    texts = [r.caption for r in records]
    if data_cfg.attribute_prompts:
        texts += list(SUBJECTS.values()) + list(ETHNICITY.values()) + ["aged"]
        texts += [phrase for values in MODIFIERS.values() for phrase in values.values()]
    if data_cfg.prompt_frames:
        texts += list(PROMPT_FRAMES)
    if data_cfg.grey_fraction:
        texts += list(BW_PHRASES) + list(BW_ADJECTIVES) + ["photo picture image"]
    words = {w for text in texts for w in _PROMPT_WORD.findall(text.lower())}
    # numbers and ages ("55", "8-year-old") are known to known_words_only whatever the data holds
    return {w[:-2] if w.endswith("'s") else w for w in words if not any(c.isdigit() for c in w)} | set(base)


def black_and_white_caption(text: str, rng: np.random.Generator) -> str:
    """The caption of a photo turned greyscale: its colour word ("a full-color photo") becomes a
    black-and-white one; a caption that names no colour gets a closing sentence that does."""
    word = BW_ADJECTIVES[int(rng.integers(len(BW_ADJECTIVES)))]
    out, n = _CAPTION_COLOUR.subn(word, text)
    if n:
        return out
    noun = ("photo", "picture", "image")[int(rng.integers(3))]
    return f"{text.rstrip()} It is a {word} {noun}."


def retype(question: str, rng: np.random.Generator, share: float) -> str:
    """With probability ``share`` the question as someone else might type it
    (:func:`unif2ace.data.wordings.vary_surface`), unless that is a kept-out wording."""
    from unif2ace.data.questions import kept_out
    from unif2ace.data.wordings import vary_surface

    if rng.random() >= share:
        return question
    typed = vary_surface(question, rng)
    return question if kept_out(typed) else typed


def swap_left_right(text: str) -> str:
    return text.replace("left", "\0").replace("right", "left").replace("\0", "right")


@dataclass
class T2IRows:
    prompts: list  # token ids per row
    codes: torch.Tensor  # (B, N) clean
    noisy: torch.Tensor  # (B, N)
    masked: torch.Tensor  # (B, N) bool
    u: torch.Tensor  # (B,)
    drop: torch.Tensor  # (B,) bool
    features: dict = field(default_factory=dict)


@dataclass
class MicroBatch:
    t2i: T2IRows | None
    mmu: SequenceBatch | None
    mmu_features: dict
    lm: SequenceBatch | None

    @property
    def rows(self) -> int:
        return sum(0 if x is None else len(x.codes if isinstance(x, T2IRows) else x.input_ids)
                   for x in (self.t2i, self.mmu, self.lm))

    @property
    def tokens(self) -> int:
        n = 0
        if self.t2i is not None:
            n += sum(len(p) + 4 for p in self.t2i.prompts) + self.t2i.codes.numel()
        for b in (self.mmu, self.lm):
            if b is not None:
                n += int(b.attention_mask[:, 0].diagonal(dim1=-2, dim2=-1).sum())  # valid positions see themselves
        return n


def shard_command(folder, kind: str, name: str, codes_name: str = "", tokenizer: str | None = None) -> str:
    """The command that writes a missing shard (for the errors that name it)."""
    if kind == "features":
        return f"unif2ace data encode {folder} --encoder {re.sub(r'-[0-9]+$', '', name)}"
    variant = {f"{codes_name}-flip": " --flip", f"{codes_name}-grey": " --grey"}.get(name, "")
    base = codes_name if variant else name
    return f"unif2ace encode-codes {folder} --tokenizer {tokenizer or 'IMAGE_TOKENIZER'} --name {base}{variant}"


def _drop(key: str) -> str:
    """How to train without an optional shard, as a command-line override."""
    return "drop it from data.features (data.features={} for none)" if key.startswith("features.") else f"set data.{key}=null"


class FaceTrainData:
    """One split of a FaceStore with its codes, as deterministic streams of model-ready rows."""

    def __init__(self, store, split: str, codes_name: str, tokenizer, model_config, data_cfg, objective_cfg,
                 seed: int = 0, flip_name: str | None = None, features: dict | None = None,
                 limit: int | None = None, grey_name: str | None = None):
        self.config = model_config
        self.data_cfg = data_cfg
        self.objective_cfg = objective_cfg
        self.seed = seed
        self.tokenizer = tokenizer
        self.prompter = Prompter(model_config, tokenizer)
        wanted = set(store.split_ids(split))
        if not wanted:
            raise ValueError(f"{store.folder} has no '{split}' records; rebuild it with a larger share for it, e.g. "
                             f"`unif2ace data build … --out {store.folder} --split 0.8,0.1,0.1` (nothing is "
                             "labelled again)")
        # every shard a row reads must hold the record (shards still being encoded hold a prefix)
        shards = [("codes", codes_name, "codes"), ("codes", flip_name, "flip_codes"), ("codes", grey_name, "grey_codes")]
        shards += [("features", name, f"features.{kind}") for kind, name in (features or {}).items()]
        have = set(wanted)
        for kind, name, key in shards:
            if name:
                stored = store.shard_ids(kind, name)
                if not stored & wanted:
                    raise ValueError(f"data.{key}: no '{split}' record of {store.folder} has {kind} '{name}'; make "
                                     f"them with `{shard_command(store.folder, kind, name, codes_name, data_cfg.image_tokenizer)}`"
                                     + ("" if key == "codes" else f" or {_drop(key)}"))
                have &= stored
        ids = sorted(have)
        if limit:
            ids = ids[:limit]
        if not ids:
            raise ValueError(f"no '{split}' record of {store.folder} is in every shard a row reads ({codes_name} and "
                             "its variants, features); finish encoding them (the commands are resumable)")
        self.missing = len(wanted) - len(ids) if not limit else 0
        by_id = {r.id: r for r in store.records(split)}
        self.records = [by_id[i] for i in ids]
        self.ids = ids
        # per stream: each record's probability of being drawn (None: each record once per epoch)
        self.draw_weights = {stream: self._cell_weights(stream) for stream in ("t2i", "mmu")}
        self._epoch_draws: dict[str, tuple[int, np.ndarray]] = {}
        _, self.codes = store.read_shards("codes", codes_name, ids)
        self.flip_codes = store.read_shards("codes", flip_name, ids)[1] if flip_name else None
        self.grey_codes = store.read_shards("codes", grey_name, ids)[1] if grey_name else None
        self.features = {kind: store.read_shards("features", name, ids)[1].float()
                         for kind, name in (features or {}).items()}
        if int(self.codes.max()) >= model_config.codebook_size:
            raise ValueError(f"codes reach {int(self.codes.max())} but the model has {model_config.codebook_size} "
                             "codes; set model.overrides.codebook_size to the image tokenizer's codebook size")

    def __len__(self) -> int:
        return len(self.records)

    @property
    def num_tokens(self) -> int:
        return self.codes.shape[1]

    # ------------------------------------------------------------------ which example
    def index(self, stream: str, k: int) -> int:
        """The record index of the k-th example ever drawn by ``stream`` (per-epoch permutations; for t2i or mmu
        rows under ``data.t2i_cell_weights`` / ``data.mmu_cell_weights``, per-epoch draws with replacement at those
        weights)."""
        n = len(self.records)
        epoch, pos = divmod(k, n)
        if self.draw_weights.get(stream) is not None:
            return int(self._weighted_epoch(stream, epoch)[pos])
        perm = np.random.default_rng([self.seed, STREAMS.index(stream), epoch]).permutation(n)
        return int(perm[pos])

    def _weighted_epoch(self, stream: str, epoch: int) -> np.ndarray:
        if self._epoch_draws.get(stream, (-1,))[0] != epoch:
            rng = np.random.default_rng([self.seed, STREAMS.index(stream), epoch, 1])
            draw = rng.choice(len(self.records), size=len(self.records), p=self.draw_weights[stream])
            self._epoch_draws[stream] = (epoch, draw)
        return self._epoch_draws[stream][1]

    def _cell_weights(self, stream: str) -> np.ndarray | None:
        """Each record's probability of being a ``stream`` row's photo under ``data.<stream>_cell_weights``
        (None: uniform)."""
        name = f"{stream}_cell_weights"
        weights = cell_weights(getattr(self.data_cfg, name), f"data.{name}")
        if not weights:
            return None
        w = np.array([weights.get((a.get("gender"), a.get("age_group")), 1.0)
                      for a in map(stated_attributes, self.records)], dtype=np.float64)
        if w.sum() <= 0:
            raise ValueError(f"data.{name} gives every training photo weight 0; give some cell a weight > 0")
        return w / w.sum()

    def _rng(self, stream: str, k: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, 100 + STREAMS.index(stream), k])

    # ------------------------------------------------------------------ rows
    def t2i_example(self, k: int, fixed_index: int | None = None) -> tuple[list[int], torch.Tensor]:
        i = self.index("t2i", k) if fixed_index is None else fixed_index
        rng = self._rng("t2i", k)
        rec = self.records[i]
        use_attr = rng.random() < self.data_cfg.attribute_prompts or not rec.caption
        # drawn only when the recipe has grey codes, so that older recipes' streams stay as they were
        grey = self.grey_codes is not None and rng.random() < self.data_cfg.grey_fraction
        if grey:
            text = (self._framed(attribute_prompt(rec, rng, black_and_white=True), rng) if use_attr
                    else black_and_white_caption(rec.caption, rng))
            return self.tokenizer.encode(text), self.grey_codes[i]
        text = self._framed(attribute_prompt(rec, rng), rng) if use_attr else rec.caption
        codes = self.codes[i]
        if self.flip_codes is not None and rng.random() < 0.5:
            codes, text = self.flip_codes[i], swap_left_right(text)
        return self.tokenizer.encode(text), codes

    def _framed(self, prompt: str, rng: np.random.Generator) -> str:
        """An attribute prompt, framed with probability ``data.prompt_frames`` (:func:`frame_prompt`); the
        draw happens only when the recipe frames prompts, so older recipes' row streams stay as they were."""
        share = self.data_cfg.prompt_frames
        return frame_prompt(prompt, rng) if share and rng.random() < share else prompt

    def mmu_conversation(self, k: int, fixed_index: int | None = None) -> tuple[int, list[tuple[str, str]]]:
        i = self.index("mmu", k) if fixed_index is None else fixed_index
        rng = self._rng("mmu", k)
        rec = self.records[i]
        qa = [(t.question, t.answer) for t in rec.qa] if self.data_cfg.qa else []
        if not qa or (rec.caption and rng.random() < 0.25):
            turns = [(DESCRIBE[int(rng.integers(len(DESCRIBE)))], rec.caption)]
        else:
            # a "follow-up" turn ("And is she smiling?") only makes sense right after the turn before it:
            # units are a turn with its follow-ups, drawn like single turns (all singletons: as before)
            units: list[list[int]] = []
            for j, t in enumerate(rec.qa):
                if t.kind == "follow-up" and units:
                    units[-1].append(j)
                else:
                    units.append([j])
            n = int(rng.integers(1, min(self.data_cfg.max_turns, len(units)) + 1))
            turns = [qa[j] for u in rng.choice(len(units), size=n, replace=False) for j in units[u]]
        if self.data_cfg.question_noise > 0:  # drawn only then, so that older recipes' streams stay as they were
            turns = [(retype(q, rng, self.data_cfg.question_noise), a) for q, a in turns]
        return i, turns

    def _segments(self, turns):
        segments = self.prompter.chat_segments(turns)
        cap = self.data_cfg.max_answer_tokens
        eot = self.config.eot_token_id
        return [(ids[:cap - 1] + [eot] if is_answer and len(ids) > cap else ids, is_answer)
                for ids, is_answer in segments]

    def t2i_rows(self, ks: list[int], generator: torch.Generator, fixed: list[int] | None = None) -> T2IRows:
        """Rows for stream positions ``ks``; the diffusion noise comes from ``generator``."""
        pairs = [self.t2i_example(k, None if fixed is None else fixed[j]) for j, k in enumerate(ks)]
        prompts = [p for p, _ in pairs]
        codes = torch.stack([c for _, c in pairs])
        B = len(ks)
        u = stratified_uniform(B, generator=generator)
        noisy, masked = mask_codes(codes, u, self.objective_cfg.schedule, self.config.codebook_size, generator)
        drop = torch.rand(B, generator=generator) < self.objective_cfg.cond_dropout
        feats = {}
        sm = self.config.sequence_moe
        if sm is not None:
            feats["noise"] = torch.randn(B, sm.noise_dim, generator=generator)
            needs = {"semantic": "clip", "identity": "face"}
            idx = [self.index("t2i", k) if fixed is None else fixed[j] for j, k in enumerate(ks)]
            for kind, tensor in self.features.items():
                if needs.get(kind) in sm.gen_experts:
                    feats[kind] = tensor[idx]
        return T2IRows(prompts, codes, noisy, masked, u, drop, feats)

    def mmu_rows(self, ks: list[int], fixed: list[int] | None = None) -> tuple[SequenceBatch, dict]:
        convs = [self.mmu_conversation(k, None if fixed is None else fixed[j]) for j, k in enumerate(ks)]
        idx = [i for i, _ in convs]
        batch = self.prompter.builder.mmu(self.codes[idx], [self._segments(t) for _, t in convs])
        feats = {kind: tensor[idx] for kind, tensor in self.features.items()}
        return batch, feats

    def lm_rows(self, ks: list[int]) -> SequenceBatch:
        texts = [self.tokenizer.encode(self.records[self.index("lm", k)].caption)[: self.config.max_text_len]
                 for k in ks]
        return self.prompter.builder.lm(texts)


@dataclass
class BatchPlan:
    """Rows per micro-batch of each stream and how many micro-batches make one optimizer step."""

    t2i: int
    mmu: int
    lm: int
    micro_batches: int  # over all processes

    @classmethod
    def make(cls, batch_size: int, micro_batch_size: int, mmu_fraction: float, lm_fraction: float) -> BatchPlan:
        if batch_size % micro_batch_size:
            raise ValueError(f"batch_size {batch_size} must be a multiple of the micro-batch size {micro_batch_size} "
                             "× processes")
        mmu = round(micro_batch_size * mmu_fraction)
        lm = round(micro_batch_size * lm_fraction)
        t2i = micro_batch_size - mmu - lm
        return cls(t2i, mmu, lm, batch_size // micro_batch_size)


def global_step_batches(data: FaceTrainData, plan: BatchPlan, position: dict, step: int, seed: int,
                        micro_indices: list[int]) -> list[MicroBatch]:
    """The micro-batches ``micro_indices`` (of ``plan.micro_batches``) of optimizer step ``step``.

    ``position`` holds each stream's count of examples drawn before this step (not modified here).
    The t2i noise of the whole global batch is drawn at once from (seed, step), then sliced.
    """
    M = plan.micro_batches
    g = torch.Generator().manual_seed(int(np.random.SeedSequence([seed, 7, step]).generate_state(1)[0]))
    out = []
    t2i_all = None
    if plan.t2i:
        ks = list(range(position["t2i"], position["t2i"] + plan.t2i * M))
        t2i_all = data.t2i_rows(ks, g)
    for j in micro_indices:
        t2i = None
        if t2i_all is not None:
            s = slice(j * plan.t2i, (j + 1) * plan.t2i)
            t2i = T2IRows(t2i_all.prompts[s], t2i_all.codes[s], t2i_all.noisy[s], t2i_all.masked[s], t2i_all.u[s],
                          t2i_all.drop[s], {k: v[s] for k, v in t2i_all.features.items()})
        mmu, feats = (None, {})
        if plan.mmu:
            start = position["mmu"] + j * plan.mmu
            mmu, feats = data.mmu_rows(list(range(start, start + plan.mmu)))
        lm = None
        if plan.lm:
            start = position["lm"] + j * plan.lm
            lm = data.lm_rows(list(range(start, start + plan.lm)))
        out.append(MicroBatch(t2i, mmu, feats, lm))
    return out


def advance(position: dict, plan: BatchPlan) -> dict:
    return {"t2i": position["t2i"] + plan.t2i * plan.micro_batches,
            "mmu": position["mmu"] + plan.mmu * plan.micro_batches,
            "lm": position["lm"] + plan.lm * plan.micro_batches}


def validation_batches(data: FaceTrainData, n: int, micro: int, seed: int) -> list[MicroBatch]:
    """Fixed validation micro-batches: ``n`` records spread evenly over the split (ids are sorted, and
    UTKFace ids start with the age), with the same noise at every evaluation."""
    chosen = spread(len(data), n)
    g = torch.Generator().manual_seed(seed + 12345)
    out = []
    for start in range(0, len(chosen), micro):
        idx = chosen[start:start + micro]
        t2i = data.t2i_rows(idx, g, fixed=idx)
        mmu, feats = data.mmu_rows(idx, fixed=idx)
        out.append(MicroBatch(t2i, mmu, feats, None))
    return out


def spread(total: int, n: int) -> list[int]:
    """``min(n, total)`` indices spread evenly over ``range(total)``."""
    n = min(n, total)
    return sorted({int(round(i * (total - 1) / max(1, n - 1))) for i in range(n)}) if n > 1 else list(range(n))

"""Typed model configuration with named presets.

One config system: dataclasses here, YAML only for training recipes. A model folder holds
``config.json`` (this dataclass) beside ``model.safetensors``.

Presets (``ModelConfig.from_name``):

- ``tiny``          — trains on 2 CPU cores in minutes; both MoE levels.
- ``face-small``    — the shipped default model (d=256, 6 layers, both MoE levels).
- ``small``         — a laptop-sized model (d=512, 8 layers); both MoE levels.
- ``showo-1.3b``    — dense, exactly Show-o's Phi-1.5 dimensions (1,448,176,770 parameters).
- ``unif2ace-1.8b`` — Show-o's dimensions plus the grouped token- and sequence-level MoE.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from unif2ace.config_io import PresetConfigMixin

# Experts of the grouped sequence-level MoE (DESIGN §3).
SEQ_EXPERT_KINDS = ("copy", "zero", "noise", "clip", "face")
# The feature each injection expert reads (computed outside the transformer).
SEQ_EXPERT_FEATURE = {"clip": "semantic", "face": "identity", "noise": "noise"}
GROUPS = ("und", "gen")  # understanding (mmu, plain LM) and generation (t2i)
# How the CFG weight varies over the sampling steps (generation.image.ImageGenerationConfig.guidance_at).
GUIDANCE_SCHEDULES = ("constant", "linear", "cosine")


@dataclass
class TokenMoEConfig:
    """Grouped token-level MoE: a shared dense FFN plus, per group, ``num_experts`` routed FFNs."""

    num_experts: int = 8
    top_k: int = 4
    expert_hidden_size: int = 256
    balance_coef: float = 0.01
    capacity_factor: float | None = None  # None: no token dropped; else each expert takes ≤ cf·assignments/E (model/moe.py)


@dataclass
class SequenceMoEConfig:
    """Grouped sequence-level MoE: one router per sequence, top-k of each group's experts."""

    und_experts: tuple[str, ...] = ("clip", "face", "copy", "copy")
    gen_experts: tuple[str, ...] = ("copy", "zero", "noise", "copy")
    top_k: int = 2
    # The router starts on Copy+Copy (an upcycled model is exact at init), where the task loss gives
    # it no gradient (both Copies output h); the balance loss is what moves it off that point.
    balance_coef: float = 0.01
    # Injection experts E(h) = w·h + (1−w)·S(F): w = softmax of two logits, initialised to w_init.
    w_init: float = 0.9
    # Feature widths of the pluggable encoders (SemanticEncoder / IdentityEncoder protocols).
    semantic_dim: int = 2048  # FID Inception pooled features (offline default); CLIP ViT-L: 1024
    identity_dim: int = 128  # dlib ResNet; FaceNet: 512; ArcFace: 512
    noise_dim: int = 64
    resampler_queries: int = 4
    # Where the injected vector is added: "all" positions or "image" positions only.
    inject_positions: str = "all"
    # Router bias given to Copy experts at init so that an upcycled model starts as the identity.
    copy_bias_init: float = 1.0

    def experts(self, group: str) -> tuple[str, ...]:
        return self.und_experts if group == "und" else self.gen_experts


@dataclass
class ModelConfig(PresetConfigMixin):
    """Backbone (Show-o's Phi-1.5 with QK-LayerNorm) + vocabulary layout + optional MoE levels."""

    KIND: ClassVar[str] = "model"

    name: str = "custom"
    # --- vocabulary layout (DESIGN §2): text, 10 specials, image codes, mask
    text_vocab_size: int = 50295
    eot_token_id: int = 50256  # <|sot|> = <|eot|> = GPT-2's <|endoftext|>
    codebook_size: int = 8192
    # --- backbone
    hidden_size: int = 2048
    num_layers: int = 24
    num_heads: int = 32
    intermediate_size: int = 8192
    partial_rotary_factor: float = 0.5
    rope_theta: float = 10000.0
    max_position_embeddings: int = 2048
    layer_norm_eps: float = 1e-5
    qk_layernorm: bool = True
    hidden_act: str = "gelu_new"
    initializer_range: float = 0.02
    dropout: float = 0.0
    # --- sequence layout (DESIGN §2)
    max_text_len: int = 128  # prompt tokens kept in a t2i row (Show-o: 128)
    # "packed": positions count only non-pad tokens (padding never changes results);
    # "showo": t2i positions are those of a prompt left-padded to max_text_len, as Show-o trained.
    position_style: str = "packed"
    # --- MoE levels (None: dense)
    token_moe: TokenMoEConfig | None = None
    sequence_moe: SequenceMoEConfig | None = None

    # ----- derived layout
    @property
    def pad_token_id(self) -> int:
        return self.text_vocab_size

    @property
    def special_token_ids(self) -> dict[str, int]:
        names = ("pad", "soi", "eoi", "sov", "eov", "t2i", "mmu", "t2v", "v2v", "lvg")
        ids = {f"<|{n}|>": self.text_vocab_size + i for i, n in enumerate(names)}
        ids["<|sot|>"] = ids["<|eot|>"] = self.eot_token_id
        return ids

    @property
    def code_offset(self) -> int:
        return self.text_vocab_size + 10

    @property
    def mask_token_id(self) -> int:
        return self.code_offset + self.codebook_size

    @property
    def vocab_size(self) -> int:
        return self.mask_token_id + 1

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_heads

    @property
    def rotary_dim(self) -> int:
        return int(self.partial_rotary_factor * self.head_dim)

    def __post_init__(self) -> None:
        if isinstance(self.token_moe, dict):
            self.token_moe = TokenMoEConfig(**self.token_moe)
        if isinstance(self.sequence_moe, dict):
            sm = dict(self.sequence_moe)
            for key in ("und_experts", "gen_experts"):
                if key in sm:
                    sm[key] = tuple(sm[key])
            self.sequence_moe = SequenceMoEConfig(**sm)
        self.validate()

    def validate(self) -> None:
        def bad(msg: str) -> ValueError:
            return ValueError(f"bad model config '{self.name}': {msg}")

        if self.hidden_size % self.num_heads:
            raise bad(f"hidden_size {self.hidden_size} is not divisible by num_heads {self.num_heads}")
        if self.rotary_dim % 2:
            raise bad(f"rotary dim {self.rotary_dim} must be even (check partial_rotary_factor)")
        if not 0 <= self.eot_token_id < self.text_vocab_size:
            raise bad(f"eot_token_id {self.eot_token_id} must lie inside the text vocabulary")
        if self.codebook_size < 2:
            raise bad("codebook_size must be at least 2")
        if self.position_style not in ("packed", "showo"):
            raise bad(f"position_style must be 'packed' or 'showo', got '{self.position_style}'")
        if self.token_moe is not None and not 1 <= self.token_moe.top_k <= self.token_moe.num_experts:
            raise bad("token_moe.top_k must be between 1 and num_experts")
        if self.token_moe is not None and self.token_moe.capacity_factor is not None \
                and not self.token_moe.capacity_factor > 0:
            raise bad("token_moe.capacity_factor must be > 0 (or null for no capacity limit)")
        if self.sequence_moe is not None:
            sm = self.sequence_moe
            for group in GROUPS:
                experts = sm.experts(group)
                unknown = [e for e in experts if e not in SEQ_EXPERT_KINDS]
                if unknown:
                    raise bad(f"unknown sequence experts {unknown}; choose from {SEQ_EXPERT_KINDS}")
                if not 1 <= sm.top_k <= len(experts):
                    raise bad(f"sequence_moe.top_k must be between 1 and {len(experts)}")
            if sm.inject_positions not in ("all", "image"):
                raise bad("sequence_moe.inject_positions must be 'all' or 'image'")
            if not 0.0 < sm.w_init < 1.0:
                raise bad("sequence_moe.w_init must be in (0, 1)")

    # ----- presets and config.json: unif2ace.config_io.PresetConfigMixin
    @classmethod
    def presets(cls) -> dict:
        return PRESETS


def _tiny() -> ModelConfig:
    return ModelConfig(
        name="tiny",
        text_vocab_size=1024,
        eot_token_id=0,
        codebook_size=1024,
        hidden_size=128,
        num_layers=4,
        num_heads=4,
        intermediate_size=512,
        max_position_embeddings=512,
        max_text_len=64,
        token_moe=TokenMoEConfig(num_experts=4, top_k=2, expert_hidden_size=64),
        sequence_moe=SequenceMoEConfig(semantic_dim=64, identity_dim=32, noise_dim=16, resampler_queries=2),
    )


def _face_small() -> ModelConfig:
    """The shipped default: CPU-trainable, 128 px faces as 16×16 codes of a 13-bit tokenizer."""
    return ModelConfig(
        name="face-small",
        text_vocab_size=1024,  # the bundled bpe-1024 tokenizer
        eot_token_id=0,
        codebook_size=8192,
        hidden_size=256,
        num_layers=6,
        num_heads=4,
        intermediate_size=1024,
        max_position_embeddings=512,
        max_text_len=96,
        token_moe=TokenMoEConfig(num_experts=4, top_k=2, expert_hidden_size=128),
        sequence_moe=SequenceMoEConfig(identity_dim=128, noise_dim=32, resampler_queries=2),
    )


def _small() -> ModelConfig:
    return ModelConfig(
        name="small",
        text_vocab_size=8192,
        eot_token_id=0,
        codebook_size=8192,
        hidden_size=512,
        num_layers=8,
        num_heads=8,
        intermediate_size=2048,
        max_position_embeddings=1024,
        token_moe=TokenMoEConfig(num_experts=8, top_k=4, expert_hidden_size=128),
        sequence_moe=SequenceMoEConfig(),
    )


def _showo() -> ModelConfig:
    return ModelConfig(name="showo-1.3b", position_style="showo")


def _unif2ace() -> ModelConfig:
    return ModelConfig(name="unif2ace-1.8b", position_style="showo", token_moe=TokenMoEConfig(),
                       sequence_moe=SequenceMoEConfig())


PRESETS = {"tiny": _tiny, "face-small": _face_small, "small": _small, "showo-1.3b": _showo, "unif2ace-1.8b": _unif2ace}

__all__ = ["ModelConfig", "TokenMoEConfig", "SequenceMoEConfig", "PRESETS", "GROUPS"]

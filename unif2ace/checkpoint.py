"""Model folders and checkpoint compatibility.

Our own folders hold ``config.json`` + ``model.safetensors``. Foreign backbones load through one
explicit mapping (:func:`map_backbone_keys`):

==============================  =====================================
Show-o (``showlab/show-o*``)    ``showo.model.X`` -> ``X``, ``showo.lm_head.X`` -> ``lm_head.X``
Phi-1.5 (Hugging Face)          ``model.X`` -> ``X``, ``lm_head.X`` -> ``lm_head.X``
UniF²ace                        unchanged
==============================  =====================================

Because our module names follow ``PhiForCausalLM``, the mapping is a prefix rename. Loading then
checks every key: anything missing or unexpected is an error that lists the keys — except the
parameters a dense checkpoint cannot have (routed experts and sequence-MoE parts, which start as
the identity; QK-LayerNorms when loading plain Phi-1.5, which start at weight 1 / bias 0 as Show-o
did). Vocabulary rows are matched like ``resize_token_embeddings``: the first min(V_ckpt, V) rows
are copied.
"""

from __future__ import annotations

from pathlib import Path

import torch

from unif2ace.config import ModelConfig

WEIGHTS_NAME = "model.safetensors"
VOCAB_KEYS = ("embed_tokens.weight", "lm_head.weight", "lm_head.bias")
# Parameters introduced by UniF²ace on top of a dense backbone.
NEW_PARAM_MARKERS = (".token_moe.", ".sequence_moe.", "sequence_moe_shared.")


class CheckpointError(ValueError):
    """A checkpoint does not fit the model; the message lists what is wrong."""


def detect_format(keys) -> str:
    keys = list(keys)
    if any(k.startswith("showo.") for k in keys):
        return "showo"
    if any(k.startswith("model.layers.") or k == "model.embed_tokens.weight" for k in keys):
        return "phi"
    if any(k.startswith("layers.") for k in keys):
        return "unif2ace"
    raise CheckpointError(
        "unrecognised checkpoint: expected Show-o keys ('showo.model.…'), Phi-1.5 keys ('model.layers.…') "
        f"or UniF²ace keys ('layers.…'); first keys are {keys[:3]}"
    )


def map_backbone_keys(state_dict: dict[str, torch.Tensor], source: str | None = None
                      ) -> tuple[dict[str, torch.Tensor], list[str]]:
    """Rename a checkpoint's keys to ours. Returns (mapped state dict, keys that are not backbone keys)."""
    source = source or detect_format(state_dict)
    prefixes = {"showo": (("showo.model.", ""), ("showo.lm_head.", "lm_head.")),
                "phi": (("model.", ""), ("lm_head.", "lm_head.")),
                "unif2ace": (("", ""),)}
    if source not in prefixes:
        raise CheckpointError(f"unknown checkpoint format '{source}'; use showo, phi or unif2ace")
    mapped, foreign = {}, []
    for key, value in state_dict.items():
        for old, new in prefixes[source]:
            if key.startswith(old):
                mapped[new + key[len(old):]] = value
                break
        else:
            foreign.append(key)
    return mapped, foreign


def load_backbone(model: torch.nn.Module, state_dict: dict[str, torch.Tensor], source: str | None = None,
                  allow_new: bool | None = None) -> dict[str, list[str]]:
    """Load a Show-o / Phi-1.5 / UniF²ace state dict into ``model`` through the explicit mapping.

    ``allow_new``: accept missing UniF²ace-only parameters (upcycling a dense checkpoint); default:
    True for foreign formats, False for our own. Returns {"initialised": [...]} — the keys kept at init.
    """
    source = source or detect_format(state_dict)
    mapped, foreign = map_backbone_keys(state_dict, source)
    allow_new = source != "unif2ace" if allow_new is None else allow_new
    own = model.state_dict()
    missing = [k for k in own if k not in mapped]
    unexpected = foreign + [k for k in mapped if k not in own]
    tolerated = [k for k in missing if (allow_new and any(m in "." + k for m in NEW_PARAM_MARKERS))
                 or (source == "phi" and ("q_layernorm" in k or "k_layernorm" in k))]
    missing = [k for k in missing if k not in tolerated]
    problems = []
    if missing:
        problems.append(f"missing keys ({len(missing)}): {_few(missing)}")
    if unexpected:
        problems.append(f"unexpected keys ({len(unexpected)}): {_few(unexpected)}")
    shapes = [f"{k}: checkpoint {tuple(v.shape)} vs model {tuple(own[k].shape)}" for k, v in mapped.items()
              if k in own and k not in VOCAB_KEYS and tuple(v.shape) != tuple(own[k].shape)]
    if shapes:
        problems.append(f"shape mismatches ({len(shapes)}): {_few(shapes, 2)}")
    if problems:
        raise CheckpointError(f"{source} checkpoint does not fit {model.config.name}: " + "; ".join(problems)
                              + " — check that the config matches the checkpoint")
    with torch.no_grad():
        for k, v in mapped.items():
            target = own[k]
            if k in VOCAB_KEYS and v.shape != target.shape:
                if v.shape[1:] != target.shape[1:]:
                    raise CheckpointError(f"shape mismatch for {k}: {tuple(v.shape)} vs {tuple(target.shape)}")
                n = min(v.shape[0], target.shape[0])
                target[:n].copy_(v[:n])
            else:
                target.copy_(v)
    return {"initialised": tolerated}


def _few(items: list[str], shown: int = 4) -> str:
    """The first few of a long list and how many more: a mismatch can list hundreds of keys."""
    return ", ".join(items[:shown]) + (f" … and {len(items) - shown} more" if len(items) > shown else "")


def read_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    """Read a .safetensors, .bin/.pt or a folder holding one; errors say what to do."""
    path = Path(path)
    if path.is_dir():
        candidates = [path / WEIGHTS_NAME, *sorted(path.glob("*.safetensors")), *sorted(path.glob("*.bin"))]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            raise FileNotFoundError(f"no weights in {path}: expected {WEIGHTS_NAME} or a .safetensors/.bin file")
        path = found
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {path} does not exist")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path))
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # corrupt or truncated files
        raise CheckpointError(f"cannot read {path} ({type(exc).__name__}: {exc}); the file may be corrupt or "
                              "incomplete — download or save it again") from exc


def save_pretrained(model: torch.nn.Module, folder: str | Path, dtype: torch.dtype | None = None) -> Path:
    """Write ``config.json`` and ``model.safetensors`` (atomically) into ``folder``."""
    from unif2ace.io import save_safetensors

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: (v.to(dtype) if dtype is not None and v.is_floating_point() else v)
             for k, v in model.state_dict().items()}
    save_safetensors(state, folder / WEIGHTS_NAME, metadata={"format": "unif2ace"})
    model.config.save(folder)
    return folder


def load_pretrained(folder: str | Path, device: str | torch.device = "cpu",
                    dtype: torch.dtype | None = None) -> torch.nn.Module:
    """Build the model described by ``folder/config.json`` and load its weights."""
    from unif2ace.model import build_for_loading

    folder = Path(folder)
    if not folder.exists():
        raise FileNotFoundError(f"model folder {folder} does not exist")
    config = ModelConfig.load(folder)
    model = build_for_loading(config)  # every weight comes from the file (load_backbone checks)
    load_backbone(model, read_state_dict(folder), source="unif2ace")
    return model.to(device=device, dtype=dtype) if dtype is not None else model.to(device)

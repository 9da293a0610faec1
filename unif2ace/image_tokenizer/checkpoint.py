"""Tokenizer weights on disk: our folder format and Show-o's ``showlab/magvitv2`` checkpoint.

Our format: a folder with ``config.json`` (ImageTokenizerConfig) and ``model.safetensors``.

Show-o's MAGVIT-v2 checkpoint uses the taming-transformers names, which our modules keep on
purpose, so the mapping is a short list of prefix rules plus the quantiser's two buffers
(``quantize.embedding`` [8192, 13] and ``quantize.power_vals`` [13]). We do not store those:
they follow from the code width. Instead they are checked against ours, which proves the
checkpoint uses our index order (bit of channel 0 most significant).
"""

from __future__ import annotations

from pathlib import Path

import torch

from .config import ImageTokenizerConfig
from .model import ImageTokenizer

# (Show-o prefix, our prefix), applied in order; first match wins.
SHOWO_RENAMES: tuple[tuple[str, str], ...] = (
    ("encoder.", "encoder."),
    ("decoder.", "decoder."),
)
# Show-o buffers that carry no learned information; verified, then dropped.
SHOWO_DERIVED_BUFFERS = ("quantize.embedding", "quantize.power_vals")


def showo_to_ours(showo_state: dict[str, torch.Tensor], model: ImageTokenizer) -> dict[str, torch.Tensor]:
    """Rename a Show-o MAGVIT-v2 state dict to our names; raise one line per missing/unexpected/misfit key."""
    ours = model.state_dict()
    mapped: dict[str, torch.Tensor] = {}
    problems: list[str] = []
    misfit: set[str] = set()
    for key, value in showo_state.items():
        if key in SHOWO_DERIVED_BUFFERS:
            problems += _check_derived(key, value, model)
            continue
        target = next((new + key[len(old):] for old, new in SHOWO_RENAMES if key.startswith(old)), None)
        if target is None or target not in ours:
            problems.append(f"unexpected key in the Show-o checkpoint: {key}")
            continue
        if tuple(value.shape) != tuple(ours[target].shape):
            problems.append(f"shape mismatch: {key} is {tuple(value.shape)} in the checkpoint, "
                            f"{target} is {tuple(ours[target].shape)} in our model")
            misfit.add(target)
            continue
        mapped[target] = value
    problems += [f"missing from the Show-o checkpoint: {k}" for k in ours if k not in mapped and k not in misfit]
    if problems:
        raise ValueError(f"cannot load the Show-o MAGVIT-v2 checkpoint ({len(problems)} problem(s)):\n"
                         + "\n".join(problems))
    return mapped


def ours_to_showo(state: dict[str, torch.Tensor], model: ImageTokenizer) -> dict[str, torch.Tensor]:
    """The inverse mapping (for exporting to Show-o's code, and for tests)."""
    out = {}
    for key, value in state.items():
        old = next((o + key[len(n):] for o, n in SHOWO_RENAMES if key.startswith(n)), None)
        if old is None:
            raise ValueError(f"no Show-o name for our key {key}")
        out[old] = value
    out["quantize.embedding"] = model.quantize.codebook().float()
    out["quantize.power_vals"] = model.quantize.powers.clone()
    return out


def _check_derived(key: str, value: torch.Tensor, model: ImageTokenizer) -> list[str]:
    if value.is_meta:
        return []
    q = model.quantize
    expected = q.codebook().float() if key == "quantize.embedding" else q.powers
    if tuple(value.shape) != tuple(expected.shape):
        return [f"shape mismatch: {key} is {tuple(value.shape)}, expected {tuple(expected.shape)} "
                f"for {q.code_bits} code bits"]
    if not torch.equal(value.to(expected.dtype).cpu(), expected.cpu()):
        return [f"{key} differs from our code table: the checkpoint uses another code index order"]
    return []


def read_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    path = Path(path)
    if path.is_dir():
        candidates = [p for p in (path / "model.safetensors", path / "pytorch_model.bin") if p.is_file()]
        if not candidates:
            raise FileNotFoundError(f"no model.safetensors or pytorch_model.bin in {path}")
        path = candidates[0]
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path))
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - truncated or corrupt files: one line naming the file
        raise ValueError(f"cannot read {path} ({type(exc).__name__}: {exc}); the file may be corrupt or "
                         "incomplete — download or save it again") from exc


def load_showo_magvitv2(path: str | Path, device: str | torch.device = "cpu") -> ImageTokenizer:
    """Build the ``magvitv2`` preset and load ``showlab/magvitv2`` weights (a local file or folder)."""
    model = ImageTokenizer(ImageTokenizerConfig.from_name("magvitv2"))
    model.load_state_dict(showo_to_ours(read_state_dict(path), model), strict=True)
    return model.to(device).eval()


def save_tokenizer(model: ImageTokenizer, folder: str | Path) -> Path:
    """Save in the module's own dtype (fp16 to ship small; loading casts back to float32)."""
    from unif2ace.io import save_safetensors

    folder = Path(folder)
    model.config.save(folder)
    save_safetensors({k: v.detach().cpu() for k, v in model.state_dict().items()}, folder / "model.safetensors")
    return folder


def load_tokenizer(folder: str | Path, device: str | torch.device = "cpu") -> ImageTokenizer:
    """Load our folder format, or a Show-o checkpoint folder/file (recognised by its quantiser buffers)."""
    folder = Path(folder)
    if not (folder / "config.json").is_file():
        state = read_state_dict(folder)
        if "quantize.embedding" in state:
            model = ImageTokenizer(ImageTokenizerConfig.from_name("magvitv2"))
            model.load_state_dict(showo_to_ours(state, model), strict=True)
            return model.to(device).eval()
        raise FileNotFoundError(f"{folder} has no config.json; expected a folder saved by save_pretrained")
    model = ImageTokenizer(ImageTokenizerConfig.load(folder))
    state = read_state_dict(folder)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(f"{folder} does not match its config: missing {missing}, unexpected {unexpected}")
    return model.to(device).eval()

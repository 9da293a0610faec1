"""Model folders for inference: ours, Show-o's, and a random one for tests and benchmarks.

Our folder (written by the trainer)::

    MODEL/config.json  model.safetensors          the transformer (ModelConfig + weights)
    MODEL/text_tokenizer/                         load_text_tokenizer(folder)
    MODEL/image_tokenizer/                        ImageTokenizer.from_pretrained(folder)
    MODEL/generation_config.json                  {"image_size", "num_image_tokens", "steps",
                                                   "guidance_scale", "temperature", optional "guidance_schedule",
                                                   "candidates",
                                                   optional "identity_encoder", "semantic_encoder"}
    MODEL/README.md                               the model card

A Show-o checkpoint (``showlab/show-o*``: its own ``config.json`` and a single weights file with
``showo.`` keys) loads as the ``showo-1.3b`` preset with Phi-1.5's tokenizer; the MAGVIT-v2 weights
(``showlab/magvitv2``) come from ``image_tokenizer=`` or a ``magvitv2``/``image_tokenizer`` folder
inside or beside it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import torch

from unif2ace.config import ModelConfig
from unif2ace.generation.image import ImageGenerationConfig
from unif2ace.validation import InvalidInput, whole_number

DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "assets" / "models" / "default"
GENERATION_CONFIG_NAME = "generation_config.json"
# Show-o's demo settings (configs/showo_demo*.yaml): 18 steps at 256 px, 50 at 512 px, CFG 1.75 / 5.
SHOWO_DEFAULTS = {256: dict(steps=18, guidance_scale=1.75), 1024: dict(steps=50, guidance_scale=5.0)}


# generation_config.json keys that are not ImageGenerationConfig fields under the same name
_RENAMED = {"num_image_tokens": "num_tokens"}
# generation_config.json keys that are GenerationDefaults' own fields, not sampling settings
_OWN_KEYS = ("image_size", "identity_encoder", "semantic_encoder", "mirror_views", "prompt_words")


@dataclass
class GenerationDefaults:
    """A model folder's ``generation_config.json``: its image size, its encoders and its default
    :class:`ImageGenerationConfig` (``sampling``), which every generate call starts from.

    The file stays flat (``{"image_size", "num_image_tokens", "steps", "guidance_scale", …}``): every
    key that names an ``ImageGenerationConfig`` field sets it, so a new sampling option needs no change
    here. Sampling settings read as attributes too (``defaults.steps`` is ``defaults.sampling.steps``).
    """

    image_size: int = 256
    sampling: ImageGenerationConfig = field(default_factory=lambda: ImageGenerationConfig(guidance_scale=1.75))
    # Encoders the model was trained with for its sequence-MoE experts (None: it was not).
    identity_encoder: str | None = None
    semantic_encoder: str | None = None
    # greedy captions and answers read from the photo and its mirror together (generation/views.py)
    mirror_views: bool = False
    # the words of the model's training prompts (the trainer writes them): with ``training_words`` a prompt is
    # drawn without the phrases that use others (``contrast.known_words_only``); None: every word is drawn
    prompt_words: frozenset[str] | None = None

    @property
    def num_image_tokens(self) -> int:
        return self.sampling.num_tokens

    def __getattr__(self, name: str):
        # only reached when normal lookup fails: forward sampling settings (steps, guidance_scale, …)
        if name.startswith("__") or name == "sampling":
            raise AttributeError(name)
        try:
            return getattr(self.sampling, name)
        except AttributeError:
            raise AttributeError(f"GenerationDefaults has no setting {name!r}") from None

    @classmethod
    def from_dict(cls, data: dict, source: str = "generation_config.json") -> GenerationDefaults:
        """From the file's flat keys; a bad value → one-line error naming ``source``, unknown keys ignored."""
        if not isinstance(data, dict):
            raise InvalidInput(f"{source} must hold a JSON object, got {type(data).__name__}")
        sampling_names = {f.name for f in dataclasses.fields(ImageGenerationConfig)}
        sampling = {"guidance_scale": 1.75}
        own = {}
        for key, value in data.items():
            name = _RENAMED.get(key, key)
            if name in sampling_names:
                sampling[name] = value
            elif key in _OWN_KEYS:
                own[key] = value
        try:
            if not isinstance(own.get("mirror_views", False), bool):
                raise InvalidInput(f"mirror_views must be true or false, got {own['mirror_views']!r}")
            if "image_size" in own:
                own["image_size"] = whole_number(own["image_size"], "image_size")
            if own.get("prompt_words") is not None:
                words = own["prompt_words"]
                if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                    raise InvalidInput("prompt_words must be a list of words (text) or null")
                own["prompt_words"] = frozenset(w.lower() for w in words)
            for key in ("identity_encoder", "semantic_encoder"):
                if own.get(key) is not None and not isinstance(own[key], str):
                    raise InvalidInput(f"{key} must be a name (text) or null, got {own[key]!r}")
            return cls(sampling=ImageGenerationConfig(**sampling), **own)
        except (InvalidInput, TypeError) as exc:
            raise InvalidInput(f"{source}: {exc}") from None

    def to_dict(self) -> dict:
        """The flat JSON form (``load``'s input)."""
        sampling = dataclasses.asdict(self.sampling)
        for runtime in ("use_cache", "full_vocab"):  # how to compute, not a property of the model
            sampling.pop(runtime)
        out = {"image_size": self.image_size, "num_image_tokens": sampling.pop("num_tokens")}
        out.update(sampling)
        out.update(identity_encoder=self.identity_encoder, semantic_encoder=self.semantic_encoder,
                   mirror_views=self.mirror_views)
        if self.prompt_words is not None:
            out["prompt_words"] = sorted(self.prompt_words)
        return out

    def replace(self, **changes) -> GenerationDefaults:
        """A copy with ``image_size`` / encoders / any sampling setting changed (checked)."""
        own = {k: changes.pop(k) for k in _OWN_KEYS if k in changes}
        if "num_image_tokens" in changes:
            changes["num_tokens"] = changes.pop("num_image_tokens")
        return dataclasses.replace(self, sampling=self.sampling.with_overrides(**changes), **own)

    @classmethod
    def load(cls, folder: Path) -> GenerationDefaults:
        path = Path(folder) / GENERATION_CONFIG_NAME
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing; a model folder needs {GENERATION_CONFIG_NAME} "
                                    "(image_size, num_image_tokens, steps, guidance_scale, temperature)")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{path} is not valid JSON ({exc})") from None
        return cls.from_dict(data, str(path))

    def save(self, folder: Path) -> None:
        from unif2ace.io import atomic_write_text

        atomic_write_text(Path(folder) / GENERATION_CONFIG_NAME, json.dumps(self.to_dict(), indent=2) + "\n")


def resolve_model_path(path: str | Path | None) -> Path:
    """``path``, or the shipped model; a clear one-line error when neither exists."""
    if path is None:
        if not (DEFAULT_MODEL_DIR / "config.json").is_file():
            raise FileNotFoundError(f"the shipped model is not installed ({DEFAULT_MODEL_DIR} is empty); "
                                    "pass --model PATH (Python: UniF2ace.from_pretrained(PATH)) with a model folder")
        return DEFAULT_MODEL_DIR
    local = Path(path).expanduser()
    if local.exists():
        return local
    if isinstance(path, str) and _HUB_ID.fullmatch(path):
        return hub_snapshot(path)
    raise FileNotFoundError(f"model {local} does not exist; pass a model folder (config.json + model.safetensors) "
                            "or a Hugging Face Hub id (org/name)")


_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*(@[\w./-]+)?")  # org/name or org/name@revision


def hub_snapshot(repo_id: str) -> Path:
    """The local folder of a Hugging Face Hub model repository ``org/name[@revision]``.

    The local cache comes first (``HF_HUB_CACHE`` or huggingface_hub's default), so a model fetched
    once loads without a network; with ``HF_HUB_OFFLINE=1`` only the cache is read. Needs the
    optional ``huggingface_hub`` (``pip install 'unif2ace[hub]'``); every failure is one line."""
    import os

    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, OfflineModeIsEnabled
    except ImportError:
        raise FileNotFoundError(f"model {repo_id} does not exist as a local folder; to read it as a Hugging Face Hub "
                                "id, pip install 'unif2ace[hub]'") from None
    repo, _, revision = repo_id.partition("@")
    # read at call time (not at huggingface_hub's import), so a caller can point them anywhere
    cache = os.environ.get("HF_HUB_CACHE") or None
    offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
    kwargs = dict(revision=revision or None, cache_dir=cache)
    try:
        return Path(snapshot_download(repo, local_files_only=True, **kwargs))
    except (LocalEntryNotFoundError, OfflineModeIsEnabled, FileNotFoundError):
        if offline:
            raise FileNotFoundError(f"{repo_id} is not in the Hugging Face cache ({cache or 'the default cache'}) "
                                    "and HF_HUB_OFFLINE is set: fetch it once online, or pass a local folder") from None
    try:
        return Path(snapshot_download(repo, **kwargs))
    except (HfHubHTTPError, LocalEntryNotFoundError, OfflineModeIsEnabled, OSError) as exc:
        raise FileNotFoundError(f"model {repo_id} does not exist as a local folder, and the Hugging Face Hub did not "
                                f"give it ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None


def folder_format(path: Path) -> str:
    """``unif2ace`` (our folder) or ``showo`` (a Show-o checkpoint folder or weights file)."""
    if path.is_file():
        return "showo"
    cfg = path / "config.json"
    if cfg.is_file():
        try:
            data = json.loads(cfg.read_text())
        except json.JSONDecodeError as exc:
            raise ValueError(f"{cfg} is not valid JSON ({exc})") from exc
        if "hidden_size" in data and "codebook_size" in data and "llm_vocab_size" not in data:
            return "unif2ace"
        return "showo"
    return "showo"


def load_components(path: Path, device: str | torch.device = "cpu", dtype: torch.dtype | None = None,
                    text_tokenizer=None, image_tokenizer=None, preset: str | ModelConfig | None = None):
    """(model, text tokenizer, image tokenizer, GenerationDefaults) from a model folder.

    ``text_tokenizer`` / ``image_tokenizer``: objects, names or folders overriding the folder's own;
    ``preset``: the config of a Show-o checkpoint (default ``showo-1.3b``).
    """
    from unif2ace.checkpoint import load_pretrained
    from unif2ace.text import load_text_tokenizer

    kind = folder_format(path)
    if kind == "unif2ace":
        model = load_pretrained(path)
        text = text_tokenizer if text_tokenizer is not None else path / "text_tokenizer"
        image = image_tokenizer if image_tokenizer is not None else path / "image_tokenizer"
        text = load_text_tokenizer(text) if isinstance(text, (str, Path)) else text
        image = _load_image_tokenizer(image)
        generation = GenerationDefaults.load(path)
    else:
        model, generation = _load_showo(path, preset)
        text = text_tokenizer if text_tokenizer is not None else "phi"
        text = load_text_tokenizer(text) if isinstance(text, (str, Path)) else text
        image = _load_image_tokenizer(image_tokenizer if image_tokenizer is not None else _find_magvit(path))
        side = math.isqrt(generation.num_image_tokens) * image.config.downsample_factor
        generation = generation.replace(image_size=side)
    model.eval()
    model.to(device=device, dtype=dtype) if dtype is not None else model.to(device)
    image.to(device).eval()
    _check_fit(model.config, text, image, generation, path)
    return model, text, image, generation


def _load_image_tokenizer(image):
    from unif2ace.image_tokenizer import ImageTokenizer

    if isinstance(image, (str, Path)):
        if not Path(image).exists():
            raise FileNotFoundError(f"image tokenizer {image} not found; a model folder needs image_tokenizer/")
        return ImageTokenizer.from_pretrained(image)
    return image


def _find_magvit(path: Path) -> Path:
    base = path if path.is_dir() else path.parent
    for candidate in (base / "image_tokenizer", base / "magvitv2", base.parent / "magvitv2"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"no MAGVIT-v2 weights found for the Show-o checkpoint {path}: pass image_tokenizer=PATH "
                            "(a local copy of showlab/magvitv2) or put it in a 'magvitv2' folder beside the checkpoint")


def _load_showo(path: Path, preset: str | ModelConfig | None):
    from unif2ace.checkpoint import detect_format, load_backbone, read_state_dict
    from unif2ace.model import UniF2aceModel, build_for_loading

    info = {}
    if path.is_dir() and (path / "config.json").is_file():
        info = json.loads((path / "config.json").read_text())
    config = preset if isinstance(preset, ModelConfig) else ModelConfig.from_name(preset or "showo-1.3b")
    if "codebook_size" in info and info["codebook_size"] != config.codebook_size:
        config = config.replace(codebook_size=int(info["codebook_size"]))
    if "llm_vocab_size" in info and info["llm_vocab_size"] != config.text_vocab_size:
        config = config.replace(text_vocab_size=int(info["llm_vocab_size"]))
    state = read_state_dict(path)
    if detect_format(state) == "unif2ace":  # our weights without our config.json: say that, not "does not fit"
        folder = path if path.is_dir() else path.parent
        if path.is_file() and (folder / "config.json").is_file():
            raise InvalidInput(f"{path} is the weights file of a model folder: pass the folder, --model {folder}")
        raise FileNotFoundError(f"{folder / 'config.json'} is missing: a UniF²ace model folder needs config.json "
                                "beside model.safetensors (re-export or re-download the model)")
    if config.token_moe is None and config.sequence_moe is None:  # dense: every weight comes from the file
        model = build_for_loading(config)
    else:  # upcycling: the MoE parts keep their identity init
        model = UniF2aceModel(config)
    load_backbone(model, state, source=None)
    tokens = whole_number(info.get("num_vq_tokens", 256), f"{path / 'config.json'}: num_vq_tokens")
    generation = GenerationDefaults.from_dict(dict(image_size=math.isqrt(tokens) * 16,  # MAGVIT-v2: 16×
                                                   num_image_tokens=tokens, **SHOWO_DEFAULTS.get(tokens, SHOWO_DEFAULTS[256])),
                                              f"{path} (num_vq_tokens)")
    return model, generation


def _check_fit(config: ModelConfig, text, image, generation: GenerationDefaults, path: Path) -> None:
    if text.vocab_size != config.text_vocab_size:
        raise ValueError(f"{path}: text tokenizer has {text.vocab_size} tokens but the model expects "
                         f"{config.text_vocab_size}; use the tokenizer saved with the model")
    if image.config.codebook_size != config.codebook_size:
        raise ValueError(f"{path}: image tokenizer has {image.config.codebook_size} codes but the model expects "
                         f"{config.codebook_size}; use the image tokenizer saved with the model")
    h, w = image.config.latent_shape(generation.image_size, generation.image_size)
    if h * w != generation.num_image_tokens:
        raise ValueError(f"{path}: {generation.image_size} px gives {h * w} image tokens with this image tokenizer, "
                         f"but generation_config.json says {generation.num_image_tokens}")


def write_random_model(folder: str | Path, preset: str | ModelConfig = "tiny", image_size: int = 64,
                       seed: int = 0, text_tokenizer: str = "bpe-1024", steps: int = 8,
                       guidance_scale: float = 2.0) -> Path:
    """A complete model folder with random weights (tests, benchmarks, trying the CLI and server).

    The image tokenizer is a small random MAGVIT-v2 with 8× downsampling and as many codes as the
    model's codebook (``image_size`` 64 → 8×8 = 64 tokens). The head's bias keeps ``<|eot|>`` unlikely
    so random captions are not empty.
    """
    from unif2ace.checkpoint import save_pretrained
    from unif2ace.image_tokenizer import ImageTokenizer, ImageTokenizerConfig
    from unif2ace.model import UniF2aceModel
    from unif2ace.text import load_text_tokenizer

    folder = Path(folder)
    config = preset if isinstance(preset, ModelConfig) else ModelConfig.from_name(preset)
    text = load_text_tokenizer(text_tokenizer)
    if text.vocab_size != config.text_vocab_size:
        raise ValueError(f"text tokenizer {text_tokenizer} has {text.vocab_size} tokens; the preset needs "
                         f"{config.text_vocab_size}")
    torch.manual_seed(seed)
    model = UniF2aceModel(config).eval()
    with torch.no_grad():
        model.lm_head.bias[config.eot_token_id] = -10.0
    save_pretrained(model, folder)
    text.save(folder / "text_tokenizer")
    bits = int(math.log2(config.codebook_size))
    itc = ImageTokenizerConfig(name="random-f8", ch=8, ch_mult=(1, 2, 2, 2), num_res_blocks=(1, 1, 1, 1),
                               code_bits=bits, norm_groups=4, resolution=image_size)
    ImageTokenizer(itc).save_pretrained(folder / "image_tokenizer")
    tokens = itc.tokens_per_image
    GenerationDefaults.from_dict(dict(image_size=image_size, num_image_tokens=tokens, steps=steps,
                                      guidance_scale=guidance_scale)).save(folder)
    (folder / "README.md").write_text(f"# random {config.name} model\n\nRandom weights, for tests and benchmarks only.\n")
    return folder


__all__ = ["DEFAULT_MODEL_DIR", "GenerationDefaults", "resolve_model_path", "load_components", "write_random_model"]


def auto_dtype(device: str | torch.device) -> torch.dtype:
    """The fastest safe transformer dtype for a device: bfloat16 on GPUs that support it and on CPUs
    with native bf16 matmuls (oneDNN on AVX512-BF16 / AMX, 2–4× faster than float32 there),
    float32 elsewhere (bf16 is emulated, hence slow, on plain AVX2 CPUs)."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.type == "cpu":
        return torch.bfloat16 if _cpu_has_native_bf16() else torch.float32
    return torch.float32


def resolve_dtype(name: str, device: str | torch.device) -> torch.dtype:
    """A ``--dtype`` value: ``auto`` (``auto_dtype``) or a torch floating dtype name."""
    if name == "auto":
        return auto_dtype(device)
    dtype = getattr(torch, str(name), None)
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise ValueError(f"unknown dtype {name!r}; choose auto, float32, bfloat16 or float16")
    return dtype


def resolve_device(name: str | torch.device) -> torch.device:
    """A ``--device`` value: ``auto`` (cuda when available, else cpu), ``cpu``, ``cuda``, ``cuda:N``, ``mps``;
    a device this build or machine lacks is a one-line error, not a traceback from deep inside torch."""
    if str(name) == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except (RuntimeError, TypeError):
        raise InvalidInput(f"unknown device {str(name)!r}; use auto, cpu, cuda, cuda:N or mps") from None
    if device.type == "cuda":
        if not torch.cuda.is_available():
            why = "this PyTorch build has no CUDA" if torch.version.cuda is None else "no CUDA GPU is visible"
            raise InvalidInput(f"device {str(name)!r} is not available ({why}); use cpu (--device cpu)")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise InvalidInput(f"device {str(name)!r} does not exist: {torch.cuda.device_count()} CUDA GPU(s) visible")
    elif device.type == "mps" and not torch.backends.mps.is_available():
        raise InvalidInput(f"device {str(name)!r} is not available on this machine; use cpu (--device cpu)")
    elif device.type not in ("cpu", "cuda", "mps"):
        raise InvalidInput(f"device {str(name)!r} is not supported; use auto, cpu, cuda, cuda:N or mps")
    return device


def emulated_bf16_warning(device: str | torch.device, what: str, instead: str) -> str | None:
    """A one-line warning when bf16 work (``what``) is asked of a CPU that only emulates it (plain AVX2: matmuls and
    convolutions run tens of times slower than in float32; 90x on a 2-core AMD EPYC), saying what to do
    (``instead``); None on GPUs and on CPUs with native bf16."""
    if torch.device(device).type != "cpu" or _cpu_has_native_bf16():
        return None
    return (f"warning: {what} on a CPU without native bf16 (no AVX512-BF16/AMX) runs many times slower than "
            f"float32 here; {instead}")


def _cpu_has_native_bf16() -> bool:
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a build without oneDNN
        return False

"""``UniF2ace``: the user-facing pipeline — text → faces, face → caption / answers / chat, editing.

    from unif2ace import UniF2ace
    pipe = UniF2ace.from_pretrained("path/to/model").to("cuda", torch.bfloat16)
    faces = pipe.generate(["a smiling woman with curly red hair"], num_images_per_prompt=4, seed=0)
    pipe.caption(["me.jpg"])                    # photos are detected, aligned and cropped first
    pipe.ask(["me.jpg"], ["Is the person wearing glasses?"])
    pipe.chat("me.jpg", [{"role": "user", "content": "How old is this person?"}])
    pipe.inpaint("me.jpg", "mask.png", "a man with a thick beard")
    pipe.generate(["an elderly man with glasses"], candidates=4)   # best of 4 by the model's own reading

It registers its parts (transformer, text tokenizer, image tokenizer, optional encoders) and
runs the loops of :mod:`unif2ace.generation`; every method takes a batch.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from unif2ace.generation import (
    ImageGenerationConfig,
    TextGenerationConfig,
    generate_image_codes,
    generate_text,
)
from unif2ace.generation.contrast import (
    as_colour,
    asks_black_and_white,
    in_training_words,
    known_words_only,
    language_warning,
    shift_age,
    swap_gender,
)
from unif2ace.pipeline.faces import (
    exposure_warning,
    face_warp,
    load_image,
    normalise_exposure,
    photo_luminance,
    prepare_face,
)
from unif2ace.pipeline.loading import (
    GenerationDefaults,
    load_components,
    resolve_device,
    resolve_dtype,
    resolve_model_path,
)
from unif2ace.sequences import IGNORE, Prompter
from unif2ace.validation import InvalidInput, check_text, check_token_count, finite_number, whole_number

log = logging.getLogger("unif2ace.pipeline")

# A prompt or question longer than this is refused before it is tokenised (no model reads 100k characters).
_MAX_TEXT_CHARS = 100_000
CAPTION_QUESTION = "Describe this face in detail."  # the first of the training data's describe questions
_CAPTION_TOKENS = 160  # caption()'s default length: a description this long is the one grounded answers read
YES_NO_DEFAULT = "answer"  # what constrain_yes_no=True means (converse): "first" or "answer"
YES_NO_CONSISTENT = True  # converse's consistent_yes_no default
GROUNDED_ANSWERS = True  # converse's grounded_answers default
MAX_SEED = 2**63 - 1


@dataclass
class GenerationOutput:
    """What ``pipe(prompt, …)`` returns, as diffusers pipelines do: ``.images``, prompt-major PIL images."""

    images: list[Image.Image]


@dataclass
class EditResult:
    """What ``UniF2ace.edit`` returns: ``image`` is the user's photo at its own resolution with the edited
    face pasted back inside the mask (``paste_back=False``: the aligned crop, as before); ``crop`` and
    ``edited_crop`` the model's aligned square before and after; ``warnings`` say in plain words what the
    user should know (e.g. part of the mask lies outside the face crop and was not edited);
    ``mask_outside_crop`` is that part, as a fraction of the mask's pixels; ``drawn_prompt`` the prompt the
    region was drawn from (in training words with ``training_words``, as for ``generate``)."""

    image: Image.Image
    crop: Image.Image
    edited_crop: Image.Image
    warnings: list[str]
    mask_outside_crop: float
    drawn_prompt: str


class UniF2ace:
    def __init__(self, model, text_tokenizer, image_tokenizer, generation: GenerationDefaults | None = None,
                 identity_encoder=None, semantic_encoder=None, name: str = "model"):
        self.model = model.eval()
        self.text_tokenizer = text_tokenizer
        self.image_tokenizer = image_tokenizer.eval()
        self.generation = generation or GenerationDefaults()
        self.identity_encoder = identity_encoder  # object or name; None: the folder's, if any
        self.semantic_encoder = semantic_encoder
        self.name = name
        self.prompter = Prompter(model.config, text_tokenizer)
        self._features = OrderedDict()  # (kind, encoder, crop digest) -> (dim,) features, least recent first
        self._features_lock = threading.Lock()  # the server's request and batch threads share the pipeline
        self._own = OrderedDict()  # (question, crop digest, dtype, device) -> the model's greedy answer
        self._own_ids: dict[tuple, list[int]] = {}  # the same keys -> that answer's decoded tokens
        # how captions and answers decode (TextGenerationConfig.decode): "eager", or on a GPU "cuda-graph"
        # (one captured step replayed per token) / "compile"; same tokens, see generation/text.py
        self.text_decode = "eager"
        # greedy answers read from the photo and its mirror together (generation/views.py)
        self.mirror_views = self.generation.mirror_views
        self._swaps = None  # the text tokenizer's mirror_swaps, once needed
        # photos read for understanding: a face lit outside the training photos' range is brought into it
        self.normalise_exposure = True

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, *, device: str | torch.device = "cpu",
                        dtype: torch.dtype | str | None = "auto", text_tokenizer=None, image_tokenizer=None,
                        preset=None, identity_encoder=None, semantic_encoder=None) -> UniF2ace:
        """Load our model folder or a local Show-o checkpoint (``path=None``: the shipped model).

        ``dtype``: a torch dtype, or a name as the CLI's ``--dtype`` takes (``"auto"``, the default
        everywhere: bf16 where the device computes it natively, else float32; ``"bfloat16"``,
        ``"float16"``, ``"float32"``); ``None``: the weights' stored dtype.

        Show-o: ``image_tokenizer`` = a local ``showlab/magvitv2`` (default: a ``magvitv2`` folder
        inside or beside the checkpoint); the text tokenizer is Phi-1.5's (``"phi"``).
        """
        device = resolve_device(device)  # "auto", "gpu", cuda on a CPU build: a one-line answer, here for every caller
        folder = resolve_model_path(path)
        if isinstance(dtype, str):
            dtype = resolve_dtype(dtype, device)
        model, text, image, generation = load_components(folder, device, dtype, text_tokenizer, image_tokenizer,
                                                         preset)
        # a Hub id keeps its name (its folder is a commit hash in the cache)
        name = path.partition("@")[0] if isinstance(path, str) and folder != Path(path).expanduser() else folder.name
        return cls(model, text, image, generation, identity_encoder, semantic_encoder, name=name)

    def to(self, device: str | torch.device | None = None, dtype: torch.dtype | None = None) -> UniF2ace:
        """Move the transformer (and the image tokenizer, kept in float32) to ``device``; cast the transformer."""
        if device is not None:
            self.image_tokenizer.to(device)
        self.model.to(device=device, dtype=dtype)
        with self._features_lock:
            self._own.clear()
            self._own_ids.clear()
        return self

    @property
    def device(self) -> torch.device:
        return self.model.lm_head.weight.device

    @property
    def dtype(self) -> torch.dtype:
        return self.model.lm_head.weight.dtype

    @property
    def config(self):
        return self.model.config

    @property
    def image_size(self) -> int:
        return self.generation.image_size

    # ------------------------------------------------------------------ images in
    def prepare(self, images, align: bool = True) -> list[Image.Image]:
        """Photos (paths, PIL images, arrays) → aligned square crops at the model's resolution; with
        :attr:`normalise_exposure`, a face lit darker or brighter than nearly every training photo's is
        scaled to their median luminance (:func:`unif2ace.pipeline.faces.normalise_exposure`); each crop's
        ``info["luminance"]`` is the photo's mean luma before that, which the answers' lighting words follow,
        and ``info["warning"]`` says when the face is mostly blown out or black (:func:`faces.exposure_warning`;
        also logged)."""
        images = _as_list(images)
        if not images:
            raise ValueError("no images given")
        crops = [prepare_face(im, self.image_size, align, name=_name(im, i))[0] for i, im in enumerate(images)]
        for i, c in enumerate(crops):  # the lighting as photographed (the labeller's measure), which normalising hides
            c.info.setdefault("luminance", photo_luminance(c))
            if warning := exposure_warning(c):  # "Is this a woman?" of a blown-out face: no answer to trust
                # a path or, of several photos, the photo's number names it ("image 2: the face is …")
                named = isinstance(images[i], (str, Path)) or len(images) > 1
                c.info["warning"] = f"{_name(images[i], i + 1)}: {warning}" if named else warning[0].upper() + warning[1:]
                log.warning(c.info["warning"])
        return [normalise_exposure(c) for c in crops] if self.normalise_exposure else crops

    def _tokenizer_precision(self):
        """The image tokenizer's weights stay float32; in a bf16 pipeline its convolutions run under bf16
        autocast, as the shipped model's training codes were encoded (``encode-codes --bf16``): 2.3× faster
        encoding and 1.8× faster decoding on a CPU with native bf16 (6 faces, one thread), ~2% of codes
        differ from fp32's, decoded pixels within 2/255 (mean 0.17/255)."""
        device = next(self.image_tokenizer.parameters()).device
        return torch.autocast(device.type, dtype=torch.bfloat16, enabled=self.dtype == torch.bfloat16)

    def encode_images(self, crops: Sequence[Image.Image]) -> torch.Tensor:
        with self._tokenizer_precision():
            codes = self.image_tokenizer.encode(list(crops)).to(self.device)
        if codes.shape[1] != self.generation.num_image_tokens:
            raise ValueError(f"images give {codes.shape[1]} tokens, the model expects {self.generation.num_image_tokens}")
        return codes

    def decode_images(self, codes: torch.Tensor) -> list[Image.Image]:
        h, w = self.image_tokenizer.config.latent_shape(self.image_size, self.image_size)
        with self._tokenizer_precision():
            return self.image_tokenizer.decode_to_pil(codes.to(next(self.image_tokenizer.parameters()).device), (h, w))

    # ------------------------------------------------------------------ generation
    def sampling_config(self, config: ImageGenerationConfig | None = None, **overrides) -> ImageGenerationConfig:
        """The checked :class:`ImageGenerationConfig` a call runs with: ``config`` (default: the model's,
        from ``generation_config.json``) with ``overrides`` applied (``None`` keeps a setting).
        ``num_tokens`` is always the model's."""
        base = self.generation.sampling if config is None else config
        if not isinstance(base, ImageGenerationConfig):
            raise TypeError(f"config must be an ImageGenerationConfig, got {type(base).__name__}")
        return base.with_overrides(num_tokens=self.generation.num_image_tokens, **overrides)

    def __call__(self, prompt: str | Sequence[str], num_inference_steps: int | None = None,
                 guidance_scale: float | None = None, num_images_per_prompt: int = 1,
                 negative_prompt: str | Sequence[str] | None = None, generator: torch.Generator | None = None,
                 seed: int | None = None, config: ImageGenerationConfig | None = None,
                 **overrides) -> GenerationOutput:
        """diffusers-style text → faces: ``pipe(prompt, num_inference_steps=…, guidance_scale=…,
        generator=…)`` → :class:`GenerationOutput` with ``.images``. The same path as ``generate``;
        ``overrides`` are further ``ImageGenerationConfig`` settings (temperature, candidates, …)."""
        images = self.generate(prompt, num_images_per_prompt, config, seed=seed, generator=generator,
                               negative_prompt=negative_prompt, steps=num_inference_steps,
                               guidance_scale=guidance_scale, **overrides)
        return GenerationOutput(images=images)

    def generate(self, prompts: str | Sequence[str], num_images_per_prompt: int = 1,
                 config: ImageGenerationConfig | None = None, *, seed: int | None = None,
                 generator: torch.Generator | None = None, identity_image=None, align: bool = True,
                 negative_prompt: str | Sequence[str] | None = None, **overrides) -> list[Image.Image]:
        """Faces for each prompt (prompt-major: all images of prompt 0, then prompt 1, …).

        config: the sampling settings (:class:`ImageGenerationConfig`; default: the model's, from
        ``generation_config.json``); overrides: settings changed for this call, by name (``steps``,
        ``guidance_scale``, ``temperature``, ``guidance_schedule``, ``sampler``, ``candidates``,
        ``gender_contrast``, ``age_contrast``, …; ``None`` keeps the config's). Among them:

        - candidates: draw this many faces for each returned one and keep the one whose prompt the
          model itself finds most likely as its description (``score_texts``).
        - face_retries: draw a face again, up to this many times, while dlib's CNN face detector finds
          no single face in it (``generation.face_check``; neither of the evaluation's detectors); the
          first draw is kept when every redraw fails. Costs the check (~0.14 s a face on a CPU core)
          and the redraws.
        - gender_contrast: weight of a second guidance term against the prompt with its gender words
          swapped (``swap_gender``: "a smiling woman" against "a smiling man"), so the face shows the
          gender the prompt names more surely; prompts naming no gender get no such term.
        - age_contrast: the same for age, against the prompt with its age moved toward the middle of
          life (``shift_age``: "a girl who is 5" against "a young woman who is 25"), so children look
          younger and seniors older; prompts stating no age get no such term.
        - greyscale_when_asked (default True): faces of a prompt that asks for black and white
          ("monochrome", "greyscale", "b&w"; ``asks_black_and_white``) are desaturated after decoding,
          since the image tokenizer cannot return an exactly greyscale picture.
        - greyscale_from_colour: such faces are drawn from the prompt asking for colour instead
          (``contrast.as_colour``), then desaturated; prompts that ask for colour are left as they are.
        - training_words: a prompt in words no training prompt uses ("a cheerful grandmother in her
          seventies") is drawn from the same prompt in training words ("a happy old woman aged 75";
          ``contrast.in_training_words``); the PNG and the scores keep the user's prompt.

        seed or generator (not both): the randomness (default: a fresh random seed).
        identity_image: one photo (or one per prompt) whose identity conditions generation; needs
        a model whose generation group has a ``face`` expert.
        negative_prompt: what guidance steers away from instead of the empty prompt (one, or one per prompt).
        """
        images, scores = self.generate_candidates(prompts, num_images_per_prompt, config, seed=seed,
                                                  generator=generator, identity_image=identity_image, align=align,
                                                  negative_prompt=negative_prompt, **overrides)
        if scores is None:
            return images
        c = scores.shape[1]
        return [images[i * c + int(j)] for i, j in enumerate(scores.argmax(1))]

    def generate_candidates(self, prompts: str | Sequence[str], num_images_per_prompt: int = 1,
                            config: ImageGenerationConfig | None = None, *, seed: int | None = None,
                            generator: torch.Generator | None = None, identity_image=None, align: bool = True,
                            negative_prompt: str | Sequence[str] | None = None,
                            **overrides) -> tuple[list[Image.Image], torch.Tensor | None]:
        """(every face drawn, scores): what ``generate`` chooses from, with the same arguments.

        The faces are prompt-major with the candidates of one returned face consecutive; scores is
        (returned faces, candidates), the ``score_texts`` of each against its prompt, or None when
        there is one candidate (nothing to choose).
        """
        prompts = self._prompts(prompts)
        num_images_per_prompt = whole_number(num_images_per_prompt, "num_images_per_prompt")
        config = self.sampling_config(config, **overrides)
        c = config.candidates
        per_prompt = num_images_per_prompt * c
        rows = [p for p in prompts for _ in range(per_prompt)]
        negatives = None
        if negative_prompt is not None:
            negs = [negative_prompt] if isinstance(negative_prompt, str) else list(negative_prompt)
            if len(negs) not in (1, len(prompts)):
                raise ValueError(f"give one negative prompt or one per prompt ({len(prompts)}), not {len(negs)}")
            negatives = [negs[0] if len(negs) == 1 else negs[i // per_prompt] for i in range(len(rows))]
        features = None
        if identity_image is not None:
            ids = _as_list(identity_image)
            if len(ids) not in (1, len(prompts)):
                raise ValueError(f"give one identity image or one per prompt ({len(prompts)}), not {len(ids)}")
            vectors = self.identity_features(ids, align)
            vectors = vectors.expand(len(prompts), -1) if len(ids) == 1 else vectors
            features = {"identity": vectors.repeat_interleave(per_prompt, 0)}
        generator = self._generator(seed, generator)
        drawn_as = functools.cache(lambda p: self.drawn_prompt(p, config))
        drawn = [drawn_as(p) for p in rows]  # what the model draws each face from (desaturated below when asked)
        codes = self.generate_codes(drawn, config, generator=generator, features=features, negative_prompts=negatives)
        images = self.decode_images(codes)
        if config.face_retries:
            codes, images = self._redraw_nonfaces(drawn, codes, images, config, generator, features, negatives)
        if config.greyscale_when_asked:
            asks = functools.cache(asks_black_and_white)
            images = [im.convert("L").convert("RGB") if asks(p) else im for im, p in zip(images, rows)]
        if c == 1:
            return images, None
        return images, self.score_texts(images, rows, align=False, codes=codes).view(-1, c)

    def drawn_prompt(self, prompt: str, config: ImageGenerationConfig | None = None, **overrides) -> str:
        """The prompt the model draws a face of ``prompt`` from: in training words (``training_words``:
        "a cheerful grandmother" → "a happy old woman") and asking for colour where it asks for black and white
        (``greyscale_from_colour``, desaturated after); ``prompt`` itself when neither applies."""
        config = self.sampling_config(config, **overrides)
        out = self._in_words(prompt, config)
        return as_colour(out) if config.greyscale_when_asked and config.greyscale_from_colour else out

    def _in_words(self, prompt: str, config: ImageGenerationConfig) -> str:
        """``prompt`` in training words when ``config.training_words`` (what ``generate`` and ``edit`` share), without
        the phrases that use words no training prompt uses when the model lists its ``prompt_words``."""
        if not config.training_words:
            return prompt
        out = in_training_words(prompt)
        words = self.generation.prompt_words
        return known_words_only(out, words) if words else out

    def _redraw_nonfaces(self, rows: list[str], codes: torch.Tensor, images: list[Image.Image],
                         config: ImageGenerationConfig, generator: torch.Generator, features: dict | None,
                         negatives: list[str] | None) -> tuple[torch.Tensor, list[Image.Image]]:
        """``face_retries``: the faces in which ``face_check.face_found`` finds no single face, drawn again
        (the same generator, so a seed still fixes every face) up to ``config.face_retries`` times; a row
        whose every redraw fails keeps its first draw."""
        from unif2ace.generation.face_check import face_found

        images = list(images)
        todo = [i for i, im in enumerate(images) if not face_found(im)]
        for _ in range(config.face_retries):
            if not todo:
                break
            idx = torch.tensor(todo, device=codes.device)
            new = self.generate_codes([rows[i] for i in todo], config, generator=generator,
                                      features=_feature_rows(features, idx),
                                      negative_prompts=None if negatives is None else [negatives[i] for i in todo])
            still = []
            for i, c, im in zip(todo, new, self.decode_images(new)):
                if face_found(im):
                    codes[i], images[i] = c, im
                else:
                    still.append(i)
            todo = still
        return codes, images

    def generate_codes(self, prompts: Sequence[str], config: ImageGenerationConfig | None = None, *,
                       seed: int | None = None, generator: torch.Generator | None = None,
                       init_codes: torch.Tensor | None = None, features: dict | None = None,
                       negative_prompts: Sequence[str] | None = None, **overrides) -> torch.Tensor:
        """Image codes (B, N) for one prompt per row, sampled with ``config`` + ``overrides`` (see
        ``generate``; ``candidates`` is ``generate``'s and ignored here).

        negative_prompts: one per row (see ``generate``)."""
        prompts = self._prompts(prompts)
        config = self.sampling_config(config, **overrides)
        if negative_prompts is not None:
            for p in dict.fromkeys(negative_prompts):  # "" is the default negative: the unconditional prompt
                self._check_prompt(p, "negative prompt", allow_empty=True)
        generator = self._generator(seed, generator)
        # rows repeat their prompt (images per prompt × candidates): tokenise and rewrite each text once
        encode = functools.cache(self.prompter.encode_prompt)
        ids = [encode(p) for p in prompts]
        negative_ids = [encode(p) for p in negative_prompts] if negative_prompts is not None else None
        contrasts = []
        for rewrite, scale in ((swap_gender, config.gender_contrast), (shift_age, config.age_contrast)):
            rewrite = functools.cache(rewrite)
            if scale and any(rewrite(p) is not None for p in prompts):
                # a row the rewrite leaves alone contrasts with itself: no push
                contrasts.append(([encode(rewrite(p) or p) for p in prompts], scale))
        features = {k: v.to(self.device) for k, v in features.items()} if features else None
        return generate_image_codes(self.model, ids, config, generator, init_codes=init_codes, features=features,
                                    negative_prompts=negative_ids, contrasts=contrasts)

    def inpaint(self, image, mask, prompt: str, config: ImageGenerationConfig | None = None, *,
                seed: int | None = None, generator: torch.Generator | None = None, align: bool = True,
                negative_prompt: str | None = None, paste_back: bool = True, **overrides) -> Image.Image:
        """Regenerate the masked region (white/non-zero mask pixels) of a photo from ``prompt``: the
        photo itself, at its own resolution, edited inside the mask (``edit(...).image``; see ``edit``)."""
        return self.edit(image, mask, prompt, config, seed=seed, generator=generator, align=align,
                         negative_prompt=negative_prompt, paste_back=paste_back, **overrides).image

    def edit(self, image, mask, prompt: str, config: ImageGenerationConfig | None = None, *,
             seed: int | None = None, generator: torch.Generator | None = None, align: bool = True,
             negative_prompt: str | None = None, paste_back: bool = True, **overrides) -> EditResult:
        """Regenerate the masked region (white/non-zero mask pixels) of a photo from ``prompt``.

        config / overrides: the sampling settings, as for ``generate``. The photo is aligned and
        cropped like every input; the mask goes through the same warp. Tokens touching the mask are
        regenerated, the others kept. With ``paste_back`` (default) the edited crop goes back through
        the inverse of the alignment warp into the photo at its original resolution, inside the mask
        only, with the seam feathered inwards (``FaceWarp.paste_back``): every pixel outside the mask
        is the photo's own. Part of the mask outside the face crop cannot be edited: the result warns.
        With ``training_words`` the region is drawn from the prompt in training words, as ``generate`` draws
        faces ("an old lady crying" → "an old woman, sad"); the result's ``drawn_prompt`` says what was drawn.
        """
        self._check_prompt(prompt, "prompt")
        config = self.sampling_config(config, **overrides)
        pil = load_image(image)
        crop, warp = prepare_face(pil, self.image_size, align, name=_name(image, 0))
        mask_img = _load_mask(mask)
        if mask_img.size != pil.size:
            raise ValueError(f"the mask is {mask_img.size[0]}×{mask_img.size[1]} but the photo is "
                             f"{pil.size[0]}×{pil.size[1]}; draw the mask on the photo itself")
        pixel_mask = torch.from_numpy(np.asarray(warp.apply(mask_img, Image.NEAREST)) > 127)
        if not pixel_mask.any():
            raise ValueError("the mask is empty (no white pixels in the face crop): mark the region to edit in white")
        photo_mask = np.asarray(mask_img) > 127
        outside = float((photo_mask & ~warp.footprint(pil.size)).sum() / max(int(photo_mask.sum()), 1))
        warnings = [note] if (note := language_warning(prompt)) else []
        if outside > 0:
            warnings.append(f"{outside:.0%} of the mask lies outside the face crop and was left unchanged: "
                            "only the face and its close surroundings can be edited")
        codes = self.encode_images([crop])
        h, w = self.image_tokenizer.config.latent_shape(self.image_size, self.image_size)
        f = self.image_size // h
        token_mask = pixel_mask.view(h, f, w, f).any(3).any(1).reshape(1, h * w).to(self.device)
        init = torch.where(token_mask, torch.full_like(codes, self.config.codebook_size), codes)
        drawn = self._in_words(prompt, config)  # an edit is not desaturated, so no colour draw
        out = self.generate_codes([drawn], config, seed=seed, generator=generator, init_codes=init,
                                  negative_prompts=None if negative_prompt is None else [negative_prompt])
        edited = Image.composite(self.decode_images(out)[0], crop,
                                 Image.fromarray(pixel_mask.numpy().astype("uint8") * 255))
        result = warp.paste_back(edited, pil, photo_mask) if paste_back else edited
        return EditResult(result, crop, edited, warnings, outside, drawn)

    def save_pretrained(self, folder: str | Path) -> Path:
        """Write this pipeline as a model folder ``from_pretrained`` reads (weights, tokenizers,
        ``generation_config.json``), atomically: the trainer's export, the one writer of model folders."""
        from unif2ace.training.export import export_model_folder

        return export_model_folder(self.model, self.text_tokenizer, self.image_tokenizer, folder,
                                   self.generation.to_dict())

    def _prompts(self, prompts: str | Sequence[str]) -> list[str]:
        prompts = [prompts] if isinstance(prompts, str) else list(prompts)
        if not prompts:
            raise InvalidInput("no prompts given")
        for p in dict.fromkeys(prompts):  # rows repeat their prompt: check (and tokenise) each once
            self._check_prompt(p, "prompt")
        return prompts

    def _check_prompt(self, text: str, what: str, allow_empty: bool = False) -> None:
        """One prompt: usable text (``check_text``) that fits the model's context beside the image tokens;
        tokens past ``max_text_len`` are dropped, as in training (Show-o's rule)."""
        check_text(text, what, allow_empty=allow_empty, max_chars=_MAX_TEXT_CHARS)
        check_token_count(len(self.prompter.encode_prompt(text)), what,
                          self.config.max_position_embeddings - self.generation.num_image_tokens - 4)

    def _generator(self, seed: int | None, generator: torch.Generator | None) -> torch.Generator:
        if generator is not None:
            if seed is not None:
                raise InvalidInput("give seed or generator, not both")
            if not isinstance(generator, torch.Generator):
                raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
            return generator
        seed = new_seed() if seed is None else whole_number(seed, "seed", minimum=0, maximum=MAX_SEED)
        return torch.Generator(device=self.device).manual_seed(seed)

    # ------------------------------------------------------------------ understanding
    def caption(self, images, align: bool = True, max_new_tokens: int = _CAPTION_TOKENS, **sampling) -> list[str]:
        """A detailed description of each face."""
        images = _as_list(images)
        return self.ask(images, [CAPTION_QUESTION] * len(images), align=align, max_new_tokens=max_new_tokens,
                        **sampling)

    def ask(self, images, questions: str | Sequence[str], align: bool = True, max_new_tokens: int = 128,
            **sampling) -> list[str]:
        """One answer per (image, question) pair; one image is asked every question, one question is
        asked of every image."""
        images = _as_list(images)
        questions = [questions] if isinstance(questions, str) else list(questions)
        if len(images) == 1 and len(questions) > 1:
            images = images * len(questions)
        elif len(questions) == 1 and len(images) > 1:
            questions = questions * len(images)
        if len(images) != len(questions):
            raise ValueError(f"{len(images)} images for {len(questions)} questions: give one of each per pair")
        return self.converse(images, [[(q, None)] for q in questions], align, max_new_tokens, **sampling)

    def chat(self, image, messages: Sequence, align: bool = True, max_new_tokens: int = 128, **sampling) -> str:
        """The assistant's next reply in a conversation about one photo.

        messages: ``{"role": "user" | "assistant", "content": str}`` dicts (or (question, answer)
        pairs), alternating and ending with the user's message.
        """
        return self.converse([image], [chat_turns(messages)], align, max_new_tokens, **sampling)[0]

    def converse(self, images, conversations: Sequence[Sequence[tuple[str, str | None]]], align: bool = True,
                 max_new_tokens: int = 128, do_sample: bool = False, temperature: float = 1.0,
                 top_k: int | None = None, top_p: float | None = None, seed: int | None = None,
                 generator: torch.Generator | None = None, constrain_yes_no: bool = True,
                 consistent_yes_no: bool = YES_NO_CONSISTENT, grounded_answers: bool = GROUNDED_ANSWERS,
                 response_format: str | dict | None = None, read_options: bool = True) -> list[str]:
        """The batched core of caption / ask / chat: one conversation per image, last answer None.

        Every question and answer must be usable text that fits the model's context beside the image.

        constrain_yes_no: when the last question is a yes/no question ("Is she smiling?", not "Is
        this a man or a woman?"; :func:`unif2ace.data.questions.is_yes_no`), the answer starts with
        "Yes" or "No". ``"first"``: whichever token the model scores higher (the rest is decoded
        freely). ``"answer"``: under greedy decoding, both answers are decoded and the one the model
        finds more likely as a whole is kept (``constraints.choose_yes_no_answers``; sampling falls
        back to "first"); ``"answer-per-token"``: the same with the log-probability per token, which
        does not charge a false premise's longer answer ("No, this is a woman, not a man.") for its
        extra words (docs/inference.md: not better overall on the shipped model, so not the default).
        ``True``: the pipeline's choice, ``YES_NO_DEFAULT``. ``False``: no constraint.

        consistent_yes_no: with "answer" / "answer-per-token", an answer whose Yes or No contradicts its
        own words ("Is this a man?" → "Yes, this is a woman.") loses to the other one
        (``constraints.yes_no_consistent``; docs/inference.md has what it changes).

        grounded_answers: under greedy decoding, an open question about the person's gender, age or smile
        in any wording (``data.questions.asked_attribute``: "Guy or gal?", "How old?") gets an answer that
        agrees with the model's own description of the photo: when the decoded answer contradicts it or
        names no value, it is restated from the description (``constraints.grounded_answer``; for gender,
        the majority of the description, the answer and the answer to "Is this a man or a woman?"). A
        yes/no question naming a gender, age group or smile ("Is the kid a boy?", "Could she be a
        senior?") gets the other Yes/No when the description contradicts it, or confirms all it names
        (``constraints.grounded_yes_no``; an age only beyond ``AGE_MARGIN_YEARS`` of the group). A "no"
        whose "not …" misnames what was asked ("Is this a boy?" → "No, this is a girl, not a girl.") is
        mended to name it (``constraints.mended_yes_no``), and a question about nothing the model can see
        or was taught ("Is she married?", "What language does he speak?") is answered "I can't tell from
        this photo." (``constraints.unseen_question``); one about glasses or facial hair is answered
        "Yes" when the description states them and "I can't tell" otherwise
        (``constraints.described_or_cant_tell``). A request for a description in any wording ("Tell
        me about this person.", "What do you see?": ``data.questions.asks_description``) is asked as
        :data:`CAPTION_QUESTION`, of the photo alone (in a chat too, without the earlier turns, so that it
        is the description every grounded answer reads). The description is decoded once per photo, of the photo
        alone, and kept while the photo is among the last ``FEATURE_CACHE_SIZE`` described, so a chat's turns and a
        caption then questions reuse it; a request for it, greedy, is answered with it, never decoded beside other
        questions (whose padding could change its words: one photo, one description), and cut to
        ``max_new_tokens`` as a decode that long would have ended it. A conversation longer than the model's
        context keeps its latest turns that fit (the oldest are left out); only a last question too long on its own
        is an error.

        With :attr:`mirror_views` (the model's ``generation_config.json``; the shipped model's is on), every
        greedy answer decoded freely, and the description and second wording the grounded answers read, is
        read from the photo and its mirror image together (``generation/views.py``); the yes/no choice
        ("answer") decodes the photo alone.

        A description asked for in a number of sentences or words ("Describe her in one sentence.", "Describe
        him briefly.", "Give me three words to describe her.": :func:`unif2ace.data.questions.description_length`)
        is composed from the full description, which is what is decoded and kept
        (:func:`unif2ace.generation.brief.brief_description`): "A 57-year-old White man, smiling, wearing
        glasses."; "Smiling, elderly man.". So is one asked again at another length in a chat ("Now make it shorter.",
        "Now in one word.", "More detail, please." after a description: :func:`unif2ace.data.questions.description_follow_up`).

        A last message that asks several questions at once, at least one of them yes/no ("Is this a woman? Is
        she over 50?", "Is she smiling, and is she wearing glasses?": :func:`unif2ace.data.questions.split_questions`),
        is asked as one question per part, each after the same earlier turns, and its answers are joined (an
        answer the same as an earlier part's is said once; when one part corrects the gender the question supposed,
        "No. This is a woman, not a man.", the others take its pronouns: ``constraints.agreeing_pronouns``).

        A last question with lettered options, as benchmarks ask them ("What is the gender of the person?\nA.
        Male\nB. Female\nAnswer with the option's letter from the given choices directly.":
        :func:`unif2ace.generation.options.multiple_choice`), is asked without its options and the answer is
        matched to one (``options.option_reply``): "A", or "A. Male" when no letter is asked for; an answer that
        names no option, or several, is returned as decoded. Options that combine attributes ("A. a smiling child
        B. a neutral senior"), or a stem that asks about no attribute, are matched against the photo's description
        (``options.Choices.asked``). Options written out without letters ("Guess the age bracket: 0-12, 13-19,
        20-39, 40-59, 60+.", "Classify the age as child, teen, adult or senior.", "Output: male or female.":
        :func:`unif2ace.generation.options.listed_choices`) are asked with the question as it is, and the reply is
        the chosen option's words ("40-59.", "Adult.", "Female."). ``read_options=False`` asks a last question with
        options as it is, its answer not matched to them.

        A reply in JSON, asked in the question ("Return JSON with the keys gender, age and emotion.", "Give me her
        age as JSON.") or by ``response_format`` (``"json"``, OpenAI's ``{"type": "json_object"}`` or a
        ``{"type": "json_schema", ...}`` whose properties name the keys), is read from the photo's description:
        ``{"gender": "female", "age": 29, "emotion": "happy"}``, null for what it does not state
        (:mod:`unif2ace.generation.structured`). So is a reply in a form the question writes out ("Respond in the
        format 'Age: N'." → "Age: 29"; "List gender, age and emotion, separated by commas." → "female, 29, happy";
        a CSV, a table's header: ``structured.format_request``), "unknown" for what it does not state, and so is a
        description asked as a police or witness report gives it (``structured.report_request``).

        A question about the person by the asker's relation to them ("Is my son smiling?") or as the asker ("Do I look
        tired?") is asked of the person (:func:`tidy_question`), the latter's answer said to the asker ("No, you look
        happy."); a poem, story or joke asked gets the one-sentence description, said to be what is given instead, and
        a question asking another language than English the English answer, said to be English (:func:`_as_asked`). A
        chat's "What about sad?", "Translate that into Spanish." and the like ask the question they stand for
        (:func:`_followed_up`)."""
        typed = [turns[-1][0] if turns else None for turns in conversations]  # before "True or false:" is tidied
        given = conversations  # as typed: what the recursive calls below (JSON, options) are given, to tidy again
        conversations = [[(tidy_question(q) if isinstance(q, str) else q, a) for q, a in turns]
                         for turns in conversations]
        if grounded_answers:
            conversations = [_followed_up(turns) for turns in conversations]
        # converse's arguments after ``align``, as the recursive calls below (JSON, options, parts) pass them on
        sampling = (max_new_tokens, do_sample, temperature, top_k, top_p, seed, generator, constrain_yes_no,
                    consistent_yes_no, grounded_answers)
        if grounded_answers or response_format is not None:
            from unif2ace.generation.structured import format_request, json_request, report_request

            asks = [json_request(turns[-1][0], response_format)
                    or (format_request(turns[-1][0]) or report_request(turns[-1][0])
                        if grounded_answers and response_format is None else None)
                    if turns and isinstance(turns[-1][0], str) else None for turns in conversations]
            if any(asks):
                return self._structured_replies(images, given, asks, align, sampling)
        if grounded_answers and read_options:
            from unif2ace.generation.constraints import reason_added
            from unif2ace.generation.options import (
                coded_choices,
                listed_choices,
                multiple_choice,
                option_reply,
            )

            choices = [multiple_choice(turns[-1][0]) or listed_choices(turns[-1][0]) or coded_choices(turns[-1][0])
                       if turns and isinstance(turns[-1][0], str) else None for turns in conversations]
            if any(choices):
                # each row as it was given, the call below tidies it ("True or false: …" tidied here got "Yes, …")
                asked = [[*turns[:-1], (c.asked, None)] if c else turns for c, turns in zip(choices, given)]
                answers = self.converse(images, asked, align, *sampling, read_options=False)
                # (asked as the asker, "Am I a child or an adult?", the choice is said to them: the row asked the stem
                # in the third person)
                replies = [_to_asker(q, option_reply(c, a)) if c else a for q, c, a in zip(typed, choices, answers)]
                # "Is he a child, a teen, an adult or a senior, and why?": the option and its reason (the stem was
                # asked without the "why"; the answer to it, "53 years old: middle-aged.", gives the age the option
                # "An adult." does not)
                return [reason_added(q, r, a) or r if c and isinstance(q, str) else r
                        for q, c, r, a in zip(typed, choices, replies, answers)]
        limit = self.config.max_position_embeddings - self.generation.num_image_tokens - 4
        images = _as_list(images)
        parts = _asked_parts(conversations)
        if parts is not None and len(images) == len(conversations):
            owner = [k for k, asked in enumerate(parts) for _ in asked]
            crops = self.prepare(images, align)  # each photo aligned once, however many parts it is asked
            answers = self.converse([crops[k] for k in owner],
                                    [[*conversations[k][:-1], (q, None)] for k, asked in enumerate(parts) for q in asked],
                                    False, *sampling)
            joined: list[list[str]] = [[] for _ in conversations]
            for k, answer in zip(owner, answers):
                if answer not in joined[k]:  # "I can't tell from this photo." once, for glasses and a beard
                    joined[k].append(answer)
            if grounded_answers:  # "No. This is a woman, not a man. She is smiling." then "She is 36 …", not "He …"
                from unif2ace.generation.constraints import agreeing_pronouns

                joined = [agreeing_pronouns(a) for a in joined]
            # ("Am I smiling? How old do I look?": each part was asked in the third person)
            return [_to_asker(q, " ".join(a)) if grounded_answers else " ".join(a) for q, a in zip(typed, joined)]
        for k, turns in enumerate(conversations):
            for question, answer in turns:
                check_text(question, "question", max_chars=_MAX_TEXT_CHARS)
                if answer is not None:
                    check_text(answer, "answer", allow_empty=True, max_chars=_MAX_TEXT_CHARS)
            conversations[k] = turns = self._recent_turns(turns, limit)
            check_token_count(sum(len(ids) for ids, _ in self.prompter.chat_segments(turns)), "question", limit)
        max_new_tokens = whole_number(max_new_tokens, "max_new_tokens")
        config = TextGenerationConfig(max_new_tokens=max_new_tokens, do_sample=do_sample,
                                      temperature=finite_number(temperature, "temperature"), top_k=top_k, top_p=top_p,
                                      decode=self.text_decode)
        generator = self._generator(seed, generator)
        crops = self.prepare(images, align)
        codes = self.encode_images(crops)
        lengths = [None] * len(conversations)  # how short a description is asked to be ("in one sentence")
        omitted: list[set[str]] = [set()] * len(conversations)
        told = [False] * len(conversations)  # "Tell me more." after the whole description
        if grounded_answers:  # "Tell me about this person." is asked as the training data asks for a description
            from unif2ace.data.questions import (
                as_meant,
                asked_length,
                asks_creative,
                asks_description,
                left_out,
                more_after_description,
            )

            told = [all(isinstance(q, str) for q, _ in turns) and more_after_description([q for q, _ in turns])
                    for turns in conversations]
            # a poem, story or joke asked about the person: what the model gives instead is a description in one sentence
            creative = [isinstance(turns[-1][0], str) and asks_creative(turns[-1][0]) is not None for turns in conversations]
            describe = [c or asks_description(as_meant(turns[-1][0])) for c, turns in zip(creative, conversations)]
            # the length as typed: "Describe her.\nAnswer in one sentence." is read as "Describe her."
            lengths = [("sentences", 1) if c else asked_length(turns[-1][0]) if d else None
                       for c, d, turns in zip(creative, describe, conversations)]
            # what it asks to be left out: "Describe him without mentioning his age." (got "He is 29 years old, …")
            omitted = [left_out(turns[-1][0]) if d else set() for d, turns in zip(describe, conversations)]
            # from the photo alone, also in a chat: the description then is the one every grounded answer
            # reads, so a chat's "Describe him." and "How old is he?" name one age
            conversations = [[(CAPTION_QUESTION, None)] if d else turns for d, turns in zip(describe, conversations)]
        features = self.understanding_features(crops)
        mode = YES_NO_DEFAULT if constrain_yes_no is True else constrain_yes_no
        if mode not in (False, "first", "answer", "answer-per-token"):
            raise ValueError(f"constrain_yes_no must be True, False, 'first', 'answer' or 'answer-per-token', "
                             f"got {constrain_yes_no!r}")
        answers: list[str | None] = [None] * len(conversations)
        if grounded_answers and not do_sample:
            # a description is the photo's one description, decoded of the photo alone and kept: decoded in a
            # batch beside other questions (their padding), it could name another age than the one every
            # grounded answer reads ("What's his age?" → 80, "Describe him in one sentence." → "A 60-year-old …")
            described = [i for i, turns in enumerate(conversations) if turns == [(CAPTION_QUESTION, None)]]
            if described:
                kept = self._descriptions(described, crops, codes, features, max(max_new_tokens, _CAPTION_TOKENS))
                for i, text in kept.items():  # composed from the whole description when asked to be brief
                    short = max_new_tokens < _CAPTION_TOKENS and not lengths[i]
                    answers[i] = self._cut(text, crops[i], max_new_tokens) if short else text
        rest = [i for i, a in enumerate(answers) if a is None]
        if rest:
            idx = torch.tensor(rest, device=codes.device)
            decoded = self._decode_rows([crops[i] for i in rest], codes[idx], [conversations[i] for i in rest],
                                        _feature_rows(features, idx), config, generator, mode, consistent_yes_no,
                                        grounded_answers)
            for i, a in zip(rest, decoded):
                answers[i] = a
        if grounded_answers and not do_sample:
            answers = self._grounded(conversations, answers, crops, codes, features)
        if any(lengths):  # "Describe her in one sentence.": composed from the whole description, kept above
            from unif2ace.generation.brief import asks_adjectives, asks_exact_length, brief_description

            answers = [a if n is None else brief_description(a, n, isinstance(q, str) and asks_adjectives(q),
                                                             isinstance(q, str) and asks_exact_length(q))
                       for q, a, n in zip(typed, answers, lengths)]
        if any(omitted):
            from unif2ace.generation.brief import description_without

            answers = [description_without(a, o) for a, o in zip(answers, omitted)]
        if grounded_answers:
            from unif2ace.data.questions import asked_length
            from unif2ace.generation.brief import one_sentence, true_or_false, yes_no_letter

            # "Tell me his age and mood in one line.": one sentence, not two
            answers = [one_sentence(a) if n is None and isinstance(q, str) and isinstance(a, str)
                       and asked_length(q) == ("sentences", 1) else a for q, a, n in zip(typed, answers, lengths)]
            # "True or false: this is a child." → "True. He is a child.", not "Yes, …"; "Y or N" → "Y."
            answers = [yes_no_letter(q, true_or_false(q, a)) if isinstance(q, str) else a for q, a in zip(typed, answers)]
        if any(told):
            from unif2ace.data.questions import ALL_TOLD

            answers = [ALL_TOLD if t else a for t, a in zip(told, answers)]
        if grounded_answers:
            answers = [_as_asked(q, a) if isinstance(q, str) and isinstance(a, str) else a for q, a in zip(typed, answers)]
        return answers

    def _structured_replies(self, images, conversations, asks, align: bool, sampling: tuple) -> list[str]:
        """converse's replies where ``asks`` (``structured.json_request`` or ``format_request``) asks JSON or a
        written-out form: each read from the photo's description, and from the grounded answer to a question asked
        beside the instruction; the other conversations (as typed: "True or false: …" is read by the call that
        tidies it) are answered as converse answers them."""
        from unif2ace.generation.structured import structured_reply

        crops = self.prepare(_as_list(images), align)
        whole = (max(sampling[0], _CAPTION_TOKENS), *sampling[1:])  # the values read from a whole description
        asked = [k for k, ask in enumerate(asks) if ask]
        other = [k for k, ask in enumerate(asks) if not ask]  # answered in words, as asked
        described = dict(zip(asked, self.converse([crops[k] for k in asked], [[(CAPTION_QUESTION, None)]] * len(asked),
                                                  False, *whole)))
        if other:
            described.update(zip(other, self.converse([crops[k] for k in other], [conversations[k] for k in other],
                                                      False, *sampling)))
        questioned = [k for k, ask in enumerate(asks) if ask and ask.asked is not None]
        answers = dict(zip(questioned, self.converse(
            [crops[k] for k in questioned], [[*conversations[k][:-1], (asks[k].asked, None)] for k in questioned],
            False, *sampling))) if questioned else {}
        # the lighting, sharpness, smile and pose a key asks and the description leaves out, as a question about them is
        # answered ("Is he smiling?" in JSON was null where the answer in words said "No. He is not smiling.")
        from unif2ace.generation.constraints import FACT_ATTRIBUTES

        rows = [k for k, ask in enumerate(asks) if ask and FACT_ATTRIBUTES & ask.attributes]
        filled = {}
        if rows:
            codes = self.encode_images(crops)
            filled = self._facts(rows, [ask.attributes if ask else set() for ask in asks],
                                 {k: described[k] for k in rows}, crops, codes, self.understanding_features(crops))
        return [structured_reply(ask, described[k], answers.get(k), filled.get(k), crops[k].info.get("face_box"))
                if ask else described[k] for k, ask in enumerate(asks)]

    def _decode_rows(self, crops, codes: torch.Tensor, conversations, features, config: TextGenerationConfig,
                     generator, mode, consistent_yes_no: bool, grounded_answers: bool) -> list[str]:
        """converse's decoded answers to ``conversations`` about ``crops`` (their ``codes`` and ``features``),
        before grounding: a yes/no question's answer chosen as ``mode`` says, "1 years old" made singular and,
        with ``grounded_answers``, the photo's colour named as its pixels show it."""
        batch = self.prompter.mmu(codes, conversations, left_pad=True)
        rows = []
        if mode:
            from unif2ace.data.questions import as_meant, is_yes_no

            rows = [is_yes_no(as_meant(turns[-1][0])) for turns in conversations]
        if not any(rows):
            tokens = self._decode(crops, codes, conversations, config, generator, features, batch)
        elif mode in ("answer", "answer-per-token") and not config.do_sample:
            from unif2ace.generation.constraints import choose_yes_no_answers

            def decode(processor, keep):
                if keep is None:
                    b, f = batch, features
                else:  # the marked rows alone, re-laid out (their own padding)
                    idx = torch.tensor(keep, device=codes.device)
                    b = self.prompter.mmu(codes[idx], [conversations[i] for i in keep], left_pad=True)
                    f = _feature_rows(features, idx)
                return generate_text(self.model, b, config, generator, features=f, logits_processor=processor)

            consistent = None
            if consistent_yes_no:
                from unif2ace.generation.constraints import yes_no_consistent

                def consistent(i, answer_tokens):
                    return yes_no_consistent(as_meant(conversations[i][-1][0]), self.text_tokenizer.decode(answer_tokens))

            tokens = choose_yes_no_answers(decode, self.text_tokenizer, rows, self.config.eot_token_id,
                                           per_token=mode == "answer-per-token", consistent=consistent)
        else:
            from unif2ace.generation.constraints import YesNoFirst

            tokens = generate_text(self.model, batch, config, generator, features=features,
                                   logits_processor=YesNoFirst(self.text_tokenizer, rows))
        from unif2ace.generation.constraints import singular_years

        answers = [singular_years(self.text_tokenizer.decode(t).strip()) for t in tokens]  # not "1 years old"
        if grounded_answers:  # a black-and-white photo is never "a full-color photo" (its pixels say)
            answers = [self._true_photo(a, crops[i]) for i, a in enumerate(answers)]
        return answers

    def _recent_turns(self, turns: list, limit: int) -> list:
        """The conversation's latest turns that fit in ``limit`` text tokens beside the photo: the oldest
        turns are left out, as a chat model with a fixed context does, so a long chat goes on instead of
        failing (the shipped model reads 252 text tokens: a description and four or five short turns).
        The last question is always kept; alone too long, it fails converse's check. Turns are added from
        the latest back, so a very long conversation costs no more than the turns that fit."""
        def size(kept):
            return sum(len(ids) for ids, _ in self.prompter.chat_segments(kept))

        kept = 1
        while kept < len(turns) and size(turns[-(kept + 1):]) <= limit:
            kept += 1
        return turns[-kept:]

    def _own_keys(self, question: str, crops: Sequence[Image.Image]) -> list[tuple]:
        return [(question, *_crop_key(c), str(self.dtype), str(self.device), self.mirror_views) for c in crops]

    @staticmethod
    def _true_photo(text: str, crop: Image.Image) -> str:
        """``text`` with its words for the photo's colour and lighting agreeing with the crop's pixels
        (:func:`constraints.true_colour`, :func:`constraints.true_light`: the labeller's rules), the lighting
        read from the photo as it came, before :attr:`normalise_exposure` (``info["luminance"]``)."""
        from unif2ace.evaluation.detectors import chroma
        from unif2ace.generation.constraints import true_colour, true_light

        return true_light(true_colour(text, chroma(np.asarray(crop.convert("RGB")))), crop.info.get("luminance"))

    def _decode(self, crops: Sequence[Image.Image], codes: torch.Tensor, conversations, config: TextGenerationConfig,
                generator, features, batch=None) -> list[list[int]]:
        """Greedy or sampled answers to ``conversations`` about ``crops`` (their ``codes`` and ``features``;
        ``batch``: their prompt rows when already built). With :attr:`mirror_views` and greedy decoding,
        each answer is read from the photo and its mirror together (:class:`generation.views.PairedViews`;
        the mirror shares the photo's identity features: it is the same person)."""
        if not self.mirror_views or config.do_sample:
            if batch is None:
                batch = self.prompter.mmu(codes, conversations, left_pad=True)
            return generate_text(self.model, batch, config, generator, features=features)
        from unif2ace.generation.views import PairedViews, mirror_swaps

        # the mirror's codes, cached per crop as identity features are: a grounded answer decodes the answer, the
        # description and a second wording of one photo, and a chat each of its turns
        mirrored = self._encode_cached("mirror-codes", _MirrorCodes(self), crops).long()
        both = torch.stack([codes, mirrored.to(codes.device)], 1).flatten(0, 1)  # photo, mirror, photo, mirror, …
        pairs = self.prompter.mmu(both, [c for c in conversations for _ in range(2)], left_pad=True)
        f = _feature_rows(features, torch.arange(len(crops), device=codes.device).repeat_interleave(2))
        if self._swaps is None:
            self._swaps = mirror_swaps(self.text_tokenizer)
        tokens = generate_text(self.model, pairs, config, generator, features=f,
                               logits_processor=PairedViews(self._swaps))
        return tokens[::2]

    def _remember(self, keys: Sequence[tuple], answers: Sequence[str], tokens: Sequence[list[int]] | None = None
                  ) -> None:
        """Keep each answer (and the tokens it was decoded as, when given) under its key, the latest last."""
        with self._features_lock:
            for k, answer, ids in zip(keys, answers, tokens or [None] * len(keys)):
                self._own[k] = answer
                self._own.move_to_end(k)
                if ids is None:
                    self._own_ids.pop(k, None)
                else:
                    self._own_ids[k] = [int(t) for t in ids]
            while len(self._own) > 2 * self.FEATURE_CACHE_SIZE:
                self._own_ids.pop(self._own.popitem(last=False)[0], None)

    def _cut(self, text: str, crop: Image.Image, max_new_tokens: int) -> str:
        """The description kept for ``crop`` (``text``) as a decode of ``max_new_tokens`` tokens would have ended
        it (its digest is taken only here, where a shorter limit asks for it)."""
        from unif2ace.generation.constraints import singular_years

        key = self._own_keys(CAPTION_QUESTION, [crop])[0]
        with self._features_lock:
            ids = self._own_ids.get(key)
        if ids is None:  # kept without its tokens: its text, tokenised again
            ids = self.text_tokenizer.encode(text)
        if len(ids) <= max_new_tokens:
            return text
        return self._true_photo(singular_years(self.text_tokenizer.decode(ids[:max_new_tokens]).strip()), crop)

    def _own_answers(self, question: str, max_new_tokens: int, rows: list[int], crops, codes: torch.Tensor,
                     features) -> dict[int, str]:
        """{row: the model's greedy answer to ``question`` about that row's crop} (crops, codes, features:
        the whole batch's), decoded once per distinct photo while it stays among the last ones asked."""
        keys = self._own_keys(question, [crops[i] for i in rows])
        with self._features_lock:
            known = {k: self._own[k] for k in keys if k in self._own}
        todo = [j for j, k in enumerate(keys) if k not in known and keys.index(k) == j]  # once per distinct photo
        if todo:
            idx = torch.tensor([rows[j] for j in todo], device=codes.device)
            config = TextGenerationConfig(max_new_tokens=max_new_tokens, decode=self.text_decode)
            tokens = self._decode([crops[rows[j]] for j in todo], codes[idx], [[(question, None)]] * len(todo), config,
                                  None, _feature_rows(features, idx))
            from unif2ace.generation.constraints import singular_years

            new = [self._true_photo(singular_years(self.text_tokenizer.decode(t).strip()), crops[rows[j]])
                   for j, t in zip(todo, tokens)]
            self._remember([keys[j] for j in todo], new, tokens)
            known.update((keys[j], a) for j, a in zip(todo, new))
        return {i: known[k] for i, k in zip(rows, keys)}

    def _descriptions(self, rows: list[int], crops, codes: torch.Tensor, features,
                      max_new_tokens: int = _CAPTION_TOKENS) -> dict[int, str]:
        """{row: the photo's kept description} (:meth:`_own_answers` of :data:`CAPTION_QUESTION`), with an age
        where it names none: a description that names no age ("… it shows a Black. He is not smiling …", one val
        photo in 48) left each age question to its own decoded answer (18 to "How old?", "Yes. He is a senior." to
        "Is this person over 40?"), so it is given the model's answer to :data:`constraints.AGE_WORDING`, decoded
        once per such photo (``constraints.with_age``: "it shows a Black boy, aged 17."), which the user sees and
        every grounded answer reads. Likewise a description stating neither an expression nor a smile (a third of
        them) is given the model's answer to :data:`constraints.EXPRESSION_WORDING` ("He looks neutral.",
        ``constraints.with_expression``): each expression question had read its own ("What's the vibe?" "He looks
        neutral."; "Is the mood cheerful?" "Yes. He looks happy.")."""
        from unif2ace.evaluation.attributes import parse_age_years
        from unif2ace.generation.constraints import (
            AGE_WORDING,
            EXPRESSION_WORDING,
            states_expression,
            with_age,
            with_expression,
        )

        kept = self._own_answers(CAPTION_QUESTION, max_new_tokens, rows, crops, codes, features)
        if ageless := [i for i in rows if parse_age_years(kept[i]) is None]:
            aged = self._own_answers(AGE_WORDING, 24, ageless, crops, codes, features)
            for i in ageless:
                if (years := parse_age_years(aged[i])) is not None:
                    kept[i] = with_age(kept[i], years)
        if blank := [i for i in rows if not states_expression(kept[i])]:
            felt = self._own_answers(EXPRESSION_WORDING, 24, blank, crops, codes, features)
            for i in blank:
                kept[i] = with_expression(kept[i], felt[i])
        return kept

    def _facts(self, rows: list[int], asked: list[set], captions: dict[int, str], crops, codes: torch.Tensor,
               features) -> dict[int, str]:
        """{row: its description (``captions``) with the lighting, sharpness, smile and head pose that its question asks
        (``asked``, by row) and the description states none of}, for checking answers about them: each question
        about them had read its own decoded answer ("Is the image in focus?" → "No, the photo is blurry.", "Is the
        photo blurry at all?" → "No, the photo is sharp." of one photo; "Is there a smile?" → "Yes.", "Do they look
        like they're about to laugh?" → "No. He is not smiling." of another). The lighting is read from the photo's
        pixels where the labeller's rule is sure (``constraints.LIGHTING_SURE``), the sharpness and the smile from
        the model's answers to :data:`constraints.FACT_WORDINGS`, training templates, each decoded once per photo
        and only when asked (``constraints.with_facts``)."""
        from unif2ace.generation.constraints import FACT_WORDINGS, states_fact, with_facts

        answers: dict[int, dict[str, str]] = {i: {} for i in rows}
        for attr, wording in FACT_WORDINGS.items():
            if blank := [i for i in rows if attr in asked[i] and not states_fact(captions[i], attr)]:
                for i, said in self._own_answers(wording, 24, blank, crops, codes, features).items():
                    answers[i][attr] = said
        return {i: with_facts(captions[i], crops[i].info.get("luminance"), answers[i]) for i in rows}

    def _grounded(self, conversations, answers: list[str], crops, codes: torch.Tensor, features) -> list[str]:
        """converse's ``grounded_answers``: attribute answers checked against the photo's own description
        (and, for :data:`constraints.SECOND_WORDING`'s attributes, the answer to a second wording); then a
        question about nothing the model can see gets "I can't tell from this photo."
        (``constraints.unseen_question``), one about who the person is gets "I can't tell who this is …"
        with what the description says the photo shows (``constraints.identity_answer``), a remark about
        the person's age or gender ("He looks younger to me.", or "I think you're wrong." after an age or gender
        question) the description's view, as one that may be wrong (``constraints.remark_reply``), one about
        what a feeling is about ("Is she pleased with the photo?") the described expression alone
        (``constraints.feeling_about_answer``), a greeting, thanks or goodbye a reply that asks nothing of the
        photo (``constraints.small_talk``), a yes/no answer that speaks of something its question did not
        ask gets "I can't tell from this photo." (``constraints.off_question_yes_no``), as does an open
        question naming nothing checked that got a yes/no answer (``constraints.open_answered_yes_no``),
        and every "no" answer whose "not …" misnames what was asked is mended
        (``constraints.mended_yes_no``); an open question about one attribute asked in one word gets the value
        alone (``brief.one_word``: "Happy."), and a yes/no question asked in one word its Yes or No alone
        (``brief.yes_no_word``: "Yes."); a question in another language than English is told so
        (``data.questions.not_english``). A question about how many people the photo shows ("How many people
        are in this picture?", "Is she alone?") is answered from the faces the aligner counted in it
        (``constraints.face_count_answer``; a crop given without alignment has no count, and gets "I can't
        tell"). A question whether the photo shows an animal, a vehicle, a building, scenery or food ("Is there a
        cat in the image?") whose answer names no person, or another than the description, gets "No, it is a photo
        of a man." with the description's person (``constraints.off_topic_answer``; also "Is the kid a cat?"), as does
        such an answer to any question that asks neither gender nor age ("Is there any text in the image?" of a boy:
        not "No. It is a photo of a girl.": ``constraints.photo_of_described``), and an
        open answer that is another description of the photo than its one description is that description
        (``constraints.one_description``).
        Yes/no questions about glasses or facial hair are answered
        from the description alone (``constraints.described_or_cant_tell``); questions about the lighting, the
        sharpness or the smile, from the description with what it leaves out of them filled in (:meth:`_facts`). Every answer's pronouns
        follow the user's or the description's (``constraints.described_pronouns``). Last, an either/or about the
        expression names the option it takes ("Neither: happy.", "Positive: happy.": ``constraints.neither_option``,
        ``constraints.valence_option``), an either/or between people of one gender the other ("Girl or woman?" of a
        man: "Neither: he is a man.", ``constraints.gender_neither``), and a question about why the person looks as they do says the photo
        does not tell why (``constraints.why_answer``), and an expression asked as a number on a scale that the photo
        gives no number (``constraints.scale_answer``), an emoji asked for the described expression's ("😊 (she looks
        happy)": ``constraints.emoji_answer``); an answer about a child's gender says it may be wrong
        (``constraints.child_gender_caveat``), unless one word was asked for."""
        from unif2ace.data.questions import (
            CANT_TELL,
            ENGLISH_ONLY,
            IMAGE_CHANGE_REPLY,
            as_meant,
            asked_attributes,
            asked_length,
            asks_choice,
            asks_feeling_about,
            asks_identity,
            asks_image_change,
            asks_pronouns,
            is_yes_no,
            not_english,
            says_cant_tell,
        )
        from unif2ace.generation.brief import detailed_expression, one_word, yes_no_word
        from unif2ace.generation.constraints import (
            FACT_ATTRIBUTES,
            PHOTO_QUALITY_FACTS,
            SECOND_WORDING,
            age_as_described,
            age_range_answer,
            asks_birth,
            asks_doing,
            asks_face_visible,
            asks_medium,
            asks_origin,
            asks_other_subject,
            asks_own_age,
            asks_photo_quality,
            asks_reason,
            asks_shown_emotion,
            asks_teeth,
            asks_valence,
            asks_why,
            birth_year_answer,
            child_gender_caveat,
            confidence_added,
            denied_as_asked,
            described_or_cant_tell,
            described_pronouns,
            doing_answer,
            doubts_age,
            emoji_answer,
            eyes_counted,
            face_box_answer,
            face_count_answer,
            face_visible_answer,
            feeling_about_answer,
            first_person_cant_tell,
            framing_answer,
            gender_neither,
            grounded_answer,
            grounded_yes_no,
            identity_answer,
            lighting_between,
            medium_answer,
            mended_yes_no,
            neither_option,
            neither_side,
            odds_answer,
            off_question_yes_no,
            off_topic_answer,
            on_question_sentences,
            one_description,
            open_answered_yes_no,
            orientation_answer,
            origin_answer,
            own_age_answer,
            photo_date_answer,
            photo_of_described,
            photo_quality_answer,
            photo_size_answer,
            pronoun_answer,
            pronoun_genders,
            reads_as_description,
            reason_added,
            reason_answer,
            remark_attribute,
            remark_reply,
            says_photo_of,
            scale_answer,
            school_year_answer,
            shown_emotion_answer,
            small_talk,
            smile_of_person,
            stated_only,
            states_age,
            teeth_answer,
            tells_mistake,
            term_definition,
            unseen_question,
            valence_option,
            valence_yes_no,
            why_answer,
            without_self_negation,
            without_yes_no,
            yes_no_grounded,
        )

        questions = [as_meant(turns[-1][0]) for turns in conversations]  # "smilling" is "smiling"; "Isn't she …?" "Is she …?"
        polar = [is_yes_no(q) for q in questions]
        # per row: the attributes its answer is checked on
        asked = [yes_no_grounded(q) if yn else set(asked_attributes(q)) for q, yn in zip(questions, polar)]
        asked = [a | {x} if (x := stated_only(q)) else a for a, q in zip(asked, questions)]  # glasses, facial hair
        # "Is the photo quality good?": its sharpness and light, filled in where the description leaves them out
        asked = [a | PHOTO_QUALITY_FACTS if asks_photo_quality(q) else a for a, q in zip(asked, questions)]
        # "Is she pleased with the photo?": answered from the description (feeling_about_answer), not checked as an
        # expression question ("Yes. She looks happy.")
        # and "Could the child be a few years older?" doubts the age given, as "Could she be older?" does: answered
        # with the description's age as an opinion, not checked as a question about "child" ("Yes, she is a child.")
        # and "You got the age wrong, she is 50." or "She's not smiling." is a remark, answered as one
        asked = [set() if asks_feeling_about(q) or doubts_age(q) or tells_mistake(q) or remark_attribute(q) == "emotion"
                 else a for a, q in zip(asked, questions)]
        # "Year of birth?", "Was he born before 1990?": the description's age, which birth_year_answer reads
        asked = [a | {"age_group"} if asks_birth(q) else a for a, q in zip(asked, questions)]
        rows = [i for i, a in enumerate(asked) if a]
        # any other answer that says "he" or "she" has its pronouns checked too ("Which way is this person
        # facing?" of a girl described as a girl: not "He faces the camera.")
        # and "Who is this?" or "He looks younger to me." is answered with what the description says
        # the question before the last, which a disagreement ("I think you're wrong.") is about
        previous = [as_meant(turns[-2][0]) if len(turns) > 1 else None for turns in conversations]
        remarked = [remark_attribute(q, p) is not None for q, p in zip(questions, previous)]
        # a remark only as a dispute of the previous answer ("I think you're wrong."), which small talk would take
        disputed = [r and p is not None and remark_attribute(q) is None for r, q, p in zip(remarked, questions, previous)]
        # and "What pronouns should I use?" or "What makes you think it's a man?" is answered from the description too
        # (the message as typed: as_meant reads "he or she" as "the person")
        viewed = [asks_identity(q) or asks_feeling_about(q) or asks_why(q) or asks_pronouns(turns[-1][0]) is not None
                  or asks_reason(q) or asks_own_age(q) or asks_origin(q) or asks_medium(q) or r
                  for q, r, turns in zip(questions, remarked, conversations)]
        # and "Is this a flower?" is answered naming the person the description names ("No, it is a photo of a man.")
        elsewhere = [polar[i] and asks_other_subject(q) for i, q in enumerate(questions)]
        # and "Can you see his teeth?" is answered from the described mouth (teeth_answer)
        other = [i for i, a in enumerate(answers) if not asked[i] and (
            pronoun_genders(a) or viewed[i] or elsewhere[i] or reads_as_description(a) or says_photo_of(a)
            or asks_teeth(questions[i]) or asks_doing(questions[i]) or asks_shown_emotion(questions[i])
            or asks_face_visible(questions[i]) or asks_valence(questions[i]) or not polar[i] and states_age(a))]
        out = list(answers)
        view, captions = {}, {}
        if rows or other:
            captions = self._descriptions(rows + other, crops, codes, features)
            for i in other:
                if viewed[i] and (said := identity_answer(questions[i], captions[i])
                                  or origin_answer(questions[i], captions[i])
                                  or feeling_about_answer(questions[i], captions[i])
                                  or remark_reply(questions[i], captions[i], previous[i])) is not None:
                    view[i] = said
                elif not polar[i] and conversations[i] != [(CAPTION_QUESTION, None)] \
                        and (described := one_description(out[i], captions[i])) is not None:
                    out[i] = described  # another description than the photo's one (not one cut short): one age
                elif not polar[i] and (aged := age_as_described(out[i], captions[i])) is not None:
                    out[i] = aged  # an age opened with, other than the described one: one photo, one age
                out[i] = described_pronouns(questions[i], out[i], captions[i]) or out[i]
                # "Is there any text in the image?" of a boy got "No. It is a photo of a girl.": the described person
                # (an off-topic question's answer is off_topic_answer's, below)
                if not elsewhere[i]:
                    out[i] = photo_of_described(out[i], captions[i]) or out[i]
            # the photo's lighting, sharpness, smile and head pose, where a question asks them and the description
            # states none
            captions.update(self._facts([i for i in rows if asked[i] & FACT_ATTRIBUTES], asked,
                                        captions, crops, codes, features))
            # a chat whose answers already gave the person the gender the description gives keeps it: the description
            # decides, as if the second wording agreed ("Describe this person." → "… a boy …", then "What's the
            # gender?" could get "It is a girl." from the vote of three)
            settled = {i for i in rows if _gender_said_before(conversations[i], captions[i])}
            second = {i: captions[i] for i in settled}
            for attr, wording in SECOND_WORDING.items():
                if rs := [i for i in rows if attr in asked[i] and i not in settled]:
                    second.update(self._own_answers(wording, 24, rs, crops, codes, features))
            for i in rows:
                if (said := described_or_cant_tell(questions[i], captions[i])) is not None:
                    out[i] = said
                    continue
                check = grounded_yes_no if polar[i] else grounded_answer
                fixed = check(questions[i], answers[i], captions[i], second.get(i))
                if fixed is not None:
                    out[i] = fixed
                # "Is the person here grinning?" of a man described as a man: not "Yes. She is smiling."
                out[i] = described_pronouns(questions[i], out[i], captions[i]) or out[i]
                out[i] = denied_as_asked(questions[i], out[i]) or out[i]  # "…, not a grandmother.", not "…, not a girl."
                out[i] = smile_of_person(out[i]) or out[i]  # "She is not smiling.", not "Her mouth is not smiling."
        for i, question in enumerate(questions):
            if i in view and disputed[i]:  # "I think you're wrong." after "Man or woman?"
                out[i] = described_pronouns(question, view[i], captions[i]) or view[i]  # not small talk's reply
            elif (reply := small_talk(question, *_doubted_turn(conversations[i])) or term_definition(question)) is not None:
                out[i] = reply  # "Hi there": not "Yes, he is smiling."; "Define young.": the years it means
            elif not_english(question):  # "¿Cuántos años tiene esta persona?" got "I can't tell from this photo."
                out[i] = ENGLISH_ONLY
            elif asks_image_change(question):  # "Can you make her smile?": not "Yes. She is smiling."
                out[i] = IMAGE_CHANGE_REPLY
            elif (named := pronoun_answer(conversations[i][-1][0], captions.get(i))
                  or reason_answer(question, captions.get(i), _answer_before(conversations[i]))
                  or own_age_answer(question, captions.get(i))) is not None:
                out[i] = named  # "Should I use he or she?", "What makes you think it's a man?": not "I can't tell"
            elif (born := birth_year_answer(question, captions.get(i), crops[i].info.get("taken"))) is not None:
                out[i] = born  # "What year was she born?": the photo's year, if given or in its file, less the age
            elif (dated := photo_date_answer(question, crops[i].info.get("taken"))) is not None:
                out[i] = dated  # "When was this photo taken?": the date its file holds, not "I can't tell"
            elif (school := school_year_answer(question, captions.get(i))) is not None:
                out[i] = school  # "What grade might this child be in?": the grade of the described age
            elif (medium := medium_answer(question, captions.get(i))) is not None:
                out[i] = medium  # "Is this a painting or a photo?": not "I can't tell from this photo."
            elif (counted := face_count_answer(question, crops[i].info.get("faces"))) is not None:
                out[i] = counted  # "How many people are in this picture?": the detector's count, not an age
            elif (boxed := face_box_answer(question, crops[i].info.get("face_box"),
                                           crops[i].info.get("photo_size"))) is not None:
                out[i] = boxed  # "Output the bounding box of the face.": the detector's box, not an age
            elif (sized := photo_size_answer(question, crops[i].info.get("photo_size"))) is not None:
                out[i] = sized  # "What's the resolution of this image?": its pixels, not "Neutral."
            elif (framed := framing_answer(question, crops[i].info.get("face_share"))
                  or orientation_answer(question, crops[i].info.get("face_roll"))) is not None:
                out[i] = framed  # "Is this a close-up?" got "No. It is a photo of a person." of a baby's chip; "Is
                # the photo upside down?" that too
            elif elsewhere[i] and (other_subject := off_topic_answer(question, out[i], captions.get(i))) is not None:
                out[i] = other_subject  # "Is there a cat in the image?": not "No, it is not smiling."
            elif i in view:  # "Who is this?": "I can't tell who this is from the photo; it shows a White …"
                out[i] = described_pronouns(question, view[i], captions[i]) or view[i]
            elif (rated := photo_quality_answer(question, captions.get(i))) is not None:
                out[i] = rated  # "Is the photo quality good?": its sharpness and light, not "I can't tell"
            elif (shut := teeth_answer(question, captions.get(i))) is not None:
                out[i] = shut  # "Is she showing her teeth?" of a closed mouth: "No, her mouth is closed."
            elif (seen := face_visible_answer(question, captions.get(i))) is not None:
                out[i] = seen  # "Is the subject's face visible?": not "I can't tell from this photo."
            elif (felt := valence_yes_no(question, captions.get(i))) is not None:
                out[i] = felt  # "Is her expression positive?" of a smiling woman: not "No. She is smiling."
            elif (shown := shown_emotion_answer(question, captions.get(i))) is not None:
                out[i] = shown  # "Does the face show any emotion?" of a neutral face: "No, she looks neutral."
            elif (doing := doing_answer(question, captions.get(i))) is not None:
                out[i] = doing  # "What's the baby doing?": "I can only see her face: she is smiling."
            elif unseen_question(question):  # "Is she married?": not "No. She is not smiling."
                out[i] = CANT_TELL[0]
            elif polar[i] and not asked[i] and off_question_yes_no(question, out[i]):  # "A passport photo?"
                out[i] = CANT_TELL[0]  # not "No. He is a young adult, not a senior."
            elif open_answered_yes_no(question, out[i]):  # "Rate this photo's quality." → not "No. He is …"
                out[i] = CANT_TELL[0]
            elif (mine := first_person_cant_tell(out[i])) is not None:  # not "She can't tell from …"
                out[i] = mine
            elif polar[i] and (mended := mended_yes_no(question, out[i])) is not None:  # "…, not a boy."
                out[i] = mended
            elif not polar[i] and (said := without_self_negation(out[i])) is not None:
                out[i] = said  # "What about a senior?": not "No. She is a senior, not a senior."
            elif not polar[i] and (detail := detailed_expression(question, out[i], captions.get(i))) is not None:
                out[i] = detail  # "Describe her expression in detail.": the description's sentences, not "Happy."
            elif not polar[i] and (word := one_word(question, out[i], conversations[i][-1][0])) is not None:
                # "…, in one word?" → "Happy."
                out[i] = word
            if "lighting" in asked[i] and says_cant_tell(out[i]) \
                    and (between := lighting_between(crops[i].info.get("luminance"))) is not None:
                out[i] = between  # "How is the lighting?" of a photo a little dim: not "I can't tell from this photo."
            if polar[i] and (cut := on_question_sentences(question, out[i])) is not None:
                out[i] = cut  # "Are the eyes closed?": not also the head's turn and the photo's colour
            if polar[i] and (word := yes_no_word(conversations[i][-1][0], out[i])) is not None:  # "…? One word." → "No."
                out[i] = word
            if polar[i] and asks_choice(conversations[i][-1][0]):  # "Is the head straight or tilted?": no Yes/No
                out[i] = without_yes_no(out[i])
            if (neither := gender_neither(question, captions.get(i)) or neither_option(question, out[i])
                    or neither_side(question, out[i])) is not None:  # "Is she angry or sad?" → not "Happy."
                out[i] = neither
            elif (option := valence_option(question, out[i]) or eyes_counted(question, out[i])) is not None:
                out[i] = option  # "Positive or negative?" → not "Happy."; "How many eyes are open?" → "Both: …"
            if (why := why_answer(question, out[i], captions.get(i))) is not None:  # "Why is she sad?": not as if it knew
                out[i] = why
            elif (scaled := scale_answer(question, out[i], captions.get(i))) is not None:  # "… on a scale of 1-10?"
                out[i] = scaled  # not "Happy." as if it were a rating
            elif (emoji := emoji_answer(question, captions.get(i))) is not None:  # "A good emoji for this face?"
                out[i] = emoji  # "😊 (she looks happy)", not the whole description
            elif "age_group" in asked[i] and not polar[i] and (ranged := age_range_answer(question, out[i])) is not None:
                out[i] = ranged  # "Give me an age range for him.": not the one age
            elif asked_length(conversations[i][-1][0]) != ("words", 1) \
                    and (cautious := child_gender_caveat(question, out[i], captions.get(i))) is not None:
                out[i] = cautious  # "Boy or girl?" of a toddler: right about three times in four, and says so
            if (polar[i] or asked[i]) and (odds := odds_answer(question, out[i])) is not None:
                # "What percentage chance …?": "I can't put a number on it from one photo; this is a woman.", not
                # "Yes. …"; "Give a confidence score for your gender prediction.": not "A woman." alone
                out[i] = odds
            elif (sure := confidence_added(question, out[i])) is not None:
                out[i] = sure  # "Man or woman, and how confident are you?": not the answer alone
            elif isinstance(typed := conversations[i][-1][0], str) \
                    and (why := reason_added(typed, out[i], captions.get(i))) is not None:
                out[i] = why  # "Is she happy or sad, and why?": the answer and its reason, not "Happy." alone
        return out

    @torch.no_grad()
    def score_texts(self, images, texts: Sequence[str], question: str = CAPTION_QUESTION, align: bool = True,
                    codes: torch.Tensor | None = None) -> torch.Tensor:
        """(B,) float log-likelihood of each text as the model's answer to ``question`` about its image:
        how well the model's understanding finds the text in the image (summed over the text's tokens).

        codes: the images' codes when already known (e.g. just generated); otherwise they are encoded.
        """
        images = _as_list(images)
        if len(images) != len(texts):
            raise ValueError(f"{len(images)} images for {len(texts)} texts: give one text per image")
        crops = self.prepare(images, align)
        codes = self.encode_images(crops) if codes is None else codes.to(self.device)
        batch = self.prompter.mmu(codes, [[(question, t)] for t in texts]).to(self.device)
        out = self.model(batch.input_ids, **batch.model_inputs(), features=self.understanding_features(crops),
                         compute_logits=False, return_hidden=True)
        targets = batch.labels[:, 1:]
        rows, pos = (targets != IGNORE).nonzero(as_tuple=True)
        vocab = self.config.text_vocab_size
        head = self.model.lm_head
        logits = torch.nn.functional.linear(out.hidden_states[rows, pos], head.weight[:vocab],
                                            None if head.bias is None else head.bias[:vocab]).float()
        token_lp = logits.log_softmax(-1).gather(1, targets[rows, pos].unsqueeze(1)).squeeze(1)
        return torch.zeros(len(texts), device=token_lp.device).index_add_(0, rows, token_lp).cpu()

    # ------------------------------------------------------------------ encoders (sequence-MoE features)
    def identity_features(self, images, align: bool = True) -> torch.Tensor:
        """(B, identity_dim) identity embeddings of photos, for the generation group's ``face`` expert."""
        sm = self.config.sequence_moe
        if sm is None or "face" not in sm.gen_experts:
            experts = ", ".join(sm.gen_experts) if sm is not None else "none (dense model)"
            raise ValueError(f"this model cannot condition generation on a photo: its generation experts are "
                             f"{experts}, without a 'face' expert; use a model trained with one")
        encoder = self._encoder("identity", required=True)
        photos = [load_image(im) for im in _as_list(images)]
        if align:  # the encoder finds and aligns the face itself; check there is one first
            for i, (photo, im) in enumerate(zip(photos, _as_list(images))):
                face_warp(photo, self.image_size, name=_name(im, i))
        return encoder.encode([np.asarray(p) for p in photos]).float()

    def understanding_features(self, crops: Sequence[Image.Image]) -> dict | None:
        """Features for the understanding group's injection experts, only from encoders the model
        was trained with (never faked: without them those experts are simply not chosen)."""
        sm = self.config.sequence_moe
        if sm is None:
            return None
        out = {}
        for expert, kind in (("face", "identity"), ("clip", "semantic")):
            if expert in sm.und_experts and (encoder := self._encoder(kind, required=False)) is not None:
                out[kind] = self._encode_cached(kind, encoder, crops).to(self.device)
        return out or None

    FEATURE_CACHE_SIZE = 256

    def _encode_cached(self, kind: str, encoder, crops: Sequence[Image.Image]) -> torch.Tensor:
        """(N, dim) float features of the crops, each crop encoded once while it stays among the last
        ``FEATURE_CACHE_SIZE`` encoded: several questions about a photo, a chat's turns, or a caption and
        then questions read the same crop again (dlib: ~9 ms a face on two CPU cores, ~80 ms before its network ran in torch).
        Keyed by the crop's pixels, so a different photo never hits."""
        keys = [(kind, getattr(encoder, "name", type(encoder).__name__), *_crop_key(c)) for c in crops]
        crop_of = dict(zip(keys, crops))  # one crop per distinct key (equal keys: equal pixels)
        with self._features_lock:
            found = {k: self._features[k] for k in crop_of if k in self._features}
        todo = [k for k in crop_of if k not in found]
        if todo:
            found.update(zip(todo, encoder.encode([crop_of[k] for k in todo]).float().cpu()))
        with self._features_lock:
            for k in keys:
                self._features[k] = found[k]
                self._features.move_to_end(k)
            while len(self._features) > self.FEATURE_CACHE_SIZE:
                self._features.popitem(last=False)
        return torch.stack([found[k] for k in keys])

    def _encoder(self, kind: str, required: bool):
        attr = f"{kind}_encoder"
        encoder = getattr(self, attr) or getattr(self.generation, attr)
        dim = getattr(self.config.sequence_moe, f"{kind}_dim")
        if encoder is None and required and kind == "identity" and dim == 128:
            encoder = "dlib"  # the offline default, 128-d
        if encoder is None:
            if required:
                raise ValueError(f"no {kind} encoder for this model ({dim}-d features): pass {attr}=... to "
                                 "UniF2ace.from_pretrained")
            return None
        if isinstance(encoder, str):
            from unif2ace.encoders import load_identity_encoder, load_semantic_encoder

            encoder = (load_identity_encoder if kind == "identity" else load_semantic_encoder)(encoder)
            setattr(self, attr, encoder)
        if encoder.dim != dim:
            raise ValueError(f"the {kind} encoder {encoder.name} gives {encoder.dim}-d features but the model "
                             f"expects {dim}-d")
        return encoder

    def __repr__(self) -> str:
        return (f"UniF2ace({self.name}: {self.config.name}, {self.image_size} px, {self.generation.num_image_tokens} "
                f"tokens, {self.device}, {self.dtype})")


class _MirrorCodes:
    """The image codes of crops' mirror images, as an encoder for :meth:`UniF2ace._encode_cached` (codes
    below 2**24 are exact as the cache's floats)."""

    def __init__(self, pipe: UniF2ace):
        self.pipe = pipe
        self.name = f"image-tokenizer-{pipe.dtype}-{pipe.device}"  # the codes depend on the precision it runs at

    def encode(self, crops: Sequence[Image.Image]) -> torch.Tensor:
        from PIL import ImageOps

        return self.pipe.encode_images([ImageOps.mirror(c) for c in crops])


def _crop_key(crop: Image.Image) -> tuple:
    """What identifies a crop in the pipeline's caches: its size, mode and a digest of its pixels."""
    return crop.size, crop.mode, hashlib.blake2b(crop.tobytes(), digest_size=16).digest()


def _feature_rows(features: dict | None, idx: torch.Tensor) -> dict | None:
    """The rows ``idx`` of each sequence-MoE feature tensor (None stays None)."""
    return None if features is None else {k: v[idx.to(v.device)] for k, v in features.items()}


def _asked_parts(conversations: Sequence[Sequence[tuple]]) -> list[list[str]] | None:
    """Each conversation's last question split into the questions it asks
    (:func:`unif2ace.data.questions.split_questions`), or None when no message asks more than one."""
    from unif2ace.data.questions import split_questions

    parts = [split_questions(turns[-1][0]) if turns and isinstance(turns[-1][0], str) else None
             for turns in conversations]
    if not any(p is not None and len(p) > 1 for p in parts):
        return None
    return [p if p is not None else [turns[-1][0]] for p, turns in zip(parts, conversations)]


def _followed_up(turns: list) -> list:
    """A chat's turns with a last message that stands for another question asked as that question: "Now make it
    shorter." or "Add the age back." after a description (the description so), "And in 10 years?", "In months?" or
    "Narrower." after an age or a range, "Now as YAML." after a request (that request in YAML), "So which is it?",
    "What about sad?" after "Does he look angry?", "How much?" after the smile, "Why do you think so?" after the
    gender, the age or the expression, "Come on, guess." or "What about her?" (the question before)
    (:mod:`unif2ace.data.questions`' ``*_follow_up``), and
    "Translate that into Spanish." (the question before, asked again in its place; the answer then says it is in
    English: :func:`_as_asked`)."""
    from unif2ace.data.questions import (
        age_follow_up,
        description_follow_up,
        form_follow_up,
        intensity_follow_up,
        key_follow_up,
        language_follow_up,
        reason_follow_up,
        repeat_follow_up,
        value_follow_up,
        which_follow_up,
    )

    if len(turns) < 2 or not all(isinstance(q, str) for q, _ in turns):
        return turns
    questions = [q for q, _ in turns]
    for follow_up in (form_follow_up, key_follow_up, description_follow_up, age_follow_up, which_follow_up,
                      value_follow_up, intensity_follow_up, reason_follow_up, repeat_follow_up):
        if (redo := follow_up(questions)) is not None:
            return [*turns[:-1], (redo, None)]
    if (redo := language_follow_up(questions)) is not None:
        return [*turns[:-2], (redo, None)]
    return turns


def _as_asked(question: str, answer: str) -> str:
    """An answer as its question asked it: a poem or a joke asked gets the one-sentence description said to be what
    is given instead ("I don't write haikus; …"), a question asked as the asker is answered to them ("No, you look
    happy."), and one that asks another language says the answer is in English
    (:func:`unif2ace.data.questions.creative_note`, ``to_second_person``, ``english_only_note``)."""
    from unif2ace.data.questions import creative_note, english_only_note

    answer = _to_asker(question, creative_note(question, answer) or answer)
    return english_only_note(question, answer) or answer


def _to_asker(question, answer: str) -> str:
    """The answer said to the asker when ``question`` (as typed) asks about them ("Am I smiling?" → "Yes, you are
    smiling."), else as it is."""
    from unif2ace.data.questions import about_the_person, to_second_person, without_answer_form

    if isinstance(question, str) and isinstance(answer, str) and about_the_person(without_answer_form(question))[1]:
        return to_second_person(answer)
    return answer


def _doubted_turn(turns) -> tuple[str | None, str | None]:
    """The question and answer that a doubt as the chat's last message ("Are you sure?") is about: the last turn
    before it that was not small talk itself ("Are you sure?" after "Man or woman?" and "How can you tell?" is about
    the gender; it got "…, most often about the age by a few years"); (None, None) when there is none."""
    from unif2ace.data.questions import as_meant
    from unif2ace.generation.constraints import remark_attribute, small_talk

    def disputes(k: int) -> bool:  # "No he isn't." after "Is he smiling?": about the turn before ("Look again." then
        # got "…, most often about the age by a few years")
        q, before = as_meant(turns[k][0]), turns[k - 1][0] if k else None
        return isinstance(before, str) and remark_attribute(q) is None and remark_attribute(q, as_meant(before)) is not None

    return next(((as_meant(q), a) for k, (q, a) in reversed(list(enumerate(turns[:-1])))
                 if isinstance(q, str) and small_talk(q) is None and not disputes(k)), (None, None))


def _answer_before(turns) -> str | None:
    """The answer to a chat's turn before its last one, if any: what a reason asked as the last message is about."""
    return turns[-2][1] if len(turns) > 1 and isinstance(turns[-2][1], str) else None


def _gender_said_before(turns, caption: str | None) -> bool:
    """Whether a chat's earlier answers named the person's gender (by a noun, else by their pronouns alone) as the
    description ``caption`` does, and never the other."""
    from unif2ace.evaluation.attributes import parse_attribute
    from unif2ace.generation.constraints import _described, _without_pronouns, pronoun_genders

    # the description's gender as every grounded answer reads it (its pronouns where its noun names none: "a White
    # teenager … She …")
    described = _described(caption, ("gender",)).get("gender") if caption else None
    if described is None:
        return False
    said = set()
    for _, answer in turns[:-1]:
        if isinstance(answer, str):
            noun = parse_attribute(_without_pronouns(answer), "gender")
            said |= {noun} if noun is not None else pronoun_genders(answer)
    return said == {described}


def tidy_question(question: str) -> str:
    """A user's question with its outer spaces stripped and runs of spaces and tabs made one. Its case
    is left as typed: capitalising the first letter (tried on 30 November) lowered gender accuracy on
    lower-case questions by 12-17 points on stages 9 and 10 (scripts/own_wordings.py --lower, with and
    without it; docs/inference.md), since training now retypes questions in lower case too. A "Yes or no:"
    put first is left out (:func:`unif2ace.data.questions.without_answer_form`), and an age given of someone the
    person is compared with stands in for them ("… younger than my son? My son is 12." → "… younger than 12?":
    :func:`unif2ace.data.questions.kin_age_named`), and a question about the person asked by the asker's relation to
    them or as the asker is asked of the person ("Is my son smiling?" → "Is he smiling?", "Do I look tired?" → "Does
    this person look tired?": :func:`unif2ace.data.questions.about_the_person`). An expression typed as an emoji is
    read as its word ("is he 🙂" → "is he happy": :func:`unif2ace.data.questions.emoji_as_words`)."""
    from unif2ace.data.questions import about_the_person, emoji_as_words, kin_age_named, without_answer_form

    question = emoji_as_words(re.sub(r"[ \t]+", " ", question.strip()))
    return about_the_person(kin_age_named(without_answer_form(question)))[0]


def chat_turns(messages: Sequence) -> list[tuple[str, str | None]]:
    """Chat messages → (question, answer) turns with the last answer None. Two messages in a row from one side
    are one turn, their texts joined (as OpenAI's service reads them: a client may send the photo's message, then
    the question)."""
    if not messages:
        raise ValueError("messages is empty: give at least one user message")
    if not isinstance(messages[0], dict):
        turns = [(str(q), None if a is None else str(a)) for q, a in messages]
        if turns[-1][1] is not None or any(a is None for _, a in turns[:-1]):
            raise ValueError("(question, answer) pairs must all be answered except the last, whose answer is None")
        return turns
    turns: list[tuple[str, str | None]] = []
    last = None
    for i, m in enumerate(messages):
        role, content = m.get("role"), m.get("content")
        if role not in ("user", "assistant") or not isinstance(content, str):
            raise ValueError(f"message {i} must be {{'role': 'user' | 'assistant', 'content': str}}, got {m!r}")
        if last is None and role != "user":
            raise ValueError(f"message {i} is from the {role} but the user speaks first: messages must "
                             "alternate, starting with the user")
        if role == last:  # one turn in two messages
            q, a = turns[-1]
            turns[-1] = (_joined(q, content), None) if role == "user" else (q, _joined(a, content))
        elif role == "user":
            turns.append((content, None))
        else:
            turns[-1] = (turns[-1][0], content)
        last = role
    if turns[-1][1] is not None:
        raise ValueError("the last message must be the user's (the assistant answers it)")
    return turns


def _joined(first: str, second: str) -> str:
    return " ".join(t.strip() for t in (first, second) if t.strip())


def new_seed() -> int:
    return secrets.randbits(63)


def _as_list(images) -> list:
    if isinstance(images, (list, tuple)):
        return list(images)
    if isinstance(images, (torch.Tensor, np.ndarray)) and images.ndim == 4:  # a batch: (N, C, H, W) or (N, H, W, C)
        return list(images)
    return [images]


def _name(image, index: int) -> str:
    return str(image) if isinstance(image, (str, Path)) else f"image {index}"


def _load_mask(mask) -> Image.Image:
    if isinstance(mask, Image.Image):
        return mask.convert("L")
    return load_image(mask).convert("L")


__all__ = ["UniF2ace", "GenerationOutput", "EditResult", "CAPTION_QUESTION", "chat_turns"]

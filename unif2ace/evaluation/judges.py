"""Model judges: the paper's Desc/Conv scores and a VLM image score through an OpenAI-compatible
endpoint, and VQAScore from a local vision-language model.

Judge prompts live beside this file (``prompts/*.md``: a ``## system`` and a ``## user`` section,
``{placeholders}`` filled by plain replacement) so a reported score names the exact prompt; the
report stores each prompt's SHA-256. Requests go through :class:`unif2ace.data.llm_client.ChatClient`
(timeouts, retries with backoff, disk cache) at temperature 0. A reply that carries no score in
1–10 is counted as unparsed, never as a number.

Endpoint: ``--judge-url`` / ``--judge-model`` or ``UNIF2ACE_JUDGE_BASE_URL`` / ``UNIF2ACE_JUDGE_MODEL``;
the key is read from ``UNIF2ACE_JUDGE_API_KEY`` (never a command-line argument).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROMPTS = Path(__file__).with_name("prompts")


def load_prompt(name: str) -> tuple[str, str]:
    """(system, user template) of ``prompts/NAME.md``."""
    path = PROMPTS / f"{name}.md"
    text = path.read_text(encoding="utf-8")
    m = re.search(r"^## system\s*\n(.*?)^## user\s*\n(.*)\Z", text, re.S | re.M)
    if not m:
        raise ValueError(f"{path} needs a '## system' and a '## user' section")
    return m.group(1).strip(), m.group(2).strip()


def prompt_hash(name: str) -> str:
    return hashlib.sha256((PROMPTS / f"{name}.md").read_bytes()).hexdigest()[:16]


def fill(template: str, **values: str) -> str:
    for k, v in values.items():
        template = template.replace("{" + k + "}", v)
    return template


def parse_score(reply: str | None, low: int = 1, high: int = 10) -> int | None:
    """The integer score in a judge's reply, or None when there is none in [low, high].

    Accepts the requested JSON (also inside a code fence or surrounded by text), then
    ``Score: 7``, ``7/10`` or a reply that is just a number; a score out of range is rejected.
    """
    if not isinstance(reply, str) or not reply.strip():
        return None
    value: Any = None
    for m in re.finditer(r"\{[^{}]*\}", reply, re.S):
        try:
            obj = json.loads(m.group(0))
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and "score" in obj:
            value = obj["score"]
            break
    if value is None:
        m = (re.search(r"\bscore\b\W{0,5}(\d+(?:\.\d+)?)", reply, re.I) or re.search(r"\b(\d+(?:\.\d+)?)\s*/\s*10\b", reply)
             or re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*\.?\s*", reply))
        value = m.group(1) if m else None
    if isinstance(value, bool):
        return None
    try:
        num = float(value)
    except (TypeError, ValueError):
        return None
    if num != int(num) or not low <= num <= high:
        return None
    return int(num)


def image_data_url(image) -> str:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@dataclass
class ScoreSummary:
    scores: list[int | None] = field(default_factory=list)
    failed: int = 0  # the endpoint gave no answer
    replies: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        ok = [s for s in self.scores if s is not None]
        return {"mean": sum(ok) / len(ok) if ok else float("nan"), "n_scored": len(ok),
                "n_unparsed": sum(s is None for s in self.scores) - self.failed, "n_failed": self.failed}


class Judge:
    """Scores texts and images (1–10) with an OpenAI-compatible chat endpoint."""

    def __init__(self, client):
        self.client = client

    @classmethod
    def from_args(cls, url: str | None, model: str | None, cache_dir: str | Path | None = None, **kwargs: Any) -> Judge | None:
        """A judge when an endpoint is configured (arguments, then ``UNIF2ACE_JUDGE_*``), else None."""
        from unif2ace.data.llm_client import ChatClient

        url = url or os.environ.get("UNIF2ACE_JUDGE_BASE_URL")
        model = model or os.environ.get("UNIF2ACE_JUDGE_MODEL")
        if not url and not model:
            return None
        if not url or not model:
            raise ValueError("a judge needs both --judge-url and --judge-model (or UNIF2ACE_JUDGE_BASE_URL/_MODEL)")
        return cls(ChatClient(url, model, os.environ.get("UNIF2ACE_JUDGE_API_KEY"), cache_dir=cache_dir,
                              temperature=0.0, **kwargs))

    def _score(self, name: str, user_content: Any, summary: ScoreSummary) -> None:
        from unif2ace.data.llm_client import LLMError

        system, _ = load_prompt(name)
        try:
            reply = self.client.chat([{"role": "system", "content": system}, {"role": "user", "content": user_content}])
        except LLMError as exc:
            summary.failed += 1
            summary.scores.append(None)
            summary.replies.append(f"[failed] {exc}")
            return
        summary.scores.append(parse_score(reply))
        summary.replies.append(reply)

    def descriptions(self, references: list[str], responses: list[str]) -> ScoreSummary:
        """The paper's Desc score: each model description against its reference description."""
        _, user = load_prompt("desc_judge")
        out = ScoreSummary()
        for ref, resp in zip(references, responses):
            self._score("desc_judge", fill(user, reference=ref, response=resp), out)
        return out

    def conversations(self, conversations: list[list[tuple[str, str, str]]]) -> ScoreSummary:
        """The paper's Conv score: each image's (question, reference answer, model answer) turns, judged together."""
        _, user = load_prompt("conv_judge")
        out = ScoreSummary()
        for turns in conversations:
            text = "\n\n".join(f"Question {i + 1}: {q}\nReference answer: {ref}\nAssistant's answer: {ans}"
                               for i, (q, ref, ans) in enumerate(turns))
            self._score("conv_judge", fill(user, turns=text), out)
        return out

    def images(self, images: list, prompts: list[str]) -> ScoreSummary:
        """VLM-judge score of generated images against their prompts (the image is sent as a data URL)."""
        _, user = load_prompt("image_judge")
        out = ScoreSummary()
        for im, p in zip(images, prompts):
            content = [{"type": "text", "text": fill(user, prompt=p)},
                       {"type": "image_url", "image_url": {"url": image_data_url(im)}}]
            self._score("image_judge", content, out)
        return out


VQASCORE_QUESTION = 'Does this figure show "{text}"? Please answer yes or no.'


class HFVQAScore:
    """VQAScore (Lin et al. 2024): P("Yes" | image, "Does this figure show '{text}'? …") from a local
    Hugging Face image-text-to-text model folder (e.g. a downloaded LLaVA-1.5; the paper used
    CLIP-FlanT5 and LLaVA). Loaded with ``local_files_only``: nothing is downloaded."""

    def __init__(self, path: str | Path, device: str | None = None):
        import torch
        from transformers import AutoModelForImageTextToText, AutoProcessor

        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.processor = AutoProcessor.from_pretrained(path, local_files_only=True)
        self.model = AutoModelForImageTextToText.from_pretrained(path, local_files_only=True).eval().to(self.device)
        tok = self.processor.tokenizer
        self.yes_ids = sorted({tok.encode(w, add_special_tokens=False)[0] for w in ("Yes", " Yes", "yes")})

    def score(self, images: list, texts: list[str]) -> list[float]:
        import torch

        out = []
        for im, text in zip(images, texts):
            messages = [{"role": "user", "content": [{"type": "image"},
                                                     {"type": "text", "text": VQASCORE_QUESTION.format(text=text)}]}]
            prompt = self.processor.apply_chat_template(messages, add_generation_prompt=True)
            inputs = self.processor(images=im.convert("RGB"), text=prompt, return_tensors="pt").to(self.device)
            with torch.inference_mode():
                logits = self.model(**inputs).logits[0, -1].float()
            out.append(float(logits.softmax(-1)[self.yes_ids].max()))
        return out

"""An OpenAI-compatible chat client for rewriting captions and writing QA, as the paper did with GPT-4o/GPT-4.

Configured from the environment (nothing is sent anywhere unless the user sets these)::

    UNIF2ACE_LLM_BASE_URL   e.g. https://api.openai.com/v1 or http://localhost:8000/v1 (vLLM, llama.cpp, …)
    UNIF2ACE_LLM_MODEL      e.g. gpt-4o
    UNIF2ACE_LLM_API_KEY    bearer token (optional for local servers)

Standard library only (urllib). Every request has a timeout; connection errors, timeouts, 429 and
5xx responses are retried with exponential backoff (honouring ``Retry-After``); other 4xx errors
fail at once. Responses are cached on disk by a hash of (model, messages, parameters), so a
resumed build never pays twice for the same prompt.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from unif2ace.data.records import QATurn

ENV_PREFIX = "UNIF2ACE_LLM_"


class LLMError(RuntimeError):
    """The endpoint could not give an answer (after retries, or a non-retryable error)."""


class ChatClient:
    def __init__(self, base_url: str, model: str, api_key: str | None = None, *, timeout: float = 60.0,
                 retries: int = 3, backoff: float = 1.0, cache_dir: str | Path | None = None, temperature: float = 0.3):
        if not base_url or not model:
            raise ValueError("an LLM endpoint needs a base URL and a model name")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model, self.api_key = model, api_key
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.temperature = temperature
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.requests = 0  # HTTP requests actually sent (for tests and cost reports)

    @classmethod
    def from_env(cls, **kwargs: Any) -> ChatClient:
        env = os.environ
        base = env.get(ENV_PREFIX + "BASE_URL") or env.get("OPENAI_BASE_URL")
        model = env.get(ENV_PREFIX + "MODEL")
        if not base or not model:
            raise ValueError(f"set {ENV_PREFIX}BASE_URL and {ENV_PREFIX}MODEL (and {ENV_PREFIX}API_KEY if the endpoint needs one)")
        key = env.get(ENV_PREFIX + "API_KEY") or env.get("OPENAI_API_KEY")
        return cls(base, model, key, **kwargs)

    def _cache_path(self, payload: dict) -> Path | None:
        if self.cache_dir is None:
            return None
        h = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        return self.cache_dir / h[:2] / f"{h}.json"

    def chat(self, messages: list[dict[str, str]], **params: Any) -> str:
        """The assistant's reply text for ``messages``."""
        payload = {"model": self.model, "messages": messages, "temperature": self.temperature, **params}
        cached = self._cache_path(payload)
        if cached is not None and cached.is_file():
            return json.loads(cached.read_text())["content"]
        content = self._post(payload)
        if cached is not None:
            from unif2ace.io import atomic_write_text

            atomic_write_text(cached, json.dumps({"content": content}))
        return content

    def _post(self, payload: dict) -> str:
        data = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            req = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
            self.requests += 1
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    body = json.loads(resp.read().decode())
                return body["choices"][0]["message"]["content"]
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}: {exc.read()[:200]!r}"
                if exc.code != 429 and exc.code < 500:
                    raise LLMError(f"{self.url} refused the request ({last}); check the model name and key") from exc
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                if retry_after and retry_after.replace(".", "", 1).isdigit():
                    time.sleep(min(float(retry_after), 60.0))
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last = f"{type(exc).__name__}: {exc}"
            except (KeyError, IndexError, json.JSONDecodeError) as exc:
                last = f"malformed response ({exc})"
        raise LLMError(f"{self.url}: no answer after {self.retries + 1} tries ({last})")


CAPTION_SYSTEM = (
    "You write detailed, fluent descriptions of face photos for a dataset. You are given facts that "
    "were measured on the photo. Use every fact, add nothing that is not among the facts (no hair, "
    "clothing, background or makeup unless listed), and do not mention measurement or confidence."
)
QA_SYSTEM = (
    "You write question-answer pairs about a face photo for training a vision-language model. Use only "
    "the description given; every answer must follow from it. Mix yes/no, which-of, how-old and "
    "describe questions. Reply with a JSON list of objects with keys 'question' and 'answer' only."
)


class CaptionRewriter:
    """Rewrites template captions and adds QA through :class:`ChatClient`; falls back to templates on failure."""

    def __init__(self, client: ChatClient, n_questions: int = 6):
        self.client, self.n_questions = client, n_questions
        self.failures = 0

    @classmethod
    def from_env(cls, cache_dir: str | Path | None = None, **kwargs: Any) -> CaptionRewriter:
        return cls(ChatClient.from_env(cache_dir=cache_dir, **kwargs))

    def rewrite_caption(self, caption: str, facts: dict[str, Any]) -> str | None:
        facts_text = "\n".join(f"- {k}: {v}" for k, v in sorted(facts.items()))
        try:
            text = self.client.chat([
                {"role": "system", "content": CAPTION_SYSTEM},
                {"role": "user", "content": f"Facts:\n{facts_text}\n\nDraft description:\n{caption}\n\n"
                                            "Rewrite the draft as one fluent paragraph."},
            ]).strip()
        except LLMError:
            self.failures += 1
            return None
        return text or None

    def extra_qa(self, caption: str, facts: dict[str, Any]) -> list[QATurn]:
        try:
            text = self.client.chat([
                {"role": "system", "content": QA_SYSTEM},
                {"role": "user", "content": f"Description:\n{caption}\n\nWrite {self.n_questions} question-answer pairs."},
            ])
        except LLMError:
            self.failures += 1
            return []
        return parse_qa_json(text)


def parse_qa_json(text: str) -> list[QATurn]:
    """QA pairs from a model reply: a JSON list, possibly inside a ```json fence; [] if unusable."""
    m = re.search(r"\[.*\]", text, re.S)
    if not m:
        return []
    try:
        items = json.loads(m.group(0))
    except json.JSONDecodeError:
        return []
    out = []
    for it in items if isinstance(items, list) else []:
        if isinstance(it, dict) and isinstance(it.get("question"), str) and isinstance(it.get("answer"), str):
            out.append(QATurn(it["question"].strip(), it["answer"].strip(), "llm"))
    return out

"""The OpenAI-compatible client against a small local HTTP server: retries, timeouts, cache, errors."""

from __future__ import annotations

import time

import pytest
from fake_openai import FakeChatServer, chat_reply

from unif2ace.data.llm_client import CaptionRewriter, ChatClient, LLMError, parse_qa_json


class FakeServer(FakeChatServer):
    """Answers /v1/chat/completions following a script of behaviours, one per request."""

    def __init__(self):
        self.script: list[str] = []
        self.seen: list[dict] = []
        super().__init__(self.respond)

    def respond(self, path: str, headers: dict, body: dict):
        self.seen.append({"path": path, "auth": headers.get("Authorization"), "body": body})
        action = self.script.pop(0) if self.script else "ok"
        if action == "slow":
            time.sleep(0.5)
        if action in ("500", "429", "400"):
            return int(action), b"{}", {"Retry-After": "0"} if action == "429" else {}
        user = body["messages"][-1]["content"]
        reply = '```json\n[{"question": "Is she smiling?", "answer": "Yes."}]\n```' if "question-answer" in user \
            else "REWRITTEN: " + user[-20:]
        return 200, chat_reply(reply), {}


@pytest.fixture()
def server():
    s = FakeServer()
    yield s
    s.shutdown()


def test_chat_retries_and_caches(server, tmp_path):
    client = ChatClient(server.url, "gpt-test", "sk-x", retries=3, backoff=0.01, cache_dir=tmp_path)
    server.script = ["500", "429"]
    msgs = [{"role": "user", "content": "hello there"}]
    assert client.chat(msgs).startswith("REWRITTEN")
    assert client.requests == 3
    assert server.seen[-1]["path"] == "/v1/chat/completions" and server.seen[-1]["auth"] == "Bearer sk-x"
    assert server.seen[-1]["body"]["model"] == "gpt-test"
    again = ChatClient(server.url, "gpt-test", "sk-x", cache_dir=tmp_path)
    assert again.chat(msgs) == client.chat(msgs) and again.requests == 0  # served from the cache


def test_timeout_then_give_up(server):
    client = ChatClient(server.url, "m", timeout=0.1, retries=1, backoff=0.01)
    server.script = ["slow", "slow"]
    with pytest.raises(LLMError, match="no answer after 2 tries"):
        client.chat([{"role": "user", "content": "x"}])


def test_client_error_is_not_retried(server):
    client = ChatClient(server.url, "m", retries=3, backoff=0.01)
    server.script = ["400"]
    with pytest.raises(LLMError, match="refused"):
        client.chat([{"role": "user", "content": "x"}])
    assert client.requests == 1


def test_rewriter_and_fallback(server, monkeypatch):
    monkeypatch.setenv("UNIF2ACE_LLM_BASE_URL", server.url)
    monkeypatch.setenv("UNIF2ACE_LLM_MODEL", "m")
    rw = CaptionRewriter.from_env(backoff=0.01, retries=0)
    assert rw.rewrite_caption("A woman is smiling.", {"smile": True}).startswith("REWRITTEN")
    qa = rw.extra_qa("A woman is smiling.", {"smile": True})
    assert [(t.question, t.answer, t.kind) for t in qa] == [("Is she smiling?", "Yes.", "llm")]
    server.script = ["500"]
    assert rw.rewrite_caption("x", {}) is None and rw.failures == 1  # the builder keeps the template


def test_from_env_needs_configuration(monkeypatch):
    for k in ("UNIF2ACE_LLM_BASE_URL", "UNIF2ACE_LLM_MODEL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(k, raising=False)
    with pytest.raises(ValueError, match="UNIF2ACE_LLM_BASE_URL"):
        ChatClient.from_env()


def test_parse_qa_json():
    assert parse_qa_json("no json here") == []
    assert parse_qa_json('[{"question": "q", "answer": 3}]') == []
    assert len(parse_qa_json('Sure! [{"question": "q", "answer": "a"}] done')) == 1

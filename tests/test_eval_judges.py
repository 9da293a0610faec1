"""Judge scores: reply parsing, and the judge client against a local OpenAI-compatible server that misbehaves."""

from __future__ import annotations

import json

import pytest
from fake_openai import FakeChatServer, chat_reply

from unif2ace.evaluation.judges import Judge, load_prompt, parse_score


@pytest.mark.parametrize("reply, score", [
    ('{"score": 7, "reason": "good"}', 7),
    ('```json\n{"score": 9, "reason": "all right"}\n```', 9),
    ('Here is my verdict: {"reason": "fine", "score": 4} thanks', 4),
    ('{"score": "8"}', 8),
    ("Score: 6\nReason: misses the glasses", 6),
    ("I would give it 3/10.", 3),
    ("10", 10),
    ('{"score": 11}', None),
    ('{"score": 0}', None),
    ('{"score": 7.5}', None),
    ('{"score": true}', None),
    ('{"score": null}', None),
    ("The description is accurate.", None),
    ("", None),
    (None, None),
    ('{"score": 7', 7),  # a truncated object still names its score
])
def test_parse_score(reply, score):
    assert parse_score(reply) == score


def test_prompts_live_in_the_repository():
    for name in ("desc_judge", "conv_judge", "image_judge"):
        system, user = load_prompt(name)
        assert '"score"' in system and "{" in user


class JudgeServer(FakeChatServer):
    """Replies to /v1/chat/completions from a script: a reply text, or a broken HTTP body."""

    def __init__(self, script: list):
        self.script, self.seen = list(script), []
        super().__init__(self.respond)

    def respond(self, path: str, headers: dict, body: dict):
        self.seen.append(body)
        action = self.script.pop(0) if self.script else '{"score": 5}'
        if action == "BROKEN_JSON":
            return 200, b"this is not json", {}
        if action == "NO_CHOICES":
            return 200, json.dumps({"object": "chat.completion"}).encode(), {}
        return 200, chat_reply(action), {}


def _judge(server: JudgeServer, tmp_path=None) -> Judge:
    from unif2ace.data.llm_client import ChatClient

    return Judge(ChatClient(server.url, "judge-model", retries=1, backoff=0.01, temperature=0.0,
                            cache_dir=tmp_path / "cache" if tmp_path else None))


def test_judge_counts_malformed_replies_as_unparsed_or_failed():
    server = JudgeServer([
        '{"score": 8, "reason": "ok"}',           # good
        "The caption is pretty good.",            # no score → unparsed
        '{"score": 42}',                          # out of range → unparsed
        "BROKEN_JSON", "NO_CHOICES",              # a malformed HTTP body, retried once, then failed
        "```json\n{\"score\": 6}\n```",           # fenced → parsed
    ])
    try:
        out = _judge(server).descriptions(["ref a", "ref b", "ref c", "ref d", "ref e"], ["a", "b", "c", "d", "e"])
    finally:
        server.shutdown()
    assert out.scores == [8, None, None, None, 6]
    assert out.to_dict() == {"mean": 7.0, "n_scored": 2, "n_unparsed": 2, "n_failed": 1}
    body = server.seen[0]
    assert body["model"] == "judge-model" and body["temperature"] == 0.0
    system, _ = load_prompt("desc_judge")
    assert body["messages"][0]["content"] == system
    assert "Reference description:\nref a" in body["messages"][1]["content"] and "Model description:\na" in body["messages"][1]["content"]


def test_judge_conversations_and_images(tmp_path):
    from PIL import Image

    server = JudgeServer(['{"score": 9}', '{"score": 3}', '{"score": 3}'])
    try:
        judge = _judge(server, tmp_path)
        conv = judge.conversations([[("Is she smiling?", "Yes.", "No.")], [("Man or woman?", "A man.", "A man.")]])
        img = judge.images([Image.new("RGB", (8, 8), "red")], ["a red face"])
        again = judge.images([Image.new("RGB", (8, 8), "red")], ["a red face"])  # cached: no new request
    finally:
        server.shutdown()
    assert conv.scores == [9, 3] and img.scores == [3] and again.scores == [3] and len(server.seen) == 3
    assert "Question 1: Is she smiling?\nReference answer: Yes.\nAssistant's answer: No." in server.seen[0]["messages"][1]["content"]
    parts = server.seen[2]["messages"][1]["content"]
    assert parts[0]["text"] == "Prompt: a red face"
    assert parts[1]["image_url"]["url"].startswith("data:image/png;base64,")


def test_judge_needs_url_and_model(monkeypatch):
    monkeypatch.delenv("UNIF2ACE_JUDGE_BASE_URL", raising=False)
    monkeypatch.delenv("UNIF2ACE_JUDGE_MODEL", raising=False)
    assert Judge.from_args(None, None) is None
    with pytest.raises(ValueError, match="judge-model"):
        Judge.from_args("http://127.0.0.1:9/v1", None)

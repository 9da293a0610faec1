"""Per-request progress for the web page: queue position, model passes and the final state, as tracked
(Tracker on a Batcher) and as streamed (GET /v1/jobs/{id}/events); cancelling a queued request;
/v1/config and the page's static files."""

import contextvars
import json
import threading
import time

import pytest
import torch

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
pytest.importorskip("multipart")

from fastapi.testclient import TestClient  # noqa: E402

from unif2ace.pipeline import UniF2ace, write_random_model  # noqa: E402
from unif2ace.serve import create_app  # noqa: E402
from unif2ace.serve.batcher import Batcher  # noqa: E402
from unif2ace.serve.progress import CURRENT_JOB, Tracker  # noqa: E402


def submit_as(batcher: Batcher, job_id: str, key, payload):
    """Submit the way a request does: with its X-Job-Id as the current job."""
    ctx = contextvars.copy_context()
    ctx.run(CURRENT_JOB.set, job_id)
    return ctx.run(batcher.submit, key, payload)


def wait_until(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_tracker_queue_running_passes_cancel_done():
    model = torch.nn.Linear(2, 2)
    release, ran = threading.Event(), []

    def run(key, payloads):
        ran.extend(payloads)
        for _ in range(3 * len(payloads)):  # three forward passes per job, like three sampling steps
            model(torch.zeros(1, 2))
        release.wait(10)
        return payloads

    batcher = Batcher(run, max_rows=1, max_wait=0)
    tracker = Tracker(batcher, model)
    first = submit_as(batcher, "job-first", "k", 1)
    wait_until(lambda: tracker.state("job-first") == {"state": "running", "passes": 3})
    second = submit_as(batcher, "job-second", "k", 2)
    submit_as(batcher, "job-third", "k", 3)
    batcher.submit("k", 4)  # a request without an id is not tracked
    assert tracker.state("job-second") == {"state": "queued", "ahead": 0}
    assert tracker.state("job-third") == {"state": "queued", "ahead": 1}
    assert tracker.state("job-nobody") == {"state": "unknown"}

    assert tracker.cancel("job-third") and not tracker.cancel("job-first")  # a running job is not stopped
    assert tracker.state("job-third") == {"state": "cancelled"}
    release.set()
    assert first.result(10) == 1 and second.result(10) == 2
    wait_until(lambda: tracker.state("job-second")["state"] == "done")
    assert tracker.state("job-first") == {"state": "done"}
    wait_until(lambda: len(ran) == 3)
    assert 3 not in ran  # the cancelled job never ran
    batcher.close()
    tracker.close()


def test_tracker_reports_errors_and_forgets_old_ids():
    def run(key, payloads):
        raise ValueError("bad")

    batcher = Batcher(run, max_rows=4, max_wait=0)
    tracker = Tracker(batcher, keep=2)
    futures = [submit_as(batcher, f"job-{i:04d}", "k", i) for i in range(3)]
    for f in futures:
        with pytest.raises(ValueError):
            f.result(10)
    assert tracker.state("job-0002") == {"state": "error"}
    assert tracker.state("job-0000") == {"state": "unknown"}  # only the last `keep` ids are kept
    batcher.close()


def test_tracker_keeps_states_not_results():
    import gc
    import weakref

    class Result:  # stands for a request's images
        pass

    batcher = Batcher(lambda key, payloads: [Result() for _ in payloads], max_rows=4, max_wait=0)
    tracker = Tracker(batcher)
    future = submit_as(batcher, "job-result", "k", None)
    result = weakref.ref(future.result(10))
    wait_until(lambda: tracker.state("job-result") == {"state": "done"})
    del future
    batcher.close()  # its thread's last batch holds the job (and its future) until the next one comes
    gc.collect()
    assert result() is None and tracker.state("job-result") == {"state": "done"}


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    return UniF2ace.from_pretrained(write_random_model(tmp_path_factory.mktemp("model") / "tiny", steps=3))


@pytest.fixture()
def client(pipe):
    app = create_app(pipe, max_wait_ms=0)
    app.state.progress.interval = 0.02
    with TestClient(app) as c:
        yield c
    app.state.progress.close()


def events(client, job_id: str) -> list[dict]:
    out = []
    with client.stream("GET", f"/v1/jobs/{job_id}/events") as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("data: "):
                out.append(json.loads(line[6:]))
    return out


def test_events_follow_a_generate_request(client, pipe):
    slow = pipe.model.register_forward_pre_hook(lambda module, args: time.sleep(0.08))
    try:
        results = {}

        def post(job_id, steps):
            time.sleep(0.3)  # the page opens the stream first: it sees "waiting" until the post arrives
            results[job_id] = client.post("/v1/generate", json={"prompt": "a smiling woman", "steps": steps,
                                                                "seed": 1}, headers={"X-Job-Id": job_id})

        posts = [threading.Thread(target=post, args=("page-job-1", 6)),
                 threading.Thread(target=post, args=("page-job-2", 2))]
        posts[0].start()
        first = events(client, "page-job-1")
        posts[1].start()
        second = events(client, "page-job-2")
        for t in posts:
            t.join(30)
    finally:
        slow.remove()
    assert results["page-job-1"].status_code == 200 and results["page-job-2"].status_code == 200
    assert first[0] == {"state": "waiting"} and first[-1] == {"state": "done"}
    passes = [e["passes"] for e in first if e["state"] == "running"]
    # one pass for the prompt and one per step, reported as they happen, never past the end
    assert len(passes) >= 3 and passes == sorted(passes) and passes[-1] <= 6 + 1
    assert second[-1] == {"state": "done"}


def test_events_of_an_unknown_id_and_a_bad_id(client):
    client.app.state.progress.wait_unknown = 0.2
    assert events(client, "never-posted") == [{"state": "waiting"}, {"state": "unknown"}]
    r = client.get("/v1/jobs/bad id!/events")
    assert r.status_code == 422 and "job id" in r.json()["error"]
    assert client.delete("/v1/jobs/never-posted").json() == {"cancelled": False}


def test_config_and_static_files(client, pipe):
    c = client.get("/v1/config").json()
    assert c["image_size"] == pipe.image_size and c["model"] == pipe.name
    assert c["defaults"]["steps"] == pipe.generation.steps
    assert c["defaults"]["guidance_scale"] == pipe.generation.guidance_scale
    assert c["limits"]["max_images"] >= 1 and c["guidance_schedules"]
    assert c["routes"] == {"chat": True}  # serve/openai_api.py's /v1/chat, found inside its included router
    page = client.get("/")
    assert page.status_code == 200
    for src in ("/static/page.js", "/static/page.css"):
        assert src in page.text
        assert client.get(src).status_code == 200

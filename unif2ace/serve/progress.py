"""Progress of the server's model work, per request, as server-sent events (what the web page shows).

A request names itself with an ``X-Job-Id`` header (8–64 letters, digits, ``-`` or ``_``; the page
makes a random one). Every batcher job submitted while serving that request is tracked under the id:

    GET    /v1/jobs/{id}/events   text/event-stream of JSON states, one ``data:`` line each, sent when
                                  the state changes, ending at a final one:
                                  {"state": "waiting"}             the id is not known yet (the page
                                                                   opens the stream before it posts)
                                  {"state": "queued", "ahead": n}  n jobs queued before it
                                  {"state": "running", "passes": k}  k model forward passes so far in
                                                                   the batch it runs in
                                  {"state": "done" | "error" | "cancelled"}   final
                                  {"state": "unknown"}             final: no such request within 15 s
    DELETE /v1/jobs/{id}          cancels its jobs that have not started → {"cancelled": bool}

A model pass is one forward call of the transformer (counted by a forward hook): image generation
and editing make one for the prompt and one per sampling step (so a step is ``passes - 1``), text
decoding one for the prompt and one per token; best-of-N candidates add the scoring passes after the
last step, and ``face_retries`` the passes of the faces it draws again. The result itself still comes back in the request's own response.
"""


import asyncio
import contextvars
import json
import re
import threading
import time
import weakref
from collections import OrderedDict
from concurrent.futures import Future

from unif2ace.serve.batcher import Batcher, Job

# the X-Job-Id of the request being served (set by JobIdMiddleware, read when a job is submitted)
CURRENT_JOB: contextvars.ContextVar[str | None] = contextvars.ContextVar("unif2ace_job_id", default=None)
JOB_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
FINAL = ("done", "error", "cancelled", "unknown")


class Tracker:
    """Which batcher futures belong to which request id, the queue position of each and the model
    passes of the batch now running. Keeps the last ``keep`` ids."""

    def __init__(self, batcher: Batcher, model=None, keep: int = 1024, interval: float = 0.1,
                 wait_unknown: float = 15.0):
        self.batcher = batcher
        self.keep = keep
        self.interval = interval  # seconds between looks at a streamed job's state
        self.wait_unknown = wait_unknown  # how long a stream waits for a request id it does not know yet
        # id → its jobs: the future while pending, then only the final state, so results (images)
        # are not kept alive by the tracker
        self._jobs: OrderedDict[str, list[_Tracked]] = OrderedDict()
        self._lock = threading.Lock()
        self.passes = 0  # forward passes since the running batch started (ints are atomic under the GIL)
        batcher.on_submit = self._submitted
        batcher.on_start = self._started
        self._hook = None
        if model is not None:
            ref = weakref.ref(self)  # the model must not keep a dead app's tracker alive

            def count(module, args, output):
                tracker = ref()
                if tracker is not None:
                    tracker.passes += 1

            self._hook = model.register_forward_hook(count)

    def close(self) -> None:
        if self._hook is not None:
            self._hook.remove()
            self._hook = None

    def _submitted(self, job: Job) -> None:
        job_id = CURRENT_JOB.get()
        if job_id is None:
            return
        tracked = _Tracked(job.future)
        with self._lock:
            self._jobs.setdefault(job_id, []).append(tracked)
            self._jobs.move_to_end(job_id)
            while len(self._jobs) > self.keep:
                self._jobs.popitem(last=False)
        job.future.add_done_callback(tracked.finish)

    def _started(self, jobs: list[Job]) -> None:
        self.passes = 0

    def _tracked(self, job_id: str) -> list["_Tracked"]:
        with self._lock:
            return list(self._jobs.get(job_id, ()))

    def state(self, job_id: str) -> dict:
        """The request's state: its least advanced job's (queued before running before final)."""
        tracked = self._tracked(job_id)
        if not tracked:
            return {"state": "unknown"}
        pending = [f for f in (t.future for t in tracked) if f is not None]
        if not pending:
            finals = {t.final for t in tracked}
            return {"state": next(s for s in ("cancelled", "error", "done") if s in finals)}
        ahead = [a for a in (self.batcher.ahead_of(f) for f in pending) if a is not None]
        if ahead:
            return {"state": "queued", "ahead": max(ahead)}
        return {"state": "running", "passes": self.passes}

    def cancel(self, job_id: str) -> bool:
        """Cancel the request's jobs that have not started; True if any was."""
        return any([f.cancel() for f in (t.future for t in self._tracked(job_id)) if f is not None])


class _Tracked:
    """One job of a request: its future until it finishes, then its final state only."""

    __slots__ = ("future", "final")

    def __init__(self, future: Future):
        self.future: Future | None = future
        self.final: str | None = None

    def finish(self, future: Future) -> None:
        # final before the future is dropped: a reader that sees no future sees the final state
        if future.cancelled():
            self.final = "cancelled"
        else:
            self.final = "error" if future.exception() is not None else "done"
        self.future = None


class JobIdMiddleware:
    """Pure ASGI middleware: makes a request's ``X-Job-Id`` header the :data:`CURRENT_JOB` while it is served."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        job_id = None
        if scope["type"] == "http":
            for name, value in scope.get("headers", ()):
                if name == b"x-job-id":
                    text = value.decode("latin-1")
                    job_id = text if JOB_ID.fullmatch(text) else None
                    break
        token = CURRENT_JOB.set(job_id)
        try:
            await self.app(scope, receive, send)
        finally:
            CURRENT_JOB.reset(token)


def attach_progress(app, pipe, batcher: Batcher) -> Tracker:
    """Add the job routes and the X-Job-Id middleware to ``app``; returns the tracker (also ``app.state.progress``)."""
    from fastapi import APIRouter, Request
    from fastapi.responses import JSONResponse, StreamingResponse

    from unif2ace.serve.app import BadRequest

    tracker = Tracker(batcher, getattr(pipe, "model", None))
    router = APIRouter()

    def checked(job_id: str) -> str:
        if not JOB_ID.fullmatch(job_id):
            raise BadRequest("a job id is 8-64 letters, digits, '-' or '_' (the X-Job-Id header of the request)")
        return job_id

    @router.get("/v1/jobs/{job_id}/events")
    async def job_events(job_id: str, request: Request):
        checked(job_id)

        async def stream():
            last, since, heartbeat = None, time.monotonic(), time.monotonic()
            while True:
                state = tracker.state(job_id)
                if state["state"] == "unknown" and time.monotonic() - since < tracker.wait_unknown:
                    state = {"state": "waiting"}
                if state != last:
                    yield f"data: {json.dumps(state)}\n\n"
                    last, heartbeat = state, time.monotonic()
                elif time.monotonic() - heartbeat > 15:  # keeps proxies from closing a quiet stream
                    yield ": still here\n\n"
                    heartbeat = time.monotonic()
                if state["state"] in FINAL or await request.is_disconnected():
                    return
                await asyncio.sleep(tracker.interval)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @router.delete("/v1/jobs/{job_id}")
    async def cancel_job(job_id: str):
        return JSONResponse({"cancelled": tracker.cancel(checked(job_id))})

    app.include_router(router)
    app.add_middleware(JobIdMiddleware)
    app.state.progress = tracker
    return tracker


__all__ = ["attach_progress", "Tracker", "JobIdMiddleware", "CURRENT_JOB"]

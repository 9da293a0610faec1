"""Micro-batching: requests that arrive together run as one model call, on one worker thread.

Each job has a *key*; only jobs with equal keys share a batch (same sampling settings, same
task). The worker takes the oldest job, waits up to ``max_wait`` seconds for more jobs of its key
(up to ``max_rows`` rows), runs them with ``run(key, payloads)`` and resolves every job's future.
If a batch fails, its jobs are retried one by one, so one bad request cannot fail the others.
All model work happens on this one thread: the model is never used concurrently.

Cancelling a job's future (the server does when its client disconnects) removes the job from the
queue at once; a job is marked running (``set_running_or_notify_cancel``) before its batch starts,
so work whose future was cancelled is never started. A batch already running is not interrupted.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)  # identity: queue removal must not compare payloads (images)
class Job:
    key: Hashable
    payload: Any
    rows: int = 1
    future: Future = field(default_factory=Future)


class Batcher:
    def __init__(self, run: Callable[[Hashable, list[Any]], list[Any]], max_rows: int = 16, max_wait: float = 0.01):
        self.run = run
        self.max_rows = max_rows
        self.max_wait = max_wait
        self._jobs: list[Job] = []
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stop = False
        self.batches_run = 0
        self.batch_sizes: deque[int] = deque(maxlen=10_000)  # the most recent batches' job counts
        self.cancelled = 0  # jobs dropped before they ran
        # observers (the server's progress tracker): called with a job as it is queued (on the
        # submitting thread) and with a batch's jobs just before it runs (on the batcher's thread)
        self.on_submit: Callable[[Job], None] | None = None
        self.on_start: Callable[[list[Job]], None] | None = None

    def submit(self, key: Hashable, payload: Any, rows: int = 1) -> Future:
        """Queue one job of ``rows`` rows; its future gets ``run``'s result for it (or its exception)."""
        job = Job(key, payload, rows)
        job.future.add_done_callback(self._on_done)  # a bound method: no job → future → job cycle
        if self.on_submit is not None:
            self.on_submit(job)
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._stop = False
                self._thread = threading.Thread(target=self._loop, name="unif2ace-batcher", daemon=True)
                self._thread.start()
            self._jobs.append(job)
            self._cond.notify_all()
        return job.future

    def ahead_of(self, future: Future) -> int | None:
        """How many queued jobs are before the one with this future (0: it is next); None when it is
        not queued (running or finished)."""
        with self._cond:
            for i, job in enumerate(self._jobs):
                if job.future is future:
                    return i
        return None

    def _on_done(self, future: Future) -> None:
        """A cancelled job leaves the queue (its rows no longer count toward a batch)."""
        if not future.cancelled():
            return
        with self._cond:
            for job in self._jobs:
                if job.future is future:
                    self._jobs.remove(job)
                    self.cancelled += 1
                    self._cond.notify_all()
                    break

    @property
    def queued(self) -> int:
        with self._cond:
            return len(self._jobs)

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _take(self) -> list[Job] | None:
        with self._cond:
            while not self._jobs and not self._stop:
                self._cond.wait()
            if self._stop:
                return None
            key = self._jobs[0].key
            deadline = time.monotonic() + self.max_wait
            while True:  # let concurrent requests of the same kind join
                rows = sum(j.rows for j in self._jobs if j.key == key)
                left = deadline - time.monotonic()
                if rows >= self.max_rows or left <= 0 or self._stop:
                    break
                self._cond.wait(left)
            batch, rows = [], 0
            for job in list(self._jobs):
                if job.key == key and (not batch or rows + job.rows <= self.max_rows):
                    self._jobs.remove(job)
                    # False: cancelled meanwhile (its callback waits for this lock); never start it
                    if not job.future.set_running_or_notify_cancel():
                        self.cancelled += 1
                        continue
                    batch.append(job)
                    rows += job.rows
            return batch

    def _loop(self) -> None:
        while (batch := self._take()) is not None:
            if batch:  # empty: every job of the batch was cancelled
                self.batches_run += 1
                self.batch_sizes.append(len(batch))
                if self.on_start is not None:
                    self.on_start(batch)
                self._execute(batch)
            del batch  # an idle worker must not hold the last requests' images and results

    def _execute(self, batch: list[Job]) -> None:
        try:
            results = self.run(batch[0].key, [j.payload for j in batch])
        except BaseException as exc:  # noqa: BLE001 - any failure must reach the waiting requests
            if len(batch) > 1:
                for job in batch:
                    self._execute([job])
                return
            batch[0].future.set_exception(exc if isinstance(exc, Exception) else RuntimeError(repr(exc)))
            return
        for job, result in zip(batch, results):
            job.future.set_result(result)

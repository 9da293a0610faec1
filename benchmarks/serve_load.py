"""Load test of ``unif2ace serve`` on loopback: many concurrent clients, mixed, some leaving early, some bad.

    python benchmarks/serve_load.py                          # the shipped model, 32 clients × 20 requests
    python benchmarks/serve_load.py --model runs/x/final --clients 8 --requests 5

Starts the server as a child process on a free 127.0.0.1 port (``--threads`` torch threads), warms it
up with one request of each kind, then runs ``--clients`` threads × ``--requests`` requests each:
generate (JSON), caption, ask and edit (multipart, skimage's astronaut photo). ``--disconnect``
of them leave early (a read timeout of 20–300 ms: the client closes its connection while its job
waits or runs) and ``--bad`` of them send bad input (empty / lone-surrogate / too long prompts,
NaN or out-of-range numbers, wrong JSON types, not-an-image, a 5000×5000 PNG header, a photo
without a face, a wrong-size mask, no question, malformed JSON). Prints a markdown table per kind:
requests, answers by class (2xx / 4xx / 5xx / connection errors), early leavers, answers of the
wrong class (a good request not 2xx or a bad one not 4xx), p50/p95 latency of the answered ones;
then the server's RSS before (after warm-up) / peak / after, and whether it is still alive.
Bounded: at most clients × requests requests and ``--max-seconds`` in all; the server is stopped
at the end. Exit status 1 when there was a 5xx, a connection error, a wrong-class answer or a crash.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import httpx
from PIL import Image


@dataclass
class Result:
    kind: str  # generate, caption, ask, edit
    bad: bool  # sent bad input on purpose: a 4xx is the right answer
    leave: bool  # left early on purpose
    status: int | None  # None: no answer
    outcome: str  # 2xx, 4xx, 5xx, connection, left
    seconds: float
    detail: str = ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    """Resident set size of a process (Linux /proc), MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares width×height and holds almost no data (a 'pixel bomb')."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(b"\x00" * (3 * width + 1) * 4))


class Inputs:
    def __init__(self, steps: int):
        from skimage import data

        photo = Image.fromarray(data.astronaut())
        self.photo = png(photo)
        mask = Image.new("L", photo.size, 0)
        mask.paste(255, (170, 130, 280, 175))
        self.mask = png(mask)
        self.blank = png(Image.new("RGB", (200, 200), "white"))
        self.small_mask = png(Image.new("L", (100, 80), 255))
        self.bomb = png_header(5000, 5000)
        self.steps = steps
        self.prompts = ["a smiling woman with long hair", "an old man with a grey beard", "a young boy",
                        "a woman in her forties wearing glasses", "a bald man"]
        self.questions = ["Is the person smiling?", "How old is this person?", "Is the person wearing glasses?"]

    def good(self, kind: str, rng: random.Random) -> dict:
        """httpx keyword arguments for a good request of ``kind``."""
        if kind == "generate":
            return {"json": {"prompt": rng.choice(self.prompts), "steps": self.steps, "n": rng.choice((1, 1, 2))}}
        if kind == "caption":
            return {"files": {"images": ("a.png", self.photo, "image/png")}}
        if kind == "ask":
            return {"files": {"images": ("a.png", self.photo, "image/png")}, "data": {"questions": rng.choice(self.questions)}}
        return {"files": {"image": ("a.png", self.photo, "image/png"), "mask": ("m.png", self.mask, "image/png")},
                "data": {"prompt": "a thick beard", "steps": str(self.steps)}}

    def bad(self, kind: str, rng: random.Random) -> dict:
        """httpx keyword arguments for a request of ``kind`` that must get a 4xx."""
        if kind == "generate":
            return rng.choice([
                {"json": {"prompt": ""}},
                {"json": {"prompt": "x" * 5000}},
                {"json": {"prompt": 3}},
                {"json": {"prompt": "a man", "steps": 0}},
                {"json": {"prompt": "a man", "steps": 2.5}},
                {"json": {"prompt": "a man", "guidance_scale": -1}},
                {"json": {"prompt": "a man", "n": 1000}},
                {"content": b'{"prompt": "a man", "guidance_scale": NaN}', "headers": {"content-type": "application/json"}},
                {"content": b'{"prompt": "\\ud800"}', "headers": {"content-type": "application/json"}},
                {"content": b"{not json", "headers": {"content-type": "application/json"}},
            ])
        if kind in ("caption", "ask"):
            extra = {"data": {"questions": "Is she smiling?"}} if kind == "ask" else {}
            return rng.choice([
                {"files": {"images": ("x.png", b"not an image", "image/png")}, **extra},
                {"files": {"images": ("bomb.png", self.bomb, "image/png")}, **extra},
                {"files": {"images": ("blank.png", self.blank, "image/png")}, **extra},
                {"files": {"images": ("cut.png", self.photo[:5000], "image/png")}, **extra},
                {"files": {"other": ("a.png", self.photo, "image/png")}, **extra},
                {"data": {"questions": "Is she smiling?"}} if kind == "ask" else {"json": {"images": "a.png"}},
                {"files": {"images": ("a.png", self.photo, "image/png")}} if kind == "ask" else
                {"files": {"images": ("a.png", self.photo, "image/png")}, "data": {"align": "maybe"}},
            ])
        photo = ("a.png", self.photo, "image/png")
        return rng.choice([
            {"files": {"image": photo, "mask": ("m.png", self.small_mask, "image/png")}, "data": {"prompt": "a beard"}},
            {"files": {"image": photo, "mask": ("m.png", png(Image.new("L", (512, 512), 0)), "image/png")},
             "data": {"prompt": "a beard", "steps": "1"}},
            {"files": {"image": photo, "mask": ("m.png", self.mask, "image/png")}, "data": {"prompt": "a beard", "steps": "many"}},
            {"files": {"image": photo, "mask": ("m.png", self.mask, "image/png")}, "data": {"prompt": ""}},
            {"files": {"image": photo, "mask": ("m.png", self.mask, "image/png")},
             "data": {"prompt": "a beard", "guidance_scale": "nan"}},
        ])


def one_request(base: str, kind: str, kwargs: dict, bad: bool, leave: bool, rng: random.Random,
                patience: float = 600.0) -> Result:
    timeout = httpx.Timeout(patience, read=rng.uniform(0.02, 0.3)) if leave else httpx.Timeout(patience)
    start = time.perf_counter()
    try:
        with httpx.Client(base_url=base, timeout=timeout) as http:  # a fresh connection, like a new visitor
            r = http.post(f"/v1/{kind}", **kwargs)
    except httpx.TimeoutException:
        outcome = "left" if leave else "connection"
        return Result(kind, bad, leave, None, outcome, time.perf_counter() - start, "timeout")
    except httpx.HTTPError as exc:
        return Result(kind, bad, leave, None, "connection", time.perf_counter() - start, f"{type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - start
    detail = ""
    if r.status_code >= 400:
        try:
            detail = str(r.json().get("error", ""))[:160]
        except (json.JSONDecodeError, AttributeError):
            detail = r.text[:160]
    return Result(kind, bad, leave, r.status_code, f"{r.status_code // 100}xx", seconds, detail)


def wrong(r: Result) -> bool:
    """An answer of the wrong class: a good request not 2xx, a bad one not 4xx (leavers that got an answer
    anyway count as answered)."""
    if r.outcome in ("left", "connection"):
        return False
    return r.outcome != ("4xx" if r.bad else "2xx")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--requests", type=int, default=20, help="requests per client")
    ap.add_argument("--disconnect", type=float, default=0.1, help="share of requests that leave early")
    ap.add_argument("--bad", type=float, default=0.1, help="share of requests with bad input")
    ap.add_argument("--steps", type=int, default=4, help="sampling steps of generate/edit requests")
    ap.add_argument("--threads", type=int, default=1, help="torch threads of the server")
    ap.add_argument("--max-batch", type=int, default=16)
    ap.add_argument("--max-seconds", type=float, default=1800, help="stop sending after this long")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=600, help="a client gives up after this long (a connection error)")
    args = ap.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-c", "import sys; from unif2ace.cli import main; sys.exit(main())", "serve",
           "--host", "127.0.0.1", "--port", str(port), "--threads", str(args.threads), "--max-batch",
           str(args.max_batch), "-q"] + (["--model", args.model] if args.model else [])
    log_path = Path(tempfile.gettempdir()) / "unif2ace-serve-load.log"
    log = open(log_path, "w")
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    print(f"server pid {server.pid} on {base} (log: {log_path})", flush=True)
    try:
        return run(args, base, server)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def run(args, base: str, server: subprocess.Popen) -> int:
    deadline = time.time() + 180
    while time.time() < deadline:
        if server.poll() is not None:
            print(f"the server exited with status {server.returncode} before it answered; see the server log")
            return 1
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        print("the server did not answer /health within 180 s")
        return 1
    inputs = Inputs(args.steps)
    warm = random.Random(-1)
    for kind in ("generate", "caption", "ask", "edit"):  # warm-up: every code path once
        r = one_request(base, kind, inputs.good(kind, warm), False, False, warm)
        print(f"warm-up {kind}: {r.status} in {r.seconds:.2f} s {r.detail}", flush=True)
    rss_before = rss_mib(server.pid)
    peak = [rss_before]
    stop = threading.Event()

    def watch():
        while not stop.wait(0.1):
            try:
                peak.append(rss_mib(server.pid))
            except OSError:  # the server is gone
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    results: list[Result] = []
    lock = threading.Lock()
    total = args.clients * args.requests
    end_by = time.time() + args.max_seconds
    marks = {total // 4: "25%", total // 2: "50%", 3 * total // 4: "75%"}
    at: dict[int, float] = {}
    kinds = ["generate"] * 4 + ["caption"] * 2 + ["ask"] * 2 + ["edit"] * 2

    def client(index: int):
        rng = random.Random(args.seed * 1000 + index)
        for _ in range(args.requests):
            if time.time() > end_by or server.poll() is not None:
                return
            kind = rng.choice(kinds)
            draw = rng.random()
            bad, leave = draw < args.bad, args.bad <= draw < args.bad + args.disconnect
            kwargs = inputs.bad(kind, rng) if bad else inputs.good(kind, rng)
            r = one_request(base, kind, kwargs, bad, leave, rng, args.timeout)
            with lock:
                results.append(r)
                done = len(results)
                if done in marks:
                    at[done] = rss_mib(server.pid)
            if done % max(1, total // 20) == 0:
                print(f"  {done}/{total} requests, {time.time() - started:.0f} s", flush=True)

    started = time.time()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    elapsed = time.time() - started
    time.sleep(2.0)  # let cancelled and finished work settle
    alive = server.poll() is None
    try:
        health = httpx.get(f"{base}/health", timeout=10).json() if alive else {}
    except httpx.HTTPError:
        health = {}
    rss_after = rss_mib(server.pid) if alive else float("nan")
    stop.set()
    watcher.join()

    rows = defaultdict(list)
    for r in results:
        rows[r.kind].append(r)
        rows["all"].append(r)
    print(f"\n{len(results)} requests from {args.clients} clients in {elapsed:.0f} s "
          f"({len(results) / elapsed:.1f} requests/s), steps {args.steps}, {args.threads} torch thread(s)\n")
    print("| kind | requests | bad sent | left early | 2xx | 4xx | 5xx | connection | wrong class | p50 s | p95 s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind in ("generate", "caption", "ask", "edit", "all"):
        rs = rows.get(kind, [])
        c = Counter(r.outcome for r in rs)
        answered = [r.seconds for r in rs if r.outcome not in ("left", "connection")]
        print(f"| {kind} | {len(rs)} | {sum(r.bad for r in rs)} | {c['left']} | {c['2xx']} | {c['4xx']} | {c['5xx']} | "
              f"{c['connection']} | {sum(wrong(r) for r in rs)} | {percentile(answered, 50):.2f} | "
              f"{percentile(answered, 95):.2f} |")
    during = ", ".join(f"{marks[k]} {v:.0f}" for k, v in sorted(at.items()))
    print(f"\nserver RSS MiB: before {rss_before:.0f} (after warm-up) / peak {max(peak):.0f} / after {rss_after:.0f} "
          f"(after 25/50/75% of the requests: {during}); alive: {alive}; batches run: {health.get('batches_run')}, "
          f"queued now: {health.get('queued')}, jobs cancelled before they ran: {health.get('cancelled')}")
    problems = [r for r in results if r.outcome in ("5xx", "connection") or wrong(r)]
    for r in problems[:15]:
        print(f"  problem: {r.kind} bad={r.bad} leave={r.leave} → {r.status or r.outcome}: {r.detail}")
    return 0 if alive and not problems else 1


if __name__ == "__main__":
    sys.exit(main())

"""The server under hostile and careless use: thread-safe face tools, cancelled work that never runs,
body limits counted on the bytes received, pixel counts checked before decoding, no internal text in
500s, Host/Origin checks, offline /docs, and the ``serve`` command's option checks."""

import subprocess
import sys
import textwrap
import threading
import time

import pytest
from live_server import running_server

from unif2ace.data.labelling.face import Serialised

# ---------------------------------------------------------------------------------------- face tools


def test_serialised_calls_never_overlap():
    """Every call and method call through the wrapper holds one lock: at most one runs at a time."""
    state = {"inside": 0, "most": 0}
    guard = threading.Lock()

    class Fake:
        def _enter(self):
            with guard:
                state["inside"] += 1
                state["most"] = max(state["most"], state["inside"])
            time.sleep(0.002)
            with guard:
                state["inside"] -= 1

        def __call__(self, x):
            self._enter()
            return x + 1

        def run(self, x):
            self._enter()
            return x * 2

    fake = Serialised(Fake())
    out: list[int] = []

    def work(k):
        for i in range(20):
            out.append(fake(i) + fake.run(k))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(out) == 160 and state["most"] == 1


HAMMER = textwrap.dedent('''
    import threading
    import numpy as np
    from PIL import Image
    from skimage import data
    from unif2ace.data.labelling.face import face_encoder, locate_face, _predictor
    from unif2ace.pipeline.faces import detect_face
    from unif2ace.encoders.identity import DlibIdentityEncoder

    astronaut = Image.fromarray(data.astronaut())
    images = [np.asarray(astronaut.resize((s, s))) for s in (224, 240, 256)] + [np.zeros((64, 64, 3), np.uint8)]

    def one(rgb):
        found = detect_face(rgb)
        geo = locate_face(rgb)
        code = None
        if found is not None:
            box = geo.box
            import dlib
            shape = _predictor("5")(rgb, dlib.rectangle(*box))
            code = tuple(np.round(np.asarray(face_encoder().compute_face_descriptor(rgb, shape, 0)), 6))
        ours = DlibIdentityEncoder().encode([rgb]).numpy().tobytes()  # dlib's chip, the network in torch
        return (None if found is None else (found[0], found[1].tobytes()), geo.box, geo.points.tobytes(), code, ours)

    want = [one(im) for im in images]  # one thread: the reference
    bad = []

    def work(k):
        for i in range(3):
            j = (i + k) % len(images)
            if one(images[j]) != want[j]:
                bad.append(j)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print("mismatches", len(bad), "faces", sum(w[0] is not None for w in want))
''')


def test_dlib_face_tools_from_many_threads():
    """8 threads × 3 images through the detector, both shape predictors and the face encoder (dlib's, and its
    network in torch) at once: no
    heap corruption (without the lock this crashed 3 of 3 runs: 'double free or corruption') and every
    result equals the one-thread result. In a subprocess, so a crash fails this test, not the session."""
    pytest.importorskip("dlib")
    pytest.importorskip("face_recognition_models")
    pytest.importorskip("skimage")
    run = subprocess.run([sys.executable, "-c", HAMMER], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "mismatches 0 faces 3" in run.stdout, run.stdout


# ---------------------------------------------------------------------------------------- batcher


def test_cancelled_jobs_never_reach_run():
    """Jobs queued behind a running batch and cancelled (their clients left) are dropped: ``run`` never
    sees them, the queue shrinks at once, and the jobs left still get their results."""
    from unif2ace.serve.batcher import Batcher

    seen, gate = [], threading.Event()

    def run(key, payloads):
        if payloads == ["first"]:
            gate.wait(10)
        seen.extend(payloads)
        return [p.upper() for p in payloads]

    batcher = Batcher(run, max_rows=8, max_wait=0.05)
    first = batcher.submit("k", "first")
    time.sleep(0.2)  # "first" is running and holds the worker
    futures = {name: batcher.submit("k", name) for name in ("a", "b", "c", "d", "e")}
    assert batcher.queued == 5
    for name in ("b", "d"):
        assert futures[name].cancel()
    assert batcher.queued == 3 and batcher.cancelled == 2
    gate.set()
    assert first.result(5) == "FIRST"
    assert [futures[n].result(5) for n in ("a", "c", "e")] == ["A", "C", "E"]
    assert "b" not in seen and "d" not in seen and sorted(seen) == ["a", "c", "e", "first"]
    assert not futures["a"].cancel()  # finished work cannot be cancelled
    batcher.close()


def test_a_job_cancelled_while_its_batch_gathers_is_not_started():
    """A job taken into a batch only when it is marked running: one cancelled during the gathering wait
    is skipped, and a batch whose every job was cancelled does not run at all."""
    from unif2ace.serve.batcher import Batcher

    calls = []
    batcher = Batcher(lambda key, payloads: calls.append(list(payloads)) or payloads, max_rows=8, max_wait=0.3)
    lone = batcher.submit("k", "x")
    time.sleep(0.05)  # the worker is gathering for up to 0.3 s
    assert lone.cancel()
    time.sleep(0.5)
    kept = [batcher.submit("k", "y"), batcher.submit("k", "z")]
    gone = batcher.submit("k", "w")
    assert gone.cancel()
    assert [f.result(5) for f in kept] == ["y", "z"]
    assert calls == [["y", "z"]] and batcher.batches_run == 1 and batcher.cancelled == 2
    batcher.close()


# ---------------------------------------------------------------------------------------- the app

fastapi = pytest.importorskip("fastapi")
pytest.importorskip("httpx")
pytest.importorskip("multipart")
skimage_data = pytest.importorskip("skimage.data")

import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import socket  # noqa: E402
import struct  # noqa: E402
import zlib  # noqa: E402

from fastapi.testclient import TestClient  # noqa: E402
from PIL import Image  # noqa: E402

from unif2ace.pipeline import UniF2ace, write_random_model  # noqa: E402
from unif2ace.serve import Limits, create_app  # noqa: E402

LIMITS = dict(max_request_bytes=2**20, max_upload_bytes=512 * 2**10, max_pixels=1_000_000, max_side=256,
              max_prompt_chars=200, max_images=4, max_new_tokens=4)


def png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG declaring width×height (RGB) whose pixel data stops after a few rows: decoding it would fail."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = zlib.compress(b"\x00" * (3 * width + 1) * 2)[:-6]  # a cut zlib stream: PIL says "truncated"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", rows)


ASTRONAUT = png(Image.fromarray(skimage_data.astronaut()))


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    return UniF2ace.from_pretrained(write_random_model(tmp_path_factory.mktemp("model") / "tiny", steps=2))


@pytest.fixture(scope="module")
def client(pipe):
    with TestClient(create_app(pipe, Limits(**LIMITS), max_wait_ms=5)) as c:
        yield c


def chunks(total: int, size: int = 64 * 2**10):
    """A body of ``total`` bytes sent in chunks (no Content-Length: Transfer-Encoding chunked)."""
    for start in range(0, total, size):
        yield b"x" * min(size, total - start)


def test_body_limit_counts_the_bytes_received(client):
    over = 3 * 2**20
    r = client.post("/v1/generate", content=chunks(over), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "larger than 1048576 bytes" in r.json()["error"]
    boundary = "b0undary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode()

    def multipart():
        yield head
        yield from chunks(over)

    r = client.post("/v1/caption", content=multipart(), headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413 and "larger than" in r.json()["error"]
    r = client.post("/v1/generate", content=b"{}", headers={"content-type": "application/json", "content-length": str(over)})
    assert r.status_code == 413  # a declared length over the limit is refused before reading
    r = client.post("/v1/generate", content=iter([b'{"prompt": "a man", "steps": 1}']),
                    headers={"content-type": "application/json"})
    assert r.status_code == 200  # chunked and small: fine


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_pixel_count_is_checked_before_decoding(client):
    """A header declaring 5000×5000 or 12000×12000 with no pixel data: 413 from the header alone (decoding it
    would have failed with 415)."""
    for w, h in ((5000, 5000), (12000, 12000), (1001, 1000)):
        r = client.post("/v1/caption", files={"images": ("bomb.png", png_header(w, h), "image/png")})
        assert r.status_code == 413, r.text
        assert f"{w}×{h}" in r.json()["error"] and "at most 1,000,000" in r.json()["error"]
    r = client.post("/v1/caption", files={"images": ("small.png", png_header(50, 50), "image/png")})
    assert r.status_code == 415 and "truncated or damaged" in r.json()["error"]


def test_unreadable_files_are_named_not_repr(client):
    for data, status, message in ((b"not an image", 415, "'x.png' (images) is not an image"),
                                  (ASTRONAUT[:3000], 415, "'x.png' (images) could not be decoded"),
                                  (b"", 415, "not an image")):
        r = client.post("/v1/caption", files={"images": ("x.png", data, "image/png")})
        error = r.json()["error"]
        assert r.status_code == status and message in error, error
        assert "BytesIO" not in error and " at 0x" not in error


def test_large_photos_are_shrunk_before_alignment(client):
    """A 1000×800 photo (within the pixel limit) is aligned from a copy whose longer side is max_side (256)."""
    from unif2ace.serve.app import _decode_image

    photo = Image.fromarray(skimage_data.astronaut()).resize((1000, 800))
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=90)
    for data in (buf.getvalue(), png(photo)):
        small = _decode_image(data, "photo", 1_000_000, 256)
        assert small.size == (256, 205) and small.mode == "RGB"
        assert _decode_image(data, "photo", 1_000_000).size == (1000, 800)  # no max_side: as sent
    r = client.post("/v1/caption", files={"images": ("big.jpg", buf.getvalue(), "image/jpeg")})
    assert r.status_code == 200 and isinstance(r.json()["captions"][0], str)


def test_exif_rotated_photos_are_read_upright():
    """A phone photo stores its rows as the sensor saw them plus an EXIF orientation: 6 = turn 90° clockwise."""
    import numpy as np

    from unif2ace.serve.app import _decode_image

    upright = Image.fromarray(skimage_data.astronaut())
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what the sensor wrote
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    stored.save(buf, "PNG", exif=exif)
    got = _decode_image(buf.getvalue(), "phone.png", 1_000_000)
    assert np.array_equal(np.asarray(got), np.asarray(upright))


def test_user_errors_of_the_pipeline_are_4xx(client):
    files = lambda mask: {"image": ("a.png", ASTRONAUT, "image/png"), "mask": ("m.png", png(mask), "image/png")}  # noqa: E731
    r = client.post("/v1/edit", files=files(Image.new("L", (512, 512), 0)), data={"prompt": "a beard", "steps": "1"})
    assert r.status_code == 422 and "mask is empty" in r.json()["error"]
    r = client.post("/v1/edit", files=files(Image.new("L", (100, 80), 255)), data={"prompt": "a beard"})
    assert r.status_code == 422 and "the mask is 100×80 but the photo is 512×512" in r.json()["error"]


def test_internal_errors_name_a_request_id_not_the_exception(client, caplog):
    batcher = client.app.state.batcher
    run = batcher.run

    def broken(key, payloads):
        raise RuntimeError("secret detail from /some/internal/path")

    batcher.run = broken
    try:
        with caplog.at_level(logging.ERROR, logger="unif2ace.serve"):
            r = client.post("/v1/generate", json={"prompt": "a man", "steps": 1})
    finally:
        batcher.run = run
    assert r.status_code == 500
    error = r.json()["error"]
    assert error.startswith("internal error, request id ") and "secret" not in error and "RuntimeError" not in error
    request_id = error.split("request id ")[1].split()[0]
    assert any(request_id in rec.getMessage() and "secret detail" in rec.getMessage() for rec in caplog.records)
    assert client.post("/v1/generate", json={"prompt": "a man", "steps": 1}).status_code == 200  # still serving


@pytest.mark.parametrize("headers,status", [
    ({"host": "evil.example"}, 400),
    ({"host": "evil.example:8000"}, 400),
    ({"host": "localhost:8000"}, 200),
    ({"host": "127.0.0.1:8000"}, 200),
    ({"host": "[::1]:8000"}, 200),
    ({"origin": "http://evil.example"}, 403),
    ({"origin": "null"}, 403),
    ({"origin": "http://testserver"}, 200),
    ({"sec-fetch-site": "cross-site"}, 403),
    ({"sec-fetch-site": "same-origin"}, 200),
])
def test_host_and_origin_checks(client, headers, status):
    r = client.post("/v1/generate", json={"prompt": "a man", "steps": 1}, headers=headers)
    assert r.status_code == status, r.text
    if status != 200:
        assert "error" in r.json()
    if "host" in headers:  # reading is checked too (DNS rebinding reads the answers)
        assert client.get("/health", headers=headers).status_code == status


def test_allowed_hosts_and_a_cors_origin(pipe):
    app = create_app(pipe, Limits(**LIMITS), allowed_hosts=["faces.example", "*.lan"],
                     cors_origins=["https://app.example"])
    with TestClient(app, base_url="http://faces.example") as c:
        assert c.get("/health").status_code == 200
        assert c.get("/health", headers={"host": "box.lan:8000"}).status_code == 200
        assert c.get("/health", headers={"host": "localhost"}).status_code == 400  # the list replaces the default
        r = c.post("/v1/generate", json={"prompt": "a man", "steps": 1}, headers={"origin": "https://app.example"})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://app.example"
        r = c.post("/v1/generate", json={"prompt": "a man"}, headers={"origin": "https://other.example"})
        assert r.status_code == 403


def test_docs_work_offline(client):
    pytest.importorskip("fastapi_offline")
    page = client.get("/docs")
    assert page.status_code == 200
    scripts = [part.split('"')[0] for part in page.text.split('src="')[1:]]
    assert scripts and all(s.startswith("/") for s in scripts), scripts  # served here, not from a CDN
    for url in scripts:
        assert client.get(url).status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/v1/generate"]


# ---------------------------------------------------------------------------------------- a real server


@pytest.fixture(scope="module")
def server(pipe):
    pytest.importorskip("uvicorn")
    app = create_app(pipe, Limits(**LIMITS), max_wait_ms=5)
    with running_server(app) as port:
        yield app, port


def raw_post(port: int, path: str, body: bytes, content_type: str = "application/json") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return sock


def test_a_disconnected_clients_queued_job_never_runs(server):
    app, port = server
    batcher = app.state.batcher
    run, gate, seen = batcher.run, threading.Event(), []

    def held(key, payloads):
        seen.extend(payloads)
        if any(p.get("seed") == 1 for p in payloads if isinstance(p, dict)):
            gate.wait(20)
        return run(key, payloads)

    batcher.run = held
    try:
        import httpx

        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            first = threading.Thread(target=lambda: http.post("/v1/generate", json={"prompt": "a", "seed": 1, "steps": 1}))
            first.start()
            deadline = time.time() + 10
            while not seen and time.time() < deadline:
                time.sleep(0.02)
            cancelled = batcher.cancelled
            sock = raw_post(port, "/v1/generate", json.dumps({"prompt": "b", "seed": 2, "steps": 1}).encode())
            deadline = time.time() + 10
            while batcher.queued == 0 and time.time() < deadline:
                time.sleep(0.02)
            assert batcher.queued == 1
            sock.close()  # the client leaves while its job waits behind the held one
            deadline = time.time() + 10
            while batcher.cancelled == cancelled and time.time() < deadline:
                time.sleep(0.02)
            gate.set()
            first.join(30)
            assert batcher.cancelled == cancelled + 1 and batcher.queued == 0
            assert [p["seed"] for p in seen] == [1]  # the abandoned request never reached the model
            assert http.get("/health").json()["status"] == "ok"
    finally:
        gate.set()
        batcher.run = run


def test_an_oversized_chunked_upload_is_answered_before_it_ends(server):
    """Over a real socket: the 413 comes back while the client is still sending (the body is not read in full)."""
    _, port = server
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(f"POST /v1/generate HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n".encode())
    sent, chunk = 0, b"x" * 2**16
    sock.settimeout(0.05)
    answer = b""
    try:
        while sent < 50 * 2**20 and not answer:
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent += len(chunk)
            try:
                answer = sock.recv(4096)
            except TimeoutError:
                pass
    except (BrokenPipeError, ConnectionResetError):
        pass
    sock.settimeout(5)
    answer = answer or sock.recv(4096)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 8 * 2**20, sent  # the server answered after about 1 MiB (its limit), not after 50 MiB


# ---------------------------------------------------------------------------------------- the serve command


@pytest.mark.parametrize("options,message", [
    (["--port", "99999"], "--port must be a whole number from 1 to 65535, got 99999"),
    (["--port", "0"], "--port must be a whole number from 1 to 65535"),
    (["--max-batch", "0"], "--max-batch must be a whole number"),
    (["--max-wait-ms", "nan"], "--max-wait-ms must be a finite number"),
    (["--max-upload-mb", "0"], "--max-upload-mb must be more than 0"),
    (["--cors-origin", "app.example"], "is not an origin"),
    (["--allowed-hosts", "a/b"], "is not a host name"),
])
def test_serve_refuses_bad_options_in_one_line(options, message, capsys):
    from unif2ace.cli import main

    assert main(["serve", *options, "--model", "/nonexistent/model"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1, err


def test_serve_says_when_the_port_is_taken(capsys):
    from unif2ace.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--model", "/nonexistent/model"]) == 2
    err = capsys.readouterr().err.strip()
    assert f"cannot listen on 127.0.0.1:{port}" in err and len(err.splitlines()) == 1, err


def test_tame_malloc_on_glibc():
    """The server's malloc settings apply where glibc is the C library (Linux builds), and are a no-op elsewhere."""
    import platform

    from unif2ace.commands.serve import tame_malloc

    assert tame_malloc() == (platform.libc_ver()[0] == "glibc")

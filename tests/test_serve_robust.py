"""The server under hostile and careless use: thread-safe face tools, cancelled work that never runs,
body limits counted on the bytes received, pixel counts checked before decoding, no internal text in
500s, Host/Origin checks, offline /docs, and the ``serve`` command's option checks."""

import subprocess
import sys
import textwrap
import threading
import time

import pytest

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
        return (None if found is None else (found[0], found[1].tobytes()), geo.box, geo.points.tobytes(), code)

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
    """8 threads × 3 images through the detector, both shape predictors and the face encoder at once: no
    heap corruption (without the lock this crashed 3 of 3 runs: 'double free or corruption') and every
    result equals the one-thread result. In a subprocess, so a crash fails this test, not the session."""
    pytest.importorskip("dlib")
    pytest.importorskip("face_recognition_models")
    pytest.importorskip("skimage")
    run = subprocess.run([sys.executable, "-c", HAMMER], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "mismatches 0 faces 3" in run.stdout, run.stdout

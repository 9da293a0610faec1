"""How long each long-running command stays silent (issue 23: "no command silent for more than 2 s").

    nice -n 10 python benchmarks/silence.py [--threads N] [--only generate,caption] [--keep DIR]

Runs each command the way a user at a terminal does: under a pseudo-terminal (so tqdm bars show;
they hide when stderr is not a TTY), in a scratch folder holding generated inputs (skimage's
astronaut: ``face.jpg``, ``mask.png``, ``photos/`` with 12 framings). Every chunk of output is
timestamped; the table gives each command's wall time, its longest stretch without output (from
the start, between chunks, or before the exit) and the text that ended it. ``--threads N`` sets
OMP_NUM_THREADS for the commands (default: inherited; torch then uses every core). Prints a
markdown table; the load average is printed beside it because a busy machine stretches every gap.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# (name, argv after `unif2ace`); run in this order (eval reads the dataset data build writes).
COMMANDS = [
    ("generate", ["generate", "a smiling woman, aged 30", "-n", "4", "--out", "faces", "--seed", "0"]),
    ("caption", ["caption", "face.jpg"]),
    ("ask", ["ask", "face.jpg", "Is the person smiling?", "How old is this person?"]),
    ("edit", ["edit", "face.jpg", "mask.png", "a smiling woman", "--out", "edited.png", "--seed", "0"]),
    ("demo", ["demo", "--out", "demo"]),
    ("data build", ["data", "build", "--source", "folder", "--root", "photos", "--out", "data",
                    "--split", "0.5,0.25,0.25"]),
    ("eval understanding", ["eval", "understanding", "--model", "unif2ace/assets/models/default", "--data", "data",
                            "--split", "test", "--num-samples", "2", "--out", "eval-und"]),
]


def make_inputs(work: Path) -> None:
    """face.jpg, mask.png (mouth and chin) and photos/ (12 framings), all of skimage's astronaut."""
    from PIL import Image, ImageDraw, ImageEnhance
    from skimage import data

    face = Image.fromarray(data.astronaut())
    face.save(work / "face.jpg", quality=92)
    mask = Image.new("L", face.size, 0)
    ImageDraw.Draw(mask).ellipse((188, 110, 252, 162), fill=255)
    mask.save(work / "mask.png")
    (work / "photos").mkdir()
    for k in range(12):
        v = face.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if k % 2 else face
        d = 8 * (k // 2)
        v = v.crop((d, d, 512 - d, 512 - d)).resize((320, 320))
        ImageEnhance.Brightness(v).enhance(0.8 + 0.1 * (k % 4)).save(work / "photos" / f"face{k:02d}.jpg")


def run_in_pty(argv: list[str], cwd: Path, env: dict, timeout: float) -> tuple[int, float, list[tuple[float, str]]]:
    """(exit status, wall seconds, [(seconds since start, text)] for every chunk read from the terminal)."""
    master, slave = pty.openpty()
    # a terminal of 100 × 40: a new pty is 0 × 0, where tqdm draws its bars 0 characters wide
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                            close_fds=True)
    os.close(slave)
    chunks: list[tuple[float, str]] = []
    while True:
        if time.monotonic() - start > timeout:
            proc.kill()
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the terminal's last writer is gone
                data = b""
            if not data:
                break
            chunks.append((time.monotonic() - start, data.decode(errors="replace")))
        elif proc.poll() is not None and not select.select([master], [], [], 0.2)[0]:
            break
    os.close(master)
    status = proc.wait()
    return status, time.monotonic() - start, chunks


def longest_gap(chunks: list[tuple[float, str]], wall: float) -> tuple[float, str]:
    """The longest silence and the text that ended it ("(exit)" when the command ended silent)."""
    marks = [(0.0, "")] + chunks + [(wall, "(exit)")]
    best, where = 0.0, ""
    for (t0, _), (t1, text) in zip(marks, marks[1:]):
        if t1 - t0 > best:
            clean = ANSI.sub("", text).replace("\r", "\n")
            line = next((s.strip() for s in clean.split("\n") if s.strip()), text.strip())
            best, where = t1 - t0, line[:70]
    return best, where


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=None, help="OMP_NUM_THREADS for the commands (default: inherited)")
    ap.add_argument("--only", default=None, help="comma-separated command names (default: all)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per command")
    ap.add_argument("--keep", default=None, help="run in this folder and keep it (default: a temporary one)")
    args = ap.parse_args()
    root = Path(__file__).resolve().parents[1]
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="silence-"))
    work.mkdir(parents=True, exist_ok=True)
    if not (work / "face.jpg").exists():
        make_inputs(work)
    (work / "unif2ace").exists() or (work / "unif2ace").symlink_to(root / "unif2ace", target_is_directory=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    if args.threads:
        env["OMP_NUM_THREADS"] = str(args.threads)
    wanted = set(args.only.split(",")) if args.only else None
    rows = []
    for name, argv in COMMANDS:
        if wanted and name not in wanted:
            continue
        print(f"running unif2ace {' '.join(argv)} …", file=sys.stderr, flush=True)
        status, wall, chunks = run_in_pty([sys.executable, "-m", "unif2ace", *argv], work, env, args.timeout)
        gap, where = longest_gap(chunks, wall)
        rows.append((name, status, wall, gap, where))
        print(f"  exit {status}, {wall:.1f} s, longest silence {gap:.1f} s before: {where}", file=sys.stderr, flush=True)
    load = os.getloadavg()
    print(f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs; "
          f"OMP_NUM_THREADS={env.get('OMP_NUM_THREADS', '(unset)')}\n")
    print("| command | exit | wall (s) | longest silence (s) | ended by |")
    print("|---|---|---|---|---|")
    for name, status, wall, gap, where in rows:
        print(f"| {name} | {status} | {wall:.1f} | {gap:.1f}{' ⚠' if gap > 2 else ''} | {where.replace('|', '/')} |")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The documentation's runnable examples run, as a stranger would run them from a fresh clone.

Convention (docs/README.md files): a fenced ``bash``/``sh`` or ``python`` block right after the line

    <!-- docs-test -->

is run by this test, in order with the file's other marked blocks, in one scratch folder that
looks like a fresh clone (the repository's files linked in, no ``../shared`` beside it) and holds
a few inputs a reader is assumed to have: ``photos/`` (12 face photos), ``face.jpg`` (a photo of a
face) and ``mask.png`` (white where ``face.jpg`` should be edited). A marker may shrink a block for
the test with substitutions, each ``"old" => "new"``, separated by ``;;``:

    <!-- docs-test: "steps=600" => "steps=1" ;; "-n 4" => "-n 1" -->

Each ``old`` must occur in the block (a stale marker fails). Blocks not marked are not run.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARK = re.compile(r"^<!--\s*docs-test(?::(?P<subs>.*?))?\s*-->\s*\n```(?P<lang>[\w-]+)[^\n]*\n(?P<code>.*?)^```\s*$",
                  re.S | re.M)
MARKER_LINE = re.compile(r"^<!--\s*docs-test\b.*$", re.M)
SUB = re.compile(r'\s*"((?:[^"\\]|\\.)*)"\s*=>\s*"((?:[^"\\]|\\.)*)"\s*')
NOT_LINKED = {".git", ".venv", "runs", "outputs", "faces", "build", "unif2ace.egg-info", ".pytest_cache"}


def marked_blocks(path: Path) -> list[tuple[int, str, str]]:
    """(line, language, code with the marker's substitutions applied) of each marked block."""
    text = path.read_text()
    found = list(MARK.finditer(text))
    assert len(found) == len(MARKER_LINE.findall(text)), f"{path.name}: a docs-test marker not followed by a code block"
    out = []
    for m in found:
        code, line = m["code"], text[:m.start()].count("\n") + 1
        for part in (m["subs"] or "").split(";;"):
            if not part.strip():
                continue
            sub = SUB.fullmatch(part)
            assert sub, f"{path.name}:{line}: substitution {part.strip()!r} is not \"old\" => \"new\""
            old, new = (s.replace('\\"', '"') for s in sub.groups())
            assert old in code, f"{path.name}:{line}: stale docs-test marker: {old!r} is not in the block"
            code = code.replace(old, new)
        out.append((line, m["lang"], code))
    return out


def _docs_with_blocks() -> list[Path]:
    return [p for p in DOCS if MARKER_LINE.search(p.read_text())]


def test_markers_are_well_formed():
    for path in DOCS:
        for _, lang, _ in marked_blocks(path):
            assert lang in ("bash", "sh", "python"), f"{path.name}: cannot run a {lang} block"


def test_docs_cite_only_files_of_the_repository():
    """A stranger has no ../shared and none of our notes outside the repository."""
    for path in DOCS[1:]:  # README.md is the lead's; the report lists its lines
        text = path.read_text()
        for bad in ("../shared", "DESIGN.md", "OFFLINE.md", "STYLE.md"):
            assert bad not in text, f"{path.name} cites {bad}"


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A scratch folder that looks like a fresh clone, with the inputs the docs assume."""
    from PIL import Image, ImageDraw, ImageEnhance

    skimage_data = pytest.importorskip("skimage.data")
    work = tmp_path_factory.mktemp("clone") / "unif2ace"
    work.mkdir()
    assert not (work.parent / "shared").exists()
    for entry in ROOT.iterdir():
        if entry.name not in NOT_LINKED:
            (work / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    face = Image.fromarray(skimage_data.astronaut())
    face.save(work / "face.jpg", quality=92)
    mask = Image.new("L", face.size, 0)
    ImageDraw.Draw(mask).ellipse((170, 200, 330, 330), fill=255)  # mouth and chin
    mask.save(work / "mask.png")
    (work / "photos").mkdir()
    for k in range(12):  # one face in 12 framings and exposures: enough for every command to run
        v = face.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if k % 2 else face
        d = 8 * (k // 2)
        v = v.crop((d, d, 512 - d, 512 - d)).resize((320, 320))
        ImageEnhance.Brightness(v).enhance(0.8 + 0.1 * (k % 4)).save(work / "photos" / f"face{k:02d}.jpg")
    return work


@pytest.mark.slow
@pytest.mark.parametrize("doc", _docs_with_blocks(), ids=lambda p: p.name)
def test_marked_blocks_run(doc: Path, clone: Path, tmp_path):
    work = tmp_path / "work"
    work.symlink_to(clone, target_is_directory=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONUNBUFFERED": "1"}
    env.pop("PYTHONPATH", None)
    for line, lang, code in marked_blocks(doc):
        argv = [sys.executable, "-c", code] if lang == "python" else ["bash", "-e", "-o", "pipefail", "-c", code]
        run = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=900)
        assert run.returncode == 0, (f"{doc.name}:{line} ({lang} block) exited {run.returncode}\n--- block\n{code}"
                                     f"\n--- stdout\n{run.stdout[-3000:]}\n--- stderr\n{run.stderr[-3000:]}")

"""Every command of the documentation runs, as a stranger would run it from a fresh clone.

Convention (README.md and docs/*.md): every fenced block names its language; ``text`` for listings
and synopses, ``bash``/``sh``/``python`` for commands. Each command block has a marker on the line
right above it, and ``test_every_command_block_is_marked`` fails on one without:

    <!-- docs-test -->                                     run as written
    <!-- docs-test: "steps=600" => "steps=1" ;; "-n 4" => "-n 1" -->   run with substitutions
    <!-- docs-test: skip "needs a CUDA GPU" -->            not run; the reason shows as a pytest skip

Substitutions (``"old" => "new"``, separated by ``;;``) only shrink a block for the test (steps,
sample counts) or point it at what the test machine has instead (a free port, a tiny model);
each ``old`` must occur in the block (a stale marker fails). A skip is only for what cannot run on
a 2-core CPU machine without network: a CUDA GPU, several GPUs, a download, an external service.

Blocks run in order, each doc's blocks after the ones above it, in one scratch folder that looks
like a fresh clone (the repository's files linked in, no ``../shared`` beside it) and holds the
inputs a reader is assumed to have: ``face.jpg``, ``me.jpg``, ``friend.png`` (photos of a face),
``mask.png`` (white where ``face.jpg``/``me.jpg`` should be edited), ``photos/`` (12 face photos),
``UTKFace/`` (24 photos under UTKFace's file names), a model the reader trained at ``runs/model``
and ``runs/my-model/final`` (random tiny weights), the Hub id ``org/name`` in a Hugging Face cache
(offline), and beside the clone ``../show-o-tiny/model.safetensors`` (Show-o's key names, tiny).
Blocks that start ``unif2ace serve ... &`` write its pid to ``$DOCS_SERVER_PID``; the test waits
for ``/health`` on ``$DOCS_PORT`` after such a block and stops the server at the end, also when a
block fails.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUNNABLE = ("bash", "sh", "python")
MARKER = re.compile(r"^<!--\s*docs-test(?::(?P<body>.*?))?\s*-->\s*$")
SKIP = re.compile(r'\s*skip\s+"(?P<reason>[^"]+)"\s*')
SUB = re.compile(r'\s*"((?:[^"\\]|\\.)*)"\s*=>\s*"((?:[^"\\]|\\.)*)"\s*')
FENCE = re.compile(r"^```(?P<lang>[^\s`]*)")
NOT_LINKED = {".git", ".venv", "runs", "outputs", "faces", "build", "unif2ace.egg-info", ".pytest_cache"}
# Inline code that names a CLI verb: `unif2ace VERB` (and for verbs with sub-verbs, `unif2ace data build`).
INLINE_CODE = re.compile(r"`([^`\n]+(?:\n[^`\n]+)?)`")
VERB = re.compile(r"(?:^|(?<!from)(?<!import)[\s(])unif2ace\s+(?P<verb>[a-z][a-z-]*)(?P<rest>(?:\s+[a-z][a-z-]*)(?:\s*/\s*[a-z][a-z-]*)*)?")
HAS_SUBVERBS = {"data", "eval", "tokenizer"}


@dataclass(frozen=True)
class Block:
    doc: str  # file name relative to the repository
    line: int  # line of the opening fence
    lang: str
    code: str  # with the marker's substitutions applied
    marked: bool
    skip: str | None  # the reason, for a skip marker


def fenced_blocks(path: Path) -> list[Block]:
    """Every fenced block of a markdown file, with its marker (the line right above the fence) applied."""
    lines = path.read_text().splitlines()
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    blocks, i = [], 0
    marker_lines = {k for k, text in enumerate(lines) if text.startswith("<!--") and "docs-test" in text}
    used = set()
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        end = next((k for k in range(i + 1, len(lines)) if lines[k].strip() == "```"), None)
        assert end is not None, f"{name}:{i + 1}: a code block is never closed"
        code = "\n".join(lines[i + 1:end]) + "\n"
        lang, marked, skip = fence["lang"], False, None
        if i > 0 and (i - 1) in marker_lines:
            used.add(i - 1)
            m = MARKER.match(lines[i - 1])
            assert m, f"{name}:{i}: malformed docs-test marker {lines[i - 1]!r}"
            marked, body = True, (m["body"] or "").strip()
            if skip_m := SKIP.fullmatch(body):
                skip = skip_m["reason"]
            else:
                code = _substitute(code, body, f"{name}:{i}")
        blocks.append(Block(name, i + 1, lang, code, marked, skip))
        i = end + 1
    stray = sorted(marker_lines - used)
    assert not stray, f"{name}:{stray[0] + 1}: a docs-test marker not directly above a code block"
    return blocks


def _substitute(code: str, body: str, where: str) -> str:
    for part in body.split(";;"):
        if not part.strip():
            continue
        sub = SUB.fullmatch(part)
        assert sub, f"{where}: substitution {part.strip()!r} is not \"old\" => \"new\" (or skip \"reason\")"
        old, new = (s.replace('\\"', '"') for s in sub.groups())
        assert old in code, f"{where}: stale docs-test marker: {old!r} is not in the block"
        code = code.replace(old, new)
    return code


def command_blocks() -> list[Block]:
    return [b for path in DOCS for b in fenced_blocks(path) if b.marked]


def marker_problems(paths: list[Path]) -> list[str]:
    """What keeps a doc's blocks from being run or knowingly skipped: one line per block."""
    problems = []
    for path in paths:
        for b in fenced_blocks(path):
            where = f"{b.doc}:{b.line}"
            if not b.lang:
                problems.append(f"{where}: name the block's language (text for listings, bash/sh/python for commands)")
            elif b.lang in ("shell", "console", "zsh", "py", "pycon", "ipython"):
                problems.append(f"{where}: write {b.lang!r} blocks as bash/sh/python so this test runs them")
            elif b.lang in RUNNABLE and not b.marked:
                problems.append(f"{where}: a {b.lang} block without a <!-- docs-test --> marker "
                                "(run it, or skip \"reason\" when it cannot run on a CPU machine offline)")
            elif b.marked and b.lang not in RUNNABLE:
                problems.append(f"{where}: a docs-test marker above a {b.lang} block, which cannot run")
    return problems


def test_every_command_block_is_marked():
    """A new command block without a marker, or a block without a language, fails here."""
    problems = marker_problems(DOCS)
    assert not problems, "\n".join(problems)


def test_the_marker_check_catches_what_it_should(tmp_path):
    doc = tmp_path / "new.md"
    doc.write_text("```bash\nunif2ace info\n```\n\n```\nunif2ace info\n```\n\n<!-- docs-test -->\n```text\nx\n```\n"
                   "\n<!-- docs-test: skip \"needs a CUDA GPU\" -->\n```sh\nnvidia-smi\n```\n")
    problems = marker_problems([doc])
    assert [p.split(":")[1] for p in problems] == ["1", "5", "10"], problems
    assert "without a <!-- docs-test --> marker" in problems[0] and "language" in problems[1]
    (skipped,) = [b for b in fenced_blocks(doc) if b.skip]
    assert skipped.skip == "needs a CUDA GPU" and skipped.line == 15
    doc.write_text('<!-- docs-test: "steps 9" => "steps 1" -->\n```bash\nunif2ace generate x --steps 4\n```\n')
    with pytest.raises(AssertionError, match="stale docs-test marker"):
        fenced_blocks(doc)
    doc.write_text('<!-- docs-test -->\n\n```bash\nunif2ace info\n```\n')
    with pytest.raises(AssertionError, match="not directly above a code block"):
        fenced_blocks(doc)


def test_docs_cite_only_files_of_the_repository():
    """A stranger has no ../shared and none of our notes outside the repository."""
    for path in DOCS[1:]:  # README.md is the lead's; the report lists its lines
        text = path.read_text()
        for bad in ("../shared", "DESIGN.md", "OFFLINE.md", "STYLE.md"):
            assert bad not in text, f"{path.name} cites {bad}"


def test_every_cli_verb_the_docs_name_exists(capsys):
    """`unif2ace VERB` (and `unif2ace data build`, …) in inline code: `unif2ace VERB --help` exits 0."""
    from unif2ace.cli import build_parser

    named: dict[tuple[str, ...], str] = {}
    for path in DOCS:
        text = path.read_text()
        for span in INLINE_CODE.finditer(text):
            for m in VERB.finditer(span[1]):
                where = f"{path.name}:{text[:span.start()].count(chr(10)) + 1}"
                named.setdefault((m["verb"],), where)
                if m["verb"] in HAS_SUBVERBS:
                    for sub in re.findall(r"[a-z][a-z-]*", m["rest"] or ""):
                        named.setdefault((m["verb"], sub), where)
    assert ("generate",) in named and ("data", "build") in named  # the extraction finds what is there
    for argv, where in sorted(named.items()):
        with pytest.raises(SystemExit) as exit_info:
            build_parser().parse_args([*argv, "--help"])
        capsys.readouterr()
        assert exit_info.value.code == 0, f"{where}: `unif2ace {' '.join(argv)}` is not a command"


def _face_inputs(work: Path) -> None:
    """Photos a reader has: every one a framing of skimage's astronaut (the only face in skimage.data)."""
    from PIL import Image, ImageDraw, ImageEnhance, ImageOps

    from unif2ace.data.readers import UTK_RACE

    skimage_data = pytest.importorskip("skimage.data")
    face = Image.fromarray(skimage_data.astronaut())
    face.save(work / "face.jpg", quality=92)
    ImageEnhance.Brightness(face).enhance(1.1).save(work / "me.jpg", quality=90)  # mask.png fits it too
    ImageOps.mirror(face).resize((384, 384)).save(work / "friend.png")
    mask = Image.new("L", face.size, 0)
    ImageDraw.Draw(mask).ellipse((188, 110, 252, 162), fill=255)  # mouth and chin (dlib's face box: 175,76-265,166)
    mask.save(work / "mask.png")
    (work / "photos").mkdir()
    for k in range(12):  # one face in 12 framings and exposures: enough for every command to run
        v = face.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if k % 2 else face
        d = 8 * (k // 2)
        v = v.crop((d, d, 512 - d, 512 - d)).resize((320, 320))
        ImageEnhance.Brightness(v).enhance(0.8 + 0.1 * (k % 4)).save(work / "photos" / f"face{k:02d}.jpg")
    # UTKFace's aligned 200×200 chips, AGE_GENDER_RACE_DATETIME.jpg.chip.jpg, with varied labels
    (work / "UTKFace").mkdir()
    for k in range(24):
        v = ImageOps.mirror(face) if k % 2 else face
        d = 6 * (k % 6)
        v = v.crop((60 + d, 20 + d, 420 - d, 380 - d)).resize((200, 200))
        v = ImageEnhance.Contrast(v).enhance(0.85 + 0.05 * (k % 5))
        if k % 7 == 3:
            v = ImageOps.grayscale(v).convert("RGB")
        age, gender, race = (3, 14, 25, 33, 47, 61, 78)[k % 7], k % 2, k % len(UTK_RACE)
        v.save(work / "UTKFace" / f"{age}_{gender}_{race}_2017011{k % 10}1{k:02d}0000.jpg.chip.jpg", quality=90)


def _models(work: Path, hub_cache: Path) -> None:
    """A reader's own models (random tiny weights), the Hub id org/name in a cache, a tiny Show-o file."""
    import torch
    from safetensors.torch import save_file

    from unif2ace.config import ModelConfig
    from unif2ace.model import UniF2aceModel
    from unif2ace.pipeline import write_random_model

    write_random_model(work / "runs" / "model", steps=2)
    (work / "runs" / "my-model").mkdir()
    (work / "runs" / "my-model" / "final").symlink_to(work / "runs" / "model", target_is_directory=True)
    commit = "0" * 40  # huggingface_hub's cache layout: refs/main names the snapshot
    repo = hub_cache / "models--org--name"
    (repo / "snapshots").mkdir(parents=True)
    (repo / "snapshots" / commit).symlink_to(work / "runs" / "model", target_is_directory=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    # Show-o's names: showo.model.* and showo.lm_head.* (a dense tiny backbone, as Show-o has no MoE)
    torch.manual_seed(0)
    dense = UniF2aceModel(ModelConfig.from_name("tiny", token_moe=None, sequence_moe=None))
    showo = {("showo." + k if k.startswith("lm_head") else "showo.model." + k): v.contiguous()
             for k, v in dense.state_dict().items()}
    (work.parent / "show-o-tiny").mkdir()
    save_file(showo, str(work.parent / "show-o-tiny" / "model.safetensors"))


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A scratch folder that looks like a fresh clone, with the inputs the docs assume; stops servers after."""
    base = tmp_path_factory.mktemp("clone")
    work = base / "unif2ace"
    work.mkdir()
    assert not (base / "shared").exists()
    for entry in ROOT.iterdir():
        if entry.name not in NOT_LINKED:
            (work / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    _face_inputs(work)
    (work / "runs").mkdir()
    _models(work, base / "hub")
    pid_file = base / "server.pid"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg", "HF_HUB_CACHE": str(base / "hub"), "HF_HUB_OFFLINE": "1",
           "DOCS_PORT": str(_free_port()), "DOCS_SERVER_PID": str(pid_file),
           # one thread, as conftest.py gives the in-process tests: on a busy 2-core machine two OpenMP
           # threads per command spin against each other (a tiny model's caption took 100× longer)
           "OMP_NUM_THREADS": "1"}
    env.pop("PYTHONPATH", None)
    state = {"work": work, "env": env, "pid_file": pid_file, "failed": {}, "server_up": False}
    yield state
    if pid_file.exists():  # the server a block started in the background
        try:
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGTERM)
        except (ProcessLookupError, ValueError):
            pass


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(state: dict, timeout: float = 180.0) -> None:
    """After a block started `unif2ace serve … &`: wait for /health, or fail with the server's log."""
    pid = int(state["pid_file"].read_text().split()[0])
    url = f"http://127.0.0.1:{state['env']['DOCS_PORT']}/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    state["server_up"] = True
                    return
        except OSError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.5)
    logs = sorted(state["work"].glob("*.log"))
    tail = "\n".join(f"--- {p.name}\n{p.read_text()[-2000:]}" for p in logs)
    pytest.fail(f"the server started by a docs block did not answer {url}\n{tail}")


# A doc's blocks build on each other (a model trained, then evaluated): under pytest-xdist (`make test`) this
# module goes to one process (tests/conftest.py), which runs them in order in its own clone.
@pytest.mark.slow
@pytest.mark.parametrize("block", command_blocks(), ids=lambda b: f"{b.doc}:{b.line}")
def test_command_block_runs(block: Block, clone: dict):
    if block.skip:
        pytest.skip(f"{block.doc}:{block.line}: {block.skip}")
    if block.doc in clone["failed"]:
        pytest.skip(f"{block.doc}:{block.line} follows {clone['failed'][block.doc]}, which failed")
    if block.lang != "python" and re.search(r"\bcurl\b", block.code) and shutil.which("curl") is None:
        pytest.skip(f"{block.doc}:{block.line} uses curl, which this machine lacks (apt install curl)")
    argv = ([sys.executable, "-c", block.code] if block.lang == "python"
            else ["bash", "-e", "-o", "pipefail", "-c", block.code])
    clone["failed"][block.doc] = f"{block.doc}:{block.line}"
    run = subprocess.run(argv, cwd=clone["work"], env=clone["env"], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, (f"{block.doc}:{block.line} ({block.lang} block) exited {run.returncode}\n"
                                 f"--- block\n{block.code}\n--- stdout\n{run.stdout[-3000:]}"
                                 f"\n--- stderr\n{run.stderr[-3000:]}")
    if clone["pid_file"].exists() and not clone["server_up"]:
        _wait_for_server(clone)
    del clone["failed"][block.doc]

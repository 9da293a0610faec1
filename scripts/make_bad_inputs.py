"""Write the bad-input corpus (issue 21): files and a manifest of every hostile or careless input we know.

    python scripts/make_bad_inputs.py OUT_DIR [--face PHOTO]

OUT_DIR/images/*      image files: unusual modes that must work (CMYK, palette, LA, RGBA, animated GIF,
                      16-bit grey, EXIF-rotated) and broken ones that must fail clearly (truncated JPEG/PNG,
                      SVG or text renamed .png, empty file, 1×1, decompression bombs)
OUT_DIR/manifest.json {"images": [{"file", "expect": "ok" | "error", "why"}],
                       "texts":  [{"id", "text", "expect", "why"}],        prompts / questions
                       "numbers": [{"option", "value", "expect"}],          sampling options (JSON values)
                       "bodies": [{"id", "body", "expect"}]}                 /v1/generate JSON bodies

Values JSON cannot hold (NaN, ±inf, lone surrogates) are written as {"float": "nan"} / {"chars": [code
points]}; ``decode_value`` turns them back. ``tests/test_bad_inputs.py`` runs the corpus through the Python
API, the CLI and the server. ``--face``: a photo with one frontal face for the EXIF/16-bit cases (default:
scikit-image's astronaut when installed, else those cases are skipped).
"""

from __future__ import annotations

import argparse
import io
import json
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int) -> bytes:
    """A valid 1-bit greyscale PNG of side×side black pixels: a few KB that decode to side² pixels."""
    row = b"\x00" + bytes((side + 7) // 8)  # filter byte + packed bits
    comp, parts = zlib.compressobj(9), []
    for _ in range(side):
        parts.append(comp.compress(row))
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", b"".join(parts)) + _png_chunk(b"IEND", b"")


def _save(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def make_images(folder: Path, face: Image.Image | None) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    noise = Image.fromarray(rng.integers(0, 255, (96, 96, 3), dtype=np.uint8))
    cases: list[tuple[str, bytes, str, str]] = []

    def add(name, data, expect, why):
        cases.append((name, data, expect, why))

    # modes that must be read correctly (expect ok: decoded to RGB, right way up)
    add("cmyk.jpg", _save(noise.convert("CMYK"), "JPEG"), "ok", "CMYK JPEG")
    add("palette.png", _save(noise.convert("P", palette=Image.Palette.ADAPTIVE), "PNG"), "ok", "palette PNG")
    pal = noise.convert("P", palette=Image.Palette.ADAPTIVE)
    add("palette-transparent.png", _save(pal, "PNG", transparency=0), "ok", "palette PNG with a transparent index")
    add("la.png", _save(noise.convert("LA"), "PNG"), "ok", "greyscale + alpha")
    add("rgba.png", _save(noise.convert("RGBA"), "PNG"), "ok", "RGBA")
    add("one-bit.png", _save(noise.convert("1"), "PNG"), "ok", "1-bit")
    frames = [noise, noise.rotate(90), noise.rotate(180)]
    add("animated.gif", _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0), "ok",
        "animated GIF: the first frame")
    add("webp.webp", _save(noise, "WEBP"), "ok", "WebP")
    grey16 = Image.fromarray(np.asarray(noise.convert("L")).astype(np.uint16) * 257)
    add("grey16.png", _save(grey16, "PNG"), "ok", "16-bit greyscale PNG (must not be clipped to white)")
    if face is not None:
        small = face.convert("RGB").resize((256, 256))
        exif = Image.Exif()
        exif[0x0112] = 6  # orientation: rotate 90° CW to display; the pixels are stored turned left
        add("face-exif-rotated.jpg", _save(small.rotate(90, expand=True), "JPEG", exif=exif.tobytes()), "ok",
            "phone photo stored sideways with an EXIF rotate tag")
        g16 = Image.fromarray(np.asarray(small.convert("L")).astype(np.uint16) * 257)
        add("face-grey16.png", _save(g16, "PNG"), "ok", "16-bit greyscale face")
    # broken or hostile files (expect a clear error)
    jpeg = _save(noise, "JPEG")
    png = _save(noise, "PNG")
    add("truncated.jpg", jpeg[: len(jpeg) // 2], "error", "JPEG cut in half")
    add("truncated.png", png[: len(png) // 2], "error", "PNG cut in half")
    add("header-only.png", png[:40], "error", "PNG signature and IHDR only")
    add("svg-renamed.png", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>', "error",
        "an SVG with a .png name")
    add("text-renamed.jpg", b"hello, I am not a photo\n", "error", "a text file with a .jpg name")
    add("empty.png", b"", "error", "an empty file")
    add("one-pixel.png", _save(Image.new("RGB", (1, 1), "white"), "PNG"), "error", "1×1 pixel")
    add("thin.png", _save(Image.new("RGB", (4000, 2), "white"), "PNG"), "error", "4000×2 pixels")
    add("bomb-12000.png", png_bomb(12000), "error", "12000×12000 PNG in a few KB (decompression bomb)")
    add("bomb-30000.png", png_bomb(30000), "error", "30000×30000 PNG (beyond PIL's own bomb limit)")
    out = []
    for name, data, expect, why in cases:
        (folder / name).write_bytes(data)
        out.append({"file": name, "expect": expect, "why": why, "bytes": len(data)})
    return out


def _chars(text: str) -> dict | str:
    """Text JSON cannot carry as is (lone surrogates) → {"chars": [code points]}."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return {"chars": [ord(c) for c in text]}


def make_texts() -> list[dict]:
    ok = [("plain", "a smiling woman with red hair"), ("rtl", "امرأة مبتسمة a smiling woman"),
          ("hebrew", "אישה מחייכת"), ("zero-width", "a smiling\u200b woman\u200d"), ("emoji", "a smiling woman 😀👩🏽‍🦰"),
          ("combining", "a cafe\u0301 owner"), ("rlo", "a man \u202eolleh"), ("tab-newline", "a man\twith\na beard"),
          ("cjk", "微笑的女人"), ("long-ok", "a smiling woman " * 20)]
    bad = [("empty", ""), ("spaces", "   "), ("newlines", "\n\n\t"), ("nul", "a man\x00 with a beard"),
           ("only-nul", "\x00"), ("lone-high-surrogate", "a man \ud800"), ("lone-low-surrogate", "\udc80 a woman"),
           ("surrogate-escape", "caf\udce9"), ("huge", "word " * 25_000)]
    return ([{"id": i, "text": _chars(t), "expect": "ok"} for i, t in ok]
            + [{"id": i, "text": _chars(t), "expect": "error"} for i, t in bad])


def _num(v):
    if isinstance(v, float) and not np.isfinite(v):
        return {"float": str(v)}
    return v


def make_numbers() -> list[dict]:
    nan, inf = float("nan"), float("inf")
    rows = []
    for option in ("guidance_scale", "temperature", "gender_contrast", "age_contrast"):
        rows += [(option, v, "error") for v in (nan, inf, -inf, -1.0, -1e-9, "1.5", True, [1], {"a": 1})]
        rows += [(option, v, "ok") for v in (0, 0.0, 1.5)]
    rows += [("steps", v, "error") for v in (0, -1, 2.5, nan, inf, "2", True, 10**12, 1e308, [2])]
    rows += [("steps", v, "ok") for v in (1, 2.0)]
    rows += [("candidates", v, "error") for v in (0, -3, 1.5, nan, "2", False)]
    rows += [("candidates", 2, "ok")]
    rows += [("guidance_schedule", v, "error") for v in ("ramp", "", 3, "Linear")]
    rows += [("seed", v, "error") for v in (-1, 2**64, 1.5, nan, "7", True)]
    rows += [("seed", v, "ok") for v in (0, 2**63 - 1)]
    return [{"option": o, "value": _num(v), "expect": e} for o, v, e in rows]


def make_bodies() -> list[dict]:
    """Whole /v1/generate bodies of the wrong shape (as raw JSON text, some not JSON at all)."""
    bodies = [("list-body", "[1, 2]"), ("string-body", '"a man"'), ("not-json", "{prompt: a man}"),
              ("empty-body", ""), ("prompt-number", '{"prompt": 123}'), ("prompt-null", '{"prompt": null}'),
              ("prompt-object", '{"prompt": {"a": 1}}'), ("prompt-empty-list", '{"prompt": []}'),
              ("prompt-list-with-empty", '{"prompt": ["a man", ""]}'), ("no-prompt", '{"steps": 2}'),
              ("nan-literal", '{"prompt": "a man", "guidance_scale": NaN}'),
              ("infinity-literal", '{"prompt": "a man", "temperature": Infinity}'),
              ("huge-int", '{"prompt": "a man", "steps": 1' + "0" * 400 + "}"),
              ("n-zero", '{"prompt": "a man", "n": 0}'), ("n-huge", '{"prompt": "a man", "n": 100000}'),
              ("negative-number-prompt-list", '{"prompt": ["a", 1]}'),
              ("escaped-surrogate", '{"prompt": "a \\ud800 man"}'), ("escaped-nul", '{"prompt": "a \\u0000 man"}'),
              ("negative-prompt-number", '{"prompt": "a man", "negative_prompt": 5}')]
    return [{"id": i, "body": b, "expect": "error"} for i, b in bodies]


def decode_value(v):
    """Undo ``_chars`` / ``_num``: manifest values back to Python values."""
    if isinstance(v, dict) and set(v) == {"float"}:
        return float(v["float"])
    if isinstance(v, dict) and set(v) == {"chars"}:
        return "".join(map(chr, v["chars"]))
    return v


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="folder to write the corpus into")
    ap.add_argument("--face", default=None, help="a photo with one frontal face (default: scikit-image's astronaut)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    face = None
    if args.face:
        face = Image.open(args.face)
    else:
        try:
            from skimage import data as skdata

            face = Image.fromarray(skdata.astronaut())
        except ImportError:
            print("scikit-image is not installed: the EXIF-rotated and 16-bit face cases are left out")
    manifest = {"images": make_images(out / "images", face), "texts": make_texts(), "numbers": make_numbers(),
                "bodies": make_bodies()}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    total = sum(len(v) for v in manifest.values())
    print(f"{total} cases in {out}: " + ", ".join(f"{len(v)} {k}" for k, v in manifest.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

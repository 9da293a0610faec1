"""``unif2ace serve``: the HTTP API and web page (FastAPI + uvicorn)."""

from __future__ import annotations

import argparse
import socket
import warnings
from urllib.parse import urlsplit

from unif2ace.commands.inference_common import add_model_options, load_pipeline


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the model over HTTP with a web page",
                       description="Example: unif2ace serve --port 8000, then open http://127.0.0.1:8000/")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--max-batch", type=int, default=16, help="rows per model call")
    p.add_argument("--max-wait-ms", type=float, default=10.0, help="time to gather concurrent requests")
    p.add_argument("--max-images", type=int, default=8, help="images per request")
    p.add_argument("--max-upload-mb", type=float, default=10.0, help="size of one uploaded file")
    p.add_argument("--allowed-hosts", nargs="+", action="extend", default=[], metavar="NAME",
                   help="Host names the server answers to besides localhost, 127.0.0.1, ::1 and --host "
                        "(e.g. the machine's name when serving a network with --host 0.0.0.0; '*' for any)")
    p.add_argument("--cors-origin", action="append", default=[], metavar="URL",
                   help="an origin (https://app.example.org) whose web pages may call the API; repeatable")
    p.add_argument("--served-model-name", nargs="+", default=[], metavar="NAME",
                   help="the names OpenAI clients may give as 'model' (default: the model folder's name); the "
                        "first is the one replies name when a request gives none")
    add_model_options(p)
    p.set_defaults(func=run)


def check_options(args: argparse.Namespace) -> None:
    """Refuse impossible options with one line (exit 2) before the model is loaded."""
    from unif2ace.validation import finite_number, whole_number

    whole_number(args.port, "--port", 1, 65535)
    whole_number(args.max_batch, "--max-batch", 1, 4096)
    whole_number(args.max_images, "--max-images", 1, 256)
    finite_number(args.max_wait_ms, "--max-wait-ms", 0.0, 60_000.0)
    if finite_number(args.max_upload_mb, "--max-upload-mb", 0.0, 1024.0) <= 0:
        raise ValueError(f"--max-upload-mb must be more than 0, got {args.max_upload_mb:g}")
    for origin in args.cors_origin:
        parts = urlsplit(origin)
        if origin != "*" and (parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/")):
            raise ValueError(f"--cors-origin {origin!r} is not an origin: give scheme://host[:port], e.g. "
                             "https://app.example.org")
    for name in args.served_model_name:
        if not name.strip():
            raise ValueError("--served-model-name must not be empty: give names such as unif2ace or gpt-4o")
    for name in args.allowed_hosts:
        if not name or any(c in name for c in "/ @"):
            raise ValueError(f"--allowed-hosts {name!r} is not a host name: give names like example.org, "
                             "*.example.org or '*'")
    try:  # a port in use or an address not on this machine: say so now, not in a uvicorn traceback
        family, kind, proto, _, address = socket.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(address)
    except OSError as exc:
        raise ValueError(f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc}): choose another "
                         "--port or --host") from None


def tame_malloc() -> bool:
    """glibc: at most 2 malloc arenas and a fixed 1 MiB mmap threshold, for a long-running multi-threaded server.

    With glibc's defaults (up to 8 arenas per core; an mmap threshold that rises to 32 MiB after big
    tensors are freed, so later ones come from fragmented arenas) the server's RSS grew from 822 to
    2,260 MiB over the first 160 requests of ``benchmarks/serve_load.py``; with these, to 1,295 MiB.
    Returns False where there is no glibc (nothing changed).
    """
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(-8, 2)) and bool(libc.mallopt(-3, 1 << 20))  # M_ARENA_MAX, M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        return False


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn
        from PIL import Image

        from unif2ace.serve import Limits, create_app
        from unif2ace.serve.guards import LOCAL_HOSTS
    except ImportError as exc:
        raise ValueError(f"serving needs fastapi, uvicorn and python-multipart ({exc}): "
                         "pip install 'unif2ace[serve]'") from exc
    check_options(args)
    tame_malloc()
    limits = Limits(max_images=args.max_images, max_upload_bytes=int(args.max_upload_mb * 2**20))
    # decoding anything bigger than an accepted photo is refused process-wide (PIL raises past 2×)
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # 1–2× the limit: refused with a 413 anyway
    hosts = [*LOCAL_HOSTS, *args.allowed_hosts]
    if args.host not in ("0.0.0.0", "::", ""):
        hosts.append(args.host)
    pipe = load_pipeline(args)
    app = create_app(pipe, limits, max_batch=args.max_batch, max_wait_ms=args.max_wait_ms, allowed_hosts=hosts,
                     cors_origins=args.cors_origin, served_names=args.served_model_name)
    print(f"serving {pipe} on http://{args.host}:{args.port}/")
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0

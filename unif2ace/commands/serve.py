"""``unif2ace serve``: the HTTP API and web page (FastAPI + uvicorn)."""

from __future__ import annotations

import argparse

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
    add_model_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from unif2ace.serve import Limits, create_app
    except ImportError as exc:
        raise ValueError(f"serving needs fastapi, uvicorn and python-multipart ({exc}): "
                         "pip install 'unif2ace[serve]'") from exc
    pipe = load_pipeline(args)
    limits = Limits(max_images=args.max_images, max_upload_bytes=int(args.max_upload_mb * 2**20))
    app = create_app(pipe, limits, max_batch=args.max_batch, max_wait_ms=args.max_wait_ms)
    print(f"serving {pipe} on http://{args.host}:{args.port}/")
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0

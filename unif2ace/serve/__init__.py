"""Serving: a FastAPI app (``create_app``) with request batching and a single web page.

    unif2ace serve --model MODEL --port 8000        # then open http://127.0.0.1:8000/
"""

from unif2ace.serve.app import Limits, create_app

__all__ = ["create_app", "Limits"]

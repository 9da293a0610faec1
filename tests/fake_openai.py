"""A local OpenAI-compatible chat server for tests: every POST is answered by a Python function."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# respond(path, headers, body) -> (HTTP status, response bytes, extra headers)
Responder = Callable[[str, dict, dict], tuple[int, bytes, dict]]


def chat_reply(text: str) -> bytes:
    """The body of a successful /chat/completions answer with ``text`` as the assistant's message."""
    return json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()


class FakeChatServer:
    """Serves on 127.0.0.1 (a free port) in a daemon thread; ``url`` ends in /v1."""

    def __init__(self, respond: Responder):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, data, headers = respond(self.path, dict(self.headers), body)
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", "Content-Length": str(len(data)),
                                   **headers}.items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (a timeout test): nothing to answer, nothing to print

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def shutdown(self) -> None:
        self.httpd.shutdown()

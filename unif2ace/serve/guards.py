"""Pure ASGI middleware that guards the server before a route sees a request.

- :class:`BodyLimit` counts the bytes of a request body as they arrive (``http.request`` messages),
  so a chunked upload without ``Content-Length`` cannot be larger than the limit either: once over
  it, reading stops and the answer is 413, for JSON and multipart bodies alike.
- :class:`InternalErrors` turns an unexpected exception into a 500 whose body names only a request
  id ("internal error, request id …"); the exception and its traceback go to the server's log
  under that id, never to the client (they can hold paths, shapes or user data of other requests).
- :class:`HostGuard` answers 400 to a ``Host`` that is not one of the server's names (a page on an
  attacker's domain that re-resolves to 127.0.0.1, "DNS rebinding", sends its own domain as Host)
  and 403 to a state-changing request (POST, PUT, PATCH, DELETE) from a browser page of another
  origin (its ``Origin`` header, or ``Sec-Fetch-Site: cross-site``), unless that origin is allowed.
  Clients that are not browsers (curl, scripts) send neither header and pass.

Both answer in the server's error format, JSON ``{"error": message}``.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from urllib.parse import urlsplit

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
TEST_HOST = "testserver"  # the Host of Starlette's TestClient
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
log = logging.getLogger("unif2ace.serve")


async def send_error(send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """Raised inside ``receive`` once a body passes the limit (stops the app from reading further)."""


class BodyLimit:
    """Answer 413 when a request body is larger than ``max_bytes``, counting the bytes received."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        message = f"the request is larger than {self.max_bytes} bytes ({self.max_bytes / 2**20:g} MiB): send " \
                  "smaller or fewer files"
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await send_error(send, 413, message)
        received, too_large, started = 0, False, False

        async def counting_receive():
            nonlocal received, too_large
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise BodyTooLarge(message)
            return msg

        async def guarded_send(msg):
            nonlocal started
            if too_large:  # whatever the app makes of the interrupted read, the answer is 413
                return
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await send_error(send, 413, message)


class InternalErrors:
    """Unexpected exceptions → 500 ``{"error": "internal error, request id …"}``, logged with that id."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watching_send(msg):
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, receive, watching_send)
        except Exception as exc:
            request_id = uuid.uuid4().hex[:12]
            log.error("request %s %s %s failed: %s: %s", request_id, scope.get("method"), scope.get("path"),
                      type(exc).__name__, exc, exc_info=exc)
            if not started:
                await send_error(send, 500, f"internal error, request id {request_id} (the server's log has "
                                            "the details)")


def _host_name(value: str) -> str:
    """The name of a ``Host`` header or an origin's netloc without its port: ``[::1]:8000`` → ``::1``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.index("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class HostGuard:
    """Reject unknown ``Host`` headers (400) and cross-origin state-changing browser requests (403).

    ``allowed_hosts``: host names (no port) the server answers to; ``"*"`` allows any, ``"*.example.org"``
    any subdomain. ``allowed_origins``: origins (``https://app.example.org``) whose pages may post
    besides the server's own; ``"*"`` allows any.
    """

    def __init__(self, app, allowed_hosts: Iterable[str], allowed_origins: Iterable[str] = ()):
        self.app = app
        self.hosts = [h.lower().strip("[]") for h in allowed_hosts]
        self.origins = {o.lower().rstrip("/") for o in allowed_origins}

    def host_allowed(self, name: str) -> bool:
        return any(h == "*" or h == name or (h.startswith("*.") and name.endswith(h[1:])) for h in self.hosts)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or ()}
        host = headers.get("host", "")
        if not self.host_allowed(_host_name(host)):
            return await send_error(send, 400, f"unknown Host header {host[:100]!r}: this server answers to "
                                               f"{', '.join(self.hosts)} (add names with --allowed-hosts)")
        if scope.get("method", "GET").upper() in UNSAFE_METHODS:
            origin = headers.get("origin")
            fetch_site = headers.get("sec-fetch-site", "")
            allowed = "*" in self.origins or (origin is not None and origin.lower().rstrip("/") in self.origins)
            if origin is not None and not allowed:
                parts = urlsplit(origin)
                if origin == "null" or parts.netloc.lower() != host.lower():
                    return await send_error(send, 403, f"cross-origin request from {origin[:100]!r} refused: "
                                                       "only pages of this server may post (see --cors-origin)")
            elif origin is None and fetch_site in ("cross-site", "same-site") and not allowed:
                return await send_error(send, 403, "cross-site request refused: only pages of this server may "
                                                   "post (see --cors-origin)")
        return await self.app(scope, receive, send)


__all__ = ["BodyLimit", "HostGuard", "InternalErrors", "LOCAL_HOSTS", "TEST_HOST"]

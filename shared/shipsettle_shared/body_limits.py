"""How much of a request body any service reads, per route, before anything else looks at it.

Every service's app (``service.create_app``) runs ``BodyLimitMiddleware`` outside routing, API-key
authentication, the storable-text rule and parsing, so a body over its route's limit is refused
with a 413 ``body-too-large`` problem before any of them runs, whoever sends it:

- a ``Content-Length`` over the limit is answered at once, without reading a byte of the body;
- otherwise (a chunked body, or a declared length within the limit) the body is read and counted
  as it streams, never more than the limit plus one chunk of the server's read buffer, and cut
  with the same 413 the moment it passes the limit. A body within the limit is handed on whole.

A 413 closes the connection: the rest of the body is never read (RFC 9110 §15.5.14 lets the
server close instead), so a client cannot make the server drain an endless stream either.

A route states its limit next to its declaration, ``openapi_extra=body_limit(...)`` (it is also
shown in the OpenAPI document as ``x-body-limit-bytes``); every other route takes
``DEFAULT_BODY_LIMIT_BYTES``. The limits of the platform:

| route | limit |
|---|---|
| carrier and aggregator webhooks, provider callbacks | ``CALLBACK_BODY_LIMIT_BYTES`` (512 KiB) |
| voucher uploads (settlement-svc) | the voucher's 5 MiB plus ``MULTIPART_ENVELOPE_BYTES`` |
| statement and merchant-record imports (recon-svc) | recon's ``DEFAULT_MAX_BYTES`` (20 MiB) |
| everything else | ``DEFAULT_BODY_LIMIT_BYTES`` (1 MiB) |
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.requests import Request
from starlette.routing import BaseRoute, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipsettle_shared.problems import Problem, problem_response

KIB = 1024
MIB = 1024 * KIB
DEFAULT_BODY_LIMIT_BYTES = 1 * MIB
# A provider's outcome is under 1 KiB and a tracking push a few KiB (Kuaidi100 sends a parcel's
# whole scan history each time): 512 KiB is room for the longest history, and no more.
CALLBACK_BODY_LIMIT_BYTES = 512 * KIB
# A multipart upload's boundaries, part headers and small form fields around its file.
MULTIPART_ENVELOPE_BYTES = 64 * KIB

BODY_LIMIT_KEY = "x-body-limit-bytes"


def body_limit(limit_bytes: int) -> dict[str, Any]:
    """A route's own body limit, for its decorator: ``@router.post(..., openapi_extra=body_limit(n))``."""
    return {BODY_LIMIT_KEY: limit_bytes}


def too_large(limit_bytes: int) -> Problem:
    return Problem(
        413,
        "Body too large",
        f"this route reads at most {limit_bytes} bytes of a request body; nothing was read further or stored",
        type_slug="body-too-large",
        extensions={"limit_bytes": limit_bytes},
        headers={"Connection": "close"},
    )


class BodyLimitMiddleware:
    """Enforces each route's body limit before the app sees the request (see the module).

    Not FastAPI's own ``max_body_size``: that one counts only what the app reads, so a route that
    checks the API key before reading its body answers a chunked oversized body with a 401 (and
    Starlette's 413 is plain text, not a problem)."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        # The app's route list itself: routers included after the middleware was added are in it.
        self._routes = routes
        self._limited: list[tuple[re.Pattern[str], frozenset[str], int]] | None = None

    def _limited_routes(self) -> list[tuple[re.Pattern[str], frozenset[str], int]]:
        if self._limited is None:  # read once, on the first request with a body: every router is in
            limited = []
            for route in iter_route_contexts(self._routes):
                extra = getattr(route, "openapi_extra", None) or {}
                if BODY_LIMIT_KEY in extra and route.path:
                    path_regex, _, _ = compile_path(route.path)
                    limited.append((path_regex, frozenset(route.methods or ()), int(extra[BODY_LIMIT_KEY])))
            self._limited = limited
        return self._limited

    def limit_for(self, scope: Scope) -> int:
        path: str = scope["path"]
        root_path: str = scope.get("root_path", "")
        if root_path and path.startswith(root_path):
            path = path[len(root_path) :]
        for path_regex, methods, limit_bytes in self._limited_routes():
            if scope["method"] in methods and path_regex.match(path):
                return limit_bytes
        return DEFAULT_BODY_LIMIT_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared_header = headers.get(b"content-length")
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        if not chunked and (declared_header is None or declared_header.strip() == b"0"):
            await self.app(scope, receive, send)  # HTTP/1.1 framing: no body to limit
            return
        limit_bytes = self.limit_for(scope)
        if declared_header is not None and not chunked:
            try:
                declared = int(declared_header)
            except ValueError:
                declared = limit_bytes + 1  # the server refuses such framing anyway
            if declared > limit_bytes:
                await problem_response(too_large(limit_bytes), Request(scope))(scope, receive, send)
                return
        body = await _read_up_to(receive, limit_bytes)
        if body is None:  # the client went away while sending
            return
        if len(body) > limit_bytes:
            await problem_response(too_large(limit_bytes), Request(scope))(scope, receive, send)
            return
        await self.app(scope, _replaying(body, receive), send)


async def _read_up_to(receive: Receive, limit_bytes: int) -> bytes | None:
    """The whole body, or the first chunks that pass ``limit_bytes`` (then the caller refuses it);
    None when the client disconnected first."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        if chunk:
            chunks.append(chunk)
            size += len(chunk)
            if size > limit_bytes:
                break
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """The app's receive: the body read already, in one message, then the server's own receive
    (which reports the client's disconnect)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay

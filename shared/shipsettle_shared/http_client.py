"""An httpx client whose connections aiohttp carries: httpx's API for a fraction of its CPU.

httpx's own transport (httpcore over anyio and h11) spends most of a small request's client CPU
on its own machinery: on the 2-CPU bench machine, a POST to an empty endpoint on loopback cost the
client about 2.3 ms of CPU through it, about 1.0 ms through httpx's API over aiohttp's connection
handling (this client), and 0.3–0.8 ms through aiohttp alone (2026-12-07, one request at a time).
bench-lifecycle counts every process's CPU, its load generator's too, and the generator was
spending more per order than some services.

The code keeps httpx's API (requests and responses; aiohttp's connection errors are raised as
httpx's transport errors) so callers do not change. A few aiohttp errors have no httpx
counterpart in the transport's map (a malformed response, a timeout outside its sockets): a
caller that must treat every failure of the other side alike catches ``CALL_FAILED``. Used by the
services' own calls out (``service.outbound_http_client``: the payout and refund providers,
recon's audit heads) and by what plays the world outside ShipSettle in benches and tests (the
load generator, its carrier, the provider sandboxes).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

# What a call through ``aiohttp_backed_client`` raises when the other side fails in any way: no
# connection, a timeout, a connection dropped or a response that is not HTTP.
CALL_FAILED: tuple[type[Exception], ...] = (httpx.HTTPError, aiohttp.ClientError, asyncio.TimeoutError)

# How long a server of ours (every service, the sandboxes) keeps an idle keep-alive connection:
# longer than any client keeps one (httpx's and aiohttp's pools drop theirs after 5 s idle). At
# uvicorn's default, 5 s on both sides, a client could send a request on a connection in the very
# moment the server closed it, and get a transport error for a request that never arrived (a
# test's polling GET failed that way now and then).
SERVER_KEEP_ALIVE_S = 75


def aiohttp_backed_client(
    *,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    verify: ssl.SSLContext | bool = True,
    max_connections: int = 100,
) -> httpx.AsyncClient:
    """A client with its own aiohttp session (opened at the first request, closed by
    ``aclose``). ``verify``: pass one shared ``ssl.SSLContext`` when making many clients (each
    builds one otherwise, even for http URLs)."""
    transport = AiohttpTransport(verify=verify, limits=httpx.Limits(max_connections=max_connections))
    return httpx.AsyncClient(timeout=timeout, headers=headers, transport=transport)

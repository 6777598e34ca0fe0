"""The webhook intake's rate bound (shipsettle_shared.intake_bulkhead), on an ASGI app in memory
and a clock that moves only when told: the burst is taken, then a 503 problem with Retry-After,
then taken again after the refill; routes outside the intake are never bounded. (The bound on
webhooks in flight is shown on a real logistics-svc: tests/security/test_intake_bulkhead.py.)"""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from shipsettle_shared.intake_bulkhead import IntakeBulkheadMiddleware
from shipsettle_shared.rate_limits import RateLimit


class Seconds:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _ok(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


def _client(clock: Seconds) -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/v1/webhooks/aftership", _ok, methods=["POST"]), Route("/v1/orders", _ok)])
    bounded = IntakeBulkheadMiddleware(app, max_in_flight=10, rate=RateLimit(per_s=0.5, burst=2), monotonic_s=clock)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=bounded), base_url="http://bench")


async def test_the_intake_takes_its_burst_then_refuses_with_retry_after_until_the_refill() -> None:
    clock = Seconds()
    async with _client(clock) as client:
        taken = [(await client.post("/v1/webhooks/aftership", content=b"{}")).status_code for _ in range(2)]
        refused = await client.post("/v1/webhooks/aftership", content=b"{}")
        assert taken == [200, 200]
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"].endswith("/intake-busy")
        assert refused.headers["Retry-After"] == "2"  # one token at 0.5 a second
        # the rest of the process is not bounded
        assert [(await client.get("/v1/orders")).status_code for _ in range(5)] == [200] * 5
        clock.now += 2.0
        assert (await client.post("/v1/webhooks/aftership", content=b"{}")).status_code == 200
        assert (await client.post("/v1/webhooks/aftership", content=b"{}")).status_code == 503

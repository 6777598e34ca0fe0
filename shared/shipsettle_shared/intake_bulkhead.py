"""The webhook intake's bulkhead: carriers' pushes may take only a bounded share of a process.

A flood of carrier webhooks (a carrier replaying a day's scans, an aggregator's backlog after an
outage) must not starve the merchant API served by the same process. Carriers are not key-limited
(they sign their bodies, they hold no API key), so their intake has its own bound per process:

- at most ``max_in_flight`` webhook requests at once, and
- when ``per_s`` is set, at most ``per_s`` a second sustained (``burst`` at once), a token bucket.

A webhook past either bound is answered at once, before its body is read, authenticated or
parsed: 503 problem+json ``intake-busy`` with ``Retry-After`` (whole seconds). Nothing of it is
stored; carriers retry a non-2xx push (the carrier simulators do, with backoff), so nothing is
lost, only delayed. Only the intake routes (``/v1/webhooks/...``) are bounded: merchant and
platform API calls, the probes and the payout and refund providers' callbacks are not.

Defaults leave room for any surge the platform has been measured at (``max_in_flight`` 128, no rate
bound); ops set a rate for a process that serves merchants and carriers together (docs/benchmarks.md,
"bench-flood", is the measurement of what a flood does without and with the bound).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from shipsettle_shared.problems import Problem, problem_response
from shipsettle_shared.rate_limits import RateLimit, take_token

INTAKE_PATH_PREFIX = "/v1/webhooks/"


class IntakeBusy(Problem):
    def __init__(self, retry_after_s: float, why: str) -> None:
        wait_s = max(1, math.ceil(retry_after_s))
        super().__init__(
            503,
            "Webhook intake busy",
            f"This instance is taking all the webhooks it may ({why}); send this one again in {wait_s} s.",
            type_slug="intake-busy",
            extensions={"retry_after_s": wait_s},
            headers={"Retry-After": str(wait_s)},
        )


class IntakeBulkheadMiddleware:
    """ASGI middleware bounding the webhook intake of one process (see the module's docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_in_flight: int,
        rate: RateLimit | None,
        monotonic_s: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.rate = rate
        self._monotonic_s = monotonic_s
        self.in_flight = 0
        self._tokens = float(rate.burst) if rate else 0.0
        self._tokens_at = monotonic_s()

    def _refusal(self) -> IntakeBusy | None:
        if self.in_flight >= self.max_in_flight:
            return IntakeBusy(1, f"{self.max_in_flight} at once")
        if self.rate is not None:
            now = self._monotonic_s()
            self._tokens, wait_s = take_token(self.rate, self._tokens, self._tokens_at, now)
            self._tokens_at = now
            if wait_s > 0:
                return IntakeBusy(wait_s, f"{self.rate.per_s:g} a second")
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(INTAKE_PATH_PREFIX):
            await self.app(scope, receive, send)
            return
        refusal = self._refusal()
        if refusal is not None:
            await problem_response(refusal, Request(scope))(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

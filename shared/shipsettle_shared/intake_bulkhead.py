"""The webhook intake's bulkhead: carriers' pushes may not starve the rest of a process.

A flood of carrier webhooks (a carrier replaying a day's scans, an aggregator's backlog after an
outage) must not starve the merchant API served by the same process. Carriers are not key-limited
(they sign their bodies, they hold no API key), so their intake has its own bounds per process:

- at most ``max_in_flight`` webhook requests at once;
- the adaptive bound (``AdaptiveIntake``, on by default): while other requests compete with the
  webhooks, the event loop is busier than ``busy_share`` and webhooks are most of the requests,
  only a share of the arriving webhooks is taken, narrowed and widened by AIMD; otherwise every
  webhook is taken;
- when ``per_s`` is set, at most ``per_s`` a second sustained (``burst`` at once), a token bucket
  (an explicit bound for ops who want one; off by default).

A webhook past any bound is answered at once, before its body is read, authenticated or parsed:
503 problem+json ``intake-busy`` with ``Retry-After`` (whole seconds). Nothing of it is stored;
carriers retry a non-2xx push (the carrier simulators do, with backoff), so nothing is lost, only
delayed. Only the intake routes (``/v1/webhooks/...``) are bounded: merchant and platform API
calls, the probes and the payout and refund providers' callbacks are not.

Why adaptive (docs/benchmarks.md, "bench-flood", measures it): without a bound a 10× flood more
than doubled merchants' p99; a fixed rate depends on the machine (what a webhook costs on its CPUs)
and would throttle a healthy peak on an idle API. What delays a merchant's request is the event
loop it shares with the webhooks being occupied: each webhook's parsing, checking and
transaction, and the relay and consumer work it causes, are callbacks the request waits behind.
So a sampler task ticks every ``tick_s`` and measures the loop's busy share over the tick: the CPU
time of its thread (``time.thread_time``, called in the loop) over wall time. The bound then
narrows only when all three hold:

- the webhooks *compete*: within the last ``competing_window_s`` a webhook arrived while another
  request (not a probe) was in flight, or another request arrived while a webhook was in flight.
  Clients that send one request after another never compete, nor does a pure webhook burst on
  an idle API;
- the loop was busier than ``busy_share`` over the tick;
- webhooks were most of the requests taken over the window: the intake is the load. A busy
  process serving merchants and platforms, carriers' usual webhooks among them (a saturated
  bench-lifecycle), does not shed those: that would not bound a flood, only delay deliveries; and
  webhooks are never narrowed below as many as the other requests get.

Then the share of arriving webhooks taken is halved (multiplicative decrease, not below
``SHARE_FLOOR``) and held a tick, so the next tick measures the halving before halving again.
Otherwise it widens by ``SHARE_STEP`` a tick (additive increase): back to every webhook within
1.6 s of the competition or the load ending. A share ``s`` is taken deterministically, not at
random: each arriving webhook adds ``s`` to a credit and is taken when the credit reaches one.

``busy_share`` is a share of the process's own loop, the same on any machine (a faster machine
takes more webhooks at the same share): 0.3 by default. The target is the merchants' tail, not
their mean: at a loop busy half of the time a request's mean wait is about its own service time
again, but its p99 waits behind several callbacks. Measured (bench-flood, 2026-12-07, quiet
2-CPU machine): at 0.5 the flood took about 49 webhooks/s and the reads' p99 went 2.6× its
quiet figure; a fixed bound of 40/s kept it at 2.0×. A webhook costs the loop about 5 ms with
its relay and consumer work (0.58 CPU for 120/s without a bound), so 0.3 takes about that 40/s
on that machine.

The loop's own CPU time, not event-loop lag nor the time its thread waited for a CPU (Linux
schedstat): both also grow when other processes take the CPUs, and shedding this process's
webhooks cannot help that. Measured: in the short chaos run of ``make test`` (a surge on a
saturated machine, the carrier simulator's scans most of logistics-svc's requests) the run-queue
wait counted as busy refused 1,185 webhooks to 1,112 taken, some 8 times over (a minute's delay
by the simulator's backoff); the CPU time alone, 28.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from shipsettle_shared import metrics
from shipsettle_shared.problems import Problem, problem_response
from shipsettle_shared.rate_limits import RateLimit, take_token

INTAKE_PATH_PREFIX = "/v1/webhooks/"
# Probes are not merchants: their requests do not compete with the intake.
PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

TICK_S = 0.1
COMPETING_WINDOW_S = 1.0
SHARE_FLOOR = 1 / 32
SHARE_STEP = 1 / 16


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


class AdaptiveIntake:
    """The adaptive bound's controller (see the module's docstring). The middleware tells it what
    arrives and leaves; ``tick`` (every ``tick_s``, from ``run``) judges the last tick and moves
    the share. The clocks are injected: the unit tests drive it on fake ones."""

    def __init__(
        self,
        busy_share: float,
        *,
        tick_s: float = TICK_S,
        competing_window_s: float = COMPETING_WINDOW_S,
        monotonic_s: Callable[[], float] = time.monotonic,
        loop_cpu_s: Callable[[], float] = time.thread_time,
    ) -> None:
        self.busy_share = busy_share
        self.tick_s = tick_s
        self.competing_window_s = competing_window_s
        self._monotonic_s = monotonic_s
        self._loop_cpu_s = loop_cpu_s
        self.share = 1.0  # of the arriving webhooks, taken
        self.busy = 0.0  # the loop's busy share over the last tick
        self.others_in_flight = 0
        self._credit = 0.0
        self._competed_at = -math.inf
        self._hold_until = -math.inf
        # requests taken in the last competing_window_s, a tick's count each: (webhooks, others)
        self._counts: deque[tuple[int, int]] = deque(maxlen=max(1, round(competing_window_s / tick_s)))
        self._webhooks_taken = self._others_taken = 0
        self._ticked_at = monotonic_s()
        self._cpu_at = loop_cpu_s()
        metrics.webhook_intake_share.set(self.share)

    def webhook_arrives(self) -> bool:
        """A webhook arrives: whether it is taken."""
        if self.others_in_flight:
            self._competed_at = self._monotonic_s()
        if self.share < 1.0:
            self._credit += self.share
            if self._credit < 1.0:
                return False
            self._credit -= 1.0
        self._webhooks_taken += 1
        return True

    def other_starts(self, webhooks_in_flight: int) -> None:
        self.others_in_flight += 1
        self._others_taken += 1
        if webhooks_in_flight:
            self._competed_at = self._monotonic_s()

    def other_ends(self) -> None:
        self.others_in_flight -= 1

    def competing(self, now_s: float) -> bool:
        return now_s - self._competed_at <= self.competing_window_s

    def intake_is_most(self) -> bool:
        """Webhooks were most of the requests taken over the window (counting this tick's)."""
        webhooks = sum(taken for taken, _ in self._counts)
        return webhooks > sum(others for _, others in self._counts)

    def tick(self) -> None:
        now, cpu = self._monotonic_s(), self._loop_cpu_s()
        elapsed = now - self._ticked_at
        if elapsed <= 0:
            return
        self.busy = (cpu - self._cpu_at) / elapsed
        self._ticked_at, self._cpu_at = now, cpu
        self._counts.append((self._webhooks_taken, self._others_taken))
        self._webhooks_taken = self._others_taken = 0
        if self.competing(now) and self.busy > self.busy_share and self.intake_is_most():
            if now >= self._hold_until:
                self.share = max(SHARE_FLOOR, self.share / 2)
                # the next tick still measures work taken before the halving
                self._hold_until = now + 1.5 * self.tick_s
        else:
            self.share = min(1.0, self.share + SHARE_STEP)
        metrics.webhook_intake_share.set(self.share)
        metrics.webhook_intake_loop_busy.set(self.busy)

    async def run(self) -> None:
        """The sampler: ticks until cancelled (measuring from here, in the loop's own thread)."""
        self._ticked_at, self._cpu_at = self._monotonic_s(), self._loop_cpu_s()
        while True:
            await asyncio.sleep(self.tick_s)
            self.tick()


class IntakeBulkheadMiddleware:
    """ASGI middleware bounding the webhook intake of one process (see the module's docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_in_flight: int,
        rate: RateLimit | None,
        adaptive: AdaptiveIntake | None = None,
        monotonic_s: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.rate = rate
        self.adaptive = adaptive
        self._monotonic_s = monotonic_s
        self.in_flight = 0
        self._tokens = float(rate.burst) if rate else 0.0
        self._tokens_at = monotonic_s()

    def _refusal(self) -> IntakeBusy | None:
        if self.in_flight >= self.max_in_flight:
            metrics.webhook_intake_refused_total.labels("in_flight").inc()
            return IntakeBusy(1, f"{self.max_in_flight} at once")
        if self.adaptive is not None and not self.adaptive.webhook_arrives():
            metrics.webhook_intake_refused_total.labels("adaptive").inc()
            return IntakeBusy(1, "merchants' requests come first while the process is busy")
        if self.rate is not None:
            now = self._monotonic_s()
            self._tokens, wait_s = take_token(self.rate, self._tokens, self._tokens_at, now)
            self._tokens_at = now
            if wait_s > 0:
                metrics.webhook_intake_refused_total.labels("rate").inc()
                return IntakeBusy(wait_s, f"{self.rate.per_s:g} a second")
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not scope["path"].startswith(INTAKE_PATH_PREFIX):
            if self.adaptive is None or scope["path"] in PROBE_PATHS:
                await self.app(scope, receive, send)
                return
            self.adaptive.other_starts(self.in_flight)
            try:
                await self.app(scope, receive, send)
            finally:
                self.adaptive.other_ends()
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

"""The webhook intake's adaptive bound (shipsettle_shared.intake_bulkhead.AdaptiveIntake) on a fake
loop: a clock and a busy-time source that move only when told. Alone, every webhook is taken however
busy the loop; while other requests compete and the loop is busier than its share, the share of
webhooks taken halves (held a tick between halvings), never below the floor, and only while
webhooks are most of the requests; once the loop is quieter it widens a step a tick, and once
nothing competes it widens back to every webhook however busy the loop. Then the middleware on an ASGI app in memory: a
webhook past the bound gets the 503 problem with Retry-After, an API request in flight is what
makes webhooks compete (a probe is not), and API routes are never refused."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from shipsettle_shared.intake_bulkhead import (
    SHARE_FLOOR,
    SHARE_STEP,
    AdaptiveIntake,
    IntakeBulkheadMiddleware,
)

TICK_S = 0.125  # binary fractions: the shares below are exact
WINDOW_S = 1.0


class FakeLoop:
    """The controller's clocks: wall time and the loop thread's CPU time, moved by ``run``."""

    def __init__(self) -> None:
        self.now = 1024.0
        self.busy_s = 64.0

    def monotonic(self) -> float:
        return self.now

    def busy(self) -> float:
        return self.busy_s

    def run(self, seconds: float, busy_share: float) -> None:
        self.now += seconds
        self.busy_s += seconds * busy_share


def controller(loop: FakeLoop, busy_share: float = 0.5) -> AdaptiveIntake:
    return AdaptiveIntake(
        busy_share, tick_s=TICK_S, competing_window_s=WINDOW_S, monotonic_s=loop.monotonic, loop_cpu_s=loop.busy
    )


def tick(intake: AdaptiveIntake, loop: FakeLoop, busy_share: float, webhooks: int = 0) -> list[bool]:
    """One tick of the loop at ``busy_share`` with ``webhooks`` arriving in it: what each got."""
    taken = [intake.webhook_arrives() for _ in range(webhooks)]
    loop.run(TICK_S, busy_share)
    intake.tick()
    return taken


def test_alone_every_webhook_is_taken_however_busy_the_loop() -> None:
    loop = FakeLoop()
    intake = controller(loop)
    for _ in range(20):  # a pure burst on an idle API: the loop 94% busy with webhooks only
        assert tick(intake, loop, 0.9375, webhooks=50) == [True] * 50
    assert intake.share == 1.0
    assert intake.busy == 0.9375
    # API requests one after another between the webhooks (a sequential client): never at once
    for _ in range(10):
        intake.other_starts(webhooks_in_flight=0)
        intake.other_ends()
        assert tick(intake, loop, 0.9375, webhooks=5) == [True] * 5
    assert intake.share == 1.0


def test_competing_and_busy_halves_the_share_a_tick_apart_down_to_the_floor() -> None:
    loop = FakeLoop()
    intake = controller(loop)
    intake.other_starts(webhooks_in_flight=0)  # a merchant's read in flight while the flood arrives
    shares = []
    for _ in range(14):
        tick(intake, loop, 0.875, webhooks=40)
        shares.append(intake.share)
    assert shares == [
        1 / 2,
        1 / 2,
        1 / 4,
        1 / 4,
        1 / 8,
        1 / 8,
        1 / 16,
        1 / 16,
        1 / 32,
        1 / 32,
        1 / 32,
        1 / 32,
        1 / 32,
        1 / 32,
    ]
    assert SHARE_FLOOR == 1 / 32
    # at the floor, 1 of every 32 is taken, evenly: the credit reaches one on every 32nd
    taken = [index for index, got in enumerate(tick(intake, loop, 0.875, webhooks=64)) if got]
    assert len(taken) == 2
    assert taken[1] - taken[0] == 32


def test_the_shed_are_spread_evenly_at_the_share() -> None:
    loop = FakeLoop()
    intake = controller(loop)
    intake.other_starts(webhooks_in_flight=0)
    tick(intake, loop, 0.875, webhooks=40)
    assert intake.share == 1 / 2
    assert tick(intake, loop, 0.875, webhooks=6) == [False, True, False, True, False, True]
    tick(intake, loop, 0.875, webhooks=40)  # halved again: a quarter
    assert intake.share == 1 / 4
    taken = tick(intake, loop, 0.875, webhooks=8)
    assert taken.count(True) == 2


def test_a_loop_at_or_under_its_share_is_not_narrowed_even_while_competing() -> None:
    loop = FakeLoop()
    intake = controller(loop)
    intake.other_starts(webhooks_in_flight=0)
    for _ in range(10):
        assert tick(intake, loop, 0.5, webhooks=40) == [True] * 40  # exactly the share: not busier
    assert intake.share == 1.0


def test_webhooks_that_are_not_most_of_the_requests_are_not_narrowed() -> None:
    """A busy process serving mostly merchants and platforms, with carriers' usual webhooks among
    them (a saturated bench-lifecycle): shedding those would not be a flood's bound."""
    loop = FakeLoop()
    intake = controller(loop)
    for _ in range(20):
        taken = []
        for _ in range(3):
            intake.other_starts(webhooks_in_flight=1)
            taken.append(intake.webhook_arrives())
            intake.other_ends()
        intake.other_starts(webhooks_in_flight=0)
        intake.other_ends()
        loop.run(TICK_S, 0.9375)
        intake.tick()
        assert taken == [True] * 3
    assert intake.share == 1.0


def test_the_share_widens_a_step_a_tick_once_the_loop_is_quieter_or_nothing_competes() -> None:
    loop = FakeLoop()
    intake = controller(loop)
    intake.other_starts(webhooks_in_flight=0)
    for _ in range(4):
        tick(intake, loop, 0.875, webhooks=40)
    assert intake.share == 1 / 4
    # still competing, the loop quieter: additive increase
    widened = []
    for _ in range(3):
        tick(intake, loop, 0.25, webhooks=40)
        widened.append(intake.share)
    assert widened == [1 / 4 + SHARE_STEP, 1 / 4 + 2 * SHARE_STEP, 1 / 4 + 3 * SHARE_STEP]
    # busy again: halved from where it had got to
    tick(intake, loop, 0.875, webhooks=40)
    assert intake.share == (1 / 4 + 3 * SHARE_STEP) / 2
    # the merchant's request ends; webhooks keep coming with nothing else in flight: once the
    # window has passed since they last competed, the share widens a step a tick however busy the
    # loop, back to every webhook
    last_competed = loop.now - TICK_S  # the last busy tick's webhooks arrived at its start
    intake.other_ends()
    while loop.now + TICK_S - last_competed <= WINDOW_S:
        tick(intake, loop, 0.875, webhooks=40)
    narrowed = intake.share
    assert narrowed == SHARE_FLOOR
    widened = []
    while intake.share < 1.0:
        tick(intake, loop, 0.875, webhooks=40)
        widened.append(intake.share)
    assert widened == [min(1.0, narrowed + step * SHARE_STEP) for step in range(1, 17)]
    assert tick(intake, loop, 0.875, webhooks=40) == [True] * 40


def test_a_request_arriving_while_webhooks_are_in_flight_is_competition_too() -> None:
    loop = FakeLoop()
    intake = controller(loop)
    tick(intake, loop, 0.875, webhooks=40)
    assert intake.share == 1.0
    intake.other_starts(webhooks_in_flight=3)
    intake.other_ends()
    tick(intake, loop, 0.875, webhooks=40)
    assert intake.share == 1 / 2


# --- the middleware, on an ASGI app in memory ---------------------------------------------------


def _app(intake: AdaptiveIntake, release: asyncio.Event, entered: asyncio.Event) -> IntakeBulkheadMiddleware:
    async def ok(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    async def slow_read(request: Request) -> JSONResponse:
        entered.set()
        await release.wait()
        return JSONResponse({"ok": True})

    app = Starlette(
        routes=[
            Route("/v1/webhooks/aftership", ok, methods=["POST"]),
            Route("/v1/orders", slow_read),
            Route("/healthz", slow_read),
        ]
    )
    return IntakeBulkheadMiddleware(app, max_in_flight=100, rate=None, adaptive=intake)


async def test_the_middleware_sheds_past_the_share_with_503_and_retry_after_and_never_refuses_the_api() -> None:
    loop = FakeLoop()
    intake = controller(loop, busy_share=0.5)
    release, entered = asyncio.Event(), asyncio.Event()
    transport = httpx.ASGITransport(app=_app(intake, release, entered))
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:

        async def webhooks(count: int) -> list[int]:
            return [(await client.post("/v1/webhooks/aftership", content=b"{}")).status_code for _ in range(count)]

        # a probe in flight is not competition: the flood is taken whole however busy the loop
        probe = asyncio.create_task(client.get("/healthz"))
        await entered.wait()
        assert await webhooks(10) == [200] * 10
        loop.run(TICK_S, 0.875)
        intake.tick()
        assert intake.share == 1.0
        release.set()
        assert (await probe).status_code == 200
        assert intake.others_in_flight == 0

        # a merchant's read in flight: the webhooks arriving compete with it
        release.clear()
        entered.clear()
        read = asyncio.create_task(client.get("/v1/orders"))
        await entered.wait()
        assert intake.others_in_flight == 1
        assert await webhooks(10) == [200] * 10
        loop.run(TICK_S, 0.875)
        intake.tick()
        assert intake.share == 1 / 2
        answers = [await client.post("/v1/webhooks/aftership", content=b"{}") for _ in range(4)]
        assert [answer.status_code for answer in answers] == [503, 200, 503, 200]
        refused = answers[0]
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["Retry-After"] == "1"
        assert refused.json()["type"].endswith("/intake-busy")
        assert refused.json()["retry_after_s"] == 1
        # the API is never refused by the intake's bound
        release.set()
        assert (await read).status_code == 200
        assert intake.others_in_flight == 0

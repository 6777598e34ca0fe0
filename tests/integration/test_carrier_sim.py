"""Must show: the carrier simulator, a real process on 127.0.0.1, posts each parcel's scans as
webhooks that logistics-svc's own parsers accept (signatures verified with logistics' verifiers:
Kuaidi100 MD5 + salt, AfterShip HMAC, native Standard Webhooks), in event-time order once sorted,
with the duplicates and late posts it reports; retries 5xx/429 until delivered and records a 400
as rejected without retrying; draws the same fates from the same seed; and, killed with SIGKILL
mid-run, resumes every parcel without replaying a delivered step with a different body.

The receiver is a small FastAPI app in the test process standing in for logistics-svc: same paths,
same verification, and a script of answers per tracking number to refuse the first attempts.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from support import eventually

from logistics_svc.adapters.webhook_formats import aftership, kuaidi100, native
from logistics_svc.domain.tracking import WebhookDelivery, WebhookRejected
from simulators.carrier_sim.process import CarrierSimProcess, new_native_secret

pytestmark = pytest.mark.infra

SALT = "kuaidi100-test-salt"
AFTERSHIP_SECRET = "aftership-test-webhook-secret"
NATIVE_SECRET = new_native_secret()
# The simulator's default port (8301) moved up by 18000, clear of the platform's ports and below the
# ephemeral ports (32768+), where a client socket of the moment could hold the one a test binds.
PORT_RANGE = range(8301 + 18000, 8301 + 18000 + 200)
_next_port = iter(PORT_RANGE)


def a_free_port() -> int:
    for port in _next_port:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORT_RANGE}")


@dataclass(frozen=True)
class Received:
    source: str
    tracking_number: str
    delivery: WebhookDelivery
    body: bytes
    headers: dict[str, str]
    answered: int

    @property
    def newest(self) -> tuple[datetime, str]:
        scan = self.delivery.scans[-1]
        return scan.occurred_at, scan.status.value


@dataclass
class FakeLogistics:
    """logistics-svc's webhook endpoints, reduced to verifying, parsing and recording."""

    received: list[Received] = field(default_factory=list)
    refused: list[tuple[str, int, str]] = field(default_factory=list)  # signature or parse failures
    script: dict[str, list[int]] = field(default_factory=dict)  # tracking number -> first answers
    clock_offset: timedelta = timedelta(0)  # the platform's test clock, ahead of the wall clock
    port: int = 0
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/_test/clock")
        async def test_clock() -> dict[str, str]:
            return {"now": self.now().isoformat()}

        @app.post("/v1/webhooks/kuaidi100")
        async def kuaidi100_push(request: Request) -> JSONResponse:
            raw = await request.body()
            try:
                param, sign = kuaidi100.read_form(raw)
                if not kuaidi100.verify_signature(param, sign, SALT):
                    raise WebhookRejected(401, "signature missing or wrong")
                delivery = kuaidi100.parse_push(param)
            except WebhookRejected as rejected:
                return self._refuse("kuaidi100", rejected)
            status = self._record("kuaidi100", delivery, raw, request)
            body = kuaidi100.ACK_BODY if status == 200 else kuaidi100.failure_body("scripted", str(status))
            return JSONResponse(body, status_code=status)

        @app.post("/v1/webhooks/aftership")
        async def aftership_webhook(request: Request) -> JSONResponse:
            raw = await request.body()
            try:
                if not aftership.verify_signature(
                    raw, request.headers.get(aftership.SIGNATURE_HEADER), AFTERSHIP_SECRET
                ):
                    raise WebhookRejected(401, "signature missing or wrong")
                delivery = aftership.parse_webhook(raw)
                if aftership.is_stale(delivery, self.now()):
                    raise WebhookRejected(401, "stale")
            except WebhookRejected as rejected:
                return self._refuse("aftership", rejected)
            status = self._record("aftership", delivery, raw, request)
            return JSONResponse({"accepted": status == 200}, status_code=status)

        @app.post("/v1/webhooks/carriers/{carrier_code}")
        async def native_webhook(carrier_code: str, request: Request) -> JSONResponse:
            raw = await request.body()
            try:
                delivery = native.verify_and_parse(raw, request.headers, NATIVE_SECRET)
                if delivery.vendor_carrier_code != carrier_code:
                    raise WebhookRejected(400, "carrier code in the path and the body differ")
            except WebhookRejected as rejected:
                return self._refuse(f"native:{carrier_code}", rejected)
            status = self._record("native", delivery, raw, request)
            return JSONResponse({"accepted": status == 200}, status_code=status)

        return app

    def now(self) -> datetime:
        return datetime.now(UTC) + self.clock_offset

    def _refuse(self, source: str, rejected: WebhookRejected) -> JSONResponse:
        self.refused.append((source, rejected.status, rejected.reason))
        return JSONResponse({"detail": rejected.reason}, status_code=rejected.status)

    def _record(self, source: str, delivery: WebhookDelivery, raw: bytes, request: Request) -> int:
        answers = self.script.get(delivery.tracking_number)
        status = answers.pop(0) if answers else 200
        self.received.append(
            Received(source, delivery.tracking_number, delivery, raw, dict(request.headers.items()), status)
        )
        return status

    def of(self, tracking_number: str) -> list[Received]:
        return [item for item in self.received if item.tracking_number == tracking_number]

    async def start(self) -> None:
        self.port = a_free_port()
        config = uvicorn.Config(self.app(), host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline, "the fake logistics receiver did not start"
            assert not self._task.done(), "the fake logistics receiver exited"
            await asyncio.sleep(0.01)

    async def close(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout=10)


StartSim = Callable[..., Awaitable[CarrierSimProcess]]


@pytest.fixture
async def receiver() -> AsyncIterator[FakeLogistics]:
    fake = FakeLogistics()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10, trust_env=False) as http:
        yield http


@pytest.fixture
async def start_sim(tmp_path: Path, receiver: FakeLogistics) -> AsyncIterator[StartSim]:
    """Start simulators posting to the fake receiver (fast scans, no faults unless asked); every
    process is killed at the end, whatever the test did."""
    started: list[CarrierSimProcess] = []

    async def start(directory: str = "sim", **options: str) -> CarrierSimProcess:
        defaults = {
            "seed": "7",
            "scan_interval_ms": "30",
            "duplicate_rate": "0",
            "out_of_order_rate": "0",
            "failed_attempt_rate": "0",
            "return_rate": "0",
            "lost_rate": "0",
            "initial_backoff_ms": "20",
            "max_backoff_ms": "200",
        }
        cli = {f"--{name.replace('_', '-')}": value for name, value in {**defaults, **options}.items()}
        sim = CarrierSimProcess.create(
            tmp_path / directory,
            logistics_url=receiver.url,
            port=a_free_port(),
            options=cli,
            kuaidi100_salt=SALT,
            aftership_secret=AFTERSHIP_SECRET,
            native_secret=NATIVE_SECRET,
        )
        started.append(sim)
        sim.start()
        await sim.wait_until_ready()
        return sim

    yield start
    for sim in started:
        sim.kill()


async def start_parcel(
    client: httpx.AsyncClient, sim: CarrierSimProcess, tracking_number: str, webhook_format: str, **extra: Any
) -> httpx.Response:
    body = {"tracking_number": tracking_number, "carrier_code": "SF", "format": webhook_format, **extra}
    return await client.post(f"{sim.base_url}/v1/parcels", json=body)


async def parcel(client: httpx.AsyncClient, sim: CarrierSimProcess, tracking_number: str) -> dict[str, Any]:
    response = await client.get(f"{sim.base_url}/v1/parcels/{tracking_number}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def stats(client: httpx.AsyncClient, sim: CarrierSimProcess) -> dict[str, Any]:
    response = await client.get(f"{sim.base_url}/_sim/stats")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def quiet(
    client: httpx.AsyncClient, sim: CarrierSimProcess, parcels: int, timeout_s: float = 30
) -> dict[str, Any]:
    async def settled() -> dict[str, Any] | None:
        current = await stats(client, sim)
        return current if current["parcels"] == parcels and current["in_progress"] == 0 else None

    return await eventually(settled, timeout_s=timeout_s, interval_s=0.05)


def timeline(received: list[Received]) -> list[tuple[datetime, str]]:
    """Every scan the receiver holds for one parcel, deduplicated and sorted by event time, as
    logistics builds its timeline."""
    scans = {
        (scan.occurred_at, scan.status.value)
        for item in received
        if item.answered == 200
        for scan in item.delivery.scans
    }
    return sorted(scans)


def late_arrivals(received: list[Received]) -> int:
    """Requests whose newest scan is older than the newest scan already seen for the parcel."""
    newest_seen: datetime | None = None
    late = 0
    for item in received:
        at, _ = item.newest
        if newest_seen is not None and at < newest_seen:
            late += 1
        newest_seen = at if newest_seen is None else max(newest_seen, at)
    return late


async def test_each_format_is_signed_as_its_vendor_documents_and_logistics_accepts_it(
    start_sim: StartSim, receiver: FakeLogistics, client: httpx.AsyncClient
) -> None:
    receiver.clock_offset = timedelta(days=3)  # scans are dated by the platform's clock
    sim = await start_sim(clock_url=f"{receiver.url}/_test/clock")
    numbers = {"kuaidi100": "SF1000000000001", "aftership": "SF1000000000002", "native": "SF1000000000003"}
    for webhook_format, number in numbers.items():
        response = await start_parcel(client, sim, number, webhook_format, fate="delivered")
        assert response.status_code == 202, response.text
        assert response.json() == {"tracking_number": number, "fate": "delivered", "format": webhook_format}

    await quiet(client, sim, parcels=3)

    assert receiver.refused == []
    vendor_codes = {"kuaidi100": "shunfeng", "aftership": "sf-express", "native": "SF"}
    for webhook_format, number in numbers.items():
        state = await parcel(client, sim, number)
        received = receiver.of(number)
        assert {item.source for item in received} == {webhook_format}
        assert {item.delivery.vendor_carrier_code for item in received} == {vendor_codes[webhook_format]}
        assert state["state"] == "done"
        assert state["steps"][0] == "info_received"
        assert state["steps"][-1] == "delivered"
        assert len(received) == state["webhooks_sent"] == len(state["steps"])
        assert [status for _, status in timeline(received)] == state["steps"]
        if webhook_format == "native":
            assert all(len(item.delivery.scans) == 1 for item in received)  # only the new scan
            assert len({item.headers["webhook-id"] for item in received}) == len(received)
        else:  # the aggregators repeat the whole history on every push
            assert [len(item.delivery.scans) for item in received] == list(range(1, len(received) + 1))
        for at, _ in timeline(received):
            assert abs(at - receiver.now()) < timedelta(minutes=1)
    last_push = receiver.of(numbers["kuaidi100"])[-1]
    assert b"%22state%22%3A%223%22" in last_push.body  # lastResult.state 3 签收


async def test_parcels_arrive_in_event_time_order_after_sorting_with_duplicates_and_late_steps_counted(
    start_sim: StartSim, receiver: FakeLogistics, client: httpx.AsyncClient
) -> None:
    sim = await start_sim(duplicate_rate="0.4", out_of_order_rate="0.4", failed_attempt_rate="0.5")
    formats = ["kuaidi100", "aftership", "native"]
    numbers = [f"SF20000000000{index:02d}" for index in range(12)]
    for index, number in enumerate(numbers):
        assert (await start_parcel(client, sim, number, formats[index % 3], fate="delivered")).status_code == 202

    final = await quiet(client, sim, parcels=len(numbers))

    assert receiver.refused == []
    duplicates = late = 0
    saw_failed_attempt = False
    for number in numbers:
        state = await parcel(client, sim, number)
        received = receiver.of(number)
        assert state["state"] == "done"
        assert state["rejected"] == []
        # Sorted by event time and deduplicated, the scans are the plan, each at its own time.
        scans = timeline(received)
        assert [status for _, status in scans] == state["steps"]
        assert len({at for at, _ in scans}) == len(scans)
        assert [(datetime.fromisoformat(scan["occurred_at"]), scan["status"]) for scan in state["scans"]] == scans
        # Duplicates are the same delivery again (what logistics deduplicates on).
        distinct = {item.delivery.delivery_id for item in received}
        assert len(distinct) == len(state["steps"])
        assert len(received) - len(distinct) == state["duplicates"]
        assert late_arrivals(received) == state["out_of_order"]
        assert len(received) == state["webhooks_sent"]
        duplicates += state["duplicates"]
        late += state["out_of_order"]
        saw_failed_attempt |= "failed_attempt" in state["steps"]
    assert duplicates > 0, "the seed drew no duplicate"
    assert late > 0, "the seed drew no late step"
    assert saw_failed_attempt, "the seed drew no failed attempt"
    assert final["duplicates_sent"] == duplicates
    assert final["out_of_order_sent"] == late
    assert final["webhooks_delivered"] == final["webhooks_sent"] == len(receiver.received)
    assert final["by_fate"] == {"delivered": len(numbers)}


async def test_a_5xx_or_429_is_retried_until_delivered_and_a_400_is_rejected_without_retry(
    start_sim: StartSim, receiver: FakeLogistics, client: httpx.AsyncClient
) -> None:
    flaky, refused = "SF3000000000001", "SF3000000000002"
    receiver.script[flaky] = [500, 503, 429]
    receiver.script[refused] = [400]
    sim = await start_sim()
    assert (await start_parcel(client, sim, flaky, "native", fate="delivered")).status_code == 202
    assert (await start_parcel(client, sim, refused, "kuaidi100", fate="delivered")).status_code == 202

    final = await quiet(client, sim, parcels=2)

    flaky_state = await parcel(client, sim, flaky)
    first = receiver.of(flaky)[:4]
    assert [item.answered for item in first] == [500, 503, 429, 200]
    assert len({item.body for item in first}) == 1  # the same body on every attempt
    assert len({item.headers["webhook-id"] for item in first}) == 1  # the same id, re-signed
    assert flaky_state["retries"] == 3
    assert flaky_state["rejected"] == []
    assert [status for _, status in timeline(receiver.of(flaky))] == flaky_state["steps"]

    refused_state = await parcel(client, sim, refused)
    received = receiver.of(refused)
    assert received[0].answered == 400
    assert len(received) == len(refused_state["steps"])  # the refused push was not sent again
    assert refused_state["retries"] == 0
    [rejection] = refused_state["rejected"]
    assert rejection["step"] == 0
    assert rejection["http_status"] == 400
    assert "scripted" in rejection["error"]
    assert refused_state["state"] == "done"  # the later steps went on
    assert final["retries"] == 3
    assert final["rejected"] == 1
    assert final["gave_up"] == 0


async def test_the_same_seed_draws_the_same_fates_and_a_repeated_parcel_is_idempotent(
    start_sim: StartSim, client: httpx.AsyncClient
) -> None:
    rates = {"return_rate": "0.3", "lost_rate": "0.3", "duplicate_rate": "0.3", "out_of_order_rate": "0.3"}
    first, second, other = await asyncio.gather(
        start_sim("first", seed="11", paused="true", **rates),
        start_sim("second", seed="11", paused="true", **rates),
        start_sim("other", seed="12", paused="true", **rates),
    )
    numbers = [f"SF40000000000{index:02d}" for index in range(30)]

    async def plans(sim: CarrierSimProcess) -> list[tuple[str, list[str]]]:
        drawn = []
        for number in numbers:
            response = await start_parcel(client, sim, number, "native")
            assert response.status_code == 202, response.text
            state = await parcel(client, sim, number)
            drawn.append((response.json()["fate"], state["steps"]))
        return drawn

    first_plans, second_plans, other_plans = await plans(first), await plans(second), await plans(other)
    assert first_plans == second_plans
    assert first_plans != other_plans
    assert {fate for fate, _ in first_plans} == {"delivered", "returned", "lost"}
    for fate, steps in first_plans:
        assert steps[-1] == {"delivered": "delivered", "returned": "returned_to_sender", "lost": "in_transit"}[fate]

    # The same body again: the first answer. Another body: 409. A given fate overrides the draw.
    again = await start_parcel(client, first, numbers[0], "native")
    assert again.status_code == 200
    assert again.json()["fate"] == first_plans[0][0]
    conflict = await start_parcel(client, first, numbers[0], "aftership")
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "application/problem+json"
    assert conflict.json()["differing_fields"] == ["format"]
    lost = next(number for number, (fate, _) in zip(numbers, first_plans, strict=True) if fate == "lost")
    forced = await start_parcel(client, second, lost + "X", "native", fate="delivered")
    assert forced.json()["fate"] == "delivered"
    paused = await stats(client, first)
    assert paused["webhooks_sent"] == 0
    assert paused["in_progress"] == len(numbers)


async def test_a_killed_simulator_resumes_every_parcel_without_replaying_a_delivered_step(
    start_sim: StartSim, receiver: FakeLogistics, client: httpx.AsyncClient
) -> None:
    options = {
        "scan_interval_ms": "400",  # a run of about 3 s, so the kill lands mid-run
        "duplicate_rate": "0.2",
        "out_of_order_rate": "0.2",
        "failed_attempt_rate": "0.3",
        "return_rate": "0.2",
        "lost_rate": "0.1",
    }
    sim = await start_sim(**options)
    formats = ["kuaidi100", "aftership", "native"]
    numbers = [f"SF50000000000{index:02d}" for index in range(30)]
    fates: dict[str, str] = {}
    for index, number in enumerate(numbers):
        response = await start_parcel(client, sim, number, formats[index % 3])
        assert response.status_code == 202
        fates[number] = response.json()["fate"]

    async def midway() -> dict[str, Any] | None:
        current = await stats(client, sim)
        return current if current["webhooks_delivered"] >= 30 else None

    before = await eventually(midway, timeout_s=30, interval_s=0.02)
    sim.kill()
    assert before["in_progress"] > 0, "the run finished before the kill"
    received_before_restart = len(receiver.received)

    sim.start()
    await sim.wait_until_ready()
    final = await quiet(client, sim, parcels=len(numbers))

    assert receiver.refused == []
    assert len(receiver.received) > received_before_restart
    assert final["by_fate"] == {fate: list(fates.values()).count(fate) for fate in set(fates.values())}
    for number in numbers:
        state = await parcel(client, sim, number)
        assert state["state"] == "done"
        assert state["fate"] == fates[number]
        received = receiver.of(number)
        # Every step arrived, each with one body only: none was replayed with a new time or body.
        bodies_by_step: dict[tuple[datetime, str], set[bytes]] = defaultdict(set)
        for item in received:
            bodies_by_step[item.newest].add(item.body)
        assert all(len(bodies) == 1 for bodies in bodies_by_step.values()), number
        assert [status for _, status in sorted(bodies_by_step)] == state["steps"]
        assert [status for _, status in timeline(received)] == state["steps"]

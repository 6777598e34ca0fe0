"""The simulator's HTTP API (FastAPI app factory). 127.0.0.1 only, no authentication: it is a
test fixture, not a party ShipSettle talks to.

* ``POST /v1/parcels``: start a parcel (``202``; the same body again ``200``; another body for
  the same tracking number ``409``).
* ``GET /v1/parcels/{tracking_number}``: its fate, plan, scans so far and webhook counts.
* ``GET /_sim/stats``, ``GET|POST /_sim/controls``; ``/healthz`` and ``/readyz``.

Errors are RFC 9457 problem details (``application/problem+json``).
"""

# No ``from __future__ import annotations``: FastAPI reads the route functions' annotations at
# runtime.
import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from shipsettle_shared.http_client import aiohttp_backed_client
from simulators.carrier_sim.config import SimConfig
from simulators.carrier_sim.domain import ControlPanel, Fate, WebhookFormat, draw_plan
from simulators.carrier_sim.engine import Dispatcher, ScanClock, Stepper
from simulators.carrier_sim.formats import USER_AGENT, NativeSigner
from simulators.carrier_sim.store import IdempotencyConflict, Store, StoreRunner
from simulators.http_problems import SimulatorProblem, install_problem_handlers, invalid

logger = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://carrier-sim.shipsettle.dev/problems/"


class ParcelRequest(BaseModel):
    """A dispatched parcel for the carrier to carry (物流单号 + carrier + how it reports)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    # Printable ASCII without spaces, at most 64 characters (the native webhook's limit).
    tracking_number: Annotated[str, Field(pattern=r"^[!-~]{1,64}$")]
    carrier_code: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")]  # logistics' native path segment
    # Enums from JSON strings: strict mode would only take enum instances.
    format: Annotated[WebhookFormat, Field(strict=False)]
    fate: Annotated[Fate | None, Field(strict=False)] = None


class ControlsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    paused: bool | None = None
    scan_interval_ms: Annotated[int | None, Field(ge=0)] = None
    duplicate_rate: Annotated[float | None, Field(ge=0, le=1)] = None
    out_of_order_rate: Annotated[float | None, Field(ge=0, le=1)] = None
    failed_attempt_rate: Annotated[float | None, Field(ge=0, le=1)] = None
    return_rate: Annotated[float | None, Field(ge=0, le=1)] = None
    lost_rate: Annotated[float | None, Field(ge=0, le=1)] = None
    max_attempts: Annotated[int | None, Field(ge=1)] = None
    initial_backoff_ms: Annotated[int | None, Field(gt=0)] = None
    max_backoff_ms: Annotated[int | None, Field(gt=0)] = None


@dataclass
class Simulator:
    config: SimConfig
    runner: StoreRunner
    controls: ControlPanel
    clock: ScanClock
    stepper: Stepper
    dispatcher: Dispatcher

    @property
    def store(self) -> Store:
        return self.runner.store


def _simulator(request: Request) -> Simulator:
    simulator: Simulator = request.app.state.simulator
    return simulator


SimulatorDep = Annotated[Simulator, Depends(_simulator)]


def _parcel_answer(view: dict[str, Any]) -> dict[str, Any]:
    return {"tracking_number": view["tracking_number"], "fate": view["fate"], "format": view["format"]}


def _parcel_router() -> APIRouter:
    router = APIRouter(prefix="/v1/parcels", tags=["parcels"])

    @router.post("", status_code=202)
    async def start_parcel(body: ParcelRequest, simulator: SimulatorDep) -> JSONResponse:
        """Carry a parcel: its fate (drawn from the seed unless given) and its scans are planned
        now; the first scan (揽收) happens at once. Idempotent on ``tracking_number``."""
        secrets = simulator.config.secrets
        secret = {
            WebhookFormat.KUAIDI100: secrets.kuaidi100_salt,
            WebhookFormat.AFTERSHIP: secrets.aftership_secret,
            WebhookFormat.NATIVE: secrets.native_secret,
        }[body.format]
        if not secret:
            raise invalid("body.format", f"the simulator was started without a secret for {body.format.value}")
        plan = draw_plan(simulator.config.seed, body.tracking_number, simulator.controls.current.rates(), body.fate)
        request = body.model_dump(mode="json")
        try:
            view, created = await simulator.runner.call(
                simulator.store.accept, request, plan, time.time(), datetime.now(UTC)
            )
        except IdempotencyConflict as conflict:
            raise SimulatorProblem(
                409,
                "Conflict",
                f"tracking_number {conflict.tracking_number!r} was already started with a different body",
                type_slug="idempotency-key-reused",
                extensions={"differing_fields": conflict.differing_fields},
            ) from conflict
        if created:
            simulator.stepper.wake()
        return JSONResponse(
            _parcel_answer(view),
            status_code=202 if created else 200,
            headers={"Location": f"/v1/parcels/{view['tracking_number']}"},
        )

    @router.get("/{tracking_number}")
    async def get_parcel(tracking_number: str, simulator: SimulatorDep) -> dict[str, Any]:
        view = await simulator.runner.call(simulator.store.parcel, tracking_number)
        if view is None:
            raise SimulatorProblem(
                404, "Not found", f"parcel {tracking_number!r} was never started", type_slug="not-found"
            )
        return view

    return router


def _sim_router() -> APIRouter:
    router = APIRouter(prefix="/_sim", tags=["simulator"])

    @router.get("/stats")
    async def stats(simulator: SimulatorDep) -> dict[str, Any]:
        """Quiet when ``in_progress`` is 0: every step has happened and every webhook is final."""
        result = await simulator.runner.call(simulator.store.stats)
        result["paused"] = simulator.controls.current.paused
        result["clock_ready"] = simulator.clock.ready
        return result

    @router.get("/controls")
    async def get_controls(simulator: SimulatorDep) -> dict[str, Any]:
        return simulator.controls.current.as_json()

    @router.post("/controls")
    async def set_controls(body: ControlsUpdate, simulator: SimulatorDep) -> dict[str, Any]:
        """Pause or resume, change the scan interval (steps already scheduled later than the new
        interval are brought forward), fault rates (for parcels started afterwards) and retries.
        In memory only: a restarted simulator starts from its command line."""
        changes = body.model_dump(exclude_none=True)
        try:
            simulator.controls.current = simulator.controls.current.updated(**changes)
        except ValueError as exc:
            raise invalid("body", str(exc)) from exc
        if "scan_interval_ms" in changes:
            latest = time.time() + changes["scan_interval_ms"] / 1000
            await simulator.runner.call(simulator.store.reschedule_steps_before, latest)
        simulator.stepper.wake()
        simulator.dispatcher.wake()
        return simulator.controls.current.as_json()

    return router


def create_app(config: SimConfig) -> FastAPI:
    """The simulator as an ASGI app. Opens its database and starts its background tasks in the
    lifespan; nothing happens at import time. In-progress parcels resume on start."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner = StoreRunner(Store.open(config.db_path))
        # aiohttp takes no proxy from the environment: traffic stays on 127.0.0.1.
        client = aiohttp_backed_client(
            timeout=config.timeout_s, headers={"user-agent": USER_AGENT}, max_connections=config.concurrency
        )
        controls = ControlPanel(config.initial_controls)
        clock = ScanClock(config.clock_url, client)
        signer = NativeSigner(config.secrets.native_secret) if config.secrets.native_secret else None
        dispatcher = Dispatcher(runner, controls, client, config.logistics_url, signer, config.concurrency)
        stepper = Stepper(runner, controls, clock, config.secrets, dispatcher.wake)
        app.state.simulator = Simulator(config, runner, controls, clock, stepper, dispatcher)
        tasks = [
            asyncio.create_task(clock.run(), name="scan-clock"),
            asyncio.create_task(stepper.run(), name="stepper"),
            asyncio.create_task(dispatcher.run(), name="dispatcher"),
        ]
        logger.info(
            "carrier simulator ready on %s:%d (db %s, posting to %s)",
            config.host,
            config.port,
            config.db_path,
            config.logistics_url,
        )
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await dispatcher.close()
            await client.aclose()
            runner.close()

    app = FastAPI(
        title="ShipSettle carrier simulator",
        description="Carriers and aggregators (Kuaidi100, AfterShip, native) posting signed tracking webhooks.",
        lifespan=lifespan,
    )
    install_problem_handlers(app, PROBLEM_TYPE_BASE, "carrier simulator")
    app.include_router(_parcel_router())
    app.include_router(_sim_router())

    @app.get("/healthz", include_in_schema=False)
    @app.get("/readyz", include_in_schema=False)
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    return app

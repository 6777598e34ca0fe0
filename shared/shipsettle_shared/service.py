"""How every ShipSettle service is assembled and run.

A service describes itself with a ``ServiceDefinition`` (its routers, consumer groups, timer
handlers, migrations); ``create_app`` turns it into a FastAPI app whose lifespan creates the
engine, the Kafka producer, the outbox relay, the consumers and the timer scheduler from
settings, and closes them on shutdown. Nothing connects at import time.

``serve`` is each service's entry point (``python -m order_svc``): JSON logs, migrations
under an advisory lock, then uvicorn.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import httpx
import uvicorn
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipsettle_shared import audit, metrics
from shipsettle_shared.api_document import DocumentedAnswerCheck, answers, declare_assembly_problems
from shipsettle_shared.audit_routes import AUDIT_HEAD, audit_router, head_timer_handler, start_head_timer
from shipsettle_shared.auth import ApiKeyCache, OpsPrincipal, access_handlers, lane_key_loader, publish_roles
from shipsettle_shared.body_limits import BodyLimitMiddleware
from shipsettle_shared.clock import Clock, ShiftableClock, SystemClock, monotonic_source
from shipsettle_shared.contracts import Topic
from shipsettle_shared.data_keys import PersonalDataVault
from shipsettle_shared.db import ConnectionLane, create_engine, session_factory, timers_table, unit_of_work
from shipsettle_shared.diagnostics import bus_probe_router, bus_probe_subscription
from shipsettle_shared.http_client import SERVER_KEEP_ALIVE_S, aiohttp_backed_client
from shipsettle_shared.idempotency import EXPIRE_KEYS, expiry_timer_handler, start_expiry_timer
from shipsettle_shared.intake_bulkhead import AdaptiveIntake, IntakeBulkheadMiddleware
from shipsettle_shared.logs import configure_logging, correlation_id_var
from shipsettle_shared.messaging.consumer import ConsumerLoop, Subscription
from shipsettle_shared.messaging.kafka_config import producer_config
from shipsettle_shared.messaging.relay import OutboxRelay
from shipsettle_shared.migrations import upgrade_service_database
from shipsettle_shared.pagination import bounded_list
from shipsettle_shared.problems import Problem, install_problem_handlers, refuse_unstorable_text
from shipsettle_shared.rate_limits import KeyRateLimiter
from shipsettle_shared.settings import ServiceSettings, load_settings_or_exit
from shipsettle_shared.timers import TimerHandlers, TimerScheduler, timer_schedulers

logger = logging.getLogger(__name__)


@dataclass
class ServiceRuntime:
    """Everything a running service instance holds; reachable as ``app.state.runtime``."""

    settings: ServiceSettings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    producer: AIOKafkaProducer
    lane: ConnectionLane  # single-statement hot paths (opens connections only when used)
    # One pooled client per process for every outbound call (providers, merchant notifications):
    # a client per call paid for a new TLS context and a new connection each time.
    http: httpx.AsyncClient
    relay: OutboxRelay | None = None
    consumers: list[ConsumerLoop] = field(default_factory=list)
    schedulers: list[TimerScheduler] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    # Objects a service's start-up hook adds (order-svc's order watch), by name; ``closers`` are
    # awaited on shutdown, last added first.
    extensions: dict[str, Any] = field(default_factory=dict)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # API keys verified in memory, read from this service's api_keys table at most once per TTL
    api_keys: ApiKeyCache = field(init=False)
    # Each key's token bucket in this process (the RoleGate takes from it after authentication)
    rate_limits: KeyRateLimiter = field(init=False)
    # Seals and opens personal fields under their data keys (data_keys.py; keys read on the lane)
    personal_data: PersonalDataVault = field(init=False)

    def __post_init__(self) -> None:
        self.api_keys = ApiKeyCache(
            lane_key_loader(self.lane),
            ttl_s=self.settings.api_key_cache_ttl_s,
            max_entries=self.settings.api_key_cache_max_entries,
            monotonic_s=monotonic_source(self.clock),
        )
        self.personal_data = PersonalDataVault(
            self.lane,
            self.settings.keyring(),
            ttl_s=self.settings.pii_data_key_cache_ttl_s,
            monotonic_s=monotonic_source(self.clock),
        )
        self.rate_limits = KeyRateLimiter(
            self.settings.rate_limits(),
            max_keys=self.settings.api_key_cache_max_entries,
            monotonic_s=monotonic_source(self.clock),
        )

    @property
    def service_name(self) -> str:
        return self.settings.service_name


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    title: str
    description: str
    migrations_dir: Path
    routers: Sequence[APIRouter] = ()
    # Built per runtime, because handlers close over the runtime's clock and settings.
    subscriptions: Callable[[ServiceRuntime], Sequence[Subscription]] = lambda runtime: ()
    timer_handlers: Callable[[ServiceRuntime], TimerHandlers] = lambda runtime: {}
    # Idempotent start-up work after migrations, e.g. seeding reference data.
    on_startup: Callable[[ServiceRuntime], Awaitable[None]] | None = None
    # The service keeps an audit log (audit.py; its migrations create it): GET /v1/audit and
    # /v1/audit/verify are mounted, its chain's head is published, consumer resumes are recorded.
    audit_log: bool = False


def access_subscription(service_name: str, api_keys: ApiKeyCache) -> Subscription:
    """Every service keeps its own copy of the API keys, fed by access events; the instance that
    applies a revocation refuses the key at once."""
    return Subscription(group_id=f"{service_name}.access", topics=(Topic.ACCESS,), handlers=access_handlers(api_keys))


class _RequestContextMiddleware:
    """Correlation id in, correlation id out; request latency by route into Prometheus."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-correlation-id", b"").decode("latin-1")
        correlation_id = incoming if 0 < len(incoming) <= 128 else str(uuid.uuid4())
        token = correlation_id_var.set(correlation_id)
        started = time.perf_counter()
        status_holder = {"status": 500}

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-correlation-id", correlation_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        finally:
            route = scope.get("route")
            route_path = getattr(route, "path", "unmatched")
            metrics.http_request_seconds.labels(scope["method"], route_path, str(status_holder["status"])).observe(
                time.perf_counter() - started
            )
            correlation_id_var.reset(token)


class Liveness(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    service: str
    checks: dict[str, str] = Field(description="each dependency (database, kafka): ok, or why it is unreachable")


class ConsumerGroupView(BaseModel):
    group: str
    topics: list[str]
    halted: bool
    halted_because: str | None
    dead_lettered_share: float = Field(description="share of recent events dead-lettered (4 decimals)")


class ClockAdvance(BaseModel):
    seconds: int = Field(gt=0, le=400 * 24 * 3600, description="How far to move this service's clock forward")


def _operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", operation_id="health.live", summary="Liveness: the process answers", **answers(Liveness))
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        operation_id="health.ready",
        summary="Readiness: the database and Kafka are reachable",
        **answers(Readiness, 503),
    )
    async def readyz(request: Request) -> dict[str, Any]:
        runtime: ServiceRuntime = request.app.state.runtime
        checks: dict[str, str] = {}
        try:
            async with runtime.engine.connect() as connection:
                await asyncio.wait_for(connection.execute(text("select 1")), timeout=2)
            checks["database"] = "ok"
        except Exception as error:
            checks["database"] = f"unreachable: {type(error).__name__}"
        try:
            updated = await asyncio.wait_for(runtime.producer.client.force_metadata_update(), timeout=3)
            checks["kafka"] = "ok" if updated else "unreachable: metadata update failed"
        except Exception as error:
            checks["kafka"] = f"unreachable: {type(error).__name__}"
        ready = all(value == "ok" for value in checks.values())
        if not ready:
            raise Problem(
                503, "Not ready", "A dependency is unreachable", type_slug="not-ready", extensions={"checks": checks}
            )
        return {"status": "ready", "service": runtime.service_name, "checks": checks}

    @router.get(
        "/metrics",
        operation_id="metrics.scrape",
        summary="Prometheus metrics",
        response_class=PlainTextResponse,  # documents the text exposition format; the handler sets its version
    )
    async def prometheus_metrics(request: Request) -> Response:
        runtime: ServiceRuntime = request.app.state.runtime
        if runtime.relay is not None:
            try:
                await asyncio.wait_for(runtime.relay.backlog(), timeout=2)
            except (SQLAlchemyError, OSError, TimeoutError) as error:
                # The database is down: the scrape still answers, with every other metric and the
                # backlog's last value, exactly when ops most need to see what is happening.
                logger.warning("outbox backlog not refreshed", extra={"fields": {"error": type(error).__name__}})
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def _consumers_router(audited: bool) -> APIRouter:
    """Ops' view of this instance's consumer groups, and the resume of a halted one."""
    router = APIRouter(prefix="/v1/consumers", tags=["operations"])

    def view(loop: ConsumerLoop) -> dict[str, Any]:
        return {
            "group": loop.group,
            "topics": [str(topic) for topic in loop.subscription.topics],
            "halted": loop.halted,
            "halted_because": loop.halted_because,
            "dead_lettered_share": round(loop.guard.share, 4),
        }

    @router.get(
        "",
        operation_id="consumers.list",
        summary="This instance's consumer groups: halted or consuming, and their dead-letter share",
        openapi_extra=bounded_list("this process's consumer groups, fixed in its code: a handful"),
        **answers(list[ConsumerGroupView]),
    )
    async def list_consumers(request: Request, principal: OpsPrincipal) -> list[dict[str, Any]]:
        return [view(loop) for loop in request.app.state.runtime.consumers]

    @router.post(
        "/{group}/resume",
        operation_id="consumers.resume",
        summary="Resume a group halted by too many dead letters, once the cause is fixed",
        **answers(ConsumerGroupView, 404, 409),
    )
    async def resume_consumer(group: str, request: Request, principal: OpsPrincipal) -> dict[str, Any]:
        for loop in request.app.state.runtime.consumers:
            if loop.group == group:
                if not loop.halted:
                    raise Problem(
                        409, "Not halted", f"The consumer group {group} is consuming.", type_slug="not-halted"
                    )
                if audited:  # recorded first: a resume is never left out of the log
                    runtime = request.app.state.runtime
                    async with unit_of_work(runtime.sessions) as session:
                        await audit.record(
                            session,
                            principal,
                            "consumers.resume",
                            "consumer_group",
                            group,
                            at=runtime.clock.now(),
                            before={"halted": True, "halted_because": loop.halted_because},
                            after={"halted": False},
                        )
                loop.resume()
                return view(loop)
        raise Problem(
            404,
            "Unknown consumer group",
            f"This instance runs no consumer group {group}.",
            type_slug="unknown-consumer-group",
        )

    return router


def _test_controls_router() -> APIRouter:
    """Only mounted in the test environment: lets end-to-end tests move time."""
    router = APIRouter(prefix="/_test", tags=["test controls"], include_in_schema=False)

    @router.get("/clock")
    async def read_clock(request: Request) -> dict[str, Any]:
        clock = request.app.state.runtime.clock
        return {"now": clock.now().isoformat(), "offset_s": int(clock.offset.total_seconds())}

    @router.post("/clock/advance")
    async def advance_clock(body: ClockAdvance, request: Request) -> dict[str, Any]:
        clock: ShiftableClock = request.app.state.runtime.clock
        now = clock.advance(timedelta(seconds=body.seconds))
        return {"now": now.isoformat(), "offset_s": int(clock.offset.total_seconds())}

    @router.get("/timers/due")
    async def timers_due(request: Request) -> dict[str, Any]:
        """Durable timers due by this service's clock and not yet fired: a driver that moves the
        clock waits for zero before it moves it again, so no deadline is skipped over."""
        runtime: ServiceRuntime = request.app.state.runtime
        async with runtime.engine.connect() as connection:
            due = await connection.scalar(
                select(func.count())
                .select_from(timers_table)
                .where(
                    timers_table.c.fired_at.is_(None),
                    timers_table.c.cancelled_at.is_(None),
                    timers_table.c.due_at <= runtime.clock.now(),
                )
            )
        return {"due": int(due or 0)}

    return router


def outbound_http_client() -> httpx.AsyncClient:
    """The process's client for calls out of ShipSettle (providers, recon's audit heads), over
    aiohttp: httpx's own transport spent about twice the CPU per call (http_client.py), and a
    payout's send is one call per lifecycle. Each call states its own timeout; a caller catches
    ``http_client.CALL_FAILED``. Outbound webhooks to merchants have their own client
    (settlement-svc's webhook_transport: its addresses are checked against SSRF)."""
    return aiohttp_backed_client(timeout=10.0)


async def _start_runtime(definition: ServiceDefinition, settings: ServiceSettings) -> ServiceRuntime:
    clock: Clock = (
        ShiftableClock(timedelta(seconds=settings.test_clock_offset_s))
        if settings.test_controls_enabled
        else SystemClock()
    )
    engine = create_engine(settings)
    producer = AIOKafkaProducer(**producer_config(settings))
    await producer.start()
    runtime = ServiceRuntime(
        settings=settings,
        clock=clock,
        engine=engine,
        sessions=session_factory(engine),
        producer=producer,
        lane=ConnectionLane.for_settings(settings),
        http=outbound_http_client(),
    )
    roles = settings.role_set
    if "relay" in roles:
        runtime.relay = OutboxRelay(settings, engine, producer, clock)
        runtime.tasks.append(asyncio.create_task(runtime.relay.run(), name="outbox-relay"))
    if "consumer" in roles:
        subscriptions = [
            access_subscription(definition.name, runtime.api_keys),
            bus_probe_subscription(definition.name),
            *definition.subscriptions(runtime),
        ]
        for subscription in subscriptions:
            loop = ConsumerLoop(settings, runtime.sessions, subscription, producer)
            runtime.consumers.append(loop)
            runtime.tasks.append(asyncio.create_task(loop.run(), name=f"consumer-{subscription.group_id}"))
    timer_handlers = dict(definition.timer_handlers(runtime))
    if definition.audit_log:
        timer_handlers[AUDIT_HEAD] = head_timer_handler(runtime)
    timer_handlers[EXPIRE_KEYS] = expiry_timer_handler(runtime)
    if "scheduler" in roles:
        runtime.schedulers = timer_schedulers(
            runtime.sessions,
            clock,
            timer_handlers,
            poll_ms=settings.scheduler_poll_ms,
            batch_size=settings.scheduler_batch_size,
            calls_out_at_once=settings.scheduler_calls_out_at_once,
        )
        for number, scheduler in enumerate(runtime.schedulers):
            runtime.tasks.append(asyncio.create_task(scheduler.run(), name=f"timer-scheduler-{number}"))
    return runtime


async def _stop_runtime(runtime: ServiceRuntime) -> None:
    for loop in runtime.consumers:
        loop.stop()
    if runtime.relay is not None:
        runtime.relay.stop()
    for scheduler in runtime.schedulers:
        scheduler.stop()
    if runtime.tasks:
        _, pending = await asyncio.wait(runtime.tasks, timeout=10)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    for close in reversed(runtime.closers):
        await close()
    await runtime.producer.stop()
    await runtime.http.aclose()
    await runtime.lane.close()
    await runtime.engine.dispose()


def create_app(definition: ServiceDefinition, settings: ServiceSettings) -> FastAPI:
    adaptive_intake = AdaptiveIntake(settings.webhook_intake_busy_share) if settings.webhook_intake_adaptive else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await _start_runtime(definition, settings)
        app.state.runtime = runtime
        async with unit_of_work(runtime.sessions) as session:
            await start_expiry_timer(session, runtime.clock.now())
            if definition.audit_log:
                await start_head_timer(session, runtime.clock.now())
        # Not among runtime.tasks, which are asked to stop and waited for: the sampler is cancelled
        sampler = asyncio.create_task(adaptive_intake.run(), name="intake-sampler") if adaptive_intake else None
        if definition.on_startup is not None:
            await definition.on_startup(runtime)
        logger.info("service started", extra={"fields": {"roles": sorted(settings.role_set)}})
        try:
            yield
        finally:
            if sampler is not None:
                sampler.cancel()
                await asyncio.gather(sampler, return_exceptions=True)
            await _stop_runtime(runtime)

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version="0.1.0",
        lifespan=lifespan,
        # One rule for all text that comes in, on every route: nothing PostgreSQL cannot store
        # reaches a handler (see storable_text).
        dependencies=[Depends(refuse_unstorable_text)],
    )
    install_problem_handlers(app)
    # Before routing, authentication and parsing: a body over its route's limit is never read
    # (inside the request context, so the 413 carries the correlation id and is counted).
    app.add_middleware(BodyLimitMiddleware, routes=app.router.routes)
    # Outside the body limit: a webhook past the intake's bound is refused before its body is read
    app.add_middleware(
        IntakeBulkheadMiddleware,
        max_in_flight=settings.webhook_intake_max_in_flight,
        rate=settings.webhook_intake_rate(),
        adaptive=adaptive_intake,
    )
    if settings.test_controls_enabled and settings.check_documented_answers:
        # Inside the request context: the test suites' answers are held to the documented models.
        app.add_middleware(DocumentedAnswerCheck)
    app.add_middleware(_RequestContextMiddleware)
    app.include_router(_operations_router())
    app.include_router(_consumers_router(definition.audit_log))
    if definition.audit_log:
        app.include_router(audit_router())
    app.include_router(bus_probe_router())
    for router in definition.routers:
        app.include_router(router)
    if settings.test_controls_enabled:
        app.include_router(_test_controls_router())
    # Each operation's roles into its OpenAPI (x-roles), read from its gate: /docs shows who may
    # call what, and the security tests' access matrix is generated from it.
    publish_roles(app)
    # Every error each operation can answer, as problem+json, in the same document.
    declare_assembly_problems(app)
    return app


def server_config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    """How every service's HTTP server runs (``serve``; tests that assemble a service in-process)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
        timeout_keep_alive=SERVER_KEEP_ALIVE_S,
    )


def serve(definition: ServiceDefinition, settings: ServiceSettings | None = None) -> None:
    settings = settings or load_settings_or_exit(ServiceSettings, definition.name)
    configure_logging(settings.service_name, settings.log_level)
    upgrade_service_database(
        definition.migrations_dir,
        database_url=settings.database_url,
        migration_database_url=settings.migration_database_url,
    )
    app = create_app(definition, settings)
    uvicorn.Server(server_config(app, settings.http_host, settings.http_port)).run()

"""bench-lifecycle: whole order lifecycles per second, from the order to the money in the
merchant's bank, and how long settlement takes once the buyer has signed off, beside the ceilings
of what the platform is built on, measured in the same run.

    python bench/lifecycle.py [--orders 300] [--rate 150] [--latency-rate 100] [--timeout 1500]
    # make bench-lifecycle

- Ceilings first, each alone on the machine: pgbench with a settlement-like transaction (one
  ledger transaction row, three postings, two balance updates) at 8 clients on a scratch database;
  an empty FastAPI endpoint under bench/webhooks.py's closed-loop load workers (wrk is not
  installed here); raw aiokafka produce (bench/bus.py's ``raw-producer``) on this run's broker.
- Then a private platform (surge.platform.start_private: its own broker on 127.0.0.1:29292, its
  own databases ``*_bench_lifecycle``, ports +16000, payout batches every second), driven by
  surge's marketplace backend (surge.driver) over HTTP with the carrier's signed webhooks posted
  directly (surge.carrier.DirectCarrier). Merchants have a T+0 policy that applies for payout by
  itself and a verified bank account; one warm-up order each, whose first payout ops approve (the
  first payout to an account is reviewed by rule), so measured applications are approved
  automatically.
- Each order: create → confirm shipping information → dispatch with a tracking number → the
  carrier's "delivered" webhook → the buyer confirms receipt (sign-off) → hold released (T+0) →
  automatic application, approved → payout batch → the payout sandbox's "paid" callback. Orders
  start open-loop at a fixed offered rate, bounded in number: (a) a uniform mix over the
  merchants, (b) a hot-merchant mix (one merchant gets ~80%), (c) a latency run at 100 orders/s
  (or below what the machine sustains, said so). Figures come from the platform's databases.

Figures go to stdout and to the "## bench-lifecycle" section of docs/benchmarks.md. A benchmark,
not a test: it fails on errors and on orders that did not end paid, never on a figure. Everything
is on 127.0.0.1 and bounded by --timeout; what it started is stopped at the end whatever happened.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import importlib.metadata
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # surge/ is a top-level package of the repository, not installed
    sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import database_calls  # noqa: E402
import httpx  # noqa: E402
import ledger  # noqa: E402
import profiles  # noqa: E402
import uvloop  # noqa: E402
import webhooks  # noqa: E402
from bus import (  # noqa: E402
    DIAGNOSTICS_PARTITIONS,
    ForeignCpu,
    _create_topics,
    _recreate_databases,
    machine,
    percentile,
    wait_for_quiet_machine,
    write_section,
)
from database_calls import StatementCalls  # noqa: E402

from shipsettle_shared.topology import SERVICES, database_url  # noqa: E402
from surge.driver import CHANNELS, Driver, Merchant, Options, OrderPlan, SurgeError  # noqa: E402
from surge.platform import PlatformHandle, local, start_private  # noqa: E402

KAFKA_PORT = 29292  # its own broker: make test 19092, bench-bus 29092, bench-webhooks 29192, surge 19492
BOOTSTRAP = f"127.0.0.1:{KAFKA_PORT}"
PORT_OFFSET = 16000  # order-svc on 24101 ... recon-svc on 24105, sandboxes on 24201/24202
DB_SUFFIX = "_bench_lifecycle"
EMPTY_PORT = 24199
PGBENCH_DB = "bench_lifecycle_pgbench"
PLATFORM_DATABASES = [spec.database + DB_SUFFIX for spec in SERVICES]
TOP_STATEMENTS = 15
PY_SPY = shutil.which("py-spy") or str(ROOT / ".venv" / "bin" / "py-spy")  # `make bench-lifecycle` installs it
PGBENCH_CLIENTS = 8
PGBENCH_MERCHANTS = 20
RAW_TOPIC_WARMUP = "bench.lifecycle.raw.warmup"
RAW_TOPIC = "bench.lifecycle.raw"
RAW_WARMUP_MESSAGES = 10_000
DOC_PATH = ROOT / "docs" / "benchmarks.md"
SECTION = "## bench-lifecycle"
# Issue 17's targets are ratios to the same run's pgbench ceiling, because machines differ by about
# 2x between sessions: CPU per paid lifecycle (every process) x pgbench ktps, and lifecycles/s as a
# share of pgbench tps.
TARGET_CPU_MS_X_KTPS = 75.0
TARGET_RATE_SHARE_OF_PGBENCH = 0.02
TARGET_RATE = 150.0  # the throughput runs' offered rate: above what the platform sustains today
TARGET_P99_MS = 1_000.0  # sign-off → available, at SUSTAINABLE_SHARE of the sustained rate
TARGET_APPROVAL_P99_MS = 2_000.0  # approval → paid, likewise
TARGET_LATENCY_RATE = 100.0
TARGET_HOT_RATIO = 0.8  # hot-merchant mix / uniform mix
WRK_THREADS = 2
# Below what the machine sustains, latency is the platform's; at or above it, the queue's.
SUSTAINABLE_SHARE = 0.8
POLL_MAX_S = 2.0  # a poll's interval doubles up to this: a backlog of orders must not poll itself to death
DRAIN_TIMEOUT_S = 300.0
IDLE_S = 5.0  # the platform's CPU use with no orders, measured once before the runs
OWN_PIDS: set[int] = {os.getpid()}
T = TypeVar("T")


class BenchAborted(Exception):
    pass


# --- figures from timestamp rows (pure) ------------------------------------------------------


@dataclass(frozen=True)
class Lot:
    """Money a hold's release made available to its merchant."""

    at: datetime
    order_id: str
    amount_minor: int


@dataclass(frozen=True)
class Take:
    """A settlement application: the merchant's available money moved to payout."""

    at: datetime
    application_id: str
    amount_minor: int


@dataclass
class Allocation:
    application_ids: list[str] = field(default_factory=list)
    unapplied_minor: int = 0


def allocate(lots: Iterable[Lot], takes: Iterable[Take]) -> dict[str, Allocation]:
    """Which applications took each order's released money, for one merchant: first in, first
    out, as "apply for everything available" takes it. In time order, a release before an
    application of the same instant: auto-apply runs in the release's transaction and reads the
    same clock. Applications carry no order ids, so this is how an order's payout is found."""
    lots, takes = list(lots), list(takes)
    events = sorted(
        [(lot.at, 0, index) for index, lot in enumerate(lots)]
        + [(take.at, 1, index) for index, take in enumerate(takes)]
    )
    allocation = {lot.order_id: Allocation() for lot in lots}
    queue: deque[tuple[str, int]] = deque()  # (order id, fen not yet applied for)
    for _, kind, index in events:
        if kind == 0:
            queue.append((lots[index].order_id, lots[index].amount_minor))
            continue
        take = takes[index]
        needed = take.amount_minor
        while needed > 0 and queue:
            order_id, left = queue.popleft()
            used = min(needed, left)
            if take.application_id not in allocation[order_id].application_ids:
                allocation[order_id].application_ids.append(take.application_id)
            needed -= used
            if left > used:
                queue.appendleft((order_id, left - used))
    for order_id, left in queue:
        allocation[order_id].unapplied_minor += left
    return allocation


def paid_at(allocation: Allocation | None, paid_at_by_application: dict[str, datetime]) -> datetime | None:
    """When the last of an order's money reached the bank; None while any of it has not."""
    if allocation is None or allocation.unapplied_minor or not allocation.application_ids:
        return None
    times = [paid_at_by_application.get(application_id) for application_id in allocation.application_ids]
    return None if None in times else max(time for time in times if time is not None)


@dataclass(frozen=True)
class Throughput:
    paid: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.paid / self.seconds if self.seconds > 0 else 0.0


def lifecycle_throughput(created: Iterable[datetime], paid: Iterable[datetime | None]) -> Throughput:
    """Orders paid / (last paid − first created): whole lifecycles per second over the run."""
    created, done = list(created), [at for at in paid if at is not None]
    if not created or not done:
        return Throughput(len(done), 0.0)
    return Throughput(len(done), (max(done) - min(created)).total_seconds())


def durations_ms(pairs: Iterable[tuple[datetime | None, datetime | None]]) -> list[float]:
    """End − start of each (start, end) pair that has both, in milliseconds."""
    return [(end - start).total_seconds() * 1000 for start, end in pairs if start is not None and end is not None]


def spread_orders(count: int, merchant_ids: list[str], hot_share: float, rng: random.Random) -> list[str]:
    """The merchant of each order: in turn over all merchants (uniform), or the first merchant with
    probability ``hot_share`` and one of the others at random otherwise (a hot merchant)."""
    if hot_share <= 0 or len(merchant_ids) == 1:
        return [merchant_ids[index % len(merchant_ids)] for index in range(count)]
    hot, others = merchant_ids[0], merchant_ids[1:]
    return [hot if rng.random() < hot_share else rng.choice(others) for _ in range(count)]


def cpu_seconds(before: dict[int, int], after: dict[int, int], ticks_per_s: int) -> float:
    """CPU time the processes in ``after`` used since ``before`` (a process started in between
    counts from its start; one that ended in between is lost, which only PostgreSQL backends do)."""
    return sum(max(0, ticks - before.get(pid, 0)) for pid, ticks in after.items()) / ticks_per_s


# --- the marketplace backend -------------------------------------------------------------------


class LifecycleDriver(Driver):
    """surge's marketplace backend (its keys, merchants, order bodies, dispatch, buyer), taking
    each order through its whole lifecycle, none cancelled or refunded. Requests in flight are
    bounded, as a backend's connection pool bounds them, and polls back off: with many orders
    waiting, polls at a fixed short interval would be much of the load."""

    poll_growth = 2.0
    poll_max_s = POLL_MAX_S

    def __init__(self, platform: PlatformHandle, options: Options, *, in_flight: int, open_lifecycles: int) -> None:
        # each open lifecycle is a worker with its own HTTP client; in_flight bounds the requests
        super().__init__(platform, options, workers=open_lifecycles)
        self.in_flight = asyncio.Semaphore(in_flight)

    async def call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async with self.in_flight:
            return await super().call(method, url, **kwargs)

    async def setup_merchant(self, merchant: Merchant) -> None:
        """surge's merchant (policy, bank account, verified by ops), then the policy this bench
        needs: T+0 and applying for payout by itself."""
        await super().setup_merchant(merchant)
        policy = {
            "hold_days": 0,
            "auto_apply": True,
            "default_commission_bp": merchant.default_bp,
            "commission_bp_by_category": merchant.category_bp,
        }
        url = self.url("settlement-svc", f"/v1/merchants/{merchant.merchant_id}/policy")
        await self.call("PUT", url, who="ops", json=policy)

    def plan(self, label: str, count: int, hot_share: float) -> list[OrderPlan]:
        merchant_ids = spread_orders(count, list(self.merchants), hot_share, self.rng)
        plans = []
        for index, merchant_id in enumerate(merchant_ids):
            order_id = f"LC-{self.run_id}-{label}-{index:05d}"
            body = self.order_body(order_id, merchant_id, CHANNELS)
            plans.append(
                OrderPlan(
                    order_id=order_id,
                    merchant_id=merchant_id,
                    body=body,
                    fate="ship",
                    parcels=[[line["line_id"] for line in body["lines"]]],
                    buyer_confirms=True,
                    refund=None,
                    routes=[self.route()],
                )
            )
        return plans

    async def lifecycle(self, order: OrderPlan) -> None:
        """The platform backend's, the merchant's, the carrier's and the buyer's steps; settlement
        and the payout follow by themselves."""
        try:
            async with self.worker():
                await self.place_and_confirm(order)
                await self.dispatch(order)  # polls until logistics has heard of the confirmation
                if len(order.tracking_numbers) != len(order.parcels):
                    return  # dispatch counted the error
                # order-svc's long-poll answers once logistics reports the parcel delivered
                refused = functools.partial(self.refuse_if_webhook_refused, order)
                if await self.wait_for_order(order, "delivered", timeout_s=120, between=refused):
                    await self.confirm_receipt(order)
                    order.signed_off = True
        except (SurgeError, httpx.HTTPError, KeyError, ValueError) as error:
            self.counters.error(f"{order.order_id}: {error!r}")

    def refuse_if_webhook_refused(self, order: OrderPlan) -> None:
        """An error once the carrier gave up on a webhook of the order's parcel (logistics refused
        it ten times), rather than waiting for nothing."""
        refused = [failure for failure in getattr(self.carrier, "failures", []) if order.tracking_numbers[0] in failure]
        if refused:
            raise SurgeError(f"the carrier's webhook was refused: {refused[0]}")

    async def offer(self, orders: list[OrderPlan], rate: float, max_open: int) -> tuple[float, int]:
        """Open loop: one lifecycle starts every 1/rate s whatever the platform's pace, unless
        ``max_open`` lifecycles are open already: then the order waits for one to end, as a backend
        queues what the platform does not take (without the cap, an overloaded run would be
        every order polling at once, and would measure the polls). Returns the seconds from
        the first start to the last and how many orders waited for the cap."""
        loop = asyncio.get_running_loop()
        slots = asyncio.Semaphore(max_open)
        started = loop.time()
        tasks = []
        waited = 0

        async def run(order: OrderPlan) -> None:
            try:
                await self.lifecycle(order)
            finally:
                slots.release()

        for index, order in enumerate(orders):
            delay = started + index / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if slots.locked():
                waited += 1
            await slots.acquire()
            tasks.append(asyncio.create_task(run(order)))
        launched_s = loop.time() - started
        await asyncio.gather(*tasks)
        return launched_s, waited

    async def approve_first_payouts(self, timeout_s: float) -> None:
        """The first payout to a new account waits for ops by rule: approve one per merchant."""
        waiting = set(self.merchants)
        deadline = time.monotonic() + timeout_s
        while waiting:
            queue = await self.call(
                "GET", self.url("settlement-svc", "/v1/settlement-applications/review-queue"), who="ops"
            )
            for application in queue.json()["items"]:  # the oldest page; approved ones leave it
                if application["merchant_id"] in waiting:
                    decided = await self.call(
                        "POST",
                        self.url(
                            "settlement-svc", f"/v1/settlement-applications/{application['application_id']}/approve"
                        ),
                        who="ops",
                        json={"reason": "bench-lifecycle warm-up: first payout to a verified account"},
                        expect=(200, 202),
                    )
                    await self.second_ops_approves(decided)  # only above the four-eyes threshold
                    waiting.discard(application["merchant_id"])
            if waiting and time.monotonic() > deadline:
                raise BenchAborted(f"no first application to review for {sorted(waiting)} in {timeout_s:.0f} s")
            await asyncio.sleep(0.5)

    async def close(self) -> None:
        await self.lag_probe.close()
        if self.carrier is not None:
            await self.carrier.close()
        await self.close_clients()


# --- reading the platform's databases ------------------------------------------------------------


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://").split("?")[0]


STATS_DSN = _dsn(database_url("postgres"))  # deploy/postgres/postgres.sh creates pg_stat_statements there


@dataclass
class SettlementRows:
    holds: list[asyncpg.Record]
    applications: list[asyncpg.Record]
    payouts: list[asyncpg.Record]


async def timers_armed(platform: PlatformHandle, *, since: datetime) -> dict[tuple[str, str], tuple[int, int, int]]:
    """The timers each service armed since ``since`` (a run's start), by kind: fired by now,
    still armed, cancelled. A timer still armed does its work after the run's CPU window (a
    recon judgement a grace period after the order's last fact, a payout's status check...)."""
    armed: dict[tuple[str, str], tuple[int, int, int]] = {}
    for service, url in sorted(platform.database_urls.items()):
        connection = await asyncpg.connect(_dsn(url))
        try:
            rows = await connection.fetch(
                "select timer_kind, count(*) filter (where fired_at is not null) as fired,"
                " count(*) filter (where fired_at is null and cancelled_at is null) as armed,"
                " count(*) filter (where cancelled_at is not null) as cancelled"
                " from timers where created_at >= $1 group by timer_kind",
                since,
            )
        finally:
            await connection.close()
        for row in rows:
            armed[service, row["timer_kind"]] = (row["fired"], row["armed"], row["cancelled"])
    return armed


def timers_section(run: Run) -> str:
    paid = max(run.throughput.paid, 1)
    rows = "\n".join(
        f"| {service} | {kind} | {fired / paid:,.2f} | {armed / paid:,.2f} | {cancelled / paid:,.2f} |"
        for (service, kind), (fired, armed, cancelled) in sorted(run.timers.items())
    )
    return f"""Timers the {run.label} run armed, per paid lifecycle (created since the run started; a timer
armed again keeps its row): fired before the drain ended, still armed then (their work comes after
the CPU window and is not in the figures above), cancelled:

| service | timer | fired | still armed | cancelled |
|---|---|---:|---:|---:|
{rows}"""


async def settlement_rows(platform: PlatformHandle, merchant_ids: list[str]) -> SettlementRows:
    connection = await asyncpg.connect(_dsn(platform.database_urls["settlement-svc"]))
    try:
        holds = await connection.fetch(
            "select order_id, merchant_id, amount_minor, signed_off_at, released_at from holds "
            "where merchant_id = any($1::text[])",
            merchant_ids,
        )
        applications = await connection.fetch(
            "select application_id, merchant_id, amount_minor, status, created_at, "
            "jsonb_array_length(review_reasons) as reviews from settlement_applications "
            "where merchant_id = any($1::text[])",
            merchant_ids,
        )
        payouts = await connection.fetch(
            "select application_id, status, settled_at from payouts where merchant_id = any($1::text[])",
            merchant_ids,
        )
    finally:
        await connection.close()
    return SettlementRows(list(holds), list(applications), list(payouts))


async def created_at(platform: PlatformHandle, order_ids: list[str]) -> dict[str, datetime]:
    connection = await asyncpg.connect(_dsn(platform.database_urls["order-svc"]))
    try:
        rows = await connection.fetch(
            "select order_id, created_at from orders where order_id = any($1::text[])", order_ids
        )
    finally:
        await connection.close()
    return {row["order_id"]: row["created_at"] for row in rows}


# Where a sign-off's wait for its money goes, in the order the stages follow one another. The
# first stage ends when logistics' relay marked the event published (after Kafka's ack); the
# second when settlement's orders consumer began the transaction that applied it (its inbox row's
# processed_at is that transaction's start); the third when the hold was released (a T+0 hold in
# that same transaction, a later one by its timer). Stages add up to sign-off → available.
SIGN_OFF_STAGES = (
    "sign-off committed → on Kafka (logistics' relay)",
    "on Kafka → applied (settlement's orders consumer: fetch and its queue)",
    "applied → available (the applying transaction, or the hold's timer)",
)


@dataclass(frozen=True)
class SignOffTrace:
    signed_off_at: datetime
    published_at: datetime | None  # logistics' outbox
    applied_at: datetime | None  # settlement's inbox
    released_at: datetime | None  # settlement's hold


def sign_off_stage_durations(traces: Iterable[SignOffTrace]) -> dict[str, list[float]]:
    """Each stage's duration (ms) over the sign-offs traced through all of them."""
    stages: dict[str, list[float]] = {stage: [] for stage in SIGN_OFF_STAGES}
    for trace in traces:
        points = [trace.signed_off_at, trace.published_at, trace.applied_at, trace.released_at]
        known = [point for point in points if point is not None]
        if len(known) < len(points):
            continue
        for stage, start, end in zip(SIGN_OFF_STAGES, known, known[1:], strict=False):
            stages[stage].append((end - start).total_seconds() * 1000)
    return stages


async def sign_off_traces(platform: PlatformHandle, order_ids: list[str]) -> list[SignOffTrace]:
    """Every sign-off of ``order_ids`` followed through logistics' outbox, settlement's inbox and
    its hold (joined here: the databases are apart, as the services are)."""
    logistics = await asyncpg.connect(_dsn(platform.database_urls["logistics-svc"]))
    try:
        published = await logistics.fetch(
            "select event_id, published_at, envelope->'payload'->>'shipment_id' as shipment_id from outbox "
            "where event_type = 'OrderSignedOff' and envelope->'payload'->>'order_id' = any($1::text[])",
            order_ids,
        )
    finally:
        await logistics.close()
    settlement = await asyncpg.connect(_dsn(platform.database_urls["settlement-svc"]))
    try:
        applied = await settlement.fetch(
            "select event_id, processed_at from processed_events "
            "where consumer like '%settlement-svc.orders' and event_id = any($1::uuid[])",
            [row["event_id"] for row in published],
        )
        holds = await settlement.fetch(
            "select shipment_id, signed_off_at, released_at from holds where order_id = any($1::text[])", order_ids
        )
    finally:
        await settlement.close()
    applied_at = {row["event_id"]: row["processed_at"] for row in applied}
    hold_of = {row["shipment_id"]: row for row in holds}
    traces = []
    for row in published:
        hold = hold_of.get(row["shipment_id"])
        if hold is not None:
            traces.append(
                SignOffTrace(
                    hold["signed_off_at"], row["published_at"], applied_at.get(row["event_id"]), hold["released_at"]
                )
            )
    return traces


async def drain(platform: PlatformHandle, order_ids: list[str], merchant_ids: list[str], timeout_s: float) -> bool:
    """Until every order's hold is released and no application is approved or paying (nothing
    on its way to the bank); False after the timeout. One query per half second."""
    connection = await asyncpg.connect(_dsn(platform.database_urls["settlement-svc"]))
    query = (
        "select (select count(distinct order_id) from holds where order_id = any($1::text[]) "
        "and released_at is not null) as released, (select count(*) from settlement_applications "
        "where merchant_id = any($2::text[]) and status in ('approved', 'paying')) as moving"
    )
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            row = await connection.fetchrow(query, order_ids, merchant_ids)
            assert row is not None
            if row["released"] >= len(order_ids) and row["moving"] == 0:
                return True
            await asyncio.sleep(0.5)
        return False
    finally:
        await connection.close()


# --- a run ----------------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    mix: str
    orders: int
    offered_rate: float
    launched_rate: float  # what the generator achieved
    throughput: Throughput
    unpaid: dict[str, str]  # order id → how far it got
    sign_off_to_available_ms: list[float]
    approval_to_paid_ms: list[float]
    applications: int
    reviewed_applications: int
    driver_errors: list[str]
    cpu: dict[str, float]  # CPU-seconds per second by process group, over the run
    busy_cpus: float  # the whole machine, CPUs busy on average over the run
    window_s: float  # first order started → everything paid (or the drain gave up)
    waited: int  # orders that waited for a lifecycle to end before starting (the cap on open ones)
    requests: int  # the generator's HTTP requests, polls and retries included (not the carrier's)
    drained: bool
    statements: StatementCalls = field(default_factory=StatementCalls)  # database round trips in the window
    sign_off_stages_ms: dict[str, list[float]] = field(default_factory=dict)  # SIGN_OFF_STAGES
    # (service, timer kind) -> (fired, still armed, cancelled): the timers the run's work armed
    timers: dict[tuple[str, str], tuple[int, int, int]] = field(default_factory=dict)

    def cpu_per_lifecycle(self, idle: dict[str, float] | None = None) -> dict[str, float]:
        """CPU-seconds each paid lifecycle cost, by process group, beyond what the group uses
        when the platform is ``idle`` (CPU-seconds per second: pollers, consumers, timers)."""
        paid = max(self.throughput.paid, 1)
        idle = idle or {}
        return {group: max(0.0, used - idle.get(group, 0.0)) * self.window_s / paid for group, used in self.cpu.items()}


def run_figures(
    plans: list[OrderPlan],
    rows: SettlementRows,
    created: dict[str, datetime],
) -> tuple[Throughput, dict[str, str], list[float], list[float], int, int]:
    order_ids = {plan.order_id for plan in plans}
    lots: dict[str, list[Lot]] = {}
    for hold in rows.holds:
        if hold["released_at"] is not None:
            lots.setdefault(hold["merchant_id"], []).append(
                Lot(hold["released_at"], hold["order_id"], hold["amount_minor"])
            )
    takes: dict[str, list[Take]] = {}
    for application in rows.applications:
        if application["status"] != "rejected":
            takes.setdefault(application["merchant_id"], []).append(
                Take(application["created_at"], application["application_id"], application["amount_minor"])
            )
    allocation: dict[str, Allocation] = {}
    for merchant_id, merchant_lots in lots.items():
        allocation |= allocate(merchant_lots, takes.get(merchant_id, []))
    paid_by_application = {
        payout["application_id"]: payout["settled_at"] for payout in rows.payouts if payout["status"] == "paid"
    }
    paid = {order_id: paid_at(allocation.get(order_id), paid_by_application) for order_id in order_ids}
    throughput = lifecycle_throughput(
        (created[order_id] for order_id in order_ids if order_id in created), paid.values()
    )
    holds = [hold for hold in rows.holds if hold["order_id"] in order_ids]
    unpaid: dict[str, str] = {}
    held = {hold["order_id"] for hold in holds}
    released = {hold["order_id"] for hold in holds if hold["released_at"] is not None}
    for order_id in sorted(order_ids):
        if paid[order_id] is None:
            unpaid[order_id] = (
                "not created"
                if order_id not in created
                else "not signed off"
                if order_id not in held
                else "hold not released"
                if order_id not in released
                else "not paid out"
            )
    sign_off = durations_ms((hold["signed_off_at"], hold["released_at"]) for hold in holds)
    own = {
        application_id
        for order_id in order_ids
        for application_id in allocation.get(order_id, Allocation()).application_ids
    }
    applications = [application for application in rows.applications if application["application_id"] in own]
    automatic = [application for application in applications if application["reviews"] == 0]
    approval = durations_ms(
        (application["created_at"], paid_by_application.get(application["application_id"])) for application in automatic
    )
    return throughput, unpaid, sign_off, approval, len(applications), len(applications) - len(automatic)


# --- CPU by process group -------------------------------------------------------------------------


def _ticks(pid: int) -> int | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().startswith("postgres"):
                    pids.append(int(entry.name))
    return pids


def _machine_ticks() -> tuple[int, int]:
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _kafka_pid() -> int | None:
    try:
        return int((ROOT / "var" / "kafka" / str(KAFKA_PORT) / "kafka.pid").read_text())
    except (OSError, ValueError):
        return None


def process_groups(platform: PlatformHandle) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for name, process in platform.processes.items():
        if process.process is not None:
            group = "sandboxes" if name.endswith("-sandbox") else name.split("#")[0]
            groups.setdefault(group, []).append(process.process.pid)
    kafka = _kafka_pid()
    groups["Kafka"] = [kafka] if kafka else []
    groups["PostgreSQL"] = _postgres_pids()
    groups["load generator (this process)"] = [os.getpid()]
    return groups


class CpuWindow:
    """CPU time by process group and of the whole machine between start() and stop()."""

    def __init__(self, platform: PlatformHandle) -> None:
        self.platform = platform
        self.before: dict[str, dict[int, int]] = {}
        self.machine_before = (0, 0)
        self.started = 0.0

    def snapshot(self) -> dict[str, dict[int, int]]:
        return {
            group: {pid: ticks for pid in pids if (ticks := _ticks(pid)) is not None}
            for group, pids in process_groups(self.platform).items()
        }

    def start(self) -> None:
        self.before, self.machine_before, self.started = self.snapshot(), _machine_ticks(), time.monotonic()

    def stop(self) -> tuple[dict[str, float], float]:
        after, machine_after, seconds = self.snapshot(), _machine_ticks(), time.monotonic() - self.started
        ticks_per_s = os.sysconf("SC_CLK_TCK")
        used = {
            group: cpu_seconds(self.before.get(group, {}), pids, ticks_per_s) / max(seconds, 1e-3)
            for group, pids in after.items()
        }
        busy = machine_after[0] - self.machine_before[0]
        total = machine_after[1] - self.machine_before[1]
        return used, busy / max(total, 1) * (os.cpu_count() or 1)


# --- ceilings ------------------------------------------------------------------------------------

PGBENCH_SCHEMA = f"""
create table ledger_transactions (
  id bigserial primary key, tx_key text not null unique, kind text not null, merchant_id text not null,
  order_id text, description text not null default '', created_at timestamptz not null default now());
create index ledger_transactions_merchant on ledger_transactions (merchant_id, id);
create index ledger_transactions_order on ledger_transactions (order_id);
create table ledger_postings (
  id bigserial primary key, tx_id bigint not null references ledger_transactions (id),
  account_id text not null, amount_minor bigint not null);
create index ledger_postings_account on ledger_postings (account_id, id);
create index ledger_postings_tx on ledger_postings (tx_id);
create table account_balances (account_id text primary key, balance_minor bigint not null);
insert into account_balances
  select 'M' || merchant || ':' || account, 0
  from generate_series(1, {PGBENCH_MERCHANTS}) merchant, unnest(array['pending', 'available']) account;
"""  # noqa: S608 - built from constants

# A hold release as settlement books it: one transaction row, its postings (pending → available
# and the rolling reserve, summing to zero), the merchant's two balance rows.
PGBENCH_SCRIPT = f"""\\set merchant random(1, {PGBENCH_MERCHANTS})
\\set amount random(1000, 200000)
\\set reserve random(0, 100)
BEGIN;
INSERT INTO ledger_transactions (tx_key, kind, merchant_id, order_id, description) VALUES ('release:' || gen_random_uuid(), 'hold_release', 'M' || :merchant, 'O-' || :client_id || '-' || floor(random() * 1e9), 'hold ended');
INSERT INTO ledger_postings (tx_id, account_id, amount_minor) VALUES (currval('ledger_transactions_id_seq'), 'M' || :merchant || ':pending', -:amount), (currval('ledger_transactions_id_seq'), 'M' || :merchant || ':available', :amount - :reserve), (currval('ledger_transactions_id_seq'), 'M' || :merchant || ':reserved', :reserve);
UPDATE account_balances SET balance_minor = balance_minor - :amount WHERE account_id = 'M' || :merchant || ':pending';
UPDATE account_balances SET balance_minor = balance_minor + :amount - :reserve WHERE account_id = 'M' || :merchant || ':available';
COMMIT;
"""  # noqa: S608 - built from constants


WRK_POST_SCRIPT = """-- the same request the Python client sends the empty endpoint
wrk.method = "POST"
wrk.body = '{"ping": "wrk"}'
wrk.headers["Content-Type"] = "application/json"
"""
_WRK_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class WrkResult:
    rate: float
    p50_ms: float
    p99_ms: float


def parse_wrk(output: str) -> WrkResult:
    """Requests/sec and the 50th and 99th percentiles of ``wrk --latency``'s report."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    percentiles = {
        int(p): float(value) * _WRK_UNITS_MS[unit]
        for p, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if rate is None or set(percentiles) != {50, 99}:
        raise BenchAborted(f"could not parse wrk's output:\n{output}")
    if errors is not None:
        raise BenchAborted(f"wrk: {errors.group(1)} responses were not 2xx")
    return WrkResult(rate=float(rate.group(1)), p50_ms=percentiles[50], p99_ms=percentiles[99])


@dataclass
class Ceilings:
    pgbench_tps: float
    pgbench_latency_ms: float
    pgbench_transactions: int
    empty_rate: float
    empty_p50_ms: float
    empty_p99_ms: float
    wrk_rate: float  # the same endpoint under wrk: what a client that costs little CPU reaches
    wrk_p50_ms: float
    wrk_p99_ms: float
    kafka_rate: float
    kafka_messages: int
    versions: dict[str, str]


async def _pgbench_schema() -> dict[str, str]:
    connection = await asyncpg.connect(_dsn(database_url(PGBENCH_DB)))
    try:
        await connection.execute(PGBENCH_SCHEMA)
        version = await connection.fetchval("show server_version")
        sync_commit = await connection.fetchval("show synchronous_commit")
    finally:
        await connection.close()
    return {"postgres": str(version).split(" ")[0], "synchronous_commit": str(sync_commit)}


# --- orchestration --------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.deadline = time.monotonic() + float(args.timeout)
        self.run_dir = ROOT / "var" / "bench" / "lifecycle" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.children: list[subprocess.Popen[bytes]] = []
        self.helper: webhooks.Orchestrator | None = None
        self.platform: PlatformHandle | None = None
        self.broker_started = False
        self.notes: list[str] = []
        self.idle_statements = StatementCalls()
        self.profiles: dict[str, profiles.ProfileSummary] = {}

    def remaining(self) -> float:
        return max(self.deadline - time.monotonic(), 1.0)

    def own_pids(self) -> set[int]:
        pids = {*OWN_PIDS, *ledger.OWN_PIDS, *(child.pid for child in self.children)}
        if self.helper is not None:
            pids |= {child.pid for child in self.helper.children}
        if self.platform is not None:
            pids |= {p.process.pid for p in self.platform.processes.values() if p.process is not None}
        if (kafka := _kafka_pid()) is not None:
            pids.add(kafka)
        return pids

    # ceilings

    def pgbench(self) -> tuple[float, float, int, dict[str, str]]:
        asyncio.run(_recreate_databases([PGBENCH_DB]))
        versions = asyncio.run(_pgbench_schema())
        script = self.run_dir / "settlement-like.sql"
        script.write_text(PGBENCH_SCRIPT)
        seconds = str(self.args.pgbench_seconds)
        arguments = ["-n", "-c", str(PGBENCH_CLIENTS), "-j", "2", "-T", seconds, "-f", str(script)]
        output = ledger._pgbench(arguments, self.remaining(), database=PGBENCH_DB)
        (self.run_dir / "pgbench.log").write_text(output)
        tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output)
        processed = re.search(r"number of transactions actually processed: (\d+)", output)
        latency = re.search(r"latency average = ([\d.]+) ms", output)
        failed = re.search(r"number of failed transactions: (\d+)", output)
        if tps is None or processed is None:
            raise BenchAborted(f"could not parse pgbench output:\n{output}")
        if failed is not None and int(failed.group(1)):
            raise BenchAborted(f"pgbench: {failed.group(1)} failed transactions; see {self.run_dir}/pgbench.log")
        return (
            float(tps.group(1)),
            float(latency.group(1)) if latency else float("nan"),
            int(processed.group(1)),
            versions,
        )

    def empty_endpoint(self) -> tuple[webhooks.Run, WrkResult]:
        """The empty endpoint under the Python client the generator uses, then under wrk."""
        load = argparse.Namespace(
            concurrency=self.args.concurrency,
            warmup=3.0,
            seconds=self.args.empty_seconds,
            timeout=self.remaining(),
            client="aiohttp",
        )
        self.helper = webhooks.Orchestrator(load)
        self.helper.run_dir = self.run_dir
        url = f"http://127.0.0.1:{EMPTY_PORT}/empty"
        try:
            app = self.helper.spawn("empty-app", "empty-app", "--port", str(EMPTY_PORT))
            webhooks._wait_http(url, app, 30)
            python_client = self.helper.load("empty", url, {"server": lambda: {app.pid}})
            return python_client, self.wrk(url)
        finally:
            self.helper.cleanup()
            self.helper = None

    def wrk(self, url: str) -> WrkResult:
        script = self.run_dir / "empty-post.lua"
        script.write_text(WRK_POST_SCRIPT)
        seconds = f"{self.args.empty_seconds:.0f}s"
        arguments = ["-t", str(WRK_THREADS), "-c", str(self.args.concurrency), "-d", seconds, "--latency"]
        # A warm-up as long as the Python client's, unmeasured, then the measured run.
        subprocess.run(["wrk", *arguments[:4], "-d", "3s", "-s", str(script), url], capture_output=True, timeout=60)
        done = subprocess.run(
            ["wrk", *arguments, "-s", str(script), url], capture_output=True, text=True, timeout=self.remaining()
        )
        (self.run_dir / "wrk.log").write_text(done.stdout + done.stderr)
        if done.returncode != 0:
            raise BenchAborted(f"wrk exited with {done.returncode}; see {self.run_dir}/wrk.log")
        return parse_wrk(done.stdout)

    def raw_produce(self, topic: str, count: int) -> float:
        result = self.run_dir / f"raw-produce-{topic}.json"
        with open(self.run_dir / f"raw-produce-{topic}.log", "ab") as log:
            child = subprocess.Popen(
                [
                    *[sys.executable, str(ROOT / "bench" / "bus.py"), "raw-producer", "--bootstrap", BOOTSTRAP],
                    *["--topic", topic, "--count", str(count), "--rate", "0", "--note", "produce"],
                    *["--result-file", str(result), "--max-seconds", f"{self.remaining():.0f}"],
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.children.append(child)
        try:
            code = child.wait(timeout=min(self.remaining(), 300))
        except subprocess.TimeoutExpired as error:
            raise BenchAborted(f"raw produce to {topic} did not finish") from error
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            self.children.remove(child)
        if code != 0 or not result.exists():
            raise BenchAborted(f"raw produce exited with {code}; see {self.run_dir}")
        produced = json.loads(result.read_text())
        return float(produced["count"]) / (float(produced["acked"]) - float(produced["started"]))

    def kafka(self) -> float:
        """A fresh broker for this run (kept for the platform), warmed up, then raw produce."""
        local.stop_kafka(KAFKA_PORT)
        shutil.rmtree(ROOT / "var" / "kafka" / str(KAFKA_PORT), ignore_errors=True)
        self.broker_started = True
        local.start_kafka(KAFKA_PORT)
        asyncio.run(_create_topics([RAW_TOPIC_WARMUP, RAW_TOPIC], DIAGNOSTICS_PARTITIONS, bootstrap=BOOTSTRAP))
        self.raw_produce(RAW_TOPIC_WARMUP, RAW_WARMUP_MESSAGES)  # a fresh JVM is slow for its first seconds
        return self.raw_produce(RAW_TOPIC, self.args.kafka_messages)

    def ceilings(self) -> Ceilings:
        print(f"[ceiling 1/3] pgbench, settlement-like transaction, {PGBENCH_CLIENTS} clients", flush=True)
        tps, latency_ms, transactions, versions = self.pgbench()
        print(f"      {tps:,.0f} tps", flush=True)
        print(
            f"[ceiling 2/3] empty FastAPI endpoint, {self.args.concurrency} closed-loop workers, then wrk", flush=True
        )
        empty, wrk = self.empty_endpoint()
        print(f"      {empty.rate:,.0f} req/s (Python client), {wrk.rate:,.0f} req/s (wrk)", flush=True)
        print(f"[ceiling 3/3] raw aiokafka produce, {self.args.kafka_messages:,} messages", flush=True)
        kafka_rate = self.kafka()
        print(f"      {kafka_rate:,.0f} msg/s", flush=True)
        return Ceilings(
            pgbench_tps=tps,
            pgbench_latency_ms=latency_ms,
            pgbench_transactions=transactions,
            empty_rate=empty.rate,
            empty_p50_ms=percentile(empty.latencies_ms, 50),
            empty_p99_ms=percentile(empty.latencies_ms, 99),
            wrk_rate=wrk.rate,
            wrk_p50_ms=wrk.p50_ms,
            wrk_p99_ms=wrk.p99_ms,
            kafka_rate=kafka_rate,
            kafka_messages=self.args.kafka_messages,
            versions=versions,
        )

    # lifecycles

    async def lifecycles(self) -> tuple[list[Run], str, dict[str, float]]:
        a = self.args
        print("[platform] starting five services, two sandboxes (broker already up)", flush=True)
        self.platform = await start_private(port_offset=PORT_OFFSET, db_suffix=DB_SUFFIX, kafka_port=KAFKA_PORT)
        options = Options(
            merchants=a.merchants,
            seed=a.seed,
            concurrency=a.in_flight,
            retry_for_s=30,
            wait_scale=5,
            direct_carrier=True,
        )
        driver = LifecycleDriver(self.platform, options, in_flight=a.in_flight, open_lifecycles=a.max_open)
        try:
            await driver.setup()
            print(f"[warm-up] one order for each of {a.merchants} merchants; ops approve each first payout", flush=True)
            warm = driver.plan("warm", a.merchants, 0.0)
            await asyncio.gather(*(driver.lifecycle(order) for order in warm))
            await driver.approve_first_payouts(timeout_s=min(120, self.remaining()))
            merchant_ids = list(driver.merchants)
            if not await drain(self.platform, [o.order_id for o in warm], merchant_ids, min(120, self.remaining())):
                raise BenchAborted(f"the warm-up orders were not paid out in 120 s; logs in {self.run_dir}")
            if driver.counters.unclassified:
                raise BenchAborted(f"warm-up errors: {driver.counters.unclassified[:5]}")
            await driver.settle_down(timeout_s=min(60, self.remaining()))
            print(f"[idle] the platform's own CPU use, {IDLE_S:g} s with no orders", flush=True)
            await database_calls.reset(STATS_DSN, PLATFORM_DATABASES)
            window = CpuWindow(self.platform)
            window.start()
            await asyncio.sleep(IDLE_S)
            idle, _ = window.stop()
            self.idle_statements = await database_calls.read(STATS_DSN, PLATFORM_DATABASES, IDLE_S)
            print(f"      {sum(idle.values()):.2f} CPUs: {_by_use(idle)}", flush=True)
            runs = []
            print(f"[run 1/3] uniform mix: {a.orders} orders offered at {a.rate:g}/s", flush=True)
            runs.append(await self.run(driver, "uniform", "uniform", 0.0, a.orders, a.rate))
            print(f"[run 2/3] hot merchant ({a.hot_share:.0%}): {a.orders} orders at {a.rate:g}/s", flush=True)
            runs.append(await self.run(driver, "hot", f"hot merchant {a.hot_share:.0%}", a.hot_share, a.orders, a.rate))
            sustained = runs[0].throughput.per_second
            latency_rate = a.latency_rate
            how = f"{a.latency_rate:g}/s as asked"
            # Only a run offered at least the latency rate says what the machine sustains.
            if runs[0].offered_rate >= a.latency_rate and sustained < a.latency_rate:
                latency_rate = max(1.0, round(SUSTAINABLE_SHARE * sustained))
                how = (
                    f"{latency_rate:g}/s: the machine sustained {sustained:,.1f}/s, so "
                    f"{SUSTAINABLE_SHARE:.0%} of that instead of the target's {a.latency_rate:g}/s"
                )
            count = max(1, round(latency_rate * a.latency_seconds))
            print(f"[run 3/3] latency: {count} orders at {latency_rate:g}/s ({how})", flush=True)
            runs.append(await self.run(driver, "latency", "uniform", 0.0, count, latency_rate))
            if a.profile_orders:
                self.profiles = await self.profile(driver, runs[0], idle, a.profile_orders, a.rate)
            failures: list[str] = getattr(driver.carrier, "failures", [])
            if failures:
                self.notes.append(f"carrier webhooks that failed: {failures[:5]}")
            return runs, how, idle
        finally:
            await driver.close()

    async def profile(
        self, driver: LifecycleDriver, uniform: Run, idle: dict[str, float], count: int, rate: float
    ) -> dict[str, profiles.ProfileSummary]:
        """A run of its own, after the measured ones, with py-spy on the two services that cost
        the most CPU per lifecycle in the uniform run."""
        assert self.platform is not None
        per_lifecycle = uniform.cpu_per_lifecycle(idle)
        services = [group for group in sorted(per_lifecycle, key=lambda g: -per_lifecycle[g]) if group.endswith("-svc")]
        pids = {
            service: process.process.pid
            for service in services[:2]
            if (process := self.platform.processes.get(service)) is not None and process.process is not None
        }
        print(f"[profile] {count} more orders at {rate:g}/s, py-spy on {', '.join(pids)}", flush=True)
        sampler = profiles.Sampler(PY_SPY, self.run_dir)
        try:
            sampler.start(pids)  # a sampler that cannot start costs the profiles, not the measured runs
        except OSError as error:
            self.notes.append(f"no profiles: py-spy did not start ({error})")
            return {}
        try:
            profiled = await self.run(driver, "profile", "uniform", 0.0, count, rate)
        finally:
            summaries = await asyncio.to_thread(sampler.stop)
        if profiled.unpaid:
            self.notes.append(f"the profiled run left {len(profiled.unpaid)} orders unpaid")
        if len(summaries) < len(pids):
            missing = sorted(set(pids) - set(summaries))
            self.notes.append(f"py-spy wrote no profile of {', '.join(missing)}: see profile-*.log in {self.run_dir}")
        return summaries

    async def run(
        self, driver: LifecycleDriver, label: str, mix: str, hot_share: float, count: int, rate: float
    ) -> Run:
        assert self.platform is not None
        await driver.settle_down(timeout_s=min(60, self.remaining()))  # each run starts from idle
        errors_before = len(driver.counters.unclassified)
        requests_before = driver.counters.requests
        plans = driver.plan(label, count, hot_share)
        order_ids = [plan.order_id for plan in plans]
        merchant_ids = list(driver.merchants)
        await database_calls.reset(STATS_DSN, PLATFORM_DATABASES)
        window = CpuWindow(self.platform)
        window.start()
        started = time.monotonic()
        run_started_at = datetime.now(UTC)
        launched_s, waited = await driver.offer(plans, rate, self.args.max_open)
        drained = await drain(self.platform, order_ids, merchant_ids, min(DRAIN_TIMEOUT_S, self.remaining()))
        cpu, busy = window.stop()
        window_s = time.monotonic() - started
        statements = await database_calls.read(STATS_DSN, PLATFORM_DATABASES, window_s)
        rows = await settlement_rows(self.platform, merchant_ids)
        created = await created_at(self.platform, order_ids)
        throughput, unpaid, sign_off, approval, applications, reviewed = run_figures(plans, rows, created)
        stages = sign_off_stage_durations(await sign_off_traces(self.platform, order_ids))
        run = Run(
            label=label,
            mix=mix,
            orders=count,
            offered_rate=rate,
            launched_rate=(count - 1) / launched_s if launched_s > 0 else rate,
            throughput=throughput,
            unpaid=unpaid,
            sign_off_to_available_ms=sign_off,
            approval_to_paid_ms=approval,
            applications=applications,
            reviewed_applications=reviewed,
            driver_errors=driver.counters.unclassified[errors_before:],
            cpu=cpu,
            busy_cpus=busy,
            window_s=window_s,
            waited=waited,
            requests=driver.counters.requests - requests_before,
            drained=drained,
            statements=statements,
            sign_off_stages_ms=stages,
            timers=await timers_armed(self.platform, since=run_started_at),
        )
        print(
            f"      {throughput.per_second:,.1f} lifecycles/s ({throughput.paid} paid in {throughput.seconds:.1f} s); "
            f"sign-off → available p50/p99 {percentile(sign_off, 50):,.0f}/{percentile(sign_off, 99):,.0f} ms; "
            f"approval → paid p50/p99 {percentile(approval, 50):,.0f}/{percentile(approval, 99):,.0f} ms; "
            f"unpaid {len(unpaid)}, driver errors {len(run.driver_errors)}",
            flush=True,
        )
        print(
            "      sign-off → available by stage, p50/p99: "
            + "; ".join(
                f"{stage.split(' (')[0]} {_ms(durations, 50)}/{_ms(durations, 99)}"
                for stage, durations in stages.items()
            ),
            flush=True,
        )
        return run

    def cleanup(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.kill()
                child.wait()
        if self.helper is not None:
            self.helper.cleanup()
        if self.platform is not None:
            self.platform.stop()
        if self.broker_started:
            local.stop_kafka(KAFKA_PORT)


# --- report -------------------------------------------------------------------------------------


def _by_use(cpu: dict[str, float]) -> str:
    return ", ".join(f"{group} {used:.2f}" for group, used in sorted(cpu.items(), key=lambda x: -x[1]))


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p):,.0f} ms" if values else "n/a"


def what_limits(run: Run, cpus: int, idle: dict[str, float]) -> str:
    """Where the uniform run's CPU went per lifecycle, beyond the platform's idle use, and the
    rate that cost allows on this machine: whether the CPUs or something else held the rate down."""
    per = run.cpu_per_lifecycle(idle)
    total, idle_total = sum(per.values()), sum(idle.values())
    top = ", ".join(f"{group} {seconds * 1000:,.0f} ms" for group, seconds in sorted(per.items(), key=lambda x: -x[1]))
    requests = run.requests / max(run.orders, 1)
    cap = (cpus - idle_total) / total if total else float("inf")
    saturated = run.busy_cpus >= 0.9 * cpus
    verdict = (
        f"The machine was saturated ({run.busy_cpus:.2f} of {cpus} CPUs busy on average over the run), so CPU "
        f"is the limit: at this cost the {cpus} CPUs carry at most about {cap:,.0f} lifecycles/s, and "
        f"{TARGET_RATE:g}/s would need about {TARGET_RATE * total + idle_total:,.0f} CPUs of this kind."
        if saturated
        else f"The CPUs were not saturated ({run.busy_cpus:.2f} of {cpus} busy on average), so the rate was held "
        f"down by waiting rather than by CPU (the offered rate, polls backing off, the payout batch interval); "
        f"at this cost the {cpus} CPUs would carry about {cap:,.0f} lifecycles/s."
    )
    idle_top = ", ".join(f"{group} {used:.2f}" for group, used in sorted(idle.items(), key=lambda x: -x[1])[:4])
    return f"""What limits it: the platform with no orders used {idle_total:.2f} CPUs ({idle_top}, …: consumers'
long polls, timer schedulers and the relays' slow poll for other processes' rows, the broker). Beyond that, each paid lifecycle of the uniform run
cost {total * 1000:,.0f} ms of CPU ({top}; PostgreSQL counts every backend on the machine) and {requests:,.1f}
HTTP requests from the generator (polls and retries included; the carrier's clock read and webhook
come on top): each step is a request, a transaction with its outbox row, a relay publish and one
or more consumers' inbox transactions (order placed, shipping confirmed, dispatched, scans, signed
off, ledger transactions, released, applied, paid), and recon folds every event. {verdict} For
scale, the empty-endpoint ceiling is how fast this generator and one uvicorn process exchange
requests that do nothing, on the same CPUs."""


def render(
    runs: list[Run],
    ceilings: Ceilings,
    latency_how: str,
    idle: dict[str, float],
    idle_statements: StatementCalls,
    profile_summaries: dict[str, profiles.ProfileSummary],
    notes: list[str],
    background: float,
    foreign: float,
    args: Any,
) -> str:
    host = machine()
    uniform, hot, latency = runs
    ratio = hot.throughput.per_second / uniform.throughput.per_second if uniform.throughput.per_second else 0.0
    p99 = percentile(latency.sign_off_to_available_ms, 99) if latency.sign_off_to_available_ms else float("inf")
    p99_verdict = _met(p99 < TARGET_P99_MS)
    ktps = ceilings.pgbench_tps / 1000
    cpu_ms = 1000 * sum(uniform.cpu_per_lifecycle(idle).values())
    cpu_all_in_ms = 1000 * sum(uniform.cpu_per_lifecycle().values())
    rate_share = uniform.throughput.per_second / ceilings.pgbench_tps if ceilings.pgbench_tps else 0.0
    round_trips = database_section(uniform, idle_statements)
    profile_section = (
        f"""Profiles (py-spy, {profiles.SAMPLES_PER_S} samples/s, idle time left out) of the two services that cost the most
CPU per lifecycle, taken in a fourth run of {args.profile_orders} orders at {args.rate:g}/s after the measured ones:

{profiles.render(profile_summaries)}

"""
        if profile_summaries
        else ""
    )
    notes_section = "".join(f"Note: {note}\n\n" for note in notes)
    versions = {
        "fastapi": importlib.metadata.version("fastapi"),
        "uvicorn": importlib.metadata.version("uvicorn"),
        "httpx": importlib.metadata.version("httpx"),
        "aiohttp": importlib.metadata.version("aiohttp"),
    }
    cpu_rows = "\n".join(
        f"| {group} | {' | '.join(f'{run.cpu.get(group, 0.0):.2f}' for run in runs)} |"
        for group in sorted(uniform.cpu, key=lambda g: -uniform.cpu[g])
    )
    unpaid_total = sum(len(run.unpaid) for run in runs)
    unpaid_lines = "".join(
        f"\n- {run.label}: {len(run.unpaid)} not paid ({', '.join(f'{k}: {v}' for k, v in list(run.unpaid.items())[:5])})"
        for run in runs
        if run.unpaid
    )
    errors = "".join(
        f"\n- {run.label}: {len(run.driver_errors)} driver errors, e.g. {run.driver_errors[:3]}"
        for run in runs
        if run.driver_errors
    )
    disturbed = " — **the figures are disturbed by that other work**" if foreign > 0.25 else ""
    limits = what_limits(uniform, int(host["cpus"]), idle)

    def run_row(run: Run) -> str:
        return (
            f"| {run.label} ({run.mix}) | {run.orders:,} | {run.offered_rate:g}/s ({run.launched_rate:,.1f}; "
            f"{run.waited:,} waited) "
            f"| **{run.throughput.per_second:,.1f}/s** ({run.throughput.paid:,} in {run.throughput.seconds:,.1f} s) "
            f"| {_ms(run.sign_off_to_available_ms, 50)} / {_ms(run.sign_off_to_available_ms, 99)} "
            f"| {_ms(run.approval_to_paid_ms, 50)} / {_ms(run.approval_to_paid_ms, 99)} "
            f"| {run.busy_cpus:.2f} |"
        )

    stage_rows = "\n".join(
        f"| {stage} | "
        + " | ".join(
            f"{_ms(run.sign_off_stages_ms.get(stage, []), 50)} / {_ms(run.sign_off_stages_ms.get(stage, []), 99)}"
            for run in (uniform, hot, latency)
        )
        + " |"
        for stage in SIGN_OFF_STAGES
    )

    return f"""{SECTION}

`make bench-lifecycle` (bench/lifecycle.py), run {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}.

Machine: {host["cpus"]} CPUs ({host["cpu_model"]}), {host["ram_gib"]} GiB RAM, Linux {host["kernel"]};
Python {host["python"]} (uvloop), FastAPI {versions["fastapi"]}, uvicorn {versions["uvicorn"]}, httpx {versions["httpx"]} over aiohttp {versions["aiohttp"]}
(the load generator, its carrier and the sandboxes' callbacks: shipsettle_shared/http_client.py); PostgreSQL {ceilings.versions["postgres"]} (synchronous_commit={ceilings.versions["synchronous_commit"]}); Apache Kafka
{host["kafka"]} single-node KRaft, aiokafka {host["aiokafka"]}. Everything on 127.0.0.1: five services, two provider
sandboxes, the broker, PostgreSQL and the load generator share the same {host["cpus"]} CPUs. Other work kept
{background:.0%} of the CPUs busy just before the run and used {foreign:.0%} of them during it{disturbed} (load average
at the end: {host["loadavg"]}).

| target (issue #17: ratios to this run's pgbench ceiling) | measured | |
|---|---:|---|
| CPU per paid lifecycle (every process, beyond idle) × pgbench ktps ≤ {TARGET_CPU_MS_X_KTPS:g} | **{cpu_ms:,.0f} ms × {ktps:,.2f} = {cpu_ms * ktps:,.0f}** ({cpu_all_in_ms:,.0f} ms with the idle share) | {_met(cpu_ms * ktps <= TARGET_CPU_MS_X_KTPS)} |
| uniform lifecycles/s ≥ {TARGET_RATE_SHARE_OF_PGBENCH:.0%} of pgbench tps | **{rate_share:.2%}** ({uniform.throughput.per_second:,.1f}/s of {ceilings.pgbench_tps:,.0f} tps) | {_met(rate_share >= TARGET_RATE_SHARE_OF_PGBENCH)} |
| hot-merchant mix ≥ {TARGET_HOT_RATIO:.0%} of uniform | **{ratio:.0%}** ({hot.throughput.per_second:,.1f}/s) | {_met(ratio >= TARGET_HOT_RATIO)} |
| p99 sign-off → available < 1 s at {SUSTAINABLE_SHARE:.0%} of the sustained rate | **{_ms(latency.sign_off_to_available_ms, 99)}** at {latency.offered_rate:g}/s | {p99_verdict} |
| p99 approval → paid < 2 s, same run | **{_ms(latency.approval_to_paid_ms, 99)}** | {_met(bool(latency.approval_to_paid_ms) and percentile(latency.approval_to_paid_ms, 99) < TARGET_APPROVAL_P99_MS)} |
| every order paid | {sum(r.throughput.paid for r in runs):,} of {sum(r.orders for r in runs):,} | {_met(unpaid_total == 0)} |

| run | orders | offered (generator achieved; orders that waited for the cap) | lifecycles/s | sign-off → available p50 / p99 | approval → paid p50 / p99 | CPUs busy |
|---|---:|---:|---:|---:|---:|---:|
{run_row(uniform)}
{run_row(hot)}
{run_row(latency)}

| sign-off → available, by stage: p50 / p99 | {uniform.label} | {hot.label} | {latency.label} |
|---|---:|---:|---:|
{stage_rows}

Latency run: {latency_how}. Applications in the measured runs: {", ".join(f"{r.label} {r.applications:,} ({r.reviewed_applications} reviewed by ops)" for r in runs)}.{unpaid_lines}{errors}

Ceilings, measured in the same run before the platform started, each alone on the machine:

| ceiling | rate | latency |
|---|---:|---:|
| pgbench, settlement-like transaction, {PGBENCH_CLIENTS} clients | {ceilings.pgbench_tps:,.0f} tps ({ceilings.pgbench_transactions:,} in {args.pgbench_seconds} s) | average {ceilings.pgbench_latency_ms:,.1f} ms |
| empty FastAPI `POST /empty`, {args.concurrency} closed-loop workers (the generator's client: httpx over aiohttp) | {ceilings.empty_rate:,.0f} req/s | p50 {ceilings.empty_p50_ms:,.1f} ms, p99 {ceilings.empty_p99_ms:,.1f} ms |
| the same endpoint under wrk ({WRK_THREADS} threads, {args.concurrency} connections) | {ceilings.wrk_rate:,.0f} req/s | p50 {ceilings.wrk_p50_ms:,.1f} ms, p99 {ceilings.wrk_p99_ms:,.1f} ms |
| raw aiokafka produce (idempotent, acks=all) | {ceilings.kafka_rate:,.0f} msg/s ({ceilings.kafka_messages:,}) | |

CPU by process during each run (CPU-seconds per second, from /proc; {host["cpus"]}.00 = every CPU; PostgreSQL is
every postgres process, this run's and any other's):

| process | uniform | hot | latency |
|---|---:|---:|---:|
{cpu_rows}

{limits}

{round_trips}

{timers_section(uniform)}

{profile_section}{notes_section}How it was measured:
- Platform: `surge.platform.start_private` (the processes `make run` starts, environment `test`),
  broker on port {KAFKA_PORT} wiped at the start, fresh databases `*{DB_SUFFIX}`, payout batches every 1 s,
  payout sandbox answering in 20–100 ms and never failing. {args.merchants} merchants set up by surge's
  driver, then policy `hold_days` 0 and `auto_apply` true; a verified bank account each; one warm-up
  order each whose first payout (reviewed by rule) ops approved, all paid before the first run.
- Orders: surge's order bodies (1–3 lines, coupons of both funders, VAT rates, payment channels),
  one parcel, carriers and webhook formats (Kuaidi100, AfterShip, native) drawn from the seed
  ({args.seed}); each through create → confirm shipping → dispatch → signed "delivered" webhook
  (`surge.carrier.DirectCarrier`) → buyer confirms receipt (the delivery awaited with order-svc's
  long-poll `?until=delivered`, the dispatch's wait for the confirmation to reach logistics polled,
  backing off from 0.5 s to {POLL_MAX_S:g} s); one HTTP client per open lifecycle; at most
  {args.in_flight} requests in flight (long-polls aside). Open loop: a new order every 1/rate s, whatever the platform's pace,
  unless {args.max_open} lifecycles are open: then it waits for one to end (a backend queueing what the
  platform does not take; unbounded, an overloaded run is every order polling at once and
  measures the polls). A run where orders waited offered more than the platform took.
  Hot mix: the first merchant gets each order with probability {args.hot_share:.0%}, the others share the rest.
- Throughput = orders paid / (last payout's `settled_at` − first order's `created_at` in order-svc).
  An order is paid when the applications that took its released money (first in, first out per
  merchant: applications carry no order ids) are paid; every order of every run is checked.
- Latency, from settlement-svc's tables: sign-off → available = `holds.released_at − signed_off_at`
  (the buyer's confirmation in logistics, the event through Kafka, the hold's timer, the release);
  by stage: logistics' outbox `published_at`, settlement's inbox `processed_at` (the applying transaction's start)
  for the same `OrderSignedOff`, then the hold's `released_at` (SIGN_OFF_STAGES);
  approval → paid = `payouts.settled_at − settlement_applications.created_at` for applications approved
  automatically (at creation), i.e. waiting for the next batch (≤ 1 s), sending, and the sandbox's
  callback. Nearest-rank percentiles.
- pgbench: a scratch database `{PGBENCH_DB}` with the ledger's three tables and their indexes,
  `pgbench -n -c {PGBENCH_CLIENTS} -j 2 -T {args.pgbench_seconds} -f settlement-like.sql`: BEGIN; a ledger transaction row; three
  postings (pending −, available +, reserved +); two balance UPDATEs over {PGBENCH_MERCHANTS} merchants; COMMIT.
- Empty FastAPI: bench/webhooks.py's `empty-app`, first under its closed-loop `load` workers
  ({args.concurrency} clients like the generator's, httpx over aiohttp, 3 s warm-up, {args.empty_seconds:g} s measured: a Python client costs more CPU per
  request than the endpoint, so that figure is the generator's as much as the server's), then under
  `wrk -t {WRK_THREADS} -c {args.concurrency} -d {args.empty_seconds:g}s --latency` posting the same body after a 3 s warm-up
  (`make bench-lifecycle` installs Debian's wrk when it is missing).
- Database round trips: `pg_stat_statements` (loaded by deploy/postgres/postgres.sh), reset before
  the idle window and before each run and read after it; every statement is one round trip (BEGIN
  and COMMIT are statements of their own). Per lifecycle = (the run's calls − the idle rate × the
  run's length) / orders paid, by service database.
- Raw Kafka: bench/bus.py's `raw-producer` on this run's broker, {RAW_WARMUP_MESSAGES:,} warm-up messages, then
  {ceilings.kafka_messages:,} with the services' producer settings as fast as the client accepts, to a topic with
  {DIAGNOSTICS_PARTITIONS} partitions; rate = messages / (last ack − first send).
- One run, not an average; figures move between runs on a shared machine.
"""


def database_section(run: Run, idle: StatementCalls) -> str:
    """Round trips per paid lifecycle by service database, and the statements called most."""
    paid = max(run.throughput.paid, 1)
    per = run.statements.per_unit(paid, idle)
    if not per:
        return "Database round trips: pg_stat_statements returned nothing for this run's databases."
    rows = "\n".join(
        f"| {database.removesuffix(DB_SUFFIX)} | {calls:,.1f} |"
        for database, calls in sorted(per.items(), key=lambda x: -x[1])
    )
    top = "\n".join(
        f"| {database.removesuffix(DB_SUFFIX)} | {calls / paid:,.2f} | {exec_ms / paid:,.2f} | {plan_ms / paid:,.2f} "
        f"| `{query[:140].replace('|', '/')}` |"
        for database, query, calls, exec_ms, plan_ms in run.statements.top(TOP_STATEMENTS)
    )
    times = run.statements.time_by_database()
    time_rows = "\n".join(
        f"| {database.removesuffix(DB_SUFFIX)} | {executed / paid:,.2f} | {planned / paid:,.2f} |"
        for database, (executed, planned) in sorted(times.items(), key=lambda x: -(x[1][0] + x[1][1]))
    )
    return f"""Database round trips per paid lifecycle ({run.label} run, beyond the idle rate): **{sum(per.values()):,.0f}**.

| database | statements per lifecycle |
|---|---:|
{rows}

PostgreSQL's time per paid lifecycle in that run (idle calls included; execution includes waiting
for locks, planning is CPU that the call counts do not show):

| database | execution ms | planning ms |
|---|---:|---:|
{time_rows}

The {TOP_STATEMENTS} statements called most in that run (idle calls included), per paid lifecycle:

| database | calls | execution ms | planning ms | statement |
|---|---:|---:|---:|---|
{top}"""


def print_table(runs: list[Run], ceilings: Ceilings) -> None:
    print()
    for run in runs:
        print(
            f"  {run.label:8} {run.orders:6,} orders at {run.offered_rate:6g}/s: {run.throughput.per_second:7,.1f} "
            f"lifecycles/s; sign-off→available p99 {_ms(run.sign_off_to_available_ms, 99):>9}; "
            f"approval→paid p99 {_ms(run.approval_to_paid_ms, 99):>9}; unpaid {len(run.unpaid)}"
        )
    print(
        f"  ceilings: pgbench {ceilings.pgbench_tps:,.0f} tps, empty FastAPI {ceilings.empty_rate:,.0f} req/s, "
        f"raw produce {ceilings.kafka_rate:,.0f} msg/s"
    )
    print()


async def _cancelled_by_signals(work: Coroutine[Any, Any, T], timeout_s: float) -> T:
    """``work`` with a deadline, cancelled by SIGTERM or SIGALRM: under uvloop an exception raised
    by a Python signal handler is only logged, so the event loop's own handlers cancel instead, and
    every ``finally`` on the way out (the driver, the platform) runs."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    for signum in (signal.SIGTERM, signal.SIGALRM):
        loop.add_signal_handler(signum, task.cancel)
    try:
        return await asyncio.wait_for(work, timeout=timeout_s)
    finally:
        for signum in (signal.SIGTERM, signal.SIGALRM):
            loop.remove_signal_handler(signum)


def orchestrate(args: argparse.Namespace) -> int:
    bench = Bench(args)

    def abort(signum: int, frame: FrameType | None) -> None:
        raise BenchAborted(f"stopped by signal {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, abort)
    signal.signal(signal.SIGALRM, abort)
    signal.alarm(int(args.timeout) + 60)  # a hard stop even if a synchronous step hangs
    stop_sampling = threading.Event()
    try:
        bench.run_dir.mkdir(parents=True, exist_ok=True)
        background = wait_for_quiet_machine(args.quiet_wait_s)
        subprocess.run(["bash", "deploy/postgres/postgres.sh", "start"], cwd=ROOT, check=True, timeout=120)
        foreign = ForeignCpu(bench.own_pids)  # PostgreSQL is skipped by name

        def sample() -> None:
            while not stop_sampling.wait(1.0):
                foreign._sample()

        foreign._sample()
        threading.Thread(target=sample, daemon=True).start()
        ceilings = bench.ceilings()
        runs, latency_how, idle = uvloop.run(_cancelled_by_signals(bench.lifecycles(), bench.remaining()))
        signal.signal(signal.SIGTERM, abort)  # the event loop's handlers reset them on the way out
        signal.signal(signal.SIGALRM, abort)
        stop_sampling.set()
        write_section(
            render(
                runs,
                ceilings,
                latency_how,
                idle,
                bench.idle_statements,
                bench.profiles,
                bench.notes,
                background,
                foreign.share(),
                args,
            ),
            heading=SECTION,
        )
        print_table(runs, ceilings)
        print(f"written to {DOC_PATH.relative_to(ROOT)} (section '{SECTION}'); logs in {bench.run_dir}")
        unpaid = {run.label: len(run.unpaid) for run in runs if run.unpaid}
        if unpaid:
            print(f"bench-lifecycle: orders that did not end paid: {unpaid}", file=sys.stderr)
            return 1
        return 0
    except (asyncio.CancelledError, KeyboardInterrupt):
        print(f"bench-lifecycle stopped by a signal; logs in {bench.run_dir}", file=sys.stderr)
        return 1
    except TimeoutError:
        print(f"bench-lifecycle gave up after --timeout {args.timeout:.0f} s; logs in {bench.run_dir}", file=sys.stderr)
        return 1
    except (
        BenchAborted,
        ledger.BenchAborted,
        webhooks.BenchAborted,
        SurgeError,
        subprocess.SubprocessError,
        RuntimeError,
        OSError,
    ) as error:
        print(f"bench-lifecycle failed: {error}; logs in {bench.run_dir}", file=sys.stderr)
        return 1
    finally:
        stop_sampling.set()
        signal.alarm(0)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        bench.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=300, help="orders in each throughput run")
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="offered orders/s in the throughput runs")
    parser.add_argument("--merchants", type=int, default=20)
    parser.add_argument("--hot-share", type=float, default=0.8, help="the hot merchant's share in the hot mix")
    parser.add_argument("--latency-rate", type=float, default=TARGET_LATENCY_RATE)
    parser.add_argument("--latency-seconds", type=float, default=30.0)
    parser.add_argument("--in-flight", type=int, default=32, help="the generator's requests in flight at most")
    parser.add_argument("--max-open", type=int, default=40, help="lifecycles open at once at most")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--profile-orders", type=int, default=150, help="orders of the profiled fourth run (0: no profiles)"
    )
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    parser.add_argument("--empty-seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=32, help="closed-loop workers on the empty endpoint")
    parser.add_argument("--kafka-messages", type=int, default=50_000)
    parser.add_argument("--quiet-wait-s", type=float, default=180.0, help="how long to wait for other work to end")
    parser.add_argument("--timeout", type=float, default=1500.0, help="the whole run")
    return orchestrate(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

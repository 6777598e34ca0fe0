"""bench-ledger: sign-off events per second turned into balanced postings by settlement-svc, side by
side with pgbench's simple-update rate on the same PostgreSQL in the same run.

    python bench/ledger.py [--orders 20000] [--workers 8] [--batch-size 200] [--pgbench-seconds 15] [--timeout 300]
    # make bench-ledger

- ledger: a fresh database ``settlement_svc_bench_ledger`` migrated with settlement-svc's real
  migrations. N settlement orders (one or two lines, spread over 50 merchants) are pre-loaded
  (unmeasured). N ``OrderSignedOff`` envelopes (``build_envelope``, producer logistics-svc) are cut
  into polls of up to the consumer's ``max_poll_records`` (200), as the consumer would receive
  them; 8 concurrent workers, like 8 consumer instances, each take the next poll and apply it with
  the service's own consumer path without Kafka: ``ConsumerLoop.apply`` with settlement's real
  ``Subscription`` (inbox insert, lock order by merchant, the OrderSignedOff batch handler: order
  progress and ``settlement.on_signed_off_batch``), one transaction per poll. Afterwards every
  ledger transaction must balance, there must be exactly N sign_off ones, and the merchant
  balances must equal the sums of their postings.
- pgbench: ``pgbench -i -s 10`` into a fresh database ``bench_ledger_pgbench``, then
  ``pgbench -c 8 -j 2 -T 15 -N`` (simple-update) against the same server; tps excluding connections.

Everything on 127.0.0.1 and bounded by --timeout. Figures go to stdout and to the "## bench-ledger"
section of docs/benchmarks.md. A benchmark, not a test: it fails only on errors or a ledger that
does not balance, never on a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import uvloop
from bus import ForeignCpu, _recreate_databases, _server_versions, machine, percentile, wait_for_quiet_machine
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from settlement_svc.adapters.tables import SettlementOrderRow
from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork
from settlement_svc.config import SettlementSettings
from settlement_svc.domain.orders import SettlementLine, SettlementOrder
from settlement_svc.entrypoints.consumers import subscriptions
from shipsettle_shared import contracts
from shipsettle_shared.clock import SystemClock
from shipsettle_shared.db import ConnectionLane, create_engine, session_factory, unit_of_work
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import ConsumerLoop
from shipsettle_shared.migrations import upgrade_to_head
from shipsettle_shared.outbox import build_envelope
from shipsettle_shared.service import ServiceRuntime, outbound_http_client
from shipsettle_shared.settings import Environment
from shipsettle_shared.topology import POSTGRES_PORT, database_url

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "settlement_svc_bench_ledger"
PGBENCH_DB = "bench_ledger_pgbench"
MERCHANTS = 50
PRELOAD_BATCH = 2_000
PGBENCH_SCALE = 10
DOC_PATH = ROOT / "docs" / "benchmarks.md"
SECTION = "## bench-ledger"
TARGET_RATIO = 0.25
PG_ENV = {**os.environ, "PGPASSWORD": "shipsettle"}
PG_ARGS = ["-h", "127.0.0.1", "-p", str(POSTGRES_PORT), "-U", "shipsettle"]
OWN_PIDS = {os.getpid()}  # this process and its pgbench runs: not "other work" for the CPU note


class BenchAborted(Exception):
    pass


@dataclass
class LedgerRun:
    orders: int
    seconds: float
    latencies_ms: list[float]  # per poll
    sign_offs: int
    postings: int
    unbalanced: list[str]
    drifted_balances: list[dict[str, Any]]
    polls: int
    holds: int
    outbox_rows: int
    inbox_rows: int

    @property
    def rate(self) -> float:
        return self.orders / self.seconds


@dataclass
class PgbenchRun:
    tps: float
    transactions: int
    latency_ms: float
    command: str


def _order(index: int) -> SettlementOrder:
    lines = {
        "L1": SettlementLine("L1", "apparel", 1 + index % 3, 9_900 + index % 1_000, 500, 9_400 + index % 1_000),
    }
    if index % 2:
        lines["L2"] = SettlementLine("L2", "electronics", 1, 25_000, 0, 25_000)
    return SettlementOrder(
        order_id=f"O-BENCH-{index:06d}",
        merchant_id=f"M-BENCH-{index % MERCHANTS:02d}",
        currency="CNY",
        shipping_fee_minor=800,
        lines=lines,
    )


def _sign_off(order: SettlementOrder) -> EventEnvelope:
    now = datetime.now(UTC)
    event = contracts.OrderSignedOff(
        order_id=order.order_id,
        merchant_id=order.merchant_id,
        shipment_id=f"S-{order.order_id}",
        how="buyer_confirmed",
        signed_off_at=now,
        lines=[contracts.ShipmentLine(line_id=line.line_id, quantity=line.quantity) for line in order.lines.values()],
        order_fully_signed_off=True,
    )
    return build_envelope(event, producer="logistics-svc", occurred_at=now)


async def _preload(sessions: async_sessionmaker[AsyncSession], orders: list[SettlementOrder]) -> None:
    """The orders as OrderPlaced would have stored them (``OrderRepository.add_orders_taking_parked``'s
    row), many per statement: unmeasured set-up."""
    placed_at = datetime.now(UTC)
    for start in range(0, len(orders), PRELOAD_BATCH):
        async with unit_of_work(sessions) as session:
            await session.execute(
                insert(SettlementOrderRow),
                [
                    {
                        "order_id": order.order_id,
                        "merchant_id": order.merchant_id,
                        "currency": order.currency,
                        "shipping_fee_minor": order.shipping_fee_minor,
                        "shipping_booked": False,
                        "shipping_refunded_minor": 0,
                        "commission_booked_minor": 0,
                        "commission_reversed_minor": 0,
                        "lines": {line_id: asdict(line) for line_id, line in order.lines.items()},
                        "placed_at": placed_at,
                        "placed_event_id": f"placed-{order.order_id}",
                    }
                    for order in orders[start : start + PRELOAD_BATCH]
                ],
            )


async def measure_ledger(orders_count: int, workers: int, batch_size: int) -> tuple[LedgerRun, dict[str, str]]:
    settings = SettlementSettings(
        service_name="settlement-svc", environment=Environment.TEST, database_url=database_url(DATABASE)
    )
    engine = create_engine(settings)  # the service's pool: 5 + 5 overflow, enough for 8 workers
    sessions = session_factory(engine)
    try:
        orders = [_order(index) for index in range(orders_count)]
        await _preload(sessions, orders)
        envelopes = [_sign_off(order) for order in orders]  # built before the clock starts
        # Polls as the consumer forms them: consecutive events, up to max_poll_records each.
        polls = [envelopes[start : start + batch_size] for start in range(0, len(envelopes), batch_size)]
        # The service's own subscription and consumer path. No Kafka here: apply() is what the
        # consumer runs for each poll, and nothing on it produces or dead-letters.
        runtime = ServiceRuntime(
            settings=settings,
            clock=SystemClock(),
            engine=engine,
            sessions=sessions,
            producer=None,
            lane=ConnectionLane.for_settings(settings),
            http=outbound_http_client(),  # opens no connection: nothing here calls out
        )
        (subscription,) = subscriptions(runtime)
        consumers = [ConsumerLoop(settings, sessions, subscription, dead_letter_producer=None) for _ in range(workers)]
        # Open every pooled connection once, so no connect is inside the measurement.
        connections = [await engine.connect() for _ in range(workers)]
        for connection in connections:
            await connection.execute(text("select 1"))
            await connection.close()

        queue = iter(polls)
        latencies_ms: list[float] = []

        async def worker(consumer: ConsumerLoop) -> None:
            for poll in queue:  # a shared iterator: each poll is taken by one worker
                begun = time.perf_counter()
                await consumer.apply(poll)
                latencies_ms.append((time.perf_counter() - begun) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker(consumer) for consumer in consumers))
        seconds = time.perf_counter() - started

        async with sessions() as session:
            uow = SqlSettlementUnitOfWork(session)
            unbalanced = await uow.ledger.unbalanced_transactions()
            drifted = await uow.ledger.balances_that_differ_from_postings()

            async def count(sql: str) -> int:
                return int((await session.execute(text(sql))).scalar_one())

            sign_offs = await count("select count(*) from ledger_transactions where kind = 'sign_off'")
            postings = await count("select count(*) from ledger_postings")
            holds = await count("select count(*) from holds")
            outbox = await count("select count(*) from outbox")
            inbox = await count("select count(*) from processed_events")
        versions = await _server_versions(engine)
    finally:
        await engine.dispose()
    run = LedgerRun(
        orders_count, seconds, latencies_ms, sign_offs, postings, unbalanced, drifted, len(polls), holds, outbox, inbox
    )
    return run, versions


def _pgbench(arguments: list[str], timeout_s: float, database: str = PGBENCH_DB) -> str:
    process = subprocess.Popen(
        ["pgbench", *PG_ARGS, *arguments, database],
        env=PG_ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    OWN_PIDS.add(process.pid)
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    if process.returncode != 0:
        raise BenchAborted(f"pgbench {' '.join(arguments)} exited with {process.returncode}: {stderr}")
    return stdout + stderr


def measure_pgbench(workers: int, seconds: int, timeout_s: float) -> PgbenchRun:
    _pgbench(["-i", "-q", "-s", str(PGBENCH_SCALE)], timeout_s)
    arguments = ["-c", str(workers), "-j", "2", "-T", str(seconds), "-N"]
    output = _pgbench(arguments, timeout_s)
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output) or re.search(
        r"tps = ([\d.]+) \(excluding connections establishing\)", output
    )
    processed = re.search(r"number of transactions actually processed: (\d+)", output)
    latency = re.search(r"latency average = ([\d.]+) ms", output)
    if tps is None or processed is None:
        raise BenchAborted(f"could not parse pgbench output:\n{output}")
    return PgbenchRun(
        tps=float(tps.group(1)),
        transactions=int(processed.group(1)),
        latency_ms=float(latency.group(1)) if latency else float("nan"),
        command=f"pgbench -c {workers} -j 2 -T {seconds} -N",
    )


# --- report ----------------------------------------------------------------------------------


def render(
    ledger: LedgerRun,
    pgbench: PgbenchRun,
    versions: dict[str, str],
    background: float,
    foreign: float,
    args: argparse.Namespace,
) -> str:
    host = machine()
    ratio = ledger.rate / pgbench.tps if pgbench.tps else 0.0
    met = "met" if ratio >= TARGET_RATIO else "**missed**"
    lat = ledger.latencies_ms
    workers, pg_seconds = args.workers, args.pgbench_seconds
    return f"""{SECTION}

`make bench-ledger` (bench/ledger.py), run {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}.

Machine: {host["cpus"]} CPUs ({host["cpu_model"]}), {host["ram_gib"]} GiB RAM, Linux {host["kernel"]};
Python {host["python"]} (uvloop); PostgreSQL {versions["postgres"]} (synchronous_commit={versions["synchronous_commit"]}).
Everything on 127.0.0.1: the benchmark process, pgbench and PostgreSQL share the same {host["cpus"]} CPUs. Other
work kept {background:.0%} of the CPUs busy just before the run and used {foreign:.0%} of them during it (load
average at the end: {host["loadavg"]}).

| | settlement-svc sign-offs (consumer batch path) | pgbench simple-update (`-N`) |
|---|---:|---:|
| rate ({workers} concurrent) | **{ledger.rate:,.0f} sign-offs/s** ({ledger.orders:,} in {ledger.seconds:.1f} s, {ledger.polls:,} polls of ≤ {args.batch_size}) | {pgbench.tps:,.0f} tps ({pgbench.transactions:,} in {pg_seconds} s) |
| ledger / pgbench (target ≥ {TARGET_RATIO:.0%}) | **{ratio:.1%}** ({met}) | |
| latency p50 / p99 / max | per poll: {percentile(lat, 50):,.1f} / {percentile(lat, 99):,.1f} / {max(lat):,.1f} ms | per transaction: average {pgbench.latency_ms:,.1f} ms |

Checked after the run: {ledger.sign_offs:,} `sign_off` ledger transactions for {ledger.orders:,} sign-offs,
{ledger.postings:,} postings, unbalanced transactions: {len(ledger.unbalanced)}, merchant balances that differ from
their postings: {len(ledger.drifted_balances)}; {ledger.holds:,} holds, {ledger.outbox_rows:,} outbox rows
(`LedgerTransactionPosted` and `SettlementPending`), {ledger.inbox_rows:,} inbox rows.

How it was measured:
- ledger: a fresh database `{DATABASE}` migrated with settlement-svc's real migrations; {ledger.orders:,}
  settlement orders (one or two lines, {MERCHANTS} merchants, default policy) pre-loaded, unmeasured.
  {ledger.orders:,} `OrderSignedOff` envelopes (built beforehand with `build_envelope`, producer
  logistics-svc, one per order covering all its units, merchants interleaved) are cut into polls of
  up to {args.batch_size} (the consumer's `max_poll_records`). {workers} asyncio workers in one process (uvloop,
  the service's engine settings), like {workers} consumer instances, each take the next poll and apply it
  with `ConsumerLoop.apply` and settlement's real `Subscription`, the consumer's path without Kafka:
  one transaction per poll with the inbox insert, the poll sorted by merchant (`lock_order`), then the
  `OrderSignedOff` batch handler: order progress and `settlement.on_signed_off_batch` (order advisory
  locks, orders `SELECT … FOR UPDATE`, policies and already-posted keys in one query each, the
  postings computed in Python, progress bookings, holds, their timers and the outbox rows, then the
  ledger transactions and all their postings in one statement each, whose statement trigger updates
  each merchant's `account_balances` row once; the per-statement balance check of the transactions it touched).
  Rate = N / wall time from the first poll to the last commit; latency per poll, nearest-rank
  percentiles.
- pgbench: `pgbench -i -s {PGBENCH_SCALE}` into a fresh database `{PGBENCH_DB}`, then `{pgbench.command}` (TPC-B
  without the tellers/branches updates: one UPDATE, one SELECT, one INSERT per transaction), right
  before the ledger phase, on the same server; rate = pgbench's tps without initial connection time.
- One run, not an average; figures move by several percent between runs on a shared machine, more
  when other work is running (see the CPU share above).
"""  # noqa: S608 - Markdown that names SQL statements, not a query


def write_section(section: str) -> None:
    current = DOC_PATH.read_text() if DOC_PATH.exists() else "# Benchmarks\n"
    start = current.find(SECTION + "\n")
    if start < 0:
        updated = current.rstrip("\n") + "\n\n" + section
    else:
        following = current.find("\n## ", start + len(SECTION))
        rest = current[following + 1 :] if following >= 0 else ""
        updated = current[:start] + section.rstrip("\n") + "\n" + ("\n" + rest if rest else "")
    DOC_PATH.write_text(updated.rstrip("\n") + "\n")


def print_table(ledger: LedgerRun, pgbench: PgbenchRun) -> None:
    ratio = ledger.rate / pgbench.tps if pgbench.tps else 0.0
    rows = [
        ("", "ledger sign-offs", "pgbench -N"),
        ("per second", f"{ledger.rate:,.0f}", f"{pgbench.tps:,.0f}"),
        (f"ratio (target >= {TARGET_RATIO:.0%})", f"{ratio:.1%}", ""),
        (
            "p50 / p99 latency (poll)",
            f"{percentile(ledger.latencies_ms, 50):,.1f} / {percentile(ledger.latencies_ms, 99):,.1f} ms",
            f"avg {pgbench.latency_ms:,.1f} ms",
        ),
        ("sign_off transactions", f"{ledger.sign_offs:,} of {ledger.orders:,}", ""),
        ("unbalanced transactions", str(len(ledger.unbalanced)), ""),
        ("balances off their postings", str(len(ledger.drifted_balances)), ""),
    ]
    print()
    for label, left, right in rows:
        print(f"  {label:26} {left:>22} {right:>14}")
    print()


def orchestrate(args: argparse.Namespace) -> int:
    def abort(signum: int, frame: FrameType | None) -> None:
        raise BenchAborted(f"stopped by signal {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, abort)
    signal.signal(signal.SIGALRM, abort)
    signal.alarm(int(args.timeout))
    deadline = time.monotonic() + args.timeout
    stop_sampling = threading.Event()
    sampler: threading.Thread | None = None
    try:
        background = wait_for_quiet_machine()
        subprocess.run(["bash", "deploy/postgres/postgres.sh", "start"], cwd=ROOT, check=True, timeout=120)
        asyncio.run(_recreate_databases([DATABASE, PGBENCH_DB]))
        upgrade_to_head(ROOT / "services" / "settlement-svc" / "migrations", database_url(DATABASE))

        foreign = ForeignCpu(lambda: OWN_PIDS)  # PostgreSQL is skipped by name

        def sample() -> None:
            while not stop_sampling.wait(1.0):
                foreign._sample()

        foreign._sample()
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        print(f"[1/2] pgbench -i -s {PGBENCH_SCALE}, then -c {args.workers} -T {args.pgbench_seconds} -N", flush=True)
        pgbench = measure_pgbench(args.workers, args.pgbench_seconds, max(deadline - time.monotonic(), 1.0))
        print(f"      {pgbench.tps:,.0f} tps", flush=True)
        print(
            f"[2/2] settlement sign-offs through the consumer's batch path, {args.orders} sign-offs in polls of "
            f"<= {args.batch_size}, {args.workers} workers",
            flush=True,
        )
        ledger, versions = uvloop.run(
            asyncio.wait_for(
                measure_ledger(args.orders, args.workers, args.batch_size),
                timeout=max(deadline - time.monotonic(), 1.0),
            )
        )
        print(f"      {ledger.rate:,.0f} sign-offs/s", flush=True)
        stop_sampling.set()
        sampler.join(timeout=5)
        if ledger.unbalanced or ledger.drifted_balances or ledger.sign_offs != args.orders:
            raise BenchAborted(
                f"ledger check failed: {ledger.sign_offs} sign_off transactions for {args.orders} sign-offs, "
                f"unbalanced: {ledger.unbalanced[:5]}, balances off their postings: {ledger.drifted_balances[:5]}"
            )
        write_section(render(ledger, pgbench, versions, background, foreign.share(), args))
        print_table(ledger, pgbench)
        print(f"written to {DOC_PATH.relative_to(ROOT)} (section '{SECTION}')")
        return 0
    except (BenchAborted, subprocess.SubprocessError, RuntimeError, TimeoutError) as error:
        print(f"bench-ledger failed: {error}", file=sys.stderr)
        return 1
    finally:
        stop_sampling.set()
        signal.alarm(0)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=20_000, help="N sign-offs (one per pre-loaded order)")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=SettlementSettings.model_fields["consumer_max_records"].default,
        help="events per poll (default: the consumer's max_poll_records)",
    )
    parser.add_argument("--workers", type=int, default=8, help="concurrent workers, and pgbench clients")
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    parser.add_argument("--timeout", type=float, default=300.0, help="the whole run")
    return orchestrate(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

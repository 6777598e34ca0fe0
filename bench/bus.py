"""bench-bus: events per second from the outbox through Kafka into an idempotent handler.

    python bench/bus.py [--events 30000] [--latency-seconds 20] [--timeout 600]    # make bench-bus

Side by side in one run, on one freshly wiped broker (127.0.0.1:29092):

- ShipSettle: the real code path. Rows are written with ``add_to_outbox`` (``BusProbeSent``
  for settlement-svc) into a source database migrated with order-svc's migrations; the real
  ``OutboxRelay`` publishes them; the real ``ConsumerLoop`` runs the real
  ``bus_probe_subscription("settlement-svc")`` handler, which records a receipt in a sink
  database (settlement-svc's migrations) through the inbox. Relay and consumer are separate
  OS processes, like two service instances, so they can use both cores.
- raw: an aiokafka producer process -> an aiokafka consumer process (manual offset commit after
  every batch), with the same client settings (``kafka_config``), the same message bytes and
  headers, on a topic with the same partition count as diagnostics.events.

Phases, after waiting (bounded) for the machine to be mostly idle and warming the broker up:
(1) raw throughput, (2) ShipSettle throughput from a pre-loaded outbox of N rows, (3) raw
throughput again (the two raw runs bracket the ShipSettle one, so drift shows), (4) ShipSettle
delivery latency at half of its measured maximum rate, (5) raw latency at the same offered rate.
The figures go to stdout and to the "## bench-bus" section of docs/benchmarks.md. It is a
benchmark, not a test: it never fails on a figure, only on errors. Everything is bounded: a
deadline for the whole run (--timeout), workers that exit with their parent, and the broker
stopped at the end whatever happened.

Tuning knobs of the shared library are read from the environment as in the services, so an
experiment is e.g. ``SHIPSETTLE_CONSUMER_MAX_RECORDS=1000 make bench-bus``.

The sub-commands ``relay``, ``consumer``, ``raw-producer`` and ``raw-consumer`` are the worker
processes the benchmark starts; they are not meant to be run by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.metadata
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import asyncpg
import uvloop
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shipsettle_shared.clock import SystemClock
from shipsettle_shared.contracts import TOPIC_SPECS, BusProbeSent, Topic
from shipsettle_shared.db import create_engine, session_factory, unit_of_work
from shipsettle_shared.diagnostics import bus_probe_subscription
from shipsettle_shared.envelope import uuid7
from shipsettle_shared.kafka_access import admin_credentials, grant_consumer_groups, tooling_client_config
from shipsettle_shared.logs import configure_logging
from shipsettle_shared.messaging.consumer import ConsumerLoop
from shipsettle_shared.messaging.kafka_config import consumer_config, producer_config
from shipsettle_shared.messaging.relay import OutboxRelay
from shipsettle_shared.migrations import upgrade_to_head
from shipsettle_shared.outbox import add_to_outbox, build_envelope
from shipsettle_shared.settings import Environment, ServiceSettings
from shipsettle_shared.topics import ensure_topics
from shipsettle_shared.topology import database_url

ROOT = Path(__file__).resolve().parent.parent
KAFKA_PORT = 29092  # its own broker: never disturbs `make run` (9092) or `make test` (19092)
BOOTSTRAP = f"127.0.0.1:{KAFKA_PORT}"
SOURCE_SERVICE = "order-svc"
TARGET_SERVICE = "settlement-svc"
SOURCE_DB = "bench_bus_source"
SINK_DB = "bench_bus_sink"
RAW_TOPIC_WARMUP = "bench.raw.warmup"
RAW_TOPIC_THROUGHPUT = "bench.raw.throughput"
RAW_TOPIC_THROUGHPUT_AGAIN = "bench.raw.throughput2"
RAW_TOPIC_LATENCY = "bench.raw.latency"
# Same partition count as the topic the ShipSettle path uses, so both get the same parallelism.
DIAGNOSTICS_PARTITIONS = next(spec.partitions for spec in TOPIC_SPECS if spec.topic is Topic.DIAGNOSTICS)
SENT_HEADER = "bench_sent_ns"
DOC_PATH = ROOT / "docs" / "benchmarks.md"
SECTION = "## bench-bus"
TARGET_RATIO = 0.20
TARGET_P99_MS = 250.0
WRITER_TICK_S = 0.01  # the open-loop writers release what is due every 10 ms
LATENCY_WARMUP_S = 3.0  # excluded from the percentiles: connections and caches settle first
PRELOAD_BATCH = 500  # outbox rows per pre-load transaction
BROKER_WARMUP_MESSAGES = 10_000
QUIET_CPU_SHARE = 0.25  # other work above this share of the CPUs makes the run wait a while
QUIET_WAIT_S = 180.0


# --- worker processes ------------------------------------------------------------------


def _settings(service_name: str, db_name: str | None = None, **overrides: Any) -> ServiceSettings:
    """Settings as a service would read them (tuning knobs from SHIPSETTLE_* env vars), with the
    benchmark's broker and database forced: init arguments win over the environment."""
    return ServiceSettings(
        service_name=service_name,
        environment=Environment.TEST,
        database_url=database_url(db_name or SINK_DB),
        **{"kafka_bootstrap_servers": BOOTSTRAP, **overrides},
    )


def _raw_settings(bootstrap: str) -> ServiceSettings:
    """The raw workers' settings: the services' client settings on the bench's own topics, which
    no service principal may use, so as the broker's super user."""
    return _settings("bench-raw", kafka_bootstrap_servers=bootstrap, **admin_credentials().as_settings())


async def _until_stopped(max_seconds: float) -> None:
    """Returns on SIGTERM/SIGINT, when the parent dies, or after ``max_seconds``: a worker
    never outlives the benchmark, even if the orchestrator is killed without cleanup."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    parent = os.getppid()
    deadline = loop.time() + max_seconds
    while not stop.is_set() and os.getppid() == parent and loop.time() < deadline:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.5)


async def _run_service_loop(run: Coroutine[Any, Any, None], stop: Callable[[], None], max_seconds: float) -> None:
    task = asyncio.create_task(run)
    waiter = asyncio.create_task(_until_stopped(max_seconds))
    await asyncio.wait([task, waiter], return_when=asyncio.FIRST_COMPLETED)
    stop()
    waiter.cancel()
    with contextlib.suppress(TimeoutError):  # wait_for has cancelled it then
        await asyncio.wait_for(task, timeout=10)


async def relay_worker(args: argparse.Namespace) -> None:
    """The real OutboxRelay, as a service instance with role "relay" runs it."""
    settings = _settings(SOURCE_SERVICE, SOURCE_DB)
    engine = create_engine(settings)
    producer = AIOKafkaProducer(**producer_config(settings))
    await producer.start()
    relay = OutboxRelay(settings, engine, producer, SystemClock())
    try:
        await _run_service_loop(relay.run(), relay.stop, args.max_seconds)
    finally:
        await producer.stop()
        await engine.dispose()


async def consumer_worker(args: argparse.Namespace) -> None:
    """The real ConsumerLoop with the real diagnostics handler of settlement-svc."""
    settings = _settings(TARGET_SERVICE, SINK_DB, consumer_group_prefix=args.group_prefix)
    await grant_consumer_groups(settings.kafka_bootstrap_servers, args.group_prefix)
    engine = create_engine(settings)
    dead_letters = AIOKafkaProducer(**producer_config(settings))
    await dead_letters.start()
    loop = ConsumerLoop(settings, session_factory(engine), bus_probe_subscription(TARGET_SERVICE), dead_letters)
    try:
        await _run_service_loop(loop.run(), loop.stop, args.max_seconds)
    finally:
        await dead_letters.stop()
        await engine.dispose()


def _sample_message(note: str) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The bytes and headers of one real BusProbeSent envelope, as the relay would send them."""
    probe = BusProbeSent(probe_id=f"{note}-{uuid7()}", target_service=TARGET_SERVICE, sent_by=SOURCE_SERVICE, note=note)
    envelope = build_envelope(probe, producer=SOURCE_SERVICE, occurred_at=datetime.now(UTC))
    return envelope.to_bytes(), envelope.kafka_headers()


async def raw_producer_worker(args: argparse.Namespace) -> None:
    """Plain aiokafka produce, same client settings as the relay; no database, no validation.

    ``--rate 0`` sends as fast as the client accepts (it applies back-pressure when its buffer
    is full); otherwise it is an open-loop sender releasing what is due every tick."""
    settings = _raw_settings(args.bootstrap)
    value, headers = _sample_message(args.note)
    keys = [f"{args.note}-{uuid7()}".encode() for _ in range(args.count)]  # distinct keys, like probe ids
    producer = AIOKafkaProducer(**producer_config(settings))
    await producer.start()
    try:
        await producer.partitions_for(args.topic)  # metadata before the clock starts
        loop = asyncio.get_running_loop()
        acks: list[asyncio.Future[Any]] = []

        async def send(index: int) -> None:
            stamped = [*headers, (SENT_HEADER, str(time.time_ns()).encode())]
            acks.append(await producer.send(args.topic, value=value, key=keys[index], headers=stamped))

        started = time.time()
        if args.rate <= 0:
            for index in range(args.count):
                await send(index)
        else:
            start = loop.time()
            sent = 0
            while sent < args.count:
                due = min(args.count, int((loop.time() - start) * args.rate) + 1)
                while sent < due:
                    await send(sent)
                    sent += 1
                await asyncio.sleep(WRITER_TICK_S - (loop.time() - start) % WRITER_TICK_S)
        await asyncio.gather(*acks)
        _write_json(args.result_file, {"started": started, "acked": time.time(), "count": args.count})
    finally:
        await producer.stop()


async def raw_consumer_worker(args: argparse.Namespace) -> None:
    """Plain aiokafka consume with the services' consumer settings (read_committed, the same
    max records per poll) and a manual offset commit after every batch, like ConsumerLoop."""
    settings = _raw_settings(args.bootstrap)
    consumer = AIOKafkaConsumer(args.topic, **consumer_config(settings, args.group))
    await consumer.start()
    try:
        # Ready = partitions assigned; the producer starts only then, so the group join is not
        # part of the measured time (the ShipSettle consumer is warmed up the same way).
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=100)
        _write_json(args.ready_file, {})
        received = 0
        first_arrival = last_arrival = 0.0
        samples: list[tuple[int, int]] = []  # (sent_ns, latency_ns)
        deadline = time.monotonic() + args.max_seconds
        while received < args.count and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=200, max_records=settings.consumer_max_records)
            if not batches:
                continue
            now_ns = time.time_ns()
            for records in batches.values():
                for record in records:
                    sent_ns = int(record.headers[-1][1])  # SENT_HEADER, appended last by the producer
                    samples.append((sent_ns, now_ns - sent_ns))
                received += len(records)
            last_arrival = now_ns / 1e9
            first_arrival = first_arrival or last_arrival
            await consumer.commit({tp: records[-1].offset + 1 for tp, records in batches.items()})
        _write_json(
            args.result_file,
            {"received": received, "first_arrival": first_arrival, "last_arrival": last_arrival, "samples": samples},
        )
    finally:
        await consumer.stop()


def _write_json(path: str, data: dict[str, Any]) -> None:
    temporary = Path(path + ".tmp")
    temporary.write_text(json.dumps(data))
    temporary.replace(path)  # the orchestrator never reads a half-written file


# --- orchestration -------------------------------------------------------------------------


class BenchAborted(Exception):
    pass


@dataclass
class Figures:
    events: int
    ship_rate: float
    ship_seconds: float
    ship_relay_seconds: float
    raw_rates: list[float]  # measured before and after the ShipSettle run: the spread shows the noise
    offered_rate: float
    ship_writer_rate: float
    ship_latencies_ms: list[float]
    ship_outbox_wait_ms: list[float]  # occurred_at -> start of the relay pass that published it
    raw_latencies_ms: list[float]
    duplicates: int
    background_cpu: float  # share of the CPUs busy with other work just before the run
    foreign_cpu: float  # share of the CPUs used by other processes during the measurement
    latency_seconds: float
    offered_by_option: bool

    @property
    def raw_rate(self) -> float:
        return sum(self.raw_rates) / len(self.raw_rates)

    @property
    def writer_bound(self) -> bool:
        return self.ship_writer_rate < 0.95 * self.offered_rate

    @property
    def ratio(self) -> float:
        return self.ship_rate / self.raw_rate if self.raw_rate else 0.0


class Orchestrator:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.deadline: float = time.monotonic() + float(args.timeout)
        self.run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.run_dir = ROOT / "var" / "bench" / "bus" / self.run_id
        self.children: dict[str, subprocess.Popen[bytes]] = {}  # by log name
        self.broker_started = False
        self.warmups = 0
        self.background_cpu = 0.0

    # processes

    def own_pids(self) -> set[int]:
        pids = {os.getpid(), *(process.pid for process in self.children.values())}
        with contextlib.suppress(OSError, ValueError):
            pids.add(int((ROOT / "var" / "kafka" / str(KAFKA_PORT) / "kafka.pid").read_text()))
        return pids

    def remaining(self) -> float:
        return max(self.deadline - time.monotonic(), 1.0)

    def spawn(self, name: str, *arguments: str) -> subprocess.Popen[bytes]:
        log = open(self.run_dir / f"{name}.log", "ab")  # noqa: SIM115 - the child owns it
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), *arguments, "--max-seconds", f"{self.remaining():.0f}"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.children[name] = process
        return process

    def stop_children(self) -> None:
        for process in self.children.values():
            if process.poll() is None:
                process.terminate()
        for process in self.children.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.children.clear()

    def check_children(self) -> None:
        for name, process in self.children.items():
            code = process.poll()
            if code not in (None, 0):
                raise BenchAborted(f"worker {name} exited with {code}; see {self.run_dir / name}.log")

    async def wait_until(self, what: str, predicate: Callable[[], Awaitable[bool]], timeout_s: float) -> None:
        deadline = time.monotonic() + min(timeout_s, self.remaining())
        while not await predicate():
            self.check_children()
            if time.monotonic() > deadline:
                raise BenchAborted(f"timed out waiting for {what}; logs in {self.run_dir}")
            await asyncio.sleep(0.1)

    # infrastructure (synchronous: alembic runs its own event loop)

    def kafka(self, verb: str) -> None:
        subprocess.run(
            ["bash", "deploy/kafka/kafka.sh", verb],
            cwd=ROOT,
            env={**os.environ, "KAFKA_PORT": str(KAFKA_PORT)},
            check=True,
            timeout=120,
        )

    def prepare(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.background_cpu = wait_for_quiet_machine()
        subprocess.run(["bash", "deploy/postgres/postgres.sh", "start"], cwd=ROOT, check=True, timeout=120)
        # A clean broker every run: leftovers from an aborted run would change the figures.
        self.kafka("stop")
        shutil.rmtree(ROOT / "var" / "kafka" / str(KAFKA_PORT), ignore_errors=True)
        self.broker_started = True
        self.kafka("start")
        asyncio.run(_recreate_databases([SOURCE_DB, SINK_DB]))
        # The real migrations: they create the outbox, inbox and bus_probe_receipts tables.
        upgrade_to_head(ROOT / "services" / "order-svc" / "migrations", database_url(SOURCE_DB))
        upgrade_to_head(ROOT / "services" / "settlement-svc" / "migrations", database_url(SINK_DB))

    def cleanup(self) -> None:
        self.stop_children()
        if self.broker_started:
            self.kafka("stop")

    # phases

    async def measure(self) -> tuple[Figures, dict[str, str]]:
        await ensure_topics(BOOTSTRAP)
        raw_topics = [RAW_TOPIC_WARMUP, RAW_TOPIC_THROUGHPUT, RAW_TOPIC_THROUGHPUT_AGAIN, RAW_TOPIC_LATENCY]
        await _create_topics(raw_topics, DIAGNOSTICS_PARTITIONS)
        events = self.args.events
        foreign = ForeignCpu(self.own_pids)
        watcher = asyncio.create_task(foreign.run())
        source_engine = create_engine(_settings(SOURCE_SERVICE, SOURCE_DB))
        sink_engine = create_engine(_settings(TARGET_SERVICE, SINK_DB))
        try:
            # A fresh JVM is several times slower for its first seconds (JIT, offsets topic):
            # the broker warms up on traffic nobody measures.
            print(f"[0/5] broker warm-up ({BROKER_WARMUP_MESSAGES} messages)", flush=True)
            await self.raw_phase("warmup", RAW_TOPIC_WARMUP, BROKER_WARMUP_MESSAGES, rate=0)

            print(f"[1/5] raw aiokafka throughput, {events} messages", flush=True)
            raw_rates = [await self.raw_throughput(RAW_TOPIC_THROUGHPUT, events)]

            print(f"[2/5] ShipSettle throughput, {events} outbox rows", flush=True)
            ship_rate, ship_seconds, relay_seconds = await self.ship_throughput(source_engine, sink_engine, events)
            print(f"      {ship_rate:,.0f} events/s", flush=True)
            self.stop_children()  # the latency phase starts from an idle pipeline, warmed up again

            print(f"[3/5] raw aiokafka throughput again, {events} messages", flush=True)
            raw_rates.append(await self.raw_throughput(RAW_TOPIC_THROUGHPUT_AGAIN, events))

            offered = self.args.offered_rate or ship_rate / 2
            seconds = self.args.latency_seconds
            print(f"[4/5] ShipSettle latency at {offered:,.0f} events/s for {seconds:.0f} s", flush=True)
            ship_latencies, outbox_wait, writer_rate = await self.ship_latency(source_engine, sink_engine, offered)
            self.stop_children()

            print(f"[5/5] raw aiokafka latency at {offered:,.0f} msg/s for {seconds:.0f} s", flush=True)
            count = math.ceil(offered * (LATENCY_WARMUP_S + seconds))
            raw_latency = await self.raw_phase("latency", RAW_TOPIC_LATENCY, count, rate=offered)
            measured_from_ns = (raw_latency["started"] + LATENCY_WARMUP_S) * 1e9
            raw_latencies = [latency / 1e6 for sent, latency in raw_latency["samples"] if sent >= measured_from_ns]

            duplicates = await _duplicates(sink_engine)
            versions = await _server_versions(source_engine)
        finally:
            watcher.cancel()
            await source_engine.dispose()
            await sink_engine.dispose()
        figures = Figures(
            events=events,
            ship_rate=ship_rate,
            ship_seconds=ship_seconds,
            ship_relay_seconds=relay_seconds,
            raw_rates=raw_rates,
            offered_rate=offered,
            ship_writer_rate=writer_rate,
            ship_latencies_ms=ship_latencies,
            ship_outbox_wait_ms=outbox_wait,
            raw_latencies_ms=raw_latencies,
            duplicates=duplicates,
            background_cpu=self.background_cpu,
            foreign_cpu=foreign.share(),
            latency_seconds=seconds,
            offered_by_option=bool(self.args.offered_rate),
        )
        return figures, versions

    async def raw_throughput(self, topic: str, events: int) -> float:
        raw = await self.raw_phase(topic.rsplit(".", 1)[-1], topic, events, rate=0)
        rate = events / float(raw["last_arrival"] - raw["started"])
        print(f"      {rate:,.0f} msg/s", flush=True)
        return rate

    async def raw_phase(self, name: str, topic: str, count: int, *, rate: float) -> dict[str, Any]:
        ready = self.run_dir / f"raw-{name}.ready"
        consumed = self.run_dir / f"raw-{name}-consumer.json"
        produced = self.run_dir / f"raw-{name}-producer.json"
        group = f"bench-{self.run_id}-raw-{name}"
        common = ["--topic", topic, "--count", str(count)]
        consumer = self.spawn(
            f"raw-{name}-consumer",
            *["raw-consumer", *common, "--group", group, "--ready-file", str(ready), "--result-file", str(consumed)],
        )
        await self.wait_until("the raw consumer's partition assignment", _exists(ready), 60)
        producer = self.spawn(
            f"raw-{name}-producer",
            *["raw-producer", *common, "--rate", str(rate), "--note", name, "--result-file", str(produced)],
        )
        await self.wait_until(f"raw {name} to finish", _exists(produced, consumed), self.remaining())
        for log_name, process in ((f"raw-{name}-consumer", consumer), (f"raw-{name}-producer", producer)):
            process.wait(timeout=30)
            del self.children[log_name]
        result: dict[str, Any] = json.loads(consumed.read_text())
        if result["received"] != count:
            raise BenchAborted(f"raw {name}: received {result['received']} of {count}")
        result["started"] = json.loads(produced.read_text())["started"]
        return result

    async def ship_throughput(self, source: AsyncEngine, sink: AsyncEngine, events: int) -> tuple[float, float, float]:
        sessions = session_factory(source)
        # The relay starts only after the pre-load: the consumer alone is warmed up first.
        await self.start_pipeline(source, sink, relay=False)
        # Pre-load with the real add_to_outbox, in batched transactions, before the relay runs.
        for start in range(0, events, PRELOAD_BATCH):
            async with unit_of_work(sessions) as session:
                for _ in range(start, min(start + PRELOAD_BATCH, events)):
                    await _add_probe(session, "tput")
        self.spawn("relay", "relay")
        await self.wait_until("all throughput receipts", _receipts_at_least(sink, "tput-", events), self.remaining())
        async with source.connect() as connection:
            first_pass, last_pass = (
                await connection.execute(
                    text(
                        "select min(published_at), max(published_at) from outbox "
                        "where envelope->'payload'->>'probe_id' like 'tput-%'"
                    )
                )
            ).one()
        async with sink.connect() as connection:
            last_receipt = (
                await connection.execute(
                    text("select max(received_at) from bus_probe_receipts where probe_id like 'tput-%'")
                )
            ).scalar_one()
        # Both timestamps come from the same PostgreSQL clock: from the start of the relay's
        # first pass (published_at is now() of its transaction) to the last handler's insert.
        seconds = (last_receipt - first_pass).total_seconds()
        return events / seconds, seconds, (last_pass - first_pass).total_seconds()

    async def start_pipeline(self, source: AsyncEngine, sink: AsyncEngine, *, relay: bool) -> None:
        """Start the ShipSettle consumer (and relay) processes and wait until each has done work,
        so neither a group join nor a process start is inside a measurement."""
        self.warmups += 1
        self.spawn(f"consumer-{self.warmups}", "consumer", "--group-prefix", f"bench-{self.run_id}-")
        # Probes straight onto the topic: the consumer is ready once it has written receipts.
        prefix = f"warm{self.warmups}"
        await _send_warmup_probes(prefix, 5)
        await self.wait_until("the consumer warm-up", _receipts_at_least(sink, prefix + "-", 5), 90)
        if relay:
            self.spawn(f"relay-{self.warmups}", "relay")
            prefix = f"rwarm{self.warmups}"
            async with unit_of_work(session_factory(source)) as session:
                await _add_probe(session, prefix)
            await self.wait_until("the relay warm-up", _receipts_at_least(sink, prefix + "-", 1), 90)

    async def ship_latency(
        self, source: AsyncEngine, sink: AsyncEngine, rate: float
    ) -> tuple[list[float], list[float], float]:
        """Open-loop writer: every tick, one transaction with the rows due by then; occurred_at is
        taken per row as a service would (its clock.now() at the business change)."""
        await self.start_pipeline(source, sink, relay=True)
        sessions = session_factory(source)
        loop = asyncio.get_running_loop()
        # A writer that falls behind must not catch up in ever larger transactions: a row's
        # occurred_at would precede its commit by seconds and the latency would be the writer's.
        # The phase is bounded in time, not in rows, so a writer that cannot keep up ends on time.
        per_transaction = max(1, math.ceil(rate * WRITER_TICK_S))
        start = loop.time()
        end = start + LATENCY_WARMUP_S + self.args.latency_seconds
        written = measured = 0
        while (now := loop.time()) < end:
            due = int((now - start) * rate) + 1
            if due > written:
                upto = min(due, written + per_transaction)
                warming = now - start < LATENCY_WARMUP_S
                async with unit_of_work(sessions) as session:
                    for _ in range(written, upto):
                        await _add_probe(session, "lwarm" if warming else "lat")
                measured += 0 if warming else upto - written
                written = upto
                self.check_children()
                if written < due:
                    continue  # behind: the next transaction at once (the report flags the writer)
            await asyncio.sleep(max(0.0, WRITER_TICK_S - (loop.time() - start) % WRITER_TICK_S))
        writer_rate = written / (loop.time() - start)
        await self.wait_until("all latency receipts", _receipts_at_least(sink, "lat-", measured), 120)
        async with sink.connect() as connection:
            rows = await connection.execute(
                text(
                    "select extract(epoch from received_at - sent_at) * 1000 from bus_probe_receipts "
                    "where probe_id like 'lat-%'"
                )
            )
            latencies = [float(row[0]) for row in rows]
        # Where the time goes, first half: from the event to the relay pass that published it.
        async with source.connect() as connection:
            rows = await connection.execute(
                text(
                    "select extract(epoch from published_at - (envelope->>'occurred_at')::timestamptz) * 1000 "
                    "from outbox where envelope->'payload'->>'probe_id' like 'lat-%'"
                )
            )
            outbox_wait = [float(row[0]) for row in rows]
        return latencies, outbox_wait, writer_rate


def _exists(*paths: Path) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return all(path.exists() for path in paths)

    return check


def _receipts_at_least(sink: AsyncEngine, prefix: str, count: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        async with sink.connect() as connection:
            found = (
                await connection.execute(
                    text("select count(*) from bus_probe_receipts where probe_id like :pattern"),
                    {"pattern": prefix + "%"},
                )
            ).scalar_one()
        return int(found) >= count

    return check


async def _add_probe(session: AsyncSession, prefix: str) -> None:
    # uuid7 ids: distinct message keys spread over every partition, as real probes would.
    probe = BusProbeSent(
        probe_id=f"{prefix}-{uuid7()}", target_service=TARGET_SERVICE, sent_by=SOURCE_SERVICE, note=prefix
    )
    await add_to_outbox(session, probe, producer=SOURCE_SERVICE, occurred_at=datetime.now(UTC))


async def _send_warmup_probes(prefix: str, count: int) -> None:
    producer = AIOKafkaProducer(**producer_config(_settings(SOURCE_SERVICE, SOURCE_DB)))
    await producer.start()
    try:
        for _ in range(count):
            probe = BusProbeSent(
                probe_id=f"{prefix}-{uuid7()}", target_service=TARGET_SERVICE, sent_by=SOURCE_SERVICE, note=prefix
            )
            envelope = build_envelope(probe, producer=SOURCE_SERVICE, occurred_at=datetime.now(UTC))
            await producer.send_and_wait(
                str(Topic.DIAGNOSTICS),
                value=envelope.to_bytes(),
                key=probe.probe_id.encode(),
                headers=envelope.kafka_headers(),
            )
    finally:
        await producer.stop()


async def _duplicates(sink: AsyncEngine) -> int:
    """Receipts beyond one per event: must be 0, or the inbox let a redelivery through."""
    async with sink.connect() as connection:
        return int(
            (
                await connection.execute(text("select count(*) - count(distinct event_id) from bus_probe_receipts"))
            ).scalar_one()
        )


async def _server_versions(engine: AsyncEngine) -> dict[str, str]:
    async with engine.connect() as connection:
        version = (await connection.execute(text("show server_version"))).scalar_one()
        sync_commit = (await connection.execute(text("show synchronous_commit"))).scalar_one()
    return {"postgres": str(version).split(" ")[0], "synchronous_commit": str(sync_commit)}


async def _recreate_databases(names: list[str]) -> None:
    admin = await asyncpg.connect(
        database_url("postgres").replace("postgresql+asyncpg://", "postgresql://").split("?")[0]
    )
    try:
        for name in names:
            # WITH (FORCE): a worker left over from a killed run must not block the drop.
            await admin.execute(f'drop database if exists "{name}" with (force)')
            await admin.execute(f'create database "{name}"')
    finally:
        await admin.close()


async def _create_topics(names: list[str], partitions: int, bootstrap: str = BOOTSTRAP) -> None:
    admin = AIOKafkaAdminClient(**tooling_client_config(bootstrap), request_timeout_ms=10_000)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1) for name in names])
    finally:
        await admin.close()


def _cpu_busy(seconds: float) -> float:
    """Share of all CPUs busy over ``seconds``, from /proc/stat: other work on the machine
    (a test suite, another benchmark) takes CPU from this one, so the report states it."""

    def sample() -> tuple[int, int]:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields) - idle, sum(fields)

    busy_before, total_before = sample()
    time.sleep(seconds)
    busy_after, total_after = sample()
    return (busy_after - busy_before) / max(total_after - total_before, 1)


def wait_for_quiet_machine(max_wait_s: float = QUIET_WAIT_S) -> float:
    """Figures taken while a test suite runs on the same 2 CPUs say little: wait a bounded time
    for the machine to be mostly idle, then go ahead anyway (the report shows the share)."""
    deadline = time.monotonic() + max_wait_s
    busy = _cpu_busy(3.0)
    while busy > QUIET_CPU_SHARE and time.monotonic() < deadline:
        print(f"machine busy ({busy:.0%} CPU used by other work); waiting up to {max_wait_s:.0f} s", flush=True)
        busy = _cpu_busy(5.0)
    return busy


class ForeignCpu:
    """CPU used by processes that are not this benchmark's (its own processes, its broker, and
    PostgreSQL, which cannot be told apart per client), sampled every second from /proc. Another
    engineer's test suite on the same 2 CPUs moves the figures a lot; this says how much ran."""

    def __init__(self, own_pids: Callable[[], set[int]]) -> None:
        self._own_pids = own_pids
        self._ticks_per_s = os.sysconf("SC_CLK_TCK")
        self._last: dict[int, int] = {}
        self._foreign_ticks = 0
        self._started = time.monotonic()
        self._stopped: float | None = None

    def _sample(self) -> None:
        own = self._own_pids()
        current: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) in own:
                continue
            try:
                raw = (entry / "stat").read_text()
            except OSError:
                continue  # exited meanwhile
            name = raw[raw.index("(") + 1 : raw.rindex(")")]
            if name.startswith("postgres"):
                continue
            fields = raw[raw.rindex(")") + 2 :].split()
            current[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime + stime
        # Only time used since the previous sample counts (new processes count from their start).
        self._foreign_ticks += sum(
            ticks - self._last.get(pid, 0 if self._last else ticks) for pid, ticks in current.items()
        )
        self._last = current

    async def run(self) -> None:
        try:
            while True:
                self._sample()
                await asyncio.sleep(1.0)
        finally:
            self._stopped = time.monotonic()

    def share(self) -> float:
        elapsed = (self._stopped or time.monotonic()) - self._started
        return self._foreign_ticks / self._ticks_per_s / max(elapsed, 1e-3) / (os.cpu_count() or 1)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation), the same for both paths."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- report ----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    kafka = re.search(r"<kafka.version>([^<]+)</kafka.version>", (ROOT / "deploy" / "kafka" / "pom.xml").read_text())
    return {
        "cpus": str(len(os.sched_getaffinity(0))),
        "cpu_model": model.group(1).strip() if model else "unknown",
        "ram_gib": f"{int(meminfo.group(1)) / 1024**2:.1f}" if meminfo else "unknown",
        "kernel": platform.release(),
        "python": platform.python_version(),
        "kafka": kafka.group(1) if kafka else "unknown",
        "aiokafka": importlib.metadata.version("aiokafka"),
        "loadavg": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def render(figures: Figures, versions: dict[str, str], host: dict[str, str], settings: ServiceSettings) -> str:
    ship, raw, wait = figures.ship_latencies_ms, figures.raw_latencies_ms, figures.ship_outbox_wait_ms
    ratio_ok = "met" if figures.ratio >= TARGET_RATIO else "MISSED"
    p99_ok = "met" if percentile(ship, 99) < TARGET_P99_MS else "MISSED"
    if figures.writer_bound:
        p99_ok = f"{'under' if p99_ok == 'met' else 'over'} target, but at {figures.ship_writer_rate:,.0f}/s: see below"
    raw_runs = " and ".join(f"{rate:,.0f}" for rate in figures.raw_rates)
    disturbed = " — **the figures are disturbed by that other work**" if figures.foreign_cpu > QUIET_CPU_SHARE else ""
    offered_how = "set with --offered-rate" if figures.offered_by_option else "half of ShipSettle's max"
    # The writer is the real add_to_outbox on the same CPUs: if it cannot keep up, say so.
    writer_bound = (
        f"""
**The offered rate was not reached**: the writer, the real `add_to_outbox` (one INSERT per event),
achieved {figures.ship_writer_rate:,.0f} events/s while sharing the {host["cpus"]} CPUs with the relay, the consumer, Kafka and
PostgreSQL. Writing an event costs more CPU than moving it (the max above starts from a pre-loaded
outbox), so on this machine the latency target could only be measured at the rate the writer reached.
"""
        if figures.writer_bound
        else ""
    )
    return f"""{SECTION}

`make bench-bus` (bench/bus.py), run {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}.

Machine: {host["cpus"]} CPUs ({host["cpu_model"]}), {host["ram_gib"]} GiB RAM, Linux {host["kernel"]};
Python {host["python"]} (uvloop), aiokafka {host["aiokafka"]}; Apache Kafka {host["kafka"]} single-node KRaft;
PostgreSQL {versions["postgres"]} (synchronous_commit={versions["synchronous_commit"]}). Everything on 127.0.0.1: the
broker, the database and all benchmark processes share the same {host["cpus"]} CPUs. Other work kept
{figures.background_cpu:.0%} of the CPUs busy just before the run and used {figures.foreign_cpu:.0%} of them during it{disturbed}
(load average at the end: {host["loadavg"]}).

| | ShipSettle (outbox → relay → Kafka → consumer → inbox) | raw aiokafka (produce → consume) |
|---|---:|---:|
| throughput, N = {figures.events:,} events | **{figures.ship_rate:,.0f} events/s** ({figures.ship_seconds:.1f} s) | {figures.raw_rate:,.0f} msg/s (mean of {raw_runs}) |
| ShipSettle / raw (target ≥ {TARGET_RATIO:.0%}) | **{figures.ratio:.1%}** ({ratio_ok}) | |
| offered rate for latency ({offered_how}) | {figures.offered_rate:,.0f} events/s (writer achieved {figures.ship_writer_rate:,.0f}) | {figures.offered_rate:,.0f} msg/s |
| delivery latency p50 | {percentile(ship, 50):,.1f} ms | {percentile(raw, 50):,.1f} ms |
| delivery latency p99 (target < {TARGET_P99_MS:.0f} ms) | **{percentile(ship, 99):,.1f} ms** ({p99_ok}) | {percentile(raw, 99):,.1f} ms |
| delivery latency max | {max(ship):,.1f} ms | {max(raw):,.1f} ms |
| latency samples | {len(ship):,} | {len(raw):,} |
{writer_bound}
Where ShipSettle's latency goes: from `occurred_at` to the start of the relay pass that published the
event p50 {percentile(wait, 50):,.1f} ms / p99 {percentile(wait, 99):,.1f} ms; the rest is publish, Kafka and the consumer. In the
throughput run the relay had started its last pass {figures.ship_relay_seconds:.1f} s after its first, i.e. it
published at ≥ {figures.events / max(figures.ship_relay_seconds, 1e-3):,.0f} events/s while the consumer kept up at the rate above.
Duplicate receipts (must be 0, else the inbox let a redelivery through): {figures.duplicates}.

How it was measured:
- Fresh broker on port {KAFKA_PORT} (log dir wiped, warmed up with {BROKER_WARMUP_MESSAGES:,} unmeasured messages), topics from
  `shipsettle_shared.topics`; fresh databases `{SOURCE_DB}` / `{SINK_DB}` migrated with order-svc's and
  settlement-svc's real migrations.
- ShipSettle: the shipped code and settings (outbox_batch_size={settings.outbox_batch_size},
  consumer_max_records={settings.consumer_max_records}, outbox_idle_poll_ms={settings.outbox_idle_poll_ms}). N `BusProbeSent`
  rows (distinct probe ids as keys) are written with `add_to_outbox` in transactions of {PRELOAD_BATCH}; then one
  `OutboxRelay` process publishes them to `diagnostics.events` ({DIAGNOSTICS_PARTITIONS} partitions) while one
  `ConsumerLoop` process (settlement-svc's `bus_probe_subscription`, group already joined) records a
  receipt per event (in its inbox transaction, as the shipped handler does). Rate = N / (last receipt's `received_at` − `published_at`
  of the relay's first pass), both from the database clock.
- raw: one aiokafka producer process (`kafka_config.producer_config`: idempotent, acks=all) sends the same
  envelope bytes and headers with distinct keys as fast as the client accepts, to a topic with the same
  partition count; one aiokafka consumer process (`kafka_config.consumer_config`, same max records per
  poll) commits offsets after every batch and does not parse. Rate = N / (last arrival − first send);
  measured before and after the ShipSettle run.
- Latency: offered rate = half of ShipSettle's measured maximum (unless set), the same for both paths. An open-loop writer releases
  what is due every {WRITER_TICK_S * 1000:.0f} ms (one transaction per tick, at most one tick's worth of rows); the first {LATENCY_WARMUP_S:.0f} s are excluded, then
  {figures.latency_seconds:.0f} s are measured. ShipSettle latency = receipt `received_at` (`clock_timestamp()` in the handler)
  − envelope `occurred_at` (taken just before the writer's insert), so it includes the writer's commit,
  the relay's polling and the consumer's batching. raw latency = arrival at the consumer − send time
  stamped in a header. Nearest-rank percentiles.
- One run, not an average; figures move by several percent between runs on a shared 2-CPU machine,
  more when other work is running (see the CPU share above).
"""


def write_section(section: str, heading: str = SECTION) -> None:
    """Replace the section under ``heading`` (up to the next "## ") or append it; bench-lifecycle
    writes its own section with it."""
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    current = (
        DOC_PATH.read_text()
        if DOC_PATH.exists()
        else "# Benchmarks\n\nFigures measured by the `make bench-*` targets; each target rewrites its own section.\n"
    )
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(current):
        updated = pattern.sub(lambda _: section + "\n", current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + section
    DOC_PATH.write_text(updated.rstrip("\n") + "\n")


def print_table(figures: Figures) -> None:
    ship, raw = figures.ship_latencies_ms, figures.raw_latencies_ms
    rows = [
        ("", "ShipSettle", "raw aiokafka"),
        (f"throughput (N={figures.events})", f"{figures.ship_rate:,.0f} ev/s", f"{figures.raw_rate:,.0f} msg/s"),
        (f"ratio (target >= {TARGET_RATIO:.0%})", f"{figures.ratio:.1%}", ""),
        (
            "offered rate (writer achieved)",
            f"{figures.offered_rate:,.0f}/s ({figures.ship_writer_rate:,.0f})",
            f"{figures.offered_rate:,.0f}/s",
        ),
        ("p50 latency", f"{percentile(ship, 50):,.1f} ms", f"{percentile(raw, 50):,.1f} ms"),
        (
            f"p99 latency (target < {TARGET_P99_MS:.0f} ms)",
            f"{percentile(ship, 99):,.1f} ms",
            f"{percentile(raw, 99):,.1f} ms",
        ),
        ("max latency", f"{max(ship):,.1f} ms", f"{max(raw):,.1f} ms"),
        (
            "outbox wait p50 / p99",
            f"{percentile(figures.ship_outbox_wait_ms, 50):,.0f} / "
            f"{percentile(figures.ship_outbox_wait_ms, 99):,.0f} ms",
            "",
        ),
        ("duplicate receipts", str(figures.duplicates), ""),
        ("other work: CPU before / during", f"{figures.background_cpu:.0%} / {figures.foreign_cpu:.0%}", ""),
    ]
    print()
    for label, ship_cell, raw_cell in rows:
        print(f"  {label:32} {ship_cell:>18} {raw_cell:>16}")
    if figures.writer_bound:
        print("\n  the writer (add_to_outbox) did not reach the offered rate: latency is at the rate it achieved")
    print()


def orchestrate(args: argparse.Namespace) -> int:
    orchestrator = Orchestrator(args)

    def abort(signum: int, frame: FrameType | None) -> None:
        raise BenchAborted(f"stopped by signal {signal.Signals(signum).name}")

    # A hard stop even if a synchronous step hangs; the asyncio part has its own deadline.
    signal.signal(signal.SIGTERM, abort)
    signal.signal(signal.SIGALRM, abort)
    signal.alarm(int(args.timeout) + 60)
    try:
        orchestrator.prepare()
        figures, versions = uvloop.run(asyncio.wait_for(orchestrator.measure(), timeout=orchestrator.remaining()))
        section = render(figures, versions, machine(), _settings(TARGET_SERVICE))
        write_section(section)
        print_table(figures)
        print(f"written to {DOC_PATH.relative_to(ROOT)} (section '{SECTION}'); logs in {orchestrator.run_dir}")
        return 0
    except TimeoutError:
        print(
            f"bench-bus gave up after --timeout {args.timeout:.0f} s; logs in {orchestrator.run_dir}", file=sys.stderr
        )
        return 1
    except (BenchAborted, subprocess.SubprocessError) as error:
        print(f"bench-bus failed: {error}; logs in {orchestrator.run_dir}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        orchestrator.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000, help="N for the throughput phases")
    parser.add_argument("--latency-seconds", type=float, default=20.0)
    parser.add_argument(
        "--offered-rate", type=float, default=0.0, help="events/s for the latency phases (default: half of the max)"
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="the whole run, broker start to stop")
    commands = parser.add_subparsers(dest="command")
    workers: dict[str, Callable[[argparse.Namespace], Coroutine[Any, Any, None]]] = {
        "relay": relay_worker,
        "consumer": consumer_worker,
        "raw-producer": raw_producer_worker,
        "raw-consumer": raw_consumer_worker,
    }
    for name in workers:
        worker = commands.add_parser(name)
        worker.add_argument("--max-seconds", type=float, required=True)
        if name == "consumer":
            worker.add_argument("--group-prefix", required=True)
        if name.startswith("raw-"):
            worker.add_argument("--bootstrap", default=BOOTSTRAP, help="another broker (bench-lifecycle's)")
            worker.add_argument("--topic", required=True)
            worker.add_argument("--count", type=int, required=True)
            worker.add_argument("--result-file", required=True)
        if name == "raw-producer":
            worker.add_argument("--rate", type=float, required=True)
            worker.add_argument("--note", required=True)
        if name == "raw-consumer":
            worker.add_argument("--group", required=True)
            worker.add_argument("--ready-file", required=True)
    args = parser.parse_args(argv)
    if args.command is None:
        return orchestrate(args)
    # Workers run like the services do: JSON logs, uvloop (uvicorn picks it when installed).
    configure_logging(f"bench-{args.command}")
    uvloop.run(workers[args.command](args))
    return 0


if __name__ == "__main__":
    sys.exit(main())

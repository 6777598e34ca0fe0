"""Where the platform runs: a private one started here (its own broker, databases, ports and
consumer groups, like tests/e2e/platform_support.py), or one already running at a port offset.

The launcher helpers of deploy/local.py are reused by import (deploy/ goes on sys.path, as the
test suite's pythonpath does), so the processes are started exactly as `make run` starts them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT / "deploy", ROOT / "shared"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import local  # noqa: E402  (deploy/local.py: the launcher `make run` uses)

log = logging.getLogger("surge.platform")

__all__ = [
    "ROOT",
    "SERVICE_NAMES",
    "LagProbe",
    "PlatformHandle",
    "Topology",
    "attach",
    "instance_name",
    "local",
    "start_private",
    "wipe_broker",
]

from shipsettle_shared.kafka_access import tooling_client_config  # noqa: E402
from shipsettle_shared.topology import SERVICES, ServiceSpec, database_url, service_database_urls  # noqa: E402

SERVICE_NAMES = [spec.name for spec in SERVICES]


@dataclass
class PlatformHandle:
    """Addresses of a running platform and how to act on it; ``processes`` only if started here."""

    urls: dict[str, str]
    database_urls: dict[str, str]
    order_env: dict[str, str]
    sandbox_secret: str = local.SANDBOX_API_SECRET
    kafka_bootstrap: str = ""
    processes: dict[str, Any] = field(default_factory=dict)
    kafka_port: int | None = None  # a broker this handle started and must stop
    three_brokers: bool = False  # kafka_port is then the first broker of deploy/kafka/cluster.sh
    group_prefix: str = ""  # the services' consumer groups, to read their lag from the broker
    clock_offset_s: int = 0  # how far advance_clock has moved the services' test clocks
    clock_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def url(self, name: str) -> str:
        return self.urls[name]

    def issue_key(self, *arguments: str) -> dict[str, str]:
        """Bootstrap keys (ops, platform, auditor) through order-svc's CLI, as `make run` does."""
        return dict(local.issue_key(self.order_env, *arguments))

    async def advance_clock(self, client: httpx.AsyncClient, seconds: int) -> None:
        """Move every service instance's test clock together: one notion of time across services.
        An instance down at this moment (a chaos run's kill) gets the new offset when it restarts
        (``restart``), which holds the same lock."""
        async with self.clock_lock:
            for name in self.service_instances():
                process = self.processes.get(name)
                if process is not None and not process.alive():
                    continue
                response = await client.post(f"{self.urls[name]}/_test/clock/advance", json={"seconds": seconds})
                if response.status_code != 200:
                    raise RuntimeError(f"{name} refused to move its clock: {response.status_code} {response.text}")
            self.clock_offset_s += seconds

    def service_instances(self) -> list[str]:
        """Every instance of every service (the first instance of each when attached)."""
        return [name for name in self.urls if name.split("#")[0] in SERVICE_NAMES]

    async def restart(self, name: str, *, extra_env: dict[str, str] | None = None) -> float:
        """Start a stopped process again at the platform's current test time and wait until it is
        ready; the seconds that took. ``extra_env`` (e.g. an armed failpoint) lasts one start."""
        process = self.processes[name]
        async with self.clock_lock:
            saved = dict(process.env)
            process.env["SHIPSETTLE_TEST_CLOCK_OFFSET_S"] = str(self.clock_offset_s)
            process.env.update(extra_env or {})
            started = time.monotonic()
            try:
                process.start()
            finally:
                process.env = saved
            await asyncio.to_thread(process.wait_ready, 180)
            return time.monotonic() - started

    def stop(self) -> None:
        local.stop_all(list(self.processes.values()))
        if self.kafka_port is not None and self.three_brokers:
            cluster("stop", kafka_port=self.kafka_port)
        elif self.kafka_port is not None:
            local.stop_kafka(self.kafka_port)


def attach(*, port_offset: int, db_suffix: str, kafka_bootstrap: str, group_prefix: str = "") -> PlatformHandle:
    """A platform already running (in the test environment: the clocks must be movable)."""
    urls = {spec.name: f"http://127.0.0.1:{spec.http_port + port_offset}" for spec in SERVICES}
    for kind, port in local.SANDBOX_PORTS.items():
        urls[f"{kind}-sandbox"] = f"http://127.0.0.1:{port + port_offset}"
    database_urls = {spec.name: database_url(spec.database + db_suffix) for spec in SERVICES}
    order_env = {
        "SHIPSETTLE_ENVIRONMENT": "test",
        "SHIPSETTLE_DATABASE_URL": database_urls["order-svc"],
        "SHIPSETTLE_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
    }
    return PlatformHandle(
        urls=urls,
        database_urls=database_urls,
        order_env=order_env,
        kafka_bootstrap=kafka_bootstrap,
        group_prefix=group_prefix,
    )


INSTANCE_PORT_STEP = 50  # instance k of a service listens on its port + 50 * (k - 1)


@dataclass
class Topology:
    """What a private platform runs beyond one instance of each service (the chaos run's needs)."""

    # service → instances in the same consumer groups; the first one answers the driver's requests
    instances: dict[str, int] = field(default_factory=dict)
    service_env: dict[str, str] = field(default_factory=dict)  # for every instance of every service
    # service → the port its database connections go to (a fault proxy in front of PostgreSQL)
    database_ports: dict[str, int] = field(default_factory=dict)
    sandbox_args: tuple[str, ...] = ("--fail-rate", "0", "--min-delay-ms", "20", "--max-delay-ms", "100")
    three_brokers: bool = False  # deploy/kafka/cluster.sh on kafka_port instead of one broker


def cluster(verb: str, *arguments: str, kafka_port: int) -> str:
    """deploy/kafka/cluster.sh: a three-broker KRaft cluster whose first broker is on kafka_port."""
    done = subprocess.run(
        ["bash", "deploy/kafka/cluster.sh", verb, *arguments],
        cwd=ROOT,
        env={**os.environ, "KAFKA_CLUSTER_PORT": str(kafka_port)},
        check=True,
        capture_output=verb == "bootstrap",
        text=True,
    )
    return done.stdout.strip() if verb == "bootstrap" else ""


def wipe_broker(kafka_port: int, *, three_brokers: bool) -> None:
    """Stop the broker (or cluster) on ``kafka_port`` and delete its data, so a run starts from
    empty topics: the new run's consumer groups read from the earliest offset, and would apply
    again whatever an earlier run (or an interrupted one) left on the topics."""
    kafka_dir = ROOT / "var" / "kafka"
    if three_brokers:
        cluster("stop", kafka_port=kafka_port)
        shutil.rmtree(kafka_dir / f"cluster-{kafka_port}", ignore_errors=True)
        for node in range(3):  # deploy/kafka/cluster.sh: node N on kafka_port + 2(N-1)
            shutil.rmtree(kafka_dir / str(kafka_port + 2 * node), ignore_errors=True)
    else:
        local.stop_kafka(kafka_port)
        shutil.rmtree(kafka_dir / str(kafka_port), ignore_errors=True)


def start_cluster(kafka_port: int) -> str:
    cluster("start", kafka_port=kafka_port)
    bootstrap = cluster("bootstrap", kafka_port=kafka_port)
    subprocess.run(
        [local.PYTHON, "-m", "shipsettle_shared.topics", "ensure", "--bootstrap", bootstrap, "--replication", "3"],
        cwd=ROOT,
        check=True,
    )
    return bootstrap


def proxied_database_env(spec: ServiceSpec, db_suffix: str, database_port: int) -> dict[str, str]:
    """A service's database connections, its migrations' included, through a fault proxy."""
    urls = service_database_urls(spec, db_suffix, port=database_port)
    return {"SHIPSETTLE_DATABASE_URL": urls.runtime, "SHIPSETTLE_MIGRATION_DATABASE_URL": urls.owner}


def instance_name(service: str, instance: int) -> str:
    return service if instance == 1 else f"{service}#{instance}"


async def start_private(
    *, port_offset: int, db_suffix: str, kafka_port: int, topology: Topology | None = None
) -> PlatformHandle:
    """Broker (if none on ``kafka_port``), PostgreSQL, fresh databases, five services and the two
    provider sandboxes, all on loopback and all this run's own."""
    topology = topology or Topology()
    if topology.three_brokers:
        started_kafka = True
        bootstrap = await asyncio.to_thread(start_cluster, kafka_port)
    else:
        started_kafka = not local.kafka_running(kafka_port)
        bootstrap = await asyncio.to_thread(local.start_kafka, kafka_port)
    await asyncio.to_thread(local.start_postgres, db_suffix)
    # each service's database as its owner (the checker and the benches read them; the services
    # themselves serve as their runtime roles)
    database_urls = {spec.name: (await local.recreate_service_database(spec, db_suffix)).owner for spec in SERVICES}
    run = uuid.uuid4().hex[:8]
    log_dir = ROOT / "var" / "surge" / f"platform-{run}"
    processes: dict[str, Any] = {}
    for spec in SERVICES:
        database_port = topology.database_ports.get(spec.name)
        for instance in range(1, topology.instances.get(spec.name, 1) + 1):
            process = local.service_process(
                spec,
                bootstrap=bootstrap,
                db_suffix=db_suffix,
                port_offset=port_offset + INSTANCE_PORT_STEP * (instance - 1),
                environment="test",
                extra_env={
                    "SHIPSETTLE_CONSUMER_GROUP_PREFIX": f"surge-{run}.",
                    "SHIPSETTLE_PAYOUT_BATCH_INTERVAL_S": "1",
                    **local.DRIVER_RATE_LIMITS_ENV,
                    **local.provider_env(spec.name, port_offset),
                    **({"SHIPSETTLE_INVARIANT_GRACE_S": "2"} if spec.name == "recon-svc" else {}),
                    **(proxied_database_env(spec, db_suffix, database_port) if database_port else {}),
                    **topology.service_env,
                },
                instance=f"surge-{instance}",
                log_dir=log_dir,
            )
            processes[instance_name(spec.name, instance)] = process
    for kind in local.SANDBOX_PORTS:
        processes[f"{kind}-sandbox"] = local.sandbox_process(
            kind,
            port_offset=port_offset,
            state_dir=log_dir / f"{kind}-sandbox",
            instance="surge",
            log_dir=log_dir,
            extra_args=topology.sandbox_args + (("--return-rate", "0") if kind == "payout" else ()),
        )
    handle = PlatformHandle(
        urls={name: process.base_url for name, process in processes.items()},
        database_urls=database_urls,
        order_env=dict(processes["order-svc"].env),
        kafka_bootstrap=bootstrap,
        group_prefix=f"surge-{run}.",
        processes=processes,
        kafka_port=kafka_port if started_kafka else None,
        three_brokers=topology.three_brokers,
    )
    try:
        for process in processes.values():
            process.start()
        await asyncio.gather(*(asyncio.to_thread(process.wait_ready) for process in processes.values()))
    except BaseException:
        handle.stop()
        raise
    return handle


class LagProbe:
    """Messages not yet committed by this platform's consumer groups (those named with its
    prefix): end offsets less committed offsets, read from the broker itself. The services'
    lag gauge is only refreshed after a non-empty poll, so it can stay stale once idle."""

    def __init__(self, bootstrap: str, group_prefix: str) -> None:
        self.bootstrap = bootstrap
        self.group_prefix = group_prefix
        self.started = False  # its clients are made and started at the first look

    async def _start(self) -> None:
        from aiokafka import AIOKafkaConsumer
        from aiokafka.admin import AIOKafkaAdminClient

        self.admin = AIOKafkaAdminClient(**tooling_client_config(self.bootstrap))
        self.consumer = AIOKafkaConsumer(**tooling_client_config(self.bootstrap), enable_auto_commit=False)
        await self.admin.start()
        await self.consumer.start()
        self.started = True

    async def reset(self) -> None:
        """Fresh clients for the next look: after a broker restart an admin client can keep
        failing on the connection it had."""
        try:
            await self.close()
        except Exception as error:  # closing what is broken may fail too; the new clients are what count
            log.info("lag probe: closing the old clients failed (%s); starting new ones", error)
        self.started = False

    async def lag(self) -> int:
        return sum((await self.lag_by_group()).values())

    async def lag_by_group(self) -> dict[str, int]:
        if not self.started:
            await self._start()
        groups = [g[0] for g in await self.admin.list_consumer_groups() if str(g[0]).startswith(self.group_prefix)]
        lag: dict[str, int] = {}
        for group in groups:
            committed = await self.admin.list_consumer_group_offsets(group)
            if not committed:
                continue
            ends = await self.consumer.end_offsets(list(committed))
            for tp, meta in committed.items():
                if meta.offset >= 0 and ends[tp] > meta.offset:
                    key = f"{group} {tp.topic}"
                    lag[key] = lag.get(key, 0) + ends[tp] - meta.offset
        return lag

    async def close(self) -> None:
        if self.started:
            await self.consumer.stop()
            await self.admin.close()

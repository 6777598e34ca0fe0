"""Injects a fault plan into a private platform while the surge driver works, restarts whatever
dies, and afterwards checks that every malformed message reached the dead-letter topic.

Everything stays on 127.0.0.1: processes are signalled directly, the broker and PostgreSQL are
restarted with the project's own scripts, and network faults go through ``chaos.tcp_proxy``
proxies that sit between each service and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
import subprocess
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError

from chaos.faults import Fault, Kind
from chaos.tcp_proxy import Fault as LinkFault
from chaos.tcp_proxy import FaultProxy
from shipsettle_shared.contracts import Topic, partitions_of
from shipsettle_shared.kafka_access import tooling_client_config
from surge.platform import ROOT, PlatformHandle, cluster, local

logger = logging.getLogger(__name__)

MALFORMED_PREFIX = b"chaos-malformed "  # not JSON, so never an envelope
REBALANCE_PORT_STEP = 70  # the extra consumer listens on its service's port + 70
SUPERVISE_EVERY_S = 0.5
RELAY_FAILPOINT_WAIT_S = 300.0  # bounded; an idle relay may take a while to publish again
BROKER_PATIENCE_S = 120.0  # a malformed burst waits this long for a restarting broker
# A malformed burst waits until it is at most this share of its topic's traffic since the burst
# before it there. The run's total stays 1% of the events; the cap only keeps a burst out of a
# quiet phase, where 12 bad messages among a few dozen would trip the consumers' halt guard (20%
# of their last 500 messages) as an upstream gone wrong would, and halt the surge.
MALFORMED_SHARE_CAP = 0.05


@dataclass
class FaultRecord:
    fault: Fault
    started_s: float = 0.0  # since the surge started
    recovered_s: float | None = None  # since the surge started: the system whole again
    outcome: str = ""
    # since the surge started: when it stopped disrupting the platform, if before its recovery
    # (a relay kill whose failpoint the surge never reached: once its instance was up, armed)
    disrupted_until_s: float | None = None

    def as_json(self) -> dict[str, Any]:
        disrupted_until_s = self.recovered_s if self.disrupted_until_s is None else self.disrupted_until_s
        return {
            **self.fault.as_json(),
            "started_s": round(self.started_s, 2),
            "recovered_s": None if self.recovered_s is None else round(self.recovered_s, 2),
            "recovery_s": None if self.recovered_s is None else round(self.recovered_s - self.started_s, 2),
            "disrupted_until_s": None if disrupted_until_s is None else round(disrupted_until_s, 2),
            "outcome": self.outcome,
        }


@dataclass
class ChaosRunner:
    platform: PlatformHandle
    kafka_port: int
    proxies: dict[str, FaultProxy] = field(default_factory=dict)  # service → its PostgreSQL link
    stall_s: float = 15.0  # longer than the services' max poll interval in a chaos run
    records: list[FaultRecord] = field(default_factory=list)
    restarts: list[dict[str, Any]] = field(default_factory=list)  # unplanned deaths, restarted
    malformed: dict[str, str] = field(default_factory=dict)  # message key → topic
    _held: set[str] = field(default_factory=set)  # processes a fault is acting on
    _traffic_at_last_burst: dict[str, int] = field(default_factory=dict)  # topic → its own messages then
    _disrupted_until_s: dict[Fault, float] = field(default_factory=dict)  # see FaultRecord.disrupted_until_s
    traffic_look_every_s: float = 5.0
    # set when the surge has ended: no new fault starts, and one in progress ends its wait and
    # restores what it broke, so the checker never looks at an armed or missing process
    surge_over: asyncio.Event = field(default_factory=asyncio.Event)
    # set when the surge reaches its last step: the plan's breakage stops and the closing fault goes
    closing_due: asyncio.Event = field(default_factory=asyncio.Event)
    _phase_started_s: dict[str, float] = field(default_factory=dict)
    _phase_events: dict[str, asyncio.Event] = field(default_factory=dict)
    _started: float = field(default_factory=time.monotonic)

    def now_s(self) -> float:
        return time.monotonic() - self._started

    # --- the plan ------------------------------------------------------------------------------

    async def inject(self, faults: list[Fault], closing: Fault | None = None) -> None:
        """Each fault at its moment, or right after the previous one of its lane has recovered.
        Malformed messages are traffic, not a broken process: they keep their own lanes, one per
        topic (each burst waits for its topic's traffic), so a fault that takes minutes to recover
        (a relay kill waiting for its publish) does not pile them up behind it and release them
        all at once. With a ``closing`` fault, the plan's
        breakage stops when the closing one is due, and that one goes as soon as the fault in
        progress has recovered: nothing but traffic comes after it."""
        traffic_by_topic: dict[str, list[Fault]] = defaultdict(list)
        for fault in faults:
            if fault.kind is Kind.MALFORMED:
                traffic_by_topic[fault.target].append(fault)
        breakage = [fault for fault in faults if fault.kind is not Kind.MALFORMED]
        traffic_lanes = asyncio.gather(
            *(self._inject_lane(lane, stops=(self.surge_over,)) for lane in traffic_by_topic.values())
        )
        try:
            if closing is None:
                await self._inject_lane(breakage, stops=(self.surge_over,))
            else:
                await self._inject_lane(breakage, stops=(self.surge_over, self.closing_due))
                await _first_of((self.surge_over, self.closing_due), timeout_s=None)
                if not self.surge_over.is_set():
                    await self._inject_one(closing)
        finally:
            await traffic_lanes
        self.records.sort(key=lambda record: record.started_s)

    def phase_started(self, name: str) -> None:
        """The surge driver's hook: ``name`` started now (faults may count their moment from it)."""
        self._phase_started_s.setdefault(name, self.now_s())
        self._phase_event(name).set()

    def _phase_event(self, name: str) -> asyncio.Event:
        return self._phase_events.setdefault(name, asyncio.Event())

    async def _inject_lane(self, faults: list[Fault], *, stops: tuple[asyncio.Event, ...]) -> None:
        for fault in faults:
            start_s = 0.0
            if fault.after_phase:
                await _first_of((*stops, self._phase_event(fault.after_phase)), timeout_s=None)
                start_s = self._phase_started_s.get(fault.after_phase, self.now_s())
            delay = start_s + fault.at_s - self.now_s()
            if delay > 0:
                await _first_of(stops, timeout_s=delay)
            if any(stop.is_set() for stop in stops):
                return  # the rest of the plan is reported as not injected
            if fault.kind is Kind.MALFORMED and not await self._until_traffic_carries(fault):
                return
            await self._inject_one(fault)

    async def _until_traffic_carries(self, fault: Fault) -> bool:
        """Hold a malformed burst until it is at most MALFORMED_SHARE_CAP of its topic's own
        traffic since the previous burst there; False if the surge ended first."""
        needed = int(fault.detail) / MALFORMED_SHARE_CAP
        while not self.surge_over.is_set():
            try:
                sent = sum(1 for topic in self.malformed.values() if topic == fault.target)
                own = await self._topic_messages(fault.target) - sent
            except Exception as error:  # the broker restarting: look again
                logger.info("reading %s's traffic failed (%s); looking again", fault.target, error)
            else:
                if own - self._traffic_at_last_burst.get(fault.target, 0) >= needed:
                    self._traffic_at_last_burst[fault.target] = own
                    return True
            await _first_of((self.surge_over,), timeout_s=self.traffic_look_every_s)
        return False

    async def _topic_messages(self, topic: str) -> int:
        """How many messages the topic holds (the sum of its partitions' end offsets): the
        surge's, as a chaos run starts from a wiped broker, and this runner's malformed ones."""
        consumer = AIOKafkaConsumer(**tooling_client_config(self.platform.kafka_bootstrap), enable_auto_commit=False)
        await consumer.start()
        try:
            partitions = [TopicPartition(topic, partition) for partition in partitions_of(Topic(topic))]
            return sum((await consumer.end_offsets(partitions)).values())
        finally:
            await consumer.stop()

    async def _inject_one(self, fault: Fault) -> None:
        record = FaultRecord(fault, started_s=self.now_s())
        self.records.append(record)
        print(f"chaos: {record.started_s:7.1f} s  {fault.kind.value} {fault.target} {fault.detail}", flush=True)
        try:
            record.outcome = await self._apply(fault)
        except Exception as error:
            record.outcome = f"not injected: {error!r}"
            logger.exception("fault %s failed", fault)
        record.recovered_s = self.now_s()
        record.disrupted_until_s = self._disrupted_until_s.pop(fault, None)

    async def _apply(self, fault: Fault) -> str:
        handlers = {
            Kind.KILL: self._kill,
            Kind.STALL: self._stall,
            Kind.REBALANCE: self._rebalance,
            Kind.RELAY_KILL: self._relay_kill,
            Kind.BROKER_RESTART: self._restart_broker,
            Kind.POSTGRES_RESTART: self._restart_postgres,
            Kind.NETWORK: self._network,
            Kind.PROVIDERS: self._providers,
            Kind.MALFORMED: self._malformed,
        }
        return await handlers[fault.kind](fault)

    async def _kill(self, fault: Fault) -> str:
        self._held.add(fault.target)
        try:
            self.platform.processes[fault.target].kill()
            await asyncio.sleep(fault.hold_s)
            took = await self.platform.restart(fault.target)
        finally:
            self._held.discard(fault.target)
        return f"killed -9, down {fault.hold_s} s, ready {took:.1f} s after restart"

    async def _stall(self, fault: Fault) -> str:
        process = self.platform.processes[fault.target].process
        assert process is not None
        process.send_signal(signal.SIGSTOP)
        try:
            await asyncio.sleep(self.stall_s)
        finally:
            process.send_signal(signal.SIGCONT)
        await asyncio.to_thread(self.platform.processes[fault.target].wait_ready, 120)
        return f"SIGSTOP {self.stall_s:.0f} s, SIGCONT, ready again"

    async def _rebalance(self, fault: Fault) -> str:
        """A consumer-only instance joins the service's groups, stays a while, and leaves."""
        template = self.platform.processes[fault.target]
        port = template.port + REBALANCE_PORT_STEP
        extra = dataclasses.replace(
            template,
            port=port,
            env={
                **template.env,
                "SHIPSETTLE_HTTP_PORT": str(port),
                "SHIPSETTLE_ROLES": "consumer",
            },
            log_path=template.log_path.with_name(f"{fault.target}-rebalance.log"),
            process=None,
            instance="rebalance",
        )
        async with self.platform.clock_lock:  # joins at the platform's current test time
            extra.env["SHIPSETTLE_TEST_CLOCK_OFFSET_S"] = str(self.platform.clock_offset_s)
            extra.start()
            self.platform.urls[f"{fault.target}#rebalance"] = extra.base_url
            self.platform.processes[f"{fault.target}#rebalance"] = extra
            self._held.add(f"{fault.target}#rebalance")
            await asyncio.to_thread(extra.wait_ready, 120)
        await asyncio.sleep(fault.hold_s)
        async with self.platform.clock_lock:
            del self.platform.urls[f"{fault.target}#rebalance"]
            del self.platform.processes[f"{fault.target}#rebalance"]
        await asyncio.to_thread(extra.stop)
        self._held.discard(f"{fault.target}#rebalance")
        return f"a consumer joined for {fault.hold_s} s and left"

    async def _relay_kill(self, fault: Fault) -> str:
        """Restart the instance armed to die between a publish and its mark-sent, let it die
        there, and restart it clean."""
        process = self.platform.processes[fault.target]
        self._held.add(fault.target)
        try:
            process.kill()
            with contextlib.suppress(RuntimeError):  # died at the failpoint before it was ready
                await self.platform.restart(fault.target, extra_env={"SHIPSETTLE_FAILPOINTS": fault.detail})
            armed_s = self.now_s()
            deadline = time.monotonic() + RELAY_FAILPOINT_WAIT_S
            # the closing fault ends the wait too: it comes only after this one has recovered
            waiting_ends = (self.surge_over, self.closing_due)
            while process.alive() and time.monotonic() < deadline and not any(e.is_set() for e in waiting_ends):
                await asyncio.sleep(0.2)
            reached = not process.alive()
            process.kill()
            took = await self.platform.restart(fault.target)
        finally:
            self._held.discard(fault.target)
        if reached:
            return f"died at {fault.detail}; ready {took:.1f} s after restart"
        if self.surge_over.is_set():  # its clean restart is the wind-up after the surge, not a disruption
            self._disrupted_until_s[fault] = armed_s
            return f"{fault.detail} not reached when the surge ended (little to publish); restarted clean"
        if self.closing_due.is_set():
            return f"{fault.detail} not reached when the payouts started (little to publish); restarted"
        return f"{fault.detail} not reached in {RELAY_FAILPOINT_WAIT_S:.0f} s (little to publish); restarted"

    async def _restart_broker(self, fault: Fault) -> str:
        if fault.target.startswith("kafka-node-"):  # one of three: the others keep the quorum and ISR
            node = fault.target.removeprefix("kafka-node-")
            await asyncio.to_thread(cluster, "kill-node", node, kafka_port=self.kafka_port)
            await asyncio.sleep(fault.hold_s)
            await asyncio.to_thread(cluster, "start-node", node, kafka_port=self.kafka_port)
            return f"broker {node} of 3 killed -9, down {fault.hold_s} s, started"
        await asyncio.to_thread(local.stop_kafka, self.kafka_port)
        await asyncio.sleep(fault.hold_s)
        await asyncio.to_thread(local.start_kafka, self.kafka_port)
        return f"broker stopped, down {fault.hold_s} s, started"

    async def _restart_postgres(self, fault: Fault) -> str:
        started = time.monotonic()
        await asyncio.to_thread(
            subprocess.run, ["bash", "deploy/postgres/postgres.sh", "restart"], cwd=ROOT, check=True
        )
        return f"PostgreSQL restarted in {time.monotonic() - started:.1f} s"

    async def _network(self, fault: Fault) -> str:
        proxy = self.proxies.get(fault.target)
        if proxy is None:
            return "no proxy for this service (run without --proxy)"
        link_fault = LinkFault(fault.detail)
        proxy.set(link_fault, latency_ms=300 if link_fault is LinkFault.LATENCY else 0)
        try:
            await asyncio.sleep(fault.hold_s)
        finally:
            proxy.set(LinkFault.NONE)
        return f"{fault.detail} on {fault.target} ↔ PostgreSQL for {fault.hold_s} s"

    async def _providers(self, fault: Fault) -> str:
        url = f"{self.platform.url(fault.target)}/_sandbox/controls"
        headers = {"Authorization": f"Bearer {self.platform.sandbox_secret}"}
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(
                url, headers=headers, json={"fail_rate": 0.3, "min_delay_ms": 500, "max_delay_ms": 3000}
            )
            response.raise_for_status()
            try:
                await asyncio.sleep(fault.hold_s)
            finally:
                restore = {"fail_rate": 0.0, "min_delay_ms": 20, "max_delay_ms": 100}
                for attempt in range(30):  # the sandbox may itself be restarting
                    try:
                        (await client.post(url, headers=headers, json=restore)).raise_for_status()
                        break
                    except httpx.HTTPError:
                        await asyncio.sleep(1 + attempt)
        return f"{fault.target} failing 30% and answering in 0.5-3 s for {fault.hold_s} s"

    async def _malformed(self, fault: Fault) -> str:
        producer = await self._producer_when_the_broker_answers()
        try:
            partitions = sorted(await producer.partitions_for(fault.target))
            for index in range(int(fault.detail)):
                key = f"chaos-{uuid.uuid4().hex[:12]}"
                await producer.send_and_wait(
                    fault.target,
                    value=MALFORMED_PREFIX + key.encode(),
                    key=key.encode(),
                    partition=partitions[index % len(partitions)],
                )
                self.malformed[key] = fault.target
        finally:
            await producer.stop()
        return f"{fault.detail} malformed messages into {fault.target}"

    async def _producer_when_the_broker_answers(self) -> AIOKafkaProducer:
        """A started producer. A burst that falls during a broker restart waits for the broker,
        as the upstream sending it would, instead of being lost from the run."""
        deadline = time.monotonic() + BROKER_PATIENCE_S
        while True:
            producer = AIOKafkaProducer(**tooling_client_config(self.platform.kafka_bootstrap), acks="all")
            try:
                await producer.start()
            except KafkaConnectionError:
                await producer.stop()
                if time.monotonic() >= deadline:
                    raise
                await asyncio.sleep(1.0)
            else:
                return producer

    # --- keeping the platform up ---------------------------------------------------------------

    async def supervise(self, stop: asyncio.Event) -> None:
        """Restart any process that died on its own (a failpoint, a crash), as an orchestrator
        would; faults acting on a process hold it so its planned restart is theirs."""
        while not stop.is_set():
            for name, process in list(self.platform.processes.items()):
                if name in self._held or process.alive():
                    continue
                code = process.process.returncode if process.process is not None else None
                self._held.add(name)
                try:
                    took = await self.platform.restart(name)
                    self.restarts.append({"process": name, "at_s": round(self.now_s(), 1), "exit": code})
                    logger.warning("%s exited (%s); restarted in %.1f s", name, code, took)
                except Exception:
                    logger.exception("restarting %s failed; trying again", name)
                finally:
                    self._held.discard(name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SUPERVISE_EVERY_S)

    # --- afterwards ----------------------------------------------------------------------------

    async def check_dead_letters(self) -> dict[str, Any]:
        """Every malformed message is in the dead-letter topic once per consumer group reading
        its topic, with its origin and the error."""
        from shipsettle_shared.dead_letters import read_dead_letters

        bootstrap = self.platform.kafka_bootstrap
        readers = await _groups_reading(bootstrap, self.platform.group_prefix)
        letters = await read_dead_letters(bootstrap)
        found: dict[str, set[str]] = defaultdict(set)
        incomplete: list[str] = []
        for letter in letters:
            key = letter.key.decode() if letter.key else ""
            if key not in self.malformed:
                continue
            headers = {name: value.decode() for name, value in letter.headers}
            if headers.get("dl_origin_topic") != self.malformed[key] or "malformed" not in headers.get("dl_error", ""):
                incomplete.append(f"{key}: {headers}")
            found[key].add(headers.get("dl_consumer_group", ""))
        missing = [
            f"{key} ({topic}) not dead-lettered by {sorted(readers[topic] - found[key])}"
            for key, topic in self.malformed.items()
            if readers[topic] - found[key]
        ]
        return {
            "injected": len(self.malformed),
            "dead_lettered": sum(len(groups) for groups in found.values()),
            "missing": missing[:20],
            "without_origin_or_error": incomplete[:20],
            "ok": not missing and not incomplete,
        }


async def _groups_reading(bootstrap: str, prefix: str) -> dict[str, set[str]]:
    """topic → the platform's consumer groups that committed offsets on it."""
    admin = AIOKafkaAdminClient(**tooling_client_config(bootstrap))
    await admin.start()
    try:
        readers: dict[str, set[str]] = defaultdict(set)
        for group, *_ in await admin.list_consumer_groups():
            if not str(group).startswith(prefix):
                continue
            for partition in await admin.list_consumer_group_offsets(group):
                readers[partition.topic].add(str(group))
        return readers
    finally:
        await admin.close()


async def _first_of(events: tuple[asyncio.Event, ...], *, timeout_s: float | None) -> None:
    """Until one of the events is set, or the timeout passes."""
    waits = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waits, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()

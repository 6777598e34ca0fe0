"""One chaos run: a private platform (two instances of logistics-svc and settlement-svc in the
same consumer groups, optionally every service's PostgreSQL link through a fault proxy), the
surge driver, the fault plan injected beside it, the supervisor restarting what dies, and then
the checker and the dead-letter check. Returns one JSON-able report.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chaos.faults import CONSUMER_SCALED, Fault, Kind, closing_fault, plan
from chaos.runner import ChaosRunner
from chaos.tcp_proxy import FaultProxy
from shipsettle_shared.contracts import Topic
from shipsettle_shared.topology import POSTGRES_PORT, SERVICES
from surge.carrier import free_port
from surge.check import check
from surge.driver import Driver, Options
from surge.platform import Topology, start_private, wipe_broker

# Topics whose consumers must dead-letter a malformed message (the bus's busiest ones).
MALFORMED_TOPICS = (str(Topic.ORDER), str(Topic.SHIPMENT), str(Topic.SETTLEMENT), str(Topic.REFUND))
# A stalled consumer must miss its heartbeats and poll deadline within a chaos run's patience.
CHAOS_SERVICE_ENV = {
    "SHIPSETTLE_CONSUMER_MAX_POLL_INTERVAL_MS": "10000",
    "SHIPSETTLE_CONSUMER_SESSION_TIMEOUT_MS": "6000",
}


@dataclass
class ChaosOptions:
    orders: int
    seed: int
    mix: Mapping[Kind, int]
    window_s: float  # faults fall at random moments in [start_s, window_s] after the surge starts
    start_s: float = 20.0  # after setup: keys, policies and secrets are the driver's, not the test
    merchants: int = 20
    malformed_share: float = 0.01  # of the events the surge is expected to produce
    proxy: bool = False  # every service's PostgreSQL connections through a fault proxy
    three_brokers: bool = False  # a three-broker cluster (replication 3, min ISR 2); one is killed
    kafka_port: int = 19392
    port_offset: int = 12000  # services on 20101..., below the ephemeral ports (32768+)
    db_suffix: str = "_chaos"
    deadline_s: float = 1800
    faults: list[Fault] | None = None  # a fixed list instead of one drawn from the seed and mix
    closing: bool = False  # a last kill -9 when the payouts start (chaos.faults.closing_fault)


EVENTS_PER_ORDER = 15  # about what one order's lifecycle publishes over all topics


async def run_chaos(options: ChaosOptions) -> dict[str, Any]:
    malformed_total = max(1, round(options.orders * EVENTS_PER_ORDER * options.malformed_share))
    faults = options.faults or plan(
        options.seed,
        window_s=options.window_s,
        mix=options.mix,
        malformed_total=malformed_total if options.mix.get(Kind.MALFORMED) else 0,
        topics=MALFORMED_TOPICS,
        start_s=options.start_s,
        three_brokers=options.three_brokers,
    )
    closing = closing_fault(options.seed) if options.closing else None
    print(
        f"chaos: seed {options.seed}, {len(faults)} faults planned"
        + (f", closing with a kill of {closing.target} when the payouts start" if closing else ""),
        flush=True,
    )
    proxies: dict[str, FaultProxy] = {}
    if options.proxy:
        for spec in SERVICES:
            proxies[spec.name] = FaultProxy(listen_port=free_port(), target_port=POSTGRES_PORT)
            await proxies[spec.name].start()
    topology = Topology(
        instances={name: 2 for name in CONSUMER_SCALED},
        service_env=CHAOS_SERVICE_ENV,
        database_ports={name: proxy.listen_port for name, proxy in proxies.items()},
        three_brokers=options.three_brokers,
    )
    await asyncio.to_thread(wipe_broker, options.kafka_port, three_brokers=options.three_brokers)
    platform = await start_private(
        port_offset=options.port_offset,
        db_suffix=options.db_suffix,
        kafka_port=options.kafka_port,
        topology=topology,
    )
    runner = ChaosRunner(platform, kafka_port=options.kafka_port, proxies=proxies)
    stop_supervising = asyncio.Event()
    try:
        driver = Driver(
            platform,
            Options(
                orders=options.orders,
                merchants=options.merchants,
                seed=options.seed,
                deadline_s=options.deadline_s,
                retry_for_s=120,
                wait_scale=3,
            ),
        )

        def on_phase_start(name: str) -> None:
            runner.phase_started(name)
            if name == "payouts":
                runner.closing_due.set()

        driver.on_phase_start = on_phase_start
        supervisor = asyncio.create_task(runner.supervise(stop_supervising))
        injector = asyncio.create_task(runner.inject(faults, closing))
        record = await driver.run()
        finished_s = runner.now_s()
        # the surge ended: the rest of the plan is not injected, and a fault in progress
        # restores what it broke before the checker looks (each does so within seconds)
        runner.surge_over.set()
        await asyncio.gather(injector, return_exceptions=True)
        stop_supervising.set()
        await supervisor
        result = await check(record)
        dead_letters = await runner.check_dead_letters()
    finally:
        runner.surge_over.set()  # also when the surge failed: no fault starts on a stopping platform
        stop_supervising.set()
        platform.stop()
        for proxy in proxies.values():
            await proxy.stop()
    recovered = [r.recovered_s for r in runner.records if r.recovered_s is not None]
    injected = {id(r.fault) for r in runner.records}
    last_fault_s = max(recovered, default=0.0)
    result["checks"]["dead_letters"] = {"ok": dead_letters["ok"], "failures": dead_letters["missing"]}
    result["ok"] = bool(result["ok"] and dead_letters["ok"])
    result["chaos"] = {
        "seed": options.seed,
        "orders": options.orders,
        "brokers": 3 if options.three_brokers else 1,
        "proxy": options.proxy,
        "faults": [r.as_json() for r in runner.records],
        "not_injected": [f.as_json() for f in [*faults, *([closing] if closing else [])] if id(f) not in injected],
        "unplanned_restarts": runner.restarts,
        "dead_letters": dead_letters,
        "surge_s": round(finished_s, 1),
        "last_fault_recovered_s": round(last_fault_s, 1),
        # the surge's own end (every order final, everything quiet) after the last recovery
        "final_after_last_fault_s": round(finished_s - last_fault_s, 1),
        "ambiguous_requests": record.get("ambiguous_requests", 0),
    }
    return result

"""The chaos fault plan (chaos/faults.py): replayable from its seed, and malformed messages sent
as a trickle that the consumers' halt guard (over 20% of a 500-message window) must not mistake
for an upstream gone wrong, at their own moments whatever else is going on, and waiting out a broker restart
(chaos/runner.py); the closing fault, which ends the breakage when the payouts start; the
report's last disruption, which the 120 s bar is measured from."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from aiokafka.errors import KafkaConnectionError

import chaos.runner
from chaos.__main__ import last_disruption_s
from chaos.faults import CLOSING_DETAIL, FULL_MIX, Fault, Kind, closing_fault, plan
from chaos.runner import ChaosRunner
from surge.platform import PlatformHandle

TOPICS = ["order.events", "shipment.events", "settlement.events", "refund.events"]


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        while not condition():
            await asyncio.sleep(0.01)


def runner_on_busy_topics() -> ChaosRunner:
    """A runner with no platform, whose topics carry traffic enough for any burst at any time."""
    runner = ChaosRunner(platform=PlatformHandle(urls={}, database_urls={}, order_env={}), kafka_port=0)

    async def busy(topic: str) -> int:
        return 10**9

    runner._topic_messages = busy  # type: ignore[method-assign]
    return runner


def _malformed_counts(total: int) -> list[int]:
    faults = plan(11, window_s=460, mix=FULL_MIX, malformed_total=total, topics=TOPICS)
    return [int(fault.detail) for fault in faults if fault.kind is Kind.MALFORMED]


def test_the_same_seed_gives_the_same_plan() -> None:
    first = plan(11, window_s=180, mix=FULL_MIX, malformed_total=45, topics=TOPICS)
    assert plan(11, window_s=180, mix=FULL_MIX, malformed_total=45, topics=TOPICS) == first


def test_n_300_keeps_its_four_bursts_of_45_malformed_messages() -> None:
    # 300 orders x 15 events x 1% = 45, in the mix's 4 bursts: 45 // 4 = 11, 34 // 3 = 11,
    # 23 // 2 = 11, then the last 12 (the documented runs replay unchanged); listed in time order
    assert sorted(_malformed_counts(45)) == [11, 11, 11, 12]


def test_n_1000_sends_150_malformed_messages_in_bursts_of_at_most_12() -> None:
    # 1000 x 15 x 1% = 150; 150 / 12 = 12.5, so 13 bursts, each what is left over the bursts
    # left: 150 // 13 = 11, 139 // 12 = 11, ... 95 // 8 = 11 (six of 11), then 84 // 7 = 12 ... 12 // 1 = 12
    assert sorted(_malformed_counts(150)) == [11] * 6 + [12] * 7


def test_more_bursts_leave_every_other_fault_where_it_was() -> None:
    def others(total: int) -> list[object]:
        faults = plan(11, window_s=460, mix=FULL_MIX, malformed_total=total, topics=TOPICS)
        return [fault for fault in faults if fault.kind is not Kind.MALFORMED]

    assert others(150) == others(45)


async def test_malformed_messages_keep_their_moments_while_a_slow_fault_recovers() -> None:
    # a relay kill that recovers only once both bursts went out: one lane would wait forever
    both_sent = asyncio.Event()
    sent: list[float] = []
    runner = runner_on_busy_topics()

    async def apply(fault: Fault) -> str:
        if fault.kind is Kind.MALFORMED:
            sent.append(fault.at_s)
            if len(sent) == 2:
                both_sent.set()
            return "sent"
        try:
            await asyncio.wait_for(both_sent.wait(), timeout=10)
        except TimeoutError:
            return "the bursts waited behind me"
        return "recovered after both bursts"

    runner._apply = apply  # type: ignore[method-assign]
    plan = [
        Fault(0.0, Kind.RELAY_KILL, "order-svc", 0.0, "relay.after_publish@2"),
        Fault(0.1, Kind.MALFORMED, "order.events", 0.0, "3"),
        Fault(0.2, Kind.MALFORMED, "shipment.events", 0.0, "3"),
    ]
    await runner.inject(plan)

    assert [record.outcome for record in runner.records] == ["recovered after both bursts", "sent", "sent"]
    assert sent == [0.1, 0.2]


class InstanceWithNothingToPublish:
    """A service instance whose relay, armed to die after a publish, never publishes."""

    def __init__(self) -> None:
        self.running = True

    def kill(self) -> None:
        self.running = False

    def alive(self) -> bool:
        return self.running


async def test_a_relay_kill_the_surge_never_fires_disrupts_only_until_its_instance_is_up_armed() -> None:
    runner = runner_on_busy_topics()
    clock = [100.0]  # seconds since the surge started, moved by hand
    runner.now_s = lambda: clock[0]  # type: ignore[method-assign]
    instance = InstanceWithNothingToPublish()
    runner.platform.processes["order-svc"] = instance
    restarted_with: list[dict[str, str] | None] = []

    async def restart(name: str, *, extra_env: dict[str, str] | None = None) -> float:
        clock[0] += 4.0  # a restart takes 4 s
        instance.running = True
        restarted_with.append(extra_env)
        return 4.0

    runner.platform.restart = restart  # type: ignore[method-assign]
    injecting = asyncio.create_task(
        runner.inject([Fault(100.0, Kind.RELAY_KILL, "order-svc", 0.0, "relay.after_publish@7")])
    )
    await until(lambda: len(restarted_with) == 1)
    clock[0] = 300.0  # the surge goes on without a publish from it, and ends
    runner.surge_over.set()
    await injecting

    assert restarted_with == [{"SHIPSETTLE_FAILPOINTS": "relay.after_publish@7"}, None]
    (record,) = runner.records
    fault = record.as_json()
    assert "not reached when the surge ended" in fault["outcome"]
    # up armed at 100 + 4; the clean restart after the surge (300 → 304) is the wind-up
    assert (fault["started_s"], fault["disrupted_until_s"], fault["recovered_s"]) == (100.0, 104.0, 304.0)


def test_the_last_disruption_leaves_out_malformed_messages_and_counts_each_fault_until_it_stopped_disrupting() -> None:
    def fault(kind: str, disrupted_until_s: float | None) -> dict[str, object]:
        return {"kind": kind, "disrupted_until_s": disrupted_until_s}

    faults = [
        fault("kill", 900.0),
        fault("relay_kill", 950.0),  # it restarted its service again while the surge ran: its end counts
        fault("malformed", 1200.1),
        fault("relay_kill", 1061.6),  # up armed at 1061.6 s, never fired; wound up at 1241.8 s
        fault("network", None),  # still in progress: not a moment it ended
    ]
    assert last_disruption_s(faults) == 1061.6
    assert last_disruption_s(faults[:3]) == 950.0
    assert last_disruption_s([fault("malformed", 10.1)]) is None


def test_the_closing_fault_is_a_kill_of_a_settlement_instance_drawn_from_the_seed() -> None:
    assert closing_fault(11) == closing_fault(11)
    assert closing_fault(11).kind is Kind.KILL
    assert closing_fault(11).detail == CLOSING_DETAIL
    # the instance doing the payouts' work, either of the two in the consumer group
    assert {closing_fault(seed).target for seed in range(40)} == {"settlement-svc", "settlement-svc#2"}


async def test_when_the_closing_fault_is_due_the_fault_in_progress_ends_first_and_nothing_breaks_after_it() -> None:
    runner = runner_on_busy_topics()
    applied: list[str] = []
    stall_started = asyncio.Event()

    async def apply(fault: Fault) -> str:
        applied.append(f"{fault.kind.value} {fault.target}")
        if fault.kind is Kind.STALL:
            stall_started.set()
            await asyncio.sleep(0.3)  # still stalled when the closing fault falls due
        return "done"

    runner._apply = apply  # type: ignore[method-assign]
    closing = Fault(0.0, Kind.KILL, "settlement-svc", 1.0, CLOSING_DETAIL)
    plan = [
        Fault(0.0, Kind.STALL, "logistics-svc#2", 0.0),
        Fault(0.1, Kind.MALFORMED, "order.events", 0.0, "3"),
        Fault(60.0, Kind.KILL, "order-svc", 1.0),  # planned after the payouts start: not injected
        Fault(0.5, Kind.MALFORMED, "shipment.events", 0.0, "3"),  # traffic goes on after the closing
    ]
    plan.sort(key=lambda fault: fault.at_s)
    injecting = asyncio.create_task(runner.inject(plan, closing))
    await stall_started.wait()
    runner.closing_due.set()
    await asyncio.wait_for(injecting, timeout=10)

    assert applied == [
        "stall logistics-svc#2",
        "malformed order.events",
        "kill settlement-svc",
        "malformed shipment.events",
    ]
    [closing_record] = [r for r in runner.records if r.fault is closing]
    [stall_record] = [r for r in runner.records if r.fault.kind is Kind.STALL]
    assert stall_record.recovered_s is not None
    assert closing_record.started_s >= stall_record.recovered_s


async def test_a_surge_that_ends_before_its_payouts_injects_no_closing_fault() -> None:
    runner = ChaosRunner(platform=PlatformHandle(urls={}, database_urls={}, order_env={}), kafka_port=0)

    async def apply(fault: Fault) -> str:
        return "done"

    runner._apply = apply  # type: ignore[method-assign]
    injecting = asyncio.create_task(runner.inject([], Fault(0.0, Kind.KILL, "order-svc", 1.0, CLOSING_DETAIL)))
    await asyncio.sleep(0.05)
    runner.surge_over.set()
    await asyncio.wait_for(injecting, timeout=10)
    assert runner.records == []


async def test_a_malformed_burst_during_a_broker_restart_waits_for_the_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[str, int]] = []
    refused = [2]  # the broker is down for the first two attempts

    class RestartingBroker:
        def __init__(self, **settings: object) -> None:
            pass

        async def start(self) -> None:
            if refused[0]:
                refused[0] -= 1
                raise KafkaConnectionError("Unable to bootstrap")

        async def stop(self) -> None:
            pass

        async def partitions_for(self, topic: str) -> set[int]:
            return {0, 1}

        async def send_and_wait(self, topic: str, *, value: bytes, key: bytes, partition: int) -> None:
            sent.append((topic, partition))

    monkeypatch.setattr(chaos.runner, "AIOKafkaProducer", RestartingBroker)
    runner = ChaosRunner(platform=PlatformHandle(urls={}, database_urls={}, order_env={}), kafka_port=0)
    outcome = await runner._malformed(Fault(0.0, Kind.MALFORMED, "order.events", 0.0, "3"))
    assert outcome == "3 malformed messages into order.events"
    assert sent == [("order.events", 0), ("order.events", 1), ("order.events", 0)]
    assert len(runner.malformed) == 3


async def test_a_malformed_burst_waits_until_it_is_at_most_5_percent_of_its_topics_traffic() -> None:
    runner = ChaosRunner(platform=PlatformHandle(urls={}, database_urls={}, order_env={}), kafka_port=0)
    runner.traffic_look_every_s = 0.01
    own_traffic = {"order.events": 100}
    sent: list[int] = []

    async def topic_messages(topic: str) -> int:  # the broker's count includes the bad messages
        return own_traffic[topic] + sum(1 for t in runner.malformed.values() if t == topic)

    async def apply(fault: Fault) -> str:
        for _ in range(int(fault.detail)):
            runner.malformed[f"bad-{len(runner.malformed)}"] = fault.target
        sent.append(own_traffic[fault.target])
        return "sent"

    runner._topic_messages = topic_messages  # type: ignore[method-assign]
    runner._apply = apply  # type: ignore[method-assign]
    bursts = [Fault(0.0, Kind.MALFORMED, "order.events", 0.0, "12") for _ in range(3)]
    injecting = asyncio.create_task(runner.inject(bursts))
    await asyncio.sleep(0.2)
    assert sent == []  # 12 among 100 would be 12%: it waits for 12 / 5% = 240 of the topic's own
    own_traffic["order.events"] = 240
    await until(lambda: sent == [240])
    own_traffic["order.events"] = 479  # the second burst needs 240 more since the first
    await asyncio.sleep(0.2)
    assert sent == [240]
    own_traffic["order.events"] = 480
    await until(lambda: sent == [240, 480])
    runner.surge_over.set()  # the third never sees its traffic
    await asyncio.wait_for(injecting, timeout=10)
    assert sent == [240, 480]
    assert len(runner.records) == 2  # the third is reported as not injected

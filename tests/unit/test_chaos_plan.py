"""The chaos fault plan (chaos/faults.py): replayable from its seed, and malformed messages sent
as a trickle that the consumers' halt guard (over 20% of a 100+ message window) must not mistake
for an upstream gone wrong."""

from __future__ import annotations

from chaos.faults import FULL_MIX, Kind, plan

TOPICS = ["order.events", "shipment.events", "settlement.events", "refund.events"]


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

"""Settlement ETA and blockers, pure parts, with figures and dates worked by hand.

The order: line L1 "home", 2 cups at 50.00 (5000 fen each), paid 10000, no coupons; shipping
10.00. Commission 5% (platform default): on both cups 10000 * 5% = 500, on one 5000 * 5% = 250.
Expected net of both cups with shipping: 10000 + 1000 - 500 = 10500.
Times: the parcel is delivered on Wednesday 2026-11-25 10:00 China time (02:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from settlement_svc.domain.allocation import Lot, Movement, OrderLots, allocate_fifo, lots_by_order
from settlement_svc.domain.orders import SettlementLine, SettlementOrder
from settlement_svc.domain.policies import MerchantPolicy, SettlementCycle
from settlement_svc.domain.progress import (
    Blocker,
    EtaRules,
    OrderProgress,
    order_state,
    paid_after_sign_off,
    pre_sign_off_segments,
)

POLICY = MerchantPolicy(merchant_id="m-1", hold_days=7, default_commission_bp=500)
RULES = EtaRules(auto_confirm_days=7, batch_interval=timedelta(seconds=60))
DELIVERED = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in China
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def cups(shipping_minor: int = 1000) -> SettlementOrder:
    return SettlementOrder(
        order_id="PO-1",
        merchant_id="m-1",
        currency="CNY",
        shipping_fee_minor=shipping_minor,
        lines={"L1": SettlementLine("L1", "home", 2, 10000, 0, 10000)},
    )


def placed() -> OrderProgress:
    return OrderProgress("PO-1", "m-1").placed(NOW - timedelta(days=3))


def blockers(progress: OrderProgress, *, refund_open: bool = False) -> list[tuple[Blocker, int]]:
    segments = pre_sign_off_segments(progress, cups(), POLICY, refund_open=refund_open, now=NOW, rules=RULES)
    return [(segment.blocker, segment.amount_minor) for segment in segments]


# --- blockers from the progress record --------------------------------------------------------------


def test_an_order_moves_from_not_confirmed_to_waiting_for_sign_off_with_its_whole_net() -> None:
    progress = placed()
    assert blockers(progress) == [(Blocker.NOT_CONFIRMED, 10500)]
    progress = progress.confirmed(NOW - timedelta(days=2))
    assert blockers(progress) == [(Blocker.NOT_DISPATCHED, 10500)]
    progress = progress.dispatched("SH-1", "SF1234567890123", {"L1": 2}, NOW - timedelta(days=2))
    assert blockers(progress) == [(Blocker.NOT_DELIVERED, 10500)]
    progress = progress.status_changed("SH-1", "SF1234567890123", "in_transit", NOW - timedelta(days=2))
    assert blockers(progress) == [(Blocker.NOT_DELIVERED, 10500)]
    progress = progress.status_changed("SH-1", "SF1234567890123", "delivered", DELIVERED)
    assert blockers(progress) == [(Blocker.WAITING_FOR_SIGN_OFF, 10500)]


def test_a_parcel_flagged_by_logistics_blocks_as_under_review_until_ops_clear_the_flag() -> None:
    progress = placed().confirmed(NOW).dispatched("SH-1", "731234567890", {"L1": 2}, NOW - timedelta(days=2))
    flagged = progress.flagged("SH-1", "delivered-before-dispatch")
    # whatever the carrier says meanwhile, the whole net waits for ops: 10000 + 1000 - 500 = 10500
    assert blockers(flagged) == [(Blocker.TRACKING_UNDER_REVIEW, 10500)]
    delivered = flagged.status_changed("SH-1", "731234567890", "delivered", DELIVERED)
    [segment] = pre_sign_off_segments(delivered, cups(), POLICY, refund_open=False, now=NOW, rules=RULES)
    assert segment.blocker is Blocker.TRACKING_UNDER_REVIEW
    assert segment.detail["review_flags"] == ["delivered-before-dispatch"]
    assert "until they clear it" in segment.assumptions[0]
    cleared = delivered.flag_cleared("SH-1", "delivered-before-dispatch")
    assert blockers(cleared) == [(Blocker.WAITING_FOR_SIGN_OFF, 10500)]
    # a replayed ShipmentFlagged does not reopen a cleared flag
    assert cleared.flagged("SH-1", "delivered-before-dispatch") == cleared


def test_a_late_in_transit_after_delivered_does_not_un_deliver_and_a_repeat_changes_nothing() -> None:
    progress = placed().confirmed(NOW).dispatched("SH-1", "SF1", {"L1": 2}, NOW)
    delivered = progress.status_changed("SH-1", "SF1", "delivered", DELIVERED)
    late = delivered.status_changed("SH-1", "SF1", "in_transit", DELIVERED - timedelta(hours=5))
    assert late == delivered
    assert late.status_changed("SH-1", "SF1", "delivered", DELIVERED) == delivered
    # even a newer scan of a lower rank does not move it back
    assert delivered.status_changed("SH-1", "SF1", "out_for_delivery", DELIVERED + timedelta(hours=1)) == delivered
    # and a sign-off that arrived before the dispatch keeps the parcel signed off
    signed_first = placed().signed_off("SH-1", {"L1": 2}, DELIVERED)
    assert signed_first.dispatched("SH-1", "SF1", {"L1": 2}, NOW).shipments["SH-1"].rank == 4


def test_a_corrected_tracking_number_is_kept_when_the_dispatch_is_seen_again() -> None:
    progress = placed().dispatched("SH-1", "SF-OLD", {"L1": 2}, NOW).tracking_corrected("SH-1", "SF-NEW")
    assert progress.dispatched("SH-1", "SF-OLD", {"L1": 2}, NOW).shipments["SH-1"].tracking_number == "SF-NEW"


def test_a_partial_dispatch_splits_the_order_by_parcel_stage_and_shipping_goes_with_the_first() -> None:
    progress = placed().confirmed(NOW).dispatched("SH-1", "SF1", {"L1": 1}, NOW)
    progress = progress.status_changed("SH-1", "SF1", "delivered", DELIVERED)
    # cup 1 delivered: 5000 + shipping 1000 - 250 = 5750; cup 2 not dispatched: 5000 - 250 = 4750
    assert blockers(progress) == [(Blocker.WAITING_FOR_SIGN_OFF, 5750), (Blocker.NOT_DISPATCHED, 4750)]
    # an open refund pauses the auto-confirm: the delivered parcel waits for the refund
    assert blockers(progress, refund_open=True) == [(Blocker.REFUND_OPEN, 5750), (Blocker.NOT_DISPATCHED, 4750)]


def test_units_already_signed_off_or_refunded_are_not_waited_for() -> None:
    order, _ = cups().sign_off({"L1": 1}, POLICY)  # cup 1 (with shipping) is booked
    progress = placed().confirmed(NOW)
    progress = progress.dispatched("SH-1", "SF1", {"L1": 1}, NOW).signed_off("SH-1", {"L1": 1}, DELIVERED)
    progress = progress.dispatched("SH-2", "", {"L1": 1}, NOW)  # a parcel without a number yet
    segments = pre_sign_off_segments(progress, order, POLICY, refund_open=False, now=NOW, rules=RULES)
    assert [(s.blocker, s.amount_minor) for s in segments] == [(Blocker.NO_TRACKING_NUMBER, 4750)]


def test_a_cancelled_order_is_refunded_and_waits_for_nothing() -> None:
    progress = placed().cancelled(NOW)
    assert blockers(progress) == [(Blocker.REFUNDED, 0)]
    assert (
        order_state(pre_sign_off_segments(progress, cups(), POLICY, refund_open=False, now=NOW, rules=RULES))["state"]
        is Blocker.REFUNDED
    )


# --- expected dates ----------------------------------------------------------------------------------


def test_a_daily_policy_expects_the_money_auto_confirm_plus_hold_plus_one_batch_after_delivery() -> None:
    progress = placed().confirmed(NOW).dispatched("SH-1", "SF1", {"L1": 2}, NOW)
    progress = progress.status_changed("SH-1", "SF1", "delivered", DELIVERED)
    [segment] = pre_sign_off_segments(progress, cups(), POLICY, refund_open=False, now=NOW, rules=RULES)
    # delivered 11-25 02:00 UTC + 7 days auto-confirm = 12-02, + 7 days hold = 12-09, + 60 s batch
    assert segment.expected_at == datetime(2026, 12, 9, 2, 1, tzinfo=UTC)
    assert segment.assumptions[0] == "assuming sign-off by auto-confirm on 2026-12-02"
    assert segment.assumptions[1] == "hold 7 days, daily cycle (policy v0): available on 2026-12-09"
    assert "approved without review and paid in the next payout batch (every 60 s)" in segment.assumptions[2]


def test_a_weekly_cycle_waits_for_the_next_monday_after_the_hold() -> None:
    weekly = MerchantPolicy(merchant_id="m-1", hold_days=7, cycle=SettlementCycle.WEEKLY)
    signed_off = DELIVERED + timedelta(days=7)  # Wednesday 2026-12-02 10:00 China
    paid_at, assumptions = paid_after_sign_off(signed_off, weekly, RULES, now=NOW)
    # + 7 days = Wednesday 12-09; next Monday 2026-12-14 00:00 China = 12-13 16:00 UTC; + 60 s
    assert paid_at == datetime(2026, 12, 13, 16, 1, tzinfo=UTC)
    assert assumptions[0] == "hold 7 days, weekly cycle (policy v0): available on 2026-12-14"


def test_a_monthly_cycle_waits_for_the_first_of_the_next_month_after_the_hold() -> None:
    monthly = MerchantPolicy(merchant_id="m-1", hold_days=7, cycle=SettlementCycle.MONTHLY, auto_apply=True)
    signed_off = DELIVERED + timedelta(days=7)
    paid_at, assumptions = paid_after_sign_off(signed_off, monthly, RULES, now=NOW)
    # + 7 days = 12-09; next 1st: 2027-01-01 00:00 China = 2026-12-31 16:00 UTC; + 60 s
    assert paid_at == datetime(2026, 12, 31, 16, 1, tzinfo=UTC)
    assert assumptions[0] == "hold 7 days, monthly cycle (policy v0): available on 2027-01-01"
    assert assumptions[1].startswith("assuming applied for automatically (auto-apply policy) on 2027-01-01")


def test_a_sign_off_overdue_is_expected_from_now_not_from_the_past() -> None:
    later = DELIVERED + timedelta(days=10)  # auto-confirm was due on 12-02 (paused by a refund)
    progress = placed().confirmed(NOW).dispatched("SH-1", "SF1", {"L1": 2}, NOW)
    progress = progress.status_changed("SH-1", "SF1", "delivered", DELIVERED)
    [segment] = pre_sign_off_segments(progress, cups(), POLICY, refund_open=True, now=later, rules=RULES)
    assert segment.blocker is Blocker.REFUND_OPEN
    assert segment.expected_at == later + timedelta(days=7, seconds=60)


# --- first in, first out ------------------------------------------------------------------------------

T1 = datetime(2026, 12, 1, tzinfo=UTC)
T2 = T1 + timedelta(days=1)
T3 = T1 + timedelta(days=2)
T4 = T1 + timedelta(days=3)


def released(order_id: str, amount: int, at: datetime) -> Movement:
    return Movement(f"release:{order_id}", at, amount, order_id=order_id)


def amounts(lots: list[Lot]) -> list[tuple[str | None, int]]:
    return [(lot.order_id, lot.amount_minor) for lot in lots]


def test_applications_take_released_order_amounts_first_in_first_out_splitting_an_order() -> None:
    result = allocate_fifo(
        [
            released("A", 9500, T1),
            released("B", 7333, T2),
            released("C", 5000, T3),
            Movement("apply:SA-1", T4, -12000, applies="SA-1"),  # A whole, then 2500 of B
            Movement("apply:SA-2", T4, -6000, applies="SA-2"),  # the rest of B (4833), then 1167 of C
        ]
    )
    assert amounts(result.allocations["SA-1"].lots) == [("A", 9500), ("B", 2500)]
    assert amounts(result.allocations["SA-2"].lots) == [("B", 4833), ("C", 1167)]
    assert amounts(result.available) == [("C", 3833)]  # 5000 - 1167
    assert 9500 + 7333 + 5000 == 12000 + 6000 + 3833


def test_a_failed_payout_gives_its_lots_back_at_their_release_time_and_the_next_application_takes_them() -> None:
    result = allocate_fifo(
        [
            released("A", 9500, T1),
            released("B", 7333, T2),
            Movement("apply:SA-1", T3, -9500, applies="SA-1"),
            released("C", 5000, T3),
            Movement("payout_failed:PO-1", T4, 9500, returns="SA-1", why="payout PO-1 failed: account closed"),
            Movement("apply:SA-2", T4, -12000, applies="SA-2"),
        ]
    )
    assert result.allocations["SA-1"].returned is True
    # A (released T1) comes back before B (T2): the second application takes A again, then 2500 of B
    assert amounts(result.allocations["SA-2"].lots) == [("A", 9500), ("B", 2500)]
    assert result.allocations["SA-2"].lots[0].returned_because == "payout PO-1 failed: account closed"
    assert amounts(result.available) == [("B", 4833), ("C", 5000)]


def test_a_claw_back_deduction_is_the_last_part_of_an_application() -> None:
    result = allocate_fifo(
        [
            released("A", 3000, T1),
            released("B", 2000, T2),
            Movement("apply:SA-1", T3, -5000, applies="SA-1", clawback_minor=2500),
        ]
    )
    allocation = result.allocations["SA-1"]
    # net 5000 - 2500 = 2500: the first 2500 fen, all of them A's; the deduction: A's last 500 + B's 2000
    assert amounts(allocation.net_lots) == [("A", 2500)]
    assert amounts(allocation.clawback_lots) == [("A", 500), ("B", 2000)]


def test_a_refund_takes_its_own_order_first_then_the_oldest_money_and_a_freeze_is_given_back() -> None:
    result = allocate_fifo(
        [
            released("A", 1000, T1),
            released("B", 3000, T2),
            # B's refund freezes 3500: B's own 3000, then 500 of A (the oldest)
            Movement("refund_freeze:R1", T3, -3500, 3500, order_id="B"),
        ]
    )
    assert amounts(result.frozen["B"]) == [("B", 3000), ("A", 500)]
    assert amounts(result.available) == [("A", 500)]
    # completed, taking back 3166: 3500 unfrozen, 334 of it back to available (the first: B's)
    done = allocate_fifo(
        [
            released("A", 1000, T1),
            released("B", 3000, T2),
            Movement("refund_freeze:R1", T3, -3500, 3500, order_id="B"),
            Movement("refund:R1", T4, 334, -3500, order_id="B"),
        ]
    )
    assert done.frozen == {}
    assert amounts(done.available) == [("A", 500), ("B", 334)]
    assert [(order, lot.order_id, lot.amount_minor) for order, lot in done.taken_by_refunds] == [
        ("B", "B", 2666),
        ("B", "A", 500),
    ]
    assert 334 + 2666 + 500 == 3500


def test_the_replay_indexed_by_order_gives_each_order_its_own_lots_in_replay_order() -> None:
    result = allocate_fifo(
        [
            released("A", 3000, T1),
            released("B", 2000, T2),
            released("C", 4000, T2),
            # 6000 with a 1500 deduction: net A 3000 + B 1500, deduction B's last 500 + C's 1000
            Movement("apply:SA-1", T3, -6000, applies="SA-1", clawback_minor=1500),
            # C's refund freezes 3500: C's own 3000 left
            Movement("refund_freeze:R1", T3, -3500, 3500, order_id="C"),
        ]
    )
    index = lots_by_order(result)
    assert [(a.application_id, lot.amount_minor, back) for a, lot, back in index["A"].allocated] == [
        ("SA-1", 3000, False)
    ]
    # claw-back lots before net lots, whatever their place in the application
    assert [(lot.amount_minor, back) for _, lot, back in index["B"].allocated] == [(500, True), (1500, False)]
    assert [(lot.amount_minor, back) for _, lot, back in index["C"].allocated] == [(1000, True)]
    # nothing else was available to freeze: C's 3000, and the 500 C's refund could not cover is not a lot
    assert [(r, lot.amount_minor) for r, lot in index["C"].frozen] == [("C", 3000)]
    assert index["A"].available == index["B"].available == index["C"].available == []

    done = allocate_fifo(
        [
            released("A", 1000, T1),
            released("B", 3000, T2),
            Movement("refund_freeze:R1", T3, -3500, 3500, order_id="B"),
            Movement("refund:R1", T4, 334, -3500, order_id="B"),  # 3166 taken: B's 2666, A's 500
        ]
    )
    index = lots_by_order(done)
    assert index["B"].taken_by_own_refunds_minor == 3166
    assert index["B"].own_refunds_covered_by_others_minor == 500
    assert [(r, lot.amount_minor) for r, lot in index["A"].taken_by_other_orders_refunds] == [("B", 500)]
    assert [lot.amount_minor for lot in index["A"].available] == [500]
    assert [lot.amount_minor for lot in index["B"].available] == [334]


ORDERS = ("A", "B", "C", "D")
_movement = st.one_of(
    st.builds(
        lambda o, a, d: released(o, a, T1 + timedelta(hours=d)),
        st.sampled_from(ORDERS),
        st.integers(1, 5000),
        st.integers(0, 72),
    ),
    st.builds(
        lambda n, a, c: Movement(f"apply:SA-{n}", T4, -a, applies=f"SA-{n}", clawback_minor=min(c, a)),
        st.integers(1, 4),
        st.integers(1, 8000),
        st.integers(0, 3000),
    ),
    st.builds(
        lambda n, a: Movement(f"payout_failed:PO-{n}", T4, a, returns=f"SA-{n}", why=f"payout PO-{n} failed"),
        st.integers(1, 4),
        st.integers(1, 8000),
    ),
    st.builds(
        lambda o, a: Movement(f"refund_freeze:{o}", T3, -a, a, order_id=o),
        st.sampled_from(ORDERS),
        st.integers(1, 4000),
    ),
    st.builds(
        lambda o, back, used: Movement(f"refund:{o}", T4, back, -used, order_id=o),
        st.sampled_from(ORDERS),
        st.integers(-2000, 2000),
        st.integers(0, 4000),
    ),
)


@given(st.lists(_movement, max_size=25))
def test_the_index_by_order_holds_exactly_what_scanning_the_whole_replay_for_the_order_finds(
    moves: list[Movement],
) -> None:
    result = allocate_fifo(moves)
    index = lots_by_order(result)
    for order in ORDERS:
        lots = index.get(order, OrderLots())
        assert lots.frozen == [(r, lot) for r, found in result.frozen.items() for lot in found if lot.order_id == order]
        assert lots.available == [lot for lot in result.available if lot.order_id == order]
        assert lots.allocated == [
            (allocation, lot, paid_back)
            for allocation in result.allocations.values()
            for paid_back, found in ((True, allocation.clawback_lots), (False, allocation.net_lots))
            for lot in found
            if lot.order_id == order
        ]
        taken = result.taken_by_refunds
        assert lots.taken_by_other_orders_refunds == [(r, lot) for r, lot in taken if lot.order_id == order != r]
        assert lots.taken_by_own_refunds_minor == sum(lot.amount_minor for r, lot in taken if r == order)
        assert lots.own_refunds_covered_by_others_minor == sum(
            lot.amount_minor for r, lot in taken if r == order != lot.order_id
        )

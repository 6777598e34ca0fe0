"""Shipment rules without I/O: status by event time, sticky delivery, dispatch checks, sign-off
and the auto-confirm pause."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest

from logistics_svc.domain.shipments import (
    OrderForDispatch,
    Shipment,
    ShipmentRuleViolation,
    ShipmentStatus,
    SignOffHow,
    check_dispatch,
    status_from_scans,
)
from logistics_svc.domain.tracking import Scan, TrackingStatus

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SEVEN_DAYS = timedelta(days=7)


def scan(status: TrackingStatus, hours: float, description: str = "") -> Scan:
    return Scan("SF1234567890123", status, T0 + timedelta(hours=hours), description or status.value)


def shipment(**changes: object) -> Shipment:
    base = Shipment(
        shipment_id="SH-1",
        order_id="PO-1",
        merchant_id="m-1",
        carrier_code="SF",
        tracking_number="SF1234567890123",
        lines={"L1": 2},
        status=ShipmentStatus.DISPATCHED,
        dispatched_at=T0 - timedelta(hours=1),
        last_movement_at=T0 - timedelta(hours=1),
    )
    return replace(base, **changes)


JOURNEY = [
    scan(TrackingStatus.INFO_RECEIVED, 0),
    scan(TrackingStatus.IN_TRANSIT, 5),
    scan(TrackingStatus.OUT_FOR_DELIVERY, 30),
    scan(TrackingStatus.DELIVERED, 33),
]


def test_the_status_is_the_same_whatever_order_the_scans_arrive_in() -> None:
    for arrival in permutations(JOURNEY):
        assert status_from_scans(arrival) is ShipmentStatus.DELIVERED


def test_a_late_in_transit_scan_never_moves_a_delivered_shipment_back() -> None:
    delivered = shipment().apply_scans(JOURNEY)
    assert delivered.status is ShipmentStatus.DELIVERED
    late = delivered.apply_scans([scan(TrackingStatus.IN_TRANSIT, 40, "re-sorted at hub")])
    assert late.status is ShipmentStatus.DELIVERED
    assert late.delivered_at == T0 + timedelta(hours=33)


def test_a_return_to_sender_after_delivery_moves_it_on_but_one_before_delivery_does_not() -> None:
    delivered = shipment().apply_scans(JOURNEY)
    returned = delivered.apply_scans([scan(TrackingStatus.RETURNED_TO_SENDER, 50)])
    assert returned.status is ShipmentStatus.RETURNED_TO_SENDER
    # a failed attempt followed by a delivery is a delivery
    assert status_from_scans([scan(TrackingStatus.FAILED_ATTEMPT, 1), scan(TrackingStatus.DELIVERED, 2)]) is (
        ShipmentStatus.DELIVERED
    )


def test_duplicate_scans_change_nothing() -> None:
    once = shipment().apply_scans(JOURNEY)
    twice = once.apply_scans(JOURNEY)
    assert twice == once
    assert len(twice.scans) == 4


def test_a_tracking_number_can_be_corrected_only_before_the_first_scan() -> None:
    assert shipment().correct_tracking_number("SF9999999999999").tracking_number == "SF9999999999999"
    scanned = shipment().apply_scans(JOURNEY[:1])
    with pytest.raises(ShipmentRuleViolation) as refused:
        scanned.correct_tracking_number("SF9999999999999")
    assert refused.value.code == "already-scanned"


CONFIRMED = OrderForDispatch("PO-1", "m-1", "confirmed", {"L1": 2, "L2": 1})


@pytest.mark.parametrize(
    ("order", "lines", "already", "scope", "code"),
    [
        (None, {"L1": 1}, {}, None, "not-found"),
        (CONFIRMED, {"L1": 1}, {}, "m-other", "not-found"),
        (OrderForDispatch("PO-1", "m-1", "placed", {"L1": 2}), {"L1": 1}, {}, None, "shipping-info-not-confirmed"),
        (OrderForDispatch("PO-1", "m-1", "cancelled", {"L1": 2}), {"L1": 1}, {}, None, "order-cancelled"),
        (CONFIRMED, {"L9": 1}, {}, None, "unknown-line"),
        (CONFIRMED, {"L1": 0}, {}, None, "bad-quantity"),
        (CONFIRMED, {"L1": 3}, {}, None, "too-many"),
        (CONFIRMED, {"L1": 2}, {"L1": 1}, None, "too-many"),
        (CONFIRMED, {}, {}, None, "no-lines"),
    ],
)
def test_dispatch_is_refused_for_what_the_order_does_not_allow(
    order: OrderForDispatch | None, lines: dict[str, int], already: dict[str, int], scope: str | None, code: str
) -> None:
    with pytest.raises(ShipmentRuleViolation) as refused:
        check_dispatch("PO-1", order, lines, already, scope)
    assert refused.value.code == code


def test_a_partial_dispatch_leaves_the_rest_to_ship() -> None:
    check_dispatch("PO-1", CONFIRMED, {"L1": 1}, {}, "m-1")
    check_dispatch("PO-1", CONFIRMED, {"L1": 1, "L2": 1}, {"L1": 1}, "m-1")


def test_auto_confirm_is_due_seven_days_after_delivery_and_pauses_for_the_time_left() -> None:
    delivered_at = T0 + timedelta(hours=33)
    delivered = shipment().apply_scans(JOURNEY).start_auto_confirm(SEVEN_DAYS, delivered_at)
    assert delivered.auto_confirm_due_at == delivered_at + SEVEN_DAYS
    # a refund opens two days after delivery: five days remain
    paused = delivered.with_open_refunds(1, delivered_at + timedelta(days=2))
    assert paused.auto_confirm_due_at is None
    assert paused.auto_confirm_paused_remaining_s == 5 * 24 * 3600
    assert not paused.auto_confirm_is_due(delivered_at + timedelta(days=30))
    with pytest.raises(ShipmentRuleViolation):
        paused.sign_off(SignOffHow.AUTO_CONFIRMED, delivered_at + timedelta(days=30))
    # it closes on day 10: the clock resumes with those five days
    resumed_at = T0 + timedelta(days=10)
    resumed = paused.with_open_refunds(0, resumed_at)
    assert resumed.auto_confirm_due_at == resumed_at + timedelta(days=5)
    assert resumed.auto_confirm_paused_remaining_s is None
    assert not resumed.auto_confirm_is_due(resumed_at + timedelta(days=5) - timedelta(seconds=1))
    assert resumed.auto_confirm_is_due(resumed_at + timedelta(days=5))


def test_a_second_refund_opening_does_not_restart_the_pause_and_only_the_last_one_ending_resumes() -> None:
    delivered_at = T0 + timedelta(hours=33)
    delivered = shipment().apply_scans(JOURNEY).start_auto_confirm(SEVEN_DAYS, delivered_at)
    first = delivered.with_open_refunds(1, delivered_at + timedelta(days=1))
    second = first.with_open_refunds(2, delivered_at + timedelta(days=3))
    assert second.auto_confirm_paused_remaining_s == 6 * 24 * 3600
    one_left = second.with_open_refunds(1, delivered_at + timedelta(days=4))
    assert one_left.auto_confirm_due_at is None
    assert one_left.auto_confirm_paused
    assert one_left.with_open_refunds(0, delivered_at + timedelta(days=9)).auto_confirm_due_at == (
        delivered_at + timedelta(days=15)
    )


def test_a_shipment_delivered_while_a_refund_is_open_starts_paused_with_what_is_left() -> None:
    delivered_at = T0 + timedelta(hours=33)
    in_transit = shipment().apply_scans(JOURNEY[:2]).with_open_refunds(1, T0 + timedelta(hours=10))
    assert in_transit.auto_confirm_due_at is None
    assert not in_transit.auto_confirm_paused
    # the delivery webhook arrives a day after the scan: six days are left, held
    delivered = in_transit.apply_scans(JOURNEY[2:]).start_auto_confirm(SEVEN_DAYS, delivered_at + timedelta(days=1))
    assert delivered.auto_confirm_due_at is None
    assert delivered.auto_confirm_paused_remaining_s == 6 * 24 * 3600


def test_a_refund_that_opens_after_the_due_time_passed_leaves_nothing_to_wait_for_on_resume() -> None:
    delivered_at = T0 + timedelta(hours=33)
    delivered = shipment().apply_scans(JOURNEY).start_auto_confirm(SEVEN_DAYS, delivered_at)
    late = delivered.with_open_refunds(1, delivered_at + timedelta(days=8))
    assert late.auto_confirm_paused_remaining_s == 0
    resumed_at = delivered_at + timedelta(days=9)
    assert late.with_open_refunds(0, resumed_at).auto_confirm_due_at == resumed_at


def test_the_buyer_may_confirm_receipt_while_a_refund_is_open() -> None:
    delivered_at = T0 + timedelta(hours=33)
    paused = shipment().apply_scans(JOURNEY).start_auto_confirm(SEVEN_DAYS, delivered_at).with_open_refunds(1, T0)
    signed = paused.sign_off(SignOffHow.BUYER_CONFIRMED, delivered_at + timedelta(days=1))
    assert signed.status is ShipmentStatus.SIGNED_OFF
    assert signed.auto_confirm_due_at is None
    assert not signed.auto_confirm_paused


def test_a_parcel_returned_to_sender_has_no_auto_confirm_left() -> None:
    delivered_at = T0 + timedelta(hours=33)
    delivered = shipment().apply_scans(JOURNEY).start_auto_confirm(SEVEN_DAYS, delivered_at)
    returned = delivered.apply_scans([scan(TrackingStatus.RETURNED_TO_SENDER, 60)])
    assert returned.status is ShipmentStatus.RETURNED_TO_SENDER
    assert returned.auto_confirm_due_at is None
    assert not returned.auto_confirm_is_due(delivered_at + timedelta(days=30))


def test_a_shipment_signs_off_once_and_stays_signed_off() -> None:
    delivered = shipment().apply_scans(JOURNEY)
    signed = delivered.sign_off(SignOffHow.BUYER_CONFIRMED, T0 + timedelta(days=2))
    assert signed.status is ShipmentStatus.SIGNED_OFF
    with pytest.raises(ShipmentRuleViolation):
        signed.sign_off(SignOffHow.AUTO_CONFIRMED, T0 + timedelta(days=8))
    assert signed.apply_scans([scan(TrackingStatus.IN_TRANSIT, 100)]).status is ShipmentStatus.SIGNED_OFF


def test_the_buyer_may_confirm_receipt_before_the_carrier_reports_delivery() -> None:
    in_transit = shipment().apply_scans(JOURNEY[:2])
    assert in_transit.sign_off(SignOffHow.BUYER_CONFIRMED, T0 + timedelta(hours=20)).signed_off_at is not None
    with pytest.raises(ShipmentRuleViolation):
        in_transit.sign_off(SignOffHow.AUTO_CONFIRMED, T0 + timedelta(hours=20))

"""Refunds holding the auto-confirm, and return parcels, without I/O: events twice or out of
order, a return that never signs off, and what ops is told about a doubtful return number."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest

from logistics_svc.adapters.carrier_seed import SEED_CARRIERS
from logistics_svc.domain.carriers import Carrier
from logistics_svc.domain.shipments import (
    Direction,
    RefundHolds,
    Shipment,
    ShipmentRuleViolation,
    ShipmentStatus,
    SignOffHow,
    auto_confirm_summary,
    return_parcel_flags,
)
from logistics_svc.domain.tracking import Scan, TrackingStatus

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SEVEN_DAYS = timedelta(days=7)
SF = next(carrier for carrier in SEED_CARRIERS if carrier.code == "SF")


def parcel(direction: Direction = Direction.OUTBOUND) -> Shipment:
    return Shipment(
        shipment_id="RS-1" if direction is Direction.RETURN else "SH-1",
        order_id="PO-1",
        merchant_id="m-1",
        carrier_code="SF",
        tracking_number="SF1234567890123",
        lines={"L1": 1},
        status=ShipmentStatus.DISPATCHED,
        dispatched_at=T0,
        last_movement_at=T0,
        direction=direction,
        refund_id="RF-1" if direction is Direction.RETURN else None,
    )


def delivered(direction: Direction = Direction.OUTBOUND) -> Shipment:
    scans = [Scan("SF1234567890123", TrackingStatus.DELIVERED, T0 + timedelta(hours=20), "签收")]
    return parcel(direction).apply_scans(scans).start_auto_confirm(SEVEN_DAYS, T0 + timedelta(hours=20))


EVENTS = [("requested", "RF-1"), ("requested", "RF-1"), ("ended", "RF-1")]


@pytest.mark.parametrize("arrival", sorted(set(permutations(EVENTS))))
def test_a_refund_that_ended_stays_ended_whatever_order_its_events_arrive_in(
    arrival: tuple[tuple[str, str], ...],
) -> None:
    holds = RefundHolds()
    for what, refund_id in arrival:
        holds = holds.requested(refund_id) if what == "requested" else holds.ended(refund_id)
    assert holds.open_refund_ids == frozenset()
    assert holds.ended_refund_ids == {"RF-1"}


def test_the_order_is_held_until_every_open_refund_has_ended() -> None:
    holds = RefundHolds().requested("RF-1").requested("RF-2")
    assert holds.ended("RF-1").open_refund_ids == {"RF-2"}
    assert holds.ended("RF-1").ended("RF-2").open_refund_ids == frozenset()
    assert holds.ended("RF-1").requested("RF-1").open_refund_ids == {"RF-2"}


def test_replaying_the_same_open_count_changes_nothing() -> None:
    paused = delivered().with_open_refunds(1, T0 + timedelta(days=2))
    assert paused.with_open_refunds(1, T0 + timedelta(days=5)) == paused
    resumed = paused.with_open_refunds(0, T0 + timedelta(days=6))
    assert resumed.with_open_refunds(0, T0 + timedelta(days=7)) == resumed


def test_a_return_parcel_is_tracked_to_delivery_but_never_signs_off() -> None:
    back = delivered(Direction.RETURN)
    assert back.status is ShipmentStatus.DELIVERED
    assert not back.awaiting_sign_off
    assert back.auto_confirm_due_at is None
    assert not back.auto_confirm_is_due(T0 + timedelta(days=30))
    assert back.with_open_refunds(1, T0) == back
    for how in SignOffHow:
        with pytest.raises(ShipmentRuleViolation) as refused:
            back.sign_off(how, T0 + timedelta(days=30))
        assert refused.value.code == "return-shipment"
    assert auto_confirm_summary(back, {"RF-1"})["state"] == "never"


def test_a_return_number_that_does_not_check_out_is_flagged_not_refused() -> None:
    assert return_parcel_flags("SF", "SF1234567890123", SF, None) == ()
    assert [flag.code for flag in return_parcel_flags("SF", "ZT123", SF, None)] == ["bad-tracking-number"]
    assert [flag.code for flag in return_parcel_flags("NOPE", "X1", None, None)] == ["unknown-carrier"]
    inactive = replace(SF, active=False)
    assert isinstance(inactive, Carrier)
    assert [flag.code for flag in return_parcel_flags("SF", "SF1234567890123", inactive, "SH-9")] == [
        "inactive-carrier",
        "tracking-number-in-use",
    ]


def test_the_view_says_why_auto_confirm_is_paused_and_when_it_is_due_otherwise() -> None:
    running = delivered()
    summary = auto_confirm_summary(running, frozenset())
    assert summary == {
        "state": "scheduled",
        "paused": False,
        "paused_by_refund_ids": [],
        "remaining_s": None,
        "due_at": (T0 + timedelta(hours=20) + SEVEN_DAYS).isoformat(),
        "held_by_flags": [],
    }
    paused = running.with_open_refunds(2, T0 + timedelta(hours=20, days=1))
    summary = auto_confirm_summary(paused, {"RF-2", "RF-1"})
    assert summary["state"] == "paused"
    assert summary["paused"] is True
    assert summary["paused_by_refund_ids"] == ["RF-1", "RF-2"]
    assert summary["remaining_s"] == 6 * 24 * 3600
    assert summary["due_at"] is None
    assert auto_confirm_summary(parcel(), {"RF-1"})["state"] == "awaiting_delivery"

"""Whose scan it is and when it counts (issue 16), without I/O.

- A scan belongs to its carrier: the native path's, or the aggregator's code mapped through the
  registry; a code the registry does not know (or that two carriers share) names no carrier.
- A scan dated before the dispatch, beyond the clock tolerance (5 minutes by default), is kept
  but never moves the shipment; a delivered one flags it, and the flag holds the auto-confirm
  until ops clear it.

Times: the parcel is dispatched at D = 2026-11-20 09:00 UTC.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from logistics_svc.adapters.carrier_seed import SEED_CARRIERS
from logistics_svc.domain.carriers import carrier_for_vendor_code
from logistics_svc.domain.shipments import (
    DEFAULT_SCAN_CLOCK_TOLERANCE,
    DELIVERED_BEFORE_DISPATCH,
    Direction,
    Shipment,
    ShipmentRuleViolation,
    ShipmentStatus,
    SignOffHow,
    auto_confirm_summary,
)
from logistics_svc.domain.tracking import Scan, TrackingStatus
from shipsettle_shared.domain_errors import Refusal

D = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SEVEN_DAYS = timedelta(days=7)
SEED = {carrier.code: carrier for carrier in SEED_CARRIERS}


def scan(status: TrackingStatus, at: datetime, description: str = "") -> Scan:
    return Scan("731234567890", status, at, description or status.value, carrier_code="ZTO")


def dispatched(**changes: object) -> Shipment:
    base = Shipment(
        shipment_id="SH-1",
        order_id="PO-1",
        merchant_id="m-1",
        carrier_code="ZTO",
        tracking_number="731234567890",
        lines={"L1": 2},
        status=ShipmentStatus.DISPATCHED,
        dispatched_at=D,
        last_movement_at=D,
    )
    return replace(base, **changes)


# --- whose scan ------------------------------------------------------------------------------------


def test_an_aggregator_code_names_its_carrier_in_any_letter_case() -> None:
    carriers = SEED.values()
    assert carrier_for_vendor_code(carriers, "aftership", "zto-domestic") == "ZTO"
    assert carrier_for_vendor_code(carriers, "aftership", "SF-Express") == "SF"
    assert carrier_for_vendor_code(carriers, "kuaidi100", "zhongtong") == "ZTO"
    assert carrier_for_vendor_code(carriers, "kuaidi100", " YuanTong ") == "YTO"
    # each aggregator's own code only: AfterShip's slug is not a Kuaidi100 com, nor our code
    assert carrier_for_vendor_code(carriers, "kuaidi100", "zto-domestic") is None
    assert carrier_for_vendor_code(carriers, "aftership", "ZTO") is None


def test_an_unknown_or_missing_aggregator_code_names_no_carrier_and_none_is_guessed() -> None:
    carriers = list(SEED.values())
    assert carrier_for_vendor_code(carriers, "aftership", "zto-express") is None  # ZTO Global, not ours
    assert carrier_for_vendor_code(carriers, "kuaidi100", None) is None
    assert carrier_for_vendor_code(carriers, "kuaidi100", "  ") is None
    assert carrier_for_vendor_code(carriers, "native", "SF") is None  # not an aggregator
    # two carriers with the same slug: the scans belong to neither
    twin = replace(SEED["YTO"], code="YTO2", sources=())
    assert carrier_for_vendor_code([*carriers, twin], "aftership", "yto") is None


def test_a_native_body_names_its_carrier_by_any_of_its_codes_but_never_another_carrier() -> None:
    sf = SEED["SF"]
    assert all(sf.answers_to(name) for name in ("SF", "sf", "shunfeng", "sf-express", " SF "))
    assert not any(sf.answers_to(name) for name in ("ZTO", "zhongtong", "zto-domestic", "", "S F"))


# --- when a scan counts ----------------------------------------------------------------------------


def test_a_scan_dated_before_the_dispatch_beyond_the_tolerance_is_kept_but_never_moves_the_shipment() -> None:
    old = scan(TrackingStatus.IN_TRANSIT, D - timedelta(hours=2))
    moved = dispatched().apply_scans([old])
    assert moved.scans == (old,)
    assert (moved.status, moved.first_scan_at, moved.last_movement_at) == (ShipmentStatus.DISPATCHED, None, D)
    assert not moved.scan_counts(old)
    assert moved.ops_flags == ()  # only an earlier *delivery* says the number was used before


def test_a_scan_within_the_clock_tolerance_before_the_dispatch_counts() -> None:
    assert timedelta(minutes=5) == DEFAULT_SCAN_CLOCK_TOLERANCE
    pickup = scan(TrackingStatus.INFO_RECEIVED, D - timedelta(minutes=4))
    assert dispatched().apply_scans([pickup]).status is ShipmentStatus.INFO_RECEIVED
    late_entry = scan(TrackingStatus.INFO_RECEIVED, D - timedelta(minutes=6))
    assert dispatched().apply_scans([late_entry]).status is ShipmentStatus.DISPATCHED
    widened = dispatched().apply_scans([late_entry], clock_tolerance=timedelta(minutes=10))
    assert widened.status is ShipmentStatus.INFO_RECEIVED


def test_a_delivered_scan_dated_before_the_dispatch_flags_the_shipment_and_never_starts_the_clock() -> None:
    eight_days_before = scan(TrackingStatus.DELIVERED, D - timedelta(days=8), "已签收")
    flagged = dispatched().apply_scans([eight_days_before], now=D + timedelta(minutes=1))
    assert flagged.status is ShipmentStatus.DISPATCHED
    assert flagged.delivered_at is None
    [flag] = flagged.ops_flags
    assert (flag.code, flag.blocks_sign_off, flag.open, flag.raised_at) == (
        DELIVERED_BEFORE_DISPATCH,
        True,
        True,
        D + timedelta(minutes=1),
    )
    assert flagged.start_auto_confirm(SEVEN_DAYS, D) == flagged
    # The carrier then really delivers: the shipment moves, but the flag still holds the clock.
    delivered = flagged.apply_scans([scan(TrackingStatus.DELIVERED, D + timedelta(hours=20), "本人签收")])
    assert delivered.status is ShipmentStatus.DELIVERED
    assert delivered.delivered_at == D + timedelta(hours=20)
    assert delivered.awaiting_sign_off
    held = delivered.start_auto_confirm(SEVEN_DAYS, D + timedelta(hours=20))
    assert held.auto_confirm_due_at is None
    assert not held.auto_confirm_is_due(D + timedelta(days=30))
    summary = auto_confirm_summary(held, frozenset())
    assert (summary["state"], summary["held_by_flags"]) == ("held_for_ops", [DELIVERED_BEFORE_DISPATCH])
    with pytest.raises(ShipmentRuleViolation):
        held.sign_off(SignOffHow.AUTO_CONFIRMED, D + timedelta(days=30))


def test_a_flag_raised_while_the_clock_runs_stops_it_and_clearing_restarts_it_from_the_delivery() -> None:
    delivered_at = D + timedelta(hours=20)
    running = (
        dispatched()
        .apply_scans([scan(TrackingStatus.DELIVERED, delivered_at)])
        .start_auto_confirm(SEVEN_DAYS, delivered_at)
    )
    assert running.auto_confirm_due_at == delivered_at + SEVEN_DAYS
    # A later push repeats the number's history, with an older parcel's delivery in it.
    stopped = running.apply_scans([scan(TrackingStatus.DELIVERED, D - timedelta(days=30), "旧件签收")])
    assert stopped.status is ShipmentStatus.DELIVERED
    assert stopped.delivered_at == delivered_at  # the old delivery never counts
    assert (stopped.auto_confirm_due_at, stopped.auto_confirm_paused_remaining_s) == (None, None)

    cleared_at = D + timedelta(days=2)
    cleared = stopped.clear_flag(
        DELIVERED_BEFORE_DISPATCH, by="ops-key-1", reason="SF recycled the number", at=cleared_at
    )
    [flag] = cleared.ops_flags
    assert (flag.open, flag.cleared_at, flag.cleared_by, flag.clear_reason) == (
        False,
        cleared_at,
        "ops-key-1",
        "SF recycled the number",
    )
    assert cleared.flags_blocking_sign_off == ()
    restarted = cleared.start_auto_confirm(SEVEN_DAYS, cleared_at)
    assert restarted.auto_confirm_due_at == delivered_at + SEVEN_DAYS
    # the same history pushed again does not raise the flag a second time
    again = restarted.apply_scans([scan(TrackingStatus.DELIVERED, D - timedelta(days=31), "更旧的件")])
    assert [f.open for f in again.ops_flags] == [False]
    assert again.auto_confirm_due_at == delivered_at + SEVEN_DAYS


def test_clearing_a_flag_the_shipment_does_not_have_or_has_cleared_is_refused() -> None:
    with pytest.raises(ShipmentRuleViolation) as missing:
        dispatched().clear_flag(DELIVERED_BEFORE_DISPATCH, by="ops", reason="checked", at=D)
    assert (missing.value.refusal, missing.value.message) == (
        Refusal.NOT_FOUND,
        f"flag {DELIVERED_BEFORE_DISPATCH!r} does not exist",
    )
    flagged = dispatched().apply_scans([scan(TrackingStatus.DELIVERED, D - timedelta(days=8))])
    cleared = flagged.clear_flag(DELIVERED_BEFORE_DISPATCH, by="ops", reason="checked", at=D)
    with pytest.raises(ShipmentRuleViolation) as twice:
        cleared.clear_flag(DELIVERED_BEFORE_DISPATCH, by="ops", reason="checked again", at=D)
    assert (twice.value.refusal, twice.value.code) == (Refusal.CONFLICT, "flag-already-cleared")


def test_the_buyer_may_still_confirm_receipt_while_a_flag_holds_the_auto_confirm() -> None:
    flagged = dispatched().apply_scans([scan(TrackingStatus.DELIVERED, D - timedelta(days=8))])
    signed = flagged.sign_off(SignOffHow.BUYER_CONFIRMED, D + timedelta(days=1))
    assert signed.status is ShipmentStatus.SIGNED_OFF


def test_a_return_parcels_scans_count_whatever_their_date() -> None:
    # The buyer's "shipped" time comes after the carrier's pickup; a return is never signed off.
    parcel = dispatched(direction=Direction.RETURN, refund_id="RF-1")
    moved = parcel.apply_scans(
        [
            scan(TrackingStatus.INFO_RECEIVED, D - timedelta(hours=3)),
            scan(TrackingStatus.DELIVERED, D - timedelta(hours=1)),
        ]
    )
    assert moved.status is ShipmentStatus.DELIVERED
    assert moved.ops_flags == ()

"""logistics-svc's main use cases through the service layer, on an in-memory unit of work
(logistics_fakes.py): a parcel dispatched (and the same dispatch retried, refused, or taking the
scans that came first), a delivery scan applied through the handler table, and the parcel signed
off by the buyer's confirmation or by the auto-confirm timer, with a refund pausing and resuming
it. Times: the order is confirmed and dispatched at NOW = 2026-11-20 09:00 UTC; the auto-confirm
runs 7 days from the delivery scan, the stale check 72 hours from the last movement."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from logistics_fakes import (
    CARRIERS,
    MERCHANT,
    NOW,
    POLICY,
    FakeLogisticsUnitOfWork,
    as_received,
    scans_received,
)

from logistics_svc.adapters.reference_data import CarrierRegistrySnapshot
from logistics_svc.domain.shipments import Shipment, ShipmentRuleViolation, ShipmentStatus, SignOffHow
from logistics_svc.service_layer import messagebus, sign_off
from logistics_svc.service_layer.dispatching import Dispatch, dispatch
from logistics_svc.service_layer.timers import (
    AUTO_CONFIRM,
    STALE_CHECK,
    TrackingPolicy,
    auto_confirm_timer_key,
    stale_timer_key,
)
from shipsettle_shared import contracts
from shipsettle_shared.data_keys import PersonalDataVault, buyer_subject
from shipsettle_shared.db import ConnectionLane
from shipsettle_shared.domain_errors import Refusal
from shipsettle_shared.field_crypto import LocalKeyring
from shipsettle_shared.messaging.consumer import PermanentEventError
from shipsettle_shared.settings import DEVELOPMENT_PII_KEYRING
from shipsettle_shared.timers import DueTimer

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
NUMBER = "SF1000000000001"


def dependencies(now: datetime = NOW) -> messagebus.Dependencies:
    # The lane opens a connection only when the vault seals or opens: none of these tests does.
    vault = PersonalDataVault(
        ConnectionLane("postgresql://unused", 1), LocalKeyring.parse(DEVELOPMENT_PII_KEYRING), ttl_s=5.0
    )

    async def policy() -> TrackingPolicy:
        return POLICY

    async def carriers() -> CarrierRegistrySnapshot:
        return CARRIERS

    return messagebus.Dependencies(now, vault, policy, carriers)


async def dispatched(
    uow: FakeLogisticsUnitOfWork, lines: dict[str, int] | None = None, number: str = NUMBER, order_id: str = "PO-1"
) -> Shipment:
    loaded = await dispatch(
        uow,
        Dispatch(order_id, "sf", number.lower(), lines or {"L1": 2, "L2": 1}),
        merchant_scope=None,
        now=NOW,
        policy=POLICY,
        carriers=CARRIERS,
    )
    assert loaded.first is not None
    return loaded.first


async def delivered(uow: FakeLogisticsUnitOfWork, number: str = NUMBER, at: datetime = NOW + 20 * HOUR) -> None:
    scans = scans_received(number, ("in_transit", NOW + 5 * HOUR), ("delivered", at))
    await messagebus.handle(uow, scans, dependencies(at))


def refund(kind: type[contracts.RefundRequested] | type[contracts.RefundCompleted], at: datetime) -> object:
    common = {
        "order_id": "PO-1",
        "merchant_id": MERCHANT,
        "refund_id": "R-1",
        "kind": "refund_only",
        "currency": "CNY",
        "lines": [],
        "shipping_minor": 0,
        "refund_minor": 100,
    }
    if kind is contracts.RefundRequested:
        return contracts.RefundRequested(**common, reason="damaged", requested_at=at)
    return contracts.RefundCompleted(**common, provider_reference="P-1", completed_at=at)


# --- dispatch -------------------------------------------------------------------------------------


async def test_a_dispatch_writes_its_shipment_its_event_and_its_stale_check_in_one_flush() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    shipment = await dispatched(uow)
    # the carrier code and number as the registry spells them; the number's lock before the order's
    assert (shipment.carrier_code, shipment.tracking_number) == ("SF", NUMBER)
    assert uow.locks == [f"tracking:{NUMBER}", "order:PO-1"]
    assert uow.shipments.rows[shipment.shipment_id].status is ShipmentStatus.DISPATCHED
    [event] = uow.of_type(contracts.ShipmentDispatched)
    assert (event.order_id, event.tracking_number, event.dispatched_at) == ("PO-1", NUMBER, NOW)
    assert {(line.line_id, line.quantity) for line in event.lines} == {("L1", 2), ("L2", 1)}
    assert uow.pending_timers(STALE_CHECK) == {stale_timer_key(shipment): NOW + 72 * HOUR}
    assert uow.flushes == 1


async def test_the_same_dispatch_sent_again_returns_its_shipment_and_writes_nothing() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    first = await dispatched(uow)
    again = await dispatched(uow)
    assert again.shipment_id == first.shipment_id
    assert len(uow.shipments.rows) == 1
    assert len(uow.of_type(contracts.ShipmentDispatched)) == 1
    assert uow.flushes == 1


async def test_a_number_another_parcel_holds_is_refused_as_a_conflict_and_writes_nothing() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    await dispatched(uow, {"L1": 1})
    with pytest.raises(ShipmentRuleViolation) as refused:
        await dispatched(uow, {"L2": 1})  # other lines under the same number
    assert (refused.value.refusal, refused.value.code) == (Refusal.CONFLICT, "tracking-number-in-use")
    assert len(uow.shipments.rows) == 1
    assert uow.flushes == 1


async def test_an_order_not_confirmed_yet_is_refused_and_nothing_is_written() -> None:
    uow = FakeLogisticsUnitOfWork()
    await uow.orders.add_known_orders(
        [{"order_id": "PO-1", "merchant_id": MERCHANT, "lines": {"L1": {"quantity": 2}}, "consignee": {}}]
    )
    with pytest.raises(ShipmentRuleViolation, match="has not been confirmed"):
        await dispatched(uow, {"L1": 2})
    assert (uow.shipments.rows, uow.events, uow.timers) == ({}, [], {})


async def test_more_than_is_left_to_ship_is_refused_naming_the_line() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    await dispatched(uow, {"L1": 1})
    with pytest.raises(ShipmentRuleViolation, match="2 requested but only 1 of 2 left to ship"):
        await dispatched(uow, {"L1": 2}, number="SF1000000000002")


async def test_a_parcel_dispatched_after_its_scans_came_takes_them_and_is_delivered_at_once() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    await delivered(uow)  # no shipment has the number yet: the scans are kept
    assert uow.shipments.rows == {}
    assert [scan.status.value for scan in uow.scans.of("SF", NUMBER)] == ["in_transit", "delivered"]
    shipment = await dispatched(uow)
    assert shipment.status is ShipmentStatus.DELIVERED
    assert shipment.auto_confirm_due_at == NOW + 20 * HOUR + 7 * DAY
    assert [type(event) for event in uow.events] == [contracts.ShipmentDispatched, contracts.ShipmentStatusChanged]
    assert uow.flushes == 1


# --- scans, through the handler table ----------------------------------------------------------------


async def test_a_delivery_scan_moves_the_parcel_cancels_its_stale_check_and_starts_its_auto_confirm() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    shipment = await dispatched(uow)
    await delivered(uow)
    moved = uow.shipments.rows[shipment.shipment_id]
    assert moved.status is ShipmentStatus.DELIVERED
    assert moved.delivered_at == NOW + 20 * HOUR
    [change] = uow.of_type(contracts.ShipmentStatusChanged)
    assert (change.previous_status, change.status, change.scan_time) == ("dispatched", "delivered", NOW + 20 * HOUR)
    assert uow.pending_timers(STALE_CHECK) == {}  # delivered parcels never go stale
    due = NOW + 20 * HOUR + 7 * DAY
    assert uow.pending_timers(AUTO_CONFIRM) == {auto_confirm_timer_key(shipment.shipment_id, due): due}
    assert uow.flushes == 2  # the dispatch's, the scans'


async def test_a_delivery_seen_twice_moves_the_parcel_once() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    await dispatched(uow)
    await delivered(uow)
    await delivered(uow)
    assert len(uow.of_type(contracts.ShipmentStatusChanged)) == 1
    assert uow.flushes == 2


async def test_an_in_transit_scan_moves_the_stale_check_to_the_new_last_movement() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    shipment = await dispatched(uow)
    await messagebus.handle(uow, scans_received(NUMBER, ("in_transit", NOW + 5 * HOUR)), dependencies())
    moved = uow.shipments.rows[shipment.shipment_id]
    assert uow.pending_timers(STALE_CHECK) == {stale_timer_key(moved): NOW + 5 * HOUR + 72 * HOUR}


async def test_a_delivery_dated_just_before_the_dispatch_still_leaves_no_stale_check() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    shipment = await dispatched(uow)
    early = NOW - timedelta(minutes=1)  # within the clock tolerance: it counts, yet moves nothing
    await messagebus.handle(uow, scans_received(NUMBER, ("delivered", early)), dependencies())
    moved = uow.shipments.rows[shipment.shipment_id]
    assert (moved.status, moved.last_movement_at) == (ShipmentStatus.DELIVERED, NOW)
    assert uow.pending_timers(STALE_CHECK) == {}


async def test_scans_of_a_carrier_the_registry_does_not_know_are_kept_and_move_nothing() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    shipment = await dispatched(uow)
    unknown = scans_received(
        NUMBER, ("delivered", NOW + 20 * HOUR), carrier_code=None, source="kuaidi100", vendor="no-such-carrier"
    )
    await messagebus.handle(uow, unknown, dependencies())
    assert [scan.carrier_code for scan in uow.scans.kept] == [None]
    assert uow.shipments.rows[shipment.shipment_id].status is ShipmentStatus.DISPATCHED
    assert uow.flushes == 1


async def test_a_parcel_delivered_while_a_refund_is_open_waits_with_its_clock_paused_and_resumes_after() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    shipment = await dispatched(uow)
    await messagebus.handle(uow, as_received(refund(contracts.RefundRequested, NOW + HOUR)), dependencies())
    await delivered(uow)
    paused = uow.shipments.rows[shipment.shipment_id]
    assert (paused.auto_confirm_due_at, paused.auto_confirm_paused_remaining_s) == (None, 7 * 24 * 3600)
    assert uow.pending_timers(AUTO_CONFIRM) == {}
    ended = NOW + 3 * DAY
    await messagebus.handle(uow, as_received(refund(contracts.RefundCompleted, ended)), dependencies(ended))
    due = ended + 7 * DAY  # the whole 7 days were left: the clock was paused from the delivery on
    assert uow.shipments.rows[shipment.shipment_id].auto_confirm_due_at == due
    assert uow.pending_timers(AUTO_CONFIRM) == {auto_confirm_timer_key(shipment.shipment_id, due): due}


# --- sign-off --------------------------------------------------------------------------------------


async def test_the_buyers_confirmation_signs_off_every_parcel_and_says_the_order_is_signed_off_with_the_last() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    first = await dispatched(uow, {"L1": 2})
    await dispatched(uow, {"L2": 1}, number="SF1000000000002")
    await delivered(uow)  # the first parcel's auto-confirm runs
    signed = await sign_off.confirm_receipt(uow, "PO-1", now=NOW + 2 * DAY)
    assert [shipment.lines for shipment in signed] == [{"L1": 2}, {"L2": 1}]
    events = uow.of_type(contracts.OrderSignedOff)
    assert [(e.how, e.order_fully_signed_off) for e in events] == [
        ("buyer_confirmed", False),
        ("buyer_confirmed", True),
    ]
    assert uow.pending_timers(AUTO_CONFIRM) == {}  # cancelled with the sign-off
    assert all(row.sign_off_how is SignOffHow.BUYER_CONFIRMED for row in uow.shipments.rows.values())
    assert uow.shipments.rows[first.shipment_id].status is ShipmentStatus.SIGNED_OFF


async def test_a_confirmation_with_nothing_left_to_sign_off_is_refused_as_a_conflict() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    await dispatched(uow)
    await sign_off.confirm_receipt(uow, "PO-1", now=NOW + DAY)
    with pytest.raises(ShipmentRuleViolation) as refused:
        await sign_off.confirm_receipt(uow, "PO-1", now=NOW + 2 * DAY)
    assert (refused.value.refusal, refused.value.code) == (Refusal.CONFLICT, "nothing-to-sign-off")
    with pytest.raises(ShipmentRuleViolation) as unknown:
        await sign_off.confirm_receipt(uow, "PO-2", now=NOW + 2 * DAY)
    assert unknown.value.refusal is Refusal.NOT_FOUND


async def test_the_auto_confirm_signs_a_delivered_parcel_off_when_due_and_does_nothing_before() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    shipment = await dispatched(uow)
    await delivered(uow)
    [key] = uow.pending_timers(AUTO_CONFIRM)
    timer = DueTimer(AUTO_CONFIRM, key, NOW, {})
    await sign_off.fire_auto_confirm(uow, timer, now=NOW + 20 * HOUR + 7 * DAY - HOUR)
    assert uow.of_type(contracts.OrderSignedOff) == []
    await sign_off.fire_auto_confirm(uow, timer, now=NOW + 20 * HOUR + 7 * DAY)
    [event] = uow.of_type(contracts.OrderSignedOff)
    assert (event.shipment_id, event.how, event.order_fully_signed_off) == (
        shipment.shipment_id,
        "auto_confirmed",
        True,
    )


# --- the known-orders projection and erasure ------------------------------------------------------


async def test_a_cancellation_of_an_order_never_placed_is_refused_for_good() -> None:
    uow = FakeLogisticsUnitOfWork()
    uow.confirmed_order()
    cancelled = [
        as_received(
            contracts.OrderCancelled(
                order_id=order_id,
                merchant_id=MERCHANT,
                currency="CNY",
                refund_minor=0,
                reason="buyer",
                cancelled_by="buyer",
                cancelled_at=NOW,
            )
        )
        for order_id in ("PO-1", "PO-9")
    ]
    with pytest.raises(PermanentEventError, match="PO-9 was never placed"):
        await messagebus.handle_batch(uow, cancelled, dependencies())
    with pytest.raises(ValueError, match="no handler"):
        await messagebus.handle(uow, cancelled[0], dependencies())  # a batch-only type


async def test_an_erased_buyers_data_key_is_destroyed() -> None:
    uow = FakeLogisticsUnitOfWork()
    erased = contracts.BuyerErased(buyer_ref="b-1", how="request", erased_at=NOW)
    await messagebus.handle(uow, as_received(erased), dependencies())
    assert uow.destroyed_subjects == [buyer_subject("b-1")]

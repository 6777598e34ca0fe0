"""Shipments: dispatch, the tracking status a shipment is in, and its sign-off. Pure: no I/O.

Status rules (SPEC section 2, step 4):
- Scans are placed by their event time, not by when they arrive, so a late webhook cannot move
  a shipment backwards.
- Delivered is sticky: only a later return-to-sender scan moves a delivered shipment on.
- Returned to sender is final. Lost is left only by a later delivery or return.
- Sign-off (签收 / 确认收货) happens once per shipment: by the buyer's confirmation, or by the
  auto-confirm timer N days after delivery (paused while a refund or dispute is open).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from logistics_svc.domain.tracking import Scan, TrackingStatus


class ShipmentStatus(StrEnum):
    DISPATCHED = "dispatched"  # handed over, no carrier scan yet
    INFO_RECEIVED = "info_received"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    FAILED_ATTEMPT = "failed_attempt"
    EXCEPTION = "exception"
    LOST = "lost"
    DELIVERED = "delivered"
    RETURNED_TO_SENDER = "returned_to_sender"
    SIGNED_OFF = "signed_off"


class SignOffHow(StrEnum):
    BUYER_CONFIRMED = "buyer_confirmed"
    AUTO_CONFIRMED = "auto_confirmed"


class DispatchRefused(Exception):
    def __init__(self, code: str, message: str, field: str | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status


def next_status(current: ShipmentStatus, scan: TrackingStatus) -> ShipmentStatus:
    """Where a shipment goes on a scan that happened after everything applied so far."""
    if current in (ShipmentStatus.SIGNED_OFF, ShipmentStatus.RETURNED_TO_SENDER):
        return current
    if current is ShipmentStatus.DELIVERED:
        return ShipmentStatus.RETURNED_TO_SENDER if scan is TrackingStatus.RETURNED_TO_SENDER else current
    if current is ShipmentStatus.LOST and scan not in (TrackingStatus.DELIVERED, TrackingStatus.RETURNED_TO_SENDER):
        return current
    return ShipmentStatus(scan.value)


def status_from_scans(scans: Iterable[Scan]) -> ShipmentStatus:
    """Replay every scan in event-time order: the same answer whatever order they arrived in."""
    status = ShipmentStatus.DISPATCHED
    for scan in sorted(scans, key=lambda item: (item.occurred_at, _STATUS_ORDER[item.status])):
        status = next_status(status, scan.status)
    return status


# Tie-break for scans with the same timestamp: the one further along counts as later.
_STATUS_ORDER = {
    TrackingStatus.INFO_RECEIVED: 0,
    TrackingStatus.IN_TRANSIT: 1,
    TrackingStatus.EXCEPTION: 2,
    TrackingStatus.FAILED_ATTEMPT: 3,
    TrackingStatus.OUT_FOR_DELIVERY: 4,
    TrackingStatus.LOST: 5,
    TrackingStatus.DELIVERED: 6,
    TrackingStatus.RETURNED_TO_SENDER: 7,
}


@dataclass(frozen=True)
class OrderForDispatch:
    order_id: str
    merchant_id: str
    status: str  # placed | confirmed | cancelled
    line_quantities: Mapping[str, int]


def check_dispatch(
    order: OrderForDispatch | None,
    parcel_lines: Mapping[str, int],
    already_dispatched: Mapping[str, int],
    merchant_scope: str | None,
) -> None:
    """May this parcel leave? Raises DispatchRefused naming the field. The order must be known,
    the merchant's own, confirmed (核对发货信息) and not cancelled; every line must be the
    order's, and no line may ship more than was ordered over all parcels."""
    if order is None or (merchant_scope is not None and order.merchant_id != merchant_scope):
        raise DispatchRefused("order-not-found", "order not found", "order_id", status=404)
    if order.status == "cancelled":
        raise DispatchRefused("order-cancelled", "the order is cancelled", status=409)
    if order.status != "confirmed":
        raise DispatchRefused(
            "shipping-info-not-confirmed",
            "the order's shipping information has not been confirmed (核对发货信息); confirm it first",
            status=409,
        )
    if not parcel_lines:
        raise DispatchRefused("no-lines", "a parcel carries at least one line", "lines")
    for index, (line_id, quantity) in enumerate(parcel_lines.items()):
        ordered = order.line_quantities.get(line_id)
        if ordered is None:
            raise DispatchRefused("unknown-line", f"the order has no line {line_id!r}", f"lines[{index}].line_id")
        if quantity <= 0:
            raise DispatchRefused("bad-quantity", "quantity must be at least 1", f"lines[{index}].quantity")
        left = ordered - already_dispatched.get(line_id, 0)
        if quantity > left:
            raise DispatchRefused(
                "too-many",
                f"line {line_id!r}: {quantity} requested but only {left} of {ordered} left to ship",
                f"lines[{index}].quantity",
            )


@dataclass(frozen=True)
class Shipment:
    shipment_id: str
    order_id: str
    merchant_id: str
    carrier_code: str
    tracking_number: str
    lines: dict[str, int]
    status: ShipmentStatus
    dispatched_at: datetime
    last_movement_at: datetime
    first_scan_at: datetime | None = None
    delivered_at: datetime | None = None
    signed_off_at: datetime | None = None
    sign_off_how: SignOffHow | None = None
    open_disputes: int = 0
    auto_confirm_paused_remaining_s: int | None = None
    scans: tuple[Scan, ...] = field(default_factory=tuple)

    def correct_tracking_number(self, tracking_number: str) -> Shipment:
        """Only before the carrier's first scan: after it, the number is what the carrier uses."""
        if self.first_scan_at is not None:
            raise DispatchRefused(
                "already-scanned", "the carrier has scanned this parcel; its tracking number is final", status=409
            )
        return replace(self, tracking_number=tracking_number)

    def apply_scans(self, scans: Iterable[Scan]) -> Shipment:
        """Add scans (any order, duplicates allowed) and recompute the status from all of them."""
        known = {(scan.occurred_at, scan.status, scan.description) for scan in self.scans}
        merged = list(self.scans) + [s for s in scans if (s.occurred_at, s.status, s.description) not in known]
        if not merged:
            return self
        status = status_from_scans(merged)
        if self.status is ShipmentStatus.SIGNED_OFF:
            status = ShipmentStatus.SIGNED_OFF  # a sign-off is final whatever the carrier says later
        delivered_times = [scan.occurred_at for scan in merged if scan.status is TrackingStatus.DELIVERED]
        delivered_at = self.delivered_at
        if delivered_at is None and delivered_times and status in (ShipmentStatus.DELIVERED, ShipmentStatus.SIGNED_OFF):
            delivered_at = min(delivered_times)
        return replace(
            self,
            scans=tuple(sorted(merged, key=lambda scan: scan.occurred_at)),
            status=status,
            first_scan_at=min(scan.occurred_at for scan in merged),
            last_movement_at=max(self.last_movement_at, max(scan.occurred_at for scan in merged)),
            delivered_at=delivered_at,
        )

    @property
    def awaiting_sign_off(self) -> bool:
        return self.status is ShipmentStatus.DELIVERED and self.signed_off_at is None

    def sign_off(self, how: SignOffHow, at: datetime) -> Shipment:
        """Once per shipment. The buyer may confirm receipt before any delivery scan (they have
        the goods); the timer only ever fires for delivered shipments without an open dispute."""
        if self.signed_off_at is not None:
            raise DispatchRefused("already-signed-off", "this shipment is already signed off", status=409)
        if self.status is ShipmentStatus.RETURNED_TO_SENDER:
            raise DispatchRefused("returned", "the parcel went back to the merchant; nothing to sign off", status=409)
        if how is SignOffHow.AUTO_CONFIRMED and (self.open_disputes or not self.awaiting_sign_off):
            raise DispatchRefused("not-due", "auto-confirm is paused or the shipment is not delivered", status=409)
        return replace(self, status=ShipmentStatus.SIGNED_OFF, signed_off_at=at, sign_off_how=how)

    def auto_confirm_due(self, auto_confirm_after: timedelta) -> datetime | None:
        if not self.awaiting_sign_off or self.delivered_at is None or self.open_disputes:
            return None
        return self.delivered_at + auto_confirm_after

    def open_dispute(self, now: datetime, auto_confirm_after: timedelta) -> Shipment:
        """A refund or dispute opened: pause the auto-confirm clock, remembering the time left."""
        remaining = self.auto_confirm_paused_remaining_s
        due = self.auto_confirm_due(auto_confirm_after)
        if self.open_disputes == 0 and due is not None:
            remaining = max(int((due - now).total_seconds()), 0)
        return replace(self, open_disputes=self.open_disputes + 1, auto_confirm_paused_remaining_s=remaining)

    def close_dispute(self) -> Shipment:
        return replace(self, open_disputes=max(self.open_disputes - 1, 0))

    def resumed_due(self, now: datetime, auto_confirm_after: timedelta) -> datetime | None:
        """When the auto-confirm fires after the last dispute closed: the time left at pause."""
        if self.open_disputes or not self.awaiting_sign_off:
            return None
        if self.auto_confirm_paused_remaining_s is not None:
            return now + timedelta(seconds=self.auto_confirm_paused_remaining_s)
        return self.auto_confirm_due(auto_confirm_after)

"""Shipments: dispatch, the tracking status a shipment is in, and its sign-off. Pure: no I/O.

Status rules (SPEC section 2, step 4):
- Scans are placed by their event time, not by when they arrive, so a late webhook cannot move
  a shipment backwards.
- Delivered is sticky: only a later return-to-sender scan moves a delivered shipment on.
- Returned to sender is final. Lost is left only by a later delivery or return.
- Sign-off (签收 / 确认收货) happens once per outbound shipment: by the buyer's confirmation, or
  by the auto-confirm timer N days after delivery (paused while a refund or dispute is open).
- A return parcel (退货, buyer -> merchant) is tracked the same way but never signed off and
  never moves the order's outbound state.
- Only the shipment's own carrier's scans are its scans (matched by carrier and tracking number,
  done where scans are stored). Of those, a scan dated before the dispatch, beyond a small clock
  tolerance, is about an earlier parcel under the same number: it is kept in the timeline but
  never moves the status nor starts the auto-confirm (SPEC section 8). A *delivered* scan dated
  before the dispatch means the number was used before: the shipment is flagged for ops, and
  the flag holds the auto-confirm until ops clear it (who and why are kept on the flag).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from logistics_svc.domain.carriers import Carrier
from logistics_svc.domain.tracking import Scan, TrackingStatus
from shipsettle_shared.domain_errors import DomainError, Refusal


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


# Carriers' clocks and ours differ by seconds, at worst minutes: a scan dated this much before the
# dispatch still counts. The platform setting scan_clock_tolerance_minutes (GET/PUT
# /v1/settings/tracking) overrides it; this is its default.
DEFAULT_SCAN_CLOCK_TOLERANCE = timedelta(minutes=5)

# The carrier reported the tracking number delivered before this parcel was dispatched: a
# tracking number used before (a merchant re-using a delivered parcel's number is the 发出商品
# fraud this product exists to stop). Holds the auto-confirm until ops clear it.
DELIVERED_BEFORE_DISPATCH = "delivered-before-dispatch"


class SignOffHow(StrEnum):
    BUYER_CONFIRMED = "buyer_confirmed"
    AUTO_CONFIRMED = "auto_confirmed"


class ShipmentRuleViolation(DomainError):
    """logistics-svc's refusals of a command on a shipment: its dispatch, a tracking number's
    correction, a flag's clearance, a sign-off."""


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
    order_id: str,
    order: OrderForDispatch | None,
    parcel_lines: Mapping[str, int],
    already_dispatched: Mapping[str, int],
    merchant_scope: str | None,
) -> None:
    """May this parcel of order ``order_id`` leave? Raises ShipmentRuleViolation naming the field.
    The order must be known,
    the merchant's own, confirmed (核对发货信息) and not cancelled; every line must be the
    order's, and no line may ship more than was ordered over all parcels."""
    if order is None or (merchant_scope is not None and order.merchant_id != merchant_scope):
        raise ShipmentRuleViolation.not_found("order", order_id)
    if order.status == "cancelled":
        raise ShipmentRuleViolation(Refusal.CONFLICT, "order-cancelled", "the order is cancelled")
    if order.status != "confirmed":
        raise ShipmentRuleViolation(
            Refusal.CONFLICT,
            "shipping-info-not-confirmed",
            "the order's shipping information has not been confirmed (核对发货信息); confirm it first",
        )
    if not parcel_lines:
        raise ShipmentRuleViolation(Refusal.RULE, "no-lines", "a parcel carries at least one line", field="lines")
    for index, (line_id, quantity) in enumerate(parcel_lines.items()):
        ordered = order.line_quantities.get(line_id)
        if ordered is None:
            raise ShipmentRuleViolation(
                Refusal.RULE, "unknown-line", f"the order has no line {line_id!r}", field=f"lines[{index}].line_id"
            )
        if quantity <= 0:
            raise ShipmentRuleViolation(
                Refusal.RULE, "bad-quantity", "quantity must be at least 1", field=f"lines[{index}].quantity"
            )
        left = ordered - already_dispatched.get(line_id, 0)
        if quantity > left:
            raise ShipmentRuleViolation(
                Refusal.RULE,
                "too-many",
                f"line {line_id!r}: {quantity} requested but only {left} of {ordered} left to ship",
                field=f"lines[{index}].quantity",
            )


class Direction(StrEnum):
    OUTBOUND = "outbound"  # merchant -> buyer: the parcel that is signed off
    RETURN = "return"  # buyer -> merchant (退货): tracked, never signed off


@dataclass(frozen=True)
class OpsFlag:
    """Something ops should look at; the shipment is kept and tracked regardless. A flag that
    ``blocks_sign_off`` holds the auto-confirm while it is open. Ops clear a flag once checked;
    it stays on the shipment with who cleared it, when and why."""

    code: str
    message: str
    blocks_sign_off: bool = False
    raised_at: datetime | None = None
    cleared_at: datetime | None = None
    cleared_by: str | None = None  # the ops API key that cleared it
    clear_reason: str | None = None

    @property
    def open(self) -> bool:
        return self.cleared_at is None


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
    # How many refunds of the order are open (derived from RefundHolds, so replays are harmless).
    open_disputes: int = 0
    # Exactly one of these is set while an outbound parcel awaits sign-off: running or paused.
    auto_confirm_due_at: datetime | None = None
    auto_confirm_paused_remaining_s: int | None = None
    direction: Direction = Direction.OUTBOUND
    refund_id: str | None = None  # the refund a return parcel belongs to
    ops_flags: tuple[OpsFlag, ...] = ()
    scans: tuple[Scan, ...] = field(default_factory=tuple)

    def correct_tracking_number(self, tracking_number: str) -> Shipment:
        """Only before the carrier's first scan: after it, the number is what the carrier uses."""
        if self.first_scan_at is not None:
            raise ShipmentRuleViolation(
                Refusal.CONFLICT, "already-scanned", "the carrier has scanned this parcel; its tracking number is final"
            )
        return replace(self, tracking_number=tracking_number)

    def scan_counts(self, scan: Scan, clock_tolerance: timedelta = DEFAULT_SCAN_CLOCK_TOLERANCE) -> bool:
        """Whether a scan of this shipment's carrier and number may move it. An outbound parcel's
        scan dated before its dispatch (beyond the clock tolerance) is about an earlier parcel
        under the same number. A return parcel's dispatch time is when the buyer says they sent
        it, usually after the carrier's pickup scan, and a return is never signed off: all of its
        scans count."""
        return self.direction is Direction.RETURN or scan.occurred_at >= self.dispatched_at - clock_tolerance

    def apply_scans(
        self,
        scans: Iterable[Scan],
        *,
        clock_tolerance: timedelta = DEFAULT_SCAN_CLOCK_TOLERANCE,
        now: datetime | None = None,
    ) -> Shipment:
        """Add scans (any order, duplicates allowed) and recompute the status from all of those
        that count (``scan_counts``); the others are kept in the timeline only. A delivered scan
        dated before the dispatch flags the shipment (DELIVERED_BEFORE_DISPATCH, once), which
        stops its auto-confirm clock. ``now`` dates a flag raised."""
        known = {(scan.occurred_at, scan.status, scan.description) for scan in self.scans}
        merged = list(self.scans) + [s for s in scans if (s.occurred_at, s.status, s.description) not in known]
        if not merged:
            return self
        moved = replace(self, scans=tuple(sorted(merged, key=lambda scan: scan.occurred_at)))
        counted = [scan for scan in merged if self.scan_counts(scan, clock_tolerance)]
        if counted:
            status = status_from_scans(counted)
            if self.status is ShipmentStatus.SIGNED_OFF:
                status = ShipmentStatus.SIGNED_OFF  # a sign-off is final whatever the carrier says later
            delivered_times = [scan.occurred_at for scan in counted if scan.status is TrackingStatus.DELIVERED]
            delivered_at = self.delivered_at
            if (
                delivered_at is None
                and delivered_times
                and status in (ShipmentStatus.DELIVERED, ShipmentStatus.SIGNED_OFF)
            ):
                delivered_at = min(delivered_times)
            moved = replace(
                moved,
                status=status,
                first_scan_at=min(scan.occurred_at for scan in counted),
                last_movement_at=max(self.last_movement_at, max(scan.occurred_at for scan in counted)),
                delivered_at=delivered_at,
            )
            if status is ShipmentStatus.RETURNED_TO_SENDER:
                # Back with the merchant: nothing left to sign off, so no clock either.
                moved = replace(moved, auto_confirm_due_at=None, auto_confirm_paused_remaining_s=None)
        earlier_deliveries = [
            scan.occurred_at
            for scan in merged
            if scan.status is TrackingStatus.DELIVERED and not self.scan_counts(scan, clock_tolerance)
        ]
        if earlier_deliveries and not self.has_flag(DELIVERED_BEFORE_DISPATCH):
            moved = moved.flagged(
                OpsFlag(
                    DELIVERED_BEFORE_DISPATCH,
                    f"the carrier reported {self.carrier_code} {self.tracking_number} delivered at "
                    f"{min(earlier_deliveries).isoformat()}, before this parcel was dispatched at "
                    f"{self.dispatched_at.isoformat()}: the tracking number was probably used before. Check with "
                    "the carrier; the shipment signs off automatically only once this flag is cleared.",
                    blocks_sign_off=True,
                    raised_at=now,
                )
            )
        return moved

    def has_flag(self, code: str) -> bool:
        """Raised at some time, open or cleared."""
        return any(flag.code == code for flag in self.ops_flags)

    @property
    def flags_blocking_sign_off(self) -> tuple[OpsFlag, ...]:
        return tuple(flag for flag in self.ops_flags if flag.open and flag.blocks_sign_off)

    def flagged(self, flag: OpsFlag) -> Shipment:
        """Raise a flag for ops. One that blocks sign-off stops the auto-confirm clock, running or
        paused; it starts again from the delivery when ops clear the flag."""
        moved = replace(self, ops_flags=(*self.ops_flags, flag))
        if flag.blocks_sign_off:
            moved = replace(moved, auto_confirm_due_at=None, auto_confirm_paused_remaining_s=None)
        return moved

    def clear_flag(self, code: str, *, by: str, reason: str, at: datetime) -> Shipment:
        """Ops checked what the open flag ``code`` is about: it is kept, cleared with who, when and
        why. Raises ShipmentRuleViolation: no such flag, the flag already cleared. The
        caller restarts the auto-confirm of a delivered shipment the flag held."""
        if not self.has_flag(code):
            raise ShipmentRuleViolation.not_found("flag", code)
        if not any(flag.code == code and flag.open for flag in self.ops_flags):
            raise ShipmentRuleViolation(
                Refusal.CONFLICT, "flag-already-cleared", f"the flag {code!r} is already cleared"
            )
        flags = tuple(
            replace(flag, cleared_at=at, cleared_by=by, clear_reason=reason)
            if flag.code == code and flag.open
            else flag
            for flag in self.ops_flags
        )
        return replace(self, ops_flags=flags)

    @property
    def awaiting_sign_off(self) -> bool:
        return (
            self.direction is Direction.OUTBOUND
            and self.status is ShipmentStatus.DELIVERED
            and self.signed_off_at is None
        )

    @property
    def auto_confirm_paused(self) -> bool:
        return self.auto_confirm_paused_remaining_s is not None

    def sign_off(self, how: SignOffHow, at: datetime) -> Shipment:
        """Once per outbound shipment. The buyer may confirm receipt before any delivery scan (they
        have the goods), while a refund is open (their own choice) and while an ops flag holds
        the auto-confirm (the flag doubts the carrier's data, not the buyer's word); the timer
        only ever fires for a delivered shipment whose clock is running and has run out."""
        if self.direction is Direction.RETURN:
            raise ShipmentRuleViolation(Refusal.CONFLICT, "return-shipment", "a return parcel is never signed off")
        if self.signed_off_at is not None:
            raise ShipmentRuleViolation(Refusal.CONFLICT, "already-signed-off", "this shipment is already signed off")
        if self.status is ShipmentStatus.RETURNED_TO_SENDER:
            raise ShipmentRuleViolation(
                Refusal.CONFLICT, "returned", "the parcel went back to the merchant; nothing to sign off"
            )
        if how is SignOffHow.AUTO_CONFIRMED and not self.auto_confirm_is_due(at):
            raise ShipmentRuleViolation(
                Refusal.CONFLICT, "not-due", "auto-confirm is paused or the shipment is not delivered"
            )
        return replace(
            self,
            status=ShipmentStatus.SIGNED_OFF,
            signed_off_at=at,
            sign_off_how=how,
            auto_confirm_due_at=None,
            auto_confirm_paused_remaining_s=None,
        )

    def auto_confirm_is_due(self, now: datetime) -> bool:
        """The one check the auto-confirm timer makes: a timer of an earlier schedule (before a
        pause) finds the clock paused or moved and does nothing."""
        return (
            self.awaiting_sign_off
            and not self.open_disputes
            and not self.flags_blocking_sign_off
            and not self.auto_confirm_paused
            and self.auto_confirm_due_at is not None
            and self.auto_confirm_due_at <= now
        )

    def start_auto_confirm(self, auto_confirm_after: timedelta, now: datetime) -> Shipment:
        """On delivery the clock starts at the delivery scan's time. With a refund already open it
        starts paused, holding what is left of the N days; while an ops flag holds the shipment it
        does not start."""
        if (
            not self.awaiting_sign_off
            or self.flags_blocking_sign_off
            or self.delivered_at is None
            or self.auto_confirm_due_at is not None
            or self.auto_confirm_paused
        ):
            return self
        due = self.delivered_at + auto_confirm_after
        if self.open_disputes:
            return replace(self, auto_confirm_paused_remaining_s=_seconds_left(due, now))
        return replace(self, auto_confirm_due_at=due)

    def with_open_refunds(self, open_refunds: int, now: datetime) -> Shipment:
        """The order's open refunds changed (SPEC section 2, step 5): the first pauses the clock,
        remembering the time left; when none is left open it resumes with that time. Return
        parcels have no clock."""
        if self.direction is Direction.RETURN:
            return self
        updated = replace(self, open_disputes=open_refunds)
        if open_refunds and self.auto_confirm_due_at is not None:
            return replace(
                updated,
                auto_confirm_due_at=None,
                auto_confirm_paused_remaining_s=_seconds_left(self.auto_confirm_due_at, now),
            )
        if not open_refunds and self.auto_confirm_paused_remaining_s is not None and self.awaiting_sign_off:
            return replace(
                updated,
                auto_confirm_due_at=now + timedelta(seconds=self.auto_confirm_paused_remaining_s),
                auto_confirm_paused_remaining_s=None,
            )
        return updated


def _seconds_left(due: datetime, now: datetime) -> int:
    return max(int((due - now).total_seconds()), 0)


@dataclass(frozen=True)
class RefundHolds:
    """The refunds of one order as logistics has heard of them (refund.events), for pausing the
    auto-confirm. Events may come twice or out of order: an ended refund stays ended, so a
    RefundClosed that overtakes its RefundRequested cannot leave the order paused forever."""

    open_refund_ids: frozenset[str] = frozenset()
    ended_refund_ids: frozenset[str] = frozenset()

    def requested(self, refund_id: str) -> RefundHolds:
        if refund_id in self.ended_refund_ids:
            return self
        return replace(self, open_refund_ids=self.open_refund_ids | {refund_id})

    def ended(self, refund_id: str) -> RefundHolds:
        return RefundHolds(self.open_refund_ids - {refund_id}, self.ended_refund_ids | {refund_id})


def return_parcel_flags(
    carrier_code: str, tracking_number: str, carrier: Carrier | None, used_by_shipment_id: str | None
) -> tuple[OpsFlag, ...]:
    """What is wrong with the carrier and number a buyer gave for a return. Unlike dispatch, none
    of it refuses the parcel: the buyer has already sent it, so it is tracked and ops is told."""
    flags: list[OpsFlag] = []
    if carrier is None:
        flags.append(OpsFlag("unknown-carrier", f"carrier {carrier_code!r} is not in the carrier registry"))
    else:
        if not carrier.active:
            flags.append(OpsFlag("inactive-carrier", f"carrier {carrier.code} is not active"))
        if not carrier.validate_tracking_number(tracking_number):
            flags.append(
                OpsFlag(
                    "bad-tracking-number",
                    f"{tracking_number!r} is not a {carrier.code} tracking number (expected {carrier.tracking_pattern})",
                )
            )
    if used_by_shipment_id is not None:
        flags.append(
            OpsFlag("tracking-number-in-use", f"the tracking number is also used by shipment {used_by_shipment_id}")
        )
    return tuple(flags)


def auto_confirm_summary(shipment: Shipment, open_refund_ids: Iterable[str]) -> dict[str, object]:
    """Whether and when the auto-confirm signs this shipment off, and what holds it (for the views)."""
    paused_by = sorted(open_refund_ids) if shipment.direction is Direction.OUTBOUND else []
    if shipment.direction is Direction.RETURN:
        state = "never"  # return parcels are tracked, never signed off
    elif shipment.signed_off_at is not None:
        state = "signed_off"
    elif shipment.status is ShipmentStatus.RETURNED_TO_SENDER:
        state = "never"
    elif shipment.flags_blocking_sign_off:
        state = "held_for_ops"  # until ops clear the flag (POST .../ops-flags/{code}/clear)
    elif shipment.auto_confirm_paused:
        state = "paused"
    elif shipment.auto_confirm_due_at is not None:
        state = "scheduled"
    else:
        state = "awaiting_delivery"
    return {
        "state": state,
        "paused": state == "paused",
        "paused_by_refund_ids": paused_by if state in ("paused", "awaiting_delivery") else [],
        "remaining_s": shipment.auto_confirm_paused_remaining_s,
        "due_at": shipment.auto_confirm_due_at.isoformat() if shipment.auto_confirm_due_at else None,
        "held_by_flags": [flag.code for flag in shipment.flags_blocking_sign_off],
    }

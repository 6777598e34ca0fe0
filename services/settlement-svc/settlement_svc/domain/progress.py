"""Settlement ETA and blockers: where an order's money is, what holds it up, and when it is
expected. Pure: no I/O. Answers "why is my money late" (结算延迟) without a support ticket.

An order's progress before settlement (confirmed, dispatched, delivered, signed off) comes from
order and shipment events, which may arrive twice or out of order: progress only moves forward
(a late "in transit" after "delivered" does not un-deliver a parcel).

An order's money is split into *segments*, each with one blocker, an amount in fen and the date
it is expected: units not signed off yet are grouped by their parcel's stage (amounts estimated
under the policy in force now); signed-off money is followed through holds, available funds,
settlement applications and payouts (see domain/allocation.py for which application took it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from settlement_svc.domain.orders import SettlementOrder, range_sum
from settlement_svc.domain.policies import CHINA_TIME, MerchantPolicy


class Blocker(StrEnum):
    """What holds an order's money up, earliest stage first; then the two finished states."""

    NOT_CONFIRMED = "not_confirmed"  # shipping information not confirmed (核对发货信息)
    NOT_DISPATCHED = "not_dispatched"
    NO_TRACKING_NUMBER = "no_tracking_number"  # 物流单号
    # logistics flagged the parcel's tracking for ops (e.g. delivered before it was dispatched: a
    # tracking number used before); it is not signed off automatically until ops clear the flag
    TRACKING_UNDER_REVIEW = "tracking_under_review"
    NOT_DELIVERED = "not_delivered"
    WAITING_FOR_SIGN_OFF = "waiting_for_sign_off"  # 签收 / 确认收货
    REFUND_OPEN = "refund_open"
    IN_HOLD_UNTIL = "in_hold_until"
    APPLICATION_NOT_SUBMITTED = "application_not_submitted"  # 结算申请
    IN_REVIEW = "in_review"
    PAYOUT_FAILED = "payout_failed"
    PAID_OUT = "paid_out"
    REFUNDED = "refunded"


FINISHED = frozenset({Blocker.PAID_OUT, Blocker.REFUNDED})
STAGE_ORDER = {blocker: index for index, blocker in enumerate(Blocker)}

# A parcel's tracking statuses (logistics' normalised ones) by how far along they are. Statuses of
# the same rank replace each other by scan time; a lower rank never replaces a higher one.
SHIPMENT_RANK = {
    "dispatched": 0,
    "info_received": 1,
    "in_transit": 1,
    "out_for_delivery": 1,
    "failed_attempt": 1,
    "exception": 1,
    "lost": 1,
    "delivered": 2,
    "returned_to_sender": 3,  # back with the merchant: nothing left to sign off
    "signed_off": 4,
}


@dataclass(frozen=True)
class ShipmentProgress:
    shipment_id: str
    tracking_number: str | None = None
    status: str = "dispatched"
    status_at: datetime | None = None  # scan time of the status
    dispatched_at: datetime | None = None
    delivered_at: datetime | None = None
    signed_off_at: datetime | None = None
    lines: dict[str, int] = field(default_factory=dict)
    # logistics' flags that hold the parcel's sign-off: code -> "open" | "cleared" (a cleared flag
    # stays cleared, whatever order the events are replayed in)
    flags: dict[str, str] = field(default_factory=dict)

    @property
    def review_flags(self) -> list[str]:
        """The flags still holding the parcel's sign-off."""
        return sorted(code for code, state in self.flags.items() if state == "open")

    @property
    def rank(self) -> int:
        return SHIPMENT_RANK["signed_off"] if self.signed_off_at else SHIPMENT_RANK.get(self.status, 1)


@dataclass(frozen=True)
class OrderProgress:
    order_id: str
    merchant_id: str
    placed_at: datetime | None = None
    confirmed_at: datetime | None = None
    cancelled_at: datetime | None = None
    shipments: dict[str, ShipmentProgress] = field(default_factory=dict)

    def _shipment(self, shipment_id: str) -> ShipmentProgress:
        return self.shipments.get(shipment_id) or ShipmentProgress(shipment_id)

    def _with(self, shipment: ShipmentProgress) -> OrderProgress:
        return replace(self, shipments={**self.shipments, shipment.shipment_id: shipment})

    def placed(self, at: datetime) -> OrderProgress:
        return replace(self, placed_at=self.placed_at or at)

    def confirmed(self, at: datetime) -> OrderProgress:
        return replace(self, confirmed_at=_earliest(self.confirmed_at, at))

    def cancelled(self, at: datetime) -> OrderProgress:
        return replace(self, cancelled_at=_earliest(self.cancelled_at, at))

    def dispatched(self, shipment_id: str, tracking_number: str, lines: dict[str, int], at: datetime) -> OrderProgress:
        """A dispatch always carries a tracking number; a correction seen before keeps its own."""
        shipment = self._shipment(shipment_id)
        return self._with(
            replace(
                shipment,
                tracking_number=shipment.tracking_number or tracking_number,
                dispatched_at=_earliest(shipment.dispatched_at, at),
                lines=shipment.lines or dict(lines),
            )
        )

    def tracking_corrected(self, shipment_id: str, tracking_number: str) -> OrderProgress:
        return self._with(replace(self._shipment(shipment_id), tracking_number=tracking_number))

    def status_changed(self, shipment_id: str, tracking_number: str, status: str, scan_time: datetime) -> OrderProgress:
        """Forward only: a status of a lower rank, or of the same rank but an older scan, is ignored
        (its tracking number is still learnt)."""
        shipment = self._shipment(shipment_id)
        shipment = replace(shipment, tracking_number=shipment.tracking_number or tracking_number)
        rank = SHIPMENT_RANK.get(status, 1)
        newer = shipment.status_at is None or scan_time >= shipment.status_at
        if rank > shipment.rank or (rank == shipment.rank and newer):
            shipment = replace(shipment, status=status, status_at=scan_time)
        if status == "delivered":
            shipment = replace(shipment, delivered_at=_earliest(shipment.delivered_at, scan_time))
        return self._with(shipment)

    def flagged(self, shipment_id: str, flag: str) -> OrderProgress:
        """A flag that holds the parcel's sign-off (ShipmentFlagged with blocks_sign_off)."""
        shipment = self._shipment(shipment_id)
        if shipment.flags.get(flag) == "cleared":
            return self
        return self._with(replace(shipment, flags={**shipment.flags, flag: "open"}))

    def flag_cleared(self, shipment_id: str, flag: str) -> OrderProgress:
        shipment = self._shipment(shipment_id)
        return self._with(replace(shipment, flags={**shipment.flags, flag: "cleared"}))

    def signed_off(self, shipment_id: str, lines: dict[str, int], at: datetime) -> OrderProgress:
        shipment = self._shipment(shipment_id)
        return self._with(
            replace(shipment, signed_off_at=_earliest(shipment.signed_off_at, at), lines=shipment.lines or dict(lines))
        )


def _earliest(current: datetime | None, candidate: datetime) -> datetime:
    return candidate if current is None or candidate < current else current


# --- expected dates ------------------------------------------------------------------------


@dataclass(frozen=True)
class EtaRules:
    auto_confirm_days: int = 7  # logistics signs off this many days after delivery (platform default)
    batch_interval: timedelta = timedelta(seconds=60)  # how often approved applications are paid


@dataclass(frozen=True)
class Segment:
    """Part of an order's money with one blocker (or finished state)."""

    blocker: Blocker
    amount_minor: int
    expected_at: datetime | None  # when the money is expected in the bank; the date paid for paid_out
    detail: dict[str, Any] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()


def china_date(at: datetime) -> str:
    return at.astimezone(CHINA_TIME).date().isoformat()


def paid_after_available(
    available_at: datetime, policy: MerchantPolicy, rules: EtaRules, *, now: datetime
) -> tuple[datetime, list[str]]:
    """When funds available at ``available_at`` reach the bank: applied for then (by the
    merchant, or by the auto-apply policy), approved without review, paid in the next batch."""
    applied_at = max(available_at, now)
    how = "applied for automatically (auto-apply policy)" if policy.auto_apply else "you apply"
    return applied_at + rules.batch_interval, [
        f"assuming {how} on {china_date(applied_at)}, approved without review and paid in the next payout "
        f"batch (every {int(rules.batch_interval.total_seconds())} s)"
    ]


def paid_after_sign_off(
    signed_off_at: datetime, policy: MerchantPolicy, rules: EtaRules, *, now: datetime
) -> tuple[datetime, list[str]]:
    """Through the policy's hold (T+N, then the weekly or monthly cycle) to the bank."""
    release_at = policy.release_at(signed_off_at)
    paid_at, assumptions = paid_after_available(release_at, policy, rules, now=now)
    cycle = f"hold {policy.hold_days} days, {policy.cycle.value} cycle (policy v{policy.version})"
    return paid_at, [f"{cycle}: available on {china_date(release_at)}", *assumptions]


def pre_sign_off_segments(
    progress: OrderProgress,
    order: SettlementOrder | None,
    policy: MerchantPolicy,
    *,
    refund_open: bool,
    now: datetime,
    rules: EtaRules,
) -> list[Segment]:
    """Segments of the units not signed off (nor refunded) yet, one per parcel stage, most
    advanced parcel first; units in no parcel wait for confirmation or dispatch. Amounts are
    estimates: paid + platform subsidy − commission under the policy in force now (a sign-off
    books under the policy in force then), plus the shipping fee with the first segment if no
    sign-off booked it yet. Without the order's figures (OrderPlaced not seen yet) amounts are 0."""
    if progress.cancelled_at is not None:
        return [Segment(Blocker.REFUNDED, 0, None, {"cancelled_at": progress.cancelled_at.isoformat()})]
    parcels = sorted(
        (s for s in progress.shipments.values() if s.signed_off_at is None),
        key=lambda s: (-s.rank, s.shipment_id),
    )
    left = (
        {line_id: [line.units_signed_off, line.first_refunded_unit] for line_id, line in order.lines.items()}
        if order
        else {}
    )
    groups: list[tuple[Blocker, dict[str, Any], dict[str, tuple[int, int]], datetime, str]] = []
    for parcel in parcels:
        units: dict[str, tuple[int, int]] = {}
        for line_id, quantity in sorted(parcel.lines.items()):
            if line_id in left:
                start, end = left[line_id]
                take = min(quantity, max(0, end - start))
                units[line_id] = (start, start + take)
                left[line_id][0] = start + take
        blocker, sign_off_at, why = _parcel_stage(parcel, refund_open=refund_open, now=now, rules=rules)
        detail: dict[str, Any] = {
            "shipment_id": parcel.shipment_id,
            "tracking_number": parcel.tracking_number,
            "status": parcel.status,
        }
        if parcel.delivered_at:
            detail["delivered_at"] = parcel.delivered_at.isoformat()
        if parcel.review_flags:
            detail["review_flags"] = parcel.review_flags
        groups.append((blocker, detail, units, sign_off_at, why))
    remaining = {line_id: (start, end) for line_id, (start, end) in left.items() if end > start}
    if remaining or (order is None and not parcels):
        confirmed = progress.confirmed_at is not None or bool(progress.shipments)
        blocker = Blocker.NOT_DISPATCHED if confirmed else Blocker.NOT_CONFIRMED
        step = "dispatch and delivery" if confirmed else "confirmation, dispatch and delivery"
        sign_off_at = now + timedelta(days=rules.auto_confirm_days)
        why = f"assuming {step} now and sign-off by auto-confirm on {china_date(sign_off_at)}"
        groups.append((blocker, {}, remaining, sign_off_at, why))
    segments = []
    shipping_left = (
        0 if order is None or order.shipping_booked else order.shipping_fee_minor - order.shipping_refunded_minor
    )
    for blocker, detail, units, sign_off_at, why in groups:
        if order is not None and not any(end > start for start, end in units.values()):
            continue  # a parcel of units already refunded: nothing of it to wait for
        amount = 0
        if order is not None:
            paid = subsidy = 0
            bases = []
            for line_id, (start, end) in units.items():
                line = order.lines[line_id]
                paid += range_sum(line.paid_minor, line.quantity, start, end)
                subsidy += range_sum(line.subsidy_minor, line.quantity, start, end)
                bases.append((line.category, range_sum(line.commission_base_minor, line.quantity, start, end)))
            amount = paid + shipping_left + subsidy - policy.commission_minor(bases)
            shipping_left = 0
            detail = {**detail, "units": {line_id: end - start for line_id, (start, end) in units.items()}}
        else:
            detail = {**detail, "figures": "not known yet: settlement has not seen the order placed"}
        paid_at, assumptions = paid_after_sign_off(sign_off_at, policy, rules, now=now)
        segments.append(Segment(blocker, amount, paid_at, detail, (why, *assumptions)))
    return segments


def _parcel_stage(
    parcel: ShipmentProgress, *, refund_open: bool, now: datetime, rules: EtaRules
) -> tuple[Blocker, datetime, str]:
    auto_confirm = timedelta(days=rules.auto_confirm_days)
    if parcel.review_flags:
        sign_off_at = now + auto_confirm
        return (
            Blocker.TRACKING_UNDER_REVIEW,
            sign_off_at,
            f"the parcel's tracking is under review by ops ({', '.join(parcel.review_flags)}): it is not signed off "
            f"automatically until they clear it; assuming they clear it now, delivery now and sign-off by "
            f"auto-confirm on {china_date(sign_off_at)}",
        )
    if parcel.rank == SHIPMENT_RANK["delivered"] and parcel.delivered_at is not None:
        sign_off_at = max(parcel.delivered_at + auto_confirm, now)
        if refund_open:
            return (
                Blocker.REFUND_OPEN,
                sign_off_at,
                "auto-confirm is paused while a refund is open; assuming it ends without taking this money "
                f"and sign-off by auto-confirm on {china_date(sign_off_at)}",
            )
        return (
            Blocker.WAITING_FOR_SIGN_OFF,
            sign_off_at,
            f"assuming sign-off by auto-confirm on {china_date(sign_off_at)}",
        )
    sign_off_at = now + auto_confirm
    if not parcel.tracking_number:
        return (
            Blocker.NO_TRACKING_NUMBER,
            sign_off_at,
            f"assuming a tracking number and delivery now and sign-off by auto-confirm on {china_date(sign_off_at)}",
        )
    return (
        Blocker.NOT_DELIVERED,
        sign_off_at,
        f"assuming delivery now and sign-off by auto-confirm on {china_date(sign_off_at)}",
    )


def order_state(segments: list[Segment]) -> dict[str, Any]:
    """The blockers of an order, earliest stage first, its state (the earliest blocker, or the
    finished state when nothing blocks) and when all of its money is expected."""
    blocking = [s for s in segments if s.blocker not in FINISHED]
    blockers = sorted({s.blocker for s in blocking}, key=STAGE_ORDER.__getitem__)
    finished = sorted({s.blocker for s in segments if s.blocker in FINISHED}, key=STAGE_ORDER.__getitem__)
    dates = [s.expected_at for s in blocking if s.expected_at is not None]
    if blockers:
        state = blockers[0]
    elif Blocker.PAID_OUT in finished:
        state = Blocker.PAID_OUT
    else:
        state = Blocker.REFUNDED
    expected = max(dates) if dates else None
    if not blockers:
        paid = [s.expected_at for s in segments if s.blocker is Blocker.PAID_OUT and s.expected_at]
        expected = max(paid) if paid else None
    return {"state": state, "blockers": blockers, "expected_at": expected}

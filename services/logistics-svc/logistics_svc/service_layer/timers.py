"""The two timers logistics keeps per shipment (durable, in this service's database), and the
tracking settings that drive them:

- ``auto_confirm`` per outbound shipment: N days (platform setting, default 7) after delivery it
  signs the shipment off, unless the buyer confirmed first or a refund/dispute is open. A refund
  pauses the clock (the time left is kept on the shipment, the timer cancelled); when the last
  open refund of the order ends, a new timer (new key: a fired or cancelled one is never
  revived) is set for now + the time left. The handler checks the shipment's own due time, so
  a timer of an earlier schedule does nothing.
- ``stale_check`` per shipment: moved forward by every scan; when it fires with no movement
  since, the shipment is reported stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from logistics_svc.domain.shipments import DEFAULT_SCAN_CLOCK_TOLERANCE, Shipment, ShipmentStatus
from logistics_svc.service_layer.unit_of_work import LogisticsUnitOfWork


@dataclass(frozen=True)
class TrackingPolicy:
    """Platform settings that drive the timers (GET/PUT /v1/settings/tracking)."""

    auto_confirm_after: timedelta
    stale_after: timedelta
    scan_clock_tolerance: timedelta = DEFAULT_SCAN_CLOCK_TOLERANCE

    @classmethod
    def from_settings(cls, settings: dict[str, int]) -> TrackingPolicy:
        return cls(
            timedelta(days=settings["auto_confirm_days"]),
            timedelta(hours=settings["stale_after_hours"]),
            timedelta(minutes=settings["scan_clock_tolerance_minutes"]),
        )


def stale_timer_key(shipment: Shipment) -> str:
    """One stale check per movement: an older check that fires after a newer movement finds
    the shipment moved and does nothing."""
    return f"{shipment.shipment_id}#{int(shipment.last_movement_at.timestamp())}"


def auto_confirm_timer_key(shipment_id: str, due_at: datetime) -> str:
    """One key per schedule (pause/resume makes a new one); the shipment id comes first."""
    return f"{shipment_id}#{int(due_at.timestamp() * 1_000_000)}"


def shipment_id_of_timer(timer_key: str) -> str:
    return timer_key.split("#", 1)[0]  # keys set before 0003 were the bare shipment id (re-keyed by 0005)


AUTO_CONFIRM = "auto_confirm"
STALE_CHECK = "stale_check"


# A shipment in one of these states never goes stale (fire_stale_check does nothing for it).
NEVER_STALE = (ShipmentStatus.DELIVERED, ShipmentStatus.SIGNED_OFF, ShipmentStatus.RETURNED_TO_SENDER)


def follow_stale_check(
    uow: LogisticsUnitOfWork, before: Shipment, after: Shipment, *, now: datetime, policy: TrackingPolicy
) -> None:
    """Keep one stale check pending per shipment that can still go stale, due ``stale_after``
    after its last movement. The check set at the previous movement would only find the shipment
    moved (or delivered) and do nothing: it is cancelled now, one statement, rather than fired
    for nothing later, a transaction of the scheduler."""
    if before.status in NEVER_STALE:
        return  # its check was cancelled when it got there
    moved = after.last_movement_at > before.last_movement_at
    if moved or after.status in NEVER_STALE:
        uow.cancel_timer(STALE_CHECK, stale_timer_key(before), now)
    if moved and after.status not in NEVER_STALE:
        uow.schedule_timer(STALE_CHECK, stale_timer_key(after), after.last_movement_at + policy.stale_after)


def reschedule_auto_confirm(uow: LogisticsUnitOfWork, before: Shipment, after: Shipment, now: datetime) -> None:
    """Make the timers follow the shipment's due time: cancel the old schedule, set the new one
    (written with the rest of the use case's writes, in one statement)."""
    if before.auto_confirm_due_at == after.auto_confirm_due_at:
        return
    if before.auto_confirm_due_at is not None:
        key = auto_confirm_timer_key(before.shipment_id, before.auto_confirm_due_at)
        uow.cancel_timer(AUTO_CONFIRM, key, now)
    if after.auto_confirm_due_at is not None:
        key = auto_confirm_timer_key(after.shipment_id, after.auto_confirm_due_at)
        uow.schedule_timer(AUTO_CONFIRM, key, after.auto_confirm_due_at)

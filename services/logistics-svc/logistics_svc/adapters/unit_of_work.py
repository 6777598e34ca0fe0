"""One logistics use case's work in the caller's transaction (service_layer/unit_of_work.py says what
use cases may ask of it): reads through its repositories, one per concern, and every write it makes (shipments inserted or saved, events for the outbox, timers scheduled or
cancelled) staged and sent in ONE statement by ``flush``.

A dispatch wrote its shipment, its event and its stale check with three statements; a scan that
delivered a parcel saved it, cancelled its stale check, announced the new status and scheduled the
auto-confirm with four; a sign-off three. Each statement is a round trip plus the driver's and
SQLAlchemy's work per call, which is most of this service's CPU. Here each is one statement of one
fixed text (its prepared statement reused, whatever is in it): data-modifying CTEs over arrays and
JSON records, all applied or none, in the caller's transaction as before.

Staged writes are not visible to reads of the same use case before ``flush``: a use case reads
what it needs first (its rows locked), decides, stages, and flushes once at its end. A shipment
staged twice is written once, as it was last staged; a timer key scheduled and cancelled in one
use case ends as its last call left it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from logistics_svc.adapters.repositories.known_orders import KnownOrderRepository
from logistics_svc.adapters.repositories.refund_holds import RefundHoldRepository
from logistics_svc.adapters.repositories.rows import shipment_columns
from logistics_svc.adapters.repositories.scans import ScanRepository
from logistics_svc.adapters.repositories.settings import SettingRepository
from logistics_svc.adapters.repositories.shipments import ShipmentRepository
from logistics_svc.domain.shipments import Shipment
from shipsettle_shared.contracts import EventPayload
from shipsettle_shared.data_keys import erase_subject
from shipsettle_shared.db import json_rows
from shipsettle_shared.outbox import OUTBOX_INSERT, StagedEvent, outbox_parameters, stage_event, wake_relay_after_commit
from shipsettle_shared.timers import wake_schedulers_after_commit

_SHIPMENT_RECORD = """
    shipment_id text, order_id text, merchant_id text, carrier_code text, tracking_number text, lines jsonb,
    status text, dispatched_at timestamptz, last_movement_at timestamptz, first_scan_at timestamptz,
    delivered_at timestamptz, signed_off_at timestamptz, sign_off_how text, open_disputes integer,
    auto_confirm_due_at timestamptz, auto_confirm_paused_remaining_s integer, direction text, refund_id text,
    ops_flags jsonb, moved boolean, stale_alerted_at timestamptz
"""

# Every CTE runs once whether or not it is referenced; one with no rows writes nothing. A saved
# shipment's row is locked by the read that loaded it; a moved one is no longer stale
# (GET /v1/shipments-stale), a stale check that found it still marks it. Outbox ids follow the
# staged order (the relay publishes by id). Timers as shipsettle_shared.timers writes them: a
# cancelled timer is one neither fired nor cancelled before; a scheduled one is created, or moved
# (and no longer cancelled) if it has not fired.
_FLUSH = text(
    f"""
    with new_shipments as (
        insert into shipments (shipment_id, order_id, merchant_id, carrier_code, tracking_number, lines, status,
            dispatched_at, last_movement_at, first_scan_at, delivered_at, signed_off_at, sign_off_how,
            open_disputes, auto_confirm_due_at, auto_confirm_paused_remaining_s, direction, refund_id, ops_flags,
            stale_alerted_at)
        select s.shipment_id, s.order_id, s.merchant_id, s.carrier_code, s.tracking_number, s.lines, s.status,
            s.dispatched_at, s.last_movement_at, s.first_scan_at, s.delivered_at, s.signed_off_at, s.sign_off_how,
            s.open_disputes, s.auto_confirm_due_at, s.auto_confirm_paused_remaining_s, s.direction, s.refund_id,
            s.ops_flags, s.stale_alerted_at
        from jsonb_to_recordset(cast(:new_shipments as jsonb)) as s({_SHIPMENT_RECORD})
    ), saved_shipments as (
        update shipments t
        set tracking_number = s.tracking_number, status = s.status, last_movement_at = s.last_movement_at,
            first_scan_at = s.first_scan_at, delivered_at = s.delivered_at, signed_off_at = s.signed_off_at,
            sign_off_how = s.sign_off_how, open_disputes = s.open_disputes,
            auto_confirm_due_at = s.auto_confirm_due_at,
            auto_confirm_paused_remaining_s = s.auto_confirm_paused_remaining_s, ops_flags = s.ops_flags,
            stale_alerted_at = case when s.moved then null else coalesce(s.stale_alerted_at, t.stale_alerted_at) end
        from jsonb_to_recordset(cast(:saved_shipments as jsonb)) as s({_SHIPMENT_RECORD})
        where t.shipment_id = s.shipment_id
    ), events as ({OUTBOX_INSERT}
    ), cancelled_timers as (
        update timers t
        set cancelled_at = c.at
        from jsonb_to_recordset(cast(:cancelled_timers as jsonb)) as c(timer_kind text, timer_key text, at timestamptz)
        where t.timer_kind = c.timer_kind and t.timer_key = c.timer_key
          and t.fired_at is null and t.cancelled_at is null
    ), scheduled_timers as (
        insert into timers (timer_kind, timer_key, due_at)
        select s.timer_kind, s.timer_key, s.at
        from jsonb_to_recordset(cast(:scheduled_timers as jsonb)) as s(timer_kind text, timer_key text, at timestamptz)
        order by s.timer_kind, s.timer_key
        on conflict on constraint timers_kind_key do update
        set due_at = excluded.due_at, payload = excluded.payload, cancelled_at = null
        where timers.fired_at is null
    )
    select 1
    """  # noqa: S608 - built from constants
)

_SCHEDULE = "schedule"
_CANCEL = "cancel"


@dataclass
class _StagedShipment:
    shipment: Shipment
    new: bool
    moved: bool = False
    stale_alerted_at: datetime | None = None


class SqlLogisticsUnitOfWork:
    """The repositories read (and write what cannot wait: scans, known orders, refund holds,
    settings); everything else is staged here and written by ``flush``."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.shipments = ShipmentRepository(session)
        self.scans = ScanRepository(session)
        self.orders = KnownOrderRepository(session)
        self.refund_holds = RefundHoldRepository(session)
        self.settings = SettingRepository(session)
        self._shipments: dict[str, _StagedShipment] = {}
        self._events: list[StagedEvent] = []
        self._timers: dict[tuple[str, str], tuple[str, datetime]] = {}

    def add_shipment(self, shipment: Shipment) -> None:
        self._shipments[shipment.shipment_id] = _StagedShipment(shipment, new=True)

    def save_shipment(
        self, shipment: Shipment, *, moved: bool = False, stale_alerted_at: datetime | None = None
    ) -> None:
        """Write the shipment's state over its row (locked by the read that loaded it).
        ``moved``: the carrier moved it, so it is no longer stale; ``stale_alerted_at``: a stale
        check found it still."""
        staged = self._shipments.get(shipment.shipment_id)
        if staged is None:
            self._shipments[shipment.shipment_id] = _StagedShipment(shipment, False, moved, stale_alerted_at)
            return
        staged.shipment = shipment
        staged.moved = staged.moved or moved
        staged.stale_alerted_at = None if moved else (stale_alerted_at or staged.stale_alerted_at)

    def add_to_outbox(self, payload: EventPayload, *, producer: str, occurred_at: datetime) -> None:
        """The event, in the order staged, committed with the rest (the relay is woken by the commit)."""
        self._events.append(stage_event(payload, producer=producer, occurred_at=occurred_at))

    def schedule_timer(self, timer_kind: str, timer_key: str, due_at: datetime) -> None:
        self._timers[timer_kind, timer_key] = (_SCHEDULE, due_at)

    def cancel_timer(self, timer_kind: str, timer_key: str, at: datetime) -> None:
        self._timers[timer_kind, timer_key] = (_CANCEL, at)

    async def destroy_data_keys(self, subject: str, at: datetime) -> list[str]:
        return await erase_subject(self.session, subject, at)

    async def flush(self) -> None:
        """Write what was staged, in one statement (none if nothing was)."""
        if not (self._shipments or self._events or self._timers):
            return
        new = [_record(staged) for staged in self._shipments.values() if staged.new]
        saved = [_record(staged) for staged in self._shipments.values() if not staged.new]
        timers = sorted(self._timers.items())
        scheduled = [(kind, key, at) for (kind, key), (op, at) in timers if op == _SCHEDULE]
        parameters: dict[str, Any] = {
            "new_shipments": json_rows(new),
            "saved_shipments": json_rows(saved),
            **outbox_parameters(self._events),
            "cancelled_timers": json_rows(
                [{"timer_kind": kind, "timer_key": key, "at": at} for (kind, key), (op, at) in timers if op == _CANCEL]
            ),
            "scheduled_timers": json_rows(
                [{"timer_kind": kind, "timer_key": key, "at": at} for kind, key, at in scheduled]
            ),
        }
        connection = await self.session.connection()
        await connection.execute(_FLUSH, parameters)
        if self._events:
            wake_relay_after_commit(self.session)
        if scheduled:
            wake_schedulers_after_commit(self.session, min(at for _, _, at in scheduled))
        self._shipments.clear()
        self._events.clear()
        self._timers.clear()


def _record(staged: _StagedShipment) -> dict[str, Any]:
    return {**shipment_columns(staged.shipment), "moved": staged.moved, "stale_alerted_at": staged.stale_alerted_at}

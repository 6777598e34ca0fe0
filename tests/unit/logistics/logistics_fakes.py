"""An in-memory unit of work for logistics-svc's service layer (the real one:
adapters/unit_of_work.py over adapters/repositories/), and the order the logistics use-case tests
ship.

It keeps the real one's rules that the use cases rely on: writes staged with ``add_shipment``,
``save_shipment``, ``add_to_outbox`` and the timer calls are applied only by ``flush`` (reads of
the same use case before it do not see them); a shipment is stored without its scans and read with
those kept for its carrier and number, oldest first; a scan seen before (its natural key: number,
carrier, time, status, description) is not kept twice; reads without a lock carry the order's open
refunds, locking reads do not.

The order PO-1 of merchant m-1: line L1 two units, line L2 one, confirmed; SF is an active carrier
(numbers "SF" + a letter or digit + 12 digits).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from logistics_svc.adapters.carrier_seed import SEED_CARRIERS
from logistics_svc.adapters.reference_data import CarrierRegistrySnapshot
from logistics_svc.domain.order_shipments import DispatchContext, LoadedShipments, SignOffContext
from logistics_svc.domain.shipments import Direction, OrderForDispatch, RefundHolds, Shipment
from logistics_svc.domain.tracking import Scan
from logistics_svc.service_layer.timers import TrackingPolicy
from logistics_svc.service_layer.unit_of_work import LogisticsUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.messaging.events import Received, received
from shipsettle_shared.outbox import stage_event

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
MERCHANT = "m-1"
POLICY = TrackingPolicy(auto_confirm_after=timedelta(days=7), stale_after=timedelta(hours=72))
CARRIERS = CarrierRegistrySnapshot({carrier.code: carrier for carrier in SEED_CARRIERS})


def line_totals(parcels: Sequence[Mapping[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for lines in parcels:
        for line_id, quantity in lines.items():
            totals[line_id] = totals.get(line_id, 0) + quantity
    return totals


class FakeShipments:
    def __init__(self, uow: FakeLogisticsUnitOfWork) -> None:
        self.uow = uow
        self.rows: dict[str, Shipment] = {}  # by shipment id, in dispatch order, without scans

    def _read(self, shipments: Sequence[Shipment], *, with_scans: bool, for_update: bool) -> LoadedShipments:
        read = [
            replace(shipment, scans=tuple(self.uow.scans.of(shipment.carrier_code, shipment.tracking_number)))
            if with_scans
            else shipment
            for shipment in shipments
        ]
        if for_update or not read:
            return LoadedShipments(read, frozenset())
        return LoadedShipments(read, self.uow.refund_holds.held(read[0].order_id).open_refund_ids)

    def _outbound(self, order_id: str) -> list[Shipment]:
        return [s for s in self.rows.values() if s.order_id == order_id and s.direction is Direction.OUTBOUND]

    async def lock_tracking_number(self, tracking_number: str) -> None:
        self.uow.locks.append(f"tracking:{tracking_number}")

    async def dispatch_context(self, order_id: str, carrier_code: str, tracking_number: str) -> DispatchContext:
        return DispatchContext(
            already_dispatched=line_totals([shipment.lines for shipment in self._outbound(order_id)]),
            holder_id=await self.shipment_using(carrier_code, tracking_number),
            open_refund_ids=self.uow.refund_holds.held(order_id).open_refund_ids,
            has_parked_scans=bool(self.uow.scans.of(carrier_code, tracking_number)),
        )

    async def sign_off_context(self, order_id: str) -> SignOffContext:
        signed = [shipment.lines for shipment in self._outbound(order_id) if shipment.signed_off_at is not None]
        return SignOffContext(dict(self.uow.orders.lines_of(order_id)), line_totals(signed))

    async def lock_outbound_for_sign_off(self, order_id: str) -> tuple[list[Shipment], SignOffContext]:
        shipments = self._read(self._outbound(order_id), with_scans=True, for_update=True).shipments
        return shipments, await self.sign_off_context(order_id)

    async def shipment(self, shipment_id: str, *, for_update: bool = False, with_scans: bool = True) -> LoadedShipments:
        found = [self.rows[shipment_id]] if shipment_id in self.rows else []
        return self._read(found, with_scans=with_scans, for_update=for_update)

    async def live_shipment_holding(self, carrier_code: str, tracking_number: str) -> LoadedShipments:
        holding = [
            s for s in self.rows.values() if (s.carrier_code, s.tracking_number) == (carrier_code, tracking_number)
        ]
        latest = sorted(holding, key=lambda shipment: shipment.dispatched_at)[-1:]
        return self._read(latest, with_scans=True, for_update=True)

    async def order_shipments(
        self, order_id: str, *, for_update: bool = False, outbound_only: bool = False, with_scans: bool = True
    ) -> LoadedShipments:
        of_order = [s for s in self.rows.values() if s.order_id == order_id]
        if outbound_only:
            of_order = self._outbound(order_id)
        return self._read(of_order, with_scans=with_scans, for_update=for_update)

    async def shipment_using(self, carrier_code: str, tracking_number: str) -> str | None:
        for shipment in self.rows.values():
            if (shipment.carrier_code, shipment.tracking_number) == (carrier_code, tracking_number):
                return shipment.shipment_id
        return None


class FakeScans:
    def __init__(self, uow: FakeLogisticsUnitOfWork) -> None:
        self.uow = uow
        self.kept: list[Scan] = []

    def of(self, carrier_code: str | None, tracking_number: str) -> list[Scan]:
        mine = [s for s in self.kept if (s.carrier_code, s.tracking_number) == (carrier_code, tracking_number)]
        return sorted(mine, key=lambda scan: scan.occurred_at)

    async def store_scans(
        self, scans: list[Scan], *, source: str, delivery_id: str, vendor_carrier_code: str | None, now: datetime
    ) -> list[Scan]:
        new: list[Scan] = []
        for scan in scans:
            await self.uow.shipments.lock_tracking_number(scan.tracking_number)
            key = (scan.tracking_number, scan.carrier_code, scan.occurred_at, scan.status, scan.description)
            if all(
                (s.tracking_number, s.carrier_code, s.occurred_at, s.status, s.description) != key for s in self.kept
            ):
                self.kept.append(scan)
                new.append(scan)
        return new

    async def scans_of(self, carrier_code: str, tracking_number: str) -> list[Scan]:
        return self.of(carrier_code, tracking_number)


@dataclass
class KnownOrder:
    merchant_id: str
    lines: dict[str, int]
    status: str = "placed"
    consignee: Mapping[str, Any] | None = None


class FakeKnownOrders:
    def __init__(self, uow: FakeLogisticsUnitOfWork) -> None:
        self.uow = uow
        self.known: dict[str, KnownOrder] = {}

    def lines_of(self, order_id: str) -> Mapping[str, int]:
        order = self.known.get(order_id)
        return order.lines if order is not None else {}

    async def add_known_orders(self, orders: Sequence[Mapping[str, Any]]) -> None:
        for order in orders:
            lines = {line_id: int(line["quantity"]) for line_id, line in order["lines"].items()}
            self.known.setdefault(order["order_id"], KnownOrder(order["merchant_id"], lines))

    async def confirm_known_orders(self, confirmations: Mapping[str, tuple[dict[str, Any], datetime]]) -> set[str]:
        for order_id, (consignee, _) in confirmations.items():
            if order_id in self.known:
                order = self.known[order_id]
                order.consignee = consignee
                order.status = order.status if order.status == "cancelled" else "confirmed"
        return set(confirmations) & set(self.known)

    async def correct_known_orders(self, consignees: Mapping[str, dict[str, Any]]) -> set[str]:
        for order_id, consignee in consignees.items():
            if order_id in self.known:
                self.known[order_id].consignee = consignee
        return set(consignees) & set(self.known)

    async def cancel_known_orders(self, order_ids: Sequence[str]) -> set[str]:
        for order_id in order_ids:
            if order_id in self.known:
                self.known[order_id].status = "cancelled"
        return set(order_ids) & set(self.known)

    async def lock_number_and_order_for_dispatch(self, tracking_number: str, order_id: str) -> OrderForDispatch | None:
        await self.uow.shipments.lock_tracking_number(tracking_number)
        order = self.known.get(order_id)
        if order is None:
            return None
        self.uow.locks.append(f"order:{order_id}")
        return OrderForDispatch(order_id, order.merchant_id, order.status, dict(order.lines))


class FakeRefundHolds:
    def __init__(self) -> None:
        self.holds: dict[str, RefundHolds] = {}

    def held(self, order_id: str) -> RefundHolds:
        return self.holds.get(order_id, RefundHolds())

    async def of_order(self, order_id: str) -> RefundHolds:
        return self.held(order_id)

    async def save(
        self, order_id: str, before: RefundHolds, after: RefundHolds, *, now: datetime, ended_how: str | None = None
    ) -> None:
        self.holds[order_id] = after


@dataclass
class Timer:
    due_at: datetime
    cancelled_at: datetime | None = None


class FakeLogisticsUnitOfWork:
    def __init__(self) -> None:
        self.shipments = FakeShipments(self)
        self.scans = FakeScans(self)
        self.orders = FakeKnownOrders(self)
        self.refund_holds = FakeRefundHolds()
        self.locks: list[str] = []
        self.events: list[contracts.EventPayload] = []
        self.timers: dict[tuple[str, str], Timer] = {}
        self.stale_alerted: dict[str, datetime] = {}
        self.flushes = 0
        self.destroyed_subjects: list[str] = []
        self._staged_shipments: dict[str, Shipment] = {}
        self._staged_events: list[contracts.EventPayload] = []
        self._staged_timers: dict[tuple[str, str], tuple[str, datetime]] = {}

    def add_shipment(self, shipment: Shipment) -> None:
        self._staged_shipments[shipment.shipment_id] = shipment

    def save_shipment(
        self, shipment: Shipment, *, moved: bool = False, stale_alerted_at: datetime | None = None
    ) -> None:
        self._staged_shipments[shipment.shipment_id] = shipment
        if stale_alerted_at is not None:
            self.stale_alerted[shipment.shipment_id] = stale_alerted_at

    def add_to_outbox(self, payload: contracts.EventPayload, *, producer: str, occurred_at: datetime) -> None:
        self._staged_events.append(payload)

    def schedule_timer(self, timer_kind: str, timer_key: str, due_at: datetime) -> None:
        self._staged_timers[timer_kind, timer_key] = ("schedule", due_at)

    def cancel_timer(self, timer_kind: str, timer_key: str, at: datetime) -> None:
        self._staged_timers[timer_kind, timer_key] = ("cancel", at)

    async def flush(self) -> None:
        if not (self._staged_shipments or self._staged_events or self._staged_timers):
            return
        self.flushes += 1
        for shipment_id, shipment in self._staged_shipments.items():
            self.shipments.rows[shipment_id] = replace(shipment, scans=())  # scans live in their own table
        self.events += self._staged_events
        for key, (op, at) in self._staged_timers.items():
            timer = self.timers.get(key)
            if op == "schedule":
                self.timers[key] = Timer(at)
            elif timer is not None and timer.cancelled_at is None:
                timer.cancelled_at = at
        self._staged_shipments.clear()
        self._staged_events = []
        self._staged_timers.clear()

    async def destroy_data_keys(self, subject: str, at: datetime) -> list[str]:
        self.destroyed_subjects.append(subject)
        return []

    # --- what the tests read --------------------------------------------------------------------

    def of_type(self, kind: type[contracts.EventPayload]) -> list[Any]:
        return [event for event in self.events if isinstance(event, kind)]

    def pending_timers(self, timer_kind: str) -> dict[str, datetime]:
        return {key: t.due_at for (kind, key), t in self.timers.items() if kind == timer_kind and not t.cancelled_at}

    def confirmed_order(self, order_id: str = "PO-1", lines: Mapping[str, int] | None = None) -> None:
        self.orders.known[order_id] = KnownOrder(MERCHANT, dict(lines or {"L1": 2, "L2": 1}), status="confirmed")


def as_received(payload: contracts.EventPayload, at: datetime = NOW) -> Received[contracts.EventPayload]:
    """The event as the consumer hands it over: read from its envelope."""
    return received(stage_event(payload, producer="test", occurred_at=at).envelope)


def scans_received(
    tracking_number: str,
    *scanned: tuple[str, datetime],
    carrier_code: str | None = "SF",
    source: str = "native",
    vendor: str = "SF",
) -> Received[contracts.EventPayload]:
    return as_received(
        contracts.CarrierScansReceived(
            source=source,
            delivery_id=f"d-{tracking_number}-{len(scanned)}",
            tracking_number=tracking_number,
            vendor_carrier_code=vendor,
            carrier_code=carrier_code,
            scans=[
                contracts.ReceivedScan(status=status, occurred_at=at, description=status, location="深圳")
                for status, at in scanned
            ],
        )
    )


def _is_a_logisticsunitofwork(uow: FakeLogisticsUnitOfWork) -> LogisticsUnitOfWork:
    """mypy (make lint) checks here that the fake still has everything the use cases' Protocol
    asks of storage: a fake that drifts from it fails the lint, not a test run."""
    return uow

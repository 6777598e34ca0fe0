"""What logistics use cases need of storage: a unit of work carrying one repository per concern
(adapters/unit_of_work.py in PostgreSQL; an in-memory fake in unit tests).

A use case takes the unit of work, reads through its repositories (the rows it will change locked
by the read), decides, stages its writes (shipments added or saved, events for the outbox, timers
scheduled or cancelled) and sends them with ONE ``flush`` at its end; the caller's transaction
commits. Staged writes are not visible to the reads of the same use case before the flush. Scans,
known orders and refund holds are written by their repositories at once: a scan's lock and insert
are one statement, and what follows reads what they wrote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from logistics_svc.domain.order_shipments import DispatchContext, LoadedShipments, SignOffContext
from logistics_svc.domain.shipments import OrderForDispatch, RefundHolds, Shipment
from logistics_svc.domain.tracking import Scan
from shipsettle_shared.contracts import EventPayload

PRODUCER = "logistics-svc"  # the service the events its use cases add come from


class ShipmentStore(Protocol):
    """Shipments read with their scans; with their order's open refunds when read without a lock."""

    async def lock_tracking_number(self, tracking_number: str) -> None:
        """Until commit: storing a number's scans and a shipment taking them take turns."""

    async def dispatch_context(self, order_id: str, carrier_code: str, tracking_number: str) -> DispatchContext: ...

    async def sign_off_context(self, order_id: str) -> SignOffContext: ...

    async def lock_outbound_for_sign_off(self, order_id: str) -> tuple[list[Shipment], SignOffContext]:
        """The order's outbound shipments, locked, with its sign-off state read from those rows."""
        ...

    async def shipment(
        self, shipment_id: str, *, for_update: bool = False, with_scans: bool = True
    ) -> LoadedShipments: ...

    async def live_shipment_holding(self, carrier_code: str, tracking_number: str) -> LoadedShipments:
        """The shipment a scan of this carrier and number moves, locked, with its scans."""
        ...

    async def order_shipments(
        self, order_id: str, *, for_update: bool = False, outbound_only: bool = False, with_scans: bool = True
    ) -> LoadedShipments: ...

    async def shipment_using(self, carrier_code: str, tracking_number: str) -> str | None:
        """The id of a shipment of the carrier with the number, any order or state."""
        ...


class ScanStore(Protocol):
    async def store_scans(
        self, scans: list[Scan], *, source: str, delivery_id: str, vendor_carrier_code: str | None, now: datetime
    ) -> list[Scan]:
        """Take the number's lock and keep every scan; returns those not seen before, in order."""
        ...

    async def scans_of(self, carrier_code: str, tracking_number: str) -> list[Scan]:
        """Every scan kept for the carrier's number, oldest first."""
        ...


class KnownOrderStore(Protocol):
    """The orders as logistics knows them; each write returns the ids it found (known)."""

    async def add_known_orders(self, orders: Sequence[Mapping[str, Any]]) -> None: ...

    async def confirm_known_orders(self, confirmations: Mapping[str, tuple[dict[str, Any], datetime]]) -> set[str]: ...

    async def correct_known_orders(self, consignees: Mapping[str, dict[str, Any]]) -> set[str]: ...

    async def cancel_known_orders(self, order_ids: Sequence[str]) -> set[str]: ...

    async def lock_number_and_order_for_dispatch(self, tracking_number: str, order_id: str) -> OrderForDispatch | None:
        """The tracking number's lock, then the order's row locked; None for an unknown order."""
        ...


class RefundHoldStore(Protocol):
    async def of_order(self, order_id: str) -> RefundHolds: ...

    async def save(
        self, order_id: str, before: RefundHolds, after: RefundHolds, *, now: datetime, ended_how: str | None = None
    ) -> None: ...


class LogisticsUnitOfWork(Protocol):
    @property
    def shipments(self) -> ShipmentStore: ...

    @property
    def scans(self) -> ScanStore: ...

    @property
    def orders(self) -> KnownOrderStore: ...

    @property
    def refund_holds(self) -> RefundHoldStore: ...

    def add_shipment(self, shipment: Shipment) -> None: ...

    def save_shipment(
        self, shipment: Shipment, *, moved: bool = False, stale_alerted_at: datetime | None = None
    ) -> None:
        """Staged over its row (locked by the read that loaded it). ``moved``: the carrier moved
        it, so it is no longer stale; ``stale_alerted_at``: a stale check found it still."""

    def add_to_outbox(self, payload: EventPayload, *, producer: str, occurred_at: datetime) -> None:
        """Staged for the outbox, in the order staged."""

    def schedule_timer(self, timer_kind: str, timer_key: str, due_at: datetime) -> None: ...

    def cancel_timer(self, timer_kind: str, timer_key: str, at: datetime) -> None: ...

    async def flush(self) -> None:
        """Write what was staged, in one statement (none if nothing was)."""

    async def destroy_data_keys(self, subject: str, at: datetime) -> list[str]:
        """Crypto-shred the subject's data key in this transaction, as of ``at`` (the erasure's
        time), and remember the erasure even if the subject has no key; returns the key ids
        destroyed."""
        ...

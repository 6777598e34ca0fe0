"""An order's shipments as a use case reads them, and what a dispatch and a sign-off decide on
about the order as a whole (the service layer's stores return these). Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from logistics_svc.domain.shipments import Shipment


@dataclass(frozen=True)
class LoadedShipments:
    """Shipments of one order as read in the caller's transaction, with the refunds of the
    order open at that moment when the read took no lock (for the views: a locking read leaves
    them out, see adapters/repositories/shipments.py's _shipments_query)."""

    shipments: list[Shipment]
    open_refund_ids: frozenset[str]

    @property
    def first(self) -> Shipment | None:
        return self.shipments[0] if self.shipments else None


@dataclass(frozen=True)
class DispatchContext:
    """What a dispatch decides on besides the order, read in one statement."""

    already_dispatched: dict[str, int]  # quantities per line of the order's outbound shipments
    holder_id: str | None  # the shipment of the carrier that holds the tracking number, any order or state
    open_refund_ids: frozenset[str]
    has_parked_scans: bool  # the carrier's scans of the number arrived before the shipment


@dataclass(frozen=True)
class SignOffContext:
    """What OrderSignedOff says beside the sign-off itself: whether the whole order is now signed off."""

    ordered: dict[str, int]  # quantities per line of the order
    signed: dict[str, int]  # quantities per line of its outbound shipments already signed off

    def after(self, shipment: Shipment) -> SignOffContext:
        signed = dict(self.signed)
        for line_id, quantity in shipment.lines.items():
            signed[line_id] = signed.get(line_id, 0) + quantity
        return SignOffContext(self.ordered, signed)

    @property
    def order_fully_signed_off(self) -> bool:
        return bool(self.ordered) and all(self.signed.get(k, 0) >= v for k, v in self.ordered.items())

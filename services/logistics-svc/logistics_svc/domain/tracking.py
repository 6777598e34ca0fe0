"""Carrier tracking, normalised: the statuses every carrier and aggregator format maps onto.

Each inbound format (our native webhook, Kuaidi100 push, AfterShip webhook) is parsed by its
adapter in ``adapters/webhook_formats`` into a ``WebhookDelivery`` of ``Scan``s; from there on
nothing depends on where a scan came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class TrackingStatus(StrEnum):
    INFO_RECEIVED = "info_received"  # 揽收
    IN_TRANSIT = "in_transit"  # 在途
    OUT_FOR_DELIVERY = "out_for_delivery"  # 派件
    DELIVERED = "delivered"  # 签收
    FAILED_ATTEMPT = "failed_attempt"  # 疑难
    RETURNED_TO_SENDER = "returned_to_sender"  # 退签
    EXCEPTION = "exception"
    LOST = "lost"


@dataclass(frozen=True)
class Scan:
    """One carrier event. ``occurred_at`` is timezone-aware (the carrier's event time)."""

    tracking_number: str
    status: TrackingStatus
    occurred_at: datetime
    description: str = ""
    location: str = ""
    raw_status: str = ""  # the vendor's own code, kept for investigation
    # Ours (SF, ZTO...): whose scan it is. A tracking number is unique only within one carrier,
    # so a scan moves only a shipment of this carrier. None: the aggregator named a carrier the
    # registry does not know, and the scan is kept apart, never matched.
    carrier_code: str | None = None


@dataclass(frozen=True)
class ParkedScans:
    """Scans no shipment has taken, for one carrier (None: unknown) and tracking number."""

    carrier_code: str | None
    tracking_number: str
    vendor_carrier_codes: tuple[str, ...]
    sources: tuple[str, ...]
    scans: tuple[Scan, ...]
    # Shipments of *other* carriers that hold the number: these scans never move them.
    held_by_other_carriers: tuple[tuple[str, str], ...]  # (shipment id, carrier code)

    @property
    def reason(self) -> str:
        if self.carrier_code is None:
            return "carrier-unknown"  # the aggregator's carrier code is not in the registry
        if self.held_by_other_carriers:
            return "another-carrier-holds-the-number"
        return "no-shipment-yet"  # matched when this carrier's shipment is dispatched


@dataclass(frozen=True)
class WebhookDelivery:
    """What one inbound webhook request says, whatever its format."""

    source: str  # "native" | "kuaidi100" | "aftership"
    delivery_id: str  # the vendor's event id, or a hash of the signed content when it has none
    tracking_number: str
    vendor_carrier_code: str | None  # e.g. Kuaidi100 "shunfeng", AfterShip "sf-express"
    scans: tuple[Scan, ...] = field(default_factory=tuple)
    sent_at: datetime | None = None  # when the vendor says it sent it, if it says so
    # Ours, when the endpoint itself says whose scans these are: the native endpoint's path
    # carrier, authenticated by that carrier's secret. Aggregator deliveries leave it None and
    # their vendor code is mapped through the carrier registry when the scans are applied.
    carrier_code: str | None = None


class WebhookRejected(Exception):
    """The request is refused: 401 for authentication (signature, staleness), 400 for a body
    that cannot be read. ``reason`` is safe to return to the caller."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

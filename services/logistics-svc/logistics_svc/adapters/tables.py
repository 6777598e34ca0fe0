"""logistics-svc's own tables (SQLModel, in this service's registry). The infrastructure tables
(outbox, inbox, timers, API keys) come from shipsettle_shared.db and are not repeated here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Index, LargeBinary, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class LogisticsTable(SQLModel, registry=registry()):
    pass


metadata = LogisticsTable.metadata


def _timestamp(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class CarrierRow(LogisticsTable, table=True):
    """The carrier registry. ``definition`` holds the carrier as ops set it (pattern, codes,
    service levels, rate card); the webhook secret is kept apart and never returned."""

    __tablename__ = "carriers"

    code: str = Field(primary_key=True)
    definition: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    webhook_secret: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = _timestamp()
    updated_by: str


class AggregatorSecretRow(LogisticsTable, table=True):
    """Secrets of the tracking aggregators (Kuaidi100 salt, AfterShip webhook secret)."""

    __tablename__ = "aggregator_secrets"

    source: str = Field(primary_key=True)
    secret: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = _timestamp()


class KnownOrderRow(LogisticsTable, table=True):
    """What logistics knows of an order, from order events: lines, destination, confirmation."""

    __tablename__ = "known_orders"

    order_id: str = Field(primary_key=True)
    merchant_id: str
    lines: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))  # line id -> {quantity, spec}
    consignee: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    status: str  # placed | confirmed | cancelled
    placed_at: datetime = _timestamp()
    confirmed_at: datetime | None = _timestamp(nullable=True)


class ShipmentRow(LogisticsTable, table=True):
    __tablename__ = "shipments"
    __table_args__ = (
        # A tracking number is unique among live outbound shipments; a cancelled one frees it.
        # Return parcels are numbers a buyer typed: a clash is flagged for ops, not refused.
        Index(
            "shipments_live_tracking_number",
            "carrier_code",
            "tracking_number",
            unique=True,
            postgresql_where=text("status <> 'cancelled' and direction = 'outbound'"),
        ),
        Index("shipments_tracking_number", "tracking_number"),
        Index("shipments_order", "order_id"),
        Index(
            "shipments_stale_watch",
            "last_movement_at",
            postgresql_where=text(
                "status in ('dispatched', 'info_received', 'in_transit', 'out_for_delivery', 'failed_attempt', 'exception')"
            ),
        ),
    )

    shipment_id: str = Field(primary_key=True)
    order_id: str
    merchant_id: str
    carrier_code: str
    tracking_number: str
    lines: dict[str, int] = Field(sa_column=Column(JSONB, nullable=False))  # line id -> quantity
    status: str
    dispatched_at: datetime = _timestamp()
    last_movement_at: datetime = _timestamp()
    first_scan_at: datetime | None = _timestamp(nullable=True)
    delivered_at: datetime | None = _timestamp(nullable=True)
    signed_off_at: datetime | None = _timestamp(nullable=True)
    sign_off_how: str | None = None
    stale_alerted_at: datetime | None = _timestamp(nullable=True)
    auto_confirm_paused_remaining_s: int | None = None
    open_disputes: int = 0
    auto_confirm_due_at: datetime | None = _timestamp(nullable=True)
    direction: str = Field(default="outbound", sa_column=Column(Text, nullable=False, server_default="outbound"))
    refund_id: str | None = None
    ops_flags: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default=text("'[]'::jsonb"))
    )


class RefundHoldRow(LogisticsTable, table=True):
    """A refund of an order, from refund.events: open ones pause the order's auto-confirm. An
    ended row is never reopened, whatever order the events arrive in."""

    __tablename__ = "refund_holds"

    order_id: str = Field(primary_key=True)
    refund_id: str = Field(primary_key=True)
    state: str  # open | ended
    opened_at: datetime | None = _timestamp(nullable=True)
    ended_at: datetime | None = _timestamp(nullable=True)
    ended_how: str | None = None  # completed | closed


class ScanRow(LogisticsTable, table=True):
    """Every normalised carrier scan, kept even when no shipment of its carrier has the number
    (parked: matched when one is dispatched) or its carrier is unknown (never matched). A scan
    belongs to the shipment with its carrier *and* tracking number, never to another carrier's."""

    __tablename__ = "scans"
    __table_args__ = (
        UniqueConstraint(
            "tracking_number",
            "carrier_code",
            "occurred_at",
            "status",
            "description",
            name="scans_natural_key",
            postgresql_nulls_not_distinct=True,
        ),
        Index("scans_tracking_number", "tracking_number", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tracking_number: str
    # Ours; None when the aggregator's code names no carrier of the registry (or several).
    carrier_code: str | None = None
    vendor_carrier_code: str | None = None  # as the carrier or aggregator sent it
    status: str
    occurred_at: datetime = _timestamp()
    description: str = ""
    location: str = ""
    raw_status: str = ""
    source: str
    delivery_id: str
    received_at: datetime = _timestamp()


class WebhookDeliveryRow(LogisticsTable, table=True):
    """Inbound webhooks as received (the raw payload is kept), written before the request is
    acknowledged; the scans are applied behind it from a CarrierScansReceived event."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("source", "delivery_id", name="webhook_deliveries_source_delivery"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str
    delivery_id: str
    tracking_number: str
    vendor_carrier_code: str | None = None
    carrier_code: str | None = None  # the native endpoint's path carrier; None for aggregators
    scans: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    raw_body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    received_at: datetime = _timestamp()


class RejectedWebhookRow(LogisticsTable, table=True):
    """Bodies that could not be read (400): kept for inspection, never processed."""

    __tablename__ = "rejected_webhooks"

    id: int | None = Field(default=None, primary_key=True)
    source: str
    reason: str = Field(sa_column=Column(Text, nullable=False))
    raw_body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    headers: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    received_at: datetime = _timestamp()


class PlatformSettingRow(LogisticsTable, table=True):
    """Platform settings of logistics, e.g. auto_confirm_days (default 7)."""

    __tablename__ = "platform_settings"

    name: str = Field(primary_key=True)
    value: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    updated_at: datetime = _timestamp()
    updated_by: str

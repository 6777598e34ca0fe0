"""refund-svc's own tables (SQLModel, in this service's registry). The infrastructure tables
(outbox, inbox, timers, API keys) come from shipsettle_shared.db and are not repeated here."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import BigInteger, Column, DateTime, Index, Table, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class RefundTable(SQLModel, registry=registry()):
    if TYPE_CHECKING:
        # set on each table=True class by SQLAlchemy's declarative mapping; sqlmodel does not declare it
        __table__: ClassVar[Table]


metadata = RefundTable.metadata


def _timestamp(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


def _json(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JSONB, nullable=nullable))


class RefundOrderRow(RefundTable, table=True):
    """An order as refunds see it: its priced lines, how it was paid, what shipped and was
    signed off, and which unit positions refunds hold (see domain.amounts)."""

    __tablename__ = "refund_orders"

    order_id: str = Field(primary_key=True)
    merchant_id: str
    currency: str
    shipping_fee_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    payment_channel: str
    payment_transaction_id: str
    buyer_ref: str | None = None  # whose platform balance a balance refund credits (null before 0003)
    lines: dict[str, Any] = _json()  # line id -> {category, quantity, paid, subsidy, commission base}
    taken: dict[str, Any] = _json()  # line id -> unit positions held by refunds
    shipping_refunded: bool = False
    dispatched: bool = False
    signed_off_units: dict[str, Any] = _json()  # line id -> units signed off
    last_signed_off_at: datetime | None = _timestamp(nullable=True)
    placed_at: datetime = _timestamp()


class RefundRow(RefundTable, table=True):
    __tablename__ = "refunds"
    __table_args__ = (
        Index("refunds_order", "order_id"),
        Index("refunds_merchant_status", "merchant_id", "status"),
        UniqueConstraint("return_tracking_number", name="refunds_return_tracking_number"),
    )

    refund_id: str = Field(primary_key=True)
    order_id: str
    merchant_id: str
    kind: str
    reason_code: str
    reason: str
    status: str
    currency: str
    lines: list[dict[str, Any]] = _json()  # RefundLineAmounts as JSON, positions included
    shipping_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    refund_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    subsidy_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    commission_base_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    requested_by: str
    requested_at: datetime = _timestamp()
    # The deadline of whatever the refund is waiting for now (merchant answer, return parcel,
    # inspection, escalation); null while ShipSettle itself is working on it.
    deadline_at: datetime | None = _timestamp(nullable=True)
    waiting_for: str | None = None
    approved_how: str | None = None
    rejection_reason: str | None = None
    escalated_at: datetime | None = _timestamp(nullable=True)
    return_shipment_id: str | None = None
    return_carrier_code: str | None = None
    return_tracking_number: str | None = None
    inspection: dict[str, Any] | None = _json(nullable=True)
    attempt: int = 0
    provider_request_id: str | None = None
    provider_reference: str | None = None
    failure_reason: str | None = None
    failure_permanent: bool = False  # the provider refused the request: a retry cannot fix it
    # Where ops sent a failed refund instead (another channel the buyer gave); null: how it was paid.
    beneficiary_channel: str | None = None
    beneficiary_account: str | None = None
    refunded_via: str | None = None  # contracts.RefundedVia, once completed
    # A refund to the platform balance: {credit_id, buyer_ref, amount_minor, requested_at} and, once
    # the platform acknowledged it, {credit_reference, acknowledged_by, acknowledged_at}.
    balance_credit: dict[str, Any] | None = _json(nullable=True)
    resolution: dict[str, Any] | None = _json(nullable=True)  # ops' way out of a failure: how, who, why
    outcome: str | None = None  # completed | rejected | withdrawn | inspection_failed | closed_by_ops
    closed_at: datetime | None = _timestamp(nullable=True)
    updated_at: datetime = _timestamp()


class RefundHistoryRow(RefundTable, table=True):
    """Who did what to a refund, and when: kept for ops, merchants and audit."""

    __tablename__ = "refund_history"
    __table_args__ = (Index("refund_history_refund", "refund_id", "id"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    refund_id: str
    action: str
    actor: str
    status_after: str
    detail: dict[str, Any] = _json()
    at: datetime = _timestamp()


class ParkedEventRow(RefundTable, table=True):
    """An event that came before the order it is about (topics are not ordered with each
    other); applied when the order arrives."""

    __tablename__ = "parked_events"
    __table_args__ = (
        UniqueConstraint("event_id", name="parked_events_event"),
        Index("parked_events_order", "order_id"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    order_id: str
    event_id: str
    event_type: str
    envelope: dict[str, Any] = _json()
    parked_at: datetime = _timestamp()

"""order-svc's own tables (SQLModel, in this service's registry). The infrastructure tables
(outbox, inbox, timers, API keys) come from shipsettle_shared.db and are not repeated here.

Orders keep their priced breakdown, consignee and payment as JSON documents: they are read and
written whole with the order, and the columns the listing filters on are real columns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Index, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class OrderServiceTable(SQLModel, registry=registry()):
    pass


metadata = OrderServiceTable.metadata


class OrderRow(OrderServiceTable, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("payment_channel", "payment_transaction_id", name="orders_payment_transaction"),
        Index("orders_merchant_created", "merchant_id", "created_at", "order_id"),
        Index("orders_status_created", "status", "created_at", "order_id"),
    )

    order_id: str = Field(primary_key=True)
    merchant_id: str = Field(index=False)
    buyer_ref: str
    currency: str
    status: str
    payable_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    payment_channel: str
    payment_transaction_id: str
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    lines: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    priced: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    consignee: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    payment: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    shipping_confirmed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    shipping_confirmed_by: str | None = None
    dispatched_quantities: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class ShippingChangeRow(OrderServiceTable, table=True):
    """Who confirmed or corrected an order's shipping information, when, and what changed."""

    __tablename__ = "shipping_changes"

    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(index=True)
    change: str  # confirmed | corrected
    changed_by: str
    changed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    reason: str = ""
    before: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    after: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))


class TimelineEntryRow(OrderServiceTable, table=True):
    """The order timeline read model (客服 view), fed by every service's events."""

    __tablename__ = "order_timeline"
    __table_args__ = (Index("order_timeline_order", "order_id", "occurred_at", "event_id"),)

    event_id: str = Field(primary_key=True)
    order_id: str
    merchant_id: str | None = None
    occurred_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    event_type: str
    producer: str
    summary: str = Field(sa_column=Column(Text, nullable=False))
    details: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))

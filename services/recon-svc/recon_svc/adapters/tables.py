"""recon-svc's own tables (SQLModel, in this service's registry): its copy of the facts every
other service publishes, the statements it issued, and the invariant violations it found. The
infrastructure tables (outbox, inbox, timers, API keys) come from shipsettle_shared.db."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import BigInteger, Column, DateTime, Index, Table, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class ReconTable(SQLModel, registry=registry()):
    if TYPE_CHECKING:
        # set on each table=True class by SQLAlchemy's declarative mapping; sqlmodel does not declare it
        __table__: ClassVar[Table]


metadata = ReconTable.metadata


def _timestamp(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


def _json(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JSONB, nullable=nullable))


def _fen() -> Any:
    return Field(default=0, sa_column=Column(BigInteger, nullable=False))


class LedgerEntryRow(ReconTable, table=True):
    """One settlement ledger transaction as published (LedgerTransactionPosted)."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ledger_entries_merchant_posted", "merchant_id", "posted_at"),
        Index("ledger_entries_order", "order_id"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    tx_key: str = Field(unique=True)
    kind: str
    merchant_id: str
    order_id: str | None = None
    currency: str
    description: str
    caused_by_event_id: str | None = None
    posted_at: datetime = _timestamp()
    postings: list[dict[str, Any]] = _json()
    event_id: str


class ReconOrderRow(ReconTable, table=True):
    """An order's money as the other services tell it: what the buyer paid (order-svc), what
    was booked (settlement's ledger), refunded (refund-svc), and its units' progress."""

    __tablename__ = "recon_orders"
    __table_args__ = (
        Index("recon_orders_merchant", "merchant_id"),
        Index("recon_orders_channel_paid", "payment_channel", "paid_at"),
    )

    order_id: str = Field(primary_key=True)
    merchant_id: str | None = None
    currency: str = "CNY"
    placed_at: datetime | None = _timestamp(nullable=True)
    # when the buyer paid (OrderPlaced.payment.paid_at): what a wallet's daily bill dates the payment
    # by; None for an order folded before migration 0005, which is then dated by placed_at
    paid_at: datetime | None = _timestamp(nullable=True)
    buyer_paid_minor: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    payment_channel: str | None = None
    lines: dict[str, Any] = _json()  # line id -> {sku, quantity, paid, vat, vat_rate_bp, sales}
    units_signed_off: int = 0
    units_refunded: int = 0
    units_ordered: int = 0
    signed_off: bool = False
    refunded_to_buyer_minor: int = _fen()
    open_refunds: list[str] = _json()
    # from the ledger (settlement), per order
    clearing_released_minor: int = _fen()
    subsidy_minor: int = _fen()
    commission_minor: int = _fen()
    merchant_net_minor: int = _fen()
    ledger_refunds_minor: int = _fen()
    first_booked_at: datetime | None = _timestamp(nullable=True)
    holds: dict[str, Any] = _json()  # hold id -> {release_at, released_at}
    updated_at: datetime = _timestamp()


class RefundFactRow(ReconTable, table=True):
    __tablename__ = "refund_facts"
    __table_args__ = (Index("refund_facts_merchant", "merchant_id", "completed_at"),)

    refund_id: str = Field(primary_key=True)
    order_id: str
    merchant_id: str
    kind: str
    currency: str
    refund_minor: int = _fen()
    shipping_minor: int = _fen()
    lines: list[dict[str, Any]] = _json()
    provider_reference: str
    completed_at: datetime = _timestamp()
    # How it was paid (contracts.RefundedVia) and to which payment channel: which files show it.
    # Null refunded_via: folded before recon kept it (original_channel, unless ops paid it
    # offline: migration 0006 marks those by their reference).
    refunded_via: str | None = None
    refunded_to_channel: str | None = None


class PayoutFactRow(ReconTable, table=True):
    """The latest known outcome of each payout (PayoutSettled), and when each happened."""

    __tablename__ = "payout_facts"
    __table_args__ = (Index("payout_facts_merchant", "merchant_id"),)

    payout_id: str = Field(primary_key=True)
    application_id: str
    merchant_id: str
    currency: str
    amount_minor: int = _fen()
    status: str
    provider_reference: str | None = None
    reason: str | None = None
    paid_at: datetime | None = _timestamp(nullable=True)
    failed_at: datetime | None = _timestamp(nullable=True)
    returned_at: datetime | None = _timestamp(nullable=True)


class StatementRow(ReconTable, table=True):
    """An issued statement (对账单). A closed period's content never changes: a correction is a
    new version beside it; each carries the SHA-256 of its canonical JSON."""

    __tablename__ = "statements"
    __table_args__ = (
        UniqueConstraint("merchant_id", "period_start", "period_end", "version", name="statements_version"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    merchant_id: str
    period_start: datetime = _timestamp()
    period_end: datetime = _timestamp()
    version: int
    content: dict[str, Any] = _json()
    sha256: str
    closed: bool
    issued_at: datetime = _timestamp()


class ViolationRow(ReconTable, table=True):
    """An invariant the event streams broke, with the order and the figures."""

    __tablename__ = "invariant_violations"
    __table_args__ = (
        UniqueConstraint("check_name", "order_id", "fingerprint", name="invariant_violations_once"),
        Index("invariant_violations_detected", "detected_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    check_name: str
    order_id: str
    merchant_id: str | None = None
    figures: dict[str, Any] = _json()
    message: str
    fingerprint: str
    detected_at: datetime = _timestamp()
    resolved_at: datetime | None = _timestamp(nullable=True)


class StatementImportRow(ReconTable, table=True):
    """A bank or payment-provider statement file, imported whole (or refused whole), and the
    report of matching it against our payouts, refunds and payments. The same file imported
    again (same source, same SHA-256) is the same import."""

    __tablename__ = "statement_imports"
    __table_args__ = (UniqueConstraint("source", "sha256", name="statement_imports_file"),)

    import_id: str = Field(primary_key=True)
    source: str
    sha256: str
    size_bytes: int
    document_id: str | None = None
    period_start: datetime | None = _timestamp(nullable=True)
    period_end: datetime | None = _timestamp(nullable=True)
    entries: int
    matched: int
    report: dict[str, Any] = _json()
    imported_by: str
    imported_at: datetime = _timestamp()


class DiscrepancyRow(ReconTable, table=True):
    """A difference found by matching, and what ops did about it: open -> investigating ->
    resolved (linked to the ledger adjustment that settles it) or written off with a reason."""

    __tablename__ = "discrepancies"
    __table_args__ = (Index("discrepancies_status", "status", "created_at"), Index("discrepancies_import", "import_id"))

    discrepancy_id: str = Field(primary_key=True)
    import_id: str
    type: str
    reference: str | None = None
    merchant_id: str | None = None
    ours: dict[str, Any] | None = _json(nullable=True)
    theirs: dict[str, Any] | None = _json(nullable=True)
    status: str
    resolution: dict[str, Any] | None = _json(nullable=True)
    history: list[dict[str, Any]] = _json()
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


# --- unit movements for the tax and 发出商品 reports ---------------------------------------------
# Kept as they arrive, whatever arrives first: a sign-off before its dispatch, either before the
# OrderPlaced that names the line's SKU and figures. The reports join them at query time.


class DispatchLineRow(ReconTable, table=True):
    """Units of one order line that left the merchant in one parcel (ShipmentDispatched)."""

    __tablename__ = "recon_dispatch_lines"
    __table_args__ = (
        UniqueConstraint("shipment_id", "line_id", name="recon_dispatch_lines_once"),
        Index("recon_dispatch_lines_merchant", "merchant_id", "dispatched_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    shipment_id: str
    line_id: str
    order_id: str
    merchant_id: str
    quantity: int
    dispatched_at: datetime = _timestamp()


class SignOffLineRow(ReconTable, table=True):
    """Units of one order line signed off (签收 / 确认收货) with one parcel (OrderSignedOff)."""

    __tablename__ = "recon_sign_off_lines"
    __table_args__ = (
        UniqueConstraint("shipment_id", "line_id", name="recon_sign_off_lines_once"),
        Index("recon_sign_off_lines_merchant", "merchant_id", "signed_off_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    shipment_id: str
    line_id: str
    order_id: str
    merchant_id: str
    quantity: int
    signed_off_at: datetime = _timestamp()


class ShipmentReturnRow(ReconTable, table=True):
    """An outbound parcel returned to the merchant unsigned (退签): its units leave 发出商品. The
    parcel's lines are its dispatch lines, joined at query time (the dispatch may come later)."""

    __tablename__ = "recon_shipment_returns"
    __table_args__ = (Index("recon_shipment_returns_merchant", "merchant_id", "returned_at"),)

    shipment_id: str = Field(primary_key=True)
    order_id: str
    merchant_id: str
    returned_at: datetime = _timestamp()


class AuditHeadRow(ReconTable, table=True):
    """A head of a service's audit chain as published (AuditChainHeadPublished), kept for good:
    a service's GET /v1/audit/verify compares its chain with the last one (service_layer/audit_heads)."""

    __tablename__ = "audit_heads"

    chain: str = Field(primary_key=True)
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True))
    service: str
    row_hash: str
    anchor_seq: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    anchor_hash: str | None = None
    # false: its anchor hash differed from the head kept at that row (the chain changed under it)
    continuous: bool
    head_at: datetime = _timestamp()
    received_at: datetime = _timestamp()

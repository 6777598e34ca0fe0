"""settlement-svc's own tables (SQLModel, in this service's registry). The infrastructure tables
(outbox, inbox, timers, API keys) come from shipsettle_shared.db and are not repeated here.

The ledger is append-only and balanced by the database itself (migrations 0002 and 0008): an
insert of postings that leaves a transaction it touched not summing to zero is refused, and so
are updates or deletes of postings and transactions.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, LargeBinary, Table, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class SettlementTable(SQLModel, registry=registry()):
    if TYPE_CHECKING:
        # set on each table=True class by SQLAlchemy's declarative mapping; sqlmodel does not declare it
        __table__: ClassVar[Table]


metadata = SettlementTable.metadata


def _timestamp(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class LedgerTransactionRow(SettlementTable, table=True):
    __tablename__ = "ledger_transactions"
    __table_args__ = (
        Index("ledger_transactions_merchant", "merchant_id", "id"),
        Index("ledger_transactions_order", "order_id"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    tx_key: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    kind: str
    merchant_id: str
    order_id: str | None = None
    description: str = ""
    caused_by_event_id: str | None = None
    created_at: datetime = _timestamp()


class LedgerPostingRow(SettlementTable, table=True):
    __tablename__ = "ledger_postings"
    __table_args__ = (Index("ledger_postings_account", "account_id", "id"), Index("ledger_postings_tx", "tx_id"))

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    tx_id: int = Field(sa_column=Column(BigInteger, ForeignKey("ledger_transactions.id"), nullable=False))
    account_id: str
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))


class AccountBalanceRow(SettlementTable, table=True):
    """Merchant account balances, kept by a trigger on postings; rebuildable from them.
    Platform accounts are summed on demand (one hot row per platform account would serialise
    every sign-off of every merchant)."""

    __tablename__ = "account_balances"

    account_id: str = Field(primary_key=True)
    balance_minor: int = Field(sa_column=Column(BigInteger, nullable=False))


class SettlementOrderRow(SettlementTable, table=True):
    __tablename__ = "settlement_orders"

    order_id: str = Field(primary_key=True)
    merchant_id: str = Field(index=True)
    currency: str
    shipping_fee_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    shipping_booked: bool = False
    shipping_refunded_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    commission_booked_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    commission_reversed_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    lines: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    placed_at: datetime = _timestamp()
    placed_event_id: str


class ParkedEventRow(SettlementTable, table=True):
    """Events that arrived before what they depend on (a sign-off before its order): kept and
    applied when the order arrives, never dropped."""

    __tablename__ = "parked_events"
    __table_args__ = (UniqueConstraint("event_id", name="parked_events_event"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    order_id: str = Field(index=True)
    event_id: str
    event_type: str
    envelope: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    reason: str
    parked_at: datetime = _timestamp()


class MerchantPolicyRow(SettlementTable, table=True):
    __tablename__ = "merchant_policies"

    merchant_id: str = Field(primary_key=True)
    version: int = Field(primary_key=True)
    policy: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    effective_from: datetime = _timestamp()
    created_by: str


class HoldRow(SettlementTable, table=True):
    """Signed-off funds waiting in pending until ``release_at`` (fixed at sign-off).

    ``amount_minor`` is what the release will move: a refund completed before the release
    takes its reversal out of the hold (``reversed_minor`` says how much). A hold that falls due
    while a refund of its order is open is frozen (``frozen_at``) and released when the last
    open refund ends."""

    __tablename__ = "holds"
    __table_args__ = (Index("holds_merchant", "merchant_id", "released_at"),)

    hold_id: str = Field(primary_key=True)
    merchant_id: str
    order_id: str
    shipment_id: str
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    policy_version: int
    signed_off_at: datetime = _timestamp()
    release_at: datetime = _timestamp()
    released_at: datetime | None = _timestamp(nullable=True)
    reversed_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    frozen_at: datetime | None = _timestamp(nullable=True)


class RefundRow(SettlementTable, table=True):
    """A refund of an order as settlement sees it (refund-svc owns the refund itself).

    ``open`` from RefundRequested until RefundCompleted or RefundClosed: while any refund of an
    order is open its holds do not release. ``frozen_minor`` is what is frozen for it now (money
    that was already available); ``reversal_minor`` what the completion took back from the
    merchant, ``clawback_minor`` the part of it that went to the negative balance."""

    __tablename__ = "settlement_refunds"
    __table_args__ = (Index("settlement_refunds_order", "order_id", "status"),)

    refund_id: str = Field(primary_key=True)
    order_id: str
    merchant_id: str
    status: str  # open | completed | closed
    stage: str  # the last refund event seen: RefundRequested, RefundApproved, ...
    kind: str | None = None
    refund_minor: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    estimated_reversal_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    frozen_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    reversal_minor: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    clawback_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    outcome: str | None = None
    requested_event_id: str | None = None
    ended_event_id: str | None = None
    opened_at: datetime | None = _timestamp(nullable=True)
    ended_at: datetime | None = _timestamp(nullable=True)
    updated_at: datetime = _timestamp()


class BankAccountRow(SettlementTable, table=True):
    __tablename__ = "bank_accounts"

    bank_account_id: str = Field(primary_key=True)
    merchant_id: str = Field(index=True)
    holder_name: str  # sealed (adapters/bank_data.py)
    bank_name: str
    account_type: str
    account_number: str  # sealed
    account_number_last4: str | None = None
    account_number_index: str | None = None  # blind index (HMAC) of the number
    status: str  # unverified | verified
    verified_by: str | None = None
    verified_at: datetime | None = _timestamp(nullable=True)
    created_at: datetime = _timestamp()


class VoucherRow(SettlementTable, table=True):
    __tablename__ = "vouchers"

    voucher_id: str = Field(primary_key=True)
    merchant_id: str = Field(index=True)
    kind: str  # invoice | logistics_document
    content_type: str
    size_bytes: int
    sha256: str
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_at: datetime = _timestamp()


class MerchantFlagRow(SettlementTable, table=True):
    """Risk flags ops put on a merchant; any flag routes its applications to review."""

    __tablename__ = "merchant_flags"

    merchant_id: str = Field(primary_key=True)
    reason: str
    flagged_by: str
    flagged_at: datetime = _timestamp()


class ApplicationRow(SettlementTable, table=True):
    __tablename__ = "settlement_applications"
    __table_args__ = (Index("settlement_applications_status", "status", "created_at"),)

    application_id: str = Field(primary_key=True)
    merchant_id: str = Field(index=True)
    bank_account_id: str
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))  # gross: taken from available
    # paid back to the platform out of this application: the merchant's negative balance
    clawback_deducted_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    currency: str
    order_ids: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    voucher_ids: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    status: str
    review_reasons: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    decided_by: str | None = None
    decision_reason: str | None = None
    payout_id: str | None = None
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()

    @property
    def net_minor(self) -> int:
        """What goes to in payout and to the bank: the gross less the claw-back deduction."""
        return self.amount_minor - self.clawback_deducted_minor


class PayoutRow(SettlementTable, table=True):
    """One transfer to a merchant's bank, for one approved application, in a batch. The payout id
    is the provider's idempotency key: sending it twice never pays twice."""

    __tablename__ = "payouts"

    payout_id: str = Field(primary_key=True)
    batch_id: str = Field(index=True)
    application_id: str = Field(unique=True)
    merchant_id: str = Field(index=True)
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))  # net: what the bank pays
    clawback_deducted_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    currency: str
    status: str  # sending | sent | paid | failed | returned
    provider_reference: str | None = None
    reason: str | None = None
    created_at: datetime = _timestamp()
    sent_at: datetime | None = _timestamp(nullable=True)
    settled_at: datetime | None = _timestamp(nullable=True)


class WebhookEndpointRow(SettlementTable, table=True):
    """Where a merchant wants its notifications, and the Standard Webhooks secret we sign with."""

    __tablename__ = "merchant_webhook_endpoints"

    merchant_id: str = Field(primary_key=True)
    url: str
    secret: str
    updated_at: datetime = _timestamp()


class NotificationRow(SettlementTable, table=True):
    """An outbound merchant notification; its id is the Standard Webhooks ``webhook-id``, the
    same on every retry so the merchant can deduplicate."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("notifications_merchant", "merchant_id", "created_at"),
        Index(
            "notifications_awaiting_endpoint",
            "merchant_id",
            "created_at",
            postgresql_where=text("awaiting_endpoint_since is not null"),
        ),
    )

    notification_id: str = Field(primary_key=True)
    merchant_id: str
    event_type: str
    payload: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime = _timestamp()
    delivered_at: datetime | None = _timestamp(nullable=True)
    gave_up_at: datetime | None = _timestamp(nullable=True)
    attempts: int = 0
    # Kept for a recipient with no endpoint (the platform's: see service_layer/notifications.py);
    # sent when it sets one.
    awaiting_endpoint_since: datetime | None = _timestamp(nullable=True)


class NotificationAttemptRow(SettlementTable, table=True):
    """The delivery log: every attempt with its answer."""

    __tablename__ = "notification_attempts"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    notification_id: str = Field(index=True)
    attempted_at: datetime = _timestamp()
    status_code: int | None = None
    error: str | None = None


class OrderProgressRow(SettlementTable, table=True):
    """An order's way to settlement (confirmed, dispatched, delivered, signed off, cancelled),
    from order and shipment events, for its ETA and blockers. ``shipments`` maps shipment id to
    its progress; ``figures`` keeps OrderPlaced's discounts by funder; ``bookings`` what each
    sign-off booked (paid, shipping, subsidy, commission), to explain a payout line by line.
    Only ever moves forward (domain/progress.py)."""

    __tablename__ = "order_progress"
    __table_args__ = (Index("order_progress_merchant", "merchant_id"),)

    order_id: str = Field(primary_key=True)
    merchant_id: str
    placed_at: datetime | None = _timestamp(nullable=True)
    confirmed_at: datetime | None = _timestamp(nullable=True)
    cancelled_at: datetime | None = _timestamp(nullable=True)
    shipments: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    bookings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    updated_at: datetime = _timestamp()

"""What settlement use cases ask of each repository the unit of work carries
(service_layer/unit_of_work.py), and the plain values some of them hand over. The SQL
repositories (adapters/repositories/) satisfy these structurally; the unit tests' fakes too.

Several still hand over ORM rows (``HoldRow``, ``ApplicationRow``, ...): the use cases read and
change those rows as they did before the repositories were split out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeAlias

from sqlalchemy import Row

from settlement_svc.adapters.tables import (
    ApplicationRow,
    BankAccountRow,
    HoldRow,
    NotificationAttemptRow,
    NotificationRow,
    OrderProgressRow,
    PayoutRow,
    RefundRow,
    VoucherRow,
    WebhookEndpointRow,
)
from settlement_svc.domain.ledger import LedgerTransaction
from settlement_svc.domain.orders import SettlementOrder
from settlement_svc.domain.policies import MerchantPolicy, PolicyVersion
from settlement_svc.domain.progress import OrderProgress
from shipsettle_shared import four_eyes

# An order's progress row as a store reads it: the ORM row, or a plain row of its columns (the
# locking read of many skips the ORM's bookkeeping).
ProgressRow: TypeAlias = "OrderProgressRow | Row[Any]"


@dataclass(frozen=True)
class NewHold:
    """A hold as a sign-off creates it (the columns of ``HoldRow`` it sets)."""

    hold_id: str
    merchant_id: str
    order_id: str
    shipment_id: str
    amount_minor: int
    policy_version: int
    signed_off_at: datetime
    release_at: datetime
    released_at: datetime | None = None  # released in the sign-off's own transaction (due at once)


@dataclass(frozen=True)
class DueHold:
    """A hold as its release reads it (``claim_due_hold``), or as a frozen one is released."""

    hold_id: str
    merchant_id: str
    order_id: str
    amount_minor: int
    reversed_minor: int
    policy_version: int
    signed_off_at: datetime
    frozen_at: datetime | None
    currency: str
    refund_open: bool = False

    @classmethod
    def of(cls, hold: HoldRow, currency: str) -> DueHold:
        return cls(
            hold_id=hold.hold_id,
            merchant_id=hold.merchant_id,
            order_id=hold.order_id,
            amount_minor=hold.amount_minor,
            reversed_minor=hold.reversed_minor,
            policy_version=hold.policy_version,
            signed_off_at=hold.signed_off_at,
            frozen_at=hold.frozen_at,
            currency=currency,
        )


@dataclass(frozen=True)
class ReleaseFacts:
    policies: list[PolicyVersion]  # newest first, as ``policy_in_force`` takes them
    available_minor: int
    negative_balance_minor: int
    bank_account_id: str | None  # the most recently verified account, the automatic application's
    paid_to_account_before: bool
    risk_flagged: bool
    has_webhook_endpoint: bool


@dataclass
class LockedPayout:
    """A payout as its sender and its outcomes read it (plain values, not ORM objects), with its
    application's status, the beneficiary, and whether its merchant has a webhook endpoint.
    Changed in memory, then written back in one statement (``write``)."""

    payout_id: str
    application_id: str
    merchant_id: str
    amount_minor: int
    currency: str
    status: str
    provider_reference: str | None
    reason: str | None
    sent_at: datetime | None
    settled_at: datetime | None
    application_status: str
    bank_account_id: str
    holder_name: str  # sealed
    bank_name: str
    account_number: str  # sealed
    has_endpoint: bool


class LedgerStore(Protocol):
    """Ledger transactions and postings (appended, never updated), and the balances they maintain."""

    async def post(self, transaction: LedgerTransaction, *, now: datetime) -> bool:
        """Append a balanced transaction; False if its key was posted before (idempotent)."""
        ...

    async def insert_transactions(self, transactions: Sequence[LedgerTransaction], *, now: datetime) -> set[str]:
        """Append balanced transactions with their postings in one statement, whatever their
        number; returns the keys inserted (a key posted before is skipped, its postings too:
        idempotent). The caller adds their LedgerTransactionPosted events (``posted_event``) to
        the outbox.

        The postings go in last (the caller's last write): the balance trigger then updates each
        merchant account's row once, at the end of this statement, and the transaction holds
        those hot rows for the least time."""
        ...

    async def merchant_balances(self, merchant_id: str) -> dict[str, int]: ...

    async def transactions_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[dict[str, Any]]:
        """The merchant's (or one order's) transactions with their postings, in posting order: one
        query joining the two tables, whatever the merchant's size (an id list would pass the
        driver's limit of 32767 parameters for a merchant with that many transactions)."""
        ...


class LockStore(Protocol):
    """The transaction's advisory locks on orders and merchants."""

    async def lock_merchant(self, merchant_id: str) -> None:
        """Serialise money movements of one merchant (applications, payouts, claw-backs)."""

    async def lock_order(self, order_id: str) -> None:
        """Order and sign-off events come on different topics, possibly to different instances:
        this lock makes "park if the order is unknown" and "un-park when it arrives" atomic."""

    async def lock_order_and_merchant(self, order_id: str, merchant_id: str) -> None:
        """``lock_order`` then ``lock_merchant`` in one statement, in that order: every path that
        takes both takes the order's first (refund events, the release of a hold)."""

    async def lock_orders(self, order_ids: Sequence[str]) -> None:
        """``lock_order`` for many orders in one statement, in order id order (the order every
        batch takes them in, so two batches sharing orders cannot deadlock on these locks)."""

    async def try_lock_merchants(
        self, merchant_ids: Sequence[str], *, orders: Sequence[str]
    ) -> tuple[set[str], set[str]]:
        """(the merchants whose ``lock_merchant`` lock this took without waiting, the ones of
        ``orders`` with an open refund), in one statement. For a path that holds order locks
        already: it never waits for a merchant's lock, so it cannot deadlock with a path that
        takes an order's lock after a merchant's (the timers' batch of hold releases). The
        caller holds the orders' locks, taken in an earlier statement, so the refunds read are
        current."""
        ...


class OrderStore(Protocol):
    """Settlement orders (the sign-off's reads and writes, the merchant's orders)."""

    async def add_orders_taking_parked(
        self, orders: Sequence[tuple[SettlementOrder, datetime, str]]
    ) -> dict[str, list[dict[str, Any]]]:
        """Insert (order, placed at, OrderPlaced event id) for orders not known yet and take (delete)
        the events parked for them, in one statement: {each order inserted: its parked envelopes,
        in the order they were parked}. An order known already is left as it is. The caller holds
        the orders' locks, taken in an earlier statement (``lock_orders``)."""
        ...

    async def order(self, order_id: str, *, for_update: bool = False) -> SettlementOrder | None: ...

    async def orders_for_sign_off(
        self, order_ids: Sequence[str], sign_off_keys: Sequence[str]
    ) -> tuple[dict[str, SettlementOrder], dict[str, list[PolicyVersion]], set[str]]:
        """What a batch of sign-offs reads, in one query: the known ones of ``order_ids``, locked
        in order id order (rows, not ORM objects: a batch of hundreds pays no ORM bookkeeping;
        write them back with ``save_orders``), their merchants' policy versions (newest first)
        and which of ``sign_off_keys`` are on the ledger already."""
        ...

    async def save_order(self, order: SettlementOrder) -> None: ...

    async def save_orders(self, orders: Sequence[SettlementOrder]) -> None:
        """Write the orders' figures back, in one statement whatever their number (an executemany
        is a statement per row to PostgreSQL). The caller holds the orders' row locks."""

    async def orders_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[SettlementOrder]:
        """The merchant's orders (or the one of them), in one query."""
        ...


class ParkedEventStore(Protocol):
    """Parked events, applied in the order they were parked once their order arrives."""

    async def park(self, order_id: str, envelope: dict[str, Any], reason: str, *, now: datetime) -> None: ...

    async def park_many(self, parked: Sequence[tuple[str, dict[str, Any], str]], *, now: datetime) -> None:
        """Park (order id, envelope, reason) in their order (they are applied in id order);
        an event parked before is skipped."""


class PolicyStore(Protocol):
    """Merchant policy versions (a new version per change, never an update)."""

    async def policy(self, merchant_id: str, at: datetime) -> MerchantPolicy: ...

    async def policy_versions(self, merchant_ids: Sequence[str]) -> dict[str, list[PolicyVersion]]:
        """Every stored version of the merchants' policies, newest first, in one query; pick the
        one in force at a time with ``policy_in_force``."""
        ...


class HoldStore(Protocol):
    """Holds, and the merchant facts their release reads."""

    async def add_holds(self, holds: Sequence[NewHold]) -> None:
        """New holds in one statement whatever their number (plain values, not ORM objects:
        building hundreds of those costs more than the statement)."""

    async def hold(self, hold_id: str, *, for_update: bool = False) -> HoldRow | None: ...

    async def claim_due_hold(self, hold_id: str, *, now: datetime) -> DueHold | None:
        """The hold falling due now, in one statement: released (``released_at`` now) unless a
        refund of its order is open, then frozen (``frozen_at``, kept if set before); None if it
        is unknown or released already. The caller holds the order's lock, taken in an earlier
        statement so that this one's snapshot sees every refund opened before it."""
        ...

    async def release_facts(self, merchant_id: str) -> ReleaseFacts:
        """``release_facts_of`` for one merchant."""
        ...

    async def release_facts_of(self, merchant_ids: Sequence[str]) -> dict[str, ReleaseFacts]:
        """What releases and the merchants' automatic applications depend on, in one query: the
        policy versions, available and negative balances, the most recently verified account,
        whether it was paid to before, a risk flag, a webhook endpoint. The caller holds the
        merchants' locks: only their own movements can take from available until it commits."""
        ...

    async def unreleased_holds(self, order_id: str) -> list[HoldRow]:
        """The order's holds still in pending, locked, latest release first."""
        ...

    async def holds_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[HoldRow]: ...


class RefundStore(Protocol):
    """Refunds as settlement follows them (open until completed or closed)."""

    async def refund(self, refund_id: str, *, for_update: bool = False) -> RefundRow | None: ...

    async def add_refund(self, refund: RefundRow) -> None: ...

    async def open_refunds(self, order_id: str) -> list[RefundRow]: ...

    async def refunds_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[RefundRow]: ...


class ProgressStore(Protocol):
    """Order progress rows, locked in order id order and written back in one statement."""

    async def progress_for_update(
        self, merchant_by_order: Mapping[str, str], *, now: datetime
    ) -> Mapping[str, ProgressRow]:
        """The orders' progress rows (plain rows), locked in order id order; each created empty
        (with the merchant given) if this is its order's first event. One round trip when every
        row exists (an order's first event, OrderPlaced, creates it), three otherwise; write them
        back with ``save_progress``."""
        ...

    async def add_progress_rows(
        self, progress: Sequence[tuple[OrderProgress, dict[str, Any]]], *, now: datetime
    ) -> set[str]:
        """Rows for orders that have none yet, written whole (progress, figures) in one statement;
        returns the orders whose row this created (another order's row exists already)."""
        ...

    async def save_progress(
        self, progress: Sequence[tuple[OrderProgress, dict[str, Any], dict[str, Any]]], *, now: datetime
    ) -> None:
        """Write (progress, bookings, figures) back to the orders' rows, in one statement whatever
        their number. The caller holds the rows' locks (``progress_for_update``)."""

    async def progress_rows(
        self, *, order_id: str | None = None, merchant_id: str | None = None
    ) -> list[OrderProgressRow]: ...


class PayoutStore(Protocol):
    """Applications and their payouts (a payout's outcome locks the payout's row first)."""

    async def application(self, application_id: str, *, for_update: bool = False) -> ApplicationRow | None: ...

    async def add_application(self, application: ApplicationRow) -> None: ...

    async def add_applications(self, applications: Sequence[ApplicationRow]) -> None:
        """The automatic applications of a run of releases, in one statement whatever their number."""

    async def bank_account(self, bank_account_id: str, *, for_update: bool = False) -> BankAccountRow | None: ...

    async def add_bank_account(self, account: BankAccountRow) -> None: ...

    async def add_voucher(self, voucher: VoucherRow) -> None: ...

    async def applications_of(self, merchant_id: str) -> list[ApplicationRow]: ...

    async def payouts_of(self, merchant_id: str) -> list[PayoutRow]: ...

    async def payout(self, payout_id: str) -> PayoutRow | None: ...

    async def known_vouchers(self, merchant_id: str, voucher_ids: Sequence[str]) -> set[str]:
        """Which of ``voucher_ids`` the merchant uploaded."""
        ...

    async def vouchers_in_use(self, merchant_id: str, voucher_ids: Sequence[str]) -> dict[str, str]:
        """Which of ``voucher_ids`` an application of the merchant already stands on, by voucher:
        the application's id (one whose money is in review, on its way or paid out)."""
        ...

    async def paid_to_account_before(self, bank_account_id: str) -> bool: ...

    async def risk_flagged(self, merchant_id: str) -> bool: ...

    async def start_payouts(self, batch_id: str, *, now: datetime) -> list[str]:
        """One statement: the approved applications no other batch holds, a payout each, and the
        applications marked paying with it (their rows locked, skipped by a concurrent batch)."""
        ...

    async def locked_payout(self, payout_id: str) -> LockedPayout | None:
        """The payout (locked), its application's status, its bank account and whether its merchant
        has a webhook endpoint, in one query. Only the payout's row is locked: every writer of a
        paying application holds its payout's lock first, so the application is read current."""
        ...

    async def write(self, payout: LockedPayout, *, application_changed: bool, now: datetime) -> None:
        """The payout's columns an outcome moves, and its application's status when it changed, in
        one statement; ORM copies this session loaded before are re-read, not served stale."""


class NotificationStore(Protocol):
    """Endpoints by recipient, notifications and their delivery attempts."""

    async def lock_recipient(self, recipient: str) -> None:
        """Serialise setting a recipient's endpoint with keeping a notification for want of one."""

    async def endpoint(self, recipient: str, *, for_update: bool = False) -> WebhookEndpointRow | None:
        """The recipient's endpoint (the session's copy if it loaded it before)."""
        ...

    async def endpoint_now(self, recipient: str) -> WebhookEndpointRow | None:
        """The recipient's endpoint, read by a new statement (one committed meanwhile is seen)."""
        ...

    async def save_endpoint(self, endpoint: WebhookEndpointRow) -> None: ...

    async def remove_endpoint(self, endpoint: WebhookEndpointRow) -> None: ...

    async def kept_for(self, recipient: str) -> list[NotificationRow]:
        """The notifications kept for the recipient while it had no endpoint, oldest first, locked."""
        ...

    def add(self, notification: NotificationRow) -> None: ...

    async def notification(self, notification_id: str, *, for_update: bool = False) -> NotificationRow | None: ...

    def add_attempt(self, attempt: NotificationAttemptRow) -> None: ...


class ApprovalStore(Protocol):
    async def propose(
        self,
        *,
        action: str,
        parameters: Mapping[str, Any],
        by: str,
        reason: str,
        now: datetime,
        ttl: timedelta,
        subject: str | None = None,
        merchant_id: str | None = None,
        amount_minor: int | None = None,
    ) -> four_eyes.Proposal:
        """``four_eyes.propose``: raises FourEyesRefused ``approval-pending`` when the subject has a
        pending proposal of this action."""
        ...

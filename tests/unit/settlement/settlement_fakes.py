"""An in-memory unit of work for settlement-svc's service layer (the real one:
adapters/unit_of_work.py), and the order the settlement unit tests use.

The order O-1 of merchant m-1, worked by hand:
  line A "home": 3 units, paid 30001 fen (per unit, largest remainder, the first unit taking the
      odd fen: 10001, 10000, 10000), platform subsidy 900 (300 each), commission base 30901
      (10301, 10300, 10300). Shipping fee 1000, booked with the first sign-off.
The platform default policy: 7 hold days, daily cycle, commission 5% (500 bp), no reserve.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from settlement_payout_fakes import FakeApprovals, FakeNotifications, FakePayouts
from unit.fake_session_work import FakeSessionWork

from settlement_svc.adapters.repositories.ledger import posted_event
from settlement_svc.adapters.repositories.progress import progress_columns
from settlement_svc.adapters.tables import (
    BankAccountRow,
    HoldRow,
    OrderProgressRow,
    RefundRow,
)
from settlement_svc.domain.ledger import LedgerTransaction, MerchantAccount, merchant_account
from settlement_svc.domain.orders import SettlementLine, SettlementOrder
from settlement_svc.domain.policies import MerchantPolicy, PolicyVersion, policy_in_force
from settlement_svc.domain.progress import OrderProgress
from settlement_svc.service_layer.repositories import DueHold, NewHold, ReleaseFacts
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.messaging.events import Received, received
from shipsettle_shared.outbox import stage_event

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
MERCHANT = "m-1"


def order(order_id: str = "O-1", merchant_id: str = MERCHANT) -> SettlementOrder:
    return SettlementOrder(
        order_id=order_id,
        merchant_id=merchant_id,
        currency="CNY",
        shipping_fee_minor=1000,
        lines={
            "A": SettlementLine(
                line_id="A",
                category="home",
                quantity=3,
                paid_minor=30001,
                subsidy_minor=900,
                commission_base_minor=30901,
            )
        },
    )


def sign_off(
    units: int, *, order_id: str = "O-1", shipment_id: str = "S-1", at: datetime = T0
) -> Received[contracts.OrderSignedOff]:
    payload = contracts.OrderSignedOff(
        order_id=order_id,
        merchant_id=MERCHANT,
        shipment_id=shipment_id,
        signed_off_at=at,
        how="buyer_confirmed",
        lines=[contracts.ShipmentLine(line_id="A", quantity=units)],
        order_fully_signed_off=False,
    )
    return received(stage_event(payload, producer="logistics-svc", occurred_at=at).envelope).of_kind(
        contracts.OrderSignedOff
    )


class FakeLedger:
    def __init__(self, uow: FakeSettlementUnitOfWork) -> None:
        self.uow = uow
        self.transactions: dict[str, LedgerTransaction] = {}
        self.created_at: dict[str, datetime] = {}

    async def post(self, transaction: LedgerTransaction, *, now: datetime) -> bool:
        if not await self.insert_transactions([transaction], now=now):
            return False
        if transaction.postings:
            self.uow.events.append(posted_event(transaction, now=now))
        return True

    async def insert_transactions(self, transactions: Sequence[LedgerTransaction], *, now: datetime) -> set[str]:
        inserted = {tx.key for tx in transactions if tx.key not in self.transactions}
        for tx in transactions:
            self.transactions.setdefault(tx.key, tx)
            self.created_at.setdefault(tx.key, now)
        return inserted

    def balance(self, account_id: str) -> int:
        return sum(
            p.amount_minor for tx in self.transactions.values() for p in tx.postings if p.account_id == account_id
        )

    async def merchant_balances(self, merchant_id: str) -> dict[str, int]:
        return {kind.value: self.balance(merchant_account(merchant_id, kind)) for kind in MerchantAccount}

    async def transactions_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[dict[str, Any]]:
        return [
            {
                "tx_key": tx.key,
                "kind": str(tx.kind),
                "order_id": tx.order_id,
                "description": tx.description,
                "caused_by_event_id": tx.caused_by_event_id,
                "created_at": self.created_at[tx.key].isoformat(),
                "postings": [{"account_id": p.account_id, "amount_minor": p.amount_minor} for p in tx.postings],
            }
            for tx in self.transactions.values()  # in posting order, as the ledger's ids
            if tx.merchant_id == merchant_id and order_id in (None, tx.order_id)
        ]


class FakeLocks:
    def __init__(self, uow: FakeSettlementUnitOfWork) -> None:
        self.uow = uow
        self.taken: list[str] = []
        self.busy_merchants: set[str] = set()  # whose lock another transaction holds

    async def lock_merchant(self, merchant_id: str) -> None:
        self.taken.append(f"merchant:{merchant_id}")

    async def lock_order(self, order_id: str) -> None:
        self.taken.append(f"order:{order_id}")

    async def lock_order_and_merchant(self, order_id: str, merchant_id: str) -> None:
        self.taken += [f"order:{order_id}", f"merchant:{merchant_id}"]

    async def lock_orders(self, order_ids: Sequence[str]) -> None:
        self.taken += [f"order:{order_id}" for order_id in sorted(set(order_ids))]

    async def try_lock_merchants(
        self, merchant_ids: Sequence[str], *, orders: Sequence[str]
    ) -> tuple[set[str], set[str]]:
        locked = set(merchant_ids) - self.busy_merchants
        self.taken += [f"merchant:{merchant}" for merchant in sorted(locked)]
        return locked, {order_id for order_id in orders if self.uow.refunds.has_open(order_id)}


class FakeOrders:
    def __init__(self, uow: FakeSettlementUnitOfWork, orders: Sequence[SettlementOrder]) -> None:
        self.uow = uow
        self.orders = {o.order_id: o for o in orders}

    async def order(self, order_id: str, *, for_update: bool = False) -> SettlementOrder | None:
        return self.orders.get(order_id)

    async def orders_for_sign_off(
        self, order_ids: Sequence[str], sign_off_keys: Sequence[str]
    ) -> tuple[dict[str, SettlementOrder], dict[str, list[PolicyVersion]], set[str]]:
        known = {order_id: self.orders[order_id] for order_id in order_ids if order_id in self.orders}
        merchants = {o.merchant_id for o in known.values()}
        policies = {m: list(self.uow.policies.versions.get(m, [])) for m in merchants}
        posted = {key for key in sign_off_keys if key in self.uow.ledger.transactions}
        return known, policies, posted

    async def save_order(self, order: SettlementOrder) -> None:
        await self.save_orders([order])

    async def save_orders(self, orders: Sequence[SettlementOrder]) -> None:
        self.orders.update({o.order_id: o for o in orders})

    async def orders_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[SettlementOrder]:
        return [
            o for _, o in sorted(self.orders.items()) if o.merchant_id == merchant_id and order_id in (None, o.order_id)
        ]

    async def add_orders_taking_parked(
        self, orders: Sequence[tuple[SettlementOrder, datetime, str]]
    ) -> dict[str, list[dict[str, Any]]]:
        taken: dict[str, list[dict[str, Any]]] = {}
        for new, _, _ in orders:
            if new.order_id in self.orders:
                continue
            self.orders[new.order_id] = new
            parked = self.uow.parked.events
            taken[new.order_id] = [envelope for order_id, envelope, _ in parked if order_id == new.order_id]
            parked[:] = [entry for entry in parked if entry[0] != new.order_id]
        return taken


class FakeParked:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any], str]] = []

    async def park(self, order_id: str, envelope: dict[str, Any], reason: str, *, now: datetime) -> None:
        await self.park_many([(order_id, envelope, reason)], now=now)

    async def park_many(self, parked: Sequence[tuple[str, dict[str, Any], str]], *, now: datetime) -> None:
        known = {envelope["event_id"] for _, envelope, _ in self.events}
        self.events += [entry for entry in parked if entry[1]["event_id"] not in known]


class FakePolicies:
    def __init__(self) -> None:
        self.versions: dict[str, list[PolicyVersion]] = {}  # newest first

    def set(self, policy: MerchantPolicy, *, effective_from: datetime) -> None:
        versions = self.versions.setdefault(policy.merchant_id, [])
        versions.insert(0, PolicyVersion(effective_from, replace(policy, version=len(versions) + 1)))

    async def policy(self, merchant_id: str, at: datetime) -> MerchantPolicy:
        return policy_in_force(self.versions.get(merchant_id, []), merchant_id, at)

    async def policy_versions(self, merchant_ids: Sequence[str]) -> dict[str, list[PolicyVersion]]:
        return {m: list(self.versions[m]) for m in sorted(set(merchant_ids)) if m in self.versions}


class FakeHolds:
    def __init__(self, uow: FakeSettlementUnitOfWork) -> None:
        self.uow = uow
        self.holds: dict[str, HoldRow] = {}

    async def add_holds(self, holds: Sequence[NewHold]) -> None:
        for hold in holds:
            self.holds[hold.hold_id] = HoldRow(**vars(hold))

    async def hold(self, hold_id: str, *, for_update: bool = False) -> HoldRow | None:
        return self.holds.get(hold_id)

    async def claim_due_hold(self, hold_id: str, *, now: datetime) -> DueHold | None:
        hold = self.holds.get(hold_id)
        if hold is None or hold.released_at is not None:
            return None
        refund_open = self.uow.refunds.has_open(hold.order_id)
        if refund_open:
            hold.frozen_at = hold.frozen_at or now
        else:
            hold.released_at = now
        return replace(DueHold.of(hold, "CNY"), refund_open=refund_open)

    async def unreleased_holds(self, order_id: str) -> list[HoldRow]:
        """Latest release first."""
        pending = sorted(
            (h for h in self.holds.values() if h.order_id == order_id and h.released_at is None),
            key=lambda h: h.hold_id,
        )
        return sorted(pending, key=lambda h: h.release_at, reverse=True)

    async def holds_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[HoldRow]:
        return sorted(
            (h for h in self.holds.values() if h.merchant_id == merchant_id and order_id in (None, h.order_id)),
            key=lambda h: h.release_at,
        )

    async def release_facts(self, merchant_id: str) -> ReleaseFacts:
        return (await self.release_facts_of([merchant_id]))[merchant_id]

    async def release_facts_of(self, merchant_ids: Sequence[str]) -> dict[str, ReleaseFacts]:
        uow = self.uow
        facts = {}
        for merchant in sorted(set(merchant_ids)):
            verified = [
                a for a in uow.payouts.accounts.values() if a.merchant_id == merchant and a.status == "verified"
            ]
            account = verified[-1].bank_account_id if verified else None
            facts[merchant] = ReleaseFacts(
                policies=list(uow.policies.versions.get(merchant, [])),
                available_minor=uow.ledger.balance(merchant_account(merchant, MerchantAccount.AVAILABLE)),
                negative_balance_minor=uow.ledger.balance(merchant_account(merchant, MerchantAccount.NEGATIVE_BALANCE)),
                bank_account_id=account,
                paid_to_account_before=account in uow.payouts.paid_accounts,
                risk_flagged=merchant in uow.payouts.flagged,
                has_webhook_endpoint=merchant in uow.notifications.endpoints,
            )
        return facts


def open_refund(refund_id: str, order_id: str = "O-1", merchant_id: str = MERCHANT) -> RefundRow:
    """A refund requested and not ended yet (its order's holds do not release meanwhile)."""
    return RefundRow(
        refund_id=refund_id,
        order_id=order_id,
        merchant_id=merchant_id,
        status="open",
        stage="RefundRequested",
        opened_at=T0,
        updated_at=T0,
    )


class FakeRefunds:
    def __init__(self) -> None:
        self.refunds: dict[str, RefundRow] = {}

    def has_open(self, order_id: str) -> bool:
        return any(r.order_id == order_id and r.status == "open" for r in self.refunds.values())

    async def refund(self, refund_id: str, *, for_update: bool = False) -> RefundRow | None:
        return self.refunds.get(refund_id)

    async def add_refund(self, refund: RefundRow) -> None:
        self.refunds[refund.refund_id] = refund

    async def open_refunds(self, order_id: str) -> list[RefundRow]:
        return [r for r in self.refunds.values() if r.order_id == order_id and r.status == "open"]

    async def refunds_of_merchant(self, merchant_id: str, *, order_id: str | None = None) -> list[RefundRow]:
        return [r for r in self.refunds.values() if r.merchant_id == merchant_id and order_id in (None, r.order_id)]


class FakeProgress:
    """Progress rows as the store writes them (``progress_columns``), by order."""

    def __init__(self) -> None:
        self.rows: dict[str, OrderProgressRow] = {}

    async def progress_for_update(
        self, merchant_by_order: Mapping[str, str], *, now: datetime
    ) -> dict[str, OrderProgressRow]:
        for order_id, merchant in sorted(merchant_by_order.items()):
            self.rows.setdefault(order_id, OrderProgressRow(order_id=order_id, merchant_id=merchant, updated_at=now))
        return {order_id: self.rows[order_id] for order_id in sorted(merchant_by_order)}

    async def add_progress_rows(
        self, progress: Sequence[tuple[OrderProgress, dict[str, Any]]], *, now: datetime
    ) -> set[str]:
        created = set()
        for order, figures in progress:
            if order.order_id not in self.rows:
                self.rows[order.order_id] = OrderProgressRow(
                    order_id=order.order_id,
                    merchant_id=order.merchant_id,
                    **progress_columns(order),
                    figures=figures,
                    bookings={},
                    updated_at=now,
                )
                created.add(order.order_id)
        return created

    async def save_progress(
        self, progress: Sequence[tuple[OrderProgress, dict[str, Any], dict[str, Any]]], *, now: datetime
    ) -> None:
        for order, bookings, figures in progress:
            row = self.rows[order.order_id]
            for column, value in progress_columns(order).items():
                setattr(row, column, value)
            row.bookings, row.figures, row.updated_at = bookings, figures, now

    async def progress_rows(
        self, *, order_id: str | None = None, merchant_id: str | None = None
    ) -> list[OrderProgressRow]:
        return [
            row
            for _, row in sorted(self.rows.items())
            if order_id in (None, row.order_id) and merchant_id in (None, row.merchant_id)
        ]


def verified_account(bank_account_id: str, merchant_id: str) -> BankAccountRow:
    """A verified account (its holder and number unsealed: no unit test opens them)."""
    return BankAccountRow(
        bank_account_id=bank_account_id,
        merchant_id=merchant_id,
        holder_name="深圳市茶叶有限公司",
        bank_name="招商银行",
        account_type="corporate",
        account_number="6225880012345678",
        account_number_last4="5678",
        status="verified",
        verified_at=T0,
        created_at=T0,
    )


class FakeSettlementUnitOfWork(FakeSessionWork):
    """Every repository in memory (each satisfies its Protocol of service_layer/repositories.py);
    events and timers as they would reach the outbox and the timer table."""

    def __init__(self, orders_known: Sequence[SettlementOrder] = ()) -> None:
        super().__init__()
        self.ledger = FakeLedger(self)
        self.locks = FakeLocks(self)
        self.orders = FakeOrders(self, orders_known)
        self.parked = FakeParked()
        self.policies = FakePolicies()
        self.holds = FakeHolds(self)
        self.refunds = FakeRefunds()
        self.progress = FakeProgress()
        self.notifications = FakeNotifications()
        self.payouts = FakePayouts(self.notifications)
        self.approvals = FakeApprovals()


def _is_a_settlementunitofwork(uow: FakeSettlementUnitOfWork) -> SettlementUnitOfWork:
    """mypy (make lint) checks here that the fake still has everything the use cases' Protocol
    asks of storage: a fake that drifts from it fails the lint, not a test run."""
    return uow

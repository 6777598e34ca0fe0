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
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from unit.fake_session_work import FakeSessionWork

from settlement_svc.adapters.repositories.ledger import posted_event
from settlement_svc.adapters.tables import ApplicationRow
from settlement_svc.domain.ledger import LedgerTransaction, MerchantAccount, merchant_account
from settlement_svc.domain.orders import SettlementLine, SettlementOrder
from settlement_svc.domain.policies import MerchantPolicy, PolicyVersion, policy_in_force
from settlement_svc.service_layer.repositories import DueHold, LockedPayout, NewHold, ReleaseFacts
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
        return inserted

    def balance(self, account_id: str) -> int:
        return sum(
            p.amount_minor for tx in self.transactions.values() for p in tx.postings if p.account_id == account_id
        )

    async def merchant_balances(self, merchant_id: str) -> dict[str, int]:
        return {kind.value: self.balance(merchant_account(merchant_id, kind)) for kind in MerchantAccount}


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
        return locked, {order_id for order_id in orders if order_id in self.uow.open_refund_orders}


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

    async def save_orders(self, orders: Sequence[SettlementOrder]) -> None:
        self.orders.update({o.order_id: o for o in orders})

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


class FakeHolds:
    def __init__(self, uow: FakeSettlementUnitOfWork) -> None:
        self.uow = uow
        self.holds: dict[str, NewHold] = {}
        self.released_at: dict[str, datetime] = {}
        self.frozen_at: dict[str, datetime] = {}

    async def add_holds(self, holds: Sequence[NewHold]) -> None:
        for hold in holds:
            self.holds[hold.hold_id] = hold
            if hold.released_at is not None:
                self.released_at[hold.hold_id] = hold.released_at

    async def claim_due_hold(self, hold_id: str, *, now: datetime) -> DueHold | None:
        hold = self.holds.get(hold_id)
        if hold is None or hold_id in self.released_at:
            return None
        refund_open = hold.order_id in self.uow.open_refund_orders
        if refund_open:
            self.frozen_at.setdefault(hold_id, now)
        else:
            self.released_at[hold_id] = now
        return DueHold(
            hold_id=hold.hold_id,
            merchant_id=hold.merchant_id,
            order_id=hold.order_id,
            amount_minor=hold.amount_minor,
            reversed_minor=0,
            policy_version=hold.policy_version,
            signed_off_at=hold.signed_off_at,
            frozen_at=self.frozen_at.get(hold_id),
            currency="CNY",
            refund_open=refund_open,
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
                has_webhook_endpoint=False,
            )
        return facts


class FakeRefunds:
    def __init__(self, uow: FakeSettlementUnitOfWork) -> None:
        self.uow = uow

    async def open_refunds(self, order_id: str) -> list[Any]:
        return [order_id] if order_id in self.uow.open_refund_orders else []


class FakeProgress:
    """Progress rows as plain namespaces with the columns the service layer reads."""

    def __init__(self) -> None:
        self.rows: dict[str, SimpleNamespace] = {}

    async def progress_for_update(self, merchant_by_order: Mapping[str, str], *, now: datetime) -> dict[str, Any]:
        for order_id, merchant in merchant_by_order.items():
            self.rows.setdefault(
                order_id,
                SimpleNamespace(
                    order_id=order_id,
                    merchant_id=merchant,
                    placed_at=None,
                    confirmed_at=None,
                    cancelled_at=None,
                    shipments={},
                    figures={},
                    bookings={},
                ),
            )
        return {order_id: self.rows[order_id] for order_id in merchant_by_order}

    async def save_progress(
        self, progress: Sequence[tuple[Any, dict[str, Any], dict[str, Any]]], *, now: datetime
    ) -> None:
        for moved, bookings, figures in progress:
            row = self.rows[moved.order_id]
            row.bookings, row.figures = bookings, figures
            row.shipments = {shipment_id: vars(shipment) for shipment_id, shipment in moved.shipments.items()}


@dataclass
class FakeAccount:
    bank_account_id: str
    merchant_id: str
    status: str = "verified"


class FakePayouts:
    def __init__(self) -> None:
        self.accounts: dict[str, FakeAccount] = {}
        self.applications: dict[str, ApplicationRow] = {}
        self.vouchers: dict[str, str] = {}  # voucher id -> merchant
        self.paid_accounts: set[str] = set()
        self.flagged: set[str] = set()
        self.payouts: dict[str, LockedPayout] = {}
        self.writes: list[tuple[str, str, bool]] = []  # payout id, status, application changed

    async def application(self, application_id: str, *, for_update: bool = False) -> ApplicationRow | None:
        return self.applications.get(application_id)

    async def add_application(self, application: ApplicationRow) -> None:
        self.applications[application.application_id] = application

    async def add_applications(self, applications: Sequence[ApplicationRow]) -> None:
        for application in applications:
            await self.add_application(application)

    async def bank_account(self, bank_account_id: str) -> FakeAccount | None:
        return self.accounts.get(bank_account_id)

    async def known_vouchers(self, merchant_id: str, voucher_ids: Sequence[str]) -> set[str]:
        return {v for v in voucher_ids if self.vouchers.get(v) == merchant_id}

    async def paid_to_account_before(self, bank_account_id: str) -> bool:
        return bank_account_id in self.paid_accounts

    async def risk_flagged(self, merchant_id: str) -> bool:
        return merchant_id in self.flagged

    async def locked_payout(self, payout_id: str) -> LockedPayout | None:
        payout = self.payouts.get(payout_id)
        return None if payout is None else replace(payout)

    async def write(self, payout: LockedPayout, *, application_changed: bool, now: datetime) -> None:
        self.payouts[payout.payout_id] = replace(payout)
        self.writes.append((payout.payout_id, payout.status, application_changed))


class FakeSettlementUnitOfWork(FakeSessionWork):
    """Every repository in memory (notifications aside: these merchants have no webhook endpoint);
    events and timers as they would reach the outbox and the timer table."""

    def __init__(
        self, orders_known: Sequence[SettlementOrder] = (), open_refund_orders: set[str] | None = None
    ) -> None:
        super().__init__()
        self.open_refund_orders = open_refund_orders if open_refund_orders is not None else set()
        self.ledger = FakeLedger(self)
        self.locks = FakeLocks(self)
        self.orders = FakeOrders(self, orders_known)
        self.parked = FakeParked()
        self.policies = FakePolicies()
        self.holds = FakeHolds(self)
        self.refunds = FakeRefunds(self)
        self.progress = FakeProgress()
        self.payouts = FakePayouts()

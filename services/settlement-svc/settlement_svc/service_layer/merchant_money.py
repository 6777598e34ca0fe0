"""One merchant's money, read once and replayed: its orders, holds, refunds, applications,
payouts and ledger transactions, and the movements of its available money that the lots are
followed through first in, first out (domain/allocation.py). What the ETA read model (eta.py)
and the payout explanation (payout_explanation.py) are derived from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

from settlement_svc.adapters.tables import ApplicationRow, HoldRow, OrderProgressRow, PayoutRow, RefundRow
from settlement_svc.domain.allocation import FifoResult, Movement, OrderLots, allocate_fifo, lots_by_order
from settlement_svc.domain.ledger import MerchantAccount
from settlement_svc.domain.orders import SettlementOrder
from settlement_svc.domain.policies import MerchantPolicy, policy_in_force
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared.ledger_accounts import (
    TransactionKind,
    merchant_accounts_prefix,
)

ALLOCATION_RULE = (
    "Applications take the merchant's available funds, not orders: released order amounts are "
    "assigned to applications first in, first out by release time (a split where an application "
    "ends inside an order's amount); a claw-back deduction is the application's last amounts; "
    "money given back by a rejected application or a failed or returned payout returns to its "
    "place in the queue."
)

# --- the merchant's money, replayed --------------------------------------------------------------


@dataclass
class MerchantMoney:
    """Everything the segments of one merchant's orders are derived from, read once."""

    merchant_id: str
    policy: MerchantPolicy
    orders: dict[str, SettlementOrder]
    progress: dict[str, OrderProgressRow]
    holds: list[HoldRow]
    refunds: list[RefundRow]
    transactions: list[dict[str, Any]]
    applications: dict[str, ApplicationRow]
    payouts: dict[str, PayoutRow]
    fifo: FifoResult = field(default_factory=FifoResult)
    reserve_days_by_hold: dict[str, int] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return merchant_accounts_prefix(self.merchant_id)

    @cached_property
    def transactions_by_key(self) -> dict[str, dict[str, Any]]:
        """Built once: looked up per hold, which over a large merchant's holds was quadratic."""
        return {tx["tx_key"]: tx for tx in self.transactions}

    # Built once, as the replay's lots are (``lots_of``): a merchant's orders are read one by one,
    # and a scan of all its rows per order was quadratic (90 s for a merchant with 5,000 orders).
    @cached_property
    def holds_by_order(self) -> dict[str, list[HoldRow]]:
        return _group_by_order(self.holds, lambda hold: hold.order_id)

    @cached_property
    def refunds_by_order(self) -> dict[str, list[RefundRow]]:
        return _group_by_order(self.refunds, lambda refund: refund.order_id)

    @cached_property
    def transactions_by_order(self) -> dict[str, list[dict[str, Any]]]:
        return _group_by_order(self.transactions, lambda tx: tx["order_id"])

    @cached_property
    def _lots_by_order(self) -> dict[str, OrderLots]:
        return lots_by_order(self.fifo)

    def lots_of(self, order_id: str) -> OrderLots:
        """The order's share of the first-in-first-out replay."""
        return self._lots_by_order.get(order_id) or OrderLots()

    def posting(self, tx: dict[str, Any], account: MerchantAccount) -> int:
        name = f"{self.prefix}{account.value}"
        return sum(p["amount_minor"] for p in tx["postings"] if p["account_id"] == name)


_Row = TypeVar("_Row")


def _group_by_order(rows: Sequence[_Row], order_of: Callable[[_Row], str | None]) -> dict[str, list[_Row]]:
    grouped: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        order_id = order_of(row)
        if order_id is not None:
            grouped[order_id].append(row)
    return dict(grouped)


async def load_merchant_money(
    uow: SettlementUnitOfWork, merchant_id: str, *, now: datetime, order_id: str | None = None
) -> MerchantMoney:
    """The merchant's money, read in a fixed number of queries whatever its size. With
    ``order_id``, the order-level rows (order, progress, holds, refunds) are that order's only;
    the ledger, applications and payouts stay the merchant's, which first-in-first-out needs."""
    applications = {row.application_id: row for row in await uow.payouts.applications_of(merchant_id)}
    payouts = {row.payout_id: row for row in await uow.payouts.payouts_of(merchant_id)}
    holds = await uow.holds.holds_of_merchant(merchant_id, order_id=order_id)
    policies = (await uow.policies.policy_versions([merchant_id])).get(merchant_id, [])
    progress_rows = await uow.progress.progress_rows(merchant_id=merchant_id, order_id=order_id)
    money = MerchantMoney(
        merchant_id=merchant_id,
        policy=policy_in_force(policies, merchant_id, now),
        orders={order.order_id: order for order in await uow.orders.orders_of_merchant(merchant_id, order_id=order_id)},
        progress={row.order_id: row for row in progress_rows},
        holds=holds,
        refunds=await uow.refunds.refunds_of_merchant(merchant_id, order_id=order_id),
        transactions=await uow.ledger.transactions_of_merchant(merchant_id),
        applications=applications,
        payouts=payouts,
    )
    for hold in holds:
        if hold.released_at is not None:  # the reserve days of the policy in force at its sign-off
            money.reserve_days_by_hold[hold.hold_id] = policy_in_force(
                policies, merchant_id, hold.signed_off_at
            ).reserve_days
    money.fifo = allocate_fifo(movements(money))
    return money


def movements(money: MerchantMoney) -> list[Movement]:
    """The merchant's ledger as movements of available and frozen money, in posting order."""
    found = []
    for tx in money.transactions:
        available = money.posting(tx, MerchantAccount.AVAILABLE)
        frozen = money.posting(tx, MerchantAccount.FROZEN)
        if not available and not frozen:
            continue
        at = datetime.fromisoformat(tx["created_at"])
        subject = tx["tx_key"].split(":", 1)[1]
        if tx["kind"] == TransactionKind.APPLY:
            application = money.applications.get(subject)
            clawback = application.clawback_deducted_minor if application else 0
            found.append(Movement(tx["tx_key"], at, available, applies=subject, clawback_minor=clawback))
        elif tx["kind"] == TransactionKind.APPLICATION_REJECTED:
            application = money.applications.get(subject)
            why = f"application {subject} rejected: {application.decision_reason if application else ''}"
            found.append(Movement(tx["tx_key"], at, available, returns=subject, why=why))
        elif tx["kind"] in (TransactionKind.PAYOUT_FAILED, TransactionKind.PAYOUT_RETURNED):
            payout = money.payouts.get(subject)
            what = "failed" if tx["kind"] == TransactionKind.PAYOUT_FAILED else "returned by the bank"
            why = f"payout {subject} {what}: {payout.reason if payout else ''}"
            found.append(
                Movement(tx["tx_key"], at, available, returns=payout.application_id if payout else subject, why=why)
            )
        else:
            found.append(Movement(tx["tx_key"], at, available, frozen, order_id=tx["order_id"]))
    return found

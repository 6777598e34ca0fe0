"""The explanation of a payout: its amount itemised order by order, to the fen, from what the
sign-offs booked (the order-progress projection keeps it) and the merchant's money replayed."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from settlement_svc.domain.ledger import MerchantAccount
from settlement_svc.service_layer.explanations import refunds_and_clawbacks
from settlement_svc.service_layer.merchant_money import ALLOCATION_RULE, MerchantMoney, load_merchant_money
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared.ledger_accounts import (
    PlatformAccount,
    TransactionKind,
    platform_account,
)

_CLEARING = platform_account(PlatformAccount.CLEARING)
_SUBSIDY = platform_account(PlatformAccount.SUBSIDY)
_COMMISSION = platform_account(PlatformAccount.COMMISSION)

# --- explaining a payout ---------------------------------------------------------------------------


def _tx_refs(txs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "tx_key": tx["tx_key"],
            "kind": tx["kind"],
            "caused_by_event_id": tx["caused_by_event_id"],
            "created_at": tx["created_at"],
        }
        for tx in txs
    ]


def _item(kind: str, amount: int, description: str, txs: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "amount_minor": amount, "description": description, "transactions": _tx_refs(txs), **extra}


def order_items(money: MerchantMoney, order_id: str, allocated_minor: int, application_id: str) -> dict[str, Any]:
    """The order's part of one payout, from what its sign-offs booked down to what of it this
    application took. The items up to ``frozen_for_refunds`` sum to the order's money that reached
    available (the ledger's own identity); ``not_in_this_payout`` is the rest of it, elsewhere."""
    txs = money.transactions_by_order.get(order_id, [])
    bookings = money.progress[order_id].bookings if order_id in money.progress else {}
    sign_offs = [tx for tx in txs if tx["kind"] == TransactionKind.SIGN_OFF]
    paid = shipping = subsidy = commission = 0
    for tx in sign_offs:
        booking = bookings.get(tx["tx_key"].split(":", 1)[1])
        cleared = -sum(p["amount_minor"] for p in tx["postings"] if p["account_id"] == _CLEARING)
        tx_subsidy = -sum(p["amount_minor"] for p in tx["postings"] if p["account_id"] == _SUBSIDY)
        tx_commission = sum(p["amount_minor"] for p in tx["postings"] if p["account_id"] == _COMMISSION)
        if booking and booking["paid_minor"] + booking["shipping_minor"] == cleared:
            paid, shipping = paid + booking["paid_minor"], shipping + booking["shipping_minor"]
        else:  # booked before sign-offs were recorded: paid and shipping as the ledger has them, together
            paid += cleared
        subsidy += tx_subsidy
        commission += tx_commission
    refund_txs = [tx for tx in txs if tx["kind"] == TransactionKind.REFUND]
    refunds = sum(
        money.posting(tx, account)
        for tx in refund_txs
        for account in MerchantAccount
        if account is not MerchantAccount.NEGATIVE_BALANCE
    )
    releases = [tx for tx in txs if tx["kind"] == TransactionKind.HOLD_RELEASE]
    reserve_releases = [tx for tx in txs if tx["kind"] == TransactionKind.RESERVE_RELEASE]
    withheld = sum(money.posting(tx, MerchantAccount.RESERVED) for tx in releases)
    reserve_released = sum(money.posting(tx, MerchantAccount.AVAILABLE) for tx in reserve_releases)
    pending = sum(money.posting(tx, MerchantAccount.PENDING) for tx in txs)
    frozen = sum(money.posting(tx, MerchantAccount.FROZEN) for tx in txs)
    items = [
        _item("paid", paid, "what the buyer paid for the goods signed off, after every discount", sign_offs),
        _item("shipping", shipping, "the shipping fee the buyer paid (the merchant's; no commission)", sign_offs),
        _item("platform_subsidy", subsidy, "platform-funded discounts (coupons), paid by the platform", sign_offs),
        _item("commission", -commission, "commission on the line amounts after merchant-funded discounts", sign_offs),
        _item(
            "refunds",
            refunds,
            "refunds taken back from this order's money (claw-backs excluded: see the claw-back deduction)",
            refund_txs,
            refund_events=[tx["caused_by_event_id"] for tx in refund_txs],
        ),
        _item("reserve_withheld", -withheld, "rolling reserve kept back at the hold's release", releases),
        _item("reserve_released", reserve_released, "rolling reserve released", reserve_releases),
        _item(
            "still_in_hold",
            -pending,
            "signed off, still in hold (pending)",
            [tx for tx in txs if money.posting(tx, MerchantAccount.PENDING)],
        ),
        _item(
            "frozen_for_refunds",
            -frozen,
            "frozen against an open refund",
            [tx for tx in txs if money.posting(tx, MerchantAccount.FROZEN)],
        ),
    ]
    reached_available = sum(item["amount_minor"] for item in items)
    elsewhere = allocated_minor - reached_available
    where: dict[str, Any] = {}
    lots = money.lots_of(order_id)
    other_applications: dict[str, int] = {}
    for allocation, lot, _ in lots.allocated:
        if allocation.application_id != application_id and not allocation.returned:
            other_applications[allocation.application_id] = (
                other_applications.get(allocation.application_id, 0) + lot.amount_minor
            )
    if other_applications := {key: amount for key, amount in other_applications.items() if amount}:
        where["other_applications"] = other_applications
    still_available = sum(lot.amount_minor for lot in lots.available)
    if still_available:
        where["still_available"] = still_available
    taken = sum(lot.amount_minor for _, lot in lots.taken_by_other_orders_refunds)
    if taken:
        where["taken_by_refunds_of_other_orders"] = taken
    if lots.own_refunds_covered_by_others_minor:
        where["refunds_covered_by_other_orders_money"] = lots.own_refunds_covered_by_others_minor
    if elsewhere:
        items.append(
            _item(
                "not_in_this_payout",
                elsewhere,
                "this order's money that is not in this payout (first in, first out: see where)",
                [],
                where=where,
            )
        )
    figures = money.progress[order_id].figures if order_id in money.progress else {}
    return {
        "order_id": order_id,
        "allocated_minor": allocated_minor,
        "discounts_by_funder_minor": {
            "merchant": figures.get("merchant_discount_minor"),
            "platform": figures.get("platform_discount_minor"),
        },
        "coupons": figures.get("coupons", []),
        "goods_total_minor": figures.get("goods_total_minor"),
        "booked_by_events": [
            {"shipment_id": key, "event_id": booking["event_id"], "net_minor": booking["net_minor"]}
            for key, booking in bookings.items()
        ],
        "items": [item for item in items if item["amount_minor"] or item["kind"] in ("paid", "commission")],
    }


async def explain_payout(uow: SettlementUnitOfWork, payout_id: str, *, now: datetime) -> dict[str, Any] | None:
    """The payout's amount, order by order (FIFO allocation of its application), less the
    claw-back deduction; the items sum to the payout's amount to the fen (asserted)."""
    payout = await uow.payouts.payout(payout_id)
    if payout is None:
        return None
    application = await uow.payouts.application(payout.application_id)
    assert application is not None
    money = await load_merchant_money(uow, payout.merchant_id, now=now)
    allocation = money.fifo.allocations[application.application_id]
    by_order: dict[str | None, int] = {}
    released_by: dict[str | None, list[str]] = defaultdict(list)
    for lot in allocation.lots:
        by_order[lot.order_id] = by_order.get(lot.order_id, 0) + lot.amount_minor
        released_by[lot.order_id].extend(lot.tx_keys)
    orders = []
    for order_id, amount in by_order.items():
        if order_id is None:
            continue
        explained = order_items(money, order_id, amount, application.application_id)
        explained["released_by"] = sorted(set(released_by[order_id]))
        assert sum(item["amount_minor"] for item in explained["items"]) == amount
        orders.append(explained)
    apply_tx = [tx for tx in money.transactions if tx["tx_key"] == f"apply:{application.application_id}"]
    deductions = [
        d
        for d in refunds_and_clawbacks(money.transactions, money.prefix)["clawback_deductions"]
        if d["application_id"] == application.application_id
    ]
    items = (
        [
            _item(
                "clawback_deduction",
                -application.clawback_deducted_minor,
                "paid back the merchant's negative balance (refunds after payout) before sending",
                apply_tx,
                recovers=[source for d in deductions for source in d["recovers"]],
            )
        ]
        if application.clawback_deducted_minor
        else []
    )
    if by_order.get(None):
        items.append(_item("unattributed", by_order[None], "applied beyond the released order amounts", apply_tx))
    total = sum(order["allocated_minor"] for order in orders) + sum(item["amount_minor"] for item in items)
    # Every fen: the orders' parts less the deduction are exactly what the bank was asked to pay.
    assert total == payout.amount_minor, f"payout {payout_id}: items sum to {total}, not {payout.amount_minor}"
    return {
        "payout_id": payout.payout_id,
        "merchant_id": payout.merchant_id,
        "application_id": application.application_id,
        "status": payout.status,
        "currency": payout.currency,
        "amount_minor": payout.amount_minor,
        "gross_minor": application.amount_minor,
        "paid_at": payout.settled_at.isoformat() if payout.settled_at and payout.status == "paid" else None,
        "orders": orders,
        "items": items,
        "items_total_minor": total,
        "reconciles": total == payout.amount_minor,
        "allocation_rule": ALLOCATION_RULE,
    }

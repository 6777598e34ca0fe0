"""Building blocks of the explanations (a merchant's balance, a payout): refund movements and
claw-back deductions traced back to the refunds that caused the debt. Pure functions over the
ledger's transactions as the repository returns them."""

from __future__ import annotations

from typing import Any

from settlement_svc.domain.ledger import MerchantAccount, TransactionKind
from shipsettle_shared.ledger_accounts import merchant_accounts_prefix

REFUND_KINDS = (TransactionKind.REFUND_FREEZE, TransactionKind.REFUND, TransactionKind.REFUND_UNFREEZE)
NOT_ORDER_SPECIFIC = "not_order_specific"  # the group of transactions without an order (payouts...)


def explain_balances(merchant_id: str, balances: dict[str, int], transactions: list[dict[str, Any]]) -> dict[str, Any]:
    """Every ledger transaction of the merchant grouped by order, each with its cause, its
    description and its effect on each of the merchant's accounts; the groups' per-account sums
    against the balances (``reconciles``); and the refund movements and claw-back deductions."""
    prefix = merchant_accounts_prefix(merchant_id)
    groups: dict[str, dict[str, Any]] = {}
    totals = dict.fromkeys(balances, 0)
    for tx in transactions:
        group = groups.setdefault(tx["order_id"] or NOT_ORDER_SPECIFIC, {"transactions": [], "effect_minor": {}})
        effect = {
            posting["account_id"].removeprefix(prefix): posting["amount_minor"]
            for posting in tx["postings"]
            if posting["account_id"].startswith(prefix)
        }
        group["transactions"].append(
            {key: tx[key] for key in ("kind", "description", "caused_by_event_id", "created_at")}
            | {"effect_minor": effect}
        )
        for account, amount in effect.items():
            group["effect_minor"][account] = group["effect_minor"].get(account, 0) + amount
            totals[account] = totals.get(account, 0) + amount
    return {
        "merchant_id": merchant_id,
        "balances_minor": balances,
        "reconciles": totals == balances,
        "orders": groups,
        **refunds_and_clawbacks(transactions, prefix),
    }


def refunds_and_clawbacks(transactions: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    """Refund movements, and claw-back deductions matched to the refunds that caused the debt
    (first in, first out over the negative balance's postings)."""
    negative = f"{prefix}{MerchantAccount.NEGATIVE_BALANCE.value}"
    refunds: list[dict[str, Any]] = []
    debts: list[dict[str, Any]] = []  # still (partly) owed, oldest first
    deductions: list[dict[str, Any]] = []
    for tx in transactions:
        effect = {
            p["account_id"].removeprefix(prefix): p["amount_minor"]
            for p in tx["postings"]
            if p["account_id"].startswith(prefix)
        }
        owed = -sum(p["amount_minor"] for p in tx["postings"] if p["account_id"] == negative)
        if tx["kind"] in REFUND_KINDS:
            refunds.append(
                {
                    "order_id": tx["order_id"],
                    "refund_id": tx["tx_key"].split(":", 1)[1],
                    "kind": tx["kind"],
                    "description": tx["description"],
                    "caused_by_event_id": tx["caused_by_event_id"],
                    "created_at": tx["created_at"],
                    "effect_minor": effect,
                    "clawback_minor": max(owed, 0),
                }
            )
        if owed > 0:
            debts.append(
                {"order_id": tx["order_id"], "tx_key": tx["tx_key"], "event": tx["caused_by_event_id"], "left": owed}
            )
        elif owed < 0:
            recovered, left, sources = -owed, -owed, []
            while left and debts:
                take = min(left, debts[0]["left"])
                sources.append(
                    {"order_id": debts[0]["order_id"], "caused_by_event_id": debts[0]["event"], "recovered_minor": take}
                )
                debts[0]["left"] -= take
                left -= take
                if not debts[0]["left"]:
                    debts.pop(0)
            deductions.append(
                {
                    "application_id": tx["tx_key"].split(":", 1)[1],
                    "kind": tx["kind"],
                    "description": tx["description"],
                    "created_at": tx["created_at"],
                    "deducted_minor": recovered,
                    "recovers": sources,
                }
            )
    return {"refunds": refunds, "clawback_deductions": deductions}

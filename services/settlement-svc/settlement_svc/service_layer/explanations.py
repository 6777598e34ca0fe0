"""Building blocks of the explanations (a merchant's balance, a payout): refund movements and
claw-back deductions traced back to the refunds that caused the debt. Pure functions over the
ledger's transactions as the repository returns them."""

from __future__ import annotations

from typing import Any

from settlement_svc.domain.ledger import MerchantAccount, TransactionKind

REFUND_KINDS = (TransactionKind.REFUND_FREEZE, TransactionKind.REFUND, TransactionKind.REFUND_UNFREEZE)


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

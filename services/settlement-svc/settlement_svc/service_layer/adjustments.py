"""Adjustments: ops corrects a merchant's balance, with a reason and what it settles (typically a
recon discrepancy). One balanced transaction against the platform's adjustments account:

- a credit adds to available;
- a debit takes from available as far as it goes, and the rest becomes a negative balance that
  the merchant's next settlement application deducts (like a claw-back).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from settlement_svc.domain import postings
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork


async def book_adjustment(
    uow: SettlementUnitOfWork,
    merchant_id: str,
    amount_minor: int,
    *,
    reason: str,
    reference: str | None,
    by: str,
    now: datetime,
) -> dict[str, object]:
    """Returns the adjustment as booked: its transaction key (what recon links a resolution to)
    and the postings."""
    await uow.locks.lock_merchant(merchant_id)
    available = (await uow.ledger.merchant_balances(merchant_id))["available"]
    key = f"adjustment:ADJ-{uuid.uuid4().hex[:16]}"
    booked = postings.adjustment(key, merchant_id, amount_minor, available, by=by, reason=reason, reference=reference)
    await uow.ledger.post(booked, now=now)
    return {
        "tx_key": key,
        "merchant_id": merchant_id,
        "amount_minor": amount_minor,
        "reason": reason,
        "reference": reference,
        "postings": [{"account_id": p.account_id, "amount_minor": p.amount_minor} for p in booked.postings],
    }

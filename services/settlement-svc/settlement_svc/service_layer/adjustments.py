"""Adjustments: ops corrects a merchant's balance, with a reason and what it settles (typically a
recon discrepancy). One balanced transaction against the platform's adjustments account:

- a credit adds to available;
- a debit takes from available as far as it goes, and the rest becomes a negative balance that
  the merchant's next settlement application deducts (like a claw-back).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from settlement_svc.adapters.repository import SettlementRepository
from settlement_svc.domain.ledger import (
    MerchantAccount,
    PlatformAccount,
    TransactionKind,
    merchant_account,
    platform_account,
    transaction,
)


async def book_adjustment(
    session: AsyncSession,
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
    repository = SettlementRepository(session)
    await repository.lock_merchant(merchant_id)
    available = (await repository.merchant_balances(merchant_id))["available"]
    if amount_minor >= 0:
        merchant_side = [(merchant_account(merchant_id, MerchantAccount.AVAILABLE), amount_minor)]
    else:
        from_available = min(available, -amount_minor) if available > 0 else 0
        merchant_side = [
            (merchant_account(merchant_id, MerchantAccount.AVAILABLE), -from_available),
            (merchant_account(merchant_id, MerchantAccount.NEGATIVE_BALANCE), amount_minor + from_available),
        ]
    key = f"adjustment:ADJ-{uuid.uuid4().hex[:16]}"
    booked = transaction(
        key,
        TransactionKind.ADJUSTMENT,
        merchant_id,
        [(platform_account(PlatformAccount.ADJUSTMENTS), -amount_minor), *merchant_side],
        description=f"adjustment by {by}: {reason}" + (f" (settles {reference})" if reference else ""),
    )
    await repository.post(booked, now=now)
    return {
        "tx_key": key,
        "merchant_id": merchant_id,
        "amount_minor": amount_minor,
        "reason": reason,
        "reference": reference,
        "postings": [{"account_id": p.account_id, "amount_minor": p.amount_minor} for p in booked.postings],
    }

"""Vouchers (invoices, logistics documents) a merchant uploads to back its applications: checked
for size and for a content that matches its type (PDF, PNG or JPEG), kept with their hash."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from settlement_svc.adapters.tables import (
    VoucherRow,
)
from settlement_svc.domain.payouts import (
    MAX_VOUCHER_BYTES,
    PayoutRuleViolation,
    voucher_type,
)
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared.domain_errors import Refusal


async def store_voucher(
    uow: SettlementUnitOfWork, merchant_id: str, *, kind: str, declared_type: str, content: bytes, now: datetime
) -> VoucherRow:
    if len(content) > MAX_VOUCHER_BYTES:
        raise PayoutRuleViolation(
            Refusal.RULE, "voucher-too-large", f"vouchers are limited to {MAX_VOUCHER_BYTES} bytes", field="file"
        )
    content_type = voucher_type(content, declared_type)
    if content_type is None:
        raise PayoutRuleViolation(
            Refusal.RULE,
            "voucher-type",
            "a voucher is a PDF, PNG or JPEG file whose content matches its type",
            field="file",
        )
    row = VoucherRow(
        voucher_id=f"V-{uuid.uuid4().hex[:12]}",
        merchant_id=merchant_id,
        kind=kind,
        content_type=content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_at=now,
    )
    await uow.payouts.add_voucher(row)
    return row

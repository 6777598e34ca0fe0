"""The bodies refund-svc's routes answer, as their OpenAPI documents them (``answers(...)``).

The handlers build these bodies as dicts (``quote_view``, ``refund_view``, the SLA page) and send
them as built; each model here says what its dict holds. Money is in fen (``_minor``; ``refund``
also as a decimal string), times ISO 8601 with their offset. The records a refund keeps of a
step (its inspection, balance credit, resolution, a history entry's detail) stay objects of any
members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from refund_svc.domain.amounts import RefundKind
from refund_svc.domain.workflow import RefundStatus
from shipsettle_shared.pagination import Page


class QuoteLine(BaseModel):
    line_id: str
    units: int
    paid_minor: int
    platform_subsidy_reversed_minor: int
    commission_base_reversed_minor: int


class RefundAmounts(BaseModel):
    currency: str
    lines: list[QuoteLine]
    goods_minor: int
    shipping_minor: int
    refund_minor: int = Field(description="what the buyer gets: goods and shipping")
    refund: str = Field(description="refund_minor as a decimal string in the currency, e.g. '128.00'")
    platform_subsidy_reversed_minor: int
    commission_base_reversed_minor: int
    merchant_charge_before_commission_minor: int
    explanation: str


class RefundQuotePublic(RefundAmounts):
    order_id: str
    kind: RefundKind


class ReturnShipmentPublic(BaseModel):
    return_shipment_id: str
    carrier_code: str | None
    tracking_number: str | None


class RefundHistoryEntry(BaseModel):
    at: datetime
    action: str
    actor: str = Field(description="the key id (or timer) that took the step")
    status: RefundStatus = Field(description="the refund's status after it")
    detail: dict[str, Any]


class RefundPublic(BaseModel):
    refund_id: str
    order_id: str
    merchant_id: str
    kind: RefundKind
    reason_code: str
    reason: str
    status: RefundStatus
    outcome: str | None = Field(description="completed, rejected, withdrawn, inspection_failed or closed_by_ops")
    amounts: RefundAmounts
    requested_at: datetime
    waiting_for: str | None = Field(description="whose move it is: merchant, buyer, ops, provider, platform")
    deadline_at: datetime | None
    seconds_left: int | None = Field(description="until the deadline; negative: overdue")
    approved_how: str | None
    rejection_reason: str | None
    return_shipment: ReturnShipmentPublic | None
    inspection: dict[str, Any] | None = Field(description="the merchant's inspection: passed, reason, evidence")
    attempt: int = Field(description="the provider attempts (or balance credits) made so far")
    provider_reference: str | None
    failure_reason: str | None
    failure_permanent: bool = Field(description="no retry can fix it: ops settle it with /resolution")
    beneficiary_channel: str | None
    balance_credit: dict[str, Any] | None = Field(
        description="a balance (余额) refund's open or answered credit: credit_id, answer_by, ..."
    )
    refunded_via: str | None
    resolution: dict[str, Any] | None = Field(description="ops' way out of a failure: how, who, why")
    breaching: bool
    closed_at: datetime | None


class RefundWithHistory(RefundPublic):
    history: list[RefundHistoryEntry] = Field(description="every step, oldest first")


class OpenRefund(BaseModel):
    refund_id: str
    order_id: str
    merchant_id: str
    status: RefundStatus
    waiting_for: str | None
    age_seconds: int
    deadline_at: datetime | None
    seconds_left: int | None
    refund_minor: int
    failure_reason: str | None
    breaching: bool


class RefundSla(Page[OpenRefund]):
    as_of: datetime
    open: int = Field(description="every open refund in scope, on every page")
    breaching: int
    by_waiting_for: dict[str, int]

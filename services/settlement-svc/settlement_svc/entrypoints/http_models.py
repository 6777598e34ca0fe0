"""The bodies settlement-svc's routes answer, as their OpenAPI documents them (``answers(...)``).

The handlers (and the progress and explanation read models behind them) build these bodies as
dicts and send them as built; each model here says what its dict holds. Money is in fen
(``_minor``), times ISO 8601 with their offset, dates (``expected_date``) in China time. Where a
member is the free-form record of an event (a notification's payload, a blocker's detail, a
coupon as the order was priced) it stays an object of any members."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from settlement_svc.domain.policies import SettlementCycle
from settlement_svc.domain.progress import Blocker
from shipsettle_shared.pagination import Page

ALLOCATION_RULE = "how released order amounts are assigned to settlement applications (first in, first out)"


class PolicyPublic(BaseModel):
    merchant_id: str
    version: int = Field(description="0: the platform default, never stored")
    hold_days: int
    cycle: SettlementCycle
    min_payout_minor: int
    reserve_bp: int
    reserve_days: int
    default_commission_bp: int
    commission_bp_by_category: dict[str, int]
    auto_apply: bool


class BalancesPublic(BaseModel):
    merchant_id: str
    currency: str
    balances_minor: dict[str, int] = Field(
        description="by merchant account: pending, available, reserve, in_payout, paid_out, negative_balance"
    )
    frozen_minor: int = Field(description="available money held against open refunds (冻结)")
    owed_minor: int = Field(description="what the merchant owes back (the negative balance, as a positive figure)")


class PostingPublic(BaseModel):
    account_id: str
    amount_minor: int


class LedgerTransactionPublic(BaseModel):
    tx_key: str
    kind: str
    order_id: str | None
    description: str
    caused_by_event_id: str | None
    created_at: datetime
    postings: list[PostingPublic]


class LedgerPage(Page[LedgerTransactionPublic]):
    merchant_id: str


class ExplainedTransaction(BaseModel):
    kind: str
    description: str
    caused_by_event_id: str | None
    created_at: datetime
    effect_minor: dict[str, int] = Field(description="the change of each merchant account")


class ExplainedGroup(BaseModel):
    transactions: list[ExplainedTransaction]
    effect_minor: dict[str, int]


class RefundMovement(BaseModel):
    order_id: str | None
    refund_id: str
    kind: str = Field(description="refund_freeze, refund or refund_unfreeze")
    description: str
    caused_by_event_id: str | None
    created_at: datetime
    effect_minor: dict[str, int]
    clawback_minor: int = Field(description="what of it became a negative balance (paid out already)")


class RecoveredDebt(BaseModel):
    order_id: str | None
    caused_by_event_id: str | None
    recovered_minor: int


class ClawbackDeduction(BaseModel):
    application_id: str
    kind: str
    description: str
    created_at: datetime
    deducted_minor: int
    recovers: list[RecoveredDebt]


class BalanceExplanation(BaseModel):
    merchant_id: str
    balances_minor: dict[str, int]
    reconciles: bool = Field(description="the groups' per-account sums equal the balances")
    orders: dict[str, ExplainedGroup] = Field(description="by order id; not_order_specific for the rest")
    refunds: list[RefundMovement]
    clawback_deductions: list[ClawbackDeduction]


class OrderLineSettlement(BaseModel):
    quantity: int
    units_signed_off: int
    units_refunded: int


class HoldPublic(BaseModel):
    hold_id: str
    shipment_id: str
    amount_minor: int
    reversed_minor: int
    policy_version: int
    release_at: datetime
    released_at: datetime | None
    frozen_at: datetime | None


class OrderRefundSettlement(BaseModel):
    refund_id: str
    status: str
    stage: str
    kind: str
    refund_minor: int | None = Field(description="null until settlement learns the refund's amount")
    estimated_reversal_minor: int
    frozen_minor: int = Field(description="available money frozen for it now")
    reversal_minor: int | None = Field(description="what its completion took back; null until it completes")
    clawback_minor: int = Field(description="the part of the reversal that went to the negative balance")
    outcome: str | None


class OrderSettlementPublic(BaseModel):
    order_id: str
    merchant_id: str
    lines: dict[str, OrderLineSettlement] = Field(description="by order line id")
    shipping_refunded_minor: int
    commission_booked_minor: int
    commission_reversed_minor: int
    holds: list[HoldPublic]
    refunds: list[OrderRefundSettlement]
    transactions: list[LedgerTransactionPublic]


class BlockerAmount(BaseModel):
    blocker: Blocker
    amount_minor: int
    until: str | None = Field(default=None, description="in_hold_until only: the earliest release")
    reason: str | None = Field(default=None, description="payout_failed only: the bank's reason")


class EtaSegment(BaseModel):
    blocker: Blocker
    amount_minor: int
    expected_at: datetime | None
    expected_date: date | None
    detail: dict[str, Any] = Field(description="what the blocker needs, e.g. until, delivered_at, review_flags")
    assumptions: list[str]


class OrderProgressFacts(BaseModel):
    placed_at: datetime | None
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    shipments: dict[str, Any] = Field(description="each parcel's tracking as settlement learnt it, by shipment id")


class SettlementEta(BaseModel):
    order_id: str
    merchant_id: str
    currency: str
    state: Blocker = Field(description="the earliest blocker, or paid_out / refunded when nothing blocks")
    blockers: list[BlockerAmount]
    expected_at: datetime | None
    expected_date: date | None
    segments: list[EtaSegment]
    progress: OrderProgressFacts | None
    allocation_rule: str = Field(description=ALLOCATION_RULE)


class BlockerTotal(BaseModel):
    blocker: Blocker
    orders: int
    order_ids: list[str]
    amount_minor: int
    earliest_expected_at: datetime | None
    earliest_expected_date: date | None


class SettlementBlockers(BaseModel):
    merchant_id: str
    currency: str
    blockers: list[BlockerTotal]
    finished: list[BlockerTotal] = Field(description="paid_out and refunded")
    orders_by_state: dict[str, int]
    allocation_rule: str = Field(description=ALLOCATION_RULE)


class OrderSettlementState(BaseModel):
    order_id: str
    state: Blocker
    blockers: list[Blocker]
    expected_at: datetime | None
    expected_date: date | None


class SettlementStates(BaseModel):
    merchant_id: str
    orders: list[OrderSettlementState]
    allocation_rule: str = Field(description=ALLOCATION_RULE)


class TransactionRef(BaseModel):
    tx_key: str
    kind: str
    caused_by_event_id: str | None
    created_at: datetime


class PayoutItem(BaseModel):
    kind: str = Field(
        description="paid, shipping, platform_subsidy, commission, refunds, reserve_withheld, reserve_released, "
        "frozen_for_refunds, not_in_this_payout, clawback_deduction, unattributed, ..."
    )
    amount_minor: int
    description: str
    transactions: list[TransactionRef]
    recovers: list[RecoveredDebt] | None = Field(default=None, description="clawback_deduction only")
    refund_events: list[str | None] | None = Field(
        default=None, description="refunds only: the refund events behind the reversals"
    )
    where: dict[str, int | dict[str, int]] | None = Field(
        default=None,
        description="not_in_this_payout only: other_applications (by id), still_available, "
        "taken_by_refunds_of_other_orders, refunds_covered_by_other_orders_money",
    )


class DiscountsByFunder(BaseModel):
    merchant: int | None
    platform: int | None


class BookingRef(BaseModel):
    shipment_id: str
    event_id: str
    net_minor: int


class PayoutOrder(BaseModel):
    order_id: str
    allocated_minor: int = Field(description="what of this payout the order's released money makes up")
    discounts_by_funder_minor: DiscountsByFunder
    coupons: list[dict[str, Any]] = Field(description="the order's coupons as it was priced")
    goods_total_minor: int | None
    booked_by_events: list[BookingRef]
    items: list[PayoutItem]
    released_by: list[str] = Field(description="the ledger transactions that released it")


class PayoutExplanation(BaseModel):
    payout_id: str
    merchant_id: str
    application_id: str
    status: str
    currency: str
    amount_minor: int = Field(description="net: what the bank was asked to pay")
    gross_minor: int
    paid_at: datetime | None
    orders: list[PayoutOrder]
    items: list[PayoutItem] = Field(description="what is not of one order: the claw-back deduction, unattributed")
    items_total_minor: int
    reconciles: bool
    allocation_rule: str = Field(description=ALLOCATION_RULE)


class BalanceDrift(BaseModel):
    account_id: str
    from_postings: int
    maintained: int


class ParkedEventPublic(BaseModel):
    order_id: str | None
    event_type: str
    reason: str
    parked_at: datetime


class LedgerCheck(BaseModel):
    ok: bool
    unbalanced_transactions: list[str] = Field(description="tx keys whose postings do not sum to zero")
    balances_differing_from_postings: list[BalanceDrift]
    parked_events: list[ParkedEventPublic]


class BankAccountPublic(BaseModel):
    bank_account_id: str
    holder_name: str
    bank_name: str
    account_type: str
    account_number_masked: str = Field(description="**** and the last four digits")
    status: str = Field(description="unverified or verified")


class VoucherPublic(BaseModel):
    voucher_id: str
    kind: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime


class ApplicationPublic(BaseModel):
    application_id: str
    merchant_id: str
    bank_account_id: str
    amount_minor: int = Field(description="gross: taken from available")
    clawback_deducted_minor: int = Field(description="paid back to the platform first")
    net_minor: int = Field(description="sent to the bank")
    currency: str
    status: str
    review_reasons: list[str]
    voucher_ids: list[str]
    decided_by: str | None
    decision_reason: str | None
    payout_id: str | None
    created_at: datetime


class PayoutPublic(BaseModel):
    payout_id: str
    batch_id: str
    application_id: str
    amount_minor: int = Field(description="net: what the bank is asked to pay")
    gross_minor: int
    clawback_deducted_minor: int
    currency: str
    status: str
    provider_reference: str | None
    reason: str | None


class MerchantWebhookEndpoint(BaseModel):
    merchant_id: str
    url: str
    secret: str = Field(description="the Standard Webhooks signing secret, shown once")


class PlatformWebhookEndpoint(BaseModel):
    url: str
    secret: str = Field(description="the Standard Webhooks signing secret, shown once")


class DeliveryAttempt(BaseModel):
    attempted_at: datetime
    status_code: int | None
    error: str | None


class NotificationPublic(BaseModel):
    notification_id: str
    event_type: str
    payload: dict[str, Any] = Field(description="the notification's data as sent")
    delivered_at: datetime | None
    gave_up_at: datetime | None
    awaiting_endpoint_since: datetime | None
    attempts: list[DeliveryAttempt]

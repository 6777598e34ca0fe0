"""Every topic and every event schema of ShipSettle, in one place.

Services import from here and never restate a topic name or a payload shape. Producers
validate strictly (unknown fields are an error); consumers read tolerantly with
``read_payload`` (unknown fields are ignored). Within a schema version changes are additive
only; ``tests/contract/test_event_contracts.py`` fails a breaking change against the recorded
snapshot.

Keys: everything about one order is keyed by the order id so it lands in one partition, in
order; payouts are keyed by merchant id; access keys by key id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class Topic(StrEnum):
    ORDER = "order.events"
    SHIPMENT = "shipment.events"
    SETTLEMENT = "settlement.events"
    REFUND = "refund.events"
    PAYOUT = "payout.events"
    ACCESS = "access.events"
    TRACKING = "tracking.events"
    LEDGER = "ledger.events"
    RECON = "recon.events"
    DIAGNOSTICS = "diagnostics.events"
    DEAD_LETTER = "deadletter.events"
    AUDIT = "audit.events"


@dataclass(frozen=True)
class TopicSpec:
    topic: Topic
    partitions: int
    keyed_by: str


# Partition counts are stated, never left to the broker: they bound how many instances of a
# consumer group can share the work (12 leaves room to scale a hot stage to 12 processes).
TOPIC_SPECS: tuple[TopicSpec, ...] = (
    TopicSpec(Topic.ORDER, 12, "order_id"),
    TopicSpec(Topic.SHIPMENT, 12, "order_id"),
    TopicSpec(Topic.SETTLEMENT, 12, "order_id"),
    TopicSpec(Topic.REFUND, 12, "order_id"),
    TopicSpec(Topic.PAYOUT, 6, "merchant_id"),
    TopicSpec(Topic.ACCESS, 3, "key_id"),
    # logistics-internal: accepted carrier webhooks, processed behind the acknowledgement
    TopicSpec(Topic.TRACKING, 12, "tracking_number"),
    # every settlement ledger transaction, for recon's statements and live invariants
    TopicSpec(Topic.LEDGER, 12, "merchant_id"),
    TopicSpec(Topic.RECON, 6, "order_id"),
    TopicSpec(Topic.DIAGNOSTICS, 6, "probe_id"),
    TopicSpec(Topic.DEAD_LETTER, 3, "original key"),
    # every service's audit-chain heads, kept by recon (audit.py)
    TopicSpec(Topic.AUDIT, 3, "chain"),
)


def partitions_of(topic: Topic) -> list[int]:
    """The partition numbers of ``topic`` as created by ``topics ensure``."""
    for spec in TOPIC_SPECS:
        if spec.topic == topic:
            return list(range(spec.partitions))
    raise KeyError(topic)


class EventPayload(BaseModel):
    """Base of every event payload. Strict for producers: a typo in a field is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    topic: ClassVar[Topic]
    aggregate_type: ClassVar[str]

    def aggregate_id(self) -> str:
        raise NotImplementedError


class OrderEvent(EventPayload):
    """An event about one order: keyed by the order id, so everything about an order lands in
    one partition, in order."""

    aggregate_type: ClassVar[str] = "order"

    def aggregate_id(self) -> str:
        return self.order_id  # type: ignore[attr-defined, no-any-return]


class Role(StrEnum):
    PLATFORM = "platform"
    MERCHANT = "merchant"
    OPS = "ops"
    AUDITOR = "auditor"
    CARRIER = "carrier"


# --- access: API keys, issued by order-svc and replicated into every service -------------


class ApiKeyIssued(EventPayload):
    event_type: ClassVar[str] = "ApiKeyIssued"
    topic: ClassVar[Topic] = Topic.ACCESS
    aggregate_type: ClassVar[str] = "api_key"

    key_id: str
    secret_hash: str = Field(description="HMAC-SHA256 of the secret with the deployment pepper, hex")
    role: Role
    merchant_id: str | None = None
    carrier_code: str | None = None
    label: str

    def aggregate_id(self) -> str:
        return self.key_id


class ApiKeyRevoked(EventPayload):
    event_type: ClassVar[str] = "ApiKeyRevoked"
    topic: ClassVar[Topic] = Topic.ACCESS
    aggregate_type: ClassVar[str] = "api_key"

    key_id: str
    reason: str

    def aggregate_id(self) -> str:
        return self.key_id


# --- diagnostics: a probe that crosses the bus, used as a canary by ops and by bench-bus ---


class BusProbeSent(EventPayload):
    """An ops canary: one service sends it, the target service records its arrival.

    It exercises the whole path a business event takes (outbox, relay, Kafka, consumer,
    inbox) without touching money, so ops can check the bus in production.
    """

    event_type: ClassVar[str] = "BusProbeSent"
    topic: ClassVar[Topic] = Topic.DIAGNOSTICS
    aggregate_type: ClassVar[str] = "bus_probe"

    probe_id: str
    target_service: str
    sent_by: str
    note: str = ""

    def aggregate_id(self) -> str:
        return self.probe_id


# --- audit: each service's audit-chain head, kept by recon (audit.py) -------------------------


class AuditChainHeadPublished(EventPayload):
    """A service's audit chain as it stands: its last row (``seq``, ``row_hash``), and the row it
    published last (``anchor_seq``) with that row's hash now (``anchor_hash``). Recon keeps the
    heads; an anchor hash that differs from the head recon kept at that row shows the chain was
    rewritten between two publications."""

    event_type: ClassVar[str] = "AuditChainHeadPublished"
    topic: ClassVar[Topic] = Topic.AUDIT
    aggregate_type: ClassVar[str] = "audit_chain"

    chain: str = Field(description="<service>:<database>, one chain per service database")
    service: str
    seq: int = Field(ge=1)
    row_hash: str = Field(pattern="^[0-9a-f]{64}$")
    anchor_seq: int | None = Field(default=None, ge=1, description="the head published before this one")
    anchor_hash: str | None = Field(default=None, pattern="^[0-9a-f]{64}$")
    head_at: datetime = Field(description="when the head row was written")

    def aggregate_id(self) -> str:
        return self.chain


# --- orders (order-svc) ---------------------------------------------------------------


class Consignee(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    mobile: str
    province: str
    city: str
    district: str
    address_line: str
    postal_code: str


class SealedConsignee(BaseModel):
    """A consignee on the bus (minimum necessary, issue 20): province and city in clear, the
    whole consignee sealed (field_crypto.seal_for_transit) under a data key of its own, wrapped
    under a KEK of the keyring (``kek_id``). Only logistics opens it (it needs the address to
    dispatch) and keeps it sealed under its own buyer key; every other consumer ignores it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    province: str
    city: str
    kek_id: str
    key_id: str
    wrapped_key: str = Field(description="the data key, wrapped under kek_id (base64url)")
    sealed: str = Field(description="pii1:<key id>:<nonce and ciphertext>; context events/<order id>/consignee")


class PricedLine(BaseModel):
    """One line as priced by order-svc: everything settlement, refunds and recon need."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    line_id: str
    sku: str
    name: str
    spec: str
    category: str
    quantity: int
    unit_price_minor: int
    vat_rate_bp: int
    line_amount_minor: int
    merchant_discount_minor: int
    platform_discount_minor: int
    paid_amount_minor: int = Field(description="what the buyer paid for the line (shipping excluded)")
    sales_amount_minor: int = Field(description="tax-inclusive sales: line amount less merchant-funded discounts")
    vat_minor: int
    commission_base_minor: int


class AppliedCoupon(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    coupon_id: str
    kind: str
    funded_by: str
    discount_minor: int
    allocation_minor: dict[str, int] = Field(description="line id -> fen of this coupon's discount")


class PaymentCollected(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: str
    transaction_id: str
    amount_minor: int
    paid_at: datetime


class OrderPlaced(OrderEvent):
    """An order was placed and paid, with its full priced breakdown (SPEC section 2, step 1).

    Version 2 carries no consignee (version 1 did, in clear): no consumer needs it before the
    shipping information is confirmed, and ShippingInfoConfirmed carries it, sealed, to logistics."""

    event_type: ClassVar[str] = "OrderPlaced"
    schema_version: ClassVar[int] = 2
    topic: ClassVar[Topic] = Topic.ORDER

    order_id: str
    merchant_id: str
    buyer_ref: str
    currency: str
    placed_at: datetime
    lines: list[PricedLine]
    coupons: list[AppliedCoupon]
    goods_total_minor: int
    merchant_discount_minor: int
    platform_discount_minor: int = Field(description="the platform's subsidy, paid to the merchant on settlement")
    shipping_fee_minor: int
    payable_minor: int
    vat_minor: int
    payment: PaymentCollected

    def aggregate_id(self) -> str:
        return self.order_id


class ShippingItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    line_id: str
    quantity: int
    spec: str


class ShippingInfoConfirmed(OrderEvent):
    """核对发货信息: consignee, address, quantities and specs checked; dispatch may follow.
    Version 2: the consignee sealed (version 1 carried it in clear), and the buyer it belongs to."""

    event_type: ClassVar[str] = "ShippingInfoConfirmed"
    schema_version: ClassVar[int] = 2
    topic: ClassVar[Topic] = Topic.ORDER

    order_id: str
    merchant_id: str
    buyer_ref: str
    consignee_sealed: SealedConsignee
    items: list[ShippingItem]
    confirmed_by: str
    confirmed_at: datetime

    def aggregate_id(self) -> str:
        return self.order_id


class ShippingInfoCorrected(OrderEvent):
    """Version 2: the consignee sealed (version 1 carried it in clear), and its buyer."""

    event_type: ClassVar[str] = "ShippingInfoCorrected"
    schema_version: ClassVar[int] = 2
    topic: ClassVar[Topic] = Topic.ORDER

    order_id: str
    merchant_id: str
    buyer_ref: str
    consignee_sealed: SealedConsignee
    changed_fields: list[str]
    reason: str
    corrected_by: str
    corrected_at: datetime

    def aggregate_id(self) -> str:
        return self.order_id


class BuyerErased(EventPayload):
    """A buyer's personal data was erased (crypto-shredding, issue 20): order-svc destroyed its
    data key of the buyer, and every service keeping the buyer's data sealed destroys its own
    (logistics-svc). No money figure changes. ``how``: ``request`` (an ops erasure, four eyes)
    or ``retention`` (every order of the buyer completed longer ago than the retention period).
    Keyed by the buyer, on the order topic (its only readers read it already)."""

    event_type: ClassVar[str] = "BuyerErased"
    topic: ClassVar[Topic] = Topic.ORDER
    aggregate_type: ClassVar[str] = "buyer"

    buyer_ref: str
    how: str = Field(description="request or retention")
    erased_at: datetime

    def aggregate_id(self) -> str:
        return self.buyer_ref


class OrderCancelled(OrderEvent):
    """Cancelled before dispatch; refund-svc turns it into a full refund of ``refund_minor``."""

    event_type: ClassVar[str] = "OrderCancelled"
    topic: ClassVar[Topic] = Topic.ORDER

    order_id: str
    merchant_id: str
    currency: str
    refund_minor: int
    reason: str
    cancelled_by: str
    cancelled_at: datetime

    def aggregate_id(self) -> str:
        return self.order_id


# --- shipments (logistics-svc) ----------------------------------------------------------


class ShipmentLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    line_id: str
    quantity: int


class ShipmentDispatched(OrderEvent):
    """A parcel left the merchant with a carrier and tracking number (物流单号)."""

    event_type: ClassVar[str] = "ShipmentDispatched"
    topic: ClassVar[Topic] = Topic.SHIPMENT

    order_id: str
    merchant_id: str
    shipment_id: str
    carrier_code: str
    tracking_number: str
    lines: list[ShipmentLine]
    dispatched_at: datetime

    def aggregate_id(self) -> str:
        return self.order_id


class TrackingNumberCorrected(OrderEvent):
    event_type: ClassVar[str] = "TrackingNumberCorrected"
    topic: ClassVar[Topic] = Topic.SHIPMENT

    order_id: str
    merchant_id: str
    shipment_id: str
    carrier_code: str
    old_tracking_number: str
    tracking_number: str
    corrected_at: datetime

    def aggregate_id(self) -> str:
        return self.order_id


class ShipmentStatusChanged(OrderEvent):
    """The normalised tracking status moved (揽收/在途/派件/签收/疑难/退签/exception/lost)."""

    event_type: ClassVar[str] = "ShipmentStatusChanged"
    topic: ClassVar[Topic] = Topic.SHIPMENT

    order_id: str
    merchant_id: str
    shipment_id: str
    tracking_number: str
    previous_status: str
    status: str
    scan_time: datetime = Field(description="event time of the newest scan applied")
    description: str
    location: str
    direction: str = Field(default="outbound", description="outbound | return (a buyer's parcel back to the merchant)")

    def aggregate_id(self) -> str:
        return self.order_id


class OrderSignedOff(OrderEvent):
    """签收 / 确认收货 of one shipment (an order shipped in parts signs off part by part).

    Settlement releases nothing for an order's lines before this event, and then only the
    quantities it names. Emitted exactly once per shipment.
    """

    event_type: ClassVar[str] = "OrderSignedOff"
    topic: ClassVar[Topic] = Topic.SHIPMENT

    order_id: str
    merchant_id: str
    shipment_id: str
    how: str = Field(description="buyer_confirmed | auto_confirmed")
    signed_off_at: datetime
    lines: list[ShipmentLine]
    order_fully_signed_off: bool = Field(description="every ordered unit is now signed off")

    def aggregate_id(self) -> str:
        return self.order_id


class ShipmentStale(OrderEvent):
    """No carrier movement for longer than the platform allows: an alert for ops."""

    event_type: ClassVar[str] = "ShipmentStale"
    topic: ClassVar[Topic] = Topic.SHIPMENT

    order_id: str
    merchant_id: str
    shipment_id: str
    tracking_number: str
    status: str
    last_movement_at: datetime
    stale_after_hours: int

    def aggregate_id(self) -> str:
        return self.order_id


class ShipmentFlagged(OrderEvent):
    """logistics flagged a shipment for ops, e.g. ``delivered-before-dispatch``: the carrier
    reported the tracking number delivered before this parcel was dispatched (a number used
    before). While a flag that ``blocks_sign_off`` is open the shipment is not signed off
    automatically; ShipmentFlagCleared ends it."""

    event_type: ClassVar[str] = "ShipmentFlagged"
    topic: ClassVar[Topic] = Topic.SHIPMENT

    order_id: str
    merchant_id: str
    shipment_id: str
    carrier_code: str
    tracking_number: str
    flag: str
    message: str
    blocks_sign_off: bool
    flagged_at: datetime

    def aggregate_id(self) -> str:
        return self.order_id


class ShipmentFlagCleared(OrderEvent):
    """Ops checked a flagged shipment and cleared the flag (who and why are kept)."""

    event_type: ClassVar[str] = "ShipmentFlagCleared"
    topic: ClassVar[Topic] = Topic.SHIPMENT

    order_id: str
    merchant_id: str
    shipment_id: str
    flag: str
    cleared_by: str
    reason: str
    cleared_at: datetime

    def aggregate_id(self) -> str:
        return self.order_id


class ReceivedScan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str
    occurred_at: datetime
    description: str = ""
    location: str = ""
    raw_status: str = ""


class CarrierScansReceived(EventPayload):
    """A carrier webhook was verified and stored; logistics applies its scans behind the ack."""

    event_type: ClassVar[str] = "CarrierScansReceived"
    topic: ClassVar[Topic] = Topic.TRACKING
    aggregate_type: ClassVar[str] = "tracking_number"

    source: str
    delivery_id: str
    tracking_number: str
    vendor_carrier_code: str | None = None
    scans: list[ReceivedScan]
    carrier_code: str | None = Field(
        default=None,
        description="ours, when the endpoint says whose scans these are (the native endpoint's path carrier, "
        "authenticated by its secret); null for aggregators, whose vendor_carrier_code is mapped through the "
        "carrier registry",
    )

    def aggregate_id(self) -> str:
        return self.tracking_number


# --- settlement (settlement-svc) --------------------------------------------------------


class SettlementPending(OrderEvent):
    """A sign-off was booked: the merchant's net for those units is pending until ``release_at``."""

    event_type: ClassVar[str] = "SettlementPending"
    topic: ClassVar[Topic] = Topic.SETTLEMENT

    order_id: str
    merchant_id: str
    shipment_id: str
    hold_id: str
    currency: str
    paid_minor: int
    shipping_minor: int
    subsidy_minor: int
    commission_minor: int
    net_minor: int
    release_at: datetime
    policy_version: int

    def aggregate_id(self) -> str:
        return self.order_id


class FundsReleased(OrderEvent):
    """A hold ended: the amount moved from pending to available (less any rolling reserve)."""

    event_type: ClassVar[str] = "FundsReleased"
    topic: ClassVar[Topic] = Topic.SETTLEMENT

    order_id: str
    merchant_id: str
    hold_id: str
    currency: str
    released_minor: int
    available_minor: int
    reserved_minor: int
    released_at: datetime

    def aggregate_id(self) -> str:
        return self.order_id


# --- refunds (refund-svc) ---------------------------------------------------------------


class RefundLine(BaseModel):
    """Units of one order line being refunded, with their share of the line's figures.

    ``paid_minor`` and ``subsidy_minor`` are those units' allocated paid amount and platform
    subsidy (largest remainder over the line's units, refunds taking the line's last units);
    settlement reverses commission on ``commission_base_minor`` at the rate it booked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    line_id: str
    units: int
    paid_minor: int
    subsidy_minor: int
    commission_base_minor: int


class RefundRequested(OrderEvent):
    """A refund was opened: settlement freezes the amount, logistics pauses auto-confirm."""

    event_type: ClassVar[str] = "RefundRequested"
    topic: ClassVar[Topic] = Topic.REFUND

    order_id: str
    merchant_id: str
    refund_id: str
    kind: str = Field(description="cancellation | refund_only | return_and_refund")
    currency: str
    lines: list[RefundLine]
    shipping_minor: int = Field(description="shipping fee refunded under the kind's rule")
    refund_minor: int = Field(description="what the buyer gets back: the lines' paid amounts plus shipping")
    reason: str
    requested_at: datetime


class RefundApproved(OrderEvent):
    event_type: ClassVar[str] = "RefundApproved"
    topic: ClassVar[Topic] = Topic.REFUND

    order_id: str
    merchant_id: str
    refund_id: str
    how: str = Field(description="automatic | merchant | merchant_deadline_passed | ops")
    approved_by: str
    approved_at: datetime


class RefundRejected(OrderEvent):
    """The merchant rejected; the buyer may still escalate to ops, so the freeze stays."""

    event_type: ClassVar[str] = "RefundRejected"
    topic: ClassVar[Topic] = Topic.REFUND

    order_id: str
    merchant_id: str
    refund_id: str
    reason: str
    rejected_by: str
    rejected_at: datetime
    escalate_by: datetime


class ReturnShipped(OrderEvent):
    """The buyer sent the goods back; logistics tracks the parcel like an outbound one."""

    event_type: ClassVar[str] = "ReturnShipped"
    topic: ClassVar[Topic] = Topic.REFUND

    order_id: str
    merchant_id: str
    refund_id: str
    return_shipment_id: str
    carrier_code: str
    tracking_number: str
    lines: list[ShipmentLine]
    shipped_at: datetime


class RefundedVia(StrEnum):
    """How the buyer got a completed refund's money back: who paid it. The refund provider paid
    exactly the original_channel and other_channel refunds (so only those are on its files)."""

    ORIGINAL_CHANNEL = "original_channel"  # the refund provider, back the way the buyer paid (原路退回)
    # credited to the buyer's platform balance (余额) by the platform: for an order paid from the
    # balance, and for any refund ops sent to the balance after a failure (then resolved_by is set)
    PLATFORM_BALANCE = "platform_balance"
    # the refund provider, to another provider channel the buyer gave ops after a failure; never
    # the balance (that is platform_balance)
    OTHER_CHANNEL = "other_channel"
    OFFLINE = "offline"  # by ops outside ShipSettle (e.g. a bank transfer), with its reference


class BalanceCreditRequested(OrderEvent):
    """Credit buyer ``buyer_ref``'s platform balance (余额) with ``amount_minor`` for refund
    ``refund_id``: the platform owns balances, so its backend applies the credit and acknowledges
    it with POST /v1/refunds/{refund_id}/balance-credit (refund-svc), naming ``credit_id``. The
    refund completes on that acknowledgement; settlement notifies the platform's webhook endpoint."""

    event_type: ClassVar[str] = "BalanceCreditRequested"
    topic: ClassVar[Topic] = Topic.REFUND

    order_id: str
    merchant_id: str
    refund_id: str
    credit_id: str = Field(description="this attempt's id: the acknowledgement must name it")
    buyer_ref: str
    currency: str
    amount_minor: int
    requested_at: datetime
    answer_by: datetime | None = Field(
        default=None, description="the platform's deadline to answer; after it ops may cancel the credit"
    )
    reminder: int = Field(default=0, description="0: the request; n: the n-th reminder of the same credit, overdue")


class BalanceCreditCancelled(OrderEvent):
    """Ops cancelled balance credit ``credit_id``, unanswered past its deadline, to settle the
    refund another way: the platform must not apply it (an acknowledgement of it is refused), and
    must reverse it if it did. Settlement notifies the platform's webhook endpoint."""

    event_type: ClassVar[str] = "BalanceCreditCancelled"
    topic: ClassVar[Topic] = Topic.REFUND

    order_id: str
    merchant_id: str
    refund_id: str
    credit_id: str
    buyer_ref: str
    currency: str
    amount_minor: int
    cancelled_by: str
    reason: str
    cancelled_at: datetime


class RefundCompleted(OrderEvent):
    """The buyer has been paid (by the refund provider, the platform's balance credit, or ops
    offline): settlement reverses the amount (before payout) or books a claw-back (after payout)."""

    event_type: ClassVar[str] = "RefundCompleted"
    topic: ClassVar[Topic] = Topic.REFUND

    order_id: str
    merchant_id: str
    refund_id: str
    kind: str
    currency: str
    lines: list[RefundLine]
    shipping_minor: int
    refund_minor: int
    provider_reference: str = Field(description="the provider's, the platform's credit or the offline reference")
    completed_at: datetime
    refunded_via: RefundedVia = Field(
        default=RefundedVia.ORIGINAL_CHANNEL,
        description="platform_balance: settlement books it against platform:balance_clearing, not platform:refunds",
    )
    resolved_by: str | None = Field(default=None, description="the ops key that settled a failed refund another way")
    resolution_reason: str | None = None
    refunded_to_channel: str | None = Field(
        default=None,
        description="the payment channel the money went to (wechat_pay, alipay, unionpay, bank_card, balance); "
        "null for offline and nothing-to-pay refunds, and in events before it existed",
    )


class RefundClosed(OrderEvent):
    """Ended without money moving (rejected and not escalated, rejected by ops, withdrawn,
    inspection failed): settlement releases the freeze, logistics resumes auto-confirm."""

    event_type: ClassVar[str] = "RefundClosed"
    topic: ClassVar[Topic] = Topic.REFUND

    order_id: str
    merchant_id: str
    refund_id: str
    outcome: str = Field(description="rejected | withdrawn | inspection_failed | closed_by_ops")
    reason: str
    closed_at: datetime


class LedgerPostingLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    account_id: str = Field(description="merchant:<id>:<kind> or platform:<kind>")
    amount_minor: int


class LedgerTransactionPosted(EventPayload):
    """A balanced transaction was appended to settlement's ledger (emitted in the same database
    transaction). Keyed by merchant, so a merchant's transactions arrive in ledger order: recon
    builds statements from them that equal the ledger to the fen."""

    event_type: ClassVar[str] = "LedgerTransactionPosted"
    topic: ClassVar[Topic] = Topic.LEDGER
    aggregate_type: ClassVar[str] = "merchant"

    tx_key: str
    kind: str
    merchant_id: str
    order_id: str | None = None
    currency: str = "CNY"
    description: str
    caused_by_event_id: str | None = None
    posted_at: datetime
    postings: list[LedgerPostingLine]

    def aggregate_id(self) -> str:
        return self.merchant_id


class PayoutSettled(EventPayload):
    """The bank's answer on a payout: paid, failed (money back to available) or returned after
    paid. Recon matches paid and returned payouts against the bank statement."""

    event_type: ClassVar[str] = "PayoutSettled"
    topic: ClassVar[Topic] = Topic.PAYOUT
    aggregate_type: ClassVar[str] = "merchant"

    payout_id: str
    application_id: str
    merchant_id: str
    currency: str
    amount_minor: int = Field(description="sent to the bank: the application's net")
    status: str = Field(description="paid | failed | returned")
    provider_reference: str | None = None
    reason: str | None = None
    settled_at: datetime

    def aggregate_id(self) -> str:
        return self.merchant_id


class InvariantViolated(OrderEvent):
    """recon-svc's live checker found an order that breaks a money invariant (SPEC section 3):
    conservation, settled without sign-off, or not settled within its policy window."""

    event_type: ClassVar[str] = "InvariantViolated"
    topic: ClassVar[Topic] = Topic.RECON

    order_id: str
    merchant_id: str | None = None
    check: str = Field(description="conservation | settled_without_sign_off | not_settled_in_window")
    message: str
    figures: dict[str, int | str | None]
    detected_at: datetime


EVENT_PAYLOADS: dict[str, type[EventPayload]] = {
    model.event_type: model
    for model in (
        ApiKeyIssued,
        ApiKeyRevoked,
        BusProbeSent,
        AuditChainHeadPublished,
        OrderPlaced,
        ShippingInfoConfirmed,
        ShippingInfoCorrected,
        OrderCancelled,
        BuyerErased,
        ShipmentDispatched,
        TrackingNumberCorrected,
        ShipmentStatusChanged,
        OrderSignedOff,
        ShipmentStale,
        ShipmentFlagged,
        ShipmentFlagCleared,
        CarrierScansReceived,
        SettlementPending,
        FundsReleased,
        RefundRequested,
        RefundApproved,
        RefundRejected,
        ReturnShipped,
        BalanceCreditRequested,
        BalanceCreditCancelled,
        RefundCompleted,
        RefundClosed,
        LedgerTransactionPosted,
        PayoutSettled,
        InvariantViolated,
    )
}

TOPICS_BY_EVENT_TYPE: dict[str, Topic] = {name: model.topic for name, model in EVENT_PAYLOADS.items()}

PayloadT = TypeVar("PayloadT", bound=EventPayload)


def read_payload(payload: dict[str, Any], model: type[PayloadT]) -> PayloadT:
    """Tolerant read for consumers: fields this version does not know are dropped."""
    known = {name: value for name, value in payload.items() if name in model.model_fields}
    return model.model_validate(known)

"""The bodies refund-svc's routes take, and the identifiers in their paths."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from refund_svc.domain.amounts import ReasonCode, RefundKind
from refund_svc.domain.channels import ResolutionKind
from shipsettle_shared.identifiers import Identifier


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RefundLineRequest(Strict):
    line_id: Identifier
    units: int = Field(gt=0, le=10_000)


class RefundRequestBody(Strict):
    order_id: Identifier
    kind: RefundKind = Field(description="refund_only (仅退款) or return_and_refund (退货退款)")
    reason_code: ReasonCode
    reason: str = Field(min_length=1, max_length=500)
    lines: list[RefundLineRequest] = Field(min_length=1, max_length=200)


class Reason(Strict):
    reason: str = Field(min_length=1, max_length=500)


class DecisionBody(Strict):
    approve: bool
    reason: str = Field(min_length=1, max_length=500)


class ReturnShipmentBody(Strict):
    carrier_code: str = Field(
        pattern=r"^[A-Za-z0-9_]{2,32}$", description="a carrier code logistics-svc knows, e.g. SF"
    )
    tracking_number: str = Field(pattern=r"^[A-Za-z0-9]{6,40}$")


class Evidence(Strict):
    name: str = Field(min_length=1, max_length=200)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="hash of the photo or document kept by the merchant")


class BalanceCreditBody(Strict):
    credit_id: Identifier = Field(description="the credit id of the refund.balance_credit_requested notification")
    buyer_ref: str = Field(min_length=1, max_length=64, description="the buyer whose balance was credited")
    amount_minor: int = Field(gt=0, description="fen credited: exactly the amount asked for")
    outcome: Literal["credited", "declined"] = Field(
        default="credited", description="declined: the refund fails and waits for ops to settle it another way"
    )
    credit_reference: str | None = Field(
        default=None, min_length=1, max_length=64, description="the platform's id of the balance transaction"
    )
    reason: str | None = Field(default=None, min_length=1, max_length=500, description="why it was declined")


class CancelCreditBody(Strict):
    credit_id: Identifier = Field(description="the open credit to cancel, as in the refund's balance_credit")
    reason: str = Field(min_length=1, max_length=500, description="why, for the record")


class ResolutionBody(Strict):
    how: ResolutionKind = Field(
        description="other_channel: pay again to a channel the buyer gave; refunded_offline: ops paid the buyer "
        "outside ShipSettle (completed); closed: nobody is to be paid (the merchant's frozen money is released)"
    )
    reason: str = Field(min_length=1, max_length=500, description="why, for the record")
    reference: str | None = Field(
        default=None, min_length=1, max_length=64, description="refunded_offline: the transfer's reference"
    )
    channel: str | None = Field(
        default=None, description="other_channel: wechat_pay, alipay, unionpay, bank_card or balance"
    )
    account: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9@._-]+$",
        description="other_channel: the buyer's account on that channel (not for balance)",
    )


class InspectionBody(Strict):
    passed: bool
    reason: str = Field(default="", max_length=500)
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ApplicationPublic")


@_attrs_define
class ApplicationPublic:
    """
    Attributes:
        amount_minor (int): gross: taken from available
        application_id (str):
        bank_account_id (str):
        clawback_deducted_minor (int): paid back to the platform first
        created_at (datetime.datetime):
        currency (str):
        decided_by (None | str):
        decision_reason (None | str):
        merchant_id (str):
        net_minor (int): sent to the bank
        payout_id (None | str):
        review_reasons (list[str]):
        status (str):
        voucher_ids (list[str]):
    """

    amount_minor: int
    application_id: str
    bank_account_id: str
    clawback_deducted_minor: int
    created_at: datetime.datetime
    currency: str
    decided_by: None | str
    decision_reason: None | str
    merchant_id: str
    net_minor: int
    payout_id: None | str
    review_reasons: list[str]
    status: str
    voucher_ids: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        application_id = self.application_id

        bank_account_id = self.bank_account_id

        clawback_deducted_minor = self.clawback_deducted_minor

        created_at = self.created_at.isoformat()

        currency = self.currency

        decided_by: None | str
        decided_by = self.decided_by

        decision_reason: None | str
        decision_reason = self.decision_reason

        merchant_id = self.merchant_id

        net_minor = self.net_minor

        payout_id: None | str
        payout_id = self.payout_id

        review_reasons = self.review_reasons

        status = self.status

        voucher_ids = self.voucher_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_minor": amount_minor,
                "application_id": application_id,
                "bank_account_id": bank_account_id,
                "clawback_deducted_minor": clawback_deducted_minor,
                "created_at": created_at,
                "currency": currency,
                "decided_by": decided_by,
                "decision_reason": decision_reason,
                "merchant_id": merchant_id,
                "net_minor": net_minor,
                "payout_id": payout_id,
                "review_reasons": review_reasons,
                "status": status,
                "voucher_ids": voucher_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        application_id = d.pop("application_id")

        bank_account_id = d.pop("bank_account_id")

        clawback_deducted_minor = d.pop("clawback_deducted_minor")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = d.pop("currency")

        def _parse_decided_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decided_by = _parse_decided_by(d.pop("decided_by"))

        def _parse_decision_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decision_reason = _parse_decision_reason(d.pop("decision_reason"))

        merchant_id = d.pop("merchant_id")

        net_minor = d.pop("net_minor")

        def _parse_payout_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        payout_id = _parse_payout_id(d.pop("payout_id"))

        review_reasons = cast(list[str], d.pop("review_reasons"))

        status = d.pop("status")

        voucher_ids = cast(list[str], d.pop("voucher_ids"))

        application_public = cls(
            amount_minor=amount_minor,
            application_id=application_id,
            bank_account_id=bank_account_id,
            clawback_deducted_minor=clawback_deducted_minor,
            created_at=created_at,
            currency=currency,
            decided_by=decided_by,
            decision_reason=decision_reason,
            merchant_id=merchant_id,
            net_minor=net_minor,
            payout_id=payout_id,
            review_reasons=review_reasons,
            status=status,
            voucher_ids=voucher_ids,
        )

        application_public.additional_properties = d
        return application_public

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

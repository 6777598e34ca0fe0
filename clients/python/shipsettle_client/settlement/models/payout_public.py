from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PayoutPublic")


@_attrs_define
class PayoutPublic:
    """
    Attributes:
        amount_minor (int): net: what the bank is asked to pay
        application_id (str):
        batch_id (str):
        clawback_deducted_minor (int):
        currency (str):
        gross_minor (int):
        payout_id (str):
        provider_reference (None | str):
        reason (None | str):
        status (str):
    """

    amount_minor: int
    application_id: str
    batch_id: str
    clawback_deducted_minor: int
    currency: str
    gross_minor: int
    payout_id: str
    provider_reference: None | str
    reason: None | str
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        application_id = self.application_id

        batch_id = self.batch_id

        clawback_deducted_minor = self.clawback_deducted_minor

        currency = self.currency

        gross_minor = self.gross_minor

        payout_id = self.payout_id

        provider_reference: None | str
        provider_reference = self.provider_reference

        reason: None | str
        reason = self.reason

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_minor": amount_minor,
                "application_id": application_id,
                "batch_id": batch_id,
                "clawback_deducted_minor": clawback_deducted_minor,
                "currency": currency,
                "gross_minor": gross_minor,
                "payout_id": payout_id,
                "provider_reference": provider_reference,
                "reason": reason,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        application_id = d.pop("application_id")

        batch_id = d.pop("batch_id")

        clawback_deducted_minor = d.pop("clawback_deducted_minor")

        currency = d.pop("currency")

        gross_minor = d.pop("gross_minor")

        payout_id = d.pop("payout_id")

        def _parse_provider_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        provider_reference = _parse_provider_reference(d.pop("provider_reference"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        status = d.pop("status")

        payout_public = cls(
            amount_minor=amount_minor,
            application_id=application_id,
            batch_id=batch_id,
            clawback_deducted_minor=clawback_deducted_minor,
            currency=currency,
            gross_minor=gross_minor,
            payout_id=payout_id,
            provider_reference=provider_reference,
            reason=reason,
            status=status,
        )

        payout_public.additional_properties = d
        return payout_public

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

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.balances_public_balances_minor import BalancesPublicBalancesMinor


T = TypeVar("T", bound="BalancesPublic")


@_attrs_define
class BalancesPublic:
    """
    Attributes:
        balances_minor (BalancesPublicBalancesMinor): by merchant account: pending, available, reserve, in_payout,
            paid_out, negative_balance
        currency (str):
        frozen_minor (int): available money held against open refunds (冻结)
        merchant_id (str):
        owed_minor (int): what the merchant owes back (the negative balance, as a positive figure)
    """

    balances_minor: BalancesPublicBalancesMinor
    currency: str
    frozen_minor: int
    merchant_id: str
    owed_minor: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        balances_minor = self.balances_minor.to_dict()

        currency = self.currency

        frozen_minor = self.frozen_minor

        merchant_id = self.merchant_id

        owed_minor = self.owed_minor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "balances_minor": balances_minor,
                "currency": currency,
                "frozen_minor": frozen_minor,
                "merchant_id": merchant_id,
                "owed_minor": owed_minor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.balances_public_balances_minor import BalancesPublicBalancesMinor  # noqa: PLC0415

        d = dict(src_dict)
        balances_minor = BalancesPublicBalancesMinor.from_dict(d.pop("balances_minor"))

        currency = d.pop("currency")

        frozen_minor = d.pop("frozen_minor")

        merchant_id = d.pop("merchant_id")

        owed_minor = d.pop("owed_minor")

        balances_public = cls(
            balances_minor=balances_minor,
            currency=currency,
            frozen_minor=frozen_minor,
            merchant_id=merchant_id,
            owed_minor=owed_minor,
        )

        balances_public.additional_properties = d
        return balances_public

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

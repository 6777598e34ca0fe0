from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rate_card_public_rates_by_zone import RateCardPublicRatesByZone


T = TypeVar("T", bound="RateCardPublic")


@_attrs_define
class RateCardPublic:
    """
    Attributes:
        additional_step_g (int):
        currency (str):
        first_weight_g (int):
        rates_by_zone (RateCardPublicRatesByZone): by zone: local, regional, national, remote
    """

    additional_step_g: int
    currency: str
    first_weight_g: int
    rates_by_zone: RateCardPublicRatesByZone
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        additional_step_g = self.additional_step_g

        currency = self.currency

        first_weight_g = self.first_weight_g

        rates_by_zone = self.rates_by_zone.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "additional_step_g": additional_step_g,
                "currency": currency,
                "first_weight_g": first_weight_g,
                "rates_by_zone": rates_by_zone,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_card_public_rates_by_zone import RateCardPublicRatesByZone  # noqa: PLC0415

        d = dict(src_dict)
        additional_step_g = d.pop("additional_step_g")

        currency = d.pop("currency")

        first_weight_g = d.pop("first_weight_g")

        rates_by_zone = RateCardPublicRatesByZone.from_dict(d.pop("rates_by_zone"))

        rate_card_public = cls(
            additional_step_g=additional_step_g,
            currency=currency,
            first_weight_g=first_weight_g,
            rates_by_zone=rates_by_zone,
        )

        rate_card_public.additional_properties = d
        return rate_card_public

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

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rate_card_public import RateCardPublic
    from ..models.service_level_public_promised_days_by_zone import (
        ServiceLevelPublicPromisedDaysByZone,
    )


T = TypeVar("T", bound="ServiceLevelPublic")


@_attrs_define
class ServiceLevelPublic:
    """
    Attributes:
        description (str):
        name (str):
        promised_days_by_zone (ServiceLevelPublicPromisedDaysByZone):
        rate_card (None | RateCardPublic): the level's own rates; null: the carrier's
    """

    description: str
    name: str
    promised_days_by_zone: ServiceLevelPublicPromisedDaysByZone
    rate_card: None | RateCardPublic
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.rate_card_public import RateCardPublic  # noqa: PLC0415

        description = self.description

        name = self.name

        promised_days_by_zone = self.promised_days_by_zone.to_dict()

        rate_card: dict[str, Any] | None
        if isinstance(self.rate_card, RateCardPublic):
            rate_card = self.rate_card.to_dict()
        else:
            rate_card = self.rate_card

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "description": description,
                "name": name,
                "promised_days_by_zone": promised_days_by_zone,
                "rate_card": rate_card,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_card_public import RateCardPublic  # noqa: PLC0415
        from ..models.service_level_public_promised_days_by_zone import (
            ServiceLevelPublicPromisedDaysByZone,  # noqa: PLC0415
        )

        d = dict(src_dict)
        description = d.pop("description")

        name = d.pop("name")

        promised_days_by_zone = ServiceLevelPublicPromisedDaysByZone.from_dict(d.pop("promised_days_by_zone"))

        def _parse_rate_card(data: object) -> None | RateCardPublic:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                rate_card_type_0 = RateCardPublic.from_dict(data)

                return rate_card_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RateCardPublic, data)

        rate_card = _parse_rate_card(d.pop("rate_card"))

        service_level_public = cls(
            description=description,
            name=name,
            promised_days_by_zone=promised_days_by_zone,
            rate_card=rate_card,
        )

        service_level_public.additional_properties = d
        return service_level_public

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

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rate_card_public import RateCardPublic
    from ..models.service_level_public import ServiceLevelPublic


T = TypeVar("T", bound="CarrierDefinition")


@_attrs_define
class CarrierDefinition:
    """A carrier as the registry stores it; ``PUT /v1/carriers/{code}`` takes the same form.

    Attributes:
        active (bool):
        aftership_slug (None | str):
        code (str):
        kuaidi100_code (None | str):
        name (str):
        name_zh (str):
        rate_card (RateCardPublic):
        service_levels (list[ServiceLevelPublic]):
        sources (list[str]): where the tracking pattern and rates are cited from
        tracking_pattern (str): the tracking-number format, a regular expression
    """

    active: bool
    aftership_slug: None | str
    code: str
    kuaidi100_code: None | str
    name: str
    name_zh: str
    rate_card: RateCardPublic
    service_levels: list[ServiceLevelPublic]
    sources: list[str]
    tracking_pattern: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        aftership_slug: None | str
        aftership_slug = self.aftership_slug

        code = self.code

        kuaidi100_code: None | str
        kuaidi100_code = self.kuaidi100_code

        name = self.name

        name_zh = self.name_zh

        rate_card = self.rate_card.to_dict()

        service_levels = []
        for service_levels_item_data in self.service_levels:
            service_levels_item = service_levels_item_data.to_dict()
            service_levels.append(service_levels_item)

        sources = self.sources

        tracking_pattern = self.tracking_pattern

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "aftership_slug": aftership_slug,
                "code": code,
                "kuaidi100_code": kuaidi100_code,
                "name": name,
                "name_zh": name_zh,
                "rate_card": rate_card,
                "service_levels": service_levels,
                "sources": sources,
                "tracking_pattern": tracking_pattern,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_card_public import RateCardPublic  # noqa: PLC0415
        from ..models.service_level_public import ServiceLevelPublic  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active")

        def _parse_aftership_slug(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        aftership_slug = _parse_aftership_slug(d.pop("aftership_slug"))

        code = d.pop("code")

        def _parse_kuaidi100_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        kuaidi100_code = _parse_kuaidi100_code(d.pop("kuaidi100_code"))

        name = d.pop("name")

        name_zh = d.pop("name_zh")

        rate_card = RateCardPublic.from_dict(d.pop("rate_card"))

        service_levels = []
        _service_levels = d.pop("service_levels")
        for service_levels_item_data in _service_levels:
            service_levels_item = ServiceLevelPublic.from_dict(service_levels_item_data)

            service_levels.append(service_levels_item)

        sources = cast(list[str], d.pop("sources"))

        tracking_pattern = d.pop("tracking_pattern")

        carrier_definition = cls(
            active=active,
            aftership_slug=aftership_slug,
            code=code,
            kuaidi100_code=kuaidi100_code,
            name=name,
            name_zh=name_zh,
            rate_card=rate_card,
            service_levels=service_levels,
            sources=sources,
            tracking_pattern=tracking_pattern,
        )

        carrier_definition.additional_properties = d
        return carrier_definition

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

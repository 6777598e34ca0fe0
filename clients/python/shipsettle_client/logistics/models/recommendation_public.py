from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.missed_option import MissedOption
    from ..models.ranked_option import RankedOption


T = TypeVar("T", bound="RecommendationPublic")


@_attrs_define
class RecommendationPublic:
    """
    Attributes:
        best (None | RankedOption):
        deadline (datetime.date):
        destination_province (str):
        meets_deadline (bool):
        missed (list[MissedOption]): those that miss it, soonest first
        options (list[RankedOption]): the options that meet the deadline, best first
        origin_province (str):
        reason (str):
        ship_date (datetime.date):
        weight_g (int):
        zone (str):
    """

    best: None | RankedOption
    deadline: datetime.date
    destination_province: str
    meets_deadline: bool
    missed: list[MissedOption]
    options: list[RankedOption]
    origin_province: str
    reason: str
    ship_date: datetime.date
    weight_g: int
    zone: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.ranked_option import RankedOption  # noqa: PLC0415

        best: dict[str, Any] | None
        if isinstance(self.best, RankedOption):
            best = self.best.to_dict()
        else:
            best = self.best

        deadline = self.deadline.isoformat()

        destination_province = self.destination_province

        meets_deadline = self.meets_deadline

        missed = []
        for missed_item_data in self.missed:
            missed_item = missed_item_data.to_dict()
            missed.append(missed_item)

        options = []
        for options_item_data in self.options:
            options_item = options_item_data.to_dict()
            options.append(options_item)

        origin_province = self.origin_province

        reason = self.reason

        ship_date = self.ship_date.isoformat()

        weight_g = self.weight_g

        zone = self.zone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "best": best,
                "deadline": deadline,
                "destination_province": destination_province,
                "meets_deadline": meets_deadline,
                "missed": missed,
                "options": options,
                "origin_province": origin_province,
                "reason": reason,
                "ship_date": ship_date,
                "weight_g": weight_g,
                "zone": zone,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.missed_option import MissedOption  # noqa: PLC0415
        from ..models.ranked_option import RankedOption  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_best(data: object) -> None | RankedOption:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                best_type_0 = RankedOption.from_dict(data)

                return best_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RankedOption, data)

        best = _parse_best(d.pop("best"))

        deadline = datetime.date.fromisoformat(d.pop("deadline"))

        destination_province = d.pop("destination_province")

        meets_deadline = d.pop("meets_deadline")

        missed = []
        _missed = d.pop("missed")
        for missed_item_data in _missed:
            missed_item = MissedOption.from_dict(missed_item_data)

            missed.append(missed_item)

        options = []
        _options = d.pop("options")
        for options_item_data in _options:
            options_item = RankedOption.from_dict(options_item_data)

            options.append(options_item)

        origin_province = d.pop("origin_province")

        reason = d.pop("reason")

        ship_date = datetime.date.fromisoformat(d.pop("ship_date"))

        weight_g = d.pop("weight_g")

        zone = d.pop("zone")

        recommendation_public = cls(
            best=best,
            deadline=deadline,
            destination_province=destination_province,
            meets_deadline=meets_deadline,
            missed=missed,
            options=options,
            origin_province=origin_province,
            reason=reason,
            ship_date=ship_date,
            weight_g=weight_g,
            zone=zone,
        )

        recommendation_public.additional_properties = d
        return recommendation_public

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

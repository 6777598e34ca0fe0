from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RecommendationRequest")


@_attrs_define
class RecommendationRequest:
    """
    Attributes:
        deadline (datetime.date):
        destination_province (str):
        origin_province (str): where the parcel leaves, e.g. 浙江
        ship_date (datetime.date):
        weight_g (int):
    """

    deadline: datetime.date
    destination_province: str
    origin_province: str
    ship_date: datetime.date
    weight_g: int

    def to_dict(self) -> dict[str, Any]:
        deadline = self.deadline.isoformat()

        destination_province = self.destination_province

        origin_province = self.origin_province

        ship_date = self.ship_date.isoformat()

        weight_g = self.weight_g

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "deadline": deadline,
                "destination_province": destination_province,
                "origin_province": origin_province,
                "ship_date": ship_date,
                "weight_g": weight_g,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        deadline = datetime.date.fromisoformat(d.pop("deadline"))

        destination_province = d.pop("destination_province")

        origin_province = d.pop("origin_province")

        ship_date = datetime.date.fromisoformat(d.pop("ship_date"))

        weight_g = d.pop("weight_g")

        recommendation_request = cls(
            deadline=deadline,
            destination_province=destination_province,
            origin_province=origin_province,
            ship_date=ship_date,
            weight_g=weight_g,
        )

        return recommendation_request

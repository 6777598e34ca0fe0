from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TrackingNumberCorrection")


@_attrs_define
class TrackingNumberCorrection:
    """
    Attributes:
        tracking_number (str):
    """

    tracking_number: str

    def to_dict(self) -> dict[str, Any]:
        tracking_number = self.tracking_number

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "tracking_number": tracking_number,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tracking_number = d.pop("tracking_number")

        tracking_number_correction = cls(
            tracking_number=tracking_number,
        )

        return tracking_number_correction

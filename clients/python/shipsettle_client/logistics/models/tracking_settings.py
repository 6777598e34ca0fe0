from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TrackingSettings")


@_attrs_define
class TrackingSettings:
    """
    Attributes:
        auto_confirm_days (int): sign off automatically this many days after delivery
        stale_after_hours (int): no carrier movement for this long raises an alert
        scan_clock_tolerance_minutes (int | None | Unset): a carrier scan dated more than this before its shipment's
            dispatch never moves it (default 5; left out: unchanged)
    """

    auto_confirm_days: int
    stale_after_hours: int
    scan_clock_tolerance_minutes: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        auto_confirm_days = self.auto_confirm_days

        stale_after_hours = self.stale_after_hours

        scan_clock_tolerance_minutes: int | None | Unset
        if isinstance(self.scan_clock_tolerance_minutes, Unset):
            scan_clock_tolerance_minutes = UNSET
        else:
            scan_clock_tolerance_minutes = self.scan_clock_tolerance_minutes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "auto_confirm_days": auto_confirm_days,
                "stale_after_hours": stale_after_hours,
            }
        )
        if scan_clock_tolerance_minutes is not UNSET:
            field_dict["scan_clock_tolerance_minutes"] = scan_clock_tolerance_minutes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        auto_confirm_days = d.pop("auto_confirm_days")

        stale_after_hours = d.pop("stale_after_hours")

        def _parse_scan_clock_tolerance_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        scan_clock_tolerance_minutes = _parse_scan_clock_tolerance_minutes(d.pop("scan_clock_tolerance_minutes", UNSET))

        tracking_settings = cls(
            auto_confirm_days=auto_confirm_days,
            stale_after_hours=stale_after_hours,
            scan_clock_tolerance_minutes=scan_clock_tolerance_minutes,
        )

        return tracking_settings

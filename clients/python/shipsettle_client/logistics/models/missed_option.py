from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MissedOption")


@_attrs_define
class MissedOption:
    """An option that would arrive after the deadline.

    Attributes:
        carrier_code (str):
        carrier_name (str):
        cost_minor (int):
        currency (str):
        days_late (int):
        expected_delivery (datetime.date):
        promised_days (int):
        reason (str):
        service_level (str):
    """

    carrier_code: str
    carrier_name: str
    cost_minor: int
    currency: str
    days_late: int
    expected_delivery: datetime.date
    promised_days: int
    reason: str
    service_level: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier_code = self.carrier_code

        carrier_name = self.carrier_name

        cost_minor = self.cost_minor

        currency = self.currency

        days_late = self.days_late

        expected_delivery = self.expected_delivery.isoformat()

        promised_days = self.promised_days

        reason = self.reason

        service_level = self.service_level

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier_code": carrier_code,
                "carrier_name": carrier_name,
                "cost_minor": cost_minor,
                "currency": currency,
                "days_late": days_late,
                "expected_delivery": expected_delivery,
                "promised_days": promised_days,
                "reason": reason,
                "service_level": service_level,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        carrier_code = d.pop("carrier_code")

        carrier_name = d.pop("carrier_name")

        cost_minor = d.pop("cost_minor")

        currency = d.pop("currency")

        days_late = d.pop("days_late")

        expected_delivery = datetime.date.fromisoformat(d.pop("expected_delivery"))

        promised_days = d.pop("promised_days")

        reason = d.pop("reason")

        service_level = d.pop("service_level")

        missed_option = cls(
            carrier_code=carrier_code,
            carrier_name=carrier_name,
            cost_minor=cost_minor,
            currency=currency,
            days_late=days_late,
            expected_delivery=expected_delivery,
            promised_days=promised_days,
            reason=reason,
            service_level=service_level,
        )

        missed_option.additional_properties = d
        return missed_option

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

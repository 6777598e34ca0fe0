from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RecoveredDebt")


@_attrs_define
class RecoveredDebt:
    """
    Attributes:
        caused_by_event_id (None | str):
        order_id (None | str):
        recovered_minor (int):
    """

    caused_by_event_id: None | str
    order_id: None | str
    recovered_minor: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        caused_by_event_id: None | str
        caused_by_event_id = self.caused_by_event_id

        order_id: None | str
        order_id = self.order_id

        recovered_minor = self.recovered_minor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caused_by_event_id": caused_by_event_id,
                "order_id": order_id,
                "recovered_minor": recovered_minor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_caused_by_event_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        caused_by_event_id = _parse_caused_by_event_id(d.pop("caused_by_event_id"))

        def _parse_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_id = _parse_order_id(d.pop("order_id"))

        recovered_minor = d.pop("recovered_minor")

        recovered_debt = cls(
            caused_by_event_id=caused_by_event_id,
            order_id=order_id,
            recovered_minor=recovered_minor,
        )

        recovered_debt.additional_properties = d
        return recovered_debt

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

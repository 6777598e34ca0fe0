from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.blocker import Blocker

T = TypeVar("T", bound="OrderSettlementState")


@_attrs_define
class OrderSettlementState:
    """
    Attributes:
        blockers (list[Blocker]):
        expected_at (datetime.datetime | None):
        expected_date (datetime.date | None):
        order_id (str):
        state (Blocker): What holds an order's money up, earliest stage first; then the two finished states.
    """

    blockers: list[Blocker]
    expected_at: datetime.datetime | None
    expected_date: datetime.date | None
    order_id: str
    state: Blocker
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        blockers = []
        for blockers_item_data in self.blockers:
            blockers_item = blockers_item_data.value
            blockers.append(blockers_item)

        expected_at: None | str
        if isinstance(self.expected_at, datetime.datetime):
            expected_at = self.expected_at.isoformat()
        else:
            expected_at = self.expected_at

        expected_date: None | str
        if isinstance(self.expected_date, datetime.date):
            expected_date = self.expected_date.isoformat()
        else:
            expected_date = self.expected_date

        order_id = self.order_id

        state = self.state.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "blockers": blockers,
                "expected_at": expected_at,
                "expected_date": expected_date,
                "order_id": order_id,
                "state": state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        blockers = []
        _blockers = d.pop("blockers")
        for blockers_item_data in _blockers:
            blockers_item = Blocker(blockers_item_data)

            blockers.append(blockers_item)

        def _parse_expected_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expected_at_type_0 = datetime.datetime.fromisoformat(data)

                return expected_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expected_at = _parse_expected_at(d.pop("expected_at"))

        def _parse_expected_date(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expected_date_type_0 = datetime.date.fromisoformat(data)

                return expected_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        expected_date = _parse_expected_date(d.pop("expected_date"))

        order_id = d.pop("order_id")

        state = Blocker(d.pop("state"))

        order_settlement_state = cls(
            blockers=blockers,
            expected_at=expected_at,
            expected_date=expected_date,
            order_id=order_id,
            state=state,
        )

        order_settlement_state.additional_properties = d
        return order_settlement_state

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

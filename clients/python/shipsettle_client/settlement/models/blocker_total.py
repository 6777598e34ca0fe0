from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.blocker import Blocker

T = TypeVar("T", bound="BlockerTotal")


@_attrs_define
class BlockerTotal:
    """
    Attributes:
        amount_minor (int):
        blocker (Blocker): What holds an order's money up, earliest stage first; then the two finished states.
        earliest_expected_at (datetime.datetime | None):
        earliest_expected_date (datetime.date | None):
        order_ids (list[str]):
        orders (int):
    """

    amount_minor: int
    blocker: Blocker
    earliest_expected_at: datetime.datetime | None
    earliest_expected_date: datetime.date | None
    order_ids: list[str]
    orders: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        blocker = self.blocker.value

        earliest_expected_at: None | str
        if isinstance(self.earliest_expected_at, datetime.datetime):
            earliest_expected_at = self.earliest_expected_at.isoformat()
        else:
            earliest_expected_at = self.earliest_expected_at

        earliest_expected_date: None | str
        if isinstance(self.earliest_expected_date, datetime.date):
            earliest_expected_date = self.earliest_expected_date.isoformat()
        else:
            earliest_expected_date = self.earliest_expected_date

        order_ids = self.order_ids

        orders = self.orders

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_minor": amount_minor,
                "blocker": blocker,
                "earliest_expected_at": earliest_expected_at,
                "earliest_expected_date": earliest_expected_date,
                "order_ids": order_ids,
                "orders": orders,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        blocker = Blocker(d.pop("blocker"))

        def _parse_earliest_expected_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                earliest_expected_at_type_0 = datetime.datetime.fromisoformat(data)

                return earliest_expected_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        earliest_expected_at = _parse_earliest_expected_at(d.pop("earliest_expected_at"))

        def _parse_earliest_expected_date(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                earliest_expected_date_type_0 = datetime.date.fromisoformat(data)

                return earliest_expected_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        earliest_expected_date = _parse_earliest_expected_date(d.pop("earliest_expected_date"))

        order_ids = cast(list[str], d.pop("order_ids"))

        orders = d.pop("orders")

        blocker_total = cls(
            amount_minor=amount_minor,
            blocker=blocker,
            earliest_expected_at=earliest_expected_at,
            earliest_expected_date=earliest_expected_date,
            order_ids=order_ids,
            orders=orders,
        )

        blocker_total.additional_properties = d
        return blocker_total

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

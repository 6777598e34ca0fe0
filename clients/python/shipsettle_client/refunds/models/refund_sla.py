from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.open_refund import OpenRefund
    from ..models.refund_sla_by_waiting_for import RefundSlaByWaitingFor


T = TypeVar("T", bound="RefundSla")


@_attrs_define
class RefundSla:
    """
    Attributes:
        as_of (datetime.datetime):
        breaching (int):
        by_waiting_for (RefundSlaByWaitingFor):
        items (list[OpenRefund]):
        next_cursor (None | str): send it as ?cursor= for the next page; null on the last page
        open_ (int): every open refund in scope, on every page
    """

    as_of: datetime.datetime
    breaching: int
    by_waiting_for: RefundSlaByWaitingFor
    items: list[OpenRefund]
    next_cursor: None | str
    open_: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_of = self.as_of.isoformat()

        breaching = self.breaching

        by_waiting_for = self.by_waiting_for.to_dict()

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        open_ = self.open_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of": as_of,
                "breaching": breaching,
                "by_waiting_for": by_waiting_for,
                "items": items,
                "next_cursor": next_cursor,
                "open": open_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.open_refund import OpenRefund  # noqa: PLC0415
        from ..models.refund_sla_by_waiting_for import RefundSlaByWaitingFor  # noqa: PLC0415

        d = dict(src_dict)
        as_of = datetime.datetime.fromisoformat(d.pop("as_of"))

        breaching = d.pop("breaching")

        by_waiting_for = RefundSlaByWaitingFor.from_dict(d.pop("by_waiting_for"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = OpenRefund.from_dict(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        open_ = d.pop("open")

        refund_sla = cls(
            as_of=as_of,
            breaching=breaching,
            by_waiting_for=by_waiting_for,
            items=items,
            next_cursor=next_cursor,
            open_=open_,
        )

        refund_sla.additional_properties = d
        return refund_sla

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

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.blocker_total import BlockerTotal
    from ..models.settlement_blockers_orders_by_state import (
        SettlementBlockersOrdersByState,
    )


T = TypeVar("T", bound="SettlementBlockers")


@_attrs_define
class SettlementBlockers:
    """
    Attributes:
        allocation_rule (str): how released order amounts are assigned to settlement applications (first in, first out)
        blockers (list[BlockerTotal]):
        currency (str):
        finished (list[BlockerTotal]): paid_out and refunded
        merchant_id (str):
        orders_by_state (SettlementBlockersOrdersByState):
    """

    allocation_rule: str
    blockers: list[BlockerTotal]
    currency: str
    finished: list[BlockerTotal]
    merchant_id: str
    orders_by_state: SettlementBlockersOrdersByState
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allocation_rule = self.allocation_rule

        blockers = []
        for blockers_item_data in self.blockers:
            blockers_item = blockers_item_data.to_dict()
            blockers.append(blockers_item)

        currency = self.currency

        finished = []
        for finished_item_data in self.finished:
            finished_item = finished_item_data.to_dict()
            finished.append(finished_item)

        merchant_id = self.merchant_id

        orders_by_state = self.orders_by_state.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocation_rule": allocation_rule,
                "blockers": blockers,
                "currency": currency,
                "finished": finished,
                "merchant_id": merchant_id,
                "orders_by_state": orders_by_state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.blocker_total import BlockerTotal  # noqa: PLC0415
        from ..models.settlement_blockers_orders_by_state import (
            SettlementBlockersOrdersByState,  # noqa: PLC0415
        )

        d = dict(src_dict)
        allocation_rule = d.pop("allocation_rule")

        blockers = []
        _blockers = d.pop("blockers")
        for blockers_item_data in _blockers:
            blockers_item = BlockerTotal.from_dict(blockers_item_data)

            blockers.append(blockers_item)

        currency = d.pop("currency")

        finished = []
        _finished = d.pop("finished")
        for finished_item_data in _finished:
            finished_item = BlockerTotal.from_dict(finished_item_data)

            finished.append(finished_item)

        merchant_id = d.pop("merchant_id")

        orders_by_state = SettlementBlockersOrdersByState.from_dict(d.pop("orders_by_state"))

        settlement_blockers = cls(
            allocation_rule=allocation_rule,
            blockers=blockers,
            currency=currency,
            finished=finished,
            merchant_id=merchant_id,
            orders_by_state=orders_by_state,
        )

        settlement_blockers.additional_properties = d
        return settlement_blockers

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

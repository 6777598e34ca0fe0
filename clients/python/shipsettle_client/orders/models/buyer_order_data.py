from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_status import OrderStatus

if TYPE_CHECKING:
    from ..models.consignee import Consignee
    from ..models.shipping_change_public import ShippingChangePublic


T = TypeVar("T", bound="BuyerOrderData")


@_attrs_define
class BuyerOrderData:
    """One order's personal data, as exported to its buyer (issue 20): the consignee whole (or
    ``[erased]``) and every confirmation or correction of it.

        Attributes:
            consignee (Consignee):
            merchant_id (str):
            order_id (str):
            placed_at (datetime.datetime):
            shipping_changes (list[ShippingChangePublic]):
            status (OrderStatus):
    """

    consignee: Consignee
    merchant_id: str
    order_id: str
    placed_at: datetime.datetime
    shipping_changes: list[ShippingChangePublic]
    status: OrderStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        consignee = self.consignee.to_dict()

        merchant_id = self.merchant_id

        order_id = self.order_id

        placed_at = self.placed_at.isoformat()

        shipping_changes = []
        for shipping_changes_item_data in self.shipping_changes:
            shipping_changes_item = shipping_changes_item_data.to_dict()
            shipping_changes.append(shipping_changes_item)

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "consignee": consignee,
                "merchant_id": merchant_id,
                "order_id": order_id,
                "placed_at": placed_at,
                "shipping_changes": shipping_changes,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consignee import Consignee  # noqa: PLC0415
        from ..models.shipping_change_public import ShippingChangePublic  # noqa: PLC0415

        d = dict(src_dict)
        consignee = Consignee.from_dict(d.pop("consignee"))

        merchant_id = d.pop("merchant_id")

        order_id = d.pop("order_id")

        placed_at = datetime.datetime.fromisoformat(d.pop("placed_at"))

        shipping_changes = []
        _shipping_changes = d.pop("shipping_changes")
        for shipping_changes_item_data in _shipping_changes:
            shipping_changes_item = ShippingChangePublic.from_dict(shipping_changes_item_data)

            shipping_changes.append(shipping_changes_item)

        status = OrderStatus(d.pop("status"))

        buyer_order_data = cls(
            consignee=consignee,
            merchant_id=merchant_id,
            order_id=order_id,
            placed_at=placed_at,
            shipping_changes=shipping_changes,
            status=status,
        )

        buyer_order_data.additional_properties = d
        return buyer_order_data

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

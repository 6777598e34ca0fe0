from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.consignee_request import ConsigneeRequest
    from ..models.shipping_item_request import ShippingItemRequest


T = TypeVar("T", bound="ConfirmShippingRequest")


@_attrs_define
class ConfirmShippingRequest:
    """
    Attributes:
        items (list[ShippingItemRequest]): each line with its quantity and spec
        consignee (ConsigneeRequest | None | Unset): the consignee as confirmed, if changed
    """

    items: list[ShippingItemRequest]
    consignee: ConsigneeRequest | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.consignee_request import ConsigneeRequest  # noqa: PLC0415

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        consignee: dict[str, Any] | None | Unset
        if isinstance(self.consignee, Unset):
            consignee = UNSET
        elif isinstance(self.consignee, ConsigneeRequest):
            consignee = self.consignee.to_dict()
        else:
            consignee = self.consignee

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "items": items,
            }
        )
        if consignee is not UNSET:
            field_dict["consignee"] = consignee

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consignee_request import ConsigneeRequest  # noqa: PLC0415
        from ..models.shipping_item_request import ShippingItemRequest  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = ShippingItemRequest.from_dict(items_item_data)

            items.append(items_item)

        def _parse_consignee(data: object) -> ConsigneeRequest | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                consignee_type_0 = ConsigneeRequest.from_dict(data)

                return consignee_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConsigneeRequest | None | Unset, data)

        consignee = _parse_consignee(d.pop("consignee", UNSET))

        confirm_shipping_request = cls(
            items=items,
            consignee=consignee,
        )

        return confirm_shipping_request

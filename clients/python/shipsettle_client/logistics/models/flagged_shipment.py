from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.direction import Direction
from ..models.shipment_status import ShipmentStatus

if TYPE_CHECKING:
    from ..models.ops_flag_public import OpsFlagPublic


T = TypeVar("T", bound="FlaggedShipment")


@_attrs_define
class FlaggedShipment:
    """
    Attributes:
        carrier_code (str):
        direction (Direction):
        merchant_id (str):
        ops_flags (list[OpsFlagPublic]):
        order_id (str):
        refund_id (None | str):
        shipment_id (str):
        status (ShipmentStatus):
        tracking_number (str):
    """

    carrier_code: str
    direction: Direction
    merchant_id: str
    ops_flags: list[OpsFlagPublic]
    order_id: str
    refund_id: None | str
    shipment_id: str
    status: ShipmentStatus
    tracking_number: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier_code = self.carrier_code

        direction = self.direction.value

        merchant_id = self.merchant_id

        ops_flags = []
        for ops_flags_item_data in self.ops_flags:
            ops_flags_item = ops_flags_item_data.to_dict()
            ops_flags.append(ops_flags_item)

        order_id = self.order_id

        refund_id: None | str
        refund_id = self.refund_id

        shipment_id = self.shipment_id

        status = self.status.value

        tracking_number = self.tracking_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier_code": carrier_code,
                "direction": direction,
                "merchant_id": merchant_id,
                "ops_flags": ops_flags,
                "order_id": order_id,
                "refund_id": refund_id,
                "shipment_id": shipment_id,
                "status": status,
                "tracking_number": tracking_number,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ops_flag_public import OpsFlagPublic  # noqa: PLC0415

        d = dict(src_dict)
        carrier_code = d.pop("carrier_code")

        direction = Direction(d.pop("direction"))

        merchant_id = d.pop("merchant_id")

        ops_flags = []
        _ops_flags = d.pop("ops_flags")
        for ops_flags_item_data in _ops_flags:
            ops_flags_item = OpsFlagPublic.from_dict(ops_flags_item_data)

            ops_flags.append(ops_flags_item)

        order_id = d.pop("order_id")

        def _parse_refund_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        refund_id = _parse_refund_id(d.pop("refund_id"))

        shipment_id = d.pop("shipment_id")

        status = ShipmentStatus(d.pop("status"))

        tracking_number = d.pop("tracking_number")

        flagged_shipment = cls(
            carrier_code=carrier_code,
            direction=direction,
            merchant_id=merchant_id,
            ops_flags=ops_flags,
            order_id=order_id,
            refund_id=refund_id,
            shipment_id=shipment_id,
            status=status,
            tracking_number=tracking_number,
        )

        flagged_shipment.additional_properties = d
        return flagged_shipment

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

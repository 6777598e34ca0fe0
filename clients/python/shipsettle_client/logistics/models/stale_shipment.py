from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.shipment_status import ShipmentStatus

T = TypeVar("T", bound="StaleShipment")


@_attrs_define
class StaleShipment:
    """
    Attributes:
        carrier_code (str):
        last_movement_at (datetime.datetime):
        merchant_id (str):
        order_id (str):
        shipment_id (str):
        stale_alerted_at (datetime.datetime | None):
        status (ShipmentStatus):
        tracking_number (str):
    """

    carrier_code: str
    last_movement_at: datetime.datetime
    merchant_id: str
    order_id: str
    shipment_id: str
    stale_alerted_at: datetime.datetime | None
    status: ShipmentStatus
    tracking_number: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier_code = self.carrier_code

        last_movement_at = self.last_movement_at.isoformat()

        merchant_id = self.merchant_id

        order_id = self.order_id

        shipment_id = self.shipment_id

        stale_alerted_at: None | str
        if isinstance(self.stale_alerted_at, datetime.datetime):
            stale_alerted_at = self.stale_alerted_at.isoformat()
        else:
            stale_alerted_at = self.stale_alerted_at

        status = self.status.value

        tracking_number = self.tracking_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier_code": carrier_code,
                "last_movement_at": last_movement_at,
                "merchant_id": merchant_id,
                "order_id": order_id,
                "shipment_id": shipment_id,
                "stale_alerted_at": stale_alerted_at,
                "status": status,
                "tracking_number": tracking_number,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        carrier_code = d.pop("carrier_code")

        last_movement_at = datetime.datetime.fromisoformat(d.pop("last_movement_at"))

        merchant_id = d.pop("merchant_id")

        order_id = d.pop("order_id")

        shipment_id = d.pop("shipment_id")

        def _parse_stale_alerted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                stale_alerted_at_type_0 = datetime.datetime.fromisoformat(data)

                return stale_alerted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        stale_alerted_at = _parse_stale_alerted_at(d.pop("stale_alerted_at"))

        status = ShipmentStatus(d.pop("status"))

        tracking_number = d.pop("tracking_number")

        stale_shipment = cls(
            carrier_code=carrier_code,
            last_movement_at=last_movement_at,
            merchant_id=merchant_id,
            order_id=order_id,
            shipment_id=shipment_id,
            stale_alerted_at=stale_alerted_at,
            status=status,
            tracking_number=tracking_number,
        )

        stale_shipment.additional_properties = d
        return stale_shipment

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

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.direction import Direction
from ..models.shipment_status import ShipmentStatus
from ..models.sign_off_how import SignOffHow

if TYPE_CHECKING:
    from ..models.auto_confirm_public import AutoConfirmPublic
    from ..models.ops_flag_public import OpsFlagPublic
    from ..models.shipment_public_lines import ShipmentPublicLines
    from ..models.shipment_scan_public import ShipmentScanPublic


T = TypeVar("T", bound="ShipmentPublic")


@_attrs_define
class ShipmentPublic:
    """
    Attributes:
        auto_confirm (AutoConfirmPublic):
        auto_confirm_due_at (datetime.datetime | None):
        auto_confirm_paused_remaining_s (int | None):
        carrier_code (str):
        delivered_at (datetime.datetime | None):
        direction (Direction):
        dispatched_at (datetime.datetime):
        first_scan_at (datetime.datetime | None):
        last_movement_at (datetime.datetime):
        lines (ShipmentPublicLines): units in this parcel, by order line id
        merchant_id (str):
        open_disputes (int): refunds of the order open now
        ops_flags (list[OpsFlagPublic]):
        order_id (str):
        refund_id (None | str): the refund a return parcel belongs to
        scans (list[ShipmentScanPublic]):
        shipment_id (str):
        sign_off_how (None | SignOffHow):
        signed_off_at (datetime.datetime | None):
        status (ShipmentStatus):
        tracking_number (str):
    """

    auto_confirm: AutoConfirmPublic
    auto_confirm_due_at: datetime.datetime | None
    auto_confirm_paused_remaining_s: int | None
    carrier_code: str
    delivered_at: datetime.datetime | None
    direction: Direction
    dispatched_at: datetime.datetime
    first_scan_at: datetime.datetime | None
    last_movement_at: datetime.datetime
    lines: ShipmentPublicLines
    merchant_id: str
    open_disputes: int
    ops_flags: list[OpsFlagPublic]
    order_id: str
    refund_id: None | str
    scans: list[ShipmentScanPublic]
    shipment_id: str
    sign_off_how: None | SignOffHow
    signed_off_at: datetime.datetime | None
    status: ShipmentStatus
    tracking_number: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        auto_confirm = self.auto_confirm.to_dict()

        auto_confirm_due_at: None | str
        if isinstance(self.auto_confirm_due_at, datetime.datetime):
            auto_confirm_due_at = self.auto_confirm_due_at.isoformat()
        else:
            auto_confirm_due_at = self.auto_confirm_due_at

        auto_confirm_paused_remaining_s: int | None
        auto_confirm_paused_remaining_s = self.auto_confirm_paused_remaining_s

        carrier_code = self.carrier_code

        delivered_at: None | str
        if isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at

        direction = self.direction.value

        dispatched_at = self.dispatched_at.isoformat()

        first_scan_at: None | str
        if isinstance(self.first_scan_at, datetime.datetime):
            first_scan_at = self.first_scan_at.isoformat()
        else:
            first_scan_at = self.first_scan_at

        last_movement_at = self.last_movement_at.isoformat()

        lines = self.lines.to_dict()

        merchant_id = self.merchant_id

        open_disputes = self.open_disputes

        ops_flags = []
        for ops_flags_item_data in self.ops_flags:
            ops_flags_item = ops_flags_item_data.to_dict()
            ops_flags.append(ops_flags_item)

        order_id = self.order_id

        refund_id: None | str
        refund_id = self.refund_id

        scans = []
        for scans_item_data in self.scans:
            scans_item = scans_item_data.to_dict()
            scans.append(scans_item)

        shipment_id = self.shipment_id

        sign_off_how: None | str
        if isinstance(self.sign_off_how, SignOffHow):
            sign_off_how = self.sign_off_how.value
        else:
            sign_off_how = self.sign_off_how

        signed_off_at: None | str
        if isinstance(self.signed_off_at, datetime.datetime):
            signed_off_at = self.signed_off_at.isoformat()
        else:
            signed_off_at = self.signed_off_at

        status = self.status.value

        tracking_number = self.tracking_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "auto_confirm": auto_confirm,
                "auto_confirm_due_at": auto_confirm_due_at,
                "auto_confirm_paused_remaining_s": auto_confirm_paused_remaining_s,
                "carrier_code": carrier_code,
                "delivered_at": delivered_at,
                "direction": direction,
                "dispatched_at": dispatched_at,
                "first_scan_at": first_scan_at,
                "last_movement_at": last_movement_at,
                "lines": lines,
                "merchant_id": merchant_id,
                "open_disputes": open_disputes,
                "ops_flags": ops_flags,
                "order_id": order_id,
                "refund_id": refund_id,
                "scans": scans,
                "shipment_id": shipment_id,
                "sign_off_how": sign_off_how,
                "signed_off_at": signed_off_at,
                "status": status,
                "tracking_number": tracking_number,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.auto_confirm_public import AutoConfirmPublic  # noqa: PLC0415
        from ..models.ops_flag_public import OpsFlagPublic  # noqa: PLC0415
        from ..models.shipment_public_lines import ShipmentPublicLines  # noqa: PLC0415
        from ..models.shipment_scan_public import ShipmentScanPublic  # noqa: PLC0415

        d = dict(src_dict)
        auto_confirm = AutoConfirmPublic.from_dict(d.pop("auto_confirm"))

        def _parse_auto_confirm_due_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                auto_confirm_due_at_type_0 = datetime.datetime.fromisoformat(data)

                return auto_confirm_due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        auto_confirm_due_at = _parse_auto_confirm_due_at(d.pop("auto_confirm_due_at"))

        def _parse_auto_confirm_paused_remaining_s(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        auto_confirm_paused_remaining_s = _parse_auto_confirm_paused_remaining_s(
            d.pop("auto_confirm_paused_remaining_s")
        )

        carrier_code = d.pop("carrier_code")

        def _parse_delivered_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)

                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at"))

        direction = Direction(d.pop("direction"))

        dispatched_at = datetime.datetime.fromisoformat(d.pop("dispatched_at"))

        def _parse_first_scan_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_scan_at_type_0 = datetime.datetime.fromisoformat(data)

                return first_scan_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        first_scan_at = _parse_first_scan_at(d.pop("first_scan_at"))

        last_movement_at = datetime.datetime.fromisoformat(d.pop("last_movement_at"))

        lines = ShipmentPublicLines.from_dict(d.pop("lines"))

        merchant_id = d.pop("merchant_id")

        open_disputes = d.pop("open_disputes")

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

        scans = []
        _scans = d.pop("scans")
        for scans_item_data in _scans:
            scans_item = ShipmentScanPublic.from_dict(scans_item_data)

            scans.append(scans_item)

        shipment_id = d.pop("shipment_id")

        def _parse_sign_off_how(data: object) -> None | SignOffHow:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sign_off_how_type_0 = SignOffHow(data)

                return sign_off_how_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SignOffHow, data)

        sign_off_how = _parse_sign_off_how(d.pop("sign_off_how"))

        def _parse_signed_off_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                signed_off_at_type_0 = datetime.datetime.fromisoformat(data)

                return signed_off_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        signed_off_at = _parse_signed_off_at(d.pop("signed_off_at"))

        status = ShipmentStatus(d.pop("status"))

        tracking_number = d.pop("tracking_number")

        shipment_public = cls(
            auto_confirm=auto_confirm,
            auto_confirm_due_at=auto_confirm_due_at,
            auto_confirm_paused_remaining_s=auto_confirm_paused_remaining_s,
            carrier_code=carrier_code,
            delivered_at=delivered_at,
            direction=direction,
            dispatched_at=dispatched_at,
            first_scan_at=first_scan_at,
            last_movement_at=last_movement_at,
            lines=lines,
            merchant_id=merchant_id,
            open_disputes=open_disputes,
            ops_flags=ops_flags,
            order_id=order_id,
            refund_id=refund_id,
            scans=scans,
            shipment_id=shipment_id,
            sign_off_how=sign_off_how,
            signed_off_at=signed_off_at,
            status=status,
            tracking_number=tracking_number,
        )

        shipment_public.additional_properties = d
        return shipment_public

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

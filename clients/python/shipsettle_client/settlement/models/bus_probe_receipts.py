from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.bus_probe_receipt import BusProbeReceipt


T = TypeVar("T", bound="BusProbeReceipts")


@_attrs_define
class BusProbeReceipts:
    """
    Attributes:
        probe_id (str):
        receipts (list[BusProbeReceipt]):
    """

    probe_id: str
    receipts: list[BusProbeReceipt]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        probe_id = self.probe_id

        receipts = []
        for receipts_item_data in self.receipts:
            receipts_item = receipts_item_data.to_dict()
            receipts.append(receipts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "probe_id": probe_id,
                "receipts": receipts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bus_probe_receipt import BusProbeReceipt  # noqa: PLC0415

        d = dict(src_dict)
        probe_id = d.pop("probe_id")

        receipts = []
        _receipts = d.pop("receipts")
        for receipts_item_data in _receipts:
            receipts_item = BusProbeReceipt.from_dict(receipts_item_data)

            receipts.append(receipts_item)

        bus_probe_receipts = cls(
            probe_id=probe_id,
            receipts=receipts,
        )

        bus_probe_receipts.additional_properties = d
        return bus_probe_receipts

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

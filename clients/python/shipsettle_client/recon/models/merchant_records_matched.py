from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.merchant_record_difference import MerchantRecordDifference


T = TypeVar("T", bound="MerchantRecordsMatched")


@_attrs_define
class MerchantRecordsMatched:
    """
    Attributes:
        discrepancies (list[MerchantRecordDifference]):
        import_id (str):
        merchant_id (str):
    """

    discrepancies: list[MerchantRecordDifference]
    import_id: str
    merchant_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        discrepancies = []
        for discrepancies_item_data in self.discrepancies:
            discrepancies_item = discrepancies_item_data.to_dict()
            discrepancies.append(discrepancies_item)

        import_id = self.import_id

        merchant_id = self.merchant_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "discrepancies": discrepancies,
                "import_id": import_id,
                "merchant_id": merchant_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.merchant_record_difference import MerchantRecordDifference  # noqa: PLC0415

        d = dict(src_dict)
        discrepancies = []
        _discrepancies = d.pop("discrepancies")
        for discrepancies_item_data in _discrepancies:
            discrepancies_item = MerchantRecordDifference.from_dict(discrepancies_item_data)

            discrepancies.append(discrepancies_item)

        import_id = d.pop("import_id")

        merchant_id = d.pop("merchant_id")

        merchant_records_matched = cls(
            discrepancies=discrepancies,
            import_id=import_id,
            merchant_id=merchant_id,
        )

        merchant_records_matched.additional_properties = d
        return merchant_records_matched

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

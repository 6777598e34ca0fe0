from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.merchant_record_difference_ours_type_0 import (
        MerchantRecordDifferenceOursType0,
    )
    from ..models.merchant_record_difference_theirs_type_0 import (
        MerchantRecordDifferenceTheirsType0,
    )


T = TypeVar("T", bound="MerchantRecordDifference")


@_attrs_define
class MerchantRecordDifference:
    """
    Attributes:
        order_id (None | str):
        ours (MerchantRecordDifferenceOursType0 | None):
        theirs (MerchantRecordDifferenceTheirsType0 | None):
        type_ (str): missing_on_our_side, missing_on_their_side, amount_differs, status_differs, duplicate
    """

    order_id: None | str
    ours: MerchantRecordDifferenceOursType0 | None
    theirs: MerchantRecordDifferenceTheirsType0 | None
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.merchant_record_difference_ours_type_0 import (
            MerchantRecordDifferenceOursType0,  # noqa: PLC0415
        )
        from ..models.merchant_record_difference_theirs_type_0 import (
            MerchantRecordDifferenceTheirsType0,  # noqa: PLC0415
        )

        order_id: None | str
        order_id = self.order_id

        ours: dict[str, Any] | None
        if isinstance(self.ours, MerchantRecordDifferenceOursType0):
            ours = self.ours.to_dict()
        else:
            ours = self.ours

        theirs: dict[str, Any] | None
        if isinstance(self.theirs, MerchantRecordDifferenceTheirsType0):
            theirs = self.theirs.to_dict()
        else:
            theirs = self.theirs

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "order_id": order_id,
                "ours": ours,
                "theirs": theirs,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.merchant_record_difference_ours_type_0 import (
            MerchantRecordDifferenceOursType0,  # noqa: PLC0415
        )
        from ..models.merchant_record_difference_theirs_type_0 import (
            MerchantRecordDifferenceTheirsType0,  # noqa: PLC0415
        )

        d = dict(src_dict)

        def _parse_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_id = _parse_order_id(d.pop("order_id"))

        def _parse_ours(data: object) -> MerchantRecordDifferenceOursType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ours_type_0 = MerchantRecordDifferenceOursType0.from_dict(data)

                return ours_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MerchantRecordDifferenceOursType0 | None, data)

        ours = _parse_ours(d.pop("ours"))

        def _parse_theirs(data: object) -> MerchantRecordDifferenceTheirsType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                theirs_type_0 = MerchantRecordDifferenceTheirsType0.from_dict(data)

                return theirs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MerchantRecordDifferenceTheirsType0 | None, data)

        theirs = _parse_theirs(d.pop("theirs"))

        type_ = d.pop("type")

        merchant_record_difference = cls(
            order_id=order_id,
            ours=ours,
            theirs=theirs,
            type_=type_,
        )

        merchant_record_difference.additional_properties = d
        return merchant_record_difference

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

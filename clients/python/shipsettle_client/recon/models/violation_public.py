from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.violation_public_figures import ViolationPublicFigures


T = TypeVar("T", bound="ViolationPublic")


@_attrs_define
class ViolationPublic:
    """
    Attributes:
        check (str): conservation, settled_without_sign_off or not_settled_in_window
        detected_at (datetime.datetime):
        figures (ViolationPublicFigures):
        id (int):
        merchant_id (None | str):
        message (str):
        order_id (str):
        resolved_at (datetime.datetime | None):
    """

    check: str
    detected_at: datetime.datetime
    figures: ViolationPublicFigures
    id: int
    merchant_id: None | str
    message: str
    order_id: str
    resolved_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        check = self.check

        detected_at = self.detected_at.isoformat()

        figures = self.figures.to_dict()

        id = self.id

        merchant_id: None | str
        merchant_id = self.merchant_id

        message = self.message

        order_id = self.order_id

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "check": check,
                "detected_at": detected_at,
                "figures": figures,
                "id": id,
                "merchant_id": merchant_id,
                "message": message,
                "order_id": order_id,
                "resolved_at": resolved_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.violation_public_figures import ViolationPublicFigures  # noqa: PLC0415

        d = dict(src_dict)
        check = d.pop("check")

        detected_at = datetime.datetime.fromisoformat(d.pop("detected_at"))

        figures = ViolationPublicFigures.from_dict(d.pop("figures"))

        id = d.pop("id")

        def _parse_merchant_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        merchant_id = _parse_merchant_id(d.pop("merchant_id"))

        message = d.pop("message")

        order_id = d.pop("order_id")

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        violation_public = cls(
            check=check,
            detected_at=detected_at,
            figures=figures,
            id=id,
            merchant_id=merchant_id,
            message=message,
            order_id=order_id,
            resolved_at=resolved_at,
        )

        violation_public.additional_properties = d
        return violation_public

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

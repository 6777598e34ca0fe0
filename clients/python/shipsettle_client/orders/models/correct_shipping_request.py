from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.consignee_request import ConsigneeRequest


T = TypeVar("T", bound="CorrectShippingRequest")


@_attrs_define
class CorrectShippingRequest:
    """
    Attributes:
        consignee (ConsigneeRequest):
        reason (str):
    """

    consignee: ConsigneeRequest
    reason: str

    def to_dict(self) -> dict[str, Any]:
        consignee = self.consignee.to_dict()

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "consignee": consignee,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consignee_request import ConsigneeRequest  # noqa: PLC0415

        d = dict(src_dict)
        consignee = ConsigneeRequest.from_dict(d.pop("consignee"))

        reason = d.pop("reason")

        correct_shipping_request = cls(
            consignee=consignee,
            reason=reason,
        )

        return correct_shipping_request

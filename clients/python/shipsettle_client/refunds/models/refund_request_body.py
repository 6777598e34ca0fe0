from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.reason_code import ReasonCode
from ..models.refund_kind import RefundKind

if TYPE_CHECKING:
    from ..models.refund_line_request import RefundLineRequest


T = TypeVar("T", bound="RefundRequestBody")


@_attrs_define
class RefundRequestBody:
    """
    Attributes:
        kind (RefundKind):
        lines (list[RefundLineRequest]):
        order_id (str):
        reason (str):
        reason_code (ReasonCode):
    """

    kind: RefundKind
    lines: list[RefundLineRequest]
    order_id: str
    reason: str
    reason_code: ReasonCode

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        order_id = self.order_id

        reason = self.reason

        reason_code = self.reason_code.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "lines": lines,
                "order_id": order_id,
                "reason": reason,
                "reason_code": reason_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.refund_line_request import RefundLineRequest  # noqa: PLC0415

        d = dict(src_dict)
        kind = RefundKind(d.pop("kind"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = RefundLineRequest.from_dict(lines_item_data)

            lines.append(lines_item)

        order_id = d.pop("order_id")

        reason = d.pop("reason")

        reason_code = ReasonCode(d.pop("reason_code"))

        refund_request_body = cls(
            kind=kind,
            lines=lines,
            order_id=order_id,
            reason=reason,
            reason_code=reason_code,
        )

        return refund_request_body

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.refund_kind import RefundKind

if TYPE_CHECKING:
    from ..models.quote_line import QuoteLine


T = TypeVar("T", bound="RefundQuotePublic")


@_attrs_define
class RefundQuotePublic:
    """
    Attributes:
        commission_base_reversed_minor (int):
        currency (str):
        explanation (str):
        goods_minor (int):
        kind (RefundKind):
        lines (list[QuoteLine]):
        merchant_charge_before_commission_minor (int):
        order_id (str):
        platform_subsidy_reversed_minor (int):
        refund (str): refund_minor as a decimal string in the currency, e.g. '128.00'
        refund_minor (int): what the buyer gets: goods and shipping
        shipping_minor (int):
    """

    commission_base_reversed_minor: int
    currency: str
    explanation: str
    goods_minor: int
    kind: RefundKind
    lines: list[QuoteLine]
    merchant_charge_before_commission_minor: int
    order_id: str
    platform_subsidy_reversed_minor: int
    refund: str
    refund_minor: int
    shipping_minor: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        commission_base_reversed_minor = self.commission_base_reversed_minor

        currency = self.currency

        explanation = self.explanation

        goods_minor = self.goods_minor

        kind = self.kind.value

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        merchant_charge_before_commission_minor = self.merchant_charge_before_commission_minor

        order_id = self.order_id

        platform_subsidy_reversed_minor = self.platform_subsidy_reversed_minor

        refund = self.refund

        refund_minor = self.refund_minor

        shipping_minor = self.shipping_minor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "commission_base_reversed_minor": commission_base_reversed_minor,
                "currency": currency,
                "explanation": explanation,
                "goods_minor": goods_minor,
                "kind": kind,
                "lines": lines,
                "merchant_charge_before_commission_minor": merchant_charge_before_commission_minor,
                "order_id": order_id,
                "platform_subsidy_reversed_minor": platform_subsidy_reversed_minor,
                "refund": refund,
                "refund_minor": refund_minor,
                "shipping_minor": shipping_minor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.quote_line import QuoteLine  # noqa: PLC0415

        d = dict(src_dict)
        commission_base_reversed_minor = d.pop("commission_base_reversed_minor")

        currency = d.pop("currency")

        explanation = d.pop("explanation")

        goods_minor = d.pop("goods_minor")

        kind = RefundKind(d.pop("kind"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = QuoteLine.from_dict(lines_item_data)

            lines.append(lines_item)

        merchant_charge_before_commission_minor = d.pop("merchant_charge_before_commission_minor")

        order_id = d.pop("order_id")

        platform_subsidy_reversed_minor = d.pop("platform_subsidy_reversed_minor")

        refund = d.pop("refund")

        refund_minor = d.pop("refund_minor")

        shipping_minor = d.pop("shipping_minor")

        refund_quote_public = cls(
            commission_base_reversed_minor=commission_base_reversed_minor,
            currency=currency,
            explanation=explanation,
            goods_minor=goods_minor,
            kind=kind,
            lines=lines,
            merchant_charge_before_commission_minor=merchant_charge_before_commission_minor,
            order_id=order_id,
            platform_subsidy_reversed_minor=platform_subsidy_reversed_minor,
            refund=refund,
            refund_minor=refund_minor,
            shipping_minor=shipping_minor,
        )

        refund_quote_public.additional_properties = d
        return refund_quote_public

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

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.stock_figures_public import StockFiguresPublic
    from ..models.stock_line_row import StockLineRow
    from ..models.stock_sku_row import StockSkuRow


T = TypeVar("T", bound="GoodsShippedReportPublic")


@_attrs_define
class GoodsShippedReportPublic:
    """
    Attributes:
        currency (str):
        incomplete_orders (list[str]):
        lines (list[StockLineRow]):
        merchant_id (str):
        period_end (datetime.datetime):
        period_start (datetime.datetime):
        skus (list[StockSkuRow]):
        total (StockFiguresPublic):
    """

    currency: str
    incomplete_orders: list[str]
    lines: list[StockLineRow]
    merchant_id: str
    period_end: datetime.datetime
    period_start: datetime.datetime
    skus: list[StockSkuRow]
    total: StockFiguresPublic
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        incomplete_orders = self.incomplete_orders

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        merchant_id = self.merchant_id

        period_end = self.period_end.isoformat()

        period_start = self.period_start.isoformat()

        skus = []
        for skus_item_data in self.skus:
            skus_item = skus_item_data.to_dict()
            skus.append(skus_item)

        total = self.total.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "incomplete_orders": incomplete_orders,
                "lines": lines,
                "merchant_id": merchant_id,
                "period_end": period_end,
                "period_start": period_start,
                "skus": skus,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stock_figures_public import StockFiguresPublic  # noqa: PLC0415
        from ..models.stock_line_row import StockLineRow  # noqa: PLC0415
        from ..models.stock_sku_row import StockSkuRow  # noqa: PLC0415

        d = dict(src_dict)
        currency = d.pop("currency")

        incomplete_orders = cast(list[str], d.pop("incomplete_orders"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = StockLineRow.from_dict(lines_item_data)

            lines.append(lines_item)

        merchant_id = d.pop("merchant_id")

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))

        skus = []
        _skus = d.pop("skus")
        for skus_item_data in _skus:
            skus_item = StockSkuRow.from_dict(skus_item_data)

            skus.append(skus_item)

        total = StockFiguresPublic.from_dict(d.pop("total"))

        goods_shipped_report_public = cls(
            currency=currency,
            incomplete_orders=incomplete_orders,
            lines=lines,
            merchant_id=merchant_id,
            period_end=period_end,
            period_start=period_start,
            skus=skus,
            total=total,
        )

        goods_shipped_report_public.additional_properties = d
        return goods_shipped_report_public

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

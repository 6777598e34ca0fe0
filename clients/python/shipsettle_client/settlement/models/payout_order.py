from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.booking_ref import BookingRef
    from ..models.discounts_by_funder import DiscountsByFunder
    from ..models.payout_item import PayoutItem
    from ..models.payout_order_coupons_item import PayoutOrderCouponsItem


T = TypeVar("T", bound="PayoutOrder")


@_attrs_define
class PayoutOrder:
    """
    Attributes:
        allocated_minor (int): what of this payout the order's released money makes up
        booked_by_events (list[BookingRef]):
        coupons (list[PayoutOrderCouponsItem]): the order's coupons as it was priced
        discounts_by_funder_minor (DiscountsByFunder):
        goods_total_minor (int | None):
        items (list[PayoutItem]):
        order_id (str):
        released_by (list[str]): the ledger transactions that released it
    """

    allocated_minor: int
    booked_by_events: list[BookingRef]
    coupons: list[PayoutOrderCouponsItem]
    discounts_by_funder_minor: DiscountsByFunder
    goods_total_minor: int | None
    items: list[PayoutItem]
    order_id: str
    released_by: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allocated_minor = self.allocated_minor

        booked_by_events = []
        for booked_by_events_item_data in self.booked_by_events:
            booked_by_events_item = booked_by_events_item_data.to_dict()
            booked_by_events.append(booked_by_events_item)

        coupons = []
        for coupons_item_data in self.coupons:
            coupons_item = coupons_item_data.to_dict()
            coupons.append(coupons_item)

        discounts_by_funder_minor = self.discounts_by_funder_minor.to_dict()

        goods_total_minor: int | None
        goods_total_minor = self.goods_total_minor

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        order_id = self.order_id

        released_by = self.released_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocated_minor": allocated_minor,
                "booked_by_events": booked_by_events,
                "coupons": coupons,
                "discounts_by_funder_minor": discounts_by_funder_minor,
                "goods_total_minor": goods_total_minor,
                "items": items,
                "order_id": order_id,
                "released_by": released_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.booking_ref import BookingRef  # noqa: PLC0415
        from ..models.discounts_by_funder import DiscountsByFunder  # noqa: PLC0415
        from ..models.payout_item import PayoutItem  # noqa: PLC0415
        from ..models.payout_order_coupons_item import PayoutOrderCouponsItem  # noqa: PLC0415

        d = dict(src_dict)
        allocated_minor = d.pop("allocated_minor")

        booked_by_events = []
        _booked_by_events = d.pop("booked_by_events")
        for booked_by_events_item_data in _booked_by_events:
            booked_by_events_item = BookingRef.from_dict(booked_by_events_item_data)

            booked_by_events.append(booked_by_events_item)

        coupons = []
        _coupons = d.pop("coupons")
        for coupons_item_data in _coupons:
            coupons_item = PayoutOrderCouponsItem.from_dict(coupons_item_data)

            coupons.append(coupons_item)

        discounts_by_funder_minor = DiscountsByFunder.from_dict(d.pop("discounts_by_funder_minor"))

        def _parse_goods_total_minor(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        goods_total_minor = _parse_goods_total_minor(d.pop("goods_total_minor"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = PayoutItem.from_dict(items_item_data)

            items.append(items_item)

        order_id = d.pop("order_id")

        released_by = cast(list[str], d.pop("released_by"))

        payout_order = cls(
            allocated_minor=allocated_minor,
            booked_by_events=booked_by_events,
            coupons=coupons,
            discounts_by_funder_minor=discounts_by_funder_minor,
            goods_total_minor=goods_total_minor,
            items=items,
            order_id=order_id,
            released_by=released_by,
        )

        payout_order.additional_properties = d
        return payout_order

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

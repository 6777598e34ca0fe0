from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.payout_item import PayoutItem
    from ..models.payout_order import PayoutOrder


T = TypeVar("T", bound="PayoutExplanation")


@_attrs_define
class PayoutExplanation:
    """
    Attributes:
        allocation_rule (str): how released order amounts are assigned to settlement applications (first in, first out)
        amount_minor (int): net: what the bank was asked to pay
        application_id (str):
        currency (str):
        gross_minor (int):
        items (list[PayoutItem]): what is not of one order: the claw-back deduction, unattributed
        items_total_minor (int):
        merchant_id (str):
        orders (list[PayoutOrder]):
        paid_at (datetime.datetime | None):
        payout_id (str):
        reconciles (bool):
        status (str):
    """

    allocation_rule: str
    amount_minor: int
    application_id: str
    currency: str
    gross_minor: int
    items: list[PayoutItem]
    items_total_minor: int
    merchant_id: str
    orders: list[PayoutOrder]
    paid_at: datetime.datetime | None
    payout_id: str
    reconciles: bool
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allocation_rule = self.allocation_rule

        amount_minor = self.amount_minor

        application_id = self.application_id

        currency = self.currency

        gross_minor = self.gross_minor

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        items_total_minor = self.items_total_minor

        merchant_id = self.merchant_id

        orders = []
        for orders_item_data in self.orders:
            orders_item = orders_item_data.to_dict()
            orders.append(orders_item)

        paid_at: None | str
        if isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        payout_id = self.payout_id

        reconciles = self.reconciles

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocation_rule": allocation_rule,
                "amount_minor": amount_minor,
                "application_id": application_id,
                "currency": currency,
                "gross_minor": gross_minor,
                "items": items,
                "items_total_minor": items_total_minor,
                "merchant_id": merchant_id,
                "orders": orders,
                "paid_at": paid_at,
                "payout_id": payout_id,
                "reconciles": reconciles,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payout_item import PayoutItem  # noqa: PLC0415
        from ..models.payout_order import PayoutOrder  # noqa: PLC0415

        d = dict(src_dict)
        allocation_rule = d.pop("allocation_rule")

        amount_minor = d.pop("amount_minor")

        application_id = d.pop("application_id")

        currency = d.pop("currency")

        gross_minor = d.pop("gross_minor")

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = PayoutItem.from_dict(items_item_data)

            items.append(items_item)

        items_total_minor = d.pop("items_total_minor")

        merchant_id = d.pop("merchant_id")

        orders = []
        _orders = d.pop("orders")
        for orders_item_data in _orders:
            orders_item = PayoutOrder.from_dict(orders_item_data)

            orders.append(orders_item)

        def _parse_paid_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)

                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paid_at = _parse_paid_at(d.pop("paid_at"))

        payout_id = d.pop("payout_id")

        reconciles = d.pop("reconciles")

        status = d.pop("status")

        payout_explanation = cls(
            allocation_rule=allocation_rule,
            amount_minor=amount_minor,
            application_id=application_id,
            currency=currency,
            gross_minor=gross_minor,
            items=items,
            items_total_minor=items_total_minor,
            merchant_id=merchant_id,
            orders=orders,
            paid_at=paid_at,
            payout_id=payout_id,
            reconciles=reconciles,
            status=status,
        )

        payout_explanation.additional_properties = d
        return payout_explanation

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

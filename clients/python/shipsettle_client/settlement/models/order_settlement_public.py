from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.hold_public import HoldPublic
    from ..models.ledger_transaction_public import LedgerTransactionPublic
    from ..models.order_refund_settlement import OrderRefundSettlement
    from ..models.order_settlement_public_lines import OrderSettlementPublicLines


T = TypeVar("T", bound="OrderSettlementPublic")


@_attrs_define
class OrderSettlementPublic:
    """
    Attributes:
        commission_booked_minor (int):
        commission_reversed_minor (int):
        holds (list[HoldPublic]):
        lines (OrderSettlementPublicLines): by order line id
        merchant_id (str):
        order_id (str):
        refunds (list[OrderRefundSettlement]):
        shipping_refunded_minor (int):
        transactions (list[LedgerTransactionPublic]):
    """

    commission_booked_minor: int
    commission_reversed_minor: int
    holds: list[HoldPublic]
    lines: OrderSettlementPublicLines
    merchant_id: str
    order_id: str
    refunds: list[OrderRefundSettlement]
    shipping_refunded_minor: int
    transactions: list[LedgerTransactionPublic]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        commission_booked_minor = self.commission_booked_minor

        commission_reversed_minor = self.commission_reversed_minor

        holds = []
        for holds_item_data in self.holds:
            holds_item = holds_item_data.to_dict()
            holds.append(holds_item)

        lines = self.lines.to_dict()

        merchant_id = self.merchant_id

        order_id = self.order_id

        refunds = []
        for refunds_item_data in self.refunds:
            refunds_item = refunds_item_data.to_dict()
            refunds.append(refunds_item)

        shipping_refunded_minor = self.shipping_refunded_minor

        transactions = []
        for transactions_item_data in self.transactions:
            transactions_item = transactions_item_data.to_dict()
            transactions.append(transactions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "commission_booked_minor": commission_booked_minor,
                "commission_reversed_minor": commission_reversed_minor,
                "holds": holds,
                "lines": lines,
                "merchant_id": merchant_id,
                "order_id": order_id,
                "refunds": refunds,
                "shipping_refunded_minor": shipping_refunded_minor,
                "transactions": transactions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.hold_public import HoldPublic  # noqa: PLC0415
        from ..models.ledger_transaction_public import LedgerTransactionPublic  # noqa: PLC0415
        from ..models.order_refund_settlement import OrderRefundSettlement  # noqa: PLC0415
        from ..models.order_settlement_public_lines import OrderSettlementPublicLines  # noqa: PLC0415

        d = dict(src_dict)
        commission_booked_minor = d.pop("commission_booked_minor")

        commission_reversed_minor = d.pop("commission_reversed_minor")

        holds = []
        _holds = d.pop("holds")
        for holds_item_data in _holds:
            holds_item = HoldPublic.from_dict(holds_item_data)

            holds.append(holds_item)

        lines = OrderSettlementPublicLines.from_dict(d.pop("lines"))

        merchant_id = d.pop("merchant_id")

        order_id = d.pop("order_id")

        refunds = []
        _refunds = d.pop("refunds")
        for refunds_item_data in _refunds:
            refunds_item = OrderRefundSettlement.from_dict(refunds_item_data)

            refunds.append(refunds_item)

        shipping_refunded_minor = d.pop("shipping_refunded_minor")

        transactions = []
        _transactions = d.pop("transactions")
        for transactions_item_data in _transactions:
            transactions_item = LedgerTransactionPublic.from_dict(transactions_item_data)

            transactions.append(transactions_item)

        order_settlement_public = cls(
            commission_booked_minor=commission_booked_minor,
            commission_reversed_minor=commission_reversed_minor,
            holds=holds,
            lines=lines,
            merchant_id=merchant_id,
            order_id=order_id,
            refunds=refunds,
            shipping_refunded_minor=shipping_refunded_minor,
            transactions=transactions,
        )

        order_settlement_public.additional_properties = d
        return order_settlement_public

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

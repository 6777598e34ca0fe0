from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.order_money_holds import OrderMoneyHolds


T = TypeVar("T", bound="OrderMoney")


@_attrs_define
class OrderMoney:
    """
    Attributes:
        buyer_paid_minor (int | None): null until recon has the order's OrderPlaced
        commission_minor (int):
        escrow_minor (int | None): what the platform still holds; null with buyer_paid_minor
        holds (OrderMoneyHolds): by hold id: release_at, released_at
        merchant_id (None | str): null until recon has the order's OrderPlaced
        merchant_net_minor (int):
        order_id (str):
        platform_subsidy_minor (int):
        refunded_to_buyer_minor (int):
        units_ordered (int):
        units_refunded (int):
        units_signed_off (int):
    """

    buyer_paid_minor: int | None
    commission_minor: int
    escrow_minor: int | None
    holds: OrderMoneyHolds
    merchant_id: None | str
    merchant_net_minor: int
    order_id: str
    platform_subsidy_minor: int
    refunded_to_buyer_minor: int
    units_ordered: int
    units_refunded: int
    units_signed_off: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        buyer_paid_minor: int | None
        buyer_paid_minor = self.buyer_paid_minor

        commission_minor = self.commission_minor

        escrow_minor: int | None
        escrow_minor = self.escrow_minor

        holds = self.holds.to_dict()

        merchant_id: None | str
        merchant_id = self.merchant_id

        merchant_net_minor = self.merchant_net_minor

        order_id = self.order_id

        platform_subsidy_minor = self.platform_subsidy_minor

        refunded_to_buyer_minor = self.refunded_to_buyer_minor

        units_ordered = self.units_ordered

        units_refunded = self.units_refunded

        units_signed_off = self.units_signed_off

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "buyer_paid_minor": buyer_paid_minor,
                "commission_minor": commission_minor,
                "escrow_minor": escrow_minor,
                "holds": holds,
                "merchant_id": merchant_id,
                "merchant_net_minor": merchant_net_minor,
                "order_id": order_id,
                "platform_subsidy_minor": platform_subsidy_minor,
                "refunded_to_buyer_minor": refunded_to_buyer_minor,
                "units_ordered": units_ordered,
                "units_refunded": units_refunded,
                "units_signed_off": units_signed_off,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_money_holds import OrderMoneyHolds  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_buyer_paid_minor(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        buyer_paid_minor = _parse_buyer_paid_minor(d.pop("buyer_paid_minor"))

        commission_minor = d.pop("commission_minor")

        def _parse_escrow_minor(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        escrow_minor = _parse_escrow_minor(d.pop("escrow_minor"))

        holds = OrderMoneyHolds.from_dict(d.pop("holds"))

        def _parse_merchant_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        merchant_id = _parse_merchant_id(d.pop("merchant_id"))

        merchant_net_minor = d.pop("merchant_net_minor")

        order_id = d.pop("order_id")

        platform_subsidy_minor = d.pop("platform_subsidy_minor")

        refunded_to_buyer_minor = d.pop("refunded_to_buyer_minor")

        units_ordered = d.pop("units_ordered")

        units_refunded = d.pop("units_refunded")

        units_signed_off = d.pop("units_signed_off")

        order_money = cls(
            buyer_paid_minor=buyer_paid_minor,
            commission_minor=commission_minor,
            escrow_minor=escrow_minor,
            holds=holds,
            merchant_id=merchant_id,
            merchant_net_minor=merchant_net_minor,
            order_id=order_id,
            platform_subsidy_minor=platform_subsidy_minor,
            refunded_to_buyer_minor=refunded_to_buyer_minor,
            units_ordered=units_ordered,
            units_refunded=units_refunded,
            units_signed_off=units_signed_off,
        )

        order_money.additional_properties = d
        return order_money

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

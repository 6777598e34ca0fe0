from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.payout_item_where_type_0 import PayoutItemWhereType0
    from ..models.recovered_debt import RecoveredDebt
    from ..models.transaction_ref import TransactionRef


T = TypeVar("T", bound="PayoutItem")


@_attrs_define
class PayoutItem:
    """
    Attributes:
        amount_minor (int):
        description (str):
        kind (str): paid, shipping, platform_subsidy, commission, refunds, reserve_withheld, reserve_released,
            frozen_for_refunds, not_in_this_payout, clawback_deduction, unattributed, ...
        transactions (list[TransactionRef]):
        recovers (list[RecoveredDebt] | None | Unset): clawback_deduction only
        refund_events (list[None | str] | None | Unset): refunds only: the refund events behind the reversals
        where (None | PayoutItemWhereType0 | Unset): not_in_this_payout only: other_applications (by id),
            still_available, taken_by_refunds_of_other_orders, refunds_covered_by_other_orders_money
    """

    amount_minor: int
    description: str
    kind: str
    transactions: list[TransactionRef]
    recovers: list[RecoveredDebt] | None | Unset = UNSET
    refund_events: list[None | str] | None | Unset = UNSET
    where: None | PayoutItemWhereType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.payout_item_where_type_0 import PayoutItemWhereType0  # noqa: PLC0415

        amount_minor = self.amount_minor

        description = self.description

        kind = self.kind

        transactions = []
        for transactions_item_data in self.transactions:
            transactions_item = transactions_item_data.to_dict()
            transactions.append(transactions_item)

        recovers: list[dict[str, Any]] | None | Unset
        if isinstance(self.recovers, Unset):
            recovers = UNSET
        elif isinstance(self.recovers, list):
            recovers = []
            for recovers_type_0_item_data in self.recovers:
                recovers_type_0_item = recovers_type_0_item_data.to_dict()
                recovers.append(recovers_type_0_item)

        else:
            recovers = self.recovers

        refund_events: list[None | str] | None | Unset
        if isinstance(self.refund_events, Unset):
            refund_events = UNSET
        elif isinstance(self.refund_events, list):
            refund_events = []
            for refund_events_type_0_item_data in self.refund_events:
                refund_events_type_0_item: None | str
                refund_events_type_0_item = refund_events_type_0_item_data
                refund_events.append(refund_events_type_0_item)

        else:
            refund_events = self.refund_events

        where: dict[str, Any] | None | Unset
        if isinstance(self.where, Unset):
            where = UNSET
        elif isinstance(self.where, PayoutItemWhereType0):
            where = self.where.to_dict()
        else:
            where = self.where

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_minor": amount_minor,
                "description": description,
                "kind": kind,
                "transactions": transactions,
            }
        )
        if recovers is not UNSET:
            field_dict["recovers"] = recovers
        if refund_events is not UNSET:
            field_dict["refund_events"] = refund_events
        if where is not UNSET:
            field_dict["where"] = where

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payout_item_where_type_0 import PayoutItemWhereType0  # noqa: PLC0415
        from ..models.recovered_debt import RecoveredDebt  # noqa: PLC0415
        from ..models.transaction_ref import TransactionRef  # noqa: PLC0415

        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        description = d.pop("description")

        kind = d.pop("kind")

        transactions = []
        _transactions = d.pop("transactions")
        for transactions_item_data in _transactions:
            transactions_item = TransactionRef.from_dict(transactions_item_data)

            transactions.append(transactions_item)

        def _parse_recovers(data: object) -> list[RecoveredDebt] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                recovers_type_0 = []
                _recovers_type_0 = data
                for recovers_type_0_item_data in _recovers_type_0:
                    recovers_type_0_item = RecoveredDebt.from_dict(recovers_type_0_item_data)

                    recovers_type_0.append(recovers_type_0_item)

                return recovers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[RecoveredDebt] | None | Unset, data)

        recovers = _parse_recovers(d.pop("recovers", UNSET))

        def _parse_refund_events(data: object) -> list[None | str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                refund_events_type_0 = []
                _refund_events_type_0 = data
                for refund_events_type_0_item_data in _refund_events_type_0:

                    def _parse_refund_events_type_0_item(data: object) -> None | str:
                        if data is None:
                            return data
                        return cast(None | str, data)

                    refund_events_type_0_item = _parse_refund_events_type_0_item(refund_events_type_0_item_data)

                    refund_events_type_0.append(refund_events_type_0_item)

                return refund_events_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[None | str] | None | Unset, data)

        refund_events = _parse_refund_events(d.pop("refund_events", UNSET))

        def _parse_where(data: object) -> None | PayoutItemWhereType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                where_type_0 = PayoutItemWhereType0.from_dict(data)

                return where_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PayoutItemWhereType0 | Unset, data)

        where = _parse_where(d.pop("where", UNSET))

        payout_item = cls(
            amount_minor=amount_minor,
            description=description,
            kind=kind,
            transactions=transactions,
            recovers=recovers,
            refund_events=refund_events,
            where=where,
        )

        payout_item.additional_properties = d
        return payout_item

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

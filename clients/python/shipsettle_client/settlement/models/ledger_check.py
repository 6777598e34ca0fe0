from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.balance_drift import BalanceDrift
    from ..models.parked_event_public import ParkedEventPublic


T = TypeVar("T", bound="LedgerCheck")


@_attrs_define
class LedgerCheck:
    """
    Attributes:
        balances_differing_from_postings (list[BalanceDrift]):
        ok (bool):
        parked_events (list[ParkedEventPublic]):
        unbalanced_transactions (list[str]): tx keys whose postings do not sum to zero
    """

    balances_differing_from_postings: list[BalanceDrift]
    ok: bool
    parked_events: list[ParkedEventPublic]
    unbalanced_transactions: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        balances_differing_from_postings = []
        for balances_differing_from_postings_item_data in self.balances_differing_from_postings:
            balances_differing_from_postings_item = balances_differing_from_postings_item_data.to_dict()
            balances_differing_from_postings.append(balances_differing_from_postings_item)

        ok = self.ok

        parked_events = []
        for parked_events_item_data in self.parked_events:
            parked_events_item = parked_events_item_data.to_dict()
            parked_events.append(parked_events_item)

        unbalanced_transactions = self.unbalanced_transactions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "balances_differing_from_postings": balances_differing_from_postings,
                "ok": ok,
                "parked_events": parked_events,
                "unbalanced_transactions": unbalanced_transactions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.balance_drift import BalanceDrift  # noqa: PLC0415
        from ..models.parked_event_public import ParkedEventPublic  # noqa: PLC0415

        d = dict(src_dict)
        balances_differing_from_postings = []
        _balances_differing_from_postings = d.pop("balances_differing_from_postings")
        for balances_differing_from_postings_item_data in _balances_differing_from_postings:
            balances_differing_from_postings_item = BalanceDrift.from_dict(balances_differing_from_postings_item_data)

            balances_differing_from_postings.append(balances_differing_from_postings_item)

        ok = d.pop("ok")

        parked_events = []
        _parked_events = d.pop("parked_events")
        for parked_events_item_data in _parked_events:
            parked_events_item = ParkedEventPublic.from_dict(parked_events_item_data)

            parked_events.append(parked_events_item)

        unbalanced_transactions = cast(list[str], d.pop("unbalanced_transactions"))

        ledger_check = cls(
            balances_differing_from_postings=balances_differing_from_postings,
            ok=ok,
            parked_events=parked_events,
            unbalanced_transactions=unbalanced_transactions,
        )

        ledger_check.additional_properties = d
        return ledger_check

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

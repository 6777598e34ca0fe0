from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.explained_group_effect_minor import ExplainedGroupEffectMinor
    from ..models.explained_transaction import ExplainedTransaction


T = TypeVar("T", bound="ExplainedGroup")


@_attrs_define
class ExplainedGroup:
    """
    Attributes:
        effect_minor (ExplainedGroupEffectMinor):
        transactions (list[ExplainedTransaction]):
    """

    effect_minor: ExplainedGroupEffectMinor
    transactions: list[ExplainedTransaction]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        effect_minor = self.effect_minor.to_dict()

        transactions = []
        for transactions_item_data in self.transactions:
            transactions_item = transactions_item_data.to_dict()
            transactions.append(transactions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "effect_minor": effect_minor,
                "transactions": transactions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.explained_group_effect_minor import ExplainedGroupEffectMinor  # noqa: PLC0415
        from ..models.explained_transaction import ExplainedTransaction  # noqa: PLC0415

        d = dict(src_dict)
        effect_minor = ExplainedGroupEffectMinor.from_dict(d.pop("effect_minor"))

        transactions = []
        _transactions = d.pop("transactions")
        for transactions_item_data in _transactions:
            transactions_item = ExplainedTransaction.from_dict(transactions_item_data)

            transactions.append(transactions_item)

        explained_group = cls(
            effect_minor=effect_minor,
            transactions=transactions,
        )

        explained_group.additional_properties = d
        return explained_group

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Move")


@_attrs_define
class Move:
    """
    Attributes:
        note (str): what was found, or why it is written off
        adjustment_tx_key (None | str | Unset): resolve: the settlement ledger transaction that settles it
    """

    note: str
    adjustment_tx_key: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        note = self.note

        adjustment_tx_key: None | str | Unset
        if isinstance(self.adjustment_tx_key, Unset):
            adjustment_tx_key = UNSET
        else:
            adjustment_tx_key = self.adjustment_tx_key

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "note": note,
            }
        )
        if adjustment_tx_key is not UNSET:
            field_dict["adjustment_tx_key"] = adjustment_tx_key

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        note = d.pop("note")

        def _parse_adjustment_tx_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        adjustment_tx_key = _parse_adjustment_tx_key(d.pop("adjustment_tx_key", UNSET))

        move = cls(
            note=note,
            adjustment_tx_key=adjustment_tx_key,
        )

        return move

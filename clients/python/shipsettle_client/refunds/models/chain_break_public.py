from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.break_kind import BreakKind

T = TypeVar("T", bound="ChainBreakPublic")


@_attrs_define
class ChainBreakPublic:
    """
    Attributes:
        detail (str):
        kind (BreakKind):
        seq (int): the first row found broken (or missing)
    """

    detail: str
    kind: BreakKind
    seq: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        detail = self.detail

        kind = self.kind.value

        seq = self.seq

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "detail": detail,
                "kind": kind,
                "seq": seq,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        detail = d.pop("detail")

        kind = BreakKind(d.pop("kind"))

        seq = d.pop("seq")

        chain_break_public = cls(
            detail=detail,
            kind=kind,
            seq=seq,
        )

        chain_break_public.additional_properties = d
        return chain_break_public

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

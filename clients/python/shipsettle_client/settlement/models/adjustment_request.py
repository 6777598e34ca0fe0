from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AdjustmentRequest")


@_attrs_define
class AdjustmentRequest:
    """
    Attributes:
        amount_minor (int): fen, not zero; positive credits the merchant, negative debits it
        reason (str):
        reference (None | str | Unset): what it settles, e.g. a recon discrepancy id
    """

    amount_minor: int
    reason: str
    reference: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        reason = self.reason

        reference: None | str | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        else:
            reference = self.reference

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount_minor": amount_minor,
                "reason": reason,
            }
        )
        if reference is not UNSET:
            field_dict["reference"] = reference

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        reason = d.pop("reason")

        def _parse_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reference = _parse_reference(d.pop("reference", UNSET))

        adjustment_request = cls(
            amount_minor=amount_minor,
            reason=reason,
            reference=reference,
        )

        return adjustment_request

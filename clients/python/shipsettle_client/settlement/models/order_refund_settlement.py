from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OrderRefundSettlement")


@_attrs_define
class OrderRefundSettlement:
    """
    Attributes:
        clawback_minor (int): the part of the reversal that went to the negative balance
        estimated_reversal_minor (int):
        frozen_minor (int): available money frozen for it now
        kind (str):
        outcome (None | str):
        refund_id (str):
        refund_minor (int | None): null until settlement learns the refund's amount
        reversal_minor (int | None): what its completion took back; null until it completes
        stage (str):
        status (str):
    """

    clawback_minor: int
    estimated_reversal_minor: int
    frozen_minor: int
    kind: str
    outcome: None | str
    refund_id: str
    refund_minor: int | None
    reversal_minor: int | None
    stage: str
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clawback_minor = self.clawback_minor

        estimated_reversal_minor = self.estimated_reversal_minor

        frozen_minor = self.frozen_minor

        kind = self.kind

        outcome: None | str
        outcome = self.outcome

        refund_id = self.refund_id

        refund_minor: int | None
        refund_minor = self.refund_minor

        reversal_minor: int | None
        reversal_minor = self.reversal_minor

        stage = self.stage

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clawback_minor": clawback_minor,
                "estimated_reversal_minor": estimated_reversal_minor,
                "frozen_minor": frozen_minor,
                "kind": kind,
                "outcome": outcome,
                "refund_id": refund_id,
                "refund_minor": refund_minor,
                "reversal_minor": reversal_minor,
                "stage": stage,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        clawback_minor = d.pop("clawback_minor")

        estimated_reversal_minor = d.pop("estimated_reversal_minor")

        frozen_minor = d.pop("frozen_minor")

        kind = d.pop("kind")

        def _parse_outcome(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        outcome = _parse_outcome(d.pop("outcome"))

        refund_id = d.pop("refund_id")

        def _parse_refund_minor(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        refund_minor = _parse_refund_minor(d.pop("refund_minor"))

        def _parse_reversal_minor(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        reversal_minor = _parse_reversal_minor(d.pop("reversal_minor"))

        stage = d.pop("stage")

        status = d.pop("status")

        order_refund_settlement = cls(
            clawback_minor=clawback_minor,
            estimated_reversal_minor=estimated_reversal_minor,
            frozen_minor=frozen_minor,
            kind=kind,
            outcome=outcome,
            refund_id=refund_id,
            refund_minor=refund_minor,
            reversal_minor=reversal_minor,
            stage=stage,
            status=status,
        )

        order_refund_settlement.additional_properties = d
        return order_refund_settlement

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

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.refund_movement_effect_minor import RefundMovementEffectMinor


T = TypeVar("T", bound="RefundMovement")


@_attrs_define
class RefundMovement:
    """
    Attributes:
        caused_by_event_id (None | str):
        clawback_minor (int): what of it became a negative balance (paid out already)
        created_at (datetime.datetime):
        description (str):
        effect_minor (RefundMovementEffectMinor):
        kind (str): refund_freeze, refund or refund_unfreeze
        order_id (None | str):
        refund_id (str):
    """

    caused_by_event_id: None | str
    clawback_minor: int
    created_at: datetime.datetime
    description: str
    effect_minor: RefundMovementEffectMinor
    kind: str
    order_id: None | str
    refund_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        caused_by_event_id: None | str
        caused_by_event_id = self.caused_by_event_id

        clawback_minor = self.clawback_minor

        created_at = self.created_at.isoformat()

        description = self.description

        effect_minor = self.effect_minor.to_dict()

        kind = self.kind

        order_id: None | str
        order_id = self.order_id

        refund_id = self.refund_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caused_by_event_id": caused_by_event_id,
                "clawback_minor": clawback_minor,
                "created_at": created_at,
                "description": description,
                "effect_minor": effect_minor,
                "kind": kind,
                "order_id": order_id,
                "refund_id": refund_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.refund_movement_effect_minor import RefundMovementEffectMinor  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_caused_by_event_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        caused_by_event_id = _parse_caused_by_event_id(d.pop("caused_by_event_id"))

        clawback_minor = d.pop("clawback_minor")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        effect_minor = RefundMovementEffectMinor.from_dict(d.pop("effect_minor"))

        kind = d.pop("kind")

        def _parse_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_id = _parse_order_id(d.pop("order_id"))

        refund_id = d.pop("refund_id")

        refund_movement = cls(
            caused_by_event_id=caused_by_event_id,
            clawback_minor=clawback_minor,
            created_at=created_at,
            description=description,
            effect_minor=effect_minor,
            kind=kind,
            order_id=order_id,
            refund_id=refund_id,
        )

        refund_movement.additional_properties = d
        return refund_movement

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

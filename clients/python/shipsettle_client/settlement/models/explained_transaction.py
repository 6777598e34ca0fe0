from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.explained_transaction_effect_minor import (
        ExplainedTransactionEffectMinor,
    )


T = TypeVar("T", bound="ExplainedTransaction")


@_attrs_define
class ExplainedTransaction:
    """
    Attributes:
        caused_by_event_id (None | str):
        created_at (datetime.datetime):
        description (str):
        effect_minor (ExplainedTransactionEffectMinor): the change of each merchant account
        kind (str):
    """

    caused_by_event_id: None | str
    created_at: datetime.datetime
    description: str
    effect_minor: ExplainedTransactionEffectMinor
    kind: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        caused_by_event_id: None | str
        caused_by_event_id = self.caused_by_event_id

        created_at = self.created_at.isoformat()

        description = self.description

        effect_minor = self.effect_minor.to_dict()

        kind = self.kind

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caused_by_event_id": caused_by_event_id,
                "created_at": created_at,
                "description": description,
                "effect_minor": effect_minor,
                "kind": kind,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.explained_transaction_effect_minor import (
            ExplainedTransactionEffectMinor,  # noqa: PLC0415
        )

        d = dict(src_dict)

        def _parse_caused_by_event_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        caused_by_event_id = _parse_caused_by_event_id(d.pop("caused_by_event_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        effect_minor = ExplainedTransactionEffectMinor.from_dict(d.pop("effect_minor"))

        kind = d.pop("kind")

        explained_transaction = cls(
            caused_by_event_id=caused_by_event_id,
            created_at=created_at,
            description=description,
            effect_minor=effect_minor,
            kind=kind,
        )

        explained_transaction.additional_properties = d
        return explained_transaction

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

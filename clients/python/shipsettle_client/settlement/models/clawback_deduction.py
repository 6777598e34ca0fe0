from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.recovered_debt import RecoveredDebt


T = TypeVar("T", bound="ClawbackDeduction")


@_attrs_define
class ClawbackDeduction:
    """
    Attributes:
        application_id (str):
        created_at (datetime.datetime):
        deducted_minor (int):
        description (str):
        kind (str):
        recovers (list[RecoveredDebt]):
    """

    application_id: str
    created_at: datetime.datetime
    deducted_minor: int
    description: str
    kind: str
    recovers: list[RecoveredDebt]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        created_at = self.created_at.isoformat()

        deducted_minor = self.deducted_minor

        description = self.description

        kind = self.kind

        recovers = []
        for recovers_item_data in self.recovers:
            recovers_item = recovers_item_data.to_dict()
            recovers.append(recovers_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_id": application_id,
                "created_at": created_at,
                "deducted_minor": deducted_minor,
                "description": description,
                "kind": kind,
                "recovers": recovers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recovered_debt import RecoveredDebt  # noqa: PLC0415

        d = dict(src_dict)
        application_id = d.pop("application_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        deducted_minor = d.pop("deducted_minor")

        description = d.pop("description")

        kind = d.pop("kind")

        recovers = []
        _recovers = d.pop("recovers")
        for recovers_item_data in _recovers:
            recovers_item = RecoveredDebt.from_dict(recovers_item_data)

            recovers.append(recovers_item)

        clawback_deduction = cls(
            application_id=application_id,
            created_at=created_at,
            deducted_minor=deducted_minor,
            description=description,
            kind=kind,
            recovers=recovers,
        )

        clawback_deduction.additional_properties = d
        return clawback_deduction

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

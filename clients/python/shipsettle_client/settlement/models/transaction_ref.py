from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TransactionRef")


@_attrs_define
class TransactionRef:
    """
    Attributes:
        caused_by_event_id (None | str):
        created_at (datetime.datetime):
        kind (str):
        tx_key (str):
    """

    caused_by_event_id: None | str
    created_at: datetime.datetime
    kind: str
    tx_key: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        caused_by_event_id: None | str
        caused_by_event_id = self.caused_by_event_id

        created_at = self.created_at.isoformat()

        kind = self.kind

        tx_key = self.tx_key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caused_by_event_id": caused_by_event_id,
                "created_at": created_at,
                "kind": kind,
                "tx_key": tx_key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_caused_by_event_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        caused_by_event_id = _parse_caused_by_event_id(d.pop("caused_by_event_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        kind = d.pop("kind")

        tx_key = d.pop("tx_key")

        transaction_ref = cls(
            caused_by_event_id=caused_by_event_id,
            created_at=created_at,
            kind=kind,
            tx_key=tx_key,
        )

        transaction_ref.additional_properties = d
        return transaction_ref

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

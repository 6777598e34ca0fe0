from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.refund_status import RefundStatus

if TYPE_CHECKING:
    from ..models.refund_history_entry_detail import RefundHistoryEntryDetail


T = TypeVar("T", bound="RefundHistoryEntry")


@_attrs_define
class RefundHistoryEntry:
    """
    Attributes:
        action (str):
        actor (str): the key id (or timer) that took the step
        at (datetime.datetime):
        detail (RefundHistoryEntryDetail):
        status (RefundStatus):
    """

    action: str
    actor: str
    at: datetime.datetime
    detail: RefundHistoryEntryDetail
    status: RefundStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        actor = self.actor

        at = self.at.isoformat()

        detail = self.detail.to_dict()

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "actor": actor,
                "at": at,
                "detail": detail,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.refund_history_entry_detail import RefundHistoryEntryDetail  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action")

        actor = d.pop("actor")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        detail = RefundHistoryEntryDetail.from_dict(d.pop("detail"))

        status = RefundStatus(d.pop("status"))

        refund_history_entry = cls(
            action=action,
            actor=actor,
            at=at,
            detail=detail,
            status=status,
        )

        refund_history_entry.additional_properties = d
        return refund_history_entry

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

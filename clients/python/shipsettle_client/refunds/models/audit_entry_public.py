from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.audit_entry_public_after_type_0 import AuditEntryPublicAfterType0
    from ..models.audit_entry_public_before_type_0 import AuditEntryPublicBeforeType0


T = TypeVar("T", bound="AuditEntryPublic")


@_attrs_define
class AuditEntryPublic:
    """
    Attributes:
        action (str): what was done, e.g. applications.approve, api_keys.revoke
        actor_key_id (str): the acting API key's id
        actor_role (str):
        after (AuditEntryPublicAfterType0 | None): the state after, masked (no secret in it)
        before (AuditEntryPublicBeforeType0 | None): the state before, masked (no secret in it)
        correlation_id (None | str): the request's X-Correlation-ID
        occurred_at (datetime.datetime):
        prev_hash (str): the previous row's row_hash (64 zeros for the first)
        reason (None | str):
        row_hash (str): SHA-256 of the row's canonical encoding, hex
        seq (int): the row's place in the chain: 1, 2, 3, … without gaps
        target_id (str):
        target_type (str):
    """

    action: str
    actor_key_id: str
    actor_role: str
    after: AuditEntryPublicAfterType0 | None
    before: AuditEntryPublicBeforeType0 | None
    correlation_id: None | str
    occurred_at: datetime.datetime
    prev_hash: str
    reason: None | str
    row_hash: str
    seq: int
    target_id: str
    target_type: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_entry_public_after_type_0 import AuditEntryPublicAfterType0  # noqa: PLC0415
        from ..models.audit_entry_public_before_type_0 import (
            AuditEntryPublicBeforeType0,  # noqa: PLC0415
        )

        action = self.action

        actor_key_id = self.actor_key_id

        actor_role = self.actor_role

        after: dict[str, Any] | None
        if isinstance(self.after, AuditEntryPublicAfterType0):
            after = self.after.to_dict()
        else:
            after = self.after

        before: dict[str, Any] | None
        if isinstance(self.before, AuditEntryPublicBeforeType0):
            before = self.before.to_dict()
        else:
            before = self.before

        correlation_id: None | str
        correlation_id = self.correlation_id

        occurred_at = self.occurred_at.isoformat()

        prev_hash = self.prev_hash

        reason: None | str
        reason = self.reason

        row_hash = self.row_hash

        seq = self.seq

        target_id = self.target_id

        target_type = self.target_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "actor_key_id": actor_key_id,
                "actor_role": actor_role,
                "after": after,
                "before": before,
                "correlation_id": correlation_id,
                "occurred_at": occurred_at,
                "prev_hash": prev_hash,
                "reason": reason,
                "row_hash": row_hash,
                "seq": seq,
                "target_id": target_id,
                "target_type": target_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_entry_public_after_type_0 import AuditEntryPublicAfterType0  # noqa: PLC0415
        from ..models.audit_entry_public_before_type_0 import (
            AuditEntryPublicBeforeType0,  # noqa: PLC0415
        )

        d = dict(src_dict)
        action = d.pop("action")

        actor_key_id = d.pop("actor_key_id")

        actor_role = d.pop("actor_role")

        def _parse_after(data: object) -> AuditEntryPublicAfterType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                after_type_0 = AuditEntryPublicAfterType0.from_dict(data)

                return after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEntryPublicAfterType0 | None, data)

        after = _parse_after(d.pop("after"))

        def _parse_before(data: object) -> AuditEntryPublicBeforeType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                before_type_0 = AuditEntryPublicBeforeType0.from_dict(data)

                return before_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEntryPublicBeforeType0 | None, data)

        before = _parse_before(d.pop("before"))

        def _parse_correlation_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        correlation_id = _parse_correlation_id(d.pop("correlation_id"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        prev_hash = d.pop("prev_hash")

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        row_hash = d.pop("row_hash")

        seq = d.pop("seq")

        target_id = d.pop("target_id")

        target_type = d.pop("target_type")

        audit_entry_public = cls(
            action=action,
            actor_key_id=actor_key_id,
            actor_role=actor_role,
            after=after,
            before=before,
            correlation_id=correlation_id,
            occurred_at=occurred_at,
            prev_hash=prev_hash,
            reason=reason,
            row_hash=row_hash,
            seq=seq,
            target_id=target_id,
            target_type=target_type,
        )

        audit_entry_public.additional_properties = d
        return audit_entry_public

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

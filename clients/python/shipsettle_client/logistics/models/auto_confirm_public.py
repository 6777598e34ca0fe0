from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.auto_confirm_public_state import AutoConfirmPublicState

T = TypeVar("T", bound="AutoConfirmPublic")


@_attrs_define
class AutoConfirmPublic:
    """
    Attributes:
        due_at (datetime.datetime | None):
        held_by_flags (list[str]):
        paused (bool):
        paused_by_refund_ids (list[str]):
        remaining_s (int | None): while paused: the time left on the clock
        state (AutoConfirmPublicState):
    """

    due_at: datetime.datetime | None
    held_by_flags: list[str]
    paused: bool
    paused_by_refund_ids: list[str]
    remaining_s: int | None
    state: AutoConfirmPublicState
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        due_at: None | str
        if isinstance(self.due_at, datetime.datetime):
            due_at = self.due_at.isoformat()
        else:
            due_at = self.due_at

        held_by_flags = self.held_by_flags

        paused = self.paused

        paused_by_refund_ids = self.paused_by_refund_ids

        remaining_s: int | None
        remaining_s = self.remaining_s

        state = self.state.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "due_at": due_at,
                "held_by_flags": held_by_flags,
                "paused": paused,
                "paused_by_refund_ids": paused_by_refund_ids,
                "remaining_s": remaining_s,
                "state": state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_due_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_at_type_0 = datetime.datetime.fromisoformat(data)

                return due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        due_at = _parse_due_at(d.pop("due_at"))

        held_by_flags = cast(list[str], d.pop("held_by_flags"))

        paused = d.pop("paused")

        paused_by_refund_ids = cast(list[str], d.pop("paused_by_refund_ids"))

        def _parse_remaining_s(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        remaining_s = _parse_remaining_s(d.pop("remaining_s"))

        state = AutoConfirmPublicState(d.pop("state"))

        auto_confirm_public = cls(
            due_at=due_at,
            held_by_flags=held_by_flags,
            paused=paused,
            paused_by_refund_ids=paused_by_refund_ids,
            remaining_s=remaining_s,
            state=state,
        )

        auto_confirm_public.additional_properties = d
        return auto_confirm_public

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

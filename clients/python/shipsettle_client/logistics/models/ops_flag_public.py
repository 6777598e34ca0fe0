from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OpsFlagPublic")


@_attrs_define
class OpsFlagPublic:
    """
    Attributes:
        blocks_sign_off (bool):
        clear_reason (None | str):
        cleared_at (datetime.datetime | None):
        cleared_by (None | str):
        code (str):
        message (str):
        raised_at (datetime.datetime | None):
    """

    blocks_sign_off: bool
    clear_reason: None | str
    cleared_at: datetime.datetime | None
    cleared_by: None | str
    code: str
    message: str
    raised_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        blocks_sign_off = self.blocks_sign_off

        clear_reason: None | str
        clear_reason = self.clear_reason

        cleared_at: None | str
        if isinstance(self.cleared_at, datetime.datetime):
            cleared_at = self.cleared_at.isoformat()
        else:
            cleared_at = self.cleared_at

        cleared_by: None | str
        cleared_by = self.cleared_by

        code = self.code

        message = self.message

        raised_at: None | str
        if isinstance(self.raised_at, datetime.datetime):
            raised_at = self.raised_at.isoformat()
        else:
            raised_at = self.raised_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "blocks_sign_off": blocks_sign_off,
                "clear_reason": clear_reason,
                "cleared_at": cleared_at,
                "cleared_by": cleared_by,
                "code": code,
                "message": message,
                "raised_at": raised_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        blocks_sign_off = d.pop("blocks_sign_off")

        def _parse_clear_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        clear_reason = _parse_clear_reason(d.pop("clear_reason"))

        def _parse_cleared_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cleared_at_type_0 = datetime.datetime.fromisoformat(data)

                return cleared_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        cleared_at = _parse_cleared_at(d.pop("cleared_at"))

        def _parse_cleared_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cleared_by = _parse_cleared_by(d.pop("cleared_by"))

        code = d.pop("code")

        message = d.pop("message")

        def _parse_raised_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                raised_at_type_0 = datetime.datetime.fromisoformat(data)

                return raised_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        raised_at = _parse_raised_at(d.pop("raised_at"))

        ops_flag_public = cls(
            blocks_sign_off=blocks_sign_off,
            clear_reason=clear_reason,
            cleared_at=cleared_at,
            cleared_by=cleared_by,
            code=code,
            message=message,
            raised_at=raised_at,
        )

        ops_flag_public.additional_properties = d
        return ops_flag_public

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

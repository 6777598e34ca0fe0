from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Kuaidi100Reply")


@_attrs_define
class Kuaidi100Reply:
    """Kuaidi100's required reply (快递100: ``{"result": true, "returnCode": "200", "message": "成功"}``).

    Attributes:
        message (str):
        result (bool):
        return_code (str):
    """

    message: str
    result: bool
    return_code: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        result = self.result

        return_code = self.return_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "result": result,
                "returnCode": return_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = d.pop("message")

        result = d.pop("result")

        return_code = d.pop("returnCode")

        kuaidi_100_reply = cls(
            message=message,
            result=result,
            return_code=return_code,
        )

        kuaidi_100_reply.additional_properties = d
        return kuaidi_100_reply

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

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="VoucherPublic")


@_attrs_define
class VoucherPublic:
    """
    Attributes:
        content_type (str):
        kind (str):
        sha256 (str):
        size_bytes (int):
        uploaded_at (datetime.datetime):
        voucher_id (str):
    """

    content_type: str
    kind: str
    sha256: str
    size_bytes: int
    uploaded_at: datetime.datetime
    voucher_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        kind = self.kind

        sha256 = self.sha256

        size_bytes = self.size_bytes

        uploaded_at = self.uploaded_at.isoformat()

        voucher_id = self.voucher_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "content_type": content_type,
                "kind": kind,
                "sha256": sha256,
                "size_bytes": size_bytes,
                "uploaded_at": uploaded_at,
                "voucher_id": voucher_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = d.pop("content_type")

        kind = d.pop("kind")

        sha256 = d.pop("sha256")

        size_bytes = d.pop("size_bytes")

        uploaded_at = datetime.datetime.fromisoformat(d.pop("uploaded_at"))

        voucher_id = d.pop("voucher_id")

        voucher_public = cls(
            content_type=content_type,
            kind=kind,
            sha256=sha256,
            size_bytes=size_bytes,
            uploaded_at=uploaded_at,
            voucher_id=voucher_id,
        )

        voucher_public.additional_properties = d
        return voucher_public

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

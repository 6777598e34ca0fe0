from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.shipping_change_public_after import ShippingChangePublicAfter
    from ..models.shipping_change_public_before import ShippingChangePublicBefore


T = TypeVar("T", bound="ShippingChangePublic")


@_attrs_define
class ShippingChangePublic:
    """
    Attributes:
        after (ShippingChangePublicAfter):
        before (ShippingChangePublicBefore):
        change (str): confirmed or corrected
        changed_at (datetime.datetime):
        changed_by (str):
        reason (str):
    """

    after: ShippingChangePublicAfter
    before: ShippingChangePublicBefore
    change: str
    changed_at: datetime.datetime
    changed_by: str
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        after = self.after.to_dict()

        before = self.before.to_dict()

        change = self.change

        changed_at = self.changed_at.isoformat()

        changed_by = self.changed_by

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "after": after,
                "before": before,
                "change": change,
                "changed_at": changed_at,
                "changed_by": changed_by,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.shipping_change_public_after import ShippingChangePublicAfter  # noqa: PLC0415
        from ..models.shipping_change_public_before import ShippingChangePublicBefore  # noqa: PLC0415

        d = dict(src_dict)
        after = ShippingChangePublicAfter.from_dict(d.pop("after"))

        before = ShippingChangePublicBefore.from_dict(d.pop("before"))

        change = d.pop("change")

        changed_at = datetime.datetime.fromisoformat(d.pop("changed_at"))

        changed_by = d.pop("changed_by")

        reason = d.pop("reason")

        shipping_change_public = cls(
            after=after,
            before=before,
            change=change,
            changed_at=changed_at,
            changed_by=changed_by,
            reason=reason,
        )

        shipping_change_public.additional_properties = d
        return shipping_change_public

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

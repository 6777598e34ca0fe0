from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.carrier_definition import CarrierDefinition


T = TypeVar("T", bound="CarrierPut")


@_attrs_define
class CarrierPut:
    """
    Attributes:
        carrier (CarrierDefinition): A carrier as the registry stores it; ``PUT /v1/carriers/{code}`` takes the same
            form.
        created (bool):
        webhook_secret (None | str | Unset): a new carrier's webhook secret, shown once (absent for a changed carrier)
    """

    carrier: CarrierDefinition
    created: bool
    webhook_secret: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier = self.carrier.to_dict()

        created = self.created

        webhook_secret: None | str | Unset
        if isinstance(self.webhook_secret, Unset):
            webhook_secret = UNSET
        else:
            webhook_secret = self.webhook_secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier": carrier,
                "created": created,
            }
        )
        if webhook_secret is not UNSET:
            field_dict["webhook_secret"] = webhook_secret

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.carrier_definition import CarrierDefinition  # noqa: PLC0415

        d = dict(src_dict)
        carrier = CarrierDefinition.from_dict(d.pop("carrier"))

        created = d.pop("created")

        def _parse_webhook_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        webhook_secret = _parse_webhook_secret(d.pop("webhook_secret", UNSET))

        carrier_put = cls(
            carrier=carrier,
            created=created,
            webhook_secret=webhook_secret,
        )

        carrier_put.additional_properties = d
        return carrier_put

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

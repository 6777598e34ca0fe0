from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.blocker import Blocker

if TYPE_CHECKING:
    from ..models.eta_segment_detail import EtaSegmentDetail


T = TypeVar("T", bound="EtaSegment")


@_attrs_define
class EtaSegment:
    """
    Attributes:
        amount_minor (int):
        assumptions (list[str]):
        blocker (Blocker): What holds an order's money up, earliest stage first; then the two finished states.
        detail (EtaSegmentDetail): what the blocker needs, e.g. until, delivered_at, review_flags
        expected_at (datetime.datetime | None):
        expected_date (datetime.date | None):
    """

    amount_minor: int
    assumptions: list[str]
    blocker: Blocker
    detail: EtaSegmentDetail
    expected_at: datetime.datetime | None
    expected_date: datetime.date | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        assumptions = self.assumptions

        blocker = self.blocker.value

        detail = self.detail.to_dict()

        expected_at: None | str
        if isinstance(self.expected_at, datetime.datetime):
            expected_at = self.expected_at.isoformat()
        else:
            expected_at = self.expected_at

        expected_date: None | str
        if isinstance(self.expected_date, datetime.date):
            expected_date = self.expected_date.isoformat()
        else:
            expected_date = self.expected_date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_minor": amount_minor,
                "assumptions": assumptions,
                "blocker": blocker,
                "detail": detail,
                "expected_at": expected_at,
                "expected_date": expected_date,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.eta_segment_detail import EtaSegmentDetail  # noqa: PLC0415

        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        assumptions = cast(list[str], d.pop("assumptions"))

        blocker = Blocker(d.pop("blocker"))

        detail = EtaSegmentDetail.from_dict(d.pop("detail"))

        def _parse_expected_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expected_at_type_0 = datetime.datetime.fromisoformat(data)

                return expected_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expected_at = _parse_expected_at(d.pop("expected_at"))

        def _parse_expected_date(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expected_date_type_0 = datetime.date.fromisoformat(data)

                return expected_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        expected_date = _parse_expected_date(d.pop("expected_date"))

        eta_segment = cls(
            amount_minor=amount_minor,
            assumptions=assumptions,
            blocker=blocker,
            detail=detail,
            expected_at=expected_at,
            expected_date=expected_date,
        )

        eta_segment.additional_properties = d
        return eta_segment

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

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.blocker import Blocker

if TYPE_CHECKING:
    from ..models.blocker_amount import BlockerAmount
    from ..models.eta_segment import EtaSegment
    from ..models.order_progress_facts import OrderProgressFacts


T = TypeVar("T", bound="SettlementEta")


@_attrs_define
class SettlementEta:
    """
    Attributes:
        allocation_rule (str): how released order amounts are assigned to settlement applications (first in, first out)
        blockers (list[BlockerAmount]):
        currency (str):
        expected_at (datetime.datetime | None):
        expected_date (datetime.date | None):
        merchant_id (str):
        order_id (str):
        progress (None | OrderProgressFacts):
        segments (list[EtaSegment]):
        state (Blocker): What holds an order's money up, earliest stage first; then the two finished states.
    """

    allocation_rule: str
    blockers: list[BlockerAmount]
    currency: str
    expected_at: datetime.datetime | None
    expected_date: datetime.date | None
    merchant_id: str
    order_id: str
    progress: None | OrderProgressFacts
    segments: list[EtaSegment]
    state: Blocker
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.order_progress_facts import OrderProgressFacts  # noqa: PLC0415

        allocation_rule = self.allocation_rule

        blockers = []
        for blockers_item_data in self.blockers:
            blockers_item = blockers_item_data.to_dict()
            blockers.append(blockers_item)

        currency = self.currency

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

        merchant_id = self.merchant_id

        order_id = self.order_id

        progress: dict[str, Any] | None
        if isinstance(self.progress, OrderProgressFacts):
            progress = self.progress.to_dict()
        else:
            progress = self.progress

        segments = []
        for segments_item_data in self.segments:
            segments_item = segments_item_data.to_dict()
            segments.append(segments_item)

        state = self.state.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allocation_rule": allocation_rule,
                "blockers": blockers,
                "currency": currency,
                "expected_at": expected_at,
                "expected_date": expected_date,
                "merchant_id": merchant_id,
                "order_id": order_id,
                "progress": progress,
                "segments": segments,
                "state": state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.blocker_amount import BlockerAmount  # noqa: PLC0415
        from ..models.eta_segment import EtaSegment  # noqa: PLC0415
        from ..models.order_progress_facts import OrderProgressFacts  # noqa: PLC0415

        d = dict(src_dict)
        allocation_rule = d.pop("allocation_rule")

        blockers = []
        _blockers = d.pop("blockers")
        for blockers_item_data in _blockers:
            blockers_item = BlockerAmount.from_dict(blockers_item_data)

            blockers.append(blockers_item)

        currency = d.pop("currency")

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

        merchant_id = d.pop("merchant_id")

        order_id = d.pop("order_id")

        def _parse_progress(data: object) -> None | OrderProgressFacts:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                progress_type_0 = OrderProgressFacts.from_dict(data)

                return progress_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrderProgressFacts, data)

        progress = _parse_progress(d.pop("progress"))

        segments = []
        _segments = d.pop("segments")
        for segments_item_data in _segments:
            segments_item = EtaSegment.from_dict(segments_item_data)

            segments.append(segments_item)

        state = Blocker(d.pop("state"))

        settlement_eta = cls(
            allocation_rule=allocation_rule,
            blockers=blockers,
            currency=currency,
            expected_at=expected_at,
            expected_date=expected_date,
            merchant_id=merchant_id,
            order_id=order_id,
            progress=progress,
            segments=segments,
            state=state,
        )

        settlement_eta.additional_properties = d
        return settlement_eta

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

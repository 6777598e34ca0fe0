from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.refund_status import RefundStatus

T = TypeVar("T", bound="OpenRefund")


@_attrs_define
class OpenRefund:
    """
    Attributes:
        age_seconds (int):
        breaching (bool):
        deadline_at (datetime.datetime | None):
        failure_reason (None | str):
        merchant_id (str):
        order_id (str):
        refund_id (str):
        refund_minor (int):
        seconds_left (int | None):
        status (RefundStatus):
        waiting_for (None | str):
    """

    age_seconds: int
    breaching: bool
    deadline_at: datetime.datetime | None
    failure_reason: None | str
    merchant_id: str
    order_id: str
    refund_id: str
    refund_minor: int
    seconds_left: int | None
    status: RefundStatus
    waiting_for: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        age_seconds = self.age_seconds

        breaching = self.breaching

        deadline_at: None | str
        if isinstance(self.deadline_at, datetime.datetime):
            deadline_at = self.deadline_at.isoformat()
        else:
            deadline_at = self.deadline_at

        failure_reason: None | str
        failure_reason = self.failure_reason

        merchant_id = self.merchant_id

        order_id = self.order_id

        refund_id = self.refund_id

        refund_minor = self.refund_minor

        seconds_left: int | None
        seconds_left = self.seconds_left

        status = self.status.value

        waiting_for: None | str
        waiting_for = self.waiting_for

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "age_seconds": age_seconds,
                "breaching": breaching,
                "deadline_at": deadline_at,
                "failure_reason": failure_reason,
                "merchant_id": merchant_id,
                "order_id": order_id,
                "refund_id": refund_id,
                "refund_minor": refund_minor,
                "seconds_left": seconds_left,
                "status": status,
                "waiting_for": waiting_for,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        age_seconds = d.pop("age_seconds")

        breaching = d.pop("breaching")

        def _parse_deadline_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deadline_at_type_0 = datetime.datetime.fromisoformat(data)

                return deadline_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        deadline_at = _parse_deadline_at(d.pop("deadline_at"))

        def _parse_failure_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_reason = _parse_failure_reason(d.pop("failure_reason"))

        merchant_id = d.pop("merchant_id")

        order_id = d.pop("order_id")

        refund_id = d.pop("refund_id")

        refund_minor = d.pop("refund_minor")

        def _parse_seconds_left(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seconds_left = _parse_seconds_left(d.pop("seconds_left"))

        status = RefundStatus(d.pop("status"))

        def _parse_waiting_for(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        waiting_for = _parse_waiting_for(d.pop("waiting_for"))

        open_refund = cls(
            age_seconds=age_seconds,
            breaching=breaching,
            deadline_at=deadline_at,
            failure_reason=failure_reason,
            merchant_id=merchant_id,
            order_id=order_id,
            refund_id=refund_id,
            refund_minor=refund_minor,
            seconds_left=seconds_left,
            status=status,
            waiting_for=waiting_for,
        )

        open_refund.additional_properties = d
        return open_refund

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

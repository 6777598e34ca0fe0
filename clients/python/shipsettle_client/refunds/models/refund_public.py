from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.refund_kind import RefundKind
from ..models.refund_status import RefundStatus

if TYPE_CHECKING:
    from ..models.refund_amounts import RefundAmounts
    from ..models.refund_public_balance_credit_type_0 import (
        RefundPublicBalanceCreditType0,
    )
    from ..models.refund_public_inspection_type_0 import RefundPublicInspectionType0
    from ..models.refund_public_resolution_type_0 import RefundPublicResolutionType0
    from ..models.return_shipment_public import ReturnShipmentPublic


T = TypeVar("T", bound="RefundPublic")


@_attrs_define
class RefundPublic:
    """
    Attributes:
        amounts (RefundAmounts):
        approved_how (None | str):
        attempt (int): the provider attempts (or balance credits) made so far
        balance_credit (None | RefundPublicBalanceCreditType0): a balance (余额) refund's open or answered credit:
            credit_id, answer_by, ...
        beneficiary_channel (None | str):
        breaching (bool):
        closed_at (datetime.datetime | None):
        deadline_at (datetime.datetime | None):
        failure_permanent (bool): no retry can fix it: ops settle it with /resolution
        failure_reason (None | str):
        inspection (None | RefundPublicInspectionType0): the merchant's inspection: passed, reason, evidence
        kind (RefundKind):
        merchant_id (str):
        order_id (str):
        outcome (None | str): completed, rejected, withdrawn, inspection_failed or closed_by_ops
        provider_reference (None | str):
        reason (str):
        reason_code (str):
        refund_id (str):
        refunded_via (None | str):
        rejection_reason (None | str):
        requested_at (datetime.datetime):
        resolution (None | RefundPublicResolutionType0): ops' way out of a failure: how, who, why
        return_shipment (None | ReturnShipmentPublic):
        seconds_left (int | None): until the deadline; negative: overdue
        status (RefundStatus):
        waiting_for (None | str): whose move it is: merchant, buyer, ops, provider, platform
    """

    amounts: RefundAmounts
    approved_how: None | str
    attempt: int
    balance_credit: None | RefundPublicBalanceCreditType0
    beneficiary_channel: None | str
    breaching: bool
    closed_at: datetime.datetime | None
    deadline_at: datetime.datetime | None
    failure_permanent: bool
    failure_reason: None | str
    inspection: None | RefundPublicInspectionType0
    kind: RefundKind
    merchant_id: str
    order_id: str
    outcome: None | str
    provider_reference: None | str
    reason: str
    reason_code: str
    refund_id: str
    refunded_via: None | str
    rejection_reason: None | str
    requested_at: datetime.datetime
    resolution: None | RefundPublicResolutionType0
    return_shipment: None | ReturnShipmentPublic
    seconds_left: int | None
    status: RefundStatus
    waiting_for: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.refund_public_balance_credit_type_0 import (
            RefundPublicBalanceCreditType0,  # noqa: PLC0415
        )
        from ..models.refund_public_inspection_type_0 import RefundPublicInspectionType0  # noqa: PLC0415
        from ..models.refund_public_resolution_type_0 import RefundPublicResolutionType0  # noqa: PLC0415
        from ..models.return_shipment_public import ReturnShipmentPublic  # noqa: PLC0415

        amounts = self.amounts.to_dict()

        approved_how: None | str
        approved_how = self.approved_how

        attempt = self.attempt

        balance_credit: dict[str, Any] | None
        if isinstance(self.balance_credit, RefundPublicBalanceCreditType0):
            balance_credit = self.balance_credit.to_dict()
        else:
            balance_credit = self.balance_credit

        beneficiary_channel: None | str
        beneficiary_channel = self.beneficiary_channel

        breaching = self.breaching

        closed_at: None | str
        if isinstance(self.closed_at, datetime.datetime):
            closed_at = self.closed_at.isoformat()
        else:
            closed_at = self.closed_at

        deadline_at: None | str
        if isinstance(self.deadline_at, datetime.datetime):
            deadline_at = self.deadline_at.isoformat()
        else:
            deadline_at = self.deadline_at

        failure_permanent = self.failure_permanent

        failure_reason: None | str
        failure_reason = self.failure_reason

        inspection: dict[str, Any] | None
        if isinstance(self.inspection, RefundPublicInspectionType0):
            inspection = self.inspection.to_dict()
        else:
            inspection = self.inspection

        kind = self.kind.value

        merchant_id = self.merchant_id

        order_id = self.order_id

        outcome: None | str
        outcome = self.outcome

        provider_reference: None | str
        provider_reference = self.provider_reference

        reason = self.reason

        reason_code = self.reason_code

        refund_id = self.refund_id

        refunded_via: None | str
        refunded_via = self.refunded_via

        rejection_reason: None | str
        rejection_reason = self.rejection_reason

        requested_at = self.requested_at.isoformat()

        resolution: dict[str, Any] | None
        if isinstance(self.resolution, RefundPublicResolutionType0):
            resolution = self.resolution.to_dict()
        else:
            resolution = self.resolution

        return_shipment: dict[str, Any] | None
        if isinstance(self.return_shipment, ReturnShipmentPublic):
            return_shipment = self.return_shipment.to_dict()
        else:
            return_shipment = self.return_shipment

        seconds_left: int | None
        seconds_left = self.seconds_left

        status = self.status.value

        waiting_for: None | str
        waiting_for = self.waiting_for

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amounts": amounts,
                "approved_how": approved_how,
                "attempt": attempt,
                "balance_credit": balance_credit,
                "beneficiary_channel": beneficiary_channel,
                "breaching": breaching,
                "closed_at": closed_at,
                "deadline_at": deadline_at,
                "failure_permanent": failure_permanent,
                "failure_reason": failure_reason,
                "inspection": inspection,
                "kind": kind,
                "merchant_id": merchant_id,
                "order_id": order_id,
                "outcome": outcome,
                "provider_reference": provider_reference,
                "reason": reason,
                "reason_code": reason_code,
                "refund_id": refund_id,
                "refunded_via": refunded_via,
                "rejection_reason": rejection_reason,
                "requested_at": requested_at,
                "resolution": resolution,
                "return_shipment": return_shipment,
                "seconds_left": seconds_left,
                "status": status,
                "waiting_for": waiting_for,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.refund_amounts import RefundAmounts  # noqa: PLC0415
        from ..models.refund_public_balance_credit_type_0 import (
            RefundPublicBalanceCreditType0,  # noqa: PLC0415
        )
        from ..models.refund_public_inspection_type_0 import RefundPublicInspectionType0  # noqa: PLC0415
        from ..models.refund_public_resolution_type_0 import RefundPublicResolutionType0  # noqa: PLC0415
        from ..models.return_shipment_public import ReturnShipmentPublic  # noqa: PLC0415

        d = dict(src_dict)
        amounts = RefundAmounts.from_dict(d.pop("amounts"))

        def _parse_approved_how(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        approved_how = _parse_approved_how(d.pop("approved_how"))

        attempt = d.pop("attempt")

        def _parse_balance_credit(data: object) -> None | RefundPublicBalanceCreditType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                balance_credit_type_0 = RefundPublicBalanceCreditType0.from_dict(data)

                return balance_credit_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RefundPublicBalanceCreditType0, data)

        balance_credit = _parse_balance_credit(d.pop("balance_credit"))

        def _parse_beneficiary_channel(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        beneficiary_channel = _parse_beneficiary_channel(d.pop("beneficiary_channel"))

        breaching = d.pop("breaching")

        def _parse_closed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_at_type_0 = datetime.datetime.fromisoformat(data)

                return closed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        closed_at = _parse_closed_at(d.pop("closed_at"))

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

        failure_permanent = d.pop("failure_permanent")

        def _parse_failure_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_reason = _parse_failure_reason(d.pop("failure_reason"))

        def _parse_inspection(data: object) -> None | RefundPublicInspectionType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                inspection_type_0 = RefundPublicInspectionType0.from_dict(data)

                return inspection_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RefundPublicInspectionType0, data)

        inspection = _parse_inspection(d.pop("inspection"))

        kind = RefundKind(d.pop("kind"))

        merchant_id = d.pop("merchant_id")

        order_id = d.pop("order_id")

        def _parse_outcome(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        outcome = _parse_outcome(d.pop("outcome"))

        def _parse_provider_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        provider_reference = _parse_provider_reference(d.pop("provider_reference"))

        reason = d.pop("reason")

        reason_code = d.pop("reason_code")

        refund_id = d.pop("refund_id")

        def _parse_refunded_via(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        refunded_via = _parse_refunded_via(d.pop("refunded_via"))

        def _parse_rejection_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rejection_reason = _parse_rejection_reason(d.pop("rejection_reason"))

        requested_at = datetime.datetime.fromisoformat(d.pop("requested_at"))

        def _parse_resolution(data: object) -> None | RefundPublicResolutionType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                resolution_type_0 = RefundPublicResolutionType0.from_dict(data)

                return resolution_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RefundPublicResolutionType0, data)

        resolution = _parse_resolution(d.pop("resolution"))

        def _parse_return_shipment(data: object) -> None | ReturnShipmentPublic:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                return_shipment_type_0 = ReturnShipmentPublic.from_dict(data)

                return return_shipment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReturnShipmentPublic, data)

        return_shipment = _parse_return_shipment(d.pop("return_shipment"))

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

        refund_public = cls(
            amounts=amounts,
            approved_how=approved_how,
            attempt=attempt,
            balance_credit=balance_credit,
            beneficiary_channel=beneficiary_channel,
            breaching=breaching,
            closed_at=closed_at,
            deadline_at=deadline_at,
            failure_permanent=failure_permanent,
            failure_reason=failure_reason,
            inspection=inspection,
            kind=kind,
            merchant_id=merchant_id,
            order_id=order_id,
            outcome=outcome,
            provider_reference=provider_reference,
            reason=reason,
            reason_code=reason_code,
            refund_id=refund_id,
            refunded_via=refunded_via,
            rejection_reason=rejection_reason,
            requested_at=requested_at,
            resolution=resolution,
            return_shipment=return_shipment,
            seconds_left=seconds_left,
            status=status,
            waiting_for=waiting_for,
        )

        refund_public.additional_properties = d
        return refund_public

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

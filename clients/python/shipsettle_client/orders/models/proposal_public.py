from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.approval_status import ApprovalStatus

if TYPE_CHECKING:
    from ..models.proposal_public_outcome_type_0 import ProposalPublicOutcomeType0
    from ..models.proposal_public_parameters import ProposalPublicParameters


T = TypeVar("T", bound="ProposalPublic")


@_attrs_define
class ProposalPublic:
    """The 202 answer of an action that now waits for a second ops key.

    Attributes:
        action (str):
        amount_minor (int | None): fen, for actions that move money
        approval_id (str):
        approve_with (str): the request a second ops key approves it with
        decided_at (datetime.datetime | None):
        decided_by (None | str): the approving (or withdrawing) key's id
        decision_reason (None | str):
        expires_at (datetime.datetime):
        merchant_id (None | str):
        outcome (None | ProposalPublicOutcomeType0): what applying the action gave
        parameters (ProposalPublicParameters):
        proposal_reason (str):
        proposed_at (datetime.datetime):
        proposed_by (str): the proposing key's id
        status (ApprovalStatus):
        subject (None | str):
    """

    action: str
    amount_minor: int | None
    approval_id: str
    approve_with: str
    decided_at: datetime.datetime | None
    decided_by: None | str
    decision_reason: None | str
    expires_at: datetime.datetime
    merchant_id: None | str
    outcome: None | ProposalPublicOutcomeType0
    parameters: ProposalPublicParameters
    proposal_reason: str
    proposed_at: datetime.datetime
    proposed_by: str
    status: ApprovalStatus
    subject: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.proposal_public_outcome_type_0 import ProposalPublicOutcomeType0  # noqa: PLC0415

        action = self.action

        amount_minor: int | None
        amount_minor = self.amount_minor

        approval_id = self.approval_id

        approve_with = self.approve_with

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        decided_by: None | str
        decided_by = self.decided_by

        decision_reason: None | str
        decision_reason = self.decision_reason

        expires_at = self.expires_at.isoformat()

        merchant_id: None | str
        merchant_id = self.merchant_id

        outcome: dict[str, Any] | None
        if isinstance(self.outcome, ProposalPublicOutcomeType0):
            outcome = self.outcome.to_dict()
        else:
            outcome = self.outcome

        parameters = self.parameters.to_dict()

        proposal_reason = self.proposal_reason

        proposed_at = self.proposed_at.isoformat()

        proposed_by = self.proposed_by

        status = self.status.value

        subject: None | str
        subject = self.subject

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "amount_minor": amount_minor,
                "approval_id": approval_id,
                "approve_with": approve_with,
                "decided_at": decided_at,
                "decided_by": decided_by,
                "decision_reason": decision_reason,
                "expires_at": expires_at,
                "merchant_id": merchant_id,
                "outcome": outcome,
                "parameters": parameters,
                "proposal_reason": proposal_reason,
                "proposed_at": proposed_at,
                "proposed_by": proposed_by,
                "status": status,
                "subject": subject,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.proposal_public_outcome_type_0 import ProposalPublicOutcomeType0  # noqa: PLC0415
        from ..models.proposal_public_parameters import ProposalPublicParameters  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action")

        def _parse_amount_minor(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        amount_minor = _parse_amount_minor(d.pop("amount_minor"))

        approval_id = d.pop("approval_id")

        approve_with = d.pop("approve_with")

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        def _parse_decided_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decided_by = _parse_decided_by(d.pop("decided_by"))

        def _parse_decision_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decision_reason = _parse_decision_reason(d.pop("decision_reason"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        def _parse_merchant_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        merchant_id = _parse_merchant_id(d.pop("merchant_id"))

        def _parse_outcome(data: object) -> None | ProposalPublicOutcomeType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                outcome_type_0 = ProposalPublicOutcomeType0.from_dict(data)

                return outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProposalPublicOutcomeType0, data)

        outcome = _parse_outcome(d.pop("outcome"))

        parameters = ProposalPublicParameters.from_dict(d.pop("parameters"))

        proposal_reason = d.pop("proposal_reason")

        proposed_at = datetime.datetime.fromisoformat(d.pop("proposed_at"))

        proposed_by = d.pop("proposed_by")

        status = ApprovalStatus(d.pop("status"))

        def _parse_subject(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subject = _parse_subject(d.pop("subject"))

        proposal_public = cls(
            action=action,
            amount_minor=amount_minor,
            approval_id=approval_id,
            approve_with=approve_with,
            decided_at=decided_at,
            decided_by=decided_by,
            decision_reason=decision_reason,
            expires_at=expires_at,
            merchant_id=merchant_id,
            outcome=outcome,
            parameters=parameters,
            proposal_reason=proposal_reason,
            proposed_at=proposed_at,
            proposed_by=proposed_by,
            status=status,
            subject=subject,
        )

        proposal_public.additional_properties = d
        return proposal_public

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

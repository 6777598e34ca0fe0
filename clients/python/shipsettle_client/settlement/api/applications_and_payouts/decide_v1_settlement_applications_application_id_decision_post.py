from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.approval_public import ApprovalPublic
from ...models.decide_v1_settlement_applications_application_id_decision_post_decision import (
    DecideV1SettlementApplicationsApplicationIdDecisionPostDecision,
)
from ...models.decision import Decision
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    application_id: str,
    decision: DecideV1SettlementApplicationsApplicationIdDecisionPostDecision,
    *,
    body: Decision,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/settlement-applications/{application_id}/{decision}".format(
            application_id=quote(str(application_id), safe=""),
            decision=quote(str(decision), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ApprovalPublic | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = response.json()
        return response_200

    if response.status_code == 202:
        response_202 = ApprovalPublic.from_dict(response.json())

        return response_202

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ApprovalPublic | HTTPValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    application_id: str,
    decision: DecideV1SettlementApplicationsApplicationIdDecisionPostDecision,
    *,
    client: AuthenticatedClient | Client,
    body: Decision,
    authorization: None | str | Unset = UNSET,
) -> Response[Any | ApprovalPublic | HTTPValidationError]:
    """Approve or reject an application (ops); a large approval needs a second ops key

     Approving an application whose gross amount is above ``payout_four_eyes_over_minor``
    (¥50,000.00 by default) records a four-eyes proposal (202) that a different ops key approves
    (``POST /v1/approvals/{approval_id}/approve``); at or below it, and any rejection, is decided
    here at once (200). Refused: 404 unknown, 409 ``not-in-review``, 409 ``approval-pending``.

    Args:
        application_id (str):
        decision (DecideV1SettlementApplicationsApplicationIdDecisionPostDecision):
        authorization (None | str | Unset): Bearer <API key>
        body (Decision):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ApprovalPublic | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        decision=decision,
        body=body,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    application_id: str,
    decision: DecideV1SettlementApplicationsApplicationIdDecisionPostDecision,
    *,
    client: AuthenticatedClient | Client,
    body: Decision,
    authorization: None | str | Unset = UNSET,
) -> Any | ApprovalPublic | HTTPValidationError | None:
    """Approve or reject an application (ops); a large approval needs a second ops key

     Approving an application whose gross amount is above ``payout_four_eyes_over_minor``
    (¥50,000.00 by default) records a four-eyes proposal (202) that a different ops key approves
    (``POST /v1/approvals/{approval_id}/approve``); at or below it, and any rejection, is decided
    here at once (200). Refused: 404 unknown, 409 ``not-in-review``, 409 ``approval-pending``.

    Args:
        application_id (str):
        decision (DecideV1SettlementApplicationsApplicationIdDecisionPostDecision):
        authorization (None | str | Unset): Bearer <API key>
        body (Decision):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ApprovalPublic | HTTPValidationError
    """

    return sync_detailed(
        application_id=application_id,
        decision=decision,
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    application_id: str,
    decision: DecideV1SettlementApplicationsApplicationIdDecisionPostDecision,
    *,
    client: AuthenticatedClient | Client,
    body: Decision,
    authorization: None | str | Unset = UNSET,
) -> Response[Any | ApprovalPublic | HTTPValidationError]:
    """Approve or reject an application (ops); a large approval needs a second ops key

     Approving an application whose gross amount is above ``payout_four_eyes_over_minor``
    (¥50,000.00 by default) records a four-eyes proposal (202) that a different ops key approves
    (``POST /v1/approvals/{approval_id}/approve``); at or below it, and any rejection, is decided
    here at once (200). Refused: 404 unknown, 409 ``not-in-review``, 409 ``approval-pending``.

    Args:
        application_id (str):
        decision (DecideV1SettlementApplicationsApplicationIdDecisionPostDecision):
        authorization (None | str | Unset): Bearer <API key>
        body (Decision):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ApprovalPublic | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        decision=decision,
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    application_id: str,
    decision: DecideV1SettlementApplicationsApplicationIdDecisionPostDecision,
    *,
    client: AuthenticatedClient | Client,
    body: Decision,
    authorization: None | str | Unset = UNSET,
) -> Any | ApprovalPublic | HTTPValidationError | None:
    """Approve or reject an application (ops); a large approval needs a second ops key

     Approving an application whose gross amount is above ``payout_four_eyes_over_minor``
    (¥50,000.00 by default) records a four-eyes proposal (202) that a different ops key approves
    (``POST /v1/approvals/{approval_id}/approve``); at or below it, and any rejection, is decided
    here at once (200). Refused: 404 unknown, 409 ``not-in-review``, 409 ``approval-pending``.

    Args:
        application_id (str):
        decision (DecideV1SettlementApplicationsApplicationIdDecisionPostDecision):
        authorization (None | str | Unset): Bearer <API key>
        body (Decision):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ApprovalPublic | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            application_id=application_id,
            decision=decision,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

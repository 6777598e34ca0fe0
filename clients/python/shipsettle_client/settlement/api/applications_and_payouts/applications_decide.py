from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.application_public import ApplicationPublic
from ...models.applications_decide_decision import ApplicationsDecideDecision
from ...models.decision import Decision
from ...models.problem import Problem
from ...models.proposal_public import ProposalPublic
from ...types import Response


def _get_kwargs(
    application_id: str,
    decision: ApplicationsDecideDecision,
    *,
    body: Decision,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

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
) -> ApplicationPublic | Problem | ProposalPublic | None:
    if response.status_code == 200:
        response_200 = ApplicationPublic.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = ProposalPublic.from_dict(response.json())

        return response_202

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ApplicationPublic | Problem | ProposalPublic]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    application_id: str,
    decision: ApplicationsDecideDecision,
    *,
    client: AuthenticatedClient,
    body: Decision,
) -> Response[ApplicationPublic | Problem | ProposalPublic]:
    """Approve or reject an application (ops); a large approval needs a second ops key

     Approving an application whose gross amount is above ``payout_four_eyes_over_minor``
    (¥50,000.00 by default) records a four-eyes proposal (202) that a different ops key approves
    (``POST /v1/approvals/{approval_id}/approve``); at or below it, and any rejection, is decided
    here at once (200). Refused: 404 unknown, 409 ``not-in-review``, 409 ``approval-pending``.

    Args:
        application_id (str):
        decision (ApplicationsDecideDecision):
        body (Decision):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplicationPublic | Problem | ProposalPublic]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        decision=decision,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    application_id: str,
    decision: ApplicationsDecideDecision,
    *,
    client: AuthenticatedClient,
    body: Decision,
) -> ApplicationPublic | Problem | ProposalPublic | None:
    """Approve or reject an application (ops); a large approval needs a second ops key

     Approving an application whose gross amount is above ``payout_four_eyes_over_minor``
    (¥50,000.00 by default) records a four-eyes proposal (202) that a different ops key approves
    (``POST /v1/approvals/{approval_id}/approve``); at or below it, and any rejection, is decided
    here at once (200). Refused: 404 unknown, 409 ``not-in-review``, 409 ``approval-pending``.

    Args:
        application_id (str):
        decision (ApplicationsDecideDecision):
        body (Decision):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplicationPublic | Problem | ProposalPublic
    """

    return sync_detailed(
        application_id=application_id,
        decision=decision,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    application_id: str,
    decision: ApplicationsDecideDecision,
    *,
    client: AuthenticatedClient,
    body: Decision,
) -> Response[ApplicationPublic | Problem | ProposalPublic]:
    """Approve or reject an application (ops); a large approval needs a second ops key

     Approving an application whose gross amount is above ``payout_four_eyes_over_minor``
    (¥50,000.00 by default) records a four-eyes proposal (202) that a different ops key approves
    (``POST /v1/approvals/{approval_id}/approve``); at or below it, and any rejection, is decided
    here at once (200). Refused: 404 unknown, 409 ``not-in-review``, 409 ``approval-pending``.

    Args:
        application_id (str):
        decision (ApplicationsDecideDecision):
        body (Decision):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplicationPublic | Problem | ProposalPublic]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        decision=decision,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    application_id: str,
    decision: ApplicationsDecideDecision,
    *,
    client: AuthenticatedClient,
    body: Decision,
) -> ApplicationPublic | Problem | ProposalPublic | None:
    """Approve or reject an application (ops); a large approval needs a second ops key

     Approving an application whose gross amount is above ``payout_four_eyes_over_minor``
    (¥50,000.00 by default) records a four-eyes proposal (202) that a different ops key approves
    (``POST /v1/approvals/{approval_id}/approve``); at or below it, and any rejection, is decided
    here at once (200). Refused: 404 unknown, 409 ``not-in-review``, 409 ``approval-pending``.

    Args:
        application_id (str):
        decision (ApplicationsDecideDecision):
        body (Decision):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplicationPublic | Problem | ProposalPublic
    """

    return (
        await asyncio_detailed(
            application_id=application_id,
            decision=decision,
            client=client,
            body=body,
        )
    ).parsed

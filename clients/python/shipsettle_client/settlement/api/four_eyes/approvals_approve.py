from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.approval_applied import ApprovalApplied
from ...models.decision_request import DecisionRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    approval_id: str,
    *,
    body: DecisionRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/approvals/{approval_id}/approve".format(
            approval_id=quote(str(approval_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApprovalApplied | Problem | None:
    if response.status_code == 200:
        response_200 = ApprovalApplied.from_dict(response.json())

        return response_200

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
) -> Response[ApprovalApplied | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    approval_id: str,
    *,
    client: AuthenticatedClient,
    body: DecisionRequest,
) -> Response[ApprovalApplied | Problem]:
    """Approve a proposal with a second ops key: the action is applied (ops)

     Applies the action in the transaction that records the approval. Refused, changing
    nothing: 404 unknown; 403 ``four-eyes-same-key`` (the proposer's own key); 409
    ``approval-not-pending`` (approved or withdrawn), ``approval-expired``,
    ``proposer-key-revoked``; and the action's own refusals (e.g. 409 ``not-in-review``).

    Args:
        approval_id (str):
        body (DecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApprovalApplied | Problem]
    """

    kwargs = _get_kwargs(
        approval_id=approval_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    approval_id: str,
    *,
    client: AuthenticatedClient,
    body: DecisionRequest,
) -> ApprovalApplied | Problem | None:
    """Approve a proposal with a second ops key: the action is applied (ops)

     Applies the action in the transaction that records the approval. Refused, changing
    nothing: 404 unknown; 403 ``four-eyes-same-key`` (the proposer's own key); 409
    ``approval-not-pending`` (approved or withdrawn), ``approval-expired``,
    ``proposer-key-revoked``; and the action's own refusals (e.g. 409 ``not-in-review``).

    Args:
        approval_id (str):
        body (DecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApprovalApplied | Problem
    """

    return sync_detailed(
        approval_id=approval_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    approval_id: str,
    *,
    client: AuthenticatedClient,
    body: DecisionRequest,
) -> Response[ApprovalApplied | Problem]:
    """Approve a proposal with a second ops key: the action is applied (ops)

     Applies the action in the transaction that records the approval. Refused, changing
    nothing: 404 unknown; 403 ``four-eyes-same-key`` (the proposer's own key); 409
    ``approval-not-pending`` (approved or withdrawn), ``approval-expired``,
    ``proposer-key-revoked``; and the action's own refusals (e.g. 409 ``not-in-review``).

    Args:
        approval_id (str):
        body (DecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApprovalApplied | Problem]
    """

    kwargs = _get_kwargs(
        approval_id=approval_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    approval_id: str,
    *,
    client: AuthenticatedClient,
    body: DecisionRequest,
) -> ApprovalApplied | Problem | None:
    """Approve a proposal with a second ops key: the action is applied (ops)

     Applies the action in the transaction that records the approval. Refused, changing
    nothing: 404 unknown; 403 ``four-eyes-same-key`` (the proposer's own key); 409
    ``approval-not-pending`` (approved or withdrawn), ``approval-expired``,
    ``proposer-key-revoked``; and the action's own refusals (e.g. 409 ``not-in-review``).

    Args:
        approval_id (str):
        body (DecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApprovalApplied | Problem
    """

    return (
        await asyncio_detailed(
            approval_id=approval_id,
            client=client,
            body=body,
        )
    ).parsed

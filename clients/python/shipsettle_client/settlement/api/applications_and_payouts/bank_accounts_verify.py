from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.decision import Decision
from ...models.problem import Problem
from ...models.proposal_public import ProposalPublic
from ...types import Response


def _get_kwargs(
    bank_account_id: str,
    *,
    body: Decision,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/bank-accounts/{bank_account_id}/verify".format(
            bank_account_id=quote(str(bank_account_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ProposalPublic | None:
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
) -> Response[Problem | ProposalPublic]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    bank_account_id: str,
    *,
    client: AuthenticatedClient,
    body: Decision,
) -> Response[Problem | ProposalPublic]:
    """Propose a bank account's verification; a second ops key approves it (ops)

     Four eyes: this records the proposal (202); the account is verified when a different ops
    key approves it (``POST /v1/approvals/{approval_id}/approve``). Refused: 404 unknown account,
    409 ``already-verified``, 409 ``approval-pending`` (the account has a pending proposal).

    Args:
        bank_account_id (str):
        body (Decision):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProposalPublic]
    """

    kwargs = _get_kwargs(
        bank_account_id=bank_account_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    bank_account_id: str,
    *,
    client: AuthenticatedClient,
    body: Decision,
) -> Problem | ProposalPublic | None:
    """Propose a bank account's verification; a second ops key approves it (ops)

     Four eyes: this records the proposal (202); the account is verified when a different ops
    key approves it (``POST /v1/approvals/{approval_id}/approve``). Refused: 404 unknown account,
    409 ``already-verified``, 409 ``approval-pending`` (the account has a pending proposal).

    Args:
        bank_account_id (str):
        body (Decision):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProposalPublic
    """

    return sync_detailed(
        bank_account_id=bank_account_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    bank_account_id: str,
    *,
    client: AuthenticatedClient,
    body: Decision,
) -> Response[Problem | ProposalPublic]:
    """Propose a bank account's verification; a second ops key approves it (ops)

     Four eyes: this records the proposal (202); the account is verified when a different ops
    key approves it (``POST /v1/approvals/{approval_id}/approve``). Refused: 404 unknown account,
    409 ``already-verified``, 409 ``approval-pending`` (the account has a pending proposal).

    Args:
        bank_account_id (str):
        body (Decision):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProposalPublic]
    """

    kwargs = _get_kwargs(
        bank_account_id=bank_account_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    bank_account_id: str,
    *,
    client: AuthenticatedClient,
    body: Decision,
) -> Problem | ProposalPublic | None:
    """Propose a bank account's verification; a second ops key approves it (ops)

     Four eyes: this records the proposal (202); the account is verified when a different ops
    key approves it (``POST /v1/approvals/{approval_id}/approve``). Refused: 404 unknown account,
    409 ``already-verified``, 409 ``approval-pending`` (the account has a pending proposal).

    Args:
        bank_account_id (str):
        body (Decision):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProposalPublic
    """

    return (
        await asyncio_detailed(
            bank_account_id=bank_account_id,
            client=client,
            body=body,
        )
    ).parsed

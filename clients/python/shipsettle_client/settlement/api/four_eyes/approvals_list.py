from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.approval_status import ApprovalStatus
from ...models.page_approval_public import PageApprovalPublic
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: ApprovalStatus | None | Unset = UNSET,
    action: None | str | Unset = UNSET,
    subject: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ApprovalStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_action: None | str | Unset
    if isinstance(action, Unset):
        json_action = UNSET
    else:
        json_action = action
    params["action"] = json_action

    json_subject: None | str | Unset
    if isinstance(subject, Unset):
        json_subject = UNSET
    else:
        json_subject = subject
    params["subject"] = json_subject

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/approvals",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageApprovalPublic | Problem | None:
    if response.status_code == 200:
        response_200 = PageApprovalPublic.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[PageApprovalPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: ApprovalStatus | None | Unset = UNSET,
    action: None | str | Unset = UNSET,
    subject: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[PageApprovalPublic | Problem]:
    """Four-eyes proposals, newest first, with a cursor (ops, auditor)

     ``status=pending`` is the queue waiting for a second key (expired ones show as
    ``expired``). Keyed by (proposed_at, approval_id); a cursor of another listing: 422.

    Args:
        status (ApprovalStatus | None | Unset):
        action (None | str | Unset):
        subject (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageApprovalPublic | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        action=action,
        subject=subject,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    status: ApprovalStatus | None | Unset = UNSET,
    action: None | str | Unset = UNSET,
    subject: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> PageApprovalPublic | Problem | None:
    """Four-eyes proposals, newest first, with a cursor (ops, auditor)

     ``status=pending`` is the queue waiting for a second key (expired ones show as
    ``expired``). Keyed by (proposed_at, approval_id); a cursor of another listing: 422.

    Args:
        status (ApprovalStatus | None | Unset):
        action (None | str | Unset):
        subject (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageApprovalPublic | Problem
    """

    return sync_detailed(
        client=client,
        status=status,
        action=action,
        subject=subject,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: ApprovalStatus | None | Unset = UNSET,
    action: None | str | Unset = UNSET,
    subject: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[PageApprovalPublic | Problem]:
    """Four-eyes proposals, newest first, with a cursor (ops, auditor)

     ``status=pending`` is the queue waiting for a second key (expired ones show as
    ``expired``). Keyed by (proposed_at, approval_id); a cursor of another listing: 422.

    Args:
        status (ApprovalStatus | None | Unset):
        action (None | str | Unset):
        subject (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageApprovalPublic | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        action=action,
        subject=subject,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: ApprovalStatus | None | Unset = UNSET,
    action: None | str | Unset = UNSET,
    subject: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> PageApprovalPublic | Problem | None:
    """Four-eyes proposals, newest first, with a cursor (ops, auditor)

     ``status=pending`` is the queue waiting for a second key (expired ones show as
    ``expired``). Keyed by (proposed_at, approval_id); a cursor of another listing: 422.

    Args:
        status (ApprovalStatus | None | Unset):
        action (None | str | Unset):
        subject (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageApprovalPublic | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            action=action,
            subject=subject,
            cursor=cursor,
            limit=limit,
        )
    ).parsed

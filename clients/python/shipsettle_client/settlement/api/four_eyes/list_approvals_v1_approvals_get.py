from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.approval_status import ApprovalStatus
from ...models.http_validation_error import HTTPValidationError
from ...models.list_approvals_v1_approvals_get_response_list_approvals_v1_approvals_get import (
    ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: ApprovalStatus | None | Unset = UNSET,
    action: None | str | Unset = UNSET,
    subject: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

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

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet | None:
    if response.status_code == 200:
        response_200 = ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[HTTPValidationError | ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    status: ApprovalStatus | None | Unset = UNSET,
    action: None | str | Unset = UNSET,
    subject: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet]:
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
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet]
    """

    kwargs = _get_kwargs(
        status=status,
        action=action,
        subject=subject,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    status: ApprovalStatus | None | Unset = UNSET,
    action: None | str | Unset = UNSET,
    subject: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet | None:
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
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet
    """

    return sync_detailed(
        client=client,
        status=status,
        action=action,
        subject=subject,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    status: ApprovalStatus | None | Unset = UNSET,
    action: None | str | Unset = UNSET,
    subject: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet]:
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
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet]
    """

    kwargs = _get_kwargs(
        status=status,
        action=action,
        subject=subject,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    status: ApprovalStatus | None | Unset = UNSET,
    action: None | str | Unset = UNSET,
    subject: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet | None:
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
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ListApprovalsV1ApprovalsGetResponseListApprovalsV1ApprovalsGet
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            action=action,
            subject=subject,
            cursor=cursor,
            limit=limit,
            authorization=authorization,
        )
    ).parsed

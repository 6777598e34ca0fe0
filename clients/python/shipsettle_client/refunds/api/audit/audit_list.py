from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_audit_entry_public import PageAuditEntryPublic
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    action: None | str | Unset = UNSET,
    target_type: None | str | Unset = UNSET,
    target_id: None | str | Unset = UNSET,
    actor_key_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_action: None | str | Unset
    if isinstance(action, Unset):
        json_action = UNSET
    else:
        json_action = action
    params["action"] = json_action

    json_target_type: None | str | Unset
    if isinstance(target_type, Unset):
        json_target_type = UNSET
    else:
        json_target_type = target_type
    params["target_type"] = json_target_type

    json_target_id: None | str | Unset
    if isinstance(target_id, Unset):
        json_target_id = UNSET
    else:
        json_target_id = target_id
    params["target_id"] = json_target_id

    json_actor_key_id: None | str | Unset
    if isinstance(actor_key_id, Unset):
        json_actor_key_id = UNSET
    else:
        json_actor_key_id = actor_key_id
    params["actor_key_id"] = json_actor_key_id

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
        "url": "/v1/audit",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageAuditEntryPublic | Problem | None:
    if response.status_code == 200:
        response_200 = PageAuditEntryPublic.from_dict(response.json())

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
) -> Response[PageAuditEntryPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    action: None | str | Unset = UNSET,
    target_type: None | str | Unset = UNSET,
    target_id: None | str | Unset = UNSET,
    actor_key_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[PageAuditEntryPublic | Problem]:
    """The audit log: every action by a person or a key, newest first, with a cursor (auditor, ops)

     Keyed by ``seq``; a cursor of another listing (or other filters): 422.

    Args:
        action (None | str | Unset):
        target_type (None | str | Unset):
        target_id (None | str | Unset):
        actor_key_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageAuditEntryPublic | Problem]
    """

    kwargs = _get_kwargs(
        action=action,
        target_type=target_type,
        target_id=target_id,
        actor_key_id=actor_key_id,
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
    action: None | str | Unset = UNSET,
    target_type: None | str | Unset = UNSET,
    target_id: None | str | Unset = UNSET,
    actor_key_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> PageAuditEntryPublic | Problem | None:
    """The audit log: every action by a person or a key, newest first, with a cursor (auditor, ops)

     Keyed by ``seq``; a cursor of another listing (or other filters): 422.

    Args:
        action (None | str | Unset):
        target_type (None | str | Unset):
        target_id (None | str | Unset):
        actor_key_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageAuditEntryPublic | Problem
    """

    return sync_detailed(
        client=client,
        action=action,
        target_type=target_type,
        target_id=target_id,
        actor_key_id=actor_key_id,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    action: None | str | Unset = UNSET,
    target_type: None | str | Unset = UNSET,
    target_id: None | str | Unset = UNSET,
    actor_key_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[PageAuditEntryPublic | Problem]:
    """The audit log: every action by a person or a key, newest first, with a cursor (auditor, ops)

     Keyed by ``seq``; a cursor of another listing (or other filters): 422.

    Args:
        action (None | str | Unset):
        target_type (None | str | Unset):
        target_id (None | str | Unset):
        actor_key_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageAuditEntryPublic | Problem]
    """

    kwargs = _get_kwargs(
        action=action,
        target_type=target_type,
        target_id=target_id,
        actor_key_id=actor_key_id,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    action: None | str | Unset = UNSET,
    target_type: None | str | Unset = UNSET,
    target_id: None | str | Unset = UNSET,
    actor_key_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> PageAuditEntryPublic | Problem | None:
    """The audit log: every action by a person or a key, newest first, with a cursor (auditor, ops)

     Keyed by ``seq``; a cursor of another listing (or other filters): 422.

    Args:
        action (None | str | Unset):
        target_type (None | str | Unset):
        target_id (None | str | Unset):
        actor_key_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageAuditEntryPublic | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            action=action,
            target_type=target_type,
            target_id=target_id,
            actor_key_id=actor_key_id,
            cursor=cursor,
            limit=limit,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.refund_sla import RefundSla
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    merchant_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_merchant_id: None | str | Unset
    if isinstance(merchant_id, Unset):
        json_merchant_id = UNSET
    else:
        json_merchant_id = merchant_id
    params["merchant_id"] = json_merchant_id

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
        "url": "/v1/refund-sla",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RefundSla | None:
    if response.status_code == 200:
        response_200 = RefundSla.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | RefundSla]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    merchant_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[Problem | RefundSla]:
    """Open refunds by age against their deadline, with a cursor

     For ops: every open refund, oldest first, with who it waits for and the time left
    (negative: overdue; a deadline that passed acts within a timer pass). For a merchant: its own.
    ``breaching``: past its deadline (for a balance credit, the platform's answer_by), or failed —
    a failed refund breaches until ops retry it or settle it another way
    (POST /v1/refunds/{refund_id}/resolution). ``open``, ``breaching`` and ``by_waiting_for``
    count every open refund, on every page; ``items`` are one page of them. Another merchant
    named: 404; a cursor of another listing: 422.

    Args:
        merchant_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RefundSla]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
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
    merchant_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Problem | RefundSla | None:
    """Open refunds by age against their deadline, with a cursor

     For ops: every open refund, oldest first, with who it waits for and the time left
    (negative: overdue; a deadline that passed acts within a timer pass). For a merchant: its own.
    ``breaching``: past its deadline (for a balance credit, the platform's answer_by), or failed —
    a failed refund breaches until ops retry it or settle it another way
    (POST /v1/refunds/{refund_id}/resolution). ``open``, ``breaching`` and ``by_waiting_for``
    count every open refund, on every page; ``items`` are one page of them. Another merchant
    named: 404; a cursor of another listing: 422.

    Args:
        merchant_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RefundSla
    """

    return sync_detailed(
        client=client,
        merchant_id=merchant_id,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    merchant_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[Problem | RefundSla]:
    """Open refunds by age against their deadline, with a cursor

     For ops: every open refund, oldest first, with who it waits for and the time left
    (negative: overdue; a deadline that passed acts within a timer pass). For a merchant: its own.
    ``breaching``: past its deadline (for a balance credit, the platform's answer_by), or failed —
    a failed refund breaches until ops retry it or settle it another way
    (POST /v1/refunds/{refund_id}/resolution). ``open``, ``breaching`` and ``by_waiting_for``
    count every open refund, on every page; ``items`` are one page of them. Another merchant
    named: 404; a cursor of another listing: 422.

    Args:
        merchant_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RefundSla]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    merchant_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Problem | RefundSla | None:
    """Open refunds by age against their deadline, with a cursor

     For ops: every open refund, oldest first, with who it waits for and the time left
    (negative: overdue; a deadline that passed acts within a timer pass). For a merchant: its own.
    ``breaching``: past its deadline (for a balance credit, the platform's answer_by), or failed —
    a failed refund breaches until ops retry it or settle it another way
    (POST /v1/refunds/{refund_id}/resolution). ``open``, ``breaching`` and ``by_waiting_for``
    count every open refund, on every page; ``items`` are one page of them. Another merchant
    named: 404; a cursor of another listing: 422.

    Args:
        merchant_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RefundSla
    """

    return (
        await asyncio_detailed(
            client=client,
            merchant_id=merchant_id,
            cursor=cursor,
            limit=limit,
        )
    ).parsed

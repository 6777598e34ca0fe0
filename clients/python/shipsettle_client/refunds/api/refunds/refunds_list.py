from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_refund_public import PageRefundPublic
from ...models.problem import Problem
from ...models.refund_status import RefundStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    order_id: None | str | Unset = UNSET,
    merchant_id: None | str | Unset = UNSET,
    status: None | RefundStatus | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_order_id: None | str | Unset
    if isinstance(order_id, Unset):
        json_order_id = UNSET
    else:
        json_order_id = order_id
    params["order_id"] = json_order_id

    json_merchant_id: None | str | Unset
    if isinstance(merchant_id, Unset):
        json_merchant_id = UNSET
    else:
        json_merchant_id = merchant_id
    params["merchant_id"] = json_merchant_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, RefundStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

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
        "url": "/v1/refunds",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageRefundPublic | Problem | None:
    if response.status_code == 200:
        response_200 = PageRefundPublic.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PageRefundPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    order_id: None | str | Unset = UNSET,
    merchant_id: None | str | Unset = UNSET,
    status: None | RefundStatus | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[PageRefundPublic | Problem]:
    """Refunds of an order or a merchant, oldest first, with a cursor

     Another merchant, or another merchant's order, named: 404; a cursor of another listing: 422.

    Args:
        order_id (None | str | Unset):
        merchant_id (None | str | Unset):
        status (None | RefundStatus | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageRefundPublic | Problem]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        merchant_id=merchant_id,
        status=status,
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
    order_id: None | str | Unset = UNSET,
    merchant_id: None | str | Unset = UNSET,
    status: None | RefundStatus | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> PageRefundPublic | Problem | None:
    """Refunds of an order or a merchant, oldest first, with a cursor

     Another merchant, or another merchant's order, named: 404; a cursor of another listing: 422.

    Args:
        order_id (None | str | Unset):
        merchant_id (None | str | Unset):
        status (None | RefundStatus | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageRefundPublic | Problem
    """

    return sync_detailed(
        client=client,
        order_id=order_id,
        merchant_id=merchant_id,
        status=status,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    order_id: None | str | Unset = UNSET,
    merchant_id: None | str | Unset = UNSET,
    status: None | RefundStatus | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[PageRefundPublic | Problem]:
    """Refunds of an order or a merchant, oldest first, with a cursor

     Another merchant, or another merchant's order, named: 404; a cursor of another listing: 422.

    Args:
        order_id (None | str | Unset):
        merchant_id (None | str | Unset):
        status (None | RefundStatus | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageRefundPublic | Problem]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        merchant_id=merchant_id,
        status=status,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    order_id: None | str | Unset = UNSET,
    merchant_id: None | str | Unset = UNSET,
    status: None | RefundStatus | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> PageRefundPublic | Problem | None:
    """Refunds of an order or a merchant, oldest first, with a cursor

     Another merchant, or another merchant's order, named: 404; a cursor of another listing: 422.

    Args:
        order_id (None | str | Unset):
        merchant_id (None | str | Unset):
        status (None | RefundStatus | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageRefundPublic | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            order_id=order_id,
            merchant_id=merchant_id,
            status=status,
            cursor=cursor,
            limit=limit,
        )
    ).parsed

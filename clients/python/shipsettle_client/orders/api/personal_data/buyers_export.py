from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_buyer_order_data import PageBuyerOrderData
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    buyer_ref: str,
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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
        "url": "/v1/buyers/{buyer_ref}/personal-data".format(
            buyer_ref=quote(str(buyer_ref), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageBuyerOrderData | Problem | None:
    if response.status_code == 200:
        response_200 = PageBuyerOrderData.from_dict(response.json())

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
) -> Response[PageBuyerOrderData | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    buyer_ref: str,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[PageBuyerOrderData | Problem]:
    """Export a buyer's personal data: each order's consignee and its changes (ops; audited)

     For a buyer's access or portability request (PIPL): their orders, oldest first, with the
    consignee whole (``[erased]`` once erased) and every confirmation or correction of it.
    order-svc holds every consignee the platform keeps (logistics keeps a copy of the latest
    confirmed one; settlement none). Each page read is audit-logged (``buyers.export``). 404: no
    order of that buyer.

    Args:
        buyer_ref (str):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageBuyerOrderData | Problem]
    """

    kwargs = _get_kwargs(
        buyer_ref=buyer_ref,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    buyer_ref: str,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> PageBuyerOrderData | Problem | None:
    """Export a buyer's personal data: each order's consignee and its changes (ops; audited)

     For a buyer's access or portability request (PIPL): their orders, oldest first, with the
    consignee whole (``[erased]`` once erased) and every confirmation or correction of it.
    order-svc holds every consignee the platform keeps (logistics keeps a copy of the latest
    confirmed one; settlement none). Each page read is audit-logged (``buyers.export``). 404: no
    order of that buyer.

    Args:
        buyer_ref (str):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageBuyerOrderData | Problem
    """

    return sync_detailed(
        buyer_ref=buyer_ref,
        client=client,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    buyer_ref: str,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[PageBuyerOrderData | Problem]:
    """Export a buyer's personal data: each order's consignee and its changes (ops; audited)

     For a buyer's access or portability request (PIPL): their orders, oldest first, with the
    consignee whole (``[erased]`` once erased) and every confirmation or correction of it.
    order-svc holds every consignee the platform keeps (logistics keeps a copy of the latest
    confirmed one; settlement none). Each page read is audit-logged (``buyers.export``). 404: no
    order of that buyer.

    Args:
        buyer_ref (str):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageBuyerOrderData | Problem]
    """

    kwargs = _get_kwargs(
        buyer_ref=buyer_ref,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    buyer_ref: str,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> PageBuyerOrderData | Problem | None:
    """Export a buyer's personal data: each order's consignee and its changes (ops; audited)

     For a buyer's access or portability request (PIPL): their orders, oldest first, with the
    consignee whole (``[erased]`` once erased) and every confirmation or correction of it.
    order-svc holds every consignee the platform keeps (logistics keeps a copy of the latest
    confirmed one; settlement none). Each page read is audit-logged (``buyers.export``). 404: no
    order of that buyer.

    Args:
        buyer_ref (str):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageBuyerOrderData | Problem
    """

    return (
        await asyncio_detailed(
            buyer_ref=buyer_ref,
            client=client,
            cursor=cursor,
            limit=limit,
        )
    ).parsed

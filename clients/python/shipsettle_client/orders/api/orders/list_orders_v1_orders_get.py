import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.list_orders_v1_orders_get_response_list_orders_v1_orders_get import (
    ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet,
)
from ...models.order_status import OrderStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    merchant_id: None | str | Unset = UNSET,
    status: None | OrderStatus | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    params: dict[str, Any] = {}

    json_merchant_id: None | str | Unset
    if isinstance(merchant_id, Unset):
        json_merchant_id = UNSET
    else:
        json_merchant_id = merchant_id
    params["merchant_id"] = json_merchant_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, OrderStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_created_from: None | str | Unset
    if isinstance(created_from, Unset):
        json_created_from = UNSET
    elif isinstance(created_from, datetime.datetime):
        json_created_from = created_from.isoformat()
    else:
        json_created_from = created_from
    params["created_from"] = json_created_from

    json_created_to: None | str | Unset
    if isinstance(created_to, Unset):
        json_created_to = UNSET
    elif isinstance(created_to, datetime.datetime):
        json_created_to = created_to.isoformat()
    else:
        json_created_to = created_to
    params["created_to"] = json_created_to

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
        "url": "/v1/orders",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet | None:
    if response.status_code == 200:
        response_200 = ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet.from_dict(response.json())

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
) -> Response[HTTPValidationError | ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    merchant_id: None | str | Unset = UNSET,
    status: None | OrderStatus | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet]:
    """List orders, newest first, with a cursor

     A merchant key lists only its own orders; asking for another merchant's is a 404. A
    cursor of another listing (route or filters): 422.

    Args:
        merchant_id (None | str | Unset):
        status (None | OrderStatus | Unset):
        created_from (datetime.datetime | None | Unset): inclusive
        created_to (datetime.datetime | None | Unset): exclusive
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        status=status,
        created_from=created_from,
        created_to=created_to,
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
    merchant_id: None | str | Unset = UNSET,
    status: None | OrderStatus | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet | None:
    """List orders, newest first, with a cursor

     A merchant key lists only its own orders; asking for another merchant's is a 404. A
    cursor of another listing (route or filters): 422.

    Args:
        merchant_id (None | str | Unset):
        status (None | OrderStatus | Unset):
        created_from (datetime.datetime | None | Unset): inclusive
        created_to (datetime.datetime | None | Unset): exclusive
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet
    """

    return sync_detailed(
        client=client,
        merchant_id=merchant_id,
        status=status,
        created_from=created_from,
        created_to=created_to,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    merchant_id: None | str | Unset = UNSET,
    status: None | OrderStatus | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet]:
    """List orders, newest first, with a cursor

     A merchant key lists only its own orders; asking for another merchant's is a 404. A
    cursor of another listing (route or filters): 422.

    Args:
        merchant_id (None | str | Unset):
        status (None | OrderStatus | Unset):
        created_from (datetime.datetime | None | Unset): inclusive
        created_to (datetime.datetime | None | Unset): exclusive
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        status=status,
        created_from=created_from,
        created_to=created_to,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    merchant_id: None | str | Unset = UNSET,
    status: None | OrderStatus | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet | None:
    """List orders, newest first, with a cursor

     A merchant key lists only its own orders; asking for another merchant's is a 404. A
    cursor of another listing (route or filters): 422.

    Args:
        merchant_id (None | str | Unset):
        status (None | OrderStatus | Unset):
        created_from (datetime.datetime | None | Unset): inclusive
        created_to (datetime.datetime | None | Unset): exclusive
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ListOrdersV1OrdersGetResponseListOrdersV1OrdersGet
    """

    return (
        await asyncio_detailed(
            client=client,
            merchant_id=merchant_id,
            status=status,
            created_from=created_from,
            created_to=created_to,
            cursor=cursor,
            limit=limit,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.shipping_history_v1_orders_order_id_shipping_info_history_get_response_shipping_history_v1_orders_order_id_shipping_info_history_get import (
    ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    order_id: str,
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

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
        "url": "/v1/orders/{order_id}/shipping-info/history".format(
            order_id=quote(str(order_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    HTTPValidationError
    | ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet
    | None
):
    if response.status_code == 200:
        response_200 = ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet.from_dict(
            response.json()
        )

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
) -> Response[
    HTTPValidationError
    | ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient | Client,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError
    | ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet
]:
    """Who confirmed or corrected shipping info, and when (oldest first, with a cursor)

     Another merchant's or an unknown order: 404; a cursor of another listing: 422.

    Args:
        order_id (str):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    order_id: str,
    *,
    client: AuthenticatedClient | Client,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet
    | None
):
    """Who confirmed or corrected shipping info, and when (oldest first, with a cursor)

     Another merchant's or an unknown order: 404; a cursor of another listing: 422.

    Args:
        order_id (str):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet
    """

    return sync_detailed(
        order_id=order_id,
        client=client,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient | Client,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError
    | ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet
]:
    """Who confirmed or corrected shipping info, and when (oldest first, with a cursor)

     Another merchant's or an unknown order: 404; a cursor of another listing: 422.

    Args:
        order_id (str):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: str,
    *,
    client: AuthenticatedClient | Client,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet
    | None
):
    """Who confirmed or corrected shipping info, and when (oldest first, with a cursor)

     Another merchant's or an unknown order: 404; a cursor of another listing: 422.

    Args:
        order_id (str):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ShippingHistoryV1OrdersOrderIdShippingInfoHistoryGetResponseShippingHistoryV1OrdersOrderIdShippingInfoHistoryGet
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            cursor=cursor,
            limit=limit,
            authorization=authorization,
        )
    ).parsed

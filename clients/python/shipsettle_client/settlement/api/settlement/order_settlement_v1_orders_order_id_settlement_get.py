from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.order_settlement_v1_orders_order_id_settlement_get_response_order_settlement_v1_orders_order_id_settlement_get import (
    OrderSettlementV1OrdersOrderIdSettlementGetResponseOrderSettlementV1OrdersOrderIdSettlementGet,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    order_id: str,
    *,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/orders/{order_id}/settlement".format(
            order_id=quote(str(order_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    HTTPValidationError
    | OrderSettlementV1OrdersOrderIdSettlementGetResponseOrderSettlementV1OrdersOrderIdSettlementGet
    | None
):
    if response.status_code == 200:
        response_200 = (
            OrderSettlementV1OrdersOrderIdSettlementGetResponseOrderSettlementV1OrdersOrderIdSettlementGet.from_dict(
                response.json()
            )
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
    HTTPValidationError | OrderSettlementV1OrdersOrderIdSettlementGetResponseOrderSettlementV1OrdersOrderIdSettlementGet
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
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | OrderSettlementV1OrdersOrderIdSettlementGetResponseOrderSettlementV1OrdersOrderIdSettlementGet
]:
    """What an order has booked, held and released

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | OrderSettlementV1OrdersOrderIdSettlementGetResponseOrderSettlementV1OrdersOrderIdSettlementGet]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
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
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | OrderSettlementV1OrdersOrderIdSettlementGetResponseOrderSettlementV1OrdersOrderIdSettlementGet
    | None
):
    """What an order has booked, held and released

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | OrderSettlementV1OrdersOrderIdSettlementGetResponseOrderSettlementV1OrdersOrderIdSettlementGet
    """

    return sync_detailed(
        order_id=order_id,
        client=client,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | OrderSettlementV1OrdersOrderIdSettlementGetResponseOrderSettlementV1OrdersOrderIdSettlementGet
]:
    """What an order has booked, held and released

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | OrderSettlementV1OrdersOrderIdSettlementGetResponseOrderSettlementV1OrdersOrderIdSettlementGet]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | OrderSettlementV1OrdersOrderIdSettlementGetResponseOrderSettlementV1OrdersOrderIdSettlementGet
    | None
):
    """What an order has booked, held and released

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | OrderSettlementV1OrdersOrderIdSettlementGetResponseOrderSettlementV1OrdersOrderIdSettlementGet
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            authorization=authorization,
        )
    ).parsed

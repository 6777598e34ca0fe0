from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.order_request import OrderRequest
from ...models.place_order_v1_orders_post_response_place_order_v1_orders_post import (
    PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: OrderRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/orders",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost | None:
    if response.status_code == 201:
        response_201 = PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost.from_dict(response.json())

        return response_201

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[HTTPValidationError | PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: OrderRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost]:
    """Place a paid order (platform)

     Prices the order with ShipSettle's rules (see the pricing engine's rules in the API
    description) and accepts it only if the payment equals the computed payable amount.
    Same Idempotency-Key and body: the first answer again; another body: 409.

    Args:
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (OrderRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: OrderRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost | None:
    """Place a paid order (platform)

     Prices the order with ShipSettle's rules (see the pricing engine's rules in the API
    description) and accepts it only if the payment equals the computed payable amount.
    Same Idempotency-Key and body: the first answer again; another body: 409.

    Args:
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (OrderRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: OrderRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost]:
    """Place a paid order (platform)

     Prices the order with ShipSettle's rules (see the pricing engine's rules in the API
    description) and accepts it only if the payment equals the computed payable amount.
    Same Idempotency-Key and body: the first answer again; another body: 409.

    Args:
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (OrderRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: OrderRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost | None:
    """Place a paid order (platform)

     Prices the order with ShipSettle's rules (see the pricing engine's rules in the API
    description) and accepts it only if the payment equals the computed payable amount.
    Same Idempotency-Key and body: the first answer again; another body: 409.

    Args:
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (OrderRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | PlaceOrderV1OrdersPostResponsePlaceOrderV1OrdersPost
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            authorization=authorization,
        )
    ).parsed

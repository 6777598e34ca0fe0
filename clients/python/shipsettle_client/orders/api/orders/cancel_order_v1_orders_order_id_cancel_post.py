from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cancel_order_v1_orders_order_id_cancel_post_response_cancel_order_v1_orders_order_id_cancel_post import (
    CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost,
)
from ...models.cancel_request import CancelRequest
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    order_id: str,
    *,
    body: CancelRequest,
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
        "url": "/v1/orders/{order_id}/cancel".format(
            order_id=quote(str(order_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost.from_dict(
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
) -> Response[CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost | HTTPValidationError]:
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
    body: CancelRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> Response[CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost | HTTPValidationError]:
    """Cancel before dispatch (a full refund follows)

     Emits OrderCancelled, which refund-svc turns into a full refund. After dispatch: 409
    (request a refund or return instead). Idempotent with an Idempotency-Key.

    Args:
        order_id (str):
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (CancelRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        body=body,
        idempotency_key=idempotency_key,
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
    body: CancelRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost | HTTPValidationError | None:
    """Cancel before dispatch (a full refund follows)

     Emits OrderCancelled, which refund-svc turns into a full refund. After dispatch: 409
    (request a refund or return instead). Idempotent with an Idempotency-Key.

    Args:
        order_id (str):
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (CancelRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost | HTTPValidationError
    """

    return sync_detailed(
        order_id=order_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CancelRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> Response[CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost | HTTPValidationError]:
    """Cancel before dispatch (a full refund follows)

     Emits OrderCancelled, which refund-svc turns into a full refund. After dispatch: 409
    (request a refund or return instead). Idempotent with an Idempotency-Key.

    Args:
        order_id (str):
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (CancelRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        body=body,
        idempotency_key=idempotency_key,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CancelRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost | HTTPValidationError | None:
    """Cancel before dispatch (a full refund follows)

     Emits OrderCancelled, which refund-svc turns into a full refund. After dispatch: 409
    (request a refund or return instead). Idempotent with an Idempotency-Key.

    Args:
        order_id (str):
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (CancelRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CancelOrderV1OrdersOrderIdCancelPostResponseCancelOrderV1OrdersOrderIdCancelPost | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.confirm_receipt_v1_orders_order_id_confirm_receipt_post_response_200_item import (
    ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item,
)
from ...models.http_validation_error import HTTPValidationError
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
        "method": "post",
        "url": "/v1/orders/{order_id}/confirm-receipt".format(
            order_id=quote(str(order_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | list[ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item.from_dict(
                response_200_item_data
            )

            response_200.append(response_200_item)

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
) -> Response[HTTPValidationError | list[ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item]]:
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
) -> Response[HTTPValidationError | list[ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item]]:
    """The buyer confirmed receipt (确认收货), posted by the platform

     Signs off every outbound shipment of the order that is not yet signed off, at once, and
    cancels their auto-confirm timers. Settlement waits for exactly this (OrderSignedOff). An
    open refund does not block it: only the automatic sign-off waits for refunds.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | list[ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item]]
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
) -> HTTPValidationError | list[ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item] | None:
    """The buyer confirmed receipt (确认收货), posted by the platform

     Signs off every outbound shipment of the order that is not yet signed off, at once, and
    cancels their auto-confirm timers. Settlement waits for exactly this (OrderSignedOff). An
    open refund does not block it: only the automatic sign-off waits for refunds.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | list[ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item]
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
) -> Response[HTTPValidationError | list[ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item]]:
    """The buyer confirmed receipt (确认收货), posted by the platform

     Signs off every outbound shipment of the order that is not yet signed off, at once, and
    cancels their auto-confirm timers. Settlement waits for exactly this (OrderSignedOff). An
    open refund does not block it: only the automatic sign-off waits for refunds.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | list[ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item]]
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
) -> HTTPValidationError | list[ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item] | None:
    """The buyer confirmed receipt (确认收货), posted by the platform

     Signs off every outbound shipment of the order that is not yet signed off, at once, and
    cancels their auto-confirm timers. Settlement waits for exactly this (OrderSignedOff). An
    open refund does not block it: only the automatic sign-off waits for refunds.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | list[ConfirmReceiptV1OrdersOrderIdConfirmReceiptPostResponse200Item]
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.confirm_shipping_info_v1_orders_order_id_shipping_info_confirm_post_response_confirm_shipping_info_v1_orders_order_id_shipping_info_confirm_post import (
    ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost,
)
from ...models.confirm_shipping_request import ConfirmShippingRequest
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    order_id: str,
    *,
    body: ConfirmShippingRequest,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/orders/{order_id}/shipping-info/confirm".format(
            order_id=quote(str(order_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost
    | HTTPValidationError
    | None
):
    if response.status_code == 200:
        response_200 = ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost.from_dict(
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
    ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost
    | HTTPValidationError
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
    body: ConfirmShippingRequest,
    authorization: None | str | Unset = UNSET,
) -> Response[
    ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost
    | HTTPValidationError
]:
    """Confirm shipping information (核对发货信息)

     Checks the consignee's mobile (mainland 11 digits, else E.164) and address, and that each
    line's quantity and spec (规格) match the order. Dispatch is refused until this is done.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (ConfirmShippingRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        body=body,
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
    body: ConfirmShippingRequest,
    authorization: None | str | Unset = UNSET,
) -> (
    ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost
    | HTTPValidationError
    | None
):
    """Confirm shipping information (核对发货信息)

     Checks the consignee's mobile (mainland 11 digits, else E.164) and address, and that each
    line's quantity and spec (规格) match the order. Dispatch is refused until this is done.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (ConfirmShippingRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost | HTTPValidationError
    """

    return sync_detailed(
        order_id=order_id,
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ConfirmShippingRequest,
    authorization: None | str | Unset = UNSET,
) -> Response[
    ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost
    | HTTPValidationError
]:
    """Confirm shipping information (核对发货信息)

     Checks the consignee's mobile (mainland 11 digits, else E.164) and address, and that each
    line's quantity and spec (规格) match the order. Dispatch is refused until this is done.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (ConfirmShippingRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ConfirmShippingRequest,
    authorization: None | str | Unset = UNSET,
) -> (
    ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost
    | HTTPValidationError
    | None
):
    """Confirm shipping information (核对发货信息)

     Checks the consignee's mobile (mainland 11 digits, else E.164) and address, and that each
    line's quantity and spec (规格) match the order. Dispatch is refused until this is done.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (ConfirmShippingRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPostResponseConfirmShippingInfoV1OrdersOrderIdShippingInfoConfirmPost | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

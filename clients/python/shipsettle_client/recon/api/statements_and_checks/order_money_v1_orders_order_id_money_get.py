from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.order_money_v1_orders_order_id_money_get_response_order_money_v1_orders_order_id_money_get import (
    OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet,
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
        "url": "/v1/orders/{order_id}/money".format(
            order_id=quote(str(order_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet | None:
    if response.status_code == 200:
        response_200 = OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet.from_dict(
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
) -> Response[HTTPValidationError | OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet]:
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
) -> Response[HTTPValidationError | OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet]:
    """An order's money as recon sees it, from every service

     404 (``NotFound``) for an order recon does not know, and for a merchant key, for any order
    recon does not know to be that merchant's own: one whose merchant recon has not learnt yet (a
    ledger or refund fact came before the order) is not shown to any merchant.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet]
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
) -> HTTPValidationError | OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet | None:
    """An order's money as recon sees it, from every service

     404 (``NotFound``) for an order recon does not know, and for a merchant key, for any order
    recon does not know to be that merchant's own: one whose merchant recon has not learnt yet (a
    ledger or refund fact came before the order) is not shown to any merchant.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet
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
) -> Response[HTTPValidationError | OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet]:
    """An order's money as recon sees it, from every service

     404 (``NotFound``) for an order recon does not know, and for a merchant key, for any order
    recon does not know to be that merchant's own: one whose merchant recon has not learnt yet (a
    ledger or refund fact came before the order) is not shown to any merchant.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet]
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
) -> HTTPValidationError | OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet | None:
    """An order's money as recon sees it, from every service

     404 (``NotFound``) for an order recon does not know, and for a merchant key, for any order
    recon does not know to be that merchant's own: one whose merchant recon has not learnt yet (a
    ledger or refund fact came before the order) is not shown to any merchant.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | OrderMoneyV1OrdersOrderIdMoneyGetResponseOrderMoneyV1OrdersOrderIdMoneyGet
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.correct_shipping_info_v1_orders_order_id_shipping_info_patch_response_correct_shipping_info_v1_orders_order_id_shipping_info_patch import (
    CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch,
)
from ...models.correct_shipping_request import CorrectShippingRequest
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    order_id: str,
    *,
    body: CorrectShippingRequest,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/orders/{order_id}/shipping-info".format(
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
    CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch
    | HTTPValidationError
    | None
):
    if response.status_code == 200:
        response_200 = CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch.from_dict(
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
    CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch
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
    body: CorrectShippingRequest,
    authorization: None | str | Unset = UNSET,
) -> Response[
    CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch
    | HTTPValidationError
]:
    """Correct shipping information before dispatch

     Allowed until the first parcel is dispatched; recorded with who and when. After
    dispatch: 409 already-dispatched.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (CorrectShippingRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch | HTTPValidationError]
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
    body: CorrectShippingRequest,
    authorization: None | str | Unset = UNSET,
) -> (
    CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch
    | HTTPValidationError
    | None
):
    """Correct shipping information before dispatch

     Allowed until the first parcel is dispatched; recorded with who and when. After
    dispatch: 409 already-dispatched.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (CorrectShippingRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch | HTTPValidationError
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
    body: CorrectShippingRequest,
    authorization: None | str | Unset = UNSET,
) -> Response[
    CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch
    | HTTPValidationError
]:
    """Correct shipping information before dispatch

     Allowed until the first parcel is dispatched; recorded with who and when. After
    dispatch: 409 already-dispatched.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (CorrectShippingRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch | HTTPValidationError]
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
    body: CorrectShippingRequest,
    authorization: None | str | Unset = UNSET,
) -> (
    CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch
    | HTTPValidationError
    | None
):
    """Correct shipping information before dispatch

     Allowed until the first parcel is dispatched; recorded with who and when. After
    dispatch: 409 already-dispatched.

    Args:
        order_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (CorrectShippingRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CorrectShippingInfoV1OrdersOrderIdShippingInfoPatchResponseCorrectShippingInfoV1OrdersOrderIdShippingInfoPatch | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dispatch_request import DispatchRequest
from ...models.dispatch_v1_shipments_post_response_dispatch_v1_shipments_post import (
    DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost,
)
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: DispatchRequest,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/shipments",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost | HTTPValidationError | None:
    if response.status_code == 201:
        response_201 = DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost.from_dict(response.json())

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
) -> Response[DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost | HTTPValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DispatchRequest,
    authorization: None | str | Unset = UNSET,
) -> Response[DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost | HTTPValidationError]:
    """Dispatch a parcel of a confirmed order

     The order must be confirmed (核对发货信息) and not cancelled; the carrier known and active;
    the tracking number in the carrier's format and not used by another live shipment; the
    lines and quantities the order's, never more than is left to ship. An order may ship in
    several parcels; what is not shipped stays open. The same dispatch sent again (a retry after
    a lost answer) returns the shipment the first one made, with nothing new written.

    Args:
        authorization (None | str | Unset): Bearer <API key>
        body (DispatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        body=body,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: DispatchRequest,
    authorization: None | str | Unset = UNSET,
) -> DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost | HTTPValidationError | None:
    """Dispatch a parcel of a confirmed order

     The order must be confirmed (核对发货信息) and not cancelled; the carrier known and active;
    the tracking number in the carrier's format and not used by another live shipment; the
    lines and quantities the order's, never more than is left to ship. An order may ship in
    several parcels; what is not shipped stays open. The same dispatch sent again (a retry after
    a lost answer) returns the shipment the first one made, with nothing new written.

    Args:
        authorization (None | str | Unset): Bearer <API key>
        body (DispatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost | HTTPValidationError
    """

    return sync_detailed(
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DispatchRequest,
    authorization: None | str | Unset = UNSET,
) -> Response[DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost | HTTPValidationError]:
    """Dispatch a parcel of a confirmed order

     The order must be confirmed (核对发货信息) and not cancelled; the carrier known and active;
    the tracking number in the carrier's format and not used by another live shipment; the
    lines and quantities the order's, never more than is left to ship. An order may ship in
    several parcels; what is not shipped stays open. The same dispatch sent again (a retry after
    a lost answer) returns the shipment the first one made, with nothing new written.

    Args:
        authorization (None | str | Unset): Bearer <API key>
        body (DispatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: DispatchRequest,
    authorization: None | str | Unset = UNSET,
) -> DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost | HTTPValidationError | None:
    """Dispatch a parcel of a confirmed order

     The order must be confirmed (核对发货信息) and not cancelled; the carrier known and active;
    the tracking number in the carrier's format and not used by another live shipment; the
    lines and quantities the order's, never more than is left to ship. An order may ship in
    several parcels; what is not shipped stays open. The same dispatch sent again (a retry after
    a lost answer) returns the shipment the first one made, with nothing new written.

    Args:
        authorization (None | str | Unset): Bearer <API key>
        body (DispatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DispatchV1ShipmentsPostResponseDispatchV1ShipmentsPost | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dispatch_request import DispatchRequest
from ...models.problem import Problem
from ...models.shipment_public import ShipmentPublic
from ...types import Response


def _get_kwargs(
    *,
    body: DispatchRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

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
) -> Problem | ShipmentPublic | None:
    if response.status_code == 201:
        response_201 = ShipmentPublic.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | ShipmentPublic]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: DispatchRequest,
) -> Response[Problem | ShipmentPublic]:
    """Dispatch a parcel of a confirmed order

     The order must be confirmed (核对发货信息) and not cancelled; the carrier known and active;
    the tracking number in the carrier's format and not used by another live shipment; the
    lines and quantities the order's, never more than is left to ship. An order may ship in
    several parcels; what is not shipped stays open. The same dispatch sent again (a retry after
    a lost answer) returns the shipment the first one made, with nothing new written.

    Args:
        body (DispatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ShipmentPublic]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: DispatchRequest,
) -> Problem | ShipmentPublic | None:
    """Dispatch a parcel of a confirmed order

     The order must be confirmed (核对发货信息) and not cancelled; the carrier known and active;
    the tracking number in the carrier's format and not used by another live shipment; the
    lines and quantities the order's, never more than is left to ship. An order may ship in
    several parcels; what is not shipped stays open. The same dispatch sent again (a retry after
    a lost answer) returns the shipment the first one made, with nothing new written.

    Args:
        body (DispatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ShipmentPublic
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: DispatchRequest,
) -> Response[Problem | ShipmentPublic]:
    """Dispatch a parcel of a confirmed order

     The order must be confirmed (核对发货信息) and not cancelled; the carrier known and active;
    the tracking number in the carrier's format and not used by another live shipment; the
    lines and quantities the order's, never more than is left to ship. An order may ship in
    several parcels; what is not shipped stays open. The same dispatch sent again (a retry after
    a lost answer) returns the shipment the first one made, with nothing new written.

    Args:
        body (DispatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ShipmentPublic]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: DispatchRequest,
) -> Problem | ShipmentPublic | None:
    """Dispatch a parcel of a confirmed order

     The order must be confirmed (核对发货信息) and not cancelled; the carrier known and active;
    the tracking number in the carrier's format and not used by another live shipment; the
    lines and quantities the order's, never more than is left to ship. An order may ship in
    several parcels; what is not shipped stays open. The same dispatch sent again (a retry after
    a lost answer) returns the shipment the first one made, with nothing new written.

    Args:
        body (DispatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ShipmentPublic
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

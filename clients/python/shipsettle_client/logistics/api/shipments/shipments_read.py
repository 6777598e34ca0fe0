from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.shipment_public import ShipmentPublic
from ...types import Response


def _get_kwargs(
    shipment_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/shipments/{shipment_id}".format(
            shipment_id=quote(str(shipment_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ShipmentPublic | None:
    if response.status_code == 200:
        response_200 = ShipmentPublic.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
    shipment_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | ShipmentPublic]:
    """A shipment with its normalised scan timeline

     ``direction`` is outbound or return (a buyer's parcel back, 退货); ``auto_confirm`` says
    whether the sign-off timer is scheduled (``due_at``) or paused, with the time left and the
    open refunds that hold it; ``ops_flags`` what ops should check (e.g. a return's tracking
    number not in the carrier's format).

    Args:
        shipment_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ShipmentPublic]
    """

    kwargs = _get_kwargs(
        shipment_id=shipment_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    shipment_id: str,
    *,
    client: AuthenticatedClient,
) -> Problem | ShipmentPublic | None:
    """A shipment with its normalised scan timeline

     ``direction`` is outbound or return (a buyer's parcel back, 退货); ``auto_confirm`` says
    whether the sign-off timer is scheduled (``due_at``) or paused, with the time left and the
    open refunds that hold it; ``ops_flags`` what ops should check (e.g. a return's tracking
    number not in the carrier's format).

    Args:
        shipment_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ShipmentPublic
    """

    return sync_detailed(
        shipment_id=shipment_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    shipment_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | ShipmentPublic]:
    """A shipment with its normalised scan timeline

     ``direction`` is outbound or return (a buyer's parcel back, 退货); ``auto_confirm`` says
    whether the sign-off timer is scheduled (``due_at``) or paused, with the time left and the
    open refunds that hold it; ``ops_flags`` what ops should check (e.g. a return's tracking
    number not in the carrier's format).

    Args:
        shipment_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ShipmentPublic]
    """

    kwargs = _get_kwargs(
        shipment_id=shipment_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    shipment_id: str,
    *,
    client: AuthenticatedClient,
) -> Problem | ShipmentPublic | None:
    """A shipment with its normalised scan timeline

     ``direction`` is outbound or return (a buyer's parcel back, 退货); ``auto_confirm`` says
    whether the sign-off timer is scheduled (``due_at``) or paused, with the time left and the
    open refunds that hold it; ``ops_flags`` what ops should check (e.g. a return's tracking
    number not in the carrier's format).

    Args:
        shipment_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ShipmentPublic
    """

    return (
        await asyncio_detailed(
            shipment_id=shipment_id,
            client=client,
        )
    ).parsed

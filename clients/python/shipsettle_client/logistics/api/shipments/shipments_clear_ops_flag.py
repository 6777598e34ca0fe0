from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.flag_clearance import FlagClearance
from ...models.problem import Problem
from ...models.shipment_public import ShipmentPublic
from ...types import Response


def _get_kwargs(
    shipment_id: str,
    flag_code: str,
    *,
    body: FlagClearance,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/shipments/{shipment_id}/ops-flags/{flag_code}/clear".format(
            shipment_id=quote(str(shipment_id), safe=""),
            flag_code=quote(str(flag_code), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
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
    shipment_id: str,
    flag_code: str,
    *,
    client: AuthenticatedClient,
    body: FlagClearance,
) -> Response[Problem | ShipmentPublic]:
    """Clear a shipment's flag once checked (ops); who and why are kept

     E.g. ``delivered-before-dispatch`` after the carrier confirmed it recycled the number and
    this parcel was delivered: the auto-confirm clock of a delivered shipment starts (from its
    delivery). The flag stays on the shipment with ``cleared_by`` (the ops key), ``cleared_at``
    and ``clear_reason``; settlement learns of it (ShipmentFlagCleared). 404: no such shipment or
    flag; 409: the flag is already cleared.

    Args:
        shipment_id (str):
        flag_code (str):
        body (FlagClearance):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ShipmentPublic]
    """

    kwargs = _get_kwargs(
        shipment_id=shipment_id,
        flag_code=flag_code,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    shipment_id: str,
    flag_code: str,
    *,
    client: AuthenticatedClient,
    body: FlagClearance,
) -> Problem | ShipmentPublic | None:
    """Clear a shipment's flag once checked (ops); who and why are kept

     E.g. ``delivered-before-dispatch`` after the carrier confirmed it recycled the number and
    this parcel was delivered: the auto-confirm clock of a delivered shipment starts (from its
    delivery). The flag stays on the shipment with ``cleared_by`` (the ops key), ``cleared_at``
    and ``clear_reason``; settlement learns of it (ShipmentFlagCleared). 404: no such shipment or
    flag; 409: the flag is already cleared.

    Args:
        shipment_id (str):
        flag_code (str):
        body (FlagClearance):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ShipmentPublic
    """

    return sync_detailed(
        shipment_id=shipment_id,
        flag_code=flag_code,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    shipment_id: str,
    flag_code: str,
    *,
    client: AuthenticatedClient,
    body: FlagClearance,
) -> Response[Problem | ShipmentPublic]:
    """Clear a shipment's flag once checked (ops); who and why are kept

     E.g. ``delivered-before-dispatch`` after the carrier confirmed it recycled the number and
    this parcel was delivered: the auto-confirm clock of a delivered shipment starts (from its
    delivery). The flag stays on the shipment with ``cleared_by`` (the ops key), ``cleared_at``
    and ``clear_reason``; settlement learns of it (ShipmentFlagCleared). 404: no such shipment or
    flag; 409: the flag is already cleared.

    Args:
        shipment_id (str):
        flag_code (str):
        body (FlagClearance):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ShipmentPublic]
    """

    kwargs = _get_kwargs(
        shipment_id=shipment_id,
        flag_code=flag_code,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    shipment_id: str,
    flag_code: str,
    *,
    client: AuthenticatedClient,
    body: FlagClearance,
) -> Problem | ShipmentPublic | None:
    """Clear a shipment's flag once checked (ops); who and why are kept

     E.g. ``delivered-before-dispatch`` after the carrier confirmed it recycled the number and
    this parcel was delivered: the auto-confirm clock of a delivered shipment starts (from its
    delivery). The flag stays on the shipment with ``cleared_by`` (the ops key), ``cleared_at``
    and ``clear_reason``; settlement learns of it (ShipmentFlagCleared). 404: no such shipment or
    flag; 409: the flag is already cleared.

    Args:
        shipment_id (str):
        flag_code (str):
        body (FlagClearance):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ShipmentPublic
    """

    return (
        await asyncio_detailed(
            shipment_id=shipment_id,
            flag_code=flag_code,
            client=client,
            body=body,
        )
    ).parsed

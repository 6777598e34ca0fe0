from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_flagged_shipment import PageFlaggedShipment
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/shipments-flagged",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageFlaggedShipment | Problem | None:
    if response.status_code == 200:
        response_200 = PageFlaggedShipment.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[PageFlaggedShipment | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[PageFlaggedShipment | Problem]:
    """Shipments with a flag ops have not cleared yet, dispatched last first, with a cursor

     What ops should check. ``delivered-before-dispatch``: the carrier reported the number
    delivered before this parcel was dispatched (a number used before); it holds the
    auto-confirm (``blocks_sign_off``) until cleared. Return parcels are registered whatever
    carrier and number the buyer gave (the parcel is on its way); what did not check out is
    flagged too: unknown or inactive carrier, a number not in the carrier's format, a number
    another shipment uses. Cleared flags stay on the shipment (``GET /v1/shipments/{id}``).
    A cursor of another listing: 422.

    Args:
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageFlaggedShipment | Problem]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> PageFlaggedShipment | Problem | None:
    """Shipments with a flag ops have not cleared yet, dispatched last first, with a cursor

     What ops should check. ``delivered-before-dispatch``: the carrier reported the number
    delivered before this parcel was dispatched (a number used before); it holds the
    auto-confirm (``blocks_sign_off``) until cleared. Return parcels are registered whatever
    carrier and number the buyer gave (the parcel is on its way); what did not check out is
    flagged too: unknown or inactive carrier, a number not in the carrier's format, a number
    another shipment uses. Cleared flags stay on the shipment (``GET /v1/shipments/{id}``).
    A cursor of another listing: 422.

    Args:
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageFlaggedShipment | Problem
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[PageFlaggedShipment | Problem]:
    """Shipments with a flag ops have not cleared yet, dispatched last first, with a cursor

     What ops should check. ``delivered-before-dispatch``: the carrier reported the number
    delivered before this parcel was dispatched (a number used before); it holds the
    auto-confirm (``blocks_sign_off``) until cleared. Return parcels are registered whatever
    carrier and number the buyer gave (the parcel is on its way); what did not check out is
    flagged too: unknown or inactive carrier, a number not in the carrier's format, a number
    another shipment uses. Cleared flags stay on the shipment (``GET /v1/shipments/{id}``).
    A cursor of another listing: 422.

    Args:
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageFlaggedShipment | Problem]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> PageFlaggedShipment | Problem | None:
    """Shipments with a flag ops have not cleared yet, dispatched last first, with a cursor

     What ops should check. ``delivered-before-dispatch``: the carrier reported the number
    delivered before this parcel was dispatched (a number used before); it holds the
    auto-confirm (``blocks_sign_off``) until cleared. Return parcels are registered whatever
    carrier and number the buyer gave (the parcel is on its way); what did not check out is
    flagged too: unknown or inactive carrier, a number not in the carrier's format, a number
    another shipment uses. Cleared flags stay on the shipment (``GET /v1/shipments/{id}``).
    A cursor of another listing: 422.

    Args:
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageFlaggedShipment | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            limit=limit,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.parked_scans_v1_scans_parked_get_response_parked_scans_v1_scans_parked_get import (
    ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    tracking_number: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    params: dict[str, Any] = {}

    json_tracking_number: None | str | Unset
    if isinstance(tracking_number, Unset):
        json_tracking_number = UNSET
    else:
        json_tracking_number = tracking_number
    params["tracking_number"] = json_tracking_number

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
        "url": "/v1/scans-parked",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet | None:
    if response.status_code == 200:
        response_200 = ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet.from_dict(response.json())

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
) -> Response[HTTPValidationError | ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    tracking_number: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet]:
    """Carrier scans no shipment took (ops), by carrier and number, with a cursor

     Kept, never applied, one item per carrier and tracking number (ordered by carrier code,
    an unknown carrier first, then number): ``reason``
    ``no-shipment-yet`` (taken when that carrier's shipment is dispatched),
    ``another-carrier-holds-the-number`` (a scan names a number another carrier's shipment
    holds: it never moves that shipment), ``carrier-unknown`` (the aggregator's carrier code is
    not in the registry, ``vendor_carrier_codes`` says which: never guessed). Raw bodies stay in
    ``webhook_deliveries``. A cursor of another listing: 422.

    Args:
        tracking_number (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet]
    """

    kwargs = _get_kwargs(
        tracking_number=tracking_number,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    tracking_number: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet | None:
    """Carrier scans no shipment took (ops), by carrier and number, with a cursor

     Kept, never applied, one item per carrier and tracking number (ordered by carrier code,
    an unknown carrier first, then number): ``reason``
    ``no-shipment-yet`` (taken when that carrier's shipment is dispatched),
    ``another-carrier-holds-the-number`` (a scan names a number another carrier's shipment
    holds: it never moves that shipment), ``carrier-unknown`` (the aggregator's carrier code is
    not in the registry, ``vendor_carrier_codes`` says which: never guessed). Raw bodies stay in
    ``webhook_deliveries``. A cursor of another listing: 422.

    Args:
        tracking_number (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet
    """

    return sync_detailed(
        client=client,
        tracking_number=tracking_number,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    tracking_number: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet]:
    """Carrier scans no shipment took (ops), by carrier and number, with a cursor

     Kept, never applied, one item per carrier and tracking number (ordered by carrier code,
    an unknown carrier first, then number): ``reason``
    ``no-shipment-yet`` (taken when that carrier's shipment is dispatched),
    ``another-carrier-holds-the-number`` (a scan names a number another carrier's shipment
    holds: it never moves that shipment), ``carrier-unknown`` (the aggregator's carrier code is
    not in the registry, ``vendor_carrier_codes`` says which: never guessed). Raw bodies stay in
    ``webhook_deliveries``. A cursor of another listing: 422.

    Args:
        tracking_number (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet]
    """

    kwargs = _get_kwargs(
        tracking_number=tracking_number,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    tracking_number: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet | None:
    """Carrier scans no shipment took (ops), by carrier and number, with a cursor

     Kept, never applied, one item per carrier and tracking number (ordered by carrier code,
    an unknown carrier first, then number): ``reason``
    ``no-shipment-yet`` (taken when that carrier's shipment is dispatched),
    ``another-carrier-holds-the-number`` (a scan names a number another carrier's shipment
    holds: it never moves that shipment), ``carrier-unknown`` (the aggregator's carrier code is
    not in the registry, ``vendor_carrier_codes`` says which: never guessed). Raw bodies stay in
    ``webhook_deliveries``. A cursor of another listing: 422.

    Args:
        tracking_number (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ParkedScansV1ScansParkedGetResponseParkedScansV1ScansParkedGet
    """

    return (
        await asyncio_detailed(
            client=client,
            tracking_number=tracking_number,
            cursor=cursor,
            limit=limit,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.read_shipment_v1_shipments_shipment_id_get_response_read_shipment_v1_shipments_shipment_id_get import (
    ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    shipment_id: str,
    *,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/shipments/{shipment_id}".format(
            shipment_id=quote(str(shipment_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet | None:
    if response.status_code == 200:
        response_200 = ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet.from_dict(
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
) -> Response[HTTPValidationError | ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    shipment_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet]:
    """A shipment with its normalised scan timeline

     ``direction`` is outbound or return (a buyer's parcel back, 退货); ``auto_confirm`` says
    whether the sign-off timer is scheduled (``due_at``) or paused, with the time left and the
    open refunds that hold it; ``ops_flags`` what ops should check (e.g. a return's tracking
    number not in the carrier's format).

    Args:
        shipment_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet]
    """

    kwargs = _get_kwargs(
        shipment_id=shipment_id,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    shipment_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet | None:
    """A shipment with its normalised scan timeline

     ``direction`` is outbound or return (a buyer's parcel back, 退货); ``auto_confirm`` says
    whether the sign-off timer is scheduled (``due_at``) or paused, with the time left and the
    open refunds that hold it; ``ops_flags`` what ops should check (e.g. a return's tracking
    number not in the carrier's format).

    Args:
        shipment_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet
    """

    return sync_detailed(
        shipment_id=shipment_id,
        client=client,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    shipment_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet]:
    """A shipment with its normalised scan timeline

     ``direction`` is outbound or return (a buyer's parcel back, 退货); ``auto_confirm`` says
    whether the sign-off timer is scheduled (``due_at``) or paused, with the time left and the
    open refunds that hold it; ``ops_flags`` what ops should check (e.g. a return's tracking
    number not in the carrier's format).

    Args:
        shipment_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet]
    """

    kwargs = _get_kwargs(
        shipment_id=shipment_id,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    shipment_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet | None:
    """A shipment with its normalised scan timeline

     ``direction`` is outbound or return (a buyer's parcel back, 退货); ``auto_confirm`` says
    whether the sign-off timer is scheduled (``due_at``) or paused, with the time left and the
    open refunds that hold it; ``ops_flags`` what ops should check (e.g. a return's tracking
    number not in the carrier's format).

    Args:
        shipment_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ReadShipmentV1ShipmentsShipmentIdGetResponseReadShipmentV1ShipmentsShipmentIdGet
    """

    return (
        await asyncio_detailed(
            shipment_id=shipment_id,
            client=client,
            authorization=authorization,
        )
    ).parsed

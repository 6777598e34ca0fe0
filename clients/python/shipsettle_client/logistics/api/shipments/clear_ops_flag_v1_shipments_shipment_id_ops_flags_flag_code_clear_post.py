from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.clear_ops_flag_v1_shipments_shipment_id_ops_flags_flag_code_clear_post_response_clear_ops_flag_v1_shipments_shipment_id_ops_flags_flag_code_clear_post import (
    ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost,
)
from ...models.flag_clearance import FlagClearance
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    shipment_id: str,
    flag_code: str,
    *,
    body: FlagClearance,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

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
) -> (
    ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost
    | HTTPValidationError
    | None
):
    if response.status_code == 200:
        response_200 = ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost.from_dict(
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
    ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost
    | HTTPValidationError
]:
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
    client: AuthenticatedClient | Client,
    body: FlagClearance,
    authorization: None | str | Unset = UNSET,
) -> Response[
    ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost
    | HTTPValidationError
]:
    """Clear a shipment's flag once checked (ops); who and why are kept

     E.g. ``delivered-before-dispatch`` after the carrier confirmed it recycled the number and
    this parcel was delivered: the auto-confirm clock of a delivered shipment starts (from its
    delivery). The flag stays on the shipment with ``cleared_by`` (the ops key), ``cleared_at``
    and ``clear_reason``; settlement learns of it (ShipmentFlagCleared). 404: no such shipment or
    flag; 409: the flag is already cleared.

    Args:
        shipment_id (str):
        flag_code (str):
        authorization (None | str | Unset): Bearer <API key>
        body (FlagClearance):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        shipment_id=shipment_id,
        flag_code=flag_code,
        body=body,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    shipment_id: str,
    flag_code: str,
    *,
    client: AuthenticatedClient | Client,
    body: FlagClearance,
    authorization: None | str | Unset = UNSET,
) -> (
    ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost
    | HTTPValidationError
    | None
):
    """Clear a shipment's flag once checked (ops); who and why are kept

     E.g. ``delivered-before-dispatch`` after the carrier confirmed it recycled the number and
    this parcel was delivered: the auto-confirm clock of a delivered shipment starts (from its
    delivery). The flag stays on the shipment with ``cleared_by`` (the ops key), ``cleared_at``
    and ``clear_reason``; settlement learns of it (ShipmentFlagCleared). 404: no such shipment or
    flag; 409: the flag is already cleared.

    Args:
        shipment_id (str):
        flag_code (str):
        authorization (None | str | Unset): Bearer <API key>
        body (FlagClearance):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost | HTTPValidationError
    """

    return sync_detailed(
        shipment_id=shipment_id,
        flag_code=flag_code,
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    shipment_id: str,
    flag_code: str,
    *,
    client: AuthenticatedClient | Client,
    body: FlagClearance,
    authorization: None | str | Unset = UNSET,
) -> Response[
    ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost
    | HTTPValidationError
]:
    """Clear a shipment's flag once checked (ops); who and why are kept

     E.g. ``delivered-before-dispatch`` after the carrier confirmed it recycled the number and
    this parcel was delivered: the auto-confirm clock of a delivered shipment starts (from its
    delivery). The flag stays on the shipment with ``cleared_by`` (the ops key), ``cleared_at``
    and ``clear_reason``; settlement learns of it (ShipmentFlagCleared). 404: no such shipment or
    flag; 409: the flag is already cleared.

    Args:
        shipment_id (str):
        flag_code (str):
        authorization (None | str | Unset): Bearer <API key>
        body (FlagClearance):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        shipment_id=shipment_id,
        flag_code=flag_code,
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    shipment_id: str,
    flag_code: str,
    *,
    client: AuthenticatedClient | Client,
    body: FlagClearance,
    authorization: None | str | Unset = UNSET,
) -> (
    ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost
    | HTTPValidationError
    | None
):
    """Clear a shipment's flag once checked (ops); who and why are kept

     E.g. ``delivered-before-dispatch`` after the carrier confirmed it recycled the number and
    this parcel was delivered: the auto-confirm clock of a delivered shipment starts (from its
    delivery). The flag stays on the shipment with ``cleared_by`` (the ops key), ``cleared_at``
    and ``clear_reason``; settlement learns of it (ShipmentFlagCleared). 404: no such shipment or
    flag; 409: the flag is already cleared.

    Args:
        shipment_id (str):
        flag_code (str):
        authorization (None | str | Unset): Bearer <API key>
        body (FlagClearance):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPostResponseClearOpsFlagV1ShipmentsShipmentIdOpsFlagsFlagCodeClearPost | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            shipment_id=shipment_id,
            flag_code=flag_code,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

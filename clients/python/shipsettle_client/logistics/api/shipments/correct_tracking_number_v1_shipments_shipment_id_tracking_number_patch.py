from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.correct_tracking_number_v1_shipments_shipment_id_tracking_number_patch_response_correct_tracking_number_v1_shipments_shipment_id_tracking_number_patch import (
    CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch,
)
from ...models.http_validation_error import HTTPValidationError
from ...models.tracking_number_correction import TrackingNumberCorrection
from ...types import UNSET, Response, Unset


def _get_kwargs(
    shipment_id: str,
    *,
    body: TrackingNumberCorrection,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/shipments/{shipment_id}/tracking-number".format(
            shipment_id=quote(str(shipment_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch
    | HTTPValidationError
    | None
):
    if response.status_code == 200:
        response_200 = CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch.from_dict(
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
    CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch
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
    *,
    client: AuthenticatedClient | Client,
    body: TrackingNumberCorrection,
    authorization: None | str | Unset = UNSET,
) -> Response[
    CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch
    | HTTPValidationError
]:
    """Correct a tracking number before the first scan

    Args:
        shipment_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (TrackingNumberCorrection):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        shipment_id=shipment_id,
        body=body,
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
    body: TrackingNumberCorrection,
    authorization: None | str | Unset = UNSET,
) -> (
    CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch
    | HTTPValidationError
    | None
):
    """Correct a tracking number before the first scan

    Args:
        shipment_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (TrackingNumberCorrection):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch | HTTPValidationError
    """

    return sync_detailed(
        shipment_id=shipment_id,
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    shipment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TrackingNumberCorrection,
    authorization: None | str | Unset = UNSET,
) -> Response[
    CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch
    | HTTPValidationError
]:
    """Correct a tracking number before the first scan

    Args:
        shipment_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (TrackingNumberCorrection):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        shipment_id=shipment_id,
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    shipment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TrackingNumberCorrection,
    authorization: None | str | Unset = UNSET,
) -> (
    CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch
    | HTTPValidationError
    | None
):
    """Correct a tracking number before the first scan

    Args:
        shipment_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (TrackingNumberCorrection):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatchResponseCorrectTrackingNumberV1ShipmentsShipmentIdTrackingNumberPatch | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            shipment_id=shipment_id,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.read_tracking_settings_v1_settings_tracking_get_response_read_tracking_settings_v1_settings_tracking_get import (
    ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/settings/tracking",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    HTTPValidationError
    | ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet
    | None
):
    if response.status_code == 200:
        response_200 = (
            ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet.from_dict(
                response.json()
            )
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
    HTTPValidationError | ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet
]:
    """Auto-confirm and stale-shipment settings

     Another instance's change shows here within a few seconds (adapters/reference_data.py).

    Args:
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet]
    """

    kwargs = _get_kwargs(
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet
    | None
):
    """Auto-confirm and stale-shipment settings

     Another instance's change shows here within a few seconds (adapters/reference_data.py).

    Args:
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet
    """

    return sync_detailed(
        client=client,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet
]:
    """Auto-confirm and stale-shipment settings

     Another instance's change shows here within a few seconds (adapters/reference_data.py).

    Args:
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet]
    """

    kwargs = _get_kwargs(
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet
    | None
):
    """Auto-confirm and stale-shipment settings

     Another instance's change shows here within a few seconds (adapters/reference_data.py).

    Args:
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ReadTrackingSettingsV1SettingsTrackingGetResponseReadTrackingSettingsV1SettingsTrackingGet
    """

    return (
        await asyncio_detailed(
            client=client,
            authorization=authorization,
        )
    ).parsed

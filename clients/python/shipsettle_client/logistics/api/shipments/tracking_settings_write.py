from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.tracking_settings import TrackingSettings
from ...models.tracking_settings_write_response_tracking_settings_write import (
    TrackingSettingsWriteResponseTrackingSettingsWrite,
)
from ...types import Response


def _get_kwargs(
    *,
    body: TrackingSettings,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/settings/tracking",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TrackingSettingsWriteResponseTrackingSettingsWrite | None:
    if response.status_code == 200:
        response_200 = TrackingSettingsWriteResponseTrackingSettingsWrite.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[Problem | TrackingSettingsWriteResponseTrackingSettingsWrite]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TrackingSettings,
) -> Response[Problem | TrackingSettingsWriteResponseTrackingSettingsWrite]:
    """Change auto-confirm and stale-shipment settings (ops)

     Applies to timers set from now on; timers already running keep their due time.

    Args:
        body (TrackingSettings):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TrackingSettingsWriteResponseTrackingSettingsWrite]
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
    body: TrackingSettings,
) -> Problem | TrackingSettingsWriteResponseTrackingSettingsWrite | None:
    """Change auto-confirm and stale-shipment settings (ops)

     Applies to timers set from now on; timers already running keep their due time.

    Args:
        body (TrackingSettings):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TrackingSettingsWriteResponseTrackingSettingsWrite
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: TrackingSettings,
) -> Response[Problem | TrackingSettingsWriteResponseTrackingSettingsWrite]:
    """Change auto-confirm and stale-shipment settings (ops)

     Applies to timers set from now on; timers already running keep their due time.

    Args:
        body (TrackingSettings):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TrackingSettingsWriteResponseTrackingSettingsWrite]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: TrackingSettings,
) -> Problem | TrackingSettingsWriteResponseTrackingSettingsWrite | None:
    """Change auto-confirm and stale-shipment settings (ops)

     Applies to timers set from now on; timers already running keep their due time.

    Args:
        body (TrackingSettings):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TrackingSettingsWriteResponseTrackingSettingsWrite
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.webhook_ack import WebhookAck
from ...types import Response


def _get_kwargs(
    carrier_code: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhooks/carriers/{carrier_code}".format(
            carrier_code=quote(str(carrier_code), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | WebhookAck | None:
    if response.status_code == 200:
        response_200 = WebhookAck.from_dict(response.json())

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
) -> Response[HTTPValidationError | WebhookAck]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    carrier_code: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[HTTPValidationError | WebhookAck]:
    """ShipSettle's native carrier webhook (Standard Webhooks signature)

    Args:
        carrier_code (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | WebhookAck]
    """

    kwargs = _get_kwargs(
        carrier_code=carrier_code,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    carrier_code: str,
    *,
    client: AuthenticatedClient | Client,
) -> HTTPValidationError | WebhookAck | None:
    """ShipSettle's native carrier webhook (Standard Webhooks signature)

    Args:
        carrier_code (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | WebhookAck
    """

    return sync_detailed(
        carrier_code=carrier_code,
        client=client,
    ).parsed


async def asyncio_detailed(
    carrier_code: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[HTTPValidationError | WebhookAck]:
    """ShipSettle's native carrier webhook (Standard Webhooks signature)

    Args:
        carrier_code (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | WebhookAck]
    """

    kwargs = _get_kwargs(
        carrier_code=carrier_code,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    carrier_code: str,
    *,
    client: AuthenticatedClient | Client,
) -> HTTPValidationError | WebhookAck | None:
    """ShipSettle's native carrier webhook (Standard Webhooks signature)

    Args:
        carrier_code (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | WebhookAck
    """

    return (
        await asyncio_detailed(
            carrier_code=carrier_code,
            client=client,
        )
    ).parsed

from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.aggregator_secret import AggregatorSecret
from ...models.problem import Problem
from ...models.webhook_sources_set_secret_source import WebhookSourcesSetSecretSource
from ...types import Response


def _get_kwargs(
    source: WebhookSourcesSetSecretSource,
    *,
    body: AggregatorSecret,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/webhook-sources/{source}/secret".format(
            source=quote(str(source), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    source: WebhookSourcesSetSecretSource,
    *,
    client: AuthenticatedClient,
    body: AggregatorSecret,
) -> Response[Any | Problem]:
    """Set an aggregator's secret (ops)

    Args:
        source (WebhookSourcesSetSecretSource):
        body (AggregatorSecret):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        source=source,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    source: WebhookSourcesSetSecretSource,
    *,
    client: AuthenticatedClient,
    body: AggregatorSecret,
) -> Any | Problem | None:
    """Set an aggregator's secret (ops)

    Args:
        source (WebhookSourcesSetSecretSource):
        body (AggregatorSecret):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        source=source,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    source: WebhookSourcesSetSecretSource,
    *,
    client: AuthenticatedClient,
    body: AggregatorSecret,
) -> Response[Any | Problem]:
    """Set an aggregator's secret (ops)

    Args:
        source (WebhookSourcesSetSecretSource):
        body (AggregatorSecret):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        source=source,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    source: WebhookSourcesSetSecretSource,
    *,
    client: AuthenticatedClient,
    body: AggregatorSecret,
) -> Any | Problem | None:
    """Set an aggregator's secret (ops)

    Args:
        source (WebhookSourcesSetSecretSource):
        body (AggregatorSecret):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            source=source,
            client=client,
            body=body,
        )
    ).parsed

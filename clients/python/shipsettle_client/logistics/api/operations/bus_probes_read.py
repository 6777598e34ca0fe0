from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bus_probe_receipts import BusProbeReceipts
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    probe_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/ops/bus-probes/{probe_id}".format(
            probe_id=quote(str(probe_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BusProbeReceipts | Problem | None:
    if response.status_code == 200:
        response_200 = BusProbeReceipts.from_dict(response.json())

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
) -> Response[BusProbeReceipts | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    probe_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[BusProbeReceipts | Problem]:
    """Arrivals of a probe at this service

    Args:
        probe_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BusProbeReceipts | Problem]
    """

    kwargs = _get_kwargs(
        probe_id=probe_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    probe_id: str,
    *,
    client: AuthenticatedClient,
) -> BusProbeReceipts | Problem | None:
    """Arrivals of a probe at this service

    Args:
        probe_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BusProbeReceipts | Problem
    """

    return sync_detailed(
        probe_id=probe_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    probe_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[BusProbeReceipts | Problem]:
    """Arrivals of a probe at this service

    Args:
        probe_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BusProbeReceipts | Problem]
    """

    kwargs = _get_kwargs(
        probe_id=probe_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    probe_id: str,
    *,
    client: AuthenticatedClient,
) -> BusProbeReceipts | Problem | None:
    """Arrivals of a probe at this service

    Args:
        probe_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BusProbeReceipts | Problem
    """

    return (
        await asyncio_detailed(
            probe_id=probe_id,
            client=client,
        )
    ).parsed

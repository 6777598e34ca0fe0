from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.kept_head import KeptHead
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    chain: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/audit/heads/{chain}".format(
            chain=quote(str(chain), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> KeptHead | Problem | None:
    if response.status_code == 200:
        response_200 = KeptHead.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[KeptHead | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    chain: str,
    *,
    client: AuthenticatedClient,
) -> Response[KeptHead | Problem]:
    """The last head recon kept of a service's audit chain (auditor, ops)

     404: recon has kept no head of this chain (none published yet, or an unknown chain).

    Args:
        chain (str): <service>:<database>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[KeptHead | Problem]
    """

    kwargs = _get_kwargs(
        chain=chain,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    chain: str,
    *,
    client: AuthenticatedClient,
) -> KeptHead | Problem | None:
    """The last head recon kept of a service's audit chain (auditor, ops)

     404: recon has kept no head of this chain (none published yet, or an unknown chain).

    Args:
        chain (str): <service>:<database>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        KeptHead | Problem
    """

    return sync_detailed(
        chain=chain,
        client=client,
    ).parsed


async def asyncio_detailed(
    chain: str,
    *,
    client: AuthenticatedClient,
) -> Response[KeptHead | Problem]:
    """The last head recon kept of a service's audit chain (auditor, ops)

     404: recon has kept no head of this chain (none published yet, or an unknown chain).

    Args:
        chain (str): <service>:<database>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[KeptHead | Problem]
    """

    kwargs = _get_kwargs(
        chain=chain,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    chain: str,
    *,
    client: AuthenticatedClient,
) -> KeptHead | Problem | None:
    """The last head recon kept of a service's audit chain (auditor, ops)

     404: recon has kept no head of this chain (none published yet, or an unknown chain).

    Args:
        chain (str): <service>:<database>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        KeptHead | Problem
    """

    return (
        await asyncio_detailed(
            chain=chain,
            client=client,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.balances_public import BalancesPublic
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    merchant_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/merchants/{merchant_id}/balances".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BalancesPublic | Problem | None:
    if response.status_code == 200:
        response_200 = BalancesPublic.from_dict(response.json())

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
) -> Response[BalancesPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[BalancesPublic | Problem]:
    """Pending, available, frozen, reserved, in payout, paid out, owed

     ``negative_balance`` (negative) is what the merchant owes back after a refund of money
    already paid out; the next settlement application deducts it. ``frozen_minor`` (冻结) is
    available money held against open refunds: it cannot be applied for until they end. It is
    reported beside ``balances_minor``, whose accounts are unchanged for existing clients.

    Args:
        merchant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BalancesPublic | Problem]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
) -> BalancesPublic | Problem | None:
    """Pending, available, frozen, reserved, in payout, paid out, owed

     ``negative_balance`` (negative) is what the merchant owes back after a refund of money
    already paid out; the next settlement application deducts it. ``frozen_minor`` (冻结) is
    available money held against open refunds: it cannot be applied for until they end. It is
    reported beside ``balances_minor``, whose accounts are unchanged for existing clients.

    Args:
        merchant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BalancesPublic | Problem
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[BalancesPublic | Problem]:
    """Pending, available, frozen, reserved, in payout, paid out, owed

     ``negative_balance`` (negative) is what the merchant owes back after a refund of money
    already paid out; the next settlement application deducts it. ``frozen_minor`` (冻结) is
    available money held against open refunds: it cannot be applied for until they end. It is
    reported beside ``balances_minor``, whose accounts are unchanged for existing clients.

    Args:
        merchant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BalancesPublic | Problem]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
) -> BalancesPublic | Problem | None:
    """Pending, available, frozen, reserved, in payout, paid out, owed

     ``negative_balance`` (negative) is what the merchant owes back after a refund of money
    already paid out; the next settlement application deducts it. ``frozen_minor`` (冻结) is
    available money held against open refunds: it cannot be applied for until they end. It is
    reported beside ``balances_minor``, whose accounts are unchanged for existing clients.

    Args:
        merchant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BalancesPublic | Problem
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
        )
    ).parsed

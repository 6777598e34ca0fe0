from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.payout_explanation import PayoutExplanation
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    payout_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/payouts/{payout_id}/explanation".format(
            payout_id=quote(str(payout_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PayoutExplanation | Problem | None:
    if response.status_code == 200:
        response_200 = PayoutExplanation.from_dict(response.json())

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
) -> Response[PayoutExplanation | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    payout_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[PayoutExplanation | Problem]:
    """Every fen of a payout, order by order

     The payout's application took these orders' released amounts (Applications take the merchant's
    available funds, not orders: released order amounts are assigned to applications first in, first out
    by release time, split where an application ends inside an order's amount.) Per order: paid,
    shipping, platform subsidy, commission, refunds, reserve withheld and released, what is still in
    hold or frozen, and what of the order's money is not in this payout; discounts by funder as the
    order was priced. Then the claw-back deduction (linked to the refunds that caused the debt). The
    items sum to the payout's amount exactly (``reconciles``); each names its ledger transactions and
    the events behind them.

    Args:
        payout_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PayoutExplanation | Problem]
    """

    kwargs = _get_kwargs(
        payout_id=payout_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    payout_id: str,
    *,
    client: AuthenticatedClient,
) -> PayoutExplanation | Problem | None:
    """Every fen of a payout, order by order

     The payout's application took these orders' released amounts (Applications take the merchant's
    available funds, not orders: released order amounts are assigned to applications first in, first out
    by release time, split where an application ends inside an order's amount.) Per order: paid,
    shipping, platform subsidy, commission, refunds, reserve withheld and released, what is still in
    hold or frozen, and what of the order's money is not in this payout; discounts by funder as the
    order was priced. Then the claw-back deduction (linked to the refunds that caused the debt). The
    items sum to the payout's amount exactly (``reconciles``); each names its ledger transactions and
    the events behind them.

    Args:
        payout_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PayoutExplanation | Problem
    """

    return sync_detailed(
        payout_id=payout_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    payout_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[PayoutExplanation | Problem]:
    """Every fen of a payout, order by order

     The payout's application took these orders' released amounts (Applications take the merchant's
    available funds, not orders: released order amounts are assigned to applications first in, first out
    by release time, split where an application ends inside an order's amount.) Per order: paid,
    shipping, platform subsidy, commission, refunds, reserve withheld and released, what is still in
    hold or frozen, and what of the order's money is not in this payout; discounts by funder as the
    order was priced. Then the claw-back deduction (linked to the refunds that caused the debt). The
    items sum to the payout's amount exactly (``reconciles``); each names its ledger transactions and
    the events behind them.

    Args:
        payout_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PayoutExplanation | Problem]
    """

    kwargs = _get_kwargs(
        payout_id=payout_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    payout_id: str,
    *,
    client: AuthenticatedClient,
) -> PayoutExplanation | Problem | None:
    """Every fen of a payout, order by order

     The payout's application took these orders' released amounts (Applications take the merchant's
    available funds, not orders: released order amounts are assigned to applications first in, first out
    by release time, split where an application ends inside an order's amount.) Per order: paid,
    shipping, platform subsidy, commission, refunds, reserve withheld and released, what is still in
    hold or frozen, and what of the order's money is not in this payout; discounts by funder as the
    order was priced. Then the claw-back deduction (linked to the refunds that caused the debt). The
    items sum to the payout's amount exactly (``reconciles``); each names its ledger transactions and
    the events behind them.

    Args:
        payout_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PayoutExplanation | Problem
    """

    return (
        await asyncio_detailed(
            payout_id=payout_id,
            client=client,
        )
    ).parsed

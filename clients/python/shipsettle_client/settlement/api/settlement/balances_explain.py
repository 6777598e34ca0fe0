from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.balance_explanation import BalanceExplanation
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    merchant_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/merchants/{merchant_id}/balance-explanation".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BalanceExplanation | Problem | None:
    if response.status_code == 200:
        response_200 = BalanceExplanation.from_dict(response.json())

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
) -> Response[BalanceExplanation | Problem]:
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
) -> Response[BalanceExplanation | Problem]:
    """Every fen of the balances, order by order

     Groups every ledger transaction of the merchant by order (transactions without an order,
    e.g. payouts, under ``not_order_specific``), each with its cause (event id), its description
    (paid, shipping, subsidy, commission, reserve...) and its effect on each merchant account.
    The per-account sums of all groups equal the balances: ``reconciles`` says so.

    ``refunds`` lists every refund movement (freeze, reversal, unfreeze) with the refund event
    that caused it; ``clawback_deductions`` every settlement application that paid back a
    negative balance, with the refund reversals (and their events) whose debt it recovered,
    first owed first recovered.

    A merchant with more than ``BALANCE_EXPLANATION_MAX_TRANSACTIONS`` ledger transactions:
    422 ``explanation-too-large`` (page the ledger instead); another merchant's: 404.

    Args:
        merchant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BalanceExplanation | Problem]
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
) -> BalanceExplanation | Problem | None:
    """Every fen of the balances, order by order

     Groups every ledger transaction of the merchant by order (transactions without an order,
    e.g. payouts, under ``not_order_specific``), each with its cause (event id), its description
    (paid, shipping, subsidy, commission, reserve...) and its effect on each merchant account.
    The per-account sums of all groups equal the balances: ``reconciles`` says so.

    ``refunds`` lists every refund movement (freeze, reversal, unfreeze) with the refund event
    that caused it; ``clawback_deductions`` every settlement application that paid back a
    negative balance, with the refund reversals (and their events) whose debt it recovered,
    first owed first recovered.

    A merchant with more than ``BALANCE_EXPLANATION_MAX_TRANSACTIONS`` ledger transactions:
    422 ``explanation-too-large`` (page the ledger instead); another merchant's: 404.

    Args:
        merchant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BalanceExplanation | Problem
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[BalanceExplanation | Problem]:
    """Every fen of the balances, order by order

     Groups every ledger transaction of the merchant by order (transactions without an order,
    e.g. payouts, under ``not_order_specific``), each with its cause (event id), its description
    (paid, shipping, subsidy, commission, reserve...) and its effect on each merchant account.
    The per-account sums of all groups equal the balances: ``reconciles`` says so.

    ``refunds`` lists every refund movement (freeze, reversal, unfreeze) with the refund event
    that caused it; ``clawback_deductions`` every settlement application that paid back a
    negative balance, with the refund reversals (and their events) whose debt it recovered,
    first owed first recovered.

    A merchant with more than ``BALANCE_EXPLANATION_MAX_TRANSACTIONS`` ledger transactions:
    422 ``explanation-too-large`` (page the ledger instead); another merchant's: 404.

    Args:
        merchant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BalanceExplanation | Problem]
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
) -> BalanceExplanation | Problem | None:
    """Every fen of the balances, order by order

     Groups every ledger transaction of the merchant by order (transactions without an order,
    e.g. payouts, under ``not_order_specific``), each with its cause (event id), its description
    (paid, shipping, subsidy, commission, reserve...) and its effect on each merchant account.
    The per-account sums of all groups equal the balances: ``reconciles`` says so.

    ``refunds`` lists every refund movement (freeze, reversal, unfreeze) with the refund event
    that caused it; ``clawback_deductions`` every settlement application that paid back a
    negative balance, with the refund reversals (and their events) whose debt it recovered,
    first owed first recovered.

    A merchant with more than ``BALANCE_EXPLANATION_MAX_TRANSACTIONS`` ledger transactions:
    422 ``explanation-too-large`` (page the ledger instead); another merchant's: 404.

    Args:
        merchant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BalanceExplanation | Problem
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
        )
    ).parsed

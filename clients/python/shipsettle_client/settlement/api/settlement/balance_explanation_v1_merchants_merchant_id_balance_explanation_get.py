from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.balance_explanation_v1_merchants_merchant_id_balance_explanation_get_response_balance_explanation_v1_merchants_merchant_id_balance_explanation_get import (
    BalanceExplanationV1MerchantsMerchantIdBalanceExplanationGetResponseBalanceExplanationV1MerchantsMerchantIdBalanceExplanationGet,
)
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    merchant_id: str,
    *,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/merchants/{merchant_id}/balance-explanation".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    BalanceExplanationV1MerchantsMerchantIdBalanceExplanationGetResponseBalanceExplanationV1MerchantsMerchantIdBalanceExplanationGet
    | HTTPValidationError
    | None
):
    if response.status_code == 200:
        response_200 = BalanceExplanationV1MerchantsMerchantIdBalanceExplanationGetResponseBalanceExplanationV1MerchantsMerchantIdBalanceExplanationGet.from_dict(
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
    BalanceExplanationV1MerchantsMerchantIdBalanceExplanationGetResponseBalanceExplanationV1MerchantsMerchantIdBalanceExplanationGet
    | HTTPValidationError
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[
    BalanceExplanationV1MerchantsMerchantIdBalanceExplanationGetResponseBalanceExplanationV1MerchantsMerchantIdBalanceExplanationGet
    | HTTPValidationError
]:
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
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BalanceExplanationV1MerchantsMerchantIdBalanceExplanationGetResponseBalanceExplanationV1MerchantsMerchantIdBalanceExplanationGet | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> (
    BalanceExplanationV1MerchantsMerchantIdBalanceExplanationGetResponseBalanceExplanationV1MerchantsMerchantIdBalanceExplanationGet
    | HTTPValidationError
    | None
):
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
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BalanceExplanationV1MerchantsMerchantIdBalanceExplanationGetResponseBalanceExplanationV1MerchantsMerchantIdBalanceExplanationGet | HTTPValidationError
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[
    BalanceExplanationV1MerchantsMerchantIdBalanceExplanationGetResponseBalanceExplanationV1MerchantsMerchantIdBalanceExplanationGet
    | HTTPValidationError
]:
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
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BalanceExplanationV1MerchantsMerchantIdBalanceExplanationGetResponseBalanceExplanationV1MerchantsMerchantIdBalanceExplanationGet | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> (
    BalanceExplanationV1MerchantsMerchantIdBalanceExplanationGetResponseBalanceExplanationV1MerchantsMerchantIdBalanceExplanationGet
    | HTTPValidationError
    | None
):
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
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BalanceExplanationV1MerchantsMerchantIdBalanceExplanationGetResponseBalanceExplanationV1MerchantsMerchantIdBalanceExplanationGet | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            authorization=authorization,
        )
    ).parsed

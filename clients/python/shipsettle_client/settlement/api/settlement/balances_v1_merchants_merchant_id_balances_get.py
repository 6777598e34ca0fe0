from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.balances_v1_merchants_merchant_id_balances_get_response_balances_v1_merchants_merchant_id_balances_get import (
    BalancesV1MerchantsMerchantIdBalancesGetResponseBalancesV1MerchantsMerchantIdBalancesGet,
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
        "url": "/v1/merchants/{merchant_id}/balances".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    BalancesV1MerchantsMerchantIdBalancesGetResponseBalancesV1MerchantsMerchantIdBalancesGet
    | HTTPValidationError
    | None
):
    if response.status_code == 200:
        response_200 = (
            BalancesV1MerchantsMerchantIdBalancesGetResponseBalancesV1MerchantsMerchantIdBalancesGet.from_dict(
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
    BalancesV1MerchantsMerchantIdBalancesGetResponseBalancesV1MerchantsMerchantIdBalancesGet | HTTPValidationError
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
    BalancesV1MerchantsMerchantIdBalancesGetResponseBalancesV1MerchantsMerchantIdBalancesGet | HTTPValidationError
]:
    """Pending, available, frozen, reserved, in payout, paid out, owed

     ``negative_balance`` (negative) is what the merchant owes back after a refund of money
    already paid out; the next settlement application deducts it. ``frozen_minor`` (冻结) is
    available money held against open refunds: it cannot be applied for until they end. It is
    reported beside ``balances_minor``, whose accounts are unchanged for existing clients.

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BalancesV1MerchantsMerchantIdBalancesGetResponseBalancesV1MerchantsMerchantIdBalancesGet | HTTPValidationError]
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
    BalancesV1MerchantsMerchantIdBalancesGetResponseBalancesV1MerchantsMerchantIdBalancesGet
    | HTTPValidationError
    | None
):
    """Pending, available, frozen, reserved, in payout, paid out, owed

     ``negative_balance`` (negative) is what the merchant owes back after a refund of money
    already paid out; the next settlement application deducts it. ``frozen_minor`` (冻结) is
    available money held against open refunds: it cannot be applied for until they end. It is
    reported beside ``balances_minor``, whose accounts are unchanged for existing clients.

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BalancesV1MerchantsMerchantIdBalancesGetResponseBalancesV1MerchantsMerchantIdBalancesGet | HTTPValidationError
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
    BalancesV1MerchantsMerchantIdBalancesGetResponseBalancesV1MerchantsMerchantIdBalancesGet | HTTPValidationError
]:
    """Pending, available, frozen, reserved, in payout, paid out, owed

     ``negative_balance`` (negative) is what the merchant owes back after a refund of money
    already paid out; the next settlement application deducts it. ``frozen_minor`` (冻结) is
    available money held against open refunds: it cannot be applied for until they end. It is
    reported beside ``balances_minor``, whose accounts are unchanged for existing clients.

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BalancesV1MerchantsMerchantIdBalancesGetResponseBalancesV1MerchantsMerchantIdBalancesGet | HTTPValidationError]
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
    BalancesV1MerchantsMerchantIdBalancesGetResponseBalancesV1MerchantsMerchantIdBalancesGet
    | HTTPValidationError
    | None
):
    """Pending, available, frozen, reserved, in payout, paid out, owed

     ``negative_balance`` (negative) is what the merchant owes back after a refund of money
    already paid out; the next settlement application deducts it. ``frozen_minor`` (冻结) is
    available money held against open refunds: it cannot be applied for until they end. It is
    reported beside ``balances_minor``, whose accounts are unchanged for existing clients.

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BalancesV1MerchantsMerchantIdBalancesGetResponseBalancesV1MerchantsMerchantIdBalancesGet | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bank_account_request import BankAccountRequest
from ...models.http_validation_error import HTTPValidationError
from ...models.register_account_v1_merchants_merchant_id_bank_accounts_post_response_register_account_v1_merchants_merchant_id_bank_accounts_post import (
    RegisterAccountV1MerchantsMerchantIdBankAccountsPostResponseRegisterAccountV1MerchantsMerchantIdBankAccountsPost,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    merchant_id: str,
    *,
    body: BankAccountRequest,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/merchants/{merchant_id}/bank-accounts".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    HTTPValidationError
    | RegisterAccountV1MerchantsMerchantIdBankAccountsPostResponseRegisterAccountV1MerchantsMerchantIdBankAccountsPost
    | None
):
    if response.status_code == 201:
        response_201 = RegisterAccountV1MerchantsMerchantIdBankAccountsPostResponseRegisterAccountV1MerchantsMerchantIdBankAccountsPost.from_dict(
            response.json()
        )

        return response_201

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
    HTTPValidationError
    | RegisterAccountV1MerchantsMerchantIdBankAccountsPostResponseRegisterAccountV1MerchantsMerchantIdBankAccountsPost
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
    body: BankAccountRequest,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError
    | RegisterAccountV1MerchantsMerchantIdBankAccountsPostResponseRegisterAccountV1MerchantsMerchantIdBankAccountsPost
]:
    """Register a bank account

     Card numbers are checked with their Luhn check digit; corporate accounts by length. The
    account can be used once ops verified it.

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (BankAccountRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | RegisterAccountV1MerchantsMerchantIdBankAccountsPostResponseRegisterAccountV1MerchantsMerchantIdBankAccountsPost]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        body=body,
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
    body: BankAccountRequest,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | RegisterAccountV1MerchantsMerchantIdBankAccountsPostResponseRegisterAccountV1MerchantsMerchantIdBankAccountsPost
    | None
):
    """Register a bank account

     Card numbers are checked with their Luhn check digit; corporate accounts by length. The
    account can be used once ops verified it.

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (BankAccountRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | RegisterAccountV1MerchantsMerchantIdBankAccountsPostResponseRegisterAccountV1MerchantsMerchantIdBankAccountsPost
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: BankAccountRequest,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError
    | RegisterAccountV1MerchantsMerchantIdBankAccountsPostResponseRegisterAccountV1MerchantsMerchantIdBankAccountsPost
]:
    """Register a bank account

     Card numbers are checked with their Luhn check digit; corporate accounts by length. The
    account can be used once ops verified it.

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (BankAccountRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | RegisterAccountV1MerchantsMerchantIdBankAccountsPostResponseRegisterAccountV1MerchantsMerchantIdBankAccountsPost]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: BankAccountRequest,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | RegisterAccountV1MerchantsMerchantIdBankAccountsPostResponseRegisterAccountV1MerchantsMerchantIdBankAccountsPost
    | None
):
    """Register a bank account

     Card numbers are checked with their Luhn check digit; corporate accounts by length. The
    account can be used once ops verified it.

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (BankAccountRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | RegisterAccountV1MerchantsMerchantIdBankAccountsPostResponseRegisterAccountV1MerchantsMerchantIdBankAccountsPost
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

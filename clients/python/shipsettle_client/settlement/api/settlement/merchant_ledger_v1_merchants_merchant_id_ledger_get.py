from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.merchant_ledger_v1_merchants_merchant_id_ledger_get_response_merchant_ledger_v1_merchants_merchant_id_ledger_get import (
    MerchantLedgerV1MerchantsMerchantIdLedgerGetResponseMerchantLedgerV1MerchantsMerchantIdLedgerGet,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    merchant_id: str,
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    params: dict[str, Any] = {}

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/merchants/{merchant_id}/ledger".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    HTTPValidationError
    | MerchantLedgerV1MerchantsMerchantIdLedgerGetResponseMerchantLedgerV1MerchantsMerchantIdLedgerGet
    | None
):
    if response.status_code == 200:
        response_200 = (
            MerchantLedgerV1MerchantsMerchantIdLedgerGetResponseMerchantLedgerV1MerchantsMerchantIdLedgerGet.from_dict(
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
    HTTPValidationError
    | MerchantLedgerV1MerchantsMerchantIdLedgerGetResponseMerchantLedgerV1MerchantsMerchantIdLedgerGet
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
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError
    | MerchantLedgerV1MerchantsMerchantIdLedgerGetResponseMerchantLedgerV1MerchantsMerchantIdLedgerGet
]:
    """Every ledger transaction of a merchant, with its postings, in posting order, with a cursor

     ``items``: whole transactions (a page never splits one's postings). Another merchant's:
    404; a cursor of another listing: 422.

    Args:
        merchant_id (str):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | MerchantLedgerV1MerchantsMerchantIdLedgerGetResponseMerchantLedgerV1MerchantsMerchantIdLedgerGet]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        cursor=cursor,
        limit=limit,
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
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | MerchantLedgerV1MerchantsMerchantIdLedgerGetResponseMerchantLedgerV1MerchantsMerchantIdLedgerGet
    | None
):
    """Every ledger transaction of a merchant, with its postings, in posting order, with a cursor

     ``items``: whole transactions (a page never splits one's postings). Another merchant's:
    404; a cursor of another listing: 422.

    Args:
        merchant_id (str):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | MerchantLedgerV1MerchantsMerchantIdLedgerGetResponseMerchantLedgerV1MerchantsMerchantIdLedgerGet
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError
    | MerchantLedgerV1MerchantsMerchantIdLedgerGetResponseMerchantLedgerV1MerchantsMerchantIdLedgerGet
]:
    """Every ledger transaction of a merchant, with its postings, in posting order, with a cursor

     ``items``: whole transactions (a page never splits one's postings). Another merchant's:
    404; a cursor of another listing: 422.

    Args:
        merchant_id (str):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | MerchantLedgerV1MerchantsMerchantIdLedgerGetResponseMerchantLedgerV1MerchantsMerchantIdLedgerGet]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | MerchantLedgerV1MerchantsMerchantIdLedgerGetResponseMerchantLedgerV1MerchantsMerchantIdLedgerGet
    | None
):
    """Every ledger transaction of a merchant, with its postings, in posting order, with a cursor

     ``items``: whole transactions (a page never splits one's postings). Another merchant's:
    404; a cursor of another listing: 422.

    Args:
        merchant_id (str):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | MerchantLedgerV1MerchantsMerchantIdLedgerGetResponseMerchantLedgerV1MerchantsMerchantIdLedgerGet
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            cursor=cursor,
            limit=limit,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.merchant_records_import_file_encoding import (
    MerchantRecordsImportFileEncoding,
)
from ...models.merchant_records_matched import MerchantRecordsMatched
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    merchant_id: str,
    *,
    order_id_column: str,
    amount_column: str,
    date_column: str,
    status_column: None | str | Unset = UNSET,
    date_format: str | Unset = "%Y-%m-%d",
    encoding: MerchantRecordsImportFileEncoding | Unset = MerchantRecordsImportFileEncoding.UTF_8,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["order_id_column"] = order_id_column

    params["amount_column"] = amount_column

    params["date_column"] = date_column

    json_status_column: None | str | Unset
    if isinstance(status_column, Unset):
        json_status_column = UNSET
    else:
        json_status_column = status_column
    params["status_column"] = json_status_column

    params["date_format"] = date_format

    json_encoding: str | Unset = UNSET
    if not isinstance(encoding, Unset):
        json_encoding = encoding.value

    params["encoding"] = json_encoding

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    else:
        json_to = to
    params["to"] = json_to

    json_month: None | str | Unset
    if isinstance(month, Unset):
        json_month = UNSET
    else:
        json_month = month
    params["month"] = json_month

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/merchants/{merchant_id}/records".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MerchantRecordsMatched | Problem | None:
    if response.status_code == 201:
        response_201 = MerchantRecordsMatched.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[MerchantRecordsMatched | Problem]:
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
    order_id_column: str,
    amount_column: str,
    date_column: str,
    status_column: None | str | Unset = UNSET,
    date_format: str | Unset = "%Y-%m-%d",
    encoding: MerchantRecordsImportFileEncoding | Unset = MerchantRecordsImportFileEncoding.UTF_8,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
) -> Response[MerchantRecordsMatched | Problem]:
    """Match the merchant's own records for a period

     Your CSV (UTF-8 or GBK), with the columns named by the query. Each difference is reported by
    type — missing_on_our_side, missing_on_their_side, amount_differs, status_differs, duplicate —
    with the figures on both sides. Amounts compare with what the buyer paid for the order.

    Args:
        merchant_id (str):
        order_id_column (str):
        amount_column (str):
        date_column (str):
        status_column (None | str | Unset):
        date_format (str | Unset):  Default: '%Y-%m-%d'.
        encoding (MerchantRecordsImportFileEncoding | Unset):  Default:
            MerchantRecordsImportFileEncoding.UTF_8.
        from_ (None | str | Unset):
        to (None | str | Unset):
        month (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MerchantRecordsMatched | Problem]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        order_id_column=order_id_column,
        amount_column=amount_column,
        date_column=date_column,
        status_column=status_column,
        date_format=date_format,
        encoding=encoding,
        from_=from_,
        to=to,
        month=month,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    order_id_column: str,
    amount_column: str,
    date_column: str,
    status_column: None | str | Unset = UNSET,
    date_format: str | Unset = "%Y-%m-%d",
    encoding: MerchantRecordsImportFileEncoding | Unset = MerchantRecordsImportFileEncoding.UTF_8,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
) -> MerchantRecordsMatched | Problem | None:
    """Match the merchant's own records for a period

     Your CSV (UTF-8 or GBK), with the columns named by the query. Each difference is reported by
    type — missing_on_our_side, missing_on_their_side, amount_differs, status_differs, duplicate —
    with the figures on both sides. Amounts compare with what the buyer paid for the order.

    Args:
        merchant_id (str):
        order_id_column (str):
        amount_column (str):
        date_column (str):
        status_column (None | str | Unset):
        date_format (str | Unset):  Default: '%Y-%m-%d'.
        encoding (MerchantRecordsImportFileEncoding | Unset):  Default:
            MerchantRecordsImportFileEncoding.UTF_8.
        from_ (None | str | Unset):
        to (None | str | Unset):
        month (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MerchantRecordsMatched | Problem
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
        order_id_column=order_id_column,
        amount_column=amount_column,
        date_column=date_column,
        status_column=status_column,
        date_format=date_format,
        encoding=encoding,
        from_=from_,
        to=to,
        month=month,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    order_id_column: str,
    amount_column: str,
    date_column: str,
    status_column: None | str | Unset = UNSET,
    date_format: str | Unset = "%Y-%m-%d",
    encoding: MerchantRecordsImportFileEncoding | Unset = MerchantRecordsImportFileEncoding.UTF_8,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
) -> Response[MerchantRecordsMatched | Problem]:
    """Match the merchant's own records for a period

     Your CSV (UTF-8 or GBK), with the columns named by the query. Each difference is reported by
    type — missing_on_our_side, missing_on_their_side, amount_differs, status_differs, duplicate —
    with the figures on both sides. Amounts compare with what the buyer paid for the order.

    Args:
        merchant_id (str):
        order_id_column (str):
        amount_column (str):
        date_column (str):
        status_column (None | str | Unset):
        date_format (str | Unset):  Default: '%Y-%m-%d'.
        encoding (MerchantRecordsImportFileEncoding | Unset):  Default:
            MerchantRecordsImportFileEncoding.UTF_8.
        from_ (None | str | Unset):
        to (None | str | Unset):
        month (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MerchantRecordsMatched | Problem]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        order_id_column=order_id_column,
        amount_column=amount_column,
        date_column=date_column,
        status_column=status_column,
        date_format=date_format,
        encoding=encoding,
        from_=from_,
        to=to,
        month=month,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    order_id_column: str,
    amount_column: str,
    date_column: str,
    status_column: None | str | Unset = UNSET,
    date_format: str | Unset = "%Y-%m-%d",
    encoding: MerchantRecordsImportFileEncoding | Unset = MerchantRecordsImportFileEncoding.UTF_8,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
) -> MerchantRecordsMatched | Problem | None:
    """Match the merchant's own records for a period

     Your CSV (UTF-8 or GBK), with the columns named by the query. Each difference is reported by
    type — missing_on_our_side, missing_on_their_side, amount_differs, status_differs, duplicate —
    with the figures on both sides. Amounts compare with what the buyer paid for the order.

    Args:
        merchant_id (str):
        order_id_column (str):
        amount_column (str):
        date_column (str):
        status_column (None | str | Unset):
        date_format (str | Unset):  Default: '%Y-%m-%d'.
        encoding (MerchantRecordsImportFileEncoding | Unset):  Default:
            MerchantRecordsImportFileEncoding.UTF_8.
        from_ (None | str | Unset):
        to (None | str | Unset):
        month (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MerchantRecordsMatched | Problem
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            order_id_column=order_id_column,
            amount_column=amount_column,
            date_column=date_column,
            status_column=status_column,
            date_format=date_format,
            encoding=encoding,
            from_=from_,
            to=to,
            month=month,
        )
    ).parsed

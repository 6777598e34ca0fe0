from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.statement_import_created import StatementImportCreated
from ...models.statement_imports_create_source import StatementImportsCreateSource
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    source: StatementImportsCreateSource,
    bill_date: None | str | Unset = UNSET,
    file_name: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_source = source.value
    params["source"] = json_source

    json_bill_date: None | str | Unset
    if isinstance(bill_date, Unset):
        json_bill_date = UNSET
    else:
        json_bill_date = bill_date
    params["bill_date"] = json_bill_date

    json_file_name: None | str | Unset
    if isinstance(file_name, Unset):
        json_file_name = UNSET
    else:
        json_file_name = file_name
    params["file_name"] = json_file_name

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/statement-imports",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | StatementImportCreated | None:
    if response.status_code == 201:
        response_201 = StatementImportCreated.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[Problem | StatementImportCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    source: StatementImportsCreateSource,
    bill_date: None | str | Unset = UNSET,
    file_name: None | str | Unset = UNSET,
) -> Response[Problem | StatementImportCreated]:
    """Import a bank or payment-provider statement

     camt.053 (the bank's statement of our payouts), the WeChat Pay trade bill, the Alipay bills,
    or the refund sandbox's refunds file, as the vendor produced it. It is matched against exactly
    the period it declares — Alipay's 起始日期/终止日期, camt.053's FrToDt, else the day in
    ``bill_date`` or ``file_name`` (required for WeChat Pay, whose bill does not state its day) —
    with payments dated by when the buyer paid and refunds by their completion, in Beijing time.
    Matched by reference, then by amount and a 3-day date window; each difference opens a
    discrepancy. A file that cannot be read whole is refused whole (422 ``import-refused``, nothing
    stored), each error naming the row (CSV line, or camt.053 entry) and the column (header name,
    or element path); the same file twice is the same import.

    Args:
        source (StatementImportsCreateSource):
        bill_date (None | str | Unset): the day the file is the bill of (yyyy-MM-dd or yyyyMMdd),
            for a file that does not state it inside: the WeChat Pay trade bill (its downloadbill
            bill_date), the refund sandbox's file
        file_name (None | str | Unset): the vendor's file name, which carries the bill's day when
            the file does not (e.g. refunds-2026-12-06.csv)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StatementImportCreated]
    """

    kwargs = _get_kwargs(
        source=source,
        bill_date=bill_date,
        file_name=file_name,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    source: StatementImportsCreateSource,
    bill_date: None | str | Unset = UNSET,
    file_name: None | str | Unset = UNSET,
) -> Problem | StatementImportCreated | None:
    """Import a bank or payment-provider statement

     camt.053 (the bank's statement of our payouts), the WeChat Pay trade bill, the Alipay bills,
    or the refund sandbox's refunds file, as the vendor produced it. It is matched against exactly
    the period it declares — Alipay's 起始日期/终止日期, camt.053's FrToDt, else the day in
    ``bill_date`` or ``file_name`` (required for WeChat Pay, whose bill does not state its day) —
    with payments dated by when the buyer paid and refunds by their completion, in Beijing time.
    Matched by reference, then by amount and a 3-day date window; each difference opens a
    discrepancy. A file that cannot be read whole is refused whole (422 ``import-refused``, nothing
    stored), each error naming the row (CSV line, or camt.053 entry) and the column (header name,
    or element path); the same file twice is the same import.

    Args:
        source (StatementImportsCreateSource):
        bill_date (None | str | Unset): the day the file is the bill of (yyyy-MM-dd or yyyyMMdd),
            for a file that does not state it inside: the WeChat Pay trade bill (its downloadbill
            bill_date), the refund sandbox's file
        file_name (None | str | Unset): the vendor's file name, which carries the bill's day when
            the file does not (e.g. refunds-2026-12-06.csv)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StatementImportCreated
    """

    return sync_detailed(
        client=client,
        source=source,
        bill_date=bill_date,
        file_name=file_name,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    source: StatementImportsCreateSource,
    bill_date: None | str | Unset = UNSET,
    file_name: None | str | Unset = UNSET,
) -> Response[Problem | StatementImportCreated]:
    """Import a bank or payment-provider statement

     camt.053 (the bank's statement of our payouts), the WeChat Pay trade bill, the Alipay bills,
    or the refund sandbox's refunds file, as the vendor produced it. It is matched against exactly
    the period it declares — Alipay's 起始日期/终止日期, camt.053's FrToDt, else the day in
    ``bill_date`` or ``file_name`` (required for WeChat Pay, whose bill does not state its day) —
    with payments dated by when the buyer paid and refunds by their completion, in Beijing time.
    Matched by reference, then by amount and a 3-day date window; each difference opens a
    discrepancy. A file that cannot be read whole is refused whole (422 ``import-refused``, nothing
    stored), each error naming the row (CSV line, or camt.053 entry) and the column (header name,
    or element path); the same file twice is the same import.

    Args:
        source (StatementImportsCreateSource):
        bill_date (None | str | Unset): the day the file is the bill of (yyyy-MM-dd or yyyyMMdd),
            for a file that does not state it inside: the WeChat Pay trade bill (its downloadbill
            bill_date), the refund sandbox's file
        file_name (None | str | Unset): the vendor's file name, which carries the bill's day when
            the file does not (e.g. refunds-2026-12-06.csv)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StatementImportCreated]
    """

    kwargs = _get_kwargs(
        source=source,
        bill_date=bill_date,
        file_name=file_name,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    source: StatementImportsCreateSource,
    bill_date: None | str | Unset = UNSET,
    file_name: None | str | Unset = UNSET,
) -> Problem | StatementImportCreated | None:
    """Import a bank or payment-provider statement

     camt.053 (the bank's statement of our payouts), the WeChat Pay trade bill, the Alipay bills,
    or the refund sandbox's refunds file, as the vendor produced it. It is matched against exactly
    the period it declares — Alipay's 起始日期/终止日期, camt.053's FrToDt, else the day in
    ``bill_date`` or ``file_name`` (required for WeChat Pay, whose bill does not state its day) —
    with payments dated by when the buyer paid and refunds by their completion, in Beijing time.
    Matched by reference, then by amount and a 3-day date window; each difference opens a
    discrepancy. A file that cannot be read whole is refused whole (422 ``import-refused``, nothing
    stored), each error naming the row (CSV line, or camt.053 entry) and the column (header name,
    or element path); the same file twice is the same import.

    Args:
        source (StatementImportsCreateSource):
        bill_date (None | str | Unset): the day the file is the bill of (yyyy-MM-dd or yyyyMMdd),
            for a file that does not state it inside: the WeChat Pay trade bill (its downloadbill
            bill_date), the refund sandbox's file
        file_name (None | str | Unset): the vendor's file name, which carries the bill's day when
            the file does not (e.g. refunds-2026-12-06.csv)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StatementImportCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            source=source,
            bill_date=bill_date,
            file_name=file_name,
        )
    ).parsed

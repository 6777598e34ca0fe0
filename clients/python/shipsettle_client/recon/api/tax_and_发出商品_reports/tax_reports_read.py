from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.tax_report_public import TaxReportPublic
from ...models.tax_reports_read_format import TaxReportsReadFormat
from ...models.tax_reports_read_lang import TaxReportsReadLang
from ...types import UNSET, Response, Unset


def _get_kwargs(
    merchant_id: str,
    *,
    day: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    format_: TaxReportsReadFormat | Unset = TaxReportsReadFormat.JSON,
    lang: TaxReportsReadLang | Unset = TaxReportsReadLang.EN,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_day: None | str | Unset
    if isinstance(day, Unset):
        json_day = UNSET
    else:
        json_day = day
    params["day"] = json_day

    json_month: None | str | Unset
    if isinstance(month, Unset):
        json_month = UNSET
    else:
        json_month = month
    params["month"] = json_month

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

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    json_lang: str | Unset = UNSET
    if not isinstance(lang, Unset):
        json_lang = lang.value

    params["lang"] = json_lang

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/merchants/{merchant_id}/tax-report".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TaxReportPublic | None:
    if response.status_code == 200:
        response_200 = TaxReportPublic.from_dict(response.json())

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
) -> Response[Problem | TaxReportPublic]:
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
    day: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    format_: TaxReportsReadFormat | Unset = TaxReportsReadFormat.JSON,
    lang: TaxReportsReadLang | Unset = TaxReportsReadLang.EN,
) -> Response[Problem | TaxReportPublic]:
    """Tax-inclusive sales and output VAT by rate for a period (增值税销项)

     Tax-inclusive sales and output VAT are recognised when units are signed off (签收 / 确认收货); until then
    the goods are 发出商品. A line's sales amount (less merchant-funded discounts) and its VAT (round half
    up at line level, per SPEC section 3) are split over its units by the largest-remainder method, the
    first units taking the odd fen; sign-offs take a line's first units, refunds its last. A refund
    completed in the period reduces sales and VAT by the share of its units that had been recognised;
    units refunded before sign-off were never sales.

    Args:
        merchant_id (str):
        day (None | str | Unset): YYYY-MM-DD (China time)
        month (None | str | Unset): YYYY-MM
        from_ (None | str | Unset): first day, YYYY-MM-DD
        to (None | str | Unset): last day, YYYY-MM-DD (inclusive)
        format_ (TaxReportsReadFormat | Unset):  Default: TaxReportsReadFormat.JSON.
        lang (TaxReportsReadLang | Unset):  Default: TaxReportsReadLang.EN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TaxReportPublic]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        day=day,
        month=month,
        from_=from_,
        to=to,
        format_=format_,
        lang=lang,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    day: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    format_: TaxReportsReadFormat | Unset = TaxReportsReadFormat.JSON,
    lang: TaxReportsReadLang | Unset = TaxReportsReadLang.EN,
) -> Problem | TaxReportPublic | None:
    """Tax-inclusive sales and output VAT by rate for a period (增值税销项)

     Tax-inclusive sales and output VAT are recognised when units are signed off (签收 / 确认收货); until then
    the goods are 发出商品. A line's sales amount (less merchant-funded discounts) and its VAT (round half
    up at line level, per SPEC section 3) are split over its units by the largest-remainder method, the
    first units taking the odd fen; sign-offs take a line's first units, refunds its last. A refund
    completed in the period reduces sales and VAT by the share of its units that had been recognised;
    units refunded before sign-off were never sales.

    Args:
        merchant_id (str):
        day (None | str | Unset): YYYY-MM-DD (China time)
        month (None | str | Unset): YYYY-MM
        from_ (None | str | Unset): first day, YYYY-MM-DD
        to (None | str | Unset): last day, YYYY-MM-DD (inclusive)
        format_ (TaxReportsReadFormat | Unset):  Default: TaxReportsReadFormat.JSON.
        lang (TaxReportsReadLang | Unset):  Default: TaxReportsReadLang.EN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TaxReportPublic
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
        day=day,
        month=month,
        from_=from_,
        to=to,
        format_=format_,
        lang=lang,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    day: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    format_: TaxReportsReadFormat | Unset = TaxReportsReadFormat.JSON,
    lang: TaxReportsReadLang | Unset = TaxReportsReadLang.EN,
) -> Response[Problem | TaxReportPublic]:
    """Tax-inclusive sales and output VAT by rate for a period (增值税销项)

     Tax-inclusive sales and output VAT are recognised when units are signed off (签收 / 确认收货); until then
    the goods are 发出商品. A line's sales amount (less merchant-funded discounts) and its VAT (round half
    up at line level, per SPEC section 3) are split over its units by the largest-remainder method, the
    first units taking the odd fen; sign-offs take a line's first units, refunds its last. A refund
    completed in the period reduces sales and VAT by the share of its units that had been recognised;
    units refunded before sign-off were never sales.

    Args:
        merchant_id (str):
        day (None | str | Unset): YYYY-MM-DD (China time)
        month (None | str | Unset): YYYY-MM
        from_ (None | str | Unset): first day, YYYY-MM-DD
        to (None | str | Unset): last day, YYYY-MM-DD (inclusive)
        format_ (TaxReportsReadFormat | Unset):  Default: TaxReportsReadFormat.JSON.
        lang (TaxReportsReadLang | Unset):  Default: TaxReportsReadLang.EN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TaxReportPublic]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        day=day,
        month=month,
        from_=from_,
        to=to,
        format_=format_,
        lang=lang,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    day: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    format_: TaxReportsReadFormat | Unset = TaxReportsReadFormat.JSON,
    lang: TaxReportsReadLang | Unset = TaxReportsReadLang.EN,
) -> Problem | TaxReportPublic | None:
    """Tax-inclusive sales and output VAT by rate for a period (增值税销项)

     Tax-inclusive sales and output VAT are recognised when units are signed off (签收 / 确认收货); until then
    the goods are 发出商品. A line's sales amount (less merchant-funded discounts) and its VAT (round half
    up at line level, per SPEC section 3) are split over its units by the largest-remainder method, the
    first units taking the odd fen; sign-offs take a line's first units, refunds its last. A refund
    completed in the period reduces sales and VAT by the share of its units that had been recognised;
    units refunded before sign-off were never sales.

    Args:
        merchant_id (str):
        day (None | str | Unset): YYYY-MM-DD (China time)
        month (None | str | Unset): YYYY-MM
        from_ (None | str | Unset): first day, YYYY-MM-DD
        to (None | str | Unset): last day, YYYY-MM-DD (inclusive)
        format_ (TaxReportsReadFormat | Unset):  Default: TaxReportsReadFormat.JSON.
        lang (TaxReportsReadLang | Unset):  Default: TaxReportsReadLang.EN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TaxReportPublic
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            day=day,
            month=month,
            from_=from_,
            to=to,
            format_=format_,
            lang=lang,
        )
    ).parsed

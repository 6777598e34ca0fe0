from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.statement_v1_merchants_merchant_id_statements_get_format import (
    StatementV1MerchantsMerchantIdStatementsGetFormat,
)
from ...models.statement_v1_merchants_merchant_id_statements_get_lang import (
    StatementV1MerchantsMerchantIdStatementsGetLang,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    merchant_id: str,
    *,
    day: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    format_: StatementV1MerchantsMerchantIdStatementsGetFormat
    | Unset = StatementV1MerchantsMerchantIdStatementsGetFormat.JSON,
    lang: StatementV1MerchantsMerchantIdStatementsGetLang | Unset = StatementV1MerchantsMerchantIdStatementsGetLang.EN,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

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
        "url": "/v1/merchants/{merchant_id}/statements".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = response.json()
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
) -> Response[Any | HTTPValidationError]:
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
    day: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    format_: StatementV1MerchantsMerchantIdStatementsGetFormat
    | Unset = StatementV1MerchantsMerchantIdStatementsGetFormat.JSON,
    lang: StatementV1MerchantsMerchantIdStatementsGetLang | Unset = StatementV1MerchantsMerchantIdStatementsGetLang.EN,
    authorization: None | str | Unset = UNSET,
) -> Response[Any | HTTPValidationError]:
    """A merchant's statement (对账单) for a period

     Opening balance, signed-off orders, subsidies, commissions, refunds and claw-backs,
    payouts, returned payouts, adjustments, closing balance — equal to settlement's ledger to the
    fen — with one row per order. A closed period is issued once and kept: a later correction is
    a new version, and every version carries the SHA-256 of its content.

    Args:
        merchant_id (str):
        day (None | str | Unset): YYYY-MM-DD (China time)
        month (None | str | Unset): YYYY-MM
        from_ (None | str | Unset): first day, YYYY-MM-DD
        to (None | str | Unset): last day, YYYY-MM-DD (inclusive)
        format_ (StatementV1MerchantsMerchantIdStatementsGetFormat | Unset):  Default:
            StatementV1MerchantsMerchantIdStatementsGetFormat.JSON.
        lang (StatementV1MerchantsMerchantIdStatementsGetLang | Unset):  Default:
            StatementV1MerchantsMerchantIdStatementsGetLang.EN.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        day=day,
        month=month,
        from_=from_,
        to=to,
        format_=format_,
        lang=lang,
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
    day: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    format_: StatementV1MerchantsMerchantIdStatementsGetFormat
    | Unset = StatementV1MerchantsMerchantIdStatementsGetFormat.JSON,
    lang: StatementV1MerchantsMerchantIdStatementsGetLang | Unset = StatementV1MerchantsMerchantIdStatementsGetLang.EN,
    authorization: None | str | Unset = UNSET,
) -> Any | HTTPValidationError | None:
    """A merchant's statement (对账单) for a period

     Opening balance, signed-off orders, subsidies, commissions, refunds and claw-backs,
    payouts, returned payouts, adjustments, closing balance — equal to settlement's ledger to the
    fen — with one row per order. A closed period is issued once and kept: a later correction is
    a new version, and every version carries the SHA-256 of its content.

    Args:
        merchant_id (str):
        day (None | str | Unset): YYYY-MM-DD (China time)
        month (None | str | Unset): YYYY-MM
        from_ (None | str | Unset): first day, YYYY-MM-DD
        to (None | str | Unset): last day, YYYY-MM-DD (inclusive)
        format_ (StatementV1MerchantsMerchantIdStatementsGetFormat | Unset):  Default:
            StatementV1MerchantsMerchantIdStatementsGetFormat.JSON.
        lang (StatementV1MerchantsMerchantIdStatementsGetLang | Unset):  Default:
            StatementV1MerchantsMerchantIdStatementsGetLang.EN.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | HTTPValidationError
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
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    day: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    format_: StatementV1MerchantsMerchantIdStatementsGetFormat
    | Unset = StatementV1MerchantsMerchantIdStatementsGetFormat.JSON,
    lang: StatementV1MerchantsMerchantIdStatementsGetLang | Unset = StatementV1MerchantsMerchantIdStatementsGetLang.EN,
    authorization: None | str | Unset = UNSET,
) -> Response[Any | HTTPValidationError]:
    """A merchant's statement (对账单) for a period

     Opening balance, signed-off orders, subsidies, commissions, refunds and claw-backs,
    payouts, returned payouts, adjustments, closing balance — equal to settlement's ledger to the
    fen — with one row per order. A closed period is issued once and kept: a later correction is
    a new version, and every version carries the SHA-256 of its content.

    Args:
        merchant_id (str):
        day (None | str | Unset): YYYY-MM-DD (China time)
        month (None | str | Unset): YYYY-MM
        from_ (None | str | Unset): first day, YYYY-MM-DD
        to (None | str | Unset): last day, YYYY-MM-DD (inclusive)
        format_ (StatementV1MerchantsMerchantIdStatementsGetFormat | Unset):  Default:
            StatementV1MerchantsMerchantIdStatementsGetFormat.JSON.
        lang (StatementV1MerchantsMerchantIdStatementsGetLang | Unset):  Default:
            StatementV1MerchantsMerchantIdStatementsGetLang.EN.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        day=day,
        month=month,
        from_=from_,
        to=to,
        format_=format_,
        lang=lang,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    day: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    format_: StatementV1MerchantsMerchantIdStatementsGetFormat
    | Unset = StatementV1MerchantsMerchantIdStatementsGetFormat.JSON,
    lang: StatementV1MerchantsMerchantIdStatementsGetLang | Unset = StatementV1MerchantsMerchantIdStatementsGetLang.EN,
    authorization: None | str | Unset = UNSET,
) -> Any | HTTPValidationError | None:
    """A merchant's statement (对账单) for a period

     Opening balance, signed-off orders, subsidies, commissions, refunds and claw-backs,
    payouts, returned payouts, adjustments, closing balance — equal to settlement's ledger to the
    fen — with one row per order. A closed period is issued once and kept: a later correction is
    a new version, and every version carries the SHA-256 of its content.

    Args:
        merchant_id (str):
        day (None | str | Unset): YYYY-MM-DD (China time)
        month (None | str | Unset): YYYY-MM
        from_ (None | str | Unset): first day, YYYY-MM-DD
        to (None | str | Unset): last day, YYYY-MM-DD (inclusive)
        format_ (StatementV1MerchantsMerchantIdStatementsGetFormat | Unset):  Default:
            StatementV1MerchantsMerchantIdStatementsGetFormat.JSON.
        lang (StatementV1MerchantsMerchantIdStatementsGetLang | Unset):  Default:
            StatementV1MerchantsMerchantIdStatementsGetLang.EN.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | HTTPValidationError
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
            authorization=authorization,
        )
    ).parsed

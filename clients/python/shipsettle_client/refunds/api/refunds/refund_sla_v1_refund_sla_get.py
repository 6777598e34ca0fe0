from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.refund_sla_v1_refund_sla_get_response_refund_sla_v1_refund_sla_get import (
    RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    merchant_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    params: dict[str, Any] = {}

    json_merchant_id: None | str | Unset
    if isinstance(merchant_id, Unset):
        json_merchant_id = UNSET
    else:
        json_merchant_id = merchant_id
    params["merchant_id"] = json_merchant_id

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
        "url": "/v1/refund-sla",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet | None:
    if response.status_code == 200:
        response_200 = RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet.from_dict(response.json())

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
) -> Response[HTTPValidationError | RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    merchant_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet]:
    """Open refunds by age against their deadline, with a cursor

     For ops: every open refund, oldest first, with who it waits for and the time left
    (negative: overdue; a deadline that passed acts within a timer pass). For a merchant: its own.
    ``breaching``: past its deadline (for a balance credit, the platform's answer_by), or failed —
    a failed refund breaches until ops retry it or settle it another way
    (POST /v1/refunds/{refund_id}/resolution). ``open``, ``breaching`` and ``by_waiting_for``
    count every open refund, on every page; ``items`` are one page of them. Another merchant
    named: 404; a cursor of another listing: 422.

    Args:
        merchant_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet]
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
    *,
    client: AuthenticatedClient | Client,
    merchant_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet | None:
    """Open refunds by age against their deadline, with a cursor

     For ops: every open refund, oldest first, with who it waits for and the time left
    (negative: overdue; a deadline that passed acts within a timer pass). For a merchant: its own.
    ``breaching``: past its deadline (for a balance credit, the platform's answer_by), or failed —
    a failed refund breaches until ops retry it or settle it another way
    (POST /v1/refunds/{refund_id}/resolution). ``open``, ``breaching`` and ``by_waiting_for``
    count every open refund, on every page; ``items`` are one page of them. Another merchant
    named: 404; a cursor of another listing: 422.

    Args:
        merchant_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet
    """

    return sync_detailed(
        client=client,
        merchant_id=merchant_id,
        cursor=cursor,
        limit=limit,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    merchant_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet]:
    """Open refunds by age against their deadline, with a cursor

     For ops: every open refund, oldest first, with who it waits for and the time left
    (negative: overdue; a deadline that passed acts within a timer pass). For a merchant: its own.
    ``breaching``: past its deadline (for a balance credit, the platform's answer_by), or failed —
    a failed refund breaches until ops retry it or settle it another way
    (POST /v1/refunds/{refund_id}/resolution). ``open``, ``breaching`` and ``by_waiting_for``
    count every open refund, on every page; ``items`` are one page of them. Another merchant
    named: 404; a cursor of another listing: 422.

    Args:
        merchant_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet]
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
    *,
    client: AuthenticatedClient | Client,
    merchant_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet | None:
    """Open refunds by age against their deadline, with a cursor

     For ops: every open refund, oldest first, with who it waits for and the time left
    (negative: overdue; a deadline that passed acts within a timer pass). For a merchant: its own.
    ``breaching``: past its deadline (for a balance credit, the platform's answer_by), or failed —
    a failed refund breaches until ops retry it or settle it another way
    (POST /v1/refunds/{refund_id}/resolution). ``open``, ``breaching`` and ``by_waiting_for``
    count every open refund, on every page; ``items`` are one page of them. Another merchant
    named: 404; a cursor of another listing: 422.

    Args:
        merchant_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | RefundSlaV1RefundSlaGetResponseRefundSlaV1RefundSlaGet
    """

    return (
        await asyncio_detailed(
            client=client,
            merchant_id=merchant_id,
            cursor=cursor,
            limit=limit,
            authorization=authorization,
        )
    ).parsed

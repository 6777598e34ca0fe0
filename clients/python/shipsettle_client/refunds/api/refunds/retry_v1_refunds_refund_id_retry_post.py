from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.retry_v1_refunds_refund_id_retry_post_response_retry_v1_refunds_refund_id_retry_post import (
    RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    refund_id: str,
    *,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/refunds/{refund_id}/retry".format(
            refund_id=quote(str(refund_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost | None:
    if response.status_code == 200:
        response_200 = RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost.from_dict(response.json())

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
) -> Response[HTTPValidationError | RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost]:
    """Ops sends a failed refund again

     A new attempt through the same channel (for a balance credit ops cancelled, a new credit
    id). 409 after a refusal by the provider or a declined balance credit (the same request would
    be refused again): settle it with /resolution.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost]
    """

    kwargs = _get_kwargs(
        refund_id=refund_id,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost | None:
    """Ops sends a failed refund again

     A new attempt through the same channel (for a balance credit ops cancelled, a new credit
    id). 409 after a refusal by the provider or a declined balance credit (the same request would
    be refused again): settle it with /resolution.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost
    """

    return sync_detailed(
        refund_id=refund_id,
        client=client,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost]:
    """Ops sends a failed refund again

     A new attempt through the same channel (for a balance credit ops cancelled, a new credit
    id). 409 after a refusal by the provider or a declined balance credit (the same request would
    be refused again): settle it with /resolution.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost]
    """

    kwargs = _get_kwargs(
        refund_id=refund_id,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost | None:
    """Ops sends a failed refund again

     A new attempt through the same channel (for a balance credit ops cancelled, a new credit
    id). 409 after a refusal by the provider or a declined balance credit (the same request would
    be refused again): settle it with /resolution.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | RetryV1RefundsRefundIdRetryPostResponseRetryV1RefundsRefundIdRetryPost
    """

    return (
        await asyncio_detailed(
            refund_id=refund_id,
            client=client,
            authorization=authorization,
        )
    ).parsed

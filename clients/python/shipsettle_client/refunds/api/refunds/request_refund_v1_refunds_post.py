from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.refund_request_body import RefundRequestBody
from ...models.request_refund_v1_refunds_post_response_request_refund_v1_refunds_post import (
    RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: RefundRequestBody,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/refunds",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost | None:
    if response.status_code == 201:
        response_201 = RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost.from_dict(response.json())

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
) -> Response[HTTPValidationError | RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RefundRequestBody,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost]:
    """The buyer asks for a refund (posted by the platform)

     refund_only any time after payment; return_and_refund for units signed off; reason
    no_reason (七天无理由) only as a return, within the window after sign-off and outside the
    excluded categories. Never more units than were bought and are not already refunded or
    being refunded. Needs an Idempotency-Key.

    Args:
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (RefundRequestBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: RefundRequestBody,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost | None:
    """The buyer asks for a refund (posted by the platform)

     refund_only any time after payment; return_and_refund for units signed off; reason
    no_reason (七天无理由) only as a return, within the window after sign-off and outside the
    excluded categories. Never more units than were bought and are not already refunded or
    being refunded. Needs an Idempotency-Key.

    Args:
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (RefundRequestBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RefundRequestBody,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost]:
    """The buyer asks for a refund (posted by the platform)

     refund_only any time after payment; return_and_refund for units signed off; reason
    no_reason (七天无理由) only as a return, within the window after sign-off and outside the
    excluded categories. Never more units than were bought and are not already refunded or
    being refunded. Needs an Idempotency-Key.

    Args:
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (RefundRequestBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: RefundRequestBody,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost | None:
    """The buyer asks for a refund (posted by the platform)

     refund_only any time after payment; return_and_refund for units signed off; reason
    no_reason (七天无理由) only as a return, within the window after sign-off and outside the
    excluded categories. Never more units than were bought and are not already refunded or
    being refunded. Needs an Idempotency-Key.

    Args:
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (RefundRequestBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | RequestRefundV1RefundsPostResponseRequestRefundV1RefundsPost
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            authorization=authorization,
        )
    ).parsed

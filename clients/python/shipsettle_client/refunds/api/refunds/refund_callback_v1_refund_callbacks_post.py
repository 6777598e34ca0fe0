from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.refund_callback_v1_refund_callbacks_post_response_refund_callback_v1_refund_callbacks_post import (
    RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost,
)
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/refund-callbacks",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost | None:
    if response.status_code == 200:
        response_200 = RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost.from_dict(
            response.json()
        )

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost]:
    """The refund provider's outcome callback (Standard Webhooks signature)

     Refused with 401 for a bad signature and 404 for an unknown refund, changing nothing. A
    repeated callback moves nothing again.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost | None:
    """The refund provider's outcome callback (Standard Webhooks signature)

     Refused with 401 for a bad signature and 404 for an unknown refund, changing nothing. A
    repeated callback moves nothing again.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost]:
    """The refund provider's outcome callback (Standard Webhooks signature)

     Refused with 401 for a bad signature and 404 for an unknown refund, changing nothing. A
    repeated callback moves nothing again.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost | None:
    """The refund provider's outcome callback (Standard Webhooks signature)

     Refused with 401 for a bad signature and 404 for an unknown refund, changing nothing. A
    repeated callback moves nothing again.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        RefundCallbackV1RefundCallbacksPostResponseRefundCallbackV1RefundCallbacksPost
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed

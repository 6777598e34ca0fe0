from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.reason import Reason
from ...models.withdraw_v1_refunds_refund_id_withdraw_post_response_withdraw_v1_refunds_refund_id_withdraw_post import (
    WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    refund_id: str,
    *,
    body: Reason,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/refunds/{refund_id}/withdraw".format(
            refund_id=quote(str(refund_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost | None:
    if response.status_code == 200:
        response_200 = WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost.from_dict(
            response.json()
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
) -> Response[HTTPValidationError | WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost]:
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
    body: Reason,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost]:
    """The buyer withdraws the request

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (Reason):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost]
    """

    kwargs = _get_kwargs(
        refund_id=refund_id,
        body=body,
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
    body: Reason,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost | None:
    """The buyer withdraws the request

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (Reason):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost
    """

    return sync_detailed(
        refund_id=refund_id,
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: Reason,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost]:
    """The buyer withdraws the request

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (Reason):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost]
    """

    kwargs = _get_kwargs(
        refund_id=refund_id,
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: Reason,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost | None:
    """The buyer withdraws the request

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (Reason):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | WithdrawV1RefundsRefundIdWithdrawPostResponseWithdrawV1RefundsRefundIdWithdrawPost
    """

    return (
        await asyncio_detailed(
            refund_id=refund_id,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.approve_v1_refunds_refund_id_approve_post_response_approve_v1_refunds_refund_id_approve_post import (
    ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost,
)
from ...models.http_validation_error import HTTPValidationError
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
        "url": "/v1/refunds/{refund_id}/approve".format(
            refund_id=quote(str(refund_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost.from_dict(
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
) -> Response[ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost | HTTPValidationError]:
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
) -> Response[ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost | HTTPValidationError]:
    """The merchant approves

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost | HTTPValidationError]
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
) -> ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost | HTTPValidationError | None:
    """The merchant approves

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost | HTTPValidationError
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
) -> Response[ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost | HTTPValidationError]:
    """The merchant approves

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost | HTTPValidationError]
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
) -> ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost | HTTPValidationError | None:
    """The merchant approves

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApproveV1RefundsRefundIdApprovePostResponseApproveV1RefundsRefundIdApprovePost | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            refund_id=refund_id,
            client=client,
            authorization=authorization,
        )
    ).parsed

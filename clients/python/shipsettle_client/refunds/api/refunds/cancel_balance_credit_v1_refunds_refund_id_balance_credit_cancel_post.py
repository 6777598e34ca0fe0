from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cancel_balance_credit_v1_refunds_refund_id_balance_credit_cancel_post_response_cancel_balance_credit_v1_refunds_refund_id_balance_credit_cancel_post import (
    CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost,
)
from ...models.cancel_credit_body import CancelCreditBody
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    refund_id: str,
    *,
    body: CancelCreditBody,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/refunds/{refund_id}/balance-credit/cancel".format(
            refund_id=quote(str(refund_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost
    | HTTPValidationError
    | None
):
    if response.status_code == 200:
        response_200 = CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost.from_dict(
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
) -> Response[
    CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost
    | HTTPValidationError
]:
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
    body: CancelCreditBody,
    authorization: None | str | Unset = UNSET,
) -> Response[
    CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost
    | HTTPValidationError
]:
    """Ops cancel a balance credit the platform did not answer in time

     After the credit's ``answer_by`` (409 ``credit-not-overdue`` before): the refund becomes
    refund_failed, waiting for ops to retry (a new credit id) or settle it another way
    (/resolution); the platform is notified (``refund.balance_credit_cancelled``) and any later
    acknowledgement of the credit is refused with 409 ``credit-cancelled``. If the platform's
    acknowledgement came first, the cancellation is refused (409 ``credit-already-answered``).
    Recorded with the ops key and the reason; the same cancellation again changes nothing.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (CancelCreditBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost | HTTPValidationError]
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
    body: CancelCreditBody,
    authorization: None | str | Unset = UNSET,
) -> (
    CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost
    | HTTPValidationError
    | None
):
    """Ops cancel a balance credit the platform did not answer in time

     After the credit's ``answer_by`` (409 ``credit-not-overdue`` before): the refund becomes
    refund_failed, waiting for ops to retry (a new credit id) or settle it another way
    (/resolution); the platform is notified (``refund.balance_credit_cancelled``) and any later
    acknowledgement of the credit is refused with 409 ``credit-cancelled``. If the platform's
    acknowledgement came first, the cancellation is refused (409 ``credit-already-answered``).
    Recorded with the ops key and the reason; the same cancellation again changes nothing.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (CancelCreditBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost | HTTPValidationError
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
    body: CancelCreditBody,
    authorization: None | str | Unset = UNSET,
) -> Response[
    CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost
    | HTTPValidationError
]:
    """Ops cancel a balance credit the platform did not answer in time

     After the credit's ``answer_by`` (409 ``credit-not-overdue`` before): the refund becomes
    refund_failed, waiting for ops to retry (a new credit id) or settle it another way
    (/resolution); the platform is notified (``refund.balance_credit_cancelled``) and any later
    acknowledgement of the credit is refused with 409 ``credit-cancelled``. If the platform's
    acknowledgement came first, the cancellation is refused (409 ``credit-already-answered``).
    Recorded with the ops key and the reason; the same cancellation again changes nothing.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (CancelCreditBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost | HTTPValidationError]
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
    body: CancelCreditBody,
    authorization: None | str | Unset = UNSET,
) -> (
    CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost
    | HTTPValidationError
    | None
):
    """Ops cancel a balance credit the platform did not answer in time

     After the credit's ``answer_by`` (409 ``credit-not-overdue`` before): the refund becomes
    refund_failed, waiting for ops to retry (a new credit id) or settle it another way
    (/resolution); the platform is notified (``refund.balance_credit_cancelled``) and any later
    acknowledgement of the credit is refused with 409 ``credit-cancelled``. If the platform's
    acknowledgement came first, the cancellation is refused (409 ``credit-already-answered``).
    Recorded with the ops key and the reason; the same cancellation again changes nothing.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (CancelCreditBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPostResponseCancelBalanceCreditV1RefundsRefundIdBalanceCreditCancelPost | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            refund_id=refund_id,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

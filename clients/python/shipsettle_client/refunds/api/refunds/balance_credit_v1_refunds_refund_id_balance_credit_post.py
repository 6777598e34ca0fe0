from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.balance_credit_body import BalanceCreditBody
from ...models.balance_credit_v1_refunds_refund_id_balance_credit_post_response_balance_credit_v1_refunds_refund_id_balance_credit_post import (
    BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost,
)
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    refund_id: str,
    *,
    body: BalanceCreditBody,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/refunds/{refund_id}/balance-credit".format(
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
    BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost
    | HTTPValidationError
    | None
):
    if response.status_code == 200:
        response_200 = BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost.from_dict(
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
    BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost
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
    body: BalanceCreditBody,
    authorization: None | str | Unset = UNSET,
) -> Response[
    BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost
    | HTTPValidationError
]:
    """The platform credited the buyer's balance (余额) for a refund, or declined to

     The answer to a ``refund.balance_credit_requested`` notification (a refund of an order paid
    from the platform balance: the platform owns balances, so its backend credits them). Name the
    notification's credit id, buyer and amount; ``credited`` with the platform's reference
    completes the refund (settlement books it against platform:balance_clearing); ``declined``
    with a reason fails it, for ops to settle another way. Idempotent: the same answer again
    returns the refund unchanged; another answer to an answered credit is refused with 409. Answer
    by the credit's ``answer_by``: after it ops may cancel the credit, and an answer to a cancelled
    credit is refused with 409 ``credit-cancelled`` — do not apply it (reverse it if applied).
    Platform keys only; a refund outside the caller's merchants answers 404.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (BalanceCreditBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost | HTTPValidationError]
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
    body: BalanceCreditBody,
    authorization: None | str | Unset = UNSET,
) -> (
    BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost
    | HTTPValidationError
    | None
):
    """The platform credited the buyer's balance (余额) for a refund, or declined to

     The answer to a ``refund.balance_credit_requested`` notification (a refund of an order paid
    from the platform balance: the platform owns balances, so its backend credits them). Name the
    notification's credit id, buyer and amount; ``credited`` with the platform's reference
    completes the refund (settlement books it against platform:balance_clearing); ``declined``
    with a reason fails it, for ops to settle another way. Idempotent: the same answer again
    returns the refund unchanged; another answer to an answered credit is refused with 409. Answer
    by the credit's ``answer_by``: after it ops may cancel the credit, and an answer to a cancelled
    credit is refused with 409 ``credit-cancelled`` — do not apply it (reverse it if applied).
    Platform keys only; a refund outside the caller's merchants answers 404.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (BalanceCreditBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost | HTTPValidationError
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
    body: BalanceCreditBody,
    authorization: None | str | Unset = UNSET,
) -> Response[
    BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost
    | HTTPValidationError
]:
    """The platform credited the buyer's balance (余额) for a refund, or declined to

     The answer to a ``refund.balance_credit_requested`` notification (a refund of an order paid
    from the platform balance: the platform owns balances, so its backend credits them). Name the
    notification's credit id, buyer and amount; ``credited`` with the platform's reference
    completes the refund (settlement books it against platform:balance_clearing); ``declined``
    with a reason fails it, for ops to settle another way. Idempotent: the same answer again
    returns the refund unchanged; another answer to an answered credit is refused with 409. Answer
    by the credit's ``answer_by``: after it ops may cancel the credit, and an answer to a cancelled
    credit is refused with 409 ``credit-cancelled`` — do not apply it (reverse it if applied).
    Platform keys only; a refund outside the caller's merchants answers 404.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (BalanceCreditBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost | HTTPValidationError]
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
    body: BalanceCreditBody,
    authorization: None | str | Unset = UNSET,
) -> (
    BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost
    | HTTPValidationError
    | None
):
    """The platform credited the buyer's balance (余额) for a refund, or declined to

     The answer to a ``refund.balance_credit_requested`` notification (a refund of an order paid
    from the platform balance: the platform owns balances, so its backend credits them). Name the
    notification's credit id, buyer and amount; ``credited`` with the platform's reference
    completes the refund (settlement books it against platform:balance_clearing); ``declined``
    with a reason fails it, for ops to settle another way. Idempotent: the same answer again
    returns the refund unchanged; another answer to an answered credit is refused with 409. Answer
    by the credit's ``answer_by``: after it ops may cancel the credit, and an answer to a cancelled
    credit is refused with 409 ``credit-cancelled`` — do not apply it (reverse it if applied).
    Platform keys only; a refund outside the caller's merchants answers 404.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (BalanceCreditBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BalanceCreditV1RefundsRefundIdBalanceCreditPostResponseBalanceCreditV1RefundsRefundIdBalanceCreditPost | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            refund_id=refund_id,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.application_request import ApplicationRequest
from ...models.apply_v1_merchants_merchant_id_settlement_applications_post_response_apply_v1_merchants_merchant_id_settlement_applications_post import (
    ApplyV1MerchantsMerchantIdSettlementApplicationsPostResponseApplyV1MerchantsMerchantIdSettlementApplicationsPost,
)
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    merchant_id: str,
    *,
    body: ApplicationRequest,
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
        "url": "/v1/merchants/{merchant_id}/settlement-applications".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    ApplyV1MerchantsMerchantIdSettlementApplicationsPostResponseApplyV1MerchantsMerchantIdSettlementApplicationsPost
    | HTTPValidationError
    | None
):
    if response.status_code == 201:
        response_201 = ApplyV1MerchantsMerchantIdSettlementApplicationsPostResponseApplyV1MerchantsMerchantIdSettlementApplicationsPost.from_dict(
            response.json()
        )

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
) -> Response[
    ApplyV1MerchantsMerchantIdSettlementApplicationsPostResponseApplyV1MerchantsMerchantIdSettlementApplicationsPost
    | HTTPValidationError
]:
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
    body: ApplicationRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> Response[
    ApplyV1MerchantsMerchantIdSettlementApplicationsPostResponseApplyV1MerchantsMerchantIdSettlementApplicationsPost
    | HTTPValidationError
]:
    """Apply for available funds (结算申请)

     Moves the amount from available to in payout at once. A merchant with a negative balance
    (a refund after payout) pays it back first: ``clawback_deducted_minor`` of the amount goes to
    the platform and ``net_minor`` to the bank. Money frozen for open refunds cannot be applied
    for. Approved automatically unless a review rule applies (large amount, first payout to the
    account, risk flag, missing vouchers); then it waits for ops.

    Args:
        merchant_id (str):
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (ApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplyV1MerchantsMerchantIdSettlementApplicationsPostResponseApplyV1MerchantsMerchantIdSettlementApplicationsPost | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        body=body,
        idempotency_key=idempotency_key,
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
    body: ApplicationRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> (
    ApplyV1MerchantsMerchantIdSettlementApplicationsPostResponseApplyV1MerchantsMerchantIdSettlementApplicationsPost
    | HTTPValidationError
    | None
):
    """Apply for available funds (结算申请)

     Moves the amount from available to in payout at once. A merchant with a negative balance
    (a refund after payout) pays it back first: ``clawback_deducted_minor`` of the amount goes to
    the platform and ``net_minor`` to the bank. Money frozen for open refunds cannot be applied
    for. Approved automatically unless a review rule applies (large amount, first payout to the
    account, risk flag, missing vouchers); then it waits for ops.

    Args:
        merchant_id (str):
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (ApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplyV1MerchantsMerchantIdSettlementApplicationsPostResponseApplyV1MerchantsMerchantIdSettlementApplicationsPost | HTTPValidationError
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ApplicationRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> Response[
    ApplyV1MerchantsMerchantIdSettlementApplicationsPostResponseApplyV1MerchantsMerchantIdSettlementApplicationsPost
    | HTTPValidationError
]:
    """Apply for available funds (结算申请)

     Moves the amount from available to in payout at once. A merchant with a negative balance
    (a refund after payout) pays it back first: ``clawback_deducted_minor`` of the amount goes to
    the platform and ``net_minor`` to the bank. Money frozen for open refunds cannot be applied
    for. Approved automatically unless a review rule applies (large amount, first payout to the
    account, risk flag, missing vouchers); then it waits for ops.

    Args:
        merchant_id (str):
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (ApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplyV1MerchantsMerchantIdSettlementApplicationsPostResponseApplyV1MerchantsMerchantIdSettlementApplicationsPost | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        body=body,
        idempotency_key=idempotency_key,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ApplicationRequest,
    idempotency_key: None | str | Unset = UNSET,
    authorization: None | str | Unset = UNSET,
) -> (
    ApplyV1MerchantsMerchantIdSettlementApplicationsPostResponseApplyV1MerchantsMerchantIdSettlementApplicationsPost
    | HTTPValidationError
    | None
):
    """Apply for available funds (结算申请)

     Moves the amount from available to in payout at once. A merchant with a negative balance
    (a refund after payout) pays it back first: ``clawback_deducted_minor`` of the amount goes to
    the platform and ``net_minor`` to the bank. Money frozen for open refunds cannot be applied
    for. Approved automatically unless a review rule applies (large amount, first payout to the
    account, risk flag, missing vouchers); then it waits for ops.

    Args:
        merchant_id (str):
        idempotency_key (None | str | Unset):
        authorization (None | str | Unset): Bearer <API key>
        body (ApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplyV1MerchantsMerchantIdSettlementApplicationsPostResponseApplyV1MerchantsMerchantIdSettlementApplicationsPost | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            authorization=authorization,
        )
    ).parsed

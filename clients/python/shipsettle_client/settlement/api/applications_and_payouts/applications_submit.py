from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.application_public import ApplicationPublic
from ...models.application_request import ApplicationRequest
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    merchant_id: str,
    *,
    body: ApplicationRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

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
) -> ApplicationPublic | Problem | None:
    if response.status_code == 201:
        response_201 = ApplicationPublic.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ApplicationPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    body: ApplicationRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ApplicationPublic | Problem]:
    """Apply for available funds (结算申请)

     Moves the amount from available to in payout at once. A merchant with a negative balance
    (a refund after payout) pays it back first: ``clawback_deducted_minor`` of the amount goes to
    the platform and ``net_minor`` to the bank. Money frozen for open refunds cannot be applied
    for. Approved automatically unless a review rule applies (large amount, first payout to the
    account, risk flag, missing vouchers); then it waits for ops.

    Args:
        merchant_id (str):
        idempotency_key (None | str | Unset):
        body (ApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplicationPublic | Problem]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    body: ApplicationRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> ApplicationPublic | Problem | None:
    """Apply for available funds (结算申请)

     Moves the amount from available to in payout at once. A merchant with a negative balance
    (a refund after payout) pays it back first: ``clawback_deducted_minor`` of the amount goes to
    the platform and ``net_minor`` to the bank. Money frozen for open refunds cannot be applied
    for. Approved automatically unless a review rule applies (large amount, first payout to the
    account, risk flag, missing vouchers); then it waits for ops.

    Args:
        merchant_id (str):
        idempotency_key (None | str | Unset):
        body (ApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplicationPublic | Problem
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    body: ApplicationRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ApplicationPublic | Problem]:
    """Apply for available funds (结算申请)

     Moves the amount from available to in payout at once. A merchant with a negative balance
    (a refund after payout) pays it back first: ``clawback_deducted_minor`` of the amount goes to
    the platform and ``net_minor`` to the bank. Money frozen for open refunds cannot be applied
    for. Approved automatically unless a review rule applies (large amount, first payout to the
    account, risk flag, missing vouchers); then it waits for ops.

    Args:
        merchant_id (str):
        idempotency_key (None | str | Unset):
        body (ApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplicationPublic | Problem]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    body: ApplicationRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> ApplicationPublic | Problem | None:
    """Apply for available funds (结算申请)

     Moves the amount from available to in payout at once. A merchant with a negative balance
    (a refund after payout) pays it back first: ``clawback_deducted_minor`` of the amount goes to
    the platform and ``net_minor`` to the bank. Money frozen for open refunds cannot be applied
    for. Approved automatically unless a review rule applies (large amount, first payout to the
    account, risk flag, missing vouchers); then it waits for ops.

    Args:
        merchant_id (str):
        idempotency_key (None | str | Unset):
        body (ApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplicationPublic | Problem
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed

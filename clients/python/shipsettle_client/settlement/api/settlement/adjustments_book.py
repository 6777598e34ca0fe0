from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.adjustment_request import AdjustmentRequest
from ...models.problem import Problem
from ...models.proposal_public import ProposalPublic
from ...types import UNSET, Response, Unset


def _get_kwargs(
    merchant_id: str,
    *,
    body: AdjustmentRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/merchants/{merchant_id}/adjustments".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ProposalPublic | None:
    if response.status_code == 202:
        response_202 = ProposalPublic.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[Problem | ProposalPublic]:
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
    body: AdjustmentRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | ProposalPublic]:
    """Ops proposes a correction to a merchant's balance; a second ops key books it

     Four eyes, whatever the amount: this records the proposal (202) and books nothing; a
    different ops key's ``POST /v1/approvals/{approval_id}/approve`` books it, and that answer's
    ``result`` has the ``tx_key`` a recon discrepancy's resolution links to and the postings. The
    booking is one balanced ledger transaction against the platform's adjustments account; a
    debit beyond what is available becomes a negative balance, deducted from the next settlement
    application. Needs an Idempotency-Key: a retried request proposes once.

    Args:
        merchant_id (str):
        idempotency_key (None | str | Unset):
        body (AdjustmentRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProposalPublic]
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
    body: AdjustmentRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | ProposalPublic | None:
    """Ops proposes a correction to a merchant's balance; a second ops key books it

     Four eyes, whatever the amount: this records the proposal (202) and books nothing; a
    different ops key's ``POST /v1/approvals/{approval_id}/approve`` books it, and that answer's
    ``result`` has the ``tx_key`` a recon discrepancy's resolution links to and the postings. The
    booking is one balanced ledger transaction against the platform's adjustments account; a
    debit beyond what is available becomes a negative balance, deducted from the next settlement
    application. Needs an Idempotency-Key: a retried request proposes once.

    Args:
        merchant_id (str):
        idempotency_key (None | str | Unset):
        body (AdjustmentRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProposalPublic
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
    body: AdjustmentRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | ProposalPublic]:
    """Ops proposes a correction to a merchant's balance; a second ops key books it

     Four eyes, whatever the amount: this records the proposal (202) and books nothing; a
    different ops key's ``POST /v1/approvals/{approval_id}/approve`` books it, and that answer's
    ``result`` has the ``tx_key`` a recon discrepancy's resolution links to and the postings. The
    booking is one balanced ledger transaction against the platform's adjustments account; a
    debit beyond what is available becomes a negative balance, deducted from the next settlement
    application. Needs an Idempotency-Key: a retried request proposes once.

    Args:
        merchant_id (str):
        idempotency_key (None | str | Unset):
        body (AdjustmentRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProposalPublic]
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
    body: AdjustmentRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | ProposalPublic | None:
    """Ops proposes a correction to a merchant's balance; a second ops key books it

     Four eyes, whatever the amount: this records the proposal (202) and books nothing; a
    different ops key's ``POST /v1/approvals/{approval_id}/approve`` books it, and that answer's
    ``result`` has the ``tx_key`` a recon discrepancy's resolution links to and the postings. The
    booking is one balanced ledger transaction against the platform's adjustments account; a
    debit beyond what is available becomes a negative balance, deducted from the next settlement
    application. Needs an Idempotency-Key: a retried request proposes once.

    Args:
        merchant_id (str):
        idempotency_key (None | str | Unset):
        body (AdjustmentRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProposalPublic
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed

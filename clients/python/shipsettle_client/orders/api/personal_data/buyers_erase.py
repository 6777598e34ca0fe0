from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.erasure_request import ErasureRequest
from ...models.problem import Problem
from ...models.proposal_public import ProposalPublic
from ...types import Response


def _get_kwargs(
    buyer_ref: str,
    *,
    body: ErasureRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/buyers/{buyer_ref}/erasure".format(
            buyer_ref=quote(str(buyer_ref), safe=""),
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
) -> Response[Problem | ProposalPublic]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    buyer_ref: str,
    *,
    client: AuthenticatedClient,
    body: ErasureRequest,
) -> Response[Problem | ProposalPublic]:
    """Propose erasing a buyer's personal data (crypto-shredding); a second ops key approves (ops)

     Four eyes: this records the proposal (202); once a different ops key approves it, the
    buyer's data key is destroyed here and in every service that keeps the buyer's data: their
    consignees read as ``[erased]`` everywhere; orders, amounts, the ledger and statements are
    unchanged. Refused: 404 no order of that buyer, 409 ``approval-pending``.

    Args:
        buyer_ref (str):
        body (ErasureRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProposalPublic]
    """

    kwargs = _get_kwargs(
        buyer_ref=buyer_ref,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    buyer_ref: str,
    *,
    client: AuthenticatedClient,
    body: ErasureRequest,
) -> Problem | ProposalPublic | None:
    """Propose erasing a buyer's personal data (crypto-shredding); a second ops key approves (ops)

     Four eyes: this records the proposal (202); once a different ops key approves it, the
    buyer's data key is destroyed here and in every service that keeps the buyer's data: their
    consignees read as ``[erased]`` everywhere; orders, amounts, the ledger and statements are
    unchanged. Refused: 404 no order of that buyer, 409 ``approval-pending``.

    Args:
        buyer_ref (str):
        body (ErasureRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProposalPublic
    """

    return sync_detailed(
        buyer_ref=buyer_ref,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    buyer_ref: str,
    *,
    client: AuthenticatedClient,
    body: ErasureRequest,
) -> Response[Problem | ProposalPublic]:
    """Propose erasing a buyer's personal data (crypto-shredding); a second ops key approves (ops)

     Four eyes: this records the proposal (202); once a different ops key approves it, the
    buyer's data key is destroyed here and in every service that keeps the buyer's data: their
    consignees read as ``[erased]`` everywhere; orders, amounts, the ledger and statements are
    unchanged. Refused: 404 no order of that buyer, 409 ``approval-pending``.

    Args:
        buyer_ref (str):
        body (ErasureRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProposalPublic]
    """

    kwargs = _get_kwargs(
        buyer_ref=buyer_ref,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    buyer_ref: str,
    *,
    client: AuthenticatedClient,
    body: ErasureRequest,
) -> Problem | ProposalPublic | None:
    """Propose erasing a buyer's personal data (crypto-shredding); a second ops key approves (ops)

     Four eyes: this records the proposal (202); once a different ops key approves it, the
    buyer's data key is destroyed here and in every service that keeps the buyer's data: their
    consignees read as ``[erased]`` everywhere; orders, amounts, the ledger and statements are
    unchanged. Refused: 404 no order of that buyer, 409 ``approval-pending``.

    Args:
        buyer_ref (str):
        body (ErasureRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProposalPublic
    """

    return (
        await asyncio_detailed(
            buyer_ref=buyer_ref,
            client=client,
            body=body,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.discrepancies_move_action import DiscrepanciesMoveAction
from ...models.discrepancy_public import DiscrepancyPublic
from ...models.move import Move
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    discrepancy_id: str,
    action: DiscrepanciesMoveAction,
    *,
    body: Move,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/discrepancies/{discrepancy_id}/{action}".format(
            discrepancy_id=quote(str(discrepancy_id), safe=""),
            action=quote(str(action), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DiscrepancyPublic | Problem | None:
    if response.status_code == 200:
        response_200 = DiscrepancyPublic.from_dict(response.json())

        return response_200

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
) -> Response[DiscrepancyPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    discrepancy_id: str,
    action: DiscrepanciesMoveAction,
    *,
    client: AuthenticatedClient,
    body: Move,
) -> Response[DiscrepancyPublic | Problem]:
    """investigate, resolve or write off

     open → investigating → resolved (linked to the ledger adjustment that settles it) or
    written off with a reason. Who did what and when is kept in the history.

    Args:
        discrepancy_id (str):
        action (DiscrepanciesMoveAction):
        body (Move):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DiscrepancyPublic | Problem]
    """

    kwargs = _get_kwargs(
        discrepancy_id=discrepancy_id,
        action=action,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    discrepancy_id: str,
    action: DiscrepanciesMoveAction,
    *,
    client: AuthenticatedClient,
    body: Move,
) -> DiscrepancyPublic | Problem | None:
    """investigate, resolve or write off

     open → investigating → resolved (linked to the ledger adjustment that settles it) or
    written off with a reason. Who did what and when is kept in the history.

    Args:
        discrepancy_id (str):
        action (DiscrepanciesMoveAction):
        body (Move):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DiscrepancyPublic | Problem
    """

    return sync_detailed(
        discrepancy_id=discrepancy_id,
        action=action,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    discrepancy_id: str,
    action: DiscrepanciesMoveAction,
    *,
    client: AuthenticatedClient,
    body: Move,
) -> Response[DiscrepancyPublic | Problem]:
    """investigate, resolve or write off

     open → investigating → resolved (linked to the ledger adjustment that settles it) or
    written off with a reason. Who did what and when is kept in the history.

    Args:
        discrepancy_id (str):
        action (DiscrepanciesMoveAction):
        body (Move):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DiscrepancyPublic | Problem]
    """

    kwargs = _get_kwargs(
        discrepancy_id=discrepancy_id,
        action=action,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    discrepancy_id: str,
    action: DiscrepanciesMoveAction,
    *,
    client: AuthenticatedClient,
    body: Move,
) -> DiscrepancyPublic | Problem | None:
    """investigate, resolve or write off

     open → investigating → resolved (linked to the ledger adjustment that settles it) or
    written off with a reason. Who did what and when is kept in the history.

    Args:
        discrepancy_id (str):
        action (DiscrepanciesMoveAction):
        body (Move):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DiscrepancyPublic | Problem
    """

    return (
        await asyncio_detailed(
            discrepancy_id=discrepancy_id,
            action=action,
            client=client,
            body=body,
        )
    ).parsed

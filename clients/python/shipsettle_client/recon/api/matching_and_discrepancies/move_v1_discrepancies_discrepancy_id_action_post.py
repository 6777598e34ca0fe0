from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.move import Move
from ...models.move_v1_discrepancies_discrepancy_id_action_post_action import (
    MoveV1DiscrepanciesDiscrepancyIdActionPostAction,
)
from ...models.move_v1_discrepancies_discrepancy_id_action_post_response_move_v1_discrepancies_discrepancy_id_action_post import (
    MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    discrepancy_id: str,
    action: MoveV1DiscrepanciesDiscrepancyIdActionPostAction,
    *,
    body: Move,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

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
) -> (
    HTTPValidationError
    | MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost
    | None
):
    if response.status_code == 200:
        response_200 = (
            MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost.from_dict(
                response.json()
            )
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
    HTTPValidationError | MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    discrepancy_id: str,
    action: MoveV1DiscrepanciesDiscrepancyIdActionPostAction,
    *,
    client: AuthenticatedClient | Client,
    body: Move,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost
]:
    """investigate, resolve or write off

     open → investigating → resolved (linked to the ledger adjustment that settles it) or
    written off with a reason. Who did what and when is kept in the history.

    Args:
        discrepancy_id (str):
        action (MoveV1DiscrepanciesDiscrepancyIdActionPostAction):
        authorization (None | str | Unset): Bearer <API key>
        body (Move):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost]
    """

    kwargs = _get_kwargs(
        discrepancy_id=discrepancy_id,
        action=action,
        body=body,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    discrepancy_id: str,
    action: MoveV1DiscrepanciesDiscrepancyIdActionPostAction,
    *,
    client: AuthenticatedClient | Client,
    body: Move,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost
    | None
):
    """investigate, resolve or write off

     open → investigating → resolved (linked to the ledger adjustment that settles it) or
    written off with a reason. Who did what and when is kept in the history.

    Args:
        discrepancy_id (str):
        action (MoveV1DiscrepanciesDiscrepancyIdActionPostAction):
        authorization (None | str | Unset): Bearer <API key>
        body (Move):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost
    """

    return sync_detailed(
        discrepancy_id=discrepancy_id,
        action=action,
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    discrepancy_id: str,
    action: MoveV1DiscrepanciesDiscrepancyIdActionPostAction,
    *,
    client: AuthenticatedClient | Client,
    body: Move,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost
]:
    """investigate, resolve or write off

     open → investigating → resolved (linked to the ledger adjustment that settles it) or
    written off with a reason. Who did what and when is kept in the history.

    Args:
        discrepancy_id (str):
        action (MoveV1DiscrepanciesDiscrepancyIdActionPostAction):
        authorization (None | str | Unset): Bearer <API key>
        body (Move):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost]
    """

    kwargs = _get_kwargs(
        discrepancy_id=discrepancy_id,
        action=action,
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    discrepancy_id: str,
    action: MoveV1DiscrepanciesDiscrepancyIdActionPostAction,
    *,
    client: AuthenticatedClient | Client,
    body: Move,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost
    | None
):
    """investigate, resolve or write off

     open → investigating → resolved (linked to the ledger adjustment that settles it) or
    written off with a reason. Who did what and when is kept in the history.

    Args:
        discrepancy_id (str):
        action (MoveV1DiscrepanciesDiscrepancyIdActionPostAction):
        authorization (None | str | Unset): Bearer <API key>
        body (Move):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | MoveV1DiscrepanciesDiscrepancyIdActionPostResponseMoveV1DiscrepanciesDiscrepancyIdActionPost
    """

    return (
        await asyncio_detailed(
            discrepancy_id=discrepancy_id,
            action=action,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

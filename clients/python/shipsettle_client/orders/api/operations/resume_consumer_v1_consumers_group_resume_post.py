from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.resume_consumer_v1_consumers_group_resume_post_response_resume_consumer_v1_consumers_group_resume_post import (
    ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    group: str,
    *,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/consumers/{group}/resume".format(
            group=quote(str(group), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    HTTPValidationError
    | ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost
    | None
):
    if response.status_code == 200:
        response_200 = (
            ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost.from_dict(
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
    HTTPValidationError | ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    group: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost
]:
    """Resume a group halted by too many dead letters, once the cause is fixed

    Args:
        group (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost]
    """

    kwargs = _get_kwargs(
        group=group,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    group: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost
    | None
):
    """Resume a group halted by too many dead letters, once the cause is fixed

    Args:
        group (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost
    """

    return sync_detailed(
        group=group,
        client=client,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    group: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost
]:
    """Resume a group halted by too many dead letters, once the cause is fixed

    Args:
        group (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost]
    """

    kwargs = _get_kwargs(
        group=group,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    group: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost
    | None
):
    """Resume a group halted by too many dead letters, once the cause is fixed

    Args:
        group (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ResumeConsumerV1ConsumersGroupResumePostResponseResumeConsumerV1ConsumersGroupResumePost
    """

    return (
        await asyncio_detailed(
            group=group,
            client=client,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_key_created import ApiKeyCreated
from ...models.api_key_request import ApiKeyRequest
from ...models.problem import Problem
from ...models.proposal_public import ProposalPublic
from ...types import Response


def _get_kwargs(
    *,
    body: ApiKeyRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/api-keys",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiKeyCreated | Problem | ProposalPublic | None:
    if response.status_code == 201:
        response_201 = ApiKeyCreated.from_dict(response.json())

        return response_201

    if response.status_code == 202:
        response_202 = ProposalPublic.from_dict(response.json())

        return response_202

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[ApiKeyCreated | Problem | ProposalPublic]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ApiKeyRequest,
) -> Response[ApiKeyCreated | Problem | ProposalPublic]:
    """Issue an API key (ops); an ops key needs a second ops key's approval

     Not idempotent by design: replaying a stored response would mean storing the secret.

    An ops key is not issued here: the request becomes a four-eyes proposal (202, the proposal),
    and a different ops key's ``POST /v1/approvals/{approval_id}/approve`` issues it and shows
    its secret once. Other roles' keys are issued at once (201). 422 for a request that does not
    fit the role (``InvalidApiKeyRequest``).

    Args:
        body (ApiKeyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiKeyCreated | Problem | ProposalPublic]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: ApiKeyRequest,
) -> ApiKeyCreated | Problem | ProposalPublic | None:
    """Issue an API key (ops); an ops key needs a second ops key's approval

     Not idempotent by design: replaying a stored response would mean storing the secret.

    An ops key is not issued here: the request becomes a four-eyes proposal (202, the proposal),
    and a different ops key's ``POST /v1/approvals/{approval_id}/approve`` issues it and shows
    its secret once. Other roles' keys are issued at once (201). 422 for a request that does not
    fit the role (``InvalidApiKeyRequest``).

    Args:
        body (ApiKeyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiKeyCreated | Problem | ProposalPublic
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ApiKeyRequest,
) -> Response[ApiKeyCreated | Problem | ProposalPublic]:
    """Issue an API key (ops); an ops key needs a second ops key's approval

     Not idempotent by design: replaying a stored response would mean storing the secret.

    An ops key is not issued here: the request becomes a four-eyes proposal (202, the proposal),
    and a different ops key's ``POST /v1/approvals/{approval_id}/approve`` issues it and shows
    its secret once. Other roles' keys are issued at once (201). 422 for a request that does not
    fit the role (``InvalidApiKeyRequest``).

    Args:
        body (ApiKeyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiKeyCreated | Problem | ProposalPublic]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ApiKeyRequest,
) -> ApiKeyCreated | Problem | ProposalPublic | None:
    """Issue an API key (ops); an ops key needs a second ops key's approval

     Not idempotent by design: replaying a stored response would mean storing the secret.

    An ops key is not issued here: the request becomes a four-eyes proposal (202, the proposal),
    and a different ops key's ``POST /v1/approvals/{approval_id}/approve`` issues it and shows
    its secret once. Other roles' keys are issued at once (201). 422 for a request that does not
    fit the role (``InvalidApiKeyRequest``).

    Args:
        body (ApiKeyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiKeyCreated | Problem | ProposalPublic
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

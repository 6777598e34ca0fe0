from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.rotate_secret_v1_carriers_code_webhook_secret_post_response_rotate_secret_v1_carriers_code_webhook_secret_post import (
    RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    code: str,
    *,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/carriers/{code}/webhook-secret".format(
            code=quote(str(code), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    HTTPValidationError
    | RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost
    | None
):
    if response.status_code == 200:
        response_200 = (
            RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost.from_dict(
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
    HTTPValidationError | RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    code: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost
]:
    """Rotate a carrier's webhook secret (ops); shown once

    Args:
        code (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost]
    """

    kwargs = _get_kwargs(
        code=code,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    code: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost
    | None
):
    """Rotate a carrier's webhook secret (ops); shown once

    Args:
        code (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost
    """

    return sync_detailed(
        code=code,
        client=client,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    code: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost
]:
    """Rotate a carrier's webhook secret (ops); shown once

    Args:
        code (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost]
    """

    kwargs = _get_kwargs(
        code=code,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    code: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost
    | None
):
    """Rotate a carrier's webhook secret (ops); shown once

    Args:
        code (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | RotateSecretV1CarriersCodeWebhookSecretPostResponseRotateSecretV1CarriersCodeWebhookSecretPost
    """

    return (
        await asyncio_detailed(
            code=code,
            client=client,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.read_carrier_v1_carriers_code_get_response_read_carrier_v1_carriers_code_get import (
    ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet,
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
        "method": "get",
        "url": "/v1/carriers/{code}".format(
            code=quote(str(code), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet | None:
    if response.status_code == 200:
        response_200 = ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet.from_dict(response.json())

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
) -> Response[HTTPValidationError | ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet]:
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
) -> Response[HTTPValidationError | ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet]:
    """One carrier

    Args:
        code (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet]
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
) -> HTTPValidationError | ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet | None:
    """One carrier

    Args:
        code (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet
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
) -> Response[HTTPValidationError | ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet]:
    """One carrier

    Args:
        code (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet]
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
) -> HTTPValidationError | ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet | None:
    """One carrier

    Args:
        code (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ReadCarrierV1CarriersCodeGetResponseReadCarrierV1CarriersCodeGet
    """

    return (
        await asyncio_detailed(
            code=code,
            client=client,
            authorization=authorization,
        )
    ).parsed

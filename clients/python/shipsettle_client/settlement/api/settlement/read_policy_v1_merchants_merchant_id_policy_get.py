from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.read_policy_v1_merchants_merchant_id_policy_get_response_read_policy_v1_merchants_merchant_id_policy_get import (
    ReadPolicyV1MerchantsMerchantIdPolicyGetResponseReadPolicyV1MerchantsMerchantIdPolicyGet,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    merchant_id: str,
    *,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/merchants/{merchant_id}/policy".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    HTTPValidationError
    | ReadPolicyV1MerchantsMerchantIdPolicyGetResponseReadPolicyV1MerchantsMerchantIdPolicyGet
    | None
):
    if response.status_code == 200:
        response_200 = (
            ReadPolicyV1MerchantsMerchantIdPolicyGetResponseReadPolicyV1MerchantsMerchantIdPolicyGet.from_dict(
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
    HTTPValidationError | ReadPolicyV1MerchantsMerchantIdPolicyGetResponseReadPolicyV1MerchantsMerchantIdPolicyGet
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
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | ReadPolicyV1MerchantsMerchantIdPolicyGetResponseReadPolicyV1MerchantsMerchantIdPolicyGet
]:
    """A merchant's policy in force now

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ReadPolicyV1MerchantsMerchantIdPolicyGetResponseReadPolicyV1MerchantsMerchantIdPolicyGet]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
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
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | ReadPolicyV1MerchantsMerchantIdPolicyGetResponseReadPolicyV1MerchantsMerchantIdPolicyGet
    | None
):
    """A merchant's policy in force now

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ReadPolicyV1MerchantsMerchantIdPolicyGetResponseReadPolicyV1MerchantsMerchantIdPolicyGet
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | ReadPolicyV1MerchantsMerchantIdPolicyGetResponseReadPolicyV1MerchantsMerchantIdPolicyGet
]:
    """A merchant's policy in force now

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ReadPolicyV1MerchantsMerchantIdPolicyGetResponseReadPolicyV1MerchantsMerchantIdPolicyGet]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | ReadPolicyV1MerchantsMerchantIdPolicyGetResponseReadPolicyV1MerchantsMerchantIdPolicyGet
    | None
):
    """A merchant's policy in force now

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ReadPolicyV1MerchantsMerchantIdPolicyGetResponseReadPolicyV1MerchantsMerchantIdPolicyGet
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.policy_request import PolicyRequest
from ...models.set_policy_v1_merchants_merchant_id_policy_put_response_set_policy_v1_merchants_merchant_id_policy_put import (
    SetPolicyV1MerchantsMerchantIdPolicyPutResponseSetPolicyV1MerchantsMerchantIdPolicyPut,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    merchant_id: str,
    *,
    body: PolicyRequest,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/merchants/{merchant_id}/policy".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    HTTPValidationError | SetPolicyV1MerchantsMerchantIdPolicyPutResponseSetPolicyV1MerchantsMerchantIdPolicyPut | None
):
    if response.status_code == 200:
        response_200 = SetPolicyV1MerchantsMerchantIdPolicyPutResponseSetPolicyV1MerchantsMerchantIdPolicyPut.from_dict(
            response.json()
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
    HTTPValidationError | SetPolicyV1MerchantsMerchantIdPolicyPutResponseSetPolicyV1MerchantsMerchantIdPolicyPut
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
    body: PolicyRequest,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | SetPolicyV1MerchantsMerchantIdPolicyPutResponseSetPolicyV1MerchantsMerchantIdPolicyPut
]:
    """Set a merchant's settlement policy (ops); applies to later sign-offs

     A new version, in force from now: sign-offs already booked keep their release dates.

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (PolicyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | SetPolicyV1MerchantsMerchantIdPolicyPutResponseSetPolicyV1MerchantsMerchantIdPolicyPut]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        body=body,
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
    body: PolicyRequest,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError | SetPolicyV1MerchantsMerchantIdPolicyPutResponseSetPolicyV1MerchantsMerchantIdPolicyPut | None
):
    """Set a merchant's settlement policy (ops); applies to later sign-offs

     A new version, in force from now: sign-offs already booked keep their release dates.

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (PolicyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | SetPolicyV1MerchantsMerchantIdPolicyPutResponseSetPolicyV1MerchantsMerchantIdPolicyPut
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PolicyRequest,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | SetPolicyV1MerchantsMerchantIdPolicyPutResponseSetPolicyV1MerchantsMerchantIdPolicyPut
]:
    """Set a merchant's settlement policy (ops); applies to later sign-offs

     A new version, in force from now: sign-offs already booked keep their release dates.

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (PolicyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | SetPolicyV1MerchantsMerchantIdPolicyPutResponseSetPolicyV1MerchantsMerchantIdPolicyPut]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PolicyRequest,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError | SetPolicyV1MerchantsMerchantIdPolicyPutResponseSetPolicyV1MerchantsMerchantIdPolicyPut | None
):
    """Set a merchant's settlement policy (ops); applies to later sign-offs

     A new version, in force from now: sign-offs already booked keep their release dates.

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (PolicyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | SetPolicyV1MerchantsMerchantIdPolicyPutResponseSetPolicyV1MerchantsMerchantIdPolicyPut
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

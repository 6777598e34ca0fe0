from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.put_carrier_v1_carriers_code_put_definition import (
    PutCarrierV1CarriersCodePutDefinition,
)
from ...models.put_carrier_v1_carriers_code_put_response_put_carrier_v1_carriers_code_put import (
    PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    code: str,
    *,
    body: PutCarrierV1CarriersCodePutDefinition,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/carriers/{code}".format(
            code=quote(str(code), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut | None:
    if response.status_code == 200:
        response_200 = PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut.from_dict(response.json())

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
) -> Response[HTTPValidationError | PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut]:
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
    body: PutCarrierV1CarriersCodePutDefinition,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut]:
    """Add or change a carrier (ops)

     The body is a carrier definition as GET returns it. A new carrier gets a webhook secret,
    shown once in the answer (rotate it to see a new one).

    Args:
        code (str):
        authorization (None | str | Unset): Bearer <API key>
        body (PutCarrierV1CarriersCodePutDefinition):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut]
    """

    kwargs = _get_kwargs(
        code=code,
        body=body,
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
    body: PutCarrierV1CarriersCodePutDefinition,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut | None:
    """Add or change a carrier (ops)

     The body is a carrier definition as GET returns it. A new carrier gets a webhook secret,
    shown once in the answer (rotate it to see a new one).

    Args:
        code (str):
        authorization (None | str | Unset): Bearer <API key>
        body (PutCarrierV1CarriersCodePutDefinition):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut
    """

    return sync_detailed(
        code=code,
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    code: str,
    *,
    client: AuthenticatedClient | Client,
    body: PutCarrierV1CarriersCodePutDefinition,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut]:
    """Add or change a carrier (ops)

     The body is a carrier definition as GET returns it. A new carrier gets a webhook secret,
    shown once in the answer (rotate it to see a new one).

    Args:
        code (str):
        authorization (None | str | Unset): Bearer <API key>
        body (PutCarrierV1CarriersCodePutDefinition):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut]
    """

    kwargs = _get_kwargs(
        code=code,
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    code: str,
    *,
    client: AuthenticatedClient | Client,
    body: PutCarrierV1CarriersCodePutDefinition,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut | None:
    """Add or change a carrier (ops)

     The body is a carrier definition as GET returns it. A new carrier gets a webhook secret,
    shown once in the answer (rotate it to see a new one).

    Args:
        code (str):
        authorization (None | str | Unset): Bearer <API key>
        body (PutCarrierV1CarriersCodePutDefinition):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | PutCarrierV1CarriersCodePutResponsePutCarrierV1CarriersCodePut
    """

    return (
        await asyncio_detailed(
            code=code,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.probe_receipts_v1_ops_bus_probes_probe_id_get_response_probe_receipts_v1_ops_bus_probes_probe_id_get import (
    ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    probe_id: str,
    *,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/ops/bus-probes/{probe_id}".format(
            probe_id=quote(str(probe_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet | None:
    if response.status_code == 200:
        response_200 = ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet.from_dict(
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
) -> Response[HTTPValidationError | ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    probe_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet]:
    """Arrivals of a probe at this service

    Args:
        probe_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet]
    """

    kwargs = _get_kwargs(
        probe_id=probe_id,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    probe_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet | None:
    """Arrivals of a probe at this service

    Args:
        probe_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet
    """

    return sync_detailed(
        probe_id=probe_id,
        client=client,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    probe_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet]:
    """Arrivals of a probe at this service

    Args:
        probe_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet]
    """

    kwargs = _get_kwargs(
        probe_id=probe_id,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    probe_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> HTTPValidationError | ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet | None:
    """Arrivals of a probe at this service

    Args:
        probe_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ProbeReceiptsV1OpsBusProbesProbeIdGetResponseProbeReceiptsV1OpsBusProbesProbeIdGet
    """

    return (
        await asyncio_detailed(
            probe_id=probe_id,
            client=client,
            authorization=authorization,
        )
    ).parsed

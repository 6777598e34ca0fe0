from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.discrepancies_list_status_type_0 import DiscrepanciesListStatusType0
from ...models.page_discrepancy_public import PageDiscrepancyPublic
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: DiscrepanciesListStatusType0 | None | Unset = UNSET,
    import_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, DiscrepanciesListStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_import_id: None | str | Unset
    if isinstance(import_id, Unset):
        json_import_id = UNSET
    else:
        json_import_id = import_id
    params["import_id"] = json_import_id

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/discrepancies",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageDiscrepancyPublic | Problem | None:
    if response.status_code == 200:
        response_200 = PageDiscrepancyPublic.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[PageDiscrepancyPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: DiscrepanciesListStatusType0 | None | Unset = UNSET,
    import_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[PageDiscrepancyPublic | Problem]:
    """Discrepancies, newest first, with a cursor

     A merchant key sees only its own; a cursor of another listing: 422.

    Args:
        status (DiscrepanciesListStatusType0 | None | Unset):
        import_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageDiscrepancyPublic | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        import_id=import_id,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    status: DiscrepanciesListStatusType0 | None | Unset = UNSET,
    import_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> PageDiscrepancyPublic | Problem | None:
    """Discrepancies, newest first, with a cursor

     A merchant key sees only its own; a cursor of another listing: 422.

    Args:
        status (DiscrepanciesListStatusType0 | None | Unset):
        import_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageDiscrepancyPublic | Problem
    """

    return sync_detailed(
        client=client,
        status=status,
        import_id=import_id,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: DiscrepanciesListStatusType0 | None | Unset = UNSET,
    import_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[PageDiscrepancyPublic | Problem]:
    """Discrepancies, newest first, with a cursor

     A merchant key sees only its own; a cursor of another listing: 422.

    Args:
        status (DiscrepanciesListStatusType0 | None | Unset):
        import_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageDiscrepancyPublic | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        import_id=import_id,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: DiscrepanciesListStatusType0 | None | Unset = UNSET,
    import_id: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> PageDiscrepancyPublic | Problem | None:
    """Discrepancies, newest first, with a cursor

     A merchant key sees only its own; a cursor of another listing: 422.

    Args:
        status (DiscrepanciesListStatusType0 | None | Unset):
        import_id (None | str | Unset):
        cursor (None | str | Unset): next_cursor of the previous page; only valid for the same
            route and filters
        limit (int | Unset): items per page Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageDiscrepancyPublic | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            import_id=import_id,
            cursor=cursor,
            limit=limit,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_import_v1_statement_imports_import_id_get_response_get_import_v1_statement_imports_import_id_get import (
    GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet,
)
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    import_id: str,
    *,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/statement-imports/{import_id}".format(
            import_id=quote(str(import_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet.from_dict(
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
    GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet | HTTPValidationError
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    import_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[
    GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet | HTTPValidationError
]:
    """An import and its matching report

    Args:
        import_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        import_id=import_id,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    import_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet | HTTPValidationError | None:
    """An import and its matching report

    Args:
        import_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet | HTTPValidationError
    """

    return sync_detailed(
        import_id=import_id,
        client=client,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    import_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> Response[
    GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet | HTTPValidationError
]:
    """An import and its matching report

    Args:
        import_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        import_id=import_id,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    import_id: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: None | str | Unset = UNSET,
) -> GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet | HTTPValidationError | None:
    """An import and its matching report

    Args:
        import_id (str):
        authorization (None | str | Unset): Bearer <API key>

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetImportV1StatementImportsImportIdGetResponseGetImportV1StatementImportsImportIdGet | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            import_id=import_id,
            client=client,
            authorization=authorization,
        )
    ).parsed

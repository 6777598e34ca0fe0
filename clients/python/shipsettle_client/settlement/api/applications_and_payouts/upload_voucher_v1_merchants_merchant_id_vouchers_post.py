from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.body_upload_voucher_v1_merchants_merchant_id_vouchers_post import (
    BodyUploadVoucherV1MerchantsMerchantIdVouchersPost,
)
from ...models.http_validation_error import HTTPValidationError
from ...models.upload_voucher_v1_merchants_merchant_id_vouchers_post_response_upload_voucher_v1_merchants_merchant_id_vouchers_post import (
    UploadVoucherV1MerchantsMerchantIdVouchersPostResponseUploadVoucherV1MerchantsMerchantIdVouchersPost,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    merchant_id: str,
    *,
    body: BodyUploadVoucherV1MerchantsMerchantIdVouchersPost,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/merchants/{merchant_id}/vouchers".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    HTTPValidationError
    | UploadVoucherV1MerchantsMerchantIdVouchersPostResponseUploadVoucherV1MerchantsMerchantIdVouchersPost
    | None
):
    if response.status_code == 201:
        response_201 = UploadVoucherV1MerchantsMerchantIdVouchersPostResponseUploadVoucherV1MerchantsMerchantIdVouchersPost.from_dict(
            response.json()
        )

        return response_201

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
    HTTPValidationError
    | UploadVoucherV1MerchantsMerchantIdVouchersPostResponseUploadVoucherV1MerchantsMerchantIdVouchersPost
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
    body: BodyUploadVoucherV1MerchantsMerchantIdVouchersPost,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError
    | UploadVoucherV1MerchantsMerchantIdVouchersPostResponseUploadVoucherV1MerchantsMerchantIdVouchersPost
]:
    """Upload a voucher (PDF, PNG or JPEG, at most 5 MiB)

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (BodyUploadVoucherV1MerchantsMerchantIdVouchersPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | UploadVoucherV1MerchantsMerchantIdVouchersPostResponseUploadVoucherV1MerchantsMerchantIdVouchersPost]
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
    body: BodyUploadVoucherV1MerchantsMerchantIdVouchersPost,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | UploadVoucherV1MerchantsMerchantIdVouchersPostResponseUploadVoucherV1MerchantsMerchantIdVouchersPost
    | None
):
    """Upload a voucher (PDF, PNG or JPEG, at most 5 MiB)

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (BodyUploadVoucherV1MerchantsMerchantIdVouchersPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | UploadVoucherV1MerchantsMerchantIdVouchersPostResponseUploadVoucherV1MerchantsMerchantIdVouchersPost
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
    body: BodyUploadVoucherV1MerchantsMerchantIdVouchersPost,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError
    | UploadVoucherV1MerchantsMerchantIdVouchersPostResponseUploadVoucherV1MerchantsMerchantIdVouchersPost
]:
    """Upload a voucher (PDF, PNG or JPEG, at most 5 MiB)

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (BodyUploadVoucherV1MerchantsMerchantIdVouchersPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | UploadVoucherV1MerchantsMerchantIdVouchersPostResponseUploadVoucherV1MerchantsMerchantIdVouchersPost]
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
    body: BodyUploadVoucherV1MerchantsMerchantIdVouchersPost,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | UploadVoucherV1MerchantsMerchantIdVouchersPostResponseUploadVoucherV1MerchantsMerchantIdVouchersPost
    | None
):
    """Upload a voucher (PDF, PNG or JPEG, at most 5 MiB)

    Args:
        merchant_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (BodyUploadVoucherV1MerchantsMerchantIdVouchersPost):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | UploadVoucherV1MerchantsMerchantIdVouchersPostResponseUploadVoucherV1MerchantsMerchantIdVouchersPost
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.resolution_body import ResolutionBody
from ...models.resolution_v1_refunds_refund_id_resolution_post_response_resolution_v1_refunds_refund_id_resolution_post import (
    ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    refund_id: str,
    *,
    body: ResolutionBody,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/refunds/{refund_id}/resolution".format(
            refund_id=quote(str(refund_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    HTTPValidationError
    | ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost
    | None
):
    if response.status_code == 200:
        response_200 = (
            ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost.from_dict(
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
    HTTPValidationError | ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ResolutionBody,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost
]:
    """Ops settle a failed refund another way

     For a refund_failed refund (a retry is refused after a provider refusal, and a declined
    balance credit cannot be retried either): ``other_channel`` pays again to the channel and
    account the buyer gave (a balance credit for ``balance``); ``refunded_offline`` records that
    ops paid the buyer outside ShipSettle, with the transfer's reference, and completes the refund
    (settlement reverses the merchant's frozen money); ``closed`` ends it without money moving
    (the frozen money is released). Recorded with the ops key and the reason. 409 unless the
    refund is refund_failed.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (ResolutionBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost]
    """

    kwargs = _get_kwargs(
        refund_id=refund_id,
        body=body,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ResolutionBody,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost
    | None
):
    """Ops settle a failed refund another way

     For a refund_failed refund (a retry is refused after a provider refusal, and a declined
    balance credit cannot be retried either): ``other_channel`` pays again to the channel and
    account the buyer gave (a balance credit for ``balance``); ``refunded_offline`` records that
    ops paid the buyer outside ShipSettle, with the transfer's reference, and completes the refund
    (settlement reverses the merchant's frozen money); ``closed`` ends it without money moving
    (the frozen money is released). Recorded with the ops key and the reason. 409 unless the
    refund is refund_failed.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (ResolutionBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost
    """

    return sync_detailed(
        refund_id=refund_id,
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ResolutionBody,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError | ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost
]:
    """Ops settle a failed refund another way

     For a refund_failed refund (a retry is refused after a provider refusal, and a declined
    balance credit cannot be retried either): ``other_channel`` pays again to the channel and
    account the buyer gave (a balance credit for ``balance``); ``refunded_offline`` records that
    ops paid the buyer outside ShipSettle, with the transfer's reference, and completes the refund
    (settlement reverses the merchant's frozen money); ``closed`` ends it without money moving
    (the frozen money is released). Recorded with the ops key and the reason. 409 unless the
    refund is refund_failed.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (ResolutionBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost]
    """

    kwargs = _get_kwargs(
        refund_id=refund_id,
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ResolutionBody,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost
    | None
):
    """Ops settle a failed refund another way

     For a refund_failed refund (a retry is refused after a provider refusal, and a declined
    balance credit cannot be retried either): ``other_channel`` pays again to the channel and
    account the buyer gave (a balance credit for ``balance``); ``refunded_offline`` records that
    ops paid the buyer outside ShipSettle, with the transfer's reference, and completes the refund
    (settlement reverses the merchant's frozen money); ``closed`` ends it without money moving
    (the frozen money is released). Recorded with the ops key and the reason. 409 unless the
    refund is refund_failed.

    Args:
        refund_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (ResolutionBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | ResolutionV1RefundsRefundIdResolutionPostResponseResolutionV1RefundsRefundIdResolutionPost
    """

    return (
        await asyncio_detailed(
            refund_id=refund_id,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.set_platform_webhook_endpoint_v1_platform_webhook_endpoint_put_response_set_platform_webhook_endpoint_v1_platform_webhook_endpoint_put import (
    SetPlatformWebhookEndpointV1PlatformWebhookEndpointPutResponseSetPlatformWebhookEndpointV1PlatformWebhookEndpointPut,
)
from ...models.webhook_endpoint import WebhookEndpoint
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: WebhookEndpoint,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/platform/webhook-endpoint",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    HTTPValidationError
    | SetPlatformWebhookEndpointV1PlatformWebhookEndpointPutResponseSetPlatformWebhookEndpointV1PlatformWebhookEndpointPut
    | None
):
    if response.status_code == 200:
        response_200 = SetPlatformWebhookEndpointV1PlatformWebhookEndpointPutResponseSetPlatformWebhookEndpointV1PlatformWebhookEndpointPut.from_dict(
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
    HTTPValidationError
    | SetPlatformWebhookEndpointV1PlatformWebhookEndpointPutResponseSetPlatformWebhookEndpointV1PlatformWebhookEndpointPut
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookEndpoint,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError
    | SetPlatformWebhookEndpointV1PlatformWebhookEndpointPutResponseSetPlatformWebhookEndpointV1PlatformWebhookEndpointPut
]:
    """Where to send the platform's notifications

     The platform (the marketplace's backend) is notified of balance credits to apply:
    ``refund.balance_credit_requested`` with data {refund_id, order_id, merchant_id, credit_id,
    buyer_ref, amount_minor, currency} — "credit buyer X's balance (余额) with N fen for refund R".
    It answers each with POST /v1/refunds/{refund_id}/balance-credit on refund-svc, which completes
    the refund; an unanswered credit is notified again once its answer is overdue (with
    ``reminder`` counting), and ``refund.balance_credit_cancelled`` says ops cancelled one (it must
    not be applied, or be reversed). Signed per Standard Webhooks with the secret returned here,
    once; setting the endpoint again issues a new secret. Nothing is lost without an endpoint:
    notifications meanwhile are kept (``awaiting_endpoint_since`` in GET /v1/platform/notifications)
    and sent to the endpoint set here, oldest first. Refused like a merchant's endpoint (422
    ``webhook-endpoint-refused``) when not https in production or not a public address.

    Args:
        authorization (None | str | Unset): Bearer <API key>
        body (WebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | SetPlatformWebhookEndpointV1PlatformWebhookEndpointPutResponseSetPlatformWebhookEndpointV1PlatformWebhookEndpointPut]
    """

    kwargs = _get_kwargs(
        body=body,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookEndpoint,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | SetPlatformWebhookEndpointV1PlatformWebhookEndpointPutResponseSetPlatformWebhookEndpointV1PlatformWebhookEndpointPut
    | None
):
    """Where to send the platform's notifications

     The platform (the marketplace's backend) is notified of balance credits to apply:
    ``refund.balance_credit_requested`` with data {refund_id, order_id, merchant_id, credit_id,
    buyer_ref, amount_minor, currency} — "credit buyer X's balance (余额) with N fen for refund R".
    It answers each with POST /v1/refunds/{refund_id}/balance-credit on refund-svc, which completes
    the refund; an unanswered credit is notified again once its answer is overdue (with
    ``reminder`` counting), and ``refund.balance_credit_cancelled`` says ops cancelled one (it must
    not be applied, or be reversed). Signed per Standard Webhooks with the secret returned here,
    once; setting the endpoint again issues a new secret. Nothing is lost without an endpoint:
    notifications meanwhile are kept (``awaiting_endpoint_since`` in GET /v1/platform/notifications)
    and sent to the endpoint set here, oldest first. Refused like a merchant's endpoint (422
    ``webhook-endpoint-refused``) when not https in production or not a public address.

    Args:
        authorization (None | str | Unset): Bearer <API key>
        body (WebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | SetPlatformWebhookEndpointV1PlatformWebhookEndpointPutResponseSetPlatformWebhookEndpointV1PlatformWebhookEndpointPut
    """

    return sync_detailed(
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookEndpoint,
    authorization: None | str | Unset = UNSET,
) -> Response[
    HTTPValidationError
    | SetPlatformWebhookEndpointV1PlatformWebhookEndpointPutResponseSetPlatformWebhookEndpointV1PlatformWebhookEndpointPut
]:
    """Where to send the platform's notifications

     The platform (the marketplace's backend) is notified of balance credits to apply:
    ``refund.balance_credit_requested`` with data {refund_id, order_id, merchant_id, credit_id,
    buyer_ref, amount_minor, currency} — "credit buyer X's balance (余额) with N fen for refund R".
    It answers each with POST /v1/refunds/{refund_id}/balance-credit on refund-svc, which completes
    the refund; an unanswered credit is notified again once its answer is overdue (with
    ``reminder`` counting), and ``refund.balance_credit_cancelled`` says ops cancelled one (it must
    not be applied, or be reversed). Signed per Standard Webhooks with the secret returned here,
    once; setting the endpoint again issues a new secret. Nothing is lost without an endpoint:
    notifications meanwhile are kept (``awaiting_endpoint_since`` in GET /v1/platform/notifications)
    and sent to the endpoint set here, oldest first. Refused like a merchant's endpoint (422
    ``webhook-endpoint-refused``) when not https in production or not a public address.

    Args:
        authorization (None | str | Unset): Bearer <API key>
        body (WebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | SetPlatformWebhookEndpointV1PlatformWebhookEndpointPutResponseSetPlatformWebhookEndpointV1PlatformWebhookEndpointPut]
    """

    kwargs = _get_kwargs(
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookEndpoint,
    authorization: None | str | Unset = UNSET,
) -> (
    HTTPValidationError
    | SetPlatformWebhookEndpointV1PlatformWebhookEndpointPutResponseSetPlatformWebhookEndpointV1PlatformWebhookEndpointPut
    | None
):
    """Where to send the platform's notifications

     The platform (the marketplace's backend) is notified of balance credits to apply:
    ``refund.balance_credit_requested`` with data {refund_id, order_id, merchant_id, credit_id,
    buyer_ref, amount_minor, currency} — "credit buyer X's balance (余额) with N fen for refund R".
    It answers each with POST /v1/refunds/{refund_id}/balance-credit on refund-svc, which completes
    the refund; an unanswered credit is notified again once its answer is overdue (with
    ``reminder`` counting), and ``refund.balance_credit_cancelled`` says ops cancelled one (it must
    not be applied, or be reversed). Signed per Standard Webhooks with the secret returned here,
    once; setting the endpoint again issues a new secret. Nothing is lost without an endpoint:
    notifications meanwhile are kept (``awaiting_endpoint_since`` in GET /v1/platform/notifications)
    and sent to the endpoint set here, oldest first. Refused like a merchant's endpoint (422
    ``webhook-endpoint-refused``) when not https in production or not a public address.

    Args:
        authorization (None | str | Unset): Bearer <API key>
        body (WebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | SetPlatformWebhookEndpointV1PlatformWebhookEndpointPutResponseSetPlatformWebhookEndpointV1PlatformWebhookEndpointPut
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed

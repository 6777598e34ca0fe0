from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.platform_webhook_endpoint import PlatformWebhookEndpoint
from ...models.problem import Problem
from ...models.webhook_endpoint import WebhookEndpoint
from ...types import Response


def _get_kwargs(
    *,
    body: WebhookEndpoint,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

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
) -> PlatformWebhookEndpoint | Problem | None:
    if response.status_code == 200:
        response_200 = PlatformWebhookEndpoint.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

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
) -> Response[PlatformWebhookEndpoint | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpoint,
) -> Response[PlatformWebhookEndpoint | Problem]:
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
        body (WebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlatformWebhookEndpoint | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpoint,
) -> PlatformWebhookEndpoint | Problem | None:
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
        body (WebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlatformWebhookEndpoint | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpoint,
) -> Response[PlatformWebhookEndpoint | Problem]:
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
        body (WebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlatformWebhookEndpoint | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpoint,
) -> PlatformWebhookEndpoint | Problem | None:
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
        body (WebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlatformWebhookEndpoint | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

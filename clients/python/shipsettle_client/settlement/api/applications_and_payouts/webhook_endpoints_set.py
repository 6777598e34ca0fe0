from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.merchant_webhook_endpoint import MerchantWebhookEndpoint
from ...models.problem import Problem
from ...models.webhook_endpoint import WebhookEndpoint
from ...types import Response


def _get_kwargs(
    merchant_id: str,
    *,
    body: WebhookEndpoint,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/merchants/{merchant_id}/webhook-endpoint".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MerchantWebhookEndpoint | Problem | None:
    if response.status_code == 200:
        response_200 = MerchantWebhookEndpoint.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[MerchantWebhookEndpoint | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    body: WebhookEndpoint,
) -> Response[MerchantWebhookEndpoint | Problem]:
    """Where to send this merchant's notifications

     Notifications (settlement.available, payout.paid/failed/returned) are signed per the
    Standard Webhooks specification with the secret returned here, once; setting the endpoint
    again issues a new secret. What happened before the first endpoint was set is not sent (the
    balances, payouts and statements show it). Refused (422 ``webhook-endpoint-refused``): a URL
    that is not https in production, or whose host resolves to a private, loopback, link-local or
    other non-public address.

    Args:
        merchant_id (str):
        body (WebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MerchantWebhookEndpoint | Problem]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    body: WebhookEndpoint,
) -> MerchantWebhookEndpoint | Problem | None:
    """Where to send this merchant's notifications

     Notifications (settlement.available, payout.paid/failed/returned) are signed per the
    Standard Webhooks specification with the secret returned here, once; setting the endpoint
    again issues a new secret. What happened before the first endpoint was set is not sent (the
    balances, payouts and statements show it). Refused (422 ``webhook-endpoint-refused``): a URL
    that is not https in production, or whose host resolves to a private, loopback, link-local or
    other non-public address.

    Args:
        merchant_id (str):
        body (WebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MerchantWebhookEndpoint | Problem
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    body: WebhookEndpoint,
) -> Response[MerchantWebhookEndpoint | Problem]:
    """Where to send this merchant's notifications

     Notifications (settlement.available, payout.paid/failed/returned) are signed per the
    Standard Webhooks specification with the secret returned here, once; setting the endpoint
    again issues a new secret. What happened before the first endpoint was set is not sent (the
    balances, payouts and statements show it). Refused (422 ``webhook-endpoint-refused``): a URL
    that is not https in production, or whose host resolves to a private, loopback, link-local or
    other non-public address.

    Args:
        merchant_id (str):
        body (WebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MerchantWebhookEndpoint | Problem]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    body: WebhookEndpoint,
) -> MerchantWebhookEndpoint | Problem | None:
    """Where to send this merchant's notifications

     Notifications (settlement.available, payout.paid/failed/returned) are signed per the
    Standard Webhooks specification with the secret returned here, once; setting the endpoint
    again issues a new secret. What happened before the first endpoint was set is not sent (the
    balances, payouts and statements show it). Refused (422 ``webhook-endpoint-refused``): a URL
    that is not https in production, or whose host resolves to a private, loopback, link-local or
    other non-public address.

    Args:
        merchant_id (str):
        body (WebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MerchantWebhookEndpoint | Problem
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
            body=body,
        )
    ).parsed

"""Client of a money provider's HTTP API: the bank's payout interface (settlement-svc) and the
payment provider's refund interface (refund-svc). The sandbox plays both in development and tests.

Idempotent on our request id: sending the same request again returns its current status and
never moves money twice, which is what makes "send until acknowledged" safe after any crash.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import BaseModel

from shipsettle_shared import standard_webhooks
from shipsettle_shared.http_client import CALL_FAILED
from shipsettle_shared.problems import Problem, unstorable_text_problem, validation_problem
from shipsettle_shared.storable_text import unstorable_fields


class CallbackReceived(BaseModel):
    """The answer to a provider's verified outcome callback (payouts, refunds)."""

    received: bool


class ProviderUnavailable(Exception):
    """No answer, or a 5xx: the send is retried later (the provider deduplicates)."""


class ProviderRefused(Exception):
    """A 4xx other than 404 and 409: the request itself is wrong; retrying will not help."""


class ProviderConflict(Exception):
    """409: the provider already holds this request id with another body. It may have moved the
    money for the first one, so never treat the request as failed on this answer: ask its status."""


@dataclass(frozen=True)
class ProviderStatus:
    request_id: str
    status: str  # accepted | paid | failed | returned
    provider_reference: str | None
    reason: str | None


def status_from_body(body: dict[str, Any]) -> ProviderStatus:
    """The status in a provider answer or callback body (``reason`` may be text or an object)."""
    reason = body.get("reason")
    if isinstance(reason, dict):
        reason = reason.get("message") or reason.get("code")
    return ProviderStatus(
        request_id=str(body["request_id"]),
        status=str(body["status"]),
        provider_reference=body.get("provider_reference"),
        reason=reason,
    )


class ProviderClient:
    """``resource`` is the provider's collection: ``payouts`` or ``refunds``. ``http`` is the
    process's pooled client (``ServiceRuntime.http``): connections are kept alive between calls."""

    def __init__(
        self, http: httpx.AsyncClient, base_url: str, api_key: str, resource: str, timeout_ms: int = 10_000
    ) -> None:
        self._http = http
        self._collection = f"{base_url.rstrip('/')}/v1/{resource}"
        self._headers = {"Authorization": f"Bearer {api_key}"}
        self._timeout = httpx.Timeout(timeout_ms / 1000)

    async def send(self, body: dict[str, Any]) -> ProviderStatus:
        try:
            response = await self._http.post(self._collection, json=body, headers=self._headers, timeout=self._timeout)
        except CALL_FAILED as error:
            raise ProviderUnavailable(repr(error)) from error
        return self._status(response)

    async def status(self, request_id: str) -> ProviderStatus | None:
        try:
            response = await self._http.get(
                f"{self._collection}/{request_id}", headers=self._headers, timeout=self._timeout
            )
        except CALL_FAILED as error:
            raise ProviderUnavailable(repr(error)) from error
        if response.status_code == 404:
            return None
        return self._status(response)

    @staticmethod
    def _status(response: httpx.Response) -> ProviderStatus:
        if response.status_code >= 500:
            raise ProviderUnavailable(f"provider answered {response.status_code}")
        if response.status_code == 409:
            raise ProviderConflict(response.text[:500])
        if response.status_code >= 400:
            raise ProviderRefused(f"provider refused ({response.status_code}): {response.text[:500]}")
        return status_from_body(response.json())


def verified_callback(raw_body: bytes, headers: Mapping[str, str], secret: str, what: str) -> ProviderStatus:
    """The outcome in a provider's callback, signed per Standard Webhooks with ``secret``.

    Raises a 401 problem for a missing, malformed, wrong or stale signature (``standard_webhooks``)
    and a 422 for a signed body that is not an outcome or holds text the platform cannot store
    (``storable_text``); either way nothing has been read into ShipSettle yet."""
    try:
        body_text = standard_webhooks.verify(raw_body, headers, secret)
    except standard_webhooks.SignatureRejected as rejected:
        raise Problem(
            401, "Callback not authenticated", rejected.reason, type_slug="callback-unauthenticated"
        ) from None
    try:
        body = json.loads(body_text)
    except ValueError as error:
        raise validation_problem([("body", f"not a {what} callback: the body is not JSON")]) from error
    if not isinstance(body, dict):
        raise validation_problem([("body", f"not a {what} callback: the body is not a JSON object")])
    found = list(unstorable_fields(body, "body"))
    if found:
        raise unstorable_text_problem(found)
    try:
        return status_from_body(body)
    except (KeyError, TypeError) as error:
        raise validation_problem([("body", f"not a {what} callback: {error}")]) from error

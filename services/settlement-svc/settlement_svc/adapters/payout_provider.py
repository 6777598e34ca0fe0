"""The payout provider's HTTP API (a bank's payout interface; the sandbox plays it in tests).

Idempotent on our payout id: sending the same payout again returns its current status and never
pays twice, which is what makes "send until acknowledged" safe after any crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


class ProviderUnavailable(Exception):
    """No answer, or a 5xx: the send is retried later (the provider deduplicates)."""


class ProviderRefused(Exception):
    """A 4xx other than 404 and 409: the request itself is wrong; retrying will not help."""


class ProviderConflict(Exception):
    """409: the provider already holds this payout id with another body. It may have paid the
    first one, so the payout must never be treated as failed on this answer: ask its status."""


@dataclass(frozen=True)
class ProviderStatus:
    request_id: str
    status: str  # accepted | paid | failed | returned
    provider_reference: str | None
    reason: str | None


class PayoutProvider:
    def __init__(self, base_url: str, api_key: str, timeout_ms: int = 10_000) -> None:
        self._base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key}"}
        self._timeout = httpx.Timeout(timeout_ms / 1000)

    async def send(self, body: dict[str, Any]) -> ProviderStatus:
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            try:
                response = await client.post(f"{self._base_url}/v1/payouts", json=body, headers=self._headers)
            except httpx.HTTPError as error:
                raise ProviderUnavailable(repr(error)) from error
        return self._status(response)

    async def status(self, payout_id: str) -> ProviderStatus | None:
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            try:
                response = await client.get(f"{self._base_url}/v1/payouts/{payout_id}", headers=self._headers)
            except httpx.HTTPError as error:
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
        body = response.json()
        reason = body.get("reason")
        if isinstance(reason, dict):
            reason = reason.get("message") or reason.get("code")
        return ProviderStatus(
            request_id=body["request_id"],
            status=body["status"],
            provider_reference=body.get("provider_reference"),
            reason=reason,
        )

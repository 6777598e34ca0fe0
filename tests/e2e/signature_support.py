"""Every way a Standard Webhooks signature can fail, for the provider callbacks' 401 tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from standardwebhooks import Webhook

ANOTHER_SECRET = "whsec_" + "Zm9yZ2VkLXNlY3JldC1mb3JnZWQtc2VjcmV0LTEyMzQ="


def signed_headers(body: bytes, secret: str, *, at: datetime | None = None, msg_id: str = "msg_1") -> dict[str, str]:
    at = at or datetime.now(UTC)
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body.decode()),
    }


def bad_signature_requests(body: bytes, secret: str) -> dict[str, tuple[bytes, dict[str, str]]]:
    """Requests carrying ``body`` (or a variant) that no holder of ``secret`` signed: missing,
    malformed, wrong and stale signatures. Each must be a 401 problem that writes nothing."""
    now = datetime.now(UTC)
    good = signed_headers(body, secret, at=now)
    without_signature = {name: value for name, value in good.items() if name != "webhook-signature"}
    return {
        "no signature headers": (body, {"content-type": "application/json"}),
        "no webhook-signature": (body, without_signature),
        "signature without its comma": (body, {**good, "webhook-signature": "v1"}),
        "signature not base64": (body, {**good, "webhook-signature": "v1,@@@@"}),
        "signature of three commas": (body, {**good, "webhook-signature": "v1,a,b,c"}),
        "timestamp not a number": (body, {**good, "webhook-timestamp": "nan"}),
        "timestamp as a float": (body, {**good, "webhook-timestamp": f"{now.timestamp():.1f}"}),
        "body not UTF-8": (b"\xff" + body, good),
        "wrong signature": (body, {**good, "webhook-signature": "v1,Zm9yZ2Vk"}),
        "signed with another secret": (body, signed_headers(body, ANOTHER_SECRET, at=now)),
        "body altered after signing": (body.replace(b"}", b',"x":1}', 1), good),
        "stale (10 minutes old)": (body, signed_headers(body, secret, at=now - timedelta(minutes=10))),
        "from the future (10 minutes ahead)": (body, signed_headers(body, secret, at=now + timedelta(minutes=10))),
    }


def assert_unauthenticated(response: httpx.Response, case: str, type_slug: str = "callback-unauthenticated") -> None:
    assert response.status_code == 401, (case, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), case
    assert response.json()["type"].endswith(f"/{type_slug}"), case

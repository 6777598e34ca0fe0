"""ShipSettle's own tracking webhook, for carriers that post to us directly.

Signed with the Standard Webhooks scheme (https://www.standardwebhooks.com), verified by the
``standardwebhooks`` library: headers ``webhook-id``, ``webhook-timestamp`` (integer Unix seconds)
and ``webhook-signature`` (``v1,<base64 HMAC-SHA256>`` over ``"{id}.{timestamp}.{body}"``, several
space-separated during a key rotation), and a secret ``whsec_<base64>``. The library refuses a
timestamp more than 5 minutes from our clock, which bounds replays to that window; within it the
caller deduplicates on ``webhook-id`` (the ``delivery_id``).

The body::

    {"tracking_number": "SF1234567890", "carrier_code": "shunfeng",
     "scans": [{"status": "delivered", "occurred_at": "2026-11-27T10:00:00+08:00",
                "description": "已签收", "location": "上海市"}]}

``status`` is one of ``TrackingStatus``'s values and ``occurred_at`` must carry an offset.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from standardwebhooks import Webhook

from logistics_svc.domain.tracking import Scan, TrackingStatus, WebhookDelivery, WebhookRejected
from shipsettle_shared import standard_webhooks
from shipsettle_shared.standard_webhooks import ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER

SOURCE = "native"
SECRET_PREFIX = "whsec_"  # noqa: S105 - the scheme's public prefix, not a secret
# The Standard Webhooks spec asks for secrets of 24 to 64 random bytes.
MIN_SECRET_BYTES = 24
MAX_SCANS = 100

# Printable ASCII without spaces; long enough for any UUID or ``msg_<ksuid>`` style id.
_MESSAGE_ID_PATTERN = re.compile(r"[!-~]{1,255}")

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


class NativeScan(BaseModel):
    """One scan as a carrier sends it to us."""

    model_config = _STRICT

    status: TrackingStatus
    occurred_at: AwareDatetime
    description: Annotated[str, Field(max_length=1000)]
    location: Annotated[str, Field(max_length=200)]


class NativeWebhookBody(BaseModel):
    """The body of a native tracking webhook. Strict: no coercion, no unknown fields, because the
    sender is a carrier integrating against our documentation, and a silent default would hide
    their mistake."""

    model_config = _STRICT

    tracking_number: Annotated[str, Field(min_length=1, max_length=64)]
    carrier_code: Annotated[str, Field(min_length=1, max_length=64)]
    scans: Annotated[list[NativeScan], Field(min_length=1, max_length=MAX_SCANS)]


def sign(raw_body: bytes, secret: str, msg_id: str, timestamp: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers for ``raw_body`` (for tests, the carrier simulator and
    the integration docs).

    ``timestamp`` must be timezone-aware: standardwebhooks 1.1.0 ``Webhook.sign`` replaces the
    tzinfo with UTC instead of converting, so an aware non-UTC time passed straight to it would be
    signed as a different instant. We convert to UTC ourselves and sign the whole second that the
    header states.

    Raises ``ValueError`` for a naive timestamp, a malformed secret or id, or a body that is not
    UTF-8.
    """
    if timestamp.tzinfo is None or timestamp.utcoffset() is None:
        raise ValueError("timestamp must be timezone-aware")
    if not _MESSAGE_ID_PATTERN.fullmatch(msg_id):
        raise ValueError("msg_id must be 1-255 printable ASCII characters without spaces")
    seconds = math.floor(timestamp.timestamp())
    signature = Webhook(_key(secret)).sign(msg_id, datetime.fromtimestamp(seconds, tz=UTC), raw_body.decode("utf-8"))
    return {ID_HEADER: msg_id, TIMESTAMP_HEADER: str(seconds), SIGNATURE_HEADER: signature}


def verify_and_parse(raw_body: bytes, headers: Mapping[str, str], secret: str) -> WebhookDelivery:
    """Verify a native webhook and return what it says.

    ``headers`` may use any case (HTTP header names are case-insensitive). ``delivery_id`` is the
    ``webhook-id`` and ``sent_at`` the ``webhook-timestamp``; scans are returned oldest first.

    Raises ``WebhookRejected(401)`` when a signature header is missing or malformed, the body is
    not UTF-8, the timestamp is more than 5 minutes old or ahead of our clock, or no signature
    matches (the one strict check of ``shipsettle_shared.standard_webhooks``, which the provider
    callbacks use too); and ``WebhookRejected(400)`` when the verified body is not our schema.
    Reasons name the header and the check, never the secret or the expected signature. Raises
    ``ValueError`` for a malformed ``secret``: that is our configuration, not the caller's fault.
    """
    key = _key(secret)
    try:
        body_text = standard_webhooks.verify(raw_body, headers, key)
    except standard_webhooks.SignatureRejected as rejected:
        raise WebhookRejected(401, rejected.reason) from rejected
    lowered = {name.lower(): value.strip() for name, value in headers.items()}
    try:
        body = NativeWebhookBody.model_validate_json(body_text)
    except ValidationError as exc:
        raise WebhookRejected(400, _schema_reason(exc)) from exc
    scans = [
        Scan(
            tracking_number=body.tracking_number,
            status=scan.status,
            occurred_at=scan.occurred_at,
            description=scan.description,
            location=scan.location,
            raw_status=scan.status.value,
        )
        for scan in body.scans
    ]
    return WebhookDelivery(
        source=SOURCE,
        delivery_id=lowered[ID_HEADER],
        tracking_number=body.tracking_number,
        vendor_carrier_code=body.carrier_code,
        scans=tuple(sorted(scans, key=lambda scan: scan.occurred_at)),
        sent_at=datetime.fromtimestamp(int(lowered[TIMESTAMP_HEADER]), tz=UTC),
    )


def _key(secret: str) -> bytes:
    """The key behind the secret, checked ourselves: standardwebhooks 1.1.0 decodes it with
    non-validating base64, which silently drops stray characters, so a mistyped secret would
    become a different key instead of an error."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"the native webhook secret must start with {SECRET_PREFIX}")
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError("the native webhook secret is not base64 after its prefix") from exc
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(f"the native webhook secret must decode to at least {MIN_SECRET_BYTES} bytes")
    return key


def _schema_reason(error: ValidationError) -> str:
    """Where and what, without echoing input values back."""
    problems = [
        f"{'.'.join(str(part) for part in item['loc']) or 'body'}: {item['msg']}" for item in error.errors()[:5]
    ]
    more = error.error_count() - len(problems)
    return (
        "body does not match the native webhook schema: "
        + "; ".join(problems)
        + (f" (+{more} more)" if more > 0 else "")
    )

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
from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from standardwebhooks import Webhook, WebhookVerificationError

from logistics_svc.domain.tracking import Scan, TrackingStatus, WebhookDelivery, WebhookRejected

SOURCE = "native"
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 - the scheme's public prefix, not a secret
# What standardwebhooks 1.1.0 enforces (``Webhook.__verify_timestamp``); stated here for docs
# and error messages only, the library does the enforcing.
TIMESTAMP_TOLERANCE = timedelta(minutes=5)
# The Standard Webhooks spec asks for secrets of 24 to 64 random bytes.
MIN_SECRET_BYTES = 24
MAX_SCANS = 100

_TIMESTAMP_PATTERN = re.compile(r"[0-9]{1,12}")
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
    signature = _webhook(secret).sign(msg_id, datetime.fromtimestamp(seconds, tz=UTC), raw_body.decode("utf-8"))
    return {ID_HEADER: msg_id, TIMESTAMP_HEADER: str(seconds), SIGNATURE_HEADER: signature}


def verify_and_parse(raw_body: bytes, headers: Mapping[str, str], secret: str) -> WebhookDelivery:
    """Verify a native webhook and return what it says.

    ``headers`` may use any case (HTTP header names are case-insensitive). ``delivery_id`` is the
    ``webhook-id`` and ``sent_at`` the ``webhook-timestamp``; scans are returned oldest first.

    Raises ``WebhookRejected(401)`` when a signature header is missing or malformed, the body is
    not UTF-8, the timestamp is more than 5 minutes old or ahead of our clock, or no signature
    matches; and
    ``WebhookRejected(400)`` when the verified body is not our schema. Reasons name the header and
    the check, never the secret or the expected signature. Raises ``ValueError`` for a malformed
    ``secret``: that is our configuration, not the caller's fault.
    """
    webhook = _webhook(secret)
    lowered = {name.lower(): value for name, value in headers.items()}
    auth_headers: dict[str, str] = {}
    for name in (ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER):
        value = lowered.get(name, "").strip()
        if not value:
            raise WebhookRejected(401, f"missing {name} header")
        auth_headers[name] = value
    msg_id = auth_headers[ID_HEADER]
    if not _MESSAGE_ID_PATTERN.fullmatch(msg_id):
        raise WebhookRejected(401, f"malformed {ID_HEADER} header")
    # The library would accept "1.7e9" or "nan" via float() and sign floor() of it; the spec says
    # integer seconds, so anything else is refused before it gets there.
    if not _TIMESTAMP_PATTERN.fullmatch(auth_headers[TIMESTAMP_HEADER]):
        raise WebhookRejected(401, f"malformed {TIMESTAMP_HEADER} header: expected integer Unix seconds")
    try:
        body_text = raw_body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The signed text is UTF-8: such a body cannot be what was signed, so nobody has
        # authenticated it (401, and nothing of it is kept).
        raise WebhookRejected(401, "the body is not UTF-8, so it cannot be the signed text") from exc

    try:
        webhook.verify(body_text, auth_headers, json_parse=False)
    except WebhookVerificationError as exc:
        raise WebhookRejected(401, _verification_reason(str(exc))) from exc
    except ValueError as exc:  # "v1" without a comma, or signature text that is not base64
        raise WebhookRejected(401, f"malformed {SIGNATURE_HEADER} header") from exc

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
        delivery_id=msg_id,
        tracking_number=body.tracking_number,
        vendor_carrier_code=body.carrier_code,
        scans=tuple(sorted(scans, key=lambda scan: scan.occurred_at)),
        sent_at=datetime.fromtimestamp(int(auth_headers[TIMESTAMP_HEADER]), tz=UTC),
    )


def _webhook(secret: str) -> Webhook:
    """The library's verifier, after checking the secret ourselves: standardwebhooks 1.1.0 decodes
    it with non-validating base64, which silently drops stray characters, so a mistyped secret
    would become a different key instead of an error."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"the native webhook secret must start with {SECRET_PREFIX}")
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError("the native webhook secret is not base64 after its prefix") from exc
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(f"the native webhook secret must decode to at least {MIN_SECRET_BYTES} bytes")
    return Webhook(key)


def _verification_reason(library_message: str) -> str:
    """Our wording for the library's failure. Its messages are the only way it tells them apart
    (pinned at 1.1.0); an unknown one still yields a 401, with a generic reason."""
    minutes = int(TIMESTAMP_TOLERANCE.total_seconds() // 60)
    reasons = {
        "Message timestamp too old": f"{TIMESTAMP_HEADER} is more than {minutes} minutes old",
        "Message timestamp too new": f"{TIMESTAMP_HEADER} is more than {minutes} minutes in the future",
        "No matching signature found": f"{SIGNATURE_HEADER} does not match the body",
        "Missing required headers": "missing webhook signature headers",
        "Invalid Signature Headers": f"malformed {TIMESTAMP_HEADER} header",
    }
    return reasons.get(library_message, "webhook signature verification failed")


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

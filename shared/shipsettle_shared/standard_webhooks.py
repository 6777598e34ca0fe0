"""Standard Webhooks signatures (https://www.standardwebhooks.com) on the requests providers send
us, verified strictly: every way a signature can fail is one refusal, never an exception.

standardwebhooks 1.1.0 verifies the HMAC, but a malformed header reaches it as a ``ValueError``
(a ``webhook-signature`` entry without its comma), a ``binascii.Error`` (signature text that is
not base64) or a ``UnicodeDecodeError`` (a body that is not UTF-8): answered as a 500, a forged
request looked like our fault and told the sender nothing. Here each is a ``SignatureRejected``
with a reason that names the header and the check, never the secret or the expected signature.

Headers: ``webhook-id``, ``webhook-timestamp`` (integer Unix seconds; the library refuses one more
than 5 minutes from our wall clock, which bounds replays) and ``webhook-signature``
(``v1,<base64 HMAC-SHA256>`` over ``"{id}.{timestamp}.{body}"``, several space-separated during a
key rotation).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
TOLERANCE_MINUTES = 5  # what the library enforces (Webhook.__verify_timestamp)

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_MESSAGE_ID = re.compile(r"[!-~]{1,255}")
_SIGNATURE_ENTRY = re.compile(r"v[0-9]+,[A-Za-z0-9+/]+={0,2}")

_LIBRARY_REASONS = {
    "Message timestamp too old": f"{TIMESTAMP_HEADER} is more than {TOLERANCE_MINUTES} minutes old",
    "Message timestamp too new": f"{TIMESTAMP_HEADER} is more than {TOLERANCE_MINUTES} minutes in the future",
    "No matching signature found": f"{SIGNATURE_HEADER} does not match the body",
}


class SignatureRejected(Exception):
    """The request is not authenticated: answer 401 and write nothing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verify(raw_body: bytes, headers: Mapping[str, str], secret: str | bytes) -> str:
    """The body as text once its signature is verified; ``headers`` in any case. ``secret`` is
    ``whsec_<base64>`` or the key's bytes.

    Raises ``SignatureRejected`` for a missing or malformed header, a body that is not UTF-8 (the
    signed text is UTF-8, so such a body cannot be what was signed), a stale or future timestamp,
    or no matching signature."""
    lowered = {name.lower(): value.strip() for name, value in headers.items()}
    for name in (ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER):
        if not lowered.get(name):
            raise SignatureRejected(f"missing {name} header")
    if not _MESSAGE_ID.fullmatch(lowered[ID_HEADER]):
        raise SignatureRejected(f"malformed {ID_HEADER} header")
    # The library would take "1.7e9" or "nan" through float(); the scheme says integer seconds.
    if not _TIMESTAMP.fullmatch(lowered[TIMESTAMP_HEADER]):
        raise SignatureRejected(f"malformed {TIMESTAMP_HEADER} header: expected integer Unix seconds")
    entries = lowered[SIGNATURE_HEADER].split()
    if not entries or not all(_SIGNATURE_ENTRY.fullmatch(entry) for entry in entries):
        raise SignatureRejected(f"malformed {SIGNATURE_HEADER} header: expected v1,<base64> entries")
    try:
        for entry in entries:
            base64.b64decode(entry.partition(",")[2], validate=True)
        body_text = raw_body.decode("utf-8")
    except binascii.Error as error:
        raise SignatureRejected(f"malformed {SIGNATURE_HEADER} header: not base64") from error
    except UnicodeDecodeError as error:
        raise SignatureRejected("the body is not UTF-8, so it cannot be the signed text") from error
    signed = {name: lowered[name] for name in (ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER)}
    try:
        Webhook(secret).verify(body_text, signed, json_parse=False)
    except WebhookVerificationError as error:
        raise SignatureRejected(_LIBRARY_REASONS.get(str(error), "signature verification failed")) from error
    except ValueError as error:  # anything malformed the checks above did not foresee
        raise SignatureRejected(f"malformed {SIGNATURE_HEADER} header") from error
    return body_text

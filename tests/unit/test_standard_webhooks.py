"""Provider callbacks' signatures: every failure a 401 problem, never an exception (a 500)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from shipsettle_shared import standard_webhooks
from shipsettle_shared.problems import Problem
from shipsettle_shared.provider_client import verified_callback
from shipsettle_shared.standard_webhooks import SignatureRejected

SECRET = "whsec_" + "c2lnbmF0dXJlLXVuaXQtdGVzdC1zZWNyZXQtMDEyMzQ1"
OTHER_SECRET = "whsec_" + "YW5vdGhlci1zZWNyZXQtbm90LXRoZS1wcm92aWRlcnM="
BODY = json.dumps({"request_id": "PO-1", "status": "returned", "provider_reference": "X", "reason": None}).encode()


def signed(body: bytes = BODY, secret: str = SECRET, at: datetime | None = None) -> dict[str, str]:
    at = at or datetime.now(UTC)
    return {
        "Webhook-Id": "msg_1",
        "Webhook-Timestamp": str(int(at.timestamp())),
        "Webhook-Signature": Webhook(secret).sign("msg_1", at, body.decode()),
    }


def without(name: str) -> dict[str, str]:
    return {key: value for key, value in signed().items() if key.lower() != name}


def refused_cases() -> dict[str, tuple[bytes, dict[str, str], str]]:
    """Built when a test runs, not when the module is collected: the signatures are dated now,
    and a suite that runs this file minutes after collecting it found them stale."""
    now = datetime.now(UTC)
    return {
        "no headers": (BODY, {}, "missing webhook-id"),
        "no id": (BODY, without("webhook-id"), "missing webhook-id"),
        "no timestamp": (BODY, without("webhook-timestamp"), "missing webhook-timestamp"),
        "no signature": (BODY, without("webhook-signature"), "missing webhook-signature"),
        "id with a space": (BODY, {**signed(), "Webhook-Id": "msg 1"}, "malformed webhook-id"),
        "timestamp nan": (BODY, {**signed(), "Webhook-Timestamp": "nan"}, "malformed webhook-timestamp"),
        "timestamp float": (BODY, {**signed(), "Webhook-Timestamp": "1.7e9"}, "malformed webhook-timestamp"),
        "signature without a comma": (BODY, {**signed(), "Webhook-Signature": "v1"}, "malformed webhook-signature"),
        "signature not base64": (BODY, {**signed(), "Webhook-Signature": "v1,@@@@"}, "malformed webhook-signature"),
        "signature badly padded": (BODY, {**signed(), "Webhook-Signature": "v1,abc"}, "not base64"),
        "signature with three commas": (BODY, {**signed(), "Webhook-Signature": "v1,a,b,c"}, "malformed"),
        "body not UTF-8": (b"\xff" + BODY, signed(), "not UTF-8"),
        "wrong signature": (BODY, {**signed(), "Webhook-Signature": "v1,Zm9yZ2Vk"}, "does not match"),
        "another secret": (BODY, signed(secret=OTHER_SECRET), "does not match"),
        "altered body": (BODY.replace(b"PO-1", b"PO-2"), signed(), "does not match"),
        "stale": (BODY, signed(at=now - timedelta(minutes=10)), "more than 5 minutes old"),
        "future": (BODY, signed(at=now + timedelta(minutes=10)), "in the future"),
    }


@pytest.mark.parametrize("case", sorted(refused_cases()))
def test_every_signature_failure_is_refused_with_a_reason(case: str) -> None:
    body, headers, reason = refused_cases()[case]
    with pytest.raises(SignatureRejected) as refused:
        standard_webhooks.verify(body, headers, SECRET)
    assert reason in refused.value.reason
    assert SECRET not in refused.value.reason


@pytest.mark.parametrize("case", sorted(refused_cases()))
def test_every_signature_failure_of_a_callback_is_a_401_problem(case: str) -> None:
    body, headers, _ = refused_cases()[case]
    with pytest.raises(Problem) as refused:
        verified_callback(body, headers, SECRET, "payout")
    assert (refused.value.status, refused.value.type_slug) == (401, "callback-unauthenticated")


def test_a_signature_made_with_the_secret_during_a_rotation_is_accepted() -> None:
    headers = signed()
    rotated = {**headers, "Webhook-Signature": "v1,Zm9yZ2Vk " + headers["Webhook-Signature"]}
    assert standard_webhooks.verify(BODY, rotated, SECRET) == BODY.decode()
    assert verified_callback(BODY, rotated, SECRET, "payout").status == "returned"


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"returned"', b'{"status": "paid"}'])
def test_a_signed_body_that_is_not_an_outcome_is_a_422_problem(body: bytes) -> None:
    with pytest.raises(Problem) as refused:
        verified_callback(body, signed(body), SECRET, "payout")
    assert refused.value.status == 422

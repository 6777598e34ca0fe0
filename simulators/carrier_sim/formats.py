"""The three webhook shapes, built and signed as their vendors document them.

* **Kuaidi100 (快递100) subscription push** (``shared/formats/kuaidi100/README.md``): a POST of
  ``application/x-www-form-urlencoded`` UTF-8 with fields ``param`` (the push, a JSON string) and
  ``sign`` = ``UPPER(hex(MD5(param + salt)))``. ``lastResult.data`` is the waybill's whole
  history, newest first, ``ftime`` as ``yyyy-MM-dd HH:mm:ss`` Beijing time; ``lastResult.state``
  the newest event's state code; ``data[].status`` the state name (resultv2). ``status`` is
  ``shutdown`` once the waybill is finished (签收 / 退签), else ``polling``.
* **AfterShip tracking webhook** (``shared/formats/aftership/README.md``): JSON with header
  ``aftership-hmac-sha256`` = base64(HMAC-SHA256(secret as UTF-8, raw body)). ``event`` is
  ``tracking_update``, ``event_id`` a UUID v4, ``ts`` the Unix seconds when the event occurred,
  ``msg`` the tracking with every checkpoint so far (oldest first), each with an explicit
  ``+08:00`` offset and ``country_region`` CHN.
* **Native** (ShipSettle's own, the Standard Webhooks scheme): JSON ``{"tracking_number",
  "carrier_code", "scans": [...]}`` carrying the new scan, headers ``webhook-id``,
  ``webhook-timestamp``, ``webhook-signature`` from the ``standardwebhooks`` package. The
  timestamp is the moment of each attempt (receivers refuse one more than 5 minutes off), so
  these headers are made per attempt; the body and ``webhook-id`` stay the same.

Kuaidi100's and AfterShip's signatures cover only the body, so their requests are fixed once built
and every attempt, and every deliberate duplicate, sends the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from standardwebhooks import Webhook

from simulators.carrier_sim.domain import CITIES, Plan, ScanStatus, WebhookFormat

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")  # UTC+08:00 all year since 1991
KUAIDI100_FTIME = "%Y-%m-%d %H:%M:%S"
NATIVE_SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret
MIN_NATIVE_SECRET_BYTES = 24  # the Standard Webhooks spec asks for 24 to 64 random bytes
USER_AGENT = "shipsettle-carrier-sim/1"
AFTERSHIP_WEBHOOK_VERSION = "2026-07"

# Paths on logistics-svc (entrypoints/http_webhooks.py).
KUAIDI100_PATH = "/v1/webhooks/kuaidi100"
AFTERSHIP_PATH = "/v1/webhooks/aftership"
NATIVE_PATH = "/v1/webhooks/carriers/{carrier_code}"


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    kuaidi100_com: str  # Kuaidi100 company code (lastResult.com)
    aftership_slug: str  # AfterShip courier slug (msg.slug)


# The mainland carriers logistics-svc seeds, with the vendor codes its seed data cites. A carrier
# not listed is sent with its code lower-cased as both vendor codes.
CARRIERS: dict[str, Carrier] = {
    carrier.code: carrier
    for carrier in (
        Carrier("SF", "顺丰速运", "shunfeng", "sf-express"),
        Carrier("JD", "京东物流", "jd", "jd-express"),
        Carrier("ZTO", "中通快递", "zhongtong", "zto-domestic"),
        Carrier("YTO", "圆通速递", "yuantong", "yto"),
        Carrier("STO", "申通快递", "shentong", "sto"),
        Carrier("YUNDA", "韵达快递", "yunda", "yundaex"),
        Carrier("EMS", "中国邮政EMS", "ems", "china-ems"),
    )
}


def carrier_for(code: str) -> Carrier:
    known = CARRIERS.get(code.upper())
    return known if known is not None else Carrier(code, code, code.lower(), code.lower())


# status → (Kuaidi100 state code, state name), shared/formats/kuaidi100/README.md state table.
KUAIDI100_STATE: dict[ScanStatus, tuple[str, str]] = {
    ScanStatus.INFO_RECEIVED: ("1", "揽收"),
    ScanStatus.IN_TRANSIT: ("0", "在途"),
    ScanStatus.OUT_FOR_DELIVERY: ("5", "派件"),
    ScanStatus.FAILED_ATTEMPT: ("2", "疑难"),
    ScanStatus.DELIVERED: ("3", "签收"),
    ScanStatus.RETURNED_TO_SENDER: ("4", "退签"),
}

# status → (tag, subtag, subtag message), shared/formats/aftership/README.md tag and subtag tables.
AFTERSHIP_TAG: dict[ScanStatus, tuple[str, str, str]] = {
    ScanStatus.INFO_RECEIVED: ("InfoReceived", "InfoReceived_001", "Info Received"),
    ScanStatus.IN_TRANSIT: ("InTransit", "InTransit_001", "In Transit"),
    ScanStatus.OUT_FOR_DELIVERY: ("OutForDelivery", "OutForDelivery_001", "Out for Delivery"),
    ScanStatus.FAILED_ATTEMPT: ("AttemptFail", "AttemptFail_002", "Addressee not available"),
    ScanStatus.DELIVERED: ("Delivered", "Delivered_001", "Delivered"),
    ScanStatus.RETURNED_TO_SENDER: ("Exception", "Exception_011", "Returned to sender"),
}


@dataclass(frozen=True)
class ScanRecord:
    """One scan as it happened: ``occurred_at`` is the true event time (whole seconds, aware)."""

    status: ScanStatus
    occurred_at: datetime
    description: str
    province: str
    city: str

    def as_json(self) -> dict[str, str]:
        return {
            "status": self.status.value,
            "occurred_at": self.occurred_at.isoformat(),
            "description": self.description,
            "province": self.province,
            "city": self.city,
        }

    @classmethod
    def from_json(cls, document: dict[str, str]) -> ScanRecord:
        return cls(
            status=ScanStatus(document["status"]),
            occurred_at=datetime.fromisoformat(document["occurred_at"]),
            description=document["description"],
            province=document["province"],
            city=document["city"],
        )

    @property
    def china_time(self) -> datetime:
        return self.occurred_at.astimezone(CHINA_STANDARD_TIME)


def describe(plan: Plan, step_index: int, carrier: Carrier, occurred_at: datetime) -> ScanRecord:
    """The scan of step ``step_index`` in carrier wording (the pickup text says 收取快件, which is how
    Kuaidi100 pushes word a pickup)."""
    status = plan.steps[step_index].status
    origin_province, origin_city, origin_hub = CITIES[plan.origin]
    dest_province, dest_city, dest_hub = CITIES[plan.destination]
    at_origin = (origin_province, origin_city)
    at_destination = (dest_province, dest_city)
    courier = f"{plan.courier}师傅"
    if status is ScanStatus.INFO_RECEIVED:
        text, (province, city) = f"【{origin_city}】{carrier.name} 已收取快件", at_origin
    elif status is ScanStatus.IN_TRANSIT:
        transit_before = sum(1 for step in plan.steps[:step_index] if step.status is ScanStatus.IN_TRANSIT)
        if transit_before == 0:
            text, (province, city) = f"【{origin_city}】快件已从【{origin_hub}】发出，下一站【{dest_hub}】", at_origin
        else:
            text, (province, city) = f"【{dest_city}】快件已到达【{dest_hub}】", at_destination
    elif status is ScanStatus.OUT_FOR_DELIVERY:
        text, (province, city) = f"【{dest_city}】快件交给{courier}，正在派送途中", at_destination
    elif status is ScanStatus.FAILED_ATTEMPT:
        text, (province, city) = f"【{dest_city}】快件派送不成功，收件人电话无人接听，待再次派送", at_destination
    elif status is ScanStatus.DELIVERED:
        text, (province, city) = f"【{dest_city}】快件已签收，签收人：本人，感谢使用{carrier.name}", at_destination
    else:
        text, (province, city) = f"【{origin_city}】快件已退回寄件人并签收", at_origin
    return ScanRecord(status, occurred_at, text, province, city)


@dataclass(frozen=True)
class BuiltRequest:
    """A webhook request ready to send: path on the receiver, body bytes and the headers that do
    not change between attempts. ``webhook_id`` is set for the native format, whose signature
    headers are made per attempt."""

    path: str
    body: bytes
    headers: dict[str, str]
    webhook_id: str | None = None


def kuaidi100_request(tracking_number: str, carrier: Carrier, history: list[ScanRecord], salt: str) -> BuiltRequest:
    """A push of the waybill's history so far (oldest first in ``history``), signed with ``salt``."""
    newest = history[-1]
    state, _ = KUAIDI100_STATE[newest.status]
    finished = newest.status in (ScanStatus.DELIVERED, ScanStatus.RETURNED_TO_SENDER)
    data = [
        {
            "context": scan.description,
            "time": scan.china_time.strftime(KUAIDI100_FTIME),
            "ftime": scan.china_time.strftime(KUAIDI100_FTIME),
            "status": KUAIDI100_STATE[scan.status][1],
            "areaCode": None,
            "areaName": scan.city if scan.province == scan.city else f"{scan.province},{scan.city}",
        }
        for scan in reversed(history)
    ]
    param = json.dumps(
        {
            "status": "shutdown" if finished else "polling",
            "billstatus": "check" if finished else "got",
            "message": "",
            "autoCheck": "0",
            "comOld": "",
            "comNew": "",
            "lastResult": {
                "message": "ok",
                "state": state,
                "status": "200",
                "condition": "F00",
                "ischeck": "1" if newest.status is ScanStatus.DELIVERED else "0",
                "com": carrier.kuaidi100_com,
                "nu": tracking_number,
                "data": data,
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    body = urlencode({"param": param, "sign": kuaidi100_sign(param, salt)}, encoding="utf-8").encode("ascii")
    return BuiltRequest(
        KUAIDI100_PATH,
        body,
        {"content-type": "application/x-www-form-urlencoded;charset=UTF-8", "user-agent": USER_AGENT},
    )


def kuaidi100_sign(param: str, salt: str) -> str:
    """``UPPER(hex(MD5(param + salt)))`` over UTF-8 bytes, the vendor's scheme."""
    return hashlib.md5((param + salt).encode("utf-8")).hexdigest().upper()  # noqa: S324 - the vendor's MD5


def aftership_request(
    tracking_number: str, carrier: Carrier, history: list[ScanRecord], secret: str, event_id: str
) -> BuiltRequest:
    """A ``tracking_update`` with every checkpoint so far, signed with ``secret``. ``ts`` is when the
    newest checkpoint occurred (AfterShip: "when the event occurred"), so a late post keeps it."""
    newest = history[-1]
    tag, subtag, subtag_message = AFTERSHIP_TAG[newest.status]
    first_of_tag = len(history) == 1 or AFTERSHIP_TAG[history[-2].status][0] != tag
    checkpoints = [
        {
            "checkpoint_time": scan.china_time.isoformat(),
            "message": scan.description,
            "slug": carrier.aftership_slug,
            "tag": AFTERSHIP_TAG[scan.status][0],
            "subtag": AFTERSHIP_TAG[scan.status][1],
            "subtag_message": AFTERSHIP_TAG[scan.status][2],
            "city": scan.city,
            "state": scan.province,
            "country_region": "CHN",
            "country_region_name": "China",
        }
        for scan in history
    ]
    body = json.dumps(
        {
            "event": "tracking_update",
            "event_id": event_id,
            "is_tracking_first_tag": first_of_tag,
            "msg": {
                "id": uuid.uuid5(uuid.NAMESPACE_URL, f"carrier-sim:{tracking_number}").hex,
                "tracking_number": tracking_number,
                "slug": carrier.aftership_slug,
                "tag": tag,
                "subtag": subtag,
                "subtag_message": subtag_message,
                "title": tracking_number,
                "checkpoints": checkpoints,
            },
            "ts": math.floor(newest.occurred_at.timestamp()),
        },
        ensure_ascii=False,
    ).encode("utf-8")
    return BuiltRequest(
        AFTERSHIP_PATH,
        body,
        {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "as-webhook-version": AFTERSHIP_WEBHOOK_VERSION,
            "aftership-hmac-sha256": aftership_sign(body, secret),
        },
    )


def aftership_sign(body: bytes, secret: str) -> str:
    """base64(HMAC-SHA256(key = the secret's UTF-8 bytes, message = the raw body))."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def native_request(tracking_number: str, carrier: Carrier, scan: ScanRecord, webhook_id: str) -> BuiltRequest:
    """The native body carrying the new scan; sign each attempt with ``NativeSigner``."""
    body = json.dumps(
        {
            "tracking_number": tracking_number,
            "carrier_code": carrier.code,
            "scans": [
                {
                    "status": scan.status.value,
                    "occurred_at": scan.china_time.isoformat(),
                    "description": scan.description,
                    "location": scan.city,
                }
            ],
        },
        ensure_ascii=False,
    ).encode("utf-8")
    return BuiltRequest(
        NATIVE_PATH.format(carrier_code=carrier.code),
        body,
        {"content-type": "application/json", "user-agent": USER_AGENT},
        webhook_id=webhook_id,
    )


def decode_native_secret(secret: str) -> bytes:
    """The key behind ``whsec_<base64>``, decoded strictly: standardwebhooks 1.1.0 decodes
    leniently and would turn a mistyped secret into a different key instead of an error."""
    if not secret.startswith(NATIVE_SECRET_PREFIX):
        raise ValueError(f"the native secret must start with {NATIVE_SECRET_PREFIX}")
    encoded = secret.removeprefix(NATIVE_SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError("the native secret is not base64 after its prefix") from exc
    if len(key) < MIN_NATIVE_SECRET_BYTES:
        raise ValueError(f"the native secret must decode to at least {MIN_NATIVE_SECRET_BYTES} bytes")
    return key


class NativeSigner:
    def __init__(self, secret: str) -> None:
        self._webhook = Webhook(decode_native_secret(secret))

    def headers(self, webhook_id: str, body: bytes, at: datetime) -> dict[str, str]:
        """``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` for ``body`` sent at
        ``at``. Whole seconds, converted to UTC here because standardwebhooks 1.1.0 ``sign``
        relabels the tzinfo instead of converting it."""
        seconds = math.floor(at.timestamp())
        signature = self._webhook.sign(webhook_id, datetime.fromtimestamp(seconds, tz=UTC), body.decode("utf-8"))
        return {"webhook-id": webhook_id, "webhook-timestamp": str(seconds), "webhook-signature": signature}


@dataclass(frozen=True)
class Secrets:
    kuaidi100_salt: str
    aftership_secret: str
    native_secret: str


def build_request(
    webhook_format: WebhookFormat,
    tracking_number: str,
    carrier: Carrier,
    history: list[ScanRecord],
    secrets: Secrets,
) -> BuiltRequest:
    """The webhook announcing the newest scan in ``history`` (history oldest first)."""
    if webhook_format is WebhookFormat.KUAIDI100:
        return kuaidi100_request(tracking_number, carrier, history, secrets.kuaidi100_salt)
    if webhook_format is WebhookFormat.AFTERSHIP:
        return aftership_request(tracking_number, carrier, history, secrets.aftership_secret, str(uuid.uuid4()))
    return native_request(tracking_number, carrier, history[-1], f"msg_{uuid.uuid4().hex}")


def excerpt(body: bytes | str, limit: int = 300) -> str:
    text = body if isinstance(body, str) else body.decode("utf-8", errors="replace")
    return text if len(text) <= limit else text[:limit] + "…"


def as_headers(document: Any) -> dict[str, str]:
    return {str(name): str(value) for name, value in dict(document).items()}

"""Kuaidi100 (快递100) subscription push (订阅推送): signature check and parsing into our types.

Kuaidi100 POSTs ``application/x-www-form-urlencoded`` (S1) in UTF-8 (S7) to the ``callbackurl``
we gave when subscribing, with two fields: ``param`` (the push, a JSON string) and ``sign``
(``UPPER(MD5(param + salt))``, S1/S4). It must be answered with HTTP 200 and ``ACK_BODY``;
anything else is retried 3 times about 30-35 minutes apart (S4, S6).

Source ids (S1..S7) refer to ``shared/formats/kuaidi100/README.md``.

Replays and staleness: Kuaidi100 signs nothing time-based and sends no event id, so a captured
push verifies forever. Two things make a replay harmless, and both are the caller's: the
``delivery_id`` (a hash of the signed ``param``) makes an exact replay a duplicate, and every push
carries the waybill's full history (S1: ``lastResult.data``, newest first), so an old push can only
repeat scans the timeline already has. ``newest_scan_time`` gives the caller what it needs to
notice a push that is older than what it already knows; this module does not judge staleness.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs

from logistics_svc.domain.tracking import Scan, TrackingStatus, WebhookDelivery, WebhookRejected

SOURCE = "kuaidi100"

# Kuaidi100 is a mainland-China service and ``ftime`` is "yyyy-MM-dd HH:mm:ss" with no zone (S1,
# S4 SubscribePushData). The carriers it aggregates report Beijing time, and mainland China has had
# one zone, UTC+08:00 with no daylight saving, since 1991, so a fixed offset is exact and needs no
# tz database. Reading these times as UTC would put every scan 8 hours late.
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")
FTIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# The reply Kuaidi100 requires (S4, ``expected_response.json``). ``ACK_BODY`` is the JSON object,
# for ``JSONResponse(ACK_BODY)``: Starlette renders it compact and unescaped, which is exactly
# ``ACK_TEXT``. Do not mutate it. ``ACK_TEXT`` is the byte-exact text for anything else.
ACK_BODY: dict[str, Any] = {"result": True, "returnCode": "200", "message": "成功"}
ACK_TEXT = '{"result":true,"returnCode":"200","message":"成功"}'

# ``lastResult.state`` and ``data[].statusCode`` codes (S1/S2 basic states, S3 table, S4
# QueryTrackResp). Decisions, where the code does not name one of our statuses outright:
# * 101 已下单 / 102 待揽收: the label exists but the carrier has not picked up; our earliest status,
#   like AfterShip's InfoReceived ("about to pick up").
# * 6 退回 (on the way back to the sender): returned_to_sender, not in_transit. From this scan on the
#   buyer will not receive the parcel, which is what settlement must learn; in_transit would read
#   as progress towards the buyer. AfterShip files the same fact as Exception_010 "Returning to
#   sender", which we also map to returned_to_sender; 4 退签 later confirms it.
# * 401 已销单 (waybill cancelled, parent 4 in S3): exception, not returned_to_sender. A cancelled
#   waybill says nothing about goods coming back, and returned_to_sender may start refund work on
#   its own; exception sends it to a person.
# * 7 转投 (handed to another carrier): in_transit; the parcel still moves towards the buyer.
# * 8 清关 and 10 待清关 / 11 清关中 / 12 已清关: in_transit, customs is part of the journey (AfterShip
#   files customs started/completed under InTransit_005/006). 13 清关异常: exception (AfterShip:
#   Exception_004 "Delayed (Customs clearance)").
# * 14 拒签 (refused by the recipient): exception, as AfterShip's Exception_003 "Customer refused
#   delivery". Not failed_attempt: the carrier will not try again; the parcel will normally come
#   back, and 6 退回 / 4 退签 will say so when it does.
# * 2 疑难 (problem shipment): failed_attempt, as the domain glosses it.
STATE_STATUS: Mapping[int, TrackingStatus] = {
    0: TrackingStatus.IN_TRANSIT,  # 在途
    1: TrackingStatus.INFO_RECEIVED,  # 揽收
    2: TrackingStatus.FAILED_ATTEMPT,  # 疑难
    3: TrackingStatus.DELIVERED,  # 签收
    4: TrackingStatus.RETURNED_TO_SENDER,  # 退签
    5: TrackingStatus.OUT_FOR_DELIVERY,  # 派件
    6: TrackingStatus.RETURNED_TO_SENDER,  # 退回
    7: TrackingStatus.IN_TRANSIT,  # 转投
    8: TrackingStatus.IN_TRANSIT,  # 清关
    10: TrackingStatus.IN_TRANSIT,  # 待清关
    11: TrackingStatus.IN_TRANSIT,  # 清关中
    12: TrackingStatus.IN_TRANSIT,  # 已清关
    13: TrackingStatus.EXCEPTION,  # 清关异常
    14: TrackingStatus.EXCEPTION,  # 拒签
    # Advanced codes (resultv2=4), the rows S3 shows.
    101: TrackingStatus.INFO_RECEIVED,  # 已下单
    102: TrackingStatus.INFO_RECEIVED,  # 待揽收
    103: TrackingStatus.INFO_RECEIVED,  # 已揽收
    1001: TrackingStatus.IN_TRANSIT,  # 到达派件城市
    1002: TrackingStatus.IN_TRANSIT,  # 干线
    1003: TrackingStatus.IN_TRANSIT,  # 转递
    501: TrackingStatus.OUT_FOR_DELIVERY,  # 投柜或驿站
    301: TrackingStatus.DELIVERED,  # 本人签收
    302: TrackingStatus.DELIVERED,  # 派件异常后签收
    303: TrackingStatus.DELIVERED,  # 代签
    304: TrackingStatus.DELIVERED,  # 投柜或站签收
    401: TrackingStatus.EXCEPTION,  # 已销单
}

# ``data[].status`` carries the state *name*, not the code (S1: only with resultv2).
STATE_NAME_CODE: Mapping[str, int] = {
    "在途": 0,
    "揽收": 1,
    "疑难": 2,
    "签收": 3,
    "退签": 4,
    "派件": 5,
    "退回": 6,
    "转投": 7,
    "清关": 8,
    "待清关": 10,
    "清关中": 11,
    "已清关": 12,
    "清关异常": 13,
    "拒签": 14,
    "已下单": 101,
    "待揽收": 102,
    "已揽收": 103,
    "到达派件城市": 1001,
    "干线": 1002,
    "转递": 1003,
    "投柜或驿站": 501,
    "本人签收": 301,
    "派件异常后签收": 302,
    "代签": 303,
    "投柜或站签收": 304,
    "已销单": 401,
}

# Words with which Chinese carriers word a pickup scan ("已揽收", "已揽件", "已收件", SF's "已收取快件").
# Not bare "收件": it also starts "收件人" (recipient), which delivery scans mention.
_PICKUP_WORDS = ("揽收", "揽件", "已收件", "收取快件")


def status_for_state(code: int) -> TrackingStatus:
    """Our status for a Kuaidi100 state code, basic or advanced.

    A three-digit advanced code that S3 does not show (the 2xx sub-codes of 疑难, 8xx customs
    codes; README "Not verified") takes its parent's status: in every verified row the parent of
    a three-digit code is its first digit (101-103 → 1, 301-304 → 3, 401 → 4, 501 → 5). The
    four-digit codes break that pattern (1001-1003 have parent 0), so no such rule is applied to
    them. Anything else is an exception, which sends it to a person rather than guessing.
    """
    known = STATE_STATUS.get(code)
    if known is not None:
        return known
    if 100 <= code <= 999 and code // 100 in STATE_STATUS:
        return STATE_STATUS[code // 100]
    return TrackingStatus.EXCEPTION


def sign_param(param: str, salt: str) -> str:
    """``UPPER(hex(MD5(param + salt)))`` over UTF-8 bytes (S1, S4 SignUtils, S7)."""
    # MD5 is the vendor's scheme (S1/S4), not our choice; we cannot negotiate another.
    return hashlib.md5((param + salt).encode("utf-8")).hexdigest().upper()  # noqa: S324


def verify_signature(param: str, sign: str | None, salt: str) -> bool:
    """Whether ``sign`` is Kuaidi100's signature of the raw ``param`` string with our ``salt``.

    ``param`` must be the form field exactly as received (after URL-decoding), never
    re-serialised JSON. Compared case-insensitively because S1 writes only ``md5(param+salt)``
    while S4 upper-cases; in constant time so the comparison leaks nothing.

    Raises ``ValueError`` for an empty salt: the sign would then be a plain MD5 of public content
    (S1 allows it), which anyone can compute, so accepting it would authenticate nothing. That is
    a configuration error, not the caller's.
    """
    if not salt:
        raise ValueError("the Kuaidi100 salt is empty: the signature would authenticate nothing")
    if not sign:
        return False
    expected = sign_param(param, salt).encode("ascii")
    return hmac.compare_digest(expected, sign.upper().encode("utf-8"))


def read_form(raw_body: bytes) -> tuple[str, str | None]:
    """``(param, sign)`` from the raw ``application/x-www-form-urlencoded`` body (S1, S7).

    Decodes strictly as UTF-8: a body that does not decode cannot be the signed text, and a
    replacement character would only make the signature fail later with a less useful reason.
    A repeated field is refused, since we could not tell which copy was signed.

    Raises ``WebhookRejected(400)`` when the body is not such a form or ``param`` is missing.
    """
    try:
        fields = parse_qs(
            raw_body.decode("utf-8"), keep_blank_values=True, strict_parsing=True, encoding="utf-8", errors="strict"
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookRejected(400, "body is not a UTF-8 form with param and sign fields") from exc
    for name in ("param", "sign"):
        if len(fields.get(name, [])) > 1:
            raise WebhookRejected(400, f"form field {name} appears more than once")
    params = fields.get("param")
    if not params:
        raise WebhookRejected(400, "form field param is missing")
    signs = fields.get("sign")
    return params[0], (signs[0] if signs else None)


def parse_push(param: str) -> WebhookDelivery:
    """The scans in one push's ``param`` (verify the signature first).

    * ``tracking_number`` is ``lastResult.nu``; ``vendor_carrier_code`` is ``lastResult.com``, or
      ``comNew`` when ``autoCheck`` is "1" (Kuaidi100 corrected the company code we submitted).
    * Only ``lastResult`` is read. ``destResult`` (international pushes, interCom=1) tracks the
      destination country's own waybill number, which is not ours.
    * ``delivery_id`` is the SHA-256 of ``param``: Kuaidi100 sends no event id. A retry that
      repeats the signed string (the README cannot confirm that it does) hashes to the same id; a
      push with anything new differs. If the vendor re-serialises on retry, the ids differ and
      the repeated scans must be caught where scans are stored, which they must be anyway, since
      every push repeats the full history.
    * ``sent_at`` is None: the push says nothing about when it was sent.
    * Scans are returned oldest first. Each ``data[]`` entry's status is, in order of preference:
      its ``statusCode`` (resultv2=4/6), its ``status`` name (resultv2), and otherwise inferred:
      the newest entry has the waybill's ``lastResult.state`` (which describes the newest event),
      the oldest is info_received when its text words a pickup (揽收 / 揽件 / 收取快件), and the
      others are in_transit. What inference can get wrong is only an intermediate scan (e.g. an
      earlier 派件 read as in_transit); the current state, e.g. 签收, is always the vendor's.
    * An empty ``data`` (e.g. a status=abort push, "3天查询无记录") gives a delivery without scans.

    Raises ``WebhookRejected(400)`` when ``param`` is not JSON or lacks ``lastResult``, ``nu``,
    ``data`` or a readable ``ftime``/``time`` on an entry.
    """
    push = _load_json_object(param)
    last_result = push.get("lastResult")
    if not isinstance(last_result, dict):
        raise WebhookRejected(400, "lastResult is missing or not an object")
    tracking_number = last_result.get("nu")
    if not isinstance(tracking_number, str) or not tracking_number.strip():
        raise WebhookRejected(400, "lastResult.nu is missing or empty")
    tracking_number = tracking_number.strip()
    entries = last_result.get("data")
    if not isinstance(entries, list):
        raise WebhookRejected(400, "lastResult.data is missing or not a list")

    vendor_carrier_code = _optional_text(last_result.get("com"))
    if str(push.get("autoCheck", "")).strip() == "1" and _optional_text(push.get("comNew")):
        vendor_carrier_code = _optional_text(push.get("comNew"))

    events = [_read_entry(index, entry) for index, entry in enumerate(entries)]
    scans: list[Scan] = []
    if events:
        # Newest first per S1, but order by time rather than trust position; on a tie the
        # earlier position is the newer one (and, for the oldest, the later position).
        newest = min(range(len(events)), key=lambda i: (-events[i].occurred_at.timestamp(), i))
        oldest = min(range(len(events)), key=lambda i: (events[i].occurred_at.timestamp(), -i))
        for index, event in enumerate(events):
            status, raw_status = event.own_status()
            if status is None:
                if index == newest:
                    code = _state_code(last_result.get("state"), "lastResult.state")
                    status, raw_status = status_for_state(code), str(code)
                elif index == oldest and any(word in event.context for word in _PICKUP_WORDS):
                    status = TrackingStatus.INFO_RECEIVED
                else:
                    status = TrackingStatus.IN_TRANSIT
            scans.append(
                Scan(
                    tracking_number=tracking_number,
                    status=status,
                    occurred_at=event.occurred_at,
                    description=event.context,
                    location=event.location,
                    raw_status=raw_status,
                )
            )
    # Oldest first; data[] is newest first, so reverse before the stable sort keeps ties in order.
    ordered = sorted(reversed(scans), key=lambda scan: scan.occurred_at)
    return WebhookDelivery(
        source=SOURCE,
        delivery_id=hashlib.sha256(param.encode("utf-8")).hexdigest(),
        tracking_number=tracking_number,
        vendor_carrier_code=vendor_carrier_code,
        scans=tuple(ordered),
        sent_at=None,
    )


def newest_scan_time(delivery: WebhookDelivery) -> datetime | None:
    """The time of the newest scan in a push, or None when it has none.

    Kuaidi100 signs nothing time-based, so this is the only clock a push carries: a caller that
    already holds a later scan for the waybill knows the push is old news (a delayed retry or a
    replay) and can record it without changing the timeline.
    """
    return max((scan.occurred_at for scan in delivery.scans), default=None)


def failure_body(message: str, return_code: str = "500") -> dict[str, Any]:
    """Our error reply in the vendor's shape, as a JSON object like ``ACK_BODY`` (S6: ``result``
    false; ``returnCode`` 500 = server error, other codes are ours). Any reply other than the
    acknowledgement makes Kuaidi100 retry (S4)."""
    return {"result": False, "returnCode": return_code, "message": message}


@dataclass(frozen=True)
class _Entry:
    """One ``data[]`` element, read."""

    occurred_at: datetime
    context: str
    location: str
    status_code: int | None
    status_name: str | None

    def own_status(self) -> tuple[TrackingStatus | None, str]:
        """The status the entry states itself, with the vendor's raw value; None when it has none."""
        if self.status_code is not None:
            return status_for_state(self.status_code), str(self.status_code)
        if self.status_name is not None:
            code = STATE_NAME_CODE.get(self.status_name)
            if code is not None:
                return status_for_state(code), self.status_name
        return None, self.status_name or ""


def _read_entry(index: int, entry: Any) -> _Entry:
    if not isinstance(entry, dict):
        raise WebhookRejected(400, f"lastResult.data[{index}] is not an object")
    occurred_at = _read_ftime(entry.get("ftime"))
    if occurred_at is None:
        # ``time`` is the carrier's original string (S1); it is usually the same format.
        occurred_at = _read_ftime(entry.get("time"))
    if occurred_at is None:
        raise WebhookRejected(400, f"lastResult.data[{index}].ftime is missing or not yyyy-MM-dd HH:mm:ss")
    status_code: int | None = None
    if entry.get("statusCode") not in (None, ""):
        status_code = _state_code(entry.get("statusCode"), f"lastResult.data[{index}].statusCode")
    location = _optional_text(entry.get("areaName")) or _optional_text(entry.get("location")) or ""
    return _Entry(
        occurred_at=occurred_at,
        context=_optional_text(entry.get("context")) or "",
        location=location,
        status_code=status_code,
        status_name=_optional_text(entry.get("status")),
    )


def _read_ftime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip(), FTIME_FORMAT).replace(tzinfo=CHINA_STANDARD_TIME)
    except ValueError:
        return None


def _state_code(value: Any, field_name: str) -> int:
    """A state code given as a string (S1: ``"state":"0"``) or a number (S3 types it Integer)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    raise WebhookRejected(400, f"{field_name} is missing or not a state code")


def _optional_text(value: Any) -> str | None:
    """A string field that may be null, absent or blank (S1 example: ``"areaName":null``)."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _load_json_object(text: str) -> dict[str, Any]:
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:  # JSONDecodeError and NaN/Infinity
        raise WebhookRejected(400, "param is not valid JSON") from exc
    if not isinstance(document, dict):
        raise WebhookRejected(400, "param is not a JSON object")
    return document

"""AfterShip Tracking webhook: signature check and parsing into our types.

AfterShip POSTs JSON (A2) with header ``aftership-hmac-sha256`` = base64(HMAC-SHA256(secret,
raw body)) (A1). Any 2xx answers it; anything else is retried up to 14 times with back-off
2^n × 30 s (A7). Source ids (A1..A8) refer to ``shared/formats/aftership/README.md``.

Replays and staleness: ``ts`` is inside the signed body, so a request cannot be made to look newer
than it is. But ``ts`` is when the *event occurred* (A2), and every retry re-sends the same signed
body, so a legitimate retry arrives with a ``ts`` days old (A7: 14 retries; the last back-off alone
is 2^13 × 30 s ≈ 68 h). ``is_stale`` therefore takes a window of days, not minutes; within it the
caller deduplicates on ``event_id`` (A2: "use it for idempotency"), and the window is also how
long the caller must remember event ids.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from logistics_svc.domain.tracking import Scan, TrackingStatus, WebhookDelivery, WebhookRejected

SOURCE = "aftership"
SIGNATURE_HEADER = "aftership-hmac-sha256"
TRACKING_UPDATE = "tracking_update"

# Covers AfterShip's whole retry schedule under either reading of A7 (≈68 h to the last retry, or
# the sum of all 14 back-offs, ≈137 h), with a day to spare.
DEFAULT_STALENESS_TOLERANCE = timedelta(days=7)
# ``ts`` later than our clock by more than this is not clock skew.
DEFAULT_FUTURE_SKEW = timedelta(minutes=5)

GREATER_CHINA_TIME = timezone(timedelta(hours=8), "CST")
# Checkpoint countries (ISO 3166 alpha-3, A2 ``country_region`` / legacy ``country_iso3``) that
# keep UTC+08:00 all year: mainland China (one zone, no daylight saving since 1991), Hong Kong,
# Macao, Taiwan.
_UTC_PLUS_8_COUNTRIES = frozenset({"CHN", "HKG", "MAC", "TWN"})
# AfterShip slugs of mainland carriers, used only when a naive checkpoint names no country. Not
# checked against AfterShip's live courier list here; a slug missing from this set falls back to
# UTC (see ``_checkpoint_time``), so extend it as carriers are onboarded.
# The slugs of our seed carriers as AfterShip's courier list names them (carrier_seed.py).
MAINLAND_CARRIER_SLUGS = frozenset(
    {"sf-express", "sf-express-cn", "china-ems", "china-post", "yto", "zto-domestic", "sto", "yundaex", "jd-express"}
)

# ``tag`` → our status (A3's 9 tags). Decisions:
# * OutForDelivery and AvailableForPickup → out_for_delivery: in both the parcel is at the last
#   step before the buyer has it (A3 describes OutForDelivery as "about to be delivered, or ready
#   for pickup"); Kuaidi100's 501 投柜或驿站 maps the same way.
# * Pending → info_received: "no tracking info yet" (A3) is at most the label stage, which is what
#   info_received also covers for InfoReceived. It is our earliest status, so a Pending checkpoint
#   can never move a shipment towards sign-off; dropping it would hide that AfterShip said
#   something.
# * Expired → exception: 30 days without tracking information (A3) needs a person.
# * Exception → exception, except the subtags in ``SUBTAG_STATUS``.
TAG_STATUS: Mapping[str, TrackingStatus] = {
    "Pending": TrackingStatus.INFO_RECEIVED,
    "InfoReceived": TrackingStatus.INFO_RECEIVED,
    "InTransit": TrackingStatus.IN_TRANSIT,
    "OutForDelivery": TrackingStatus.OUT_FOR_DELIVERY,
    "AvailableForPickup": TrackingStatus.OUT_FOR_DELIVERY,
    "AttemptFail": TrackingStatus.FAILED_ATTEMPT,
    "Delivered": TrackingStatus.DELIVERED,
    "Exception": TrackingStatus.EXCEPTION,
    "Expired": TrackingStatus.EXCEPTION,
}

# Subtags that say more than their tag (A4/A8 table). Exception_010 "Returning to sender" is
# returned_to_sender as well as Exception_011 "Returned to sender": from the first of them the
# buyer will not get the parcel (Kuaidi100's 6 退回 maps the same way). Exception_003 "Customer
# refused delivery" stays exception, like Kuaidi100's 14 拒签: a refused parcel usually goes back,
# and Exception_010/011 say so when it does. Exception_012 "Shipment damaged" stays exception: damaged is not lost.
SUBTAG_STATUS: Mapping[str, TrackingStatus] = {
    "Exception_010": TrackingStatus.RETURNED_TO_SENDER,
    "Exception_011": TrackingStatus.RETURNED_TO_SENDER,
    "Exception_013": TrackingStatus.LOST,
}


def status_for(tag: str | None, subtag: str | None) -> TrackingStatus:
    """Our status for an AfterShip ``tag`` and ``subtag``.

    Tag and subtag are open enums (A4/A5 add codes per webhook version), so unknown values must
    not break parsing: an unknown tag is read from the subtag's prefix (``Delivered_005`` →
    Delivered), and what still matches nothing is an exception, which a person looks at, rather
    than a guess that could move a shipment towards sign-off.
    """
    if subtag and subtag in SUBTAG_STATUS:
        return SUBTAG_STATUS[subtag]
    if tag and tag in TAG_STATUS:
        return TAG_STATUS[tag]
    prefix = (subtag or "").partition("_")[0]
    return TAG_STATUS.get(prefix, TrackingStatus.EXCEPTION)


def sign(raw_body: bytes, secret: str) -> str:
    """The ``aftership-hmac-sha256`` value for ``raw_body`` (A1): base64 of HMAC-SHA256 keyed with
    the secret's UTF-8 bytes as given (not base64-decoded, A7)."""
    digest = hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(raw_body: bytes, header_value: str | None, secret: str) -> bool:
    """Whether ``header_value`` is AfterShip's signature of the raw body bytes as received.

    Compared in constant time, as base64 text (AfterShip sends standard padded base64, A1).
    Raises ``ValueError`` for an empty secret, a configuration error that would let anyone sign.
    """
    if not secret:
        raise ValueError("the AfterShip webhook secret is empty")
    if not header_value:
        return False
    expected = sign(raw_body, secret).encode("ascii")
    return hmac.compare_digest(expected, header_value.strip().encode("utf-8"))


def parse_webhook(raw_body: bytes) -> WebhookDelivery:
    """What one AfterShip webhook says (verify the signature first).

    * ``delivery_id`` is ``event_id`` (A2: the idempotency key); ``sent_at`` is ``ts`` (UTC epoch
      seconds, A2; strictly the time the event occurred, repeated unchanged on retries).
    * ``tracking_number`` is ``msg.tracking_number``, ``vendor_carrier_code`` ``msg.slug``.
    * Only ``tracking_update`` carries scans: one per ``msg.checkpoints[]`` entry, oldest first
      (each update repeats the full history). ``edd_revise`` and ``tracking_pending_time`` (A2)
      give a delivery without scans; so does any event code we do not know.
    * A checkpoint's status comes from its own tag and subtag (``status_for``), never from
      ``msg.tag``, which describes only the latest one.
    * ``checkpoint_time`` is the checkpoint's local time and may lack an offset (see
      ``_checkpoint_time`` for how such times are read).

    Raises ``WebhookRejected(400)`` for a body that is not a UTF-8 JSON object, or that lacks
    ``event``, ``event_id``, ``ts``, ``msg.tracking_number`` or a readable ``checkpoint_time``.
    """
    body = _load_json_object(raw_body)
    event = _required_text(body, "event")
    event_id = _required_text(body, "event_id")
    ts = body.get("ts")
    if not isinstance(ts, int) or isinstance(ts, bool):
        raise WebhookRejected(400, "ts is missing or not an integer")
    try:
        sent_at = datetime.fromtimestamp(ts, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise WebhookRejected(400, "ts is out of range") from exc
    msg = body.get("msg")
    if not isinstance(msg, dict):
        raise WebhookRejected(400, "msg is missing or not an object")
    tracking_number = _required_text(msg, "tracking_number", "msg.tracking_number")
    slug = _optional_text(msg.get("slug"))

    scans: list[Scan] = []
    if event == TRACKING_UPDATE:
        checkpoints = msg.get("checkpoints")
        if checkpoints is None:
            checkpoints = []  # a Pending tracking may have none yet
        if not isinstance(checkpoints, list):
            raise WebhookRejected(400, "msg.checkpoints is not a list")
        for index, checkpoint in enumerate(checkpoints):
            scans.append(_read_checkpoint(index, checkpoint, tracking_number, slug))
    return WebhookDelivery(
        source=SOURCE,
        delivery_id=event_id,
        tracking_number=tracking_number,
        vendor_carrier_code=slug,
        scans=tuple(sorted(scans, key=lambda scan: scan.occurred_at)),
        sent_at=sent_at,
    )


def is_stale(
    delivery: WebhookDelivery,
    now: datetime,
    tolerance: timedelta = DEFAULT_STALENESS_TOLERANCE,
    future_skew: timedelta = DEFAULT_FUTURE_SKEW,
) -> bool:
    """Whether a verified delivery's signed ``ts`` lies outside the window we accept: older than
    ``tolerance`` (beyond AfterShip's retries, so a replay), or later than ``now`` by more than
    ``future_skew``. A delivery without ``sent_at`` cannot be placed in time and counts as stale."""
    if delivery.sent_at is None:
        return True
    return delivery.sent_at < now - tolerance or delivery.sent_at > now + future_skew


def _read_checkpoint(index: int, checkpoint: Any, tracking_number: str, slug: str | None) -> Scan:
    where = f"msg.checkpoints[{index}]"
    if not isinstance(checkpoint, dict):
        raise WebhookRejected(400, f"{where} is not an object")
    tag = _optional_text(checkpoint.get("tag"))
    subtag = _optional_text(checkpoint.get("subtag"))
    return Scan(
        tracking_number=tracking_number,
        status=status_for(tag, subtag),
        occurred_at=_checkpoint_time(checkpoint, where, _optional_text(checkpoint.get("slug")) or slug),
        description=_optional_text(checkpoint.get("message")) or "",
        location=_checkpoint_location(checkpoint),
        raw_status=subtag or tag or "",
    )


def _checkpoint_time(checkpoint: Mapping[str, Any], where: str, slug: str | None) -> datetime:
    """``checkpoint_time`` as an aware datetime.

    AfterShip gives the checkpoint's *local* time, as ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM:SS`` or
    with an offset (A2 Tracking model). An offset, when present, is used as is. A naive time is
    read as UTC+08:00 when the checkpoint is in Greater China (by its country code, or, when it
    has none, by a mainland carrier slug): the zone there is known and fixed. Any other naive time
    is read as UTC: its zone is unknowable from the payload, and the error is bounded by the
    place's UTC offset (hours), which neither ordering within one carrier's timeline nor a
    days-long sign-off countdown is sensitive to. The vendor's own sample (USPS, no country) is
    such a case.
    """
    value = checkpoint.get("checkpoint_time")
    if not isinstance(value, str) or not value.strip():
        raise WebhookRejected(400, f"{where}.checkpoint_time is missing")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise WebhookRejected(400, f"{where}.checkpoint_time is not an ISO 8601 time") from exc
    if parsed.tzinfo is not None:
        return parsed
    return parsed.replace(tzinfo=_naive_time_zone(checkpoint, slug))


def _naive_time_zone(checkpoint: Mapping[str, Any], slug: str | None) -> tzinfo:
    country = _optional_text(checkpoint.get("country_region")) or _optional_text(checkpoint.get("country_iso3"))
    if country is not None:
        return GREATER_CHINA_TIME if country.upper() in _UTC_PLUS_8_COUNTRIES else UTC
    if slug is not None and slug.lower() in MAINLAND_CARRIER_SLUGS:
        return GREATER_CHINA_TIME
    return UTC


def _checkpoint_location(checkpoint: Mapping[str, Any]) -> str:
    """The carrier's ``location`` text, else city, state and country joined (A2 Tracking model;
    ``country_region*`` in current versions, ``country_iso3`` / ``country_name`` in legacy ones)."""
    location = _optional_text(checkpoint.get("location"))
    if location is not None:
        return location
    country = next(
        (
            text
            for name in ("country_region_name", "country_name", "country_region", "country_iso3")
            if (text := _optional_text(checkpoint.get(name))) is not None
        ),
        None,
    )
    parts = (_optional_text(checkpoint.get("city")), _optional_text(checkpoint.get("state")), country)
    return ", ".join(part for part in parts if part is not None)


def _required_text(document: Mapping[str, Any], key: str, name: str | None = None) -> str:
    value = _optional_text(document.get(key))
    if value is None:
        raise WebhookRejected(400, f"{name or key} is missing or empty")
    return value


def _optional_text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _load_json_object(raw_body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(raw_body.decode("utf-8"), parse_constant=_reject_constant)
    except ValueError as exc:  # UnicodeDecodeError, JSONDecodeError, NaN/Infinity
        raise WebhookRejected(400, "body is not valid UTF-8 JSON") from exc
    if not isinstance(document, dict):
        raise WebhookRejected(400, "body is not a JSON object")
    return document

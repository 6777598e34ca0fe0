"""Inbound webhook formats: the vendors' documented examples verify and parse to scans written out
by hand here; tampering is refused; every documented status code has a status.

The examples live in ``shared/formats`` beside the repository (their README.md files say which are
verbatim vendor text and which we signed with a test salt or secret)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from starlette.responses import JSONResponse

from logistics_svc.adapters.webhook_formats import aftership, kuaidi100, native
from logistics_svc.domain.tracking import TrackingStatus, WebhookRejected


def _formats_dir() -> Path:
    """The vendors' documented examples live in ../shared/formats beside the repository; a clone
    elsewhere on this machine finds them at /work/shared/formats, or where
    SHIPSETTLE_FORMATS_DIR says."""
    candidates = [
        Path(os.environ.get("SHIPSETTLE_FORMATS_DIR", "/nonexistent")),
        Path(__file__).resolve().parents[4] / "shared" / "formats",
        Path("/work/shared/formats"),
    ]
    return next((path for path in candidates if (path / "kuaidi100").is_dir()), candidates[1])


FORMATS = _formats_dir()
KUAIDI100 = FORMATS / "kuaidi100"
AFTERSHIP = FORMATS / "aftership"

KUAIDI100_TEST_SALT = "kuaidi100-test-salt"  # kuaidi100/README.md, push_request_body.form
AFTERSHIP_TEST_SECRET = "aftership-test-webhook-secret"  # aftership/README.md, headers file
CST = timezone(timedelta(hours=8))

S = TrackingStatus


def test_the_shared_formats_folder_is_found_beside_the_repository() -> None:
    assert (KUAIDI100 / "README.md").is_file()
    assert (AFTERSHIP / "README.md").is_file()


# --- Kuaidi100 -----------------------------------------------------------------------------------


def signed_form() -> bytes:
    return (KUAIDI100 / "push_request_body.form").read_bytes()


def compact_param() -> str:
    return (KUAIDI100 / "push_param_compact.json").read_text(encoding="utf-8")


def push(data: list[dict[str, object]], state: object = "0", **top: object) -> str:
    """A param string with the given lastResult.data (newest first, as Kuaidi100 sends it)."""
    body: dict[str, object] = {
        "status": "polling",
        "message": "",
        "autoCheck": "0",
        "lastResult": {
            "message": "ok",
            "state": state,
            "status": "200",
            "com": "zhongtong",
            "nu": "ZT100",
            "data": data,
        },
    }
    body.update(top)
    return json.dumps(body, ensure_ascii=False)


def entry(ftime: str, context: str, **extra: object) -> dict[str, object]:
    return {"context": context, "time": ftime, "ftime": ftime, **extra}


def test_the_documented_form_body_carries_the_compact_param_and_its_test_salt_signature() -> None:
    param, sign = kuaidi100.read_form(signed_form())
    assert param == compact_param()
    assert sign == "DB0C97F4FAE79E8082F8A23FA37F41EE"
    assert kuaidi100.verify_signature(param, sign, KUAIDI100_TEST_SALT)


def test_kuaidi100_signs_upper_case_md5_of_param_then_salt_as_the_readme_states() -> None:
    assert kuaidi100.sign_param(compact_param(), KUAIDI100_TEST_SALT) == "DB0C97F4FAE79E8082F8A23FA37F41EE"
    assert kuaidi100.sign_param(compact_param(), "") == "6DB4BC81C5A6A313E0BDF9DAAA65B350"


def test_a_lower_case_kuaidi100_signature_is_accepted_because_s1_does_not_fix_the_case() -> None:
    assert kuaidi100.verify_signature(compact_param(), "db0c97f4fae79e8082f8a23fa37f41ee", KUAIDI100_TEST_SALT)


def test_a_forged_kuaidi100_signature_is_refused() -> None:
    assert not kuaidi100.verify_signature(compact_param(), "FC273F36839D6BCE769D29CB5426794D", KUAIDI100_TEST_SALT)


def test_a_kuaidi100_param_altered_by_one_byte_after_signing_is_refused() -> None:
    param, sign = kuaidi100.read_form(signed_form())
    altered = param.replace('"state":"0"', '"state":"3"', 1)
    assert len(altered.encode()) == len(param.encode())
    assert not kuaidi100.verify_signature(altered, sign, KUAIDI100_TEST_SALT)


@pytest.mark.parametrize("sign", [None, ""])
def test_a_kuaidi100_push_without_a_signature_is_refused(sign: str | None) -> None:
    assert not kuaidi100.verify_signature(compact_param(), sign, KUAIDI100_TEST_SALT)


def test_a_kuaidi100_signature_made_with_another_salt_is_refused() -> None:
    assert not kuaidi100.verify_signature(compact_param(), "DB0C97F4FAE79E8082F8A23FA37F41EE", "another-salt")


def test_an_empty_kuaidi100_salt_is_a_configuration_error_because_it_authenticates_nothing() -> None:
    with pytest.raises(ValueError, match="salt"):
        kuaidi100.verify_signature(compact_param(), "6DB4BC81C5A6A313E0BDF9DAAA65B350", "")


def test_a_form_with_a_non_utf8_param_or_a_repeated_param_or_none_at_all_is_a_bad_request() -> None:
    for body in (b"sign=AB&param=%FF", b"sign=AB&param=1&param=2", b"sign=AB"):
        with pytest.raises(WebhookRejected) as rejected:
            kuaidi100.read_form(body)
        assert rejected.value.status == 400


def test_a_form_without_sign_reads_as_an_unsigned_param() -> None:
    assert kuaidi100.read_form(b"param=%7B%7D") == ("{}", None)


def test_the_signed_kuaidi100_example_parses_to_two_in_transit_scans_in_beijing_time_oldest_first() -> None:
    param, _ = kuaidi100.read_form(signed_form())
    delivery = kuaidi100.parse_push(param)
    assert delivery.source == "kuaidi100"
    assert delivery.tracking_number == "V030344422"
    assert delivery.vendor_carrier_code == "ems"  # autoCheck=1: comNew, not lastResult.com "yuantong"
    assert delivery.sent_at is None
    assert [scan.status for scan in delivery.scans] == [S.IN_TRANSIT, S.IN_TRANSIT]
    assert [scan.occurred_at for scan in delivery.scans] == [
        datetime(2012, 8, 27, 23, 22, 42, tzinfo=CST),
        datetime(2012, 8, 28, 16, 33, 19, tzinfo=CST),
    ]
    assert [scan.occurred_at.isoformat() for scan in delivery.scans] == [
        "2012-08-27T23:22:42+08:00",
        "2012-08-28T16:33:19+08:00",
    ]
    assert [scan.description for scan in delivery.scans] == ["上海分拨中心入库", "上海分拨中心出库"]
    assert [scan.location for scan in delivery.scans] == ["上海市", "上海市"]
    assert [scan.raw_status for scan in delivery.scans] == ["在途", "在途"]
    assert {scan.tracking_number for scan in delivery.scans} == {"V030344422"}
    # destResult (the destination country's own waybill EX015142583SG, 签收) is not ours.
    assert all(scan.status is not S.DELIVERED for scan in delivery.scans)


def test_a_kuaidi100_delivery_id_is_the_sha256_of_the_param_so_a_retried_push_is_a_duplicate() -> None:
    param = compact_param()
    first = kuaidi100.parse_push(param)
    assert first.delivery_id == hashlib.sha256(param.encode()).hexdigest()
    assert kuaidi100.parse_push(param).delivery_id == first.delivery_id
    pretty = kuaidi100.parse_push((KUAIDI100 / "push_example.json").read_text(encoding="utf-8"))
    assert pretty.delivery_id != first.delivery_id
    assert pretty.scans == first.scans


def test_the_kuaidi100_example_as_published_is_rejected_as_invalid_json() -> None:
    text = (KUAIDI100 / "push_example_as_documented.txt").read_text(encoding="utf-8")
    param = text.split("param=", 1)[1]
    with pytest.raises(WebhookRejected) as rejected:
        kuaidi100.parse_push(param)
    assert rejected.value.status == 400
    assert "JSON" in rejected.value.reason


@pytest.mark.parametrize(
    ("param", "field"),
    [
        ("[]", "object"),
        (json.dumps({"status": "polling"}), "lastResult"),
        (json.dumps({"lastResult": {"state": "0", "data": []}}), "nu"),
        (json.dumps({"lastResult": {"state": "0", "nu": "  ", "data": []}}), "nu"),
        (json.dumps({"lastResult": {"state": "0", "nu": "ZT100"}}), "data"),
        (json.dumps({"lastResult": {"state": "0", "nu": "ZT100", "data": {}}}), "data"),
        (push([entry("2024-05-01", "no time of day")]), "ftime"),
        (push([{"context": "no time at all"}]), "ftime"),
        (push(["not an object"]), "data[0]"),
        (push([entry("2024-05-01 10:00:00", "x")], state="zero"), "state"),
        ('{"lastResult": NaN}', "JSON"),
    ],
)
def test_a_kuaidi100_push_missing_what_we_need_is_a_bad_request(param: str, field: str) -> None:
    with pytest.raises(WebhookRejected) as rejected:
        kuaidi100.parse_push(param)
    assert rejected.value.status == 400
    assert field in rejected.value.reason


def test_without_item_statuses_the_newest_scan_takes_the_waybill_state_and_a_pickup_text_starts_the_trail() -> None:
    param = push(
        [
            entry("2024-05-03 09:10:00", "【上海市】快件已送达，收件人：本人签收"),
            entry("2024-05-02 18:00:00", "【上海市】快件已到达 上海转运中心"),
            entry("2024-05-01 20:30:00", "【杭州市】快件已揽收"),
        ],
        state=3,  # a number, as S3 types it
    )
    delivery = kuaidi100.parse_push(param)
    assert [scan.status for scan in delivery.scans] == [S.INFO_RECEIVED, S.IN_TRANSIT, S.DELIVERED]
    assert [scan.occurred_at.isoformat() for scan in delivery.scans] == [
        "2024-05-01T20:30:00+08:00",
        "2024-05-02T18:00:00+08:00",
        "2024-05-03T09:10:00+08:00",
    ]
    assert [scan.raw_status for scan in delivery.scans] == ["", "", "3"]
    assert delivery.vendor_carrier_code == "zhongtong"  # autoCheck=0: lastResult.com


def test_an_oldest_scan_that_does_not_word_a_pickup_is_in_transit() -> None:
    delivery = kuaidi100.parse_push(
        push([entry("2024-05-02 18:00:00", "派件中"), entry("2024-05-01 20:30:00", "已发往上海")], state="5")
    )
    assert [scan.status for scan in delivery.scans] == [S.IN_TRANSIT, S.OUT_FOR_DELIVERY]


def test_a_kuaidi100_item_status_code_wins_over_its_name_and_its_name_over_inference() -> None:
    delivery = kuaidi100.parse_push(
        push(
            [
                entry("2024-05-03 09:10:00", "已放入驿站", status="签收", statusCode="304"),
                entry("2024-05-02 18:00:00", "派件中", status="派件"),
                entry("2024-05-01 20:30:00", "已发出", status="揽收", statusCode=103),
            ],
            state="0",
        )
    )
    assert [(scan.status, scan.raw_status) for scan in delivery.scans] == [
        (S.INFO_RECEIVED, "103"),
        (S.OUT_FOR_DELIVERY, "派件"),
        (S.DELIVERED, "304"),
    ]


def test_a_kuaidi100_push_with_no_events_gives_a_delivery_without_scans() -> None:
    delivery = kuaidi100.parse_push(push([], status="abort", message="3天查询无记录"))
    assert delivery.scans == ()
    assert kuaidi100.newest_scan_time(delivery) is None


def test_the_newest_scan_time_is_what_a_caller_can_judge_a_kuaidi100_push_by() -> None:
    delivery = kuaidi100.parse_push(compact_param())
    assert kuaidi100.newest_scan_time(delivery) == datetime(2012, 8, 28, 8, 33, 19, tzinfo=UTC)


def test_the_kuaidi100_acknowledgement_is_exactly_the_reply_the_vendor_expects() -> None:
    expected = (KUAIDI100 / "expected_response.json").read_bytes().rstrip(b"\n")
    assert expected == kuaidi100.ACK_TEXT.encode("utf-8")
    assert json.loads(expected) == kuaidi100.ACK_BODY
    # What the entrypoint sends: Starlette renders the object compact and unescaped.
    assert JSONResponse(kuaidi100.ACK_BODY).body == expected


def test_our_kuaidi100_failure_reply_has_the_vendor_shape_with_result_false() -> None:
    assert kuaidi100.failure_body("签名错误", "401") == {"result": False, "returnCode": "401", "message": "签名错误"}
    assert kuaidi100.failure_body("x")["returnCode"] == "500"
    assert JSONResponse(kuaidi100.failure_body("签名错误")).body == (
        '{"result":false,"returnCode":"500","message":"签名错误"}'.encode()
    )


KUAIDI100_STATE_TABLE = [
    # basic states (README table, S1/S2/S3)
    (0, "在途", S.IN_TRANSIT),
    (1, "揽收", S.INFO_RECEIVED),
    (2, "疑难", S.FAILED_ATTEMPT),
    (3, "签收", S.DELIVERED),
    (4, "退签", S.RETURNED_TO_SENDER),
    (5, "派件", S.OUT_FOR_DELIVERY),
    (6, "退回", S.RETURNED_TO_SENDER),
    (7, "转投", S.IN_TRANSIT),
    (8, "清关", S.IN_TRANSIT),
    (14, "拒签", S.EXCEPTION),
    # older customs states (S4 QueryTrackResp)
    (10, "待清关", S.IN_TRANSIT),
    (11, "清关中", S.IN_TRANSIT),
    (12, "已清关", S.IN_TRANSIT),
    (13, "清关异常", S.EXCEPTION),
    # advanced states (S3 rows)
    (101, "已下单", S.INFO_RECEIVED),
    (102, "待揽收", S.INFO_RECEIVED),
    (103, "已揽收", S.INFO_RECEIVED),
    (1001, "到达派件城市", S.IN_TRANSIT),
    (1002, "干线", S.IN_TRANSIT),
    (1003, "转递", S.IN_TRANSIT),
    (501, "投柜或驿站", S.OUT_FOR_DELIVERY),
    (301, "本人签收", S.DELIVERED),
    (302, "派件异常后签收", S.DELIVERED),
    (303, "代签", S.DELIVERED),
    (304, "投柜或站签收", S.DELIVERED),
    (401, "已销单", S.EXCEPTION),
]


@pytest.mark.parametrize(("code", "name", "expected"), KUAIDI100_STATE_TABLE)
def test_every_kuaidi100_state_code_in_the_readme_maps_to_a_tracking_status(
    code: int, name: str, expected: TrackingStatus
) -> None:
    assert kuaidi100.status_for_state(code) is expected
    assert kuaidi100.STATE_NAME_CODE[name] == code
    newest_only = kuaidi100.parse_push(push([entry("2024-05-01 10:00:00", "x")], state=str(code)))
    assert newest_only.scans[0].status is expected
    by_name = kuaidi100.parse_push(push([entry("2024-05-01 10:00:00", "x", status=name)], state="0"))
    assert by_name.scans[0].status is expected


def test_the_readme_table_covers_every_code_the_adapter_knows() -> None:
    assert {code for code, _, _ in KUAIDI100_STATE_TABLE} == set(kuaidi100.STATE_STATUS)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (201, S.FAILED_ATTEMPT),
        (210, S.FAILED_ATTEMPT),
        (801, S.IN_TRANSIT),
        (305, S.DELIVERED),
        (9999, S.EXCEPTION),
        (9, S.EXCEPTION),
    ],
)
def test_an_unverified_kuaidi100_sub_code_takes_its_parent_status_and_anything_else_is_an_exception(
    code: int, expected: TrackingStatus
) -> None:
    assert kuaidi100.status_for_state(code) is expected


# --- AfterShip -----------------------------------------------------------------------------------


def aftership_body() -> bytes:
    return (AFTERSHIP / "webhook_tracking_update.json").read_bytes()


def aftership_headers() -> dict[str, str]:
    lines = (AFTERSHIP / "webhook_tracking_update.headers.txt").read_text(encoding="utf-8").splitlines()[1:]
    return {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines if line)}


def aftership_json(msg: dict[str, object], event: str = "tracking_update", **top: object) -> bytes:
    body: dict[str, object] = {"event": event, "event_id": "e-1", "ts": 1714557600, "msg": msg, **top}
    return json.dumps(body).encode()


def test_the_documented_aftership_webhook_verifies_with_the_test_secret() -> None:
    headers = aftership_headers()
    body = aftership_body()
    assert int(headers["content-length"]) == len(body) == 674
    assert headers["aftership-hmac-sha256"] == "qw7xzhQLqjOHOouO+gykmgO9/MgEFmcxPvwZa9gwbr4="
    assert aftership.verify_signature(body, headers["aftership-hmac-sha256"], AFTERSHIP_TEST_SECRET)
    assert aftership.sign(body, AFTERSHIP_TEST_SECRET) == headers["aftership-hmac-sha256"]


def test_a_forged_aftership_signature_is_refused() -> None:
    forged = base64.b64encode(b"\x00" * 32).decode()
    assert not aftership.verify_signature(aftership_body(), forged, AFTERSHIP_TEST_SECRET)


def test_an_aftership_body_altered_by_one_byte_after_signing_is_refused() -> None:
    body = aftership_body()
    altered = body.replace(b"1712741696", b"1712741697", 1)
    assert len(altered) == len(body)
    assert not aftership.verify_signature(altered, aftership_headers()["aftership-hmac-sha256"], AFTERSHIP_TEST_SECRET)


@pytest.mark.parametrize("header", [None, ""])
def test_an_aftership_webhook_without_a_signature_is_refused(header: str | None) -> None:
    assert not aftership.verify_signature(aftership_body(), header, AFTERSHIP_TEST_SECRET)


def test_an_aftership_signature_is_not_accepted_as_hex_or_under_another_secret() -> None:
    body = aftership_body()
    assert not aftership.verify_signature(body, aftership_headers()["aftership-hmac-sha256"], "another-secret")
    hex_digest = base64.b64decode(aftership_headers()["aftership-hmac-sha256"]).hex()
    assert not aftership.verify_signature(body, hex_digest, AFTERSHIP_TEST_SECRET)


def test_an_empty_aftership_secret_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="secret"):
        aftership.verify_signature(aftership_body(), "x", "")


def test_the_documented_aftership_webhook_parses_to_one_in_transit_scan() -> None:
    delivery = aftership.parse_webhook(aftership_body())
    assert delivery.source == "aftership"
    assert delivery.delivery_id == "94dadd60-ed26-46d0-aa52-3ced925a50ff"
    assert delivery.tracking_number == "0000000000000000"
    assert delivery.vendor_carrier_code == "usps"
    assert delivery.sent_at == datetime(2024, 4, 10, 9, 34, 56, tzinfo=UTC)  # ts 1712741696
    assert len(delivery.scans) == 1
    scan = delivery.scans[0]
    assert scan.status is S.IN_TRANSIT
    assert scan.raw_status == "InTransit_001"
    # Naive local time, USPS, no country: its zone is unknowable and it is read as UTC.
    assert scan.occurred_at.isoformat() == "2021-01-14T00:52:00+00:00"
    assert scan.description == "Departed Shipping Partner Facility, USPS Awaiting Item"
    assert scan.tracking_number == "0000000000000000"


def test_aftership_checkpoints_keep_their_own_status_and_come_out_oldest_first() -> None:
    body = aftership_json(
        {
            "tracking_number": "SF1234567890",
            "slug": "sf-express",
            "tag": "Delivered",
            "checkpoints": [
                {
                    "checkpoint_time": "2024-05-02T09:10:00",
                    "tag": "Delivered",
                    "subtag": "Delivered_003",
                    "message": "已签收",
                    "city": "上海市",
                    "country_region": "CHN",
                },
                {
                    "checkpoint_time": "2024-05-01T20:30:00+08:00",
                    "tag": "InTransit",
                    "subtag": "InTransit_002",
                    "message": "已揽收",
                    "location": "杭州市",
                },
                {
                    "checkpoint_time": "2024-05-02T07:00:00",
                    "tag": "OutForDelivery",
                    "subtag": "OutForDelivery_001",
                    "message": "派件中",
                },
            ],
        }
    )
    delivery = aftership.parse_webhook(body)
    assert [scan.status for scan in delivery.scans] == [S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert [scan.occurred_at.isoformat() for scan in delivery.scans] == [
        "2024-05-01T20:30:00+08:00",  # offset given
        "2024-05-02T07:00:00+08:00",  # naive, no country, mainland slug
        "2024-05-02T09:10:00+08:00",  # naive, country CHN
    ]
    assert [scan.location for scan in delivery.scans] == ["杭州市", "", "上海市, CHN"]
    assert delivery.sent_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("checkpoint", "expected"),
    [
        (
            {"checkpoint_time": "2024-05-02T09:10:00", "country_iso3": "USA", "slug": "sf-express"},
            "2024-05-02T09:10:00+00:00",
        ),
        ({"checkpoint_time": "2024-05-02T09:10:00", "country_region": "HKG"}, "2024-05-02T09:10:00+08:00"),
        ({"checkpoint_time": "2024-05-02T09:10:00Z"}, "2024-05-02T09:10:00+00:00"),
        ({"checkpoint_time": "2024-05-02T09:10:00-05:00", "slug": "sf-express"}, "2024-05-02T09:10:00-05:00"),
        ({"checkpoint_time": "2024-05-02", "slug": "yundaex"}, "2024-05-02T00:00:00+08:00"),
    ],
)
def test_an_aftership_checkpoint_time_keeps_its_offset_and_a_naive_one_is_placed_by_country_then_carrier(
    checkpoint: dict[str, str], expected: str
) -> None:
    body = aftership_json(
        {"tracking_number": "T1", "slug": "usps", "checkpoints": [{"tag": "InTransit", **checkpoint}]}
    )
    assert aftership.parse_webhook(body).scans[0].occurred_at.isoformat() == expected


@pytest.mark.parametrize("event", ["edd_revise", "tracking_pending_time", "some_future_event"])
def test_aftership_events_other_than_tracking_update_carry_no_scans(event: str) -> None:
    body = aftership_json(
        {
            "tracking_number": "T1",
            "slug": "usps",
            "checkpoints": [{"checkpoint_time": "2024-05-02T09:10:00", "tag": "InTransit"}],
        },
        event=event,
    )
    delivery = aftership.parse_webhook(body)
    assert delivery.scans == ()
    assert delivery.tracking_number == "T1"
    assert delivery.delivery_id == "e-1"


def test_a_pending_aftership_tracking_without_checkpoints_parses_to_no_scans() -> None:
    delivery = aftership.parse_webhook(aftership_json({"tracking_number": "T1", "slug": "usps", "tag": "Pending"}))
    assert delivery.scans == ()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"not json", "JSON"),
        (b"\xff\xfe", "JSON"),
        (b"[1, 2]", "object"),
        (json.dumps({"event_id": "e", "ts": 1, "msg": {"tracking_number": "T"}}).encode(), "event"),
        (json.dumps({"event": "tracking_update", "ts": 1, "msg": {"tracking_number": "T"}}).encode(), "event_id"),
        (json.dumps({"event": "tracking_update", "event_id": "e", "msg": {"tracking_number": "T"}}).encode(), "ts"),
        (
            json.dumps(
                {"event": "tracking_update", "event_id": "e", "ts": "1", "msg": {"tracking_number": "T"}}
            ).encode(),
            "ts",
        ),
        (json.dumps({"event": "tracking_update", "event_id": "e", "ts": 1}).encode(), "msg"),
        (
            json.dumps({"event": "tracking_update", "event_id": "e", "ts": 1, "msg": {"slug": "usps"}}).encode(),
            "tracking_number",
        ),
        (aftership_json({"tracking_number": "T", "checkpoints": {}}), "checkpoints"),
        (aftership_json({"tracking_number": "T", "checkpoints": [{"tag": "InTransit"}]}), "checkpoint_time"),
        (
            aftership_json(
                {"tracking_number": "T", "checkpoints": [{"checkpoint_time": "14/01/2021", "tag": "InTransit"}]}
            ),
            "checkpoint_time",
        ),
    ],
)
def test_an_aftership_body_missing_what_we_need_is_a_bad_request(body: bytes, field: str) -> None:
    with pytest.raises(WebhookRejected) as rejected:
        aftership.parse_webhook(body)
    assert rejected.value.status == 400
    assert field in rejected.value.reason


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("Pending", S.INFO_RECEIVED),
        ("InfoReceived", S.INFO_RECEIVED),
        ("InTransit", S.IN_TRANSIT),
        ("OutForDelivery", S.OUT_FOR_DELIVERY),
        ("AttemptFail", S.FAILED_ATTEMPT),
        ("Delivered", S.DELIVERED),
        ("AvailableForPickup", S.OUT_FOR_DELIVERY),
        ("Exception", S.EXCEPTION),
        ("Expired", S.EXCEPTION),
    ],
)
def test_every_aftership_tag_maps_to_a_tracking_status(tag: str, expected: TrackingStatus) -> None:
    assert aftership.status_for(tag, None) is expected
    body = aftership_json(
        {"tracking_number": "T", "checkpoints": [{"checkpoint_time": "2024-05-02T09:10:00Z", "tag": tag}]}
    )
    assert aftership.parse_webhook(body).scans[0].status is expected


def test_the_aftership_tag_table_is_exactly_the_nine_documented_tags() -> None:
    assert set(aftership.TAG_STATUS) == {
        "Pending",
        "InfoReceived",
        "InTransit",
        "OutForDelivery",
        "AttemptFail",
        "Delivered",
        "AvailableForPickup",
        "Exception",
        "Expired",
    }


@pytest.mark.parametrize(
    ("subtag", "expected"),
    [
        ("Delivered_001", S.DELIVERED),
        ("Delivered_002", S.DELIVERED),
        ("Delivered_003", S.DELIVERED),
        ("Delivered_004", S.DELIVERED),
        ("AvailableForPickup_001", S.OUT_FOR_DELIVERY),
        ("Exception_001", S.EXCEPTION),
        ("Exception_002", S.EXCEPTION),
        ("Exception_003", S.EXCEPTION),
        ("Exception_004", S.EXCEPTION),
        ("Exception_005", S.EXCEPTION),
        ("Exception_006", S.EXCEPTION),
        ("Exception_007", S.EXCEPTION),
        ("Exception_008", S.EXCEPTION),
        ("Exception_009", S.EXCEPTION),
        ("Exception_010", S.RETURNED_TO_SENDER),
        ("Exception_011", S.RETURNED_TO_SENDER),
        ("Exception_012", S.EXCEPTION),
        ("Exception_013", S.LOST),
        ("AttemptFail_001", S.FAILED_ATTEMPT),
        ("AttemptFail_002", S.FAILED_ATTEMPT),
        ("AttemptFail_003", S.FAILED_ATTEMPT),
        ("InTransit_001", S.IN_TRANSIT),
        ("InTransit_002", S.IN_TRANSIT),
        ("InTransit_003", S.IN_TRANSIT),
        ("InTransit_004", S.IN_TRANSIT),
        ("InTransit_005", S.IN_TRANSIT),
        ("InTransit_006", S.IN_TRANSIT),
        ("InTransit_007", S.IN_TRANSIT),
        ("InTransit_008", S.IN_TRANSIT),
        ("InTransit_009", S.IN_TRANSIT),
        ("InfoReceived_001", S.INFO_RECEIVED),
        ("OutForDelivery_001", S.OUT_FOR_DELIVERY),
        ("OutForDelivery_002", S.OUT_FOR_DELIVERY),
        ("OutForDelivery_003", S.OUT_FOR_DELIVERY),
        ("OutForDelivery_004", S.OUT_FOR_DELIVERY),
        ("Pending_001", S.INFO_RECEIVED),
        ("Expired_001", S.EXCEPTION),
    ],
)
def test_every_documented_aftership_subtag_maps_with_its_tag_to_a_tracking_status(
    subtag: str, expected: TrackingStatus
) -> None:
    tag = subtag.partition("_")[0]
    assert aftership.status_for(tag, subtag) is expected


@pytest.mark.parametrize(
    ("tag", "subtag", "expected"),
    [
        ("Delivered", "Delivered_005", S.DELIVERED),  # added in 2026-07 (A5)
        ("Exception", "Exception_021", S.EXCEPTION),
        (None, "Delivered_005", S.DELIVERED),
        ("SomethingNew", "SomethingNew_001", S.EXCEPTION),
        (None, None, S.EXCEPTION),
    ],
)
def test_an_unknown_aftership_tag_or_subtag_does_not_break_parsing(
    tag: str | None, subtag: str | None, expected: TrackingStatus
) -> None:
    assert aftership.status_for(tag, subtag) is expected


def test_an_aftership_retry_days_later_is_not_stale_but_a_replay_beyond_the_retry_schedule_is() -> None:
    delivery = aftership.parse_webhook(aftership_body())
    sent = datetime(2024, 4, 10, 9, 34, 56, tzinfo=UTC)
    assert not aftership.is_stale(delivery, now=sent + timedelta(hours=137))
    assert aftership.is_stale(delivery, now=sent + timedelta(days=8))
    assert aftership.is_stale(delivery, now=sent - timedelta(minutes=10))  # ts from the future
    assert not aftership.is_stale(delivery, now=sent - timedelta(minutes=1))


# --- native (Standard Webhooks) ------------------------------------------------------------------

NATIVE_SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
OTHER_SECRET = "whsec_" + base64.b64encode(bytes(range(1, 33))).decode()


def native_body(**overrides: object) -> bytes:
    body: dict[str, object] = {
        "tracking_number": "SF1234567890",
        "carrier_code": "shunfeng",
        "scans": [
            {
                "status": "delivered",
                "occurred_at": "2024-05-02T09:10:00+08:00",
                "description": "已签收",
                "location": "上海市",
            },
            {
                "status": "info_received",
                "occurred_at": "2024-05-01T12:30:00Z",
                "description": "已揽收",
                "location": "杭州市",
            },
        ],
    }
    body.update(overrides)
    return json.dumps(body, ensure_ascii=False).encode()


def signed(
    body: bytes, at: datetime | None = None, secret: str = NATIVE_SECRET, msg_id: str = "msg_2p5Zs7"
) -> dict[str, str]:
    return native.sign(body, secret, msg_id, at or datetime.now(UTC))


def test_a_native_webhook_signed_by_us_verifies_and_parses_oldest_first() -> None:
    body = native_body()
    now = datetime.now(UTC).replace(microsecond=0)
    delivery = native.verify_and_parse(body, signed(body, now), NATIVE_SECRET)
    assert delivery.source == "native"
    assert delivery.delivery_id == "msg_2p5Zs7"
    assert delivery.tracking_number == "SF1234567890"
    assert delivery.vendor_carrier_code == "shunfeng"
    assert delivery.sent_at == now
    assert [scan.status for scan in delivery.scans] == [S.INFO_RECEIVED, S.DELIVERED]
    assert [scan.occurred_at.isoformat() for scan in delivery.scans] == [
        "2024-05-01T12:30:00+00:00",
        "2024-05-02T09:10:00+08:00",
    ]
    assert [scan.description for scan in delivery.scans] == ["已揽收", "已签收"]
    assert [scan.location for scan in delivery.scans] == ["杭州市", "上海市"]


def test_native_signature_headers_are_found_whatever_their_case() -> None:
    body = native_body()
    headers = {name.title(): value for name, value in signed(body).items()}
    assert "Webhook-Signature" in headers
    assert native.verify_and_parse(body, headers, NATIVE_SECRET).delivery_id == "msg_2p5Zs7"


def test_signing_converts_an_aware_timestamp_to_utc_instead_of_relabelling_it() -> None:
    body = native_body()
    at_utc = datetime(2024, 5, 1, 2, 0, tzinfo=UTC)
    assert signed(body, at_utc.astimezone(timezone(timedelta(hours=8)))) == signed(body, at_utc)
    assert signed(body, at_utc)["webhook-timestamp"] == "1714528800"


def test_signing_refuses_a_naive_timestamp_and_a_malformed_secret() -> None:
    with pytest.raises(ValueError, match="aware"):
        native.sign(native_body(), NATIVE_SECRET, "m", datetime(2024, 5, 1, 2, 0))
    for secret in ("not-prefixed", "whsec_***", "whsec_" + base64.b64encode(b"short").decode()):
        with pytest.raises(ValueError, match="secret"):
            native.sign(native_body(), secret, "m", datetime.now(UTC))


def test_a_native_webhook_older_than_five_minutes_is_refused_as_stale() -> None:
    body = native_body()
    with pytest.raises(WebhookRejected) as rejected:
        native.verify_and_parse(body, signed(body, datetime.now(UTC) - timedelta(minutes=6)), NATIVE_SECRET)
    assert rejected.value.status == 401
    assert "old" in rejected.value.reason


def test_a_native_webhook_from_more_than_five_minutes_in_the_future_is_refused() -> None:
    body = native_body()
    with pytest.raises(WebhookRejected) as rejected:
        native.verify_and_parse(body, signed(body, datetime.now(UTC) + timedelta(minutes=6)), NATIVE_SECRET)
    assert rejected.value.status == 401
    assert "future" in rejected.value.reason


def test_a_native_webhook_signed_with_another_secret_is_refused_without_leaking_ours() -> None:
    body = native_body()
    with pytest.raises(WebhookRejected) as rejected:
        native.verify_and_parse(body, signed(body, secret=OTHER_SECRET), NATIVE_SECRET)
    assert rejected.value.status == 401
    assert "does not match" in rejected.value.reason
    assert NATIVE_SECRET.removeprefix("whsec_") not in rejected.value.reason


def test_a_native_body_altered_by_one_byte_after_signing_is_refused() -> None:
    body = native_body()
    headers = signed(body)
    altered = body.replace(b'"delivered"', b'"Delivered"', 1)
    assert len(altered) == len(body)
    with pytest.raises(WebhookRejected) as rejected:
        native.verify_and_parse(altered, headers, NATIVE_SECRET)
    assert rejected.value.status == 401


def test_a_native_webhook_id_or_timestamp_changed_after_signing_is_refused() -> None:
    body = native_body()
    headers = signed(body)
    for name, value in (("webhook-id", "msg_other"), ("webhook-timestamp", str(int(headers["webhook-timestamp"]) - 1))):
        with pytest.raises(WebhookRejected) as rejected:
            native.verify_and_parse(body, {**headers, name: value}, NATIVE_SECRET)
        assert rejected.value.status == 401


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_native_webhook_missing_a_signature_header_is_refused_naming_it(missing: str) -> None:
    body = native_body()
    headers = {name: value for name, value in signed(body).items() if name != missing}
    with pytest.raises(WebhookRejected) as rejected:
        native.verify_and_parse(body, headers, NATIVE_SECRET)
    assert rejected.value.status == 401
    assert missing in rejected.value.reason


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("webhook-signature", "v1", "malformed webhook-signature"),
        ("webhook-signature", "v1,AAA", "malformed webhook-signature"),
        ("webhook-signature", "v1,%%%", "malformed webhook-signature"),
        ("webhook-signature", "v2,AAAA", "does not match"),
        ("webhook-timestamp", "1.7e9", "malformed webhook-timestamp"),
        ("webhook-timestamp", "nan", "malformed webhook-timestamp"),
        ("webhook-id", "has space", "malformed webhook-id"),
    ],
)
def test_malformed_native_signature_headers_are_refused_as_unauthenticated(name: str, value: str, reason: str) -> None:
    body = native_body()
    with pytest.raises(WebhookRejected) as rejected:
        native.verify_and_parse(body, {**signed(body), name: value}, NATIVE_SECRET)
    assert rejected.value.status == 401
    assert reason in rejected.value.reason


def test_during_a_key_rotation_any_one_matching_native_signature_is_enough() -> None:
    body = native_body()
    at = datetime.now(UTC)
    old_signature = signed(body, at, secret=OTHER_SECRET)["webhook-signature"]
    headers = signed(body, at)
    headers["webhook-signature"] = f"{old_signature} {headers['webhook-signature']}"
    assert native.verify_and_parse(body, headers, NATIVE_SECRET).tracking_number == "SF1234567890"


def scan_json(**overrides: object) -> dict[str, object]:
    scan: dict[str, object] = {
        "status": "in_transit",
        "occurred_at": "2024-05-01T12:30:00+08:00",
        "description": "",
        "location": "",
    }
    scan.update(overrides)
    return scan


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"not json", "body"),
        (native_body(scans=[scan_json(occurred_at="2024-05-01T12:30:00")]), "scans.0.occurred_at"),
        (native_body(scans=[scan_json(status="signed")]), "scans.0.status"),
        (native_body(scans=[scan_json(status="DELIVERED")]), "scans.0.status"),
        (native_body(scans=[scan_json(weight_g=10)]), "scans.0.weight_g"),
        (native_body(scans=[{"status": "in_transit", "occurred_at": "2024-05-01T12:30:00Z"}]), "scans.0.description"),
        (native_body(scans=[]), "scans"),
        (native_body(scans=[scan_json()] * 101), "scans"),
        (native_body(tracking_number=12345), "tracking_number"),
        (native_body(tracking_number=""), "tracking_number"),
        (native_body(carrier_code=None), "carrier_code"),
        (native_body(merchant_id="m-1"), "merchant_id"),
    ],
)
def test_a_verified_native_body_that_is_not_our_schema_is_a_bad_request(body: bytes, field: str) -> None:
    with pytest.raises(WebhookRejected) as rejected:
        native.verify_and_parse(body, signed(body), NATIVE_SECRET)
    assert rejected.value.status == 400
    assert field in rejected.value.reason


def test_a_native_body_that_is_not_utf8_is_unauthenticated() -> None:
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(datetime.now(UTC).timestamp())),
        "webhook-signature": "v1,AAAA",
    }
    with pytest.raises(WebhookRejected) as rejected:
        native.verify_and_parse(b"\xff", headers, NATIVE_SECRET)
    assert rejected.value.status == 401
    assert "UTF-8" in rejected.value.reason


@pytest.mark.parametrize("status", list(TrackingStatus))
def test_every_tracking_status_is_accepted_in_a_native_scan(status: TrackingStatus) -> None:
    body = native_body(scans=[scan_json(status=status.value)])
    assert native.verify_and_parse(body, signed(body), NATIVE_SECRET).scans[0].status is status


def test_a_malformed_native_secret_is_our_configuration_error_not_a_rejection() -> None:
    body = native_body()
    with pytest.raises(ValueError, match="secret"):
        native.verify_and_parse(body, signed(body), "whsec_not*base64")

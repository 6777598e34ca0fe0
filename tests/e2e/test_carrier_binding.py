"""A carrier moves only its own shipments, and a scan dated before the dispatch never counts
(issue 16), end to end on the real platform.

Each case has a victim shipment, sent scans that must not move it, and an honest shipment of
the same carrier delivered by that carrier's own scans an hour later. Then every clock moves 8
days (auto-confirm is 7): the honest shipment signs off and settlement books it, which shows the
timers ran; the victim has not moved, logistics announced no OrderSignedOff for it and
settlement booked nothing for its order. Under the old matching (tracking number alone, any
date) every victim here was delivered and signed off.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from logistics_support import (
    FORM,
    aftership_body,
    aftership_headers,
    confirmed_order,
    digits_number,
    dispatch,
    kuaidi100_form,
    native_request,
    service_now,
    set_aggregator_secrets,
    sf_number,
    shipment,
    signed_off_events,
    status_becomes,
    table_counts,
    yto_number,
    zto_number,
)
from platform_support import Platform, bearer, every_item
from support import eventually

pytestmark = pytest.mark.infra

KUAIDI100_SALT = secrets.token_hex(16)
AFTERSHIP_SECRET = secrets.token_hex(24)
AUTO_CONFIRM_PASSED_S = 8 * 86400  # auto-confirm is 7 days after delivery
Parcel = tuple[dict[str, Any], dict[str, Any]]  # (order, shipment)


@pytest.fixture(scope="module", autouse=True)
async def aggregator_secrets(platform: Platform) -> None:
    await set_aggregator_secrets(platform, kuaidi100_salt=KUAIDI100_SALT, aftership_secret=AFTERSHIP_SECRET)


# --- helpers ----------------------------------------------------------------------------------


async def shipped(client: httpx.AsyncClient, platform: Platform, carrier_code: str, number: str) -> Parcel:
    order = await confirmed_order(client, platform)
    return order, await dispatch(client, platform, order, tracking_number=number, carrier_code=carrier_code)


async def carrier_secret(client: httpx.AsyncClient, platform: Platform, carrier_code: str) -> str:
    """The carrier's native webhook secret (rotated by ops: a secret is shown only then)."""
    response = await client.post(
        f"{platform.url('logistics-svc')}/v1/carriers/{carrier_code}/webhook-secret",
        headers=bearer(platform.keys["ops"]),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["webhook_secret"])


async def post_native(
    client: httpx.AsyncClient,
    platform: Platform,
    path_carrier: str,
    number: str,
    scans: list[tuple[str, datetime]],
    *,
    body_carrier: str | None = None,
    secret: str | None = None,
) -> httpx.Response:
    """A native webhook to the path carrier's endpoint, signed with that carrier's own secret
    (``secret``, or rotated now: an audited action, whose chain head logistics publishes later)."""
    secret = secret or await carrier_secret(client, platform, path_carrier)
    raw, headers = native_request(number, scans, secret, carrier_code=body_carrier or path_carrier)
    return await client.post(
        f"{platform.url('logistics-svc')}/v1/webhooks/carriers/{path_carrier}", content=raw, headers=headers
    )


async def post_aftership(
    client: httpx.AsyncClient, platform: Platform, slug: str, number: str, checkpoints: list[tuple[str, str, datetime]]
) -> None:
    now = await service_now(client, platform.url("logistics-svc"))
    body = aftership_body(number, checkpoints, now, slug=slug)
    response = await client.post(
        f"{platform.url('logistics-svc')}/v1/webhooks/aftership",
        content=body,
        headers=aftership_headers(body, AFTERSHIP_SECRET),
    )
    assert response.status_code == 200, response.text


async def post_kuaidi100(
    client: httpx.AsyncClient,
    platform: Platform,
    com: str,
    number: str,
    scans: list[tuple[str, str, datetime]],
    state: str = "3",
) -> None:
    form = kuaidi100_form(number, scans, KUAIDI100_SALT, state, com=com)
    response = await client.post(f"{platform.url('logistics-svc')}/v1/webhooks/kuaidi100", content=form, headers=FORM)
    assert response.status_code == 200, response.text


async def parked_under(
    client: httpx.AsyncClient, platform: Platform, number: str, carrier_code: str | None
) -> dict[str, Any]:
    """The ops read of scans no shipment took, once those of ``carrier_code`` (None: unknown)
    for ``number`` are there: proof the consumer has handled them."""

    async def found() -> dict[str, Any] | None:
        response = await client.get(
            f"{platform.url('logistics-svc')}/v1/scans-parked",
            params={"tracking_number": number},
            headers=bearer(platform.keys["ops"]),
        )
        assert response.status_code == 200, response.text
        return next((group for group in response.json()["items"] if group["carrier_code"] == carrier_code), None)

    return await eventually(found, timeout_s=30)


async def order_settlement(client: httpx.AsyncClient, platform: Platform, order_id: str) -> dict[str, Any]:
    async def known() -> dict[str, Any] | None:
        response = await client.get(
            f"{platform.url('settlement-svc')}/v1/orders/{order_id}/settlement", headers=bearer(platform.keys["ops"])
        )
        return response.json() if response.status_code == 200 else None

    return await eventually(known, timeout_s=30)


async def eta_blockers(client: httpx.AsyncClient, platform: Platform, order_id: str) -> list[str]:
    response = await client.get(
        f"{platform.url('settlement-svc')}/v1/orders/{order_id}/settlement-eta",
        headers=bearer(platform.keys["merchant_a"]),
    )
    return [blocker["blocker"] for blocker in response.json()["blockers"]] if response.status_code == 200 else []


async def past_auto_confirm(client: httpx.AsyncClient, platform: Platform, honest: Parcel) -> None:
    """Every clock 8 days on: the honest shipment (delivered by its own carrier) signs off and
    settlement books its order. A victim's timer, had one been set by the scans sent before the
    honest delivery, would have been due earlier and fired first."""
    order, parcel = honest
    await platform.advance_clock(AUTO_CONFIRM_PASSED_S)
    await status_becomes(client, platform, parcel["shipment_id"], "signed_off")

    async def booked() -> bool:
        settlement = await order_settlement(client, platform, order["order_id"])
        return [tx["kind"] for tx in settlement["transactions"]] == ["sign_off"]

    await eventually(booked, timeout_s=30)


async def never_moved(client: httpx.AsyncClient, platform: Platform, victim: Parcel) -> dict[str, Any]:
    order, parcel = victim
    found = await shipment(client, platform, parcel["shipment_id"])
    assert (found["status"], found["delivered_at"], found["signed_off_at"]) == ("dispatched", None, None)
    assert await signed_off_events(parcel["shipment_id"]) == 0
    settlement = await order_settlement(client, platform, order["order_id"])
    assert (settlement["transactions"], settlement["holds"]) == ([], [])
    return found


# --- another carrier's scans ---------------------------------------------------------------------


async def test_a_native_push_through_another_carriers_endpoint_never_moves_the_shipment(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    victim = await shipped(client, platform, "ZTO", zto_number())
    honest = await shipped(client, platform, "ZTO", zto_number())
    number = victim[1]["tracking_number"]
    now = await service_now(client, platform.url("logistics-svc"))

    # YTO's secret, a body naming the ZTO parcel's carrier: refused, kept for inspection only.
    yto_secret = await carrier_secret(client, platform, "YTO")  # before the count: it is audited
    before = await table_counts(platform)
    refused = await post_native(
        client, platform, "YTO", number, [("delivered", now)], body_carrier="ZTO", secret=yto_secret
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["type"].endswith("/carrier-mismatch")
    assert [error["field"] for error in problem["errors"]] == ["body.carrier_code"]
    after = await table_counts(platform)
    assert after == {**before, "rejected_webhooks": before["rejected_webhooks"] + 1}

    # YTO's secret, a body honestly naming YTO: YTO's scans, kept apart from ZTO's shipment.
    accepted = await post_native(client, platform, "YTO", number, [("delivered", now)], body_carrier="yuantong")
    assert accepted.status_code == 200, accepted.text
    group = await parked_under(client, platform, number, "YTO")
    assert group["reason"] == "another-carrier-holds-the-number"
    assert group["held_by_other_carriers"] == [{"shipment_id": victim[1]["shipment_id"], "carrier_code": "ZTO"}]
    assert [scan["status"] for scan in group["scans"]] == ["delivered"]

    # ZTO's own native push (its body may name it by its Kuaidi100 code) moves ZTO's parcel.
    own = await post_native(
        client,
        platform,
        "ZTO",
        honest[1]["tracking_number"],
        [("delivered", now + timedelta(hours=1))],
        body_carrier="zhongtong",
    )
    assert own.status_code == 200, own.text
    await status_becomes(client, platform, honest[1]["shipment_id"], "delivered")

    await past_auto_confirm(client, platform, honest)
    found = await never_moved(client, platform, victim)
    assert found["scans"] == []


async def test_an_aftership_push_with_another_carriers_or_an_unknown_slug_never_moves_the_shipment(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    victim = await shipped(client, platform, "ZTO", zto_number())
    honest = await shipped(client, platform, "ZTO", zto_number())
    number = victim[1]["tracking_number"]
    now = await service_now(client, platform.url("logistics-svc"))
    delivered = [("InTransit", "Departed facility", now), ("Delivered", "Signed by consignee", now)]
    for slug in ("yto", "sf-express", "zto-express"):  # zto-express: ZTO Global, not in our registry
        await post_aftership(client, platform, slug, number, delivered)
    assert (await parked_under(client, platform, number, "YTO"))["reason"] == "another-carrier-holds-the-number"
    assert (await parked_under(client, platform, number, "SF"))["reason"] == "another-carrier-holds-the-number"
    unknown = await parked_under(client, platform, number, None)
    assert (unknown["reason"], unknown["vendor_carrier_codes"]) == ("carrier-unknown", ["zto-express"])

    later = now + timedelta(hours=1)
    await post_aftership(
        client, platform, "zto-domestic", honest[1]["tracking_number"], [("Delivered", "Signed by consignee", later)]
    )
    await status_becomes(client, platform, honest[1]["shipment_id"], "delivered")

    await past_auto_confirm(client, platform, honest)
    await never_moved(client, platform, victim)


async def test_a_kuaidi100_push_with_another_carriers_or_an_unknown_com_never_moves_the_shipment(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    victim = await shipped(client, platform, "YTO", yto_number())
    honest = await shipped(client, platform, "YTO", yto_number())
    number = victim[1]["tracking_number"]
    now = await service_now(client, platform.url("logistics-svc"))
    for com in ("zhongtong", "shunfeng", "no-such-com"):
        await post_kuaidi100(client, platform, com, number, [("签收", "快件已签收", now)])
    assert (await parked_under(client, platform, number, "ZTO"))["reason"] == "another-carrier-holds-the-number"
    assert (await parked_under(client, platform, number, "SF"))["reason"] == "another-carrier-holds-the-number"
    assert (await parked_under(client, platform, number, None))["vendor_carrier_codes"] == ["no-such-com"]

    await post_kuaidi100(
        client, platform, "yuantong", honest[1]["tracking_number"], [("签收", "快件已签收", now + timedelta(hours=1))]
    )
    await status_becomes(client, platform, honest[1]["shipment_id"], "delivered")

    await past_auto_confirm(client, platform, honest)
    await never_moved(client, platform, victim)


async def test_the_same_number_held_by_sf_and_zto_is_moved_by_each_carrier_only_for_its_own_parcel(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    number = digits_number()  # 12 digits: in SF's format and in ZTO's
    by_sf = await shipped(client, platform, "SF", number)
    by_zto = await shipped(client, platform, "ZTO", number)  # another carrier: not "in use"
    assert by_sf[1]["tracking_number"] == by_zto[1]["tracking_number"] == number

    now = await service_now(client, platform.url("logistics-svc"))
    await post_kuaidi100(client, platform, "shunfeng", number, [("签收", "顺丰 快件已签收", now)])
    await status_becomes(client, platform, by_sf[1]["shipment_id"], "delivered")
    await past_auto_confirm(client, platform, by_sf)
    await never_moved(client, platform, by_zto)

    # ZTO's own push, days later, moves ZTO's parcel and leaves SF's as it was.
    now = await service_now(client, platform.url("logistics-svc"))
    await post_aftership(client, platform, "zto-domestic", number, [("Delivered", "中通 已签收", now)])
    zto_parcel = await status_becomes(client, platform, by_zto[1]["shipment_id"], "delivered")
    assert [scan["description"] for scan in zto_parcel["scans"]] == ["中通 已签收"]
    sf_parcel = await shipment(client, platform, by_sf[1]["shipment_id"])
    assert sf_parcel["status"] == "signed_off"
    assert [scan["description"] for scan in sf_parcel["scans"]] == ["顺丰 快件已签收"]


# --- scans dated before the dispatch -----------------------------------------------------------


async def test_a_delivery_dated_before_the_dispatch_flags_the_shipment_until_ops_clear_it(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    victim = await shipped(client, platform, "ZTO", zto_number())
    honest = await shipped(client, platform, "ZTO", zto_number())
    dispatched_at = datetime.fromisoformat(victim[1]["dispatched_at"])
    old = await post_native(
        client, platform, "ZTO", victim[1]["tracking_number"], [("delivered", dispatched_at - timedelta(days=8))]
    )
    assert old.status_code == 200, old.text

    async def flagged() -> dict[str, Any] | None:
        found = await shipment(client, platform, victim[1]["shipment_id"])
        return found if found["ops_flags"] else None

    found = await eventually(flagged, timeout_s=30)
    [flag] = found["ops_flags"]
    assert (flag["code"], flag["blocks_sign_off"], flag["cleared_at"]) == ("delivered-before-dispatch", True, None)
    assert [(scan["status"], scan["counts"]) for scan in found["scans"]] == [("delivered", False)]
    assert found["status"] == "dispatched"
    assert found["auto_confirm"]["state"] == "held_for_ops"
    queue = await every_item(
        client, f"{platform.url('logistics-svc')}/v1/shipments-flagged", bearer(platform.keys["ops"])
    )
    assert victim[1]["shipment_id"] in {row["shipment_id"] for row in queue}

    async def shown_as_blocker() -> bool:
        return "tracking_under_review" in await eta_blockers(client, platform, victim[0]["order_id"])

    await eventually(shown_as_blocker, timeout_s=30)

    now = await service_now(client, platform.url("logistics-svc"))
    own = await post_native(
        client, platform, "ZTO", honest[1]["tracking_number"], [("delivered", now + timedelta(hours=1))]
    )
    assert own.status_code == 200, own.text
    await status_becomes(client, platform, honest[1]["shipment_id"], "delivered")
    await past_auto_confirm(client, platform, honest)
    await never_moved(client, platform, victim)

    # Only ops clear the flag, once, and who and why are kept.
    clear_url = (
        f"{platform.url('logistics-svc')}/v1/shipments/{victim[1]['shipment_id']}"
        "/ops-flags/delivered-before-dispatch/clear"
    )
    reason = {"reason": "ZTO confirmed: the number was recycled; this parcel left on the dispatch date"}
    by_merchant = await client.post(clear_url, json=reason, headers=bearer(platform.keys["merchant_a"]))
    assert by_merchant.status_code == 403
    by_ops = await client.post(clear_url, json=reason, headers=bearer(platform.keys["ops"]))
    assert by_ops.status_code == 200, by_ops.text
    [cleared] = by_ops.json()["ops_flags"]
    assert (cleared["cleared_by"], cleared["clear_reason"]) == (platform.keys["ops"]["key_id"], reason["reason"])
    assert by_ops.json()["auto_confirm"]["state"] == "awaiting_delivery"
    again = await client.post(clear_url, json=reason, headers=bearer(platform.keys["ops"]))
    assert again.status_code == 409
    unknown = await client.post(
        clear_url.replace("delivered-before-dispatch", "no-such-flag"),
        json=reason,
        headers=bearer(platform.keys["ops"]),
    )
    assert unknown.status_code == 404

    async def no_longer_a_blocker() -> bool:
        return await eta_blockers(client, platform, victim[0]["order_id"]) == ["not_delivered"]

    await eventually(no_longer_a_blocker, timeout_s=30)


async def test_a_tracking_number_delivered_before_is_refused_when_a_shipment_holds_it_and_flagged_when_only_parked_scans_do(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    # Held by a shipment (of any order, delivered and signed off): refused at dispatch.
    first_order, first = await shipped(client, platform, "SF", sf_number())
    now = await service_now(client, platform.url("logistics-svc"))
    await post_kuaidi100(client, platform, "shunfeng", first["tracking_number"], [("签收", "已签收", now)])
    await status_becomes(client, platform, first["shipment_id"], "delivered")
    confirmed = await client.post(
        f"{platform.url('logistics-svc')}/v1/orders/{first_order['order_id']}/confirm-receipt",
        headers=bearer(platform.keys["platform"]),
    )
    assert confirmed.status_code == 200, confirmed.text
    second_order = await confirmed_order(client, platform)
    before = await table_counts(platform)

    async def once_logistics_knows_the_order() -> httpx.Response | None:
        # The confirmation reaches logistics through the bus: until then the order is unknown
        # there (404) and nothing is written either way.
        response = await client.post(
            f"{platform.url('logistics-svc')}/v1/shipments",
            json={
                "order_id": second_order["order_id"],
                "carrier_code": "SF",
                "tracking_number": first["tracking_number"],
                "lines": [{"line_id": "L1", "quantity": 2}],
            },
            headers=bearer(platform.keys["merchant_a"]),
        )
        unknown = response.status_code in (404, 409) and response.json()["type"].rsplit("/", 1)[1] in (
            "not-found",
            "shipping-info-not-confirmed",
        )
        return None if unknown else response

    reused = await eventually(once_logistics_knows_the_order, timeout_s=30)
    assert reused.status_code == 409, reused.text
    assert reused.json()["type"].endswith("/tracking-number-in-use")
    assert await table_counts(platform) == before

    # Known only from scans no shipment took: the dispatch goes through, flagged and held.
    number = sf_number()
    await post_kuaidi100(client, platform, "shunfeng", number, [("签收", "已签收（旧件）", now - timedelta(days=10))])
    assert (await parked_under(client, platform, number, "SF"))["reason"] == "no-shipment-yet"
    victim = await shipped(client, platform, "SF", number)
    assert victim[1]["status"] == "dispatched"
    assert [flag["code"] for flag in victim[1]["ops_flags"]] == ["delivered-before-dispatch"]
    assert victim[1]["auto_confirm"]["state"] == "held_for_ops"

    honest = await shipped(client, platform, "SF", sf_number())
    later = await service_now(client, platform.url("logistics-svc")) + timedelta(hours=1)
    await post_kuaidi100(client, platform, "shunfeng", honest[1]["tracking_number"], [("签收", "已签收", later)])
    await status_becomes(client, platform, honest[1]["shipment_id"], "delivered")
    await past_auto_confirm(client, platform, honest)
    await never_moved(client, platform, victim)
    assert "tracking_under_review" in await eta_blockers(client, platform, victim[0]["order_id"])


async def test_parked_scans_and_flag_clearing_are_for_ops_only(platform: Platform, client: httpx.AsyncClient) -> None:
    base = platform.url("logistics-svc")
    for role in ("merchant_a", "platform"):
        response = await client.get(f"{base}/v1/scans-parked", headers=bearer(platform.keys[role]))
        assert response.status_code == 403, (role, response.text)
    auditor = await client.get(f"{base}/v1/scans-parked", headers=bearer(platform.keys["auditor"]))
    assert auditor.status_code == 200
    bad = await client.get(
        f"{base}/v1/scans-parked", params={"tracking_number": "x'; --"}, headers=bearer(platform.keys["ops"])
    )
    assert bad.status_code == 422
    short_reason = await client.post(
        f"{base}/v1/shipments/SH-none/ops-flags/delivered-before-dispatch/clear",
        json={"reason": ""},
        headers=bearer(platform.keys["ops"]),
    )
    assert short_reason.status_code == 422
    assert short_reason.json()["errors"][0]["field"] == "body.reason"

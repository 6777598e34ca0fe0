"""Every list pages with one keyset cursor (shipsettle_shared.pagination), on the real platform:
a list longer than a page, walked with ``next_cursor``, gives every item exactly once and in its
order; a page size over the maximum, a malformed or altered cursor, or a cursor of another listing
(another merchant's path, another route, other filters) is a 422 problem that shows nothing; a
cursor of another merchant's listing on a route scoped by the key shows only the caller's own.
One or more lists per service: vouchers (settlement), API keys (orders), refunds (refunds),
discrepancies (recon), parked scans (logistics)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from logistics_support import service_now, sf_number
from order_support import simple_order
from platform_support import Platform, bearer, every_item, every_page, new_merchant
from support import eventually
from test_carrier_binding import parked_under, post_native
from test_recon import import_merchant_records
from test_settlement_eta import place

from shipsettle_shared.pagination import MAX_PAGE_SIZE

pytestmark = pytest.mark.infra

PROBLEM_JSON = "application/problem+json"


async def refused_page(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], params: dict[str, Any], field: str
) -> httpx.Response:
    answer = await client.get(url, params=params, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert [error["field"] for error in answer.json()["errors"]] == [field]
    return answer


async def first_cursor(client: httpx.AsyncClient, url: str, headers: dict[str, str], **params: Any) -> str:
    page = await client.get(url, params={**params, "limit": 1}, headers=headers)
    assert page.status_code == 200, page.text
    cursor: str = page.json()["next_cursor"]
    assert cursor
    return cursor


async def test_vouchers_page_by_page_each_once_in_upload_order_and_bad_pages_are_refused(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    owner, other = await new_merchant(platform, "pages-a"), await new_merchant(platform, "pages-b")
    settlement = f"{platform.url('settlement-svc')}/v1/merchants"
    url = f"{settlement}/{owner['merchant_id']}/vouchers"
    uploaded = []
    for number in range(5):
        voucher = await client.post(
            url,
            data={"kind": "invoice"},
            files={"file": (f"invoice-{number}.pdf", b"%PDF-1.7\n" + bytes([48 + number]), "application/pdf")},
            headers=bearer(owner),
        )
        assert voucher.status_code == 201, voucher.text
        uploaded.append(voucher.json()["voucher_id"])

    pages = await every_page(client, url, bearer(owner), limit=2)
    assert [len(page) for page in pages] == [2, 2, 1]  # 5 vouchers, 2 a page
    assert [voucher["voucher_id"] for page in pages for voucher in page] == uploaded  # oldest first, once each
    whole = (await client.get(url, headers=bearer(owner))).json()
    assert ([v["voucher_id"] for v in whole["items"]], whole["next_cursor"]) == (uploaded, None)

    # page sizes out of bounds, and cursors that are not this listing's: 422, showing nothing
    for limit in (MAX_PAGE_SIZE + 1, 0):
        await refused_page(client, url, bearer(owner), {"limit": limit}, "query.limit")
    cursor = await first_cursor(client, url, bearer(owner))
    for wrong in ("garbage", cursor[:-1], cursor[:-13] + "A" + cursor[-12:], cursor + "x"):
        await refused_page(client, url, bearer(owner), {"cursor": wrong}, "query.cursor")
    # the owner's cursor on the other merchant's vouchers, by that merchant: another listing
    foreign = await refused_page(
        client, f"{settlement}/{other['merchant_id']}/vouchers", bearer(other), {"cursor": cursor}, "query.cursor"
    )
    assert not any(voucher_id in foreign.text for voucher_id in uploaded)
    # and on another route of the same merchant
    await refused_page(
        client, f"{settlement}/{owner['merchant_id']}/payouts", bearer(owner), {"cursor": cursor}, "query.cursor"
    )


async def test_a_merchants_api_keys_page_by_page_each_once_in_issue_order(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    first = await new_merchant(platform, "pages-keys")
    issued = [first["key_id"]]
    for number in range(4):
        created = await client.post(
            f"{platform.url('order-svc')}/v1/api-keys",
            json={"role": "merchant", "merchant_id": first["merchant_id"], "label": f"pages {number}"},
            headers=bearer(platform.keys["ops"]),
        )
        assert created.status_code == 201, created.text
        issued.append(created.json()["key_id"])
    url = f"{platform.url('order-svc')}/v1/merchants/{first['merchant_id']}/api-keys"
    pages = await every_page(client, url, bearer(first), limit=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [key["key_id"] for page in pages for key in page] == issued
    await refused_page(client, url, bearer(first), {"limit": MAX_PAGE_SIZE + 1}, "query.limit")
    await refused_page(client, url, bearer(first), {"cursor": "e30.000000000000"}, "query.cursor")


async def test_refunds_page_by_page_and_another_merchants_cursor_shows_only_the_callers_own(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    """GET /v1/refunds is scoped by the key, not the path: the same cursor is valid for any
    merchant, and it is only a position — the scoped WHERE clause still filters every row."""
    merchant = await new_merchant(platform, "pages-refunds")
    orders = [simple_order(merchant["merchant_id"], unit_price=price) for price in ("10.00", "20.00", "30.00")]
    for order in orders:
        await place(client, platform, order)
        cancelled = await client.post(
            f"{platform.url('order-svc')}/v1/orders/{order['order_id']}/cancel",
            json={"reason": "pagination test"},
            headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert cancelled.status_code == 200, cancelled.text
    url = f"{platform.url('refund-svc')}/v1/refunds"

    async def three_refunds() -> list[dict[str, Any]] | None:
        found = await every_item(client, url, bearer(merchant))
        return found if len(found) == 3 else None

    whole = await eventually(three_refunds, timeout_s=30)  # refund-svc opens one per cancellation
    pages = await every_page(client, url, bearer(merchant), limit=2)
    assert [len(page) for page in pages] == [2, 1]
    walked = [refund for page in pages for refund in page]
    assert [r["refund_id"] for r in walked] == [r["refund_id"] for r in whole]
    assert len({r["refund_id"] for r in walked}) == 3
    assert {r["order_id"] for r in walked} == {order["order_id"] for order in orders}
    assert [r["requested_at"] for r in walked] == sorted(r["requested_at"] for r in walked)  # oldest first

    cursor = await first_cursor(client, url, bearer(merchant))
    # merchant B with this merchant's cursor: a position only; B sees none of these refunds
    foreign = await client.get(url, params={"cursor": cursor}, headers=bearer(platform.keys["merchant_b"]))
    assert foreign.status_code == 200, foreign.text
    assert {r["merchant_id"] for r in foreign.json()["items"]} <= {platform.keys["merchant_b"]["merchant_id"]}
    assert not any(r["refund_id"] in foreign.text or r["order_id"] in foreign.text for r in walked)
    # other filters, or another route: another listing
    await refused_page(client, url, bearer(merchant), {"cursor": cursor, "status": "completed"}, "query.cursor")
    await refused_page(
        client, f"{platform.url('refund-svc')}/v1/refund-sla", bearer(merchant), {"cursor": cursor}, "query.cursor"
    )


async def test_discrepancies_page_by_page_newest_first_and_only_the_merchants_own(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await new_merchant(platform, "pages-recon")
    mid = merchant["merchant_id"]
    today = (await service_now(client, platform.url("recon-svc"))).date()
    strays = [f"NOT-OURS-{uuid.uuid4().hex[:8]}" for _ in range(5)]
    imported = await import_merchant_records(client, platform, merchant, [(stray, "5.00") for stray in strays], today)
    assert imported.status_code == 201, imported.text
    assert sorted(d["order_id"] for d in imported.json()["discrepancies"]) == sorted(strays)  # one per stray

    url = f"{platform.url('recon-svc')}/v1/discrepancies"
    pages = await every_page(client, url, bearer(merchant), limit=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    walked = [d for page in pages for d in page]
    assert sorted(d["reference"] for d in walked) == sorted(strays)  # each once
    made = {d["discrepancy_id"] for d in walked}
    assert len(made) == 5
    newest_first = sorted(walked, key=lambda d: (d["created_at"], d["discrepancy_id"]), reverse=True)
    assert [d["discrepancy_id"] for d in walked] == [d["discrepancy_id"] for d in newest_first]

    cursor = await first_cursor(client, url, bearer(merchant))
    foreign = await client.get(url, params={"cursor": cursor}, headers=bearer(platform.keys["merchant_b"]))
    assert foreign.status_code == 200, foreign.text
    assert {d["merchant_id"] for d in foreign.json()["items"]} <= {platform.keys["merchant_b"]["merchant_id"]}
    assert not any(discrepancy_id in foreign.text for discrepancy_id in made)
    assert mid not in foreign.text
    await refused_page(client, url, bearer(merchant), {"limit": MAX_PAGE_SIZE + 1}, "query.limit")
    await refused_page(client, url, bearer(merchant), {"cursor": cursor, "status": "open"}, "query.cursor")


async def test_parked_scans_page_by_page_each_group_once_in_carrier_and_number_order(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    """An ops list of the whole platform: three numbers of our own parked, then every page."""
    now = await service_now(client, platform.url("logistics-svc"))
    numbers = [sf_number() for _ in range(3)]
    for number in numbers:
        answer = await post_native(client, platform, "SF", number, [("in_transit", now)])
        assert answer.status_code == 200, answer.text
    for number in numbers:
        await parked_under(client, platform, number, "SF")

    url = f"{platform.url('logistics-svc')}/v1/scans-parked"
    ops = bearer(platform.keys["ops"])
    pages = await every_page(client, url, ops, limit=2)
    assert len(pages) >= 2
    keys = [(group["carrier_code"] or "", group["tracking_number"]) for page in pages for group in page]
    assert keys == sorted(set(keys))  # each group once, by carrier code then number
    assert {("SF", number) for number in numbers} <= set(keys)
    await refused_page(client, url, ops, {"limit": MAX_PAGE_SIZE + 1}, "query.limit")
    cursor = await first_cursor(client, url, ops)
    await refused_page(client, url, ops, {"cursor": cursor, "tracking_number": numbers[0]}, "query.cursor")

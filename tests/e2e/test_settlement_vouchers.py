"""Vouchers attached to a settlement application end to end (issue 19): the review rule that needs
them (settlement_svc/domain/payouts.py: over ``vouchers_over_minor``, ¥10,000.00 = 1,000,000 fen,
an application without vouchers waits for ops), vouchers uploaded through the real endpoint and
attached, the payout paid by the sandbox bank; and the refusals across the merchant boundary.

Policy: T+0 (hold 0 days: available at the buyer's sign-off), commission 5%. Orders, through the
platform up to the buyer's confirmed receipt, merchant net worked by hand:
- pair: 2 x 50.00 = 10000, commission 500, net 9500;
- large: 2 x 6000.00 = 1200000, commission 60000, net 1140000 (over the voucher line of 1000000,
  under the review and four-eyes lines of 5000000).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import httpx
import pytest
from order_support import simple_order
from platform_support import Platform, bearer, every_item
from support import eventually
from test_settlement_cycles import signed_off_and_held
from test_settlement_policies import NO_MONEY, verified_account
from test_settlement_refunds import full_balances, ledger_is_sound, merchant_with_policy, wait_for_balances

pytestmark = pytest.mark.infra

VOUCHERS_NEEDED = "vouchers (invoice, logistics documents) are required over 1000000 fen"
INVOICE = "%PDF-1.7\n% 增值税普通发票 No. 044001900111\n".encode()
WAYBILL = b"\x89PNG\r\n\x1a\n" + b"waybill SF scan"


async def upload_voucher(
    client: httpx.AsyncClient,
    platform: Platform,
    key: dict[str, str],
    merchant_id: str,
    kind: str,
    file: tuple[str, bytes, str],
) -> httpx.Response:
    return await client.post(
        f"{platform.url('settlement-svc')}/v1/merchants/{merchant_id}/vouchers",
        data={"kind": kind},
        files={"file": file},
        headers=bearer(key),
    )


async def apply(
    client: httpx.AsyncClient, platform: Platform, key: dict[str, str], merchant_id: str, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(
        f"{platform.url('settlement-svc')}/v1/merchants/{merchant_id}/settlement-applications",
        json=body,
        headers={**bearer(key), "Idempotency-Key": str(uuid.uuid4())},
    )


async def applications(client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str]) -> list[dict[str, Any]]:
    url = f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/settlement-applications"
    return await every_item(client, url, bearer(merchant))


async def paid(
    client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str], application_id: str
) -> dict[str, Any]:
    """The application once the sandbox bank's callback said paid."""

    async def found() -> dict[str, Any] | None:
        [application] = [
            a for a in await applications(client, platform, merchant) if a["application_id"] == application_id
        ]
        return application if application["status"] == "paid" else None

    return await eventually(found, timeout_s=60)


async def test_an_application_over_the_voucher_line_waits_for_ops_without_vouchers_and_is_paid_at_once_with_them(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await merchant_with_policy(
        platform, client, "vouchers-rule", {"hold_days": 0, "default_commission_bp": 500}
    )
    mid = merchant["merchant_id"]
    ops = platform.keys["ops"]
    settlement = f"{platform.url('settlement-svc')}/v1"
    account_id = await verified_account(client, platform, merchant)

    # 1. A first payout to the account, 9500, under the voucher line: reviewed for the new account
    # only, and paid once ops approve it.
    await signed_off_and_held(client, platform, merchant, simple_order(mid, unit_price="50.00", quantity=2))
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"]["available"] == 9500)
    first = await apply(client, platform, merchant, mid, {"bank_account_id": account_id})
    assert first.status_code == 201, first.text
    assert (first.json()["status"], first.json()["review_reasons"]) == (
        "in_review",
        ["first payout to this bank account"],
    )
    approved = await client.post(
        f"{settlement}/settlement-applications/{first.json()['application_id']}/approve",
        json={"reason": "new account checked against the licence"},
        headers=bearer(ops),
    )
    assert approved.status_code == 200, approved.text
    await paid(client, platform, merchant, first.json()["application_id"])

    # 2. The large order: 1140000 available, 9500 paid out.
    await signed_off_and_held(client, platform, merchant, simple_order(mid, unit_price="6000.00", quantity=2))
    funded = {**NO_MONEY, "available": 1_140_000, "paid_out": 9500}
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"] == funded)

    # 3. Another merchant's voucher, or one nobody uploaded, is refused as unknown; nothing moves.
    other = platform.keys["merchant_b"]
    foreign = await upload_voucher(
        client, platform, other, other["merchant_id"], "invoice", ("invoice.pdf", INVOICE, "application/pdf")
    )
    assert foreign.status_code == 201, foreign.text
    foreign_id = foreign.json()["voucher_id"]
    for voucher_ids in ([foreign_id], ["V-000000000000"]):
        refused = await apply(
            client, platform, merchant, mid, {"bank_account_id": account_id, "voucher_ids": voucher_ids}
        )
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["type"].endswith("/unknown-voucher")
        assert [error["field"] for error in problem["errors"]] == ["body.voucher_ids"]
    assert (await full_balances(client, platform, merchant))["balances_minor"] == funded
    assert [a["application_id"] for a in await applications(client, platform, merchant)] == [
        first.json()["application_id"]
    ]

    # 4. The whole 1140000 without a voucher: over the line, so it waits for ops with that reason
    # alone (the account was paid before), the money in payout meanwhile.
    unvouched = await apply(client, platform, merchant, mid, {"bank_account_id": account_id})
    assert unvouched.status_code == 201, unvouched.text
    waiting = unvouched.json()
    assert (waiting["amount_minor"], waiting["status"], waiting["review_reasons"], waiting["voucher_ids"]) == (
        1_140_000,
        "in_review",
        [VOUCHERS_NEEDED],
        [],
    )
    queue = await every_item(client, f"{settlement}/settlement-applications/review-queue", bearer(ops))
    [queued] = [a for a in queue if a["application_id"] == waiting["application_id"]]
    assert queued["review_reasons"] == [VOUCHERS_NEEDED]
    assert (await full_balances(client, platform, merchant))["balances_minor"] == {
        **NO_MONEY,
        "in_payout": 1_140_000,
        "paid_out": 9500,
    }
    # ops send it back for its invoice: the 1140000 is available again
    rejected = await client.post(
        f"{settlement}/settlement-applications/{waiting['application_id']}/reject",
        json={"reason": "请附发票和物流单据"},
        headers=bearer(ops),
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"] == funded)

    # 5. The merchant uploads its invoice and the waybill; ops see both, with their hashes.
    invoice = await upload_voucher(
        client, platform, merchant, mid, "invoice", ("invoice.pdf", INVOICE, "application/pdf")
    )
    waybill = await upload_voucher(
        client, platform, merchant, mid, "logistics_document", ("waybill.png", WAYBILL, "image/png")
    )
    assert (invoice.status_code, waybill.status_code) == (201, 201), (invoice.text, waybill.text)
    voucher_ids = [invoice.json()["voucher_id"], waybill.json()["voucher_id"]]
    seen_by_ops = await every_item(client, f"{settlement}/merchants/{mid}/vouchers", bearer(ops))
    assert [(v["voucher_id"], v["kind"], v["sha256"]) for v in seen_by_ops] == [
        (voucher_ids[0], "invoice", hashlib.sha256(INVOICE).hexdigest()),
        (voucher_ids[1], "logistics_document", hashlib.sha256(WAYBILL).hexdigest()),
    ]
    # another merchant's key may not apply on this merchant's money with them: as if it did not exist
    crossing = await apply(client, platform, other, mid, {"bank_account_id": account_id, "voucher_ids": voucher_ids})
    assert crossing.status_code == 404, crossing.text
    assert (await full_balances(client, platform, merchant))["balances_minor"] == funded

    # 6. With the vouchers attached, no rule applies: approved at once and paid by the bank;
    # 9500 + 1140000 = 1149500 paid out in all.
    vouched = await apply(client, platform, merchant, mid, {"bank_account_id": account_id, "voucher_ids": voucher_ids})
    assert vouched.status_code == 201, vouched.text
    application = vouched.json()
    assert (application["amount_minor"], application["status"], application["review_reasons"]) == (
        1_140_000,
        "approved",
        [],
    )
    assert application["voucher_ids"] == voucher_ids
    done = await paid(client, platform, merchant, application["application_id"])
    assert (done["voucher_ids"], done["decided_by"]) == (voucher_ids, None)  # no one needed to decide
    all_paid = {**NO_MONEY, "paid_out": 1_149_500}
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"] == all_paid)

    # 7. The same invoice and waybill cannot justify another payout: with 9500 available again,
    # an application on them is refused, naming the paid application; nothing moves. Without
    # them (under the line) it is taken.
    await signed_off_and_held(client, platform, merchant, simple_order(mid, unit_price="50.00", quantity=2))
    available_again = {**NO_MONEY, "available": 9500, "paid_out": 1_149_500}
    await wait_for_balances(client, platform, merchant, lambda b: b["balances_minor"] == available_again)
    reused = await apply(client, platform, merchant, mid, {"bank_account_id": account_id, "voucher_ids": voucher_ids})
    assert reused.status_code == 422, reused.text
    assert reused.headers["content-type"].startswith("application/problem+json")
    problem = reused.json()
    assert problem["type"].endswith("/voucher-in-use")
    assert [error["field"] for error in problem["errors"]] == ["body.voucher_ids"]
    assert application["application_id"] in problem["detail"]
    assert (await full_balances(client, platform, merchant))["balances_minor"] == available_again
    plain = await apply(client, platform, merchant, mid, {"bank_account_id": account_id})
    assert plain.status_code == 201, plain.text
    assert (plain.json()["amount_minor"], plain.json()["voucher_ids"]) == (9500, [])
    await ledger_is_sound(client, platform)

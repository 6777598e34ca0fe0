"""Four eyes (issue 18) end to end: an ops key's issuance, a bank account's verification, an
adjustment and a large payout approval are proposed by one ops key and applied only when a
different ops key approves; the proposer's own key, a second approval, a withdrawn or expired
proposal, and merchant, platform or auditor keys are refused with a problem and change nothing.
Both keys, times and reasons are read back from GET /v1/approvals/{id}."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from platform_support import Platform, approve_as_second_ops, bearer, new_merchant, wait_until_key_works_everywhere
from sqlalchemy import text
from support import engine_for, eventually
from test_bad_input import assert_problem
from test_payouts import CARD

pytestmark = pytest.mark.infra

DAY_S = 86_400  # a proposal waits a day for its second key (SHIPSETTLE_FOUR_EYES_TTL_S)


async def approval(client: httpx.AsyncClient, platform: Platform, service: str, approval_id: str) -> dict[str, Any]:
    """Read back as the auditor, who may read the record but not approve."""
    response = await client.get(
        f"{platform.url(service)}/v1/approvals/{approval_id}", headers=bearer(platform.keys["auditor"])
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def decide(
    client: httpx.AsyncClient, platform: Platform, service: str, approval_id: str, verb: str, who: str
) -> httpx.Response:
    return await client.post(
        f"{platform.url(service)}/v1/approvals/{approval_id}/{verb}",
        json={"reason": f"{verb} by {who}"},
        headers=bearer(platform.keys[who]),
    )


async def refused_to_everyone_but_a_second_ops_key(
    client: httpx.AsyncClient, platform: Platform, service: str, approval_id: str
) -> None:
    """The proposer's own key: 403 four-eyes-same-key; merchant, platform and auditor keys: 403 by
    role. The proposal stays pending, undecided."""
    same = assert_problem(await decide(client, platform, service, approval_id, "approve", "ops"), 403)
    assert same["type"].endswith("/four-eyes-same-key")
    for role in ("merchant_a", "platform", "auditor"):
        for verb in ("approve", "withdraw"):
            assert_problem(await decide(client, platform, service, approval_id, verb, role), 403)
    still = await approval(client, platform, service, approval_id)
    assert (still["status"], still["decided_by"], still["outcome"]) == ("pending", None, None)


async def balances(client: httpx.AsyncClient, platform: Platform, merchant: dict[str, str]) -> dict[str, int]:
    response = await client.get(
        f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/balances", headers=bearer(merchant)
    )
    assert response.status_code == 200, response.text
    found: dict[str, int] = response.json()["balances_minor"]
    return found


async def keys_labelled(platform: Platform, label: str) -> list[tuple[str, str]]:
    async with engine_for(platform.database_urls["order-svc"]) as engine, engine.connect() as connection:
        rows = await connection.execute(
            text("select key_id, role from api_keys where label = :label order by key_id"), {"label": label}
        )
        return [(row.key_id, row.role) for row in rows]


async def account_state(platform: Platform, bank_account_id: str) -> tuple[str, str | None]:
    async with engine_for(platform.database_urls["settlement-svc"]) as engine, engine.connect() as connection:
        row = (
            await connection.execute(
                text("select status, verified_by from bank_accounts where bank_account_id = :id"),
                {"id": bank_account_id},
            )
        ).one()
        return row.status, row.verified_by


async def test_an_ops_key_is_issued_only_when_a_second_ops_key_approves(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    issue = f"{platform.url('order-svc')}/v1/api-keys"
    label = f"ops on call {uuid.uuid4().hex[:6]}"
    body = {"role": "ops", "label": label, "reason": "a new member of the ops rota"}
    for role in ("merchant_a", "platform", "auditor"):  # nobody but ops may even propose one
        assert_problem(await client.post(issue, json=body, headers=bearer(platform.keys[role])), 403)

    proposed = await client.post(issue, json=body, headers=bearer(platform.keys["ops"]))
    assert proposed.status_code == 202, proposed.text
    assert "api_key" not in proposed.json()
    approval_id = proposed.json()["approval_id"]
    assert proposed.headers["location"] == f"/v1/approvals/{approval_id}"
    assert await keys_labelled(platform, label) == []  # no key yet

    await refused_to_everyone_but_a_second_ops_key(client, platform, "order-svc", approval_id)
    assert await keys_labelled(platform, label) == []

    approved = await approve_as_second_ops(client, platform, "order-svc", proposed, reason="rota confirmed")
    new_key = approved["result"]
    assert new_key["role"] == "ops"
    assert await keys_labelled(platform, label) == [(new_key["key_id"], "ops")]
    record = await approval(client, platform, "order-svc", approval_id)
    assert record["action"] == "issue_ops_key"
    assert (record["proposed_by"], record["proposal_reason"]) == (
        platform.keys["ops"]["key_id"],
        "a new member of the ops rota",
    )
    assert (record["decided_by"], record["decision_reason"]) == (
        platform.keys["ops_second"]["key_id"],
        "rota confirmed",
    )
    assert record["status"] == "approved"
    assert record["decided_at"] >= record["proposed_at"]
    assert record["outcome"] == {"key_id": new_key["key_id"], "role": "ops", "label": label}  # never the secret
    await wait_until_key_works_everywhere(platform, new_key["api_key"])
    queue = await client.get(
        f"{platform.url('settlement-svc')}/v1/settlement-applications/review-queue", headers=bearer(new_key)
    )
    assert queue.status_code == 200  # an ops key indeed

    # approved once: a second approval (by any other ops key) is refused and issues nothing more
    for who in ("ops_second",):
        again = assert_problem(await decide(client, platform, "order-svc", approval_id, "approve", who), 409)
        assert (again["type"].endswith("/approval-not-pending"), again["approval_status"]) == (True, "approved")
    third = await client.post(
        f"{platform.url('order-svc')}/v1/approvals/{approval_id}/approve",
        json={"reason": "me too"},
        headers=bearer(new_key),
    )
    assert_problem(third, 409)
    assert await keys_labelled(platform, label) == [(new_key["key_id"], "ops")]

    # a proposal outlives neither its key: revoked before the approval, it is refused
    orphan = await client.post(
        f"{platform.url('settlement-svc')}/v1/merchants/m-four-eyes-{uuid.uuid4().hex[:6]}/adjustments",
        json={"amount_minor": 100, "reason": "proposed by a key about to be revoked"},
        headers={**bearer(new_key), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert orphan.status_code == 202, orphan.text
    revoked = await client.post(
        f"{platform.url('order-svc')}/v1/api-keys/{new_key['key_id']}/revoke",
        json={"reason": "left the rota"},
        headers=bearer(platform.keys["ops"]),
    )
    assert revoked.status_code == 204

    async def revocation_reached_settlement() -> bool:
        probe = await client.get(f"{platform.url('settlement-svc')}/v1/ops/bus-probes/none", headers=bearer(new_key))
        return probe.status_code == 401

    await eventually(revocation_reached_settlement, timeout_s=30)
    orphaned = assert_problem(
        await decide(client, platform, "settlement-svc", orphan.json()["approval_id"], "approve", "ops_second"), 409
    )
    assert orphaned["type"].endswith("/proposer-key-revoked")
    record = await approval(client, platform, "settlement-svc", orphan.json()["approval_id"])
    assert (record["status"], record["outcome"]) == ("pending", None)  # nothing booked

    # keys of other roles keep one step: 201 with the key at once
    merchant = await client.post(
        issue,
        json={"role": "merchant", "merchant_id": f"m-one-step-{uuid.uuid4().hex[:6]}", "label": "one step"},
        headers=bearer(platform.keys["ops"]),
    )
    assert merchant.status_code == 201, merchant.text


async def test_a_bank_account_is_verified_only_by_a_second_ops_key_and_a_withdrawn_proposal_stays_withdrawn(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await new_merchant(platform, "four-eyes-account")
    base = f"{platform.url('settlement-svc')}/v1"
    registered = await client.post(
        f"{base}/merchants/{merchant['merchant_id']}/bank-accounts",
        json={"holder_name": "张三", "bank_name": "中国银行杭州分行", "account_type": "card", "account_number": CARD},
        headers=bearer(merchant),
    )
    assert registered.status_code == 201, registered.text
    account_id = registered.json()["bank_account_id"]
    verify = f"{base}/bank-accounts/{account_id}/verify"
    reason = {"reason": "licence and account holder match"}
    for role in ("merchant_a", "platform", "auditor"):
        assert_problem(await client.post(verify, json=reason, headers=bearer(platform.keys[role])), 403)
    # the merchant itself cannot either
    assert_problem(await client.post(verify, json=reason, headers=bearer(merchant)), 403)

    first = await client.post(verify, json=reason, headers=bearer(platform.keys["ops"]))
    assert first.status_code == 202, first.text
    first_id = first.json()["approval_id"]
    assert await account_state(platform, account_id) == ("unverified", None)
    # one pending proposal per account: a second one names the first
    twice = assert_problem(await client.post(verify, json=reason, headers=bearer(platform.keys["ops_second"])), 409)
    assert (twice["type"].endswith("/approval-pending"), twice["approval_id"]) == (True, first_id)

    await refused_to_everyone_but_a_second_ops_key(client, platform, "settlement-svc", first_id)
    assert await account_state(platform, account_id) == ("unverified", None)

    # only the proposer withdraws; then nobody can approve it
    other = assert_problem(await decide(client, platform, "settlement-svc", first_id, "withdraw", "ops_second"), 403)
    assert other["type"].endswith("/not-the-proposer")
    withdrawn = await decide(client, platform, "settlement-svc", first_id, "withdraw", "ops")
    assert withdrawn.status_code == 200, withdrawn.text
    assert (withdrawn.json()["status"], withdrawn.json()["decided_by"]) == ("withdrawn", platform.keys["ops"]["key_id"])
    late = assert_problem(await decide(client, platform, "settlement-svc", first_id, "approve", "ops_second"), 409)
    assert (late["type"].endswith("/approval-not-pending"), late["approval_status"]) == (True, "withdrawn")
    assert await account_state(platform, account_id) == ("unverified", None)

    second = await client.post(verify, json=reason, headers=bearer(platform.keys["ops"]))
    approved = await approve_as_second_ops(client, platform, "settlement-svc", second, reason="called the bank")
    assert approved["result"]["status"] == "verified"
    assert await account_state(platform, account_id) == ("verified", platform.keys["ops_second"]["key_id"])
    record = await approval(client, platform, "settlement-svc", second.json()["approval_id"])
    assert (record["action"], record["subject"], record["merchant_id"]) == (
        "verify_bank_account",
        account_id,
        merchant["merchant_id"],
    )
    assert (record["proposed_by"], record["proposal_reason"]) == (platform.keys["ops"]["key_id"], reason["reason"])
    assert (record["decided_by"], record["decision_reason"]) == (
        platform.keys["ops_second"]["key_id"],
        "called the bank",
    )
    pending = await client.get(
        f"{base}/approvals",
        params={"status": "pending", "subject": account_id},
        headers=bearer(platform.keys["ops"]),
    )
    assert pending.json() == {"items": [], "next_cursor": None}
    already = assert_problem(await client.post(verify, json=reason, headers=bearer(platform.keys["ops"])), 409)
    assert already["type"].endswith("/already-verified")


async def test_an_adjustment_moves_money_only_when_a_second_ops_key_approves_it_once(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await new_merchant(platform, "four-eyes-adjust")
    mid = merchant["merchant_id"]
    adjust = f"{platform.url('settlement-svc')}/v1/merchants/{mid}/adjustments"
    nothing = {"pending": 0, "available": 0, "reserved": 0, "in_payout": 0, "paid_out": 0, "negative_balance": 0}
    assert await balances(client, platform, merchant) == nothing

    credit = {"amount_minor": 5000, "reason": "courier subsidy owed", "reference": "ticket 4471"}
    for key in (merchant, platform.keys["platform"], platform.keys["auditor"]):
        refused = await client.post(adjust, json=credit, headers={**bearer(key), "Idempotency-Key": str(uuid.uuid4())})
        assert_problem(refused, 403)
    proposed = await client.post(
        adjust, json=credit, headers={**bearer(platform.keys["ops"]), "Idempotency-Key": str(uuid.uuid4())}
    )
    assert proposed.status_code == 202, proposed.text
    approval_id = proposed.json()["approval_id"]
    assert (proposed.json()["amount_minor"], proposed.json()["merchant_id"]) == (5000, mid)
    # the answer says how the proposal is approved, as every four-eyes 202 does
    assert proposed.json()["approve_with"] == f"POST /v1/approvals/{approval_id}/approve (another ops key)"
    assert await balances(client, platform, merchant) == nothing  # proposed, not booked

    await refused_to_everyone_but_a_second_ops_key(client, platform, "settlement-svc", approval_id)
    assert await balances(client, platform, merchant) == nothing

    approved = await approve_as_second_ops(client, platform, "settlement-svc", proposed, reason="subsidy confirmed")
    booked = approved["result"]
    assert {p["account_id"]: p["amount_minor"] for p in booked["postings"]} == {
        "platform:adjustments": -5000,
        f"merchant:{mid}:available": 5000,
    }
    assert await balances(client, platform, merchant) == {**nothing, "available": 5000}  # 0 + 5000
    again = assert_problem(await decide(client, platform, "settlement-svc", approval_id, "approve", "ops_second"), 409)
    assert again["type"].endswith("/approval-not-pending")
    assert await balances(client, platform, merchant) == {**nothing, "available": 5000}  # booked once, not 10000
    record = await approval(client, platform, "settlement-svc", approval_id)
    assert record["outcome"]["tx_key"] == booked["tx_key"]
    assert (record["proposed_by"], record["decided_by"]) == (
        platform.keys["ops"]["key_id"],
        platform.keys["ops_second"]["key_id"],
    )
    assert (record["proposal_reason"], record["decision_reason"]) == ("courier subsidy owed", "subsidy confirmed")

    # a withdrawn debit moves nothing
    withdrawn = await client.post(
        adjust,
        json={"amount_minor": -900, "reason": "entered twice"},
        headers={**bearer(platform.keys["ops"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert (
        await decide(client, platform, "settlement-svc", withdrawn.json()["approval_id"], "withdraw", "ops")
    ).status_code == 200
    assert_problem(
        await decide(client, platform, "settlement-svc", withdrawn.json()["approval_id"], "approve", "ops_second"), 409
    )
    assert await balances(client, platform, merchant) == {**nothing, "available": 5000}

    # a debit beyond what is available, approved: 5000 from available, 7000 - 5000 = 2000 owed
    debit = await client.post(
        adjust,
        json={"amount_minor": -7000, "reason": "duplicate subsidy paid in error"},
        headers={**bearer(platform.keys["ops"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    debited = (await approve_as_second_ops(client, platform, "settlement-svc", debit))["result"]
    assert {p["account_id"]: p["amount_minor"] for p in debited["postings"]} == {
        "platform:adjustments": 7000,
        f"merchant:{mid}:available": -5000,
        f"merchant:{mid}:negative_balance": -2000,
    }
    assert await balances(client, platform, merchant) == {**nothing, "negative_balance": -2000}


async def test_a_proposal_expires_a_day_after_it_was_made_and_is_never_applied(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    merchant = await new_merchant(platform, "four-eyes-expiry")
    adjust = f"{platform.url('settlement-svc')}/v1/merchants/{merchant['merchant_id']}/adjustments"
    proposed = await client.post(
        adjust,
        json={"amount_minor": 3000, "reason": "goodwill credit"},
        headers={**bearer(platform.keys["ops"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert proposed.status_code == 202, proposed.text
    approval_id = proposed.json()["approval_id"]
    await platform.advance_clock(DAY_S + 60)
    expired = assert_problem(
        await decide(client, platform, "settlement-svc", approval_id, "approve", "ops_second"), 409
    )
    assert (expired["type"].endswith("/approval-expired"), expired["approval_status"]) == (True, "expired")
    assert_problem(await decide(client, platform, "settlement-svc", approval_id, "withdraw", "ops"), 409)
    record = await approval(client, platform, "settlement-svc", approval_id)
    assert (record["status"], record["decided_by"], record["outcome"]) == ("expired", None, None)
    assert (await balances(client, platform, merchant))["available"] == 0  # never booked


async def test_a_payout_approval_above_the_threshold_needs_a_second_ops_key(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    """Funded by an approved adjustment of ¥60,000.00 (6,000,000 fen, above the ¥50,000.00
    four-eyes line and the large-amount review line alike), applied for in full with an invoice."""
    merchant = await new_merchant(platform, "four-eyes-payout")
    mid = merchant["merchant_id"]
    base = f"{platform.url('settlement-svc')}/v1"
    funded = await client.post(
        f"{base}/merchants/{mid}/adjustments",
        json={"amount_minor": 6_000_000, "reason": "test funding"},
        headers={**bearer(platform.keys["ops"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    await approve_as_second_ops(client, platform, "settlement-svc", funded)
    account = await client.post(
        f"{base}/merchants/{mid}/bank-accounts",
        json={"holder_name": "李四", "bank_name": "中国银行杭州分行", "account_type": "card", "account_number": CARD},
        headers=bearer(merchant),
    )
    account_id = account.json()["bank_account_id"]
    verify = await client.post(
        f"{base}/bank-accounts/{account_id}/verify", json={"reason": "checked"}, headers=bearer(platform.keys["ops"])
    )
    await approve_as_second_ops(client, platform, "settlement-svc", verify)
    voucher = await client.post(
        f"{base}/merchants/{mid}/vouchers",
        data={"kind": "invoice"},
        files={"file": ("invoice.pdf", b"%PDF-1.7\n% four eyes invoice\n", "application/pdf")},
        headers=bearer(merchant),
    )
    assert voucher.status_code == 201, voucher.text
    applied = await client.post(
        f"{base}/merchants/{mid}/settlement-applications",
        json={"bank_account_id": account_id, "voucher_ids": [voucher.json()["voucher_id"]]},
        headers={**bearer(merchant), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert applied.status_code == 201, applied.text
    application = applied.json()
    assert (application["amount_minor"], application["status"]) == (6_000_000, "in_review")
    application_id = application["application_id"]
    approve = f"{base}/settlement-applications/{application_id}/approve"

    proposed = await client.post(
        approve, json={"reason": "large payout, documents checked"}, headers=bearer(platform.keys["ops"])
    )
    assert proposed.status_code == 202, proposed.text
    assert (proposed.json()["action"], proposed.json()["amount_minor"]) == ("approve_application", 6_000_000)
    approval_id = proposed.json()["approval_id"]
    twice = assert_problem(
        await client.post(approve, json={"reason": "again"}, headers=bearer(platform.keys["ops_second"])), 409
    )
    assert twice["type"].endswith("/approval-pending")
    await refused_to_everyone_but_a_second_ops_key(client, platform, "settlement-svc", approval_id)

    async def application_now() -> dict[str, Any]:
        listed = await client.get(f"{base}/merchants/{mid}/settlement-applications", headers=bearer(merchant))
        [found] = [a for a in listed.json()["items"] if a["application_id"] == application_id]
        return found

    assert (await application_now())["status"] == "in_review"
    # 6,000,000 available - 6,000,000 applied = 0; all of it in payout, waiting
    assert await balances(client, platform, merchant) == {
        "pending": 0,
        "available": 0,
        "reserved": 0,
        "in_payout": 6_000_000,
        "paid_out": 0,
        "negative_balance": 0,
    }

    approved = await approve_as_second_ops(client, platform, "settlement-svc", proposed, reason="second check done")
    assert approved["result"]["status"] == "approved"
    decided = await application_now()
    assert (decided["decided_by"], decided["decision_reason"]) == (
        platform.keys["ops_second"]["key_id"],
        "large payout, documents checked",
    )
    record = await approval(client, platform, "settlement-svc", approval_id)
    assert (record["proposed_by"], record["decided_by"]) == (
        platform.keys["ops"]["key_id"],
        platform.keys["ops_second"]["key_id"],
    )

    async def paid() -> dict[str, int] | None:
        found = await balances(client, platform, merchant)
        return found if found["paid_out"] else None

    assert (await eventually(paid, timeout_s=60))["paid_out"] == 6_000_000  # the sandbox bank paid it all

"""The audit log end to end (issue 20): an ops decision over HTTP leaves its row with the acting
key, its role and the request's correlation id; GET /v1/audit pages; GET /v1/audit/verify finds
the chain intact and matching the head recon kept, which reached recon over audit.events; and a
chain rewritten whole (every hash recomputed, so nothing local shows it) is caught against that
head. The rewrite is of order-svc's chain, last: no other test verifies a chain."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import httpx
import pytest
from platform_support import Platform, bearer
from sqlalchemy import text
from support import engine_for, eventually
from test_bad_input import assert_problem

from shipsettle_shared.audit import GENESIS_HASH, ChainRow, row_hash
from shipsettle_shared.audit_routes import _chain_row

pytestmark = pytest.mark.infra


async def audit_page(client: httpx.AsyncClient, platform: Platform, service: str, **params: Any) -> dict[str, Any]:
    response = await client.get(
        f"{platform.url(service)}/v1/audit", params=params, headers=bearer(platform.keys["auditor"])
    )
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def verification(client: httpx.AsyncClient, platform: Platform, service: str) -> dict[str, Any]:
    response = await client.get(f"{platform.url(service)}/v1/audit/verify", headers=bearer(platform.keys["auditor"]))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_an_ops_decision_is_audited_with_its_key_role_and_correlation_id_and_the_log_pages(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    settlement = platform.url("settlement-svc")
    merchant_id = f"m-audit-{uuid.uuid4().hex[:6]}"
    correlation_id = f"audit-{uuid.uuid4().hex}"
    for number in range(3):
        flagged = await client.put(
            f"{settlement}/v1/merchants/{merchant_id}/risk-flag",
            json={"reason": f"复核 {number}"},
            headers={**bearer(platform.keys["ops"]), "X-Correlation-ID": f"{correlation_id}-{number}"},
        )
        assert flagged.status_code == 204, flagged.text

    first = await audit_page(client, platform, "settlement-svc", target_id=merchant_id, limit=2)
    assert [item["reason"] for item in first["items"]] == ["复核 2", "复核 1"]  # newest first
    row = first["items"][0]
    assert (row["action"], row["target_type"], row["target_id"]) == ("risk_flags.set", "merchant", merchant_id)
    assert (row["actor_key_id"], row["actor_role"]) == (platform.keys["ops"]["key_id"], "ops")
    assert row["correlation_id"] == f"{correlation_id}-2"
    assert row["after"] == {"flagged": True}
    assert first["next_cursor"] is not None
    rest = await audit_page(
        client, platform, "settlement-svc", target_id=merchant_id, limit=2, cursor=first["next_cursor"]
    )
    assert [item["reason"] for item in rest["items"]] == ["复核 0"]
    assert rest["next_cursor"] is None
    seqs = [item["seq"] for item in first["items"] + rest["items"]]
    assert seqs == sorted(seqs, reverse=True)
    assert len(set(seqs)) == 3

    # the log is the auditor's and ops' to read; a merchant or the platform: 403
    for role in ("merchant_a", "platform"):
        refused = await client.get(f"{settlement}/v1/audit", headers=bearer(platform.keys[role]))
        assert_problem(refused, 403)
        refused = await client.get(f"{settlement}/v1/audit/verify", headers=bearer(platform.keys[role]))
        assert_problem(refused, 403)


async def test_every_chain_is_intact_and_its_head_reached_recon_over_the_bus(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    # an action in each service that keeps a log, so each chain has a head to publish
    issued = await client.post(
        f"{platform.url('order-svc')}/v1/api-keys",
        json={"role": "merchant", "merchant_id": f"m-audit-{uuid.uuid4().hex[:6]}", "label": "audit e2e"},
        headers=bearer(platform.keys["ops"]),
    )
    assert issued.status_code == 201, issued.text
    for service in ("order-svc", "settlement-svc"):
        tail = (await audit_page(client, platform, service, limit=1))["items"][0]

        async def matched(service: str = service, tail: dict[str, Any] = tail) -> dict[str, Any] | None:
            found = await verification(client, platform, service)
            head = found["published_head"]
            return found if head is not None and head["seq"] >= tail["seq"] else None

        found = await eventually(matched, timeout_s=60, interval_s=0.5)
        assert found["intact"] is True, found
        assert found["head_check"] == "matched"
        assert found["first_break"] is None
        assert found["rows_checked"] >= found["published_head"]["seq"] >= tail["seq"]
        assert found["published_head"]["discontinuous_at"] is None
        # recon keeps it: read there directly too
        kept = await client.get(
            f"{platform.url('recon-svc')}/v1/audit/heads/{found['chain']}", headers=bearer(platform.keys["auditor"])
        )
        assert kept.status_code == 200, kept.text
        assert kept.json()["seq"] >= tail["seq"]
    unknown = await client.get(
        f"{platform.url('recon-svc')}/v1/audit/heads/no-such-svc:nowhere", headers=bearer(platform.keys["auditor"])
    )
    assert_problem(unknown, 404)


async def rewrite_chain(database_url: str) -> int:
    """As the database's owner (triggers off): the first row's reason changed and every hash after
    it recomputed, so the chain is consistent in itself. Returns how many rows were rewritten."""
    async with engine_for(database_url) as engine, engine.begin() as connection:
        await connection.execute(text("lock table audit_log in access exclusive mode"))
        rows = [_chain_row(row) for row in (await connection.execute(text("select * from audit_log order by seq")))]
        forged: list[ChainRow] = []
        for row in rows:
            changed = dataclasses.replace(
                row,
                prev_hash=forged[-1].row_hash if forged else GENESIS_HASH,
                reason="nothing happened" if row.seq == 1 else row.reason,
            )
            forged.append(dataclasses.replace(changed, row_hash=row_hash(changed)))
        await connection.execute(text("alter table audit_log disable trigger user"))
        for row in forged:
            await connection.execute(
                text("update audit_log set reason = :reason, prev_hash = :prev, row_hash = :hash where seq = :seq"),
                {"reason": row.reason, "prev": row.prev_hash, "hash": row.row_hash, "seq": row.seq},
            )
        await connection.execute(text("alter table audit_log enable trigger user"))
    return len(forged)


async def test_a_chain_rewritten_whole_is_caught_against_the_head_recon_kept(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    before = await verification(client, platform, "order-svc")
    assert (before["intact"], before["head_check"]) == (True, "matched"), before
    assert await rewrite_chain(platform.database_urls["order-svc"]) == before["rows_checked"]

    after = await verification(client, platform, "order-svc")
    assert after["intact"] is False
    assert after["head_check"] == "mismatched"
    assert after["first_break"]["kind"] == "rewritten"

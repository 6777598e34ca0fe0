"""recon's boundaries: a merchant key reads only the money of orders recon knows to be its own,
and a camt.053 with a DTD (billion laughs, an external entity) is refused whole, nothing stored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from order_support import simple_order
from platform_support import Platform, bearer
from sqlalchemy import func, select, text
from support import engine_for, eventually
from test_recon import import_file
from test_settlement_refunds import merchant_with_policy, place, publish

from shipsettle_shared.contracts import SettlementPending

pytestmark = pytest.mark.infra


async def money(client: httpx.AsyncClient, platform: Platform, order_id: str, key: dict[str, str]) -> httpx.Response:
    return await client.get(f"{platform.url('recon-svc')}/v1/orders/{order_id}/money", headers=bearer(key))


def assert_not_found(response: httpx.Response) -> None:
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_merchant_key_reads_the_money_of_its_own_orders_only(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    owner = await merchant_with_policy(platform, client, "recon-scope-a")
    other = await merchant_with_policy(platform, client, "recon-scope-b")
    order = simple_order(owner["merchant_id"], unit_price="10.00", quantity=1)
    await place(client, platform, order)

    async def known() -> dict[str, object] | None:
        response = await money(client, platform, order["order_id"], owner)
        return response.json() if response.status_code == 200 else None

    assert (await eventually(known, timeout_s=30))["merchant_id"] == owner["merchant_id"]
    assert_not_found(await money(client, platform, order["order_id"], other))
    assert_not_found(await money(client, platform, f"PO-unknown-{uuid.uuid4().hex[:8]}", other))

    # A fact about an order reached recon before the order did (here a hold: settlement's event
    # names its merchant, but recon learns an order's merchant from the order and the ledger).
    # recon keeps the order's row without a merchant: no merchant key may read it, not even the
    # one the fact names; ops may.
    early = f"PO-early-{uuid.uuid4().hex[:8]}"
    await publish(
        SettlementPending(
            order_id=early,
            merchant_id=owner["merchant_id"],
            shipment_id=f"SH-{uuid.uuid4().hex[:8]}",
            hold_id=f"H-{uuid.uuid4().hex[:8]}",
            currency="CNY",
            paid_minor=1000,
            shipping_minor=0,
            subsidy_minor=0,
            commission_minor=50,
            net_minor=950,
            release_at=datetime.now(UTC) + timedelta(days=365),  # never due while the suite runs
            policy_version=1,
        ),
        "settlement-svc",
    )

    async def held() -> dict[str, object] | None:
        response = await money(client, platform, early, platform.keys["ops"])
        return response.json() if response.status_code == 200 else None

    assert (await eventually(held, timeout_s=30))["merchant_id"] is None
    assert_not_found(await money(client, platform, early, other))
    assert_not_found(await money(client, platform, early, owner))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Document [
<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>&lol4;</MsgId>
</GrpHdr></BkToCstmrStmt></Document>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>&xxe;</MsgId>
</GrpHdr></BkToCstmrStmt></Document>
"""


async def import_counts(platform: Platform) -> dict[str, int]:
    async with engine_for(platform.database_urls["recon-svc"]) as engine, engine.connect() as connection:
        return {
            table: int(await connection.scalar(select(func.count()).select_from(text(table))) or 0)
            for table in ("statement_imports", "discrepancies")
        }


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
async def test_a_camt053_with_entities_is_refused_with_a_422_and_nothing_is_stored(
    platform: Platform, client: httpx.AsyncClient, document: bytes
) -> None:
    before = await import_counts(platform)
    response = await import_file(client, platform, "camt053", document)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "DTD" in response.text
    assert "root:" not in response.text  # nothing of /etc/passwd came back
    assert await import_counts(platform) == before

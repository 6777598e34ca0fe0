"""A buyer's erasure in logistics-svc, whichever it consumes first (issue 20), on real PostgreSQL,
no Kafka: the consumer's own ``ConsumerLoop.apply`` is driven directly, as for each poll.

BuyerErased is keyed by the buyer and the confirmations by the order: logistics may consume a
confirmation or correction dated before the erasure after the erasure itself (another partition,
a replayed dead letter, a group reset).

- Such a consignee is kept as erasure leaves it (province and city): no live key of the buyer,
  nothing sealed, nothing in clear; the order is still confirmed and dispatched.
- A confirmation dated after the erasure (a later order of the same buyer) is kept sealed under a
  new key and opens; one dated before the erasure still does not, even with that key live.
- The vault's ``key_unless_erased_since`` on its own: a key for a subject never erased, none for a
  time before an erasure (even one made where the subject never had a key), a new one after it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from support import development_vault, engine_for, fresh_service_database

from logistics_svc.adapters.personal_data import erased_consignee, open_kept_consignee
from shipsettle_shared import contracts
from shipsettle_shared.data_keys import PersonalDataVault, buyer_subject, erase_subject
from shipsettle_shared.db import ConnectionLane, asyncpg_dsn
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.outbox import build_envelope
from tests.integration.test_logistics_statements import (
    CONSIGNEE,
    KNOWN_ORDERS,
    NOW,
    Logistics,
    confirmed,
    corrected,
    dispatch,
    logistics_on,
    place,
)

pytestmark = pytest.mark.infra

BUYER = "buyer-erased-1"
ERASED_AT = NOW + timedelta(hours=1)
CLEAR_VALUES = ("13800000001", "13800000002", "13800000003", "13800000004", CONSIGNEE.name, CONSIGNEE.address_line)


def erased(buyer_ref: str, at: datetime) -> EventEnvelope:
    event = contracts.BuyerErased(buyer_ref=buyer_ref, how="request", erased_at=at)
    return build_envelope(event, producer="order-svc", occurred_at=at)


def of_buyer(envelope: EventEnvelope, buyer_ref: str) -> EventEnvelope:
    """A confirmation or correction of test_logistics_statements' as one of ``buyer_ref``'s."""
    return envelope.model_copy(update={"payload": {**envelope.payload, "buyer_ref": buyer_ref}})


async def live_keys(logistics: Logistics, buyer_ref: str) -> int:
    rows = await logistics.rows(
        "select count(*) as n from data_keys where subject = :subject and destroyed_at is null",
        subject=buyer_subject(buyer_ref),
    )
    return int(rows[0]["n"])


async def stored_and_opened(logistics: Logistics) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Each order's consignee as stored, and as opened by a vault with nothing cached (another process)."""
    fresh = PersonalDataVault(logistics.runtime.lane, logistics.runtime.personal_data.kms, ttl_s=5.0)
    return {
        row["order_id"]: (row["consignee"], await open_kept_consignee(fresh, row["order_id"], row["consignee"]))
        for row in await logistics.rows(KNOWN_ORDERS)
    }


async def test_a_consignee_dated_before_the_erasure_consumed_after_it_keeps_nothing_openable_and_ships() -> None:
    async with logistics_on("_erasure_order_before") as logistics:
        await logistics.orders.apply([place("PO-E1"), place("PO-E2")])
        # PO-E2 confirmed before the erasure and consumed before it: kept under the buyer's key
        await logistics.orders.apply([of_buyer(confirmed("PO-E2", NOW, "13800000001"), BUYER)])
        assert await live_keys(logistics, BUYER) == 1
        await logistics.orders.apply([erased(BUYER, ERASED_AT)])
        # both dated before the erasure, consumed after it (a lagging partition, a replay)
        await logistics.orders.apply([of_buyer(confirmed("PO-E1", NOW, "13800000002"), BUYER)])
        await logistics.orders.apply([of_buyer(corrected("PO-E2", "13800000003"), BUYER)])

        assert await live_keys(logistics, BUYER) == 0
        kept = await stored_and_opened(logistics)
        stored = json.dumps([document for document, _ in kept.values()], ensure_ascii=False)
        for clear in CLEAR_VALUES:
            assert clear not in stored
        erased_form = erased_consignee(CONSIGNEE.province, CONSIGNEE.city)
        assert kept["PO-E1"] == (erased_form, erased_form)  # nothing sealed: nothing any key opens
        assert kept["PO-E2"] == (erased_form, erased_form)

        orders = {row["order_id"]: row for row in await logistics.rows(KNOWN_ORDERS)}
        assert (orders["PO-E1"]["status"], orders["PO-E1"]["confirmed_at"]) == ("confirmed", NOW)
        # dispatch needs the confirmation, not the consignee
        assert await dispatch(logistics, "PO-E1", "SF1000000000091", {"L1": 2, "L2": 1})
        shipped = await logistics.rows("select order_id from shipments where tracking_number = 'SF1000000000091'")
        assert shipped == [{"order_id": "PO-E1"}]


async def test_a_confirmation_dated_after_the_erasure_is_kept_under_a_new_key_and_an_older_one_still_is_not() -> None:
    async with logistics_on("_erasure_order_after") as logistics:
        await logistics.orders.apply([place("PO-N1"), place("PO-N2")])
        # logistics never held a key of the buyer: the erasure is remembered all the same
        await logistics.orders.apply([erased(BUYER, ERASED_AT)])
        await logistics.orders.apply(
            [of_buyer(confirmed("PO-N1", ERASED_AT + timedelta(days=1), "13800000004"), BUYER)]
        )
        assert await live_keys(logistics, BUYER) == 1
        await logistics.orders.apply([of_buyer(confirmed("PO-N2", NOW, "13800000002"), BUYER)])

        kept = await stored_and_opened(logistics)
        stored = json.dumps([document for document, _ in kept.values()], ensure_ascii=False)
        for clear in CLEAR_VALUES:
            assert clear not in stored
        document, opened = kept["PO-N1"]
        assert "sealed" in document
        assert opened == CONSIGNEE.model_copy(update={"mobile": "13800000004"}).model_dump()
        erased_form = erased_consignee(CONSIGNEE.province, CONSIGNEE.city)
        assert kept["PO-N2"] == (erased_form, erased_form)


async def test_the_vault_gives_no_key_for_a_time_before_the_subjects_latest_erasure() -> None:
    url = await fresh_service_database("logistics-svc", "_erasure_order_vault")
    lane = ConnectionLane(asyncpg_dsn(url), 2)
    try:
        vault = development_vault(lane)
        kept, never_keyed = buyer_subject("kept"), buyer_subject("never-keyed")
        first = await vault.key_unless_erased_since(kept, NOW)
        assert first is not None
        assert await vault.key_unless_erased_since(kept, NOW) == first  # the live key, not another
        async with engine_for(url) as engine, AsyncSession(engine) as session, session.begin():
            assert await erase_subject(session, kept, ERASED_AT) == [first.key_id]
            assert await erase_subject(session, never_keyed, ERASED_AT) == []  # a row that records it
        for subject in (kept, never_keyed):
            assert await vault.key_unless_erased_since(subject, ERASED_AT - timedelta(seconds=1)) is None
            assert await vault.key_unless_erased_since(subject, ERASED_AT) is None  # a tie goes to the erasure
            assert await vault.key_unless_erased_since(subject, ERASED_AT + timedelta(microseconds=1)) is not None
        later = await vault.key_unless_erased_since(kept, ERASED_AT + timedelta(days=1))
        assert later is not None
        assert later.key_id != first.key_id
        # a new live key does not reopen the time before the erasure
        assert await vault.key_unless_erased_since(kept, NOW) is None
        assert await vault.seal_unless_erased_since(kept, "c", {"mobile": "13800000001"}, NOW) is None
    finally:
        await lane.close()

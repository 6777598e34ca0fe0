"""Staged outbox events (a batch handler's, a hold release's) go into the outbox in one
statement whose text is the same for any number of them, in their staged order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from support import engine_for, fresh_service_database, reset_statement_calls, statement_calls

from shipsettle_shared import contracts
from shipsettle_shared.db import outbox_table, unit_of_work
from shipsettle_shared.outbox import add_staged_to_outbox, shard_of, stage_event

pytestmark = pytest.mark.infra

AT = datetime(2026, 12, 7, 6, tzinfo=UTC)


def _probe(probe_id: str) -> contracts.BusProbeSent:
    return contracts.BusProbeSent(probe_id=probe_id, target_service="recon-svc", sent_by="settlement-svc")


async def test_staged_events_are_written_in_one_statement_in_their_order() -> None:
    url = await fresh_service_database("settlement-svc", "_outbox_rows")
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        three = [stage_event(_probe(f"p-{n}"), producer="settlement-svc", occurred_at=AT) for n in (3, 1, 2)]
        one = [stage_event(_probe("p-4"), producer="settlement-svc", occurred_at=AT)]
        await reset_statement_calls("settlement_svc_outbox_rows")
        async with unit_of_work(sessions) as session:
            await add_staged_to_outbox(session, three)
        async with unit_of_work(sessions) as session:
            await add_staged_to_outbox(session, one)

        inserts = {
            query: calls
            for query, calls in (await statement_calls("settlement_svc_outbox_rows")).items()
            if query.startswith("insert into outbox")
        }
        assert list(inserts.values()) == [2]  # one text, one call per transaction (not per event)
        async with sessions() as session:
            rows = (await session.execute(select(outbox_table).order_by(outbox_table.c.id))).all()
        staged = [*three, *one]
        assert [row.event_id for row in rows] == [event.envelope.event_id for event in staged]
        for row, event in zip(rows, staged, strict=True):
            assert row.envelope == event.envelope.model_dump(mode="json")
            assert (row.topic, row.message_key, row.event_type) == (
                event.topic,
                event.envelope.aggregate_id,
                event.envelope.event_type,
            )
            assert row.shard == shard_of(event.envelope.aggregate_id)

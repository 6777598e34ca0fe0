"""The order timeline in PostgreSQL: a poll's entries in one ``INSERT … SELECT … ON CONFLICT DO
NOTHING`` (inside the consumer's transaction, or with the poll's inbox rows in one autocommitted
statement), each entry that may bring its order to a stage a long-poll waits for returning a
notification for the order's long-polls (adapters/order_watch.py), so it commits with the rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from order_svc.adapters.order_watch import ORDER_CHANGED_CHANNEL, wakes_long_polls
from shipsettle_shared.db import ConnectionLane, json_rows


def waking_event_ids(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The timeline rows whose event may bring their order to a stage a long-poll waits for."""
    return [row["event_id"] for row in rows if wakes_long_polls(row["event_type"], row["details"])]


# One statement text for any number of rows (a multi-row VALUES is compiled and prepared again
# for every row count); a row added that may bring its order to a stage (its event id among
# :waking) returns a notification for the order's long-polls.
_RECORD_ON_TIMELINE = text(
    """
    insert into order_timeline (event_id, order_id, merchant_id, occurred_at, event_type, producer, summary, details)
    select r.event_id, r.order_id, r.merchant_id, r.occurred_at, r.event_type, r.producer, r.summary, r.details
    from jsonb_to_recordset(cast(:rows as jsonb)) as r(
        event_id text, order_id text, merchant_id text, occurred_at timestamptz, event_type text, producer text,
        summary text, details jsonb
    )
    on conflict (event_id) do nothing
    returning case when event_id = any(cast(:waking as text[])) then pg_notify(cast(:channel as text), order_id) end
    """
)


# A poll of events whose only effect is the timeline, with its inbox rows, in one autocommitted
# statement (OneStatementPoll): only the events whose inbox row is new reach the timeline.
_RECORD_POLL = """
with fresh as (
    insert into processed_events (consumer, event_id, event_type)
    select $1, e.event_id, e.event_type from unnest($2::uuid[], $3::text[]) as e(event_id, event_type)
    on conflict do nothing
    returning event_id
), recorded as (
    insert into order_timeline (event_id, order_id, merchant_id, occurred_at, event_type, producer, summary, details)
    select r.event_id, r.order_id, r.merchant_id, r.occurred_at, r.event_type, r.producer, r.summary, r.details
    from jsonb_to_recordset($4::jsonb) as r(
        event_id text, order_id text, merchant_id text, occurred_at timestamptz, event_type text, producer text,
        summary text, details jsonb
    )
    where r.event_id::uuid in (select event_id from fresh)
    on conflict (event_id) do nothing
    returning case when event_id = any($6::text[]) then pg_notify($5, order_id) end
)
select event_id, (select count(*) from recorded) as recorded from fresh
"""


class TimelineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, rows: Sequence[dict[str, Any]]) -> None:
        """Entries onto their orders' timelines, in one statement (none for no rows); redelivered
        ones are kept once (the event id is the key)."""
        if rows:
            # a row that may bring its order to a stage wakes the order's long-polls, in any instance, once this commits
            await self._session.execute(
                _RECORD_ON_TIMELINE,
                {"rows": json_rows(rows), "channel": ORDER_CHANGED_CHANNEL, "waking": waking_event_ids(rows)},
            )


async def record_poll(
    lane: ConnectionLane,
    group: str,
    event_ids: Sequence[uuid.UUID],
    event_types: Sequence[str],
    rows: Sequence[dict[str, Any]],
) -> set[Any]:
    """A poll's events (their ids and types) into the inbox of ``group`` and, those new there,
    their entries ``rows`` onto their orders' timelines (waking their long-polls), in one
    statement; returns the ids new in the inbox."""
    async with lane.connection() as connection:
        inserted = await connection.fetch(
            _RECORD_POLL,
            group,
            event_ids,
            event_types,
            json_rows(rows),
            ORDER_CHANGED_CHANNEL,
            waking_event_ids(rows),
        )
    return {record["event_id"] for record in inserted}

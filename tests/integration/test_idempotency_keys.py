"""Idempotency-Key store (shared, for every money-moving command), on real PostgreSQL: a retry
returns the first result, another body under the same key is refused with 409, racing
duplicates run the command once and produce one effect, and a failed command leaves the key free.
The key is claimed inside the command's own transaction (no session of its own)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from support import engine_for, fresh_service_database

from shipsettle_shared.auth import Principal
from shipsettle_shared.clock import SystemClock
from shipsettle_shared.contracts import BusProbeSent, Role
from shipsettle_shared.db import idempotency_keys_table, outbox_table, unit_of_work
from shipsettle_shared.idempotency import expire_keys, request_hash, run_idempotent
from shipsettle_shared.outbox import add_to_outbox
from shipsettle_shared.problems import Conflict, Problem

pytestmark = pytest.mark.infra

PLATFORM = Principal(key_id="k-platform", role=Role.PLATFORM)


def _command(probe_id: str, runs: list[str] | None = None):
    async def command(session: AsyncSession) -> tuple[int, dict[str, Any]]:
        if runs is not None:
            runs.append(probe_id)
        envelope = await add_to_outbox(
            session,
            BusProbeSent(probe_id=probe_id, target_service="order-svc", sent_by="test"),
            producer="order-svc",
            occurred_at=SystemClock().now(),
        )
        await asyncio.sleep(0.05)  # widen the race window for the concurrent case
        return 201, {"event_id": str(envelope.event_id)}

    return command


async def _effects(sessions: async_sessionmaker[AsyncSession], probe_id: str) -> int:
    async with sessions() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(outbox_table)
                .where(outbox_table.c.envelope["payload"]["probe_id"].astext == probe_id)
            )
            or 0
        )


@pytest.fixture(scope="module")
async def database_url() -> str:
    return await fresh_service_database("order-svc", "_idempotency")


async def test_a_retry_with_the_same_key_and_body_returns_the_first_result_and_does_nothing_again(
    database_url: str,
) -> None:
    async with engine_for(database_url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        fingerprint = request_hash("POST", "/v1/orders", {"order": 1})
        first = await run_idempotent(sessions, PLATFORM, "key-1", fingerprint, _command("p-retry"))
        again = await run_idempotent(sessions, PLATFORM, "key-1", fingerprint, _command("p-retry"))
        assert again == first
        assert await _effects(sessions, "p-retry") == 1


async def test_the_same_key_with_another_body_is_refused_with_409_and_changes_nothing(database_url: str) -> None:
    async with engine_for(database_url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        await run_idempotent(
            sessions, PLATFORM, "key-2", request_hash("POST", "/v1/orders", {"a": 1}), _command("p-first")
        )
        with pytest.raises(Conflict) as refused:
            await run_idempotent(
                sessions, PLATFORM, "key-2", request_hash("POST", "/v1/orders", {"a": 2}), _command("p-other")
            )
        assert refused.value.status == 409
        assert await _effects(sessions, "p-other") == 0


async def test_racing_requests_with_one_key_run_the_command_once_with_one_effect_and_one_answer(
    database_url: str,
) -> None:
    async with engine_for(database_url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        fingerprint = request_hash("POST", "/v1/orders", {"race": True})
        probe_id = f"p-race-{uuid.uuid4()}"
        runs: list[str] = []
        answers = await asyncio.gather(
            *(run_idempotent(sessions, PLATFORM, "key-race", fingerprint, _command(probe_id, runs)) for _ in range(8))
        )
        assert len({answer[1]["event_id"] for answer in answers}) == 1
        assert await _effects(sessions, probe_id) == 1
        # the claim made the seven others wait for the first and take its answer: none ran
        assert runs == [probe_id]


async def test_a_retry_after_a_retry_does_not_run_the_command_again(database_url: str) -> None:
    async with engine_for(database_url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        fingerprint = request_hash("POST", "/v1/orders", {"again": True})
        runs: list[str] = []
        for _ in range(3):
            await run_idempotent(sessions, PLATFORM, "key-again", fingerprint, _command("p-again", runs))
        assert runs == ["p-again"]


async def test_a_command_that_fails_stores_nothing_and_leaves_the_key_free_for_a_retry(database_url: str) -> None:
    async with engine_for(database_url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        fingerprint = request_hash("POST", "/v1/orders", {"fails": "first"})

        async def failing(session: AsyncSession) -> tuple[int, dict[str, Any]]:
            await _command("p-failed")(session)  # an effect written, then refused: rolled back
            raise Conflict("refused by the domain", type_slug="refused")

        with pytest.raises(Conflict):
            await run_idempotent(sessions, PLATFORM, "key-fails", fingerprint, failing)
        assert await _effects(sessions, "p-failed") == 0
        async with sessions() as session:
            assert (
                await session.scalar(
                    select(func.count())
                    .select_from(idempotency_keys_table)
                    .where(idempotency_keys_table.c.idempotency_key == "key-fails")
                )
                == 0
            )
        status, _ = await run_idempotent(sessions, PLATFORM, "key-fails", fingerprint, _command("p-fixed"))
        assert status == 201
        assert await _effects(sessions, "p-fixed") == 1


async def test_keys_are_scoped_to_the_caller_and_required(database_url: str) -> None:
    async with engine_for(database_url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        fingerprint = request_hash("POST", "/v1/orders", {})
        other = Principal(key_id="k-other", role=Role.PLATFORM)
        first = await run_idempotent(sessions, PLATFORM, "shared-key", fingerprint, _command("p-scope-1"))
        second = await run_idempotent(sessions, other, "shared-key", fingerprint, _command("p-scope-2"))
        assert first != second
        with pytest.raises(Problem) as missing:
            await run_idempotent(sessions, PLATFORM, None, fingerprint, _command("p-none"))
        assert missing.value.status == 400
        assert await _effects(sessions, "p-none") == 0


async def test_a_key_older_than_its_ttl_is_deleted_with_its_answer_and_a_younger_one_kept() -> None:
    """Issue 20: kept answers expire (SHIPSETTLE_IDEMPOTENCY_KEY_TTL_HOURS, at least 24 h)."""
    url = await fresh_service_database("settlement-svc", "_idempotency_expiry")
    async with engine_for(url) as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with unit_of_work(sessions) as session:
            for key, age_hours in (("old", 49), ("young", 47)):
                await session.execute(
                    text(
                        "insert into idempotency_keys (principal_key_id, idempotency_key, request_hash, "
                        "response_status, response_body, created_at) "
                        "values ('k', :key, 'h', 201, '{}', now() - make_interval(hours => :age))"
                    ),
                    {"key": key, "age": age_hours},
                )
        async with unit_of_work(sessions) as session:
            now = datetime.now(UTC)
            assert await expire_keys(session, created_before=now - timedelta(hours=48)) == 1
        async with sessions() as session:
            left = (await session.execute(text("select idempotency_key from idempotency_keys"))).scalars().all()
    assert left == ["young"]

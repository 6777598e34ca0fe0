"""PersonalDataVault.key_unless_erased_since / seal_unless_erased_since without a database: a lane
that answers the vault's statement as PostgreSQL would (the statement itself is tested on a real
database in tests/integration/test_logistics_erasure_order.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import asyncpg

from shipsettle_shared.data_keys import PersonalDataVault
from shipsettle_shared.db import ConnectionLane
from shipsettle_shared.field_crypto import DataKey, LocalKeyring, WrappedKey, open_sealed, sealed_key_id
from shipsettle_shared.settings import DEVELOPMENT_PII_KEYRING

ERASED_AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SUBJECT = "buyer:b-1"


class AnsweringConnection:
    """Answers each statement with the subject's live key, or ``erased`` when the time asked
    about (the last parameter) is at or before the erasure; records what it was asked."""

    def __init__(self, lane: AnsweringLane) -> None:
        self._lane = lane

    async def fetchrow(self, query: str, *parameters: Any) -> dict[str, Any]:
        self._lane.asked.append(parameters)
        subject, key_id, kek_id, wrapped = parameters[:4]
        if len(parameters) == 5 and parameters[4] <= ERASED_AT:
            return {"erased": True, "key_id": None, "kek_id": None, "wrapped_key": None}
        live = self._lane.live.setdefault(subject, (key_id, kek_id, wrapped))
        return {"erased": False, "key_id": live[0], "kek_id": live[1], "wrapped_key": live[2]}


class AnsweringLane(ConnectionLane):
    def __init__(self) -> None:
        super().__init__("postgresql://unused", 1)
        self.asked: list[tuple[Any, ...]] = []
        self.live: dict[str, tuple[str, str, bytes]] = {}

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        yield cast(asyncpg.Connection, AnsweringConnection(self))


def vault_on(lane: AnsweringLane) -> PersonalDataVault:
    return PersonalDataVault(lane, LocalKeyring.parse(DEVELOPMENT_PII_KEYRING), ttl_s=5.0, monotonic_s=lambda: 0.0)


async def test_a_value_dated_at_or_before_the_erasure_is_not_sealed() -> None:
    lane = AnsweringLane()
    vault = vault_on(lane)
    assert await vault.seal_unless_erased_since(SUBJECT, "c", {"mobile": "13800000000"}, ERASED_AT) is None
    assert await vault.key_unless_erased_since(SUBJECT, ERASED_AT - timedelta(days=1)) is None
    assert [asked[4] for asked in lane.asked] == [ERASED_AT, ERASED_AT - timedelta(days=1)]


async def test_a_value_dated_after_the_erasure_is_sealed_under_the_subjects_live_key() -> None:
    lane = AnsweringLane()
    vault = vault_on(lane)
    sealed = await vault.seal_unless_erased_since(
        SUBJECT, "c", {"mobile": "13800000000"}, ERASED_AT + timedelta(seconds=1)
    )
    assert sealed is not None
    key_id, kek_id, wrapped = lane.live[SUBJECT]
    assert sealed_key_id(sealed) == key_id
    key = DataKey(key_id, vault.kms.unwrap(key_id, WrappedKey(kek_id, wrapped)))
    assert open_sealed(key, "c", sealed) == {"mobile": "13800000000"}


async def test_the_erasure_is_asked_of_the_database_even_with_the_subjects_key_cached() -> None:
    lane = AnsweringLane()
    vault = vault_on(lane)
    live = await vault.key_for(SUBJECT)  # cached for the subject from now on
    assert await vault.key_for(SUBJECT) == live
    assert len(lane.asked) == 1
    assert await vault.key_unless_erased_since(SUBJECT, ERASED_AT) is None  # not the cached key
    assert await vault.key_unless_erased_since(SUBJECT, ERASED_AT + timedelta(days=1)) == live
    assert len(lane.asked) == 3

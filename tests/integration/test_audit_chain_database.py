"""The audit log on real PostgreSQL (shipsettle_shared/audit.py), in order-svc's database as its
migrations make it: the trigger chains each row in the insert's one statement with the same
encoding the verifier recomputes in Python; concurrent appends never fork the chain; the runtime
role may insert and read but never update, delete or truncate; and an intruder with the owner's
(or a superuser's) power who edits a row,
deletes one, truncates the tail or rewrites the whole chain is named by verify."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from local import recreate_service_database
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from support import engine_for

from shipsettle_shared.audit import GENESIS_HASH, BreakKind, ChainRow, PublishedHead, record, row_hash
from shipsettle_shared.audit_routes import _chain_row, verify_chain
from shipsettle_shared.auth import Principal
from shipsettle_shared.contracts import Role
from shipsettle_shared.logs import correlation_id_var
from shipsettle_shared.topology import SERVICES_BY_NAME, ServiceDatabaseUrls

pytestmark = pytest.mark.infra

ORDER = SERVICES_BY_NAME["order-svc"]
OPS = Principal(key_id="k-ops-1", role=Role.OPS)
AT = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)


@pytest.fixture
async def database() -> ServiceDatabaseUrls:
    """A fresh order-svc database per test: owner and runtime role as a service has them."""
    return await recreate_service_database(ORDER, "_audit_log")


@pytest.fixture
async def runtime_engine(database: ServiceDatabaseUrls) -> AsyncIterator[AsyncEngine]:
    async with engine_for(database.runtime) as engine:
        yield engine


def admin_dsn(database: ServiceDatabaseUrls) -> str:
    """The local administrator on the service's database: a member of its owner role."""
    name = database.runtime.rsplit("/", 1)[1].split("?")[0]
    return f"postgresql://shipsettle:shipsettle@127.0.0.1:5432/{name}"


async def append(engine: AsyncEngine, number: int, **fields: Any) -> None:
    token = correlation_id_var.set(f"corr-{number}")
    try:
        async with AsyncSession(engine) as session, session.begin():
            await record(
                session,
                OPS,
                fields.pop("action", "risk_flags.set"),
                "merchant",
                f"m-{number}",
                at=AT + timedelta(seconds=number),
                **fields,
            )
    finally:
        correlation_id_var.reset(token)


async def verify(engine: AsyncEngine, head: PublishedHead | None = None) -> tuple[int, Any]:
    async with AsyncSession(engine) as session:
        walker = await verify_chain(session, head)
    return walker.rows_checked, walker.first_break


async def rows(engine: AsyncEngine) -> list[ChainRow]:
    async with engine.connect() as connection:
        found = (await connection.execute(text("select * from audit_log order by seq"))).all()
    return [_chain_row(row) for row in found]


async def test_each_append_is_one_statement_chained_by_the_database_as_python_recomputes_it(
    runtime_engine: AsyncEngine,
) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(runtime_engine.sync_engine, "before_cursor_execute", count)
    try:
        # null and empty fields, several-byte characters, a masked mobile: the SQL encoding must
        # agree with Python's on each
        await append(runtime_engine, 1, after={"mobile": "13812345678", "city": "杭州"}, reason="复核 ✓")
    finally:
        event.remove(runtime_engine.sync_engine, "before_cursor_execute", count)
    # BEGIN and COMMIT aside (the caller's transaction has them anyway), one statement: one round trip
    assert [statement.split()[0] for statement in statements] == ["insert"]
    await append(runtime_engine, 2, before={"flagged": False}, after={"flagged": True}, reason="")
    await append(runtime_engine, 3, action="api_keys.revoke")

    chain = await rows(runtime_engine)
    assert [row.seq for row in chain] == [1, 2, 3]
    assert chain[0].prev_hash == GENESIS_HASH
    assert [row.prev_hash for row in chain[1:]] == [row.row_hash for row in chain[:-1]]
    assert [row.row_hash for row in chain] == [row_hash(row) for row in chain]  # SQL's encoding is Python's
    assert chain[0].after_state == '{"city":"杭州","mobile":"138****5678"}'
    assert (chain[0].actor_key_id, chain[0].actor_role, chain[0].correlation_id) == ("k-ops-1", "ops", "corr-1")
    assert await verify(runtime_engine, PublishedHead(3, chain[2].row_hash)) == (3, None)


async def test_concurrent_appends_never_fork_the_chain(runtime_engine: AsyncEngine) -> None:
    await asyncio.gather(*(append(runtime_engine, number) for number in range(1, 21)))
    chain = await rows(runtime_engine)
    assert [row.seq for row in chain] == list(range(1, 21))
    assert sorted(row.target_id for row in chain) == sorted(f"m-{number}" for number in range(1, 21))
    assert await verify(runtime_engine) == (20, None)


async def test_an_append_rolled_back_leaves_no_row_and_no_gap(runtime_engine: AsyncEngine) -> None:
    await append(runtime_engine, 1)

    async def fail_after_recording() -> None:
        async with AsyncSession(runtime_engine) as session, session.begin():
            await record(session, OPS, "risk_flags.set", "merchant", "m-x", at=AT)
            raise RuntimeError("the change failed after its audit row was written")

    with pytest.raises(RuntimeError):
        await fail_after_recording()
    await append(runtime_engine, 2)
    assert [row.seq for row in await rows(runtime_engine)] == [1, 2]
    assert await verify(runtime_engine) == (2, None)


async def sqlstate(dsn: str, statement: str) -> str:
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction():
            await connection.execute(statement)
        return "00000"
    except asyncpg.PostgresError as error:
        return str(error.sqlstate)
    finally:
        await connection.close()


async def test_the_runtime_role_may_insert_and_read_but_never_change_the_log(
    database: ServiceDatabaseUrls, runtime_engine: AsyncEngine
) -> None:
    await append(runtime_engine, 1)
    runtime = database.runtime.replace("postgresql+asyncpg://", "postgresql://").replace("?ssl=disable", "")
    owner = database.owner.replace("postgresql+asyncpg://", "postgresql://").replace("?ssl=disable", "")
    for statement in (
        "update audit_log set reason = 'rewritten'",
        "delete from audit_log",
        "truncate audit_log",
        "alter table audit_log disable trigger audit_log_no_update_or_delete",
        "drop trigger audit_log_append on audit_log",
    ):
        assert await sqlstate(runtime, statement) == "42501", statement  # no privilege
    # the triggers, a second line: even the owner is refused
    for statement in ("update audit_log set reason = 'rewritten'", "delete from audit_log", "truncate audit_log"):
        assert await sqlstate(owner, statement) == "55000", statement
    assert await verify(runtime_engine) == (1, None)


async def superuser_execute(database: ServiceDatabaseUrls, *statements: str) -> None:
    """What only an intruder holding the database's owner (or a superuser) could do: switch the
    append-only triggers off, change rows, switch them on again. The runtime role can do none of
    it (above)."""
    connection = await asyncpg.connect(admin_dsn(database))
    try:
        async with connection.transaction():
            await connection.execute(f"set local role {ORDER.owner_role}")
            await connection.execute("alter table audit_log disable trigger user")
            for statement in statements:
                await connection.execute(statement)
            await connection.execute("alter table audit_log enable trigger user")
    finally:
        await connection.close()


async def test_verify_names_an_edited_row_a_deleted_row_and_a_truncated_tail(
    database: ServiceDatabaseUrls, runtime_engine: AsyncEngine
) -> None:
    for number in range(1, 7):
        await append(runtime_engine, number, reason=f"reason {number}")
    original = await rows(runtime_engine)
    head = PublishedHead(6, original[5].row_hash)  # what recon kept
    assert await verify(runtime_engine, head) == (6, None)

    await superuser_execute(database, "update audit_log set reason = 'nothing to see' where seq = 2")
    _, broken = await verify(runtime_engine, head)
    assert (broken.seq, broken.kind) == (2, BreakKind.EDITED)
    await superuser_execute(database, "update audit_log set reason = 'reason 2' where seq = 2")
    assert await verify(runtime_engine, head) == (6, None)

    await superuser_execute(database, "delete from audit_log where seq = 4")
    _, broken = await verify(runtime_engine, head)
    assert (broken.seq, broken.kind) == (4, BreakKind.MISSING)

    await superuser_execute(database, "delete from audit_log where seq >= 4")  # the tail: nothing local shows it
    assert await verify(runtime_engine) == (3, None)
    _, broken = await verify(runtime_engine, head)
    assert (broken.seq, broken.kind) == (4, BreakKind.TRUNCATED)


async def test_verify_names_a_chain_rewritten_whole_against_the_published_head(
    database: ServiceDatabaseUrls, runtime_engine: AsyncEngine
) -> None:
    for number in range(1, 5):
        await append(runtime_engine, number, reason=f"reason {number}")
    original = await rows(runtime_engine)
    head = PublishedHead(4, original[3].row_hash)
    # every row's hash recomputed after an edit of the first: consistent in itself
    forged: list[ChainRow] = []
    for row in original:
        changed = dataclasses.replace(
            row,
            prev_hash=forged[-1].row_hash if forged else GENESIS_HASH,
            reason="approved by nobody" if row.seq == 1 else row.reason,
        )
        forged.append(dataclasses.replace(changed, row_hash=row_hash(changed)))
    await superuser_execute(
        database,
        *(
            f"update audit_log set reason = '{row.reason}', prev_hash = '{row.prev_hash}',"  # noqa: S608 - test values
            f" row_hash = '{row.row_hash}' where seq = {row.seq}"
            for row in forged
        ),
    )
    assert await verify(runtime_engine) == (4, None)  # nothing local shows it
    _, broken = await verify(runtime_engine, head)
    assert (broken.seq, broken.kind) == (4, BreakKind.REWRITTEN)

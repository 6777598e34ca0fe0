"""Least privilege in PostgreSQL (issue 18): every service serves as a runtime role that owns
nothing and may connect to its own database only; a separate owner role per database applies the
migrations. So a service (or whoever takes over its process or its password) cannot alter its
tables, switch off the ledger's append-only and balance triggers, create objects, rewrite the
ledger, or read another service's database.

On the end-to-end platform's databases (tests/conftest.py's ``platform``), as its services left
them: each service migrated them at start as the owner and granted its runtime role
(``shipsettle_shared/migrations.py``); the roles come from ``deploy/postgres/postgres.sh start``.
Every statement is tried in a transaction that is rolled back, so a control that failed would
show here without damaging the platform the other tests use.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest
from e2e.platform_support import Platform, new_merchant
from sqlalchemy import make_url
from support import ADMIN_DSN

from shipsettle_shared.topology import SERVICES, SERVICES_BY_NAME, ServiceSpec, development_password

SETTLEMENT = SERVICES_BY_NAME["settlement-svc"]
RECON = SERVICES_BY_NAME["recon-svc"]
LEDGER_TABLES = {"ledger_postings", "ledger_transactions"}
# refund-svc's audit log follows its restructuring (issue 20)
AUDITED = [spec for spec in SERVICES if spec.name != "refund-svc"]
ROW_PRIVILEGES = {"SELECT", "INSERT", "UPDATE", "DELETE"}


def database_of(platform: Platform, spec: ServiceSpec) -> str:
    database = make_url(platform.database_urls[spec.name]).database
    assert database is not None
    return database


def dsn_as(role: str, database: str) -> str:
    return f"postgresql://{role}:{development_password(role)}@127.0.0.1:5432/{database}"


@asynccontextmanager
async def connected_as(role: str, database: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(dsn_as(role, database))
    try:
        yield connection
    finally:
        await connection.close()


async def sqlstate_of(connection: asyncpg.Connection, statement: str) -> str:
    """The SQLSTATE ``statement`` fails with ('00000' when it succeeds), always rolled back."""
    transaction = connection.transaction()
    await transaction.start()
    try:
        await connection.execute(statement)
        return "00000"
    except asyncpg.PostgresError as error:
        return str(error.sqlstate)
    finally:
        await transaction.rollback()


# What an intruder with settlement-svc's role would try on the ledger; each must be refused for
# want of privilege (42501), not by the append-only trigger (55000) or for any other reason.
LEDGER_ATTACKS = [
    "update ledger_postings set amount_minor = amount_minor + 100",
    "delete from ledger_postings",
    "update ledger_transactions set description = 'rewritten'",
    "delete from ledger_transactions",
    "truncate ledger_postings, ledger_transactions cascade",
    "alter table ledger_postings disable trigger all",
    "alter table ledger_postings disable trigger ledger_postings_append_only",
    "alter table ledger_transactions disable trigger user",
    "drop trigger ledger_postings_append_only on ledger_postings",
    "create or replace function ledger_append_only() returns trigger language plpgsql as $$ begin return new; end $$",
    "alter table ledger_postings add column note text",
    "alter table ledger_postings owner to settlement_svc_app",
    "drop table ledger_postings cascade",
    "create table shadow_ledger (id bigint)",
    "create temporary table scratch (id bigint)",
    "create schema elsewhere",
    "update alembic_version set version_num = '0001'",
]


async def test_settlement_role_is_refused_ledger_rewrites_trigger_switches_and_any_ddl(platform: Platform) -> None:
    async with connected_as(SETTLEMENT.runtime_role, database_of(platform, SETTLEMENT)) as connection:
        outcomes = {statement: await sqlstate_of(connection, statement) for statement in LEDGER_ATTACKS}
        # the control: the role does read and append to the ledger
        readable = await sqlstate_of(
            connection, "select (select count(*) from ledger_postings) + (select count(*) from ledger_transactions)"
        )
    print(
        f"\nsettlement-svc's role: {len(outcomes)} statements tried, refused: {sum(s == '42501' for s in outcomes.values())}"
    )
    assert outcomes == dict.fromkeys(LEDGER_ATTACKS, "42501")
    assert readable == "00000"


# What an intruder with a service's role would try on its audit log (shipsettle_shared/audit.py):
# each refused for want of privilege (42501), before the append-only triggers (55000) are reached.
AUDIT_ATTACKS = [
    "update audit_log set reason = 'rewritten'",
    "update audit_log set row_hash = prev_hash",
    "delete from audit_log",
    "truncate audit_log",
    "alter table audit_log disable trigger user",
    "drop trigger audit_log_append on audit_log",
    "create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$ begin return new; end $$",
    "drop table audit_log",
]


@pytest.mark.parametrize("spec", AUDITED, ids=lambda spec: spec.name)
async def test_a_service_role_appends_to_its_audit_log_but_never_changes_or_empties_it(
    platform: Platform, spec: ServiceSpec
) -> None:
    async with connected_as(spec.runtime_role, database_of(platform, spec)) as connection:
        outcomes = {statement: await sqlstate_of(connection, statement) for statement in AUDIT_ATTACKS}
        # the control: the role reads the log and appends to it (rolled back)
        appended = await sqlstate_of(
            connection,
            "insert into audit_log (occurred_at, actor_key_id, actor_role, action, target_type, target_id)"
            " values (now(), 'k', 'ops', 'probe', 'test', 't')",
        )
        readable = await sqlstate_of(connection, "select count(*) from audit_log")
    assert outcomes == dict.fromkeys(AUDIT_ATTACKS, "42501")
    assert (appended, readable) == ("00000", "00000")


async def test_each_runtime_role_has_row_privileges_on_its_tables_and_nothing_more(platform: Platform) -> None:
    """Every table of each service's schema (a table a later migration adds included: the grants
    are set at each start, never listed by hand), as the role sees them: reads and writes rows,
    appends to the ledger only, reads the migrations' version only, owns nothing."""
    for spec in SERVICES:
        async with connected_as(spec.runtime_role, database_of(platform, spec)) as connection:
            tables = {
                row["tablename"]: row["tableowner"]
                for row in await connection.fetch(
                    "select tablename, tableowner from pg_tables where schemaname = 'public'"
                )
            }
            granted: dict[str, set[str]] = {table: set() for table in tables}
            for row in await connection.fetch(
                "select table_name, privilege_type from information_schema.table_privileges "
                "where grantee = current_user and table_schema = 'public'"
            ):
                granted[row["table_name"]].add(row["privilege_type"])
            sequences_usable = await connection.fetchval(
                "select bool_and(has_sequence_privilege(c.oid, 'USAGE')) from pg_class c "
                "join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'S'"
            )
        append_only = {"audit_log"} | (LEDGER_TABLES if spec is SETTLEMENT else set())
        append_only |= {"audit_heads"} if spec is RECON else set()
        expected = {
            table: {"SELECT"}
            if table == "alembic_version"
            else {"SELECT", "INSERT"}
            if table in append_only
            else ROW_PRIVILEGES
            for table in tables
        }
        assert len(tables) > 5, spec.name
        assert granted == expected, spec.name
        assert set(tables.values()) == {spec.owner_role}, spec.name
        assert sequences_usable is not False, spec.name


async def test_no_service_role_connects_to_another_services_database(platform: Platform) -> None:
    """Each service's runtime role and migration owner × each service's database: only its own
    (PUBLIC has no CONNECT on any of them); the own column is the control that the password and
    the role are right, so a refusal elsewhere is the grant's doing."""
    outcomes: dict[tuple[str, str], str] = {}
    expected: dict[tuple[str, str], str] = {}
    for role_spec in SERVICES:
        for role in (role_spec.runtime_role, role_spec.owner_role):
            for database_spec in SERVICES:
                database = database_of(platform, database_spec)
                expected[role, database] = "connected" if database_spec is role_spec else "42501"
                try:
                    async with connected_as(role, database) as connection:
                        await connection.fetchval("select 1")
                    outcomes[role, database] = "connected"
                except asyncpg.PostgresError as error:
                    outcomes[role, database] = str(error.sqlstate)
    refused = sum(outcome == "42501" for outcome in outcomes.values())
    print(f"\n{len(outcomes)} role x database connections tried: {refused} refused, {len(outcomes) - refused} own")
    assert outcomes == expected


async def test_the_platform_serves_as_the_runtime_roles(platform: Platform) -> None:
    """The five services work under their runtime roles (the whole end-to-end suite runs so), and
    no connection to a service's database belongs to its owner or the administrator."""
    # a key issued by order-svc, replicated to every service's database by its access consumer
    await new_merchant(platform, "db-roles")
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        for spec in SERVICES:
            env = platform.processes[spec.name].env
            assert make_url(env["SHIPSETTLE_DATABASE_URL"]).username == spec.runtime_role
            assert make_url(env["SHIPSETTLE_MIGRATION_DATABASE_URL"]).username == spec.owner_role
            users = await admin.fetch(
                "select distinct usename from pg_stat_activity where datname = $1 and usename is not null",
                database_of(platform, spec),
            )
            assert {row["usename"] for row in users} == {spec.runtime_role}, spec.name
    finally:
        await admin.close()


@pytest.mark.parametrize("spec", SERVICES, ids=lambda spec: spec.name)
async def test_the_service_roles_are_no_administrators_and_inherit_nothing(spec: ServiceSpec) -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        roles = {
            row["rolname"]: row
            for row in await admin.fetch(
                "select rolname, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls from pg_roles "
                "where rolname = any($1::text[])",
                [spec.runtime_role, spec.owner_role],
            )
        }
        memberships = await admin.fetchval(
            "select count(*) from pg_auth_members m join pg_roles r on r.oid = m.member where r.rolname = any($1::text[])",
            [spec.runtime_role, spec.owner_role],
        )
    finally:
        await admin.close()
    assert set(roles) == {spec.runtime_role, spec.owner_role}
    for row in roles.values():
        assert not any(
            row[attribute]
            for attribute in ("rolsuper", "rolcreatedb", "rolcreaterole", "rolreplication", "rolbypassrls")
        )
    assert memberships == 0  # neither inherits another role's privileges

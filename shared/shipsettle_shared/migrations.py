"""Alembic, the same way in every service.

Each service has ``migrations/`` (env.py calls ``run_alembic_env``) and applies them at start
with ``upgrade_to_head`` under a PostgreSQL advisory lock, so two instances starting together
do not race. The infrastructure tables are created by ``create_infrastructure_tables_v1`` in
each service's first revision; a later change to them gets a new helper and a new revision,
never an edit of this one.

Least privilege: the migrations run as the database's owner (``SHIPSETTLE_MIGRATION_DATABASE_URL``)
and the service serves as a runtime role that owns nothing (``SHIPSETTLE_DATABASE_URL``). The
runtime role's privileges are set by every migration run, in its transaction, from the schema as
it then is (``grant_runtime_privileges``): a table a later revision adds gets them without anyone
remembering to, and nothing granted by hand outlives the next start.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData, make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shipsettle_shared.audit import AUDIT_LOG, AUDIT_LOG_DDL, AUDIT_LOG_DROP, audit_metadata
from shipsettle_shared.data_keys import data_keys_metadata
from shipsettle_shared.db import infrastructure_metadata
from shipsettle_shared.four_eyes import approvals_metadata

_MIGRATION_LOCK = 0x5E7_A1E
_RUNTIME_ROLE_OPTION = "shipsettle_runtime_role"


def create_infrastructure_tables_v1() -> None:
    infrastructure_metadata.create_all(op.get_bind())


def drop_infrastructure_tables_v1() -> None:
    infrastructure_metadata.drop_all(op.get_bind())


def grant_runtime_privileges(connection: Connection, runtime_role: str, append_only_tables: Sequence[str]) -> None:
    """What the serving role may do, set afresh by the owner in the migration's transaction:
    connect to this database (PUBLIC loses CONNECT and TEMPORARY, so no other service's role
    can), use the public schema but create nothing in it, read and write the rows of every table
    but the migrations' version (read only) and the append-only ones (read and insert: the
    ledger's postings and transactions are never updated or deleted, by the code or anyone
    else), and draw from every sequence. Never TRUNCATE, REFERENCES or TRIGGER, and no
    ownership: ALTER, DROP and DISABLE TRIGGER need the owner."""
    quote = connection.dialect.identifier_preparer.quote
    role = quote(runtime_role)
    # The audit log, wherever a revision created it, is append-only too (audit.py).
    if connection.execute(text("select to_regclass(:table)"), {"table": AUDIT_LOG}).scalar() is not None:
        append_only_tables = (*append_only_tables, AUDIT_LOG)
    database = quote(str(connection.execute(text("select current_database()")).scalar_one()))
    statements = [
        f"revoke all on database {database} from public",
        f"grant connect on database {database} to {role}",
        "revoke create on schema public from public",
        f"grant usage on schema public to {role}",
        f"revoke all on all tables in schema public from {role}",
        f"grant select, insert, update, delete on all tables in schema public to {role}",
        f"revoke insert, update, delete on alembic_version from {role}",
        *(f"revoke update, delete on {quote(table)} from {role}" for table in append_only_tables),
        f"revoke all on all sequences in schema public from {role}",
        f"grant usage on all sequences in schema public to {role}",
    ]
    for statement in statements:
        connection.execute(text(statement))


def create_data_keys_table_v1() -> None:
    """The wrapped data keys of personal data (``data_keys.py``), in a revision of its own."""
    data_keys_metadata.create_all(op.get_bind())


def drop_data_keys_table_v1() -> None:
    data_keys_metadata.drop_all(op.get_bind())


def create_approvals_table_v1() -> None:
    """The four-eyes ``approvals`` table (``four_eyes.py``), in a revision of its own."""
    approvals_metadata.create_all(op.get_bind())


def drop_approvals_table_v1() -> None:
    approvals_metadata.drop_all(op.get_bind())


def create_audit_log_v1() -> None:
    """The hash-chained ``audit_log`` (``audit.py``): its table, then the functions and triggers
    that chain each row and refuse UPDATE, DELETE and TRUNCATE; in a revision of its own."""
    audit_metadata.create_all(op.get_bind())
    for statement in AUDIT_LOG_DDL:
        op.execute(statement)


def drop_audit_log_v1() -> None:
    for statement in AUDIT_LOG_DROP:
        op.execute(statement)


def _run(
    connection: Connection, target_metadata: list[MetaData], runtime_role: str | None, append_only_tables: Sequence[str]
) -> None:
    # compare_type off: models declare str (VARCHAR) where migrations create TEXT, the same in PostgreSQL.
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=False)
    connection.execute(text("select pg_advisory_lock(:lock)"), {"lock": _MIGRATION_LOCK})
    try:
        with context.begin_transaction():
            context.run_migrations()
            if runtime_role:
                grant_runtime_privileges(connection, runtime_role, append_only_tables)
    finally:
        connection.execute(text("select pg_advisory_unlock(:lock)"), {"lock": _MIGRATION_LOCK})


def run_alembic_env(service_metadata: MetaData, *, append_only_tables: Sequence[str] = ()) -> None:
    """Body of every service's migrations/env.py (online mode only: we always have a DB).
    ``append_only_tables``: the runtime role reads and inserts into them, never updates or deletes."""
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("sqlalchemy.url is not set; upgrade_to_head sets it from settings")
    runtime_role = context.config.get_main_option(_RUNTIME_ROLE_OPTION) or None
    target = [infrastructure_metadata, approvals_metadata, audit_metadata, service_metadata]

    async def migrate() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(_run, target, runtime_role, append_only_tables)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(migrate())


def alembic_config(migrations_dir: Path, database_url: str, runtime_role: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if runtime_role:
        config.set_main_option(_RUNTIME_ROLE_OPTION, runtime_role)
    return config


def upgrade_to_head(migrations_dir: Path, database_url: str, *, runtime_role: str | None = None) -> None:
    """Apply the service's migrations (blocking; call before the event loop starts); then, when
    ``runtime_role`` is given, set that role's privileges (``grant_runtime_privileges``)."""
    command.upgrade(alembic_config(migrations_dir, database_url, runtime_role), "head")


def upgrade_service_database(migrations_dir: Path, *, database_url: str, migration_database_url: str = "") -> None:
    """How a service migrates at start (and the test and surge platforms provision): as the owner
    of ``migration_database_url``, then the privileges of ``database_url``'s role, the one the
    service serves as. Without a migration URL (one role for both, as the integration tests'
    databases) the migrations run as ``database_url`` and nothing is granted."""
    if not migration_database_url:
        upgrade_to_head(migrations_dir, database_url)
        return
    runtime_role = make_url(database_url).username
    owner = make_url(migration_database_url).username
    upgrade_to_head(
        migrations_dir, migration_database_url, runtime_role=runtime_role if runtime_role != owner else None
    )

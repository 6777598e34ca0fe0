"""Alembic, the same way in every service.

Each service has ``migrations/`` (env.py calls ``run_alembic_env``) and applies them at start
with ``upgrade_to_head`` under a PostgreSQL advisory lock, so two instances starting together
do not race. The infrastructure tables are created by ``create_infrastructure_tables_v1`` in
each service's first revision; a later change to them gets a new helper and a new revision,
never an edit of this one.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shipsettle_shared.db import infrastructure_metadata
from shipsettle_shared.four_eyes import approvals_metadata

_MIGRATION_LOCK = 0x5E7_A1E


def create_infrastructure_tables_v1() -> None:
    infrastructure_metadata.create_all(op.get_bind())


def drop_infrastructure_tables_v1() -> None:
    infrastructure_metadata.drop_all(op.get_bind())


def create_approvals_table_v1() -> None:
    """The four-eyes ``approvals`` table (``four_eyes.py``), in a revision of its own."""
    approvals_metadata.create_all(op.get_bind())


def drop_approvals_table_v1() -> None:
    approvals_metadata.drop_all(op.get_bind())


def _run(connection: Connection, target_metadata: list[MetaData]) -> None:
    # compare_type off: models declare str (VARCHAR) where migrations create TEXT, the same in PostgreSQL.
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=False)
    connection.execute(text("select pg_advisory_lock(:lock)"), {"lock": _MIGRATION_LOCK})
    try:
        with context.begin_transaction():
            context.run_migrations()
    finally:
        connection.execute(text("select pg_advisory_unlock(:lock)"), {"lock": _MIGRATION_LOCK})


def run_alembic_env(service_metadata: MetaData) -> None:
    """Body of every service's migrations/env.py (online mode only: we always have a DB)."""
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("sqlalchemy.url is not set; upgrade_to_head sets it from settings")
    target = [infrastructure_metadata, approvals_metadata, service_metadata]

    async def migrate() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(_run, target)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(migrate())


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(migrations_dir: Path, database_url: str) -> None:
    """Apply the service's migrations (blocking; call before the event loop starts)."""
    command.upgrade(alembic_config(migrations_dir, database_url), "head")

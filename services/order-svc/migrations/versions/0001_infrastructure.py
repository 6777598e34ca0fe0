"""Infrastructure tables: outbox, processed events, timers, API keys, idempotency keys.

Revision ID: 0001
Revises:
"""

from shipsettle_shared.migrations import create_infrastructure_tables_v1, drop_infrastructure_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_infrastructure_tables_v1()


def downgrade() -> None:
    drop_infrastructure_tables_v1()

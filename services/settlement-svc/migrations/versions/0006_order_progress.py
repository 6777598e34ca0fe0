"""order progress: each order's way to settlement, for its ETA and blockers

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _json(name: str) -> sa.Column[dict[str, object]]:
    return sa.Column(name, postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb"))


def upgrade() -> None:
    op.create_table(
        "order_progress",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        _json("shipments"),
        _json("figures"),
        _json("bookings"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id"),
    )
    op.create_index("order_progress_merchant", "order_progress", ["merchant_id"], unique=False)


def downgrade() -> None:
    op.drop_index("order_progress_merchant", table_name="order_progress")
    op.drop_table("order_progress")

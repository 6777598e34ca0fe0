"""return parcels (direction, refund, ops flags), the stored auto-confirm due time, refund holds

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD_LIVE_WHERE = "status <> 'cancelled'"
NEW_LIVE_WHERE = "status <> 'cancelled' and direction = 'outbound'"


def upgrade() -> None:
    op.add_column("shipments", sa.Column("auto_confirm_due_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("shipments", sa.Column("direction", sa.Text(), server_default="outbound", nullable=False))
    op.add_column("shipments", sa.Column("refund_id", sa.Text(), nullable=True))
    op.add_column(
        "shipments",
        sa.Column(
            "ops_flags", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False
        ),
    )
    # Timers already running keep their due time: the auto-confirm handler now checks the
    # shipment's stored due time, so copy it from the pending timer (keyed by shipment id then).
    op.execute(
        "update shipments set auto_confirm_due_at = timers.due_at from timers"
        " where timers.timer_kind = 'auto_confirm' and timers.timer_key = shipments.shipment_id"
        " and timers.fired_at is null and timers.cancelled_at is null and shipments.signed_off_at is null"
    )
    op.drop_index("shipments_live_tracking_number", table_name="shipments", postgresql_where=sa.text(OLD_LIVE_WHERE))
    op.create_index(
        "shipments_live_tracking_number",
        "shipments",
        ["carrier_code", "tracking_number"],
        unique=True,
        postgresql_where=sa.text(NEW_LIVE_WHERE),
    )
    op.create_index("shipments_tracking_number", "shipments", ["tracking_number"], unique=False)
    op.create_table(
        "refund_holds",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("refund_id", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_how", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("order_id", "refund_id"),
    )


def downgrade() -> None:
    op.drop_table("refund_holds")
    op.drop_index("shipments_tracking_number", table_name="shipments")
    op.drop_index("shipments_live_tracking_number", table_name="shipments", postgresql_where=sa.text(NEW_LIVE_WHERE))
    # Return parcels would break the old, wider unique index: they go first.
    op.execute("delete from shipments where direction = 'return'")
    op.create_index(
        "shipments_live_tracking_number",
        "shipments",
        ["carrier_code", "tracking_number"],
        unique=True,
        postgresql_where=sa.text(OLD_LIVE_WHERE),
    )
    op.drop_column("shipments", "ops_flags")
    op.drop_column("shipments", "refund_id")
    op.drop_column("shipments", "direction")
    op.drop_column("shipments", "auto_confirm_due_at")

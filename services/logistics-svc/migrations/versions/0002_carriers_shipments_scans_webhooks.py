"""carriers, shipments, scans, webhooks, settings

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aggregator_secrets",
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source"),
    )
    op.create_table(
        "carriers",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("definition", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("webhook_secret", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "known_orders",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("consignee", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("order_id"),
    )
    op.create_table(
        "platform_settings",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "rejected_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw_body", sa.LargeBinary(), nullable=False),
        sa.Column("headers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_number", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("raw_status", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("delivery_id", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tracking_number", "occurred_at", "status", "description", name="scans_natural_key"),
    )
    op.create_index("scans_tracking_number", "scans", ["tracking_number", "occurred_at"], unique=False)
    op.create_table(
        "shipments",
        sa.Column("shipment_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("carrier_code", sa.Text(), nullable=False),
        sa.Column("tracking_number", sa.Text(), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_movement_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_scan_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sign_off_how", sa.Text(), nullable=True),
        sa.Column("stale_alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("auto_confirm_paused_remaining_s", sa.Integer(), nullable=True),
        sa.Column("open_disputes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("shipment_id"),
    )
    op.create_index(
        "shipments_live_tracking_number",
        "shipments",
        ["carrier_code", "tracking_number"],
        unique=True,
        postgresql_where=sa.text("status <> 'cancelled'"),
    )
    op.create_index("shipments_order", "shipments", ["order_id"], unique=False)
    op.create_index(
        "shipments_stale_watch",
        "shipments",
        ["last_movement_at"],
        unique=False,
        postgresql_where=sa.text(
            "status in ('dispatched', 'info_received', 'in_transit', 'out_for_delivery', 'failed_attempt', 'exception')"
        ),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("delivery_id", sa.Text(), nullable=False),
        sa.Column("tracking_number", sa.Text(), nullable=False),
        sa.Column("vendor_carrier_code", sa.Text(), nullable=True),
        sa.Column("scans", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("raw_body", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "delivery_id", name="webhook_deliveries_source_delivery"),
    )


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_index(
        "shipments_stale_watch",
        table_name="shipments",
        postgresql_where=sa.text(
            "status in ('dispatched', 'info_received', 'in_transit', 'out_for_delivery', 'failed_attempt', 'exception')"
        ),
    )
    op.drop_index("shipments_order", table_name="shipments")
    op.drop_index(
        "shipments_live_tracking_number", table_name="shipments", postgresql_where=sa.text("status <> 'cancelled'")
    )
    op.drop_table("shipments")
    op.drop_index("scans_tracking_number", table_name="scans")
    op.drop_table("scans")
    op.drop_table("rejected_webhooks")
    op.drop_table("platform_settings")
    op.drop_table("known_orders")
    op.drop_table("carriers")
    op.drop_table("aggregator_secrets")

"""orders, shipping changes, order timeline

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
        "order_timeline",
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("producer", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("order_timeline_order", "order_timeline", ["order_id", "occurred_at", "event_id"], unique=False)
    op.create_table(
        "orders",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("buyer_ref", sa.Text(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("payable_minor", sa.BigInteger(), nullable=False),
        sa.Column("payment_channel", sa.Text(), nullable=False),
        sa.Column("payment_transaction_id", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("priced", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("consignee", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("payment", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("shipping_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shipping_confirmed_by", sa.Text(), nullable=True),
        sa.Column("dispatched_quantities", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("order_id"),
        sa.UniqueConstraint("payment_channel", "payment_transaction_id", name="orders_payment_transaction"),
    )
    op.create_index("orders_merchant_created", "orders", ["merchant_id", "created_at", "order_id"], unique=False)
    op.create_index("orders_status_created", "orders", ["status", "created_at", "order_id"], unique=False)
    op.create_table(
        "shipping_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_shipping_changes_order_id"), "shipping_changes", ["order_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_shipping_changes_order_id"), table_name="shipping_changes")
    op.drop_table("shipping_changes")
    op.drop_index("orders_status_created", table_name="orders")
    op.drop_index("orders_merchant_created", table_name="orders")
    op.drop_table("orders")
    op.drop_index("order_timeline_order", table_name="order_timeline")
    op.drop_table("order_timeline")

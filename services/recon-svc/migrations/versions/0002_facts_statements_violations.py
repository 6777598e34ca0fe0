"""ledger entries, orders, refunds, payouts, statements, violations

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
        "invariant_violations",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("check_name", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=True),
        sa.Column("figures", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("check_name", "order_id", "fingerprint", name="invariant_violations_once"),
    )
    op.create_index("invariant_violations_detected", "invariant_violations", ["detected_at"], unique=False)
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("tx_key", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("caused_by_event_id", sa.Text(), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("postings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tx_key"),
    )
    op.create_index("ledger_entries_merchant_posted", "ledger_entries", ["merchant_id", "posted_at"], unique=False)
    op.create_index("ledger_entries_order", "ledger_entries", ["order_id"], unique=False)
    op.create_table(
        "payout_facts",
        sa.Column("payout_id", sa.Text(), nullable=False),
        sa.Column("application_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("provider_reference", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("payout_id"),
    )
    op.create_index("payout_facts_merchant", "payout_facts", ["merchant_id"], unique=False)
    op.create_table(
        "recon_orders",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("buyer_paid_minor", sa.BigInteger(), nullable=True),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("units_signed_off", sa.Integer(), nullable=False),
        sa.Column("units_refunded", sa.Integer(), nullable=False),
        sa.Column("units_ordered", sa.Integer(), nullable=False),
        sa.Column("signed_off", sa.Boolean(), nullable=False),
        sa.Column("refunded_to_buyer_minor", sa.BigInteger(), nullable=False),
        sa.Column("open_refunds", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("clearing_released_minor", sa.BigInteger(), nullable=False),
        sa.Column("subsidy_minor", sa.BigInteger(), nullable=False),
        sa.Column("commission_minor", sa.BigInteger(), nullable=False),
        sa.Column("merchant_net_minor", sa.BigInteger(), nullable=False),
        sa.Column("ledger_refunds_minor", sa.BigInteger(), nullable=False),
        sa.Column("first_booked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("holds", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id"),
    )
    op.create_index("recon_orders_merchant", "recon_orders", ["merchant_id"], unique=False)
    op.create_table(
        "refund_facts",
        sa.Column("refund_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("refund_minor", sa.BigInteger(), nullable=False),
        sa.Column("shipping_minor", sa.BigInteger(), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("provider_reference", sa.Text(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("refund_id"),
    )
    op.create_index("refund_facts_merchant", "refund_facts", ["merchant_id", "completed_at"], unique=False)
    op.create_table(
        "statements",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("merchant_id", "period_start", "period_end", "version", name="statements_version"),
    )


def downgrade() -> None:
    op.drop_table("statements")
    op.drop_index("refund_facts_merchant", table_name="refund_facts")
    op.drop_table("refund_facts")
    op.drop_index("recon_orders_merchant", table_name="recon_orders")
    op.drop_table("recon_orders")
    op.drop_index("payout_facts_merchant", table_name="payout_facts")
    op.drop_table("payout_facts")
    op.drop_index("ledger_entries_order", table_name="ledger_entries")
    op.drop_index("ledger_entries_merchant_posted", table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_index("invariant_violations_detected", table_name="invariant_violations")
    op.drop_table("invariant_violations")

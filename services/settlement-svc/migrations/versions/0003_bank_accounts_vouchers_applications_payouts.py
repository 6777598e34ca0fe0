"""bank accounts, vouchers, applications, payouts

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


def upgrade() -> None:
    op.create_table(
        "bank_accounts",
        sa.Column("bank_account_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("holder_name", sa.Text(), nullable=False),
        sa.Column("bank_name", sa.Text(), nullable=False),
        sa.Column("account_type", sa.Text(), nullable=False),
        sa.Column("account_number", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("verified_by", sa.Text(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bank_account_id"),
    )
    op.create_index(op.f("ix_bank_accounts_merchant_id"), "bank_accounts", ["merchant_id"], unique=False)
    op.create_table(
        "merchant_flags",
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("flagged_by", sa.Text(), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("merchant_id"),
    )
    op.create_table(
        "payouts",
        sa.Column("payout_id", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("application_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("provider_reference", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("payout_id"),
        sa.UniqueConstraint("application_id"),
    )
    op.create_index(op.f("ix_payouts_batch_id"), "payouts", ["batch_id"], unique=False)
    op.create_index(op.f("ix_payouts_merchant_id"), "payouts", ["merchant_id"], unique=False)
    op.create_table(
        "settlement_applications",
        sa.Column("application_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("bank_account_id", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("order_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("voucher_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("review_reasons", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("payout_id", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("application_id"),
    )
    op.create_index(
        op.f("ix_settlement_applications_merchant_id"), "settlement_applications", ["merchant_id"], unique=False
    )
    op.create_index("settlement_applications_status", "settlement_applications", ["status", "created_at"], unique=False)
    op.create_table(
        "vouchers",
        sa.Column("voucher_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("voucher_id"),
    )
    op.create_index(op.f("ix_vouchers_merchant_id"), "vouchers", ["merchant_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_vouchers_merchant_id"), table_name="vouchers")
    op.drop_table("vouchers")
    op.drop_index("settlement_applications_status", table_name="settlement_applications")
    op.drop_index(op.f("ix_settlement_applications_merchant_id"), table_name="settlement_applications")
    op.drop_table("settlement_applications")
    op.drop_index(op.f("ix_payouts_merchant_id"), table_name="payouts")
    op.drop_index(op.f("ix_payouts_batch_id"), table_name="payouts")
    op.drop_table("payouts")
    op.drop_table("merchant_flags")
    op.drop_index(op.f("ix_bank_accounts_merchant_id"), table_name="bank_accounts")
    op.drop_table("bank_accounts")

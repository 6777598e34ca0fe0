"""refunds to the platform balance and ops' resolutions of failed refunds

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
    op.add_column("refund_orders", sa.Column("buyer_ref", sa.Text(), nullable=True))
    op.add_column("refunds", sa.Column("failure_permanent", sa.Boolean(), nullable=False, server_default="false"))
    op.add_column("refunds", sa.Column("beneficiary_channel", sa.Text(), nullable=True))
    op.add_column("refunds", sa.Column("beneficiary_account", sa.Text(), nullable=True))
    op.add_column("refunds", sa.Column("refunded_via", sa.Text(), nullable=True))
    op.add_column("refunds", sa.Column("balance_credit", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.add_column("refunds", sa.Column("resolution", postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def downgrade() -> None:
    op.drop_column("refunds", "resolution")
    op.drop_column("refunds", "balance_credit")
    op.drop_column("refunds", "refunded_via")
    op.drop_column("refunds", "beneficiary_account")
    op.drop_column("refunds", "beneficiary_channel")
    op.drop_column("refunds", "failure_permanent")
    op.drop_column("refund_orders", "buyer_ref")

"""how each refund was paid: refund_facts.refunded_via and refunded_to_channel

Revision ID: 0006
Revises: 0005

The refund provider's file shows only the refunds it paid; a balance credit the platform applied
or a transfer ops made offline is on no provider file. Refunds folded before this revision keep
refunded_via NULL, read as original_channel — except those ops settled offline, marked here by
the reference refund-svc gives them ("offline:<transfer reference>"). (A balance credit folded
before this cannot be told apart from its reference; recon expects it on the provider's file
until its discrepancy is written off.)
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("refund_facts", sa.Column("refunded_via", sa.Text(), nullable=True))
    op.add_column("refund_facts", sa.Column("refunded_to_channel", sa.Text(), nullable=True))
    op.execute("update refund_facts set refunded_via = 'offline' where provider_reference like 'offline:%'")


def downgrade() -> None:
    op.drop_column("refund_facts", "refunded_to_channel")
    op.drop_column("refund_facts", "refunded_via")

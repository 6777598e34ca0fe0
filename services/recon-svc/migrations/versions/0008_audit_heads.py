"""audit: the heads of every service's audit chain, as published on audit.events

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_heads",
        sa.Column("chain", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("row_hash", sa.Text(), nullable=False),
        sa.Column("anchor_seq", sa.BigInteger(), nullable=True),
        sa.Column("anchor_hash", sa.Text(), nullable=True),
        sa.Column("continuous", sa.Boolean(), nullable=False),
        sa.Column("head_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chain", "seq"),
    )


def downgrade() -> None:
    op.drop_table("audit_heads")

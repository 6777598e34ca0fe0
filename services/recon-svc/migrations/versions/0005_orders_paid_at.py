"""when the buyer paid: recon_orders.paid_at, what a wallet's daily bill dates a payment by

Revision ID: 0005
Revises: 0004

Orders folded before this revision keep paid_at NULL (the events are not kept to fill it in):
matching dates those by placed_at and says so in the report's ``dated_by``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("recon_orders", sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("recon_orders_channel_paid", "recon_orders", ["payment_channel", "paid_at"], unique=False)


def downgrade() -> None:
    op.drop_index("recon_orders_channel_paid", table_name="recon_orders")
    op.drop_column("recon_orders", "paid_at")

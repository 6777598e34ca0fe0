"""dispatch and sign-off lines, shipment returns

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recon_dispatch_lines",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("shipment_id", sa.Text(), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shipment_id", "line_id", name="recon_dispatch_lines_once"),
    )
    op.create_index(
        "recon_dispatch_lines_merchant", "recon_dispatch_lines", ["merchant_id", "dispatched_at"], unique=False
    )
    op.create_table(
        "recon_shipment_returns",
        sa.Column("shipment_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("shipment_id"),
    )
    op.create_index(
        "recon_shipment_returns_merchant", "recon_shipment_returns", ["merchant_id", "returned_at"], unique=False
    )
    op.create_table(
        "recon_sign_off_lines",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("shipment_id", sa.Text(), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shipment_id", "line_id", name="recon_sign_off_lines_once"),
    )
    op.create_index(
        "recon_sign_off_lines_merchant", "recon_sign_off_lines", ["merchant_id", "signed_off_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("recon_sign_off_lines_merchant", table_name="recon_sign_off_lines")
    op.drop_table("recon_sign_off_lines")
    op.drop_index("recon_shipment_returns_merchant", table_name="recon_shipment_returns")
    op.drop_table("recon_shipment_returns")
    op.drop_index("recon_dispatch_lines_merchant", table_name="recon_dispatch_lines")
    op.drop_table("recon_dispatch_lines")

"""statement imports, discrepancies, order payment channel

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
        "discrepancies",
        sa.Column("discrepancy_id", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("merchant_id", sa.Text(), nullable=True),
        sa.Column("ours", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("theirs", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("resolution", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("history", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("discrepancy_id"),
    )
    op.create_index("discrepancies_import", "discrepancies", ["import_id"], unique=False)
    op.create_index("discrepancies_status", "discrepancies", ["status", "created_at"], unique=False)
    op.create_table(
        "statement_imports",
        sa.Column("import_id", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=True),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("report", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("imported_by", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("import_id"),
        sa.UniqueConstraint("source", "sha256", name="statement_imports_file"),
    )
    op.add_column("recon_orders", sa.Column("payment_channel", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("recon_orders", "payment_channel")
    op.drop_table("statement_imports")
    op.drop_index("discrepancies_status", table_name="discrepancies")
    op.drop_index("discrepancies_import", table_name="discrepancies")
    op.drop_table("discrepancies")

"""four eyes: the approvals table (bank-account verification, adjustments and large payout
approvals proposed by one ops key, approved by another)

Revision ID: 0010
Revises: 0009
"""

from shipsettle_shared.migrations import create_approvals_table_v1, drop_approvals_table_v1

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_approvals_table_v1()


def downgrade() -> None:
    drop_approvals_table_v1()

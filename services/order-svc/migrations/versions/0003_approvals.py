"""four eyes: the approvals table (an ops key's issuance proposed by one ops key, approved by another)

Revision ID: 0003
Revises: 0002
"""

from shipsettle_shared.migrations import create_approvals_table_v1, drop_approvals_table_v1

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_approvals_table_v1()


def downgrade() -> None:
    drop_approvals_table_v1()

"""audit: the hash-chained, append-only audit log (shipsettle_shared/audit.py)

Revision ID: 0005
Revises: 0004
"""

from shipsettle_shared.migrations import create_audit_log_v1, drop_audit_log_v1

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_audit_log_v1()


def downgrade() -> None:
    drop_audit_log_v1()

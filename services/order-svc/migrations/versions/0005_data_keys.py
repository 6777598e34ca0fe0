"""personal data: the buyers' wrapped data keys (shipsettle_shared/data_keys.py)

Revision ID: 0005
Revises: 0004
"""

from shipsettle_shared.migrations import create_data_keys_table_v1, drop_data_keys_table_v1

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_data_keys_table_v1()


def downgrade() -> None:
    drop_data_keys_table_v1()

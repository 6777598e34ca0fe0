"""personal data: the buyers' wrapped data keys (consignees kept for dispatch) (shipsettle_shared/data_keys.py)

Revision ID: 0007
Revises: 0006
"""

from shipsettle_shared.migrations import create_data_keys_table_v1, drop_data_keys_table_v1

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_data_keys_table_v1()


def downgrade() -> None:
    drop_data_keys_table_v1()

"""personal data: bank accounts' holder and number sealed under a data key per account; the last
four digits and a blind index of the number beside them (settlement_svc/adapters/bank_data.py)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

from shipsettle_shared.migrations import create_data_keys_table_v1, drop_data_keys_table_v1

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_data_keys_table_v1()
    op.add_column("bank_accounts", sa.Column("account_number_last4", sa.Text()))
    op.add_column("bank_accounts", sa.Column("account_number_index", sa.Text()))
    # rows written before: their number is still in clear (read as it is), its last four known
    op.execute("update bank_accounts set account_number_last4 = right(account_number, 4)")
    op.create_index("bank_accounts_number_index", "bank_accounts", ["account_number_index"])


def downgrade() -> None:
    op.drop_index("bank_accounts_number_index", table_name="bank_accounts")
    op.drop_column("bank_accounts", "account_number_index")
    op.drop_column("bank_accounts", "account_number_last4")
    drop_data_keys_table_v1()

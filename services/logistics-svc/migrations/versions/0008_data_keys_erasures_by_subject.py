"""personal data: the destroyed data keys by subject, to tell whether a buyer was erased after a
consignee's event (PersonalDataVault.key_unless_erased_since, on every consignee kept)

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "create index data_keys_destroyed_by_subject on data_keys (subject, destroyed_at) "
        "where destroyed_at is not null"
    )


def downgrade() -> None:
    op.execute("drop index data_keys_destroyed_by_subject")

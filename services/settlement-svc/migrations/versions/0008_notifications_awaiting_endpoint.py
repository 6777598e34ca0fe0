"""notifications kept until their recipient sets an endpoint

Revision ID: 0008
Revises: 0007

The platform's notifications (a balance credit to apply) were dropped when it had no endpoint;
they are now kept, ``awaiting_endpoint_since``, and sent when it sets one. The partial index
finds them at that moment without scanning the delivery log. (Credits whose notification was
dropped before this are requested again when their answer falls overdue: refund-svc 0004.)
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notifications", sa.Column("awaiting_endpoint_since", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "notifications_awaiting_endpoint",
        "notifications",
        ["merchant_id", "created_at"],
        postgresql_where=sa.text("awaiting_endpoint_since is not null"),
    )


def downgrade() -> None:
    op.drop_index("notifications_awaiting_endpoint", table_name="notifications")
    op.drop_column("notifications", "awaiting_endpoint_since")

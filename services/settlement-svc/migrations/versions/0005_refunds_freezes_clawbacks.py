"""refunds: open refunds per order, frozen holds, refund figures on orders, claw-back deductions

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _zero(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "settlement_refunds",
        sa.Column("refund_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("refund_minor", sa.BigInteger(), nullable=True),
        sa.Column("estimated_reversal_minor", sa.BigInteger(), nullable=False),
        sa.Column("frozen_minor", sa.BigInteger(), nullable=False),
        sa.Column("reversal_minor", sa.BigInteger(), nullable=True),
        sa.Column("clawback_minor", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("requested_event_id", sa.Text(), nullable=True),
        sa.Column("ended_event_id", sa.Text(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("refund_id"),
    )
    op.create_index("settlement_refunds_order", "settlement_refunds", ["order_id", "status"], unique=False)
    op.add_column("holds", _zero("reversed_minor"))
    op.add_column("holds", sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("settlement_orders", _zero("shipping_refunded_minor"))
    op.add_column("settlement_orders", _zero("commission_booked_minor"))
    op.add_column("settlement_orders", _zero("commission_reversed_minor"))
    op.add_column("settlement_applications", _zero("clawback_deducted_minor"))
    op.add_column("payouts", _zero("clawback_deducted_minor"))
    # Orders signed off before this revision: their booked commission, from the ledger, so the
    # cap on a later refund's commission reversal holds for them too.
    op.execute(
        """
        update settlement_orders o set commission_booked_minor = coalesce((
            select sum(p.amount_minor) from ledger_postings p
            join ledger_transactions t on t.id = p.tx_id
            where t.order_id = o.order_id and t.kind = 'sign_off' and p.account_id = 'platform:commission'
        ), 0)
        """
    )


def downgrade() -> None:
    op.drop_column("payouts", "clawback_deducted_minor")
    op.drop_column("settlement_applications", "clawback_deducted_minor")
    op.drop_column("settlement_orders", "commission_reversed_minor")
    op.drop_column("settlement_orders", "commission_booked_minor")
    op.drop_column("settlement_orders", "shipping_refunded_minor")
    op.drop_column("holds", "frozen_at")
    op.drop_column("holds", "reversed_minor")
    op.drop_index("settlement_refunds_order", table_name="settlement_refunds")
    op.drop_table("settlement_refunds")

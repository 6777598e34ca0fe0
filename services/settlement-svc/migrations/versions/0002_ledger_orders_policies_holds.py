"""ledger, settlement orders, parked events, policies, holds

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# The ledger's invariants, enforced by the database and not only by the code:
# 1. every transaction's postings sum to zero, checked at commit (deferred), so a transaction is
#    inserted posting by posting and judged whole;
# 2. postings and transactions are append-only: a correction is a new transaction;
# 3. merchant balances are maintained from postings in the same transaction.
LEDGER_TRIGGERS = [
    """
    create function ledger_transaction_balances() returns trigger language plpgsql as $$
        declare
            total bigint;
        begin
            select coalesce(sum(amount_minor), 0) into total from ledger_postings where tx_id = new.tx_id;
            if total <> 0 then
                raise exception 'ledger transaction % does not balance: postings sum to %', new.tx_id, total
                    using errcode = '23514';
            end if;
            return null;
        end $$;
    """,
    """
    create constraint trigger ledger_postings_balance
            after insert on ledger_postings deferrable initially deferred
            for each row execute function ledger_transaction_balances();
    """,
    """
    create function ledger_append_only() returns trigger language plpgsql as $$
        begin
            raise exception 'the ledger is append-only: % on % refused', tg_op, tg_table_name
                using errcode = '55000';
        end $$;
    """,
    """
    create trigger ledger_postings_append_only before update or delete on ledger_postings
            for each row execute function ledger_append_only();
    """,
    """
    create trigger ledger_transactions_append_only before update or delete on ledger_transactions
            for each row execute function ledger_append_only();
    """,
    """
    create function ledger_merchant_balance() returns trigger language plpgsql as $$
        begin
            if new.account_id like 'merchant:%' then
                insert into account_balances (account_id, balance_minor) values (new.account_id, new.amount_minor)
                on conflict (account_id) do update set balance_minor = account_balances.balance_minor + excluded.balance_minor;
            end if;
            return null;
        end $$;
    """,
    """
    create trigger ledger_postings_merchant_balance after insert on ledger_postings
            for each row execute function ledger_merchant_balance();
    """,
]


def upgrade() -> None:
    op.create_table(
        "account_balances",
        sa.Column("account_id", sa.Text(), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_table(
        "holds",
        sa.Column("hold_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("shipment_id", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("release_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("hold_id"),
    )
    op.create_index("holds_merchant", "holds", ["merchant_id", "released_at"], unique=False)
    op.create_table(
        "ledger_transactions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("tx_key", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("caused_by_event_id", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tx_key"),
    )
    op.create_index("ledger_transactions_merchant", "ledger_transactions", ["merchant_id", "id"], unique=False)
    op.create_index("ledger_transactions_order", "ledger_transactions", ["order_id"], unique=False)
    op.create_table(
        "merchant_policies",
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("policy", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("effective_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("merchant_id", "version"),
    )
    op.create_table(
        "parked_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("envelope", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("parked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", name="parked_events_event"),
    )
    op.create_index(op.f("ix_parked_events_order_id"), "parked_events", ["order_id"], unique=False)
    op.create_table(
        "settlement_orders",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("shipping_fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("shipping_booked", sa.Boolean(), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("placed_event_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("order_id"),
    )
    op.create_index(op.f("ix_settlement_orders_merchant_id"), "settlement_orders", ["merchant_id"], unique=False)
    op.create_table(
        "ledger_postings",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("tx_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tx_id"],
            ["ledger_transactions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ledger_postings_account", "ledger_postings", ["account_id", "id"], unique=False)
    op.create_index("ledger_postings_tx", "ledger_postings", ["tx_id"], unique=False)

    for statement in LEDGER_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    for statement in [
        "drop trigger if exists ledger_postings_merchant_balance on ledger_postings;",
        "drop trigger if exists ledger_transactions_append_only on ledger_transactions;",
        "drop trigger if exists ledger_postings_append_only on ledger_postings;",
        "drop trigger if exists ledger_postings_balance on ledger_postings;",
        "drop function if exists ledger_merchant_balance();",
        "drop function if exists ledger_append_only();",
        "drop function if exists ledger_transaction_balances();",
    ]:
        op.execute(statement)
    op.drop_index("ledger_postings_tx", table_name="ledger_postings")
    op.drop_index("ledger_postings_account", table_name="ledger_postings")
    op.drop_table("ledger_postings")
    op.drop_index(op.f("ix_settlement_orders_merchant_id"), table_name="settlement_orders")
    op.drop_table("settlement_orders")
    op.drop_index(op.f("ix_parked_events_order_id"), table_name="parked_events")
    op.drop_table("parked_events")
    op.drop_table("merchant_policies")
    op.drop_index("ledger_transactions_order", table_name="ledger_transactions")
    op.drop_index("ledger_transactions_merchant", table_name="ledger_transactions")
    op.drop_table("ledger_transactions")
    op.drop_index("holds_merchant", table_name="holds")
    op.drop_table("holds")
    op.drop_table("account_balances")

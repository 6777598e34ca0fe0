"""merchant balances kept per statement: one upsert per account for a whole insert of postings

Revision ID: 0007
Revises: 0006

Migration 0002 upserted ``account_balances`` once per posting row. A batch of sign-offs inserts
hundreds of postings in one statement, many on the same merchant's pending account; a statement
trigger with a transition table sums them first, so each account's row is updated once per
statement, in account order (byte order, as the consumer sorts a poll by merchant in Python: two
concurrent batches then lock the rows they share in the same order). The balances stay the database's: maintained from the postings in the same transaction.
The deferred check that each transaction sums to zero (0002) is unchanged.
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("drop trigger ledger_postings_merchant_balance on ledger_postings")
    op.execute("drop function ledger_merchant_balance()")
    op.execute(
        """
        create function ledger_merchant_balances() returns trigger language plpgsql as $$
            begin
                insert into account_balances (account_id, balance_minor)
                select account_id, sum(amount_minor) from inserted_postings
                where account_id like 'merchant:%'
                group by account_id
                order by account_id collate "C"
                on conflict (account_id) do update
                    set balance_minor = account_balances.balance_minor + excluded.balance_minor;
                return null;
            end $$;
        """
    )
    op.execute(
        """
        create trigger ledger_postings_merchant_balances after insert on ledger_postings
                referencing new table as inserted_postings
                for each statement execute function ledger_merchant_balances();
        """
    )


def downgrade() -> None:
    op.execute("drop trigger ledger_postings_merchant_balances on ledger_postings")
    op.execute("drop function ledger_merchant_balances()")
    op.execute(
        """
        create function ledger_merchant_balance() returns trigger language plpgsql as $$
            begin
                if new.account_id like 'merchant:%' then
                    insert into account_balances (account_id, balance_minor) values (new.account_id, new.amount_minor)
                    on conflict (account_id) do update set balance_minor = account_balances.balance_minor + excluded.balance_minor;
                end if;
                return null;
            end $$;
        """
    )
    op.execute(
        """
        create trigger ledger_postings_merchant_balance after insert on ledger_postings
                for each row execute function ledger_merchant_balance();
        """
    )

"""every ledger transaction sums to zero: checked once per insert of postings, not once per posting

Revision ID: 0009
Revises: 0008

Migration 0002 checked the balance with a deferred constraint trigger for each posting row: at
commit, one query per posting (about ten per paid lifecycle, the fourth most frequent statement
in bench-lifecycle). The statement trigger that keeps the merchant balances (0007) already sees
the statement's postings; it now also refuses the statement if any transaction it touched does
not sum to zero over all of that transaction's postings, one query for the whole statement.

At least as strict as before: postings are append-only (0002), so a transaction every insert
left balanced is balanced at commit; and an insert that leaves one unbalanced is refused at
once, with the same message and error code (23514). A transaction's postings must therefore be
inserted in one statement, which is how the repository has always inserted them.
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("drop trigger ledger_postings_balance on ledger_postings")
    op.execute("drop function ledger_transaction_balances()")
    op.execute(
        """
        create or replace function ledger_merchant_balances() returns trigger language plpgsql as $$
            declare
                unbalanced record;
            begin
                select p.tx_id, sum(p.amount_minor) as total into unbalanced
                from ledger_postings p
                where p.tx_id in (select distinct tx_id from inserted_postings)
                group by p.tx_id
                having sum(p.amount_minor) <> 0
                limit 1;
                if found then
                    raise exception 'ledger transaction % does not balance: postings sum to %',
                        unbalanced.tx_id, unbalanced.total using errcode = '23514';
                end if;
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


def downgrade() -> None:
    op.execute(
        """
        create or replace function ledger_merchant_balances() returns trigger language plpgsql as $$
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
        """
    )
    op.execute(
        """
        create constraint trigger ledger_postings_balance
                after insert on ledger_postings deferrable initially deferred
                for each row execute function ledger_transaction_balances();
        """
    )

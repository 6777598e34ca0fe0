"""a balance credit has a deadline for the platform's answer

Revision ID: 0004
Revises: 0003

Credits requested before this had none: an unanswered one would wait for the platform for ever
(and, requested before the platform set its webhook endpoint, was never notified). Each open one
gets the default deadline (24 hours after its request) and the timer that reminds the platform
and lets ops cancel it; one requested more than a day ago is reminded (notified again) at once.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        update refunds
           set deadline_at = (balance_credit ->> 'requested_at')::timestamptz + interval '24 hours',
               balance_credit = balance_credit || jsonb_build_object(
                   'answer_by', (balance_credit ->> 'requested_at')::timestamptz + interval '24 hours',
                   'state', 'open',
                   'reminders', 0)
         where status = 'refunding' and waiting_for = 'platform' and balance_credit is not null
           and not (balance_credit ? 'answer_by') and not (balance_credit ? 'answered_at')
        """
    )
    op.execute(
        """
        insert into timers (timer_kind, timer_key, due_at, payload)
        select 'refund_deadline',
               refund_id || '@refunding@' || (balance_credit ->> 'credit_id'),
               deadline_at,
               jsonb_build_object('refund_id', refund_id, 'status', 'refunding',
                                  'credit_id', balance_credit ->> 'credit_id')
          from refunds
         where status = 'refunding' and waiting_for = 'platform' and balance_credit ? 'answer_by'
           and deadline_at is not null
        on conflict on constraint timers_kind_key do nothing
        """
    )


def downgrade() -> None:
    pass  # the deadlines stay: harmless to the previous revision, which ignores them

"""auto-confirm timers set before 0003 take the key of their schedule

The buyer's confirmation cancels a shipment's pending auto-confirm timer by the key of its
schedule, ``<shipment id>#<due time in microseconds since the epoch>`` (0003). Timers set before
0003 were keyed by the bare shipment id, and every confirmation cancelled that key too, one more
statement on a hot path. Pending ones now get their schedule's key, so one cancel finds them; one
whose schedule's key is already taken (the shipment was rescheduled to the very same time) is
cancelled, as the other covers it. Fired and cancelled timers keep their keys (history).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def schedule_key(shipment_id: str, due_at_microseconds: int) -> str:
    # As logistics_svc.service_layer.timers.auto_confirm_timer_key computes it, written out
    # here so that this migration keeps its meaning whatever that function becomes.
    return f"{shipment_id}#{due_at_microseconds}"


def upgrade() -> None:
    bind = op.get_bind()
    legacy = bind.execute(
        sa.text(
            "select id, timer_key, due_at from timers where timer_kind = 'auto_confirm'"
            " and fired_at is null and cancelled_at is null and position('#' in timer_key) = 0"
        )
    ).all()
    for timer_id, shipment_id, due_at in legacy:
        # int(timestamp() * 1e6) exactly as the service computes it (the same float arithmetic)
        key = schedule_key(shipment_id, int(due_at.timestamp() * 1_000_000))
        taken = bind.execute(
            sa.text("select 1 from timers where timer_kind = 'auto_confirm' and timer_key = :key"), {"key": key}
        ).first()
        if taken:
            bind.execute(sa.text("update timers set cancelled_at = now() where id = :id"), {"id": timer_id})
        else:
            bind.execute(sa.text("update timers set timer_key = :key where id = :id"), {"key": key, "id": timer_id})


def downgrade() -> None:
    # The bare keys still fire correctly (the handler reads the shipment id before any '#').
    pass

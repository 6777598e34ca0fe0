"""scans belong to a carrier: a scan moves only its own carrier's shipment (issue 16)

A tracking number is unique only within one carrier, so every scan now records whose it is
(``scans.carrier_code``, our code; null when an aggregator named a carrier the registry does not
know) and the vendor's own code as received; a native delivery records the carrier of its path.
The natural key of a scan includes its carrier: another carrier's scan with the same number,
time and text is a different scan, and must not make the real one look like a duplicate.

Existing scans are attributed from their delivery: an aggregator's code (Kuaidi100 ``com``,
AfterShip ``slug``) or a native body's carrier code, when exactly one carrier of the registry
has it. The native path carrier was never recorded, so for those the body's code is the best
evidence there is. What names no carrier, or several, stays unattributed and is listed by
``GET /v1/scans-parked``.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("scans", sa.Column("carrier_code", sa.Text(), nullable=True))
    op.add_column("scans", sa.Column("vendor_carrier_code", sa.Text(), nullable=True))
    op.add_column("webhook_deliveries", sa.Column("carrier_code", sa.Text(), nullable=True))
    op.execute(
        "update scans set vendor_carrier_code = deliveries.vendor_carrier_code from webhook_deliveries deliveries"
        " where deliveries.source = scans.source and deliveries.delivery_id = scans.delivery_id"
    )
    op.execute(
        """
        update scans set carrier_code = named.code
        from (
            select scans.id, min(carriers.code) as code
            from scans join carriers on
                (scans.source = 'kuaidi100'
                    and lower(carriers.definition->>'kuaidi100_code') = lower(scans.vendor_carrier_code))
                or (scans.source = 'aftership'
                    and lower(carriers.definition->>'aftership_slug') = lower(scans.vendor_carrier_code))
                or (scans.source = 'native' and lower(scans.vendor_carrier_code) in (
                    lower(carriers.code),
                    lower(carriers.definition->>'kuaidi100_code'),
                    lower(carriers.definition->>'aftership_slug')))
            group by scans.id
            having count(distinct carriers.code) = 1
        ) named
        where named.id = scans.id
        """
    )
    op.drop_constraint("scans_natural_key", "scans", type_="unique")
    # NULLS NOT DISTINCT (PostgreSQL 15): unattributed scans are deduplicated among themselves too.
    op.execute(
        "alter table scans add constraint scans_natural_key unique nulls not distinct"
        " (tracking_number, carrier_code, occurred_at, status, description)"
    )


def downgrade() -> None:
    # The older key has no carrier: two carriers' identical scans of one number cannot both stay.
    op.execute(
        "delete from scans where id in (select id from (select id, row_number() over (partition by"
        " tracking_number, occurred_at, status, description order by id) as n from scans) numbered where n > 1)"
    )
    op.drop_constraint("scans_natural_key", "scans", type_="unique")
    op.create_unique_constraint(
        "scans_natural_key", "scans", ["tracking_number", "occurred_at", "status", "description"]
    )
    op.drop_column("webhook_deliveries", "carrier_code")
    op.drop_column("scans", "vendor_carrier_code")
    op.drop_column("scans", "carrier_code")

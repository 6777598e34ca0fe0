"""The carrier simulator: the carriers and tracking aggregators (快递公司 / 快递100 / AfterShip) that
tell logistics-svc where a dispatched parcel is, run as its own process:
``python -m simulators.carrier_sim --logistics-url http://127.0.0.1:8102 ...``.

For each parcel it is told about it plays a seeded sequence of scans (揽收 → 在途 → 派件 → 签收,
or a failed attempt, a return to sender, a parcel that goes silent) and posts each step as a
webhook signed exactly as the vendor documents it: a Kuaidi100 subscription push, an AfterShip
tracking webhook, or ShipSettle's native Standard Webhooks shape. Some webhooks are sent twice and
some steps are posted after the step that follows them, drawn from the seed; delivery is retried
until acknowledged. Progress is kept in SQLite, so a killed simulator resumes where it stopped.
It imports no ShipSettle code. The API is described in README.md next to this file.

Modules: ``domain`` (fates, plans, controls), ``formats`` (building and signing the three
webhook shapes), ``store`` (SQLite), ``engine`` (scan clock, stepper, delivery), ``app`` (HTTP
API), ``config`` (command line), ``process`` (start/kill it from tests and launchers).
"""

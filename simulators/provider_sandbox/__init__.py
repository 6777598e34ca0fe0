"""The provider sandbox: a simulated bank (``--kind payout``, settlement-svc's payouts) or payment
provider (``--kind refund``, refund-svc's refunds), run as its own process:
``python -m simulators.provider_sandbox --kind payout ...``.

Idempotent on our request id, answers asynchronously by Standard Webhooks-signed callbacks that
are retried until acknowledged, sometimes fails, sometimes returns a paid payout, writes camt.053
(payouts) or CSV (refunds) statements, and never pays a request twice whatever crashes. The API,
callbacks and statement formats are described in README.md next to this file.

Modules: ``domain`` (statuses, reasons, outcome draws), ``store`` (SQLite books), ``worker``
(outcomes and statements in the background), ``callbacks`` (signing and delivery),
``statement`` (camt.053 and CSV writers), ``app`` (HTTP API), ``config`` (command line),
``process`` (start/kill it from tests), ``failpoints`` (named crash points).
"""

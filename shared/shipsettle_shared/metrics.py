"""Prometheus metrics every service exposes on /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

http_request_seconds = Histogram(
    "shipsettle_http_request_seconds",
    "HTTP request latency by route and status",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
consumer_lag_messages = Gauge(
    "shipsettle_consumer_lag_messages",
    "Messages between the partition's high watermark and this consumer's position",
    ["group", "topic", "partition"],
)
events_handled_total = Counter(
    "shipsettle_events_handled_total",
    "Events handled by outcome: applied, duplicate, ignored, dead_lettered",
    ["group", "event_type", "outcome"],
)
handler_retries_total = Counter(
    "shipsettle_handler_retries_total", "Handler attempts that failed and were retried", ["group", "event_type"]
)
dead_letters_total = Counter(
    "shipsettle_dead_letters_total", "Messages sent to the dead-letter topic", ["group", "topic"]
)
outbox_backlog_rows = Gauge("shipsettle_outbox_backlog_rows", "Outbox rows not yet published")
outbox_published_total = Counter("shipsettle_outbox_published_total", "Outbox rows published to Kafka")
timers_fired_total = Counter("shipsettle_timers_fired_total", "Durable timers fired", ["timer_kind"])
offset_commit_failures_total = Counter(
    "shipsettle_offset_commit_failures_total",
    "Offset commits refused because the group rebalanced; the batch is redelivered and deduplicated",
    ["group"],
)
consumer_halted = Gauge(
    "shipsettle_consumer_halted",
    "1 while a consumer group has halted because too many of its recent messages were dead-lettered",
    ["group"],
)
webhook_intake_share = Gauge(
    "shipsettle_webhook_intake_share",
    "Share of arriving carrier webhooks the adaptive intake bound takes (1: all; intake_bulkhead.py)",
)
webhook_intake_loop_busy = Gauge(
    "shipsettle_webhook_intake_loop_busy",
    "Share of the last tick the event loop's thread was on a CPU (the adaptive intake bound's signal)",
)
webhook_intake_refused_total = Counter(
    "shipsettle_webhook_intake_refused_total",
    "Carrier webhooks answered 503 intake-busy, by the bound that refused them",
    ["bound"],
)

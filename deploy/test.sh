#!/usr/bin/env bash
# make test: lint, then the whole suite against real infrastructure started here.
#
# The suite gets its own Kafka broker (port 19092, log dir wiped first, so every run starts from
# empty topics) and its own databases (*_test, recreated by the test fixtures), so it never
# disturbs a `make run` on the same machine. The test broker is stopped when the suite ends.
set -euo pipefail
cd "$(dirname "$0")/.."

export KAFKA_PORT="${TEST_KAFKA_PORT:-19092}"
export SHIPSETTLE_TEST_KAFKA="127.0.0.1:$KAFKA_PORT"
# SHIPSETTLE_ENVIRONMENT has no default: the suite runs in the test environment (placeholder
# secrets accepted, test clock controls mounted).
export SHIPSETTLE_ENVIRONMENT=test

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

bash deploy/kafka/kafka.sh stop >/dev/null
rm -rf "var/kafka/$KAFKA_PORT"
trap 'bash deploy/kafka/kafka.sh stop >/dev/null' EXIT
bash deploy/kafka/kafka.sh start
.venv/bin/python -m shipsettle_shared.topics ensure --bootstrap "$SHIPSETTLE_TEST_KAFKA"
bash deploy/postgres/postgres.sh start

.venv/bin/python -m pytest "$@"

# The single entry point: run, test, lint, bench. Everything it needs it installs itself.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PACKAGES := shared clients/python services/order-svc services/logistics-svc services/settlement-svc services/refund-svc services/recon-svc
INSTALLED := $(VENV)/.installed

.PHONY: run test lint format install lock deps-check client kafka-jars wrk infra-start infra-stop bench-bus bench-webhooks bench-flood bench-ledger bench-lifecycle surge chaos clean-state

# The venv gets the development lock (requirements-dev.txt: the runtime lock's pins plus the tools),
# every file checked against its hash; our own packages are installed editable without dependencies.
$(INSTALLED): requirements-dev.txt shared/pyproject.toml clients/python/pyproject.toml $(wildcard services/*/pyproject.toml)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r requirements-dev.txt
	$(PY) -m pip install -q --no-deps $(foreach package,$(PACKAGES),-e $(package))
	touch $(INSTALLED)

install: $(INSTALLED)

## make lock: compile requirements.in and requirements-dev.in into their locks, with hashes, keeping
## every pin that still satisfies them (`make lock UPGRADE=name` moves one package to its newest)
lock: install
	$(PY) deploy/dependency_locks.py lock $(if $(UPGRADE),--upgrade-package $(UPGRADE))

## make deps-check: fails when a lock no longer matches its .in file (run `make lock`), or when the
## runtime lock pins a version with a known vulnerability (pip-audit)
deps-check: install
	$(PY) deploy/dependency_locks.py check
	$(PY) deploy/dependency_locks.py audit

## make client: regenerate the platform backends' client (clients/python) and the OpenAPI documents
## it is generated from (clients/openapi) after a route changed; `make test` fails until they match
client: install
	$(PY) deploy/openapi_client.py generate

kafka-jars:
	bash deploy/kafka/kafka.sh fetch

## wrk: the HTTP load generator of the benchmarks' empty-endpoint ceiling, from Debian's packages
wrk:
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

## make run: the whole platform on this machine; Ctrl-C stops what it started
run: install kafka-jars
	$(PY) deploy/local.py run

## make test: lint, then the whole suite on a fresh test broker (port 19092) and test databases
## (the locks and their audit first: deps-check)
test: install kafka-jars deps-check
	bash deploy/test.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

infra-start: install kafka-jars
	$(PY) deploy/local.py infra

infra-stop:
	bash deploy/kafka/kafka.sh stop
	bash deploy/postgres/postgres.sh stop

## make bench-bus: outbox → Kafka → idempotent handler vs raw aiokafka on its own broker (port 29092);
## writes the figures into docs/benchmarks.md
bench-bus: install kafka-jars
	$(PY) bench/bus.py

## make bench-webhooks: signed AfterShip webhooks/s into logistics-svc vs an empty FastAPI endpoint,
## on its own broker (port 29192); writes the figures into docs/benchmarks.md
bench-webhooks: install kafka-jars
	$(PY) bench/webhooks.py

## make bench-flood: p99 of merchant reads quiet and under a 10x carrier-webhook flood, in the
## default configuration (the intake's adaptive bound) and, to compare, without a bound, with a
## fixed rate bound and with an intake instance; its own broker (port 29195) and databases;
## writes docs/benchmarks.md
bench-flood: install kafka-jars
	$(PY) bench/flood.py

## make surge N=300 SEED=7: a marketplace's surge of N orders through all five services on a
## private platform (own broker on 19492, own databases), then the checker's JSON (exit 1 on failure)
N ?= 300
SEED ?= 7
surge: install kafka-jars
	$(PY) -m surge --orders $(N) --seed $(SEED) --start-platform

## make chaos N=300 SEED=7 [BROKERS=3]: the surge on a private platform (two instances of logistics
## and settlement, PostgreSQL links through fault proxies) with faults drawn from the seed: kill -9
## and restarts, SIGSTOP past the poll interval, rebalances, relay kills between publish and
## mark-sent, broker and PostgreSQL restarts, latency/blackhole/resets, failing sandboxes, 1%
## malformed events; then the checker. The report goes into docs/reliability.md (exit 1 on failure).
## Restarts the machine's PostgreSQL: run it alone.
BROKERS ?= 1
chaos: install kafka-jars
	$(PY) -m chaos --orders $(N) --seed $(SEED) --brokers $(BROKERS) --proxy --report docs/reliability.md

## make bench-ledger: sign-offs/s turned into balanced postings by settlement-svc vs pgbench's
## simple-update rate on the same PostgreSQL; writes the figures into docs/benchmarks.md
bench-ledger: install
	$(PY) bench/ledger.py

## make bench-lifecycle: whole order lifecycles per second (uniform and hot-merchant mixes), CPU and
## database round trips per lifecycle, sign-off → available / approval → paid latency on a private
## platform (own broker on 29292), beside pgbench, empty-FastAPI (Python client and wrk) and raw-Kafka
## ceilings of the same run; writes them into docs/benchmarks.md
bench-lifecycle: install kafka-jars wrk
	$(PY) bench/lifecycle.py

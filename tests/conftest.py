"""Test layers: unit/ (no I/O), contract/ (files only), integration/ (real PostgreSQL and Kafka,
real service processes), e2e/ (all five services over HTTP). ``make test`` starts the test
broker and PostgreSQL before pytest runs."""

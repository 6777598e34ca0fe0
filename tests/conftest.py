"""Test layers: unit/ (no I/O), contract/ (files only), integration/ (real PostgreSQL and Kafka,
real service processes), e2e/ (all five services over HTTP). ``make test`` starts the test
broker and PostgreSQL before pytest runs."""

import os
from collections.abc import AsyncIterator

import pytest
from e2e.platform_support import Platform, start_e2e_platform
from hypothesis import HealthCheck, settings

# The suite is the test environment, stated (SHIPSETTLE_ENVIRONMENT has no default): settings built
# in the test process read it, and service processes started by the harness inherit it (they also
# state it themselves). Tests of a process without it remove it from that process's environment.
os.environ["SHIPSETTLE_ENVIRONMENT"] = "test"

# Property tests judge results, never time: Hypothesis's default 200 ms deadline per example and
# its "too slow" health check are timed assertions, and on a loaded 2-CPU machine they failed a
# correct test now and then. Derandomised, so a run's examples are the same on every machine:
# a property that fails, fails every time (the examples and their seed are in the failure).
settings.register_profile(
    "shipsettle",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
settings.load_profile("shipsettle")


@pytest.fixture(scope="session")
async def platform() -> AsyncIterator[Platform]:
    """The five services and the two provider sandboxes as processes (tests/e2e/platform_support),
    shared by the end-to-end tests and tests/security's access matrix: started once a session."""
    platform = await start_e2e_platform()
    try:
        yield platform
    finally:
        platform.stop()

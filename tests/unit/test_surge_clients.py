"""The load generator's HTTP clients and waits: one client per worker, never two requests of
different workers on one client, and order-svc's long-poll instead of polls (no network: every
client sends through a mock transport)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from surge.driver import Driver, Options, OrderPlan, SurgeError
from surge.platform import PlatformHandle

CONCURRENCY = 4


def order() -> OrderPlan:
    return OrderPlan("PO-1", "m-1", {}, "ship", [["L1"]], buyer_confirms=True, refund=None)


@pytest.fixture
def answers() -> list[Callable[[httpx.Request], httpx.Response]]:
    return []


@pytest.fixture
async def driver(answers: list[Callable[[httpx.Request], httpx.Response]]) -> AsyncIterator[Driver]:
    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)(request) if answers else httpx.Response(200, json={})

    handle = PlatformHandle(
        urls={"order-svc": "http://order-svc.test"}, database_urls={}, order_env={}, kafka_bootstrap="127.0.0.1:1"
    )
    made = Driver(handle, Options(orders=10, concurrency=CONCURRENCY), transport=httpx.MockTransport(handler))
    made.keys["platform"] = {"api_key": "ss_k_secret"}
    made.counters.log_path = None
    yield made
    await made.close_clients()
    await made.lag_probe.close()


async def test_each_worker_sends_through_its_own_client_and_no_client_serves_two_at_once(driver: Driver) -> None:
    busy: set[int] = set()
    seen: set[int] = set()
    overlaps: list[int] = []

    async def work(item: int) -> None:
        client = id(driver.http())
        if client in busy:
            overlaps.append(client)
        busy.add(client)
        seen.add(client)
        await driver.call("GET", "http://order-svc.test/v1/orders/x")
        await asyncio.sleep(0.01)
        assert id(driver.http()) == client  # the same worker keeps its client throughout
        busy.discard(client)

    await driver.each(range(40), work, "test")
    assert driver.counters.unclassified == []
    assert overlaps == []
    assert len(seen) == CONCURRENCY
    assert id(driver.client) not in seen  # the driver's own client is kept for what runs outside workers


async def test_waiting_for_a_stage_long_polls_order_svc_until_it_says_reached(
    driver: Driver, answers: list[Callable[[httpx.Request], httpx.Response]]
) -> None:
    asked: list[dict[str, Any]] = []

    def answer(reached: bool) -> Callable[[httpx.Request], httpx.Response]:
        def respond(request: httpx.Request) -> httpx.Response:
            asked.append(dict(request.url.params))
            assert request.headers["authorization"] == "Bearer ss_k_secret"
            return httpx.Response(200, json={"status": "dispatched", "reached": reached})

        return respond

    answers.extend([answer(False), answer(False), answer(True)])
    async with driver.worker():
        assert await driver.wait_for_order(order(), "delivered", timeout_s=60)
    assert len(asked) == 3  # one request per long-poll, no polls in between
    assert all(params["until"] == "delivered" and 0 < float(params["wait"]) <= 25 for params in asked)


async def test_a_wait_gives_up_when_told_and_counts_an_answer_it_did_not_expect(
    driver: Driver, answers: list[Callable[[httpx.Request], httpx.Response]]
) -> None:
    def refuse() -> None:
        raise SurgeError("the carrier's webhook was refused")

    with pytest.raises(SurgeError, match="refused"):
        await driver.wait_for_order(order(), "delivered", timeout_s=60, between=refuse)
    answers.append(lambda request: httpx.Response(404, json={"status": 404}))
    with pytest.raises(SurgeError, match="404"):
        await driver.wait_for_order(order(), "delivered", timeout_s=60)

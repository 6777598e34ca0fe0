"""Outcome callbacks to ShipSettle, signed per Standard Webhooks and retried until answered.

Each status change has one callback, whose body and ``webhook-id`` are fixed when the change is
committed; every attempt sends those same bytes with a fresh ``webhook-timestamp`` and signature
(the receiver refuses timestamps more than 5 minutes off, and retries go on longer than that).
A callback counts as delivered on any 2xx; anything else, or no answer, is retried after a
doubling, capped, jittered delay, up to the configured number of attempts. Delivery is at least
once: a crash after the receiver answered but before the sandbox recorded it sends it again with
the same ``webhook-id``, which is what the receiver deduplicates on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from datetime import UTC, datetime

import httpx
from standardwebhooks import Webhook

from simulators.provider_sandbox.domain import BANK_TIMEZONE, ControlPanel
from simulators.provider_sandbox.failpoints import Failpoints
from simulators.provider_sandbox.store import Delivery, StoreRunner

logger = logging.getLogger(__name__)

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
USER_AGENT = "shipsettle-provider-sandbox/1"
_IDLE_POLL_S = 0.5


class CallbackSigner:
    def __init__(self, key: bytes) -> None:
        self._webhook = Webhook(key)

    def headers(self, webhook_id: str, body: str, at: datetime) -> dict[str, str]:
        """The Standard Webhooks headers for ``body``. The timestamp is whole seconds, converted
        to UTC here because standardwebhooks 1.1.0 ``sign`` relabels the tzinfo instead of
        converting it."""
        seconds = math.floor(at.timestamp())
        signature = self._webhook.sign(webhook_id, datetime.fromtimestamp(seconds, tz=UTC), body)
        return {ID_HEADER: webhook_id, TIMESTAMP_HEADER: str(seconds), SIGNATURE_HEADER: signature}


class CallbackDispatcher:
    """Sends due callbacks, several at once, a request's own callbacks in order."""

    def __init__(
        self,
        runner: StoreRunner,
        signer: CallbackSigner,
        client: httpx.AsyncClient,
        controls: ControlPanel,
        failpoints: Failpoints,
        concurrency: int,
    ) -> None:
        self._runner = runner
        self._signer = signer
        self._client = client
        self._controls = controls
        self._failpoints = failpoints
        self._concurrency = concurrency
        self._wake = asyncio.Event()
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._jitter = random.Random()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        store = self._runner.store
        while True:
            self._wake.clear()
            try:
                free = self._concurrency - len(self._in_flight)
                if not self._controls.current.callbacks_paused and free > 0:
                    due = await self._runner.call(store.due_deliveries, time.time(), set(self._in_flight), free)
                    for delivery in due:
                        self._start(delivery)
                next_due = await self._runner.call(store.next_delivery_due_at)
            except Exception:
                logger.exception("callback dispatcher pass failed; retrying")
                next_due = None
            timeout_s = _IDLE_POLL_S if next_due is None else min(max(next_due - time.time(), 0.005), _IDLE_POLL_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=timeout_s)

    async def close(self) -> None:
        for task in list(self._in_flight.values()):
            task.cancel()
        await asyncio.gather(*self._in_flight.values(), return_exceptions=True)

    def _start(self, delivery: Delivery) -> None:
        task = asyncio.create_task(self._deliver(delivery), name=f"callback-{delivery.webhook_id}")
        self._in_flight[delivery.status_change_seq] = task

        def finished(_: asyncio.Task[None]) -> None:
            self._in_flight.pop(delivery.status_change_seq, None)
            self.wake()  # the request's next callback may now be due

        task.add_done_callback(finished)

    async def _deliver(self, delivery: Delivery) -> None:
        attempted_at = datetime.now(BANK_TIMEZONE)
        headers = {
            **self._signer.headers(delivery.webhook_id, delivery.payload_json, attempted_at),
            "content-type": "application/json",
        }
        http_status: int | None = None
        error: str | None = None
        try:
            response = await self._client.post(
                delivery.callback_url, content=delivery.payload_json.encode("utf-8"), headers=headers
            )
            http_status = response.status_code
            if not 200 <= http_status < 300:
                error = f"HTTP {http_status}"
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        delivered = error is None
        if delivered:
            self._failpoints.reach("callback.after_delivery")
        controls = self._controls.current
        retry_at = time.time() + controls.backoff_s(delivery.attempts + 1) * self._jitter.uniform(0.8, 1.2)
        state = await self._runner.call(
            self._runner.store.record_attempt,
            delivery.status_change_seq,
            attempted_at=attempted_at,
            http_status=http_status,
            error=error,
            delivered=delivered,
            retry_at_epoch=retry_at,
            max_attempts=controls.callback_max_attempts,
        )
        if state == "gave_up":
            logger.warning("callback %s to %s given up: %s", delivery.webhook_id, delivery.callback_url, error)
        elif not delivered:
            logger.info("callback %s attempt %d failed: %s", delivery.webhook_id, delivery.attempts + 1, error)

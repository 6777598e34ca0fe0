"""The moving parts: the scan clock, the stepper that makes scans happen, and the dispatcher that
delivers webhooks.

* ``ScanClock``: scans are dated by the platform's clock when ``--clock-url`` is given (a test
  clock that may be days ahead of the wall clock), read every ``CLOCK_REFRESH_S`` and applied as
  an offset to the wall clock in between. Until it has been read once, no scan happens: a scan
  dated by the wrong clock would be worse than a late one.
* ``Stepper``: every parcel whose next step is due gets its scan (dated now by the scan clock,
  whole seconds, and at least a second after its previous scan so every format, including
  Kuaidi100's second-resolution ``ftime``, orders them), its webhook(s) built and signed, and its
  next step scheduled ``scan_interval_ms`` later (±25 %), all committed before anything is sent.
* ``Dispatcher``: sends due webhooks, ``concurrency`` at once, one at a time per parcel in their
  queued order. Any 2xx is delivered; no answer, 5xx and 429 are retried after a doubling, capped,
  ±20 % jittered delay up to ``max_attempts``; any other status is recorded as rejected, with
  an excerpt of the answer, and not retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from simulators.carrier_sim.domain import ControlPanel, WebhookFormat
from simulators.carrier_sim.formats import (
    NativeSigner,
    ScanRecord,
    Secrets,
    build_request,
    carrier_for,
    describe,
    excerpt,
)
from simulators.carrier_sim.store import DueParcel, PlannedPost, Post, StepRecord, StoreRunner

logger = logging.getLogger(__name__)

CLOCK_REFRESH_S = 0.5
STEP_BATCH = 256
_IDLE_POLL_S = 0.5


class _Unsendable(Exception):
    """A webhook that cannot be sent as configured (recorded as rejected, never retried)."""


class ScanClock:
    """Now, by the platform's clock when a URL is given, else the wall clock (UTC)."""

    def __init__(self, url: str | None, client: httpx.AsyncClient) -> None:
        self.url = url
        self._client = client
        self._offset = timedelta(0)
        self.ready = url is None
        self.last_error: str | None = None

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    async def refresh(self) -> None:
        if self.url is None:
            return
        before = time.time()
        response = await self._client.get(self.url)
        after = time.time()
        response.raise_for_status()
        platform_now = datetime.fromisoformat(str(response.json()["now"]))
        if platform_now.tzinfo is None:
            raise ValueError(f"{self.url} answered a time without an offset")
        self._offset = platform_now - datetime.fromtimestamp((before + after) / 2, tz=UTC)
        self.ready = True
        self.last_error = None

    async def run(self) -> None:
        if self.url is None:
            return
        while True:
            try:
                await self.refresh()
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                if self.last_error is None:
                    logger.warning("cannot read the clock at %s: %s", self.url, exc)
                self.last_error = f"{type(exc).__name__}: {exc}"
            await asyncio.sleep(CLOCK_REFRESH_S)


class Stepper:
    def __init__(
        self,
        runner: StoreRunner,
        controls: ControlPanel,
        clock: ScanClock,
        secrets: Secrets,
        on_steps: Callable[[], None],
    ) -> None:
        self._runner = runner
        self._controls = controls
        self._clock = clock
        self._secrets = secrets
        self._on_steps = on_steps
        self._wake = asyncio.Event()
        self._jitter = random.Random()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        store = self._runner.store
        while True:
            self._wake.clear()
            next_due: float | None = None
            try:
                if not self._controls.current.paused and self._clock.ready:
                    due = await self._runner.call(store.due_parcels, time.time(), STEP_BATCH)
                    if due:
                        records = [self._step(parcel) for parcel in due]
                        await self._runner.call(store.record_steps, records, time.time())
                        self._on_steps()
                        if len(due) == STEP_BATCH:
                            continue
                    next_due = await self._runner.call(store.next_step_due_at)
            except Exception:
                logger.exception("stepper pass failed; retrying")
            timeout_s = _IDLE_POLL_S if next_due is None else min(max(next_due - time.time(), 0.002), _IDLE_POLL_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=timeout_s)

    def _step(self, parcel: DueParcel) -> StepRecord:
        index = parcel.next_step
        planned = parcel.plan.steps[index]
        carrier = carrier_for(parcel.carrier_code)
        occurred_at = self._clock.now().replace(microsecond=0)
        if parcel.scans:
            occurred_at = max(occurred_at, parcel.scans[-1].occurred_at + timedelta(seconds=1))
        scan: ScanRecord = describe(parcel.plan, index, carrier, occurred_at)
        request = build_request(
            WebhookFormat(parcel.format), parcel.tracking_number, carrier, [*parcel.scans, scan], self._secrets
        )
        posts = [PlannedPost(request, "step", planned.out_of_order)]
        if planned.duplicate:
            posts.append(PlannedPost(request, "duplicate", planned.out_of_order))
        last = index == len(parcel.plan.steps) - 1
        interval_s = self._controls.current.scan_interval_ms / 1000 * self._jitter.uniform(0.75, 1.25)
        return StepRecord(
            tracking_number=parcel.tracking_number,
            step_index=index,
            scan=scan,
            posts=posts,
            next_step_due=None if last else time.time() + interval_s,
        )


class Dispatcher:
    def __init__(
        self,
        runner: StoreRunner,
        controls: ControlPanel,
        client: httpx.AsyncClient,
        base_url: str,
        native_signer: NativeSigner | None,
        concurrency: int,
    ) -> None:
        self._runner = runner
        self._controls = controls
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._native_signer = native_signer
        self._concurrency = concurrency
        self._wake = asyncio.Event()
        self._in_flight: dict[str, asyncio.Task[None]] = {}  # by tracking number
        self._jitter = random.Random()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        store = self._runner.store
        while True:
            self._wake.clear()
            next_due: float | None = None
            try:
                free = self._concurrency - len(self._in_flight)
                if not self._controls.current.paused and free > 0:
                    due = await self._runner.call(store.due_posts, time.time(), set(self._in_flight), free)
                    for post in due:
                        self._start(post)
                next_due = await self._runner.call(store.next_post_due_at)
            except Exception:
                logger.exception("dispatcher pass failed; retrying")
            timeout_s = _IDLE_POLL_S if next_due is None else min(max(next_due - time.time(), 0.002), _IDLE_POLL_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=timeout_s)

    async def close(self) -> None:
        for task in list(self._in_flight.values()):
            task.cancel()
        await asyncio.gather(*self._in_flight.values(), return_exceptions=True)

    def _start(self, post: Post) -> None:
        task = asyncio.create_task(self._deliver(post), name=f"webhook-{post.id}")
        self._in_flight[post.tracking_number] = task

        def finished(_: asyncio.Task[None]) -> None:
            self._in_flight.pop(post.tracking_number, None)
            self.wake()  # the parcel's next webhook may now be due

        task.add_done_callback(finished)

    async def _deliver(self, post: Post) -> None:
        headers = dict(post.headers)
        http_status: int | None = None
        error: str | None = None
        try:
            if post.webhook_id is not None:
                if self._native_signer is None:
                    raise _Unsendable("no --native-secret to sign a native webhook with")
                headers.update(self._native_signer.headers(post.webhook_id, post.body, datetime.now(UTC)))
            response = await self._client.post(self._base_url + post.path, content=post.body, headers=headers)
            http_status = response.status_code
            if 200 <= http_status < 300:
                outcome = "delivered"
            elif http_status == 429 or http_status >= 500:
                outcome, error = "retry", f"HTTP {http_status}: {excerpt(response.text)}"
            else:
                outcome, error = "rejected", excerpt(response.text)
        except httpx.HTTPError as exc:
            outcome, error = "retry", f"{type(exc).__name__}: {exc}"[:300]
        except _Unsendable as exc:
            outcome, error = "rejected", str(exc)
        controls = self._controls.current
        retry_at = time.time() + controls.backoff_s(post.attempts + 1) * self._jitter.uniform(0.8, 1.2)
        state = await self._runner.call(
            self._runner.store.record_attempt,
            post.id,
            outcome=outcome,
            http_status=http_status,
            error=error,
            retry_at_epoch=retry_at,
            max_attempts=controls.max_attempts,
            at=datetime.now(UTC),
        )
        if state == "rejected":
            logger.warning("webhook %d for %s rejected: HTTP %s %s", post.id, post.tracking_number, http_status, error)
        elif state == "gave_up":
            logger.warning(
                "webhook %d for %s given up after %d attempts: %s",
                post.id,
                post.tracking_number,
                post.attempts + 1,
                error,
            )
        elif state == "pending":
            logger.info(
                "webhook %d for %s attempt %d failed: %s", post.id, post.tracking_number, post.attempts + 1, error
            )

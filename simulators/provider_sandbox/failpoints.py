"""Named crash points, so a test can kill the sandbox at an exact step of a payment.

``SANDBOX_FAILPOINTS="settle.after_commit@3"`` (or ``--failpoints``) makes the process exit at
once (``os._exit(137)``: no cleanup, no flush of anything not yet committed, like ``kill -9``)
the third time it passes that point; without ``@N`` the first time. Several are comma-separated.

The points, in the order a payment passes them:

* ``accept.after_commit``: the request is stored, the client never hears the answer
  (ShipSettle's ambiguous send: it must ask ``GET /v1/payouts/{id}`` or resend the same body).
* ``settle.after_commit``: money moved (execution and callback row committed), no callback sent.
* ``return.after_commit``: a return is committed, no callback sent.
* ``callback.after_delivery``: the receiver answered 2xx, the sandbox has not recorded it, so the
  same callback (same ``webhook-id``) is delivered again after the restart.

The sandbox is outside ShipSettle and deliberately does not import ``shipsettle_shared``; the
syntax is the same as ShipSettle's own ``SHIPSETTLE_FAILPOINTS``.
"""

from __future__ import annotations

import logging
import os
from collections import Counter

logger = logging.getLogger(__name__)

POINTS = ("accept.after_commit", "settle.after_commit", "return.after_commit", "callback.after_delivery")


class Failpoints:
    def __init__(self, spec: str) -> None:
        self._armed: dict[str, int] = {}
        self._passes: Counter[str] = Counter()
        for item in spec.split(","):
            item = item.strip()
            if not item:
                continue
            name, _, nth = item.partition("@")
            if name not in POINTS:
                raise ValueError(f"unknown failpoint {name!r}; known: {', '.join(POINTS)}")
            self._armed[name] = int(nth) if nth else 1

    def reach(self, name: str) -> None:
        if name not in self._armed:
            return
        self._passes[name] += 1
        if self._passes[name] == self._armed[name]:
            logger.warning("failpoint %s reached: exiting without cleanup", name)
            for handler in logging.getLogger().handlers:
                handler.flush()
            os._exit(137)

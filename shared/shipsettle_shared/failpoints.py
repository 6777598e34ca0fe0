"""Named crash points for the reliability tests.

``SHIPSETTLE_FAILPOINTS="consumer.after_effect_commit"`` makes the process die with SIGKILL
semantics (``os._exit``, no cleanup, no offset commit) the first time it passes that point.
``name@N`` dies on the N-th pass. Production refuses any failpoint setting (settings.py).
"""

from __future__ import annotations

import logging
import os
from collections import Counter

logger = logging.getLogger(__name__)

_passes: Counter[str] = Counter()
_armed: dict[str, int] | None = None


def _parse(spec: str) -> dict[str, int]:
    armed: dict[str, int] = {}
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        name, _, nth = item.partition("@")
        armed[name] = int(nth) if nth else 1
    return armed


def arm(spec: str) -> None:
    global _armed
    _armed = _parse(spec)
    _passes.clear()


def failpoint(name: str) -> None:
    global _armed
    if _armed is None:
        _armed = _parse(os.environ.get("SHIPSETTLE_FAILPOINTS", ""))
    if name not in _armed:
        return
    _passes[name] += 1
    if _passes[name] == _armed[name]:
        logger.warning("failpoint %s reached: exiting without cleanup", name)
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(137)

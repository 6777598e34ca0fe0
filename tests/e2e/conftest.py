from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

# The end-to-end platform fixture (``platform``) is in tests/conftest.py: tests/security's access
# matrix attacks the same five processes, so one `make test` starts them once.


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client

"""Each service's routes get the body limit declared next to them (shipsettle_shared.body_limits),
looked up through FastAPI's included routers as the middleware does; everything else 1 MiB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, Request

from logistics_svc.bootstrap import DEFINITION as LOGISTICS
from order_svc.bootstrap import DEFINITION as ORDERS
from recon_svc.bootstrap import DEFINITION as RECON
from refund_svc.bootstrap import DEFINITION as REFUNDS
from settlement_svc.bootstrap import DEFINITION as SETTLEMENT
from shipsettle_shared.body_limits import KIB, MIB, BodyLimitMiddleware, body_limit
from shipsettle_shared.service import ServiceDefinition, create_app
from shipsettle_shared.settings import ServiceSettings


def _limit_middleware(definition: ServiceDefinition) -> BodyLimitMiddleware:
    settings = ServiceSettings(service_name=definition.name, database_url="postgresql+asyncpg://x@127.0.0.1/x")
    app = create_app(definition, settings)
    [options] = [m.kwargs for m in app.user_middleware if m.cls is BodyLimitMiddleware]
    return BodyLimitMiddleware(app, **options)


@pytest.mark.parametrize(
    ("definition", "method", "path", "limit_bytes"),
    [
        (LOGISTICS, "POST", "/v1/webhooks/carriers/SF", 512 * KIB),
        (LOGISTICS, "POST", "/v1/webhooks/aftership", 512 * KIB),
        (LOGISTICS, "POST", "/v1/webhooks/kuaidi100", 512 * KIB),
        (SETTLEMENT, "POST", "/v1/payout-callbacks", 512 * KIB),
        (REFUNDS, "POST", "/v1/refund-callbacks", 512 * KIB),
        # 5 MiB of voucher and 64 KiB of multipart envelope: 5,242,880 + 65,536
        (SETTLEMENT, "POST", "/v1/merchants/m-1/vouchers", 5_308_416),
        (RECON, "POST", "/v1/statement-imports", 20 * MIB),
        (RECON, "POST", "/v1/merchants/m-1/records", 20 * MIB),
        (ORDERS, "POST", "/v1/orders", MIB),
        (SETTLEMENT, "PUT", "/v1/merchants/m-1/webhook-endpoint", MIB),
        # another method on a limited path is not that route
        (SETTLEMENT, "GET", "/v1/merchants/m-1/vouchers", MIB),
        (LOGISTICS, "POST", "/v1/webhooks/carriers/SF/extra", MIB),
    ],
)
def test_each_route_has_the_limit_declared_next_to_it(
    definition: ServiceDefinition, method: str, path: str, limit_bytes: int
) -> None:
    middleware = _limit_middleware(definition)
    assert middleware.limit_for({"type": "http", "method": method, "path": path}) == limit_bytes


router = APIRouter(prefix="/v1")
reached: list[int] = []


@router.post("/small", openapi_extra=body_limit(10))
async def small(request: Request) -> dict[str, int]:
    size = len(await request.body())
    reached.append(size)
    return {"size": size}


async def _client_app() -> httpx.AsyncClient:
    settings = ServiceSettings(service_name="limits-svc", database_url="postgresql+asyncpg://x@127.0.0.1/x")
    definition = ServiceDefinition(
        name="limits-svc", title="t", description="d", migrations_dir=Path("."), routers=(router,)
    )
    transport = httpx.ASGITransport(app=create_app(definition, settings))
    return httpx.AsyncClient(transport=transport, base_url="http://svc")


async def test_a_body_over_the_limit_is_a_413_problem_and_the_handler_never_runs() -> None:
    reached.clear()
    async with await _client_app() as client:
        declared = await client.post("/v1/small", content=b"x" * 11)

        async def stream() -> AsyncIterator[bytes]:  # no Content-Length: chunked
            for _ in range(3):
                yield b"xxxx"

        streamed = await client.post("/v1/small", content=stream())
        at_limit = await client.post("/v1/small", content=b"x" * 10)
    for refused in (declared, streamed):
        assert refused.status_code == 413
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"] == "https://shipsettle.dev/problems/body-too-large"
        assert refused.json()["limit_bytes"] == 10
    assert at_limit.json() == {"size": 10}
    assert reached == [10]

"""Every time the public API takes carries its UTC offset: one rule (TimestampWithOffset in
shipsettle_shared.clock) for every request body and query of every service, since a bare
"2026-12-06T23:30:05" may be Beijing time or UTC and recon would date the money on the wrong day."""

from __future__ import annotations

import types
from datetime import datetime
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from fastapi.routing import APIRoute
from pydantic import AfterValidator, BaseModel, ValidationError

from order_svc.entrypoints.http_orders import PaymentRequest
from shipsettle_shared.clock import TimestampWithOffset
from shipsettle_shared.topology import SERVICES

_OFFSET_RULE = next(m for m in get_args(TimestampWithOffset)[1:] if isinstance(m, AfterValidator)).func


def _offset_required(metadata: list[Any] | tuple[Any, ...]) -> bool:
    return any(isinstance(m, AfterValidator) and m.func is _OFFSET_RULE for m in metadata)


def times_taken(annotation: Any, path: str, *, naive_only: bool = True, seen: set[type] | None = None) -> list[str]:
    """Where ``annotation`` (a request model, a parameter's type) takes a datetime: only those
    without the offset rule, unless ``naive_only`` is false."""
    seen = seen if seen is not None else set()

    def walk(inner: Any, inner_path: str) -> list[str]:
        return times_taken(inner, inner_path, naive_only=naive_only, seen=seen)

    if annotation is datetime:
        return [path]
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        ruled = base is datetime and _offset_required(metadata)
        return ([] if naive_only else [path]) if ruled else walk(base, path)
    if origin in (Union, types.UnionType, list, tuple, dict, set, frozenset):
        return [found for arg in get_args(annotation) for found in walk(arg, path)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen:
        seen.add(annotation)
        found: list[str] = []
        for name, field in annotation.model_fields.items():
            found += walk(
                Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation, f"{path}.{name}"
            )
        return found
    return []


def request_times(route: APIRoute, *, naive_only: bool = True) -> list[str]:
    found: list[str] = []
    dependants = [route.dependant]
    while dependants:
        dependant = dependants.pop()
        dependants += dependant.dependencies
        for param in [*dependant.body_params, *dependant.query_params, *dependant.header_params]:
            info = param.field_info
            annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
            found += times_taken(annotation, f"{route.path} {param.name}", naive_only=naive_only)
    return found


def test_every_time_a_service_takes_over_http_needs_its_utc_offset() -> None:
    from logistics_svc.bootstrap import DEFINITION as logistics
    from order_svc.bootstrap import DEFINITION as orders
    from recon_svc.bootstrap import DEFINITION as recon
    from refund_svc.bootstrap import DEFINITION as refunds
    from settlement_svc.bootstrap import DEFINITION as settlement

    definitions = [orders, logistics, settlement, refunds, recon]
    assert {d.name for d in definitions} == {spec.name for spec in SERVICES}
    routes = [r for d in definitions for router in d.routers for r in router.routes if isinstance(r, APIRoute)]
    every_time = {found for route in routes for found in request_times(route, naive_only=False)}
    assert {"/v1/orders body.payment.paid_at", "/v1/orders created_from", "/v1/orders created_to"} <= every_time
    assert [found for route in routes for found in request_times(route)] == []


def test_the_check_finds_a_time_taken_without_the_rule() -> None:
    class Loose(BaseModel):
        at: datetime
        maybe: datetime | None = None
        strict: TimestampWithOffset
        nested: list[Loose] = []

    assert times_taken(Loose, "body") == ["body.at", "body.maybe"]
    assert times_taken(Loose, "body", naive_only=False) == ["body.at", "body.maybe", "body.strict"]


@pytest.mark.parametrize("paid_at", ["2026-12-06T23:30:05", "2026-12-06 23:30:05", "2026-12-06T23:30"])
def test_a_payment_time_without_its_offset_is_refused_naming_what_is_accepted(paid_at: str) -> None:
    with pytest.raises(ValidationError) as refused:
        PaymentRequest(channel="alipay", transaction_id="T-1", amount="1.00", paid_at=paid_at)  # type: ignore[arg-type]
    [error] = refused.value.errors()
    assert (error["loc"], error["type"]) == (("paid_at",), "timezone_aware")
    assert "+08:00" in error["ctx"]["expected"]


@pytest.mark.parametrize(
    ("paid_at", "utc"),
    [("2026-12-06T23:30:05+08:00", "2026-12-06T15:30:05+00:00"), ("2026-12-06T15:30:05Z", "2026-12-06T15:30:05+00:00")],
)
def test_a_payment_time_with_its_offset_is_taken(paid_at: str, utc: str) -> None:
    payment = PaymentRequest(channel="alipay", transaction_id="T-1", amount="1.00", paid_at=paid_at)  # type: ignore[arg-type]
    assert payment.paid_at == datetime.fromisoformat(utc)

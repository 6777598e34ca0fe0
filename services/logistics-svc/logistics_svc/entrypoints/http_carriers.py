"""HTTP: the carrier registry (ops maintain it), webhook secrets, and carrier recommendation."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from logistics_svc.adapters.carrier_registry import CarrierRegistry
from logistics_svc.adapters.reference_data import reference_data
from logistics_svc.adapters.secret_cache import WEBHOOK_SECRETS
from logistics_svc.domain.carriers import Carrier, CarrierDefinitionError, UnknownProvinceError
from logistics_svc.domain.recommendation import recommend
from logistics_svc.entrypoints.http_models import (
    CarrierDefinition,
    CarrierPut,
    CarrierWebhookSecret,
    RecommendationPublic,
)
from shipsettle_shared import audit
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import OpsPrincipal, Readers
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.pagination import bounded_list
from shipsettle_shared.problems import Conflict, NotFound, validation_problem

router = APIRouter(prefix="/v1", tags=["carriers"])

CarrierCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,16}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecommendationRequest(Strict):
    origin_province: str = Field(min_length=2, max_length=20, description="where the parcel leaves, e.g. 浙江")
    destination_province: str = Field(min_length=2, max_length=20)
    weight_g: int = Field(gt=0, le=1_000_000)
    ship_date: date
    deadline: date


class AggregatorSecret(Strict):
    secret: str = Field(min_length=16, max_length=200, description="the salt / secret configured at the aggregator")


@router.get(
    "/carriers",
    operation_id="carriers.list",
    summary="The carrier registry",
    openapi_extra=bounded_list("the platform's carrier registry: a few dozen carriers, written by ops only"),
    **answers(list[CarrierDefinition]),
)
async def list_carriers(request: Request, principal: Readers) -> list[dict[str, Any]]:
    async with request.app.state.runtime.sessions() as session:
        return [carrier.to_definition() for carrier in await CarrierRegistry(session).all()]


@router.get("/carriers/{code}", operation_id="carriers.read", **answers(CarrierDefinition, 404), summary="One carrier")
async def read_carrier(code: CarrierCode, request: Request, principal: Readers) -> dict[str, Any]:
    async with request.app.state.runtime.sessions() as session:
        carrier = await CarrierRegistry(session).get(code)
    if carrier is None:
        raise NotFound("carrier", code)
    return carrier.to_definition()


@router.put(
    "/carriers/{code}", operation_id="carriers.put", **answers(CarrierPut, 409), summary="Add or change a carrier (ops)"
)
async def put_carrier(
    code: CarrierCode, definition: dict[str, Any], request: Request, principal: OpsPrincipal
) -> dict[str, Any]:
    """The body is a carrier definition as GET returns it. A new carrier gets a webhook secret,
    shown once in the answer (rotate it to see a new one)."""
    runtime = request.app.state.runtime
    if str(definition.get("code", "")).upper() != code.upper():
        raise validation_problem([("body.code", "must equal the code in the path")])
    try:
        carrier = Carrier.from_definition(definition)
    except CarrierDefinitionError as error:
        raise validation_problem([(f"body.{field}", message) for field, message in error.problems]) from error
    except (KeyError, TypeError, ValueError) as error:
        raise validation_problem([("body", f"not a carrier definition: {error}")]) from error
    async with unit_of_work(runtime.sessions) as session:
        registry = CarrierRegistry(session)
        # An aggregator code two carriers share would make that aggregator's scans nobody's.
        if sharing := await registry.carriers_sharing_vendor_codes(carrier):
            raise Conflict(
                f"carrier {', '.join(sharing)} already has this kuaidi100_code or aftership_slug; an aggregator's "
                "carrier code must name one carrier",
                type_slug="vendor-code-taken",
            )
        created = await registry.put(carrier, by=principal.key_id, now=runtime.clock.now())
        secret = await registry.webhook_secret(carrier.code) if created else None
        await audit.record(
            session,
            principal,
            "carriers.put",
            "carrier",
            carrier.code,
            at=runtime.clock.now(),
            after={"created": created, "carrier": carrier.to_definition()},
        )
    WEBHOOK_SECRETS.forget(f"carrier-names:{carrier.code}")
    reference_data(runtime).forget_carriers()  # after the commit: dispatch and scans see it at once here
    return {"carrier": carrier.to_definition(), "created": created, **({"webhook_secret": secret} if secret else {})}


@router.post(
    "/carriers/{code}/webhook-secret",
    operation_id="carriers.rotate_webhook_secret",
    summary="Rotate a carrier's webhook secret (ops); shown once",
    **answers(CarrierWebhookSecret, 404),
)
async def rotate_secret(code: CarrierCode, request: Request, principal: OpsPrincipal) -> dict[str, str]:
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        secret = await CarrierRegistry(session).rotate_webhook_secret(
            code, by=principal.key_id, now=runtime.clock.now()
        )
        if secret is not None:  # the new secret itself is never recorded
            await audit.record(
                session, principal, "carriers.rotate_webhook_secret", "carrier", code.upper(), at=runtime.clock.now()
            )
    if secret is None:
        raise NotFound("carrier", code)
    WEBHOOK_SECRETS.forget(f"carrier:{code.upper()}")
    return {"carrier_code": code.upper(), "webhook_secret": secret}


@router.put(
    "/webhook-sources/{source}/secret",
    operation_id="webhook_sources.set_secret",
    status_code=204,
    summary="Set an aggregator's secret (ops)",
)
async def set_aggregator_secret(
    source: Literal["kuaidi100", "aftership"], body: AggregatorSecret, request: Request, principal: OpsPrincipal
) -> None:
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        await CarrierRegistry(session).set_aggregator_secret(source, body.secret, now=runtime.clock.now())
        await audit.record(
            session, principal, "webhook_sources.set_secret", "webhook_source", source, at=runtime.clock.now()
        )
    WEBHOOK_SECRETS.forget(f"aggregator:{source}")


@router.post(
    "/carriers/recommendation",
    operation_id="carriers.recommend",
    summary="Rank carriers by cost among those that meet the deadline",
    **answers(RecommendationPublic),
)
async def recommend_carrier(body: RecommendationRequest, request: Request, principal: Readers) -> dict[str, Any]:
    async with request.app.state.runtime.sessions() as session:
        carriers = await CarrierRegistry(session).all()
    try:
        recommendation = recommend(
            carriers, body.origin_province, body.destination_province, body.weight_g, body.ship_date, body.deadline
        )
    except UnknownProvinceError as error:
        # the origin is read first: a name both fields share is the origin's to fix first
        unknown = "body.origin_province" if error.name == body.origin_province else "body.destination_province"
        raise validation_problem([(unknown, str(error))]) from error
    except ValueError as error:
        raise validation_problem([("body.deadline", str(error))]) from error
    answer = asdict(recommendation)
    answer["best"] = asdict(recommendation.best) if recommendation.best else None
    return answer

"""HTTP: dispatch, shipments, buyer sign-off, tracking settings, stale and flagged shipments,
scans no shipment took."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from logistics_svc.adapters.reference_data import reference_data
from logistics_svc.adapters.repositories.rows import ops_flag_json
from logistics_svc.adapters.repositories.scans import ScanRepository
from logistics_svc.adapters.repositories.settings import SettingRepository
from logistics_svc.adapters.repositories.shipments import ShipmentRepository
from logistics_svc.adapters.shipment_reads import ShipmentReads
from logistics_svc.adapters.unit_of_work import SqlLogisticsUnitOfWork
from logistics_svc.domain.carriers import normalise_tracking_number
from logistics_svc.domain.shipments import Shipment
from logistics_svc.entrypoints.consumers import tracking_policy
from logistics_svc.entrypoints.http_models import (
    FlaggedShipment,
    ParkedScans,
    ShipmentPublic,
    StaleShipment,
)
from logistics_svc.service_layer import corrections, dispatching, sign_off
from logistics_svc.service_layer.views import parked_scans_view, shipment_view
from shipsettle_shared import audit
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import OpsPrincipal, PlatformOrMerchant, Principal, Readers, require_roles
from shipsettle_shared.contracts import Role
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.identifiers import Identifier, IdPath
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, bounded_list, page_body
from shipsettle_shared.problems import NotFound, validation_problem
from shipsettle_shared.service import ServiceRuntime

router = APIRouter(prefix="/v1", tags=["shipments"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParcelLine(Strict):
    line_id: Identifier
    quantity: int


class DispatchRequest(Strict):
    order_id: Identifier
    carrier_code: str = Field(min_length=1, max_length=16)
    tracking_number: str = Field(
        min_length=4, max_length=40, description="物流单号, checked against the carrier's format"
    )
    lines: list[ParcelLine] = Field(min_length=1, description="the order lines and quantities in this parcel")


class TrackingNumberCorrection(Strict):
    tracking_number: str = Field(min_length=4, max_length=40)


class TrackingSettings(Strict):
    auto_confirm_days: int = Field(ge=1, le=30, description="sign off automatically this many days after delivery")
    stale_after_hours: int = Field(ge=1, le=24 * 30, description="no carrier movement for this long raises an alert")
    scan_clock_tolerance_minutes: int | None = Field(
        default=None,
        ge=0,
        le=60,
        description="a carrier scan dated more than this before its shipment's dispatch never moves it "
        "(default 5; left out: unchanged)",
    )


class FlagClearance(Strict):
    reason: str = Field(min_length=3, max_length=1000, description="what ops checked, e.g. with the carrier")


@router.post(
    "/shipments",
    operation_id="shipments.dispatch",
    summary="Dispatch a parcel of a confirmed order",
    **answers(ShipmentPublic, 404, 409, status_code=201),
)
async def dispatch(body: DispatchRequest, request: Request, principal: PlatformOrMerchant) -> dict[str, Any]:
    """The order must be confirmed (核对发货信息) and not cancelled; the carrier known and active;
    the tracking number in the carrier's format and not used by another live shipment; the
    lines and quantities the order's, never more than is left to ship. An order may ship in
    several parcels; what is not shipped stays open. The same dispatch sent again (a retry after
    a lost answer) returns the shipment the first one made, with nothing new written."""
    runtime = request.app.state.runtime
    lines: dict[str, int] = {}
    for index, line in enumerate(body.lines):
        if line.line_id in lines:
            raise validation_problem([(f"body.lines[{index}].line_id", "line listed twice in one parcel")])
        lines[line.line_id] = line.quantity
    policy = await tracking_policy(runtime)
    carriers = await reference_data(runtime).carriers()
    async with unit_of_work(runtime.sessions) as session:
        dispatched = await dispatching.dispatch(
            SqlLogisticsUnitOfWork(session),
            dispatching.Dispatch(body.order_id, body.carrier_code, body.tracking_number, lines),
            merchant_scope=principal.merchant_scope,
            now=runtime.clock.now(),
            policy=policy,
            carriers=carriers,
        )
    shipment = dispatched.first
    assert shipment is not None
    # The refunds open on the order were read in the dispatch's transaction.
    return shipment_view(shipment, dispatched.open_refund_ids, policy.scan_clock_tolerance)


async def _view(runtime: ServiceRuntime, shipment: Shipment) -> dict[str, Any]:
    """The shipment as a command left it, read again with its order's open refunds (one statement)."""
    found = await ShipmentReads(runtime.lane).shipment(shipment.shipment_id)
    policy = await tracking_policy(runtime)
    if found is None:  # not possible after a committed command; the command's own copy then
        return shipment_view(shipment, frozenset(), policy.scan_clock_tolerance)
    return shipment_view(found[0], found[1], policy.scan_clock_tolerance)


@router.patch(
    "/shipments/{shipment_id}/tracking-number",
    operation_id="shipments.correct_tracking_number",
    summary="Correct a tracking number before the first scan",
    **answers(ShipmentPublic, 404, 409),
)
async def correct_tracking_number(
    shipment_id: IdPath, body: TrackingNumberCorrection, request: Request, principal: PlatformOrMerchant
) -> dict[str, Any]:
    runtime = request.app.state.runtime
    policy = await tracking_policy(runtime)
    carriers = await reference_data(runtime).carriers()
    async with unit_of_work(runtime.sessions) as session:
        shipment = await corrections.correct_tracking_number(
            SqlLogisticsUnitOfWork(session),
            shipment_id,
            body.tracking_number,
            merchant_scope=principal.merchant_scope,
            now=runtime.clock.now(),
            policy=policy,
            carriers=carriers,
        )
        await audit.record(
            session,
            principal,
            "shipments.correct_tracking_number",
            "shipment",
            shipment_id,
            at=runtime.clock.now(),
            after={"tracking_number": body.tracking_number},
        )
    return await _view(runtime, shipment)


@router.get(
    "/shipments/{shipment_id}",
    operation_id="shipments.read",
    summary="A shipment with its normalised scan timeline",
    **answers(ShipmentPublic, 404),
)
async def read_shipment(shipment_id: IdPath, request: Request, principal: Readers) -> dict[str, Any]:
    """``direction`` is outbound or return (a buyer's parcel back, 退货); ``auto_confirm`` says
    whether the sign-off timer is scheduled (``due_at``) or paused, with the time left and the
    open refunds that hold it; ``ops_flags`` what ops should check (e.g. a return's tracking
    number not in the carrier's format)."""
    runtime = request.app.state.runtime
    found = await ShipmentReads(runtime.lane).shipment(shipment_id)
    if found is None:
        raise NotFound("shipment", shipment_id)
    shipment, open_refund_ids = found
    principal.require_merchant_access(shipment.merchant_id, "shipment", shipment_id)
    policy = await tracking_policy(runtime)
    return shipment_view(shipment, open_refund_ids, policy.scan_clock_tolerance)


@router.get(
    "/orders/{order_id}/shipments",
    operation_id="shipments.list_for_order",
    summary="Every parcel of an order, outbound and return",
    openapi_extra=bounded_list(
        "one order's parcels: each outbound parcel is dispatched for the order's lines and each return for a refund of them"
    ),
    **answers(list[ShipmentPublic], 404),
)
async def order_shipments(order_id: IdPath, request: Request, principal: Readers) -> list[dict[str, Any]]:
    """What platform backends poll until the parcel is delivered: one database statement."""
    runtime = request.app.state.runtime
    found = await ShipmentReads(runtime.lane).order_shipments(order_id)
    if found is None:
        raise NotFound("order", order_id)
    principal.require_merchant_access(found.merchant_id, "order", order_id)
    policy = await tracking_policy(runtime)
    return [
        shipment_view(shipment, found.loaded.open_refund_ids, policy.scan_clock_tolerance)
        for shipment in found.loaded.shipments
    ]


@router.post(
    "/orders/{order_id}/confirm-receipt",
    operation_id="shipments.confirm_receipt",
    summary="The buyer confirmed receipt (确认收货), posted by the platform",
    **answers(list[ShipmentPublic], 404, 409),
)
async def confirm_receipt(
    order_id: IdPath, request: Request, principal: Annotated[Principal, Depends(require_roles(Role.PLATFORM))]
) -> list[dict[str, Any]]:
    """Signs off every outbound shipment of the order that is not yet signed off, at once, and
    cancels their auto-confirm timers. Settlement waits for exactly this (OrderSignedOff). An
    open refund does not block it: only the automatic sign-off waits for refunds."""
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        signed = await sign_off.confirm_receipt(SqlLogisticsUnitOfWork(session), order_id, now=runtime.clock.now())
    policy = await tracking_policy(runtime)
    # Signed off: no refund holds them any more (the view lists open refunds only for a shipment
    # whose clock is paused or has not started).
    return [shipment_view(shipment, frozenset(), policy.scan_clock_tolerance) for shipment in signed]


@router.get(
    "/settings/tracking", operation_id="tracking_settings.read", summary="Auto-confirm and stale-shipment settings"
)
async def read_tracking_settings(request: Request, principal: Readers) -> dict[str, int]:
    """Another instance's change shows here within a few seconds (adapters/reference_data.py)."""
    return await reference_data(request.app.state.runtime).tracking_settings()


@router.put(
    "/settings/tracking",
    operation_id="tracking_settings.write",
    summary="Change auto-confirm and stale-shipment settings (ops)",
)
async def write_tracking_settings(body: TrackingSettings, request: Request, principal: OpsPrincipal) -> dict[str, int]:
    """Applies to timers set from now on; timers already running keep their due time."""
    runtime = request.app.state.runtime
    async with unit_of_work(runtime.sessions) as session:
        repository = SettingRepository(session)
        for name, value in body.model_dump(exclude_none=True).items():
            await repository.set_setting(name, value, by=principal.key_id, now=runtime.clock.now())
        await audit.record(
            session,
            principal,
            "tracking_settings.write",
            "settings",
            "tracking",
            at=runtime.clock.now(),
            after=body.model_dump(exclude_none=True),
        )
    reference = reference_data(runtime)
    reference.forget_settings()  # after the commit: this instance applies the change at once
    return await reference.tracking_settings()


@router.get(
    "/shipments-stale",
    operation_id="shipments.list_stale",
    summary="Shipments with no carrier movement for too long (ops), longest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[StaleShipment]),
)
async def stale_shipments(request: Request, principal: OpsPrincipal, page: PageQuery) -> dict[str, Any]:
    """A cursor of another listing: 422."""
    after = page.after(datetime, str)
    async with request.app.state.runtime.sessions() as session:
        found = await ShipmentRepository(session).stale_shipments(after=after, limit=page.limit + 1)
    rows, next_cursor = page.page(found, lambda row: (row["last_movement_at"], row["shipment_id"]))
    stale = [
        {
            "shipment_id": row["shipment_id"],
            "order_id": row["order_id"],
            "merchant_id": row["merchant_id"],
            "carrier_code": row["carrier_code"],
            "tracking_number": row["tracking_number"],
            "status": row["status"],
            "last_movement_at": row["last_movement_at"].isoformat(),
            "stale_alerted_at": row["stale_alerted_at"].isoformat() if row["stale_alerted_at"] else None,
        }
        for row in rows
    ]
    return page_body(stale, next_cursor)


@router.get(
    "/shipments-flagged",
    operation_id="shipments.list_flagged",
    summary="Shipments with a flag ops have not cleared yet, dispatched last first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[FlaggedShipment]),
)
async def flagged_shipments(request: Request, principal: OpsPrincipal, page: PageQuery) -> dict[str, Any]:
    """What ops should check. ``delivered-before-dispatch``: the carrier reported the number
    delivered before this parcel was dispatched (a number used before); it holds the
    auto-confirm (``blocks_sign_off``) until cleared. Return parcels are registered whatever
    carrier and number the buyer gave (the parcel is on its way); what did not check out is
    flagged too: unknown or inactive carrier, a number not in the carrier's format, a number
    another shipment uses. Cleared flags stay on the shipment (``GET /v1/shipments/{id}``).
    A cursor of another listing: 422."""
    after = page.after(datetime, str)
    async with request.app.state.runtime.sessions() as session:
        found = await ShipmentRepository(session).flagged_shipments(after=after, limit=page.limit + 1)
    shipments, next_cursor = page.page(found, lambda shipment: (shipment.dispatched_at, shipment.shipment_id))
    flagged = [
        {
            "shipment_id": shipment.shipment_id,
            "order_id": shipment.order_id,
            "merchant_id": shipment.merchant_id,
            "direction": shipment.direction.value,
            "refund_id": shipment.refund_id,
            "carrier_code": shipment.carrier_code,
            "tracking_number": shipment.tracking_number,
            "status": shipment.status.value,
            "ops_flags": [ops_flag_json(flag) for flag in shipment.ops_flags],
        }
        for shipment in shipments
    ]
    return page_body(flagged, next_cursor)


@router.post(
    "/shipments/{shipment_id}/ops-flags/{flag_code}/clear",
    operation_id="shipments.clear_ops_flag",
    summary="Clear a shipment's flag once checked (ops); who and why are kept",
    **answers(ShipmentPublic, 404, 409),
)
async def clear_ops_flag(
    shipment_id: IdPath, flag_code: IdPath, body: FlagClearance, request: Request, principal: OpsPrincipal
) -> dict[str, Any]:
    """E.g. ``delivered-before-dispatch`` after the carrier confirmed it recycled the number and
    this parcel was delivered: the auto-confirm clock of a delivered shipment starts (from its
    delivery). The flag stays on the shipment with ``cleared_by`` (the ops key), ``cleared_at``
    and ``clear_reason``; settlement learns of it (ShipmentFlagCleared). 404: no such shipment or
    flag; 409: the flag is already cleared."""
    runtime = request.app.state.runtime
    policy = await tracking_policy(runtime)
    async with unit_of_work(runtime.sessions) as session:
        shipment = await corrections.clear_ops_flag(
            SqlLogisticsUnitOfWork(session),
            shipment_id,
            flag_code,
            cleared_by=principal.key_id,
            reason=body.reason,
            now=runtime.clock.now(),
            policy=policy,
        )
        await audit.record(
            session,
            principal,
            "shipments.clear_ops_flag",
            "shipment",
            shipment_id,
            at=runtime.clock.now(),
            after={"flag_code": flag_code, "cleared": True},
            reason=body.reason,
        )
    return await _view(runtime, shipment)


@router.get(
    "/scans-parked",
    operation_id="scans.list_parked",
    summary="Carrier scans no shipment took (ops), by carrier and number, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[ParkedScans]),
)
async def parked_scans(
    request: Request,
    principal: Annotated[Principal, Depends(require_roles(Role.OPS, Role.AUDITOR))],
    page: PageQuery,
    tracking_number: Annotated[str | None, Query(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9 -]+$")] = None,
) -> dict[str, Any]:
    """Kept, never applied, one item per carrier and tracking number (ordered by carrier code,
    an unknown carrier first, then number): ``reason``
    ``no-shipment-yet`` (taken when that carrier's shipment is dispatched),
    ``another-carrier-holds-the-number`` (a scan names a number another carrier's shipment
    holds: it never moves that shipment), ``carrier-unknown`` (the aggregator's carrier code is
    not in the registry, ``vendor_carrier_codes`` says which: never guessed). Raw bodies stay in
    ``webhook_deliveries``. A cursor of another listing: 422."""
    after = page.after(str, str)
    async with request.app.state.runtime.sessions() as session:
        found = await ScanRepository(session).parked_scans(
            tracking_number=normalise_tracking_number(tracking_number) if tracking_number else None,
            after=after,
            limit=page.limit + 1,
        )
    groups, next_cursor = page.page(found, lambda parked: (parked.carrier_code or "", parked.tracking_number))
    return page_body([parked_scans_view(parked) for parked in groups], next_cursor)

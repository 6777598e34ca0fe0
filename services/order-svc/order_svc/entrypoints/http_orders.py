"""HTTP: orders. Parse the edge formats (decimal strings, rates), call the service layer,
shape the answer. The service layer's refusals (OrderRuleViolation, PricingError) are answered by
shipsettle_shared.problems, in one place for every service."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from order_svc.adapters.order_statements import OrderStatements
from order_svc.adapters.order_watch import order_watch
from order_svc.adapters.personal_data import opened_answer, sealed_answer
from order_svc.adapters.repository import OrderRepository
from order_svc.domain.orders import (
    Actor,
    Consignee,
    Order,
    OrderStatus,
    Payment,
    ShippingCheckItem,
)
from order_svc.domain.personal_data import sees_full_consignee
from order_svc.domain.pricing import CouponInput, CouponKind, Funder, LineInput
from order_svc.entrypoints.http_models import (
    OrderPublic,
    OrderRead,
    OrderTimelinePage,
    ShippingChangePublic,
)
from order_svc.service_layer import orders as service
from order_svc.service_layer.orders import IdempotentRequest, PlacedLine, PlaceOrder
from shipsettle_shared import audit
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import PlatformOrMerchant, Principal, Readers, require_roles
from shipsettle_shared.clock import TimestampWithOffset
from shipsettle_shared.contracts import Role
from shipsettle_shared.data_keys import buyer_subject
from shipsettle_shared.db import snapshot
from shipsettle_shared.idempotency import check_key, request_hash, run_idempotent
from shipsettle_shared.masking import mask_consignee
from shipsettle_shared.money import CURRENCY_EXPONENTS, InvalidAmountError, Money
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, page_body
from shipsettle_shared.problems import NotFound, validation_problem
from shipsettle_shared.service import ServiceRuntime

router = APIRouter(prefix="/v1/orders", tags=["orders"])

# Stated maxima: a unit price above ¥1,000,000.00 or a quantity above 10,000 is refused as a
# probable data error rather than settled.
MAX_UNIT_PRICE_MINOR = 100_000_000
MAX_QUANTITY = 10_000
VAT_RATES_BP = {"0.13": 1300, "0.09": 900, "0.06": 600, "0": 0, "0.00": 0}

Decimal2 = Annotated[
    str, Field(pattern=r"^(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$", description="decimal string, e.g. '12.34'")
]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
OrderIdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineRequest(Strict):
    line_id: Identifier
    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    spec: str = Field(default="", max_length=200, description="规格, e.g. '500g / 罐装'")
    quantity: int = Field(description=f"1 to {MAX_QUANTITY}")
    unit_price: str = Field(description="tax-inclusive, decimal string in the order currency, e.g. '128.00'")
    vat_rate: str = Field(description="one of 0.13, 0.09, 0.06, 0")
    category: str = Field(min_length=1, max_length=64)


class CouponRequest(Strict):
    coupon_id: Identifier
    kind: CouponKind = Field(description="threshold (满减), percentage, fixed")
    funded_by: Funder = Field(description="merchant, or platform (a subsidy paid to the merchant on settlement)")
    amount_off: Decimal2 | None = Field(default=None, description="threshold and fixed coupons")
    threshold: Decimal2 | None = Field(default=None, description="threshold coupons: minimum goods amount")
    repeat: bool = Field(default=False, description="threshold coupons: 每满 threshold 减 amount_off")
    max_repeats: int | None = None
    percent_off: str | None = Field(
        default=None, pattern=r"^[0-9]{1,2}(\.[0-9]{1,2})?$", description="e.g. '10' or '12.5'"
    )
    cap: Decimal2 | None = Field(default=None, description="percentage coupons: the most it takes off")


class ConsigneeRequest(Strict):
    name: str = Field(max_length=100)
    mobile: str = Field(max_length=20, description="mainland 11-digit mobile, or E.164 (+...) for others")
    province: str = Field(max_length=50)
    city: str = Field(max_length=50)
    district: str = Field(max_length=50)
    address_line: str = Field(max_length=300)
    postal_code: str = Field(max_length=12)

    def to_domain(self) -> Consignee:
        return Consignee(**self.model_dump())


class PaymentRequest(Strict):
    channel: Literal["wechat_pay", "alipay", "unionpay", "bank_card", "balance"]
    transaction_id: str = Field(min_length=1, max_length=64)
    amount: str = Field(description="what the buyer paid, decimal string")
    paid_at: TimestampWithOffset


class OrderRequest(Strict):
    order_id: Identifier = Field(description="the platform's order number, unique")
    merchant_id: Identifier
    buyer_ref: str = Field(min_length=1, max_length=64)
    currency: str = Field(default="CNY", description="ISO 4217")
    lines: list[LineRequest] = Field(min_length=1, max_length=200)
    coupons: list[CouponRequest] = Field(default_factory=list, max_length=20)
    shipping_fee: str = "0.00"
    consignee: ConsigneeRequest
    payment: PaymentRequest


class ShippingItemRequest(Strict):
    line_id: str
    quantity: int
    spec: str = ""


class ConfirmShippingRequest(Strict):
    items: list[ShippingItemRequest] = Field(min_length=1, description="each line with its quantity and spec")
    consignee: ConsigneeRequest | None = Field(default=None, description="the consignee as confirmed, if changed")


class CorrectShippingRequest(Strict):
    consignee: ConsigneeRequest
    reason: str = Field(min_length=1, max_length=500)


class CancelRequest(Strict):
    reason: str = Field(min_length=1, max_length=500)


# --- parsing the edge ------------------------------------------------------------------


def _amount(text: str | None, currency: str, field: str, errors: list[tuple[str, str]]) -> int | None:
    if text is None:
        return None
    try:
        amount = Money.parse(text, currency).amount_minor
    except InvalidAmountError as error:
        errors.append((field, str(error)))
        return None
    if amount < 0:
        errors.append((field, "must not be negative"))
        return None
    return amount


def _percent_bp(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(Decimal(text) * 100)
    except InvalidOperation:
        return None


def parse_order(body: OrderRequest) -> PlaceOrder:
    errors: list[tuple[str, str]] = []
    currency = body.currency
    if currency not in CURRENCY_EXPONENTS:
        errors.append(("body.currency", f"unknown currency; accepted: {', '.join(sorted(CURRENCY_EXPONENTS))}"))
        currency = "CNY"
    lines: list[PlacedLine] = []
    for index, line in enumerate(body.lines):
        where = f"body.lines[{index}]"
        if not 1 <= line.quantity <= MAX_QUANTITY:
            errors.append((f"{where}.quantity", f"must be from 1 to {MAX_QUANTITY}"))
        price = _amount(line.unit_price, currency, f"{where}.unit_price", errors)
        if price is not None and price > MAX_UNIT_PRICE_MINOR:
            errors.append(
                (
                    f"{where}.unit_price",
                    f"more than the maximum of {Money(MAX_UNIT_PRICE_MINOR, currency).to_decimal_string()}",
                )
            )
        vat = VAT_RATES_BP.get(line.vat_rate)
        if vat is None:
            errors.append((f"{where}.vat_rate", "accepted: 0.13, 0.09, 0.06, 0"))
        lines.append(
            PlacedLine(
                LineInput(line.line_id, line.sku, line.quantity, price or 0, vat or 0, line.category),
                name=line.name,
                spec=line.spec,
            )
        )
    coupons = [
        CouponInput(
            coupon_id=coupon.coupon_id,
            kind=coupon.kind,
            funded_by=coupon.funded_by,
            amount_off_minor=_amount(coupon.amount_off, currency, f"body.coupons[{index}].amount_off", errors),
            threshold_minor=_amount(coupon.threshold, currency, f"body.coupons[{index}].threshold", errors),
            repeat=coupon.repeat,
            max_repeats=coupon.max_repeats,
            percent_off_bp=_percent_bp(coupon.percent_off),
            cap_minor=_amount(coupon.cap, currency, f"body.coupons[{index}].cap", errors),
        )
        for index, coupon in enumerate(body.coupons)
    ]
    shipping_fee = _amount(body.shipping_fee, currency, "body.shipping_fee", errors)
    paid = _amount(body.payment.amount, currency, "body.payment.amount", errors)
    if errors:
        raise validation_problem(errors, title="Invalid order")
    return PlaceOrder(
        order_id=body.order_id,
        merchant_id=body.merchant_id,
        buyer_ref=body.buyer_ref,
        currency=currency,
        lines=lines,
        coupons=coupons,
        shipping_fee_minor=shipping_fee or 0,
        consignee=body.consignee.to_domain(),
        payment=Payment(body.payment.channel, body.payment.transaction_id, paid or 0, body.payment.paid_at),
    )


# --- shaping answers -------------------------------------------------------------------


def order_public(order: Order) -> dict[str, Any]:
    priced = order.priced
    names = {line.line_id: line for line in order.lines}
    return {
        "order_id": order.order_id,
        "merchant_id": order.merchant_id,
        "buyer_ref": order.buyer_ref,
        "status": order.status.value,
        "currency": order.currency,
        "placed_at": order.placed_at.isoformat(),
        "goods_total_minor": priced.goods_total_minor,
        "merchant_discount_minor": priced.merchant_discount_minor,
        "platform_discount_minor": priced.platform_discount_minor,
        "shipping_fee_minor": priced.shipping_fee_minor,
        "payable_minor": priced.payable_minor,
        "vat_minor": priced.vat_minor,
        "lines": [
            {
                "line_id": line.line_id,
                "sku": line.sku,
                "name": names[line.line_id].name,
                "spec": names[line.line_id].spec,
                "category": line.category,
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor,
                "vat_rate_bp": line.vat_rate_bp,
                "line_amount_minor": line.line_amount_minor,
                "discounts_by_coupon_minor": line.discounts_by_coupon_minor,
                "merchant_discount_minor": line.merchant_discount_minor,
                "platform_discount_minor": line.platform_discount_minor,
                "paid_amount_minor": line.paid_amount_minor,
                "sales_amount_minor": line.sales_amount_minor,
                "vat_minor": line.vat_minor,
                "commission_base_minor": line.commission_base_minor,
                "dispatched_quantity": order.dispatched_quantities.get(line.line_id, 0),
            }
            for line in priced.lines
        ],
        "coupons": [
            {
                "coupon_id": coupon.coupon_id,
                "kind": coupon.kind.value,
                "funded_by": coupon.funded_by.value,
                "base_minor": coupon.base_minor,
                "discount_minor": coupon.discount_minor,
                "allocation_minor": coupon.allocation_minor,
            }
            for coupon in priced.coupons
        ],
        "consignee": asdict(order.consignee),
        "payment": {
            "channel": order.payment.channel,
            "transaction_id": order.payment.transaction_id,
            "amount_minor": order.payment.amount_minor,
            "paid_at": order.payment.paid_at.isoformat(),
        },
        "shipping_confirmed_at": order.shipping_confirmed_at.isoformat() if order.shipping_confirmed_at else None,
        "shipping_confirmed_by": order.shipping_confirmed_by,
        "cancelled_at": order.cancelled_at.isoformat() if order.cancelled_at else None,
    }


def for_reader(body: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """An order's answer as ``principal`` may see it: the consignee in full only for the merchant
    while the order is to be shipped (domain/personal_data.py), masked for everyone else."""
    return {**body, "consignee": consignee_for(body["consignee"], principal, OrderStatus(body["status"]))}


def consignee_for(consignee: dict[str, Any], principal: Principal, status: OrderStatus) -> dict[str, Any]:
    return consignee if sees_full_consignee(principal.role.value, status) else mask_consignee(consignee)


def _actor(principal: Principal) -> Actor:
    return Actor(key_id=principal.key_id, role=principal.role.value)


# --- routes ----------------------------------------------------------------------------


@router.post(
    "",
    operation_id="orders.place",
    summary="Place a paid order (platform)",
    **answers(OrderPublic, 409, status_code=201),
)
async def place_order(
    body: OrderRequest,
    request: Request,
    response: Response,
    principal: Annotated[Principal, Depends(require_roles(Role.PLATFORM))],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict[str, Any]:
    """Prices the order with ShipSettle's rules (see the pricing engine's rules in the API
    description) and accepts it only if the payment equals the computed payable amount.
    Same Idempotency-Key and body: the first answer again; another body: 409."""
    runtime = request.app.state.runtime
    command = parse_order(body)
    idempotent = IdempotentRequest(
        principal_key_id=principal.key_id,
        key=check_key(idempotency_key),
        fingerprint=request_hash("POST", "/v1/orders", body.model_dump(mode="json")),
    )
    # the answer is kept under the key with its consignee sealed, and opened again here
    key = await runtime.personal_data.key_for(buyer_subject(command.buyer_ref))
    status, answer = await service.place_order(
        OrderStatements(runtime.lane, runtime.personal_data),
        command,
        idempotent,
        lambda order: (201, sealed_answer(key, order_public(order))),
        now=runtime.clock.now(),
    )
    response.status_code = status
    return for_reader(await opened_answer(runtime.personal_data, answer), principal)


MAX_WAIT_S = 25


class OrderStage(StrEnum):
    """What a long-poll can wait for: the order's own statuses, and ``delivered`` (every parcel
    dispatched so far reported delivered or signed off by logistics, on the order's timeline)."""

    PLACED = OrderStatus.PLACED.value
    CONFIRMED = OrderStatus.CONFIRMED.value
    PARTIALLY_DISPATCHED = OrderStatus.PARTIALLY_DISPATCHED.value
    DISPATCHED = OrderStatus.DISPATCHED.value
    CANCELLED = OrderStatus.CANCELLED.value
    DELIVERED = "delivered"


@asynccontextmanager
async def _reads(runtime: ServiceRuntime) -> AsyncIterator[AsyncSession]:
    """A session whose statements run each on its own (autocommit): a one-statement read costs
    one round trip, not BEGIN, the read and ROLLBACK."""
    async with runtime.engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        async with AsyncSession(bind=connection) as session:
            yield session


async def _reached(
    runtime: ServiceRuntime, order_id: str, principal: Principal, until: set[OrderStage]
) -> tuple[Order, bool]:
    """The order and whether it is at one of the stages ``until`` names: one read (the order, and
    its parcels' delivery from its timeline only when ``delivered`` is asked for)."""
    look = await OrderStatements(runtime.lane, runtime.personal_data).look(
        order_id, with_parcels=OrderStage.DELIVERED in until
    )
    if look is None:
        raise NotFound("order", order_id)
    order = look.order
    principal.require_merchant_access(order.merchant_id, "order", order_id)
    if order.status.value in until:
        return order, True
    delivered = bool(look.shipments) and look.delivered_shipments == look.shipments
    return order, order.status is OrderStatus.DISPATCHED and OrderStage.DELIVERED in until and delivered


@router.get(
    "/{order_id}",
    operation_id="orders.read",
    summary="One order with its priced breakdown; with ?until=&wait=, as soon as it reaches a stage (long-poll)",
    **answers(OrderRead, 404),
)
async def read_order(
    order_id: OrderIdPath,
    request: Request,
    principal: Readers,
    until: Annotated[
        list[OrderStage] | None,
        Query(
            description="Long-poll: answer as soon as the order is at one of these stages (repeat the "
            "parameter for several). `delivered`: every parcel dispatched so far delivered or signed "
            "off, as logistics reported it. The answer then carries `reached`."
        ),
    ] = None,
    wait: Annotated[
        float | None,
        Query(
            gt=0,
            le=MAX_WAIT_S,
            description=f"Long-poll: the most seconds to wait for `until` (at most {MAX_WAIT_S}); "
            "at the end the order is answered as it is, with `reached: false`. Without it, no wait.",
        ),
    ] = None,
) -> dict[str, Any]:
    """Without ``until``: the order now. With it: the order once it reaches one of the stages, or
    after ``wait`` seconds (``reached`` says which), so a platform backend need not poll. An
    unknown order, or another merchant's: 404 at once."""
    runtime: ServiceRuntime = request.app.state.runtime
    if until is None:
        if wait is not None:
            raise validation_problem([("query.wait", "waits for the stages named in until; name at least one")])
        order, _ = await _reached(runtime, order_id, principal, set())
        return for_reader(order_public(order), principal)
    stages = set(until)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + (wait or 0.0)
    watch = order_watch(runtime)
    while True:
        order, reached = await _reached(runtime, order_id, principal, stages)
        remaining = deadline - loop.time()
        if reached or remaining <= 0:
            break
        await watch.changed(order_id, remaining)
    return {**for_reader(order_public(order), principal), "until": sorted(stages), "reached": reached}


@router.get(
    "",
    operation_id="orders.list",
    summary="List orders, newest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(Page[OrderPublic], 404),
)
async def list_orders(
    request: Request,
    principal: Readers,
    page: PageQuery,
    merchant_id: Annotated[str | None, Query()] = None,
    status: Annotated[OrderStatus | None, Query()] = None,
    created_from: Annotated[TimestampWithOffset | None, Query(description="inclusive")] = None,
    created_to: Annotated[TimestampWithOffset | None, Query(description="exclusive")] = None,
) -> dict[str, Any]:
    """A merchant key lists only its own orders; asking for another merchant's is a 404. A
    cursor of another listing (route or filters): 422."""
    if principal.role is Role.MERCHANT:
        if merchant_id is not None:
            principal.require_merchant_access(merchant_id, "merchant", merchant_id)
        merchant_id = principal.merchant_id
    after = page.after(datetime, str)
    runtime = request.app.state.runtime
    async with _reads(runtime) as session:
        orders = await OrderRepository(session, runtime.personal_data).list(
            merchant_id=merchant_id,
            status=status.value if status else None,
            created_from=created_from,
            created_to=created_to,
            after=after,
            limit=page.limit + 1,
        )
    shown, next_cursor = page.page(orders, lambda order: (order.placed_at, order.order_id))
    return page_body([for_reader(order_public(order), principal) for order in shown], next_cursor)


@router.post(
    "/{order_id}/shipping-info/confirm",
    operation_id="shipping_info.confirm",
    summary="Confirm shipping information (核对发货信息)",
    **answers(OrderPublic, 404, 409),
)
async def confirm_shipping_info(
    order_id: OrderIdPath,
    body: ConfirmShippingRequest,
    request: Request,
    principal: PlatformOrMerchant,
) -> dict[str, Any]:
    """Checks the consignee's mobile (mainland 11 digits, else E.164) and address, and that each
    line's quantity and spec (规格) match the order. Dispatch is refused until this is done."""
    runtime = request.app.state.runtime
    items = [ShippingCheckItem(item.line_id, item.quantity, item.spec) for item in body.items]
    order = await service.confirm_shipping(
        OrderStatements(runtime.lane, runtime.personal_data),
        order_id,
        items,
        body.consignee.to_domain() if body.consignee else None,
        by=_actor(principal),
        now=runtime.clock.now(),
        merchant_scope=principal.merchant_scope,
    )
    return for_reader(order_public(order), principal)


@router.patch(
    "/{order_id}/shipping-info",
    operation_id="shipping_info.correct",
    summary="Correct shipping information before dispatch",
    **answers(OrderPublic, 404, 409),
)
async def correct_shipping_info(
    order_id: OrderIdPath,
    body: CorrectShippingRequest,
    request: Request,
    principal: PlatformOrMerchant,
) -> dict[str, Any]:
    """Allowed until the first parcel is dispatched; recorded with who and when. After
    dispatch: 409 already-dispatched."""
    runtime = request.app.state.runtime
    order = await service.correct_shipping(
        OrderStatements(runtime.lane, runtime.personal_data),
        order_id,
        body.consignee.to_domain(),
        body.reason,
        by=_actor(principal),
        now=runtime.clock.now(),
        merchant_scope=principal.merchant_scope,
    )
    return for_reader(order_public(order), principal)


@router.get(
    "/{order_id}/shipping-info/history",
    operation_id="shipping_info.history",
    summary="Who confirmed or corrected shipping info, and when (oldest first, with a cursor)",
    openapi_extra=PAGINATED,
    **answers(Page[ShippingChangePublic], 404),
)
async def shipping_history(
    order_id: OrderIdPath, request: Request, principal: Readers, page: PageQuery
) -> dict[str, Any]:
    """Another merchant's or an unknown order: 404; a cursor of another listing: 422."""
    after = page.after(int)
    runtime = request.app.state.runtime
    async with _reads(runtime) as session:
        repository = OrderRepository(session, runtime.personal_data)
        order = await repository.get(order_id)
        if order is None:
            raise NotFound("order", order_id)
        principal.require_merchant_access(order.merchant_id, "order", order_id)
        changes = await repository.shipping_changes(order_id, after=after, limit=page.limit + 1)
    shown, next_cursor = page.page(changes, lambda change: (change.id,))
    return page_body(
        [
            {
                "change": change.change,
                "changed_by": change.changed_by,
                "changed_at": change.changed_at.isoformat(),
                "reason": change.reason,
                "before": consignee_for(change.before, principal, order.status),
                "after": consignee_for(change.after, principal, order.status),
            }
            for change in shown
        ],
        next_cursor,
    )


@router.post(
    "/{order_id}/cancel",
    operation_id="orders.cancel",
    summary="Cancel before dispatch (a full refund follows)",
    **answers(OrderPublic, 404, 409),
)
async def cancel_order(
    order_id: OrderIdPath,
    body: CancelRequest,
    request: Request,
    response: Response,
    principal: PlatformOrMerchant,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict[str, Any]:
    """Emits OrderCancelled, which refund-svc turns into a full refund. After dispatch: 409
    (request a refund or return instead). Idempotent with an Idempotency-Key."""
    runtime = request.app.state.runtime

    async def cancel(session: Any) -> tuple[int, dict[str, Any]]:
        order = await service.cancel_order(
            session,
            runtime.personal_data,
            order_id,
            body.reason,
            by=_actor(principal),
            now=runtime.clock.now(),
            merchant_scope=principal.merchant_scope,
        )
        await audit.record(
            session, principal, "orders.cancel", "order", order_id, at=runtime.clock.now(), reason=body.reason
        )
        key = await runtime.personal_data.key_for(buyer_subject(order.buyer_ref))
        return 200, sealed_answer(key, order_public(order))

    status, answer = await run_idempotent(
        runtime.sessions,
        principal,
        idempotency_key,
        request_hash("POST", f"/v1/orders/{order_id}/cancel", body.model_dump(mode="json")),
        cancel,
    )
    response.status_code = status
    return for_reader(await opened_answer(runtime.personal_data, answer), principal)


@router.get(
    "/{order_id}/timeline",
    operation_id="orders.timeline",
    summary="The order's whole life, for customer service (客服), oldest first, with a cursor",
    openapi_extra=PAGINATED,
    **answers(OrderTimelinePage, 404),
)
async def order_timeline(
    order_id: OrderIdPath, request: Request, principal: Readers, page: PageQuery
) -> dict[str, Any]:
    """Another merchant's or an unknown order: 404; a cursor of another listing: 422."""
    after = page.after(datetime, str)
    runtime = request.app.state.runtime
    async with snapshot(runtime.sessions) as session:
        repository = OrderRepository(session, runtime.personal_data)
        order = await repository.get(order_id)
        if order is None:
            raise NotFound("order", order_id)
        principal.require_merchant_access(order.merchant_id, "order", order_id)
        entries = await repository.timeline(order_id, after=after, limit=page.limit + 1)
    shown, next_cursor = page.page(entries, lambda entry: (entry.occurred_at, entry.event_id))
    return page_body(
        [
            {
                "occurred_at": entry.occurred_at.isoformat(),
                "event_type": entry.event_type,
                "producer": entry.producer,
                "summary": entry.summary,
                "event_id": entry.event_id,
                "details": entry.details,
            }
            for entry in shown
        ],
        next_cursor,
        order_id=order_id,
        status=order.status.value,
    )

"""HTTP: placing, listing and cancelling orders. Parse the edge formats (decimal strings, rates),
call the service layer, shape the answer. The service layer's refusals (OrderRuleViolation,
PricingError) are answered by shipsettle_shared.problems, in one place for every service. Shipping
information: http_shipping_info.py; an order read (long-poll) and its timeline: http_order_watch.py."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import Field

from order_svc.adapters.personal_data import opened_answer, sealed_answer
from order_svc.adapters.repository import OrderRepository
from order_svc.adapters.unit_of_work import SqlOrderUnitOfWork
from order_svc.domain.orders import OrderStatus, Payment
from order_svc.domain.pricing import CouponInput, CouponKind, Funder, LineInput
from order_svc.entrypoints.http_common import (
    ConsigneeRequest,
    Strict,
    actor,
    autocommit_reads,
    for_reader,
    order_for_reader,
    order_public,
    statements,
)
from order_svc.entrypoints.http_models import OrderPublic
from order_svc.service_layer import orders as service
from order_svc.service_layer.orders import IdempotentRequest, PlacedLine, PlaceOrder
from shipsettle_shared import audit
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import PlatformOrMerchant, Principal, Readers, require_roles
from shipsettle_shared.clock import TimestampWithOffset
from shipsettle_shared.contracts import Role
from shipsettle_shared.data_keys import buyer_subject
from shipsettle_shared.idempotency import check_key, request_hash, run_idempotent
from shipsettle_shared.identifiers import Identifier, IdPath
from shipsettle_shared.money import CURRENCY_EXPONENTS, InvalidAmountError, Money
from shipsettle_shared.pagination import PAGINATED, Page, PageQuery, page_body
from shipsettle_shared.problems import validation_problem

router = APIRouter(prefix="/v1/orders", tags=["orders"])

# Stated maxima: a unit price above ¥1,000,000.00 or a quantity above 10,000 is refused as a
# probable data error rather than settled.
MAX_UNIT_PRICE_MINOR = 100_000_000
MAX_QUANTITY = 10_000
VAT_RATES_BP = {"0.13": 1300, "0.09": 900, "0.06": 600, "0": 0, "0.00": 0}

Decimal2 = Annotated[
    str, Field(pattern=r"^(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$", description="decimal string, e.g. '12.34'")
]


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
        statements(runtime),
        command,
        idempotent,
        lambda order: (201, sealed_answer(key, order_public(order))),
        now=runtime.clock.now(),
    )
    response.status_code = status
    return for_reader(await opened_answer(runtime.personal_data, answer), principal)


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
    async with autocommit_reads(runtime) as session:
        orders = await OrderRepository(session, runtime.personal_data).list(
            merchant_id=merchant_id,
            status=status.value if status else None,
            created_from=created_from,
            created_to=created_to,
            after=after,
            limit=page.limit + 1,
        )
    shown, next_cursor = page.page(orders, lambda order: (order.placed_at, order.order_id))
    return page_body([order_for_reader(order, principal) for order in shown], next_cursor)


@router.post(
    "/{order_id}/cancel",
    operation_id="orders.cancel",
    summary="Cancel before dispatch (a full refund follows)",
    **answers(OrderPublic, 404, 409),
)
async def cancel_order(
    order_id: IdPath,
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
            SqlOrderUnitOfWork(session, runtime.personal_data),
            order_id,
            body.reason,
            by=actor(principal),
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

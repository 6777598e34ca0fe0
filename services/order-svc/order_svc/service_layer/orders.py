"""Order use cases: one function per command.

Each state change writes its event to the outbox in the same transaction (never publishes). The
hot commands (placement, shipping confirmation) write through OrderStatements, one autocommitted
statement each; the others run inside the caller's transaction, through its unit of work
(service_layer/unit_of_work.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from order_svc.adapters.order_statements import LoadedOrder, PlacementRefused
from order_svc.domain.orders import Actor, Consignee, Order, OrderLine, OrderRuleViolation, Payment, ShippingCheckItem
from order_svc.domain.pricing import CouponInput, LineInput, PaymentMismatch, check_payment, price_order
from order_svc.service_layer.unit_of_work import OrderStatements, OrderUnitOfWork
from shipsettle_shared import contracts
from shipsettle_shared.consignee_transit import seal_consignee
from shipsettle_shared.domain_errors import Refusal, not_found_message
from shipsettle_shared.idempotency import answer_of_used_key
from shipsettle_shared.messaging.events import Received
from shipsettle_shared.outbox import stage_event

PRODUCER = "order-svc"


class OrderNotFound(OrderRuleViolation):
    """No such order (or not the caller's to see)."""

    def __init__(self, order_id: str) -> None:
        super().__init__(Refusal.NOT_FOUND, "not-found", not_found_message("order", order_id))
        self.order_id = order_id


class OrderAlreadyExists(OrderRuleViolation):
    def __init__(self, order_id: str) -> None:
        super().__init__(
            Refusal.CONFLICT, "order-exists", f"order {order_id!r} (or its payment transaction) already exists"
        )


class PaymentDoesNotMatch(OrderRuleViolation):
    """结算金额不符: the payment posted differs from what ShipSettle computes. The refusal carries
    the figures to find why: the computed and paid amounts, the coupons likely at fault, and the
    order as ShipSettle priced it, line by line."""

    def __init__(self, mismatch: PaymentMismatch, order: Order) -> None:
        difference = mismatch.difference_minor
        direction = "more" if difference > 0 else "less"
        named = f" Likely cause: {mismatch.suspects[0].explanation}." if mismatch.suspects else ""
        priced = order.priced
        super().__init__(
            Refusal.RULE,
            "payment-mismatch",
            f"The payment of {mismatch.paid_minor} fen is {abs(difference)} fen {direction} than the "
            f"{mismatch.computed_payable_minor} fen ShipSettle computes.{named}",
            errors=[{"field": "payment.amount", "message": f"expected {mismatch.computed_payable_minor} fen"}],
            extensions={
                "computed_payable_minor": mismatch.computed_payable_minor,
                "paid_minor": mismatch.paid_minor,
                "difference_minor": difference,
                "suspects": [{"coupon_id": s.coupon_id, "explanation": s.explanation} for s in mismatch.suspects],
                "lines": [
                    {
                        "line_id": line.line_id,
                        "line_amount_minor": line.line_amount_minor,
                        "discounts_by_coupon_minor": line.discounts_by_coupon_minor,
                        "paid_amount_minor": line.paid_amount_minor,
                    }
                    for line in priced.lines
                ],
                "coupons": [
                    {
                        "coupon_id": coupon.coupon_id,
                        "funded_by": coupon.funded_by.value,
                        "base_minor": coupon.base_minor,
                        "discount_minor": coupon.discount_minor,
                    }
                    for coupon in priced.coupons
                ],
                "shipping_fee_minor": priced.shipping_fee_minor,
            },
        )
        self.mismatch = mismatch
        self.order = order


@dataclass(frozen=True)
class PlacedLine:
    pricing: LineInput
    name: str
    spec: str


@dataclass(frozen=True)
class PlaceOrder:
    order_id: str
    merchant_id: str
    buyer_ref: str
    currency: str
    lines: list[PlacedLine]
    coupons: list[CouponInput]
    shipping_fee_minor: int
    consignee: Consignee
    payment: Payment


def priced_order(command: PlaceOrder, *, now: datetime) -> Order:
    """The order as ShipSettle prices it, once its payment is checked. Raises PricingError,
    PaymentDoesNotMatch."""
    priced = price_order([line.pricing for line in command.lines], command.coupons, command.shipping_fee_minor)
    order = Order(
        order_id=command.order_id,
        merchant_id=command.merchant_id,
        buyer_ref=command.buyer_ref,
        currency=command.currency,
        lines=tuple(
            OrderLine(
                line_id=line.pricing.line_id,
                sku=line.pricing.sku,
                name=line.name,
                spec=line.spec,
                quantity=line.pricing.quantity,
                category=line.pricing.category,
            )
            for line in command.lines
        ),
        priced=priced,
        consignee=command.consignee,
        payment=command.payment,
        placed_at=now,
    )
    mismatch = check_payment(priced, command.payment.amount_minor)
    if mismatch is not None:
        raise PaymentDoesNotMatch(mismatch, order)
    return order


@dataclass(frozen=True)
class IdempotentRequest:
    """Who asked, with which Idempotency-Key, and the hash of the request."""

    principal_key_id: str
    key: str
    fingerprint: str


async def place_order(
    statements: OrderStatements,
    command: PlaceOrder,
    request: IdempotentRequest,
    answer: Callable[[Order], tuple[int, dict[str, Any]]],
    *,
    now: datetime,
) -> tuple[int, dict[str, Any]]:
    """Price, check the payment, then store the order, the request's ``answer`` under its key and
    OrderPlaced in one statement; returns the answer. A key used before answers as it did then.
    Raises PricingError, PaymentDoesNotMatch, OrderAlreadyExists, and Conflict (the key used
    before with another request)."""
    order = priced_order(command, now=now)
    status, body = answer(order)
    announcement = stage_event(order_placed(order), producer=PRODUCER, occurred_at=now)
    try:
        await statements.place(
            order,
            announcement,
            principal_key_id=request.principal_key_id,
            idempotency_key=request.key,
            request_hash=request.fingerprint,
            answer=(status, body),
        )
    except PlacementRefused as refused:
        # The key first: a duplicate of a committed request gets its answer, even though its
        # order id is (of course) taken too; a free key means the order or payment is taken.
        used = await statements.used_key(request.principal_key_id, request.key)
        if used is None:
            raise OrderAlreadyExists(command.order_id) from refused
        return answer_of_used_key(used.request_hash, used.response_status, used.response_body, request.fingerprint)
    return status, body


# A change of shipping information reads the order, decides, and writes only if the order is
# still as read; a write that lost a race to another change reads again, at most this often.
MAX_OPTIMISTIC_ATTEMPTS = 20


class ConcurrentChange(OrderRuleViolation):
    """The order kept changing under a command (MAX_OPTIMISTIC_ATTEMPTS lost races): sent again,
    it reads the order anew."""

    def __init__(self, order_id: str) -> None:
        super().__init__(
            Refusal.CONFLICT,
            "concurrent-change",
            f"order {order_id!r} kept changing under this command; send it again",
        )


async def confirm_shipping(
    statements: OrderStatements,
    order_id: str,
    items: list[ShippingCheckItem],
    consignee: Consignee | None,
    *,
    by: Actor,
    now: datetime,
    merchant_scope: str | None,
) -> Order:
    """核对发货信息: two round trips (the order read, then order, shipping change and event written
    in one statement if the order is unchanged). Raises OrderNotFound, InvalidShippingInfo,
    OrderRuleViolation, ConcurrentChange."""
    for _ in range(MAX_OPTIMISTIC_ATTEMPTS):
        loaded = await _load_scoped_version(statements, order_id, merchant_scope)
        order = loaded.order
        confirmed = order.confirm_shipping(items, consignee, by, now)
        announcement = stage_event(
            contracts.ShippingInfoConfirmed(
                order_id=order_id,
                merchant_id=order.merchant_id,
                buyer_ref=order.buyer_ref,
                consignee_sealed=seal_consignee(statements.kms, order_id, asdict(confirmed.consignee)),
                items=[contracts.ShippingItem(line_id=i.line_id, quantity=i.quantity, spec=i.spec) for i in items],
                confirmed_by=str(by),
                confirmed_at=now,
            ),
            producer=PRODUCER,
            occurred_at=now,
        )
        if await statements.change_shipping(
            loaded, confirmed, change="confirmed", changed_by=str(by), reason="", announcement=announcement
        ):
            return confirmed
    raise ConcurrentChange(order_id)


async def correct_shipping(
    statements: OrderStatements,
    order_id: str,
    consignee: Consignee,
    reason: str,
    *,
    by: Actor,
    now: datetime,
    merchant_scope: str | None,
) -> Order:
    """Correct the consignee before dispatch, as confirm_shipping writes. Raises OrderNotFound,
    InvalidShippingInfo, OrderRuleViolation (already dispatched, cancelled, nothing to correct),
    ConcurrentChange."""
    for _ in range(MAX_OPTIMISTIC_ATTEMPTS):
        loaded = await _load_scoped_version(statements, order_id, merchant_scope)
        order = loaded.order
        corrected, changed = order.correct_shipping(consignee)
        announcement = stage_event(
            contracts.ShippingInfoCorrected(
                order_id=order_id,
                merchant_id=order.merchant_id,
                buyer_ref=order.buyer_ref,
                consignee_sealed=seal_consignee(statements.kms, order_id, asdict(consignee)),
                changed_fields=changed,
                reason=reason,
                corrected_by=str(by),
                corrected_at=now,
            ),
            producer=PRODUCER,
            occurred_at=now,
        )
        if await statements.change_shipping(
            loaded, corrected, change="corrected", changed_by=str(by), reason=reason, announcement=announcement
        ):
            return corrected
    raise ConcurrentChange(order_id)


async def cancel_order(
    uow: OrderUnitOfWork,
    order_id: str,
    reason: str,
    *,
    by: Actor,
    now: datetime,
    merchant_scope: str | None,
) -> Order:
    """Cancel before dispatch; refund-svc refunds the whole payment. Raises OrderNotFound,
    OrderRuleViolation."""
    order = await _load_scoped(uow, order_id, merchant_scope)
    cancelled = order.cancel(now)
    await uow.orders.save(order, cancelled, now)
    await uow.add_event(
        contracts.OrderCancelled(
            order_id=order_id,
            merchant_id=order.merchant_id,
            currency=order.currency,
            refund_minor=order.payment.amount_minor,
            reason=reason,
            cancelled_by=str(by),
            cancelled_at=now,
        ),
        occurred_at=now,
    )
    return cancelled


async def record_dispatches(
    uow: OrderUnitOfWork, dispatches: Sequence[Received[contracts.ShipmentDispatched]], *, now: datetime
) -> None:
    """From logistics: orders (or parts of them) left their merchants, in the order given. Once
    recorded, an order's shipping information is final. The orders are locked and read in one
    statement and written in one. Raises OrderNotFound for an order unknown
    here, a contract violation: logistics dispatches only confirmed orders it learned from us."""
    events = [dispatch.payload for dispatch in dispatches]
    loaded = await uow.orders.get_many_for_update([event.order_id for event in events])
    current = dict(loaded)
    for event in events:
        order = current.get(event.order_id)
        if order is None:
            raise OrderNotFound(event.order_id)
        current[event.order_id] = order.record_dispatch({line.line_id: line.quantity for line in event.lines})
    await uow.orders.save_dispatch_progress(list(current.values()), now)


async def _load_scoped_version(statements: OrderStatements, order_id: str, merchant_scope: str | None) -> LoadedOrder:
    loaded = await statements.load(order_id)
    if loaded is None or (merchant_scope is not None and loaded.order.merchant_id != merchant_scope):
        raise OrderNotFound(order_id)
    return loaded


async def _load_scoped(uow: OrderUnitOfWork, order_id: str, merchant_scope: str | None) -> Order:
    order = await uow.orders.get(order_id, for_update=True)
    if order is None or (merchant_scope is not None and order.merchant_id != merchant_scope):
        raise OrderNotFound(order_id)
    return order


def order_placed(order: Order) -> contracts.OrderPlaced:
    priced = order.priced
    names = {line.line_id: line for line in order.lines}
    return contracts.OrderPlaced(
        order_id=order.order_id,
        merchant_id=order.merchant_id,
        buyer_ref=order.buyer_ref,
        currency=order.currency,
        placed_at=order.placed_at,
        lines=[
            contracts.PricedLine(
                line_id=line.line_id,
                sku=line.sku,
                name=names[line.line_id].name,
                spec=names[line.line_id].spec,
                category=line.category,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                vat_rate_bp=line.vat_rate_bp,
                line_amount_minor=line.line_amount_minor,
                merchant_discount_minor=line.merchant_discount_minor,
                platform_discount_minor=line.platform_discount_minor,
                paid_amount_minor=line.paid_amount_minor,
                sales_amount_minor=line.sales_amount_minor,
                vat_minor=line.vat_minor,
                commission_base_minor=line.commission_base_minor,
            )
            for line in priced.lines
        ],
        coupons=[
            contracts.AppliedCoupon(
                coupon_id=coupon.coupon_id,
                kind=coupon.kind.value,
                funded_by=coupon.funded_by.value,
                discount_minor=coupon.discount_minor,
                allocation_minor=coupon.allocation_minor,
            )
            for coupon in priced.coupons
        ],
        goods_total_minor=priced.goods_total_minor,
        merchant_discount_minor=priced.merchant_discount_minor,
        platform_discount_minor=priced.platform_discount_minor,
        shipping_fee_minor=priced.shipping_fee_minor,
        payable_minor=priced.payable_minor,
        vat_minor=priced.vat_minor,
        payment=contracts.PaymentCollected(
            channel=order.payment.channel,
            transaction_id=order.payment.transaction_id,
            amount_minor=order.payment.amount_minor,
            paid_at=order.payment.paid_at,
        ),
    )

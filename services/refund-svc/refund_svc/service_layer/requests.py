"""Refund requests: the quote a buyer and a merchant see first, and the request that opens a
refund. The same rules and amounts for both (domain/refund_orders.py, domain/amounts.py).

A request is judged under its order's row lock, so two racing requests are judged one after the
other against the units left; the refund, the units it holds, its history, RefundRequested
(settlement freezes the amount, logistics pauses auto-confirm) and the merchant's deadline are
written in one transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from refund_svc.domain.amounts import RefundQuote
from refund_svc.domain.errors import not_found
from refund_svc.domain.refund import Refund
from refund_svc.domain.refund_orders import RefundOrder, RequestRefund, Rules
from refund_svc.service_layer.unit_of_work import RefundUnitOfWork, keep_new

__all__ = ["RequestRefund", "quote_refund", "request_refund"]  # the command, with its use cases


async def quote_refund(
    uow: RefundUnitOfWork, command: RequestRefund, *, now: datetime, rules: Rules, merchant_scope: str | None
) -> tuple[RefundOrder, RefundQuote]:
    """The amounts a request would refund, after every rule; changes nothing. Raises
    RefundRuleViolation: not found (an order refunds do not know, or another merchant's), or a
    rule's refusal (``RefundOrder.quote``)."""
    order = await uow.refunds.order(command.order_id)
    if order is None or (merchant_scope is not None and order.merchant_id != merchant_scope):
        raise not_found()
    return order, order.quote(command, now=now, rules=rules)


async def request_refund(
    uow: RefundUnitOfWork, command: RequestRefund, *, now: datetime, rules: Rules, merchant_scope: str | None
) -> Refund:
    """Open a refund, waiting for the merchant's answer until its deadline. Raises what
    ``quote_refund`` raises."""
    if await uow.refunds.order(command.order_id, for_update=True) is None:
        raise not_found()
    order, amounts = await quote_refund(uow, command, now=now, rules=rules, merchant_scope=merchant_scope)
    refund_id = f"RF-{uuid.uuid4().hex[:16]}"
    refund = Refund.requested(order, amounts, command, refund_id=refund_id, now=now, deadlines=rules.deadlines)
    keep_new(uow, order, refund)
    await uow.flush()
    return refund

"""The bodies refund-svc's routes answer, built from the domain as http_models.py documents them,
the rules every route judges by (the running service's settings), and how a route moves a refund."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request

from refund_svc.adapters.unit_of_work import SqlRefundUnitOfWork
from refund_svc.domain.amounts import RefundQuote
from refund_svc.domain.refund import HistoryEntry, Refund
from refund_svc.domain.refund_orders import Rules
from refund_svc.domain.workflow import breaching
from refund_svc.entrypoints.consumers import rules_of
from refund_svc.service_layer.decisions import MoveUseCase
from refund_svc.service_layer.unit_of_work import Caller
from shipsettle_shared import audit
from shipsettle_shared.auth import Principal
from shipsettle_shared.db import unit_of_work
from shipsettle_shared.money import Money


def rules(request: Request) -> Rules:
    return rules_of(request.app.state.runtime.settings)


async def moved(
    request: Request,
    principal: Principal,
    refund_id: str,
    use_case: MoveUseCase,
    *,
    action: str,
    reason: str | None = None,
) -> dict[str, Any]:
    """The refund as ``use_case`` moved it for ``principal``, committed (a refusal rolls back and
    answers its problem). Every move is in the audit log (audit.py), in its own transaction: the
    key and role, ``action`` (the route's operation id), the refund's status before and after,
    and the caller's ``reason``."""
    runtime = request.app.state.runtime
    now = runtime.clock.now()
    caller = Caller(principal.key_id, principal.merchant_scope)
    async with unit_of_work(runtime.sessions) as session:
        uow = SqlRefundUnitOfWork(session)
        refund = await use_case(uow, refund_id, caller, now, rules(request))
        await audit.record(
            session,
            principal,
            action,
            "refund",
            refund_id,
            at=now,
            before={"status": uow.refunds.status_as_read(refund_id)},
            after={"status": refund.status.value, "outcome": refund.outcome},
            reason=reason,
        )
    return refund_view(refund, now)


def quote_view(amounts: RefundQuote, currency: str) -> dict[str, Any]:
    return {
        "currency": currency,
        "lines": [
            {
                "line_id": line.line_id,
                "units": line.units,
                "paid_minor": line.paid_minor,
                "platform_subsidy_reversed_minor": line.subsidy_minor,
                "commission_base_reversed_minor": line.commission_base_minor,
            }
            for line in amounts.lines
        ],
        "goods_minor": amounts.goods_minor,
        "shipping_minor": amounts.shipping_minor,
        "refund_minor": amounts.refund_minor,
        "refund": Money(amounts.refund_minor, currency).to_decimal_string(),
        "platform_subsidy_reversed_minor": amounts.subsidy_reversed_minor,
        "commission_base_reversed_minor": amounts.commission_base_minor,
        "merchant_charge_before_commission_minor": amounts.merchant_charge_minor,
        "explanation": (
            f"buyer gets {amounts.goods_minor} for the goods + {amounts.shipping_minor} shipping; the merchant gives "
            f"back that and the platform's subsidy of {amounts.subsidy_reversed_minor} on those units, and gets back "
            f"the commission charged on {amounts.commission_base_minor} at the rate settlement booked"
        ),
    }


def _seconds_left(deadline_at: datetime | None, now: datetime) -> int | None:
    return int((deadline_at - now).total_seconds()) if deadline_at else None


def refund_view(refund: Refund, now: datetime, history: list[HistoryEntry] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "refund_id": refund.refund_id,
        "order_id": refund.order_id,
        "merchant_id": refund.merchant_id,
        "kind": refund.kind.value,
        "reason_code": refund.reason_code.value,
        "reason": refund.reason,
        "status": refund.status.value,
        "outcome": refund.outcome,
        "amounts": quote_view(refund.amounts, refund.currency),
        "requested_at": refund.requested_at.isoformat(),
        "waiting_for": refund.waiting_for,
        "deadline_at": refund.deadline_at.isoformat() if refund.deadline_at else None,
        "seconds_left": _seconds_left(refund.deadline_at, now),
        "approved_how": refund.approved_how,
        "rejection_reason": refund.rejection_reason,
        "return_shipment": (
            {
                "return_shipment_id": refund.return_shipment_id,
                "carrier_code": refund.return_carrier_code,
                "tracking_number": refund.return_tracking_number,
            }
            if refund.return_shipment_id
            else None
        ),
        "inspection": refund.inspection,
        "attempt": refund.attempt,
        "provider_reference": refund.provider_reference,
        "failure_reason": refund.failure_reason,
        "failure_permanent": refund.failure_permanent,
        "beneficiary_channel": refund.beneficiary_channel,
        "balance_credit": refund.balance_credit,
        "refunded_via": refund.refunded_via.value if refund.refunded_via else None,
        "resolution": refund.resolution,
        "breaching": breaching(refund.status, refund.deadline_at, now),
        "closed_at": refund.closed_at.isoformat() if refund.closed_at else None,
    }
    if history is not None:
        view["history"] = [
            {
                "at": h.at.isoformat(),
                "action": h.action,
                "actor": h.actor,
                "status": h.status_after.value,
                "detail": h.detail,
            }
            for h in history
        ]
    return view


def open_refund_view(refund: Refund, now: datetime) -> dict[str, Any]:
    return {
        "refund_id": refund.refund_id,
        "order_id": refund.order_id,
        "merchant_id": refund.merchant_id,
        "status": refund.status.value,
        "waiting_for": refund.waiting_for,
        "age_seconds": int((now - refund.requested_at).total_seconds()),
        "deadline_at": refund.deadline_at.isoformat() if refund.deadline_at else None,
        "seconds_left": _seconds_left(refund.deadline_at, now),
        "refund_minor": refund.amounts.refund_minor,
        "failure_reason": refund.failure_reason,
        "breaching": breaching(refund.status, refund.deadline_at, now),
    }

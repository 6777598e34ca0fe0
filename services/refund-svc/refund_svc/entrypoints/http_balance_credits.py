"""HTTP: balance credits (余额退款) — the platform's answer to a credit refund-svc asked for, and
ops' cancellation of one the platform did not answer in time (domain/balance_credits.py)."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request

from refund_svc.entrypoints.http_bodies import BalanceCreditBody, CancelCreditBody
from refund_svc.entrypoints.http_models import RefundPublic
from refund_svc.entrypoints.http_views import moved
from refund_svc.service_layer import balance_credits
from refund_svc.service_layer.balance_credits import BalanceCreditAnswer
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import OpsPrincipal, PlatformOnly
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.problems import validation_problem

router = APIRouter(prefix="/v1", tags=["refunds"])


@router.post(
    "/refunds/{refund_id}/balance-credit",
    operation_id="balance_credits.answer",
    summary="The platform credited the buyer's balance (余额) for a refund, or declined to",
    **answers(RefundPublic, 404, 409),
)
async def balance_credit(
    refund_id: IdPath, body: BalanceCreditBody, request: Request, principal: PlatformOnly
) -> dict[str, Any]:
    """The answer to a ``refund.balance_credit_requested`` notification (a refund of an order paid
    from the platform balance: the platform owns balances, so its backend credits them). Name the
    notification's credit id, buyer and amount; ``credited`` with the platform's reference
    completes the refund (settlement books it against platform:balance_clearing); ``declined``
    with a reason fails it, for ops to settle another way. Idempotent: the same answer again
    returns the refund unchanged; another answer to an answered credit is refused with 409. Answer
    by the credit's ``answer_by``: after it ops may cancel the credit, and an answer to a cancelled
    credit is refused with 409 ``credit-cancelled`` — do not apply it (reverse it if applied).
    Platform keys only; a refund outside the caller's merchants answers 404."""
    if body.outcome == "credited" and body.credit_reference is None:
        raise validation_problem([("body.credit_reference", "a credited balance needs the platform's reference")])
    if body.outcome == "declined" and body.reason is None:
        raise validation_problem([("body.reason", "say why the credit was declined")])
    answer = BalanceCreditAnswer(
        credit_id=body.credit_id,
        buyer_ref=body.buyer_ref,
        amount_minor=body.amount_minor,
        credited=body.outcome == "credited",
        credit_reference=body.credit_reference,
        reason=body.reason,
    )
    answered = partial(balance_credits.acknowledge_balance_credit, answer=answer)
    return await moved(request, principal, refund_id, answered, action="balance_credits.answer", reason=body.reason)


@router.post(
    "/refunds/{refund_id}/balance-credit/cancel",
    operation_id="balance_credits.cancel",
    summary="Ops cancel a balance credit the platform did not answer in time",
    **answers(RefundPublic, 404, 409),
)
async def cancel_balance_credit(
    refund_id: IdPath, body: CancelCreditBody, request: Request, principal: OpsPrincipal
) -> dict[str, Any]:
    """After the credit's ``answer_by`` (409 ``credit-not-overdue`` before): the refund becomes
    refund_failed, waiting for ops to retry (a new credit id) or settle it another way
    (/resolution); the platform is notified (``refund.balance_credit_cancelled``) and any later
    acknowledgement of the credit is refused with 409 ``credit-cancelled``. If the platform's
    acknowledgement came first, the cancellation is refused (409 ``credit-already-answered``).
    Recorded with the ops key and the reason; the same cancellation again changes nothing."""

    cancelled = partial(balance_credits.cancel_balance_credit, credit_id=body.credit_id, reason=body.reason)
    return await moved(request, principal, refund_id, cancelled, action="balance_credits.cancel", reason=body.reason)

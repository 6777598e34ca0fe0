"""HTTP: merchant policies, balances, the ledger behind them, an order's settlement, and the
ledger's own checks. Every amount is an integer in fen."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from settlement_svc.adapters.repositories.ledger import LedgerRepository
from settlement_svc.adapters.repositories.policies import policy_to_json
from settlement_svc.adapters.tables import PayoutRow
from settlement_svc.adapters.unit_of_work import SqlSettlementUnitOfWork
from settlement_svc.config import SettlementSettings
from settlement_svc.domain.ledger import MerchantAccount
from settlement_svc.domain.policies import MerchantPolicy, SettlementCycle
from settlement_svc.domain.progress import EtaRules
from settlement_svc.entrypoints.http_models import (
    BalanceExplanation,
    BalancesPublic,
    LedgerCheck,
    LedgerPage,
    OrderSettlementPublic,
    PayoutExplanation,
    PolicyPublic,
    SettlementBlockers,
    SettlementEta,
    SettlementStates,
)
from settlement_svc.service_layer import eta, four_eyes_actions
from settlement_svc.service_layer.explanations import explain_balances
from settlement_svc.service_layer.payout_explanation import explain_payout
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork
from shipsettle_shared import audit, four_eyes_routes
from shipsettle_shared.api_document import answers
from shipsettle_shared.auth import OpsPrincipal, Overseers, Principal, Readers
from shipsettle_shared.db import snapshot, unit_of_work
from shipsettle_shared.idempotency import request_hash, run_idempotent
from shipsettle_shared.identifiers import IdPath
from shipsettle_shared.pagination import PAGINATED, PageQuery, bounded_list, page_body
from shipsettle_shared.problems import NotFound, Problem, validation_problem

router = APIRouter(prefix="/v1", tags=["settlement"])


class PolicyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hold_days: int = Field(7, ge=0, le=90, description="T+N: days after sign-off before funds are available")
    cycle: SettlementCycle = Field(SettlementCycle.DAILY, description="daily (T+N), weekly or monthly after the hold")
    min_payout_minor: int = Field(100, ge=0)
    reserve_bp: int = Field(0, ge=0, le=9999, description="rolling reserve, basis points of each release")
    reserve_days: int = Field(90, ge=0, le=365)
    default_commission_bp: int = Field(500, ge=0, le=9999)
    commission_bp_by_category: dict[str, Annotated[int, Field(ge=0, le=9999)]] = Field(default_factory=dict)
    auto_apply: bool = False


@router.put(
    "/merchants/{merchant_id}/policy",
    operation_id="policies.set",
    summary="Set a merchant's settlement policy (ops); applies to later sign-offs",
    **answers(PolicyPublic),
)
async def set_policy(
    merchant_id: IdPath, body: PolicyRequest, request: Request, principal: OpsPrincipal
) -> dict[str, Any]:
    """A new version, in force from now: sign-offs already booked keep their release dates."""
    runtime = request.app.state.runtime
    try:
        policy = MerchantPolicy(merchant_id=merchant_id, **body.model_dump())
    except ValueError as error:
        raise validation_problem([("body", str(error))]) from error
    async with unit_of_work(runtime.sessions) as session:
        stored = await SqlSettlementUnitOfWork(session).policies.add_policy(
            policy, by=principal.key_id, now=runtime.clock.now()
        )
        await audit.record(
            session,
            principal,
            "policies.set",
            "merchant",
            merchant_id,
            at=runtime.clock.now(),
            after={"version": stored.version, **policy_to_json(stored)},
        )
    return {"merchant_id": merchant_id, "version": stored.version, **policy_to_json(stored)}


@router.get(
    "/merchants/{merchant_id}/policy",
    operation_id="policies.read",
    summary="A merchant's policy in force now",
    **answers(PolicyPublic, 404),
)
async def read_policy(merchant_id: IdPath, request: Request, principal: Readers) -> dict[str, Any]:
    principal.require_merchant_access(merchant_id, "merchant", merchant_id)
    runtime = request.app.state.runtime
    async with snapshot(runtime.sessions) as session:
        policy = await SqlSettlementUnitOfWork(session).policies.policy(merchant_id, runtime.clock.now())
    return {"merchant_id": merchant_id, "version": policy.version, **policy_to_json(policy)}


@router.get(
    "/merchants/{merchant_id}/balances",
    operation_id="balances.read",
    summary="Pending, available, frozen, reserved, in payout, paid out, owed",
    **answers(BalancesPublic, 404),
)
async def balances(merchant_id: IdPath, request: Request, principal: Readers) -> dict[str, Any]:
    """``negative_balance`` (negative) is what the merchant owes back after a refund of money
    already paid out; the next settlement application deducts it. ``frozen_minor`` (冻结) is
    available money held against open refunds: it cannot be applied for until they end. It is
    reported beside ``balances_minor``, whose accounts are unchanged for existing clients."""
    principal.require_merchant_access(merchant_id, "merchant", merchant_id)
    async with snapshot(request.app.state.runtime.sessions) as session:
        amounts = await SqlSettlementUnitOfWork(session).ledger.merchant_balances(merchant_id)
    frozen = amounts.pop(MerchantAccount.FROZEN.value)
    return {
        "merchant_id": merchant_id,
        "currency": "CNY",
        "balances_minor": amounts,
        "frozen_minor": frozen,
        "owed_minor": -amounts[MerchantAccount.NEGATIVE_BALANCE.value],
    }


@router.get(
    "/merchants/{merchant_id}/ledger",
    operation_id="ledger.list",
    summary="Every ledger transaction of a merchant, with its postings, in posting order, with a cursor",
    openapi_extra=PAGINATED,
    **answers(LedgerPage, 404),
)
async def merchant_ledger(merchant_id: IdPath, request: Request, principal: Readers, page: PageQuery) -> dict[str, Any]:
    """``items``: whole transactions (a page never splits one's postings). Another merchant's:
    404; a cursor of another listing: 422."""
    principal.require_merchant_access(merchant_id, "merchant", merchant_id)
    after_id = next((value for value in page.after(int) or () if isinstance(value, int)), None)
    async with snapshot(request.app.state.runtime.sessions) as session:
        found = await SqlSettlementUnitOfWork(session).ledger.ledger_page(
            merchant_id, after_id=after_id, limit=page.limit + 1
        )
    shown, next_cursor = page.page(found, lambda entry: (entry[0],))
    return page_body([transaction for _, transaction in shown], next_cursor, merchant_id=merchant_id)


# The balance explanation accounts for every fen at once (its groups sum to the balances) and the
# settlement states are read at one moment (the orders agree with each other and the balances), so
# neither is paged; past this many ledger transactions of the merchant they are refused rather than
# cut (the ledger's pages and each order's settlement view carry the same postings).
BALANCE_EXPLANATION_MAX_TRANSACTIONS = 20_000


async def _refuse_a_whole_view_past_its_bound(ledger: LedgerRepository, merchant_id: str) -> None:
    """422 ``explanation-too-large`` when the merchant has more ledger transactions than a whole
    view holds."""
    count = await ledger.transaction_count(merchant_id)
    if count > BALANCE_EXPLANATION_MAX_TRANSACTIONS:
        raise Problem(
            422,
            "Explanation too large",
            f"The merchant has {count} ledger transactions, more than the "
            f"{BALANCE_EXPLANATION_MAX_TRANSACTIONS} one whole view holds; page "
            f"GET /v1/merchants/{merchant_id}/ledger instead.",
            type_slug="explanation-too-large",
        )


@router.get(
    "/merchants/{merchant_id}/balance-explanation",
    operation_id="balances.explain",
    summary="Every fen of the balances, order by order",
    openapi_extra=bounded_list(
        f"whole, so that it reconciles to the fen; refused (422 explanation-too-large) past "
        f"{BALANCE_EXPLANATION_MAX_TRANSACTIONS} ledger transactions, never cut"
    ),
    **answers(BalanceExplanation, 404),
)
async def balance_explanation(merchant_id: IdPath, request: Request, principal: Readers) -> dict[str, Any]:
    """Groups every ledger transaction of the merchant by order (transactions without an order,
    e.g. payouts, under ``not_order_specific``), each with its cause (event id), its description
    (paid, shipping, subsidy, commission, reserve...) and its effect on each merchant account.
    The per-account sums of all groups equal the balances: ``reconciles`` says so.

    ``refunds`` lists every refund movement (freeze, reversal, unfreeze) with the refund event
    that caused it; ``clawback_deductions`` every settlement application that paid back a
    negative balance, with the refund reversals (and their events) whose debt it recovered,
    first owed first recovered.

    A merchant with more than ``BALANCE_EXPLANATION_MAX_TRANSACTIONS`` ledger transactions:
    422 ``explanation-too-large`` (page the ledger instead); another merchant's: 404."""
    principal.require_merchant_access(merchant_id, "merchant", merchant_id)
    async with snapshot(request.app.state.runtime.sessions) as session:
        uow = SqlSettlementUnitOfWork(session)
        await _refuse_a_whole_view_past_its_bound(uow.ledger, merchant_id)
        balances = await uow.ledger.merchant_balances(merchant_id)
        transactions = await uow.ledger.transactions_of_merchant(merchant_id)
    return explain_balances(merchant_id, balances, transactions)


@router.get(
    "/orders/{order_id}/settlement",
    operation_id="order_settlements.read",
    summary="What an order has booked, held and released",
    **answers(OrderSettlementPublic, 404),
)
async def order_settlement(order_id: IdPath, request: Request, principal: Readers) -> dict[str, Any]:
    async with snapshot(request.app.state.runtime.sessions) as session:
        uow = SqlSettlementUnitOfWork(session)
        order = await uow.orders.order(order_id)
        if order is None:
            raise NotFound("order", order_id)
        principal.require_merchant_access(order.merchant_id, "order", order_id)
        holds = await uow.holds.holds_of_order(order_id)
        refunds = await uow.refunds.refunds_of_order(order_id)
        transactions = await uow.ledger.transactions_of_merchant(order.merchant_id, order_id=order_id)
    return {
        "order_id": order_id,
        "merchant_id": order.merchant_id,
        "lines": {
            line_id: {
                "quantity": line.quantity,
                "units_signed_off": line.units_signed_off,
                "units_refunded": line.units_refunded,
            }
            for line_id, line in order.lines.items()
        },
        "shipping_refunded_minor": order.shipping_refunded_minor,
        "commission_booked_minor": order.commission_booked_minor,
        "commission_reversed_minor": order.commission_reversed_minor,
        "holds": [
            {
                "hold_id": hold.hold_id,
                "shipment_id": hold.shipment_id,
                "amount_minor": hold.amount_minor,
                "reversed_minor": hold.reversed_minor,
                "policy_version": hold.policy_version,
                "release_at": hold.release_at.isoformat(),
                "released_at": hold.released_at.isoformat() if hold.released_at else None,
                "frozen_at": hold.frozen_at.isoformat() if hold.frozen_at else None,
            }
            for hold in holds
        ],
        "refunds": [
            {
                "refund_id": refund.refund_id,
                "status": refund.status,
                "stage": refund.stage,
                "kind": refund.kind,
                "refund_minor": refund.refund_minor,
                "estimated_reversal_minor": refund.estimated_reversal_minor,
                "frozen_minor": refund.frozen_minor,
                "reversal_minor": refund.reversal_minor,
                "clawback_minor": refund.clawback_minor,
                "outcome": refund.outcome,
            }
            for refund in refunds
        ],
        "transactions": transactions,
    }


def _eta_rules(request: Request) -> EtaRules:
    settings = request.app.state.runtime.settings
    assert isinstance(settings, SettlementSettings)
    return EtaRules(settings.auto_confirm_days, timedelta(seconds=settings.payout_batch_interval_s))


ETA_BLOCKERS = (
    "Blockers, earliest stage first: not_confirmed (shipping information not confirmed, 核对发货信息), "
    "not_dispatched, no_tracking_number (物流单号), tracking_under_review (logistics flagged the parcel for ops, "
    "e.g. delivered before it was dispatched: not signed off automatically until ops clear it), not_delivered, "
    "waiting_for_sign_off (签收 / 确认收货), "
    "refund_open, in_hold_until (with the date), application_not_submitted (结算申请), in_review (from "
    "submission until the bank's answer), payout_failed (with the reason); finished: paid_out (with the "
    "date), refunded. "
)
FIFO_RULE = (
    "Applications take the merchant's available funds, not orders: released order amounts are assigned "
    "to applications first in, first out by release time, split where an application ends inside an "
    "order's amount."
)


@router.get(
    "/orders/{order_id}/settlement-eta",
    operation_id="settlement_eta.read",
    summary="When an order's money is expected, and what is blocking it",
    description=ETA_BLOCKERS
    + "The order's money is split into segments, each with its blocker, amount (fen), expected date and "
    "the assumptions behind the date (auto-confirm after delivery, the merchant's hold and cycle, the "
    "payout batch). Amounts of units not signed off are estimates under the policy in force now. " + FIFO_RULE,
    **answers(SettlementEta, 404),
)
async def settlement_eta(order_id: IdPath, request: Request, principal: Readers) -> dict[str, Any]:
    runtime = request.app.state.runtime
    async with snapshot(runtime.sessions) as session:
        found = await eta.order_eta(
            SqlSettlementUnitOfWork(session), order_id, now=runtime.clock.now(), rules=_eta_rules(request)
        )
    if found is None:
        raise NotFound("order", order_id)
    merchant_id, answer = found
    principal.require_merchant_access(merchant_id, "order", order_id)
    return answer


@router.get(
    "/merchants/{merchant_id}/settlement-blockers",
    operation_id="settlement_blockers.list",
    summary="Why is my money late: a merchant's orders summed by blocker",
    description=ETA_BLOCKERS
    + "Per blocker: how many orders, how many fen and the earliest expected date. "
    + FIFO_RULE,
    **answers(SettlementBlockers, 404),
)
async def settlement_blockers(merchant_id: IdPath, request: Request, principal: Readers) -> dict[str, Any]:
    return await _merchant_progress(eta.merchant_blockers, merchant_id, request, principal)


@router.get(
    "/merchants/{merchant_id}/settlement-states",
    operation_id="settlement_states.list",
    summary="Every order of a merchant with its settlement state and expected date",
    description=ETA_BLOCKERS
    + "One entry per order the merchant has in settlement: its state (the earliest blocker, or paid out "
    "or refunded when nothing blocks), its blockers and when all of its money is expected. Read at one "
    "moment, so the orders agree with each other and with the balances. For one order's segments and "
    "assumptions, see the order's settlement-eta. " + FIFO_RULE,
    openapi_extra=bounded_list(
        f"whole, read at one moment; refused (422 explanation-too-large) past "
        f"{BALANCE_EXPLANATION_MAX_TRANSACTIONS} ledger transactions of the merchant, never cut"
    ),
    **answers(SettlementStates, 404),
)
async def merchant_settlement_states(merchant_id: IdPath, request: Request, principal: Readers) -> dict[str, Any]:
    return await _merchant_progress(eta.merchant_order_states, merchant_id, request, principal)


class _MerchantProgressView(Protocol):
    async def __call__(
        self, uow: SettlementUnitOfWork, merchant_id: str, *, now: datetime, rules: EtaRules
    ) -> dict[str, Any]: ...


async def _merchant_progress(
    view: _MerchantProgressView, merchant_id: str, request: Request, principal: Principal
) -> dict[str, Any]:
    """One of the merchant's progress views, read at one moment (the merchant's own, or anyone's
    for ops and the platform)."""
    principal.require_merchant_access(merchant_id, "merchant", merchant_id)
    runtime = request.app.state.runtime
    async with snapshot(runtime.sessions) as session:
        # both replay the merchant's whole ledger: the same bound as the balance explanation
        uow = SqlSettlementUnitOfWork(session)
        await _refuse_a_whole_view_past_its_bound(uow.ledger, merchant_id)
        return await view(uow, merchant_id, now=runtime.clock.now(), rules=_eta_rules(request))


@router.get(
    "/payouts/{payout_id}/explanation",
    operation_id="payouts.explain",
    summary="Every fen of a payout, order by order",
    description="The payout's application took these orders' released amounts (" + FIFO_RULE + ") Per order: "
    "paid, shipping, platform subsidy, commission, refunds, reserve withheld and released, what is still "
    "in hold or frozen, and what of the order's money is not in this payout; discounts by funder as the "
    "order was priced. Then the claw-back deduction (linked to the refunds that caused the debt). The "
    "items sum to the payout's amount exactly (``reconciles``); each names its ledger transactions and "
    "the events behind them.",
    **answers(PayoutExplanation, 404),
)
async def payout_explanation(payout_id: IdPath, request: Request, principal: Readers) -> dict[str, Any]:
    runtime = request.app.state.runtime
    async with snapshot(runtime.sessions) as session:
        payout = await session.get(PayoutRow, payout_id)
        if payout is None:
            raise NotFound("payout", payout_id)
        principal.require_merchant_access(payout.merchant_id, "payout", payout_id)
        answer = await explain_payout(SqlSettlementUnitOfWork(session), payout_id, now=runtime.clock.now())
    if answer is None:
        raise NotFound("payout", payout_id)
    return answer


class AdjustmentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_minor: int = Field(description="fen, not zero; positive credits the merchant, negative debits it")
    reason: str = Field(min_length=1, max_length=500)
    reference: str | None = Field(
        default=None, max_length=200, description="what it settles, e.g. a recon discrepancy id"
    )

    @field_validator("amount_minor")
    @classmethod
    def _moves_money(cls, amount_minor: int) -> int:
        # pydantic has no "not equal" constraint (an ne= keyword only reached the JSON schema,
        # so 0 used to be accepted and booked as a transaction that moved nothing)
        if amount_minor == 0:
            raise ValueError("an adjustment of 0 fen moves nothing")
        return amount_minor


@router.post(
    "/merchants/{merchant_id}/adjustments",
    operation_id="adjustments.book",
    status_code=202,
    response_model=four_eyes_routes.ProposalPublic,
    summary="Ops proposes a correction to a merchant's balance; a second ops key books it",
)
async def book_adjustment(
    merchant_id: IdPath,
    body: AdjustmentRequest,
    request: Request,
    response: Response,
    principal: OpsPrincipal,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict[str, Any]:
    """Four eyes, whatever the amount: this records the proposal (202) and books nothing; a
    different ops key's ``POST /v1/approvals/{approval_id}/approve`` books it, and that answer's
    ``result`` has the ``tx_key`` a recon discrepancy's resolution links to and the postings. The
    booking is one balanced ledger transaction against the platform's adjustments account; a
    debit beyond what is available becomes a negative balance, deducted from the next settlement
    application. Needs an Idempotency-Key: a retried request proposes once."""
    runtime = request.app.state.runtime

    async def propose(session: AsyncSession) -> tuple[int, dict[str, Any]]:
        now = runtime.clock.now()
        proposal = await four_eyes_actions.propose_adjustment(
            SqlSettlementUnitOfWork(session),
            merchant_id,
            body.amount_minor,
            reason=body.reason,
            reference=body.reference,
            by=principal.key_id,
            now=now,
            ttl=timedelta(seconds=runtime.settings.four_eyes_ttl_s),
        )
        await audit.record(
            session,
            principal,
            "adjustments.propose",
            "merchant",
            merchant_id,
            at=now,
            after={"approval_id": proposal.approval_id, "amount_minor": body.amount_minor, "reference": body.reference},
            reason=body.reason,
        )
        return 202, four_eyes_routes.proposal_answer(proposal, now)

    status, answer = await run_idempotent(
        runtime.sessions,
        principal,
        idempotency_key,
        request_hash("POST", f"/v1/merchants/{merchant_id}/adjustments", body.model_dump(mode="json")),
        propose,
    )
    response.status_code = status
    return answer


@router.get(
    "/ledger/check",
    operation_id="ledger.check",
    summary="The ledger's invariants, checked now (ops, auditor)",
    **answers(LedgerCheck),
)
async def ledger_check(request: Request, principal: Overseers) -> dict[str, Any]:
    async with snapshot(request.app.state.runtime.sessions) as session:
        uow = SqlSettlementUnitOfWork(session)
        unbalanced = await uow.ledger.unbalanced_transactions()
        drifted = await uow.ledger.balances_that_differ_from_postings()
        parked = await uow.parked.parked()
    return {
        "ok": not unbalanced and not drifted,
        "unbalanced_transactions": unbalanced,
        "balances_differing_from_postings": drifted,
        "parked_events": [
            {
                "order_id": row.order_id,
                "event_type": row.event_type,
                "reason": row.reason,
                "parked_at": row.parked_at.isoformat(),
            }
            for row in parked
        ],
    }

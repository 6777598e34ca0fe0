"""refund-svc's main use cases through the service layer, on an in-memory unit of work and refund
provider (refund_fakes.py): request a refund, approve or reject it, the provider paying or
failing, a balance credit answered or cancelled, a cancelled order. What each commits (the
refund, the units its order holds, history, events, timers) and what a refusal leaves: nothing.
Figures are the order's in refund_fakes.py, worked by hand there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from refund_fakes import RULES, T0, FakeProvider, FakeUnitOfWork, order

from refund_svc.domain.amounts import ReasonCode, RefundKind
from refund_svc.domain.errors import RefundRuleViolation
from refund_svc.domain.workflow import RefundStatus
from refund_svc.service_layer import balance_credits, decisions, orders, provider, requests
from refund_svc.service_layer.balance_credits import BalanceCreditAnswer
from refund_svc.service_layer.requests import RequestRefund
from refund_svc.service_layer.unit_of_work import Caller
from shipsettle_shared import contracts
from shipsettle_shared.contracts import RefundedVia
from shipsettle_shared.domain_errors import Refusal
from shipsettle_shared.provider_client import ProviderStatus

HOUR = timedelta(hours=1)
MERCHANT = Caller("key-merchant", "m-1")
OPS = Caller("key-ops", None)
PLATFORM = Caller("key-platform", None)
CALLBACK_URL = "https://refunds.example/v1/refund-callbacks"


def asking(units: dict[str, int], *, kind: RefundKind = RefundKind.REFUND_ONLY, order_id: str = "O-1") -> RequestRefund:
    return RequestRefund(order_id, kind, ReasonCode.DAMAGED, "破损", units, "key-platform")


async def opened(uow: FakeUnitOfWork, units: dict[str, int] | None = None) -> str:
    refund = await requests.request_refund(uow, asking(units or {"A": 1}), now=T0, rules=RULES, merchant_scope=None)
    uow.next_unit()
    return refund.refund_id


async def approved(uow: FakeUnitOfWork, units: dict[str, int] | None = None) -> str:
    refund_id = await opened(uow, units)
    await decisions.approve(uow, refund_id, MERCHANT, T0 + HOUR, RULES)
    uow.next_unit()
    return refund_id


def event_types(uow: FakeUnitOfWork) -> list[str]:
    return [event.event_type for event in uow.committed.events]


async def test_a_request_holds_its_units_on_the_order_and_a_second_one_for_more_than_is_left_is_refused() -> None:
    uow = FakeUnitOfWork(order())
    refund_id = await opened(uow, {"A": 2})
    refund = uow.refunds.refunds[refund_id]
    # the last two units of A: 8571 + 8572
    assert (refund.status, refund.amounts.refund_minor) == (RefundStatus.REQUESTED, 8571 + 8572)
    assert uow.refunds.orders["O-1"].refundable.taken == {"A": [1, 2]}
    assert event_types(uow) == ["RefundRequested"]
    assert [(kind, w.due_at) for (kind, _), w in uow.committed.timers.items()] == [("refund_deadline", T0 + 48 * HOUR)]
    with pytest.raises(RefundRuleViolation) as refused:
        await requests.request_refund(uow, asking({"A": 2}), now=T0, rules=RULES, merchant_scope=None)
    assert (refused.value.refusal, refused.value.code, refused.value.field) == (
        Refusal.RULE,
        "too-many-units",
        "lines.A.units",
    )
    assert "1 of 3 left to refund" in refused.value.message
    assert (len(uow.refunds.refunds), uow.committed.writes) == (1, 1)


async def test_an_order_refunds_do_not_know_or_another_merchants_is_not_found() -> None:
    uow = FakeUnitOfWork(order())
    with pytest.raises(RefundRuleViolation) as unknown:
        await requests.request_refund(uow, asking({"A": 1}, order_id="O-9"), now=T0, rules=RULES, merchant_scope=None)
    assert (unknown.value.refusal, unknown.value.message) == (
        Refusal.NOT_FOUND,
        "refund or order 'requested' does not exist",
    )
    with pytest.raises(RefundRuleViolation) as theirs:
        await requests.quote_refund(uow, asking({"A": 1}), now=T0, rules=RULES, merchant_scope="m-2")
    assert theirs.value.refusal is Refusal.NOT_FOUND
    the_order, amounts = await requests.quote_refund(uow, asking({"B": 1}), now=T0, rules=RULES, merchant_scope="m-1")
    assert (the_order.order_id, amounts.refund_minor) == ("O-1", 4285)
    assert uow.committed.writes == 0  # a quote changes nothing


async def test_the_merchant_approving_sends_the_refund_and_rejecting_it_waits_for_the_buyers_escalation() -> None:
    uow = FakeUnitOfWork(order())
    approved_id = await approved(uow)
    refund = uow.refunds.refunds[approved_id]
    assert (refund.status, refund.provider_request_id) == (RefundStatus.REFUNDING, f"{approved_id}-1")
    assert ("refund_send", f"{approved_id}-1") in uow.committed.timers
    rejected_id = await opened(uow, {"B": 1})
    with pytest.raises(RefundRuleViolation) as theirs:
        await decisions.reject(uow, rejected_id, Caller("key-x", "m-2"), T0, RULES, reason="完好")
    assert theirs.value.refusal is Refusal.NOT_FOUND
    rejected = await decisions.reject(uow, rejected_id, MERCHANT, T0 + HOUR, RULES, reason="商品完好")
    assert (rejected.status, rejected.deadline_at) == (RefundStatus.REJECTED, T0 + HOUR + timedelta(days=7))
    assert event_types(uow) == ["RefundRequested", "RefundApproved", "RefundRequested", "RefundRejected"]
    with pytest.raises(RefundRuleViolation) as again:
        await decisions.approve(uow.next_unit(), rejected_id, MERCHANT, T0, RULES)
    assert again.value.code == "wrong-status"


async def test_a_refund_closed_without_money_moving_gives_its_units_back_under_the_orders_lock() -> None:
    uow = FakeUnitOfWork(order())
    refund_id = await opened(uow, {"A": 3})
    assert uow.refunds.orders["O-1"].refundable.taken == {"A": [0, 1, 2]}
    await decisions.withdraw(uow, refund_id, PLATFORM, T0, RULES, reason="不要了")
    assert uow.refunds.locked_orders == ["O-1"]
    assert uow.refunds.orders["O-1"].refundable.taken == {"A": []}
    assert uow.refunds.refunds[refund_id].outcome == "withdrawn"
    assert event_types(uow)[-1] == "RefundClosed"


async def test_the_provider_paying_completes_the_refund() -> None:
    uow = FakeUnitOfWork(order())
    refund_id = await approved(uow)
    accepting = FakeProvider("accepted")
    await provider.send_refund(
        uow, f"{refund_id}-1", provider=accepting, callback_url=CALLBACK_URL, now=T0 + HOUR, deadlines=RULES.deadlines
    )
    (sent,) = accepting.sent
    assert sent == {
        "request_id": f"{refund_id}-1",
        "amount_minor": 8571,
        "currency": "CNY",
        "reference": f"ShipSettle refund {refund_id} of order O-1",
        "callback_url": CALLBACK_URL,
        "beneficiary": {"original_channel": "alipay", "original_transaction_id": "PAY-O-1"},
    }
    check = uow.committed.timers["refund_status_check", f"{refund_id}-1"]
    assert check.due_at == T0 + HOUR + timedelta(minutes=10)
    paid = ProviderStatus(f"{refund_id}-1", "paid", "P-77", None)
    assert await provider.apply_provider_outcome(uow.next_unit(), paid, now=T0 + 2 * HOUR) is True
    refund = uow.refunds.refunds[refund_id]
    assert (refund.status, refund.provider_reference, refund.refunded_via) == (
        RefundStatus.COMPLETED,
        "P-77",
        RefundedVia.ORIGINAL_CHANNEL,
    )
    completed = uow.committed.events[-1]
    assert isinstance(completed, contracts.RefundCompleted)
    assert (completed.refund_minor, completed.refunded_to_channel) == (8571, "alipay")
    # the callback's outcome called off the check for a lost callback
    assert ("refund_status_check", f"{refund_id}-1") not in uow.committed.timers
    assert uow.committed.cancelled_timers == {("refund_status_check", f"{refund_id}-1"): T0 + 2 * HOUR}
    # the same callback again, and one for a request never sent
    writes = uow.committed.writes
    assert await provider.apply_provider_outcome(uow.next_unit(), paid, now=T0 + 3 * HOUR) is True
    unknown = ProviderStatus("RF-none-1", "paid", "P-1", None)
    assert await provider.apply_provider_outcome(uow.next_unit(), unknown, now=T0 + 3 * HOUR) is False
    assert uow.committed.writes == writes


async def test_a_provider_that_holds_the_request_with_another_body_is_asked_for_its_status_never_failed() -> None:
    uow = FakeUnitOfWork(order())
    refund_id = await approved(uow)
    conflicted = FakeProvider("conflict", "paid")
    await provider.send_refund(
        uow, f"{refund_id}-1", provider=conflicted, callback_url=CALLBACK_URL, now=T0, deadlines=RULES.deadlines
    )
    assert conflicted.asked == [f"{refund_id}-1"]
    assert uow.refunds.refunds[refund_id].status is RefundStatus.COMPLETED
    # an outcome known at the send arms no check for a lost callback
    assert ("refund_status_check", f"{refund_id}-1") not in uow.committed.timers
    assert uow.committed.cancelled_timers == {}


async def test_a_provider_failure_is_retried_by_ops_as_a_new_attempt_and_a_refusal_waits_for_a_resolution() -> None:
    uow = FakeUnitOfWork(order())
    refund_id = await approved(uow)
    failing = FakeProvider("accepted", "failed", "refuse")
    await provider.send_refund(
        uow, f"{refund_id}-1", provider=failing, callback_url=CALLBACK_URL, now=T0, deadlines=RULES.deadlines
    )
    await provider.check_refund_status(uow.next_unit(), f"{refund_id}-1", provider=failing, now=T0 + HOUR)
    refund = uow.refunds.refunds[refund_id]
    assert (refund.status, refund.failure_reason, refund.failure_permanent) == (
        RefundStatus.REFUND_FAILED,
        "account closed",
        False,
    )
    await decisions.retry(uow.next_unit(), refund_id, OPS, T0 + HOUR, RULES)
    assert ("refund_send", f"{refund_id}-2") in uow.committed.timers
    await provider.send_refund(
        uow.next_unit(),
        f"{refund_id}-2",
        provider=failing,
        callback_url=CALLBACK_URL,
        now=T0,
        deadlines=RULES.deadlines,
    )
    refund = uow.refunds.refunds[refund_id]
    assert (refund.status, refund.failure_permanent) == (RefundStatus.REFUND_FAILED, True)
    with pytest.raises(RefundRuleViolation) as refused:
        await decisions.retry(uow.next_unit(), refund_id, OPS, T0, RULES)
    assert (refused.value.refusal, refused.value.code) == (Refusal.CONFLICT, "retry-cannot-fix")


async def test_a_status_check_with_no_outcome_yet_asks_again_later() -> None:
    uow = FakeUnitOfWork(order())
    refund_id = await approved(uow)
    slow = FakeProvider("accepted")
    at = T0 + 2 * HOUR
    await provider.check_refund_status(uow, f"{refund_id}-1@1", provider=slow, now=at)
    assert ("refund_status_check", f"{refund_id}-1@{int(at.timestamp())}") in uow.committed.timers
    assert uow.refunds.refunds[refund_id].status is RefundStatus.REFUNDING


async def test_a_balance_credit_is_answered_once_and_the_same_answer_again_writes_nothing() -> None:
    uow = FakeUnitOfWork(order(channel="balance"))
    refund_id = await approved(uow)
    refund = uow.refunds.refunds[refund_id]
    assert refund.balance_credit is not None
    credit_id = refund.balance_credit["credit_id"]
    answer = BalanceCreditAnswer(credit_id, "buyer-9", 8571, True, "BAL-1", None)
    await balance_credits.acknowledge_balance_credit(uow.next_unit(), refund_id, PLATFORM, T0, RULES, answer=answer)
    assert uow.refunds.refunds[refund_id].refunded_via is RefundedVia.PLATFORM_BALANCE
    writes = uow.committed.writes
    again = await balance_credits.acknowledge_balance_credit(
        uow.next_unit(), refund_id, PLATFORM, T0 + HOUR, RULES, answer=answer
    )
    assert again.status is RefundStatus.COMPLETED
    assert uow.committed.writes == writes
    other_answer = BalanceCreditAnswer(credit_id, "buyer-9", 8571, True, "BAL-2", None)
    with pytest.raises(RefundRuleViolation) as other:
        await balance_credits.acknowledge_balance_credit(
            uow.next_unit(), refund_id, PLATFORM, T0, RULES, answer=other_answer
        )
    assert (other.value.refusal, other.value.code) == (Refusal.CONFLICT, "credit-already-answered")


async def test_ops_cancel_an_overdue_credit_and_the_platforms_late_answer_is_refused() -> None:
    uow = FakeUnitOfWork(order(channel="balance"))
    refund_id = await approved(uow)
    credit_id = f"{refund_id}-1"
    due = T0 + HOUR + 24 * HOUR
    with pytest.raises(RefundRuleViolation) as early:
        await balance_credits.cancel_balance_credit(
            uow.next_unit(), refund_id, OPS, due - HOUR, RULES, credit_id=credit_id, reason="等不及"
        )
    assert early.value.code == "credit-not-overdue"
    await decisions.deadline_passed(
        uow.next_unit(), refund_id, status="refunding", credit_id=credit_id, now=due, rules=RULES
    )
    await balance_credits.cancel_balance_credit(
        uow.next_unit(), refund_id, OPS, due, RULES, credit_id=credit_id, reason="平台未答复"
    )
    assert event_types(uow)[-2:] == ["BalanceCreditRequested", "BalanceCreditCancelled"]
    assert uow.refunds.refunds[refund_id].status is RefundStatus.REFUND_FAILED
    late = BalanceCreditAnswer(credit_id, "buyer-9", 8571, True, "BAL-1", None)
    with pytest.raises(RefundRuleViolation) as refused:
        await balance_credits.acknowledge_balance_credit(uow.next_unit(), refund_id, PLATFORM, due, RULES, answer=late)
    assert (refused.value.refusal, refused.value.code) == (Refusal.CONFLICT, "credit-cancelled")


async def test_a_cancelled_order_is_refunded_whole_at_once_and_an_unknown_one_is_left_for_later() -> None:
    uow = FakeUnitOfWork(order(signed_off={}))
    cancelled = contracts.OrderCancelled(
        order_id="O-1",
        merchant_id="m-1",
        currency="CNY",
        refund_minor=31000,
        reason="买家取消",
        cancelled_by="key-platform",
        cancelled_at=T0,
    )
    assert await orders.refund_cancelled_order(uow, cancelled, now=T0, rules=RULES) is True
    await uow.flush()
    refund = uow.refunds.refunds["RF-cancel-O-1"]
    # every unit and the shipping fee: 25715 + 4285 + 1000
    assert (refund.status, refund.amounts.refund_minor) == (RefundStatus.REFUNDING, 31000)
    assert event_types(uow) == ["RefundRequested", "RefundApproved"]
    unknown = cancelled.model_copy(update={"order_id": "O-9"})
    assert await orders.refund_cancelled_order(uow.next_unit(), unknown, now=T0, rules=RULES) is False

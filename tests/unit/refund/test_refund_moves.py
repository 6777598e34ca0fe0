"""The refund aggregate's moves (domain/refund.py): the state each leaves, the events, history and
wake-ups it produces, and the moves its state refuses (which change nothing). Figures are the
order's in refund_fakes.py, worked by hand there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from refund_fakes import RULES, T0, order

from refund_svc.domain.amounts import OrderLine, ReasonCode, RefundableOrder, RefundKind
from refund_svc.domain.balance_credits import Answer
from refund_svc.domain.channels import Resolution, ResolutionKind
from refund_svc.domain.errors import RefundRuleViolation
from refund_svc.domain.refund import Effects, Refund, Timer
from refund_svc.domain.refund_orders import RefundOrder, RequestRefund
from refund_svc.domain.workflow import RefundStateError, RefundStatus
from shipsettle_shared import contracts
from shipsettle_shared.contracts import RefundedVia
from shipsettle_shared.domain_errors import Refusal

DEADLINES = RULES.deadlines
HOUR = timedelta(hours=1)


def requested(
    kind: RefundKind = RefundKind.REFUND_ONLY,
    reason: ReasonCode = ReasonCode.DAMAGED,
    units: dict[str, int] | None = None,
    on: RefundOrder | None = None,
) -> Refund:
    the_order = on or order()
    asked = RequestRefund(the_order.order_id, kind, reason, "破损", units or {"A": 1}, "key-platform")
    amounts = the_order.quote(asked, now=T0, rules=RULES)
    refund = Refund.requested(the_order, amounts, asked, refund_id="RF-1", now=T0, deadlines=DEADLINES)
    refund.effects()  # what opening produced (tested on its own)
    return refund


def asking(kind: RefundKind, reason: ReasonCode, units: dict[str, int]) -> RequestRefund:
    return RequestRefund("O-1", kind, reason, "理由", units, "key-platform")


def event_types(effects: Effects) -> list[str]:
    return [emitted.event.event_type for emitted in effects.events]


def actions(effects: Effects) -> list[str]:
    return [entry.action for entry in effects.history]


def test_a_request_freezes_its_amount_and_waits_48_hours_for_the_merchant() -> None:
    the_order = order()
    asked = RequestRefund("O-1", RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, "破损", {"A": 1}, "key-platform")
    refund = Refund.requested(
        the_order, the_order.quote(asked, now=T0, rules=RULES), asked, refund_id="RF-1", now=T0, deadlines=DEADLINES
    )
    effects = refund.effects()
    assert (refund.refund_id, refund.order_id, refund.merchant_id, refund.reason, refund.currency) == (
        "RF-1",
        "O-1",
        "m-1",
        "破损",
        "CNY",
    )
    assert (refund.kind, refund.reason_code, refund.requested_by) == (
        RefundKind.REFUND_ONLY,
        ReasonCode.DAMAGED,
        "key-platform",
    )
    # the last unit of A: 8571; a partial refund refunds no shipping
    (emitted,) = effects.events
    assert isinstance(emitted.event, contracts.RefundRequested)
    assert (emitted.event.refund_minor, emitted.event.kind, emitted.at) == (8571, "refund_only", T0)
    assert [(line.units, line.paid_minor, line.subsidy_minor) for line in emitted.event.lines] == [(1, 8571, 571)]
    assert actions(effects) == ["requested"]
    assert (refund.status, refund.waiting_for, refund.deadline_at) == (
        RefundStatus.REQUESTED,
        "merchant",
        T0 + 48 * HOUR,
    )
    (wakeup,) = effects.wakeups
    assert (wakeup.timer, wakeup.due_at) == (Timer.DEADLINE, T0 + 48 * HOUR)
    assert wakeup.payload == {"refund_id": "RF-1", "status": "requested"}
    assert refund.effects() == Effects([], [], [], gave_back_units=False)  # handed over once


def test_approving_a_refund_sends_it_to_the_provider_as_attempt_one() -> None:
    refund = requested()
    refund.approve(by="key-merchant", now=T0 + HOUR, deadlines=DEADLINES)
    effects = refund.effects()
    assert (refund.status, refund.attempt, refund.provider_request_id) == (RefundStatus.REFUNDING, 1, "RF-1-1")
    assert (refund.approved_how, refund.deadline_at, refund.waiting_for) == ("merchant", None, None)
    assert event_types(effects) == ["RefundApproved"]
    assert actions(effects) == ["approved (merchant)", "refunding"]
    assert [(w.timer, w.key, w.due_at) for w in effects.wakeups] == [(Timer.SEND, "RF-1-1", T0 + HOUR)]


def test_an_approved_return_waits_seven_days_for_the_goods() -> None:
    refund = requested(RefundKind.RETURN_AND_REFUND, ReasonCode.QUALITY)
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    assert (refund.status, refund.waiting_for, refund.deadline_at) == (
        RefundStatus.AWAITING_RETURN,
        "buyer",
        T0 + timedelta(days=7),
    )


def test_a_refund_of_an_order_paid_from_the_balance_asks_the_platform_for_a_credit_answered_within_24_hours() -> None:
    refund = requested(on=order(channel="balance"))
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    effects = refund.effects()
    assert event_types(effects) == ["RefundApproved", "BalanceCreditRequested"]
    credit_requested = effects.events[1].event
    assert isinstance(credit_requested, contracts.BalanceCreditRequested)
    assert (credit_requested.credit_id, credit_requested.buyer_ref, credit_requested.amount_minor) == (
        "RF-1-1",
        "buyer-9",
        8571,
    )
    assert (refund.waiting_for, refund.deadline_at) == ("platform", T0 + 24 * HOUR)
    (wakeup,) = effects.wakeups
    assert (wakeup.key, wakeup.due_at) == ("RF-1@refunding@RF-1-1", T0 + 24 * HOUR)
    assert wakeup.payload == {"refund_id": "RF-1", "status": "refunding", "credit_id": "RF-1-1"}


def test_a_move_the_status_does_not_allow_is_a_conflict_and_changes_nothing() -> None:
    refund = requested()
    refund.reject(reason="商品完好", by="key-merchant", now=T0, deadlines=DEADLINES)
    refund.effects()
    with pytest.raises(RefundStateError) as refused:
        refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    assert (refused.value.refusal, refused.value.code, refused.value.field) == (Refusal.CONFLICT, "wrong-status", None)
    assert refund.status is RefundStatus.REJECTED
    assert refund.effects() == Effects([], [], [], gave_back_units=False)


def test_a_rejection_can_be_escalated_within_seven_days_and_ops_upholding_it_gives_the_units_back() -> None:
    refund = requested()
    refund.reject(reason="商品完好", by="key-merchant", now=T0, deadlines=DEADLINES)
    rejected = refund.effects()
    (emitted,) = rejected.events
    assert isinstance(emitted.event, contracts.RefundRejected)
    assert emitted.event.escalate_by == T0 + timedelta(days=7)
    refund.escalate(reason="有瑕疵", by="key-platform", now=T0 + HOUR, deadlines=DEADLINES)
    assert (refund.status, refund.waiting_for, refund.deadline_at) == (RefundStatus.ESCALATED, "ops", None)
    refund.decide(approve=False, reason="照片不清", by="key-ops", now=T0 + 2 * HOUR, deadlines=DEADLINES)
    effects = refund.effects()
    assert (refund.status, refund.outcome, refund.closed_at) == (RefundStatus.CLOSED, "rejected", T0 + 2 * HOUR)
    assert event_types(effects) == ["RefundClosed"]
    assert effects.gave_back_units


def test_ops_overruling_a_failed_inspection_sends_the_money_without_asking_the_merchant_again() -> None:
    refund = requested(RefundKind.RETURN_AND_REFUND, ReasonCode.QUALITY)
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    refund.ship_back(
        carrier_code="SF", tracking_number="SF1", held_by=None, by="key-platform", now=T0, deadlines=DEADLINES
    )
    refund.return_parcel_status("delivered", tracking_number="SF1", scan_time=T0, now=T0, deadlines=DEADLINES)
    evidence = [{"name": "a.jpg", "sha256": "0" * 64}]
    refund.inspect(passed=False, reason="已使用", evidence=evidence, by="key-merchant", now=T0, deadlines=DEADLINES)
    refund.escalate(reason="未使用", by="key-platform", now=T0, deadlines=DEADLINES)
    refund.effects()
    refund.decide(approve=True, reason="照片显示未使用", by="key-ops", now=T0, deadlines=DEADLINES)
    effects = refund.effects()
    assert refund.status is RefundStatus.REFUNDING
    assert actions(effects) == ["ops_approved", "refunding"]
    assert event_types(effects) == []  # approved once already, by the merchant


def test_a_return_ships_back_under_a_number_no_other_return_holds_and_its_delivery_opens_the_inspection() -> None:
    refund = requested(RefundKind.RETURN_AND_REFUND, ReasonCode.QUALITY)
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    with pytest.raises(RefundRuleViolation) as taken:
        refund.ship_back(
            carrier_code="SF", tracking_number="SF1", held_by="RF-0", by="key-platform", now=T0, deadlines=DEADLINES
        )
    assert (taken.value.refusal, taken.value.code) == (Refusal.CONFLICT, "tracking-number-in-use")
    refund.effects()
    refund.ship_back(
        carrier_code="SF", tracking_number="SF1", held_by=None, by="key-platform", now=T0, deadlines=DEADLINES
    )
    (emitted,) = refund.effects().events
    assert isinstance(emitted.event, contracts.ReturnShipped)
    assert (emitted.event.return_shipment_id, emitted.event.lines) == (
        "RS-RF-1",
        [contracts.ShipmentLine(line_id="A", quantity=1)],
    )
    assert (refund.status, refund.waiting_for) == (RefundStatus.RETURN_IN_TRANSIT, "carrier")
    refund.return_parcel_status("in_transit", tracking_number="SF1", scan_time=T0, now=T0, deadlines=DEADLINES)
    assert refund.status is RefundStatus.RETURN_IN_TRANSIT
    refund.return_parcel_status("delivered", tracking_number="SF1", scan_time=T0, now=T0 + HOUR, deadlines=DEADLINES)
    assert actions(refund.effects()) == ["return_parcel_status", "return_delivered"]
    assert (refund.status, refund.waiting_for, refund.deadline_at) == (
        RefundStatus.AWAITING_INSPECTION,
        "merchant",
        T0 + 49 * HOUR,
    )


@pytest.mark.parametrize(
    ("reason", "evidence", "code", "field"),
    [
        (" ", [{"name": "a.jpg", "sha256": "0" * 64}], "inspection-needs-reason", "reason"),
        ("已使用", [], "inspection-needs-evidence", "evidence"),
    ],
)
def test_a_failed_inspection_needs_a_reason_and_evidence(
    reason: str, evidence: list[dict[str, str]], code: str, field: str
) -> None:
    refund = requested(RefundKind.RETURN_AND_REFUND, ReasonCode.QUALITY)
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    refund.ship_back(
        carrier_code="SF", tracking_number="SF1", held_by=None, by="key-platform", now=T0, deadlines=DEADLINES
    )
    refund.return_parcel_status("delivered", tracking_number="SF1", scan_time=T0, now=T0, deadlines=DEADLINES)
    with pytest.raises(RefundRuleViolation) as refused:
        refund.inspect(passed=False, reason=reason, evidence=evidence, by="key-merchant", now=T0, deadlines=DEADLINES)
    assert (refused.value.refusal, refused.value.code, refused.value.field) == (Refusal.RULE, code, field)
    assert refund.inspection is None


def test_the_provider_paying_completes_the_refund_and_an_outcome_of_another_attempt_changes_nothing() -> None:
    refund = requested()
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    refund.effects()
    refund.settle(request_id="RF-1-0", status="paid", provider_reference="P-0", reason=None, now=T0)
    assert refund.effects() == Effects([], [], [], gave_back_units=False)
    refund.settle(request_id="RF-1-1", status="paid", provider_reference="P-1", reason=None, now=T0 + HOUR)
    (emitted,) = refund.effects().events
    assert isinstance(emitted.event, contracts.RefundCompleted)
    assert (emitted.event.refund_minor, emitted.event.provider_reference, emitted.event.refunded_via) == (
        8571,
        "P-1",
        RefundedVia.ORIGINAL_CHANNEL,
    )
    assert emitted.event.refunded_to_channel == "alipay"
    assert (refund.status, refund.outcome, refund.refunded_via) == (
        RefundStatus.COMPLETED,
        "completed",
        RefundedVia.ORIGINAL_CHANNEL,
    )


def test_a_provider_failure_can_be_retried_as_a_new_attempt_but_a_refusal_cannot() -> None:
    refund = requested()
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    refund.settle(request_id="RF-1-1", status="failed", provider_reference=None, reason="账户冻结", now=T0)
    assert (refund.status, refund.failure_reason, refund.failure_permanent) == (
        RefundStatus.REFUND_FAILED,
        "账户冻结",
        False,
    )
    refund.retry(by="key-ops", now=T0 + HOUR, deadlines=DEADLINES)
    assert (refund.status, refund.attempt, refund.provider_request_id, refund.failure_reason) == (
        RefundStatus.REFUNDING,
        2,
        "RF-1-2",
        None,
    )
    refund.refused_by_provider("provider refused (400)", now=T0 + HOUR)
    with pytest.raises(RefundStateError) as refused:
        refund.retry(by="key-ops", now=T0 + HOUR, deadlines=DEADLINES)
    assert (refused.value.refusal, refused.value.code) == (Refusal.CONFLICT, "retry-cannot-fix")


def test_ops_settle_a_failed_refund_offline_recorded_with_who_and_why() -> None:
    refund = requested()
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    refund.refused_by_provider("provider refused (400)", now=T0)
    refund.effects()
    resolution = Resolution(ResolutionKind.REFUNDED_OFFLINE, "银行转账", "key-ops", reference="TR-1")
    refund.resolve(resolution, now=T0 + HOUR, deadlines=DEADLINES)
    effects = refund.effects()
    completed = effects.events[0].event
    assert isinstance(completed, contracts.RefundCompleted)
    assert (completed.refunded_via, completed.provider_reference, completed.resolved_by) == (
        RefundedVia.OFFLINE,
        "offline:TR-1",
        "key-ops",
    )
    assert completed.refunded_to_channel is None
    assert actions(effects) == ["resolved (refunded_offline)", "completed"]


def test_ops_sending_a_failed_refund_to_the_balance_ask_the_platform_for_a_credit() -> None:
    refund = requested()
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    refund.refused_by_provider("provider refused (400)", now=T0)
    refund.resolve(
        Resolution(ResolutionKind.OTHER_CHANNEL, "买家要求", "key-ops", channel="balance"), now=T0, deadlines=DEADLINES
    )
    assert (refund.status, refund.attempt, refund.beneficiary_channel, refund.failure_permanent) == (
        RefundStatus.REFUNDING,
        2,
        "balance",
        False,
    )
    assert event_types(refund.effects())[-1] == "BalanceCreditRequested"


def test_nothing_to_pay_back_completes_at_once() -> None:
    # line A fully paid by the platform's subsidy: its units give back 0 fen
    free = RefundableOrder(
        "O-2", {"A": OrderLine("A", "tea", 3, paid_minor=0, subsidy_minor=900, commission_base_minor=900)}, 0
    )
    the_order = order()
    refund = requested(on=RefundOrder(the_order.merchant_id, "CNY", the_order.payment, free, {}, None))
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    assert (refund.status, refund.provider_reference) == (RefundStatus.COMPLETED, "none: nothing to pay back")
    assert [w.timer for w in refund.effects().wakeups] == []  # nothing to send, nothing to wait for


def test_a_channel_with_no_way_back_fails_the_refund_for_good() -> None:
    refund = requested(on=order(channel="crypto"))
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    assert (refund.status, refund.failure_permanent) == (RefundStatus.REFUND_FAILED, True)
    assert refund.failure_reason == "payment channel 'crypto' has no refund route"


def test_silence_decides_the_merchants_approves_and_the_buyers_closes_and_a_refund_that_moved_on_ignores_it() -> None:
    refund = requested()
    refund.deadline_passed(status="requested", credit_id=None, now=T0 + 48 * HOUR, deadlines=DEADLINES)
    assert (refund.status, refund.approved_how) == (RefundStatus.REFUNDING, "merchant_deadline_passed")
    refund.effects()
    refund.deadline_passed(status="requested", credit_id=None, now=T0 + 49 * HOUR, deadlines=DEADLINES)
    assert refund.effects() == Effects([], [], [], gave_back_units=False)

    rejected = requested()
    rejected.reject(reason="已发货", by="key-merchant", now=T0, deadlines=DEADLINES)
    rejected.deadline_passed(status="rejected", credit_id=None, now=T0 + timedelta(days=7), deadlines=DEADLINES)
    assert (rejected.status, rejected.outcome) == (RefundStatus.CLOSED, "rejected")
    assert rejected.effects().gave_back_units


def test_an_uninspected_return_is_refunded_when_the_merchants_time_is_up() -> None:
    refund = requested(RefundKind.RETURN_AND_REFUND, ReasonCode.QUALITY)
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    refund.ship_back(
        carrier_code="SF", tracking_number="SF1", held_by=None, by="key-platform", now=T0, deadlines=DEADLINES
    )
    refund.return_parcel_status("delivered", tracking_number="SF1", scan_time=T0, now=T0, deadlines=DEADLINES)
    refund.deadline_passed(status="awaiting_inspection", credit_id=None, now=T0 + 48 * HOUR, deadlines=DEADLINES)
    assert refund.status is RefundStatus.REFUNDING
    assert refund.inspection is not None
    assert (refund.inspection["passed"], refund.inspection["by"]) == (True, "system")


def balance_refund() -> Refund:
    refund = requested(on=order(channel="balance"))
    refund.approve(by="key-merchant", now=T0, deadlines=DEADLINES)
    refund.effects()
    return refund


CREDITED = Answer(credited=True, credit_reference="BAL-1", reason=None, by="key-platform")


def test_the_platform_crediting_the_balance_completes_the_refund_and_the_same_answer_again_changes_nothing() -> None:
    refund = balance_refund()
    refund.acknowledge_credit("RF-1-1", CREDITED, buyer_ref="buyer-9", amount_minor=8571, now=T0 + HOUR)
    completed = refund.effects().events[0].event
    assert isinstance(completed, contracts.RefundCompleted)
    assert (completed.refunded_via, completed.provider_reference, completed.refunded_to_channel) == (
        RefundedVia.PLATFORM_BALANCE,
        "BAL-1",
        "balance",
    )
    refund.acknowledge_credit("RF-1-1", CREDITED, buyer_ref="buyer-9", amount_minor=8571, now=T0 + 2 * HOUR)
    assert refund.effects() == Effects([], [], [], gave_back_units=False)
    with pytest.raises(RefundRuleViolation) as cancel:
        refund.cancel_credit("RF-1-1", reason="逾期", by="key-ops", now=T0 + 25 * HOUR)
    assert cancel.value.code == "credit-already-answered"


def test_an_overdue_credit_is_reminded_once_then_cancelled_by_ops_and_a_late_answer_to_it_is_refused() -> None:
    refund = balance_refund()
    with pytest.raises(RefundRuleViolation) as early:
        refund.cancel_credit("RF-1-1", reason="等不及", by="key-ops", now=T0 + HOUR)
    assert early.value.code == "credit-not-overdue"
    refund.deadline_passed(status="refunding", credit_id="RF-1-1", now=T0 + 24 * HOUR, deadlines=DEADLINES)
    reminded = refund.effects().events[0].event
    assert isinstance(reminded, contracts.BalanceCreditRequested)
    assert reminded.reminder == 1
    refund.cancel_credit("RF-1-1", reason="平台未答复", by="key-ops", now=T0 + 25 * HOUR)
    effects = refund.effects()
    assert event_types(effects) == ["BalanceCreditCancelled"]
    assert (refund.status, refund.failure_permanent) == (RefundStatus.REFUND_FAILED, False)
    with pytest.raises(RefundRuleViolation) as late:
        refund.acknowledge_credit("RF-1-1", CREDITED, buyer_ref="buyer-9", amount_minor=8571, now=T0 + 26 * HOUR)
    assert (late.value.refusal, late.value.code) == (Refusal.CONFLICT, "credit-cancelled")
    # a retry asks again under a new credit id; the cancelled one is kept, and still refused
    refund.retry(by="key-ops", now=T0 + 27 * HOUR, deadlines=DEADLINES)
    current, earlier = refund.credits()
    assert current is not None
    assert (current.credit_id, [record["credit_id"] for record in earlier]) == ("RF-1-2", ["RF-1-1"])
    with pytest.raises(RefundRuleViolation) as again:
        refund.acknowledge_credit("RF-1-1", CREDITED, buyer_ref="buyer-9", amount_minor=8571, now=T0 + 28 * HOUR)
    assert again.value.code == "credit-cancelled"


def test_an_answer_naming_another_amount_is_refused_naming_the_field() -> None:
    refund = balance_refund()
    with pytest.raises(RefundRuleViolation) as refused:
        refund.acknowledge_credit("RF-1-1", CREDITED, buyer_ref="buyer-9", amount_minor=8572, now=T0)
    assert (refused.value.refusal, refused.value.code, refused.value.field) == (
        Refusal.RULE,
        "credit-mismatch",
        "amount_minor",
    )
    with pytest.raises(RefundRuleViolation) as unknown:
        refund.acknowledge_credit("RF-9-9", CREDITED, buyer_ref="buyer-9", amount_minor=8571, now=T0)
    assert unknown.value.code == "not-the-open-credit"


def test_a_cancellation_refunds_every_unit_left_and_the_shipping_fee_at_once() -> None:
    the_order = order(signed_off={})
    first = requested(units={"A": 1})  # the last unit of A is held by an open refund
    held = the_order.taking(first.amounts)
    refund = Refund.cancellation(held, reason="买家取消", cancelled_by="key-platform", now=T0, deadlines=DEADLINES)
    assert refund is not None
    effects = refund.effects()
    # A's first two units (8572 + 8572) and B (4285), and the shipping fee (1000): nothing is left
    assert (refund.refund_id, refund.amounts.refund_minor) == ("RF-cancel-O-1", 8572 + 8572 + 4285 + 1000)
    assert event_types(effects) == ["RefundRequested", "RefundApproved"]
    assert (refund.status, refund.approved_how) == (RefundStatus.REFUNDING, "automatic")
    assert (
        Refund.cancellation(held.taking(refund.amounts), reason="again", cancelled_by="x", now=T0, deadlines=DEADLINES)
        is None
    )


def test_a_request_is_judged_by_the_order_rules_first() -> None:
    with pytest.raises(RefundRuleViolation) as not_signed:
        order(signed_off={}).quote(
            asking(RefundKind.RETURN_AND_REFUND, ReasonCode.QUALITY, {"A": 1}), now=T0, rules=RULES
        )
    assert (not_signed.value.code, not_signed.value.field) == ("not-signed-off", "lines.A.units")
    late = T0 + timedelta(days=7)
    with pytest.raises(RefundRuleViolation) as window:
        order().quote(asking(RefundKind.RETURN_AND_REFUND, ReasonCode.NO_REASON, {"A": 1}), now=late, rules=RULES)
    assert window.value.code == "no-reason-window-closed"
    with pytest.raises(RefundRuleViolation) as too_many:
        order().quote(asking(RefundKind.REFUND_ONLY, ReasonCode.DAMAGED, {"A": 4}), now=T0, rules=RULES)
    assert (too_many.value.refusal, too_many.value.code) == (Refusal.RULE, "too-many-units")

"""A balance credit's deadline, and the race between the platform's answer and ops' cancellation:
whichever comes first wins and the other is refused, so the buyer is never paid twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from refund_svc.config import RefundSettings
from refund_svc.domain import balance_credits
from refund_svc.domain.balance_credits import Answer, BalanceCredit, CreditRefused, CreditState
from refund_svc.domain.channels import refunded_via
from refund_svc.domain.workflow import Action, Deadlines, RefundStateError, RefundStatus, breaching, check
from shipsettle_shared.contracts import RefundedVia
from shipsettle_shared.domain_errors import Refusal

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
DAY = timedelta(hours=24)
CREDITED = Answer(credited=True, credit_reference="BAL-1", reason=None, by="key-platform")
DECLINED = Answer(credited=False, credit_reference=None, reason="余额账户已注销", by="key-platform")


def credit(**changes: Any) -> BalanceCredit:
    return replace(balance_credits.request("RF-1-1", "buyer-9", 4285, "CNY", now=T0, answer_within=DAY), **changes)


def refused(call: object) -> CreditRefused:
    assert callable(call)
    with pytest.raises(CreditRefused) as error:
        call()
    return error.value


def test_the_platform_has_the_stated_time_to_answer_24_hours_by_default_and_configurable() -> None:
    assert credit().answer_by == T0 + DAY  # 2026-11-28 10:00 UTC
    assert Deadlines().balance_credit_answer == DAY
    settings = RefundSettings(service_name="refund-svc", database_url="postgresql+asyncpg://x@h/x")  # type: ignore[call-arg]
    assert settings.deadlines.balance_credit_answer == DAY
    hours_6 = RefundSettings(
        service_name="refund-svc",
        database_url="postgresql+asyncpg://x@h/x",
        balance_credit_answer_hours=6,  # type: ignore[call-arg]
    )
    assert hours_6.deadlines.balance_credit_answer == timedelta(hours=6)


def test_an_unanswered_credit_is_overdue_from_its_deadline_and_the_refund_breaches_then() -> None:
    asked = credit()
    assert not asked.overdue(T0 + DAY - timedelta(seconds=1))
    assert asked.overdue(T0 + DAY)
    # the refund waits for the platform with the credit's deadline as its own
    assert not breaching(RefundStatus.REFUNDING, asked.answer_by, T0 + DAY - timedelta(seconds=1))
    assert breaching(RefundStatus.REFUNDING, asked.answer_by, T0 + DAY + timedelta(seconds=1))
    assert not credit(answer=CREDITED, answered_at=T0).overdue(T0 + 2 * DAY)


def test_an_answer_in_time_or_late_but_before_any_cancellation_is_taken_and_the_same_answer_again_changes_nothing() -> (
    None
):
    late = T0 + 2 * DAY
    answered = balance_credits.answered(credit(), CREDITED, "buyer-9", 4285, late)
    assert (answered.state, answered.answered_at) == (CreditState.CREDITED, late)
    assert balance_credits.answered(answered, CREDITED, "buyer-9", 4285, late + DAY) is answered
    other = refused(lambda: balance_credits.answered(answered, DECLINED, "buyer-9", 4285, late))
    assert (other.refusal, other.code) == (Refusal.CONFLICT, "credit-already-answered")


def test_an_answer_after_ops_cancelled_the_credit_is_refused_telling_the_platform_not_to_apply_it() -> None:
    cancelled = balance_credits.cancelled(credit(), by="key-ops", reason="平台未答复", now=T0 + DAY)
    assert (cancelled.state, cancelled.cancelled_by, cancelled.cancel_reason) == (
        CreditState.CANCELLED,
        "key-ops",
        "平台未答复",
    )
    for answer in (CREDITED, DECLINED):
        error = refused(lambda answer=answer: balance_credits.answered(cancelled, answer, "buyer-9", 4285, T0 + DAY))
        assert (error.refusal, error.code) == (Refusal.CONFLICT, "credit-cancelled")
        assert "do not apply it" in error.message
        assert "reverse it" in error.message


def test_a_cancellation_after_the_platform_answered_is_refused_whatever_it_answered() -> None:
    for answer in (CREDITED, DECLINED):
        answered = balance_credits.answered(credit(), answer, "buyer-9", 4285, T0 + DAY)
        error = refused(lambda a=answered: balance_credits.cancelled(a, by="key-ops", reason="?", now=T0 + 2 * DAY))
        assert (error.refusal, error.code) == (Refusal.CONFLICT, "credit-already-answered")


def test_ops_may_cancel_only_once_the_answer_is_overdue_with_a_reason_and_a_second_cancel_changes_nothing() -> None:
    early = refused(lambda: balance_credits.cancelled(credit(), by="key-ops", reason="等不及", now=T0 + DAY / 2))
    assert (early.refusal, early.code) == (Refusal.CONFLICT, "credit-not-overdue")
    assert "2026-11-28T10:00:00+00:00" in early.message
    blank = refused(lambda: balance_credits.cancelled(credit(), by="key-ops", reason=" ", now=T0 + DAY))
    assert (blank.refusal, blank.field) == (Refusal.RULE, "reason")
    once = balance_credits.cancelled(credit(), by="key-ops", reason="平台未答复", now=T0 + DAY)
    assert balance_credits.cancelled(once, by="key-ops-2", reason="again", now=T0 + 2 * DAY) is once


def test_an_answer_must_name_the_buyer_and_amount_asked_for() -> None:
    buyer = refused(lambda: balance_credits.answered(credit(), CREDITED, "buyer-8", 4285, T0))
    amount = refused(lambda: balance_credits.answered(credit(), CREDITED, "buyer-9", 4286, T0))
    assert [(e.refusal, e.field) for e in (buyer, amount)] == [
        (Refusal.RULE, "buyer_ref"),
        (Refusal.RULE, "amount_minor"),
    ]


def test_a_credit_is_kept_on_the_refund_and_read_back_the_same_in_every_state() -> None:
    states = [
        credit(),
        balance_credits.reminded(credit()),
        balance_credits.answered(credit(), CREDITED, "buyer-9", 4285, T0 + DAY),
        balance_credits.answered(credit(), DECLINED, "buyer-9", 4285, T0 + DAY),
        balance_credits.cancelled(credit(), by="key-ops", reason="平台未答复", now=T0 + DAY),
    ]
    for state in states:
        assert balance_credits.from_record(balance_credits.as_record(state)) == state
    # as issue 21 kept it: no deadline (refund-svc migration 0004 gives open ones the default)
    legacy = {
        "credit_id": "RF-1-1",
        "buyer_ref": "b",
        "amount_minor": 1,
        "currency": "CNY",
        "requested_at": T0.isoformat(),
    }
    assert balance_credits.from_record(legacy).answer_by is None
    assert balance_credits.from_record(legacy).state is CreditState.OPEN


def test_only_a_refund_waiting_for_its_money_can_have_its_credit_cancelled() -> None:
    check(Action.CANCEL_CREDIT, RefundStatus.REFUNDING)
    for status in set(RefundStatus) - {RefundStatus.REFUNDING}:
        with pytest.raises(RefundStateError):
            check(Action.CANCEL_CREDIT, status)


@pytest.mark.parametrize(
    ("paid_channel", "chosen_by_ops", "via"),
    [
        ("wechat_pay", False, RefundedVia.ORIGINAL_CHANNEL),
        ("alipay", True, RefundedVia.OTHER_CHANNEL),  # the buyer gave ops an alipay account
        ("balance", False, RefundedVia.PLATFORM_BALANCE),  # paid from the balance
        ("balance", True, RefundedVia.PLATFORM_BALANCE),  # ops sent it to the balance: still the platform's
    ],
)
def test_refunded_via_says_who_paid_so_other_channel_is_always_the_provider(
    paid_channel: str, chosen_by_ops: bool, via: RefundedVia
) -> None:
    assert refunded_via(paid_channel, chosen_by_ops=chosen_by_ops) is via

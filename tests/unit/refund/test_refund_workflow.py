"""The refund workflow's rules: which move applies in which status, where approval leads, and
whose deadline a status runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from refund_svc.domain.amounts import RefundKind
from refund_svc.domain.workflow import Action, Deadlines, RefundStateError, RefundStatus, after_approval, check

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_approval_leads_to_the_money_or_to_the_return_parcel() -> None:
    assert after_approval(RefundKind.REFUND_ONLY) is RefundStatus.REFUNDING
    assert after_approval(RefundKind.CANCELLATION) is RefundStatus.REFUNDING
    assert after_approval(RefundKind.RETURN_AND_REFUND) is RefundStatus.AWAITING_RETURN


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (Action.APPROVE, RefundStatus.REJECTED),
        (Action.REJECT, RefundStatus.REFUNDING),
        (Action.ESCALATE, RefundStatus.REQUESTED),
        (Action.WITHDRAW, RefundStatus.REFUNDING),  # the money is already on its way
        (Action.WITHDRAW, RefundStatus.COMPLETED),
        (Action.INSPECT, RefundStatus.RETURN_IN_TRANSIT),  # goods not back yet
        (Action.RETRY, RefundStatus.REFUNDING),
    ],
)
def test_moves_out_of_turn_are_refused(action: Action, status: RefundStatus) -> None:
    with pytest.raises(RefundStateError) as refused:
        check(action, status)
    assert status.value in str(refused.value)


def test_every_final_status_refuses_every_move() -> None:
    for status in (RefundStatus.COMPLETED, RefundStatus.CLOSED):
        for action in Action:
            with pytest.raises(RefundStateError):
                check(action, status)


def test_deadlines_say_who_is_waited_for_and_until_when() -> None:
    deadlines = Deadlines()
    assert deadlines.for_status(RefundStatus.REQUESTED, T0) == (T0 + timedelta(hours=48), "merchant")
    assert deadlines.for_status(RefundStatus.AWAITING_RETURN, T0) == (T0 + timedelta(days=7), "buyer")
    assert deadlines.for_status(RefundStatus.AWAITING_INSPECTION, T0) == (T0 + timedelta(hours=48), "merchant")
    assert deadlines.for_status(RefundStatus.REJECTED, T0) == (T0 + timedelta(days=7), "buyer")
    assert deadlines.for_status(RefundStatus.ESCALATED, T0) == (None, "ops")
    assert deadlines.for_status(RefundStatus.REFUNDING, T0) == (None, None)

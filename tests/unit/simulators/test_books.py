"""The sandbox bank's rules and books, without a process: outcome draws, exactly one execution
per request, idempotency, returns, callback ordering and retries. SQLite in memory."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from simulators.provider_sandbox.domain import (
    BANK_TIMEZONE,
    PAYOUT_FAILURES,
    PAYOUT_RETURN,
    Controls,
    Kind,
    OutcomePlan,
    Reason,
    Status,
    plan_outcome,
)
from simulators.provider_sandbox.store import IdempotencyConflict, NewRequest, OutcomeAlreadyFinal, Store

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=BANK_TIMEZONE)
LATER = NOW + timedelta(seconds=10)
CONTROLS = Controls(fail_rate=0.0, return_rate=0.0, min_delay_ms=0, max_delay_ms=0)
PAID = OutcomePlan(Status.PAID, None, 0.0, False, None, 0.0)
RETURNED = OutcomePlan(Status.PAID, None, 0.0, True, PAYOUT_RETURN, 1.0)
FAILED = OutcomePlan(Status.FAILED, PAYOUT_FAILURES[1], 0.0, False, None, 0.0)


@pytest.fixture
def store() -> Iterator[Store]:
    books = Store.open(Path(":memory:"), kind=Kind.PAYOUT, currency="CNY", opening_balance_minor=0)
    yield books
    books.close()


def _payout(request_id: str, amount_minor: int = 10_000, **changes: Any) -> NewRequest:
    body: dict[str, Any] = {
        "request_id": request_id,
        "amount_minor": amount_minor,
        "currency": "CNY",
        "beneficiary": {"account_holder_name": "张三", "bank_name": "ICBC", "account_number": "6222021234567890123"},
        "reference": "settlement",
        "callback_url": "http://127.0.0.1:9/callbacks",
        **changes,
    }
    return NewRequest(request_id, body, body["amount_minor"], "CNY", body["callback_url"])


def _settle_everything(store: Store, now: datetime = LATER) -> list[tuple[str, Status]]:
    booked = []
    while (transition := store.settle_one(now)) is not None:
        booked.append((transition.request_id, transition.status))
    while (transition := store.return_one(now)) is not None:
        booked.append((transition.request_id, transition.status))
    return booked


def test_the_same_seed_and_request_id_always_draw_the_same_fate() -> None:
    controls = CONTROLS.updated(fail_rate=0.5, return_rate=0.5, max_delay_ms=500)

    first = [plan_outcome(Kind.PAYOUT, controls, 7, f"po{n}") for n in range(50)]
    again = [plan_outcome(Kind.PAYOUT, controls, 7, f"po{n}") for n in reversed(range(50))]

    assert first == list(reversed(again))
    assert {plan.outcome for plan in first} == {Status.PAID, Status.FAILED}
    assert all(0 <= plan.settle_delay_s <= 0.5 for plan in first)


def test_a_fail_rate_of_one_fails_every_request_with_a_known_reason_and_refunds_never_return() -> None:
    controls = CONTROLS.updated(fail_rate=1.0, return_rate=1.0)

    payouts = [plan_outcome(Kind.PAYOUT, controls, 1, f"po{n}") for n in range(20)]
    refunds = [plan_outcome(Kind.REFUND, CONTROLS.updated(return_rate=1.0), 1, f"rf{n}") for n in range(20)]

    assert all(plan.outcome is Status.FAILED and plan.failure in PAYOUT_FAILURES for plan in payouts)
    assert not any(plan.returns for plan in payouts)
    assert all(plan.outcome is Status.PAID and not plan.returns for plan in refunds)


def test_callback_backoff_doubles_from_the_initial_delay_up_to_its_cap() -> None:
    controls = CONTROLS.updated(callback_initial_backoff_ms=200, callback_max_backoff_ms=30_000)

    assert [controls.backoff_s(attempts) for attempts in (1, 2, 3, 8, 9, 20)] == [0.2, 0.4, 0.8, 25.6, 30.0, 30.0]


def test_a_request_settles_once_however_often_the_worker_passes(store: Store) -> None:
    store.accept(_payout("po1"), PAID, NOW)

    assert _settle_everything(store) == [("po1", Status.PAID)]
    assert _settle_everything(store) == []
    assert [row["request_id"] for row in store.executions()] == ["po1"]


def test_nothing_settles_before_its_due_time(store: Store) -> None:
    store.accept(_payout("po1"), OutcomePlan(Status.PAID, None, 5.0, False, None, 0.0), NOW)

    assert store.settle_one(NOW + timedelta(seconds=4)) is None
    assert store.next_outcome_due_at() == pytest.approx(NOW.timestamp() + 5.0)


def test_the_same_body_again_is_answered_with_the_current_status_and_no_second_request(store: Store) -> None:
    first, created = store.accept(_payout("po1"), PAID, NOW)
    _settle_everything(store)

    again, created_again = store.accept(_payout("po1"), FAILED, LATER)

    assert (created, created_again) == (True, False)
    assert again.provider_reference == first.provider_reference
    assert again.status is Status.PAID
    assert store.stats()["accepted"] == 1
    assert store.stats()["executed"] == 1


def test_the_same_request_id_with_another_body_is_refused_naming_the_fields(store: Store) -> None:
    store.accept(_payout("po1"), PAID, NOW)

    with pytest.raises(IdempotencyConflict) as refused:
        store.accept(
            _payout(
                "po1",
                amount_minor=10_001,
                beneficiary={
                    "account_holder_name": "李四",
                    "bank_name": "ICBC",
                    "account_number": "6222021234567890123",
                },
            ),
            PAID,
            NOW,
        )

    assert refused.value.differing_fields == ["amount_minor", "beneficiary.account_holder_name"]


def test_a_failed_request_moves_no_money(store: Store) -> None:
    store.accept(_payout("po1"), FAILED, NOW)

    assert _settle_everything(store) == [("po1", Status.FAILED)]
    view = store.get("po1")
    assert view is not None
    assert (view.status, view.reason_code, view.reason) == (Status.FAILED, "BE01", "name mismatch")
    assert store.executions() == []


def test_a_returned_payout_stays_executed_once_and_its_return_is_a_separate_status_change(store: Store) -> None:
    store.accept(_payout("po1"), RETURNED, NOW)

    assert store.settle_one(LATER) is not None
    assert store.return_one(LATER) is None  # the return falls due a second after the payment
    assert _settle_everything(store, LATER + timedelta(seconds=1)) == [("po1", Status.RETURNED)]
    assert len(store.executions()) == 1
    view = store.get("po1")
    assert view is not None
    assert (view.status, view.reason) == (Status.RETURNED, "beneficiary account closed")
    assert store.account_movement_before(LATER.date() + timedelta(days=1)) == 0  # out and back in


def test_a_request_hears_paid_before_returned(store: Store) -> None:
    store.accept(_payout("po1"), OutcomePlan(Status.PAID, None, 0.0, True, PAYOUT_RETURN, 0.0), NOW)
    _settle_everything(store)

    [paid] = store.due_deliveries(LATER.timestamp(), set(), 10)  # the return waits for it
    assert paid.webhook_id.endswith("_paid")

    store.record_attempt(
        paid.status_change_seq,
        attempted_at=LATER,
        http_status=204,
        error=None,
        delivered=True,
        retry_at_epoch=LATER.timestamp(),
        max_attempts=3,
    )
    [returned] = store.due_deliveries(LATER.timestamp(), set(), 10)
    assert returned.webhook_id.endswith("_returned")


def test_a_callback_is_given_up_after_its_last_attempt(store: Store) -> None:
    store.accept(_payout("po1"), PAID, NOW)
    _settle_everything(store)
    [delivery] = store.due_deliveries(LATER.timestamp(), set(), 10)

    states = [
        store.record_attempt(
            delivery.status_change_seq,
            attempted_at=LATER,
            http_status=500,
            error="HTTP 500",
            delivered=False,
            retry_at_epoch=LATER.timestamp(),
            max_attempts=3,
        )
        for _ in range(4)
    ]

    assert states == ["pending", "pending", "gave_up", "gave_up"]
    assert store.stats()["callback_attempts"] == 3
    assert store.callbacks("po1")[0]["state"] == "gave_up"


def test_a_scripted_outcome_decides_a_request_before_and_after_it_arrives(store: Store) -> None:
    store.script_outcome("po-early", Status.FAILED, Reason("AC06", "account frozen"), NOW)
    store.accept(_payout("po-early"), PAID, NOW)
    store.accept(_payout("po-late"), PAID, NOW)
    assert store.script_outcome("po-late", Status.RETURNED, PAYOUT_RETURN, NOW) == "replanned"

    _settle_everything(store, LATER + timedelta(seconds=1))

    early, late = store.get("po-early"), store.get("po-late")
    assert early is not None
    assert late is not None
    assert (early.status, early.reason) == (Status.FAILED, "account frozen")
    assert late.status is Status.RETURNED
    with pytest.raises(OutcomeAlreadyFinal):
        store.script_outcome("po-early", Status.PAID, Reason("", ""), LATER)


def test_a_database_of_another_kind_is_refused(tmp_path: Path) -> None:
    Store.open(tmp_path / "books.sqlite3", kind=Kind.PAYOUT, currency="CNY", opening_balance_minor=0).close()

    with pytest.raises(ValueError, match="kind"):
        Store.open(tmp_path / "books.sqlite3", kind=Kind.REFUND, currency="CNY", opening_balance_minor=0)

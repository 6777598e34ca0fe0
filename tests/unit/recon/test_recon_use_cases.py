"""recon-svc's main use cases through the service layer, on an in-memory unit of work
(recon_fakes.py): a batch of facts folded into an order's money, the order judged against the
conservation rule (a finding recorded once, announced, counted after commit, resolved when the
books agree again), the merchant's records matched against our orders, and a discrepancy moved
through its workflow.

The order, worked by hand (the one tests/integration/test_recon_facts.py stores in PostgreSQL):
O-1 of m-1: L1 tea 2 units paid 21189 (subsidy 1851), L2 books 1 unit paid 4884 (subsidy 426),
shipping 1000: the buyer paid 21189 + 4884 + 1000 = 27073. Its sign-off books clearing -27073,
subsidy -2277 (1851 + 426), commission 1300 and the merchant's pending 28050 (27073 + 2277 - 1300).
Escrow: 27073 + 2277 - 0 - 1300 - 28050 = 0.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from integration.fact_events import SIGNED_AT, T0, envelope_of, placed, signed_off
from recon_fakes import FakeReconUnitOfWork

from recon_svc.domain.imports.model import ColumnMapping
from recon_svc.service_layer import fact_folding, invariant_checks, matching
from recon_svc.service_layer.fact_folding import Timing
from recon_svc.service_layer.matching import DiscrepancyRuleViolation
from shipsettle_shared import contracts
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.ledger_accounts import MerchantAccount, PlatformAccount, merchant_account, platform_account
from shipsettle_shared.messaging.events import Received, received
from shipsettle_shared.timers import DueTimer

TIMING = Timing(grace=timedelta(seconds=30), window_slack=timedelta(hours=1))
NOW = SIGNED_AT + timedelta(minutes=1)
CLEARING = platform_account(PlatformAccount.CLEARING)
PENDING = merchant_account("m-1", MerchantAccount.PENDING)
AVAILABLE = merchant_account("m-1", MerchantAccount.AVAILABLE)


def posted(tx_key: str, kind: str, postings: dict[str, int], at: datetime = SIGNED_AT) -> EventEnvelope:
    event = contracts.LedgerTransactionPosted(
        tx_key=tx_key,
        kind=kind,
        merchant_id="m-1",
        order_id="O-1",
        description=kind,
        posted_at=at,
        postings=[contracts.LedgerPostingLine(account_id=a, amount_minor=m) for a, m in postings.items()],
    )
    return envelope_of(event, at)


ORDER = placed("O-1", [("L1", "tea", 2, 21189, 1851), ("L2", "books", 1, 4884, 426)], 1000)
SIGN_OFF = signed_off("O-1", "SH-1", {"L1": 2, "L2": 1})
BOOKED = posted(
    "sign_off:SH-1",
    "sign_off",
    {
        CLEARING: -27073,
        platform_account(PlatformAccount.SUBSIDY): -2277,
        platform_account(PlatformAccount.COMMISSION): 1300,
        PENDING: 28050,
    },
)
# 100 fen to the merchant out of nowhere, and its correction
OVERPAID = posted("adjustment:1", "adjustment", {CLEARING: -100, AVAILABLE: 100}, SIGNED_AT + timedelta(hours=1))
CORRECTED = posted("adjustment:2", "adjustment", {CLEARING: 100, AVAILABLE: -100}, SIGNED_AT + timedelta(hours=2))


def facts(*envelopes: EventEnvelope) -> list[Received[contracts.EventPayload]]:
    """The facts as recon's consumer hands them to the service layer."""
    return [received(envelope) for envelope in envelopes]


def check_timer() -> DueTimer:
    return DueTimer(fact_folding.INVARIANT_CHECK, "O-1", NOW + TIMING.grace, {"order_id": "O-1"})


async def test_a_batch_of_facts_folds_into_the_orders_money_to_the_fen_and_arms_one_check() -> None:
    uow = FakeReconUnitOfWork()
    await fact_folding.on_facts(uow, facts(ORDER, SIGN_OFF, BOOKED), now=NOW, timing=TIMING)
    order = uow.facts.orders["O-1"]
    assert (order["buyer_paid_minor"], order["units_ordered"], order["units_signed_off"]) == (27073, 3, 3)
    assert (order["clearing_released_minor"], order["subsidy_minor"], order["commission_minor"]) == (27073, 2277, 1300)
    assert (order["merchant_net_minor"], order["first_booked_at"], order["signed_off"]) == (28050, SIGNED_AT, True)
    assert sorted(uow.facts.sign_off_lines) == [("SH-1", "L1"), ("SH-1", "L2")]
    assert uow.timers == {(fact_folding.INVARIANT_CHECK, "O-1"): (NOW + TIMING.grace, {"order_id": "O-1"})}


async def test_a_ledger_transaction_folded_twice_moves_the_figures_once() -> None:
    uow = FakeReconUnitOfWork()
    await fact_folding.on_facts(uow, facts(ORDER, BOOKED, BOOKED), now=NOW, timing=TIMING)
    await fact_folding.on_facts(uow, facts(BOOKED), now=NOW, timing=TIMING)
    assert uow.facts.orders["O-1"]["merchant_net_minor"] == 28050


async def test_an_order_whose_books_agree_is_judged_without_a_finding() -> None:
    uow = FakeReconUnitOfWork()
    await fact_folding.on_facts(uow, facts(ORDER, SIGN_OFF, BOOKED), now=NOW, timing=TIMING)
    await invariant_checks.judge_orders(uow, [check_timer()], now=NOW + TIMING.grace)
    assert uow.findings.found == {}
    assert uow.events == []


async def test_100_fen_paid_out_of_nowhere_is_found_once_announced_and_resolved_by_its_correction() -> None:
    uow = FakeReconUnitOfWork()
    await fact_folding.on_facts(uow, facts(ORDER, SIGN_OFF, BOOKED, OVERPAID), now=NOW, timing=TIMING)
    for _ in range(2):  # judged twice with the same figures: one finding, one event
        await invariant_checks.judge_orders(uow, [check_timer()], now=NOW + TIMING.grace)
    # escrow: 27073 + 2277 - 0 - 1300 - (28050 + 100) = -100
    [violated] = [event for event in uow.events if isinstance(event, contracts.InvariantViolated)]
    assert (violated.check, violated.figures["escrow_minor"]) == ("conservation", -100)
    assert "100 fen more paid out than came in" in violated.message
    assert uow.findings.open() == ["conservation"]
    counted = invariant_checks.violations_found_total.labels("conservation")._value.get()
    uow.commit()
    assert invariant_checks.violations_found_total.labels("conservation")._value.get() == counted + 1

    await fact_folding.on_facts(uow, facts(CORRECTED), now=NOW + timedelta(hours=3), timing=TIMING)
    await invariant_checks.judge_orders(uow, [check_timer()], now=NOW + timedelta(hours=4))
    assert uow.findings.open() == []
    assert len(uow.events) == 1


async def test_orders_due_together_are_judged_in_one_call_and_an_order_never_folded_is_passed_over() -> None:
    uow = FakeReconUnitOfWork()
    await fact_folding.on_facts(uow, facts(ORDER, SIGN_OFF, BOOKED, OVERPAID), now=NOW, timing=TIMING)
    never_folded = DueTimer(fact_folding.INVARIANT_CHECK, "O-9", NOW, {"order_id": "O-9"})
    await invariant_checks.judge_orders(uow, [never_folded, check_timer()], now=NOW + TIMING.grace)
    [violated] = uow.of_type(contracts.InvariantViolated)
    assert (violated.order_id, violated.check, violated.figures["escrow_minor"]) == ("O-1", "conservation", -100)


async def test_a_booking_without_a_sign_off_is_a_finding() -> None:
    uow = FakeReconUnitOfWork()
    await fact_folding.on_facts(uow, facts(ORDER, BOOKED), now=NOW, timing=TIMING)
    await invariant_checks.judge_orders(uow, [check_timer()], now=NOW + TIMING.grace)
    assert uow.findings.open() == ["settled_without_sign_off"]


# --- the merchant's records and the discrepancy workflow --------------------------------------------

MAPPING = ColumnMapping(order_id="订单号", amount="金额", status="状态", date="日期", date_format="%Y-%m-%d")
PERIOD = (T0 - timedelta(days=1), T0 + timedelta(days=1))


async def merchant_says(uow: FakeReconUnitOfWork, amount: str) -> list[dict[str, object]]:
    await fact_folding.on_facts(uow, facts(ORDER, SIGN_OFF, BOOKED), now=NOW, timing=TIMING)
    records = f"订单号,金额,状态,日期\nO-1,{amount},signed_off,{T0.date().isoformat()}\n".encode()
    _, found = await matching.import_merchant_records(
        uow, "m-1", records, MAPPING, encoding="utf-8", start=PERIOD[0], end=PERIOD[1], by="key-m1", now=NOW
    )
    return found


async def test_the_merchants_records_that_agree_with_our_orders_open_no_discrepancy() -> None:
    uow = FakeReconUnitOfWork()
    assert await merchant_says(uow, "270.73") == []
    assert uow.imports.discrepancies == {}


async def test_an_amount_the_merchant_records_differently_opens_a_discrepancy_to_resolve_by_adjustment() -> None:
    uow = FakeReconUnitOfWork()
    [found] = await merchant_says(uow, "270.37")
    assert (found["type"], found["order_id"]) == ("amount_differs", "O-1")
    [discrepancy] = uow.imports.discrepancies.values()
    assert (discrepancy.status, discrepancy.merchant_id) == ("open", "m-1")

    moved = await matching.move_discrepancy(
        uow, discrepancy.discrepancy_id, "investigate", note="asked", adjustment_tx_key=None, by="ops-1", now=NOW
    )
    assert moved.status == "investigating"
    with pytest.raises(DiscrepancyRuleViolation) as unknown:
        await matching.move_discrepancy(
            uow, discrepancy.discrepancy_id, "resolve", note="fixed", adjustment_tx_key="adj:9", by="ops-1", now=NOW
        )
    assert unknown.value.code == "no-such-adjustment"
    assert discrepancy.status == "investigating"
    await fact_folding.on_facts(uow, facts(OVERPAID), now=NOW, timing=TIMING)
    await matching.move_discrepancy(
        uow, discrepancy.discrepancy_id, "resolve", note="fixed", adjustment_tx_key="adjustment:1", by="ops-1", now=NOW
    )
    assert (discrepancy.status, discrepancy.resolution) == (
        "resolved",
        {"adjustment_tx_key": "adjustment:1", "note": "fixed"},
    )
    assert [entry["action"] for entry in discrepancy.history] == ["opened", "investigate", "resolve"]
    with pytest.raises(DiscrepancyRuleViolation) as again:
        await matching.move_discrepancy(
            uow, discrepancy.discrepancy_id, "write_off", note="", adjustment_tx_key=None, by="ops-1", now=NOW
        )
    assert again.value.code == "wrong-status"

"""Settlement ETA and blockers (a read model): the order's money in segments (domain/progress.py),
before sign-off by parcel stage, then holds, frozen money, and the lots of available money
followed through applications and payouts first in, first out (domain/allocation.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from settlement_svc.adapters.repositories.progress import progress_from_row
from settlement_svc.adapters.tables import ApplicationRow, HoldRow
from settlement_svc.domain.allocation import Lot
from settlement_svc.domain.ledger import MerchantAccount
from settlement_svc.domain.payouts import ApplicationStatus
from settlement_svc.domain.progress import (
    STAGE_ORDER,
    Blocker,
    EtaRules,
    OrderProgress,
    Segment,
    china_date,
    order_state,
    paid_after_available,
    pre_sign_off_segments,
)
from settlement_svc.service_layer.merchant_money import ALLOCATION_RULE, MerchantMoney, load_merchant_money
from settlement_svc.service_layer.unit_of_work import SettlementUnitOfWork

# --- segments ------------------------------------------------------------------------------------


def order_segments(money: MerchantMoney, order_id: str, *, now: datetime, rules: EtaRules) -> list[Segment]:
    order = money.orders.get(order_id)
    row = money.progress.get(order_id)
    progress = progress_from_row(row) if row is not None else OrderProgress(order_id, money.merchant_id)
    refunds = money.refunds_by_order.get(order_id, [])
    open_refunds = [refund.refund_id for refund in refunds if refund.status == "open"]
    segments = pre_sign_off_segments(
        progress, order, money.policy, refund_open=bool(open_refunds), now=now, rules=rules
    )
    holds = money.holds_by_order.get(order_id, [])
    for hold in holds:
        if hold.released_at is None and hold.amount_minor > 0:
            segments.append(_hold_segment(money, hold, open_refunds, now=now, rules=rules))
        elif hold.released_at is not None:
            segments.extend(_reserve_segments(money, hold, now=now, rules=rules))
    lots = money.lots_of(order_id)
    for refund_order, lot in lots.frozen:
        paid_at, assumptions = paid_after_available(now, money.policy, rules, now=now)
        segments.append(
            Segment(
                Blocker.REFUND_OPEN,
                lot.amount_minor,
                paid_at,
                {"frozen_for_refund_of_order": refund_order, "refund_ids": open_refunds},
                ("assuming the refund ends now without taking this money", *assumptions),
            )
        )
    for lot in lots.available:
        segments.append(_available_segment(money, lot, now=now, rules=rules))
    for allocation, lot, paid_back_negative_balance in lots.allocated:
        if paid_back_negative_balance:
            segments.append(
                Segment(
                    Blocker.REFUNDED,
                    lot.amount_minor,
                    None,
                    {"paid_back_negative_balance_in_application": allocation.application_id},
                )
            )
            continue
        application = money.applications.get(allocation.application_id)
        if allocation.returned or application is None:
            continue  # its money went back to available and is followed there
        segments.append(_applied_segment(money, application, lot, now=now, rules=rules))
    for refund_order, lot in lots.taken_by_other_orders_refunds:
        segments.append(Segment(Blocker.REFUNDED, lot.amount_minor, None, {"taken_by_refund_of_order": refund_order}))
    completed = [refund for refund in refunds if refund.status == "completed"]
    if completed or progress.cancelled_at is not None:
        segments.append(
            Segment(
                Blocker.REFUNDED,
                sum(hold.reversed_minor for hold in holds) + lots.taken_by_own_refunds_minor,
                None,
                {
                    "refund_ids": [refund.refund_id for refund in completed],
                    "reversed_minor": sum(refund.reversal_minor or 0 for refund in completed),
                    "clawback_minor": sum(refund.clawback_minor for refund in completed),
                },
            )
        )
    return _merge_zero_refunded(segments)


def _merge_zero_refunded(segments: list[Segment]) -> list[Segment]:
    """A cancelled order's pre-sign-off "refunded" and the refunds' one say the same: keep the first."""
    kept: list[Segment] = []
    for segment in segments:
        zero_refunded = segment.blocker is Blocker.REFUNDED and not segment.amount_minor
        if zero_refunded and any(k.blocker is Blocker.REFUNDED and not k.amount_minor for k in kept):
            continue
        kept.append(segment)
    return kept


def _hold_segment(
    money: MerchantMoney, hold: HoldRow, open_refunds: list[str], *, now: datetime, rules: EtaRules
) -> Segment:
    paid_at, assumptions = paid_after_available(max(hold.release_at, now), money.policy, rules, now=now)
    detail = {"hold_id": hold.hold_id, "until": china_date(hold.release_at), "release_at": hold.release_at.isoformat()}
    if open_refunds:
        return Segment(
            Blocker.REFUND_OPEN,
            hold.amount_minor,
            paid_at,
            {**detail, "refund_ids": open_refunds},
            (
                "the hold does not release while a refund of the order is open; assuming the refund ends "
                "by the release date without taking this money",
                *assumptions,
            ),
        )
    return Segment(
        Blocker.IN_HOLD_UNTIL,
        hold.amount_minor,
        paid_at,
        detail,
        (f"available on {china_date(hold.release_at)} (fixed at sign-off)", *assumptions),
    )


def _reserve_segments(money: MerchantMoney, hold: HoldRow, *, now: datetime, rules: EtaRules) -> list[Segment]:
    """The rolling reserve kept back at the hold's release, until its own release."""
    keys = money.transactions_by_key
    release = keys.get(f"release:{hold.hold_id}")
    reserved = money.posting(release, MerchantAccount.RESERVED) if release else 0
    if not reserved or f"reserve_release:{hold.hold_id}" in keys or hold.released_at is None:
        return []
    until = hold.released_at + timedelta(days=money.reserve_days_by_hold.get(hold.hold_id, money.policy.reserve_days))
    paid_at, assumptions = paid_after_available(until, money.policy, rules, now=now)
    return [
        Segment(
            Blocker.IN_HOLD_UNTIL,
            reserved,
            paid_at,
            {
                "hold_id": hold.hold_id,
                "rolling_reserve": True,
                "until": china_date(until),
                "release_at": until.isoformat(),
            },
            (f"rolling reserve released on {china_date(until)}", *assumptions),
        )
    ]


def _available_segment(money: MerchantMoney, lot: Lot, *, now: datetime, rules: EtaRules) -> Segment:
    paid_at, assumptions = paid_after_available(now, money.policy, rules, now=now)
    detail: dict[str, Any] = {"available_since": lot.released_at.isoformat(), "released_by": list(lot.tx_keys)}
    if lot.returned_because and lot.returned_because.startswith("payout"):
        return Segment(
            Blocker.PAYOUT_FAILED,
            lot.amount_minor,
            paid_at,
            {**detail, "reason": lot.returned_because},
            ("assuming you apply again now", *assumptions),
        )
    if lot.returned_because:
        detail["returned_because"] = lot.returned_because
    return Segment(Blocker.APPLICATION_NOT_SUBMITTED, lot.amount_minor, paid_at, detail, tuple(assumptions))


def _applied_segment(
    money: MerchantMoney, application: ApplicationRow, lot: Lot, *, now: datetime, rules: EtaRules
) -> Segment:
    payout = money.payouts.get(application.payout_id or "")
    detail: dict[str, Any] = {"application_id": application.application_id, "application_status": application.status}
    if payout is not None:
        detail["payout_id"] = payout.payout_id
    if application.status == ApplicationStatus.PAID.value:
        paid_at = payout.settled_at if payout is not None else application.updated_at
        on = china_date(paid_at) if paid_at else None
        return Segment(Blocker.PAID_OUT, lot.amount_minor, paid_at, {**detail, "paid_on": on})
    # "in review" covers the application from submission until the bank's answer: in review by
    # ops, approved and waiting for the batch, or sent in a payout.
    if application.status == ApplicationStatus.IN_REVIEW.value:
        why = ["assuming ops approve it now and it is paid in the next payout batch"]
        paid_at = now + rules.batch_interval
    elif application.status == ApplicationStatus.APPROVED.value:
        why = ["approved: paid in the next payout batch"]
        paid_at = now + rules.batch_interval
    else:
        why = ["sent to the bank: waiting for its answer"]
        paid_at = now
    return Segment(Blocker.IN_REVIEW, lot.amount_minor, paid_at, detail, tuple(why))


def segment_view(segment: Segment) -> dict[str, Any]:
    return {
        "blocker": segment.blocker.value,
        "amount_minor": segment.amount_minor,
        "expected_at": segment.expected_at.isoformat() if segment.expected_at else None,
        "expected_date": china_date(segment.expected_at) if segment.expected_at else None,
        "detail": segment.detail,
        "assumptions": list(segment.assumptions),
    }


def order_view(money: MerchantMoney, order_id: str, segments: list[Segment]) -> dict[str, Any]:
    state = order_state(segments)
    blockers = []
    for blocker in state["blockers"]:
        parts = [s for s in segments if s.blocker is blocker]
        entry: dict[str, Any] = {"blocker": blocker.value, "amount_minor": sum(s.amount_minor for s in parts)}
        if blocker is Blocker.IN_HOLD_UNTIL:
            entry["until"] = min(s.detail["until"] for s in parts)
        if blocker is Blocker.PAYOUT_FAILED:
            entry["reason"] = parts[0].detail["reason"]
        blockers.append(entry)
    expected = state["expected_at"]
    row = money.progress.get(order_id)
    return {
        "order_id": order_id,
        "merchant_id": money.merchant_id,
        "currency": money.orders[order_id].currency if order_id in money.orders else "CNY",
        "state": state["state"].value,
        "blockers": blockers,
        "expected_at": expected.isoformat() if expected else None,
        "expected_date": china_date(expected) if expected else None,
        "segments": [segment_view(s) for s in segments],
        "progress": (
            {
                "placed_at": row.placed_at.isoformat() if row.placed_at else None,
                "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None,
                "cancelled_at": row.cancelled_at.isoformat() if row.cancelled_at else None,
                "shipments": row.shipments,
            }
            if row is not None
            else None
        ),
        "allocation_rule": ALLOCATION_RULE,
    }


async def order_eta(
    uow: SettlementUnitOfWork, order_id: str, *, now: datetime, rules: EtaRules
) -> tuple[str, dict[str, Any]] | None:
    """(merchant id, the order's ETA and blockers), or None for an order settlement never saw."""
    order = await uow.orders.order(order_id)
    if order is not None:
        merchant_id = order.merchant_id
    else:
        rows = await uow.progress.progress_rows(order_id=order_id)
        if not rows:
            return None
        merchant_id = rows[0].merchant_id
    money = await load_merchant_money(uow, merchant_id, now=now, order_id=order_id)
    return merchant_id, order_view(money, order_id, order_segments(money, order_id, now=now, rules=rules))


async def merchant_order_states(
    uow: SettlementUnitOfWork, merchant_id: str, *, now: datetime, rules: EtaRules
) -> dict[str, Any]:
    """Every order of the merchant with its state and expected date, from one read of the
    merchant's money: a list of N orders costs one replay, not N."""
    money = await load_merchant_money(uow, merchant_id, now=now)
    orders = []
    for order_id in sorted(set(money.orders) | set(money.progress)):
        state = order_state(order_segments(money, order_id, now=now, rules=rules))
        expected = state["expected_at"]
        orders.append(
            {
                "order_id": order_id,
                "state": state["state"].value,
                "blockers": [blocker.value for blocker in state["blockers"]],
                "expected_at": expected.isoformat() if expected else None,
                "expected_date": china_date(expected) if expected else None,
            }
        )
    return {"merchant_id": merchant_id, "orders": orders, "allocation_rule": ALLOCATION_RULE}


async def merchant_blockers(
    uow: SettlementUnitOfWork, merchant_id: str, *, now: datetime, rules: EtaRules
) -> dict[str, Any]:
    """Every order's segments summed by blocker: orders, fen, and the earliest expected date."""
    money = await load_merchant_money(uow, merchant_id, now=now)
    totals: dict[Blocker, dict[str, Any]] = {}
    states: dict[str, int] = defaultdict(int)
    for order_id in sorted(set(money.orders) | set(money.progress)):
        segments = order_segments(money, order_id, now=now, rules=rules)
        states[order_state(segments)["state"].value] += 1
        for segment in segments:
            entry = totals.setdefault(
                segment.blocker, {"orders": set(), "amount_minor": 0, "earliest_expected_at": None}
            )
            entry["orders"].add(order_id)
            entry["amount_minor"] += segment.amount_minor
            if segment.expected_at is not None and segment.blocker not in (Blocker.REFUNDED,):
                earliest = entry["earliest_expected_at"]
                entry["earliest_expected_at"] = (
                    segment.expected_at if earliest is None else min(earliest, segment.expected_at)
                )

    def view(blocker: Blocker) -> dict[str, Any]:
        entry = totals[blocker]
        earliest = entry["earliest_expected_at"]
        return {
            "blocker": blocker.value,
            "orders": len(entry["orders"]),
            "order_ids": sorted(entry["orders"]),
            "amount_minor": entry["amount_minor"],
            "earliest_expected_at": earliest.isoformat() if earliest else None,
            "earliest_expected_date": china_date(earliest) if earliest else None,
        }

    ordered = sorted(totals, key=STAGE_ORDER.__getitem__)
    return {
        "merchant_id": merchant_id,
        "currency": "CNY",
        "blockers": [view(b) for b in ordered if b not in (Blocker.PAID_OUT, Blocker.REFUNDED)],
        "finished": [view(b) for b in ordered if b in (Blocker.PAID_OUT, Blocker.REFUNDED)],
        "orders_by_state": dict(states),
        "allocation_rule": ALLOCATION_RULE,
    }

"""The pure parts the batch path for sign-offs is built from: the policy in force chosen without
a query, the stored form of an order's lines and of its progress, a line's units summed without
building them."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from settlement_svc.adapters.repositories.orders import line_to_json, order_from_row
from settlement_svc.adapters.repositories.progress import progress_columns, progress_from_row
from settlement_svc.domain.orders import SettlementLine, range_sum, unit_parts
from settlement_svc.domain.policies import MerchantPolicy, PolicyVersion, policy_in_force
from settlement_svc.domain.progress import OrderProgress

DAY_1 = datetime(2026, 11, 1, tzinfo=UTC)


def versions() -> list[PolicyVersion]:
    # newest first, as policy_versions returns them
    return [
        PolicyVersion(DAY_1 + timedelta(days=10), MerchantPolicy("m-1", version=2, default_commission_bp=800)),
        PolicyVersion(DAY_1, MerchantPolicy("m-1", version=1, default_commission_bp=300)),
    ]


def test_the_policy_in_force_is_the_newest_version_effective_at_the_sign_off() -> None:
    assert policy_in_force(versions(), "m-1", DAY_1 + timedelta(days=3)).version == 1
    assert policy_in_force(versions(), "m-1", DAY_1 + timedelta(days=10)).version == 2  # from its first instant
    assert policy_in_force(versions(), "m-1", DAY_1 + timedelta(days=30)).default_commission_bp == 800


def test_before_any_stored_version_the_platform_default_is_in_force() -> None:
    default = policy_in_force(versions(), "m-1", DAY_1 - timedelta(seconds=1))
    assert (default.version, default.default_commission_bp, default.hold_days) == (0, 500, 7)
    assert policy_in_force([], "m-2", DAY_1) == MerchantPolicy("m-2")


def test_a_line_is_stored_as_asdict_stores_it_and_reads_back_the_same() -> None:
    line = SettlementLine("L3", "services", 3, 8276, 723, 8999, units_signed_off=2, booked_bp=(800, 800))
    stored = line_to_json(line)
    assert json.loads(json.dumps(stored)) == json.loads(json.dumps(asdict(line)))
    row = SimpleNamespace(
        order_id="PO-1",
        merchant_id="m-1",
        currency="CNY",
        shipping_fee_minor=1000,
        lines={"L3": json.loads(json.dumps(stored))},  # as JSONB gives it back
        shipping_booked=True,
        shipping_refunded_minor=0,
        commission_booked_minor=639,
        commission_reversed_minor=0,
    )
    assert order_from_row(row).lines["L3"] == line  # type: ignore[arg-type]


def test_progress_columns_read_back_as_the_same_progress() -> None:
    progress = (
        OrderProgress("PO-1", "m-1")
        .placed(DAY_1)
        .dispatched("SH-1", "SF123", {"L1": 2}, DAY_1 + timedelta(hours=5))
        .signed_off("SH-1", {"L1": 2}, DAY_1 + timedelta(days=2))
    )
    columns = json.loads(json.dumps(progress_columns(progress), default=str))
    row = SimpleNamespace(order_id="PO-1", merchant_id="m-1", **{**columns, "placed_at": DAY_1})
    assert progress_from_row(row) == progress  # type: ignore[arg-type]
    assert columns["shipments"]["SH-1"]["signed_off_at"] == (DAY_1 + timedelta(days=2)).isoformat()


@given(
    total_minor=st.integers(min_value=0, max_value=10**9),
    quantity=st.integers(min_value=1, max_value=60),
    data=st.data(),
)
def test_a_range_of_units_sums_exactly_what_the_largest_remainder_allocation_gives_them(
    total_minor: int, quantity: int, data: st.DataObject
) -> None:
    start = data.draw(st.integers(min_value=0, max_value=quantity))
    end = data.draw(st.integers(min_value=start, max_value=quantity))
    assert range_sum(total_minor, quantity, start, end) == sum(unit_parts(total_minor, quantity)[start:end])


def test_the_first_units_of_a_line_carry_its_odd_fen() -> None:
    # 8276 over 3 units: 2759, 2759, 2758 (tests/unit/settlement/test_settlement_domain.py)
    assert [range_sum(8276, 3, unit, unit + 1) for unit in range(3)] == [2759, 2759, 2758]
    assert range_sum(8276, 3, 0, 2) == 5518
    assert range_sum(8276, 3, 2, 2) == 0

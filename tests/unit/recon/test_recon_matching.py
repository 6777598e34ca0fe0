"""Matching with figures written by hand: statements against our payouts and refunds, and the
merchant's own records against our orders; then the property that matching is one-to-one and every
input lands in exactly one bucket."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from recon_svc.domain.imports import (
    CHINA_STANDARD_TIME,
    ColumnMapping,
    Direction,
    EntryKind,
    MerchantRecord,
    StatementEntry,
    StatementSource,
    parse_merchant_records,
)
from recon_svc.domain.matching import (
    DiscrepancyType,
    MatchMethod,
    MatchReport,
    OurMovement,
    OurOrderFigure,
    match_merchant_records,
    match_statement,
)

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=CHINA_STANDARD_TIME)


def ours(
    reference: str,
    amount_minor: int,
    *,
    at: datetime = T0,
    direction: Direction = Direction.DEBIT,
    kind: EntryKind = EntryKind.PAYOUT,
    provider_reference: str | None = None,
) -> OurMovement:
    return OurMovement(reference, provider_reference, kind, direction, amount_minor, "CNY", at)


def theirs(
    reference: str | None,
    amount_minor: int,
    row: int,
    *,
    at: datetime = T0,
    direction: Direction = Direction.DEBIT,
    kind: EntryKind = EntryKind.PAYOUT,
    provider_reference: str | None = None,
    settled: bool = True,
) -> StatementEntry:
    return StatementEntry(
        source=StatementSource.CAMT053,
        reference=reference,
        provider_reference=provider_reference,
        direction=direction,
        amount_minor=amount_minor,
        currency="CNY",
        booked_at=at,
        value_date=at.date(),
        kind=kind,
        counterparty=None,
        raw={},
        row=row,
        settled=settled,
    )


# --- statements ------------------------------------------------------------------------------------


def test_entries_match_by_our_reference_and_an_altered_amount_reports_both_figures() -> None:
    report = match_statement(
        [ours("po-1", 123_456), ours("po-2", 50_000)],
        [theirs("po-2", 50_010, row=1), theirs("po-1", 123_456, row=2)],
    )

    assert [(p.ours.reference, p.theirs.row, p.method) for p in report.matched] == [("po-1", 2, MatchMethod.REFERENCE)]
    [differs] = report.amount_differs
    assert (differs.ours.reference, differs.our_amount_minor, differs.their_amount_minor) == ("po-2", 50_000, 50_010)
    assert differs.difference_minor == 10
    assert not report.is_clean


def test_a_payout_and_its_return_share_the_reference_and_are_told_apart_by_direction() -> None:
    report = match_statement(
        [
            ours("po-3", 8_880, at=T0 + timedelta(days=1), direction=Direction.CREDIT, kind=EntryKind.PAYOUT_RETURN),
            ours("po-3", 8_880),
        ],
        [
            theirs("po-3", 8_880, row=2, direction=Direction.CREDIT, kind=EntryKind.PAYOUT_RETURN),
            theirs("po-3", 8_880, row=1),
        ],
    )

    assert [(p.ours.direction, p.theirs.row) for p in report.matched] == [(Direction.DEBIT, 1), (Direction.CREDIT, 2)]
    assert report.is_clean


def test_a_second_entry_for_the_same_payout_is_a_duplicate() -> None:
    report = match_statement(
        [ours("po-4", 10_000)],
        [theirs("po-4", 10_000, row=1), theirs("po-4", 10_000, row=2, at=T0 + timedelta(hours=1))],
    )

    assert [p.theirs.row for p in report.matched] == [1]  # the closer in time wins
    assert [(d.ours.reference, d.theirs.row) for d in report.duplicates] == [("po-4", 2)]
    assert report.missing_on_our_side == ()


def test_without_a_reference_entries_match_by_amount_direction_and_the_closest_date_in_the_window() -> None:
    report = match_statement(
        [ours("po-5", 7_700), ours("po-6", 7_700, at=T0 + timedelta(days=2))],
        [
            theirs(None, 7_700, row=1, at=T0 + timedelta(days=2, hours=1)),  # closest to po-6
            theirs("BANKREF", 7_700, row=2, at=T0 + timedelta(hours=3)),  # closest to po-5
            theirs(None, 7_700, row=3, at=T0 + timedelta(days=4)),  # po-5 is 4 days away: outside
            theirs(None, 7_700, row=4, direction=Direction.CREDIT),  # wrong direction
        ],
    )

    assert [(p.ours.reference, p.theirs.row, p.method) for p in report.matched] == [
        ("po-5", 2, MatchMethod.AMOUNT_AND_DATE),
        ("po-6", 1, MatchMethod.AMOUNT_AND_DATE),
    ]
    assert [e.row for e in report.missing_on_our_side] == [3, 4]


def test_the_date_window_is_a_parameter() -> None:
    report = match_statement(
        [ours("po-7", 100)], [theirs(None, 100, row=1, at=T0 + timedelta(days=2))], timedelta(days=1)
    )

    assert report.matched == ()
    assert [m.reference for m in report.missing_on_their_side] == ["po-7"]
    assert [e.row for e in report.missing_on_our_side] == [1]


def test_a_bank_fee_of_the_same_amount_is_not_taken_for_a_refund() -> None:
    report = match_statement([ours("rf-1", 500, kind=EntryKind.REFUND)], [theirs(None, 500, row=1, kind=EntryKind.FEE)])

    assert report.matched == ()
    assert len(report.missing_on_their_side) == len(report.missing_on_our_side) == 1


def test_the_provider_reference_we_recorded_also_matches() -> None:
    report = match_statement(
        [ours("rf-2", 1_999, kind=EntryKind.REFUND, provider_reference="RF0002")],
        [theirs("something-else", 1_999, row=1, kind=EntryKind.REFUND, provider_reference="RF0002")],
    )

    assert [(p.theirs.row, p.method) for p in report.matched] == [(1, MatchMethod.REFERENCE)]


def test_a_failed_refund_row_is_never_paired_and_our_refund_stays_missing_on_their_side() -> None:
    report = match_statement(
        [ours("rf-3", 500, kind=EntryKind.REFUND)], [theirs("rf-3", 500, row=3, kind=EntryKind.REFUND, settled=False)]
    )

    assert [e.row for e in report.not_settled] == [3]
    assert [m.reference for m in report.missing_on_their_side] == ["rf-3"]
    assert report.matched == ()


def test_matching_does_not_depend_on_input_order() -> None:
    our_side = [ours("po-1", 100), ours("po-2", 100), ours("po-3", 200, at=T0 + timedelta(days=1))]
    their_side = [theirs(None, 100, row=1), theirs(None, 100, row=2), theirs("po-3", 250, row=3)]

    forward = match_statement(our_side, their_side)
    backward = match_statement(our_side[::-1], their_side[::-1])

    assert forward == backward
    assert [(p.ours.reference, p.theirs.row) for p in forward.matched] == [("po-1", 1), ("po-2", 2)]


# --- property: one-to-one, every input in exactly one bucket ---------------------------------------

references = st.sampled_from(["po-1", "po-2", "po-3", "rf-1", "rf-2"])
amounts = st.sampled_from([100, 250, 999, 100_000])
offsets = st.integers(min_value=-6 * 24, max_value=6 * 24).map(lambda hours: T0 + timedelta(hours=hours))
directions = st.sampled_from(list(Direction))
kinds = st.sampled_from([EntryKind.PAYOUT, EntryKind.REFUND, EntryKind.OTHER])

our_movements = st.builds(
    lambda reference, amount, at, direction, kind: ours(
        reference, amount, at=at, direction=direction, kind=EntryKind.PAYOUT if kind is EntryKind.OTHER else kind
    ),
    references,
    amounts,
    offsets,
    directions,
    kinds,
)
statement_entries = st.builds(
    lambda reference, amount, at, direction, kind, settled: (reference, amount, at, direction, kind, settled),
    st.one_of(st.none(), references, st.just("unknown")),
    amounts,
    offsets,
    directions,
    kinds,
    st.booleans(),
)


def _buckets(report: MatchReport) -> tuple[list[object], list[object]]:
    our_side: list[object] = [p.ours for p in report.matched] + [d.ours for d in report.amount_differs]
    our_side += list(report.missing_on_their_side)
    their_side: list[object] = [p.theirs for p in report.matched] + [d.theirs for d in report.amount_differs]
    their_side += [d.theirs for d in report.duplicates] + list(report.missing_on_our_side) + list(report.not_settled)
    return our_side, their_side


@settings(max_examples=300, deadline=None)
@given(st.lists(our_movements, max_size=8), st.lists(statement_entries, max_size=10))
def test_matching_is_one_to_one_and_every_input_lands_in_exactly_one_bucket(our_side, raw_entries) -> None:  # type: ignore[no-untyped-def]
    their_side = [
        theirs(reference, amount, row, at=at, direction=direction, kind=kind, settled=settled)
        for row, (reference, amount, at, direction, kind, settled) in enumerate(raw_entries, start=1)
    ]

    report = match_statement(our_side, their_side)

    placed_ours, placed_theirs = _buckets(report)
    # Identity, not equality: two equal inputs are still two inputs.
    assert sorted(map(id, placed_ours)) == sorted(map(id, our_side))
    assert sorted(map(id, placed_theirs)) == sorted(map(id, their_side))
    for pair in report.matched:
        assert pair.ours.direction is pair.theirs.direction
        assert (pair.ours.amount_minor, pair.ours.currency) == (pair.theirs.amount_minor, pair.theirs.currency)
        if pair.method is MatchMethod.AMOUNT_AND_DATE:
            assert abs(pair.theirs.booked_at - pair.ours.at) <= timedelta(days=3)
    for differs in report.amount_differs:
        assert differs.our_amount_minor != differs.their_amount_minor
        assert differs.theirs.reference == differs.ours.reference
    assert all(entry.settled for entry in placed_theirs if entry not in report.not_settled)  # type: ignore[attr-defined]
    assert report == match_statement(our_side[::-1], their_side[::-1])


# --- the merchant's own records --------------------------------------------------------------------


MAPPING = ColumnMapping(
    order_id="订单号",
    amount="实收金额",
    status="状态",
    date="下单日期",
    date_format="%Y/%m/%d",
    status_map={"已签收": "signed_off", "已退款": "refunded"},
)


def test_the_merchants_gbk_records_are_read_through_the_column_mapping() -> None:
    content = "\n".join(
        [
            "订单号,商品,实收金额,状态,下单日期",
            "ord-1,连衣裙,199.00,已签收,2026/11/27",
            "ord-2,T恤,-19.90,已退款,2026/11/28",
        ]
    ).encode("gbk")

    records = parse_merchant_records(content, MAPPING, encoding="gbk")

    assert [(r.order_id, r.amount_minor, r.currency, r.status, r.at, r.row) for r in records] == [
        ("ord-1", 19_900, "CNY", "signed_off", date(2026, 11, 27), 2),
        ("ord-2", -1_990, "CNY", "refunded", date(2026, 11, 28), 3),
    ]
    assert records[0].raw["商品"] == "连衣裙"
    with_bom = parse_merchant_records(b"\xef\xbb\xbf" + content.decode("gbk").encode(), MAPPING)
    assert with_bom == records


def _record(order_id: str, amount_minor: int, status: str | None, row: int) -> MerchantRecord:
    return MerchantRecord(order_id, amount_minor, "CNY", status, date(2026, 11, 27), row, {})


def test_each_kind_of_discrepancy_is_reported_with_the_figures_on_both_sides() -> None:
    our_side = [
        OurOrderFigure("ord-1", 19_900, "CNY", "signed_off"),  # agrees
        OurOrderFigure("ord-2", 5_000, "CNY", "signed_off"),  # they wrote 50.10
        OurOrderFigure("ord-3", 8_800, "CNY", "refunded"),  # they still say signed off
        OurOrderFigure("ord-4", 1_200, "CNY", "signed_off"),  # they have nothing
        OurOrderFigure("ord-6", 3_000, "CNY", "signed_off"),  # they have it twice
        OurOrderFigure("ord-7", 100, "CNY", "signed_off"),  # amount and status both differ
    ]
    their_side = [
        _record("ord-1", 19_900, "signed_off", 2),
        _record("ord-2", 5_010, "signed_off", 3),
        _record("ord-3", 8_800, "Signed_Off", 4),
        _record("ord-5", 700, "signed_off", 5),  # we have nothing
        _record("ord-6", 3_000, "signed_off", 6),
        _record("ord-6", 3_000, "signed_off", 7),
        _record("ord-7", 200, "refunded", 8),
    ]

    discrepancies = match_merchant_records(our_side, their_side)

    assert [
        (d.type, d.order_id, d.our_amount_minor, d.their_amount_minor, d.our_status, d.their_status, d.their_rows)
        for d in discrepancies
    ] == [
        (DiscrepancyType.AMOUNT_DIFFERS, "ord-2", 5_000, 5_010, "signed_off", "signed_off", (3,)),
        (DiscrepancyType.STATUS_DIFFERS, "ord-3", 8_800, 8_800, "refunded", "Signed_Off", (4,)),
        (DiscrepancyType.MISSING_ON_THEIR_SIDE, "ord-4", 1_200, None, "signed_off", None, ()),
        (DiscrepancyType.MISSING_ON_OUR_SIDE, "ord-5", None, 700, None, "signed_off", (5,)),
        (DiscrepancyType.DUPLICATE, "ord-6", 3_000, None, "signed_off", None, (6, 7)),
        (DiscrepancyType.AMOUNT_DIFFERS, "ord-7", 100, 200, "signed_off", "refunded", (8,)),
        (DiscrepancyType.STATUS_DIFFERS, "ord-7", 100, 200, "signed_off", "refunded", (8,)),
    ]
    assert [record.amount_minor for record in discrepancies[4].theirs] == [3_000, 3_000]
    assert {d.value for d in DiscrepancyType} == {
        "missing_on_our_side",
        "missing_on_their_side",
        "amount_differs",
        "status_differs",
        "duplicate",
    }


def test_records_without_a_status_column_are_compared_by_amount_only() -> None:
    discrepancies = match_merchant_records(
        [OurOrderFigure("ord-1", 19_900, "CNY", "signed_off")], [_record("ord-1", 19_900, None, 2)]
    )

    assert discrepancies == []


def test_our_own_id_wins_over_a_provider_reference_two_of_our_movements_share() -> None:
    """Providers number per day or per process: a reused provider reference must not steal the
    entry that names our payout by its own id, even when the amounts differ."""
    from datetime import UTC, datetime

    from recon_svc.domain.imports.model import Direction, EntryKind, StatementEntry, StatementSource
    from recon_svc.domain.matching import OurMovement, match_statement

    at = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    older = OurMovement("PO-old", "PO202611270000000001", EntryKind.PAYOUT, Direction.DEBIT, 9500, "CNY", at)
    ours = OurMovement("PO-new", "PO202611270000000001", EntryKind.PAYOUT, Direction.DEBIT, 10109, "CNY", at)
    entry = StatementEntry(
        StatementSource.CAMT053, "PO-new", "PO202611270000000001", Direction.DEBIT, 10119, "CNY", at, None,
        EntryKind.PAYOUT, None, {}, 1,
    )  # fmt: skip
    report = match_statement([older, ours], [entry])
    [difference] = report.amount_differs
    assert difference.ours.reference == "PO-new"
    assert (difference.ours.amount_minor, difference.theirs.amount_minor) == (10109, 10119)
    assert [m.reference for m in report.missing_on_their_side] == ["PO-old"]

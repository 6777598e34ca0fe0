"""Issue #22: each import matches exactly the period its file declares, the same way for every
source, with a payment dated by when the buyer paid (Beijing time) and a refund by its completion;
and a refused file names the row and the column of every error.

The day in these tests is 2026-12-06 (Beijing time, UTC+08:00): its bills cover
[2026-12-06 00:00:00+08:00, 2026-12-07 00:00:00+08:00) = [2026-12-05 16:00Z, 2026-12-06 16:00Z).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from recon_support import alipay_bill, alipay_row, camt053, payout_entry, wechat_bill, wechat_row

from recon_svc.domain.imports import (
    CHINA_STANDARD_TIME,
    DeclaredPeriod,
    Direction,
    EntryKind,
    ImportRefused,
    parse_alipay_bill,
    parse_camt053,
    parse_sandbox_refunds,
    parse_wechat_trade_bill,
    period_the_file_declares,
)
from recon_svc.domain.imports.period import assume_zone, period_in_file_name
from recon_svc.domain.matching import (
    PLACED_AT_FALLBACK,
    OurMovement,
    match_statement,
    movements_in_scope,
    payment_of,
)

CST = CHINA_STANDARD_TIME
DAY = date(2026, 12, 6)
NEXT_DAY = date(2026, 12, 7)


def at(text: str) -> datetime:
    """A Beijing time, as the wallets print it."""
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def wechat_day(day: date) -> DeclaredPeriod:
    return period_the_file_declares(None, file_name=None, bill_date=day.isoformat(), zone=CST)


# --- one notion of the period a file declares ------------------------------------------------------


def test_a_day_is_midnight_to_midnight_in_beijing_time_and_its_last_second_belongs_to_it() -> None:
    period = wechat_day(DAY)

    assert (period.start, period.end) == (at("2026-12-06 00:00:00"), at("2026-12-07 00:00:00"))
    assert period.start == datetime(2026, 12, 5, 16, 0, tzinfo=UTC)  # 00:00 +08:00 is 16:00 the day before
    assert period.contains(at("2026-12-06 23:59:58"))
    assert period.contains(at("2026-12-06 23:59:59.999999"))
    assert not period.contains(at("2026-12-07 00:00:00"))  # the end is exclusive: the next day's
    assert not period.contains(at("2026-12-05 23:59:59"))


def test_alipay_wechat_and_camt053_declare_the_same_day_the_same_way() -> None:
    alipay = parse_alipay_bill(alipay_bill(DAY, [], trades=(0, "0.00"))).declared_period
    # camt.053 FrToDt 00:00:00 to 23:59:59, both inclusive: 23:59:59 covers its whole second
    camt = parse_camt053(
        camt053([], opening="0.00", closing="0.00", period=("2026-12-06T00:00:00+08:00", "2026-12-06T23:59:59+08:00"))
    ).declared_period
    # the OCA example's style: 23:59:59.999 covers its whole millisecond
    camt_ms = parse_camt053(
        camt053([], opening="0.00", closing="0.00", period=("2026-12-05T16:00:00Z", "2026-12-06T15:59:59.999Z"))
    ).declared_period
    by_name = period_the_file_declares(None, file_name="1900000109All2026-12-06.csv", bill_date=None, zone=CST)

    assert alipay is not None
    assert camt is not None
    assert camt_ms is not None
    spans = {(p.start, p.end) for p in (alipay, camt, camt_ms, wechat_day(DAY), by_name)}
    assert spans == {(at("2026-12-06 00:00:00"), at("2026-12-07 00:00:00"))}
    assert [p.declared_by for p in (alipay, camt, wechat_day(DAY), by_name)] == [
        "header #起始日期/终止日期",
        "Stmt/FrToDt",
        "bill_date 2026-12-06",
        "file name '1900000109All2026-12-06.csv'",
    ]


def test_a_camt053_without_frtodt_declares_the_days_of_its_booked_balances() -> None:
    # the builder dates OPBD and CLBD 2026-11-27
    parsed = parse_camt053(camt053([], opening="10.00", closing="10.00", period=None))

    assert parsed.declared_period == DeclaredPeriod(
        at("2026-11-27 00:00:00"), at("2026-11-28 00:00:00"), "the booked balances' dates (Stmt/Bal/Dt)"
    )


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("refunds-2026-12-06.csv", DAY, DAY),  # the refund sandbox's statement
        ("1900000109All2026-12-06.csv", DAY, DAY),
        ("20880211096256330156_20261206_业务明细.csv", DAY, DAY),  # the 20-digit userId is not a date
        ("微信支付账单(20261201-20261206).csv", date(2026, 12, 1), DAY),
    ],
)
def test_the_day_in_a_vendors_file_name_is_read(name: str, first: date, last: date) -> None:
    period = period_in_file_name(name, CST)

    assert period is not None
    assert (period.start, period.end) == (at(f"{first} 00:00:00"), at(f"{last + timedelta(days=1)} 00:00:00"))


@pytest.mark.parametrize("name", ["bill.csv", "trades-20261399.csv", "a-2026-12-06-2026-12-07-2026-12-08.csv"])
def test_a_file_name_without_one_date_or_two_declares_nothing(name: str) -> None:
    assert period_in_file_name(name, CST) is None


def test_what_the_content_declares_wins_over_the_name() -> None:
    declared = parse_alipay_bill(alipay_bill(DAY, [], trades=(0, "0.00"))).declared_period

    period = period_the_file_declares(declared, file_name="export-2026-12-09.csv", bill_date=None, zone=CST)

    assert period == declared


@pytest.mark.parametrize(
    ("file_name", "bill_date", "message"),
    [
        (None, None, "does not state its period"),
        ("bill.csv", None, "does not state its period"),
        (None, "2026-12-32", "'2026-12-32' is not a date"),
        ("refunds-2026-12-07.csv", "2026-12-06", "bill_date 2026-12-06 disagrees with the file name"),
    ],
)
def test_a_bill_that_does_not_say_which_day_it_is_for_is_refused(
    file_name: str | None, bill_date: str | None, message: str
) -> None:
    with pytest.raises(ImportRefused) as refused:
        period_the_file_declares(None, file_name=file_name, bill_date=bill_date, zone=CST)

    [problem] = refused.value.problems
    assert (problem.row, problem.column) == (None, "bill_date")
    assert message in problem.message


def test_wechat_pays_own_bill_date_form_is_accepted() -> None:
    assert period_the_file_declares(None, file_name=None, bill_date="20261206", zone=CST) == DeclaredPeriod(
        at("2026-12-06 00:00:00"), at("2026-12-07 00:00:00"), "bill_date 2026-12-06"
    )


# --- our movements dated by when the money moved -------------------------------------------------


def test_a_payment_is_dated_by_when_it_was_paid_and_falls_back_to_placed_only_without_it() -> None:
    paid = payment_of("ord-1", 3000, "CNY", paid_at=at("2026-12-06 23:30:05"), placed_at=at("2026-12-07 00:02:11"))
    folded_before = payment_of("ord-2", 3000, "CNY", paid_at=None, placed_at=at("2026-12-07 00:02:11"))

    assert (paid.at, paid.dated_by) == (at("2026-12-06 23:30:05"), "paid_at")
    assert (folded_before.at, folded_before.dated_by) == (at("2026-12-07 00:02:11"), PLACED_AT_FALLBACK)


def test_a_time_without_an_offset_is_beijing_time_and_one_with_an_offset_keeps_its_instant() -> None:
    assert assume_zone(datetime(2026, 12, 6, 23, 59, 58), CST) == at("2026-12-06 23:59:58")
    # 15:59:58Z is 23:59:58 in Beijing: still the 6th's
    in_utc = assume_zone(datetime(2026, 12, 6, 15, 59, 58, tzinfo=UTC), CST)
    assert wechat_day(DAY).contains(in_utc)
    assert not wechat_day(NEXT_DAY).contains(in_utc)


def _bills() -> tuple[list[OurMovement], bytes, bytes]:
    """ord-a paid 23:59:58 (20.00), ord-b paid 23:30:05 and accepted after midnight (30.00), both
    through WeChat Pay on the 6th; ord-b cancelled and its 30.00 refund completed at 00:00:41 on
    the 7th. The 6th's bill: 2 payments, 20.00 + 30.00 = 50.00. The 7th's: the refund of 30.00."""
    ours = [
        payment_of("ord-a", 2000, "CNY", paid_at=at("2026-12-06 23:59:58"), placed_at=at("2026-12-07 00:00:07")),
        payment_of("ord-b", 3000, "CNY", paid_at=at("2026-12-06 23:30:05"), placed_at=at("2026-12-07 00:00:09")),
        OurMovement("rf-b", "5030", EntryKind.REFUND, Direction.DEBIT, 3000, "CNY", at("2026-12-07 00:00:41")),
    ]
    sixth = wechat_bill(
        [
            wechat_row("2026-12-06 23:30:05", "4200000001", "ord-b", "SUCCESS", "30.00"),
            wechat_row("2026-12-06 23:59:58", "4200000002", "ord-a", "SUCCESS", "20.00"),
        ],
        "`2,`50.00,`0.00,`0.00,`0.30000,`50.00,`0.00",
    )
    seventh = wechat_bill(
        [wechat_row("2026-12-07 00:00:41", "4200000001", "ord-b", "REFUND", "30.00", refund=("5030", "rf-b", "30.00"))],
        "`1,`0.00,`30.00,`0.00,`0.00000,`0.00,`30.00",
    )
    return ours, sixth, seventh


def _match_day(ours: list[OurMovement], bill: bytes, day: date) -> tuple[list[str], list[str], list[str]]:
    parsed = parse_wechat_trade_bill(bill)
    named = {r for e in parsed.entries for r in (e.reference, e.provider_reference) if r}
    report = match_statement(movements_in_scope(ours, wechat_day(day), named), parsed.entries)
    return (
        [pair.ours.reference for pair in report.matched],
        [movement.reference for movement in report.missing_on_their_side],
        [entry.reference or "" for entry in report.missing_on_our_side],
    )


def test_a_payment_just_before_midnight_is_on_its_days_bill_and_not_on_the_next() -> None:
    ours, sixth, seventh = _bills()

    # the 6th: both payments match (2000 + 3000 = 5000 of 50.00); the refund of the 7th is not asked for
    assert _match_day(ours, sixth, DAY) == (["ord-a", "ord-b"], [], [])
    # the 7th: the refund matches; neither payment is reported, though both orders were placed that day
    assert _match_day(ours, seventh, NEXT_DAY) == (["rf-b"], [], [])


def test_a_payment_dated_by_placement_would_be_a_false_discrepancy_on_the_next_days_bill() -> None:
    ours, _, seventh = _bills()
    placed = [
        OurMovement(m.reference, None, m.kind, m.direction, m.amount_minor, m.currency, at("2026-12-07 00:00:07"))
        if m.kind is EntryKind.PAYMENT
        else m
        for m in ours
    ]

    # what recon did before: the 7th's bill reported both payments missing on WeChat's side
    assert _match_day(placed, seventh, NEXT_DAY) == (["rf-b"], ["ord-a", "ord-b"], [])


def test_a_payment_paid_on_the_day_but_missing_from_its_bill_is_reported_on_that_day_only() -> None:
    ours, sixth, seventh = _bills()
    sixth_without_a = sixth.replace(
        wechat_row("2026-12-06 23:59:58", "4200000002", "ord-a", "SUCCESS", "20.00").encode() + b"\n", b""
    )

    assert _match_day(ours, sixth_without_a, DAY) == (["ord-b"], ["ord-a"], [])
    assert _match_day(ours, seventh, NEXT_DAY)[1] == []


# --- a refused file names row and column ---------------------------------------------------------


def _problems(refused: pytest.ExceptionInfo[ImportRefused]) -> list[tuple[int | None, str | None]]:
    return [(problem.row, problem.column) for problem in refused.value.problems]


def test_a_wechat_row_short_of_a_field_names_the_first_header_without_a_value_and_the_misplaced_amount() -> None:
    good = wechat_row("2026-12-06 10:00:00", "4200000003", "ord-c", "SUCCESS", "136.80")
    # 商户号 (the 3rd field) lost: every later value moves one column left, so 货币种类 gets "136.80"
    short = ",".join(field for index, field in enumerate(good.split(",")) if index != 2)
    bill = wechat_bill([good, short], "`2,`273.60,`0.00,`0.00,`0.00720,`273.60,`0.00")

    with pytest.raises(ImportRefused) as refused:
        parse_wechat_trade_bill(bill)

    assert _problems(refused) == [(3, "费率备注"), (3, "货币种类")]
    assert refused.value.problems[0].message.startswith("no value: the row has 26 fields, the header 27")
    assert refused.value.problems[1].message == "'136.80' is not an ISO 4217 currency code"


def test_an_alipay_row_short_of_a_field_names_the_first_header_without_a_value_and_the_misplaced_time() -> None:
    good = alipay_row("2026120622001", "ord-d", "交易", "2026-12-06 10:00:00", "2026-12-06 10:00:05", "20.00")
    # 商品名称 (the 4th field) lost: 完成时间 receives 门店编号's empty value
    short = ",".join(field for index, field in enumerate(good.split(",")) if index != 3)
    bill = alipay_bill(DAY, [good, short], trades=(2, "40.00"))

    with pytest.raises(ImportRefused) as refused:
        parse_alipay_bill(bill)

    # line 5 is the header, so the rows are lines 6 and 7; the footer is not compared with a bad bill
    assert _problems(refused) == [(7, "备注"), (7, "完成时间")]


def test_a_sandbox_refund_row_short_of_fields_names_the_first_missing_column() -> None:
    content = (
        b"request_id,provider_reference,status,amount_minor,currency,occurred_at,reason_code,reason\n"
        b"rf-1-1,RF1,paid,1999,CNY\n"
    )

    with pytest.raises(ImportRefused) as refused:
        parse_sandbox_refunds(content)

    assert _problems(refused) == [(2, "occurred_at")]


def test_a_quote_that_never_closes_names_its_row_and_column() -> None:
    good = wechat_row("2026-12-06 10:00:00", "4200000004", "ord-e", "SUCCESS", "1.00")
    broken = good.replace("`女装 连衣裙", '"`女装 连衣裙')  # 商品名称, the 21st column
    bill = wechat_bill([good, broken], "`2,`2.00,`0.00,`0.00,`0.00000,`2.00,`0.00")

    with pytest.raises(ImportRefused) as refused:
        parse_wechat_trade_bill(bill)

    assert _problems(refused) == [(3, "商品名称")]
    assert "malformed CSV" in refused.value.problems[0].message


CAMT_HEAD = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>S1</Id>
<Ntry><Amt Ccy="CNY">1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-12-06</Dt></BookgDt></Ntry>
"""
CAMT_TAIL = b"</Stmt></BkToCstmrStmt></Document>\n"


def test_a_camt053_that_is_not_well_formed_names_the_entry_and_element_it_breaks_in() -> None:
    broken = b'<Ntry><Amt Ccy="CNY">2.00</Amount><CdtDbtInd>DBIT</CdtDbtInd></Ntry>\n'

    with pytest.raises(ImportRefused) as refused:
        parse_camt053(CAMT_HEAD + broken + CAMT_TAIL)

    assert _problems(refused) == [(2, "Ntry/Amt")]
    assert "malformed XML at line 4" in refused.value.problems[0].message


def test_a_camt053_byte_that_is_not_utf8_names_its_entry_and_element() -> None:
    entry = b'<Ntry><Amt Ccy="CNY">2.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
    entry += b"<BookgDt><Dt>2026-12-06</Dt></BookgDt><AddtlNtryInf>\xc4\xe3\xba\xc3</AddtlNtryInf></Ntry>\n"

    with pytest.raises(ImportRefused) as refused:
        parse_camt053(CAMT_HEAD + entry + CAMT_TAIL)  # 你好 in GBK

    assert _problems(refused) == [(2, "Ntry/AddtlNtryInf")]
    assert "not valid UTF-8: byte 0xC4 at line 4" in refused.value.problems[0].message


def test_camt053_entry_problems_name_the_element_path_from_the_entry() -> None:
    entries = [
        # 2: a status no camt.053 version has
        b'<Ntry><Amt Ccy="CNY">2.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>DONE</Sts>'
        b"<BookgDt><Dt>2026-12-06</Dt></BookgDt></Ntry>",
        # 3: a booking time that is not ISO 8601
        b'<Ntry><Amt Ccy="CNY">2.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
        b"<BookgDt><DtTm>06.12.2026 10:00</DtTm></BookgDt></Ntry>",
        # 4: the second transaction of a batch below a fen
        b'<Ntry><Amt Ccy="CNY">3.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
        b"<BookgDt><Dt>2026-12-06</Dt></BookgDt><NtryDtls>"
        b'<TxDtls><AmtDtls><TxAmt><Amt Ccy="CNY">1.00</Amt></TxAmt></AmtDtls></TxDtls>'
        b'<TxDtls><AmtDtls><TxAmt><Amt Ccy="CNY">1.999</Amt></TxAmt></AmtDtls></TxDtls>'
        b"</NtryDtls></Ntry>",
    ]

    with pytest.raises(ImportRefused) as refused:
        parse_camt053(CAMT_HEAD + b"\n".join(entries) + b"\n" + CAMT_TAIL)

    assert _problems(refused) == [
        (2, "Ntry/Sts"),
        (3, "Ntry/BookgDt/DtTm"),
        (4, "Ntry/NtryDtls/TxDtls[2]/AmtDtls/TxAmt/Amt"),
    ]


def test_a_camt053_payout_booked_in_the_last_second_of_the_day_is_in_its_statement() -> None:
    document = camt053(
        [payout_entry("101.09", "po-1", "PO1", "2026-11-27T23:59:59.500+08:00")],
        opening="1000.00",
        closing="898.91",  # 1000.00 − 101.09
    )
    parsed = parse_camt053(document)

    assert parsed.declared_period is not None
    assert parsed.declared_period.contains(parsed.entries[0].booked_at)
    assert parsed.declared_period.end == at("2026-11-28 00:00:00")

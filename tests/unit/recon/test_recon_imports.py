"""Statement importers on the vendors' own examples (/work/shared/formats/), on camt.053 and WeChat
bills built here from the documented formats, and on the payout sandbox's own writer; then the
issue's "Must show": a built camt.053 and WeChat bill matched against our payouts and refunds, one
amount altered on purpose."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from recon_support import (
    camt053,
    payout_entry,
    return_entry,
    wechat_bill,
    wechat_row,
)

from recon_svc.domain.imports import (
    CHINA_STANDARD_TIME,
    DeclaredPeriod,
    Direction,
    EntryKind,
    ImportRefused,
    StatementSource,
    parse_alipay_bill,
    parse_camt053,
    parse_sandbox_refunds,
    parse_wechat_trade_bill,
)
from recon_svc.domain.matching import MatchMethod, OurMovement, match_statement
from simulators.provider_sandbox.statement import (
    DailyStatement,
    RefundStatementRow,
    StatementAccount,
    render_camt053,
    render_refund_csv,
)
from simulators.provider_sandbox.statement import Direction as SandboxDirection
from simulators.provider_sandbox.statement import StatementEntry as SandboxEntry

FORMATS = Path("/work/shared/formats")
CST = CHINA_STANDARD_TIME


def _shared(relative: str) -> bytes:
    path = FORMATS / relative
    if not path.exists():
        pytest.skip(f"shared format example {path} is absent on this machine")
    return path.read_bytes()


# --- the shared vendor examples ------------------------------------------------------------------


def test_the_oca_camt053_example_is_refused_because_its_balances_do_not_reconcile() -> None:
    # formats/camt053/README.md: OPBD 15568.27 + (−754.25 −664.05 +1405.31) = 15555.28, CLBD 15121.12.
    with pytest.raises(ImportRefused) as refused:
        parse_camt053(_shared("camt053/example.xml"))

    [problem] = refused.value.problems
    assert (problem.row, problem.column) == (None, "Stmt/Bal[CLBD]/Amt")  # a statement's, not an entry's
    assert "statement 1234Test/1" in problem.message
    assert "= 15555.28, but CLBD is 15121.12 EUR (difference -434.16)" in problem.message


def test_the_oca_camt053_example_reads_its_batched_reversal_as_two_transactions_when_not_verified() -> None:
    parsed = parse_camt053(_shared("camt053/example.xml"), verify_balances=False)

    assert parsed.header.statement_id == "1234Test/1"
    assert parsed.account == "NL77ABNA0574908765"
    assert (parsed.opening_balance_minor, parsed.closing_balance_minor) == (1_556_827, 1_512_112)
    summary = [(e.row, e.reference, e.direction, e.amount_minor, e.kind) for e in parsed.entries]
    assert summary == [
        (1, "435005714488-ABNO33052620", Direction.DEBIT, 75_425, EntryKind.OTHER),
        # the Btch of 664.05 splits into its two TxDtls, 564.05 + 100.00
        (2, "TESTBANK/NL/20141229/01206408", Direction.DEBIT, 56_405, EntryKind.OTHER),
        (2, "TESTBANK/NL/20141229/01206407", Direction.DEBIT, 10_000, EntryKind.OTHER),
        (3, "115", Direction.CREDIT, 140_531, EntryKind.PAYMENT),  # RCDT: a received credit transfer
    ]
    assert parsed.entries[0].counterparty == "INSURANCE COMPANY TESTX"
    assert parsed.entries[1].raw["TxDtls/RtrInf/Rsn/Cd"] == "AC06"
    assert parsed.entries[1].raw["Ntry/RvslInd"] == "true"
    # A date without a time is midnight, Beijing time by default.
    assert parsed.entries[0].booked_at == datetime(2014, 1, 5, tzinfo=CST)


def test_the_iso_business_sample_camt053_001_04_reconciles_and_keeps_the_entry_currency() -> None:
    parsed = parse_camt053(_shared("camt053/iso_business_sample.camt.053.001.04.xml"))

    header = parsed.header
    assert (header.statement_id, header.account, header.currency) == (
        "AAAASESS-FP-STAT001",
        "50000000054910000003",
        "SEK",
    )
    # 500000 + 105678.50 − 200000 + 30000 = 435678.50
    assert (header.opening_balance_minor, header.closing_balance_minor) == (50_000_000, 43_567_850)
    # FrToDt 08:00 to 17:00 (+01:00), both ends inclusive: the period runs to 17:00:01, exclusive
    assert header.period == DeclaredPeriod(
        datetime.fromisoformat("2010-10-18T08:00:00+01:00"),
        datetime.fromisoformat("2010-10-18T17:00:01+01:00"),
        "Stmt/FrToDt",
    )
    assert [(e.reference, e.provider_reference, e.direction, e.amount_minor) for e in parsed.entries] == [
        ("MUELL/FINP/RA12345", "AAAASESS-FP-CN_98765/01", Direction.CREDIT, 10_567_850),
        ("FINP-0055/001", "AAAASESS-FP-ACCR-01", Direction.DEBIT, 20_000_000),  # batch: its PmtInfId
        ("AAAASS1085FINPSS", "AAAASESS-FP-CONF-FX", Direction.CREDIT, 3_000_000),  # SEK, not the EUR 3255
    ]
    assert parsed.entries[0].booked_at == datetime.fromisoformat("2010-10-18T13:15:00+01:00")
    assert parsed.entries[2].raw["TxDtls/AmtDtls/CntrValAmt/CcyXchg/XchgRate"] == "0.1085"
    assert parsed.document_id == "AAAASESS-FP-STAT001"


def test_the_legacy_wechat_example_with_full_width_colons_is_read() -> None:
    parsed = parse_wechat_trade_bill(_shared("wechat/tradebill_example.csv"))

    assert [(e.row, e.reference, e.provider_reference, e.amount_minor) for e in parsed.entries] == [
        (2, "1415640626", "1001690740201411100005734289", 1),
        (3, "1415635270", "1002780740201411100005729794", 1),
    ]
    assert parsed.entries[0].booked_at == datetime(2014, 11, 10, 16, 33, 45, tzinfo=CST)
    assert {e.kind for e in parsed.entries} == {EntryKind.PAYMENT}
    assert parsed.totals["总交易额"] == "0.02"
    assert parsed.warnings == ()  # the legacy example's summary reconciles: 2 trades, 0.02
    assert parsed.account == "10000100"


@pytest.mark.parametrize(
    ("name", "amount_minor", "booked_at", "count"),
    [
        ("wechat/tradebill_all_2018plus_format.csv", 600, datetime(2019, 7, 25, 8, 35, 41, tzinfo=CST), "48"),
        ("wechat/tradebill_success_2018plus_format.csv", 1, datetime(2019, 7, 23, 18, 46, 41, tzinfo=CST), "31"),
    ],
)
def test_the_2018_plus_wechat_fixtures_are_read_and_their_excerpt_summaries_only_warn(
    name: str, amount_minor: int, booked_at: datetime, count: str
) -> None:
    parsed = parse_wechat_trade_bill(_shared(name))

    [entry] = parsed.entries
    assert (entry.amount_minor, entry.currency, entry.booked_at, entry.direction) == (
        amount_minor,
        "CNY",
        booked_at,
        Direction.CREDIT,
    )
    assert entry.raw["手续费"] in ("0.04000", "0.00000")  # five decimals, kept as written
    assert parsed.totals["总交易单数"] == count
    assert any("总交易单数" in warning for warning in parsed.warnings)


@pytest.mark.parametrize("name", ["alipay/bill_example.csv", "alipay/bill_example.utf8.csv"])
def test_the_alipay_example_reads_the_same_from_gbk_and_from_utf8(name: str) -> None:
    parsed = parse_alipay_bill(_shared(name))

    assert parsed.source is StatementSource.ALIPAY_TRADE_BILL
    assert parsed.account == "20880211096256330156"
    # 起始日期 2019-09-16 00:00:00, 终止日期 2019-09-17 00:00:00 (exclusive): the day of 09-16
    assert parsed.declared_period == DeclaredPeriod(
        datetime(2019, 9, 16, tzinfo=CST), datetime(2019, 9, 17, tzinfo=CST), "header #起始日期/终止日期"
    )
    payments = [e for e in parsed.entries if e.kind is EntryKind.PAYMENT]
    refunds = [e for e in parsed.entries if e.kind is EntryKind.REFUND]
    # The footer: 6 trades +0.06, 4 refunds −0.04 (checked by the parser too).
    assert (len(payments), sum(e.amount_minor for e in payments)) == (6, 6)
    assert (len(refunds), sum(e.signed_amount_minor for e in refunds)) == (4, -4)
    first_refund = refunds[0]
    assert (first_refund.row, first_refund.reference, first_refund.direction) == (
        7,
        "re_test_1568602607356",
        Direction.DEBIT,
    )
    assert first_refund.raw["商户订单号"] == "service_1568601259302"  # the trailing TAB is gone
    assert first_refund.booked_at == datetime(2019, 9, 16, 10, 56, 48, tzinfo=CST)
    assert payments[0].counterparty == "*津水(602***@qq.com)"


def test_the_gbk_and_utf8_alipay_examples_give_identical_entries() -> None:
    gbk = parse_alipay_bill(_shared("alipay/bill_example.csv"))
    utf8 = parse_alipay_bill(_shared("alipay/bill_example.utf8.csv"))
    utf8_bom = parse_alipay_bill(b"\xef\xbb\xbf" + _shared("alipay/bill_example.utf8.csv"))

    assert gbk.entries == utf8.entries == utf8_bom.entries
    assert [e.raw for e in gbk.entries] == [e.raw for e in utf8.entries]


def test_an_alipay_account_bill_is_read_with_income_expense_and_balances() -> None:
    bill = "\n".join(
        [
            "#支付宝账务明细查询",
            "#账号：[20885016245603350156]",
            "#起始日期：[2026年11月27日 00:00:00]   终止日期：[2026年11月28日 00:00:00]",
            "#-----------------------------------------账务明细列表----------------------------------------",
            "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注",
            "20261127001\t,2026112722001\t,ord-1\t,连衣裙,2026-11-27 10:00:00,buyer@example.com\t,199.00,0.00,1199.00,支付宝\t,在线支付\t,",
            "20261127002\t,2026112722002\t,rf-1\t,连衣裙,2026-11-27 11:00:00,buyer@example.com\t,0.00,-19.90,1179.10,支付宝\t,交易退款\t,",
            "20261127003\t,2026112722003\t,\t,服务费,2026-11-27 12:00:00,\t,0.00,1.19,1177.91,支付宝\t,收费\t,",
            "#----------------------------------------账务明细列表结束-------------------------------------",
            "#支出合计：2笔，共21.09元",
            "#收入合计：1笔，共199.00元",
            "#导出时间：[2026年11月28日 09:00:00]",
        ]
    ).encode("gbk")

    parsed = parse_alipay_bill(bill)

    assert parsed.source is StatementSource.ALIPAY_ACCOUNT_BILL
    assert (parsed.opening_balance_minor, parsed.closing_balance_minor) == (100_000, 117_791)
    assert [(e.row, e.reference, e.direction, e.amount_minor, e.kind) for e in parsed.entries] == [
        (6, "ord-1", Direction.CREDIT, 19_900, EntryKind.PAYMENT),
        (7, "rf-1", Direction.DEBIT, 1_990, EntryKind.REFUND),
        (8, "2026112722003", Direction.DEBIT, 119, EntryKind.FEE),
    ]
    assert parsed.warnings == ()


# --- camt.053 and WeChat bills built from the documented formats ---------------------------------


def test_a_built_camt053_001_02_with_a_payout_and_its_return_is_read() -> None:
    # 10000.00 − 1234.56 − 88.80 + 88.80 = 8765.44
    document = camt053(
        [
            payout_entry("1234.56", "po-0001", "PO0001", "2026-11-27T10:30:00.000+08:00"),
            payout_entry("88.80", "po-0003", "PO0003", "2026-11-27T11:00:00.000+08:00"),
            return_entry("88.80", "po-0003", "PO0003", "2026-11-27T15:00:00.000+08:00"),
        ],
        opening="10000.00",
        closing="8765.44",
    )

    parsed = parse_camt053(document)

    assert [
        (e.row, e.reference, e.provider_reference, e.direction, e.amount_minor, e.kind) for e in parsed.entries
    ] == [
        (1, "po-0001", "PO0001", Direction.DEBIT, 123_456, EntryKind.PAYOUT),
        (2, "po-0003", "PO0003", Direction.DEBIT, 8_880, EntryKind.PAYOUT),
        (3, "po-0003", "PO0003-RTN", Direction.CREDIT, 8_880, EntryKind.PAYOUT_RETURN),
    ]
    assert parsed.entries[2].raw["TxDtls/Refs/TxId"] == "PO0003"
    assert parsed.entries[2].raw["TxDtls/RtrInf/Rsn/Cd"] == "AC04"
    assert parsed.entries[2].counterparty == "杭州小店"
    assert parsed.entries[0].value_date == date(2026, 11, 27)


def test_the_001_08_layout_with_wrapped_status_and_transaction_amounts_is_read_the_same() -> None:
    # .08: <Sts><Cd>BOOK</Cd></Sts>, TxDtls/Amt + CdtDbtInd, a batch split by its TxDtls amounts.
    entry = """
      <Ntry>
        <Amt Ccy="CNY">300.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-11-27</Dt></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><Btch><PmtInfId>batch-7</PmtInfId><NbOfTxs>2</NbOfTxs></Btch>
          <TxDtls><Refs><EndToEndId>po-0010</EndToEndId></Refs><Amt Ccy="CNY">100.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>
          <TxDtls><Refs><EndToEndId>po-0011</EndToEndId></Refs><Amt Ccy="CNY">200.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="CNY">1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts>
        <BookgDt><Dt>2026-11-27</Dt></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>CCRD</Cd><SubFmlyCd>CHRG</SubFmlyCd></Fmly></Domn></BkTxCd>
      </Ntry>"""
    # The pending charge is not in the booked balance: 500.00 − 300.00 = 200.00.
    parsed = parse_camt053(camt053([entry], opening="500.00", closing="200.00", version="08"))

    assert [(e.row, e.reference, e.amount_minor, e.kind, e.settled) for e in parsed.entries] == [
        (1, "po-0010", 10_000, EntryKind.PAYOUT, True),
        (1, "po-0011", 20_000, EntryKind.PAYOUT, True),
        (2, None, 100, EntryKind.FEE, False),
    ]
    assert parsed.entries[0].raw["Btch/PmtInfId"] == "batch-7"


def test_a_statement_the_payout_sandbox_writes_is_read_and_matches_our_payouts() -> None:
    booked_at = datetime(2026, 11, 27, 10, 30, tzinfo=CST)
    merchant = {
        "counterparty_name": "杭州小店",
        "counterparty_account": "6222021234567890123",
        "counterparty_bank": "工行",
    }
    entries = (
        SandboxEntry(
            SandboxDirection.DEBIT, 123_456, booked_at, "PO0001", "po-0001", remittance_information="x", **merchant
        ),
        SandboxEntry(
            SandboxDirection.DEBIT, 8_880, booked_at, "PO0003", "po-0003", remittance_information="y", **merchant
        ),
        SandboxEntry(
            SandboxDirection.CREDIT,
            8_880,
            booked_at + timedelta(hours=4),
            "PO0003-RTN",
            "po-0003",
            remittance_information="y",
            original_reference="PO0003",
            return_reason_code="AC04",
            return_reason="beneficiary account closed",
            **merchant,
        ),
    )
    account = StatementAccount("6222000000000000001", "ShipSettle payout account", "CNY", "ShipSettle Sandbox Bank")
    statement = DailyStatement(account, date(2026, 11, 27), 1_000_000, entries, booked_at.replace(hour=23))

    parsed = parse_camt053(render_camt053(statement))

    assert parsed.header.statement_id == "STMT-20261127"
    assert parsed.account == "6222000000000000001"
    assert (parsed.opening_balance_minor, parsed.closing_balance_minor) == (1_000_000, 876_544)
    assert [(e.reference, e.provider_reference, e.kind) for e in parsed.entries] == [
        ("po-0001", "PO0001", EntryKind.PAYOUT),
        ("po-0003", "PO0003", EntryKind.PAYOUT),
        ("po-0003", "PO0003-RTN", EntryKind.PAYOUT_RETURN),
    ]
    assert parsed.entries[2].raw["TxDtls/RtrInf/AddtlInf"] == "beneficiary account closed"
    ours = [
        OurMovement("po-0001", "PO0001", EntryKind.PAYOUT, Direction.DEBIT, 123_456, "CNY", booked_at),
        OurMovement("po-0003", "PO0003", EntryKind.PAYOUT, Direction.DEBIT, 8_880, "CNY", booked_at),
        OurMovement("po-0003", None, EntryKind.PAYOUT_RETURN, Direction.CREDIT, 8_880, "CNY", booked_at),
    ]
    report = match_statement(ours, list(parsed.entries))
    assert report.is_clean
    assert len(report.matched) == 3


def test_the_sandbox_refund_csv_is_read_with_failed_refunds_not_settled() -> None:
    at = datetime(2026, 11, 27, 10, 30, tzinfo=CST)
    content = render_refund_csv(
        [
            RefundStatementRow("rf-1", "RF0001", "paid", 1_999, "CNY", at, None, None),
            RefundStatementRow("rf-2", "RF0002", "failed", 500, "CNY", at, "REFUND_WINDOW_EXPIRED", "window, expired"),
        ]
    )

    parsed = parse_sandbox_refunds(content)

    assert [(e.row, e.reference, e.provider_reference, e.amount_minor, e.settled) for e in parsed.entries] == [
        (2, "rf-1", "RF0001", 1_999, True),
        (3, "rf-2", "RF0002", 500, False),
    ]
    assert parsed.entries[1].raw["reason"] == "window, expired"  # the quoted comma survives
    assert parsed.entries[0].booked_at == at
    assert parsed.entries[0].direction is Direction.DEBIT


def test_a_built_wechat_all_bill_reads_payments_and_refunds() -> None:
    bill = wechat_bill(
        [
            wechat_row("2026-11-27 09:15:02", "4200001", "ord-1", "SUCCESS", "199.00"),
            wechat_row(
                "2026-11-27 13:40:00", "4200001", "ord-1", "REFUND", "199.00", refund=("5030001", "rf-1", "19.99")
            ),
        ],
        "`2,`199.00,`19.99,`0.00,`0.00360,`199.00,`19.99",
    )

    parsed = parse_wechat_trade_bill(bill)

    assert [
        (e.row, e.reference, e.provider_reference, e.direction, e.amount_minor, e.kind) for e in parsed.entries
    ] == [
        (2, "ord-1", "4200001", Direction.CREDIT, 19_900, EntryKind.PAYMENT),
        (3, "rf-1", "5030001", Direction.DEBIT, 1_999, EntryKind.REFUND),
    ]
    assert parsed.warnings == ()
    assert parsed.entries[0].raw["商品名称"] == "女装 连衣裙"
    # The same bill re-saved by Excel as GBK (with CRLF) reads the same.
    resaved = parse_wechat_trade_bill(bill.decode().replace("\n", "\r\n").encode("gbk"))
    assert resaved.entries == parsed.entries


# --- Must show: built files matched against our payouts and refunds ------------------------------


def test_a_built_camt053_and_wechat_bill_match_our_books_and_the_altered_amount_is_reported() -> None:
    at = datetime(2026, 11, 27, 10, 0, tzinfo=CST)
    ours = [
        OurMovement("po-0001", None, EntryKind.PAYOUT, Direction.DEBIT, 123_456, "CNY", at),
        OurMovement("po-0002", None, EntryKind.PAYOUT, Direction.DEBIT, 50_000, "CNY", at),
        OurMovement("po-0003", None, EntryKind.PAYOUT, Direction.DEBIT, 8_880, "CNY", at),
        OurMovement("po-0003", None, EntryKind.PAYOUT_RETURN, Direction.CREDIT, 8_880, "CNY", at + timedelta(hours=5)),
        OurMovement("rf-1", None, EntryKind.REFUND, Direction.DEBIT, 1_999, "CNY", at),
        OurMovement("rf-2", None, EntryKind.REFUND, Direction.DEBIT, 500, "CNY", at),
    ]
    # The bank paid po-0002 as 500.10, not 500.00 (altered on purpose); its own file still balances:
    # 10000.00 − 1234.56 − 500.10 − 88.80 + 88.80 = 8265.34
    bank = parse_camt053(
        camt053(
            [
                payout_entry("1234.56", "po-0001", "PO0001", "2026-11-27T10:30:00+08:00"),
                payout_entry("500.10", "po-0002", "PO0002", "2026-11-27T10:31:00+08:00"),
                payout_entry("88.80", "po-0003", "PO0003", "2026-11-27T10:32:00+08:00"),
                return_entry("88.80", "po-0003", "PO0003", "2026-11-27T15:00:00+08:00"),
            ],
            opening="10000.00",
            closing="8265.34",
        )
    )
    wechat = parse_wechat_trade_bill(
        wechat_bill(
            [
                wechat_row("2026-11-27 09:00:00", "4200001", "ord-1", "SUCCESS", "199.00"),
                wechat_row(
                    "2026-11-27 11:00:00", "4200001", "ord-1", "REFUND", "199.00", refund=("5031", "rf-1", "19.99")
                ),
                wechat_row(
                    "2026-11-27 11:05:00", "4200002", "ord-2", "REFUND", "5.00", refund=("5032", "rf-2", "5.00")
                ),
            ],
            "`3,`199.00,`24.99,`0.00,`0.01000,`199.00,`24.99",
        )
    )

    report = match_statement(ours, [*bank.entries, *wechat.entries])

    assert [(p.ours.reference, p.ours.direction, p.method) for p in report.matched] == [
        ("po-0001", Direction.DEBIT, MatchMethod.REFERENCE),
        ("po-0003", Direction.DEBIT, MatchMethod.REFERENCE),
        ("po-0003", Direction.CREDIT, MatchMethod.REFERENCE),
        ("rf-1", Direction.DEBIT, MatchMethod.REFERENCE),
        ("rf-2", Direction.DEBIT, MatchMethod.REFERENCE),
    ]
    [differs] = report.amount_differs
    assert (differs.ours.reference, differs.our_amount_minor, differs.their_amount_minor) == ("po-0002", 50_000, 50_010)
    assert differs.difference_minor == 10
    assert differs.theirs.row == 2
    # The buyer's payment is on WeChat's side only: we gave recon no payment movements here.
    assert [(e.reference, e.kind) for e in report.missing_on_our_side] == [("ord-1", EntryKind.PAYMENT)]
    assert report.missing_on_their_side == ()
    assert report.duplicates == ()

"""Issue #7 "Bad input": wrong encoding, missing columns, unparseable amounts or dates, files too
large, malformed XML — each refused whole, naming the row and column; nothing half-imported."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recon_svc.domain.imports import (
    ColumnMapping,
    ImportProblem,
    ImportRefused,
    camt053,
    parse_alipay_bill,
    parse_camt053,
    parse_merchant_records,
    parse_sandbox_refunds,
    parse_wechat_trade_bill,
)
from recon_svc.domain.imports._common import AmountError, format_minor, parse_amount_minor

WECHAT_HEADER = "交易时间,微信订单号,商户订单号,交易状态,货币种类,应结订单金额,微信退款单号,商户退款单号,退款金额"
WECHAT_SUMMARY = "总交易单数,应结订单总金额,退款总金额\n`2,`3.00,`0.00\n"
MAPPING = ColumnMapping(order_id="订单号", amount="金额", status="状态", date="日期", date_format="%Y-%m-%d")


def _problems(refused: pytest.ExceptionInfo[ImportRefused]) -> list[tuple[int | None, str | None]]:
    return [(problem.row, problem.column) for problem in refused.value.problems]


def _wechat(*rows: str) -> bytes:
    return (WECHAT_HEADER + "\n" + "\n".join(rows) + "\n" + WECHAT_SUMMARY).encode()


GOOD_ROW = "`2026-11-27 10:00:00,`4200001,`ord-1,`SUCCESS,`CNY,`1.00,`0,`0,`0.00"


# --- wrong encoding -------------------------------------------------------------------------------


def test_a_wechat_bill_with_a_byte_that_is_not_utf8_is_refused_naming_its_row_and_column() -> None:
    content = _wechat(GOOD_ROW, GOOD_ROW.replace("ord-1", "ord-2")).replace(b"ord-2", b"ord-\xff2")

    with pytest.raises(ImportRefused) as refused:
        parse_wechat_trade_bill(content)

    assert _problems(refused) == [(3, "商户订单号")]
    assert "not valid UTF-8: byte 0xFF" in refused.value.problems[0].message


def test_an_alipay_bill_in_utf16_is_refused_naming_the_first_line() -> None:
    content = "#支付宝业务明细查询\n支付宝交易号,商户订单号\n".encode("utf-16")

    with pytest.raises(ImportRefused) as refused:
        parse_alipay_bill(content)

    assert refused.value.problems[0].row == 1
    assert "not valid GBK" in refused.value.problems[0].message


def test_merchant_records_declared_utf8_but_saved_as_gbk_are_refused_naming_row_and_column() -> None:
    content = "订单号,金额,状态,日期\nord-1,1.00,ok,2026-11-27\nord-2,2.00,已签收,2026-11-27\n".encode("gbk")

    with pytest.raises(ImportRefused) as refused:
        parse_merchant_records(content, MAPPING, encoding="utf-8")

    # The GBK header does not decode as UTF-8 either, so columns are named by position.
    assert _problems(refused) == [(1, "column 1"), (3, "column 3")]


def test_a_utf8_file_with_one_line_pasted_in_gbk_names_that_row_and_its_column() -> None:
    content = "订单号,金额,状态,日期\nord-1,1.00,ok,2026-11-27\n".encode() + "ord-2,2.00,已签收,2026-11-27\n".encode(
        "gbk"
    )

    with pytest.raises(ImportRefused) as refused:
        parse_merchant_records(content, MAPPING, encoding="utf-8")

    assert _problems(refused) == [(3, "状态")]


def test_an_encoding_the_formats_do_not_document_is_refused() -> None:
    with pytest.raises(ImportRefused, match="not supported"):
        parse_merchant_records(b"a,b\n", MAPPING, encoding="latin-1")


def test_a_camt053_declaring_another_encoding_is_refused() -> None:
    content = b'<?xml version="1.0" encoding="ISO-8859-1"?><Document/>'

    with pytest.raises(ImportRefused) as refused:
        parse_camt053(content)

    assert _problems(refused) == [(None, "?xml@encoding")]


# --- missing columns ------------------------------------------------------------------------------


def test_a_wechat_bill_without_required_columns_names_them() -> None:
    content = "交易时间,商户订单号,货币种类\n`2026-11-27 10:00:00,`ord-1,`CNY\n总交易单数\n`1\n".encode()

    with pytest.raises(ImportRefused) as refused:
        parse_wechat_trade_bill(content)

    assert _problems(refused) == [(1, "微信订单号, 交易状态"), (1, "应结订单金额 (or 总金额)")]


def test_merchant_records_without_the_mapped_amount_column_name_it() -> None:
    content = "订单号,状态,日期\nord-1,ok,2026-11-27\n".encode()

    with pytest.raises(ImportRefused) as refused:
        parse_merchant_records(content, MAPPING)

    assert _problems(refused) == [(1, "金额")]


def test_a_sandbox_refund_file_without_a_column_names_it() -> None:
    content = b"request_id,provider_reference,status,currency,occurred_at,reason_code,reason\n"

    with pytest.raises(ImportRefused) as refused:
        parse_sandbox_refunds(content)

    assert _problems(refused) == [(1, "amount_minor")]


# --- unparseable amounts and dates ----------------------------------------------------------------


def test_a_wechat_amount_with_three_decimals_and_a_bad_time_are_named_and_nothing_is_returned() -> None:
    content = _wechat(
        GOOD_ROW,
        GOOD_ROW.replace("`1.00", "`1.005"),
        GOOD_ROW.replace("2026-11-27 10:00:00", "27/11/2026 10:00"),
    )

    with pytest.raises(ImportRefused) as refused:
        parse_wechat_trade_bill(content)

    assert _problems(refused) == [(3, "应结订单金额"), (4, "交易时间")]
    assert "more than 2 decimal places" in refused.value.problems[0].message


def test_merchant_records_with_bad_amounts_and_dates_name_each_cell() -> None:
    content = "\n".join(
        [
            "订单号,金额,状态,日期",
            "ord-1,1.00,ok,2026-11-27",
            "ord-2,1.2.3,ok,2026-11-27",
            "ord-3,¥5.00,ok,2026-11-27",
            "ord-4,5.00,ok,2026-13-01",
            ",5.00,ok,2026-11-27",
        ]
    ).encode()

    with pytest.raises(ImportRefused) as refused:
        parse_merchant_records(content, MAPPING)

    assert _problems(refused) == [(3, "金额"), (4, "金额"), (5, "日期"), (6, "订单号")]


def test_a_camt053_amount_below_a_fen_is_named_by_entry_and_element() -> None:
    content = b"""<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>S1</Id>
<Ntry><Amt Ccy="CNY">1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-27</Dt></BookgDt></Ntry>
<Ntry><Amt Ccy="CNY">1.001</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-27</Dt></BookgDt></Ntry>
<Ntry><Amt Ccy="CNY">-1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-27</Dt></BookgDt></Ntry>
<Ntry><Amt Ccy="CNY">1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>27.11.2026</Dt></BookgDt></Ntry>
</Stmt></BkToCstmrStmt></Document>"""

    with pytest.raises(ImportRefused) as refused:
        parse_camt053(content)

    assert _problems(refused) == [(2, "Ntry/Amt"), (3, "Ntry/Amt"), (4, "Ntry/BookgDt/Dt")]


def test_a_sandbox_refund_row_with_a_decimal_amount_and_a_bad_time_is_named() -> None:
    content = (
        b"request_id,provider_reference,status,amount_minor,currency,occurred_at,reason_code,reason\n"
        b"rf-1,RF1,paid,19.99,CNY,2026-11-27T10:30:00.000+08:00,,\n"
        b"rf-2,RF2,refunded,500,CNY,yesterday,,\n"
    )

    with pytest.raises(ImportRefused) as refused:
        parse_sandbox_refunds(content)

    assert _problems(refused) == [(2, "amount_minor"), (3, "status"), (3, "occurred_at")]


def test_a_row_with_more_fields_than_the_header_is_named() -> None:
    # An unquoted comma inside 商品名称 would shift every column after it (WeChat README "Other rules").
    content = _wechat(GOOD_ROW, GOOD_ROW + ",`extra")

    with pytest.raises(ImportRefused) as refused:
        parse_wechat_trade_bill(content)

    # the header has 9 names: the 10th field has none, so it is named by its position
    assert _problems(refused) == [(3, "column 10")]


# --- too large, truncated, malformed, unsafe --------------------------------------------------------


@pytest.mark.parametrize(
    "parse",
    [
        parse_camt053,
        parse_wechat_trade_bill,
        parse_alipay_bill,
        parse_sandbox_refunds,
        lambda content, max_bytes: parse_merchant_records(content, MAPPING, max_bytes=max_bytes),
    ],
)
def test_a_file_over_the_size_limit_is_refused_before_parsing(parse) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRefused) as refused:
        parse(b"x" * 1025, max_bytes=1024)

    assert refused.value.problems == [ImportProblem(None, None, "file is 1025 bytes, over the limit of 1024 bytes")]


def test_the_default_size_limit_is_20_mib() -> None:
    with pytest.raises(ImportRefused, match="over the limit of 20971520 bytes"):
        parse_sandbox_refunds(b"a" * (20 * 1024 * 1024 + 1))


def test_malformed_xml_is_refused_naming_the_line() -> None:
    content = b'<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n<BkToCstmrStmt>\n</Document>\n'

    with pytest.raises(ImportRefused) as refused:
        parse_camt053(content)

    # the end tag does not close the open BkToCstmrStmt: outside any entry, so named by its path
    assert _problems(refused) == [(None, "Document/BkToCstmrStmt")]
    assert "malformed XML at line 4" in refused.value.problems[0].message


def test_a_camt053_with_a_dtd_is_refused_before_any_entity_can_expand() -> None:
    content = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>&lol2;</BkToCstmrStmt></Document>"""

    with pytest.raises(ImportRefused) as refused:
        parse_camt053(content)

    assert _problems(refused) == [(None, "!DOCTYPE")]
    assert "line 2: DTD" in refused.value.problems[0].message


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>&lol3;</BkToCstmrStmt></Document>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>&xxe;</BkToCstmrStmt></Document>"""


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_the_camt053_parser_itself_refuses_any_dtd_entity_or_external_reference(content: bytes) -> None:
    """defusedxml, below the DTD pattern: the stdlib parser would expand the entities."""
    with pytest.raises(ImportRefused) as refused:
        camt053._parse_document(content, content.decode().splitlines())
    assert _problems(refused) == [(None, "!DOCTYPE")]


def test_a_dtd_before_an_undecodable_byte_is_refused_before_any_parser_reads_it() -> None:
    content = EXTERNAL_ENTITY.replace(b"<BkToCstmrStmt>", b"<BkToCstmrStmt>\xff")
    with pytest.raises(ImportRefused) as refused:
        parse_camt053(content)
    assert _problems(refused) == [(None, "!DOCTYPE")]
    assert "line 2: DTD" in refused.value.problems[0].message


def test_a_camt052_or_any_other_document_is_not_taken_for_a_camt053() -> None:
    content = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"><BkToCstmrAcctRpt/></Document>'

    with pytest.raises(ImportRefused, match=r"not a camt\.053 document"):
        parse_camt053(content)


def test_a_camt053_whose_balances_do_not_add_up_is_refused_naming_the_statement() -> None:
    content = b"""<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>STMT-20261127</Id>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-27</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">50.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2026-11-27</Dt></Dt></Bal>
<Ntry><Amt Ccy="CNY">140.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-27</Dt></BookgDt></Ntry>
</Stmt></BkToCstmrStmt></Document>"""

    with pytest.raises(ImportRefused) as refused:
        parse_camt053(content)

    # 100.00 − 140.00 = −40.00, but CLBD is 50.00 DBIT = −50.00
    [problem] = refused.value.problems
    assert (problem.row, problem.column) == (None, "Stmt/Bal[CLBD]/Amt")
    assert problem.message == (
        "statement STMT-20261127 does not reconcile: OPBD 100.00 + credits 0.00 − debits 140.00 = -40.00, "
        "but CLBD is -50.00 CNY (difference -10.00)"
    )


def test_a_wechat_bill_cut_off_before_its_summary_is_refused() -> None:
    content = (WECHAT_HEADER + "\n" + GOOD_ROW + "\n").encode()

    with pytest.raises(ImportRefused) as refused:
        parse_wechat_trade_bill(content)

    assert _problems(refused) == [(None, "总交易单数")]


ALIPAY_HEAD = [
    "#支付宝业务明细查询",
    "#账号：[20880211096256330156]",
    "#-----------------------------------------业务明细列表----------------------------------------",
    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,对方账户,订单金额（元）,商家实收（元）,退款批次号/请求号",
    "2026112722001\t,ord-1\t,交易\t,连衣裙,2026-11-27 10:00:00,2026-11-27 10:00:05,buyer\t,199.00,199.00,\t",
]


def test_an_alipay_bill_without_its_end_marker_is_refused_as_truncated() -> None:
    with pytest.raises(ImportRefused, match="truncated"):
        parse_alipay_bill("\n".join(ALIPAY_HEAD).encode("gbk"))


def test_an_alipay_bill_whose_footer_disagrees_with_its_rows_is_refused() -> None:
    lines = [
        *ALIPAY_HEAD,
        "#-----------------------------------------业务明细列表结束------------------------------------",
        "#交易合计：1笔，商家实收共198.00元，商家优惠共0.00元",
        "#退款合计：0笔，商家实收退款共0.00元，商家优惠退款共0.00元",
    ]

    with pytest.raises(ImportRefused) as refused:
        parse_alipay_bill("\n".join(lines).encode("gbk"))

    assert _problems(refused) == [(7, "#交易合计")]  # the footer's line
    assert (
        refused.value.problems[0].message == "footer says 1 rows totalling 198.00, the bill has 1 rows totalling 199.00"
    )


def test_an_alipay_amount_with_a_currency_sign_is_named_by_row_and_column() -> None:
    lines = [
        *ALIPAY_HEAD[:-1],
        ALIPAY_HEAD[-1].replace(",199.00,199.00,", ",199.00,￥199.00,"),
        "#-----------------------------------------业务明细列表结束------------------------------------",
    ]

    with pytest.raises(ImportRefused) as refused:
        parse_alipay_bill("\n".join(lines).encode("gbk"))

    assert _problems(refused) == [(5, "商家实收（元）")]


# --- exact amounts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12.34", "CNY", 1234),
        ("0.04000", "CNY", 4),
        ("500000", "SEK", 50_000_000),
        ("2700", "JPY", 2700),
        (".5", "CNY", 50),
    ],
)
def test_amounts_are_parsed_exactly_with_insignificant_trailing_zeros(text: str, currency: str, minor: int) -> None:
    assert parse_amount_minor(text, currency) == minor


@pytest.mark.parametrize("text", ["1.234", "1e3", "NaN", "Infinity", "1,000.00", " ", "0.0036", "1.5", "-1.00"])
def test_amounts_that_are_not_exact_plain_cny_are_refused(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount_minor(text, "JPY" if text == "1.5" else "CNY")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_formatting_then_parsing_an_amount_gives_it_back(amount_minor: int) -> None:
    assert parse_amount_minor(format_minor(amount_minor), signed=True) == amount_minor

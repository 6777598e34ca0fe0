"""Issue 16: an imported file is text that reaches the database too. A line holding a character
the shared text rule refuses (NUL; a control character other than TAB, LF and CR, which no
statement could be written with again) is refused whole like a line that does not decode, naming
its row and column; before, a NUL cell reached PostgreSQL and the import answered 500."""

from __future__ import annotations

import pytest
from recon_support import camt053, payout_entry, wechat_bill, wechat_row

from recon_svc.domain.imports import (
    ColumnMapping,
    ImportRefused,
    parse_camt053,
    parse_merchant_records,
    parse_sandbox_refunds,
    parse_wechat_trade_bill,
)

MAPPING = ColumnMapping(order_id="订单号", amount="金额", date="日期", date_format="%Y-%m-%d")


def _problems(refused: pytest.ExceptionInfo[ImportRefused]) -> list[tuple[int | None, str | None, str]]:
    return [(problem.row, problem.column, problem.message) for problem in refused.value.problems]


def test_a_nul_in_a_merchant_records_cell_is_refused_naming_row_and_column() -> None:
    content = "订单号,金额,日期\nPO-1,1.00,2026-11-27\nPO-\x002,2.00,2026-11-27\n".encode()

    with pytest.raises(ImportRefused) as refused:
        parse_merchant_records(content, MAPPING)

    [(row, column, message)] = _problems(refused)
    assert (row, column) == (3, "订单号")
    assert message.startswith("U+0000 (NUL) at position 4 of the line")


def test_an_escape_character_in_a_wechat_bill_is_refused_naming_row_and_column() -> None:
    rows = [
        wechat_row("2026-11-27 10:00:00", "4200001", "ord-1", "SUCCESS", "1.00"),
        wechat_row("2026-11-27 10:05:00", "4200002", "ord-\x1b2", "SUCCESS", "2.00"),
    ]
    content = wechat_bill(rows, "`2,`3.00,`0.00,`0.00,`0.01,`3.00,`0.00")

    with pytest.raises(ImportRefused) as refused:
        parse_wechat_trade_bill(content)

    [(row, column, message)] = _problems(refused)
    assert (row, column) == (3, "商户订单号")
    assert "U+001B (ESC)" in message


def test_a_nul_in_the_sandbox_refunds_file_is_refused_naming_its_row() -> None:
    content = b"request_id,status,amount_minor,settled_at\nR-1,paid,100,2026-11-27T10:00:00+08:00\nR-\x00,paid,1,x\n"

    with pytest.raises(ImportRefused) as refused:
        parse_sandbox_refunds(content)

    assert [(row, message[:13]) for row, _, message in _problems(refused)] == [(3, "U+0000 (NUL) ")]


def test_a_nul_in_a_camt053_statement_is_refused_naming_its_entry_element_and_line() -> None:
    document = camt053([payout_entry("10.00", "PAY-1", "BANK-1", "2026-11-27")], opening="0.00", closing="-10.00")
    content = document.replace(b"PAY-1", b"PAY-\x001", 1)
    assert content != document

    with pytest.raises(ImportRefused) as refused:
        parse_camt053(content)

    # camt.053's row is the entry (the first Ntry) and its column the element path; the message
    # gives the line of the text, for the person who opens the file.
    [(row, column, message)] = _problems(refused)
    assert (row, column) == (1, "Ntry/NtryDtls/TxDtls/Refs/EndToEndId")
    assert "U+0000 (NUL)" in message
    line = content[: content.index(b"\x00")].count(b"\n") + 1
    assert f"at line {line}," in message


def test_tabs_and_carriage_returns_in_a_file_are_still_accepted() -> None:
    content = "订单号,金额,日期\r\nPO-1\t,1.00,2026-11-27\r\n".encode()

    [record] = parse_merchant_records(content, MAPPING)

    assert record.order_id == "PO-1"

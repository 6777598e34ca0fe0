"""The sandbox bank's statements: camt.053 balances that reconcile by hand, the references recon
matches on, and the refund CSV."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from simulators.provider_sandbox.domain import BANK_TIMEZONE
from simulators.provider_sandbox.statement import (
    CAMT053_NAMESPACE,
    REFUND_CSV_COLUMNS,
    DailyStatement,
    Direction,
    RefundStatementRow,
    StatementAccount,
    StatementEntry,
    format_amount,
    render_camt053,
    render_refund_csv,
    write_atomically,
)

NS = {"c": CAMT053_NAMESPACE}
ACCOUNT = StatementAccount("6222000000000000001", "ShipSettle payout account", "CNY", "ShipSettle Sandbox Bank")
DAY = date(2026, 11, 27)
BOOKED_AT = datetime(2026, 11, 27, 10, 30, tzinfo=BANK_TIMEZONE)
MERCHANT = {
    "counterparty_name": "杭州小店 & Co <Ltd>",
    "counterparty_account": "6222021234567890123",
    "counterparty_bank": "中国工商银行 杭州分行",
}


def _payout(reference: str, payout_id: str, amount_minor: int) -> StatementEntry:
    return StatementEntry(
        direction=Direction.DEBIT,
        amount_minor=amount_minor,
        booked_at=BOOKED_AT,
        account_servicer_reference=reference,
        end_to_end_id=payout_id,
        remittance_information=f"ShipSettle payout {payout_id}",
        **MERCHANT,
    )


def _return(reference: str, payout_id: str, amount_minor: int) -> StatementEntry:
    return StatementEntry(
        direction=Direction.CREDIT,
        amount_minor=amount_minor,
        booked_at=BOOKED_AT,
        account_servicer_reference=reference + "-RTN",
        end_to_end_id=payout_id,
        original_reference=reference,
        return_reason_code="AC04",
        return_reason="beneficiary account closed",
        remittance_information=f"ShipSettle payout {payout_id}",
        **MERCHANT,
    )


def _statement(opening_minor: int, *entries: StatementEntry) -> DailyStatement:
    return DailyStatement(ACCOUNT, DAY, opening_minor, entries, datetime(2026, 11, 27, 23, 0, tzinfo=BANK_TIMEZONE))


def _balance(stmt: ET.Element, code: str) -> tuple[str, str, str | None]:
    for balance in stmt.findall("c:Bal", NS):
        if balance.findtext("c:Tp/c:CdOrPrtry/c:Cd", namespaces=NS) == code:
            amount = balance.find("c:Amt", NS)
            assert amount is not None
            return amount.text or "", balance.findtext("c:CdtDbtInd", namespaces=NS) or "", amount.get("Ccy")
    raise AssertionError(f"no {code} balance")


def _signed(amount: str, direction: str) -> Decimal:
    return Decimal(amount) if direction == "CRDT" else -Decimal(amount)


def _parse(statement: DailyStatement) -> ET.Element:
    root = ET.fromstring(render_camt053(statement))  # noqa: S314 - our own output
    assert root.tag == f"{{{CAMT053_NAMESPACE}}}Document"
    stmt = root.find("c:BkToCstmrStmt/c:Stmt", NS)
    assert stmt is not None
    return stmt


def test_two_payouts_and_one_return_close_at_the_opening_balance_less_the_payouts_plus_the_return() -> None:
    # Worked by hand: 1,000,000.00 − 12,345.67 − 500.00 + 500.00 = 987,654.33 CNY.
    statement = _statement(
        100_000_000,
        _payout("PO202611270000000001", "po0001", 1_234_567),
        _payout("PO202611270000000002", "po0002", 50_000),
        _return("PO202611270000000002", "po0002", 50_000),
    )
    assert statement.closing_balance_minor == 98_765_433

    stmt = _parse(statement)

    assert _balance(stmt, "OPBD") == ("1000000.00", "CRDT", "CNY")
    assert _balance(stmt, "CLBD") == ("987654.33", "CRDT", "CNY")
    entries = stmt.findall("c:Ntry", NS)
    assert [entry.findtext("c:CdtDbtInd", namespaces=NS) for entry in entries] == ["DBIT", "DBIT", "CRDT"]
    assert [entry.findtext("c:Amt", namespaces=NS) for entry in entries] == ["12345.67", "500.00", "500.00"]
    movement = sum(
        (
            _signed(entry.findtext("c:Amt", namespaces=NS) or "", entry.findtext("c:CdtDbtInd", namespaces=NS) or "")
            for entry in entries
        ),
        Decimal(0),
    )
    assert _signed(*_balance(stmt, "OPBD")[:2]) + movement == _signed(*_balance(stmt, "CLBD")[:2])
    assert stmt.findtext("c:TxsSummry/c:TtlNtries/c:NbOfNtries", namespaces=NS) == "3"
    assert stmt.findtext("c:TxsSummry/c:TtlNtries/c:TtlNetNtryAmt", namespaces=NS) == "12345.67"
    assert stmt.findtext("c:TxsSummry/c:TtlNtries/c:CdtDbtInd", namespaces=NS) == "DBIT"
    assert stmt.findtext("c:TxsSummry/c:TtlDbtNtries/c:Sum", namespaces=NS) == "12845.67"
    assert stmt.findtext("c:TxsSummry/c:TtlCdtNtries/c:Sum", namespaces=NS) == "500.00"


def test_each_payout_entry_carries_the_provider_reference_and_our_payout_id() -> None:
    stmt = _parse(_statement(100_000_000, _payout("PO202611270000000001", "po0001", 1_234_567)))

    entry = stmt.find("c:Ntry", NS)
    assert entry is not None
    assert entry.findtext("c:AcctSvcrRef", namespaces=NS) == "PO202611270000000001"
    assert entry.findtext("c:NtryDtls/c:TxDtls/c:Refs/c:AcctSvcrRef", namespaces=NS) == "PO202611270000000001"
    assert entry.findtext("c:NtryDtls/c:TxDtls/c:Refs/c:EndToEndId", namespaces=NS) == "po0001"
    assert entry.findtext("c:Sts", namespaces=NS) == "BOOK"
    assert entry.findtext("c:BkTxCd/c:Domn/c:Fmly/c:SubFmlyCd", namespaces=NS) == "DMCT"
    assert entry.findtext("c:NtryDtls/c:TxDtls/c:RltdPties/c:Cdtr/c:Nm", namespaces=NS) == "杭州小店 & Co <Ltd>"
    assert (
        entry.findtext("c:NtryDtls/c:TxDtls/c:RltdPties/c:CdtrAcct/c:Id/c:Othr/c:Id", namespaces=NS)
        == "6222021234567890123"
    )
    assert entry.findtext("c:BookgDt/c:DtTm", namespaces=NS) == "2026-11-27T10:30:00.000+08:00"


def test_a_return_entry_is_a_credit_that_points_at_the_original_payout_with_its_reason() -> None:
    stmt = _parse(
        _statement(
            100_000_000,
            _payout("PO202611270000000002", "po0002", 50_000),
            _return("PO202611270000000002", "po0002", 50_000),
        )
    )

    credit = stmt.findall("c:Ntry", NS)[1]
    assert credit.findtext("c:CdtDbtInd", namespaces=NS) == "CRDT"
    assert credit.findtext("c:AcctSvcrRef", namespaces=NS) == "PO202611270000000002-RTN"
    assert credit.findtext("c:BkTxCd/c:Domn/c:Fmly/c:SubFmlyCd", namespaces=NS) == "RRTN"
    details = credit.find("c:NtryDtls/c:TxDtls", NS)
    assert details is not None
    assert details.findtext("c:Refs/c:EndToEndId", namespaces=NS) == "po0002"
    assert details.findtext("c:Refs/c:TxId", namespaces=NS) == "PO202611270000000002"
    assert details.findtext("c:RtrInf/c:Rsn/c:Cd", namespaces=NS) == "AC04"
    assert details.findtext("c:RtrInf/c:AddtlInf", namespaces=NS) == "beneficiary account closed"
    assert details.findtext("c:RltdPties/c:Dbtr/c:Nm", namespaces=NS) == "杭州小店 & Co <Ltd>"


def test_an_overdrawn_account_closes_with_a_debit_balance_and_never_a_negative_amount() -> None:
    # 100.00 − 250.00 = −150.00: the amount stays positive, the sign is the DBIT indicator.
    stmt = _parse(_statement(10_000, _payout("PO202611270000000009", "po0009", 25_000)))

    assert _balance(stmt, "OPBD") == ("100.00", "CRDT", "CNY")
    assert _balance(stmt, "CLBD") == ("150.00", "DBIT", "CNY")


def test_a_day_without_movements_closes_at_its_opening_balance() -> None:
    stmt = _parse(_statement(100_000_000))

    assert _balance(stmt, "CLBD") == _balance(stmt, "OPBD")
    assert stmt.findall("c:Ntry", NS) == []
    assert stmt.findtext("c:TxsSummry/c:TtlNtries/c:NbOfNtries", namespaces=NS) == "0"
    assert stmt.findtext("c:Id", namespaces=NS) == "STMT-20261127"
    assert stmt.findtext("c:FrToDt/c:FrDtTm", namespaces=NS) == "2026-11-27T00:00:00.000+08:00"


def test_amounts_are_written_from_minor_units_without_floats() -> None:
    assert format_amount(1_234_567, "CNY") == "12345.67"
    assert format_amount(5, "CNY") == "0.05"
    assert format_amount(2_700, "JPY") == "2700"
    assert format_amount(1_000, "KWD") == "1.000"


def test_the_refund_statement_lists_each_outcome_with_its_reason() -> None:
    rows = [
        RefundStatementRow("rf-1", "RF202611270000000001", "paid", 1_999, "CNY", BOOKED_AT, None, None),
        RefundStatementRow(
            "rf-2",
            "RF202611270000000002",
            "failed",
            500,
            "CNY",
            BOOKED_AT,
            "REFUND_WINDOW_EXPIRED",
            "refund window expired",
        ),
    ]

    lines = render_refund_csv(rows).decode().splitlines()

    assert lines[0] == ",".join(REFUND_CSV_COLUMNS)
    assert lines[1] == "rf-1,RF202611270000000001,paid,1999,CNY,2026-11-27T10:30:00.000+08:00,,"
    assert lines[2] == (
        "rf-2,RF202611270000000002,failed,500,CNY,2026-11-27T10:30:00.000+08:00,"
        "REFUND_WINDOW_EXPIRED,refund window expired"
    )


def test_a_statement_file_is_replaced_whole_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "statements" / "camt053-2026-11-27.xml"

    write_atomically(target, b"first")
    write_atomically(target, b"second version")

    assert target.read_bytes() == b"second version"
    assert [path.name for path in target.parent.iterdir()] == [target.name]

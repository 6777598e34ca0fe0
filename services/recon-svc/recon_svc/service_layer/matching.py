"""Importing statements and the merchant's own records, matching them against what ShipSettle
did, and the discrepancy workflow.

Which of our movements a file is matched against depends on who wrote it:
- a bank statement (camt.053, as the payout sandbox writes it): our paid payouts (debits) and
  returned payouts (credits);
- the refund sandbox's refunds file: our completed refunds the provider paid (back the way the
  buyer paid, or to another channel ops were given) — not a balance credit the platform applied,
  nor a transfer ops made offline (``refunded_via``, domain/matching.py);
- a WeChat Pay or Alipay bill: the payments of orders paid through that wallet, and the refunds
  the provider paid to it.
Only our movements inside the period the file declares take part (and any it names by reference),
dated by when the money moved — a payment by when the buyer paid, a refund by its completion — so
a file for one day does not report the day before or after as missing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from recon_svc.adapters.tables import (
    DiscrepancyRow,
    ReconOrderRow,
    StatementImportRow,
)
from recon_svc.domain.imports.alipay import parse_alipay_bill
from recon_svc.domain.imports.camt053 import parse_camt053
from recon_svc.domain.imports.merchant_records import parse_merchant_records
from recon_svc.domain.imports.model import (
    CHINA_STANDARD_TIME,
    ColumnMapping,
    DeclaredPeriod,
    Direction,
    EntryKind,
    MerchantRecord,
    ParsedStatement,
    StatementEntry,
    StatementSource,
)
from recon_svc.domain.imports.period import period_the_file_declares
from recon_svc.domain.imports.sandbox_refunds import parse_sandbox_refunds
from recon_svc.domain.imports.wechat import parse_wechat_trade_bill
from recon_svc.domain.matching import (
    OurMovement,
    OurOrderFigure,
    match_merchant_records,
    match_statement,
    movements_in_scope,
    payment_of,
    refund_on_wallet_bill,
    refund_paid_by_the_provider,
)
from recon_svc.service_layer.unit_of_work import ReconUnitOfWork
from shipsettle_shared.domain_errors import DomainError, Refusal

PARSERS: dict[StatementSource, Callable[[bytes], ParsedStatement]] = {
    StatementSource.CAMT053: parse_camt053,
    StatementSource.WECHAT_TRADE_BILL: parse_wechat_trade_bill,
    StatementSource.ALIPAY_TRADE_BILL: parse_alipay_bill,
    StatementSource.ALIPAY_ACCOUNT_BILL: parse_alipay_bill,
    StatementSource.SANDBOX_REFUNDS: parse_sandbox_refunds,
}
# The zone a day named by a file name or bill_date is read in: the vendors we import (WeChat Pay,
# Alipay, the sandboxes) all keep Beijing time (Asia/Shanghai, UTC+08:00, no DST since 1991).
BILL_TIME_ZONE = CHINA_STANDARD_TIME
WALLET_CHANNELS = {
    StatementSource.WECHAT_TRADE_BILL: "wechat_pay",
    StatementSource.ALIPAY_TRADE_BILL: "alipay",
    StatementSource.ALIPAY_ACCOUNT_BILL: "alipay",
}


class DiscrepancyRuleViolation(DomainError):
    """recon-svc's refusals of a move in the discrepancy workflow: unknown, not in a status the
    move starts from, or resolved with no ledger transaction behind it."""


async def our_movements(
    uow: ReconUnitOfWork, source: StatementSource, period: DeclaredPeriod, referenced: set[str]
) -> list[OurMovement]:
    """The movements a file of ``source`` may show, dated inside ``period`` or named by the file
    (``movements_in_scope`` decides; this only fetches them), each dated by when its money moved:
    a payment by when the buyer paid (``payment_of``: placed_at for an order folded before recon
    kept paid_at), a refund by its completion, a payout by its settlement or return."""
    movements: list[OurMovement] = []
    refs = sorted(referenced)
    start, end = period.start, period.end
    if source is StatementSource.CAMT053:
        for payout in await uow.movements.payouts_settled(start, end, refs):
            for at, kind, direction, dated_by in (
                (payout.paid_at, EntryKind.PAYOUT, Direction.DEBIT, "paid_at"),
                (payout.returned_at, EntryKind.PAYOUT_RETURN, Direction.CREDIT, "returned_at"),
            ):
                if at is not None:
                    movements.append(
                        OurMovement(
                            payout.payout_id,
                            payout.provider_reference,
                            kind,
                            direction,
                            payout.amount_minor,
                            payout.currency,
                            at,
                            dated_by,
                        )
                    )
        return movements
    channel = WALLET_CHANNELS.get(source)
    if channel is not None:
        for order in await uow.movements.orders_paid(channel, start, end, refs):
            assert order.placed_at is not None
            assert order.buyer_paid_minor is not None
            movements.append(
                payment_of(
                    order.order_id,
                    order.buyer_paid_minor,
                    order.currency,
                    paid_at=order.paid_at,
                    placed_at=order.placed_at,
                )
            )
    for refund, order_channel in await uow.movements.refunds_completed(start, end, refs, channel=channel):
        if channel is None:
            expected = refund_paid_by_the_provider(refund.refunded_via, refund.refund_minor)
        else:
            expected = refund_on_wallet_bill(
                channel,
                refunded_via=refund.refunded_via,
                refunded_to_channel=refund.refunded_to_channel,
                order_channel=order_channel,
                refund_minor=refund.refund_minor,
            )
        if not expected:
            continue
        movements.append(
            OurMovement(
                refund.refund_id,
                refund.provider_reference,
                EntryKind.REFUND,
                Direction.DEBIT,
                refund.refund_minor,
                refund.currency,
                refund.completed_at,
                "completed_at",
            )
        )
    return movements


def _movement_json(movement: OurMovement) -> dict[str, Any]:
    return {
        "reference": movement.reference,
        "provider_reference": movement.provider_reference,
        "kind": movement.kind.value,
        "direction": movement.direction.value,
        "amount_minor": movement.amount_minor,
        "currency": movement.currency,
        "at": movement.at.isoformat(),
        "dated_by": movement.dated_by,
    }


def _entry_json(entry: StatementEntry) -> dict[str, Any]:
    return {
        "row": entry.row,
        "reference": entry.reference,
        "provider_reference": entry.provider_reference,
        "kind": entry.kind.value,
        "direction": entry.direction.value,
        "amount_minor": entry.amount_minor,
        "currency": entry.currency,
        "booked_at": entry.booked_at.isoformat(),
        "counterparty": entry.counterparty,
    }


async def import_statement(
    uow: ReconUnitOfWork,
    source: StatementSource,
    content: bytes,
    *,
    by: str,
    now: datetime,
    file_name: str | None = None,
    bill_date: str | None = None,
) -> StatementImportRow:
    """Parse (all or nothing: ImportRefused leaves no trace), match our movements of the period
    the file declares (its content, else ``bill_date`` or the date in ``file_name``), and keep the
    report and one discrepancy per difference. The same file again returns the first import.

    Raises ``ImportRefused`` for a file that cannot be read whole, or whose period is not declared."""
    digest = hashlib.sha256(content).hexdigest()
    known = await uow.imports.import_of(source.value, digest)
    if known is not None:
        return known
    parsed = PARSERS[source](content)
    period = period_the_file_declares(
        parsed.declared_period, file_name=file_name, bill_date=bill_date, zone=BILL_TIME_ZONE
    )
    referenced = {r for e in parsed.entries for r in (e.reference, e.provider_reference) if r}
    # the sandbox names a refund by its attempt (<refund id>-<n>); ours is the refund id
    referenced |= {r.rsplit("-", 1)[0] for r in referenced if source is StatementSource.SANDBOX_REFUNDS}
    candidates = await our_movements(uow, source, period, referenced)
    report = match_statement(movements_in_scope(candidates, period, referenced), parsed.entries)
    import_id = f"IM-{uuid.uuid4().hex[:12]}"
    differences: list[tuple[str, str | None, dict[str, Any] | None, dict[str, Any] | None]] = []
    differences += [
        ("amount_differs", d.ours.reference, _movement_json(d.ours), _entry_json(d.theirs))
        for d in report.amount_differs
    ]
    differences += [
        ("missing_on_their_side", m.reference, _movement_json(m), None) for m in report.missing_on_their_side
    ]
    differences += [("missing_on_our_side", e.reference, None, _entry_json(e)) for e in report.missing_on_our_side]
    differences += [
        ("duplicate", d.ours.reference, _movement_json(d.ours), _entry_json(d.theirs)) for d in report.duplicates
    ]
    row = StatementImportRow(
        import_id=import_id,
        source=source.value,
        sha256=digest,
        size_bytes=len(content),
        document_id=parsed.document_id,
        period_start=period.start,
        period_end=period.end,
        entries=len(parsed.entries),
        matched=len(report.matched),
        report={
            "period": {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),  # exclusive
                "declared_by": period.declared_by,
            },
            "matched": [
                {"ours": _movement_json(p.ours), "theirs": _entry_json(p.theirs), "method": p.method.value}
                for p in report.matched
            ],
            "not_settled": [_entry_json(e) for e in report.not_settled],
            "warnings": list(parsed.warnings),
            "counts": {
                "matched": len(report.matched),
                "amount_differs": len(report.amount_differs),
                "missing_on_their_side": len(report.missing_on_their_side),
                "missing_on_our_side": len(report.missing_on_our_side),
                "duplicate": len(report.duplicates),
            },
        },
        imported_by=by,
        imported_at=now,
    )
    uow.imports.add_import(row)
    _open_discrepancies(uow, import_id, differences, by=by, now=now)
    await uow.imports.flush()
    return row


def _open_discrepancies(
    uow: ReconUnitOfWork,
    import_id: str,
    differences: Sequence[tuple[str, str | None, dict[str, Any] | None, dict[str, Any] | None]],
    *,
    by: str,
    now: datetime,
    merchant_id: str | None = None,
) -> None:
    for kind, reference, ours, theirs in differences:
        uow.imports.add_discrepancy(
            DiscrepancyRow(
                discrepancy_id=f"D-{uuid.uuid4().hex[:12]}",
                import_id=import_id,
                type=kind,
                reference=reference,
                merchant_id=merchant_id,
                ours=ours,
                theirs=theirs,
                status="open",
                history=[{"at": now.isoformat(), "by": by, "action": "opened"}],
                created_at=now,
                updated_at=now,
            )
        )


async def import_merchant_records(
    uow: ReconUnitOfWork,
    merchant_id: str,
    content: bytes,
    mapping: ColumnMapping,
    *,
    encoding: str,
    start: datetime,
    end: datetime,
    by: str,
    now: datetime,
) -> tuple[str, list[dict[str, Any]]]:
    """The merchant's records for a period against our orders of that period: the amount the
    buyer paid for each order, and its status (placed, signed_off, refunded)."""
    records = parse_merchant_records(content, mapping, encoding=encoding)
    orders = await uow.imports.orders_placed(merchant_id, start, end)
    ours = [
        OurOrderFigure(order.order_id, order.buyer_paid_minor or 0, order.currency, _order_status(order))
        for order in orders
    ]
    discrepancies = match_merchant_records(ours, records)
    import_id = f"IM-{uuid.uuid4().hex[:12]}"
    found = [
        (
            d.type.value,
            d.order_id,
            {"figures": [asdict(figure) for figure in d.ours]} if d.ours else None,
            {"records": [_record_json(r) for r in d.theirs]} if d.theirs else None,
        )
        for d in discrepancies
    ]
    uow.imports.add_import(
        StatementImportRow(
            import_id=import_id,
            source=StatementSource.MERCHANT_RECORDS.value,
            sha256=hashlib.sha256(content + merchant_id.encode() + start.isoformat().encode()).hexdigest(),
            size_bytes=len(content),
            period_start=start,
            period_end=end,
            entries=len(records),
            matched=len(records) - sum(1 for d in discrepancies if d.theirs),
            report={"counts": {t: sum(1 for d in found if d[0] == t) for t in {d[0] for d in found}}},
            imported_by=by,
            imported_at=now,
        )
    )
    _open_discrepancies(uow, import_id, found, by=by, now=now, merchant_id=merchant_id)
    await uow.imports.flush()
    return import_id, [
        {"type": kind, "order_id": reference, "ours": ours_side, "theirs": theirs_side}
        for kind, reference, ours_side, theirs_side in found
    ]


def _record_json(record: MerchantRecord) -> dict[str, Any]:
    return {
        "order_id": record.order_id,
        "amount_minor": record.amount_minor,
        "currency": record.currency,
        "status": record.status,
        "date": record.at.isoformat(),
        "row": record.row,
    }


def _order_status(order: ReconOrderRow) -> str:
    if order.units_ordered and order.units_refunded >= order.units_ordered:
        return "refunded"
    return "signed_off" if order.signed_off else "placed"


# --- the discrepancy workflow ------------------------------------------------------------------------

NEXT = {
    "investigate": ({"open"}, "investigating"),
    "resolve": ({"open", "investigating"}, "resolved"),
    "write_off": ({"open", "investigating"}, "written_off"),
}


async def move_discrepancy(
    uow: ReconUnitOfWork,
    discrepancy_id: str,
    action: str,
    *,
    note: str,
    adjustment_tx_key: str | None,
    by: str,
    now: datetime,
) -> DiscrepancyRow:
    """open → investigating → resolved or written off (``NEXT``). Raises DiscrepancyRuleViolation:
    unknown, ``wrong-status``, ``no-such-adjustment`` (resolved with a tx_key the ledger lacks)."""
    row = await uow.imports.discrepancy(discrepancy_id, for_update=True)
    if row is None:
        raise DiscrepancyRuleViolation.not_found("discrepancy", discrepancy_id)
    allowed, target = NEXT[action]
    if row.status not in allowed:
        raise DiscrepancyRuleViolation(
            Refusal.CONFLICT, "wrong-status", f"cannot {action} a discrepancy that is {row.status}"
        )
    if action == "resolve":
        # resolved means settled by a ledger adjustment, and the link must lead somewhere real
        if not await uow.imports.ledger_entry_known(adjustment_tx_key):
            raise DiscrepancyRuleViolation(
                Refusal.RULE,
                "no-such-adjustment",
                f"no ledger transaction {adjustment_tx_key!r} is known to recon",
                field="adjustment_tx_key",
            )
        row.resolution = {"adjustment_tx_key": adjustment_tx_key, "note": note}
    elif action == "write_off":
        row.resolution = {"written_off_because": note}
    row.status = target
    row.updated_at = now
    row.history = [*row.history, {"at": now.isoformat(), "by": by, "action": action, "note": note}]
    return row

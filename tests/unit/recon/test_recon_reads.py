"""recon's reads through the service layer on the in-memory unit of work (recon_fakes.py): a
merchant's statement issued from recon's copy of the ledger, the audit-chain heads kept, the
movements a wallet's bill is matched against, and the tax report's units signed off.

The order is test_recon_use_cases.py's: O-1 of m-1, paid 27073 through Alipay at T0, L1 tea 2
units (sales 21189 + 1851) and L2 books 1 unit (sales 4884 + 426), both signed off at SIGNED_AT.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from integration.fact_events import SIGNED_AT, T0
from recon_fakes import FakeReconUnitOfWork
from test_recon_use_cases import BOOKED, NOW, ORDER, OVERPAID, SIGN_OFF, TIMING, facts

from recon_svc.domain.imports.model import DeclaredPeriod, StatementSource
from recon_svc.service_layer import audit_heads, fact_folding, matching, reports, statements
from shipsettle_shared.contracts import AuditChainHeadPublished

# The day of the sign-off (and of the later adjustment), closed an hour after it ended.
DAY_START = datetime(SIGNED_AT.year, SIGNED_AT.month, SIGNED_AT.day, tzinfo=UTC)
DAY_END = DAY_START + timedelta(days=1)
AFTER_THE_DAY = DAY_END + timedelta(hours=1)


async def test_a_closed_statement_is_issued_once_and_a_late_ledger_entry_makes_its_next_version() -> None:
    uow = FakeReconUnitOfWork()
    await fact_folding.on_facts(uow, facts(ORDER, SIGN_OFF, BOOKED), now=NOW, timing=TIMING)

    first = await statements.issue(uow, "m-1", DAY_START, DAY_END, now=AFTER_THE_DAY)
    again = await statements.issue(uow, "m-1", DAY_START, DAY_END, now=AFTER_THE_DAY)
    await fact_folding.on_facts(uow, facts(OVERPAID), now=AFTER_THE_DAY, timing=TIMING)
    corrected = await statements.issue(uow, "m-1", DAY_START, DAY_END, now=AFTER_THE_DAY)

    assert (first.closed, first.version, first.statement.transactions) == (True, 1, 1)
    assert (again.version, again.sha256) == (1, first.sha256)
    assert (corrected.version, corrected.statement.transactions) == (2, 2)
    assert corrected.sha256 != first.sha256
    assert [v["version"] for v in corrected.versions] == [1, 2]


async def test_a_statement_of_a_period_still_open_is_built_but_not_kept() -> None:
    uow = FakeReconUnitOfWork()
    await fact_folding.on_facts(uow, facts(ORDER, SIGN_OFF, BOOKED), now=NOW, timing=TIMING)

    issued = await statements.issue(uow, "m-1", DAY_START, DAY_END, now=NOW)

    assert (issued.closed, issued.version, issued.statement.transactions) == (False, None, 1)
    assert await uow.statements.versions("m-1", DAY_START, DAY_END) == []


def head(seq: int, row_hash: str, anchor: tuple[int, str] | None = None) -> AuditChainHeadPublished:
    return AuditChainHeadPublished(
        chain="settlement-svc:settlement",
        service="settlement-svc",
        seq=seq,
        row_hash=row_hash * 64,
        anchor_seq=anchor[0] if anchor else None,
        anchor_hash=anchor[1] * 64 if anchor else None,
        head_at=T0 + timedelta(minutes=seq),
    )


async def test_a_head_whose_anchor_changed_is_kept_discontinuous_and_named_by_every_later_read() -> None:
    uow = FakeReconUnitOfWork()
    for published in (head(5, "a"), head(9, "b", anchor=(5, "a")), head(12, "c", anchor=(9, "d")), head(15, "e")):
        await audit_heads.keep_head(uow, published, now=NOW)
    await audit_heads.keep_head(uow, head(9, "f", anchor=(5, "a")), now=NOW)  # a seq kept keeps its first head

    last = await audit_heads.last_head(uow, "settlement-svc:settlement")

    assert last is not None
    # 15 has no anchor to compare, yet 12's anchor hash at 9 differed from the head kept there
    assert (last["seq"], last["heads_received"], last["discontinuous_at"]) == (15, 4, 12)
    assert await audit_heads.last_head(uow, "order-svc:order") is None


async def test_a_wallet_bill_is_matched_against_the_orders_paid_through_that_wallet_only() -> None:
    uow = FakeReconUnitOfWork()
    await fact_folding.on_facts(uow, facts(ORDER, SIGN_OFF, BOOKED), now=NOW, timing=TIMING)
    paid_day = DeclaredPeriod(start=T0 - timedelta(hours=8), end=T0 + timedelta(hours=16), declared_by="test")

    alipay = await matching.our_movements(uow, StatementSource.ALIPAY_TRADE_BILL, paid_day, set())
    wechat = await matching.our_movements(uow, StatementSource.WECHAT_TRADE_BILL, paid_day, set())

    assert [(m.reference, m.amount_minor, m.at) for m in alipay] == [("O-1", 27073, T0)]
    assert wechat == []


async def test_the_tax_report_recognises_the_units_signed_off_in_the_period_and_none_before_it() -> None:
    uow = FakeReconUnitOfWork()
    await fact_folding.on_facts(uow, facts(ORDER, SIGN_OFF, BOOKED), now=NOW, timing=TIMING)

    day = await reports.tax_report(uow, "m-1", DAY_START, DAY_END)
    day_before = await reports.tax_report(uow, "m-1", DAY_START - timedelta(days=1), DAY_START)

    assert (day.total.signed_off_units, day.total.sales_minor) == (3, 21189 + 1851 + 4884 + 426)
    assert day_before.total.signed_off_units == 0

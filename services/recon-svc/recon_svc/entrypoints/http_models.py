"""The bodies recon-svc's routes answer, as their OpenAPI documents them (``answers(...)`` and
``document_or_file(...)``).

The handlers (and the statement and report documents of the domain) build these bodies as
dicts and send them as built; each model here says what its dict holds. Money is in fen
(``_minor``), times ISO 8601 with their offset. What a vendor's file said about a payment or a
payout (a discrepancy's ``theirs``, an import's ``report``) stays an object of any members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from shipsettle_shared.pagination import Page


class StatementOrderRow(BaseModel):
    order_id: str
    orders_minor: int
    subsidies_minor: int
    commissions_minor: int
    refunds_minor: int
    adjustments_minor: int
    net_minor: int


class StatementVersion(BaseModel):
    version: int
    sha256: str
    issued_at: datetime


class StatementPublic(BaseModel):
    """对账单: closes on settlement's ledger to the fen."""

    merchant_id: str
    currency: str
    period_start: datetime
    period_end: datetime
    opening_balance_minor: int
    lines_minor: dict[str, int] = Field(description="the period's movements by kind: orders, subsidies, ...")
    closing_balance_minor: int
    accounts_at_close_minor: dict[str, int]
    paid_out_to_date_minor: int
    memo_minor: dict[str, int]
    transactions: int = Field(description="ledger transactions in the period")
    orders: list[StatementOrderRow]
    closed: bool = Field(description="the period has ended: this version is kept as issued")
    version: int | None = Field(description="of a closed period; null while it is open")
    sha256: str = Field(description="of the statement's content")
    versions: list[StatementVersion]


class ViolationPublic(BaseModel):
    id: int
    check: str = Field(description="conservation, settled_without_sign_off or not_settled_in_window")
    order_id: str
    merchant_id: str | None
    message: str
    figures: dict[str, Any]
    detected_at: datetime
    resolved_at: datetime | None


class ViolationsPage(Page[ViolationPublic]):
    count: int = Field(description="how many match, on every page")


class OrderMoney(BaseModel):
    order_id: str
    merchant_id: str | None = Field(description="null until recon has the order's OrderPlaced")
    buyer_paid_minor: int | None = Field(description="null until recon has the order's OrderPlaced")
    platform_subsidy_minor: int
    refunded_to_buyer_minor: int
    commission_minor: int
    merchant_net_minor: int
    escrow_minor: int | None = Field(description="what the platform still holds; null with buyer_paid_minor")
    units_ordered: int
    units_signed_off: int
    units_refunded: int
    holds: dict[str, Any] = Field(description="by hold id: release_at, released_at")


class DiscrepancyPublic(BaseModel):
    discrepancy_id: str
    import_id: str
    type: str = Field(
        description="missing_on_our_side, missing_on_their_side, amount_differs, status_differs, duplicate, ..."
    )
    reference: str | None
    merchant_id: str | None
    ours: dict[str, Any] | None
    theirs: dict[str, Any] | None
    status: str = Field(description="open, investigating, resolved or written_off")
    resolution: dict[str, Any] | None
    history: list[dict[str, Any]] = Field(description="who moved it, when, and how")
    created_at: datetime


class StatementImportPublic(BaseModel):
    import_id: str
    source: str
    sha256: str
    document_id: str | None
    period_start: datetime | None
    period_end: datetime | None
    entries: int
    matched: int
    report: dict[str, Any] = Field(description="the matching's counts and what it could not match")
    imported_by: str
    imported_at: datetime


class StatementImportCreated(StatementImportPublic):
    discrepancies: list[DiscrepancyPublic]


class MerchantRecordDifference(BaseModel):
    type: str = Field(
        description="missing_on_our_side, missing_on_their_side, amount_differs, status_differs, duplicate"
    )
    order_id: str | None
    ours: dict[str, Any] | None
    theirs: dict[str, Any] | None


class MerchantRecordsMatched(BaseModel):
    import_id: str
    merchant_id: str
    discrepancies: list[MerchantRecordDifference]


class TaxFiguresPublic(BaseModel):
    signed_off_units: int
    sales_minor: int
    vat_minor: int
    refunded_units: int
    refunded_sales_minor: int
    refunded_vat_minor: int
    net_sales_minor: int
    net_vat_minor: int
    net_excluding_vat_minor: int


class TaxRateRow(TaxFiguresPublic):
    vat_rate_bp: int


class TaxLineRow(TaxFiguresPublic):
    order_id: str
    line_id: str
    sku: str
    vat_rate_bp: int


class TaxReportPublic(BaseModel):
    merchant_id: str
    currency: str
    period_start: datetime
    period_end: datetime
    recognition: str
    rates: list[TaxRateRow]
    total: TaxFiguresPublic
    lines: list[TaxLineRow]
    incomplete_orders: list[str] = Field(description="orders whose facts recon does not all have yet")


class StockFiguresPublic(BaseModel):
    opening_units: int
    opening_minor: int
    shipped_units: int
    shipped_minor: int
    signed_off_units: int
    signed_off_minor: int
    returned_units: int
    returned_minor: int
    closing_units: int
    closing_minor: int


class StockSkuRow(StockFiguresPublic):
    sku: str


class StockLineRow(StockFiguresPublic):
    order_id: str
    line_id: str
    sku: str


class GoodsShippedReportPublic(BaseModel):
    merchant_id: str
    currency: str
    period_start: datetime
    period_end: datetime
    skus: list[StockSkuRow]
    total: StockFiguresPublic
    lines: list[StockLineRow]
    incomplete_orders: list[str]

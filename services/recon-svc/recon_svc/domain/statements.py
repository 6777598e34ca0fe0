"""A merchant's statement (对账单) for a period, derived from settlement's ledger. Pure: no I/O.

The balance a statement speaks of is what the platform owes the merchant and has not paid out:
the sum of the merchant's ledger accounts except ``paid_out`` (pending, available, reserved,
frozen, in payout, and the negative balance of claw-backs). Each ledger transaction changes it
by exactly what its platform-side postings and its paid_out posting say, because every
transaction sums to zero. So the statement's lines are read off those postings:

    orders       = - clearing     (the buyer's payment released on sign-off)
    subsidies    = - subsidy      (platform-funded coupons, net of reversals)
    commissions  = - commission   (negative: commission charged, net of reversals)
    refunds      = - refunds - balance_clearing  (negative: refunds and claw-backs charged to the
                   merchant, whether the buyer got the money back through the provider or as a
                   credit to the platform balance)
    payouts      = - paid_out     (negative: money that reached the bank; a returned payout adds back)
    adjustments  = every other platform account

and closing = opening + the sum of the lines, to the fen, by construction — which is what lets a
test hold the statement against settlement's own balances.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shipsettle_shared.ledger_accounts import MerchantAccount, PlatformAccount, merchant_account_kind, platform_account

LINE_NAMES = ("orders", "subsidies", "commissions", "refunds", "payouts", "returned_payouts", "adjustments")
PLATFORM_LINES = {
    platform_account(PlatformAccount.CLEARING): "orders",
    platform_account(PlatformAccount.SUBSIDY): "subsidies",
    platform_account(PlatformAccount.COMMISSION): "commissions",
    platform_account(PlatformAccount.REFUNDS): "refunds",
    platform_account(PlatformAccount.BALANCE_CLEARING): "refunds",
}
# The accounts whose sum is what the platform owes the merchant and has not paid out
MERCHANT_ACCOUNTS = tuple(kind for kind in MerchantAccount if kind is not MerchantAccount.PAID_OUT)


@dataclass(frozen=True)
class LedgerEntry:
    tx_key: str
    kind: str
    merchant_id: str
    order_id: str | None
    posted_at: datetime
    postings: tuple[tuple[str, int], ...]
    caused_by_event_id: str | None = None
    description: str = ""


@dataclass
class OrderRow:
    order_id: str
    orders_minor: int = 0
    subsidies_minor: int = 0
    commissions_minor: int = 0
    refunds_minor: int = 0
    adjustments_minor: int = 0

    @property
    def net_minor(self) -> int:
        return (
            self.orders_minor
            + self.subsidies_minor
            + self.commissions_minor
            + self.refunds_minor
            + self.adjustments_minor
        )


@dataclass
class Statement:
    merchant_id: str
    currency: str
    period_start: datetime
    period_end: datetime
    opening_balance_minor: int
    lines: dict[str, int]
    closing_balance_minor: int
    accounts_at_close: dict[str, int]
    paid_out_to_date_minor: int
    memo: dict[str, int]
    orders: list[OrderRow] = field(default_factory=list)
    transactions: int = 0

    def as_document(self) -> dict[str, Any]:
        return {
            "merchant_id": self.merchant_id,
            "currency": self.currency,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "opening_balance_minor": self.opening_balance_minor,
            "lines_minor": dict(self.lines),
            "closing_balance_minor": self.closing_balance_minor,
            "accounts_at_close_minor": dict(self.accounts_at_close),
            "paid_out_to_date_minor": self.paid_out_to_date_minor,
            "memo_minor": dict(self.memo),
            "transactions": self.transactions,
            "orders": [
                {
                    "order_id": row.order_id,
                    "orders_minor": row.orders_minor,
                    "subsidies_minor": row.subsidies_minor,
                    "commissions_minor": row.commissions_minor,
                    "refunds_minor": row.refunds_minor,
                    "adjustments_minor": row.adjustments_minor,
                    "net_minor": row.net_minor,
                }
                for row in self.orders
            ],
        }


def content_hash(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def build_statement(
    merchant_id: str,
    entries: Iterable[LedgerEntry],
    period_start: datetime,
    period_end: datetime,
    currency: str = "CNY",
) -> Statement:
    """``entries``: every ledger transaction of the merchant up to ``period_end`` (earlier ones
    make the opening balance). The period is [start, end)."""
    opening = 0
    accounts: dict[str, int] = dict.fromkeys(MERCHANT_ACCOUNTS, 0)
    paid_out = 0
    lines = dict.fromkeys(LINE_NAMES, 0)
    memo = {"reserve_withheld": 0, "reserve_released": 0, "clawback_booked": 0, "clawback_recovered": 0}
    orders: dict[str, OrderRow] = {}
    count = 0
    for entry in sorted(entries, key=lambda e: (e.posted_at, e.tx_key)):
        if entry.posted_at >= period_end:
            continue
        in_period = entry.posted_at >= period_start
        for account_id, amount in entry.postings:
            kind = merchant_account_kind(account_id, merchant_id)
            if kind is MerchantAccount.PAID_OUT:
                paid_out += amount
            elif kind is not None:
                accounts[kind] = accounts.get(kind, 0) + amount
                if not in_period:
                    opening += amount
        if not in_period:
            continue
        count += 1
        row = orders.setdefault(entry.order_id, OrderRow(entry.order_id)) if entry.order_id else None
        for account_id, amount in entry.postings:
            kind = merchant_account_kind(account_id, merchant_id)
            if kind is MerchantAccount.PAID_OUT:
                lines["returned_payouts" if amount < 0 else "payouts"] -= amount
            elif kind is MerchantAccount.RESERVED:
                memo["reserve_withheld" if amount > 0 else "reserve_released"] += abs(amount)
            elif kind is MerchantAccount.NEGATIVE_BALANCE:
                memo["clawback_booked" if amount < 0 else "clawback_recovered"] += abs(amount)
            elif kind is None:
                line = PLATFORM_LINES.get(account_id, "adjustments")
                lines[line] -= amount
                if row is not None:
                    attribute = f"{line}_minor"
                    setattr(row, attribute, getattr(row, attribute) - amount)
    closing = opening + sum(lines.values())
    assert closing == sum(accounts.values()), "a statement must close on the ledger's balance"
    return Statement(
        merchant_id=merchant_id,
        currency=currency,
        period_start=period_start,
        period_end=period_end,
        opening_balance_minor=opening,
        lines=lines,
        closing_balance_minor=closing,
        accounts_at_close=accounts,
        paid_out_to_date_minor=paid_out,
        memo=memo,
        orders=sorted(orders.values(), key=lambda row: row.order_id),
        transactions=count,
    )


HEADERS_EN = ("order_id", "orders", "subsidies", "commissions", "refunds", "adjustments", "net")
HEADERS_ZH = ("订单号", "订单货款", "平台补贴", "佣金", "退款", "调整", "净额")
SUMMARY_EN = {
    "opening_balance": "opening balance",
    "orders": "signed-off orders",
    "subsidies": "platform subsidies",
    "commissions": "commissions",
    "refunds": "refunds and claw-backs",
    "payouts": "payouts",
    "returned_payouts": "returned payouts",
    "adjustments": "adjustments",
    "closing_balance": "closing balance",
}
SUMMARY_ZH = {
    "opening_balance": "期初余额",
    "orders": "已签收订单货款",
    "subsidies": "平台补贴",
    "commissions": "佣金",
    "refunds": "退款及追回",
    "payouts": "已打款",
    "returned_payouts": "退回的打款",
    "adjustments": "调整",
    "closing_balance": "期末余额",
}


def yuan(amount_minor: int) -> str:
    sign = "-" if amount_minor < 0 else ""
    whole, fen = divmod(abs(amount_minor), 100)
    return f"{sign}{whole}.{fen:02d}"


def summary_rows(statement: Statement, chinese: bool) -> list[tuple[str, str]]:
    names = SUMMARY_ZH if chinese else SUMMARY_EN
    rows = [(names["opening_balance"], yuan(statement.opening_balance_minor))]
    rows += [(names[line], yuan(statement.lines[line])) for line in LINE_NAMES]
    rows.append((names["closing_balance"], yuan(statement.closing_balance_minor)))
    return rows


def order_rows(statement: Statement) -> Sequence[tuple[str, ...]]:
    return [
        (
            row.order_id,
            yuan(row.orders_minor),
            yuan(row.subsidies_minor),
            yuan(row.commissions_minor),
            yuan(row.refunds_minor),
            yuan(row.adjustments_minor),
            yuan(row.net_minor),
        )
        for row in statement.orders
    ]

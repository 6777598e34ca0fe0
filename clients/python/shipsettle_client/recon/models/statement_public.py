from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.statement_order_row import StatementOrderRow
    from ..models.statement_public_accounts_at_close_minor import (
        StatementPublicAccountsAtCloseMinor,
    )
    from ..models.statement_public_lines_minor import StatementPublicLinesMinor
    from ..models.statement_public_memo_minor import StatementPublicMemoMinor
    from ..models.statement_version import StatementVersion


T = TypeVar("T", bound="StatementPublic")


@_attrs_define
class StatementPublic:
    """对账单: closes on settlement's ledger to the fen.

    Attributes:
        accounts_at_close_minor (StatementPublicAccountsAtCloseMinor):
        closed (bool): the period has ended: this version is kept as issued
        closing_balance_minor (int):
        currency (str):
        lines_minor (StatementPublicLinesMinor): the period's movements by kind: orders, subsidies, ...
        memo_minor (StatementPublicMemoMinor):
        merchant_id (str):
        opening_balance_minor (int):
        orders (list[StatementOrderRow]):
        paid_out_to_date_minor (int):
        period_end (datetime.datetime):
        period_start (datetime.datetime):
        sha256 (str): of the statement's content
        transactions (int): ledger transactions in the period
        version (int | None): of a closed period; null while it is open
        versions (list[StatementVersion]):
    """

    accounts_at_close_minor: StatementPublicAccountsAtCloseMinor
    closed: bool
    closing_balance_minor: int
    currency: str
    lines_minor: StatementPublicLinesMinor
    memo_minor: StatementPublicMemoMinor
    merchant_id: str
    opening_balance_minor: int
    orders: list[StatementOrderRow]
    paid_out_to_date_minor: int
    period_end: datetime.datetime
    period_start: datetime.datetime
    sha256: str
    transactions: int
    version: int | None
    versions: list[StatementVersion]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accounts_at_close_minor = self.accounts_at_close_minor.to_dict()

        closed = self.closed

        closing_balance_minor = self.closing_balance_minor

        currency = self.currency

        lines_minor = self.lines_minor.to_dict()

        memo_minor = self.memo_minor.to_dict()

        merchant_id = self.merchant_id

        opening_balance_minor = self.opening_balance_minor

        orders = []
        for orders_item_data in self.orders:
            orders_item = orders_item_data.to_dict()
            orders.append(orders_item)

        paid_out_to_date_minor = self.paid_out_to_date_minor

        period_end = self.period_end.isoformat()

        period_start = self.period_start.isoformat()

        sha256 = self.sha256

        transactions = self.transactions

        version: int | None
        version = self.version

        versions = []
        for versions_item_data in self.versions:
            versions_item = versions_item_data.to_dict()
            versions.append(versions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accounts_at_close_minor": accounts_at_close_minor,
                "closed": closed,
                "closing_balance_minor": closing_balance_minor,
                "currency": currency,
                "lines_minor": lines_minor,
                "memo_minor": memo_minor,
                "merchant_id": merchant_id,
                "opening_balance_minor": opening_balance_minor,
                "orders": orders,
                "paid_out_to_date_minor": paid_out_to_date_minor,
                "period_end": period_end,
                "period_start": period_start,
                "sha256": sha256,
                "transactions": transactions,
                "version": version,
                "versions": versions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.statement_order_row import StatementOrderRow  # noqa: PLC0415
        from ..models.statement_public_accounts_at_close_minor import (
            StatementPublicAccountsAtCloseMinor,  # noqa: PLC0415
        )
        from ..models.statement_public_lines_minor import StatementPublicLinesMinor  # noqa: PLC0415
        from ..models.statement_public_memo_minor import StatementPublicMemoMinor  # noqa: PLC0415
        from ..models.statement_version import StatementVersion  # noqa: PLC0415

        d = dict(src_dict)
        accounts_at_close_minor = StatementPublicAccountsAtCloseMinor.from_dict(d.pop("accounts_at_close_minor"))

        closed = d.pop("closed")

        closing_balance_minor = d.pop("closing_balance_minor")

        currency = d.pop("currency")

        lines_minor = StatementPublicLinesMinor.from_dict(d.pop("lines_minor"))

        memo_minor = StatementPublicMemoMinor.from_dict(d.pop("memo_minor"))

        merchant_id = d.pop("merchant_id")

        opening_balance_minor = d.pop("opening_balance_minor")

        orders = []
        _orders = d.pop("orders")
        for orders_item_data in _orders:
            orders_item = StatementOrderRow.from_dict(orders_item_data)

            orders.append(orders_item)

        paid_out_to_date_minor = d.pop("paid_out_to_date_minor")

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))

        sha256 = d.pop("sha256")

        transactions = d.pop("transactions")

        def _parse_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        version = _parse_version(d.pop("version"))

        versions = []
        _versions = d.pop("versions")
        for versions_item_data in _versions:
            versions_item = StatementVersion.from_dict(versions_item_data)

            versions.append(versions_item)

        statement_public = cls(
            accounts_at_close_minor=accounts_at_close_minor,
            closed=closed,
            closing_balance_minor=closing_balance_minor,
            currency=currency,
            lines_minor=lines_minor,
            memo_minor=memo_minor,
            merchant_id=merchant_id,
            opening_balance_minor=opening_balance_minor,
            orders=orders,
            paid_out_to_date_minor=paid_out_to_date_minor,
            period_end=period_end,
            period_start=period_start,
            sha256=sha256,
            transactions=transactions,
            version=version,
            versions=versions,
        )

        statement_public.additional_properties = d
        return statement_public

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

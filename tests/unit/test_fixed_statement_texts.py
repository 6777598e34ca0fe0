"""Statement texts that do not vary with the number of values: each text is prepared once per
connection, and a text that varies is prepared again for every new length."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlmodel import col

from order_svc.adapters.tables import OrderRow
from shipsettle_shared.db import any_of, outbox_table


def rendered(statement: object) -> str:
    return str(statement.compile(dialect=postgresql.asyncpg.dialect()))  # type: ignore[attr-defined]


def test_any_of_renders_one_text_for_any_number_of_values() -> None:
    one = select(outbox_table.c.id).where(any_of(outbox_table.c.message_key, ["a"]))
    three = select(outbox_table.c.id).where(any_of(outbox_table.c.message_key, ["a", "b", "c"]))
    assert rendered(one) == rendered(three)
    assert "outbox.message_key = ANY ($1::TEXT[])" in rendered(one)


def test_any_of_takes_an_orm_attribute() -> None:
    statement = select(col(OrderRow.order_id)).where(any_of(col(OrderRow.order_id), ["o-1", "o-2"]))
    assert "orders.order_id = ANY ($1::VARCHAR[])" in rendered(statement)
    assert list(statement.compile().params.values()) == [["o-1", "o-2"]]  # one parameter, the list

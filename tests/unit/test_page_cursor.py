"""The shared keyset cursor (shipsettle_shared.pagination): a position bound to its listing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shipsettle_shared.pagination import (
    InvalidCursor,
    PageRequest,
    decode_cursor,
    encode_cursor,
    listing_scope,
)
from shipsettle_shared.problems import Problem

MOMENT = datetime(2026, 12, 7, 12, 0, 0, 123456, tzinfo=UTC)
PAYOUTS_OF_A = listing_scope("/v1/merchants/{merchant_id}/payouts", {"merchant_id": "m-a"}, [])


def test_a_cursor_gives_back_the_position_it_was_made_from() -> None:
    cursor = encode_cursor(PAYOUTS_OF_A, (MOMENT, "po-1"))
    assert decode_cursor(cursor, PAYOUTS_OF_A, (datetime, str)) == (MOMENT, "po-1")
    assert decode_cursor(encode_cursor(PAYOUTS_OF_A, (42,)), PAYOUTS_OF_A, (int,)) == (42,)


def test_the_scope_is_the_route_its_path_and_its_filters_but_not_the_page() -> None:
    route = "/v1/refunds"
    assert listing_scope(route, {}, [("status", "x"), ("cursor", "c"), ("limit", "5")]) == listing_scope(
        route, {}, [("limit", "9"), ("status", "x")]
    )
    assert listing_scope(route, {}, [("status", "x")]) != listing_scope(route, {}, [("status", "y")])
    assert listing_scope(route, {}, []) != listing_scope("/v1/refund-sla", {}, [])
    assert listing_scope("/v1/merchants/{merchant_id}/payouts", {"merchant_id": "m-b"}, []) != PAYOUTS_OF_A


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "garbage",
        "garbage.0123456789ab",
        encode_cursor(PAYOUTS_OF_A, (MOMENT, "po-1"))[:-1],  # cut
        encode_cursor(PAYOUTS_OF_A, (MOMENT, "po-1")).replace(".", "x.", 1),  # altered body
        encode_cursor(listing_scope("/v1/merchants/{merchant_id}/payouts", {"merchant_id": "m-b"}, []), (MOMENT, "p")),
        encode_cursor(listing_scope("/v1/merchants/{merchant_id}/vouchers", {"merchant_id": "m-a"}, []), (MOMENT, "p")),
        encode_cursor(PAYOUTS_OF_A, (MOMENT,)),  # another key's shape
        encode_cursor(PAYOUTS_OF_A, ("not a time", "po-1")),
        encode_cursor(PAYOUTS_OF_A, (1, "po-1")),
        encode_cursor(PAYOUTS_OF_A, (MOMENT.replace(tzinfo=None), "po-1")),  # no offset
    ],
)
def test_a_cursor_malformed_altered_or_of_another_listing_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, PAYOUTS_OF_A, (datetime, str))
    with pytest.raises(Problem) as refused:
        PageRequest(limit=10, cursor=cursor, scope=PAYOUTS_OF_A).after(datetime, str)
    assert refused.value.status == 422
    assert refused.value.errors is not None
    assert [error["field"] for error in refused.value.errors] == ["query.cursor"]


def test_a_page_keeps_limit_rows_and_points_after_the_last_only_when_more_follow() -> None:
    page = PageRequest(limit=2, cursor=None, scope=PAYOUTS_OF_A)
    assert page.after(int) is None
    rows = [(1, "a"), (2, "b"), (3, "c")]  # read limit + 1
    shown, next_cursor = page.page(rows, lambda row: (row[0],))
    assert shown == [(1, "a"), (2, "b")]
    assert next_cursor is not None
    assert decode_cursor(next_cursor, PAYOUTS_OF_A, (int,)) == (2,)
    assert page.page(rows[:2], lambda row: (row[0],)) == (rows[:2], None)

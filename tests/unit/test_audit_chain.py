"""The audit log's canonical encoding, its masking and the chain's verification, without a
database (shipsettle_shared/audit.py). The SQL side of the same encoding is held equal to this
one on real PostgreSQL (tests/integration/test_audit_chain_database.py)."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from shipsettle_shared.audit import (
    GENESIS_HASH,
    BreakKind,
    ChainRow,
    ChainWalker,
    PublishedHead,
    canonical_bytes,
    canonical_json,
    row_hash,
)
from shipsettle_shared.masking import REDACTED, mask_account_number, mask_mobile, masked

AT = datetime(2026, 12, 8, 9, 30, 0, 123456, tzinfo=UTC)


def entry(seq: int, prev_hash: str, **changes: object) -> ChainRow:
    row = ChainRow(
        seq=seq,
        prev_hash=prev_hash,
        occurred_at=AT + timedelta(seconds=seq),
        actor_key_id="k-ops-1",
        actor_role="ops",
        action="risk_flags.set",
        target_type="merchant",
        target_id=f"m-{seq}",
        before_state=None,
        after_state='{"flagged":true}',
        reason="复核",
        correlation_id=f"corr-{seq}",
    )
    row = dataclasses.replace(row, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(row, row_hash=row_hash(row))


def chain(length: int) -> list[ChainRow]:
    rows: list[ChainRow] = []
    for seq in range(1, length + 1):
        rows.append(entry(seq, rows[-1].row_hash if rows else GENESIS_HASH))
    return rows


def walk(rows: list[ChainRow], head: PublishedHead | None = None) -> ChainWalker:
    walker = ChainWalker(head=head)
    for row in rows:
        walker.feed(row)
    walker.finish()
    return walker


def test_the_canonical_encoding_is_length_prefixed_utf8_with_a_marker_for_null() -> None:
    row = ChainRow(
        seq=1,
        prev_hash=GENESIS_HASH,
        occurred_at=datetime(2026, 12, 8, 17, 30, tzinfo=timezone(timedelta(hours=8))),
        actor_key_id="k1",
        actor_role="ops",
        action="a",
        target_type="t",
        target_id="x",
        before_state=None,
        after_state="",
        reason="张",
        correlation_id=None,
    )
    expected = (
        b"shipsettle-audit-v1\n"
        + b"1:1"
        + b"64:"
        + b"0" * 64
        # 17:30 in UTC+8 is 09:30 UTC, to the microsecond
        + b"27:2026-12-08T09:30:00.000000Z"
        + b"2:k1"
        + b"3:ops"
        + b"1:a"
        + b"1:t"
        + b"1:x"
        + b"~"  # null
        + b"0:"  # empty text is not null
        + b"3:\xe5\xbc\xa0"  # one character, three UTF-8 bytes
        + b"~"
    )
    assert canonical_bytes(row) == expected
    assert row_hash(row) == hashlib.sha256(expected).hexdigest()


def test_fields_cannot_be_shifted_into_one_another_without_changing_the_hash() -> None:
    # "ab" + "c" and "a" + "bc" concatenate alike; the lengths keep them apart
    one = entry(1, GENESIS_HASH, target_type="ab", target_id="c")
    other = entry(1, GENESIS_HASH, target_type="a", target_id="bc")
    assert one.row_hash != other.row_hash
    assert entry(1, GENESIS_HASH, reason=None).row_hash != entry(1, GENESIS_HASH, reason="").row_hash


def test_before_and_after_are_stored_as_sorted_compact_json_masked_and_without_secrets() -> None:
    stored = canonical_json(
        {
            "mobile": "13812345678",
            "account_number": "6222 0212 3456 7890",
            "holder_name": "张三",
            "address_line": "中山路 1 号",
            "webhook_secret": "whsec_abc",
            "nested": [{"api_key": "ss_x_y", "city": "杭州"}],
            "amount_minor": 35349,
        }
    )
    assert stored == (
        '{"account_number":"****7890","address_line":"****","amount_minor":35349,"holder_name":"张*",'
        f'"mobile":"138****5678","nested":[{{"api_key":"{REDACTED}","city":"杭州"}}],"webhook_secret":"{REDACTED}"}}'
    )
    assert canonical_json(None) is None


def test_masking_keeps_the_first_three_and_last_four_of_a_mobile_and_the_last_four_of_an_account() -> None:
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("12345") == "****"
    assert mask_account_number("6222021234567890") == "****7890"
    assert mask_account_number("123") == "****"
    assert masked({"secret_hash": "abc", "label": "ops"}) == {"secret_hash": REDACTED, "label": "ops"}


def test_an_untouched_chain_is_intact() -> None:
    rows = chain(4)
    walker = walk(rows, PublishedHead(3, rows[2].row_hash))
    assert walker.first_break is None
    assert walker.rows_checked == 4
    assert walker.tail == rows[-1]


def test_an_edited_row_is_named() -> None:
    rows = chain(4)
    rows[1] = dataclasses.replace(rows[1], reason="rewritten")  # its stored hash left as it was
    broken = walk(rows).first_break
    assert broken is not None
    assert (broken.seq, broken.kind) == (2, BreakKind.EDITED)


def test_an_edited_and_rehashed_row_breaks_the_next_link() -> None:
    rows = chain(4)
    rows[1] = entry(2, rows[0].row_hash, reason="rewritten")  # consistent in itself
    broken = walk(rows).first_break
    assert broken is not None
    assert (broken.seq, broken.kind) == (3, BreakKind.RELINKED)


@pytest.mark.parametrize(("deleted", "named"), [(0, 1), (2, 3)])
def test_a_deleted_row_is_named_as_missing(deleted: int, named: int) -> None:
    rows = chain(5)
    del rows[deleted]
    broken = walk(rows).first_break
    assert broken is not None
    assert (broken.seq, broken.kind) == (named, BreakKind.MISSING)


def test_a_truncated_tail_is_found_only_against_the_published_head() -> None:
    rows = chain(5)
    head = PublishedHead(5, rows[4].row_hash)
    assert walk(rows[:3]).first_break is None  # nothing local shows a tail cut off
    broken = walk(rows[:3], head).first_break
    assert broken is not None
    assert (broken.seq, broken.kind) == (4, BreakKind.TRUNCATED)
    broken = walk([], head).first_break
    assert broken is not None
    assert (broken.seq, broken.kind) == (1, BreakKind.TRUNCATED)


def test_a_chain_rewritten_whole_is_found_against_the_published_head() -> None:
    rows = chain(4)
    head = PublishedHead(3, rows[2].row_hash)
    rewritten: list[ChainRow] = []
    for row in rows:  # every hash recomputed: locally consistent
        rewritten.append(entry(row.seq, rewritten[-1].row_hash if rewritten else GENESIS_HASH, reason="forged"))
    assert walk(rewritten).first_break is None
    broken = walk(rewritten, head).first_break
    assert broken is not None
    assert (broken.seq, broken.kind) == (3, BreakKind.REWRITTEN)


def test_a_head_recon_found_discontinuous_is_named_even_when_the_chain_agrees_with_the_last_head() -> None:
    rows = chain(4)
    broken = walk(rows, PublishedHead(4, rows[3].row_hash, discontinuous_at=4)).first_break
    assert broken is not None
    assert (broken.seq, broken.kind) == (4, BreakKind.REWRITTEN)


def test_the_first_break_wins() -> None:
    rows = chain(6)
    rows[1] = dataclasses.replace(rows[1], action="forged")
    del rows[4]
    broken = walk(rows, PublishedHead(6, rows[-1].row_hash)).first_break
    assert broken is not None
    assert (broken.seq, broken.kind) == (2, BreakKind.EDITED)


def test_a_time_without_its_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        entry(1, GENESIS_HASH, occurred_at=datetime(2026, 12, 8))

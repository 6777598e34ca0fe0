"""The four-eyes rule without I/O (shipsettle_shared/four_eyes.py): who may approve or withdraw a
proposal, and when it has expired. On the real platform: tests/e2e/test_four_eyes.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from shipsettle_shared.domain_errors import Refusal
from shipsettle_shared.four_eyes import (
    DEFAULT_TTL,
    ApprovalStatus,
    Proposal,
    approval_refusal,
    withdrawal_refusal,
)

PROPOSED_AT = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
PENDING = Proposal(
    approval_id="AP-1",
    action="book_adjustment",
    subject=None,
    merchant_id="m-1",
    amount_minor=5000,
    parameters={},
    proposed_by="key-proposer",
    proposed_at=PROPOSED_AT,
    proposal_reason="subsidy owed",
    expires_at=PROPOSED_AT + DEFAULT_TTL,
    status=ApprovalStatus.PENDING,
)
JUST_BEFORE_EXPIRY = PROPOSED_AT + DEFAULT_TTL - timedelta(seconds=1)


def test_a_proposal_waits_a_day_and_is_expired_from_the_first_second_after() -> None:
    assert timedelta(hours=24) == DEFAULT_TTL
    assert PENDING.status_at(JUST_BEFORE_EXPIRY) is ApprovalStatus.PENDING
    assert PENDING.status_at(PENDING.expires_at) is ApprovalStatus.EXPIRED
    assert PENDING.view(PENDING.expires_at)["status"] == "expired"


def test_another_key_may_approve_a_pending_proposal_before_it_expires() -> None:
    assert approval_refusal(PENDING, "key-second", JUST_BEFORE_EXPIRY) is None


def test_the_proposers_own_key_is_refused_with_a_403() -> None:
    refusal = approval_refusal(PENDING, "key-proposer", PROPOSED_AT)
    assert refusal is not None
    assert (refusal.refusal, refusal.code) == (Refusal.FORBIDDEN, "four-eyes-same-key")


def test_an_approved_withdrawn_or_expired_proposal_is_refused_with_a_409() -> None:
    for status in (ApprovalStatus.APPROVED, ApprovalStatus.WITHDRAWN):
        refusal = approval_refusal(replace(PENDING, status=status), "key-second", PROPOSED_AT)
        assert refusal is not None
        assert (refusal.refusal, refusal.code) == (Refusal.CONFLICT, "approval-not-pending")
    # expired by the clock (still stored pending) or marked expired: the same refusal
    for expired in (
        approval_refusal(PENDING, "key-second", PENDING.expires_at),
        approval_refusal(replace(PENDING, status=ApprovalStatus.EXPIRED), "key-second", PROPOSED_AT),
    ):
        assert expired is not None
        assert (expired.refusal, expired.code) == (Refusal.CONFLICT, "approval-expired")


def test_only_the_proposer_withdraws_and_only_while_pending() -> None:
    assert withdrawal_refusal(PENDING, "key-proposer", PROPOSED_AT) is None
    other = withdrawal_refusal(PENDING, "key-second", PROPOSED_AT)
    assert other is not None
    assert (other.refusal, other.code) == (Refusal.FORBIDDEN, "not-the-proposer")
    late = withdrawal_refusal(PENDING, "key-proposer", PENDING.expires_at)
    assert late is not None
    assert (late.refusal, late.code) == (Refusal.CONFLICT, "approval-not-pending")

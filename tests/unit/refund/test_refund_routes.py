"""Every payment channel order-svc accepts has a way back, and ops' ways out of a failed refund
are refused when they would record nothing useful."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import get_args

import pytest

from order_svc.entrypoints.http_orders import PaymentRequest
from refund_svc.domain.channels import (
    REFUNDABLE_CHANNELS,
    InvalidResolution,
    RefundRoute,
    Resolution,
    ResolutionKind,
    UnknownChannel,
    route_of,
)
from refund_svc.domain.workflow import Action, RefundStateError, RefundStatus, breaching, check, check_retry
from settlement_svc.domain.postings import REFUNDED_TO
from shipsettle_shared.contracts import RefundedVia

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def accepted_channels() -> set[str]:
    return set(get_args(PaymentRequest.model_fields["channel"].annotation))


def test_every_channel_order_svc_accepts_has_a_refund_route() -> None:
    assert accepted_channels() == set(REFUNDABLE_CHANNELS)
    for channel in accepted_channels():
        route_of(channel)


def test_the_platform_balance_is_credited_by_the_platform_and_the_rest_go_through_the_provider() -> None:
    assert route_of("balance") is RefundRoute.PLATFORM_BALANCE
    assert {route_of(c) for c in accepted_channels() - {"balance"}} == {RefundRoute.PROVIDER}
    with pytest.raises(UnknownChannel):
        route_of("crypto")


def test_settlement_books_every_way_a_buyer_is_refunded() -> None:
    assert set(REFUNDED_TO) == set(RefundedVia)
    assert REFUNDED_TO[RefundedVia.PLATFORM_BALANCE].value == "balance_clearing"
    assert REFUNDED_TO[RefundedVia.ORIGINAL_CHANNEL].value == "refunds"


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        (ResolutionKind.REFUNDED_OFFLINE, {"reason": "bank transfer"}, "reference"),
        (ResolutionKind.REFUNDED_OFFLINE, {"reason": " ", "reference": "T-1"}, "reason"),
        (ResolutionKind.OTHER_CHANNEL, {"reason": "buyer gave alipay", "channel": "crypto"}, "channel"),
        (ResolutionKind.OTHER_CHANNEL, {"reason": "buyer gave alipay", "channel": "alipay"}, "account"),
        (ResolutionKind.CLOSED, {"reason": ""}, "reason"),
    ],
)
def test_a_resolution_without_what_it_needs_is_refused(
    kind: ResolutionKind, fields: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidResolution) as refused:
        Resolution(kind=kind, by="ops-key", **fields)
    assert refused.value.field == field


def test_another_channel_may_be_the_platform_balance_without_an_account() -> None:
    resolution = Resolution(ResolutionKind.OTHER_CHANNEL, "buyer takes it as balance", "ops-key", channel="balance")
    assert resolution.account is None


def test_a_refusal_cannot_be_retried_only_resolved() -> None:
    check_retry(failure_permanent=False)
    with pytest.raises(RefundStateError, match="resolution"):
        check_retry(failure_permanent=True)
    check(Action.RESOLVE, RefundStatus.REFUND_FAILED)
    for status in (RefundStatus.REFUNDING, RefundStatus.COMPLETED, RefundStatus.REQUESTED):
        with pytest.raises(RefundStateError):
            check(Action.RESOLVE, status)
    check(Action.ACKNOWLEDGE_CREDIT, RefundStatus.REFUNDING)
    with pytest.raises(RefundStateError):
        check(Action.ACKNOWLEDGE_CREDIT, RefundStatus.REFUND_FAILED)


def test_a_failed_refund_breaches_until_settled_and_others_only_past_their_deadline() -> None:
    assert breaching(RefundStatus.REFUND_FAILED, None, T0)
    assert not breaching(RefundStatus.REFUNDING, None, T0)
    assert not breaching(RefundStatus.REQUESTED, T0 + timedelta(hours=1), T0)
    assert breaching(RefundStatus.REQUESTED, T0 - timedelta(seconds=1), T0)

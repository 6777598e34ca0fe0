"""Which files show a refund: the refund provider's only those it paid; a wallet's bill only those
it paid to that wallet. A balance credit the platform applied, a transfer ops made offline and a
refund of 0 fen are on no provider's file (else each would be a false missing_on_their_side)."""

from __future__ import annotations

import pytest

from recon_svc.domain.matching import refund_on_wallet_bill, refund_paid_by_the_provider
from shipsettle_shared.contracts import RefundedVia


@pytest.mark.parametrize(
    ("refunded_via", "refund_minor", "on_the_providers_file"),
    [
        (RefundedVia.ORIGINAL_CHANNEL.value, 4285, True),
        (RefundedVia.OTHER_CHANNEL.value, 8571, True),  # to the alipay account the buyer gave ops
        (None, 4285, True),  # folded before recon kept it, or from an event older than the field
        (RefundedVia.PLATFORM_BALANCE.value, 4285, False),  # the platform credited the balance
        (RefundedVia.OFFLINE.value, 4285, False),  # ops' bank transfer
        (RefundedVia.ORIGINAL_CHANNEL.value, 0, False),  # fully discounted units: nothing was sent
    ],
)
def test_the_providers_file_shows_only_the_refunds_it_paid(
    refunded_via: str | None, refund_minor: int, on_the_providers_file: bool
) -> None:
    assert refund_paid_by_the_provider(refunded_via, refund_minor) is on_the_providers_file


def test_every_way_a_refund_is_paid_is_judged() -> None:
    assert {v.value for v in RefundedVia if refund_paid_by_the_provider(v.value, 1)} == {
        "original_channel",
        "other_channel",
    }


@pytest.mark.parametrize(
    ("refunded_via", "to_channel", "order_channel", "on_wechat_bill"),
    [
        ("original_channel", "wechat_pay", "wechat_pay", True),
        ("original_channel", None, "wechat_pay", True),  # an older event: the order's own channel
        ("other_channel", "alipay", "wechat_pay", False),  # paid to alipay: on Alipay's bill
        ("other_channel", "wechat_pay", "balance", True),  # a balance order ops refunded to WeChat
        ("platform_balance", "balance", "wechat_pay", False),  # ops sent it to the balance
        ("offline", None, "wechat_pay", False),
    ],
)
def test_a_wallets_bill_shows_the_refunds_the_provider_paid_to_that_wallet(
    refunded_via: str, to_channel: str | None, order_channel: str, on_wechat_bill: bool
) -> None:
    shown = refund_on_wallet_bill(
        "wechat_pay",
        refunded_via=refunded_via,
        refunded_to_channel=to_channel,
        order_channel=order_channel,
        refund_minor=100,
    )
    assert shown is on_wechat_bill

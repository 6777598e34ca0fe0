"""refund-svc settings: the shared settings plus the refund provider, deadlines and the
no-reason-return rules."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from refund_svc.domain.workflow import Deadlines
from shipsettle_shared.settings import (
    DEVELOPMENT_CALLBACK_SECRET,
    DEVELOPMENT_PROVIDER_API_KEY,
    ServiceSettings,
    is_placeholder_secret,
    load_settings_or_exit,
)

# 《网络购买商品七日无理由退货暂行办法》 articles 6-7: made to order, fresh and perishable goods,
# opened digital media and downloads, delivered newspapers and periodicals.
DEFAULT_NO_REASON_EXCLUDED = ("custom_made", "fresh", "perishable", "digital", "newspapers_periodicals")


class RefundSettings(ServiceSettings):
    # The payment provider refunds go back through (原路退款; the sandbox in development and tests).
    refund_provider_url: str = "http://127.0.0.1:8202"
    refund_provider_api_key: str = DEVELOPMENT_PROVIDER_API_KEY
    refund_callback_secret: str = DEVELOPMENT_CALLBACK_SECRET
    public_base_url: str = "http://127.0.0.1:8104"
    merchant_response_hours: int = 48
    buyer_ship_back_days: int = 7
    merchant_inspection_hours: int = 48
    buyer_escalation_days: int = 7
    no_reason_days: int = 7
    # The platform's time to answer a balance credit (余额退款): after it the refund breaches its
    # SLA, the platform is reminded and ops may cancel the credit and settle the refund otherwise.
    balance_credit_answer_hours: int = Field(default=24, gt=0)
    no_reason_excluded_categories: tuple[str, ...] = DEFAULT_NO_REASON_EXCLUDED

    def placeholder_secrets(self) -> list[str]:
        # A placeholder callback secret lets anyone sign a refund callback ("succeeded" completes
        # a refund nobody paid).
        return [
            *super().placeholder_secrets(),
            *(
                ["SHIPSETTLE_REFUND_PROVIDER_API_KEY"]
                if is_placeholder_secret(self.refund_provider_api_key, DEVELOPMENT_PROVIDER_API_KEY)
                else []
            ),
            *(
                ["SHIPSETTLE_REFUND_CALLBACK_SECRET"]
                if is_placeholder_secret(self.refund_callback_secret, DEVELOPMENT_CALLBACK_SECRET)
                else []
            ),
        ]

    @property
    def refund_callback_url(self) -> str:
        return f"{self.public_base_url.rstrip('/')}/v1/refund-callbacks"

    @property
    def deadlines(self) -> Deadlines:
        return Deadlines(
            merchant_response=timedelta(hours=self.merchant_response_hours),
            buyer_ship_back=timedelta(days=self.buyer_ship_back_days),
            merchant_inspection=timedelta(hours=self.merchant_inspection_hours),
            buyer_escalation=timedelta(days=self.buyer_escalation_days),
            no_reason_window=timedelta(days=self.no_reason_days),
            balance_credit_answer=timedelta(hours=self.balance_credit_answer_hours),
        )


def load_settings() -> RefundSettings:
    return load_settings_or_exit(RefundSettings, "refund-svc")

"""refund-svc settings: the shared settings plus the refund provider, deadlines and the
no-reason-return rules."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, model_validator

from refund_svc.domain.workflow import Deadlines
from shipsettle_shared.settings import Environment, ServiceSettings

DEVELOPMENT_PROVIDER_KEY = "sandbox-api-secret-development-only"
DEVELOPMENT_CALLBACK_SECRET = "whsec_c2FuZGJveC1jYWxsYmFjay1zZWNyZXQtZGV2LW9ubHk="  # noqa: S105 - refused in production

# 《网络购买商品七日无理由退货暂行办法》 articles 6-7: made to order, fresh and perishable goods,
# opened digital media and downloads, delivered newspapers and periodicals.
DEFAULT_NO_REASON_EXCLUDED = ("custom_made", "fresh", "perishable", "digital", "newspapers_periodicals")


class RefundSettings(ServiceSettings):
    # The payment provider refunds go back through (原路退款; the sandbox in development and tests).
    refund_provider_url: str = "http://127.0.0.1:8202"
    refund_provider_api_key: str = DEVELOPMENT_PROVIDER_KEY
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

    @model_validator(mode="after")
    def refuse_development_secrets(self) -> RefundSettings:
        if self.environment is Environment.PRODUCTION and (
            self.refund_provider_api_key == DEVELOPMENT_PROVIDER_KEY
            or self.refund_callback_secret == DEVELOPMENT_CALLBACK_SECRET
        ):
            raise ValueError("set the refund provider's real key and callback secret outside development")
        return self

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
    return RefundSettings(service_name="refund-svc")  # type: ignore[call-arg]

"""settlement-svc settings: the shared settings plus the payout provider and review rules."""

from __future__ import annotations

from functools import cached_property

from settlement_svc.domain.endpoint_addresses import EndpointPolicy
from shipsettle_shared.settings import (
    DEVELOPMENT_CALLBACK_SECRET,
    DEVELOPMENT_PROVIDER_API_KEY,
    Environment,
    ServiceSettings,
    is_placeholder_secret,
    load_settings_or_exit,
)


class SettlementSettings(ServiceSettings):
    # The payout provider (a bank's payout API; the sandbox in development and tests).
    payout_provider_url: str = "http://127.0.0.1:8201"
    payout_provider_api_key: str = DEVELOPMENT_PROVIDER_API_KEY
    # Standard Webhooks secret the provider signs its callbacks with.
    payout_callback_secret: str = DEVELOPMENT_CALLBACK_SECRET
    # Where the provider reaches this service's callback endpoint.
    public_base_url: str = "http://127.0.0.1:8103"
    payout_batch_interval_s: int = 60
    # logistics-svc signs an order off this many days after delivery (its platform setting, default
    # 7); settlement only uses it to estimate when money is expected (settlement ETA)
    auto_confirm_days: int = 7
    review_over_minor: int = 5_000_000  # ¥50,000.00
    vouchers_over_minor: int = 1_000_000  # ¥10,000.00
    # Four eyes: approving an application in review whose gross amount is above this takes a
    # second ops key (service_layer/four_eyes_actions.py); the large-amount review's line.
    payout_four_eyes_over_minor: int = 5_000_000  # ¥50,000.00
    # Hosts and networks (comma-separated names, addresses, CIDRs) a merchant's or the platform's
    # webhook endpoint may reach although private or loopback: empty in production; the tests'
    # own receivers on 127.0.0.1 (domain/endpoint_addresses.py).
    webhook_allowed_hosts: str = ""

    def placeholder_secrets(self) -> list[str]:
        # A placeholder callback secret lets anyone sign a payout callback ("returned" moves paid
        # money back to available).
        return [
            *super().placeholder_secrets(),
            *(
                ["SHIPSETTLE_PAYOUT_PROVIDER_API_KEY"]
                if is_placeholder_secret(self.payout_provider_api_key, DEVELOPMENT_PROVIDER_API_KEY)
                else []
            ),
            *(
                ["SHIPSETTLE_PAYOUT_CALLBACK_SECRET"]
                if is_placeholder_secret(self.payout_callback_secret, DEVELOPMENT_CALLBACK_SECRET)
                else []
            ),
        ]

    @cached_property
    def webhook_endpoint_policy(self) -> EndpointPolicy:
        """Where notifications may go: https outside development and test, public addresses only."""
        return EndpointPolicy.from_setting(
            self.webhook_allowed_hosts,
            require_https=self.environment not in (Environment.DEVELOPMENT, Environment.TEST),
        )

    @property
    def payout_callback_url(self) -> str:
        return f"{self.public_base_url.rstrip('/')}/v1/payout-callbacks"


def load_settings() -> SettlementSettings:
    return load_settings_or_exit(SettlementSettings, "settlement-svc")

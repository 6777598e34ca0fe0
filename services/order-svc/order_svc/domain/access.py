"""API keys: who may call ShipSettle, in which role, for which merchant or carrier.

order-svc issues the keys because it is where platforms and merchants first meet ShipSettle;
every service receives them through ``ApiKeyIssued`` events and authenticates locally.
"""

from __future__ import annotations

from dataclasses import dataclass

from shipsettle_shared.contracts import Role
from shipsettle_shared.domain_errors import DomainError, Refusal, not_found_message
from shipsettle_shared.identifiers import IDENTIFIER


class AccessRuleViolation(DomainError):
    """order-svc's refusals about API keys."""


class InvalidApiKeyRequest(AccessRuleViolation):
    """A key request that does not fit its role (a merchant key without its merchant ...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(Refusal.RULE, "invalid-api-key-request", message, field=field)


class ApiKeyNotFound(AccessRuleViolation):
    def __init__(self, key_id: str) -> None:
        super().__init__(Refusal.NOT_FOUND, "not-found", not_found_message("API key", key_id))


@dataclass(frozen=True)
class IssueApiKey:
    """Command: issue a key. Merchant keys are scoped to one merchant, carrier keys to one
    carrier; platform, ops and auditor keys belong to neither."""

    role: Role
    label: str
    merchant_id: str | None = None
    carrier_code: str | None = None

    def __post_init__(self) -> None:
        if not self.label.strip():
            raise InvalidApiKeyRequest("label", "a label says who holds the key; it must not be empty")
        if self.role is Role.MERCHANT:
            if not self.merchant_id or not IDENTIFIER.match(self.merchant_id):
                raise InvalidApiKeyRequest("merchant_id", "a merchant key needs the merchant id it is scoped to")
        elif self.merchant_id is not None:
            raise InvalidApiKeyRequest("merchant_id", f"a {self.role} key is not scoped to a merchant")
        if self.role is Role.CARRIER:
            if not self.carrier_code or not IDENTIFIER.match(self.carrier_code):
                raise InvalidApiKeyRequest("carrier_code", "a carrier key needs the carrier code it posts for")
        elif self.carrier_code is not None:
            raise InvalidApiKeyRequest("carrier_code", f"a {self.role} key is not scoped to a carrier")

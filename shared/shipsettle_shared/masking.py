"""Masking personal data and dropping secrets from what is kept for people to read (the audit
log's before/after; later the responses by role, issue 20).

Masked by the field's name, so a new field with a known name is masked without anyone
remembering to: a mobile keeps its first three and last four digits (``138****5678``), an account
number its last four (``****1234``), a person's name its first character, an address line
nothing. Secrets (API keys, webhook secrets, passwords, their hashes) are never kept at all:
``[redacted]``. Lists and nested objects are walked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REDACTED = "[redacted]"

# Any key containing one of these is a secret (``secret``, ``secret_hash``, ``webhook_secret``,
# ``api_key``, ``password``, ``token``).
_SECRET_PARTS = ("secret", "password", "api_key", "token")
_MOBILE_KEYS = frozenset({"mobile", "phone", "consignee_mobile", "contact_mobile"})
_ACCOUNT_NUMBER_KEYS = frozenset({"account_number", "card_number", "bank_account_number"})
_NAME_KEYS = frozenset({"consignee_name", "account_holder", "holder_name", "account_name", "buyer_name"})
_ADDRESS_KEYS = frozenset({"address", "address_line", "street", "detail_address"})


def mask_mobile(value: str) -> str:
    """``13812345678`` → ``138****5678``; anything shorter than 7 characters → ``****``."""
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 7 else "****"


def mask_account_number(value: str) -> str:
    """The last four digits only: ``****1234``."""
    digits = "".join(character for character in value if character.isalnum())
    return f"****{digits[-4:]}" if len(digits) > 4 else "****"


def mask_name(value: str) -> str:
    """The first character: ``张*``."""
    return f"{value[:1]}*" if value else value


def _masked_value(key: str, value: Any) -> Any:
    lowered = key.lower()
    if any(part in lowered for part in _SECRET_PARTS):
        return REDACTED
    if isinstance(value, str):
        if lowered in _MOBILE_KEYS:
            return mask_mobile(value)
        if lowered in _ACCOUNT_NUMBER_KEYS:
            return mask_account_number(value)
        if lowered in _NAME_KEYS:
            return mask_name(value)
        if lowered in _ADDRESS_KEYS:
            return "****"
    return masked(value)


def masked(value: Any) -> Any:
    """``value`` with every personal field masked and every secret redacted, by field name."""
    if isinstance(value, Mapping):
        return {str(key): _masked_value(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [masked(item) for item in value]
    return value


ERASED = "[erased]"
MASKED_ADDRESS = "****"


def mask_consignee(consignee: Mapping[str, Any]) -> dict[str, Any]:
    """A consignee as most readers see it (issue 20): the name's first character, the mobile's
    first three and last four digits, province and city; district, street and postal code
    ``****``. An erased field stays ``[erased]``."""

    def keep_erased(value: Any, masked_value: str) -> Any:
        return ERASED if value == ERASED else masked_value

    return {
        "name": keep_erased(consignee.get("name"), mask_name(str(consignee.get("name", "")))),
        "mobile": keep_erased(consignee.get("mobile"), mask_mobile(str(consignee.get("mobile", "")))),
        "province": consignee.get("province", ""),
        "city": consignee.get("city", ""),
        "district": keep_erased(consignee.get("district"), MASKED_ADDRESS),
        "address_line": keep_erased(consignee.get("address_line"), MASKED_ADDRESS),
        "postal_code": keep_erased(consignee.get("postal_code"), MASKED_ADDRESS),
    }

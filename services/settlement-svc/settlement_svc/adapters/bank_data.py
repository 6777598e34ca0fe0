"""A bank account's holder and number as settlement-svc stores them (issue 20).

Each account has a data key of its own (subject ``bank-account:<id>``, data_keys.py); the holder
name and the account number are sealed with the contexts ``bank_accounts/<id>/holder_name`` and
``.../account_number`` (a sealed number copied onto another account's row does not open, so a
payout cannot be redirected by moving ciphertexts). Kept beside them in clear: the last four
digits (what every view shows, ``**** 1234``) and a blind index of the number (HMAC under the
blind-index key, field_crypto.BlindIndex) for an exact lookup without the number.
"""

from __future__ import annotations

from dataclasses import dataclass

from shipsettle_shared.data_keys import PersonalDataVault, bank_account_subject
from shipsettle_shared.field_crypto import BlindIndex, seal

ACCOUNT_NUMBER_INDEX = "account_number"


def _context(bank_account_id: str, field: str) -> str:
    return f"bank_accounts/{bank_account_id}/{field}"


@dataclass(frozen=True)
class SealedBankFields:
    holder_name: str
    account_number: str
    account_number_last4: str
    account_number_index: str


async def sealed_bank_fields(
    vault: PersonalDataVault, index: BlindIndex, bank_account_id: str, *, holder_name: str, account_number: str
) -> SealedBankFields:
    key = await vault.key_for(bank_account_subject(bank_account_id))
    return SealedBankFields(
        holder_name=seal(key, _context(bank_account_id, "holder_name"), holder_name),
        account_number=seal(key, _context(bank_account_id, "account_number"), account_number),
        account_number_last4=account_number[-4:],
        account_number_index=index.of(ACCOUNT_NUMBER_INDEX, account_number),
    )


async def opened_bank_fields(
    vault: PersonalDataVault, bank_account_id: str, *, holder_name: str, account_number: str
) -> tuple[str, str]:
    """The holder and number in clear (a row written before encryption is read as it is).
    Raises LookupError when the account's key is destroyed: nothing can be paid to it."""
    holder, number = await vault.open_many(
        [
            (_context(bank_account_id, "holder_name"), holder_name),
            (_context(bank_account_id, "account_number"), account_number),
        ]
    )
    if holder is None or number is None:
        raise LookupError(f"the data key of bank account {bank_account_id} is destroyed")
    return str(holder), str(number)

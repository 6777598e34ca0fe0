"""A bank account's holder and number as settlement-svc stores them (issue 20).

Each account has a data key of its own (subject ``bank-account:<id>``, data_keys.py); the holder
name and the account number are sealed with the contexts ``bank_accounts/<id>/holder_name`` and
``.../account_number`` (a sealed number copied onto another account's row does not open, so a
payout cannot be redirected by moving ciphertexts). Kept beside them in clear: the last four
digits (what every view shows, ``**** 1234``) and a blind index of the number (HMAC under the
blind-index key, field_crypto.BlindIndex) for an exact lookup without the number.

An account stored before encryption (holder and number in clear, no blind index) is read as it is
until ``python -m shipsettle_shared.data_keys seal-clear --service settlement-svc`` seals it
(``CLEAR_ROWS``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from shipsettle_shared.clear_rows import ClearRows, Sealing
from shipsettle_shared.data_keys import PersonalDataVault, bank_account_subject
from shipsettle_shared.field_crypto import BlindIndex, DataKey, is_sealed, seal

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
    return _sealed_with(key, index, bank_account_id, holder_name=holder_name, account_number=account_number)


def _sealed_with(
    key: DataKey, index: BlindIndex, bank_account_id: str, *, holder_name: str, account_number: str
) -> SealedBankFields:
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


# --- rows written before encryption (shipsettle_shared/clear_rows.py) ---


async def _sealed_accounts(
    sealing: Sealing, connection: asyncpg.Connection, records: Sequence[asyncpg.Record]
) -> list[tuple[Any, ...] | None]:
    sealed: list[tuple[Any, ...] | None] = []
    for record in records:
        holder, number = record["holder_name"], record["account_number"]
        if is_sealed(number) or is_sealed(holder):
            sealed.append(None)  # half sealed: never written so; left for a person to look at
            continue
        account_id = record["bank_account_id"]
        key = await sealing.key_for(connection, bank_account_subject(account_id))
        fields = _sealed_with(key, sealing.blind_index, account_id, holder_name=holder, account_number=number)
        sealed.append(
            (
                account_id,
                fields.holder_name,
                fields.account_number,
                fields.account_number_last4,
                fields.account_number_index,
            )
        )
    return sealed


CLEAR_ROWS = (
    ClearRows(
        name="bank_accounts.holder_name/account_number",
        select="""
            select bank_account_id as row_key, bank_account_id, holder_name, account_number from bank_accounts
            where (holder_name not like 'pii1:%' or account_number not like 'pii1:%') and bank_account_id <> all($2::text[])
            order by bank_account_id limit $1 for update skip locked
        """,
        update="""
            update bank_accounts set holder_name = $2, account_number = $3, account_number_last4 = $4,
                account_number_index = $5
            where bank_account_id = $1
        """,
        count="select count(*) from bank_accounts where holder_name not like 'pii1:%' or account_number not like 'pii1:%'",
        rewrite=_sealed_accounts,
    ),
)

"""Field encryption of personal data (个人信息): the envelope, the key-encryption keys, blind indexes.

Envelope encryption, as cloud KMSs do it:

- a **data key** (DEK, 256 random bits) encrypts the fields of one buyer (or one bank account):
  AES-256-GCM, a fresh 96-bit nonce per value, the data key's id and the value's *context* (what
  record and field it is, e.g. ``orders/PO-1/consignee``) as associated data, so a sealed value
  copied onto another record or field does not open;
- the data key is stored only **wrapped** (AES-256-GCM again) by a **key-encryption key** (KEK)
  of the keyring, next to the KEK's id; the data key's id is the wrap's associated data, so a
  wrapped key moved to another id does not unwrap. Destroying a data key (crypto-shredding) makes
  every value sealed with it unreadable everywhere, backups and copies included;
- rotating the KEK re-wraps the data keys (``data_keys.rewrap``); sealed values are untouched.

A **blind index** (HMAC-SHA-256 under a key of its own, never a KEK) finds a record by an exact
value (a mobile, an account number) without storing the value.

Only the ``cryptography`` package's primitives are used; nothing here is hand-made crypto. This
module does no I/O: ``data_keys.py`` stores and caches the data keys.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED_PREFIX = "pii1"
_NONCE_BYTES = 12
_KEY_BYTES = 32
_WRAP_CONTEXT = b"shipsettle/data-key/"


class KeyringError(ValueError):
    """A keyring setting that cannot be used (malformed, a key of the wrong length, an unknown
    active key id)."""


class UnknownKeyEncryptionKey(LookupError):
    """A data key was wrapped under a KEK the keyring no longer holds."""


class SealedValueError(ValueError):
    """A sealed value that is malformed or does not open (altered, moved to another record, or
    sealed under another data key)."""


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@dataclass(frozen=True)
class WrappedKey:
    kek_id: str
    wrapped: bytes


class KeyManagementService(Protocol):
    """What the platform asks of a KMS: wrap a data key under the active KEK, unwrap one under the
    KEK it names. The local keyring (settings) is the first implementation; a cloud KMS (whose KEKs
    never leave it) is the next, behind the same two calls."""

    @property
    def active_kek_id(self) -> str: ...

    def wrap(self, key_id: str, data_key: bytes) -> WrappedKey: ...

    def unwrap(self, key_id: str, wrapped: WrappedKey) -> bytes: ...


class LocalKeyring:
    """KEKs from settings: ``SHIPSETTLE_PII_KEYRING`` = ``id:base64-of-32-bytes[,id:...]`` and
    ``SHIPSETTLE_PII_ACTIVE_KEK`` (the id new data keys are wrapped under; the first listed when
    empty). A retired KEK stays listed until ``rewrap`` has moved every data key off it."""

    def __init__(self, keys: dict[str, bytes], active_kek_id: str) -> None:
        if active_kek_id not in keys:
            raise KeyringError(f"the active key-encryption key {active_kek_id!r} is not in the keyring")
        for kek_id, material in keys.items():
            if len(material) != _KEY_BYTES:
                raise KeyringError(f"key-encryption key {kek_id!r} must be 32 bytes (AES-256), not {len(material)}")
        self._keys = {kek_id: AESGCM(material) for kek_id, material in keys.items()}
        self._material = dict(keys)
        self._active = active_kek_id

    @classmethod
    def parse(cls, keyring: str, active_kek_id: str = "") -> LocalKeyring:
        return cls(*parse_keyring(keyring, active_kek_id))

    @property
    def active_kek_id(self) -> str:
        return self._active

    @property
    def kek_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def holds_material(self, material: bytes) -> bool:
        return any(hmac.compare_digest(material, held) for held in self._material.values())

    def wrap(self, key_id: str, data_key: bytes) -> WrappedKey:
        nonce = os.urandom(_NONCE_BYTES)
        wrapped = self._keys[self._active].encrypt(nonce, data_key, _WRAP_CONTEXT + key_id.encode())
        return WrappedKey(self._active, nonce + wrapped)

    def unwrap(self, key_id: str, wrapped: WrappedKey) -> bytes:
        kek = self._keys.get(wrapped.kek_id)
        if kek is None:
            raise UnknownKeyEncryptionKey(f"data key {key_id} is wrapped under {wrapped.kek_id!r}, not in the keyring")
        nonce, body = wrapped.wrapped[:_NONCE_BYTES], wrapped.wrapped[_NONCE_BYTES:]
        try:
            return kek.decrypt(nonce, body, _WRAP_CONTEXT + key_id.encode())
        except InvalidTag as error:
            raise SealedValueError(f"data key {key_id} does not unwrap under {wrapped.kek_id!r}") from error


def parse_keyring(keyring: str, active_kek_id: str = "") -> tuple[dict[str, bytes], str]:
    """``id:base64[,id:base64...]`` → ({id: 32 bytes}, active id). Raises KeyringError."""
    keys: dict[str, bytes] = {}
    for entry in (part.strip() for part in keyring.split(",")):
        if not entry:
            continue
        kek_id, separator, material = entry.partition(":")
        if not separator or not kek_id.strip():
            raise KeyringError("each keyring entry is id:base64-of-32-bytes")
        try:
            keys[kek_id.strip()] = base64.b64decode(material.strip(), validate=True)
        except (binascii.Error, ValueError) as error:
            raise KeyringError(f"key-encryption key {kek_id.strip()!r} is not base64") from error
    if not keys:
        raise KeyringError("the keyring holds no key-encryption key")
    return keys, active_kek_id or next(iter(keys))


@dataclass(frozen=True)
class DataKey:
    """A data key in clear, in memory only."""

    key_id: str
    material: bytes

    @classmethod
    def generate(cls) -> DataKey:
        return cls(str(uuid.uuid4()), AESGCM.generate_key(bit_length=256))


def _associated_data(key_id: str, context: str) -> bytes:
    return f"{SEALED_PREFIX}|{key_id}|{context}".encode()


def seal(data_key: DataKey, context: str, value: Any) -> str:
    """``value`` (anything JSON holds) as ``pii1:<data key id>:<nonce and ciphertext, base64url>``."""
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    ciphertext = AESGCM(data_key.material).encrypt(nonce, plaintext, _associated_data(data_key.key_id, context))
    return f"{SEALED_PREFIX}:{data_key.key_id}:{_b64encode(nonce + ciphertext)}"


def sealed_key_id(sealed: str) -> str:
    """The id of the data key a sealed value needs. Raises SealedValueError."""
    prefix, _, rest = sealed.partition(":")
    key_id, separator, _ = rest.partition(":")
    if prefix != SEALED_PREFIX or not separator or not key_id:
        raise SealedValueError("not a sealed value")
    return key_id


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(SEALED_PREFIX + ":")


def open_sealed(data_key: DataKey, context: str, sealed: str) -> Any:
    """The value ``seal`` sealed with this key and context. Raises SealedValueError."""
    if sealed_key_id(sealed) != data_key.key_id:
        raise SealedValueError("sealed under another data key")
    try:
        body = _b64decode(sealed.rsplit(":", 1)[1])
        nonce, ciphertext = body[:_NONCE_BYTES], body[_NONCE_BYTES:]
        plaintext = AESGCM(data_key.material).decrypt(nonce, ciphertext, _associated_data(data_key.key_id, context))
    except (InvalidTag, ValueError, binascii.Error) as error:
        raise SealedValueError(f"a sealed value does not open in context {context!r}") from error
    return json.loads(plaintext)


@dataclass(frozen=True)
class TransitSeal:
    """A value sealed to travel (an event's field): its own data key, wrapped under a KEK."""

    kek_id: str
    key_id: str
    wrapped_key: str  # base64url
    sealed: str


def seal_for_transit(kms: KeyManagementService, context: str, value: Any) -> TransitSeal:
    """``value`` under a fresh data key wrapped by the active KEK: opened by a service holding
    that KEK (``open_transit``), without any service's database."""
    key = DataKey.generate()
    wrapped = kms.wrap(key.key_id, key.material)
    return TransitSeal(wrapped.kek_id, key.key_id, _b64encode(wrapped.wrapped), seal(key, context, value))


def open_transit(
    kms: KeyManagementService, context: str, kek_id: str, key_id: str, wrapped_key: str, sealed: str
) -> Any:
    """What ``seal_for_transit`` sealed. Raises SealedValueError, UnknownKeyEncryptionKey."""
    material = kms.unwrap(key_id, WrappedKey(kek_id, _b64decode(wrapped_key)))
    return open_sealed(DataKey(key_id, material), context, sealed)


class BlindIndex:
    """HMAC-SHA-256 of a normalised value under the blind-index key (``SHIPSETTLE_PII_BLIND_INDEX_KEY``),
    hex, with a purpose prefix so a mobile's index never equals an account number's. Equal values
    give equal indexes (that is the point: an exact lookup), so only values with many possible
    values are indexed, and the key is not a KEK (rotating KEKs leaves the indexes valid)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < _KEY_BYTES:
            raise KeyringError("the blind-index key must be at least 32 bytes")
        self._key = key

    def of(self, purpose: str, value: str) -> str:
        normalised = "".join(value.split()).upper()
        return hmac.new(self._key, f"{purpose}|{normalised}".encode(), hashlib.sha256).hexdigest()


def generate_key_base64() -> str:
    """A new 32-byte key, as the keyring and the blind-index setting take it."""
    return base64.b64encode(os.urandom(_KEY_BYTES)).decode()

"""The personal-data envelope (field_crypto.py): AES-256-GCM under a data key bound to its record,
data keys wrapped by a KEK of the keyring, blind indexes, and the settings that refuse the
development keys outside development and test."""

from __future__ import annotations

import base64

import pytest

from shipsettle_shared.field_crypto import (
    BlindIndex,
    DataKey,
    KeyringError,
    LocalKeyring,
    SealedValueError,
    UnknownKeyEncryptionKey,
    WrappedKey,
    open_sealed,
    seal,
    sealed_key_id,
)
from shipsettle_shared.settings import DEVELOPMENT_PII_KEYRING, ServiceSettings

CONSIGNEE = {"name": "张三", "mobile": "13812345678", "address_line": "文三路 90 号 3 幢 501"}
KEK_A = base64.b64encode(b"a" * 32).decode()
KEK_B = base64.b64encode(b"b" * 32).decode()


def test_a_sealed_value_opens_with_its_key_and_context_and_holds_nothing_in_clear() -> None:
    key = DataKey.generate()
    sealed = seal(key, "orders/PO-1/consignee", CONSIGNEE)

    for clear in ("13812345678", "文三路", "张三"):
        assert clear not in sealed
    assert sealed.startswith(f"pii1:{key.key_id}:")
    assert sealed_key_id(sealed) == key.key_id
    assert open_sealed(key, "orders/PO-1/consignee", sealed) == CONSIGNEE


def test_sealing_twice_gives_two_ciphertexts_a_fresh_nonce_each() -> None:
    key = DataKey.generate()
    assert seal(key, "c", CONSIGNEE) != seal(key, "c", CONSIGNEE)


def test_a_sealed_value_moved_to_another_record_does_not_open() -> None:
    key = DataKey.generate()
    sealed = seal(key, "orders/PO-1/consignee", CONSIGNEE)
    with pytest.raises(SealedValueError):
        open_sealed(key, "orders/PO-2/consignee", sealed)


def test_an_altered_ciphertext_does_not_open() -> None:
    key = DataKey.generate()
    sealed = seal(key, "c", CONSIGNEE)
    middle = len(sealed) - 10  # inside the ciphertext (the last character may hold padding bits only)
    altered = sealed[:middle] + ("A" if sealed[middle] != "A" else "B") + sealed[middle + 1 :]
    with pytest.raises(SealedValueError):
        open_sealed(key, "c", altered)


def test_another_data_key_does_not_open_it() -> None:
    sealed = seal(DataKey.generate(), "c", CONSIGNEE)
    with pytest.raises(SealedValueError):
        open_sealed(DataKey.generate(), "c", sealed)


def test_a_data_key_wrapped_under_one_kek_unwraps_after_the_active_kek_changes() -> None:
    old = LocalKeyring.parse(f"old:{KEK_A}")
    key = DataKey.generate()
    wrapped = old.wrap(key.key_id, key.material)
    assert wrapped.kek_id == "old"
    assert key.material not in wrapped.wrapped

    rotated = LocalKeyring.parse(f"new:{KEK_B},old:{KEK_A}", "new")
    assert rotated.unwrap(key.key_id, wrapped) == key.material
    rewrapped = rotated.wrap(key.key_id, key.material)
    assert rewrapped.kek_id == "new"
    assert LocalKeyring.parse(f"new:{KEK_B}").unwrap(key.key_id, rewrapped) == key.material


def test_a_wrapped_key_moved_to_another_key_id_does_not_unwrap() -> None:
    keyring = LocalKeyring.parse(f"k:{KEK_A}")
    key = DataKey.generate()
    wrapped = keyring.wrap(key.key_id, key.material)
    with pytest.raises(SealedValueError):
        keyring.unwrap("another-key-id", wrapped)


def test_a_key_wrapped_under_a_kek_gone_from_the_keyring_is_named() -> None:
    with pytest.raises(UnknownKeyEncryptionKey, match="'old'"):
        LocalKeyring.parse(f"new:{KEK_B}").unwrap("id", WrappedKey("old", b"x" * 60))


@pytest.mark.parametrize(
    ("keyring", "active", "message"),
    [
        ("", "", "no key-encryption key"),
        ("k", "", "id:base64"),
        ("k:not base64!", "", "not base64"),
        (f"k:{base64.b64encode(b'short').decode()}", "", "32 bytes"),
        (f"k:{KEK_A}", "other", "not in the keyring"),
    ],
)
def test_a_keyring_that_cannot_be_used_is_refused(keyring: str, active: str, message: str) -> None:
    with pytest.raises(KeyringError, match=message):
        LocalKeyring.parse(keyring, active)


def test_a_blind_index_finds_equal_values_whatever_the_spacing_and_differs_by_purpose() -> None:
    index = BlindIndex(b"i" * 32)
    assert index.of("mobile", "138 1234 5678") == index.of("mobile", "13812345678")
    assert index.of("mobile", "13812345678") != index.of("mobile", "13812345679")
    assert index.of("mobile", "13812345678") != index.of("account_number", "13812345678")
    assert index.of("mobile", "13812345678") != BlindIndex(b"j" * 32).of("mobile", "13812345678")
    assert "13812345678" not in index.of("mobile", "13812345678")


def _settings(environment: str, **values: str) -> ServiceSettings:
    return ServiceSettings(environment=environment, service_name="order-svc", database_url="", **values)  # type: ignore[arg-type]


def test_the_development_personal_data_keys_are_refused_outside_development_and_test() -> None:
    assert _settings("test").keyring().active_kek_id == "dev-kek-1"
    with pytest.raises(ValueError, match=r"SHIPSETTLE_PII_KEYRING.*SHIPSETTLE_PII_BLIND_INDEX_KEY"):
        _settings("production", api_key_pepper="p" * 40)
    # the development KEK kept beside a real one (as a retiring key) is refused too
    with pytest.raises(ValueError, match="SHIPSETTLE_PII_KEYRING"):
        _settings("production", pii_keyring=f"real:{KEK_A},{DEVELOPMENT_PII_KEYRING}", pii_active_kek="real")


def test_a_production_start_with_real_personal_data_keys_passes_their_check() -> None:
    settings = _settings("development", pii_keyring=f"real:{KEK_A}", pii_blind_index_key=KEK_B)
    assert "SHIPSETTLE_PII_KEYRING" not in settings.placeholder_secrets()
    assert "SHIPSETTLE_PII_BLIND_INDEX_KEY" not in settings.placeholder_secrets()


def test_a_malformed_keyring_refuses_the_start_in_any_environment() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        _settings("development", pii_keyring=f"k:{base64.b64encode(b'short').decode()}")

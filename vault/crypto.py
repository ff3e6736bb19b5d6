"""The AES-256-GCM operations behind encrypted fields and data keys, as plain functions.

Encrypted fields and data keys call these; so do data migrations, which
work on historical models that have none of the models' methods. Changing
what these produce changes the stored format: every value already written
would stop opening.
"""

import base64
import binascii
import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vault.keyring import key_ring

PREFIX = "tg1:"
NONCE_BYTES = 12


class CiphertextInvalid(Exception):
    """Not ciphertext, damaged, or does not authenticate under the key and binding given."""


def value_binding(table, column, row_id, key_id):
    """The associated data of one encrypted value: its table, column, row and data key."""
    return f"{table}\x1f{column}\x1f{row_id}".encode() + b"\x1f" + key_id.bytes


def value_seal(*, raw_key, key_id, binding, plaintext):
    """``tg1:`` + base64(data-key id ‖ nonce ‖ ciphertext+tag) of ``plaintext`` (text)."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(raw_key).encrypt(nonce, plaintext.encode(), binding)
    return PREFIX + base64.b64encode(key_id.bytes + nonce + sealed).decode()


def value_key_id(sealed):
    """The id of the data key a value was sealed under."""
    if not sealed.startswith(PREFIX):
        raise CiphertextInvalid("is not ciphertext")
    try:
        blob = base64.b64decode(sealed[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise CiphertextInvalid("is damaged") from None
    if len(blob) < 16 + NONCE_BYTES:
        raise CiphertextInvalid("is damaged")
    return uuid.UUID(bytes=blob[:16])


def value_open(*, raw_key, key_id, binding, sealed):
    """The text sealed by ``value_seal``; raises CiphertextInvalid if anything is off."""
    if value_key_id(sealed) != key_id:
        raise CiphertextInvalid("was sealed under another data key")
    blob = base64.b64decode(sealed[len(PREFIX) :])
    try:
        plaintext = AESGCM(raw_key).decrypt(
            blob[16 : 16 + NONCE_BYTES], blob[16 + NONCE_BYTES :], binding
        )
    except InvalidTag:
        raise CiphertextInvalid(
            "does not decrypt: altered, moved from another row or column, "
            "or sealed under another key"
        ) from None
    return plaintext.decode()


def data_key_binding(key_id, version):
    return b"trygg-data-key\x1f" + key_id.bytes + version.to_bytes(4, "big")


def data_key_wrap(*, key_id, raw_key):
    """``(master key version, nonce ‖ wrapped key)`` under the newest master key."""
    ring = key_ring()
    version = ring.newest_version
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.cipher(version).encrypt(nonce, raw_key, data_key_binding(key_id, version))
    return version, nonce + sealed


def data_key_unwrap(*, key_id, version, wrapped):
    """The raw data key; raises InvalidTag if the master key of ``version`` is wrong."""
    blob = bytes(wrapped)
    return (
        key_ring()
        .cipher(version)
        .decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], data_key_binding(key_id, version))
    )


def data_key_new():
    return os.urandom(32)

"""The master key ring and the blind-index key, from the environment.

MASTER_KEYS holds one or more versioned 256-bit keys, ``"1:<base64>,2:<base64>"``;
the highest version wraps new data keys, older ones only unwrap until
``rotate_keys`` has moved every data key on. BLIND_INDEX_KEY is a separate
256-bit key for the keyed hashes that let us look people up without
decrypting.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

KEY_BYTES = 32


def decode_key(name, text):
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name}: not valid base64") from None
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"{name}: a key must be {KEY_BYTES} bytes (256 bits), this one is {len(raw)}"
        )
    return raw


def generate_key_text():
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode().rstrip("=")


class KeyRing:
    def __init__(self, keys):
        if not keys:
            raise ImproperlyConfigured("MASTER_KEYS holds no key")
        self._ciphers = {version: AESGCM(raw) for version, raw in keys.items()}
        self.newest_version = max(keys)

    @classmethod
    def parse(cls, text):
        if not text or not text.strip():
            raise ImproperlyConfigured(
                "MASTER_KEYS is not set. Generate one with "
                "`python manage.py generate_keys` and see README, 'Keys'."
            )
        keys = {}
        for item in text.split(","):
            version_text, separator, key_text = item.strip().partition(":")
            if not separator or not version_text.isdigit() or int(version_text) < 1:
                raise ImproperlyConfigured(
                    "MASTER_KEYS must look like '1:<base64 key>,2:<base64 key>' "
                    "(versions are whole numbers from 1)"
                )
            version = int(version_text)
            if version in keys:
                raise ImproperlyConfigured(f"MASTER_KEYS lists version {version} twice")
            keys[version] = decode_key(f"MASTER_KEYS version {version}", key_text)
        return cls(keys)

    @property
    def versions(self):
        return sorted(self._ciphers)

    def cipher(self, version):
        try:
            return self._ciphers[version]
        except KeyError:
            raise MissingMasterKey(version) from None


class MissingMasterKey(ImproperlyConfigured):
    def __init__(self, version):
        super().__init__(
            f"Master key version {version} is needed but not in MASTER_KEYS. "
            "Put it back, or run rotate_keys while it is still present."
        )
        self.version = version


@functools.cache
def key_ring():
    return KeyRing.parse(settings.MASTER_KEYS)


@functools.cache
def _blind_index_key():
    if not settings.BLIND_INDEX_KEY:
        raise ImproperlyConfigured("BLIND_INDEX_KEY is not set (see README, 'Keys').")
    return decode_key("BLIND_INDEX_KEY", settings.BLIND_INDEX_KEY)


def blind_index(purpose, value):
    """A keyed hash of ``value``, separated by ``purpose`` so indexes cannot be joined."""
    message = f"{purpose}\x1f{value}".encode()
    return hmac.new(_blind_index_key(), message, hashlib.sha256).hexdigest()


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    if setting in ("MASTER_KEYS", "BLIND_INDEX_KEY"):
        key_ring.cache_clear()
        _blind_index_key.cache_clear()


def blind_index_key_check():
    _blind_index_key()

"""The access log's HMAC keys, from AUDIT_KEYS (or AUDIT_KEYS_FILE); never in the database.

``"1:<base64>,2:<base64>"``: the highest version seals new events (hash
format 3) and signs checkpoints; older versions only verify what they
sealed. Whoever can write to the database but does not hold these keys
cannot forge an event, nor recompute a chain after changing one.

Rotation: append a new version and restart every process; keep the old
versions for as long as events sealed under them are kept (they are needed to
verify them). A key that leaked is rotated the same way, and a checkpoint
written right after the restart pins what was sealed under the old key.
"""

import base64
import binascii
import functools
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

KEY_BYTES = 32


class MissingAuditKey(ImproperlyConfigured):
    def __init__(self, version):
        super().__init__(
            f"Audit key version {version} is needed to verify the access log but is not in "
            "AUDIT_KEYS. Put it back (old versions stay for as long as their events are kept)."
        )
        self.version = version


def _keys_parse(text):
    """``"1:<base64>,2:<base64>"`` as {version: 32 bytes}.

    The same notation as MASTER_KEYS, parsed here rather than by vault's
    parser: the access log depends on nothing of ours (STYLE.md).
    """
    if not text or not text.strip():
        raise ImproperlyConfigured(
            "AUDIT_KEYS is not set. Generate one with `python manage.py generate_keys` "
            "and see README, 'Keys'."
        )
    keys = {}
    for item in text.split(","):
        version_text, separator, key_text = item.strip().partition(":")
        if not separator or not version_text.isdigit() or int(version_text) < 1:
            raise ImproperlyConfigured(
                "AUDIT_KEYS must look like '1:<base64 key>,2:<base64 key>' "
                "(versions are whole numbers from 1)"
            )
        version = int(version_text)
        if version in keys:
            raise ImproperlyConfigured(f"AUDIT_KEYS lists version {version} twice")
        try:
            key = base64.urlsafe_b64decode(key_text + "=" * (-len(key_text) % 4))
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"AUDIT_KEYS version {version}: not a base64 key of {KEY_BYTES} bytes (256 bits)"
            )
        keys[version] = key
    return keys


@functools.cache
def audit_keys():
    """{version: 32-byte key}; ImproperlyConfigured when AUDIT_KEYS is missing or malformed."""
    return _keys_parse(settings.AUDIT_KEYS)


def current_version():
    """The version that seals new events and checkpoints."""
    return max(audit_keys())


def audit_key(version):
    try:
        return audit_keys()[version]
    except KeyError:
        raise MissingAuditKey(version) from None


class Sealer:
    """HMAC-SHA-256 under one key, for many short messages (RFC 2104, by hand).

    ``hmac.new`` hashes the padded key twice for every message; for the
    verifier's few hundred bytes per event that doubles the work. Here the
    inner and outer states after the padded key are computed once and copied.
    tests/audit/test_keyed_chain.py checks it against ``hmac``.
    """

    BLOCK = 64  # SHA-256's block size in bytes

    def __init__(self, key):
        if len(key) > self.BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(self.BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
        self._outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))

    def hexdigest(self, message):
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


def sealers():
    """{version: Sealer} for every audit key."""
    return {version: Sealer(key) for version, key in audit_keys().items()}


def seal(version, message):
    """HMAC-SHA-256 of ``message`` (bytes) under audit key ``version``, as hex."""
    return hmac.new(audit_key(version), message, hashlib.sha256).hexdigest()


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    if setting == "AUDIT_KEYS":
        audit_keys.cache_clear()


def audit_keys_check():
    """For the start-up checks: the keys parse."""
    audit_keys()

"""Data keys (envelope encryption) and the check values that catch a wrong master key."""

import os
import uuid

from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vault import keycache
from vault.keyring import KEY_BYTES, MissingMasterKey, key_ring


class KeyDestroyed(Exception):
    """The data key was erased (crypto-shredding): its ciphertext is gone for good."""


class DecryptionFailed(Exception):
    """Ciphertext did not authenticate: wrong key, tampering, or moved to another row."""


class DataKeyUnwrapFailed(DecryptionFailed):
    """A data key does not unwrap: the master key is wrong, or the key row was changed.

    Not one value's integrity but every value under the key: never shown as a
    placeholder (vault/integrity.py), always an error.
    """


class DataKey(models.Model):
    """A 256-bit key for one person's identity, one case's content, or system secrets, wrapped.

    Never tracked by history: a copy of the wrapped key in a history row
    would survive erasure.
    """

    class Purpose(models.TextChoices):
        PERSON = "person", _("Person")
        # One per case (report, referral, exit case): its content can be
        # shredded apart from the person and from the other programmes.
        CASE = "case", _("Case")
        SYSTEM = "system", _("System")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    master_key_version = models.PositiveIntegerField(null=True)
    wrapped_key = models.BinaryField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data key")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["purpose"],
                condition=models.Q(purpose="system"),
                name="vault_one_system_key",
            ),
            models.CheckConstraint(
                condition=models.Q(destroyed_at__isnull=False)
                | models.Q(wrapped_key__isnull=False, master_key_version__isnull=False),
                name="vault_live_key_is_wrapped",
            ),
        ]
        indexes = [models.Index(fields=["master_key_version"], name="vault_datakey_version")]

    def __str__(self):
        return f"{self.get_purpose_display()} key {self.id}"

    def _associated_data(self, version):
        return b"trygg-data-key\x1f" + self.id.bytes + version.to_bytes(4, "big")

    def _wrap(self, raw):
        ring = key_ring()
        version = ring.newest_version
        master_keys_outdated_refuse(version)
        nonce = os.urandom(12)
        sealed = ring.cipher(version).encrypt(nonce, raw, self._associated_data(version))
        self.wrapped_key = nonce + sealed
        self.master_key_version = version
        KeyRingCheck.ensure(version)

    @classmethod
    def create(cls, purpose=Purpose.PERSON):
        key = cls(purpose=purpose)
        # One transaction, so the lock _wrap takes lasts until the key is saved.
        with transaction.atomic():
            key._wrap(os.urandom(KEY_BYTES))
            key.save()
        return key

    @classmethod
    def system_key(cls):
        """The one key for secrets that belong to no person (TOTP seeds)."""
        key = cls.objects.filter(purpose=cls.Purpose.SYSTEM).first()
        if key is None:
            try:
                with transaction.atomic():
                    key = cls.create(cls.Purpose.SYSTEM)
            except IntegrityError:  # another process made it first
                key = cls.objects.get(purpose=cls.Purpose.SYSTEM)
        return key

    @property
    def is_destroyed(self):
        return self.destroyed_at is not None

    def unwrap(self):
        if self.is_destroyed:
            raise KeyDestroyed(f"data key {self.id} was destroyed at {self.destroyed_at}")
        blob = bytes(self.wrapped_key)
        cipher = key_ring().cipher(self.master_key_version)
        try:
            return cipher.decrypt(
                blob[:12], blob[12:], self._associated_data(self.master_key_version)
            )
        except InvalidTag:
            raise DataKeyUnwrapFailed(
                f"data key {self.id} does not unwrap under master key version "
                f"{self.master_key_version}: the key in MASTER_KEYS is wrong"
            ) from None

    def rewrap(self):
        """Wrap under the newest master key. Returns True if anything changed.

        Raises MasterKeysOutdated, like every wrap, in a process whose
        MASTER_KEYS lacks a newer version the database knows.
        """
        if self.is_destroyed or self.master_key_version == key_ring().newest_version:
            return False
        self._wrap(self.unwrap())
        self.save(update_fields=["wrapped_key", "master_key_version"])
        return True

    def destroy(self):
        """Crypto-shredding: without the key, every ciphertext under it is noise."""
        keycache.forget(self.id)
        self.wrapped_key = None
        self.master_key_version = None
        self.destroyed_at = timezone.now()
        self.save(update_fields=["wrapped_key", "master_key_version", "destroyed_at"])


class MasterKeysOutdated(ImproperlyConfigured):
    """The database knows a newer master key than this process's MASTER_KEYS."""


def master_keys_outdated_refuse(version):
    """Raise MasterKeysOutdated if the database knows a master key version above ``version``.

    A process started before a new version was added to MASTER_KEYS would
    otherwise go on wrapping new data keys under the old one, after
    rotate_keys has called it unused. A version is known once a key check
    row exists for it (``KeyRingCheck.ensure``: the first key wrapped under
    it, or rotate_keys starting).

    On PostgreSQL the check rows read here stay locked (FOR KEY SHARE, which
    does not block other wrappers) until the caller's transaction ends:
    rotate_keys locks the rows of the older versions FOR UPDATE before it
    looks for keys left under them, so it waits for every transaction that
    wrapped a key under an older version before the newer one was known.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT version FROM vault_keyringcheck WHERE version >= %s FOR KEY SHARE",
                [version],
            )
            known = [row[0] for row in cursor.fetchall()]
    else:
        # SQLite runs one writing transaction at a time: nothing to wait for.
        known = KeyRingCheck.objects.filter(version__gte=version).values_list("version", flat=True)
    newest_known = max(known, default=version)
    if newest_known > version:
        raise MasterKeysOutdated(
            f"The database already uses master key version {newest_known}, but MASTER_KEYS "
            f"in this process ends at version {version}: it must not wrap data keys under "
            "an older master key. Restart it with the new MASTER_KEYS."
        )


class KeyRingCheck(models.Model):
    """A known value sealed under each master key version.

    At start we open each one: a master key that was mistyped or swapped
    fails here, before the app writes data nobody can read.
    """

    PLAINTEXT = b"trygg key ring check"

    version = models.PositiveIntegerField(primary_key=True)
    sealed = models.BinaryField()

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"key check v{self.version}"

    @staticmethod
    def _associated_data(version):
        return b"trygg-key-check\x1f" + version.to_bytes(4, "big")

    @classmethod
    def ensure(cls, version):
        if cls.objects.filter(version=version).exists():
            return
        nonce = os.urandom(12)
        sealed = (
            key_ring().cipher(version).encrypt(nonce, cls.PLAINTEXT, cls._associated_data(version))
        )
        cls.objects.get_or_create(version=version, defaults={"sealed": nonce + sealed})

    def opens(self):
        blob = bytes(self.sealed)
        try:
            cipher = key_ring().cipher(self.version)
        except MissingMasterKey:
            return None
        try:
            return cipher.decrypt(blob[:12], blob[12:], self._associated_data(self.version)) == (
                self.PLAINTEXT
            )
        except InvalidTag:
            return False

"""Users, the units they work in, and their hashed backup codes.

Staff names are plain columns: they are the people who use the system, not
the people it is about (those live encrypted in casework).
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts.roles import Role
from vault.fields import EncryptedTextField
from vault.querysets import TrackedQuerySet


class District(models.Model):
    """A city district (stadsdel or område); cases and SSPF groups belong to one."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A social-services unit (enhet). Access to cases follows unit membership."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    districts = models.ManyToManyField(
        District, blank=True, related_name="units", verbose_name=_("districts served")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        permissions = [
            ("assign_unit_cases", _("Can assign the unit's cases to its workers")),
            ("view_outcome_summaries", _("Can view anonymised outcome summaries")),
        ]

    def __str__(self):
        return self.name


class User(AbstractUser):
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("unit"),
    )
    # Part of the session hash: changing it ends every session of the user
    # (deactivation, second factor added or removed).
    session_stamp = models.UUIDField(default=uuid.uuid4, editable=False)
    failed_sign_in_count = models.PositiveIntegerField(default=0, editable=False)
    # Second-factor failures count apart: a correct password must not reset
    # them, or whoever has the password could guess codes forever.
    failed_second_factor_count = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("reset_second_factor", _("Can reset a user's second factor")),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_session_auth_hash(self):
        # Django compares this with the hash stored in each session; mixing in
        # the stamp lets us end all sessions without finding them.
        base = super().get_session_auth_hash()
        return hashlib.sha256(f"{base}:{self.session_stamp}".encode()).hexdigest()

    def is_locked(self, now=None):
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    @cached_property
    def role_names(self):
        # Asked many times per request (middleware, menu, selectors): one
        # query per loaded user. A request loads its user afresh.
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def roles(self):
        return [role for role in Role if role.value in self.role_names]

    def has_role(self, role):
        return Role(role).value in self.role_names


class BackupCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """Printable one-time backup codes, stored hashed.

    django-otp's static device keeps codes in clear and looks them up by
    equality; a database dump would then hand out second factors.
    """

    def get_throttle_factor(self):
        return settings.OTP_BACKUP_THROTTLE_FACTOR

    def remaining_count(self):
        return self.codes.filter(used_at__isnull=True).count()

    def verify_token(self, token):
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        digest = BackupCode.digest(token)
        match = None
        # Compare against every unused code in constant time rather than
        # filtering by digest, so timing does not tell how close a guess was.
        for code in self.codes.filter(used_at__isnull=True):
            if constant_time_compare(code.code_hash, digest) and match is None:
                match = code
        if match is None:
            self.throttle_increment()
            return False
        # Spent only if still unspent: of two requests with one code, one wins.
        spent = BackupCode.objects.filter(pk=match.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not spent:
            self.throttle_increment()
            return False
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class BackupCode(models.Model):
    # Codes carry about 59 random bits, so one SHA-256 is enough: slow password
    # hashers protect guessable secrets, and these are not guessable. A slow
    # hash would also make every sign-in with a code check ten Argon2 hashes.
    ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
    LENGTH = 12

    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        # Never the hash: nothing about a code is worth showing.
        return f"backup code {self.pk} ({'used' if self.used_at else 'unused'})"

    @classmethod
    def normalise(cls, token):
        return "".join(ch for ch in str(token).lower() if ch.isalnum())

    @classmethod
    def digest(cls, token):
        return hashlib.sha256(cls.normalise(token).encode()).hexdigest()

    @classmethod
    def generate(cls):
        """Return a new code for display, grouped in fours: 'abcd-efgh-jkmn'."""
        raw = "".join(secrets.choice(cls.ALPHABET) for _ in range(cls.LENGTH))
        return "-".join(raw[i : i + 4] for i in range(0, cls.LENGTH, 4))


class AuthenticatorDeviceManager(DeviceManager.from_queryset(TrackedQuerySet)):
    pass


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """A TOTP authenticator app whose seed is encrypted at rest.

    django-otp's TOTPDevice keeps the seed in clear, so a database dump would
    hand out every second factor. The TOTP arithmetic below is django-otp's
    own (borrowed from TOTPDevice); only the storage of the key differs.
    """

    # django-otp's persistent ids need an integer primary key; the encrypted
    # seed is bound to this UUID instead.
    row_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = EncryptedTextField(key="system", row="row_id", default=default_key)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    objects = AuthenticatorDeviceManager()

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")
        base_manager_name = "objects"

    bin_key = TOTPDevice.bin_key
    config_url = TOTPDevice.config_url
    verify_token = TOTPDevice.verify_token
    _read_str_from_settings = TOTPDevice._read_str_from_settings

    def get_throttle_factor(self):
        return settings.OTP_TOTP_THROTTLE_FACTOR

"""Stored values that do not verify: tampering, a bad restore, a value moved between rows.

A value whose ciphertext does not open under its row's data key is never
shown, and never another row's value. Reading it sends ``value_unverifiable``
(accounts records a flagged access event and a security-log alert for it,
once per request) and then:

- a plain text field gives an ``Unverifiable`` placeholder, so the rest of
  the page (the rest of the file, the other rows of a list) is still shown;
- a typed field (a date, JSON) or a system secret raises ``DecryptionFailed``,
  which the request turns into the integrity page (accounts/integrity.py):
  a placeholder there would make the code that uses the value go wrong.

A placeholder is never stored: saving it raises ``DecryptionFailed``.
``python manage.py verify_encrypted_values`` opens every stored value and
lists those that do not verify (after a restore from backup, say).
"""

from django.dispatch import Signal
from django.utils.translation import gettext

# Sent with instance, field (the model field), row (its id) and problem (technical words).
value_unverifiable = Signal()


class Unverifiable(str):
    """What a read gives instead of a text value that does not verify."""

    __slots__ = ()

    def __new__(cls):
        return super().__new__(
            cls, gettext("[could not be verified; the system administrator has been told]")
        )


def unverifiable_fields(instance):
    """The names of ``instance``'s encrypted fields whose stored value does not verify.

    Reading them sends ``value_unverifiable`` like any other read.
    """
    from vault.fields import EncryptedTextField
    from vault.models import DecryptionFailed

    names = []
    for field in instance._meta.concrete_fields:
        if not isinstance(field, EncryptedTextField):
            continue
        try:
            value = getattr(instance, field.attname)
        except DecryptionFailed:
            names.append(field.name)
            continue
        if isinstance(value, Unverifiable):
            names.append(field.name)
    return names
